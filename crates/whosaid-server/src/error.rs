//! The error model: every failure is a JSON body `{"error": {"status", "message"}}`.
//!
//! Handlers return [`ApiError`]. Responses that the framework or a middleware produces on
//! its own (405 from the router, 413 from the body limit, 503 from the timeout, 404 from
//! the fallback) go through [`json_errors`], which gives them the same JSON body, so a
//! client never has to handle two error formats.

use std::time::Duration;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::state::AppState;

/// An error answered to the client: a status and a message meant for people.
///
/// Server-side failures (500) carry a generic message; their details go to the log only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong, in a sentence.
    pub message: String,
}

impl ApiError {
    /// An error with this status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    /// 400: the body cannot be read as the request it should be.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404: no such resource.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    /// 415: a body of a media type the endpoint does not take.
    pub fn unsupported_media(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, message)
    }

    /// 422: a well-formed request with a parameter that is invalid or unknown.
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    /// 500: logs `detail` and answers a message that reveals nothing of it.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        tracing::error!("internal error: {detail}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal server error (the details are in the server's log)",
        )
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<whosaid_store::Error> for ApiError {
    fn from(e: whosaid_store::Error) -> ApiError {
        ApiError::internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": {"status": self.status.as_u16(), "message": self.message}});
        (self.status, Json(body)).into_response()
    }
}

/// Middleware: replaces the body of every error response that is not JSON already (the
/// router's 405, the body limit's 413, the timeout's 503, axum's extractor rejections)
/// with the JSON error body, keeping the status and headers such as `Allow`.
pub(crate) async fn json_errors(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // Rejections of axum's extractors explain themselves in a short text body: keep it.
    let original = axum::body::to_bytes(body, 1024)
        .await
        .ok()
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .filter(|t| !t.is_empty());
    let message = default_message(status, &method, &path, &state, original);
    let mut rewritten = ApiError::new(status, message).into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    for (name, value) in parts.headers.iter() {
        rewritten.headers_mut().insert(name.clone(), value.clone());
    }
    rewritten
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

fn default_message(
    status: StatusCode,
    method: &Method,
    path: &str,
    state: &AppState,
    original: Option<String>,
) -> String {
    match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            format!("method {method} is not allowed on {path} (see the Allow header)")
        }
        StatusCode::PAYLOAD_TOO_LARGE => format!(
            "request body too large: the limit is {} bytes",
            state.max_body_bytes()
        ),
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::REQUEST_TIMEOUT => format!(
            "the request took longer than the server's limit of {}",
            human(state.request_timeout())
        ),
        StatusCode::NOT_FOUND => format!("no route for {method} {path}"),
        other => original.unwrap_or_else(|| {
            other
                .canonical_reason()
                .unwrap_or("request failed")
                .to_string()
        }),
    }
}

/// `30 s`, `250 ms`.
fn human(d: Duration) -> String {
    if d.as_millis() >= 1000 && d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// The fallback of the router: 404 for an unknown route.
pub(crate) async fn no_route(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!("no route for {method} {}", uri.path()))
}
