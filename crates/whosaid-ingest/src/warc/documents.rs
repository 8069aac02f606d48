//! WARC records to documents: HTML `response` (and `resource`) records become articles.

use std::io::BufRead;

use super::http::{self, HttpResponse};
use super::{WarcReader, WarcRecord};
use crate::date::parse_date;
use crate::html::extract_article;
use crate::{IngestError, Origin, RawDocument, ReadOptions};

/// Reads the articles in a WARC stream, one document per HTML `response` record.
///
/// `response` records are parsed as HTTP (status line and headers; chunked transfer
/// encoding and gzip or deflate content encoding are undone) and, if the status is 2xx and
/// the payload is HTML, go through [`extract_article`] with the HTTP `Content-Type` charset.
/// `resource` records with an HTML content type are read the same way, without HTTP.
/// Other records (`warcinfo`, `request`, `metadata`, `revisit`, ...), non-HTML payloads
/// and non-2xx responses are skipped silently.
///
/// A document's id and URL are the record's `WARC-Target-URI`; its date is the page's
/// own publication date, else the `WARC-Date` (the capture date). Damaged records yield an
/// [`IngestError`] located by the record's byte offset, and reading goes on.
pub struct WarcDocuments<R> {
    records: WarcReader<R>,
    origin: Origin,
    max_payload: usize,
}

impl<R: BufRead> WarcDocuments<R> {
    /// Reads the (decompressed) WARC stream `reader`; `origin` names it in messages.
    pub fn new(reader: R, origin: Origin, opts: &ReadOptions) -> Self {
        WarcDocuments {
            records: WarcReader::new(reader).with_max_block(opts.max_record_bytes),
            origin,
            max_payload: opts.max_record_bytes,
        }
    }

    /// The document in `record`, if it holds one.
    fn document(&self, record: &WarcRecord) -> Option<Result<RawDocument, IngestError>> {
        let origin = self.origin.at_offset(record.offset);
        let mut warnings = Vec::new();
        let payload = match record.record_type()?.to_ascii_lowercase().as_str() {
            "response" => {
                let response = match http::parse_response(&record.block) {
                    Ok(response) => response,
                    Err(_) if !record.block.starts_with(b"HTTP/") => return None, // dns:, ftp:, ...
                    Err(message) => return Some(Err(IngestError::new(origin, message))),
                };
                if !(200..300).contains(&response.status) || !is_html(&response) {
                    return None;
                }
                let content_type = response.header("content-type").map(str::to_string);
                match http::payload(&response, self.max_payload, &mut warnings) {
                    Ok(body) => (body, content_type),
                    Err(message) => return Some(Err(IngestError::new(origin, message))),
                }
            }
            "resource" => {
                let content_type = record.header("Content-Type")?;
                let media = content_type.split(';').next().unwrap_or_default().trim();
                if !is_html_media_type(media) {
                    return None;
                }
                (record.block.clone(), Some(content_type.to_string()))
            }
            _ => return None,
        };
        let (body, content_type) = payload;
        let article = extract_article(&body, content_type.as_deref());
        let uri = record
            .header("WARC-Target-URI")
            .map(|u| {
                u.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string()
            })
            .filter(|u| !u.is_empty());
        let id = uri
            .clone()
            .or_else(|| record.header("WARC-Record-ID").map(str::to_string))
            .unwrap_or_else(|| origin.to_string());
        let capture_date = record.header("WARC-Date").and_then(parse_date);
        warnings.extend(article.warnings);
        Some(Ok(RawDocument {
            id,
            text: article.text,
            url: uri.or(article.url),
            date: article.date.or(capture_date),
            title: article.title,
            byline: article.byline,
            origin,
            warnings,
        }))
    }
}

fn is_html_media_type(media: &str) -> bool {
    media.eq_ignore_ascii_case("text/html") || media.eq_ignore_ascii_case("application/xhtml+xml")
}

/// HTML by `Content-Type`, or by its first bytes when there is none.
fn is_html(response: &HttpResponse<'_>) -> bool {
    match response.media_type() {
        Some(media) => is_html_media_type(&media),
        None => crate::sniff::looks_like_html(response.body),
    }
}

impl<R: BufRead> Iterator for WarcDocuments<R> {
    type Item = Result<RawDocument, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.records.next()? {
                Ok(record) => {
                    if let Some(result) = self.document(&record) {
                        return Some(result);
                    }
                }
                Err(e) => {
                    return Some(Err(IngestError::new(
                        self.origin.at_offset(e.offset),
                        e.message,
                    )));
                }
            }
        }
    }
}
