//! Invariants on arbitrary input: no panic, every span valid and exactly its text, output
//! deterministic.

use proptest::prelude::*;
use whosaid_core::schema::to_record;
use whosaid_core::{Options, extract};

/// Pieces news text is made of, so that random strings exercise quotations, cues, names
/// and paragraphs rather than only noise.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("“".to_string()),
        Just("”".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("‘".to_string()),
        Just("’".to_string()),
        Just("«".to_string()),
        Just("»".to_string()),
        Just("„".to_string()),
        Just("''".to_string()),
        Just(" said ".to_string()),
        Just(" according to ".to_string()),
        Just(" he added: ".to_string()),
        Just("Mayor Daniel Okafor".to_string()),
        Just("the lawyer".to_string()),
        Just(", ".to_string()),
        Just(". ".to_string()),
        Just(" — ".to_string()),
        Just("\n\n".to_string()),
        Just("\n".to_string()),
        Just("KABUL: ".to_string()),
        Just(" on Saturday ".to_string()),
        Just("Mr.".to_string()),
        Just("U.S.".to_string()),
        "[a-zA-Z ]{0,12}",
        "\\PC{0,6}",
        any::<char>().prop_map(|c| c.to_string()),
    ]
}

fn newsy() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..40).prop_map(|v| v.concat())
}

fn check_invariants(text: &str) {
    let doc = extract(
        text,
        &Options {
            published: Some(jiff::civil::date(2020, 2, 15)),
            ..Options::default()
        },
    );
    let len = text.len();
    let ok = |s: whosaid_core::Span| {
        (s.end as usize) <= len
            && text.is_char_boundary(s.start as usize)
            && text.is_char_boundary(s.end as usize)
            && s.start <= s.end
    };
    for t in &doc.tokens {
        assert!(ok(t.span));
    }
    for a in &doc.attributions {
        assert!(!a.content.is_empty());
        for s in a
            .content
            .iter()
            .copied()
            .chain(a.cue)
            .chain(a.speaker)
            .chain(a.when.map(|w| w.span))
        {
            assert!(ok(s), "span {s:?} invalid for {text:?}");
        }
    }
    for m in &doc.mentions {
        assert!(ok(m.span));
    }
    let record = to_record(&doc, Some("x"), None);
    let chars: Vec<char> = text.chars().collect();
    let slice = |s: [usize; 2]| -> String {
        assert!(
            s[0] <= s[1] && s[1] <= chars.len(),
            "code-point span {s:?} out of bounds"
        );
        chars[s[0]..s[1]].iter().collect()
    };
    for q in &record.quotes {
        for c in &q.content {
            assert_eq!(slice(c.span), c.text);
        }
        if let Some(c) = &q.cue {
            assert_eq!(slice(c.span), c.text);
        }
        if let Some(s) = &q.speaker {
            assert_eq!(slice(s.span), s.text);
            if let Some(e) = &s.entity {
                assert!(
                    record.entities.iter().any(|x| &x.id == e),
                    "dangling entity {e}"
                );
            }
        }
        if let Some(w) = &q.when {
            assert_eq!(slice(w.span), w.text);
        }
    }
    for e in &record.entities {
        for m in &e.mentions {
            assert_eq!(slice(m.span), m.text);
        }
    }
    if let Some(d) = &record.meta.dateline {
        assert_eq!(slice(d.span), d.text);
    }
    // Deterministic.
    let again = to_record(
        &extract(
            text,
            &Options {
                published: Some(jiff::civil::date(2020, 2, 15)),
                ..Options::default()
            },
        ),
        Some("x"),
        None,
    );
    assert_eq!(record, again);
    // JSON round-trip.
    let json = serde_json::to_string(&record).expect("serialises");
    let back: whosaid_core::schema::Record = serde_json::from_str(&json).expect("parses back");
    assert_eq!(back, record);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn newsy_text_keeps_invariants(text in newsy()) {
        check_invariants(&text);
    }

    #[test]
    fn arbitrary_text_keeps_invariants(text in "\\PC{0,300}") {
        check_invariants(&text);
    }

    #[test]
    fn arbitrary_bytes_decoded_lossily_keep_invariants(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check_invariants(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn edge_cases_keep_invariants() {
    for text in [
        "",
        " ",
        "\n\n\n",
        "\"",
        "“",
        "”",
        "''",
        "“”",
        "\"\"\"\"\"\"",
        "said",
        "according to",
        ": ",
        "— ",
        "“a” — ",
        "He said: “",
        "“Unclosed at the end,” he said, “and then",
        "«»„“‘’‚‛",
        "\u{0}\u{1}\u{2}",
        "a\u{2028}b\u{2029}c",
        "Mr. Mr. Mr. Mr.",
        "U.S. U.S. U.S.",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 said “𝔮𝔲𝔬𝔱𝔢.”",
    ] {
        check_invariants(text);
    }
}

#[test]
fn a_long_line_without_punctuation_is_handled() {
    let text = "word ".repeat(200_000) + "“quoted words,” she said.";
    let doc = extract(&text, &Options::default());
    assert!(doc.sentences.len() > 100);
    let record = to_record(&doc, None, None);
    assert!(
        record
            .quotes
            .iter()
            .any(|q| q.text.contains("quoted words"))
    );
}
