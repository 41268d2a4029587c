//! Ctrl-C (SIGINT) and SIGTERM during `plan`, `apply` and `destroy`.
//!
//! The first signal raises the run's [`Interrupt`]: the engine starts no new provider operation,
//! the ones in flight finish, and the command then saves state, releases the lock, prints what
//! was and was not done, and exits 130. A second signal exits at once: every operation started
//! has an intent in the journal, so the next run reconciles whatever was in flight (see
//! `infra_engine::recover`) and nothing is lost — only a lock that lives in the backend (s3's
//! lock object) then needs `infra force-unlock`.

use std::io::Write;

use infra_engine::walk::Interrupt;
use tokio::signal::unix::{signal, SignalKind};

/// The exit code of a run stopped by a signal (128 + SIGINT), as shells and Terraform use.
pub const EXIT_INTERRUPTED: i32 = 130;

/// Starts listening for SIGINT and SIGTERM on the current runtime, for `interrupt`. Until this
/// is called the default action applies (the process dies), which is right before anything
/// is locked or started.
pub fn listen(interrupt: &Interrupt) {
    let (Ok(mut int), Ok(mut term)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) else {
        // Without handlers the default action stays: the process dies and the journal covers it.
        return;
    };
    let interrupt = interrupt.clone();
    tokio::spawn(async move {
        let mut received = 0;
        loop {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
            received += 1;
            let mut out = std::io::stdout().lock();
            if received == 1 {
                interrupt.trigger();
                let _ = writeln!(
                    out,
                    "\nInterrupt received.\nPlease wait for infra to exit: operations in flight finish and the state is saved.\nInterrupt again to exit at once; the state journal keeps a record of every operation started.\nGracefully shutting down...\n\nStopping operation..."
                );
                let _ = out.flush();
            } else {
                let _ = writeln!(
                    out,
                    "\nTwo interrupts received. Exiting immediately. Operations in flight are recorded in the state journal;\nthe next plan or apply asks their providers what became of them."
                );
                let _ = out.flush();
                std::process::exit(EXIT_INTERRUPTED);
            }
        }
    });
}
