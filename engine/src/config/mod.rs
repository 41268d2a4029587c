//! The static configuration model: what the files say, with expressions unevaluated.
//!
//! [`parse`] reads one module directory (`*.tf`, `*.tf.json`); [`tree`] loads the module tree
//! from the root through local `source` paths. Nothing here evaluates an expression except type
//! constraints, which are syntax.

pub mod body;
pub mod chunked;
pub mod fast;
pub mod json;
pub mod parse;
pub mod syntax;
pub mod tree;
pub mod typeexpr;
pub mod version;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use infra_value::{Type, Value};

use crate::lang::ast::Expr;
use crate::source::Span;
pub use body::{Attr, Body, NestedBlock};

/// One module: the contents of one directory.
#[derive(Clone, Debug, Default)]
pub struct Module {
    /// The directory, as given (relative to the working directory for the root: `.`).
    pub dir: PathBuf,
    pub required_version: Vec<(String, Span)>,
    pub required_providers: BTreeMap<String, ProviderRequirement>,
    pub backend: Option<Backend>,
    pub variables: BTreeMap<String, Variable>,
    pub locals: BTreeMap<String, Local>,
    pub outputs: BTreeMap<String, Output>,
    /// Managed resources and data sources, keyed by (mode, type, name).
    pub resources: BTreeMap<ResourceKey, Arc<Resource>>,
    pub module_calls: BTreeMap<String, ModuleCall>,
    pub providers: Vec<ProviderConfig>,
    pub moved: Vec<Moved>,
    pub removed: Vec<Removed>,
    pub imports: Vec<Import>,
    pub checks: Vec<Check>,
}

#[derive(Clone, Debug)]
pub struct ProviderRequirement {
    pub source: String,
    pub version: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Backend {
    pub kind: String,
    pub body: Body,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Variable {
    pub name: String,
    /// The type constraint (`any` when absent).
    pub ty: Type,
    /// `optional(type, default)` defaults inside the type constraint.
    pub type_defaults: Option<typeexpr::TypeDefaults>,
    pub default: Option<Expr>,
    pub description: Option<String>,
    pub sensitive: bool,
    pub nullable: bool,
    pub validations: Vec<CheckRule>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct CheckRule {
    pub condition: Expr,
    pub error_message: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Local {
    pub name: String,
    pub expr: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Output {
    pub name: String,
    pub expr: Expr,
    pub description: Option<String>,
    pub sensitive: bool,
    pub ephemeral: bool,
    pub depends_on: Vec<Expr>,
    pub preconditions: Vec<CheckRule>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    Managed,
    Data,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceKey {
    pub mode: Mode,
    pub ty: String,
    pub name: String,
}

impl std::fmt::Display for ResourceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Pieces written as they are: an address is formatted per planned instance (plan
        // lines, diagnostics, hooks), and `write!` parses its template each time.
        if self.mode == Mode::Data {
            f.write_str("data.")?;
        }
        f.write_str(&self.ty)?;
        f.write_str(".")?;
        f.write_str(&self.name)
    }
}

#[derive(Clone, Debug)]
pub struct Resource {
    pub key: ResourceKey,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    pub depends_on: Vec<Expr>,
    /// `provider = aws.west`: (local name, alias).
    pub provider: Option<(String, Option<String>, Span)>,
    pub lifecycle: Lifecycle,
    /// Everything else: the provider-specific arguments and nested blocks.
    pub body: Body,
    pub span: Span,
    /// The span of the block header (`resource "a" "b"`), used for diagnostics.
    pub decl_span: Span,
}

impl Resource {
    /// The provider's local name: the explicit `provider` argument, else the type's prefix.
    pub fn provider_local_name(&self) -> String {
        if let Some((name, _, _)) = &self.provider {
            return name.clone();
        }
        self.key.ty.split('_').next().unwrap_or(&self.key.ty).to_string()
    }
}

#[derive(Clone, Debug, Default)]
pub struct Lifecycle {
    pub create_before_destroy: Option<Expr>,
    pub prevent_destroy: Option<Expr>,
    pub ignore_changes: IgnoreChanges,
    pub replace_triggered_by: Vec<Expr>,
    pub preconditions: Vec<CheckRule>,
    pub postconditions: Vec<CheckRule>,
}

#[derive(Clone, Debug, Default)]
pub enum IgnoreChanges {
    #[default]
    None,
    All,
    Paths(Vec<Expr>),
}

#[derive(Clone, Debug)]
pub struct ModuleCall {
    pub name: String,
    pub source: String,
    pub source_span: Span,
    pub version: Option<String>,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    pub depends_on: Vec<Expr>,
    /// Input variables.
    pub inputs: BTreeMap<String, Attr>,
    /// `providers = { aws = aws.west }`.
    pub providers: Vec<(Expr, Expr)>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ProviderConfig {
    pub name: String,
    pub alias: Option<String>,
    pub body: Body,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Moved {
    pub from: Expr,
    pub to: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Removed {
    pub from: Expr,
    /// `lifecycle { destroy = false }`: forget without destroying.
    pub destroy: bool,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Import {
    pub to: Expr,
    pub id: Expr,
    pub for_each: Option<Expr>,
    pub provider: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Check {
    pub name: String,
    pub asserts: Vec<CheckRule>,
    pub span: Span,
}

/// A literal value of an attribute that must be a constant (a `description`, `sensitive`).
pub fn literal_of(e: &Expr) -> Option<Value> {
    match &e.kind {
        crate::lang::ast::ExprKind::Literal(v) => Some(v.clone()),
        _ => None,
    }
}
