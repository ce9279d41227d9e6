//! Invocations read from REPORT lines: the sparkline strip over the lines, and the invocation
//! table.

use super::*;
use crate::ui::table::{Column, fit_cell, widths};

/// Columns the strip's figures take at least (`1234 ms`, `12 · 3 failed`).
const VALUE_WIDTH: usize = 14;

pub(super) fn strip(frame: &mut Frame<'_>, area: Rect, pane: &mut LogsPane, theme: &Theme) {
    let summary = pane.summary().clone();
    // To the hundredth, as the rows are (`max 36 ms` above a row of `36.50 ms`).
    let ms = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.2} ms"));
    let values = [
        summary.invocations.to_string(),
        format!("{} · {} failed", summary.error_lines, summary.failed),
        ms(summary.p50_ms),
        ms(summary.p95_ms),
        summary.cold_starts.to_string(),
    ];
    // The figures are never cut: their column is as wide as the widest, the chart takes the rest.
    let value_width = values
        .iter()
        .map(|v| unicode_width::UnicodeWidthStr::width(v.as_str()) + 1)
        .max()
        .unwrap_or(0)
        .max(VALUE_WIDTH);
    let width = (area.width as usize)
        .saturating_sub(LABEL_WIDTH + value_width)
        .max(1);
    let s = pane.strip(width).clone();
    let rows = Layout::vertical([Constraint::Length(1); STRIP_ROWS as usize]).split(area);
    let charts: [(&str, &[u64], Style); 5] = [
        ("invocations", &s.invocations, theme.ok()),
        ("error lines", &s.errors, theme.error()),
        ("p50 duration", &s.p50_ms, theme.text()),
        ("p95 duration", &s.p95_ms, theme.warning()),
        ("cold starts", &s.cold_starts, theme.title(false)),
    ];
    for (i, ((label, data, style), value)) in charts.into_iter().zip(values).enumerate() {
        let [l, chart, v] = Layout::horizontal([
            Constraint::Length(LABEL_WIDTH as u16),
            Constraint::Min(1),
            Constraint::Length(u16::try_from(value_width).unwrap_or(u16::MAX)),
        ])
        .areas(rows[i]);
        frame.render_widget(
            Paragraph::new(Span::styled(label.to_string(), theme.muted())),
            l,
        );
        let data = crate::ui::table::visible_bars(data, chart.height);
        frame.render_widget(Sparkline::default().data(&data).style(style), chart);
        frame.render_widget(
            Paragraph::new(Span::styled(format!(" {value}"), theme.text())),
            v,
        );
    }
}

pub(super) fn request_id_of(buffer: &LogBuffer, r: &Report) -> String {
    buffer
        .get(r.seq)
        .and_then(|l| log_analysis::classify(l.text).request_id)
        .unwrap_or_default()
}

pub(super) fn invocations(frame: &mut Frame<'_>, area: Rect, pane: &mut LogsPane, theme: &Theme) {
    let summary = pane.summary().clone();
    let ms = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.0} ms"));
    let plural = |n: usize, word: &str| crate::text::plural(n, word);
    // The totals in whole parts, on a second row where one is short of room (at 80 columns
    // the maximum was cut off).
    let totals = super::super::table::wrap_parts(
        &[
            plural(summary.invocations, "invocation"),
            plural(summary.cold_starts, "cold start"),
            format!("{} failed", summary.failed),
            plural(summary.error_lines, "error line"),
            format!("p50 {}", ms(summary.p50_ms)),
            format!("p95 {}", ms(summary.p95_ms)),
            format!("max {}", ms(summary.max_ms)),
        ],
        area.width,
    );
    let rows = u16::try_from(totals.len().clamp(1, 2)).unwrap_or(1);
    let [head, table_area] =
        Layout::vertical([Constraint::Length(rows), Constraint::Min(1)]).areas(area);
    frame.render_widget(
        Paragraph::new(
            totals
                .into_iter()
                .map(|t| Line::styled(t, theme.title(false)))
                .collect::<Vec<_>>(),
        ),
        head,
    );
    let reports = pane.buffer.reports();
    if reports.is_empty() {
        // A query that is done will bring none; a pattern can leave them out.
        let running = pane.feed.as_ref().is_some_and(|f| f.is_running());
        let patterned = pane.feed.as_ref().is_some_and(|f| f.spec.pattern.is_some());
        let text = match (running, patterned) {
            (true, _) => {
                "No REPORT lines in the buffer yet: each invocation's REPORT line comes as it ends."
            }
            (false, true) => {
                "No REPORT lines among these lines: the query's pattern left them out (a query without one reads them)."
            }
            (false, false) => "No REPORT lines among these lines.",
        };
        message(frame, table_area, text.into(), false, theme);
        return;
    }
    let groups = pane.buffer.groups().len() > 1;
    let labels = super::lines::GroupLabels::new(pane.buffer.groups());
    // Narrow, the time to the second and the duration to the millisecond: at 44 columns the
    // table cut them in their middle (`10:1…321`, `133.… ms`).
    let narrow = table_area.width < NARROW_INVOCATIONS;
    let dated = super::lines::spans_days(&pane.buffer);
    let row_of = |r: &Report| -> Vec<Span<'static>> {
        let at = DateTime::from_timestamp_millis(r.ts_ms).unwrap_or_default();
        let init = r
            .init_ms
            .map_or(String::new(), |v| format!("{v:.1} ms cold"));
        let failed = r.failed || pane.buffer.is_failed(r.req);
        let status = if failed { "failed" } else { "ok" };
        let style = if failed { theme.error() } else { theme.text() };
        // With the date where the buffer spans days (a 3-day query's rows read alike).
        let time = match (dated, narrow) {
            (true, true) => "%m-%d %H:%M",
            (true, false) => "%m-%d %H:%M:%S%.3f",
            (false, true) => "%H:%M:%S",
            (false, false) => "%H:%M:%S%.3f",
        };
        let mut cells = vec![Span::styled(at.format(time).to_string(), theme.muted())];
        if groups {
            // Unpadded: the column is sized to the widest, and a padded name cut in its
            // middle read `api    …`.
            let (label, colour) = labels.of(pane.buffer.group_name(r.group));
            cells.push(Span::styled(
                label.trim_end().to_string(),
                theme.group(colour),
            ));
        }
        cells.extend([
            Span::styled(request_id_of(&pane.buffer, r), theme.text()),
            Span::styled(
                if narrow {
                    format!("{:.0} ms", r.duration_ms)
                } else {
                    format!("{:.2} ms", r.duration_ms)
                },
                style,
            ),
            Span::styled(format!("{} ms", r.billed_ms), theme.text()),
            Span::styled(
                format!("{}/{} MB", r.max_memory_used_mb, r.memory_mb),
                theme.text(),
            ),
            Span::styled(init, theme.warning()),
            Span::styled(status, style),
        ]);
        cells
    };
    // Columns sized by what they hold, as every list's: a narrow screen drops the billed
    // time, the memory and the cold start in turn and cuts the request id in its middle,
    // where fixed widths cut the time, the function and `MB` short without a mark.
    let mut columns = vec![Column::id("time")];
    if groups {
        // Gives way last of the optional columns, and is cut in its middle before it goes (at
        // 80 columns with four groups it went and the memory stayed: which function failed
        // was not said).
        columns.push(Column::name("function", 6, 1));
    }
    columns.extend([
        // Whole while the memory and the cold start can give way (at 80 columns it was cut to
        // 17 beside a memory column and an empty init one); cut in its middle only when
        // nothing else is left to go.
        // Beside several groups' functions it is cut in its middle (both ends show; `enter`
        // opens it whole) before the function goes: which function failed is what the view is
        // read for.
        Column {
            least: groups.then_some(16),
            ..Column::id("request")
        },
        Column::id("duration"),
        Column::whole("billed", 4),
        Column::whole("memory", 3),
        Column::whole("init", 2),
        Column::id("status"),
    ]);
    // The rows that fit `height` rows of table, kept around the selection, and the columns'
    // widths for them.
    let selected = pane.invocation.min(reports.len() - 1);
    let mut widest = std::mem::take(&mut pane.invocation_widest);
    // Measured in the other forms: measured again (the time kept the width of its
    // milliseconds).
    if widest.len() != columns.len() || pane.invocation_narrow != narrow {
        pane.invocation_narrow = narrow;
        widest = columns.iter().map(|c| c.header.width() as u16).collect();
    }
    let lay_out = |height: usize, widest: &mut Vec<u16>| {
        let mut offset = pane.invocation_offset;
        if pane.invocation_follow || selected >= offset + height {
            offset = (selected + 1).saturating_sub(height);
        }
        offset = offset.min(selected);
        let end = (offset + height).min(reports.len());
        let rows: Vec<Vec<Span<'static>>> = reports.range(offset..end).map(row_of).collect();
        for row in &rows {
            for (n, cell) in widest.iter_mut().zip(row) {
                *n = (*n).max(u16::try_from(cell.content.width()).unwrap_or(u16::MAX));
            }
        }
        let widths = widths(&columns, widest, table_area.width);
        (offset, rows, widths)
    };
    let (mut offset, mut rows, mut widths) = lay_out(
        table_area.height.saturating_sub(1).max(1) as usize,
        &mut widest,
    );
    // Columns left out are named on a row under the table, as Insights and Metrics name
    // theirs (the memory went with nothing to say so).
    let hidden: Vec<String> = widths
        .iter()
        .zip(&columns)
        .filter(|(w, _)| w.is_none())
        .map(|(_, c)| c.header.to_string())
        .collect();
    let (table_area, note) = super::super::table::note_row(table_area, &hidden);
    if let Some(note) = note {
        (offset, rows, widths) = lay_out(
            table_area.height.saturating_sub(1).max(1) as usize,
            &mut widest,
        );
        frame.render_widget(
            super::super::table::left_out_line(
                &hidden,
                "enter opens the request",
                note.width,
                theme,
            ),
            note,
        );
    }
    pane.invocation_widest = widest;
    pane.scroll.viewport = table_area.height.saturating_sub(1).max(1) as usize;
    pane.invocation_offset = offset;
    let fitted = |cells: Vec<Span<'static>>| -> Vec<Span<'static>> {
        cells
            .into_iter()
            .zip(&widths)
            .zip(&columns)
            .filter_map(|((s, w), c)| w.map(|w| Span::styled(fit_cell(c, &s.content, w), s.style)))
            .collect()
    };
    let table_rows = rows.into_iter().enumerate().map(|(i, cells)| {
        if offset + i == selected {
            let selection = theme.selection();
            Row::new(fitted(cells).into_iter().map(|s| {
                let style = s.style.patch(selection);
                s.style(style)
            }))
            .style(selection)
        } else {
            Row::new(fitted(cells))
        }
    });
    let header: Vec<Span<'static>> = fitted(columns.iter().map(|c| Span::raw(c.header)).collect());
    let constraints: Vec<Constraint> = widths
        .iter()
        .flatten()
        .map(|w| Constraint::Length(*w))
        .collect();
    frame.render_widget(
        Table::new(table_rows, constraints)
            .column_spacing(1)
            .header(Row::new(header).style(theme.title(false))),
        table_area,
    );
}

/// Below this many columns the invocations table gives its times and durations shorter.
const NARROW_INVOCATIONS: u16 = 60;
