//! The module tree: the root module and, recursively, the modules its `module` blocks call
//! through local paths.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use infra_value::Diagnostic;

use super::parse::parse_module_dir;
use super::Module;
use crate::source::SourceMap;

/// A module in the tree, identified by the path of call names from the root (`[]` for the root,
/// `["net", "logs"]` for `module.net.module.logs`).
#[derive(Debug)]
pub struct ModuleNode {
    pub path: Vec<String>,
    pub module: Module,
    /// The directory shown to users (`.`, `modules/net`).
    pub display_dir: String,
    pub children: BTreeMap<String, Arc<ModuleNode>>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub root: Arc<ModuleNode>,
    /// The root module directory.
    pub root_dir: PathBuf,
}

impl Config {
    /// The module at `path`.
    pub fn module(&self, path: &[String]) -> Option<&Arc<ModuleNode>> {
        let mut node = &self.root;
        for p in path {
            node = node.children.get(p)?;
        }
        Some(node)
    }

    /// Every module in the tree, parents before children.
    pub fn all_modules(&self) -> Vec<&Arc<ModuleNode>> {
        let mut out = Vec::new();
        let mut stack = vec![&self.root];
        while let Some(n) = stack.pop() {
            out.push(n);
            for c in n.children.values().rev() {
                stack.push(c);
            }
        }
        out
    }
}

/// Loads the configuration rooted at `dir`.
pub fn load(dir: &Path, sources: &SourceMap, diags: &mut Vec<Diagnostic>) -> Config {
    let root = load_node(dir, ".", Vec::new(), sources, diags, 0);
    Config { root: Arc::new(root), root_dir: dir.to_path_buf() }
}

fn load_node(dir: &Path, display: &str, path: Vec<String>, sources: &SourceMap, diags: &mut Vec<Diagnostic>, depth: usize) -> ModuleNode {
    let module = parse_module_dir(dir, display, sources, diags);
    let mut children = BTreeMap::new();
    for (name, call) in &module.module_calls {
        let src = &call.source;
        let is_local = src.starts_with("./") || src.starts_with("../") || src == "." || src == "..";
        if !is_local {
            diags.push(
                Diagnostic::error(
                    "Module not installed",
                    format!("This module's source {src:?} is not a local path. infra installs no modules over the network: vendor the module into the repository and use a relative path such as \"./modules/{name}\"."),
                )
                .with_subject_opt(sources.range(call.source_span)),
            );
            continue;
        }
        if depth > 32 {
            diags.push(
                Diagnostic::error("Module call depth exceeded", format!("Module {name:?} nests more than 32 levels deep; is a module calling itself?"))
                    .with_subject_opt(sources.range(call.source_span)),
            );
            continue;
        }
        let child_dir = dir.join(src);
        let child_display = normalize_display(&if display == "." { src.clone() } else { format!("{display}/{src}") });
        if !child_dir.is_dir() {
            diags.push(
                Diagnostic::error(
                    "Unreadable module directory",
                    format!("The directory {child_display} does not exist or cannot be read."),
                )
                .with_subject_opt(sources.range(call.source_span)),
            );
            continue;
        }
        let mut child_path = path.clone();
        child_path.push(name.clone());
        let child = load_node(&child_dir, &child_display, child_path, sources, diags, depth + 1);
        children.insert(name.clone(), Arc::new(child));
    }
    ModuleNode { path, module, display_dir: display.to_string(), children }
}

/// `./modules/../modules/x` → `modules/x`, for display.
fn normalize_display(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if matches!(parts.last(), Some(l) if *l != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}
