//! Page metadata that lives outside the article body: headline, publication date, URL.

use dom_query::Document;
use jiff::civil::Date;
use serde_json::Value;

use crate::date::parse_date;

/// `<meta>` names, properties and itemprops that hold the publication date, best first.
const DATE_KEYS: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "published_time",
    "article.published",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "citation_publication_date",
    "date",
    "og:updated_time",
];

/// `<meta>` names and properties that hold the headline, best first.
const TITLE_KEYS: &[&str] = &["og:title", "twitter:title", "dc.title", "dcterms.title"];

/// What [`read`] finds in a page's `<head>` and markup.
#[derive(Debug, Default)]
pub(crate) struct PageMeta {
    pub(crate) title: Option<String>,
    pub(crate) date: Option<Date>,
    pub(crate) url: Option<String>,
}

/// Reads the headline (`og:title`, else the first `<h1>`, else `<title>`), the publication
/// date (meta tags, JSON-LD `datePublished`, `<time datetime>`) and the canonical URL.
pub(crate) fn read(doc: &Document) -> PageMeta {
    let metas = meta_tags(doc);
    let lookup = |keys: &[&str]| -> Vec<&str> {
        keys.iter()
            .flat_map(|key| {
                metas
                    .iter()
                    .filter(move |(k, _)| k == key)
                    .map(|(_, v)| v.as_str())
            })
            .collect()
    };
    let title = lookup(TITLE_KEYS)
        .into_iter()
        .map(collapse)
        .find(|t| !t.is_empty())
        .or_else(|| first_text(doc, "h1"))
        .or_else(|| first_text(doc, "title"));
    let date = lookup(DATE_KEYS)
        .into_iter()
        .find_map(parse_date)
        .or_else(|| json_ld_date(doc))
        .or_else(|| time_element_date(doc));
    let url = attr_of(doc, "link[rel=canonical]", "href")
        .or_else(|| lookup(&["og:url"]).first().map(|s| s.trim().to_string()))
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    PageMeta { title, date, url }
}

/// `(key, content)` of every `<meta>` (and `itemprop` element) with content, keys lower-cased.
fn meta_tags(doc: &Document) -> Vec<(String, String)> {
    let Some(selection) = doc.try_select("meta[content], [itemprop][datetime]") else {
        return Vec::new();
    };
    let mut tags = Vec::new();
    for node in selection.nodes() {
        let Some(content) = node.attr("content").or_else(|| node.attr("datetime")) else {
            continue;
        };
        let content = content.trim();
        if content.is_empty() {
            continue;
        }
        for attr in ["property", "name", "itemprop"] {
            if let Some(key) = node.attr(attr) {
                tags.push((key.trim().to_ascii_lowercase(), content.to_string()));
            }
        }
    }
    tags
}

fn first_text(doc: &Document, selector: &str) -> Option<String> {
    doc.try_select(selector)?
        .nodes()
        .iter()
        .map(|node| collapse(&node.text()))
        .find(|t| !t.is_empty())
}

fn attr_of(doc: &Document, selector: &str, attr: &str) -> Option<String> {
    doc.try_select(selector)?
        .nodes()
        .iter()
        .find_map(|node| node.attr(attr))
        .map(|v| v.trim().to_string())
}

/// `datePublished` from the page's JSON-LD blocks, in document order.
fn json_ld_date(doc: &Document) -> Option<Date> {
    let scripts = doc.try_select("script[type='application/ld+json']")?;
    scripts.nodes().iter().find_map(|node| {
        let value: Value = serde_json::from_str(node.text().trim()).ok()?;
        find_key(&value, "datePublished")
            .into_iter()
            .find_map(parse_date)
    })
}

/// Every string value under `key` in a JSON tree, in document order.
fn find_key<'a>(value: &'a Value, key: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(s)) = map.get(key) {
                    found.push(s.as_str());
                }
                stack.extend(map.values().rev());
            }
            Value::Array(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
    found
}

/// The date of a `<time>` element: one marked `pubdate`, else the first in an `<article>`,
/// else the first in the page.
fn time_element_date(doc: &Document) -> Option<Date> {
    [
        "time[pubdate][datetime]",
        "article time[datetime]",
        "time[datetime]",
    ]
    .iter()
    .find_map(|selector| {
        attr_of(doc, selector, "datetime")
            .as_deref()
            .and_then(parse_date)
    })
}

/// `s` with runs of white space collapsed to one space and trimmed.
pub(crate) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(html: &str) -> PageMeta {
        read(&Document::from(html))
    }

    #[test]
    fn headline_sources() {
        let cases = [
            (
                "<head><title>Site | T</title><meta property='og:title' content=' OG  title '></head><h1>H</h1>",
                Some("OG title"),
            ),
            (
                "<head><title>Site | T</title></head><body><h1> The\n headline </h1>",
                Some("The headline"),
            ),
            (
                "<head><title> Page title </title></head>",
                Some("Page title"),
            ),
            ("<p>nothing</p>", None),
        ];
        for (html, want) in cases {
            assert_eq!(meta(html).title.as_deref(), want, "{html}");
        }
    }

    #[test]
    fn date_sources() {
        let cases = [
            (
                "<meta property='article:published_time' content='2021-03-04T10:00:00+01:00'>",
                Some("2021-03-04"),
            ),
            (
                "<meta name='pubdate' content='20190102'>",
                Some("2019-01-02"),
            ),
            (
                "<meta name='date' content='2018-05-06'>",
                Some("2018-05-06"),
            ),
            (
                "<meta itemprop='datePublished' content='2017-07-08'>",
                Some("2017-07-08"),
            ),
            (
                r#"<script type="application/ld+json">{"@graph":[{"@type":"WebSite"},{"@type":"NewsArticle","datePublished":"2016-09-10T08:00:00Z"}]}</script>"#,
                Some("2016-09-10"),
            ),
            (
                "<header><time datetime='2000-01-01'>x</time></header><article><time datetime='2015-11-12'>Nov</time></article>",
                Some("2015-11-12"),
            ),
            (
                "<time datetime='2014-01-02T03:04:05Z'>x</time>",
                Some("2014-01-02"),
            ),
            (
                "<meta name='date' content='soon'><time datetime='2013-03-03'></time>",
                Some("2013-03-03"),
            ),
            (
                "<script type='application/ld+json'>{not json</script>",
                None,
            ),
            ("<p>no date</p>", None),
        ];
        for (html, want) in cases {
            assert_eq!(
                meta(html).date.map(|d| d.to_string()).as_deref(),
                want,
                "{html}"
            );
        }
    }

    #[test]
    fn canonical_url() {
        let m = meta(
            "<link rel='canonical' href=' https://example.com/a '><meta property='og:url' content='https://example.com/b'>",
        );
        assert_eq!(m.url.as_deref(), Some("https://example.com/a"));
        let m = meta("<meta property='og:url' content='https://example.com/b'>");
        assert_eq!(m.url.as_deref(), Some("https://example.com/b"));
        assert_eq!(meta("<link rel='canonical' href='/relative'>").url, None);
    }
}
