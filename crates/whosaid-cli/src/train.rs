//! `whosaid train`: fits the attribution tagger on the PolNeAR train split.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use whosaid_core::lexicon::Lexicon;
use whosaid_core::model::net::train::NetConfig;
use whosaid_core::model::train::{Example, GoldPiece, TrainConfig, gold_labels, train_model};
use whosaid_core::{Options, Span, Tagger};

use crate::flags::TrainArgs;

/// Runs `whosaid train`.
pub fn run(args: &TrainArgs) -> anyhow::Result<ExitCode> {
    let name = args
        .train
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    anyhow::ensure!(
        !matches!(name.as_str(), "dev" | "test"),
        "refusing to train on the {name} split: train on PolNeAR train only"
    );
    let mut net = NetConfig::default();
    if let Some(dims) = &args.dims {
        anyhow::ensure!(
            dims.len() == net.dims.len() && dims.iter().all(|&d| d > 0),
            "--dims takes {} positive widths, one per input column",
            net.dims.len()
        );
        net.dims.copy_from_slice(dims);
    }
    let started = Instant::now();
    let gold = whosaid_eval::load_polnear(&args.train)
        .with_context(|| format!("reading {}", args.train.display()))?;
    let options = Options {
        published: None,
        tagger: Tagger::RulesOnly,
    };
    let examples: Vec<Example> = gold
        .iter()
        .map(|g| {
            let doc = whosaid_core::extract(&g.text, &options);
            let to_byte = char_to_byte(&doc.text);
            let byte = |c: usize| to_byte[c.min(to_byte.len() - 1)];
            let mut pieces: Vec<GoldPiece> = Vec::new();
            for a in &g.attributions {
                for (role, spans) in [(1u8, &a.source), (2, &a.cue), (3, &a.content)] {
                    pieces.extend(
                        spans
                            .iter()
                            .map(|s| (Span::new(byte(s.start), byte(s.end)), role)),
                    );
                }
            }
            let gold = gold_labels(&doc, &pieces);
            Example { doc, gold }
        })
        .collect();
    let tokens: usize = examples.iter().map(|e| e.gold.len()).sum();
    eprintln!(
        "whosaid: {} documents, {tokens} tokens prepared in {:.1}s",
        examples.len(),
        started.elapsed().as_secs_f64()
    );
    let cfg = TrainConfig {
        folds: args.folds,
        ensemble: args.ensemble,
        net: NetConfig {
            hidden: args.hidden,
            epochs: args.epochs,
            lr: args.lr,
            dropout: args.dropout,
            word_dropout: args.word_dropout,
            average_from: if args.average_from == 0 {
                usize::MAX
            } else {
                args.average_from
            },
            seed: args.seed,
            threads: args.threads.max(1),
            ..net
        },
    };
    let log = |m: String| eprintln!("whosaid: {m} ({:.1}s)", started.elapsed().as_secs_f64());
    let model = train_model(&examples, Lexicon::get(), &cfg, &log);
    std::fs::write(&args.out, model.to_bytes())
        .with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!(
        "whosaid: wrote {} in {:.1}s",
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// Byte offset of every code point index (and one past the end).
fn char_to_byte(text: &str) -> Vec<usize> {
    let mut v: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    v.push(text.len());
    v
}
