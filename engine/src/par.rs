//! Data parallelism for the CPU-bound phases of a run (decoding state, evaluating many
//! instances' configurations): a plain fork-join over scoped threads, no thread pool.
//!
//! Runs are short and the machine may have two cores: spawning a thread costs tens of
//! microseconds, so work is split only when there is enough of it, into one chunk per core.

use std::num::NonZeroUsize;

/// Number of worker threads to use for `len` items when each chunk must have at least
/// `min_per_thread` of them: 1 (run inline) for small inputs.
fn threads_for(len: usize, min_per_thread: usize) -> usize {
    cores().min(len / min_per_thread.max(1)).max(1)
}

/// The number of cores this process may use, asked once: `available_parallelism` reads cgroup
/// files under /proc and /sys on each call (tens of microseconds — it was called per resource).
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map(NonZeroUsize::get).unwrap_or(1))
}

/// `items.iter().map(f).collect()`, computed on up to one thread per core when there are at
/// least `2 * min_per_thread` items. Results are in the order of `items`. A panic in `f`
/// propagates, as it would inline.
pub fn map<T: Sync, R: Send>(items: &[T], min_per_thread: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = threads_for(items.len(), min_per_thread);
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let mut chunks = items.chunks(chunk);
        // The calling thread takes the first chunk itself.
        let first = chunks.next();
        let handles: Vec<_> = chunks.map(|c| s.spawn(move || c.iter().map(f).collect::<Vec<R>>())).collect();
        let mut out: Vec<R> = first.map(|c| c.iter().map(f).collect()).unwrap_or_default();
        for h in handles {
            match h.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_for_small_and_large_inputs() {
        for n in [0usize, 1, 5, 1000, 10_001] {
            let items: Vec<usize> = (0..n).collect();
            let out = map(&items, 16, |i| i * 2);
            assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn runs_on_several_threads_when_there_is_enough_work() {
        let items: Vec<usize> = (0..4096).collect();
        let ids = map(&items, 16, |_| format!("{:?}", std::thread::current().id()));
        let distinct: std::collections::BTreeSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), cores().min(4096 / 16), "{distinct:?}");
    }
}
