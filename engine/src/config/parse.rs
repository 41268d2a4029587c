//! Parsing one module directory: every `*.tf` (native syntax: the direct parser, or hcl-edit
//! and the lowering for what it declines) and `*.tf.json`
//! file, into a [`Module`]. All problems are collected as diagnostics; parsing continues after
//! an error so that one run reports everything.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use hcl_edit::structure::{BlockLabel, Structure};
use hcl_edit::Span as _;
use infra_value::{Diagnostic, SourcePos, SourceRange};

use super::body::{Attr, Body, NestedBlock};
use super::*;
use crate::lang::ast::{Expr, ExprKind};
use crate::lang::lower::Lowerer;
use crate::source::{SourceMap, Span};

/// Lists the configuration files of a directory in Terraform's order (lexical), skipping
/// editor backups and override files' special treatment (treated as ordinary files).
pub fn config_files(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') || name.ends_with('~') || (name.starts_with('#') && name.ends_with('#')) {
            continue;
        }
        if (name.ends_with(".tf") || name.ends_with(".tf.json")) && entry.file_type()?.is_file() {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

/// Parses all configuration files of `dir`. `display_dir` is how the directory is shown in
/// diagnostics (`.` for the root → `main.tf`; `modules/net` → `modules/net/main.tf`).
pub fn parse_module_dir(dir: &Path, display_dir: &str, sources: &SourceMap, diags: &mut Vec<Diagnostic>) -> Module {
    let mut module = Module { dir: dir.to_path_buf(), ..Default::default() };
    let files = match config_files(dir) {
        Ok(f) => f,
        Err(e) => {
            diags.push(Diagnostic::error(
                "Failed to read module directory",
                format!("Module directory {} does not exist or cannot be read: {e}.", dir.display()),
            ));
            return module;
        }
    };
    // Native files are parsed concurrently when there are several and enough text to pay for
    // the threads. Only then: the JSON parser registers further sources (its strings' templates)
    // as it goes, and reading every file first would renumber them.
    let all_native = files.iter().all(|p| p.extension().is_some_and(|x| x == "tf"));
    let parsed: Vec<(String, Option<Body>, Vec<Diagnostic>)> = if all_native && files.len() > 1 {
        let loaded: Vec<(String, Result<SourceText, Diagnostic>)> =
            files.iter().map(|path| (file_name(path), read_source(path, display_dir, sources))).collect();
        let total: usize = loaded.iter().map(|(_, l)| l.as_ref().map_or(0, |l| l.text.len())).sum();
        let parse = |l: &Result<SourceText, Diagnostic>| match l {
            Ok(src) => {
                let mut file_diags = Vec::new();
                let body = parse_native(src.file_id, &src.shown, &src.text, sources, &mut file_diags);
                (body, file_diags)
            }
            Err(d) => (None, vec![d.clone()]),
        };
        let results = if total >= super::chunked::PARALLEL_MIN_BYTES {
            super::chunked::parallel_map(&loaded, |(_, l)| parse(l))
        } else {
            loaded.iter().map(|(_, l)| parse(l)).collect()
        };
        loaded.into_iter().zip(results).map(|((fname, _), (body, d))| (fname, body, d)).collect()
    } else {
        files
            .iter()
            .map(|path| {
                let fname = file_name(path);
                let mut file_diags = Vec::new();
                let body = match read_source(path, display_dir, sources) {
                    Ok(src) if fname.ends_with(".tf.json") => super::json::parse_json_body(src.file_id, &src.text, sources, &mut file_diags),
                    Ok(src) => parse_native(src.file_id, &src.shown, &src.text, sources, &mut file_diags),
                    Err(d) => {
                        file_diags.push(d);
                        None
                    }
                };
                (fname, body, file_diags)
            })
            .collect()
    };
    let mut parser = ModuleParser { sources, diags, module: &mut module, resources: Vec::new(), resource_hashes: Default::default() };
    let mut primary: Vec<Body> = Vec::new();
    let mut overrides: Vec<Body> = Vec::new();
    for (fname, body, file_diags) in parsed {
        parser.diags.extend(file_diags);
        let stem = fname.trim_end_matches(".json").trim_end_matches(".tf");
        if let Some(body) = body {
            if stem == "override" || stem.ends_with("_override") {
                overrides.push(body);
            } else {
                primary.push(body);
            }
        }
    }
    for o in overrides {
        merge_override(&mut primary, o);
    }
    for body in primary {
        parser.top_level(body);
    }
    parser.finish();
    module
}

/// One configuration file, read and registered in the source map.
struct SourceText {
    file_id: u32,
    /// The name shown in diagnostics.
    shown: String,
    text: String,
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default()
}

/// Reads `path` and adds it to `sources`; an unreadable or non-UTF-8 file is a diagnostic.
fn read_source(path: &Path, display_dir: &str, sources: &SourceMap) -> Result<SourceText, Diagnostic> {
    let fname = file_name(path);
    let shown = if display_dir.is_empty() || display_dir == "." { fname } else { format!("{display_dir}/{fname}") };
    let text = match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => return Err(Diagnostic::error("Invalid file encoding", format!("The file {shown} is not valid UTF-8."))),
        },
        Err(e) => return Err(Diagnostic::error("Failed to read file", format!("The file {shown:?} could not be read: {e}."))),
    };
    let file_id = sources.add(&shown, &text);
    Ok(SourceText { file_id, shown, text })
}

/// Terraform's override files: each block merges into the primary block of the same type and
/// labels — arguments replace arguments, nested blocks replace all nested blocks of their type
/// (`lifecycle` merges argument by argument); `locals` override entry by entry.
fn merge_override(primary: &mut [Body], over: Body) {
    for ob in over.blocks {
        if ob.ty == "locals" {
            for (name, attr) in ob.body.attrs {
                let target = primary.iter_mut().flat_map(|b| b.blocks.iter_mut()).find(|b| b.ty == "locals" && b.body.attrs.contains_key(&name));
                if let Some(t) = target {
                    t.body.attrs.insert(name, attr);
                }
            }
            continue;
        }
        let target = primary.iter_mut().flat_map(|b| b.blocks.iter_mut()).find(|b| b.ty == ob.ty && b.labels == ob.labels);
        let Some(t) = target else { continue };
        merge_block_body(&mut t.body, ob.body);
    }
}

fn merge_block_body(t: &mut Body, o: Body) {
    for (name, attr) in o.attrs {
        t.attrs.insert(name, attr);
    }
    let types: std::collections::BTreeSet<String> = o.blocks.iter().map(|b| b.ty.clone()).collect();
    for ty in types {
        if ty == "lifecycle" {
            let incoming: Vec<NestedBlock> = o.blocks.iter().filter(|b| b.ty == ty).cloned().collect();
            match t.blocks.iter_mut().find(|b| b.ty == ty) {
                Some(existing) => {
                    for inc in incoming {
                        merge_block_body(&mut existing.body, inc.body);
                    }
                }
                None => t.blocks.extend(incoming),
            }
            continue;
        }
        t.blocks.retain(|b| b.ty != ty);
        t.blocks.extend(o.blocks.iter().filter(|b| b.ty == ty).cloned());
    }
}

/// Parses native-syntax text into a generic body. The direct parser ([`fast`](super::fast))
/// reads every file it can read exactly as the general path would; the general path (hcl-edit,
/// then the lowering) parses the rest and reports every syntax error. On both paths a big file
/// is parsed in chunks on several threads ([`chunked`](super::chunked)) when that gives exactly
/// the whole-file result.
pub fn parse_native(file_id: u32, shown: &str, text: &str, sources: &SourceMap, diags: &mut Vec<Diagnostic>) -> Option<Body> {
    let pieces = super::chunked::chunk_count(text.len());
    // The direct parser first (in chunks on several threads for a big file): it gives exactly
    // the general path's body or declines, and it never has diagnostics to report.
    if pieces > 1 {
        if let Some(body) = super::chunked::parse_fast_chunked(file_id, text, pieces) {
            return Some(body);
        }
    }
    if let Some(body) = super::fast::parse_body(file_id, text) {
        return Some(body);
    }
    if pieces > 1 {
        if let Some(parsed) = super::chunked::parse_chunked(file_id, text, sources, pieces) {
            diags.extend(parsed.diagnostics);
            return Some(parsed.body);
        }
    }
    parse_native_whole(file_id, shown, text, sources, diags)
}

/// [`parse_native`] on one thread, the file as a whole: the reference the chunked parse must
/// reproduce, and the path that reports syntax errors.
pub fn parse_native_whole(file_id: u32, shown: &str, text: &str, sources: &SourceMap, diags: &mut Vec<Diagnostic>) -> Option<Body> {
    match hcl_edit::parser::parse_body(text) {
        Ok(body) => {
            let mut lowerer = Lowerer::new(file_id, text, sources);
            let b = lower_body(&mut lowerer, &body, Span { file: file_id, start: 0, end: text.len() as u32 }, diags);
            diags.extend(lowerer.diagnostics);
            if text.len() >= super::chunked::PARALLEL_MIN_BYTES {
                super::chunked::drop_in_background(body);
            }
            Some(b)
        }
        Err(e) => {
            let loc = e.location();
            let pos = SourcePos { line: loc.line() as u32, column: loc.column() as u32, byte: loc.offset() };
            let range = SourceRange { filename: Arc::from(shown), start: pos, end: pos };
            // HCL's own diagnostics for the error, when the HCL-compatible re-scan finds them.
            let specific = super::syntax::diagnose(shown, text);
            if specific.is_empty() {
                let (summary, detail) = syntax_error_text(e.message(), text, loc.offset());
                diags.push(Diagnostic::error(summary, detail).with_subject(range));
            } else {
                diags.extend(specific);
            }
            None
        }
    }
}

/// Maps hcl-edit's parser messages onto HCL's diagnostic summaries where they correspond.
fn syntax_error_text(message: &str, text: &str, offset: usize) -> (String, String) {
    let at = text.get(offset..).unwrap_or("");
    let summary = if at.is_empty() || message.contains("end of input") {
        "Unclosed configuration block"
    } else if message.contains("expected `=`") || message.contains("expected `{`") {
        "Invalid argument or block definition"
    } else {
        "Invalid syntax"
    };
    (summary.to_string(), format!("Syntax error: {}.", message.trim().trim_end_matches('.')))
}

/// Lowers one hcl-edit body. Duplicate arguments are reported into `diags` as the walk meets
/// them; the lowerer collects expression diagnostics separately.
pub(super) fn lower_body(lw: &mut Lowerer<'_>, body: &hcl_edit::structure::Body, span: Span, diags: &mut Vec<Diagnostic>) -> Body {
    let mut out = Body { span, ..Default::default() };
    for st in body.iter() {
        match st {
            Structure::Attribute(a) => {
                let name = a.key.value().as_str().to_string();
                let name_span = lw.span_of(a.key.span());
                let attr_span = lw.span_of(a.span());
                if let Some(prev) = out.attrs.get(&name) {
                    let prev_range = lw.sources.range(prev.name_span).map(|r| short_range(&r)).unwrap_or_default();
                    diags.push(
                        Diagnostic::error(
                            "Attribute redefined",
                            format!("The argument {name:?} was already set at {prev_range}. Each argument may be set only once."),
                        )
                        .with_subject_opt(lw.sources.range(name_span)),
                    );
                    continue;
                }
                let expr = lw.expr(&a.value);
                out.attrs.insert(name.clone(), Attr { name, expr, name_span, span: attr_span });
            }
            Structure::Block(b) => {
                let ty = b.ident.value().as_str().to_string();
                let labels = b
                    .labels
                    .iter()
                    .map(|l| match l {
                        BlockLabel::Ident(i) => i.value().as_str().to_string(),
                        BlockLabel::String(s) => s.value().to_string(),
                    })
                    .collect();
                let type_span = lw.span_of(b.ident.span());
                let bspan = lw.span_of(b.span());
                let inner = lower_body(lw, &b.body, bspan, diags);
                // Through `span_of`: a chunk's spans are relative to the chunk.
                let header_end = b.labels.last().and_then(|l| l.span()).map(|r| lw.span_of(Some(r)).end).unwrap_or(type_span.end);
                out.blocks.push(NestedBlock {
                    ty,
                    labels,
                    body: inner,
                    type_span: Span { file: type_span.file, start: type_span.start, end: header_end },
                    span: bspan,
                });
            }
        }
    }
    out
}

/// `main.tf:3,5-9` as HCL writes ranges in messages.
pub fn short_range(r: &SourceRange) -> String {
    if r.start.line == r.end.line {
        format!("{}:{},{}-{}", r.filename, r.start.line, r.start.column, r.end.column)
    } else {
        format!("{}:{},{}-{},{}", r.filename, r.start.line, r.start.column, r.end.line, r.end.column)
    }
}

struct ModuleParser<'a> {
    sources: &'a SourceMap,
    diags: &'a mut Vec<Diagnostic>,
    module: &'a mut Module,
    /// The resources in declaration order, moved into [`Module::resources`] at once by
    /// [`ModuleParser::finish`]: inserting into the sorted map one by one (comparing long
    /// keys with a common prefix at every level) was a third of decoding a big module, while
    /// building it from all entries is one sort.
    resources: Vec<(ResourceKey, Arc<Resource>)>,
    /// Positions in `resources` by a hash of the key: finds a duplicate without the map.
    resource_hashes: std::collections::HashMap<u64, usize, foldhash::fast::FixedState>,
}

impl<'a> ModuleParser<'a> {
    fn err(&mut self, span: Span, summary: &str, detail: impl Into<String>) {
        self.diags.push(Diagnostic::error(summary, detail).with_subject_opt(self.sources.range(span)));
    }

    fn range_text(&self, span: Span) -> String {
        self.sources.range(span).map(|r| short_range(&r)).unwrap_or_default()
    }

    /// The resource already declared under `key`, if any.
    fn declared_resource(&self, key: &ResourceKey) -> Option<&Arc<Resource>> {
        let first = *self.resource_hashes.get(&resource_hash(key))?;
        // A matching hash is nearly always the same key; otherwise, or when another key shares
        // the hash, the declarations are searched in order.
        match self.resources.get(first) {
            Some((k, r)) if k == key => Some(r),
            _ => self.resources.iter().find(|(k, _)| k == key).map(|(_, r)| r),
        }
    }

    /// Moves the resources decoded so far into the module.
    fn finish(&mut self) {
        let decoded = std::mem::take(&mut self.resources);
        self.resource_hashes.clear();
        if self.module.resources.is_empty() {
            // No key repeats (duplicates were reported and dropped), so the order the map is
            // built in does not matter.
            self.module.resources = decoded.into_iter().collect();
        } else {
            self.module.resources.extend(decoded);
        }
    }

    fn top_level(&mut self, body: Body) {
        for (name, attr) in &body.attrs {
            self.err(attr.name_span, "Unsupported argument", format!("An argument named {name:?} is not expected here."));
        }
        for block in body.blocks {
            match block.ty.as_str() {
                "terraform" => self.terraform(block),
                "variable" => self.variable(block),
                "locals" => self.locals(block),
                "output" => self.output(block),
                "resource" => self.resource(block, Mode::Managed),
                "data" => self.resource(block, Mode::Data),
                "module" => self.module_call(block),
                "provider" => self.provider(block),
                "moved" => self.moved(block),
                "removed" => self.removed(block),
                "import" => self.import(block),
                "check" => self.check(block),
                "ephemeral" => {}
                other => self.err(
                    block.type_span,
                    "Unsupported block type",
                    format!("Blocks of type {other:?} are not expected here."),
                ),
            }
        }
    }

    fn labels(&mut self, block: &NestedBlock, n: usize, what: &str) -> bool {
        if block.labels.len() != n {
            let names = match n {
                0 => "no labels".to_string(),
                1 => format!("a label (the {what} name)"),
                _ => format!("{n} labels"),
            };
            if block.labels.len() < n {
                self.err(
                    block.type_span,
                    "Missing name for ".to_string().as_str().to_owned().as_str(),
                    format!("All {} blocks must have {names}.", block.ty),
                );
            } else {
                self.err(block.type_span, "Extraneous label for ".to_owned().as_str(), format!("Only {n} labels (name) is expected for {} blocks.", block.ty));
            }
            return false;
        }
        for l in &block.labels {
            if !valid_identifier(l) {
                self.err(
                    block.type_span,
                    "Invalid name",
                    format!("A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes."),
                );
                return false;
            }
        }
        true
    }

    fn unsupported_attrs(&mut self, body: &Body, allowed: &[&str], ctx: &str) {
        for (name, attr) in &body.attrs {
            if !allowed.contains(&name.as_str()) {
                self.err(attr.name_span, "Unsupported argument", format!("An argument named {name:?} is not expected here.{ctx}"));
            }
        }
    }

    fn unsupported_blocks(&mut self, body: &Body, allowed: &[&str]) {
        for b in &body.blocks {
            if !allowed.contains(&b.ty.as_str()) {
                self.err(b.type_span, "Unsupported block type", format!("Blocks of type {:?} are not expected here.", b.ty));
            }
        }
    }

    fn string_literal(&mut self, attr: &Attr, what: &str) -> Option<String> {
        match crate::config::literal_of(&attr.expr).and_then(|v| v.as_str().map(String::from)) {
            Some(s) => Some(s),
            None => {
                self.err(attr.expr.span, &format!("Invalid {what}"), format!("The {what} must be a literal string."));
                None
            }
        }
    }

    fn bool_literal(&mut self, attr: &Attr) -> Option<bool> {
        match crate::config::literal_of(&attr.expr) {
            Some(v) => match v.as_bool() {
                Some(b) => Some(b),
                None => match v.as_str() {
                    Some("true") => Some(true),
                    Some("false") => Some(false),
                    _ => {
                        self.err(attr.expr.span, "Invalid value", "A bool value is required here.");
                        None
                    }
                },
            },
            None => {
                self.err(attr.expr.span, "Invalid value", "A static bool value is required here: variables and other references are not allowed.");
                None
            }
        }
    }

    fn terraform(&mut self, block: NestedBlock) {
        self.unsupported_attrs(&block.body, &["required_version", "experiments", "language"], "");
        if let Some(a) = block.body.attr("required_version") {
            if let Some(s) = self.string_literal(a, "required_version") {
                if !super::version::satisfies(super::version::COMPATIBLE_TERRAFORM, &s) {
                    self.err(
                        a.name_span,
                        "Unsupported Terraform Core version",
                        format!(
                            "This configuration does not support Terraform version {}. To proceed, either choose another supported Terraform version or update this version constraint. Version constraints are normally set for good reason, so updating the constraint may lead to other errors or unexpected behavior.",
                            super::version::COMPATIBLE_TERRAFORM
                        ),
                    );
                }
                self.module.required_version.push((s, a.expr.span));
            }
        }
        for b in &block.body.blocks {
            match b.ty.as_str() {
                "required_providers" => {
                    for (name, a) in &b.body.attrs {
                        let (source, version) = match &a.expr.kind {
                            ExprKind::Object(items) => {
                                let mut source = None;
                                let mut version = None;
                                for (k, v) in items {
                                    let key = crate::config::literal_of(k).and_then(|x| x.as_str().map(String::from)).unwrap_or_default();
                                    let val = crate::config::literal_of(v).and_then(|x| x.as_str().map(String::from));
                                    match key.as_str() {
                                        "source" => source = val,
                                        "version" => version = val,
                                        _ => {}
                                    }
                                }
                                (source.unwrap_or_else(|| format!("hashicorp/{name}")), version)
                            }
                            ExprKind::Literal(v) if v.as_str().is_some() => {
                                (format!("hashicorp/{name}"), v.as_str().map(String::from))
                            }
                            _ => {
                                self.err(a.expr.span, "Invalid required_providers object", "required_providers entries must be objects with source and version.");
                                continue;
                            }
                        };
                        self.module.required_providers.insert(name.clone(), ProviderRequirement { source, version, span: a.span });
                    }
                }
                "backend" => {
                    if b.labels.len() != 1 {
                        self.err(b.type_span, "Missing backend type", "A backend block must have one label: the backend type.");
                        continue;
                    }
                    if let Some(prev) = &self.module.backend {
                        let at = self.range_text(prev.span);
                        self.err(b.type_span, "Duplicate backend configuration", format!("A module may have only one backend configuration. The backend was previously configured at {at}."));
                        continue;
                    }
                    self.module.backend = Some(Backend { kind: b.labels[0].clone(), body: b.body.clone(), span: b.type_span });
                }
                "cloud" | "provider_meta" => {}
                other => self.err(b.type_span, "Unsupported block type", format!("Blocks of type {other:?} are not expected here.")),
            }
        }
    }

    fn variable(&mut self, block: NestedBlock) {
        if !self.labels(&block, 1, "variable") {
            return;
        }
        let name = block.labels[0].clone();
        if let Some(prev) = self.module.variables.get(&name) {
            let at = self.range_text(prev.span);
            self.err(
                block.type_span,
                "Duplicate variable declaration",
                format!("A variable named {name:?} was already declared at {at}. Variable names must be unique within a module."),
            );
            return;
        }
        if matches!(name.as_str(), "source" | "version" | "providers" | "count" | "for_each" | "lifecycle" | "depends_on" | "locals") {
            self.err(
                block.type_span,
                "Invalid variable name",
                format!("The variable name {name:?} is reserved due to its special meaning inside module blocks."),
            );
        }
        let body = &block.body;
        self.unsupported_attrs(body, &["type", "default", "description", "sensitive", "nullable", "ephemeral"], "");
        self.unsupported_blocks(body, &["validation"]);
        let mut diags = Vec::new();
        let (ty, defaults) = match body.attr("type") {
            Some(a) => super::typeexpr::parse_type(&a.expr, self.sources, &mut diags),
            None => (infra_value::Type::Dynamic, Default::default()),
        };
        self.diags.extend(diags);
        let description = body.attr("description").and_then(|a| self.string_literal(a, "description"));
        let sensitive = body.attr("sensitive").and_then(|a| self.bool_literal(a)).unwrap_or(false);
        let nullable = body.attr("nullable").and_then(|a| self.bool_literal(a)).unwrap_or(true);
        let mut validations = Vec::new();
        for v in body.blocks_of("validation") {
            self.unsupported_attrs(&v.body, &["condition", "error_message"], "");
            match (v.body.attr("condition"), v.body.attr("error_message")) {
                // The span is the block's header (`validation`), which messages cite as Terraform does.
                (Some(c), Some(m)) => validations.push(CheckRule { condition: c.expr.clone(), error_message: m.expr.clone(), span: v.type_span }),
                (None, _) => self.err(v.type_span, "Missing required argument", "The argument \"condition\" is required, but no definition was found."),
                (_, None) => self.err(v.type_span, "Missing required argument", "The argument \"error_message\" is required, but no definition was found."),
            }
        }
        let default = body.attr("default").map(|a| a.expr.clone());
        self.module.variables.insert(
            name.clone(),
            Variable {
                name,
                ty,
                type_defaults: Some(defaults),
                default,
                description,
                sensitive,
                nullable,
                validations,
                span: block.type_span,
            },
        );
    }

    fn locals(&mut self, block: NestedBlock) {
        self.unsupported_blocks(&block.body, &[]);
        for (name, attr) in block.body.attrs {
            if let Some(prev) = self.module.locals.get(&name) {
                let at = self.range_text(prev.span);
                self.err(
                    attr.name_span,
                    "Duplicate local value definition",
                    format!("A local value named {name:?} was already defined at {at}. Local value names must be unique within a module."),
                );
                continue;
            }
            self.module.locals.insert(name.clone(), Local { name, expr: attr.expr, span: attr.span });
        }
    }

    fn output(&mut self, block: NestedBlock) {
        if !self.labels(&block, 1, "output") {
            return;
        }
        let name = block.labels[0].clone();
        if let Some(prev) = self.module.outputs.get(&name) {
            let at = self.range_text(prev.span);
            self.err(
                block.type_span,
                "Duplicate output definition",
                format!("An output named {name:?} was already defined at {at}. Output names must be unique within a module."),
            );
            return;
        }
        let body = &block.body;
        self.unsupported_attrs(body, &["value", "description", "sensitive", "depends_on", "ephemeral"], "");
        self.unsupported_blocks(body, &["precondition"]);
        let Some(value) = body.attr("value") else {
            self.err(
                block.span,
                "Missing required argument",
                "The argument \"value\" is required, but no definition was found.",
            );
            return;
        };
        let description = body.attr("description").and_then(|a| self.string_literal(a, "description"));
        let sensitive = body.attr("sensitive").and_then(|a| self.bool_literal(a)).unwrap_or(false);
        let ephemeral = body.attr("ephemeral").and_then(|a| self.bool_literal(a)).unwrap_or(false);
        let depends_on = body.attr("depends_on").map(|a| self.depends_on(a)).unwrap_or_default();
        let preconditions = self.check_rules(body, "precondition");
        self.module.outputs.insert(
            name.clone(),
            Output { name, expr: value.expr.clone(), description, sensitive, ephemeral, depends_on, preconditions, span: block.type_span },
        );
    }

    fn check_rules(&mut self, body: &Body, ty: &str) -> Vec<CheckRule> {
        let mut out = Vec::new();
        for b in body.blocks_of(ty) {
            self.unsupported_attrs(&b.body, &["condition", "error_message"], "");
            match (b.body.attr("condition"), b.body.attr("error_message")) {
                (Some(c), Some(m)) => out.push(CheckRule { condition: c.expr.clone(), error_message: m.expr.clone(), span: b.span }),
                (None, _) => self.err(b.span, "Missing required argument", "The argument \"condition\" is required, but no definition was found."),
                (_, None) => self.err(b.span, "Missing required argument", "The argument \"error_message\" is required, but no definition was found."),
            }
        }
        out
    }

    fn depends_on(&mut self, attr: &Attr) -> Vec<Expr> {
        match &attr.expr.kind {
            ExprKind::Tuple(items) => {
                let mut out = Vec::new();
                for it in items {
                    // Terraform 0.11 quoted references still work, with a warning.
                    if let ExprKind::Literal(v) = &it.kind {
                        if let Some(text) = v.as_str() {
                            self.diags.push(
                                Diagnostic::warning(
                                    "Quoted references are deprecated",
                                    "In this context, references are expected literally rather than in quotes. Terraform 0.11 and earlier required quotes, but quoted references are now deprecated and will be removed in a future version of Terraform. Remove the quotes surrounding this reference to silence this warning.",
                                )
                                .with_subject_opt(self.sources.range(it.span)),
                            );
                            let file = self.sources.add("<depends_on>", text);
                            if let Ok(e) = hcl_edit::parser::parse_expr(text) {
                                let mut lw = Lowerer::new(file, text, self.sources);
                                let mut parsed = lw.expr(&e);
                                parsed.span = it.span;
                                out.push(parsed);
                            }
                            continue;
                        }
                    }
                    match it.as_static_traversal() {
                        Some((root, steps)) => {
                            // A whole object: `type.name`, `module.x`, `data.t.n`, optionally
                            // with an instance key; anything after that is an attribute.
                            let allowed = match &*root {
                                "module" => 1,
                                "data" => 2,
                                "var" | "local" => 1,
                                _ => 1,
                            };
                            let mut seen_attrs = 0;
                            let mut bad: Option<Span> = None;
                            for st in steps {
                                match st {
                                    crate::lang::ast::Step::Attr(_, sp) => {
                                        seen_attrs += 1;
                                        if seen_attrs > allowed && bad.is_none() {
                                            bad = Some(*sp);
                                        }
                                    }
                                    crate::lang::ast::Step::Index(_, sp) if seen_attrs < allowed && bad.is_none() => bad = Some(*sp),
                                    _ => {}
                                }
                            }
                            match bad {
                                None => out.push(it.clone()),
                                Some(sp) => self.err(
                                    sp,
                                    "Invalid depends_on reference",
                                    "References in depends_on must be to a whole object (resource, etc), not to an attribute of an object.",
                                ),
                            }
                        }
                        None => self.err(
                            it.span,
                            "Invalid depends_on reference",
                            "References in depends_on must be to a whole object (resource, etc), not to an attribute of an object.",
                        ),
                    }
                }
                out
            }
            _ => {
                self.err(attr.expr.span, "Invalid expression", "A static list expression is required.");
                Vec::new()
            }
        }
    }

    fn resource(&mut self, block: NestedBlock, mode: Mode) {
        let what = if mode == Mode::Managed { "resource" } else { "data" };
        if block.labels.len() != 2 {
            self.err(
                block.type_span,
                &format!("Missing name for {what}"),
                format!("All {what} blocks must have 2 labels (type, name)."),
            );
            return;
        }
        for l in &block.labels {
            if !valid_identifier(l) {
                self.err(block.type_span, &format!("Invalid {what} name"), "A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.");
                return;
            }
        }
        // The block is ours: its labels and body move into the resource (a clone was a large
        // share of loading a big configuration).
        let NestedBlock { mut body, span, type_span, labels, .. } = block;
        let mut labels = labels.into_iter();
        let (Some(ty), Some(name)) = (labels.next(), labels.next()) else { return };
        let key = ResourceKey { mode, ty, name };
        if let Some(prev) = self.declared_resource(&key) {
            let at = self.range_text(prev.decl_span);
            let (summary, detail) = match mode {
                Mode::Managed => (
                    format!("Duplicate resource {:?} configuration", key.ty),
                    format!("A {} resource named {:?} was already declared at {at}. Resource names must be unique per type in each module.", key.ty, key.name),
                ),
                Mode::Data => (
                    format!("Duplicate data {:?} configuration", key.ty),
                    format!("A {} data resource named {:?} was already declared at {at}. Resource names must be unique per type in each module.", key.ty, key.name),
                ),
            };
            self.err(type_span, &summary, detail);
            return;
        }
        let count = body.attrs.remove("count").map(|a| a.expr);
        let for_each_attr = body.attrs.remove("for_each");
        let for_each_name_span = for_each_attr.as_ref().map(|a| a.name_span);
        let for_each = for_each_attr.map(|a| a.expr);
        if let (Some(_), Some(_)) = (&count, &for_each) {
            let at = for_each_name_span.unwrap_or(type_span);
            self.err(
                at,
                "Invalid combination of \"count\" and \"for_each\"",
                "The \"count\" and \"for_each\" meta-arguments are mutually-exclusive, only one should be used to be explicit about the number of resources to be created.",
            );
        }
        let depends_on = body.attrs.remove("depends_on").map(|a| self.depends_on(&a)).unwrap_or_default();
        let provider = body.attrs.remove("provider").and_then(|a| match a.expr.as_static_traversal() {
            Some((root, steps)) => {
                let alias = match steps.first() {
                    Some(crate::lang::ast::Step::Attr(n, _)) => Some(n.to_string()),
                    _ => None,
                };
                Some((root.to_string(), alias, a.expr.span))
            }
            None => {
                self.err(a.expr.span, "Invalid provider reference", "Provider argument requires a provider name followed by an optional alias, like \"aws.foo\".");
                None
            }
        });
        let mut lifecycle = Lifecycle::default();
        let mut remaining_blocks = Vec::new();
        for b in std::mem::take(&mut body.blocks) {
            match b.ty.as_str() {
                "lifecycle" => self.lifecycle(&b, &mut lifecycle, mode),
                "provisioner" | "connection" => {}
                _ => remaining_blocks.push(b),
            }
        }
        body.blocks = remaining_blocks;
        let res = Resource {
            key: key.clone(),
            count,
            for_each,
            depends_on,
            provider,
            lifecycle,
            body,
            span,
            decl_span: type_span,
        };
        let hash = resource_hash(&key);
        self.resource_hashes.entry(hash).or_insert(self.resources.len());
        self.resources.push((key, Arc::new(res)));
    }

    fn lifecycle(&mut self, b: &NestedBlock, lc: &mut Lifecycle, mode: Mode) {
        let allowed: &[&str] = if mode == Mode::Managed {
            &["create_before_destroy", "prevent_destroy", "ignore_changes", "replace_triggered_by"]
        } else {
            &[]
        };
        self.unsupported_attrs(&b.body, allowed, "");
        self.unsupported_blocks(&b.body, &["precondition", "postcondition"]);
        lc.create_before_destroy = b.body.attr("create_before_destroy").map(|a| a.expr.clone());
        lc.prevent_destroy = b.body.attr("prevent_destroy").map(|a| a.expr.clone());
        if let Some(a) = b.body.attr("ignore_changes") {
            lc.ignore_changes = match &a.expr.kind {
                ExprKind::Tuple(items) => IgnoreChanges::Paths(items.clone()),
                _ if a.expr.as_keyword() == Some("all") => IgnoreChanges::All,
                ExprKind::Literal(v) if v.as_str() == Some("all") => IgnoreChanges::All,
                _ => {
                    self.err(a.expr.span, "Invalid ignore_changes", "The ignore_changes argument must be a list of attribute references, or the keyword \"all\".");
                    IgnoreChanges::None
                }
            };
        }
        if let Some(a) = b.body.attr("replace_triggered_by") {
            match &a.expr.kind {
                ExprKind::Tuple(items) => lc.replace_triggered_by = items.clone(),
                _ => self.err(a.expr.span, "Invalid replace_triggered_by expression", "replace_triggered_by must be a list of references."),
            }
        }
        lc.preconditions.extend(self.check_rules(&b.body, "precondition"));
        lc.postconditions.extend(self.check_rules(&b.body, "postcondition"));
    }

    fn module_call(&mut self, block: NestedBlock) {
        if !self.labels(&block, 1, "module") {
            return;
        }
        let name = block.labels[0].clone();
        if let Some(prev) = self.module.module_calls.get(&name) {
            let at = self.range_text(prev.span);
            self.err(
                block.type_span,
                "Duplicate module call",
                format!("A module call named {name:?} was already defined at {at}. Module calls must have unique names within a module."),
            );
            return;
        }
        let NestedBlock { mut body, span: block_span, type_span, .. } = block;
        let Some(source_attr) = body.attrs.remove("source") else {
            self.err(block_span, "Missing required argument", "The argument \"source\" is required, but no definition was found.");
            return;
        };
        let Some(source) = self.string_literal(&source_attr, "module source") else { return };
        let version = body.attrs.remove("version").and_then(|a| self.string_literal(&a, "version"));
        let count = body.attrs.remove("count").map(|a| a.expr);
        let for_each = body.attrs.remove("for_each").map(|a| a.expr);
        if let (Some(_), Some(fe)) = (&count, &for_each) {
            self.err(
                fe.span,
                "Invalid combination of \"count\" and \"for_each\"",
                "The \"count\" and \"for_each\" meta-arguments are mutually-exclusive, only one should be used to be explicit about the number of resources to be created.",
            );
        }
        let depends_on = body.attrs.remove("depends_on").map(|a| self.depends_on(&a)).unwrap_or_default();
        let providers = match body.attrs.remove("providers") {
            Some(a) => match a.expr.kind {
                ExprKind::Object(items) => items,
                _ => {
                    self.err(a.expr.span, "Invalid providers argument", "The providers argument must be a map of provider references.");
                    Vec::new()
                }
            },
            None => Vec::new(),
        };
        for b in &body.blocks {
            if b.ty != "lifecycle" {
                self.err(b.type_span, "Unsupported block type", format!("Blocks of type {:?} are not expected here.", b.ty));
            }
        }
        self.module.module_calls.insert(
            name.clone(),
            ModuleCall {
                name,
                source,
                source_span: source_attr.expr.span,
                version,
                count,
                for_each,
                depends_on,
                inputs: body.attrs,
                providers,
                span: type_span,
            },
        );
    }

    fn provider(&mut self, block: NestedBlock) {
        if !self.labels(&block, 1, "provider") {
            return;
        }
        let NestedBlock { mut body, labels, type_span, .. } = block;
        let alias = body.attrs.remove("alias").and_then(|a| self.string_literal(&a, "alias"));
        body.attrs.remove("version");
        self.module.providers.push(ProviderConfig { name: labels.into_iter().next().unwrap_or_default(), alias, body, span: type_span });
    }

    fn moved(&mut self, block: NestedBlock) {
        self.unsupported_attrs(&block.body, &["from", "to"], "");
        match (block.body.attr("from"), block.body.attr("to")) {
            (Some(f), Some(t)) => self.module.moved.push(Moved { from: f.expr.clone(), to: t.expr.clone(), span: block.span }),
            _ => self.err(block.span, "Missing required argument", "A moved block requires both \"from\" and \"to\" arguments."),
        }
    }

    fn removed(&mut self, block: NestedBlock) {
        self.unsupported_attrs(&block.body, &["from"], "");
        let Some(from) = block.body.attr("from") else {
            self.err(block.span, "Missing required argument", "The argument \"from\" is required, but no definition was found.");
            return;
        };
        let mut destroy = true;
        for lc in block.body.blocks_of("lifecycle") {
            if let Some(a) = lc.body.attr("destroy") {
                destroy = self.bool_literal(a).unwrap_or(true);
            }
        }
        self.module.removed.push(Removed { from: from.expr.clone(), destroy, span: block.span });
    }

    fn import(&mut self, block: NestedBlock) {
        self.unsupported_attrs(&block.body, &["to", "id", "for_each", "provider", "identity"], "");
        match (block.body.attr("to"), block.body.attr("id")) {
            (Some(t), Some(i)) => self.module.imports.push(Import {
                to: t.expr.clone(),
                id: i.expr.clone(),
                for_each: block.body.attr("for_each").map(|a| a.expr.clone()),
                provider: block.body.attr("provider").map(|a| a.expr.clone()),
                span: block.span,
            }),
            (None, _) => self.err(block.span, "Missing required argument", "The argument \"to\" is required, but no definition was found."),
            (_, None) => self.err(block.span, "Missing required argument", "The argument \"id\" is required, but no definition was found."),
        }
    }

    fn check(&mut self, block: NestedBlock) {
        if !self.labels(&block, 1, "check") {
            return;
        }
        let asserts = self.check_rules(&block.body, "assert");
        self.module.checks.push(Check { name: block.labels[0].clone(), asserts, span: block.type_span });
    }
}

fn resource_hash(key: &ResourceKey) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::default().hash_one(key)
}

pub fn valid_identifier(s: &str) -> bool {
    // ASCII names (nearly all) by bytes: for ASCII, `is_alphabetic`/`is_alphanumeric` are the
    // ASCII classes.
    if let Some((&first, rest)) = s.as_bytes().split_first().filter(|_| s.is_ascii()) {
        return (first.is_ascii_alphabetic() || first == b'_') && rest.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-');
    }
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// Unused-import guard for BTreeMap in this module's signature helpers.
#[allow(dead_code)]
type _Map = BTreeMap<String, String>;
