//! Training the tagger: the BiLSTM-CRF networks of [`net`] on token inputs computed with
//! out-of-fold cue statistics.
//!
//! Pure computation, no I/O: the caller (`whosaid train`) reads the annotated corpus, runs
//! the rule pipeline on each text, turns the gold spans into token labels with
//! [`gold_labels`] and hands the [`Example`]s to [`train_model`].

use std::sync::Arc;

use super::Model;
use super::cuestats::{CueCounter, CueStats};
use super::features::FeatureContext;
use super::labels::{Label, N_LABELS, project, role};
use super::net;
use super::net::train::{NetConfig, Sequence};
use crate::document::Document;
use crate::lexicon::Lexicon;
use crate::segment::TokenRange;
use crate::span::Span;

/// Gold role pieces as byte spans: `(span, role)` with role 1 source, 2 cue, 3 content.
pub type GoldPiece = (Span, u8);

/// Projects gold byte spans onto the document's tokens. A token belongs to a span when its
/// last character lies inside it (annotators sometimes start a span inside a word or stop
/// one character short; the CofeNet labels follow this rule).
pub fn gold_labels(doc: &Document, pieces: &[GoldPiece]) -> Vec<Label> {
    let mut ranges = Vec::new();
    for &(span, role) in pieces {
        let first = doc.tokens.partition_point(|t| t.span.end <= span.start);
        let mut last = first;
        let mut start = None;
        while last < doc.tokens.len() && doc.tokens[last].span.start < span.end {
            let t = doc.tokens[last].span;
            let last_char_start = doc.text[..t.end as usize]
                .char_indices()
                .next_back()
                .map(|(b, _)| b as u32)
                .unwrap_or(t.start);
            if span.start <= last_char_start && last_char_start < span.end && start.is_none() {
                start = Some(last);
            }
            if !(span.start <= last_char_start && last_char_start < span.end) && start.is_some() {
                break;
            }
            last += 1;
        }
        if let Some(s) = start {
            let mut e = s;
            while e < doc.tokens.len() && {
                let t = doc.tokens[e].span;
                let lc = doc.text[..t.end as usize]
                    .char_indices()
                    .next_back()
                    .map(|(b, _)| b as u32)
                    .unwrap_or(t.start);
                span.start <= lc && lc < span.end
            } {
                e += 1;
            }
            ranges.push((TokenRange::new(s, e), role));
        }
    }
    project(doc.tokens.len(), &mut ranges)
}

/// One training document: the rule pipeline's analysis of its text and the gold labels.
pub struct Example {
    /// The document, analysed by the rules alone.
    pub doc: Document,
    /// Gold label of every token.
    pub gold: Vec<Label>,
}

/// Training settings.
#[derive(Clone, Debug)]
pub struct TrainConfig {
    /// Folds for the out-of-fold cue statistics the inputs read while training.
    pub folds: usize,
    /// Networks to train, each with its own seed (`net.seed`, `net.seed + 1`, …); the
    /// model averages their scores.
    pub ensemble: usize,
    /// The network's settings.
    pub net: NetConfig,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            folds: 4,
            ensemble: 1,
            net: NetConfig::default(),
        }
    }
}

fn cue_stats(examples: &[&Example], include: impl Fn(usize) -> bool) -> CueStats {
    let mut counter = CueCounter::default();
    let included = examples.iter().enumerate().filter(|(k, _)| include(*k));
    for (_, e) in included {
        for (i, &l) in e.gold.iter().enumerate() {
            counter.add(e.doc.word(i), role(l) == 2);
        }
    }
    counter.finish()
}

/// Trains a model: cue statistics, then the networks on every paragraph of `examples`.
/// While training, each document's inputs read cue statistics computed without its own
/// fold (so that the networks learn from statistics as good as — not better than — those
/// they will see on new text); the saved model carries the statistics of all the data.
pub fn train_model(
    examples: &[Example],
    lexicon: &Lexicon,
    cfg: &TrainConfig,
    log: &dyn Fn(String),
) -> Model {
    train_model_distilled(examples, &[], lexicon, cfg, log)
}

/// [`train_model`] with teachers: `soft[k]` holds, for each token of `examples[k]`, the
/// label probabilities of a model that never saw that document ([`teacher`],
/// [`Model::marginals`]), which the networks learn towards with weight
/// [`NetConfig::distill`] beside the gold labels (empty: gold labels alone).
pub fn train_model_distilled(
    examples: &[Example],
    soft: &[Vec<[f32; N_LABELS]>],
    lexicon: &Lexicon,
    cfg: &TrainConfig,
    log: &dyn Fn(String),
) -> Model {
    let refs: Vec<&Example> = examples.iter().collect();
    train_on(&refs, soft, lexicon, cfg, log)
}

/// The teacher of fold `fold` of `folds` (the fold of `examples[k]` is `k % folds`, as
/// for the cue statistics): a model trained like [`train_model`] on every other fold, to
/// label the documents of this one. `cfg.ensemble` networks; no distillation of its own.
pub fn teacher(
    examples: &[Example],
    fold: usize,
    folds: usize,
    lexicon: &Lexicon,
    cfg: &TrainConfig,
    log: &dyn Fn(String),
) -> Model {
    let refs: Vec<&Example> = examples
        .iter()
        .enumerate()
        .filter(|(k, _)| k % folds != fold)
        .map(|(_, e)| e)
        .collect();
    let cfg = TrainConfig {
        net: NetConfig {
            distill: 0.0,
            ..cfg.net.clone()
        },
        ..cfg.clone()
    };
    train_on(&refs, &[], lexicon, &cfg, log)
}

fn train_on(
    examples: &[&Example],
    soft: &[Vec<[f32; N_LABELS]>],
    lexicon: &Lexicon,
    cfg: &TrainConfig,
    log: &dyn Fn(String),
) -> Model {
    let folds = cfg.folds.max(2);
    let fold_stats: Vec<CueStats> = (0..folds)
        .map(|f| cue_stats(examples, |k| k % folds != f))
        .collect();
    let mut seqs = Vec::new();
    for (k, e) in examples.iter().enumerate() {
        let ctx = FeatureContext::new(&e.doc, lexicon, &fold_stats[k % folds]);
        let soft = soft.get(k).filter(|s| s.len() == e.gold.len());
        for r in super::sequences(&e.doc) {
            seqs.push(Sequence {
                inputs: r.range().map(|i| ctx.inputs(i)).collect(),
                gold: e.gold[r.range()].to_vec(),
                soft: soft.map(|s| s[r.range()].to_vec()).unwrap_or_default(),
            });
        }
    }
    let tokens: usize = seqs.iter().map(|s| s.gold.len()).sum();
    log(format!("{} sequences, {tokens} tokens", seqs.len()));
    let nets = (0..cfg.ensemble.max(1) as u64)
        .map(|n| {
            let net_cfg = NetConfig {
                seed: cfg.net.seed + n,
                ..cfg.net.clone()
            };
            log(format!("network {} of {}", n + 1, cfg.ensemble.max(1)));
            Arc::new(net::train::train(&seqs, &net_cfg, log))
        })
        .collect();
    Model {
        stats: Arc::new(cue_stats(examples, |_| true)),
        nets,
    }
}

#[cfg(test)]
mod tests {
    use super::super::labels::LABELS;
    use super::*;
    use crate::document::extract_rules as rules;

    /// The byte span of the first occurrence of `part` in `text`.
    fn span_of(text: &str, part: &str) -> Span {
        let at = text
            .find(part)
            .unwrap_or_else(|| panic!("{part:?} not in {text:?}"));
        Span::new(at, at + part.len())
    }

    fn names(labels: &[Label]) -> Vec<&'static str> {
        labels.iter().map(|&l| LABELS[l as usize]).collect()
    }

    /// Texts with gold (source, cue, content) that differ from the rules' in places: the
    /// auxiliary belongs to the cue, "that" is not content.
    const GOLD: [(&str, &str, &str, &str); 3] = [
        (
            "Sanders has said the plan works.",
            "Sanders",
            "has said",
            "the plan works",
        ),
        (
            "“We will appeal,” the lawyer said.",
            "the lawyer",
            "said",
            "“We will appeal,”",
        ),
        (
            "Officials said that the deal was late.",
            "Officials",
            "said",
            "the deal was late",
        ),
    ];

    fn examples() -> Vec<Example> {
        GOLD.iter()
            .map(|&(text, source, cue, content)| {
                let doc = rules(text);
                let pieces = [
                    (span_of(text, source), 1),
                    (span_of(text, cue), 2),
                    (span_of(text, content), 3),
                ];
                let gold = gold_labels(&doc, &pieces);
                Example { doc, gold }
            })
            .collect()
    }

    #[test]
    fn gold_spans_become_token_labels() {
        let e = examples();
        assert_eq!(
            names(&e[0].gold),
            [
                "B-source",
                "B-cue",
                "I-cue",
                "B-content",
                "I-content",
                "I-content",
                "O"
            ]
        );
        assert_eq!(
            names(&e[2].gold),
            [
                "B-source",
                "B-cue",
                "O",
                "B-content",
                "I-content",
                "I-content",
                "I-content",
                "O"
            ]
        );
    }

    #[test]
    fn gold_token_holds_its_last_character() {
        let text = "The café owner said prices rose.";
        let doc = rules(text);
        let label = |span: Span| names(&gold_labels(&doc, &[(span, 3)]));
        // Starting inside "café" still takes it; its last character "é" is two bytes.
        let cafe = span_of(text, "café");
        assert_eq!(
            label(Span::new(cafe.start as usize + 1, cafe.end as usize)),
            ["O", "B-content", "O", "O", "O", "O", "O"]
        );
        // Stopping one character short ("caf") leaves the word out.
        assert_eq!(
            label(Span::new(cafe.start as usize, cafe.end as usize - 2)),
            ["O"; 7]
        );
        // "owner sai" leaves "said" out; "owner said pri" takes "said" but not "prices".
        let owner = span_of(text, "owner").start as usize;
        assert_eq!(
            label(Span::new(owner, owner + "owner sai".len())),
            ["O", "O", "B-content", "O", "O", "O", "O"]
        );
        assert_eq!(
            label(Span::new(owner, owner + "owner said pri".len())),
            ["O", "O", "B-content", "I-content", "O", "O", "O"]
        );
        // Spans past the text or empty label nothing.
        assert_eq!(label(Span::new(100, 120)), ["O"; 7]);
        assert_eq!(label(Span::empty(4)), ["O"; 7]);
    }

    #[test]
    fn train_model_reproduces_its_training_data() {
        let examples = examples();
        let cfg = TrainConfig {
            ensemble: 2,
            ..tiny_config(0.0)
        };
        let lines = std::cell::RefCell::new(Vec::new());
        let model = train_model(&examples, Lexicon::get(), &cfg, &|l| {
            lines.borrow_mut().push(l)
        });
        assert_eq!(model.nets.len(), 2);
        let lines = lines.into_inner();
        assert_eq!(
            lines.iter().filter(|l| l.starts_with("epoch")).count(),
            2 * 40
        );
        let packed = Model::from_bytes(&model.to_bytes()).unwrap();
        assert_eq!(packed, model);
        for e in &examples {
            assert_eq!(
                names(&model.tag_document(&e.doc, Lexicon::get())),
                names(&e.gold)
            );
        }
        // Cue statistics count gold cue words: "said" is a cue in all three examples.
        assert!(model.stats.get("said") > 0.0);
        assert_eq!(model.stats.get("plan"), 0.0);
        // The same settings train the same model.
        assert_eq!(train_model(&examples, Lexicon::get(), &cfg, &|_| {}), model);
    }

    /// A small network that learns the three examples in a few milliseconds.
    fn tiny_config(distill: f32) -> TrainConfig {
        let mut net = NetConfig {
            hidden: 8,
            epochs: 40,
            lr: 0.02,
            dropout: 0.0,
            batch_tokens: 8,
            threads: 2,
            average_from: usize::MAX,
            distill,
            ..NetConfig::default()
        };
        net.dims = [4; crate::model::net::N_COLUMNS];
        TrainConfig {
            folds: 2,
            ensemble: 1,
            net,
        }
    }

    fn onehot(labels: &[Label]) -> Vec<[f32; N_LABELS]> {
        labels
            .iter()
            .map(|&l| std::array::from_fn(|k| if k == l as usize { 1.0 } else { 0.0 }))
            .collect()
    }

    #[test]
    fn distillation_learns_towards_the_teachers_labels() {
        let examples = examples();
        let lexicon = Lexicon::get();
        let plain = train_model(&examples, lexicon, &tiny_config(0.0), &|_| {});
        // A teacher that agrees with the gold labels changes nothing, to the bit.
        let agreeing: Vec<_> = examples.iter().map(|e| onehot(&e.gold)).collect();
        let same = train_model_distilled(&examples, &agreeing, lexicon, &tiny_config(1.0), &|_| {});
        assert_eq!(same, plain);
        // Weight 0 ignores the teacher.
        let outside: Vec<_> = examples
            .iter()
            .map(|e| onehot(&vec![0; e.gold.len()]))
            .collect();
        let ignored =
            train_model_distilled(&examples, &outside, lexicon, &tiny_config(0.0), &|_| {});
        assert_eq!(ignored, plain);
        // Weight 1 learns the teacher's labels instead of the gold ones.
        let taught =
            train_model_distilled(&examples, &outside, lexicon, &tiny_config(1.0), &|_| {});
        for e in &examples {
            assert!(taught.tag_document(&e.doc, lexicon).iter().all(|&l| l == 0));
        }
    }

    #[test]
    fn teachers_see_the_other_folds_and_give_probabilities() {
        let examples = examples();
        let lexicon = Lexicon::get();
        let cfg = tiny_config(0.0);
        // Fold 1 of 2 holds the second example alone; its teacher learns from the other two.
        let t = teacher(&examples, 1, 2, lexicon, &cfg, &|_| {});
        let mut rest = super::tests::examples();
        rest.remove(1);
        let others = train_model(&rest, lexicon, &cfg, &|_| {});
        assert_eq!(t, others);
        // A model's marginals are distributions that put most weight on what it labels.
        let model = train_model(&examples, lexicon, &cfg, &|_| {});
        for e in &examples {
            let m = model.marginals(&e.doc, lexicon);
            assert_eq!(m.len(), e.doc.tokens.len());
            for (p, &g) in m.iter().zip(&e.gold) {
                assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-4, "{p:?}");
                assert!(p.iter().all(|&x| (0.0..=1.0 + 1e-5).contains(&x)));
                assert!(p[g as usize] > 0.5, "{p:?} for gold {g}");
            }
        }
        // No networks: every token is outside for certain.
        let none = Model {
            stats: Arc::default(),
            nets: Vec::new(),
        };
        let m = none.marginals(&examples[0].doc, lexicon);
        assert!(
            m.iter()
                .all(|p| p[0] == 1.0 && p[1..].iter().all(|&x| x == 0.0))
        );
    }
}
