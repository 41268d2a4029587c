//! `infra`: the command-line interface. Parses arguments, calls the engine, renders views.
//! Commands are thin: all logic lives in the engine and state crates.

mod alloc;
mod cli;
mod memory;
mod render;
mod values;

#[global_allocator]
static ALLOCATOR: alloc::Pool = alloc::Pool;

fn main() {
    infra_engine::timings::start();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if memory::tune(memory::wants_huge_pages(&args)) {
        infra_engine::par::set_thread_start(memory::huge_thread_heap);
    }
    let code = cli::run(args);
    infra_engine::timings::mark("command finished");
    std::process::exit(code);
}
