//! `infra-value`: the value model shared by the engine and every provider.
//!
//! This crate is the Rust counterpart of Terraform's cty: [`Type`]s, [`Value`]s that may be
//! *unknown* ("known after apply") or *null*, and [`Marks`] (sensitive, ephemeral) that travel with
//! values through every operation. It also holds the [`Number`] type (512-bit binary floats, as
//! Terraform's), type conversion ([`convert`]), the JSON encodings used by state and plan files,
//! and the [`Diagnostic`] model that every layer reports user errors with.
//!
//! It is not an evaluator: expressions, functions and references live in `infra-engine`.
//! **Architecture Invariant:** this crate does no I/O.
//!
//! Start reading at [`Value`].

pub mod convert;
pub mod diagnostic;
pub mod json;
pub mod number;
pub mod path;
pub mod types;
pub mod value;

pub use diagnostic::{Diagnostic, Diagnostics, Severity, SourcePos, SourceRange};
pub use number::Number;
pub use path::{AttrPath, PathStep};
pub use types::{ObjectType, Type};
pub use value::{Marks, Value};
