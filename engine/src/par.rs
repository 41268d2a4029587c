//! Data parallelism for the CPU-bound phases of a run (decoding state, evaluating many
//! instances' configurations): a plain fork-join over scoped threads, no thread pool.
//!
//! Runs are short and the machine may have two cores: spawning a thread costs tens of
//! microseconds, so work is split only when there is enough of it, into one chunk per core.

use std::num::NonZeroUsize;
use std::sync::OnceLock;

/// What every worker thread of a run does first (see [`set_thread_start`]).
static THREAD_START: OnceLock<fn()> = OnceLock::new();

/// Sets what the engine's worker threads — these fork-joins, the walk's lanes, the parser's
/// chunks — run before their work: the CLI gives them huge pages for their allocator's heap
/// (`src/memory.rs`), as it does for the main thread's. Set once, before the first run; later
/// calls are ignored.
pub fn set_thread_start(f: fn()) {
    let _ = THREAD_START.set(f);
}

/// Runs the thread-start hook, if one was set; every thread the engine starts calls this first.
/// Public for the threads the CLI starts for a run (e.g. the state read beside the parse).
pub fn thread_started() {
    if let Some(f) = THREAD_START.get() {
        f();
    }
}

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
    map_chunks(items, threads, |chunk| chunk.iter().map(&f).collect::<Vec<R>>()).into_iter().flatten().collect()
}

/// Applies `f` to contiguous chunks of `items`, on up to `threads` threads (the calling thread
/// takes the first chunk), and returns the results in the order of the chunks: for work that
/// keeps state per chunk (e.g. a cache while rendering). A panic in a worker is resumed on the
/// calling thread, as if it had happened there.
pub fn map_chunks<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(&[T]) -> R + Sync) -> Vec<R> {
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        return vec![f(items)];
    }
    let f = &f;
    let mut chunks = items.chunks(items.len().div_ceil(threads));
    let first = chunks.next().unwrap_or(&[]);
    std::thread::scope(|scope| {
        let workers: Vec<_> = chunks
            .map(|chunk| {
                scope.spawn(move || {
                    thread_started();
                    f(chunk)
                })
            })
            .collect();
        let mut out = Vec::with_capacity(workers.len() + 1);
        out.push(f(first));
        for worker in workers {
            match worker.join() {
                Ok(r) => out.push(r),
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
