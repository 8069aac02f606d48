//! Paragraphs: blocks of text separated by line breaks.
//!
//! A blank line always ends a paragraph. A single line break ends one too, unless the line
//! visibly continues: it does not end with sentence punctuation, a closing quotation mark
//! or a colon, and the next line starts with a lowercase word (hard-wrapped text).

use crate::segment::{Segment, segments_from_starts};
use crate::token::{Token, TokenFlags, TokenKind};

/// Splits the tokens into paragraphs.
pub fn paragraphs(text: &str, tokens: &[Token]) -> Vec<Segment> {
    let starts = (0..tokens.len()).filter(|&i| starts_paragraph(text, tokens, i));
    segments_from_starts(tokens, starts)
}

fn starts_paragraph(text: &str, tokens: &[Token], i: usize) -> bool {
    let t = &tokens[i];
    if i == 0 || t.has(TokenFlags::PARA_START) {
        return true;
    }
    if !t.has(TokenFlags::NEWLINE_BEFORE) {
        return false;
    }
    let prev = &tokens[i - 1];
    let prev_text = &text[prev.span];
    let prev_closes = matches!(prev.kind, TokenKind::Quote | TokenKind::Punct)
        && matches!(
            prev_text,
            "." | "!" | "?" | "…" | "..." | ":" | "”" | "\"" | "’" | "'" | "''" | "»" | ")" | "]"
        );
    let next_lower = t.kind == TokenKind::Word && !t.is_capitalized();
    prev_closes || !next_lower
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Lexicon;
    use crate::token::tokenize;

    fn paras(text: &str) -> Vec<&str> {
        let toks = tokenize(text, Lexicon::get());
        paragraphs(text, &toks)
            .iter()
            .map(|p| &text[p.span])
            .collect()
    }

    #[test]
    fn blank_lines_and_single_breaks() {
        assert_eq!(
            paras("One. Two.\n\nThree.\nFour"),
            ["One. Two.", "Three.", "Four"]
        );
        assert_eq!(
            paras("a line that\ncontinues here.\n"),
            ["a line that\ncontinues here."]
        );
        assert!(paras("").is_empty());
        assert!(paras("\n\n \n").is_empty());
    }
}
