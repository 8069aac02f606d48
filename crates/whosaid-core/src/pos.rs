//! Part-of-speech tags: a fast most-frequent-tag tagger with contextual repairs.
//!
//! Each word takes the most frequent Penn Treebank tag the lexicon learned for it (see
//! `lexicon/pos.tsv` for its provenance); unknown words are guessed from their shape
//! (capitalisation, suffixes, digits). A handful of contextual rules then repair the commonest
//! ambiguities that matter for attribution: verb or noun after a determiner or "to",
//! past tense or participle after "has"/"was", and capitalised words inside sentences.

use crate::lexicon::{Lexeme, LexemeId, Lexicon, lower};
use crate::token::{Token, TokenFlags, TokenKind};

/// Penn Treebank part-of-speech tags (punctuation collapsed into a few classes).
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tag {
    CC,
    CD,
    DT,
    EX,
    FW,
    IN,
    JJ,
    JJR,
    JJS,
    LS,
    MD,
    NN,
    NNS,
    NNP,
    NNPS,
    PDT,
    POS,
    PRP,
    PRPS,
    RB,
    RBR,
    RBS,
    RP,
    SYM,
    TO,
    UH,
    VB,
    VBD,
    VBG,
    VBN,
    VBP,
    VBZ,
    WDT,
    WP,
    WPS,
    WRB,
    /// Sentence-final punctuation.
    Final,
    /// Comma.
    Comma,
    /// Colon or semicolon.
    Colon,
    /// Quotation mark.
    Quote,
    /// Dash.
    Dash,
    /// Opening bracket.
    Open,
    /// Closing bracket.
    Close,
    /// Other punctuation or symbol.
    Punct,
}

impl Tag {
    /// Parses a Penn Treebank tag name.
    pub fn parse(s: &str) -> Option<Tag> {
        use Tag::*;
        Some(match s {
            "CC" => CC,
            "CD" => CD,
            "DT" => DT,
            "EX" => EX,
            "FW" => FW,
            "IN" => IN,
            "JJ" => JJ,
            "JJR" => JJR,
            "JJS" => JJS,
            "LS" => LS,
            "MD" => MD,
            "NN" => NN,
            "NNS" => NNS,
            "NNP" => NNP,
            "NNPS" => NNPS,
            "PDT" => PDT,
            "POS" => POS,
            "PRP" => PRP,
            "PRP$" => PRPS,
            "RB" => RB,
            "RBR" => RBR,
            "RBS" => RBS,
            "RP" => RP,
            "SYM" => SYM,
            "TO" => TO,
            "UH" => UH,
            "VB" => VB,
            "VBD" => VBD,
            "VBG" => VBG,
            "VBN" => VBN,
            "VBP" => VBP,
            "VBZ" => VBZ,
            "WDT" => WDT,
            "WP" => WP,
            "WP$" => WPS,
            "WRB" => WRB,
            "." => Final,
            "," => Comma,
            ":" => Colon,
            "``" | "''" => Quote,
            "-LRB-" => Open,
            "-RRB-" => Close,
            "#" | "$" => Punct,
            _ => return None,
        })
    }

    /// Any noun, proper or common.
    #[inline]
    pub fn is_noun(self) -> bool {
        matches!(self, Tag::NN | Tag::NNS | Tag::NNP | Tag::NNPS)
    }

    /// A proper noun.
    #[inline]
    pub fn is_proper(self) -> bool {
        matches!(self, Tag::NNP | Tag::NNPS)
    }

    /// Any verb form (not modals).
    #[inline]
    pub fn is_verb(self) -> bool {
        matches!(
            self,
            Tag::VB | Tag::VBD | Tag::VBG | Tag::VBN | Tag::VBP | Tag::VBZ
        )
    }

    /// A finite verb form (past or present tense).
    #[inline]
    pub fn is_finite_verb(self) -> bool {
        matches!(self, Tag::VBD | Tag::VBP | Tag::VBZ | Tag::MD)
    }

    /// An adjective.
    #[inline]
    pub fn is_adjective(self) -> bool {
        matches!(self, Tag::JJ | Tag::JJR | Tag::JJS)
    }

    /// An adverb.
    #[inline]
    pub fn is_adverb(self) -> bool {
        matches!(self, Tag::RB | Tag::RBR | Tag::RBS)
    }

    /// Punctuation of any kind.
    #[inline]
    pub fn is_punct(self) -> bool {
        matches!(
            self,
            Tag::Final
                | Tag::Comma
                | Tag::Colon
                | Tag::Quote
                | Tag::Dash
                | Tag::Open
                | Tag::Close
                | Tag::Punct
        )
    }
}

/// Tags every token of `tokens`, whose lexemes are `lexemes`
/// ([`crate::document::Document::lexeme_ids`]).
pub fn tag(text: &str, tokens: &[Token], lexemes: &[LexemeId], lexicon: &Lexicon) -> Vec<Tag> {
    let lexemes: Vec<&Lexeme> = lexemes.iter().map(|&id| lexicon.lexeme_at(id)).collect();
    let mut tags: Vec<Tag> = tokens
        .iter()
        .zip(&lexemes)
        .map(|(t, lx)| initial_tag(text, t, lx))
        .collect();
    // A plural possessive apostrophe ("the residents' groups"): glued to a word ending in
    // "s" and followed by a space and a word.
    for i in 1..tokens.len().saturating_sub(1) {
        let t = &tokens[i];
        if t.kind == TokenKind::Quote
            && matches!(&text[t.span], "'" | "’")
            && !t.has(TokenFlags::SPACE_BEFORE)
            && t.has(TokenFlags::SPACE_AFTER)
            && text[tokens[i - 1].span].ends_with(['s', 'S'])
            && tokens[i + 1].kind == TokenKind::Word
        {
            tags[i] = Tag::POS;
        }
    }
    repair(text, tokens, &mut tags, &lexemes);
    tags
}

fn initial_tag(text: &str, tok: &Token, lexeme: &Lexeme) -> Tag {
    let s = &text[tok.span];
    match tok.kind {
        TokenKind::Quote => {
            return if s == "'s" || s == "’s" {
                Tag::POS
            } else {
                Tag::Quote
            };
        }
        TokenKind::Dash => return Tag::Dash,
        TokenKind::Number => return Tag::CD,
        TokenKind::Punct => {
            return match s {
                "." | "!" | "?" | "..." | "…" => Tag::Final,
                "," => Tag::Comma,
                ":" | ";" => Tag::Colon,
                "(" | "[" | "{" => Tag::Open,
                ")" | "]" | "}" => Tag::Close,
                _ => Tag::Punct,
            };
        }
        TokenKind::Symbol => return Tag::Punct,
        TokenKind::Word => {}
    }
    if tok.has(TokenFlags::CLITIC) {
        let l = lower(s);
        return match l.as_ref() {
            "'s" => Tag::POS,
            _ => Tag::RB, // n't
        };
    }
    let capitalized = tok.is_capitalized();
    // All-caps words are acronyms ("US", "NATO", "IT"), whatever the lowercase word is.
    if tok.has(TokenFlags::ALL_CAPS) && s.len() >= 2 {
        return Tag::NNP;
    }
    let sentence_initial_like = tok.has(TokenFlags::NEWLINE_BEFORE);
    if let Some((t1, t2)) = lexeme.pos {
        // A capitalised word inside a sentence whose lexicon entry allows a proper noun
        // reading is a proper noun ("Will Smith", "Rand Paul").
        if capitalized
            && !sentence_initial_like
            && !t1.is_proper()
            && t2.is_some_and(Tag::is_proper)
        {
            return t2.unwrap_or(t1);
        }
        return t1;
    }
    guess(s, capitalized)
}

/// Guesses the tag of an unknown word from its shape.
fn guess(s: &str, capitalized: bool) -> Tag {
    // An unknown capitalised word is a proper noun; one ending in "s" is as likely a surname
    // ("Moss", "Davis") as a plural, so it stays singular.
    if capitalized {
        return Tag::NNP;
    }
    let l = s;
    if l.ends_with("ly") {
        Tag::RB
    } else if l.ends_with("ing") {
        Tag::VBG
    } else if l.ends_with("ed") {
        Tag::VBN
    } else if [
        "ous", "ful", "ive", "able", "ible", "al", "ic", "ish", "less", "ary",
    ]
    .iter()
    .any(|x| l.ends_with(x))
    {
        Tag::JJ
    } else if l.ends_with('s') && !l.ends_with("ss") {
        Tag::NNS
    } else {
        Tag::NN
    }
}

/// Contextual repairs of the most frequent-tag guesses.
fn repair(text: &str, tokens: &[Token], tags: &mut [Tag], lexemes: &[&Lexeme]) {
    for i in 0..tags.len() {
        let prev = if i > 0 { Some(tags[i - 1]) } else { None };
        // The lowercased previous word, only computed where a rule reads it.
        let prev_word = || {
            if i > 0 {
                lower(&text[tokens[i - 1].span])
            } else {
                "".into()
            }
        };
        let t = tags[i];
        // "to" + verb-ish word → base verb.
        if prev == Some(Tag::TO) && matches!(t, Tag::NN | Tag::VBP) && verb_reading(lexemes[i]) {
            tags[i] = Tag::VB;
        }
        // modal + word → base verb.
        if prev == Some(Tag::MD)
            && matches!(t, Tag::NN | Tag::VBP | Tag::JJ)
            && verb_reading(lexemes[i])
        {
            tags[i] = Tag::VB;
        }
        // have/has/had + VBD → VBN ; be + VBD → VBN (passive).
        if t == Tag::VBD
            && matches!(
                prev_word().as_ref(),
                "has"
                    | "have"
                    | "had"
                    | "having"
                    | "was"
                    | "were"
                    | "been"
                    | "be"
                    | "is"
                    | "are"
                    | "being"
            )
        {
            tags[i] = Tag::VBN;
        }
        // determiner + VB*/VBP → noun reading if the lexicon allows it.
        if matches!(prev, Some(Tag::DT) | Some(Tag::PRPS) | Some(Tag::JJ))
            && matches!(t, Tag::VB | Tag::VBP | Tag::VBD)
            && let Some((_, Some(t2))) = lexemes[i].pos
            && t2.is_noun()
        {
            tags[i] = t2;
        }
        // Pronoun subject + noun/VBP ambiguity → verb ("they claim", "he says").
        if matches!(prev, Some(Tag::PRP))
            && matches!(t, Tag::NN | Tag::NNS)
            && verb_reading(lexemes[i])
        {
            tags[i] = if t == Tag::NNS { Tag::VBZ } else { Tag::VBP };
        }
    }
}

fn verb_reading(lexeme: &Lexeme) -> bool {
    match lexeme.pos {
        Some((t1, t2)) => t1.is_verb() || t2.is_some_and(Tag::is_verb),
        None => !lexeme.cue_forms.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::tokenize;

    fn tags_of(text: &str) -> Vec<(String, Tag)> {
        let lex = Lexicon::get();
        let toks = tokenize(text, lex);
        let tags = tag(text, &toks, &lex.lexeme_ids_of(text, &toks), lex);
        toks.iter()
            .zip(tags)
            .map(|(t, g)| (text[t.span].to_string(), g))
            .collect()
    }

    #[test]
    fn tags_a_reporting_sentence() {
        let t = tags_of("The mayor said that the plan will fail.");
        let get = |w: &str| t.iter().find(|(s, _)| s == w).map(|x| x.1);
        assert_eq!(get("The"), Some(Tag::DT));
        assert_eq!(get("mayor"), Some(Tag::NN));
        assert_eq!(get("said"), Some(Tag::VBD));
        assert_eq!(get("will"), Some(Tag::MD));
        assert_eq!(get("fail"), Some(Tag::VB));
        assert_eq!(get("."), Some(Tag::Final));
    }

    #[test]
    fn guesses_unknown_words() {
        let t = tags_of("Okafor zorbled quixotically");
        assert_eq!(t[0].1, Tag::NNP);
        assert_eq!(t[2].1, Tag::RB);
    }

    #[test]
    fn participle_after_have() {
        let t = tags_of("He has said it");
        assert_eq!(t[2].1, Tag::VBN);
    }
}
