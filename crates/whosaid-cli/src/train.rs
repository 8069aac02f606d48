//! `whosaid train`: fits the attribution tagger on the PolNeAR train split.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use whosaid_core::lexicon::Lexicon;
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
    let started = Instant::now();
    let gold = whosaid_eval::load_polnear(&args.train)
        .with_context(|| format!("reading {}", args.train.display()))?;
    let options = Options {
        published: None,
        tagger: Tagger::RulesOnly,
    };
    let silver = args
        .silver
        .as_deref()
        .map(crate::silver::load)
        .transpose()?;
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
            let labels = gold_labels(&doc, &pieces);
            let parse = silver
                .as_ref()
                .and_then(|s| s.get(&g.article))
                .map(|t| crate::silver::map(&doc, t));
            Example {
                doc,
                gold: labels,
                parse,
            }
        })
        .collect();
    let tokens: usize = examples.iter().map(|e| e.gold.len()).sum();
    eprintln!(
        "whosaid: {} documents, {tokens} tokens prepared in {:.1}s",
        examples.len(),
        started.elapsed().as_secs_f64()
    );
    let cfg = TrainConfig {
        bits: args.bits,
        epochs: args.epochs,
        folds: args.folds,
        stacked: !args.single_layer,
        ensemble: args.ensemble,
    };
    let log = |m: String| eprintln!("whosaid: {m} ({:.1}s)", started.elapsed().as_secs_f64());
    let model = train_model(&examples, Lexicon::get(), &cfg, &log);
    if let Some(dev_parses) = &args.silver_dev {
        score_dev_with_silver(&model, dev_parses, &args.train)?;
    }
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

/// Scores a model trained with silver parses on the dev split (CofeNet protocol).
fn score_dev_with_silver(
    model: &whosaid_core::model::Model,
    dev_parses: &std::path::Path,
    train: &std::path::Path,
) -> anyhow::Result<()> {
    use std::collections::HashMap;
    let data = train
        .parent()
        .and_then(|p| p.parent())
        .context("train split path")?;
    let dev = data.join("polnear/dev");
    let dev = if dev.exists() {
        dev
    } else {
        train.with_file_name("dev")
    };
    let valid = train
        .parent()
        .and_then(|p| p.parent())
        .map(|p| p.join("cofenet-polnear/valid.txt"))
        .context("cofenet")?;
    let parses = crate::silver::load(dev_parses)?;
    let corpus = whosaid_eval::cofenet::CofenetCorpus::load(&valid, &dev)?;
    let by_text: HashMap<&str, &str> = corpus
        .articles
        .iter()
        .map(|a| (a.text.as_str(), a.name.as_str()))
        .collect();
    let shared = std::sync::Arc::new(model.clone());
    let extract = |text: &str, _date: Option<&str>| {
        let name = by_text.get(text).copied().unwrap_or("");
        let silver = parses.get(name);
        let options = Options {
            published: None,
            tagger: Tagger::Custom(shared.clone()),
        };
        let hook = |doc: &whosaid_core::Document,
                    ctx: &mut whosaid_core::model::features::FeatureContext| {
            if let Some(t) = silver {
                let (h, r) = crate::silver::map(doc, t);
                ctx.set_parse(&h, &r);
            }
        };
        let doc = whosaid_core::extract_with_hook(text, &options, &hook);
        crate::eval::to_eval(&doc, 0.0)
    };
    let report = whosaid_eval::cofenet::evaluate_cofenet(
        &corpus,
        extract,
        &whosaid_eval::EvalOptions::default(),
    );
    eprintln!("{}", whosaid_eval::render_table(&report));
    Ok(())
}
