//! Features of the attribution tagger: what the model sees at each token.
//!
//! Features are hashed into a fixed number of buckets (the hashing trick): a feature is a
//! template number and a value, mixed into a 64-bit hash and reduced to a bucket. The model
//! stores one weight per bucket and label. Templates read the token's word and tags in a
//! window, the quotation-mark state, the cue lexicon, the distance to the nearest cue, the
//! mentions, and — the strongest signal — the role the rule-based attribution pass gave the
//! token (the tagger is *stacked* on the rules and learns where the annotators' conventions
//! differ from them).

use crate::document::Document;
use crate::lexicon::Lexicon;
use crate::mention::MentionKind;
use crate::quotes::Family;
use crate::token::{TokenFlags, TokenKind};

use super::cuestats::CueStats;
use super::labels::{Label, role, role_labels};

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
    stack: Option<Stack>,
    parse: Option<ParseFeatures>,
}

/// A dependency parse of the document (head token and relation per token), as features.
pub struct ParseFeatures {
    rel: Vec<u8>,
    head_rel: Vec<u8>,
    head_pos: Vec<u8>,
    head_dir: Vec<u8>,
    head_cue: Vec<u8>,
    /// For tokens under a cue: the relation of the child of the cue on the path (plus
    /// depth bucket), else 0.
    under_cue: Vec<u16>,
}

/// What the first layer predicted, as features for the second.
struct Stack {
    label: Vec<u8>,
    /// Roles the first layer found in the token's sentence (bit mask).
    sentence_roles: Vec<u8>,
    /// Distance to the nearest predicted cue in the sentence, each side.
    cue_left: Vec<u8>,
    cue_right: Vec<u8>,
    /// Where the token sits in its predicted span: 0 outside, 1 first, 2 last, 3 inside,
    /// 4 single-token span.
    span_pos: Vec<u8>,
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

/// FNV-1a over bytes: a stable hash for words (stable across runs and platforms, which
/// the saved weights need).
fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// Mixes a template number and up to three values into one hash.
#[inline]
fn mix(t: u64, a: u64, b: u64, c: u64) -> u64 {
    let mut h = t.wrapping_mul(0x9E3779B97F4A7C15) ^ a;
    h = h.wrapping_mul(0xBF58476D1CE4E5B9) ^ b;
    h = h.wrapping_mul(0x94D049BB133111EB) ^ c;
    h ^ (h >> 31)
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
            word.push(hash_str(w));
            // The last three characters, reversed (on the stack: this runs for every token).
            let mut buf = [0u8; 12];
            let mut len = 0;
            for c in w.chars().rev().take(3) {
                len += c.encode_utf8(&mut buf[len..]).len();
            }
            suffix.push(hash_str(
                std::str::from_utf8(&buf[..len]).unwrap_or_default(),
            ));
            shape.push(shape_of(doc, i));
        }
        let pos: Vec<u8> = doc.tags.iter().map(|t| *t as u8).collect();
        for c in &doc.cues {
            let class = c.class(lexicon) as u8 + 1;
            let lemma = hash_str(c.lemma(lexicon));
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
        let probs: Vec<f32> = (0..n).map(|i| stats.get(doc.lower(i))).collect();
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
            if let (Some(c), Some(first)) = (a.cue_tokens, a.content_tokens.first()) {
                if c.end <= first.start {
                    for v in rule_gap
                        .iter_mut()
                        .take((first.start as usize).min(n))
                        .skip(c.end as usize)
                    {
                        *v = 2;
                    }
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
            stack: None,
            parse: None,
        }
    }

    /// Adds a dependency parse: `heads[i]` is the head token of token `i` (None for roots)
    /// and `rels[i]` its relation (a small id).
    pub fn set_parse(&mut self, heads: &[Option<u32>], rels: &[u8]) {
        let n = self.len();
        if heads.len() != n || rels.len() != n {
            return;
        }
        let mut p = ParseFeatures {
            rel: rels.to_vec(),
            head_rel: vec![0; n],
            head_pos: vec![0; n],
            head_dir: vec![0; n],
            head_cue: vec![0; n],
            under_cue: vec![0; n],
        };
        for i in 0..n {
            if let Some(h) = heads[i] {
                let h = h as usize;
                p.head_rel[i] = rels[h];
                p.head_pos[i] = self.pos[h];
                let d = h as isize - i as isize;
                p.head_dir[i] = if d < 0 {
                    1 + bucket_distance((-d) as usize)
                } else {
                    9 + bucket_distance(d as usize)
                };
                p.head_cue[i] = self.cue_class[h].max(if self.cue_prob[h] >= 5 { 7 } else { 0 });
            }
            // Walk up at most six steps looking for a cue.
            let mut child = i;
            let mut cur = heads[i];
            let mut depth = 0u16;
            while let Some(h) = cur {
                let h = h as usize;
                depth += 1;
                if self.cue_class[h] != 0 || self.cue_prob[h] >= 5 {
                    p.under_cue[i] = (rels[child] as u16) * 8 + depth.min(7);
                    break;
                }
                if depth >= 6 || h == child {
                    break;
                }
                child = h;
                cur = heads[h];
            }
        }
        self.parse = Some(p);
    }

    /// Adds the first layer's labels, for the stacked second layer's features.
    pub fn set_stack(&mut self, doc: &Document, labels: &[Label]) {
        for range in super::sequences(doc) {
            let r = range.range();
            if r.end <= labels.len() {
                self.fill_stack(doc, range, &labels[r]);
            }
        }
    }

    /// Sets the first layer's labels of one paragraph (`labels` covers exactly `range`).
    pub fn fill_stack(
        &mut self,
        doc: &Document,
        range: crate::segment::TokenRange,
        labels: &[Label],
    ) {
        let n = self.len();
        let st = self.stack.get_or_insert_with(|| Stack {
            label: vec![0; n],
            sentence_roles: vec![0; n],
            cue_left: vec![15; n],
            cue_right: vec![15; n],
            span_pos: vec![0; n],
        });
        let (a, b) = (range.start as usize, (range.end as usize).min(n));
        if a >= b || labels.len() < b - a {
            return;
        }
        st.label[a..b].copy_from_slice(&labels[..b - a]);
        let first = doc.token_sentence[a] as usize;
        let last = doc.token_sentence[b - 1] as usize;
        for s in &doc.sentences[first..=last] {
            let r = s.tokens.range();
            let mask = r.clone().fold(0u8, |m, i| match role(st.label[i]) {
                0 => m,
                k => m | 1 << (k - 1),
            });
            let mut left: Option<usize> = None;
            for i in r.clone() {
                st.sentence_roles[i] = mask;
                st.cue_left[i] = left.map_or(15, |l| bucket_distance(i - l));
                if role(st.label[i]) == 2 {
                    left = Some(i);
                }
            }
            let mut right: Option<usize> = None;
            for i in r.rev() {
                st.cue_right[i] = right.map_or(15, |r| bucket_distance(r - i));
                if role(st.label[i]) == 2 {
                    right = Some(i);
                }
            }
        }
        for i in a..b {
            let l = st.label[i];
            st.span_pos[i] = if l == 0 {
                0
            } else {
                let starts = l % 2 == 1;
                let ends = i + 1 >= b || st.label[i + 1] % 2 == 1 || st.label[i + 1] == 0;
                match (starts, ends) {
                    (true, true) => 4,
                    (true, false) => 1,
                    (false, true) => 2,
                    (false, false) => 3,
                }
            };
        }
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.word.len()
    }

    /// Whether there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.word.is_empty()
    }

    /// Appends the base feature hashes of token `i` to `out`.
    pub fn base_features(&self, i: usize, out: &mut Vec<u64>) {
        self.base_features_with(i, |h| out.push(h));
    }

    /// Passes the base feature hashes of token `i` to `put`, in the order of
    /// [`FeatureContext::base_features`].
    #[inline]
    pub fn base_features_with(&self, i: usize, mut put: impl FnMut(u64)) {
        let n = self.len();
        let at = |v: &[u8], k: isize| -> u64 {
            let j = i as isize + k;
            if j < 0 || j as usize >= n {
                255
            } else {
                v[j as usize] as u64
            }
        };
        let w = |k: isize| -> u64 {
            let j = i as isize + k;
            if j < 0 || j as usize >= n {
                1
            } else {
                self.word[j as usize]
            }
        };
        let p = |k: isize| at(&self.pos, k);
        let r = |k: isize| at(&self.rule, k);
        put(mix(1, 0, 0, 0));
        put(mix(2, w(0), 0, 0));
        put(mix(3, w(-1), 0, 0));
        put(mix(4, w(1), 0, 0));
        put(mix(5, w(-2), 0, 0));
        put(mix(6, w(2), 0, 0));
        put(mix(7, p(0), 0, 0));
        put(mix(8, p(-1), 0, 0));
        put(mix(9, p(1), 0, 0));
        put(mix(10, p(-2), 0, 0));
        put(mix(11, p(2), 0, 0));
        put(mix(12, p(-1), p(0), 0));
        put(mix(13, p(0), p(1), 0));
        put(mix(14, p(-2), p(-1), 0));
        put(mix(15, p(1), p(2), 0));
        put(mix(16, self.shape[i] as u64, 0, 0));
        put(mix(17, self.suffix[i], 0, 0));
        put(mix(18, w(-1), w(0), 0));
        put(mix(19, w(0), w(1), 0));
        // Rule roles.
        put(mix(20, r(0), 0, 0));
        put(mix(21, r(-1), 0, 0));
        put(mix(22, r(1), 0, 0));
        put(mix(23, r(0), p(0), 0));
        put(mix(24, r(0), self.rule_kind[i] as u64, 0));
        put(mix(52, r(0), self.rule_kind[i] as u64, p(0)));
        put(mix(92, r(0), self.rule_shape[i] as u64, 0));
        put(mix(93, r(0), self.rule_shape[i] as u64, p(0)));
        put(mix(54, self.rule_gap[i] as u64, 0, 0));
        put(mix(
            55,
            self.rule_gap[i] as u64,
            p(0),
            at(&self.rule_gap, -1),
        ));
        if let Some(ps) = &self.parse {
            put(mix(80, ps.rel[i] as u64, 0, 0));
            put(mix(81, ps.rel[i] as u64, p(0), 0));
            put(mix(82, ps.head_rel[i] as u64, ps.head_pos[i] as u64, 0));
            put(mix(83, ps.head_dir[i] as u64, ps.rel[i] as u64, 0));
            put(mix(84, ps.head_cue[i] as u64, ps.rel[i] as u64, 0));
            put(mix(85, ps.under_cue[i] as u64, 0, 0));
            put(mix(86, ps.under_cue[i] as u64, r(0), 0));
            put(mix(87, ps.under_cue[i] as u64, p(0), 0));
        }
        put(mix(53, r(-1), r(0), self.rule_kind[i] as u64));
        put(mix(25, r(-1), r(0), r(1)));
        put(mix(26, r(0), w(0), 0));
        // Quotation state.
        let q = |k: isize| at(&self.quote, k);
        put(mix(27, q(0), 0, 0));
        put(mix(28, q(0), r(0), 0));
        put(mix(29, q(-1), q(0), q(1)));
        put(mix(30, q(0), p(0), 0));
        // Cue lexicon and distance to cues.
        let cc = |k: isize| at(&self.cue_class, k);
        put(mix(31, cc(0), 0, 0));
        put(mix(32, self.cue_lemma[i], 0, 0));
        put(mix(59, self.lemma_left[i], self.cue_left[i] as u64, 0));
        put(mix(90, self.lemma_left[i], p(0), 0));
        put(mix(91, self.lemma_right[i], self.cue_right[i] as u64, 0));
        put(mix(33, cc(-1), cc(1), 0));
        put(mix(34, self.cue_left[i] as u64, 0, 0));
        put(mix(35, self.cue_right[i] as u64, 0, 0));
        put(mix(
            36,
            self.cue_left[i] as u64,
            self.cue_right[i] as u64,
            0,
        ));
        put(mix(37, self.cue_left[i] as u64, p(0), 0));
        put(mix(38, self.cue_right[i] as u64, p(0), 0));
        put(mix(39, self.cue_left[i] as u64, r(0), 0));
        // Mentions, sentence position, commas.
        put(mix(40, self.mention[i] as u64, 0, 0));
        put(mix(41, self.mention[i] as u64, r(0), 0));
        put(mix(42, self.sent_pos[i] as u64, 0, 0));
        put(mix(43, self.sent_pos[i] as u64, p(0), 0));
        put(mix(
            44,
            self.comma_left[i] as u64,
            self.cue_left[i] as u64,
            0,
        ));
        put(mix(45, self.sent_pos[i] as u64, r(0), q(0)));
        // Learned cue statistics.
        put(mix(46, self.cue_prob[i] as u64, 0, 0));
        put(mix(47, self.cue_prob[i] as u64, p(0), 0));
        put(mix(48, at(&self.cue_prob, -1), at(&self.cue_prob, 1), 0));
        put(mix(
            49,
            self.learned_left[i] as u64,
            self.learned_right[i] as u64,
            0,
        ));
        put(mix(50, self.learned_left[i] as u64, p(0), 0));
        put(mix(51, self.learned_right[i] as u64, p(0), r(0)));
    }

    /// Appends the stacked layer's extra features of token `i` (nothing when no first-layer
    /// labels were set).
    pub fn stack_features(&self, i: usize, out: &mut Vec<u64>) {
        self.stack_features_with(i, |h| out.push(h));
    }

    /// Passes the stacked layer's extra feature hashes of token `i` to `put`, in the order
    /// of [`FeatureContext::stack_features`].
    #[inline]
    pub fn stack_features_with(&self, i: usize, mut put: impl FnMut(u64)) {
        let Some(st) = &self.stack else { return };
        let n = self.len();
        let at = |v: &[u8], k: isize| -> u64 {
            let j = i as isize + k;
            if j < 0 || j as usize >= n {
                255
            } else {
                v[j as usize] as u64
            }
        };
        let w = |k: isize| -> u64 {
            let j = i as isize + k;
            if j < 0 || j as usize >= n {
                1
            } else {
                self.word[j as usize]
            }
        };
        let p = |k: isize| at(&self.pos, k);
        let r = |k: isize| at(&self.rule, k);
        let q = |k: isize| at(&self.quote, k);

        let sl = |k: isize| -> u64 {
            let j = i as isize + k;
            if j < 0 || j as usize >= st.label.len() {
                255
            } else {
                st.label[j as usize] as u64
            }
        };
        put(mix(60, sl(0), 0, 0));
        put(mix(61, sl(-1), sl(0), sl(1)));
        put(mix(62, sl(-2), sl(-1), 0));
        put(mix(63, sl(1), sl(2), 0));
        put(mix(64, sl(0), p(0), 0));
        put(mix(65, sl(0), r(0), 0));
        put(mix(66, st.sentence_roles[i] as u64, sl(0), 0));
        put(mix(
            67,
            st.cue_left[i] as u64,
            st.cue_right[i] as u64,
            sl(0),
        ));
        put(mix(68, st.span_pos[i] as u64, sl(0), p(0)));
        put(mix(69, st.cue_left[i] as u64, q(0), sl(0)));
        put(mix(
            70,
            st.sentence_roles[i] as u64,
            self.sent_pos[i] as u64,
            sl(0),
        ));
        put(mix(71, sl(0), w(0), 0));
    }

    /// Appends all feature hashes of token `i` to `out`: the base features and, once
    /// first-layer labels are set, the stacked ones.
    pub fn features(&self, i: usize, out: &mut Vec<u64>) {
        self.base_features(i, out);
        self.stack_features(i, out);
    }

    /// Whether the tokens of `range` hold any sign of an attribution: a quotation mark, a
    /// lexicon cue, a word annotators often mark as a cue, a dash or a rule label.
    /// Paragraphs without one are left unlabelled (all `O`) without running the model.
    pub fn may_attribute(&self, range: crate::segment::TokenRange) -> bool {
        range.range().any(|i| {
            self.quote[i] != 0
                || self.cue_class[i] != 0
                || self.cue_prob[i] >= 3
                || self.rule[i] != 0
                || self.shape[i] == 6
        })
    }

    /// The rule role label of token `i`.
    pub fn rule_label(&self, i: usize) -> Label {
        self.rule[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::extract_rules as rules;
    use crate::model::cuestats::CueCounter;
    use crate::segment::TokenRange;

    fn context(doc: &Document) -> FeatureContext {
        FeatureContext::new(doc, Lexicon::get(), &CueStats::default())
    }

    fn all_features(ctx: &FeatureContext) -> Vec<Vec<u64>> {
        (0..ctx.len())
            .map(|i| {
                let mut f = Vec::new();
                ctx.features(i, &mut f);
                f
            })
            .collect()
    }

    const TEXT: &str = "Officials said the plan was late.";

    #[test]
    fn stable_word_hash() {
        // FNV-1a test vectors: saved weights depend on these never changing.
        assert_eq!(hash_str(""), 0xcbf29ce484222325);
        assert_eq!(hash_str("a"), 0xaf63dc4c8601ec8c);
        assert_ne!(
            mix(2, hash_str("said"), 0, 0),
            mix(3, hash_str("said"), 0, 0)
        );
        assert_ne!(mix(12, 1, 2, 0), mix(12, 2, 1, 0));
    }

    #[test]
    fn deterministic() {
        let doc = rules(TEXT);
        let a = all_features(&context(&doc));
        let b = all_features(&context(&rules(TEXT)));
        assert_eq!(a, b);
        // Without a parse or a stack every token gets the same number of base features.
        let n = a[0].len();
        assert!(n > 50, "{n}");
        assert!(a.iter().all(|f| f.len() == n));
        // Tokens in different contexts get different feature sets.
        assert_ne!(a[0], a[1]);
    }

    #[test]
    fn expected_keys_for_a_simple_sentence() {
        let doc = rules(TEXT);
        let ctx = context(&doc);
        let feats = all_features(&ctx);
        let said = 1;
        assert_eq!(doc.word(said), "said");
        let f = &feats[said];
        let h = hash_str;
        // Bias, the word, its neighbours and the word bigrams.
        assert!(f.contains(&mix(1, 0, 0, 0)));
        assert!(f.contains(&mix(2, h("said"), 0, 0)));
        assert!(f.contains(&mix(3, h("officials"), 0, 0)));
        assert!(f.contains(&mix(4, h("the"), 0, 0)));
        assert!(f.contains(&mix(6, h("plan"), 0, 0)));
        assert!(f.contains(&mix(18, h("officials"), h("said"), 0)));
        // The last three characters, read backwards.
        assert!(f.contains(&mix(17, h("dia"), 0, 0)));
        // Before the first token the window reads a padding value.
        assert!(feats[0].contains(&mix(3, 1, 0, 0)));
        assert!(feats[0].contains(&mix(5, 1, 0, 0)));
        // Part of speech and shape.
        assert!(f.contains(&mix(7, crate::pos::Tag::VBD as u64, 0, 0)));
        assert!(f.contains(&mix(16, 3, 0, 0)), "lowercase word");
        assert!(feats[0].contains(&mix(16, 2, 0, 0)), "capitalised word");
        // The rules' role of the token and the cue lexicon.
        assert_eq!(ctx.rule_label(0), super::super::labels::B_SOURCE);
        assert_eq!(ctx.rule_label(said), super::super::labels::B_CUE);
        assert_eq!(ctx.rule_label(2), super::super::labels::B_CONTENT);
        assert_eq!(ctx.rule_label(3), super::super::labels::I_CONTENT);
        assert!(f.contains(&mix(20, ctx.rule_label(said) as u64, 0, 0)));
        assert!(f.contains(&mix(32, h("say"), 0, 0)), "cue lemma");
        // Distance to the cue: "plan" is two tokens right of it, nothing on its right.
        assert!(feats[3].contains(&mix(34, 2, 0, 0)));
        assert!(feats[3].contains(&mix(35, 15, 0, 0)));
        assert!(feats[3].contains(&mix(59, h("say"), 2, 0)));
        assert!(feats[0].contains(&mix(35, 1, 0, 0)));
        // Sentence position: first token, last token.
        assert!(feats[0].contains(&mix(42, 1, 0, 0)));
        assert!(feats[doc.tokens.len() - 1].contains(&mix(42, 2, 0, 0)));
        // "Officials" is a (plural) description mention.
        assert!(feats[0].contains(&mix(40, 5, 0, 0)));
    }

    #[test]
    fn word_features_ignore_case_but_not_shape() {
        let a = rules("Officials said the plan was late.");
        let b = rules("Officials SAID the plan was late.");
        let (fa, fb) = (all_features(&context(&a)), all_features(&context(&b)));
        let said = mix(2, hash_str("said"), 0, 0);
        assert!(fa[1].contains(&said) && fb[1].contains(&said));
        assert!(fa[1].contains(&mix(16, 3, 0, 0)));
        assert!(fb[1].contains(&mix(16, 1, 0, 0)));
    }

    #[test]
    fn learned_cue_statistics_enter_the_features() {
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
        let mut f = Vec::new();
        with.features(2, &mut f);
        assert!(f.contains(&mix(46, bucket_prob(stats.get("unleashed")) as u64, 0, 0)));
        assert!(bucket_prob(stats.get("unleashed")) >= 7);
    }

    #[test]
    fn quotation_state() {
        let doc = rules("“We will appeal,” the lawyer said.");
        let ctx = context(&doc);
        let q: Vec<u8> = ctx.quote.clone();
        assert_eq!(q[..7], [1, 2, 2, 2, 2, 3, 0]);
        assert!(ctx.may_attribute(TokenRange::new(0, doc.tokens.len())));
    }

    #[test]
    fn parse_and_stack_add_features() {
        let doc = rules(TEXT);
        let n = doc.tokens.len();
        let mut ctx = context(&doc);
        let base = all_features(&ctx);
        // A parse of the wrong length is ignored.
        ctx.set_parse(&[None], &[0]);
        assert_eq!(all_features(&ctx), base);
        // "said" heads everything.
        let heads: Vec<Option<u32>> = (0..n).map(|i| (i != 1).then_some(1)).collect();
        let rels: Vec<u8> = (0..n as u8).collect();
        ctx.set_parse(&heads, &rels);
        let parsed = all_features(&ctx);
        assert!(
            parsed
                .iter()
                .zip(&base)
                .all(|(p, b)| p.len() == b.len() + 8)
        );
        // Under the cue "said", at depth 1, through the token's own relation.
        assert!(parsed[3].contains(&mix(85, 3 * 8 + 1, 0, 0)));
        assert!(parsed[1].contains(&mix(85, 0, 0, 0)));
        // First-layer labels add the stacked features.
        let labels = vec![0 as Label; n];
        ctx.set_stack(&doc, &labels);
        let stacked = all_features(&ctx);
        assert!(
            stacked
                .iter()
                .zip(&parsed)
                .all(|(s, p)| s.len() == p.len() + 12)
        );
        let mut extra = Vec::new();
        ctx.stack_features(1, &mut extra);
        assert_eq!(stacked[1][parsed[1].len()..], extra[..]);
        assert!(extra.contains(&mix(60, 0, 0, 0)));
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
