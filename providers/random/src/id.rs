//! `random_id`: random bytes presented as base64 (URL and standard alphabets), hex and
//! decimal, optionally prefixed.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use infra_provider_sdk::{Attribute, Block, Diagnostic, Diagnostics, PlanResourceRequest, PlanResourceResponse};
use infra_provider_sdk::{ResourceSchema, Type, Value};
use num_bigint::BigUint;
use rand::RngCore;

use crate::support::{complete_object, get_i64, get_str, int, keepers, plan_random, with_attrs};
use crate::RandomResource;

pub struct RandomId;

/// The five encodings of the bytes, each with the prefix (except `id`).
struct Encoded {
    id: String,
    b64_url: String,
    b64_std: String,
    hex: String,
    dec: String,
}

fn encode(bytes: &[u8], prefix: &str) -> Encoded {
    let id = URL_SAFE_NO_PAD.encode(bytes);
    Encoded {
        b64_url: format!("{prefix}{id}"),
        b64_std: format!("{prefix}{}", STANDARD.encode(bytes)),
        hex: format!("{prefix}{}", hex::encode(bytes)),
        dec: format!("{prefix}{}", BigUint::from_bytes_be(bytes)),
        id,
    }
}

impl RandomResource for RandomId {
    fn schema(&self) -> ResourceSchema {
        let block = Block::new()
            .attr("keepers", keepers())
            .attr(
                "byte_length",
                Attribute::required(Type::Number).force_new().describe(
                    "The number of random bytes to produce. The minimum value is 1, which produces eight bits of randomness.",
                ),
            )
            .attr(
                "prefix",
                Attribute::optional(Type::String).force_new().describe(
                    "Arbitrary string to prefix the output value with. This string is supplied as-is, meaning it is not guaranteed to be URL-safe or base64 encoded.",
                ),
            )
            .attr("b64_url", Attribute::computed(Type::String).describe("The generated id presented in base64, using the URL-friendly character set: case-sensitive letters, digits and the characters `_` and `-`."))
            .attr("b64_std", Attribute::computed(Type::String).describe("The generated id presented in base64 without additional transformations."))
            .attr("hex", Attribute::computed(Type::String).describe("The generated id presented in padded hexadecimal digits. This result will always be twice as long as the requested byte length."))
            .attr("dec", Attribute::computed(Type::String).describe("The generated id presented in non-padded decimal digits."))
            .attr("id", Attribute::computed(Type::String).describe("The generated id presented in base64 without additional transformations or prefix."));
        ResourceSchema { version: 0, block: describe(block), importable: true }
    }

    fn plan(&self, schema: &ResourceSchema, req: &PlanResourceRequest) -> PlanResourceResponse {
        plan_random(schema, req, |_| Ok(()))
    }

    fn create(&self, planned: &Value) -> Result<Value, Diagnostics> {
        let byte_length = get_i64(planned, "byte_length").unwrap_or(0);
        let Ok(len) = usize::try_from(byte_length) else {
            return Err(Diagnostic::error(
                "Create Random ID Error",
                format!("The byte_length must not be negative, got: {byte_length}."),
            )
            .into());
        };
        let mut bytes = vec![0u8; len];
        rand::rngs::OsRng.try_fill_bytes(&mut bytes).map_err(|e| crate::string::random_read_error(&e.to_string()))?;
        let prefix = get_str(planned, "prefix").unwrap_or_default();
        let e = encode(&bytes, &prefix);
        Ok(with_attrs(
            planned,
            vec![
                ("id", Value::string(e.id)),
                ("b64_url", Value::string(e.b64_url)),
                ("b64_std", Value::string(e.b64_std)),
                ("hex", Value::string(e.hex)),
                ("dec", Value::string(e.dec)),
            ],
        ))
    }

    /// The ID is the `b64_url` value without prefix, or `prefix,b64_url` (split at the last
    /// comma, so prefixes may contain commas).
    fn import(&self, schema: &ResourceSchema, import_id: &str) -> Result<Value, Diagnostics> {
        let (prefix, id) = match import_id.rfind(',') {
            Some(sep) => (&import_id[..sep], &import_id[sep + 1..]),
            None => ("", import_id),
        };
        let bytes = URL_SAFE_NO_PAD.decode(id).map_err(|err| {
            Diagnostic::error(
                "Import Random ID Error",
                format!(
                    "While attempting to import a random id there was a decoding error.\n\n+{}Original Error: {}",
                    crate::string::RETRY_MSG,
                    go_base64_error(&err)
                ),
            )
        })?;
        let e = encode(&bytes, prefix);
        Ok(complete_object(
            &schema.block,
            vec![
                ("id", Value::string(id)),
                ("byte_length", int(bytes.len() as i64)),
                ("b64_std", Value::string(e.b64_std)),
                ("b64_url", Value::string(e.b64_url)),
                ("hex", Value::string(e.hex)),
                ("dec", Value::string(e.dec)),
                ("prefix", if prefix.is_empty() { Value::null(Type::String) } else { Value::string(prefix) }),
            ],
        ))
    }
}

/// Go's wording for a base64 decoding failure.
fn go_base64_error(err: &base64::DecodeError) -> String {
    let offset = match err {
        base64::DecodeError::InvalidByte(o, _) | base64::DecodeError::InvalidLastSymbol(o, _) => *o,
        base64::DecodeError::InvalidLength(len) => *len,
        base64::DecodeError::InvalidPadding => 0,
    };
    format!("illegal base64 data at input byte {offset}")
}

fn describe(mut block: Block) -> Block {
    block.description = "The resource `random_id` generates random numbers that are intended to be used as unique \
identifiers for other resources. If the output is considered sensitive, and should not be displayed in the CLI, use \
`random_bytes` instead.\n\nThis resource *does* use a cryptographic random number generator in order to minimize the \
chance of collisions, making the results of this resource when a 16-byte identifier is requested of equivalent \
uniqueness to a type-4 UUID.\n\nThis resource can be used in conjunction with resources that have the \
`create_before_destroy` lifecycle flag set to avoid conflicts with unique names during the brief period where both \
the old and new resources exist concurrently."
        .to_string();
    block
}
