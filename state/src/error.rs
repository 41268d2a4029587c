//! Error types. Messages follow Terraform's wording where Terraform has one, so that users and
//! scripts recognise them; each says what is wrong and, where it helps, what to do.

use std::io;
use std::path::PathBuf;

use crate::lock::LockInfo;

/// Why state bytes could not be read as a v4 state. Never involves I/O.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The pre-0.7 binary format.
    #[error("Unsupported state file format: the state is stored in a legacy binary format that is not supported since Terraform v0.7. To continue, first upgrade the state using Terraform 0.6.16 or earlier.")]
    LegacyBinary,
    /// The JSON ends early: typically a file cut short by a full disk or a copy interrupted.
    #[error("Invalid state file: the state file could not be parsed as JSON: it ends unexpectedly at line {line} column {column} (the file is truncated).")]
    Truncated {
        /// 1-based line of the end of input.
        line: usize,
        /// 1-based column of the end of input.
        column: usize,
    },
    /// Not JSON.
    #[error("Invalid state file: the state file could not be parsed as JSON: {message} at line {line} column {column}.")]
    Syntax {
        /// What the JSON parser expected.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// No `version` field.
    #[error("Invalid state file: the state file does not have a \"version\" attribute, which is required to identify the format version.")]
    MissingVersion,
    /// `version` is not a positive whole number.
    #[error("Invalid state file: the version in the state file is {found}. A positive whole number is required.")]
    InvalidVersion {
        /// The JSON text found.
        found: String,
    },
    /// `version: 0`.
    #[error("Invalid state file: the state file uses JSON syntax but has a version number of zero. There was never a JSON-based state format zero, so this state file is invalid and cannot be processed.")]
    VersionZero,
    /// A format version other than 4.
    #[error("Unsupported state file format: the state file uses format version {version}, which is not supported by infra (it reads and writes version 4, as Terraform 0.12 and later do). {}", unsupported_hint(*.version, .written_by.as_deref()))]
    UnsupportedVersion {
        /// The format version found.
        version: u64,
        /// The `terraform_version` field, when present.
        written_by: Option<String>,
    },
    /// Valid JSON, but not the v4 structure (a field of the wrong type, an unknown mode, …).
    #[error("Invalid state file: {message} at line {line} column {column}.")]
    Structure {
        /// What is wrong, e.g. `unknown variant "foo", expected "data" or "managed"`.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// Structurally valid, but inconsistent (Terraform's `prepareStateV4` checks).
    #[error("{summary}: {detail}")]
    Invalid {
        /// Terraform's diagnostic summary.
        summary: String,
        /// Terraform's diagnostic detail.
        detail: String,
    },
}

fn unsupported_hint(version: u64, written_by: Option<&str>) -> String {
    match (version < 4, written_by) {
        (true, _) => "This state was written by Terraform older than 0.12: upgrade it first by running `terraform apply` with Terraform 0.12 through 1.x, which rewrites it as version 4.".to_owned(),
        (false, Some(by)) => format!("This state file was created by Terraform {by}."),
        (false, None) => "This state file may have been created by a newer version of Terraform.".to_owned(),
    }
}

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file that exists could not be parsed; it was not modified.
    #[error("Failed to load state from {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: ReadError,
    },
    /// A filesystem operation failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What we were doing, e.g. "writing state to".
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// The state to write belongs to another history than the one stored.
    #[error("Cannot write state to {path}: the stored state has lineage \"{stored}\" but the state being written has lineage \"{writing}\". They are different states; refusing to overwrite. (To replace it anyway, remove the stored state or push with force.)")]
    LineageMismatch {
        /// The state file.
        path: PathBuf,
        /// Lineage on disk.
        stored: String,
        /// Lineage of the state being written.
        writing: String,
    },
    /// A push of an older snapshot over a newer one of the same lineage.
    #[error("Cannot write state to {path}: the stored state has serial {stored}, newer than the serial {writing} being written. Refusing to go back in history. (Pull the current state, or push with force.)")]
    SerialRegression {
        /// The state file.
        path: PathBuf,
        /// Serial on disk.
        stored: u64,
        /// Serial being written.
        writing: u64,
    },
    /// Someone else holds the lock.
    #[error("Error acquiring the state lock: the state is locked by another process ({lock_path}).\n{}\nTerraform acquires a state lock to protect the state from being written by multiple users at the same time. Please resolve the issue above and try again. For most commands, you can disable locking with the \"-lock=false\" flag, but this is not recommended.", holder_text(.holder.as_deref()))]
    Locked {
        /// The lock file.
        lock_path: PathBuf,
        /// Who holds it, if their lock info could be read.
        holder: Option<Box<LockInfo>>,
    },
    /// `force_unlock` with an ID that is not the holder's.
    #[error("Failed to unlock state: lock ID \"{given}\" does not match the existing lock ID \"{actual}\".")]
    LockIdMismatch {
        /// The ID given.
        given: String,
        /// The current holder's ID.
        actual: String,
    },
    /// `force_unlock` of a lock held by a live process: advisory locks die with their process, so
    /// a live holder's lock cannot (and must not) be broken from outside.
    #[error("Failed to unlock state: the lock {id} is held by a running process.\n{}\nStop that process (its lock is released when it exits), then retry.", holder_text(Some(.holder)))]
    LockHeldByLiveProcess {
        /// The lock ID.
        id: String,
        /// The holder.
        holder: Box<LockInfo>,
    },
    /// `force_unlock` when nothing is locked.
    #[error("Failed to unlock state: no lock is held on {lock_path}.")]
    NotLocked {
        /// The lock file.
        lock_path: PathBuf,
    },
    /// A journal file that cannot be used (not a torn tail, which is ignored: a bad header or a
    /// corrupt record in the middle).
    #[error("Journal {path} is unusable: {reason}. The state snapshot is intact; move the journal aside to continue, after checking the resources it mentions.")]
    Journal {
        /// The journal file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// Encryption or decryption failed (wrong key, tampered file, missing key).
    #[error("{0}")]
    Crypto(String),
    /// A workspace name that cannot be used.
    #[error("The workspace name \"{0}\" is not allowed. The name must contain only URL safe characters, and no path separators.")]
    InvalidWorkspace(String),
    /// Operating on a workspace that does not exist.
    #[error("Workspace \"{0}\" doesn't exist.")]
    NoSuchWorkspace(String),
    /// Creating a workspace that exists.
    #[error("Workspace \"{0}\" already exists.")]
    WorkspaceExists(String),
    /// Deleting the default workspace.
    #[error("Can't delete default workspace: the default workspace cannot be deleted.")]
    DeleteDefaultWorkspace,
    /// A snapshot write (outside compaction) while the journal holds unmerged changes: writing
    /// would let a later replay of those changes undo this write.
    #[error("Cannot write state {0}: its journal holds changes not yet merged into the snapshot. Load and compact the state first.")]
    JournalNotCompacted(String),
    /// A history entry that is not kept.
    #[error("No state snapshot with serial {0} is kept in history.")]
    NoSuchSerial(u64),
}

fn holder_text(info: Option<&LockInfo>) -> String {
    match info {
        Some(info) => info.to_string(),
        None => "Lock Info: (unavailable: the holder's lock info file is missing or unreadable)\n".to_owned(),
    }
}

impl Error {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io { action, path: path.into(), source }
    }
}

/// Shorthand for this crate's results.
pub type Result<T, E = Error> = std::result::Result<T, E>;
