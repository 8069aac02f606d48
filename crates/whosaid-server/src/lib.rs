/*!
whosaid-server: the HTTP API and web viewer of whosaid.

One binary serves a JSON API — `POST /v1/extract` returns the `whosaid/1` record of an
article sent as text, JSON or a whole web page (main content found by the same reader as
`whosaid extract --input html`); `GET /v1/quotes`, `/v1/speakers`, `/v1/speakers/{id}` and `/v1/documents/{id}`
read a corpus store built by `whosaid index` — and a web viewer whose HTML, script and
stylesheet are compiled in, so it works offline. `/openapi.json` describes every route.

```no_run
use whosaid_server::{ServeConfig, serve};

# async fn example() -> anyhow::Result<()> {
serve(ServeConfig { db: Some("corpus.db".into()), ..ServeConfig::default() }).await
# }
```

# Design

**Extraction runs on blocking threads.** Extracting one article is pure CPU work (a few
milliseconds for a news report, seconds for a megabyte of text). Run on the async
executor, it would stall every other connection served by that worker thread, timers
included, so a slow request could not even time out. Each extraction therefore runs in
`tokio::task::spawn_blocking`, and a semaphore with one permit per core bounds how many
run at once: under load, requests wait their turn (within the request timeout) instead of
piling up threads and memory.

**The store is shared through a small pool.** A SQLite connection can move between
threads but not be used by two at once. Idle [`whosaid_store::Store`]s wait in a
`Mutex<Vec<_>>`; a request takes one (or opens one), reads on a blocking thread and puts
it back; a semaphore caps the number in use. The store runs in WAL mode, so these readers
never block an indexer writing to the same file. `--read-only` opens every connection
with SQLite's read-only flag; the server has no write path in either mode.

**One error model.** Every error is `{"error": {"status", "message"}}` with a status that
fits: 400 for a body that is not the request it should be (malformed JSON, wrong shape,
empty article), 404 for an unknown id or route (and for the corpus endpoints of a server
without a store), 405 for a wrong method, 413 for a body over the limit, 415 for an
unsupported media type or a binary body, 422 for an invalid or unknown query parameter,
503 when a request outlives the timeout, 500 — with details only in the log — when
something breaks. Handlers return [`ApiError`]; responses made by the framework and the
tower-http layers (405, 413, 503) are rewritten into the same body by a middleware.
*/
#![deny(missing_docs)]

mod config;
mod error;
mod openapi;
mod params;
mod routes;
mod state;

use std::future::Future;

use anyhow::Context as _;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use tokio::net::TcpListener;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use config::{
    DEFAULT_ADDR, DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT, ServeConfig, parse_duration, parse_size,
};
pub use error::ApiError;
pub use openapi::openapi;
pub use routes::{DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, WARNING_HEADER};
pub use state::AppState;

/// The application: every route, with the body limit, the timeout, request tracing and
/// JSON error bodies applied.
///
/// ```
/// let state = whosaid_server::AppState::new(&whosaid_server::ServeConfig::default())?;
/// let app: axum::Router = whosaid_server::router(state);
/// # Ok::<(), anyhow::Error>(())
/// ```
pub fn router(state: AppState) -> Router {
    routes::table()
        .fallback(error::no_route)
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(state.max_body_bytes()))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            state.request_timeout(),
        ))
        .layer(TraceLayer::new_for_http())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error::json_errors,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .with_state(state)
}

/// Every route the server answers, as `(method, path pattern)` (`{*id}` matches the rest
/// of the path). For documentation and tests.
pub fn routes() -> Vec<(axum::http::Method, &'static str)> {
    routes::endpoints()
        .into_iter()
        .map(|e| (e.method, e.path))
        .collect()
}

/// Serves `config` until Ctrl-C or SIGTERM, then finishes the requests in flight.
///
/// # Errors
/// When the store cannot be opened (missing, not a whosaid store, another schema
/// version) or the address cannot be bound.
pub async fn serve(config: ServeConfig) -> anyhow::Result<()> {
    let state = AppState::new(&config)?;
    let listener = TcpListener::bind(&config.addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.addr))?;
    let local = listener.local_addr()?;
    let corpus = match state.db_path() {
        Some(p) => format!(
            "corpus {}{}",
            p.display(),
            if config.read_only { " (read-only)" } else { "" }
        ),
        None => "no corpus (extraction only)".to_string(),
    };
    tracing::info!("whosaid serving http://{local}/ with {corpus}");
    serve_on(listener, state, shutdown_signal()).await
}

/// Serves `state` on a bound listener until `shutdown` completes, then finishes the
/// requests in flight. For embedding and tests (bind port 0 to get a free port).
///
/// # Errors
/// When accepting connections fails.
pub async fn serve_on(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving HTTP")
}

/// [`serve`] on a new multi-threaded runtime: the body of `whosaid serve`.
///
/// # Errors
/// As [`serve`], or when the runtime cannot start.
pub fn run(config: ServeConfig) -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(serve(config))
}

/// Logs to standard error at the level named by `WHOSAID_LOG` (`error`, `warn`,
/// `info` — the default —, `debug` to log every request, `trace`). Does nothing when a
/// logger is installed already.
pub fn init_logging() {
    let level = std::env::var("WHOSAID_LOG")
        .ok()
        .and_then(|v| v.parse::<tracing_subscriber::filter::LevelFilter>().ok())
        .unwrap_or(tracing_subscriber::filter::LevelFilter::INFO);
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
