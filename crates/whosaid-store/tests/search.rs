//! Searching: relevance, filters, paging, and query strings that must never fail.

mod common;

use common::{Doc, temp_store};
use whosaid_core::{EntityKind, QuoteKind};
use whosaid_store::{MATCH_END, MATCH_START, QuoteQuery, Store, highlight};

fn corpus() -> (tempfile::TempDir, Store) {
    let (dir, mut store) = temp_store();
    let none: &[&str] = &[];
    store
        .index_batch(&[
            Doc::new("d1", "2020-01-10")
                .said(
                    "President Donald Trump",
                    "Donald Trump",
                    "The climate deal is a disaster for our country",
                )
                .mention("Angela Merkel", "Angela Merkel", EntityKind::Person)
                .build(),
            Doc::new("d2", "2020-02-20")
                .said_by(
                    "Merkel",
                    Some(("Angela Merkel", EntityKind::Person, none)),
                    QuoteKind::Indirect,
                    "the climate talks must continue",
                )
                .build(),
            Doc::new("d3", "2020-03-30")
                .said(
                    "Trump",
                    "Donald Trump",
                    "We are negotiating a much better deal",
                )
                .said_by(
                    "Ms Merkel",
                    Some(("Angela Merkel", EntityKind::Person, none)),
                    QuoteKind::Mixed,
                    "negotiations are \"difficult\"",
                )
                .build(),
            Doc::new("d4", "")
                .said_by(
                    "a spokesman",
                    None,
                    QuoteKind::Direct,
                    "No comment on the climate",
                )
                .build(),
        ])
        .unwrap();
    (dir, store)
}

fn ids(store: &Store, query: QuoteQuery) -> Vec<String> {
    store
        .search(&query)
        .unwrap()
        .quotes
        .into_iter()
        .map(|h| format!("{}/{}", h.doc_id, h.quote.id))
        .collect()
}

fn q(text: &str) -> QuoteQuery {
    QuoteQuery {
        q: text.into(),
        ..QuoteQuery::default()
    }
}

#[test]
fn empty_query_lists_everything_newest_first() {
    let (_dir, store) = corpus();
    let page = store.search(&QuoteQuery::default()).unwrap();
    assert_eq!(page.total, 5);
    let got: Vec<String> = page
        .quotes
        .iter()
        .map(|h| format!("{}/{}", h.doc_id, h.quote.id))
        .collect();
    assert_eq!(got, ["d3/Q1", "d3/Q2", "d2/Q1", "d1/Q1", "d4/Q1"]);
    let first = &page.quotes[0];
    assert_eq!(first.speaker_name.as_deref(), Some("Donald Trump"));
    assert_eq!(first.url.as_deref(), Some("https://news.example/d3"));
    assert_eq!(first.date, "2020-03-30".parse().ok());
    assert_eq!(first.snippet, "We are negotiating a much better deal");
    assert!(page.quotes[4].speaker_id.is_none() && page.quotes[4].speaker_name.is_none());
}

#[test]
fn text_queries_rank_and_mark_matches() {
    let (_dir, store) = corpus();
    let page = store.search(&q("climate")).unwrap();
    assert_eq!(page.total, 3);
    for hit in &page.quotes {
        assert!(
            hit.snippet
                .contains(&format!("{MATCH_START}climate{MATCH_END}")),
            "{:?}",
            hit.snippet
        );
    }
    // Porter stemming: "negotiations" finds "negotiating".
    let mut stemmed = ids(&store, q("negotiations"));
    stemmed.sort();
    assert_eq!(stemmed, ["d3/Q1", "d3/Q2"]);
    assert_eq!(ids(&store, q("\"climate deal\"")), ["d1/Q1"]);
    assert_eq!(ids(&store, q("disaster OR continue")).len(), 2);
    assert_eq!(ids(&store, q("negot*")).len(), 2);
    // The speaker as written is searchable too.
    assert_eq!(ids(&store, q("spokesman")), ["d4/Q1"]);
    assert_eq!(ids(&store, q("climate -- disaster")), ["d1/Q1"]);
    let hit = &store.search(&q("disaster")).unwrap().quotes[0];
    assert_eq!(
        highlight(&hit.snippet, "<", ">"),
        "The climate deal is a <disaster> for our country"
    );
}

#[test]
fn speaker_filter_matches_words_of_names_and_aliases() {
    let (_dir, store) = corpus();
    let by = |s: &str| {
        ids(
            &store,
            QuoteQuery {
                speaker: Some(s.into()),
                ..QuoteQuery::default()
            },
        )
    };
    assert_eq!(by("Trump"), ["d3/Q1", "d1/Q1"]);
    assert_eq!(by("trump"), by("DONALD trump"));
    assert_eq!(
        by("President Trump"),
        ["d3/Q1", "d1/Q1"],
        "an alias selects the speaker, then all their quotations"
    );
    assert_eq!(by("merkel").len(), 2);
    assert!(by("Trum").is_empty(), "whole words only");
    assert!(
        by("Donald Merkel").is_empty(),
        "all words in one name or alias"
    );
    assert!(by("!!!").is_empty());
    assert_eq!(by("   ").len(), 5, "a blank filter is no filter");
    assert!(
        by("spokesman").is_empty(),
        "unresolved speakers have no record"
    );
}

#[test]
fn mentions_filter_finds_documents_about_someone() {
    let (_dir, store) = corpus();
    let about = |s: &str| {
        ids(
            &store,
            QuoteQuery {
                mentions: Some(s.into()),
                ..QuoteQuery::default()
            },
        )
    };
    assert_eq!(about("Merkel"), ["d3/Q1", "d3/Q2", "d2/Q1", "d1/Q1"]);
    assert_eq!(about("Trump"), ["d3/Q1", "d3/Q2", "d1/Q1"]);
    let both = QuoteQuery {
        mentions: Some("Angela".into()),
        speaker: Some("Trump".into()),
        q: "climate".into(),
        ..QuoteQuery::default()
    };
    assert_eq!(ids(&store, both), ["d1/Q1"]);
}

#[test]
fn date_kind_and_paging_filters() {
    let (_dir, store) = corpus();
    let date = |s: &str| s.parse().ok();
    let window = QuoteQuery {
        since: date("2020-02-01"),
        until: date("2020-03-30"),
        ..QuoteQuery::default()
    };
    assert_eq!(ids(&store, window), ["d3/Q1", "d3/Q2", "d2/Q1"]);
    let before = QuoteQuery {
        until: date("2020-02-19"),
        ..QuoteQuery::default()
    };
    assert_eq!(ids(&store, before), ["d1/Q1"]);
    let kind = |k| {
        ids(
            &store,
            QuoteQuery {
                kind: Some(k),
                ..QuoteQuery::default()
            },
        )
    };
    assert_eq!(kind(QuoteKind::Indirect), ["d2/Q1"]);
    assert_eq!(kind(QuoteKind::Mixed), ["d3/Q2"]);
    assert_eq!(kind(QuoteKind::Direct).len(), 3);

    let page = |limit, offset| {
        store
            .search(&QuoteQuery {
                limit,
                offset,
                ..QuoteQuery::default()
            })
            .unwrap()
    };
    let all: Vec<String> = page(100, 0)
        .quotes
        .iter()
        .map(|h| h.quote.id.clone() + &h.doc_id)
        .collect();
    let mut paged = Vec::new();
    for offset in (0..6).step_by(2) {
        let p = page(2, offset);
        assert_eq!(p.total, 5);
        paged.extend(p.quotes.iter().map(|h| h.quote.id.clone() + &h.doc_id));
    }
    assert_eq!(paged, all);
    assert_eq!(page(0, 0).total, 5);
    assert!(page(0, 0).quotes.is_empty());
    assert!(page(10, 99).quotes.is_empty());
    assert_eq!(page(usize::MAX, usize::MAX).total, 5);
}

#[test]
fn no_query_string_is_an_error() {
    let (_dir, store) = corpus();
    let weird = [
        "\"",
        "\"\"",
        "\"\"\"",
        "AND OR NOT",
        "AND",
        "NOT climate",
        "climate NOT",
        "*",
        "**",
        "climate*",
        "*climate",
        "(",
        ")",
        "((climate",
        "climate)",
        "NEAR(climate deal, 2)",
        "text:climate",
        "speaker_text:trump",
        "^climate",
        "climate^",
        "+-",
        "-climate",
        "'",
        "';DROP TABLE quotes;--",
        "\\",
        "%",
        "_",
        "\u{0}",
        "\u{2}",
        "climate\u{3}",
        "🙂",
        "ｃｌｉｍａｔｅ",
        "ß",
        "a\"b\"c",
        "OR OR OR",
        "\"climate",
        "climate\"",
        "{climate}",
        "[x]",
        "climate: deal",
        ":",
        "\n\t",
        "ǅ",
        "x".repeat(10_000).as_str(),
    ]
    .map(str::to_string);
    for s in weird {
        for query in [
            q(&s),
            QuoteQuery {
                speaker: Some(s.clone()),
                ..QuoteQuery::default()
            },
            QuoteQuery {
                mentions: Some(s.clone()),
                ..QuoteQuery::default()
            },
        ] {
            if let Err(e) = store.search(&query) {
                panic!("{query:?}: {e}");
            }
        }
    }
    assert_eq!(store.search(&q("((climate")).unwrap().total, 3);
    assert_eq!(store.search(&q("ｃｌｉｍａｔｅ")).unwrap().total, 0);
    assert_eq!(store.search(&q("';DROP TABLE quotes;--")).unwrap().total, 0);
    assert_eq!(store.stats().unwrap().quotes, 5);
}

#[test]
fn random_strings_of_query_syntax_never_fail() {
    let (_dir, store) = corpus();
    let pieces = [
        "\"", "(", ")", "*", "^", ":", "+", "-", "{", "}", " ", " ", "AND", "OR", "NOT", "NEAR",
        "NEAR(", ",", "climate", "deal", "text:", "'", "\\", "é", "\u{0}", "\u{301}", "🙂",
        "\u{2028}", "\t", "ǅ", "ﬁ", "%", "_", ";", "\u{feff}",
    ];
    let mut state: u64 = 7;
    for _ in 0..5000 {
        let mut s = String::new();
        for _ in 0..1 + state % 9 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            s.push_str(pieces[((state >> 33) % pieces.len() as u64) as usize]);
        }
        for query in [
            q(&s),
            QuoteQuery {
                speaker: Some(s.clone()),
                mentions: Some(s.clone()),
                ..QuoteQuery::default()
            },
        ] {
            if let Err(e) = store.search(&query) {
                panic!("{s:?}: {e}");
            }
        }
    }
}
