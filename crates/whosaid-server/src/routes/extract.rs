//! `POST /v1/extract`: one article in, its `whosaid/1` record out.
//!
//! The body is the article as text (`text/*`, or no content type), a JSON object
//! `{"text", "date", "id", "url"}` (`application/json`), or a web page (`text/html`,
//! `application/xhtml+xml`). `date`, `id` and `url` may also be given as query parameters;
//! a JSON field, or the page's own date and canonical URL, wins over its query parameter.
//!
//! A page goes through the same reader as `whosaid extract --input html`
//! ([`whosaid_ingest::html::extract_article`]: charset from the header, the page or
//! detection; main content; headline, date and canonical URL from its metadata). The
//! record's spans then refer to the article text taken from the page, which the response
//! adds as a top-level `text` field (only for pages: for the other bodies it is the body).
//!
//! Decisions on awkward bodies: an empty body (or empty `text`) is a 400; a text body
//! with NUL bytes is taken as binary and refused with 415, and so is any other media
//! type; bytes that are not valid UTF-8 are replaced with U+FFFD (as the command line
//! does) and the response says so in `X-Whosaid-Warning`, so its spans refer to the
//! decoded text.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use whosaid_core::Options;

use crate::error::ApiError;
use crate::params::{Params, parse_date};
use crate::state::AppState;

/// The response header that reports a lossy decoding of the body.
pub const WARNING_HEADER: &str = "x-whosaid-warning";

/// The query parameters `POST /v1/extract` knows.
const PARAMS: &[&str] = &["date", "id", "url"];

/// A JSON request body.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExtractRequest {
    text: String,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

/// An article ready for extraction.
struct Article {
    text: String,
    published: Option<jiff::civil::Date>,
    id: Option<String>,
    url: Option<String>,
    /// The headline of a page (used when the text itself has none).
    title: Option<String>,
    /// Whether the text was taken from a page (the response then carries it).
    from_page: bool,
    warning: Option<String>,
}

/// The handler.
pub(crate) async fn extract(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref(), PARAMS)?;
    let article = read_article(&headers, &body, &params)?;
    drop(body);
    let slot = state.extract_slot().await?;
    let warning = article.warning;
    let json = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let options = Options {
            published: article.published,
            ..Options::default()
        };
        let doc = whosaid_core::extract(&article.text, &options);
        let mut record =
            whosaid_core::schema::to_record(&doc, article.id.as_deref(), article.url.as_deref());
        if record.meta.headline.is_none() {
            record.meta.headline = article.title;
        }
        if article.from_page {
            let mut value = serde_json::to_value(&record)?;
            value["text"] = serde_json::Value::String(article.text);
            serde_json::to_vec(&value)
        } else {
            serde_json::to_vec(&record)
        }
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    let mut response = ([(header::CONTENT_TYPE, "application/json")], json).into_response();
    if let Some(w) = warning {
        // Header values are visible ASCII: anything else in a warning becomes `?`.
        let ascii: String = w
            .chars()
            .map(|c| {
                if c == ' ' || c.is_ascii_graphic() {
                    c
                } else {
                    '?'
                }
            })
            .collect();
        if let Ok(value) = HeaderValue::from_str(&ascii) {
            response.headers_mut().insert(WARNING_HEADER, value);
        }
    }
    Ok(response)
}

/// The media type of the body, lowercased, and its charset parameter.
fn media_type(headers: &HeaderMap) -> Result<(String, Option<String>), ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(("text/plain".into(), None));
    };
    let value = value
        .to_str()
        .map_err(|_| ApiError::bad_request("the Content-Type header is not readable"))?
        .to_ascii_lowercase();
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or("").trim().to_string();
    let charset = parts
        .filter_map(|p| p.trim().strip_prefix("charset="))
        .map(|c| c.trim_matches('"').to_string())
        .next();
    Ok((essence, charset))
}

fn read_article(headers: &HeaderMap, body: &[u8], params: &Params) -> Result<Article, ApiError> {
    let (essence, charset) = media_type(headers)?;
    let is_json = essence == "application/json" || essence.ends_with("+json");
    let is_html = matches!(essence.as_str(), "text/html" | "application/xhtml+xml");
    let mut article = if is_json {
        read_json(body)?
    } else if is_html {
        read_html(headers, body)?
    } else if essence.starts_with("text/") {
        read_text(body, charset.as_deref())?
    } else {
        return Err(ApiError::unsupported_media(format!(
            "unsupported Content-Type `{essence}`: send the article as text/plain, as \
             application/json {{\"text\": ..., \"date\": ...}}, or the page as text/html"
        )));
    };
    if article.text.is_empty() {
        return Err(ApiError::bad_request(
            "empty article: send the text of a news report in the body",
        ));
    }
    if article.published.is_none() {
        article.published = params.date("date")?;
    }
    article.id = article.id.or_else(|| params.text("id"));
    article.url = article.url.or_else(|| params.text("url"));
    Ok(article)
}

fn read_json(body: &[u8]) -> Result<Article, ApiError> {
    if body.is_empty() {
        return Err(ApiError::bad_request(
            "empty body: send {\"text\": ...} with the article's text",
        ));
    }
    let request: ExtractRequest = serde_json::from_slice(body).map_err(|e| {
        let what = if e.is_data() {
            "JSON body of the wrong shape (expected {\"text\": string, \"date\"?: \"YYYY-MM-DD\", \"id\"?: string, \"url\"?: string})"
        } else {
            "malformed JSON body"
        };
        ApiError::bad_request(format!("{what}: {e}"))
    })?;
    let published = match request.date.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => {
            Some(parse_date(d).map_err(|why| ApiError::invalid(format!("invalid `date`: {why}")))?)
        }
    };
    Ok(Article {
        text: request.text,
        published,
        id: request.id,
        url: request.url,
        title: None,
        from_page: false,
        warning: None,
    })
}

/// A web page: its main content, headline, date and canonical URL.
fn read_html(headers: &HeaderMap, body: &[u8]) -> Result<Article, ApiError> {
    refuse_binary(body)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let page = whosaid_ingest::html::extract_article(body, content_type);
    Ok(Article {
        text: page.text,
        published: page.date,
        id: None,
        url: page.url,
        title: page.title,
        from_page: true,
        warning: (!page.warnings.is_empty()).then(|| page.warnings.join("; ")),
    })
}

/// A body with NUL bytes is not text (nor a page) whatever its Content-Type says.
fn refuse_binary(body: &[u8]) -> Result<(), ApiError> {
    if body.contains(&0) {
        return Err(ApiError::unsupported_media(
            "the body looks binary (it contains NUL bytes): send the article as text",
        ));
    }
    Ok(())
}

fn read_text(body: &[u8], charset: Option<&str>) -> Result<Article, ApiError> {
    refuse_binary(body)?;
    let (text, warning) = match charset.unwrap_or("utf-8") {
        "utf-8" | "utf8" | "us-ascii" | "ascii" => match std::str::from_utf8(body) {
            Ok(s) => (s.to_string(), None),
            Err(_) => (
                String::from_utf8_lossy(body).into_owned(),
                Some(
                    "invalid UTF-8 in the body was replaced with U+FFFD; spans refer to the decoded text"
                        .to_string(),
                ),
            ),
        },
        "iso-8859-1" | "latin1" | "latin-1" => {
            (body.iter().map(|&b| char::from(b)).collect(), None)
        }
        other => {
            return Err(ApiError::unsupported_media(format!(
                "unsupported charset `{other}`: send UTF-8 (or ISO-8859-1)"
            )));
        }
    };
    Ok(Article {
        text,
        published: None,
        id: None,
        url: None,
        title: None,
        from_page: false,
        warning,
    })
}
