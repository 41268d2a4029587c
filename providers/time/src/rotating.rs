//! `time_rotating`: a base timestamp with a rotation time after it. Once the current time has
//! passed the rotation time, refresh removes the object from state, so the next plan creates
//! it anew (with a new base): that is how dependants rotate secrets on a cadence.

use async_trait::async_trait;
use chrono::{FixedOffset, NaiveDate, TimeZone};
use infra_provider_sdk::plan::{differs, plan_from_schema};
use infra_provider_sdk::{AttrPath, Attribute, Block, Diagnostic, Diagnostics, PlanResourceRequest};
use infra_provider_sdk::{PlanResourceResponse, ResourceSchema, Type, Value};

use crate::support::{
    attr, check_at_least, check_at_least_one_of, check_rfc3339, complete_object, empty_triggers, get_i64, get_str,
    out_of_range, time_parts, timestamp_attr, triggers, ts_value, with_attrs, with_time_parts,
};
use crate::timestamp::{add_date, add_duration, from_utc, parse_rfc3339, Timestamp};
use crate::{Clock, TimeResource};

pub struct TimeRotating;

const DURATIONS: [&str; 5] = ["rotation_years", "rotation_months", "rotation_days", "rotation_hours", "rotation_minutes"];
const COMPUTED: [&str; 8] = ["year", "month", "day", "hour", "minute", "second", "unix", "id"];

/// Go's zero `time.Time`, which HashiCorp's provider stores when no rotation argument is set.
fn zero_time() -> Option<Timestamp> {
    let utc = FixedOffset::east_opt(0)?;
    utc.from_local_datetime(&NaiveDate::from_ymd_opt(1, 1, 1)?.and_hms_opt(0, 0, 0)?).single()
}

/// The rotation time, as HashiCorp's `setRotationValues`: each configured argument *replaces*
/// the previous candidate (days, hours, minutes, months, rotation_rfc3339, years), so the last
/// one set in that order wins.
fn rotation_time(v: &Value, base: &Timestamp, configured: Option<Timestamp>) -> Result<Timestamp, Diagnostics> {
    let n = |name: &str| get_i64(v, name).filter(|k| *k != 0);
    let range = || out_of_range("rotation timestamp");
    let mut t = zero_time().ok_or_else(range)?;
    if let Some(k) = n("rotation_days") {
        t = add_date(base, 0, 0, k).ok_or_else(range)?;
    }
    if let Some(k) = n("rotation_hours") {
        t = add_duration(base, k, 3600).ok_or_else(range)?;
    }
    if let Some(k) = n("rotation_minutes") {
        t = add_duration(base, k, 60).ok_or_else(range)?;
    }
    if let Some(k) = n("rotation_months") {
        t = add_date(base, 0, k, 0).ok_or_else(range)?;
    }
    if let Some(c) = configured {
        t = c;
    }
    if let Some(k) = n("rotation_years") {
        t = add_date(base, k, 0, 0).ok_or_else(range)?;
    }
    Ok(t)
}

/// Fills the computed attributes. `base_text` is what `rfc3339` holds; `configured` is a
/// `rotation_rfc3339` from configuration (kept as written when it decides the rotation).
fn fill(v: &Value, base: &Timestamp, base_text: Value, configured: Option<(Timestamp, Value)>) -> Result<Value, Diagnostics> {
    let rotation = rotation_time(v, base, configured.as_ref().map(|(t, _)| *t))?;
    let rotation_text = match configured {
        Some((t, text)) if t == rotation && get_i64(v, "rotation_years").unwrap_or(0) == 0 => text,
        _ => ts_value(&rotation),
    };
    let mut updates = time_parts(&rotation);
    updates.push(("rotation_rfc3339", rotation_text));
    updates.push(("rfc3339", base_text));
    updates.push(("id", ts_value(base)));
    Ok(with_attrs(v, updates))
}

fn configured_rotation(config: &Value) -> Result<Option<(Timestamp, Value)>, Diagnostics> {
    Ok(timestamp_attr(config, "rotation_rfc3339")?.map(|t| (t, attr(config, "rotation_rfc3339"))))
}

fn rotation_arg(what: &str) -> Attribute {
    Attribute::optional(Type::Number).describe(&format!(
        "Number of {what} to add to the base timestamp to configure the rotation timestamp. When the current time has \
passed the rotation timestamp, the resource will trigger recreation. At least one of the 'rotation_' arguments must be configured."
    ))
}

#[async_trait]
impl TimeResource for TimeRotating {
    fn schema(&self) -> ResourceSchema {
        let mut block = with_time_parts(Block::new())
            .attr("rotation_days", rotation_arg("days"))
            .attr("rotation_hours", rotation_arg("hours"))
            .attr("rotation_minutes", rotation_arg("minutes"))
            .attr("rotation_months", rotation_arg("months"))
            .attr("rotation_years", rotation_arg("years"))
            // Replaced when outdated; applied in plan, so not force_new here.
            .attr(
                "rotation_rfc3339",
                Attribute::optional_computed(Type::String).describe(
                    "Configure the rotation timestamp with an [RFC3339](https://datatracker.ietf.org/doc/html/rfc3339#section-5.8) \
format of the offset timestamp. When the current time has passed the rotation timestamp, the resource will trigger \
recreation. At least one of the 'rotation_' arguments must be configured.",
                ),
            )
            .attr(
                "triggers",
                triggers(
                    "Arbitrary map of values that, when changed, will trigger a new base timestamp value to be saved. These \
conditions recreate the resource in addition to other rotation arguments. See [the main provider documentation](../index.md) \
for more information.",
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
                Attribute::computed(Type::String).describe("RFC3339 format of the timestamp, e.g. `2020-02-12T06:36:13Z`."),
            );
        block.description = "Manages a rotating time resource, which keeps a rotating UTC timestamp stored in the \
Terraform state and proposes resource recreation when the locally sourced current time is beyond the rotation time. This \
rotation only occurs when Terraform is executed, meaning there will be drift between the rotation timestamp and actual \
rotation. The new rotation timestamp offset includes this drift. This prevents perpetual differences caused by using the \
`timestamp()` function by only forcing a new value on the set cadence."
            .to_string();
        ResourceSchema { version: 0, block, importable: true }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        for name in DURATIONS {
            check_at_least(config, name, 1, &mut diags);
        }
        check_rfc3339(config, "rfc3339", &mut diags);
        check_rfc3339(config, "rotation_rfc3339", &mut diags);
        check_at_least_one_of(
            config,
            &["rotation_minutes", "rotation_hours", "rotation_days", "rotation_months", "rotation_years", "rotation_rfc3339"],
            &mut diags,
        );
        diags
    }

    fn plan(&self, clock: &Clock, schema: &ResourceSchema, req: &PlanResourceRequest) -> PlanResourceResponse {
        let mut resp = plan_from_schema(&schema.block, req);
        let Some(planned) = resp.planned_state.take() else { return resp };
        let creating = req.prior_state.is_null();
        let config_rotation = attr(&req.config, "rotation_rfc3339");
        let changed = creating
            || DURATIONS.iter().any(|d| differs(&attr(&req.prior_state, d), &attr(&planned, d)))
            || (!config_rotation.is_null() && differs(&attr(&req.prior_state, "rotation_rfc3339"), &config_rotation));
        if !changed {
            // Nothing that decides the rotation changed: the prior computed values stand.
            resp.planned_state = Some(planned);
            return resp;
        }
        let inputs_known = DURATIONS.iter().all(|d| attr(&planned, d).is_known()) && config_rotation.is_known();
        let computed = match (timestamp_attr(&planned, "rfc3339"), configured_rotation(&req.config)) {
            (Ok(Some(base)), Ok(configured)) if inputs_known => fill(&planned, &base, attr(&planned, "rfc3339"), configured),
            (Err(d), _) | (_, Err(d)) => Err(d),
            _ => {
                let mut unknowns: Vec<(&str, Value)> =
                    COMPUTED.iter().map(|n| (*n, Value::unknown(schema.block.attributes[*n].ty.clone()))).collect();
                if config_rotation.is_null() {
                    unknowns.push(("rotation_rfc3339", Value::unknown(Type::String)));
                }
                Ok(if creating { planned.clone() } else { with_attrs(&planned, unknowns) })
            }
        };
        let planned = match computed {
            Ok(v) => v,
            Err(d) => {
                resp.diagnostics.extend(d);
                planned
            }
        };
        // HashiCorp's ReplaceIfOutdated: a changing rotation time replaces the object when the
        // stored rotation time has already passed.
        if !creating && differs(&attr(&req.prior_state, "rotation_rfc3339"), &attr(&planned, "rotation_rfc3339")) {
            if let Ok(Some(prior_rotation)) = timestamp_attr(&req.prior_state, "rotation_rfc3339") {
                if from_utc(clock()) > prior_rotation {
                    resp.requires_replace.push(AttrPath::attr("rotation_rfc3339"));
                    resp.requires_replace.sort();
                }
            }
        }
        resp.planned_state = Some(planned);
        resp
    }

    async fn create(&self, clock: &Clock, planned: &Value) -> Result<Value, Diagnostics> {
        let configured = configured_rotation(planned)?;
        match timestamp_attr(planned, "rfc3339")? {
            Some(base) => fill(planned, &base, attr(planned, "rfc3339"), configured),
            None => {
                let now = from_utc(clock());
                fill(planned, &now, ts_value(&now), configured)
            }
        }
    }

    async fn update(&self, _clock: &Clock, _prior: &Value, planned: &Value) -> Result<Value, Diagnostics> {
        if planned.is_wholly_known() {
            return Ok(planned.clone());
        }
        let base_text = get_str(planned, "rfc3339").or_else(|| get_str(planned, "id")).unwrap_or_default();
        let base = parse_rfc3339(&base_text).map_err(|e| Diagnostic::error("Invalid RFC3339 String Value", e))?;
        fill(planned, &base, Value::string(base_text), configured_rotation(planned)?)
    }

    fn read(&self, clock: &Clock, state: &Value) -> Result<Value, Diagnostics> {
        if let Some(rotation) = timestamp_attr(state, "rotation_rfc3339")? {
            if from_utc(clock()) > rotation {
                // Expired: gone from state, so the next plan creates a new one.
                return Ok(Value::null(state.ty()));
            }
        }
        Ok(state.clone())
    }

    /// `BASETIMESTAMP,ROTATIONTIMESTAMP` or `BASETIMESTAMP,YEARS,MONTHS,DAYS,HOURS,MINUTES`.
    fn import(&self, _clock: &Clock, schema: &ResourceSchema, id: &str) -> Result<Value, Diagnostics> {
        let format_error = |detail: String| -> Diagnostics { Diagnostic::error("Unexpected Format of ID", detail).into() };
        let parts: Vec<&str> = id.split(',').collect();
        if parts.len() != 2 && parts.len() != 6 {
            return Err(format_error(format!(
                "Unexpected format of ID ({id:?}), expected BASETIMESTAMP,YEARS,MONTHS,DAYS,HOURS,MINUTES or BASETIMESTAMP,ROTATIONTIMESTAMP"
            )));
        }
        let import_error = |what: &str, e: String| -> Diagnostics {
            let sentence = if what == "timestamp" {
                "The timestamp that was supplied could not be parsed as RFC3339."
            } else {
                "The parameter that was supplied could not be parsed."
            };
            Diagnostic::error("Import time rotating error", format!("{sentence}\n\n+Original Error: {e}")).into()
        };
        let mut given: Vec<(&str, Value)> = vec![("triggers", empty_triggers())];
        let (base, configured) = if parts.len() == 2 {
            if parts[0].is_empty() || parts[1].is_empty() {
                return Err(format_error(format!(
                    "Unexpected format of ID ({id:?}), expected BASETIMESTAMP,ROTATIONTIMESTAMP"
                )));
            }
            let base = parse_rfc3339(parts[0]).map_err(|e| import_error("timestamp", e))?;
            let rotation = parse_rfc3339(parts[1]).map_err(|e| import_error("timestamp", e))?;
            (base, Some((rotation, ts_value(&rotation))))
        } else {
            if parts[0].is_empty() || parts[1..].iter().all(|p| p.is_empty()) {
                return Err(format_error(format!(
                    "Unexpected format of ID ({id:?}), expected BASETIMESTAMP,YEARS,MONTHS,DAYS,HOURS,MINUTES where at least one rotation value is non-empty"
                )));
            }
            for (name, text) in DURATIONS.iter().zip(&parts[1..]) {
                if text.is_empty() {
                    continue;
                }
                let n: i64 = text.parse().map_err(|_| {
                    import_error(
                        "parameter",
                        format!("could not parse rotation ({text:?}) as int: strconv.ParseInt: parsing {text:?}: invalid syntax"),
                    )
                })?;
                given.push((name, Value::from_i64(n)));
            }
            (parse_rfc3339(parts[0]).map_err(|e| import_error("parameter", e))?, None)
        };
        let partial = complete_object(&schema.block, given);
        fill(&partial, &base, ts_value(&base), configured)
    }
}
