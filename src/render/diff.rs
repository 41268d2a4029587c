//! The structured diff behind the human plan: a port of Terraform's `jsonformat` differ and
//! renderers (`internal/command/jsonformat/{structured,differ,computed/renderers}`), working
//! on the same JSON change representation Terraform's renderer reads (before/after,
//! after_unknown, before/after_sensitive, replace_paths), so that the output matches
//! `terraform plan` character for character.
//!
//! Two phases, as in Terraform: [`diff_block`] / [`diff_output`] compute a tree of [`Diff`]s
//! (what changed, with which action), then [`Diff::render`] prints it with alignment,
//! "unchanged hidden" counters and `# forces replacement` annotations.

use std::collections::{BTreeMap, BTreeSet};

use infra_engine::plan::Action;
use infra_provider_sdk::schema::Nesting;
use infra_value::Type;
use serde_json::Value as Json;

use super::text::colorize;

// ---------------------------------------------------------------------------------------------
// Schema view

/// The part of a provider schema the differ needs: attribute types and nested block kinds.
#[derive(Clone, Debug, Default)]
pub(crate) struct BlockSchema {
    pub attrs: BTreeMap<String, AttrSchema>,
    pub blocks: BTreeMap<String, (Nesting, BlockSchema)>,
}

#[derive(Clone, Debug)]
pub(crate) struct AttrSchema {
    pub ty: Type,
    pub sensitive: bool,
}

impl BlockSchema {
    pub fn from_sdk(b: &infra_provider_sdk::schema::Block) -> BlockSchema {
        BlockSchema {
            attrs: b.attributes.iter().map(|(k, a)| (k.clone(), AttrSchema { ty: a.ty.clone(), sensitive: a.sensitive })).collect(),
            blocks: b.block_types.iter().map(|(k, nb)| (k.clone(), (nb.nesting, BlockSchema::from_sdk(&nb.block)))).collect(),
        }
    }

    /// A schema for a resource type no provider describes: every attribute present in either
    /// value is taken as `any`, so it is rendered the way Terraform renders dynamic values.
    pub fn synthesized(values: &[&Json]) -> BlockSchema {
        let mut attrs = BTreeMap::new();
        for v in values {
            if let Json::Object(m) = v {
                for k in m.keys() {
                    attrs.insert(k.clone(), AttrSchema { ty: Type::Dynamic, sensitive: false });
                }
            }
        }
        BlockSchema { attrs, blocks: BTreeMap::new() }
    }

    /// `containsNonLegacyFeatures`: legacy (SDKv2-style) schemas treat `""` as null.
    fn non_legacy(&self) -> bool {
        if self.blocks.values().any(|(n, _)| matches!(n, Nesting::Map | Nesting::Group)) {
            return true;
        }
        self.attrs.values().any(|a| {
            let t = &a.ty;
            if t.has_dynamic() || matches!(t, Type::Tuple(_) | Type::Object(_)) {
                return true;
            }
            match t.element_type() {
                Some(e) if e.is_collection() => !e.element_type().is_some_and(Type::is_primitive),
                _ => false,
            }
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Attribute path matcher (replace_paths)

#[derive(Clone, Debug)]
pub(crate) enum Matcher {
    Paths { paths: Vec<Vec<Json>>, propagate: bool },
}

impl Matcher {
    pub fn from_json(paths: &Json) -> Matcher {
        let paths = match paths {
            Json::Array(ps) => ps.iter().filter_map(|p| p.as_array().cloned()).collect(),
            _ => Vec::new(),
        };
        Matcher::Paths { paths, propagate: false }
    }
    fn empty() -> Matcher {
        Matcher::Paths { paths: Vec::new(), propagate: false }
    }
    fn matches(&self) -> bool {
        match self {
            Matcher::Paths { paths, .. } => paths.iter().any(Vec::is_empty),
        }
    }
    fn child(&self, step: impl Fn(&Json) -> bool) -> Matcher {
        match self {
            Matcher::Paths { paths, propagate } => {
                let mut out = Vec::new();
                for p in paths {
                    match p.split_first() {
                        None if *propagate => out.push(Vec::new()),
                        None => {}
                        Some((first, rest)) if step(first) => out.push(rest.to_vec()),
                        Some(_) => {}
                    }
                }
                Matcher::Paths { paths: out, propagate: *propagate }
            }
        }
    }
    fn child_key(&self, key: &str) -> Matcher {
        self.child(|s| s.as_str() == Some(key))
    }
    fn child_index(&self, ix: usize) -> Matcher {
        self.child(|s| match s {
            Json::Number(n) => n.as_f64().is_some_and(|f| f as i64 == ix as i64),
            Json::String(t) => t.parse::<f64>().is_ok_and(|f| f as i64 == ix as i64),
            _ => false,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Structured change (structured.Change)

/// A before/after pair with its metadata. `Json::Null` plays Go's `nil`; the `*_explicit` flags
/// say whether a null was present in its parent (an explicit null) or absent.
#[derive(Clone, Debug)]
pub(crate) struct Change {
    pub before: Json,
    pub after: Json,
    pub before_explicit: bool,
    pub after_explicit: bool,
    pub unknown: Json,
    pub before_sensitive: Json,
    pub after_sensitive: Json,
    pub replace: Matcher,
    pub non_legacy: bool,
}

fn json_type(v: &Json) -> JType {
    match v {
        Json::Null => JType::Null,
        Json::Bool(_) => JType::Bool,
        Json::Number(_) => JType::Number,
        Json::String(_) => JType::String,
        Json::Array(_) => JType::Array,
        Json::Object(_) => JType::Object,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum JType {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

fn seq(v: &Json) -> Option<&Vec<Json>> {
    v.as_array()
}
fn obj(v: &Json) -> Option<&serde_json::Map<String, Json>> {
    v.as_object()
}
fn get_key(v: &Json, k: &str) -> (Json, bool) {
    match obj(v).and_then(|m| m.get(k)) {
        Some(x) => (x.clone(), true),
        None => (Json::Null, false),
    }
}
fn get_ix(v: &Json, i: usize) -> (Json, bool) {
    match seq(v).and_then(|s| s.get(i)) {
        Some(x) => (x.clone(), true),
        None => (Json::Null, false),
    }
}

impl Change {
    pub fn new(before: Json, after: Json, unknown: Json, before_sensitive: Json, after_sensitive: Json, replace: Matcher) -> Change {
        Change {
            before,
            after,
            before_explicit: false,
            after_explicit: false,
            unknown,
            before_sensitive,
            after_sensitive,
            replace,
            non_legacy: false,
        }
    }

    fn is_before_sensitive(&self) -> bool {
        self.before_sensitive == Json::Bool(true)
    }
    fn is_after_sensitive(&self) -> bool {
        self.after_sensitive == Json::Bool(true)
    }
    fn is_unknown(&self) -> bool {
        self.unknown == Json::Bool(true)
    }

    fn calculate_action(&self) -> Action {
        if self.before.is_null() && !self.before_explicit && (!self.after.is_null() || self.after_explicit) {
            return Action::Create;
        }
        if self.after.is_null() && !self.after_explicit && (!self.before.is_null() || self.before_explicit) {
            return Action::Delete;
        }
        if self.before == self.after
            && self.after_explicit == self.before_explicit
            && self.is_after_sensitive() == self.is_before_sensitive()
        {
            return Action::NoOp;
        }
        Action::Update
    }

    fn default_action_for_iteration(&self) -> Action {
        match (self.before.is_null(), self.after.is_null()) {
            (true, true) => Action::NoOp,
            (true, false) => Action::Create,
            (false, true) => Action::Delete,
            (false, false) => Action::NoOp,
        }
    }

    pub fn as_no_op(&self) -> Change {
        Change {
            before: self.before.clone(),
            after: self.before.clone(),
            before_explicit: self.before_explicit,
            after_explicit: self.before_explicit,
            unknown: Json::Bool(false),
            before_sensitive: self.before_sensitive.clone(),
            after_sensitive: self.before_sensitive.clone(),
            replace: self.replace.clone(),
            non_legacy: self.non_legacy,
        }
    }
    fn as_delete(&self) -> Change {
        Change {
            before: self.before.clone(),
            after: Json::Null,
            before_explicit: self.before_explicit,
            after_explicit: false,
            unknown: Json::Null,
            before_sensitive: self.before_sensitive.clone(),
            after_sensitive: Json::Null,
            replace: self.replace.clone(),
            non_legacy: self.non_legacy,
        }
    }
    fn as_create(&self) -> Change {
        Change {
            before: Json::Null,
            after: self.after.clone(),
            before_explicit: false,
            after_explicit: self.after_explicit,
            unknown: self.unknown.clone(),
            before_sensitive: Json::Null,
            after_sensitive: self.after_sensitive.clone(),
            replace: self.replace.clone(),
            non_legacy: self.non_legacy,
        }
    }

    fn child_key(&self, key: &str) -> Change {
        let (before, before_explicit) = get_key(&self.before, key);
        let (after, after_explicit) = get_key(&self.after, key);
        Change {
            before,
            after,
            before_explicit,
            after_explicit,
            unknown: get_key(&self.unknown, key).0,
            before_sensitive: get_key(&self.before_sensitive, key).0,
            after_sensitive: get_key(&self.after_sensitive, key).0,
            replace: self.replace.child_key(key),
            non_legacy: self.non_legacy,
        }
    }

    /// `ChangeSlice.GetChild`: indexes past the end (`len`) mean "absent on that side".
    fn child_ix(&self, before_ix: usize, after_ix: usize) -> Change {
        let (before, before_explicit) = get_ix(&self.before, before_ix);
        let (after, after_explicit) = get_ix(&self.after, after_ix);
        let before_len = seq(&self.before).map_or(0, Vec::len);
        let relevant = if before_ix >= before_len { after_ix } else { before_ix };
        Change {
            before,
            after,
            before_explicit,
            after_explicit,
            unknown: get_ix(&self.unknown, after_ix).0,
            before_sensitive: get_ix(&self.before_sensitive, before_ix).0,
            after_sensitive: get_ix(&self.after_sensitive, after_ix).0,
            replace: self.replace.child_index(relevant),
            non_legacy: self.non_legacy,
        }
    }

    fn explicit_keys(&self) -> BTreeSet<String> {
        let mut keys = BTreeSet::new();
        for v in [&self.before, &self.after] {
            if let Some(m) = obj(v) {
                keys.extend(m.keys().cloned());
            }
        }
        keys
    }
    fn all_keys(&self) -> BTreeSet<String> {
        let mut keys = self.explicit_keys();
        for v in [&self.unknown, &self.after_sensitive, &self.before_sensitive] {
            if let Some(m) = obj(v) {
                keys.extend(m.keys().cloned());
            }
        }
        keys
    }

    /// `CheckForSensitive`.
    fn check_sensitive(&self, inner: impl FnOnce(&Change) -> Diff, make: impl FnOnce(Diff, bool, bool, Action) -> Diff) -> Option<Diff> {
        let (bs, a_s) = (self.is_before_sensitive(), self.is_after_sensitive());
        if !bs && !a_s {
            return None;
        }
        let mut value = self.clone();
        value.before_sensitive = Json::Bool(false);
        value.after_sensitive = Json::Bool(false);
        let inner = inner(&value);
        let mut action = inner.action;
        let null_no_op = self.before.is_null() && !self.before_explicit && self.after.is_null() && !self.after_explicit;
        if action == Action::NoOp && bs != a_s && !null_no_op {
            action = Action::Update;
        }
        Some(make(inner, bs, a_s, action))
    }

    /// `CheckForUnknown`: `create` renders a value unknown from the start, `with_before` one
    /// that had a prior value.
    fn check_unknown(
        &self,
        child_unknown: Json,
        create: impl FnOnce(&Change) -> Diff,
        with_before: impl FnOnce(&Change, &Change) -> Diff,
    ) -> Option<Diff> {
        if !self.is_unknown() {
            return None;
        }
        let mut change = self.clone();
        change.after_explicit = true;
        if change.before.is_null() {
            return Some(create(&change));
        }
        let mut before = change.as_delete();
        before.unknown = child_unknown;
        Some(with_before(&change, &before))
    }
}

fn compare_actions(current: Action, next: Action) -> Action {
    if next == Action::NoOp {
        return current;
    }
    if current != next {
        return Action::Update;
    }
    current
}

// ---------------------------------------------------------------------------------------------
// Computed diff

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Prim {
    String,
    Number,
    Bool,
    /// JSON null of no particular type.
    Nil,
}

#[derive(Clone, Debug)]
pub(crate) enum Renderer {
    Primitive { before: Json, after: Json, ty: Prim },
    Object { attrs: BTreeMap<String, Diff>, override_null_suffix: bool },
    Map { elems: BTreeMap<String, Diff> },
    List { elems: Vec<Diff> },
    Set { elems: Vec<Diff> },
    Sensitive { inner_action: Action, before: bool, after: bool },
    Unknown { before: Option<Box<Diff>> },
    TypeChange { before: Box<Diff>, after: Box<Diff> },
    Block { attrs: BTreeMap<String, Diff>, blocks: Vec<(String, BlockGroup)> },
    SensitiveBlock { inner_action: Action, before: bool, after: bool },
}

#[derive(Clone, Debug)]
pub(crate) enum BlockItems {
    Single(Box<Diff>),
    List(Vec<Diff>),
    Set(Vec<Diff>),
    Map(BTreeMap<String, Diff>),
}

#[derive(Clone, Debug)]
pub(crate) struct BlockGroup {
    items: BlockItems,
    replace: bool,
    before_sensitive: bool,
    after_sensitive: bool,
    unknown: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct Diff {
    pub renderer: Renderer,
    pub action: Action,
    pub replace: bool,
}

fn diff(renderer: Renderer, action: Action, replace: bool) -> Diff {
    Diff { renderer, action, replace }
}

fn as_diff(change: &Change, renderer: Renderer) -> Diff {
    diff(renderer, change.calculate_action(), change.replace.matches())
}

fn primitive_diff(change: &Change, ty: Prim) -> Diff {
    as_diff(change, Renderer::Primitive { before: change.before.clone(), after: change.after.clone(), ty })
}

fn unknown_diff(change: &Change, before: Option<Diff>) -> Diff {
    as_diff(change, Renderer::Unknown { before: before.map(Box::new) })
}

/// `ComputeDiffForBlock`.
pub(crate) fn diff_block(change: &Change, block: &BlockSchema) -> Diff {
    let replace = change.replace.matches();
    if let Some(d) = change.check_sensitive(
        |c| diff_block(c, block),
        |inner, b, a, action| diff(Renderer::SensitiveBlock { inner_action: inner.action, before: b, after: a }, action, replace),
    ) {
        return d;
    }
    let child_unknown = Json::Object(block.attrs.keys().map(|k| (k.clone(), Json::Bool(true))).collect());
    if let Some(d) = change.check_unknown(child_unknown, |c| unknown_diff(c, None), |c, before| unknown_diff(c, Some(diff_block(before, block)))) {
        return d;
    }
    let mut change = change.clone();
    change.non_legacy = change.non_legacy || block.non_legacy();
    let mut current = change.default_action_for_iteration();

    let mut attrs = BTreeMap::new();
    for (key, attr) in &block.attrs {
        let mut child = change.child_key(key);
        child.before_explicit = false;
        child.after_explicit = false;
        let d = diff_type(&child, &attr.ty);
        if d.action == Action::NoOp && child.before.is_null() && child.after.is_null() {
            continue;
        }
        current = compare_actions(current, d.action);
        attrs.insert(key.clone(), d);
    }

    let mut blocks = Vec::new();
    for (key, (nesting, inner)) in &block.blocks {
        let child = change.child_key(key);
        let before_sensitive = child.is_before_sensitive();
        let after_sensitive = child.is_after_sensitive();
        let forces = child.replace.matches();
        let unknown = child.is_unknown();
        let both_null = child.before.is_null() && child.after.is_null() && !unknown;
        let (items, action) = match nesting {
            Nesting::Set => {
                let mut elems = Vec::new();
                let mut action = child.default_action_for_iteration();
                process_set(&child, |c| {
                    let d = diff_block(&c, inner);
                    action = compare_actions(action, d.action);
                    elems.push(d);
                });
                (BlockItems::Set(elems), action)
            }
            Nesting::List => {
                let mut elems = Vec::new();
                let mut action = child.default_action_for_iteration();
                let n = seq(&child.before).map_or(0, Vec::len).max(seq(&child.after).map_or(0, Vec::len));
                for ix in 0..n {
                    let d = diff_block(&child.child_ix(ix, ix), inner);
                    action = compare_actions(action, d.action);
                    elems.push(d);
                }
                (BlockItems::List(elems), action)
            }
            Nesting::Map => {
                let (elems, action) = transform_map(&child, child.explicit_keys(), |c| diff_block(c, inner));
                (BlockItems::Map(elems), action)
            }
            Nesting::Single | Nesting::Group => {
                let d = diff_block(&child, inner);
                let action = d.action;
                (BlockItems::Single(Box::new(d)), action)
            }
        };
        if action == Action::NoOp && both_null {
            continue;
        }
        current = compare_actions(current, action);
        blocks.push((key.clone(), BlockGroup { items, replace: forces, before_sensitive, after_sensitive, unknown }));
    }
    diff(Renderer::Block { attrs, blocks }, current, replace)
}

fn transform_map(change: &Change, keys: BTreeSet<String>, mut process: impl FnMut(&Change) -> Diff) -> (BTreeMap<String, Diff>, Action) {
    let mut current = Action::NoOp;
    let (b, a) = (obj(&change.before).is_some(), obj(&change.after).is_some());
    if b && !a {
        current = Action::Delete;
    }
    if !b && a {
        current = Action::Create;
    }
    let mut out = BTreeMap::new();
    for k in keys {
        let d = process(&change.child_key(&k));
        current = compare_actions(current, d.action);
        out.insert(k, d);
    }
    (out, current)
}

/// `ComputeDiffForType`.
fn diff_type(change: &Change, ty: &Type) -> Diff {
    let mut change = change.clone();
    if !change.non_legacy {
        if change.before.as_str() == Some("") {
            change.before = Json::Null;
        }
        if change.after.as_str() == Some("") {
            change.after = Json::Null;
        }
    }
    let replace = change.replace.matches();
    if let Some(d) = change.check_sensitive(
        |c| diff_type(c, ty),
        |inner, b, a, action| diff(Renderer::Sensitive { inner_action: inner.action, before: b, after: a }, action, replace),
    ) {
        return d;
    }
    if let Some(d) =
        change.check_unknown(Json::Bool(false), |c| unknown_diff(c, None), |c, before| unknown_diff(c, Some(diff_type(before, ty))))
    {
        return d;
    }
    match ty {
        Type::Dynamic => diff_output(&change),
        Type::String => primitive_diff(&change, Prim::String),
        Type::Number => primitive_diff(&change, Prim::Number),
        Type::Bool => primitive_diff(&change, Prim::Bool),
        Type::Object(ot) => {
            let mut current = change.default_action_for_iteration();
            let mut attrs = BTreeMap::new();
            for (key, at) in &ot.attrs {
                let mut child = change.child_key(key);
                child.before_explicit = false;
                child.after_explicit = false;
                let d = diff_type(&child, at);
                if d.action == Action::NoOp && child.before.is_null() && child.after.is_null() {
                    continue;
                }
                current = compare_actions(current, d.action);
                attrs.insert(key.clone(), d);
            }
            diff(Renderer::Object { attrs, override_null_suffix: true }, current, replace)
        }
        Type::Map(et) => {
            let (elems, action) = transform_map(&change, change.all_keys(), |c| diff_type(c, et));
            diff(Renderer::Map { elems }, action, replace)
        }
        Type::List(et) => {
            let is_obj = matches!(**et, Type::Object(_));
            let (elems, action) = transform_slice(&change, |_| is_obj, |c| diff_type(c, et));
            diff(Renderer::List { elems }, action, replace)
        }
        Type::Tuple(ets) => {
            let mut current = change.default_action_for_iteration();
            let mut elems = Vec::new();
            for (ix, et) in ets.iter().enumerate() {
                let d = diff_type(&change.child_ix(ix, ix), et);
                current = compare_actions(current, d.action);
                elems.push(d);
            }
            diff(Renderer::List { elems }, current, replace)
        }
        Type::Set(et) => {
            let mut current = change.default_action_for_iteration();
            let mut elems = Vec::new();
            process_set(&change, |c| {
                let d = diff_type(&c, et);
                current = compare_actions(current, d.action);
                elems.push(d);
            });
            diff(Renderer::Set { elems }, current, replace)
        }
    }
}

/// `processSet`: pairs equal elements of before and after, then lists removals and additions.
fn process_set(change: &Change, mut process: impl FnMut(Change)) {
    let before = seq(&change.before).map_or(0, Vec::len);
    let after = seq(&change.after).map_or(0, Vec::len);
    let mut found_before: Vec<Option<usize>> = vec![None; before];
    let mut found_after: Vec<bool> = vec![false; after];
    for (ix, fb) in found_before.iter_mut().enumerate() {
        for (jx, fa) in found_after.iter_mut().enumerate() {
            if *fa {
                continue;
            }
            let c = change.child_ix(ix, jx);
            if c.before == c.after && c.is_before_sensitive() == c.is_after_sensitive() && !c.is_unknown() {
                *fb = Some(jx);
                *fa = true;
            }
        }
    }
    for (ix, fb) in found_before.iter().enumerate() {
        match fb {
            Some(jx) => process(change.child_ix(ix, *jx)),
            None => process(change.child_ix(ix, after)),
        }
    }
    for (jx, fa) in found_after.iter().enumerate() {
        if !fa {
            process(change.child_ix(before, jx));
        }
    }
}

/// `ComputeDiffForOutput`: values of type `any` (outputs, dynamic attributes) are rendered from
/// their JSON shape.
pub(crate) fn diff_output(change: &Change) -> Diff {
    let replace = change.replace.matches();
    if let Some(d) = change.check_sensitive(
        |c| json_transform(c),
        |inner, b, a, action| diff(Renderer::Sensitive { inner_action: inner.action, before: b, after: a }, action, replace),
    ) {
        return d;
    }
    if let Some(d) =
        change.check_unknown(Json::Bool(false), |c| unknown_diff(c, None), |c, before| unknown_diff(c, Some(json_transform(before))))
    {
        return d;
    }
    json_transform(change)
}

/// `jsondiff.JsonOpts.Transform` with the renderer's options: diffs built here never carry
/// `# forces replacement` themselves.
fn json_transform(change: &Change) -> Diff {
    if let Some(d) = change.check_sensitive(json_transform, |inner, b, a, action| {
        diff(Renderer::Sensitive { inner_action: inner.action, before: b, after: a }, action, false)
    }) {
        return d;
    }
    if let Some(d) = change.check_unknown(
        Json::Bool(false),
        |_| diff(Renderer::Unknown { before: None }, Action::Create, false),
        |_, before| diff(Renderer::Unknown { before: Some(Box::new(json_transform(before))) }, Action::Update, false),
    ) {
        return d;
    }
    let bt = json_type(&change.before);
    let at = json_type(&change.after);
    let deleted = at == JType::Null && !change.after_explicit;
    let created = bt == JType::Null && !change.before_explicit;
    if bt == at || created || deleted {
        let target = if bt == JType::Null { at } else { bt };
        return json_update(change, target);
    }
    let b = json_update(&change.as_delete(), bt);
    let a = json_update(&change.as_create(), at);
    diff(Renderer::TypeChange { before: Box::new(b), after: Box::new(a) }, Action::Update, false)
}

fn json_update(change: &Change, t: JType) -> Diff {
    let prim = |ty| {
        let before_missing = change.before.is_null() && !change.before_explicit;
        let after_missing = change.after.is_null() && !change.after_explicit;
        let action = match (before_missing, after_missing) {
            (true, false) => Action::Create,
            (false, true) => Action::Delete,
            _ if change.before == change.after => Action::NoOp,
            _ => Action::Update,
        };
        diff(Renderer::Primitive { before: change.before.clone(), after: change.after.clone(), ty }, action, false)
    };
    match t {
        JType::Null => prim(Prim::Nil),
        JType::Bool => prim(Prim::Bool),
        JType::String => prim(Prim::String),
        JType::Number => prim(Prim::Number),
        JType::Object => {
            let (attrs, action) = transform_map(change, change.all_keys(), json_transform);
            diff(Renderer::Object { attrs, override_null_suffix: true }, action, false)
        }
        JType::Array => {
            let (elems, action) = transform_slice(change, |v| json_type(v) == JType::Object, json_transform);
            diff(Renderer::List { elems }, action, false)
        }
    }
}

/// `collections.TransformSlice` / `ProcessSlice`: aligns before and after with a longest common
/// subsequence so insertions and removals show as such.
fn transform_slice(change: &Change, is_obj: impl Fn(&Json) -> bool, mut process: impl FnMut(&Change) -> Diff) -> (Vec<Diff>, Action) {
    let before = seq(&change.before);
    let after = seq(&change.after);
    let mut current = Action::NoOp;
    if before.is_some() && after.is_none() {
        current = Action::Delete;
    }
    if before.is_none() && after.is_some() {
        current = Action::Create;
    }
    let empty = Vec::new();
    let (b, a) = (before.unwrap_or(&empty), after.unwrap_or(&empty));
    let mut elems = Vec::new();
    process_slice(b, a, |bi, ai| {
        let d = process(&change.child_ix(bi, ai));
        current = compare_actions(current, d.action);
        elems.push(d);
    }, |v| is_obj(v));
    (elems, current)
}

pub(crate) fn process_slice<T: PartialEq>(before: &[T], after: &[T], mut process: impl FnMut(usize, usize), is_obj: impl Fn(&T) -> bool) {
    if before.len() == after.len() && !is_reorder(before, after) {
        for ix in 0..before.len() {
            process(ix, ix);
        }
        return;
    }
    let lcs = longest_common_subsequence(before, after);
    let (mut bi, mut ai, mut li) = (0, 0, 0);
    while bi < before.len() || ai < after.len() || li < lcs.len() {
        while bi < before.len() && (li >= lcs.len() || before[bi] != *lcs[li]) {
            let is_object_diff = is_obj(&before[bi]) && ai < after.len() && is_obj(&after[ai]) && (li >= lcs.len() || after[ai] != *lcs[li]);
            if is_object_diff {
                process(bi, ai);
                bi += 1;
                ai += 1;
                continue;
            }
            process(bi, after.len());
            bi += 1;
        }
        while ai < after.len() && (li >= lcs.len() || after[ai] != *lcs[li]) {
            process(before.len(), ai);
            ai += 1;
        }
        if li < lcs.len() {
            process(bi, ai);
            bi += 1;
            ai += 1;
            li += 1;
        }
    }
}

fn is_reorder<T: PartialEq>(before: &[T], after: &[T]) -> bool {
    before.len() == after.len() && before.iter().all(|b| after.iter().any(|a| a == b))
}

/// `objchange.LongestCommonSubsequence`, with the same tie-breaking.
fn longest_common_subsequence<'a, T: PartialEq>(xs: &'a [T], ys: &[T]) -> Vec<&'a T> {
    if xs.is_empty() || ys.is_empty() {
        return Vec::new();
    }
    let w = xs.len();
    let mut c = vec![0usize; xs.len() * ys.len()];
    let mut eqs = vec![false; xs.len() * ys.len()];
    for y in 0..ys.len() {
        for x in 0..xs.len() {
            if xs[x] == ys[y] {
                eqs[w * y + x] = true;
                c[w * y + x] = if x == 0 || y == 0 { 1 } else { c[w * (y - 1) + (x - 1)] + 1 };
            } else {
                let l = if x > 0 { c[w * y + (x - 1)] } else { 0 };
                let u = if y > 0 { c[w * (y - 1) + x] } else { 0 };
                c[w * y + x] = l.max(u);
            }
        }
    }
    let n = c[c.len() - 1];
    let mut out: Vec<&T> = Vec::with_capacity(n);
    let (mut x, mut y) = (xs.len() as isize - 1, ys.len() as isize - 1);
    while x > -1 && y > -1 && out.len() < n {
        let (xu, yu) = (x as usize, y as usize);
        if eqs[w * yu + xu] {
            out.push(&xs[xu]);
            x -= 1;
            y -= 1;
        } else {
            let l = if x > 0 { c[w * yu + (xu - 1)] } else { 0 };
            let u = if y > 0 { c[w * (yu - 1) + xu] } else { 0 };
            if l > u {
                x -= 1;
            } else {
                y -= 1;
            }
        }
    }
    out.reverse();
    out
}

// ---------------------------------------------------------------------------------------------
// Rendering (computed/renderers)

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Opts {
    pub color: bool,
    pub override_null_suffix: bool,
    pub force_forces_replacement: bool,
    pub forbid_forces_replacement: bool,
    pub show_unchanged_children: bool,
}

impl Opts {
    /// `RenderHumanOpts.Clone`: the force/forbid replacement flags never cascade.
    fn cloned(self) -> Opts {
        Opts { force_forces_replacement: false, forbid_forces_replacement: false, ..self }
    }
    fn c(self, markup: &str) -> String {
        colorize(markup, self.color)
    }
}

/// `format.DiffActionSymbol` (colour markup).
pub(crate) fn action_symbol(action: Action) -> &'static str {
    match action {
        Action::DeleteThenCreate => "[red]-[reset]/[green]+[reset]",
        Action::CreateThenDelete => "[green]+[reset]/[red]-[reset]",
        Action::Create => "  [green]+[reset]",
        Action::Delete => "  [red]-[reset]",
        Action::Forget => " [red].[reset]",
        Action::Read => " [cyan]<=[reset]",
        Action::Update => "  [yellow]~[reset]",
        Action::NoOp => "   ",
    }
}

fn sym(action: Action, o: Opts) -> String {
    format!("{} ", o.c(action_symbol(action)))
}

fn null_suffix(action: Action, o: Opts) -> String {
    if !o.override_null_suffix && action == Action::Delete {
        o.c(" [dark_gray]-> null[reset]")
    } else {
        String::new()
    }
}

fn forces(replace: bool, o: Opts) -> String {
    if (replace || o.force_forces_replacement) && !o.forbid_forces_replacement {
        o.c(" [red]# forces replacement[reset]")
    } else {
        String::new()
    }
}

fn indent_str(indent: usize) -> String {
    "    ".repeat(indent)
}

fn unchanged(keyword: &str, count: usize, o: Opts) -> String {
    let plural = if count == 1 { "" } else { "s" };
    o.c(&format!("[dark_gray]# ({count} unchanged {keyword}{plural} hidden)[reset]"))
}

/// `hclsyntax.ValidIdentifier`.
fn valid_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

pub(crate) fn attribute_name(name: &str) -> String {
    if valid_identifier(name) {
        name.to_string()
    } else {
        go_quote(name)
    }
}

/// Go's `strconv.Quote` (`%q`), which Terraform uses for strings in plans.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols
/// and the ASCII space.
fn is_go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let u = c as u32;
    // Unassigned/format characters Go refuses: soft hyphen, zero-width and bidi controls,
    // private use and noncharacters.
    !matches!(u, 0xad | 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x206f | 0xfeff | 0xe000..=0xf8ff | 0xfff9..=0xfffb | 0xfffe | 0xffff)
}

struct EvalString {
    text: String,
    json: Option<Json>,
    multiline: bool,
    null: bool,
}

fn evaluate_string(v: &Json, o: Opts) -> EvalString {
    let Some(s) = v.as_str() else {
        return EvalString { text: o.c("[dark_gray]null[reset]"), json: None, multiline: false, null: true };
    };
    if s.starts_with('{') || s.starts_with('[') {
        if let Ok(j) = serde_json::from_str::<Json>(s) {
            return EvalString { text: s.to_string(), json: Some(j), multiline: false, null: false };
        }
    }
    if s.contains('\n') {
        return EvalString { text: s.trim().to_string(), json: None, multiline: true, null: false };
    }
    EvalString { text: s.to_string(), json: None, multiline: false, null: false }
}

impl EvalString {
    fn simple(&self) -> String {
        if self.null {
            self.text.clone()
        } else {
            go_quote(&self.text)
        }
    }
}

fn render_prim_value(v: &Json, o: Opts) -> String {
    match v {
        Json::Null => o.c("[dark_gray]null[reset]"),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => go_quote(s),
        other => other.to_string(),
    }
}

impl Diff {
    pub fn render(&self, indent: usize, o: Opts) -> String {
        match &self.renderer {
            Renderer::Primitive { before, after, ty } => self.render_primitive(before, after, *ty, indent, o),
            Renderer::Object { attrs, override_null_suffix } => self.render_object(attrs, *override_null_suffix, indent, o),
            Renderer::Map { elems } => self.render_map(elems, indent, o),
            Renderer::List { elems } => self.render_list(elems, indent, o),
            Renderer::Set { elems } => self.render_set(elems, indent, o),
            Renderer::Sensitive { .. } => format!("(sensitive value){}{}", null_suffix(self.action, o), forces(self.replace, o)),
            Renderer::Unknown { before } => match before {
                Some(b) if self.action != Action::Create => {
                    let mut bo = o.cloned();
                    bo.override_null_suffix = true;
                    if self.replace {
                        bo.forbid_forces_replacement = true;
                    }
                    format!("{} -> (known after apply){}", b.render(indent, bo), forces(self.replace, o))
                }
                _ => format!("(known after apply){}", forces(self.replace, o)),
            },
            Renderer::TypeChange { before, after } => {
                let mut to = o;
                to.override_null_suffix = true;
                format!("{} {} {}", before.render(indent, to), o.c("[yellow]->[reset]"), after.render(indent, to))
            }
            Renderer::Block { attrs, blocks } => self.render_block(attrs, blocks, indent, o),
            Renderer::SensitiveBlock { .. } => {
                let prefix = format!("{}{}", indent_str(indent), sym(Action::NoOp, o));
                format!(
                    "{{{}\n{prefix}  # At least one attribute in this block is (or was) sensitive,\n{prefix}  # so its contents will not be displayed.\n{prefix}}}",
                    forces(self.replace, o)
                )
            }
        }
    }

    pub fn warnings(&self, indent: usize, o: Opts) -> Vec<String> {
        match &self.renderer {
            Renderer::Sensitive { inner_action, before, after } => {
                if before == after || matches!(inner_action, Action::Create | Action::Delete) {
                    return Vec::new();
                }
                let warning = if *before {
                    o.c(&format!("  # [yellow]Warning[reset]: this attribute value will no longer be marked as sensitive\n{}  # after applying this change.", indent_str(indent)))
                } else {
                    o.c(&format!("  # [yellow]Warning[reset]: this attribute value will be marked as sensitive and will not\n{}  # display in UI output after applying this change.", indent_str(indent)))
                };
                if *inner_action == Action::NoOp {
                    vec![format!("{warning} The value is unchanged.")]
                } else {
                    vec![warning]
                }
            }
            Renderer::SensitiveBlock { inner_action, before, after } => {
                if before == after || matches!(inner_action, Action::Create | Action::Delete) {
                    return Vec::new();
                }
                if *before {
                    vec![o.c(&format!("  # [yellow]Warning[reset]: this block will no longer be marked as sensitive\n{}  # after applying this change.", indent_str(indent)))]
                } else {
                    vec![o.c(&format!("  # [yellow]Warning[reset]: this block will be marked as sensitive and will not\n{}  # display in UI output after applying this change.", indent_str(indent)))]
                }
            }
            _ => Vec::new(),
        }
    }

    fn render_primitive(&self, before: &Json, after: &Json, ty: Prim, indent: usize, o: Opts) -> String {
        if ty == Prim::String {
            return self.render_string(before, after, indent, o);
        }
        let b = render_prim_value(before, o);
        let a = render_prim_value(after, o);
        match self.action {
            Action::Create => format!("{a}{}", forces(self.replace, o)),
            Action::Delete => format!("{b}{}{}", null_suffix(self.action, o), forces(self.replace, o)),
            Action::NoOp => format!("{b}{}", forces(self.replace, o)),
            _ => format!("{b} {} {a}{}", o.c("[yellow]->[reset]"), forces(self.replace, o)),
        }
    }

    fn render_string(&self, before: &Json, after: &Json, indent: usize, o: Opts) -> String {
        let line_prefix = |action: Action| format!("{}{}", indent_str(indent + 1), sym(action, o));
        let mut lines: Vec<String> = Vec::new();
        match self.action {
            Action::Create | Action::NoOp => {
                let s = evaluate_string(after, o);
                if let Some(j) = &s.json {
                    return if self.action == Action::NoOp {
                        self.render_string_as_json(Some(j), Some(j), indent, o)
                    } else {
                        self.render_string_as_json(None, Some(j), indent, o)
                    };
                }
                if !s.multiline {
                    return format!("{}{}", s.simple(), forces(self.replace, o));
                }
                for l in s.text.split('\n') {
                    lines.push(format!("{}{l}", line_prefix(Action::NoOp)));
                }
            }
            Action::Delete => {
                let s = evaluate_string(before, o);
                if s.null {
                    return format!("{}{}", s.simple(), forces(self.replace, o));
                }
                if let Some(j) = &s.json {
                    return self.render_string_as_json(Some(j), None, indent, o);
                }
                if !s.multiline {
                    return format!("{}{}{}", s.simple(), null_suffix(self.action, o), forces(self.replace, o));
                }
                for l in s.text.split('\n') {
                    lines.push(format!("{}{l}", line_prefix(Action::NoOp)));
                }
            }
            _ => {
                let b = evaluate_string(before, o);
                let a = evaluate_string(after, o);
                if let (Some(bj), Some(aj)) = (&b.json, &a.json) {
                    return self.render_string_as_json(Some(bj), Some(aj), indent, o);
                }
                if b.json.is_some() || a.json.is_some() {
                    let before_d = diff(Renderer::Primitive { before: before.clone(), after: Json::Null, ty: Prim::String }, Action::Delete, false);
                    let after_d = diff(Renderer::Primitive { before: Json::Null, after: after.clone(), ty: Prim::String }, Action::Create, false);
                    return diff(Renderer::TypeChange { before: Box::new(before_d), after: Box::new(after_d) }, self.action, self.replace)
                        .render(indent, o);
                }
                if !b.multiline && !a.multiline {
                    return format!("{} {} {}{}", b.simple(), o.c("[yellow]->[reset]"), a.simple(), forces(self.replace, o));
                }
                let bl: Vec<&str> = b.text.split('\n').collect();
                let al: Vec<&str> = a.text.split('\n').collect();
                process_slice(&bl, &al, |bi, ai| {
                    if bi >= bl.len() {
                        lines.push(format!("{}{}", line_prefix(Action::Create), al[ai]));
                    } else if ai >= al.len() {
                        lines.push(format!("{}{}", line_prefix(Action::Delete), bl[bi]));
                    } else if bl[bi] != al[ai] {
                        lines.push(format!("{}{}", line_prefix(Action::Delete), bl[bi]));
                        lines.push(format!("{}{}", line_prefix(Action::Create), al[ai]));
                    } else {
                        lines.push(format!("{}{}", line_prefix(Action::NoOp), bl[bi]));
                    }
                }, |_| false);
            }
        }
        format!(
            "<<-EOT{}\n{}\n{}{}EOT{}",
            forces(self.replace, o),
            lines.join("\n"),
            indent_str(indent),
            sym(Action::NoOp, o),
            null_suffix(self.action, o)
        )
    }

    fn render_string_as_json(&self, before: Option<&Json>, after: Option<&Json>, indent: usize, o: Opts) -> String {
        let change = Change {
            before: before.cloned().unwrap_or(Json::Null),
            after: after.cloned().unwrap_or(Json::Null),
            before_explicit: self.action != Action::Create,
            after_explicit: self.action != Action::Delete,
            unknown: Json::Bool(false),
            before_sensitive: Json::Bool(false),
            after_sensitive: Json::Bool(false),
            replace: Matcher::empty(),
            non_legacy: true,
        };
        let json_diff = json_transform(&change);
        let mut action = self.action;
        let mut jo = o.cloned();
        jo.override_null_suffix = true;
        let (mut whitespace, mut replace) = (String::new(), String::new());
        if json_diff.action == Action::NoOp && self.action == Action::Update {
            whitespace = if self.replace { " # whitespace changes force replacement".into() } else { " # whitespace changes".into() };
            jo.show_unchanged_children = true;
            action = Action::NoOp;
        } else {
            replace = forces(self.replace, o);
        }
        let rendered = json_diff.render(indent + 1, jo);
        if matches!(self.action, Action::Create | Action::Delete) {
            action = Action::NoOp;
        }
        if rendered.contains('\n') {
            format!(
                "jsonencode({whitespace}\n{}{}{rendered}{replace}\n{}{}){}",
                indent_str(indent + 1),
                sym(action, o),
                indent_str(indent),
                sym(Action::NoOp, o),
                null_suffix(self.action, o)
            )
        } else {
            format!("jsonencode({rendered}){whitespace}{replace}")
        }
    }

    fn render_object(&self, attrs: &BTreeMap<String, Diff>, override_null_suffix: bool, indent: usize, o: Opts) -> String {
        if attrs.is_empty() {
            return format!("{{}}{}{}", null_suffix(self.action, o), forces(self.replace, o));
        }
        let mut ao = o.cloned();
        ao.override_null_suffix = override_null_suffix;
        let width = attrs.keys().map(|k| attribute_name(k).len()).max().unwrap_or(0);
        let mut buf = format!("{{{}\n", forces(self.replace, o));
        let mut hidden = 0;
        for (key, attr) in attrs {
            let name = attribute_name(key);
            let important = is_important(key);
            let mut this = ao;
            if important {
                this.show_unchanged_children = true;
            } else if attr.action == Action::NoOp && !o.show_unchanged_children {
                hidden += 1;
                continue;
            }
            let wopts = if important { this } else { o };
            for w in attr.warnings(indent + 1, wopts) {
                buf.push_str(&format!("{}{w}\n", indent_str(indent + 1)));
            }
            buf.push_str(&format!("{}{}{name:<width$} = {}\n", indent_str(indent + 1), sym(attr.action, this), attr.render(indent + 1, this)));
        }
        if hidden > 0 {
            buf.push_str(&format!("{}{}{}\n", indent_str(indent + 1), sym(Action::NoOp, o), unchanged("attribute", hidden, o)));
        }
        buf.push_str(&format!("{}{}}}{}", indent_str(indent), sym(Action::NoOp, o), null_suffix(self.action, o)));
        buf
    }

    fn render_map(&self, elems: &BTreeMap<String, Diff>, indent: usize, o: Opts) -> String {
        if elems.is_empty() {
            return format!("{{}}{}{}", null_suffix(self.action, o), forces(self.replace, o));
        }
        let width = elems.keys().map(|k| go_quote(k).len()).max().unwrap_or(0);
        let mut eo = o.cloned();
        eo.override_null_suffix = self.action == Action::Delete;
        let mut buf = format!("{{{}\n", forces(self.replace, o));
        let mut hidden = 0;
        for (key, e) in elems {
            if e.action == Action::NoOp && !o.show_unchanged_children {
                hidden += 1;
                continue;
            }
            for w in e.warnings(indent + 1, o) {
                buf.push_str(&format!("{}{w}\n", indent_str(indent + 1)));
            }
            let comma = if matches!(e.renderer, Renderer::Object { .. }) { "," } else { "" };
            buf.push_str(&format!(
                "{}{}{:<width$} = {}{comma}\n",
                indent_str(indent + 1),
                sym(e.action, eo),
                go_quote(key),
                e.render(indent + 1, eo)
            ));
        }
        if hidden > 0 {
            buf.push_str(&format!("{}{}{}\n", indent_str(indent + 1), sym(Action::NoOp, o), unchanged("element", hidden, o)));
        }
        buf.push_str(&format!("{}{}}}{}", indent_str(indent), sym(Action::NoOp, o), null_suffix(self.action, o)));
        buf
    }

    fn render_list(&self, elems: &[Diff], indent: usize, o: Opts) -> String {
        if elems.is_empty() {
            return format!("[]{}{}", null_suffix(self.action, o), forces(self.replace, o));
        }
        let mut eo = o.cloned();
        eo.override_null_suffix = true;
        let mut uo = o.cloned();
        uo.show_unchanged_children = true;
        let mut pending: Vec<&Diff> = Vec::new();
        let mut render_next = false;
        let mut buf = format!("[{}\n", forces(self.replace, o));
        for e in elems {
            if e.action == Action::NoOp && !render_next && !o.show_unchanged_children {
                pending.push(e);
                continue;
            }
            render_next = false;
            let mut this = eo;
            if pending.len() > 1 {
                buf.push_str(&format!("{}{}{}\n", indent_str(indent + 1), sym(Action::NoOp, this), unchanged("element", pending.len() - 1, this)));
            }
            if let Some(last) = pending.last() {
                buf.push_str(&format!("{}{}{},\n", indent_str(indent + 1), sym(last.action, uo), last.render(indent + 1, uo)));
            }
            pending.clear();
            if e.action == Action::NoOp {
                this = uo;
            } else {
                render_next = true;
            }
            for w in e.warnings(indent + 1, this) {
                buf.push_str(&format!("{}{w}\n", indent_str(indent + 1)));
            }
            buf.push_str(&format!("{}{}{},\n", indent_str(indent + 1), sym(e.action, this), e.render(indent + 1, this)));
        }
        if !pending.is_empty() {
            buf.push_str(&format!("{}{}{}\n", indent_str(indent + 1), sym(Action::NoOp, o), unchanged("element", pending.len(), o)));
        }
        buf.push_str(&format!("{}{}]{}", indent_str(indent), sym(Action::NoOp, o), null_suffix(self.action, o)));
        buf
    }

    fn render_set(&self, elems: &[Diff], indent: usize, o: Opts) -> String {
        if elems.is_empty() {
            return format!("[]{}{}", null_suffix(self.action, o), forces(self.replace, o));
        }
        let mut eo = o.cloned();
        eo.override_null_suffix = true;
        let mut buf = format!("[{}\n", forces(self.replace, o));
        let mut hidden = 0;
        for e in elems {
            if e.action == Action::NoOp && !o.show_unchanged_children {
                hidden += 1;
                continue;
            }
            for w in e.warnings(indent + 1, o) {
                buf.push_str(&format!("{}{w}\n", indent_str(indent + 1)));
            }
            buf.push_str(&format!("{}{}{},\n", indent_str(indent + 1), sym(e.action, eo), e.render(indent + 1, eo)));
        }
        if hidden > 0 {
            buf.push_str(&format!("{}{}{}\n", indent_str(indent + 1), sym(Action::NoOp, o), unchanged("element", hidden, o)));
        }
        buf.push_str(&format!("{}{}]{}", indent_str(indent), sym(Action::NoOp, o), null_suffix(self.action, o)));
        buf
    }

    fn render_block(&self, attrs: &BTreeMap<String, Diff>, blocks: &[(String, BlockGroup)], indent: usize, o: Opts) -> String {
        if attrs.is_empty() && blocks.is_empty() {
            return format!("{{}}{}", forces(self.replace, o));
        }
        let width = attrs.keys().map(|k| attribute_name(k).len()).max().unwrap_or(0);
        let mut io = o.cloned();
        io.show_unchanged_children = true;
        let ao = o.cloned();
        let mut buf = format!("{{{}\n", forces(self.replace, o));
        let mut hidden_attrs = 0;
        for (key, attr) in attrs {
            if is_important(key) {
                for w in attr.warnings(indent + 1, io) {
                    buf.push_str(&format!("{}{w}\n", indent_str(indent + 1)));
                }
                buf.push_str(&format!("{}{}{key:<width$} = {}\n", indent_str(indent + 1), sym(attr.action, io), attr.render(indent + 1, io)));
                continue;
            }
            if attr.action == Action::NoOp && !o.show_unchanged_children {
                hidden_attrs += 1;
                continue;
            }
            for w in attr.warnings(indent + 1, o) {
                buf.push_str(&format!("{}{w}\n", indent_str(indent + 1)));
            }
            buf.push_str(&format!(
                "{}{}{:<width$} = {}\n",
                indent_str(indent + 1),
                sym(attr.action, ao),
                attribute_name(key),
                attr.render(indent + 1, ao)
            ));
        }
        if hidden_attrs > 0 {
            buf.push_str(&format!("{}{}{}\n", indent_str(indent + 1), sym(Action::NoOp, o), unchanged("attribute", hidden_attrs, o)));
        }

        let mut hidden_blocks = 0;
        for (key, group) in blocks {
            let mut found_changed = false;
            let mut render_one = |d: &Diff, map_key: &str, o: Opts, buf: &mut String| {
                let creating = d.action == Action::Create && group.after_sensitive;
                let deleting = d.action == Action::Delete && group.before_sensitive;
                let modifying = matches!(d.action, Action::Update | Action::NoOp) && (group.after_sensitive || group.before_sensitive);
                let owned;
                let d = if creating || deleting || modifying {
                    let mut action = d.action;
                    if d.action == Action::NoOp && group.before_sensitive != group.after_sensitive {
                        action = Action::Update;
                    }
                    owned = diff(
                        Renderer::SensitiveBlock { inner_action: d.action, before: group.before_sensitive, after: group.after_sensitive },
                        action,
                        d.replace,
                    );
                    &owned
                } else {
                    d
                };
                if d.action == Action::NoOp && !o.show_unchanged_children {
                    hidden_blocks += 1;
                    return;
                }
                if !found_changed && !attrs.is_empty() {
                    buf.push('\n');
                    found_changed = true;
                }
                let mut bo = o.cloned();
                bo.force_forces_replacement = group.replace;
                for w in d.warnings(indent + 1, bo) {
                    buf.push_str(&format!("{}{w}\n", indent_str(indent + 1)));
                }
                buf.push_str(&format!(
                    "{}{}{}{map_key} {}\n",
                    indent_str(indent + 1),
                    sym(d.action, bo),
                    attribute_name(key),
                    d.render(indent + 1, bo)
                ));
            };
            let unknown_block = diff(Renderer::Unknown { before: None }, self.action, false);
            match &group.items {
                BlockItems::Single(d) => render_one(d, "", o, &mut buf),
                BlockItems::Map(m) => {
                    if group.unknown {
                        render_one(&unknown_block, "", o, &mut buf);
                    }
                    for (k, d) in m {
                        render_one(d, &format!(" {}", go_quote(k)), o, &mut buf);
                    }
                }
                BlockItems::Set(v) | BlockItems::List(v) => {
                    if group.unknown {
                        render_one(&unknown_block, "", o, &mut buf);
                    }
                    for d in v {
                        render_one(d, "", o, &mut buf);
                    }
                }
            }
        }
        if hidden_blocks > 0 {
            buf.push_str(&format!("\n{}{}{}\n", indent_str(indent + 1), sym(Action::NoOp, o), unchanged("block", hidden_blocks, o)));
        }
        buf.push_str(&format!("{}{}}}", indent_str(indent), sym(Action::NoOp, o)));
        buf
    }
}

/// Attributes Terraform always shows, even unchanged.
fn is_important(key: &str) -> bool {
    matches!(key, "id" | "name" | "tags")
}
