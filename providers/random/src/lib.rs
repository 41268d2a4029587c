//! `infra-provider-random`: the built-in `random` provider, compatible with `hashicorp/random`.
//!
//! It offers the same resource types with the same arguments, attributes, defaults,
//! "forces replacement" rules and import ID formats as HashiCorp's provider:
//! `random_id`, `random_string`, `random_password`, `random_integer`, `random_uuid`,
//! `random_pet` and `random_shuffle`. Values are produced at apply time and never change
//! afterwards: reading a random resource returns its state unchanged, and every argument
//! forces replacement (so a new value is produced only when the configuration changes).
//!
//! It is not byte-for-byte reproducible with HashiCorp's provider where a `seed` is given:
//! `random_integer` and `random_shuffle` with the same `seed` always give the same result
//! *here*, but HashiCorp's results come from Go's `math/rand` sequence, which this crate does
//! not reimplement (see [`seeded`]).
//!
//! Random values exist only in state, so after a crash a create that never reported its outcome
//! left nothing to adopt: `recover_by_token` answers `Absent` and the next apply creates it.
//!
//! Start reading at [`RandomProvider`]; each resource type lives in its own module with its
//! schema, planning quirks, apply and import.

mod id;
mod integer;
mod pet;
pub mod seeded;
mod shuffle;
mod string;
mod support;
mod uuid_resource;
mod words;

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use infra_provider_sdk::{
    ApplyResourceRequest, ApplyResourceResponse, Diagnostic, Diagnostics, ImportResourceRequest,
    ImportResourceResponse, ImportedResource, PlanResourceRequest, PlanResourceResponse, Provider, ProviderFactory,
    ProviderSchema, ReadResourceRequest, ReadResourceResponse, ResourceSchema, ValidateResourceRequest, Value,
};

/// The compiled-in `random` provider.
pub fn factory() -> ProviderFactory {
    ProviderFactory { name: "random", source: "hashicorp/random", new: || Arc::new(RandomProvider::new()) }
}

/// One resource type of this provider: its schema and lifecycle. Implementations are stateless.
trait RandomResource: Send + Sync {
    fn schema(&self) -> ResourceSchema;
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }
    fn plan(&self, schema: &ResourceSchema, req: &PlanResourceRequest) -> PlanResourceResponse;
    /// Produces the new object for a create. `planned` is the planned state with unknowns where
    /// the random value goes.
    fn create(&self, planned: &Value) -> Result<Value, Diagnostics>;
    /// Builds the state for `infra import` from the user's import ID.
    fn import(&self, _schema: &ResourceSchema, _id: &str) -> Result<Value, Diagnostics> {
        Err(Diagnostic::error("Resource import not supported", "This resource type does not support import.").into())
    }
}

/// The `random` provider. It keeps no configuration: the `provider "random" {}` block has no
/// arguments.
pub struct RandomProvider {
    resources: BTreeMap<&'static str, Box<dyn RandomResource>>,
    schema: Arc<ProviderSchema>,
}

impl RandomProvider {
    pub fn new() -> RandomProvider {
        let mut resources: BTreeMap<&'static str, Box<dyn RandomResource>> = BTreeMap::new();
        resources.insert("random_id", Box::new(id::RandomId));
        resources.insert("random_integer", Box::new(integer::RandomInteger));
        resources.insert("random_password", Box::new(string::RandomString { sensitive: true }));
        resources.insert("random_pet", Box::new(pet::RandomPet));
        resources.insert("random_shuffle", Box::new(shuffle::RandomShuffle));
        resources.insert("random_string", Box::new(string::RandomString { sensitive: false }));
        resources.insert("random_uuid", Box::new(uuid_resource::RandomUuid));
        let schema = ProviderSchema {
            provider: Default::default(),
            resources: resources.iter().map(|(name, r)| (name.to_string(), r.schema())).collect(),
            data_sources: BTreeMap::new(),
            state_only: true,
        };
        RandomProvider { resources, schema: Arc::new(schema) }
    }

    fn lookup(&self, type_name: &str) -> Option<(&dyn RandomResource, &ResourceSchema)> {
        let r = self.resources.get(type_name)?;
        let s = self.schema.resources.get(type_name)?;
        Some((r.as_ref(), s))
    }
}

impl Default for RandomProvider {
    fn default() -> Self {
        RandomProvider::new()
    }
}

fn unsupported(type_name: &str) -> Diagnostic {
    Diagnostic::error("Unsupported resource type", format!("This provider does not support the type {type_name:?}."))
}

#[async_trait]
impl Provider for RandomProvider {
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
            // Destroy: nothing to decide.
            return PlanResourceResponse { planned_state: Some(req.proposed_new_state.clone()), ..Default::default() };
        }
        r.plan(schema, &req)
    }

    async fn apply_resource(&self, req: ApplyResourceRequest) -> ApplyResourceResponse {
        let Some((r, schema)) = self.lookup(&req.type_name) else {
            return ApplyResourceResponse {
                new_state: req.prior_state,
                private: Vec::new(),
                diagnostics: unsupported(&req.type_name).into(),
            };
        };
        if req.planned_state.is_null() {
            // Delete: random values exist only in state, so forgetting them is all there is.
            return ApplyResourceResponse {
                new_state: Value::null(schema.block.implied_type()),
                private: Vec::new(),
                diagnostics: Diagnostics::new(),
            };
        }
        if !req.prior_state.is_null() {
            // Update in place: only arguments that never force replacement can change (keepers
            // whose values are all null, override_special from "" to null), so the planned state
            // is the new state.
            return ApplyResourceResponse {
                new_state: req.planned_state,
                private: req.planned_private,
                diagnostics: Diagnostics::new(),
            };
        }
        match r.create(&req.planned_state) {
            Ok(state) => ApplyResourceResponse { new_state: state, private: Vec::new(), diagnostics: Diagnostics::new() },
            Err(diagnostics) => {
                ApplyResourceResponse { new_state: Value::null(schema.block.implied_type()), private: Vec::new(), diagnostics }
            }
        }
    }

    /// A create interrupted by a crash produced nothing to adopt: random values exist only in state (nothing outside infra holds them), and a create that
    /// never reported its outcome never reached state. The engine forgets the intent and plans
    /// the instance again.
    async fn recover_by_token(&self, _req: infra_provider_sdk::RecoverRequest) -> infra_provider_sdk::RecoverResponse {
        infra_provider_sdk::RecoverResponse::Absent
    }

    async fn read_resource(&self, req: ReadResourceRequest) -> ReadResourceResponse {
        // Random values live only in state: refreshing never changes them.
        ReadResourceResponse { new_state: req.current_state, private: req.private, diagnostics: Diagnostics::new() }
    }

    async fn import_resource(&self, req: ImportResourceRequest) -> ImportResourceResponse {
        let Some((r, schema)) = self.lookup(&req.type_name) else {
            return ImportResourceResponse { imported: Vec::new(), diagnostics: unsupported(&req.type_name).into() };
        };
        match r.import(schema, &req.id) {
            Ok(state) => ImportResourceResponse {
                imported: vec![ImportedResource { type_name: req.type_name, state, private: Vec::new() }],
                diagnostics: Diagnostics::new(),
            },
            Err(diagnostics) => ImportResourceResponse { imported: Vec::new(), diagnostics },
        }
    }
}
