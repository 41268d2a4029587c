//! Runs the nodes of a dependency graph, each once all its dependencies are done, on one thread
//! or on several "lanes" (threads) at once.
//!
//! A node's visit is an async function: it awaits provider calls, which for real providers are
//! network round trips, so each lane keeps several visits in flight (up to `per_lane`). With the
//! offline providers a visit is pure CPU — evaluating expressions, planning, recording values —
//! and one thread would run a large graph one node after another on one core; lanes spread those
//! visits over the cores. Lanes pull ready nodes from one shared queue, one at a time, so a lane
//! never hoards work another lane could do.
//!
//! Every visit runs with its node's *order key* (its position in the graph's topological order)
//! set for the thread while it is polled (see [`current_key`]), so that what the visit reports —
//! diagnostics above all — can be put back in one deterministic order however the lanes
//! interleaved.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

use futures_util::future::{select, Either};
use futures_util::stream::{FuturesUnordered, StreamExt};
use futures_util::FutureExt;
use petgraph::graph::NodeIndex;
use tokio::sync::Notify;

use crate::graph::Graph;
use crate::recover::Interrupt;

thread_local! {
    static CURRENT_KEY: Cell<Option<u32>> = const { Cell::new(None) };
}

/// The order key of the node whose visit this thread is running, if any.
pub(crate) fn current_key() -> Option<u32> {
    CURRENT_KEY.with(Cell::get)
}

/// A future that runs with its node's order key set for the thread while it is polled.
struct Keyed<F> {
    key: u32,
    fut: Pin<Box<F>>,
}

impl<F: Future> Future for Keyed<F> {
    type Output = F::Output;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let outer = CURRENT_KEY.with(|k| k.replace(Some(this.key)));
        let out = this.fut.as_mut().poll(cx);
        CURRENT_KEY.with(|k| k.set(outer));
        out
    }
}

/// Order keys by node index: 1 + the node's position in the topological order (0 is left for
/// what happens before the walk).
pub(crate) fn order_keys(graph: &Graph) -> Vec<u32> {
    let mut keys = vec![u32::MAX - 1; graph.graph.node_count()];
    for (i, n) in graph.order.iter().enumerate() {
        if let Some(k) = keys.get_mut(n.index()) {
            *k = u32::try_from(i + 1).unwrap_or(u32::MAX - 1);
        }
    }
    keys
}

/// Which nodes may run: dependency counts still to finish, failures, the ready stack.
struct Queue {
    pending: Vec<usize>,
    failed: Vec<bool>,
    ready: Vec<NodeIndex>,
    /// Nodes handed to a lane and not finished yet.
    in_flight: usize,
}

impl Queue {
    fn new(graph: &Graph) -> Queue {
        let n = graph.graph.node_count();
        let mut pending = vec![0usize; n];
        for i in graph.graph.node_indices() {
            pending[i.index()] = graph.dependencies(i).count();
        }
        let ready = graph.order.iter().copied().filter(|n| pending[n.index()] == 0).collect();
        Queue { pending, failed: vec![false; n], ready, in_flight: 0 }
    }

    /// The next node to run. A node one of whose dependencies failed does not run: it fails in
    /// turn, and its dependents are released the same way.
    fn take(&mut self, graph: &Graph) -> Option<NodeIndex> {
        while let Some(n) = self.ready.pop() {
            if graph.dependencies(n).any(|d| self.failed[d.index()]) {
                self.failed[n.index()] = true;
                self.release(graph, n);
                continue;
            }
            self.in_flight += 1;
            return Some(n);
        }
        None
    }

    fn finish(&mut self, graph: &Graph, n: NodeIndex, ok: bool) {
        self.in_flight -= 1;
        if !ok {
            self.failed[n.index()] = true;
        }
        self.release(graph, n);
    }

    fn release(&mut self, graph: &Graph, n: NodeIndex) {
        for dep in graph.dependents(n) {
            if let Some(c) = self.pending.get_mut(dep.index()) {
                *c -= 1;
                if *c == 0 {
                    self.ready.push(dep);
                }
            }
        }
    }

    fn done(&self) -> bool {
        self.in_flight == 0 && self.ready.is_empty()
    }
}

fn lock(m: &Mutex<Queue>) -> std::sync::MutexGuard<'_, Queue> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Visits every node of `graph` after its dependencies, `visit` returning false when the node
/// failed (its dependents are then skipped and fail too). Once `interrupt` is set no further
/// node starts; the visits in flight finish.
///
/// With `lanes` > 1 the visits run on that many threads, each entering `runtime` (which must be
/// a multi-thread runtime: a current-thread runtime drives its timers only inside its own
/// `block_on`). The calling thread waits for them.
pub(crate) async fn run<V, F>(graph: &Graph, lanes: usize, per_lane: usize, interrupt: &Interrupt, visit: V)
where
    V: Fn(NodeIndex) -> F + Sync,
    F: Future<Output = bool>,
{
    let keys = order_keys(graph);
    let queue = Mutex::new(Queue::new(graph));
    let notify = Notify::new();
    if lanes <= 1 {
        lane(graph, &keys, &queue, &notify, usize::MAX, interrupt, &visit).await;
        return;
    }
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        lane(graph, &keys, &queue, &notify, usize::MAX, interrupt, &visit).await;
        return;
    };
    let (keys, queue, notify, visit) = (&keys, &queue, &notify, &visit);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..lanes)
            .map(|_| {
                let runtime = runtime.clone();
                scope.spawn(move || {
                    crate::par::thread_started();
                    runtime.block_on(lane(graph, keys, queue, notify, per_lane, interrupt, visit))
                })
            })
            .collect();
        for worker in workers {
            if let Err(panic) = worker.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
}

/// One lane: takes ready nodes from the shared queue, one at a time and at most `per_lane` in
/// flight, until the queue is drained and no node runs anywhere.
async fn lane<V, F>(graph: &Graph, keys: &[u32], queue: &Mutex<Queue>, notify: &Notify, per_lane: usize, interrupt: &Interrupt, visit: &V)
where
    V: Fn(NodeIndex) -> F + Sync,
    F: Future<Output = bool>,
{
    let mut running = FuturesUnordered::new();
    loop {
        // Registered before the queue is looked at, so a release that happens in between is
        // not missed.
        let notified = notify.notified();
        futures_util::pin_mut!(notified);
        notified.as_mut().enable();
        let started = {
            let mut q = lock(queue);
            if interrupt.is_set() {
                q.ready.clear();
            }
            if running.len() < per_lane { q.take(graph) } else { None }
        };
        let finished = match started {
            Some(n) => {
                let key = keys.get(n.index()).copied().unwrap_or(u32::MAX - 1);
                running.push(Keyed { key, fut: Box::pin(async move { (n, visit(n).await) }) });
                // Run it as far as it goes now; more ready work may be waiting for this lane.
                match running.next().now_or_never() {
                    Some(Some(done)) => Some(done),
                    _ => continue,
                }
            }
            None if running.is_empty() => {
                if lock(queue).done() {
                    notify.notify_waiters();
                    return;
                }
                notified.await;
                continue;
            }
            None => match select(running.next(), notified).await {
                Either::Left((Some(done), _)) => Some(done),
                _ => None,
            },
        };
        if let Some((n, ok)) = finished {
            let mut q = lock(queue);
            q.finish(graph, n, ok);
            let wake = !q.ready.is_empty() || q.done();
            drop(q);
            if wake {
                notify.notify_waiters();
            }
        }
    }
}
