//! The entry point: a list of inputs (files, directories, stdin) to one stream of documents.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher};
use walkdir::WalkDir;

use crate::open::{Results, Stream, open_file, open_stream};
use crate::{IngestError, Origin, RawDocument, ReadOptions};

/// One input: a path (file or directory) or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSpec {
    /// A file, or a directory to walk.
    Path(PathBuf),
    /// Standard input.
    Stdin,
}

impl From<&str> for InputSpec {
    /// `-` is standard input; anything else is a path.
    fn from(s: &str) -> Self {
        if s == "-" {
            InputSpec::Stdin
        } else {
            InputSpec::Path(PathBuf::from(s))
        }
    }
}

impl From<&Path> for InputSpec {
    fn from(path: &Path) -> Self {
        InputSpec::Path(path.to_path_buf())
    }
}

impl From<PathBuf> for InputSpec {
    fn from(path: PathBuf) -> Self {
        InputSpec::Path(path)
    }
}

/// Reads documents from every input in turn, lazily.
///
/// Files are read in the given order; a directory is walked recursively in file-name
/// order, skipping hidden entries (names starting with `.`) and, if
/// [`ReadOptions::glob`] is set, files that do not match it. Each file is decompressed if
/// it is gzip, and read in [`ReadOptions::format`] (or the format [`crate::sniff`] finds).
///
/// Nothing is opened until the iterator is advanced, and only one file is open at a time.
///
/// # Errors
///
/// The iterator yields an [`IngestError`] for each input that cannot be read (missing,
/// unreadable, binary, too large) and for each bad line or record inside one, then goes on
/// with the rest.
///
/// # Example
///
/// ```
/// use whosaid_ingest::{read_inputs, InputSpec, ReadOptions};
///
/// # fn main() -> std::io::Result<()> {
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("b.txt"), "\"Yes,\" she said.")?;
/// std::fs::write(dir.path().join("a.txt"), "He agreed.")?;
/// std::fs::write(dir.path().join("notes.md"), "not read")?;
///
/// let opts = ReadOptions { glob: Some("*.txt".into()), ..ReadOptions::default() };
/// let inputs = [InputSpec::from(dir.path()), InputSpec::from("missing.txt")];
/// let results: Vec<_> = read_inputs(&inputs, &opts).collect();
///
/// assert_eq!(results.len(), 3);
/// assert_eq!(results[0].as_ref().map(|d| d.text.as_str()), Ok("He agreed."));
/// assert_eq!(results[1].as_ref().map(|d| d.text.as_str()), Ok("\"Yes,\" she said."));
/// assert!(results[2].as_ref().is_err_and(|e| e.to_string().starts_with("missing.txt: ")));
/// # Ok(())
/// # }
/// ```
pub fn read_inputs(inputs: &[InputSpec], opts: &ReadOptions) -> Documents {
    Documents::new(inputs.iter().cloned().map(Pending::Spec).collect(), opts)
}

/// Reads documents from an open stream, such as a network upload, as if it were the file
/// `name`: the name's extension decides the format under [`crate::InputFormat::Auto`] and the name
/// appears in ids and messages.
///
/// # Errors
///
/// As [`read_inputs`].
///
/// # Example
///
/// ```
/// use whosaid_ingest::{read_reader, ReadOptions};
///
/// let input = &b"{\"maintext\": \"One.\"}\n{\"maintext\": \"Two.\"}\n"[..];
/// let docs: Vec<_> = read_reader(input, "upload.jsonl", &ReadOptions::default())
///     .filter_map(Result::ok)
///     .collect();
/// assert_eq!(docs[1].id, "upload.jsonl:2");
/// ```
pub fn read_reader<R: Read + Send + 'static>(
    reader: R,
    name: impl Into<PathBuf>,
    opts: &ReadOptions,
) -> Documents {
    let pending = Pending::Stream(Box::new(reader), Origin::file(name));
    Documents::new(VecDeque::from([pending]), opts)
}

enum Pending {
    Spec(InputSpec),
    Stream(Stream, Origin),
}

/// A directory being walked.
struct Walk {
    root: PathBuf,
    entries: walkdir::FilterEntry<walkdir::IntoIter, fn(&walkdir::DirEntry) -> bool>,
}

/// The documents of a list of inputs, in order: see [`read_inputs`].
pub struct Documents {
    opts: ReadOptions,
    glob: Option<Result<GlobMatcher, String>>,
    pending: VecDeque<Pending>,
    walk: Option<Walk>,
    current: Option<Results>,
}

impl Documents {
    fn new(pending: VecDeque<Pending>, opts: &ReadOptions) -> Self {
        let glob = opts.glob.as_deref().map(|pattern| {
            Glob::new(pattern)
                .map(|g| g.compile_matcher())
                .map_err(|e| format!("invalid glob {pattern:?}: {e}"))
        });
        Documents {
            opts: opts.clone(),
            glob,
            pending,
            walk: None,
            current: None,
        }
    }

    /// The next file of the directory being walked, if any.
    fn next_walked_file(&mut self) -> Option<Result<PathBuf, IngestError>> {
        let walk = self.walk.as_mut()?;
        for entry in walk.entries.by_ref() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let path = e.path().unwrap_or(&walk.root).to_path_buf();
                    let message = e
                        .io_error()
                        .map_or_else(|| e.to_string(), ToString::to_string);
                    return Some(Err(IngestError::new(Origin::file(path), message)));
                }
            };
            let is_file =
                entry.file_type().is_file() || (entry.path_is_symlink() && entry.path().is_file());
            if !is_file {
                continue;
            }
            let wanted = match &self.glob {
                Some(Ok(glob)) => {
                    let relative = entry
                        .path()
                        .strip_prefix(&walk.root)
                        .unwrap_or(entry.path());
                    glob.is_match(relative) || glob.is_match(entry.file_name())
                }
                _ => true,
            };
            if wanted {
                return Some(Ok(entry.into_path()));
            }
        }
        self.walk = None;
        None
    }

    /// Starts reading a top-level input: opens a file or stdin, or starts walking a
    /// directory (then returns `Ok(None)`).
    fn start(&mut self, spec: InputSpec) -> Result<Option<Results>, IngestError> {
        let path = match spec {
            InputSpec::Stdin => {
                let stdin: Stream = Box::new(io::stdin());
                return open_stream(stdin, Origin::stdin(), &self.opts).map(Some);
            }
            InputSpec::Path(path) => path,
        };
        if path.is_dir() {
            if let Some(Err(message)) = &self.glob {
                return Err(IngestError::new(Origin::file(&path), message.clone()));
            }
            let walker = WalkDir::new(&path).sort_by_file_name().into_iter();
            let not_hidden: fn(&walkdir::DirEntry) -> bool =
                |entry| entry.depth() == 0 || !entry.file_name().to_string_lossy().starts_with('.');
            self.walk = Some(Walk {
                root: path,
                entries: walker.filter_entry(not_hidden),
            });
            return Ok(None);
        }
        open_file(&path, &self.opts).map(Some)
    }
}

impl Iterator for Documents {
    type Item = Result<RawDocument, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(current) = self.current.as_mut() {
                match current.next() {
                    Some(item) => return Some(item),
                    None => self.current = None,
                }
            }
            let opened = match self.next_walked_file() {
                Some(Ok(path)) => open_file(&path, &self.opts).map(Some),
                Some(Err(e)) => Err(e),
                None => match self.pending.pop_front()? {
                    Pending::Spec(spec) => self.start(spec),
                    Pending::Stream(stream, origin) => {
                        open_stream(stream, origin, &self.opts).map(Some)
                    }
                },
            };
            match opened {
                Ok(results) => self.current = results,
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::InputFormat;

    #[test]
    fn input_spec_from_str() {
        assert_eq!(InputSpec::from("-"), InputSpec::Stdin);
        assert_eq!(InputSpec::from("a.txt"), InputSpec::Path("a.txt".into()));
    }

    #[test]
    fn documents_is_send() {
        fn assert_send<T: Send>() {}
        assert_send::<Documents>();
    }

    #[test]
    fn explicit_format_wins_over_extension() {
        let opts = ReadOptions {
            format: InputFormat::Text,
            ..ReadOptions::default()
        };
        let docs: Vec<_> = read_reader(&b"{\"maintext\": \"x\"}"[..], "a.jsonl", &opts).collect();
        assert_eq!(docs.len(), 1);
        assert_eq!(
            docs[0].as_ref().map(|d| d.text.as_str()),
            Ok("{\"maintext\": \"x\"}")
        );
    }

    #[test]
    fn sniffs_unnamed_streams() {
        let cases: &[(&[u8], &str)] = &[
            (b"{\"maintext\": \"json\"}\n", "json"),
            (
                b"<!doctype html><html><body><p>page</p></body></html>",
                "page",
            ),
            (b"just text", "just text"),
        ];
        for (input, want) in cases {
            let docs: Vec<_> = read_reader(*input, "noext", &ReadOptions::default()).collect();
            assert_eq!(docs.len(), 1);
            assert_eq!(docs[0].as_ref().map(|d| d.text.as_str()), Ok(*want));
        }
    }

    #[test]
    fn invalid_glob_is_reported_per_directory() {
        let dir = std::env::temp_dir();
        let opts = ReadOptions {
            glob: Some("a[".into()),
            ..ReadOptions::default()
        };
        let results: Vec<_> = read_inputs(&[InputSpec::from(dir.as_path())], &opts).collect();
        assert_eq!(results.len(), 1);
        assert!(
            results[0]
                .as_ref()
                .is_err_and(|e| e.message.contains("invalid glob"))
        );
    }
}
