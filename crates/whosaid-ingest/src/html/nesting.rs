//! A guard against pathologically deep HTML.
//!
//! HTML parsers and Readability check element scopes by walking the stack of open elements
//! and recurse over the tree: a page of 50,000 nested `<div>`s takes minutes and can
//! overflow the stack. Real pages nest a few dozen levels. Before parsing, start tags that
//! would nest deeper than [`MAX_DEPTH`] are removed (with their end tags); their text stays.

use std::borrow::Cow;

/// The deepest nesting kept.
pub(crate) const MAX_DEPTH: usize = 128;

/// Elements that never have content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr",
];

/// Elements that are often left open and closed implicitly by the parser; not counted, so
/// that a long page of unclosed `<p>` or `<li>` is not mistaken for deep nesting.
const IMPLIED_END: &[&str] = &[
    "caption", "colgroup", "dd", "dt", "li", "optgroup", "option", "p", "rb", "rp", "rt", "rtc",
    "tbody", "td", "tfoot", "th", "thead", "tr",
];

/// Elements whose content is raw text, not markup.
const RAW_TEXT: &[&str] = &[
    "iframe", "noembed", "noframes", "noscript", "script", "style", "textarea", "title", "xmp",
];

/// `html` without the start and end tags that nest deeper than `max_depth`; borrowed when
/// nothing had to go.
pub(crate) fn limit_nesting(html: &str, max_depth: usize) -> Cow<'_, str> {
    if !scan(html, max_depth, None) {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    scan(html, max_depth, Some(&mut out));
    Cow::Owned(out)
}

/// A tag found by [`next_tag`].
struct Tag<'a> {
    /// Byte range of the whole tag in the input.
    start: usize,
    end: usize,
    name: Cow<'a, str>,
    closing: bool,
    self_closing: bool,
}

/// Walks the tags of `html`, tracking nesting. Returns whether a tag was too deep. With
/// `out`, writes `html` without the too-deep tags.
fn scan(html: &str, max_depth: usize, mut out: Option<&mut String>) -> bool {
    let mut depth = 0usize;
    let mut dropped = 0usize;
    let mut too_deep = false;
    let mut copied = 0;
    let mut pos = 0;
    while let Some(tag) = next_tag(html, pos) {
        pos = tag.end;
        let name = tag.name.as_ref();
        if VOID.contains(&name) || IMPLIED_END.contains(&name) || (tag.self_closing && !tag.closing)
        {
            continue;
        }
        let drop = if tag.closing {
            if dropped > 0 {
                dropped -= 1;
                true
            } else {
                depth = depth.saturating_sub(1);
                false
            }
        } else if depth >= max_depth {
            dropped += 1;
            true
        } else {
            depth += 1;
            if RAW_TEXT.contains(&name) {
                pos = raw_text_end(html, pos, name);
            }
            false
        };
        if drop {
            too_deep = true;
            match out.as_deref_mut() {
                Some(out) => {
                    out.push_str(&html[copied..tag.start]);
                    copied = tag.end;
                }
                None => return true,
            }
        }
    }
    if let Some(out) = out {
        out.push_str(&html[copied..]);
    }
    too_deep
}

/// Where the raw text content of `name` that starts at `from` ends (at its end tag).
fn raw_text_end(html: &str, from: usize, name: &str) -> usize {
    let bytes = html.as_bytes();
    let mut pos = from;
    while let Some(at) = memchr::memmem::find(&bytes[pos..], b"</") {
        let start = pos + at;
        let candidate = &bytes[start + 2..];
        if candidate.len() >= name.len()
            && candidate[..name.len()].eq_ignore_ascii_case(name.as_bytes())
        {
            return start;
        }
        pos = start + 2;
    }
    html.len()
}

/// The next tag at or after byte `from`, skipping comments, doctypes and stray `<`.
fn next_tag(html: &str, from: usize) -> Option<Tag<'_>> {
    let bytes = html.as_bytes();
    let mut pos = from;
    loop {
        let start = pos + memchr::memchr(b'<', bytes.get(pos..)?)?;
        let rest = &bytes[start + 1..];
        if rest.starts_with(b"!--") {
            pos = memchr::memmem::find(&rest[3..], b"-->")
                .map_or(bytes.len(), |at| start + 4 + at + 3);
            continue;
        }
        if rest.starts_with(b"!") || rest.starts_with(b"?") {
            pos = memchr::memchr(b'>', rest).map_or(bytes.len(), |at| start + 1 + at + 1);
            continue;
        }
        let closing = rest.starts_with(b"/");
        let name_start = start + 1 + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b':' | b'_'))
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            pos = start + 1;
            continue;
        }
        let end = tag_end(bytes, name_start + name_len);
        let name = &html[name_start..name_start + name_len];
        let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(name.to_ascii_lowercase())
        } else {
            Cow::Borrowed(name)
        };
        let self_closing = end >= 2 && bytes[end - 1] == b'>' && bytes[end - 2] == b'/';
        return Some(Tag {
            start,
            end,
            name,
            closing,
            self_closing,
        });
    }
}

/// The byte after the `>` that ends a tag whose attributes start at `from`; quoted
/// attribute values may contain `>`.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b'>') => return i + 1,
            _ => {}
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_pages_are_untouched() {
        let pages = [
            "<html><body><div><p>One<p>Two<ul><li>a<li>b</ul></div></body></html>",
            "<div title='a>b'><br/><img src=x><script>if (a<b) { '</div>' }</script></div>",
            "<!-- <div><div><div> --><!DOCTYPE html><?xml?>< 3 <3",
        ];
        for page in pages {
            assert!(matches!(limit_nesting(page, 4), Cow::Borrowed(_)), "{page}");
        }
    }

    #[test]
    fn deep_tags_are_dropped_with_their_end_tags() {
        let html = "<div><span><b>deep</b></span></div><p>after</p>";
        assert_eq!(
            limit_nesting(html, 2),
            "<div><span>deep</span></div><p>after</p>"
        );
        assert_eq!(
            limit_nesting("<DIV><DIV><DIV>x</DIV></DIV></DIV>", 1),
            "<DIV>x</DIV>"
        );
    }

    #[test]
    fn unterminated_markup() {
        for html in ["<div", "<div title='x", "<!--", "</", "<", "<div><script>"] {
            let _ = limit_nesting(html, 0);
        }
    }
}
