//! A tolerant reader for PolNeAR's BRAT standoff `.ann` files.
//!
//! Only the parts that define attribution relations are kept: text-bound annotations
//! (`T<n>`) and events (`E<n>`). The reader never fails; lines it cannot use are counted in
//! [`AnnStats`] so a loader can report them.
//!
//! Quirks of the real files that this reader absorbs:
//! - a `T` line's text field can contain newlines; the following lines that do not start with
//!   an id (`T`, `E`, `R`, `A`, `N` or `#` + digits + tab) are continuations and are ignored;
//! - event lines can contain repeated or trailing spaces;
//! - an event role may name a `T` id that does not exist (that role is skipped);
//! - besides `Source`, `Cue` and `Content`, events use `Content2` (a second content span of the
//!   same relation, e.g. a quote continued in the next paragraph); numbered roles are merged
//!   into their base role as extra pieces;
//! - `T` types other than the roles (`Attribution`, `Attribution-no-source`, `Discard`,
//!   `Discuss`) are triggers or annotator bookkeeping and are ignored unless an event
//!   references them under a role name.
//!
//! ```
//! use whosaid_eval::brat::parse_ann;
//! let ann = "T1\tSource 0 2\tHe\nT2\tCue 3 7\tsaid\nT3\tContent 8 10;12 14\tit is\n\
//!            E1\tAttribution:T2 Cue:T2  Source:T1 Content:T3 Source:T9\n";
//! let parsed = parse_ann(ann);
//! assert_eq!(parsed.attributions.len(), 1);
//! assert_eq!(parsed.attributions[0].content.len(), 2);
//! assert_eq!(parsed.stats.dangling_references, 1);
//! ```

use std::collections::HashMap;

use crate::span::{Attribution, CharSpan, Role};

/// Counts of what the reader saw and skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnnStats {
    /// `T` lines parsed.
    pub text_bounds: usize,
    /// `E` lines turned into attributions.
    pub events: usize,
    /// Continuation lines (parts of a multi-line text field) that were ignored.
    pub continuation_lines: usize,
    /// `#` annotator notes and other id lines (`R`, `A`, `N`) that were ignored.
    pub ignored_lines: usize,
    /// `T` or `E` lines whose structure could not be parsed.
    pub malformed_lines: usize,
    /// Event roles naming a `T` id that does not exist.
    pub dangling_references: usize,
}

/// The attributions of one `.ann` file, in event order, with reading statistics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedAnn {
    /// One attribution per `E` line, in file order. Pieces are sorted but not yet trimmed.
    pub attributions: Vec<Attribution>,
    /// What was seen and skipped.
    pub stats: AnnStats,
}

/// Parses the content of one `.ann` file. Never fails: unusable lines are counted and skipped.
pub fn parse_ann(src: &str) -> ParsedAnn {
    let mut stats = AnnStats::default();
    let mut spans: HashMap<&str, Vec<CharSpan>> = HashMap::new();
    let mut events: Vec<&str> = Vec::new();

    for line in src.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let Some((id, rest)) = split_id(line) else {
            if !line.trim().is_empty() {
                stats.continuation_lines += 1;
            }
            continue;
        };
        match id.as_bytes()[0] {
            b'T' => match parse_text_bound(rest) {
                Some(pieces) => {
                    stats.text_bounds += 1;
                    spans.insert(id, pieces);
                }
                None => stats.malformed_lines += 1,
            },
            b'E' => events.push(rest),
            _ => stats.ignored_lines += 1,
        }
    }

    let mut attributions = Vec::with_capacity(events.len());
    for rest in events {
        let mut attribution = Attribution::default();
        let mut arguments = rest.split_whitespace();
        // The first argument is the event type and its trigger (`Attribution:T3`).
        if arguments.next().is_none() {
            stats.malformed_lines += 1;
            continue;
        }
        for argument in arguments {
            let Some((role_name, target)) = argument.split_once(':') else {
                stats.malformed_lines += 1;
                continue;
            };
            let Some(role) = role_of(role_name) else {
                continue;
            };
            match spans.get(target) {
                Some(pieces) => attribution.role_mut(role).extend_from_slice(pieces),
                None => stats.dangling_references += 1,
            }
        }
        for role in Role::ALL {
            attribution.role_mut(role).sort();
        }
        stats.events += 1;
        attributions.push(attribution);
    }
    ParsedAnn {
        attributions,
        stats,
    }
}

/// Splits `"T12\trest"` into `("T12", "rest")` when the line starts with a known id prefix.
fn split_id(line: &str) -> Option<(&str, &str)> {
    let (id, rest) = line.split_once('\t')?;
    let mut chars = id.chars();
    let prefix = chars.next()?;
    let digits = chars.as_str();
    let known = matches!(prefix, 'T' | 'E' | 'R' | 'A' | 'N' | '#');
    (known && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some((id, rest))
}

/// Parses `"Type 1 5;7 9\ttext"` into its pieces.
fn parse_text_bound(rest: &str) -> Option<Vec<CharSpan>> {
    let header = rest.split('\t').next()?;
    let (_type, offsets) = header.trim().split_once(' ')?;
    let mut pieces = Vec::new();
    for piece in offsets.split(';') {
        let mut numbers = piece.split_whitespace().map(str::parse::<usize>);
        let (Some(Ok(start)), Some(Ok(end)), None) =
            (numbers.next(), numbers.next(), numbers.next())
        else {
            return None;
        };
        if start > end {
            return None;
        }
        pieces.push(CharSpan { start, end });
    }
    pieces.sort();
    Some(pieces)
}

/// Maps an event role name to a role: `Source`, `Cue`, `Content`, optionally numbered.
fn role_of(name: &str) -> Option<Role> {
    let base = name.trim_end_matches(|c: char| c.is_ascii_digit());
    match base {
        "Source" => Some(Role::Source),
        "Cue" => Some(Role::Cue),
        "Content" => Some(Role::Content),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(start: usize, end: usize) -> CharSpan {
        CharSpan::new(start, end)
    }

    #[test]
    fn parses_roles_discontinuous_and_missing() {
        let ann = "T1\tSource 0 5\tObama\n\
                   T2\tCue 6 10\tsaid\n\
                   T3\tContent 30 40;11 20\tx y\n\
                   T4\tAttribution 6 10\tsaid\n\
                   E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n\
                   T5\tContent 50 60\tz\n\
                   T6\tCue 61 65\tsaid\n\
                   E2\tAttribution-no-source:T6 Content:T5 Cue:T6\n";
        let p = parse_ann(ann);
        assert_eq!(p.attributions.len(), 2);
        let a = &p.attributions[0];
        assert_eq!(a.source, vec![s(0, 5)]);
        assert_eq!(a.cue, vec![s(6, 10)]);
        assert_eq!(a.content, vec![s(11, 20), s(30, 40)]);
        assert!(p.attributions[1].source.is_empty());
        assert_eq!(p.stats.events, 2);
        assert_eq!(p.stats.text_bounds, 6);
    }

    #[test]
    fn multiline_text_notes_extra_spaces_and_dangling_refs() {
        let ann = "T1\tContent 0 20\tfirst line\nsecond line of the same text\n\n\
                   #1\tAnnotatorNotes T1\tA note\n\
                   T2\tCue 21 25\tsaid\n\
                   E1\tAttribution:T2  Content:T1 Cue:T2 Source:T77 \n\
                   T3\tDiscard 30 31\tx\n";
        let p = parse_ann(ann);
        assert_eq!(p.attributions.len(), 1);
        assert_eq!(p.attributions[0].content, vec![s(0, 20)]);
        assert!(p.attributions[0].source.is_empty());
        assert_eq!(p.stats.continuation_lines, 1);
        assert_eq!(p.stats.ignored_lines, 1);
        assert_eq!(p.stats.dangling_references, 1);
    }

    #[test]
    fn numbered_roles_merge_into_base_role() {
        let ann = "T1\tContent 10 20\ta\nT2\tContent 40 50\tb\nT3\tCue 0 4\tsaid\n\
                   E1\tAttribution:T3 Cue:T3 Content:T1 Content2:T2\n";
        let p = parse_ann(ann);
        assert_eq!(p.attributions[0].content, vec![s(10, 20), s(40, 50)]);
    }

    #[test]
    fn malformed_lines_are_counted_not_fatal() {
        let ann = "T1\tSource x y\tbad\nT2\tSource 5 3\tinverted\nE1\t\nT3\tCue 0 4\tsaid\r\n";
        let p = parse_ann(ann);
        assert_eq!(p.stats.malformed_lines, 3);
        assert_eq!(p.stats.text_bounds, 1);
        assert!(p.attributions.is_empty());
    }
}
