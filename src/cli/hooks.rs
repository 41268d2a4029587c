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
///
/// Lines are written in batches: standard output flushes at every newline, and a line per
/// write was a thousand system calls for a thousand-instance refresh (a few milliseconds of a
/// 30 ms plan). A batch goes out at the latest [`LINE_DELAY`] after its first line, from a task
/// on the runtime, so a slow refresh still shows its line while it runs; dropping the hooks
/// writes what is left, and callers drop them before printing anything else.
pub struct PlanHooks {
    pending: std::sync::Arc<Mutex<PendingLines>>,
}

struct PendingLines {
    text: String,
    /// A task will write `text` shortly.
    scheduled: bool,
    /// Standard output, but for tests.
    out: Box<dyn Write + Send>,
}

impl Default for PlanHooks {
    fn default() -> Self {
        PlanHooks::writing_to(Box::new(std::io::stdout()))
    }
}

impl PlanHooks {
    fn writing_to(out: Box<dyn Write + Send>) -> Self {
        PlanHooks { pending: std::sync::Arc::new(Mutex::new(PendingLines { text: String::new(), scheduled: false, out })) }
    }
}

/// How long a progress line may wait for others to share its write.
const LINE_DELAY: Duration = Duration::from_millis(50);

/// A batch this large is written at once.
const BATCH_BYTES: usize = 64 << 10;

fn write_pending(pending: &Mutex<PendingLines>) {
    let mut p = pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    p.scheduled = false;
    if !p.text.is_empty() {
        let text = std::mem::take(&mut p.text);
        let _ = p.out.write_all(text.as_bytes());
        let _ = p.out.flush();
    }
}

impl Drop for PlanHooks {
    fn drop(&mut self) {
        write_pending(&self.pending);
    }
}

impl Hooks for PlanHooks {
    fn start(&self, addr: &str, op: OpKind, id: Option<&str>) {
        let (verb, _) = verbs(op);
        if !matches!(op, OpKind::Refresh | OpKind::Import | OpKind::Read) {
            return;
        }
        let now = {
            let mut p = self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            use std::fmt::Write as _;
            let _ = match id {
                Some(id) => writeln!(p.text, "{addr}: {verb} [id={id}]"),
                None => writeln!(p.text, "{addr}: {verb}"),
            };
            if p.text.len() >= BATCH_BYTES {
                true
            } else if p.scheduled {
                false
            } else if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                p.scheduled = true;
                let pending = self.pending.clone();
                runtime.spawn(async move {
                    tokio::time::sleep(LINE_DELAY).await;
                    write_pending(&pending);
                });
                false
            } else {
                true
            }
        };
        if now {
            write_pending(&self.pending);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Records each `write_all` as one entry.
    #[derive(Clone, Default)]
    struct Writes(Arc<Mutex<Vec<String>>>);
    impl Write for Writes {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.write_all(buf)?;
            Ok(buf.len())
        }
        fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
            self.0.lock().unwrap().push(String::from_utf8_lossy(buf).into_owned());
            Ok(())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn refresh_lines_are_batched_and_written_soon() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        let writes = Writes::default();
        runtime.block_on(async {
            let hooks = PlanHooks::writing_to(Box::new(writes.clone()));
            hooks.start("a.x", OpKind::Refresh, Some("1"));
            hooks.start("a.y", OpKind::Refresh, None);
            hooks.start("a.z", OpKind::Create, None); // not a plan-time line
            assert!(writes.0.lock().unwrap().is_empty(), "lines wait to share a write");
            tokio::time::sleep(LINE_DELAY * 3).await;
            assert_eq!(*writes.0.lock().unwrap(), vec!["a.x: Refreshing state... [id=1]\na.y: Refreshing state...\n".to_string()]);
            hooks.start("b.x", OpKind::Refresh, Some("2"));
            drop(hooks);
            // Dropped, the hooks write what is left at once.
            assert_eq!(writes.0.lock().unwrap().last().map(String::as_str), Some("b.x: Refreshing state... [id=2]\n"));
        });
    }
}
