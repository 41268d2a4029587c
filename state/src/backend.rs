//! Where states live: the [`Backend`] and [`StateStore`] traits, and the local implementation.
//!
//! The split follows Terraform's: a *backend* (`backend "local"`, `"pg"`, `"s3"`) holds several
//! named *workspaces*; each workspace has one *state store* ([`StateStore`], Terraform's
//! `statemgr.Full`) offering a snapshot, a journal, a lock and a history.
//!
//! ## How the engine uses a store
//!
//! ```text
//! let mut store = backend.state("default")?;
//! store.lock(LockInfo::new("OperationTypeApply"), lock_timeout)?;   // fails naming the holder
//! let replay = store.load()?;                  // snapshot + journal; replay.pending = in-flight ops
//! let journal = store.open_journal(&replay.state)?;
//! //   for each operation: journal.record_intent(..)?; provider call; journal.record_outcome(..)?;
//! //   every so often and at the end:
//! let replay = store.compact(&*journal)?;      // snapshot rewritten, journal reset
//! store.unlock()?;
//! ```
//!
//! `state rm|mv|push` change the snapshot directly with [`StateStore::write_snapshot`] /
//! [`StateStore::push_snapshot`], after [`StateStore::load`] + [`StateStore::compact`].
//!
//! ## Writing another backend (pg, s3)
//!
//! Implement [`Backend`] (workspace listing/creation/deletion, `state(name)`) and [`StateStore`]'s
//! required methods; the provided `load` and `compact` then work unchanged. Contracts each
//! implementation must keep:
//! - `write_snapshot` decides serial/lineage exactly as [`LocalStateFile::write`] (bump on
//!   change only, refuse another lineage) and is atomic: readers see the old or the new snapshot.
//! - `write_snapshot` refuses ([`Error::JournalNotCompacted`]) while the journal holds outcome,
//!   change or output records, and afterwards resets the journal to `Begin` at the new serial plus
//!   the pending intents; so a later replay can never undo it.
//! - [`Journal::append`] is durable on return and O(record); [`Journal::compact`] excludes
//!   concurrent appends.
//! - `lock` waits up to the timeout, then fails with [`Error::Locked`] naming the holder; a lock
//!   must not outlive a crashed holder forever (advisory locks, leases or `force_unlock`).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::crypto::Encryption;
use crate::error::{Error, Result};
use crate::journal::{journal_path, read_journal_with, replay, Journal, JournalContents, LocalJournal, Record, Replay};
use crate::local::{HistoryEntry, LocalStateFile, DEFAULT_HISTORY_KEEP};
use crate::lock::{force_unlock, LocalLock, LockInfo};
use crate::model::StateFile;

/// The name of the workspace that always exists.
pub const DEFAULT_WORKSPACE: &str = "default";

/// A place holding the states of several workspaces.
pub trait Backend: Send + Sync {
    /// Workspace names, `default` first, then the others sorted.
    fn workspaces(&self) -> Result<Vec<String>>;
    /// Creates an empty workspace; [`Error::WorkspaceExists`] if it exists.
    fn create_workspace(&self, name: &str) -> Result<()>;
    /// Deletes a workspace and its state, journal and history. `default` cannot be deleted.
    fn delete_workspace(&self, name: &str) -> Result<()>;
    /// The state store of a workspace (which need not exist yet for `default`).
    fn state(&self, workspace: &str) -> Result<Box<dyn StateStore>>;
}

/// One workspace's state: snapshot, journal, lock, history.
pub trait StateStore: Send {
    /// A human-readable location for messages (a path, `pg: schema.table`, `s3://bucket/key`).
    fn location(&self) -> String;

    /// Takes the lock, waiting up to `timeout`; returns the info recorded (with its ID).
    fn lock(&mut self, info: LockInfo, timeout: Duration) -> Result<LockInfo>;
    /// Releases the lock this store holds (no-op if it holds none).
    fn unlock(&mut self) -> Result<()>;
    /// Removes a lock held by someone else, given its ID (`force-unlock`).
    fn force_unlock(&self, id: &str) -> Result<()>;

    /// Reads the stored snapshot (`None` if there is none yet). Never modifies anything.
    fn read_snapshot(&mut self) -> Result<Option<StateFile>>;
    /// The stored snapshot's lineage and serial (`None` if there is none). The default reads
    /// the snapshot; a store that remembers what it last read or wrote answers from memory.
    fn snapshot_identity(&mut self) -> Result<Option<(String, u64)>> {
        Ok(self.read_snapshot()?.map(|s| (s.lineage, s.serial)))
    }
    /// Writes a snapshot outside compaction (see the module docs for the contract); updates
    /// `state.serial`/`lineage`; returns whether anything was written.
    fn write_snapshot(&mut self, state: &mut StateFile) -> Result<bool>;
    /// Writes a snapshot with its own serial and lineage (`state push`), checking lineage and
    /// serial unless `force`; same journal rule as `write_snapshot`.
    fn push_snapshot(&mut self, state: &StateFile, force: bool) -> Result<()>;

    /// Reads the journal without modifying it.
    fn read_journal(&self) -> Result<JournalContents>;
    /// Opens the journal for appending, starting it on top of `base` if it is empty.
    fn open_journal(&mut self, base: &StateFile) -> Result<Arc<dyn Journal>>;

    /// Kept snapshots, oldest first.
    fn history(&self) -> Result<Vec<HistoryEntry>>;
    /// A kept snapshot by serial.
    fn history_snapshot(&self, serial: u64) -> Result<StateFile>;

    /// Where the journal lives, for messages.
    fn journal_location(&self) -> String {
        format!("{} (journal)", self.location())
    }

    /// The current state: snapshot plus journal, with pending intents. Read-only: this is what
    /// `state list`, `plan` and `output` use, and it works while another process holds the lock.
    fn load(&mut self) -> Result<Replay> {
        let snapshot = self.read_snapshot()?;
        let contents = self.read_journal()?;
        replay(snapshot, &contents, Path::new(&self.journal_location()))
    }

    /// Merges `journal` into the snapshot (see [`Journal::compact`]) and returns the result.
    fn compact(&mut self, journal: &dyn Journal) -> Result<Replay> {
        let snapshot = self.read_snapshot()?;
        journal.compact(snapshot, &mut |state| self.write_compacted(state).map(|_| ()))
    }

    /// The snapshot write used by compaction, exempt from the "journal must be merged" rule of
    /// `write_snapshot` (it *is* the merge; the journal is reset by [`Journal::compact`]). Not
    /// for other callers.
    fn write_compacted(&mut self, state: &mut StateFile) -> Result<bool>;
}

/// Checks a workspace name as Terraform does (`url.PathEscape(name) == name`), and refuses `.`
/// and `..` which would escape the workspace directory.
pub fn valid_workspace_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "-._~$&+,:;=@".contains(c))
}

/// `backend "local"`: `terraform.tfstate` in a directory, other workspaces under
/// `terraform.tfstate.d/<name>/terraform.tfstate`, as Terraform lays them out.
#[derive(Debug, Clone)]
pub struct LocalBackend {
    state_path: PathBuf,
    workspace_dir: PathBuf,
    history_keep: usize,
    encryption: Option<Arc<Encryption>>,
}

impl LocalBackend {
    /// The layout Terraform uses in `dir`.
    pub fn new(dir: impl AsRef<Path>) -> Self {
        let dir = dir.as_ref();
        LocalBackend {
            state_path: dir.join("terraform.tfstate"),
            workspace_dir: dir.join("terraform.tfstate.d"),
            history_keep: DEFAULT_HISTORY_KEEP,
            encryption: None,
        }
    }

    /// `backend "local" { path = ..., workspace_dir = ... }`.
    pub fn with_paths(state_path: PathBuf, workspace_dir: PathBuf) -> Self {
        LocalBackend { state_path, workspace_dir, history_keep: DEFAULT_HISTORY_KEEP, encryption: None }
    }

    /// Number of snapshots kept in history per workspace (0 disables).
    pub fn with_history(mut self, keep: usize) -> Self {
        self.history_keep = keep;
        self
    }

    /// Encrypts states, backups, history and journals at rest.
    pub fn with_encryption(mut self, encryption: Option<Arc<Encryption>>) -> Self {
        self.encryption = encryption;
        self
    }

    /// The state file path of a workspace.
    pub fn state_path(&self, workspace: &str) -> PathBuf {
        if workspace == DEFAULT_WORKSPACE {
            self.state_path.clone()
        } else {
            let file = self.state_path.file_name().map(|n| n.to_owned()).unwrap_or_else(|| "terraform.tfstate".into());
            self.workspace_dir.join(workspace).join(file)
        }
    }
}

impl Backend for LocalBackend {
    fn workspaces(&self) -> Result<Vec<String>> {
        let mut names = Vec::new();
        match fs::read_dir(&self.workspace_dir) {
            Ok(entries) => {
                for entry in entries {
                    let entry = entry.map_err(|e| Error::io("listing workspaces in", &self.workspace_dir, e))?;
                    if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                        let name = entry.file_name().to_string_lossy().into_owned();
                        if name != DEFAULT_WORKSPACE && valid_workspace_name(&name) {
                            names.push(name);
                        }
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("listing workspaces in", &self.workspace_dir, e)),
        }
        names.sort();
        names.insert(0, DEFAULT_WORKSPACE.to_owned());
        Ok(names)
    }

    fn create_workspace(&self, name: &str) -> Result<()> {
        if !valid_workspace_name(name) {
            return Err(Error::InvalidWorkspace(name.to_owned()));
        }
        if self.workspaces()?.iter().any(|w| w == name) {
            return Err(Error::WorkspaceExists(name.to_owned()));
        }
        crate::fsutil::ensure_dir(&self.workspace_dir.join(name))
    }

    fn delete_workspace(&self, name: &str) -> Result<()> {
        if name == DEFAULT_WORKSPACE {
            return Err(Error::DeleteDefaultWorkspace);
        }
        if !valid_workspace_name(name) {
            return Err(Error::InvalidWorkspace(name.to_owned()));
        }
        let dir = self.workspace_dir.join(name);
        if !dir.is_dir() {
            return Err(Error::NoSuchWorkspace(name.to_owned()));
        }
        fs::remove_dir_all(&dir).map_err(|e| Error::io("deleting workspace directory", &dir, e))
    }

    fn state(&self, workspace: &str) -> Result<Box<dyn StateStore>> {
        if !valid_workspace_name(workspace) {
            return Err(Error::InvalidWorkspace(workspace.to_owned()));
        }
        let path = self.state_path(workspace);
        if workspace != DEFAULT_WORKSPACE {
            crate::fsutil::ensure_dir(&crate::fsutil::parent_dir(&path))?;
        }
        Ok(Box::new(LocalStateStore::new(path, self.history_keep, self.encryption.clone())))
    }
}

/// A local workspace's state: [`LocalStateFile`] + [`LocalJournal`] + [`LocalLock`].
#[derive(Debug)]
pub struct LocalStateStore {
    file: LocalStateFile,
    lock: Option<LocalLock>,
    journal: Option<Arc<LocalJournal>>,
    encryption: Option<Arc<Encryption>>,
}

impl LocalStateStore {
    /// A store for the state file at `path`, keeping `history_keep` snapshots.
    pub fn new(path: PathBuf, history_keep: usize, encryption: Option<Arc<Encryption>>) -> Self {
        LocalStateStore {
            file: LocalStateFile::new(path).with_history(history_keep).with_encryption(encryption.clone()),
            lock: None,
            journal: None,
            encryption,
        }
    }

    /// The state file path.
    pub fn path(&self) -> &Path {
        self.file.path()
    }

    fn journal_path(&self) -> PathBuf {
        journal_path(self.file.path())
    }

    fn check_journal_merged(&self) -> Result<JournalContents> {
        let contents = match &self.journal {
            Some(journal) => journal.contents()?,
            None => read_journal_with(&self.journal_path(), self.encryption.as_deref())?,
        };
        let unmerged = contents.records.iter().any(|r| !matches!(r, Record::Begin { .. } | Record::Intent(_)));
        if unmerged {
            return Err(Error::JournalNotCompacted(self.file.path().display().to_string()));
        }
        Ok(contents)
    }

    fn reset_journal_after_write(&self, state: &StateFile, contents: &JournalContents) -> Result<()> {
        if contents.records.is_empty() {
            return Ok(());
        }
        let pending: Vec<_> = contents
            .records
            .iter()
            .filter_map(|r| match r {
                Record::Intent(i) => Some(i.clone()),
                _ => None,
            })
            .collect();
        match &self.journal {
            Some(journal) => journal.reset(&state.lineage, state.serial, &pending),
            None => {
                let (journal, _) =
                    LocalJournal::open_with(&self.journal_path(), &state.lineage, state.serial, self.encryption.clone())?;
                journal.reset(&state.lineage, state.serial, &pending)
            }
        }
    }

}

impl StateStore for LocalStateStore {
    fn location(&self) -> String {
        self.file.path().display().to_string()
    }

    fn journal_location(&self) -> String {
        self.journal_path().display().to_string()
    }

    fn lock(&mut self, info: LockInfo, timeout: Duration) -> Result<LockInfo> {
        if let Some(held) = &self.lock {
            return Ok(held.info().clone());
        }
        let lock = LocalLock::acquire(self.file.path(), info, timeout)?;
        let info = lock.info().clone();
        self.lock = Some(lock);
        Ok(info)
    }

    fn unlock(&mut self) -> Result<()> {
        match self.lock.take() {
            Some(lock) => lock.unlock(),
            None => Ok(()),
        }
    }

    fn force_unlock(&self, id: &str) -> Result<()> {
        force_unlock(self.file.path(), id)
    }

    fn read_snapshot(&mut self) -> Result<Option<StateFile>> {
        self.file.read()
    }

    fn snapshot_identity(&mut self) -> Result<Option<(String, u64)>> {
        self.file.identity()
    }

    fn write_snapshot(&mut self, state: &mut StateFile) -> Result<bool> {
        let contents = self.check_journal_merged()?;
        let written = self.file.write(state)?;
        self.reset_journal_after_write(state, &contents)?;
        Ok(written)
    }

    fn push_snapshot(&mut self, state: &StateFile, force: bool) -> Result<()> {
        let contents = self.check_journal_merged()?;
        self.file.push(state, force)?;
        self.reset_journal_after_write(state, &contents)
    }

    fn write_compacted(&mut self, state: &mut StateFile) -> Result<bool> {
        self.file.write(state)
    }

    fn read_journal(&self) -> Result<JournalContents> {
        match &self.journal {
            Some(journal) => journal.contents(),
            None => read_journal_with(&self.journal_path(), self.encryption.as_deref()),
        }
    }

    fn open_journal(&mut self, base: &StateFile) -> Result<Arc<dyn Journal>> {
        if let Some(journal) = &self.journal {
            return Ok(journal.clone());
        }
        let (journal, _) =
            LocalJournal::open_with(&self.journal_path(), &base.lineage, base.serial, self.encryption.clone())?;
        let journal = Arc::new(journal);
        self.journal = Some(journal.clone());
        Ok(journal)
    }

    fn history(&self) -> Result<Vec<HistoryEntry>> {
        self.file.history()
    }

    fn history_snapshot(&self, serial: u64) -> Result<StateFile> {
        self.file.history_snapshot(serial)
    }
}
