//! [`Value`]: a typed value that may be null or unknown, carrying marks.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use unicode_normalization::UnicodeNormalization;

use crate::number::Number;
use crate::types::Type;

/// Marks travel with a value through every operation: a value computed from a sensitive value is
/// sensitive. They are a small bit set so that carrying them costs nothing.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Marks(u8);

impl Marks {
    pub const NONE: Marks = Marks(0);
    /// `sensitive = true`, `sensitive()`: shown as `(sensitive value)`, never printed.
    pub const SENSITIVE: Marks = Marks(1);
    /// Ephemeral values may reach a provider call but are never written to state or plan files.
    pub const EPHEMERAL: Marks = Marks(2);

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn contains(self, other: Marks) -> bool {
        self.0 & other.0 == other.0 && !other.is_empty()
    }
    pub fn union(self, other: Marks) -> Marks {
        Marks(self.0 | other.0)
    }
    pub fn without(self, other: Marks) -> Marks {
        Marks(self.0 & !other.0)
    }
}

impl std::ops::BitOr for Marks {
    type Output = Marks;
    fn bitor(self, rhs: Marks) -> Marks {
        self.union(rhs)
    }
}
impl std::ops::BitOrAssign for Marks {
    fn bitor_assign(&mut self, rhs: Marks) {
        *self = self.union(rhs)
    }
}

impl fmt::Debug for Marks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if self.contains(Marks::SENSITIVE) {
            parts.push("sensitive");
        }
        if self.contains(Marks::EPHEMERAL) {
            parts.push("ephemeral");
        }
        write!(f, "Marks({})", parts.join("|"))
    }
}

/// The shape of a value. Collections share their contents through `Arc`, so cloning any value is
/// O(1).
#[derive(Clone)]
pub enum Kind {
    /// A null of the given type (`Type::Dynamic` for a bare `null`).
    Null(Type),
    /// A value that will be known only after apply, of the given type.
    Unknown(Type),
    Bool(bool),
    Number(Number),
    /// Always NFC-normalised.
    String(Arc<str>),
    List(Type, Arc<Vec<Value>>),
    /// Elements are kept sorted by [`Value::total_cmp`] and free of duplicates (known elements
    /// only; unknown elements are all kept, since they may or may not be equal).
    Set(Type, Arc<Vec<Value>>),
    Map(Type, Arc<BTreeMap<String, Value>>),
    Tuple(Arc<Vec<Value>>),
    Object(Arc<BTreeMap<String, Value>>),
}

/// A Terraform value. See the crate documentation.
#[derive(Clone)]
pub struct Value {
    kind: Kind,
    marks: Marks,
}

impl Value {
    // ----- constructors -----

    pub fn from_kind(kind: Kind) -> Value {
        Value { kind, marks: Marks::NONE }
    }
    pub fn null(ty: Type) -> Value {
        Value::from_kind(Kind::Null(ty))
    }
    pub fn dynamic_null() -> Value {
        Value::null(Type::Dynamic)
    }
    pub fn unknown(ty: Type) -> Value {
        Value::from_kind(Kind::Unknown(ty))
    }
    pub fn dynamic_unknown() -> Value {
        Value::unknown(Type::Dynamic)
    }
    pub fn bool(b: bool) -> Value {
        Value::from_kind(Kind::Bool(b))
    }
    pub fn number(n: Number) -> Value {
        Value::from_kind(Kind::Number(n))
    }
    pub fn from_i64(i: i64) -> Value {
        Value::number(Number::from_i64(i))
    }
    /// A string value; the text is NFC-normalised as Terraform does for every string.
    pub fn string(s: impl AsRef<str>) -> Value {
        let s = s.as_ref();
        // Fast path: ASCII text is always in NFC.
        let text: Arc<str> = if s.is_ascii() { Arc::from(s) } else { Arc::from(s.nfc().collect::<String>()) };
        Value::from_kind(Kind::String(text))
    }
    pub fn list(elem_ty: Type, elems: Vec<Value>) -> Value {
        Value::from_kind(Kind::List(elem_ty, Arc::new(elems)))
    }
    pub fn empty_list(elem_ty: Type) -> Value {
        Value::list(elem_ty, Vec::new())
    }
    /// Builds a set: sorts and removes duplicate known elements.
    pub fn set(elem_ty: Type, mut elems: Vec<Value>) -> Value {
        elems.sort_by(|a, b| a.total_cmp(b));
        elems.dedup_by(|a, b| a.is_wholly_known() && b.is_wholly_known() && a.total_cmp(b) == Ordering::Equal);
        Value::from_kind(Kind::Set(elem_ty, Arc::new(elems)))
    }
    pub fn map(elem_ty: Type, entries: BTreeMap<String, Value>) -> Value {
        Value::from_kind(Kind::Map(elem_ty, Arc::new(entries)))
    }
    pub fn tuple(elems: Vec<Value>) -> Value {
        Value::from_kind(Kind::Tuple(Arc::new(elems)))
    }
    pub fn empty_tuple() -> Value {
        Value::tuple(Vec::new())
    }
    pub fn object(attrs: BTreeMap<String, Value>) -> Value {
        Value::from_kind(Kind::Object(Arc::new(attrs)))
    }
    pub fn empty_object() -> Value {
        Value::object(BTreeMap::new())
    }

    // ----- inspection -----

    pub fn kind(&self) -> &Kind {
        &self.kind
    }
    pub fn into_kind(self) -> Kind {
        self.kind
    }

    /// The value's type. For known collections it is the recorded element type; for structural
    /// values it is computed from the contents.
    pub fn ty(&self) -> Type {
        match &self.kind {
            Kind::Null(t) | Kind::Unknown(t) => t.clone(),
            Kind::Bool(_) => Type::Bool,
            Kind::Number(_) => Type::Number,
            Kind::String(_) => Type::String,
            Kind::List(t, _) => Type::list(t.clone()),
            Kind::Set(t, _) => Type::set(t.clone()),
            Kind::Map(t, _) => Type::map(t.clone()),
            Kind::Tuple(es) => Type::tuple(es.iter().map(Value::ty).collect()),
            Kind::Object(attrs) => Type::object(attrs.iter().map(|(k, v)| (k.clone(), v.ty())).collect()),
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null(_))
    }
    /// True unless this value itself is unknown (its elements may still be unknown).
    pub fn is_known(&self) -> bool {
        !matches!(self.kind, Kind::Unknown(_))
    }
    /// True when neither this value nor anything inside it is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match &self.kind {
            Kind::Unknown(_) => false,
            Kind::List(_, es) | Kind::Set(_, es) | Kind::Tuple(es) => es.iter().all(Value::is_wholly_known),
            Kind::Map(_, m) | Kind::Object(m) => m.values().all(Value::is_wholly_known),
            _ => true,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }
    pub fn as_number(&self) -> Option<&Number> {
        match &self.kind {
            Kind::Number(n) => Some(n),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }
    /// The elements of a known list, set or tuple, in order.
    pub fn as_elements(&self) -> Option<&[Value]> {
        match &self.kind {
            Kind::List(_, es) | Kind::Set(_, es) | Kind::Tuple(es) => Some(es),
            _ => None,
        }
    }
    /// The entries of a known map or object, in key order.
    pub fn as_entries(&self) -> Option<&BTreeMap<String, Value>> {
        match &self.kind {
            Kind::Map(_, m) | Kind::Object(m) => Some(m),
            _ => None,
        }
    }
    /// An object attribute or map entry.
    pub fn get_attr(&self, name: &str) -> Option<&Value> {
        self.as_entries().and_then(|m| m.get(name))
    }
    /// Number of elements or entries of a known collection or structure.
    pub fn len(&self) -> Option<usize> {
        match &self.kind {
            Kind::List(_, es) | Kind::Set(_, es) | Kind::Tuple(es) => Some(es.len()),
            Kind::Map(_, m) | Kind::Object(m) => Some(m.len()),
            Kind::String(s) => Some(s.len()),
            _ => None,
        }
    }

    // ----- marks -----

    /// The marks on this value itself (not on nested values).
    pub fn marks(&self) -> Marks {
        self.marks
    }
    pub fn is_marked(&self) -> bool {
        !self.marks.is_empty()
    }
    pub fn is_sensitive(&self) -> bool {
        self.marks.contains(Marks::SENSITIVE)
    }
    /// Adds marks to this value (not to nested values).
    pub fn mark(mut self, marks: Marks) -> Value {
        self.marks |= marks;
        self
    }
    pub fn mark_sensitive(self) -> Value {
        self.mark(Marks::SENSITIVE)
    }
    /// Removes the marks of this value itself, returning them.
    pub fn unmark(mut self) -> (Value, Marks) {
        let m = self.marks;
        self.marks = Marks::NONE;
        (self, m)
    }
    /// A copy without any marks anywhere inside, and the union of all marks removed.
    pub fn unmark_deep(&self) -> (Value, Marks) {
        let mut marks = Marks::NONE;
        let v = self.strip_marks(&mut marks);
        (v, marks)
    }
    /// True when this value or anything inside it carries a mark.
    pub fn has_marks_deep(&self) -> bool {
        if self.is_marked() {
            return true;
        }
        match &self.kind {
            Kind::List(_, es) | Kind::Set(_, es) | Kind::Tuple(es) => es.iter().any(Value::has_marks_deep),
            Kind::Map(_, m) | Kind::Object(m) => m.values().any(Value::has_marks_deep),
            _ => false,
        }
    }
    /// The union of all marks on this value and inside it.
    pub fn deep_marks(&self) -> Marks {
        let mut m = self.marks;
        match &self.kind {
            Kind::List(_, es) | Kind::Set(_, es) | Kind::Tuple(es) => es.iter().for_each(|e| m |= e.deep_marks()),
            Kind::Map(_, map) | Kind::Object(map) => map.values().for_each(|e| m |= e.deep_marks()),
            _ => {}
        }
        m
    }

    fn strip_marks(&self, acc: &mut Marks) -> Value {
        *acc |= self.marks;
        if !self.has_marks_deep() {
            return Value { kind: self.kind.clone(), marks: Marks::NONE };
        }
        let kind = match &self.kind {
            Kind::List(t, es) => Kind::List(t.clone(), Arc::new(es.iter().map(|e| e.strip_marks(acc)).collect())),
            Kind::Set(t, es) => Kind::Set(t.clone(), Arc::new(es.iter().map(|e| e.strip_marks(acc)).collect())),
            Kind::Tuple(es) => Kind::Tuple(Arc::new(es.iter().map(|e| e.strip_marks(acc)).collect())),
            Kind::Map(t, m) => Kind::Map(t.clone(), Arc::new(m.iter().map(|(k, e)| (k.clone(), e.strip_marks(acc))).collect())),
            Kind::Object(m) => Kind::Object(Arc::new(m.iter().map(|(k, e)| (k.clone(), e.strip_marks(acc))).collect())),
            other => other.clone(),
        };
        Value { kind, marks: Marks::NONE }
    }

    // ----- comparison -----

    /// Structural identity including types, nulls, unknowns and marks (cty's `RawEquals`). Not
    /// Terraform's `==`, which is [`Value::equals`].
    pub fn raw_equals(&self, other: &Value) -> bool {
        self.marks == other.marks && (self.shares_content(other) || (self.total_cmp(other) == Ordering::Equal && self.same_type(other)))
    }

    /// `self.raw_equals(other) && self.is_wholly_known()` in one walk over both values, for the
    /// usual case of a no-change plan (an object found identical to its prior one). Exact when
    /// it says true; it may say false where the two would hold (marks that differ only inside
    /// the value, set elements stored in different orders), so callers that need the exact
    /// answer ask the slower road after a false.
    pub fn same_and_known(&self, other: &Value) -> bool {
        if self.marks != other.marks {
            return false;
        }
        match (&self.kind, &other.kind) {
            (Kind::Unknown(_), _) | (_, Kind::Unknown(_)) => false,
            (Kind::List(a, x), Kind::List(b, y)) | (Kind::Set(a, x), Kind::Set(b, y)) => {
                a == b && (Arc::ptr_eq(x, y) && x.iter().all(Value::is_wholly_known) || x.len() == y.len() && x.iter().zip(y.iter()).all(|(v, w)| v.same_and_known(w)))
            }
            (Kind::Tuple(x), Kind::Tuple(y)) => {
                Arc::ptr_eq(x, y) && x.iter().all(Value::is_wholly_known) || x.len() == y.len() && x.iter().zip(y.iter()).all(|(v, w)| v.same_and_known(w))
            }
            (Kind::Map(a, x), Kind::Map(b, y)) => {
                a == b && (Arc::ptr_eq(x, y) && x.values().all(Value::is_wholly_known) || x.len() == y.len() && x.iter().zip(y.iter()).all(|((k, v), (l, w))| k == l && v.same_and_known(w)))
            }
            (Kind::Object(x), Kind::Object(y)) => {
                Arc::ptr_eq(x, y) && x.values().all(Value::is_wholly_known)
                    || x.len() == y.len() && x.iter().zip(y.iter()).all(|((k, v), (l, w))| k == l && v.same_and_known(w))
            }
            // Null, bool, number, string (or two different kinds): exact and cheap.
            _ => self.raw_equals(other),
        }
    }

    /// Both values are the same collection (one allocation, shared by clones) of the same type:
    /// identical without looking inside. A refreshed object a provider returned unchanged is one.
    fn shares_content(&self, other: &Value) -> bool {
        match (&self.kind, &other.kind) {
            (Kind::List(a, x), Kind::List(b, y)) | (Kind::Set(a, x), Kind::Set(b, y)) => Arc::ptr_eq(x, y) && a == b,
            (Kind::Map(a, x), Kind::Map(b, y)) => Arc::ptr_eq(x, y) && a == b,
            (Kind::Tuple(x), Kind::Tuple(y)) => Arc::ptr_eq(x, y),
            (Kind::Object(x), Kind::Object(y)) => Arc::ptr_eq(x, y),
            _ => false,
        }
    }

    /// `self.ty() == other.ty()` without building either type (which allocates a whole object
    /// type for an object): collections carry their element type, the rest is compared in place.
    pub fn same_type(&self, other: &Value) -> bool {
        match (&self.kind, &other.kind) {
            (Kind::Null(a), Kind::Null(b)) | (Kind::Unknown(a), Kind::Unknown(b)) => a == b,
            (Kind::Bool(_), Kind::Bool(_)) | (Kind::Number(_), Kind::Number(_)) | (Kind::String(_), Kind::String(_)) => true,
            (Kind::List(a, _), Kind::List(b, _)) | (Kind::Set(a, _), Kind::Set(b, _)) | (Kind::Map(a, _), Kind::Map(b, _)) => a == b,
            (Kind::Tuple(a), Kind::Tuple(b)) => a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.same_type(y)),
            (Kind::Object(a), Kind::Object(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|((ka, va), (kb, vb))| ka == kb && va.same_type(vb))
            }
            // A null or unknown against a known value, or two different kinds.
            _ => self.ty() == other.ty(),
        }
    }

    /// Terraform's `==`: unknown if either side is (partly) unknown in a way that matters, false
    /// for different types. Marks of both sides are carried onto the result.
    pub fn equals(&self, other: &Value) -> Value {
        let marks = self.deep_marks() | other.deep_marks();
        let (a, _) = self.unmark_deep();
        let (b, _) = other.unmark_deep();
        let result = match eq_inner(&a, &b) {
            Some(r) => Value::bool(r),
            None => Value::unknown(Type::Bool),
        };
        result.mark(marks)
    }

    /// A total order over values used to keep sets sorted and to compare for identity. Strings
    /// order lexically, numbers numerically, false before true, as Terraform orders set elements.
    pub fn total_cmp(&self, other: &Value) -> Ordering {
        fn rank(k: &Kind) -> u8 {
            match k {
                Kind::Bool(_) => 0,
                Kind::Number(_) => 1,
                Kind::String(_) => 2,
                Kind::List(..) => 3,
                Kind::Set(..) => 4,
                Kind::Map(..) => 5,
                Kind::Tuple(_) => 6,
                Kind::Object(_) => 7,
                Kind::Null(_) => 8,
                Kind::Unknown(_) => 9,
            }
        }
        match (&self.kind, &other.kind) {
            (Kind::Bool(a), Kind::Bool(b)) => a.cmp(b),
            (Kind::Number(a), Kind::Number(b)) => a.cmp(b),
            (Kind::String(a), Kind::String(b)) => a.cmp(b),
            (Kind::List(_, a), Kind::List(_, b)) | (Kind::Set(_, a), Kind::Set(_, b)) | (Kind::Tuple(a), Kind::Tuple(b)) => {
                cmp_seq(a, b)
            }
            (Kind::Map(_, a), Kind::Map(_, b)) | (Kind::Object(a), Kind::Object(b)) => {
                let mut ia = a.iter();
                let mut ib = b.iter();
                loop {
                    match (ia.next(), ib.next()) {
                        (None, None) => return Ordering::Equal,
                        (None, Some(_)) => return Ordering::Less,
                        (Some(_), None) => return Ordering::Greater,
                        (Some((ka, va)), Some((kb, vb))) => {
                            let c = ka.cmp(kb).then_with(|| va.total_cmp(vb));
                            if c != Ordering::Equal {
                                return c;
                            }
                        }
                    }
                }
            }
            (Kind::Null(a), Kind::Null(b)) | (Kind::Unknown(a), Kind::Unknown(b)) => a.cmp(b),
            (a, b) => rank(a).cmp(&rank(b)),
        }
        .then_with(|| self.marks.cmp(&other.marks))
    }
}

fn cmp_seq(a: &[Value], b: &[Value]) -> Ordering {
    for (x, y) in a.iter().zip(b.iter()) {
        let c = x.total_cmp(y);
        if c != Ordering::Equal {
            return c;
        }
    }
    a.len().cmp(&b.len())
}

/// `==` on unmarked values: `None` when the answer depends on unknowns.
fn eq_inner(a: &Value, b: &Value) -> Option<bool> {
    match (&a.kind, &b.kind) {
        (Kind::Unknown(_), _) | (_, Kind::Unknown(_)) => None,
        (Kind::Null(_), Kind::Null(_)) => Some(true),
        (Kind::Null(_), _) | (_, Kind::Null(_)) => Some(false),
        (Kind::Bool(x), Kind::Bool(y)) => Some(x == y),
        (Kind::Number(x), Kind::Number(y)) => Some(x == y),
        (Kind::String(x), Kind::String(y)) => Some(x == y),
        (Kind::List(tx, x), Kind::List(ty, y)) | (Kind::Set(tx, x), Kind::Set(ty, y)) => {
            if tx != ty && !tx.has_dynamic() && !ty.has_dynamic() {
                return Some(false);
            }
            seq_eq(x, y)
        }
        (Kind::Tuple(x), Kind::Tuple(y)) => seq_eq(x, y),
        (Kind::Map(tx, x), Kind::Map(ty, y)) => {
            if tx != ty && !tx.has_dynamic() && !ty.has_dynamic() {
                return Some(false);
            }
            map_eq(x, y)
        }
        (Kind::Object(x), Kind::Object(y)) => map_eq(x, y),
        _ => Some(false),
    }
}

fn seq_eq(x: &[Value], y: &[Value]) -> Option<bool> {
    if x.len() != y.len() {
        return Some(false);
    }
    let mut unknown = false;
    for (a, b) in x.iter().zip(y) {
        match eq_inner(a, b) {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown {
        None
    } else {
        Some(true)
    }
}

fn map_eq(x: &BTreeMap<String, Value>, y: &BTreeMap<String, Value>) -> Option<bool> {
    if x.len() != y.len() || x.keys().zip(y.keys()).any(|(a, b)| a != b) {
        return Some(false);
    }
    let mut unknown = false;
    for (a, b) in x.values().zip(y.values()) {
        match eq_inner(a, b) {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown {
        None
    } else {
        Some(true)
    }
}

impl PartialEq for Value {
    /// Identity, as [`Value::raw_equals`].
    fn eq(&self, other: &Value) -> bool {
        self.raw_equals(other)
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_marked() {
            write!(f, "{:?}(", self.marks)?;
        }
        match &self.kind {
            Kind::Null(t) => write!(f, "null({t})")?,
            Kind::Unknown(t) => write!(f, "unknown({t})")?,
            Kind::Bool(b) => write!(f, "{b}")?,
            Kind::Number(n) => write!(f, "{n}")?,
            Kind::String(s) => write!(f, "{s:?}")?,
            Kind::List(_, es) => write!(f, "list{:?}", es.as_slice())?,
            Kind::Set(_, es) => write!(f, "set{:?}", es.as_slice())?,
            Kind::Tuple(es) => write!(f, "tuple{:?}", es.as_slice())?,
            Kind::Map(_, m) => write!(f, "map{:?}", m.as_ref())?,
            Kind::Object(m) => write!(f, "object{:?}", m.as_ref())?,
        }
        if self.is_marked() {
            write!(f, ")")?;
        }
        Ok(())
    }
}
