//! `time_sleep`: waits `create_duration` when created and `destroy_duration` when destroyed,
//! typically to give an eventually consistent API time between dependent resources.

use async_trait::async_trait;
use infra_provider_sdk::plan::plan_from_schema;
use infra_provider_sdk::{AttrPath, Attribute, Block, Diagnostic, Diagnostics, PlanResourceRequest};
use infra_provider_sdk::{PlanResourceResponse, ResourceSchema, Type, Value};

use crate::duration::{matches_sleep_syntax, parse_go_duration, to_std};
use crate::support::{attr, complete_object, empty_triggers, get_str, triggers, ts_value, with_attrs};
use crate::timestamp::from_utc;
use crate::{Clock, TimeResource};

pub struct TimeSleep;

const SYNTAX: &str = "must be a number immediately followed by ms (milliseconds), s (seconds), m (minutes), or h \
(hours). For example, \"30s\" for 30 seconds.";

async fn sleep_for(value: Option<String>, summary: &str) -> Result<(), Diagnostics> {
    let Some(text) = value.filter(|s| !s.is_empty()) else { return Ok(()) };
    let nanos = parse_go_duration(&text).map_err(|e| {
        Diagnostic::error(summary, format!("The create_duration cannot be parsed\n\n+Original Error: {e}"))
    })?;
    tokio::time::sleep(to_std(nanos)).await;
    Ok(())
}

#[async_trait]
impl TimeResource for TimeSleep {
    fn schema(&self) -> ResourceSchema {
        let mut block = Block::new()
            .attr(
                "create_duration",
                Attribute::optional(Type::String).describe(
                    "[Time duration](https://golang.org/pkg/time/#ParseDuration) to delay resource creation. For example, \
`30s` for 30 seconds or `5m` for 5 minutes. Updating this value by itself will not trigger a delay.",
                ),
            )
            .attr(
                "destroy_duration",
                Attribute::optional(Type::String).describe(
                    "[Time duration](https://golang.org/pkg/time/#ParseDuration) to delay resource destroy. For example, \
`30s` for 30 seconds or `5m` for 5 minutes. Updating this value by itself will not trigger a delay. This value or any \
updates to it must be successfully applied into the Terraform state before destroying this resource to take effect.",
                ),
            )
            .attr(
                "triggers",
                triggers(
                    "(Optional) Arbitrary map of values that, when changed, will run any creation or destroy delays again. \
See [the main provider documentation](../index.md) for more information.",
                ),
            )
            .attr(
                "id",
                Attribute::computed(Type::String).describe("RFC3339 format of the offset timestamp, e.g. `2020-02-12T06:36:13Z`."),
            );
        block.description = "Manages a resource that delays creation and/or destruction, typically for further \
resources. This prevents cross-platform compatibility and destroy-time issues with using the `local-exec` provisioner."
            .to_string();
        ResourceSchema { version: 0, block, importable: true }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        for (name, other) in [("create_duration", "destroy_duration"), ("destroy_duration", "create_duration")] {
            let v = attr(config, name);
            if v.is_null() {
                let o = attr(config, other);
                if o.is_known() && o.is_null() {
                    diags.push(
                        Diagnostic::error(
                            "Invalid Attribute Combination",
                            format!("At least one attribute out of [{name},{other}] must be specified"),
                        )
                        .with_attr_path(AttrPath::attr(name)),
                    );
                }
            } else if let Some(s) = v.as_str() {
                if !matches_sleep_syntax(s) {
                    diags.push(
                        Diagnostic::error("Invalid Attribute Value Match", format!("Attribute {name} {SYNTAX}, got: {s}"))
                            .with_attr_path(AttrPath::attr(name)),
                    );
                }
            }
        }
        diags
    }

    fn plan(&self, _clock: &Clock, schema: &ResourceSchema, req: &PlanResourceRequest) -> PlanResourceResponse {
        plan_from_schema(&schema.block, req)
    }

    async fn create(&self, clock: &Clock, planned: &Value) -> Result<Value, Diagnostics> {
        sleep_for(get_str(planned, "create_duration"), "Create time sleep error").await?;
        Ok(with_attrs(planned, vec![("id", ts_value(&from_utc(clock())))]))
    }

    async fn delete(&self, prior: &Value) -> Result<(), Diagnostics> {
        sleep_for(get_str(prior, "destroy_duration"), "Delete time sleep error").await
    }

    /// `CREATEDURATION,DESTROYDURATION`, either may be empty but not both.
    fn import(&self, clock: &Clock, schema: &ResourceSchema, id: &str) -> Result<Value, Diagnostics> {
        let parts: Vec<&str> = id.split(',').collect();
        if parts.len() != 2 || (parts[0].is_empty() && parts[1].is_empty()) {
            return Err(Diagnostic::error(
                "Unexpected Format of ID",
                format!(
                    "Unexpected format of ID ({id:?}), expected CREATEDURATION,DESTROYDURATION where at least one value is non-empty"
                ),
            )
            .into());
        }
        let mut given = vec![("id", ts_value(&from_utc(clock()))), ("triggers", empty_triggers())];
        for (name, text) in [("create_duration", parts[0]), ("destroy_duration", parts[1])] {
            if text.is_empty() {
                continue;
            }
            parse_go_duration(text).map_err(|e| {
                // HashiCorp's message names create_duration for both.
                Diagnostic::error("Import time sleep error", format!("The create_duration cannot be parsed\n\n+Original Error: {e}"))
            })?;
            given.push((name, Value::string(text)));
        }
        Ok(complete_object(&schema.block, given))
    }
}
