//! `backend "pg"`: states in PostgreSQL, laid out as Terraform's `pg` backend lays them out, so
//! that Terraform and `infra` can share a database (and exclude each other while locked).
//!
//! ## Tables (in the schema `schema_name`, default `terraform_remote_state`)
//!
//! | table | columns | whose |
//! | --- | --- | --- |
//! | `states` | `id bigint` (from the sequence `public.global_states_id_seq`), `name text UNIQUE`, `data text` | Terraform's, unchanged: one row per workspace, `data` the state JSON |
//! | `locks` | `workspace text PRIMARY KEY`, `lock_key bigint`, `lock_id text`, `info text` | infra: who holds a workspace's lock (Terraform's LockInfo JSON) |
//! | `journal` | `workspace text`, `seq bigint`, `payload bytea` | infra: one row per journal record (a checksummed frame, see [`crate::journal`]) |
//! | `history` | `workspace text`, `serial bigint`, `data bytea` | infra: the last N snapshots |
//!
//! Terraform creates a workspace's `states` row (holding an empty state) as soon as the
//! workspace is selected; so does [`PgBackend::state`]. When the state is encrypted
//! ([`PgBackend::with_encryption`]) `data` holds the encrypted envelope in base64 (Terraform
//! cannot read it, by design).
//!
//! ## Locking
//!
//! Exactly Terraform's scheme, so that the two exclude each other: a session-level advisory lock
//! keyed by the workspace row's `id` (`pg_try_advisory_lock(id)`), taken together with the
//! "workspace creation" lock `-1` which is released at once when the row exists and kept when
//! it does not. Advisory locks die with the database session, so a crashed holder never leaves
//! a lock behind; the holder's info, which Terraform does not record, is kept in `locks` so that
//! the loser can name the holder. `force_unlock` can only clear a stale `locks` row: a live
//! session's lock cannot be broken from outside (stop that process).
//!
//! ## Journal
//!
//! Each append is one committed `INSERT` (durable: PostgreSQL's commit is synchronous by
//! default). Compaction writes the `states` row and replaces the workspace's journal rows in one
//! transaction. Every store opens its own connection (its session holds its lock).
//!
//! TLS: connections are made without TLS (`sslmode=disable` or `prefer`); a connection string
//! requiring TLS fails with the driver's error.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use postgres::{Client, NoTls};
use serde_json::Value;

use crate::backend::{valid_workspace_name, Backend, StateStore, DEFAULT_WORKSPACE};
use crate::crypto::Encryption;
use crate::error::{Error, Result};
use crate::local::DEFAULT_HISTORY_KEEP;
use crate::lock::LockInfo;
use crate::remote::{outside_runtime, placeholder_state, remote_error, Attrs, BackendConfigError, LockAttempt, RemoteStore, RemoteWorkspace};

/// Terraform's default `schema_name`.
pub const DEFAULT_SCHEMA_NAME: &str = "terraform_remote_state";

/// The advisory lock key Terraform takes while a workspace's row is being created.
const CREATION_LOCK_KEY: i64 = -1;

/// The advisory lock key held (within one transaction) while creating the schema and tables,
/// so that two processes configuring a fresh database at once do not collide. Terraform uses
/// positive row ids and `-1`, never this.
const SETUP_LOCK_KEY: i64 = -0x696e_6672_61;

/// `backend "pg"` settings, Terraform's attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgConfig {
    /// `conn_str` (or `PG_CONN_STR`): a `postgres://` URL or `key=value` pairs.
    pub conn_str: String,
    /// `schema_name` (or `PG_SCHEMA_NAME`), default `terraform_remote_state`.
    pub schema_name: String,
    /// `skip_schema_creation` (or `PG_SKIP_SCHEMA_CREATION`).
    pub skip_schema_creation: bool,
    /// `skip_table_creation` (or `PG_SKIP_TABLE_CREATION`): also skips infra's tables.
    pub skip_table_creation: bool,
    /// `skip_index_creation` (or `PG_SKIP_INDEX_CREATION`).
    pub skip_index_creation: bool,
}

impl PgConfig {
    /// Settings for a connection string, everything else at Terraform's defaults.
    pub fn new(conn_str: impl Into<String>) -> Self {
        PgConfig {
            conn_str: conn_str.into(),
            schema_name: DEFAULT_SCHEMA_NAME.to_owned(),
            skip_schema_creation: false,
            skip_table_creation: false,
            skip_index_creation: false,
        }
    }

    /// Sets the schema.
    pub fn with_schema(mut self, schema_name: impl Into<String>) -> Self {
        self.schema_name = schema_name.into();
        self
    }

    /// From a `backend "pg"` block's attribute values (cty JSON: strings and bools), with
    /// Terraform's environment variable fallbacks (`PG_CONN_STR`, `PG_SCHEMA_NAME`,
    /// `PG_SKIP_SCHEMA_CREATION`, `PG_SKIP_TABLE_CREATION`, `PG_SKIP_INDEX_CREATION`).
    pub fn from_attributes(attrs: &BTreeMap<String, Value>) -> std::result::Result<Self, BackendConfigError> {
        let a = Attrs { backend: "pg", attrs };
        a.only(&["conn_str", "schema_name", "skip_schema_creation", "skip_table_creation", "skip_index_creation"])?;
        let conn_str = a.string_env("conn_str", &["PG_CONN_STR"])?.ok_or_else(|| {
            BackendConfigError(
                "Invalid pg backend configuration: \"conn_str\" is required (or set PG_CONN_STR), e.g. \"postgres://user:pass@host/db?sslmode=disable\".".into(),
            )
        })?;
        let schema_name =
            a.string_env("schema_name", &["PG_SCHEMA_NAME"])?.unwrap_or_else(|| DEFAULT_SCHEMA_NAME.to_owned());
        if schema_name.is_empty() {
            return Err(BackendConfigError("Invalid pg backend configuration: \"schema_name\" must not be empty.".into()));
        }
        Ok(PgConfig {
            conn_str,
            schema_name,
            skip_schema_creation: a.bool_env("skip_schema_creation", &["PG_SKIP_SCHEMA_CREATION"])?.unwrap_or(false),
            skip_table_creation: a.bool_env("skip_table_creation", &["PG_SKIP_TABLE_CREATION"])?.unwrap_or(false),
            skip_index_creation: a.bool_env("skip_index_creation", &["PG_SKIP_INDEX_CREATION"])?.unwrap_or(false),
        })
    }
}

/// `QuoteIdentifier` of lib/pq: double quotes, inner quotes doubled.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A connection that is closed off any async runtime (closing drives the driver's own runtime).
struct Conn(Option<Client>);

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Conn")
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        if let Some(client) = self.0.take() {
            outside_runtime(move || drop(client));
        }
    }
}

fn connect(conn_str: &str, location: &str) -> Result<Conn> {
    let conn_str = conn_str.to_owned();
    outside_runtime(move || Client::connect(&conn_str, NoTls))
        .map(|c| Conn(Some(c)))
        .map_err(|e| remote_error("connecting to", location, pg_message(&e)))
}

/// The driver's error with the server's detail, when there is one.
fn pg_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => e.to_string(),
    }
}

/// Runs `f` on the connection, off any async runtime, mapping errors to [`Error::Io`].
fn with_conn<T: Send>(
    conn: &Mutex<Conn>,
    action: &'static str,
    location: &str,
    f: impl FnOnce(&mut Client) -> std::result::Result<T, postgres::Error> + Send,
) -> Result<T> {
    let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
    let Some(client) = guard.0.as_mut() else {
        return Err(remote_error(action, location, "the connection is closed"));
    };
    outside_runtime(|| f(client)).map_err(|e| remote_error(action, location, pg_message(&e)))
}

/// `backend "pg"`. See the [module docs](self).
#[derive(Debug)]
pub struct PgBackend {
    config: PgConfig,
    schema: String,
    conn: Mutex<Conn>,
    history_keep: usize,
    encryption: Option<Arc<Encryption>>,
}

impl PgBackend {
    /// Connects and creates the schema and tables that are missing (unless skipped).
    pub fn connect(config: PgConfig) -> Result<Self> {
        let schema = quote_ident(&config.schema_name);
        let location = format!("pg schema {schema}");
        let conn = connect(&config.conn_str, &location)?;
        let conn = Mutex::new(conn);
        let cfg = config.clone();
        let q = schema.clone();
        with_conn(&conn, "creating the tables of", &location, move |c| {
            let mut tx = c.transaction()?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SETUP_LOCK_KEY])?;
            if !cfg.skip_schema_creation {
                let row = tx.query_one(
                    "SELECT count(1) FROM information_schema.schemata WHERE schema_name = $1",
                    &[&cfg.schema_name],
                )?;
                let count: i64 = row.get(0);
                if count < 1 {
                    tx.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {q}"))?;
                }
            }
            if !cfg.skip_table_creation {
                tx.batch_execute(&format!(
                    "CREATE SEQUENCE IF NOT EXISTS public.global_states_id_seq AS bigint;
                     CREATE TABLE IF NOT EXISTS {q}.states (
                        id bigint NOT NULL DEFAULT nextval('public.global_states_id_seq') PRIMARY KEY,
                        name text UNIQUE,
                        data text);
                     CREATE TABLE IF NOT EXISTS {q}.locks (
                        workspace text PRIMARY KEY,
                        lock_key bigint NOT NULL,
                        lock_id text NOT NULL,
                        info text NOT NULL);
                     CREATE TABLE IF NOT EXISTS {q}.journal (
                        workspace text NOT NULL,
                        seq bigint NOT NULL,
                        payload bytea NOT NULL,
                        PRIMARY KEY (workspace, seq));
                     CREATE TABLE IF NOT EXISTS {q}.history (
                        workspace text NOT NULL,
                        serial bigint NOT NULL,
                        data bytea NOT NULL,
                        PRIMARY KEY (workspace, serial));"
                ))?;
            }
            if !cfg.skip_index_creation {
                tx.batch_execute(&format!("CREATE UNIQUE INDEX IF NOT EXISTS states_by_name ON {q}.states (name)"))?;
            }
            tx.commit()
        })?;
        Ok(PgBackend { config, schema, conn, history_keep: DEFAULT_HISTORY_KEEP, encryption: None })
    }

    /// [`PgConfig::from_attributes`] then [`PgBackend::connect`]; a configuration error becomes
    /// the outer `Err`.
    pub fn from_attributes(
        attrs: &BTreeMap<String, Value>,
    ) -> std::result::Result<Result<Self>, BackendConfigError> {
        Ok(PgBackend::connect(PgConfig::from_attributes(attrs)?))
    }

    /// Number of snapshots kept in history per workspace (0 disables).
    pub fn with_history(mut self, keep: usize) -> Self {
        self.history_keep = keep;
        self
    }

    /// Encrypts snapshots, history and journal records.
    pub fn with_encryption(mut self, encryption: Option<Arc<Encryption>>) -> Self {
        self.encryption = encryption;
        self
    }

    /// The settings in use.
    pub fn config(&self) -> &PgConfig {
        &self.config
    }

    fn location(&self) -> String {
        format!("pg schema {}", self.schema)
    }

    /// Inserts a workspace's row holding an empty state unless it exists; whether it inserted.
    fn ensure_row(&self, conn: &Mutex<Conn>, name: &str) -> Result<bool> {
        let data = stored_text(&placeholder_state(self.encryption.as_deref())?);
        let sql = format!("INSERT INTO {}.states (name, data) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", self.schema);
        let name = name.to_owned();
        with_conn(conn, "creating a workspace in", &self.location(), move |c| c.execute(&sql, &[&name, &data]))
            .map(|n| n > 0)
    }
}

impl Backend for PgBackend {
    fn workspaces(&self) -> Result<Vec<String>> {
        let sql = format!("SELECT name FROM {}.states WHERE name != 'default' ORDER BY name", self.schema);
        let rows = with_conn(&self.conn, "listing workspaces in", &self.location(), move |c| c.query(&sql, &[]))?;
        let mut names: Vec<String> = rows.iter().filter_map(|r| r.get::<_, Option<String>>(0)).collect();
        names.sort();
        names.insert(0, DEFAULT_WORKSPACE.to_owned());
        Ok(names)
    }

    fn create_workspace(&self, name: &str) -> Result<()> {
        if !valid_workspace_name(name) {
            return Err(Error::InvalidWorkspace(name.to_owned()));
        }
        if name == DEFAULT_WORKSPACE || !self.ensure_row(&self.conn, name)? {
            return Err(Error::WorkspaceExists(name.to_owned()));
        }
        Ok(())
    }

    fn delete_workspace(&self, name: &str) -> Result<()> {
        if name == DEFAULT_WORKSPACE {
            return Err(Error::DeleteDefaultWorkspace);
        }
        if !valid_workspace_name(name) {
            return Err(Error::InvalidWorkspace(name.to_owned()));
        }
        let q = self.schema.clone();
        let owned = name.to_owned();
        let deleted = with_conn(&self.conn, "deleting a workspace in", &self.location(), move |c| {
            let mut tx = c.transaction()?;
            let n = tx.execute(&format!("DELETE FROM {q}.states WHERE name = $1"), &[&owned])?;
            for table in ["journal", "history", "locks"] {
                tx.execute(&format!("DELETE FROM {q}.{table} WHERE workspace = $1"), &[&owned])?;
            }
            tx.commit()?;
            Ok(n)
        })?;
        if deleted == 0 {
            return Err(Error::NoSuchWorkspace(name.to_owned()));
        }
        Ok(())
    }

    /// A store with its own connection (whose session holds the store's lock). Creates the
    /// workspace's row, as Terraform does when a workspace is selected.
    fn state(&self, workspace: &str) -> Result<Box<dyn StateStore>> {
        if !valid_workspace_name(workspace) {
            return Err(Error::InvalidWorkspace(workspace.to_owned()));
        }
        let ws = PgWorkspace {
            conn: Mutex::new(connect(&self.config.conn_str, &self.location())?),
            schema: self.schema.clone(),
            name: workspace.to_owned(),
            held_key: Mutex::new(None),
        };
        self.ensure_row(&ws.conn, workspace)?;
        Ok(Box::new(RemoteStore::new(ws, self.history_keep, self.encryption.clone())))
    }
}

/// Bytes for the `data text` column: the JSON as is, an encrypted envelope in base64.
fn stored_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) if !crate::crypto::is_encrypted(bytes) => text.to_owned(),
        _ => {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(bytes)
        }
    }
}

/// The inverse of [`stored_text`]: JSON starts with `{` (or whitespace); anything else that is
/// base64 is decoded; what is neither is returned as is (and fails to parse, clearly).
fn from_stored_text(text: String) -> Vec<u8> {
    let trimmed = text.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('{') {
        return text.into_bytes();
    }
    use base64::Engine;
    match base64::engine::general_purpose::STANDARD.decode(trimmed.trim_end()) {
        Ok(bytes) => bytes,
        Err(_) => text.into_bytes(),
    }
}

/// One workspace, over its own connection.
#[derive(Debug)]
struct PgWorkspace {
    conn: Mutex<Conn>,
    schema: String,
    name: String,
    /// The advisory lock key this session holds (the row id, or `-1`).
    held_key: Mutex<Option<i64>>,
}

impl PgWorkspace {
    fn run<T: Send>(
        &self,
        action: &'static str,
        f: impl FnOnce(&mut Client) -> std::result::Result<T, postgres::Error> + Send,
    ) -> Result<T> {
        with_conn(&self.conn, action, &self.location(), f)
    }

    fn holder(&self, client: &mut Client, key: Option<i64>) -> std::result::Result<Option<LockInfo>, postgres::Error> {
        let row = match key {
            Some(key) => client.query_opt(&format!("SELECT info FROM {}.locks WHERE lock_key = $1 LIMIT 1", self.schema), &[&key])?,
            None => client.query_opt(&format!("SELECT info FROM {}.locks WHERE workspace = $1", self.schema), &[&self.name])?,
        };
        Ok(row.and_then(|r| serde_json::from_str(&r.get::<_, String>(0)).ok()))
    }

    /// One round of Terraform's lock scheme. `Ok(Err(busy_key))` names the key found busy.
    fn attempt(&self, client: &mut Client) -> std::result::Result<std::result::Result<i64, Option<i64>>, postgres::Error> {
        let q = &self.schema;
        let row = client.query_opt(
            &format!("SELECT id, pg_try_advisory_lock(id), pg_try_advisory_lock({CREATION_LOCK_KEY}) FROM {q}.states WHERE name = $1"),
            &[&self.name],
        )?;
        let unlock = |client: &mut Client, key: i64| client.execute("SELECT pg_advisory_unlock($1)", &[&key]).map(|_| ());
        match row {
            None => {
                let got: bool = client.query_one(&format!("SELECT pg_try_advisory_lock({CREATION_LOCK_KEY})"), &[])?.get(0);
                Ok(if got { Ok(CREATION_LOCK_KEY) } else { Err(Some(CREATION_LOCK_KEY)) })
            }
            Some(row) => {
                let (id, did_lock, did_create): (i64, bool, bool) = (row.get(0), row.get(1), row.get(2));
                match (did_lock, did_create) {
                    (true, true) => {
                        unlock(client, CREATION_LOCK_KEY)?;
                        Ok(Ok(id))
                    }
                    (false, created) => {
                        if created {
                            unlock(client, CREATION_LOCK_KEY)?;
                        }
                        Ok(Err(None))
                    }
                    (true, false) => {
                        unlock(client, id)?;
                        Ok(Err(Some(CREATION_LOCK_KEY)))
                    }
                }
            }
        }
    }
}

impl Drop for PgWorkspace {
    fn drop(&mut self) {
        // Closing the session releases its advisory locks; the holder row goes first so that a
        // later holder's row is never removed by us.
        let key = *self.held_key.lock().unwrap_or_else(|p| p.into_inner());
        if key.is_some() {
            let sql = format!("DELETE FROM {}.locks WHERE workspace = $1 AND lock_key = $2", self.schema);
            let name = self.name.clone();
            let _ = self.run("releasing the lock of", move |c| c.execute(&sql, &[&name, &key]));
        }
    }
}

impl RemoteWorkspace for PgWorkspace {
    fn location(&self) -> String {
        format!("pg schema {}, workspace \"{}\"", self.schema, self.name)
    }

    fn journal_location(&self) -> String {
        format!("pg schema {}, workspace \"{}\" (table journal)", self.schema, self.name)
    }

    fn lock_location(&self) -> String {
        self.location()
    }

    fn get_state(&self) -> Result<Option<Vec<u8>>> {
        let sql = format!("SELECT data FROM {}.states WHERE name = $1", self.schema);
        let name = self.name.clone();
        let row = self.run("reading state from", move |c| c.query_opt(&sql, &[&name]))?;
        Ok(row.and_then(|r| r.get::<_, Option<String>>(0)).map(from_stored_text))
    }

    fn put_state(&self, bytes: &[u8], journal_reset: Option<&[Vec<u8>]>) -> Result<()> {
        let q = self.schema.clone();
        let name = self.name.clone();
        let data = stored_text(bytes);
        self.run("writing state to", move |c| {
            let mut tx = c.transaction()?;
            tx.execute(
                &format!(
                    "INSERT INTO {q}.states (name, data) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET data = $2 WHERE states.name = $1"
                ),
                &[&name, &data],
            )?;
            if let Some(frames) = journal_reset {
                replace_journal(&mut tx, &q, &name, frames)?;
            }
            tx.commit()
        })
    }

    fn read_journal(&self) -> Result<Vec<Vec<u8>>> {
        let sql = format!("SELECT payload FROM {}.journal WHERE workspace = $1 ORDER BY seq", self.schema);
        let name = self.name.clone();
        let rows = self.run("reading the journal from", move |c| c.query(&sql, &[&name]))?;
        Ok(rows.iter().map(|r| r.get::<_, Vec<u8>>(0)).collect())
    }

    fn append_journal(&self, frame: &[u8]) -> Result<()> {
        let q = &self.schema;
        let sql = format!(
            "INSERT INTO {q}.journal (workspace, seq, payload) SELECT $1, COALESCE(MAX(seq), -1) + 1, $2 FROM {q}.journal WHERE workspace = $1"
        );
        let name = self.name.clone();
        self.run("appending to the journal in", move |c| c.execute(&sql, &[&name, &frame])).map(|_| ())
    }

    fn reset_journal(&self, frames: &[Vec<u8>]) -> Result<()> {
        let q = self.schema.clone();
        let name = self.name.clone();
        self.run("resetting the journal in", move |c| {
            let mut tx = c.transaction()?;
            replace_journal(&mut tx, &q, &name, frames)?;
            tx.commit()
        })
    }

    fn try_lock(&self, info: &LockInfo) -> Result<LockAttempt> {
        let info_json = info.to_json();
        let lock_id = info.id.clone();
        let mut result = None;
        // Everyone takes the creation lock `-1` for an instant while locking: a collision on it
        // alone is transient, so it is retried a few times before being reported as busy.
        for attempt in 0..4 {
            if attempt > 0 {
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
            let outcome = self.run("locking", |c| self.attempt(c))?;
            let transient = matches!(outcome, Err(Some(CREATION_LOCK_KEY)));
            result = Some(outcome);
            if !transient {
                break;
            }
        }
        match result {
            Some(Ok(key)) => {
                *self.held_key.lock().unwrap_or_else(|p| p.into_inner()) = Some(key);
                let sql = format!(
                    "INSERT INTO {}.locks (workspace, lock_key, lock_id, info) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (workspace) DO UPDATE SET lock_key = $2, lock_id = $3, info = $4",
                    self.schema
                );
                let name = self.name.clone();
                let written = self.run("recording the lock holder in", move |c| c.execute(&sql, &[&name, &key, &lock_id, &info_json]));
                if let Err(e) = written {
                    let _ = self.release(key);
                    return Err(e);
                }
                Ok(LockAttempt::Acquired)
            }
            Some(Err(busy_key)) => {
                let holder = self.run("reading the lock holder from", |c| self.holder(c, busy_key))?;
                Ok(LockAttempt::Busy(holder))
            }
            None => Ok(LockAttempt::Busy(None)),
        }
    }

    fn unlock(&self, info: &LockInfo) -> Result<()> {
        let key = self.held_key.lock().unwrap_or_else(|p| p.into_inner()).take();
        let Some(key) = key else { return Ok(()) };
        let sql = format!("DELETE FROM {}.locks WHERE workspace = $1 AND lock_id = $2", self.schema);
        let name = self.name.clone();
        let id = info.id.clone();
        let deleted = self.run("releasing the lock of", move |c| c.execute(&sql, &[&name, &id]));
        let released = self.release(key);
        deleted.and(released)
    }

    fn force_unlock(&self, id: &str) -> Result<()> {
        let name = self.name.clone();
        let sql = format!("SELECT lock_key, lock_id, info FROM {}.locks WHERE workspace = $1", self.schema);
        let row = self.run("reading the lock holder from", move |c| c.query_opt(&sql, &[&name]))?;
        let Some(row) = row else {
            return Err(Error::NotLocked { lock_path: self.location().into() });
        };
        let (key, lock_id, info): (i64, String, String) = (row.get(0), row.get(1), row.get(2));
        if lock_id != id {
            return Err(Error::LockIdMismatch { given: id.to_owned(), actual: lock_id });
        }
        // A free advisory lock means the holder's session is gone: its row is stale.
        let free: bool = self.run("locking", move |c| Ok(c.query_one("SELECT pg_try_advisory_lock($1)", &[&key])?.get(0)))?;
        if !free {
            let holder = serde_json::from_str::<LockInfo>(&info).ok();
            return Err(match holder {
                Some(holder) => Error::LockHeldByLiveProcess { id: id.to_owned(), holder: Box::new(holder) },
                None => Error::Locked { lock_path: self.location().into(), holder: None },
            });
        }
        let sql = format!("DELETE FROM {}.locks WHERE workspace = $1 AND lock_id = $2", self.schema);
        let (name, id) = (self.name.clone(), id.to_owned());
        let deleted = self.run("removing the lock holder from", move |c| c.execute(&sql, &[&name, &id]));
        let released = self.release(key);
        deleted.and(released).map(|_| ())
    }

    fn put_history(&self, serial: u64, bytes: &[u8], keep: usize) -> Result<()> {
        let q = self.schema.clone();
        let name = self.name.clone();
        let serial = i64::try_from(serial).unwrap_or(i64::MAX);
        let keep = i64::try_from(keep).unwrap_or(i64::MAX);
        self.run("keeping a history snapshot in", move |c| {
            let mut tx = c.transaction()?;
            tx.execute(
                &format!(
                    "INSERT INTO {q}.history (workspace, serial, data) VALUES ($1, $2, $3)
                     ON CONFLICT (workspace, serial) DO UPDATE SET data = $3"
                ),
                &[&name, &serial, &bytes],
            )?;
            tx.execute(
                &format!(
                    "DELETE FROM {q}.history WHERE workspace = $1 AND serial NOT IN
                       (SELECT serial FROM {q}.history WHERE workspace = $1 ORDER BY serial DESC LIMIT $2)"
                ),
                &[&name, &keep],
            )?;
            tx.commit()
        })
    }

    fn list_history(&self) -> Result<Vec<u64>> {
        let sql = format!("SELECT serial FROM {}.history WHERE workspace = $1", self.schema);
        let name = self.name.clone();
        let rows = self.run("listing history in", move |c| c.query(&sql, &[&name]))?;
        Ok(rows.iter().filter_map(|r| u64::try_from(r.get::<_, i64>(0)).ok()).collect())
    }

    fn get_history(&self, serial: u64) -> Result<Option<Vec<u8>>> {
        let Ok(serial) = i64::try_from(serial) else { return Ok(None) };
        let sql = format!("SELECT data FROM {}.history WHERE workspace = $1 AND serial = $2", self.schema);
        let name = self.name.clone();
        let row = self.run("reading history from", move |c| c.query_opt(&sql, &[&name, &serial]))?;
        Ok(row.map(|r| r.get::<_, Vec<u8>>(0)))
    }

    fn history_location(&self, serial: u64) -> String {
        format!("pg schema {}, workspace \"{}\" (history serial {serial})", self.schema, self.name)
    }
}

impl PgWorkspace {
    fn release(&self, key: i64) -> Result<()> {
        self.run("unlocking", move |c| c.execute("SELECT pg_advisory_unlock($1)", &[&key]).map(|_| ()))
    }
}

fn replace_journal(
    tx: &mut postgres::Transaction<'_>,
    q: &str,
    name: &str,
    frames: &[Vec<u8>],
) -> std::result::Result<(), postgres::Error> {
    tx.execute(&format!("DELETE FROM {q}.journal WHERE workspace = $1"), &[&name])?;
    let insert = format!("INSERT INTO {q}.journal (workspace, seq, payload) VALUES ($1, $2, $3)");
    for (seq, frame) in frames.iter().enumerate() {
        let seq = seq as i64;
        tx.execute(&insert, &[&name, &seq, frame])?;
    }
    Ok(())
}
