//! Turning an HTML tree into paragraphs of text separated by a blank line.

use dom_query::NodeRef;

/// Elements whose start and end break a paragraph.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Elements whose content is never article text.
const SKIPPED: &[&str] = &[
    "audio", "button", "canvas", "embed", "head", "iframe", "input", "link", "map", "math", "meta",
    "noscript", "object", "option", "script", "select", "style", "svg", "template", "textarea",
    "title", "video",
];

/// Page furniture skipped when no main content was found and the whole page is read.
pub(crate) const FURNITURE: &[&str] = &["aside", "footer", "form", "header", "menu", "nav"];

/// The paragraphs of text under `root`, whitespace inside each collapsed to single spaces.
/// Elements named in `skip` are left out, with everything inside them.
///
/// Walks the tree with an explicit stack, so deeply nested pages cannot overflow the call
/// stack.
pub(crate) fn paragraphs(root: &NodeRef<'_>, skip: &[&str]) -> Vec<String> {
    enum Step<'a> {
        Enter(NodeRef<'a>),
        Leave(bool),
    }
    let mut out = Paragraphs::default();
    let mut stack = vec![Step::Enter(*root)];
    while let Some(step) = stack.pop() {
        let node = match step {
            Step::Leave(is_block) => {
                if is_block {
                    out.flush();
                }
                continue;
            }
            Step::Enter(node) => node,
        };
        let is_block = if node.is_text() {
            out.push_text(&node.text());
            continue;
        } else if node.is_element() {
            let name = node.node_name().unwrap_or_default().to_ascii_lowercase();
            if SKIPPED.contains(&name.as_str()) || skip.contains(&name.as_str()) {
                continue;
            }
            if name == "br" {
                out.line_break();
                continue;
            }
            BLOCKS.contains(&name.as_str())
        } else if node.is_document() || node.is_fragment() {
            false
        } else {
            continue; // comments, doctypes, processing instructions
        };
        if is_block {
            out.flush();
        }
        stack.push(Step::Leave(is_block));
        let children = node.children();
        stack.extend(children.into_iter().rev().map(Step::Enter));
    }
    out.flush();
    out.done
}

/// Paragraphs under construction.
#[derive(Default)]
struct Paragraphs {
    done: Vec<String>,
    current: String,
    pending_space: bool,
    breaks: u32,
}

impl Paragraphs {
    /// Appends text, collapsing runs of HTML white space (ASCII space, tab, line breaks,
    /// form feed) as CSS does; other spaces, such as no-break spaces, are kept.
    fn push_text(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_ascii_whitespace() {
                self.pending_space = !self.current.is_empty();
            } else {
                if self.pending_space {
                    self.current.push(' ');
                    self.pending_space = false;
                }
                self.current.push(c);
                self.breaks = 0;
            }
        }
    }

    /// A `<br>`: a space, but two in a row end the paragraph.
    fn line_break(&mut self) {
        self.breaks += 1;
        if self.breaks >= 2 {
            self.flush();
        } else {
            self.pending_space = !self.current.is_empty();
        }
    }

    fn flush(&mut self) {
        let paragraph = self.current.trim();
        if !paragraph.is_empty() {
            self.done.push(paragraph.to_string());
        }
        self.current.clear();
        self.pending_space = false;
        self.breaks = 0;
    }
}

#[cfg(test)]
mod tests {
    use dom_query::Document;

    use super::*;

    fn text_of(html: &str) -> String {
        let doc = Document::from(html);
        paragraphs(&doc.root(), &[]).join("\n\n")
    }

    #[test]
    fn paragraph_table() {
        let cases = [
            (
                "<p>One   two\n three.</p><p>Four.</p>",
                "One two three.\n\nFour.",
            ),
            ("<div>a<b>b</b> <i>c</i></div>", "ab c"),
            ("<h1>Title</h1><p>Body</p>", "Title\n\nBody"),
            ("<ul><li>x</li><li>y</li></ul>", "x\n\ny"),
            (
                "<blockquote>“Quote,” he said.</blockquote>",
                "“Quote,” he said.",
            ),
            ("<p>line<br>next</p>", "line next"),
            ("<div>one<br><br>two</div>", "one\n\ntwo"),
            ("<div>one<br>\n<br>two</div>", "one\n\ntwo"),
            (
                "<p>a<script>var x = 1;</script>b</p><style>p{}</style>",
                "ab",
            ),
            (
                "<div>outer<div>inner</div>tail</div>",
                "outer\n\ninner\n\ntail",
            ),
            ("<p>&nbsp;</p><p> x&amp;y </p>", "x&y"),
            ("<p>« a&nbsp;b\u{2003}c »</p>", "« a\u{a0}b\u{2003}c »"),
            ("<!-- comment --><p>kept</p>", "kept"),
            ("", ""),
        ];
        for (html, want) in cases {
            assert_eq!(text_of(html), want, "{html}");
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 20_000;
        let html = format!("{}deep{}", "<span>".repeat(depth), "</span>".repeat(depth));
        assert_eq!(text_of(&html), "deep");
    }

    #[test]
    fn furniture_can_be_skipped() {
        let doc = Document::from("<nav>Home</nav><p>Story</p><footer>(c)</footer>");
        assert_eq!(paragraphs(&doc.root(), FURNITURE), vec!["Story"]);
    }
}
