//! Terraform's filesystem functions. They only ever read (the crate's invariant), and resolve
//! relative paths against [`FuncContext::base_dir`], the calling module's directory.
//! `templatefile` is not here: the engine implements it because it evaluates a template.
//!
//! Messages name paths the way Terraform does when run from the configuration's root
//! directory: relative to the working directory when the file lies under it.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use base64::Engine;
use infra_value::{Type, Value};

use crate::encoding::go_quote;
use crate::registry::{arg_error, call_error, Function, Param};
use crate::string::text;
use crate::{FuncContext, FuncError};

static FUNCTIONS: LazyLock<Vec<Function>> = LazyLock::new(|| {
    let s = |name| Param::new(name, Type::String);
    let ret_string: fn(&[Value]) -> Result<Type, FuncError> = |_| Ok(Type::String);
    vec![
        Function::new("abspath", vec![s("path")], ret_string, abspath),
        Function::new("basename", vec![s("path")], ret_string, basename),
        Function::new("dirname", vec![s("path")], ret_string, dirname),
        Function::new("file", vec![s("path")], ret_string, file),
        Function::new("filebase64", vec![s("path")], ret_string, filebase64),
        Function::new("fileexists", vec![s("path")], |_| Ok(Type::Bool), fileexists),
        Function::new("fileset", vec![s("path"), s("pattern")], |_| Ok(Type::set(Type::String)), fileset),
        Function::new("pathexpand", vec![s("path")], ret_string, pathexpand),
    ]
});

/// This family's functions (see `registry` for how a family registers them).
pub fn functions() -> &'static [Function] {
    &FUNCTIONS
}

// ----- path helpers (Go's path/filepath on Unix) -----

/// Go's `filepath.Clean`: lexical simplification of `.`, `..` and repeated slashes.
pub(crate) fn go_clean(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// `~` and `~/…` expanded with `$HOME`, as go-homedir does.
fn expand_home(path: &str) -> Result<String, String> {
    if !path.starts_with('~') {
        return Ok(path.to_string());
    }
    if path.len() > 1 && !path[1..].starts_with('/') {
        return Err("cannot expand user-specific home dir".into());
    }
    let home = std::env::var("HOME").map_err(|_| "home directory can't be determined".to_string())?;
    Ok(format!("{home}{}", &path[1..]))
}

/// A user's path made absolute against the module directory, `~` expanded, cleaned.
pub(crate) fn resolve(ctx: &FuncContext, path: &str) -> Result<PathBuf, String> {
    let expanded = expand_home(path).map_err(|e| format!("failed to expand ~: {e}"))?;
    let joined = if Path::new(&expanded).is_absolute() {
        expanded
    } else {
        format!("{}/{expanded}", ctx.base_dir.display())
    };
    Ok(PathBuf::from(go_clean(&joined)))
}

/// How a path appears in messages: relative to the working directory when under it.
pub(crate) fn display_path(path: &Path) -> String {
    if let Ok(cwd) = std::env::current_dir() {
        if let Ok(rel) = path.strip_prefix(&cwd) {
            let rel = rel.to_string_lossy().into_owned();
            return if rel.is_empty() { ".".into() } else { rel };
        }
    }
    path.to_string_lossy().into_owned()
}

/// Go's `*PathError` text for a failed operation: `open x: no such file or directory`.
fn path_error(op: &str, path: &Path, e: &std::io::Error) -> String {
    let reason = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::IsADirectory => "is a directory".to_string(),
        _ => {
            // Strip Rust's " (os error N)" suffix to leave the C library's text, as Go prints.
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => {
                    let t = &s[..i];
                    let mut chars = t.chars();
                    chars.next().map(|c| c.to_lowercase().collect::<String>() + chars.as_str()).unwrap_or_default()
                }
                None => s,
            }
        }
    };
    format!("{op} {}: {reason}", display_path(path))
}

/// Reads a file for the file hash functions: errors are the plain open/read errors, reported
/// as a call error.
pub(crate) fn read_for_hash(ctx: &FuncContext, path: &str) -> Result<Vec<u8>, FuncError> {
    let resolved = resolve(ctx, path).map_err(call_error)?;
    let mut f = std::fs::File::open(&resolved).map_err(|e| call_error(path_error("open", &resolved, &e)))?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut f, &mut bytes).map_err(|e| call_error(path_error("read", &resolved, &e)))?;
    Ok(bytes)
}

/// Reads a file for `file` and `filebase64`, with Terraform's advice when it is missing.
fn read_file_bytes(ctx: &FuncContext, path: &str) -> Result<(PathBuf, Vec<u8>), FuncError> {
    let resolved = resolve(ctx, path).map_err(call_error)?;
    match std::fs::read(&resolved) {
        Ok(bytes) => Ok((resolved, bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(arg_error(
            0,
            format!(
                "no file exists at {}; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource",
                // The path as the configuration wrote it, as Terraform shows it.
                go_quote(path)
            ),
        )),
        Err(e) => Err(arg_error(0, format!("failed to read file: {}", path_error("read", &resolved, &e)))),
    }
}

// ----- functions -----

fn abspath(args: &[Value], _: &Type, ctx: &FuncContext) -> Result<Value, FuncError> {
    // Terraform resolves against the process's working directory, which is the root module's.
    let path = text(&args[0]);
    if path.starts_with('/') {
        return Ok(Value::string(go_clean(path)));
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| ctx.base_dir.clone());
    Ok(Value::string(go_clean(&format!("{}/{path}", cwd.display()))))
}

fn basename(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let path = text(&args[0]);
    if path.is_empty() {
        return Ok(Value::string("."));
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return Ok(Value::string("/"));
    }
    Ok(Value::string(trimmed.rsplit('/').next().unwrap_or(trimmed)))
}

fn dirname(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let path = text(&args[0]);
    let dir = match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "",
    };
    Ok(Value::string(go_clean(dir)))
}

fn pathexpand(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    expand_home(text(&args[0])).map(Value::string).map_err(call_error)
}

fn file(args: &[Value], _: &Type, ctx: &FuncContext) -> Result<Value, FuncError> {
    let (resolved, bytes) = read_file_bytes(ctx, text(&args[0]))?;
    String::from_utf8(bytes).map(Value::string).map_err(|_| {
        call_error(format!(
            "contents of {} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead",
            go_quote(&display_path(&resolved))
        ))
    })
}

fn filebase64(args: &[Value], _: &Type, ctx: &FuncContext) -> Result<Value, FuncError> {
    let (_, bytes) = read_file_bytes(ctx, text(&args[0]))?;
    Ok(Value::string(base64::engine::general_purpose::STANDARD.encode(bytes)))
}

fn fileexists(args: &[Value], _: &Type, ctx: &FuncContext) -> Result<Value, FuncError> {
    let resolved = resolve(ctx, text(&args[0])).map_err(call_error)?;
    let meta = match std::fs::metadata(&resolved) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Value::bool(false)),
        Err(_) => return Err(call_error(format!("failed to stat {}", go_quote(&display_path(&resolved))))),
    };
    if meta.is_file() {
        return Ok(Value::bool(true));
    }
    use std::os::unix::fs::FileTypeExt;
    let ft = meta.file_type();
    let name = go_quote(&display_path(&resolved));
    let message = if ft.is_dir() {
        format!("{name} is a directory, not a file")
    } else if ft.is_block_device() || ft.is_char_device() {
        format!("{name} is a device node, not a regular file")
    } else if ft.is_fifo() {
        format!("{name} is a named pipe, not a regular file")
    } else if ft.is_socket() {
        format!("{name} is a unix domain socket, not a regular file")
    } else {
        format!("{name} is not a regular file")
    };
    Err(call_error(message))
}

// ----- fileset: doublestar globbing -----

/// Terraform's `fileset`: regular files under `path` matching `pattern` (doublestar syntax:
/// `*`, `?`, `[class]`, `{a,b}`, and `**` for any number of directories), as paths relative to
/// `path` with `/` separators.
fn fileset(args: &[Value], _: &Type, ctx: &FuncContext) -> Result<Value, FuncError> {
    let base = resolve(ctx, text(&args[0])).map_err(call_error)?;
    let pattern = text(&args[1]);
    let full_pattern = go_clean(&format!("{}/{pattern}", base.display()));
    let segments: Vec<&str> = full_pattern.split('/').filter(|s| !s.is_empty()).collect();
    for segment in &segments {
        validate_segment(segment).map_err(|_| {
            call_error(format!("failed to glob pattern {}: syntax error in pattern", go_quote(&full_pattern)))
        })?;
    }
    let mut matches = Vec::new();
    glob_walk(PathBuf::from("/"), &segments, &mut matches, 0);
    let mut results = Vec::new();
    for m in matches {
        let Ok(meta) = std::fs::metadata(&m) else { continue };
        if !meta.is_file() {
            continue;
        }
        if let Ok(rel) = m.strip_prefix(&base) {
            results.push(Value::string(rel.to_string_lossy().replace('\\', "/")));
        }
    }
    Ok(Value::set(Type::String, results))
}

/// Deepest directory nesting fileset follows, so that symlink cycles end.
const MAX_GLOB_DEPTH: usize = 64;

fn glob_walk(dir: PathBuf, segments: &[&str], out: &mut Vec<PathBuf>, depth: usize) {
    let Some((first, rest)) = segments.split_first() else {
        out.push(dir);
        return;
    };
    if depth > MAX_GLOB_DEPTH {
        return;
    }
    if *first == "**" {
        glob_walk(dir.clone(), rest, out, depth + 1);
        let Ok(entries) = std::fs::read_dir(&dir) else { return };
        let mut names: Vec<_> = entries.flatten().collect();
        names.sort_by_key(|e| e.file_name());
        for entry in names {
            if entry.path().is_dir() {
                glob_walk(entry.path(), segments, out, depth + 1);
            } else if rest.is_empty() {
                // A trailing `**` also matches the files in every directory.
                out.push(entry.path());
            }
        }
        return;
    }
    if !has_meta(first) {
        let next = dir.join(unescape(first));
        if next.symlink_metadata().is_ok() {
            glob_walk(next, rest, out, depth + 1);
        }
        return;
    }
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if segment_matches(first, &name) {
            glob_walk(entry.path(), rest, out, depth + 1);
        }
    }
}

fn has_meta(segment: &str) -> bool {
    segment.contains(['*', '?', '[', '{', '\\'])
}

fn unescape(segment: &str) -> String {
    let mut out = String::new();
    let mut chars = segment.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Checks brackets and braces are closed, as doublestar's `ErrBadPattern`.
fn validate_segment(segment: &str) -> Result<(), ()> {
    let chars: Vec<char> = segment.chars().collect();
    let mut i = 0;
    let mut braces = 0i32;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' => {
                let mut j = i + 1;
                if j < chars.len() && (chars[j] == '^' || chars[j] == '!') {
                    j += 1;
                }
                if j < chars.len() && chars[j] == ']' {
                    j += 1;
                }
                while j < chars.len() && chars[j] != ']' {
                    if chars[j] == '\\' {
                        j += 1;
                    }
                    j += 1;
                }
                if j >= chars.len() {
                    return Err(());
                }
                i = j;
            }
            '{' => braces += 1,
            '}' => braces -= 1,
            _ => {}
        }
        i += 1;
    }
    if braces != 0 {
        return Err(());
    }
    Ok(())
}

/// Matches one path segment against one pattern segment.
fn segment_matches(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_from(&p, &n)
}

fn match_from(p: &[char], n: &[char]) -> bool {
    let Some((&c, prest)) = p.split_first() else {
        return n.is_empty();
    };
    match c {
        '*' => (0..=n.len()).any(|k| match_from(prest, &n[k..])),
        '?' => !n.is_empty() && match_from(prest, &n[1..]),
        '\\' => match (prest.split_first(), n.split_first()) {
            (Some((&lit, prest2)), Some((&first, nrest))) => lit == first && match_from(prest2, nrest),
            _ => false,
        },
        '[' => {
            let Some((&first, nrest)) = n.split_first() else { return false };
            let mut j = 0;
            let negate = matches!(prest.first(), Some('^') | Some('!'));
            if negate {
                j += 1;
            }
            let mut matched = false;
            let mut first_item = true;
            while j < prest.len() && (prest[j] != ']' || first_item) {
                first_item = false;
                let mut lo = prest[j];
                if lo == '\\' && j + 1 < prest.len() {
                    j += 1;
                    lo = prest[j];
                }
                let mut hi = lo;
                if j + 2 < prest.len() && prest[j + 1] == '-' && prest[j + 2] != ']' {
                    hi = prest[j + 2];
                    j += 2;
                }
                if lo <= first && first <= hi {
                    matched = true;
                }
                j += 1;
            }
            if j >= prest.len() {
                return false;
            }
            matched != negate && match_from(&prest[j + 1..], nrest)
        }
        '{' => {
            // Split the alternatives at top-level commas up to the matching brace.
            let mut depth = 0;
            let mut end = None;
            let mut starts = vec![0usize];
            for (k, ch) in prest.iter().enumerate() {
                match ch {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        end = Some(k);
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => starts.push(k + 1),
                    _ => {}
                }
            }
            let Some(end) = end else { return false };
            let after = &prest[end + 1..];
            let mut bounds = starts.clone();
            bounds.push(end + 1);
            (0..starts.len()).any(|a| {
                let alt = &prest[bounds[a]..bounds[a + 1] - 1];
                let mut candidate: Vec<char> = alt.to_vec();
                candidate.extend_from_slice(after);
                match_from(&candidate, n)
            })
        }
        lit => n.first() == Some(&lit) && match_from(prest, &n[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_matches_go() {
        for (input, want) in [("", "."), ("a/../b", "b"), ("/../a", "/a"), ("../../x", "../../x"), ("a//b/./", "a/b"), ("/", "/")] {
            assert_eq!(go_clean(input), want, "{input}");
        }
    }

    #[test]
    fn segments_match_doublestar() {
        assert!(segment_matches("*.txt", "a.txt"));
        assert!(!segment_matches("*.txt", "a.tf"));
        assert!(segment_matches("{a,b}.tf", "b.tf"));
        assert!(segment_matches("[a-c]?", "bz"));
        assert!(!segment_matches("[!a-c]?", "bz"));
    }
}
