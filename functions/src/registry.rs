//! The function table and the generic call machinery (cty's `function.Function.Call` plus the
//! argument handling of hcl's `FunctionCallExpr`).
//!
//! # How a family registers functions
//!
//! Each family module (`collection`, `string`, …) owns a static table of [`Function`]s and exposes
//! it as `pub fn functions() -> &'static [Function]`. A table is built lazily because [`Type`]s
//! are not `const`:
//!
//! ```text
//! use std::sync::LazyLock;
//! use infra_value::{Type, Value};
//! use crate::registry::{Function, Param};
//! use crate::FuncError;
//!
//! static FUNCTIONS: LazyLock<Vec<Function>> = LazyLock::new(|| {
//!     vec![
//!         Function::new("upper", vec![Param::new("str", Type::String)], |_| Ok(Type::String), upper),
//!         Function::new("join", vec![Param::new("separator", Type::String)], |_| Ok(Type::String), join)
//!             .variadic(Param::new("lists", Type::list(Type::String))),
//!     ]
//! });
//!
//! pub fn functions() -> &'static [Function] {
//!     &FUNCTIONS
//! }
//!
//! fn upper(args: &[Value], _ret: &Type, _ctx: &crate::FuncContext) -> Result<Value, FuncError> { … }
//! ```
//!
//! Then add the family to [`FAMILIES`] below (already done for every planned family).
//!
//! # What [`call`] guarantees to an implementation
//!
//! Before `imp` runs, [`call`]:
//! 1. checks the argument count (hcl's "Not enough/Too many function arguments");
//! 2. converts every argument to its parameter's type with [`infra_value::convert::convert`]
//!    (a failure is [`FuncError::Arg`] with cty's message, e.g. `a number is required`);
//! 3. rejects null arguments unless the parameter has `allow_null` ("argument must not be null");
//! 4. removes marks (deeply) from arguments whose parameter lacks `allow_marked`; their union is
//!    added to the result's top level afterwards;
//! 5. calls `return_type` with the converted, unmarked arguments (they may be unknown);
//! 6. returns an unknown of that type without calling `imp` when an argument is itself unknown
//!    (only the top level, as cty's `IsKnown`: a known list with unknown elements *is* passed)
//!    and the parameter lacks `allow_unknown`, or when an argument's type is `any` (an unknown
//!    of unknown type) and the parameter lacks `allow_dynamic_type` — then the result is an
//!    unknown of type `any`.
//!
//! So an implementation sees arguments of its parameter types, non-null, unmarked and known,
//! except where its parameters opt in. Errors it returns: [`arg_error`] for a problem with one
//! argument (the registry fills in the parameter name), [`call_error`] otherwise.

use std::collections::HashMap;
use std::sync::LazyLock;

use infra_value::convert::convert;
use infra_value::value::Kind;
use infra_value::{Marks, Type, Value};

use crate::{FuncContext, FuncError};

/// Computes the return type from the converted, unmarked arguments (which may be unknown).
pub type ReturnTypeFn = fn(&[Value]) -> Result<Type, FuncError>;
/// Runs the function. Gets the arguments (see the module docs for what is guaranteed) and the
/// type `return_type` computed; must return a value of that type (or `any`'s chosen type).
pub type ImplFn = fn(&[Value], &Type, &FuncContext) -> Result<Value, FuncError>;

/// One parameter of a function signature.
#[derive(Clone, Debug)]
pub struct Param {
    pub name: &'static str,
    /// The argument is converted to this type first. `Type::Dynamic` accepts anything as is.
    pub ty: Type,
    pub allow_null: bool,
    /// When false and the argument is unknown (top level), the call returns an unknown result of
    /// the function's return type without running.
    pub allow_unknown: bool,
    /// When false, an argument whose type is `any` (an unknown or null of unknown type) makes the
    /// result an unknown of type `any` without running.
    pub allow_dynamic_type: bool,
    /// When false, marks are removed from the argument (deeply) before the call and added to the
    /// result.
    pub allow_marked: bool,
}

impl Param {
    /// A parameter that accepts only known, non-null, unmarked values of `ty`.
    pub fn new(name: &'static str, ty: Type) -> Param {
        Param {
            name,
            ty,
            allow_null: false,
            allow_unknown: false,
            allow_dynamic_type: false,
            allow_marked: false,
        }
    }
    pub fn allow_null(mut self) -> Param {
        self.allow_null = true;
        self
    }
    pub fn allow_unknown(mut self) -> Param {
        self.allow_unknown = true;
        self
    }
    pub fn allow_dynamic_type(mut self) -> Param {
        self.allow_dynamic_type = true;
        self
    }
    pub fn allow_marked(mut self) -> Param {
        self.allow_marked = true;
        self
    }
}

/// A built-in function: its signature and implementation.
pub struct Function {
    pub name: &'static str,
    pub params: Vec<Param>,
    /// The parameter every argument after `params` is checked against, if the function is
    /// variadic.
    pub variadic: Option<Param>,
    pub return_type: ReturnTypeFn,
    pub imp: ImplFn,
}

impl Function {
    pub fn new(
        name: &'static str,
        params: Vec<Param>,
        return_type: ReturnTypeFn,
        imp: ImplFn,
    ) -> Function {
        Function {
            name,
            params,
            variadic: None,
            return_type,
            imp,
        }
    }
    pub fn variadic(mut self, param: Param) -> Function {
        self.variadic = Some(param);
        self
    }
    /// The parameter argument `index` is checked against.
    pub fn param_for(&self, index: usize) -> Option<&Param> {
        self.params.get(index).or(self.variadic.as_ref())
    }
}

impl std::fmt::Debug for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Function")
            .field("name", &self.name)
            .field("params", &self.params)
            .finish()
    }
}

/// An error about argument `index`; [`call`] fills in the parameter name.
pub fn arg_error(index: usize, message: impl Into<String>) -> FuncError {
    FuncError::Arg {
        index,
        param: String::new(),
        message: message.into(),
    }
}

/// An error about the call as a whole ("Error in function call").
pub fn call_error(message: impl Into<String>) -> FuncError {
    FuncError::Call {
        message: message.into(),
    }
}

/// Every family's table. A family is a module exposing `functions()`.
const FAMILIES: &[fn() -> &'static [Function]] = &[
    crate::collection::functions,
    crate::numeric::functions,
    crate::conversion::functions,
    crate::string::functions,
    crate::encoding::functions,
    crate::crypto::functions,
    crate::filesystem::functions,
    crate::network::functions,
    crate::datetime::functions,
];

/// FNV-1a: the table's keys are a fixed set of short names, so a hash that costs a few
/// instructions per byte serves better than the default SipHash (whose flooding resistance buys
/// nothing for a table nobody can insert into). Every call evaluated looks its function up here.
#[derive(Clone, Copy)]
struct NameHasher(u64);

impl Default for NameHasher {
    fn default() -> NameHasher {
        NameHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for NameHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

type NameTable = HashMap<&'static str, &'static Function, std::hash::BuildHasherDefault<NameHasher>>;

static TABLE: LazyLock<NameTable> = LazyLock::new(|| {
    let mut table = NameTable::default();
    for family in FAMILIES {
        for function in family() {
            table.insert(function.name, function);
        }
    }
    table
});

/// How many slots [`BUCKETS`] has (a power of two).
const BUCKET_COUNT: usize = 1024;

/// The slot of a name: its length and its first and last bytes, which spread the built-ins'
/// names over the slots with rarely more than one name per slot.
fn bucket(name: &str) -> usize {
    let b = name.as_bytes();
    let (first, last) = (b.first().copied().unwrap_or(0), b.last().copied().unwrap_or(0));
    ((b.len() & 31) << 5 | usize::from((first ^ last.rotate_left(2)) & 31)) & (BUCKET_COUNT - 1)
}

/// The built-ins by [`bucket`]: a lookup is an index and a comparison or two, cheaper than
/// hashing the name and probing the table (a lookup per function call evaluated: `count`
/// instances calling three functions each make three thousand per thousand instances).
static BUCKETS: LazyLock<Vec<Vec<&'static Function>>> = LazyLock::new(|| {
    let mut buckets: Vec<Vec<&'static Function>> = vec![Vec::new(); BUCKET_COUNT];
    for (name, function) in TABLE.iter() {
        if let Some(slot) = buckets.get_mut(bucket(name)) {
            slot.push(*function);
        }
    }
    buckets
});

/// The function named `name`, if it is a built-in.
/// Every built-in is also reachable as `core::name`, as in Terraform.
pub fn lookup(name: &str) -> Option<&'static Function> {
    let name = name.strip_prefix("core::").unwrap_or(name);
    BUCKETS.get(bucket(name))?.iter().find(|f| f.name == name).copied()
}

pub fn exists(name: &str) -> bool {
    lookup(name).is_some()
}

pub fn names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = TABLE.keys().copied().collect();
    names.sort_unstable();
    names
}

/// Calls built-in function `name`; see the module docs for the steps.
pub fn call(name: &str, args: Vec<Value>, ctx: &FuncContext) -> Result<Value, FuncError> {
    let function = lookup(name).ok_or(FuncError::UnknownFunction)?;
    call_function(function, args, ctx)
}

/// Calls `function` with already-evaluated arguments.
pub fn call_function(
    function: &Function,
    args: Vec<Value>,
    ctx: &FuncContext,
) -> Result<Value, FuncError> {
    check_arity(function, args.len())?;
    let mut args = args;

    // Convert to the parameter types (hcl does this before calling into cty), in place: an
    // argument that already has its parameter's type (the common case) is neither converted nor
    // copied.
    for (index, arg) in args.iter_mut().enumerate() {
        let param = param_at(function, index)?;
        if already_of_type(arg, &param.ty) {
            continue;
        }
        match convert(arg, &param.ty) {
            Ok(v) => *arg = v,
            // hcl prints only the message of a conversion error, not its path.
            Err(e) => {
                return Err(FuncError::Arg {
                    index,
                    param: param.name.to_string(),
                    message: e.message,
                });
            }
        }
    }

    // Null checks, then marks: the implementation sees unmarked values unless it opts in.
    let mut result_marks = Marks::NONE;
    let mut dynamic_arg = false;
    let mut unknown_arg = false;
    let mut unknown_marks = Marks::NONE;
    for (index, arg) in args.iter_mut().enumerate() {
        let param = param_at(function, index)?;
        if arg.is_null() && !param.allow_null {
            return Err(FuncError::Arg {
                index,
                param: param.name.to_string(),
                message: "argument must not be null".to_string(),
            });
        }
        if param.allow_marked {
            // Only used if the call short-circuits to an unknown: cty would drop these marks
            // then, but an unknown result computed from a sensitive argument stays sensitive
            // here (it costs nothing, and a later known value will be sensitive anyway).
            if !arg.is_known() {
                unknown_marks |= arg.marks();
            }
        } else if arg.has_marks_deep() {
            let (unmarked, marks) = arg.unmark_deep();
            result_marks |= marks;
            *arg = unmarked;
        }
        if !param.allow_dynamic_type && is_dynamic(arg) {
            dynamic_arg = true;
        }
        if !arg.is_known() && !param.allow_unknown {
            unknown_arg = true;
        }
    }
    let prepared = args;

    if dynamic_arg {
        return Ok(Value::dynamic_unknown().mark(result_marks | unknown_marks));
    }
    let return_type = (function.return_type)(&prepared).map_err(|e| name_param(function, e))?;
    if unknown_arg {
        return Ok(Value::unknown(return_type).mark(result_marks | unknown_marks));
    }
    let result =
        (function.imp)(&prepared, &return_type, ctx).map_err(|e| name_param(function, e))?;
    Ok(result.mark(result_marks))
}

/// True when `convert(arg, ty)` would return `arg` unchanged, decided without building the
/// argument's type: `ty` is `any`, or a primitive type the (known or null) argument has.
fn already_of_type(arg: &Value, ty: &Type) -> bool {
    match (ty, arg.kind()) {
        (Type::Dynamic, _) => true,
        (Type::String, Kind::String(_)) | (Type::Number, Kind::Number(_)) | (Type::Bool, Kind::Bool(_)) => true,
        _ => false,
    }
}

/// `arg.ty() == Type::Dynamic`, without building the type of a collection.
fn is_dynamic(arg: &Value) -> bool {
    match arg.kind() {
        Kind::Null(t) | Kind::Unknown(t) => *t == Type::Dynamic,
        _ => false,
    }
}

fn check_arity(function: &Function, given: usize) -> Result<(), FuncError> {
    let wanted = function.params.len();
    if given < wanted {
        let qualifier = if function.variadic.is_some() {
            " at least"
        } else {
            ""
        };
        return Err(FuncError::Arity {
            summary: "Not enough function arguments".to_string(),
            detail: format!(
                "Function {:?} expects{} {} argument(s). Missing value for {:?}.",
                function.name, qualifier, wanted, function.params[given].name
            ),
        });
    }
    if function.variadic.is_none() && given > wanted {
        return Err(FuncError::Arity {
            summary: "Too many function arguments".to_string(),
            detail: format!(
                "Function {:?} expects only {} argument(s).",
                function.name, wanted
            ),
        });
    }
    Ok(())
}

fn param_at(function: &Function, index: usize) -> Result<&Param, FuncError> {
    // check_arity ran first, so every index has a parameter; an error here is a table bug.
    function.param_for(index).ok_or_else(|| {
        call_error(format!(
            "argument {index} has no parameter in the signature of {}",
            function.name
        ))
    })
}

/// Fills in the parameter name of an [`arg_error`].
fn name_param(function: &Function, e: FuncError) -> FuncError {
    match e {
        FuncError::Arg {
            index,
            param,
            message,
        } if param.is_empty() => match function.param_for(index) {
            Some(p) => FuncError::Arg {
                index,
                param: p.name.to_string(),
                message,
            },
            // An index past the signature: hcl degrades to a call error.
            None => FuncError::Call { message },
        },
        other => other,
    }
}

#[cfg(test)]
mod lookup_tests {
    use super::*;

    /// The slots find exactly the table's functions, by plain and `core::` names, and nothing
    /// else.
    #[test]
    fn lookup_finds_every_builtin_and_only_those() {
        assert!(names().len() > 100);
        for name in names() {
            let found = lookup(name).map(|f| f as *const Function);
            assert_eq!(found, TABLE.get(name).map(|f| *f as *const Function), "{name}");
            assert_eq!(lookup(&format!("core::{name}")).map(|f| f as *const Function), found, "core::{name}");
            assert!(lookup(&format!("{name}x")).is_none_or(|f| f.name == format!("{name}x")));
        }
        for missing in ["", "nosuchfunction", "core::", "Upper", "format "] {
            assert!(lookup(missing).is_none(), "{missing}");
        }
    }
}
