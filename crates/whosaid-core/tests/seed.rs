//! The report whosaid was designed around (`../shared/seed/kabul-nato-report.txt`, read in
//! place and never copied): seven quoted passages, two of which form one split quotation,
//! and one indirect report, spoken by two people.

use std::path::PathBuf;

use whosaid_core::schema::to_record;
use whosaid_core::{Document, Options, QuoteKind, extract};

fn seed() -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/seed/kabul-nato-report.txt");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(_) => {
            eprintln!("note: {} not found; seed test skipped", path.display());
            None
        }
    }
}

fn speaker_name(doc: &Document, a: &whosaid_core::Attribution) -> Option<String> {
    a.entity.map(|e| doc.entities[e as usize].name.clone())
}

#[test]
fn seven_passages_and_one_indirect_report_with_their_speakers() {
    let Some(text) = seed() else { return };
    let doc = extract(
        &text,
        &Options {
            published: Some(jiff::civil::date(2020, 2, 15)),
            ..Options::default()
        },
    );
    let passages = [
        (
            "the Resolute Support mission in Afghanistan continues",
            "Mark Esper",
        ),
        (
            "NATO remains fully committed to the Resolute Support mission",
            "Mark Esper",
        ),
        (
            "As we adapt to changing conditions in Afghanistan",
            "Mark Esper",
        ),
        ("I’m not — you know, those are sensitive", "Mark Esper"),
        (
            "We have just finished a meeting on Afghanistan",
            "Jens Stoltenberg",
        ),
        (
            "NATO remains committed. And we continue",
            "Jens Stoltenberg",
        ),
        (
            "But in order to make that (peace) possible",
            "Jens Stoltenberg",
        ),
    ];
    let mut owners = Vec::new();
    for (start, who) in passages {
        let (k, a) = doc
            .attributions
            .iter()
            .enumerate()
            .find(|(_, a)| a.content.iter().any(|s| doc.slice(*s).contains(start)))
            .unwrap_or_else(|| panic!("passage {start:?} not found"));
        assert_eq!(a.kind, QuoteKind::Direct, "kind of {start:?}");
        assert_eq!(
            speaker_name(&doc, a).as_deref(),
            Some(who),
            "speaker of {start:?}"
        );
        // Each passage is a piece of its own, quotation marks included.
        let piece = a
            .content
            .iter()
            .map(|s| doc.slice(*s))
            .find(|p| p.contains(start))
            .unwrap_or_default();
        assert!(
            piece.starts_with('“') && piece.ends_with('”'),
            "piece {piece:?}"
        );
        owners.push(k);
    }
    // The two passages of the paragraph that begins “We have just finished” are one split
    // quotation; every other passage is an attribution of its own.
    assert_eq!(owners[4], owners[5], "split quotation");
    let mut distinct = owners.clone();
    distinct.dedup();
    assert_eq!(distinct.len(), 6);
    assert_eq!(doc.attributions[owners[4]].content.len(), 2);

    let indirect = doc
        .attributions
        .iter()
        .find(|a| {
            a.content.iter().any(|s| {
                doc.slice(*s)
                    .contains("the allies had discussed the peace process")
            })
        })
        .expect("the indirect report");
    assert_eq!(indirect.kind, QuoteKind::Indirect);
    assert_eq!(
        speaker_name(&doc, indirect).as_deref(),
        Some("Jens Stoltenberg")
    );
    assert_eq!(indirect.cue.map(|c| doc.slice(c)), Some("said"));
    let when = indirect.when.expect("on Friday");
    assert_eq!(doc.slice(when.span), "on Friday");
    assert_eq!(when.date, Some(jiff::civil::date(2020, 2, 14)));

    let first = &doc.attributions[owners[0]];
    assert_eq!(
        first.speaker.map(|s| doc.slice(s)),
        Some("US Defense Secretary Mark Esper")
    );
    assert_eq!(
        first.when.and_then(|w| w.date),
        Some(jiff::civil::date(2020, 2, 15))
    );
}

#[test]
fn entities_metadata_and_json() {
    let Some(text) = seed() else { return };
    let doc = extract(&text, &Options::default());
    let record = to_record(&doc, Some("kabul-nato-report"), None);
    assert_eq!(record.meta.source.as_deref(), Some("AT News Report"));
    let dateline = record.meta.dateline.as_ref().expect("dateline");
    assert_eq!(dateline.text, "KABUL");
    assert_eq!(dateline.span, [16, 21]);
    let esper = record
        .entities
        .iter()
        .find(|e| e.name == "Mark Esper")
        .expect("Mark Esper");
    assert!(
        esper.titles.iter().any(|t| t == "US Defense Secretary"),
        "{:?}",
        esper.titles
    );
    assert!(esper.mentions.iter().any(|m| m.text == "he"));
    let stoltenberg = record
        .entities
        .iter()
        .find(|e| e.name == "Jens Stoltenberg")
        .expect("Jens Stoltenberg");
    assert!(
        stoltenberg
            .titles
            .iter()
            .any(|t| t.contains("NATO Secretary General")),
        "{:?}",
        stoltenberg.titles
    );
    assert!(stoltenberg.mentions.iter().any(|m| m.text == "Stoltenberg"));
    // Every span is exactly its text, in code points.
    let chars: Vec<char> = text.chars().collect();
    let slice = |s: [usize; 2]| chars[s[0]..s[1]].iter().collect::<String>();
    for q in &record.quotes {
        for c in &q.content {
            assert_eq!(slice(c.span), c.text);
        }
        if let Some(s) = &q.speaker {
            assert_eq!(slice(s.span), s.text);
        }
    }
}
