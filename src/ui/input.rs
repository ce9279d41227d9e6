//! Drawing the one text input: the part of the text that fits, scrolled so the cursor (a thin
//! bar) stays in view; passwords as dots.

use crate::input::TextInput;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// The cursor's mark.
pub const CURSOR: &str = "▏";

/// One line of `input` in `width` columns: the text before the cursor, the cursor when
/// `focused`, and the text after it.
pub fn spans(
    input: &TextInput,
    width: usize,
    text: Style,
    cursor: Style,
    focused: bool,
) -> Vec<Span<'static>> {
    let (row, _) = input.cursor();
    // Offered text (what typing replaces) is drawn as a selection.
    let text = if input.is_offered() {
        text.add_modifier(ratatui::style::Modifier::REVERSED)
    } else {
        text
    };
    if !focused {
        // A field not being edited shows its start (a long value's first words say what it
        // is), not wherever its cursor last scrolled to.
        let line = input
            .display_lines()
            .into_iter()
            .nth(row)
            .unwrap_or_default();
        return vec![Span::styled(
            super::table::fit(&line, u16::try_from(width).unwrap_or(u16::MAX)),
            text,
        )];
    }
    let (head, tail) = input.window(row, width);
    let (head, tail) = marked(input, row, head, tail);
    let mut out = vec![Span::styled(head, text)];
    if focused {
        out.push(Span::styled(CURSOR, cursor));
    }
    out.push(Span::styled(tail, text));
    out
}

/// The window of the cursor's line with `…` where text is out of it, at either end (a line
/// scrolled sideways lost its start, and one longer than the field its end, unmarked).
fn marked(input: &TextInput, row: usize, head: String, tail: String) -> (String, String) {
    let line_len = input
        .display_lines()
        .get(row)
        .map_or(0, |l| l.chars().count());
    let (_, col) = input.cursor();
    let start = col.min(line_len).saturating_sub(head.chars().count());
    let shown = head.chars().count() + tail.chars().count();
    let mut head = head;
    let mut tail = tail;
    if start > 0 && !head.is_empty() {
        head = format!("…{}", head.chars().skip(1).collect::<String>());
    }
    if start + shown < line_len && !tail.is_empty() {
        tail.pop();
        tail.push('…');
    }
    (head, tail)
}

/// Every line of a field of several lines, the cursor's line scrolled sideways to keep the
/// cursor in view.
pub fn lines(
    input: &TextInput,
    width: usize,
    text: Style,
    cursor: Style,
    focused: bool,
) -> Vec<Line<'static>> {
    let (cursor_row, _) = input.cursor();
    input
        .display_lines()
        .iter()
        .enumerate()
        .map(|(row, _)| {
            if row == cursor_row {
                Line::from(spans(input, width, text, cursor, focused))
            } else {
                // Another line shows its start, ending with `…` where it is longer.
                let line = input.display_lines().get(row).cloned().unwrap_or_default();
                Line::styled(
                    super::table::fit(&line, u16::try_from(width).unwrap_or(u16::MAX)),
                    text,
                )
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn shown(input: &TextInput, width: usize) -> String {
        spans(input, width, Style::default(), Style::default(), true)
            .iter()
            .map(|s| s.content.to_string())
            .collect()
    }

    /// A line longer than its field says so at the end it runs past: its start when the
    /// cursor is at its end, its end when the cursor is at its start.
    #[test]
    fn a_line_wider_than_its_field_marks_what_is_out_of_view() {
        let mut input = TextInput::new("filter level = \"ERROR\" or level = \"FATAL\"");
        let at_end = shown(&input, 20);
        assert!(
            at_end.starts_with('…') && at_end.ends_with(CURSOR),
            "{at_end}"
        );
        input.handle(KeyEvent::new(KeyCode::Home, KeyModifiers::NONE));
        let at_start = shown(&input, 20);
        assert!(
            at_start.starts_with(CURSOR) && at_start.ends_with('…'),
            "{at_start}"
        );
        assert!(at_start.contains("filter"), "{at_start}");
        // Another line of a query shows its start and ends with `…`.
        let query = TextInput::multiline(
            "fields @message\n| filter @message like /a very long pattern here/\n| limit 20",
        );
        let rows = lines(&query, 20, Style::default(), Style::default(), true);
        let second: String = rows[1]
            .spans
            .iter()
            .map(|s| s.content.to_string())
            .collect();
        assert!(
            second.starts_with("| filter") && second.ends_with('…'),
            "{second}"
        );
        // A line that fits is left as it is.
        let short = TextInput::new("ERROR");
        assert_eq!(shown(&short, 20), format!("ERROR{CURSOR}"));
    }
}
