//! Indexing throughput: `cargo bench -p whosaid-store` (add `-- COPIES` to index each
//! article that many times, as if several outlets carried it).
//!
//! Texts come from `$WHOSAID_BENCH_TEXTS` (a directory of `.txt` files) or, by default,
//! the PolNeAR train split in `../shared/data`. The engine extracts every text once,
//! before the clock starts; then the store indexes the documents in batches of 500 into
//! a new file, re-indexes them (all unchanged), and runs a few searches.

use std::path::PathBuf;
use std::time::Instant;

use whosaid_store::{DocumentInput, OpenMode, QuoteQuery, Store};

const BATCH: usize = 500;

/// CPU seconds this process has used (Linux; 0 elsewhere): unlike wall time, not
/// inflated when other work shares the machine.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let ticks: Vec<f64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|t| t.parse().ok())
        .collect();
    ticks.iter().sum::<f64>() / 100.0
}

fn texts() -> Vec<(String, String)> {
    let dir = std::env::var_os("WHOSAID_BENCH_TEXTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/data/polnear/train/text")
        });
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (set WHOSAID_BENCH_TEXTS)", dir.display()))
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
        .filter_map(|e| {
            let name = e.path().file_stem()?.to_string_lossy().into_owned();
            Some((name, std::fs::read_to_string(e.path()).ok()?))
        })
        .collect();
    out.sort();
    out
}

fn date_of(name: &str) -> Option<jiff::civil::Date> {
    name.split('_').nth(1).and_then(|d| d.parse().ok())
}

fn main() {
    let copies: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5);
    let texts = texts();
    let start = Instant::now();
    let mut docs = Vec::new();
    for (name, text) in &texts {
        let published = date_of(name);
        let options = whosaid_core::Options {
            published,
            ..Default::default()
        };
        let record = whosaid_core::schema::to_record(
            &whosaid_core::extract(text, &options),
            Some(name),
            None,
        );
        for copy in 0..copies {
            // A suffix keeps every span valid and makes each copy a distinct text.
            let mut input = DocumentInput::new(
                format!("{name}#{copy}"),
                format!("{text}\n[copy {copy}]"),
                record.clone(),
            );
            input.date = published.map(|d| d.saturating_add(jiff::Span::new().days(copy as i64)));
            docs.push(input);
        }
    }
    let quotes: usize = docs.iter().map(|d| d.record.quotes.len()).sum();
    println!(
        "{} texts × {copies} copies = {} documents, {quotes} quotations (extracted in {:.1?})",
        texts.len(),
        docs.len(),
        start.elapsed()
    );

    let dir = tempfile::tempdir().expect("temp dir");
    // WHOSAID_BENCH_DB keeps the store for inspection.
    let path = std::env::var_os("WHOSAID_BENCH_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.path().join("bench.db"));
    let _ = std::fs::remove_file(&path);
    let mut store = Store::open(&path, OpenMode::ReadWrite).expect("open");
    let start = Instant::now();
    let cpu = cpu_seconds();
    for batch in docs.chunks(BATCH) {
        store.index_batch(batch).expect("index");
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu;
    println!(
        "index:    {:>8.0} docs/s  {:>8.0} quotations/s  ({secs:.2} s wall)",
        docs.len() as f64 / secs,
        quotes as f64 / secs
    );
    println!(
        "          {:>8.0} docs per CPU second ({cpu:.2} s CPU)",
        docs.len() as f64 / cpu.max(0.01)
    );

    let start = Instant::now();
    for batch in docs.chunks(BATCH) {
        store.index_batch(batch).expect("re-index");
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "re-index: {:>8.0} docs/s  (all unchanged, {secs:.2} s)",
        docs.len() as f64 / secs
    );

    let stats = store.stats().expect("stats");
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(path.with_extension("db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    println!("store:    {stats:?}, {:.1} MB", size as f64 / 1e6);

    for q in ["", "clinton", "\"make america great\"", "tax OR taxes"] {
        let query = QuoteQuery {
            q: q.to_string(),
            ..QuoteQuery::default()
        };
        let start = Instant::now();
        let page = store.search(&query).expect("search");
        println!(
            "search {q:<24} {:>6} hits in {:.1?}",
            page.total,
            start.elapsed()
        );
    }
    let start = Instant::now();
    let top = store.speakers(20).expect("speakers");
    println!(
        "speakers(20) in {:.1?}: {}",
        start.elapsed(),
        top.iter()
            .take(5)
            .map(|s| format!("{} ({})", s.name, s.quote_count))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let query = QuoteQuery {
        speaker: Some("Trump".into()),
        ..QuoteQuery::default()
    };
    let start = Instant::now();
    let page = store.search(&query).expect("search");
    println!(
        "search --speaker Trump {:>6} hits in {:.1?}",
        page.total,
        start.elapsed()
    );
}
