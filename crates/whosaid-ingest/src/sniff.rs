//! Deciding an input's format: by file extension first, by its first bytes otherwise.
//!
//! ```
//! use std::path::Path;
//! use whosaid_ingest::InputFormat;
//! use whosaid_ingest::sniff::{format_from_content, format_from_path};
//!
//! assert_eq!(format_from_path(Path::new("cc/CC-NEWS-2020.warc.gz")), Some(InputFormat::Warc));
//! assert_eq!(format_from_path(Path::new("dump.jsonl.gz")), Some(InputFormat::Jsonl));
//! assert_eq!(format_from_path(Path::new("README")), None);
//! assert_eq!(format_from_content(b"  <!DOCTYPE html><html>"), InputFormat::Html);
//! assert_eq!(format_from_content(b"The mayor said..."), InputFormat::Text);
//! ```
//!
//! Compression is independent of the format: any input that starts with the gzip magic
//! bytes is decompressed first, and a trailing `.gz` is ignored when reading extensions.

use std::path::Path;

use crate::InputFormat;

/// How many leading (decompressed) bytes [`format_from_content`] wants to see.
pub const SNIFF_LEN: usize = 8 * 1024;

/// The format an extension stands for, or `None` if the extension says nothing.
///
/// `.txt` and `.text` are text; `.jsonl`, `.ndjson`, `.jl` and `.json` are JSON Lines;
/// `.html`, `.htm`, `.xhtml` and `.shtml` are HTML; `.warc` is WARC. A final `.gz` is
/// looked through (`.warc.gz`, `.jsonl.gz`). Case is ignored.
pub fn format_from_path(path: &Path) -> Option<InputFormat> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let (_, ext) = name.rsplit_once('.')?;
    match ext {
        "txt" | "text" => Some(InputFormat::Text),
        "jsonl" | "ndjson" | "jl" | "json" => Some(InputFormat::Jsonl),
        "html" | "htm" | "xhtml" | "shtml" => Some(InputFormat::Html),
        "warc" => Some(InputFormat::Warc),
        _ => None,
    }
}

/// The format that the first bytes of an (already decompressed) input suggest.
///
/// After a byte order mark and white space: `WARC/` is WARC; `{` is JSON Lines; `<` with
/// `<html`, `<!doctype html`, `<head` or `<body` in the first bytes is HTML; anything
/// else is text.
pub fn format_from_content(head: &[u8]) -> InputFormat {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let head = &head[start..];
    if head.starts_with(b"WARC/") {
        InputFormat::Warc
    } else if head.starts_with(b"{") {
        InputFormat::Jsonl
    } else if head.starts_with(b"<") && looks_like_html(head) {
        InputFormat::Html
    } else {
        InputFormat::Text
    }
}

/// Whether `head` starts with the gzip magic bytes.
pub fn is_gzip(head: &[u8]) -> bool {
    head.starts_with(&[0x1f, 0x8b])
}

/// Whether the start of `bytes` mentions an HTML document element.
pub(crate) fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(SNIFF_LEN)];
    let lower = head.to_ascii_lowercase();
    [&b"<html"[..], b"<!doctype html", b"<head", b"<body"]
        .iter()
        .any(|tag| memchr::memmem::find(&lower, tag).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions() {
        let cases = [
            ("a.txt", Some(InputFormat::Text)),
            ("a.TEXT", Some(InputFormat::Text)),
            ("a.jsonl", Some(InputFormat::Jsonl)),
            ("a.ndjson.gz", Some(InputFormat::Jsonl)),
            ("a.json.gz", Some(InputFormat::Jsonl)),
            ("dir/a.HTM", Some(InputFormat::Html)),
            ("a.warc", Some(InputFormat::Warc)),
            ("CC-NEWS-20200215.warc.gz", Some(InputFormat::Warc)),
            ("a.gz", None),
            ("noext", None),
            (".hidden", None),
            ("a.csv", None),
        ];
        for (path, want) in cases {
            assert_eq!(format_from_path(Path::new(path)), want, "{path}");
        }
    }

    #[test]
    fn contents() {
        let cases: &[(&[u8], InputFormat)] = &[
            (b"WARC/1.0\r\n", InputFormat::Warc),
            (b"\n\n{\"maintext\": \"x\"}", InputFormat::Jsonl),
            (b"\xEF\xBB\xBF<!DOCTYPE html>", InputFormat::Html),
            (b"<HTML><BODY>x", InputFormat::Html),
            (b"<p>only a fragment</p>", InputFormat::Text),
            (b"<not html>", InputFormat::Text),
            (b"", InputFormat::Text),
            (b"Plain words.", InputFormat::Text),
        ];
        for (head, want) in cases {
            assert_eq!(format_from_content(head), *want, "{head:?}");
        }
    }
}
