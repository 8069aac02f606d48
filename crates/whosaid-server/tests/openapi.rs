//! `/openapi.json` describes exactly the routes the router serves.

mod common;

use std::collections::BTreeSet;

use common::{app_with, corpus, get, send};
use serde_json::Value;

/// `{*id}` (axum's rest-of-path capture) is `{id}` in OpenAPI.
fn openapi_path(axum_path: &str) -> String {
    axum_path.replace("{*", "{")
}

fn described(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            out.insert((method.to_uppercase(), path.clone()));
        }
    }
    out
}

#[tokio::test]
async fn every_route_is_described_and_every_description_is_a_route() {
    let app = app_with(None, |_| {});
    let r = get(&app, "/openapi.json").await;
    assert_eq!(r.status, 200);
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    let routes: BTreeSet<(String, String)> = whosaid_server::routes()
        .into_iter()
        .map(|(m, p)| (m.to_string(), openapi_path(p)))
        .collect();
    assert_eq!(described(&doc), routes);
}

#[tokio::test]
async fn every_described_path_is_answered_by_its_route() {
    let (_dir, db) = corpus();
    let app = app_with(Some(&db), |_| {});
    let doc = whosaid_server::openapi();
    for (method, path) in described(doc) {
        let uri = path.replace("{id}", "1");
        let request = axum::http::Request::builder()
            .method(method.as_str())
            .uri(&uri)
            .header("content-type", "text/plain")
            .body(axum::body::Body::from("“We will win,” said Jane Doe."))
            .unwrap();
        let r = send(&app, request).await;
        let fallback = r.status == 404 && r.text().contains("no route");
        assert!(
            !fallback && r.status != 405,
            "{method} {uri}: {} {}",
            r.status,
            r.text()
        );
    }
}

#[test]
fn every_parameter_and_status_is_documented() {
    let doc = whosaid_server::openapi();
    let quotes = &doc["paths"]["/v1/quotes"]["get"];
    let names: BTreeSet<&str> = quotes["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| match p.get("$ref").and_then(Value::as_str) {
            Some(r) => r.rsplit('/').next().unwrap(),
            None => p["name"].as_str().unwrap(),
        })
        .collect();
    for name in [
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
    ] {
        assert!(names.contains(name), "/v1/quotes lacks parameter {name}");
    }
    let extract = &doc["paths"]["/v1/extract"]["post"]["responses"];
    for status in ["200", "400", "413", "415", "422", "503"] {
        assert!(
            extract.get(status).is_some(),
            "/v1/extract lacks status {status}"
        );
    }
    // Every $ref resolves.
    let text = doc.to_string();
    for r in text.split("\"$ref\":\"").skip(1) {
        let target = &r[..r.find('"').unwrap()];
        let pointer = target.trim_start_matches('#');
        assert!(doc.pointer(pointer).is_some(), "dangling $ref {target}");
    }
}
