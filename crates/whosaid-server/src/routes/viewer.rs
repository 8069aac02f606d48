//! The web viewer: one HTML page, one script, one stylesheet and an icon, compiled into
//! the binary so the viewer works offline and needs no files next to the executable.
//!
//! Every viewer path (`/`, `/search`, `/speakers`, `/speakers/{id}`, `/documents/{id}`)
//! answers the same page; the script reads the path and draws the view, fetching data
//! from the JSON API.

use axum::http::header;
use axum::response::{IntoResponse, Response};

const INDEX_HTML: &str = include_str!("../../assets/index.html");
const APP_JS: &str = include_str!("../../assets/app.js");
const APP_CSS: &str = include_str!("../../assets/app.css");
const FAVICON_SVG: &str = include_str!("../../assets/favicon.svg");

/// Everything is same-origin: no inline script, no external font, script or style.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
                   frame-ancestors 'none'";

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// The page.
pub(crate) async fn page() -> Response {
    let mut response = asset("text/html; charset=utf-8", INDEX_HTML);
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(CSP),
    );
    response
}

/// `/assets/app.js`.
pub(crate) async fn script() -> Response {
    asset("text/javascript; charset=utf-8", APP_JS)
}

/// `/assets/app.css`.
pub(crate) async fn style() -> Response {
    asset("text/css; charset=utf-8", APP_CSS)
}

/// `/assets/favicon.svg`.
pub(crate) async fn icon() -> Response {
    asset("image/svg+xml", FAVICON_SVG)
}
