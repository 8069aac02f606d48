//! The error a reader yields for one bad input, line or record.

use std::fmt;

use crate::Origin;

/// One input, line or record that could not be read.
///
/// Readers yield it in place of the document and carry on with the next one. It displays
/// like ripgrep's messages: `path:line: what went wrong`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestError {
    /// Where the problem is.
    pub origin: Origin,
    /// What went wrong, in words.
    pub message: String,
}

impl IngestError {
    /// An error at `origin`.
    pub fn new(origin: Origin, message: impl Into<String>) -> Self {
        IngestError {
            origin,
            message: message.into(),
        }
    }
}

impl fmt::Display for IngestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

impl std::error::Error for IngestError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_origin_then_message() {
        let err = IngestError::new(Origin::file("x.jsonl").at_line(7), "invalid JSON");
        assert_eq!(err.to_string(), "x.jsonl:7: invalid JSON");
    }
}
