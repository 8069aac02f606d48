/*!
Readers that turn files, directories and streams into news articles for whosaid.

`whosaid-ingest` is the I/O side of whosaid: it opens plain text, HTML, JSON Lines
(news-please output) and WARC / WARC.gz files (Common Crawl CC-NEWS), decodes their
bytes to text, extracts the article body from HTML, and hands every article to the caller
as a [`RawDocument`]: an id, the body text with paragraphs separated by a blank line, and
whatever metadata the input carried (URL, publication date, headline, byline). The
extraction engine (`whosaid-core`) is pure and never sees a file; this crate never
extracts a quotation.

# Example

```
use whosaid_ingest::{read_inputs, InputSpec, ReadOptions};

# fn main() -> Result<(), Box<dyn std::error::Error>> {
let dir = tempfile::tempdir()?;
let path = dir.path().join("articles.jsonl");
std::fs::write(
    &path,
    concat!(
        r#"{"url": "https://example.com/a", "maintext": "\"We will win,\" she said.", "date_publish": "2020-02-15 10:32:00"}"#,
        "\n",
        "this line is not JSON\n",
        r#"{"url": "https://example.com/b", "maintext": "He declined to comment."}"#,
        "\n",
    ),
)?;

let mut docs = Vec::new();
let mut errors = Vec::new();
for result in read_inputs(&[InputSpec::from(path.as_path())], &ReadOptions::default()) {
    match result {
        Ok(doc) => docs.push(doc),
        Err(err) => errors.push(err.to_string()),
    }
}
assert_eq!(docs.len(), 2);
assert_eq!(docs[0].id, "https://example.com/a");
assert_eq!(docs[0].date.map(|d| d.to_string()).as_deref(), Some("2020-02-15"));
assert_eq!(errors.len(), 1);
assert!(errors[0].contains("articles.jsonl:2: "));
# Ok(())
# }
```

# Design: streaming iterators with per-record errors

Every reader is an [`Iterator`] of `Result<RawDocument, IngestError>`, pulled one
document at a time:

* **Memory stays bounded for any input size.** A 10 GB JSON Lines dump or a CC-NEWS
  WARC.gz is read line by line or record by record through fixed-size buffers; only one
  record (at most [`ReadOptions::max_record_bytes`]) is in memory at once. Plain text and
  HTML files are one document each and are read whole, under the same limit.
* **A bad record costs one record, never the run.** An invalid JSON line, a truncated WARC
  record, a corrupt gzip member, a binary file or a missing path yields one `Err` that says
  where (`path:line` or the WARC record's byte offset) and what went wrong, and the
  iterator goes on with the next line, record or input. Like ripgrep, the caller decides
  whether to print the error and continue or stop. Problems that do not lose data
  (invalid UTF-8 decoded lossily, an unparseable date) are kept as
  [`RawDocument::warnings`] instead.

Readers never panic on any input. Character offsets computed by the engine refer to
[`RawDocument::text`] exactly: plain text and JSON Lines text is passed on as decoded (a
UTF-8 BOM is stripped, CRLF stays; see [`ReadOptions::newline_paragraphs`] for the one
opt-in rewrite), and HTML is reduced to paragraphs separated by `"\n\n"`.

# Formats

| format | one document per | id | notes |
| --- | --- | --- | --- |
| [`InputFormat::Text`] | file (or stdin) | the path | UTF-8, lossy with a warning; binary files are an error |
| [`InputFormat::Jsonl`] | line | `id` field, else `url`, else `path:line` | field names in [`ReadOptions`]; defaults read news-please output |
| [`InputFormat::Html`] | file | the path | charset from BOM, header or `<meta>`, else detected; main content via `dom_smoothie` |
| [`InputFormat::Warc`] | `response` record with an HTML payload | `WARC-Target-URI` | via the HTML path; other records are skipped |

Any input may be gzip-compressed (`.jsonl.gz`, `.warc.gz`, multi-member gzip included);
[`InputFormat::Auto`] picks the format from the file extension and otherwise from the
first bytes (see [`sniff`]). Directories are walked recursively in sorted order, filtered
by [`ReadOptions::glob`].

Lower-level entry points that work on bytes or on any reader: [`decode_text`],
[`html::extract_article`], [`jsonl::parse_line`], [`jsonl::JsonlReader`],
[`warc::WarcReader`] and [`read_reader`].
*/
#![deny(missing_docs)]

mod bounded;
pub mod date;
mod document;
mod error;
mod gzip;
pub mod html;
mod inputs;
pub mod jsonl;
mod open;
mod options;
pub mod sniff;
pub mod text;
pub mod warc;

pub use document::{Origin, RawDocument};
pub use error::IngestError;
pub use inputs::{Documents, InputSpec, read_inputs, read_reader};
pub use options::{InputFormat, ReadOptions};
pub use text::decode_text;
