//! Real servers for the backend tests: a PostgreSQL server (initdb into a temporary directory,
//! started on a free loopback port) and moto in server mode (through `moto_server.py`). Each test
//! binary starts at most one of each, shared by its tests (each test uses its own schema or
//! bucket), and stops it when the process exits. See README.md beside this file.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A unique name per call within this process (schemas, buckets).
pub fn unique(prefix: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!("{prefix}{}x{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst))
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding a free loopback port");
    listener.local_addr().expect("local address").port()
}

fn wait_for_port(port: u16, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

// The few C library functions used here, declared directly so that every test crate including
// this module (`state/tests`, and the workspace root's `tests/state_cli.rs` through `#[path]`)
// can use it without a `libc` dependency.
mod c {
    extern "C" {
        pub fn atexit(f: extern "C" fn()) -> i32;
        pub fn flock(fd: i32, operation: i32) -> i32;
        pub fn geteuid() -> u32;
    }
    /// `LOCK_EX` on Linux.
    pub const LOCK_EX: i32 = 2;
}

/// Servers to stop at exit (Rust runs no destructors for statics; `atexit` handlers do run when
/// the test harness exits, whether tests passed or failed).
static CLEANUP: Mutex<Vec<Box<dyn FnOnce() + Send>>> = Mutex::new(Vec::new());

extern "C" fn run_cleanup() {
    let tasks = std::mem::take(&mut *CLEANUP.lock().unwrap_or_else(|p| p.into_inner()));
    for task in tasks {
        task();
    }
}

fn at_exit(task: impl FnOnce() + Send + 'static) {
    static REGISTERED: OnceLock<()> = OnceLock::new();
    REGISTERED.get_or_init(|| {
        // SAFETY: registers a plain extern "C" function with no arguments.
        unsafe { c::atexit(run_cleanup) };
    });
    CLEANUP.lock().unwrap_or_else(|p| p.into_inner()).push(Box::new(task));
}

fn output_text(out: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

/// A running PostgreSQL server.
pub struct PgServer {
    pub port: u16,
    pub dir: PathBuf,
}

impl PgServer {
    /// A connection string for the server's `postgres` database, as user `infra`.
    pub fn conn_str(&self) -> String {
        format!("host=127.0.0.1 port={} user=infra dbname=postgres connect_timeout=10", self.port)
    }

    /// The same as a `postgres://` URL (Terraform's usual form).
    pub fn url(&self) -> String {
        format!("postgres://infra@127.0.0.1:{}/postgres?sslmode=disable", self.port)
    }
}

fn find_pg_bin() -> Option<PathBuf> {
    let has_all = |dir: &Path| ["initdb", "pg_ctl", "postgres"].iter().all(|b| dir.join(b).is_file());
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Ok(dir) = std::fs::read_dir("/usr/lib/postgresql") {
        let mut versions: Vec<(u32, PathBuf)> = dir
            .filter_map(|e| e.ok())
            .filter_map(|e| Some((e.file_name().to_string_lossy().parse::<u32>().ok()?, e.path().join("bin"))))
            .collect();
        versions.sort();
        candidates.extend(versions.into_iter().rev().map(|(_, p)| p));
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            // Resolve symlinks so that initdb finds its sibling `postgres`.
            if let Ok(initdb) = std::fs::canonicalize(dir.join("initdb")) {
                if let Some(parent) = initdb.parent() {
                    candidates.push(parent.to_path_buf());
                }
            }
        }
    }
    candidates.into_iter().find(|d| has_all(d))
}

/// PostgreSQL refuses to run as root: as root, commands run as this user instead.
fn unprivileged_user() -> Option<(String, u32, u32)> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { c::geteuid() } != 0 {
        return None;
    }
    let id = |name: &str, flag: &str| -> Option<u32> {
        let out = Command::new("id").args([flag, name]).output().ok()?;
        if !out.status.success() {
            return None;
        }
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    };
    for name in ["postgres", "nobody"] {
        if let (Some(uid), Some(gid)) = (id(name, "-u"), id(name, "-g")) {
            return Some((name.to_owned(), uid, gid));
        }
    }
    panic!("running as root, and neither a `postgres` nor a `nobody` user exists to run PostgreSQL as");
}

fn pg_command(bin: &Path, tool: &str, user: &Option<(String, u32, u32)>) -> Command {
    match user {
        Some((name, _, _)) => {
            let mut c = Command::new("runuser");
            c.args(["-u", name.as_str(), "--"]).arg(bin.join(tool));
            c
        }
        None => Command::new(bin.join(tool)),
    }
}

fn start_pg() -> Result<PgServer, String> {
    let bin = find_pg_bin().ok_or_else(|| {
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found in /usr/lib/postgresql/*/bin or on PATH. \
         The pg backend tests start a real server: install it with `apt-get install -y postgresql` (Debian/Ubuntu)."
            .to_owned()
    })?;
    let user = unprivileged_user();
    let dir = std::env::temp_dir().join(unique("infra-pg-test-"));
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    if let Some((_, uid, gid)) = &user {
        std::os::unix::fs::chown(&dir, Some(*uid), Some(*gid)).map_err(|e| format!("chown {}: {e}", dir.display()))?;
    }
    let data = dir.join("data");
    let out = pg_command(&bin, "initdb", &user)
        .args([OsStr::new("-D"), data.as_os_str()])
        .args(["-U", "infra", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("running initdb: {e}"))?;
    if !out.status.success() {
        return Err(format!("initdb failed ({}):\n{}", out.status, output_text(&out)));
    }
    let port = free_port();
    let options = format!("-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off", dir.display());
    let log = dir.join("server.log");
    let out = pg_command(&bin, "pg_ctl", &user)
        .args([OsStr::new("-D"), data.as_os_str(), OsStr::new("-l"), log.as_os_str()])
        .args(["-w", "-t", "60", "-o", &options, "start"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("running pg_ctl start: {e}"))?;
    if !out.status.success() {
        let server_log = std::fs::read_to_string(&log).unwrap_or_default();
        return Err(format!("pg_ctl start failed ({}):\n{}\nserver log:\n{server_log}", out.status, output_text(&out)));
    }
    let (stop_bin, stop_user, stop_data, stop_dir) = (bin.clone(), user.clone(), data.clone(), dir.clone());
    at_exit(move || {
        let _ = pg_command(&stop_bin, "pg_ctl", &stop_user)
            .args([OsStr::new("-D"), stop_data.as_os_str()])
            .args(["-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&stop_dir);
    });
    if !wait_for_port(port, Duration::from_secs(30)) {
        return Err(format!("PostgreSQL did not accept connections on 127.0.0.1:{port}"));
    }
    Ok(PgServer { port, dir })
}

/// The PostgreSQL server of this test process, started on first use. Panics (failing the test)
/// with the reason when it cannot start.
pub fn pg() -> &'static PgServer {
    static SERVER: OnceLock<Result<PgServer, String>> = OnceLock::new();
    match SERVER.get_or_init(start_pg) {
        Ok(server) => server,
        Err(message) => panic!("cannot start PostgreSQL for the pg backend tests: {message}"),
    }
}

// ---------------------------------------------------------------------------------------------
// moto (S3)

/// The pinned moto version range (see README.md).
pub const MOTO_REQUIREMENT: &str = "moto[server]>=5.1,<5.3";

/// A running moto server.
pub struct MotoServer {
    pub port: u16,
}

impl MotoServer {
    /// The endpoint URL (`endpoints { s3 = ... }`).
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

fn venv_dir() -> PathBuf {
    std::env::var_os("INFRA_MOTO_VENV").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/var/tmp/infra-moto-venv"))
}

fn moto_importable(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import moto.server, werkzeug"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Creates the venv with moto if missing, under an exclusive file lock (test binaries may run
/// at the same time).
fn ensure_moto_venv() -> Result<PathBuf, String> {
    let venv = venv_dir();
    let python = venv.join("bin/python");
    if moto_importable(&python) {
        return Ok(python);
    }
    let lock_path = PathBuf::from(format!("{}.lock", venv.display()));
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| format!("opening {}: {e}", lock_path.display()))?;
    // SAFETY: a valid descriptor owned by `lock`, held until the end of this function.
    unsafe { c::flock(std::os::fd::AsRawFd::as_raw_fd(&lock), c::LOCK_EX) };
    if moto_importable(&python) {
        return Ok(python);
    }
    let python3 = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let out = Command::new(&python3)
        .args([OsStr::new("-m"), OsStr::new("venv"), venv.as_os_str()])
        .output()
        .map_err(|e| format!("running `{python3} -m venv`: {e} (install python3 and python3-venv)"))?;
    if !out.status.success() {
        return Err(format!(
            "`{python3} -m venv {}` failed (on Debian install python3-venv):\n{}",
            venv.display(),
            output_text(&out)
        ));
    }
    let out = Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", MOTO_REQUIREMENT])
        .output()
        .map_err(|e| format!("running pip: {e}"))?;
    if !out.status.success() || !moto_importable(&python) {
        return Err(format!("`pip install '{MOTO_REQUIREMENT}'` into {} failed:\n{}", venv.display(), output_text(&out)));
    }
    Ok(python)
}

fn start_moto() -> Result<MotoServer, String> {
    let python = ensure_moto_venv()?;
    // Written out from the source so that the module works from any crate that includes it.
    let script = std::env::temp_dir().join(unique("infra-moto-server-")).with_extension("py");
    std::fs::write(&script, include_str!("moto_server.py")).map_err(|e| format!("writing {}: {e}", script.display()))?;
    let port = free_port();
    let log = std::env::temp_dir().join(unique("infra-moto-")).with_extension("log");
    let log_file = std::fs::File::create(&log).map_err(|e| format!("creating {}: {e}", log.display()))?;
    let log_err = log_file.try_clone().map_err(|e| e.to_string())?;
    let child: Child = Command::new(&python)
        .arg(&script)
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(log_file)
        .stderr(log_err)
        .spawn()
        .map_err(|e| format!("starting {}: {e}", script.display()))?;
    let pid = child.id();
    let child = Mutex::new(child);
    let log_path = log.clone();
    let script_path = script.clone();
    let ready = wait_for_port(port, Duration::from_secs(60));
    let exited = child.lock().unwrap_or_else(|p| p.into_inner()).try_wait().ok().flatten();
    at_exit(move || {
        let mut child = child.into_inner().unwrap_or_else(|p| p.into_inner());
        let _ = child.kill();
        let _ = child.wait();
        let _ = std::fs::remove_file(&log_path);
        let _ = std::fs::remove_file(&script_path);
    });
    if !ready || exited.is_some() {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        return Err(format!("moto (pid {pid}) did not start on 127.0.0.1:{port}:\n{text}"));
    }
    Ok(MotoServer { port })
}

/// The moto server of this test process, started on first use. Panics (failing the test) with
/// the reason when it cannot start.
pub fn moto() -> &'static MotoServer {
    static SERVER: OnceLock<Result<MotoServer, String>> = OnceLock::new();
    match SERVER.get_or_init(start_moto) {
        Ok(server) => server,
        Err(message) => panic!("cannot start moto for the s3 backend tests: {message}"),
    }
}
