//! Drawing the Logs pane: the group picker, the lines (only those on screen are read from the
//! buffer and styled), the invocation table, the sparkline strip, the request view, a line in
//! full. The pane's prompts are drawn by the shell, over whichever of these is on screen.

use crate::app::list::Load;
use crate::app::logs::buffer::{LineKind, LineRef, LogBuffer, Report};
use crate::app::logs::{
    Feed, FeedEnd, FeedState, LogsPane, Rows, Screen, Scroll, Search, View, Window, short_id,
};
use crate::keymap::{Action, Keymap};
use crate::theme::Theme;
use backoffice_domain::services::log_analysis::{self, Level};
use chrono::DateTime;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Sparkline, Table, Wrap};
use unicode_width::UnicodeWidthChar;

/// Rows of the sparkline strip.
const STRIP_ROWS: u16 = 5;
/// The strip is drawn only when the pane has at least this many rows inside its border.
const STRIP_MIN_HEIGHT: u16 = 14;
const LABEL_WIDTH: usize = 13;

fn block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Span::styled(title, theme.title(true)))
}

pub fn draw(frame: &mut Frame, area: Rect, pane: &mut LogsPane, look: &super::Look) {
    match pane.screen {
        Screen::Picker => picker(frame, area, pane, look.keys, look.theme),
        Screen::Viewer => viewer(frame, area, pane, look.keys, look.theme),
    }
}

fn message(frame: &mut Frame, area: Rect, text: String, failed: bool, theme: &Theme) {
    let style = if failed { theme.error() } else { theme.muted() };
    frame.render_widget(
        Paragraph::new(text).style(style).wrap(Wrap { trim: true }),
        area,
    );
}

fn picker(frame: &mut Frame, area: Rect, pane: &mut LogsPane, keys: &Keymap, theme: &Theme) {
    let p = &mut pane.picker;
    let title = format!(
        " Log groups · {} pick (up to 10) · {} live tail · {} query · {} picked ",
        keys.hint(Action::Mark),
        keys.hint(Action::Enter),
        keys.hint(Action::LogQuery),
        p.picked.len()
    );
    let b = block(title, theme);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    if p.groups.is_empty() {
        let (text, failed) = match &p.load {
            Load::Idle | Load::Loading => ("Loading log groups…".to_string(), false),
            Load::Failed(e) => (
                format!(
                    "Could not load log groups: {e}\nPress {} to try again.",
                    keys.hint(Action::Reload)
                ),
                true,
            ),
            Load::Loaded => (
                "No log groups. Name them with log_groups in config.toml, or check the account and region.".to_string(),
                false,
            ),
        };
        message(frame, inner, text, failed, theme);
        return;
    }
    let height = inner.height.saturating_sub(1).max(1) as usize;
    p.viewport = height;
    if p.selected < p.offset {
        p.offset = p.selected;
    } else if p.selected >= p.offset + height {
        p.offset = p.selected + 1 - height;
    }
    let end = (p.offset + height).min(p.groups.len());
    let rows = p.groups[p.offset..end].iter().enumerate().map(|(i, g)| {
        let index = p.offset + i;
        let order = p.picked.iter().position(|x| x == g);
        let check = match order {
            Some(n) => format!("[{}]", n + 1),
            None => "[ ]".into(),
        };
        let kind = if g.is_lambda() { "lambda" } else { "" };
        let row = Row::new(vec![
            Span::styled(check, theme.warning()),
            Span::styled(g.to_string(), theme.text()),
            Span::styled(kind, theme.muted()),
        ]);
        if index == p.selected {
            row.style(theme.selection())
        } else {
            row
        }
    });
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(4),
                Constraint::Min(20),
                Constraint::Length(7),
            ],
        )
        .header(Row::new(vec!["", "group", ""]).style(theme.title(false))),
        inner,
    );
}

fn state_badge(feed: &Feed) -> (String, bool) {
    let live = feed.spec.window == Window::Live;
    match &feed.state {
        FeedState::Starting if live => ("starting…".into(), false),
        FeedState::Starting | FeedState::Running if !live => ("querying…".into(), false),
        FeedState::Starting | FeedState::Running => ("● live".into(), false),
        FeedState::Done(FeedEnd::Stopped) => ("stopped".into(), false),
        FeedState::Done(FeedEnd::Truncated) => ("stopped at the cap".into(), false),
        FeedState::Done(FeedEnd::Finished) if live => ("ended".into(), false),
        FeedState::Done(FeedEnd::Finished) => ("done".into(), false),
        FeedState::Failed(_) => ("failed".into(), true),
    }
}

fn groups_label(feed: &Feed) -> String {
    match feed.spec.groups.as_slice() {
        [one] => one.to_string(),
        many => format!("{} groups", many.len()),
    }
}

fn feed_title(feed: &Feed, lines: usize) -> String {
    let (badge, _) = state_badge(feed);
    let pattern = feed
        .spec
        .pattern
        .as_ref()
        .map(|p| format!("filter {} · ", p.as_str()))
        .unwrap_or_default();
    let sampled = if feed.sampled { " · SAMPLED" } else { "" };
    let window = match feed.spec.window {
        Window::Live => String::new(),
        ref w => format!("{} · ", w.label()),
    };
    format!(
        " Logs · {} · {window}{pattern}{badge}{sampled} · {lines} lines ",
        groups_label(feed),
    )
}

fn viewer(frame: &mut Frame, area: Rect, pane: &mut LogsPane, keys: &Keymap, theme: &Theme) {
    if pane.request.is_some() {
        request_view(frame, area, pane, keys, theme);
        return;
    }
    let title = match &pane.feed {
        Some(f) => feed_title(f, pane.buffer.len()),
        None => " Logs ".into(),
    };
    let b = block(title, theme);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let [body, status] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let body = if pane.strip && inner.height >= STRIP_MIN_HEIGHT {
        let [strip_area, rest] =
            Layout::vertical([Constraint::Length(STRIP_ROWS), Constraint::Min(1)]).areas(body);
        strip(frame, strip_area, pane, theme);
        rest
    } else {
        body
    };
    pane.screen_rows.clear();
    if let Some(text) = empty_text(pane, keys) {
        let failed = pane
            .feed
            .as_ref()
            .is_some_and(|f| matches!(f.state, FeedState::Failed(_)));
        message(frame, body, text, failed, theme);
    } else if pane.view == View::Invocations {
        invocations(frame, body, pane, theme);
    } else if pane.detail {
        let [top, bottom] =
            Layout::vertical([Constraint::Percentage(35), Constraint::Percentage(65)]).areas(body);
        main_lines(frame, top, pane, theme);
        let line = pane.buffer.get(pane.scroll.selected);
        detail(frame, bottom, line, keys, theme);
    } else {
        main_lines(frame, body, pane, theme);
    }
    status_row(frame, status, pane, keys, theme);
}

/// What the body says when there are no lines to show.
fn empty_text(pane: &LogsPane, keys: &Keymap) -> Option<String> {
    if !pane.buffer.is_empty() {
        return None;
    }
    let feed = pane.feed.as_ref()?;
    let groups = groups_label(feed);
    Some(match (&feed.state, &feed.spec.window) {
        (FeedState::Starting, Window::Live) => format!("Starting the live tail of {groups}…"),
        (FeedState::Running, Window::Live) => {
            format!("Following {groups}: lines written from now on appear here.")
        }
        (FeedState::Starting | FeedState::Running, w) => {
            format!("Querying {groups} ({})…", w.label())
        }
        (FeedState::Done(_), _) => "No lines.".into(),
        (FeedState::Failed(e), w) => format!(
            "Could not {} {groups}: {e}\nPress {} to try again, {} for the groups.",
            if *w == Window::Live { "tail" } else { "query" },
            keys.hint(Action::Reload),
            keys.hint(Action::Back)
        ),
    })
}

fn status_row(frame: &mut Frame, area: Rect, pane: &LogsPane, keys: &Keymap, theme: &Theme) {
    let mut spans = Vec::new();
    if let Some(FeedState::Failed(e)) = pane.feed.as_ref().map(|f| &f.state)
        && !pane.buffer.is_empty()
    {
        spans.push(Span::styled(format!("✗ {e}  "), theme.error()));
    }
    if pane.view == View::Lines && !pane.scroll.follow {
        let what = if pane.paused {
            "PAUSED"
        } else {
            "scrolled back"
        };
        let new = match pane.new_lines() {
            0 => String::new(),
            1 => " · 1 new line".into(),
            n => format!(" · {n} new lines"),
        };
        spans.push(Span::styled(
            format!(" {what}{new} · {} back to live ", keys.hint(Action::Bottom)),
            theme.warning().add_modifier(Modifier::REVERSED),
        ));
        spans.push(Span::raw(" "));
    }
    if let Some(s) = &pane.search {
        let at = pane
            .match_position()
            .map(|(i, n)| format!("{i}/{n}"))
            .unwrap_or_else(|| format!("{}", s.matches.len()));
        let context = if pane.context > 0 {
            format!(" ({} lines)", pane.context)
        } else {
            String::new()
        };
        spans.push(Span::styled(
            format!(
                "/{}: {at} matches · {}/{} next/previous · {} context{context}  ",
                s.text,
                keys.hint(Action::NextMatch),
                keys.hint(Action::PrevMatch),
                keys.hint(Action::ContextLines)
            ),
            theme.text(),
        ));
    }
    if let Some(a) = pane.anchor {
        let n = a.abs_diff(pane.scroll.selected) + 1;
        spans.push(Span::styled(
            format!(
                "{n} lines selected · {} save  ",
                keys.hint(Action::SaveLogs)
            ),
            theme.warning(),
        ));
    }
    if spans.is_empty() {
        spans.push(Span::styled(
            format!(
                "{} pause · {} search · {} request · {} invocations · {} line · {} query · {} save · {} wrap · {} time",
                keys.hint(Action::Mark),
                keys.hint(Action::Filter),
                keys.hint(Action::RequestLines),
                keys.hint(Action::NextView),
                keys.hint(Action::Enter),
                keys.hint(Action::LogQuery),
                keys.hint(Action::SaveLogs),
                keys.hint(Action::Wrap),
                keys.hint(Action::Timestamps),
            ),
            theme.muted(),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Display text for a stored line: tabs as two spaces, line breaks as ⏎, other control
/// characters as �, so a log line can never move the terminal's cursor.
fn clean(text: &str) -> String {
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

fn short_group(name: &str) -> String {
    let last = name.rsplit('/').next().unwrap_or(name);
    let last = last.strip_prefix("backoffice-").unwrap_or(last);
    let mut s: String = last.chars().take(10).collect();
    while s.chars().count() < 10 {
        s.push(' ');
    }
    s
}

/// How a list of lines is drawn.
struct LineStyle<'a> {
    timestamps: bool,
    groups: bool,
    wrap: bool,
    search: Option<&'a Search>,
    anchor: Option<u64>,
}

/// The spans of one line.
fn line_spans(
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
fn wrap_spans(spans: Vec<Span<'static>>, width: usize) -> Vec<Line<'static>> {
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

fn rendered(
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
/// line number drawn on each screen row from [`super::LIST_TOP`] down (for mouse clicks).
fn draw_rows(
    frame: &mut Frame,
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
    let mut screen = vec![None; area.y.saturating_sub(super::LIST_TOP) as usize];
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

fn main_lines(frame: &mut Frame, area: Rect, pane: &mut LogsPane, theme: &Theme) {
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

fn spark(
    frame: &mut Frame,
    area: Rect,
    label: &str,
    data: &[u64],
    value: String,
    style: Style,
    theme: &Theme,
) {
    let [l, s, v] = Layout::horizontal([
        Constraint::Length(LABEL_WIDTH as u16),
        Constraint::Min(1),
        Constraint::Length(9),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(Span::styled(label.to_string(), theme.muted())),
        l,
    );
    frame.render_widget(Sparkline::default().data(data).style(style), s);
    frame.render_widget(
        Paragraph::new(Span::styled(format!(" {value}"), theme.text())),
        v,
    );
}

fn strip(frame: &mut Frame, area: Rect, pane: &mut LogsPane, theme: &Theme) {
    let width = (area.width as usize).saturating_sub(LABEL_WIDTH + 9).max(1);
    let s = pane.strip(width).clone();
    let summary = pane.summary().clone();
    let rows = Layout::vertical([Constraint::Length(1); STRIP_ROWS as usize]).split(area);
    let ms = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.0} ms"));
    spark(
        frame,
        rows[0],
        "invocations",
        &s.invocations,
        summary.invocations.to_string(),
        theme.ok(),
        theme,
    );
    spark(
        frame,
        rows[1],
        "errors",
        &s.errors,
        summary.error_lines.to_string(),
        theme.error(),
        theme,
    );
    spark(
        frame,
        rows[2],
        "p50 duration",
        &s.p50_ms,
        ms(summary.p50_ms),
        theme.text(),
        theme,
    );
    spark(
        frame,
        rows[3],
        "p95 duration",
        &s.p95_ms,
        ms(summary.p95_ms),
        theme.warning(),
        theme,
    );
    spark(
        frame,
        rows[4],
        "cold starts",
        &s.cold_starts,
        summary.cold_starts.to_string(),
        theme.title(false),
        theme,
    );
}

fn request_id_of(buffer: &LogBuffer, r: &Report) -> String {
    buffer
        .get(r.seq)
        .and_then(|l| log_analysis::classify(l.text).request_id)
        .unwrap_or_default()
}

fn invocations(frame: &mut Frame, area: Rect, pane: &mut LogsPane, theme: &Theme) {
    let summary = pane.summary().clone();
    let [head, table_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let ms = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.0} ms"));
    frame.render_widget(
        Paragraph::new(Line::from(vec![Span::styled(
            format!(
                "{} invocations · {} cold starts · {} failed · {} error lines · p50 {} · p95 {} · max {}",
                summary.invocations,
                summary.cold_starts,
                summary.failed,
                summary.error_lines,
                ms(summary.p50_ms),
                ms(summary.p95_ms),
                ms(summary.max_ms)
            ),
            theme.title(false),
        )])),
        head,
    );
    let reports = pane.buffer.reports();
    if reports.is_empty() {
        message(
            frame,
            table_area,
            "No REPORT lines in the buffer yet.".into(),
            false,
            theme,
        );
        return;
    }
    let height = table_area.height.saturating_sub(1).max(1) as usize;
    pane.scroll.viewport = height;
    let selected = pane.invocation.min(reports.len() - 1);
    if pane.invocation_follow || selected >= pane.invocation_offset + height {
        pane.invocation_offset = (selected + 1).saturating_sub(height);
    }
    if selected < pane.invocation_offset {
        pane.invocation_offset = selected;
    }
    let offset = pane.invocation_offset;
    let end = (offset + height).min(reports.len());
    let groups = pane.buffer.groups().len() > 1;
    let rows = reports.range(offset..end).enumerate().map(|(i, r)| {
        let at = DateTime::from_timestamp_millis(r.ts_ms).unwrap_or_default();
        let id = request_id_of(&pane.buffer, r);
        let init = r
            .init_ms
            .map_or(String::new(), |v| format!("{v:.1} ms cold"));
        let status = if r.failed { "failed" } else { "ok" };
        let style = if r.failed {
            theme.error()
        } else {
            theme.text()
        };
        let mut cells = vec![Span::styled(
            at.format("%H:%M:%S%.3f").to_string(),
            theme.muted(),
        )];
        if groups {
            cells.push(Span::styled(
                short_group(pane.buffer.group_name(r.group)),
                theme.title(false),
            ));
        }
        cells.extend([
            Span::styled(short_id(&id).to_string(), theme.text()),
            Span::styled(format!("{:.2} ms", r.duration_ms), style),
            Span::styled(format!("{} ms", r.billed_ms), theme.text()),
            Span::styled(
                format!("{}/{} MB", r.max_memory_used_mb, r.memory_mb),
                theme.text(),
            ),
            Span::styled(init, theme.warning()),
            Span::styled(status, style),
        ]);
        let row = Row::new(cells);
        if offset + i == selected {
            row.style(theme.selection())
        } else {
            row
        }
    });
    let mut widths = vec![Constraint::Length(12)];
    let mut header = vec!["time"];
    if groups {
        widths.push(Constraint::Length(10));
        header.push("function");
    }
    widths.extend([
        Constraint::Length(9),
        Constraint::Length(11),
        Constraint::Length(8),
        Constraint::Length(11),
        Constraint::Length(14),
        Constraint::Length(7),
    ]);
    header.extend(["request", "duration", "billed", "memory", "init", "status"]);
    frame.render_widget(
        Table::new(rows, widths).header(Row::new(header).style(theme.title(false))),
        table_area,
    );
}

/// One line in full: where it came from, its JSON pretty-printed (or its text), and a REPORT's
/// figures.
fn detail(frame: &mut Frame, area: Rect, line: Option<LineRef<'_>>, keys: &Keymap, theme: &Theme) {
    let b = block(format!(" Line · {} close ", keys.hint(Action::Back)), theme);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let Some(l) = line else {
        message(frame, inner, "No line selected.".into(), false, theme);
        return;
    };
    let kv = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{k:>10}  "), theme.muted()),
            Span::styled(v, theme.text()),
        ])
    };
    let info = log_analysis::classify(l.text);
    let at = DateTime::from_timestamp_millis(l.ts_ms).unwrap_or_default();
    let mut lines = vec![
        kv("time", at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()),
        kv("group", l.group.to_string()),
        kv("stream", clean(l.stream)),
        kv("level", format!("{:?}", l.level).to_lowercase()),
    ];
    if let Some(id) = &info.request_id {
        lines.push(kv("request", clean(id)));
    }
    if let Some(r) = &info.report {
        let init = r.init_ms.map_or("none (warm)".to_string(), |v| {
            format!("{v:.2} ms (cold start)")
        });
        lines.push(kv(
            "report",
            format!(
                "duration {:.2} ms · billed {} ms · memory {}/{} MB · init {init}",
                r.duration_ms, r.billed_ms, r.max_memory_used_mb, r.memory_mb
            ),
        ));
    }
    lines.push(Line::raw(""));
    let style = level_style(l.level, l.kind, theme);
    match embedded_json(l.text) {
        Some((prefix, v)) => {
            if !prefix.trim().is_empty() {
                lines.push(Line::styled(clean(prefix.trim_end()), style));
            }
            let pretty = serde_json::to_string_pretty(&v).unwrap_or_default();
            for row in pretty.lines() {
                let indent = row.len() - row.trim_start().len();
                let body = row.trim_start();
                match body.split_once("\": ") {
                    Some((k, rest)) if body.starts_with('"') => lines.push(Line::from(vec![
                        Span::raw(" ".repeat(indent)),
                        Span::styled(format!("{}\":", clean(k)), theme.title(false)),
                        Span::styled(format!(" {}", clean(rest)), style),
                    ])),
                    _ => lines.push(Line::styled(clean(row), style)),
                }
            }
        }
        None => {
            for row in l.text.split('\n') {
                lines.push(Line::styled(clean(row), style));
            }
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// The JSON object or array a line is, or ends with after a runtime's prefix (Node writes
/// `time<TAB>request id<TAB>LEVEL<TAB>{…}`), with the text before it.
fn embedded_json(text: &str) -> Option<(&str, serde_json::Value)> {
    let text = text.trim_end();
    let start = text.find(['{', '['])?;
    match serde_json::from_str::<serde_json::Value>(&text[start..]) {
        Ok(v @ (serde_json::Value::Object(_) | serde_json::Value::Array(_))) => {
            Some((&text[..start], v))
        }
        _ => None,
    }
}

fn request_view(frame: &mut Frame, area: Rect, pane: &mut LogsPane, keys: &Keymap, theme: &Theme) {
    let Some(r) = &mut pane.request else {
        return;
    };
    let (badge, _) = match r.feed.state {
        FeedState::Starting | FeedState::Running => ("searching the groups…".to_string(), false),
        FeedState::Failed(_) => ("search failed".to_string(), true),
        _ => ("done".to_string(), false),
    };
    let groups: std::collections::BTreeSet<&str> =
        r.buffer.groups().iter().map(|g| g.as_str()).collect();
    let title = format!(
        " Request {} · {} lines in {} group{} · {badge} · {} back ",
        r.id,
        r.buffer.len(),
        groups.len(),
        if groups.len() == 1 { "" } else { "s" },
        keys.hint(Action::Back)
    );
    let b = block(title, theme);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let [body, status] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    pane.screen_rows.clear();
    if r.buffer.is_empty() {
        let text = match &r.feed.state {
            FeedState::Failed(e) => format!("Could not search for the request: {e}"),
            FeedState::Done(_) => "No lines of this request were found.".into(),
            _ => "Searching the groups for this request…".into(),
        };
        message(
            frame,
            body,
            text,
            matches!(r.feed.state, FeedState::Failed(_)),
            theme,
        );
    } else {
        let opts = LineStyle {
            timestamps: pane.timestamps,
            groups: true,
            wrap: pane.wrap,
            search: None,
            anchor: pane.anchor,
        };
        let rows = Rows::All {
            first: r.buffer.first_seq(),
            end: r.buffer.end_seq(),
        };
        let body = if pane.detail {
            let [top, bottom] =
                Layout::vertical([Constraint::Percentage(35), Constraint::Percentage(65)])
                    .areas(body);
            detail(frame, bottom, r.buffer.get(r.scroll.selected), keys, theme);
            top
        } else {
            body
        };
        let mut scroll = r.scroll;
        let screen = draw_rows(frame, body, &r.buffer, rows, &mut scroll, &opts, theme);
        r.scroll = scroll;
        pane.screen_rows = screen;
    }
    let mut spans = Vec::new();
    if let FeedState::Failed(e) = &r.feed.state {
        spans.push(Span::styled(format!("✗ {e}  "), theme.error()));
    }
    spans.push(Span::styled(
        format!(
            "{} line · {} select · {} save · {} back",
            keys.hint(Action::Enter),
            keys.hint(Action::SelectRange),
            keys.hint(Action::SaveLogs),
            keys.hint(Action::Back)
        ),
        theme.muted(),
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), status);
}

#[cfg(test)]
mod tests;
