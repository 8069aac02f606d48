//! The attribution tagger: a small neural network stacked on the rule-based passes.
//!
//! The rules find attributions the way a grammar does; human annotators (PolNeAR) follow
//! conventions the rules only approximate — which auxiliaries belong to a cue, where an
//! indirect content ends, which beliefs and intentions count as attributions. The tagger
//! learns those conventions from the PolNeAR train split. Each token is described by the
//! inputs [`features`] computes — its word, part of speech, the role the rule-based
//! attribution pass gave it, the quotation state, the cue lexicon, learned cue statistics —
//! and two stacked bidirectional LSTMs with a CRF output layer ([`net`]) label every
//! paragraph with the seven BIO labels, the best sequence that respects BIO order. The
//! rule output is one of its inputs, so the tagger starts from what the rules know and
//! only has to learn where they differ.
//!
//! The weights ship in `model/tagger.bin` (see `model/README.md` for their provenance);
//! `whosaid train` reproduces them. When the file is empty the engine runs on its rules
//! alone.

pub mod assemble;
pub mod cuestats;
pub mod features;
pub mod labels;
pub mod net;
pub mod train;

use std::sync::{Arc, LazyLock};

use cuestats::CueStats;
use features::FeatureContext;
use labels::{Label, N_LABELS, allowed};

use crate::document::Document;
use crate::lexicon::Lexicon;
use crate::segment::TokenRange;

/// The longest token sequence tagged at once: paragraphs longer than this (a 100 MB line)
/// are tagged in windows of whole sentences, so memory stays proportional to the window.
pub const MAX_SEQUENCE_TOKENS: usize = 4096;

/// The sequences the tagger labels: paragraphs, cut into windows of whole sentences when
/// longer than [`MAX_SEQUENCE_TOKENS`].
pub fn sequences(doc: &Document) -> Vec<TokenRange> {
    let mut out = Vec::with_capacity(doc.paragraphs.len());
    for p in &doc.paragraphs {
        if p.tokens.len() <= MAX_SEQUENCE_TOKENS {
            out.push(p.tokens);
            continue;
        }
        let first = doc.token_sentence[p.tokens.start as usize] as usize;
        let last = doc.token_sentence[p.tokens.end as usize - 1] as usize;
        let mut start = p.tokens.start;
        for s in &doc.sentences[first..=last] {
            if s.tokens.end - start > MAX_SEQUENCE_TOKENS as u32 && s.tokens.start > start {
                out.push(TokenRange {
                    start,
                    end: s.tokens.start,
                });
                start = s.tokens.start;
            }
        }
        out.push(TokenRange {
            start,
            end: p.tokens.end,
        });
    }
    out
}

/// For each label, the labels that may precede it ([`allowed`]), in increasing order.
const PREDECESSORS: [&[Label]; N_LABELS] = {
    const ALL: &[Label] = &[0, 1, 2, 3, 4, 5, 6];
    [ALL, ALL, &[1, 2], ALL, &[3, 4], ALL, &[5, 6]]
};

/// Magic bytes at the start of a weights file.
const MAGIC: &[u8; 8] = b"WHOSAID3";

/// The most networks a weights file may hold.
const MAX_NETS: u32 = 16;

/// A trained tagger: the cue statistics its inputs read and one or more networks, whose
/// label and transition scores are averaged (an ensemble).
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// Learned cue statistics (shared, like the networks, between models read from one
    /// file).
    pub stats: Arc<CueStats>,
    /// The networks (at least one), shared between models that hold the same one (the
    /// built-in tagger and the built-in ensemble).
    pub nets: Vec<Arc<net::Net>>,
}

/// A model read from the first networks of a weights file, and where to go on reading.
struct Prefix {
    model: Model,
    /// Networks in the file.
    count: usize,
    /// Byte offset after the last network read.
    end: usize,
}

impl Prefix {
    /// The model with every network of `bytes` (the file this prefix was read from): the
    /// networks already read are shared, the rest are read.
    fn read_rest(&self, bytes: &[u8]) -> Result<Model, ModelError> {
        let mut nets = self.model.nets.clone();
        let end = read_nets(bytes, self.end, self.count - nets.len(), &mut nets)?;
        ends_at(bytes, end)?;
        Ok(Model {
            stats: self.model.stats.clone(),
            nets,
        })
    }
}

/// Refuses a weights file read to its last network that goes on after `end`.
fn ends_at(bytes: &[u8], end: usize) -> Result<(), ModelError> {
    if end == bytes.len() {
        Ok(())
    } else {
        Err(ModelError("trailing bytes".into()))
    }
}

/// Reads `n` networks from `bytes[at..]` onto `nets`; returns the offset after them.
fn read_nets(
    bytes: &[u8],
    mut at: usize,
    n: usize,
    nets: &mut Vec<Arc<net::Net>>,
) -> Result<usize, ModelError> {
    for _ in 0..n {
        let (net, used) = bytes
            .get(at..)
            .and_then(net::Net::read)
            .ok_or_else(|| ModelError("bad network".into()))?;
        at += used;
        nets.push(Arc::new(net));
    }
    Ok(at)
}

/// Why a weights file could not be read.
#[derive(Debug, PartialEq, Eq)]
pub struct ModelError(pub String);

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid tagger weights: {}", self.0)
    }
}

impl std::error::Error for ModelError {}

/// The shipped weights (empty: no tagger).
const BUILTIN_BYTES: &[u8] = include_bytes!("../../model/tagger.bin");

/// The shipped tagger's first network, read alone (with where its bytes end): the others
/// cost no time or memory unless [`builtin_ensemble`] is asked for.
static BUILTIN: LazyLock<Option<Prefix>> =
    LazyLock::new(|| Model::read_prefix(BUILTIN_BYTES, 1).ok());

/// Every network of the shipped tagger. The first is [`BUILTIN`]'s, shared rather than
/// read a second time, so a process that tags both ways holds it once.
static BUILTIN_ENSEMBLE: LazyLock<Option<Model>> =
    LazyLock::new(|| BUILTIN.as_ref()?.read_rest(BUILTIN_BYTES).ok());

/// The working buffers of [`Model::tag_document`].
#[derive(Default)]
struct TagScratch {
    net: net::NetScratch,
    decoding: Scratch,
    inputs: Vec<[u64; net::N_COLUMNS]>,
    rows: Vec<[u32; net::N_COLUMNS]>,
    em: Vec<[f32; N_LABELS]>,
    sum: Vec<[f32; N_LABELS]>,
    out: Vec<Label>,
}

thread_local! {
    static TAG_SCRATCH: std::cell::RefCell<TagScratch> = std::cell::RefCell::default();
}

/// The tagger shipped with the engine (its first network), if its weights are present.
pub fn builtin() -> Option<&'static Model> {
    BUILTIN.as_ref().map(|p| &p.model)
}

/// Every network shipped with the engine (their scores averaged), if the weights are
/// present.
pub fn builtin_ensemble() -> Option<&'static Model> {
    BUILTIN_ENSEMBLE.as_ref()
}

impl Model {
    /// Labels every token of `doc`, paragraph by paragraph. Paragraphs without any sign of
    /// an attribution (no quotation mark, cue, learned cue word, dash or rule role) stay
    /// unlabelled without running the networks.
    pub fn tag_document(&self, doc: &Document, lexicon: &Lexicon) -> Vec<Label> {
        let mut labels = vec![0 as Label; doc.tokens.len()];
        if self.nets.is_empty() {
            return labels;
        }
        let ctx = FeatureContext::new(doc, lexicon, &self.stats);
        // The buffers live as long as the thread, so a batch grows them once rather than
        // once per document (growing zero-fills them).
        TAG_SCRATCH.with_borrow_mut(|sc| {
            let trans = self.transitions();
            for range in sequences(doc) {
                if !ctx.may_attribute(range) {
                    continue;
                }
                self.mean_emissions(&ctx, range, sc);
                sc.out.clear();
                decode(&trans, &sc.sum, &mut sc.decoding, &mut sc.out);
                labels[range.range()].copy_from_slice(&sc.out);
            }
        });
        labels
    }

    /// The networks' mean emission scores over the tokens of `range`, into `sc.sum`.
    fn mean_emissions(&self, ctx: &FeatureContext, range: TokenRange, sc: &mut TagScratch) {
        let k = 1.0 / self.nets.len() as f32;
        sc.inputs.clear();
        sc.inputs.extend(range.range().map(|i| ctx.inputs(i)));
        sc.sum.clear();
        sc.sum.resize(range.len(), [0.0; N_LABELS]);
        for net in &self.nets {
            sc.rows.clear();
            sc.rows.extend(sc.inputs.iter().map(|v| net.rows_of(v)));
            net.emissions(&sc.rows, &mut sc.net, &mut sc.em);
            for (s, e) in sc.sum.iter_mut().zip(&sc.em) {
                for (a, b) in s.iter_mut().zip(e) {
                    *a += b * k;
                }
            }
        }
    }

    /// Each token's label probabilities under the model (the CRF's marginals over its
    /// paragraph, from the networks' mean scores): what a teacher hands to
    /// [`train::train_model_distilled`]. Tokens of paragraphs the tagger skips are `O`
    /// for certain.
    pub fn marginals(&self, doc: &Document, lexicon: &Lexicon) -> Vec<[f32; N_LABELS]> {
        let mut outside = [0f32; N_LABELS];
        outside[0] = 1.0;
        let mut out = vec![outside; doc.tokens.len()];
        if self.nets.is_empty() {
            return out;
        }
        let ctx = FeatureContext::new(doc, lexicon, &self.stats);
        let trans = self.transitions();
        let (mut alpha, mut beta) = (Vec::new(), Vec::new());
        TAG_SCRATCH.with_borrow_mut(|sc| {
            for range in sequences(doc) {
                if !ctx.may_attribute(range) {
                    continue;
                }
                self.mean_emissions(&ctx, range, sc);
                let log_z = net::train::forward_backward(&sc.sum, &trans, &mut alpha, &mut beta);
                for (t, o) in out[range.range()].iter_mut().enumerate() {
                    *o = std::array::from_fn(|l| net::train::marginal(&alpha, &beta, log_z, t, l));
                    // `O` rounded through `p - 1`, as the teachers that trained the shipped
                    // weights computed it (an emission gradient against all-`O` labels, plus
                    // one): `whosaid train` reproduces `tagger.bin` to the byte only so.
                    o[0] = (o[0] - 1.0) + 1.0;
                }
            }
        });
        out
    }

    /// The networks' mean transition scores.
    fn transitions(&self) -> [[f32; N_LABELS]; N_LABELS + 1] {
        let mut trans = [[0f32; N_LABELS]; N_LABELS + 1];
        let k = 1.0 / self.nets.len().max(1) as f32;
        for net in &self.nets {
            for (a, b) in trans
                .iter_mut()
                .flatten()
                .zip(net.transitions().iter().flatten())
            {
                *a += b * k;
            }
        }
        trans
    }

    /// Serialises the model: magic bytes, cue statistics, the number of networks, then
    /// each network.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        self.stats.write(&mut out);
        out.extend_from_slice(&(self.nets.len() as u32).to_le_bytes());
        for net in &self.nets {
            net.write(&mut out);
        }
        out
    }

    /// Reads a model written by [`Model::to_bytes`].
    ///
    /// # Errors
    /// A wrong magic number, shape or length.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        Model::from_bytes_up_to(bytes, MAX_NETS as usize)
    }

    /// Reads the cue statistics and the first `limit` networks (at least one) of a model
    /// written by [`Model::to_bytes`]; the networks after them are not read.
    ///
    /// # Errors
    /// A wrong magic number, shape or length (of the part read).
    pub fn from_bytes_up_to(bytes: &[u8], limit: usize) -> Result<Model, ModelError> {
        let prefix = Model::read_prefix(bytes, limit)?;
        if prefix.model.nets.len() == prefix.count {
            ends_at(bytes, prefix.end)?;
        }
        Ok(prefix.model)
    }

    /// Reads the cue statistics and the first `limit` networks (at least one), and where
    /// they end.
    fn read_prefix(bytes: &[u8], limit: usize) -> Result<Prefix, ModelError> {
        if bytes.len() < 8 || &bytes[..8] != MAGIC {
            return Err(ModelError(if bytes.starts_with(b"WHOSAID") {
                "weights of an older tagger (retrain with `whosaid train`)".into()
            } else {
                "not a whosaid weights file".into()
            }));
        }
        let (stats, used) =
            CueStats::read(&bytes[8..]).ok_or_else(|| ModelError("bad cue statistics".into()))?;
        let mut at = 8 + used;
        let count = bytes
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(|| ModelError("truncated".into()))?;
        at += 4;
        if !(1..=MAX_NETS).contains(&count) {
            return Err(ModelError(format!("{count} networks")));
        }
        let read = (count as usize).min(limit.max(1));
        let mut nets = Vec::with_capacity(read);
        let end = read_nets(bytes, at, read, &mut nets)?;
        Ok(Prefix {
            model: Model {
                stats: Arc::new(stats),
                nets,
            },
            count: count as usize,
            end,
        })
    }
}

/// Buffers reused across the paragraphs of one decoding.
#[derive(Default)]
pub struct Scratch {
    delta: Vec<[f32; N_LABELS]>,
    back: Vec<[u8; N_LABELS]>,
}

/// Viterbi decoding of a sequence of emission scores under transition scores `trans` (row
/// `N_LABELS`: start scores); only label pairs BIO order allows are tried. The best labels
/// are appended to `out`.
pub fn decode(
    trans: &[[f32; N_LABELS]; N_LABELS + 1],
    em: &[[f32; N_LABELS]],
    scratch: &mut Scratch,
    out: &mut Vec<Label>,
) {
    let n = em.len();
    if n == 0 {
        return;
    }
    let Scratch { delta, back } = scratch;
    delta.clear();
    delta.resize(n, [0f32; N_LABELS]);
    back.clear();
    back.resize(n, [0u8; N_LABELS]);
    for (t, em) in em.iter().enumerate() {
        if t == 0 {
            for l in 0..N_LABELS {
                delta[0][l] = if allowed(0, l as Label) {
                    trans[N_LABELS][l] + em[l]
                } else {
                    f32::NEG_INFINITY
                };
            }
            continue;
        }
        let prev = delta[t - 1];
        for l in 0..N_LABELS {
            // Only the allowed predecessors (I- continues its own role only) are tried.
            let mut best = f32::NEG_INFINITY;
            let mut arg = 0u8;
            for &p in PREDECESSORS[l] {
                let s = prev[p as usize] + trans[p as usize][l];
                if s > best {
                    best = s;
                    arg = p;
                }
            }
            delta[t][l] = best + em[l];
            back[t][l] = arg;
        }
    }
    let start = out.len();
    out.resize(start + n, 0);
    let last = &delta[n - 1];
    let mut l = (0..N_LABELS)
        .max_by(|&a, &b| last[a].total_cmp(&last[b]))
        .unwrap_or(0);
    for t in (0..n).rev() {
        out[start + t] = l as Label;
        if t > 0 {
            l = back[t][l] as usize;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::extract_rules as rules;

    #[test]
    fn predecessors_are_the_allowed_labels() {
        for (l, preds) in PREDECESSORS.iter().enumerate() {
            let expected: Vec<Label> = (0..N_LABELS as Label)
                .filter(|&p| allowed(p, l as Label))
                .collect();
            assert_eq!(preds.to_vec(), expected, "label {l}");
        }
    }

    #[test]
    fn decoding_respects_bio_order_and_transitions() {
        let mut trans = [[0f32; N_LABELS]; N_LABELS + 1];
        // Emissions prefer I-content everywhere, which cannot start a sequence nor follow O.
        let em = vec![[0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 1.0]; 3];
        let mut out = Vec::new();
        decode(&trans, &em, &mut Scratch::default(), &mut out);
        assert_eq!(out, [5, 6, 6]);
        // A strong penalty on staying inside the content ends it after one token.
        trans[6][6] = -5.0;
        trans[5][6] = -5.0;
        out.clear();
        decode(&trans, &em, &mut Scratch::default(), &mut out);
        assert_eq!(out, [5, 5, 5]);
        // Appends after what `out` holds; nothing for an empty sequence.
        decode(&trans, &[], &mut Scratch::default(), &mut out);
        assert_eq!(out.len(), 3);
    }

    #[test]
    fn windows_of_long_paragraphs_hold_whole_sentences() {
        let sentence = "The minister said the plan would work. ";
        let text = sentence.repeat(800);
        let doc = rules(&text);
        let seqs = sequences(&doc);
        assert!(seqs.len() > 1);
        assert_eq!(seqs.first().map(|r| r.start), Some(0));
        assert_eq!(seqs.last().map(|r| r.end as usize), Some(doc.tokens.len()));
        for w in seqs.windows(2) {
            assert_eq!(w[0].end, w[1].start);
            assert!(w[0].len() <= MAX_SEQUENCE_TOKENS);
            let s = doc.sentence_of(w[1].start as usize);
            assert_eq!(s.tokens.start, w[1].start, "a window starts a sentence");
        }
    }

    #[test]
    fn round_trips_through_bytes() {
        let mut c = cuestats::CueCounter::default();
        for _ in 0..5 {
            c.add("said", true);
        }
        let m = Model {
            stats: Arc::new(c.finish()),
            nets: vec![net::tests::tiny(3, 5).into(), net::tests::tiny(4, 6).into()],
        };
        let bytes = m.to_bytes();
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(back, m);
        assert!(Model::from_bytes(b"garbage").is_err());
        assert!(Model::from_bytes(&bytes[..30]).is_err());
        assert!(Model::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Model::from_bytes(&longer).is_err());
        let old = Model::from_bytes(b"WHOSAID2\0\0\0\0").unwrap_err();
        assert!(old.0.contains("retrain"), "{old}");
        // The first networks alone: the rest is not read (not even checked).
        let first = Model::from_bytes_up_to(&bytes, 1).unwrap();
        assert_eq!(first.stats, m.stats);
        assert_eq!(first.nets, m.nets[..1]);
        assert_eq!(
            Model::from_bytes_up_to(&longer[..bytes.len() - 5], 1),
            Ok(first)
        );
        assert_eq!(Model::from_bytes_up_to(&bytes, 0).unwrap().nets.len(), 1);
        assert_eq!(Model::from_bytes_up_to(&bytes, 9), Ok(m.clone()));
        // The rest read after the first: the same model, the first network shared.
        let prefix = Model::read_prefix(&bytes, 1).unwrap();
        let all = prefix.read_rest(&bytes).unwrap();
        assert_eq!(all, m);
        assert!(Arc::ptr_eq(&all.nets[0], &prefix.model.nets[0]));
        assert!(prefix.read_rest(&longer).is_err());
        assert!(prefix.read_rest(&bytes[..bytes.len() - 1]).is_err());
    }

    #[test]
    fn the_builtin_tagger_is_the_first_network_of_the_shipped_ensemble() {
        let (Some(one), Some(all)) = (builtin(), builtin_ensemble()) else {
            return;
        };
        assert_eq!(one.stats, all.stats);
        assert_eq!(one.nets[..], all.nets[..1]);
        // Read once, held once.
        assert!(Arc::ptr_eq(&one.nets[0], &all.nets[0]));
        // The shipped weights hold an ensemble (docs/accuracy.md: ensemble figures).
        assert!(all.nets.len() >= 2, "{} networks", all.nets.len());
    }

    #[test]
    fn an_ensemble_tags_with_the_mean_of_its_networks() {
        let doc = rules("“We will appeal,” the lawyer said. Officials said the plan failed.");
        let one = Model {
            stats: Arc::default(),
            nets: vec![net::tests::tiny(4, 9).into()],
        };
        let twice = Model {
            stats: Arc::default(),
            nets: vec![net::tests::tiny(4, 9).into(), net::tests::tiny(4, 9).into()],
        };
        let lexicon = Lexicon::get();
        let a = one.tag_document(&doc, lexicon);
        assert_eq!(a.len(), doc.tokens.len());
        // Two copies of one network average to that network.
        assert_eq!(twice.tag_document(&doc, lexicon), a);
        // Labels always respect BIO order.
        for (k, &l) in a.iter().enumerate() {
            let prev = if k == 0 { 0 } else { a[k - 1] };
            assert!(allowed(prev, l) && (k > 0 || l % 2 == 1 || l == 0));
        }
        let none = Model {
            stats: Arc::default(),
            nets: Vec::new(),
        };
        assert!(none.tag_document(&doc, lexicon).iter().all(|&l| l == 0));
    }
}
