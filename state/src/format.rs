//! Reading and writing state file bytes (no I/O: see [`crate::LocalStateFile`] for files).

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use serde_json::Value;

use crate::error::ReadError;
use crate::fast_read;
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
    read_state_with(bytes, true)
}

/// [`read_state`], keeping attribute texts (`raw`) or not: without, it is the reading every
/// value parsed that `read_state` must agree with (tests compare the two).
fn read_state_with(bytes: &[u8], raw: bool) -> Result<Option<StateFile>, ReadError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(None);
    }
    if bytes.starts_with(b"tfstate") {
        return Err(ReadError::LegacyBinary);
    }

    // The common case first: a well-formed state is read in one pass by the state's own reader
    // (see `fast_read`), keeping each instance's attributes as text (see `LazyJson`). What that
    // reader leaves (anything unusual, every error) is parsed by `serde_json`, still keeping
    // attribute texts when they are sure to parse into a value later. Otherwise the file is
    // parsed again with every value parsed, exactly as it always was: that pass decides between
    // the state and the error. Only when it fails too are the slower passes run, to report the
    // most helpful error: the version first (a state of another format version is reported as
    // such, not as a confusing structural error about a field that moved), then the path of the
    // field at fault.
    let fast = if raw {
        fast_read::read(bytes).or_else(|| lazy_json::capture_raw(|| serde_json::from_slice::<StateFile>(bytes)).ok().filter(raw_parses_as_values))
    } else {
        None
    };
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
    // Instances are told apart by their parts, borrowed; the address text is only built for
    // a message (building it for every instance was a tenth of reading a large state). The
    // resource's parts are hashed once per resource, each instance's key once per instance.
    type Fast = foldhash::fast::RandomState;
    let mut resources: HashMap<_, usize, Fast> = HashMap::default();
    let mut instances: Vec<HashSet<_, Fast>> = Vec::new();
    for resource in &state.resources {
        let address = (resource.module.as_deref(), &resource.mode, resource.type_.as_str(), resource.name.as_str());
        let slot = *resources.entry(address).or_insert_with(|| {
            instances.push(HashSet::with_capacity_and_hasher(resource.instances.len(), Fast::default()));
            instances.len() - 1
        });
        for instance in &resource.instances {
            let addr = || resource.instance_address(instance.index_key.as_ref());
            if let Some(deposed) = &instance.deposed {
                if deposed.len() != 8 {
                    return Err(ReadError::Invalid {
                        summary: "Invalid resource instance metadata in state".into(),
                        detail: format!(
                            "Instance {} has an object with deposed key \"{deposed}\", which is not correctly formatted.",
                            addr()
                        ),
                    });
                }
            }
            if !(instance.attributes.is_object() || instance.attributes.is_null()) {
                return Err(ReadError::Invalid {
                    summary: "Invalid resource instance attributes in state".into(),
                    detail: format!("Instance {} has attributes that are not a JSON object.", addr()),
                });
            }
            let key = (instance.index_key.as_ref(), instance.deposed.as_deref());
            if !instances.get_mut(slot).is_some_and(|seen| seen.insert(key)) {
                let addr = addr();
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

/// For tests and the fuzzer (`fuzz/fuzz_targets/read_state_fast.rs`): when the state's own
/// reader reads `bytes`, `serde_json` must read them into the same state with the same attribute
/// texts. `Ok(true)` when the own reader read them and both agree, `Ok(false)` when it declined,
/// the disagreement otherwise.
#[doc(hidden)]
pub fn fast_reader_agrees(bytes: &[u8]) -> std::result::Result<bool, String> {
    let Some(fast) = fast_read::read(bytes) else { return Ok(false) };
    let by_serde = lazy_json::capture_raw(|| serde_json::from_slice::<StateFile>(bytes))
        .map_err(|e| format!("read by the fast reader, refused by serde_json: {e}"))?;
    if format!("{fast:?}") != format!("{by_serde:?}") {
        return Err(format!("different states:\n{fast:?}\n{by_serde:?}"));
    }
    let texts = |state: &StateFile| state.instances().map(|(_, i)| i.attributes.raw_text().map(str::to_owned)).collect::<Vec<_>>();
    if texts(&fast) != texts(&by_serde) {
        return Err("different attribute texts".to_string());
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    /// Every state file in the repository: the state crate's fixtures (corrupt ones included)
    /// and the corpus' golden states.
    fn repository_states() -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else { return };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.contains(".tfstate")) {
                    out.push(path);
                }
            }
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut out = Vec::new();
        walk(&root.join("state/tests/fixtures"), &mut out);
        walk(&root.join("tests/corpus"), &mut out);
        out.sort();
        out
    }

    /// A state whose one instance has `attributes` as given (JSON text, spliced in verbatim).
    fn state_with_attributes(attributes: &str) -> String {
        format!(
            r#"{{"version": 4, "terraform_version": "1.11.4", "serial": 3, "lineage": "l",
  "outputs": {{"o": {{"value": {{"a": [1, 1e400]}}, "type": ["object", {{"a": ["tuple", ["number", "number"]]}}]}}}},
  "resources": [{{"mode": "managed", "type": "t", "name": "n", "provider": "provider[\"p\"]",
    "instances": [{{"schema_version": 0, "attributes": {attributes},
      "sensitive_attributes": [[{{"type": "get_attr", "value": "s"}}]]}}]}}],
  "check_results": null}}"#
        )
    }

    /// Attribute texts that exercise the reader: numbers in every spelling, escapes, surrogate
    /// pairs and lone surrogates, deep nesting on both sides of the limits, duplicate keys,
    /// HTML-escaped characters, null and non-object attributes.
    fn attribute_texts() -> Vec<String> {
        let mut texts: Vec<String> = [
            r#"{"id": "x", "n": [1e400, -0, 0.1, 12345678901234567890123, 1E5, 1.50, -2.5e-3, 0, 18446744073709551616]}"#,
            r#"{"s": "tab\tnl\n quote\" backslash\\ slash\/ \u00e9 \u0001 \ud83d\ude00 <>& \u2028", "k": {"\u00e9": true}}"#,
            r#"{"input": {"value": {"a": [1, "x", null]}, "type": ["object", {"a": ["tuple", ["number", "string", "dynamic"]]}]}, "m": {}}"#,
            r#"{"l": [], "o": {}, "nested": {"a": {"b": {"c": [[[{"d": null}]]]}}}}"#,
            r#"{"dup": 1, "dup": 2}"#,
            r#"{"bad": "\ud800"}"#,
            r#"{"bad": "\udc00 after"}"#,
            r#"{"escaped_not_surrogate": "\\ud800"}"#,
            "null",
            "[]",
            r#""text""#,
            "{}",
            "{\n      \"pretty\": [\n        1,\n        2\n      ]\n    }",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        for depth in [90, 94, 95, 96, 110, 122, 123, 124, 130, 200] {
            texts.push(format!("{{\"deep\": {}1{}}}", "[".repeat(depth), "]".repeat(depth)));
        }
        texts
    }

    fn assert_same_reading(bytes: &[u8], what: &str) {
        let raw = read_state_with(bytes, true);
        let eager = read_state_with(bytes, false);
        match (&raw, &eager) {
            (Ok(Some(a)), Ok(Some(b))) => {
                assert_eq!(a, b, "{what}: same state");
                assert_eq!(write_state(a), write_state(b), "{what}: same bytes written");
                assert_eq!(format!("{a:?}"), format!("{b:?}"), "{what}: same state, in detail");
            }
            _ => assert_eq!(format!("{raw:?}"), format!("{eager:?}"), "{what}: same outcome"),
        }
    }

    #[test]
    fn raw_reading_agrees_with_parsing_every_value_on_every_repository_state() {
        let states = repository_states();
        assert!(states.len() > 50, "the fixtures were found ({} states)", states.len());
        let mut kept_text = 0;
        for path in &states {
            let bytes = std::fs::read(path).unwrap();
            assert_same_reading(&bytes, &path.display().to_string());
            if let Ok(Some(state)) = read_state(&bytes) {
                kept_text += state.instances().filter(|(_, i)| i.attributes.raw_text().is_some()).count();
            }
        }
        assert!(kept_text > 50, "attributes are kept as text ({kept_text})");
    }

    #[test]
    fn raw_reading_agrees_with_parsing_every_value_on_unusual_attributes() {
        for attributes in attribute_texts() {
            let text = state_with_attributes(&attributes);
            assert_same_reading(text.as_bytes(), &attributes);
            // Truncated anywhere, the same error.
            for cut in (0..text.len()).step_by(7) {
                if text.is_char_boundary(cut) {
                    assert_same_reading(&text.as_bytes()[..cut], &format!("{attributes} cut at {cut}"));
                }
            }
        }
    }

    /// Damaged states, every way: a byte dropped, doubled or replaced by one of JSON's
    /// punctuation characters, at every position of a small state. Each is read the same as
    /// with every value parsed: the same state, or the same error.
    #[test]
    fn damaged_states_are_read_as_before() {
        let text = state_with_attributes(r#"{"id": "x", "n": [1, -2.5e3, {"k": "v\n"}], "e": {}, "t": true, "z": null}"#);
        let bytes = text.as_bytes();
        for i in 0..bytes.len() {
            let mut dropped = bytes.to_vec();
            dropped.remove(i);
            assert_same_reading(&dropped, &format!("byte {i} dropped"));
            let mut doubled = bytes.to_vec();
            doubled.insert(i, bytes[i]);
            assert_same_reading(&doubled, &format!("byte {i} doubled"));
            for c in [b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'0', b'e', 0x01] {
                let mut replaced = bytes.to_vec();
                replaced[i] = c;
                assert_same_reading(&replaced, &format!("byte {i} replaced by {c}"));
            }
        }
    }

    /// When the state's own reader reads a file (see `fast_read`), `serde_json` reads it too,
    /// into the same state with the same attribute texts; and the file reads the same as with
    /// every value parsed.
    fn assert_fast_reading_agrees(bytes: &[u8], what: &str) -> bool {
        assert_same_reading(bytes, what);
        super::fast_reader_agrees(bytes).unwrap_or_else(|e| panic!("{what}: {e}"))
    }

    #[test]
    fn the_fast_reader_reads_usual_states_as_serde_json_does() {
        let mut read_fast = 0;
        for path in repository_states() {
            let bytes = std::fs::read(&path).unwrap();
            read_fast += usize::from(assert_fast_reading_agrees(&bytes, &path.display().to_string()));
        }
        assert!(read_fast > 50, "the fast reader read the usual states ({read_fast})");
    }

    /// A state with one resource of two instances, with members added to the root, the resource
    /// and the second instance (JSON members, spliced in verbatim, each ending with a comma):
    /// they replace the usual members of the same names.
    fn state_with_fields(root: &str, resource: &str, instance: &str) -> String {
        fn members(usual: &[&str], given: &str) -> String {
            let mut out: String = usual.iter().filter(|m| !given.contains(&m[..m.find(':').unwrap_or(0)])).map(|m| format!(" {m},")).collect();
            out.push_str(given);
            out.pop();
            out
        }
        let root = members(&[r#""version": 4"#, r#""terraform_version": "1.11.4""#, r#""serial": 3"#, r#""lineage": "l""#, r#""outputs": {}"#, r#""check_results": null"#, "\"resources\": RESOURCES"], root);
        let resource = members(&[r#""mode": "managed""#, r#""type": "t""#, r#""name": "n""#, r#""provider": "provider[\"p\"]""#, "\"instances\": INSTANCES"], resource);
        let instance = members(&[r#""index_key": 1"#, r#""attributes": {"id": "b"}"#, r#""sensitive_attributes": []"#], instance);
        let first = r#"{"index_key": 0, "schema_version": 1, "attributes": {"id": "a"}, "sensitive_attributes": []}"#;
        let resource = resource.replace("INSTANCES", &format!("[{first},\n    {{{instance}}}]"));
        format!("{{{}}}", root.replace("RESOURCES", &format!("[{{{resource}}}]")))
    }

    /// Every field in every spelling the fast reader reads itself, leaves to `serde_json`, or
    /// must refuse: each is read as with every value parsed, and as `serde_json` reads it.
    #[test]
    fn the_fast_reader_agrees_on_every_spelling_of_every_field() {
        let root = [
            "", r#" "version": 4,"#, r#" "serial": 1.0,"#, r#" "serial": 01,"#, r#" "serial": -1,"#, r#" "serial": 18446744073709551616,"#,
            r#" "lineage": "l\u0069n","#, r#" "unknown": {"a": [1, {"b": "\n"}]},"#, r#" "unknown": 1, "unknown": 2,"#, r#" "vers\u0069on": 4,"#,
            r#" "check_results": [{"object_kind": "resource", "config_addr": "t.n", "status": "pass", "objects": null}],"#,
            r#" "outputs": {"o": {"value": 1, "type": "number"}},"#, r#" "terraform_version": null,"#, r#" "x": "\ud83d\ude00","#,
        ];
        let resource = [
            "", r#" "module": "module.m","#, r#" "module": "","#, r#" "module": null,"#, r#" "module": 1,"#, r#" "each": "list","#,
            r#" "each": null,"#, r#" "each": "","#, r#" "mode": "data","#, r#" "mode": "d\u0061ta","#, r#" "mode": "other","#,
            r#" "name": "n\"q","#, r#" "name": "\b\f\n\r\t\/\\ \u00e9\u20AC\u0000 é","#, r#" "type": null,"#, r#" "instances": null,"#, r#" "provider": "p", "provider": "p","#,
        ];
        let instance = [
            "", r#" "index_key": 2,"#, r#" "index_key": "k","#, r#" "index_key": "k\"q","#, r#" "index_key": -1,"#, r#" "index_key": 1.0,"#,
            r#" "index_key": 1.5,"#, r#" "index_key": null,"#, r#" "index_key": 123456789012345678901,"#, r#" "index_key": true,"#,
            r#" "status": "tainted","#, r#" "status": null,"#, r#" "status": "t\u0061inted","#, r#" "status": "other","#,
            r#" "deposed": "abcdefgh","#, r#" "deposed": "","#, r#" "deposed": null,"#, r#" "deposed": "short","#, r#" "schema_version": 2,"#,
            r#" "schema_version": 1e0,"#, r#" "private": "eyJ4Ijp7fX0=","#, r#" "private": "","#, r#" "private": null,"#,
            r#" "dependencies": ["a.b", "c.d"],"#, r#" "dependencies": ["a\u002eb"],"#, r#" "dependencies": [],"#, r#" "dependencies": null,"#,
            r#" "dependencies": [1],"#, r#" "create_before_destroy": true,"#, r#" "create_before_destroy": false,"#,
            r#" "create_before_destroy": null,"#, r#" "attributes_flat": {"a": "b"},"#, r#" "attributes_flat": null,"#,
            r#" "sensitive_attributes": [[{"type": "get_attr", "value": "id"}]],"#, r#" "sensitive_attributes": [ ],"#,
            r#" "sensitive_attributes": null,"#, r#" "attributes": null,"#, r#" "attributes": [1],"#, r#" "attributes": {"a": 1}, "attributes": {},"#,
            r#" "attributes": {"n": [1e400, -0, 0.1, 1E+5, -2.5e-3], "s": "\u00e9\/\b\f\r\t", "u": "é 😀"},"#,
            r#" "attributes": {"a": "\ud800"},"#, r#" "attributes": {"a": "\u12"},"#, r#" "attributes": {"a": 01},"#,
            r#" "attributes": {"a": 1.},"#, r#" "attributes": {"a": -},"#, r#" "attributes": {"a": [1,]},"#, r#" "attributes": {"a": {"b":1,}},"#,
            r#" "attributes": {"a" 1},"#, r#" "attributes": {"a": tru},"#, r#" "attributes": {"a": "tab	in"},"#, r#" "attr": {"a": "\x"},"#,
            r#" "identity": {"a": [[[]]]},"#,
        ];
        let mut read_fast = 0;
        for (r, s, i) in root.iter().map(|r| (*r, "", "")).chain(resource.iter().map(|s| ("", *s, ""))).chain(instance.iter().map(|i| ("", "", *i))) {
            let text = state_with_fields(r, s, i);
            read_fast += usize::from(assert_fast_reading_agrees(text.as_bytes(), &text));
        }
        let mut deep = String::new();
        for depth in [90, 94, 95, 96, 100, 110, 130] {
            deep.clear();
            deep.push_str(&format!(r#" "attributes": {{"deep": {}1{}}},"#, "[".repeat(depth), "]".repeat(depth)));
            let text = state_with_fields("", "", &deep);
            read_fast += usize::from(assert_fast_reading_agrees(text.as_bytes(), &format!("depth {depth}")));
        }
        let invalid_utf8 = [state_with_fields("", "", " \"attributes\": {\"a\": \"\u{e9}\"},").as_bytes(), b"\xff"].concat();
        assert_fast_reading_agrees(&invalid_utf8, "invalid UTF-8");
        assert!(read_fast > 40, "the fast reader read the well-formed spellings itself ({read_fast})");
    }

    /// Damaged states with every field the fast reader reads itself: a byte dropped, doubled
    /// or replaced at every position; each is read as with every value parsed.
    #[test]
    fn damaged_states_with_every_field_are_read_as_before() {
        let text = state_with_fields(
            r#" "unknown": [true, null],"#,
            r#" "module": "module.m", "each": "list","#,
            r#" "status": "tainted", "deposed": "abcdefgh", "private": "eA==", "dependencies": ["a.b"], "create_before_destroy": true,"#,
        );
        let bytes = text.as_bytes();
        for i in 0..bytes.len() {
            let mut dropped = bytes.to_vec();
            dropped.remove(i);
            assert_fast_reading_agrees(&dropped, &format!("byte {i} dropped"));
            let mut doubled = bytes.to_vec();
            doubled.insert(i, bytes[i]);
            assert_fast_reading_agrees(&doubled, &format!("byte {i} doubled"));
            for c in [b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'0', b'e', b' ', 0x01, 0xff] {
                let mut replaced = bytes.to_vec();
                replaced[i] = c;
                assert_fast_reading_agrees(&replaced, &format!("byte {i} replaced by {c}"));
            }
        }
    }

    #[test]
    fn attribute_texts_that_would_not_parse_later_are_parsed_now() {
        // Lone surrogate: the whole file is read as before, which refuses it.
        let text = state_with_attributes(r#"{"bad": "\ud800"}"#);
        assert!(read_state(text.as_bytes()).is_err());
        // Deep but within serde_json's limit: read, and parsed already.
        let text = state_with_attributes(&format!("{{\"deep\": {}1{}}}", "[".repeat(110), "]".repeat(110)));
        let state = read_state(text.as_bytes()).unwrap().unwrap();
        assert_eq!(state.resources[0].instances[0].attributes.raw_text(), None);
        // Usual text stays text, and an attribute read as text compares and writes as a value.
        let text = state_with_attributes(r#"{"id": "x", "n": 1E5}"#);
        let state = read_state(text.as_bytes()).unwrap().unwrap();
        let attributes = &state.resources[0].instances[0].attributes;
        assert_eq!(attributes.raw_text(), Some(r#"{"id": "x", "n": 1E5}"#));
        assert_eq!(*attributes, serde_json::from_str::<Value>(r#"{"id":"x","n":1E5}"#).unwrap());
        assert!(write_state(&state).contains("\"n\": 1e+5"));
    }
}
