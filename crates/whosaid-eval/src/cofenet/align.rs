//! Aligning Penn-Treebank tokens to the article text they came from.
//!
//! CofeNet's tokens are CoreNLP's normalised forms: quotes become `` `` `` / `''`, brackets
//! `-LRB-`, dashes `--`, ellipses `...`, spaces inside a token become U+00A0, and an
//! abbreviation ending a sentence gets an extra `.` token that has no character of its own.
//! Its "sentences" are groups of CoreNLP sentences joined by the relations that span them,
//! and a group can pull in a sentence from further down the article: the token sequence of
//! a document is *not* always in text order.
//!
//! The aligner therefore works on a whole document's token sequence and keeps track of the
//! characters already used. It scans forward, skipping whitespace, and takes a token at the
//! scan position when it and the next token match there (with CoreNLP's normalisations
//! undone). Otherwise it looks for the place where the next few tokens match in a row on
//! unused text — first after the scan position, then from the start of the article — and
//! jumps there. A token found nowhere is recorded as failed, with an empty span, and the scan
//! position stays put.
//!
//! ```
//! use whosaid_eval::cofenet::align::{align_tokens, TokenStatus};
//! let text: Vec<char> = "“Yes…” (he said)".chars().collect();
//! let tokens = ["``", "Yes", "...", "''", "-LRB-", "he", "said", "-RRB-"];
//! let aligned = align_tokens(&text, &tokens);
//! assert!(aligned.iter().all(|t| t.status == TokenStatus::Exact));
//! assert_eq!(aligned[2].span.slice(&text), "…");
//! ```

use crate::span::CharSpan;

/// How a token was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStatus {
    /// At the scan position, after normalisation.
    Exact,
    /// A token with no characters of its own (the extra `.` after a sentence-final
    /// abbreviation): given the previous token's last character.
    Synthetic,
    /// Found elsewhere than the scan position (after skipping some characters, or in a
    /// sentence that the CofeNet file moved out of text order).
    Resynced,
    /// Not found: an empty span at the scan position.
    Failed,
}

/// A token with its place in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlignedToken {
    /// Code-point span in the article text (empty when the token failed).
    pub span: CharSpan,
    /// How the token was found.
    pub status: TokenStatus,
}

/// How many tokens in a row must match for a jump to another place in the text.
const JUMP_RUN: usize = 4;
/// How far ahead (in characters) a single token may be looked for when no run matches.
const NEARBY: usize = 64;

/// Aligns one document's tokens (all its sentences, in file order) to its text.
pub fn align_tokens<S: AsRef<str>>(text: &[char], tokens: &[S]) -> Vec<AlignedToken> {
    let toks: Vec<Vec<char>> = tokens.iter().map(|t| unescape(t.as_ref())).collect();
    let mut aligner = Aligner {
        text,
        toks: &toks,
        used: vec![false; text.len()],
    };
    let mut pos = 0;
    let mut out: Vec<AlignedToken> = Vec::with_capacity(toks.len());
    for i in 0..toks.len() {
        let prev = out.last().map(|t| t.span);
        let p = skip_space(text, pos);
        let token = aligner.place(i, p, prev);
        if token.status != TokenStatus::Synthetic {
            aligner.used[token.span.start..token.span.end].fill(true);
            if token.status != TokenStatus::Failed {
                pos = token.span.end;
            }
        }
        out.push(token);
    }
    out
}

struct Aligner<'a> {
    text: &'a [char],
    toks: &'a [Vec<char>],
    used: Vec<bool>,
}

impl Aligner<'_> {
    fn place(&self, i: usize, p: usize, prev: Option<CharSpan>) -> AlignedToken {
        let at = |span: CharSpan, status| AlignedToken { span, status };
        // The usual case: this token and the next one follow on at the scan position.
        if let Some(first) = self.run_at(i, p, 2, prev) {
            return first;
        }
        let here = self.run_at(i, p, 1, prev);
        if let Some(t) = here.filter(|t| t.status == TokenStatus::Synthetic) {
            return t;
        }
        let run = JUMP_RUN.min(self.toks.len() - i);
        // Jumps land where a word starts: a run that begins inside a word (a closing quote
        // right after "?") is the end of a sentence that belongs here, not a moved sentence.
        let word_start = |q: usize| q == 0 || self.text[q - 1].is_whitespace();
        // Longer runs first; a run can be cut short by the next moved sentence.
        let far = (2..=run.max(2)).rev().find_map(|count| {
            (p + 1..self.text.len())
                .chain(0..p.min(self.text.len()))
                .filter(|&q| word_start(q))
                .find_map(|q| {
                    self.run_at(i, q, count, prev)
                        .filter(|_| i + count <= self.toks.len())
                })
        });
        if let Some(t) = far.or(here) {
            let status = if t.span.start == p {
                TokenStatus::Exact
            } else {
                TokenStatus::Resynced
            };
            return at(t.span, status);
        }
        let near =
            (p + 1..self.text.len().min(p + NEARBY)).find_map(|q| self.run_at(i, q, 1, prev));
        match near {
            Some(t) => at(t.span, TokenStatus::Resynced),
            None => at(CharSpan { start: p, end: p }, TokenStatus::Failed),
        }
    }

    /// Matches tokens `i..i+count` in a row from `q` on unused text; returns the first one.
    fn run_at(
        &self,
        i: usize,
        q: usize,
        count: usize,
        prev: Option<CharSpan>,
    ) -> Option<AlignedToken> {
        let mut cursor = q;
        let mut prev = prev;
        let mut first = None;
        for tok in self.toks.iter().skip(i).take(count) {
            let start = if first.is_none() {
                cursor
            } else {
                skip_space(self.text, cursor)
            };
            let token = match match_at(tok, self.text, start) {
                Some(end) if !self.used[start..end].contains(&true) => {
                    cursor = end;
                    AlignedToken {
                        span: CharSpan { start, end },
                        status: TokenStatus::Exact,
                    }
                }
                _ => AlignedToken {
                    span: synthetic_period(tok, self.text, prev)?,
                    status: TokenStatus::Synthetic,
                },
            };
            prev = Some(token.span);
            first.get_or_insert(token);
        }
        first
    }
}

/// The extra `.` CoreNLP emits after an abbreviation that ends a sentence (`Del.` `.`).
fn synthetic_period(tok: &[char], text: &[char], prev: Option<CharSpan>) -> Option<CharSpan> {
    let prev = prev?;
    (tok == ['.'] && prev.end > prev.start && text.get(prev.end - 1) == Some(&'.')).then_some(
        CharSpan {
            start: prev.end - 1,
            end: prev.end,
        },
    )
}

/// Characters the tokenizer drops without trace (zero-width and soft hyphen).
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

fn skip_space(text: &[char], mut pos: usize) -> usize {
    while pos < text.len() && (text[pos].is_whitespace() || is_invisible(text[pos])) {
        pos += 1;
    }
    pos
}

/// Undoes whole-token PTB escapes (`-LRB-` …) and backslash escapes (`\/`, `\*`).
fn unescape(token: &str) -> Vec<char> {
    let whole = match token {
        "-LRB-" => "(",
        "-RRB-" => ")",
        "-LSB-" => "[",
        "-RSB-" => "]",
        "-LCB-" => "{",
        "-RCB-" => "}",
        _ => token,
    };
    let mut out = Vec::with_capacity(whole.len());
    let mut chars = whole.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|n| matches!(n, '/' | '*')) {
            continue;
        }
        out.push(c);
    }
    out
}

fn quote_weight(c: char) -> Option<usize> {
    match c {
        '"' | '“' | '”' | '„' | '‟' | '″' | '«' | '»' => Some(2),
        '\'' | '`' | '‘' | '’' | '‚' | '‛' | '′' | '‹' | '›' => Some(1),
        _ => None,
    }
}

/// Where `tok` ends if it matches `text` at `pos`.
fn match_at(tok: &[char], text: &[char], pos: usize) -> Option<usize> {
    if tok.is_empty() || pos >= text.len() {
        return None;
    }
    // Tokens made of quote marks only ("``", "''", "'''", "`"): match a run of quotation
    // marks of the same total width, counting a double mark as two single ones.
    if tok.iter().all(|&c| matches!(c, '`' | '\'' | '"')) {
        let want: usize = tok.iter().map(|&c| quote_weight(c).unwrap_or(1)).sum();
        let mut got = 0;
        let mut end = pos;
        while got < want && end < text.len() {
            match quote_weight(text[end]) {
                Some(w) => {
                    got += w;
                    end += 1;
                }
                None => break,
            }
        }
        return (got == want).then_some(end);
    }
    match_from(tok, 0, text, pos)
}

/// Multi-character token forms and what they may stand for in the text.
const PATTERNS: &[(&str, &[&str])] = &[
    ("...", &["…", "...", ". . ."]),
    ("--", &["—", "–", "―", "‒", "---", "--", "−", "-"]),
    ("``", &["“", "\"", "``", "‘‘", "„", "«"]),
    ("''", &["”", "\"", "''", "’’", "″", "»"]),
    ("&", &["&amp;", "&"]),
];

fn match_from(tok: &[char], ti: usize, text: &[char], xi: usize) -> Option<usize> {
    if ti == tok.len() {
        return Some(xi);
    }
    if xi < text.len()
        && ti > 0
        && is_invisible(text[xi])
        && let Some(end) = match_from(tok, ti, text, xi + 1)
    {
        return Some(end);
    }
    for (pattern, alternatives) in PATTERNS {
        let pattern: Vec<char> = pattern.chars().collect();
        if tok[ti..].starts_with(&pattern) {
            for alternative in alternatives.iter() {
                let alt: Vec<char> = alternative.chars().collect();
                if text.get(xi..xi + alt.len()) == Some(&alt[..])
                    && let Some(end) = match_from(tok, ti + pattern.len(), text, xi + alt.len())
                {
                    return Some(end);
                }
            }
        }
    }
    let t = *text.get(xi)?;
    let c = tok[ti];
    if c == '\u{00A0}' {
        // A space inside a token: one or more whitespace characters of the text.
        let mut end = xi;
        while end < text.len() && text[end].is_whitespace() {
            end += 1;
        }
        return if end > xi {
            match_from(tok, ti + 1, text, end)
        } else {
            None
        };
    }
    if same_char(c, t) {
        match_from(tok, ti + 1, text, xi + 1)
    } else {
        None
    }
}

/// Character equivalence under CoreNLP's normalisations.
fn same_char(token: char, text: char) -> bool {
    if token == text {
        return true;
    }
    match token {
        '\'' | '`' => quote_weight(text) == Some(1),
        '"' => quote_weight(text) == Some(2),
        '-' => matches!(text, '‐' | '‑' | '‒' | '–' | '—' | '−'),
        '#' => text == '£',
        '$' => matches!(text, '€' | '¥'),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn align(text: &str, tokens: &[&str]) -> (Vec<String>, Vec<TokenStatus>) {
        let t: Vec<char> = text.chars().collect();
        let a = align_tokens(&t, tokens);
        (
            a.iter().map(|x| x.span.slice(&t)).collect(),
            a.iter().map(|x| x.status).collect(),
        )
    }

    #[test]
    fn ptb_normalisations() {
        let (s, st) = align(
            "“It’s [over] — don’t…,” she said/wrote ‘O’Neil’s’ '90s.",
            &[
                "``",
                "It",
                "'s",
                "-LSB-",
                "over",
                "-RSB-",
                "--",
                "do",
                "n't",
                "...",
                ",",
                "''",
                "she",
                "said\\/wrote",
                "`",
                "O'Neil",
                "'s",
                "'",
                "'90s",
                ".",
            ],
        );
        assert!(st.iter().all(|x| *x == TokenStatus::Exact), "{st:?} {s:?}");
        assert_eq!(s[0], "“");
        assert_eq!(s[11], "”");
        assert_eq!(s[13], "said/wrote");
        assert_eq!(s[14], "‘");
        assert_eq!(s[17], "’");
    }

    #[test]
    fn quote_runs_match_by_width() {
        let (s, st) = align(
            "‘super predator,’” Cyril said",
            &["`", "super", "predator", ",", "'''", "Cyril", "said"],
        );
        assert!(st.iter().all(|x| *x == TokenStatus::Exact), "{st:?}");
        assert_eq!(s[4], "’”");
    }

    #[test]
    fn nbsp_inside_token_matches_any_space() {
        let (s, st) = align("<tweet  id=\"1\">\nok", &["<tweet\u{a0}id=\"1\">", "ok"]);
        assert_eq!(st, [TokenStatus::Exact, TokenStatus::Exact]);
        assert_eq!(s[0], "<tweet  id=\"1\">");
    }

    #[test]
    fn synthetic_period_after_abbreviation() {
        let (s, st) = align(
            "said Del. Stacey Plaskett",
            &["said", "Del.", ".", "Stacey", "Plaskett"],
        );
        assert_eq!(st[2], TokenStatus::Synthetic);
        assert_eq!(s[2], ".");
        assert_eq!(st[3], TokenStatus::Exact);
    }

    #[test]
    fn skipped_characters_and_unknown_tokens() {
        // "@@" is not in the tokens: the scan jumps over it.
        let (s, st) = align("a @@ b c", &["a", "b", "c"]);
        assert_eq!(
            st,
            [
                TokenStatus::Exact,
                TokenStatus::Resynced,
                TokenStatus::Exact
            ]
        );
        assert_eq!(s[1], "b");
        // "zzz" is nowhere: failed, empty span, the scan does not move.
        let (s, st) = align("a b c", &["a", "zzz", "b", "c"]);
        assert_eq!(
            st,
            [
                TokenStatus::Exact,
                TokenStatus::Failed,
                TokenStatus::Exact,
                TokenStatus::Exact
            ]
        );
        assert_eq!(s[1], "");
    }

    #[test]
    fn sentences_out_of_text_order() {
        // The file moved the third sentence before the second one.
        let text = "One two. Three four. \"Five six.\" Seven.";
        let tokens = [
            "One", "two", ".", "``", "Five", "six", ".", "''", "Three", "four", ".", "Seven", ".",
        ];
        let (s, st) = align(text, &tokens);
        assert!(!st.contains(&TokenStatus::Failed), "{st:?}");
        assert_eq!(
            s,
            [
                "One", "two", ".", "\"", "Five", "six", ".", "\"", "Three", "four", ".", "Seven",
                "."
            ]
        );
        let t: Vec<char> = text.chars().collect();
        assert_eq!(align_tokens(&t, &tokens)[11].span, CharSpan::new(33, 38));
    }

    #[test]
    fn used_text_is_not_matched_twice() {
        // "b" appears once; the second "b" token must fail rather than reuse it.
        let (_, st) = align("a b c", &["a", "b", "b", "c"]);
        assert_eq!(st[2], TokenStatus::Failed);
        assert_eq!(st[3], TokenStatus::Exact);
    }

    #[test]
    fn empty_inputs() {
        assert!(align_tokens::<&str>(&[], &[]).is_empty());
        assert_eq!(align_tokens(&[], &["x"])[0].status, TokenStatus::Failed);
    }
}
