//! Retries with exponential backoff, bounded by a deadline (a resource's `timeouts`), for
//! providers that talk to remote APIs.

use std::future::Future;
use std::time::{Duration, Instant};

/// What an attempt tells the retry loop.
pub enum Attempt<T, E> {
    Done(T),
    /// A transient failure (throttling, eventual consistency): try again after a backoff.
    Retry(E),
    /// A permanent failure.
    Fail(E),
}

/// Runs `op` until it succeeds, fails permanently or `timeout` passes; waits grow from
/// `initial` doubling up to 10 s. Returns the last error on timeout.
pub async fn retry<T, E, F, Fut>(timeout: Duration, initial: Duration, mut op: F) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Attempt<T, E>>,
{
    let deadline = Instant::now() + timeout;
    let mut wait = initial;
    loop {
        match op().await {
            Attempt::Done(v) => return Ok(v),
            Attempt::Fail(e) => return Err(e),
            Attempt::Retry(e) => {
                let now = Instant::now();
                if now >= deadline {
                    return Err(e);
                }
                tokio::time::sleep(wait.min(deadline - now)).await;
                wait = (wait * 2).min(Duration::from_secs(10));
            }
        }
    }
}
