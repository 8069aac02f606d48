//! HTML pages: charset decoding, main-content extraction, headline, byline and date.
//!
//! ```
//! use whosaid_ingest::html::extract_article;
//!
//! let page = br#"<html><head><title>Budget row | Daily News</title>
//!   <meta property="og:title" content="Budget row">
//!   <meta property="article:published_time" content="2021-03-04T10:00:00+01:00"></head>
//! <body><nav><a href="/">Home</a></nav>
//!   <article><h1>Budget row</h1>
//!   <p>"The budget is balanced," the mayor said on Tuesday.</p>
//!   <p>Critics disagreed.</p></article></body></html>"#;
//! let article = extract_article(page, None);
//! assert_eq!(article.title.as_deref(), Some("Budget row"));
//! assert_eq!(article.date.map(|d| d.to_string()).as_deref(), Some("2021-03-04"));
//! assert!(article.text.contains("on Tuesday.\n\nCritics disagreed."));
//! ```
//!
//! The main content is found by [`dom_smoothie`], a port of Mozilla's Readability; its
//! cleaned HTML is then turned into paragraphs here (block elements become paragraphs
//! separated by `"\n\n"`, white space inside a paragraph is collapsed), because the
//! paragraph structure matters to quotation extraction. When Readability finds nothing
//! (short pages, unusual markup), the text of the whole `<body>` is used instead, without
//! navigation, header, footer and forms, and a warning says so.

mod blocks;
mod charset;
mod meta;
mod nesting;

use std::panic::{AssertUnwindSafe, catch_unwind};

use dom_query::Document;
use jiff::civil::Date;

/// More elements than this and Readability is not attempted (the whole page text is used).
const MAX_ELEMENTS: usize = 200_000;

/// What [`extract_article`] finds in a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlArticle {
    /// The headline: `og:title`, else the first `<h1>`, else `<title>`.
    pub title: Option<String>,
    /// The author line, without a leading "By".
    pub byline: Option<String>,
    /// The publication date from meta tags, JSON-LD or `<time datetime>`.
    pub date: Option<Date>,
    /// The canonical URL (`<link rel=canonical>` or `og:url`), if absolute.
    pub url: Option<String>,
    /// The article body: paragraphs separated by `"\n\n"`.
    pub text: String,
    /// Problems met on the way, such as a lossy charset decoding or a failed extraction.
    pub warnings: Vec<String>,
}

/// Extracts the article from the bytes of an HTML page.
///
/// `content_type` is the HTTP `Content-Type` header, if the page came with one; its charset
/// wins over the page's own `<meta charset>`, and a byte order mark wins over both. Without
/// any declaration, UTF-8 is used if the bytes are valid UTF-8, and the encoding is
/// detected otherwise. Never fails: a page without text gives an empty `text`.
pub fn extract_article(bytes: &[u8], content_type: Option<&str>) -> HtmlArticle {
    let (html, mut warnings) = charset::decode_html(bytes, content_type);
    let html = nesting::limit_nesting(&html, nesting::MAX_DEPTH);
    if matches!(html, std::borrow::Cow::Owned(_)) {
        warnings.push(format!(
            "elements nested deeper than {} levels ignored",
            nesting::MAX_DEPTH
        ));
    }
    let meta = meta::read(&Document::from(html.as_ref()));
    let (text, byline) = match readable_content(&html) {
        Ok(found) => found,
        Err(why) => {
            warnings.push(format!(
                "main content not found ({why}); using the text of the whole page"
            ));
            (whole_page_text(&html), None)
        }
    };
    let byline = byline.as_deref().and_then(clean_byline);
    let text = drop_leading_byline(text, byline.as_deref());
    HtmlArticle {
        title: meta.title,
        byline,
        date: meta.date,
        url: meta.url,
        text,
        warnings,
    }
}

/// The article text and byline according to Readability.
fn readable_content(html: &str) -> Result<(String, Option<String>), String> {
    let config = dom_smoothie::Config {
        max_elements_to_parse: MAX_ELEMENTS,
        ..dom_smoothie::Config::default()
    };
    let parsed = catch_unwind(AssertUnwindSafe(|| {
        let mut readability =
            dom_smoothie::Readability::new(html, None, Some(config)).map_err(|e| e.to_string())?;
        readability.parse().map_err(|e| e.to_string())
    }));
    let article = match parsed {
        Ok(result) => result?,
        Err(_) => return Err("the extractor failed on this page".to_string()),
    };
    let content = Document::fragment(article.content);
    let text = blocks::paragraphs(&content.root(), &[]).join("\n\n");
    if text.is_empty() {
        return Err("the extracted content has no text".to_string());
    }
    Ok((text, article.byline))
}

fn whole_page_text(html: &str) -> String {
    let doc = Document::from(html);
    let root = doc.try_select("body").map(|body| body.nodes().to_vec());
    match root {
        Some(bodies) => bodies
            .iter()
            .flat_map(|body| blocks::paragraphs(body, blocks::FURNITURE))
            .collect::<Vec<_>>()
            .join("\n\n"),
        None => blocks::paragraphs(&doc.root(), blocks::FURNITURE).join("\n\n"),
    }
}

/// The byline without white space runs and a leading "By"; `None` if it is a URL or empty.
fn clean_byline(byline: &str) -> Option<String> {
    let byline = meta::collapse(byline);
    let without_by = match byline.get(..2) {
        Some(by) if by.eq_ignore_ascii_case("by") && byline.get(2..3).is_none_or(|c| c == " ") => {
            byline.get(2..).unwrap_or_default()
        }
        _ => &byline,
    };
    let cleaned = without_by.trim();
    (!cleaned.is_empty() && !cleaned.starts_with("http://") && !cleaned.starts_with("https://"))
        .then(|| cleaned.to_string())
}

/// Removes a first paragraph that only repeats the byline ("By Jane Roe").
fn drop_leading_byline(text: String, byline: Option<&str>) -> String {
    let Some(byline) = byline else {
        return text;
    };
    let first = text.split("\n\n").next().unwrap_or_default();
    if clean_byline(first).is_some_and(|f| f.eq_ignore_ascii_case(byline)) {
        text.get(first.len()..)
            .unwrap_or_default()
            .trim_start_matches('\n')
            .to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bylines() {
        assert_eq!(clean_byline(" By  Jane Roe ").as_deref(), Some("Jane Roe"));
        assert_eq!(clean_byline("by jane").as_deref(), Some("jane"));
        assert_eq!(clean_byline("Byron Smith").as_deref(), Some("Byron Smith"));
        assert_eq!(clean_byline("https://x.com/jane"), None);
        assert_eq!(clean_byline("By"), None);
    }

    #[test]
    fn leading_byline_paragraph_is_dropped() {
        let text = "By Jane Roe\n\nFirst.\n\nSecond.".to_string();
        assert_eq!(
            drop_leading_byline(text.clone(), Some("Jane Roe")),
            "First.\n\nSecond."
        );
        assert_eq!(drop_leading_byline(text.clone(), Some("John")), text);
        assert_eq!(drop_leading_byline(text.clone(), None), text);
    }

    #[test]
    fn whole_page_text_skips_furniture() {
        let html =
            "<html><body><nav>Menu</nav><p>Short note.</p><footer>(c)</footer></body></html>";
        assert_eq!(whole_page_text(html), "Short note.");
        assert!(
            extract_article(html.as_bytes(), None)
                .text
                .contains("Short note.")
        );
    }

    #[test]
    fn page_without_text_is_empty_with_a_warning() {
        let article = extract_article(b"<html><body><img src=x></body></html>", None);
        assert_eq!(article.text, "");
        assert!(
            article
                .warnings
                .iter()
                .any(|w| w.contains("main content not found"))
        );
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let inputs: &[&[u8]] = &[
            b"",
            b"\0\0\0",
            b"<",
            b"<html",
            b"</p></p></div>",
            b"<table><tr><td><table><tr><td>x",
            b"\xff\xfe<\0h\0t\0m\0l\0>\0",
            b"<meta charset=\"bogus\"><p>x</p>",
        ];
        let deep: Vec<Vec<u8>> = [
            ("<div>", "</div>"),
            ("<span>", "</span>"),
            ("<b>", "</b>"),
            ("<li>", "</li>"),
            ("<ul><li>", "</li></ul>"),
            ("<table><tr><td>", "</td></tr></table>"),
            ("<svg><g>", "</g></svg>"),
        ]
        .iter()
        .map(|(open, close)| {
            let depth = 5_000;
            format!("<body>{}deep{}", open.repeat(depth), close.repeat(depth)).into_bytes()
        })
        .collect();
        let inputs = inputs.iter().copied().chain(deep.iter().map(Vec::as_slice));
        for input in inputs {
            let _ = extract_article(input, Some("text/html; charset=nonsense"));
        }
        let deep = format!(
            "<body>{}deep{}",
            "<div>".repeat(100_000),
            "</div>".repeat(100_000)
        );
        let article = extract_article(deep.as_bytes(), None);
        assert_eq!(article.text, "deep");
        assert!(article.warnings.iter().any(|w| w.contains("nested deeper")));
    }
}
