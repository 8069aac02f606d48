//! Opening one input: undo gzip, decide the format, start the matching reader.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::Path;

use crate::bounded::read_all;
use crate::gzip::GzMembers;
use crate::html::extract_article;
use crate::jsonl::JsonlReader;
use crate::sniff::{SNIFF_LEN, format_from_content, format_from_path, is_gzip};
use crate::text::{BinaryData, binary_reason, decode_text};
use crate::warc::WarcDocuments;
use crate::{IngestError, InputFormat, Origin, RawDocument, ReadOptions};

const BUFFER_SIZE: usize = 64 * 1024;

/// The documents of one input.
pub(crate) type Results = Box<dyn Iterator<Item = Result<RawDocument, IngestError>> + Send>;
/// The bytes of one input.
pub(crate) type Stream = Box<dyn Read + Send>;

pub(crate) fn open_file(path: &Path, opts: &ReadOptions) -> Result<Results, IngestError> {
    let file = File::open(path).map_err(|e| IngestError::new(Origin::file(path), e.to_string()))?;
    open_stream(Box::new(file), Origin::file(path), opts)
}

/// Decompresses `stream` if it is gzip, decides its format and starts the matching reader.
pub(crate) fn open_stream(
    stream: Stream,
    origin: Origin,
    opts: &ReadOptions,
) -> Result<Results, IngestError> {
    let read_error = |e: io::Error| IngestError::new(origin.clone(), format!("read error: {e}"));
    let (head, stream) = peek(stream, 2).map_err(read_error)?;
    let stream: Stream = if is_gzip(&head) {
        Box::new(GzMembers::new(stream))
    } else {
        stream
    };
    let by_name = origin.path().and_then(format_from_path);
    let (format, stream) = match (opts.format, by_name) {
        (InputFormat::Auto, Some(format)) => (format, stream),
        (InputFormat::Auto, None) => {
            let (head, stream) = peek(stream, SNIFF_LEN).map_err(read_error)?;
            (format_from_content(&head), stream)
        }
        (format, _) => (format, stream),
    };
    let reader = BufReader::with_capacity(BUFFER_SIZE, stream);
    Ok(match format {
        InputFormat::Jsonl => Box::new(JsonlReader::new(reader, origin, opts)),
        InputFormat::Warc => Box::new(WarcDocuments::new(reader, origin, opts)),
        InputFormat::Html => Box::new(std::iter::once(read_html(reader, origin, opts))),
        InputFormat::Text | InputFormat::Auto => {
            Box::new(std::iter::once(read_text(reader, origin, opts)))
        }
    })
}

/// Reads up to `n` bytes and returns them with a stream that still yields them first.
fn peek(mut stream: Stream, n: usize) -> io::Result<(Vec<u8>, Stream)> {
    let mut head = Vec::with_capacity(n);
    (&mut stream).take(n as u64).read_to_end(&mut head)?;
    let replay: Stream = Box::new(Cursor::new(head.clone()).chain(stream));
    Ok((head, replay))
}

/// Reads a whole single-document input, within the size limit.
fn read_whole(
    reader: impl BufRead,
    origin: &Origin,
    opts: &ReadOptions,
) -> Result<Vec<u8>, IngestError> {
    match read_all(reader, opts.max_record_bytes) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(IngestError::new(
            origin.clone(),
            format!(
                "larger than the limit of {} bytes; skipped",
                opts.max_record_bytes
            ),
        )),
        Err(e) => Err(IngestError::new(origin.clone(), format!("read error: {e}"))),
    }
}

fn read_text(
    reader: impl BufRead,
    origin: Origin,
    opts: &ReadOptions,
) -> Result<RawDocument, IngestError> {
    let bytes = read_whole(reader, &origin, opts)?;
    let decoded =
        decode_text(&bytes).map_err(|e| IngestError::new(origin.clone(), e.to_string()))?;
    let mut doc = RawDocument::new(origin.name(), decoded.text, origin);
    doc.warnings = decoded.warnings;
    Ok(doc)
}

fn read_html(
    reader: impl BufRead,
    origin: Origin,
    opts: &ReadOptions,
) -> Result<RawDocument, IngestError> {
    let bytes = read_whole(reader, &origin, opts)?;
    let utf16 = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    if let Some(reason) = binary_reason(&bytes).filter(|_| !utf16) {
        return Err(IngestError::new(origin, BinaryData { reason }.to_string()));
    }
    let article = extract_article(&bytes, None);
    Ok(RawDocument {
        id: origin.name(),
        text: article.text,
        url: article.url,
        date: article.date,
        title: article.title,
        byline: article.byline,
        origin,
        warnings: article.warnings,
    })
}
