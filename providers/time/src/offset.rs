//! `time_offset`: a timestamp offset from a base (the creation time unless `base_rfc3339` is
//! given). Offsets update in place; only `triggers` replaces the object.

use async_trait::async_trait;
use infra_provider_sdk::plan::plan_from_schema;
use infra_provider_sdk::{Attribute, Block, Diagnostic, Diagnostics, PlanResourceRequest, PlanResourceResponse};
use infra_provider_sdk::{ResourceSchema, Type, Value};

use crate::support::{
    attr, check_at_least_one_of, check_rfc3339, complete_object, empty_triggers, get_i64, get_str, out_of_range,
    time_parts, timestamp_attr, triggers, ts_value, with_attrs, with_time_parts,
};
use crate::timestamp::{add_date, add_duration, from_utc, parse_rfc3339, Timestamp};
use crate::{Clock, TimeResource};

pub struct TimeOffset;

const OFFSETS: [&str; 6] = ["offset_seconds", "offset_minutes", "offset_hours", "offset_days", "offset_months", "offset_years"];
const COMPUTED: [&str; 9] = ["year", "month", "day", "hour", "minute", "second", "unix", "rfc3339", "id"];

/// The offset timestamp, applying the offsets in HashiCorp's order (days, hours, minutes,
/// months, seconds, years), which matters when calendar normalisation kicks in.
fn offset_time(v: &Value, base: &Timestamp) -> Result<Timestamp, Diagnostics> {
    let n = |name: &str| get_i64(v, name).unwrap_or(0);
    let mut t = *base;
    type Step = fn(&Timestamp, i64) -> Option<Timestamp>;
    let steps: [(&str, Step); 6] = [
        ("offset_days", |t, k| add_date(t, 0, 0, k)),
        ("offset_hours", |t, k| add_duration(t, k, 3600)),
        ("offset_minutes", |t, k| add_duration(t, k, 60)),
        ("offset_months", |t, k| add_date(t, 0, k, 0)),
        ("offset_seconds", |t, k| add_duration(t, k, 1)),
        ("offset_years", |t, k| add_date(t, k, 0, 0)),
    ];
    for (name, step) in steps {
        let k = n(name);
        if k != 0 {
            t = step(&t, k).ok_or_else(|| out_of_range("offset timestamp"))?;
        }
    }
    Ok(t)
}

/// Fills the computed attributes from the base timestamp. `base_text` is what `base_rfc3339`
/// holds: the configured text, or the formatted creation time.
fn fill(v: &Value, base: &Timestamp, base_text: Value) -> Result<Value, Diagnostics> {
    let t = offset_time(v, base)?;
    let mut updates = time_parts(&t);
    updates.push(("base_rfc3339", base_text));
    updates.push(("rfc3339", ts_value(&t)));
    updates.push(("id", ts_value(base)));
    Ok(with_attrs(v, updates))
}

fn offset_arg(what: &str) -> Attribute {
    Attribute::optional(Type::Number).describe(&format!(
        "Number of {what} to offset the base timestamp. At least one of the 'offset_' arguments must be configured."
    ))
}

#[async_trait]
impl TimeResource for TimeOffset {
    fn schema(&self) -> ResourceSchema {
        let mut block = with_time_parts(Block::new())
            .attr(
                "base_rfc3339",
                Attribute::optional_computed(Type::String).describe(
                    "Base timestamp in [RFC3339](https://datatracker.ietf.org/doc/html/rfc3339#section-5.8) format (see \
[RFC3339 time string](https://tools.ietf.org/html/rfc3339#section-5.8) e.g., `YYYY-MM-DDTHH:MM:SSZ`). Defaults to the current time.",
                ),
            )
            .attr(
                "triggers",
                triggers(
                    "Arbitrary map of values that, when changed, will trigger a new base timestamp value to be saved. \
See [the main provider documentation](../index.md) for more information.",
                ),
            )
            .attr("offset_days", offset_arg("days"))
            .attr("offset_hours", offset_arg("hours"))
            .attr("offset_minutes", offset_arg("minutes"))
            .attr("offset_months", offset_arg("months"))
            .attr("offset_seconds", offset_arg("seconds"))
            .attr("offset_years", offset_arg("years"))
            .attr(
                "rfc3339",
                Attribute::computed(Type::String).describe("RFC3339 format of the offset timestamp, e.g. `2020-02-12T06:36:13Z`."),
            )
            .attr(
                "id",
                Attribute::computed(Type::String).describe("RFC3339 format of the offset timestamp, e.g. `2020-02-12T06:36:13Z`."),
            );
        block.description = "Manages an offset time resource, which keeps an UTC timestamp stored in the Terraform state \
that is offset from a locally sourced base timestamp. This prevents perpetual differences caused by using the \
`timestamp()` function."
            .to_string();
        ResourceSchema { version: 0, block, importable: true }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        check_rfc3339(config, "base_rfc3339", &mut diags);
        check_at_least_one_of(config, &OFFSETS, &mut diags);
        diags
    }

    /// Computes every attribute at plan time when the base is known: always on update (the
    /// base is configured or kept in state), on create when `base_rfc3339` is configured.
    fn plan(&self, _clock: &Clock, schema: &ResourceSchema, req: &PlanResourceRequest) -> PlanResourceResponse {
        let mut resp = plan_from_schema(&schema.block, req);
        let Some(planned) = resp.planned_state.take() else { return resp };
        let inputs_known = OFFSETS.iter().all(|o| attr(&planned, o).is_known());
        let planned = match timestamp_attr(&planned, "base_rfc3339") {
            Ok(Some(base)) if inputs_known => match fill(&planned, &base, attr(&planned, "base_rfc3339")) {
                Ok(v) => v,
                Err(d) => {
                    resp.diagnostics.extend(d);
                    planned
                }
            },
            Ok(_) if req.prior_state.is_null() => planned,
            // Update with an unknown base or offsets: the results are unknown too.
            Ok(_) => with_attrs(
                &planned,
                COMPUTED.iter().map(|n| (*n, Value::unknown(schema.block.attributes[*n].ty.clone()))).collect(),
            ),
            Err(d) => {
                resp.diagnostics.extend(d);
                planned
            }
        };
        resp.planned_state = Some(planned);
        resp
    }

    async fn create(&self, clock: &Clock, planned: &Value) -> Result<Value, Diagnostics> {
        match timestamp_attr(planned, "base_rfc3339")? {
            Some(base) => fill(planned, &base, attr(planned, "base_rfc3339")),
            None => {
                let now = from_utc(clock());
                fill(planned, &now, ts_value(&now))
            }
        }
    }

    async fn update(&self, _clock: &Clock, prior: &Value, planned: &Value) -> Result<Value, Diagnostics> {
        let base_text = match get_str(planned, "base_rfc3339") {
            Some(s) => s,
            None => get_str(prior, "base_rfc3339").unwrap_or_default(),
        };
        let base = parse_rfc3339(&base_text).map_err(|e| Diagnostic::error("Invalid RFC3339 String Value", e))?;
        fill(planned, &base, Value::string(base_text))
    }

    /// `BASETIMESTAMP,YEARS,MONTHS,DAYS,HOURS,MINUTES,SECONDS`, offsets may be empty.
    fn import(&self, _clock: &Clock, schema: &ResourceSchema, id: &str) -> Result<Value, Diagnostics> {
        let format_error = |detail: String| -> Diagnostics { Diagnostic::error("Unexpected Format of ID", detail).into() };
        let parts: Vec<&str> = id.split(',').collect();
        if parts.len() != 7 {
            return Err(format_error(format!(
                "Unexpected format of ID ({id:?}), expected BASETIMESTAMP,YEARS,MONTHS,DAYS,HOURS,MINUTES,SECONDS"
            )));
        }
        if parts[0].is_empty() || parts[1..].iter().all(|p| p.is_empty()) {
            return Err(format_error(format!(
                "Unexpected format of ID ({id:?}), expected BASETIMESTAMP,YEARS,MONTHS,DAYS,HOURS,MINUTES,SECONDS where at least one offset value is non-empty"
            )));
        }
        let names = ["offset_years", "offset_months", "offset_days", "offset_hours", "offset_minutes", "offset_seconds"];
        let mut given: Vec<(&str, Value)> = Vec::new();
        for (name, text) in names.iter().zip(&parts[1..]) {
            if text.is_empty() {
                continue;
            }
            let n: i64 = text.parse().map_err(|_| {
                Diagnostic::error(
                    "Import time offset error",
                    format!(
                        "The {name} parameter that was supplied could not be parsed as Int64.\n\n+Original Error: could not parse offset ({text:?}) as int: strconv.ParseInt: parsing {text:?}: invalid syntax"
                    ),
                )
            })?;
            given.push((name, Value::from_i64(n)));
        }
        let base = parse_rfc3339(parts[0]).map_err(|e| {
            Diagnostic::error(
                "Create time offset error",
                format!("The base_rfc3339 timestamp that was supplied could not be parsed as RFC3339.\n\n+Original Error: {e}"),
            )
        })?;
        given.push(("triggers", empty_triggers()));
        let partial = complete_object(&schema.block, given);
        fill(&partial, &base, ts_value(&base))
    }
}
