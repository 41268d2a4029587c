//! `infra-provider-sdk`: the protocol between the engine and providers.
//!
//! A provider describes its resources with a [`schema::ProviderSchema`] and implements the async
//! [`Provider`] trait: one method per lifecycle step, a request struct in, a response struct (with
//! diagnostics) out. The engine plans generically from the schema (proposed new state, "forces
//! replacement", unknown computed attributes) and checks what a provider returns instead of
//! trusting it.
//!
//! This crate is not a provider registry: the CLI lists the compiled-in providers.
//! Start reading at [`Provider`], then [`schema`], then [`plan`] (the generic planning helpers
//! most providers use).

pub mod plan;
pub mod protocol;
pub mod retry;
pub mod schema;

pub use infra_value::{AttrPath, Diagnostic, Diagnostics, PathStep, Type, Value};
pub use protocol::*;
pub use schema::{Attribute, Block, Nesting, NestedBlock, ProviderSchema, ResourceSchema};

use async_trait::async_trait;
use std::sync::Arc;

/// A provider. One instance exists per `provider` configuration (default or alias); the engine
/// calls [`Provider::configure`] once before any other call except [`Provider::schema`].
///
/// All methods may be called concurrently for different resource instances.
#[async_trait]
pub trait Provider: Send + Sync {
    /// The schema of the provider configuration, its resources and data sources. Must be cheap
    /// and deterministic: the engine calls it often.
    fn schema(&self) -> Arc<ProviderSchema>;

    /// Receives the `provider` block's configuration (null when there is no block).
    async fn configure(&self, _req: ConfigureRequest) -> ConfigureResponse {
        ConfigureResponse::default()
    }

    /// Checks a resource configuration beyond what the schema says (conflicting arguments, value
    /// ranges). Values may be unknown.
    fn validate_resource(&self, _req: &ValidateResourceRequest) -> Diagnostics {
        Diagnostics::new()
    }

    /// Proposes the new state of a resource instance. The default plans generically from the
    /// schema (see [`plan::plan_from_schema`]).
    async fn plan_resource(&self, req: PlanResourceRequest) -> PlanResourceResponse {
        let schema = self.schema();
        match schema.resources.get(&req.type_name) {
            Some(rs) => plan::plan_from_schema(&rs.block, &req),
            None => PlanResourceResponse::error(unknown_type(&req.type_name)),
        }
    }

    /// Creates, updates or deletes a resource instance so that it matches `planned_state`
    /// (null `prior_state` = create, null `planned_state` = delete).
    async fn apply_resource(&self, req: ApplyResourceRequest) -> ApplyResourceResponse;

    /// Refreshes a resource instance from the real world. A `new_state` of null means the object
    /// is gone.
    async fn read_resource(&self, req: ReadResourceRequest) -> ReadResourceResponse;

    /// Imports an existing object by its provider-specific ID.
    async fn import_resource(&self, req: ImportResourceRequest) -> ImportResourceResponse {
        ImportResourceResponse {
            imported: Vec::new(),
            diagnostics: Diagnostic::error(
                "Resource import not supported",
                format!("The resource type {:?} does not support import.", req.type_name),
            )
            .into(),
        }
    }

    /// Reads a data source.
    async fn read_data_source(&self, req: ReadDataSourceRequest) -> ReadDataSourceResponse {
        ReadDataSourceResponse { state: Value::dynamic_null(), diagnostics: unknown_type(&req.type_name).into() }
    }

    /// After a crash, asks whether the object an unfinished create may have made exists, by the
    /// idempotency token the engine passed to [`Provider::apply_resource`] and the planned state
    /// the journal recorded. The engine calls it during the next plan for every create whose
    /// intent has no outcome, before planning that instance, and adopts what this answers.
    /// Providers that cannot tell answer [`RecoverResponse::Unknown`] (the default): the engine
    /// then keeps the instance as tainted, so nothing that may exist is forgotten.
    async fn recover_by_token(&self, _req: RecoverRequest) -> RecoverResponse {
        RecoverResponse::Unknown
    }
}

fn unknown_type(name: &str) -> Diagnostic {
    Diagnostic::error("Unsupported resource type", format!("This provider does not support the type {name:?}."))
}

/// A compiled-in provider: its local name (`random`), its registry source
/// (`hashicorp/random`), and a constructor for fresh, unconfigured instances.
#[derive(Clone)]
pub struct ProviderFactory {
    pub name: &'static str,
    pub source: &'static str,
    pub new: fn() -> Arc<dyn Provider>,
}
