//! `infra`: the command-line interface. Parses arguments, calls the engine, renders views.
//! Commands are thin: all logic lives in the engine and state crates.

mod cli;
mod memory;
mod render;
mod values;

fn main() {
    memory::tune();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = cli::run(args);
    std::process::exit(code);
}
