//! Turning what a user typed into an FTS5 query that cannot be a syntax error.
//!
//! FTS5 has its own query language (`AND`, `OR`, `NOT`, `NEAR`, `*`, `^`, `:`, parentheses,
//! double quotes), and an unbalanced parenthesis or a stray `"` is an error. User input is
//! therefore never passed through: it is split into terms, each written as an FTS5 string
//! (in double quotes, inner quotes doubled), and the terms are joined with the implicit
//! AND. Three things users expect are kept: `"a phrase"` in balanced double quotes, a
//! trailing `*` for a prefix (`negotiat*`), and an upper-case `OR` between two terms.

/// One term of the user's query.
#[derive(Debug, PartialEq)]
enum Term {
    /// A word or phrase, with whether it is a prefix.
    Text(String, bool),
    /// The `OR` operator.
    Or,
}

/// The FTS5 query for a user's search string, or `None` when it has nothing to search
/// for (no letters or digits).
///
/// ```text
/// climate deal          ->  "climate" "deal"
/// "climate deal" OR co2 ->  ("climate deal" OR "co2")
/// negotiat* (           ->  "negotiat"*
/// ```
pub(crate) fn match_query(input: &str) -> Option<String> {
    let terms = split(input);
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut join_next = false;
    for term in terms {
        match term {
            Term::Or => join_next = !groups.is_empty(),
            Term::Text(text, prefix) => {
                let quoted = format!(
                    "\"{}\"{}",
                    text.replace('"', "\"\""),
                    if prefix { "*" } else { "" }
                );
                match groups.last_mut() {
                    Some(last) if join_next => last.push(quoted),
                    _ => groups.push(vec![quoted]),
                }
                join_next = false;
            }
        }
    }
    if groups.is_empty() {
        return None;
    }
    let parts: Vec<String> = groups
        .into_iter()
        .map(|g| {
            if g.len() == 1 {
                g.into_iter().collect()
            } else {
                format!("({})", g.join(" OR "))
            }
        })
        .collect();
    Some(parts.join(" "))
}

/// Splits the input into phrases (balanced double quotes), words and `OR`s, dropping
/// terms without a letter or digit.
fn split(input: &str) -> Vec<Term> {
    // FTS5 reads a query only up to a NUL: control characters become spaces.
    let cleaned: String = input
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut out = Vec::new();
    let mut rest = cleaned.as_str();
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        rest = &rest[start..];
        let phrase_end = rest
            .strip_prefix('"')
            .and_then(|r| r.find('"').map(|e| e + 1));
        let (raw, quoted, next) = match phrase_end {
            Some(end) => (&rest[1..end], true, &rest[end + 1..]),
            None => {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                (&rest[..end], false, &rest[end..])
            }
        };
        rest = next;
        if !quoted && raw == "OR" {
            out.push(Term::Or);
            continue;
        }
        let prefix = !quoted && raw.ends_with('*');
        let text = if quoted {
            raw.to_string()
        } else {
            raw.trim_matches(|c: char| !c.is_alphanumeric()).to_string()
        };
        if text.chars().any(char::is_alphanumeric) {
            out.push(Term::Text(text, prefix));
        }
    }
    out
}

/// The FTS5 query matching strings that contain every word of `input` (as whole words,
/// in any order), or `None` when it has no words.
pub(crate) fn all_words(input: &str) -> Option<String> {
    let folded = crate::normalize::fold(input);
    let words: Vec<String> = crate::normalize::words(&folded)
        .map(|w| format!("\"{w}\""))
        .collect();
    if words.is_empty() {
        None
    } else {
        Some(words.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries() {
        let cases: &[(&str, Option<&str>)] = &[
            ("climate deal", Some(r#""climate" "deal""#)),
            (
                r#""climate deal" OR co2"#,
                Some(r#"("climate deal" OR "co2")"#),
            ),
            ("negotiat* (", Some(r#""negotiat"*"#)),
            ("AND OR NOT", Some(r#"("AND" OR "NOT")"#)),
            ("OR", None),
            ("OR OR war", Some(r#""war""#)),
            ("war OR", Some(r#""war""#)),
            (r#"""#, None),
            (r#"say "unbalanced"#, Some(r#""say" "unbalanced""#)),
            ("(((", None),
            ("*", None),
            ("", None),
            ("   ", None),
            ("U.S. policy:", Some(r#""U.S" "policy""#)),
            (
                r#"he said "it's" fine"#,
                Some(r#""he" "said" "it's" "fine""#),
            ),
            (
                "col:umn ^start NEAR(a b)",
                Some(r#""col:umn" "start" "NEAR(a" "b""#),
            ),
            (r#"a"b"#, Some(r#""a""b""#)),
            ("text:é\0NEAR) *", Some(r#""text:é" "NEAR""#)),
        ];
        for (input, want) in cases {
            assert_eq!(match_query(input).as_deref(), *want, "{input:?}");
        }
    }

    #[test]
    fn speaker_words() {
        assert_eq!(all_words("Trump").as_deref(), Some(r#""trump""#));
        assert_eq!(
            all_words("  Jens  STOLTENBERG! ").as_deref(),
            Some(r#""jens" "stoltenberg""#)
        );
        assert_eq!(all_words("?!"), None);
    }
}
