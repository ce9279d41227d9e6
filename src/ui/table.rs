//! What every list pane draws with: the pane's frame, a table of only the rows in view, the
//! message a list shows instead of rows, and small formats.

use crate::app::list::List;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, Wrap};

pub(super) fn pane_block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Span::styled(title, theme.title(true)))
}

/// Draws `list` as a table of the visible rows only.
pub(super) fn table<T>(
    frame: &mut Frame<'_>,
    area: Rect,
    list: &mut List<T>,
    theme: &Theme,
    header: &[&'static str],
    widths: &[Constraint],
    cells: impl Fn(&T) -> Vec<Span<'static>>,
) {
    let height = area.height.saturating_sub(1) as usize;
    let range = list.scroll_into_view(height);
    let offset = range.start;
    let rows = list.items[range].iter().enumerate().map(|(i, item)| {
        let index = offset + i;
        let mut c = cells(item);
        let mark = if list.marked.contains(&index) {
            "●"
        } else {
            " "
        };
        c.insert(0, Span::styled(mark, theme.warning()));
        let row = Row::new(c);
        if index == list.selected {
            row.style(theme.selection())
        } else {
            row
        }
    });
    let mut w = vec![Constraint::Length(1)];
    w.extend_from_slice(widths);
    let mut h = vec![""];
    h.extend_from_slice(header);
    frame.render_widget(
        Table::new(rows, w).header(Row::new(h).style(theme.title(false))),
        area,
    );
}

pub(super) fn message(
    frame: &mut Frame<'_>,
    area: Rect,
    text: String,
    failed: bool,
    theme: &Theme,
) {
    let style = if failed { theme.error() } else { theme.muted() };
    frame.render_widget(
        Paragraph::new(text).style(style).wrap(Wrap { trim: true }),
        area,
    );
}

pub(super) fn count<T>(list: &List<T>) -> String {
    let more = if list.next.is_some() { "+" } else { "" };
    let marked = if list.marked.is_empty() {
        String::new()
    } else {
        format!(" · {} marked", list.marked.len())
    };
    format!("{}{more} loaded{marked}", list.items.len())
}

pub(super) fn short_time(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "-".into())
}
