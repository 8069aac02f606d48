//! `whosaid extract`: a streaming, parallel batch pipeline.
//!
//! One reader thread pulls documents from `whosaid-ingest` into a bounded channel; worker
//! threads extract and serialise them; the calling thread writes results in input order,
//! holding at most a bounded window of finished documents while an earlier one is still
//! being worked on. Memory therefore stays bounded however large the input is.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use crossbeam_channel::bounded;
use whosaid_core::{Options, Tagger, extract, schema};
use whosaid_ingest::{InputFormat, InputSpec, RawDocument, ReadOptions, read_inputs};

use crate::flags::{ExtractArgs, Format, InputArgs, InputKind};
use crate::output::{Chunk, Sink, serialise};
use crate::progress::Progress;

/// Finished documents the writer may hold while waiting for an earlier one, per thread.
const REORDER_WINDOW_PER_THREAD: usize = 16;

/// How every document of a run is processed.
pub struct Settings {
    /// Publication date of documents that carry none.
    pub default_date: Option<jiff::civil::Date>,
    /// The tagger.
    pub tagger: Tagger,
    /// What the workers produce.
    pub produce: Produce,
    /// Whether text output is coloured.
    pub color: bool,
}

/// What a worker hands to the writer for one input item.
pub enum Outcome {
    /// A document, extracted and serialised.
    Done {
        chunk: Chunk,
        quotes: usize,
        bytes: usize,
        warnings: Vec<String>,
    },
    /// An input that could not be read.
    Failed(String),
}

/// Runs `whosaid extract`.
pub fn run(args: &ExtractArgs) -> anyhow::Result<ExitCode> {
    let color = args.output.is_none() && std::io::stdout().is_terminal();
    let mut sink = Sink::open(args.format, args.output.as_deref(), color)?;
    let errors = run_pipeline(&args.input, Produce::Format(args.format), color, &mut sink)?;
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// What the workers produce for each document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Produce {
    /// Output in a format of `extract`.
    Format(Format),
    /// A document for the corpus store.
    Index,
}

/// Where finished documents go, in input order.
pub trait Consumer {
    /// Takes one document's output.
    ///
    /// # Errors
    /// Output errors; they stop the run.
    fn consume(&mut self, chunk: Chunk) -> anyhow::Result<()>;
    /// Called once after the last document.
    ///
    /// # Errors
    /// Output errors.
    fn finish(&mut self) -> anyhow::Result<()>;
}

/// Reads `input`, extracts on all threads and hands results to `consumer` in input order,
/// with a progress bar and a summary on a terminal. Returns the number of inputs that
/// failed.
///
/// # Errors
/// A bad model file or an output error.
pub fn run_pipeline(
    input: &InputArgs,
    produce: Produce,
    color: bool,
    consumer: &mut dyn Consumer,
) -> anyhow::Result<u64> {
    let tagger = tagger_choice(input.rules_only, input.ensemble, input.model.as_deref())?;
    let inputs: Vec<InputSpec> = if input.inputs.is_empty() {
        vec![InputSpec::Stdin]
    } else {
        input
            .inputs
            .iter()
            .map(|p| {
                if p.as_os_str() == "-" {
                    InputSpec::Stdin
                } else {
                    InputSpec::from(p.as_path())
                }
            })
            .collect()
    };
    let read = read_options(input);
    let threads = input
        .threads
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
        .max(1);
    let interactive = !input.quiet && std::io::stderr().is_terminal();
    let known_total = !input.inputs.is_empty()
        && input
            .inputs
            .iter()
            .all(|p| p.is_file() && !is_multi_document(p));
    let progress = Progress::new(
        interactive,
        known_total.then_some(input.inputs.len() as u64),
    );
    let started = Instant::now();
    let settings = Settings {
        default_date: input.date,
        tagger,
        produce,
        color,
    };
    let (docs, quotes, errors, bytes) =
        pipeline(inputs, &read, threads, &settings, consumer, &progress)?;
    consumer.finish()?;
    progress.finish();
    if interactive {
        let secs = started.elapsed().as_secs_f64().max(1e-9);
        eprintln!(
            "whosaid: {docs} documents, {quotes} quotations, {errors} errors, {:.1} MB in {secs:.2} s ({:.1} MB/s, {:.0} docs/s)",
            bytes as f64 / 1e6,
            bytes as f64 / 1e6 / secs,
            docs as f64 / secs
        );
    }
    Ok(errors)
}

/// Whether a file holds many documents (its count is unknown before reading it).
fn is_multi_document(p: &std::path::Path) -> bool {
    let name = p.to_string_lossy().to_ascii_lowercase();
    [".jsonl", ".ndjson", ".json", ".warc", ".gz"]
        .iter()
        .any(|e| name.ends_with(e))
}

fn read_options(args: &InputArgs) -> ReadOptions {
    let format = match args.input_format {
        InputKind::Auto => InputFormat::Auto,
        InputKind::Text => InputFormat::Text,
        InputKind::Jsonl => InputFormat::Jsonl,
        InputKind::Html => InputFormat::Html,
        InputKind::Warc => InputFormat::Warc,
    };
    ReadOptions {
        format,
        text_field: args.text_field.clone(),
        id_field: Some(args.id_field.clone()),
        date_field: Some(args.date_field.clone()),
        title_field: Some(args.title_field.clone()),
        url_field: Some(args.url_field.clone()),
        glob: args.glob.clone(),
        ..ReadOptions::default()
    }
}

/// Extracts one raw document and serialises it for `format`.
pub fn process(
    raw: RawDocument,
    default_date: Option<jiff::civil::Date>,
    tagger: &Tagger,
    produce: Produce,
    color: bool,
) -> Outcome {
    let published = raw.date.or(default_date);
    let doc = extract(
        &raw.text,
        &Options {
            published,
            tagger: tagger.clone(),
        },
    );
    let id = document_id(&raw);
    let mut record = schema::to_record(&doc, Some(&id), raw.url.as_deref());
    if record.meta.headline.is_none() {
        record.meta.headline = raw.title.clone();
    }
    let quotes = record.quotes.len();
    let bytes = raw.text.len();
    let warnings = raw
        .warnings
        .iter()
        .map(|w| format!("{}: {w}", raw.origin))
        .collect();
    let chunk = match produce {
        Produce::Format(format) => serialise(format, &doc, &record, &display_name(&raw), color),
        Produce::Index => Chunk::Index(Box::new(whosaid_store::DocumentInput {
            id: id.clone(),
            url: raw.url.clone(),
            date: published,
            title: raw.title.clone(),
            text: raw.text,
            record,
        })),
    };
    Outcome::Done {
        chunk,
        quotes,
        bytes,
        warnings,
    }
}

/// The id written for a document: plain-text files are named by their file stem
/// ("kabul-nato-report"), everything else by the id the reader gave it.
fn document_id(raw: &RawDocument) -> String {
    match (&raw.origin.path, raw.origin.line, raw.origin.offset) {
        (Some(p), None, None) if raw.url.is_none() && raw.id == p.to_string_lossy() => p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| raw.id.clone()),
        (None, None, None) if raw.url.is_none() => "stdin".to_string(),
        _ => raw.id.clone(),
    }
}

fn display_name(raw: &RawDocument) -> String {
    match &raw.origin.path {
        Some(p) if raw.origin.line.is_none() && raw.origin.offset.is_none() => {
            p.display().to_string()
        }
        _ => raw.id.clone(),
    }
}

/// Reads, extracts in parallel and writes in order. Returns (documents, quotations,
/// errors, bytes of text).
fn pipeline(
    inputs: Vec<InputSpec>,
    read: &ReadOptions,
    threads: usize,
    settings: &Settings,
    sink: &mut dyn Consumer,
    progress: &Progress,
) -> anyhow::Result<(u64, u64, u64, u64)> {
    let Settings {
        default_date,
        tagger,
        produce,
        color,
    } = settings;
    let (default_date, produce, color) = (*default_date, *produce, *color);
    let (doc_tx, doc_rx) = bounded::<(u64, Result<RawDocument, String>)>(threads * 4);
    let (out_tx, out_rx) = bounded::<(u64, Outcome)>(threads * 4);
    // Tickets bound the documents in flight (queued, in work, or waiting to be written in
    // order): the reader takes one per document, the writer returns it once written.
    let window = threads * REORDER_WINDOW_PER_THREAD;
    let (ticket_tx, ticket_rx) = bounded::<()>(window);
    for _ in 0..window {
        let _ = ticket_tx.send(());
    }
    std::thread::scope(|scope| -> anyhow::Result<(u64, u64, u64, u64)> {
        let reader = scope.spawn({
            let read = read.clone();
            move || {
                for (seq, item) in (0u64..).zip(read_inputs(&inputs, &read)) {
                    if ticket_rx.recv().is_err()
                        || doc_tx.send((seq, item.map_err(|e| e.to_string()))).is_err()
                    {
                        break;
                    }
                }
            }
        });
        for _ in 0..threads {
            let doc_rx = doc_rx.clone();
            let out_tx = out_tx.clone();
            scope.spawn(move || {
                for (seq, item) in doc_rx {
                    let outcome = match item {
                        Ok(raw) => process(raw, default_date, tagger, produce, color),
                        Err(e) => Outcome::Failed(e),
                    };
                    if out_tx.send((seq, outcome)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(doc_rx);
        drop(out_tx);
        let mut pending: BTreeMap<u64, Outcome> = BTreeMap::new();
        let mut next = 0u64;
        let mut counts = (0u64, 0u64, 0u64, 0u64);
        let result = (|| -> anyhow::Result<()> {
            loop {
                while let Some(o) = pending.remove(&next) {
                    emit(o, sink, progress, &mut counts)?;
                    next += 1;
                    let _ = ticket_tx.send(());
                }
                match out_rx.recv() {
                    Ok((seq, o)) => {
                        pending.insert(seq, o);
                    }
                    Err(_) => return Ok(()),
                }
            }
        })();
        // On a write error, close the channels so the other threads stop.
        drop(out_rx);
        drop(ticket_tx);
        let _ = reader.join();
        result?;
        Ok(counts)
    })
}

/// Writes one finished item and counts it: (documents, quotations, errors, bytes).
fn emit(
    o: Outcome,
    sink: &mut dyn Consumer,
    progress: &Progress,
    counts: &mut (u64, u64, u64, u64),
) -> anyhow::Result<()> {
    match o {
        Outcome::Done {
            chunk,
            quotes,
            bytes,
            warnings,
        } => {
            for w in warnings {
                progress.println(&format!("whosaid: warning: {w}"));
            }
            sink.consume(chunk)?;
            counts.0 += 1;
            counts.1 += quotes as u64;
            counts.3 += bytes as u64;
            progress.advance(bytes as u64, quotes as u64);
        }
        Outcome::Failed(e) => {
            counts.2 += 1;
            progress.println(&format!("whosaid: {e}"));
            progress.advance(0, 0);
        }
    }
    Ok(())
}

/// Reads tagger weights written by `whosaid train`.
pub fn read_model(path: &std::path::Path) -> anyhow::Result<whosaid_core::model::Model> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    whosaid_core::model::Model::from_bytes(&bytes).with_context(|| path.display().to_string())
}

/// The tagger chosen on the command line: rules only, weights from a file, every built-in
/// network, or the built-in tagger.
pub fn tagger_choice(
    rules_only: bool,
    ensemble: bool,
    model: Option<&std::path::Path>,
) -> anyhow::Result<Tagger> {
    Ok(match (rules_only, model) {
        (true, _) => Tagger::RulesOnly,
        (false, Some(path)) => Tagger::Custom(std::sync::Arc::new(read_model(path)?)),
        (false, None) if ensemble => Tagger::Ensemble,
        (false, None) => Tagger::Builtin,
    })
}
