//! `infra-engine`: configuration, language, graph, plan and apply.
//!
//! - [`config`] parses a directory of `.tf` / `.tf.json` files into a static model that keeps
//!   expressions unevaluated (with spans), and loads the module tree.
//! - [`lang`] lowers expressions to an AST and evaluates them ([`lang::eval::Scope`] resolves
//!   references).
//!
//! The engine never prints: results and diagnostics go back to the caller (the CLI), progress
//! through the [`hooks::Hooks`] trait.

pub mod lang;
pub mod source;
pub mod config;
pub mod addrs;
pub mod decode;
pub mod hooks;
pub mod graph;
pub mod state_bridge;
pub mod plan;
pub mod providers;
pub mod recover;
pub mod walk;
pub mod variables;
pub mod session;
pub mod par;
mod schedule;
pub mod state_encode;
pub mod timings;
