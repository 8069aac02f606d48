//! Small text utilities shared by the scorers: word tokens, rough sentences, and the
//! classifiers behind the breakdowns (direct quote, pronoun source).
//!
//! All functions take the text as a slice of `char`s so that indices are code points.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::span::CharSpan;

/// Word tokens: maximal runs of alphanumeric characters, or single other non-space characters.
///
/// ```
/// use whosaid_eval::text::word_tokens;
/// let text: Vec<char> = "Obama's plan, 2016".chars().collect();
/// let words: Vec<String> = word_tokens(&text).iter().map(|s| s.slice(&text)).collect();
/// assert_eq!(words, ["Obama", "'", "s", "plan", ",", "2016"]);
/// ```
pub fn word_tokens(text: &[char]) -> Vec<CharSpan> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() {
            let start = i;
            while i < text.len() && text[i].is_alphanumeric() {
                i += 1;
            }
            tokens.push(CharSpan { start, end: i });
        } else {
            tokens.push(CharSpan {
                start: i,
                end: i + 1,
            });
            i += 1;
        }
    }
    tokens
}

/// Indices into `tokens` of the tokens that share at least one character with a piece.
///
/// `tokens` must be sorted by start (as [`word_tokens`] returns them).
pub fn covered_tokens(tokens: &[CharSpan], pieces: &[CharSpan]) -> Vec<usize> {
    let mut out = Vec::new();
    for piece in pieces {
        let first = tokens.partition_point(|t| t.end <= piece.start);
        out.extend((first..tokens.len()).take_while(|&i| tokens[i].start < piece.end));
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn lexicon(src: &'static str) -> impl Iterator<Item = &'static str> {
    src.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn abbreviations() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| lexicon(include_str!("../lexicon/abbreviations.txt")).collect())
}

fn pronouns() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| lexicon(include_str!("../lexicon/pronouns.txt")).collect())
}

const CLOSERS: &[char] = &['"', '\'', '”', '’', ')', ']', '»'];
const OPENERS: &[char] = &['"', '\'', '“', '‘', '(', '[', '«'];

/// Rough sentences, used only to cut error-analysis contexts and to ask "was anything
/// predicted near here": a line break always ends a sentence; `.`, `!` or `?` (with any
/// closing quotes or brackets) ends one when followed by space and an uppercase letter,
/// digit or opening quote, unless the full stop ends a known abbreviation or an initial.
pub fn sentences(text: &[char]) -> Vec<CharSpan> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        let mut boundary = None;
        if c == '\n' {
            boundary = Some(i + 1);
        } else if matches!(c, '.' | '!' | '?') && !(c == '.' && ends_abbreviation(text, i)) {
            let mut j = i + 1;
            while j < text.len() && CLOSERS.contains(&text[j]) {
                j += 1;
            }
            let mut k = j;
            while k < text.len() && text[k].is_whitespace() && text[k] != '\n' {
                k += 1;
            }
            let starts_sentence = k > j
                && k < text.len()
                && (text[k].is_uppercase()
                    || text[k].is_ascii_digit()
                    || OPENERS.contains(&text[k]));
            if starts_sentence {
                boundary = Some(j);
            }
        }
        if let Some(end) = boundary {
            push_trimmed(&mut out, text, start, end);
            start = end;
            i = end;
        } else {
            i += 1;
        }
    }
    push_trimmed(&mut out, text, start, text.len());
    out
}

fn push_trimmed(out: &mut Vec<CharSpan>, text: &[char], mut start: usize, mut end: usize) {
    while start < end && text[start].is_whitespace() {
        start += 1;
    }
    while end > start && text[end - 1].is_whitespace() {
        end -= 1;
    }
    if start < end {
        out.push(CharSpan { start, end });
    }
}

fn ends_abbreviation(text: &[char], dot: usize) -> bool {
    let mut start = dot;
    while start > 0 && !text[start - 1].is_whitespace() && !OPENERS.contains(&text[start - 1]) {
        start -= 1;
    }
    let word: String = text[start..dot].iter().collect();
    let single_initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    single_initial || abbreviations().contains(word.as_str())
}

fn is_double_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '‟' | '«' | '»')
}

fn is_single_quote(c: char) -> bool {
    matches!(c, '\'' | '‘' | '’' | '‚' | '‹' | '›' | '`')
}

/// True when a content span looks like a direct (or mixed) quotation: it contains a double
/// quotation mark (`"` `“` `”` `„` `«` `»`), an opening `‘`, or begins or ends (before final
/// punctuation) with a single quotation mark. A `'` or `’` inside a word is an apostrophe.
pub fn is_direct_quote(pieces: &[CharSpan], text: &[char]) -> bool {
    let chars: Vec<char> = pieces
        .iter()
        .flat_map(|p| {
            text[p.start.min(text.len())..p.end.min(text.len())]
                .iter()
                .copied()
        })
        .collect();
    if chars.iter().any(|&c| is_double_quote(c) || c == '‘') {
        return true;
    }
    let first = chars.iter().copied().find(|c| !c.is_whitespace());
    let last = chars
        .iter()
        .rev()
        .copied()
        .find(|c| !c.is_whitespace() && !matches!(c, '.' | ',' | ';' | ':' | '!' | '?'));
    first.is_some_and(is_single_quote) || last.is_some_and(is_single_quote)
}

/// True when a source span is a bare pronoun (`he`, `she`, `they`, `who`, `his`, …; the list
/// is `lexicon/pronouns.txt`), compared case-insensitively after trimming.
pub fn is_pronoun(source_text: &str) -> bool {
    let lower = source_text.trim().to_lowercase();
    pronouns().contains(lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn sentences_respect_abbreviations_and_quotes() {
        let t = chars("Sen. Smith said so. \"It works,\" he said.\nNext line? Yes.");
        let got: Vec<String> = sentences(&t).iter().map(|s| s.slice(&t)).collect();
        assert_eq!(
            got,
            [
                "Sen. Smith said so.",
                "\"It works,\" he said.",
                "Next line?",
                "Yes."
            ]
        );
    }

    #[test]
    fn direct_quote_detection() {
        let t = chars("“Yes,” he said that Trump’s plan is 'odd.'");
        assert!(is_direct_quote(&[CharSpan::new(0, 6)], &t));
        assert!(!is_direct_quote(&[CharSpan::new(20, 35)], &t));
        assert!(is_direct_quote(&[CharSpan::new(36, 42)], &t));
    }

    #[test]
    fn pronoun_detection() {
        assert!(is_pronoun(" He "));
        assert!(is_pronoun("their"));
        assert!(!is_pronoun("his spokesman"));
        assert!(!is_pronoun("Obama"));
    }

    #[test]
    fn covered_tokens_handles_pieces_and_partial_overlap() {
        let t = chars("ab cd ef gh");
        let toks = word_tokens(&t);
        assert_eq!(
            covered_tokens(&toks, &[CharSpan::new(1, 4), CharSpan::new(9, 11)]),
            [0, 1, 3]
        );
    }
}
