//! The document-level protocol: predictions made once per article, scored as character spans
//! against every `.ann` document of that article.

use std::collections::HashMap;
use std::fmt;

use rayon::prelude::*;

use crate::breakdown::{BreakdownTally, tally_by_label};
use crate::document::GoldDocument;
use crate::metrics::{
    AttributionMatch, Counts, attribution_counts, begin_counts, exact_counts, overlap_counts,
    role_spans,
};
use crate::report::{AttributionScores, Protocol, Report, RoleScores};
use crate::span::{Attribution, CharSpan, Role, pieces_text};
use crate::text::{is_direct_quote, is_pronoun, word_tokens};

/// Options of a scoring run.
///
/// ```
/// use whosaid_eval::EvalOptions;
/// let stem = |cue: &str| cue.trim().to_lowercase().trim_end_matches('s').to_string();
/// let opts = EvalOptions { lemma: &stem, ..EvalOptions::default() };
/// assert_eq!((opts.lemma)("Says"), "say");
/// ```
#[derive(Clone, Copy)]
pub struct EvalOptions<'a> {
    /// Maps a cue's text (pieces joined by a space) to the lemma it is reported under.
    pub lemma: &'a (dyn Fn(&str) -> String + Sync),
    /// How many cue lemmas (most frequent in gold first) the breakdown lists.
    pub top_cues: usize,
}

impl Default for EvalOptions<'static> {
    fn default() -> Self {
        EvalOptions {
            lemma: &default_lemma,
            top_cues: 20,
        }
    }
}

impl fmt::Debug for EvalOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EvalOptions")
            .field("top_cues", &self.top_cues)
            .finish_non_exhaustive()
    }
}

/// The default cue lemma: the cue text trimmed, lowercased, inner whitespace collapsed.
pub fn default_lemma(cue: &str) -> String {
    cue.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `extract` once per distinct article (in parallel) and returns the predictions for
/// every document, index-aligned with `docs`. Documents of the same article share them.
pub fn predict<F>(docs: &[GoldDocument], extract: F) -> Vec<Vec<Attribution>>
where
    F: Fn(&str, Option<&str>) -> Vec<Attribution> + Sync,
{
    let mut first_of: HashMap<(&str, &str), usize> = HashMap::new();
    let mut unique: Vec<usize> = Vec::new();
    let slot: Vec<usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            *first_of.entry((&d.article, &d.text)).or_insert_with(|| {
                unique.push(i);
                unique.len() - 1
            })
        })
        .collect();
    let predicted: Vec<Vec<Attribution>> = unique
        .par_iter()
        .map(|&i| extract(&docs[i].text, docs[i].date.as_deref()))
        .collect();
    slot.into_iter().map(|k| predicted[k].clone()).collect()
}

/// Runs the extractor and scores it under the document protocol.
///
/// ```
/// use whosaid_eval::{evaluate, Attribution, CharSpan, EvalOptions, GoldDocument};
/// let gold = Attribution {
///     source: vec![CharSpan::new(0, 2)],
///     cue: vec![CharSpan::new(3, 7)],
///     content: vec![CharSpan::new(8, 15)],
/// };
/// let doc = GoldDocument {
///     name: "a_x".into(), article: "a".into(), text: "He said it rains.".into(),
///     date: None, attributions: vec![gold.clone()],
/// };
/// let report = evaluate(&[doc], |_, _| vec![gold.clone()], &EvalOptions::default());
/// assert_eq!(report.exact.content.f1, 1.0);
/// ```
pub fn evaluate<F>(docs: &[GoldDocument], extract: F, opts: &EvalOptions) -> Report
where
    F: Fn(&str, Option<&str>) -> Vec<Attribution> + Sync,
{
    let predictions = predict(docs, extract);
    score_documents(docs, &predictions, opts)
}

/// Scores predictions (index-aligned with `docs`, as [`predict`] returns them).
/// Missing entries are scored as empty predictions.
pub fn score_documents(
    docs: &[GoldDocument],
    predictions: &[Vec<Attribution>],
    opts: &EvalOptions,
) -> Report {
    let tallies: Vec<DocTally> = docs
        .par_iter()
        .enumerate()
        .map(|(i, doc)| {
            let empty = Vec::new();
            score_document(doc, predictions.get(i).unwrap_or(&empty), opts)
        })
        .collect();
    let mut total = DocTally::default();
    for t in tallies {
        total.merge(t);
    }
    let roles = |counts: &[Counts; 3]| RoleScores {
        source: counts[0].into(),
        cue: counts[1].into(),
        content: counts[2].into(),
    };
    Report {
        protocol: Protocol::Document,
        documents: docs.len(),
        exact: roles(&total.exact),
        begin: roles(&total.begin),
        attribution: AttributionScores {
            exact: Some(total.attribution_exact.into()),
            lenient: Some(total.attribution_lenient.into()),
        },
        overlap: Some(roles(&total.overlap)),
        breakdowns: Some(total.breakdown.finish(opts.top_cues)),
        alignment: None,
    }
}

/// Gold and predicted attributions of one document in canonical form (see
/// [`Attribution::normalized`]). Relations left with no span at all are dropped on both
/// sides: PolNeAR has a few events with a trigger and no role (`E21\tAttribution-no-source:T83`),
/// which nothing could match.
pub(crate) fn normalized_pair(
    text: &[char],
    gold: &[Attribution],
    predicted: &[Attribution],
) -> (Vec<Attribution>, Vec<Attribution>) {
    let norm = |list: &[Attribution]| -> Vec<Attribution> {
        list.iter()
            .map(|a| a.normalized(text))
            .filter(|a| Role::ALL.iter().any(|&r| !a.role(r).is_empty()))
            .collect()
    };
    (norm(gold), norm(predicted))
}

#[derive(Debug, Default)]
struct DocTally {
    exact: [Counts; 3],
    begin: [Counts; 3],
    overlap: [Counts; 3],
    attribution_exact: Counts,
    attribution_lenient: Counts,
    breakdown: BreakdownTally,
}

impl DocTally {
    fn merge(&mut self, other: DocTally) {
        for i in 0..3 {
            self.exact[i].add(other.exact[i]);
            self.begin[i].add(other.begin[i]);
            self.overlap[i].add(other.overlap[i]);
        }
        self.attribution_exact.add(other.attribution_exact);
        self.attribution_lenient.add(other.attribution_lenient);
        self.breakdown.merge(other.breakdown);
    }
}

fn score_document(doc: &GoldDocument, predicted: &[Attribution], opts: &EvalOptions) -> DocTally {
    let text: Vec<char> = doc.text.chars().collect();
    let tokens = word_tokens(&text);
    let (gold, pred) = normalized_pair(&text, &doc.attributions, predicted);
    let mut tally = DocTally::default();
    for (i, role) in Role::ALL.into_iter().enumerate() {
        let g = role_spans(&gold, role);
        let p = role_spans(&pred, role);
        tally.exact[i] = exact_counts(&g, &p);
        tally.begin[i] = begin_counts(&g, &p);
        tally.overlap[i] = overlap_counts(&tokens, &g, &p);
        let b = &mut tally.breakdown;
        match role {
            Role::Source => {
                let label = |s: &Vec<CharSpan>| is_pronoun(&pieces_text(s, &text));
                b.source = tally_by_label(&labelled(&g, label), &labelled(&p, label));
            }
            Role::Cue => {
                let label = |s: &Vec<CharSpan>| (opts.lemma)(&pieces_text(s, &text));
                b.cue = tally_by_label(&labelled(&g, label), &labelled(&p, label));
            }
            Role::Content => {
                let label = |s: &Vec<CharSpan>| is_direct_quote(s, &text);
                b.content = tally_by_label(&labelled(&g, label), &labelled(&p, label));
            }
        }
    }
    tally.attribution_exact = attribution_counts(&tokens, &gold, &pred, AttributionMatch::Exact);
    tally.attribution_lenient =
        attribution_counts(&tokens, &gold, &pred, AttributionMatch::Lenient);
    tally
}

fn labelled<L>(
    spans: &[Vec<CharSpan>],
    label: impl Fn(&Vec<CharSpan>) -> L,
) -> Vec<(&Vec<CharSpan>, L)> {
    spans.iter().map(|s| (s, label(s))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn s(a: usize, b: usize) -> CharSpan {
        CharSpan::new(a, b)
    }

    fn doc(name: &str, article: &str, text: &str, attributions: Vec<Attribution>) -> GoldDocument {
        GoldDocument {
            name: name.into(),
            article: article.into(),
            text: text.into(),
            date: None,
            attributions,
        }
    }

    //                  0         1         2         3         4         5
    //                  012345678901234567890123456789012345678901234567890123456
    const TEXT: &str = "\"We will win,\" he said. \"And soon,\" Smith added, smiling.";

    fn split_quote() -> Attribution {
        Attribution {
            source: vec![s(15, 17)],
            cue: vec![s(18, 22)],
            content: vec![s(0, 14), s(24, 35)],
        }
    }

    #[test]
    fn predictions_once_per_article_scored_per_annotator() {
        let calls = AtomicUsize::new(0);
        let g = split_quote();
        let docs = vec![
            doc("a_1", "a", TEXT, vec![g.clone()]),
            doc("a_2", "a", TEXT, vec![]),
        ];
        let report = evaluate(
            &docs,
            |_, _| {
                calls.fetch_add(1, Ordering::SeqCst);
                vec![g.clone()]
            },
            &EvalOptions::default(),
        );
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(report.documents, 2);
        // Predicted in both documents, gold only in the first.
        assert_eq!(
            (
                report.exact.content.tp,
                report.exact.content.predicted,
                report.exact.content.gold
            ),
            (1, 2, 1)
        );
        assert_eq!(report.exact.content.precision, 0.5);
        assert_eq!(report.attribution.exact.unwrap().recall, 1.0);
    }

    #[test]
    fn discontinuous_content_needs_all_pieces_and_whitespace_is_trimmed() {
        let g = split_quote();
        let one_piece = Attribution {
            content: vec![s(0, 14)],
            ..g.clone()
        };
        let padded = Attribution {
            source: vec![s(14, 17)],
            cue: vec![s(18, 23)],
            content: vec![s(0, 14), s(23, 35)],
        };
        let docs = vec![doc("a_1", "a", TEXT, vec![g])];
        let r1 = score_documents(&docs, &[vec![one_piece]], &EvalOptions::default());
        assert_eq!(r1.exact.content.tp, 0);
        assert_eq!(r1.begin.content.tp, 1);
        assert_eq!(r1.exact.source.tp, 1);
        // Tokens of the first piece: " We will win , " = 6 of the 11 gold content tokens.
        let o = r1.overlap.unwrap().content;
        assert_eq!((o.tp, o.predicted, o.gold), (6, 6, 11));
        assert_eq!(r1.attribution.exact.unwrap().tp, 0);
        assert_eq!(r1.attribution.lenient.unwrap().tp, 1);
        // Whitespace at piece edges does not matter; a trailing '.' does.
        let r2 = score_documents(&docs, &[vec![padded]], &EvalOptions::default());
        assert_eq!(r2.exact.source.tp, 1);
        assert_eq!(r2.exact.content.tp, 1);
        assert_eq!(r2.exact.cue.tp, 0);
    }

    #[test]
    fn breakdowns_classify_quotes_pronouns_and_lemmas() {
        let g1 = split_quote();
        let g2 = Attribution {
            source: vec![s(36, 41)],
            cue: vec![s(42, 47)],
            content: vec![s(24, 35)],
        };
        let docs = vec![doc("a_1", "a", TEXT, vec![g1.clone(), g2])];
        let upper = |c: &str| c.to_uppercase();
        let opts = EvalOptions {
            lemma: &upper,
            top_cues: 5,
        };
        let r = score_documents(&docs, &[vec![g1]], &opts);
        let b = r.breakdowns.unwrap();
        assert_eq!(
            (b.content_direct_quote.tp, b.content_direct_quote.gold),
            (1, 2)
        );
        assert_eq!((b.source_pronoun.tp, b.source_pronoun.gold), (1, 1));
        assert_eq!((b.source_other.tp, b.source_other.gold), (0, 1));
        let lemmas: Vec<&str> = b.cue_lemmas.iter().map(|l| l.lemma.as_str()).collect();
        assert_eq!(lemmas, ["ADDED", "SAID"]);
    }

    #[test]
    fn out_of_range_and_empty_predictions_are_harmless() {
        let docs = vec![doc("a_1", "a", TEXT, vec![split_quote()])];
        let wild = Attribution {
            source: vec![s(500, 900)],
            cue: vec![],
            content: vec![s(50, 9999)],
        };
        let r = score_documents(
            &docs,
            &[vec![wild, Attribution::default()]],
            &EvalOptions::default(),
        );
        assert_eq!(r.exact.source.predicted, 0);
        assert_eq!(r.exact.content.predicted, 1);
        assert_eq!(r.attribution.exact.unwrap().predicted, 1);
        let none = score_documents(&docs, &[], &EvalOptions::default());
        assert_eq!(none.exact.content.recall, 0.0);
    }
}
