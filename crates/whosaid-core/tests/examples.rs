//! The bundled example reports (`examples/*.txt`, fictional, written for whosaid): what must
//! come out of each, as explicit assertions.

use std::path::Path;

use whosaid_core::{Document, Options, QuoteKind, extract};

fn doc(name: &str) -> Document {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    extract(
        &text,
        &Options {
            published: Some(jiff::civil::date(2025, 3, 14)),
            ..Options::default()
        },
    )
}

/// One expectation: the attribution whose content holds `content` is spoken by the entity
/// named `entity` (or, when `entity` starts with '=', by the speaker written exactly so),
/// is of `kind`, and has `pieces` content pieces.
struct Expect(&'static str, &'static str, QuoteKind, usize);

fn check(d: &Document, expectations: &[Expect]) {
    let all: Vec<String> = d
        .attributions
        .iter()
        .map(|a| {
            format!(
                "{:?} {:?} {:?}",
                a.speaker.map(|s| d.slice(s)),
                a.kind,
                a.content.iter().map(|s| d.slice(*s)).collect::<Vec<_>>()
            )
        })
        .collect();
    for Expect(content, who, kind, pieces) in expectations {
        let a = d
            .attributions
            .iter()
            .find(|a| a.content.iter().any(|s| d.slice(*s).contains(content)))
            .unwrap_or_else(|| panic!("no attribution holding {content:?}:\n{all:#?}"));
        match who.strip_prefix('=') {
            Some(written) => assert_eq!(
                a.speaker.map(|s| d.slice(s)),
                Some(written),
                "speaker of {content:?}"
            ),
            None => assert_eq!(
                a.entity.map(|e| d.entities[e as usize].name.as_str()),
                Some(*who),
                "speaker of {content:?}: {all:#?}"
            ),
        }
        assert_eq!(a.kind, *kind, "kind of {content:?}");
        assert_eq!(a.content.len(), *pieces, "pieces of {content:?}");
    }
    // Every piece stays inside one paragraph, and every span is exactly its text.
    for a in &d.attributions {
        for s in &a.content {
            assert!(
                d.paragraphs.iter().any(|p| p.span.contains(*s)),
                "piece crosses a paragraph: {:?}",
                d.slice(*s)
            );
        }
    }
}

fn when(d: &Document, content: &str) -> Option<(String, jiff::civil::Date)> {
    let a = d
        .attributions
        .iter()
        .find(|a| a.content.iter().any(|s| d.slice(*s).contains(content)))?;
    let w = a.when?;
    Some((d.slice(w.span).to_string(), w.date?))
}

#[test]
fn harbor_strike() {
    use QuoteKind::*;
    let d = doc("harbor-strike.txt");
    check(
        &d,
        &[
            Expect(
                "Every day this port stays closed",
                "Daniel Okafor",
                Direct,
                1,
            ),
            Expect(
                "the authority had refused to discuss pensions",
                "=Union leaders",
                Indirect,
                1,
            ),
            Expect(
                "We came to the table in good faith",
                "Teresa Lindahl",
                Direct,
                2,
            ),
            Expect("simply unaffordable", "Martin Hale", Mixed, 1),
            Expect(
                "We have offered the largest wage increase",
                "Martin Hale",
                Direct,
                2,
            ),
            Expect("I have worked these docks", "Luis Ferreira", Direct, 2),
            Expect(
                "If that means standing out here",
                "Luis Ferreira",
                Direct,
                1,
            ),
            Expect("he had spoken to both sides", "Daniel Okafor", Indirect, 1),
            Expect("ask a state mediator", "Daniel Okafor", Indirect, 1),
            Expect(
                "the union had walked out without notice",
                "Teresa Lindahl",
                Indirect,
                1,
            ),
        ],
    );
    // A naming with a quoted label is the namers' attribution (PolNeAR's convention).
    let naming = d
        .attributions
        .iter()
        .find(|a| a.content.iter().any(|s| d.slice(*s).contains("band-aid")))
        .expect("the critics' “band-aid”");
    assert_eq!(naming.speaker.map(|s| d.slice(s)), Some("Critics"));
    assert_eq!(naming.cue_lemma.as_deref(), Some("call"));
    assert_eq!(
        when(&d, "simply unaffordable"),
        Some(("on Sunday".into(), jiff::civil::date(2025, 3, 9)))
    );
    assert_eq!(
        when(&d, "he had spoken to both sides"),
        Some(("yesterday".into(), jiff::civil::date(2025, 3, 13)))
    );
    assert_eq!(
        d.meta.headline.map(|s| d.slice(s)),
        Some("Harbor Workers Walk Out as Talks Collapse")
    );
    assert_eq!(d.meta.dateline.map(|s| d.slice(s)), Some("BOSTON"));
    let okafor = d
        .entities
        .iter()
        .find(|e| e.name == "Daniel Okafor")
        .expect("Daniel Okafor");
    assert!(okafor.titles.iter().any(|t| t == "Mayor"));
    let mentions: Vec<&str> = okafor
        .mentions
        .iter()
        .map(|&m| d.slice(d.mentions[m as usize].span))
        .collect();
    assert!(
        mentions.contains(&"The mayor") && mentions.contains(&"He"),
        "{mentions:?}"
    );
}

#[test]
fn court_ruling() {
    use QuoteKind::*;
    let d = doc("court-ruling.txt");
    check(
        &d,
        &[
            Expect(
                "exceeded the authority Congress gave it",
                "Miriam Castellanos",
                Mixed,
                1,
            ),
            Expect("deeply disappointed", "=The department", Mixed, 1),
            Expect("We will appeal", "=the lawyer", Direct, 2),
            Expect(
                "Congress never told the department",
                "James Whitfield",
                Direct,
                2,
            ),
            Expect("Passengers should not have to beg", "Ana Ruiz", Direct, 1),
            Expect(
                "airlines had kept more than $700 million",
                "Ana Ruiz",
                Indirect,
                1,
            ),
            Expect(
                "lawmakers remained free to write a new law",
                "Miriam Castellanos",
                Indirect,
                1,
            ),
        ],
    );
    assert_eq!(d.meta.dateline.map(|s| d.slice(s)), Some("WASHINGTON"));
    assert_eq!(d.meta.agency.map(|s| d.slice(s)), Some("AP"));
}

#[test]
fn climate_talks() {
    use QuoteKind::*;
    let d = doc("climate-talks.txt");
    check(
        &d,
        &[
            Expect(
                "the past decade had been the warmest on record",
                "World Meteorological Organization",
                Indirect,
                1,
            ),
            Expect("We are running out of time", "Jens Stoltenberg", Direct, 1),
            Expect(
                "several delegations had asked for more time",
                "Ingrid Lindqvist",
                Indirect,
                1,
            ),
            Expect(
                "the talks would resume in Bonn",
                "Ingrid Lindqvist",
                Indirect,
                1,
            ),
            Expect("We have made real progress", "Claire Dubois", Direct, 1),
            Expect(
                "Voluntary pledges have failed us",
                "Tobias Krämer",
                Direct,
                1,
            ),
            Expect("‘why now?’", "Hilda Kabua", Direct, 2),
            Expect(
                "a draft text on the fund is due by April",
                "Ingrid Lindqvist",
                Indirect,
                1,
            ),
        ],
    );
    assert_eq!(d.meta.dateline.map(|s| d.slice(s)), Some("GENEVA"));
    assert_eq!(d.meta.agency.map(|s| d.slice(s)), Some("Reuters"));
}

#[test]
fn council_vote() {
    use QuoteKind::*;
    let d = doc("council-vote.txt");
    check(
        &d,
        &[
            Expect(
                "This is the most important decision",
                "Margaret Osei",
                Direct,
                1,
            ),
            Expect(
                "Nobody has told us where 900 children",
                "Peter Brandt",
                Direct,
                1,
            ),
            Expect("We have listened", "Ruth Abara", Direct, 1),
            Expect("fund a new primary school", "Sarah Whitmore", Indirect, 1),
            Expect("We will see them in court", "Peter Brandt", Direct, 1),
        ],
    );
    assert_eq!(
        when(&d, "fund a new primary school"),
        Some(("on Thursday".into(), jiff::civil::date(2025, 3, 13)))
    );
}

#[test]
fn messy_marks() {
    use QuoteKind::*;
    let d = doc("messy-marks.txt");
    check(
        &d,
        &[
            Expect("We are almost there", "Dana Whyte", Direct, 1),
            Expect("The engines are fixed", "Omar Haddad", Direct, 1),
            Expect("We read about it in the paper", "Rita Moss", Direct, 1),
        ],
    );
    // The unclosed quotations never swallow the paragraphs after them.
    for a in &d.attributions {
        for s in &a.content {
            assert!(
                !d.slice(*s).contains("transport chair"),
                "{:?}",
                d.slice(*s)
            );
        }
    }
}
