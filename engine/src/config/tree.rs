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
    load_with(dir, sources, diags, false)
}

/// Loads the configuration rooted at `dir`; `installing` is `init`'s view, which reports
/// unreadable module directories as Terraform's module installer does (without a source
/// location: the installer reads the calls' records, not the configuration).
pub fn load_with(dir: &Path, sources: &SourceMap, diags: &mut Vec<Diagnostic>, installing: bool) -> Config {
    let root = load_node(dir, ".", Vec::new(), sources, diags, 0, installing);
    Config { root: Arc::new(root), root_dir: dir.to_path_buf() }
}

fn load_node(dir: &Path, display: &str, path: Vec<String>, sources: &SourceMap, diags: &mut Vec<Diagnostic>, depth: usize, installing: bool) -> ModuleNode {
    let module = parse_module_dir(dir, display, sources, diags);
    let mut children = BTreeMap::new();
    for (name, call) in &module.module_calls {
        let src = &call.source;
        let is_local = src.starts_with("./") || src.starts_with("../") || src == "." || src == "..";
        if !is_local && source_kind(src) == SourceKind::MaybeRelativePath {
            diags.push(
                Diagnostic::error(
                    "Invalid module source address",
                    format!("infra failed to determine your intended installation method for remote module package {src:?}.\n\nIf you intended this as a path relative to the current module, use \"./{src}\" instead. The \"./\" prefix indicates that the address is a relative filesystem path."),
                )
                .with_subject_opt(sources.range(call.source_span)),
            );
            continue;
        }
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
        if !child_dir.is_dir() && installing {
            let at = sources.range(call.span).map(|r| format!("{}:{}", r.filename, r.start.line)).unwrap_or_default();
            diags.push(Diagnostic::error(
                "Unreadable module directory",
                format!("The directory {child_display} could not be read for module {name:?} at {at}."),
            ));
            diags.push(Diagnostic::error("Unreadable module directory", format!("Unable to evaluate directory symlink: {}", missing_component(dir, src))));
            continue;
        }
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
        let child = load_node(&child_dir, &child_display, child_path, sources, diags, depth + 1, installing);
        children.insert(name.clone(), Arc::new(child));
    }
    ModuleNode { path, module, display_dir: display.to_string(), children }
}

/// What a non-local module source address is, by Terraform's rules (`moduleaddrs.ParseModuleSource`):
/// a registry address, something go-getter's detectors recognise (a URL, a forced getter
/// `git::…`, `github.com/…`, `git@…`, `bitbucket.org/…`, GCS and S3 hosts, an absolute path),
/// or — anything else — a path that lacks its `./` prefix.
#[derive(Debug, PartialEq, Eq)]
enum SourceKind {
    Registry,
    Remote,
    MaybeRelativePath,
}

fn source_kind(src: &str) -> SourceKind {
    if is_registry_source(src) {
        return SourceKind::Registry;
    }
    // A forced getter (`git::https://…`) and the package's `//subdir` do not change the kind.
    let rest = match src.split_once("::") {
        Some((forced, rest)) if !forced.is_empty() && forced.chars().all(|c| c.is_ascii_alphanumeric()) => rest,
        _ => src,
    };
    let pkg = split_subdir(rest).0;
    let has_scheme = pkg.split_once(':').is_some_and(|(scheme, _)| {
        scheme.len() > 1 && scheme.starts_with(|c: char| c.is_ascii_alphabetic()) && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    let detected = has_scheme
        || pkg.starts_with("github.com/")
        || pkg.starts_with("git@")
        || pkg.starts_with("bitbucket.org/")
        || pkg.contains("googleapis.com/")
        || pkg.contains("amazonaws.com/")
        || pkg.starts_with('/');
    if detected || pkg.is_empty() {
        SourceKind::Remote
    } else {
        SourceKind::MaybeRelativePath
    }
}

/// `host/pkg//sub/dir` → (`host/pkg`, `sub/dir`); a `//` right after a scheme's `:` is not one.
fn split_subdir(src: &str) -> (&str, &str) {
    let skip = src.find("://").map(|i| i + 3).unwrap_or(0);
    match src[skip..].find("//") {
        Some(i) => (&src[..skip + i], &src[skip + i + 2..]),
        None => (src, ""),
    }
}

/// `[hostname/]namespace/name/system[//subdir]`, as the registry address parser accepts it.
fn is_registry_source(src: &str) -> bool {
    let pkg = split_subdir(src).0;
    let parts: Vec<&str> = pkg.split('/').collect();
    let (host, rest) = match parts.len() {
        3 => (None, &parts[..]),
        4 => (Some(parts[0]), &parts[1..]),
        _ => return false,
    };
    if let Some(h) = host {
        // go-getter's own shorthands win over a registry host of the same name.
        let valid_host = h.contains('.') && h.split('.').all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':'));
        if !valid_host || h == "github.com" || h == "bitbucket.org" {
            return false;
        }
    }
    let label = |s: &str| {
        let b = s.as_bytes();
        !b.is_empty()
            && b.len() <= 64
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric()
            && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
    };
    let system = |s: &str| !s.is_empty() && s.len() <= 64 && s.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    label(rest[0]) && label(rest[1]) && system(rest[2])
}

/// Why `dir/src` cannot be resolved, as Go's `filepath.EvalSymlinks` words it: the first
/// component that is missing (`lstat modules: no such file or directory`).
fn missing_component(dir: &Path, src: &str) -> String {
    let mut rel = PathBuf::new();
    for part in src.split('/').filter(|p| !p.is_empty() && *p != ".") {
        rel.push(part);
        if let Err(e) = std::fs::symlink_metadata(dir.join(&rel)) {
            let why = match e.kind() {
                std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
                _ => e.to_string(),
            };
            return format!("lstat {}: {why}", rel.display());
        }
    }
    format!("{src} is not a directory")
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

#[cfg(test)]
mod tests {
    use super::{source_kind, SourceKind};

    #[test]
    fn module_source_kinds_follow_terraform() {
        for s in ["hashicorp/consul/aws", "app.terraform.io/acme/net/aws", "hashicorp/consul/aws//modules/x"] {
            assert_eq!(source_kind(s), SourceKind::Registry, "{s}");
        }
        for s in [
            "git::https://example.com/net.git",
            "https://example.com/net.zip",
            "github.com/acme/net",
            "git@github.com:acme/net.git",
            "bitbucket.org/acme/net",
            "s3-eu-west-1.amazonaws.com/bucket/net.zip",
            "/abs/path/net",
            "github.com/acme/net//modules/x",
        ] {
            assert_eq!(source_kind(s), SourceKind::Remote, "{s}");
        }
        for s in ["modules/network", "net", "foo/bar", "Acme/Net/AWS", "a/b/c/d/e"] {
            assert_eq!(source_kind(s), SourceKind::MaybeRelativePath, "{s}");
        }
    }
}
