//! The `/` filters of the Posts pane: the posts list's `status:hidden author:<sub>
//! since:2026-11-01 until:2026-11-20` and free text; the reports queue's `kind:comment` and a
//! reason.

use crate::app::Problem;
use backoffice_domain::model::{ContentStatus, PostFilter, QueueFilter, TargetKind, UserSub};
use chrono::{NaiveDate, TimeZone, Utc};

/// Parses the posts filter: `status:hidden author:<sub> since:2026-11-01 until:2026-11-20`,
/// the rest is text searched in bodies. An author named otherwise than by sub is refused
/// here; [`parse_filter_naming`] takes it.
pub fn parse_filter(text: &str) -> Result<PostFilter, Problem> {
    match parse_filter_naming(text)? {
        (f, None) => Ok(f),
        (_, Some(_)) => Err(Problem::from("author: must be a UUID")),
    }
}

/// As [`parse_filter`], with an author named by e-mail, username or phone
/// (`author:ann@example.com`) given back beside the filter, to be looked up: the filter's
/// author is then the sub found (it took a sub alone, and a moderator with an e-mail could not
/// find a person's posts).
pub fn parse_filter_naming(text: &str) -> Result<(PostFilter, Option<String>), Problem> {
    let mut named = None;
    let mut f = PostFilter::default();
    let mut words = Vec::new();
    let day = |v: &str, key: &str| -> Result<chrono::DateTime<Utc>, Problem> {
        let d = NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map_err(|_| Problem(format!("{key}: write a date as YYYY-MM-DD, not '{v}'")))?;
        Ok(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default()))
    };
    for word in text.split_whitespace() {
        match word.split_once(':') {
            Some(("status", v)) => {
                f.status = Some(v.parse::<ContentStatus>().map_err(|_| {
                    Problem(format!(
                        "status: one of visible, hidden, removed; not '{v}'"
                    ))
                })?)
            }
            Some(("author", "")) => {
                return Err(Problem::from(
                    "author: give a sub, an e-mail or a username (author:ann@example.com)",
                ));
            }
            Some(("author", v)) => match UserSub::parse(v) {
                Ok(sub) => f.author = Some(sub),
                Err(_) => named = Some(v.to_string()),
            },
            Some(("since", v)) => f.since = Some(day(v, "since")?),
            Some(("order", "oldest")) => f.oldest_first = true,
            Some(("order", "newest")) => f.oldest_first = false,
            Some(("order", v)) => {
                return Err(Problem(format!(
                    "order: oldest or newest (the store's order by creation); not '{v}'"
                )));
            }
            Some(("until", v)) => {
                f.until = Some(day(v, "until")? + chrono::Duration::days(1));
            }
            Some((key @ ("kind" | "reason"), _)) => {
                return Err(Problem(format!(
                    "{key}: filters the reports queue, not the posts list; switch to the queue first"
                )));
            }
            _ => words.push(word),
        }
    }
    if let (Some(s), Some(u)) = (f.since, f.until)
        && u <= s
    {
        return Err(Problem::from("until is before since"));
    }
    f.text = phrase(&words)?;
    Ok((f, named))
}

/// The words left of a filter as one phrase, quotes around it dropped (`"spam link"` is the
/// phrase `spam link`); none when nothing is left. Quotes anywhere else are text searched for
/// (`"hello" and`, `said "hello"`). A lone quote at either end is refused (`"ramen place` was
/// searched for with its quote, and matched nothing).
fn phrase(words: &[&str]) -> Result<Option<String>, Problem> {
    let joined = words.join(" ");
    let quotes = joined.matches('"').count();
    let (opens, closes) = (joined.starts_with('"'), joined.ends_with('"'));
    let text = match (quotes, opens, closes) {
        (2, true, true) => &joined[1..joined.len() - 1],
        (1, true, _) => {
            return Err(Problem::from(
                "a quote is not closed: end the phrase with \"",
            ));
        }
        (1, _, true) => {
            return Err(Problem::from(
                "a quote is not opened: begin the phrase with \"",
            ));
        }
        _ => &joined,
    }
    .trim();
    Ok((!text.is_empty()).then(|| text.to_string()))
}

/// Parses the reports queue's filter: `kind:post|comment|user` (plurals too), the rest is text
/// a report's reason holds. A posts-list key is refused with where it applies.
pub fn parse_queue_filter(text: &str) -> Result<QueueFilter, Problem> {
    let mut f = QueueFilter::default();
    let mut words = Vec::new();
    for word in text.split_whitespace() {
        match word.split_once(':') {
            Some(("kind", v)) => {
                let v = v.to_lowercase();
                let kind = v.strip_suffix('s').unwrap_or(&v);
                let kind = kind
                    .parse::<TargetKind>()
                    .map_err(|_| Problem(format!("kind: one of post, comment, user; not '{v}'")))?;
                if f.kind.is_some_and(|k| k != kind) {
                    return Err(Problem(
                        "kind: give one (post, comment or user); the queue shows one kind or all"
                            .into(),
                    ));
                }
                f.kind = Some(kind);
            }
            Some(("reason", v)) if !v.is_empty() => words.push(v),
            Some((key @ ("status" | "author" | "since" | "until" | "order"), _)) => {
                return Err(Problem(format!(
                    "{key}: filters the posts list, not the reports queue (kind: and a reason \
                     do); switch to the posts list first"
                )));
            }
            _ => words.push(word),
        }
    }
    f.reason = phrase(&words)?;
    Ok(f)
}
