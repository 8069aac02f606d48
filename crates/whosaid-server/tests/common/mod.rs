//! Helpers shared by the integration tests: a small corpus store and one-shot requests
//! against the router (no network).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;
use whosaid_server::{AppState, ServeConfig, router};
use whosaid_store::{DocumentInput, OpenMode, Store};

/// The bundled example article.
pub const HARBOR: &str = include_str!("../../../../examples/harbor-strike.txt");

/// A document id with the characters a URL id brings: slashes, a colon, a query.
pub const URL_ID: &str = "https://news.example/2025/03/port-talks?page=2";

/// Articles of the test corpus: (id, date, text).
pub fn articles() -> Vec<(&'static str, &'static str, String)> {
    vec![
        ("harbor-strike", "2025-03-14", HARBOR.to_string()),
        (
            URL_ID,
            "2025-03-20",
            "Port Talks Resume\n\nBOSTON — Talks resumed on Thursday.\n\n\
             “We are back at the table because the city needs the port open,” said Mayor \
             Daniel Okafor. Teresa Lindahl, president of Local 805, said the union would \
             study the new offer.\n"
                .to_string(),
        ),
        (
            "astral",
            "2025-04-01",
            "Emoji Row 😀 Hits Council\n\n“The 😀 policy is 𝒮𝓉𝓊𝓅𝒾𝒹,” said Mayor Daniel Okafor.\n"
                .to_string(),
        ),
    ]
}

/// Creates a store holding [`articles`] in a new temporary directory.
pub fn corpus() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("corpus.db");
    let mut store = Store::open(&path, OpenMode::ReadWrite).expect("open store");
    let docs: Vec<DocumentInput> = articles()
        .into_iter()
        .map(|(id, date, text)| {
            let date = date.parse().ok();
            let options = whosaid_core::Options {
                published: date,
                ..Default::default()
            };
            let doc = whosaid_core::extract(&text, &options);
            let record = whosaid_core::schema::to_record(&doc, Some(id), None);
            DocumentInput::new(id, text, record)
        })
        .collect();
    store.index_batch(&docs).expect("index");
    (dir, path)
}

/// A router over `db` (or none) with the default limits.
pub fn app_with(db: Option<&Path>, tweak: impl FnOnce(&mut ServeConfig)) -> Router {
    let mut config = ServeConfig {
        db: db.map(Path::to_path_buf),
        ..ServeConfig::default()
    };
    tweak(&mut config);
    router(AppState::new(&config).expect("state"))
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body[..self.body.len().min(300)])
            )
        })
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Asserts an error reply: the status and a JSON error body whose message contains
    /// `needle`.
    pub fn assert_error(&self, status: u16, needle: &str) {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text());
        let ct = self.headers["content-type"].to_str().unwrap_or("");
        assert!(ct.starts_with("application/json"), "content-type {ct}");
        let v = self.json();
        assert_eq!(v["error"]["status"], status);
        let message = v["error"]["message"].as_str().expect("message");
        assert!(
            message.to_lowercase().contains(&needle.to_lowercase()),
            "message {message:?} lacks {needle:?}"
        );
    }
}

/// Sends one request through the router.
pub async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("body").to_bytes();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

/// `GET uri`.
pub async fn get(app: &Router, uri: &str) -> Reply {
    send(app, Request::get(uri).body(Body::empty()).expect("request")).await
}

/// `POST uri` with a body and, when given, a content type.
pub async fn post(
    app: &Router,
    uri: &str,
    content_type: Option<&str>,
    body: impl Into<Body>,
) -> Reply {
    let mut builder = Request::post(uri);
    if let Some(ct) = content_type {
        builder = builder.header("content-type", ct);
    }
    send(app, builder.body(body.into()).expect("request")).await
}
