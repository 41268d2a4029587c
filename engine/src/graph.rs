//! The dependency graph of configuration objects, built once per run:
//!
//! 1. one node per variable, local, output, resource/data block and module call, per module in
//!    the tree (instances of a node are expanded when the walk reaches it);
//! 2. an edge from every node to each node its expressions reference (`var.x`, `local.y`,
//!    `aws_instance.z`, `module.m.out`) and to its `depends_on` targets;
//! 3. every node inside a called module depends on that call's expansion node (its
//!    `count`/`for_each`), and each of the module's input variables on the argument expression
//!    in the calling module.
//!
//! A cycle is a diagnostic naming every address on it. References to undeclared objects are
//! diagnostics too, so graph building doubles as static reference validation.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use infra_value::Diagnostic;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::config::tree::{Config, ModuleNode};
use crate::config::{Mode, ResourceKey};
use crate::lang::ast::Expr;
use crate::lang::refs::{references, RefTarget};
use crate::source::{SourceMap, Span};

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum NodeKind {
    Variable(String),
    Local(String),
    Output(String),
    Resource(ResourceKey),
    /// Expansion (count/for_each) of a module call in this module.
    ModuleCall(String),
}

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Node {
    /// Config path of the module the object is declared in.
    pub module: Vec<String>,
    pub kind: NodeKind,
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for m in &self.module {
            write!(f, "module.{m}.")?;
        }
        match &self.kind {
            NodeKind::Variable(n) => write!(f, "var.{n}"),
            NodeKind::Local(n) => write!(f, "local.{n}"),
            NodeKind::Output(n) => write!(f, "output.{n}"),
            NodeKind::Resource(k) => write!(f, "{k}"),
            NodeKind::ModuleCall(n) => write!(f, "module.{n}"),
        }
    }
}

pub struct Graph {
    pub graph: DiGraph<Node, ()>,
    pub index: HashMap<Node, NodeIndex>,
    /// Nodes in an order where dependencies come first (empty if there is a cycle).
    pub order: Vec<NodeIndex>,
    /// Resources whose configuration refers to themselves: valid to `validate` (the value is
    /// unknown), an error when planning, as in Terraform.
    pub self_refs: Vec<(String, Span)>,
}

impl Graph {
    /// Direct dependencies of a node (edges point from dependent to dependency).
    pub fn dependencies(&self, n: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
        self.graph.neighbors_directed(n, petgraph::Direction::Outgoing)
    }
    pub fn dependents(&self, n: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
        self.graph.neighbors_directed(n, petgraph::Direction::Incoming)
    }

    /// DOT rendering for `infra graph`.
    pub fn to_dot(&self) -> String {
        let mut lines = Vec::new();
        for e in self.graph.edge_indices() {
            if let Some((a, b)) = self.graph.edge_endpoints(e) {
                lines.push(format!("\t\t\"{}\" -> \"{}\"", self.graph[a], self.graph[b]));
            }
        }
        lines.sort();
        let mut nodes: Vec<String> = self.graph.node_indices().map(|n| format!("\t\t\"{}\" [label=\"{}\"]", self.graph[n], self.graph[n])).collect();
        nodes.sort();
        format!("digraph {{\n\tcompound = \"true\"\n\tnewrank = \"true\"\n\tsubgraph \"root\" {{\n{}\n{}\n\t}}\n}}\n", nodes.join("\n"), lines.join("\n"))
    }
}

struct Builder<'a> {
    sources: &'a SourceMap,
    diags: Vec<Diagnostic>,
    graph: DiGraph<Node, ()>,
    index: HashMap<Node, NodeIndex>,
    validating_variable: bool,
    self_refs: Vec<(String, Span)>,
}

pub fn build(config: &Config, sources: &SourceMap) -> (Graph, Vec<Diagnostic>) {
    let mut b = Builder { sources, diags: Vec::new(), graph: DiGraph::new(), index: HashMap::new(), validating_variable: false, self_refs: Vec::new() };
    // Step 1: nodes.
    for m in config.all_modules() {
        let path = m.path.clone();
        for n in m.module.variables.keys() {
            b.node(&path, NodeKind::Variable(n.clone()));
        }
        for n in m.module.locals.keys() {
            b.node(&path, NodeKind::Local(n.clone()));
        }
        for n in m.module.outputs.keys() {
            b.node(&path, NodeKind::Output(n.clone()));
        }
        for k in m.module.resources.keys() {
            b.node(&path, NodeKind::Resource(k.clone()));
        }
        for n in m.module.module_calls.keys() {
            b.node(&path, NodeKind::ModuleCall(n.clone()));
        }
    }
    // Step 2 and 3: edges.
    for m in config.all_modules() {
        b.edges_for_module(m);
    }
    let Builder { graph, index, mut diags, self_refs, .. } = b;
    let order = match petgraph::algo::toposort(&graph, None) {
        Ok(mut o) => {
            // toposort puts dependents first along our edge direction; reverse it.
            o.reverse();
            o
        }
        Err(_) => {
            for scc in petgraph::algo::tarjan_scc(&graph) {
                let is_cycle = scc.len() > 1 || scc.first().map(|n| graph.contains_edge(*n, *n)).unwrap_or(false);
                if is_cycle {
                    // Terraform names non-resource nodes by their expansion step.
                    let mut names: Vec<String> = scc
                        .iter()
                        .map(|n| match graph[*n].kind {
                            NodeKind::Resource(_) => graph[*n].to_string(),
                            _ => format!("{} (expand)", graph[*n]),
                        })
                        .collect();
                    names.sort();
                    diags.push(Diagnostic::error(format!("Cycle: {}", names.join(", ")), ""));
                }
            }
            Vec::new()
        }
    };
    (Graph { graph, index, order, self_refs }, diags)
}

impl<'a> Builder<'a> {
    fn node(&mut self, module: &[String], kind: NodeKind) -> NodeIndex {
        let n = Node { module: module.to_vec(), kind };
        if let Some(i) = self.index.get(&n) {
            return *i;
        }
        let i = self.graph.add_node(n.clone());
        self.index.insert(n, i);
        i
    }

    fn edge(&mut self, from: NodeIndex, to: NodeIndex) {
        if !self.graph.contains_edge(from, to) {
            self.graph.add_edge(from, to, ());
        }
    }

    fn err(&mut self, span: Span, summary: &str, detail: String) {
        self.diags.push(Diagnostic::error(summary, detail).with_subject_opt(self.sources.range(span)));
    }

    fn module_desc(path: &[String]) -> String {
        if path.is_empty() {
            "the root module".to_string()
        } else {
            format!("module.{}", path.join(".module."))
        }
    }

    /// Adds edges from `from` to every object `expr` references within module `m`.
    fn refs(&mut self, from: NodeIndex, m: &ModuleNode, expr: &Expr, allow_self: bool) {
        for r in references(expr) {
            let target = match &r.target {
                RefTarget::Var(n) => {
                    if !m.module.variables.contains_key(&**n) {
                        self.err(
                            r.span,
                            "Reference to undeclared input variable",
                            format!("An input variable with the name {n:?} has not been declared. This variable can be declared with a variable {n:?} {{}} block."),
                        );
                        continue;
                    }
                    NodeKind::Variable(n.to_string())
                }
                RefTarget::Local(n) => {
                    if !m.module.locals.contains_key(&**n) {
                        self.err(r.span, "Reference to undeclared local value", format!("A local value with the name {n:?} has not been declared."));
                        continue;
                    }
                    NodeKind::Local(n.to_string())
                }
                RefTarget::Resource { data, ty, name } => {
                    let key = ResourceKey { mode: if *data { Mode::Data } else { Mode::Managed }, ty: ty.to_string(), name: name.to_string() };
                    if !m.module.resources.contains_key(&key) {
                        let what = if *data { "data resource" } else { "managed resource" };
                        self.err(
                            r.span,
                            "Reference to undeclared resource",
                            format!("A {what} {ty:?} {name:?} has not been declared in {}.", Self::module_desc(&m.path)),
                        );
                        continue;
                    }
                    NodeKind::Resource(key)
                }
                RefTarget::Module { name, output } => {
                    let Some(child) = m.children.get(&**name) else {
                        if !m.module.module_calls.contains_key(&**name) {
                            self.err(
                                r.span,
                                "Reference to undeclared module",
                                format!("No module call named {name:?} is declared in {}.", Self::module_desc(&m.path)),
                            );
                        }
                        continue;
                    };
                    let mut child_path = m.path.clone();
                    child_path.push(name.to_string());
                    match output {
                        Some(o) => {
                            if !child.module.outputs.contains_key(&**o) {
                                self.err(
                                    r.output_span.unwrap_or(r.span),
                                    "Unsupported attribute",
                                    format!("This object does not have an attribute named {o:?}."),
                                );
                                continue;
                            }
                            let t = self.node(&child_path, NodeKind::Output(o.to_string()));
                            self.edge(from, t);
                        }
                        None => {
                            let outs: Vec<String> = child.module.outputs.keys().cloned().collect();
                            for o in outs {
                                let t = self.node(&child_path, NodeKind::Output(o));
                                self.edge(from, t);
                            }
                        }
                    }
                    let t = self.node(&m.path, NodeKind::ModuleCall(name.to_string()));
                    self.edge(from, t);
                    continue;
                }
                RefTarget::SelfRef => {
                    if !allow_self {
                        self.err(r.span, "Invalid \"self\" reference", "The \"self\" object is not available in this context. This object can be used only in resource provisioner, connection, and postcondition blocks.".to_string());
                    }
                    continue;
                }
                RefTarget::Invalid { root, message } => {
                    let summary = match &**root {
                        "count" | "each" | "path" | "terraform" => format!("Invalid \"{root}\" attribute"),
                        _ => "Invalid reference".to_string(),
                    };
                    self.err(r.span, &summary, message.clone());
                    continue;
                }
                RefTarget::CountIndex | RefTarget::EachKey | RefTarget::EachValue | RefTarget::Path(_) | RefTarget::Terraform(_) => continue,
            };
            let t = self.node(&m.path, target);
            if t == from && self.validating_variable {
                // A variable's validation rules refer to the variable itself.
                continue;
            }
            if t == from {
                let what = self.graph[from].to_string();
                match &self.graph[from].kind {
                    NodeKind::Local(_) => self.err(
                        r.span,
                        "Self-referencing local value",
                        format!("Local value {what} cannot use its own result as part of its expression."),
                    ),
                    NodeKind::Resource(_) => self.self_refs.push((what, r.span)),
                    _ => self.err(r.span, "Self-referential block", format!("Configuration for {what} may not refer to itself.")),
                }
                continue;
            }
            self.edge(from, t);
        }
    }

    fn depends_on(&mut self, from: NodeIndex, m: &ModuleNode, exprs: &[Expr]) {
        for e in exprs {
            self.refs(from, m, e, false);
        }
    }

    fn edges_for_module(&mut self, m: &ModuleNode) {
        let path = m.path.clone();
        let module = &m.module;
        // Everything inside a called module waits for the call's expansion.
        let parent_call = if path.is_empty() {
            None
        } else {
            let parent = path[..path.len() - 1].to_vec();
            Some(self.node(&parent, NodeKind::ModuleCall(path[path.len() - 1].clone())))
        };
        let mut own: Vec<NodeIndex> = Vec::new();
        for (n, v) in &module.variables {
            let i = self.node(&path, NodeKind::Variable(n.clone()));
            own.push(i);
            self.validating_variable = true;
            for rule in &v.validations {
                // Validation conditions may refer to the variable itself (always) and to other
                // objects (Terraform 1.9+); edges make both work.
                self.refs(i, m, &rule.condition, false);
                self.refs(i, m, &rule.error_message, false);
            }
            self.validating_variable = false;
            if let Some(d) = &v.default {
                self.refs(i, m, d, false);
            }
        }
        for (n, l) in &module.locals {
            let i = self.node(&path, NodeKind::Local(n.clone()));
            own.push(i);
            self.refs(i, m, &l.expr, false);
        }
        for (n, o) in &module.outputs {
            let i = self.node(&path, NodeKind::Output(n.clone()));
            own.push(i);
            self.refs(i, m, &o.expr, false);
            self.depends_on(i, m, &o.depends_on);
            for p in &o.preconditions {
                self.refs(i, m, &p.condition, false);
                self.refs(i, m, &p.error_message, false);
            }
        }
        for (k, r) in &module.resources {
            let i = self.node(&path, NodeKind::Resource(k.clone()));
            own.push(i);
            if let Some(c) = &r.count {
                self.refs(i, m, c, false);
            }
            if let Some(f) = &r.for_each {
                self.refs(i, m, f, false);
            }
            self.depends_on(i, m, &r.depends_on);
            for e in &r.lifecycle.replace_triggered_by {
                self.refs(i, m, e, false);
            }
            for p in r.lifecycle.preconditions.iter() {
                self.refs(i, m, &p.condition, false);
                self.refs(i, m, &p.error_message, false);
            }
            for p in r.lifecycle.postconditions.iter() {
                self.refs(i, m, &p.condition, true);
                self.refs(i, m, &p.error_message, true);
            }
            self.body_refs(i, m, &r.body);
            for pc in &module.providers {
                if pc.name == r.provider_local_name() {
                    self.body_refs(i, m, &pc.body);
                }
            }
        }
        for (n, call) in &module.module_calls {
            let i = self.node(&path, NodeKind::ModuleCall(n.clone()));
            own.push(i);
            if let Some(c) = &call.count {
                self.refs(i, m, c, false);
            }
            if let Some(f) = &call.for_each {
                self.refs(i, m, f, false);
            }
            self.depends_on(i, m, &call.depends_on);
            // Inputs: the child's variable nodes depend on the argument expressions here.
            let mut child_path = path.clone();
            child_path.push(n.clone());
            if let Some(child) = m.children.get(n) {
                for (arg, attr) in &call.inputs {
                    if !child.module.variables.contains_key(arg) {
                        self.err(
                            attr.name_span,
                            "Unsupported argument",
                            format!("An argument named {arg:?} is not expected here."),
                        );
                        continue;
                    }
                    let v = self.node(&child_path, NodeKind::Variable(arg.clone()));
                    self.edge(v, i);
                    self.refs_as(v, m, &attr.expr);
                }
                for (vn, var) in &child.module.variables {
                    if var.default.is_none() && !call.inputs.contains_key(vn) {
                        let brace = self.sources.find_after(call.span, '{').unwrap_or(call.span);
                        self.err(
                            brace,
                            "Missing required argument",
                            format!("The argument {vn:?} is required, but no definition was found."),
                        );
                    }
                }
            }
        }
        if let Some(pc) = parent_call {
            for i in own {
                self.edge(i, pc);
            }
        }
        let _: BTreeSet<()> = BTreeSet::new();
    }

    /// References from an expression evaluated in module `m` on behalf of node `from` (which
    /// may live in a child module: a module input variable).
    fn refs_as(&mut self, from: NodeIndex, m: &ModuleNode, expr: &Expr) {
        self.refs(from, m, expr, false)
    }

    fn body_refs(&mut self, from: NodeIndex, m: &ModuleNode, body: &crate::config::Body) {
        for a in body.attrs.values() {
            self.refs(from, m, &a.expr, false);
        }
        for b in &body.blocks {
            self.body_refs(from, m, &b.body);
        }
    }
}
