//! `time_static`: a timestamp taken once, at creation (or given as `rfc3339`), kept in state
//! so that configurations avoid the perpetual diff of `timestamp()`.

use async_trait::async_trait;
use infra_provider_sdk::plan::plan_from_schema;
use infra_provider_sdk::{Attribute, Block, Diagnostic, Diagnostics, PlanResourceRequest, PlanResourceResponse};
use infra_provider_sdk::{ResourceSchema, Type, Value};

use crate::support::{
    check_rfc3339, complete_object, empty_triggers, get_str, time_parts, timestamp_attr, triggers, ts_value, with_attrs,
    with_time_parts,
};
use crate::timestamp::{from_utc, parse_rfc3339};
use crate::{Clock, TimeResource};

pub struct TimeStatic;

#[async_trait]
impl TimeResource for TimeStatic {
    fn schema(&self) -> ResourceSchema {
        let mut block = with_time_parts(Block::new())
            .attr(
                "triggers",
                triggers(
                    "Arbitrary map of values that, when changed, will trigger a new base timestamp value to be saved. \
See [the main provider documentation](../index.md) for more information.",
                ),
            )
            .attr(
                "rfc3339",
                Attribute::optional_computed(Type::String).force_new().describe(
                    "Base timestamp in [RFC3339](https://datatracker.ietf.org/doc/html/rfc3339#section-5.8) format (see \
[RFC3339 time string](https://tools.ietf.org/html/rfc3339#section-5.8) e.g., `YYYY-MM-DDTHH:MM:SSZ`). Defaults to the current time.",
                ),
            )
            .attr(
                "id",
                Attribute::computed(Type::String).describe("RFC3339 format of the offset timestamp, e.g. `2020-02-12T06:36:13Z`."),
            );
        block.description = "Manages a static time resource, which keeps a locally sourced UTC timestamp stored in the \
Terraform state. This prevents perpetual differences caused by using the `timestamp()` function."
            .to_string();
        ResourceSchema { version: 0, block, importable: true }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        check_rfc3339(config, "rfc3339", &mut diags);
        diags
    }

    /// On create with a configured `rfc3339`, every computed attribute is known at plan time.
    fn plan(&self, _clock: &Clock, schema: &ResourceSchema, req: &PlanResourceRequest) -> PlanResourceResponse {
        let mut resp = plan_from_schema(&schema.block, req);
        if !req.prior_state.is_null() {
            return resp;
        }
        let Some(planned) = resp.planned_state.take() else { return resp };
        let planned = match timestamp_attr(&planned, "rfc3339") {
            Ok(Some(t)) => {
                let mut updates = time_parts(&t);
                updates.push(("id", planned.get_attr("rfc3339").cloned().unwrap_or_else(|| ts_value(&t))));
                with_attrs(&planned, updates)
            }
            Ok(None) => planned,
            Err(d) => {
                resp.diagnostics.extend(d);
                planned
            }
        };
        resp.planned_state = Some(planned);
        resp
    }

    async fn create(&self, clock: &Clock, planned: &Value) -> Result<Value, Diagnostics> {
        // A configured rfc3339 is kept as written (it may carry a fraction or "+00:00"); the
        // current time is formatted.
        let (t, text) = match get_str(planned, "rfc3339") {
            Some(s) => (parse_rfc3339(&s).map_err(|e| Diagnostic::error("Invalid RFC3339 String Value", e))?, Value::string(s)),
            None => {
                let now = from_utc(clock());
                (now, ts_value(&now))
            }
        };
        let mut updates = time_parts(&t);
        updates.push(("rfc3339", text.clone()));
        updates.push(("id", text));
        Ok(with_attrs(planned, updates))
    }

    fn import(&self, _clock: &Clock, schema: &ResourceSchema, id: &str) -> Result<Value, Diagnostics> {
        let t = parse_rfc3339(id).map_err(|e| {
            Diagnostic::error(
                "Import time static error",
                format!("The id that was supplied could not be parsed as RFC3339.\n\n+Original Error: {e}"),
            )
        })?;
        let mut given = time_parts(&t);
        given.push(("rfc3339", ts_value(&t)));
        given.push(("id", ts_value(&t)));
        given.push(("triggers", empty_triggers()));
        Ok(complete_object(&schema.block, given))
    }
}
