//! Decoding an HTML page's bytes: byte order mark, then the HTTP `Content-Type` charset,
//! then `<meta charset>` / `<meta http-equiv>`, then detection.

use encoding_rs::{Encoding, UTF_8};

/// How far into the page `<meta charset>` is looked for. Browsers look at 1024 bytes;
/// news pages often put scripts first, so a little more is allowed.
const META_SCAN_LEN: usize = 4096;

/// Decodes an HTML page, returning the text and any warnings.
pub(crate) fn decode_html(bytes: &[u8], content_type: Option<&str>) -> (String, Vec<String>) {
    let mut warnings = Vec::new();
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let body = bytes.get(bom_len..).unwrap_or_default();
        return (decode(encoding, body, &mut warnings), warnings);
    }
    let declared = content_type
        .and_then(charset_param)
        .and_then(|label| known_label(&label, "Content-Type header", &mut warnings))
        .or_else(|| {
            meta_charset(bytes)
                .and_then(|label| known_label(&label, "<meta> tag", &mut warnings))
                .map(|enc| {
                    // A page cannot really be UTF-16 if its ASCII meta tag was readable.
                    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                        UTF_8
                    } else {
                        enc
                    }
                })
        });
    let utf8 = std::str::from_utf8(bytes).is_ok();
    let encoding = match declared {
        Some(enc) if enc != UTF_8 && utf8 && !bytes.is_ascii() && enc.is_ascii_compatible() => {
            warnings.push(format!(
                "page declares charset {} but is valid UTF-8; decoded as UTF-8",
                enc.name()
            ));
            UTF_8
        }
        Some(enc) => enc,
        None if utf8 => UTF_8,
        None => {
            let mut detector =
                chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(bytes, true);
            detector.guess(None, chardetng::Utf8Detection::Allow)
        }
    };
    (decode(encoding, bytes, &mut warnings), warnings)
}

fn decode(encoding: &'static Encoding, bytes: &[u8], warnings: &mut Vec<String>) -> String {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        warnings.push(format!("invalid {} decoded lossily", encoding.name()));
    }
    text.into_owned()
}

fn known_label(label: &str, source: &str, warnings: &mut Vec<String>) -> Option<&'static Encoding> {
    let encoding = Encoding::for_label(label.trim().as_bytes());
    if encoding.is_none() {
        warnings.push(format!("unknown charset {label:?} in {source}, ignored"));
    }
    encoding
}

/// The `charset` parameter of a `Content-Type` value such as `text/html; charset=UTF-8`.
fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| {
                value
                    .trim()
                    .trim_matches(|c| c == '"' || c == '\'')
                    .to_string()
            })
            .filter(|v| !v.is_empty())
    })
}

/// The charset declared by the first `<meta charset>` or
/// `<meta http-equiv="Content-Type" content="...; charset=...">` near the start of the page.
fn meta_charset(bytes: &[u8]) -> Option<String> {
    let head = bytes[..bytes.len().min(META_SCAN_LEN)].to_ascii_lowercase();
    let mut rest = &head[..];
    while let Some(at) = memchr::memmem::find(rest, b"<meta") {
        let tag = &rest[at + 5..];
        let end = memchr::memchr(b'>', tag).unwrap_or(tag.len());
        let attrs = attributes(&tag[..end]);
        let get = |name: &str| {
            attrs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        if let Some(charset) = get("charset").filter(|c| !c.trim().is_empty()) {
            return Some(charset.trim().to_string());
        }
        if get("http-equiv").is_some_and(|v| v.trim() == "content-type")
            && let Some(charset) = get("content").and_then(charset_param)
        {
            return Some(charset);
        }
        rest = &tag[end..];
    }
    None
}

/// The attributes of a tag (the bytes between its name and `>`), already lower-cased.
fn attributes(tag: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(tag);
    let mut attrs = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace() || *c == '/').is_some() {}
        let name: String =
            std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace() && !matches!(c, '=' | '/')))
                .collect();
        if name.is_empty() {
            break;
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'=').is_some() {
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            match chars.next_if(|c| *c == '"' || *c == '\'') {
                Some(quote) => value.extend(std::iter::from_fn(|| chars.next_if(|c| *c != quote))),
                None => value.extend(std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace()))),
            }
            chars.next_if(|c| *c == '"' || *c == '\'');
        }
        attrs.push((name, value));
    }
    attrs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_parameter() {
        assert_eq!(
            charset_param("text/html; charset=ISO-8859-1").as_deref(),
            Some("ISO-8859-1")
        );
        assert_eq!(
            charset_param("text/html;Charset=\"utf-8\"").as_deref(),
            Some("utf-8")
        );
        assert_eq!(charset_param("text/html"), None);
        assert_eq!(charset_param("text/html; charset="), None);
    }

    #[test]
    fn meta_declarations() {
        let cases: &[(&[u8], Option<&str>)] = &[
            (
                b"<head><meta charset=\"windows-1252\">",
                Some("windows-1252"),
            ),
            (b"<META CHARSET=latin1>", Some("latin1")),
            (b"<meta name=x><meta charset='koi8-r'/>", Some("koi8-r")),
            (
                b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">",
                Some("iso-8859-1"),
            ),
            (b"<meta http-equiv=refresh content=\"5\">", None),
            (b"<p>no meta</p>", None),
            (b"<meta", None),
        ];
        for (html, want) in cases {
            assert_eq!(meta_charset(html).as_deref(), *want, "{html:?}");
        }
    }

    #[test]
    fn decoding_order() {
        // (bytes, Content-Type header, expected text)
        let cases: &[(&[u8], Option<&str>, &str)] = &[
            (b"caf\xe9", Some("text/html; charset=windows-1252"), "café"),
            (
                b"<meta charset=iso-8859-1>caf\xe9",
                None,
                "<meta charset=iso-8859-1>café",
            ),
            (
                b"\xEF\xBB\xBFcaf\xC3\xA9",
                Some("text/html; charset=iso-8859-1"),
                "café",
            ),
            (
                "café".as_bytes(),
                Some("text/html; charset=iso-8859-1"),
                "café",
            ),
            ("café".as_bytes(), None, "café"),
        ];
        for (bytes, header, want) in cases {
            assert_eq!(decode_html(bytes, *header).0, *want, "{bytes:?}");
        }
    }

    #[test]
    fn undeclared_legacy_text_is_detected() {
        let page = "<html><body><p>Le président a déclaré à la presse que la réforme était déjà \
                    adoptée, malgré les critiques répétées de l'opposition élue.</p></body></html>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(page);
        let (text, _) = decode_html(&bytes, None);
        assert_eq!(text, page);
    }
}
