//! Finding the speaker of a cue: the subject before it or the noun phrase after it.

use crate::cue::is_aux_or_adverb;
use crate::document::Document;
use crate::lexicon::Lexicon;
use crate::np::{Np, basic_np_ending_at, basic_np_starting_at, is_head, with_attachments};
use crate::pos::Tag;
use crate::segment::TokenRange;
use crate::token::TokenKind;

/// The longest appositive or parenthetical the subject search looks past, in tokens.
const MAX_APPOSITIVE: usize = 30;

/// The head token of a speaker range: the head of its first noun phrase.
pub fn head_of(doc: &Document, r: TokenRange) -> usize {
    let (a, b) = (r.start as usize, r.end as usize);
    // The core noun phrase ends before the first comma (appositives follow it).
    let mut end = b;
    for i in a..b {
        if doc.tags[i] == Tag::Comma || matches!(doc.lower(i), "who" | "which") && i > a {
            end = i;
            break;
        }
    }
    // Before "of/for/at/from" attachments.
    for i in a + 1..end {
        if matches!(doc.lower(i), "of" | "for" | "at" | "from" | "with") && i > a {
            let prev_head = (a..i).rev().find(|&k| is_head(doc, k));
            if let Some(h) = prev_head {
                return h;
            }
        }
    }
    (a..end)
        .rev()
        .find(|&k| is_head(doc, k))
        .unwrap_or(end.saturating_sub(1).max(a))
}

fn is_comma(doc: &Document, i: usize) -> bool {
    doc.tags[i] == Tag::Comma
}

/// A noun phrase ending at `last` with `of`/`for` attachments to its left folded in
/// ("a spokesman for the ministry").
fn np_with_left_attachments(
    doc: &Document,
    lexicon: &Lexicon,
    last: usize,
    floor: usize,
) -> Option<Np> {
    let mut np = basic_np_ending_at(doc, last, floor)?;
    let mut guard = 0;
    while np.start >= floor + 2 && guard < 3 {
        guard += 1;
        let p = np.start - 1;
        if !matches!(doc.lower(p), "of" | "for" | "at" | "from" | "with")
            || is_adjunct_np(doc, lexicon, &np)
        {
            break;
        }
        match basic_np_ending_at(doc, p - 1, floor) {
            Some(owner) if doc.tags[owner.head].is_noun() => {
                np = Np {
                    start: owner.start,
                    end: np.end,
                    head: owner.head,
                };
            }
            _ => break,
        }
    }
    Some(np)
}

/// Whether a noun phrase is the object of an adjunct preposition (time, occasion, medium)
/// rather than a subject. The prepositions and head nouns are data (`lexicon/adjuncts.tsv`);
/// calendar words and speech events count as heads too.
pub(crate) fn is_adjunct_np(doc: &Document, lexicon: &Lexicon, np: &Np) -> bool {
    if np.start == 0 {
        return false;
    }
    let p = np.start - 1;
    if !doc.lexeme(p).is_adjunct_prep() {
        return false;
    }
    let lexeme = doc.lexeme(np.head);
    lexeme.time_word.is_some()
        || lexicon.is_speech_event(doc.lower(np.head))
        || lexeme.is_adjunct_head()
}

fn acceptable_subject(doc: &Document, np: &Np) -> bool {
    let head = np.head;
    if doc.lexeme(head).time_word.is_some() {
        return false;
    }
    if doc.quotation_at(head).is_some() {
        return false;
    }
    let w = doc.lower(head);
    // Object pronouns and reflexives are not subjects.
    if matches!(
        w,
        "him" | "them" | "me" | "us" | "himself" | "herself" | "themselves" | "itself" | "there"
    ) {
        return false;
    }
    doc.tokens[head].kind == TokenKind::Word || doc.tags[head] == Tag::CD
}

/// The subject of a verb whose first token (auxiliaries included) is `before`, searching
/// no further left than `floor`. Returns the speaker range, appositive included when the
/// subject carries one ("Simone Perry, a tea party activist,").
pub fn subject_before(
    doc: &Document,
    lexicon: &Lexicon,
    before: usize,
    floor: usize,
) -> Option<TokenRange> {
    if before <= floor {
        return None;
    }
    let mut k = before - 1;
    if is_comma(doc, k) {
        return subject_with_aside(doc, lexicon, k, floor);
    }
    let mut np = np_with_left_attachments(doc, lexicon, k, floor)?;
    // Adjuncts between subject and verb: "Esper in a statement on Saturday said",
    // "Stoltenberg at a press conference on Friday following the meeting said".
    let mut guard = 0;
    while guard < 5 && np.start > floor + 1 && is_adjunct_np(doc, lexicon, &np) {
        guard += 1;
        k = np.start - 2;
        np = np_with_left_attachments(doc, lexicon, k, floor)?;
    }
    if !acceptable_subject(doc, &np) {
        return None;
    }
    // A name after a description and a comma: "Carter's press secretary, Peter Cook".
    let mut start = np.start;
    if doc.tags[np.head].is_proper()
        && np.start >= floor + 2
        && is_comma(doc, np.start - 1)
        && let Some(desc) = basic_np_ending_at(doc, np.start - 2, floor)
        && doc.tags[desc.head] == Tag::NN
        && lexicon.title(doc.lower(desc.head)).is_some()
        && (desc.start == floor || !is_comma(doc, desc.start - 1))
    {
        start = desc.start;
    }
    Some(TokenRange::new(start, np.end))
}

/// The subject before a comma that closes an aside: "X, who …, said", "X, a …, said",
/// "X, for his part, said".
fn subject_with_aside(
    doc: &Document,
    lexicon: &Lexicon,
    comma: usize,
    floor: usize,
) -> Option<TokenRange> {
    let lo = comma.saturating_sub(MAX_APPOSITIVE).max(floor);
    let open = (lo..comma).rev().find(|&i| {
        is_comma(doc, i)
            || doc.tokens[i].kind == TokenKind::Quote
            || doc.tokens[i].kind == TokenKind::Dash
    })?;
    if !is_comma(doc, open) || open == floor {
        return None;
    }
    let aside_first = open + 1;
    if aside_first >= comma {
        return None;
    }
    let core = np_with_left_attachments(doc, lexicon, open - 1, floor)?;
    if !acceptable_subject(doc, &core) {
        return None;
    }
    let w = doc.lower(aside_first);
    if matches!(w, "who" | "which" | "whose" | "whom") {
        // Relative clause: the speaker is the core alone.
        return Some(TokenRange::new(core.start, core.end));
    }
    // An appositive noun phrase (possibly with a relative clause of its own).
    if let Some(app) = basic_np_starting_at(doc, aside_first, comma) {
        let app = with_attachments(doc, app, comma);
        let rest_ok =
            app.end == comma || matches!(doc.lower(app.end), "who" | "which" | "that" | "and");
        if rest_ok && (doc.tags[app.head].is_noun() || doc.tags[app.head] == Tag::CD) {
            return Some(TokenRange::new(core.start, comma + 1));
        }
    }
    // Ages and other short asides ("Clinton, 35,") are part of the appositive as well.
    if comma - aside_first <= 2 && doc.tags[aside_first] == Tag::CD {
        return Some(TokenRange::new(core.start, comma + 1));
    }
    // A parenthetical ("for his part", "in a statement"): the speaker is the core.
    Some(TokenRange::new(core.start, core.end))
}

/// The speaker after an inverted cue ("…,” said NATO Secretary General Jens Stoltenberg),
/// starting at token `start`, not reaching `ceiling`.
pub fn subject_after(doc: &Document, start: usize, ceiling: usize) -> Option<TokenRange> {
    let mut i = start;
    while i < ceiling && is_aux_or_adverb(doc, i) && doc.tags[i].is_adverb() {
        i += 1;
    }
    let np = basic_np_starting_at(doc, i, ceiling)?;
    if !acceptable_subject(doc, &np)
        || matches!(doc.tags[np.head], Tag::PRP)
            && !matches!(
                doc.lower(np.head),
                "he" | "she" | "they" | "i" | "we" | "it"
            )
    {
        return None;
    }
    let np = with_attachments(doc, np, ceiling);
    let mut end = np.end;
    // An appositive after a comma runs to the end of the clause.
    if end + 1 < ceiling && is_comma(doc, end) {
        let a = end + 1;
        if let Some(app) = basic_np_starting_at(doc, a, ceiling)
            && (doc.tags[app.head].is_noun() || doc.tags[app.head] == Tag::CD)
        {
            let mut e = a;
            while e < ceiling && !is_clause_end(doc, e) {
                e += 1;
            }
            end = e;
        }
    }
    Some(TokenRange::new(i, end))
}

/// Whether token `i` ends a clause for the purpose of appositive extent.
fn is_clause_end(doc: &Document, i: usize) -> bool {
    matches!(
        doc.tags[i],
        Tag::Final | Tag::Colon | Tag::Quote | Tag::Dash
    ) || (doc.tags[i] == Tag::Comma
        && i + 1 < doc.tokens.len()
        && doc.tokens[i + 1].kind == TokenKind::Quote)
}

/// Repairs a speaker span found by the tagger: a leading quoted title ends before the name
/// ("On “Face the Nation,” Sen. Sanders said"), trailing adjuncts ("Esper in a statement on
/// Saturday") are cut, and a span that is itself the object of an adjunct ("following the
/// ministers' meeting") is replaced by the subject before it. Returns `None` when nothing
/// usable is left.
pub fn repair_speaker(
    doc: &Document,
    lexicon: &Lexicon,
    r: TokenRange,
    cue_start: Option<usize>,
) -> Option<TokenRange> {
    let (a, mut b) = (after_closed_title(doc, r), r.end as usize);
    // Cut trailing adjunct phrases.
    let mut guard = 0;
    while b > a + 1 && guard < 4 {
        guard += 1;
        let Some(np) = basic_np_ending_at(doc, b - 1, a) else {
            break;
        };
        if np.start > a && is_adjunct_np(doc, lexicon, &np) {
            b = np.start - 1;
        } else {
            break;
        }
    }
    // A relative pronoun the tagger swept in ("Stoltenberg, who").
    while b > a + 1
        && (matches!(doc.lower(b - 1), "who" | "which" | "whom")
            || doc.tags[b - 1] == Tag::Comma
                && matches!(doc.lower(b.min(doc.tokens.len() - 1)), "who" | "which"))
    {
        b -= 1;
        while b > a + 1
            && doc.tags[b - 1] == Tag::Comma
            && b < r.end as usize
            && matches!(doc.lower(b), "who" | "which" | "whom")
        {
            b -= 1;
        }
    }
    if b <= a {
        return None;
    }
    // The whole span an adjunct object: look further left for the subject.
    if let Some(np) = basic_np_ending_at(doc, b - 1, a)
        && np.start == a
        && is_adjunct_np(doc, lexicon, &np)
    {
        let floor = doc.sentence_of(a).tokens.start as usize;
        return cue_start
            .and_then(|c| subject_before(doc, lexicon, c, floor))
            .filter(|s| s.end as usize <= a);
    }
    Some(TokenRange::new(a, b))
}

/// Where a speaker span really starts: after the last quotation that closes inside it on a
/// comma (`“The Steve Harvey Morning Show,” the former secretary of state`), when words
/// follow. A quotation that closes without a comma (`Marcia “Cia” Price`) is part of the
/// name.
fn after_closed_title(doc: &Document, r: TokenRange) -> usize {
    let (a, b) = (r.start as usize, r.end as usize);
    (a + 1..b.saturating_sub(1))
        .rev()
        .find(|&k| doc.tags[k - 1] == Tag::Comma && doc.quotation_closed_at(k).is_some())
        .map_or(a, |k| k + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::extract_rules as rules;

    /// Index of the first token spelled `word`.
    fn tok(doc: &Document, word: &str) -> usize {
        (0..doc.tokens.len())
            .find(|&i| doc.word(i) == word)
            .unwrap_or_else(|| panic!("no token {word:?} in {:?}", doc.text))
    }

    fn text(doc: &Document, r: Option<TokenRange>) -> Option<&str> {
        r.map(|r| doc.slice(doc.token_span(r.start as usize, r.end as usize)))
    }

    /// The speaker before the first `said` of `s`.
    fn before_said(s: &str) -> Option<String> {
        let doc = rules(s);
        let r = subject_before(&doc, Lexicon::get(), tok(&doc, "said"), 0);
        text(&doc, r).map(str::to_string)
    }

    #[test]
    fn head_of_stops_before_attachments_and_appositives() {
        let doc = rules("A spokesman for the ministry said the plan would fail.");
        let r = TokenRange::new(0, tok(&doc, "said"));
        assert_eq!(doc.word(head_of(&doc, r)), "spokesman");
        let doc = rules("Simone Perry, a tea party activist, said the plan would fail.");
        let r = TokenRange::new(0, tok(&doc, "said"));
        assert_eq!(doc.word(head_of(&doc, r)), "Perry");
        let doc = rules("The housing minister said the plan would fail.");
        assert_eq!(doc.word(head_of(&doc, TokenRange::new(0, 3))), "minister");
    }

    #[test]
    fn adjunct_nps_are_time_occasion_or_medium_after_a_preposition() {
        let lex = Lexicon::get();
        let doc = rules("Esper in a statement on Saturday said the troops would leave.");
        let np = |last: &str| basic_np_ending_at(&doc, tok(&doc, last), 0).unwrap();
        // A speech event ("statement") and a calendar word ("Saturday").
        assert_eq!((np("statement").start, np("statement").head), (2, 3));
        assert!(is_adjunct_np(&doc, lex, &np("statement")));
        assert!(is_adjunct_np(&doc, lex, &np("Saturday")));
        // The first noun phrase of the text has no preposition before it.
        assert!(!is_adjunct_np(&doc, lex, &np("Esper")));
        // Head nouns from the adjunct list, whatever their case.
        let doc = rules("Esper on Twitter over the weekend said the troops would leave.");
        let np = |last: &str| basic_np_ending_at(&doc, tok(&doc, last), 0).unwrap();
        assert!(is_adjunct_np(&doc, lex, &np("Twitter")));
        assert!(is_adjunct_np(&doc, lex, &np("weekend")));
        // Not after a non-adjunct preposition, and not with an ordinary head.
        let doc = rules("The head of the week said that officials with the ministry left.");
        let np = |last: &str| basic_np_ending_at(&doc, tok(&doc, last), 0).unwrap();
        assert!(!is_adjunct_np(&doc, lex, &np("week")));
        assert!(!is_adjunct_np(&doc, lex, &np("ministry")));
    }

    #[test]
    fn subject_before_looks_past_adjuncts() {
        assert_eq!(
            before_said("Esper in a statement on Saturday said the troops would leave.").as_deref(),
            Some("Esper")
        );
        assert_eq!(
            before_said("Stoltenberg at the press conference said the plan would fail.").as_deref(),
            Some("Stoltenberg")
        );
    }

    #[test]
    fn subject_before_folds_in_left_attachments() {
        assert_eq!(
            before_said("A spokesman for the ministry said the plan would fail.").as_deref(),
            Some("A spokesman for the ministry")
        );
    }

    #[test]
    fn subject_before_keeps_appositives_and_drops_relative_clauses() {
        assert_eq!(
            before_said("Simone Perry, a tea party activist, said the plan would fail.").as_deref(),
            Some("Simone Perry, a tea party activist,")
        );
        assert_eq!(
            before_said("Clinton, 35, said the plan would fail.").as_deref(),
            Some("Clinton, 35,")
        );
        assert_eq!(
            before_said("Stoltenberg, who visited Kabul, said the plan would fail.").as_deref(),
            Some("Stoltenberg")
        );
        assert_eq!(
            before_said("Clinton, for her part, said the plan would fail.").as_deref(),
            Some("Clinton")
        );
    }

    #[test]
    fn subject_before_rejects_non_subjects() {
        // A calendar word is never a speaker; nor is anything at or before the floor.
        assert_eq!(before_said("On Friday said the plan would fail."), None);
        let doc = rules("The minister said the plan would fail.");
        let said = tok(&doc, "said");
        assert_eq!(subject_before(&doc, Lexicon::get(), said, said), None);
        assert_eq!(
            text(&doc, subject_before(&doc, Lexicon::get(), said, 0)),
            Some("The minister")
        );
    }

    #[test]
    fn subject_after_an_inverted_cue() {
        let doc = rules("“We will stay,” said NATO Secretary General Jens Stoltenberg.");
        let (from, end) = (tok(&doc, "said") + 1, doc.tokens.len());
        assert_eq!(
            text(&doc, subject_after(&doc, from, end)),
            Some("NATO Secretary General Jens Stoltenberg")
        );
        // An appositive runs to the end of the clause.
        let doc = rules("“We will stay,” said Jens Stoltenberg, the head of NATO.");
        let (from, end) = (tok(&doc, "said") + 1, doc.tokens.len());
        assert_eq!(
            text(&doc, subject_after(&doc, from, end)),
            Some("Jens Stoltenberg, the head of NATO")
        );
        // Subject pronouns qualify, object pronouns do not.
        let doc = rules("“It will fail,” said he.");
        let (from, end) = (tok(&doc, "said") + 1, doc.tokens.len());
        assert_eq!(text(&doc, subject_after(&doc, from, end)), Some("he"));
        let doc = rules("“It will fail,” said him.");
        let (from, end) = (tok(&doc, "said") + 1, doc.tokens.len());
        assert_eq!(subject_after(&doc, from, end), None);
    }

    #[test]
    fn repair_speaker_starts_after_a_quoted_title() {
        let lex = Lexicon::get();
        let cases = [
            (
                "In an interview on “Face the Nation,” House Speaker Paul Ryan said it.",
                "the",
                Some("House Speaker Paul Ryan"),
            ),
            (
                "Del. Marcia “Cia” Price said it.",
                "Marcia",
                Some("Marcia “Cia” Price"),
            ),
            (
                "The spot, titled “Arrogant,” said it.",
                "The",
                Some("The spot, titled “Arrogant,”"),
            ),
        ];
        for (s, first, want) in cases {
            let doc = rules(s);
            let said = tok(&doc, "said");
            let r = TokenRange::new(tok(&doc, first), said);
            assert_eq!(
                text(&doc, repair_speaker(&doc, lex, r, Some(said))),
                want,
                "{s}"
            );
        }
    }

    #[test]
    fn repair_speaker_cuts_trailing_adjuncts_and_relatives() {
        let lex = Lexicon::get();
        let doc = rules("Esper in a statement on Saturday said the troops would leave.");
        let said = tok(&doc, "said");
        let r = repair_speaker(&doc, lex, TokenRange::new(0, said), Some(said));
        assert_eq!(text(&doc, r), Some("Esper"));
        let doc = rules("Stoltenberg, who visited Kabul, said the plan would fail.");
        let r = TokenRange::new(0, tok(&doc, "who") + 1);
        assert_eq!(text(&doc, Some(r)), Some("Stoltenberg, who"));
        assert_eq!(
            text(&doc, repair_speaker(&doc, lex, r, None)),
            Some("Stoltenberg")
        );
        // A good span stays as it is.
        let doc = rules("The minister said the plan would fail.");
        let r = TokenRange::new(0, 2);
        assert_eq!(repair_speaker(&doc, lex, r, Some(2)), Some(r));
    }

    #[test]
    fn repair_speaker_replaces_an_adjunct_object_by_the_subject() {
        let lex = Lexicon::get();
        let doc = rules("Stoltenberg at the press conference said the plan would fail.");
        let (the, said) = (tok(&doc, "the"), tok(&doc, "said"));
        let r = TokenRange::new(the, said);
        assert_eq!(text(&doc, Some(r)), Some("the press conference"));
        assert_eq!(
            text(&doc, repair_speaker(&doc, lex, r, Some(said))),
            Some("Stoltenberg")
        );
        // Without a cue to search from, nothing usable is left.
        assert_eq!(repair_speaker(&doc, lex, r, None), None);
    }
}
