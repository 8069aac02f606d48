//! Parquet output (to come: written through the engine's Arrow conversion).

use std::io::Write;

use whosaid_core::schema::QuoteRow;

/// Accumulates rows into Parquet row groups.
pub struct ParquetSink {}

impl ParquetSink {
    /// A new sink.
    ///
    /// # Errors
    /// Never yet.
    pub fn new() -> anyhow::Result<ParquetSink> {
        anyhow::bail!("Parquet output is not built into this binary yet")
    }

    /// Adds rows.
    ///
    /// # Errors
    /// Never yet.
    pub fn push(&mut self, _rows: Vec<QuoteRow>, _out: &mut dyn Write) -> anyhow::Result<()> {
        Ok(())
    }

    /// Writes the footer.
    ///
    /// # Errors
    /// Never yet.
    pub fn finish(self, _out: &mut dyn Write) -> anyhow::Result<()> {
        Ok(())
    }
}
