//! Plain text: decoding bytes to a `String`, and telling text from binary data.
//!
//! ```
//! use whosaid_ingest::decode_text;
//!
//! let decoded = decode_text(b"\xEF\xBB\xBFCaf\xC3\xA9\r\n").unwrap();
//! assert_eq!(decoded.text, "Café\r\n"); // BOM stripped, CRLF kept
//! assert!(decoded.warnings.is_empty());
//!
//! let lossy = decode_text(b"Caf\xE9").unwrap();
//! assert_eq!(lossy.text, "Caf\u{FFFD}");
//! assert_eq!(lossy.warnings.len(), 1);
//!
//! assert!(decode_text(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").is_err());
//! ```

use std::fmt;

use encoding_rs::{Encoding, UTF_8};

/// How many leading bytes are examined to tell text from binary data.
pub const BINARY_CHECK_LEN: usize = 8 * 1024;

/// Text decoded from bytes, with the problems met on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedText {
    /// The decoded text, without a byte order mark.
    pub text: String,
    /// Problems that did not prevent decoding, such as invalid UTF-8.
    pub warnings: Vec<String>,
}

/// The bytes are binary data, not text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinaryData {
    /// Why the bytes were judged binary, such as "NUL byte at offset 12".
    pub reason: String,
}

impl fmt::Display for BinaryData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "binary file, skipped ({})", self.reason)
    }
}

impl std::error::Error for BinaryData {}

/// Decodes the bytes of a plain text file.
///
/// UTF-8 is expected. A UTF-8 byte order mark is stripped; a UTF-16 one selects UTF-16.
/// Invalid UTF-8 is decoded lossily (U+FFFD) with a warning; line endings are untouched.
/// Empty input is empty text.
///
/// # Errors
///
/// [`BinaryData`] when the first [`BINARY_CHECK_LEN`] bytes hold a NUL byte or are mostly control
/// characters.
pub fn decode_text(bytes: &[u8]) -> Result<DecodedText, BinaryData> {
    let mut warnings = Vec::new();
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let body = bytes.get(bom_len..).unwrap_or_default();
        if encoding == UTF_8 {
            return decode_utf8(body);
        }
        let (text, had_errors) = encoding.decode_without_bom_handling(body);
        if had_errors {
            warnings.push(format!("invalid {} decoded lossily", encoding.name()));
        }
        return Ok(DecodedText {
            text: text.into_owned(),
            warnings,
        });
    }
    decode_utf8(bytes)
}

fn decode_utf8(bytes: &[u8]) -> Result<DecodedText, BinaryData> {
    if let Some(reason) = binary_reason(bytes) {
        return Err(BinaryData { reason });
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => {
            return Ok(DecodedText {
                text: text.to_string(),
                warnings: Vec::new(),
            });
        }
        Err(e) => e,
    };
    let invalid = bytes
        .utf8_chunks()
        .filter(|chunk| !chunk.invalid().is_empty())
        .count();
    Ok(DecodedText {
        text: String::from_utf8_lossy(bytes).into_owned(),
        warnings: vec![format!(
            "invalid UTF-8 decoded lossily ({invalid} invalid sequence{}, the first at byte {})",
            if invalid == 1 { "" } else { "s" },
            text.valid_up_to()
        )],
    })
}

/// Why the start of `bytes` looks like binary data rather than text, if it does: a NUL
/// byte, or more than one control character in ten (tab, line breaks, form feed and
/// escape excepted).
pub(crate) fn binary_reason(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(BINARY_CHECK_LEN)];
    if let Some(at) = memchr::memchr(0, head) {
        return Some(format!("NUL byte at offset {at}"));
    }
    let control = head
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f)
        .count();
    (control * 10 > head.len()).then(|| {
        format!(
            "{control} control characters in the first {} bytes",
            head.len()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_table() {
        // (input, expected text or None for binary, number of warnings)
        let cases: &[(&[u8], Option<&str>, usize)] = &[
            (b"", Some(""), 0),
            (b"plain\nline\r\n", Some("plain\nline\r\n"), 0),
            (b"\xEF\xBB\xBF", Some(""), 0),
            (b"\xEF\xBB\xBFa", Some("a"), 0),
            ("naïve “quotes”".as_bytes(), Some("naïve “quotes”"), 0),
            (b"a\xFFb\xFEc", Some("a\u{FFFD}b\u{FFFD}c"), 1),
            (b"\xFF\xFEh\0i\0", Some("hi"), 0),
            (b"\xFE\xFF\0h\0i", Some("hi"), 0),
            (b"ab\0cd", None, 0),
            (b"\x01\x02\x03\x04text", None, 0),
            (
                b"tab\tform\x0cfeed\x1b[0m",
                Some("tab\tform\x0cfeed\x1b[0m"),
                0,
            ),
        ];
        for (input, want, warnings) in cases {
            match (decode_text(input), want) {
                (Ok(got), Some(want)) => {
                    assert_eq!(got.text, *want, "{input:?}");
                    assert_eq!(got.warnings.len(), *warnings, "{input:?}");
                }
                (Err(_), None) => {}
                (got, want) => panic!("{input:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn binary_error_names_the_reason() {
        let err = decode_text(b"abc\0").err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("binary file, skipped (NUL byte at offset 3)")
        );
    }

    #[test]
    fn lossy_warning_says_where() {
        let got = decode_text(b"ok \xC3 then \xFF").ok();
        let warning = got.as_ref().and_then(|d| d.warnings.first());
        assert_eq!(
            warning.map(String::as_str),
            Some("invalid UTF-8 decoded lossily (2 invalid sequences, the first at byte 3)")
        );
    }
}
