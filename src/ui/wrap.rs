//! Styled text cut into rows between words, continuation rows hanging under the text after a
//! prefix (a log line's time and group, a report's status and time).

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// Cuts spans into rows of at most `width` columns, between words (a word longer than a row, a
/// token, a URL or a JSON blob, is cut where the row ends rather than leave a row half
/// empty). The first `prefix` spans (the gutter, the time, the group) start the first row
/// only: the rows after it start under the message, behind the gutter (the first span, drawn
/// again at the start of each row; an empty span for none), so the times and labels read down
/// a column as when not wrapped.
pub(super) fn wrap_spans(
    spans: Vec<Span<'static>>,
    prefix: usize,
    width: usize,
) -> Vec<Line<'static>> {
    // A continuation keeps at least half the row for the message.
    wrap_keeping(spans, prefix, width, width.max(1).div_ceil(2))
}

/// The fewest columns [`hanging`] leaves its body beside its head.
const LEAST_BODY: usize = 16;

/// `head` (a status, a time) then `body` (what was said), cut into rows of `width` columns
/// between words, the body's later rows starting under its start (a report's reason, a
/// sign-in's event); where the head would leave the body fewer than [`LEAST_BODY`] columns,
/// or too few for its longest word, the head has a row of its own and the body goes under it, indented two (at 60 columns a
/// report ran on under its status, flush with the column's edge).
pub(super) fn hanging(
    head: Vec<Span<'static>>,
    body: Vec<Span<'static>>,
    width: usize,
) -> Vec<Line<'static>> {
    let width = width.max(1);
    let head_width: usize = head.iter().map(Span::width).sum();
    // The body's longest word (a sub, an IPv6 address) whole beside the head, or the head
    // goes on a row of its own.
    let longest = body
        .iter()
        .flat_map(|s| s.content.split(' '))
        .map(unicode_width::UnicodeWidthStr::width)
        .max()
        .unwrap_or(0);
    if head_width + LEAST_BODY.max(longest) <= width {
        let prefix = head.len() + 1;
        let spans = std::iter::once(Span::raw(""))
            .chain(head)
            .chain(body)
            .collect();
        return wrap_keeping(spans, prefix, width, LEAST_BODY);
    }
    let mut head = head;
    if let Some(last) = head.last_mut() {
        last.content = last.content.trim_end().to_string().into();
    }
    let mut lines = wrap_spans(
        std::iter::once(Span::raw("")).chain(head).collect(),
        1,
        width,
    );
    // Indented under the head, unless the body is one word the indent would cut (an author's
    // sub in a 36-column detail).
    let one_word = body.iter().all(|s| !s.content.contains(' '));
    let indent = if one_word && longest + 2 > width {
        ""
    } else {
        "  "
    };
    lines.extend(wrap_spans(
        std::iter::once(Span::raw(indent)).chain(body).collect(),
        1,
        width,
    ));
    lines
}

/// [`wrap_spans`], the prefix's indent kept while it leaves the message `least` columns.
fn wrap_keeping(
    spans: Vec<Span<'static>>,
    prefix: usize,
    width: usize,
    least: usize,
) -> Vec<Line<'static>> {
    let width = width.max(1);
    let gutter = spans.first().cloned();
    let indent: usize = spans.iter().take(prefix).map(Span::width).sum();
    let indent = if indent + least <= width { indent } else { 0 };
    // Only the gutter before the message (no time, one group): continuations are indented
    // two more, so they do not read as lines of their own.
    let indent = if prefix == 1 && indent == 1 && width > 16 {
        3
    } else {
        indent
    };
    let continuation = || -> Vec<Span<'static>> {
        match (&gutter, indent) {
            (_, 0) => Vec::new(),
            (Some(g), n) => vec![
                g.clone(),
                Span::raw(" ".repeat(n.saturating_sub(g.width()))),
            ],
            (None, n) => vec![Span::raw(" ".repeat(n))],
        }
    };
    // Every character with its style and width; the message starts at `message`.
    let mut cells: Vec<(char, Style, usize)> = Vec::new();
    let mut message = 0;
    for (i, span) in spans.iter().enumerate() {
        if i == prefix {
            message = cells.len();
        }
        cells.extend(
            span.content
                .chars()
                .map(|c| (c, span.style, c.width().unwrap_or(0))),
        );
    }
    if prefix >= spans.len() {
        message = cells.len();
    }
    let mut lines = Vec::new();
    let mut start = 0;
    let mut row = Vec::new();
    let mut used = 0;
    while start < cells.len() {
        // The cells that fit from `start` (always one, so a wide character cannot stall).
        let mut end = start;
        let mut taken = used;
        while end < cells.len() && (end == start || taken + cells[end].2 <= width) {
            taken += cells[end].2;
            end += 1;
        }
        // The row ends where a space does: the words on it are whole, and the space goes
        // (it would start the next row).
        let mut next = end;
        if end < cells.len() && end >= message && end > start && cells[end].0 == ' ' {
            next = end + 1;
        } else if end < cells.len() {
            // After the row's last space in the message, where the word cut there fits on the
            // next row, whole or up to its first break (`2001:` of an IPv6 address), or after
            // its last separator (`,` between compact JSON's fields), whichever leaves the row
            // fuller (a space inside a JSON value left a row half empty before fields that
            // fitted); else, within a word, after its last break (`:` `/` `&` …: a JSON key,
            // a URL, an address); the row at least a quarter full for either; else the row is
            // filled (a token of one piece), so no row is left half empty for it.
            let room = width.saturating_sub(indent).max(1);
            let from = start.max(message);
            let filled = |k: usize| used + cells[start..=k].iter().map(|c| c.2).sum::<usize>();
            let space = (from..end)
                .rev()
                .find(|i| cells[*i].0 == ' ')
                .filter(|&k| {
                    let mut word = 0;
                    let mut i = k + 1;
                    while i < cells.len() && cells[i].0 != ' ' && word <= room {
                        word += cells[i].2;
                        if is_break(cells[i].0) {
                            break;
                        }
                        i += 1;
                    }
                    word <= room && k + 1 > start
                })
                .map(|k| k + 1);
            let last_break = |strong: bool| {
                (from..end)
                    .rev()
                    .find(|i| is_break(cells[*i].0) && (!strong || separates(cells[*i].0)))
                    .filter(|&k| filled(k) * 4 >= width)
                    .map(|k| k + 1)
            };
            let cut = match (space, last_break(true)) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            }
            .or_else(|| last_break(false));
            if let Some(k) = cut {
                end = k;
                next = end;
            }
        }
        // A row after a break starts at its next word, not with the spaces before it (` Billed
        // Duration` began a row with a space).
        while next < cells.len() && next >= message && next > start && cells[next].0 == ' ' {
            next += 1;
        }
        push_cells(&mut row, &cells[start..end]);
        lines.push(Line::from(std::mem::take(&mut row)));
        start = next;
        row = continuation();
        used = indent;
    }
    if lines.is_empty() {
        lines.push(Line::from(Vec::new()));
    }
    lines
}

/// Where a word without spaces may be cut: after these, which end a part of compact JSON
/// (`"a":1,`), a path or URL (`/`, `&`, `=`) or an address (`:`).
fn is_break(c: char) -> bool {
    separates(c) || matches!(c, ':' | '/' | '&' | '=' | '|')
}

/// The breaks between whole parts (JSON fields, list items), taken before the others.
fn separates(c: char) -> bool {
    matches!(c, ',' | ';')
}

/// Appends cells to a row as spans, one per run of a style.
fn push_cells(row: &mut Vec<Span<'static>>, cells: &[(char, Style, usize)]) {
    let mut piece = String::new();
    let mut style = None;
    for &(c, s, _) in cells {
        if style.is_some_and(|st| st != s) {
            row.push(Span::styled(
                std::mem::take(&mut piece),
                style.unwrap_or_default(),
            ));
        }
        style = Some(s);
        piece.push(c);
    }
    if let Some(s) = style
        && !piece.is_empty()
    {
        row.push(Span::styled(piece, s));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    fn rows(spans: Vec<Span<'static>>, prefix: usize, width: usize) -> Vec<String> {
        wrap_spans(spans, prefix, width)
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    /// Compact JSON has no spaces: it breaks after a field's comma, so a sub or an id is
    /// whole on its row (it was cut where the row ended, `…5ecae76` / `966f5"}`).
    #[test]
    fn compact_json_breaks_between_its_fields() {
        let sub = "b211d3eb-fe3e-4589-97bb-5ecae76966f5";
        let line = format!(r#"{{"level":"INFO","method":"GET","route":"/posts","sub":"{sub}"}}"#);
        let got = rows(vec![Span::raw(""), Span::raw(line.clone())], 1, 50);
        assert!(got.iter().any(|r| r.contains(sub)), "{got:?}");
        assert!(got.iter().all(|r| r.width() <= 50), "{got:?}");
        assert_eq!(got.concat().replace(' ', ""), line.replace(' ', ""));
        // Between fields first: no row ends inside `"/posts"`.
        assert!(got.iter().all(|r| !r.ends_with("\"/")), "{got:?}");
    }

    /// A space inside a JSON value does not end a row a field's comma further on fills
    /// better (`"message":"request` / `served",…` left the first row half empty); a key's
    /// colon ends a row where the value after it then fits whole; no row after a break starts
    /// with a space.
    #[test]
    fn json_rows_end_after_their_fields_and_start_at_a_word() {
        let id = "5a368f58-5d19-4579-9ec0-7c84dda5a40b";
        let line = format!(
            r#"{{"level":"INFO","message":"request served","requestId":"{id}","method":"GET","route":"/posts"}}"#
        );
        let got = rows(vec![Span::raw(""), Span::raw(line.clone())], 1, 80);
        assert!(got[0].trim_end().ends_with(','), "{got:?}");
        assert!(got[0].contains("request served"), "{got:?}");
        let got = rows(vec![Span::raw(""), Span::raw(line)], 1, 44);
        assert!(got.iter().any(|r| r.contains(id)), "{got:?}");
        let got = rows(
            vec![
                Span::raw(""),
                Span::raw(
                    "END RequestId: 3ca4da6c-f75c-4dbe-8c35-95fc2926c42b  Billed Duration: 4 ms",
                ),
            ],
            1,
            30,
        );
        assert!(got[1..].iter().all(|r| !r.starts_with(' ')), "{got:?}");
    }

    /// A word longer than the row that has breaks (an IPv6 address) starts on a row of its
    /// own and is cut after one of them; a token of one piece fills its rows.
    #[test]
    fn a_long_word_is_cut_at_its_breaks_or_fills_the_rows() {
        let got = rows(
            vec![
                Span::raw(""),
                Span::raw("Fail risk High 2001:0db8:85a3:0000:0000:8a2e:0370:7334 Lagos"),
            ],
            1,
            30,
        );
        assert_eq!(got[0].trim_end(), "Fail risk High");
        assert!(got[1].trim().starts_with("2001:") && got[1].trim_end().ends_with(':'));
        let token = "x".repeat(70);
        let got = rows(vec![Span::raw(""), Span::raw(token.clone())], 1, 30);
        assert_eq!(got[0], "x".repeat(30), "{got:?}");
        assert_eq!(got.concat().replace(' ', ""), token);
    }

    /// The head on a row of its own where it leaves the body too little room, or too little
    /// for the body's longest word; beside it, the body's rows hang under its start.
    #[test]
    fn hanging_puts_the_head_on_its_own_row_when_the_body_needs_the_room() {
        let texts = |lines: Vec<Line<'static>>| -> Vec<String> {
            lines
                .iter()
                .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
                .collect()
        };
        let head = || vec![Span::raw("open "), Span::raw("2026-11-24 08:00 ")];
        let body = || vec![Span::raw("spam and more spam and yet more spam")];
        let beside = texts(hanging(head(), body(), 50));
        assert_eq!(
            beside[0].trim_end(),
            "open 2026-11-24 08:00 spam and more spam and yet"
        );
        assert_eq!(beside[1], format!("{}more spam", " ".repeat(22)));
        let narrow = texts(hanging(head(), body(), 30));
        assert_eq!(narrow[0], "open 2026-11-24 08:00");
        assert!(
            narrow[1..].iter().all(|r| r.starts_with("  ")),
            "{narrow:?}"
        );
        let sub = vec![Span::raw(
            "by 00000000-0000-4000-8000-000000000002".to_string(),
        )];
        let own = texts(hanging(head(), sub, 50));
        assert_eq!(own[0], "open 2026-11-24 08:00", "{own:?}");
        assert!(
            own.iter()
                .any(|r| r.contains("00000000-0000-4000-8000-000000000002"))
        );
    }
}
