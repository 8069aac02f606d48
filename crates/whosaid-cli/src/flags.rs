//! Every command-line flag of `whosaid`, in one place. The doc comment of each option is
//! its help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// whosaid: who said what, about whom, where and when — quotations in news reports.
#[derive(Parser, Debug)]
#[command(name = "whosaid", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// whosaid's commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Extract quotations, speakers and metadata from news reports.
    ///
    /// Examples:
    ///   whosaid extract examples/harbor-strike.txt
    ///   whosaid extract --format json --date 2020-02-15 report.txt
    ///   cat report.txt | whosaid extract --format jsonl
    Extract(ExtractArgs),
}

/// Output formats of `extract`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable summary: each quotation with its speaker, cue and kind.
    Text,
    /// One pretty-printed JSON object (an array when there are several inputs).
    Json,
    /// One JSON object a line, one line per input.
    Jsonl,
}

/// Arguments of `whosaid extract`.
#[derive(Args, Debug)]
pub struct ExtractArgs {
    /// Files to read; `-` or nothing reads standard input.
    ///
    /// Example: whosaid extract a.txt b.txt
    pub inputs: Vec<PathBuf>,

    /// Output format.
    ///
    /// Example: --format jsonl
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Publication date (YYYY-MM-DD): resolves relative dates such as "on Saturday".
    ///
    /// Example: --date 2020-02-15
    #[arg(long, value_parser = parse_date)]
    pub date: Option<jiff::civil::Date>,
}

/// Parses a `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    s.parse::<jiff::civil::Date>().map_err(|e| format!("expected a date like 2020-02-15: {e}"))
}
