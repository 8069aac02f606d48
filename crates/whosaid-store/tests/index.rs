//! Indexing: idempotency, replacement, atomicity, round trips, open modes and versions.

mod common;

use common::{Doc, sql_count, temp_store};
use whosaid_core::EntityKind;
use whosaid_store::{BatchStats, Error, OpenMode, QuoteQuery, SCHEMA_VERSION, Store};

fn all(store: &Store) -> whosaid_store::QuotePage {
    store
        .search(&QuoteQuery {
            limit: 1000,
            ..QuoteQuery::default()
        })
        .expect("search")
}

#[test]
fn reindexing_the_same_id_replaces_and_never_duplicates() {
    let (_dir, mut store) = temp_store();
    let first = Doc::new("a", "2020-01-02")
        .said(
            "Jane Doe",
            "Jane Doe",
            "We will win this fight for the workers",
        )
        .build();
    let s = store.index_batch(std::slice::from_ref(&first)).unwrap();
    assert_eq!(
        s,
        BatchStats {
            added: 1,
            quotes: 1,
            ..BatchStats::default()
        }
    );

    // Exactly the same again: nothing written.
    let s = store.index_batch(std::slice::from_ref(&first)).unwrap();
    assert_eq!(
        s,
        BatchStats {
            unchanged: 1,
            ..BatchStats::default()
        }
    );

    // Same id, new text: replaced.
    let second = Doc::new("a", "2020-01-02")
        .said("Jane Doe", "Jane Doe", "We will win")
        .said("John Roe", "John Roe", "We will see about that")
        .build();
    let s = store.index_batch(&[second.clone(), second]).unwrap();
    assert_eq!((s.replaced, s.removed, s.unchanged), (1, 1, 1));

    let stats = store.stats().unwrap();
    assert_eq!((stats.documents, stats.quotes), (1, 2));
    assert_eq!(all(&store).total, 2);
    let speakers = store.speakers(10).unwrap();
    assert_eq!(speakers.len(), 2);
    assert!(speakers.iter().all(|s| s.quote_count == 1), "{speakers:?}");
    assert!(store.check().unwrap().is_empty());
}

#[test]
fn same_text_under_another_id_replaces_the_first() {
    let (_dir, mut store) = temp_store();
    let build = |id: &str| {
        Doc::with_header(id, "2020-03-01", "Same wire story.")
            .said("Jane Doe", "Jane Doe", "Prices will rise")
            .build()
    };
    store.index_batch(&[build("wire-1")]).unwrap();
    let s = store.index_batch(&[build("mirror-7")]).unwrap();
    assert_eq!((s.replaced, s.removed), (1, 1));
    assert!(store.document("wire-1").unwrap().is_none());
    assert!(store.document("mirror-7").unwrap().is_some());
    assert_eq!(store.stats().unwrap().documents, 1);
    assert_eq!(all(&store).quotes[0].doc_id, "mirror-7");
}

#[test]
fn a_failing_batch_writes_nothing() {
    let (dir, mut store) = temp_store();
    store
        .index_batch(&[Doc::new("kept", "2020-01-01")
            .said("Jane Doe", "Jane Doe", "Committed words")
            .build()])
        .unwrap();
    // Make the second document of the next batch fail, after the first was written.
    let conn = rusqlite::Connection::open(dir.path().join("corpus.db")).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER fail_b BEFORE INSERT ON documents WHEN new.doc_id = 'b' \
         BEGIN SELECT RAISE(ABORT, 'boom'); END;",
    )
    .unwrap();
    drop(conn);
    let batch = [
        Doc::new("a", "2020-01-02")
            .said("John Roe", "John Roe", "First of the batch")
            .build(),
        Doc::new("b", "2020-01-03")
            .said("John Roe", "John Roe", "Second of the batch")
            .build(),
    ];
    let err = store.index_batch(&batch).unwrap_err();
    assert!(matches!(err, Error::Sqlite { .. }), "{err}");
    assert!(err.to_string().contains("corpus.db"), "{err}");
    let stats = store.stats().unwrap();
    assert_eq!((stats.documents, stats.quotes, stats.speakers), (1, 1, 1));
    assert!(store.document("a").unwrap().is_none());
    assert_eq!(store.speakers(10).unwrap()[0].name, "Jane Doe");
}

#[test]
fn documents_round_trip_their_records() {
    let (_dir, mut store) = temp_store();
    let doc = Doc::new("ü-1", "2021-06-30")
        .said(
            "Secretary General Jens Stoltenberg",
            "Jens Stoltenberg",
            "Nous resterons unis, «toujours»",
        )
        .title("Jens Stoltenberg", "NATO Secretary General")
        .mention("NATO", "NATO", EntityKind::Organization)
        .said("he", "Jens Stoltenberg", "Ünïcode is fine")
        .build();
    store.index_batch(std::slice::from_ref(&doc)).unwrap();
    let got = store.document("ü-1").unwrap().expect("stored");
    assert_eq!(got.text, doc.text);
    assert_eq!(got.record, doc.record);
    assert_eq!(got.date, "2021-06-30".parse().ok());
    assert_eq!(got.url.as_deref(), Some("https://news.example/ü-1"));
    assert_eq!(got.entity_speakers.len(), 2);
    for q in &got.record.quotes {
        for c in &q.content {
            let slice: String = got
                .text
                .chars()
                .skip(c.span[0])
                .take(c.span[1] - c.span[0])
                .collect();
            assert_eq!(slice, c.text);
        }
    }
    assert!(store.document("nope").unwrap().is_none());
}

#[test]
fn read_only_stores_refuse_writes() {
    let (dir, mut store) = temp_store();
    store
        .index_batch(&[Doc::new("a", "2020-01-01")
            .said("Jane Doe", "Jane Doe", "Hello there")
            .build()])
        .unwrap();
    drop(store);
    let path = dir.path().join("corpus.db");
    let mut ro = Store::open(&path, OpenMode::ReadOnly).unwrap();
    assert_eq!(ro.stats().unwrap().documents, 1);
    let err = ro
        .index_batch(&[Doc::new("b", "2020-01-01").build()])
        .unwrap_err();
    assert!(matches!(err, Error::ReadOnly { .. }), "{err}");
    assert!(err.to_string().contains("read-only"));
    assert_eq!(
        ro.search(&QuoteQuery {
            q: "hello".into(),
            ..QuoteQuery::default()
        })
        .unwrap()
        .total,
        1
    );
    assert!(ro.check().unwrap().is_empty());

    let missing = Store::open(dir.path().join("missing.db"), OpenMode::ReadOnly).unwrap_err();
    assert!(matches!(missing, Error::NotFound { .. }), "{missing}");
    assert!(!dir.path().join("missing.db").exists());
}

#[test]
fn another_schema_version_is_refused_with_the_fix() {
    let (dir, store) = temp_store();
    drop(store);
    let path = dir.path().join("corpus.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE whosaid_schema SET version = ?1",
        [SCHEMA_VERSION + 41],
    )
    .unwrap();
    drop(conn);
    for mode in [OpenMode::ReadOnly, OpenMode::ReadWrite] {
        let err = Store::open(&path, mode).unwrap_err();
        let msg = err.to_string();
        assert!(
            matches!(err, Error::SchemaMismatch { found, expected, .. } if found == SCHEMA_VERSION + 41 && expected == SCHEMA_VERSION)
        );
        assert!(
            msg.contains(&format!("schema version {}", SCHEMA_VERSION + 41)),
            "{msg}"
        );
        assert!(msg.contains(&format!("version {SCHEMA_VERSION}")), "{msg}");
        assert!(
            msg.contains(&format!("whosaid index --db {} --rebuild", path.display())),
            "{msg}"
        );
    }
    let mut fresh = Store::open(&path, OpenMode::Recreate).unwrap();
    fresh
        .index_batch(&[Doc::new("a", "2020-01-01")
            .said("Jane Doe", "Jane Doe", "A new start")
            .build()])
        .unwrap();
    drop(fresh);
    assert_eq!(
        sql_count(&path, "SELECT version FROM whosaid_schema"),
        SCHEMA_VERSION
    );
    assert_eq!(
        Store::open(&path, OpenMode::ReadOnly)
            .unwrap()
            .stats()
            .unwrap()
            .quotes,
        1
    );
}

#[test]
fn recreate_empties_a_store_but_spares_other_databases() {
    let (dir, mut store) = temp_store();
    store
        .index_batch(&[Doc::new("a", "2020-01-01")
            .said("Jane Doe", "Jane Doe", "Something")
            .build()])
        .unwrap();
    drop(store);
    let store = Store::open(dir.path().join("corpus.db"), OpenMode::Recreate).unwrap();
    assert_eq!(store.stats().unwrap(), whosaid_store::StoreStats::default());
    assert!(store.check().unwrap().is_empty());

    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE precious (x); INSERT INTO precious VALUES (1);")
        .unwrap();
    for mode in [OpenMode::ReadWrite, OpenMode::Recreate, OpenMode::ReadOnly] {
        let err = Store::open(&other, mode).unwrap_err();
        assert!(matches!(err, Error::NotAStore { .. }), "{err}");
    }
    assert_eq!(sql_count(&other, "SELECT count(*) FROM precious"), 1);

    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, b"this is not a database at all, not even close....................................................").unwrap();
    assert!(Store::open(&garbage, OpenMode::ReadWrite).is_err());
    assert!(Store::open(&garbage, OpenMode::Recreate).is_err());
}

#[test]
fn odd_records_are_stored_without_panicking() {
    let (_dir, mut store) = temp_store();
    let mut doc = Doc::new("odd\0id", "")
        .said("Somebody", "", "")
        .said("x", "!!!", "?")
        .said(
            "Nul\0Person",
            "Nul\0Person",
            "binary\0data \u{1b}[31m in a quote",
        )
        .build();
    // A quotation pointing at an entity that does not exist, and a duplicated entity id.
    doc.record.quotes[0].speaker.as_mut().unwrap().entity = Some("E99".into());
    let dup = doc.record.entities[0].clone();
    doc.record.entities.push(dup);
    doc.date = None;
    doc.id = String::new();
    let s = store.index_batch(std::slice::from_ref(&doc)).unwrap();
    assert_eq!(s.added, 1);
    let page = store.search(&QuoteQuery::default()).unwrap();
    assert_eq!(page.total, 3);
    assert!(page.quotes.iter().all(|h| h.date.is_none()));
    assert_eq!(
        page.quotes
            .iter()
            .filter(|h| h.speaker_id.is_some())
            .count(),
        1
    );
    let found = store
        .search(&QuoteQuery {
            q: "binary data".into(),
            ..QuoteQuery::default()
        })
        .unwrap();
    assert_eq!(found.total, 1);
    assert_eq!(
        found.quotes[0].quote.text,
        "binary\0data \u{1b}[31m in a quote"
    );
    let by = QuoteQuery {
        speaker: Some("nul person".into()),
        ..QuoteQuery::default()
    };
    assert_eq!(store.search(&by).unwrap().total, 1);
    let stored = store
        .document("")
        .unwrap()
        .expect("stored under the empty id");
    assert_eq!(stored.text, doc.text);
    assert_eq!(
        (stored.record.entities, stored.record.quotes),
        (doc.record.entities.clone(), doc.record.quotes.clone())
    );
    assert_eq!(store.speakers(10).unwrap().len(), 1);
    assert!(store.check().unwrap().is_empty());
    assert!(store.index_batch(&[]).unwrap() == BatchStats::default());
}
