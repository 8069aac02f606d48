//! The routes: one table that the router is built from, so the OpenAPI test can check
//! that every route is documented.

mod corpus;
mod extract;
mod viewer;

use axum::Router;
use axum::http::Method;
use axum::routing::{MethodRouter, get, post};

pub use corpus::{DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET};
pub use extract::WARNING_HEADER;

use crate::state::AppState;

/// One route: a method, an axum path pattern and its handler.
pub(crate) struct Endpoint {
    /// The method served.
    pub(crate) method: Method,
    /// The path pattern (`{id}` one segment, `{*id}` the rest of the path).
    pub(crate) path: &'static str,
    /// The handler.
    pub(crate) handler: MethodRouter<AppState>,
}

fn endpoint(method: Method, path: &'static str, handler: MethodRouter<AppState>) -> Endpoint {
    Endpoint {
        method,
        path,
        handler,
    }
}

/// Every route the server answers.
pub(crate) fn endpoints() -> Vec<Endpoint> {
    vec![
        endpoint(Method::POST, "/v1/extract", post(extract::extract)),
        endpoint(Method::GET, "/v1/quotes", get(corpus::quotes)),
        endpoint(Method::GET, "/v1/speakers", get(corpus::speakers)),
        endpoint(Method::GET, "/v1/speakers/{id}", get(corpus::speaker)),
        endpoint(Method::GET, "/v1/documents/{*id}", get(corpus::document)),
        endpoint(Method::GET, "/v1/info", get(corpus::info)),
        endpoint(Method::GET, "/openapi.json", get(crate::openapi::serve)),
        endpoint(Method::GET, "/", get(viewer::page)),
        endpoint(Method::GET, "/search", get(viewer::page)),
        endpoint(Method::GET, "/speakers", get(viewer::page)),
        endpoint(Method::GET, "/speakers/{id}", get(viewer::page)),
        endpoint(Method::GET, "/documents/{*id}", get(viewer::page)),
        endpoint(Method::GET, "/assets/app.js", get(viewer::script)),
        endpoint(Method::GET, "/assets/app.css", get(viewer::style)),
        endpoint(Method::GET, "/assets/favicon.svg", get(viewer::icon)),
    ]
}

/// The routes without their state: `(method, path)`.
pub(crate) fn table() -> Router<AppState> {
    endpoints()
        .into_iter()
        .fold(Router::new(), |router, e| router.route(e.path, e.handler))
}
