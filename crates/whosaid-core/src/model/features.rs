//! Inputs of the attribution tagger: what the network sees at each token.
//!
//! Every token is described by [`N_COLUMNS`] values: its word (lowercased) and suffix as
//! stable hashes, its shape and part of speech, the quotation-mark state, the cue lexicon
//! and the distance to the nearest cue, the mentions, its place in the sentence, learned
//! cue statistics, and — the strongest signal — the role the rule-based attribution pass
//! gave it (the tagger is *stacked* on the rules and learns where the annotators'
//! conventions differ from them). The network embeds each value; the paragraph around the
//! token is the LSTM's business.

use crate::document::Document;
use crate::lexicon::{Lexicon, word_hash};
use crate::mention::MentionKind;
use crate::quotes::Family;
use crate::token::{TokenFlags, TokenKind};

use super::cuestats::CueStats;
use super::labels::role_labels;
use super::net::N_COLUMNS;

/// Precomputed per-token values the feature templates read.
pub struct FeatureContext {
    word: Vec<u64>,
    suffix: Vec<u64>,
    shape: Vec<u8>,
    pos: Vec<u8>,
    rule: Vec<u8>,
    rule_kind: Vec<u8>,
    rule_shape: Vec<u8>,
    quote: Vec<u8>,
    cue_class: Vec<u8>,
    cue_lemma: Vec<u64>,
    /// Lemma of the nearest lexicon cue to the left / right in the sentence (0 for none).
    lemma_left: Vec<u64>,
    lemma_right: Vec<u64>,
    cue_left: Vec<u8>,
    cue_right: Vec<u8>,
    mention: Vec<u8>,
    sent_pos: Vec<u8>,
    comma_left: Vec<u8>,
    cue_prob: Vec<u8>,
    learned_left: Vec<u8>,
    learned_right: Vec<u8>,
    rule_gap: Vec<u8>,
}

fn bucket_prob(p: f32) -> u8 {
    match p {
        x if x <= 0.0 => 0,
        x if x < 0.02 => 1,
        x if x < 0.05 => 2,
        x if x < 0.1 => 3,
        x if x < 0.2 => 4,
        x if x < 0.4 => 5,
        x if x < 0.6 => 6,
        x if x < 0.8 => 7,
        _ => 8,
    }
}

/// For each token, the bucketed distance to the nearest marked token of its sentence on
/// the left and on the right (15 when there is none).
fn distances(doc: &Document, marked: &[bool]) -> (Vec<u8>, Vec<u8>) {
    let n = marked.len();
    let mut left = vec![15u8; n];
    let mut right = vec![15u8; n];
    for s in &doc.sentences {
        let mut last: Option<usize> = None;
        for i in s.tokens.range() {
            if let Some(l) = last {
                left[i] = bucket_distance(i - l);
            }
            if marked[i] {
                last = Some(i);
            }
        }
        let mut next: Option<usize> = None;
        for i in s.tokens.range().rev() {
            if let Some(r) = next {
                right[i] = bucket_distance(r - i);
            }
            if marked[i] {
                next = Some(i);
            }
        }
    }
    (left, right)
}

fn bucket_distance(d: usize) -> u8 {
    match d {
        0 => 0,
        1 => 1,
        2 => 2,
        3 => 3,
        4..=6 => 4,
        7..=10 => 5,
        11..=20 => 6,
        _ => 7,
    }
}

fn shape_of(doc: &Document, i: usize) -> u8 {
    let t = &doc.tokens[i];
    match t.kind {
        TokenKind::Word => {
            if t.has(TokenFlags::ALL_CAPS) {
                1
            } else if t.is_capitalized() {
                2
            } else {
                3
            }
        }
        TokenKind::Number => 4,
        TokenKind::Quote => 5,
        TokenKind::Dash => 6,
        TokenKind::Punct => 7,
        TokenKind::Symbol => 8,
    }
}

impl FeatureContext {
    /// Precomputes the per-token values of `doc` (its rule attributions included).
    pub fn new(doc: &Document, lexicon: &Lexicon, stats: &CueStats) -> FeatureContext {
        let n = doc.tokens.len();
        let mut word = Vec::with_capacity(n);
        let mut suffix = Vec::with_capacity(n);
        let mut shape = Vec::with_capacity(n);
        let mut cue_class = vec![0u8; n];
        let mut cue_lemma = vec![0u64; n];
        for i in 0..n {
            let w = doc.lower(i);
            word.push(doc.lower_hash(i));
            // The last three characters, reversed (on the stack: this runs for every token).
            let mut buf = [0u8; 12];
            let mut len = 0;
            for c in w.chars().rev().take(3) {
                len += c.encode_utf8(&mut buf[len..]).len();
            }
            suffix.push(word_hash(
                std::str::from_utf8(&buf[..len]).unwrap_or_default(),
            ));
            shape.push(shape_of(doc, i));
        }
        let pos: Vec<u8> = doc.tags.iter().map(|t| *t as u8).collect();
        for c in &doc.cues {
            let class = c.class(lexicon) as u8 + 1;
            let lemma = word_hash(c.lemma(lexicon));
            for i in c.tokens.range() {
                cue_class[i] = class;
                cue_lemma[i] = lemma;
            }
        }
        // Distance to the nearest cue in the same sentence, each side.
        let mut lemma_left = vec![0u64; n];
        let mut lemma_right = vec![0u64; n];
        for s in &doc.sentences {
            let mut last = 0u64;
            for i in s.tokens.range() {
                lemma_left[i] = last;
                if cue_lemma[i] != 0 {
                    last = cue_lemma[i];
                }
            }
            let mut next = 0u64;
            for i in s.tokens.range().rev() {
                lemma_right[i] = next;
                if cue_lemma[i] != 0 {
                    next = cue_lemma[i];
                }
            }
        }
        let is_cue: Vec<bool> = cue_class.iter().map(|&c| c != 0).collect();
        let (cue_left, cue_right) = distances(doc, &is_cue);
        let probs: Vec<f32> = (0..n)
            .map(|i| stats.get_by_hash(doc.lower_hash(i)))
            .collect();
        let cue_prob: Vec<u8> = probs.iter().map(|&p| bucket_prob(p)).collect();
        let likely: Vec<bool> = probs.iter().map(|&p| p >= 0.2).collect();
        let (learned_left, learned_right) = distances(doc, &likely);
        // Rule roles, projected like the scorers do: longer pieces win.
        let (rule, rule_kind, rule_shape) = role_labels(doc);
        // Tokens the rules left between the parts of an attribution: 1 between speaker and
        // cue ("Esper [in a statement on Saturday] said"), 2 between cue and content.
        let mut rule_gap = vec![0u8; n];
        for a in &doc.attributions {
            if let (Some(s), Some(c)) = (a.speaker_tokens, a.cue_tokens) {
                let (x, y) = if s.end <= c.start {
                    (s.end, c.start)
                } else {
                    (c.end, s.start.max(c.end))
                };
                for v in rule_gap
                    .iter_mut()
                    .take((y as usize).min(n))
                    .skip(x as usize)
                {
                    *v = 1;
                }
            }
            if let (Some(c), Some(first)) = (a.cue_tokens, a.content_tokens.first())
                && c.end <= first.start
            {
                for v in rule_gap
                    .iter_mut()
                    .take((first.start as usize).min(n))
                    .skip(c.end as usize)
                {
                    *v = 2;
                }
            }
        }
        // Quotation state: 0 outside; 1 opening mark; 2 inside; 3 closing mark; +4 when
        // nested inside another; +8 for single marks.
        let mut quote = vec![0u8; n];
        for q in &doc.quotations {
            let extra =
                if q.depth > 0 { 4 } else { 0 } + if q.family == Family::Single { 8 } else { 0 };
            let open = q.open as usize;
            let end = q.close.map(|c| c as usize).unwrap_or(q.inner_end as usize);
            if quote[open] == 0 || q.depth > 0 {
                quote[open] = 1 + extra;
            }
            for v in quote.iter_mut().take(end.min(n)).skip(open + 1) {
                if *v == 0 || q.depth > 0 {
                    *v = 2 + extra;
                }
            }
            if let Some(c) = q.close {
                quote[c as usize] = 3 + extra;
            }
        }
        let mut mention = vec![0u8; n];
        for m in &doc.mentions {
            let k = match m.kind {
                MentionKind::Name => 1,
                MentionKind::Pronoun => 3,
                MentionKind::Description => 5,
            };
            for i in m.tokens.range() {
                mention[i] = if i == m.tokens.start as usize {
                    k
                } else {
                    k + 1
                };
            }
        }
        let mut sent_pos = vec![0u8; n];
        let mut comma_left = vec![0u8; n];
        for s in &doc.sentences {
            let (a, b) = (s.tokens.start as usize, s.tokens.end as usize);
            let mut seen_comma = 0u8;
            for (i, sp) in sent_pos.iter_mut().enumerate().take(b).skip(a) {
                *sp = if i == a {
                    1
                } else if i + 1 == b {
                    2
                } else if i + 2 == b {
                    3
                } else {
                    0
                };
                comma_left[i] = seen_comma.min(3);
                if doc.tags[i] == crate::pos::Tag::Comma {
                    seen_comma += 1;
                }
            }
        }
        FeatureContext {
            word,
            suffix,
            shape,
            pos,
            rule,
            rule_kind,
            rule_shape,
            quote,
            cue_class,
            lemma_left,
            lemma_right,
            cue_lemma,
            cue_left,
            cue_right,
            mention,
            sent_pos,
            comma_left,
            cue_prob,
            learned_left,
            learned_right,
            rule_gap,
        }
    }

    /// The inputs of token `i`, in column order: word, suffix, shape, part of speech, rule
    /// role, rule kind, rule shape, rule gap, quotation state, cue class, cue lemma, nearest
    /// cue lemma left and right, distance to the nearest cue left and right, mention,
    /// sentence position, commas to the left, learned cue share, distance to the nearest
    /// learned cue left and right.
    pub fn inputs(&self, i: usize) -> [u64; N_COLUMNS] {
        [
            self.word[i],
            self.suffix[i],
            self.shape[i] as u64,
            self.pos[i] as u64,
            self.rule[i] as u64,
            self.rule_kind[i] as u64,
            self.rule_shape[i] as u64,
            self.rule_gap[i] as u64,
            self.quote[i] as u64,
            self.cue_class[i] as u64,
            self.cue_lemma[i],
            self.lemma_left[i],
            self.lemma_right[i],
            self.cue_left[i] as u64,
            self.cue_right[i] as u64,
            self.mention[i] as u64,
            self.sent_pos[i] as u64,
            self.comma_left[i] as u64,
            self.cue_prob[i] as u64,
            self.learned_left[i] as u64,
            self.learned_right[i] as u64,
        ]
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.word.len()
    }

    /// Whether there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.word.is_empty()
    }

    /// Whether the tokens of `range` hold any sign of an attribution: a quotation mark, a
    /// lexicon cue, a word annotators often mark as a cue, a dash or a rule label.
    /// Paragraphs without one are left unlabelled (all `O`) without running the networks.
    pub fn may_attribute(&self, range: crate::segment::TokenRange) -> bool {
        range.range().any(|i| {
            self.quote[i] != 0
                || self.cue_class[i] != 0
                || self.cue_prob[i] >= 3
                || self.rule[i] != 0
                || self.shape[i] == 6
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::extract_rules as rules;
    use crate::model::cuestats::CueCounter;
    use crate::model::labels::{B_CONTENT, B_CUE, B_SOURCE, I_CONTENT};
    use crate::segment::TokenRange;

    fn context(doc: &Document) -> FeatureContext {
        FeatureContext::new(doc, Lexicon::get(), &CueStats::default())
    }

    fn all_inputs(ctx: &FeatureContext) -> Vec<[u64; N_COLUMNS]> {
        (0..ctx.len()).map(|i| ctx.inputs(i)).collect()
    }

    const TEXT: &str = "Officials said the plan was late.";

    // Column numbers, in the order of `FeatureContext::inputs`.
    const WORD: usize = 0;
    const SUFFIX: usize = 1;
    const SHAPE: usize = 2;
    const POS: usize = 3;
    const RULE: usize = 4;
    const QUOTE: usize = 8;
    const CUE_LEMMA: usize = 10;
    const LEMMA_LEFT: usize = 11;
    const CUE_LEFT: usize = 13;
    const CUE_RIGHT: usize = 14;
    const MENTION: usize = 15;
    const SENT_POS: usize = 16;
    const CUE_PROB: usize = 18;

    #[test]
    fn stable_word_hash() {
        // FNV-1a test vectors: saved weights depend on these never changing.
        assert_eq!(word_hash(""), 0xcbf29ce484222325);
        assert_eq!(word_hash("a"), 0xaf63dc4c8601ec8c);
    }

    #[test]
    fn deterministic_and_context_dependent() {
        let a = all_inputs(&context(&rules(TEXT)));
        let b = all_inputs(&context(&rules(TEXT)));
        assert_eq!(a, b);
        assert_eq!(a.len(), rules(TEXT).tokens.len());
        assert_ne!(a[0], a[1]);
    }

    #[test]
    fn expected_inputs_for_a_simple_sentence() {
        let doc = rules(TEXT);
        let ctx = context(&doc);
        let v = all_inputs(&ctx);
        let said = 1;
        assert_eq!(doc.word(said), "said");
        let h = word_hash;
        assert_eq!(v[said][WORD], h("said"));
        // The last three characters, read backwards.
        assert_eq!(v[said][SUFFIX], h("dia"));
        assert_eq!(v[said][POS], crate::pos::Tag::VBD as u64);
        assert_eq!(v[said][SHAPE], 3, "lowercase word");
        assert_eq!(v[0][SHAPE], 2, "capitalised word");
        // The rules' role of each token.
        assert_eq!(v[0][RULE], B_SOURCE as u64);
        assert_eq!(v[said][RULE], B_CUE as u64);
        assert_eq!(v[2][RULE], B_CONTENT as u64);
        assert_eq!(v[3][RULE], I_CONTENT as u64);
        assert_eq!(v[said][CUE_LEMMA], h("say"));
        // Distance to the cue: "plan" is two tokens right of it, nothing on its right.
        assert_eq!(v[3][CUE_LEFT], 2);
        assert_eq!(v[3][CUE_RIGHT], 15);
        assert_eq!(v[3][LEMMA_LEFT], h("say"));
        assert_eq!(v[0][CUE_RIGHT], 1);
        // Sentence position: first token, last token.
        assert_eq!(v[0][SENT_POS], 1);
        assert_eq!(v[doc.tokens.len() - 1][SENT_POS], 2);
        // "Officials" is a (plural) description mention.
        assert_eq!(v[0][MENTION], 5);
    }

    #[test]
    fn word_inputs_ignore_case_but_not_shape() {
        let a = all_inputs(&context(&rules("Officials said the plan was late.")));
        let b = all_inputs(&context(&rules("Officials SAID the plan was late.")));
        assert_eq!(a[1][WORD], b[1][WORD]);
        assert_eq!((a[1][SHAPE], b[1][SHAPE]), (3, 1));
    }

    #[test]
    fn learned_cue_statistics_enter_the_inputs() {
        let doc = rules("The company unleashed a plan.");
        let mut counter = CueCounter::default();
        for _ in 0..10 {
            counter.add("unleashed", true);
        }
        let stats = counter.finish();
        let with = FeatureContext::new(&doc, Lexicon::get(), &stats);
        let without = context(&doc);
        let range = TokenRange::new(0, doc.tokens.len());
        // No quotation, no lexicon cue, no rule label: only the statistic makes the
        // paragraph worth tagging.
        assert!(!without.may_attribute(range));
        assert!(with.may_attribute(range));
        assert_eq!(
            with.inputs(2)[CUE_PROB],
            bucket_prob(stats.get("unleashed")) as u64
        );
        assert!(bucket_prob(stats.get("unleashed")) >= 7);
        assert_eq!(without.inputs(2)[CUE_PROB], 0);
    }

    #[test]
    fn quotation_state() {
        let doc = rules("“We will appeal,” the lawyer said.");
        let ctx = context(&doc);
        let q: Vec<u64> = all_inputs(&ctx)[..7].iter().map(|v| v[QUOTE]).collect();
        assert_eq!(q, [1, 2, 2, 2, 2, 3, 0]);
        assert!(ctx.may_attribute(TokenRange::new(0, doc.tokens.len())));
    }

    #[test]
    fn distances_to_marked_tokens_stay_in_their_sentence() {
        let doc = rules("Officials said it was late. The plan failed.");
        let marked: Vec<bool> = (0..doc.tokens.len()).map(|i| i == 1).collect();
        let (left, right) = distances(&doc, &marked);
        assert_eq!(left[..6], [15, 15, 1, 2, 3, 4]);
        assert_eq!(right[..6], [1, 15, 15, 15, 15, 15]);
        assert!(left[6..].iter().chain(&right[6..]).all(|&d| d == 15));
        let buckets: Vec<u8> = [0, 1, 2, 3, 4, 6, 7, 10, 11, 20, 21, 1000]
            .iter()
            .map(|&d| bucket_distance(d))
            .collect();
        assert_eq!(buckets, [0, 1, 2, 3, 4, 4, 5, 5, 6, 6, 7, 7]);
    }
}
