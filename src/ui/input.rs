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
    let mut out = vec![Span::styled(head, text)];
    if focused {
        out.push(Span::styled(CURSOR, cursor));
    }
    out.push(Span::styled(tail, text));
    out
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
                let (head, tail) = input.window(row, width);
                Line::styled(format!("{head}{tail}"), text)
            }
        })
        .collect()
}
