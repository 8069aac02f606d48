//! From token labels to attributions.
//!
//! The tagger labels roles token by token; an attribution ties one cue to its source and
//! content pieces. Assembly works paragraph by paragraph:
//! 1. runs of `B-x I-x…` become role spans;
//! 2. each content span goes to the nearest cue of its sentence (or, in a sentence without
//!    a cue, to the nearest cue of the paragraph: the rest of a quotation split over
//!    sentences);
//! 3. each cue takes the source span nearest to it in its sentence, preferring one before
//!    it;
//! 4. cues without content are dropped; contents without cue stand alone (unattributed);
//! 5. pieces of a quotation chained over paragraphs join the attribution that owns the last
//!    piece, and pieces separated only by white space merge into one.

use super::labels::{B_CONTENT, B_CUE, B_SOURCE, I_CONTENT, I_CUE, I_SOURCE, Label};
use crate::attribution::Attribution;
use crate::document::Document;
use crate::lexicon::{Lexicon, lower};
use crate::pos::Tag;
use crate::segment::TokenRange;

#[derive(Clone, Copy, Debug)]
struct RoleSpan {
    range: TokenRange,
    sentence: u32,
    paragraph: u32,
}

fn spans_of(doc: &Document, labels: &[Label], b: Label, i: Label) -> Vec<RoleSpan> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < labels.len() {
        if labels[k] == b
            || (labels[k] == i && (k == 0 || !matches!(labels[k - 1], x if x == b || x == i)))
        {
            let start = k;
            k += 1;
            while k < labels.len() && labels[k] == i {
                k += 1;
            }
            out.push(RoleSpan {
                range: TokenRange::new(start, k),
                sentence: doc.token_sentence[start],
                paragraph: doc.paragraph_of(start) as u32,
            });
        } else {
            k += 1;
        }
    }
    out
}

/// Token distance between two ranges (0 when adjacent or overlapping).
fn gap(a: TokenRange, b: TokenRange) -> usize {
    if a.end <= b.start {
        (b.start - a.end) as usize
    } else if b.end <= a.start {
        (a.start - b.end) as usize
    } else {
        0
    }
}

/// Builds attributions from token labels. `rules` are the rule-based attributions, used for
/// the confidence of attributions they agree with.
pub fn assemble(
    doc: &Document,
    lexicon: &Lexicon,
    labels: &[Label],
    rules: &[Attribution],
) -> Vec<Attribution> {
    let sources = spans_of(doc, labels, B_SOURCE, I_SOURCE);
    let cues = spans_of(doc, labels, B_CUE, I_CUE);
    let contents = spans_of(doc, labels, B_CONTENT, I_CONTENT);
    // Content → cue.
    // Spans are in text order, so their sentence numbers never decrease: the spans of a
    // window of sentences are a contiguous run, found by binary search.
    let in_sentences = |spans: &[RoleSpan], lo: u32, hi: u32| -> std::ops::Range<usize> {
        let a = spans.partition_point(|x| x.sentence < lo);
        let b = spans.partition_point(|x| x.sentence <= hi);
        a..b.max(a)
    };
    let mut owned: Vec<Vec<TokenRange>> = vec![Vec::new(); cues.len()];
    let mut unowned = Vec::new();
    for c in &contents {
        let nearest = |r: std::ops::Range<usize>, ok: &dyn Fn(&RoleSpan) -> bool| {
            r.filter(|&k| ok(&cues[k])).min_by_key(|&k| {
                (
                    gap(cues[k].range, c.range),
                    cues[k].range.start > c.range.start,
                )
            })
        };
        let same = nearest(in_sentences(&cues, c.sentence, c.sentence), &|_| true);
        let near = || {
            nearest(
                in_sentences(&cues, c.sentence.saturating_sub(2), c.sentence + 2),
                &|k: &RoleSpan| k.paragraph == c.paragraph,
            )
        };
        match same.or_else(near) {
            Some(k) => owned[k].push(c.range),
            None => unowned.push(c.range),
        }
    }
    let mut out = Vec::new();
    let rule_cues = CueIndex::new(rules);
    for (k, cue) in cues.iter().enumerate() {
        let mut pieces = std::mem::take(&mut owned[k]);
        if pieces.is_empty() {
            // A cue the tagger saw without its content: the rules' content for the same
            // cue, when the tagger labelled none of it otherwise (`The talks will resume,
            // said the envoy, who …`).
            let free = |r: &TokenRange| {
                let s = doc.token_sentence[r.start as usize];
                !contents[in_sentences(&contents, s, s)]
                    .iter()
                    .any(|c| c.range.overlaps(*r))
            };
            match rule_cues
                .overlapping(cue.range)
                .into_iter()
                .map(|j| &rules[j])
                .find(|r| {
                    r.confidence >= 0.8
                        && !r.content_tokens.is_empty()
                        && r.content_tokens.iter().all(free)
                }) {
                Some(r) => pieces = r.content_tokens.clone(),
                None => continue,
            }
        }
        let source = in_sentences(&sources, cue.sentence, cue.sentence)
            .map(|k| &sources[k])
            .filter(|s| {
                !pieces
                    .iter()
                    .any(|p| p.start <= s.range.start && s.range.end <= p.end)
            })
            .min_by_key(|s| (gap(s.range, cue.range), s.range.start > cue.range.start))
            .map(|s| s.range);
        out.push(build(doc, lexicon, Some(cue.range), source, pieces, rules));
    }
    for c in unowned {
        out.push(build(doc, lexicon, None, None, vec![c], rules));
    }
    join_chained_quotations(doc, &mut out);
    out.sort_by_key(|a| a.content_tokens.first().map(|r| r.start));
    out
}

fn build(
    doc: &Document,
    lexicon: &Lexicon,
    cue: Option<TokenRange>,
    source: Option<TokenRange>,
    mut pieces: Vec<TokenRange>,
    rules: &[Attribution],
) -> Attribution {
    pieces.sort_by_key(|r| r.start);
    let pieces = merge_adjacent(doc, pieces);
    let lex_cue = cue.and_then(|r| doc.cue_overlapping(r));
    let cue_lemma = cue.map(|r| match lex_cue {
        Some(c) => c.lemma(lexicon).to_string(),
        None => lower(doc.slice(doc.token_span(r.start as usize, r.end as usize))).into_owned(),
    });
    let agreeing = rules_starting_at(rules, pieces[0].start).iter().find(|a| {
        a.content_tokens.first() == pieces.first() && (cue.is_none() || a.cue_tokens == cue)
    });
    let confidence = match agreeing {
        Some(a) => a.confidence.max(0.6),
        None if cue.is_some() && source.is_some() => 0.7,
        None if cue.is_some() => 0.55,
        None => 0.35,
    };
    let sentence = cue
        .map(|r| doc.token_sentence[r.start as usize])
        .unwrap_or_else(|| doc.token_sentence[pieces[0].start as usize]);
    Attribution {
        kind: crate::attribution::kind_of(doc, &pieces),
        content: pieces
            .iter()
            .map(|r| doc.token_span(r.start as usize, r.end as usize))
            .collect(),
        content_tokens: pieces,
        cue: cue.map(|r| doc.token_span(r.start as usize, r.end as usize)),
        cue_tokens: cue,
        cue_lemma,
        cue_class: lex_cue.map(|c| c.class(lexicon)),
        speaker: source.map(|r| doc.token_span(r.start as usize, r.end as usize)),
        speaker_tokens: source,
        speaker_mention: None,
        entity: None,
        when: None,
        confidence,
        shape: agreeing.map_or(crate::attribution::Shape::Learned, |a| a.shape),
        sentence,
    }
}

/// Merges pieces separated only by white space (a content running over sentences).
fn merge_adjacent(doc: &Document, pieces: Vec<TokenRange>) -> Vec<TokenRange> {
    let mut out: Vec<TokenRange> = Vec::new();
    for p in pieces {
        if let Some(last) = out.last_mut()
            && last.end == p.start
            && doc.paragraph_of(last.start as usize) == doc.paragraph_of(p.start as usize)
        {
            last.end = p.end;
            continue;
        }
        out.push(p);
    }
    out
}

/// Joins an unattributed piece that is part of a quotation chain (a quotation continuing
/// over paragraphs) to the attribution owning another piece of the chain.
fn join_chained_quotations(doc: &Document, out: &mut Vec<Attribution>) {
    let chain_of = |tok: u32| -> Option<usize> {
        let k = doc
            .quotation_opened_at(tok as usize)
            .filter(|&k| doc.quotations[k].depth == 0)?;
        let mut head = k;
        let mut guard = 0;
        while let Some(p) = doc.quotations[head].prev {
            head = p as usize;
            guard += 1;
            if guard > doc.quotations.len() {
                break;
            }
        }
        (doc.quotations[k].prev.is_some() || doc.quotations[k].next.is_some()).then_some(head)
    };
    let mut k = 0;
    while k < out.len() {
        if out[k].cue_tokens.is_none()
            && let Some(chain) = out[k]
                .content_tokens
                .first()
                .and_then(|r| chain_of(r.start))
            && let Some(j) = (0..out.len()).find(|&j| {
                j != k
                    && out[j].cue_tokens.is_some()
                    && out[j]
                        .content_tokens
                        .iter()
                        .any(|r| chain_of(r.start) == Some(chain))
            })
        {
            let moved = out.remove(k);
            let j = if j > k { j - 1 } else { j };
            crate::attribution::add_pieces(&mut out[j], moved.content_tokens, moved.content);
            continue;
        }
        k += 1;
    }
}

/// The rule attributions whose first content piece starts at token `start` (`rules` is
/// sorted by first content piece).
pub fn rules_starting_at(rules: &[Attribution], start: u32) -> &[Attribution] {
    let first = |a: &Attribution| a.content_tokens.first().map_or(u32::MAX, |r| r.start);
    let lo = rules.partition_point(|a| first(a) < start);
    let hi = rules.partition_point(|a| first(a) <= start).max(lo);
    &rules[lo..hi]
}

/// Reconciles the tagger's attributions with the rules' where the rules are sure:
/// - a quotation the rules attributed with a clear frame but the tagger left without
///   speaker takes the rules' speaker (and cue, if it had none): `“…” — Ruth Abara`;
/// - a quotation frame the tagger missed altogether (no learned cue on it) is restored,
///   and its quotation is cut out of any learned content that swallowed it;
/// - speakers are repaired (trailing adjuncts cut, see
///   [`crate::attribution::speaker::repair_speaker`]).
pub fn reconcile(
    doc: &Document,
    lexicon: &Lexicon,
    mut learned: Vec<Attribution>,
    rules: &[Attribution],
) -> Vec<Attribution> {
    use crate::attribution::Shape;
    for a in learned.iter_mut() {
        if a.speaker_tokens.is_none()
            && let Some(first) = a.content_tokens.first()
            && let Some(r) = rules_starting_at(rules, first.start).iter().find(|r| {
                r.confidence >= 0.8
                    && r.speaker_tokens.is_some()
                    && r.content_tokens.first() == a.content_tokens.first()
            })
        {
            a.speaker_tokens = r.speaker_tokens;
            if a.cue_tokens.is_none() {
                a.cue_tokens = r.cue_tokens;
                a.cue = r.cue;
                a.cue_lemma = r.cue_lemma.clone();
                a.cue_class = r.cue_class;
            }
        }
    }
    // Transcript turns (`PENCE: …`): the rules' reading is the whole story, and any learned
    // attribution built on the same turn gives way to it.
    for r in rules
        .iter()
        .filter(|r| r.shape == Shape::Colon && r.confidence >= 0.95)
    {
        let turn = TokenRange::new(
            r.speaker_tokens.map_or(0, |s| s.start) as usize,
            r.content_tokens.last().map_or(0, |c| c.end) as usize,
        );
        learned.retain(|a| {
            !a.cue_tokens.is_some_and(|c| c.overlaps(turn))
                && !a.content_tokens.iter().any(|c| c.overlaps(turn))
        });
        learned.push(r.clone());
    }
    // Frames the tagger missed.
    let learned_cues = CueIndex::new(&learned);
    let missed: Vec<&Attribution> = rules
        .iter()
        .filter(|r| {
            r.confidence >= 0.95
                && matches!(
                    r.shape,
                    Shape::QuoteThenFrame
                        | Shape::FrameThenQuote
                        | Shape::DashFrame
                        | Shape::ParagraphFrame
                )
                && r.cue_tokens
                    .is_some_and(|c| !learned_cues.any_overlapping(c))
                && r.speaker_tokens.is_some()
        })
        .collect();
    take_missed_frames(doc, &mut learned, &missed);
    reassign_orphaned_content(doc, &mut learned, rules);
    let rule_cues = CueIndex::new(rules);
    for a in learned.iter_mut() {
        stop_at_closing_mark(doc, a);
        drop_topic_phrase(doc, a);
        close_relative_clause(doc, a);
        finish_cut_clause(doc, a, rules, &rule_cues);
        if let Some(r) = a.speaker_tokens {
            let cue_start = a.cue_tokens.map(|c| c.start as usize);
            a.speaker_tokens =
                crate::attribution::speaker::repair_speaker(doc, lexicon, r, cue_start);
            a.speaker = a
                .speaker_tokens
                .map(|s| doc.token_span(s.start as usize, s.end as usize));
        }
    }
    learned.retain(|a| !a.content_tokens.is_empty());
    run_over_nested(doc, &mut learned);
    learned.sort_by_key(|a| a.content_tokens.first().map(|r| (r.start, r.end)));
    learned
}

/// "Trump was “absolutely right” when | he said Wednesday that …": a content that stops on
/// a subordinating word, exactly where another attribution of its sentence begins, was cut
/// short by that nested attribution. It runs on over it, to the end of the nested content;
/// the nested attribution stays (PolNeAR annotates both).
fn run_over_nested(doc: &Document, list: &mut [Attribution]) {
    for k in 0..list.len() {
        let Some(last) = list[k].content_tokens.last().copied() else {
            continue;
        };
        let end = last.end as usize;
        if end <= last.start as usize + 1 || end >= doc.tokens.len() || !opens_clause(doc, end - 1)
        {
            continue;
        }
        let sentence_end = doc.sentence_of(end - 1).tokens.end;
        let nested_end = list
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != k)
            .filter_map(|(_, b)| {
                let begins = b
                    .speaker_tokens
                    .into_iter()
                    .chain(b.cue_tokens)
                    .map(|r| r.start)
                    .min()?;
                let content_end = b.content_tokens.last()?.end;
                (begins as usize == end && content_end <= sentence_end).then_some(content_end)
            })
            .max();
        let Some(nested_end) = nested_end else {
            continue;
        };
        grow_last_piece(doc, &mut list[k], nested_end);
    }
}

/// Whether token `i` is a subordinating word that opens a clause it cannot end
/// ("when", "because", "which"): a content never stops on one.
fn opens_clause(doc: &Document, i: usize) -> bool {
    matches!(
        doc.lower(i),
        "when"
            | "which"
            | "because"
            | "if"
            | "whether"
            | "while"
            | "since"
            | "after"
            | "before"
            | "where"
            | "although"
            | "though"
            | "until"
            | "unless"
    )
}

/// Attributions by the tokens of their cues, to find those whose cue overlaps a range
/// without visiting all of them.
struct CueIndex {
    /// (token, attribution) for every token of every cue, by token.
    tokens: Vec<(u32, u32)>,
}

impl CueIndex {
    fn new(list: &[Attribution]) -> CueIndex {
        let mut tokens: Vec<(u32, u32)> = list
            .iter()
            .enumerate()
            .filter_map(|(k, a)| a.cue_tokens.map(|c| (k, c)))
            .flat_map(|(k, c)| (c.start..c.end).map(move |t| (t, k as u32)))
            .collect();
        tokens.sort_unstable();
        CueIndex { tokens }
    }

    /// The entries for the tokens of `r`.
    fn within(&self, r: TokenRange) -> &[(u32, u32)] {
        let lo = self.tokens.partition_point(|&(t, _)| t < r.start);
        let hi = self.tokens.partition_point(|&(t, _)| t < r.end);
        &self.tokens[lo..hi.max(lo)]
    }

    /// Whether some cue overlaps `r`.
    fn any_overlapping(&self, r: TokenRange) -> bool {
        !self.within(r).is_empty()
    }

    /// Indices of the attributions whose cue overlaps `r`, in list order.
    fn overlapping(&self, r: TokenRange) -> Vec<usize> {
        let mut found: Vec<usize> = self.within(r).iter().map(|&(_, k)| k as usize).collect();
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// "wrote that the rule | went too far": an unquoted content that stops between a noun and
/// the finite verb after it has cut a clause in two. When the rules read the same cue (or
/// one overlapping it) with a content that covers this one and runs on, the content ends
/// where theirs does.
fn finish_cut_clause(
    doc: &Document,
    a: &mut Attribution,
    rules: &[Attribution],
    rule_cues: &CueIndex,
) {
    let (Some(cue), Some(last)) = (a.cue_tokens, a.content_tokens.last().copied()) else {
        return;
    };
    let end = last.end as usize;
    if end >= doc.tokens.len()
        || !doc.tags[end].is_finite_verb()
        || !(doc.tags[end - 1].is_noun() || doc.tags[end - 1] == Tag::PRP)
        || !doc
            .quotations_opening_in(last.start as usize, end)
            .is_empty()
    {
        return;
    }
    let sentence = doc.sentence_of(end).tokens;
    let Some(longer) = rule_cues
        .overlapping(cue)
        .into_iter()
        .flat_map(|k| rules[k].content_tokens.iter())
        .find(|r| r.start <= last.start && r.end > last.end && r.end <= sentence.end)
        .copied()
    else {
        return;
    };
    grow_last_piece(doc, a, longer.end);
}

/// Extends the last content piece of `a` to end at token `end`, and updates its kind: what
/// it grew by may hold a quotation ("went “too far”").
fn grow_last_piece(doc: &Document, a: &mut Attribution, end: u32) {
    if let (Some(p), Some(span)) = (a.content_tokens.last_mut(), a.content.last_mut()) {
        *p = TokenRange::new(p.start as usize, end as usize);
        *span = doc.token_span(p.start as usize, p.end as usize);
    }
    a.kind = crate::attribution::kind_of(doc, &a.content_tokens);
}

/// Adds the rules' frames the tagger missed (in order), each first cut out of the content of
/// every attribution so far, the frames added before it included; attributions left
/// without content are dropped.
///
/// Only the attributions with a piece in a sentence the frame touches can lose tokens to
/// it, so each frame looks those up by sentence instead of visiting every attribution
/// (one paragraph of a million sentences holds that many of both).
fn take_missed_frames(doc: &Document, learned: &mut Vec<Attribution>, missed: &[&Attribution]) {
    if missed.is_empty() {
        return;
    }
    let sentences_of = |r: &TokenRange| {
        let first = doc.token_sentence[r.start as usize] as usize;
        let last = doc.token_sentence[(r.end.max(r.start + 1) - 1) as usize] as usize;
        first..=last
    };
    // Attributions by the sentences their pieces touch.
    let mut by_sentence: Vec<Vec<u32>> = vec![Vec::new(); doc.sentences.len()];
    let index = |by_sentence: &mut Vec<Vec<u32>>, k: usize, a: &Attribution| {
        for r in &a.content_tokens {
            for s in sentences_of(r) {
                if by_sentence[s].last() != Some(&(k as u32)) {
                    by_sentence[s].push(k as u32);
                }
            }
        }
    };
    for (k, a) in learned.iter().enumerate() {
        index(&mut by_sentence, k, a);
    }
    let mut candidates = Vec::new();
    for r in missed {
        let frame: Vec<TokenRange> = r
            .content_tokens
            .iter()
            .copied()
            .chain(r.speaker_tokens)
            .chain(r.cue_tokens)
            .collect();
        candidates.clear();
        for s in frame.iter().flat_map(sentences_of) {
            candidates.extend_from_slice(&by_sentence[s]);
        }
        candidates.sort_unstable();
        candidates.dedup();
        for &k in &candidates {
            crate::attribution::cut_out(doc, &mut learned[k as usize], &frame);
        }
        let k = learned.len();
        learned.push((*r).clone());
        index(&mut by_sentence, k, &learned[k]);
    }
    learned.retain(|a| !a.content_tokens.is_empty());
}

/// Prepositions that name what a quotation is about when they follow its cue ("said of
/// the ban", "said about the money").
const TOPIC_PREPOSITIONS: &[&str] = &["of", "about"];

/// `said: ”The engines are fixed.“ | He did not give a date.`: a content piece that opens
/// with a quotation mark ends where that quotation closes when it would otherwise run on
/// into a later sentence — the words after a closed quotation, a sentence further on, are
/// the reporter's.
fn stop_at_closing_mark(doc: &Document, a: &mut Attribution) {
    let mut changed = false;
    for (piece, span) in a.content_tokens.iter_mut().zip(a.content.iter_mut()) {
        let (start, end) = (piece.start as usize, piece.end as usize);
        let Some(close) = doc
            .quotation_opened_at(start)
            .and_then(|q| doc.quotations[q].close)
            .map(|c| c as usize)
        else {
            continue;
        };
        if close + 1 < end && doc.token_sentence[end - 1] > doc.token_sentence[close] {
            *piece = TokenRange::new(start, close + 1);
            *span = doc.token_span(start, close + 1);
            changed = true;
        }
    }
    if changed {
        a.kind = crate::attribution::kind_of(doc, &a.content_tokens);
    }
}

/// "“It’s fine,” Trump says of | waterboarding": the phrase after a cue and a topic
/// preposition names what the quoted words are about; it is not part of what was said.
/// An unquoted content piece right there is dropped from an attribution whose other pieces
/// hold a quotation, and the preposition leaves the cue if the tagger put it there.
fn drop_topic_phrase(doc: &Document, a: &mut Attribution) {
    let Some(cue) = a.cue_tokens else { return };
    let quoted = |r: &TokenRange| {
        !doc.quotations_opening_in(r.start as usize, r.end as usize)
            .is_empty()
    };
    if a.content_tokens.len() < 2 || !a.content_tokens.iter().any(quoted) {
        return;
    }
    let topic_word = |i: usize| TOPIC_PREPOSITIONS.contains(&doc.lower(i));
    let (cue_start, cue_end) = (cue.start as usize, cue.end as usize);
    // The preposition ends the cue, or follows it.
    let (preposition, keep_cue) = if cue_end - cue_start >= 2 && topic_word(cue_end - 1) {
        (cue_end - 1, cue_end - 1)
    } else if cue_end < doc.tokens.len() && topic_word(cue_end) {
        (cue_end, cue_end)
    } else {
        return;
    };
    let topic = |r: &TokenRange| r.start as usize == preposition + 1 && !quoted(r);
    if !a.content_tokens.iter().any(topic) {
        return;
    }
    crate::attribution::retain_pieces(doc, a, |r| !topic(r));
    if keep_cue < cue_end {
        a.cue_tokens = Some(TokenRange::new(cue_start, keep_cue));
        a.cue = Some(doc.token_span(cue_start, keep_cue));
    }
}

/// "said Jens Stoltenberg, who addressed the opening session": a speaker after its cue
/// that opens a relative clause owns the whole clause, up to the next comma or the end
/// of the sentence. An unquoted content piece inside the clause is the tagger cutting it
/// short, and goes back to the speaker.
fn close_relative_clause(doc: &Document, a: &mut Attribution) {
    let Some(s) = a.speaker_tokens else { return };
    let (start, end) = (s.start as usize, s.end as usize);
    if a.cue_tokens.is_none_or(|c| (c.end as usize) > start) {
        return;
    }
    let Some(opener) = (start + 1..end).find(|&i| {
        doc.tags[i - 1] == Tag::Comma && matches!(doc.lower(i), "who" | "which" | "whose")
    }) else {
        return;
    };
    let sentence = doc.sentence_of(start).tokens;
    let mut clause_end = opener + 1;
    while clause_end < sentence.end as usize
        && !matches!(
            doc.tags[clause_end],
            Tag::Comma | Tag::Final | Tag::Colon | Tag::Quote | Tag::Dash
        )
        && doc.quotation_at(clause_end).is_none()
    {
        clause_end += 1;
    }
    if clause_end <= end {
        return;
    }
    let outside = |p: &TokenRange| (p.end as usize) <= end || (p.start as usize) >= clause_end;
    if a.content_tokens.iter().any(|p| {
        !outside(p)
            && !doc
                .quotations_opening_in(p.start as usize, p.end as usize)
                .is_empty()
    }) {
        return;
    }
    crate::attribution::retain_pieces(doc, a, outside);
    a.speaker_tokens = Some(TokenRange::new(start, clause_end));
    a.speaker = Some(doc.token_span(start, clause_end));
}

/// "X told reporters that A and expected B": when the tagger leaves a reporting verb the
/// rules are sure of unlabelled and hands the content right after it to a later verb (as
/// content *before* that verb), the content goes back to the verb it follows.
fn reassign_orphaned_content(
    doc: &Document,
    learned: &mut Vec<Attribution>,
    rules: &[Attribution],
) {
    use crate::attribution::Shape;
    let learned_cues = CueIndex::new(learned);
    // Learned attributions by the first token of each of their pieces; pieces only leave
    // them below, so the lists may name more than is left, never less.
    let mut by_piece_start: Vec<Vec<u32>> = vec![Vec::new(); doc.tokens.len() + 1];
    for (k, a) in learned.iter().enumerate() {
        for p in &a.content_tokens {
            by_piece_start[p.start as usize].push(k as u32);
        }
    }
    let mut candidates = Vec::new();
    let mut added = Vec::new();
    for r in rules
        .iter()
        .filter(|r| r.confidence >= 0.85 && r.shape == Shape::CueThenContent)
    {
        let Some(rc) = r.cue_tokens else { continue };
        if learned_cues.any_overlapping(rc) {
            continue;
        }
        let Some(rule_content) = r.content_tokens.first().copied() else {
            continue;
        };
        // The pieces wanted start in the rule's content, at most one token into it.
        let first = rc.end.max(rule_content.start) as usize;
        let last = ((rule_content.start + 1) as usize).min(doc.tokens.len());
        candidates.clear();
        // (Empty when the rule's cue ends past that: `get` is `None` for such a range.)
        for at in by_piece_start.get(first..=last).unwrap_or(&[]) {
            candidates.extend_from_slice(at);
        }
        candidates.sort_unstable();
        candidates.dedup();
        for &k in &candidates {
            let a = &mut learned[k as usize];
            let Some(ac) = a.cue_tokens else { continue };
            // A piece that starts inside the rule's content, right after the rule's cue, and
            // ends before the learned cue.
            let Some(k) = a.content_tokens.iter().position(|p| {
                p.start >= rc.end
                    && p.start <= rule_content.start + 1
                    && p.end <= ac.start
                    && rule_content.contains(p.start as usize)
            }) else {
                continue;
            };
            let piece = a.content_tokens.remove(k);
            a.content.remove(k);
            let mut moved = r.clone();
            moved.content_tokens = vec![piece];
            moved.content = vec![doc.token_span(piece.start as usize, piece.end as usize)];
            moved.kind = crate::attribution::kind_of(doc, &moved.content_tokens);
            added.push(moved);
            break;
        }
    }
    learned.retain(|a| !a.content_tokens.is_empty());
    learned.extend(added);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::{QuoteKind, Shape};
    use crate::document::extract_rules as rules;
    use crate::document::{Options, extract};
    use crate::model::labels::O;
    use crate::model::train::gold_labels;
    use crate::span::Span;

    /// Token labels from `(text, role)` parts given in text order (role 1 source, 2 cue,
    /// 3 content); each part is looked for after the start of the one before.
    fn labels(doc: &Document, parts: &[(&str, u8)]) -> Vec<Label> {
        let mut from = 0;
        let mut pieces = Vec::new();
        for &(part, role) in parts {
            let at = from
                + doc.text[from..]
                    .find(part)
                    .unwrap_or_else(|| panic!("{part:?} not in {:?}", doc.text));
            pieces.push((Span::new(at, at + part.len()), role));
            from = at + part.chars().next().map_or(1, char::len_utf8);
        }
        gold_labels(doc, &pieces)
    }

    /// Speaker, cue and content pieces of an attribution, as text.
    fn show<'d>(
        doc: &'d Document,
        a: &Attribution,
    ) -> (Option<&'d str>, Option<&'d str>, Vec<&'d str>) {
        assert_eq!(a.content.len(), a.content_tokens.len());
        for (s, r) in a.content.iter().zip(&a.content_tokens) {
            assert_eq!(*s, doc.token_span(r.start as usize, r.end as usize));
        }
        let speaker = a
            .speaker_tokens
            .map(|r| doc.slice(doc.token_span(r.start as usize, r.end as usize)));
        assert_eq!(
            speaker,
            a.speaker.map(|s| doc.slice(s)),
            "speaker span and tokens"
        );
        let cue = a
            .cue_tokens
            .map(|r| doc.slice(doc.token_span(r.start as usize, r.end as usize)));
        assert_eq!(cue, a.cue.map(|s| doc.slice(s)), "cue span and tokens");
        (
            speaker,
            cue,
            a.content.iter().map(|s| doc.slice(*s)).collect(),
        )
    }

    fn assembled(doc: &Document, parts: &[(&str, u8)], rules: &[Attribution]) -> Vec<Attribution> {
        assemble(doc, Lexicon::get(), &labels(doc, parts), rules)
    }

    /// A bare attribution whose content pieces are the given token ranges.
    fn bare(pieces: &[(usize, usize)], confidence: f32) -> Attribution {
        Attribution {
            kind: QuoteKind::Indirect,
            content: pieces.iter().map(|&(a, b)| Span::new(a, b)).collect(),
            content_tokens: pieces.iter().map(|&(a, b)| TokenRange::new(a, b)).collect(),
            cue: None,
            cue_tokens: None,
            cue_lemma: None,
            cue_class: None,
            speaker: None,
            speaker_tokens: None,
            speaker_mention: None,
            entity: None,
            when: None,
            confidence,
            shape: Shape::Unframed,
            sentence: 0,
        }
    }

    #[test]
    fn rules_starting_at_finds_the_run() {
        let rules = [
            bare(&[(2, 4)], 0.1),
            bare(&[(5, 6), (9, 12)], 0.2),
            bare(&[(5, 8)], 0.3),
            bare(&[(9, 10)], 0.4),
            bare(&[], 0.5),
        ];
        let conf = |s: &[Attribution]| s.iter().map(|a| a.confidence).collect::<Vec<_>>();
        assert_eq!(conf(rules_starting_at(&rules, 2)), [0.1]);
        assert_eq!(conf(rules_starting_at(&rules, 5)), [0.2, 0.3]);
        assert_eq!(conf(rules_starting_at(&rules, 9)), [0.4]);
        // Only the first piece counts: (9, 12) of the second does not start at 9.
        assert!(rules_starting_at(&rules, 3).is_empty());
        assert!(rules_starting_at(&rules, 0).is_empty());
        assert!(rules_starting_at(&rules, 100).is_empty());
        assert!(rules_starting_at(&[], 0).is_empty());
    }

    #[test]
    fn labels_become_an_attribution() {
        let doc = rules("Officials said the plan was late.");
        let parts = [("Officials", 1), ("said", 2), ("the plan was late", 3)];
        let out = assembled(&doc, &parts, &[]);
        assert_eq!(out.len(), 1);
        let a = &out[0];
        assert_eq!(
            show(&doc, a),
            (Some("Officials"), Some("said"), vec!["the plan was late"])
        );
        assert_eq!(a.kind, QuoteKind::Indirect);
        assert_eq!(a.cue_lemma.as_deref(), Some("say"));
        assert!(a.cue_class.is_some());
        assert_eq!(a.shape, Shape::Learned);
        assert_eq!(a.confidence, 0.7);
        assert_eq!(a.sentence, 0);
        // Where the rules agree, their shape and confidence are kept.
        assert_eq!(doc.attributions.len(), 1);
        let out = assembled(&doc, &parts, &doc.attributions);
        assert_eq!(out[0].shape, Shape::CueThenContent);
        assert_eq!(out[0].confidence, doc.attributions[0].confidence.max(0.6));
        // Without a source: lower confidence.
        let out = assembled(&doc, &[("said", 2), ("the plan was late", 3)], &[]);
        assert_eq!(
            show(&doc, &out[0]),
            (None, Some("said"), vec!["the plan was late"])
        );
        assert_eq!(out[0].confidence, 0.55);
    }

    #[test]
    fn cues_without_content_drop_and_content_without_cue_stands_alone() {
        let doc = rules("Officials said nothing.\n\n“We will appeal.”");
        let out = assembled(
            &doc,
            &[("Officials", 1), ("said", 2), ("“We will appeal.”", 3)],
            &[],
        );
        assert_eq!(out.len(), 1);
        assert_eq!(show(&doc, &out[0]), (None, None, vec!["“We will appeal.”"]));
        assert_eq!(out[0].kind, QuoteKind::Direct);
        assert_eq!(out[0].confidence, 0.35);
        assert_eq!(out[0].sentence, 1);
        assert!(assemble(&doc, Lexicon::get(), &vec![O; doc.tokens.len()], &[]).is_empty());
    }

    #[test]
    fn quotation_split_over_sentences_joins_the_cue() {
        let doc = rules("“We will appeal,” the lawyer said. “The ruling ignores the evidence.”");
        let out = assembled(
            &doc,
            &[
                ("“We will appeal,”", 3),
                ("the lawyer", 1),
                ("said", 2),
                ("“The ruling ignores the evidence.”", 3),
            ],
            &[],
        );
        assert_eq!(out.len(), 1);
        assert_eq!(
            show(&doc, &out[0]),
            (
                Some("the lawyer"),
                Some("said"),
                vec!["“We will appeal,”", "“The ruling ignores the evidence.”"]
            )
        );
        assert_eq!(out[0].kind, QuoteKind::Direct);
    }

    #[test]
    fn quotation_chained_over_paragraphs_joins_its_owner() {
        let doc = rules("The lawyer said: “We will appeal.\n\n“The ruling ignores the evidence.”");
        let q = &doc.quotations;
        assert_eq!((q[0].next, q[1].prev), (Some(1), Some(0)), "{q:?}");
        let out = assembled(
            &doc,
            &[
                ("The lawyer", 1),
                ("said", 2),
                ("“We will appeal.", 3),
                ("“The ruling ignores the evidence.”", 3),
            ],
            &[],
        );
        assert_eq!(out.len(), 1);
        assert_eq!(
            show(&doc, &out[0]),
            (
                Some("The lawyer"),
                Some("said"),
                vec!["“We will appeal.", "“The ruling ignores the evidence.”"]
            )
        );
    }

    #[test]
    fn reconcile_takes_a_sure_speaker_and_cue_from_the_rules() {
        let doc = rules("“We will appeal,” the lawyer said.");
        assert_eq!(doc.attributions[0].shape, Shape::QuoteThenFrame);
        let lexicon = Lexicon::get();
        for parts in [
            &[("“We will appeal,”", 3), ("said", 2)][..],
            &[("“We will appeal,”", 3)][..],
        ] {
            let learned = assembled(&doc, parts, &doc.attributions);
            assert_eq!(learned[0].speaker_tokens, None);
            let out = reconcile(&doc, lexicon, learned, &doc.attributions);
            assert_eq!(out.len(), 1);
            assert_eq!(
                show(&doc, &out[0]),
                (Some("the lawyer"), Some("said"), vec!["“We will appeal,”"])
            );
            assert_eq!(out[0].cue_lemma.as_deref(), Some("say"));
        }
    }

    #[test]
    fn reconcile_restores_a_missed_frame() {
        let doc = rules("Officials said the plan was late. “It is a disaster,” the mayor said.");
        let frame = doc
            .attributions
            .iter()
            .find(|a| a.shape == Shape::QuoteThenFrame)
            .expect("the rules frame the quotation");
        // The tagger ran the first content on over the quotation and missed its frame.
        let learned = assembled(
            &doc,
            &[
                ("Officials", 1),
                ("said", 2),
                ("the plan was late. “It is a disaster,”", 3),
            ],
            &doc.attributions,
        );
        assert_eq!(learned.len(), 1);
        let out = reconcile(&doc, Lexicon::get(), learned, &doc.attributions);
        let shown: Vec<_> = out.iter().map(|a| show(&doc, a)).collect();
        assert_eq!(
            shown,
            [
                (Some("Officials"), Some("said"), vec!["the plan was late"]),
                (Some("the mayor"), Some("said"), vec!["“It is a disaster,”"]),
            ]
        );
        assert_eq!(out[0].kind, QuoteKind::Indirect);
        assert_eq!(out[1], *frame);
    }

    const ENVOY: &str = "The talks will resume in May, said the envoy Maria Lopez, who led the talks on river pollution.";

    #[test]
    fn postposed_speaker_keeps_its_relative_clause() {
        let doc = rules(ENVOY);
        // The tagger cut the speaker after "who" and took the rest of the clause as content.
        let parts = [
            ("The talks will resume in May", 3),
            ("said", 2),
            ("the envoy Maria Lopez, who", 1),
            ("the talks on river pollution", 3),
        ];
        let learned = assembled(&doc, &parts, &doc.attributions);
        assert_eq!(
            show(&doc, &learned[0]).2,
            [
                "The talks will resume in May",
                "the talks on river pollution"
            ]
        );
        let expected = (
            Some("the envoy Maria Lopez, who led the talks on river pollution"),
            Some("said"),
            vec!["The talks will resume in May"],
        );
        // The clause repair alone…
        let mut a = learned[0].clone();
        close_relative_clause(&doc, &mut a);
        assert_eq!(show(&doc, &a), expected);
        assert_eq!(a.kind, QuoteKind::Indirect);
        // … and through reconcile, whose speaker repair keeps the clause.
        let out = reconcile(&doc, Lexicon::get(), learned, &doc.attributions);
        assert_eq!(out.len(), 1);
        assert_eq!(show(&doc, &out[0]), expected);
        // End to end, the learned tagger finds the same attribution (where the speaker
        // span ends is its own reading).
        let full = extract(ENVOY, &Options::default());
        let found: Vec<_> = full.attributions.iter().map(|a| show(&full, a)).collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].1, &found[0].2), (expected.1, &expected.2));
        assert!(
            found[0]
                .0
                .is_some_and(|s| s.starts_with("the envoy Maria Lopez")),
            "{found:?}"
        );
    }

    #[test]
    fn relative_clause_left_alone_when_it_does_not_apply() {
        let doc = rules(ENVOY);
        let base = assembled(
            &doc,
            &[
                ("The talks will resume in May", 3),
                ("said", 2),
                ("the envoy Maria Lopez, who", 1),
                ("the talks on river pollution", 3),
            ],
            &[],
        )
        .remove(0);
        // A speaker without the relative pronoun.
        let mut a = base.clone();
        a.speaker_tokens = a
            .speaker_tokens
            .map(|r| TokenRange::new(r.start as usize, r.end as usize - 2));
        let before = a.clone();
        close_relative_clause(&doc, &mut a);
        assert_eq!(a, before);
        // No cue at all.
        let mut a = base;
        a.cue_tokens = None;
        let before = a.clone();
        close_relative_clause(&doc, &mut a);
        assert_eq!(a, before);

        // A speaker before its cue: the clause ends at its comma, the rest is content.
        let doc = rules("The envoy Maria Lopez, who led the talks, said they would resume in May.");
        let parts = [
            ("The envoy Maria Lopez, who", 1),
            ("said", 2),
            ("they would resume in May", 3),
        ];
        let mut a = assembled(&doc, &parts, &[]).remove(0);
        let before = a.clone();
        close_relative_clause(&doc, &mut a);
        assert_eq!(a, before);

        // A quotation inside the clause is content, not part of the speaker.
        let text =
            "The talks will resume, said the envoy Maria Lopez, who called them “a farce” today.";
        let doc = rules(text);
        let parts = [
            ("The talks will resume", 3),
            ("said", 2),
            ("the envoy Maria Lopez, who", 1),
            ("them “a farce” today", 3),
        ];
        let mut a = assembled(&doc, &parts, &[]).remove(0);
        let before = a.clone();
        close_relative_clause(&doc, &mut a);
        assert_eq!(a, before);
    }

    #[test]
    fn a_content_cut_on_a_subordinator_runs_over_the_nested_attribution() {
        let doc = rules(
            "Flynn said Trump was “absolutely right” when she said that the generals were rubble.",
        );
        let parts = [
            ("Flynn", 1),
            ("said", 2),
            ("Trump was “absolutely right” when", 3),
            ("she", 1),
            ("said", 2),
            ("that the generals were rubble", 3),
        ];
        let mut learned = assembled(&doc, &parts, &[]);
        assert_eq!(learned.len(), 2);
        run_over_nested(&doc, &mut learned);
        assert_eq!(
            show(&doc, &learned[0]),
            (
                Some("Flynn"),
                Some("said"),
                vec!["Trump was “absolutely right” when she said that the generals were rubble"]
            )
        );
        assert_eq!(learned[0].kind, QuoteKind::Mixed);
        // The nested attribution stays as it was.
        assert_eq!(
            show(&doc, &learned[1]),
            (
                Some("she"),
                Some("said"),
                vec!["that the generals were rubble"]
            )
        );

        // A content that ends on an ordinary word, or before something that is not an
        // attribution, is left alone.
        let doc = rules("Flynn said Trump was right when he spoke, and Clinton said it was wrong.");
        let parts = [
            ("Flynn", 1),
            ("said", 2),
            ("Trump was right", 3),
            ("Clinton", 1),
            ("said", 2),
            ("it was wrong", 3),
        ];
        let mut learned = assembled(&doc, &parts, &[]);
        let before = learned.clone();
        run_over_nested(&doc, &mut learned);
        assert_eq!(learned, before);
    }

    #[test]
    fn orphaned_content_goes_back_to_its_verb() {
        let doc =
            rules("The minister told reporters that the plant would close and expected protests.");
        assert_eq!(
            show(&doc, &doc.attributions[0]),
            (
                Some("The minister"),
                Some("told"),
                vec!["that the plant would close and expected protests"]
            )
        );
        // The tagger missed "told" and handed its content to "expected".
        let parts = [
            ("The minister", 1),
            ("that the plant would close", 3),
            ("expected", 2),
        ];
        let learned = assembled(&doc, &parts, &doc.attributions);
        assert_eq!(
            show(&doc, &learned[0]),
            (
                Some("The minister"),
                Some("expected"),
                vec!["that the plant would close"]
            )
        );
        let out = reconcile(&doc, Lexicon::get(), learned.clone(), &doc.attributions);
        assert_eq!(out.len(), 1);
        assert_eq!(
            show(&doc, &out[0]),
            (
                Some("The minister"),
                Some("told"),
                vec!["that the plant would close"]
            )
        );
        assert_eq!(out[0].shape, Shape::CueThenContent);
        assert_eq!(out[0].cue_lemma, doc.attributions[0].cue_lemma);

        // Rules that are not sure enough leave the tagger's attribution alone.
        let mut unsure = doc.attributions.clone();
        unsure[0].confidence = 0.8;
        let out = reconcile(&doc, Lexicon::get(), learned.clone(), &unsure);
        assert_eq!(out, learned);
        // So does a tagger that labelled the rules' cue itself.
        let parts = [
            ("The minister", 1),
            ("told", 2),
            ("that the plant would close", 3),
            ("expected", 2),
        ];
        let learned = assembled(&doc, &parts, &doc.attributions);
        let out = reconcile(&doc, Lexicon::get(), learned.clone(), &doc.attributions);
        assert_eq!(out, learned);
    }

    #[test]
    fn a_clause_cut_before_its_verb_runs_on_to_the_rules_end() {
        let doc =
            rules("Judge Miriam Castellanos wrote in her opinion that the rule went too far.");
        assert_eq!(
            show(&doc, &doc.attributions[0]).2,
            vec!["in her opinion that the rule went too far"]
        );
        let parts = [
            ("Judge Miriam Castellanos", 1),
            ("wrote in her opinion", 2),
            ("that the rule", 3),
        ];
        let learned = assembled(&doc, &parts, &doc.attributions);
        let out = reconcile(&doc, Lexicon::get(), learned, &doc.attributions);
        assert_eq!(
            show(&doc, &out[0]),
            (
                Some("Judge Miriam Castellanos"),
                Some("wrote in her opinion"),
                vec!["that the rule went too far"]
            )
        );
        // A content that ends at a clause boundary is left alone.
        let parts = [
            ("Judge Miriam Castellanos", 1),
            ("wrote in her opinion", 2),
            ("that the rule went", 3),
        ];
        let learned = assembled(&doc, &parts, &doc.attributions);
        let out = reconcile(&doc, Lexicon::get(), learned, &doc.attributions);
        assert_eq!(show(&doc, &out[0]).2, vec!["that the rule went"]);

        // Running on into a quotation makes the content mixed.
        let doc = rules("Judge Miriam Castellanos wrote that the rule went “much too far.”");
        let parts = [
            ("Judge Miriam Castellanos", 1),
            ("wrote", 2),
            ("that the rule", 3),
        ];
        let learned = assembled(&doc, &parts, &doc.attributions);
        assert_eq!(learned[0].kind, QuoteKind::Indirect);
        let out = reconcile(&doc, Lexicon::get(), learned, &doc.attributions);
        assert_eq!(
            show(&doc, &out[0]).2,
            vec!["that the rule went “much too far.”"]
        );
        assert_eq!(out[0].kind, QuoteKind::Mixed);
    }

    #[test]
    fn the_topic_after_a_cue_is_not_content() {
        let doc = rules("“It’s fine,” Trump says of waterboarding. Later he spoke of rain.");
        for parts in [
            [
                ("“It’s fine,”", 3),
                ("Trump", 1),
                ("says of", 2),
                ("waterboarding", 3),
            ],
            [
                ("“It’s fine,”", 3),
                ("Trump", 1),
                ("says", 2),
                ("waterboarding", 3),
            ],
        ] {
            let learned = assembled(&doc, &parts, &[]);
            assert_eq!(show(&doc, &learned[0]).2.len(), 2, "{parts:?}");
            let out = reconcile(&doc, Lexicon::get(), learned, &[]);
            assert_eq!(
                show(&doc, &out[0]),
                (Some("Trump"), Some("says"), vec!["“It’s fine,”"]),
                "{parts:?}"
            );
            assert_eq!(out[0].kind, QuoteKind::Direct);
        }
        // Without a quotation, the phrase is all there is: it stays.
        let parts = [("he", 1), ("spoke of", 2), ("rain", 3)];
        let learned = assembled(&doc, &parts, &[]);
        let out = reconcile(&doc, Lexicon::get(), learned, &[]);
        assert_eq!(
            show(&doc, &out[0]),
            (Some("he"), Some("spoke of"), vec!["rain"])
        );
    }
}
