//! Silver dependency parses (PolNeAR's CoreNLP output, CoNLL-U style) mapped onto the
//! engine's tokens — for experiments on what syntax would add to the tagger.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

use anyhow::Context;
use whosaid_core::Document;

/// Dependency relations, by id (0 = none).
const RELS: &[&str] = &[
    "",
    "punct",
    "case",
    "nmod",
    "nsubj",
    "det",
    "compound",
    "amod",
    "dobj",
    "root",
    "advmod",
    "mark",
    "aux",
    "cc",
    "conj",
    "nmod:poss",
    "ccomp",
    "xcomp",
    "advcl",
    "cop",
    "dep",
    "acl:relcl",
    "nummod",
    "acl",
    "neg",
    "appos",
    "auxpass",
    "nsubjpass",
    "nmod:tmod",
    "compound:prt",
    "parataxis",
    "mwe",
    "expl",
    "nmod:npmod",
    "csubj",
    "iobj",
    "det:predet",
    "cc:preconj",
    "discourse",
    "csubjpass",
];

/// One silver token: code-point span, head (index in the document's token list), relation.
#[derive(Clone, Debug)]
pub struct SilverToken {
    start: usize,
    end: usize,
    head: Option<usize>,
    rel: u8,
}

/// Loads a `.conllu.gz` file: document name → tokens.
pub fn load(path: &Path) -> anyhow::Result<HashMap<String, Vec<SilverToken>>> {
    let f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let r = BufReader::new(flate2::read::MultiGzDecoder::new(f));
    let mut out: HashMap<String, Vec<SilverToken>> = HashMap::new();
    let mut doc = String::new();
    let mut sent: Vec<(usize, usize, usize, u8)> = Vec::new();
    let flush = |doc: &str,
                 sent: &mut Vec<(usize, usize, usize, u8)>,
                 out: &mut HashMap<String, Vec<SilverToken>>| {
        let toks = out.entry(doc.to_string()).or_default();
        let base = toks.len();
        for &(s, e, h, rel) in sent.iter() {
            toks.push(SilverToken {
                start: s,
                end: e,
                head: (h > 0).then(|| base + h - 1),
                rel,
            });
        }
        sent.clear();
    };
    for line in r.lines() {
        let line = line?;
        if let Some(name) = line.strip_prefix("# doc = ") {
            if !sent.is_empty() {
                flush(&doc, &mut sent, &mut out);
            }
            doc = name.trim().to_string();
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        if line.trim().is_empty() {
            if !sent.is_empty() {
                flush(&doc, &mut sent, &mut out);
            }
            continue;
        }
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() < 9 {
            continue;
        }
        let (s, e, h) = (
            c[5].parse().unwrap_or(0),
            c[6].parse().unwrap_or(0),
            c[7].parse().unwrap_or(0),
        );
        let rel = RELS.iter().position(|r| *r == c[8]).unwrap_or(0) as u8;
        sent.push((s, e, h, rel));
    }
    if !sent.is_empty() {
        flush(&doc, &mut sent, &mut out);
    }
    Ok(out)
}

/// Maps silver tokens onto the document's tokens: heads and relations per engine token.
pub fn map(doc: &Document, silver: &[SilverToken]) -> (Vec<Option<u32>>, Vec<u8>) {
    // code point → byte
    let mut cp_to_byte: Vec<usize> = doc.text.char_indices().map(|(b, _)| b).collect();
    cp_to_byte.push(doc.text.len());
    let byte = |c: usize| cp_to_byte[c.min(cp_to_byte.len() - 1)];
    // For each silver token, the engine token holding its last byte.
    let ours_of = |s: &SilverToken| -> Option<usize> {
        let b = byte(s.end).saturating_sub(1);
        let k = doc.tokens.partition_point(|t| (t.span.end as usize) <= b);
        (k < doc.tokens.len() && (doc.tokens[k].span.start as usize) <= b).then_some(k)
    };
    let mut heads = vec![None; doc.tokens.len()];
    let mut rels = vec![0u8; doc.tokens.len()];
    let mut j = 0;
    for (i, t) in doc.tokens.iter().enumerate() {
        let last = t.span.end as usize - 1;
        while j < silver.len() && byte(silver[j].end) <= last {
            j += 1;
        }
        let Some(s) = silver.get(j).filter(|s| byte(s.start) <= last) else {
            continue;
        };
        rels[i] = s.rel;
        heads[i] = s
            .head
            .and_then(|h| silver.get(h))
            .and_then(ours_of)
            .filter(|&h| h != i)
            .map(|h| h as u32);
    }
    (heads, rels)
}
