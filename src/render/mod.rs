//! Renderers for the CLI: diagnostics with source snippets, the human plan (Terraform's exact
//! text), Terraform's JSON plan and state representations, and a markdown summary for pull
//! requests. The engine never prints; commands call these on the engine's models.
//!
//! **Invariant:** no renderer ever prints a sensitive value: the human and markdown forms show
//! `(sensitive value)`, the JSON forms replace it with `null` (see [`plan_json`]).

pub mod config_json;
mod diff;
pub mod diagnostics;
pub mod markdown;
pub mod plan_json;
pub mod plan_text;
mod text;
mod view;

pub use config_json::configuration_json;
pub use diagnostics::render_diagnostic;
pub use markdown::plan_markdown;
pub use plan_json::{plan_json, state_json};
pub use plan_text::{render_plan, TextOptions};
