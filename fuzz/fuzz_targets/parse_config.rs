//! Parses arbitrary text as a configuration file, in native syntax and in JSON syntax, then
//! decodes it as a module (variables, type constraints, resources, lifecycle, moved, import, …)
//! and evaluates every expression found. Checks: no panic, no stack overflow, no hang.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

use infra_engine::config::body::Body;
use infra_engine::config::parse::{parse_module_dir, parse_native};
use infra_engine::config::json::parse_json_body;
use infra_engine::source::SourceMap;

/// One directory for the whole run; each input overwrites its `main.tf` (or `main.tf.json`).
fn module_dir() -> &'static std::path::Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a temporary directory for the fuzz run")).path()
}

fn evaluate_body(body: &Body, sources: &SourceMap) {
    for attr in body.attrs.values() {
        std::hint::black_box(infra_fuzz::evaluate_lowered(&attr.expr, sources));
    }
    for block in &body.blocks {
        evaluate_body(&block.body, sources);
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() > infra_fuzz::MAX_TEXT_LEN {
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    let may_evaluate = !infra_fuzz::touches_files(text);

    // The generic body, both syntaxes, straight from text.
    let sources = SourceMap::new();
    let mut diags = Vec::new();
    let native = sources.add("main.tf", text);
    if let Some(body) = parse_native(native, "main.tf", text, &sources, &mut diags) {
        if may_evaluate {
            evaluate_body(&body, &sources);
        }
    }
    let json = sources.add("main.tf.json", text);
    if let Some(body) = parse_json_body(json, text, &sources, &mut diags) {
        if may_evaluate {
            evaluate_body(&body, &sources);
        }
    }
    for d in &diags {
        std::hint::black_box(format!("{d:?}"));
    }

    // The module decoder, which only has a directory entry point.
    let dir = module_dir();
    let (name, other) = if text.trim_start().starts_with('{') { ("main.tf.json", "main.tf") } else { ("main.tf", "main.tf.json") };
    let _ = std::fs::remove_file(dir.join(other));
    if std::fs::write(dir.join(name), text).is_err() {
        return;
    }
    let sources = SourceMap::new();
    let mut diags = Vec::new();
    let module = parse_module_dir(dir, ".", &sources, &mut diags);
    for (constraint, _) in &module.required_version {
        std::hint::black_box(infra_engine::config::version::satisfies("1.11.4", constraint));
    }
    if may_evaluate {
        for variable in module.variables.values() {
            if let Some(default) = &variable.default {
                let v = infra_fuzz::evaluate_lowered(default, &sources);
                let v = match &variable.type_defaults {
                    Some(d) => d.apply(&variable.ty, v),
                    None => v,
                };
                std::hint::black_box(infra_value::convert::convert(&v, &variable.ty).ok());
            }
        }
        for local in module.locals.values() {
            std::hint::black_box(infra_fuzz::evaluate_lowered(&local.expr, &sources));
        }
        for output in module.outputs.values() {
            std::hint::black_box(infra_fuzz::evaluate_lowered(&output.expr, &sources));
        }
    }
});
