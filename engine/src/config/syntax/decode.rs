//! The checks Terraform makes while decoding HCL's *partial* parse result.
//!
//! Terraform (`configs.parseConfigFile`) decodes whatever body HCL returns, even with syntax
//! errors, so a broken file also gets schema diagnostics for what did parse: a line such as
//! `default "x"` (missing `=`) parses as a block, and the variable schema then reports
//! "Unsupported block type" for it. Only the static schemas whose decoding is strict are
//! applied here (the file's top level, `terraform`, `variable`, `output`, `locals`); resource,
//! data, module and provider bodies depend on provider schemas, which Terraform never reaches
//! for a file that fails to parse.

use super::native::{Block, Body};
use super::scan::Rng;
use super::{go_quote, name_suggestion, Diag};

struct Schema {
    attrs: &'static [(&'static str, bool)],
    blocks: &'static [(&'static str, &'static [&'static str])],
}

/// `configFileSchema` (Terraform 1.11).
const FILE: Schema = Schema {
    attrs: &[],
    blocks: &[
        ("terraform", &[]),
        ("required_providers", &[]),
        ("provider", &["name"]),
        ("variable", &["name"]),
        ("locals", &[]),
        ("output", &["name"]),
        ("module", &["name"]),
        ("resource", &["type", "name"]),
        ("data", &["type", "name"]),
        ("ephemeral", &["type", "name"]),
        ("moved", &[]),
        ("removed", &[]),
        ("import", &[]),
        ("check", &["name"]),
    ],
};

const TERRAFORM: Schema = Schema {
    attrs: &[("required_version", false), ("experiments", false), ("language", false)],
    blocks: &[
        ("backend", &["type"]),
        ("cloud", &[]),
        ("required_providers", &[]),
        ("provider_meta", &["provider"]),
    ],
};

const VARIABLE: Schema = Schema {
    attrs: &[
        ("description", false),
        ("default", false),
        ("type", false),
        ("sensitive", false),
        ("ephemeral", false),
        ("nullable", false),
    ],
    blocks: &[("validation", &[])],
};

const OUTPUT: Schema = Schema {
    attrs: &[
        ("description", false),
        ("value", true),
        ("depends_on", false),
        ("sensitive", false),
        ("ephemeral", false),
    ],
    blocks: &[("precondition", &[]), ("postcondition", &[])],
};

/// Same as [`OUTPUT`] but nothing required: override files may set only some arguments.
const OUTPUT_OVERRIDE: Schema = Schema {
    attrs: &[
        ("description", false),
        ("value", false),
        ("depends_on", false),
        ("sensitive", false),
        ("ephemeral", false),
    ],
    blocks: OUTPUT.blocks,
};

fn diag(summary: String, detail: String, subject: Rng, context: Option<Rng>) -> Diag {
    Diag { summary, detail, subject, context }
}

/// Decodes a whole file's partial body as Terraform would, returning only the diagnostics.
pub(crate) fn config_file(_filename: &str, body: &Body, is_override: bool) -> Vec<Diag> {
    let mut diags = Vec::new();
    let blocks = content(body, &FILE, &mut diags);
    for block in blocks {
        match block.ty.as_str() {
            "terraform" => {
                content(&block.body, &TERRAFORM, &mut diags);
            }
            "required_providers" => diags.push(diag(
                "Invalid required_providers block".to_owned(),
                "A \"required_providers\" block must be nested inside a \"terraform\" block.".to_owned(),
                block.ty_range,
                None,
            )),
            "variable" => {
                content(&block.body, &VARIABLE, &mut diags);
            }
            "output" => {
                content(&block.body, if is_override { &OUTPUT_OVERRIDE } else { &OUTPUT }, &mut diags);
            }
            "locals" => {
                if let Some(first) = block.body.blocks.first() {
                    diags.push(diag(
                        format!("Unexpected {} block", go_quote(&first.ty)),
                        "Blocks are not allowed here.".to_owned(),
                        first.ty_range,
                        None,
                    ));
                }
            }
            _ => {}
        }
    }
    diags
}

/// HCL's `Body.Content`: required arguments, label counts, then anything the schema does not
/// name. Returns the blocks that matched the schema (with the right number of labels).
fn content<'b>(body: &'b Body, schema: &Schema, diags: &mut Vec<Diag>) -> Vec<&'b Block> {
    for (name, required) in schema.attrs {
        if *required && !body.attrs.iter().any(|a| a.name == *name) {
            diags.push(diag(
                "Missing required argument".to_owned(),
                format!("The argument {} is required, but no definition was found.", go_quote(name)),
                body.missing_item,
                None,
            ));
        }
    }

    let mut matched = Vec::new();
    for block in &body.blocks {
        let Some((_, label_names)) = schema.blocks.iter().find(|(ty, _)| *ty == block.ty) else {
            continue;
        };
        let context = Some(Rng::between(block.ty_range, block.open_brace_range));
        if block.labels.len() > label_names.len() {
            let (detail, subject) = if label_names.is_empty() {
                (format!("No labels are expected for {} blocks.", block.ty), block.label_ranges.first())
            } else {
                (
                    format!(
                        "Only {} labels ({}) are expected for {} blocks.",
                        label_names.len(),
                        label_names.join(", "),
                        block.ty
                    ),
                    block.label_ranges.get(label_names.len()),
                )
            };
            diags.push(diag(
                format!("Extraneous label for {}", block.ty),
                detail,
                subject.copied().unwrap_or(block.ty_range),
                context,
            ));
            continue;
        }
        if let Some(missing) = label_names.get(block.labels.len()) {
            diags.push(diag(
                format!("Missing {} for {}", missing, block.ty),
                format!(
                    "All {} blocks must have {} labels ({}).",
                    block.ty,
                    label_names.len(),
                    label_names.join(", ")
                ),
                block.open_brace_range,
                context,
            ));
            continue;
        }
        matched.push(block);
    }

    for attr in &body.attrs {
        if schema.attrs.iter().any(|(n, _)| *n == attr.name) {
            continue;
        }
        // Arguments the schema names are all unset here except those the body defines, and
        // those are exactly the ones that matched, so every schema argument is a candidate.
        let candidates: Vec<&str> = schema
            .attrs
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| !body.attrs.iter().any(|a| a.name == *n))
            .collect();
        let suggestion = match name_suggestion(&attr.name, &candidates) {
            Some(s) => format!(" Did you mean {}?", go_quote(s)),
            None if schema.blocks.iter().any(|(ty, _)| *ty == attr.name) => {
                format!(" Did you mean to define a block of type {}?", go_quote(&attr.name))
            }
            None => String::new(),
        };
        diags.push(diag(
            "Unsupported argument".to_owned(),
            format!("An argument named {} is not expected here.{suggestion}", go_quote(&attr.name)),
            attr.name_range,
            None,
        ));
    }

    for block in &body.blocks {
        if schema.blocks.iter().any(|(ty, _)| *ty == block.ty) {
            continue;
        }
        let candidates: Vec<&str> = schema.blocks.iter().map(|(ty, _)| *ty).collect();
        let suggestion = match name_suggestion(&block.ty, &candidates) {
            Some(s) => format!(" Did you mean {}?", go_quote(s)),
            None if schema.attrs.iter().any(|(n, _)| *n == block.ty) => format!(
                " Did you mean to define argument {}? If so, use the equals sign to assign it a value.",
                go_quote(&block.ty)
            ),
            None => String::new(),
        };
        diags.push(diag(
            "Unsupported block type".to_owned(),
            format!("Blocks of type {} are not expected here.{suggestion}", go_quote(&block.ty)),
            block.ty_range,
            None,
        ));
    }
    matched
}
