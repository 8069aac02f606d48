//! Colon attributions: transcripts and headlines that put the speaker before a colon
//! (`PENCE: Well, look, …`, `Poll: Wealthy Voters Abandon …`).

use super::{Attribution, QuoteKind};
use crate::document::Document;
use crate::lexicon::Lexicon;
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
pub fn attribute_colons(doc: &Document, lexicon: &Lexicon, out: &mut Vec<Attribution>) {
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
        let people = lexicon.people_noun(doc.lower(colon - 1)).is_some();
        if !(all_caps || named || people) {
            continue;
        }
        let Some(content) = super::content::trim(doc, colon + 1, b) else {
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
            confidence: 0.8,
            shape: super::Shape::Colon,
            sentence: doc.token_sentence[colon],
        });
    }
}
