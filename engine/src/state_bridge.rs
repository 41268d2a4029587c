//! Conversion between the stored state (Terraform's v4 JSON, `infra-state`) and the engine's
//! typed working state, using provider schemas for attribute types. Sensitive attribute paths
//! become marks on values and back.

use std::collections::BTreeMap;
use std::sync::Arc;

use infra_provider_sdk::schema::ProviderSchema;
use infra_state::model::{InstanceState, OutputState, PathStep as StatePathStep, ResourceMode, ResourceState, StateFile};
use infra_state::{InstanceKey, LazyJson};
use infra_value::json::{try_value_from_json_str, type_from_json, type_from_json_str, type_to_json, value_from_json, value_to_json, JsonObjectReader};
use infra_value::value::Kind;
use infra_value::{Marks, Type, Value};
use serde_json::Value as Json;

use crate::addrs::{parse_address, AbsResource, ModuleInstance};
use crate::config::{Mode, ResourceKey};

#[derive(Clone, Debug)]
pub struct StateInstance {
    /// The object, typed by the resource schema, with sensitive marks from state.
    pub value: Value,
    pub private: Option<String>,
    pub dependencies: Vec<String>,
    pub tainted: bool,
    pub schema_version: u64,
    pub create_before_destroy: bool,
}

#[derive(Clone, Debug)]
pub struct StateResource {
    pub addr: AbsResource,
    /// `provider["registry.terraform.io/hashicorp/random"]`
    pub provider: String,
    /// Boxed: a map node holds eleven slots, and most resources have one instance — unboxed,
    /// each single-instance resource carried ten empty object-sized slots.
    pub instances: BTreeMap<Option<InstanceKey>, Box<StateInstance>>,
}

#[derive(Clone, Debug)]
pub struct StateOutput {
    pub value: Value,
    pub sensitive: bool,
}

/// The engine's view of state: typed values keyed by address.
///
/// Resources are shared (`Arc`) and copied on write ([`Arc::make_mut`]): a walk keeps the prior
/// state beside the working one, and a plan the planned state beside the new one, and cloning
/// a state then costs one reference count per resource instead of a deep copy of every object.
#[derive(Clone, Debug, Default)]
pub struct WorkingState {
    pub resources: BTreeMap<AbsResource, Arc<StateResource>>,
    pub outputs: BTreeMap<String, StateOutput>,
    pub lineage: String,
    pub serial: u64,
    /// Operations the journal shows as started but never finished (a crash or kill): the next
    /// plan reconciles them (see [`crate::recover`]). Empty once planned.
    pub pending: Vec<crate::recover::PendingOp>,
}

impl WorkingState {
    pub fn instance(&self, addr: &crate::addrs::ResourceInstance) -> Option<&StateInstance> {
        self.resources.get(&addr.resource).and_then(|r| r.instances.get(&addr.key)).map(|i| &**i)
    }
    pub fn instance_count(&self) -> usize {
        self.resources.values().map(|r| r.instances.len()).sum()
    }
    pub fn remove_instance(&mut self, addr: &crate::addrs::ResourceInstance) -> Option<StateInstance> {
        let r = Arc::make_mut(self.resources.get_mut(&addr.resource)?);
        let out = r.instances.remove(&addr.key);
        if r.instances.is_empty() {
            self.resources.remove(&addr.resource);
        }
        out.map(|i| *i)
    }
    pub fn set_instance(&mut self, addr: &crate::addrs::ResourceInstance, provider: &str, inst: StateInstance) {
        let Some(r) = self.resources.get_mut(&addr.resource) else {
            let mut instances = BTreeMap::new();
            instances.insert(addr.key.clone(), Box::new(inst));
            self.resources.insert(addr.resource.clone(), Arc::new(StateResource { addr: addr.resource.clone(), provider: provider.to_string(), instances }));
            return;
        };
        match Arc::get_mut(r) {
            Some(r) => {
                r.instances.insert(addr.key.clone(), Box::new(inst));
            }
            None => {
                // Shared with another state (a plan's working state starts as the prior one):
                // copy the other instances, not the object about to be replaced.
                let mut instances: BTreeMap<_, _> = r.instances.iter().filter(|(k, _)| **k != addr.key).map(|(k, v)| (k.clone(), v.clone())).collect();
                instances.insert(addr.key.clone(), Box::new(inst));
                *r = Arc::new(StateResource { addr: r.addr.clone(), provider: r.provider.clone(), instances });
            }
        }
    }
}

/// Looks up the schema of a resource type among the providers.
pub type SchemaLookup<'a> = dyn Fn(Mode, &str) -> Option<(Arc<ProviderSchema>, Type)> + Sync + 'a;

/// Decodes a stored state. Attributes of types no provider knows keep their JSON-implied types.
pub fn from_state_file(sf: &StateFile, lookup: &SchemaLookup<'_>) -> Result<WorkingState, String> {
    let mut ws = WorkingState { lineage: sf.lineage.clone(), serial: sf.serial, ..Default::default() };
    // Addresses and schemas per resource first; then every object's attributes are decoded,
    // in parallel for a large state (the most expensive part of reading one), in file order.
    let mut resources = Vec::with_capacity(sf.resources.len());
    let mut objects: Vec<(&ResourceState, &InstanceState, Option<&Type>)> = Vec::new();
    let mut types = Vec::with_capacity(sf.resources.len());
    for r in &sf.resources {
        let module = match &r.module {
            None => ModuleInstance::root(),
            Some(m) => match parse_address(m) {
                Ok((mi, None, None)) => mi,
                _ => return Err(format!("invalid module address {m:?} in state")),
            },
        };
        let mode = if r.mode == ResourceMode::Data { Mode::Data } else { Mode::Managed };
        let key = ResourceKey { mode, ty: r.type_.clone(), name: r.name.clone() };
        resources.push(AbsResource { module, resource: key });
        types.push(lookup(mode, &r.type_).map(|(_, t)| t));
    }
    for (r, ty) in sf.resources.iter().zip(&types) {
        // Deposed objects (from an interrupted create_before_destroy) are kept by re-encoding
        // only; the engine does not plan them yet.
        objects.extend(r.instances.iter().filter(|i| i.deposed.is_none()).map(|i| (r, i, ty.as_ref())));
    }
    let types = TypeCache::default();
    let values = crate::par::map(&objects, 256, |(r, inst, ty)| {
        // Attributes read from a file are still their text: decoded from it directly when the
        // fast decoder can (the usual case), else — for an error, to report it exactly — from
        // the parsed JSON.
        let text = inst.attributes.raw_text();
        let mut value = match ty {
            Some(t) => match text.and_then(|text| decode_attributes_text(text, t, &types)) {
                Some(v) => v,
                None => decode_attributes(&inst.attributes, t).map_err(|e| format!("{}: {e}", r.instance_address(inst.index_key.as_ref())))?,
            },
            None => match text.and_then(|text| try_value_from_json_str(text, &Type::Dynamic)) {
                Some(v) => v,
                None => infra_value::json::implied_value(&inst.attributes),
            },
        };
        for p in &inst.sensitive_attributes {
            value = mark_path(&value, p);
        }
        Ok::<Value, String>(value)
    });
    let mut values = values.into_iter();
    for (r, addr) in sf.resources.iter().zip(resources) {
        let mut instances = BTreeMap::new();
        for inst in r.instances.iter().filter(|i| i.deposed.is_none()) {
            let value = values.next().ok_or_else(|| "internal error: state objects out of step".to_string())??;
            instances.insert(
                inst.index_key.clone(),
                Box::new(StateInstance {
                    value,
                    private: inst.private.clone(),
                    dependencies: inst.dependencies.clone(),
                    tainted: inst.status.is_some(),
                    schema_version: inst.schema_version,
                    create_before_destroy: inst.create_before_destroy,
                }),
            );
        }
        ws.resources.insert(addr.clone(), Arc::new(StateResource { addr, provider: r.provider.clone(), instances }));
    }
    for (name, o) in &sf.outputs {
        let ty = type_from_json(&o.type_).unwrap_or(Type::Dynamic);
        let value = value_from_json(&o.value, &ty).unwrap_or_else(|_| infra_value::json::implied_value(&o.value));
        ws.outputs.insert(name.clone(), StateOutput { value: if o.sensitive { value.mark_sensitive() } else { value }, sensitive: o.sensitive });
    }
    Ok(ws)
}

/// Object attributes of `ty`; attributes of type `any` are stored with their type
/// (`{"value": …, "type": …}`) as Terraform does.
fn decode_attributes(j: &Json, ty: &Type) -> Result<Value, String> {
    static NULL: Json = Json::Null;
    let Type::Object(ot) = ty else { return value_from_json(j, ty) };
    let Json::Object(m) = j else { return value_from_json(j, ty) };
    let mut out = BTreeMap::new();
    for (name, at) in &ot.attrs {
        let raw = m.get(name).unwrap_or(&NULL);
        let v = if *at == Type::Dynamic {
            decode_dynamic(raw)?
        } else {
            value_from_json(raw, at).map_err(|e| format!("attribute {name:?}: {e}"))?
        };
        out.insert(name.clone(), v);
    }
    Ok(Value::object(out))
}

/// [`decode_attributes`] from the attributes' JSON text, for what the fast decoders of
/// `infra_value::json` can decide alone; `None` for anything else (every error among it), for
/// the caller to decode the parsed JSON, which gives the same value or the exact error.
fn decode_attributes_text(text: &str, ty: &Type, types: &TypeCache) -> Option<Value> {
    let Type::Object(ot) = ty else { return try_value_from_json_str(text, ty) };
    let Some(mut reader) = JsonObjectReader::new(text) else { return try_value_from_json_str(text, ty) };
    // One pass over the members beside the schema's attributes, both in key order: every
    // writer sorts keys as Go does. Keys out of order (a duplicate among them, which the parsed
    // JSON would read as its last value) are left to the slower road.
    let mut attrs = ot.attrs.iter().peekable();
    let mut out = BTreeMap::new();
    let mut previous: Option<std::borrow::Cow<'_, str>> = None;
    let mut last_dynamic = None;
    while let Some(key) = reader.next_key()? {
        if previous.as_ref().is_some_and(|p| *p >= key) {
            return None;
        }
        while let Some((name, at)) = attrs.next_if(|(name, _)| name.as_str() < key.as_ref()) {
            out.insert(name.clone(), missing_attribute(at));
        }
        match attrs.next_if(|(name, _)| name.as_str() == key.as_ref()) {
            Some((name, Type::Dynamic)) => out.insert(name.clone(), decode_dynamic_member(&mut reader, name, types, &mut last_dynamic)?),
            Some((name, at)) => out.insert(name.clone(), reader.value(at)?),
            None => reader.skip_value().map(|_| None)?,
        };
        previous = Some(key);
    }
    reader.finish()?;
    for (name, at) in attrs {
        out.insert(name.clone(), missing_attribute(at));
    }
    Some(Value::object(out))
}

/// Types of `any` attributes by their JSON text: the instances of one resource mostly store the
/// same types, and parsing each again was a good part of decoding them. Beside, per attribute
/// name, the type text last read for it: the guess of [`decode_dynamic_member`].
#[derive(Default)]
struct TypeCache {
    by_text: std::sync::Mutex<TextMap<Type>>,
    last_by_name: std::sync::Mutex<TextMap<Arc<TypeGuess>>>,
}

type TextMap<V> = std::collections::HashMap<String, V, std::hash::BuildHasherDefault<TextHasher>>;

/// A type text as a state stored it, and the type it encodes.
struct TypeGuess {
    text: String,
    ty: Type,
}

/// A hasher for the type texts of [`TypeCache`], eight bytes a step (the default SipHash was a
/// good part of a lookup). Not resistant to chosen collisions, which would only slow a lookup
/// of the state's own text down.
#[derive(Default)]
struct TextHasher(u64);

impl std::hash::Hasher for TextHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl TypeCache {
    /// The type `text` encodes (exactly as [`type_from_json`] reads it), `None` if it is not one.
    fn get(&self, text: &str) -> Option<Type> {
        if let Some(t) = self.by_text.lock().ok()?.get(text) {
            return Some(t.clone());
        }
        let t = type_from_json_str(text).ok()?;
        self.by_text.lock().ok()?.insert(text.to_owned(), t.clone());
        Some(t)
    }

    /// The type text last read for the attribute `name` (by any instance), with its type.
    fn guess(&self, name: &str) -> Option<Arc<TypeGuess>> {
        self.last_by_name.lock().ok()?.get(name).cloned()
    }

    /// Remembers `text` (a type text [`TypeCache::get`] read as `ty`) as the attribute's last.
    fn remember(&self, name: &str, text: &str, ty: &Type) {
        if let Ok(mut last) = self.last_by_name.lock() {
            last.insert(name.to_owned(), Arc::new(TypeGuess { text: text.to_owned(), ty: ty.clone() }));
        }
    }
}

/// What [`decode_attributes`] makes of an attribute the JSON does not have.
fn missing_attribute(ty: &Type) -> Value {
    match ty {
        Type::Dynamic => Value::dynamic_null(),
        ty => Value::null(ty.clone()),
    }
}

/// An `any` attribute of the object being decoded: its value's text, its type's text, and the
/// value. Objects often store one value twice (`terraform_data`'s `output` repeats its
/// `input`): the same texts are the same value, decoded once.
struct DecodedDynamic<'a> {
    value_text: &'a str,
    type_text: TypeText<'a>,
    value: Value,
}

/// A type text that was read as a type: in the object's text, or a guess's.
#[derive(Clone)]
enum TypeText<'a> {
    InText(&'a str),
    Guess(Arc<TypeGuess>),
}

impl TypeText<'_> {
    fn as_str(&self) -> &str {
        match self {
            TypeText::InText(text) => text,
            TypeText::Guess(guess) => &guess.text,
        }
    }
}

/// Whether the reader's current value is `text` — a text decoded before, which is a whole JSON
/// value — read if it is. Only strings, arrays and objects are compared (a number's text can
/// be the start of another's).
fn value_is_text(reader: &mut JsonObjectReader<'_>, text: &str) -> Option<bool> {
    match text.as_bytes().first() {
        Some(b'"' | b'[' | b'{') => reader.value_is(text),
        _ => Some(false),
    }
}

/// [`decode_dynamic`] of the reader's current member (the attribute `name`), or `None` where
/// the fast decoders cannot decide (an object without `"type"` among them). `last` is the
/// object's `any` attribute decoded before this one, and then this one.
///
/// Terraform stores `"value"` before `"type"`, so the value's type is not known when its text
/// is reached. It is guessed: the type last read for the same attribute (the instances of a
/// resource, and neighbouring resources, mostly store the same one), and the value is decoded
/// with it in the same pass. The guess stands only if the `"type"` text is then exactly the
/// guess's text, byte for byte — the text the guessed type was read from, so the type read
/// from it would be the guess. Otherwise (or where the value does not decode as the guess),
/// the value's text is decoded again with the type read: no answer depends on the guess.
/// Likewise a value and type texts equal to `last`'s, byte for byte, are `last`'s value.
fn decode_dynamic_member<'a>(reader: &mut JsonObjectReader<'a>, name: &str, types: &TypeCache, last: &mut Option<DecodedDynamic<'a>>) -> Option<Value> {
    if reader.peek_value()? != b'{' {
        return reader.value(&Type::Dynamic);
    }
    let guess = types.guess(name);
    let (value_text, decoded, type_text) = reader.nested(|inner| {
        // `decoded`: the value, decoded as the type `candidate` (the last member's, or the
        // guess) before the type text was seen; it stands if the type text is the candidate's.
        let (mut value_text, mut decoded, mut candidate, mut type_text) = (None, None, None, None);
        while let Some(key) = inner.next_key()? {
            match key.as_ref() {
                "value" if value_text.is_none() => {
                    if type_text.is_none() {
                        if let Some(l) = last.as_ref() {
                            if value_is_text(inner, l.value_text)? {
                                value_text = Some(l.value_text);
                                decoded = Some(l.value.clone());
                                candidate = Some(l.type_text.clone());
                                continue;
                            }
                        }
                    }
                    // Only delimited where not decoded: the text is then checked as it is
                    // decoded below.
                    let checkpoint = inner.clone();
                    match guess.as_ref().filter(|_| type_text.is_none()).and_then(|g| Some((g, inner.value_and_text(&g.ty)?))) {
                        Some((g, (value, text))) => {
                            value_text = Some(text);
                            decoded = Some(value);
                            candidate = Some(TypeText::Guess(g.clone()));
                        }
                        None => {
                            *inner = checkpoint;
                            value_text = Some(inner.value_text()?);
                        }
                    }
                }
                "type" if type_text.is_none() => {
                    // A candidate's text is one that was read as a type: the value is that.
                    let is_candidate = match &candidate {
                        Some(c) => inner.value_is(c.as_str())?,
                        None => false,
                    };
                    if is_candidate {
                        type_text = candidate.take();
                    } else {
                        decoded = None;
                        type_text = Some(TypeText::InText(inner.value_text()?));
                    }
                }
                "value" | "type" => return None,
                _ => {}
            }
        }
        Some((value_text, decoded, type_text?))
    })?;
    let value_text = value_text.unwrap_or("null");
    let value = match (&type_text, decoded) {
        (TypeText::Guess(_), Some(value)) => value,
        (TypeText::InText(_), Some(value)) => value,
        (TypeText::InText(text), None) => {
            let ty = types.get(text)?;
            types.remember(name, text, &ty);
            try_value_from_json_str(value_text, &ty)?
        }
        (TypeText::Guess(_), None) => return None,
    };
    *last = Some(DecodedDynamic { value_text, type_text, value: value.clone() });
    Some(value)
}

fn decode_dynamic(raw: &Json) -> Result<Value, String> {
    match raw {
        Json::Null => Ok(Value::dynamic_null()),
        Json::Object(o) if o.contains_key("type") => {
            let t = type_from_json(o.get("type").unwrap_or(&Json::Null))?;
            value_from_json(o.get("value").unwrap_or(&Json::Null), &t)
        }
        other => Ok(infra_value::json::implied_value(other)),
    }
}

fn mark_path(v: &Value, path: &[StatePathStep]) -> Value {
    let Some((first, rest)) = path.split_first() else { return v.clone().mark_sensitive() };
    let marks = v.marks();
    match (first, v.kind()) {
        (StatePathStep::GetAttr(name), Kind::Object(m)) | (StatePathStep::GetAttr(name), Kind::Map(_, m)) => {
            let mut m2 = (**m).clone();
            if let Some(inner) = m2.get(name) {
                let nv = mark_path(inner, rest);
                m2.insert(name.clone(), nv);
            }
            rebuild_map(v, m2).mark(marks)
        }
        (StatePathStep::Index(key), _) => {
            let key = match key {
                Json::Object(o) if o.contains_key("value") => o.get("value").cloned().unwrap_or(Json::Null),
                other => other.clone(),
            };
            match (v.kind(), &key) {
                (Kind::List(t, es), Json::Number(n)) => {
                    let i = n.as_u64().unwrap_or(u64::MAX) as usize;
                    let mut es2 = (**es).clone();
                    if let Some(e) = es2.get(i).cloned() {
                        es2[i] = mark_path(&e, rest);
                    }
                    Value::list(t.clone(), es2).mark(marks)
                }
                (Kind::Tuple(es), Json::Number(n)) => {
                    let i = n.as_u64().unwrap_or(u64::MAX) as usize;
                    let mut es2 = (**es).clone();
                    if let Some(e) = es2.get(i).cloned() {
                        es2[i] = mark_path(&e, rest);
                    }
                    Value::tuple(es2).mark(marks)
                }
                (Kind::Map(_, m) | Kind::Object(m), Json::String(k)) => {
                    let mut m2 = (**m).clone();
                    if let Some(inner) = m2.get(k) {
                        let nv = mark_path(inner, rest);
                        m2.insert(k.clone(), nv);
                    }
                    rebuild_map(v, m2).mark(marks)
                }
                _ => v.clone(),
            }
        }
        _ => v.clone(),
    }
}

fn rebuild_map(orig: &Value, m: BTreeMap<String, Value>) -> Value {
    match orig.kind() {
        Kind::Map(t, _) => Value::map(t.clone(), m),
        _ => Value::object(m),
    }
}

/// Paths of every sensitive-marked value inside `v`, as state records them.
pub fn sensitive_paths(v: &Value) -> Vec<Vec<StatePathStep>> {
    let mut out = Vec::new();
    collect_paths(v, &mut Vec::new(), &mut out);
    out
}

fn collect_paths(v: &Value, prefix: &mut Vec<StatePathStep>, out: &mut Vec<Vec<StatePathStep>>) {
    if v.marks().contains(Marks::SENSITIVE) && !prefix.is_empty() {
        out.push(prefix.clone());
        return;
    }
    match v.kind() {
        Kind::Object(m) => {
            for (k, e) in m.iter() {
                prefix.push(StatePathStep::GetAttr(k.clone()));
                collect_paths(e, prefix, out);
                prefix.pop();
            }
        }
        Kind::Map(_, m) => {
            for (k, e) in m.iter() {
                prefix.push(StatePathStep::Index(serde_json::json!({"value": k, "type": "string"})));
                collect_paths(e, prefix, out);
                prefix.pop();
            }
        }
        Kind::List(_, es) | Kind::Tuple(es) => {
            for (i, e) in es.iter().enumerate() {
                prefix.push(StatePathStep::Index(serde_json::json!({"value": i, "type": "number"})));
                collect_paths(e, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

/// Encodes object attributes for state: `any`-typed attributes carry their type.
pub fn encode_attributes(v: &Value, ty: Option<&Type>) -> Json {
    let (v, _) = v.unmark_deep();
    let Some(Type::Object(ot)) = ty else { return value_to_json(&v) };
    let Some(m) = v.as_entries() else { return value_to_json(&v) };
    let mut out = serde_json::Map::new();
    for (name, e) in m {
        let j = if ot.attrs.get(name) == Some(&Type::Dynamic) {
            if e.is_null() {
                Json::Null
            } else {
                serde_json::json!({"value": value_to_json(e), "type": type_to_json(&e.ty())})
            }
        } else {
            value_to_json(e)
        };
        out.insert(name.clone(), j);
    }
    Json::Object(out)
}

/// Encodes the working state as a v4 state file (lineage and serial are set by the writer).
pub fn to_state_file(ws: &WorkingState, lookup: &SchemaLookup<'_>) -> StateFile {
    let mut sf = StateFile::new();
    sf.lineage = ws.lineage.clone();
    sf.serial = ws.serial;
    // Every object's attributes straight to their stored text, in parallel for a large state;
    // the writer copies that text (see `LazyJson::from_canonical`).
    let types: Vec<Option<Type>> = ws.resources.values().map(|r| lookup(r.addr.resource.mode, &r.addr.resource.ty).map(|(_, t)| t)).collect();
    let objects: Vec<(&Value, Option<&Type>)> =
        ws.resources.values().zip(&types).flat_map(|(r, ty)| r.instances.values().map(move |i| (&i.value, ty.as_ref()))).collect();
    let mut texts = crate::par::map(&objects, 256, |(v, ty)| crate::state_encode::attributes_text(v, *ty)).into_iter();
    for r in ws.resources.values() {
        let mut instances = Vec::new();
        for (key, inst) in &r.instances {
            let text = texts.next().unwrap_or_else(|| "{}".to_string());
            let mut is = InstanceState::with_attributes(key.clone(), LazyJson::from_canonical(text));
            is.sensitive_attributes = sensitive_paths(&inst.value);
            is.private = inst.private.clone();
            is.dependencies = inst.dependencies.clone();
            is.schema_version = inst.schema_version;
            is.create_before_destroy = inst.create_before_destroy;
            if inst.tainted {
                is.status = Some(infra_state::model::InstanceStatus::Tainted);
            }
            instances.push(is);
        }
        sf.resources.push(ResourceState {
            module: r.addr.module.state_string(),
            mode: if r.addr.resource.mode == Mode::Data { ResourceMode::Data } else { ResourceMode::Managed },
            type_: r.addr.resource.ty.clone(),
            name: r.addr.resource.name.clone(),
            each: None,
            provider: r.provider.clone(),
            instances,
        });
    }
    for (name, o) in &ws.outputs {
        let (v, _) = o.value.unmark_deep();
        sf.outputs.insert(name.clone(), OutputState { value: value_to_json(&v), type_: type_to_json(&v.ty()), sensitive: o.sensitive });
    }
    sf.normalize();
    sf
}

#[cfg(test)]
mod tests {
    use super::*;
    use infra_state::LazyJson;
    use std::path::{Path, PathBuf};

    /// Every readable state in the repository: the state crate's fixtures and the corpus'
    /// golden states.
    fn repository_states() -> Vec<(PathBuf, StateFile)> {
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
        let mut paths = Vec::new();
        walk(&root.join("state/tests/fixtures"), &mut paths);
        walk(&root.join("tests/corpus"), &mut paths);
        paths.sort();
        paths
            .into_iter()
            .filter_map(|p| {
                let bytes = std::fs::read(&p).ok()?;
                let sf = infra_state::read_state(&bytes).ok()??;
                Some((p, sf))
            })
            .collect()
    }

    /// The same state with every attribute parsed: what `from_state_file` decoded before
    /// attributes were kept as text.
    fn parsed(sf: &StateFile) -> StateFile {
        let mut sf = sf.clone();
        for r in &mut sf.resources {
            for i in &mut r.instances {
                i.attributes = LazyJson::from_value(i.attributes.value().clone());
            }
        }
        sf
    }

    fn decoded(sf: &StateFile, lookup: &SchemaLookup<'_>) -> String {
        match from_state_file(sf, lookup) {
            Ok(ws) => format!("{:?} {:?}", ws.resources, ws.outputs),
            Err(e) => format!("error: {e}"),
        }
    }

    /// Schemas to decode with, derived from the JSON: every attribute typed as its JSON implies
    /// (values stored with their type are `any`), everything `any`, everything `string`
    /// (errors for most), and attributes named `a`…`z` with a variety of types.
    fn schema_variants(attrs: &Json) -> Vec<Type> {
        let Json::Object(m) = attrs else { return vec![Type::Dynamic, Type::String] };
        let typed = |f: &dyn Fn(&str, &Json) -> Type| Type::object(m.iter().map(|(k, v)| (k.clone(), f(k, v))).collect());
        let implied = |_: &str, v: &Json| match v {
            Json::Object(o) if o.contains_key("type") && o.contains_key("value") => Type::Dynamic,
            v => infra_value::json::implied_value(v).ty(),
        };
        let mut variants = vec![typed(&implied), typed(&|_, _| Type::Dynamic), typed(&|_, _| Type::String)];
        let mut extra = BTreeMap::new();
        extra.insert("absent".to_string(), Type::list(Type::Number));
        extra.insert("id".to_string(), Type::String);
        variants.push(Type::object(extra));
        variants
    }

    fn assert_same_decoding(sf: &StateFile, what: &str) -> usize {
        let as_text = sf.instances().filter(|(_, i)| i.attributes.raw_text().is_some()).count();
        let all_parsed = parsed(sf);
        assert_eq!(decoded(sf, &|_, _| None), decoded(&all_parsed, &|_, _| None), "{what}, no schema");
        let first = sf.resources.first().and_then(|r| r.instances.first()).map(|i| i.attributes.value().clone()).unwrap_or(Json::Null);
        for ty in schema_variants(&first) {
            let schema = Arc::new(ProviderSchema::default());
            let lookup = |_: Mode, _: &str| Some((schema.clone(), ty.clone()));
            assert_eq!(decoded(sf, &lookup), decoded(&all_parsed, &lookup), "{what} as {ty:?}");
        }
        as_text
    }

    /// The guesses of `decode_dynamic_member` never change an answer: attribute texts decode
    /// the same after any other text primed the guess (right or wrong: another type, the same
    /// type spelled otherwise, a value that also decodes as the guess, keys in another order,
    /// duplicates, escapes, deep nesting, malformed text), with `output` the same as `input` or
    /// not, as with no guess, and as the parsed JSON decodes.
    #[test]
    fn a_guessed_type_never_changes_a_decoding() {
        let object_type = r#"["object",{"a":"string","b":["list","number"]}]"#;
        let pretty_object_type = "[\n  \"object\",\n  {\n    \"a\": \"string\",\n    \"b\": [\"list\", \"number\"]\n  }\n]";
        let deep = format!("{}1{}", "[".repeat(99), "]".repeat(99));
        let deep_type = format!("{}\"number\"{}", "[\"list\",".repeat(99), "]".repeat(99));
        let inputs: Vec<String> = vec![
            format!(r#"{{"value": {{"a": "x", "b": [1, 2]}}, "type": {object_type}}}"#),
            format!(r#"{{"value": {{"a": "x", "b": [1, 2]}}, "type": {pretty_object_type}}}"#),
            format!(r#"{{"type": {object_type}, "value": {{"a": "x", "b": [1, 2]}}}}"#),
            r#"{"value": {"a": "x"}, "type": ["object",{"a":"string"}]}"#.to_string(),
            r#"{"value": {"a": "x", "b": [1, 2], "c": true}, "type": ["object",{"a":"string","b":["list","number"],"c":"bool"}]}"#.to_string(),
            r#"{"value": {"a": 1, "b": []}, "type": ["object",{"a":"number","b":["list","number"]}]}"#.to_string(),
            r#"{"value": "s", "type": "string"}"#.to_string(),
            r#"{"value": 12, "type": "string"}"#.to_string(),
            r#"{"value": 12, "type": "number"}"#.to_string(),
            r#"{"value": "12", "type": "number"}"#.to_string(),
            r#"{"value": "caf\u00e9 \ud83d\ude00 \"q\" é", "type": "string"}"#.to_string(),
            r#"{"value": [true], "type": ["list","bool"]}"#.to_string(),
            r#"{"value": [true], "type": ["set","bool"]}"#.to_string(),
            r#"{"value": null, "type": "string"}"#.to_string(),
            r#"{"type": "string"}"#.to_string(),
            r#"{"value": "v"}"#.to_string(),
            r#"{"value": "v", "type": "string", "value": "w"}"#.to_string(),
            r#"{"value": "v", "type": "string", "type": "number"}"#.to_string(),
            r#"{"value": "v", "type": "nonsense"}"#.to_string(),
            r#"{"value": "v", "type": "string", "extra": [1, {"x": null}]}"#.to_string(),
            r#"{"extra": 1, "value": "v", "type": "string"}"#.to_string(),
            r#""plain""#.to_string(),
            "[1, 2]".to_string(),
            "null".to_string(),
            format!(r#"{{"value": {deep}, "type": {deep_type}}}"#),
            // Malformed (the state reader refuses these; the decoder must still not be fooled).
            format!(r#"{{"value": {{"a": "x", "b": [1,, 2]}}, "type": {object_type}}}"#),
            format!(r#"{{"value": {{"a": "x", "b": [1, 2]}}, "type": {object_type}"#),
            r#"{"value": "s", "type": "string"x}"#.to_string(),
            r#"{"value": "s", "type": "string""#.to_string(),
            r#"{"value": "s", "type": "strin"}"#.to_string(),
            r#"{"value": "s\x", "type": "string"}"#.to_string(),
            r#"{"value": 01, "type": "number"}"#.to_string(),
        ];
        let schema = Type::object([("id".to_string(), Type::String), ("input".to_string(), Type::Dynamic), ("output".to_string(), Type::Dynamic)].into());
        let attributes = |input: &str, output: &str| format!(r#"{{"id": "x", "input": {input}, "output": {output}}}"#);
        let decode = |text: &str, types: &TypeCache| format!("{:?}", decode_attributes_text(text, &schema, types));
        let mut guessed = 0;
        for primer in &inputs {
            for (input, text) in inputs.iter().flat_map(|input| [(input, attributes(input, input)), (input, attributes(input, primer)), (input, attributes(primer, input))]) {
                let primed = TypeCache::default();
                decode(&attributes(primer, primer), &primed);
                guessed += usize::from(primed.guess("input").is_some());
                let expected = decode(&text, &TypeCache::default());
                assert_eq!(decode(&text, &primed), expected, "{input} after {primer}");
                // And again with the guess from this very text.
                assert_eq!(decode(&text, &primed), expected, "{input} after {primer}, twice");
                if let Ok(json) = serde_json::from_str::<Json>(&text) {
                    let slow = decode_attributes(&json, &schema).ok();
                    if expected != "None" {
                        assert_eq!(expected, format!("{slow:?}"), "{input}: as the parsed JSON decodes");
                    }
                }
            }
        }
        assert!(guessed > inputs.len() * 10, "guesses were made ({guessed})");
    }

    #[test]
    fn decoding_attribute_text_agrees_with_decoding_parsed_json_on_every_repository_state() {
        let states = repository_states();
        assert!(states.len() > 40, "the fixtures were found ({})", states.len());
        let as_text: usize = states.iter().map(|(path, sf)| assert_same_decoding(sf, &path.display().to_string())).sum();
        assert!(as_text > 50, "attributes were decoded from text ({as_text})");
    }

    #[test]
    fn decoding_attribute_text_agrees_with_decoding_parsed_json_on_unusual_attributes() {
        let attribute_texts = [
            r#"{"id": "x", "n": 1e400, "m": -0, "f": 0.1, "big": 12345678901234567890123, "e": 1E5, "s": "\u00e9 \ud83d\ude00 <>& \"q\" \\ \n"}"#,
            r#"{"id": "x", "input": {"value": {"a": [1, "x", null], "b": {"k": 1.50}}, "type": ["object", {"a": ["tuple", ["number", "string", "dynamic"]], "b": ["map", "number"]}]}}"#,
            r#"{"id": "x", "input": {"value": [1, 2], "type": ["set", "number"]}, "output": {"value": null, "type": "string"}, "other": null}"#,
            r#"{"id": "x", "input": {"type": "string"}}"#,
            r#"{"id": "x", "input": {"value": "v", "type": "nonsense"}}"#,
            r#"{"id": "x", "input": {"value": "v", "type": ["list", "string"]}}"#,
            r#"{"id": "x", "input": {"value": "v"}}"#,
            r#"{"id": "x", "input": {"value": 1, "value": 2, "type": "number"}}"#,
            r#"{"id": "x", "input": [1, {"a": true}], "output": "plain"}"#,
            r#"{"id": "x", "id": "y"}"#,
            r#"{"z": 1, "id": "x", "a": [true, false]}"#,
            r#"{"id": {"nested": [[1], [2, 3]]}, "list": [{"a": 1}, {"a": 2, "b": null}], "map": {"k": "v", "k2": "v2"}}"#,
            r#"{"id": "x", "tags": {"\u00e9": "accent", "b": "\ud83d\ude00"}}"#,
            "{}",
        ];
        let mut as_text = 0;
        for attributes in attribute_texts {
            let text = format!(
                r#"{{"version": 4, "serial": 1, "lineage": "l", "resources": [{{"mode": "managed", "type": "t", "name": "n",
                  "provider": "provider[\"p\"]", "instances": [{{"attributes": {attributes},
                  "sensitive_attributes": [[{{"type": "get_attr", "value": "id"}}], [{{"type": "get_attr", "value": "list"}}, {{"type": "index", "value": {{"value": 1, "type": "number"}}}}]]}}]}}]}}"#
            );
            let sf = infra_state::read_state(text.as_bytes()).unwrap().unwrap();
            as_text += assert_same_decoding(&sf, attributes);
            let schemas = [
                Type::object([("id".to_string(), Type::String), ("input".to_string(), Type::Dynamic), ("output".to_string(), Type::Dynamic)].into()),
                Type::object([("id".to_string(), Type::Dynamic), ("list".to_string(), Type::list(Type::map(Type::Number))), ("map".to_string(), Type::map(Type::String))].into()),
                Type::object([("tags".to_string(), Type::map(Type::String)), ("a".to_string(), Type::set(Type::Bool)), ("n".to_string(), Type::Number)].into()),
                Type::object([("big".to_string(), Type::String), ("e".to_string(), Type::String), ("f".to_string(), Type::Number), ("m".to_string(), Type::Dynamic)].into()),
                Type::map(Type::Dynamic),
            ];
            for ty in schemas {
                let schema = Arc::new(ProviderSchema::default());
                let lookup = |_: Mode, _: &str| Some((schema.clone(), ty.clone()));
                assert_eq!(decoded(&sf, &lookup), decoded(&parsed(&sf), &lookup), "{attributes} as {ty:?}");
            }
        }
        // Text with surrogate escapes is parsed on read (see `infra_state::LazyJson`); the rest
        // was decoded from its text.
        let expected = attribute_texts.iter().filter(|t| !t.contains("\\ud")).count();
        assert_eq!(as_text, expected, "instances that kept their text");
    }
}
