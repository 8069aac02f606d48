//! Speakers across documents: full names, titled names, surnames, organisations.

mod common;

use common::{Doc, temp_store};
use whosaid_core::{EntityKind, QuoteKind};
use whosaid_store::{QuoteQuery, SpeakerSummary, Store};

fn by_name<'a>(speakers: &'a [SpeakerSummary], name: &str) -> &'a SpeakerSummary {
    speakers
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no speaker {name} in {speakers:?}"))
}

#[test]
fn full_titled_and_surname_mentions_are_one_speaker() {
    let (_dir, mut store) = temp_store();
    store
        .index_batch(&[
            Doc::new("a", "2020-02-15")
                .said("Jens Stoltenberg", "Jens Stoltenberg", "We stand together")
                .build(),
            Doc::new("b", "2020-02-10")
                .said(
                    "NATO Secretary General Jens Stoltenberg",
                    "Jens Stoltenberg",
                    "The alliance is strong",
                )
                .title("Jens Stoltenberg", "NATO Secretary General")
                .build(),
            // An article that names him by surname only: the engine's entity is "Stoltenberg".
            Doc::new("c", "2020-03-01")
                .said("Stoltenberg", "Stoltenberg", "No comment on that")
                .build(),
            Doc::new("d", "2020-02-20")
                .said("JENS STOLTENBERG", "JENS  STOLTENBERG", "Shouting works")
                .build(),
        ])
        .unwrap();
    let speakers = store.speakers(10).unwrap();
    assert_eq!(speakers.len(), 1, "{speakers:?}");
    let jens = &speakers[0];
    assert_eq!(jens.name, "Jens Stoltenberg");
    assert_eq!(jens.kind, EntityKind::Person);
    assert_eq!(jens.quote_count, 4);
    assert_eq!(jens.kinds.direct, 4);
    assert_eq!(jens.titles, ["NATO Secretary General"]);
    for alias in [
        "Jens Stoltenberg",
        "NATO Secretary General Jens Stoltenberg",
        "Stoltenberg",
        "JENS STOLTENBERG",
    ] {
        assert!(
            jens.aliases.iter().any(|a| a == alias),
            "{alias} not in {:?}",
            jens.aliases
        );
    }
    assert_eq!(jens.first_date, "2020-02-10".parse().ok());
    assert_eq!(jens.last_date, "2020-03-01".parse().ok());
    common::assert_consistent(store.path());
}

#[test]
fn a_surname_seen_first_is_merged_when_the_full_name_arrives() {
    let (_dir, mut store) = temp_store();
    let long = "We will not accept any deal that hurts our workers and their families in any way";
    store
        .index_batch(&[Doc::new("early", "2020-01-01")
            .said("Stoltenberg", "Stoltenberg", long)
            .build()])
        .unwrap();
    assert_eq!(store.speakers(10).unwrap()[0].name, "Stoltenberg");
    store
        .index_batch(&[Doc::new("later", "2020-01-05")
            .said("Jens Stoltenberg", "Jens Stoltenberg", long)
            .build()])
        .unwrap();
    let speakers = store.speakers(10).unwrap();
    assert_eq!(speakers.len(), 1, "{speakers:?}");
    assert_eq!(speakers[0].name, "Jens Stoltenberg");
    assert_eq!(speakers[0].quote_count, 2);
    assert_eq!(speakers[0].first_date, "2020-01-01".parse().ok());
    assert!(speakers[0].aliases.contains(&"Stoltenberg".to_string()));
    // The merged quotations now form one group across both documents.
    let page = store.search(&QuoteQuery::default()).unwrap();
    assert!(
        page.quotes
            .iter()
            .all(|h| h.group_size == 2 && h.speaker_id == Some(speakers[0].id)),
        "{page:?}"
    );
    assert!(store.check().unwrap().is_empty());
    // Removing the full-name document leaves the surname document with the speaker.
    store
        .index_batch(&[Doc::new("later", "2020-01-05")
            .said("Someone Else", "Someone Else", "Different")
            .build()])
        .unwrap();
    let jens = store.speaker(speakers[0].id).unwrap().expect("still there");
    assert_eq!(jens.speaker.quote_count, 1);
    assert_eq!(jens.speaker.last_date, "2020-01-01".parse().ok());
    common::assert_consistent(store.path());
}

#[test]
fn an_ambiguous_surname_stays_separate() {
    let (_dir, mut store) = temp_store();
    store
        .index_batch(&[
            Doc::new("a", "2020-01-01")
                .said("Camilla Stoltenberg", "Camilla Stoltenberg", "Health first")
                .build(),
            Doc::new("b", "2020-01-02")
                .said("Jens Stoltenberg", "Jens Stoltenberg", "Security first")
                .build(),
            Doc::new("c", "2020-01-03")
                .said("Stoltenberg", "Stoltenberg", "Who said this")
                .build(),
            // A different surname only, with no full name anywhere.
            Doc::new("d", "2020-01-04")
                .said("Smith", "Smith", "Alone")
                .build(),
        ])
        .unwrap();
    let speakers = store.speakers(10).unwrap();
    let names: Vec<&str> = speakers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(speakers.len(), 4, "{names:?}");
    for name in [
        "Camilla Stoltenberg",
        "Jens Stoltenberg",
        "Stoltenberg",
        "Smith",
    ] {
        assert_eq!(by_name(&speakers, name).quote_count, 1);
    }
}

#[test]
fn suffixes_accents_and_kinds() {
    let (_dir, mut store) = temp_store();
    let org = |name: &'static str| Some((name, EntityKind::Organization, &[][..]));
    store
        .index_batch(&[
            Doc::new("a", "2020-01-01")
                .said(
                    "Martin Luther King Jr.",
                    "Martin Luther King Jr.",
                    "I have a dream",
                )
                .build(),
            Doc::new("b", "2020-01-02")
                .said("King", "King", "The time is always right")
                .build(),
            Doc::new("c", "2020-01-03")
                .said("José Álvarez", "José Álvarez", "Hola")
                .build(),
            Doc::new("d", "2020-01-04")
                .said("Jose Alvarez", "Jose Alvarez", "Adios")
                .build(),
            Doc::new("e", "2020-01-05")
                .said_by(
                    "the WHO",
                    org("World Health Organization"),
                    QuoteKind::Indirect,
                    "masks help",
                )
                .build(),
            Doc::new("f", "2020-01-06")
                .said_by(
                    "WHO",
                    org("World Health Organization"),
                    QuoteKind::Mixed,
                    "wash hands",
                )
                .build(),
            // An organisation with a one-word name is not a surname.
            Doc::new("g", "2020-01-07")
                .said_by("Dream", org("Dream"), QuoteKind::Direct, "A statement")
                .build(),
        ])
        .unwrap();
    let speakers = store.speakers(10).unwrap();
    assert_eq!(speakers.len(), 4, "{speakers:?}");
    assert_eq!(by_name(&speakers, "Martin Luther King Jr.").quote_count, 2);
    assert_eq!(by_name(&speakers, "José Álvarez").quote_count, 2);
    let who = by_name(&speakers, "World Health Organization");
    assert_eq!(who.kind, EntityKind::Organization);
    assert_eq!(
        (who.kinds.direct, who.kinds.indirect, who.kinds.mixed),
        (0, 1, 1)
    );
    assert!(
        who.aliases.contains(&"WHO".to_string()),
        "{:?}",
        who.aliases
    );
    assert_eq!(by_name(&speakers, "Dream").quote_count, 1);
}

#[test]
fn speaker_timeline_and_unused_speakers_go_away() {
    let (dir, mut store) = temp_store();
    store
        .index_batch(&[
            Doc::new("late", "2020-05-01")
                .said("Ann Lee", "Ann Lee", "Third")
                .build(),
            Doc::new("early", "2020-01-01")
                .said("Ann Lee", "Ann Lee", "First")
                .said("Ann Lee", "Ann Lee", "Second")
                .build(),
            Doc::new("undated", "")
                .said("Ann Lee", "Ann Lee", "Whenever")
                .build(),
        ])
        .unwrap();
    let id = store.speakers(1).unwrap()[0].id;
    let detail = store.speaker(id).unwrap().unwrap();
    let texts: Vec<&str> = detail
        .quotes
        .iter()
        .map(|h| h.quote.text.as_str())
        .collect();
    assert_eq!(texts, ["First", "Second", "Third", "Whenever"]);
    assert!(store.speaker(id + 1000).unwrap().is_none());

    // Replace every document by one that quotes somebody else: Ann Lee disappears.
    let replacements: Vec<_> = ["late", "early", "undated"]
        .iter()
        .map(|id| {
            Doc::new(id, "2021-01-01")
                .said("Bo Ek", "Bo Ek", id)
                .build()
        })
        .collect();
    store.index_batch(&replacements).unwrap();
    let speakers = store.speakers(10).unwrap();
    assert_eq!(speakers.len(), 1);
    assert_eq!(speakers[0].name, "Bo Ek");
    assert!(store.speaker(id).unwrap().is_none());
    let path = dir.path().join("corpus.db");
    assert_eq!(
        common::sql_count(&path, "SELECT count(*) FROM speaker_aliases"),
        1
    );
    assert_eq!(common::sql_count(&path, "SELECT count(*) FROM speakers"), 1);
    common::assert_consistent(&path);
}

#[test]
fn mentioned_but_never_quoted_is_not_in_the_top() {
    let (_dir, mut store) = temp_store();
    store
        .index_batch(&[Doc::new("a", "2020-01-01")
            .said("Ann Lee", "Ann Lee", "Hello")
            .mention("Donald Trump", "Donald Trump", EntityKind::Person)
            .build()])
        .unwrap();
    let speakers = store.speakers(10).unwrap();
    assert_eq!(speakers.len(), 1);
    assert_eq!(store.stats().unwrap().speakers, 2);
    assert_eq!(Store::speakers(&store, 0).unwrap().len(), 0);
}
