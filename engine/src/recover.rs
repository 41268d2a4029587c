//! Reconciling what a crashed or killed run left unfinished, and stopping a run on request.
//!
//! The journal records an intent before every provider call and an outcome after it. An intent
//! without an outcome (a [`PendingOp`]) means the process died during the call: the object may
//! or may not exist. The CLI hands the pending operations to the next plan in
//! [`crate::state_bridge::WorkingState::pending`]; the plan walk resolves each one before it plans
//! the instance (or, for instances no longer in configuration and in destroy mode, before it plans
//! orphans) and reports a [`Recovery`] per operation in
//! [`crate::walk::WalkResult::recovered`], which the CLI records in the journal (apply) and prints.
//!
//! - An interrupted **create** is asked about by its idempotency token
//!   ([`infra_provider_sdk::Provider::recover_by_token`]): an object that exists is adopted
//!   (tainted when the provider says the creation was incomplete), one that does not is forgotten,
//!   and when the provider cannot tell, the planned object is kept as tainted so that the plan
//!   re-reads and replaces it instead of forgetting something that may exist.
//! - An interrupted **update or delete** acts on an object state already records; it is kept as
//!   recorded, and the plan's refresh re-reads it.
//!
//! [`Interrupt`] is the flag the CLI raises on Ctrl-C: the walk starts no new operation once it
//! is set, lets the ones in flight finish, and skips planning orphan deletions (an instance the
//! walk did not reach is not an orphan).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use infra_value::{AttrPath, Value};

use crate::addrs::ResourceInstance;
use crate::state_bridge::StateInstance;

/// A provider operation the journal shows as started but never finished.
#[derive(Clone, Debug)]
pub struct PendingOp {
    /// The journal's intent id, to record the outcome against.
    pub intent: u64,
    pub addr: ResourceInstance,
    /// The action as the journal recorded it: `create`, `update`, `delete`, `deletethencreate`
    /// or `createthendelete` (the create step of a replacement).
    pub action: String,
    /// The idempotency token given to the provider.
    pub token: String,
    /// The provider configuration address that owns the object.
    pub provider: String,
    /// The planned object as recorded (typed by the schema; values unknown at plan time and
    /// sensitive ones are null), or null when it could not be decoded.
    pub planned: Value,
    /// Attributes whose planned values may be missing because they are sensitive.
    pub redacted: Vec<AttrPath>,
}

impl PendingOp {
    /// Whether the interrupted call was to create an object (which the provider may have made).
    pub fn is_create(&self) -> bool {
        matches!(self.action.as_str(), "create" | "deletethencreate" | "createthendelete")
    }

    /// The action for messages: replacements are creates at this point.
    pub fn verb(&self) -> &str {
        if self.is_create() {
            "create"
        } else {
            &self.action
        }
    }
}

/// What reconciling one pending operation found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecoveryResult {
    /// The object exists and is complete: adopted as a normal instance.
    Adopted,
    /// The object exists but its creation did not finish: adopted as tainted (replaced next).
    AdoptedTainted,
    /// Nothing had been created: the intent is dropped.
    Absent,
    /// The provider cannot tell: the planned object is kept as tainted, so the plan re-reads and
    /// replaces it.
    KeptTainted,
    /// An update or delete: the object stays as state records it; the refresh re-reads it.
    KeptAsRecorded,
}

/// One reconciled operation.
#[derive(Clone, Debug)]
pub struct Recovery {
    pub op: PendingOp,
    pub result: RecoveryResult,
    /// The object as it now enters state (adopted or kept tainted); `None` when nothing is
    /// recorded for it (absent, or kept as state already records it).
    pub instance: Option<StateInstance>,
}

impl Recovery {
    /// The line the CLI prints, e.g. `Recovered local_file.f[3] from an interrupted create
    /// (adopted)`.
    pub fn message(&self) -> String {
        let what = match self.result {
            RecoveryResult::Adopted => "adopted",
            RecoveryResult::AdoptedTainted => "adopted as tainted: the creation did not finish, so it will be replaced",
            RecoveryResult::Absent => "nothing had been created",
            RecoveryResult::KeptTainted => {
                "the provider cannot tell whether it exists: kept as tainted, so it will be re-read and replaced"
            }
            RecoveryResult::KeptAsRecorded => "kept as recorded; the refresh re-reads it",
        };
        format!("Recovered {} from an interrupted {} ({what})", self.op.addr, self.op.verb())
    }
}

/// Raised on Ctrl-C (or SIGTERM): the walk starts no new provider operation once it is set.
/// Clones share the flag.
#[derive(Clone, Debug, Default)]
pub struct Interrupt(Arc<AtomicBool>);

impl Interrupt {
    pub fn new() -> Interrupt {
        Interrupt::default()
    }

    /// Asks the walk to stop scheduling.
    pub fn trigger(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
