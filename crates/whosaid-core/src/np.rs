//! Noun phrases: a tag-based chunker that finds the noun phrase ending or starting at a
//! token, the way attribution needs it ("the company's lawyer", "US Defense Secretary Mark
//! Esper", "a spokesman for the ministry", "Simone Perry, a tea party activist,").

use crate::document::Document;
use crate::pos::Tag;
use crate::token::TokenKind;

/// A noun phrase found by the chunker: token range `[start, end)` and its head token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Np {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// The head noun (or pronoun).
    pub head: usize,
}

fn is_determiner(doc: &Document, i: usize) -> bool {
    matches!(doc.tags[i], Tag::DT | Tag::PRPS | Tag::PDT | Tag::WPS)
        || matches!(
            doc.word(i).to_ascii_lowercase().as_str(),
            "another" | "each" | "every" | "some" | "many" | "several" | "both" | "most" | "few"
        )
}

/// Whether token `i` can be the head of a noun phrase.
pub fn is_head(doc: &Document, i: usize) -> bool {
    let t = doc.tags[i];
    t.is_noun()
        || matches!(t, Tag::PRP | Tag::CD | Tag::WP | Tag::EX)
        || (doc.tokens[i].kind == TokenKind::Word
            && doc.tokens[i].is_capitalized()
            && !matches!(
                t,
                Tag::DT | Tag::IN | Tag::CC | Tag::PRPS | Tag::WRB | Tag::WDT | Tag::MD | Tag::TO
            ))
}

/// Whether token `i` can modify a noun inside a noun phrase.
fn is_modifier(doc: &Document, i: usize) -> bool {
    let t = doc.tags[i];
    t.is_noun()
        || t.is_adjective()
        || matches!(t, Tag::CD | Tag::VBN | Tag::VBG | Tag::POS)
        || (t == Tag::Punct && matches!(doc.word(i), "&" | "/"))
}

/// The basic noun phrase (no attachments) whose last token is `last`, not extending before
/// token `floor`.
pub fn basic_np_ending_at(doc: &Document, last: usize, floor: usize) -> Option<Np> {
    if last < floor || !is_head(doc, last) {
        return None;
    }
    let t = doc.tags[last];
    // Pronouns stand alone.
    if matches!(t, Tag::PRP | Tag::WP | Tag::EX) {
        return Some(Np {
            start: last,
            end: last + 1,
            head: last,
        });
    }
    let mut start = last;
    while start > floor {
        let k = start - 1;
        if doc.tags[k] == Tag::POS {
            // "the company 's lawyer": include the possessor phrase.
            if k > floor
                && let Some(owner) = basic_np_ending_at(doc, k - 1, floor)
            {
                start = owner.start;
                continue;
            }
            break;
        }
        if is_determiner(doc, start) {
            break;
        }
        if is_modifier(doc, k) && !matches!(doc.tags[k], Tag::PRP) {
            start = k;
            continue;
        }
        if is_determiner(doc, k) {
            start = k;
        }
        break;
    }
    Some(Np {
        start,
        end: last + 1,
        head: last,
    })
}

/// The basic noun phrase starting at token `first`, not extending to `ceiling` or beyond.
pub fn basic_np_starting_at(doc: &Document, first: usize, ceiling: usize) -> Option<Np> {
    if first >= ceiling {
        return None;
    }
    let t = doc.tags[first];
    if matches!(t, Tag::PRP | Tag::WP | Tag::EX) {
        return Some(Np {
            start: first,
            end: first + 1,
            head: first,
        });
    }
    let mut i = first;
    if is_determiner(doc, i) {
        i += 1;
    }
    let mut last_head = None;
    while i < ceiling {
        if doc.tags[i] == Tag::POS {
            // possessive inside: "the company 's lawyer"
            i += 1;
            if i < ceiling && is_determiner(doc, i) {
                break;
            }
            continue;
        }
        if is_modifier(doc, i) || is_head(doc, i) {
            if is_head(doc, i) {
                last_head = Some(i);
            }
            // Do not run a proper name into a following lowercase verb-ish word.
            i += 1;
            continue;
        }
        break;
    }
    let head = last_head?;
    Some(Np {
        start: first,
        end: head + 1,
        head,
    })
}

/// Extends a noun phrase to the right with `of`/`for`/`at`/`from` attachments
/// ("a spokesman for the ministry", "the head of the agency").
pub fn with_attachments(doc: &Document, np: Np, ceiling: usize) -> Np {
    let mut np = np;
    let mut guard = 0;
    while np.end + 1 < ceiling && guard < 3 {
        guard += 1;
        let w = doc.word(np.end).to_ascii_lowercase();
        if !matches!(w.as_str(), "of" | "for" | "at" | "from" | "with" | "in") {
            break;
        }
        match basic_np_starting_at(doc, np.end + 1, ceiling) {
            Some(obj) => {
                np = Np {
                    start: np.start,
                    end: obj.end,
                    head: np.head,
                }
            }
            None => break,
        }
    }
    np
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Options, extract};

    fn np_before(text: &str, word: &str) -> String {
        let doc = extract(text, &Options::default());
        let i = (0..doc.tokens.len())
            .find(|&i| doc.word(i) == word)
            .unwrap();
        let np = basic_np_ending_at(&doc, i - 1, 0).unwrap();
        doc.slice(doc.token_span(np.start, np.end)).to_string()
    }

    #[test]
    fn finds_subject_phrases() {
        assert_eq!(
            np_before("Yesterday the company's lawyer said no.", "said"),
            "the company's lawyer"
        );
        assert_eq!(
            np_before("But US Defense Secretary Mark Esper said no.", "said"),
            "US Defense Secretary Mark Esper"
        );
        assert_eq!(np_before("Then he said no.", "said"), "he");
        assert_eq!(
            np_before("And the latest CNN/ORC poll shows a tie.", "shows"),
            "the latest CNN/ORC poll"
        );
    }

    #[test]
    fn object_phrases_with_attachments() {
        let doc = extract("A spokesman for the ministry said so.", &Options::default());
        let np = basic_np_starting_at(&doc, 0, doc.tokens.len()).unwrap();
        let np = with_attachments(&doc, np, doc.tokens.len());
        assert_eq!(
            doc.slice(doc.token_span(np.start, np.end)),
            "A spokesman for the ministry"
        );
    }
}
