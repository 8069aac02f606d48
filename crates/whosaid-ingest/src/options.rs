//! What to read and how: the input format and the JSON Lines field names.

/// The format of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// Decide per input: by file extension, else by sniffing the first bytes
    /// (see [`crate::sniff`]).
    #[default]
    Auto,
    /// Plain text: the whole input is one document.
    Text,
    /// JSON Lines: one JSON object (one article) per line.
    Jsonl,
    /// One HTML page: the article is extracted from it.
    Html,
    /// WARC (ISO 28500, versions 1.0 and 1.1): one document per HTML `response` record.
    Warc,
}

/// How [`crate::read_inputs`] reads its inputs.
///
/// The default reads news-please JSON Lines output as it is (`maintext`, `date_publish`,
/// `title`, `url`, `authors`) and detects every input's format.
///
/// ```
/// use whosaid_ingest::{InputFormat, ReadOptions};
///
/// let opts = ReadOptions {
///     format: InputFormat::Jsonl,
///     text_field: "body".into(),
///     date_field: Some("published".into()),
///     ..ReadOptions::default()
/// };
/// assert_eq!(opts.title_field.as_deref(), Some("title"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// The format of every input, or [`InputFormat::Auto`] to decide per input.
    pub format: InputFormat,
    /// JSON Lines: the field holding the article text (required). A dotted name such as
    /// `article.body` reaches into nested objects when no field has that exact name.
    pub text_field: String,
    /// JSON Lines: the field holding the document id; without it (or when a line lacks
    /// it) the id is the URL, else `path:line`.
    pub id_field: Option<String>,
    /// JSON Lines: the field holding the publication date.
    pub date_field: Option<String>,
    /// JSON Lines: the field holding the headline.
    pub title_field: Option<String>,
    /// JSON Lines: the field holding the article URL.
    pub url_field: Option<String>,
    /// JSON Lines: the field holding the author(s): a string or an array of strings.
    pub byline_field: Option<String>,
    /// JSON Lines: treat every line break in the text as a paragraph break, rewriting
    /// `"\n"` to `"\n\n"` (news-please separates paragraphs by a single line break).
    /// Off by default, so that the text is passed through exactly.
    pub newline_paragraphs: bool,
    /// When walking a directory, read only files whose name or path (relative to the
    /// directory) matches this glob, such as `*.txt` or `**/2020-*/*.warc.gz`.
    /// Inputs named explicitly are always read.
    pub glob: Option<String>,
    /// The largest line, record or single-document file that is read into memory, in
    /// bytes. Larger ones are skipped with an error; memory use stays below a small
    /// multiple of this.
    pub max_record_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            format: InputFormat::Auto,
            text_field: "maintext".to_string(),
            id_field: Some("id".to_string()),
            date_field: Some("date_publish".to_string()),
            title_field: Some("title".to_string()),
            url_field: Some("url".to_string()),
            byline_field: Some("authors".to_string()),
            newline_paragraphs: false,
            glob: None,
            max_record_bytes: 256 * 1024 * 1024,
        }
    }
}
