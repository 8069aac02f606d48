//! `whosaid index`, `search`, `speakers` and `show`: the corpus store from the command line.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use whosaid_core::QuoteKind;
use whosaid_store::QuoteQuery;

use crate::extract::{Consumer, Produce, run_pipeline};
use crate::flags::{IndexArgs, KindArg, ListFormatArg, SearchArgs, ShowArgs, SpeakersArgs};
use crate::output::Chunk;
use crate::store_cmd::{self, Indexer, ListFormat};

impl From<ListFormatArg> for ListFormat {
    fn from(f: ListFormatArg) -> ListFormat {
        match f {
            ListFormatArg::Text => ListFormat::Text,
            ListFormatArg::Json => ListFormat::Json,
            ListFormatArg::Csv => ListFormat::Csv,
        }
    }
}

impl From<KindArg> for QuoteKind {
    fn from(k: KindArg) -> QuoteKind {
        match k {
            KindArg::Direct => QuoteKind::Direct,
            KindArg::Indirect => QuoteKind::Indirect,
            KindArg::Mixed => QuoteKind::Mixed,
        }
    }
}

/// Feeds extracted documents to the store in batches.
struct IndexSink {
    indexer: Option<Indexer>,
    db: std::path::PathBuf,
    quiet: bool,
}

impl Consumer for IndexSink {
    fn consume(&mut self, chunk: Chunk) -> anyhow::Result<()> {
        match (chunk, self.indexer.as_mut()) {
            (Chunk::Index(doc), Some(ix)) => ix.add(*doc),
            _ => Ok(()),
        }
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        if let Some(ix) = self.indexer.take() {
            let (run, stats) = ix.finish()?;
            if !self.quiet {
                store_cmd::index_summary(&mut std::io::stderr().lock(), &self.db, run, stats)?;
            }
        }
        Ok(())
    }
}

/// Runs `whosaid index`.
pub fn index(args: &IndexArgs) -> anyhow::Result<ExitCode> {
    let indexer = Indexer::open(&args.db, args.rebuild, args.batch.max(1))?;
    let mut sink = IndexSink {
        indexer: Some(indexer),
        db: args.db.clone(),
        quiet: args.input.quiet,
    };
    let errors = run_pipeline(&args.input, Produce::Index, false, &mut sink)?;
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn color_for(format: ListFormatArg) -> bool {
    format == ListFormatArg::Text && std::io::stdout().is_terminal()
}

/// Runs `whosaid search`.
pub fn search(a: &SearchArgs) -> anyhow::Result<ExitCode> {
    let query = QuoteQuery {
        q: a.query.clone(),
        speaker: a.speaker.clone(),
        mentions: a.mentions.clone(),
        since: a.since,
        until: a.until,
        kind: a.kind.map(Into::into),
        limit: a.limit,
        offset: a.offset,
        ..QuoteQuery::default()
    };
    let mut out = std::io::stdout().lock();
    store_cmd::search(
        &a.db,
        &query,
        a.format.into(),
        &mut out,
        color_for(a.format),
    )?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `whosaid speakers`.
pub fn speakers(a: &SpeakersArgs) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    store_cmd::speakers(&a.db, a.top, a.format.into(), &mut out, color_for(a.format))?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `whosaid show`.
pub fn show(a: &ShowArgs) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    store_cmd::show(&a.db, &a.doc_id, &mut out, std::io::stdout().is_terminal())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
