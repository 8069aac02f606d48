//! Error analysis for the document protocol: every gold role span that was not matched
//! exactly (a *miss*) and every predicted one that matched nothing (a *false alarm*) is put in
//! a kind ("content miss: predicted ends later than gold", "source miss: pronoun", …); the
//! most frequent kinds are reported with a few examples marked up in context.
//!
//! Examples show the sentence(s) around the error twice — gold and predicted — with spans
//! marked `[SRC …]`, `{CUE …}` and `<CON …>`.

use std::collections::HashMap;
use std::fmt::Write as _;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::document::GoldDocument;
use crate::evaluate::normalized_pair;
use crate::metrics::role_spans;
use crate::span::{Attribution, CharSpan, Role, pieces_text};
use crate::text::{is_pronoun, sentences};

/// How many examples each kind keeps.
const EXAMPLES_PER_KIND: usize = 3;
/// Contexts longer than this (in characters, after marking) are shortened in the middle.
const MAX_CONTEXT: usize = 600;

/// One kind of error with its frequency and examples.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorKind {
    /// What went wrong, e.g. `content miss: predicted ends later than gold`.
    pub kind: String,
    /// How many role spans fell into this kind.
    pub count: usize,
    /// The first few occurrences, in document order.
    pub examples: Vec<ErrorExample>,
}

/// One occurrence of an error, in context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorExample {
    /// The gold document (`<article>_<annotator>`).
    pub document: String,
    /// The context with the gold spans marked.
    pub gold: String,
    /// The same context with the predicted spans marked.
    pub predicted: String,
}

/// Classifies misses and false alarms and returns the `n` most frequent kinds (ties by
/// name), each with up to three examples. `predictions` is index-aligned with `docs` (as
/// [`predict`](crate::predict) returns it).
pub fn analyze_errors(
    docs: &[GoldDocument],
    predictions: &[Vec<Attribution>],
    n: usize,
) -> Vec<ErrorKind> {
    let per_doc: Vec<Vec<(String, ErrorExample)>> = docs
        .par_iter()
        .enumerate()
        .map(|(i, doc)| {
            let empty = Vec::new();
            DocErrors::new(doc, predictions.get(i).unwrap_or(&empty)).classify()
        })
        .collect();
    let mut kinds: Vec<ErrorKind> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (kind, example) in per_doc.into_iter().flatten() {
        let i = *index.entry(kind.clone()).or_insert_with(|| {
            kinds.push(ErrorKind {
                kind,
                count: 0,
                examples: Vec::new(),
            });
            kinds.len() - 1
        });
        kinds[i].count += 1;
        if kinds[i].examples.len() < EXAMPLES_PER_KIND {
            kinds[i].examples.push(example);
        }
    }
    kinds.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.kind.cmp(&b.kind)));
    kinds.truncate(n);
    kinds
}

/// Plain-text rendering of [`analyze_errors`]' result.
pub fn render_errors(kinds: &[ErrorKind]) -> String {
    let mut out = String::new();
    for k in kinds {
        let _ = writeln!(out, "{:>6}  {}", k.count, k.kind);
        for e in &k.examples {
            let _ = writeln!(out, "        {}", e.document);
            let _ = writeln!(out, "          gold: {}", e.gold);
            let _ = writeln!(out, "          pred: {}", e.predicted);
        }
    }
    out
}

struct DocErrors<'a> {
    name: &'a str,
    text: Vec<char>,
    sentences: Vec<CharSpan>,
    gold: Vec<Attribution>,
    pred: Vec<Attribution>,
}

fn extent(pieces: &[CharSpan]) -> CharSpan {
    match (pieces.first(), pieces.last()) {
        (Some(a), Some(b)) => CharSpan {
            start: a.start,
            end: b.end,
        },
        _ => CharSpan { start: 0, end: 0 },
    }
}

fn overlap_len(a: &[CharSpan], b: &[CharSpan]) -> usize {
    a.iter()
        .flat_map(|x| {
            b.iter()
                .map(move |y| x.end.min(y.end).saturating_sub(x.start.max(y.start)))
        })
        .sum()
}

fn touches(a: &Attribution, window: CharSpan) -> bool {
    Role::ALL
        .iter()
        .any(|&r| a.role(r).iter().any(|p| p.overlaps(window)))
}

impl<'a> DocErrors<'a> {
    fn new(doc: &'a GoldDocument, predicted: &[Attribution]) -> Self {
        let text: Vec<char> = doc.text.chars().collect();
        let (gold, pred) = normalized_pair(&text, &doc.attributions, predicted);
        DocErrors {
            name: &doc.name,
            sentences: sentences(&text),
            text,
            gold,
            pred,
        }
    }

    fn classify(&self) -> Vec<(String, ErrorExample)> {
        let mut out = Vec::new();
        for role in Role::ALL {
            let gold = role_spans(&self.gold, role);
            let pred = role_spans(&self.pred, role);
            for g in gold.iter().filter(|g| !pred.contains(g)) {
                let kind = self.miss_kind(role, g, &pred);
                out.push((
                    format!("{} miss: {kind}", role.name()),
                    self.example(extent(g)),
                ));
            }
            for p in pred.iter().filter(|p| !gold.contains(p)) {
                let kind = self.false_alarm_kind(role, p, &gold);
                out.push((
                    format!("{} false alarm: {kind}", role.name()),
                    self.example(extent(p)),
                ));
            }
        }
        out
    }

    /// The sentences covering `span`.
    fn window(&self, span: CharSpan) -> CharSpan {
        let first = self.sentences.partition_point(|s| s.end <= span.start);
        let last = self
            .sentences
            .partition_point(|s| s.start < span.end.max(span.start + 1));
        let start = self
            .sentences
            .get(first)
            .map_or(span.start, |s| s.start.min(span.start));
        let end = last
            .checked_sub(1)
            .and_then(|i| self.sentences.get(i))
            .map_or(span.end, |s| s.end.max(span.end));
        CharSpan {
            start,
            end: end.min(self.text.len()),
        }
    }

    fn example(&self, span: CharSpan) -> ErrorExample {
        let window = self.window(span);
        ErrorExample {
            document: self.name.to_string(),
            gold: shorten(&mark(&self.text, window, &self.gold)),
            predicted: shorten(&mark(&self.text, window, &self.pred)),
        }
    }

    fn miss_kind(&self, role: Role, g: &[CharSpan], pred: &[Vec<CharSpan>]) -> String {
        let window = self.window(extent(g));
        if !self.pred.iter().any(|a| touches(a, window)) {
            return "no attribution predicted in sentence".into();
        }
        let best = pred
            .iter()
            .map(|p| (overlap_len(g, p), p))
            .filter(|(o, _)| *o > 0)
            .max_by_key(|(o, _)| *o);
        if let Some((_, p)) = best {
            return boundary_kind(role, g, p, &self.text);
        }
        if let Some(other) = self.other_role_over(role, g, &self.pred) {
            return format!("inside a predicted {}", other.name());
        }
        match role {
            Role::Source if is_pronoun(&pieces_text(g, &self.text)) => "pronoun".into(),
            Role::Source => {
                let owner_content = self
                    .gold
                    .iter()
                    .find(|a| a.source == g)
                    .map(|a| a.content.as_slice());
                let found_without_source = owner_content.is_some_and(|content| {
                    self.pred
                        .iter()
                        .any(|p| p.source.is_empty() && overlap_len(&p.content, content) > 0)
                });
                if found_without_source {
                    "relation found without a source".into()
                } else {
                    "missing entirely".into()
                }
            }
            _ => "missing entirely".into(),
        }
    }

    fn false_alarm_kind(&self, role: Role, p: &[CharSpan], gold: &[Vec<CharSpan>]) -> String {
        if gold.iter().any(|g| overlap_len(g, p) > 0) {
            return "overlaps a gold span (boundary error, see misses)".into();
        }
        if let Some(other) = self.other_role_over(role, p, &self.gold) {
            return format!("on a gold {}", other.name());
        }
        if role == Role::Source {
            let owner_content = self
                .pred
                .iter()
                .find(|a| a.source == p)
                .map(|a| a.content.as_slice());
            let gold_without_source = owner_content.is_some_and(|content| {
                self.gold
                    .iter()
                    .any(|g| g.source.is_empty() && overlap_len(&g.content, content) > 0)
            });
            if gold_without_source {
                return "gold relation has no source".into();
            }
        }
        let window = self.window(extent(p));
        if self.gold.iter().any(|a| touches(a, window)) {
            "spurious, sentence has other gold relations".into()
        } else {
            "spurious, no gold relation in sentence".into()
        }
    }

    /// Another role whose spans (in `attributions`) overlap `pieces`, if any.
    fn other_role_over(
        &self,
        role: Role,
        pieces: &[CharSpan],
        attributions: &[Attribution],
    ) -> Option<Role> {
        Role::ALL.into_iter().filter(|&r| r != role).find(|&r| {
            attributions
                .iter()
                .any(|a| overlap_len(a.role(r), pieces) > 0)
        })
    }
}

fn words(pieces: &[CharSpan], text: &[char]) -> usize {
    pieces_text(pieces, text).split_whitespace().count()
}

fn strip_edges(span: CharSpan, text: &[char]) -> CharSpan {
    let edge = |c: char| c.is_whitespace() || (!c.is_alphanumeric());
    let (mut start, mut end) = (span.start, span.end.min(text.len()));
    while start < end && edge(text[start]) {
        start += 1;
    }
    while end > start && edge(text[end - 1]) {
        end -= 1;
    }
    CharSpan { start, end }
}

fn boundary_kind(role: Role, g: &[CharSpan], p: &[CharSpan], text: &[char]) -> String {
    if g.len() > 1 && p.len() == 1 {
        return "gold discontinuous, predicted one piece".into();
    }
    if g.len() == 1 && p.len() > 1 {
        return "predicted discontinuous, gold one piece".into();
    }
    if role == Role::Cue {
        let (gw, pw) = (words(g, text), words(p, text));
        if gw > 1 && pw == 1 {
            return "multi-word gold, single-word predicted".into();
        }
        if gw == 1 && pw > 1 {
            return "single-word gold, multi-word predicted".into();
        }
    }
    let (ge, pe) = (extent(g), extent(p));
    if strip_edges(ge, text) == strip_edges(pe, text) {
        return "differs only by quotation marks or punctuation at the edges".into();
    }
    use std::cmp::Ordering::{Equal, Greater, Less};
    match (pe.start.cmp(&ge.start), pe.end.cmp(&ge.end)) {
        (Equal, Greater) => "predicted ends later than gold",
        (Equal, Less) => "predicted ends earlier than gold",
        (Less, Equal) => "predicted starts earlier than gold",
        (Greater, Equal) => "predicted starts later than gold",
        (Less, Greater) => "predicted contains gold (starts earlier, ends later)",
        (Greater, Less) => "predicted inside gold (starts later, ends earlier)",
        (Less, Less) => "predicted shifted earlier",
        (Greater, Greater) => "predicted shifted later",
        (Equal, Equal) => "same extent, different pieces",
    }
    .into()
}

/// The text of `window` with the spans of `attributions` marked.
fn mark(text: &[char], window: CharSpan, attributions: &[Attribution]) -> String {
    // (position, order, marker): closing markers (order 0) before opening ones (order 1).
    let mut events: Vec<(usize, u8, &'static str)> = Vec::new();
    for a in attributions {
        for role in Role::ALL {
            let (open, close) = match role {
                Role::Source => ("[SRC ", "]"),
                Role::Cue => ("{CUE ", "}"),
                Role::Content => ("<CON ", ">"),
            };
            for p in a.role(role) {
                let (start, end) = (p.start.max(window.start), p.end.min(window.end));
                if start < end {
                    events.push((start, 1, open));
                    events.push((end, 0, close));
                }
            }
        }
    }
    events.sort();
    events.dedup(); // a span shared by several relations is marked once
    let mut out = String::new();
    let mut next = events.iter().peekable();
    for (i, &c) in text.iter().enumerate().take(window.end).skip(window.start) {
        while let Some((_, _, m)) = next.next_if(|(pos, _, _)| *pos == i) {
            out.push_str(m);
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    for (_, _, m) in next {
        out.push_str(m);
    }
    out
}

fn shorten(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= MAX_CONTEXT {
        return s.to_string();
    }
    let half = MAX_CONTEXT / 2;
    let head: String = chars[..half].iter().collect();
    let tail: String = chars[chars.len() - half..].iter().collect();
    format!("{head} … {tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(a: usize, b: usize) -> CharSpan {
        CharSpan::new(a, b)
    }

    //                  0         1         2         3         4         5         6
    //                  0123456789012345678901234567890123456789012345678901234567890123
    const TEXT: &str = "He said the plan works. Nothing else. \"Fine,\" Smith told reporters.";

    fn docs(gold: Vec<Attribution>) -> Vec<GoldDocument> {
        vec![GoldDocument {
            name: "d_1".into(),
            article: "d".into(),
            text: TEXT.into(),
            date: None,
            attributions: gold,
        }]
    }

    fn kinds(gold: Vec<Attribution>, pred: Vec<Attribution>) -> Vec<(String, usize)> {
        analyze_errors(&docs(gold), &[pred], 50)
            .into_iter()
            .map(|k| (k.kind, k.count))
            .collect()
    }

    fn he_said() -> Attribution {
        Attribution {
            source: vec![s(0, 2)],
            cue: vec![s(3, 7)],
            content: vec![s(8, 22)],
        }
    }

    fn smith_told() -> Attribution {
        Attribution {
            source: vec![s(47, 52)],
            cue: vec![s(53, 67)],
            content: vec![s(38, 46)],
        }
    }

    #[test]
    fn nothing_predicted() {
        let k = kinds(vec![he_said()], vec![]);
        assert_eq!(
            k,
            vec![
                (
                    "content miss: no attribution predicted in sentence".to_string(),
                    1
                ),
                (
                    "cue miss: no attribution predicted in sentence".to_string(),
                    1
                ),
                (
                    "source miss: no attribution predicted in sentence".to_string(),
                    1
                ),
            ]
        );
    }

    #[test]
    fn boundary_and_pronoun_kinds() {
        let pred = vec![
            Attribution {
                source: vec![],
                cue: vec![s(3, 7)],
                content: vec![s(8, 16)],
            },
            Attribution {
                source: vec![s(47, 52)],
                cue: vec![s(53, 57)],
                content: vec![s(39, 44)],
            },
        ];
        let k = kinds(vec![he_said(), smith_told()], pred);
        let has = |name: &str| k.iter().any(|(n, _)| n == name);
        assert!(has("source miss: pronoun"), "{k:?}");
        assert!(
            has("content miss: predicted ends earlier than gold"),
            "{k:?}"
        );
        assert!(
            has("content miss: differs only by quotation marks or punctuation at the edges"),
            "{k:?}"
        );
        assert!(
            has("cue miss: multi-word gold, single-word predicted"),
            "{k:?}"
        );
        assert!(
            has("content false alarm: overlaps a gold span (boundary error, see misses)"),
            "{k:?}"
        );
    }

    #[test]
    fn spurious_and_examples() {
        let pred = vec![
            he_said(),
            Attribution {
                source: vec![],
                cue: vec![s(24, 31)],
                content: vec![],
            },
        ];
        let result = analyze_errors(&docs(vec![he_said()]), &[pred], 5);
        assert_eq!(result.len(), 1);
        assert_eq!(
            result[0].kind,
            "cue false alarm: spurious, no gold relation in sentence"
        );
        assert_eq!(result[0].examples[0].predicted, "{CUE Nothing} else.");
        let text = render_errors(&result);
        assert!(text.contains("pred: {CUE Nothing} else."), "{text}");
    }

    #[test]
    fn marking_shows_all_roles() {
        let t: Vec<char> = TEXT.chars().collect();
        let m = mark(&t, s(0, 23), &[he_said()]);
        assert_eq!(m, "[SRC He] {CUE said} <CON the plan works>.");
    }
}
