//! Helpers shared by the fuzz targets in `fuzz_targets/`: a [`FuzzScope`] that resolves the
//! usual reference roots to fixed sample values, and [`evaluate`], which lowers and evaluates one
//! expression the way the engine does.
//!
//! The targets check one property each: no input makes the code under test panic, overflow its
//! stack, hang or allocate without bound (libFuzzer's `-timeout` and `-rss_limit_mb` turn the last
//! two into reported crashes).

use std::collections::BTreeMap;
use std::path::PathBuf;

use infra_engine::lang::ast::Step;
use infra_engine::lang::eval::{Evaluator, Scope};
use infra_engine::lang::lower::Lowerer;
use infra_engine::source::{SourceMap, Span};
use infra_functions::FuncContext;
use infra_value::{Diagnostic, Number, Type, Value};

/// The largest input the text targets look at. Larger inputs only slow the fuzzer down (every
/// interesting construct fits in a few hundred bytes), and a bound keeps deeply nested input at a
/// depth a real configuration could plausibly reach.
pub const MAX_TEXT_LEN: usize = 4096;

/// Inputs that could reach the file system through the file-reading functions (`file`,
/// `fileset`, `templatefile`, `filebase64`, …) are skipped: `fileset("/", "**")` or
/// `file("/dev/zero")` would make the fuzzer walk or read the machine, which says nothing about
/// the code under test. (Those functions are covered by the functions crate's own tests.)
pub fn touches_files(text: &str) -> bool {
    text.contains("file")
}

/// Resolves references to fixed values chosen by the first letter of the name, so that the
/// fuzzer can reach every value kind (strings, numbers, collections, unknowns, nulls, sensitive
/// values) with a short input: `var.s…` is a string, `local.l…` a list, `var.u…` unknown, …
pub struct FuzzScope {
    ctx: FuncContext,
}

impl Default for FuzzScope {
    fn default() -> Self {
        FuzzScope {
            ctx: FuncContext {
                // No file is read (see `touches_files`), but `path.module`-style relative paths
                // in `abspath` and friends resolve against this.
                base_dir: PathBuf::from("/nonexistent/infra-fuzz"),
                plan_timestamp: "2024-01-02T03:04:05Z".to_string(),
                planning: false,
            },
        }
    }
}

fn s(v: &str) -> Value {
    Value::string(v)
}

fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::object(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
}

/// The sample value for a variable or local named `name`.
pub fn sample_value(name: &str) -> Option<Value> {
    let num = |x: f64| Number::from_f64(x).map(Value::number);
    Some(match name.chars().next()? {
        's' => s("hello, world"),
        'n' => Value::from_i64(42),
        'f' => num(-1.5)?,
        'b' => Value::bool(true),
        'l' => Value::list(Type::String, vec![s("a"), s("b"), s("c")]),
        'm' => Value::map(Type::String, BTreeMap::from([("a".to_string(), s("1")), ("b".to_string(), s("2"))])),
        't' => Value::set(Type::Number, vec![Value::from_i64(3), Value::from_i64(1), Value::from_i64(2)]),
        'o' => obj(&[
            ("name", s("web")),
            ("port", Value::from_i64(8080)),
            ("tags", Value::map(Type::String, BTreeMap::from([("env".to_string(), s("prod"))]))),
            ("items", Value::tuple(vec![Value::from_i64(1), s("two"), Value::bool(false)])),
        ]),
        'u' => Value::dynamic_unknown(),
        'k' => Value::unknown(Type::String),
        'x' => s("secret").mark_sensitive(),
        'z' => Value::null(Type::String),
        'd' => Value::dynamic_null(),
        'e' => Value::list(Type::List(std::sync::Arc::new(Type::Number)), vec![]),
        _ => return None,
    })
}

impl Scope for FuzzScope {
    fn resolve(&self, root: &str, steps: &[Step], span: Span) -> Result<(Value, usize), Diagnostic> {
        let undeclared = || Diagnostic::error("Reference to undeclared value", format!("{root} is not declared (span {span:?})."));
        match root {
            "var" | "local" => match steps.first() {
                Some(Step::Attr(name, _)) => sample_value(name).map(|v| (v, 1)).ok_or_else(undeclared),
                _ => Err(undeclared()),
            },
            "count" => Ok((obj(&[("index", Value::from_i64(0))]), 0)),
            "each" => Ok((obj(&[("key", s("k")), ("value", obj(&[("v", s("v"))]))]), 0)),
            "path" => Ok((obj(&[("module", s(".")), ("root", s(".")), ("cwd", s("/tmp"))]), 0)),
            "terraform" => Ok((obj(&[("workspace", s("default"))]), 0)),
            "self" => Ok((obj(&[("id", Value::unknown(Type::String)), ("name", s("me"))]), 0)),
            _ => Err(undeclared()),
        }
    }

    fn func_context(&self) -> &FuncContext {
        &self.ctx
    }
}

/// Parses `text` as one expression, lowers and evaluates it. Returns the value (if the text
/// parsed) and all diagnostics. The result is also printed to a string, since rendering values
/// (numbers above all) is code that can fail too.
pub fn evaluate(text: &str) -> Option<(Value, Vec<Diagnostic>)> {
    let expr = hcl_edit::parser::parse_expr(text).ok()?;
    let sources = SourceMap::new();
    let file = sources.add("fuzz.tf", text);
    let mut lowerer = Lowerer::new(file, text, &sources);
    let lowered = lowerer.expr(&expr);
    let scope = FuzzScope::default();
    let mut evaluator = Evaluator::new(&scope, &sources);
    let value = evaluator.eval(&lowered);
    let mut diags = lowerer.diagnostics;
    diags.extend(evaluator.diagnostics);
    std::hint::black_box(format!("{value:?}"));
    Some((value, diags))
}

/// Evaluates an already lowered expression in a fresh [`FuzzScope`].
pub fn evaluate_lowered(expr: &infra_engine::lang::ast::Expr, sources: &SourceMap) -> Value {
    let scope = FuzzScope::default();
    let mut evaluator = Evaluator::new(&scope, sources);
    evaluator.eval(expr)
}
