//! `POST /v1/extract`: every status it answers, and the awkward bodies.

mod common;

use axum::body::Body;
use axum::http::Request;
use common::{HARBOR, app_with, post, send};
use serde_json::json;

fn app() -> axum::Router {
    app_with(None, |_| {})
}

#[tokio::test]
async fn text_body_returns_the_record() {
    let r = post(
        &app(),
        "/v1/extract?date=2025-03-14&id=harbor",
        Some("text/plain; charset=utf-8"),
        HARBOR,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["schema"], "whosaid/1");
    assert_eq!(v["id"], "harbor");
    assert_eq!(v["meta"]["published"], "2025-03-14");
    let quotes = v["quotes"].as_array().expect("quotes");
    assert!(quotes.len() >= 5, "{} quotes", quotes.len());
    assert!(quotes.iter().any(|q| {
        q["text"]
            .as_str()
            .unwrap_or("")
            .contains("Every day this port stays closed")
    }));
    assert!(r.headers.get(whosaid_server::WARNING_HEADER).is_none());
}

#[tokio::test]
async fn the_record_equals_the_engines() {
    let r = post(&app(), "/v1/extract", None, HARBOR).await;
    assert_eq!(r.status, 200);
    let doc = whosaid_core::extract(HARBOR, &whosaid_core::Options::default());
    let expected = serde_json::to_value(whosaid_core::schema::to_record(&doc, None, None)).unwrap();
    assert_eq!(r.json(), expected);
}

#[tokio::test]
async fn json_body_returns_the_record() {
    let body =
        json!({"text": HARBOR, "date": "2025-03-14", "id": "a/b", "url": "https://news.example/a"});
    let r = post(
        &app(),
        "/v1/extract",
        Some("application/json"),
        body.to_string(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["id"], "a/b");
    assert_eq!(v["url"], "https://news.example/a");
    assert_eq!(v["meta"]["published"], "2025-03-14");
    // "yesterday" resolves against the given date.
    assert!(
        v["quotes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|q| q["when"]["date"] == "2025-03-13")
    );
}

#[tokio::test]
async fn json_fields_win_over_query_parameters() {
    let body = json!({"text": HARBOR, "id": "from-json"});
    let r = post(
        &app(),
        "/v1/extract?id=from-query&date=2025-03-14",
        Some("application/json"),
        body.to_string(),
    )
    .await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["id"], "from-json");
    assert_eq!(v["meta"]["published"], "2025-03-14");
}

#[tokio::test]
async fn spans_are_code_points_with_astral_characters() {
    // The emoji (one code point, two UTF-16 units, four bytes each) precede the quotation
    // in a paragraph of their own.
    let text = "😀😀\n\n“We will not back down,” said Jane Doe.";
    let r = post(&app(), "/v1/extract", Some("text/plain"), text).await;
    let v = r.json();
    let content = &v["quotes"][0]["content"][0];
    let [start, end] = [
        content["span"][0].as_u64().unwrap() as usize,
        content["span"][1].as_u64().unwrap() as usize,
    ];
    let slice: String = text.chars().skip(start).take(end - start).collect();
    assert_eq!(slice, content["text"].as_str().unwrap());
    assert_eq!(start, 4);
}

#[tokio::test]
async fn bad_json_is_400() {
    let app = app();
    post(&app, "/v1/extract", Some("application/json"), "{\"text\": ")
        .await
        .assert_error(400, "malformed JSON");
    post(&app, "/v1/extract", Some("application/json"), "[1, 2]")
        .await
        .assert_error(400, "wrong shape");
    post(
        &app,
        "/v1/extract",
        Some("application/json"),
        "{\"date\": \"2020-01-01\"}",
    )
    .await
    .assert_error(400, "missing field `text`");
    post(
        &app,
        "/v1/extract",
        Some("application/json"),
        "{\"text\": 5}",
    )
    .await
    .assert_error(400, "wrong shape");
    post(
        &app,
        "/v1/extract",
        Some("application/json"),
        "{\"text\": \"a\", \"extra\": 1}",
    )
    .await
    .assert_error(400, "unknown field `extra`");
    post(
        &app,
        "/v1/extract",
        Some("application/json"),
        vec![b'{', 0xff, b'}'],
    )
    .await
    .assert_error(400, "malformed JSON");
}

#[tokio::test]
async fn empty_bodies_are_400() {
    let app = app();
    post(&app, "/v1/extract", Some("text/plain"), "")
        .await
        .assert_error(400, "empty");
    post(&app, "/v1/extract", None, "")
        .await
        .assert_error(400, "empty");
    post(&app, "/v1/extract", Some("application/json"), "")
        .await
        .assert_error(400, "empty");
    post(
        &app,
        "/v1/extract",
        Some("application/json"),
        "{\"text\": \"\"}",
    )
    .await
    .assert_error(400, "empty");
}

#[tokio::test]
async fn whitespace_only_is_an_empty_record() {
    let r = post(&app(), "/v1/extract", Some("text/plain"), " \n\n ").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["quotes"], json!([]));
}

#[tokio::test]
async fn invalid_utf8_is_decoded_lossily_with_a_warning() {
    let mut body = "“We will not back down,” said Jane Doe."
        .as_bytes()
        .to_vec();
    body.splice(0..0, [0xff, 0xfe, b'\n', b'\n']);
    let r = post(&app(), "/v1/extract", Some("text/plain"), body).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let warning = r.headers[whosaid_server::WARNING_HEADER].to_str().unwrap();
    assert!(warning.contains("U+FFFD"), "{warning}");
    let v = r.json();
    assert_eq!(
        v["quotes"][0]["content"][0]["span"][0], 4,
        "spans count the replacement characters"
    );
}

#[tokio::test]
async fn latin1_charset_is_decoded() {
    let body = b"\xabNous ne c\xe9derons pas,\xbb said Jane Doe.".to_vec();
    let r = post(
        &app(),
        "/v1/extract",
        Some("text/plain; charset=ISO-8859-1"),
        body,
    )
    .await;
    assert_eq!(r.status, 200);
    assert!(
        r.json()["quotes"][0]["text"]
            .as_str()
            .unwrap()
            .contains("céderons")
    );
    assert!(r.headers.get(whosaid_server::WARNING_HEADER).is_none());
}

#[tokio::test]
async fn binary_and_unsupported_media_are_415() {
    let app = app();
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    post(&app, "/v1/extract", Some("text/plain"), png.clone())
        .await
        .assert_error(415, "binary");
    post(&app, "/v1/extract", None, png)
        .await
        .assert_error(415, "binary");
    post(
        &app,
        "/v1/extract",
        Some("application/octet-stream"),
        "text",
    )
    .await
    .assert_error(415, "application/octet-stream");
    post(
        &app,
        "/v1/extract",
        Some("application/x-www-form-urlencoded"),
        "a=b",
    )
    .await
    .assert_error(415, "Content-Type");
    post(
        &app,
        "/v1/extract",
        Some("text/plain; charset=shift_jis"),
        "abc",
    )
    .await
    .assert_error(415, "charset");
}

#[tokio::test]
async fn bad_parameters_are_422() {
    let app = app();
    post(
        &app,
        "/v1/extract?date=2025-02-30",
        Some("text/plain"),
        HARBOR,
    )
    .await
    .assert_error(422, "`date`");
    post(
        &app,
        "/v1/extract?date=yesterday",
        Some("text/plain"),
        HARBOR,
    )
    .await
    .assert_error(422, "2020-02-15");
    post(&app, "/v1/extract?lang=en", Some("text/plain"), HARBOR)
        .await
        .assert_error(422, "unknown query parameter `lang`");
    let body = json!({"text": HARBOR, "date": "14/03/2025"}).to_string();
    post(&app, "/v1/extract", Some("application/json"), body)
        .await
        .assert_error(422, "`date`");
}

#[tokio::test]
async fn a_10_mb_body_is_413() {
    let big = vec![b'a'; 10 * 1024 * 1024];
    post(&app(), "/v1/extract", Some("text/plain"), big.clone())
        .await
        .assert_error(413, "2097152 bytes");
    // Also when the length is not announced (a streamed, chunked body).
    let stream = futures_stream(big);
    let request = Request::post("/v1/extract")
        .header("content-type", "text/plain")
        .body(stream)
        .unwrap();
    send(&app(), request).await.assert_error(413, "limit");
}

/// A body without a known length, in 64 KiB chunks.
fn futures_stream(bytes: Vec<u8>) -> Body {
    let chunks: Vec<Result<axum::body::Bytes, std::io::Error>> = bytes
        .chunks(64 * 1024)
        .map(|c| Ok(axum::body::Bytes::copy_from_slice(c)))
        .collect();
    Body::from_stream(Chunks(chunks.into_iter()))
}

/// A stream over a vector, so the tests need no stream utilities.
struct Chunks<T>(std::vec::IntoIter<T>);

impl<T: Unpin> futures_core::Stream for Chunks<T> {
    type Item = T;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<T>> {
        std::task::Poll::Ready(self.0.next())
    }
}

#[tokio::test]
async fn the_body_limit_is_configurable() {
    let app = app_with(None, |c| c.max_body_bytes = 1000);
    post(&app, "/v1/extract", Some("text/plain"), HARBOR)
        .await
        .assert_error(413, "1000 bytes");
    // A 3 MB body passes an 8 MB limit: it is read whole and judged on its content (a
    // NUL byte at its end makes it binary, which is quick to answer).
    let app = app_with(None, |c| c.max_body_bytes = 8 * 1024 * 1024);
    let mut big = vec![b'a'; 3 * 1024 * 1024];
    big.push(0);
    post(&app, "/v1/extract", Some("text/plain"), big)
        .await
        .assert_error(415, "binary");
}

#[tokio::test]
async fn wrong_method_is_405() {
    let r = common::get(&app(), "/v1/extract").await;
    r.assert_error(405, "method GET is not allowed on /v1/extract");
    assert_eq!(r.headers["allow"], "POST");
}

#[tokio::test]
async fn a_request_over_the_timeout_is_503() {
    let app = app_with(None, |c| {
        c.request_timeout = std::time::Duration::from_millis(1)
    });
    // About 64 KB of news text: far more than a millisecond of work.
    let big = HARBOR.repeat(64 * 1024 / HARBOR.len());
    post(&app, "/v1/extract", Some("text/plain"), big)
        .await
        .assert_error(503, "1 ms");
    // The server keeps answering afterwards.
    let app = app_with(None, |_| {});
    assert_eq!(
        post(&app, "/v1/extract", Some("text/plain"), HARBOR)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn an_html_page_is_read_like_the_command_line_reads_it() {
    let page = r#"<html><head><title>Strike ends | Harbor Times</title>
<meta property="og:title" content="Strike ends">
<meta property="article:published_time" content="2025-03-15T09:00:00Z">
<link rel="canonical" href="https://news.example/strike"></head>
<body><nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>
<article><h1>Strike ends</h1>
<p>“We will not back down,” said Jane Doe, the union’s leader, on Saturday.</p>
<p>The port reopened on Sunday after a week of talks between the union and the owners.</p>
<p>Dock workers said the new contract was fair.</p></article>
<footer>Copyright Harbor Times</footer></body></html>"#;
    let r = post(
        &app(),
        "/v1/extract?id=strike&date=2020-01-01",
        Some("text/html; charset=utf-8"),
        page,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    let text = v["text"].as_str().expect("the page's article text");
    assert!(text.starts_with("“We will not back down,”"), "{text}");
    assert!(
        !text.contains("Home") && !text.contains("Copyright"),
        "{text}"
    );
    // The page's own date and URL win over the query; the id comes from the query.
    assert_eq!(v["id"], "strike");
    assert_eq!(v["url"], "https://news.example/strike");
    assert_eq!(v["meta"]["published"], "2025-03-15");
    assert_eq!(v["meta"]["headline"], "Strike ends");
    // Spans are code points into the returned text.
    let chars: Vec<char> = text.chars().collect();
    let quotes = v["quotes"].as_array().expect("quotes");
    let jane = quotes
        .iter()
        .find(|q| {
            q["speaker"]["text"]
                .as_str()
                .is_some_and(|s| s.starts_with("Jane Doe"))
        })
        .expect("Jane Doe's quotation");
    let [a, b] = [0, 1].map(|k| jane["content"][0]["span"][k].as_u64().unwrap() as usize);
    let span: String = chars[a..b].iter().collect();
    assert_eq!(span, jane["content"][0]["text"].as_str().unwrap());
    assert_eq!(jane["when"]["date"], "2025-03-15");
    // Text and JSON bodies carry no `text` field.
    let plain = post(&app(), "/v1/extract", Some("text/plain"), HARBOR).await;
    assert!(plain.json().get("text").is_none());
}

#[tokio::test]
async fn an_html_page_without_an_article_says_so() {
    let r = post(
        &app(),
        "/v1/extract",
        Some("application/xhtml+xml"),
        "<html><body><p>Officials said the talks failed.</p></body></html>",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["text"], "Officials said the talks failed.");
    let binary = post(
        &app(),
        "/v1/extract",
        Some("text/html"),
        b"<html>\0\0\0</html>".to_vec(),
    )
    .await;
    binary.assert_error(415, "binary");
}
