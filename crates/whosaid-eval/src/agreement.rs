//! Inter-annotator agreement: how well PolNeAR's annotators match *each other*, under the
//! same metric the extractor is scored with — the ceiling of that metric.
//!
//! A few PolNeAR articles were annotated by several people (each `.ann` file a document of
//! its own). For every ordered pair of two different annotators of one article, one
//! annotator's attributions are scored as the prediction against the other's as gold. Over
//! all ordered pairs the pooled precision equals the pooled recall (each pair is counted
//! once each way), so the F1 is the usual pairwise agreement figure.
//!
//! Scoring the extractor on the same documents ([`multi_annotated`]) puts the two side by
//! side: a system scored against one annotator can hardly be expected to agree with that
//! annotator more than a second, equally trained, annotator does.
//!
//! ```
//! use whosaid_eval::agreement::{agreement_documents, annotator_pairs};
//! use whosaid_eval::{Attribution, CharSpan, GoldDocument};
//! let text = "He said it rains.";
//! let said = |content: CharSpan| Attribution {
//!     source: vec![CharSpan::new(0, 2)],
//!     cue: vec![CharSpan::new(3, 7)],
//!     content: vec![content],
//! };
//! let doc = |name: &str, a: Attribution| GoldDocument {
//!     name: name.into(), article: "a".into(), text: text.into(), date: None,
//!     attributions: vec![a],
//! };
//! let docs = [
//!     doc("a_x", said(CharSpan::new(8, 16))),
//!     doc("a_y", said(CharSpan::new(8, 17))), // this annotator took the full stop too
//! ];
//! assert_eq!(annotator_pairs(&docs), vec![(0, 1), (1, 0)]);
//! let report = agreement_documents(&docs);
//! assert_eq!(report.exact.source.f1, 1.0);
//! assert_eq!(report.exact.content.f1, 0.0);
//! ```

use std::collections::HashMap;

use crate::cofenet::{CofenetCorpus, PROJECTION, score_cofenet};
use crate::document::GoldDocument;
use crate::eval_error::EvalError;
use crate::evaluate::{EvalOptions, score_documents};
use crate::report::Report;
use crate::span::Attribution;

/// Ordered pairs `(gold, other)` of indices into `docs` of two different documents of the
/// same article (same article name and text), in document order.
pub fn annotator_pairs(docs: &[GoldDocument]) -> Vec<(usize, usize)> {
    let mut by_article: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        by_article.entry((&d.article, &d.text)).or_default().push(i);
    }
    let mut pairs: Vec<(usize, usize)> = by_article
        .values()
        .flat_map(|group| {
            group
                .iter()
                .flat_map(move |&g| group.iter().filter(move |&&o| o != g).map(move |&o| (g, o)))
        })
        .collect();
    pairs.sort_unstable();
    pairs
}

/// The documents of articles with at least two annotators, in their original order.
pub fn multi_annotated(docs: &[GoldDocument]) -> Vec<GoldDocument> {
    let mut count: HashMap<(&str, &str), usize> = HashMap::new();
    for d in docs {
        *count.entry((&d.article, &d.text)).or_default() += 1;
    }
    docs.iter()
        .filter(|d| count[&(d.article.as_str(), d.text.as_str())] > 1)
        .cloned()
        .collect()
}

/// Agreement under the document protocol: every ordered annotator pair of
/// [`annotator_pairs`] scored with [`score_documents`]. `documents` in the report counts
/// the pairs; an empty report (all zero) when no article has two annotators.
pub fn agreement_documents(docs: &[GoldDocument]) -> Report {
    let pairs = annotator_pairs(docs);
    let gold: Vec<GoldDocument> = pairs.iter().map(|&(g, _)| docs[g].clone()).collect();
    let other: Vec<Vec<Attribution>> = pairs
        .iter()
        .map(|&(_, o)| docs[o].attributions.clone())
        .collect();
    score_documents(&gold, &other, &EvalOptions::default())
}

/// Agreement under the CofeNet sentence protocol: for every ordered pair of two CofeNet ids
/// of the same article, the second annotator's `.ann` attributions (from `gold`, by id) are
/// projected onto the sentences and scored against the first one's labels.
///
/// # Errors
/// [`EvalError::Mismatch`] when an id of a multi-annotated article has no gold document.
pub fn agreement_cofenet(
    corpus: &CofenetCorpus,
    gold: &[GoldDocument],
) -> Result<Report, EvalError> {
    let by_name: HashMap<&str, &GoldDocument> = gold.iter().map(|g| (g.name.as_str(), g)).collect();
    let mut documents = Vec::new();
    let mut predictions = Vec::new();
    for (i, d) in corpus.documents.iter().enumerate() {
        for (j, other) in corpus.documents.iter().enumerate() {
            if i == j || other.article != d.article {
                continue;
            }
            let annotation = by_name.get(other.id.as_str()).ok_or_else(|| {
                EvalError::Mismatch(format!("no gold document named `{}`", other.id))
            })?;
            documents.push(d.clone());
            predictions.push(annotation.attributions.as_slice());
        }
    }
    let pairs = CofenetCorpus {
        articles: corpus.articles.clone(),
        documents,
    };
    Ok(score_cofenet(
        &pairs,
        &predictions,
        &EvalOptions::default(),
        &PROJECTION,
    ))
}

/// The CofeNet documents of articles with at least two ids (annotators).
pub fn multi_annotated_cofenet(corpus: &CofenetCorpus) -> CofenetCorpus {
    let mut count: HashMap<usize, usize> = HashMap::new();
    for d in &corpus.documents {
        *count.entry(d.article).or_default() += 1;
    }
    CofenetCorpus {
        articles: corpus.articles.clone(),
        documents: corpus
            .documents
            .iter()
            .filter(|d| count[&d.article] > 1)
            .cloned()
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::CharSpan;

    fn doc(name: &str, article: &str, contents: &[(usize, usize)]) -> GoldDocument {
        GoldDocument {
            name: name.into(),
            article: article.into(),
            text: "Aa said bb cc. Dd said ee ff.".into(),
            date: None,
            attributions: contents
                .iter()
                .map(|&(s, e)| Attribution {
                    source: vec![],
                    cue: vec![],
                    content: vec![CharSpan::new(s, e)],
                })
                .collect(),
        }
    }

    #[test]
    fn pairs_stay_within_an_article() {
        let docs = [
            doc("a_1", "a", &[]),
            doc("b_1", "b", &[]),
            doc("a_2", "a", &[]),
            doc("a_3", "a", &[]),
        ];
        assert_eq!(
            annotator_pairs(&docs),
            vec![(0, 2), (0, 3), (2, 0), (2, 3), (3, 0), (3, 2)]
        );
        let multi: Vec<String> = multi_annotated(&docs).into_iter().map(|d| d.name).collect();
        assert_eq!(multi, ["a_1", "a_2", "a_3"]);
    }

    #[test]
    fn single_annotators_give_no_pairs() {
        let docs = [doc("a_1", "a", &[(8, 13)]), doc("b_1", "b", &[(8, 13)])];
        assert!(annotator_pairs(&docs).is_empty());
        let report = agreement_documents(&docs);
        assert_eq!(report.documents, 0);
        assert_eq!(report.exact.content.gold, 0);
    }

    #[test]
    fn pooled_over_ordered_pairs_precision_equals_recall() {
        // Annotator 1 marks two contents, annotator 2 one of them (the same span).
        let docs = [
            doc("a_1", "a", &[(8, 13), (23, 28)]),
            doc("a_2", "a", &[(8, 13)]),
        ];
        let report = agreement_documents(&docs);
        let c = &report.exact.content;
        assert_eq!((c.tp, c.predicted, c.gold), (2, 3, 3));
        assert!((c.precision - c.recall).abs() < 1e-12);
        assert!((c.f1 - 2.0 / 3.0).abs() < 1e-9);
    }
}
