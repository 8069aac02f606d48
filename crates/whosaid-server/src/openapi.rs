//! The OpenAPI 3.1 description served at `/openapi.json`.
//!
//! It is written by hand in `assets/openapi.json` (readable, reviewable, diffable) and
//! checked against the router by the tests: every route must be described, and every
//! described path must be served.

use std::sync::OnceLock;

use axum::Json;
use serde_json::Value;

const SOURCE: &str = include_str!("../assets/openapi.json");

/// The OpenAPI document, with this build's version in `info.version`.
///
/// ```
/// let doc = whosaid_server::openapi();
/// assert!(doc["paths"]["/v1/extract"]["post"].is_object());
/// ```
pub fn openapi() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        // The file is checked by the tests; an unreadable one would be a build defect.
        let mut doc: Value = serde_json::from_str(SOURCE).unwrap_or_default();
        doc["info"]["version"] = Value::String(env!("CARGO_PKG_VERSION").to_string());
        doc
    })
}

/// `GET /openapi.json`.
pub(crate) async fn serve() -> Json<&'static Value> {
    Json(openapi())
}
