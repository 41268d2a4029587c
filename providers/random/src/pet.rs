//! `random_pet`: a random name such as `kindly-brisk-otter`: `length - 2` adverbs, an
//! adjective and an animal name, joined by `separator`, optionally prefixed.

use infra_provider_sdk::{Attribute, Block, Diagnostics, PlanResourceRequest, PlanResourceResponse};
use infra_provider_sdk::{ResourceSchema, Type, Value};
use rand::Rng;

use crate::support::{get_i64, get_str, keepers, plan_random, with_attrs};
use crate::words::{ADJECTIVES, ADVERBS, NAMES};
use crate::RandomResource;

pub struct RandomPet;

fn pick(rng: &mut impl Rng, list: &[&'static str]) -> &'static str {
    list[rng.gen_range(0..list.len())]
}

/// A pet name of `words` words (as golang-petname: 1 → name, 2 → adjective-name, more → adverbs
/// first). Zero or negative lengths give an empty name, as HashiCorp's provider does.
pub fn generate(rng: &mut impl Rng, words: i64, separator: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if words >= 1 {
        for _ in 2..words {
            parts.push(pick(rng, ADVERBS));
        }
        if words >= 2 {
            parts.push(pick(rng, ADJECTIVES));
        }
        parts.push(pick(rng, NAMES));
    }
    parts.join(separator)
}

impl RandomResource for RandomPet {
    fn schema(&self) -> ResourceSchema {
        let mut block = Block::new()
            .attr("keepers", keepers())
            .attr(
                "length",
                Attribute::optional_computed(Type::Number)
                    .force_new()
                    .with_default(Value::from_i64(2))
                    .describe("The length (in words) of the pet name. Defaults to 2"),
            )
            .attr("prefix", Attribute::optional(Type::String).force_new().describe("A string to prefix the name with."))
            .attr(
                "separator",
                Attribute::optional_computed(Type::String)
                    .force_new()
                    .with_default(Value::string("-"))
                    .describe("The character to separate words in the pet name. Defaults to \"-\""),
            )
            .attr("id", Attribute::computed(Type::String).describe("The random pet name."));
        block.description = "The resource `random_pet` generates random pet names that are intended to be used as \
unique identifiers for other resources.\n\nThis resource can be used in conjunction with resources that have the \
`create_before_destroy` lifecycle flag set, to avoid conflicts with unique names during the brief period where both the \
old and new resources exist concurrently."
            .to_string();
        ResourceSchema { version: 0, block, importable: false }
    }

    fn plan(&self, schema: &ResourceSchema, req: &PlanResourceRequest) -> PlanResourceResponse {
        plan_random(schema, req, |_| Ok(()))
    }

    fn create(&self, planned: &Value) -> Result<Value, Diagnostics> {
        let length = get_i64(planned, "length").unwrap_or(2);
        let separator = get_str(planned, "separator").unwrap_or_else(|| "-".to_string());
        let mut pet = generate(&mut rand::rngs::OsRng, length, &separator).to_lowercase();
        if let Some(prefix) = get_str(planned, "prefix").filter(|p| !p.is_empty()) {
            pet = format!("{prefix}{separator}{pet}");
        }
        Ok(with_attrs(planned, vec![("id", Value::string(pet))]))
    }
}
