//! The built-in `local` provider, compatible with `hashicorp/local`: it writes and reads files
//! on the machine that runs infra.
//!
//! Resources: `local_file` and `local_sensitive_file` (every argument forces replacement; a
//! refresh that finds the file missing or its content changed reports the object gone, so the
//! engine plans it again). Data sources: `local_file` and `local_sensitive_file`.
//!
//! After a crash, [`Provider::recover_by_token`] looks at the planned `filename`: a file holding
//! exactly the planned content is adopted with the attributes a create computes; a file with
//! other content (a torn write, or sensitive content the journal does not record in clear) is
//! adopted as tainted, so the next apply writes it again; no file means nothing was created.
//!
//! Names, defaults, results and messages follow HashiCorp's provider. It is not a general file
//! manager: it owns exactly the file named by `filename` and deletes nothing else.
//!
//! Start reading at [`factory`], then [`LocalProvider`].

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use base64::Engine as _;
use infra_provider_sdk::schema::{Attribute, Block, ProviderSchema, ResourceSchema};
use infra_provider_sdk::{
    ApplyResourceRequest, ApplyResourceResponse, AttrPath, Diagnostic, Diagnostics, Provider, ProviderFactory,
    ReadDataSourceRequest, ReadDataSourceResponse, ReadResourceRequest, ReadResourceResponse, RecoverRequest,
    RecoverResponse, Type, ValidateResourceRequest, Value,
};
use md5::Digest as _;

/// The compiled-in `local` provider.
pub fn factory() -> ProviderFactory {
    ProviderFactory { name: "local", source: "hashicorp/local", new: || Arc::new(LocalProvider) }
}

/// The `local` provider. Stateless: every call works on the file system directly.
pub struct LocalProvider;

const LOCAL_FILE: &str = "local_file";
const LOCAL_SENSITIVE_FILE: &str = "local_sensitive_file";

/// The checksum attributes every resource and data source computes, in schema order.
const CHECKSUM_ATTRS: [(&str, &str); 6] = [
    ("content_md5", "MD5 checksum of file content."),
    ("content_sha1", "SHA1 checksum of file content."),
    ("content_sha256", "SHA256 checksum of file content."),
    ("content_base64sha256", "Base64 encoded SHA256 checksum of file content."),
    ("content_sha512", "SHA512 checksum of file content."),
    ("content_base64sha512", "Base64 encoded SHA512 checksum of file content."),
];

fn string() -> Type {
    Type::String
}

fn with_checksums(mut block: Block) -> Block {
    block = block.attr(
        "id",
        Attribute::computed(string()).describe("The hexadecimal encoding of the SHA1 checksum of the file content."),
    );
    for (name, desc) in CHECKSUM_ATTRS {
        block = block.attr(name, Attribute::computed(string()).describe(desc));
    }
    block
}

/// The schema of `local_file` (sensitive = false) or `local_sensitive_file` (true).
fn file_resource_block(sensitive: bool) -> Block {
    let default_perm = if sensitive { "0700" } else { "0777" };
    let mut content = Attribute::optional(string()).force_new().describe("Content to store in the file, expected to be a UTF-8 encoded string.");
    let mut content_base64 = Attribute::optional(string())
        .force_new()
        .describe("Content to store in the file, expected to be binary encoded as base64 string.");
    if sensitive {
        content = content.sensitive();
        content_base64 = content_base64.sensitive();
    }
    let mut block = Block::new()
        .attr(
            "filename",
            Attribute::required(string()).force_new().describe(
                "The path to the file that will be created. Missing parent directories will be created. \
                 If the file already exists, it will be overridden with the given content.",
            ),
        )
        .attr("content", content)
        .attr("content_base64", content_base64)
        .attr(
            "source",
            Attribute::optional(string()).force_new().describe("Path to file to use as source for the one we are creating."),
        )
        .attr(
            "file_permission",
            Attribute::optional_computed(string())
                .force_new()
                .with_default(Value::string(default_perm))
                .describe("Permissions to set for the output file (before umask), expressed as string in numeric notation."),
        )
        .attr(
            "directory_permission",
            Attribute::optional_computed(string())
                .force_new()
                .with_default(Value::string(default_perm))
                .describe("Permissions to set for directories created (before umask), expressed as string in numeric notation."),
        );
    if !sensitive {
        block = block.attr(
            "sensitive_content",
            Attribute::optional(string())
                .force_new()
                .sensitive()
                .describe("Sensitive content to store in the file (deprecated: use local_sensitive_file)."),
        );
    }
    block.description = if sensitive {
        "Generates a local file with the given sensitive content.".into()
    } else {
        "Generates a local file with the given content.".into()
    };
    with_checksums(block)
}

fn file_data_source_block(sensitive: bool) -> Block {
    let mut content = Attribute::computed(string()).describe("Raw content of the file that was read, as UTF-8 encoded string.");
    let mut content_base64 = Attribute::computed(string()).describe("Base64 encoded version of the file content.");
    if sensitive {
        content = content.sensitive();
        content_base64 = content_base64.sensitive();
    }
    let block = Block::new()
        .attr(
            "filename",
            Attribute::required(string())
                .describe("Path to the file that will be read. The data source will return an error if the file does not exist."),
        )
        .attr("content", content)
        .attr("content_base64", content_base64);
    with_checksums(block)
}

fn provider_schema() -> Arc<ProviderSchema> {
    static SCHEMA: OnceLock<Arc<ProviderSchema>> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            let mut s = ProviderSchema::default();
            for (name, sensitive) in [(LOCAL_FILE, false), (LOCAL_SENSITIVE_FILE, true)] {
                s.resources.insert(name.into(), ResourceSchema { version: 0, block: file_resource_block(sensitive), importable: false });
                s.data_sources.insert(name.into(), ResourceSchema { version: 0, block: file_data_source_block(sensitive), importable: false });
            }
            Arc::new(s)
        })
        .clone()
}

/// The arguments of which exactly one gives a file's content, in HashiCorp's precedence order.
fn content_arguments(type_name: &str) -> &'static [&'static str] {
    if type_name == LOCAL_FILE {
        &["content", "sensitive_content", "content_base64", "source"]
    } else {
        &["content", "content_base64", "source"]
    }
}

/// A known string attribute, or `None` when null or unknown.
fn known_str<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get_attr(name).and_then(Value::as_str)
}

/// Checks a `file_permission`/`directory_permission` string as HashiCorp's custom type does.
fn check_permission(name: &str, value: &str) -> Option<Diagnostic> {
    let summary = "Invalid File Permission String Value";
    if value.len() < 3 || value.len() > 4 {
        return Some(
            Diagnostic::error(summary, format!("bad mode permission: string length should be 3 or 4 digits: {value}"))
                .with_attr_path(AttrPath::attr(name)),
        );
    }
    match i64::from_str_radix(value, 8) {
        Ok(mode) if (0..=0o777).contains(&mode) => None,
        _ => Some(
            Diagnostic::error(summary, format!("bad mode permission: string must be expressed in octal numeric notation: {value}"))
                .with_attr_path(AttrPath::attr(name)),
        ),
    }
}

/// Parses a permission string already validated; invalid text falls back to 0 as Go's
/// `strconv.ParseInt` result would be ignored there.
fn parse_mode(value: Option<&str>, default: u32) -> u32 {
    value.and_then(|v| u32::from_str_radix(v, 8).ok()).unwrap_or(default)
}

/// The checksums a file's content yields, as `(attribute, value)` pairs plus the `id`.
fn checksums(content: &[u8]) -> BTreeMap<String, Value> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let sha1_hex = hex::encode(sha1::Sha1::digest(content));
    let sha256 = sha2::Sha256::digest(content);
    let sha512 = sha2::Sha512::digest(content);
    let mut m = BTreeMap::new();
    m.insert("id".to_string(), Value::string(&sha1_hex));
    m.insert("content_md5".to_string(), Value::string(hex::encode(md5::Md5::digest(content))));
    m.insert("content_sha1".to_string(), Value::string(&sha1_hex));
    m.insert("content_sha256".to_string(), Value::string(hex::encode(sha256)));
    m.insert("content_base64sha256".to_string(), Value::string(b64.encode(sha256)));
    m.insert("content_sha512".to_string(), Value::string(hex::encode(sha512)));
    m.insert("content_base64sha512".to_string(), Value::string(b64.encode(sha512)));
    m
}

/// The error detail HashiCorp's provider writes for an underlying failure.
fn original_error(what: &str, err: impl std::fmt::Display) -> String {
    format!("An unexpected error occurred while {what}\n\nOriginal Error: {err}")
}

/// Returns the bytes the planned state asks to write, in HashiCorp's precedence order:
/// sensitive content, base64 content, source file, then plain content.
fn planned_content(type_name: &str, planned: &Value) -> Result<Vec<u8>, String> {
    let sensitive_content = if type_name == LOCAL_FILE { known_str(planned, "sensitive_content") } else { None };
    if let Some(s) = sensitive_content {
        return Ok(s.as_bytes().to_vec());
    }
    if let Some(b) = known_str(planned, "content_base64") {
        return base64::engine::general_purpose::STANDARD.decode(b).map_err(|e| e.to_string());
    }
    if let Some(src) = known_str(planned, "source") {
        return std::fs::read(src).map_err(|e| format!("open {src}: {e}"));
    }
    Ok(known_str(planned, "content").unwrap_or("").as_bytes().to_vec())
}

/// Writes the file the planned state describes and returns the new state.
fn create_file(type_name: &str, planned: &Value) -> Result<Value, Diagnostic> {
    let summary = if type_name == LOCAL_FILE { "Create local file error" } else { "Create local sensitive file error" };
    let content = planned_content(type_name, planned)
        .map_err(|e| Diagnostic::error(summary, original_error("parsing local file content", e)))?;
    let filename = known_str(planned, "filename")
        .ok_or_else(|| Diagnostic::error(summary, "The planned filename is not known."))?;
    let default_perm = if type_name == LOCAL_FILE { 0o777 } else { 0o700 };
    let dir_mode = parse_mode(known_str(planned, "directory_permission"), default_perm);
    let file_mode = parse_mode(known_str(planned, "file_permission"), default_perm);

    let parent = Path::new(filename).parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(dir) = parent {
        if std::fs::metadata(dir).is_err() {
            create_dirs(dir, dir_mode).map_err(|e| Diagnostic::error(summary, original_error("creating file directory", e)))?;
        }
    }
    write_file(Path::new(filename), &content, file_mode)
        .map_err(|e| Diagnostic::error(summary, original_error("writing the file", format!("open {filename}: {e}"))))?;

    let mut state: BTreeMap<String, Value> = planned.as_entries().cloned().unwrap_or_default();
    state.extend(checksums(&content));
    Ok(Value::object(state))
}

/// What an interrupted create of `req.planned_state` left at its `filename` (see the crate docs).
/// The file is the object: the token is not needed to find it.
fn recover_file(req: &RecoverRequest) -> RecoverResponse {
    let planned = &req.planned_state;
    let Some(filename) = known_str(planned, "filename") else { return RecoverResponse::Unknown };
    let actual = match std::fs::read(filename) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return RecoverResponse::Absent,
        Err(_) => return RecoverResponse::Unknown,
    };
    // The state as a create would have recorded it, but with the checksums of what is on disk:
    // a later refresh compares the file against exactly these.
    let mut state: BTreeMap<String, Value> = planned.as_entries().cloned().unwrap_or_default();
    state.extend(checksums(&actual));
    // Exactly one content argument is set (validation checks it). When none is known, the one
    // that was set is one the journal could not record (sensitive, by schema or through a
    // sensitive variable; see `req.redacted`): the content cannot be compared, so the file is
    // adopted as tainted and written again.
    let content_redacted = content_arguments(&req.type_name).iter().all(|a| planned.get_attr(a).is_none_or(Value::is_null));
    let complete = !content_redacted && planned_content(&req.type_name, planned).is_ok_and(|c| c == actual);
    if complete {
        RecoverResponse::Exists(Value::object(state))
    } else {
        RecoverResponse::Incomplete(Value::object(state))
    }
}

#[cfg(unix)]
fn create_dirs(dir: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().recursive(true).mode(mode).create(dir)
}
#[cfg(not(unix))]
fn create_dirs(dir: &Path, _mode: u32) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// Like Go's `os.WriteFile`: creates with `mode` (before umask) or truncates an existing file,
/// whose permissions stay as they are.
#[cfg(unix)]
fn write_file(path: &Path, content: &[u8], mode: u32) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(mode).open(path)?;
    f.write_all(content)
}
#[cfg(not(unix))]
fn write_file(path: &Path, content: &[u8], _mode: u32) -> std::io::Result<()> {
    std::fs::write(path, content)
}

#[async_trait]
impl Provider for LocalProvider {
    fn schema(&self) -> Arc<ProviderSchema> {
        provider_schema()
    }

    fn validate_resource(&self, req: &ValidateResourceRequest) -> Diagnostics {
        let mut diags = Diagnostics::new();
        if req.type_name != LOCAL_FILE && req.type_name != LOCAL_SENSITIVE_FILE {
            return diags;
        }
        let args = content_arguments(&req.type_name);
        let mut set = 0;
        let mut any_unknown = false;
        for a in args {
            match req.config.get_attr(a) {
                Some(v) if !v.is_known() => any_unknown = true,
                Some(v) if !v.is_null() => set += 1,
                _ => {}
            }
        }
        let expressions = format!("[{}]", args.join(","));
        if set == 0 && !any_unknown {
            diags.push(Diagnostic::error(
                "Invalid Attribute Combination",
                format!("No attribute specified when one (and only one) of {expressions} is required"),
            ));
        } else if set > 1 {
            diags.push(Diagnostic::error(
                "Invalid Attribute Combination",
                format!("{set} attributes specified when one (and only one) of {expressions} are required"),
            ));
        }
        for name in ["file_permission", "directory_permission"] {
            if let Some(v) = known_str(&req.config, name) {
                if let Some(d) = check_permission(name, v) {
                    diags.push(d);
                }
            }
        }
        diags
    }

    async fn apply_resource(&self, req: ApplyResourceRequest) -> ApplyResourceResponse {
        let respond = |new_state: Value, diagnostics: Diagnostics| ApplyResourceResponse { new_state, private: Vec::new(), diagnostics };
        if req.type_name != LOCAL_FILE && req.type_name != LOCAL_SENSITIVE_FILE {
            return respond(req.prior_state, unsupported(&req.type_name).into());
        }
        if req.planned_state.is_null() {
            // Delete. As HashiCorp's provider, a file already gone is not an error.
            if let Some(filename) = known_str(&req.prior_state, "filename") {
                let _ = std::fs::remove_file(filename);
            }
            return respond(req.planned_state, Diagnostics::new());
        }
        if !req.prior_state.is_null() {
            // Every argument forces replacement, so an update only changes what the plan says.
            return respond(req.planned_state, Diagnostics::new());
        }
        match create_file(&req.type_name, &req.planned_state) {
            Ok(state) => respond(state, Diagnostics::new()),
            Err(d) => respond(Value::null(req.planned_state.ty()), d.into()),
        }
    }

    async fn recover_by_token(&self, req: RecoverRequest) -> RecoverResponse {
        if req.type_name != LOCAL_FILE && req.type_name != LOCAL_SENSITIVE_FILE {
            return RecoverResponse::Unknown;
        }
        recover_file(&req)
    }

    async fn read_resource(&self, req: ReadResourceRequest) -> ReadResourceResponse {
        let respond = |new_state: Value, diagnostics: Diagnostics| ReadResourceResponse { new_state, private: req.private.clone(), diagnostics };
        let state = &req.current_state;
        if state.is_null() {
            return respond(state.clone(), Diagnostics::new());
        }
        let summary =
            if req.type_name == LOCAL_FILE { "Read local file error" } else { "Read local sensitive file error" };
        let Some(filename) = known_str(state, "filename") else {
            // Only an object kept after a crash whose planned filename was not yet known has
            // none (see `recover_by_token`): no file can be found for it, so it is gone and the
            // plan creates it at the filename the configuration now gives.
            if state.get_attr("filename").is_some_and(Value::is_null) {
                return respond(Value::null(state.ty()), Diagnostics::new());
            }
            return respond(state.clone(), Diagnostic::error(summary, "The state has no filename.").into());
        };
        // A file deleted outside infra: the object is gone, and the engine plans to create it.
        if let Err(e) = std::fs::metadata(filename) {
            if e.kind() == std::io::ErrorKind::NotFound {
                return respond(Value::null(state.ty()), Diagnostics::new());
            }
        }
        let content = match std::fs::read(filename) {
            Ok(c) => c,
            Err(e) => {
                return respond(state.clone(), Diagnostic::error(summary, original_error("reading the file", e)).into());
            }
        };
        // A file edited outside infra no longer matches the content we wrote: reconcile by
        // reporting the object gone, as HashiCorp's provider does.
        let actual = hex::encode(sha1::Sha1::digest(&content));
        if Some(actual.as_str()) != known_str(state, "id") {
            return respond(Value::null(state.ty()), Diagnostics::new());
        }
        respond(state.clone(), Diagnostics::new())
    }

    async fn read_data_source(&self, req: ReadDataSourceRequest) -> ReadDataSourceResponse {
        if req.type_name != LOCAL_FILE && req.type_name != LOCAL_SENSITIVE_FILE {
            return ReadDataSourceResponse { state: Value::dynamic_null(), diagnostics: unsupported(&req.type_name).into() };
        }
        let summary = if req.type_name == LOCAL_FILE {
            "Read local file data source error"
        } else {
            "Read local sensitive file data source error"
        };
        let Some(filename) = known_str(&req.config, "filename") else {
            return ReadDataSourceResponse {
                state: Value::dynamic_null(),
                diagnostics: Diagnostic::error(summary, "The filename is not known.").into(),
            };
        };
        let content = match std::fs::read(filename) {
            Ok(c) => c,
            Err(e) => {
                return ReadDataSourceResponse {
                    state: Value::dynamic_null(),
                    diagnostics: Diagnostic::error(
                        summary,
                        format!("The file at given path cannot be read.\n\nOriginal Error: open {filename}: {e}"),
                    )
                    .into(),
                };
            }
        };
        let mut state = checksums(&content);
        state.insert("filename".into(), Value::string(filename));
        state.insert("content".into(), Value::string(String::from_utf8_lossy(&content)));
        state.insert("content_base64".into(), Value::string(base64::engine::general_purpose::STANDARD.encode(&content)));
        ReadDataSourceResponse { state: Value::object(state), diagnostics: Diagnostics::new() }
    }
}

fn unsupported(name: &str) -> Diagnostic {
    Diagnostic::error("Unsupported resource type", format!("This provider does not support the type {name:?}."))
}
