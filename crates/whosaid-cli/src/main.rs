//! The `whosaid` binary: wires the library crates into commands.

mod bench;
mod columnar;
mod eval;
mod extract;
mod flags;
mod index;
mod output;
mod progress;
mod render;
mod serve;
mod store_cmd;
mod train;

use clap::Parser;

use crate::flags::{Cli, Command};

/// The engine allocates many small, short-lived vectors per document (tokens, features,
/// spans); mimalloc serves them with thread-local free lists, cheaper than the system
/// allocator's and without contention between the extraction threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // A misspelt cap would otherwise be ignored silently and the figures taken for it.
    if let Err(e) = whosaid_core::model::net::cpu::Level::from_env() {
        eprintln!("whosaid: {e}");
        return std::process::ExitCode::from(2);
    }
    let result = match cli.command {
        Command::Extract(args) => extract::run(&args),
        Command::Eval(args) => eval::run(&args),
        Command::Train(args) => train::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Index(args) => index::index(&args),
        Command::Search(args) => index::search(&args),
        Command::Speakers(args) => index::speakers(&args),
        Command::Show(args) => index::show(&args),
        Command::Serve(args) => serve::run(&args),
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`whosaid … | head`) is the reader's choice, not an error.
        Err(e) if is_broken_pipe(&e) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("whosaid: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
