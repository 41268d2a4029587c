//! # infra-state
//!
//! The state of `infra`: what exists, as last recorded — and the machinery that makes sure a
//! resource, once created, is never forgotten.
//!
//! ## What is here
//!
//! - **The v4 model** ([`model`]): [`StateFile`] → [`ResourceState`] → [`InstanceState`], field for
//!   field Terraform's `statefile/version4.go`. [`read_state`] parses bytes with clear errors
//!   (unsupported versions, truncation, line/column of JSON errors, Terraform's consistency
//!   checks); [`write_state`] produces exactly the bytes Terraform 1.11.4 writes (key order,
//!   omission rules, Go's escaping via [`gojson`]).
//! - **A local snapshot file** ([`LocalStateFile`]): atomic writes (temp + fsync + rename + fsync
//!   dir), mode 0600, `terraform.tfstate.backup` of the state before the run, serial bumped only
//!   when content changes, refusal to overwrite another lineage, history of the last N snapshots.
//! - **Locking** ([`LocalLock`], [`LockInfo`], [`force_unlock`]): `flock` plus Terraform's
//!   `.terraform.tfstate.lock.info`, with waiting up to a timeout.
//! - **The journal** ([`journal`]): durable, checksummed intent/outcome records appended around
//!   every provider call, replayed over the snapshot ([`replay`], [`Replay`]), compacted into it
//!   crash-safely. `kill -9` at any moment loses nothing: what may exist is either in the
//!   snapshot, in an outcome, or a pending intent ([`Replay::list`] marks those unconfirmed).
//! - **Backends** ([`backend`]): the [`Backend`] / [`StateStore`] traits (workspaces; snapshot,
//!   journal, lock, history per workspace) and [`LocalBackend`] with Terraform's layout
//!   (`terraform.tfstate`, `terraform.tfstate.d/<workspace>/terraform.tfstate`).
//! - **Encryption at rest** ([`crypto`]): AES-256-GCM with a raw key or an Argon2id passphrase,
//!   applied to snapshots, backups, history and journal records alike.
//!
//! ## What it is not
//!
//! It knows nothing of configuration, plans, providers or the value model: attributes and outputs
//! are JSON in the encoding Terraform uses (cty JSON), and the engine converts them with provider
//! schemas. Attributes read from a file are kept as their text ([`LazyJson`]) for the engine to
//! decode directly, and parsed into a `serde_json::Value` only if someone asks. Addresses are the strings found in the file; the only address logic
//! here is printing an instance address for messages and `state list`. It never prints.
//!
//! ## Where to start
//!
//! [`backend`]'s module docs show the sequence an apply follows (lock → load → journal → compact
//! → unlock). Then [`model`] for the data and [`journal`] for the crash-safety argument.
//!
//! ## Files beside `terraform.tfstate` (local backend)
//!
//! | file | what |
//! | --- | --- |
//! | `terraform.tfstate` | the snapshot (Terraform-compatible unless encrypted) |
//! | `terraform.tfstate.backup` | the snapshot as it was before the current run's first change |
//! | `terraform.tfstate.journal` | intents and outcomes since the snapshot |
//! | `terraform.tfstate.history/<serial>.tfstate` | the last N snapshots |
//! | `.terraform.tfstate.lock` | the `flock`ed file (never removed) |
//! | `.terraform.tfstate.lock.info` | the holder, while locked (Terraform's format) |

pub mod backend;
pub mod crypto;
pub mod error;
mod fast_read;
pub mod format;
mod fsutil;
pub mod gojson;
pub mod journal;
mod lazy_json;
pub mod local;
pub mod lock;
pub mod model;
pub mod pg;
mod remote;
pub mod s3;

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
pub use pg::{PgBackend, PgConfig};
pub use remote::BackendConfigError;
pub use s3::{S3Backend, S3Config};
pub use model::{
    new_lineage, AttributePath, CheckResultObject, CheckResults, InstanceKey, InstanceState,
    InstanceStatus, LazyJson, OutputState, PathStep, ResourceMode, ResourceState, StateFile,
    STATE_FORMAT_VERSION, TERRAFORM_VERSION,
};
