//! The document a reader yields and where it came from.

use std::fmt;
use std::path::{Path, PathBuf};

/// One article read from an input, ready for the extraction engine.
///
/// Readers never rewrite the text beyond decoding it (a UTF-8 BOM is stripped, CRLF stays),
/// so offsets computed on [`RawDocument::text`] are offsets into exactly this string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawDocument {
    /// A stable identifier: the file path for text and HTML files, the JSON Lines id field
    /// (else the URL, else `path:line`), the `WARC-Target-URI` of a WARC record.
    pub id: String,
    /// The article body. For HTML and WARC inputs paragraphs are separated by a blank line
    /// (`"\n\n"`); text and JSON Lines inputs are passed through as they are.
    pub text: String,
    /// The article's URL, if the input says.
    pub url: Option<String>,
    /// The publication date (calendar date as written in the source), if known.
    pub date: Option<jiff::civil::Date>,
    /// The headline, if known.
    pub title: Option<String>,
    /// The author line ("Jane Roe and John Doe"), if known.
    pub byline: Option<String>,
    /// Where the document came from, for messages.
    pub origin: Origin,
    /// Problems that did not stop the document from being read, such as
    /// "invalid UTF-8 decoded lossily".
    pub warnings: Vec<String>,
}

impl RawDocument {
    /// A document with the given id and text and no metadata.
    pub fn new(id: impl Into<String>, text: impl Into<String>, origin: Origin) -> Self {
        RawDocument {
            id: id.into(),
            text: text.into(),
            url: None,
            date: None,
            title: None,
            byline: None,
            origin,
            warnings: Vec::new(),
        }
    }
}

/// Where a document or an error came from: the input, and the line or record within it.
///
/// Displays like ripgrep's locations: `news.jsonl:12`, `<stdin>`, or
/// `cc.warc.gz (record at byte 10452)`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    /// The input file; `None` for standard input.
    pub path: Option<PathBuf>,
    /// The 1-based line number, for JSON Lines.
    pub line: Option<u64>,
    /// The byte offset of a WARC record in the (decompressed) WARC stream.
    pub offset: Option<u64>,
}

impl Origin {
    /// The origin of a whole file.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Origin {
            path: Some(path.into()),
            ..Origin::default()
        }
    }

    /// The origin of standard input.
    pub fn stdin() -> Self {
        Origin::default()
    }

    /// The same input at a 1-based line number.
    pub fn at_line(&self, line: u64) -> Self {
        Origin {
            line: Some(line),
            ..self.clone()
        }
    }

    /// The same input at a byte offset (of a WARC record).
    pub fn at_offset(&self, offset: u64) -> Self {
        Origin {
            offset: Some(offset),
            ..self.clone()
        }
    }

    /// The input's name: its path, or `<stdin>`.
    pub fn name(&self) -> String {
        self.path
            .as_deref()
            .map_or_else(|| "<stdin>".to_string(), |p| p.display().to_string())
    }

    /// The input's path, if it is a file.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(offset) = self.offset {
            write!(f, " (record at byte {offset})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_displays_like_ripgrep() {
        let o = Origin::file("a/news.jsonl");
        assert_eq!(o.to_string(), "a/news.jsonl");
        assert_eq!(o.at_line(12).to_string(), "a/news.jsonl:12");
        assert_eq!(
            o.at_offset(99).to_string(),
            "a/news.jsonl (record at byte 99)"
        );
        assert_eq!(Origin::stdin().at_line(3).to_string(), "<stdin>:3");
    }
}
