//! `random_shuffle`: a random permutation of a list of strings, optionally longer or shorter
//! than the input, reproducible with `seed`.

use infra_provider_sdk::{Attribute, Block, Diagnostics, PlanResourceRequest, PlanResourceResponse};
use infra_provider_sdk::{ResourceSchema, Type, Value};

use rand::Rng;

use crate::seeded::{perm_with, SeededRng};
use crate::support::{get_i64, get_str, keepers, plan_random, with_attrs};
use crate::RandomResource;

pub struct RandomShuffle;

impl RandomResource for RandomShuffle {
    fn schema(&self) -> ResourceSchema {
        let mut block = Block::new()
            .attr("keepers", keepers())
            .attr(
                "seed",
                Attribute::optional(Type::String).force_new().describe(
                    "Arbitrary string with which to seed the random number generator, in order to produce less-volatile \
permutations of the list.\n\n**Important:** Even with an identical seed, it is not guaranteed that the same permutation \
will be produced across different versions of Terraform. This argument causes the result to be *less volatile*, but not \
fixed for all time.",
                ),
            )
            .attr("input", Attribute::required(Type::list(Type::String)).force_new().describe("The list of strings to shuffle."))
            .attr(
                "result_count",
                Attribute::optional(Type::Number).force_new().describe(
                    "The number of results to return. Defaults to the number of items in the `input` list. If fewer items \
are requested, some elements will be excluded from the result. If more items are requested, items will be repeated in the \
result but not more frequently than the number of items in the input list.",
                ),
            )
            .attr(
                "result",
                Attribute::computed(Type::list(Type::String)).describe(
                    "Random permutation of the list of strings given in `input`. The number of elements is determined by \
`result_count` if set, or the number of elements in `input`.",
                ),
            )
            .attr(
                "id",
                Attribute::computed(Type::String)
                    .describe("A static value used internally by Terraform, this should not be referenced in configurations."),
            );
        block.description =
            "The resource `random_shuffle` generates a random permutation of a list of strings given as an argument."
                .to_string();
        ResourceSchema { version: 0, block, importable: false }
    }

    fn plan(&self, schema: &ResourceSchema, req: &PlanResourceRequest) -> PlanResourceResponse {
        plan_random(schema, req, |_| Ok(()))
    }

    fn create(&self, planned: &Value) -> Result<Value, Diagnostics> {
        let input: Vec<Value> = planned.get_attr("input").and_then(Value::as_elements).map(<[Value]>::to_vec).unwrap_or_default();
        let result_count = get_i64(planned, "result_count").unwrap_or(input.len() as i64);
        let mut result = Vec::new();
        if result_count != 0 && !input.is_empty() {
            let mut seeded = get_str(planned, "seed").filter(|s| !s.is_empty()).map(|s| SeededRng::from_seed_str(&s));
            let mut perm = |n: usize| match seeded.as_mut() {
                Some(rng) => rng.perm(n),
                None => perm_with(n, |k| rand::rngs::OsRng.gen_range(0..k)),
            };
            // Whole permutations one after another, so that no element repeats more often than
            // the number of input elements allows. HashiCorp checks the count after appending,
            // so a negative result_count yields one element; kept for compatibility.
            'batches: loop {
                for i in perm(input.len()) {
                    result.push(input[i].clone());
                    if result.len() as i64 >= result_count {
                        break 'batches;
                    }
                }
            }
        }
        Ok(with_attrs(
            planned,
            vec![("id", Value::string("-")), ("result", Value::list(Type::String, result))],
        ))
    }
}
