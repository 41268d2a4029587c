//! Request and response structs of the [`crate::Provider`] protocol.

use std::time::Duration;

use infra_value::{AttrPath, Diagnostic, Diagnostics, Value};

#[derive(Clone, Debug)]
pub struct ConfigureRequest {
    /// The provider block's configuration as an object of the provider schema's type, or null.
    pub config: Value,
}

#[derive(Clone, Debug, Default)]
pub struct ConfigureResponse {
    pub diagnostics: Diagnostics,
}

#[derive(Clone, Debug)]
pub struct ValidateResourceRequest {
    pub type_name: String,
    /// The configuration; may contain unknowns.
    pub config: Value,
}

/// Planning a change to one resource instance.
#[derive(Clone, Debug)]
pub struct PlanResourceRequest {
    pub type_name: String,
    /// The state before the change, or null when the instance is to be created.
    pub prior_state: Value,
    /// What the engine proposes: the configuration with the prior values of computed
    /// attributes the configuration leaves unset (Terraform's "proposed new state"). Null when
    /// the instance is to be destroyed.
    pub proposed_new_state: Value,
    /// The configuration as written (null for destroy).
    pub config: Value,
    pub prior_private: Vec<u8>,
}

#[derive(Clone, Debug, Default)]
pub struct PlanResourceResponse {
    /// The planned new state; unknown where only apply will tell.
    pub planned_state: Option<Value>,
    /// Attributes whose change forces replacement (the engine renders "# forces replacement").
    pub requires_replace: Vec<AttrPath>,
    pub planned_private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

impl PlanResourceResponse {
    pub fn error(d: Diagnostic) -> PlanResourceResponse {
        PlanResourceResponse { diagnostics: d.into(), ..Default::default() }
    }
}

/// Operation time limits from a resource's `timeouts` block; `None` = the provider's default.
#[derive(Clone, Debug, Default)]
pub struct Timeouts {
    pub create: Option<Duration>,
    pub read: Option<Duration>,
    pub update: Option<Duration>,
    pub delete: Option<Duration>,
}

#[derive(Clone, Debug)]
pub struct ApplyResourceRequest {
    pub type_name: String,
    /// Null for a create.
    pub prior_state: Value,
    /// Null for a delete. Unknowns are what the provider must fill in.
    pub planned_state: Value,
    /// The configuration (null for a delete).
    pub config: Value,
    pub planned_private: Vec<u8>,
    /// A token unique to this operation, recorded in the journal before the call. Providers
    /// whose APIs support it pass it on (EC2 client token, a tag) so that after a crash
    /// [`crate::Provider::recover_by_token`] can find what was created.
    pub idempotency_token: String,
    pub timeouts: Timeouts,
}

#[derive(Clone, Debug)]
pub struct ApplyResourceResponse {
    /// The new state: null after a delete. On error, the state of whatever exists (e.g. a
    /// partially created object), or the prior state if nothing changed.
    pub new_state: Value,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

#[derive(Clone, Debug)]
pub struct ReadResourceRequest {
    pub type_name: String,
    pub current_state: Value,
    pub private: Vec<u8>,
}

#[derive(Clone, Debug)]
pub struct ReadResourceResponse {
    /// Null when the object no longer exists.
    pub new_state: Value,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

#[derive(Clone, Debug)]
pub struct ImportResourceRequest {
    pub type_name: String,
    pub id: String,
}

#[derive(Clone, Debug)]
pub struct ImportedResource {
    pub type_name: String,
    pub state: Value,
    pub private: Vec<u8>,
}

#[derive(Clone, Debug)]
pub struct ImportResourceResponse {
    pub imported: Vec<ImportedResource>,
    pub diagnostics: Diagnostics,
}

#[derive(Clone, Debug)]
pub struct ReadDataSourceRequest {
    pub type_name: String,
    /// The configuration; fully known (the engine defers reads whose config is unknown).
    pub config: Value,
}

#[derive(Clone, Debug)]
pub struct ReadDataSourceResponse {
    pub state: Value,
    pub diagnostics: Diagnostics,
}

/// After a crash: what became of a create the engine started (its intent is in the journal)
/// but never saw finish. See [`crate::Provider::recover_by_token`].
#[derive(Clone, Debug)]
pub struct RecoverRequest {
    pub type_name: String,
    /// The token passed as [`ApplyResourceRequest::idempotency_token`] to the interrupted call.
    pub idempotency_token: String,
    /// The state the interrupted operation planned, as the journal recorded it: values that
    /// were unknown at plan time are null, and so are the `redacted` ones.
    pub planned_state: Value,
    /// Attributes whose planned values were sensitive: the journal does not hold secrets in
    /// clear, so they are null in `planned_state` and cannot be compared.
    pub redacted: Vec<AttrPath>,
}

#[derive(Clone, Debug)]
pub enum RecoverResponse {
    /// The object exists and is complete; this is its state. The engine adopts it as a normal
    /// instance.
    Exists(Value),
    /// An object exists but the operation did not finish (or it cannot be verified to match the
    /// plan); this is its state. The engine adopts it as tainted, so the next apply replaces it.
    Incomplete(Value),
    /// No object was created by that operation: the engine forgets the intent.
    Absent,
    /// The provider cannot tell. The engine keeps the instance recorded as tainted (with the
    /// planned values), so the next plan re-reads and replaces it rather than forgetting it.
    Unknown,
}
