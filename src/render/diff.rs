//! The structured diff behind the human plan: a port of Terraform's `jsonformat` differ and
//! renderers (`internal/command/jsonformat/{structured,differ,computed/renderers}`), reading
//! the same JSON change representation Terraform's renderer reads (before/after,
//! after_unknown, before/after_sensitive, replace_paths), so that the output matches
//! `terraform plan` character for character. It reads it through borrowed views
//! ([`Val`], [`Flags`] in `view.rs`) that answer from the typed values without building it.
//!
//! Two phases, as in Terraform: [`diff_block`] / [`diff_output`] compute a tree of [`Diff`]s
//! (what changed, with which action), then [`Diff::render_to`] prints it with alignment,
//! "unchanged hidden" counters and `# forces replacement` annotations.
//!
//! **Performance invariant:** a plan can hold tens of thousands of resources, so neither phase
//! copies the values it diffs, nor encodes them as JSON. A [`Change`] and the [`Diff`] tree
//! borrow the change's values and the schema (`'a`); absent values are [`Val::Null`]. Each
//! child is looked up once per value for the five views ([`Change::child_key`]). Rendering
//! appends to one `String`
//! instead of returning a `String` per node, and the colour markup of the fixed pieces
//! (action symbols, `-> null`, `# forces replacement`) is expanded once per process
//! ([`Palette`]), not once per line.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use infra_engine::plan::Action;
use infra_provider_sdk::schema::Nesting;
use infra_value::{Type, Value};
use serde_json::Value as Json;

use super::text::colorize;
use super::view::{self, Flags, JType, Val};

/// The JSON `null`, for the few places that need one as JSON (tests).
#[cfg(test)]
static NULL: Json = Json::Null;

// ---------------------------------------------------------------------------------------------
// Schema view

/// The part of a provider schema the differ needs: attribute types and nested block kinds.
/// Built once per resource type and plan (see `plan_text`), so the facts the differ asks of
/// every block are computed here once.
#[derive(Clone, Debug)]
pub(crate) struct BlockSchema {
    pub attrs: BTreeMap<String, AttrSchema>,
    pub blocks: BTreeMap<String, (Nesting, BlockSchema)>,
    /// `{attr: true, …}` for every attribute: the `after_unknown` of a block that becomes
    /// wholly unknown (`ComputeDiffForBlock`'s `childUnknown`), kept here so it is built once.
    unknown_attrs: Json,
    /// `containsNonLegacyFeatures`, cached.
    non_legacy: bool,
    /// Whether any attribute is declared sensitive.
    pub any_sensitive: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct AttrSchema {
    pub ty: Type,
    pub sensitive: bool,
}

impl BlockSchema {
    fn new(attrs: BTreeMap<String, AttrSchema>, blocks: BTreeMap<String, (Nesting, BlockSchema)>) -> BlockSchema {
        let unknown_attrs = Json::Object(attrs.keys().map(|k| (k.clone(), Json::Bool(true))).collect());
        let any_sensitive = attrs.values().any(|a| a.sensitive);
        let mut schema = BlockSchema { attrs, blocks, unknown_attrs, non_legacy: false, any_sensitive };
        schema.non_legacy = schema.compute_non_legacy();
        schema
    }

    pub fn from_sdk(b: &infra_provider_sdk::schema::Block) -> BlockSchema {
        BlockSchema::new(
            b.attributes.iter().map(|(k, a)| (k.clone(), AttrSchema { ty: a.ty.clone(), sensitive: a.sensitive })).collect(),
            b.block_types.iter().map(|(k, nb)| (k.clone(), (nb.nesting, BlockSchema::from_sdk(&nb.block)))).collect(),
        )
    }

    /// A schema for a resource type no provider describes: every attribute present in either
    /// value is taken as `any`, so it is rendered the way Terraform renders dynamic values.
    ///
    /// The attributes are the keys of all five trees of the change (`Change::all_keys`).
    pub fn synthesized(change: &Change<'_>) -> BlockSchema {
        let attrs = change.all_keys().into_iter().map(|k| (k.to_string(), AttrSchema { ty: Type::Dynamic, sensitive: false })).collect();
        BlockSchema::new(attrs, BTreeMap::new())
    }

    /// Whether [`BlockSchema::synthesized`] would build exactly this schema from `change`: its
    /// attributes are the change's keys. Lets a renderer reuse the schema it synthesized for
    /// the previous resource of a type (almost always the same keys).
    pub fn synthesized_fits(&self, change: &Change<'_>) -> bool {
        if !self.blocks.is_empty() || self.attrs.values().any(|a| a.sensitive || a.ty != Type::Dynamic) {
            return false;
        }
        // Both are sorted by bytes and free of duplicates.
        match change.key_maps() {
            // One map (a create or a delete): its keys, compared in place.
            Some((Some(m), None) | (None, Some(m))) => self.attrs.len() == m.len() && self.attrs.keys().zip(m.keys()).all(|(x, y)| x == y),
            Some((None, None)) => self.attrs.is_empty(),
            // The keys are those of two maps: merged in order, without collecting.
            Some((a, b)) => self.attrs.keys().map(String::as_str).eq(view::union_keys(a, b)),
            None => self.attrs.keys().map(String::as_str).eq(change.all_keys()),
        }
    }

    /// `containsNonLegacyFeatures`: legacy (SDKv2-style) schemas treat `""` as null.
    fn compute_non_legacy(&self) -> bool {
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

/// `attribute_path.Matcher` for the `replace_paths` of a change: the paths still to match below
/// the current value, borrowed from the change's JSON.
#[derive(Clone, Debug)]
pub(crate) struct Matcher<'a> {
    paths: Vec<&'a [Json]>,
    propagate: bool,
}

impl<'a> Matcher<'a> {
    pub fn from_json(paths: &'a Json) -> Matcher<'a> {
        let paths = match paths {
            Json::Array(ps) => ps.iter().filter_map(|p| p.as_array().map(Vec::as_slice)).collect(),
            _ => Vec::new(),
        };
        Matcher { paths, propagate: false }
    }
    pub fn empty() -> Matcher<'a> {
        Matcher { paths: Vec::new(), propagate: false }
    }
    fn matches(&self) -> bool {
        self.paths.iter().any(|p| p.is_empty())
    }
    fn child(&self, step: impl Fn(&Json) -> bool) -> Matcher<'a> {
        if self.paths.is_empty() {
            // The common case (nothing forces replacement): no allocation.
            return Matcher { paths: Vec::new(), propagate: self.propagate };
        }
        let mut out = Vec::new();
        for p in &self.paths {
            match p.split_first() {
                None if self.propagate => out.push(&[][..]),
                None => {}
                Some((first, rest)) if step(first) => out.push(rest),
                Some(_) => {}
            }
        }
        Matcher { paths: out, propagate: self.propagate }
    }
    fn child_key(&self, key: &str) -> Matcher<'a> {
        self.child(|s| s.as_str() == Some(key))
    }
    fn child_index(&self, ix: usize) -> Matcher<'a> {
        self.child(|s| match s {
            Json::Number(n) => n.as_f64().is_some_and(|f| f as i64 == ix as i64),
            Json::String(t) => t.parse::<f64>().is_ok_and(|f| f as i64 == ix as i64),
            _ => false,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Structured change (structured.Change)

/// A before/after pair with its metadata, borrowed views (see `view.rs`) of the change's
/// values as Terraform's JSON change representation has them. [`Val::Null`] plays Go's `nil`;
/// the `*_explicit` flags say whether a null was present in its parent (an explicit null) or
/// absent.
#[derive(Clone, Debug)]
pub(crate) struct Change<'a> {
    pub before: Val<'a>,
    pub after: Val<'a>,
    pub before_explicit: bool,
    pub after_explicit: bool,
    pub unknown: Flags<'a>,
    pub before_sensitive: Flags<'a>,
    pub after_sensitive: Flags<'a>,
    pub replace: Matcher<'a>,
    pub non_legacy: bool,
}

impl<'a> Change<'a> {
    pub fn new(
        before: Val<'a>,
        after: Val<'a>,
        unknown: Flags<'a>,
        before_sensitive: Flags<'a>,
        after_sensitive: Flags<'a>,
        replace: Matcher<'a>,
    ) -> Change<'a> {
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

    /// The change of a resource's values as `marshalResourceChange` encodes it (values
    /// unredacted): `after_unknown` is `{}` when `after` is wholly known.
    pub fn of_values(before: &'a Value, after: &'a Value, replace: Matcher<'a>) -> Change<'a> {
        Change::new(Val::of(before), Val::of(after), Flags::unknown_of(after), Flags::Sensitive(before), Flags::Sensitive(after), replace)
    }

    fn is_before_sensitive(&self) -> bool {
        self.before_sensitive.is_true()
    }
    fn is_after_sensitive(&self) -> bool {
        self.after_sensitive.is_true()
    }
    fn is_unknown(&self) -> bool {
        self.unknown.is_true()
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

    pub fn as_no_op(&self) -> Change<'a> {
        Change {
            before: self.before,
            after: self.before,
            before_explicit: self.before_explicit,
            after_explicit: self.before_explicit,
            unknown: Flags::False,
            before_sensitive: self.before_sensitive,
            after_sensitive: self.before_sensitive,
            replace: self.replace.clone(),
            non_legacy: self.non_legacy,
        }
    }
    fn as_delete(&self) -> Change<'a> {
        Change {
            before: self.before,
            after: Val::Null,
            before_explicit: self.before_explicit,
            after_explicit: false,
            unknown: Flags::False,
            before_sensitive: self.before_sensitive,
            after_sensitive: Flags::False,
            replace: self.replace.clone(),
            non_legacy: self.non_legacy,
        }
    }
    fn as_create(&self) -> Change<'a> {
        Change {
            before: Val::Null,
            after: self.after,
            before_explicit: false,
            after_explicit: self.after_explicit,
            unknown: self.unknown,
            before_sensitive: Flags::False,
            after_sensitive: self.after_sensitive,
            replace: self.replace.clone(),
            non_legacy: self.non_legacy,
        }
    }

    fn child_key(&self, key: &str) -> Change<'a> {
        // The five views mostly read two values (the unknown and sensitive trees are those of
        // `before` and `after`): each value's entry is looked up once, not once per view.
        let before_entry = self.before.value().and_then(|v| view::entry(v, key));
        let after_entry = self.after.value().and_then(|v| view::entry(v, key));
        self.child_key_found(key, before_entry, after_entry)
    }

    /// [`Change::child_key`] given the entries at `key` of the values `before` and `after` read
    /// (`None` when absent, or when that side reads no value).
    fn child_key_found(&self, key: &str, before_entry: Option<&'a Value>, after_entry: Option<&'a Value>) -> Change<'a> {
        let (before_value, after_value) = (self.before.value(), self.after.value());
        let look = |v: &'a Value| match (after_value, before_value) {
            (Some(a), _) if std::ptr::eq(a, v) => after_entry,
            (_, Some(b)) if std::ptr::eq(b, v) => before_entry,
            _ => view::entry(v, key),
        };
        let (before, before_explicit) = if before_value.is_some() { Val::of_entry(before_entry) } else { self.before.child_key(key) };
        let (after, after_explicit) = if after_value.is_some() { Val::of_entry(after_entry) } else { self.after.child_key(key) };
        Change {
            before,
            after,
            before_explicit,
            after_explicit,
            unknown: self.unknown.child_key_with(key, look),
            before_sensitive: self.before_sensitive.child_key_with(key, look),
            after_sensitive: self.after_sensitive.child_key_with(key, look),
            replace: self.replace.child_key(key),
            non_legacy: self.non_legacy,
        }
    }

    /// `ChangeSlice.GetChild`: indexes past the end (`len`) mean "absent on that side".
    fn child_ix(&self, before_ix: usize, after_ix: usize) -> Change<'a> {
        let (before, before_explicit) = self.before.child_ix(before_ix);
        let (after, after_explicit) = self.after.child_ix(after_ix);
        let before_len = self.before.len().unwrap_or(0);
        let relevant = if before_ix >= before_len { after_ix } else { before_ix };
        Change {
            before,
            after,
            before_explicit,
            after_explicit,
            unknown: self.unknown.child_ix(after_ix),
            before_sensitive: self.before_sensitive.child_ix(before_ix),
            after_sensitive: self.after_sensitive.child_ix(after_ix),
            replace: self.replace.child_index(relevant),
            non_legacy: self.non_legacy,
        }
    }

    /// The keys of the given values, sorted and without duplicates (Terraform iterates maps in
    /// key order).
    fn sorted(mut keys: Vec<&'a str>) -> Vec<&'a str> {
        keys.sort_unstable();
        keys.dedup();
        keys
    }
    fn explicit_keys(&self) -> Vec<&'a str> {
        let mut keys = Vec::new();
        self.before.keys_into(&mut keys);
        self.after.keys_into(&mut keys);
        Change::sorted(keys)
    }
    /// The keys of all five trees.
    ///
    /// The trees mostly read two values: when `unknown` and `after_sensitive` are the trees of
    /// the value `after` reads (or empty), their keys are among that value's keys, so the
    /// value's keys are taken once instead of filtering it three times; likewise for `before`.
    pub fn all_keys(&self) -> Vec<&'a str> {
        if let Some((a, b)) = self.key_maps() {
            // Already in order: merged without sorting.
            return view::union_keys(a, b).collect();
        }
        let mut keys = Vec::new();
        let after_done = self.after.value().is_some_and(|a| {
            let ok = (self.unknown.is_unknown_of(a) || (self.unknown.is_empty() && view::no_unknown_entries(a)))
                && (self.after_sensitive.is_sensitive_of(a) || self.after_sensitive.is_empty());
            if ok {
                view::all_entry_keys_into(a, &mut keys);
            }
            ok
        });
        if !after_done {
            self.after.keys_into(&mut keys);
            self.unknown.keys_into(&mut keys);
            self.after_sensitive.keys_into(&mut keys);
        }
        let before_done = self.before.value().is_some_and(|b| {
            let ok = (self.before_sensitive.is_sensitive_of(b) || self.before_sensitive.is_empty()) && view::no_unknown_entries(b);
            if ok {
                view::all_entry_keys_into(b, &mut keys);
            }
            ok
        });
        if !before_done {
            self.before.keys_into(&mut keys);
            self.before_sensitive.keys_into(&mut keys);
        }
        Change::sorted(keys)
    }

    /// The maps whose keys are [`Change::all_keys`] when they are the entry keys of `after`
    /// and `before` alone (the common case [`Change::all_keys`] takes first, or a side that is
    /// null with empty trees): lets a caller walk them in order instead of collecting them.
    pub fn key_maps(&self) -> Option<(Option<&'a BTreeMap<String, Value>>, Option<&'a BTreeMap<String, Value>>)> {
        let after = match self.after.value() {
            Some(a) => {
                let ok = (self.unknown.is_unknown_of(a) || (self.unknown.is_empty() && view::no_unknown_entries(a)))
                    && (self.after_sensitive.is_sensitive_of(a) || self.after_sensitive.is_empty());
                if !ok {
                    return None;
                }
                view::entry_map(a)
            }
            None if matches!(self.after, Val::Null) && self.unknown.has_no_keys() && self.after_sensitive.has_no_keys() => None,
            None => return None,
        };
        let before = match self.before.value() {
            Some(b) => {
                let ok = (self.before_sensitive.is_sensitive_of(b) || self.before_sensitive.is_empty()) && view::no_unknown_entries(b);
                if !ok {
                    return None;
                }
                view::entry_map(b)
            }
            None if matches!(self.before, Val::Null) && self.before_sensitive.has_no_keys() => None,
            None => return None,
        };
        Some((after, before))
    }

    /// `CheckForSensitive`.
    fn check_sensitive(
        &self,
        inner: impl FnOnce(&Change<'a>) -> Diff<'a>,
        make: impl FnOnce(Diff<'a>, bool, bool, Action) -> Diff<'a>,
    ) -> Option<Diff<'a>> {
        let (bs, a_s) = (self.is_before_sensitive(), self.is_after_sensitive());
        if !bs && !a_s {
            return None;
        }
        let mut value = self.clone();
        value.before_sensitive = Flags::False;
        value.after_sensitive = Flags::False;
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
        child_unknown: Flags<'a>,
        create: impl FnOnce(&Change<'a>) -> Diff<'a>,
        with_before: impl FnOnce(&Change<'a>, &Change<'a>) -> Diff<'a>,
    ) -> Option<Diff<'a>> {
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

/// Attributes, map elements and blocks are kept as `(key, diff)` pairs in key order (the order
/// Terraform renders them in): the keys are borrowed from the schema or the change's JSON, and
/// every producer already walks its keys sorted.
pub(crate) type Keyed<'a, T> = Vec<(&'a str, T)>;

#[derive(Clone, Debug)]
pub(crate) enum Renderer<'a> {
    Primitive { before: Val<'a>, after: Val<'a>, ty: Prim },
    Object { attrs: Keyed<'a, Diff<'a>>, override_null_suffix: bool },
    Map { elems: Keyed<'a, Diff<'a>> },
    List { elems: Vec<Diff<'a>> },
    Set { elems: Vec<Diff<'a>> },
    Sensitive { inner_action: Action, before: bool, after: bool },
    Unknown { before: Option<Box<Diff<'a>>> },
    TypeChange { before: Box<Diff<'a>>, after: Box<Diff<'a>> },
    Block { attrs: Keyed<'a, Diff<'a>>, blocks: Keyed<'a, BlockGroup<'a>> },
    SensitiveBlock { inner_action: Action, before: bool, after: bool },
}

#[derive(Clone, Debug)]
pub(crate) enum BlockItems<'a> {
    Single(Box<Diff<'a>>),
    List(Vec<Diff<'a>>),
    Set(Vec<Diff<'a>>),
    Map(Keyed<'a, Diff<'a>>),
}

#[derive(Clone, Debug)]
pub(crate) struct BlockGroup<'a> {
    items: BlockItems<'a>,
    replace: bool,
    before_sensitive: bool,
    after_sensitive: bool,
    unknown: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct Diff<'a> {
    pub renderer: Renderer<'a>,
    pub action: Action,
    pub replace: bool,
}

fn diff(renderer: Renderer<'_>, action: Action, replace: bool) -> Diff<'_> {
    Diff { renderer, action, replace }
}

fn as_diff<'a>(change: &Change<'a>, renderer: Renderer<'a>) -> Diff<'a> {
    diff(renderer, change.calculate_action(), change.replace.matches())
}

fn primitive_diff<'a>(change: &Change<'a>, ty: Prim) -> Diff<'a> {
    as_diff(change, Renderer::Primitive { before: change.before, after: change.after, ty })
}

fn unknown_diff<'a>(change: &Change<'a>, before: Option<Diff<'a>>) -> Diff<'a> {
    as_diff(change, Renderer::Unknown { before: before.map(Box::new) })
}

/// `ComputeDiffForBlock`.
pub(crate) fn diff_block<'a>(change: &Change<'a>, block: &'a BlockSchema) -> Diff<'a> {
    let replace = change.replace.matches();
    if let Some(d) = change.check_sensitive(
        |c| diff_block(c, block),
        |inner, b, a, action| diff(Renderer::SensitiveBlock { inner_action: inner.action, before: b, after: a }, action, replace),
    ) {
        return d;
    }
    if let Some(d) =
        change.check_unknown(Flags::Json(&block.unknown_attrs), |c| unknown_diff(c, None), |c, before| unknown_diff(c, Some(diff_block(before, block))))
    {
        return d;
    }
    let mut change = change.clone();
    change.non_legacy = change.non_legacy || block.non_legacy;
    let mut current = change.default_action_for_iteration();

    let mut attrs = Vec::with_capacity(block.attrs.len());
    for (key, attr) in &block.attrs {
        let mut child = change.child_key(key);
        child.before_explicit = false;
        child.after_explicit = false;
        let d = diff_type(&child, &attr.ty);
        if d.action == Action::NoOp && child.before.is_null() && child.after.is_null() {
            continue;
        }
        current = compare_actions(current, d.action);
        attrs.push((key.as_str(), d));
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
                let n = child.before.len().unwrap_or(0).max(child.after.len().unwrap_or(0));
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
        blocks.push((key.as_str(), BlockGroup { items, replace: forces, before_sensitive, after_sensitive, unknown }));
    }
    diff(Renderer::Block { attrs, blocks }, current, replace)
}

/// The action a map or object change starts from, before its entries': a value that stops
/// (starts) being an object is deleted (created).
fn map_action(change: &Change<'_>) -> Action {
    match (change.before.is_object(), change.after.is_object()) {
        (true, false) => Action::Delete,
        (false, true) => Action::Create,
        _ => Action::NoOp,
    }
}

fn transform_map<'a>(
    change: &Change<'a>,
    keys: Vec<&'a str>,
    mut process: impl FnMut(&Change<'a>) -> Diff<'a>,
) -> (Keyed<'a, Diff<'a>>, Action) {
    let mut current = map_action(change);
    let mut out = Vec::with_capacity(keys.len());
    for k in keys {
        let d = process(&change.child_key(k));
        current = compare_actions(current, d.action);
        out.push((k, d));
    }
    (out, current)
}

/// [`transform_map`] over [`Change::all_keys`]. When those are the keys of the values' own
/// maps ([`Change::key_maps`]), the maps are walked in order beside each other, and each
/// child's entries come from the walk instead of a search per key (for an output aggregating
/// a thousand instances, a search of a thousand keys per key).
fn transform_all_keys<'a>(change: &Change<'a>, mut process: impl FnMut(&Change<'a>) -> Diff<'a>) -> (Keyed<'a, Diff<'a>>, Action) {
    let Some((after, before)) = change.key_maps() else {
        return transform_map(change, change.all_keys(), process);
    };
    let mut current = map_action(change);
    let mut out = Vec::with_capacity(after.map_or(0, |m| m.len()).max(before.map_or(0, |m| m.len())));
    for (k, after_entry, before_entry) in view::union_entries(after, before) {
        let d = process(&change.child_key_found(k, before_entry, after_entry));
        current = compare_actions(current, d.action);
        out.push((k, d));
    }
    (out, current)
}

/// `ComputeDiffForType`.
fn diff_type<'a>(change: &Change<'a>, ty: &'a Type) -> Diff<'a> {
    let mut change = change.clone();
    if !change.non_legacy {
        if change.before.as_str() == Some("") {
            change.before = Val::Null;
        }
        if change.after.as_str() == Some("") {
            change.after = Val::Null;
        }
    }
    let replace = change.replace.matches();
    if let Some(d) = change.check_sensitive(
        |c| diff_type(c, ty),
        |inner, b, a, action| diff(Renderer::Sensitive { inner_action: inner.action, before: b, after: a }, action, replace),
    ) {
        return d;
    }
    if let Some(d) = change.check_unknown(Flags::False, |c| unknown_diff(c, None), |c, before| unknown_diff(c, Some(diff_type(before, ty)))) {
        return d;
    }
    match ty {
        Type::Dynamic => diff_output(&change),
        Type::String => primitive_diff(&change, Prim::String),
        Type::Number => primitive_diff(&change, Prim::Number),
        Type::Bool => primitive_diff(&change, Prim::Bool),
        Type::Object(ot) => {
            let mut current = change.default_action_for_iteration();
            let mut attrs = Vec::with_capacity(ot.attrs.len());
            for (key, at) in &ot.attrs {
                let mut child = change.child_key(key);
                child.before_explicit = false;
                child.after_explicit = false;
                let d = diff_type(&child, at);
                if d.action == Action::NoOp && child.before.is_null() && child.after.is_null() {
                    continue;
                }
                current = compare_actions(current, d.action);
                attrs.push((key.as_str(), d));
            }
            diff(Renderer::Object { attrs, override_null_suffix: true }, current, replace)
        }
        Type::Map(et) => {
            let (elems, action) = transform_all_keys(&change, |c| diff_type(c, et));
            diff(Renderer::Map { elems }, action, replace)
        }
        Type::List(et) => {
            let is_obj = matches!(**et, Type::Object(_));
            let (elems, action) = transform_slice(&change, |_| is_obj, |c| diff_type(c, et));
            diff(Renderer::List { elems }, action, replace)
        }
        Type::Tuple(ets) => {
            let mut current = change.default_action_for_iteration();
            let mut elems = Vec::with_capacity(ets.len());
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
fn process_set<'a>(change: &Change<'a>, mut process: impl FnMut(Change<'a>)) {
    let before = change.before.len().unwrap_or(0);
    let after = change.after.len().unwrap_or(0);
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
pub(crate) fn diff_output<'a>(change: &Change<'a>) -> Diff<'a> {
    let replace = change.replace.matches();
    if let Some(d) = change.check_sensitive(
        |c| json_transform(c),
        |inner, b, a, action| diff(Renderer::Sensitive { inner_action: inner.action, before: b, after: a }, action, replace),
    ) {
        return d;
    }
    if let Some(d) = change.check_unknown(Flags::False, |c| unknown_diff(c, None), |c, before| unknown_diff(c, Some(json_transform(before)))) {
        return d;
    }
    json_transform(change)
}

/// `jsondiff.JsonOpts.Transform` with the renderer's options: diffs built here never carry
/// `# forces replacement` themselves.
fn json_transform<'a>(change: &Change<'a>) -> Diff<'a> {
    if let Some(d) = change.check_sensitive(json_transform, |inner, b, a, action| {
        diff(Renderer::Sensitive { inner_action: inner.action, before: b, after: a }, action, false)
    }) {
        return d;
    }
    if let Some(d) = change.check_unknown(
        Flags::False,
        |_| diff(Renderer::Unknown { before: None }, Action::Create, false),
        |_, before| diff(Renderer::Unknown { before: Some(Box::new(json_transform(before))) }, Action::Update, false),
    ) {
        return d;
    }
    let bt = change.before.jtype();
    let at = change.after.jtype();
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

fn json_update<'a>(change: &Change<'a>, t: JType) -> Diff<'a> {
    let prim = |ty| {
        let before_missing = change.before.is_null() && !change.before_explicit;
        let after_missing = change.after.is_null() && !change.after_explicit;
        let action = match (before_missing, after_missing) {
            (true, false) => Action::Create,
            (false, true) => Action::Delete,
            _ if change.before == change.after => Action::NoOp,
            _ => Action::Update,
        };
        diff(Renderer::Primitive { before: change.before, after: change.after, ty }, action, false)
    };
    match t {
        JType::Null => prim(Prim::Nil),
        JType::Bool => prim(Prim::Bool),
        JType::String => prim(Prim::String),
        JType::Number => prim(Prim::Number),
        JType::Object => {
            let (attrs, action) = transform_all_keys(change, json_transform);
            diff(Renderer::Object { attrs, override_null_suffix: true }, action, false)
        }
        JType::Array => {
            let (elems, action) = transform_slice(change, |v| v.jtype() == JType::Object, json_transform);
            diff(Renderer::List { elems }, action, false)
        }
    }
}

/// `collections.TransformSlice` / `ProcessSlice`: aligns before and after with a longest common
/// subsequence so insertions and removals show as such.
fn transform_slice<'a>(
    change: &Change<'a>,
    is_obj: impl Fn(&Val<'a>) -> bool,
    mut process: impl FnMut(&Change<'a>) -> Diff<'a>,
) -> (Vec<Diff<'a>>, Action) {
    let before = change.before.len();
    let after = change.after.len();
    let mut current = Action::NoOp;
    if before.is_some() && after.is_none() {
        current = Action::Delete;
    }
    if before.is_none() && after.is_some() {
        current = Action::Create;
    }
    let elements = |v: Val<'a>, n: Option<usize>| (0..n.unwrap_or(0)).map(|i| v.child_ix(i).0).collect::<Vec<_>>();
    let (b, a) = (elements(change.before, before), elements(change.after, after));
    let (b, a) = (b.as_slice(), a.as_slice());
    let mut elems = Vec::with_capacity(b.len().max(a.len()));
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
    fn palette(self) -> &'static Palette {
        Palette::get(self.color)
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

fn action_index(action: Action) -> usize {
    match action {
        Action::NoOp => 0,
        Action::Create => 1,
        Action::Read => 2,
        Action::Update => 3,
        Action::DeleteThenCreate => 4,
        Action::CreateThenDelete => 5,
        Action::Delete => 6,
        Action::Forget => 7,
    }
}

/// The fixed pieces of the renderer's output with their colour markup expanded, once per
/// process and colour setting: they appear on nearly every line, and expanding markup
/// allocates. Built by [`colorize`] itself, so the bytes are the ones it would produce.
struct Palette {
    /// `DiffActionSymbol` followed by a space, by [`action_index`].
    sym: [String; 8],
    /// ` -> null`, after a deleted value.
    null_suffix: String,
    /// ` # forces replacement`.
    forces: String,
    /// The `->` between a before and an after value.
    arrow: String,
    /// A null value.
    null: String,
    /// What `[dark_gray]…[reset]` writes before and after its text.
    gray_open: String,
    gray_close: String,
}

impl Palette {
    fn get(color: bool) -> &'static Palette {
        static PLAIN: OnceLock<Palette> = OnceLock::new();
        static COLOR: OnceLock<Palette> = OnceLock::new();
        let cell = if color { &COLOR } else { &PLAIN };
        cell.get_or_init(|| Palette::new(color))
    }

    fn new(color: bool) -> Palette {
        let c = |markup: &str| colorize(markup, color);
        // `\u{1}` is no markup: it marks where the text goes.
        let gray = c("[dark_gray]\u{1}[reset]");
        let (gray_open, gray_close) = gray.split_once('\u{1}').unwrap_or(("", ""));
        Palette {
            sym: Action::ALL.map(|a| format!("{} ", c(action_symbol(a)))),
            null_suffix: c(" [dark_gray]-> null[reset]"),
            forces: c(" [red]# forces replacement[reset]"),
            arrow: c("[yellow]->[reset]"),
            null: c("[dark_gray]null[reset]"),
            gray_open: gray_open.to_string(),
            gray_close: gray_close.to_string(),
        }
    }
}

/// `colorize(action_symbol(action), color)`, without allocating.
pub(crate) fn painted_symbol(action: Action, color: bool) -> &'static str {
    let with_space = &Palette::get(color).sym[action_index(action)];
    &with_space[..with_space.len() - 1]
}

fn sym(action: Action, o: Opts) -> &'static str {
    &o.palette().sym[action_index(action)]
}

fn null_suffix(action: Action, o: Opts) -> &'static str {
    if !o.override_null_suffix && action == Action::Delete {
        &o.palette().null_suffix
    } else {
        ""
    }
}

fn forces(replace: bool, o: Opts) -> &'static str {
    if (replace || o.force_forces_replacement) && !o.forbid_forces_replacement {
        &o.palette().forces
    } else {
        ""
    }
}

fn indent_str(indent: usize) -> String {
    "    ".repeat(indent)
}

fn push_indent(buf: &mut String, indent: usize) {
    for _ in 0..indent {
        buf.push_str("    ");
    }
}

/// `s` left-aligned in `width` columns, as `format!("{s:<width$}")` pads (by characters).
fn push_padded(buf: &mut String, s: &str, width: usize) {
    buf.push_str(s);
    for _ in s.chars().count()..width {
        buf.push(' ');
    }
}

/// `# (N unchanged KEYWORDs hidden)`, dark grey.
fn push_unchanged(buf: &mut String, keyword: &str, count: usize, o: Opts) {
    let p = o.palette();
    let plural = if count == 1 { "" } else { "s" };
    buf.push_str(&p.gray_open);
    let _ = write!(buf, "# ({count} unchanged {keyword}{plural} hidden)");
    buf.push_str(&p.gray_close);
}

/// A diff's warning lines, each on its own line at `indent`.
fn push_warnings(buf: &mut String, d: &Diff<'_>, indent: usize, o: Opts) {
    for w in d.warnings(indent, o) {
        push_indent(buf, indent);
        buf.push_str(&w);
        buf.push('\n');
    }
}

/// `hclsyntax.ValidIdentifier`.
fn valid_identifier(s: &str) -> bool {
    if s.is_ascii() {
        // Byte tests, for the ASCII names nearly all attributes have (the `char` tests below
        // answer the same for ASCII, through Unicode tables).
        return match s.as_bytes().split_first() {
            Some((c, rest)) if c.is_ascii_alphabetic() || *c == b'_' => rest.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-'),
            _ => false,
        };
    }
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// An attribute name as Terraform writes it: bare when it is an identifier, quoted otherwise.
pub(crate) fn attribute_name(name: &str) -> Cow<'_, str> {
    if valid_identifier(name) {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(go_quote(name))
    }
}

/// Printable ASCII other than `"` and `\`: what [`push_go_quote`] writes as is.
fn plain_ascii(s: &str) -> bool {
    // Eight bytes at a time (word tricks: a byte below 0x20, with the high bit, or equal to
    // 0x7f, `"` or `\`), since every string of a plan is tested: byte by byte this was most
    // of writing a string value.
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH != 0;
    let has = |v: u64, b: u8| has_zero(v ^ (ONES * u64::from(b)));
    let mut chunks = s.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_ne_bytes(word);
        // A byte below 0x20 (exact for bytes without the high bit, which is tested apart).
        let below_space = v.wrapping_sub(ONES * 0x20) & !v & HIGH != 0;
        if v & HIGH != 0 || below_space || has(v, 0x7f) || has(v, b'"') || has(v, b'\\') {
            return false;
        }
    }
    chunks.remainder().iter().all(|&b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
}

/// `attribute_name(name).len()`, without building the quoted name (an aggregate output's
/// keys are rarely identifiers: `"0"`, `"1"`, …).
fn attribute_name_len(name: &str) -> usize {
    if valid_identifier(name) {
        name.len()
    } else if plain_ascii(name) {
        name.len() + 2
    } else {
        go_quote(name).len()
    }
}

/// `go_quote(s).len()`, without building the quoted text when it is `s` in quotes.
fn go_quote_len(s: &str) -> usize {
    if plain_ascii(s) {
        s.len() + 2
    } else {
        go_quote(s).len()
    }
}

/// `push_padded(buf, &attribute_name(name), width)`, written in place.
fn push_padded_name(buf: &mut String, name: &str, width: usize) {
    if valid_identifier(name) {
        push_padded(buf, name, width);
        return;
    }
    push_padded_quoted(buf, name, width);
}

/// `push_padded(buf, &go_quote(s), width)`, written in place.
fn push_padded_quoted(buf: &mut String, name: &str, width: usize) {
    let start = buf.len();
    push_go_quote(buf, name);
    let written = &buf[start..];
    let chars = if written.is_ascii() { written.len() } else { written.chars().count() };
    for _ in chars..width {
        buf.push(' ');
    }
}

/// Go's `strconv.Quote` (`%q`), which Terraform uses for strings in plans.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_go_quote(&mut out, s);
    out
}

/// [`go_quote`], appended to `out`.
fn push_go_quote(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    // Printable ASCII other than `"` and `\` is written as is (most strings in a plan).
    if plain_ascii(s) {
        out.push_str(s);
        out.push('"');
        return;
    }
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
            c if (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
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

/// `evaluatePrimitiveString`: a string value classified for rendering; `text` borrows the value
/// (or is the painted `null`).
struct EvalString<'s> {
    text: &'s str,
    json: Option<Json>,
    multiline: bool,
    null: bool,
}

fn evaluate_string<'s>(v: Val<'s>, o: Opts) -> EvalString<'s> {
    let Some(s) = v.as_str() else {
        return EvalString { text: &o.palette().null, json: None, multiline: false, null: true };
    };
    if s.starts_with('{') || s.starts_with('[') {
        if let Ok(j) = serde_json::from_str::<Json>(s) {
            return EvalString { text: s, json: Some(j), multiline: false, null: false };
        }
    }
    if s.contains('\n') {
        return EvalString { text: s.trim(), json: None, multiline: true, null: false };
    }
    EvalString { text: s, json: None, multiline: false, null: false }
}

impl EvalString<'_> {
    fn push_simple(&self, buf: &mut String) {
        if self.null {
            buf.push_str(self.text);
        } else {
            push_go_quote(buf, self.text);
        }
    }
}

fn push_prim_value(buf: &mut String, v: Val<'_>, o: Opts) {
    match v.jtype() {
        JType::Null => buf.push_str(&o.palette().null),
        JType::Bool => buf.push_str(if v.as_bool() == Some(true) { "true" } else { "false" }),
        JType::String => match v.as_str() {
            Some(s) => push_go_quote(buf, s),
            // A number JSON writes as a string.
            None => push_go_quote(buf, v.to_json().as_str().unwrap_or_default()),
        },
        // Numbers keep their JSON text (arbitrary precision); arrays and objects are written
        // as compact JSON.
        _ => v.write_json(buf),
    }
}

impl Diff<'_> {
    /// The rendering at `indent` as a new string, for callers that need it alone.
    pub fn render(&self, indent: usize, o: Opts) -> String {
        let mut buf = String::new();
        self.render_to(&mut buf, indent, o);
        buf
    }

    /// `RenderHuman`: appends the rendering at `indent` to `buf`.
    pub fn render_to(&self, buf: &mut String, indent: usize, o: Opts) {
        match &self.renderer {
            Renderer::Primitive { before, after, ty } => self.render_primitive(buf, *before, *after, *ty, indent, o),
            Renderer::Object { attrs, override_null_suffix } => self.render_object(buf, attrs, *override_null_suffix, indent, o),
            Renderer::Map { elems } => self.render_map(buf, elems, indent, o),
            Renderer::List { elems } => self.render_list(buf, elems, indent, o),
            Renderer::Set { elems } => self.render_set(buf, elems, indent, o),
            Renderer::Sensitive { .. } => {
                buf.push_str("(sensitive value)");
                buf.push_str(null_suffix(self.action, o));
                buf.push_str(forces(self.replace, o));
            }
            Renderer::Unknown { before } => match before {
                Some(b) if self.action != Action::Create => {
                    let mut bo = o.cloned();
                    bo.override_null_suffix = true;
                    if self.replace {
                        bo.forbid_forces_replacement = true;
                    }
                    b.render_to(buf, indent, bo);
                    buf.push_str(" -> (known after apply)");
                    buf.push_str(forces(self.replace, o));
                }
                _ => {
                    buf.push_str("(known after apply)");
                    buf.push_str(forces(self.replace, o));
                }
            },
            Renderer::TypeChange { before, after } => {
                let mut to = o;
                to.override_null_suffix = true;
                before.render_to(buf, indent, to);
                buf.push(' ');
                buf.push_str(&o.palette().arrow);
                buf.push(' ');
                after.render_to(buf, indent, to);
            }
            Renderer::Block { attrs, blocks } => self.render_block(buf, attrs, blocks, indent, o),
            Renderer::SensitiveBlock { .. } => {
                buf.push('{');
                buf.push_str(forces(self.replace, o));
                for line in ["  # At least one attribute in this block is (or was) sensitive,", "  # so its contents will not be displayed."] {
                    buf.push('\n');
                    push_indent(buf, indent);
                    buf.push_str(sym(Action::NoOp, o));
                    buf.push_str(line);
                }
                buf.push('\n');
                push_indent(buf, indent);
                buf.push_str(sym(Action::NoOp, o));
                buf.push('}');
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

    fn render_primitive(&self, buf: &mut String, before: Val<'_>, after: Val<'_>, ty: Prim, indent: usize, o: Opts) {
        if ty == Prim::String {
            // A number JSON writes as a string (an infinity) is rendered from that string.
            let (before_json, after_json);
            let before = if before.is_number_string() {
                before_json = before.to_json();
                Val::Json(&before_json)
            } else {
                before
            };
            let after = if after.is_number_string() {
                after_json = after.to_json();
                Val::Json(&after_json)
            } else {
                after
            };
            return self.render_string(buf, before, after, indent, o);
        }
        match self.action {
            Action::Create => push_prim_value(buf, after, o),
            Action::Delete => {
                push_prim_value(buf, before, o);
                buf.push_str(null_suffix(self.action, o));
            }
            Action::NoOp => push_prim_value(buf, before, o),
            _ => {
                push_prim_value(buf, before, o);
                buf.push(' ');
                buf.push_str(&o.palette().arrow);
                buf.push(' ');
                push_prim_value(buf, after, o);
            }
        }
        buf.push_str(forces(self.replace, o));
    }

    fn render_string(&self, buf: &mut String, before: Val<'_>, after: Val<'_>, indent: usize, o: Opts) {
        match self.action {
            Action::Create | Action::NoOp => {
                let s = evaluate_string(after, o);
                if let Some(j) = &s.json {
                    let before = if self.action == Action::NoOp { Some(j) } else { None };
                    return self.render_string_as_json(buf, before, Some(j), indent, o);
                }
                if !s.multiline {
                    s.push_simple(buf);
                    buf.push_str(forces(self.replace, o));
                    return;
                }
                self.render_heredoc(buf, s.text.split('\n').map(|l| (Action::NoOp, l)), indent, o);
            }
            Action::Delete => {
                let s = evaluate_string(before, o);
                if s.null {
                    s.push_simple(buf);
                    buf.push_str(forces(self.replace, o));
                    return;
                }
                if let Some(j) = &s.json {
                    return self.render_string_as_json(buf, Some(j), None, indent, o);
                }
                if !s.multiline {
                    s.push_simple(buf);
                    buf.push_str(null_suffix(self.action, o));
                    buf.push_str(forces(self.replace, o));
                    return;
                }
                self.render_heredoc(buf, s.text.split('\n').map(|l| (Action::NoOp, l)), indent, o);
            }
            _ => {
                let b = evaluate_string(before, o);
                let a = evaluate_string(after, o);
                if let (Some(bj), Some(aj)) = (&b.json, &a.json) {
                    return self.render_string_as_json(buf, Some(bj), Some(aj), indent, o);
                }
                if b.json.is_some() || a.json.is_some() {
                    let before_d = diff(Renderer::Primitive { before, after: Val::Null, ty: Prim::String }, Action::Delete, false);
                    let after_d = diff(Renderer::Primitive { before: Val::Null, after, ty: Prim::String }, Action::Create, false);
                    return diff(Renderer::TypeChange { before: Box::new(before_d), after: Box::new(after_d) }, self.action, self.replace)
                        .render_to(buf, indent, o);
                }
                if !b.multiline && !a.multiline {
                    b.push_simple(buf);
                    buf.push(' ');
                    buf.push_str(&o.palette().arrow);
                    buf.push(' ');
                    a.push_simple(buf);
                    buf.push_str(forces(self.replace, o));
                    return;
                }
                let bl: Vec<&str> = b.text.split('\n').collect();
                let al: Vec<&str> = a.text.split('\n').collect();
                let mut lines: Vec<(Action, &str)> = Vec::new();
                process_slice(&bl, &al, |bi, ai| {
                    if bi >= bl.len() {
                        lines.push((Action::Create, al[ai]));
                    } else if ai >= al.len() {
                        lines.push((Action::Delete, bl[bi]));
                    } else if bl[bi] != al[ai] {
                        lines.push((Action::Delete, bl[bi]));
                        lines.push((Action::Create, al[ai]));
                    } else {
                        lines.push((Action::NoOp, bl[bi]));
                    }
                }, |_| false);
                self.render_heredoc(buf, lines.into_iter(), indent, o);
            }
        }
    }

    /// A multi-line string as a `<<-EOT` heredoc, one line per `(action, line)`.
    fn render_heredoc<'s>(&self, buf: &mut String, lines: impl Iterator<Item = (Action, &'s str)>, indent: usize, o: Opts) {
        buf.push_str("<<-EOT");
        buf.push_str(forces(self.replace, o));
        buf.push('\n');
        for (i, (action, line)) in lines.enumerate() {
            if i > 0 {
                buf.push('\n');
            }
            push_indent(buf, indent + 1);
            buf.push_str(sym(action, o));
            buf.push_str(line);
        }
        buf.push('\n');
        push_indent(buf, indent);
        buf.push_str(sym(Action::NoOp, o));
        buf.push_str("EOT");
        buf.push_str(null_suffix(self.action, o));
    }

    fn render_string_as_json(&self, buf: &mut String, before: Option<&Json>, after: Option<&Json>, indent: usize, o: Opts) {
        let change = Change {
            before: before.map_or(Val::Null, Val::Json),
            after: after.map_or(Val::Null, Val::Json),
            before_explicit: self.action != Action::Create,
            after_explicit: self.action != Action::Delete,
            unknown: Flags::False,
            before_sensitive: Flags::False,
            after_sensitive: Flags::False,
            replace: Matcher::empty(),
            non_legacy: true,
        };
        let json_diff = json_transform(&change);
        let mut action = self.action;
        let mut jo = o.cloned();
        jo.override_null_suffix = true;
        let (mut whitespace, mut replace) = ("", "");
        if json_diff.action == Action::NoOp && self.action == Action::Update {
            whitespace = if self.replace { " # whitespace changes force replacement" } else { " # whitespace changes" };
            jo.show_unchanged_children = true;
            action = Action::NoOp;
        } else {
            replace = forces(self.replace, o);
        }
        // The value is rendered in place; what goes before it depends on whether it spans
        // several lines, so that part is inserted afterwards.
        let start = buf.len();
        json_diff.render_to(buf, indent + 1, jo);
        if matches!(self.action, Action::Create | Action::Delete) {
            action = Action::NoOp;
        }
        if buf[start..].contains('\n') {
            let mut head = String::with_capacity(64);
            head.push_str("jsonencode(");
            head.push_str(whitespace);
            head.push('\n');
            push_indent(&mut head, indent + 1);
            head.push_str(sym(action, o));
            buf.insert_str(start, &head);
            buf.push_str(replace);
            buf.push('\n');
            push_indent(buf, indent);
            buf.push_str(sym(Action::NoOp, o));
            buf.push(')');
            buf.push_str(null_suffix(self.action, o));
        } else {
            buf.insert_str(start, "jsonencode(");
            buf.push(')');
            buf.push_str(whitespace);
            buf.push_str(replace);
        }
    }

    fn render_object(&self, buf: &mut String, attrs: &[(&str, Diff<'_>)], override_null_suffix: bool, indent: usize, o: Opts) {
        if attrs.is_empty() {
            buf.push_str("{}");
            buf.push_str(null_suffix(self.action, o));
            buf.push_str(forces(self.replace, o));
            return;
        }
        let mut ao = o.cloned();
        ao.override_null_suffix = override_null_suffix;
        let width = attrs.iter().map(|(k, _)| attribute_name_len(k)).max().unwrap_or(0);
        buf.push('{');
        buf.push_str(forces(self.replace, o));
        buf.push('\n');
        let mut hidden = 0;
        for (key, attr) in attrs {
            let important = is_important(key);
            let mut this = ao;
            if important {
                this.show_unchanged_children = true;
            } else if attr.action == Action::NoOp && !o.show_unchanged_children {
                hidden += 1;
                continue;
            }
            push_warnings(buf, attr, indent + 1, if important { this } else { o });
            push_indent(buf, indent + 1);
            buf.push_str(sym(attr.action, this));
            push_padded_name(buf, key, width);
            buf.push_str(" = ");
            attr.render_to(buf, indent + 1, this);
            buf.push('\n');
        }
        if hidden > 0 {
            push_indent(buf, indent + 1);
            buf.push_str(sym(Action::NoOp, o));
            push_unchanged(buf, "attribute", hidden, o);
            buf.push('\n');
        }
        self.close(buf, "}", indent, o);
        buf.push_str(null_suffix(self.action, o));
    }

    /// The closing bracket on its own line at `indent`.
    fn close(&self, buf: &mut String, bracket: &str, indent: usize, o: Opts) {
        push_indent(buf, indent);
        buf.push_str(sym(Action::NoOp, o));
        buf.push_str(bracket);
    }

    fn render_map(&self, buf: &mut String, elems: &[(&str, Diff<'_>)], indent: usize, o: Opts) {
        if elems.is_empty() {
            buf.push_str("{}");
            buf.push_str(null_suffix(self.action, o));
            buf.push_str(forces(self.replace, o));
            return;
        }
        let width = elems.iter().map(|(k, _)| go_quote_len(k)).max().unwrap_or(0);
        let mut eo = o.cloned();
        eo.override_null_suffix = self.action == Action::Delete;
        buf.push('{');
        buf.push_str(forces(self.replace, o));
        buf.push('\n');
        let mut hidden = 0;
        for (key, e) in elems {
            if e.action == Action::NoOp && !o.show_unchanged_children {
                hidden += 1;
                continue;
            }
            push_warnings(buf, e, indent + 1, o);
            push_indent(buf, indent + 1);
            buf.push_str(sym(e.action, eo));
            push_padded_quoted(buf, key, width);
            buf.push_str(" = ");
            e.render_to(buf, indent + 1, eo);
            if matches!(e.renderer, Renderer::Object { .. }) {
                buf.push(',');
            }
            buf.push('\n');
        }
        if hidden > 0 {
            push_indent(buf, indent + 1);
            buf.push_str(sym(Action::NoOp, o));
            push_unchanged(buf, "element", hidden, o);
            buf.push('\n');
        }
        self.close(buf, "}", indent, o);
        buf.push_str(null_suffix(self.action, o));
    }

    fn render_list(&self, buf: &mut String, elems: &[Diff<'_>], indent: usize, o: Opts) {
        if elems.is_empty() {
            buf.push_str("[]");
            buf.push_str(null_suffix(self.action, o));
            buf.push_str(forces(self.replace, o));
            return;
        }
        let mut eo = o.cloned();
        eo.override_null_suffix = true;
        let mut uo = o.cloned();
        uo.show_unchanged_children = true;
        let mut pending: Vec<&Diff<'_>> = Vec::new();
        let mut render_next = false;
        buf.push('[');
        buf.push_str(forces(self.replace, o));
        buf.push('\n');
        for e in elems {
            if e.action == Action::NoOp && !render_next && !o.show_unchanged_children {
                pending.push(e);
                continue;
            }
            render_next = false;
            let mut this = eo;
            if pending.len() > 1 {
                push_indent(buf, indent + 1);
                buf.push_str(sym(Action::NoOp, this));
                push_unchanged(buf, "element", pending.len() - 1, this);
                buf.push('\n');
            }
            if let Some(last) = pending.last() {
                push_indent(buf, indent + 1);
                buf.push_str(sym(last.action, uo));
                last.render_to(buf, indent + 1, uo);
                buf.push_str(",\n");
            }
            pending.clear();
            if e.action == Action::NoOp {
                this = uo;
            } else {
                render_next = true;
            }
            push_warnings(buf, e, indent + 1, this);
            push_indent(buf, indent + 1);
            buf.push_str(sym(e.action, this));
            e.render_to(buf, indent + 1, this);
            buf.push_str(",\n");
        }
        if !pending.is_empty() {
            push_indent(buf, indent + 1);
            buf.push_str(sym(Action::NoOp, o));
            push_unchanged(buf, "element", pending.len(), o);
            buf.push('\n');
        }
        self.close(buf, "]", indent, o);
        buf.push_str(null_suffix(self.action, o));
    }

    fn render_set(&self, buf: &mut String, elems: &[Diff<'_>], indent: usize, o: Opts) {
        if elems.is_empty() {
            buf.push_str("[]");
            buf.push_str(null_suffix(self.action, o));
            buf.push_str(forces(self.replace, o));
            return;
        }
        let mut eo = o.cloned();
        eo.override_null_suffix = true;
        buf.push('[');
        buf.push_str(forces(self.replace, o));
        buf.push('\n');
        let mut hidden = 0;
        for e in elems {
            if e.action == Action::NoOp && !o.show_unchanged_children {
                hidden += 1;
                continue;
            }
            push_warnings(buf, e, indent + 1, o);
            push_indent(buf, indent + 1);
            buf.push_str(sym(e.action, eo));
            e.render_to(buf, indent + 1, eo);
            buf.push_str(",\n");
        }
        if hidden > 0 {
            push_indent(buf, indent + 1);
            buf.push_str(sym(Action::NoOp, o));
            push_unchanged(buf, "element", hidden, o);
            buf.push('\n');
        }
        self.close(buf, "]", indent, o);
        buf.push_str(null_suffix(self.action, o));
    }

    fn render_block(&self, buf: &mut String, attrs: &[(&str, Diff<'_>)], blocks: &[(&str, BlockGroup<'_>)], indent: usize, o: Opts) {
        if attrs.is_empty() && blocks.is_empty() {
            buf.push_str("{}");
            buf.push_str(forces(self.replace, o));
            return;
        }
        let width = attrs.iter().map(|(k, _)| attribute_name_len(k)).max().unwrap_or(0);
        let mut io = o.cloned();
        io.show_unchanged_children = true;
        let ao = o.cloned();
        buf.push('{');
        buf.push_str(forces(self.replace, o));
        buf.push('\n');
        let mut hidden_attrs = 0;
        for (key, attr) in attrs {
            if is_important(key) {
                push_warnings(buf, attr, indent + 1, io);
                push_indent(buf, indent + 1);
                buf.push_str(sym(attr.action, io));
                push_padded(buf, key, width);
                buf.push_str(" = ");
                attr.render_to(buf, indent + 1, io);
                buf.push('\n');
                continue;
            }
            if attr.action == Action::NoOp && !o.show_unchanged_children {
                hidden_attrs += 1;
                continue;
            }
            push_warnings(buf, attr, indent + 1, o);
            push_indent(buf, indent + 1);
            buf.push_str(sym(attr.action, ao));
            push_padded_name(buf, key, width);
            buf.push_str(" = ");
            attr.render_to(buf, indent + 1, ao);
            buf.push('\n');
        }
        if hidden_attrs > 0 {
            push_indent(buf, indent + 1);
            buf.push_str(sym(Action::NoOp, o));
            push_unchanged(buf, "attribute", hidden_attrs, o);
            buf.push('\n');
        }

        let mut hidden_blocks = 0;
        for (key, group) in blocks {
            let mut found_changed = false;
            let mut render_one = |d: &Diff<'_>, map_key: &str, o: Opts, buf: &mut String| {
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
                push_warnings(buf, d, indent + 1, bo);
                push_indent(buf, indent + 1);
                buf.push_str(sym(d.action, bo));
                buf.push_str(&attribute_name(key));
                buf.push_str(map_key);
                buf.push(' ');
                d.render_to(buf, indent + 1, bo);
                buf.push('\n');
            };
            let unknown_block = diff(Renderer::Unknown { before: None }, self.action, false);
            match &group.items {
                BlockItems::Single(d) => render_one(d, "", o, buf),
                BlockItems::Map(m) => {
                    if group.unknown {
                        render_one(&unknown_block, "", o, buf);
                    }
                    for (k, d) in m {
                        render_one(d, &format!(" {}", go_quote(k)), o, buf);
                    }
                }
                BlockItems::Set(v) | BlockItems::List(v) => {
                    if group.unknown {
                        render_one(&unknown_block, "", o, buf);
                    }
                    for d in v {
                        render_one(d, "", o, buf);
                    }
                }
            }
        }
        if hidden_blocks > 0 {
            buf.push('\n');
            push_indent(buf, indent + 1);
            buf.push_str(sym(Action::NoOp, o));
            push_unchanged(buf, "block", hidden_blocks, o);
            buf.push('\n');
        }
        self.close(buf, "}", indent, o);
    }
}

/// Attributes Terraform always shows, even unchanged.
fn is_important(key: &str) -> bool {
    matches!(key, "id" | "name" | "tags")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The palette's pieces are byte for byte what expanding their markup gives.
    #[test]
    fn palette_matches_colorize() {
        for color in [false, true] {
            let o = Opts { color, ..Opts::default() };
            for a in Action::ALL {
                assert_eq!(sym(a, o), format!("{} ", colorize(action_symbol(a), color)));
                assert_eq!(painted_symbol(a, color), colorize(action_symbol(a), color));
            }
            assert_eq!(null_suffix(Action::Delete, o), colorize(" [dark_gray]-> null[reset]", color));
            assert_eq!(forces(true, o), colorize(" [red]# forces replacement[reset]", color));
            let mut buf = String::new();
            push_unchanged(&mut buf, "attribute", 3, o);
            assert_eq!(buf, colorize("[dark_gray]# (3 unchanged attributes hidden)[reset]", color));
        }
    }

    #[test]
    fn synthesized_schema_is_reused_only_for_the_same_attributes() {
        let values = serde_json::json!({"id": "x", "input": 1});
        let unknown = serde_json::json!({"output": true});
        let change = |before, after, unknown| Change::new(before, after, unknown, Flags::False, Flags::False, Matcher::empty());
        let created = change(Val::Null, Val::Json(&values), Flags::Json(&unknown));
        let schema = BlockSchema::synthesized(&created);
        assert_eq!(schema.attrs.keys().collect::<Vec<_>>(), ["id", "input", "output"]);
        assert!(schema.synthesized_fits(&created));
        assert!(schema.synthesized_fits(&change(Val::Json(&values), Val::Json(&NULL), Flags::Json(&unknown))));
        assert!(!schema.synthesized_fits(&change(Val::Json(&values), Val::Null, Flags::False)), "output is not among the values");
        let more = serde_json::json!({"id": "x", "input": 1, "extra": 2});
        assert!(!schema.synthesized_fits(&change(Val::Null, Val::Json(&more), Flags::Json(&unknown))), "extra is not in the schema");
    }

    #[test]
    fn plain_ascii_matches_the_byte_test() {
        let slow = |s: &str| s.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\');
        let mut samples: Vec<String> = vec![String::new(), "item-00001-c4ca4238a0b923820dcc509a6f75849b".into(), "é".into(), "abcdefgh\u{7f}".into()];
        for b in 0u8..=0x7f {
            for at in [0usize, 3, 7, 8, 12] {
                let mut v = vec![b'a'; 16];
                v[at] = b;
                samples.push(String::from_utf8(v).unwrap_or_default());
            }
        }
        samples.push("0123456789abcdef\u{e9}".into());
        for s in &samples {
            assert_eq!(plain_ascii(s), slow(s), "{s:?}");
        }
    }

    #[test]
    fn go_quote_escapes_like_strconv_quote() {
        for (s, quoted) in [
            ("plain ascii ~!", "\"plain ascii ~!\""),
            ("a\"b\\c", "\"a\\\"b\\\\c\""),
            ("tab\tnl\n", "\"tab\\tnl\\n\""),
            ("é\u{7f}\u{200b}", "\"é\\x7f\\u200b\""),
            ("", "\"\""),
        ] {
            assert_eq!(go_quote(s), quoted);
        }
    }

    #[test]
    fn padding_counts_characters_like_format() {
        for (s, w) in [("abc", 6), ("\"é\"", 7), ("long_name", 3)] {
            let mut buf = String::new();
            push_padded(&mut buf, s, w);
            assert_eq!(buf, format!("{s:<w$}"));
        }
    }
}
