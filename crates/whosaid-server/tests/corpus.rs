//! The corpus endpoints: quotations, speakers, documents, info; their 404s and 422s.

mod common;

use common::{URL_ID, app_with, corpus, get};
use serde_json::Value;

/// Percent-encodes every byte outside `[A-Za-z0-9-._~]`.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn hits(v: &Value) -> Vec<&Value> {
    v["quotes"].as_array().expect("quotes").iter().collect()
}

#[tokio::test]
async fn search_finds_and_filters_quotations() {
    let (_dir, db) = corpus();
    let app = app_with(Some(&db), |_| {});
    let r = get(&app, "/v1/quotes?q=port").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert!(v["total"].as_u64().unwrap() >= 2);
    let first = hits(&v)[0];
    for field in [
        "id",
        "kind",
        "text",
        "content",
        "doc_id",
        "date",
        "speaker_name",
        "speaker_id",
        "group_size",
        "snippet",
    ] {
        assert!(first.get(field).is_some(), "hit lacks {field}: {first}");
    }
    assert!(
        first["snippet"].as_str().unwrap().contains('\u{2}'),
        "matches are marked"
    );

    let v = get(&app, "/v1/quotes?speaker=okafor&kind=direct&limit=50")
        .await
        .json();
    assert!(!hits(&v).is_empty());
    assert!(
        hits(&v)
            .iter()
            .all(|h| h["speaker_name"] == "Daniel Okafor" && h["kind"] == "direct")
    );

    let v = get(&app, "/v1/quotes?since=2025-03-15&until=2025-03-31")
        .await
        .json();
    assert!(!hits(&v).is_empty());
    assert!(hits(&v).iter().all(|h| h["doc_id"] == URL_ID), "{v}");

    let v = get(&app, "/v1/quotes?limit=1&offset=1").await.json();
    assert_eq!(hits(&v).len(), 1);
    assert!(v["total"].as_u64().unwrap() > 2);

    let v = get(&app, "/v1/quotes?q=%22unbalanced").await.json();
    assert!(v["total"].is_u64(), "any query string is accepted");
}

#[tokio::test]
async fn invalid_parameters_are_422() {
    let (_dir, db) = corpus();
    let app = app_with(Some(&db), |_| {});
    for (uri, needle) in [
        ("/v1/quotes?since=2025-13-01", "`since`"),
        ("/v1/quotes?until=soon", "`until`"),
        ("/v1/quotes?kind=shouted", "`kind`"),
        ("/v1/quotes?limit=0", "`limit`"),
        ("/v1/quotes?limit=1000000", "`limit`"),
        ("/v1/quotes?limit=-1", "`limit`"),
        ("/v1/quotes?offset=x", "`offset`"),
        (
            "/v1/quotes?speakr=okafor",
            "unknown query parameter `speakr`",
        ),
        ("/v1/quotes?q=a&q=b", "more than once"),
        ("/v1/quotes?since=2025-03-02&until=2025-03-01", "after"),
        ("/v1/quotes?speaker_id=abc", "`speaker_id`"),
        ("/v1/speakers?limit=0", "`limit`"),
        ("/v1/speakers?top=5", "unknown query parameter `top`"),
        (
            "/v1/speakers/1?verbose=1",
            "unknown query parameter `verbose`",
        ),
        (
            "/v1/documents/harbor-strike?x=1",
            "unknown query parameter `x`",
        ),
        ("/v1/info?x=1", "unknown query parameter `x`"),
    ] {
        get(&app, uri).await.assert_error(422, needle);
    }
}

#[tokio::test]
async fn speakers_and_a_speaker() {
    let (_dir, db) = corpus();
    let app = app_with(Some(&db), |_| {});
    let v = get(&app, "/v1/speakers?limit=3").await.json();
    let list = v["speakers"].as_array().unwrap();
    assert!(list.len() <= 3 && !list.is_empty());
    assert_eq!(
        list[0]["name"], "Daniel Okafor",
        "the most quoted first: {v}"
    );
    let id = list[0]["id"].as_i64().unwrap();

    let r = get(&app, &format!("/v1/speakers/{id}")).await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["speaker"]["name"], "Daniel Okafor");
    assert!(
        v["speaker"]["titles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t.as_str().unwrap().contains("Mayor"))
    );
    let dates: Vec<&str> = v["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|q| q["date"].as_str())
        .collect();
    assert!(
        dates.windows(2).all(|w| w[0] <= w[1]),
        "oldest first: {dates:?}"
    );
    assert!(dates.len() >= 3, "{dates:?}");
}

#[tokio::test]
async fn unknown_ids_and_routes_are_404() {
    let (_dir, db) = corpus();
    let app = app_with(Some(&db), |_| {});
    get(&app, "/v1/speakers/999999")
        .await
        .assert_error(404, "no speaker with id `999999`");
    get(&app, "/v1/speakers/okafor")
        .await
        .assert_error(404, "no speaker");
    get(&app, "/v1/documents/no-such-doc")
        .await
        .assert_error(404, "no document with id `no-such-doc`");
    get(&app, "/v1/nothing")
        .await
        .assert_error(404, "no route for GET /v1/nothing");
    get(&app, "/v2/quotes").await.assert_error(404, "no route");
}

#[tokio::test]
async fn document_ids_with_slashes_round_trip() {
    let (_dir, db) = corpus();
    let app = app_with(Some(&db), |_| {});
    // Percent-encoded, as a client should send it.
    let r = get(&app, &format!("/v1/documents/{}", encode(URL_ID))).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["id"], URL_ID);
    assert_eq!(v["record"]["id"], URL_ID);
    // Slashes left as they are: the id is the rest of the path.
    let r = get(
        &app,
        "/v1/documents/https://news.example/2025/03/port-talks%3Fpage=2",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["id"], URL_ID);
    // The id a search reports opens the document.
    let found = get(&app, "/v1/quotes?q=table&since=2025-03-20")
        .await
        .json();
    let doc_id = found["quotes"][0]["doc_id"].as_str().unwrap().to_string();
    assert_eq!(
        get(&app, &format!("/v1/documents/{}", encode(&doc_id)))
            .await
            .json()["id"],
        doc_id
    );
}

#[tokio::test]
async fn a_document_has_its_text_and_record() {
    let (_dir, db) = corpus();
    let app = app_with(Some(&db), |_| {});
    let v = get(&app, "/v1/documents/astral").await.json();
    let text = v["text"].as_str().unwrap();
    for q in v["record"]["quotes"].as_array().unwrap() {
        for piece in q["content"].as_array().unwrap() {
            let [s, e] = [
                piece["span"][0].as_u64().unwrap() as usize,
                piece["span"][1].as_u64().unwrap() as usize,
            ];
            let slice: String = text.chars().skip(s).take(e - s).collect();
            assert_eq!(slice, piece["text"].as_str().unwrap());
        }
    }
    assert!(
        v["entity_speakers"]
            .as_object()
            .is_some_and(|m| !m.is_empty())
    );
}

#[tokio::test]
async fn without_a_store_corpus_endpoints_are_404() {
    let app = app_with(None, |_| {});
    for uri in [
        "/v1/quotes?q=port",
        "/v1/speakers",
        "/v1/speakers/1",
        "/v1/documents/harbor-strike",
    ] {
        get(&app, uri).await.assert_error(404, "no corpus store");
    }
    // Parameters are still checked first.
    get(&app, "/v1/quotes?kind=x")
        .await
        .assert_error(422, "`kind`");
    let v = get(&app, "/v1/info").await.json();
    assert_eq!(v["corpus"], Value::Null);
    assert_eq!(v["schema"], "whosaid/1");
}

#[tokio::test]
async fn info_reports_the_corpus() {
    let (_dir, db) = corpus();
    let app = app_with(Some(&db), |_| {});
    let v = get(&app, "/v1/info").await.json();
    assert_eq!(v["corpus"]["documents"], 3);
    assert_eq!(v["read_only"], false);
    assert_eq!(v["max_body_bytes"], 2 * 1024 * 1024);
}

#[tokio::test]
async fn a_missing_or_foreign_store_is_refused_at_startup() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.db");
    let config = whosaid_server::ServeConfig {
        db: Some(missing.clone()),
        ..Default::default()
    };
    let e = whosaid_server::AppState::new(&config)
        .unwrap_err()
        .to_string();
    assert!(e.contains("no such store"), "{e}");
    assert!(!missing.exists(), "serving must not create a store");
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database at all, just text").unwrap();
    let config = whosaid_server::ServeConfig {
        db: Some(junk),
        ..Default::default()
    };
    assert!(whosaid_server::AppState::new(&config).is_err());
}

#[tokio::test]
async fn concurrent_reads_share_the_pool() {
    let (_dir, db) = corpus();
    let app = app_with(Some(&db), |_| {});
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                let uri = match i % 4 {
                    0 => "/v1/quotes?q=port".to_string(),
                    1 => "/v1/speakers".to_string(),
                    2 => "/v1/documents/harbor-strike".to_string(),
                    _ => "/v1/info".to_string(),
                };
                get(&app, &uri).await.status
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
}

#[tokio::test]
async fn a_path_that_is_not_utf8_is_400_with_a_json_body() {
    let (_dir, db) = corpus();
    let app = app_with(Some(&db), |_| {});
    get(&app, "/v1/documents/%FF%FE")
        .await
        .assert_error(400, "UTF-8");
}
