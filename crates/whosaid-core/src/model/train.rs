//! Training the tagger: an averaged structured perceptron (Collins, 2002).
//!
//! Pure computation, no I/O: the caller (`whosaid train`) reads the annotated corpus, runs
//! the rule pipeline on each text, turns the gold spans into token labels with
//! [`gold_labels`] and feeds paragraphs to [`Trainer::learn`].

use super::cuestats::{CueCounter, CueStats};
use super::features::FeatureContext;
use super::labels::{Label, N_LABELS, project, role};
use super::{Layer, Model};
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

/// The trainer's state: current weights and the sums needed for averaging.
pub struct Trainer {
    layer: Layer,
    /// Sum of `step * update` per weight (for the lazy average).
    acc: Vec<[f32; 8]>,
    trans_acc: [[f32; N_LABELS]; N_LABELS + 1],
    step: f32,
    feats: Vec<Vec<u64>>,
}

impl Trainer {
    /// A trainer with `2^bits` feature buckets.
    pub fn new(bits: u32) -> Trainer {
        let layer = Layer::zeros(bits);
        let n = 1usize << bits;
        Trainer {
            layer,
            acc: vec![[0.0; 8]; n],
            trans_acc: [[0.0; N_LABELS]; N_LABELS + 1],
            step: 1.0,
            feats: Vec::new(),
        }
    }

    fn update_token(&mut self, t: usize, label: Label, delta: f32) {
        for k in 0..self.feats[t].len() {
            let b = self.layer.bucket(self.feats[t][k]);
            if let Some(rows) = self.layer.float_rows_mut() {
                rows[b][label as usize] += delta;
            }
            self.acc[b][label as usize] += self.step * delta;
        }
    }

    fn update_trans(&mut self, from: usize, to: Label, delta: f32) {
        self.layer.trans[from][to as usize] += delta;
        self.trans_acc[from][to as usize] += self.step * delta;
    }

    /// Learns from one sequence (a paragraph): decodes it with the current weights and,
    /// where the decoding differs from `gold`, moves the weights toward gold.
    /// Returns the number of tokens decoded wrongly.
    pub fn learn(&mut self, ctx: &FeatureContext, range: TokenRange, gold: &[Label]) -> usize {
        let predicted = self.layer.tag(ctx, range);
        let errors = predicted.iter().zip(gold).filter(|(p, g)| p != g).count();
        if errors > 0 {
            self.feats.clear();
            for i in range.range() {
                let mut f = Vec::with_capacity(96);
                ctx.features(i, &mut f);
                self.feats.push(f);
            }
            for t in 0..predicted.len() {
                if predicted[t] != gold[t] {
                    self.update_token(t, gold[t], 1.0);
                    self.update_token(t, predicted[t], -1.0);
                }
                let (pf, gf) = if t == 0 {
                    (N_LABELS, N_LABELS)
                } else {
                    (predicted[t - 1] as usize, gold[t - 1] as usize)
                };
                if pf != gf || predicted[t] != gold[t] {
                    self.update_trans(gf, gold[t], 1.0);
                    self.update_trans(pf, predicted[t], -1.0);
                }
            }
        }
        self.step += 1.0;
        errors
    }

    /// The averaged layer.
    pub fn finish(self) -> Layer {
        let mut m = self.layer;
        let c = self.step;
        if let Some(rows) = m.float_rows_mut() {
            for (row, arow) in rows.iter_mut().zip(&self.acc) {
                for (w, a) in row.iter_mut().zip(arow) {
                    *w -= a / c;
                }
            }
        }
        for (row, arow) in m.trans.iter_mut().zip(&self.trans_acc) {
            for (w, a) in row.iter_mut().zip(arow) {
                *w -= a / c;
            }
        }
        m
    }
}

/// One training document: the rule pipeline's analysis of its text and the gold labels.
pub struct Example {
    /// The document, analysed by the rules alone.
    pub doc: Document,
    /// Gold label of every token.
    pub gold: Vec<Label>,
    /// Extra per-token analysis for the features (a dependency parse: heads, relations).
    pub parse: Option<(Vec<Option<u32>>, Vec<u8>)>,
}

/// Training settings.
#[derive(Clone, Debug)]
pub struct TrainConfig {
    /// log2 of the number of feature buckets per layer.
    pub bits: u32,
    /// Passes over the data per layer.
    pub epochs: usize,
    /// Folds for the out-of-fold statistics and first-layer labels.
    pub folds: usize,
    /// Whether to train the stacked second layer.
    pub stacked: bool,
    /// Layers trained per position, each on its own shuffling, whose weights are averaged
    /// (1 = a single run): steadier weights at the same tagging cost.
    pub ensemble: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            bits: 17,
            epochs: 10,
            folds: 4,
            stacked: true,
            ensemble: 5,
        }
    }
}

fn cue_stats(examples: &[Example], include: impl Fn(usize) -> bool) -> CueStats {
    let mut counter = CueCounter::default();
    for (k, e) in examples.iter().enumerate().filter(|(k, _)| include(*k)) {
        let _ = k;
        for (i, &l) in e.gold.iter().enumerate() {
            counter.add(e.doc.word(i), role(l) == 2);
        }
    }
    counter.finish()
}

/// Deterministic Fisher–Yates shuffle (xorshift), so training is reproducible.
fn shuffle<T>(v: &mut [T], state: &mut u64) {
    for i in (1..v.len()).rev() {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        let j = (*state % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
}

fn train_layer(
    contexts: &[FeatureContext],
    examples: &[Example],
    include: &dyn Fn(usize) -> bool,
    cfg: &TrainConfig,
    log: &dyn Fn(String),
) -> Layer {
    let runs: Vec<Layer> = (0..cfg.ensemble.max(1) as u64)
        .map(|run| train_run(contexts, examples, include, cfg, log, run))
        .collect();
    Layer::average(runs)
}

/// One training run over the data, shuffled with a seed of its own.
fn train_run(
    contexts: &[FeatureContext],
    examples: &[Example],
    include: &dyn Fn(usize) -> bool,
    cfg: &TrainConfig,
    log: &dyn Fn(String),
    run: u64,
) -> Layer {
    let mut trainer = Trainer::new(cfg.bits);
    let mut order: Vec<(usize, TokenRange)> = examples
        .iter()
        .enumerate()
        .filter(|(k, _)| include(*k))
        .flat_map(|(k, e)| super::sequences(&e.doc).into_iter().map(move |r| (k, r)))
        .collect();
    let tokens: usize = order.iter().map(|(_, r)| r.len()).sum();
    let mut seed = 0x2545F4914F6CDD1Du64 ^ run.wrapping_mul(0x9E3779B97F4A7C15);
    for epoch in 1..=cfg.epochs {
        shuffle(&mut order, &mut seed);
        let mut errors = 0;
        for &(k, r) in &order {
            errors += trainer.learn(&contexts[k], r, &examples[k].gold[r.range()]);
        }
        log(format!(
            "epoch {epoch}: {:.2}% of {tokens} tokens mislabelled",
            100.0 * errors as f64 / tokens.max(1) as f64
        ));
    }
    trainer.finish()
}

/// Trains a model: cue statistics, the first layer, and (if configured) the stacked second
/// layer on out-of-fold first-layer labels, so that the second layer learns from labels
/// as good as — not better than — those it will see on new text.
pub fn train_model(
    examples: &[Example],
    lexicon: &Lexicon,
    cfg: &TrainConfig,
    log: &dyn Fn(String),
) -> Model {
    let folds = cfg.folds.max(2);
    let fold_of = |k: usize| k % folds;
    // Out-of-fold cue statistics for the training features; all data for the saved model.
    let fold_stats: Vec<CueStats> = (0..folds)
        .map(|f| cue_stats(examples, |k| fold_of(k) != f))
        .collect();
    let context = |k: usize, e: &Example| {
        let mut c = FeatureContext::new(&e.doc, lexicon, &fold_stats[fold_of(k)]);
        if let Some((h, r)) = &e.parse {
            c.set_parse(h, r);
        }
        c
    };
    let mut contexts: Vec<FeatureContext> = examples
        .iter()
        .enumerate()
        .map(|(k, e)| context(k, e))
        .collect();
    let stats = cue_stats(examples, |_| true);
    let second = if cfg.stacked {
        let mut oof: Vec<Vec<Label>> = vec![Vec::new(); examples.len()];
        for f in 0..folds {
            log(format!("first layer, fold {}/{folds}", f + 1));
            let layer = train_layer(&contexts, examples, &|k| fold_of(k) != f, cfg, log);
            for (k, e) in examples
                .iter()
                .enumerate()
                .filter(|(k, _)| fold_of(*k) == f)
            {
                oof[k] = layer.tag_paragraphs(&e.doc, &contexts[k]);
            }
        }
        for (k, e) in examples.iter().enumerate() {
            contexts[k].set_stack(&e.doc, &oof[k]);
        }
        log("second layer".to_string());
        Some(train_layer(&contexts, examples, &|_| true, cfg, log))
    } else {
        None
    };
    log("first layer, all data".to_string());
    for (k, e) in examples.iter().enumerate() {
        contexts[k] = context(k, e);
    }
    let first = train_layer(&contexts, examples, &|_| true, cfg, log);
    Model {
        stats,
        first,
        second,
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
                Example {
                    doc,
                    gold,
                    parse: None,
                }
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
    fn perceptron_learns_the_examples() {
        let examples = examples();
        let stats = CueStats::default();
        let lexicon = Lexicon::get();
        let contexts: Vec<FeatureContext> = examples
            .iter()
            .map(|e| FeatureContext::new(&e.doc, lexicon, &stats))
            .collect();
        let mut trainer = Trainer::new(10);
        let mut errors = Vec::new();
        for _ in 0..6 {
            let mut epoch = 0;
            for (e, ctx) in examples.iter().zip(&contexts) {
                for r in super::super::sequences(&e.doc) {
                    epoch += trainer.learn(ctx, r, &e.gold[r.range()]);
                }
            }
            errors.push(epoch);
        }
        assert!(errors[0] > 0, "{errors:?}");
        assert_eq!(*errors.last().unwrap(), 0, "{errors:?}");
        let layer = trainer.finish();
        for (e, ctx) in examples.iter().zip(&contexts) {
            assert_eq!(names(&layer.tag_paragraphs(&e.doc, ctx)), names(&e.gold));
        }
    }

    #[test]
    fn train_model_reproduces_its_training_data() {
        let examples = examples();
        let cfg = TrainConfig {
            bits: 10,
            epochs: 6,
            folds: 2,
            stacked: true,
            ensemble: 2,
        };
        let lines = std::cell::RefCell::new(Vec::new());
        let model = train_model(&examples, Lexicon::get(), &cfg, &|l| {
            lines.borrow_mut().push(l)
        });
        assert!(model.second.is_some());
        // Stacked: 2 folds and the second layer, then the first on all data; each layer is
        // an ensemble of 2 runs of 6 epochs.
        let lines = lines.into_inner();
        assert_eq!(
            lines.iter().filter(|l| l.starts_with("epoch")).count(),
            4 * 2 * 6
        );
        assert_eq!(
            lines.last().map(|l| l.contains(" 0.00% ")),
            Some(true),
            "{lines:?}"
        );
        let packed = Model::from_bytes(&model.to_bytes()).unwrap();
        for e in &examples {
            assert_eq!(
                names(&model.tag_document(&e.doc, Lexicon::get())),
                names(&e.gold)
            );
            assert_eq!(
                names(&packed.tag_document(&e.doc, Lexicon::get())),
                names(&e.gold)
            );
        }
        // Cue statistics count gold cue words: "said" is a cue in all three examples.
        assert!(model.stats.get("said") > 0.0);
        assert_eq!(model.stats.get("plan"), 0.0);
    }

    fn sample_layer(bits: u32, scale: f32) -> Layer {
        let mut l = Layer::zeros(bits);
        if let Some(rows) = l.float_rows_mut() {
            for (k, row) in rows.iter_mut().enumerate() {
                for (j, w) in row.iter_mut().enumerate().take(N_LABELS) {
                    *w = scale * ((k * 7 + j * 3) % 11) as f32 * 0.1 - 0.3;
                }
            }
        }
        for (k, row) in l.trans.iter_mut().enumerate() {
            for (j, w) in row.iter_mut().enumerate() {
                *w = scale * (k as f32 - j as f32) * 0.37;
            }
        }
        l
    }

    fn rows(l: &mut Layer) -> Vec<[f32; 8]> {
        l.float_rows_mut().unwrap().clone()
    }

    #[test]
    fn average_of_identical_layers_is_the_layer() {
        let mut l = sample_layer(4, 1.0);
        let mut avg = Layer::average(vec![l.clone(), l.clone(), l.clone()]);
        assert_eq!(avg.bits, l.bits);
        for (a, b) in rows(&mut avg)
            .iter()
            .flatten()
            .zip(rows(&mut l).iter().flatten())
        {
            assert!((a - b).abs() < 1e-6, "{a} vs {b}");
        }
        for (a, b) in avg.trans.iter().flatten().zip(l.trans.iter().flatten()) {
            assert!((a - b).abs() < 1e-6, "{a} vs {b}");
        }
        let mut one = Layer::average(vec![l.clone()]);
        assert_eq!(rows(&mut one), rows(&mut l));
        assert_eq!(one.trans, l.trans);
    }

    #[test]
    fn average_is_the_weight_wise_mean() {
        let a = sample_layer(3, 1.0);
        let b = sample_layer(3, 3.0);
        let mut mid = sample_layer(3, 2.0);
        let mut avg = Layer::average(vec![a, b]);
        for (x, y) in rows(&mut avg)
            .iter()
            .flatten()
            .zip(rows(&mut mid).iter().flatten())
        {
            assert!((x - y).abs() < 1e-5, "{x} vs {y}");
        }
        for (x, y) in avg.trans.iter().flatten().zip(mid.trans.iter().flatten()) {
            assert!((x - y).abs() < 1e-5, "{x} vs {y}");
        }
    }

    #[test]
    fn shuffle_is_a_reproducible_permutation() {
        let mut a: Vec<u32> = (0..20).collect();
        let mut b = a.clone();
        let (mut sa, mut sb) = (7u64, 7u64);
        shuffle(&mut a, &mut sa);
        shuffle(&mut b, &mut sb);
        assert_eq!(a, b);
        assert_eq!(sa, sb);
        assert_ne!(a, (0..20).collect::<Vec<u32>>());
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, (0..20).collect::<Vec<u32>>());
        // The state moves on: the next shuffle differs.
        shuffle(&mut b, &mut sb);
        assert_ne!(a, b);
    }
}
