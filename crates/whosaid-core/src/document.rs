//! The [`Document`]: the text and every layer the passes add to it, and [`extract`], which
//! runs the passes in order.

use jiff::civil::Date;

use crate::attribution::{self, Attribution};
use crate::cue::{self, Cue};
use crate::entity::{self, Entity};
use crate::lexicon::Lexicon;
use crate::mention::{self, Mention};
use crate::meta::{self, Meta};
use crate::model::{self, Model};
use crate::paragraph;
use crate::pos::{self, Tag};
use crate::quotes::{self, Quotation};
use crate::segment::Segment;
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
    /// The tagger shipped with the engine (rules alone when its weights are absent).
    #[default]
    Builtin,
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

    fn compute_lowercase(&mut self) {
        self.lowered = String::with_capacity(self.text.len());
        self.lower_ends = Vec::with_capacity(self.tokens.len());
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

    /// The innermost top-level quotation containing token `i`, if any (its index).
    pub fn quotation_at(&self, i: usize) -> Option<usize> {
        self.quote_index
            .get(i)
            .copied()
            .filter(|&k| k != u32::MAX)
            .map(|k| k as usize)
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
    extract_with_hook(text, options, &|_, _| {})
}

/// [`extract`] with a hook that can add features to the tagger's context (for experiments
/// with extra analyses such as a dependency parse).
pub fn extract_with_hook(
    text: &str,
    options: &Options,
    hook: &dyn Fn(&Document, &mut model::features::FeatureContext),
) -> Document {
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
    doc.compute_lowercase();
    doc.tags = pos::tag(&doc.text, &doc.tokens, lexicon);
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
        Tagger::RulesOnly => None,
        Tagger::Custom(m) => Some(m.as_ref()),
    };
    if let Some(model) = model {
        let labels = model.tag_document_with(&doc, lexicon, hook);
        let rules = std::mem::take(&mut doc.attributions);
        let learned = model::assemble::assemble(&doc, lexicon, &labels, &rules);
        let mut learned = model::assemble::reconcile(&doc, lexicon, learned, &rules);
        attribution::link_speakers(&mut doc, &mut learned);
        doc.attributions = learned;
    }
    attribution::drop_namings(&mut doc);
    doc.entities = entity::resolve(&mut doc, lexicon);
    when::attach_dates(&mut doc);
    doc
}
