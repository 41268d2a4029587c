//! Values rendered as Terraform prints them in `apply` output summaries and `infra output`:
//! HCL-like syntax, two-space indentation, heredocs for multi-line strings, `<sensitive>` for
//! sensitive outputs.

use infra_value::value::Kind;
use infra_value::Value;

pub fn format_value(v: &Value, indent: usize) -> String {
    let (v, _) = v.unmark_deep();
    let pad = "  ".repeat(indent);
    match v.kind() {
        Kind::Null(_) => "null".into(),
        Kind::Unknown(_) => "(known after apply)".into(),
        Kind::Bool(b) => b.to_string(),
        // As Terraform shows it once stored: negative zero is 0 (see `number_to_json`).
        Kind::Number(n) if n.is_zero() => "0".to_string(),
        Kind::Number(n) => n.to_string(),
        Kind::String(s) => {
            if s.contains('\n') && s.len() > 1 {
                let mut out = String::from("<<EOT\n");
                for line in s.trim_end_matches('\n').split('\n') {
                    out.push_str(&pad);
                    out.push_str(line);
                    out.push('\n');
                }
                if !s.ends_with('\n') {
                    // Terraform shows the exact value; a missing final newline is visible only
                    // through the heredoc marker form.
                }
                out.push_str(&pad);
                out.push_str("EOT");
                out
            } else {
                quote(s)
            }
        }
        Kind::List(_, es) | Kind::Set(_, es) | Kind::Tuple(es) => {
            if es.is_empty() {
                return "[]".into();
            }
            let mut out = String::from("[\n");
            for e in es.iter() {
                out.push_str(&format!("{pad}  {},\n", format_value(e, indent + 1)));
            }
            out.push_str(&pad);
            out.push(']');
            out
        }
        Kind::Map(_, m) | Kind::Object(m) => {
            if m.is_empty() {
                return "{}".into();
            }
            let width = m.keys().map(|k| quote(k).chars().count()).max().unwrap_or(0);
            let mut out = String::from("{\n");
            for (k, e) in m.iter() {
                let qk = quote(k);
                let spaces = " ".repeat(width - qk.chars().count());
                out.push_str(&format!("{pad}  {qk}{spaces} = {}\n", format_value(e, indent + 1)));
            }
            out.push_str(&pad);
            out.push('}');
            out
        }
    }
}

/// A string literal with Terraform's escapes.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    // Template sequences are escaped so the output reads back as the same value.
    out.replace("${", "$${").replace("%{", "%%{")
}
