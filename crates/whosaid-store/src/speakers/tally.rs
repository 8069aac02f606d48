//! Speaker statistics tallied in memory during a batch and written once per speaker at
//! its end: a speaker quoted in most documents of a batch costs one update per batch,
//! not one per quotation, alias and title.

use std::collections::BTreeMap;

use rusqlite::{Connection, params};
use whosaid_core::QuoteKind;

use crate::textindex::Pending;

/// Changes to speaker records that a batch owes.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// Quotations in all, direct, indirect, mixed.
    counts: BTreeMap<i64, [i64; 4]>,
    /// Earliest and latest document date seen.
    dates: BTreeMap<i64, (String, String)>,
    aliases: BTreeMap<(i64, String), i64>,
    titles: BTreeMap<(i64, String), i64>,
}

impl Tally {
    /// `delta` quotations of `kind` by `speaker`.
    pub(crate) fn quote(&mut self, speaker: i64, kind: QuoteKind, delta: i64) {
        let c = self.counts.entry(speaker).or_default();
        c[0] += delta;
        c[match kind {
            QuoteKind::Direct => 1,
            QuoteKind::Indirect => 2,
            QuoteKind::Mixed => 3,
        }] += delta;
    }

    /// Adds stored counters (all, direct, indirect, mixed) to `speaker`'s.
    pub(crate) fn counts(&mut self, speaker: i64, counts: [i64; 4]) {
        let c = self.counts.entry(speaker).or_default();
        for (a, b) in c.iter_mut().zip(counts) {
            *a += b;
        }
    }

    /// `speaker` is mentioned in a document of this date.
    pub(crate) fn date(&mut self, speaker: i64, date: &str) {
        let (first, last) = self
            .dates
            .entry(speaker)
            .or_insert_with(|| (date.to_string(), date.to_string()));
        if date < first.as_str() {
            *first = date.to_string();
        }
        if date > last.as_str() {
            *last = date.to_string();
        }
    }

    /// `delta` more document entities carry this alias of `speaker`.
    pub(crate) fn alias(&mut self, speaker: i64, alias: String, delta: i64) {
        *self.aliases.entry((speaker, alias)).or_default() += delta;
    }

    /// `delta` more document entities carry this title of `speaker`.
    pub(crate) fn title(&mut self, speaker: i64, title: String, delta: i64) {
        *self.titles.entry((speaker, title)).or_default() += delta;
    }

    /// Writes everything tallied so far and starts afresh. Aliases and titles whose count
    /// drops to zero are deleted; alias rows added or deleted are reported to `text`.
    pub(crate) fn apply(&mut self, conn: &Connection, text: &mut Pending) -> rusqlite::Result<()> {
        for (id, c) in std::mem::take(&mut self.counts) {
            conn.prepare_cached(
                "UPDATE speakers SET n_quotes = n_quotes + ?2, n_direct = n_direct + ?3, \
                 n_indirect = n_indirect + ?4, n_mixed = n_mixed + ?5 WHERE id = ?1",
            )?
            .execute(params![id, c[0], c[1], c[2], c[3]])?;
        }
        for (id, (first, last)) in std::mem::take(&mut self.dates) {
            conn.prepare_cached(
                "UPDATE speakers SET first_date = coalesce(min(first_date, ?2), ?2), \
                 last_date = coalesce(max(last_date, ?3), ?3) WHERE id = ?1",
            )?
            .execute(params![id, first, last])?;
        }
        for ((id, alias), delta) in std::mem::take(&mut self.aliases) {
            if delta > 0 {
                let (row, n): (i64, i64) = conn
                    .prepare_cached(
                        "INSERT INTO speaker_aliases (speaker, alias, n) VALUES (?1, ?2, ?3) \
                         ON CONFLICT (speaker, alias) DO UPDATE SET n = n + excluded.n RETURNING id, n",
                    )?
                    .query_row(params![id, alias, delta], |r| Ok((r.get(0)?, r.get(1)?)))?;
                if n == delta {
                    text.alias_added(row, &alias);
                }
            } else if delta < 0 {
                conn.prepare_cached(
                    "UPDATE speaker_aliases SET n = n + ?3 WHERE speaker = ?1 AND alias = ?2",
                )?
                .execute(params![id, alias, delta])?;
                let sql = "DELETE FROM speaker_aliases WHERE speaker = ?1 AND alias = ?2 AND n <= 0 RETURNING id, alias";
                delete_aliases(conn, sql, params![id, alias], text)?;
            }
        }
        for ((id, title), delta) in std::mem::take(&mut self.titles) {
            if delta != 0 {
                conn.prepare_cached(
                    "INSERT INTO speaker_titles (speaker, title, n) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (speaker, title) DO UPDATE SET n = n + excluded.n",
                )?
                .execute(params![id, title, delta])?;
                conn.prepare_cached(
                    "DELETE FROM speaker_titles WHERE speaker = ?1 AND title = ?2 AND n <= 0",
                )?
                .execute(params![id, title])?;
            }
        }
        Ok(())
    }
}

/// Runs a `DELETE … RETURNING id, alias` on the aliases and reports the removals.
pub(crate) fn delete_aliases(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    text: &mut Pending,
) -> rusqlite::Result<()> {
    let gone: Vec<(i64, String)> = conn
        .prepare_cached(sql)?
        .query_map(params, |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (row, alias) in gone {
        text.alias_removed(row, alias);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallies_add_up() {
        let mut t = Tally::default();
        t.quote(1, QuoteKind::Direct, 1);
        t.quote(1, QuoteKind::Mixed, 1);
        t.quote(1, QuoteKind::Direct, -1);
        assert_eq!(t.counts[&1], [1, 0, 0, 1]);
        for d in ["2020-05-01", "2019-01-01", "2021-12-31"] {
            t.date(7, d);
        }
        assert_eq!(
            t.dates[&7],
            ("2019-01-01".to_string(), "2021-12-31".to_string())
        );
        t.alias(1, "A".into(), 1);
        t.alias(1, "A".into(), -1);
        assert_eq!(t.aliases[&(1, "A".to_string())], 0);
    }
}
