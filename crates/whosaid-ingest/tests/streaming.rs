//! Readers are lazy: the first document arrives after reading a small part of a huge input.

mod common;

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use common::*;
use whosaid_ingest::{ReadOptions, read_reader};

/// An endless input that repeats `unit`, counting the bytes handed out.
struct Endless {
    unit: Vec<u8>,
    pos: usize,
    served: Arc<AtomicU64>,
    limit: u64,
}

impl Endless {
    fn new(unit: Vec<u8>, limit: u64) -> (Self, Arc<AtomicU64>) {
        let served = Arc::new(AtomicU64::new(0));
        let endless = Endless {
            unit,
            pos: 0,
            served: Arc::clone(&served),
            limit,
        };
        (endless, served)
    }
}

impl Read for Endless {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.served.load(Ordering::Relaxed) >= self.limit {
            return Ok(0);
        }
        let mut n = 0;
        while n < out.len() {
            let chunk = &self.unit[self.pos..];
            let take = chunk.len().min(out.len() - n);
            out[n..n + take].copy_from_slice(&chunk[..take]);
            n += take;
            self.pos = (self.pos + take) % self.unit.len();
        }
        self.served.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

const TEN_GB: u64 = 10 * 1024 * 1024 * 1024;

#[test]
fn jsonl_reader_is_lazy() {
    let line = format!("{{\"maintext\": \"{}\"}}\n", "word ".repeat(200));
    let (input, served) = Endless::new(line.into_bytes(), TEN_GB);
    let mut docs = read_reader(input, "huge.jsonl", &ReadOptions::default());
    let first = docs.next().and_then(Result::ok).expect("a first document");
    assert!(first.text.starts_with("word word"));
    let second = docs.next().and_then(Result::ok).expect("a second document");
    assert_eq!(second.origin.line, Some(2));
    let read = served.load(Ordering::Relaxed);
    assert!(read < 1024 * 1024, "read {read} bytes for two documents");
}

#[test]
fn gzipped_warc_reader_is_lazy() {
    let page = news_page("Lazy", &["Only the first record is needed.", FILLER], "");
    let record = response(
        "https://news.example/lazy",
        "2020-02-15T10:32:00Z",
        "Content-Type: text/html\r\n",
        page.as_bytes(),
    );
    let (input, served) = Endless::new(gzip(&record), TEN_GB);
    let mut docs = read_reader(input, "endless.warc.gz", &ReadOptions::default());
    let first = docs.next().and_then(Result::ok).expect("a first document");
    assert_eq!(first.id, "https://news.example/lazy");
    let read = served.load(Ordering::Relaxed);
    assert!(read < 1024 * 1024, "read {read} bytes for one document");
}

#[test]
fn a_huge_line_is_skipped_in_bounded_memory() {
    // One 64 MiB line, then a good one: the limit is 1 MiB, so the long line is dropped
    // while it is read rather than collected.
    let long_line = vec![b'x'; 64 * 1024 * 1024];
    let mut input = long_line;
    input.extend_from_slice(b"\n{\"maintext\": \"after\"}\n");
    let opts = ReadOptions {
        max_record_bytes: 1024 * 1024,
        ..ReadOptions::default()
    };
    let results: Vec<_> = read_reader(std::io::Cursor::new(input), "long.jsonl", &opts).collect();
    assert_eq!(results.len(), 2);
    assert!(results[0].as_ref().is_err_and(|e| {
        e.to_string()
            .starts_with("long.jsonl:1: line of 67108865 bytes")
    }));
    assert_eq!(results[1].as_ref().map(|d| d.text.as_str()), Ok("after"));
}
