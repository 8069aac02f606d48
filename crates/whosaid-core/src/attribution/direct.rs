//! Direct quotations: from quotation marks to frames.

use super::content::skip_adjuncts;
use super::speaker::{subject_after, subject_before};
use super::{Attribution, QuoteKind};
use crate::cue::Cue;
use crate::document::Document;
use crate::lexicon::{CueClass, Frames, Lexicon};
use crate::pos::Tag;
use crate::segment::TokenRange;
use crate::token::TokenKind;

/// A quotation unit: one top-level quotation or a chain continuing over paragraphs.
#[derive(Clone, Debug)]
struct Unit {
    /// Indices into `doc.quotations`, in order.
    pieces: Vec<usize>,
}

/// How a unit is attributed.
#[derive(Clone, Debug, Default)]
struct Frame {
    cue: Option<usize>,
    cue_tokens: Option<TokenRange>,
    speaker: Option<TokenRange>,
    /// Last token of the frame (for split-quotation merging).
    end: usize,
    /// Whether the frame follows the quotation.
    trailing: bool,
    confidence: f32,
    /// Which pattern the frame is.
    shape: super::Shape,
    /// Where the content starts when words between a leading cue and the quotation belong
    /// to it (`said on the other hand, “…”`, `tweeted that, “…”`).
    content_start: Option<usize>,
}

impl Frame {
    /// The frame with `shape`, unless a more specific one was set where it was found.
    fn shaped(mut self, shape: super::Shape) -> Frame {
        if self.shape == super::Shape::Unframed {
            self.shape = shape;
        }
        self
    }
}

/// Attributes direct quotations; marks the cues it uses.
pub fn attribute_direct(
    doc: &Document,
    lexicon: &Lexicon,
    used_cues: &mut [bool],
) -> Vec<Attribution> {
    let cue_at = cue_index(doc);
    let units = units(doc);
    let mut framed: Vec<(Unit, Option<Frame>)> = Vec::new();
    for unit in units {
        if !is_speech(doc, &cue_at, lexicon, &unit) {
            continue;
        }
        use super::Shape;
        let frame = trailing_frame(doc, lexicon, &cue_at, &unit, used_cues)
            .map(|f| f.shaped(Shape::QuoteThenFrame))
            .or_else(|| {
                leading_frame(doc, lexicon, &cue_at, &unit, used_cues)
                    .map(|f| f.shaped(Shape::FrameThenQuote))
            })
            .or_else(|| {
                introducing_paragraph_frame(doc, lexicon, &cue_at, &unit, used_cues)
                    .map(|f| f.shaped(Shape::ParagraphFrame))
            });
        if let Some(f) = &frame
            && let Some(c) = f.cue
        {
            used_cues[c] = true;
        }
        framed.push((unit, frame));
    }
    let merged = merge_split_quotations(doc, framed);
    let mut out = Vec::new();
    let mut last_speaker: Option<(u32, TokenRange)> = None; // paragraph, speaker
    for (unit, frame) in merged {
        let first_q = &doc.quotations[unit.pieces[0]];
        let para = paragraph_of(doc, first_q.open as usize);
        let (frame, carried) = match frame {
            Some(f) => (f, false),
            None => {
                // A quotation paragraph without a frame continues the speaker of the
                // quotation in the paragraph just before it.
                let carried = last_speaker.filter(|(p, _)| *p + 1 == para).map(|(_, s)| s);
                (
                    Frame {
                        speaker: carried,
                        confidence: if carried.is_some() { 0.5 } else { 0.3 },
                        ..Frame::default()
                    },
                    true,
                )
            }
        };
        let mut content_tokens: Vec<_> = unit
            .pieces
            .iter()
            .map(|&k| {
                let r = doc.quotations[k].tokens();
                TokenRange::new(r.start, r.end)
            })
            .collect();
        let mut kind = QuoteKind::Direct;
        if let (Some(s), Some(first)) = (frame.content_start, content_tokens.first_mut()) {
            first.start = s as u32;
            kind = QuoteKind::Mixed;
        }
        let content: Vec<_> = content_tokens
            .iter()
            .map(|r| doc.token_span(r.start as usize, r.end as usize))
            .collect();
        let cue: Option<&Cue> = frame.cue.map(|c| &doc.cues[c]);
        let last_para = paragraph_of(
            doc,
            content_tokens.last().map(|r| r.start as usize).unwrap_or(0),
        );
        if let Some(s) = frame.speaker
            && !carried
        {
            last_speaker = Some((last_para, s));
        } else if carried {
            last_speaker = last_speaker.map(|(_, s)| (last_para, s));
        }
        let sentence = cue
            .map(|c| c.sentence)
            .unwrap_or(doc.token_sentence[first_q.open as usize]);
        out.push(Attribution {
            kind,
            content,
            content_tokens,
            cue: frame
                .cue_tokens
                .map(|r| doc.token_span(r.start as usize, r.end as usize)),
            cue_tokens: frame.cue_tokens,
            cue_lemma: cue.map(|c| c.lemma(lexicon).to_string()),
            cue_class: cue
                .map(|c| c.class(lexicon))
                .or(frame.cue_tokens.map(|_| CueClass::Speech)),
            speaker: frame
                .speaker
                .map(|r| doc.token_span(r.start as usize, r.end as usize)),
            speaker_tokens: frame.speaker,
            speaker_mention: None,
            entity: None,
            when: None,
            confidence: frame.confidence,
            shape: frame.shape,
            sentence,
        });
    }
    out
}

fn paragraph_of(doc: &Document, tok: usize) -> u32 {
    doc.paragraphs
        .partition_point(|p| (p.tokens.end as usize) <= tok) as u32
}

/// Token index → cue index.
fn cue_index(doc: &Document) -> Vec<Option<u32>> {
    let mut v = vec![None; doc.tokens.len()];
    for (k, c) in doc.cues.iter().enumerate() {
        for i in c.tokens.range() {
            v[i] = Some(k as u32);
        }
    }
    v
}

fn units(doc: &Document) -> Vec<Unit> {
    let mut out = Vec::new();
    for (k, q) in doc.quotations.iter().enumerate() {
        if q.depth != 0 || q.prev.is_some() {
            continue;
        }
        let mut pieces = vec![k];
        let mut cur = q.next;
        let mut guard = 0;
        while let Some(n) = cur {
            if guard > doc.quotations.len() {
                break;
            }
            guard += 1;
            pieces.push(n as usize);
            cur = doc.quotations[n as usize].next;
        }
        out.push(Unit { pieces });
    }
    out
}

fn word_count(doc: &Document, unit: &Unit) -> usize {
    unit.pieces
        .iter()
        .map(|&k| {
            doc.quotations[k]
                .inner_tokens()
                .filter(|&i| doc.tokens[i].kind == TokenKind::Word)
                .count()
        })
        .sum()
}

/// Whether a quotation unit reads as quoted speech rather than a scare quote or title.
fn is_speech(doc: &Document, cue_at: &[Option<u32>], lexicon: &Lexicon, unit: &Unit) -> bool {
    if unit.pieces.len() > 1 {
        return true;
    }
    let q = &doc.quotations[unit.pieces[0]];
    let words = word_count(doc, unit);
    if words == 0 {
        return false;
    }
    let open = q.open as usize;
    let sent = doc.sentence_of(open);
    let inner = q.inner_tokens();
    let last_inner = inner.end.saturating_sub(1);
    let ends_with_punct =
        inner.end > inner.start && matches!(doc.tags[last_inner], Tag::Comma | Tag::Final);
    let prev = if open > sent.tokens.start as usize {
        Some(open - 1)
    } else {
        None
    };
    let starts_sentence = prev.is_none();
    let after_intro = prev.is_some_and(|p| {
        matches!(doc.tags[p], Tag::Colon)
            || (doc.tags[p] == Tag::Comma && p > 0 && cue_at[p - 1].is_some())
            || cue_at[p].is_some_and(|c| doc.cues[c as usize].frames(lexicon).has(Frames::QUOTE))
            || doc.tokens[p].kind == TokenKind::Dash
    });
    let close_end = q.tokens().end;
    let ends_sentence = close_end >= sent.tokens.end as usize;
    let followed_by_cue = {
        let mut j = close_end;
        if j < doc.tokens.len() && doc.tags[j] == Tag::Comma {
            j += 1;
        }
        (j..(j + 8).min(doc.tokens.len())).any(|i| cue_at[i].is_some())
    };
    if starts_sentence || after_intro {
        return ends_with_punct || ends_sentence || words >= 4 || after_intro;
    }
    ends_with_punct && (followed_by_cue || words >= 6)
}

/// The cue that starts at token `i` (ignoring auxiliaries before it), if any.
fn cue_starting(doc: &Document, cue_at: &[Option<u32>], i: usize) -> Option<usize> {
    let c = cue_at.get(i).copied().flatten()? as usize;
    (doc.cues[c].aux_start as usize <= i && doc.cues[c].tokens.start as usize >= i).then_some(c)
}

/// A frame after the unit: `“…,” he said`, `“…,” said X`, `“…” — X`, `“….” X said.`
fn trailing_frame(
    doc: &Document,
    lexicon: &Lexicon,
    cue_at: &[Option<u32>],
    unit: &Unit,
    used: &[bool],
) -> Option<Frame> {
    let q = &doc.quotations[*unit.pieces.last()?];
    let close = q.close? as usize;
    let para = doc.paragraphs[paragraph_of(doc, close) as usize];
    let para_end = para.tokens.end as usize;
    let mut j = close + 1;
    if j >= para_end {
        return dash_paragraph_frame(doc, para_end);
    }
    let new_sentence = doc.token_sentence[j] != doc.token_sentence[close];
    if matches!(doc.tags[j], Tag::Comma) {
        j += 1;
    }
    if j >= para_end {
        return None;
    }
    // Dash attribution: “…” — Councillor Ruth Abara
    if doc.tokens[j].kind == TokenKind::Dash {
        let s_end = doc.sentence_of(j).tokens.end as usize;
        let sp = subject_after(doc, j + 1, s_end)?;
        return Some(Frame {
            cue_tokens: Some(TokenRange::new(j, j + 1)),
            speaker: Some(sp),
            end: sp.end as usize - 1,
            trailing: true,
            confidence: 0.85,
            shape: super::Shape::DashFrame,
            ..Frame::default()
        });
    }
    let s_end = doc.sentence_of(j).tokens.end as usize;
    // Inversion: “…,” said X
    if let Some(c) = cue_starting(doc, cue_at, j)
        && !used[c]
    {
        let cue = &doc.cues[c];
        let frames = cue.frames(lexicon);
        if frames.has(Frames::INVERSION) || frames.has(Frames::QUOTE) {
            let after = cue.tokens.end as usize;
            let after = skip_adjuncts(doc, lexicon, after, s_end);
            if let Some(sp) = subject_after(doc, after, s_end) {
                if new_sentence && !frame_sentence_is_short(doc, lexicon, sp.end as usize, s_end) {
                    return None;
                }
                return Some(Frame {
                    cue: Some(c),
                    cue_tokens: Some(cue.tokens),
                    speaker: Some(sp),
                    end: sp.end as usize - 1,
                    trailing: true,
                    confidence: 0.95,
                    content_start: None,
                    shape: super::Shape::Unframed,
                });
            }
        }
    }
    // Subject then cue: “…,” he said / “…,” the lawyer for the family said
    let window_end = (j + 24).min(s_end);
    let c = (j..window_end)
        .take_while(|&i| doc.tokens[i].kind != TokenKind::Quote)
        .find_map(|i| cue_at[i].filter(|&c| doc.cues[c as usize].tokens.start as usize == i))?
        as usize;
    if used[c] {
        return None;
    }
    let cue = &doc.cues[c];
    let sp = subject_before(doc, lexicon, cue.aux_start as usize, j)?;
    if sp.start as usize != j {
        return None;
    }
    let cue_end = cue.tokens.end as usize;
    if new_sentence && !frame_sentence_is_short(doc, lexicon, cue_end, s_end) {
        return None;
    }
    // A cue with its own clause after it ("…,” he said the plan would fail) is not a frame
    // of this quotation.
    if !new_sentence
        && !frame_sentence_is_short(doc, lexicon, cue_end, s_end)
        && !continues_with_quote(doc, lexicon, cue_end, s_end)
    {
        let after = skip_adjuncts(doc, lexicon, cue_end, s_end);
        if after < s_end && starts_complement(doc, after, s_end) {
            return None;
        }
    }
    Some(Frame {
        cue: Some(c),
        cue_tokens: Some(cue.tokens),
        speaker: Some(sp),
        end: cue_end - 1,
        trailing: true,
        confidence: 0.95,
        content_start: None,
        shape: super::Shape::Unframed,
    })
}

/// A paragraph that is only a dash and a name, after a quotation paragraph:
/// `“…”` ⏎ `— Bernie Sanders.`
fn dash_paragraph_frame(doc: &Document, next_start: usize) -> Option<Frame> {
    let next = doc
        .paragraphs
        .iter()
        .find(|p| p.tokens.start as usize == next_start)?;
    let (a, b) = (next.tokens.start as usize, next.tokens.end as usize);
    let is_dash = doc.tokens[a].kind == TokenKind::Dash || doc.word(a) == "-";
    if !is_dash || b - a > 12 {
        return None;
    }
    let sp = subject_after(doc, a + 1, b)?;
    if !(sp.end as usize..b).all(|k| doc.tags[k].is_punct()) {
        return None;
    }
    Some(Frame {
        cue_tokens: Some(TokenRange::new(a, a + 1)),
        speaker: Some(sp),
        end: sp.end as usize - 1,
        trailing: true,
        confidence: 0.8,
        shape: super::Shape::DashFrame,
        ..Frame::default()
    })
}

/// Whether a complement clause of the cue starts at `i` ("that …", "the plan would fail"),
/// as opposed to an adjunct ("as she left", "at a rally", "Thursday").
fn starts_complement(doc: &Document, i: usize, s_end: usize) -> bool {
    let w = doc.lower(i);
    if w == "that" {
        return true;
    }
    if !matches!(
        doc.tags[i],
        Tag::DT | Tag::PRP | Tag::NNP | Tag::NNPS | Tag::NN | Tag::NNS | Tag::PRPS | Tag::CD
    ) {
        return false;
    }
    match crate::np::basic_np_starting_at(doc, i, s_end) {
        Some(np) => {
            let mut v = np.end;
            while v < s_end && crate::cue::is_aux_or_adverb(doc, v) {
                // An auxiliary is the clause's finite verb ("the plan would fail").
                if doc.tags[v].is_finite_verb() {
                    return true;
                }
                v += 1;
            }
            v < s_end && (doc.tags[v].is_finite_verb() || doc.tags[v] == Tag::MD)
        }
        None => false,
    }
}

/// After a frame's last token, only adjuncts and punctuation remain in the sentence.
fn frame_sentence_is_short(doc: &Document, lexicon: &Lexicon, from: usize, s_end: usize) -> bool {
    let i = skip_adjuncts(doc, lexicon, from, s_end);
    (i..s_end).all(|k| doc.tags[k].is_punct())
}

/// After the frame, a comma or colon and another quotation follow.
fn continues_with_quote(doc: &Document, lexicon: &Lexicon, from: usize, s_end: usize) -> bool {
    let i = skip_adjuncts(doc, lexicon, from, s_end);
    i + 1 < doc.tokens.len()
        && matches!(doc.tags[i], Tag::Comma | Tag::Colon)
        && doc.tokens[i + 1].kind == TokenKind::Quote
}

/// A frame before the unit: `he said: “…”`, `X said, “…”`, `Okafor put it bluntly: “…”`.
fn leading_frame(
    doc: &Document,
    lexicon: &Lexicon,
    cue_at: &[Option<u32>],
    unit: &Unit,
    used: &[bool],
) -> Option<Frame> {
    let q = &doc.quotations[unit.pieces[0]];
    let open = q.open as usize;
    let sent = doc.sentence_of(open);
    let s_start = sent.tokens.start as usize;
    if open <= s_start {
        return None;
    }
    let mut k = open - 1;
    let colon = doc.tags[k] == Tag::Colon;
    if matches!(doc.tags[k], Tag::Colon | Tag::Comma) {
        if k == s_start {
            return None;
        }
        k -= 1;
    }
    // The nearest unused cue before the quotation whose adjuncts reach it.
    for i in (s_start..=k).rev() {
        let Some(c) = cue_at[i] else { continue };
        let c = c as usize;
        let cue = &doc.cues[c];
        if used[c] || cue.tokens.end as usize - 1 != i {
            continue;
        }
        let mut after = skip_adjuncts(doc, lexicon, cue.tokens.end as usize, open);
        if cue.frames(lexicon).has(Frames::RECIPIENT)
            && let Some(np) = crate::np::basic_np_starting_at(doc, after, open)
        {
            after = skip_adjuncts(doc, lexicon, np.end, open);
        }
        // Words left between the cue and the quotation belong to the content, unless they
        // hold another clause with a cue of its own.
        let leftover = (after..=k).any(|t| !doc.tags[t].is_punct());
        if leftover && (open - after > 15 || (after..open).any(|t| cue_at[t].is_some())) {
            break;
        }
        let sp = subject_before(doc, lexicon, cue.aux_start as usize, s_start)
            .or_else(|| participle_subject(doc, cue, s_start));
        return Some(Frame {
            cue: Some(c),
            cue_tokens: Some(cue.tokens),
            speaker: sp,
            end: open,
            trailing: false,
            confidence: if sp.is_some() { 0.95 } else { 0.6 },
            content_start: leftover.then_some(after),
            shape: super::Shape::Unframed,
        });
    }
    if colon {
        return colon_frame(doc, s_start, k + 1);
    }
    None
}

/// The subject of the main clause for a participial cue (", telling reporters: “…”").
fn participle_subject(doc: &Document, cue: &Cue, s_start: usize) -> Option<TokenRange> {
    let i = cue.aux_start as usize;
    if i == 0 || doc.tags[i - 1] != Tag::Comma || doc.tags[cue.tokens.start as usize] != Tag::VBG {
        return None;
    }
    clause_subject(doc, s_start, i - 1)
}

/// The first noun phrase of a clause that is followed by a verb: the clause's subject.
pub(super) fn clause_subject(doc: &Document, start: usize, end: usize) -> Option<TokenRange> {
    let mut i = start;
    // Skip an introductory phrase ending with a comma ("Responding to a question, he …").
    if let Some(comma) = (start..end).find(|&k| doc.tags[k] == Tag::Comma)
        && (matches!(
            doc.tags[start],
            Tag::VBG | Tag::IN | Tag::RB | Tag::VBN | Tag::CC
        ) || doc.lexeme(start).time_word.is_some())
    {
        i = comma + 1;
    }
    while i < end {
        if let Some(np) = crate::np::basic_np_starting_at(doc, i, end) {
            let after = np.end;
            let mut v = after;
            while v < end && crate::cue::is_aux_or_adverb(doc, v) {
                v += 1;
            }
            if v < end && (doc.tags[v].is_verb() || doc.tags[v] == Tag::MD) {
                return Some(TokenRange::new(np.start, np.end));
            }
            return None;
        }
        if matches!(doc.tags[i], Tag::CC | Tag::RB) {
            i += 1;
            continue;
        }
        return None;
    }
    None
}

/// `Okafor put it bluntly: “…”`: the clause before the colon has a subject and a verb; the
/// verb phrase is the cue.
fn colon_frame(doc: &Document, s_start: usize, colon: usize) -> Option<Frame> {
    let sp = clause_subject(doc, s_start, colon)?;
    let mut v = sp.end as usize;
    while v < colon && crate::cue::is_aux_or_adverb(doc, v) {
        v += 1;
    }
    if v >= colon || !doc.tags[v].is_verb() {
        return None;
    }
    // Only short verb phrases read as a frame ("put it bluntly", "had this to say").
    if colon - v > 5 {
        return None;
    }
    Some(Frame {
        cue: None,
        cue_tokens: Some(TokenRange::new(v, colon)),
        speaker: Some(sp),
        end: colon,
        trailing: false,
        confidence: 0.8,
        content_start: None,
        shape: super::Shape::Unframed,
    })
}

/// A frame in the paragraph before the unit, ending with a colon: `Cruz continued:` ⏎ `“…”`.
fn introducing_paragraph_frame(
    doc: &Document,
    lexicon: &Lexicon,
    cue_at: &[Option<u32>],
    unit: &Unit,
    used: &[bool],
) -> Option<Frame> {
    let q = &doc.quotations[unit.pieces[0]];
    let open = q.open as usize;
    let para = paragraph_of(doc, open) as usize;
    if para == 0 || doc.paragraphs[para].tokens.start as usize != open {
        return None;
    }
    let prev = doc.paragraphs[para - 1];
    let last = prev.tokens.end as usize - 1;
    if doc.tags[last] != Tag::Colon {
        return None;
    }
    let s_start = doc.sentence_of(last).tokens.start as usize;
    for i in (s_start..last).rev() {
        let Some(c) = cue_at[i] else { continue };
        let c = c as usize;
        let cue = &doc.cues[c];
        if used[c] {
            continue;
        }
        let after = skip_adjuncts(doc, lexicon, cue.tokens.end as usize, last);
        if after != last {
            break;
        }
        let sp = subject_before(doc, lexicon, cue.aux_start as usize, s_start);
        return Some(Frame {
            cue: Some(c),
            cue_tokens: Some(cue.tokens),
            speaker: sp,
            end: last,
            trailing: false,
            confidence: 0.85,
            content_start: None,
            shape: super::Shape::Unframed,
        });
    }
    colon_frame(doc, s_start, last)
}

/// Joins frameless units to the framed unit just before them in the same paragraph:
/// `“A,” the lawyer said. “B.”` and `“A,” she said, “B.”` are one attribution.
fn merge_split_quotations(
    doc: &Document,
    framed: Vec<(Unit, Option<Frame>)>,
) -> Vec<(Unit, Option<Frame>)> {
    let mut out: Vec<(Unit, Option<Frame>)> = Vec::new();
    for (unit, frame) in framed {
        if frame.is_none()
            && let Some((prev_unit, Some(prev_frame))) = out.last_mut()
        {
            let open = doc.quotations[unit.pieces[0]].open as usize;
            let prev_last = &doc.quotations[*prev_unit.pieces.last().unwrap_or(&0)];
            let same_para = paragraph_of(doc, open) == paragraph_of(doc, prev_last.open as usize);
            let gap_start = if prev_frame.trailing {
                prev_frame.end + 1
            } else {
                prev_last.close.map(|c| c as usize + 1).unwrap_or(open)
            };
            let gap_ok = gap_start <= open
                && open - gap_start <= 2
                && (gap_start..open)
                    .all(|i| matches!(doc.tags[i], Tag::Comma | Tag::Final | Tag::Colon));
            if same_para
                && gap_ok
                && prev_unit
                    .pieces
                    .last()
                    .is_some_and(|&l| doc.quotations[l].close.is_some())
            {
                prev_unit.pieces.extend(unit.pieces);
                // The frame now sits between pieces; later merges measure from the new end.
                if let Some(&l) = prev_unit.pieces.last()
                    && let Some(c) = doc.quotations[l].close
                {
                    prev_frame.end = c as usize;
                    prev_frame.trailing = true;
                }
                continue;
            }
        }
        out.push((unit, frame));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::Shape;
    use crate::document::extract_rules as rules;

    /// The direct pass alone, and which cues it used.
    fn direct(text: &str) -> (Document, Vec<Attribution>, Vec<bool>) {
        let doc = rules(text);
        let mut used = vec![false; doc.cues.len()];
        let out = attribute_direct(&doc, Lexicon::get(), &mut used);
        (doc, out, used)
    }

    /// Speaker, cue and content pieces as text.
    fn parts<'d>(
        doc: &'d Document,
        a: &Attribution,
    ) -> (Option<&'d str>, Option<&'d str>, Vec<&'d str>) {
        (
            a.speaker.map(|s| doc.slice(s)),
            a.cue.map(|s| doc.slice(s)),
            a.content.iter().map(|s| doc.slice(*s)).collect(),
        )
    }

    #[test]
    fn quote_then_subject_and_cue() {
        let (doc, out, used) = direct("“We will appeal,” the lawyer said.");
        assert_eq!(out.len(), 1);
        let a = &out[0];
        assert_eq!(
            parts(&doc, a),
            (Some("the lawyer"), Some("said"), vec!["“We will appeal,”"])
        );
        assert_eq!(
            (a.kind, a.shape),
            (QuoteKind::Direct, Shape::QuoteThenFrame)
        );
        assert_eq!(a.cue_lemma.as_deref(), Some("say"));
        assert_eq!(a.confidence, 0.95);
        assert_eq!(used, [true]);
    }

    #[test]
    fn quote_then_inverted_cue() {
        let (doc, out, _) = direct("“We will appeal,” said Mayor Ruth Abara.");
        assert_eq!(
            parts(&doc, &out[0]),
            (
                Some("Mayor Ruth Abara"),
                Some("said"),
                vec!["“We will appeal,”"]
            )
        );
        assert_eq!(out[0].shape, Shape::QuoteThenFrame);
    }

    #[test]
    fn frame_in_the_next_sentence_only_when_it_is_short() {
        let (doc, out, used) = direct("“We will appeal.” The lawyer said.");
        assert_eq!(
            parts(&doc, &out[0]),
            (Some("The lawyer"), Some("said"), vec!["“We will appeal.”"])
        );
        assert_eq!(out[0].sentence, 1);
        assert_eq!(used, [true]);
        // A next sentence with a clause of its own reports something else.
        let (doc, out, used) = direct("“We will appeal.” The lawyer said the family was angry.");
        assert_eq!(
            parts(&doc, &out[0]),
            (None, None, vec!["“We will appeal.”"])
        );
        assert_eq!((out[0].shape, out[0].confidence), (Shape::Unframed, 0.3));
        assert_eq!(used, [false]);
    }

    #[test]
    fn cue_with_its_own_clause_is_not_a_frame() {
        for text in [
            "“We will appeal,” he said the plan failed.",
            "“We will appeal,” he said the plan would fail.",
            "“We will appeal,” he said the plan has failed.",
        ] {
            let (doc, out, used) = direct(text);
            assert_eq!(
                parts(&doc, &out[0]),
                (None, None, vec!["“We will appeal,”"]),
                "{text}"
            );
            assert_eq!(used, [false], "{text}");
        }
        // Adjuncts after the cue do not make a clause.
        let (doc, out, _) = direct("“We will appeal,” the lawyer said on Friday.");
        assert_eq!(parts(&doc, &out[0]).0, Some("the lawyer"));
    }

    #[test]
    fn frame_then_quote() {
        let (doc, out, _) = direct("The mayor said: “We will not back down.”");
        assert_eq!(
            parts(&doc, &out[0]),
            (
                Some("The mayor"),
                Some("said"),
                vec!["“We will not back down.”"]
            )
        );
        assert_eq!(out[0].shape, Shape::FrameThenQuote);
        // A recipient between cue and quotation.
        let (doc, out, _) = direct("The minister told reporters: “The plan is dead.”");
        assert_eq!(
            parts(&doc, &out[0]),
            (
                Some("The minister"),
                Some("told"),
                vec!["“The plan is dead.”"]
            )
        );
        // A participial cue takes the main clause's subject.
        let (doc, out, _) =
            direct("The minister left the hall, telling reporters: “The plan is dead.”");
        assert_eq!(
            parts(&doc, &out[0]),
            (
                Some("The minister"),
                Some("telling"),
                vec!["“The plan is dead.”"]
            )
        );
    }

    #[test]
    fn words_between_cue_and_quotation_make_it_mixed() {
        let (doc, out, _) =
            direct("The mayor tweeted that, “the plan is dead and buried for good now.”");
        assert_eq!(
            parts(&doc, &out[0]),
            (
                Some("The mayor"),
                Some("tweeted"),
                vec!["that, “the plan is dead and buried for good now.”"]
            )
        );
        assert_eq!(
            (out[0].kind, out[0].shape),
            (QuoteKind::Mixed, Shape::FrameThenQuote)
        );
    }

    #[test]
    fn colon_after_a_short_verb_phrase() {
        let (doc, out, _) = direct("Okafor put it bluntly: “The plan is dead.”");
        let a = &out[0];
        assert_eq!(
            parts(&doc, a),
            (
                Some("Okafor"),
                Some("put it bluntly"),
                vec!["“The plan is dead.”"]
            )
        );
        assert_eq!(
            (a.cue_lemma.as_deref(), a.cue_class),
            (None, Some(CueClass::Speech))
        );
        assert_eq!((a.shape, a.confidence), (Shape::FrameThenQuote, 0.8));
    }

    #[test]
    fn dash_frames() {
        let (doc, out, _) = direct("“The ruling ignores the evidence” — Councillor Ruth Abara");
        assert_eq!(
            parts(&doc, &out[0]),
            (
                Some("Councillor Ruth Abara"),
                Some("—"),
                vec!["“The ruling ignores the evidence”"]
            )
        );
        assert_eq!((out[0].shape, out[0].confidence), (Shape::DashFrame, 0.85));
        // The dash and name in a paragraph of their own.
        let (doc, out, _) = direct("“The plan is dead.”\n\n— Bernie Sanders.");
        assert_eq!(
            parts(&doc, &out[0]),
            (
                Some("Bernie Sanders"),
                Some("—"),
                vec!["“The plan is dead.”"]
            )
        );
        assert_eq!((out[0].shape, out[0].confidence), (Shape::DashFrame, 0.8));
    }

    #[test]
    fn frame_in_the_introducing_paragraph() {
        let (doc, out, used) = direct("Cruz continued:\n\n“We will fight this in every court.”");
        assert_eq!(
            parts(&doc, &out[0]),
            (
                Some("Cruz"),
                Some("continued"),
                vec!["“We will fight this in every court.”"]
            )
        );
        assert_eq!(
            (out[0].shape, out[0].confidence),
            (Shape::ParagraphFrame, 0.85)
        );
        assert_eq!(used, [true]);
    }

    #[test]
    fn split_quotations_join_their_frame() {
        for (text, second) in [
            (
                "“We will appeal,” she said, “and we will win.”",
                "“and we will win.”",
            ),
            (
                "“We will appeal,” she said. “This ruling ignores the evidence.”",
                "“This ruling ignores the evidence.”",
            ),
        ] {
            let (doc, out, _) = direct(text);
            assert_eq!(out.len(), 1, "{text}");
            assert_eq!(
                parts(&doc, &out[0]),
                (Some("she"), Some("said"), vec!["“We will appeal,”", second])
            );
            assert_eq!(out[0].shape, Shape::QuoteThenFrame);
        }
        // In the next paragraph the quotation stands alone, carrying the speaker.
        let (doc, out, _) = direct(
            "“We will appeal,” she said.\n\n“This ruling ignores the evidence and the law.”",
        );
        assert_eq!(out.len(), 2);
        assert_eq!(
            parts(&doc, &out[1]),
            (
                Some("she"),
                None,
                vec!["“This ruling ignores the evidence and the law.”"]
            )
        );
        assert_eq!((out[1].shape, out[1].confidence), (Shape::Unframed, 0.5));
    }

    #[test]
    fn scare_quotes_are_not_speech() {
        let (doc, out, _) = direct("The so-called “reform” failed.");
        assert_eq!(doc.quotations.len(), 1);
        let unit = &units(&doc)[0];
        assert!(!is_speech(&doc, &cue_index(&doc), Lexicon::get(), unit));
        assert!(out.is_empty());
    }
}
