//! The corpus endpoints: quotations, speakers and documents of the store, and `/v1/info`.
//!
//! Each reads the store on a blocking thread through the pool in [`crate::state`], and
//! answers 404 with a JSON message when the server runs without a store.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use whosaid_store::QuoteQuery;

use crate::error::ApiError;
use crate::params::Params;
use crate::state::AppState;

/// The most hits or speakers one request may ask for.
pub const MAX_LIMIT: u64 = 1000;
/// The largest `offset` accepted.
pub const MAX_OFFSET: u64 = 1_000_000;
/// Hits or speakers when no `limit` is given.
pub const DEFAULT_LIMIT: u64 = 20;

const QUOTE_PARAMS: &[&str] = &[
    "q",
    "speaker",
    "mentions",
    "since",
    "until",
    "kind",
    "speaker_id",
    "group_id",
    "limit",
    "offset",
];

/// `GET /v1/quotes`.
pub(crate) async fn quotes(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let p = Params::parse(raw.as_deref(), QUOTE_PARAMS)?;
    let query = QuoteQuery {
        q: p.text("q").unwrap_or_default(),
        speaker: p.text("speaker"),
        mentions: p.text("mentions"),
        since: p.date("since")?,
        until: p.date("until")?,
        kind: p.kind("kind")?,
        speaker_id: p.id("speaker_id")?,
        group_id: p.id("group_id")?,
        limit: as_usize(p.number("limit", 1..=MAX_LIMIT, DEFAULT_LIMIT)?),
        offset: as_usize(p.number("offset", 0..=MAX_OFFSET, 0)?),
    };
    if let (Some(since), Some(until)) = (query.since, query.until)
        && since > until
    {
        return Err(ApiError::invalid(format!(
            "`since` ({since}) is after `until` ({until})"
        )));
    }
    let page = state
        .corpus()?
        .read(move |store| Ok(store.search(&query)?))
        .await?;
    Ok(Json(page).into_response())
}

/// `GET /v1/speakers`.
pub(crate) async fn speakers(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let p = Params::parse(raw.as_deref(), &["limit"])?;
    let limit = as_usize(p.number("limit", 1..=MAX_LIMIT, DEFAULT_LIMIT)?);
    let list = state
        .corpus()?
        .read(move |store| Ok(store.speakers(limit)?))
        .await?;
    Ok(Json(json!({ "speakers": list })).into_response())
}

/// `GET /v1/speakers/{id}`.
pub(crate) async fn speaker(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    Params::parse(raw.as_deref(), &[])?;
    let corpus = state.corpus()?;
    let unknown = || ApiError::not_found(format!("no speaker with id `{id}`"));
    let Ok(n) = id.parse::<i64>() else {
        return Err(unknown());
    };
    match corpus.read(move |store| Ok(store.speaker(n)?)).await? {
        Some(detail) => Ok(Json(detail).into_response()),
        None => Err(unknown()),
    }
}

/// `GET /v1/documents/{id}`: the id is the rest of the path, percent-decoded, so ids that
/// are URLs work both encoded (`https%3A%2F%2Fa.example%2Fx`) and as they are.
pub(crate) async fn document(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    Params::parse(raw.as_deref(), &[])?;
    let corpus = state.corpus()?;
    let key = id.clone();
    match corpus.read(move |store| Ok(store.document(&key)?)).await? {
        Some(detail) => Ok(Json(detail).into_response()),
        None => Err(ApiError::not_found(format!("no document with id `{id}`"))),
    }
}

/// `GET /v1/info`: the server's version, limits and corpus size.
pub(crate) async fn info(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    Params::parse(raw.as_deref(), &[])?;
    let corpus = match state.corpus() {
        Ok(c) => Some(c.read(|store| Ok(store.stats()?)).await?),
        Err(_) => None,
    };
    Ok(Json(json!({
        "name": "whosaid",
        "version": env!("CARGO_PKG_VERSION"),
        "schema": whosaid_core::schema::SCHEMA,
        "corpus": corpus,
        "read_only": state.db_mode() == Some(whosaid_store::OpenMode::ReadOnly),
        "max_body_bytes": state.max_body_bytes(),
        "timeout_ms": u64::try_from(state.request_timeout().as_millis()).unwrap_or(u64::MAX),
    }))
    .into_response())
}

fn as_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}
