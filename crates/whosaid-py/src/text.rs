//! Texts from Python arguments: `str` borrowed as it is, `bytes` decoded like the CLI.
//!
//! A `str` is read without copying. Offsets in the output then index that very `str`.
//! `bytes` are decoded the way `whosaid extract` decodes a file: a UTF-8 byte-order mark is
//! dropped and invalid sequences become U+FFFD, so offsets refer to the decoded text. A
//! `str` holding lone surrogates (from `surrogateescape` decoding) is not valid Unicode
//! either; each surrogate becomes one U+FFFD, which keeps every offset where it was.

use std::borrow::Cow;

use pyo3::exceptions::{PyTypeError, PyUnicodeWarning};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};

/// A text read from Python, and whether decoding had to replace anything.
pub struct Text<'a> {
    /// The text, borrowed from a `str` or `bytes` when it needed no repair.
    pub text: Cow<'a, str>,
    /// True when invalid UTF-8 or lone surrogates were replaced with U+FFFD.
    pub lossy: bool,
}

/// Reads `obj` (a `str`, `bytes` or `bytearray`) as text; `what` names the argument in
/// error messages ("text", "texts[3]").
///
/// # Errors
///
/// `TypeError` for `None` and for any other type.
pub fn read_text<'a>(obj: &'a Bound<'_, PyAny>, what: &dyn Fn() -> String) -> PyResult<Text<'a>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(match s.to_str() {
            Ok(text) => Text {
                text: Cow::Borrowed(text),
                lossy: false,
            },
            Err(_) => {
                let encoded = s.call_method1("encode", ("utf-8", "surrogatepass"))?;
                let bytes = encoded.cast::<PyBytes>()?.as_bytes();
                Text {
                    text: Cow::Owned(replace_surrogates(bytes)),
                    lossy: true,
                }
            }
        });
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(decode_bytes(b.as_bytes()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        let bytes = b.to_vec();
        let Text { text, lossy } = decode_bytes(&bytes);
        return Ok(Text {
            text: Cow::Owned(text.into_owned()),
            lossy,
        });
    }
    let expected = "expected str (or UTF-8 bytes)";
    if obj.is_none() {
        return Err(PyTypeError::new_err(format!(
            "{} is None; {expected}",
            what()
        )));
    }
    Err(PyTypeError::new_err(format!(
        "{} has type {}; {expected}",
        what(),
        type_name(obj)
    )))
}

/// Decodes bytes as the CLI decodes a file: BOM dropped, invalid UTF-8 replaced.
pub fn decode_bytes(bytes: &[u8]) -> Text<'_> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = String::from_utf8_lossy(bytes);
    let lossy = matches!(text, Cow::Owned(_));
    Text { text, lossy }
}

/// Decodes UTF-8 in which lone surrogates were encoded (`surrogatepass`), replacing each
/// surrogate with one U+FFFD and any other invalid sequence as `from_utf8_lossy` would.
fn replace_surrogates(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(valid) => {
                out.push_str(valid);
                return out;
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                out.push(char::REPLACEMENT_CHARACTER);
                let skip = match rest {
                    [0xED, b, c, ..] if (0xA0..=0xBF).contains(b) && (0x80..=0xBF).contains(c) => 3,
                    _ => e.error_len().unwrap_or(rest.len()),
                };
                bytes = &rest[skip.max(1)..];
            }
        }
    }
}

/// `s` quoted the way Python's `repr` quotes a string, for messages: `'text'`.
pub fn quoted(s: &str) -> String {
    if s.contains('\'') || s.chars().any(char::is_control) {
        format!("{s:?}")
    } else {
        format!("'{s}'")
    }
}

/// The Python type name of `obj`, for messages.
pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_string())
}

/// Issues one `UnicodeWarning` for the texts that had to be repaired, if any.
///
/// `first` names the first such text ("text", "texts[3]", "row 7 of column 'text'").
pub fn warn_lossy(py: Python<'_>, count: usize, first: Option<String>) -> PyResult<()> {
    let Some(first) = first else { return Ok(()) };
    let more = match count {
        0 | 1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    let message = format!(
        "whosaid: invalid UTF-8 or lone surrogates in {first}{more} replaced with U+FFFD; \
         offsets refer to the decoded text"
    );
    let message = std::ffi::CString::new(message).unwrap_or_default();
    PyErr::warn(py, &py.get_type::<PyUnicodeWarning>(), &message, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_decode_like_the_cli() {
        let t = decode_bytes(b"\xEF\xBB\xBFcaf\xC3\xA9");
        assert_eq!((t.text.as_ref(), t.lossy), ("café", false));
        assert!(matches!(t.text, Cow::Borrowed(_)));
        let t = decode_bytes(b"caf\xE9 said");
        assert_eq!((t.text.as_ref(), t.lossy), ("caf\u{FFFD} said", true));
    }

    #[test]
    fn each_surrogate_becomes_one_replacement_character() {
        // "a", U+D800 (surrogatepass: ED A0 80), "b", then a stray continuation byte.
        assert_eq!(
            replace_surrogates(b"a\xED\xA0\x80b\x80"),
            "a\u{FFFD}b\u{FFFD}"
        );
        assert_eq!(replace_surrogates(b"\xED\xBF\xBF"), "\u{FFFD}");
        assert_eq!(replace_surrogates(b"ok"), "ok");
        assert_eq!(replace_surrogates(b"\xF0\x9F"), "\u{FFFD}");
    }
}
