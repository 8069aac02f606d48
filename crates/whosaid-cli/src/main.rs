//! The `whosaid` binary: wires the library crates into commands.

mod eval;
mod extract;
mod flags;
mod input;
mod render;
mod train;

use clap::Parser;

use crate::flags::{Cli, Command};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(args) => extract::run(&args),
        Command::Eval(args) => eval::run(&args),
        Command::Train(args) => train::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("whosaid: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}
