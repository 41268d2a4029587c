//! Formats the file named on the command line (or stdin) and prints the result exactly as
//! `format_source` returns it; exits 2 on a syntax error. Used to compare against the real
//! `terraform fmt` over many files.

use std::io::{Read, Write};

fn main() {
    let mut src = String::new();
    let read = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path).map(|s| src = s),
        None => std::io::stdin().read_to_string(&mut src).map(|_| ()),
    };
    if let Err(err) = read {
        eprintln!("read error: {err}");
        std::process::exit(1);
    }
    match infra_fmt::format_source(&src) {
        Ok(out) => {
            let _ = std::io::stdout().write_all(out.as_bytes());
        }
        Err(err) => {
            eprintln!("{err}");
            std::process::exit(2);
        }
    }
}
