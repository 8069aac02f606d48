//! `whosaid serve`: the HTTP API and web viewer over a corpus store.

use std::process::ExitCode;

use crate::flags::ServeArgs;

/// Runs `whosaid serve` until Ctrl-C (or SIGTERM), then finishes the requests in flight.
pub fn run(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    whosaid_server::init_logging();
    let config = whosaid_server::ServeConfig {
        db: args.db.clone(),
        addr: args.addr.clone(),
        read_only: args.read_only,
        max_body_bytes: args.max_body,
        request_timeout: args.timeout,
    };
    whosaid_server::run(config)?;
    Ok(ExitCode::SUCCESS)
}
