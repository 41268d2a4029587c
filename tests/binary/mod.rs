//! Running the built `infra` binary from end-to-end tests (`crash`, `state_cli`,
//! `parallel_eval`, `stdout_data`): a command in a given directory with a clean state
//! environment, and its result with the assertions those tests share.
//!
//! (`tests/support` is the corpus harness, with timeouts and Terraform's recording
//! environment; this is the plain form.)

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// One finished `infra` command.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Exit code and both streams, for failure messages.
    pub fn text(&self) -> String {
        format!("exit {}\n--- stdout\n{}\n--- stderr\n{}", self.code, self.stdout, self.stderr)
    }

    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(self.code, 0, "expected success:\n{}", self.text());
        self
    }

    #[track_caller]
    pub fn stdout_has(self, needle: &str) -> Run {
        assert!(self.stdout.contains(needle), "expected {needle:?} in stdout:\n{}", self.text());
        self
    }

    #[track_caller]
    pub fn fails_with(self, needle: &str) -> Run {
        assert_eq!(self.code, 1, "expected exit 1:\n{}", self.text());
        // Diagnostics are wrapped at the terminal width: compare with whitespace collapsed.
        assert!(words(&self.stderr).contains(&words(needle)), "expected {needle:?} in stderr:\n{}", self.text());
        self
    }
}

/// Text with runs of whitespace (and the diagnostic box's `│`) collapsed to one space.
pub fn words(s: &str) -> String {
    s.split_whitespace().filter(|w| *w != "│").collect::<Vec<_>>().join(" ")
}

/// `infra -chdir=DIR ARGS -no-color`, without the caller's workspace or state-encryption
/// settings, as in CI (no progress bars), with no input.
pub fn command(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_infra"));
    c.arg(format!("-chdir={}", dir.display()))
        .args(args)
        .arg("-no-color")
        .env_remove("TF_WORKSPACE")
        .env_remove("INFRA_STATE_ENCRYPTION_KEY")
        .env_remove("INFRA_STATE_PASSPHRASE")
        .env("CI", "1")
        .stdin(Stdio::null());
    c
}

/// Runs [`command`] to completion.
pub fn infra(dir: &Path, args: &[&str]) -> Run {
    Run::from(command(dir, args).output().expect("running the infra binary"))
}
