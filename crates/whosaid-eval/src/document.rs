//! Gold documents: PolNeAR articles with the attributions of one annotator.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::brat::{AnnStats, parse_ann};
use crate::eval_error::EvalError;
use crate::span::Attribution;

/// One annotated document: an article text with the attributions of one annotator.
///
/// Articles annotated by several annotators yield one `GoldDocument` per `.ann` file, all
/// sharing the same `article` and `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldDocument {
    /// `<article>_<annotator>`, the `.ann` file stem (also the CofeNet `id`).
    pub name: String,
    /// The article name (the text file stem).
    pub article: String,
    /// The article text.
    pub text: String,
    /// Publication date (`YYYY-MM-DD`) from `metadata.tsv`, when known.
    pub date: Option<String>,
    /// The relations, in event order. Pieces are sorted; offsets are code points into `text`.
    pub attributions: Vec<Attribution>,
}

/// A loaded split with what the BRAT reader skipped.
#[derive(Debug, Clone, Default)]
pub struct PolnearSplit {
    /// The documents, sorted by name.
    pub documents: Vec<GoldDocument>,
    /// BRAT reading statistics summed over all `.ann` files.
    pub stats: AnnStats,
    /// Pieces whose offsets lie beyond the end of their article text.
    pub out_of_range_pieces: usize,
}

/// Loads one PolNeAR split directory (e.g. `.../polnear/dev`).
///
/// Reads `attributions/*.ann`, the matching `text/<article>.txt` and, when present,
/// `../metadata.tsv` for publication dates. Documents are sorted by name.
///
/// # Errors
/// Fails when a directory or file cannot be read, when a `.ann` file has no matching text, or
/// when `metadata.tsv` exists but has no `filename` / `publication_date` header.
pub fn load_polnear(dir: &Path) -> Result<Vec<GoldDocument>, EvalError> {
    load_polnear_split(dir).map(|split| split.documents)
}

/// Like [`load_polnear`], also returning the reader statistics.
///
/// # Errors
/// As [`load_polnear`].
pub fn load_polnear_split(dir: &Path) -> Result<PolnearSplit, EvalError> {
    let dates = match dir.parent().map(|p| p.join("metadata.tsv")) {
        Some(path) if path.is_file() => read_dates(&path)?,
        _ => HashMap::new(),
    };
    let ann_dir = dir.join("attributions");
    let mut ann_paths: Vec<PathBuf> = fs::read_dir(&ann_dir)
        .map_err(|e| EvalError::io(&ann_dir, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ann"))
        .collect();
    ann_paths.sort();

    let mut split = PolnearSplit::default();
    let mut texts: HashMap<String, String> = HashMap::new();
    for path in ann_paths {
        let name = file_stem(&path);
        let article = name
            .rsplit_once('_')
            .map_or(name.as_str(), |(a, _)| a)
            .to_string();
        if !texts.contains_key(&article) {
            let text_path = dir.join("text").join(format!("{article}.txt"));
            let text = fs::read_to_string(&text_path).map_err(|e| EvalError::io(&text_path, e))?;
            texts.insert(article.clone(), text);
        }
        let text = texts.get(&article).cloned().unwrap_or_default();
        let src = fs::read_to_string(&path).map_err(|e| EvalError::io(&path, e))?;
        let parsed = parse_ann(&src);
        add_stats(&mut split.stats, &parsed.stats);
        let length = text.chars().count();
        split.out_of_range_pieces += parsed
            .attributions
            .iter()
            .flat_map(|a| a.source.iter().chain(&a.cue).chain(&a.content))
            .filter(|p| p.end > length)
            .count();
        split.documents.push(GoldDocument {
            date: dates.get(&article).cloned(),
            name,
            article,
            text,
            attributions: parsed.attributions,
        });
    }
    Ok(split)
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn add_stats(total: &mut AnnStats, one: &AnnStats) {
    total.text_bounds += one.text_bounds;
    total.events += one.events;
    total.continuation_lines += one.continuation_lines;
    total.ignored_lines += one.ignored_lines;
    total.malformed_lines += one.malformed_lines;
    total.dangling_references += one.dangling_references;
}

/// Reads `filename -> publication_date` from PolNeAR's `metadata.tsv`.
fn read_dates(path: &Path) -> Result<HashMap<String, String>, EvalError> {
    let src = fs::read_to_string(path).map_err(|e| EvalError::io(path, e))?;
    let mut lines = src.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| EvalError::Format {
                path: path.to_path_buf(),
                line: 1,
                message: format!("no `{name}` column"),
            })
    };
    let (file_col, date_col) = (column("filename")?, column("publication_date")?);
    Ok(lines
        .filter_map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            let file = fields.get(file_col)?.trim();
            let date = fields.get(date_col)?.trim();
            (!file.is_empty() && !date.is_empty() && date != "None")
                .then(|| (file.to_string(), date.to_string()))
        })
        .collect())
}
