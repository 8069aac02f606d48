//! Fixture builders shared by the integration tests: WARC records, gzip members, files.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use whosaid_ingest::{IngestError, RawDocument};

/// One gzip member holding `data`.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).expect("write to Vec");
    encoder.finish().expect("finish gzip")
}

/// A WARC record with the given fields (Content-Length added) and block.
pub fn warc_record(version: &str, fields: &[(&str, &str)], block: &[u8]) -> Vec<u8> {
    let mut record = format!("WARC/{version}\r\n");
    for (name, value) in fields {
        record.push_str(&format!("{name}: {value}\r\n"));
    }
    record.push_str(&format!("Content-Length: {}\r\n\r\n", block.len()));
    let mut bytes = record.into_bytes();
    bytes.extend_from_slice(block);
    bytes.extend_from_slice(b"\r\n\r\n");
    bytes
}

/// A `response` record for `uri` captured at `date`, holding an HTTP response.
pub fn response(uri: &str, date: &str, http_headers: &str, body: &[u8]) -> Vec<u8> {
    let mut block = format!("HTTP/1.1 200 OK\r\n{http_headers}\r\n").into_bytes();
    block.extend_from_slice(body);
    warc_record(
        "1.0",
        &[
            ("WARC-Type", "response"),
            ("WARC-Target-URI", uri),
            ("WARC-Date", date),
            ("WARC-Record-ID", &format!("<urn:uuid:{uri}>")),
            ("Content-Type", "application/http; msgtype=response"),
        ],
        &block,
    )
}

/// A news page with a headline, and paragraphs long enough for Readability to see content.
pub fn news_page(headline: &str, paragraphs: &[&str], head_extra: &str) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        "<!DOCTYPE html><html><head><title>{headline} | The Daily</title>{head_extra}</head>\
         <body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>\
         <article><h1>{headline}</h1>\n{body}</article>\
         <footer>Copyright The Daily</footer></body></html>"
    )
}

/// Filler sentences so that extracted articles are long enough to count as content.
pub const FILLER: &str = "The council met for three hours on Tuesday evening and heard from \
    residents, business owners and several members of the regional transport authority, \
    who presented figures on ridership, maintenance costs and the planned extension.";

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create fixture dir");
    }
    std::fs::write(&path, bytes).expect("write fixture");
    path
}

/// Splits results into documents and error messages.
pub fn split(
    results: impl IntoIterator<Item = Result<RawDocument, IngestError>>,
) -> (Vec<RawDocument>, Vec<String>) {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(doc) => docs.push(doc),
            Err(err) => errors.push(err.to_string()),
        }
    }
    (docs, errors)
}

pub fn date(doc: &RawDocument) -> Option<String> {
    doc.date.map(|d| d.to_string())
}
