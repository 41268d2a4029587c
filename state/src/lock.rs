//! Locking for the local backend: an OS advisory lock plus Terraform's lock info file.
//!
//! Two files sit beside `terraform.tfstate`:
//! - `.terraform.tfstate.lock` — never deleted; the holder keeps an exclusive `flock(2)` on it.
//!   The kernel releases the lock when the holder exits, however it exits (`kill -9` included),
//!   so a crash never leaves a state locked. We lock a separate file rather than the state file
//!   itself (as Terraform does) because state writes replace the state file by rename, which would
//!   orphan a lock held on the old inode.
//! - `.terraform.tfstate.lock.info` — Terraform's JSON holder description (`ID`, `Operation`,
//!   `Info`, `Who`, `Version`, `Created`, `Path`), written after the lock is taken and removed
//!   before it is released, so that a process that fails to lock can name the holder.
//!
//! `flock` locks belong to an open file description, so two threads of one process that each
//! acquire a [`LocalLock`] exclude each other just like two processes do.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fsutil::{parent_dir, read_if_exists, replace_without_sync, STATE_FILE_MODE};
use crate::gojson;

/// Who holds a lock and why; Terraform's `statemgr.LockInfo`, with its JSON field names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    /// A UUID identifying this lock; the argument of `force-unlock`.
    #[serde(rename = "ID")]
    pub id: String,
    /// The operation, e.g. `OperationTypeApply` or `OperationTypePlan` in Terraform's spelling.
    #[serde(rename = "Operation", default)]
    pub operation: String,
    /// Free-form extra information.
    #[serde(rename = "Info", default)]
    pub info: String,
    /// `user@host`.
    #[serde(rename = "Who", default)]
    pub who: String,
    /// Version of the tool holding the lock.
    #[serde(rename = "Version", default)]
    pub version: String,
    /// When the lock was taken: RFC 3339 with nanoseconds, UTC (Go's `time.Time` JSON form).
    #[serde(rename = "Created", default)]
    pub created: String,
    /// The locked state's path (or backend-specific name).
    #[serde(rename = "Path", default)]
    pub path: String,
}

impl LockInfo {
    /// New holder info for `operation`: fresh ID, `user@host`, now.
    pub fn new(operation: impl Into<String>) -> Self {
        LockInfo {
            id: uuid::Uuid::new_v4().to_string(),
            operation: operation.into(),
            info: String::new(),
            who: format!("{}@{}", current_user(), hostname()),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            created: go_rfc3339_nano(chrono::Utc::now()),
            path: String::new(),
        }
    }

    /// Compact JSON as Terraform writes the info file.
    pub fn to_json(&self) -> String {
        gojson::to_string_compact(&serde_json::to_value(self).unwrap_or(serde_json::Value::Null))
    }
}

impl fmt::Display for LockInfo {
    /// Terraform's `LockInfo.String()` layout.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Lock Info:")?;
        writeln!(f, "  ID:        {}", self.id)?;
        writeln!(f, "  Path:      {}", self.path)?;
        writeln!(f, "  Operation: {}", self.operation)?;
        writeln!(f, "  Who:       {}", self.who)?;
        writeln!(f, "  Version:   {}", self.version)?;
        writeln!(f, "  Created:   {}", go_time_string(&self.created))?;
        writeln!(f, "  Info:      {}", self.info)
    }
}

/// Go's `time.RFC3339Nano` for a UTC time: fraction with trailing zeros trimmed.
fn go_rfc3339_nano(t: chrono::DateTime<chrono::Utc>) -> String {
    let base = t.format("%Y-%m-%dT%H:%M:%S").to_string();
    let nanos = t.timestamp_subsec_nanos();
    if nanos == 0 {
        return format!("{base}Z");
    }
    let frac = format!("{nanos:09}");
    format!("{base}.{}Z", frac.trim_end_matches('0'))
}

/// Go's `time.Time.String()` for the `Created` field (`2006-01-02 15:04:05.999999999 +0000 UTC`).
fn go_time_string(created: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(created) {
        Ok(t) => {
            let t = t.with_timezone(&chrono::Utc);
            let nanos = t.timestamp_subsec_nanos();
            let frac = if nanos == 0 {
                String::new()
            } else {
                format!(".{}", format!("{nanos:09}").trim_end_matches('0'))
            };
            format!("{}{frac} +0000 UTC", t.format("%Y-%m-%d %H:%M:%S"))
        }
        Err(_) => created.to_owned(),
    }
}

fn current_user() -> String {
    if let Ok(user) = std::env::var("USER") {
        if !user.is_empty() {
            return user;
        }
    }
    // SAFETY: getuid has no preconditions; getpwuid returns a pointer to static storage or null,
    // and we copy the name out before any other libc call.
    unsafe {
        let pw = libc::getpwuid(libc::getuid());
        if !pw.is_null() && !(*pw).pw_name.is_null() {
            return std::ffi::CStr::from_ptr((*pw).pw_name).to_string_lossy().into_owned();
        }
    }
    String::new()
}

fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname NUL-terminates when it fits.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return String::new();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// The lock file and info file paths for a state file: `.terraform.tfstate.lock` and
/// `.terraform.tfstate.lock.info` beside `terraform.tfstate` (a leading dot of the state file
/// name is not doubled, as in Terraform).
pub fn lock_paths(state_path: &Path) -> (PathBuf, PathBuf) {
    let dir = parent_dir(state_path);
    let name = state_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let name = name.strip_prefix('.').unwrap_or(&name).to_owned();
    (dir.join(format!(".{name}.lock")), dir.join(format!(".{name}.lock.info")))
}

/// A held lock on a local state. Released by [`LocalLock::unlock`] or on drop.
#[derive(Debug)]
pub struct LocalLock {
    file: Option<File>,
    lock_path: PathBuf,
    info_path: PathBuf,
    info: LockInfo,
}

enum TryLock {
    Acquired,
    Busy,
}

fn try_flock(file: &File, path: &Path) -> Result<TryLock> {
    loop {
        // SAFETY: the descriptor is owned by `file` and open for the duration of the call.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc == 0 {
            return Ok(TryLock::Acquired);
        }
        let err = io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::EINTR) => continue,
            Some(code) if code == libc::EWOULDBLOCK || code == libc::EAGAIN => return Ok(TryLock::Busy),
            _ => return Err(Error::io("locking", path, err)),
        }
    }
}

fn open_lock_file(lock_path: &Path) -> Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(STATE_FILE_MODE)
        .open(lock_path)
        .map_err(|e| Error::io("opening lock file", lock_path, e))
}

/// Reads a lock info file; `None` if it is missing or not valid JSON (a holder that crashed
/// between taking the lock and writing the info, or a foreign file).
pub fn read_lock_info(info_path: &Path) -> Option<LockInfo> {
    let bytes = read_if_exists(info_path).ok().flatten()?;
    serde_json::from_slice(&bytes).ok()
}

impl LocalLock {
    /// Locks the state at `state_path`, waiting up to `timeout` (zero: fail at once) for another
    /// holder to release it. `info.path` is set to the state path if empty.
    ///
    /// On failure the error is [`Error::Locked`] naming the holder (from its info file).
    pub fn acquire(state_path: &Path, mut info: LockInfo, timeout: Duration) -> Result<LocalLock> {
        let (lock_path, info_path) = lock_paths(state_path);
        if info.path.is_empty() {
            info.path = state_path.display().to_string();
        }
        let file = open_lock_file(&lock_path)?;
        let deadline = Instant::now() + timeout;
        let mut delay = Duration::from_millis(20);
        loop {
            match try_flock(&file, &lock_path)? {
                TryLock::Acquired => break,
                TryLock::Busy => {
                    let now = Instant::now();
                    if now >= deadline {
                        return Err(Error::Locked {
                            lock_path,
                            holder: read_lock_info(&info_path).map(Box::new),
                        });
                    }
                    std::thread::sleep(delay.min(deadline - now));
                    delay = (delay * 2).min(Duration::from_millis(500));
                }
            }
        }
        // Lock held: from here on a failure must release it, which dropping `file` does.
        replace_without_sync(&info_path, info.to_json().as_bytes())?;
        Ok(LocalLock { file: Some(file), lock_path, info_path, info })
    }

    /// The holder info written for this lock.
    pub fn info(&self) -> &LockInfo {
        &self.info
    }

    /// The lock file path.
    pub fn lock_path(&self) -> &Path {
        &self.lock_path
    }

    /// Releases the lock: removes the info file, then the OS lock (in that order, so that the
    /// next holder's info file is never removed by us).
    pub fn unlock(mut self) -> Result<()> {
        self.release()
    }

    fn release(&mut self) -> Result<()> {
        let Some(file) = self.file.take() else {
            return Ok(());
        };
        let removed = match std::fs::remove_file(&self.info_path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io("removing lock info file", &self.info_path, e)),
        };
        // Unlocked explicitly, not only by closing: a flock belongs to the open file, which
        // lives on while any copy of its descriptor does — and a child process another thread
        // forks holds a copy until its exec closes it. Closing alone left the lock held for
        // that moment, long enough for the next acquire in this process to fail.
        // SAFETY: flock on the descriptor this lock owns, open until the drop below.
        unsafe {
            libc::flock(file.as_raw_fd(), libc::LOCK_UN);
        }
        drop(file);
        removed
    }
}

impl Drop for LocalLock {
    fn drop(&mut self) {
        let _ = self.release();
    }
}

/// `force-unlock` for the local backend.
///
/// The OS lock dies with its holder, so there is never a stale OS lock to break; what can be
/// stale is the info file of a holder that crashed. So:
/// - lock free and info file present with this `id`: the stale info file is removed, `Ok`;
/// - `id` differs from the info file's: [`Error::LockIdMismatch`];
/// - a live process holds the lock: [`Error::LockHeldByLiveProcess`] (it cannot be broken from
///   outside; stop that process);
/// - no lock and no info: [`Error::NotLocked`].
pub fn force_unlock(state_path: &Path, id: &str) -> Result<()> {
    let (lock_path, info_path) = lock_paths(state_path);
    let info = read_lock_info(&info_path);
    if let Some(info) = &info {
        if info.id != id {
            return Err(Error::LockIdMismatch { given: id.to_owned(), actual: info.id.clone() });
        }
    }
    let file = open_lock_file(&lock_path)?;
    match try_flock(&file, &lock_path)? {
        TryLock::Busy => match info {
            Some(info) => Err(Error::LockHeldByLiveProcess { id: id.to_owned(), holder: Box::new(info) }),
            None => Err(Error::Locked { lock_path, holder: None }),
        },
        TryLock::Acquired => {
            if info.is_none() {
                return Err(Error::NotLocked { lock_path });
            }
            match std::fs::remove_file(&info_path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(Error::io("removing lock info file", &info_path, e)),
            }
        }
    }
}
