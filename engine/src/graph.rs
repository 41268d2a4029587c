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
    /// Nodes by identity (foldhash: hashing a node's names with the standard SipHash was a
    /// visible share of building the graph, and the walk looks nodes up here too).
    pub index: HashMap<Node, NodeIndex, foldhash::fast::RandomState>,
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

struct Builder<'c> {
    sources: &'c SourceMap,
    diags: Vec<Diagnostic>,
    graph: DiGraph<Node, ()>,
    /// Every node by an identity borrowed from the configuration (module number, kind, names).
    /// Building a [`Node`] (the module path and names, copied) and hashing it with the
    /// standard hasher for every lookup was most of the graph's cost; [`Graph::index`] is
    /// built from the graph once at the end.
    lookup: HashMap<(u32, NodeRef<'c>), NodeIndex, foldhash::fast::RandomState>,
    /// Module numbers by config path (the position in [`Config::all_modules`]).
    module_ids: HashMap<&'c [String], u32, foldhash::fast::RandomState>,
    validating_variable: bool,
    self_refs: Vec<(String, Span)>,
}

/// A [`NodeKind`] borrowing its names.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum NodeRef<'c> {
    Variable(&'c str),
    Local(&'c str),
    Output(&'c str),
    Resource(Mode, &'c str, &'c str),
    ModuleCall(&'c str),
}

impl NodeRef<'_> {
    fn to_kind(self) -> NodeKind {
        match self {
            NodeRef::Variable(n) => NodeKind::Variable(n.to_string()),
            NodeRef::Local(n) => NodeKind::Local(n.to_string()),
            NodeRef::Output(n) => NodeKind::Output(n.to_string()),
            NodeRef::Resource(mode, ty, name) => NodeKind::Resource(ResourceKey { mode, ty: ty.to_string(), name: name.to_string() }),
            NodeRef::ModuleCall(n) => NodeKind::ModuleCall(n.to_string()),
        }
    }
}

pub fn build(config: &Config, sources: &SourceMap) -> (Graph, Vec<Diagnostic>) {
    let modules = config.all_modules();
    let mut b = Builder {
        sources,
        diags: Vec::new(),
        graph: DiGraph::new(),
        lookup: HashMap::default(),
        module_ids: HashMap::default(),
        validating_variable: false,
        self_refs: Vec::new(),
    };
    let objects: usize = modules
        .iter()
        .map(|m| m.module.variables.len() + m.module.locals.len() + m.module.outputs.len() + m.module.resources.len() + m.module.module_calls.len())
        .sum();
    b.lookup.reserve(objects);
    b.graph.reserve_nodes(objects);
    for (i, m) in modules.iter().copied().enumerate() {
        b.module_ids.entry(m.path.as_slice()).or_insert(i as u32);
    }
    // Step 1: nodes.
    for m in modules.iter().copied() {
        let path = &m.path;
        for n in m.module.variables.keys() {
            b.node(path, NodeRef::Variable(n));
        }
        for n in m.module.locals.keys() {
            b.node(path, NodeRef::Local(n));
        }
        for n in m.module.outputs.keys() {
            b.node(path, NodeRef::Output(n));
        }
        for k in m.module.resources.keys() {
            b.node(path, NodeRef::Resource(k.mode, &k.ty, &k.name));
        }
        for n in m.module.module_calls.keys() {
            b.node(path, NodeRef::ModuleCall(n));
        }
    }
    // Step 2 and 3: edges.
    for m in modules.iter().copied() {
        b.edges_for_module(m);
    }
    let Builder { graph, mut diags, self_refs, .. } = b;
    let mut index: HashMap<Node, NodeIndex, foldhash::fast::RandomState> = HashMap::with_capacity_and_hasher(graph.node_count(), Default::default());
    index.extend(graph.node_indices().map(|i| (graph[i].clone(), i)));
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

impl<'c> Builder<'c> {
    /// The node of `key` in the module at `module`, added when it is not there yet.
    fn node(&mut self, module: &'c [String], key: NodeRef<'c>) -> NodeIndex {
        let id = self.module_id(module);
        if let Some(i) = self.lookup.get(&(id, key)) {
            return *i;
        }
        let i = self.graph.add_node(Node { module: module.to_vec(), kind: key.to_kind() });
        self.lookup.insert((id, key), i);
        i
    }

    /// The number of the module at `path`; a path outside the tree (not expected: every node
    /// lives in a module of the tree) gets a number of its own.
    fn module_id(&mut self, path: &'c [String]) -> u32 {
        let next = self.module_ids.len() as u32;
        *self.module_ids.entry(path).or_insert(next)
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
    fn refs(&mut self, from: NodeIndex, m: &'c ModuleNode, expr: &Expr, allow_self: bool) {
        for r in references(expr) {
            let target = match &r.target {
                RefTarget::Var(n) => {
                    let Some((n, _)) = m.module.variables.get_key_value(&**n) else {
                        self.err(
                            r.span,
                            "Reference to undeclared input variable",
                            format!("An input variable with the name {n:?} has not been declared. This variable can be declared with a variable {n:?} {{}} block."),
                        );
                        continue;
                    };
                    NodeRef::Variable(n)
                }
                RefTarget::Local(n) => {
                    let Some((n, _)) = m.module.locals.get_key_value(&**n) else {
                        self.err(r.span, "Reference to undeclared local value", format!("A local value with the name {n:?} has not been declared."));
                        continue;
                    };
                    NodeRef::Local(n)
                }
                RefTarget::Resource { data, ty, name } => {
                    // Every declared resource has its node from step 1: the node table answers
                    // whether it is declared without building a key.
                    let mode = if *data { Mode::Data } else { Mode::Managed };
                    let id = self.module_id(&m.path);
                    let found = self.lookup.get(&(id, NodeRef::Resource(mode, ty, name))).copied();
                    let Some(t) = found else {
                        let what = if *data { "data resource" } else { "managed resource" };
                        self.err(
                            r.span,
                            "Reference to undeclared resource",
                            format!("A {what} {ty:?} {name:?} has not been declared in {}.", Self::module_desc(&m.path)),
                        );
                        continue;
                    };
                    self.edge_to(from, t, r.span);
                    continue;
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
                    let child: &'c ModuleNode = child;
                    match output {
                        Some(o) => {
                            let Some((o, _)) = child.module.outputs.get_key_value(&**o) else {
                                self.err(
                                    r.output_span.unwrap_or(r.span),
                                    "Unsupported attribute",
                                    format!("This object does not have an attribute named {o:?}."),
                                );
                                continue;
                            };
                            let t = self.node(&child.path, NodeRef::Output(o));
                            self.edge(from, t);
                        }
                        None => {
                            for o in child.module.outputs.keys() {
                                let t = self.node(&child.path, NodeRef::Output(o));
                                self.edge(from, t);
                            }
                        }
                    }
                    let Some((name, _)) = m.children.get_key_value(&**name) else { continue };
                    let t = self.node(&m.path, NodeRef::ModuleCall(name));
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
            self.edge_to(from, t, r.span);
        }
    }

    /// The edge from `from` to `t` made by a reference at `span`: none from a node to itself
    /// (a variable's validation rules may refer to the variable; elsewhere it is an error, or
    /// for a resource an error only when planning).
    fn edge_to(&mut self, from: NodeIndex, t: NodeIndex, span: Span) {
        if t == from && self.validating_variable {
            // A variable's validation rules refer to the variable itself.
            return;
        }
        if t == from {
            let what = self.graph[from].to_string();
            match &self.graph[from].kind {
                NodeKind::Local(_) => self.err(
                    span,
                    "Self-referencing local value",
                    format!("Local value {what} cannot use its own result as part of its expression."),
                ),
                NodeKind::Resource(_) => self.self_refs.push((what, span)),
                _ => self.err(span, "Self-referential block", format!("Configuration for {what} may not refer to itself.")),
            }
            return;
        }
        self.edge(from, t);
    }

    fn depends_on(&mut self, from: NodeIndex, m: &'c ModuleNode, exprs: &[Expr]) {
        for e in exprs {
            self.refs(from, m, e, false);
        }
    }

    fn edges_for_module(&mut self, m: &'c ModuleNode) {
        let path: &'c [String] = &m.path;
        let module = &m.module;
        // Everything inside a called module waits for the call's expansion.
        let parent_call = match path.split_last() {
            None => None,
            Some((call, parent)) => Some(self.node(parent, NodeRef::ModuleCall(call))),
        };
        let mut own: Vec<NodeIndex> = Vec::new();
        for (n, v) in &module.variables {
            let i = self.node(path, NodeRef::Variable(n));
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
            let i = self.node(path, NodeRef::Local(n));
            own.push(i);
            self.refs(i, m, &l.expr, false);
        }
        for (n, o) in &module.outputs {
            let i = self.node(path, NodeRef::Output(n));
            own.push(i);
            self.refs(i, m, &o.expr, false);
            self.depends_on(i, m, &o.depends_on);
            for p in &o.preconditions {
                self.refs(i, m, &p.condition, false);
                self.refs(i, m, &p.error_message, false);
            }
        }
        for (k, r) in &module.resources {
            let i = self.node(path, NodeRef::Resource(k.mode, &k.ty, &k.name));
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
            if !module.providers.is_empty() {
                let local = r.provider_local_name();
                for pc in &module.providers {
                    if pc.name == local {
                        self.body_refs(i, m, &pc.body);
                    }
                }
            }
        }
        for (n, call) in &module.module_calls {
            let i = self.node(path, NodeRef::ModuleCall(n));
            own.push(i);
            if let Some(c) = &call.count {
                self.refs(i, m, c, false);
            }
            if let Some(f) = &call.for_each {
                self.refs(i, m, f, false);
            }
            self.depends_on(i, m, &call.depends_on);
            // Inputs: the child's variable nodes depend on the argument expressions here.
            if let Some(child) = m.children.get(n) {
                let child: &'c ModuleNode = child;
                for (arg, attr) in &call.inputs {
                    let Some((arg, _)) = child.module.variables.get_key_value(arg) else {
                        self.err(
                            attr.name_span,
                            "Unsupported argument",
                            format!("An argument named {arg:?} is not expected here."),
                        );
                        continue;
                    };
                    let v = self.node(&child.path, NodeRef::Variable(arg));
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
    fn refs_as(&mut self, from: NodeIndex, m: &'c ModuleNode, expr: &Expr) {
        self.refs(from, m, expr, false)
    }

    fn body_refs(&mut self, from: NodeIndex, m: &'c ModuleNode, body: &crate::config::Body) {
        for a in body.attrs.values() {
            self.refs(from, m, &a.expr, false);
        }
        for b in &body.blocks {
            self.body_refs(from, m, &b.body);
        }
    }
}
