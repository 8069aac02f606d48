//! Cues: the reporting verbs and phrases that introduce an attribution.
//!
//! A cue is a form from the cue lexicon (`lexicon/cue_verbs.tsv`: "said", "pointed out",
//! "according to") found outside quotation marks and read as a verb in context. The part of
//! speech decides between "the report" (a noun, not a cue) and "officials report" (a verb).
//! The cue records the auxiliaries and adverbs in front of it ("has also said") so that
//! attribution can look past them for the speaker.

use crate::document::Document;
use crate::lexicon::{CueClass, Frames, Lexicon, VerbForm};
use crate::pos::Tag;
use crate::segment::TokenRange;
use crate::span::Span;
use crate::token::TokenKind;

/// A reporting cue in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Cue {
    /// The cue words ("said", "pointed out").
    pub tokens: TokenRange,
    /// Index into [`Lexicon::cue_entries`].
    pub entry: u32,
    /// Inflection of the verb.
    pub form: VerbForm,
    /// First token of the auxiliaries and adverbs before the cue ("has also" in "has also
    /// said"); equals `tokens.start` when there are none.
    pub aux_start: u32,
    /// Sentence index.
    pub sentence: u32,
}

impl Cue {
    /// The lexicon entry's class.
    pub fn class(&self, lexicon: &Lexicon) -> CueClass {
        lexicon.cue_entries[self.entry as usize].class
    }

    /// The lexicon entry's frames.
    pub fn frames(&self, lexicon: &Lexicon) -> Frames {
        lexicon.cue_entries[self.entry as usize].frames
    }

    /// The lemma of the cue ("say" for "said").
    pub fn lemma<'a>(&self, lexicon: &'a Lexicon) -> &'a str {
        &lexicon.cue_entries[self.entry as usize].lemma
    }

    /// The span of the cue words.
    pub fn span(&self, doc: &Document) -> Span {
        doc.token_span(self.tokens.start as usize, self.tokens.end as usize)
    }
}

/// Words that may stand between a subject and its reporting verb.
pub fn is_aux_or_adverb(doc: &Document, i: usize) -> bool {
    let w = doc.lower(i);
    matches!(
        w,
        "'s" | "’s"
            | "is"
            | "are"
            | "was"
            | "were"
            | "'re"
            | "’re"
            | "been"
            | "being"
            | "be"
            | "has"
            | "have"
            | "had"
            | "will"
            | "would"
            | "could"
            | "can"
            | "may"
            | "might"
            | "should"
            | "must"
            | "did"
            | "does"
            | "do"
            | "not"
            | "n't"
            | "also"
            | "then"
            | "later"
            | "again"
            | "previously"
            | "repeatedly"
            | "recently"
            | "publicly"
            | "privately"
            | "simply"
            | "flatly"
            | "reportedly"
            | "once"
            | "still"
            | "even"
            | "further"
            | "similarly"
            | "likewise"
            | "separately"
            | "earlier"
            | "subsequently"
            | "allegedly"
            | "just"
            | "already"
            | "never"
            | "always"
            | "often"
            | "frequently"
            | "now"
            | "initially"
            | "first"
            | "finally"
            | "ultimately"
            | "clearly"
            | "explicitly"
            | "quickly"
            | "immediately"
            | "openly"
            | "angrily"
            | "bluntly"
            | "firmly"
            | "strongly"
            | "sharply"
            | "loudly"
            | "quietly"
            | "calmly"
            | "emphatically"
            | "confidently"
            | "softly"
            | "succinctly"
            | "correctly"
            | "falsely"
            | "wrongly"
            | "mistakenly"
            | "frankly"
            | "candidly"
            | "tearfully"
    ) || (doc.tags[i].is_adverb() && w.ends_with("ly"))
}

/// Finds reporting cues outside quotations.
pub fn find_cues(doc: &Document, lexicon: &Lexicon) -> Vec<Cue> {
    let mut out = Vec::new();
    let mut i = 0;
    let n = doc.tokens.len();
    while i < n {
        if doc.tokens[i].kind != TokenKind::Word {
            i += 1;
            continue;
        }
        let forms = &doc.lexeme(i).cue_forms;
        if forms.is_empty() || doc.quotation_at(i).is_some() {
            i += 1;
            continue;
        }
        let sentence = doc.token_sentence[i] as usize;
        let s_end = doc.sentences[sentence].tokens.end as usize;
        // Longest matching form.
        let mut best: Option<(usize, &crate::lexicon::CueForm)> = None;
        for f in forms {
            let len = 1 + f.rest.len();
            if i + len > s_end {
                continue;
            }
            let ok = f
                .rest
                .iter()
                .enumerate()
                .all(|(k, w)| doc.lower(i + 1 + k) == w.as_str());
            if ok && best.is_none_or(|(l, _)| len > l) {
                best = Some((len, f));
            }
        }
        let Some((len, form)) = best else {
            i += 1;
            continue;
        };
        if !reads_as_verb(doc, lexicon, i, form) {
            i += 1;
            continue;
        }
        let mut aux_start = i;
        let s_start = doc.sentences[sentence].tokens.start as usize;
        while aux_start > s_start && is_aux_or_adverb(doc, aux_start - 1) {
            aux_start -= 1;
        }
        out.push(Cue {
            tokens: TokenRange::new(i, i + len),
            entry: form.entry,
            form: form.form,
            aux_start: aux_start as u32,
            sentence: sentence as u32,
        });
        i += len;
    }
    out
}

/// Whether the cue form at token `i` reads as a verb (or "according to") in context.
fn reads_as_verb(
    doc: &Document,
    lexicon: &Lexicon,
    i: usize,
    form: &crate::lexicon::CueForm,
) -> bool {
    let lemma = &lexicon.cue_entries[form.entry as usize].lemma;
    if lemma == "according to" {
        return true;
    }
    let tag = doc.tags[i];
    // A capitalised word inside a name is part of the name ("the Travellers' Rights
    // Project", "Human Rights Watch").
    let t = &doc.tokens[i];
    if t.is_capitalized() && i > 0 && !t.has(crate::token::TokenFlags::NEWLINE_BEFORE) {
        let prev = &doc.tokens[i - 1];
        let sentence_start = doc.sentence_of(i).tokens.start as usize == i;
        if !sentence_start
            && (prev.is_capitalized() || tag.is_proper() || doc.tags[i - 1] == crate::pos::Tag::POS)
        {
            return false;
        }
    }
    if tag.is_verb() {
        // A participle or gerund directly after a determiner is a noun or adjective
        // ("the reported deal", "a saying").
        if i > 0
            && matches!(doc.tags[i - 1], Tag::DT | Tag::PRPS)
            && matches!(tag, Tag::VBN | Tag::VBG | Tag::VBD)
        {
            return false;
        }
        return true;
    }
    if !(tag.is_noun() || tag.is_adjective() || tag == Tag::IN || tag == Tag::RB) {
        return false;
    }
    if i == 0 {
        return false;
    }
    // Noun-tagged forms read as verbs after a subject or in an inversion
    // ("Sanders claims", "…,” says Smith).
    let prev = doc.tags[i - 1];
    let prev_kind = doc.tokens[i - 1].kind;
    if matches!(
        prev,
        Tag::DT | Tag::PRPS | Tag::JJ | Tag::POS | Tag::IN | Tag::TO
    ) {
        return prev == Tag::TO;
    }
    let next_opens_clause = doc.tags.get(i + 1).is_some_and(|t| {
        matches!(
            t,
            Tag::DT | Tag::PRP | Tag::PRPS | Tag::IN | Tag::NNP | Tag::NN | Tag::CD
        )
    });
    matches!(
        prev,
        Tag::PRP | Tag::NNP | Tag::NNPS | Tag::NNS | Tag::WP | Tag::MD | Tag::RB | Tag::Comma
    ) || prev_kind == TokenKind::Quote
        || (prev == Tag::NN && next_opens_clause)
}

#[cfg(test)]
mod tests {

    use crate::document::{Options, extract};

    fn cues(text: &str) -> Vec<String> {
        let doc = extract(text, &Options::default());
        doc.cues
            .iter()
            .map(|c| doc.slice(c.span(&doc)).to_string())
            .collect()
    }

    #[test]
    fn finds_verbs_not_nouns() {
        assert_eq!(cues("The report was late, officials said."), ["said"]);
        assert_eq!(
            cues("She pointed out that the report claims nothing."),
            ["pointed out", "claims"]
        );
        assert_eq!(cues("According to the mayor, it works."), ["According to"]);
    }

    #[test]
    fn ignores_cues_inside_quotations() {
        assert_eq!(cues("“I said no,” he added."), ["added"]);
    }

    #[test]
    fn records_auxiliaries() {
        let doc = extract("Sanders has also said so.", &Options::default());
        let c = &doc.cues[0];
        assert_eq!(doc.word(c.aux_start as usize), "has");
    }
}
