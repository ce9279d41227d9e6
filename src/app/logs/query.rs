//! The Logs pane's query prompt: a window (`live`, `15m`, `1h`, `2d`, `FROM..TO`) and then a
//! CloudWatch filter pattern.

use super::feed::Window;
use backoffice_domain::model::{FilterPattern, TimeWindow, parse_window_ends};

/// Longest window a query may name.
const MAX_WINDOW: chrono::Duration = chrono::Duration::days(366);

/// Units a window written with a space may name (`15 m`, `2 days`); `ms` is not one, so
/// `200 ms` is searched for.
const SPELLED_UNITS: [&str; 18] = [
    "s", "sec", "secs", "second", "seconds", "m", "min", "mins", "minute", "minutes", "h", "hr",
    "hrs", "hour", "hours", "d", "day", "days",
];

/// Whether `word` was meant as a window (`0m`, `-5m`, `1h30m`, `1hr`, `5mins`, `2days`): an
/// optional minus, a number, a unit letter (s, m, h or d), then only letters and digits. `5xx`
/// and `500` are patterns.
fn looks_like_window(word: &str) -> bool {
    let body = word.strip_prefix('-').unwrap_or(word);
    let rest = body.trim_start_matches(|c: char| c.is_ascii_digit());
    rest.len() < body.len()
        && rest.starts_with(['s', 'm', 'h', 'd'])
        && rest.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A window written as the pane's titles write one, with spaces (`2026-12-06 01:10 ..
/// 2026-12-06 01:30 UTC`), as one word (`2026-12-06T01:10..2026-12-06T01:30`), with the
/// pattern after it: split at its first space, it became a live tail searching for the rest.
fn join_spaced_window(text: &str) -> Option<String> {
    let (left, right) = text.split_once("..")?;
    // With its year, or without it as the titles write a window short (`12-06 01:10..01:12`).
    let is_date = |w: &str| {
        chrono::NaiveDate::parse_from_str(w, "%Y-%m-%d").is_ok()
            || chrono::NaiveDate::parse_from_str(&format!("2000-{w}"), "%Y-%m-%d").is_ok()
    };
    let is_time = |w: &str| {
        ["%H:%M:%S", "%H:%M"]
            .iter()
            .any(|f| chrono::NaiveTime::parse_from_str(w, f).is_ok())
    };
    let utc = |w: &str| w.eq_ignore_ascii_case("UTC");
    let from = match left.split_whitespace().collect::<Vec<_>>().as_slice() {
        [date, time] | [date, time, _] if is_date(date) && is_time(time) => {
            format!("{date}T{time}")
        }
        [one] | [one, _] => (*one).to_string(),
        _ => return None,
    };
    // A `UTC` after the first time too (`01:00 UTC .. 01:30 UTC`).
    if let [.., last] = left.split_whitespace().collect::<Vec<_>>().as_slice()
        && left.split_whitespace().count() > 1
        && !is_time(last)
        && !utc(last)
    {
        return None;
    }
    // The next word of `s`, and what follows it.
    let word = |s: &str| -> (String, String) {
        let s = s.trim_start();
        match s.split_once(char::is_whitespace) {
            Some((w, rest)) => (w.to_string(), rest.to_string()),
            None => (s.to_string(), String::new()),
        }
    };
    let (date, after) = word(right);
    let (time, after_time) = word(&after);
    let (to, mut rest) = if is_date(&date) && is_time(&time) {
        (format!("{date}T{time}"), after_time)
    } else if is_date(&date) && time.starts_with(|c: char| c.is_ascii_digit()) {
        // A date then a time mistyped (`2026-12-05 1200`): not a whole day and a pattern.
        return None;
    } else {
        (date, after)
    };
    let (zone, after_zone) = word(&rest);
    if utc(&zone) {
        rest = after_zone;
    }
    // Only a window of two times, and only one that held a space: anything else is left to
    // the prompt's own reading (`a..b` is a pattern).
    let spaced = left.contains(char::is_whitespace) || right.starts_with(char::is_whitespace);
    if !spaced || parse_window_ends(&from, &to, chrono::Utc::now()).is_err() {
        return None;
    }
    let rest = rest.trim();
    Some(if rest.is_empty() {
        format!("{from}..{to}")
    } else {
        format!("{from}..{to} {rest}")
    })
}

/// Whether `word` starts as a date does (`12-05`, `2026-12-05`, `13-40`): digits, a dash, a
/// digit.
fn date_shaped(word: &str) -> bool {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    (1..=4).contains(&digits)
        && word[digits..].starts_with('-')
        && word[digits + 1..].starts_with(|c: char| c.is_ascii_digit())
}

/// Reads the query prompt: an optional window (`live`, `15m`, `1h`, `2d`, `FROM..TO`), then a
/// CloudWatch filter pattern.
pub fn parse_query(text: &str) -> Result<(Window, Option<FilterPattern>), String> {
    let joined = join_spaced_window(text.trim());
    let text = joined.as_deref().unwrap_or(text).trim();
    let (first, rest) = match text.split_once(char::is_whitespace) {
        Some((f, r)) => (f, r.trim()),
        None => (text, ""),
    };
    // A window meant and mistyped (`13-40 01:00..02:00`, `12-05 10:00..1200`): refused with
    // why, not tailed live searching for it.
    if joined.is_none()
        && !first.contains("..")
        && date_shaped(first)
        && let Some((left, right)) = text.split_once("..")
    {
        // The end's date and its time, where a time follows (`2026-12-05 1200`).
        let mut words = right.split_whitespace();
        let mut to = words.next().unwrap_or_default().to_string();
        if let Some(time) = words
            .next()
            .filter(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        {
            to = format!("{to} {time}");
        }
        let why = parse_window_ends(left, &to, chrono::Utc::now())
            .map(|_| "write each end as 2026-12-06 01:10 or 12-06 01:10".to_string())
            .unwrap_or_else(|e| e.message);
        let meant = format!("{}..{to}", left.trim());
        return Err(format!(
            "{why} (in the window '{meant}'; to search for it, quote it: \"{meant}\")"
        ));
    }
    let window = if first == "live" {
        Some(Window::Live)
    } else if let Some((from, to)) = first.split_once("..") {
        let (start, end) =
            parse_window_ends(from, to, chrono::Utc::now()).map_err(|e| e.message)?;
        if end - start > MAX_WINDOW {
            return Err("a window may span at most 366 days".into());
        }
        Some(Window::Range(
            TimeWindow::new(start, end).map_err(|e| e.to_string())?,
        ))
    } else {
        let unit = first.chars().last().unwrap_or(' ');
        let size = match unit {
            's' => Some(1),
            'm' => Some(60),
            'h' => Some(3_600),
            'd' => Some(86_400),
            _ => None,
        };
        match (
            size,
            first[..first.len() - unit.len_utf8().min(first.len())].parse::<i64>(),
        ) {
            (Some(size), Ok(n)) if n > 0 => {
                let seconds = n.saturating_mul(size);
                if seconds > MAX_WINDOW.num_seconds() {
                    return Err("a window may span at most 366 days".into());
                }
                Some(Window::Last { seconds })
            }
            // A number, a space, then a unit (`15 m ERROR`): a window with a space in it.
            _ if !first.is_empty()
                && first.bytes().all(|b| b.is_ascii_digit())
                && rest.split_whitespace().next().is_some_and(|unit| {
                    SPELLED_UNITS.contains(&unit.to_ascii_lowercase().as_str())
                }) =>
            {
                let unit = rest.split_whitespace().next().unwrap_or_default();
                return Err(format!(
                    "'{first} {unit}': write a window without a space: {first}{unit} (to search for it, quote it: \"{first} {unit}\")"
                ));
            }
            // A date where the window goes, not made into one (`2026-12-06 01:10`, or an end
            // without its date): meant as a window, it tailed live searching for the date.
            _ if first
                .get(..10)
                .is_some_and(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok()) =>
            {
                return Err(format!(
                    "'{first}': a window is FROM..TO, each end with its date and time: \
                     2026-12-06 01:10 .. 2026-12-06 01:30 (to search for it, quote it: \
                     \"{first}\")"
                ));
            }
            // What was meant as a window is not searched for as text.
            _ if looks_like_window(first) => {
                return Err(format!(
                    "'{first}': a window is one positive number and a unit (s, m, h or d): 15m, 90m, 2d (to search for it, quote it: \"{first}\")"
                ));
            }
            _ => None,
        }
    };
    // A second window where the pattern starts: the prompt opens with `15m ` written, and `1h`
    // typed after it searched the lines for "1h".
    if window.is_some()
        && let Some(second) = rest.split_whitespace().next()
        && (second == "live"
            || second.contains("..")
            || looks_like_window(second)
            || parse_query(second).is_ok_and(|(w, p)| p.is_none() && w != Window::Live)
            // One with spaces, as the titles write it (`12-05 10:00..12:00 UTC`).
            || join_spaced_window(rest).is_some())
    {
        return Err(format!(
            "two windows, '{first}' and '{second}': keep one (to search for '{second}', quote it: \"{second}\")"
        ));
    }
    let (window, pattern_text) = match window {
        Some(w) => (w, rest),
        None => (Window::Live, text),
    };
    let pattern = if pattern_text.is_empty() {
        None
    } else {
        Some(FilterPattern::parse(pattern_text).map_err(|e| e.to_string())?)
    };
    Ok((window, pattern))
}

#[cfg(test)]
mod tests {
    use super::*;
    use backoffice_domain::model::parse_instant;

    /// A window copied from a title, with its spaces and `UTC`, is the window (it became a live
    /// tail searching for its second half); the pattern after it stays the pattern.
    #[test]
    fn a_window_written_with_spaces_as_the_titles_write_it_is_taken() {
        let want = Window::Range(
            TimeWindow::new(
                parse_instant("2026-12-06T01:00").unwrap(),
                parse_instant("2026-12-06T01:30").unwrap(),
            )
            .unwrap(),
        );
        for text in [
            "2026-12-06 01:00..2026-12-06 01:30",
            "2026-12-06 01:00 .. 2026-12-06 01:30",
            "2026-12-06 01:00:00 .. 2026-12-06 01:30:00 UTC",
            "2026-12-06T01:00 .. 2026-12-06T01:30",
            "2026-12-06 01:00 UTC .. 2026-12-06 01:30 UTC",
            "2026-12-06 01:00 .. 2026-12-06 01:30 utc",
        ] {
            assert_eq!(parse_query(text), Ok((want.clone(), None)), "{text}");
        }
        let (window, pattern) =
            parse_query("2026-12-06 01:00 .. 2026-12-06 01:30 UTC ERROR timeout").unwrap();
        assert_eq!(window, want);
        assert_eq!(
            pattern,
            Some(FilterPattern::parse("ERROR timeout").unwrap())
        );
        // Not two times: read as before (a first word with `..` is a window to mend).
        assert!(
            parse_query("ERROR .. timeout").is_ok_and(|(w, p)| w == Window::Live && p.is_some())
        );
        assert!(
            parse_query("a..b")
                .unwrap_err()
                .starts_with("'a': write a time")
        );
        // A window written short, as the titles write one (`12-06 01:10..01:12 UTC`): the
        // end a time on the start's day, the start without its year.
        let short = Window::Range(
            TimeWindow::new(
                parse_instant("2026-12-06T01:10").unwrap(),
                parse_instant("2026-12-06T01:12").unwrap(),
            )
            .unwrap(),
        );
        assert_eq!(
            parse_query("2026-12-06 01:10..01:12 ERROR"),
            Ok((short, Some(FilterPattern::parse("ERROR").unwrap())))
        );
        let read =
            backoffice_domain::model::parse_range("12-06 01:10..01:12 UTC", chrono::Utc::now())
                .unwrap();
        for text in [
            "12-06 01:10..01:12 UTC",
            "12-06T01:10..01:12",
            "12-06 01:10 .. 01:12",
        ] {
            assert_eq!(parse_query(text), Ok((Window::Range(read), None)), "{text}");
        }
        // A date where the window goes that does not make one is refused, not tailed live
        // searching for it: a start alone, one instant.
        for text in ["2026-12-06 01:10", "2026-12-06T01:10", "2026-12-06"] {
            let refused = parse_query(text).unwrap_err();
            assert!(
                refused.contains("a window is FROM..TO, each end with its date and time"),
                "{text}: {refused}"
            );
        }
        // Quoted, it is searched for.
        assert!(parse_query("\"2026-12-06\"").is_ok_and(|(w, p)| w == Window::Live && p.is_some()));
    }

    /// A window meant and mistyped is refused with why, never tailed live searching for it
    /// (`13-40 01:00..02:00` was a live tail filtering on that text; `2026-12-05
    /// 10:00..2026-12-05 1200` a whole day searching for `1200`).
    #[test]
    fn a_mistyped_short_window_is_refused() {
        for (text, why) in [
            (
                "13-40 01:00..02:00",
                "'13-40 01:00': there is no month 13 (01 to 12); write a time",
            ),
            (
                "12-05 25:00..26:00",
                "'12-05 25:00': there is no hour 25 (00 to 23); write a time",
            ),
            (
                "02-30 10:00..11:00",
                "'02-30 10:00': February 2026 has no day 30 (01 to 28); write a time",
            ),
            (
                "2025-02-29 10:00..11:00",
                "'2025-02-29 10:00': February has no day 29 (01 to 28); write a time",
            ),
            (
                "12-05 10:00..12:61",
                "'12:61': there is no minute 61 (00 to 59); write a time",
            ),
            ("12-05 10:00..1200", "'1200': write a time"),
            ("12-05 10:00..12:00UTC ERROR", "'12:00UTC': write a time"),
            (
                "2026-12-05 10:00..2026-12-05 1200",
                "'2026-12-05 1200': write a time",
            ),
        ] {
            let refused = parse_query(text).unwrap_err();
            assert!(refused.starts_with(why), "{text}: {refused}");
            assert!(refused.contains("quote it"), "{text}: {refused}");
        }
        // Quoted, such text is searched for.
        assert!(parse_query("\"13-40 01:00..02:00\"").is_ok_and(|(w, _)| w == Window::Live));
        // A short date alone at the end is that whole day, as the docs say (it was refused).
        assert!(parse_query("12-05 10:00..12-06").is_ok_and(
            |(w, p)| matches!(w, Window::Range(r) if r.end - r.start == chrono::Duration::hours(38))
                && p.is_none()
        ));
    }

    /// A window in the titles' forms typed after the one the prompt opened with is the second
    /// window (it was searched for as a pattern over the first).
    #[test]
    fn a_titles_window_after_another_is_a_second_window() {
        for text in [
            "1h 12-05 10:00..12:00 UTC",
            "1h 2026-12-05 10:00 .. 2026-12-05 12:00 UTC",
        ] {
            let err = parse_query(text).unwrap_err();
            assert!(err.contains("two windows"), "{text}: {err}");
        }
    }

    /// A window typed after the one the prompt opens with is refused, not searched for.
    #[test]
    fn a_second_window_is_refused() {
        for text in [
            "15m 1h",
            "15m live",
            "15m 2d ERROR",
            "1h 2026-11-25T10:00..2026-11-25T11:00",
        ] {
            let err = parse_query(text).unwrap_err();
            assert!(err.contains("two windows"), "{text}: {err}");
        }
        // Quoted, it is a pattern; a number alone is one too.
        assert!(parse_query("15m \"1h\"").is_ok());
        assert!(parse_query("15m 500").is_ok());
        assert!(parse_query("15m ERROR").is_ok());
    }

    /// A window written wrong is refused, not searched for as text; numbers alone (a status
    /// code) and words that only end in a unit letter are patterns.
    #[test]
    fn a_mistyped_window_is_refused_and_a_number_is_a_pattern() {
        for typo in [
            "0m", "-5m", "1h30m", "00s", "1hr", "5mins", "2days", "10sec",
        ] {
            let err = parse_query(&format!("{typo} ERROR")).unwrap_err();
            assert!(err.starts_with(&format!("'{typo}': a window is")), "{err}");
        }
        for spaced in ["15 m ERROR", "2 days", "90 min"] {
            let err = parse_query(spaced).unwrap_err();
            assert!(err.contains("without a space"), "{spaced}: {err}");
        }
        for pattern in [
            "500",
            "5xx",
            "timeout",
            "ms",
            "m5",
            "\"1hr\"",
            "2fa",
            "404 errors",
            "500 Internal",
            "200 ms",
        ] {
            let (w, p) = parse_query(pattern).unwrap();
            assert_eq!((w, p.unwrap().as_str()), (Window::Live, pattern));
        }
    }

    #[test]
    fn a_query_reads_a_window_then_a_pattern() {
        let (w, p) = parse_query("5m ERROR timeout").unwrap();
        assert_eq!(w, Window::Last { seconds: 300 });
        assert_eq!(p.unwrap().as_str(), "ERROR timeout");
        assert_eq!(
            parse_query("1h").unwrap(),
            (Window::Last { seconds: 3600 }, None)
        );
        let (w, _) = parse_query("2026-11-25T10:00..2026-11-25T11:00").unwrap();
        let Window::Range(w) = w else { panic!("{w:?}") };
        assert_eq!(w.end - w.start, chrono::Duration::hours(1));
    }

    #[test]
    fn text_without_a_window_is_a_pattern_on_the_live_tail() {
        let (w, p) = parse_query("?ERROR ?WARN").unwrap();
        assert_eq!(w, Window::Live);
        assert_eq!(p.unwrap().as_str(), "?ERROR ?WARN");
        assert_eq!(parse_query("live").unwrap(), (Window::Live, None));
    }

    #[test]
    fn a_bad_window_or_pattern_is_explained() {
        assert!(parse_query("2026-11-25T11:00..2026-11-25T10:00").is_err());
        assert!(
            parse_query("yesterday..today")
                .unwrap_err()
                .contains("yesterday")
        );
        assert!(parse_query("5m \"unclosed").unwrap_err().contains("quote"));
        assert!(parse_query("400d").unwrap_err().contains("366"));
    }

    proptest::proptest! {
        #[test]
        fn the_query_parser_never_panics(text in "\\PC{0,40}") {
            let _ = parse_query(&text);
        }
    }
}
