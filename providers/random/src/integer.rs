//! `random_integer`: a random integer in `min..=max`, reproducible with `seed`.

use infra_provider_sdk::{Attribute, Block, Diagnostic, Diagnostics, PlanResourceRequest, PlanResourceResponse};
use infra_provider_sdk::{ResourceSchema, Type, Value};
use rand::Rng;

use crate::seeded::SeededRng;
use crate::support::{complete_object, get_i64, get_str, int, keepers, plan_random, with_attrs};
use crate::RandomResource;

pub struct RandomInteger;

fn import_error(detail: impl Into<String>) -> Diagnostics {
    Diagnostic::error("Import Random Integer Error", detail).into()
}

impl RandomResource for RandomInteger {
    fn schema(&self) -> ResourceSchema {
        let mut block = Block::new()
            .attr("keepers", keepers())
            .attr("min", Attribute::required(Type::Number).force_new().describe("The minimum inclusive value of the range."))
            .attr("max", Attribute::required(Type::Number).force_new().describe("The maximum inclusive value of the range."))
            .attr("seed", Attribute::optional(Type::String).force_new().describe("A custom seed to always produce the same value."))
            .attr("result", Attribute::computed(Type::Number).describe("The random integer result."))
            .attr("id", Attribute::computed(Type::String).describe("The string representation of the integer result."));
        block.description = "The resource `random_integer` generates random values from a given range, described by \
the `min` and `max` attributes of a given resource.\n\nThis resource can be used in conjunction with resources that have \
the `create_before_destroy` lifecycle flag set, to avoid conflicts with unique names during the brief period where both \
the old and new resources exist concurrently."
            .to_string();
        ResourceSchema { version: 0, block, importable: true }
    }

    fn plan(&self, schema: &ResourceSchema, req: &PlanResourceRequest) -> PlanResourceResponse {
        plan_random(schema, req, |_| Ok(()))
    }

    fn create(&self, planned: &Value) -> Result<Value, Diagnostics> {
        let min = get_i64(planned, "min").unwrap_or(0);
        let max = get_i64(planned, "max").unwrap_or(0);
        if max < min {
            return Err(Diagnostic::error(
                "Create Random Integer Error",
                "The minimum (minVal) value needs to be smaller than or equal to maximum (maxVal) value.",
            )
            .into());
        }
        let number = match get_str(planned, "seed").filter(|s| !s.is_empty()) {
            Some(seed) => {
                // The span fits in u64 because min <= max are both i64.
                let span = (i128::from(max) - i128::from(min) + 1) as u128;
                let mut rng = SeededRng::from_seed_str(&seed);
                let offset = if span > u128::from(u64::MAX) { rng.next_u64() } else { rng.below(span as u64) };
                (i128::from(min) + i128::from(offset)) as i64
            }
            None => rand::rngs::OsRng.gen_range(min..=max),
        };
        Ok(with_attrs(planned, vec![("result", int(number)), ("id", Value::string(number.to_string()))]))
    }

    /// `result,min,max` or `result,min,max,seed`.
    fn import(&self, schema: &ResourceSchema, id: &str) -> Result<Value, Diagnostics> {
        let parts: Vec<&str> = id.split(',').collect();
        if parts.len() != 3 && parts.len() != 4 {
            return Err(import_error(
                "Invalid import usage: expecting {result},{min},{max} or {result},{min},{max},{seed}",
            ));
        }
        let parse = |s: &str, what: &str| {
            s.parse::<i64>().map_err(|e| {
                import_error(format!(
                    "The {what}value supplied could not be parsed as an integer.\n\nOriginal Error: strconv.ParseInt: parsing {s:?}: {}",
                    go_parse_int_reason(&e)
                ))
            })
        };
        let result = parse(parts[0], "")?;
        let min = parse(parts[1], "min ")?;
        let max = parse(parts[2], "max ")?;
        let seed = parts.get(3).map(|s| Value::string(*s)).unwrap_or_else(|| Value::null(Type::String));
        Ok(complete_object(
            &schema.block,
            vec![
                ("id", Value::string(parts[0])),
                ("result", int(result)),
                ("min", int(min)),
                ("max", int(max)),
                ("seed", seed),
            ],
        ))
    }
}

/// Go's `strconv` reason text.
fn go_parse_int_reason(e: &std::num::ParseIntError) -> &'static str {
    match e.kind() {
        std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => "value out of range",
        _ => "invalid syntax",
    }
}
