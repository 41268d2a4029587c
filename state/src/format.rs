//! Reading and writing state file bytes (no I/O: see [`crate::LocalStateFile`] for files).

use std::collections::HashSet;

use serde::Deserialize;
use serde_json::Value;

use crate::error::ReadError;
use crate::gojson;
use crate::lazy_json;
use crate::model::{LazyJson, StateFile, STATE_FORMAT_VERSION};

/// Parses state file bytes.
///
/// Returns `Ok(None)` for an empty (or whitespace-only) input: Terraform treats a zero-length
/// state file as "no state yet", and so do we. Any other input that is not a valid v4 state is an
/// error that says what is wrong and where (line and column for JSON errors); older formats
/// (1–3) and newer ones (5+) are refused with a [`ReadError::UnsupportedVersion`] rather than
/// guessed at.
pub fn read_state(bytes: &[u8]) -> Result<Option<StateFile>, ReadError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(None);
    }
    if bytes.starts_with(b"tfstate") {
        return Err(ReadError::LegacyBinary);
    }

    // The common case first: a well-formed state parses in one pass, keeping each instance's
    // attributes as text (see `LazyJson`) when that text is sure to parse into a value later.
    // Otherwise the file is parsed again with every value parsed, exactly as it always was:
    // that pass decides between the state and the error. Only when it fails too are the slower
    // passes run, to report the most helpful error: the version first (a state of another
    // format version is reported as such, not as a confusing structural error about a field
    // that moved), then the path of the field at fault.
    let fast = lazy_json::capture_raw(|| serde_json::from_slice::<StateFile>(bytes)).ok().filter(raw_parses_as_values);
    let mut state: StateFile = match fast.map_or_else(|| serde_json::from_slice::<StateFile>(bytes), Ok) {
        Ok(state) => {
            check_version(&serde_json::Value::from(state.version), Some(state.terraform_version.as_str()))?;
            state
        }
        Err(_) => {
            probe_version(bytes)?;
            return Err(structural_error(bytes));
        }
    };
    validate(&state)?;
    // Terraform treats an instance without attributes (and without legacy flat attributes) as an
    // empty object.
    for resource in &mut state.resources {
        for instance in &mut resource.instances {
            if instance.attributes.is_null() && instance.attributes_flat.is_none() {
                instance.attributes = LazyJson::from_value(Value::Object(serde_json::Map::new()));
            }
        }
    }
    Ok(Some(state))
}

/// Whether every attribute text kept by a raw read parses into a value as the whole file would
/// have (see [`lazy_json::parses_as_value`]). Attributes sit five levels deep in the document:
/// root object, `resources`, a resource, `instances`, an instance.
fn raw_parses_as_values(state: &StateFile) -> bool {
    const ATTRIBUTES_DEPTH: usize = 5;
    state.instances().all(|(_, instance)| instance.attributes.raw_text().is_none_or(|text| lazy_json::parses_as_value(text, ATTRIBUTES_DEPTH)))
}

/// Serialises a state exactly as Terraform 1.11 does: normalised order, Go's
/// `MarshalIndent` layout and escaping, and a trailing newline.
///
/// The `version` written is always 4, whatever the field holds.
pub fn write_state(state: &StateFile) -> String {
    // A state already in order (the engine's always is) is written as it is; only others are
    // copied to be normalised.
    let mut text = if state.version == STATE_FORMAT_VERSION && state.is_normalized() {
        serialize_pretty(state)
    } else {
        let mut state = state.clone();
        state.version = STATE_FORMAT_VERSION;
        state.normalize();
        serialize_pretty(&state)
    };
    text.push('\n');
    text
}

fn serialize_pretty(state: &StateFile) -> String {
    // Serialising plain data structs with string keys cannot fail; were it to, the slower path
    // through a `Value` gives the same bytes.
    gojson::to_string_pretty_from(state).unwrap_or_else(|_| gojson::to_string_pretty(&state_to_value(state)))
}

/// The state as a JSON value in Terraform's field order.
pub(crate) fn state_to_value(state: &StateFile) -> Value {
    // Serialising plain data structs with string keys into a `Value` cannot fail; an error here
    // would be a bug in the derives, so fall back to `null` rather than panic.
    serde_json::to_value(state).unwrap_or(Value::Null)
}

/// The version check on its own, for a file that does not parse as a whole.
fn probe_version(bytes: &[u8]) -> Result<(), ReadError> {
    #[derive(Deserialize)]
    struct Probe {
        version: Option<Value>,
        terraform_version: Option<Value>,
    }
    let probe: Probe = serde_json::from_slice(bytes).map_err(|err| {
        // Valid JSON that is not an object would otherwise be reported in terms of our internal
        // probe struct.
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
        match (err.classify(), first) {
            (serde_json::error::Category::Data, Some(b)) if b != b'{' => ReadError::Structure {
                message: "the state file must contain a JSON object, but its top level is not an object".into(),
                line: 1,
                column: 1,
            },
            _ => json_error(err),
        }
    })?;
    let written_by = match &probe.terraform_version {
        Some(Value::String(s)) => Some(s.as_str()),
        _ => None,
    };
    check_version(probe.version.as_ref().unwrap_or(&Value::Null), written_by)
}

/// Terraform's checks of the `version` field: present, a positive integer, and 4.
fn check_version(version: &Value, written_by: Option<&str>) -> Result<(), ReadError> {
    let version = match version {
        Value::Null => return Err(ReadError::MissingVersion),
        Value::Number(n) => match n.as_u64() {
            Some(0) => return Err(ReadError::VersionZero),
            Some(v) => v,
            None => return Err(ReadError::InvalidVersion { found: n.to_string() }),
        },
        other => return Err(ReadError::InvalidVersion { found: other.to_string() }),
    };
    if version != STATE_FORMAT_VERSION {
        let written_by = written_by.filter(|s| !s.is_empty()).map(str::to_owned);
        return Err(ReadError::UnsupportedVersion { version, written_by });
    }
    Ok(())
}

/// The error of a file whose version is right but whose structure is not: serde_path_to_error
/// names the field at fault (`resources[0].instances[1].index_key`).
fn structural_error(bytes: &[u8]) -> ReadError {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, StateFile>(&mut deserializer) {
        Err(err) => {
            let path = err.path().to_string();
            let mut read_error = json_error(err.into_inner());
            if let ReadError::Structure { message, .. } = &mut read_error {
                if path != "." && !path.is_empty() {
                    *message = format!("{path}: {message}");
                }
            }
            read_error
        }
        // Only trailing characters can make the whole-document parse fail after this one passed.
        Ok(_) => match deserializer.end() {
            Err(err) => json_error(err),
            Ok(()) => ReadError::Structure { message: "the state file could not be read".into(), line: 1, column: 1 },
        },
    }
}

fn json_error(err: serde_json::Error) -> ReadError {
    use serde_json::error::Category;
    let (line, column) = (err.line(), err.column());
    match err.classify() {
        Category::Eof => ReadError::Truncated { line, column },
        Category::Syntax => ReadError::Syntax { message: strip_position(&err), line, column },
        Category::Data | Category::Io => {
            ReadError::Structure { message: strip_position(&err), line, column }
        }
    }
}

/// serde_json appends " at line L column C"; we report the position in our own fields.
fn strip_position(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// The checks Terraform's `prepareStateV4` makes beyond JSON structure.
fn validate(state: &StateFile) -> Result<(), ReadError> {
    let mut seen = HashSet::new();
    for resource in &state.resources {
        for instance in &resource.instances {
            let addr = resource.instance_address(instance.index_key.as_ref());
            if let Some(deposed) = &instance.deposed {
                if deposed.len() != 8 {
                    return Err(ReadError::Invalid {
                        summary: "Invalid resource instance metadata in state".into(),
                        detail: format!(
                            "Instance {addr} has an object with deposed key \"{deposed}\", which is not correctly formatted."
                        ),
                    });
                }
            }
            if !(instance.attributes.is_object() || instance.attributes.is_null()) {
                return Err(ReadError::Invalid {
                    summary: "Invalid resource instance attributes in state".into(),
                    detail: format!("Instance {addr} has attributes that are not a JSON object."),
                });
            }
            let key = (addr.clone(), instance.deposed.clone());
            if !seen.insert(key) {
                let detail = match &instance.deposed {
                    Some(dk) => format!(
                        "Instance {addr} deposed object \"{dk}\" appears multiple times in the state file."
                    ),
                    None => format!("Instance {addr} appears multiple times in the state file."),
                };
                return Err(ReadError::Invalid {
                    summary: "Duplicate resource instance in state".into(),
                    detail,
                });
            }
        }
    }
    Ok(())
}
