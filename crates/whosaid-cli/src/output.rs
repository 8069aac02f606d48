//! Output formats and the ordered sink `extract` writes to.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use whosaid_core::Document;
use whosaid_core::schema::{QUOTE_ROW_COLUMNS, QuoteRow, Record, quote_rows};

use crate::flags::Format;
use crate::render::render_text;

/// One document's output, ready for the sink.
pub enum Chunk {
    /// Bytes to write as they are (text, JSON Lines, CSV rows).
    Bytes(Vec<u8>),
    /// One pretty JSON record (the sink decides between object and array).
    Json(Vec<u8>),
    /// Rows for a columnar writer.
    Rows(Vec<QuoteRow>),
    /// A document for the corpus store.
    Index(Box<whosaid_store::DocumentInput>),
}

/// Serialises one document for `format` (called on worker threads).
pub fn serialise(
    format: Format,
    doc: &Document,
    record: &Record,
    name: &str,
    color: bool,
) -> Chunk {
    match format {
        Format::Text => {
            let mut buf = Vec::new();
            let _ = render_text(&mut buf, doc, name, color);
            Chunk::Bytes(buf)
        }
        Format::Jsonl => {
            let mut buf = serde_json::to_vec(record).unwrap_or_default();
            buf.push(b'\n');
            Chunk::Bytes(buf)
        }
        Format::Json => Chunk::Json(serde_json::to_vec_pretty(record).unwrap_or_default()),
        Format::Csv => {
            let mut w = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::new());
            for row in quote_rows(record) {
                let _ = w.serialize(row);
            }
            Chunk::Bytes(w.into_inner().unwrap_or_default())
        }
        Format::Parquet => Chunk::Rows(quote_rows(record)),
    }
}

/// Where output goes, in input order.
pub struct Sink {
    out: Box<dyn Write + Send>,
    format: Format,
    /// JSON: the first record, held until we know whether more follow.
    first_json: Option<Vec<u8>>,
    json_count: usize,
    columns: Option<crate::columnar::ParquetSink>,
}

impl Sink {
    /// Opens standard output or `path` for `format`.
    ///
    /// # Errors
    /// When the file cannot be created, or Parquet would go to a terminal.
    pub fn open(format: Format, path: Option<&Path>, _color: bool) -> anyhow::Result<Sink> {
        let out: Box<dyn Write + Send> = match path {
            Some(p) => Box::new(BufWriter::with_capacity(
                1 << 16,
                File::create(p).with_context(|| format!("creating {}", p.display()))?,
            )),
            None => {
                if format == Format::Parquet && std::io::IsTerminal::is_terminal(&std::io::stdout())
                {
                    anyhow::bail!("Parquet is binary: write it to a file with -o FILE, or pipe it");
                }
                Box::new(BufWriter::with_capacity(1 << 16, std::io::stdout()))
            }
        };
        let mut sink = Sink {
            out,
            format,
            first_json: None,
            json_count: 0,
            columns: None,
        };
        match format {
            Format::Csv => {
                let mut w = csv::Writer::from_writer(Vec::new());
                w.write_record(QUOTE_ROW_COLUMNS)?;
                sink.out
                    .write_all(&w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?;
            }
            Format::Parquet => sink.columns = Some(crate::columnar::ParquetSink::new()?),
            _ => {}
        }
        Ok(sink)
    }
}

impl crate::extract::Consumer for Sink {
    fn consume(&mut self, chunk: Chunk) -> anyhow::Result<()> {
        match chunk {
            Chunk::Bytes(b) => self.out.write_all(&b)?,
            Chunk::Json(b) => {
                self.json_count += 1;
                match self.json_count {
                    1 => self.first_json = Some(b),
                    2 => {
                        self.out.write_all(b"[\n")?;
                        let first = self.first_json.take().unwrap_or_default();
                        self.out.write_all(&first)?;
                        self.out.write_all(b",\n")?;
                        self.out.write_all(&b)?;
                    }
                    _ => {
                        self.out.write_all(b",\n")?;
                        self.out.write_all(&b)?;
                    }
                }
            }
            Chunk::Rows(rows) => {
                if let Some(c) = self.columns.as_mut() {
                    c.push(rows, &mut self.out)?;
                }
            }
            Chunk::Index(_) => anyhow::bail!("a stored document reached a file sink"),
        }
        Ok(())
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        if self.format == Format::Json {
            match self.json_count {
                0 => self.out.write_all(b"[]\n")?,
                1 => {
                    let first = self.first_json.take().unwrap_or_default();
                    self.out.write_all(&first)?;
                    self.out.write_all(b"\n")?;
                }
                _ => self.out.write_all(b"\n]\n")?,
            }
        }
        if let Some(c) = self.columns.take() {
            c.finish(&mut self.out)?;
        }
        self.out.flush()?;
        Ok(())
    }
}
