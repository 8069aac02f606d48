//! The HTTP response stored in a WARC `response` record: status, headers, payload.

use std::io::Read;

use flate2::read::{DeflateDecoder, MultiGzDecoder, ZlibDecoder};

/// A parsed HTTP response.
#[derive(Debug)]
pub(crate) struct HttpResponse<'a> {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: &'a [u8],
}

impl HttpResponse<'_> {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The media type of `Content-Type`, lower-cased, without parameters.
    pub(crate) fn media_type(&self) -> Option<String> {
        self.header("content-type")
            .and_then(|ct| ct.split(';').next())
            .map(|t| t.trim().to_ascii_lowercase())
            .filter(|t| !t.is_empty())
    }
}

/// Splits an HTTP response into status, headers and body.
///
/// # Errors
///
/// A message when the status line or the header block is malformed.
pub(crate) fn parse_response(block: &[u8]) -> Result<HttpResponse<'_>, String> {
    let (head, body) = match memchr::memmem::find(block, b"\r\n\r\n") {
        Some(at) => (&block[..at], &block[at + 4..]),
        None => match memchr::memmem::find(block, b"\n\n") {
            Some(at) => (&block[..at], &block[at + 2..]),
            None => (block, &block[block.len()..]),
        },
    };
    let head = String::from_utf8_lossy(head);
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.split_whitespace();
    let status = match (parts.next(), parts.next()) {
        (Some(version), Some(code)) if version.starts_with("HTTP/") => code.parse::<u16>().ok(),
        _ => None,
    };
    let Some(status) = status else {
        return Err(format!(
            "malformed HTTP status line {:?}",
            status_line.chars().take(80).collect::<String>()
        ));
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

/// The payload with `Transfer-Encoding: chunked` and `Content-Encoding` undone, at most
/// `max` bytes. Where undoing fails, the body is used as stored, with a warning (Common
/// Crawl stores payloads already decoded but keeps the original headers under other names;
/// other crawlers keep the header with a decoded payload).
///
/// # Errors
///
/// A message when the payload uses an encoding that cannot be undone.
pub(crate) fn payload(
    response: &HttpResponse<'_>,
    max: usize,
    warnings: &mut Vec<String>,
) -> Result<Vec<u8>, String> {
    let mut body = response.body.to_vec();
    let chunked = response
        .header("transfer-encoding")
        .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"));
    if chunked {
        match dechunk(&body) {
            Some(plain) => body = plain,
            None => {
                warnings.push("malformed chunked transfer encoding; payload used as stored".into())
            }
        }
    }
    let encoding = response
        .header("content-encoding")
        .map(|e| e.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let limit = u64::try_from(max).unwrap_or(u64::MAX);
    let decoded = match encoding.as_str() {
        "" | "identity" => return Ok(body),
        "gzip" | "x-gzip" => read_limited(MultiGzDecoder::new(&body[..]), limit),
        "deflate" => read_limited(ZlibDecoder::new(&body[..]), limit)
            .or_else(|_| read_limited(DeflateDecoder::new(&body[..]), limit)),
        other => Err(format!("unsupported Content-Encoding {other:?}")),
    };
    match decoded {
        Ok(plain) => Ok(plain),
        Err(_) if crate::sniff::looks_like_html(&body) => {
            warnings.push(format!(
                "Content-Encoding {encoding} could not be undone; payload looks decoded already"
            ));
            Ok(body)
        }
        Err(e) => Err(e),
    }
}

fn read_limited<R: Read>(reader: R, limit: u64) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| format!("cannot decompress payload: {e}"))?;
    if out.len() as u64 > limit {
        return Err(format!("decompressed payload larger than {limit} bytes"));
    }
    Ok(out)
}

/// Undoes chunked transfer encoding; `None` if the body is not validly chunked.
fn dechunk(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    let mut rest = body;
    loop {
        let line_end = memchr::memchr(b'\n', rest)?;
        let size_line = std::str::from_utf8(&rest[..line_end]).ok()?;
        let size_hex = size_line.split(';').next()?.trim();
        let size = usize::from_str_radix(size_hex, 16).ok()?;
        rest = &rest[line_end + 1..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size..)?;
        rest = rest
            .strip_prefix(b"\r\n")
            .or_else(|| rest.strip_prefix(b"\n"))
            .unwrap_or(rest);
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::write::GzEncoder;

    use super::*;

    #[test]
    fn parses_status_headers_body() {
        let block =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html;\r\n charset=utf-8\r\nX: y\r\n\r\n<html>";
        let r = parse_response(block);
        let r = r.as_ref().ok();
        assert_eq!(r.map(|r| r.status), Some(200));
        assert_eq!(
            r.and_then(|r| r.header("content-type")),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(
            r.and_then(HttpResponse::media_type).as_deref(),
            Some("text/html")
        );
        assert_eq!(r.map(|r| r.body), Some(&b"<html>"[..]));
        assert!(parse_response(b"garbage\r\n\r\n").is_err());
        assert!(parse_response(b"").is_err());
    }

    #[test]
    fn dechunks() {
        assert_eq!(
            dechunk(b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n").as_deref(),
            Some(&b"hello world"[..])
        );
        assert_eq!(dechunk(b"zz\r\nhello"), None);
        assert_eq!(dechunk(b"ff\r\nshort"), None);
    }

    #[test]
    fn undoes_encodings() {
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(b"<html>zipped</html>").ok();
        let zipped = gz.finish().unwrap_or_default();
        let mut block =
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
                .to_vec();
        block.extend_from_slice(format!("{:x}\r\n", zipped.len()).as_bytes());
        block.extend_from_slice(&zipped);
        block.extend_from_slice(b"\r\n0\r\n\r\n");
        let response = parse_response(&block);
        let mut warnings = Vec::new();
        let got = response.map(|r| payload(&r, 1000, &mut warnings));
        assert_eq!(got, Ok(Ok(b"<html>zipped</html>".to_vec())));
        assert!(warnings.is_empty());

        // Header kept but payload stored decoded: used as it is, with a warning.
        let block = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n<html>plain</html>";
        let got = parse_response(block).map(|r| payload(&r, 1000, &mut warnings));
        assert_eq!(got, Ok(Ok(b"<html>plain</html>".to_vec())));
        assert_eq!(warnings.len(), 1);

        let block = b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\n\x1b\x00";
        let got = parse_response(block).map(|r| payload(&r, 1000, &mut warnings));
        assert!(matches!(got, Ok(Err(_))));
    }
}
