//! `whosaid eval`: runs the engine over an annotated corpus and scores it.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use whosaid_core::schema::CodePoints;
use whosaid_core::{Document, Options, Span};
use whosaid_eval::{Attribution, CharSpan, EvalOptions, cofenet, render_errors, render_table};

use crate::flags::EvalArgs;

/// Runs `whosaid eval`.
pub fn run(args: &EvalArgs) -> anyhow::Result<ExitCode> {
    let docs = whosaid_eval::load_polnear(&args.dir)?;
    let min_conf = args.min_confidence;
    let tagger =
        crate::extract::tagger_choice(args.rules_only, args.ensemble, args.model.as_deref())?;
    let extract = |text: &str, date: Option<&str>| -> Vec<Attribution> {
        let published = date.and_then(|d| d.get(..10)).and_then(|d| d.parse().ok());
        let doc = whosaid_core::extract(
            text,
            &Options {
                published,
                tagger: tagger.clone(),
            },
        );
        to_eval(&doc, min_conf)
    };
    let lemma = |cue: &str| cue_lemma(cue);
    let opts = EvalOptions {
        lemma: &lemma,
        ..EvalOptions::default()
    };
    if args.agreement {
        return agreement(args, &docs, extract, &opts);
    }
    let report = match &args.cofenet {
        Some(file) => {
            let corpus = cofenet::CofenetCorpus::load(file, &args.dir)?;
            if args.diff {
                print_cofenet_diff(&corpus, &extract, &mut std::io::stdout().lock())?;
            }
            cofenet::evaluate_cofenet(&corpus, extract, &opts)
        }
        None => whosaid_eval::evaluate(&docs, extract, &opts),
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", report.to_json())?;
    } else {
        writeln!(out, "{}", render_table(&report))?;
    }
    if let Some(n) = args.errors {
        let predictions = whosaid_eval::predict(&docs, extract);
        let kinds = whosaid_eval::analyze_errors(&docs, &predictions, n);
        writeln!(out, "{}", render_errors(&kinds))?;
    }
    if let Some(path) = &args.write_baseline {
        let mut v: serde_json::Value = serde_json::from_str(&report.to_json())?;
        if let Some(b) = v.get_mut("breakdowns").and_then(|b| b.as_object_mut()) {
            b.remove("cue_lemmas");
        }
        if let Some(o) = v.as_object_mut() {
            o.remove("alignment");
        }
        std::fs::write(path, serde_json::to_string_pretty(&v)? + "\n")
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("whosaid: wrote the baseline {}", path.display());
    }
    if let Some(path) = &args.baseline {
        let baseline =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        if let Err(drops) = whosaid_eval::check_against_baseline(&report, &baseline, args.tolerance)
        {
            for d in drops {
                eprintln!("whosaid: accuracy regression: {d}");
            }
            return Ok(ExitCode::from(1));
        }
        eprintln!(
            "whosaid: no F1 dropped more than {} points below {}",
            args.tolerance,
            path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `whosaid eval --agreement`: annotators against each other, then whosaid against the same
/// annotators, on the articles that several people annotated.
fn agreement(
    args: &EvalArgs,
    docs: &[whosaid_eval::GoldDocument],
    extract: impl Fn(&str, Option<&str>) -> Vec<Attribution> + Sync,
    opts: &EvalOptions,
) -> anyhow::Result<ExitCode> {
    use whosaid_eval::agreement;
    let (humans, system) = match &args.cofenet {
        Some(file) => {
            let corpus = cofenet::CofenetCorpus::load(file, &args.dir)?;
            let humans = agreement::agreement_cofenet(&corpus, docs)?;
            let multi = agreement::multi_annotated_cofenet(&corpus);
            (humans, cofenet::evaluate_cofenet(&multi, extract, opts))
        }
        None => {
            let multi = agreement::multi_annotated(docs);
            let humans = agreement::agreement_documents(docs);
            (humans, whosaid_eval::evaluate(&multi, extract, opts))
        }
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        let v = serde_json::json!({ "annotators": humans, "whosaid": system });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        writeln!(
            out,
            "annotators against each other ({} ordered pairs of annotators of one article):\n{}",
            humans.documents,
            render_table(&humans)
        )?;
        writeln!(
            out,
            "whosaid against the same annotators ({} documents):\n{}",
            system.documents,
            render_table(&system)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The document's attributions as code-point spans for the scorers.
pub fn to_eval(doc: &Document, min_confidence: f32) -> Vec<Attribution> {
    let spans = doc
        .attributions
        .iter()
        .flat_map(|a| a.content.iter().copied().chain(a.cue).chain(a.speaker));
    let cp = CodePoints::new(&doc.text, spans.flat_map(|s| [s.start, s.end]));
    let conv = |s: Span| {
        let [a, b] = cp.span(s);
        CharSpan::new(a, b)
    };
    doc.attributions
        .iter()
        .filter(|a| a.confidence >= min_confidence)
        .map(|a| Attribution {
            source: a.speaker.map(conv).into_iter().collect(),
            cue: a.cue.map(conv).into_iter().collect(),
            content: a.content.iter().map(|&s| conv(s)).collect(),
        })
        .collect()
}

/// The lemma of a cue as the engine's lexicon knows it, else its lowercase text.
fn cue_lemma(cue: &str) -> String {
    let lex = whosaid_core::lexicon::Lexicon::get();
    let lower = cue.to_lowercase();
    let first = lower.split_whitespace().last().unwrap_or("");
    match lex.cue_forms(first).first() {
        Some(f) => lex.cue_entries[f.entry as usize].lemma.clone(),
        None => lower,
    }
}

/// Prints each CofeNet sentence whose predicted spans differ from gold.
fn print_cofenet_diff(
    corpus: &cofenet::CofenetCorpus,
    extract: &(dyn Fn(&str, Option<&str>) -> Vec<Attribution> + Sync),
    out: &mut impl Write,
) -> std::io::Result<()> {
    use whosaid_eval::cofenet::bio::{Tag, decode};
    let predictions: Vec<Vec<Attribution>> = corpus
        .articles
        .iter()
        .map(|a| extract(&a.text, a.date.as_deref()))
        .collect();
    let show = |tokens: &[String], tags: &[Tag]| -> String {
        let spans = decode(tags);
        let mut marks: Vec<(usize, &str)> = Vec::new();
        for (r, name) in spans.iter().zip(["SRC", "CUE", "CON"]) {
            for &(s, e) in r {
                marks.push((s, name));
                marks.push((e, "]"));
            }
        }
        let mut out = String::new();
        for (i, t) in tokens.iter().enumerate() {
            for (at, m) in marks.iter().filter(|(at, m)| *at == i && *m == "]") {
                let _ = at;
                out.push_str(m);
            }
            out.push(' ');
            for (_, m) in marks.iter().filter(|(at, m)| *at == i && *m != "]") {
                out.push('[');
                out.push_str(m);
                out.push(' ');
            }
            out.push_str(t);
        }
        if marks.iter().any(|(at, m)| *at == tokens.len() && *m == "]") {
            out.push(']');
        }
        out
    };
    for d in &corpus.documents {
        let pred = cofenet::project_document(d, &predictions[d.article]);
        for (s, p) in d.sentences.iter().zip(&pred) {
            if decode(&s.gold) != decode(p) {
                writeln!(
                    out,
                    "{}\n  gold:{}\n  pred:{}",
                    d.id,
                    show(&s.tokens, &s.gold),
                    show(&s.tokens, p)
                )?;
            }
        }
    }
    Ok(())
}
