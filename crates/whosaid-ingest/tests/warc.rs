//! WARC and WARC.gz: which records become documents, and that damage stays local.

mod common;

use common::*;
use whosaid_ingest::{InputSpec, ReadOptions, read_inputs};

fn page_a() -> String {
    news_page(
        "Mayor defends budget",
        &[
            "\u{201C}The budget is balanced,\u{201D} Mayor Ana Ruiz said on Tuesday.",
            FILLER,
            "Opposition leader Tom Hale called the plan \u{201C}a fantasy.\u{201D}",
        ],
        "<meta property='article:published_time' content='2020-02-14T18:00:00-05:00'>",
    )
}

fn page_b() -> String {
    news_page(
        "Rail line extended",
        &[
            "The transport authority said the line would open in May.",
            FILLER,
        ],
        "",
    )
}

fn page_d() -> String {
    news_page(
        "Record harvest",
        &[
            "Farmers reported a record harvest, the ministry said.",
            FILLER,
        ],
        "",
    )
}

fn page_c() -> String {
    news_page("Lost story", &[FILLER, FILLER, FILLER, FILLER], "")
}

const HTML: &str = "Content-Type: text/html; charset=utf-8\r\n";

/// The records of a small CC-NEWS-like crawl, each as its own gzip member, with member
/// number 4 (story C) truncated; and the offset of story C's record in the decompressed
/// stream.
fn cc_news_members() -> (Vec<Vec<u8>>, usize) {
    let warcinfo = warc_record(
        "1.0",
        &[
            ("WARC-Type", "warcinfo"),
            ("Content-Type", "application/warc-fields"),
        ],
        b"software: test\r\nformat: WARC File Format 1.0\r\n",
    );
    let request = warc_record(
        "1.0",
        &[
            ("WARC-Type", "request"),
            ("WARC-Target-URI", "https://news.example/a"),
        ],
        b"GET /a HTTP/1.1\r\nHost: news.example\r\n\r\n",
    );
    let a = response(
        "https://news.example/a",
        "2020-02-15T10:32:00Z",
        HTML,
        page_a().as_bytes(),
    );
    let b = response(
        "https://news.example/b",
        "2020-02-15T11:00:00Z",
        HTML,
        page_b().as_bytes(),
    );
    let c = response(
        "https://news.example/c",
        "2020-02-15T12:00:00Z",
        HTML,
        page_c().as_bytes(),
    );
    let metadata = warc_record(
        "1.0",
        &[
            ("WARC-Type", "metadata"),
            ("WARC-Target-URI", "https://news.example/b"),
        ],
        b"fetchTimeMs: 120\r\n",
    );
    let image = response(
        "https://news.example/logo.png",
        "2020-02-15T12:30:00Z",
        "Content-Type: image/png\r\n",
        b"\x89PNG\r\n\x1a\n",
    );
    let d = response(
        "https://news.example/d",
        "2020-02-15T13:00:00Z",
        HTML,
        page_d().as_bytes(),
    );
    let c_member = gzip(&c);
    let truncated_c = c_member[..c_member.len() / 2].to_vec();
    let c_offset = warcinfo.len() + request.len() + a.len() + b.len();
    let members = vec![
        gzip(&warcinfo),
        gzip(&request),
        gzip(&a),
        gzip(&b),
        truncated_c,
        gzip(&metadata),
        gzip(&image),
        gzip(&d),
    ];
    (members, c_offset)
}

#[test]
fn multi_member_warc_gz_with_a_truncated_member() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (members, c_offset) = cc_news_members();
    let path = write(dir.path(), "CC-NEWS-20200215.warc.gz", &members.concat());
    let (docs, errors) = split(read_inputs(
        &[InputSpec::from(path.as_path())],
        &ReadOptions::default(),
    ));

    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "https://news.example/a",
            "https://news.example/b",
            "https://news.example/d"
        ],
        "errors: {errors:?}"
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    let location = format!("{} (record at byte {c_offset}): ", path.display());
    assert!(errors[0].starts_with(&location), "{errors:?}");

    // The page's own publication date wins; the capture date is the fallback.
    assert_eq!(date(&docs[0]).as_deref(), Some("2020-02-14"));
    assert_eq!(date(&docs[1]).as_deref(), Some("2020-02-15"));
    assert_eq!(docs[0].url.as_deref(), Some("https://news.example/a"));
    assert_eq!(docs[0].title.as_deref(), Some("Mayor defends budget"));
    assert!(
        docs[0]
            .text
            .contains("Mayor Ana Ruiz said on Tuesday.\n\nThe council met"),
        "{}",
        docs[0].text
    );
    assert!(!docs[0].text.contains("Home"), "{}", docs[0].text);
    assert!(
        docs[2]
            .text
            .starts_with("Farmers reported a record harvest"),
        "{}",
        docs[2].text
    );
    for doc in &docs {
        assert!(doc.origin.offset.is_some());
    }
}

#[test]
fn corrupt_bytes_inside_a_member() {
    let (mut members, c_offset) = cc_news_members();
    let c = response(
        "https://news.example/c",
        "2020-02-15T12:00:00Z",
        HTML,
        page_c().as_bytes(),
    );
    let mut corrupt = gzip(&c);
    let middle = corrupt.len() / 2;
    for byte in &mut corrupt[middle..middle + 16] {
        *byte = !*byte;
    }
    members[4] = corrupt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "crawl.warc.gz", &members.concat());
    let (docs, errors) = split(read_inputs(
        &[InputSpec::from(path.as_path())],
        &ReadOptions::default(),
    ));
    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "https://news.example/a",
            "https://news.example/b",
            "https://news.example/d"
        ]
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains(&format!("(record at byte {c_offset}): ")),
        "{errors:?}"
    );
}

#[test]
fn plain_warc_with_a_bad_content_length() {
    let a = response(
        "https://news.example/a",
        "2020-02-15T10:32:00Z",
        HTML,
        page_a().as_bytes(),
    );
    let b = response(
        "https://news.example/b",
        "2020-02-15T11:00:00Z",
        HTML,
        page_b().as_bytes(),
    );
    let d = response(
        "https://news.example/d",
        "2020-02-15T13:00:00Z",
        HTML,
        page_d().as_bytes(),
    );
    // Claims far more bytes than it has: its block swallows record b.
    let liar = String::from_utf8(warc_record(
        "1.1",
        &[("WARC-Type", "response")],
        b"HTTP/1.1 200 OK\r\n\r\n<p>x",
    ))
    .expect("ascii")
    .replace("Content-Length: 23", "Content-Length: 5000");
    let mut warc = a.clone();
    warc.extend_from_slice(liar.as_bytes());
    warc.extend_from_slice(&b);
    warc.extend_from_slice(&d);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "crawl.warc", &warc);

    let (docs, errors) = split(read_inputs(
        &[InputSpec::from(path.as_path())],
        &ReadOptions::default(),
    ));
    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "https://news.example/a",
            "https://news.example/b",
            "https://news.example/d"
        ]
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    let liar_offset = a.len();
    assert!(
        errors[0].contains(&format!("(record at byte {liar_offset}): ")),
        "{errors:?}"
    );
}

#[test]
fn truncated_last_record() {
    let a = response(
        "https://news.example/a",
        "2020-02-15T10:32:00Z",
        HTML,
        page_a().as_bytes(),
    );
    let b = response(
        "https://news.example/b",
        "2020-02-15T11:00:00Z",
        HTML,
        page_b().as_bytes(),
    );
    let mut warc = a.clone();
    warc.extend_from_slice(&b[..b.len() - 200]);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "cut.warc", &warc);
    let gz_path = write(dir.path(), "cut.warc.gz", &gzip(&warc)[..]);
    for path in [path, gz_path] {
        let (docs, errors) = split(read_inputs(
            &[InputSpec::from(path.as_path())],
            &ReadOptions::default(),
        ));
        assert_eq!(docs.len(), 1, "{path:?}");
        assert_eq!(errors.len(), 1, "{path:?}: {errors:?}");
        assert!(
            errors[0].contains("runs past the end of the input"),
            "{errors:?}"
        );
    }
}

#[test]
fn http_encodings_and_charsets_in_responses() {
    let page = news_page(
        "Économie",
        &[
            "Le ministre a déclaré que la croissance était «\u{a0}solide\u{a0}».",
            FILLER,
        ],
        "",
    );
    let (latin1, _, _) = encoding_rs::WINDOWS_1252.encode(&page);
    let zipped = gzip(&latin1);
    let mut chunked = format!("{:x}\r\n", zipped.len()).into_bytes();
    chunked.extend_from_slice(&zipped);
    chunked.extend_from_slice(b"\r\n0\r\n\r\n");
    let record = response(
        "https://news.example/fr",
        "2021-06-01T08:00:00Z",
        "Content-Type: text/html; charset=ISO-8859-1\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
        &chunked,
    );
    let not_found = String::from_utf8(response(
        "https://news.example/404",
        "2021-06-01T08:00:00Z",
        HTML,
        b"<html>gone</html>",
    ))
    .expect("ascii")
    .replace("HTTP/1.1 200 OK", "HTTP/1.1 404 NO");
    let mut warc = record;
    warc.extend_from_slice(not_found.as_bytes());
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "fr.warc", &warc);
    let (docs, errors) = split(read_inputs(
        &[InputSpec::from(path.as_path())],
        &ReadOptions::default(),
    ));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].title.as_deref(), Some("Économie"));
    assert!(
        docs[0]
            .text
            .contains("déclaré que la croissance était «\u{a0}solide\u{a0}»"),
        "{}",
        docs[0].text
    );
    assert_eq!(date(&docs[0]).as_deref(), Some("2021-06-01"));
}
