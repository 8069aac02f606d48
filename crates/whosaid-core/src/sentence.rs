//! Sentences: an abbreviation-aware splitter for news text.
//!
//! A sentence ends at `.`, `!`, `?` or an ellipsis (together with the closing quotation
//! marks and brackets glued to it) when the next token can start a sentence: a capitalised
//! word, a number, an opening quotation mark or bracket. Abbreviations keep their period
//! inside their token (`Mr.`, `U.S.`), so they end a sentence only when the next word is
//! a capitalised function word ("in the U.S. The president said") and never when they are
//! titles (`Gen.`, `Mr.`). A paragraph always starts a sentence. Runaway sentences (a 100 MB
//! line without punctuation) are cut every [`MAX_SENTENCE_TOKENS`] tokens so that later
//! passes stay linear.

use crate::lexicon::Lexicon;
use crate::pos::Tag;
use crate::segment::{Segment, segments_from_starts};
use crate::token::{Token, TokenFlags, TokenKind};

/// The longest sentence, in tokens, before it is cut.
pub const MAX_SENTENCE_TOKENS: usize = 400;

/// Splits the tokens into sentences that never cross a paragraph boundary.
pub fn sentences(
    text: &str,
    tokens: &[Token],
    tags: &[Tag],
    paragraphs: &[Segment],
    lexicon: &Lexicon,
) -> Vec<Segment> {
    let mut starts = Vec::new();
    for p in paragraphs {
        let mut start = p.tokens.start as usize;
        starts.push(start);
        let end = p.tokens.end as usize;
        let mut i = start;
        while i < end {
            let boundary = ends_sentence(text, tokens, tags, i, end, lexicon);
            let next = match boundary {
                Some(next) => next,
                None => i + 1,
            };
            if next < end && (boundary.is_some() || next - start >= MAX_SENTENCE_TOKENS) {
                starts.push(next);
                start = next;
            }
            i = next;
        }
    }
    segments_from_starts(tokens, starts.into_iter())
}

/// If a sentence ends at token `i`, the index of the first token of the next one.
fn ends_sentence(
    text: &str,
    tokens: &[Token],
    tags: &[Tag],
    i: usize,
    end: usize,
    lexicon: &Lexicon,
) -> Option<usize> {
    let t = &tokens[i];
    let s = &text[t.span];
    let is_final = t.kind == TokenKind::Punct && matches!(s, "." | "!" | "?" | "…" | "...");
    let is_abbrev = t.has(TokenFlags::ABBREVIATION);
    if !is_final && !is_abbrev {
        return None;
    }
    // Glue closing quotes and brackets that touch the punctuation.
    let mut j = i + 1;
    while j < end {
        let n = &tokens[j];
        let glued = !n.has(TokenFlags::SPACE_BEFORE)
            && (n.kind == TokenKind::Quote || matches!(&text[n.span], ")" | "]" | "." | "!" | "?"));
        if glued {
            j += 1;
        } else {
            break;
        }
    }
    if j >= end {
        return Some(j);
    }
    let n = &tokens[j];
    let next_text = &text[n.span];
    let starts_like_sentence = match n.kind {
        TokenKind::Word => n.is_capitalized(),
        TokenKind::Number => true,
        TokenKind::Quote => true,
        TokenKind::Punct => matches!(next_text, "(" | "["),
        TokenKind::Dash => false,
        TokenKind::Symbol => false,
    };
    if !starts_like_sentence {
        return None;
    }
    if is_abbrev && !is_final {
        if lexicon.is_title_abbreviation(s) || s.chars().count() <= 2 {
            return None;
        }
        // Only before a capitalised function word or a new quotation.
        let function_word = matches!(
            tags[j],
            Tag::DT
                | Tag::PRP
                | Tag::PRPS
                | Tag::IN
                | Tag::CC
                | Tag::WRB
                | Tag::WP
                | Tag::EX
                | Tag::RB
                | Tag::TO
                | Tag::MD
        );
        if !(function_word || n.kind == TokenKind::Quote) {
            return None;
        }
    }
    Some(j)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paragraph::paragraphs;
    use crate::pos::tag;
    use crate::token::tokenize;

    fn split(text: &str) -> Vec<&str> {
        let lex = Lexicon::get();
        let toks = tokenize(text, lex);
        let tags = tag(text, &toks, &lex.lexeme_ids_of(text, &toks), lex);
        let paras = paragraphs(text, &toks);
        sentences(text, &toks, &tags, &paras, lex)
            .iter()
            .map(|s| &text[s.span])
            .collect()
    }

    #[test]
    fn splits_on_final_punctuation() {
        assert_eq!(
            split("He left. She stayed! Why? Nobody knows."),
            ["He left.", "She stayed!", "Why?", "Nobody knows."]
        );
    }

    #[test]
    fn keeps_titles_and_initials() {
        assert_eq!(
            split("Gen. Mark Milley met Mr. Esper and J. Smith."),
            ["Gen. Mark Milley met Mr. Esper and J. Smith."]
        );
    }

    #[test]
    fn abbreviation_at_sentence_end() {
        assert_eq!(
            split("Troops left the U.S. The president said so."),
            ["Troops left the U.S.", "The president said so."]
        );
        assert_eq!(
            split("He met U.S. President Trump."),
            ["He met U.S. President Trump."]
        );
    }

    #[test]
    fn quotes_stay_with_their_sentence() {
        assert_eq!(
            split("“We will win.” Stoltenberg said."),
            ["“We will win.”", "Stoltenberg said."]
        );
        assert_eq!(split("“Why now?” she asked."), ["“Why now?” she asked."]);
    }

    #[test]
    fn paragraphs_split_sentences() {
        assert_eq!(
            split("No period here\n\nNext one"),
            ["No period here", "Next one"]
        );
    }

    #[test]
    fn runaway_sentences_are_cut() {
        let text = "word ".repeat(1000);
        let s = split(&text);
        assert!(s.len() >= 2);
        assert_eq!(
            s.iter()
                .map(|x| x.split_whitespace().count())
                .sum::<usize>(),
            1000
        );
    }
}
