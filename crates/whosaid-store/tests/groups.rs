//! Quote groups: the same quotation in several outlets.

mod common;

use common::{Doc, temp_store};
use whosaid_store::{QuoteHit, QuoteQuery, Store};

const LONG: &str =
    "We will not accept any deal that hurts our workers and their families in any way";

fn hits(store: &Store) -> Vec<QuoteHit> {
    store
        .search(&QuoteQuery {
            limit: 100,
            ..QuoteQuery::default()
        })
        .unwrap()
        .quotes
}

fn hit<'a>(hits: &'a [QuoteHit], doc: &str) -> &'a QuoteHit {
    hits.iter()
        .find(|h| h.doc_id == doc)
        .unwrap_or_else(|| panic!("no hit from {doc}"))
}

#[test]
fn the_same_quote_in_three_outlets_is_one_group() {
    let (_dir, mut store) = temp_store();
    store
        .index_batch(&[
            Doc::new("reuters", "2020-02-15")
                .said("Jane Doe", "Jane Doe", LONG)
                .build(),
            // Punctuation and case differ.
            Doc::new("ap", "2020-02-14")
                .said("Ms Doe", "Jane Doe", &format!("{}.", LONG.to_uppercase()))
                .build(),
        ])
        .unwrap();
    store
        .index_batch(&[
            // One word changed out of 17: still near-identical.
            Doc::new("bbc", "2020-02-16")
                .said("Doe", "Jane Doe", &LONG.replace("any way", "any form"))
                .build(),
            // Same words, another speaker: not the same quotation.
            Doc::new("cnn", "2020-02-13")
                .said("John Roe", "John Roe", LONG)
                .build(),
            // Same speaker, a different quotation.
            Doc::new("afp", "2020-02-12")
                .said(
                    "Jane Doe",
                    "Jane Doe",
                    "The weather will be fine tomorrow across the whole region",
                )
                .build(),
        ])
        .unwrap();
    let hits = hits(&store);
    let reuters = hit(&hits, "reuters");
    assert_eq!(reuters.group_size, 3);
    assert_eq!(reuters.group_first_date, "2020-02-14".parse().ok());
    for doc in ["ap", "bbc"] {
        assert_eq!(hit(&hits, doc).group_id, reuters.group_id);
    }
    for doc in ["cnn", "afp"] {
        let h = hit(&hits, doc);
        assert_ne!(h.group_id, reuters.group_id);
        assert_eq!(h.group_size, 1);
    }
    let members = store
        .search(&QuoteQuery {
            group_id: reuters.group_id,
            ..QuoteQuery::default()
        })
        .unwrap();
    assert_eq!(members.total, 3);
    assert_eq!(store.stats().unwrap().groups, 3);
    common::assert_consistent(store.path());
}

#[test]
fn short_quotes_group_only_when_equal() {
    let (_dir, mut store) = temp_store();
    store
        .index_batch(&[
            Doc::new("a", "2020-01-01")
                .said("Jane Doe", "Jane Doe", "We will win")
                .build(),
            Doc::new("b", "2020-01-02")
                .said("Jane Doe", "Jane Doe", "We will win!")
                .build(),
            Doc::new("c", "2020-01-03")
                .said("Jane Doe", "Jane Doe", "We will lose")
                .build(),
            Doc::new("d", "2020-01-04")
                .said("Jane Doe", "Jane Doe", "No")
                .build(),
            Doc::new("e", "2020-01-05")
                .said("Jane Doe", "Jane Doe", "No")
                .build(),
        ])
        .unwrap();
    let hits = hits(&store);
    assert_eq!(hit(&hits, "a").group_id, hit(&hits, "b").group_id);
    assert_eq!(hit(&hits, "a").group_size, 2);
    assert_ne!(hit(&hits, "c").group_id, hit(&hits, "a").group_id);
    assert_ne!(
        hit(&hits, "d").group_id,
        hit(&hits, "e").group_id,
        "one-word quotations are never grouped"
    );
}

#[test]
fn a_document_quoting_twice_counts_once() {
    let (_dir, mut store) = temp_store();
    store
        .index_batch(&[
            Doc::new("a", "2020-01-01")
                .said("Jane Doe", "Jane Doe", LONG)
                .said("she", "Jane Doe", LONG)
                .build(),
            Doc::new("b", "2020-01-02")
                .said("Jane Doe", "Jane Doe", LONG)
                .build(),
        ])
        .unwrap();
    let hits = hits(&store);
    assert_eq!(hits.len(), 3);
    assert!(
        hits.iter()
            .all(|h| h.group_size == 2 && h.group_id == hits[0].group_id)
    );
}

#[test]
fn groups_stay_consistent_when_documents_are_replaced() {
    let (dir, mut store) = temp_store();
    let outlets = ["a", "b", "c"];
    let docs: Vec<_> = outlets
        .iter()
        .enumerate()
        .map(|(k, id)| {
            Doc::new(id, &format!("2020-01-0{}", k + 1))
                .said("Jane Doe", "Jane Doe", LONG)
                .build()
        })
        .collect();
    store.index_batch(&docs).unwrap();
    assert!(hits(&store).iter().all(|h| h.group_size == 3));

    // The earliest outlet corrects its story: the quotation is gone from it.
    store
        .index_batch(&[Doc::new("a", "2020-01-01")
            .said(
                "Jane Doe",
                "Jane Doe",
                "Something else entirely, it turns out",
            )
            .build()])
        .unwrap();
    let now = hits(&store);
    let b = hit(&now, "b");
    assert_eq!(b.group_size, 2);
    assert_eq!(b.group_first_date, "2020-01-02".parse().ok());
    assert_eq!(hit(&now, "a").group_size, 1);

    // Re-indexing everything as it was brings the group back, without duplicates.
    store.index_batch(&docs).unwrap();
    store.index_batch(&docs).unwrap();
    let again = hits(&store);
    assert_eq!(again.len(), 3);
    assert!(
        again
            .iter()
            .all(|h| h.group_size == 3 && h.group_first_date == "2020-01-01".parse().ok())
    );
    common::assert_consistent(&dir.path().join("corpus.db"));
}
