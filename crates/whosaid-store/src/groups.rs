//! Quote groups: the same quotation of the same speaker reported by several documents.
//!
//! A quotation joins an existing group when a quotation of the same speaker already in
//! the store has the same folded text (for texts of at least [`EXACT_MIN_WORDS`] words),
//! or, for texts of at least [`NEAR_MIN_WORDS`] words, a Jaccard similarity of at least
//! 0.8 over word 3-shingles; otherwise it starts a group of its own, so every quotation
//! has a group. Near duplicates are found without comparing against all of a speaker's
//! quotations: each quotation indexes the few smallest hashes of its shingle set (prefix
//! filtering), and two sets that similar always share one of those. (Lookups of shingles
//! that a speaker uses all the time are capped, see [`near`].)
//!
//! A new group of one is written with its statistics; a group that gains or loses
//! quotations has its statistics (earliest date, number of documents and quotations)
//! recomputed at the end of the batch, and is deleted when left empty by a replaced
//! document, so groups stay consistent across re-indexing.

use std::collections::{BTreeSet, HashMap};

use rusqlite::{Connection, params};

use crate::index::Touched;
use crate::normalize::{fnv64, fold, jaccard_at_least_080, overlap, prefix_len, shingles, words};

/// Quotations shorter than this (in words) are never grouped.
pub const EXACT_MIN_WORDS: usize = 2;
/// Quotations shorter than this are grouped only when their folded texts are equal.
pub const NEAR_MIN_WORDS: usize = 8;

/// At most this many candidates are compared in full.
const VERIFIED: usize = 16;

/// Where a quotation goes: its group, and the shingle hashes to index for it.
#[derive(Debug)]
pub(crate) struct Placement {
    /// The group, found or new.
    pub group: i64,
    /// The prefix of the quotation's shingle set, to index with [`remember`] once the
    /// quotation has an id.
    prefix: Vec<i64>,
}

/// Chooses the group of a quotation by `speaker` with folded text `folded`, from a
/// document of date `date`. When no equal or near-equal quotation exists, a group of one
/// is created with its statistics already right (so it needs no refresh unless another
/// quotation joins it). `exclude` is the quotation's own id when it is already stored (0
/// when not).
pub(crate) fn place(
    conn: &Connection,
    speaker: Option<i64>,
    folded: &str,
    exclude: i64,
    date: Option<&str>,
    touched: &mut Touched,
) -> rusqlite::Result<Placement> {
    let mut prefix = Vec::new();
    let mut found = None;
    if let Some(s) = speaker.filter(|_| words(folded).count() >= EXACT_MIN_WORDS) {
        found = exact(conn, exclude, s, folded)?;
        prefix = indexed_prefix(folded);
        if found.is_none() && !prefix.is_empty() {
            found = near(conn, exclude, s, &shingles(folded), &prefix)?;
        }
    }
    let group = match found {
        Some(g) => {
            touched.groups.insert(g);
            g
        }
        None => {
            conn.prepare_cached(
                "INSERT INTO groups (first_date, n_docs, n_quotes) VALUES (?1, 1, 1)",
            )?
            .execute([date])?;
            conn.last_insert_rowid()
        }
    };
    Ok(Placement { group, prefix })
}

/// Indexes quotation `id`'s shingle prefix, so later near-duplicates find it.
pub(crate) fn remember(
    conn: &Connection,
    speaker: Option<i64>,
    placement: &Placement,
    id: i64,
) -> rusqlite::Result<()> {
    let Some(speaker) = speaker else {
        return Ok(());
    };
    for h in &placement.prefix {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO quote_shingles (speaker, shingle, quote) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![speaker, h, id])?;
    }
    Ok(())
}

fn exact(conn: &Connection, id: i64, speaker: i64, folded: &str) -> rusqlite::Result<Option<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT grp, text FROM quotes WHERE speaker_id = ?1 AND norm_hash = ?2 AND id <> ?3 \
         AND grp IS NOT NULL ORDER BY id",
    )?;
    let mut rows = stmt.query(params![speaker, fnv64(folded.as_bytes()), id])?;
    while let Some(r) = rows.next()? {
        let text: String = r.get(1)?;
        if fold(&text) == folded {
            return r.get(0);
        }
    }
    Ok(None)
}

/// Finds the group of the most similar near-duplicate among the quotations that share a
/// prefix shingle. Ubiquitous shingles are capped (the 32 most recent quotations each) and only the [`VERIFIED`] candidates sharing the most prefix shingles are
/// compared in full: a near duplicate shares almost all of its prefix, so it ranks first,
/// and a speaker quoted thousands of times does not make indexing quadratic.
fn near(
    conn: &Connection,
    id: i64,
    speaker: i64,
    own: &[i64],
    prefix: &[i64],
) -> rusqlite::Result<Option<i64>> {
    let mut shared: HashMap<i64, usize> = HashMap::new();
    for h in prefix {
        let mut stmt = conn.prepare_cached(
            // A literal limit: a bound one makes SQLite re-prepare the statement at each use.
            "SELECT quote FROM quote_shingles WHERE speaker = ?1 AND shingle = ?2 ORDER BY quote DESC LIMIT 32",
        )?;
        for quote in stmt.query_map(params![speaker, h], |r| r.get::<_, i64>(0))? {
            *shared.entry(quote?).or_default() += 1;
        }
    }
    shared.remove(&id);
    let mut ranked: Vec<(usize, i64)> = shared.into_iter().map(|(quote, n)| (n, quote)).collect();
    ranked.sort_unstable_by(|a, b| b.cmp(a));
    let mut best: Option<(f64, i64)> = None;
    for (_, quote) in ranked.into_iter().take(VERIFIED) {
        let row = conn
            .prepare_cached("SELECT grp, text FROM quotes WHERE id = ?1 AND grp IS NOT NULL")?
            .query_map([quote], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })?
            .next()
            .transpose()?;
        let Some((group, text)) = row else { continue };
        let theirs = shingles(&fold(&text));
        if jaccard_at_least_080(own, &theirs) {
            let (common, union) = overlap(own, &theirs);
            let score = common as f64 / union.max(1) as f64;
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, group));
            }
        }
    }
    Ok(best.map(|(_, g)| g))
}

/// The shingle hashes a quotation with folded text `folded` indexes (none for short
/// quotations).
fn indexed_prefix(folded: &str) -> Vec<i64> {
    if words(folded).count() < NEAR_MIN_WORDS {
        return Vec::new();
    }
    let mut own = shingles(folded);
    own.truncate(prefix_len(own.len()));
    own
}

/// Removes quotation `id` (by `speaker`, with text `text`) from the near-duplicate index.
/// Its entries are found again from its text, so the index needs no second key.
pub(crate) fn forget(
    conn: &Connection,
    speaker: Option<i64>,
    text: &str,
    id: i64,
) -> rusqlite::Result<()> {
    let Some(speaker) = speaker else {
        return Ok(());
    };
    for h in indexed_prefix(&fold(text)) {
        conn.prepare_cached(
            "DELETE FROM quote_shingles WHERE speaker = ?1 AND shingle = ?2 AND quote = ?3",
        )?
        .execute(params![speaker, h, id])?;
    }
    Ok(())
}

/// Groups the given quotations anew, now that they belong to `speaker` instead of `was`.
pub(crate) fn regroup(
    conn: &Connection,
    ids: &[i64],
    was: i64,
    speaker: i64,
    touched: &mut Touched,
) -> rusqlite::Result<()> {
    for &id in ids {
        let (old, text, date): (Option<i64>, String, Option<String>) = conn
            .prepare_cached("SELECT grp, text, date FROM quotes WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        touched.groups.extend(old);
        forget(conn, Some(was), &text, id)?;
        conn.prepare_cached("UPDATE quotes SET grp = NULL WHERE id = ?1")?
            .execute([id])?;
        let placement = place(
            conn,
            Some(speaker),
            &fold(&text),
            id,
            date.as_deref(),
            touched,
        )?;
        conn.prepare_cached("UPDATE quotes SET grp = ?2 WHERE id = ?1")?
            .execute(params![id, placement.group])?;
        remember(conn, Some(speaker), &placement, id)?;
    }
    Ok(())
}

/// Recomputes the statistics of the touched groups and deletes the empty ones.
pub(crate) fn refresh(conn: &Connection, touched: &BTreeSet<i64>) -> rusqlite::Result<()> {
    for &g in touched {
        conn.prepare_cached(
            "UPDATE groups SET (n_quotes, n_docs, first_date) = \
             (SELECT count(*), count(DISTINCT doc), min(date) FROM quotes WHERE grp = ?1) WHERE id = ?1",
        )?
        .execute([g])?;
        conn.prepare_cached("DELETE FROM groups WHERE id = ?1 AND n_quotes = 0")?
            .execute([g])?;
    }
    Ok(())
}
