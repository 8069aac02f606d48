//! `whosaid train`: fits the attribution tagger on the PolNeAR train split.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use whosaid_core::lexicon::Lexicon;
use whosaid_core::model::labels::N_LABELS;
use whosaid_core::model::net::train::NetConfig;
use whosaid_core::model::train::{
    Example, GoldPiece, TrainConfig, gold_labels, teacher, train_model, train_model_distilled,
};
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
    anyhow::ensure!(
        (0.0..=1.0).contains(&args.distill),
        "--distill takes a weight from 0 to 1"
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
            layers: args.layers as usize,
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
            distill: args.distill,
            ..net
        },
    };
    let log = |m: String| eprintln!("whosaid: {m} ({:.1}s)", started.elapsed().as_secs_f64());
    let model = if args.distill > 0.0 {
        let soft = teachers_soft_labels(args, &examples, &cfg, &log)?;
        train_model_distilled(&examples, &soft, Lexicon::get(), &cfg, &log)
    } else {
        train_model(&examples, Lexicon::get(), &cfg, &log)
    };
    std::fs::write(&args.out, model.to_bytes())
        .with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!(
        "whosaid: wrote {} in {:.1}s",
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// Every document's label probabilities from the teacher of its fold, each teacher read
/// from `--teacher-cache` or trained (and written there).
fn teachers_soft_labels(
    args: &TrainArgs,
    examples: &[Example],
    cfg: &TrainConfig,
    log: &dyn Fn(String),
) -> anyhow::Result<Vec<Vec<[f32; N_LABELS]>>> {
    let folds = cfg.folds.max(2);
    let teacher_cfg = TrainConfig {
        ensemble: args.teachers.max(1),
        net: NetConfig {
            layers: args.teacher_layers as usize,
            ..cfg.net.clone()
        },
        ..cfg.clone()
    };
    let mut soft = vec![Vec::new(); examples.len()];
    for fold in 0..folds {
        let cached = args
            .teacher_cache
            .as_ref()
            .map(|dir| dir.join(format!("fold{}.bin", fold + 1)));
        let model = match cached.as_ref().filter(|p| p.exists()) {
            Some(path) => {
                log(format!(
                    "teacher {} of {folds}: {}",
                    fold + 1,
                    path.display()
                ));
                crate::extract::read_model(path)?
            }
            None => {
                log(format!("teacher {} of {folds}: training", fold + 1));
                let model = teacher(examples, fold, folds, Lexicon::get(), &teacher_cfg, log);
                if let Some(path) = &cached {
                    if let Some(dir) = path.parent() {
                        std::fs::create_dir_all(dir)
                            .with_context(|| format!("creating {}", dir.display()))?;
                    }
                    std::fs::write(path, model.to_bytes())
                        .with_context(|| format!("writing {}", path.display()))?;
                }
                model
            }
        };
        for (k, e) in examples.iter().enumerate() {
            if k % folds == fold {
                soft[k] = model.marginals(&e.doc, Lexicon::get());
            }
        }
    }
    Ok(soft)
}

/// Byte offset of every code point index (and one past the end).
fn char_to_byte(text: &str) -> Vec<usize> {
    let mut v: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    v.push(text.len());
    v
}
