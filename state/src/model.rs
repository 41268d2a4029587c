//! The Terraform v4 state model, field for field.
//!
//! The structs mirror `internal/states/statefile/version4.go` of Terraform 1.11: field order is
//! serialisation order, and every `skip_serializing_if` reproduces a Go `omitempty`. Values
//! (attributes, outputs) stay JSON: converting them to typed values needs the provider schema,
//! which is the engine's business, not this crate's. Instance attributes are a [`LazyJson`]: read
//! from a file, they stay text until looked at, for the engine to decode straight from the text.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::lazy_json::LazyJson;

/// The only state format version this crate reads and writes.
pub const STATE_FORMAT_VERSION: u64 = 4;

/// The Terraform version `infra` claims in the `terraform_version` field of the states it writes.
///
/// States written by `infra` must stay readable by Terraform 1.11.4, which refuses a state whose
/// `terraform_version` is newer than itself; so we claim exactly that version.
pub const TERRAFORM_VERSION: &str = "1.11.4";

/// A whole state snapshot: what `terraform.tfstate` contains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateFile {
    /// Always 4; checked on read before the rest is parsed (see [`crate::read_state`]).
    pub version: u64,
    /// The version of the tool that wrote the file (Terraform writes its own version).
    #[serde(default)]
    pub terraform_version: String,
    /// Incremented by the writer each time the content changes (see [`crate::LocalStateFile`]).
    #[serde(default)]
    pub serial: u64,
    /// A UUID naming the history this snapshot belongs to; set once when a state is created and
    /// never changed, so that a snapshot from another history cannot silently replace this one.
    #[serde(default)]
    pub lineage: String,
    /// Root module outputs, sorted by name (Go sorts map keys on output).
    #[serde(default)]
    pub outputs: BTreeMap<String, OutputState>,
    /// Resources sorted by module, mode, type, name (see [`StateFile::normalize`]).
    #[serde(default)]
    pub resources: Vec<ResourceState>,
    /// Results of the last run's checks; Terraform writes `null` when there are none.
    #[serde(default)]
    pub check_results: Option<Vec<CheckResults>>,
}

/// A root module output value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputState {
    /// The value, in cty's JSON encoding for `type`.
    pub value: Value,
    /// The cty type in its JSON encoding, e.g. `"string"` or `["object", {"a": "number"}]`.
    #[serde(rename = "type")]
    pub type_: Value,
    /// Whether the output was declared `sensitive = true`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub sensitive: bool,
}

/// Whether a resource is managed (`resource` block) or a data source (`data` block).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ResourceMode {
    /// `data "type" "name"`; sorts before managed (Go compares the strings `data` < `managed`).
    #[serde(rename = "data")]
    Data,
    /// `resource "type" "name"`.
    #[serde(rename = "managed")]
    Managed,
}

impl ResourceMode {
    /// The spelling used in state and addresses' prefix (`data.` for data sources).
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceMode::Data => "data",
            ResourceMode::Managed => "managed",
        }
    }
}

/// One resource block's instances in one module instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceState {
    /// The module instance address, e.g. `module.app["a"].module.db`; `None` for the root module.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "empty_as_none")]
    pub module: Option<String>,
    /// Managed or data.
    pub mode: ResourceMode,
    /// The resource type, e.g. `random_id`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The resource name in configuration.
    pub name: String,
    /// `"list"` or `"map"` in states from Terraform 0.12–0.13. Terraform 1.x reads it but never
    /// writes it (the field is not set by its writer), so neither do we: it is kept on read only.
    #[serde(default, skip_serializing)]
    pub each: Option<String>,
    /// The absolute provider configuration address, e.g.
    /// `provider["registry.terraform.io/hashicorp/random"]` or
    /// `module.m.provider["registry.terraform.io/hashicorp/aws"].west`.
    pub provider: String,
    /// The instances; sorted by key then deposed key on write.
    #[serde(default)]
    pub instances: Vec<InstanceState>,
}

impl ResourceState {
    /// The resource address without instance key, e.g. `module.m.data.x.y`.
    pub fn address(&self) -> String {
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
        out
    }

    /// The address of one instance, e.g. `aws_instance.web[0]` or `x.y["k"]`.
    pub fn instance_address(&self, key: Option<&InstanceKey>) -> String {
        let mut out = self.address();
        if let Some(key) = key {
            out.push_str(&key.to_string());
        }
        out
    }
}

/// An instance key: `count.index` (integer) or `each.key` (string).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstanceKey {
    /// From `count`.
    Int(i64),
    /// From `for_each`.
    Str(String),
}

impl fmt::Display for InstanceKey {
    /// Address syntax: `[0]` or `["key"]` (with Terraform's string escaping).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::Int(i) => write!(f, "[{i}]"),
            InstanceKey::Str(s) => {
                // Terraform quotes string keys with HCL escapes (strconv.Quote-like).
                f.write_str("[\"")?;
                for c in s.chars() {
                    match c {
                        '"' => f.write_str("\\\"")?,
                        '\\' => f.write_str("\\\\")?,
                        '\n' => f.write_str("\\n")?,
                        '\r' => f.write_str("\\r")?,
                        '\t' => f.write_str("\\t")?,
                        c => write!(f, "{c}")?,
                    }
                }
                f.write_str("\"]")
            }
        }
    }
}

impl Serialize for InstanceKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            InstanceKey::Int(i) => serializer.serialize_i64(*i),
            InstanceKey::Str(s) => serializer.serialize_str(s),
        }
    }
}

impl<'de> Deserialize<'de> for InstanceKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Go reads any JSON number and truncates it to an int; we accept whole numbers only,
        // which is what every writer produces, and reject the rest with a clear message.
        let value = Value::deserialize(deserializer)?;
        match value {
            Value::String(s) => Ok(InstanceKey::Str(s)),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    return Ok(InstanceKey::Int(i));
                }
                // `1.0` or `1e2` are whole numbers written oddly.
                match n.as_f64() {
                    Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(InstanceKey::Int(f as i64)),
                    _ => Err(de::Error::custom(format!(
                        "invalid instance key {n}: a count index must be a whole number"
                    ))),
                }
            }
            other => Err(de::Error::custom(format!(
                "invalid instance key {other}: expected a number or a string"
            ))),
        }
    }
}

/// An instance's status; absent means ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InstanceStatus {
    /// The object exists but a create or provisioner failed: it will be replaced.
    #[serde(rename = "tainted")]
    Tainted,
}

/// One object of a resource instance: the current one, or a deposed one (`deposed` set) left
/// behind by a create-before-destroy replacement that could not destroy it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceState {
    /// `None` for a resource without `count`/`for_each`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_key: Option<InstanceKey>,
    /// `Some(Tainted)` or absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<InstanceStatus>,
    /// An 8-character key naming a deposed object; `None` for the current object.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "empty_as_none")]
    pub deposed: Option<String>,
    /// The provider schema version the attributes were written with.
    #[serde(default)]
    pub schema_version: u64,
    /// The object's attributes in the provider schema's JSON encoding. `Null` only when the
    /// instance carries legacy `attributes_flat` instead (then the field is not written).
    /// Read from a file, the text is kept and parsed on first use (see [`LazyJson`]).
    #[serde(default, skip_serializing_if = "LazyJson::is_null")]
    pub attributes: LazyJson,
    /// Pre-0.12 flatmap attributes, kept for states upgraded from format 3. Never produced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes_flat: Option<BTreeMap<String, String>>,
    /// Paths of the attributes that are sensitive. Terraform always writes this list, `[]` when
    /// empty.
    #[serde(default)]
    pub sensitive_attributes: Vec<AttributePath>,
    /// Provider-private data, base64 (standard alphabet, padded) as Go encodes `[]byte`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "empty_as_none")]
    pub private: Option<String>,
    /// Absolute addresses of the resources this object depended on when it was last applied,
    /// e.g. `module.m.aws_vpc.main` (no instance keys); used to order destroys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<String>,
    /// Written only when true.
    #[serde(default, skip_serializing_if = "is_false")]
    pub create_before_destroy: bool,
}

impl InstanceState {
    /// A ready instance with the given attributes and nothing else set.
    pub fn new(index_key: Option<InstanceKey>, attributes: Value) -> Self {
        InstanceState::with_attributes(index_key, LazyJson::from_value(attributes))
    }

    /// [`InstanceState::new`] with attributes already in their stored form (e.g. canonical
    /// text from the engine's encoder, see [`LazyJson::from_canonical`]).
    pub fn with_attributes(index_key: Option<InstanceKey>, attributes: LazyJson) -> Self {
        InstanceState {
            index_key,
            status: None,
            deposed: None,
            schema_version: 0,
            attributes,
            attributes_flat: None,
            sensitive_attributes: Vec::new(),
            private: None,
            dependencies: Vec::new(),
            create_before_destroy: false,
        }
    }
}

/// A path into an object's attributes, e.g. `input.s` or `tags["secret"]`.
pub type AttributePath = Vec<PathStep>;

/// One step of an [`AttributePath`], serialised as Terraform does:
/// `{"type":"get_attr","value":"name"}` or `{"type":"index","value":<key>}` where the key is in
/// cty's dynamic JSON encoding (`{"value":0,"type":"number"}`).
#[derive(Debug, Clone, PartialEq)]
pub enum PathStep {
    /// `.name`
    GetAttr(String),
    /// `[key]`; the key as Terraform wrote it (cty dynamic JSON: `{"value": …, "type": …}`).
    Index(Value),
}

impl Serialize for PathStep {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        match self {
            PathStep::GetAttr(name) => {
                map.serialize_entry("type", "get_attr")?;
                map.serialize_entry("value", name)?;
            }
            PathStep::Index(key) => {
                map.serialize_entry("type", "index")?;
                map.serialize_entry("value", key)?;
            }
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for PathStep {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            #[serde(rename = "type")]
            type_: String,
            #[serde(default)]
            value: Value,
        }
        let raw = Raw::deserialize(deserializer)?;
        match raw.type_.as_str() {
            "get_attr" => match raw.value {
                Value::String(name) => Ok(PathStep::GetAttr(name)),
                other => Err(de::Error::custom(format!(
                    "Failed to unmarshal get attr step name: expected a string, found {other}"
                ))),
            },
            "index" => Ok(PathStep::Index(raw.value)),
            other => Err(de::Error::custom(format!("Unsupported path step type \"{other}\""))),
        }
    }
}

/// The aggregate result of one checkable configuration object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResults {
    /// `resource`, `output`, `check` or `var`.
    pub object_kind: String,
    /// e.g. `check.c` or `aws_instance.web`.
    pub config_addr: String,
    /// `pass`, `fail`, `error` or `unknown`.
    pub status: String,
    /// One entry per dynamic instance; Go writes `null` for none.
    #[serde(default)]
    pub objects: Option<Vec<CheckResultObject>>,
}

/// The result of one checkable object instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResultObject {
    /// e.g. `check.c` or `aws_instance.web[0]`.
    pub object_addr: String,
    /// `pass`, `fail`, `error` or `unknown`.
    pub status: String,
    /// Error messages of failed conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failure_messages: Vec<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Go's `omitempty` strings: an empty string in a file means absent.
fn empty_as_none<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_str(V)
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
            Ok(if s.is_empty() { None } else { Some(s.to_owned()) })
        }
    }
    deserializer.deserialize_option(V)
}

impl StateFile {
    /// An empty state of a new lineage (a fresh UUID v4), serial 0: the first write makes it 1.
    pub fn new() -> Self {
        StateFile {
            version: STATE_FORMAT_VERSION,
            terraform_version: TERRAFORM_VERSION.to_owned(),
            serial: 0,
            lineage: new_lineage(),
            outputs: BTreeMap::new(),
            resources: Vec::new(),
            check_results: None,
        }
    }

    /// Sorts resources and instances the way Terraform's writer does, so that two equivalent
    /// states serialise to the same bytes: resources by (module, mode, type, name), instances by
    /// key (none, then integers, then strings) then deposed key (current object first).
    /// Empty check results are normalised to `None` (Terraform writes `null` for both).
    pub fn normalize(&mut self) {
        self.resources.sort_by(resource_order);
        for resource in &mut self.resources {
            resource.instances.sort_by(instance_order);
        }
        if self.check_results.as_ref().is_some_and(|c| c.is_empty()) {
            self.check_results = None;
        }
    }

    /// Finds a resource by module, mode, type and name.
    pub fn resource(&self, module: Option<&str>, mode: ResourceMode, type_: &str, name: &str) -> Option<&ResourceState> {
        self.resources.iter().find(|r| {
            r.module.as_deref() == module && r.mode == mode && r.type_ == type_ && r.name == name
        })
    }

    /// Every instance address with its object, in file order; deposed objects are included and
    /// suffixed with ` (deposed <key>)` by callers that want to show them.
    pub fn instances(&self) -> impl Iterator<Item = (&ResourceState, &InstanceState)> {
        self.resources.iter().flat_map(|r| r.instances.iter().map(move |i| (r, i)))
    }

    /// True when the two states have the same content, ignoring `serial`, `lineage` and
    /// `terraform_version` — Terraform's `StatesMarshalEqual`, which decides whether a write
    /// bumps the serial.
    pub fn same_content(&self, other: &StateFile) -> bool {
        // Compared through sorted references: cloning two possibly large states to normalise
        // them was most of the cost of a write.
        fn empty_as_none(c: &Option<Vec<CheckResults>>) -> Option<&Vec<CheckResults>> {
            c.as_ref().filter(|c| !c.is_empty())
        }
        fn sorted(state: &StateFile) -> Vec<(&ResourceState, Vec<&InstanceState>)> {
            let mut resources: Vec<&ResourceState> = state.resources.iter().collect();
            resources.sort_by(|a, b| resource_order(a, b));
            resources
                .into_iter()
                .map(|r| {
                    let mut instances: Vec<&InstanceState> = r.instances.iter().collect();
                    instances.sort_by(|a, b| instance_order(a, b));
                    (r, instances)
                })
                .collect()
        }
        fn same_resource(a: &(&ResourceState, Vec<&InstanceState>), b: &(&ResourceState, Vec<&InstanceState>)) -> bool {
            let ((ra, ia), (rb, ib)) = (a, b);
            ra.module == rb.module
                && ra.mode == rb.mode
                && ra.type_ == rb.type_
                && ra.name == rb.name
                && ra.each == rb.each
                && ra.provider == rb.provider
                && ia == ib
        }
        if self.outputs != other.outputs
            || empty_as_none(&self.check_results) != empty_as_none(&other.check_results)
            || self.resources.len() != other.resources.len()
        {
            return false;
        }
        let (a, b) = (sorted(self), sorted(other));
        a.iter().zip(b.iter()).all(|(x, y)| same_resource(x, y))
    }

    /// True when [`StateFile::normalize`] would change nothing.
    pub fn is_normalized(&self) -> bool {
        self.resources.windows(2).all(|w| resource_order(&w[0], &w[1]).is_le())
            && self.resources.iter().all(|r| r.instances.windows(2).all(|w| instance_order(&w[0], &w[1]).is_le()))
            && !self.check_results.as_ref().is_some_and(|c| c.is_empty())
    }
}

/// The order of resources in a state file: module, mode, type, name.
fn resource_order(a: &ResourceState, b: &ResourceState) -> std::cmp::Ordering {
    let ma = a.module.as_deref().unwrap_or("");
    let mb = b.module.as_deref().unwrap_or("");
    ma.cmp(mb).then(a.mode.as_str().cmp(b.mode.as_str())).then(a.type_.cmp(&b.type_)).then(a.name.cmp(&b.name))
}

/// The order of a resource's objects: instance key, then deposed key.
fn instance_order(a: &InstanceState, b: &InstanceState) -> std::cmp::Ordering {
    key_rank(a.index_key.as_ref())
        .cmp(&key_rank(b.index_key.as_ref()))
        .then_with(|| a.deposed.as_deref().unwrap_or("").cmp(b.deposed.as_deref().unwrap_or("")))
}

impl Default for StateFile {
    fn default() -> Self {
        StateFile::new()
    }
}

fn key_rank(key: Option<&InstanceKey>) -> (u8, i64, &str) {
    match key {
        None => (0, 0, ""),
        Some(InstanceKey::Int(i)) => (1, *i, ""),
        Some(InstanceKey::Str(s)) => (2, 0, s.as_str()),
    }
}

/// A new lineage: a random UUID v4 in its hyphenated lowercase form.
pub fn new_lineage() -> String {
    uuid::Uuid::new_v4().to_string()
}
