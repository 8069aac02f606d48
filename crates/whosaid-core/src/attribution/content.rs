//! Content boundaries: where reported speech starts and ends.

use crate::document::Document;
use crate::lexicon::{Frames, Lexicon};
use crate::np::{basic_np_starting_at, with_attachments};
use crate::pos::Tag;
use crate::segment::TokenRange;
use crate::token::TokenKind;

/// The text without its outer quotation marks (and the space just inside them).
pub fn strip_outer_marks(s: &str) -> &str {
    const MARKS: &[char] = &[
        '"', '\'', '`', '“', '”', '‘', '’', '«', '»', '„', '‟', '‹', '›', '‚',
    ];
    let t = s.trim();
    let t = t.trim_start_matches(MARKS);
    let t = t.trim_end_matches(MARKS);
    t.trim()
}

/// Trims a token range to content: no leading or trailing commas, colons, dashes; no
/// final sentence punctuation unless a closing quotation mark follows it.
pub fn trim(doc: &Document, a: usize, b: usize) -> Option<TokenRange> {
    let (mut a, mut b) = (a, b);
    while a < b && matches!(doc.tags[a], Tag::Comma | Tag::Colon | Tag::Dash) {
        a += 1;
    }
    while b > a {
        let last = b - 1;
        let t = doc.tags[last];
        let drop = match t {
            Tag::Comma | Tag::Colon | Tag::Dash => true,
            Tag::Final => true,
            Tag::Open => true,
            Tag::Quote => {
                // A quotation mark that closes nothing inside the range is dangling.
                !closes_inside(doc, a, last)
            }
            _ => false,
        };
        if drop {
            b -= 1;
        } else {
            break;
        }
    }
    // A dangling opening mark at the start (its close lies outside) is dropped too.
    while a < b && doc.tags[a] == Tag::Quote && !opens_inside(doc, a, b) {
        a += 1;
    }
    if a < b && (a..b).any(|i| matches!(doc.tokens[i].kind, TokenKind::Word | TokenKind::Number)) {
        Some(TokenRange::new(a, b))
    } else {
        None
    }
}

/// Whether the quotation mark at `mark` closes a quotation opened at or after `a`.
fn closes_inside(doc: &Document, a: usize, mark: usize) -> bool {
    doc.quotation_closed_at(mark)
        .is_some_and(|k| doc.quotations[k].open as usize >= a)
}

/// Whether the quotation mark at `mark` opens a quotation that closes before `b`.
fn opens_inside(doc: &Document, mark: usize, b: usize) -> bool {
    doc.quotation_opened_at(mark)
        .is_some_and(|k| doc.quotations[k].close.is_some_and(|c| (c as usize) < b))
}

/// Skips adjuncts that stand between a cue and its content: "in a statement", "on
/// Saturday", "at a press conference on Friday", "last week", "to reporters", "Tuesday".
pub fn skip_adjuncts(doc: &Document, lexicon: &Lexicon, mut i: usize, end: usize) -> usize {
    let mut guard = 0;
    while i < end && guard < 6 {
        guard += 1;
        let w = doc.lower(i);
        if doc.lexeme(i).time_word.is_some()
            || matches!(
                w,
                "yesterday"
                    | "today"
                    | "tonight"
                    | "earlier"
                    | "later"
                    | "again"
                    | "also"
                    | "repeatedly"
                    | "recently"
            )
        {
            i += 1;
            // "Friday night", "Tuesday morning"
            if i < end && matches!(doc.lower(i), "night" | "morning" | "afternoon" | "evening") {
                i += 1;
            }
            continue;
        }
        if matches!(w, "last" | "this" | "next") && i + 1 < end && is_time_noun(doc, i + 1) {
            i += 2;
            continue;
        }
        if doc.tags[i] == Tag::Comma
            && i + 1 < end
            && matches!(doc.lower(i + 1), "however" | "though")
        {
            i += 2;
            continue;
        }
        if matches!(
            w,
            "in" | "on"
                | "at"
                | "during"
                | "to"
                | "via"
                | "through"
                | "with"
                | "after"
                | "before"
                | "over"
        ) && let Some(np) = basic_np_starting_at(doc, i + 1, end)
        {
            let head = doc.lower(np.head);
            let event = lexicon.is_speech_event(head)
                || doc.lexeme(np.head).time_word.is_some()
                || is_time_noun(doc, np.head)
                || matches!(
                    head,
                    "reporters"
                        | "journalists"
                        | "twitter"
                        | "facebook"
                        | "television"
                        | "radio"
                        | "cnn"
                        | "fox"
                        | "msnbc"
                        | "abc"
                        | "nbc"
                        | "cbs"
                        | "npr"
                        | "camera"
                        | "phone"
                        | "telephone"
                        | "audience"
                        | "supporters"
                        | "crowd"
                        | "conference"
                        | "interview"
                        | "week"
                        | "weekend"
                        | "day"
                        | "month"
                        | "year"
                        | "statement"
                );
            if event {
                let np = with_attachments(doc, np, end);
                i = np.end;
                continue;
            }
        }
        break;
    }
    i
}

fn is_time_noun(doc: &Document, i: usize) -> bool {
    doc.lexeme(i).time_word.is_some()
        || matches!(
            doc.lower(i),
            "week"
                | "weekend"
                | "month"
                | "year"
                | "night"
                | "morning"
                | "afternoon"
                | "evening"
                | "day"
                | "spring"
                | "summer"
                | "fall"
                | "autumn"
                | "winter"
        )
}

/// Whether a comma at `i` starts a trailing attribution frame or a participial cue
/// (", adding that", ", according to", ", officials said").
pub fn comma_starts_frame(doc: &Document, lexicon: &Lexicon, i: usize, end: usize) -> bool {
    if doc.tags[i] != Tag::Comma || i + 1 >= end {
        return false;
    }
    let n = i + 1;
    let w = doc.lower(n);
    if w == "according" {
        return true;
    }
    // ", adding that …", ", saying …"
    if doc.tags[n] == Tag::VBG && !doc.lexeme(n).cue_forms.is_empty() {
        return true;
    }
    postposed_frame(doc, lexicon, n, end)
}

/// Whether token `i` starts a second verb phrase of reporting ("… and said that …"): the
/// first cue's content ends before it.
fn coordinated_report(doc: &Document, lexicon: &Lexicon, i: usize, end: usize) -> bool {
    i + 1 < end
        && matches!(doc.lower(i), "and" | "but")
        && matches!(doc.tags[i + 1], Tag::VBD | Tag::VBZ)
        && reporting_verb(doc, lexicon, i + 1)
}

/// Whether token `i` is a finite reporting verb that takes a clause ("said", "adds").
fn reporting_verb(doc: &Document, lexicon: &Lexicon, i: usize) -> bool {
    matches!(doc.tags[i], Tag::VBD | Tag::VBZ | Tag::VBP)
        && doc.lexeme(i).cue_forms.iter().any(|f| {
            f.rest.is_empty()
                && lexicon.cue_entries[f.entry as usize]
                    .frames
                    .has(Frames::CLAUSE)
        })
}

/// Whether the tokens `n..end` are a postposed attribution frame that closes the sentence:
/// "officials said.", "the source added on Friday.", "said the mayor." — the frame of the
/// sentence's outer attribution, never part of an inner cue's content.
fn postposed_frame(doc: &Document, lexicon: &Lexicon, n: usize, end: usize) -> bool {
    let reporting = |i: usize| reporting_verb(doc, lexicon, i);
    let closes = |i: usize| {
        let i = skip_adjuncts(doc, lexicon, i, end);
        (i..end).all(|k| doc.tags[k].is_punct())
    };
    // ", said the mayor."
    if reporting(n) {
        return basic_np_starting_at(doc, n + 1, end)
            .is_some_and(|np| closes(with_attachments(doc, np, end).end));
    }
    // ", officials said.", ", the source has said."
    let Some(np) = basic_np_starting_at(doc, n, end) else {
        return false;
    };
    let mut v = np.end;
    while v < end && v < np.end + 2 && crate::cue::is_aux_or_adverb(doc, v) {
        v += 1;
    }
    v < end && reporting(v) && closes(v + 1)
}

/// Content after a cue: from `start` to the end of the sentence, stopping before a
/// trailing frame or participial cue.
pub fn content_after(
    doc: &Document,
    lexicon: &Lexicon,
    start: usize,
    sentence_end: usize,
) -> Option<TokenRange> {
    let mut end = sentence_end;
    for i in start..sentence_end {
        if comma_starts_frame(doc, lexicon, i, sentence_end)
            || coordinated_report(doc, lexicon, i, sentence_end)
        {
            end = i;
            break;
        }
    }
    trim(doc, start, end)
}

/// Content before a speaker: from the sentence start (or `start`) to token `end`.
pub fn content_before(doc: &Document, start: usize, end: usize) -> Option<TokenRange> {
    trim(doc, start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_marks() {
        assert_eq!(strip_outer_marks("“We will appeal,”"), "We will appeal,");
        assert_eq!(strip_outer_marks("''Yes''"), "Yes");
        assert_eq!(strip_outer_marks("plain"), "plain");
    }
}
