//! HTML pages: charsets, paragraphs, headline, byline and date.

mod common;

use common::*;
use whosaid_ingest::html::extract_article;
use whosaid_ingest::{InputSpec, ReadOptions, read_inputs};

const FRENCH: &str = "Le président a déclaré à la presse que la réforme des retraites était déjà \
    adoptée, malgré les critiques répétées de l'opposition, des syndicats et des élus locaux.";

fn french_page(meta: &str) -> String {
    news_page("Réforme adoptée", &[FRENCH, FILLER], meta)
}

fn read_one(dir: &std::path::Path, name: &str, bytes: &[u8]) -> whosaid_ingest::RawDocument {
    let path = write(dir, name, bytes);
    let (mut docs, errors) = split(read_inputs(
        &[InputSpec::from(path.as_path())],
        &ReadOptions::default(),
    ));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(docs.len(), 1);
    docs.remove(0)
}

#[test]
fn windows_1252_declared_by_meta_charset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = french_page("<meta charset=\"windows-1252\">");
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&page);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "fixture must not be UTF-8"
    );
    let doc = read_one(dir.path(), "fr.html", &bytes);
    assert_eq!(doc.title.as_deref(), Some("Réforme adoptée"));
    assert!(doc.text.starts_with(FRENCH), "{}", doc.text);
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
}

#[test]
fn iso_8859_1_declared_by_http_equiv() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page =
        french_page("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\">");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&page);
    let doc = read_one(dir.path(), "fr.htm", &bytes);
    assert!(doc.text.starts_with(FRENCH), "{}", doc.text);
}

#[test]
fn undeclared_legacy_encoding_is_detected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = french_page("");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&page);
    let doc = read_one(dir.path(), "page.html", &bytes);
    assert_eq!(doc.title.as_deref(), Some("Réforme adoptée"));
    assert!(doc.text.starts_with(FRENCH), "{}", doc.text);
}

#[test]
fn content_type_header_wins_over_meta() {
    let page = french_page("<meta charset=\"utf-8\">");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&page);
    let article = extract_article(&bytes, Some("text/html; charset=windows-1252"));
    assert!(article.text.starts_with(FRENCH), "{}", article.text);
}

#[test]
fn article_structure_is_kept() {
    let page = r#"<!DOCTYPE html>
<html lang="en"><head>
  <title>Council approves tram plan - The Daily</title>
  <meta property="og:title" content="Council approves tram plan">
  <script type="application/ld+json">
    {"@context": "https://schema.org", "@type": "NewsArticle",
     "headline": "Council approves tram plan", "datePublished": "2019-11-05T09:30:00+00:00"}
  </script>
</head><body>
  <header><nav><ul><li><a href="/">Home</a></li><li><a href="/local">Local</a></li></ul></nav></header>
  <main><article>
    <h1>Council approves tram plan</h1>
    <p class="byline">By <a rel="author" href="/staff/jane">Jane Roe</a></p>
    <p>"This is a historic day for the city," Mayor Ana Ruiz said after the vote,
       which passed   by nine votes to four.</p>
    <p>The plan, which has been debated for more than a decade, will add
       <b>twelve kilometres</b> of track and fourteen new stops across the northern districts.</p>
    <h2>Opposition</h2>
    <blockquote>We will keep fighting this waste of money, said councillor Tom Hale.</blockquote>
    <p>Construction is expected to begin next spring and to last about three years, according to
       the transport authority, which will publish a detailed timetable in January.</p>
  </article></main>
  <aside><h3>Most read</h3><ol><li>Something else</li></ol></aside>
  <footer>&copy; The Daily</footer>
</body></html>"#;
    let article = extract_article(page.as_bytes(), None);
    assert_eq!(article.title.as_deref(), Some("Council approves tram plan"));
    assert_eq!(article.byline.as_deref(), Some("Jane Roe"));
    assert_eq!(
        article.date.map(|d| d.to_string()).as_deref(),
        Some("2019-11-05")
    );
    let paragraphs: Vec<&str> = article.text.split("\n\n").collect();
    assert!(
        paragraphs.contains(
            &"\"This is a historic day for the city,\" Mayor Ana Ruiz said after the vote, which passed by nine votes to four."
        ),
        "{paragraphs:#?}"
    );
    assert!(paragraphs.contains(&"Opposition"), "{paragraphs:#?}");
    assert!(
        paragraphs
            .contains(&"We will keep fighting this waste of money, said councillor Tom Hale."),
        "{paragraphs:#?}"
    );
    assert!(
        paragraphs
            .iter()
            .any(|p| p.contains("add twelve kilometres of track")),
        "{paragraphs:#?}"
    );
    assert!(!article.text.contains("Home"), "{}", article.text);
    assert!(!article.text.contains("Most read"), "{}", article.text);
    assert!(!article.text.contains("Jane Roe"), "{}", article.text);
    assert!(!article.text.contains("\n\n\n"));
}

#[test]
fn html_file_metadata_reaches_the_document() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = news_page(
        "Storm closes schools",
        &[
            "Schools will stay closed on Friday, officials said.",
            FILLER,
        ],
        "<meta name=\"author\" content=\"Sam Lee\"><link rel=\"canonical\" href=\"https://news.example/storm\">\
         <meta name=\"pubdate\" content=\"2022-01-07\">",
    );
    let doc = read_one(dir.path(), "storm.html", page.as_bytes());
    assert_eq!(doc.id, dir.path().join("storm.html").display().to_string());
    assert_eq!(doc.url.as_deref(), Some("https://news.example/storm"));
    assert_eq!(date(&doc).as_deref(), Some("2022-01-07"));
    assert_eq!(doc.byline.as_deref(), Some("Sam Lee"));
    assert!(
        doc.text
            .starts_with("Schools will stay closed on Friday, officials said.\n\nThe council")
    );
}

#[test]
fn binary_data_named_html_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "image.html", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let (docs, errors) = split(read_inputs(
        &[InputSpec::from(path.as_path())],
        &ReadOptions::default(),
    ));
    assert!(docs.is_empty());
    assert_eq!(errors.len(), 1);
    assert!(errors[0].contains("binary file, skipped"), "{errors:?}");
}
