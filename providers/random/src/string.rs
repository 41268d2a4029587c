//! `random_string` and `random_password`: random text from configurable character classes
//! with per-class minimums. They share a schema; the password's `result` is sensitive and it
//! adds `bcrypt_hash`.

use std::collections::BTreeMap;

use infra_provider_sdk::{
    AttrPath, Attribute, Block, Diagnostic, Diagnostics, PlanResourceRequest, PlanResourceResponse, ResourceSchema, Type,
    Value,
};
use rand::Rng;

use crate::support::{
    attr, check_at_least, complete_object, get_bool, get_i64, get_str, int, invalid_value, keepers, plan_random,
    with_attrs,
};
use crate::RandomResource;

/// HashiCorp's advice appended to randomness failures.
pub const RETRY_MSG: &str = "Retry the Terraform operation. If the error still occurs or happens regularly, please \
contact the provider developer with hardware and operating system information.\n\n";

const NUM_CHARS: &str = "0123456789";
const LOWER_CHARS: &str = "abcdefghijklmnopqrstuvwxyz";
const UPPER_CHARS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/// The special characters used unless `override_special` is set.
pub const DEFAULT_SPECIAL: &str = "!@#$%&*()-_=+[]{}<>:?";

/// The bcrypt cost of `bcrypt_hash` (Go's `bcrypt.DefaultCost`).
const BCRYPT_COST: u32 = 10;

pub fn random_read_error(msg: &str) -> Diagnostics {
    Diagnostic::error(
        "Random Read Error",
        format!(
            "While attempting to generate a random value for this resource, a read error was generated.\n\n{RETRY_MSG}Original Error: {msg}"
        ),
    )
    .into()
}

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StringParams {
    pub length: i64,
    pub upper: bool,
    pub min_upper: i64,
    pub lower: bool,
    pub min_lower: i64,
    pub numeric: bool,
    pub min_numeric: i64,
    pub special: bool,
    pub min_special: i64,
    pub override_special: String,
}

/// Why a string could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum StringError {
    #[error("the character set specified is empty")]
    EmptyCharSet,
    #[error("the length {length} is less than the sum of the minimum character counts ({minimums})")]
    TooShort { length: i64, minimums: i64 },
}

/// Generates a string as HashiCorp's provider does: first the minimum count of each class
/// (drawn from that class even when the class is otherwise disabled), then the rest from the
/// union of enabled classes, then a shuffle. Lengths count characters, not bytes.
pub fn create_string(p: &StringParams, rng: &mut impl Rng) -> Result<String, StringError> {
    let special = if p.override_special.is_empty() { DEFAULT_SPECIAL } else { p.override_special.as_str() };
    let mut chars = String::new();
    for (on, set) in [(p.upper, UPPER_CHARS), (p.lower, LOWER_CHARS), (p.numeric, NUM_CHARS), (p.special, special)] {
        if on {
            chars.push_str(set);
        }
    }
    if chars.is_empty() {
        return Err(StringError::EmptyCharSet);
    }
    let minimums = [(NUM_CHARS, p.min_numeric), (LOWER_CHARS, p.min_lower), (UPPER_CHARS, p.min_upper), (special, p.min_special)];
    let total_min: i64 = minimums.iter().map(|(_, n)| (*n).max(0)).sum();
    if total_min > p.length {
        return Err(StringError::TooShort { length: p.length, minimums: total_min });
    }
    let mut result: Vec<char> = Vec::with_capacity(p.length.max(0) as usize);
    for (set, count) in minimums {
        draw(set, count, rng, &mut result);
    }
    draw(&chars, p.length - total_min, rng, &mut result);
    // Fisher–Yates, so the required characters land anywhere.
    for i in (1..result.len()).rev() {
        let j = rng.gen_range(0..=i);
        result.swap(i, j);
    }
    Ok(result.into_iter().collect())
}

fn draw(set: &str, count: i64, rng: &mut impl Rng, out: &mut Vec<char>) {
    let set: Vec<char> = set.chars().collect();
    if set.is_empty() {
        return;
    }
    for _ in 0..count.max(0) {
        out.push(set[rng.gen_range(0..set.len())]);
    }
}

/// bcrypt of the first 72 bytes (bcrypt's limit), in Go's `$2a$` format.
pub fn bcrypt_hash(text: &str) -> Result<String, Diagnostics> {
    let bytes = text.as_bytes();
    let to_hash = &bytes[..bytes.len().min(72)];
    bcrypt::hash_with_result(to_hash, BCRYPT_COST).map(|h| h.format_for_version(bcrypt::Version::TwoA)).map_err(|e| {
        Diagnostic::error(
            "Hash Generation Error",
            format!(
                "While attempting to generate a hash from the password an error occurred.\n\n\
Verify that the state contains a populated 'result' field, using 'terraform state show', and retry the operation\n\n\
Original Error: {e}"
            ),
        )
        .into()
    })
}

/// `random_string` (`sensitive: false`) or `random_password` (`sensitive: true`).
pub struct RandomString {
    pub sensitive: bool,
}

fn bool_arg(description: &str) -> Attribute {
    Attribute::optional_computed(Type::Bool).force_new().with_default(Value::bool(true)).describe(description)
}

fn min_arg(description: &str) -> Attribute {
    Attribute::optional_computed(Type::Number).force_new().with_default(Value::from_i64(0)).describe(description)
}

impl RandomString {
    fn params(planned: &Value) -> StringParams {
        StringParams {
            length: get_i64(planned, "length").unwrap_or(0),
            upper: get_bool(planned, "upper").unwrap_or(true),
            min_upper: get_i64(planned, "min_upper").unwrap_or(0),
            lower: get_bool(planned, "lower").unwrap_or(true),
            min_lower: get_i64(planned, "min_lower").unwrap_or(0),
            numeric: get_bool(planned, "numeric").unwrap_or(true),
            min_numeric: get_i64(planned, "min_numeric").unwrap_or(0),
            special: get_bool(planned, "special").unwrap_or(true),
            min_special: get_i64(planned, "min_special").unwrap_or(0),
            override_special: get_str(planned, "override_special").unwrap_or_default(),
        }
    }
}

impl RandomResource for RandomString {
    fn schema(&self) -> ResourceSchema {
        let mut block = Block::new()
            .attr("keepers", keepers())
            .attr(
                "length",
                Attribute::required(Type::Number).force_new().describe(
                    "The length of the string desired. The minimum value for length is 1 and, length must also be >= \
(`min_upper` + `min_lower` + `min_numeric` + `min_special`).",
                ),
            )
            .attr("special", bool_arg("Include special characters in the result. These are `!@#$%&*()-_=+[]{}<>:?`. Default value is `true`."))
            .attr("upper", bool_arg("Include uppercase alphabet characters in the result. Default value is `true`."))
            .attr("lower", bool_arg("Include lowercase alphabet characters in the result. Default value is `true`."))
            .attr(
                "number",
                Attribute::optional_computed(Type::Bool).force_new().describe(
                    "Include numeric characters in the result. Default value is `true`. If `number`, `upper`, `lower`, \
and `special` are all configured, at least one of them must be set to `true`. **NOTE**: This is deprecated, use `numeric` instead.",
                ),
            )
            .attr(
                "numeric",
                Attribute::optional_computed(Type::Bool).force_new().describe(
                    "Include numeric characters in the result. Default value is `true`. If `numeric`, `upper`, `lower`, \
and `special` are all configured, at least one of them must be set to `true`.",
                ),
            )
            .attr("min_numeric", min_arg("Minimum number of numeric characters in the result. Default value is `0`."))
            .attr("min_upper", min_arg("Minimum number of uppercase alphabet characters in the result. Default value is `0`."))
            .attr("min_lower", min_arg("Minimum number of lowercase alphabet characters in the result. Default value is `0`."))
            .attr("min_special", min_arg("Minimum number of special characters in the result. Default value is `0`."))
            // Not force_new in the schema: its rule (replace unless "" -> null) is applied in plan.
            .attr(
                "override_special",
                Attribute::optional(Type::String).describe(
                    "Supply your own list of special characters to use for string generation.  This overrides the \
default character list in the special argument.  The `special` argument must still be set to true for any overwritten \
characters to be used in generation.",
                ),
            );
        if self.sensitive {
            block = block
                .attr("result", Attribute::computed(Type::String).sensitive().describe("The generated random string."))
                .attr(
                    "bcrypt_hash",
                    Attribute::computed(Type::String).sensitive().describe(
                        "A bcrypt hash of the generated random string. **NOTE**: If the generated random string is \
greater than 72 bytes in length, `bcrypt_hash` will contain a hash of the first 72 bytes.",
                    ),
                )
                .attr(
                    "id",
                    Attribute::computed(Type::String)
                        .describe("A static value used internally by Terraform, this should not be referenced in configurations."),
                );
            block.description = "Identical to `random_string` with the exception that the result is treated as \
sensitive and, thus, _not_ displayed in console output.\n\nThis resource *does* use a cryptographic random number generator."
                .to_string();
        } else {
            block = block
                .attr("result", Attribute::computed(Type::String).describe("The generated random string."))
                .attr("id", Attribute::computed(Type::String).describe("The generated random string."));
            block.description = "The resource `random_string` generates a random permutation of alphanumeric \
characters and optionally special characters.\n\nThis resource *does* use a cryptographic random number generator."
                .to_string();
        }
        ResourceSchema { version: if self.sensitive { 3 } else { 2 }, block, importable: true }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        check_at_least(config, "length", 1, &mut diags);
        // int64validator.AtLeastSumOf: null minimums count as 0; unknown ones defer the check.
        if let Some(length) = get_i64(config, "length") {
            let mins = ["min_upper", "min_lower", "min_numeric", "min_special"];
            if mins.iter().all(|m| attr(config, m).is_known()) {
                let sum: i64 = mins.iter().filter_map(|m| get_i64(config, m)).sum();
                if length < sum {
                    diags.push(invalid_value(
                        "length",
                        "value must be at least sum of min_upper + min_lower + min_numeric + min_special",
                        &length.to_string(),
                    ));
                }
            }
        }
        // AtLeastOneOfTrue on number and numeric: all of them configured false is an error.
        for name in ["number", "numeric"] {
            if get_bool(config, name) != Some(false) {
                continue;
            }
            let others = ["special", "upper", "lower"];
            if others.iter().all(|o| get_bool(config, o) == Some(false)) {
                diags.push(
                    Diagnostic::error(
                        "Invalid Attribute Combination",
                        format!("At least one attribute out of [special,upper,lower,{name}] must be specified as true"),
                    )
                    .with_attr_path(AttrPath::attr(name)),
                );
            }
        }
        diags
    }

    fn plan(&self, schema: &ResourceSchema, req: &PlanResourceRequest) -> PlanResourceResponse {
        let number_cfg = attr(&req.config, "number");
        let numeric_cfg = attr(&req.config, "numeric");
        let mut resp = plan_random(schema, req, |planned: &mut BTreeMap<String, Value>| {
            // HashiCorp's NumberNumericAttributePlanModifier: the deprecated `number` and
            // `numeric` mirror each other; both default to true.
            if let (Some(a), Some(b)) = (number_cfg.as_bool(), numeric_cfg.as_bool()) {
                if a != b {
                    return Err(Box::new(Diagnostic::error(
                        "Number and numeric are both configured with different values",
                        "Number is deprecated, use numeric instead",
                    )));
                }
            }
            let (number, numeric) = match (number_cfg.is_null(), numeric_cfg.is_null()) {
                (true, true) => (Value::bool(true), Value::bool(true)),
                (true, false) => (numeric_cfg.clone(), numeric_cfg.clone()),
                (false, true) => (number_cfg.clone(), number_cfg.clone()),
                (false, false) => (number_cfg.clone(), numeric_cfg.clone()),
            };
            planned.insert("number".into(), number);
            planned.insert("numeric".into(), numeric);
            Ok(())
        });
        // override_special: replace on any change except from "" to null (3.4.2 wrongly stored
        // "" as a default, and fixing the configuration must not replace the object).
        if !req.prior_state.is_null() {
            let prior = attr(&req.prior_state, "override_special");
            let config = attr(&req.config, "override_special");
            let replace = config.is_known()
                && infra_provider_sdk::plan::differs(&prior, &config)
                && (!config.is_null() || prior.is_null() || prior.as_str() != Some(""));
            if replace {
                resp.requires_replace.push(AttrPath::attr("override_special"));
                resp.requires_replace.sort();
            }
        }
        resp
    }

    fn create(&self, planned: &Value) -> Result<Value, Diagnostics> {
        let params = RandomString::params(planned);
        let result =
            create_string(&params, &mut rand::rngs::OsRng).map_err(|e| random_read_error(&e.to_string()))?;
        if self.sensitive {
            let hash = bcrypt_hash(&result)?;
            Ok(with_attrs(
                planned,
                vec![
                    ("bcrypt_hash", Value::string(hash)),
                    ("id", Value::string("none")),
                    ("result", Value::string(result)),
                ],
            ))
        } else {
            Ok(with_attrs(planned, vec![("id", Value::string(&result)), ("result", Value::string(result))]))
        }
    }

    /// The import ID is the string itself; the arguments are set to their defaults.
    fn import(&self, schema: &ResourceSchema, id: &str) -> Result<Value, Diagnostics> {
        let mut given = vec![
            ("result", Value::string(id)),
            // HashiCorp counts bytes here, not characters.
            ("length", int(id.len() as i64)),
            ("special", Value::bool(true)),
            ("upper", Value::bool(true)),
            ("lower", Value::bool(true)),
            ("number", Value::bool(true)),
            ("numeric", Value::bool(true)),
            ("min_special", int(0)),
            ("min_upper", int(0)),
            ("min_lower", int(0)),
            ("min_numeric", int(0)),
        ];
        if self.sensitive {
            given.push(("id", Value::string("none")));
            given.push(("bcrypt_hash", Value::string(bcrypt_hash(id)?)));
        } else {
            given.push(("id", Value::string(id)));
        }
        Ok(complete_object(&schema.block, given))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_short_is_an_error_not_a_panic() {
        let p = StringParams {
            length: 2,
            upper: true,
            min_upper: 3,
            lower: true,
            min_lower: 0,
            numeric: true,
            min_numeric: 0,
            special: true,
            min_special: 0,
            override_special: String::new(),
        };
        assert!(matches!(create_string(&p, &mut rand::rngs::OsRng), Err(StringError::TooShort { .. })));
    }
}
