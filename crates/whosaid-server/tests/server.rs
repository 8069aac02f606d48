//! The server over real TCP, read-only serving, and the viewer's pages.

mod common;

use std::time::Duration;

use common::{HARBOR, app_with, corpus, get, send};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use whosaid_server::{AppState, ServeConfig};

/// Sends a raw HTTP/1.1 request and reads the whole response (the request asks the server
/// to close the connection).
async fn raw_request(addr: std::net::SocketAddr, head: &str, body: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut out))
        .await
        .expect("response in time")
        .expect("read");
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn a_real_server_answers_over_tcp_and_shuts_down_gracefully() {
    let (_dir, db) = corpus();
    let state = AppState::new(&ServeConfig {
        db: Some(db),
        ..Default::default()
    })
    .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(whosaid_server::serve_on(listener, state, async {
        let _ = stopped.await;
    }));

    let head = format!(
        "POST /v1/extract?date=2025-03-14 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        HARBOR.len()
    );
    let response = raw_request(addr, &head, HARBOR.as_bytes()).await;
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(response.contains("Every day this port stays closed"));
    assert!(
        response
            .to_ascii_lowercase()
            .contains("x-content-type-options: nosniff")
    );

    // A chunked body over the limit is cut off with 413.
    let mut body = Vec::new();
    for _ in 0..40 {
        let chunk = vec![b'a'; 64 * 1024];
        body.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        body.extend_from_slice(&chunk);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"0\r\n\r\n");
    let head = "POST /v1/extract HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n\
                Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    let response = raw_request(addr, head, &body).await;
    assert!(
        response.starts_with("HTTP/1.1 413"),
        "{}",
        &response[..response.len().min(300)]
    );
    assert!(response.contains("\"status\":413"));

    let response = raw_request(
        addr,
        "GET /v1/speakers?limit=2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"",
    )
    .await;
    assert!(
        response.starts_with("HTTP/1.1 200 OK") && response.contains("Daniel Okafor"),
        "{response}"
    );

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("shuts down")
        .unwrap()
        .unwrap();
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "no longer listening"
    );
}

fn file_digest(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[tokio::test]
async fn read_only_serving_never_writes() {
    let (dir, db) = corpus();
    // Checkpoint and close the writer, so the main file holds everything.
    drop(whosaid_store::Store::open(&db, whosaid_store::OpenMode::ReadWrite).unwrap());
    let before = file_digest(&db);
    let state = AppState::new(&ServeConfig {
        db: Some(db.clone()),
        read_only: true,
        ..Default::default()
    })
    .unwrap();
    assert_eq!(state.db_mode(), Some(whosaid_store::OpenMode::ReadOnly));
    let app = whosaid_server::router(state);
    assert_eq!(get(&app, "/v1/info").await.json()["read_only"], true);

    // No route takes a write method, except extraction, which does not touch the store.
    for (_, path) in whosaid_server::routes() {
        let uri = path.replace("{id}", "1").replace("{*id}", "harbor-strike");
        for method in ["PUT", "DELETE", "PATCH"] {
            let request = axum::http::Request::builder()
                .method(method)
                .uri(&uri)
                .body(axum::body::Body::empty())
                .unwrap();
            send(&app, request).await.assert_error(405, "not allowed");
        }
        if uri != "/v1/extract" {
            let request = axum::http::Request::post(&uri)
                .body(axum::body::Body::from("x"))
                .unwrap();
            send(&app, request).await.assert_error(405, "not allowed");
        }
    }
    for uri in [
        "/v1/quotes?q=port",
        "/v1/speakers",
        "/v1/speakers/1",
        "/v1/documents/harbor-strike",
        "/v1/info",
    ] {
        assert_eq!(get(&app, uri).await.status, 200, "{uri}");
    }
    let r = common::post(&app, "/v1/extract", Some("text/plain"), HARBOR).await;
    assert_eq!(r.status, 200);
    assert_eq!(file_digest(&db), before, "the store file is unchanged");
    let wal = dir.path().join("corpus.db-wal");
    assert!(
        !wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0,
        "nothing was logged for writing"
    );
}

#[tokio::test]
async fn the_viewer_is_served_with_its_embedded_assets() {
    let app = app_with(None, |_| {});
    for page in [
        "/",
        "/search",
        "/speakers",
        "/speakers/7",
        "/documents/https%3A%2F%2Fa.example%2Fx",
        "/documents/a/b",
    ] {
        let r = get(&app, page).await;
        assert_eq!(r.status, 200, "{page}");
        assert!(
            r.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let csp = r.headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'self'"), "{csp}");
        let html = r.text();
        assert!(html.contains("<script src=\"/assets/app.js\""), "{page}");
        assert!(html.contains("href=\"/assets/app.css\""), "{page}");
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "nothing loaded from elsewhere"
        );
    }
    let js = get(&app, "/assets/app.js").await;
    assert_eq!(js.status, 200);
    assert!(
        js.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(js.text().contains("/v1/extract"));
    let css = get(&app, "/assets/app.css").await;
    assert!(
        css.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(css.text().contains(".q-content"));
    let icon = get(&app, "/assets/favicon.svg").await;
    assert!(icon.text().contains("<svg"));
    // No external resources in the assets either (the SVG namespace is a name, not a fetch).
    for asset in [js.text(), css.text()] {
        let asset = asset.replace("http://www.w3.org/2000/svg", "");
        assert!(
            !asset.contains("https://") && !asset.contains("http://"),
            "external URL in an asset"
        );
    }
}
