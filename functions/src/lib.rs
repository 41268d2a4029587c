//! `infra-functions`: Terraform 1.11's built-in functions that need no network, over
//! [`infra_value::Value`].
//!
//! Each family lives in its own module and exposes `lookup(name)`. [`call`] is the one entry
//! point the evaluator uses: it checks arity, converts arguments to parameter types, returns an
//! unknown result when an argument the function cannot handle is unknown, and carries the marks
//! (sensitive) of the arguments onto the result.
//!
//! Not here: `try`, `can` (they need unevaluated expressions) and `templatefile` (it needs the
//! template evaluator); the engine implements those. **Architecture Invariant:** functions only
//! read files (the filesystem family) and never write.

use std::path::PathBuf;

use infra_value::Value;

pub mod registry;

pub mod collection;
pub mod conversion;
pub mod crypto;
pub mod datetime;
pub mod encoding;
pub mod filesystem;
pub mod network;
pub mod numeric;
pub mod string;

pub use registry::{Function, Param};

/// What a function call may depend on beyond its arguments.
#[derive(Clone, Debug)]
pub struct FuncContext {
    /// Directory that relative paths in `file()`, `fileset()`, … resolve against: the module's
    /// directory (`path.module` in the calling module), made absolute.
    pub base_dir: PathBuf,
    /// The plan's timestamp, RFC 3339 in UTC, returned by `plantimestamp()`.
    pub plan_timestamp: String,
    /// True while validating or planning: `timestamp()` and `uuid()` return unknown then, as in
    /// Terraform.
    pub planning: bool,
}

/// Why a call failed. The engine renders these as Terraform does:
/// - `UnknownFunction`: "Call to unknown function" / `There is no function named "x".`
/// - `Arity`: the summary ("Not enough function arguments" / "Too many function arguments") and
///   Terraform's detail (`Function "substr" expects 3 argument(s). Missing value for "length".`).
/// - `Arg`: "Invalid function argument" / `Invalid value for "{param}" parameter: {message}.`,
///   located at argument `index`.
/// - `Call`: "Error in function call" / `Call to function "{name}" failed: {message}.`
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FuncError {
    UnknownFunction,
    Arity { summary: String, detail: String },
    Arg { index: usize, param: String, message: String },
    Call { message: String },
}

/// Calls built-in function `name` with already-evaluated arguments.
pub fn call(name: &str, args: Vec<Value>, ctx: &FuncContext) -> Result<Value, FuncError> {
    registry::call(name, args, ctx)
}

/// True when `name` is a built-in function (for "Call to unknown function" diagnostics, and so
/// that `provider::` functions can be told apart later).
pub fn exists(name: &str) -> bool {
    registry::exists(name)
}

/// Every function name, sorted, e.g. for "did you mean" suggestions.
pub fn names() -> Vec<&'static str> {
    registry::names()
}
