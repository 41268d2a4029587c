//! `infra-provider-time`: the built-in `time` provider, compatible with `hashicorp/time`.
//!
//! Resources: `time_static` (a timestamp fixed at creation), `time_offset` (a timestamp offset
//! from a base), `time_rotating` (a timestamp that expires: once the rotation time has passed,
//! refresh removes it from state so that it is planned for re-creation) and `time_sleep`
//! (waits on create and/or destroy). Arguments, attributes, replacement rules, import ID
//! formats and messages follow HashiCorp's provider.
//!
//! One deliberate difference: where HashiCorp's provider can only say "known after apply", this
//! one plans computed values that follow from a known base timestamp (a configured `rfc3339`
//! or `base_rfc3339`, or the base kept in state on update), because they are certain.
//!
//! Its objects exist only in state, so after a crash a create that never reported its outcome
//! left nothing to adopt: `recover_by_token` answers `Absent` and the next apply creates it
//! (a `time_sleep` sleeps again).
//!
//! The current time comes from a [`Clock`], so tests can move time. Start reading at
//! [`TimeProvider`]; [`timestamp`] holds Go-compatible RFC 3339 parsing and calendar arithmetic,
//! [`duration`] Go duration strings.

pub mod duration;
mod offset;
mod rotating;
mod sleep;
mod static_time;
mod support;
pub mod timestamp;

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use infra_provider_sdk::{
    ApplyResourceRequest, ApplyResourceResponse, Diagnostic, Diagnostics, ImportResourceRequest, ImportResourceResponse,
    ImportedResource, PlanResourceRequest, PlanResourceResponse, Provider, ProviderFactory, ProviderSchema,
    ReadResourceRequest, ReadResourceResponse, ResourceSchema, ValidateResourceRequest, Value,
};

/// Where "now" comes from.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The compiled-in `time` provider.
pub fn factory() -> ProviderFactory {
    ProviderFactory { name: "time", source: "hashicorp/time", new: || Arc::new(TimeProvider::new()) }
}

/// One resource type: schema and lifecycle. Implementations are stateless; the clock is passed in.
#[async_trait]
trait TimeResource: Send + Sync {
    fn schema(&self) -> ResourceSchema;
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }
    fn plan(&self, clock: &Clock, schema: &ResourceSchema, req: &PlanResourceRequest) -> PlanResourceResponse;
    async fn create(&self, clock: &Clock, planned: &Value) -> Result<Value, Diagnostics>;
    /// An in-place update. The default stores the planned state, which planning made complete.
    async fn update(&self, _clock: &Clock, _prior: &Value, planned: &Value) -> Result<Value, Diagnostics> {
        Ok(planned.clone())
    }
    async fn delete(&self, _prior: &Value) -> Result<(), Diagnostics> {
        Ok(())
    }
    /// Refresh; `Ok(null)` means the object is gone.
    fn read(&self, _clock: &Clock, state: &Value) -> Result<Value, Diagnostics> {
        Ok(state.clone())
    }
    fn import(&self, clock: &Clock, schema: &ResourceSchema, id: &str) -> Result<Value, Diagnostics>;
}

/// The `time` provider. Its `provider "time" {}` block has no arguments.
pub struct TimeProvider {
    resources: BTreeMap<&'static str, Box<dyn TimeResource>>,
    schema: Arc<ProviderSchema>,
    clock: Clock,
}

impl TimeProvider {
    /// A provider reading the system clock.
    pub fn new() -> TimeProvider {
        TimeProvider::with_clock(Arc::new(Utc::now))
    }

    /// A provider reading `clock` (tests move time with it).
    pub fn with_clock(clock: Clock) -> TimeProvider {
        let mut resources: BTreeMap<&'static str, Box<dyn TimeResource>> = BTreeMap::new();
        resources.insert("time_offset", Box::new(offset::TimeOffset));
        resources.insert("time_rotating", Box::new(rotating::TimeRotating));
        resources.insert("time_sleep", Box::new(sleep::TimeSleep));
        resources.insert("time_static", Box::new(static_time::TimeStatic));
        let schema = ProviderSchema {
            provider: Default::default(),
            resources: resources.iter().map(|(name, r)| (name.to_string(), r.schema())).collect(),
            data_sources: BTreeMap::new(),
            state_only: true,
        };
        TimeProvider { resources, schema: Arc::new(schema), clock }
    }

    fn lookup(&self, type_name: &str) -> Option<(&dyn TimeResource, &ResourceSchema)> {
        Some((self.resources.get(type_name)?.as_ref(), self.schema.resources.get(type_name)?))
    }
}

impl Default for TimeProvider {
    fn default() -> Self {
        TimeProvider::new()
    }
}

fn unsupported(type_name: &str) -> Diagnostic {
    Diagnostic::error("Unsupported resource type", format!("This provider does not support the type {type_name:?}."))
}

#[async_trait]
impl Provider for TimeProvider {
    fn schema(&self) -> Arc<ProviderSchema> {
        self.schema.clone()
    }

    fn validate_resource(&self, req: &ValidateResourceRequest) -> Diagnostics {
        match self.lookup(&req.type_name) {
            Some((r, _)) if !req.config.is_null() => r.validate(&req.config),
            Some(_) => Diagnostics::new(),
            None => unsupported(&req.type_name).into(),
        }
    }

    async fn plan_resource(&self, req: PlanResourceRequest) -> PlanResourceResponse {
        let Some((r, schema)) = self.lookup(&req.type_name) else {
            return PlanResourceResponse::error(unsupported(&req.type_name));
        };
        if req.proposed_new_state.is_null() {
            return PlanResourceResponse { planned_state: Some(req.proposed_new_state.clone()), ..Default::default() };
        }
        r.plan(&self.clock, schema, &req)
    }

    async fn apply_resource(&self, req: ApplyResourceRequest) -> ApplyResourceResponse {
        let Some((r, schema)) = self.lookup(&req.type_name) else {
            return ApplyResourceResponse {
                new_state: req.prior_state,
                private: Vec::new(),
                diagnostics: unsupported(&req.type_name).into(),
            };
        };
        let null = Value::null(schema.block.implied_type());
        let (result, on_error) = if req.planned_state.is_null() {
            (r.delete(&req.prior_state).await.map(|()| null.clone()), req.prior_state.clone())
        } else if req.prior_state.is_null() {
            (r.create(&self.clock, &req.planned_state).await, null)
        } else {
            (r.update(&self.clock, &req.prior_state, &req.planned_state).await, req.prior_state.clone())
        };
        match result {
            Ok(new_state) => ApplyResourceResponse { new_state, private: Vec::new(), diagnostics: Diagnostics::new() },
            Err(diagnostics) => ApplyResourceResponse { new_state: on_error, private: Vec::new(), diagnostics },
        }
    }

    /// A create interrupted by a crash produced nothing to adopt: timestamps and sleeps exist only in state (a `time_sleep` that was waiting created nothing), and a create that
    /// never reported its outcome never reached state. The engine forgets the intent and plans
    /// the instance again.
    async fn recover_by_token(&self, _req: infra_provider_sdk::RecoverRequest) -> infra_provider_sdk::RecoverResponse {
        infra_provider_sdk::RecoverResponse::Absent
    }

    async fn read_resource(&self, req: ReadResourceRequest) -> ReadResourceResponse {
        let Some((r, _)) = self.lookup(&req.type_name) else {
            return ReadResourceResponse {
                new_state: req.current_state,
                private: req.private,
                diagnostics: unsupported(&req.type_name).into(),
            };
        };
        match r.read(&self.clock, &req.current_state) {
            Ok(new_state) => ReadResourceResponse { new_state, private: req.private, diagnostics: Diagnostics::new() },
            Err(diagnostics) => ReadResourceResponse { new_state: req.current_state, private: req.private, diagnostics },
        }
    }

    async fn import_resource(&self, req: ImportResourceRequest) -> ImportResourceResponse {
        let Some((r, schema)) = self.lookup(&req.type_name) else {
            return ImportResourceResponse { imported: Vec::new(), diagnostics: unsupported(&req.type_name).into() };
        };
        match r.import(&self.clock, schema, &req.id) {
            Ok(state) => ImportResourceResponse {
                imported: vec![ImportedResource { type_name: req.type_name, state, private: Vec::new() }],
                diagnostics: Diagnostics::new(),
            },
            Err(diagnostics) => ImportResourceResponse { imported: Vec::new(), diagnostics },
        }
    }
}
