//! The [`Document`]: the text and every layer the passes add to it, and [`extract`], which
//! runs the passes in order.

use jiff::civil::Date;

use crate::attribution::{self, Attribution};
use crate::cue::{self, Cue};
use crate::entity::{self, Entity};
use crate::lexicon::{Lexeme, LexemeId, Lexicon, word_hash};
use crate::mention::{self, Mention};
use crate::meta::{self, Meta};
use crate::model::{self, Model};
use crate::paragraph;
use crate::pos::{self, Tag};
use crate::quotes::{self, Quotation};
use crate::segment::{Segment, TokenRange};
use crate::sentence;
use crate::span::Span;
use crate::token::{self, Token};
use crate::when;

/// Options of one extraction.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Publication date: anchors relative dates ("on Saturday") to calendar dates.
    pub published: Option<Date>,
    /// Which tagger refines the rule-based attributions.
    pub tagger: Tagger,
}

/// The learned tagger an extraction uses.
#[derive(Clone, Debug, Default)]
pub enum Tagger {
    /// The tagger shipped with the engine, its first network (rules alone when its
    /// weights are absent).
    #[default]
    Builtin,
    /// Every network shipped with the engine, their scores averaged: more accurate than
    /// [`Tagger::Builtin`] and slower, in proportion to the number of networks
    /// (docs/accuracy.md).
    Ensemble,
    /// The rule-based passes alone (for training the tagger and for comparisons).
    RulesOnly,
    /// Another tagger, e.g. one just trained.
    Custom(std::sync::Arc<Model>),
}

/// A news report and everything the pipeline found in it.
///
/// All spans are byte ranges into [`Document::text`]; token, sentence, paragraph, mention
/// and entity references are indices into the corresponding vectors.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// The text, exactly as given.
    pub text: String,
    /// Tokens, in text order.
    pub tokens: Vec<Token>,
    /// Every token lowercased, concatenated (see [`Document::lower`]).
    lowered: String,
    /// End of each token's lowercase form in `lowered`.
    lower_ends: Vec<u32>,
    /// Each token's lexeme (see [`Document::lexeme`]).
    lexemes: Vec<LexemeId>,
    /// The [`word_hash`] of each token's lowercase form.
    lower_hashes: Vec<u64>,
    /// Part-of-speech tag of each token.
    pub tags: Vec<Tag>,
    /// Paragraphs, in text order.
    pub paragraphs: Vec<Segment>,
    /// Sentences, in text order; none crosses a paragraph boundary.
    pub sentences: Vec<Segment>,
    /// Index of the sentence of each token.
    pub token_sentence: Vec<u32>,
    /// Paired quotation marks, sorted by start.
    pub quotations: Vec<Quotation>,
    /// Per token: the top-level quotation holding it (`u32::MAX` for none).
    quote_index: Vec<u32>,
    /// Per token: the quotation whose opening or closing mark it is (`u32::MAX` for none).
    mark_quote: Vec<u32>,
    /// Reporting cues found outside quotations.
    pub cues: Vec<Cue>,
    /// Mentions of people, organisations and groups.
    pub mentions: Vec<Mention>,
    /// Entities: mentions clustered by coreference.
    pub entities: Vec<Entity>,
    /// Attributions (quotations with cue and speaker), in text order.
    pub attributions: Vec<Attribution>,
    /// Headline, source line, dateline.
    pub meta: Meta,
    /// Publication date, when given.
    pub published: Option<Date>,
}

impl Document {
    /// The text of a span.
    #[inline]
    pub fn slice(&self, span: Span) -> &str {
        &self.text[span]
    }

    /// The text of token `i`.
    #[inline]
    pub fn word(&self, i: usize) -> &str {
        &self.text[self.tokens[i].span]
    }

    /// Token `i` lowercased (computed once per document, so lexicon lookups never allocate).
    #[inline]
    pub fn lower(&self, i: usize) -> &str {
        let start = if i == 0 {
            0
        } else {
            self.lower_ends[i - 1] as usize
        };
        &self.lowered[start..self.lower_ends[i] as usize]
    }

    /// What the lexicons say about token `i`, looked up once per document.
    #[inline]
    pub fn lexeme(&self, i: usize) -> &'static Lexeme {
        Lexicon::get().lexeme_at(self.lexemes[i])
    }

    /// The [`word_hash`] of token `i`'s lowercase form ([`Document::lower`]).
    #[inline]
    pub fn lower_hash(&self, i: usize) -> u64 {
        self.lower_hashes[i]
    }

    /// Each token's lexeme number (see [`Document::lexeme`]).
    pub fn lexeme_ids(&self) -> &[LexemeId] {
        &self.lexemes
    }

    /// Lowercases every token and looks it up in the lexicons.
    fn compute_lowercase(&mut self, lexicon: &Lexicon) {
        self.lowered = String::with_capacity(self.text.len());
        self.lower_ends = Vec::with_capacity(self.tokens.len());
        self.lexemes = Vec::with_capacity(self.tokens.len());
        self.lower_hashes = Vec::with_capacity(self.tokens.len());
        for t in &self.tokens {
            let w = &self.text[t.span];
            if w.is_ascii() {
                self.lowered
                    .extend(w.bytes().map(|b| b.to_ascii_lowercase() as char));
            } else {
                for c in w.chars() {
                    if c == '’' {
                        self.lowered.push('\'');
                    } else {
                        self.lowered.extend(c.to_lowercase());
                    }
                }
            }
            let start = self.lower_ends.last().map_or(0, |&e| e as usize);
            let hash = word_hash(&self.lowered[start..]);
            self.lower_hashes.push(hash);
            self.lexemes.push(lexicon.lexeme_id_by_hash(hash));
            self.lower_ends.push(self.lowered.len() as u32);
        }
    }

    /// The span from the start of token `a` to the end of token `b - 1`; empty at token
    /// `a`'s start when `a >= b`.
    pub fn token_span(&self, a: usize, b: usize) -> Span {
        if a >= b || b > self.tokens.len() {
            let at = self
                .tokens
                .get(a)
                .map(|t| t.span.start as usize)
                .unwrap_or(self.text.len());
            return Span::empty(at);
        }
        Span::new(
            self.tokens[a].span.start as usize,
            self.tokens[b - 1].span.end as usize,
        )
    }

    /// The sentence that holds token `i`.
    #[inline]
    pub fn sentence_of(&self, i: usize) -> Segment {
        self.sentences[self.token_sentence[i] as usize]
    }

    /// The index of the paragraph holding token `i` (the paragraph count when `i` is past
    /// the last one).
    pub fn paragraph_of(&self, i: usize) -> usize {
        self.paragraphs
            .partition_point(|p| (p.tokens.end as usize) <= i)
    }

    /// The innermost top-level quotation containing token `i`, if any (its index).
    pub fn quotation_at(&self, i: usize) -> Option<usize> {
        self.quote_index
            .get(i)
            .copied()
            .filter(|&k| k != u32::MAX)
            .map(|k| k as usize)
    }

    /// The first cue (in text order) sharing a token with `r`.
    pub fn cue_overlapping(&self, r: TokenRange) -> Option<&Cue> {
        let k = self.cues.partition_point(|c| c.tokens.end <= r.start);
        self.cues.get(k).filter(|c| c.tokens.overlaps(r))
    }

    /// The quotation whose opening mark is token `i`.
    pub fn quotation_opened_at(&self, i: usize) -> Option<usize> {
        let k = *self.mark_quote.get(i)?;
        (k != u32::MAX && self.quotations[k as usize].open as usize == i).then_some(k as usize)
    }

    /// The quotation whose closing mark is token `i`.
    pub fn quotation_closed_at(&self, i: usize) -> Option<usize> {
        let k = *self.mark_quote.get(i)?;
        (k != u32::MAX && self.quotations[k as usize].close == Some(i as u32)).then_some(k as usize)
    }

    /// The quotations whose opening mark lies in tokens `[a, b)`, as a range of indices.
    pub fn quotations_opening_in(&self, a: usize, b: usize) -> std::ops::Range<usize> {
        let lo = self.quotations.partition_point(|q| (q.open as usize) < a);
        let hi = self.quotations.partition_point(|q| (q.open as usize) < b);
        lo..hi.max(lo)
    }

    fn index_quotations(&mut self) {
        let n = self.tokens.len();
        self.quote_index = vec![u32::MAX; n];
        self.mark_quote = vec![u32::MAX; n];
        for (k, q) in self.quotations.iter().enumerate() {
            let open = q.open as usize;
            self.mark_quote[open] = k as u32;
            let last = q
                .close
                .map(|c| c as usize)
                .unwrap_or(q.inner_end as usize - 1);
            if let Some(c) = q.close {
                self.mark_quote[c as usize] = k as u32;
            }
            if q.depth == 0 {
                for v in &mut self.quote_index[open..=last.min(n - 1)] {
                    *v = k as u32;
                }
            }
        }
    }
}

/// [`extract`] with the rule-based passes alone, as the unit tests of those passes see a
/// document.
#[cfg(test)]
pub(crate) fn extract_rules(text: &str) -> Document {
    extract(
        text,
        &Options {
            tagger: Tagger::RulesOnly,
            ..Options::default()
        },
    )
}

/// Extracts attributions, entities and metadata from one news report.
///
/// Never fails and never panics: any text, however malformed, yields a `Document` whose
/// spans are valid for it.
///
/// ```
/// use whosaid_core::{extract, Options, QuoteKind};
///
/// let doc = extract("Union leaders said the deal was “a good start.”", &Options::default());
/// let q = &doc.attributions[0];
/// assert_eq!(q.kind, QuoteKind::Mixed);
/// assert_eq!(&doc.text[q.speaker.unwrap()], "Union leaders");
/// ```
pub fn extract(text: &str, options: &Options) -> Document {
    let lexicon = Lexicon::get();
    let mut doc = Document {
        text: text.to_string(),
        published: options.published,
        ..Document::default()
    };
    doc.tokens = token::tokenize(&doc.text, lexicon);
    if doc.tokens.is_empty() {
        return doc;
    }
    doc.compute_lowercase(lexicon);
    doc.tags = pos::tag(&doc.text, &doc.tokens, &doc.lexemes, lexicon);
    doc.paragraphs = paragraph::paragraphs(&doc.text, &doc.tokens);
    doc.sentences =
        sentence::sentences(&doc.text, &doc.tokens, &doc.tags, &doc.paragraphs, lexicon);
    doc.token_sentence = vec![0; doc.tokens.len()];
    for (k, s) in doc.sentences.iter().enumerate() {
        for i in s.tokens.range() {
            doc.token_sentence[i] = k as u32;
        }
    }
    doc.quotations = quotes::pair_quotes(&doc.text, &doc.tokens, &doc.paragraphs);
    doc.index_quotations();
    doc.meta = meta::read_meta(&doc, lexicon);
    doc.mentions = mention::find_mentions(&doc, lexicon);
    doc.cues = cue::find_cues(&doc, lexicon);
    doc.attributions = attribution::attribute(&mut doc, lexicon);
    let model = match &options.tagger {
        Tagger::Builtin => model::builtin(),
        Tagger::Ensemble => model::builtin_ensemble(),
        Tagger::RulesOnly => None,
        Tagger::Custom(m) => Some(m.as_ref()),
    };
    if let Some(model) = model {
        let labels = model.tag_document(&doc, lexicon);
        let rules = std::mem::take(&mut doc.attributions);
        let learned = model::assemble::assemble(&doc, lexicon, &labels, &rules);
        let mut learned = model::assemble::reconcile(&doc, lexicon, learned, &rules);
        attribution::continued::join_quote_paragraphs(&doc, &mut learned);
        attribution::link_speakers(&mut doc, &mut learned);
        doc.attributions = learned;
    }
    let mut attributions = std::mem::take(&mut doc.attributions);
    attribution::titles::drop_titles(&doc, lexicon, &mut attributions);
    doc.attributions = attributions;
    doc.entities = entity::resolve(&mut doc, lexicon);
    when::attach_dates(&mut doc);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::extract_rules as rules;

    fn index_of(doc: &Document, word: &str) -> usize {
        (0..doc.tokens.len())
            .find(|&i| doc.word(i) == word)
            .unwrap_or_else(|| panic!("no token {word:?}"))
    }

    const TEXT: &str = "Officials met on Monday. “We will appeal,” the lawyer said. It rained.";

    #[test]
    fn cue_overlapping_finds_the_first_cue_in_a_range() {
        let doc = rules("The minister said the plan failed and added that taxes rose.");
        let (said, added) = (index_of(&doc, "said"), index_of(&doc, "added"));
        let cue_at = |a: usize, b: usize| {
            doc.cue_overlapping(TokenRange::new(a, b))
                .map(|c| c.tokens.start as usize)
        };
        assert_eq!(cue_at(0, doc.tokens.len()), Some(said));
        assert_eq!(cue_at(said + 1, doc.tokens.len()), Some(added));
        assert_eq!(cue_at(said, said + 1), Some(said));
        assert_eq!(cue_at(0, said), None);
        assert_eq!(cue_at(said + 1, added), None);
    }

    #[test]
    fn slice_word_and_token_span() {
        let doc = rules(TEXT);
        assert_eq!(doc.slice(Span::new(0, 9)), "Officials");
        let words: Vec<&str> = (0..doc.tokens.len()).map(|i| doc.word(i)).collect();
        assert_eq!(
            words,
            [
                "Officials",
                "met",
                "on",
                "Monday",
                ".",
                "“",
                "We",
                "will",
                "appeal",
                ",",
                "”",
                "the",
                "lawyer",
                "said",
                ".",
                "It",
                "rained",
                "."
            ]
        );
        assert_eq!(doc.slice(doc.token_span(11, 14)), "the lawyer said");
        assert_eq!(doc.slice(doc.token_span(5, 11)), "“We will appeal,”");
        assert_eq!(
            doc.token_span(0, doc.tokens.len()),
            Span::new(0, TEXT.len())
        );
        // Empty and out-of-range requests give empty spans, never a panic.
        assert_eq!(
            doc.token_span(3, 3),
            Span::empty(doc.tokens[3].span.start as usize)
        );
        assert_eq!(
            doc.token_span(4, 2),
            Span::empty(doc.tokens[4].span.start as usize)
        );
        assert_eq!(
            doc.token_span(2, 99),
            Span::empty(doc.tokens[2].span.start as usize)
        );
        assert_eq!(doc.token_span(99, 100), Span::empty(TEXT.len()));
    }

    #[test]
    fn sentence_of_each_token() {
        let doc = rules(TEXT);
        assert_eq!(doc.sentences.len(), 3);
        assert_eq!(
            doc.slice(doc.sentence_of(0).span),
            "Officials met on Monday."
        );
        let said = index_of(&doc, "said");
        assert_eq!(
            doc.slice(doc.sentence_of(said).span),
            "“We will appeal,” the lawyer said."
        );
        assert_eq!(doc.sentence_of(5), doc.sentence_of(said));
        assert_eq!(
            doc.slice(doc.sentence_of(doc.tokens.len() - 1).span),
            "It rained."
        );
        for (k, s) in doc.sentences.iter().enumerate() {
            for i in s.tokens.range() {
                assert_eq!(doc.sentence_of(i), doc.sentences[k]);
            }
        }
    }

    #[test]
    fn quotation_lookups() {
        let doc = rules(TEXT);
        assert_eq!(doc.quotations.len(), 1);
        let q = doc.quotations[0];
        assert_eq!((q.open, q.close), (5, Some(10)));
        assert_eq!(doc.slice(q.span), "“We will appeal,”");
        // Marks and everything between them lie in the quotation; nothing else does.
        for i in 0..doc.tokens.len() {
            let inside = (5..=10).contains(&i);
            assert_eq!(doc.quotation_at(i), inside.then_some(0), "token {i}");
        }
        assert_eq!(doc.quotation_at(1000), None);
        assert_eq!(doc.quotation_opened_at(5), Some(0));
        assert_eq!(doc.quotation_opened_at(10), None);
        assert_eq!(doc.quotation_closed_at(10), Some(0));
        assert_eq!(doc.quotation_closed_at(5), None);
        assert_eq!(doc.quotation_opened_at(6), None);
        assert_eq!(doc.quotation_closed_at(1000), None);
        assert_eq!(doc.quotations_opening_in(0, 5), 0..0);
        assert_eq!(doc.quotations_opening_in(5, 6), 0..1);
        assert_eq!(doc.quotations_opening_in(0, doc.tokens.len()), 0..1);
        assert_eq!(doc.quotations_opening_in(6, doc.tokens.len()), 1..1);
        assert!(doc.quotations_opening_in(8, 2).is_empty());
    }

    #[test]
    fn nested_and_unclosed_quotations() {
        let doc = rules("“He said ‘no’ twice,” she said.\n\nShe added: “It is over");
        assert_eq!(doc.quotations.len(), 3, "{:?}", doc.quotations);
        let (outer, inner, open) = (doc.quotations[0], doc.quotations[1], doc.quotations[2]);
        assert_eq!((outer.depth, inner.depth), (0, 1));
        assert_eq!(doc.slice(inner.span), "‘no’");
        let no = index_of(&doc, "no");
        // A token of the nested quotation belongs to the top-level one.
        assert_eq!(doc.quotation_at(no), Some(0));
        assert_eq!(doc.quotation_opened_at(inner.open as usize), Some(1));
        assert_eq!(
            doc.quotation_closed_at(inner.close.unwrap() as usize),
            Some(1)
        );
        assert_eq!(doc.quotations_opening_in(0, no), 0..2);
        // The unclosed quotation runs to the end of its paragraph.
        assert_eq!(open.close, None);
        assert_eq!(doc.slice(open.span), "“It is over");
        assert_eq!(doc.quotation_at(doc.tokens.len() - 1), Some(2));
        assert_eq!(doc.quotation_opened_at(open.open as usize), Some(2));
        let added = index_of(&doc, "added");
        assert_eq!(doc.quotation_at(added), None);
    }

    #[test]
    fn byte_spans_over_non_ascii_text() {
        let text = "ÜNAL Çelik said the café’s “crème brûlée” was 5 €.";
        let doc = rules(text);
        let words: Vec<&str> = (0..doc.tokens.len()).map(|i| doc.word(i)).collect();
        assert_eq!(
            words,
            [
                "ÜNAL", "Çelik", "said", "the", "café", "’s", "“", "crème", "brûlée", "”", "was",
                "5", "€", "."
            ],
        );
        // Spans are byte offsets: "ÜNAL " is 5 characters but 6 bytes.
        assert_eq!(doc.tokens[1].span, Span::new(6, 12));
        assert_eq!(text[..6].chars().count(), 5);
        let brulee = index_of(&doc, "brûlée");
        let start = text.find("brûlée").unwrap();
        assert_eq!(
            doc.tokens[brulee].span,
            Span::new(start, start + "brûlée".len())
        );
        assert_eq!(doc.slice(doc.token_span(6, 10)), "“crème brûlée”");
        for t in &doc.tokens {
            assert!(text.is_char_boundary(t.span.start as usize));
            assert!(text.is_char_boundary(t.span.end as usize));
        }
        // Lowercase forms: full Unicode lowercasing, curly apostrophes made straight.
        assert_eq!(doc.lower(0), "ünal");
        assert_eq!(doc.lower(1), "çelik");
        assert_eq!(doc.lower(4), "café");
        assert_eq!(doc.lower(5), "'s");
        assert_eq!(doc.lower(brulee), "brûlée");
        assert_eq!(doc.lower(12), "€");
        assert_eq!(doc.quotations.len(), 1);
        assert_eq!(doc.quotation_at(brulee), Some(0));
    }

    #[test]
    fn each_token_has_the_lexeme_its_word_looks_up() {
        let text = "On MONDAY, Officials SAID he told Ünal’s Ministry: “Zorblat!”";
        let doc = rules(text);
        let lex = Lexicon::get();
        for i in 0..doc.tokens.len() {
            let (by_token, by_word) = (doc.lexeme(i), lex.lexeme(doc.word(i)));
            assert!(std::ptr::eq(by_token, by_word), "token {i}");
        }
        let at = |w: &str| index_of(&doc, w);
        assert!(doc.lexeme(at("MONDAY")).time_word.is_some());
        assert!(doc.lexeme(at("Officials")).people_noun.is_some());
        assert!(!doc.lexeme(at("SAID")).cue_forms.is_empty());
        assert!(doc.lexeme(at("SAID")).pos.is_some());
        assert!(doc.lexeme(at("he")).pronoun.is_some());
        assert!(doc.lexeme(at("Ministry")).is_org_word());
        // A word no lexicon lists gets the empty lexeme.
        let unknown = doc.lexeme(at("Zorblat"));
        assert!(unknown.pos.is_none() && unknown.cue_forms.is_empty());
        assert_eq!(doc.lexeme_ids()[at("Zorblat")], 0);
    }

    #[test]
    fn empty_and_blank_text() {
        for text in ["", "   \n\n  "] {
            let doc = rules(text);
            assert!(doc.tokens.is_empty());
            assert!(doc.sentences.is_empty() && doc.attributions.is_empty());
            assert_eq!(doc.token_span(0, 1), Span::empty(text.len()));
            assert_eq!(doc.quotation_at(0), None);
            assert_eq!(doc.quotation_opened_at(0), None);
            assert_eq!(doc.quotations_opening_in(0, 10), 0..0);
        }
    }
}
