//! Colon attributions: transcripts and headlines that put the speaker before a colon
//! (`PENCE: Well, look, …`, `Poll: Wealthy Voters Abandon …`).

use super::{Attribution, QuoteKind};
use crate::document::Document;
use crate::mention::MentionKind;
use crate::pos::Tag;
use crate::segment::TokenRange;
use crate::token::{TokenFlags, TokenKind};

/// Labels that look like speakers before a colon but are not.
const NOT_SPEAKERS: &[&str] = &[
    "note",
    "update",
    "updated",
    "related",
    "photo",
    "photos",
    "video",
    "watch",
    "read",
    "source",
    "sources",
    "editor",
    "correction",
    "warning",
    "q",
    "a",
    "question",
    "answer",
    "breaking",
    "exclusive",
    "analysis",
    "opinion",
    "live",
    "see",
    "also",
    "more",
    "credit",
    "tags",
    "topics",
    "share",
];

/// Finds `SPEAKER: content` paragraphs.
pub fn attribute_colons(doc: &Document, out: &mut Vec<Attribution>) {
    for p in &doc.paragraphs {
        let (mut a, b) = (p.tokens.start as usize, p.tokens.end as usize);
        let quoted = doc.tokens[a].kind == TokenKind::Quote;
        if quoted {
            a += 1;
        }
        if doc.meta.dateline_tokens.is_some_and(|r| r.contains(a)) {
            continue;
        }
        // Up to four capitalised words, then a colon.
        let Some(colon) =
            (a..(a + 5).min(b)).find(|&k| doc.tags[k] == Tag::Colon && doc.word(k) == ":")
        else {
            continue;
        };
        if colon == a || colon + 2 >= b {
            continue;
        }
        let words_ok = (a..colon).all(|k| {
            doc.tokens[k].kind == TokenKind::Word
                && (doc.tokens[k].is_capitalized() || doc.tags[k] == Tag::POS)
        });
        if !words_ok || NOT_SPEAKERS.contains(&doc.lower(colon - 1)) {
            continue;
        }
        let all_caps =
            (a..colon).all(|k| doc.tokens[k].has(TokenFlags::ALL_CAPS) || doc.word(k).len() == 1);
        let first = doc
            .mentions
            .partition_point(|m| (m.tokens.start as usize) < a);
        let named = doc.mentions[first..]
            .iter()
            .take_while(|m| m.tokens.start as usize == a)
            .any(|m| m.tokens.end as usize == colon && m.kind == MentionKind::Name);
        let people = doc.lexeme(colon - 1).people_noun.is_some();
        if !(all_caps || named || people) {
            continue;
        }
        // A quoted turn runs to the end of its paragraph, its final mark included.
        let trimmed = super::content::trim(doc, colon + 1, b);
        let Some(content) = (if quoted {
            trimmed.map(|t| TokenRange::new(t.start as usize, b))
        } else {
            trimmed
        }) else {
            continue;
        };
        if content.len() < 3 {
            continue;
        }
        let content_span = doc.token_span(content.start as usize, content.end as usize);
        out.push(Attribution {
            kind: if quoted {
                QuoteKind::Direct
            } else {
                QuoteKind::Indirect
            },
            content: vec![content_span],
            content_tokens: vec![content],
            cue: Some(doc.tokens[colon].span),
            cue_tokens: Some(TokenRange::new(colon, colon + 1)),
            cue_lemma: Some(":".to_string()),
            cue_class: Some(crate::lexicon::CueClass::Speech),
            speaker: Some(doc.token_span(a, colon)),
            speaker_tokens: Some(TokenRange::new(a, colon)),
            speaker_mention: None,
            entity: None,
            when: None,
            // A speaker's name in capitals before a colon is how transcripts mark turns.
            confidence: if all_caps { 0.95 } else { 0.8 },
            shape: super::Shape::Colon,
            sentence: doc.token_sentence[colon],
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::Shape;
    use crate::document::extract_rules as rules;

    /// The colon pass alone over a transcript line (after a first paragraph, so that the
    /// line is not read as a dateline).
    fn colons(line: &str) -> (Document, Vec<Attribution>) {
        let doc = rules(&format!("Transcript of the debate.\n\n{line}"));
        let mut out = Vec::new();
        attribute_colons(&doc, &mut out);
        (doc, out)
    }

    /// Speaker and content of each attribution found.
    fn found(line: &str) -> Vec<(String, String)> {
        let (doc, out) = colons(line);
        out.iter()
            .map(|a| {
                (
                    doc.slice(a.speaker.unwrap()).to_string(),
                    doc.slice(a.content[0]).to_string(),
                )
            })
            .collect()
    }

    fn pair(s: &str, c: &str) -> Vec<(String, String)> {
        vec![(s.to_string(), c.to_string())]
    }

    #[test]
    fn capitalised_speaker_before_a_colon() {
        let (doc, out) = colons("PENCE: Well, look, we are going to win this race.");
        assert_eq!(out.len(), 1);
        let a = &out[0];
        assert_eq!(doc.slice(a.speaker.unwrap()), "PENCE");
        assert_eq!(doc.slice(a.cue.unwrap()), ":");
        assert_eq!(
            doc.slice(a.content[0]),
            "Well, look, we are going to win this race"
        );
        assert_eq!((a.kind, a.shape), (QuoteKind::Indirect, Shape::Colon));
        assert_eq!(a.cue_lemma.as_deref(), Some(":"));
        assert_eq!(a.cue_class, Some(crate::lexicon::CueClass::Speech));
        // A name in capitals marks a transcript turn: surer than other colon lines.
        assert_eq!((a.confidence, a.sentence), (0.95, 1));
    }

    #[test]
    fn named_or_people_speakers() {
        assert_eq!(
            found("Mike Pence: We are going to win this race."),
            pair("Mike Pence", "We are going to win this race")
        );
        assert_eq!(
            found("Voters: Wealthy people abandon the party."),
            pair("Voters", "Wealthy people abandon the party")
        );
    }

    #[test]
    fn quoted_line_is_direct() {
        let (doc, out) = colons("“PENCE: We are going to win this race.”");
        assert_eq!(out.len(), 1);
        assert_eq!(doc.slice(out[0].speaker.unwrap()), "PENCE");
        assert_eq!(out[0].kind, QuoteKind::Direct);
    }

    #[test]
    fn labels_and_lowercase_lines_are_not_speakers() {
        assert_eq!(
            found("Note: This story has been updated with new figures."),
            []
        );
        assert_eq!(found("UPDATE: The vote was moved to Friday afternoon."), []);
        assert_eq!(
            found("The senator wrote: We are going to win this race."),
            []
        );
    }

    #[test]
    fn too_short_or_too_far() {
        // Content needs three tokens.
        assert_eq!(found("PENCE: Yes."), []);
        // At most four words before the colon.
        assert_eq!(
            found("SENATOR JOHN SMITH OF OHIO: We are going to win."),
            []
        );
        assert_eq!(
            found("SENATOR JOHN SMITH: We are going to win."),
            pair("SENATOR JOHN SMITH", "We are going to win")
        );
    }

    #[test]
    fn datelines_are_not_speakers() {
        let doc = rules("WASHINGTON: The vote was moved to Friday afternoon.");
        assert!(doc.meta.dateline_tokens.is_some());
        let mut out = Vec::new();
        attribute_colons(&doc, &mut out);
        assert!(out.is_empty());
    }
}
