//! A long random mix of batches — new documents, re-indexed ones, edited ones, the same
//! text under new ids, surnames before and after full names — after each of which every
//! derived value must still agree with the rows it derives from.

mod common;

use std::collections::BTreeMap;

use common::{Doc, assert_consistent, temp_store};
use whosaid_core::{EntityKind, QuoteKind};
use whosaid_store::{DocumentInput, QuoteQuery};

/// A small deterministic generator (64-bit LCG), so failures replay.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const NAMES: [&str; 8] = [
    "Jens Stoltenberg",
    "Stoltenberg",
    "Camilla Stoltenberg",
    "Ann Lee",
    "Lee",
    "Bo Ek",
    "José Álvarez",
    "Alvarez",
];
const QUOTES: [&str; 6] = [
    "We will not accept any deal that hurts our workers and their families in any way",
    "We will not accept any deal that hurts our workers and their families in any form",
    "The alliance stands united and ready to defend every member",
    "No comment",
    "Prices will rise",
    "The talks will continue next week in the capital, officials said",
];

fn random_doc(rng: &mut Rng, id: &str, version: usize) -> DocumentInput {
    let date = format!("2020-0{}-1{}", 1 + rng.below(9), rng.below(10));
    let header = if rng.below(5) == 0 {
        "Shared wire copy.".to_string()
    } else {
        format!("Report {id} v{version}.")
    };
    let mut doc = Doc::with_header(id, &date, &header);
    for _ in 0..rng.below(4) {
        let name = rng.pick(&NAMES);
        let kind = [QuoteKind::Direct, QuoteKind::Indirect, QuoteKind::Mixed][rng.below(3)];
        let titles: &[&str] = if rng.below(2) == 0 {
            &["Secretary General"]
        } else {
            &[]
        };
        doc = doc.said_by(
            name,
            Some((name, EntityKind::Person, titles)),
            kind,
            rng.pick(&QUOTES),
        );
    }
    if rng.below(3) == 0 {
        doc = doc.mention("NATO", "NATO", EntityKind::Organization);
    }
    doc.build()
}

#[test]
fn random_batches_keep_the_store_consistent() {
    let (dir, mut store) = temp_store();
    let path = dir.path().join("corpus.db");
    let mut rng = Rng(42);
    let mut live: BTreeMap<String, DocumentInput> = BTreeMap::new();
    let mut totals = whosaid_store::BatchStats::default();
    for round in 0..40 {
        let mut batch = Vec::new();
        for k in 0..1 + rng.below(6) {
            let id = format!("doc-{}", rng.below(25));
            batch.push(random_doc(&mut rng, &id, round * 10 + k));
        }
        if rng.below(4) == 0
            && let Some(old) = live.values().nth(rng.below(live.len().max(1)))
        {
            batch.push(old.clone());
        }
        totals += store.index_batch(&batch).unwrap();
        for doc in batch {
            // The model: a document replaces those with its id or its text.
            live.retain(|id, d| *id != doc.id && d.text != doc.text);
            live.insert(doc.id.clone(), doc);
        }
        assert_consistent(&path);
        let stats = store.stats().unwrap();
        assert_eq!(stats.documents, live.len(), "round {round}");
        assert_eq!(
            stats.quotes,
            live.values().map(|d| d.record.quotes.len()).sum::<usize>(),
            "round {round}"
        );
        for (id, doc) in &live {
            assert_eq!(
                store.document(id).unwrap().map(|d| d.record.quotes),
                Some(doc.record.quotes.clone()),
                "round {round}"
            );
        }
    }
    // The mix exercised every path.
    assert!(
        totals.added > 0 && totals.replaced > 0 && totals.unchanged > 0,
        "{totals:?}"
    );
    assert!(
        totals.removed > totals.replaced,
        "some documents replaced two at once: {totals:?}"
    );
    let speakers = store.speakers(100).unwrap();
    assert!(speakers.iter().any(|s| s.aliases.len() > 1), "{speakers:?}");
    let everything = store
        .search(&QuoteQuery {
            limit: usize::MAX,
            ..QuoteQuery::default()
        })
        .unwrap();
    assert_eq!(everything.total, everything.quotes.len());
    assert!(everything.quotes.iter().all(|h| h.group_size >= 1));
}
