//! Quotation paragraphs that go on with the speaker of the paragraph before.
//!
//! News gives a speaker's further words a paragraph of their own, with no frame:
//!
//! ```text
//! “We came to the table in good faith,” Lindahl said.
//!
//! “They came with a spreadsheet.”
//! ```
//!
//! The second paragraph is Lindahl's: readers take an unframed quotation paragraph to go on
//! with the last quoted speaker, and PolNeAR's annotators mark it as one more piece of that
//! attribution's content. The same holds after a paragraph that ends on a colon introducing
//! the quotation ("Cruz called them on it:"). This pass does it for a paragraph that is one
//! direct quotation the earlier passes left without cue or speaker.

use crate::document::Document;
use crate::segment::TokenRange;

use super::{Attribution, QuoteKind, add_pieces, kind_of};

/// Moves each unattributed quotation paragraph into the attribution that owns the last
/// content of the paragraph before it, when that attribution has a speaker and quotes
/// (direct or mixed). Runs of such paragraphs all join the same attribution.
pub fn join_quote_paragraphs(doc: &Document, list: &mut Vec<Attribution>) {
    let mut orphans: Vec<(usize, TokenRange)> = list
        .iter()
        .enumerate()
        .filter_map(|(k, a)| Some((k, fills_paragraph(doc, a)?)))
        .collect();
    orphans.sort_by_key(|&(_, r)| r.start);
    let mut removed = vec![false; list.len()];
    for (k, piece) in orphans {
        let paragraph = doc.paragraph_of(piece.start as usize);
        let Some(j) = paragraph
            .checked_sub(1)
            .and_then(|p| owner_in(doc, list, &removed, p))
        else {
            continue;
        };
        let tokens = std::mem::take(&mut list[k].content_tokens);
        let spans = std::mem::take(&mut list[k].content);
        removed[k] = true;
        add_pieces(&mut list[j], tokens, spans);
        list[j].kind = kind_of(doc, &list[j].content_tokens);
    }
    let mut k = 0;
    list.retain(|_| {
        k += 1;
        !removed[k - 1]
    });
}

/// The content piece of `a` when `a` is an unattributed direct quotation that makes up a
/// whole paragraph (from its first token to its last, or to one token before it).
fn fills_paragraph(doc: &Document, a: &Attribution) -> Option<TokenRange> {
    if a.kind != QuoteKind::Direct || a.speaker_tokens.is_some() || a.cue_tokens.is_some() {
        return None;
    }
    let [piece] = a.content_tokens[..] else {
        return None;
    };
    let p = doc
        .paragraphs
        .get(doc.paragraph_of(piece.start as usize))?
        .tokens;
    (piece.start == p.start && piece.end + 1 >= p.end).then_some(piece)
}

/// The attribution (not yet `removed`) whose content ends last in paragraph `p`, when it
/// has a speaker and is a direct or mixed quotation — or, when `p` ends on a colon that
/// introduces the quotation ("Cruz called them on it:"), has a speaker and a cue.
fn owner_in(doc: &Document, list: &[Attribution], removed: &[bool], p: usize) -> Option<usize> {
    let para = doc.paragraphs.get(p)?.tokens;
    let (j, _) = list
        .iter()
        .enumerate()
        .filter(|&(j, _)| !removed[j])
        .filter_map(|(j, a)| {
            let end = a
                .content_tokens
                .iter()
                .filter(|r| r.start >= para.start && r.end <= para.end)
                .map(|r| r.end)
                .max()?;
            Some((j, end))
        })
        .max_by_key(|&(_, end)| end)?;
    let owner = &list[j];
    let introduces = para.end > para.start && doc.word(para.end as usize - 1) == ":";
    let quotes = matches!(owner.kind, QuoteKind::Direct | QuoteKind::Mixed);
    (owner.speaker_tokens.is_some() && (quotes || introduces && owner.cue_tokens.is_some()))
        .then_some(j)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::extract_rules as rules;

    /// Attribution `a` without its frame, as the tagger leaves a quotation paragraph.
    fn unframed(mut a: Attribution) -> Attribution {
        (a.speaker, a.speaker_tokens, a.speaker_mention, a.entity) = (None, None, None, None);
        (a.cue, a.cue_tokens, a.cue_lemma, a.cue_class) = (None, None, None, None);
        a
    }

    /// The attributions of `text` as (speaker, content pieces) after the rules, with the
    /// frames of all but the first taken away, and this pass.
    fn joined(text: &str) -> Vec<(Option<String>, Vec<String>)> {
        let doc = rules(text);
        let mut list = doc.attributions.clone();
        for a in list.iter_mut().skip(1) {
            *a = unframed(a.clone());
        }
        join_quote_paragraphs(&doc, &mut list);
        list.iter()
            .map(|a| {
                (
                    a.speaker.map(|s| doc.slice(s).to_string()),
                    a.content
                        .iter()
                        .map(|&s| doc.slice(s).to_string())
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn a_quotation_paragraph_goes_on_with_the_last_speaker() {
        let out = joined(
            "“We came in good faith,” Lindahl said.\n\n“They came with a spreadsheet.”\n\n\
             “And they left with it.”",
        );
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].0.as_deref(), Some("Lindahl"));
        assert_eq!(
            out[0].1,
            [
                "“We came in good faith,”",
                "“They came with a spreadsheet.”",
                "“And they left with it.”"
            ]
        );
    }

    #[test]
    fn a_colon_paragraph_introduces_the_quotation_after_it() {
        let out = joined(
            "Cruz said that the questions showed the problem:\n\n“The questions asked in this \
             debate illustrate why the American people don’t trust the media.”",
        );
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].0.as_deref(), Some("Cruz"));
        assert_eq!(out[0].1.len(), 2, "{out:?}");
    }

    #[test]
    fn indirect_speech_or_a_quotation_inside_a_sentence_does_not_pass_on() {
        // The paragraph before reports indirect speech: nobody was quoted.
        let doc = rules("Lindahl said the talks had failed.\n\n“They came with a spreadsheet.”");
        let mut list = doc.attributions.clone();
        for a in list.iter_mut().skip(1) {
            *a = unframed(a.clone());
        }
        let before = list.clone();
        join_quote_paragraphs(&doc, &mut list);
        assert_eq!(list, before);
        // A quotation that does not fill its paragraph keeps its own attribution.
        let doc = rules("“We came,” Lindahl said.\n\nThe union called it “a spreadsheet” today.");
        let mut list: Vec<Attribution> = doc.attributions.iter().cloned().map(unframed).collect();
        list[0] = doc.attributions[0].clone();
        let before = list.clone();
        join_quote_paragraphs(&doc, &mut list);
        assert_eq!(list, before);
    }
}
