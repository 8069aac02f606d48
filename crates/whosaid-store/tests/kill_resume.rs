//! An indexer killed mid-run leaves complete batches only, and rerunning it finishes the
//! job without duplicates.
//!
//! The test runs this test binary again as a child process (filtered to the ignored
//! `child_indexer` test, which does nothing unless the environment names a store), reads
//! its progress lines, and kills it with SIGKILL after a few committed batches.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use common::{assert_consistent, sql_count, synthetic, synthetic_quotes};
use whosaid_store::{DocumentInput, OpenMode, Store};

const CHILD_ENV: &str = "WHOSAID_STORE_TEST_CHILD_DB";
const DOCS: usize = 1500;
const BATCH: usize = 25;
const KILL_AFTER: usize = 6;

fn corpus() -> Vec<DocumentInput> {
    (0..DOCS).map(synthetic).collect()
}

/// The child process: indexes the corpus batch by batch, printing a line after each
/// commit. Does nothing when run on its own.
#[test]
#[ignore = "the child process of killed_indexer_resumes_without_damage_or_duplicates"]
fn child_indexer() {
    let Ok(path) = std::env::var(CHILD_ENV) else { return };
    let mut store = Store::open(path, OpenMode::ReadWrite).expect("child opens the store");
    for (k, batch) in corpus().chunks(BATCH).enumerate() {
        store.index_batch(batch).expect("child indexes");
        println!("committed {k}");
    }
    println!("finished");
}

fn run_child_until_killed(path: &Path) -> usize {
    let exe = std::env::current_exe().expect("test binary");
    let mut child = Command::new(exe)
        .args(["child_indexer", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn child");
    let stdout = child.stdout.take().expect("child stdout");
    let mut committed = 0;
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("child output");
        assert_ne!(line, "finished", "the child finished before it could be killed");
        if line.starts_with("committed ") {
            committed += 1;
            if committed == KILL_AFTER {
                child.kill().expect("kill child");
                break;
            }
        }
    }
    let status = child.wait().expect("wait child");
    assert!(!status.success(), "the child was killed");
    committed
}

#[test]
fn killed_indexer_resumes_without_damage_or_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corpus.db");
    let committed = run_child_until_killed(&path);
    assert_eq!(committed, KILL_AFTER);

    // The file is sound, and holds whole batches only: at least the ones reported, and
    // each stored document complete.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    drop(conn);
    let mut store = Store::open(&path, OpenMode::ReadWrite).unwrap();
    assert!(store.check().unwrap().is_empty(), "{:?}", store.check());
    let stored = store.stats().unwrap().documents;
    assert!(stored >= KILL_AFTER * BATCH, "{stored} documents stored");
    assert_eq!(stored % BATCH, 0, "a partial batch was committed: {stored} documents");
    assert!(stored < DOCS);
    let corpus = corpus();
    for (k, doc) in corpus.iter().enumerate() {
        let got = store.document(&doc.id).unwrap();
        if k < stored {
            let got = got.unwrap_or_else(|| panic!("{} missing", doc.id));
            assert_eq!(got.record.quotes.len(), synthetic_quotes(k));
            assert_eq!(got.record, doc.record);
            assert_eq!(got.text, doc.text);
        } else {
            assert!(got.is_none(), "{} is from an uncommitted batch", doc.id);
        }
    }
    let stored_quotes: usize = (0..stored).map(synthetic_quotes).sum();
    assert_eq!(store.stats().unwrap().quotes, stored_quotes);
    assert_consistent(&path);

    // Rerunning the whole job finishes it: nothing duplicated, nothing rewritten.
    let mut unchanged = 0;
    for batch in corpus.chunks(BATCH) {
        let s = store.index_batch(batch).unwrap();
        unchanged += s.unchanged;
        assert_eq!(s.removed, 0);
    }
    assert_eq!(unchanged, stored);
    let stats = store.stats().unwrap();
    assert_eq!(stats.documents, DOCS);
    assert_eq!(stats.quotes, (0..DOCS).map(synthetic_quotes).sum::<usize>());
    assert!(store.check().unwrap().is_empty());
    drop(store);
    let dup_quotes = "SELECT count(*) FROM (SELECT doc, ord FROM quotes GROUP BY doc, ord HAVING count(*) > 1)";
    assert_eq!(sql_count(&path, dup_quotes), 0);
    assert_consistent(&path);
}
