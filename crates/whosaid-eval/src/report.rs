//! The evaluation report: its JSON form, a human-readable table, and the baseline check.
//!
//! JSON shape (fractions in `0..=1`; counts and the optional sections are extra keys):
//! ```text
//! {"protocol": "document"|"cofenet", "documents": N,
//!  "exact": {"source": {"precision": p, "recall": r, "f1": f, ...}, "cue": {...}, "content": {...}},
//!  "begin": {...}, "attribution": {"exact": {...}, "lenient": {...}},
//!  "overlap": {...}, "breakdowns": {...}, "alignment": {...}}
//! ```

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::breakdown::Breakdowns;
use crate::metrics::Score;
use crate::span::Role;

/// Which protocol produced a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// Character spans against every PolNeAR `.ann` document.
    Document,
    /// BIO labels per sentence against CofeNet's `valid.txt`.
    Cofenet,
}

/// One score per role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RoleScores {
    /// Source scores.
    pub source: Score,
    /// Cue scores.
    pub cue: Score,
    /// Content scores.
    pub content: Score,
}

impl RoleScores {
    /// The score of one role.
    pub fn get(&self, role: Role) -> &Score {
        match role {
            Role::Source => &self.source,
            Role::Cue => &self.cue,
            Role::Content => &self.content,
        }
    }

    /// Mutable access to the score of one role.
    pub fn get_mut(&mut self, role: Role) -> &mut Score {
        match role {
            Role::Source => &mut self.source,
            Role::Cue => &mut self.cue,
            Role::Content => &mut self.content,
        }
    }
}

/// Attribution-level scores (whole relations). Empty under the CofeNet protocol, whose BIO
/// labels do not say which source goes with which content.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AttributionScores {
    /// Content equal, and source and cue equal where gold has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exact: Option<Score>,
    /// Each of those roles with token Jaccard ≥ 0.5 instead of equality.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lenient: Option<Score>,
}

/// How well the CofeNet tokens were found in the article texts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlignmentStats {
    /// Tokens in the file.
    pub tokens: usize,
    /// Tokens found at the expected position (after normalisation).
    pub exact: usize,
    /// Tokens that have no characters of their own (the extra `.` the PTB tokenizer adds
    /// after an abbreviation that ends a sentence); they get the previous token's final char.
    pub synthetic: usize,
    /// Tokens found after skipping some non-space characters of the text.
    pub resynced: usize,
    /// Tokens not found at all (given an empty span at the current position).
    pub failed: usize,
}

/// Scores of one evaluation run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The protocol that produced the report.
    pub protocol: Protocol,
    /// Number of gold documents (`.ann` files, or CofeNet ids).
    pub documents: usize,
    /// Exact span match per role.
    pub exact: RoleScores,
    /// Begin match (same first character or token) per role.
    pub begin: RoleScores,
    /// Whole-relation scores.
    pub attribution: AttributionScores,
    /// Token-overlap scores per role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overlap: Option<RoleScores>,
    /// Exact-match breakdowns by kind of span.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakdowns: Option<Breakdowns>,
    /// Token alignment statistics (CofeNet protocol only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alignment: Option<AlignmentStats>,
}

impl Report {
    /// The report as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

fn pct(x: f64) -> String {
    format!("{:5.1}", 100.0 * x)
}

fn role_row(out: &mut String, name: &str, scores: &RoleScores) {
    let _ = write!(out, "{name:<22}");
    for role in Role::ALL {
        let s = scores.get(role);
        let _ = write!(
            out,
            " {} {} {} ",
            pct(s.precision),
            pct(s.recall),
            pct(s.f1)
        );
    }
    out.push('\n');
}

fn role_header(out: &mut String) {
    let _ = write!(out, "{:<22}", "");
    for name in ["Source", "Cue", "Content"] {
        let _ = write!(out, "{name:^19}");
    }
    let _ = write!(out, "\n{:<22}", "");
    for _ in Role::ALL {
        let _ = write!(out, " {:>5} {:>5} {:>5} ", "P", "R", "F1");
    }
    out.push('\n');
}

fn score_row(out: &mut String, name: &str, s: &Score) {
    let _ = writeln!(
        out,
        "{name:<22} {} {} {}   ({} matched / {} predicted / {} gold)",
        pct(s.precision),
        pct(s.recall),
        pct(s.f1),
        s.tp,
        s.predicted,
        s.gold
    );
}

/// A plain-text table of a report: percentages with one decimal.
pub fn render_table(report: &Report) -> String {
    let mut out = String::new();
    let protocol = match report.protocol {
        Protocol::Document => "document",
        Protocol::Cofenet => "cofenet",
    };
    let _ = writeln!(
        out,
        "protocol: {protocol}   documents: {}",
        report.documents
    );
    role_header(&mut out);
    role_row(&mut out, "exact", &report.exact);
    role_row(&mut out, "begin", &report.begin);
    if let Some(overlap) = &report.overlap {
        role_row(&mut out, "token overlap", overlap);
    }
    let attribution = &report.attribution;
    if attribution.exact.is_some() || attribution.lenient.is_some() {
        let _ = writeln!(out, "\n{:<22}     P     R    F1", "attribution");
        if let Some(s) = &attribution.exact {
            score_row(&mut out, "exact", s);
        }
        if let Some(s) = &attribution.lenient {
            score_row(&mut out, "lenient (Jaccard≥.5)", s);
        }
    }
    if let Some(b) = &report.breakdowns {
        let _ = writeln!(
            out,
            "\n{:<22}     P     R    F1   (exact match)",
            "breakdown"
        );
        score_row(&mut out, "content: direct quote", &b.content_direct_quote);
        score_row(&mut out, "content: other", &b.content_other);
        score_row(&mut out, "source: pronoun", &b.source_pronoun);
        score_row(&mut out, "source: named/other", &b.source_other);
        for l in &b.cue_lemmas {
            score_row(&mut out, &format!("cue: {}", l.lemma), &l.score);
        }
    }
    if let Some(a) = &report.alignment {
        let _ = writeln!(
            out,
            "\nalignment: {} tokens, {} exact, {} synthetic, {} resynced, {} failed",
            a.tokens, a.exact, a.synthetic, a.resynced, a.failed
        );
    }
    out
}

/// Compares a report with a baseline report (JSON).
///
/// Every `"f1"` number found anywhere in the baseline must exist at the same place in the
/// report and be no more than `tolerance_points` percentage points below it. Arrays of objects
/// with a `"lemma"` key are matched by lemma, other arrays by position.
///
/// # Errors
/// Returns one message per regression or missing score, or a single message when the
/// baseline is not valid JSON.
pub fn check_against_baseline(
    report: &Report,
    baseline_json: &str,
    tolerance_points: f64,
) -> Result<(), Vec<String>> {
    let baseline: Value = serde_json::from_str(baseline_json)
        .map_err(|e| vec![format!("baseline is not valid JSON: {e}")])?;
    let current =
        serde_json::to_value(report).map_err(|e| vec![format!("cannot serialise report: {e}")])?;
    let mut failures = Vec::new();
    compare(
        &baseline,
        Some(&current),
        "",
        tolerance_points / 100.0,
        &mut failures,
    );
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures)
    }
}

fn compare(
    baseline: &Value,
    current: Option<&Value>,
    path: &str,
    tolerance: f64,
    failures: &mut Vec<String>,
) {
    match baseline {
        Value::Object(map) => {
            for (key, value) in map {
                let here = format!("{path}/{key}");
                let next = current.and_then(|c| c.get(key));
                if key == "f1" {
                    if let Some(base) = value.as_f64() {
                        match next.and_then(Value::as_f64) {
                            None => failures.push(format!(
                                "{here}: missing from the report (baseline {:.1})",
                                100.0 * base
                            )),
                            Some(now) if now < base - tolerance - 1e-12 => failures.push(format!(
                                "{here}: {:.1} is {:.1} points below the baseline {:.1}",
                                100.0 * now,
                                100.0 * (base - now),
                                100.0 * base
                            )),
                            Some(_) => {}
                        }
                    }
                } else {
                    compare(value, next, &here, tolerance, failures);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let (label, next) = match item.get("lemma").and_then(Value::as_str) {
                    Some(lemma) => (
                        lemma.to_string(),
                        current.and_then(Value::as_array).and_then(|arr| {
                            arr.iter()
                                .find(|c| c.get("lemma").and_then(Value::as_str) == Some(lemma))
                        }),
                    ),
                    None => (i.to_string(), current.and_then(|c| c.get(i))),
                };
                compare(item, next, &format!("{path}[{label}]"), tolerance, failures);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Counts;

    fn report(f: usize) -> Report {
        let s = Score::from(Counts {
            tp: f,
            predicted: 10,
            gold: 10,
        });
        let roles = RoleScores {
            source: s,
            cue: s,
            content: s,
        };
        Report {
            protocol: Protocol::Document,
            documents: 3,
            exact: roles,
            begin: roles,
            attribution: AttributionScores {
                exact: Some(s),
                lenient: None,
            },
            overlap: None,
            breakdowns: None,
            alignment: None,
        }
    }

    #[test]
    fn json_shape() {
        let v: Value = serde_json::from_str(&report(5).to_json()).unwrap();
        assert_eq!(v["protocol"], "document");
        assert_eq!(v["documents"], 3);
        assert_eq!(v["exact"]["source"]["precision"], 0.5);
        assert_eq!(v["begin"]["content"]["f1"], 0.5);
        assert!(v["attribution"]["exact"]["recall"].is_number());
        assert!(v.get("overlap").is_none());
        let back: Report = serde_json::from_value(v).unwrap();
        assert_eq!(back, report(5));
    }

    #[test]
    fn table_has_percentages() {
        let t = render_table(&report(5));
        assert!(t.contains(" 50.0"), "{t}");
        assert!(t.contains("exact"));
    }

    #[test]
    fn baseline_check() {
        let base = report(5).to_json();
        assert!(check_against_baseline(&report(5), &base, 0.0).is_ok());
        assert!(check_against_baseline(&report(6), &base, 0.0).is_ok());
        let errs = check_against_baseline(&report(4), &base, 5.0).unwrap_err();
        assert_eq!(errs.len(), 7, "{errs:?}");
        assert!(errs[0].contains("10.0 points below"), "{errs:?}");
        assert!(check_against_baseline(&report(4), &base, 10.0).is_ok());
        let extra = r#"{"overlap": {"source": {"f1": 0.1}}}"#;
        assert_eq!(
            check_against_baseline(&report(5), extra, 1.0)
                .unwrap_err()
                .len(),
            1
        );
        assert!(check_against_baseline(&report(5), "not json", 1.0).is_err());
    }
}
