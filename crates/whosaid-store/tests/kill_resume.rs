//! An indexer killed mid-run leaves complete batches only, and rerunning it finishes the
//! job without duplicates.
//!
//! The test runs this test binary again as a child process (filtered to the ignored
//! `child_indexer` test, which does nothing unless the environment names a store). The
//! child indexes the corpus batch by batch, then an edited version of it, and so on until
//! it is killed, printing a line after each commit; the parent kills it (SIGKILL) after a
//! number of commits that lands in the second pass, so the kill hits replacements too.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use common::{assert_consistent, sql_count, synthetic_version};
use whosaid_store::{DocumentInput, OpenMode, Store};

const CHILD_ENV: &str = "WHOSAID_STORE_TEST_CHILD_DB";
const DOCS: usize = 1000;
const BATCH: usize = 25;
const BATCHES: usize = DOCS / BATCH;
/// Ten batches into the second pass.
const KILL_AFTER: usize = BATCHES + 10;

fn corpus(version: usize) -> Vec<DocumentInput> {
    (0..DOCS).map(|k| synthetic_version(k, version)).collect()
}

/// The child process: indexes the two versions of the corpus in turn, batch by batch,
/// printing a line after each commit, until killed. Does nothing when run on its own.
#[test]
#[ignore = "the child process of killed_indexer_resumes_without_damage_or_duplicates"]
fn child_indexer() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut store = Store::open(path, OpenMode::ReadWrite).expect("child opens the store");
    let versions = [corpus(0), corpus(1)];
    for pass in 0.. {
        for batch in versions[pass % 2].chunks(BATCH) {
            store.index_batch(batch).expect("child indexes");
            println!("committed");
        }
    }
}

fn run_child_until_killed(path: &Path) {
    let exe = std::env::current_exe().expect("test binary");
    let mut child = Command::new(exe)
        .args([
            "child_indexer",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn child");
    let stdout = child.stdout.take().expect("child stdout");
    let mut committed = 0;
    for line in BufReader::new(stdout).lines() {
        if line.expect("child output") == "committed" {
            committed += 1;
            if committed == KILL_AFTER {
                break;
            }
        }
    }
    child.kill().expect("kill child");
    let status = child.wait().expect("wait child");
    assert!(!status.success(), "the child was killed");
    assert_eq!(committed, KILL_AFTER, "the child stopped early");
}

/// Which version of each document of a batch is stored (`None`: absent), asserting the
/// batch is all in one state and each stored document complete.
fn batch_state(store: &Store, docs: &[&[DocumentInput]; 2], b: usize) -> Option<usize> {
    let states: Vec<Option<usize>> =
        (0..BATCH)
            .map(|i| {
                let k = b * BATCH + i;
                let got = store.document(&docs[0][k].id).unwrap()?;
                let version = (0..2)
                    .find(|&v| got.record == docs[v][k].record && got.text == docs[v][k].text);
                Some(version.unwrap_or_else(|| {
                    panic!("{} is neither version: half written?", docs[0][k].id)
                }))
            })
            .collect();
    assert!(
        states.iter().all(|s| *s == states[0]),
        "batch {b} is partly committed: {states:?}"
    );
    states[0]
}

#[test]
fn killed_indexer_resumes_without_damage_or_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corpus.db");
    run_child_until_killed(&path);

    // The file is sound; every batch is whole, in the first or the second version.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    drop(conn);
    assert_consistent(&path);
    let (v0, v1) = (corpus(0), corpus(1));
    let mut store = Store::open(&path, OpenMode::ReadWrite).unwrap();
    let states: Vec<Option<usize>> = (0..BATCHES)
        .map(|b| batch_state(&store, &[&v0, &v1], b))
        .collect();
    let edited = states.iter().filter(|s| **s == Some(1)).count();
    assert!(
        states.iter().all(Option::is_some),
        "the first pass was complete: {states:?}"
    );
    assert!(
        edited >= 10,
        "at least the reported second-pass batches are stored: {states:?}"
    );
    assert_eq!(store.stats().unwrap().documents, DOCS);

    // Rerunning the first version finishes the job: edited documents are replaced, the
    // others skipped, nothing duplicated.
    let mut totals = whosaid_store::BatchStats::default();
    for batch in v0.chunks(BATCH) {
        totals += store.index_batch(batch).unwrap();
    }
    assert_eq!(
        (totals.added, totals.replaced, totals.removed),
        (0, edited * BATCH, edited * BATCH)
    );
    assert_eq!(totals.unchanged, DOCS - edited * BATCH);
    let stats = store.stats().unwrap();
    assert_eq!(stats.documents, DOCS);
    assert_eq!(
        stats.quotes,
        (0..DOCS).map(common::synthetic_quotes).sum::<usize>()
    );
    for b in 0..BATCHES {
        assert_eq!(batch_state(&store, &[&v0, &v1], b), Some(0));
    }
    drop(store);
    let dup_quotes =
        "SELECT count(*) FROM (SELECT doc, ord FROM quotes GROUP BY doc, ord HAVING count(*) > 1)";
    assert_eq!(sql_count(&path, dup_quotes), 0);
    assert_consistent(&path);
}
