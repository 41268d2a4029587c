//! One state snapshot in a local file: read, atomic write with backup, serial rules, history.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::crypto::Encryption;
use crate::error::{Error, Result};
use crate::format::{read_state, write_state};
use crate::fsutil::{atomic_write, ensure_dir, read_if_exists};
use crate::model::{new_lineage, StateFile};

/// Default number of snapshots kept in history.
pub const DEFAULT_HISTORY_KEEP: usize = 10;

/// A kept snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// Serial of the snapshot.
    pub serial: u64,
    /// Its lineage.
    pub lineage: String,
    /// Where it is kept.
    pub path: PathBuf,
}

/// What a [`LocalStateFile`] remembers of the stored snapshot: its identity and its text, not a
/// parsed copy (cloning a large state on every read cost more than the comparison it served).
#[derive(Debug)]
struct Baseline {
    lineage: String,
    serial: u64,
    /// The snapshot's plaintext, as read or written.
    text: Vec<u8>,
}

/// The part of a state file's text after its header (`version`, `terraform_version`, `serial`,
/// `lineage`): the content. Two snapshots written in the canonical layout (by `infra` or by
/// Terraform) have equal content exactly when these parts are equal. For a file in another
/// layout the whole text is returned, which only ever makes a comparison say "changed".
fn content_part(text: &[u8]) -> &[u8] {
    const LINEAGE: &[u8] = b"\n  \"lineage\": ";
    let Some(at) = text.windows(LINEAGE.len()).take(4096).position(|w| w == LINEAGE) else { return text };
    match text[at + LINEAGE.len()..].iter().position(|&b| b == b'\n') {
        Some(end) => &text[at + LINEAGE.len() + end..],
        None => text,
    }
}

/// A state file on the local filesystem, as Terraform's `statemgr.Filesystem` manages one.
///
/// It remembers the last snapshot it read or wrote (the *baseline*) so that:
/// - a write whose content equals the baseline is skipped and keeps the serial (Terraform bumps
///   the serial only when the content changes);
/// - a write of another lineage than the stored one is refused ([`Error::LineageMismatch`]);
/// - before the first write that changes the file, the file's previous bytes are copied to the
///   backup path (`terraform.tfstate.backup`), once per `LocalStateFile`, as Terraform does per
///   run — so the backup is "the state before this run".
///
/// It does not lock: callers hold a [`crate::LocalLock`] around read-modify-write sequences.
#[derive(Debug)]
pub struct LocalStateFile {
    path: PathBuf,
    backup_path: Option<PathBuf>,
    baseline: Option<Baseline>,
    baseline_loaded: bool,
    backup_written: bool,
    history_keep: usize,
    encryption: Option<Arc<Encryption>>,
}

impl LocalStateFile {
    /// A state file at `path`, with its backup at `<path>.backup` and no history.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let mut backup = path.clone().into_os_string();
        backup.push(".backup");
        LocalStateFile {
            path,
            backup_path: Some(PathBuf::from(backup)),
            baseline: None,
            baseline_loaded: false,
            backup_written: false,
            history_keep: 0,
            encryption: None,
        }
    }

    /// Sets (or with `None` disables) the backup file path (Terraform's `-backup`).
    pub fn with_backup_path(mut self, backup: Option<PathBuf>) -> Self {
        self.backup_path = backup;
        self
    }

    /// Keeps the last `keep` written snapshots in `<path>.history/` (0 disables history).
    pub fn with_history(mut self, keep: usize) -> Self {
        self.history_keep = keep;
        self
    }

    /// Encrypts everything this manager writes and requires encryption on read.
    pub fn with_encryption(mut self, encryption: Option<Arc<Encryption>>) -> Self {
        self.encryption = encryption;
        self
    }

    /// The state file path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The backup path, if backups are enabled.
    pub fn backup_path(&self) -> Option<&Path> {
        self.backup_path.as_deref()
    }

    /// The history directory: `<path>.history`.
    pub fn history_dir(&self) -> PathBuf {
        let mut dir = self.path.clone().into_os_string();
        dir.push(".history");
        PathBuf::from(dir)
    }

    /// Reads the stored snapshot (`None` if the file is missing or empty) and makes it the
    /// baseline. Never modifies the file, whatever its content.
    pub fn read(&mut self) -> Result<Option<StateFile>> {
        let path = self.path.clone();
        let Some(plain) = self.read_plain(&path)? else {
            self.baseline = None;
            self.baseline_loaded = true;
            return Ok(None);
        };
        let state = read_state(&plain).map_err(|source| Error::Read { path: path.clone(), source })?;
        self.baseline = state.as_ref().map(|s| Baseline { lineage: s.lineage.clone(), serial: s.serial, text: plain });
        self.baseline_loaded = true;
        Ok(state)
    }

    /// The stored snapshot's lineage and serial, from the baseline (read only if this manager
    /// has neither read nor written the file yet). Callers hold the state lock, so the file has
    /// not changed since.
    pub fn identity(&mut self) -> Result<Option<(String, u64)>> {
        self.ensure_baseline()?;
        Ok(self.baseline.as_ref().map(|b| (b.lineage.clone(), b.serial)))
    }

    fn read_path(&self, path: &Path) -> Result<Option<StateFile>> {
        let Some(plain) = self.read_plain(path)? else {
            return Ok(None);
        };
        read_state(&plain).map_err(|source| Error::Read { path: path.to_path_buf(), source })
    }

    /// The file's plaintext (decrypted if encrypted), `None` if it does not exist.
    fn read_plain(&self, path: &Path) -> Result<Option<Vec<u8>>> {
        match read_if_exists(path)? {
            Some(bytes) => self.decode(path, bytes).map(Some),
            None => Ok(None),
        }
    }

    fn decode(&self, path: &Path, bytes: Vec<u8>) -> Result<Vec<u8>> {
        crate::crypto::decode_for_read(self.encryption.as_deref(), path, bytes)
    }

    fn encode(&self, plain: &[u8]) -> Result<Vec<u8>> {
        crate::crypto::encode_for_write(self.encryption.as_deref(), plain)
    }

    fn ensure_baseline(&mut self) -> Result<()> {
        if !self.baseline_loaded {
            self.read()?;
        }
        Ok(())
    }

    /// Persists `state`, deciding its serial and lineage, and returns whether the file changed.
    ///
    /// - No stored state: the lineage is kept if set (a fresh one is generated if empty) and the
    ///   serial becomes `state.serial + 1` (so a new state's first write has serial 1).
    /// - Stored state of the same lineage: if the content (outputs, resources, check results) is
    ///   unchanged the write is skipped and `state.serial` is set to the stored serial; otherwise
    ///   the serial becomes the stored serial + 1. An empty lineage in `state` adopts the stored one.
    /// - Stored state of another lineage: [`Error::LineageMismatch`], nothing written.
    ///
    /// `state.serial`, `state.lineage` and `state.terraform_version` are updated in place.
    pub fn write(&mut self, state: &mut StateFile) -> Result<bool> {
        self.ensure_baseline()?;
        state.terraform_version = crate::model::TERRAFORM_VERSION.to_owned();
        match &self.baseline {
            None => {
                if state.lineage.is_empty() {
                    state.lineage = new_lineage();
                }
                state.serial += 1;
                self.persist(state, None)?;
            }
            Some(stored) => {
                if state.lineage.is_empty() {
                    state.lineage = stored.lineage.clone();
                }
                if state.lineage != stored.lineage {
                    return Err(Error::LineageMismatch {
                        path: self.path.clone(),
                        stored: stored.lineage.clone(),
                        writing: state.lineage.clone(),
                    });
                }
                // Serialised once, with the serial it gets if it changed; compared with the
                // stored text past the header.
                state.serial = stored.serial + 1;
                let text = write_state(state);
                if content_part(text.as_bytes()) == content_part(&stored.text) {
                    state.serial = stored.serial;
                    return Ok(false);
                }
                self.persist(state, Some(text))?;
            }
        }
        Ok(true)
    }

    /// Writes `state` with exactly its serial and lineage (`state push`, migration).
    ///
    /// Unless `force`, refuses a different lineage ([`Error::LineageMismatch`]) and a serial
    /// lower than the stored one ([`Error::SerialRegression`]), as Terraform's `state push` does.
    pub fn push(&mut self, state: &StateFile, force: bool) -> Result<()> {
        self.ensure_baseline()?;
        if let (Some(stored), false) = (&self.baseline, force) {
            if stored.lineage != state.lineage {
                return Err(Error::LineageMismatch {
                    path: self.path.clone(),
                    stored: stored.lineage.clone(),
                    writing: state.lineage.clone(),
                });
            }
            if state.serial < stored.serial {
                return Err(Error::SerialRegression {
                    path: self.path.clone(),
                    stored: stored.serial,
                    writing: state.serial,
                });
            }
        }
        let mut state = state.clone();
        if state.lineage.is_empty() {
            state.lineage = new_lineage();
        }
        self.persist(&state, None)
    }

    /// Writes `state`; `text` is its serialisation when the caller already made it.
    fn persist(&mut self, state: &StateFile, text: Option<String>) -> Result<()> {
        let text = text.unwrap_or_else(|| write_state(state));
        if !self.backup_written {
            if let Some(backup) = &self.backup_path {
                // The bytes as they are on disk (possibly encrypted), not a re-serialisation: the
                // backup is exactly what was there.
                if let Some(previous) = read_if_exists(&self.path)? {
                    if !previous.is_empty() {
                        // A plaintext state being encrypted for the first time must not leave a
                        // plaintext backup.
                        let previous = crate::crypto::encode_for_write(self.encryption.as_deref(), &previous)?;
                        atomic_write(backup, &previous)?;
                    }
                }
            }
            self.backup_written = true;
        }
        let bytes = self.encode(text.as_bytes())?;
        atomic_write(&self.path, &bytes)?;
        self.baseline = Some(Baseline { lineage: state.lineage.clone(), serial: state.serial, text: text.into_bytes() });
        self.baseline_loaded = true;
        if self.history_keep > 0 {
            self.save_history(state.serial, &bytes)?;
        }
        Ok(())
    }

    fn save_history(&self, serial: u64, bytes: &[u8]) -> Result<()> {
        let dir = self.history_dir();
        ensure_dir(&dir)?;
        let target = dir.join(format!("{serial:020}.tfstate"));
        // The snapshot just written has exactly these bytes: a hard link keeps them without
        // writing the state a second time (the next snapshot replaces the file by rename, so the
        // linked inode never changes). Where links are impossible, a copy is written.
        let _ = fs::remove_file(&target);
        if fs::hard_link(&self.path, &target).is_err() {
            atomic_write(&target, bytes)?;
        }
        // Pruning needs only the serials in the names, not the snapshots' contents.
        let mut serials = history_serials(&dir)?;
        serials.sort_unstable();
        if serials.len() > self.history_keep {
            for old in &serials[..serials.len() - self.history_keep] {
                let path = dir.join(format!("{old:020}.tfstate"));
                fs::remove_file(&path).map_err(|e| Error::io("removing old history snapshot", &path, e))?;
            }
        }
        Ok(())
    }

    /// The kept snapshots, oldest first. Entries that cannot be read are skipped.
    ///
    /// Reads every kept snapshot (for its lineage); pruning uses the names alone.
    pub fn history(&self) -> Result<Vec<HistoryEntry>> {
        let dir = self.history_dir();
        let read = match fs::read_dir(&dir) {
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io("listing history directory", &dir, e)),
        };
        let mut out = Vec::new();
        for entry in read {
            let entry = entry.map_err(|e| Error::io("listing history directory", &dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(serial) = name.strip_suffix(".tfstate").and_then(|s| s.parse::<u64>().ok()) else {
                continue;
            };
            let path = entry.path();
            let lineage = match self.read_path(&path) {
                Ok(Some(state)) => state.lineage,
                _ => continue,
            };
            out.push(HistoryEntry { serial, lineage, path });
        }
        out.sort_by_key(|e| e.serial);
        Ok(out)
    }

    /// Reads the kept snapshot with the given serial.
    pub fn history_snapshot(&self, serial: u64) -> Result<StateFile> {
        let path = self.history_dir().join(format!("{serial:020}.tfstate"));
        match self.read_path(&path)? {
            Some(state) => Ok(state),
            None => Err(Error::NoSuchSerial(serial)),
        }
    }
}

/// The serials of the snapshots in a history directory, from their names (`<serial>.tfstate`).
fn history_serials(dir: &Path) -> Result<Vec<u64>> {
    let read = match fs::read_dir(dir) {
        Ok(read) => read,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("listing history directory", dir, e)),
    };
    let mut out = Vec::new();
    for entry in read {
        let entry = entry.map_err(|e| Error::io("listing history directory", dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(serial) = name.strip_suffix(".tfstate").and_then(|s| s.parse::<u64>().ok()) {
            out.push(serial);
        }
    }
    Ok(out)
}
