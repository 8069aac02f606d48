//! Training the tagger: an averaged structured perceptron (Collins, 2002).
//!
//! Pure computation, no I/O: the caller (`whosaid train`) reads the annotated corpus, runs
//! the rule pipeline on each text, turns the gold spans into token labels with
//! [`gold_labels`] and feeds paragraphs to [`Trainer::learn`].

use super::Model;
use super::features::FeatureContext;
use super::labels::{Label, N_LABELS, project};
use crate::document::Document;
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
            let last_char_start = doc.text[..t.end as usize].char_indices().next_back().map(|(b, _)| b as u32).unwrap_or(t.start);
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
                let lc = doc.text[..t.end as usize].char_indices().next_back().map(|(b, _)| b as u32).unwrap_or(t.start);
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
    model: Model,
    /// Sum of `step * update` per weight (for the lazy average).
    acc: Vec<f32>,
    trans_acc: [[f32; N_LABELS]; N_LABELS + 1],
    step: f32,
    feats: Vec<Vec<u64>>,
}

impl Trainer {
    /// A trainer with `2^bits` feature buckets.
    pub fn new(bits: u32) -> Trainer {
        let model = Model::zeros(bits);
        let n = model.weights.len();
        Trainer { model, acc: vec![0.0; n], trans_acc: [[0.0; N_LABELS]; N_LABELS + 1], step: 1.0, feats: Vec::new() }
    }

    fn update_token(&mut self, t: usize, label: Label, delta: f32) {
        for k in 0..self.feats[t].len() {
            let b = self.model.bucket(self.feats[t][k]) + label as usize;
            self.model.weights[b] += delta;
            self.acc[b] += self.step * delta;
        }
    }

    fn update_trans(&mut self, from: usize, to: Label, delta: f32) {
        self.model.trans[from][to as usize] += delta;
        self.trans_acc[from][to as usize] += self.step * delta;
    }

    /// Learns from one sequence (a paragraph): decodes it with the current weights and,
    /// where the decoding differs from `gold`, moves the weights toward gold.
    /// Returns the number of tokens decoded wrongly.
    pub fn learn(&mut self, ctx: &FeatureContext, range: TokenRange, gold: &[Label]) -> usize {
        let predicted = self.model.tag(ctx, range);
        let errors = predicted.iter().zip(gold).filter(|(p, g)| p != g).count();
        if errors > 0 {
            self.feats.clear();
            for i in range.range() {
                let mut f = Vec::with_capacity(64);
                ctx.features(i, &mut f);
                self.feats.push(f);
            }
            for t in 0..predicted.len() {
                if predicted[t] != gold[t] {
                    self.update_token(t, gold[t], 1.0);
                    self.update_token(t, predicted[t], -1.0);
                }
                let (pf, gf) = if t == 0 { (N_LABELS, N_LABELS) } else { (predicted[t - 1] as usize, gold[t - 1] as usize) };
                if pf != gf || predicted[t] != gold[t] {
                    self.update_trans(gf, gold[t], 1.0);
                    self.update_trans(pf, predicted[t], -1.0);
                }
            }
        }
        self.step += 1.0;
        errors
    }

    /// The averaged model.
    pub fn finish(self) -> Model {
        let mut m = self.model;
        let c = self.step;
        for (w, a) in m.weights.iter_mut().zip(&self.acc) {
            *w -= a / c;
        }
        for (row, arow) in m.trans.iter_mut().zip(&self.trans_acc) {
            for (w, a) in row.iter_mut().zip(arow) {
                *w -= a / c;
            }
        }
        m
    }
}
