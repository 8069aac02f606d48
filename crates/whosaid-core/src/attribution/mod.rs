//! Attribution: who said what — quotations tied to their cue and speaker.
//!
//! Two passes share one set of cues:
//! 1. [`direct`] starts from the quotation marks. Each top-level quotation (or chain of
//!    quotations continuing over paragraphs) that reads as speech, not as a scare quote,
//!    looks for its frame: after it (`“…,” he said`, `“…,” said the mayor`, `“…” — Ruth
//!    Abara`, `“….” Stoltenberg said.`), before it (`she said: “…”`, `Okafor put it bluntly:
//!    “…”`), or in the paragraph that introduces it. Quotations without a frame of their own
//!    that follow one in the same paragraph join it as further pieces (split quotations).
//! 2. [`indirect`] starts from the cues the first pass did not use: the speaker is the
//!    subject before the cue (past auxiliaries, adverbs and appositives) or after it in
//!    an inversion; the content is the clause after the cue, or the clause before the
//!    speaker in `…, officials said.`, or the phrase after `according to`.
//!
//! Noun-phrase and clause boundaries come from [`crate::np`] and the tags; the speaker
//! span is then linked to a mention (one is created for descriptions the mention pass did not
//! know), so that coreference can resolve it to an entity.

mod content;
mod direct;
mod indirect;
mod speaker;

use crate::document::Document;
use crate::lexicon::{CueClass, EntityKind, Gender, Lexicon};
use crate::mention::{Mention, MentionKind};
use crate::segment::TokenRange;
use crate::span::Span;
use crate::when::When;

/// Whether an attribution quotes verbatim, paraphrases, or mixes both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// Every content piece is a quotation in quotation marks.
    Direct,
    /// Reported speech without quotation marks.
    Indirect,
    /// Reported speech that contains a quoted fragment.
    Mixed,
}

/// One attribution: content, cue and speaker.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribution {
    /// Direct, indirect or mixed.
    pub kind: QuoteKind,
    /// Content pieces in text order (several for split and multi-paragraph quotations).
    pub content: Vec<Span>,
    /// Token ranges of the content pieces.
    pub content_tokens: Vec<TokenRange>,
    /// The cue, when there is one.
    pub cue: Option<Span>,
    /// The cue's tokens.
    pub cue_tokens: Option<TokenRange>,
    /// Lemma of the cue ("say" for "said").
    pub cue_lemma: Option<String>,
    /// What kind of attribution the cue expresses.
    pub cue_class: Option<CueClass>,
    /// The speaker as written.
    pub speaker: Option<Span>,
    /// The speaker's tokens.
    pub speaker_tokens: Option<TokenRange>,
    /// The speaker's mention (index into [`Document::mentions`]).
    pub speaker_mention: Option<u32>,
    /// The speaker's entity, once coreference has run.
    pub entity: Option<u32>,
    /// When it was said, if the text says.
    pub when: Option<When>,
    /// How sure the extractor is, in 0..1.
    pub confidence: f32,
    /// Sentence of the cue (or of the first content piece when there is no cue).
    pub sentence: u32,
}

impl Attribution {
    /// The clean quotation text: pieces with their outer quotation marks stripped, joined
    /// with a space.
    pub fn clean_text(&self, doc: &Document) -> String {
        let mut out = String::new();
        for (k, span) in self.content.iter().enumerate() {
            if k > 0 {
                out.push(' ');
            }
            out.push_str(content::strip_outer_marks(doc.slice(*span)));
        }
        out
    }
}

/// Finds all attributions of the document, in text order, linking each speaker to a
/// mention (and adding mentions for speakers the mention pass did not find).
pub fn attribute(doc: &mut Document, lexicon: &Lexicon) -> Vec<Attribution> {
    let mut used_cues = vec![false; doc.cues.len()];
    let mut out = direct::attribute_direct(doc, lexicon, &mut used_cues);
    indirect::attribute_indirect(doc, lexicon, &used_cues, &mut out);
    out.retain(|a| !a.content.is_empty());
    out.sort_by_key(|a| a.content.first().map(|s| (s.start, s.end)));
    out.dedup_by(|b, a| a.content == b.content);
    link_speakers(doc, &mut out);
    out
}

/// Links every speaker to a mention, adding description mentions for speakers the mention
/// pass did not know.
pub fn link_speakers(doc: &mut Document, out: &mut [Attribution]) {
    // Speakers the mention pass did not know become description mentions; then every
    // speaker is linked to its mention.
    let missing: Vec<TokenRange> = out.iter().filter_map(|a| a.speaker_tokens).filter(|r| find_mention(doc, *r).is_none()).collect();
    for r in missing {
        if find_mention(doc, r).is_none() {
            let m = description_for(doc, r);
            doc.mentions.push(m);
        }
    }
    doc.mentions.sort_by_key(|m| (m.tokens.start, m.tokens.end));
    for a in out.iter_mut() {
        a.speaker_mention = a.speaker_tokens.and_then(|r| find_mention(doc, r)).map(|k| k as u32);
    }
}

/// The mention that stands for a speaker's tokens: the longest mention inside the range,
/// preferring one that starts with it ("the company's lawyer" over "company"); a pronoun
/// only when the speaker is that pronoun.
fn find_mention(doc: &Document, r: TokenRange) -> Option<usize> {
    let head = speaker::head_of(doc, r) as u32;
    doc.mentions
        .iter()
        .enumerate()
        .filter(|(_, m)| r.start <= m.tokens.start && m.tokens.end <= r.end)
        .filter(|(_, m)| m.kind != MentionKind::Pronoun || r.len() == 1)
        .filter(|(_, m)| m.tokens.start <= head && head < m.tokens.end || m.kind == MentionKind::Name)
        .max_by_key(|(_, m)| (m.tokens.start <= head && head < m.tokens.end, m.tokens.len()))
        .map(|(k, _)| k)
}

fn description_for(doc: &Document, r: TokenRange) -> Mention {
    let head = speaker::head_of(doc, r);
    let plural = doc.tags[head] == crate::pos::Tag::NNS || doc.tags[head] == crate::pos::Tag::NNPS;
    Mention {
        span: doc.token_span(r.start as usize, r.end as usize),
        tokens: r,
        name: None,
        titles: None,
        head: head as u32,
        kind: MentionKind::Description,
        entity_kind: if plural { EntityKind::Group } else { EntityKind::Unknown },
        gender: if plural { Gender::Plural } else { Gender::Unknown },
        plural,
        pronoun_role: None,
        sentence: doc.token_sentence[head],
        entity: None,
    }
}
