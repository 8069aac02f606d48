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
//! Beside them, [`colon`] reads transcript turns and labelled lines (`PENCE: Well, …`), and
//! [`titles`] keeps the titles of works in quotation marks (`on CBS's “Face the Nation”`)
//! out of every content, whichever pass (or the learned tagger) proposed it.
//!
//! Noun-phrase and clause boundaries come from [`crate::np`] and the tags; the speaker
//! span is then linked to a mention (one is created for descriptions the mention pass did not
//! know), so that coreference can resolve it to an entity.

mod colon;
mod content;
pub mod continued;
mod direct;
mod indirect;
pub(crate) mod speaker;
pub mod titles;

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

/// Which pattern found an attribution.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// A quotation followed by its frame: `“…,” she said`, `“…,” said X`.
    QuoteThenFrame,
    /// A frame followed by its quotation: `she said: “…”`.
    FrameThenQuote,
    /// A frame in the paragraph before or after: `X continued:` ⏎ `“…”`.
    ParagraphFrame,
    /// A dash attribution: `“…” — X`.
    DashFrame,
    /// A quotation without a frame.
    #[default]
    Unframed,
    /// Reported speech after its cue: `X said (that) …`.
    CueThenContent,
    /// Reported speech before its cue: `…, X said`, `…, said X`.
    ContentThenCue,
    /// `according to X, …`, `…, according to X`, `in X's poll, …`.
    AccordingTo,
    /// A speaker before a colon: `PENCE: …`.
    Colon,
    /// Found by the learned tagger alone.
    Learned,
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
    /// Which pattern found it.
    pub shape: Shape,
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
    indirect::attribute_in_documents(doc, &mut used_cues, &mut out);
    indirect::attribute_indirect(doc, lexicon, &used_cues, &mut out);
    colon::attribute_colons(doc, &mut out);
    drop_nested(&mut out);
    widen_cues(doc, &mut out);
    out.retain(|a| !a.content.is_empty());
    out.sort_by_key(|a| a.content.first().map(|s| (s.start, s.end)));
    out.dedup_by(|b, a| a.content == b.content);
    link_speakers(doc, &mut out);
    out
}

/// Trims a token range to content (see [`content::trim`]).
pub(crate) fn trim_content(doc: &Document, a: usize, b: usize) -> Option<TokenRange> {
    content::trim(doc, a, b)
}

/// Removes the tokens of `ranges` from `a`'s content pieces (splitting a piece around a
/// range, trimming what is left) and updates its spans and kind.
pub(crate) fn cut_out(doc: &Document, a: &mut Attribution, ranges: &[TokenRange]) {
    let mut pieces = Vec::new();
    for p in &a.content_tokens {
        let mut rest = vec![*p];
        for q in ranges {
            rest = rest
                .into_iter()
                .flat_map(|x| {
                    if !q.overlaps(x) {
                        vec![x]
                    } else {
                        [(x.start, q.start.max(x.start)), (q.end.min(x.end), x.end)]
                            .into_iter()
                            .filter_map(|(s, e)| trim_content(doc, s as usize, e as usize))
                            .collect()
                    }
                })
                .collect();
        }
        pieces.extend(rest);
    }
    if pieces != a.content_tokens {
        a.content = pieces
            .iter()
            .map(|x| doc.token_span(x.start as usize, x.end as usize))
            .collect();
        a.content_tokens = pieces;
        a.kind = kind_of(doc, &a.content_tokens);
    }
}

/// Keeps the content pieces of `a` for which `keep` holds (spans and token ranges alike)
/// and updates its kind.
pub(crate) fn retain_pieces(
    doc: &Document,
    a: &mut Attribution,
    keep: impl Fn(&TokenRange) -> bool,
) {
    let (content, tokens): (Vec<Span>, Vec<TokenRange>) = a
        .content
        .iter()
        .zip(&a.content_tokens)
        .filter(|(_, t)| keep(t))
        .map(|(s, t)| (*s, *t))
        .unzip();
    a.content = content;
    a.content_tokens = tokens;
    a.kind = kind_of(doc, &a.content_tokens);
}

/// Adds content pieces (token ranges and their spans) to `a`, keeping its pieces in text
/// order. Its kind is left as it was.
pub(crate) fn add_pieces(a: &mut Attribution, tokens: Vec<TokenRange>, spans: Vec<Span>) {
    let mut pairs: Vec<(TokenRange, Span)> = a
        .content_tokens
        .iter()
        .copied()
        .zip(a.content.iter().copied())
        .chain(tokens.into_iter().zip(spans))
        .collect();
    pairs.sort_by_key(|(r, _)| r.start);
    (a.content_tokens, a.content) = pairs.into_iter().unzip();
}

/// Direct when every piece is exactly one quotation, mixed when a piece holds one, else
/// indirect.
pub(crate) fn kind_of(doc: &Document, pieces: &[TokenRange]) -> QuoteKind {
    let mut all_quotes = !pieces.is_empty();
    let mut any_quote = false;
    for r in pieces {
        let (a, b) = (r.start as usize, r.end as usize);
        let mut whole = false;
        for k in doc.quotations_opening_in(a, b) {
            any_quote = true;
            whole |= doc.quotations[k].tokens() == (a..b);
        }
        all_quotes &= whole;
    }
    if all_quotes {
        QuoteKind::Direct
    } else if any_quote {
        QuoteKind::Mixed
    } else {
        QuoteKind::Indirect
    }
}

/// Widens lexicon cues to the span annotators mark: auxiliaries, negation and adverbs in
/// front ("has also said", "did not mention") and a colon right after ("said:").
fn widen_cues(doc: &Document, out: &mut [Attribution]) {
    for a in out.iter_mut() {
        let Some(r) = a.cue_tokens else { continue };
        let k = doc.cues.partition_point(|c| c.tokens.start < r.start);
        let Some(cue) = doc.cues.get(k).filter(|c| c.tokens == r) else {
            continue;
        };
        let mut start = cue.aux_start as usize;
        // Never swallow the speaker or content.
        while start < r.start as usize && a.speaker_tokens.is_some_and(|s| s.contains(start)) {
            start += 1;
        }
        let mut end = r.end as usize;
        if end < doc.tokens.len()
            && doc.word(end) == ":"
            && !a.content_tokens.iter().any(|c| c.contains(end))
        {
            end += 1;
        }
        let widened = TokenRange::new(start, end);
        a.cue_tokens = Some(widened);
        a.cue = Some(doc.token_span(start, end));
    }
}

/// Drops attributions nested inside another's content (annotators mark one role per
/// word: in "X said Y claimed Z" only X's attribution stands), and exact duplicates.
fn drop_nested(out: &mut Vec<Attribution>) {
    // For every token, the longest content piece covering it and its attribution.
    let n = out
        .iter()
        .flat_map(|a| {
            a.content_tokens
                .iter()
                .chain(a.cue_tokens.iter())
                .chain(a.speaker_tokens.iter())
        })
        .map(|r| r.end as usize)
        .max()
        .unwrap_or(0);
    let mut pieces: Vec<(TokenRange, usize)> = out
        .iter()
        .enumerate()
        .flat_map(|(k, a)| a.content_tokens.iter().map(move |r| (*r, k)))
        .collect();
    pieces.sort_by_key(|(r, _)| r.len());
    let mut cover: Vec<Option<(TokenRange, usize)>> = vec![None; n];
    for (r, k) in pieces {
        for c in &mut cover[r.range()] {
            *c = Some((r, k));
        }
    }
    // Of two nested attributions the less confident goes: normally the inner one ("X said
    // Y claimed Z" keeps X's), but a quotation with a clear frame outlives an outer
    // attribution found by a doubtful cue.
    // The less confident are judged first, so that of two attributions each inside the
    // other's content (a bad boundary) one survives.
    let mut keep = vec![true; out.len()];
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by(|&x, &y| out[x].confidence.total_cmp(&out[y].confidence));
    for k in order {
        let a = &out[k];
        let Some(anchor) = a
            .cue_tokens
            .or(a.speaker_tokens)
            .or(a.content_tokens.first().copied())
        else {
            continue;
        };
        if let Some((piece, j)) = cover.get(anchor.start as usize).copied().flatten()
            && j != k
            && keep[j]
            && piece.start <= anchor.start
            && anchor.end <= piece.end
            && !a
                .content_tokens
                .iter()
                .any(|c| out[j].content_tokens.contains(c))
        {
            if a.confidence >= 0.9 && out[j].confidence + 0.1 < a.confidence {
                keep[j] = false;
            } else {
                keep[k] = false;
            }
        }
    }
    let mut k = 0;
    out.retain(|_| {
        k += 1;
        keep[k - 1]
    });
}

/// Links every speaker to a mention, adding description mentions for speakers the mention
/// pass did not know.
pub fn link_speakers(doc: &mut Document, out: &mut [Attribution]) {
    // Speakers the mention pass did not know become description mentions; then every
    // speaker is linked to its mention.
    let missing: Vec<TokenRange> = out
        .iter()
        .filter_map(|a| a.speaker_tokens)
        .filter(|r| find_mention(doc, *r).is_none())
        .collect();
    for r in missing {
        if find_mention(doc, r).is_none() {
            let m = description_for(doc, r);
            doc.mentions.push(m);
        }
    }
    doc.mentions.sort_by_key(|m| (m.tokens.start, m.tokens.end));
    for a in out.iter_mut() {
        a.speaker_mention = a
            .speaker_tokens
            .and_then(|r| find_mention(doc, r))
            .map(|k| k as u32);
    }
}

/// The mention that stands for a speaker's tokens: the longest mention inside the range,
/// preferring one that starts with it ("the company's lawyer" over "company"); a pronoun
/// only when the speaker is that pronoun.
fn find_mention(doc: &Document, r: TokenRange) -> Option<usize> {
    let head = speaker::head_of(doc, r) as u32;
    // Mentions are sorted by start: only those starting inside the range can fit in it.
    let lo = doc.mentions.partition_point(|m| m.tokens.start < r.start);
    let hi = doc
        .mentions
        .partition_point(|m| m.tokens.start < r.end)
        .max(lo);
    let inside = |m: &Mention| m.tokens.end <= r.end;
    let names: Vec<usize> = (lo..hi)
        .filter(|&k| inside(&doc.mentions[k]) && doc.mentions[k].kind == MentionKind::Name)
        .collect();
    // A name holding the head ("US Defense Secretary Mark Esper").
    if let Some(&k) = names
        .iter()
        .find(|&&k| doc.mentions[k].tokens.contains(head as usize))
    {
        return Some(k);
    }
    // The organisation behind a statement or report ("a statement from the WMO").
    let lexicon = crate::lexicon::Lexicon::get();
    if lexicon.is_speech_event(doc.lower(head as usize))
        && let Some(&k) = names.iter().find(|&&k| doc.mentions[k].tokens.start > head)
    {
        return Some(k);
    }
    // A name in apposition to a description ("The housing minister, Sarah Whitmore,").
    if let Some(&k) = names.iter().find(|&&k| {
        let s = doc.mentions[k].tokens.start as usize;
        s > head as usize
            && s >= 1
            && doc.tags[s - 1] == crate::pos::Tag::Comma
            && (head as usize + 1..s - 1).all(|i| !doc.tags[i].is_punct())
    }) {
        return Some(k);
    }
    doc.mentions[lo..hi]
        .iter()
        .enumerate()
        .map(|(k, m)| (k + lo, m))
        .filter(|(_, m)| m.tokens.end <= r.end)
        .filter(|(_, m)| m.kind != MentionKind::Pronoun || r.len() == 1)
        .filter(|(_, m)| {
            m.tokens.start <= head && head < m.tokens.end || m.kind == MentionKind::Name
        })
        .max_by_key(|(_, m)| {
            (
                m.tokens.start <= head && head < m.tokens.end,
                m.tokens.len(),
            )
        })
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
        entity_kind: if plural {
            EntityKind::Group
        } else {
            EntityKind::Unknown
        },
        gender: if plural {
            Gender::Plural
        } else {
            Gender::Unknown
        },
        plural,
        pronoun_role: None,
        sentence: doc.token_sentence[head],
        entity: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::extract_rules as rules;

    /// Speaker, cue and content pieces of every attribution, as text.
    fn found(
        doc: &Document,
        out: &[Attribution],
    ) -> Vec<(Option<String>, Option<String>, Vec<String>)> {
        out.iter()
            .map(|a| {
                (
                    a.speaker.map(|s| doc.slice(s).to_string()),
                    a.cue.map(|s| doc.slice(s).to_string()),
                    a.content
                        .iter()
                        .map(|s| doc.slice(*s).to_string())
                        .collect(),
                )
            })
            .collect()
    }

    /// An attribution with only the token ranges and confidence [`drop_nested`] reads.
    fn bare(
        speaker: (usize, usize),
        cue: (usize, usize),
        content: (usize, usize),
        confidence: f32,
    ) -> Attribution {
        Attribution {
            kind: QuoteKind::Indirect,
            content: Vec::new(),
            content_tokens: vec![TokenRange::new(content.0, content.1)],
            cue: None,
            cue_tokens: Some(TokenRange::new(cue.0, cue.1)),
            cue_lemma: None,
            cue_class: None,
            speaker: None,
            speaker_tokens: Some(TokenRange::new(speaker.0, speaker.1)),
            speaker_mention: None,
            entity: None,
            when: None,
            confidence,
            shape: Shape::CueThenContent,
            sentence: 0,
        }
    }

    #[test]
    fn kind_of_pieces() {
        let doc = rules("He said “we will win” and left.");
        assert_eq!(doc.word(2), "“");
        assert_eq!(doc.word(6), "”");
        let kind = |rs: &[(usize, usize)]| {
            let pieces: Vec<TokenRange> = rs.iter().map(|&(a, b)| TokenRange::new(a, b)).collect();
            kind_of(&doc, &pieces)
        };
        assert_eq!(kind(&[(2, 7)]), QuoteKind::Direct);
        assert_eq!(kind(&[(1, 7)]), QuoteKind::Mixed);
        assert_eq!(kind(&[(2, 9)]), QuoteKind::Mixed);
        assert_eq!(kind(&[(7, 9)]), QuoteKind::Indirect);
        assert_eq!(kind(&[(2, 7), (7, 9)]), QuoteKind::Mixed);
        assert_eq!(kind(&[]), QuoteKind::Indirect);
    }

    #[test]
    fn trim_content_drops_edge_punctuation() {
        let doc = rules("The plan would fail, officials said.");
        let r = trim_content(&doc, 0, 5).unwrap();
        assert_eq!(
            doc.slice(doc.token_span(r.start as usize, r.end as usize)),
            "The plan would fail"
        );
        let doc = rules("He said: we will win.");
        let r = trim_content(&doc, 2, 7).unwrap();
        assert_eq!(
            doc.slice(doc.token_span(r.start as usize, r.end as usize)),
            "we will win"
        );
        // A final period before the closing mark stays inside the quotation.
        let doc = rules("He said, “we will win.”");
        let r = trim_content(&doc, 2, doc.tokens.len()).unwrap();
        assert_eq!(
            doc.slice(doc.token_span(r.start as usize, r.end as usize)),
            "“we will win.”"
        );
        // Punctuation alone is no content.
        assert_eq!(trim_content(&doc, 2, 3), None);
    }

    #[test]
    fn cues_widen_to_auxiliaries_and_colon() {
        let lex = Lexicon::get();
        let mut doc = rules("The senator has also said the plan would fail.");
        let out = attribute(&mut doc, lex);
        assert_eq!(
            found(&doc, &out),
            [(
                Some("The senator".into()),
                Some("has also said".into()),
                vec!["the plan would fail".into()]
            )]
        );
        let mut doc = rules("The mayor said: “We will not back down.”");
        let out = attribute(&mut doc, lex);
        assert_eq!(
            found(&doc, &out),
            [(
                Some("The mayor".into()),
                Some("said:".into()),
                vec!["“We will not back down.”".into()]
            )]
        );
    }

    #[test]
    fn nested_attributions_keep_the_outer_one() {
        let lex = Lexicon::get();
        let mut doc = rules("Sanders said Clinton claimed the plan would fail.");
        let out = attribute(&mut doc, lex);
        assert_eq!(
            found(&doc, &out),
            [(
                Some("Sanders".into()),
                Some("said".into()),
                vec!["Clinton claimed the plan would fail".into()]
            )]
        );
    }

    #[test]
    fn drop_nested_prefers_a_clearly_more_confident_inner_one() {
        // "X said Y claimed Z": tokens 0 X, 1 said, 2 Y, 3 claimed, 4.. Z.
        let outer = |c| bare((0, 1), (1, 2), (2, 8), c);
        let inner = |c| bare((2, 3), (3, 4), (4, 8), c);
        let apart = bare((8, 9), (9, 10), (10, 12), 0.85);
        let mut out = vec![outer(0.85), inner(0.85), apart.clone()];
        drop_nested(&mut out);
        assert_eq!(out, [outer(0.85), apart.clone()]);
        // A framed quotation (0.95) outlives a doubtful outer cue (0.6) ...
        let mut out = vec![outer(0.6), inner(0.95)];
        drop_nested(&mut out);
        assert_eq!(out, [inner(0.95)]);
        // ... but not one nearly as sure as itself.
        let mut out = vec![outer(0.9), inner(0.95)];
        drop_nested(&mut out);
        assert_eq!(out, [outer(0.9)]);
    }

    #[test]
    fn a_naming_with_a_quoted_label_is_an_attribution() {
        // "Critics called the plan a “band-aid”": the label is the critics' word, and
        // PolNeAR annotates such namings as attributions (source, cue, object + label).
        let lex = Lexicon::get();
        let mut doc = rules("Critics called the plan a “band-aid.”");
        doc.attributions = attribute(&mut doc, lex);
        assert_eq!(doc.attributions.len(), 1);
        let a = &doc.attributions[0];
        assert_eq!(a.cue_lemma.as_deref(), Some("call"));
        assert_eq!(a.speaker.map(|s| doc.slice(s)), Some("Critics"));
    }

    #[test]
    fn speakers_link_to_the_mention_that_names_them() {
        let lex = Lexicon::get();
        for (text, speaker, mention) in [
            (
                "The housing minister, Sarah Whitmore, said the plan would fail.",
                "The housing minister, Sarah Whitmore,",
                "Sarah Whitmore",
            ),
            (
                "A statement from the WMO said the plan would fail.",
                "A statement from the WMO",
                "WMO",
            ),
        ] {
            let mut doc = rules(text);
            let out = attribute(&mut doc, lex);
            let a = &out[0];
            assert_eq!(doc.slice(a.speaker.unwrap()), speaker);
            let m = &doc.mentions[a.speaker_mention.unwrap() as usize];
            assert_eq!(doc.slice(m.span), mention, "{text}");
        }
    }

    #[test]
    fn unknown_speakers_become_description_mentions() {
        let mut doc = rules("Officials said the plan would fail.");
        let mut out = doc.attributions.clone();
        doc.mentions.clear();
        link_speakers(&mut doc, &mut out);
        assert_eq!(doc.mentions.len(), 1);
        let m = &doc.mentions[0];
        assert_eq!(doc.slice(m.span), "Officials");
        assert_eq!(m.kind, MentionKind::Description);
        assert_eq!(
            (m.entity_kind, m.gender, m.plural),
            (EntityKind::Group, Gender::Plural, true)
        );
        assert_eq!(out[0].speaker_mention, Some(0));
    }

    #[test]
    fn clean_text_joins_pieces_without_marks() {
        let doc = rules("“We will appeal,” she said, “and we will win.”");
        assert_eq!(doc.attributions.len(), 1);
        assert_eq!(
            doc.attributions[0].clean_text(&doc),
            "We will appeal, and we will win."
        );
    }
}
