//! Opt-in phase timings for profiling: with `INFRA_TIMINGS=1` in the environment, each
//! [`mark`] prints to stderr how long the phase that just ended took and the time since the
//! process started (and the resident memory then). Off (one relaxed load per mark) otherwise. Benchmarks use it to see where a
//! run's wall time goes without a profiler.

use std::sync::OnceLock;
use std::time::Instant;

struct Clock {
    enabled: bool,
    start: Instant,
    last: std::sync::Mutex<Instant>,
}

fn clock() -> &'static Clock {
    static CLOCK: OnceLock<Clock> = OnceLock::new();
    CLOCK.get_or_init(|| {
        let now = Instant::now();
        Clock { enabled: std::env::var_os("INFRA_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0"), start: now, last: std::sync::Mutex::new(now) }
    })
}

/// Starts the clock; the first call (made at the top of `main`) fixes time zero.
pub fn start() {
    let _ = clock();
}

/// Records the end of the phase `label`.
pub fn mark(label: &str) {
    let c = clock();
    if !c.enabled {
        return;
    }
    let now = Instant::now();
    let mut last = c.last.lock().unwrap_or_else(|p| p.into_inner());
    let phase = now.duration_since(*last);
    *last = now;
    eprintln!(
        "[timing] {label:<28} {:>8.2} ms  (at {:>8.2} ms, rss {:>6.1} MiB)",
        phase.as_secs_f64() * 1e3,
        now.duration_since(c.start).as_secs_f64() * 1e3,
        resident_mib()
    );
}

/// The resident set size now (Linux), in MiB; 0 where it cannot be read.
fn resident_mib() -> f64 {
    let pages = std::fs::read_to_string("/proc/self/statm").ok().and_then(|s| s.split_whitespace().nth(1).and_then(|p| p.parse::<f64>().ok()));
    pages.map_or(0.0, |p| p * 4096.0 / (1024.0 * 1024.0))
}
