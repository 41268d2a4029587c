//! Apply progress. On a terminal: an overall bar plus one line per resource in flight with its
//! elapsed time (indicatif). Otherwise plain lines as Terraform prints them in CI logs:
//! `addr: Creating...` / `addr: Creation complete after 2s [id=…]`.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;

use infra_engine::hooks::{Hooks, OpKind};

pub struct LineHooks {
    bars: Option<Bars>,
}

struct Bars {
    multi: indicatif::MultiProgress,
    overall: indicatif::ProgressBar,
    inflight: Mutex<std::collections::HashMap<String, indicatif::ProgressBar>>,
}

impl LineHooks {
    pub fn new(_color: bool) -> LineHooks {
        let tty = std::io::stdout().is_terminal() && std::env::var_os("CI").is_none();
        let bars = tty.then(|| {
            let multi = indicatif::MultiProgress::new();
            let overall = multi.add(indicatif::ProgressBar::new(0));
            if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} operations  [{elapsed}]") {
                overall.set_style(style);
            }
            Bars { multi, overall, inflight: Mutex::new(Default::default()) }
        });
        LineHooks { bars }
    }

    fn line(&self, s: String) {
        match &self.bars {
            Some(b) => {
                let _ = b.multi.println(s);
            }
            None => {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{s}");
            }
        }
    }
}

fn verbs(op: OpKind) -> (&'static str, &'static str) {
    match op {
        OpKind::Create => ("Creating...", "Creation complete"),
        OpKind::Update => ("Modifying...", "Modifications complete"),
        OpKind::Delete => ("Destroying...", "Destruction complete"),
        OpKind::Read => ("Reading...", "Read complete"),
        OpKind::Refresh => ("Refreshing state...", "Refresh complete"),
        OpKind::Import => ("Preparing import...", "Import prepared"),
    }
}

fn secs(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 {
        format!("{}m{}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

impl Hooks for LineHooks {
    fn start(&self, addr: &str, op: OpKind, id: Option<&str>) {
        if matches!(op, OpKind::Refresh | OpKind::Import) {
            return;
        }
        let (start, _) = verbs(op);
        let suffix = match (op, id) {
            (OpKind::Update | OpKind::Delete, Some(id)) => format!(" [id={id}]"),
            _ => String::new(),
        };
        if let Some(b) = &self.bars {
            b.overall.inc_length(1);
            let pb = b.multi.add(indicatif::ProgressBar::new_spinner());
            if let Ok(style) = indicatif::ProgressStyle::with_template("  {spinner} {msg} [{elapsed}]") {
                pb.set_style(style);
            }
            pb.set_message(format!("{addr}: {start}"));
            pb.enable_steady_tick(Duration::from_millis(200));
            if let Ok(mut m) = b.inflight.lock() {
                m.insert(addr.to_string(), pb);
            }
        }
        self.line(format!("{addr}: {start}{suffix}"));
    }

    fn complete(&self, addr: &str, op: OpKind, id: Option<&str>, elapsed: Duration) {
        if matches!(op, OpKind::Refresh | OpKind::Import) {
            return;
        }
        let (_, done) = verbs(op);
        let suffix = match (op, id) {
            (OpKind::Delete, _) | (_, None) => String::new(),
            (_, Some(id)) => format!(" [id={id}]"),
        };
        if let Some(b) = &self.bars {
            b.overall.inc(1);
            if let Some(pb) = b.inflight.lock().ok().and_then(|mut m| m.remove(addr)) {
                pb.finish_and_clear();
            }
        }
        self.line(format!("{addr}: {done} after {}{suffix}", secs(elapsed)));
    }

    fn failed(&self, addr: &str, _op: OpKind, _elapsed: Duration) {
        if let Some(b) = &self.bars {
            b.overall.inc(1);
            if let Some(pb) = b.inflight.lock().ok().and_then(|mut m| m.remove(addr)) {
                pb.finish_and_clear();
            }
        }
    }
}

impl Drop for LineHooks {
    fn drop(&mut self) {
        if let Some(b) = &self.bars {
            b.overall.finish_and_clear();
        }
    }
}

/// Plan-time progress: the `Refreshing state...` and `Preparing import...` lines Terraform
/// prints before the plan.
pub struct PlanHooks;

impl Hooks for PlanHooks {
    fn start(&self, addr: &str, op: OpKind, id: Option<&str>) {
        let (verb, _) = verbs(op);
        if !matches!(op, OpKind::Refresh | OpKind::Import | OpKind::Read) {
            return;
        }
        let mut out = std::io::stdout().lock();
        let _ = match id {
            Some(id) => writeln!(out, "{addr}: {verb} [id={id}]"),
            None => writeln!(out, "{addr}: {verb}"),
        };
    }
}
