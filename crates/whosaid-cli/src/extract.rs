//! `whosaid extract`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use whosaid_core::{Options, extract, schema};

use crate::flags::{ExtractArgs, Format};
use crate::input::load;
use crate::render::render_text;

/// Runs `whosaid extract`.
pub fn run(args: &ExtractArgs) -> anyhow::Result<ExitCode> {
    let inputs: Vec<PathBuf> = if args.inputs.is_empty() { vec![PathBuf::from("-")] } else { args.inputs.clone() };
    let options = Options { published: args.date, tagger: tagger_choice(args.rules_only, args.model.as_deref())? };
    let stdout = std::io::stdout();
    let mut out = anstream::AutoStream::auto(stdout.lock());
    let mut failed = false;
    let mut records = Vec::new();
    for path in &inputs {
        let loaded = match load(path) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("whosaid: {e:#}");
                failed = true;
                continue;
            }
        };
        for w in &loaded.warnings {
            eprintln!("whosaid: warning: {w}");
        }
        let doc = extract(&loaded.text, &options);
        let id = doc_id(&loaded.name);
        match args.format {
            Format::Text => render_text(&mut out, &doc, &loaded.name)?,
            Format::Jsonl => {
                let rec = schema::to_record(&doc, Some(&id), None);
                serde_json::to_writer(&mut out, &rec)?;
                writeln!(out)?;
            }
            Format::Json => records.push(schema::to_record(&doc, Some(&id), None)),
        }
    }
    if args.format == Format::Json {
        if records.len() == 1 && inputs.len() == 1 {
            serde_json::to_writer_pretty(&mut out, &records[0])?;
        } else {
            serde_json::to_writer_pretty(&mut out, &records)?;
        }
        writeln!(out)?;
    }
    out.flush()?;
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// The document id of an input: its file stem ("kabul-nato-report"), or "stdin".
pub fn doc_id(name: &str) -> String {
    if name == "-" {
        return "stdin".to_string();
    }
    std::path::Path::new(name).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| name.to_string())
}

/// The tagger chosen on the command line: rules only, weights from a file, or the builtin.
pub fn tagger_choice(rules_only: bool, model: Option<&std::path::Path>) -> anyhow::Result<whosaid_core::Tagger> {
    use anyhow::Context;
    Ok(match (rules_only, model) {
        (true, _) => whosaid_core::Tagger::RulesOnly,
        (false, Some(path)) => {
            let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            let m = whosaid_core::model::Model::from_bytes(&bytes).with_context(|| path.display().to_string())?;
            whosaid_core::Tagger::Custom(std::sync::Arc::new(m))
        }
        (false, None) => whosaid_core::Tagger::Builtin,
    })
}
