//! When it was said: time expressions near a cue, resolved against the publication date.
//!
//! Recognised: weekdays ("on Saturday", "Friday night"), "yesterday", "today", "tonight",
//! "last night", month and day ("Feb. 9", "9 February"), "last week/month/year", and "earlier
//! this week" / "earlier in the week". A bare weekday means the most recent such day on or
//! before the publication date (news style names the day even for the day of publication);
//! a month and day without a year means the most recent such date on or before it.

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

use crate::document::Document;
use crate::lexicon::TimeWord;
use crate::span::Span;
use crate::token::TokenKind;

/// How precise a resolved date is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// A single day.
    Day,
    /// Some day of the week starting at `date`.
    Week,
    /// Some day of the month starting at `date`.
    Month,
    /// Some day of the year starting at `date`.
    Year,
}

/// A time expression attached to an attribution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct When {
    /// The expression as written ("on Saturday").
    pub span: Span,
    /// The calendar date it resolves to, given a publication date.
    pub date: Option<Date>,
    /// Precision of `date`.
    pub precision: Precision,
}

/// A time expression found in the text: token range and how to resolve it.
#[derive(Clone, Copy, Debug)]
struct Expr {
    start: usize,
    end: usize,
    kind: ExprKind,
}

#[derive(Clone, Copy, Debug)]
enum ExprKind {
    Weekday(u8),
    DaysAgo(i32),
    MonthDay(u8, u8),
    LastWeek,
    LastMonth,
    LastYear,
    ThisWeek,
}

/// Finds the time expression of each attribution (outside its content, in its cue's
/// sentence, nearest the cue) and resolves it.
pub fn attach_dates(doc: &mut Document) {
    let published = doc.published;
    let mut whens = Vec::with_capacity(doc.attributions.len());
    for a in &doc.attributions {
        let s = doc.sentences[a.sentence as usize];
        let anchor = a
            .cue_tokens
            .map(|c| c.start as usize)
            .or(a.speaker_tokens.map(|r| r.start as usize));
        let Some(anchor) = anchor else {
            whens.push(None);
            continue;
        };
        let exprs = find_exprs(doc, s.tokens.start as usize, s.tokens.end as usize);
        let best = exprs
            .into_iter()
            .filter(|e| !a.content_tokens.iter().any(|c| c.contains(e.start)))
            .min_by_key(|e| {
                if e.start >= anchor {
                    e.start - anchor
                } else {
                    anchor - e.end + 1
                }
            });
        whens.push(best.map(|e| When {
            span: doc.token_span(e.start, e.end),
            date: published.and_then(|p| resolve(e.kind, p)),
            precision: precision(e.kind),
        }));
    }
    for (a, w) in doc.attributions.iter_mut().zip(whens) {
        a.when = w;
    }
}

fn precision(k: ExprKind) -> Precision {
    match k {
        ExprKind::LastWeek | ExprKind::ThisWeek => Precision::Week,
        ExprKind::LastMonth => Precision::Month,
        ExprKind::LastYear => Precision::Year,
        _ => Precision::Day,
    }
}

fn find_exprs(doc: &Document, a: usize, b: usize) -> Vec<Expr> {
    let mut out = Vec::new();
    let mut i = a;
    while i < b {
        if doc.tokens[i].kind != TokenKind::Word {
            i += 1;
            continue;
        }
        let w = doc.lower(i);
        let prev = if i > a { Some(doc.lower(i - 1)) } else { None };
        let prev_is = |x: &str| prev == Some(x);
        match doc.lexeme(i).time_word {
            Some(TimeWord::Weekday(d)) if doc.tokens[i].is_capitalized() => {
                let start = if prev_is("on") || prev_is("last") || prev_is("this") {
                    i - 1
                } else {
                    i
                };
                let mut end = i + 1;
                if end < b
                    && matches!(
                        doc.lower(end),
                        "night" | "morning" | "afternoon" | "evening"
                    )
                {
                    end += 1;
                }
                out.push(Expr {
                    start,
                    end,
                    kind: ExprKind::Weekday(d),
                });
                i = end;
                continue;
            }
            Some(TimeWord::Month(m)) if doc.tokens[i].is_capitalized() => {
                // "Feb. 9" or "9 February"
                if i + 1 < b
                    && doc.tokens[i + 1].kind == TokenKind::Number
                    && let Ok(d) = doc.word(i + 1).parse::<u8>()
                {
                    let start = if prev_is("on") { i - 1 } else { i };
                    out.push(Expr {
                        start,
                        end: i + 2,
                        kind: ExprKind::MonthDay(m, d),
                    });
                    i += 2;
                    continue;
                }
                if i > a
                    && doc.tokens[i - 1].kind == TokenKind::Number
                    && let Ok(d) = doc.word(i - 1).parse::<u8>()
                {
                    let start = if i >= a + 2 && doc.lower(i - 2) == "on" {
                        i - 2
                    } else {
                        i - 1
                    };
                    out.push(Expr {
                        start,
                        end: i + 1,
                        kind: ExprKind::MonthDay(m, d),
                    });
                }
            }
            _ => {}
        }
        let next = if i + 1 < b {
            Some(doc.lower(i + 1))
        } else {
            None
        };
        let next_is = |x: &str| next == Some(x);
        match w {
            "yesterday" => out.push(Expr {
                start: i,
                end: i + 1,
                kind: ExprKind::DaysAgo(1),
            }),
            "today" | "tonight" => out.push(Expr {
                start: i,
                end: i + 1,
                kind: ExprKind::DaysAgo(0),
            }),
            "last" if next_is("night") => {
                out.push(Expr {
                    start: i,
                    end: i + 2,
                    kind: ExprKind::DaysAgo(1),
                });
                i += 2;
                continue;
            }
            "last" if next_is("week") => {
                out.push(Expr {
                    start: i,
                    end: i + 2,
                    kind: ExprKind::LastWeek,
                });
                i += 2;
                continue;
            }
            "last" if next_is("month") => {
                out.push(Expr {
                    start: i,
                    end: i + 2,
                    kind: ExprKind::LastMonth,
                });
                i += 2;
                continue;
            }
            "last" if next_is("year") => {
                out.push(Expr {
                    start: i,
                    end: i + 2,
                    kind: ExprKind::LastYear,
                });
                i += 2;
                continue;
            }
            "earlier" if next_is("this") && i + 2 < b && doc.lower(i + 2) == "week" => {
                out.push(Expr {
                    start: i,
                    end: i + 3,
                    kind: ExprKind::ThisWeek,
                });
                i += 3;
                continue;
            }
            "earlier"
                if next_is("in")
                    && i + 3 < b
                    && doc.lower(i + 2) == "the"
                    && doc.lower(i + 3) == "week" =>
            {
                out.push(Expr {
                    start: i,
                    end: i + 4,
                    kind: ExprKind::ThisWeek,
                });
                i += 4;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn weekday(n: u8) -> Weekday {
    match n {
        1 => Weekday::Monday,
        2 => Weekday::Tuesday,
        3 => Weekday::Wednesday,
        4 => Weekday::Thursday,
        5 => Weekday::Friday,
        6 => Weekday::Saturday,
        _ => Weekday::Sunday,
    }
}

fn resolve(kind: ExprKind, published: Date) -> Option<Date> {
    match kind {
        ExprKind::Weekday(d) => {
            let target = weekday(d).to_monday_one_offset() as i32;
            let today = published.weekday().to_monday_one_offset() as i32;
            let back = (today - target).rem_euclid(7);
            published.checked_sub(back.days()).ok()
        }
        ExprKind::DaysAgo(n) => published.checked_sub(n.days()).ok(),
        ExprKind::MonthDay(m, d) => {
            let this_year = Date::new(published.year(), m as i8, d as i8).ok()?;
            if this_year <= published {
                Some(this_year)
            } else {
                Date::new(published.year() - 1, m as i8, d as i8).ok()
            }
        }
        ExprKind::ThisWeek => {
            let back = published.weekday().to_monday_zero_offset() as i32;
            published.checked_sub(back.days()).ok()
        }
        ExprKind::LastWeek => {
            let back = published.weekday().to_monday_zero_offset() as i32 + 7;
            published.checked_sub(back.days()).ok()
        }
        ExprKind::LastMonth => {
            let first = published.first_of_month();
            first.checked_sub(1.month()).ok()
        }
        ExprKind::LastYear => Date::new(published.year() - 1, 1, 1).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn weekdays_resolve_to_the_most_recent_on_or_before() {
        let sat = date(2020, 2, 15);
        assert_eq!(resolve(ExprKind::Weekday(6), sat), Some(sat));
        assert_eq!(resolve(ExprKind::Weekday(5), sat), Some(date(2020, 2, 14)));
        assert_eq!(resolve(ExprKind::Weekday(7), sat), Some(date(2020, 2, 9)));
        assert_eq!(resolve(ExprKind::DaysAgo(1), sat), Some(date(2020, 2, 14)));
    }

    #[test]
    fn month_days_and_weeks() {
        let d = date(2020, 2, 15);
        assert_eq!(resolve(ExprKind::MonthDay(2, 9), d), Some(date(2020, 2, 9)));
        assert_eq!(
            resolve(ExprKind::MonthDay(12, 24), d),
            Some(date(2019, 12, 24))
        );
        assert_eq!(resolve(ExprKind::MonthDay(2, 31), d), None);
        assert_eq!(resolve(ExprKind::ThisWeek, d), Some(date(2020, 2, 10)));
        assert_eq!(resolve(ExprKind::LastWeek, d), Some(date(2020, 2, 3)));
        assert_eq!(resolve(ExprKind::LastMonth, d), Some(date(2020, 1, 1)));
    }
}
