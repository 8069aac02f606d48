//! Scorers for whosaid: how well does an attribution extractor find *who said what* in news
//! articles, measured against the PolNeAR corpus.
//!
//! Two protocols are implemented:
//! - **document** ([`evaluate()`]): character spans against every PolNeAR `.ann` file; exact,
//!   begin and token-overlap scores per role, whole-relation scores, breakdowns (direct quotes,
//!   pronoun sources, cue lemmas) and an error analysis ([`analyze_errors`]);
//! - **cofenet** ([`cofenet::evaluate_cofenet`]): the sentence-level BIO protocol of the
//!   published CofeNet comparison, obtained by projecting the same character spans onto the
//!   PTB tokens of CofeNet's `valid.txt`.
//!
//! # Design: a neutral [`Attribution`] and a closure
//! This crate does not depend on the extraction engine. Predictions reach it as plain
//! [`Attribution`]s (lists of code-point [`CharSpan`]s per role) returned by a closure
//! `Fn(text, date) -> Vec<Attribution>`. The engine, a baseline, an old release or a
//! Python model behind a pipe can all be scored by the same code, the engine can change its
//! internal model freely, and the scorers build and test on their own, in parallel with it.
//!
//! # Design: one prediction per article, scored against each annotator
//! A few PolNeAR articles were annotated by several people, each `.ann` file a document of
//! its own (as in the CofeNet file, whose ids are `<article>_<annotator>`). An extractor sees
//! only the text, so it is run once per distinct article and the same prediction is scored
//! against every annotator's document: disagreements between annotators then show up as they
//! should — as the ceiling of the metric — and not as extra, possibly different, runs.
//!
//! ```
//! use whosaid_eval::{evaluate, render_table, Attribution, CharSpan, EvalOptions, GoldDocument};
//! let text = "\"It works,\" she said.";
//! let gold = Attribution {
//!     source: vec![CharSpan::new(12, 15)],
//!     cue: vec![CharSpan::new(16, 20)],
//!     content: vec![CharSpan::new(0, 11)],
//! };
//! let docs = [GoldDocument {
//!     name: "demo_a1".into(), article: "demo".into(), text: text.into(), date: None,
//!     attributions: vec![gold.clone()],
//! }];
//! let report = evaluate(&docs, |_text, _date| vec![gold.clone()], &EvalOptions::default());
//! assert_eq!(report.exact.source.f1, 1.0);
//! println!("{}", render_table(&report));
//! ```
#![deny(missing_docs)]

pub mod agreement;
pub mod brat;
mod breakdown;
pub mod cofenet;
mod document;
mod errors;
mod eval_error;
mod evaluate;
pub mod metrics;
mod report;
mod span;
pub mod text;

pub use breakdown::{Breakdowns, LemmaScore};
pub use document::{GoldDocument, PolnearSplit, load_polnear, load_polnear_split};
pub use errors::{ErrorExample, ErrorKind, analyze_errors, render_errors};
pub use eval_error::EvalError;
pub use evaluate::{EvalOptions, default_lemma, evaluate, predict, score_documents};
pub use metrics::Score;
pub use report::{
    AlignmentStats, AttributionScores, Protocol, Report, RoleScores, check_against_baseline,
    render_table,
};
pub use span::{Attribution, CharSpan, Role, normalize_pieces, pieces_text};
