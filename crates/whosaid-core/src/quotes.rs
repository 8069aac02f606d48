//! Quotation marks: deciding what each mark does and pairing them.
//!
//! News text mixes typographic marks (`“…”`, `‘…’`, `«…»`, `„…“`), straight ones (`"…"`,
//! `'…'`) and TeX-style pairs (``` ``…'' ```, `''…''`). A mark's role comes first from the
//! character (a `“` opens, a `”` closes) and, for the ambiguous ones, from its position: a
//! straight mark after a space and before a word opens, one after a word and before a space
//! or punctuation closes. Marks are then paired with one stack per family (double, single)
//! inside each paragraph, so an unbalanced mark can never swallow more than its paragraph.
//!
//! A double quotation left open at the end of a paragraph is the news convention for a
//! quotation that continues: when the next paragraph opens with a double mark, the two are
//! chained ([`Quotation::next`]). A single mark that never closes was an apostrophe
//! (`'90s`, `rock 'n' roll`) and is dropped.

use crate::segment::Segment;
use crate::span::Span;
use crate::token::{Token, TokenFlags, TokenKind};

/// Which family of marks a quotation uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// Double marks: `"`, `“ ”`, `« »`, `„`, `''`, ``` `` ```.
    Double,
    /// Single marks: `'`, `‘ ’`, `‹ ›`, `‚`, `` ` ``.
    Single,
}

/// A quotation: a pair of marks (or an opening mark left unclosed) and what lies between.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quotation {
    /// Token index of the opening mark.
    pub open: u32,
    /// Token index of the closing mark; `None` when the quotation runs to the paragraph end.
    pub close: Option<u32>,
    /// From the opening mark to the closing one (or the paragraph end), marks included.
    pub span: Span,
    /// Token index one past the last token inside the quotation (the closing mark's index,
    /// or the paragraph end).
    pub inner_end: u32,
    /// Mark family.
    pub family: Family,
    /// Nesting depth: 0 for a top-level quotation.
    pub depth: u8,
    /// The quotation continues in the next paragraph (index into the quotation list).
    pub next: Option<u32>,
    /// This quotation continues one from the previous paragraph.
    pub prev: Option<u32>,
}

impl Quotation {
    /// Whether the quotation was left open without the news continuation convention.
    pub fn is_unbalanced(&self) -> bool {
        self.close.is_none() && self.next.is_none()
    }

    /// Tokens strictly inside the quotation marks.
    pub fn inner_tokens(&self) -> std::ops::Range<usize> {
        self.open as usize + 1..self.inner_end as usize
    }

    /// All tokens of the quotation, its marks included (to the paragraph end when it is
    /// left open).
    pub fn tokens(&self) -> std::ops::Range<usize> {
        self.open as usize..self.close.map_or(self.inner_end, |c| c + 1) as usize
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Open,
    Close,
    Either,
}

fn mark_info(text: &str, tokens: &[Token], i: usize) -> Option<(Family, Role)> {
    let t = &tokens[i];
    if t.kind != TokenKind::Quote {
        return None;
    }
    let s = &text[t.span];
    let before_space =
        t.has(TokenFlags::SPACE_BEFORE) || i == 0 || opens_context(text, &tokens[i - 1]);
    let after_space = t.has(TokenFlags::SPACE_AFTER)
        || i + 1 == tokens.len()
        || closes_context(text, &tokens[i + 1]);
    let positional = match (before_space, after_space) {
        (true, false) => Role::Open,
        (false, true) => Role::Close,
        _ => Role::Either,
    };
    let (family, fixed) = match s {
        "“" | "„" | "«" | "``" | "‟" => (Family::Double, Some(Role::Open)),
        "”" | "»" | "″" => (Family::Double, Some(Role::Close)),
        "\"" | "''" | "＂" => (Family::Double, None),
        "‘" | "‚" | "‹" | "`" => (Family::Single, Some(Role::Open)),
        "’" | "›" => (Family::Single, Some(Role::Close)),
        "'" => (Family::Single, None),
        _ => return None,
    };
    // An apostrophe before a digit elides a century ("'90s"); it is never a quotation mark.
    if family == Family::Single
        && i + 1 < tokens.len()
        && text[tokens[i + 1].span].starts_with(|c: char| c.is_ascii_digit())
        && !t.has(TokenFlags::SPACE_AFTER)
    {
        return None;
    }
    let role = match fixed {
        // A typographic mark is trusted unless its position flatly contradicts it
        // (some texts use ” for both ends, or » to open).
        Some(Role::Close) if positional == Role::Open && family == Family::Double => Role::Either,
        Some(Role::Open) if positional == Role::Close && s != "„" => Role::Either,
        Some(r) => r,
        None => positional,
    };
    Some((family, role))
}

fn opens_context(text: &str, prev: &Token) -> bool {
    matches!(prev.kind, TokenKind::Dash) || matches!(&text[prev.span], "(" | "[" | "{" | ":")
}

fn closes_context(text: &str, next: &Token) -> bool {
    match next.kind {
        TokenKind::Punct => !matches!(&text[next.span], "(" | "[" | "{"),
        TokenKind::Dash | TokenKind::Quote => true,
        _ => false,
    }
}

/// Pairs the quotation marks of each paragraph.
pub fn pair_quotes(text: &str, tokens: &[Token], paragraphs: &[Segment]) -> Vec<Quotation> {
    let mut out: Vec<Quotation> = Vec::new();
    for p in paragraphs {
        let mut stacks: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
        for i in p.tokens.range() {
            let Some((family, role)) = mark_info(text, tokens, i) else {
                continue;
            };
            let fam = family as usize;
            let can_close = matches!(role, Role::Close | Role::Either) && !stacks[fam].is_empty();
            if can_close {
                let Some(open) = stacks[fam].pop() else {
                    continue;
                };
                // "rock 'n' roll": a single letter between single marks is an elision.
                if family == Family::Single
                    && i == open + 2
                    && text[tokens[open + 1].span].chars().count() == 1
                {
                    continue;
                }
                // Singles opened inside this double and never closed were apostrophes.
                if family == Family::Double {
                    stacks[Family::Single as usize].retain(|&o| o < open);
                }
                let depth = (stacks[0].len() + stacks[1].len()) as u8;
                out.push(Quotation {
                    open: open as u32,
                    close: Some(i as u32),
                    span: Span::new(
                        tokens[open].span.start as usize,
                        tokens[i].span.end as usize,
                    ),
                    inner_end: i as u32,
                    family,
                    depth,
                    next: None,
                    prev: None,
                });
            } else if role != Role::Close {
                stacks[fam].push(i);
            }
        }
        // Unclosed doubles run to the paragraph end; unclosed singles were apostrophes.
        let end_tok = p.tokens.end as usize;
        let end = tokens[end_tok - 1].span.end as usize;
        for (k, &open) in stacks[Family::Double as usize].iter().enumerate() {
            out.push(Quotation {
                open: open as u32,
                close: None,
                span: Span::new(tokens[open].span.start as usize, end),
                inner_end: end_tok as u32,
                family: Family::Double,
                depth: k as u8,
                next: None,
                prev: None,
            });
        }
    }
    out.sort_by_key(|q| (q.span.start, std::cmp::Reverse(q.span.end)));
    link_continuations(&mut out);
    out
}

/// Chains a top-level quotation left open at a paragraph end to the quotation whose opening
/// mark is the first token of the next paragraph.
fn link_continuations(quotes: &mut [Quotation]) {
    for a in 0..quotes.len() {
        let q = quotes[a];
        if q.close.is_some() || q.depth != 0 || q.family != Family::Double {
            continue;
        }
        let next_start = q.inner_end;
        if let Some(b) = quotes
            .iter()
            .position(|x| x.open == next_start && x.family == Family::Double && x.depth == 0)
        {
            quotes[a].next = Some(b as u32);
            quotes[b].prev = Some(a as u32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Lexicon;
    use crate::paragraph::paragraphs;
    use crate::token::tokenize;

    fn quotes(text: &str) -> Vec<(String, bool, Option<u32>)> {
        let toks = tokenize(text, Lexicon::get());
        let paras = paragraphs(text, &toks);
        pair_quotes(text, &toks, &paras)
            .iter()
            .map(|q| (text[q.span].to_string(), q.close.is_some(), q.next))
            .collect()
    }

    #[test]
    fn curly_and_straight_pairs() {
        let q = quotes("He said “yes” and “no.” She said \"maybe,\" then 'fine'.");
        let texts: Vec<&str> = q.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(texts, ["“yes”", "“no.”", "\"maybe,\"", "'fine'"]);
    }

    #[test]
    fn token_ranges_with_and_without_marks() {
        let text = "He said “we will win” today.\n\n“Open to the end";
        let toks = tokenize(text, Lexicon::get());
        let q = pair_quotes(text, &toks, &paragraphs(text, &toks));
        // He said “ we will win ” today . | “ Open to the end
        assert_eq!((q[0].inner_tokens(), q[0].tokens()), (3..6, 2..7));
        assert_eq!(q[1].close, None);
        assert_eq!((q[1].inner_tokens(), q[1].tokens()), (10..14, 9..14));
    }

    #[test]
    fn nested_single_inside_double() {
        let q = quotes("“Ask them ‘why now?’ today,” she said.");
        assert_eq!(q[0].0, "“Ask them ‘why now?’ today,”");
        assert_eq!(q[1].0, "‘why now?’");
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        let q = quotes("In the '90s the players' union grew. Rock 'n' roll.");
        assert!(q.iter().all(|x| x.0.len() < 12), "{q:?}");
        let q = quotes("“The players’ union won,” he said.");
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].0, "“The players’ union won,”");
    }

    #[test]
    fn tex_style_pairs() {
        let q = quotes("''We are ready,'' he said. ``Fine,'' she said.");
        let texts: Vec<&str> = q.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(texts, ["''We are ready,''", "``Fine,''"]);
    }

    #[test]
    fn guillemets_and_low_marks() {
        let q = quotes("Il a dit «non». Er sagte „ja“.");
        let texts: Vec<&str> = q.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(texts, ["«non»", "„ja“"]);
    }

    #[test]
    fn multi_paragraph_quotation_chains() {
        let text = "“First part of it.\n\n“Second part,” he said.";
        let q = quotes(text);
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].0, "“First part of it.");
        assert!(!q[0].1);
        assert_eq!(q[0].2, Some(1));
        assert_eq!(q[1].0, "“Second part,”");
    }

    #[test]
    fn unbalanced_mark_stays_in_its_paragraph() {
        let text = "He said “this never ends.\n\nA new paragraph. “Quoted,” she said.";
        let q = quotes(text);
        assert_eq!(q[0].0, "“this never ends.");
        assert_eq!(q[0].2, None);
        assert_eq!(q[1].0, "“Quoted,”");
    }
}
