//! Durable file operations shared by the snapshot writer, the journal and the lock.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Files holding state may contain secrets: owner read/write only.
pub const STATE_FILE_MODE: u32 = 0o600;

/// The directory containing `path` (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Makes a rename or create in `dir` durable.
pub fn sync_dir(dir: &Path) -> Result<()> {
    let handle = File::open(dir).map_err(|e| Error::io("opening directory", dir, e))?;
    handle.sync_all().map_err(|e| Error::io("syncing directory", dir, e))
}

/// Replaces `path` with `bytes` atomically: a reader (or a crash) sees either the old content or
/// the new, never a mix or a truncated file.
///
/// Steps: write a temporary file in the same directory (same filesystem, so the rename is
/// atomic) created with mode 0600, fsync it, rename it over `path`, fsync the directory so the
/// rename itself survives a power loss. The temporary file is removed if any step fails.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<()> {
    replace_file(path, bytes, true)
}

/// Replaces `path` by rename like [`atomic_write`] (readers see the old or the new content) but
/// without waiting for the disk: for files whose loss in a power cut is harmless, such as the
/// lock holder's description (the lock itself is the `flock`, which no crash outlives).
pub fn replace_without_sync(path: &Path, bytes: &[u8]) -> Result<()> {
    replace_file(path, bytes, false)
}

/// Writes a temporary file beside `path` and renames it over `path`; with `durable`, the file
/// and then its directory are synced so the new content survives a power cut.
fn replace_file(path: &Path, bytes: &[u8], durable: bool) -> Result<()> {
    let dir = parent_dir(path);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}-{}", std::process::id(), uuid::Uuid::new_v4().simple()));
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(STATE_FILE_MODE)
            .open(&tmp)
            .map_err(|e| Error::io("creating temporary file", &tmp, e))?;
        file.write_all(bytes).map_err(|e| Error::io("writing temporary file", &tmp, e))?;
        if durable {
            file.sync_all().map_err(|e| Error::io("syncing temporary file", &tmp, e))?;
        }
        fs::rename(&tmp, path).map_err(|e| Error::io("renaming temporary file onto", path, e))?;
        if durable {
            sync_dir(&dir)?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Reads a whole file; `Ok(None)` when it does not exist.
pub fn read_if_exists(path: &Path) -> Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("reading", path, e)),
    }
}

/// Creates `dir` and its parents with mode 0700 if missing.
pub fn ensure_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| Error::io("creating directory", dir, e))
}
