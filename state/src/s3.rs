//! `backend "s3"`: states as S3 objects, laid out as Terraform's `s3` backend lays them out.
//!
//! ## Objects (in `bucket`)
//!
//! | key | what |
//! | --- | --- |
//! | `<key>` | the `default` workspace's state (Terraform's) |
//! | `<workspace_key_prefix>/<name>/<key>` | another workspace's state (Terraform's; prefix default `env:`) |
//! | `<state key>.tflock` | the lock while held (`use_lockfile = true`): Terraform's LockInfo JSON, created with a conditional write (`If-None-Match: *`) so that exactly one of two writers succeeds |
//! | `<state key>.journal/<generation>/base` | infra: the journal's `Begin` record and carried-over intents |
//! | `<state key>.journal/<generation>/<seq>` | infra: one object per appended record |
//! | `<state key>.history/<serial>.tfstate` | infra: the last N snapshots |
//!
//! Generation and sequence numbers are zero-padded to 20 digits, so that listing order is
//! numeric order. The journal is one small object per record, so that an append costs one PUT
//! of that record whatever the journal's length (S3 cannot append to an object). Resetting the
//! journal (after compaction) writes a new generation's `base` in one PUT — that is the atomic
//! switch: readers use the newest generation that has a `base` — and then deletes the older
//! generations. A crash before the switch leaves the old journal, which replays harmlessly over
//! the new snapshot (see [`crate::journal`]); a crash after it leaves garbage that the next reset
//! deletes.
//!
//! Workspaces are listed exactly as Terraform lists them (objects `<prefix>/<name>/<key>`), so
//! the journal and history objects never appear as workspaces. As in Terraform, selecting a
//! workspace that has no state object writes an empty state, so that it is listed.
//!
//! ## Locking
//!
//! As Terraform: only with `use_lockfile = true` (without it, and without DynamoDB which infra
//! does not support, Terraform does not lock and neither does infra). A lock object survives a
//! crashed holder: `force-unlock ID` deletes it.
//!
//! ## Credentials
//!
//! `access_key`/`secret_key`/`token`, else `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/
//! `AWS_SESSION_TOKEN`. Profiles, SSO, assume-role and instance metadata are not supported (they
//! would need `aws-config` and its STS/SSO clients); configuring them is an error.
//!
//! The SDK is async; each call runs on a small runtime owned by the backend (see
//! [`crate::remote`] for calls made from inside an async task).

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region, RequestChecksumCalculation};
use aws_sdk_s3::error::{DisplayErrorContext, SdkError};
use aws_sdk_s3::operation::put_object::builders::PutObjectFluentBuilder;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ObjectCannedAcl, ServerSideEncryption};
use serde_json::Value;

use crate::backend::{valid_workspace_name, Backend, StateStore, DEFAULT_WORKSPACE};
use crate::crypto::Encryption;
use crate::error::{Error, Result};
use crate::local::DEFAULT_HISTORY_KEEP;
use crate::lock::LockInfo;
use crate::remote::{outside_runtime, placeholder_state, remote_error, Attrs, BackendConfigError, LockAttempt, RemoteStore, RemoteWorkspace};

/// Terraform's default `workspace_key_prefix`.
pub const DEFAULT_WORKSPACE_KEY_PREFIX: &str = "env:";
/// Suffix of the lock object (Terraform's).
pub const LOCK_FILE_SUFFIX: &str = ".tflock";

/// `backend "s3"` settings: Terraform's attributes that infra implements.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Config {
    /// `bucket`.
    pub bucket: String,
    /// `key`: the default workspace's state object.
    pub key: String,
    /// `region` (or `AWS_REGION`, `AWS_DEFAULT_REGION`).
    pub region: String,
    /// `endpoints.s3` (or the deprecated `endpoint`, or `AWS_ENDPOINT_URL_S3`).
    pub endpoint: Option<String>,
    /// `use_path_style` (or the deprecated `force_path_style`).
    pub use_path_style: bool,
    /// `workspace_key_prefix`, default `env:`.
    pub workspace_key_prefix: String,
    /// `use_lockfile`.
    pub use_lockfile: bool,
    /// `encrypt`: server-side encryption of every object written (AES256, or aws:kms with
    /// `kms_key_id`).
    pub encrypt: bool,
    /// `kms_key_id`.
    pub kms_key_id: Option<String>,
    /// `acl`: a canned ACL for every object written.
    pub acl: Option<String>,
    /// `access_key` (or `AWS_ACCESS_KEY_ID`).
    pub access_key: String,
    /// `secret_key` (or `AWS_SECRET_ACCESS_KEY`).
    pub secret_key: String,
    /// `token` (or `AWS_SESSION_TOKEN`).
    pub token: Option<String>,
    /// `skip_s3_checksum`: send no checksum headers (for S3-compatible stores without them).
    pub skip_s3_checksum: bool,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print secrets.
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("key", &self.key)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("use_path_style", &self.use_path_style)
            .field("workspace_key_prefix", &self.workspace_key_prefix)
            .field("use_lockfile", &self.use_lockfile)
            .field("encrypt", &self.encrypt)
            .finish_non_exhaustive()
    }
}

/// Attributes of Terraform's s3 backend that infra accepts and ignores: they tune what infra
/// does not do (account-id lookups, validations against AWS, retries) or are defaults already.
const IGNORED: &[&str] = &[
    "skip_credentials_validation",
    "skip_requesting_account_id",
    "skip_metadata_api_check",
    "skip_region_validation",
    "max_retries",
    "retry_mode",
    "allowed_account_ids",
    "forbidden_account_ids",
    "use_fips_endpoint",
    "use_dualstack_endpoint",
    "sts_region",
];

/// Attributes of Terraform's s3 backend that infra does not implement: using one is an error,
/// so that a configuration relying on it does not silently do something else.
const UNSUPPORTED: &[&str] = &[
    "profile",
    "shared_config_files",
    "shared_credentials_file",
    "shared_credentials_files",
    "assume_role",
    "assume_role_with_web_identity",
    "dynamodb_table",
    "dynamodb_endpoint",
    "sse_customer_key",
    "custom_ca_bundle",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "insecure",
    "iam_endpoint",
    "sts_endpoint",
    "ec2_metadata_service_endpoint",
    "ec2_metadata_service_endpoint_mode",
];

fn config_error(summary: &str, attr: &str, detail: &str) -> BackendConfigError {
    BackendConfigError(format!("{summary}: the s3 backend attribute \"{attr}\": {detail}"))
}

impl S3Config {
    /// From a `backend "s3"` block's attribute values (cty JSON), with Terraform's validations,
    /// defaults and environment variables.
    pub fn from_attributes(attrs: &BTreeMap<String, Value>) -> std::result::Result<Self, BackendConfigError> {
        let a = Attrs { backend: "s3", attrs };
        let mut known = vec![
            "bucket", "key", "region", "endpoint", "endpoints", "force_path_style", "use_path_style",
            "workspace_key_prefix", "use_lockfile", "encrypt", "kms_key_id", "acl", "access_key", "secret_key",
            "token", "skip_s3_checksum",
        ];
        known.extend(IGNORED);
        known.extend(UNSUPPORTED);
        a.only(&known)?;
        for name in UNSUPPORTED {
            if attrs.get(*name).is_some_and(|v| !v.is_null()) {
                return Err(BackendConfigError(format!(
                    "Unsupported s3 backend setting: infra does not implement \"{name}\" yet. Give credentials with access_key/secret_key (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and lock with use_lockfile = true."
                )));
            }
        }
        let required = |name: &str| {
            a.string(name)?.ok_or_else(|| {
                config_error(
                    "Missing Required Value",
                    name,
                    &format!("The attribute \"{name}\" is required by the backend. Refer to the backend documentation for additional information which attributes are required."),
                )
            })
        };
        let bucket = required("bucket")?;
        if bucket.trim().is_empty() {
            return Err(config_error("Invalid Value", "bucket", "The value cannot be empty or all whitespace"));
        }
        let key = required("key")?;
        if key.trim().is_empty() {
            return Err(config_error("Invalid Value", "key", "The value cannot be empty or all whitespace"));
        }
        check_s3_path("key", &key)?;
        if key.contains("//") {
            return Err(config_error("Invalid Value", "key", "Value must not contain \"//\""));
        }
        let region = a.string_env("region", &["AWS_REGION", "AWS_DEFAULT_REGION"])?.filter(|r| !r.is_empty()).ok_or_else(|| {
            BackendConfigError(
                "Missing region value: The \"region\" attribute or the \"AWS_REGION\" or \"AWS_DEFAULT_REGION\" environment variables must be set.".into(),
            )
        })?;
        let endpoints = a.string_map("endpoints")?;
        if let Some(k) = endpoints.keys().find(|k| !["s3", "dynamodb", "iam", "sso", "sts"].contains(&k.as_str())) {
            return Err(BackendConfigError(format!(
                "Unsupported argument: an argument named \"{k}\" is not expected in the s3 backend's endpoints."
            )));
        }
        let endpoint = match (endpoints.get("s3").cloned(), a.string("endpoint")?) {
            (Some(_), Some(_)) => {
                return Err(BackendConfigError(
                    "Invalid Attribute Combination: only one of \"endpoints.s3\" and \"endpoint\" can be set.".into(),
                ))
            }
            (Some(e), None) | (None, Some(e)) => Some(e),
            (None, None) => a.string_env("__none__", &["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"])?,
        };
        let use_path_style = match (a.bool_env("use_path_style", &[])?, a.bool_env("force_path_style", &[])?) {
            (Some(_), Some(_)) => {
                return Err(BackendConfigError(
                    "Invalid Attribute Combination: only one of \"use_path_style\" and \"force_path_style\" can be set.".into(),
                ))
            }
            (Some(b), None) | (None, Some(b)) => b,
            (None, None) => false,
        };
        let workspace_key_prefix =
            a.string("workspace_key_prefix")?.unwrap_or_else(|| DEFAULT_WORKSPACE_KEY_PREFIX.to_owned());
        check_s3_path("workspace_key_prefix", &workspace_key_prefix)?;
        let access_key = a.string_env("access_key", &["AWS_ACCESS_KEY_ID"])?;
        let secret_key = a.string_env("secret_key", &["AWS_SECRET_ACCESS_KEY"])?;
        let (access_key, secret_key) = match (access_key, secret_key) {
            (Some(a), Some(s)) => (a, s),
            _ => {
                return Err(BackendConfigError(
                    "No valid credential sources found: set access_key and secret_key in the s3 backend block, or the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables (infra does not read AWS profiles or instance metadata).".into(),
                ))
            }
        };
        Ok(S3Config {
            bucket,
            key,
            region,
            endpoint,
            use_path_style,
            workspace_key_prefix,
            use_lockfile: a.bool_env("use_lockfile", &[])?.unwrap_or(false),
            encrypt: a.bool_env("encrypt", &[])?.unwrap_or(false),
            kms_key_id: a.string("kms_key_id")?,
            acl: a.string("acl")?,
            access_key,
            secret_key,
            token: a.string_env("token", &["AWS_SESSION_TOKEN"])?,
            skip_s3_checksum: a.bool_env("skip_s3_checksum", &[])?.unwrap_or(false),
        })
    }

    /// The state object's key for a workspace (Terraform's `path`).
    pub fn state_key(&self, workspace: &str) -> String {
        if workspace == DEFAULT_WORKSPACE {
            return self.key.clone();
        }
        [self.workspace_key_prefix.as_str(), workspace, self.key.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The workspace whose state object `key` is, if it is one (Terraform's `keyEnv`).
    fn key_workspace(&self, key: &str) -> Option<String> {
        let rest = if self.workspace_key_prefix.is_empty() {
            key
        } else {
            key.strip_prefix(&format!("{}/", self.workspace_key_prefix))?
        };
        let (name, tail) = rest.split_once('/')?;
        (tail == self.key && !name.is_empty()).then(|| name.to_owned())
    }
}

fn check_s3_path(attr: &str, value: &str) -> std::result::Result<(), BackendConfigError> {
    if value.starts_with('/') || value.ends_with('/') {
        return Err(config_error("Invalid Value", attr, "The value must not start or end with \"/\""));
    }
    Ok(())
}

/// A tokio runtime that is shut down off any async context (dropping a runtime inside one
/// panics).
struct Runtime(std::mem::ManuallyDrop<tokio::runtime::Runtime>);

impl Drop for Runtime {
    fn drop(&mut self) {
        // SAFETY: taken exactly once, here, and `self.0` is never used afterwards.
        let rt = unsafe { std::mem::ManuallyDrop::take(&mut self.0) };
        outside_runtime(move || drop(rt));
    }
}

/// What the backend and its stores share: the client, its runtime and the settings.
struct Shared {
    rt: Runtime,
    client: aws_sdk_s3::Client,
    config: S3Config,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").field("config", &self.config).finish_non_exhaustive()
    }
}

type SdkErr<E> = SdkError<E>;

fn status<E>(err: &SdkErr<E>) -> Option<u16> {
    err.raw_response().map(|r| r.status().as_u16())
}

impl Shared {
    fn block<F>(&self, f: F) -> F::Output
    where
        F: Future + Send,
        F::Output: Send,
    {
        let rt: &tokio::runtime::Runtime = &self.rt.0;
        outside_runtime(|| rt.block_on(f))
    }

    fn uri(&self, key: &str) -> String {
        format!("s3://{}/{}", self.config.bucket, key)
    }

    fn err<E: std::error::Error + 'static>(&self, action: &'static str, key: &str, e: SdkErr<E>) -> Error {
        remote_error(action, &self.uri(key), DisplayErrorContext(e))
    }

    /// A PUT with the settings every written object gets (SSE, ACL).
    fn put(&self, key: &str, body: Vec<u8>) -> PutObjectFluentBuilder {
        let c = &self.config;
        let mut put = self.client.put_object().bucket(&c.bucket).key(key).body(ByteStream::from(body));
        if c.encrypt {
            put = match &c.kms_key_id {
                Some(kms) => put.server_side_encryption(ServerSideEncryption::AwsKms).ssekms_key_id(kms),
                None => put.server_side_encryption(ServerSideEncryption::Aes256),
            };
        }
        if let Some(acl) = &c.acl {
            put = put.acl(ObjectCannedAcl::from(acl.as_str()));
        }
        put
    }

    fn put_object(&self, key: &str, body: Vec<u8>) -> Result<()> {
        let put = self.put(key, body);
        self.block(put.send()).map(|_| ()).map_err(|e| self.err("writing", key, e))
    }

    /// A PUT that succeeds only if the object does not exist; `Ok(false)` when it does.
    fn put_if_absent(&self, key: &str, body: Vec<u8>) -> Result<bool> {
        let put = self.put(key, body).if_none_match("*");
        match self.block(put.send()) {
            Ok(_) => Ok(true),
            // 412 Precondition Failed; 409 when a concurrent conditional write is in progress.
            Err(e) if matches!(status(&e), Some(412 | 409)) => Ok(false),
            Err(e) => Err(self.err("writing", key, e)),
        }
    }

    fn get_object(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let get = self.client.get_object().bucket(&self.config.bucket).key(key);
        self.block(async move {
            match get.send().await {
                Ok(out) => match out.body.collect().await {
                    Ok(bytes) => Ok(Some(bytes.into_bytes().to_vec())),
                    Err(e) => Err(remote_error("reading", &self.uri(key), e)),
                },
                Err(e) if status(&e) == Some(404) => Ok(None),
                Err(e) => Err(self.err("reading", key, e)),
            }
        })
    }

    fn delete_object(&self, key: &str) -> Result<()> {
        let delete = self.client.delete_object().bucket(&self.config.bucket).key(key);
        match self.block(delete.send()) {
            Ok(_) => Ok(()),
            Err(e) if status(&e) == Some(404) => Ok(()),
            Err(e) => Err(self.err("deleting", key, e)),
        }
    }

    /// Every key under `prefix`, in S3's (lexicographic) order.
    fn list(&self, prefix: &str) -> Result<Vec<String>> {
        let mut keys = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let list = self
                .client
                .list_objects_v2()
                .bucket(&self.config.bucket)
                .prefix(prefix)
                .set_continuation_token(token.take());
            let page = self.block(list.send()).map_err(|e| self.err("listing", prefix, e))?;
            keys.extend(page.contents().iter().filter_map(|o| o.key().map(str::to_owned)));
            match page.next_continuation_token() {
                Some(next) if page.is_truncated() == Some(true) => token = Some(next.to_owned()),
                _ => break,
            }
        }
        Ok(keys)
    }
}

/// `backend "s3"`. See the [module docs](self).
#[derive(Debug)]
pub struct S3Backend {
    shared: Arc<Shared>,
    history_keep: usize,
    encryption: Option<Arc<Encryption>>,
}

impl S3Backend {
    /// A backend for `config`. Makes no request (the bucket is first used by a workspace call).
    pub fn new(config: S3Config) -> Result<Self> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("infra-s3")
            .enable_all()
            .build()
            .map_err(|e| Error::io("starting the runtime for", format!("s3://{}", config.bucket), e))?;
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
                aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
            ))
            .build_https();
        let mut builder = aws_sdk_s3::config::Builder::new()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(config.region.clone()))
            .credentials_provider(Credentials::new(
                config.access_key.clone(),
                config.secret_key.clone(),
                config.token.clone(),
                None,
                "infra-backend-config",
            ))
            .force_path_style(config.use_path_style)
            .http_client(http);
        if let Some(endpoint) = &config.endpoint {
            builder = builder.endpoint_url(endpoint);
        }
        if config.skip_s3_checksum {
            builder = builder.request_checksum_calculation(RequestChecksumCalculation::WhenRequired);
        }
        // The client must be built inside the runtime: its default sleep and time sources look
        // for the current runtime.
        let client = {
            let _guard = rt.enter();
            aws_sdk_s3::Client::from_conf(builder.build())
        };
        Ok(S3Backend {
            shared: Arc::new(Shared { rt: Runtime(std::mem::ManuallyDrop::new(rt)), client, config }),
            history_keep: DEFAULT_HISTORY_KEEP,
            encryption: None,
        })
    }

    /// [`S3Config::from_attributes`] then [`S3Backend::new`]; a configuration error becomes the
    /// outer `Err`.
    pub fn from_attributes(
        attrs: &BTreeMap<String, Value>,
    ) -> std::result::Result<Result<Self>, BackendConfigError> {
        Ok(S3Backend::new(S3Config::from_attributes(attrs)?))
    }

    /// Number of snapshots kept in history per workspace (0 disables).
    pub fn with_history(mut self, keep: usize) -> Self {
        self.history_keep = keep;
        self
    }

    /// Encrypts snapshots, history and journal records client-side (on top of `encrypt`).
    pub fn with_encryption(mut self, encryption: Option<Arc<Encryption>>) -> Self {
        self.encryption = encryption;
        self
    }

    /// The settings in use.
    pub fn config(&self) -> &S3Config {
        &self.shared.config
    }

    /// The SDK client (tests use it to create buckets and inspect objects).
    pub fn client(&self) -> &aws_sdk_s3::Client {
        &self.shared.client
    }

    /// Runs an SDK future on the backend's runtime (for tests and tools driving [`Self::client`]).
    pub fn block_on<F>(&self, f: F) -> F::Output
    where
        F: Future + Send,
        F::Output: Send,
    {
        self.shared.block(f)
    }

    fn workspace(&self, name: &str) -> S3Workspace {
        S3Workspace { shared: self.shared.clone(), state_key: self.shared.config.state_key(name), cursor: Mutex::new(None) }
    }
}

impl Backend for S3Backend {
    fn workspaces(&self) -> Result<Vec<String>> {
        let c = &self.shared.config;
        let prefix = if c.workspace_key_prefix.is_empty() { String::new() } else { format!("{}/", c.workspace_key_prefix) };
        let mut names: Vec<String> = self
            .shared
            .list(&prefix)?
            .iter()
            .filter_map(|k| c.key_workspace(k))
            .filter(|n| n != DEFAULT_WORKSPACE)
            .collect();
        names.sort();
        names.dedup();
        names.insert(0, DEFAULT_WORKSPACE.to_owned());
        Ok(names)
    }

    fn create_workspace(&self, name: &str) -> Result<()> {
        if !valid_workspace_name(name) {
            return Err(Error::InvalidWorkspace(name.to_owned()));
        }
        let key = self.shared.config.state_key(name);
        if name == DEFAULT_WORKSPACE || !self.shared.put_if_absent(&key, placeholder_state(self.encryption.as_deref())?)? {
            return Err(Error::WorkspaceExists(name.to_owned()));
        }
        Ok(())
    }

    /// Deletes the state object (as Terraform does) and infra's journal, history and lock
    /// objects of the workspace.
    fn delete_workspace(&self, name: &str) -> Result<()> {
        if name == DEFAULT_WORKSPACE {
            return Err(Error::DeleteDefaultWorkspace);
        }
        if !valid_workspace_name(name) {
            return Err(Error::InvalidWorkspace(name.to_owned()));
        }
        if !self.workspaces()?.iter().any(|w| w == name) {
            return Err(Error::NoSuchWorkspace(name.to_owned()));
        }
        let ws = self.workspace(name);
        for key in self.shared.list(&format!("{}.journal/", ws.state_key))? {
            self.shared.delete_object(&key)?;
        }
        for key in self.shared.list(&format!("{}.history/", ws.state_key))? {
            self.shared.delete_object(&key)?;
        }
        self.shared.delete_object(&ws.lock_key())?;
        self.shared.delete_object(&ws.state_key)
    }

    /// The workspace's store; writes an empty state if there is none (as Terraform does), with a
    /// conditional write so that a concurrent first writer is never overwritten.
    fn state(&self, workspace: &str) -> Result<Box<dyn StateStore>> {
        if !valid_workspace_name(workspace) {
            return Err(Error::InvalidWorkspace(workspace.to_owned()));
        }
        let ws = self.workspace(workspace);
        self.shared.put_if_absent(&ws.state_key, placeholder_state(self.encryption.as_deref())?)?;
        Ok(Box::new(RemoteStore::new(ws, self.history_keep, self.encryption.clone())))
    }
}

/// Where the journal appends go: generation and next sequence number.
#[derive(Debug, Clone, Copy)]
struct Cursor {
    generation: u64,
    next_seq: u64,
}

/// One workspace's objects.
#[derive(Debug)]
struct S3Workspace {
    shared: Arc<Shared>,
    state_key: String,
    cursor: Mutex<Option<Cursor>>,
}

/// A journal object's key, parsed: generation and `None` for `base` or `Some(seq)`.
type JournalKey = (u64, Option<u64>);

impl S3Workspace {
    fn lock_key(&self) -> String {
        format!("{}{LOCK_FILE_SUFFIX}", self.state_key)
    }

    fn journal_prefix(&self) -> String {
        format!("{}.journal/", self.state_key)
    }

    fn history_key(&self, serial: u64) -> String {
        format!("{}.history/{serial:020}.tfstate", self.state_key)
    }

    /// Journal object keys, parsed and sorted; foreign keys are ignored.
    fn journal_keys(&self) -> Result<Vec<(JournalKey, String)>> {
        let prefix = self.journal_prefix();
        let mut keys: Vec<(JournalKey, String)> = self
            .shared
            .list(&prefix)?
            .into_iter()
            .filter_map(|key| {
                let rest = key.strip_prefix(&prefix)?;
                let (generation, name) = rest.split_once('/')?;
                let generation = generation.parse::<u64>().ok()?;
                let seq = if name == "base" { None } else { Some(name.parse::<u64>().ok()?) };
                Some(((generation, seq), key))
            })
            .collect();
        keys.sort();
        Ok(keys)
    }

    /// The newest generation that has a base (the live journal), among `keys`.
    fn live_generation(keys: &[(JournalKey, String)]) -> Option<u64> {
        keys.iter().filter(|((_, seq), _)| seq.is_none()).map(|((g, _), _)| *g).max()
    }

    fn set_cursor(&self, cursor: Cursor) {
        *self.cursor.lock().unwrap_or_else(|p| p.into_inner()) = Some(cursor);
    }

    fn journal_object_key(&self, generation: u64, seq: Option<u64>) -> String {
        match seq {
            None => format!("{}{generation:020}/base", self.journal_prefix()),
            Some(seq) => format!("{}{generation:020}/{seq:020}", self.journal_prefix()),
        }
    }
}

impl RemoteWorkspace for S3Workspace {
    fn location(&self) -> String {
        self.shared.uri(&self.state_key)
    }

    fn journal_location(&self) -> String {
        self.shared.uri(&self.journal_prefix())
    }

    fn lock_location(&self) -> String {
        self.shared.uri(&self.lock_key())
    }

    fn get_state(&self) -> Result<Option<Vec<u8>>> {
        self.shared.get_object(&self.state_key)
    }

    fn put_state(&self, bytes: &[u8], journal_reset: Option<&[Vec<u8>]>) -> Result<()> {
        self.shared.put_object(&self.state_key, bytes.to_vec())?;
        match journal_reset {
            Some(frames) => self.reset_journal(frames),
            None => Ok(()),
        }
    }

    fn read_journal(&self) -> Result<Vec<Vec<u8>>> {
        let keys = self.journal_keys()?;
        let Some(live) = Self::live_generation(&keys) else {
            return Ok(Vec::new());
        };
        let mut frames = Vec::new();
        let mut next_seq = 1;
        for ((generation, seq), key) in &keys {
            if *generation != live {
                continue;
            }
            match self.shared.get_object(key)? {
                Some(bytes) => frames.push(bytes),
                // Deleted between listing and reading: only a concurrent reset does that.
                None => {
                    return Err(Error::Journal {
                        path: self.journal_location().into(),
                        reason: format!("the record {key} disappeared while being read (is another process compacting it?)"),
                    })
                }
            }
            if let Some(seq) = seq {
                next_seq = next_seq.max(seq + 1);
            }
        }
        self.set_cursor(Cursor { generation: live, next_seq });
        Ok(frames)
    }

    fn append_journal(&self, frame: &[u8]) -> Result<()> {
        let cursor = *self.cursor.lock().unwrap_or_else(|p| p.into_inner());
        let cursor = match cursor {
            Some(c) => c,
            None => {
                let keys = self.journal_keys()?;
                let Some(live) = Self::live_generation(&keys) else {
                    return Err(Error::Journal {
                        path: self.journal_location().into(),
                        reason: "it has no base record to append to".into(),
                    });
                };
                let next_seq =
                    keys.iter().filter(|((g, _), _)| *g == live).filter_map(|((_, s), _)| s.map(|s| s + 1)).max().unwrap_or(1);
                Cursor { generation: live, next_seq }
            }
        };
        let key = self.journal_object_key(cursor.generation, Some(cursor.next_seq));
        // Conditional: two writers appending to one journal (which the lock should prevent)
        // fail instead of overwriting each other's records.
        if !self.shared.put_if_absent(&key, frame.to_vec())? {
            *self.cursor.lock().unwrap_or_else(|p| p.into_inner()) = None;
            return Err(Error::Journal {
                path: self.journal_location().into(),
                reason: format!("the record {key} was written by another process: is the state locked?"),
            });
        }
        self.set_cursor(Cursor { generation: cursor.generation, next_seq: cursor.next_seq + 1 });
        Ok(())
    }

    fn reset_journal(&self, frames: &[Vec<u8>]) -> Result<()> {
        let keys = self.journal_keys()?;
        let generation = keys.iter().map(|((g, _), _)| *g).max().map_or(1, |g| g + 1);
        self.shared.put_object(&self.journal_object_key(generation, None), frames.concat())?;
        self.set_cursor(Cursor { generation, next_seq: 1 });
        // The new base is live: everything older is garbage now.
        for (_, key) in keys {
            self.shared.delete_object(&key)?;
        }
        Ok(())
    }

    fn try_lock(&self, info: &LockInfo) -> Result<LockAttempt> {
        if !self.shared.config.use_lockfile {
            // Terraform's s3 backend without use_lockfile (and without DynamoDB) does not lock.
            return Ok(LockAttempt::Acquired);
        }
        let key = self.lock_key();
        if self.shared.put_if_absent(&key, info.to_json().into_bytes())? {
            return Ok(LockAttempt::Acquired);
        }
        let holder = self.shared.get_object(&key)?.and_then(|bytes| serde_json::from_slice::<LockInfo>(&bytes).ok());
        Ok(LockAttempt::Busy(holder))
    }

    fn unlock(&self, info: &LockInfo) -> Result<()> {
        if !self.shared.config.use_lockfile {
            return Ok(());
        }
        let key = self.lock_key();
        match self.shared.get_object(&key)? {
            // Already gone (force-unlocked): nothing to release.
            None => Ok(()),
            Some(bytes) => match serde_json::from_slice::<LockInfo>(&bytes) {
                Ok(held) if held.id != info.id => {
                    Err(Error::LockIdMismatch { given: info.id.clone(), actual: held.id })
                }
                _ => self.shared.delete_object(&key),
            },
        }
    }

    fn force_unlock(&self, id: &str) -> Result<()> {
        let key = self.lock_key();
        let Some(bytes) = self.shared.get_object(&key)? else {
            return Err(Error::NotLocked { lock_path: self.lock_location().into() });
        };
        if let Ok(held) = serde_json::from_slice::<LockInfo>(&bytes) {
            if held.id != id {
                return Err(Error::LockIdMismatch { given: id.to_owned(), actual: held.id });
            }
        }
        self.shared.delete_object(&key)
    }

    fn put_history(&self, serial: u64, bytes: &[u8], keep: usize) -> Result<()> {
        self.shared.put_object(&self.history_key(serial), bytes.to_vec())?;
        let mut serials = self.list_history()?;
        serials.sort_unstable();
        if serials.len() > keep {
            for old in &serials[..serials.len() - keep] {
                self.shared.delete_object(&self.history_key(*old))?;
            }
        }
        Ok(())
    }

    fn list_history(&self) -> Result<Vec<u64>> {
        let prefix = format!("{}.history/", self.state_key);
        Ok(self
            .shared
            .list(&prefix)?
            .iter()
            .filter_map(|k| k.strip_prefix(&prefix)?.strip_suffix(".tfstate")?.parse::<u64>().ok())
            .collect())
    }

    fn get_history(&self, serial: u64) -> Result<Option<Vec<u8>>> {
        self.shared.get_object(&self.history_key(serial))
    }

    fn history_location(&self, serial: u64) -> String {
        self.shared.uri(&self.history_key(serial))
    }
}
