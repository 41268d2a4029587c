//! # infra-state
//!
//! The state of `infra`: what exists, as last recorded. This crate owns
//!
//! - the **model** of Terraform's v4 state format ([`StateFile`] → [`ResourceState`] →
//!   [`InstanceState`]), read and written byte-for-byte as Terraform 1.11.4 does
//!   ([`read_state`], [`write_state`]);
//! - the **local snapshot file** ([`LocalStateFile`]): atomic writes (temp + fsync + rename +
//!   fsync dir), mode 0600, `terraform.tfstate.backup`, serial bumped only on change, lineage
//!   protection, history of the last N snapshots;
//! - **locking** ([`LocalLock`], [`LockInfo`], [`force_unlock`]);
//!
//! ## What it is not
//!
//! It knows nothing of configuration, plans, providers or the value model: attributes and outputs
//! are `serde_json::Value` in the encoding Terraform uses, and the engine converts them with the
//! provider schemas. Addresses are plain strings as they appear in the file.
//!
//! ## Where to start
//!
//! [`model`] for the data, [`LocalStateFile`] for persisting one snapshot.

pub mod backend;
pub mod crypto;
pub mod error;
pub mod format;
mod fsutil;
pub mod gojson;
pub mod journal;
pub mod local;
pub mod lock;
pub mod model;

pub use backend::{valid_workspace_name, Backend, LocalBackend, LocalStateStore, StateStore, DEFAULT_WORKSPACE};
pub use crypto::Encryption;
pub use error::{Error, ReadError, Result};
pub use format::{read_state, write_state};
pub use journal::{
    journal_path, new_idempotency_token, read_journal, read_journal_with, replay, Intent, Journal, JournalContents, ListEntry,
    LocalJournal, ObjectAddr, ObjectChange, Outcome, Record, Replay,
};
pub use local::{HistoryEntry, LocalStateFile, DEFAULT_HISTORY_KEEP};
pub use lock::{force_unlock, lock_paths, read_lock_info, LocalLock, LockInfo};
pub use model::{
    new_lineage, AttributePath, CheckResultObject, CheckResults, InstanceKey, InstanceState,
    InstanceStatus, OutputState, PathStep, ResourceMode, ResourceState, StateFile,
    STATE_FORMAT_VERSION, TERRAFORM_VERSION,
};
