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
    let width = width.max(1);
    let gutter = spans.first().cloned();
    let indent: usize = spans.iter().take(prefix).map(Span::width).sum();
    // A continuation keeps at least half the row for the message.
    let indent = if indent <= width / 2 { indent } else { 0 };
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
            // After the row's last space in the message, where the word cut there fits whole
            // on the next row; a word longer than a row (a token, a URL, a JSON blob) is cut
            // where the row ends instead, so no row is left half empty for it.
            let room = width.saturating_sub(indent).max(1);
            let space = (start.max(message)..end).rev().find(|i| cells[*i].0 == ' ');
            if let Some(k) = space {
                let mut word = 0;
                let mut i = k + 1;
                while i < cells.len() && cells[i].0 != ' ' && word <= room {
                    word += cells[i].2;
                    i += 1;
                }
                if word <= room && k + 1 > start {
                    end = k + 1;
                    next = end;
                }
            }
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
