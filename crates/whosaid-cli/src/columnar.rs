//! Parquet output: quotation rows through the engine's Arrow conversion, written in row
//! groups so that memory stays bounded however many documents stream through.

use std::io::Write;

use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use whosaid_core::arrow::{quote_rows_schema, quote_rows_to_batch};
use whosaid_core::schema::QuoteRow;

/// Rows buffered before they become one record batch.
const BATCH_ROWS: usize = 8192;
/// Rows per Parquet row group.
const ROW_GROUP_ROWS: usize = 65_536;

/// Accumulates rows into Parquet row groups, written to an in-memory buffer that is drained
/// to the output after every batch (the Parquet writer needs to own its writer).
pub struct ParquetSink {
    writer: ArrowWriter<Vec<u8>>,
    pending: Vec<QuoteRow>,
}

impl ParquetSink {
    /// A new sink writing the quotation-row schema.
    ///
    /// # Errors
    /// When the Parquet writer cannot be set up.
    pub fn new() -> anyhow::Result<ParquetSink> {
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .build();
        let writer = ArrowWriter::try_new(Vec::new(), quote_rows_schema(), Some(props))?;
        Ok(ParquetSink {
            writer,
            pending: Vec::new(),
        })
    }

    /// Adds rows; flushes a record batch when enough are pending.
    ///
    /// # Errors
    /// Arrow, Parquet or I/O errors.
    pub fn push(&mut self, rows: Vec<QuoteRow>, out: &mut dyn Write) -> anyhow::Result<()> {
        self.pending.extend(rows);
        if self.pending.len() >= BATCH_ROWS {
            self.flush(out)?;
        }
        Ok(())
    }

    fn flush(&mut self, out: &mut dyn Write) -> anyhow::Result<()> {
        if !self.pending.is_empty() {
            let batch = quote_rows_to_batch(&self.pending)?;
            self.writer.write(&batch)?;
            self.pending.clear();
        }
        let buf = self.writer.inner_mut();
        out.write_all(buf)?;
        buf.clear();
        Ok(())
    }

    /// Writes what is pending and the footer.
    ///
    /// # Errors
    /// Arrow, Parquet or I/O errors.
    pub fn finish(mut self, out: &mut dyn Write) -> anyhow::Result<()> {
        self.flush(out)?;
        let buf = self.writer.into_inner()?;
        out.write_all(&buf)?;
        Ok(())
    }
}
