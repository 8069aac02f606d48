//! Reading CofeNet's `valid.txt`: one JSON sentence a line, grouped by document id.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use serde::Deserialize;

use super::bio::Tag;
use crate::eval_error::EvalError;

/// One sentence of the CofeNet file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CofenetSentence {
    /// Penn-Treebank-style tokens (`` `` ``, `''`, `-LRB-`, …).
    pub tokens: Vec<String>,
    /// Gold BIO labels, one per token.
    pub labels: Vec<Tag>,
}

/// The sentences of one id (`<article>_<annotator>`), in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CofenetDocument {
    /// `<article>_<annotator>`, as in PolNeAR's `.ann` file names.
    pub id: String,
    /// The sentences, in file order.
    pub sentences: Vec<CofenetSentence>,
}

#[derive(Deserialize)]
struct Line {
    tokens: Vec<String>,
    labels: Vec<String>,
    id: String,
}

/// Loads a CofeNet file and groups its sentences by id, ids in order of first appearance.
///
/// # Errors
/// Fails when the file cannot be read, a non-empty line is not a JSON object with `tokens`,
/// `labels` and `id`, or a sentence has a different number of labels than tokens.
pub fn load_cofenet(path: &Path) -> Result<Vec<CofenetDocument>, EvalError> {
    let src = fs::read_to_string(path).map_err(|e| EvalError::io(path, e))?;
    let mut documents: Vec<CofenetDocument> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (n, line) in src.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let format = |message: String| EvalError::Format {
            path: path.to_path_buf(),
            line: n + 1,
            message,
        };
        let parsed: Line = serde_json::from_str(line).map_err(|e| format(e.to_string()))?;
        if parsed.tokens.len() != parsed.labels.len() {
            return Err(format(format!(
                "{} tokens but {} labels",
                parsed.tokens.len(),
                parsed.labels.len()
            )));
        }
        let labels = parsed
            .labels
            .iter()
            .map(|l| Tag::parse(l).ok_or_else(|| format(format!("unknown label `{l}`"))))
            .collect::<Result<Vec<_>, _>>()?;
        let i = *index.entry(parsed.id.clone()).or_insert_with(|| {
            documents.push(CofenetDocument {
                id: parsed.id,
                sentences: Vec::new(),
            });
            documents.len() - 1
        });
        documents[i].sentences.push(CofenetSentence {
            tokens: parsed.tokens,
            labels,
        });
    }
    Ok(documents)
}
