//! JSON Lines: one article per line, such as news-please output.
//!
//! ```
//! use whosaid_ingest::jsonl::JsonlReader;
//! use whosaid_ingest::{Origin, ReadOptions};
//!
//! let input = "{\"maintext\": \"One.\", \"title\": \"A\"}\n[1, 2]\n\n{\"maintext\": \"Two.\"}\n";
//! let results: Vec<_> =
//!     JsonlReader::new(input.as_bytes(), Origin::file("news.jsonl"), &ReadOptions::default())
//!         .collect();
//! assert_eq!(results.len(), 3);
//! assert_eq!(results[0].as_ref().map(|d| d.id.as_str()), Ok("news.jsonl:1"));
//! assert_eq!(
//!     results[1].as_ref().map_err(|e| e.to_string()),
//!     Err("news.jsonl:2: expected a JSON object, found an array".to_string())
//! );
//! assert_eq!(results[2].as_ref().map(|d| d.text.as_str()), Ok("Two."));
//! ```

use std::borrow::Cow;
use std::io::{BufRead, ErrorKind};

use jiff::civil::Date;
use serde_json::{Map, Value};

use crate::bounded::{Line, read_line};
use crate::date::{date_from_unix, parse_date};
use crate::{IngestError, Origin, RawDocument, ReadOptions};

/// The fields of one JSON Lines record, before it becomes a [`RawDocument`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonlArticle {
    /// The id field, if present (a string or a number).
    pub id: Option<String>,
    /// The article text.
    pub text: String,
    /// The URL field, if present.
    pub url: Option<String>,
    /// The publication date, if present and understood.
    pub date: Option<Date>,
    /// The headline, if present.
    pub title: Option<String>,
    /// The author(s), joined with ", " if given as a list.
    pub byline: Option<String>,
    /// Problems that did not stop the record from being read.
    pub warnings: Vec<String>,
}

/// Parses one line of JSON Lines with the field names of `opts`.
///
/// Dates may be strings in any form [`parse_date`] accepts or Unix timestamps. Invalid UTF-8
/// in the line is decoded lossily with a warning.
///
/// # Errors
///
/// A message when the line is not a JSON object, or its text field is missing or not a
/// string.
pub fn parse_line(line: &[u8], opts: &ReadOptions) -> Result<JsonlArticle, String> {
    let mut warnings = Vec::new();
    let line: Cow<'_, str> = match std::str::from_utf8(line) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            warnings.push("invalid UTF-8 decoded lossily".to_string());
            String::from_utf8_lossy(line)
        }
    };
    let line = line.strip_prefix('\u{FEFF}').unwrap_or(&line);
    let value: Value = serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let Value::Object(object) = value else {
        return Err(format!("expected a JSON object, found {}", kind(&value)));
    };
    let text = match field(&object, &opts.text_field) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(format!(
                "text field {:?} is {}, not a string",
                opts.text_field,
                kind(other)
            ));
        }
        None => return Err(format!("no text field {:?}", opts.text_field)),
    };
    let text = if opts.newline_paragraphs {
        newlines_to_paragraphs(&text)
    } else {
        text
    };
    let id = optional(&object, opts.id_field.as_deref()).and_then(|v| match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    });
    let date = optional(&object, opts.date_field.as_deref()).and_then(|v| {
        let date = match v {
            Value::String(s) => parse_date(s),
            Value::Number(n) => n.as_i64().and_then(date_from_unix),
            Value::Null => return None,
            _ => None,
        };
        if date.is_none() {
            warnings.push(format!(
                "date field {:?} not understood: {v}",
                opts.date_field.as_deref().unwrap_or_default()
            ));
        }
        date
    });
    let byline = optional(&object, opts.byline_field.as_deref()).and_then(|v| match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => None,
    });
    Ok(JsonlArticle {
        id,
        text,
        url: string(&object, opts.url_field.as_deref()),
        date,
        title: string(&object, opts.title_field.as_deref()),
        byline: byline.filter(|b| !b.is_empty()),
        warnings,
    })
}

/// A field by exact name, else by dotted path (`meta.date` reaches into `{"meta": {...}}`).
fn field<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).or_else(|| {
        let mut parts = name.split('.');
        let first = object.get(parts.next()?)?;
        parts.try_fold(first, |value, part| value.as_object()?.get(part))
    })
}

fn optional<'a>(object: &'a Map<String, Value>, name: Option<&str>) -> Option<&'a Value> {
    field(object, name?)
}

fn string(object: &Map<String, Value>, name: Option<&str>) -> Option<String> {
    optional(object, name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Each line of `text` becomes a paragraph: lines (without `\r`) joined by `"\n\n"`,
/// blank lines dropped.
fn newlines_to_paragraphs(text: &str) -> String {
    text.split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .filter(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Reads JSON Lines one line at a time, yielding a document or an error per line.
///
/// Blank lines are skipped. A bad line (invalid JSON, no text field, longer than
/// [`ReadOptions::max_record_bytes`]) yields an [`IngestError`] with its line number and
/// reading goes on. Only one line is held in memory at a time. A document's id is the id
/// field, else the URL, else `path:line`.
pub struct JsonlReader<R> {
    reader: R,
    origin: Origin,
    opts: ReadOptions,
    line_no: u64,
    buf: Vec<u8>,
    done: bool,
}

impl<R: BufRead> JsonlReader<R> {
    /// Reads JSON Lines from `reader`; `origin` names the input in ids and messages.
    pub fn new(reader: R, origin: Origin, opts: &ReadOptions) -> Self {
        JsonlReader {
            reader,
            origin,
            opts: opts.clone(),
            line_no: 0,
            buf: Vec::new(),
            done: false,
        }
    }

    fn document(&self, article: JsonlArticle) -> RawDocument {
        let origin = self.origin.at_line(self.line_no);
        let id = article
            .id
            .or_else(|| article.url.clone())
            .unwrap_or_else(|| format!("{}:{}", origin.name(), self.line_no));
        RawDocument {
            id,
            text: article.text,
            url: article.url,
            date: article.date,
            title: article.title,
            byline: article.byline,
            origin,
            warnings: article.warnings,
        }
    }
}

impl<R: BufRead> Iterator for JsonlReader<R> {
    type Item = Result<RawDocument, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let read = read_line(&mut self.reader, &mut self.buf, self.opts.max_record_bytes);
            self.line_no += 1;
            let error = |message: String| {
                Some(Err(IngestError::new(
                    self.origin.at_line(self.line_no),
                    message,
                )))
            };
            match read {
                Ok(Line::Eof) => self.done = true,
                Ok(Line::TooLong(len)) => {
                    return error(format!(
                        "line of {len} bytes is longer than the limit of {} bytes; skipped",
                        self.opts.max_record_bytes
                    ));
                }
                Ok(Line::Complete) if self.buf.trim_ascii().is_empty() => {}
                Ok(Line::Complete) => {
                    return Some(
                        parse_line(&self.buf, &self.opts)
                            .map(|article| self.document(article))
                            .map_err(|message| {
                                IngestError::new(self.origin.at_line(self.line_no), message)
                            }),
                    );
                }
                Err(e) => {
                    // Corrupt compressed data can be skipped; other read errors end the input.
                    self.done = e.kind() != ErrorKind::InvalidData;
                    return error(format!("read error: {e}"));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<JsonlArticle, String> {
        parse_line(line.as_bytes(), &ReadOptions::default())
    }

    #[test]
    fn news_please_record() {
        let line = r#"{"authors": ["Jane Roe", " John Doe "], "date_download": "2020-02-16 00:00:00",
            "date_publish": "2020-02-15 10:32:00", "title": "Budget", "url": "https://example.com/a",
            "maintext": "First.\nSecond.", "language": "en"}"#
            .replace('\n', " ");
        let got = parse(&line);
        let article = got.as_ref().ok();
        assert_eq!(article.map(|a| a.text.as_str()), Some("First.\nSecond."));
        assert_eq!(article.and_then(|a| a.title.as_deref()), Some("Budget"));
        assert_eq!(
            article.and_then(|a| a.url.as_deref()),
            Some("https://example.com/a")
        );
        assert_eq!(
            article.and_then(|a| a.byline.as_deref()),
            Some("Jane Roe, John Doe")
        );
        assert_eq!(
            article
                .and_then(|a| a.date)
                .map(|d| d.to_string())
                .as_deref(),
            Some("2020-02-15")
        );
        assert_eq!(article.and_then(|a| a.id.as_deref()), None);
    }

    #[test]
    fn errors_table() {
        let cases = [
            ("{", "invalid JSON"),
            ("\"text\"", "expected a JSON object, found a string"),
            ("{\"title\": \"x\"}", "no text field \"maintext\""),
            (
                "{\"maintext\": null}",
                "text field \"maintext\" is null, not a string",
            ),
            (
                "{\"maintext\": 3}",
                "text field \"maintext\" is a number, not a string",
            ),
        ];
        for (line, want) in cases {
            let got = parse(line).err().unwrap_or_default();
            assert!(got.starts_with(want), "{line}: {got}");
        }
    }

    #[test]
    fn configurable_and_nested_fields() {
        let opts = ReadOptions {
            text_field: "article.body".into(),
            id_field: Some("uid".into()),
            date_field: Some("ts".into()),
            ..ReadOptions::default()
        };
        let got = parse_line(
            br#"{"uid": 42, "ts": 1581762720, "article": {"body": "Hi."}}"#,
            &opts,
        );
        let article = got.as_ref().ok();
        assert_eq!(article.map(|a| a.text.as_str()), Some("Hi."));
        assert_eq!(article.and_then(|a| a.id.as_deref()), Some("42"));
        assert_eq!(
            article
                .and_then(|a| a.date)
                .map(|d| d.to_string())
                .as_deref(),
            Some("2020-02-15")
        );
    }

    #[test]
    fn bad_date_and_bad_utf8_are_warnings() {
        let got = parse_line(
            b"{\"maintext\": \"caf\xe9\", \"date_publish\": \"soon\"}",
            &ReadOptions::default(),
        );
        let article = got.as_ref().ok();
        assert_eq!(article.map(|a| a.text.as_str()), Some("caf\u{FFFD}"));
        assert_eq!(article.map(|a| a.warnings.len()), Some(2));
        assert_eq!(article.and_then(|a| a.date), None);
    }

    #[test]
    fn newline_paragraphs_option() {
        assert_eq!(newlines_to_paragraphs("a\nb\r\n\n c \n"), "a\n\nb\n\n c ");
        let opts = ReadOptions {
            newline_paragraphs: true,
            ..ReadOptions::default()
        };
        let got = parse_line(br#"{"maintext": "One.\nTwo."}"#, &opts);
        assert_eq!(got.map(|a| a.text).ok().as_deref(), Some("One.\n\nTwo."));
    }

    #[test]
    fn reader_skips_blank_lines_and_reports_long_ones() {
        let input = format!(
            "\n{{\"maintext\": \"a\", \"url\": \"u1\"}}\r\n  \n{{\"maintext\": \"{}\"}}\n{{\"maintext\": \"b\"}}",
            "x".repeat(100)
        );
        let opts = ReadOptions {
            max_record_bytes: 50,
            ..ReadOptions::default()
        };
        let results: Vec<_> =
            JsonlReader::new(input.as_bytes(), Origin::file("f.jsonl"), &opts).collect();
        assert_eq!(results.len(), 3);
        assert_eq!(results[0].as_ref().map(|d| d.id.as_str()), Ok("u1"));
        assert_eq!(results[0].as_ref().map(|d| d.origin.line), Ok(Some(2)));
        let err = results[1]
            .as_ref()
            .err()
            .map(ToString::to_string)
            .unwrap_or_default();
        assert!(err.starts_with("f.jsonl:4: line of 117 bytes"), "{err}");
        assert_eq!(results[2].as_ref().map(|d| d.id.as_str()), Ok("f.jsonl:5"));
    }
}
