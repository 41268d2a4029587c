//! Progress reporting from the engine to the CLI. The engine never prints; it calls these hooks.

use std::time::Duration;

/// What the apply walk is doing to one instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpKind {
    Create,
    Update,
    Delete,
    Read,
    Refresh,
    /// "Preparing import..." of an `import` block target.
    Import,
}

pub trait Hooks: Send + Sync {
    fn start(&self, _addr: &str, _op: OpKind, _id: Option<&str>) {}
    fn complete(&self, _addr: &str, _op: OpKind, _id: Option<&str>, _elapsed: Duration) {}
    fn failed(&self, _addr: &str, _op: OpKind, _elapsed: Duration) {}
    /// Called periodically for long operations ("Still creating... [10s elapsed]").
    fn still_running(&self, _addr: &str, _op: OpKind, _elapsed: Duration) {}
    /// Total number of operations the apply will perform, once known.
    fn total(&self, _n: usize) {}
}

/// Hooks that ignore everything.
pub struct NoHooks;
impl Hooks for NoHooks {}
