//! Keeping the two FTS5 indexes in step with their tables, once per batch.
//!
//! `quotes_fts` and `alias_fts` use `quotes` and `speaker_aliases` as external content.
//! The usual way to keep such an index in step is a trigger per table, but FTS5 flushes
//! its pending changes to disk whenever a statement opens a savepoint, and in a batch
//! almost every statement does (each `INSERT` that fires a trigger, each upsert): with
//! triggers, every quotation became a tiny index segment to be merged later, and indexing
//! ran several times slower. So the batch only records which rows it added and removed,
//! and [`Pending::apply`] writes all index changes at its end, before the commit.

use std::collections::BTreeMap;

use rusqlite::{Connection, params};

/// Index changes a batch owes.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    new_quotes: BTreeMap<i64, (String, String)>,
    gone_quotes: Vec<(i64, String, String)>,
    new_aliases: BTreeMap<i64, String>,
    gone_aliases: Vec<(i64, String)>,
}

impl Pending {
    /// Quotation `id` was inserted with these values to index.
    pub(crate) fn quote_added(&mut self, id: i64, text: &str, speaker_text: &str) {
        self.new_quotes
            .insert(id, (text.to_string(), speaker_text.to_string()));
    }

    /// Quotation `id`, with these indexed values, was deleted.
    pub(crate) fn quote_removed(&mut self, id: i64, text: String, speaker_text: String) {
        if self.new_quotes.remove(&id).is_none() {
            self.gone_quotes.push((id, text, speaker_text));
        }
    }

    /// Alias row `id` was inserted with this text.
    pub(crate) fn alias_added(&mut self, id: i64, alias: &str) {
        self.new_aliases.insert(id, alias.to_string());
    }

    /// Alias row `id`, with this text, was deleted.
    pub(crate) fn alias_removed(&mut self, id: i64, alias: String) {
        if self.new_aliases.remove(&id).is_none() {
            self.gone_aliases.push((id, alias));
        }
    }

    /// Writes the index changes: removals first (a row id may have been reused).
    pub(crate) fn apply(self, conn: &Connection) -> rusqlite::Result<()> {
        for (id, text, speaker_text) in &self.gone_quotes {
            conn.prepare_cached(
                "INSERT INTO quotes_fts (quotes_fts, rowid, text, speaker_text) VALUES ('delete', ?1, ?2, ?3)",
            )?
            .execute(params![id, text, speaker_text])?;
        }
        for (id, alias) in &self.gone_aliases {
            conn.prepare_cached(
                "INSERT INTO alias_fts (alias_fts, rowid, alias) VALUES ('delete', ?1, ?2)",
            )?
            .execute(params![id, alias])?;
        }
        // One single-row statement each: an `INSERT … SELECT` would open a savepoint,
        // and so a flush, per row again.
        for (id, (text, speaker_text)) in &self.new_quotes {
            conn.prepare_cached(
                "INSERT INTO quotes_fts (rowid, text, speaker_text) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![id, text, speaker_text])?;
        }
        for (id, alias) in &self.new_aliases {
            conn.prepare_cached("INSERT INTO alias_fts (rowid, alias) VALUES (?1, ?2)")?
                .execute(params![id, alias])?;
        }
        Ok(())
    }
}
