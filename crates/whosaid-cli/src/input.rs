//! Reading one input: a file or standard input, decoded to text.

use std::io::Read;
use std::path::Path;

/// One input, read and decoded.
pub struct Loaded {
    /// Name to report: the path, or `-` for standard input.
    pub name: String,
    /// The decoded text.
    pub text: String,
    /// Warnings about the decoding (invalid UTF-8 replaced).
    pub warnings: Vec<String>,
}

/// Reads `path` (`-` for standard input) and decodes it as UTF-8.
///
/// # Errors
/// A missing file, a directory, an unreadable file, or binary content.
pub fn load(path: &Path) -> anyhow::Result<Loaded> {
    let name = path.display().to_string();
    let bytes = if name == "-" {
        let mut b = Vec::new();
        std::io::stdin().read_to_end(&mut b)?;
        b
    } else {
        if path.is_dir() {
            anyhow::bail!("{name}: is a directory");
        }
        std::fs::read(path).map_err(|e| anyhow::anyhow!("{name}: {e}"))?
    };
    let (text, warnings) = decode(&name, bytes)?;
    Ok(Loaded { name, text, warnings })
}

/// Decodes bytes as UTF-8 (lossily, with a warning), refusing binary data.
pub fn decode(name: &str, bytes: Vec<u8>) -> anyhow::Result<(String, Vec<String>)> {
    let head = &bytes[..bytes.len().min(8192)];
    let controls = head.iter().filter(|&&b| b == 0 || (b < 0x09) || (0x0e..0x20).contains(&b) && b != 0x1b).count();
    if head.contains(&0) || controls * 10 > head.len().max(1) {
        anyhow::bail!("{name}: binary file, skipped");
    }
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(bytes) {
        Ok(s) => Ok((s, Vec::new())),
        Err(e) => {
            let s = String::from_utf8_lossy(e.as_bytes()).into_owned();
            Ok((s, vec![format!("{name}: invalid UTF-8 decoded lossily; offsets refer to the decoded text")]))
        }
    }
}
