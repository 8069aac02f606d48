//! The readable text summary of `whosaid extract`.

use std::io::Write;

use anstyle::{AnsiColor, Style};
use whosaid_core::{Document, QuoteKind};

/// Writes the summary of one document: metadata, then each quotation with its speaker's
/// resolved name, cue and kind; coloured when `color`.
pub fn render_text(
    out: &mut impl Write,
    doc: &Document,
    name: &str,
    color: bool,
) -> std::io::Result<()> {
    let pick = |s: Style| if color { s } else { Style::new() };
    let bold = pick(Style::new().bold());
    let dim = pick(Style::new().dimmed());
    let speaker = pick(AnsiColor::Cyan.on_default().bold());
    let cue_style = pick(AnsiColor::Yellow.on_default());
    let kind_style = pick(AnsiColor::Magenta.on_default());
    writeln!(out, "{bold}{name}{bold:#}")?;
    let mut meta = Vec::new();
    if let Some(h) = doc.meta.headline {
        meta.push(format!("headline: {}", doc.slice(h)));
    }
    if let Some(s) = doc.meta.source {
        meta.push(format!("source: {}", doc.slice(s)));
    }
    if let Some(d) = doc.meta.dateline {
        meta.push(format!("dateline: {}", doc.slice(d)));
    }
    if let Some(p) = doc.published {
        meta.push(format!("published: {p}"));
    }
    if !meta.is_empty() {
        writeln!(out, "  {dim}{}{dim:#}", meta.join(" · "))?;
    }
    if doc.attributions.is_empty() {
        writeln!(out, "  {dim}no quotations found{dim:#}")?;
    }
    for (k, a) in doc.attributions.iter().enumerate() {
        let kind = match a.kind {
            QuoteKind::Direct => "direct",
            QuoteKind::Indirect => "indirect",
            QuoteKind::Mixed => "mixed",
        };
        let who = match (a.entity, a.speaker) {
            (Some(e), Some(s)) => {
                let name = &doc.entities[e as usize].name;
                let written = doc.slice(s);
                if written == name {
                    name.clone()
                } else {
                    format!("{name} ({written})")
                }
            }
            (None, Some(s)) => doc.slice(s).to_string(),
            _ => "(unattributed)".to_string(),
        };
        let cue = a
            .cue
            .map(|c| doc.slice(c).to_string())
            .unwrap_or_else(|| "—".to_string());
        let when = match a.when {
            Some(w) => match w.date {
                Some(d) => format!(" · {} → {d}", doc.slice(w.span)),
                None => format!(" · {}", doc.slice(w.span)),
            },
            None => String::new(),
        };
        writeln!(
            out,
            "  Q{:<3} {speaker}{who}{speaker:#} {cue_style}{cue}{cue_style:#} {kind_style}[{kind}]{kind_style:#}{dim}{when}{dim:#}",
            k + 1
        )?;
        let text = a.clean_text(doc);
        writeln!(out, "       “{}”", one_line(&text))?;
    }
    writeln!(out)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
