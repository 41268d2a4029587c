//! `random_uuid`: a random version 4 UUID.

use infra_provider_sdk::{Attribute, Block, Diagnostic, Diagnostics, PlanResourceRequest, PlanResourceResponse};
use infra_provider_sdk::{ResourceSchema, Type, Value};

use crate::string::RETRY_MSG;
use crate::support::{complete_object, keepers, plan_random, with_attrs};
use crate::RandomResource;

pub struct RandomUuid;

/// Parses a UUID as hashicorp/go-uuid does: exactly 36 characters, dashes at 8, 13, 18 and
/// 23, hex elsewhere (either case). Returns the canonical lower-case form.
fn parse_uuid(s: &str) -> Result<String, String> {
    if s.len() != 36 {
        return Err("uuid string is wrong length".to_string());
    }
    let bytes = s.as_bytes();
    if bytes[8] != b'-' || bytes[13] != b'-' || bytes[18] != b'-' || bytes[23] != b'-' {
        return Err("uuid is improperly formatted".to_string());
    }
    let hex: String = s.chars().filter(|c| *c != '-').collect();
    let raw = hex::decode(&hex).map_err(|e| format!("encoding/hex: {e}"))?;
    if raw.len() != 16 {
        return Err("decoded hex is the wrong length".to_string());
    }
    let h = hex::encode(&raw);
    Ok(format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32]))
}

impl RandomResource for RandomUuid {
    fn schema(&self) -> ResourceSchema {
        let mut block = Block::new()
            .attr("keepers", keepers())
            .attr("result", Attribute::computed(Type::String).describe("The generated uuid presented in string format."))
            .attr("id", Attribute::computed(Type::String).describe("The generated uuid presented in string format."));
        block.description = "The resource `random_uuid` generates a random uuid string that is intended to be used as \
a unique identifier for other resources."
            .to_string();
        ResourceSchema { version: 0, block, importable: true }
    }

    fn plan(&self, schema: &ResourceSchema, req: &PlanResourceRequest) -> PlanResourceResponse {
        plan_random(schema, req, |_| Ok(()))
    }

    fn create(&self, planned: &Value) -> Result<Value, Diagnostics> {
        let u = uuid::Uuid::new_v4().hyphenated().to_string();
        Ok(with_attrs(planned, vec![("id", Value::string(&u)), ("result", Value::string(u))]))
    }

    fn import(&self, schema: &ResourceSchema, id: &str) -> Result<Value, Diagnostics> {
        let u = parse_uuid(id).map_err(|e| {
            Diagnostic::error(
                "Import Random UUID Error",
                format!("There was an error during the parsing of the UUID.\n\n{RETRY_MSG}Original Error: {e}"),
            )
        })?;
        Ok(complete_object(&schema.block, vec![("id", Value::string(&u)), ("result", Value::string(u))]))
    }
}
