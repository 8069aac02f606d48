//! The CofeNet sentence protocol (the one behind the published comparison table).
//!
//! Steps: load `valid.txt` ([`load_cofenet`]), align each id's PTB tokens to its PolNeAR
//! article text ([`CofenetCorpus::build`], [`align`]), run the extractor once per article,
//! project the predicted character spans onto each sentence's tokens as BIO labels, and score
//! the labels against the gold ones with the paper's span metric ([`bio`]).
//!
//! ```no_run
//! use std::path::Path;
//! use whosaid_eval::cofenet::{evaluate_cofenet, CofenetCorpus};
//! use whosaid_eval::{render_table, EvalOptions};
//! let data = Path::new("../shared/data");
//! let corpus = CofenetCorpus::load(&data.join("cofenet-polnear/valid.txt"), &data.join("polnear/dev"))?;
//! let report = evaluate_cofenet(&corpus, |_text, _date| Vec::new(), &EvalOptions::default());
//! println!("{}", render_table(&report));
//! # Ok::<(), whosaid_eval::EvalError>(())
//! ```

pub mod align;
pub mod bio;
mod load;
mod project;

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;

pub use load::{CofenetDocument, CofenetSentence, load_cofenet};

use self::align::{TokenStatus, align_tokens};
use self::bio::{Tag, decode, sentence_counts};
use self::project::{Membership, Priority, Rule, RunKey, project};
use crate::breakdown::{BreakdownTally, tally_by_label};
use crate::document::{GoldDocument, load_polnear};
use crate::eval_error::EvalError;
use crate::evaluate::EvalOptions;
use crate::metrics::Counts;
use crate::report::{AlignmentStats, AttributionScores, Protocol, Report, RoleScores};
use crate::span::{Attribution, CharSpan, Role};
use crate::text::{is_direct_quote, is_pronoun};

/// How character spans become labels (the `project` module says how the rule was found).
pub(crate) const PROJECTION: Rule = Rule {
    membership: Membership::EndInside,
    priority: Priority::Longest,
    run: RunKey::Piece,
};

/// A sentence whose tokens have been placed in the article text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlignedSentence {
    /// The PTB tokens.
    pub tokens: Vec<String>,
    /// Each token's code-point span in the article text (empty when alignment failed).
    pub spans: Vec<CharSpan>,
    /// How each token was aligned.
    pub status: Vec<TokenStatus>,
    /// Gold BIO labels.
    pub gold: Vec<Tag>,
}

/// One CofeNet id with its aligned sentences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlignedDocument {
    /// `<article>_<annotator>`.
    pub id: String,
    /// Index of the article in [`CofenetCorpus::articles`].
    pub article: usize,
    /// The sentences, in file order.
    pub sentences: Vec<AlignedSentence>,
}

/// An article text, as given to the extractor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Article name.
    pub name: String,
    /// Its text.
    pub text: String,
    /// Publication date, when known.
    pub date: Option<String>,
}

/// The CofeNet file aligned to the PolNeAR texts, ready for scoring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CofenetCorpus {
    /// Distinct articles (the extractor runs once per entry).
    pub articles: Vec<Article>,
    /// CofeNet documents in file order.
    pub documents: Vec<AlignedDocument>,
}

impl CofenetCorpus {
    /// Loads `valid.txt` and the PolNeAR split it was made from, and aligns them.
    ///
    /// # Errors
    /// As [`load_cofenet`], [`load_polnear`] and [`CofenetCorpus::build`].
    pub fn load(valid: &Path, polnear_split: &Path) -> Result<Self, EvalError> {
        let docs = load_cofenet(valid)?;
        let gold = load_polnear(polnear_split)?;
        Self::build(docs, &gold)
    }

    /// Aligns CofeNet documents to the texts of the gold documents with the same name
    /// (or, failing that, the same article).
    ///
    /// # Errors
    /// [`EvalError::Mismatch`] when an id has no matching PolNeAR article.
    pub fn build(docs: Vec<CofenetDocument>, gold: &[GoldDocument]) -> Result<Self, EvalError> {
        let mut articles: Vec<Article> = Vec::new();
        let mut article_index: HashMap<&str, usize> = HashMap::new();
        let mut documents = Vec::with_capacity(docs.len());
        for doc in docs {
            let article_name = doc.id.rsplit_once('_').map_or(doc.id.as_str(), |(a, _)| a);
            let source = gold
                .iter()
                .find(|g| g.name == doc.id)
                .or_else(|| gold.iter().find(|g| g.article == article_name))
                .ok_or_else(|| {
                    EvalError::Mismatch(format!("CofeNet id `{}` has no PolNeAR article", doc.id))
                })?;
            let index = *article_index
                .entry(source.article.as_str())
                .or_insert_with(|| {
                    articles.push(Article {
                        name: source.article.clone(),
                        text: source.text.clone(),
                        date: source.date.clone(),
                    });
                    articles.len() - 1
                });
            documents.push(align_document(doc, index, &articles[index].text));
        }
        Ok(CofenetCorpus {
            articles,
            documents,
        })
    }

    /// Token alignment statistics over the whole corpus.
    pub fn alignment_stats(&self) -> AlignmentStats {
        let mut stats = AlignmentStats::default();
        for status in self
            .documents
            .iter()
            .flat_map(|d| &d.sentences)
            .flat_map(|s| &s.status)
        {
            stats.tokens += 1;
            match status {
                TokenStatus::Exact => stats.exact += 1,
                TokenStatus::Synthetic => stats.synthetic += 1,
                TokenStatus::Resynced => stats.resynced += 1,
                TokenStatus::Failed => stats.failed += 1,
            }
        }
        stats
    }
}

fn align_document(doc: CofenetDocument, article: usize, text: &str) -> AlignedDocument {
    let chars: Vec<char> = text.chars().collect();
    let all: Vec<&str> = doc
        .sentences
        .iter()
        .flat_map(|s| s.tokens.iter().map(String::as_str))
        .collect();
    let mut aligned = align_tokens(&chars, &all).into_iter();
    let sentences = doc
        .sentences
        .into_iter()
        .map(|s| {
            let tokens: Vec<_> = aligned.by_ref().take(s.tokens.len()).collect();
            AlignedSentence {
                spans: tokens.iter().map(|t| t.span).collect(),
                status: tokens.iter().map(|t| t.status).collect(),
                tokens: s.tokens,
                gold: s.labels,
            }
        })
        .collect();
    AlignedDocument {
        id: doc.id,
        article,
        sentences,
    }
}

/// Runs `extract` once per article (in parallel) and scores it under the CofeNet protocol.
pub fn evaluate_cofenet<F>(corpus: &CofenetCorpus, extract: F, opts: &EvalOptions) -> Report
where
    F: Fn(&str, Option<&str>) -> Vec<Attribution> + Sync,
{
    let per_article: Vec<Vec<Attribution>> = corpus
        .articles
        .par_iter()
        .map(|a| extract(&a.text, a.date.as_deref()))
        .collect();
    let predictions: Vec<&[Attribution]> = corpus
        .documents
        .iter()
        .map(|d| per_article[d.article].as_slice())
        .collect();
    score_cofenet(corpus, &predictions, opts, &PROJECTION)
}

/// Projects each id's own gold `.ann` attributions and scores them against `valid.txt`:
/// how faithfully this crate's projection reproduces the CofeNet labels (an upper bound for
/// any extractor under this protocol).
///
/// # Errors
/// [`EvalError::Mismatch`] when an id has no gold document of the same name.
pub fn gold_projection_report(
    corpus: &CofenetCorpus,
    gold: &[GoldDocument],
) -> Result<Report, EvalError> {
    gold_projection_with(corpus, gold, &PROJECTION)
}

pub(crate) fn gold_projection_with(
    corpus: &CofenetCorpus,
    gold: &[GoldDocument],
    rule: &Rule,
) -> Result<Report, EvalError> {
    let by_name: HashMap<&str, &GoldDocument> = gold.iter().map(|g| (g.name.as_str(), g)).collect();
    let predictions = corpus
        .documents
        .iter()
        .map(|d| {
            by_name
                .get(d.id.as_str())
                .map(|g| g.attributions.as_slice())
                .ok_or_else(|| EvalError::Mismatch(format!("no gold document named `{}`", d.id)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(score_cofenet(
        corpus,
        &predictions,
        &EvalOptions::default(),
        rule,
    ))
}

/// Predicted labels of every sentence of a document.
pub fn project_document(document: &AlignedDocument, attributions: &[Attribution]) -> Vec<Vec<Tag>> {
    document
        .sentences
        .iter()
        .map(|s| project(&PROJECTION, &s.spans, attributions))
        .collect()
}

#[derive(Default)]
struct Tally {
    exact: [Counts; 3],
    begin: [Counts; 3],
    overlap: [Counts; 3],
    breakdown: BreakdownTally,
}

pub(crate) fn score_cofenet(
    corpus: &CofenetCorpus,
    predictions: &[&[Attribution]],
    opts: &EvalOptions,
    rule: &Rule,
) -> Report {
    let tallies: Vec<Tally> = corpus
        .documents
        .par_iter()
        .zip(predictions.par_iter())
        .map(|(doc, pred)| score_document(corpus, doc, pred, opts, rule))
        .collect();
    let mut total = Tally::default();
    for t in tallies {
        for i in 0..3 {
            total.exact[i].add(t.exact[i]);
            total.begin[i].add(t.begin[i]);
            total.overlap[i].add(t.overlap[i]);
        }
        total.breakdown.merge(t.breakdown);
    }
    let roles = |c: &[Counts; 3]| RoleScores {
        source: c[0].into(),
        cue: c[1].into(),
        content: c[2].into(),
    };
    Report {
        protocol: Protocol::Cofenet,
        documents: corpus.documents.len(),
        exact: roles(&total.exact),
        begin: roles(&total.begin),
        attribution: AttributionScores::default(),
        overlap: Some(roles(&total.overlap)),
        breakdowns: Some(total.breakdown.finish(opts.top_cues)),
        alignment: Some(corpus.alignment_stats()),
    }
}

type SpanKey = (usize, usize, usize);
/// Gold and predicted spans of one role, each with its text.
type Described = (Vec<(SpanKey, String)>, Vec<(SpanKey, String)>);

fn score_document(
    corpus: &CofenetCorpus,
    doc: &AlignedDocument,
    predicted: &[Attribution],
    opts: &EvalOptions,
    rule: &Rule,
) -> Tally {
    let text: Vec<char> = corpus.articles[doc.article].text.chars().collect();
    let mut tally = Tally::default();
    let mut labelled: [Described; 3] = Default::default();
    for (si, sentence) in doc.sentences.iter().enumerate() {
        let pred = project(rule, &sentence.spans, predicted);
        let (exact, begin) = sentence_counts(&sentence.gold, &pred);
        for i in 0..3 {
            tally.exact[i].add(exact[i]);
            tally.begin[i].add(begin[i]);
            tally.overlap[i].add(token_overlap(&sentence.gold, &pred, Role::ALL[i]));
        }
        let (g, p) = (decode(&sentence.gold), decode(&pred));
        for i in 0..3 {
            let describe = |spans: &[(usize, usize)]| -> Vec<(SpanKey, String)> {
                spans
                    .iter()
                    .map(|&(s, e)| ((si, s, e), span_text(&sentence.spans, s, e, &text)))
                    .collect()
            };
            labelled[i].0.extend(describe(&g[i]));
            labelled[i].1.extend(describe(&p[i]));
        }
    }
    let [source, cue, content] = &labelled;
    let relabel = |items: &[(SpanKey, String)], f: &dyn Fn(&str) -> bool| -> Vec<(SpanKey, bool)> {
        items.iter().map(|(k, t)| (*k, f(t))).collect()
    };
    let quote = |t: &str| {
        let chars: Vec<char> = t.chars().collect();
        is_direct_quote(
            &[CharSpan {
                start: 0,
                end: chars.len(),
            }],
            &chars,
        )
    };
    tally.breakdown.content =
        tally_by_label(&relabel(&content.0, &quote), &relabel(&content.1, &quote));
    tally.breakdown.source = tally_by_label(
        &relabel(&source.0, &is_pronoun),
        &relabel(&source.1, &is_pronoun),
    );
    let lemma = |items: &[(SpanKey, String)]| -> Vec<(SpanKey, String)> {
        items.iter().map(|(k, t)| (*k, (opts.lemma)(t))).collect()
    };
    tally.breakdown.cue = tally_by_label(&lemma(&cue.0), &lemma(&cue.1));
    tally
}

/// The article text under tokens `[s, e)` of a sentence.
fn span_text(spans: &[CharSpan], s: usize, e: usize, text: &[char]) -> String {
    let covered: Vec<&CharSpan> = spans[s..e].iter().filter(|t| !t.is_empty()).collect();
    match (covered.first(), covered.last()) {
        (Some(a), Some(b)) => CharSpan {
            start: a.start,
            end: b.end.max(a.start),
        }
        .slice(text),
        _ => String::new(),
    }
}

/// Token-level overlap of one role: tokens labelled with the role in gold and in prediction.
fn token_overlap(gold: &[Tag], predicted: &[Tag], role: Role) -> Counts {
    let has = |t: &Tag| t.role() == Some(role);
    Counts {
        tp: gold
            .iter()
            .zip(predicted)
            .filter(|(g, p)| has(g) && has(p))
            .count(),
        predicted: predicted.iter().filter(|t| has(t)).count(),
        gold: gold.iter().filter(|t| has(t)).count(),
    }
}

#[cfg(test)]
mod tests;
