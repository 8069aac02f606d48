//! Tokenisation: the first pass, from text to a flat array of [`Token`]s.
//!
//! The tokenizer is a single forward scan over the bytes of the text with an ASCII fast
//! path. It keeps every character of the text in exactly one token or in the whitespace
//! between tokens, so any run of tokens maps back to an exact slice of the input.
//!
//! Splitting follows news conventions rather than full Penn Treebank rules: possessive
//! `'s` and negative `n't` become tokens of their own (they matter for finding speakers),
//! abbreviations keep their period (`Mr.`, `U.S.`, `Gen.`), numbers keep their separators
//! (`1,000`, `3.5`), dashes (`—`, `–`, `--`, a spaced hyphen) and quotation marks are
//! tokens of their own kinds.

use crate::lexicon::Lexicon;
use crate::span::Span;

/// What a token is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Letters (possibly with digits, internal hyphens, apostrophes or periods).
    Word,
    /// Digits with optional separators (`1,000`, `3.5`, `2020`).
    Number,
    /// A quotation mark or apostrophe that may act as one (`"`, `“`, `’`, `''`, `«`, …).
    Quote,
    /// A dash used as punctuation (`—`, `–`, `--`, a hyphen with spaces around it).
    Dash,
    /// Other punctuation (`.`, `,`, `:`, `;`, `!`, `?`, `…`, brackets).
    Punct,
    /// Anything else (`$`, `%`, `&`, emoji, control characters).
    Symbol,
}

/// Bit flags describing a token's surroundings and shape.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TokenFlags(u16);

impl TokenFlags {
    /// Whitespace precedes the token (or it starts the text).
    pub const SPACE_BEFORE: u16 = 1;
    /// A line break precedes the token.
    pub const NEWLINE_BEFORE: u16 = 1 << 1;
    /// The token starts a paragraph.
    pub const PARA_START: u16 = 1 << 2;
    /// The first character is an uppercase letter.
    pub const CAPITALIZED: u16 = 1 << 3;
    /// Every letter is uppercase and there are at least two letters.
    pub const ALL_CAPS: u16 = 1 << 4;
    /// The token ends with an abbreviation period (`Mr.`, `U.S.`).
    pub const ABBREVIATION: u16 = 1 << 5;
    /// The token contains a digit.
    pub const HAS_DIGIT: u16 = 1 << 6;
    /// The token is a clitic split off a word (`'s`, `n't`).
    pub const CLITIC: u16 = 1 << 7;
    /// Whitespace follows the token (or it ends the text).
    pub const SPACE_AFTER: u16 = 1 << 8;

    /// Whether all bits of `flag` are set.
    #[inline]
    pub fn has(self, flag: u16) -> bool {
        self.0 & flag == flag
    }

    /// Sets the bits of `flag`.
    #[inline]
    pub fn set(&mut self, flag: u16) {
        self.0 |= flag;
    }
}

/// One token: a span of the text with its kind and flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Where the token is in the text.
    pub span: Span,
    /// What the token is made of.
    pub kind: TokenKind,
    /// Shape and surroundings.
    pub flags: TokenFlags,
}

impl Token {
    /// Whether all bits of `flag` are set on this token.
    #[inline]
    pub fn has(&self, flag: u16) -> bool {
        self.flags.has(flag)
    }

    /// Whether the token is a word or number starting with an uppercase letter.
    #[inline]
    pub fn is_capitalized(&self) -> bool {
        self.has(TokenFlags::CAPITALIZED)
    }
}

/// Whether `c` joins letters into a word when it stands between two of them.
fn is_inner_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’')
}

fn is_quote_char(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '`'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '«'
            | '»'
            | '„'
            | '‟'
            | '‹'
            | '›'
            | '‚'
            | '″'
            | '＂'
    )
}

fn is_dash_char(c: char) -> bool {
    matches!(c, '—' | '–' | '‒' | '―' | '⸺' | '⸻')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\u{AD}'
}

/// Splits `text` into tokens.
///
/// Never fails: any byte sequence of valid UTF-8 is covered; characters that are neither
/// letters, digits nor punctuation become [`TokenKind::Symbol`] tokens.
pub fn tokenize(text: &str, lexicon: &Lexicon) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(text.len() / 5 + 1);
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut newlines = 0usize;
    let mut space = true;
    let mut first_in_text = true;
    while i < bytes.len() {
        let b = bytes[i];
        // Whitespace.
        if b == b' ' || b == b'\t' || b == b'\r' || b == 0x0c || b == 0x0b {
            space = true;
            i += 1;
            continue;
        }
        if b == b'\n' {
            space = true;
            newlines += 1;
            i += 1;
            continue;
        }
        let c = char_at(text, i);
        if b >= 0x80 && c.is_whitespace() {
            space = true;
            if c == '\u{2028}' || c == '\u{2029}' || c == '\u{85}' {
                newlines += 1;
            }
            i += c.len_utf8();
            continue;
        }
        let start = i;
        let (end, kind, extra) = scan_token(text, i, c, lexicon);
        let mut flags = TokenFlags::default();
        flags.set(extra);
        if space {
            flags.set(TokenFlags::SPACE_BEFORE);
        }
        if newlines > 0 || first_in_text {
            flags.set(TokenFlags::NEWLINE_BEFORE);
        }
        if newlines >= 2 || first_in_text {
            flags.set(TokenFlags::PARA_START);
        }
        if matches!(kind, TokenKind::Word | TokenKind::Number) {
            shape_flags(&text[start..end], &mut flags);
        }
        push_token(&mut tokens, text, Span::new(start, end), kind, flags);
        i = end;
        space = false;
        newlines = 0;
        first_in_text = false;
    }
    // SPACE_AFTER: derived from the next token's SPACE_BEFORE.
    let n = tokens.len();
    for k in 0..n {
        let after = if k + 1 < n {
            tokens[k + 1].has(TokenFlags::SPACE_BEFORE)
        } else {
            true
        };
        if after {
            tokens[k].flags.set(TokenFlags::SPACE_AFTER);
        }
    }
    tokens
}

/// Pushes a word token, splitting off a possessive `'s` or a negative `n't` clitic.
fn push_token(tokens: &mut Vec<Token>, text: &str, span: Span, kind: TokenKind, flags: TokenFlags) {
    if kind == TokenKind::Word && !flags.has(TokenFlags::ABBREVIATION) {
        let word = &text[span];
        if let Some(split) = clitic_split(word) {
            let cut = span.start as usize + split;
            let mut head_flags = flags;
            head_flags.0 &= !TokenFlags::SPACE_AFTER;
            tokens.push(Token {
                span: Span::new(span.start as usize, cut),
                kind,
                flags: head_flags,
            });
            let mut tail = TokenFlags::default();
            tail.set(TokenFlags::CLITIC);
            tokens.push(Token {
                span: Span::new(cut, span.end as usize),
                kind,
                flags: tail,
            });
            return;
        }
    }
    tokens.push(Token { span, kind, flags });
}

/// Where to split a clitic off `word`, if it ends with one.
fn clitic_split(word: &str) -> Option<usize> {
    let lower_tail = |n: usize| -> Option<&str> { word.get(word.len().checked_sub(n)?..) };
    for (suffix_len, apostrophe_at) in [(2usize, 0usize), (4, 0)] {
        let _ = apostrophe_at;
        let _ = suffix_len;
    }
    // 's / ’s possessive or contraction.
    for ap in ["'s", "’s", "'S", "’S"] {
        if let Some(t) = lower_tail(ap.len())
            && t == ap
            && word.len() > ap.len()
        {
            return Some(word.len() - ap.len());
        }
    }
    // n't / n’t
    for neg in ["n't", "n’t", "N'T", "N’T"] {
        if let Some(t) = lower_tail(neg.len())
            && t == neg
            && word.len() > neg.len()
        {
            return Some(word.len() - neg.len());
        }
    }
    None
}

fn shape_flags(word: &str, flags: &mut TokenFlags) {
    let mut letters = 0usize;
    let mut upper = 0usize;
    let mut first_letter_upper = None;
    for c in word.chars() {
        if c.is_ascii_digit() || c.is_numeric() {
            flags.set(TokenFlags::HAS_DIGIT);
        }
        if c.is_alphabetic() {
            letters += 1;
            let up = c.is_uppercase();
            if up {
                upper += 1;
            }
            if first_letter_upper.is_none() {
                first_letter_upper = Some(up);
            }
        }
    }
    if word.chars().next().is_some_and(|c| c.is_uppercase()) {
        flags.set(TokenFlags::CAPITALIZED);
    }
    if letters >= 2 && upper == letters {
        flags.set(TokenFlags::ALL_CAPS);
    }
}

#[inline]
fn char_at(text: &str, i: usize) -> char {
    text[i..].chars().next().unwrap_or('\u{FFFD}')
}

#[inline]
fn next_char(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|s| s.chars().next())
}

/// Scans one token starting at byte `i` (whose character is `c`); returns its end, kind and
/// extra flags.
fn scan_token(text: &str, i: usize, c: char, lexicon: &Lexicon) -> (usize, TokenKind, u16) {
    let bytes = text.as_bytes();
    // Quotation marks: `''` and ``` `` ``` pairs are one token (a TeX-style double quote).
    if is_quote_char(c) {
        let len = c.len_utf8();
        if (c == '\'' || c == '`') && bytes.get(i + 1) == Some(&(c as u8)) {
            return (i + 2, TokenKind::Quote, 0);
        }
        // An apostrophe directly followed by a letter and preceded by a word character that
        // we did not join (e.g. "'90s") is still a quote token; roles are decided later.
        return (i + len, TokenKind::Quote, 0);
    }
    if is_dash_char(c) {
        let mut end = i + c.len_utf8();
        while let Some(n) = next_char(text, end) {
            if is_dash_char(n) {
                end += n.len_utf8();
            } else {
                break;
            }
        }
        return (end, TokenKind::Dash, 0);
    }
    if c == '-' {
        let mut end = i + 1;
        while bytes.get(end) == Some(&b'-') {
            end += 1;
        }
        let spaced_before = i == 0 || matches!(bytes[i - 1], b' ' | b'\n' | b'\t' | b'\r');
        let spaced_after = end >= bytes.len() || matches!(bytes[end], b' ' | b'\n' | b'\t' | b'\r');
        if end - i >= 2 || (spaced_before && spaced_after) {
            return (end, TokenKind::Dash, 0);
        }
        return (end, TokenKind::Punct, 0);
    }
    if c == '.' {
        // Ellipsis "..." (with optional spaces between the dots is not handled: rare).
        let mut end = i + 1;
        while bytes.get(end) == Some(&b'.') {
            end += 1;
        }
        return (end, TokenKind::Punct, 0);
    }
    if is_word_char(c) {
        return scan_word(text, i, lexicon);
    }
    if c.is_ascii_punctuation() || is_unicode_punct(c) {
        return (i + c.len_utf8(), TokenKind::Punct, 0);
    }
    (i + c.len_utf8(), TokenKind::Symbol, 0)
}

fn is_unicode_punct(c: char) -> bool {
    matches!(
        c,
        '…' | '¿'
            | '¡'
            | '·'
            | '•'
            | '‹'
            | '›'
            | '（'
            | '）'
            | '、'
            | '。'
            | '，'
            | '：'
            | '；'
    )
}

/// Scans a word or number starting at byte `i`.
fn scan_word(text: &str, i: usize, lexicon: &Lexicon) -> (usize, TokenKind, u16) {
    let bytes = text.as_bytes();
    let mut end = i;
    let mut all_digits = true;
    while let Some(c) = next_char(text, end) {
        if is_word_char(c) {
            if !(c.is_ascii_digit()) {
                all_digits = false;
            }
            end += c.len_utf8();
            continue;
        }
        // Joiners: a character between two word characters.
        let after = end + c.len_utf8();
        let Some(n) = next_char(text, after) else {
            break;
        };
        if !is_word_char(n) {
            break;
        }
        let prev = text[..end].chars().next_back().unwrap_or(' ');
        let joins = match c {
            '-' | '‐' | '‑' | '/' | '&' => {
                !(c == '/' || c == '&') || (prev.is_uppercase() && n.is_uppercase())
            }
            c if is_inner_apostrophe(c) => prev.is_alphabetic() && n.is_alphabetic(),
            ',' => prev.is_ascii_digit() && n.is_ascii_digit() && digits_group_ok(text, after),
            '.' => {
                (prev.is_ascii_digit() && n.is_ascii_digit())
                    || (prev.is_alphabetic()
                        && n.is_alphabetic()
                        && single_letter_before(text, end)
                        && single_letter_after(text, after))
            }
            _ => false,
        };
        if !joins {
            break;
        }
        end = after;
    }
    let mut flags = 0u16;
    // Trailing abbreviation period.
    if bytes.get(end) == Some(&b'.') && bytes.get(end + 1) != Some(&b'.') {
        let word = &text[i..end];
        let with_dot = &text[i..end + 1];
        let initialism = word.contains('.'); // U.S, a.m → U.S., a.m.
        let single_letter = word.chars().count() == 1 && word.chars().all(|c| c.is_alphabetic());
        if initialism || single_letter || lexicon.is_abbreviation(with_dot) {
            end += 1;
            flags |= TokenFlags::ABBREVIATION;
        }
    }
    let kind = if all_digits || is_numeric_word(&text[i..end]) {
        TokenKind::Number
    } else {
        TokenKind::Word
    };
    (end, kind, flags)
}

fn is_numeric_word(w: &str) -> bool {
    w.chars().next().is_some_and(|c| c.is_ascii_digit())
        && w.chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

/// A thousands group after a comma has exactly three digits.
fn digits_group_ok(text: &str, at: usize) -> bool {
    let b = text.as_bytes();
    at + 3 <= b.len()
        && b[at..at + 3].iter().all(|c| c.is_ascii_digit())
        && b.get(at + 3).is_none_or(|c| !c.is_ascii_digit())
}

fn single_letter_before(text: &str, end: usize) -> bool {
    let mut it = text[..end].chars().rev();
    let _ = it.next();
    match it.next() {
        None => true,
        Some(c) => !c.is_alphanumeric(),
    }
}

fn single_letter_after(text: &str, at: usize) -> bool {
    let mut it = text[at..].chars();
    let _ = it.next();
    match it.next() {
        None => true,
        Some(c) => !c.is_alphanumeric(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<&str> {
        let lex = Lexicon::get();
        tokenize(text, lex).iter().map(|t| &text[t.span]).collect()
    }

    #[test]
    fn splits_words_and_punctuation() {
        assert_eq!(
            toks("He said, “Yes.”"),
            ["He", "said", ",", "“", "Yes", ".", "”"]
        );
    }

    #[test]
    fn keeps_abbreviations_and_numbers() {
        assert_eq!(
            toks("Mr. Esper met U.S. troops at 3.5 p.m. on 1,000 sites."),
            [
                "Mr.", "Esper", "met", "U.S.", "troops", "at", "3.5", "p.m.", "on", "1,000",
                "sites", "."
            ]
        );
    }

    #[test]
    fn splits_clitics() {
        assert_eq!(
            toks("the defense minister’s meeting; don't"),
            [
                "the", "defense", "minister", "’s", "meeting", ";", "do", "n't"
            ]
        );
        assert_eq!(toks("O'Brien's"), ["O'Brien", "'s"]);
    }

    #[test]
    fn dashes_and_quotes() {
        assert_eq!(
            toks("objective — of ''this'' -- and - that"),
            [
                "objective",
                "—",
                "of",
                "''",
                "this",
                "''",
                "--",
                "and",
                "-",
                "that"
            ]
        );
        assert_eq!(toks("well-known"), ["well-known"]);
    }

    #[test]
    fn paragraph_flags() {
        let lex = Lexicon::get();
        let text = "One.\n\nTwo\nthree";
        let t = tokenize(text, lex);
        assert!(t[0].has(TokenFlags::PARA_START));
        assert!(t[2].has(TokenFlags::PARA_START));
        assert!(t[3].has(TokenFlags::NEWLINE_BEFORE) && !t[3].has(TokenFlags::PARA_START));
    }

    #[test]
    fn covers_any_text() {
        for text in [
            "",
            "\u{0}\u{1}",
            "…",
            "'",
            "a'",
            "''''",
            "--",
            "Ünïcödé wörds",
            "日本語のテキスト",
        ] {
            let lex = Lexicon::get();
            let t = tokenize(text, lex);
            for tok in &t {
                assert!(text.is_char_boundary(tok.span.start as usize));
                assert!(text.is_char_boundary(tok.span.end as usize));
                assert!(!tok.span.is_empty());
            }
        }
    }
}
