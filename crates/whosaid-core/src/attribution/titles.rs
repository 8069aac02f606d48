//! Titles of works in quotation marks: `on CBS's “Face the Nation,”`, `Newt Gingrich's
//! 1994 “Contract with America”`, `her documentary “13th.”`. They are names, not anyone's
//! words, so they are never the content of an attribution.
//!
//! A quotation is a title when it is short (at most [`MAX_WORDS`] words), closed, in title
//! case (its first word and every word but short function words capitalised, or numbers)
//! and introduced the way titles are: after a possessive (`Fox News's`), after `on` or
//! `in` (the programme a speaker appeared on), after a year, or after a noun that names a
//! kind of work (`lexicon/work_nouns.txt`).

use super::{Attribution, cut_out};
use crate::document::Document;
use crate::lexicon::Lexicon;
use crate::pos::Tag;
use crate::quotes::Quotation;
use crate::segment::TokenRange;
use crate::token::{TokenFlags, TokenKind};

/// The longest title, in words.
pub const MAX_WORDS: usize = 6;

/// Whether quotation `q` of `doc` is the title of a work (see the module documentation).
pub fn is_work_title(doc: &Document, lexicon: &Lexicon, q: &Quotation) -> bool {
    if q.close.is_none() || q.open == 0 {
        return false;
    }
    let inner = q.inner_tokens();
    let mut words = 0;
    for (n, i) in inner.clone().enumerate() {
        let t = &doc.tokens[i];
        match t.kind {
            TokenKind::Word => {
                words += 1;
                let capital = t.has(TokenFlags::CAPITALIZED) || t.has(TokenFlags::HAS_DIGIT);
                let minor = doc.word(i).chars().count() < 4
                    || matches!(doc.tags[i], Tag::IN | Tag::DT | Tag::CC | Tag::TO);
                if !capital && (n == 0 || !minor) {
                    return false;
                }
            }
            // A title may carry the sentence's comma or full stop before its closing mark,
            // but never a sentence of its own inside it.
            _ if matches!(doc.tags[i], Tag::Final | Tag::Comma) && i + 1 != inner.end => {
                return false;
            }
            _ => {}
        }
    }
    if words == 0 || words > MAX_WORDS {
        return false;
    }
    let before = q.open as usize - 1;
    let prev = doc.lower(before);
    if in_title_case_line(doc, q) {
        return false;
    }
    doc.tags[before] == Tag::POS
        || matches!(prev, "on" | "in")
        || doc.tokens[before].kind == TokenKind::Number
        || lexicon.is_work_noun(prev)
}

/// Whether the words around `q` in its sentence are themselves in title case (a headline,
/// `Hillary Clinton’s ‘Honesty Is In Question’`), where a title-case quotation says nothing.
fn in_title_case_line(doc: &Document, q: &Quotation) -> bool {
    let sentence = doc.sentence_of(q.open as usize).tokens;
    let quoted = q.tokens();
    let (mut long, mut capital) = (0, 0);
    for i in sentence.range().filter(|i| !quoted.contains(i)) {
        if doc.tokens[i].kind == TokenKind::Word && doc.word(i).chars().count() >= 4 {
            long += 1;
            capital += usize::from(doc.tokens[i].has(TokenFlags::CAPITALIZED));
        }
    }
    long >= 2 && capital * 5 >= long * 4
}

/// Takes titles out of every attribution's content; attributions left without content, or
/// with only a possessive fragment before a title (`News's`), are dropped.
pub fn drop_titles(doc: &Document, lexicon: &Lexicon, attributions: &mut Vec<Attribution>) {
    let titles: Vec<TokenRange> = doc
        .quotations
        .iter()
        .filter(|q| is_work_title(doc, lexicon, q))
        .map(|q| {
            let close = q.tokens().end;
            // The possessor naming the channel or author goes with the title.
            let mut start = q.open as usize;
            if start > 0 && doc.tags[start - 1] == Tag::POS {
                start -= 1;
                while start > 0
                    && doc.tokens[start - 1].kind == TokenKind::Word
                    && doc.tokens[start - 1].has(TokenFlags::CAPITALIZED)
                    && doc.token_sentence[start - 1] == doc.token_sentence[q.open as usize]
                {
                    start -= 1;
                }
            }
            TokenRange::new(start, close)
        })
        .collect();
    if titles.is_empty() {
        return;
    }
    // Titles come in text order; each attribution only needs those that reach into the
    // stretch from its first piece to its last. `reach[k]`: the furthest end of the first
    // k + 1 titles, so the titles before the first whose reach passes a start end before it.
    let sorted = titles.is_sorted_by_key(|t| t.start);
    let reach: Vec<u32> = titles
        .iter()
        .scan(0, |end, t| {
            *end = t.end.max(*end);
            Some(*end)
        })
        .collect();
    for a in attributions.iter_mut() {
        let (Some(first), Some(last)) = (a.content_tokens.first(), a.content_tokens.last()) else {
            continue;
        };
        let near = if sorted {
            let lo = reach.partition_point(|&end| end <= first.start);
            let hi = titles.partition_point(|t| t.start <= last.end);
            &titles[lo..hi.max(lo)]
        } else {
            &titles[..]
        };
        cut_out(doc, a, near);
        // What led up to a title (`in the documentary`) is no content without a verb.
        let lead_in = |p: &TokenRange| {
            near.iter().any(|t| t.start == p.end) && !p.range().any(|i| doc.tags[i].is_verb())
        };
        if a.content_tokens.iter().any(lead_in) {
            super::retain_pieces(doc, a, |p| !lead_in(p));
        }
    }
    attributions.retain(|a| !a.content_tokens.is_empty());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Options, Tagger, extract};

    fn titles(text: &str) -> Vec<String> {
        let doc = extract(text, &Options::default());
        let lexicon = Lexicon::get();
        doc.quotations
            .iter()
            .filter(|q| is_work_title(&doc, lexicon, q))
            .map(|q| doc.slice(q.span).to_string())
            .collect()
    }

    #[test]
    fn recognises_titles() {
        assert_eq!(
            titles("He said Thursday on Fox News's “Fox and Friends.” Then he left."),
            ["“Fox and Friends.”"]
        );
        assert_eq!(
            titles("On “Face the Nation,” the senator spoke."),
            ["“Face the Nation,”"]
        );
        assert_eq!(
            titles("The director explains it in her new documentary “13th.”"),
            ["“13th.”"]
        );
        assert_eq!(
            titles("It was part of his 1994 “Contract with America.”"),
            ["“Contract with America.”"]
        );
    }

    #[test]
    fn quotations_are_not_titles() {
        // Speech, not title case.
        assert!(titles("“We will appeal,” the lawyer said.").is_empty());
        // Title case but not introduced as a title.
        assert!(titles("“Absolutely Not,” the minister said.").is_empty());
        // Introduced like one but a sentence of its own inside.
        assert!(titles("She said on “Monday. Tuesday.” more.").is_empty());
        // Too long.
        assert!(
            titles("He appeared on “One Two Three Four Five Six Seven Eight” again.").is_empty()
        );
        // A headline in title case quoting someone.
        assert!(titles("Clinton Aide Defends Hillary’s ‘Honesty Is In Question’").is_empty());
        // Scare quotes in lower case.
        assert!(titles("Critics called the plan a “band-aid” on Monday.").is_empty());
    }

    #[test]
    fn titles_are_never_content() {
        let text = "“He's absolutely right,” Flynn said Thursday on Fox News's “Fox and Friends.” \
                    “I mean, there's a lot of frustration.”";
        for tagger in [Tagger::Builtin, Tagger::RulesOnly] {
            let doc = extract(
                text,
                &Options {
                    tagger: tagger.clone(),
                    ..Options::default()
                },
            );
            for a in &doc.attributions {
                for c in &a.content {
                    let s = doc.slice(*c);
                    assert!(!s.contains("Friends"), "{s:?} is a title");
                    assert!(!s.contains("News"), "{s:?} holds the title's channel");
                }
            }
            assert!(doc.attributions.iter().any(|a| {
                a.content
                    .iter()
                    .any(|c| doc.slice(*c).contains("absolutely"))
            }));
        }
    }
}
