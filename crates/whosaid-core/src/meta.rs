//! Article metadata written in the text itself: headline, source line, dateline.
//!
//! - **Source line**: a short first paragraph naming who filed the story ("AT News
//!   Report", "By Jane Doe", "Reuters Staff").
//! - **Headline**: a short first paragraph in title case or without final punctuation,
//!   when more paragraphs follow.
//! - **Dateline**: the place (and agency) that opens the first body paragraph: `KABUL:`,
//!   `GENEVA (Reuters) —`, `WASHINGTON (AP) —`, `BOSTON —`, `NEW YORK, March 3 (Reuters) -`.

use crate::document::Document;
use crate::lexicon::Lexicon;
use crate::pos::Tag;
use crate::segment::{Segment, TokenRange};
use crate::span::Span;
use crate::token::{TokenFlags, TokenKind};

/// Metadata found in the text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    /// The headline paragraph.
    pub headline: Option<Span>,
    /// The source or byline line.
    pub source: Option<Span>,
    /// The dateline's place ("KABUL").
    pub dateline: Option<Span>,
    /// The agency named in the dateline ("Reuters"), if any.
    pub agency: Option<Span>,
    /// All tokens of the dateline, delimiter included.
    pub dateline_tokens: Option<TokenRange>,
}

/// Words that mark a short line as a source or byline.
const SOURCE_WORDS: &[&str] = &[
    "report",
    "reports",
    "news",
    "staff",
    "reporter",
    "reporters",
    "correspondent",
    "agency",
    "wire",
    "wires",
    "desk",
    "service",
    "bureau",
    "editor",
    "writer",
    "press",
];

/// Reads headline, source line and dateline.
pub fn read_meta(doc: &Document, lexicon: &Lexicon) -> Meta {
    let mut meta = Meta::default();
    let mut body = 0;
    for (k, p) in doc.paragraphs.iter().enumerate().take(3) {
        if k + 1 >= doc.paragraphs.len() {
            break;
        }
        if meta.source.is_none() && is_source_line(doc, p) {
            meta.source = Some(p.span);
            body = k + 1;
            continue;
        }
        if meta.headline.is_none() && meta.source.is_none() && k == 0 && is_headline(doc, p) {
            meta.headline = Some(p.span);
            body = k + 1;
            continue;
        }
        break;
    }
    if let Some(p) = doc.paragraphs.get(body) {
        read_dateline(doc, lexicon, p, &mut meta);
    }
    meta
}

fn words(doc: &Document, p: &Segment) -> usize {
    p.tokens
        .range()
        .filter(|&i| doc.tokens[i].kind == TokenKind::Word)
        .count()
}

fn is_source_line(doc: &Document, p: &Segment) -> bool {
    let n = words(doc, p);
    if n == 0 || n > 8 {
        return false;
    }
    let last = p.tokens.end as usize - 1;
    if doc.tags[last] == Tag::Final && doc.word(last) != "." {
        return false;
    }
    let first = doc.lower(p.tokens.start as usize);
    if first == "by" {
        return true;
    }
    p.tokens
        .range()
        .any(|i| SOURCE_WORDS.contains(&doc.lower(i)))
        && p.tokens
            .range()
            .all(|i| doc.tokens[i].kind != TokenKind::Quote)
}

fn is_headline(doc: &Document, p: &Segment) -> bool {
    let n = words(doc, p);
    if n == 0 || n > 30 {
        return false;
    }
    if doc
        .sentences
        .iter()
        .filter(|s| p.span.contains(s.span))
        .count()
        > 1
    {
        return false;
    }
    let last = p.tokens.end as usize - 1;
    let no_final = !matches!(doc.tags[last], Tag::Final) || matches!(doc.word(last), "?" | "!");
    let long_words: Vec<usize> = p
        .tokens
        .range()
        .filter(|&i| doc.tokens[i].kind == TokenKind::Word && doc.word(i).chars().count() >= 4)
        .collect();
    let caps = long_words
        .iter()
        .filter(|&&i| doc.tokens[i].is_capitalized())
        .count();
    let title_case = !long_words.is_empty() && caps * 10 >= long_words.len() * 7;
    no_final || title_case
}

/// Whether paragraph `p` opens (maybe after a quotation mark) with one to four all-caps
/// words and a colon, like a transcript's speaker label.
fn starts_with_caps_label(doc: &Document, p: &Segment) -> bool {
    let (mut a, b) = (p.tokens.start as usize, p.tokens.end as usize);
    if a < b && doc.tokens[a].kind == TokenKind::Quote {
        a += 1;
    }
    let mut i = a;
    while i < b
        && i - a < 4
        && doc.tokens[i].kind == TokenKind::Word
        && (doc.tokens[i].has(TokenFlags::ALL_CAPS) || doc.word(i).len() == 1)
    {
        i += 1;
    }
    i > a && i + 1 < b && doc.word(i) == ":"
}

fn read_dateline(doc: &Document, lexicon: &Lexicon, p: &Segment, meta: &mut Meta) {
    let (a, b) = (p.tokens.start as usize, p.tokens.end as usize);
    let mut i = a;
    // The place: up to four capitalised words (usually all caps), maybe ", State".
    while i < b
        && i - a < 4
        && doc.tokens[i].kind == TokenKind::Word
        && doc.tokens[i].is_capitalized()
        && (doc.tokens[i].has(TokenFlags::ALL_CAPS) || doc.word(i).len() > 1)
    {
        i += 1;
    }
    if i == a {
        return;
    }
    let all_caps =
        (a..i).all(|k| doc.tokens[k].has(TokenFlags::ALL_CAPS) || doc.word(k).len() == 1);
    let place = doc.token_span(a, i);
    // ", Calif." or ", March 3"
    if i + 1 < b && doc.tags[i] == Tag::Comma && doc.tokens[i + 1].is_capitalized() {
        let mut j = i + 1;
        while j < b
            && j - i <= 3
            && (doc.tokens[j].is_capitalized() || doc.tokens[j].kind == TokenKind::Number)
        {
            j += 1;
        }
        i = j;
    }
    let mut agency = None;
    if i + 2 < b && doc.word(i) == "(" {
        if let Some(close) = (i + 1..(i + 6).min(b)).find(|&k| doc.word(k) == ")") {
            agency = Some(doc.token_span(i + 1, close));
            i = close + 1;
        } else {
            return;
        }
    }
    if i >= b {
        return;
    }
    let delim = doc.tokens[i].kind == TokenKind::Dash || doc.word(i) == ":" || doc.word(i) == "-";
    if !delim || i + 1 >= b {
        return;
    }
    // Title-case places need an agency or a dash; all-caps places can take a colon.
    if !all_caps && agency.is_none() && doc.word(i) == ":" {
        return;
    }
    // In a transcript every turn starts like a colon dateline (`PENCE: Well, …`): when at
    // least two other paragraphs do, the first is a turn too.
    if doc.word(i) == ":"
        && agency.is_none()
        && doc
            .paragraphs
            .iter()
            .filter(|q| q.tokens.start != p.tokens.start && starts_with_caps_label(doc, q))
            .nth(1)
            .is_some()
    {
        return;
    }
    if !all_caps
        && lexicon
            .pos(doc.lower(a))
            .is_some_and(|(t, _)| !t.is_proper())
    {
        return;
    }
    meta.dateline = Some(place);
    meta.agency = agency;
    meta.dateline_tokens = Some(TokenRange::new(a, i + 1));
}

#[cfg(test)]
mod tests {
    use crate::document::{Options, extract};

    fn meta(
        text: &str,
    ) -> (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ) {
        let doc = extract(text, &Options::default());
        let s = |x: Option<crate::span::Span>| x.map(|s| doc.slice(s).to_string());
        (
            s(doc.meta.headline),
            s(doc.meta.source),
            s(doc.meta.dateline),
            s(doc.meta.agency),
        )
    }

    #[test]
    fn source_line_and_colon_dateline() {
        let m = meta("AT News Report\n\nKABUL: Washington and its partners agree.\n\nMore text.");
        assert_eq!(m.1.as_deref(), Some("AT News Report"));
        assert_eq!(m.2.as_deref(), Some("KABUL"));
        assert_eq!(m.0, None);
    }

    #[test]
    fn agency_datelines() {
        let m = meta("GENEVA (Reuters) — The agency said it was worried.");
        assert_eq!(m.2.as_deref(), Some("GENEVA"));
        assert_eq!(m.3.as_deref(), Some("Reuters"));
        let m = meta("WASHINGTON (AP) — Lawmakers left.");
        assert_eq!(m.2.as_deref(), Some("WASHINGTON"));
        let m = meta("BOSTON — The mayor spoke.");
        assert_eq!(m.2.as_deref(), Some("BOSTON"));
        let m = meta("NEW YORK, March 3 (Reuters) - Stocks fell.");
        assert_eq!(m.2.as_deref(), Some("NEW YORK"));
    }

    #[test]
    fn headline_when_first_paragraph_is_one() {
        let m = meta("Mayor Vows To Fight Flood Plan\n\nBOSTON — The mayor spoke on Monday.");
        assert_eq!(m.0.as_deref(), Some("Mayor Vows To Fight Flood Plan"));
        assert_eq!(m.2.as_deref(), Some("BOSTON"));
    }

    #[test]
    fn a_transcript_turn_is_not_a_dateline() {
        let transcript = "PENCE: Well, look, we will win.\n\nKAINE: I do not think so.\n\nPENCE: We will see.\n\nQUIJANO: Thank you both.";
        assert_eq!(meta(transcript).2, None);
        let doc = extract(transcript, &Options::default());
        let first = &doc.attributions[0];
        assert_eq!(first.speaker.map(|s| doc.slice(s)), Some("PENCE"));
        assert_eq!(doc.slice(first.content[0]), "Well, look, we will win");
        // One later label ("NOTE:") leaves a colon dateline alone.
        let m = meta("KABUL: Talks resumed.\n\nOfficials met.\n\nNOTE: Updated at noon.");
        assert_eq!(m.2.as_deref(), Some("KABUL"));
    }

    #[test]
    fn no_dateline_in_ordinary_prose() {
        let m = meta("The mayor said the plan would fail.\n\nShe left.");
        assert_eq!(m.2, None);
    }
}
