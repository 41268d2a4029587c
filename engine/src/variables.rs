//! Root module input variables from every source, with Terraform's precedence (later wins):
//! environment `TF_VAR_name`, `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars` and
//! `*.auto.tfvars.json` in lexical order, then `-var` and `-var-file` in command-line order.

use std::collections::BTreeMap;
use std::path::Path;

use infra_value::{Diagnostic, Type, Value};

use crate::config::tree::Config;
use crate::lang::eval::{Evaluator, Scope};
use crate::lang::lower::Lowerer;
use crate::source::{SourceMap, Span};

/// Where a root variable's value came from: it decides where a type error points (the value in
/// a variables file, or the declaration for values without a source location) and its wording,
/// as Terraform's `PrepareFinalInputVariableValue` does.
#[derive(Clone, Copy, Debug)]
enum Origin {
    /// The value expression in a `.tfvars` file (JSON files: the file's start).
    File(Span),
    Cli,
    Env,
}

/// A `-var` or `-var-file` argument, in command-line order.
#[derive(Clone, Debug)]
pub enum VarArg {
    Var(String),
    File(String),
}

struct ConstScope(infra_functions::FuncContext);

impl Scope for ConstScope {
    fn resolve(&self, root: &str, _steps: &[crate::lang::ast::Step], _span: Span) -> Result<(Value, usize), Diagnostic> {
        Err(Diagnostic::error(
            "Variables not allowed",
            format!("Variables may not be used here (found a reference to {root:?})."),
        ))
    }
    fn func_context(&self) -> &infra_functions::FuncContext {
        &self.0
    }
}

fn const_scope(dir: &Path) -> ConstScope {
    ConstScope(infra_functions::FuncContext { base_dir: dir.to_path_buf(), plan_timestamp: String::new(), planning: true })
}

/// Collects root variable values. Missing required variables are errors unless `allow_missing`
/// (validate).
pub fn collect(config: &Config, sources: &SourceMap, args: &[VarArg], env: &[(String, String)], allow_missing: bool) -> (BTreeMap<String, Value>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut values: BTreeMap<String, Value> = BTreeMap::new();
    let mut origins: BTreeMap<String, Origin> = BTreeMap::new();
    let root = &config.root.module;
    let dir = &config.root_dir;
    for (k, v) in env {
        if let Some(name) = k.strip_prefix("TF_VAR_") {
            if let Some(var) = root.variables.get(name) {
                if let Some(val) = parse_raw(name, v, &var.ty, sources, &mut diags, "environment variable") {
                    values.insert(name.to_string(), val);
                    origins.insert(name.to_string(), Origin::Env);
                }
            }
        }
    }
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for f in ["terraform.tfvars", "terraform.tfvars.json"] {
        let p = dir.join(f);
        if p.is_file() {
            files.push(p);
        }
    }
    if let Ok(rd) = std::fs::read_dir(dir) {
        let mut autos: Vec<_> = rd
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                let n = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
                n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json")
            })
            .collect();
        autos.sort();
        files.extend(autos);
    }
    for f in files {
        load_file(config, &f, sources, &mut values, &mut origins, &mut diags, false);
    }
    for a in args {
        match a {
            VarArg::Var(s) => {
                let Some((name, raw)) = s.split_once('=') else {
                    diags.push(Diagnostic::error(
                        "Invalid -var option",
                        format!("The given -var option {s:?} is not correctly specified. It must be a variable name and value separated an equals sign, like -var=\"key=value\"."),
                    ));
                    continue;
                };
                let name = name.trim();
                match root.variables.get(name) {
                    Some(var) => {
                        if let Some(v) = parse_raw(name, raw, &var.ty, sources, &mut diags, "command line") {
                            values.insert(name.to_string(), v);
                            origins.insert(name.to_string(), Origin::Cli);
                        }
                    }
                    None => diags.push(Diagnostic::error(
                        "Value for undeclared variable",
                        format!("A variable named {name:?} was assigned on the command line, but the root module does not declare a variable of that name. To use this value, add a \"variable\" block to the configuration."),
                    )),
                }
            }
            VarArg::File(f) => {
                let p = Path::new(f);
                let p = if p.is_absolute() || p.exists() { p.to_path_buf() } else { dir.join(p) };
                if !p.is_file() {
                    diags.push(Diagnostic::error("Failed to read variables file", format!("Given variables file {f} does not exist.")));
                    continue;
                }
                load_file(config, &p, sources, &mut values, &mut origins, &mut diags, true);
            }
        }
    }
    check_types(config, sources, &mut values, &origins, &mut diags);
    if !allow_missing {
        for (name, var) in &root.variables {
            if var.default.is_none() && !values.contains_key(name) {
                diags.push(
                    Diagnostic::error(
                        "No value for required variable",
                        format!("The root module input variable {name:?} is not set, and has no default value. Use a -var or -var-file command line argument to provide a value for this variable."),
                    )
                    .with_subject_opt(sources.range(var.span)),
                );
            }
        }
    }
    (values, diags)
}

/// Converts each given value to its variable's type (after the type's `optional()` defaults),
/// reporting a failure where the value came from. A failed value becomes unknown so that later
/// steps report nothing more about it.
fn check_types(config: &Config, sources: &SourceMap, values: &mut BTreeMap<String, Value>, origins: &BTreeMap<String, Origin>, diags: &mut Vec<Diagnostic>) {
    let root = &config.root.module;
    for (name, value) in values.iter_mut() {
        let Some(var) = root.variables.get(name) else { continue };
        let mut given = value.clone();
        if let Some(defs) = &var.type_defaults {
            if !given.is_null() {
                given = defs.apply(&var.ty, given);
            }
        }
        let err = match infra_value::convert::convert(&given, &var.ty) {
            Ok(_) => continue,
            Err(e) => e,
        };
        let decl_range = sources.range(var.span);
        let decl = decl_range.as_ref().map(crate::config::parse::short_range).unwrap_or_default();
        let (detail, subject) = match origins.get(name) {
            Some(Origin::File(span)) => {
                let at = sources.range(*span);
                if var.sensitive {
                    let shown = at.as_ref().map(crate::config::parse::short_range).unwrap_or_default();
                    (format!("The given value is not suitable for var.{name}, which is sensitive: {err}. Invalid value defined at {shown}."), decl_range)
                } else {
                    (format!("The given value is not suitable for var.{name} declared at {decl}: {err}."), at)
                }
            }
            Some(Origin::Cli) => (format!("Unsuitable value for var.{name} set using -var=\"{name}=...\": {err}."), decl_range),
            Some(Origin::Env) => (format!("Unsuitable value for var.{name} set using the TF_VAR_{name} environment variable: {err}."), decl_range),
            None => (format!("Unsuitable value for var.{name} set from outside of the configuration: {err}."), decl_range),
        };
        diags.push(Diagnostic::error("Invalid value for input variable", detail).with_subject_opt(subject));
        *value = Value::unknown(var.ty.clone());
    }
}

/// A raw string from `-var` or the environment: primitive-typed variables take it literally;
/// others parse it as an expression.
fn parse_raw(name: &str, raw: &str, ty: &Type, sources: &SourceMap, diags: &mut Vec<Diagnostic>, origin: &str) -> Option<Value> {
    if ty.is_primitive() {
        return Some(Value::string(raw));
    }
    if *ty == Type::Dynamic && !looks_structured(raw) {
        return Some(Value::string(raw));
    }
    let file = sources.add(&format!("<value for var.{name}>"), raw);
    match hcl_edit::parser::parse_expr(raw) {
        Ok(e) => {
            let mut lw = Lowerer::new(file, raw, sources);
            let expr = lw.expr(&e);
            diags.extend(lw.diagnostics);
            let scope = const_scope(Path::new("."));
            let mut ev = Evaluator::new(&scope, sources);
            let v = ev.eval(&expr);
            let failed = ev.has_errors();
            diags.extend(ev.diagnostics);
            (!failed).then_some(v)
        }
        Err(e) => {
            let _ = origin;
            diags.push(Diagnostic::error(
                "Invalid value for input variable",
                format!("The value given for var.{name} is not valid: {}.", e.message()),
            ));
            None
        }
    }
}

fn looks_structured(raw: &str) -> bool {
    let t = raw.trim_start();
    t.starts_with('[') || t.starts_with('{')
}

fn load_file(
    config: &Config,
    path: &Path,
    sources: &SourceMap,
    values: &mut BTreeMap<String, Value>,
    origins: &mut BTreeMap<String, Origin>,
    diags: &mut Vec<Diagnostic>,
    explicit: bool,
) {
    let shown = path.strip_prefix(&config.root_dir).unwrap_or(path).to_string_lossy().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::error("Failed to read variables file", format!("Error reading {shown}: {e}.")));
            return;
        }
    };
    let file = sources.add(&shown, &text);
    let dir = config.root_dir.clone();
    let scope = const_scope(&dir);
    let root = &config.root.module;
    let mut assign = |name: &str, v: Value, span: Span, value_span: Span, diags: &mut Vec<Diagnostic>| {
        if root.variables.contains_key(name) {
            values.insert(name.to_string(), v);
            origins.insert(name.to_string(), Origin::File(value_span));
        } else {
            let summary = "Value for undeclared variable";
            let detail = format!("The root module does not declare a variable named {name:?} but a value was found in file {shown:?}. If you meant to use this value, add a \"variable\" block to the configuration.\n\nTo silence these warnings, use TF_VAR_... environment variables to provide certain \"global\" settings to all configurations in your organization. To reduce the verbosity of these warnings, use the -compact-warnings option.");
            let d = if explicit { Diagnostic::error(summary, detail) } else { Diagnostic::warning(summary, detail) };
            diags.push(d.with_subject_opt(sources.range(span)));
        }
    };
    if shown.ends_with(".json") {
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Object(m)) => {
                for (k, j) in m {
                    let v = infra_value::json::implied_value(&j);
                    let at = Span { file, start: 0, end: 0 };
                    assign(&k, v, at, at, diags);
                }
            }
            Ok(_) => diags.push(Diagnostic::error("Invalid variables file", format!("The root of {shown} must be a JSON object."))),
            Err(e) => diags.push(Diagnostic::error("Invalid variables file", format!("{shown}: {e}."))),
        }
        return;
    }
    let Some(body) = crate::config::parse::parse_native(file, &shown, &text, sources, diags) else { return };
    for b in &body.blocks {
        diags.push(
            Diagnostic::error("Unexpected block", "Blocks are not allowed in a variables file.").with_subject_opt(sources.range(b.type_span)),
        );
    }
    for (name, attr) in &body.attrs {
        let mut ev = Evaluator::new(&scope, sources);
        let v = ev.eval(&attr.expr);
        let failed = ev.has_errors();
        diags.extend(ev.diagnostics);
        if !failed {
            assign(name, v, attr.name_span, attr.expr.span, diags);
        }
    }
}
