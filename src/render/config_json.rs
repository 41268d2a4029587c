//! Terraform's JSON `configuration` block (`internal/command/jsonconfig`): the module tree as
//! written, with each argument as an *expression* object — `constant_value` when the expression
//! is a constant, `references` listing what it refers to — so policy tools can check a plan
//! against the configuration that produced it. Computed when a plan is made and stored in the
//! plan file, so `show -json FILE` needs no configuration.

use std::sync::Arc;

use infra_engine::config::tree::{Config, ModuleNode};
use infra_engine::config::{Body, Mode};
use infra_engine::lang::ast::{Expr, ExprKind, Step, TemplatePart};
use infra_engine::lang::eval::{Evaluator, Scope};
use infra_engine::session::Session;
use infra_engine::source::{SourceMap, Span};
use infra_provider_sdk::schema::{Block, Nesting};
use infra_value::json::value_to_json;
use infra_value::value::Kind;
use infra_value::{Diagnostic, Value};
use serde_json::{json, Map, Value as Json};

/// The `configuration` object of a JSON plan.
pub fn configuration_json(session: &Session) -> Json {
    let cx = Cx { session, sources: &session.sources, config: &session.config };
    let mut providers = Map::new();
    cx.provider_configs(&session.config.root, &mut providers);
    let mut out = Map::new();
    if !providers.is_empty() {
        out.insert("provider_config".into(), Json::Object(providers));
    }
    out.insert("root_module".into(), cx.module(&session.config.root));
    Json::Object(out)
}

/// The values of every root module variable for the JSON plan's `variables`: the given value,
/// else the default (when a constant), marked sensitive when the variable is declared so.
pub fn root_variable_values(session: &Session, given: &std::collections::BTreeMap<String, Value>) -> std::collections::BTreeMap<String, Value> {
    let cx = Cx { session, sources: &session.sources, config: &session.config };
    let mut out = std::collections::BTreeMap::new();
    for (name, var) in &session.config.root.module.variables {
        let v = match given.get(name) {
            Some(v) => v.clone(),
            None => match var.default.as_ref().and_then(|d| cx.constant_value(d)) {
                Some(v) => infra_value::convert::convert(&v, &var.ty).unwrap_or(v),
                None => continue,
            },
        };
        out.insert(name.clone(), if var.sensitive { v.mark_sensitive() } else { v });
    }
    out
}

struct Cx<'a> {
    session: &'a Session,
    sources: &'a SourceMap,
    config: &'a Config,
}

/// `module.a.module.b` for a module path, empty for the root (Terraform's `Module.String()`).
fn module_addr(path: &[String]) -> String {
    path.iter().map(|p| format!("module.{p}")).collect::<Vec<_>>().join(".")
}

/// `opaqueProviderKey`.
fn provider_key(local: &str, module: &str) -> String {
    if module.is_empty() {
        local.to_string()
    } else {
        format!("{module}:{local}")
    }
}

impl Cx<'_> {
    /// The full name of a provider local name in a module (`registry.terraform.io/hashicorp/x`).
    fn full_name(&self, node: &ModuleNode, local: &str) -> String {
        if local == "terraform" {
            return "terraform.io/builtin/terraform".into();
        }
        match node.module.required_providers.get(local) {
            Some(r) => {
                let s = r.source.trim();
                match s.split('/').count() {
                    1 => format!("registry.terraform.io/hashicorp/{s}"),
                    2 => format!("registry.terraform.io/{s}"),
                    _ => s.to_string(),
                }
                .to_lowercase()
            }
            None => format!("registry.terraform.io/hashicorp/{local}"),
        }
    }

    /// The providers of the root module and of child modules that configure their own; a child
    /// module that inherits a provider uses the root's key, as Terraform resolves it.
    fn provider_configs(&self, node: &ModuleNode, out: &mut Map<String, Json>) {
        let module = module_addr(&node.path);
        let add = |local: &str, alias: Option<&str>, body: Option<&Body>, out: &mut Map<String, Json>| {
            let key = provider_key(&alias.map_or_else(|| local.to_string(), |a| format!("{local}.{a}")), &module);
            if out.contains_key(&key) {
                return;
            }
            let full = self.full_name(node, local);
            if !node.path.is_empty() && body.is_none() && out.get(local).and_then(|p| p["full_name"].as_str()) == Some(full.as_str()) {
                return;
            }
            let mut p = Map::new();
            p.insert("name".into(), json!(local));
            p.insert("full_name".into(), json!(full));
            if let Some(a) = alias {
                p.insert("alias".into(), json!(a));
            }
            if !module.is_empty() {
                p.insert("module_address".into(), json!(module));
            }
            if let Some(v) = node.module.required_providers.get(local).and_then(|r| r.version.clone()) {
                p.insert("version_constraint".into(), json!(v));
            }
            if let Some(b) = body {
                let schema = self.session.providers.builtin_names().contains(&local).then(|| self.session.providers.entry(local, None).schema.provider.clone());
                let e = self.expressions(b, schema.as_ref());
                if !e.is_empty() {
                    p.insert("expressions".into(), Json::Object(e));
                }
            }
            out.insert(key, Json::Object(p));
        };
        for pc in &node.module.providers {
            add(&pc.name, pc.alias.as_deref(), Some(&pc.body), out);
        }
        for r in node.module.resources.values() {
            let local = if r.key.ty == "terraform_data" { "terraform".to_string() } else { r.provider_local_name() };
            let alias = r.provider.as_ref().and_then(|(_, a, _)| a.clone());
            add(&local, alias.as_deref(), None, out);
        }
        for child in node.children.values() {
            self.provider_configs(child, out);
        }
    }

    /// The key a resource's provider configuration has in `provider_config`.
    fn resource_provider_key(&self, node: &ModuleNode, local: &str, alias: Option<&str>) -> String {
        let name = alias.map_or_else(|| local.to_string(), |a| format!("{local}.{a}"));
        let own = node.module.providers.iter().any(|p| p.name == local && p.alias.as_deref() == alias);
        if node.path.is_empty() || own {
            return provider_key(&name, &module_addr(&node.path));
        }
        let root = self.config.module(&[]).map(|r| self.full_name(r, local));
        if root.as_deref() == Some(self.full_name(node, local).as_str()) {
            name
        } else {
            provider_key(&name, &module_addr(&node.path))
        }
    }

    fn module(&self, node: &ModuleNode) -> Json {
        let m = &node.module;
        let mut out = Map::new();
        if !m.outputs.is_empty() {
            let outputs: Map<String, Json> = m
                .outputs
                .values()
                .map(|o| {
                    let mut e = Map::new();
                    if o.sensitive {
                        e.insert("sensitive".into(), json!(true));
                    }
                    e.insert("expression".into(), self.expression(&o.expr));
                    if let Some(d) = o.description.as_ref().filter(|d| !d.is_empty()) {
                        e.insert("description".into(), json!(d));
                    }
                    let deps = depends_on(&o.depends_on);
                    if !deps.is_empty() {
                        e.insert("depends_on".into(), json!(deps));
                    }
                    (o.name.clone(), Json::Object(e))
                })
                .collect();
            out.insert("outputs".into(), Json::Object(outputs));
        }
        let mut resources: Vec<(String, Json)> = m
            .resources
            .values()
            .map(|r| {
                let mut e = Map::new();
                let address = r.key.to_string();
                e.insert("address".into(), json!(address));
                e.insert("mode".into(), json!(if r.key.mode == Mode::Managed { "managed" } else { "data" }));
                e.insert("type".into(), json!(r.key.ty));
                e.insert("name".into(), json!(r.key.name));
                let local = if r.key.ty == "terraform_data" { "terraform".to_string() } else { r.provider_local_name() };
                let alias = r.provider.as_ref().and_then(|(_, a, _)| a.clone());
                e.insert("provider_config_key".into(), json!(self.resource_provider_key(node, &local, alias.as_deref())));
                let schema = self.session.providers.schema_for_type(r.key.mode == Mode::Data, &r.key.ty).and_then(|s| {
                    let set = if r.key.mode == Mode::Data { &s.data_sources } else { &s.resources };
                    set.get(&r.key.ty).map(|rs| (rs.version, rs.block.clone()))
                });
                e.insert("expressions".into(), Json::Object(self.expressions(&r.body, schema.as_ref().map(|s| &s.1))));
                e.insert("schema_version".into(), json!(schema.as_ref().map_or(0, |s| s.0)));
                self.repetition(&mut e, r.count.as_ref(), r.for_each.as_ref());
                let deps = depends_on(&r.depends_on);
                if !deps.is_empty() {
                    e.insert("depends_on".into(), json!(deps));
                }
                (address, Json::Object(e))
            })
            .collect();
        resources.sort_by(|a, b| a.0.cmp(&b.0));
        if !resources.is_empty() {
            out.insert("resources".into(), Json::Array(resources.into_iter().map(|(_, r)| r).collect()));
        }
        if !m.module_calls.is_empty() {
            let calls: Map<String, Json> = m
                .module_calls
                .values()
                .map(|c| {
                    let mut e = Map::new();
                    e.insert("source".into(), json!(c.source));
                    let inputs: Map<String, Json> = c.inputs.values().map(|a| (a.name.clone(), self.expression(&a.expr))).collect();
                    if !inputs.is_empty() {
                        e.insert("expressions".into(), Json::Object(inputs));
                    }
                    self.repetition(&mut e, c.count.as_ref(), c.for_each.as_ref());
                    if let Some(child) = node.children.get(&c.name) {
                        e.insert("module".into(), self.module(child));
                    }
                    if let Some(v) = &c.version {
                        e.insert("version_constraint".into(), json!(v));
                    }
                    let deps = depends_on(&c.depends_on);
                    if !deps.is_empty() {
                        e.insert("depends_on".into(), json!(deps));
                    }
                    (c.name.clone(), Json::Object(e))
                })
                .collect();
            out.insert("module_calls".into(), Json::Object(calls));
        }
        if !m.variables.is_empty() {
            let vars: Map<String, Json> = m
                .variables
                .values()
                .map(|v| {
                    let mut e = Map::new();
                    if let Some(d) = &v.default {
                        if let Some(c) = self.constant(d) {
                            // Terraform prints a sensitive variable's default in clear; infra
                            // never prints a sensitive value, so it is `null` here.
                            e.insert("default".into(), if v.sensitive { Json::Null } else { c });
                        }
                    }
                    if let Some(d) = v.description.as_ref().filter(|d| !d.is_empty()) {
                        e.insert("description".into(), json!(d));
                    }
                    if v.sensitive {
                        e.insert("sensitive".into(), json!(true));
                    }
                    (v.name.clone(), Json::Object(e))
                })
                .collect();
            out.insert("variables".into(), Json::Object(vars));
        }
        Json::Object(out)
    }

    /// `marshalExpressions`: attributes as expressions, nested blocks by their nesting mode.
    /// Without a schema, nested blocks are lists. `dynamic` blocks are left out, as Terraform does.
    fn expressions(&self, body: &Body, schema: Option<&Block>) -> Map<String, Json> {
        let mut out = Map::new();
        for (name, a) in &body.attrs {
            out.insert(name.clone(), self.expression(&a.expr));
        }
        for b in &body.blocks {
            let nested = schema.and_then(|s| s.block_types.get(&b.ty));
            if schema.is_some() && nested.is_none() {
                continue;
            }
            let e = Json::Object(self.expressions(&b.body, nested.map(|n| &n.block)));
            match nested.map(|n| n.nesting) {
                Some(Nesting::Single | Nesting::Group) => {
                    out.insert(b.ty.clone(), e);
                }
                Some(Nesting::Map) => {
                    let entry = out.entry(b.ty.clone()).or_insert_with(|| json!({}));
                    if let (Json::Object(m), Some(label)) = (entry, b.labels.first()) {
                        m.insert(label.clone(), e);
                    }
                }
                _ => {
                    let entry = out.entry(b.ty.clone()).or_insert_with(|| json!([]));
                    if let Json::Array(v) = entry {
                        v.push(e);
                    }
                }
            }
        }
        out
    }

    /// `count_expression`, else `for_each_expression`, each only when not empty (an expression
    /// with neither a constant value nor references, like `toset([...])`, is left out).
    fn repetition(&self, e: &mut Map<String, Json>, count: Option<&Expr>, for_each: Option<&Expr>) {
        let non_empty = |x: Json| x.as_object().is_some_and(|m| !m.is_empty()).then_some(x);
        if let Some(c) = count.map(|c| self.expression(c)).and_then(non_empty) {
            e.insert("count_expression".into(), c);
        } else if let Some(f) = for_each.map(|f| self.expression(f)).and_then(non_empty) {
            e.insert("for_each_expression".into(), f);
        }
    }

    /// `marshalExpression`.
    fn expression(&self, e: &Expr) -> Json {
        let mut out = Map::new();
        if let Some(c) = self.constant(e) {
            out.insert("constant_value".into(), c);
        }
        let refs = references(e);
        if !refs.is_empty() {
            out.insert("references".into(), json!(refs));
        }
        Json::Object(out)
    }

    /// The value of an expression that needs no variables and no functions (what HCL evaluates
    /// with a nil context), when wholly known.
    fn constant(&self, e: &Expr) -> Option<Json> {
        let v = self.constant_value(e)?;
        let (v, _) = v.unmark_deep();
        Some(value_to_json(&v))
    }

    fn constant_value(&self, e: &Expr) -> Option<Value> {
        if !is_constant(e) {
            return None;
        }
        let scope = NoScope(infra_functions::FuncContext { base_dir: self.config.root_dir.clone(), plan_timestamp: String::new(), planning: true });
        let mut ev = Evaluator::new(&scope, self.sources);
        let v = ev.eval(e);
        if ev.has_errors() || !v.is_wholly_known() {
            return None;
        }
        Some(v)
    }
}

struct NoScope(infra_functions::FuncContext);

impl Scope for NoScope {
    fn resolve(&self, root: &str, _steps: &[Step], _span: Span) -> Result<(Value, usize), Diagnostic> {
        Err(Diagnostic::error("Variables not allowed", format!("no variables here ({root})")))
    }
    fn func_context(&self) -> &infra_functions::FuncContext {
        &self.0
    }
}

/// Whether an expression uses no references, function calls or `for` expressions.
fn is_constant(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Literal(_) => true,
        ExprKind::Template(parts) => parts.iter().all(part_constant),
        ExprKind::TemplateWrap(x) | ExprKind::Parens(x) => is_constant(x),
        ExprKind::Tuple(xs) => xs.iter().all(is_constant),
        ExprKind::Object(kvs) => kvs.iter().all(|(k, v)| is_constant(k) && is_constant(v)),
        ExprKind::Unary { operand, .. } => is_constant(operand),
        ExprKind::Binary { lhs, rhs, .. } => is_constant(lhs) && is_constant(rhs),
        ExprKind::Conditional { cond, then, otherwise } => is_constant(cond) && is_constant(then) && is_constant(otherwise),
        ExprKind::Relative { source, steps } => is_constant(source) && steps.iter().all(|s| !matches!(s, Step::Index(x, _) if !is_constant(x))),
        ExprKind::Traversal { .. } | ExprKind::Call { .. } | ExprKind::For(_) => false,
    }
}

fn part_constant(p: &TemplatePart) -> bool {
    match p {
        TemplatePart::Literal(_) => true,
        TemplatePart::Interp(x) => is_constant(x),
        TemplatePart::If { cond, then, otherwise, .. } => is_constant(cond) && then.iter().all(part_constant) && otherwise.iter().all(part_constant),
        TemplatePart::For { .. } => false,
    }
}

/// `depends_on` entries as reference subjects (`terraform_data.a`, `module.m`).
fn depends_on(exprs: &[Expr]) -> Vec<String> {
    exprs.iter().filter_map(|e| references(e).last().cloned()).collect()
}

/// A static traversal step as Terraform prints it: `.name`, `[0]`, `["key"]`.
enum StaticStep {
    Attr(String),
    Index(Value),
}

impl StaticStep {
    fn text(&self) -> String {
        match self {
            StaticStep::Attr(a) => format!(".{a}"),
            StaticStep::Index(v) => match v.kind() {
                Kind::String(s) => format!("[{}]", serde_json::to_string(&**s).unwrap_or_default()),
                Kind::Number(n) => format!("[{n}]"),
                _ => String::new(),
            },
        }
    }
    fn name(&self) -> Option<&str> {
        match self {
            StaticStep::Attr(a) => Some(a),
            StaticStep::Index(v) => v.as_str(),
        }
    }
    fn is_key(&self) -> bool {
        matches!(self, StaticStep::Index(_))
    }
}

/// The references of an expression as `marshalExpression` lists them: for each reference, the
/// full static traversal, then each shorter prefix down to the referenced object, then the
/// containing resource or module call where Terraform adds it.
pub fn references(e: &Expr) -> Vec<String> {
    let mut out = Vec::new();
    infra_engine::lang::refs::visit_traversals(e, &mut |root, _, steps| traversal_refs(root, steps, &mut out));
    out
}

/// The references one traversal contributes (`addrs.ParseRef` + `marshalExpression`).
fn traversal_refs(root: &str, steps: &[Step], out: &mut Vec<String>) {
    // The static part of the traversal: attributes and literal indexes, up to a splat or a
    // computed index.
    let mut st: Vec<StaticStep> = Vec::new();
    for s in steps {
        match s {
            Step::Attr(a, _) => st.push(StaticStep::Attr(a.to_string())),
            Step::Index(x, _) => match &x.kind {
                ExprKind::Literal(v) if matches!(v.kind(), Kind::String(_) | Kind::Number(_)) => st.push(StaticStep::Index(v.clone())),
                _ => break,
            },
            Step::Splat(_) | Step::AttrSplat(_) => break,
        }
    }
    let attr_at = |i: usize| st.get(i).and_then(|s| if s.is_key() { None } else { s.name() });
    // (subject length in steps, extra containing address)
    let (len, extra): (usize, Option<String>) = match root {
        "var" | "local" | "path" | "terraform" | "count" | "each" => match attr_at(0) {
            Some(_) => (1, None),
            None => return,
        },
        "self" => (0, None),
        "module" => {
            let Some(name) = attr_at(0) else { return };
            let call = format!("module.{name}");
            let keyed = st.get(1).is_some_and(StaticStep::is_key);
            let out_at = if keyed { 2 } else { 1 };
            match st.get(out_at) {
                Some(StaticStep::Attr(_)) => (out_at + 1, Some(call)),
                _ if keyed => (2, Some(call)),
                _ => (1, None),
            }
        }
        "data" => {
            if attr_at(0).is_none() || attr_at(1).is_none() {
                return;
            }
            let resource = format!("data.{}.{}", attr_at(0).unwrap_or_default(), attr_at(1).unwrap_or_default());
            if st.get(2).is_some_and(StaticStep::is_key) {
                (3, Some(resource))
            } else {
                (2, None)
            }
        }
        "resource" | "ephemeral" | "count_index" => return,
        ty => {
            let Some(name) = attr_at(0) else { return };
            if st.get(1).is_some_and(StaticStep::is_key) {
                (2, Some(format!("{ty}.{name}")))
            } else {
                (1, None)
            }
        }
    };
    let subject: String = std::iter::once(root.to_string()).chain(st[..len.min(st.len())].iter().map(StaticStep::text)).collect();
    for end in (len + 1..=st.len()).rev() {
        let rest: String = st[len..end].iter().map(StaticStep::text).collect();
        out.push(format!("{subject}{rest}"));
    }
    out.push(subject);
    if let Some(x) = extra {
        out.push(x);
    }
}

/// Terraform's `relevant_attributes`: the resource attributes that the plan's changes depend
/// on — those referenced, directly or through locals, module inputs and module outputs, by the
/// configuration of every changing resource, every changing root output and every module
/// output. Consumers use it to tell which drift matters. Instances of keyed modules are
/// reported by their module call (`module.m.x`, not `module.m[0].x`).
pub fn relevant_attributes(session: &Session, plan: &infra_engine::plan::Plan) -> Json {
    use infra_engine::plan::Action;
    let mut r = Relevant { config: &session.config, seen: std::collections::HashSet::new(), out: Vec::new() };
    for c in &plan.changes {
        if c.action == Action::NoOp {
            continue;
        }
        let path = c.addr.resource.module.config_path();
        let Some(node) = session.config.module(&path) else { continue };
        let Some(res) = node.module.resources.get(&c.addr.resource.resource) else { continue };
        let node = node.clone();
        for e in res.count.iter().chain(res.for_each.iter()) {
            r.expr(&node, e);
        }
        r.body(&node, &res.body);
    }
    let root = session.config.root.clone();
    for o in &plan.outputs {
        if o.action == Action::NoOp {
            continue;
        }
        if let Some(out) = root.module.outputs.get(&o.name) {
            r.expr(&root, &out.expr);
        }
    }
    fn module_outputs(r: &mut Relevant<'_>, node: &Arc<ModuleNode>) {
        for child in node.children.values() {
            for o in child.module.outputs.values() {
                r.expr(child, &o.expr);
            }
            module_outputs(r, child);
        }
    }
    module_outputs(&mut r, &root);
    Json::Array(r.out.into_iter().map(|(resource, attribute)| json!({"resource": resource, "attribute": attribute})).collect())
}

struct Relevant<'a> {
    config: &'a Config,
    /// (module path, "local.x" / "var.x" / "output.x") already followed.
    seen: std::collections::HashSet<(Vec<String>, String)>,
    out: Vec<(String, Vec<Json>)>,
}

impl Relevant<'_> {
    fn body(&mut self, node: &Arc<ModuleNode>, body: &Body) {
        for a in body.attrs.values() {
            self.expr(node, &a.expr);
        }
        for b in &body.blocks {
            self.body(node, &b.body);
        }
    }

    fn follow(&mut self, node: &Arc<ModuleNode>, what: String) -> bool {
        self.seen.insert((node.path.clone(), what))
    }

    fn expr(&mut self, node: &Arc<ModuleNode>, e: &Expr) {
        let mut traversals: Vec<(String, Vec<StaticStep>)> = Vec::new();
        collect_traversals(e, &mut Vec::new(), &mut traversals);
        for (root, st) in traversals {
            let attr = |i: usize| st.get(i).and_then(|s| if s.is_key() { None } else { s.name().map(String::from) });
            match root.as_str() {
                "local" => {
                    let Some(name) = attr(0) else { continue };
                    if self.follow(node, format!("local.{name}")) {
                        if let Some(l) = node.module.locals.get(&name) {
                            self.expr(node, &l.expr);
                        }
                    }
                }
                "var" => {
                    let Some(name) = attr(0) else { continue };
                    let Some((call, parent_path)) = node.path.split_last() else { continue };
                    if !self.follow(node, format!("var.{name}")) {
                        continue;
                    }
                    let Some(parent) = self.config.module(parent_path).cloned() else { continue };
                    if let Some(input) = parent.module.module_calls.get(call).and_then(|c| c.inputs.get(&name)) {
                        let x = input.expr.clone();
                        self.expr(&parent, &x);
                    }
                }
                "module" => {
                    let Some(name) = attr(0) else { continue };
                    let Some(child) = node.children.get(&name).cloned() else { continue };
                    let out_at = if st.get(1).is_some_and(StaticStep::is_key) { 2 } else { 1 };
                    let outputs: Vec<String> = match st.get(out_at) {
                        Some(StaticStep::Attr(o)) => vec![o.clone()],
                        _ => child.module.outputs.keys().cloned().collect(),
                    };
                    for o in outputs {
                        if self.follow(&child, format!("output.{o}")) {
                            if let Some(out) = child.module.outputs.get(&o) {
                                let x = out.expr.clone();
                                self.expr(&child, &x);
                            }
                        }
                    }
                }
                "count" | "each" | "path" | "terraform" | "self" | "resource" | "ephemeral" | "count_index" => {}
                ty => {
                    let (prefix, skip) = if ty == "data" {
                        let (Some(t), Some(n)) = (attr(0), attr(1)) else { continue };
                        (format!("data.{t}.{n}"), 2)
                    } else {
                        let Some(n) = attr(0) else { continue };
                        (format!("{ty}.{n}"), 1)
                    };
                    let mut resource = module_addr(&node.path);
                    if !resource.is_empty() {
                        resource.push('.');
                    }
                    resource.push_str(&prefix);
                    let mut rest = &st[skip.min(st.len())..];
                    if let Some(k) = rest.first().filter(|s| s.is_key()) {
                        resource.push_str(&k.text());
                        rest = &rest[1..];
                    }
                    let attribute: Vec<Json> = rest
                        .iter()
                        .map(|s| match s {
                            StaticStep::Attr(a) => json!(a),
                            StaticStep::Index(v) => match v.kind() {
                                Kind::Number(n) => infra_value::json::number_to_json(n),
                                _ => json!(v.as_str().unwrap_or_default()),
                            },
                        })
                        .collect();
                    let entry = (resource, attribute);
                    if !self.out.contains(&entry) {
                        self.out.push(entry);
                    }
                }
            }
        }
    }
}

/// Every traversal of an expression (roots not bound by `for`), with its static steps.
fn collect_traversals(e: &Expr, bound: &mut Vec<Arc<str>>, out: &mut Vec<(String, Vec<StaticStep>)>) {
    let mut visit = |x: &Expr, bound: &mut Vec<Arc<str>>| collect_traversals(x, bound, out);
    match &e.kind {
        ExprKind::Traversal { root, steps, .. } => {
            if !bound.iter().any(|b| b == root) {
                visit_steps_static(root, steps, out);
            }
            for s in steps {
                if let Step::Index(x, _) = s {
                    collect_traversals(x, bound, out);
                }
            }
        }
        _ => {
            // Reuse the reference walker's structure: children in source order, `for` bindings.
            for_each_child(e, bound, &mut visit);
        }
    }
}

fn visit_steps_static(root: &str, steps: &[Step], out: &mut Vec<(String, Vec<StaticStep>)>) {
    let mut st = Vec::new();
    for s in steps {
        match s {
            Step::Attr(a, _) => st.push(StaticStep::Attr(a.to_string())),
            Step::Index(x, _) => match &x.kind {
                ExprKind::Literal(v) if matches!(v.kind(), Kind::String(_) | Kind::Number(_)) => st.push(StaticStep::Index(v.clone())),
                _ => break,
            },
            Step::Splat(_) | Step::AttrSplat(_) => break,
        }
    }
    out.push((root.to_string(), st));
}

/// Calls `f` on each direct child expression of `e` (not a traversal), binding `for` symbols.
fn for_each_child(e: &Expr, bound: &mut Vec<Arc<str>>, f: &mut dyn FnMut(&Expr, &mut Vec<Arc<str>>)) {
    match &e.kind {
        ExprKind::Literal(_) | ExprKind::Traversal { .. } => {}
        ExprKind::Template(parts) => parts_children(parts, bound, f),
        ExprKind::TemplateWrap(x) | ExprKind::Parens(x) => f(x, bound),
        ExprKind::Tuple(xs) => xs.iter().for_each(|x| f(x, bound)),
        ExprKind::Object(kvs) => kvs.iter().for_each(|(k, v)| {
            f(k, bound);
            f(v, bound)
        }),
        ExprKind::Relative { source, steps } => {
            f(source, bound);
            for s in steps {
                if let Step::Index(x, _) = s {
                    f(x, bound);
                }
            }
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|x| f(x, bound)),
        ExprKind::Unary { operand, .. } => f(operand, bound),
        ExprKind::Binary { lhs, rhs, .. } => {
            f(lhs, bound);
            f(rhs, bound)
        }
        ExprKind::Conditional { cond, then, otherwise } => {
            f(cond, bound);
            f(then, bound);
            f(otherwise, bound)
        }
        ExprKind::For(fx) => {
            f(&fx.collection, bound);
            let n = bound.len();
            if let Some(k) = &fx.key_var {
                bound.push(k.clone());
            }
            bound.push(fx.value_var.clone());
            if let Some(k) = &fx.key {
                f(k, bound);
            }
            f(&fx.value, bound);
            if let Some(c) = &fx.cond {
                f(c, bound);
            }
            bound.truncate(n);
        }
    }
}

fn parts_children(parts: &[TemplatePart], bound: &mut Vec<Arc<str>>, f: &mut dyn FnMut(&Expr, &mut Vec<Arc<str>>)) {
    for p in parts {
        match p {
            TemplatePart::Literal(_) => {}
            TemplatePart::Interp(x) => f(x, bound),
            TemplatePart::If { cond, then, otherwise, .. } => {
                f(cond, bound);
                parts_children(then, bound, f);
                parts_children(otherwise, bound, f);
            }
            TemplatePart::For { key_var, value_var, collection, body, .. } => {
                f(collection, bound);
                let n = bound.len();
                if let Some(k) = key_var {
                    bound.push(k.clone());
                }
                bound.push(value_var.clone());
                parts_children(body, bound, f);
                bound.truncate(n);
            }
        }
    }
}
