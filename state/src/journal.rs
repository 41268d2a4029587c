//! The apply journal: every resource operation recorded durably before apply moves on.
//!
//! Terraform persists the whole state at most every 20 seconds during apply, so a crash can lose
//! the record of objects it just created (orphans). `infra` instead appends two small records per
//! provider call to a journal beside the snapshot:
//!
//! 1. an **intent** ([`Intent`]) *before* the call: the object's address, the action, an
//!    idempotency token the provider can attach to what it creates (a client token, a tag), and
//!    the planned attributes — enough to find the object again if we die during the call;
//! 2. an **outcome** ([`Outcome`]) *after* it: the objects' new states (or their removal), with
//!    sensitive paths, dependencies and status, exactly as they go into the snapshot.
//!
//! Each append is O(size of that record) and durable (`write` + `fdatasync`) before it returns.
//! Replaying = snapshot + outcomes and changes applied in order ([`replay`]); intents without an
//! outcome are **pending**: the object may or may not exist, and the next run asks the provider
//! (by token) and adopts or forgets it. Periodically, and at the end of a run, the journal is
//! **compacted** into the snapshot.
//!
//! ## Reconciling pending intents
//!
//! After a crash, [`Replay::pending`] lists the intents without outcome. The engine asks the
//! provider about each (by `token` and `planned`), then records an [`Outcome`] for that same
//! intent id: with the adopted object in `changes`, or with no changes if nothing was created.
//! Until it does, compaction carries the intent over and `state list` shows the instance as
//! unconfirmed. Intent ids keep increasing across runs.
//!
//! ## File format (`terraform.tfstate.journal`)
//!
//! The 8-byte magic `INFRAJ1\n`, then frames `[len: u32 LE][crc32(payload): u32 LE][payload]`
//! where the payload is one [`Record`] as compact JSON. The first record is always
//! [`Record::Begin`], naming the lineage and serial of the snapshot the journal applies on top
//! of. A crash mid-append leaves a torn final frame (short, or with a bad checksum); readers
//! detect and ignore it ([`JournalContents::torn_tail_bytes`]), and the next writer truncates it
//! before appending. A bad frame *followed by valid frames* cannot come from a crash and is
//! reported as corruption ([`Error::Journal`]) rather than silently dropping later records.
//!
//! ## Crash-safe compaction
//!
//! Compaction writes the merged snapshot (atomic rename), *then* replaces the journal with one
//! whose `Begin` names the new serial and which carries over the still-pending intents. A crash
//! between the two leaves the old journal beside the new snapshot; replaying it again is harmless
//! because outcomes are absolute (they set or remove whole objects), so applying them twice gives
//! the same state. The `Begin` lineage/serial detect a journal that belongs to another state or
//! to a snapshot that was rolled back, which are errors.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::crypto::Encryption;
use crate::error::{Error, Result};
use crate::fsutil::{atomic_write, read_if_exists, STATE_FILE_MODE};
use crate::gojson;
use crate::model::{InstanceKey, InstanceState, OutputState, ResourceMode, ResourceState, StateFile};

/// The first bytes of every journal file.
pub const JOURNAL_MAGIC: &[u8; 8] = b"INFRAJ1\n";

/// Frames larger than this are treated as corrupt (a torn length field could claim gigabytes).
const MAX_FRAME: u32 = 256 * 1024 * 1024;

/// The address of one object in state: a resource instance's current object, or a deposed one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ObjectAddr {
    /// Module instance address (`module.a["x"]`), `None` for the root module.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// Managed or data.
    pub mode: ResourceMode,
    /// Resource type.
    #[serde(rename = "type")]
    pub type_: String,
    /// Resource name.
    pub name: String,
    /// Instance key, if the resource uses `count` or `for_each`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_key: Option<InstanceKey>,
    /// Deposed key, for a deposed object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposed: Option<String>,
}

impl ObjectAddr {
    /// The address of the current object of a resource instance.
    pub fn instance(module: Option<&str>, mode: ResourceMode, type_: &str, name: &str, index_key: Option<InstanceKey>) -> Self {
        ObjectAddr {
            module: module.map(str::to_owned),
            mode,
            type_: type_.to_owned(),
            name: name.to_owned(),
            index_key,
            deposed: None,
        }
    }

    /// The instance address without the deposed key, e.g. `module.m.aws_instance.web[0]`.
    pub fn instance_address(&self) -> String {
        let mut out = String::new();
        if let Some(module) = &self.module {
            out.push_str(module);
            out.push('.');
        }
        if self.mode == ResourceMode::Data {
            out.push_str("data.");
        }
        out.push_str(&self.type_);
        out.push('.');
        out.push_str(&self.name);
        if let Some(key) = &self.index_key {
            out.push_str(&key.to_string());
        }
        out
    }
}

impl fmt::Display for ObjectAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.instance_address())?;
        if let Some(deposed) = &self.deposed {
            write!(f, " (deposed object {deposed})")?;
        }
        Ok(())
    }
}

/// Recorded before a provider call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Intent {
    /// Unique within the journal; assigned by [`LocalJournal::record_intent`].
    pub id: u64,
    /// The object the call acts on.
    pub addr: ObjectAddr,
    /// What is being done, for humans and for reconciliation: `create`, `update`, `delete`,
    /// `replace`, `read`… (free text; this crate does not interpret it).
    pub action: String,
    /// An idempotency token given to the provider, so that the object can be found after a crash.
    pub token: String,
    /// The provider configuration address that will own the object.
    pub provider: String,
    /// The planned new attributes (the engine's encoding; may mark unknowns), or prior
    /// attributes for a delete: whatever reconciliation needs to find the object.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub planned: Value,
    /// When the intent was recorded (RFC 3339, UTC).
    #[serde(default)]
    pub at: String,
}

/// One object's new state (or removal), as it goes into the snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectChange {
    /// The object.
    pub addr: ObjectAddr,
    /// Provider configuration address, recorded on the resource when the object is set.
    #[serde(default)]
    pub provider: String,
    /// The new object (its `index_key` and `deposed` are taken from `addr`), or `None` when the
    /// object no longer exists.
    pub object: Option<InstanceState>,
}

/// Recorded after a provider call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The intent this completes.
    pub intent: u64,
    /// What changed in state (usually one entry; a create-before-destroy step may move an object
    /// to a deposed key and set a new current one). Empty when the call failed without effect.
    #[serde(default)]
    pub changes: Vec<ObjectChange>,
    /// The provider's error, if the call failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One journal record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    /// First record: the snapshot this journal applies on top of.
    Begin {
        /// Lineage of that snapshot.
        lineage: String,
        /// Its serial.
        base_serial: u64,
    },
    /// Before a provider call.
    Intent(Intent),
    /// After a provider call.
    Outcome(Outcome),
    /// A state change not tied to a provider call (data source read, `state rm`, refresh).
    Change(ObjectChange),
    /// A root output set (`Some`) or removed (`None`).
    Output {
        /// Output name.
        name: String,
        /// New value.
        value: Option<OutputState>,
    },
}

/// What was read from a journal.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JournalContents {
    /// Valid records, in order (the first is `Begin` when non-empty).
    pub records: Vec<Record>,
    /// Bytes of a torn final frame that were ignored (0 when the file ended cleanly).
    pub torn_tail_bytes: u64,
    /// Length of the valid prefix (where the next record goes).
    pub valid_len: u64,
}

/// The state as it is after the journal: snapshot + recorded changes, and what is unconfirmed.
#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    /// The merged state: the snapshot's serial and lineage, every outcome, change and output
    /// applied in order.
    pub state: StateFile,
    /// Intents with no outcome, in order: operations that were in flight when the journal was
    /// last written. Their objects may or may not exist.
    pub pending: Vec<Intent>,
    /// Intents whose outcome reported an error, with it.
    pub failed: Vec<(Intent, String)>,
    /// Number of outcome/change/output records applied.
    pub applied: usize,
    /// Bytes of a torn tail that were ignored.
    pub torn_tail_bytes: u64,
}

/// A line of `state list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntry {
    /// Instance address.
    pub address: String,
    /// `Some(action)` when an operation on this instance was in flight and not confirmed.
    pub unconfirmed: Option<String>,
}

impl Replay {
    /// Every resource instance (current objects) of the merged state, then any instance that only
    /// a pending intent mentions; instances touched by a pending intent are marked unconfirmed.
    pub fn list(&self) -> Vec<ListEntry> {
        let pending: BTreeMap<String, &str> =
            self.pending.iter().map(|i| (i.addr.instance_address(), i.action.as_str())).collect();
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for (resource, instance) in self.state.instances() {
            if instance.deposed.is_some() {
                continue;
            }
            let address = resource.instance_address(instance.index_key.as_ref());
            if !seen.insert(address.clone()) {
                continue;
            }
            let unconfirmed = pending.get(&address).map(|a| (*a).to_owned());
            out.push(ListEntry { address, unconfirmed });
        }
        for intent in &self.pending {
            let address = intent.addr.instance_address();
            if seen.insert(address.clone()) {
                out.push(ListEntry { address, unconfirmed: Some(intent.action.clone()) });
            }
        }
        out
    }
}

/// Applies journal records to a snapshot.
///
/// `snapshot` is the stored snapshot (`None` when none exists yet). Errors when the journal's
/// `Begin` names another lineage, or a serial newer than the snapshot's (the snapshot was rolled
/// back: applying the journal could resurrect or lose objects, so a human must decide).
pub fn replay(snapshot: Option<StateFile>, contents: &JournalContents, journal_path: &Path) -> Result<Replay> {
    replay_records(snapshot, &contents.records, contents.torn_tail_bytes, journal_path)
}

/// [`replay`] over records already in memory (an open [`LocalJournal`] keeps its own).
fn replay_records(
    snapshot: Option<StateFile>,
    records: &[Record],
    torn_tail_bytes: u64,
    journal_path: &Path,
) -> Result<Replay> {
    let mut records = records.iter();
    // Only the snapshot's lineage and serial are checked below: take it by value rather than
    // cloning a possibly large state.
    let base = snapshot.as_ref().map(|s| (s.lineage.clone(), s.serial));
    let mut state = snapshot.unwrap_or_default();
    match records.next() {
        None => {
            return Ok(Replay {
                state,
                pending: Vec::new(),
                failed: Vec::new(),
                applied: 0,
                torn_tail_bytes,
            })
        }
        Some(Record::Begin { lineage, base_serial }) => {
            let (l, s) = check_base(base.as_ref().map(|(l, s)| (l.as_str(), *s)), (lineage, *base_serial), journal_path)?;
            if base.is_none() {
                state.lineage = l;
                state.serial = s;
            }
        }
        Some(_) => {
            return Err(Error::Journal {
                path: journal_path.to_path_buf(),
                reason: "its first record is not a Begin record".into(),
            })
        }
    }
    let mut intents: BTreeMap<u64, Intent> = BTreeMap::new();
    let mut failed = Vec::new();
    let mut applied = 0;
    let mut index = StateIndex::new(&state);
    for record in records {
        match record {
            Record::Begin { .. } => {
                return Err(Error::Journal {
                    path: journal_path.to_path_buf(),
                    reason: "it contains a second Begin record".into(),
                })
            }
            Record::Intent(intent) => {
                intents.insert(intent.id, intent.clone());
            }
            Record::Outcome(outcome) => {
                for change in &outcome.changes {
                    index.apply(&mut state, change);
                }
                let intent = intents.remove(&outcome.intent);
                if let (Some(intent), Some(error)) = (intent, &outcome.error) {
                    failed.push((intent, error.clone()));
                }
                applied += 1;
            }
            Record::Change(change) => {
                index.apply(&mut state, change);
                applied += 1;
            }
            Record::Output { name, value } => {
                match value {
                    Some(v) => state.outputs.insert(name.clone(), v.clone()),
                    None => state.outputs.remove(name),
                };
                applied += 1;
            }
        }
    }
    index.finish(&mut state);
    state.normalize();
    Ok(Replay {
        state,
        pending: intents.into_values().collect(),
        failed,
        applied,
        torn_tail_bytes,
    })
}

/// Checks that a journal starting with `Begin { lineage, base_serial }` applies to the snapshot
/// identified by `snapshot` (lineage, serial), and returns the identity the merged state takes:
/// the snapshot's, or the Begin record's when there is no snapshot yet.
fn check_base(snapshot: Option<(&str, u64)>, begin: (&str, u64), journal_path: &Path) -> Result<(String, u64)> {
    let (lineage, base_serial) = begin;
    match snapshot {
        None => Ok((lineage.to_owned(), base_serial)),
        Some((snap_lineage, snap_serial)) => {
            if snap_lineage != lineage {
                return Err(Error::Journal {
                    path: journal_path.to_path_buf(),
                    reason: format!("it belongs to state lineage \"{lineage}\" but the state has lineage \"{snap_lineage}\""),
                });
            }
            if snap_serial < base_serial {
                return Err(Error::Journal {
                    path: journal_path.to_path_buf(),
                    reason: format!(
                        "it applies on top of serial {base_serial} but the state snapshot has the older serial {snap_serial} (was the snapshot restored from a backup?)",
                    ),
                });
            }
            Ok((snap_lineage.to_owned(), snap_serial))
        }
    }
}

/// The intents of `records` that no outcome completes, in id order (as [`Replay::pending`]).
pub fn pending_intents(records: &[Record]) -> Vec<Intent> {
    let mut intents: BTreeMap<u64, &Intent> = BTreeMap::new();
    for record in records {
        match record {
            Record::Intent(intent) => {
                intents.insert(intent.id, intent);
            }
            Record::Outcome(outcome) => {
                intents.remove(&outcome.intent);
            }
            _ => {}
        }
    }
    intents.into_values().cloned().collect()
}

/// Applies records' object changes to a state in O(1) each: an index from resource address to
/// position, and from (resource, instance key, deposed key) to the object's position, replaces
/// the linear searches that made a replay of N records O(N²) (10 000 resources took seconds).
///
/// Removing an object swaps the last one into its place (order does not matter: the replayed
/// state is normalised); a resource whose last object is removed is pruned by
/// [`StateIndex::finish`] (Terraform prunes such husks at the end of an apply).
struct StateIndex {
    resources: HashMap<(Option<String>, ResourceMode, String, String), usize>,
    objects: HashMap<(usize, Option<InstanceKey>, Option<String>), usize>,
    emptied: Vec<usize>,
}

impl StateIndex {
    fn new(state: &StateFile) -> StateIndex {
        let mut index = StateIndex { resources: HashMap::new(), objects: HashMap::new(), emptied: Vec::new() };
        for (r, resource) in state.resources.iter().enumerate() {
            index.resources.insert((resource.module.clone(), resource.mode, resource.type_.clone(), resource.name.clone()), r);
            for (i, object) in resource.instances.iter().enumerate() {
                index.objects.insert((r, object.index_key.clone(), object.deposed.clone()), i);
            }
        }
        index
    }

    /// Sets or removes one object.
    fn apply(&mut self, state: &mut StateFile, change: &ObjectChange) {
        let addr = &change.addr;
        let key = (addr.module.clone(), addr.mode, addr.type_.clone(), addr.name.clone());
        let position = self.resources.get(&key).copied();
        match (&change.object, position) {
            (Some(object), Some(r)) => {
                let resource = &mut state.resources[r];
                if !change.provider.is_empty() {
                    resource.provider = change.provider.clone();
                }
                let mut object = object.clone();
                object.index_key = addr.index_key.clone();
                object.deposed = addr.deposed.clone();
                let object_key = (r, addr.index_key.clone(), addr.deposed.clone());
                match self.objects.get(&object_key) {
                    Some(&i) => resource.instances[i] = object,
                    None => {
                        self.objects.insert(object_key, resource.instances.len());
                        resource.instances.push(object);
                    }
                }
            }
            (Some(object), None) => {
                let mut object = object.clone();
                object.index_key = addr.index_key.clone();
                object.deposed = addr.deposed.clone();
                let r = state.resources.len();
                self.resources.insert(key, r);
                self.objects.insert((r, addr.index_key.clone(), addr.deposed.clone()), 0);
                state.resources.push(ResourceState {
                    module: addr.module.clone(),
                    mode: addr.mode,
                    type_: addr.type_.clone(),
                    name: addr.name.clone(),
                    each: None,
                    provider: change.provider.clone(),
                    instances: vec![object],
                });
            }
            (None, Some(r)) => {
                let object_key = (r, addr.index_key.clone(), addr.deposed.clone());
                let Some(i) = self.objects.remove(&object_key) else { return };
                let instances = &mut state.resources[r].instances;
                instances.swap_remove(i);
                if let Some(moved) = instances.get(i) {
                    self.objects.insert((r, moved.index_key.clone(), moved.deposed.clone()), i);
                }
                if instances.is_empty() {
                    self.emptied.push(r);
                }
            }
            (None, None) => {}
        }
    }

    /// Drops the resources whose last object a change removed (and no later change re-added).
    fn finish(self, state: &mut StateFile) {
        if self.emptied.is_empty() {
            return;
        }
        let emptied: HashSet<usize> = self.emptied.into_iter().collect();
        let mut r = 0;
        state.resources.retain(|resource| {
            let keep = !(resource.instances.is_empty() && emptied.contains(&r));
            r += 1;
            keep
        });
    }
}

/// CRC-32 (IEEE 802.3, as zlib and Go's `hash/crc32.ChecksumIEEE`).
pub fn crc32(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
                k += 1;
            }
            table[i] = c;
            i += 1;
        }
        table
    };
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc = TABLE[((crc ^ b as u32) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

/// Encodes one record as a frame, its payload encrypted when `enc` is given.
pub fn encode_frame(record: &Record, enc: Option<&Encryption>) -> Result<Vec<u8>> {
    let json = gojson::to_string_compact(&serde_json::to_value(record).unwrap_or(Value::Null));
    let payload = crate::crypto::encode_for_write(enc, json.as_bytes())?;
    let payload = payload.as_slice();
    let mut frame = Vec::with_capacity(payload.len() + 8);
    frame.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    frame.extend_from_slice(&crc32(payload).to_le_bytes());
    frame.extend_from_slice(payload);
    Ok(frame)
}

enum Frame {
    Ok(Box<Record>, usize),
    Bad,
}

/// A frame whose checksum fails is `Bad` (torn or damaged); one whose checksum holds but whose
/// payload cannot be decrypted or parsed is an error, since no crash produces that.
fn parse_frame(bytes: &[u8], enc: Option<&Encryption>, path: &Path) -> Result<Frame> {
    if bytes.len() < 8 {
        return Ok(Frame::Bad);
    }
    let len = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let crc = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
    if len > MAX_FRAME || bytes.len() < 8 + len as usize {
        return Ok(Frame::Bad);
    }
    let payload = &bytes[8..8 + len as usize];
    if crc32(payload) != crc {
        return Ok(Frame::Bad);
    }
    let plain = crate::crypto::decode_for_read(enc, path, payload.to_vec())?;
    match serde_json::from_slice::<Record>(&plain) {
        Ok(record) => Ok(Frame::Ok(Box::new(record), 8 + len as usize)),
        Err(e) => Err(Error::Journal { path: path.to_path_buf(), reason: format!("a record is not valid: {e}") }),
    }
}

/// Parses journal bytes. A torn final frame is ignored and reported; corruption followed by
/// valid frames, or a foreign file, is an error. Encrypted records need `enc`.
pub fn parse_journal(bytes: &[u8], path: &Path, enc: Option<&Encryption>) -> Result<JournalContents> {
    if bytes.is_empty() {
        return Ok(JournalContents::default());
    }
    if bytes.len() < JOURNAL_MAGIC.len() {
        if JOURNAL_MAGIC.starts_with(bytes) {
            // Torn while the file was being created.
            return Ok(JournalContents { records: Vec::new(), torn_tail_bytes: bytes.len() as u64, valid_len: 0 });
        }
        return Err(not_a_journal(path));
    }
    if &bytes[..JOURNAL_MAGIC.len()] != JOURNAL_MAGIC {
        return Err(not_a_journal(path));
    }
    let mut offset = JOURNAL_MAGIC.len();
    let mut records = Vec::new();
    while offset < bytes.len() {
        match parse_frame(&bytes[offset..], enc, path)? {
            Frame::Ok(record, used) => {
                records.push(*record);
                offset += used;
            }
            Frame::Bad => {
                // A crash can only tear the last frame. If a valid frame follows the bad one, the
                // file was damaged some other way: refuse rather than drop the records after it.
                let rest = &bytes[offset..];
                if rest.len() >= 8 {
                    let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
                    let next = 8usize.saturating_add(len);
                    if len as u32 <= MAX_FRAME && next < rest.len() {
                        if let Ok(Frame::Ok(..)) = parse_frame(&rest[next..], enc, path) {
                            return Err(Error::Journal {
                                path: path.to_path_buf(),
                                reason: format!("the record at byte {offset} is corrupt but later records are intact"),
                            });
                        }
                    }
                }
                return Ok(JournalContents {
                    records,
                    torn_tail_bytes: (bytes.len() - offset) as u64,
                    valid_len: offset as u64,
                });
            }
        }
    }
    Ok(JournalContents { records, torn_tail_bytes: 0, valid_len: offset as u64 })
}

fn not_a_journal(path: &Path) -> Error {
    Error::Journal { path: path.to_path_buf(), reason: "it is not an infra journal (bad magic bytes)".into() }
}

/// Reads a journal file without modifying it; a missing file is an empty journal.
pub fn read_journal(path: &Path) -> Result<JournalContents> {
    read_journal_with(path, None)
}

/// [`read_journal`] for a journal whose records may be encrypted.
pub fn read_journal_with(path: &Path, enc: Option<&Encryption>) -> Result<JournalContents> {
    match read_if_exists(path)? {
        Some(bytes) => parse_journal(&bytes, path, enc),
        None => Ok(JournalContents::default()),
    }
}

/// The journal path for a state file: `<state path>.journal` (e.g. `terraform.tfstate.journal`).
/// Named after the state file so that each workspace's state has its own, and so that it sorts
/// beside the state and its backup.
pub fn journal_path(state_path: &Path) -> PathBuf {
    let mut p = state_path.as_os_str().to_owned();
    p.push(".journal");
    PathBuf::from(p)
}

/// An open local journal, appended to by concurrent apply tasks (`&self` methods, internally
/// serialised). Hold the state lock while one is open.
#[derive(Debug)]
pub struct LocalJournal {
    path: PathBuf,
    inner: Mutex<Inner>,
    /// Group commit: the number of frames known durable. Appenders write their frame, then
    /// wait until a sync covers it; one `fdatasync` covers every frame written before it began,
    /// so concurrent appends share syncs instead of paying one each.
    synced: Mutex<u64>,
    encryption: Option<Arc<Encryption>>,
}

#[derive(Debug)]
struct Inner {
    file: File,
    next_id: u64,
    /// Frames written so far (monotonic).
    written: u64,
    /// The journal's `Begin` record: lineage and base serial (`None` if the file starts with
    /// another record, which compaction reports as corrupt).
    begin: Option<(String, u64)>,
    /// The intents of the file no outcome completes yet, by id: what compaction carries over.
    /// Only these are kept in memory — not outcomes and changes, whose objects are the bulk of
    /// an apply's memory; a compaction that replays objects re-reads the file, and one whose
    /// caller already holds every change ([`Journal::compact_superseded`]) needs none of them.
    pending: BTreeMap<u64, Intent>,
}

impl Inner {
    /// Notes a record just written.
    fn note(&mut self, record: &Record) {
        match record {
            Record::Begin { lineage, base_serial } => self.begin = Some((lineage.clone(), *base_serial)),
            Record::Intent(intent) => {
                self.pending.insert(intent.id, intent.clone());
            }
            Record::Outcome(outcome) => {
                self.pending.remove(&outcome.intent);
            }
            Record::Change(_) | Record::Output { .. } => {}
        }
    }
}

impl LocalJournal {
    /// Opens the journal at `path` for appending. An existing journal is kept (its torn tail, if
    /// any, is cut off so new records follow valid ones); a missing or empty one is started with
    /// `Begin { lineage, base_serial }`. Returns the journal and what it contained.
    pub fn open(path: &Path, lineage: &str, base_serial: u64) -> Result<(LocalJournal, JournalContents)> {
        LocalJournal::open_with(path, lineage, base_serial, None)
    }

    /// [`LocalJournal::open`] with every new record encrypted.
    pub fn open_with(
        path: &Path,
        lineage: &str,
        base_serial: u64,
        encryption: Option<Arc<Encryption>>,
    ) -> Result<(LocalJournal, JournalContents)> {
        let contents = read_journal_with(path, encryption.as_deref())?;
        let begin = match contents.records.first() {
            None => {
                let begin = Record::Begin { lineage: lineage.to_owned(), base_serial };
                let mut bytes = JOURNAL_MAGIC.to_vec();
                bytes.extend(encode_frame(&begin, encryption.as_deref())?);
                atomic_write(path, &bytes)?;
                Some((lineage.to_owned(), base_serial))
            }
            Some(Record::Begin { lineage, base_serial }) => Some((lineage.clone(), *base_serial)),
            Some(_) => None,
        };
        let pending = pending_intents(&contents.records).into_iter().map(|i| (i.id, i)).collect();
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .mode(STATE_FILE_MODE)
            .open(path)
            .map_err(|e| Error::io("opening journal", path, e))?;
        if contents.torn_tail_bytes > 0 && !contents.records.is_empty() {
            file.set_len(contents.valid_len).map_err(|e| Error::io("truncating torn journal tail", path, e))?;
            file.sync_data().map_err(|e| Error::io("syncing journal", path, e))?;
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
        let mut file = file;
        use std::io::Seek;
        file.seek(std::io::SeekFrom::End(0)).map_err(|e| Error::io("seeking journal", path, e))?;
        Ok((
            LocalJournal {
                path: path.to_path_buf(),
                inner: Mutex::new(Inner { file, next_id, written: 0, begin, pending }),
                synced: Mutex::new(0),
                encryption,
            },
            contents,
        ))
    }

    /// The journal's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while appending cannot leave `Inner` inconsistent (the file position is the
        // end either way), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Appends a record durably: it is on disk when this returns.
    pub fn append(&self, record: &Record) -> Result<()> {
        let seq = self.write_frame(record)?;
        self.sync_through(seq)
    }

    /// Writes a record's frame (no sync); returns its sequence number for [`Self::sync_through`].
    fn write_frame(&self, record: &Record) -> Result<u64> {
        let frame = encode_frame(record, self.encryption.as_deref())?;
        let mut inner = self.lock();
        inner.file.write_all(&frame).map_err(|e| Error::io("appending to journal", &self.path, e))?;
        inner.written += 1;
        inner.note(record);
        Ok(inner.written)
    }

    /// Returns once frame `seq` is durable (group commit, see [`LocalJournal::synced`]).
    fn sync_through(&self, seq: u64) -> Result<()> {
        let mut synced = self.synced.lock().unwrap_or_else(|p| p.into_inner());
        if *synced >= seq {
            return Ok(());
        }
        let (target, file) = {
            let inner = self.lock();
            let f = inner.file.try_clone().map_err(|e| Error::io("syncing journal", &self.path, e))?;
            (inner.written, f)
        };
        file.sync_data().map_err(|e| Error::io("syncing journal", &self.path, e))?;
        *synced = target;
        Ok(())
    }

    /// Records an intent, assigning its id (the `id` field of `intent` is ignored), durably.
    /// Returns the id to pass to [`LocalJournal::record_outcome`].
    pub fn record_intent(&self, intent: Intent) -> Result<u64> {
        let (id, seq) = self.write_intent(intent)?;
        self.sync_through(seq)?;
        Ok(id)
    }

    /// Writes an intent's frame with its new id (no sync); returns (id, sequence number).
    fn write_intent(&self, mut intent: Intent) -> Result<(u64, u64)> {
        let mut inner = self.lock();
        intent.id = inner.next_id;
        if intent.at.is_empty() {
            intent.at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        }
        let frame = encode_frame(&Record::Intent(intent.clone()), self.encryption.as_deref())?;
        inner.file.write_all(&frame).map_err(|e| Error::io("appending to journal", &self.path, e))?;
        inner.next_id += 1;
        inner.written += 1;
        let id = intent.id;
        inner.pending.insert(id, intent);
        Ok((id, inner.written))
    }

    /// Records the outcome of an intent, durably.
    pub fn record_outcome(&self, outcome: Outcome) -> Result<()> {
        self.append(&Record::Outcome(outcome))
    }

    /// Replaces the journal with `Begin { lineage, base_serial }` followed by `carry` (the
    /// still-pending intents), atomically. Called after the merged snapshot was written.
    pub fn reset(&self, lineage: &str, base_serial: u64, carry: &[Intent]) -> Result<()> {
        let mut inner = self.lock();
        self.rewrite(&mut inner, lineage, base_serial, carry)
    }

    fn rewrite(&self, inner: &mut Inner, lineage: &str, base_serial: u64, carry: &[Intent]) -> Result<()> {
        let enc = self.encryption.as_deref();
        let mut records = Vec::with_capacity(1 + carry.len());
        records.push(Record::Begin { lineage: lineage.to_owned(), base_serial });
        records.extend(carry.iter().cloned().map(Record::Intent));
        let mut bytes = JOURNAL_MAGIC.to_vec();
        for record in &records {
            bytes.extend(encode_frame(record, enc)?);
        }
        atomic_write(&self.path, &bytes)?;
        inner.begin = Some((lineage.to_owned(), base_serial));
        inner.pending = carry.iter().map(|i| (i.id, i.clone())).collect();
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&self.path)
            .map_err(|e| Error::io("opening journal", &self.path, e))?;
        use std::io::Seek;
        file.seek(std::io::SeekFrom::End(0)).map_err(|e| Error::io("seeking journal", &self.path, e))?;
        inner.file = file;
        Ok(())
    }

    /// Reads back what is in the journal now.
    pub fn contents(&self) -> Result<JournalContents> {
        let _guard = self.lock();
        read_journal_with(&self.path, self.encryption.as_deref())
    }

    /// The intents without an outcome now, in id order, from the records kept in memory (no
    /// file read): what [`LocalJournal::compact`] would carry over.
    pub fn pending(&self) -> Vec<Intent> {
        self.lock().pending.values().cloned().collect()
    }

    /// Merges the journal into a snapshot, atomically with respect to concurrent appends.
    ///
    /// Replays the journal onto `snapshot`, passes the merged state to `persist` (which writes
    /// it and sets its serial, e.g. [`crate::LocalStateFile::write`]), then resets the journal to
    /// `Begin` at the new serial followed by the still-pending intents. Returns the replay (with
    /// the persisted serial).
    ///
    /// The records replayed are read back from the file under the journal's lock (the file only
    /// changes through this journal while the state lock is held). The crash-safety order: the
    /// merged snapshot is persisted before the journal is replaced.
    pub fn compact(
        &self,
        snapshot: Option<StateFile>,
        persist: &mut dyn FnMut(&mut StateFile) -> Result<()>,
    ) -> Result<Replay> {
        let mut inner = self.lock();
        let contents = read_journal_with(&self.path, self.encryption.as_deref())?;
        let mut replayed = replay_records(snapshot, &contents.records, 0, &self.path)?;
        persist(&mut replayed.state)?;
        let (lineage, serial) = (replayed.state.lineage.clone(), replayed.state.serial);
        self.rewrite(&mut inner, &lineage, serial, &replayed.pending)?;
        replayed.torn_tail_bytes = 0;
        Ok(replayed)
    }

    /// See [`Journal::compact_superseded`]: nothing is read or replayed.
    pub fn compact_superseded(
        &self,
        snapshot: Option<(String, u64)>,
        state: &mut StateFile,
        persist: &mut dyn FnMut(&mut StateFile) -> Result<()>,
    ) -> Result<()> {
        let mut inner = self.lock();
        let Some(begin) = inner.begin.clone() else {
            return Err(Error::Journal { path: self.path.clone(), reason: "its first record is not a Begin record".into() });
        };
        let (lineage, serial) = check_base(snapshot.as_ref().map(|(l, s)| (l.as_str(), *s)), (&begin.0, begin.1), &self.path)?;
        if state.lineage.is_empty() {
            state.lineage = lineage;
            state.serial = serial;
        }
        persist(state)?;
        let carry: Vec<Intent> = inner.pending.values().cloned().collect();
        let (lineage, serial) = (state.lineage.clone(), state.serial);
        self.rewrite(&mut inner, &lineage, serial, &carry)
    }
}

/// A journal an apply writes to, whatever the backend stores it in (a local file, database rows,
/// objects). Methods take `&self`: apply tasks append concurrently, the implementation serialises.
pub trait Journal: Send + Sync + fmt::Debug {
    /// Appends a record durably: it must survive a crash of this process once this returns.
    fn append(&self, record: &Record) -> Result<()>;
    /// Records an intent durably, assigning and returning its id (`intent.id` is ignored).
    fn record_intent(&self, intent: Intent) -> Result<u64>;
    /// Records an outcome durably.
    fn record_outcome(&self, outcome: Outcome) -> Result<()> {
        self.append(&Record::Outcome(outcome))
    }
    /// Appends without waiting for the disk: the record survives the process being killed (it
    /// is in the file) but not a power loss until [`Journal::sync`] returns. A journal whose
    /// appends are always durable (remote stores) keeps this default.
    fn append_buffered(&self, record: &Record) -> Result<()> {
        self.append(record)
    }
    /// [`Journal::record_intent`] without waiting for the disk (see [`Journal::append_buffered`]).
    fn record_intent_buffered(&self, intent: Intent) -> Result<u64> {
        self.record_intent(intent)
    }
    /// A point covering every record appended so far, for [`Journal::sync_to`].
    fn sync_point(&self) -> u64 {
        0
    }
    /// Returns once every record up to `point` is durable. Concurrent callers share syncs: one
    /// sync covers every record written before it started.
    fn sync_to(&self, _point: u64) -> Result<()> {
        Ok(())
    }
    /// What the journal holds now.
    fn contents(&self) -> Result<JournalContents>;
    /// The intents without an outcome now, in id order (what [`Journal::compact`] would carry
    /// over). The default reads [`Journal::contents`]; a journal that knows its records in
    /// memory answers without reading its store.
    fn pending(&self) -> Result<Vec<Intent>> {
        Ok(pending_intents(&self.contents()?.records))
    }
    /// See [`LocalJournal::compact`]: replay onto `snapshot`, `persist` the merged state, reset
    /// the journal to the new serial plus pending intents — all excluding concurrent appends.
    fn compact(
        &self,
        snapshot: Option<StateFile>,
        persist: &mut dyn FnMut(&mut StateFile) -> Result<()>,
    ) -> Result<Replay>;
    /// Whether [`Journal::compact_superseded`] is supported.
    fn compacts_superseded(&self) -> bool {
        false
    }
    /// Compaction when `state` already holds every change the journal records (an apply's
    /// final state): the records' objects are not replayed, only the journal's identity is
    /// checked against the snapshot's (`snapshot`: lineage and serial, `None` if there is no
    /// snapshot yet). `state` takes that identity if its lineage is empty, is passed to
    /// `persist`, and the journal is reset to its serial plus the pending intents. Only called
    /// when [`Journal::compacts_superseded`] says so; the default refuses.
    fn compact_superseded(
        &self,
        _snapshot: Option<(String, u64)>,
        _state: &mut StateFile,
        _persist: &mut dyn FnMut(&mut StateFile) -> Result<()>,
    ) -> Result<()> {
        Err(Error::Journal { path: PathBuf::new(), reason: "this journal cannot compact without replaying".into() })
    }
}

impl Journal for LocalJournal {
    fn append(&self, record: &Record) -> Result<()> {
        LocalJournal::append(self, record)
    }
    fn record_intent(&self, intent: Intent) -> Result<u64> {
        LocalJournal::record_intent(self, intent)
    }
    fn append_buffered(&self, record: &Record) -> Result<()> {
        self.write_frame(record).map(|_| ())
    }
    fn record_intent_buffered(&self, intent: Intent) -> Result<u64> {
        self.write_intent(intent).map(|(id, _)| id)
    }
    fn sync_point(&self) -> u64 {
        self.lock().written
    }
    fn sync_to(&self, point: u64) -> Result<()> {
        self.sync_through(point)
    }
    fn contents(&self) -> Result<JournalContents> {
        LocalJournal::contents(self)
    }
    fn pending(&self) -> Result<Vec<Intent>> {
        Ok(LocalJournal::pending(self))
    }
    fn compact(
        &self,
        snapshot: Option<StateFile>,
        persist: &mut dyn FnMut(&mut StateFile) -> Result<()>,
    ) -> Result<Replay> {
        LocalJournal::compact(self, snapshot, persist)
    }
    fn compacts_superseded(&self) -> bool {
        true
    }
    fn compact_superseded(
        &self,
        snapshot: Option<(String, u64)>,
        state: &mut StateFile,
        persist: &mut dyn FnMut(&mut StateFile) -> Result<()>,
    ) -> Result<()> {
        LocalJournal::compact_superseded(self, snapshot, state, persist)
    }
}

/// A fresh idempotency token (UUID v4) for an intent.
pub fn new_idempotency_token() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    //! Compaction replays the records the open journal keeps in memory; these tests check that
    //! this is exactly what re-reading and re-parsing the file would give.

    use super::*;
    use crate::model::InstanceKey;
    use serde_json::json;

    fn addr(name: &str, key: Option<i64>) -> ObjectAddr {
        ObjectAddr::instance(None, ResourceMode::Managed, "terraform_data", name, key.map(InstanceKey::Int))
    }

    fn intent(a: ObjectAddr) -> Intent {
        Intent {
            id: 0,
            addr: a,
            action: "create".into(),
            token: new_idempotency_token(),
            provider: "provider[\"terraform.io/builtin/terraform\"]".into(),
            planned: json!({"input": "x"}),
            at: String::new(),
        }
    }

    fn set(a: ObjectAddr, id: &str) -> ObjectChange {
        ObjectChange {
            addr: a,
            provider: "provider[\"terraform.io/builtin/terraform\"]".into(),
            object: Some(InstanceState::new(None, json!({"id": id}))),
        }
    }

    fn snapshot(serial: u64) -> StateFile {
        let mut s = StateFile::new();
        s.lineage = "lin".into();
        s.serial = serial;
        s
    }

    /// What compaction would have produced by reading the file back, as before.
    fn from_file(path: &Path, serial: u64) -> Replay {
        let contents = read_journal(path).unwrap();
        let mut expected = replay(Some(snapshot(serial)), &contents, path).unwrap();
        expected.state.serial += 1;
        expected.torn_tail_bytes = 0;
        expected
    }

    fn compact_once(journal: &LocalJournal, serial: u64) -> Replay {
        journal
            .compact(Some(snapshot(serial)), &mut |s| {
                s.serial += 1;
                Ok(())
            })
            .unwrap()
    }

    fn del(a: ObjectAddr) -> Record {
        Record::Change(ObjectChange { addr: a, provider: String::new(), object: None })
    }

    fn ids(state: &StateFile, name: &str) -> Vec<(Option<InstanceKey>, Option<String>, String)> {
        let Some(r) = state.resource(None, ResourceMode::Managed, "terraform_data", name) else { return Vec::new() };
        r.instances.iter().map(|i| (i.index_key.clone(), i.deposed.clone(), i.attributes["id"].as_str().unwrap_or("").to_owned())).collect()
    }

    /// The indexed replay: removals move the last object into the hole, later changes must still
    /// find every object; a resource emptied by removals is pruned unless re-created, and one
    /// the snapshot holds without objects is left alone (as a linear search would have).
    #[test]
    fn replay_finds_objects_after_removals_and_prunes_emptied_resources() {
        let mut snap = snapshot(1);
        snap.resources.push(ResourceState {
            module: None,
            mode: ResourceMode::Managed,
            type_: "terraform_data".into(),
            name: "husk".into(),
            each: None,
            provider: String::new(),
            instances: Vec::new(),
        });
        let mut deposed = addr("a", Some(1));
        deposed.deposed = Some("00000001".into());
        let mut records = vec![Record::Begin { lineage: "lin".into(), base_serial: 1 }];
        for i in 0..4 {
            records.push(Record::Change(set(addr("a", Some(i)), &format!("a{i}"))));
        }
        records.push(Record::Change(set(deposed.clone(), "old-a1")));
        records.push(del(addr("a", Some(0)))); // a[3] moves into a[0]'s place
        records.push(Record::Change(set(addr("a", Some(3)), "a3-updated")));
        records.push(del(addr("a", Some(0)))); // already gone: nothing happens
        records.push(del(addr("a", Some(1))));
        records.push(Record::Change(set(addr("b", None), "b")));
        records.push(del(addr("b", None)));
        records.push(Record::Change(set(addr("c", None), "c")));
        records.push(del(addr("c", None)));
        records.push(Record::Change(set(addr("c", None), "c-again")));
        let dir = tempfile::tempdir().unwrap();
        let replayed = replay_records(Some(snap), &records, 0, &dir.path().join("j")).unwrap();
        let state = replayed.state;
        assert_eq!(
            ids(&state, "a"),
            vec![
                (Some(InstanceKey::Int(1)), Some("00000001".into()), "old-a1".into()),
                (Some(InstanceKey::Int(2)), None, "a2".into()),
                (Some(InstanceKey::Int(3)), None, "a3-updated".into()),
            ]
        );
        assert!(state.resource(None, ResourceMode::Managed, "terraform_data", "b").is_none(), "emptied resource pruned");
        assert_eq!(ids(&state, "c"), vec![(None, None, "c-again".into())]);
        assert!(state.resource(None, ResourceMode::Managed, "terraform_data", "husk").is_some());
        assert_eq!(replayed.applied, records.len() - 1);
    }

    #[test]
    fn compaction_from_memory_equals_replaying_the_file_with_earlier_pending_intents() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("terraform.tfstate.journal");

        // An earlier run: three intents, one outcome, then killed mid-append (torn tail).
        {
            let (journal, _) = LocalJournal::open(&path, "lin", 3).unwrap();
            let a0 = journal.record_intent(intent(addr("a", Some(0)))).unwrap();
            journal.record_intent(intent(addr("a", Some(1)))).unwrap();
            journal.record_intent(intent(addr("b", None))).unwrap();
            journal.record_outcome(Outcome { intent: a0, changes: vec![set(addr("a", Some(0)), "a0")], error: None }).unwrap();
        }
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(&[40, 0, 0, 0, 1, 2]).unwrap();
        drop(f);

        // This run: opens it (the tail is cut), resolves one earlier intent, applies more.
        let (journal, at_open) = LocalJournal::open(&path, "lin", 3).unwrap();
        assert!(at_open.torn_tail_bytes > 0);
        let earlier = journal.pending();
        assert_eq!(earlier.iter().map(|i| i.addr.clone()).collect::<Vec<_>>(), vec![addr("a", Some(1)), addr("b", None)]);
        assert_eq!(earlier, replay(Some(snapshot(3)), &read_journal(&path).unwrap(), &path).unwrap().pending);
        journal.record_outcome(Outcome { intent: earlier[0].id, changes: vec![set(addr("a", Some(1)), "a1")], error: None }).unwrap();
        let mut ids = Vec::new();
        for i in 0..20 {
            ids.push(Journal::record_intent_buffered(&journal, intent(addr("c", Some(i)))).unwrap());
        }
        for (i, id) in ids.iter().enumerate().take(18) {
            let outcome = if i == 5 {
                Outcome { intent: *id, changes: Vec::new(), error: Some("boom".into()) }
            } else {
                Outcome { intent: *id, changes: vec![set(addr("c", Some(i as i64)), &format!("c{i}"))], error: None }
            };
            Journal::append_buffered(&journal, &Record::Outcome(outcome)).unwrap();
        }
        journal.append(&Record::Change(ObjectChange { addr: addr("a", Some(0)), provider: String::new(), object: None })).unwrap();
        journal
            .append(&Record::Output { name: "o".into(), value: Some(OutputState { value: json!(1), type_: json!("number"), sensitive: false }) })
            .unwrap();

        let expected = from_file(&path, 3);
        assert_eq!(journal.pending(), expected.pending);
        assert_eq!(expected.pending.len(), 3, "b, c[18], c[19] are still pending");
        assert_eq!(expected.failed.len(), 1);
        let compacted = compact_once(&journal, 3);
        assert_eq!(compacted, expected);

        // The file now holds Begin at the new serial plus exactly the carried intents, and the
        // journal's memory agrees with it: a second round compacts like the file again.
        let after = read_journal(&path).unwrap();
        assert_eq!(after.records[0], Record::Begin { lineage: "lin".into(), base_serial: 4 });
        assert_eq!(after.records[1..].to_vec(), expected.pending.iter().cloned().map(Record::Intent).collect::<Vec<_>>());
        assert_eq!(journal.pending(), expected.pending);

        let c19 = expected.pending[2].id;
        journal.record_outcome(Outcome { intent: c19, changes: vec![set(addr("c", Some(19)), "c19")], error: None }).unwrap();
        let d = journal.record_intent(intent(addr("d", None))).unwrap();
        assert!(d > c19, "intent ids keep increasing across compactions");
        let expected = from_file(&path, 4);
        let compacted = compact_once(&journal, 4);
        assert_eq!(compacted, expected);
        assert_eq!(compacted.pending.iter().map(|i| i.addr.clone()).collect::<Vec<_>>(), vec![addr("b", None), addr("c", Some(18)), addr("d", None)]);

        // And a fresh reader (the next run) sees the same pending intents.
        let (reopened, _) = LocalJournal::open(&path, "lin", 5).unwrap();
        assert_eq!(reopened.pending(), compacted.pending);
    }

    /// An apply's compaction: the caller's state replaces the replay, only identities are
    /// checked, and the journal restarts at the persisted serial with the pending intents.
    #[test]
    fn compaction_with_the_final_state_checks_identity_and_carries_pending_intents() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        let (journal, _) = LocalJournal::open(&path, "lin", 3).unwrap();
        let done = journal.record_intent(intent(addr("a", None))).unwrap();
        let open_intent = journal.record_intent(intent(addr("b", None))).unwrap();
        journal.record_outcome(Outcome { intent: done, changes: vec![set(addr("a", None), "a")], error: None }).unwrap();

        let persisted = std::cell::RefCell::new(Vec::new());
        let mut persist = |s: &mut StateFile| {
            s.serial += 1;
            persisted.borrow_mut().push((s.lineage.clone(), s.serial));
            Ok(())
        };
        // Another lineage, or a snapshot older than the journal's base: refused, nothing written.
        let mut state = StateFile::new();
        state.lineage = String::new();
        let err = journal.compact_superseded(Some(("other".into(), 3)), &mut state, &mut persist).unwrap_err();
        assert!(err.to_string().contains("lineage"), "{err}");
        let err = journal.compact_superseded(Some(("lin".into(), 2)), &mut state, &mut persist).unwrap_err();
        assert!(err.to_string().contains("older serial 2"), "{err}");
        assert!(persisted.borrow().is_empty());

        journal.compact_superseded(Some(("lin".into(), 3)), &mut state, &mut persist).unwrap();
        assert_eq!(*persisted.borrow(), vec![("lin".to_string(), 4)], "an empty lineage takes the snapshot's identity");
        let after = read_journal(&path).unwrap();
        assert_eq!(after.records[0], Record::Begin { lineage: "lin".into(), base_serial: 4 });
        assert_eq!(after.records.len(), 2);
        assert!(matches!(&after.records[1], Record::Intent(i) if i.id == open_intent));
        assert_eq!(journal.pending().iter().map(|i| i.id).collect::<Vec<_>>(), vec![open_intent]);
    }

    #[test]
    fn reset_replaces_the_remembered_records() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        let (journal, _) = LocalJournal::open(&path, "lin", 1).unwrap();
        let id = journal.record_intent(intent(addr("a", None))).unwrap();
        journal.record_outcome(Outcome { intent: id, changes: vec![set(addr("a", None), "a")], error: None }).unwrap();
        let carried = intent(addr("b", None));
        journal.reset("lin", 2, std::slice::from_ref(&carried)).unwrap();
        assert_eq!(journal.pending(), vec![carried]);
        let expected = from_file(&path, 2);
        assert_eq!(compact_once(&journal, 2), expected);
    }
}
