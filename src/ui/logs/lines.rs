//! The lines of a log: cleaned for the terminal, coloured by level, search matches marked,
//! wrapped or cut, and only those on screen read from the buffer.

use super::*;

/// Display text for a stored line: tabs as two spaces, line breaks as ⏎, other control
/// characters as �, so a log line can never move the terminal's cursor.
pub(super) fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push_str("  "),
            '\n' => out.push('⏎'),
            '\r' => {}
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

pub fn level_style(level: Level, kind: LineKind, theme: &Theme) -> Style {
    match kind {
        LineKind::Start | LineKind::End | LineKind::Platform => return theme.muted(),
        LineKind::Report if level < Level::Error => return theme.ok(),
        LineKind::Sampled | LineKind::Gap | LineKind::Reconnected | LineKind::Note => {
            return theme.warning().add_modifier(Modifier::BOLD);
        }
        _ => {}
    }
    match level {
        Level::Error | Level::Fatal => theme.error(),
        Level::Warn => theme.warning(),
        Level::Debug | Level::Trace => theme.muted(),
        Level::Info | Level::Unknown => theme.text(),
    }
}

/// The style search matches are drawn in.
pub fn match_style(theme: &Theme) -> Style {
    theme
        .warning()
        .add_modifier(Modifier::REVERSED | Modifier::BOLD)
}

pub(super) fn short_group(name: &str) -> String {
    let last = name.rsplit('/').next().unwrap_or(name);
    let last = last.strip_prefix("backoffice-").unwrap_or(last);
    let mut s: String = last.chars().take(10).collect();
    while s.chars().count() < 10 {
        s.push(' ');
    }
    s
}

/// How a list of lines is drawn.
pub(super) struct LineStyle<'a> {
    pub timestamps: bool,
    pub groups: bool,
    pub wrap: bool,
    pub search: Option<&'a Search>,
    pub anchor: Option<u64>,
}

/// The spans of one line.
pub(super) fn line_spans(
    l: &LineRef<'_>,
    opts: &LineStyle<'_>,
    selected: u64,
    theme: &Theme,
) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let in_range = opts
        .anchor
        .is_some_and(|a| (a.min(selected)..=a.max(selected)).contains(&l.seq));
    let gutter = if in_range { "┃" } else { " " };
    spans.push(Span::styled(gutter, theme.warning()));
    if opts.timestamps {
        let at = DateTime::from_timestamp_millis(l.ts_ms).unwrap_or_default();
        spans.push(Span::styled(
            at.format("%H:%M:%S%.3f ").to_string(),
            theme.muted(),
        ));
    }
    if opts.groups && !l.kind.is_marker() {
        spans.push(Span::styled(
            format!("{} ", short_group(l.group)),
            theme.title(false),
        ));
    }
    let style = level_style(l.level, l.kind, theme);
    if l.kind.is_marker() {
        let icon = match l.kind {
            LineKind::Sampled => "◇ sampled: ",
            LineKind::Gap => "⚠ gap: ",
            LineKind::Reconnected => "↻ ",
            _ => "ℹ ",
        };
        spans.push(Span::styled(
            format!("── {icon}{} ──", clean(l.text)),
            style,
        ));
        return spans;
    }
    let ranges = opts.search.map(|s| s.ranges(l.text)).unwrap_or_default();
    let mut at = 0;
    for (from, to) in ranges {
        if from > at {
            spans.push(Span::styled(clean(&l.text[at..from]), style));
        }
        spans.push(Span::styled(clean(&l.text[from..to]), match_style(theme)));
        at = to;
    }
    if at < l.text.len() || l.text.is_empty() {
        spans.push(Span::styled(clean(&l.text[at..]), style));
    }
    spans
}

/// Cuts spans into rows of at most `width` columns.
pub(super) fn wrap_spans(spans: Vec<Span<'static>>, width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let mut lines = vec![Vec::new()];
    let mut used = 0;
    for span in spans {
        let mut piece = String::new();
        for c in span.content.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width && used > 0 {
                if !piece.is_empty()
                    && let Some(l) = lines.last_mut()
                {
                    l.push(Span::styled(std::mem::take(&mut piece), span.style));
                }
                lines.push(Vec::new());
                used = 0;
            }
            piece.push(c);
            used += w;
        }
        if !piece.is_empty()
            && let Some(l) = lines.last_mut()
        {
            l.push(Span::styled(piece, span.style));
        }
    }
    lines.into_iter().map(Line::from).collect()
}

pub(super) fn rendered(
    l: &LineRef<'_>,
    opts: &LineStyle<'_>,
    selected: u64,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let spans = line_spans(l, opts, selected, theme);
    let mut lines = if opts.wrap {
        wrap_spans(spans, width)
    } else {
        vec![Line::from(spans)]
    };
    if l.seq == selected {
        for line in &mut lines {
            for span in &mut line.spans {
                span.style = span.style.patch(theme.selection());
            }
            line.style = theme.selection();
        }
    }
    lines
}

/// Draws the rows of `rows` around the selection, reading only the lines that fit; returns the
/// line number drawn on each screen row from [`crate::ui::LIST_TOP`] down (for mouse clicks).
pub(super) fn draw_rows(
    frame: &mut Frame<'_>,
    area: Rect,
    buffer: &LogBuffer,
    rows: Rows<'_>,
    scroll: &mut Scroll,
    opts: &LineStyle<'_>,
    theme: &Theme,
) -> Vec<Option<u64>> {
    let height = area.height as usize;
    let width = area.width as usize;
    scroll.viewport = height.max(1);
    if rows.is_empty() || height == 0 {
        return Vec::new();
    }
    let selected_pos = rows.position(scroll.selected).min(rows.len() - 1);
    let height_of = |pos: usize| -> usize {
        if !opts.wrap {
            return 1;
        }
        rows.at(pos).and_then(|s| buffer.get(s)).map_or(1, |l| {
            rendered(&l, opts, scroll.selected, width, theme).len()
        })
    };
    // The first row drawn: the selection stays in view, as near the old top as it can.
    let mut top = rows.position(scroll.offset).min(selected_pos);
    if scroll.follow {
        top = selected_pos;
    }
    let mut used: usize = (top..=selected_pos).map(&height_of).sum();
    while used > height && top < selected_pos {
        used -= height_of(top);
        top += 1;
    }
    if scroll.follow {
        while top > 0 {
            let h = height_of(top - 1);
            if used + h > height {
                break;
            }
            used += h;
            top -= 1;
        }
    }
    scroll.offset = rows.at(top).unwrap_or(scroll.offset);
    let mut lines = Vec::new();
    let mut screen = vec![None; area.y.saturating_sub(crate::ui::LIST_TOP) as usize];
    let mut pos = top;
    while lines.len() < height {
        let Some(line) = rows.at(pos).and_then(|s| buffer.get(s)) else {
            break;
        };
        for row in rendered(&line, opts, scroll.selected, width, theme) {
            if lines.len() < height {
                screen.push(Some(line.seq));
                lines.push(row);
            }
        }
        pos += 1;
    }
    frame.render_widget(Paragraph::new(lines), area);
    screen
}

pub(super) fn main_lines(frame: &mut Frame<'_>, area: Rect, pane: &mut LogsPane, theme: &Theme) {
    pane.refresh_rows();
    let mut scroll = pane.scroll;
    let opts = LineStyle {
        timestamps: pane.timestamps,
        groups: pane.buffer.groups().len() > 1,
        wrap: pane.wrap,
        search: pane.search.as_ref(),
        anchor: pane.anchor,
    };
    let screen = draw_rows(
        frame,
        area,
        &pane.buffer,
        pane.rows_view(),
        &mut scroll,
        &opts,
        theme,
    );
    pane.scroll = scroll;
    pane.screen_rows = screen;
}
