//! One table row per attribution pattern the engine must handle: a sentence and what must
//! come out of it.

use whosaid_core::{Document, Options, QuoteKind, extract};

/// What one case expects of the attribution whose content contains `content`.
struct Case {
    text: &'static str,
    content: &'static str,
    speaker: Option<&'static str>,
    cue: Option<&'static str>,
    kind: QuoteKind,
    pieces: usize,
}

const fn case(
    text: &'static str,
    content: &'static str,
    speaker: &'static str,
    cue: &'static str,
    kind: QuoteKind,
) -> Case {
    Case {
        text,
        content,
        speaker: Some(speaker),
        cue: Some(cue),
        kind,
        pieces: 1,
    }
}

fn find<'d>(doc: &'d Document, content: &str) -> Option<&'d whosaid_core::Attribution> {
    doc.attributions
        .iter()
        .find(|a| a.content.iter().any(|s| doc.slice(*s).contains(content)))
}

fn check(c: &Case) {
    let doc = extract(c.text, &Options::default());
    let summary: Vec<String> = doc
        .attributions
        .iter()
        .map(|a| {
            format!(
                "{:?} speaker={:?} cue={:?} content={:?}",
                a.kind,
                a.speaker.map(|s| doc.slice(s)),
                a.cue.map(|s| doc.slice(s)),
                a.content.iter().map(|s| doc.slice(*s)).collect::<Vec<_>>()
            )
        })
        .collect();
    let a = find(&doc, c.content).unwrap_or_else(|| {
        panic!(
            "no attribution with content {:?} in {:?}\n{summary:#?}",
            c.content, c.text
        )
    });
    assert_eq!(
        a.speaker.map(|s| doc.slice(s)),
        c.speaker,
        "speaker in {:?}\n{summary:#?}",
        c.text
    );
    if let Some(cue) = c.cue {
        assert_eq!(
            a.cue.map(|s| doc.slice(s)),
            Some(cue),
            "cue in {:?}\n{summary:#?}",
            c.text
        );
    }
    assert_eq!(a.kind, c.kind, "kind in {:?}\n{summary:#?}", c.text);
    assert_eq!(
        a.content.len(),
        c.pieces,
        "pieces in {:?}\n{summary:#?}",
        c.text
    );
}

#[test]
fn quotation_marks_of_every_kind() {
    use QuoteKind::Direct;
    for c in [
        case(
            "\"We will win the vote,\" said Jane Doe.",
            "We will win",
            "Jane Doe",
            "said",
            Direct,
        ),
        case(
            "'We will win the vote,' said Jane Doe.",
            "We will win",
            "Jane Doe",
            "said",
            Direct,
        ),
        case(
            "“We will win the vote,” said Jane Doe.",
            "We will win",
            "Jane Doe",
            "said",
            Direct,
        ),
        case(
            "‘We will win the vote,’ said Jane Doe.",
            "We will win",
            "Jane Doe",
            "said",
            Direct,
        ),
        case(
            "«We will win the vote», said Jane Doe.",
            "We will win",
            "Jane Doe",
            "said",
            Direct,
        ),
        case(
            "„We will win the vote“, said Jane Doe.",
            "We will win",
            "Jane Doe",
            "said",
            Direct,
        ),
        case(
            "''We will win the vote,'' said Jane Doe.",
            "We will win",
            "Jane Doe",
            "said",
            Direct,
        ),
        case(
            "“Ask them ‘why now?’ before you vote,” said Jane Doe.",
            "‘why now?’ before you vote",
            "Jane Doe",
            "said",
            Direct,
        ),
    ] {
        check(&c);
    }
}

#[test]
fn split_and_multi_paragraph_quotations() {
    for c in [
        Case {
            pieces: 2,
            ..case(
                "\"We will appeal,\" the lawyer said. \"This ruling ignores the evidence.\"",
                "We will appeal",
                "the lawyer",
                "said",
                QuoteKind::Direct,
            )
        },
        Case {
            pieces: 2,
            ..case(
                "“We are ready,” she said, “and we will not wait for them.”",
                "We are ready",
                "she",
                "said",
                QuoteKind::Direct,
            )
        },
        Case {
            pieces: 2,
            ..case(
                "“The first part of what I have to say is about the port.\n\n“The second part is about the people who work in it,” said Jane Doe.",
                "The first part",
                "Jane Doe",
                "said",
                QuoteKind::Direct,
            )
        },
    ] {
        check(&c);
    }
}

#[test]
fn mixed_and_indirect_speech() {
    use QuoteKind::{Indirect, Mixed};
    for c in [
        case(
            "Union leaders said they were \"deeply disappointed\" that the talks had failed.",
            "deeply disappointed",
            "Union leaders",
            "said",
            Mixed,
        ),
        case(
            "The mayor said that the bridge would reopen in May.",
            "that the bridge would reopen in May",
            "The mayor",
            "said",
            Indirect,
        ),
        case(
            "The minister told reporters the budget was balanced.",
            "the budget was balanced",
            "The minister",
            "told",
            Indirect,
        ),
        case(
            "She added that the money had already been spent.",
            "that the money had already been spent",
            "She",
            "added",
            Indirect,
        ),
        case(
            "The agency warned that the river could flood again.",
            "that the river could flood again",
            "The agency",
            "warned",
            Indirect,
        ),
        case(
            "The defendant denied that he had ever met the witness.",
            "that he had ever met the witness",
            "The defendant",
            "denied",
            Indirect,
        ),
        case(
            "Judge Miriam Castellanos wrote in her opinion that the rule went too far.",
            "that the rule went too far",
            "Judge Miriam Castellanos",
            "wrote in her opinion",
            Indirect,
        ),
        case(
            "According to the port authority, the terminal handled 1.4 million containers.",
            "the terminal handled 1.4 million containers",
            "the port authority",
            "According to",
            Indirect,
        ),
        case(
            "The judge pointed out that lawmakers could still write a new law.",
            "that lawmakers could still write a new law",
            "The judge",
            "pointed out",
            Indirect,
        ),
        case(
            "She made clear that the talks would resume in June.",
            "that the talks would resume in June",
            "She",
            "made clear",
            Indirect,
        ),
    ] {
        check(&c);
    }
}

#[test]
fn attribution_shapes() {
    use QuoteKind::{Direct, Indirect};
    for c in [
        case(
            "“We are running out of time,” said NATO Secretary General Jens Stoltenberg.",
            "running out of time",
            "NATO Secretary General Jens Stoltenberg",
            "said",
            Direct,
        ),
        case(
            "Mayor Daniel Okafor put it bluntly: “Every day the port stays closed costs us money.”",
            "Every day the port",
            "Mayor Daniel Okafor",
            "put it bluntly:",
            Direct,
        ),
        // A postposed speaker keeps its relative clause; the clause is not content.
        case(
            "“We must act now,” said the envoy Maria Lopez, who led the talks on river pollution.",
            "We must act now",
            "the envoy Maria Lopez, who led the talks on river pollution",
            "said",
            Direct,
        ),
        case(
            "Responding to a question on the talks, he said: “Those are sensitive negotiations.”",
            "Those are sensitive",
            "he",
            "said:",
            Direct,
        ),
    ] {
        check(&c);
    }
    // Speakers with asides: the name is what matters.
    for (text, content, name) in [
        (
            "Lindqvist, who chaired the closing session, added that several delegations wanted more time.",
            "several delegations",
            "Lindqvist",
        ),
        (
            "The company's lawyer, James Whitfield, said the claim was false.",
            "the claim was false",
            "James Whitfield",
        ),
        (
            "“We have listened, and we have changed the plan three times.” — Councillor Ruth Abara",
            "We have listened",
            "Ruth Abara",
        ),
    ] {
        let doc = extract(text, &Options::default());
        let a = find(&doc, content).unwrap_or_else(|| panic!("no attribution in {text:?}"));
        let entity = a.entity.map(|e| doc.entities[e as usize].name.as_str());
        assert_eq!(entity, Some(name), "speaker entity in {text:?}");
        let _ = Indirect;
    }
}

#[test]
fn a_naming_with_a_quoted_label_is_an_attribution() {
    // PolNeAR annotates "X called Y “Z”" as X's attribution: the label is X's word.
    let doc = extract(
        "Critics called the plan a “band-aid” for a structural problem.",
        &Options::default(),
    );
    let a = find(&doc, "“band-aid”").unwrap_or_else(|| panic!("{:?}", doc.attributions));
    assert_eq!(a.speaker.map(|s| doc.slice(s)), Some("Critics"));
    assert_eq!(a.cue_lemma.as_deref(), Some("call"));
    assert_eq!(a.kind, QuoteKind::Mixed);
}

#[test]
fn titles_of_works_are_not_quotations() {
    let text = "“We will not back down,” the senator said on CBS's “Face the Nation.” \
                “Not now, not ever.”\n\nShe later appeared in the documentary “Seven Days.”";
    let doc = extract(text, &Options::default());
    for a in &doc.attributions {
        for s in &a.content {
            let s = doc.slice(*s);
            assert!(
                !s.contains("Nation") && !s.contains("Seven Days"),
                "title {s:?} taken as content"
            );
        }
    }
    check(&Case {
        text,
        content: "We will not back down",
        speaker: Some("the senator"),
        cue: None,
        kind: QuoteKind::Direct,
        pieces: 2,
    });
    assert!(
        doc.attributions.iter().all(|a| a
            .content
            .iter()
            .all(|s| !doc.slice(*s).contains("documentary"))),
        "the lead-in to a title is not content"
    );
}

#[test]
fn transcript_turns() {
    let text = "Partial transcript as follows:\n\n“WALLACE: Why would he do that?\n\n\
                “PENCE: Well, look, it was a joke about the front row.”";
    let doc = extract(text, &Options::default());
    for (content, speaker) in [
        ("Why would he do that", "WALLACE"),
        ("it was a joke", "PENCE"),
    ] {
        let a = find(&doc, content).unwrap_or_else(|| panic!("{content:?} not found"));
        assert_eq!(a.speaker.map(|s| doc.slice(s)), Some(speaker));
        assert_eq!(a.cue.map(|s| doc.slice(s)), Some(":"));
    }
}

#[test]
fn unbalanced_marks_stay_in_their_paragraph() {
    let text = "He said \"this never ends and nobody closes it.\n\nThe next paragraph is plain prose about the weather.\n\n“Quoted words here,” she said.";
    let doc = extract(text, &Options::default());
    for a in &doc.attributions {
        for s in &a.content {
            let inside_one = doc.paragraphs.iter().any(|p| p.span.contains(*s));
            assert!(
                inside_one,
                "content piece crosses a paragraph: {:?}",
                doc.slice(*s)
            );
        }
    }
    let first = find(&doc, "this never ends").expect("the unbalanced quotation is still reported");
    assert!(
        !first
            .content
            .iter()
            .any(|s| doc.slice(*s).contains("weather"))
    );
    let q = find(&doc, "Quoted words here").expect("the balanced quotation is found");
    assert_eq!(q.speaker.map(|s| doc.slice(s)), Some("she"));
}
