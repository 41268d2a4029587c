//! What the remote backends (`pg`, `s3`) share: the serial/lineage rules, the journal-merge rule,
//! locking with a timeout, history and encryption, written once over a small storage interface
//! ([`RemoteWorkspace`]) that each backend implements for one workspace.
//!
//! A backend provides raw operations — get/put the snapshot bytes, list/append/reset journal
//! frames, try a lock, keep history blobs — and [`RemoteStore`] turns them into a
//! [`StateStore`] that keeps the contracts of [`crate::backend`]:
//!
//! - serial and lineage are decided exactly as [`crate::LocalStateFile::write`] decides them;
//! - a snapshot write outside compaction is refused while the journal holds merged-able records,
//!   and resets the journal (to `Begin` at the new serial plus pending intents) *with* the
//!   snapshot: [`RemoteWorkspace::put_state`] takes the new journal so that a transactional
//!   store (pg) does both in one transaction; a store without transactions (s3) writes the
//!   snapshot first, which is crash-safe for the reason given in [`crate::journal`];
//! - compaction excludes concurrent appends (one mutex per open journal).
//!
//! Journal records are the local journal's frames ([`encode_frame`]): length, CRC-32, payload
//! (encrypted when configured). A remote journal is the sequence of frames the backend returns in
//! order; it is parsed as a local journal file would be, so replay rules are identical.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::backend::StateStore;
use crate::crypto::Encryption;
use crate::error::{Error, Result};
use crate::format::{read_state, write_state};
use crate::journal::{encode_frame, parse_journal, replay, Intent, Journal, JournalContents, Record, Replay, JOURNAL_MAGIC};
use crate::local::HistoryEntry;
use crate::lock::LockInfo;
use crate::model::{new_lineage, StateFile};

/// A `backend` block's attribute values that cannot be used: a required one missing, one of the
/// wrong type, or a conflicting pair. The message names the attribute, as Terraform's do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BackendConfigError(pub String);

/// Reads typed attributes out of a `backend` block's values (cty JSON), with Terraform's
/// "attribute, then environment variable, then default" order.
pub(crate) struct Attrs<'a> {
    pub(crate) backend: &'static str,
    pub(crate) attrs: &'a BTreeMap<String, Value>,
}

impl Attrs<'_> {
    fn bad_type(&self, name: &str, want: &str) -> BackendConfigError {
        BackendConfigError(format!(
            "Invalid {} backend configuration: the attribute \"{name}\" must be {want}.",
            self.backend
        ))
    }

    /// A string attribute; `null` counts as unset.
    pub(crate) fn string(&self, name: &str) -> std::result::Result<Option<String>, BackendConfigError> {
        match self.attrs.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.bad_type(name, "a string")),
        }
    }

    /// A string attribute, else the first non-empty environment variable among `env`.
    pub(crate) fn string_env(&self, name: &str, env: &[&str]) -> std::result::Result<Option<String>, BackendConfigError> {
        if let Some(s) = self.string(name)? {
            return Ok(Some(s));
        }
        Ok(env.iter().find_map(|var| std::env::var(var).ok().filter(|v| !v.is_empty())))
    }

    /// A bool attribute (`"true"`/`"false"` strings are accepted, as cty converts them), else
    /// an environment variable holding one.
    pub(crate) fn bool_env(&self, name: &str, env: &[&str]) -> std::result::Result<Option<bool>, BackendConfigError> {
        let parse = |s: &str| match s {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        };
        match self.attrs.get(name) {
            None | Some(Value::Null) => {}
            Some(Value::Bool(b)) => return Ok(Some(*b)),
            Some(Value::String(s)) => return parse(s).map(Some).ok_or_else(|| self.bad_type(name, "a bool")),
            Some(_) => return Err(self.bad_type(name, "a bool")),
        }
        Ok(env.iter().find_map(|var| std::env::var(var).ok().and_then(|v| parse(&v))))
    }

    /// A map-of-strings attribute (an object in cty JSON).
    pub(crate) fn string_map(&self, name: &str) -> std::result::Result<BTreeMap<String, String>, BackendConfigError> {
        match self.attrs.get(name) {
            None | Some(Value::Null) => Ok(BTreeMap::new()),
            Some(Value::Object(map)) => map
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| match v {
                    Value::String(s) => Ok((k.clone(), s.clone())),
                    _ => Err(self.bad_type(&format!("{name}.{k}"), "a string")),
                })
                .collect(),
            Some(_) => Err(self.bad_type(name, "an object")),
        }
    }

    /// Refuses attributes this backend does not know (Terraform: "Unsupported argument").
    pub(crate) fn only(&self, known: &[&str]) -> std::result::Result<(), BackendConfigError> {
        match self.attrs.keys().find(|k| !known.contains(&k.as_str())) {
            Some(k) => Err(BackendConfigError(format!(
                "Unsupported argument: an argument named \"{k}\" is not expected in a {} backend block.",
                self.backend
            ))),
            None => Ok(()),
        }
    }
}

/// Runs blocking client code (which may drive its own tokio runtime) so that it also works when
/// called from inside an async task: there, starting a runtime would panic, so the call moves
/// to a short-lived thread while the caller's thread waits.
pub(crate) fn outside_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_ok() {
        std::thread::scope(|s| match s.spawn(f).join() {
            Ok(v) => v,
            Err(panic) => std::panic::resume_unwind(panic),
        })
    } else {
        f()
    }
}

/// An error of a remote store, as [`Error::Io`]: `"<action> <location>: <cause>"`.
pub(crate) fn remote_error(action: &'static str, location: &str, cause: impl fmt::Display) -> Error {
    Error::Io { action, path: PathBuf::from(location), source: std::io::Error::other(cause.to_string()) }
}

/// The outcome of one attempt to take a lock.
#[derive(Debug)]
pub(crate) enum LockAttempt {
    /// The lock is ours.
    Acquired,
    /// Someone holds it; their info when it could be read.
    Busy(Option<LockInfo>),
}

/// The raw storage of one workspace of a remote backend.
pub(crate) trait RemoteWorkspace: Send + Sync + fmt::Debug {
    /// For messages: where the snapshot is.
    fn location(&self) -> String;
    /// For messages: where the journal is.
    fn journal_location(&self) -> String;
    /// For messages and [`LockInfo::path`]: what is locked.
    fn lock_location(&self) -> String;

    /// The stored snapshot bytes (possibly encrypted), `None` when there is none.
    fn get_state(&self) -> Result<Option<Vec<u8>>>;
    /// Stores snapshot bytes atomically. With `journal_reset`, also replaces the journal by
    /// these frames — in the same transaction when the storage has transactions, otherwise
    /// after the snapshot (a crash between leaves the old journal, which replays harmlessly).
    fn put_state(&self, bytes: &[u8], journal_reset: Option<&[Vec<u8>]>) -> Result<()>;

    /// The journal's frames in order (possibly several frames per element).
    fn read_journal(&self) -> Result<Vec<Vec<u8>>>;
    /// Appends one frame durably, in O(frame).
    fn append_journal(&self, frame: &[u8]) -> Result<()>;
    /// Replaces the whole journal by `frames`, atomically for readers.
    fn reset_journal(&self, frames: &[Vec<u8>]) -> Result<()>;

    /// One non-waiting attempt to take the lock, recording `info` as the holder.
    fn try_lock(&self, info: &LockInfo) -> Result<LockAttempt>;
    /// Releases the lock taken with `info`.
    fn unlock(&self, info: &LockInfo) -> Result<()>;
    /// Breaks a lock held by someone else, given its ID.
    fn force_unlock(&self, id: &str) -> Result<()>;

    /// Keeps a snapshot in history and drops all but the newest `keep`.
    fn put_history(&self, serial: u64, bytes: &[u8], keep: usize) -> Result<()>;
    /// Serials kept, any order.
    fn list_history(&self) -> Result<Vec<u64>>;
    /// A kept snapshot's bytes.
    fn get_history(&self, serial: u64) -> Result<Option<Vec<u8>>>;
    /// Where a history entry lives, for [`HistoryEntry::path`].
    fn history_location(&self, serial: u64) -> String;
}

fn parse_frames(frames: &[Vec<u8>], location: &str, enc: Option<&Encryption>) -> Result<JournalContents> {
    if frames.is_empty() {
        return Ok(JournalContents::default());
    }
    let mut bytes = JOURNAL_MAGIC.to_vec();
    for frame in frames {
        bytes.extend_from_slice(frame);
    }
    parse_journal(&bytes, Path::new(location), enc)
}

/// The frames of a fresh journal: `Begin` then the carried-over intents.
fn base_frames(lineage: &str, serial: u64, carry: &[Intent], enc: Option<&Encryption>) -> Result<Vec<Vec<u8>>> {
    let mut frames = vec![encode_frame(&Record::Begin { lineage: lineage.to_owned(), base_serial: serial }, enc)?];
    for intent in carry {
        frames.push(encode_frame(&Record::Intent(intent.clone()), enc)?);
    }
    Ok(frames)
}

fn pending_intents(contents: &JournalContents) -> Vec<Intent> {
    contents
        .records
        .iter()
        .filter_map(|r| match r {
            Record::Intent(i) => Some(i.clone()),
            _ => None,
        })
        .collect()
}

/// An open remote journal: appends go straight to the backend, one frame each.
#[derive(Debug)]
pub(crate) struct RemoteJournal<W: RemoteWorkspace> {
    ws: Arc<W>,
    /// The next intent id; the mutex also serialises appends against compaction.
    next_id: Mutex<u64>,
    encryption: Option<Arc<Encryption>>,
}

impl<W: RemoteWorkspace> RemoteJournal<W> {
    fn open(ws: Arc<W>, base: &StateFile, encryption: Option<Arc<Encryption>>) -> Result<Self> {
        let location = ws.journal_location();
        let contents = parse_frames(&ws.read_journal()?, &location, encryption.as_deref())?;
        if contents.records.is_empty() {
            ws.reset_journal(&base_frames(&base.lineage, base.serial, &[], encryption.as_deref())?)?;
        }
        let next_id = contents
            .records
            .iter()
            .filter_map(|r| match r {
                Record::Intent(i) => Some(i.id + 1),
                _ => None,
            })
            .max()
            .unwrap_or(1);
        Ok(RemoteJournal { ws, next_id: Mutex::new(next_id), encryption })
    }

    fn gate(&self) -> MutexGuard<'_, u64> {
        // Nothing a panic could interrupt leaves the counter inconsistent.
        self.next_id.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn read_locked(&self) -> Result<JournalContents> {
        parse_frames(&self.ws.read_journal()?, &self.ws.journal_location(), self.encryption.as_deref())
    }
}

impl<W: RemoteWorkspace> Journal for RemoteJournal<W> {
    fn append(&self, record: &Record) -> Result<()> {
        let frame = encode_frame(record, self.encryption.as_deref())?;
        let _gate = self.gate();
        self.ws.append_journal(&frame)
    }

    fn record_intent(&self, mut intent: Intent) -> Result<u64> {
        let mut next = self.gate();
        intent.id = *next;
        if intent.at.is_empty() {
            intent.at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        }
        let frame = encode_frame(&Record::Intent(intent.clone()), self.encryption.as_deref())?;
        self.ws.append_journal(&frame)?;
        *next += 1;
        Ok(intent.id)
    }

    fn contents(&self) -> Result<JournalContents> {
        let _gate = self.gate();
        self.read_locked()
    }

    fn compact(
        &self,
        snapshot: Option<StateFile>,
        persist: &mut dyn FnMut(&mut StateFile) -> Result<()>,
    ) -> Result<Replay> {
        let _gate = self.gate();
        let contents = self.read_locked()?;
        let mut replayed = replay(snapshot, &contents, Path::new(&self.ws.journal_location()))?;
        persist(&mut replayed.state)?;
        let frames =
            base_frames(&replayed.state.lineage, replayed.state.serial, &replayed.pending, self.encryption.as_deref())?;
        self.ws.reset_journal(&frames)?;
        replayed.torn_tail_bytes = 0;
        Ok(replayed)
    }
}

/// A [`StateStore`] over a [`RemoteWorkspace`].
#[derive(Debug)]
pub(crate) struct RemoteStore<W: RemoteWorkspace> {
    ws: Arc<W>,
    /// The last snapshot read or written (the serial/lineage decisions compare against it).
    baseline: Option<StateFile>,
    baseline_loaded: bool,
    held: Option<LockInfo>,
    journal: Option<Arc<RemoteJournal<W>>>,
    encryption: Option<Arc<Encryption>>,
    history_keep: usize,
}

impl<W: RemoteWorkspace + 'static> RemoteStore<W> {
    pub(crate) fn new(ws: W, history_keep: usize, encryption: Option<Arc<Encryption>>) -> Self {
        RemoteStore {
            ws: Arc::new(ws),
            baseline: None,
            baseline_loaded: false,
            held: None,
            journal: None,
            encryption,
            history_keep,
        }
    }

    fn decode_state(&self, what: &str, bytes: Vec<u8>) -> Result<Option<StateFile>> {
        let plain = crate::crypto::decode_for_read(self.encryption.as_deref(), Path::new(what), bytes)?;
        read_state(&plain).map_err(|source| Error::Read { path: PathBuf::from(what), source })
    }

    fn ensure_baseline(&mut self) -> Result<()> {
        if !self.baseline_loaded {
            self.read_snapshot()?;
        }
        Ok(())
    }

    fn journal_contents(&self) -> Result<JournalContents> {
        match &self.journal {
            Some(journal) => journal.contents(),
            None => parse_frames(&self.ws.read_journal()?, &self.ws.journal_location(), self.encryption.as_deref()),
        }
    }

    /// The journal rule of `write_snapshot`/`push_snapshot`: nothing but `Begin` and intents.
    fn check_journal_merged(&self) -> Result<JournalContents> {
        let contents = self.journal_contents()?;
        if contents.records.iter().any(|r| !matches!(r, Record::Begin { .. } | Record::Intent(_))) {
            return Err(Error::JournalNotCompacted(self.ws.location()));
        }
        Ok(contents)
    }

    /// Serial/lineage decision of [`crate::LocalStateFile::write`]; `false` = unchanged, skip.
    fn decide(&mut self, state: &mut StateFile) -> Result<bool> {
        self.ensure_baseline()?;
        state.terraform_version = crate::model::TERRAFORM_VERSION.to_owned();
        match &self.baseline {
            None => {
                if state.lineage.is_empty() {
                    state.lineage = new_lineage();
                }
                state.serial += 1;
            }
            Some(stored) => {
                if state.lineage.is_empty() {
                    state.lineage = stored.lineage.clone();
                }
                if state.lineage != stored.lineage {
                    return Err(Error::LineageMismatch {
                        path: PathBuf::from(self.ws.location()),
                        stored: stored.lineage.clone(),
                        writing: state.lineage.clone(),
                    });
                }
                if state.same_content(stored) {
                    state.serial = stored.serial;
                    return Ok(false);
                }
                state.serial = stored.serial + 1;
            }
        }
        Ok(true)
    }

    /// Stores `state` as decided, resetting the journal to carry `carry` when given.
    fn persist(&mut self, state: &StateFile, carry: Option<&[Intent]>) -> Result<()> {
        let bytes = crate::crypto::encode_for_write(self.encryption.as_deref(), write_state(state).as_bytes())?;
        let frames = match carry {
            Some(carry) => Some(base_frames(&state.lineage, state.serial, carry, self.encryption.as_deref())?),
            None => None,
        };
        self.ws.put_state(&bytes, frames.as_deref())?;
        self.baseline = Some(state.clone());
        self.baseline_loaded = true;
        if self.history_keep > 0 {
            self.ws.put_history(state.serial, &bytes, self.history_keep)?;
        }
        Ok(())
    }

    /// Whether `contents` is already exactly the journal a reset to (`lineage`, `serial`,
    /// pending intents) would write, so that resetting can be skipped.
    fn journal_is_reset(contents: &JournalContents, lineage: &str, serial: u64) -> bool {
        match contents.records.first() {
            Some(Record::Begin { lineage: l, base_serial }) => {
                l == lineage
                    && *base_serial == serial
                    && contents.records[1..].iter().all(|r| matches!(r, Record::Intent(_)))
            }
            _ => false,
        }
    }

    /// Write + journal reset for `write_snapshot`/`push_snapshot` and transactional compaction.
    /// `pending` are the intents to carry over: all of the journal's intents when it holds no
    /// outcome (the `write_snapshot` rule), the replay's pending ones when compacting.
    fn write_with_journal(
        &mut self,
        state: &mut StateFile,
        contents: &JournalContents,
        pending: &[Intent],
        decide: bool,
    ) -> Result<bool> {
        let changed = if decide { self.decide(state)? } else { true };
        let needs_reset = !contents.records.is_empty() && !Self::journal_is_reset(contents, &state.lineage, state.serial);
        if changed {
            self.persist(state, needs_reset.then_some(pending))?;
        } else if needs_reset {
            self.ws.reset_journal(&base_frames(&state.lineage, state.serial, pending, self.encryption.as_deref())?)?;
        }
        Ok(changed)
    }

    fn default_compact(&mut self, journal: &dyn Journal) -> Result<Replay> {
        let snapshot = self.read_snapshot()?;
        journal.compact(snapshot, &mut |state| self.write_compacted(state).map(|_| ()))
    }
}

impl<W: RemoteWorkspace> Drop for RemoteStore<W> {
    fn drop(&mut self) {
        // A lock must not outlive its holder: release it when the store goes away.
        if let Some(info) = self.held.take() {
            let _ = self.ws.unlock(&info);
        }
    }
}

impl<W: RemoteWorkspace + 'static> StateStore for RemoteStore<W> {
    fn location(&self) -> String {
        self.ws.location()
    }

    fn journal_location(&self) -> String {
        self.ws.journal_location()
    }

    fn lock(&mut self, mut info: LockInfo, timeout: Duration) -> Result<LockInfo> {
        if let Some(held) = &self.held {
            return Ok(held.clone());
        }
        if info.path.is_empty() {
            info.path = self.ws.lock_location();
        }
        let deadline = Instant::now() + timeout;
        let mut delay = Duration::from_millis(50);
        loop {
            match self.ws.try_lock(&info)? {
                LockAttempt::Acquired => {
                    self.held = Some(info.clone());
                    return Ok(info);
                }
                LockAttempt::Busy(holder) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return Err(Error::Locked {
                            lock_path: PathBuf::from(self.ws.lock_location()),
                            holder: holder.map(Box::new),
                        });
                    }
                    std::thread::sleep(delay.min(deadline - now));
                    delay = (delay * 2).min(Duration::from_millis(1000));
                }
            }
        }
    }

    fn unlock(&mut self) -> Result<()> {
        match self.held.take() {
            Some(info) => self.ws.unlock(&info),
            None => Ok(()),
        }
    }

    fn force_unlock(&self, id: &str) -> Result<()> {
        self.ws.force_unlock(id)
    }

    fn read_snapshot(&mut self) -> Result<Option<StateFile>> {
        let state = match self.ws.get_state()? {
            Some(bytes) if !bytes.is_empty() => self.decode_state(&self.ws.location(), bytes)?,
            _ => None,
        };
        self.baseline = state.clone();
        self.baseline_loaded = true;
        Ok(state)
    }

    fn write_snapshot(&mut self, state: &mut StateFile) -> Result<bool> {
        let contents = self.check_journal_merged()?;
        self.write_with_journal(state, &contents, &pending_intents(&contents), true)
    }

    /// `state push`: Terraform's `CheckValidImport` — unless `force`, refuses another lineage
    /// and an older serial, except over an empty stored state (a fresh workspace's placeholder),
    /// which may always be replaced.
    fn push_snapshot(&mut self, state: &StateFile, force: bool) -> Result<()> {
        let contents = self.check_journal_merged()?;
        self.ensure_baseline()?;
        if let (Some(stored), false) = (&self.baseline, force) {
            let stored_empty = stored.resources.is_empty() && stored.outputs.is_empty();
            if !stored_empty {
                if stored.lineage != state.lineage {
                    return Err(Error::LineageMismatch {
                        path: PathBuf::from(self.ws.location()),
                        stored: stored.lineage.clone(),
                        writing: state.lineage.clone(),
                    });
                }
                if state.serial < stored.serial {
                    return Err(Error::SerialRegression {
                        path: PathBuf::from(self.ws.location()),
                        stored: stored.serial,
                        writing: state.serial,
                    });
                }
            }
        }
        let mut state = state.clone();
        if state.lineage.is_empty() {
            state.lineage = new_lineage();
        }
        self.write_with_journal(&mut state, &contents, &pending_intents(&contents), false).map(|_| ())
    }

    fn read_journal(&self) -> Result<JournalContents> {
        self.journal_contents()
    }

    fn open_journal(&mut self, base: &StateFile) -> Result<Arc<dyn Journal>> {
        if let Some(journal) = &self.journal {
            return Ok(journal.clone());
        }
        let journal = Arc::new(RemoteJournal::open(self.ws.clone(), base, self.encryption.clone())?);
        self.journal = Some(journal.clone());
        Ok(journal)
    }

    fn history(&self) -> Result<Vec<HistoryEntry>> {
        let mut serials = self.ws.list_history()?;
        serials.sort_unstable();
        let mut out = Vec::new();
        for serial in serials {
            let location = self.ws.history_location(serial);
            let Some(bytes) = self.ws.get_history(serial)? else { continue };
            // Entries that cannot be read are skipped, as the local history does.
            let Ok(Some(state)) = self.decode_state(&location, bytes) else { continue };
            out.push(HistoryEntry { serial, lineage: state.lineage, path: PathBuf::from(location) });
        }
        Ok(out)
    }

    fn history_snapshot(&self, serial: u64) -> Result<StateFile> {
        match self.ws.get_history(serial)? {
            Some(bytes) => {
                self.decode_state(&self.ws.history_location(serial), bytes)?.ok_or(Error::NoSuchSerial(serial))
            }
            None => Err(Error::NoSuchSerial(serial)),
        }
    }

    /// Compaction of this store's own journal in one step: replay, decide the serial, then write
    /// the snapshot and reset the journal together ([`RemoteWorkspace::put_state`] with the new
    /// journal: one transaction on pg), holding the journal's append mutex throughout.
    fn compact(&mut self, journal: &dyn Journal) -> Result<Replay> {
        let own = match &self.journal {
            Some(own) if std::ptr::addr_eq(Arc::as_ptr(own), journal as *const dyn Journal) => own.clone(),
            _ => return self.default_compact(journal),
        };
        let _gate = own.gate();
        let snapshot = self.read_snapshot()?;
        let contents = own.read_locked()?;
        let mut replayed = replay(snapshot, &contents, Path::new(&self.ws.journal_location()))?;
        let pending = replayed.pending.clone();
        self.write_with_journal(&mut replayed.state, &contents, &pending, true)?;
        replayed.torn_tail_bytes = 0;
        Ok(replayed)
    }

    fn write_compacted(&mut self, state: &mut StateFile) -> Result<bool> {
        if !self.decide(state)? {
            return Ok(false);
        }
        self.persist(state, None)?;
        Ok(true)
    }
}

/// Creates a workspace's placeholder state (an empty state of a new lineage, serial 1) as
/// Terraform's remote backends do, so that the workspace is listed. Returns the bytes to store.
pub(crate) fn placeholder_state(encryption: Option<&Encryption>) -> Result<Vec<u8>> {
    let mut state = StateFile::new();
    state.serial = 1;
    crate::crypto::encode_for_write(encryption, write_state(&state).as_bytes())
}
