//! `whosaid train`: fits the attribution tagger on the PolNeAR train split.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use whosaid_core::lexicon::Lexicon;
use whosaid_core::model::features::FeatureContext;
use whosaid_core::model::labels::Label;
use whosaid_core::model::train::{GoldPiece, Trainer, gold_labels};
use whosaid_core::{Options, Span, TokenRange};

use crate::flags::TrainArgs;

/// One training document: its features, paragraphs and gold labels.
struct Example {
    ctx: FeatureContext,
    paragraphs: Vec<TokenRange>,
    gold: Vec<Label>,
}

/// Runs `whosaid train`.
pub fn run(args: &TrainArgs) -> anyhow::Result<ExitCode> {
    let name = args.train.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    anyhow::ensure!(!matches!(name.as_str(), "dev" | "test"), "refusing to train on the {name} split: train on PolNeAR train only");
    let started = Instant::now();
    let docs = whosaid_eval::load_polnear(&args.train).with_context(|| format!("reading {}", args.train.display()))?;
    let lexicon = Lexicon::get();
    let options = Options { published: None, tagger: whosaid_core::Tagger::RulesOnly };
    let examples: Vec<Example> = docs
        .iter()
        .map(|g| {
            let doc = whosaid_core::extract(&g.text, &options);
            let to_byte = char_to_byte(&doc.text);
            let mut pieces: Vec<GoldPiece> = Vec::new();
            for a in &g.attributions {
                for (role, spans) in [(1u8, &a.source), (2, &a.cue), (3, &a.content)] {
                    for s in spans {
                        let (b0, b1) = (to_byte[s.start.min(to_byte.len() - 1)], to_byte[s.end.min(to_byte.len() - 1)]);
                        pieces.push((Span::new(b0, b1), role));
                    }
                }
            }
            let gold = gold_labels(&doc, &pieces);
            Example { ctx: FeatureContext::new(&doc, lexicon), paragraphs: doc.paragraphs.iter().map(|p| p.tokens).collect(), gold }
        })
        .collect();
    let tokens: usize = examples.iter().map(|e| e.gold.len()).sum();
    eprintln!("whosaid: {} documents, {} tokens prepared in {:.1}s", examples.len(), tokens, started.elapsed().as_secs_f64());
    let mut trainer = Trainer::new(args.bits);
    let mut order: Vec<(usize, usize)> = examples.iter().enumerate().flat_map(|(d, e)| (0..e.paragraphs.len()).map(move |p| (d, p))).collect();
    let mut seed = 0x2545F4914F6CDD1Du64;
    for epoch in 1..=args.epochs {
        shuffle(&mut order, &mut seed);
        let mut errors = 0usize;
        for &(d, p) in &order {
            let e = &examples[d];
            let r = e.paragraphs[p];
            errors += trainer.learn(&e.ctx, r, &e.gold[r.range()]);
        }
        eprintln!("whosaid: epoch {epoch}: {:.2}% of tokens mislabelled ({:.1}s)", 100.0 * errors as f64 / tokens.max(1) as f64, started.elapsed().as_secs_f64());
    }
    let model = trainer.finish();
    let (mut rule_ok, mut model_ok, mut total) = (0, 0, 0);
    for e in &examples {
        let rule: Vec<Label> = (0..e.gold.len()).map(|i| e.ctx.rule_label(i)).collect();
        let pred: Vec<Label> = e.paragraphs.iter().flat_map(|r| model.tag(&e.ctx, *r)).collect();
        rule_ok += label_agreement(&e.gold, &rule).0;
        model_ok += label_agreement(&e.gold, &pred).0;
        total += e.gold.len();
    }
    eprintln!(
        "whosaid: train token accuracy: rules {:.2}%, tagger {:.2}%",
        100.0 * rule_ok as f64 / total as f64,
        100.0 * model_ok as f64 / total as f64
    );
    std::fs::write(&args.out, model.to_bytes()).with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!("whosaid: wrote {} in {:.1}s", args.out.display(), started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

/// Byte offset of every code point index (and one past the end).
fn char_to_byte(text: &str) -> Vec<usize> {
    let mut v: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    v.push(text.len());
    v
}

/// Deterministic Fisher–Yates shuffle (xorshift), so training is reproducible.
fn shuffle<T>(v: &mut [T], state: &mut u64) {
    for i in (1..v.len()).rev() {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        let j = (*state % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
}

/// Token accuracy of a labelling against gold, by label (diagnostics).
pub fn label_agreement(gold: &[Label], pred: &[Label]) -> (usize, usize) {
    let same = gold.iter().zip(pred).filter(|(g, p)| g == p).count();
    (same, gold.len())
}
