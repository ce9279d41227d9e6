//! Invocations read from REPORT lines: the sparkline strip over the lines, and the invocation
//! table.

use super::*;

/// Columns the strip's figures take at least (`1234 ms`, `12 · 3 failed`).
const VALUE_WIDTH: usize = 14;

pub(super) fn strip(frame: &mut Frame<'_>, area: Rect, pane: &mut LogsPane, theme: &Theme) {
    let summary = pane.summary().clone();
    let ms = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.0} ms"));
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
        frame.render_widget(Sparkline::default().data(data).style(style), chart);
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
    let labels = super::lines::GroupLabels::new(pane.buffer.groups());
    let rows = reports.range(offset..end).enumerate().map(|(i, r)| {
        let at = DateTime::from_timestamp_millis(r.ts_ms).unwrap_or_default();
        let id = request_id_of(&pane.buffer, r);
        let init = r
            .init_ms
            .map_or(String::new(), |v| format!("{v:.1} ms cold"));
        let failed = r.failed || pane.buffer.is_failed(r.req);
        let status = if failed { "failed" } else { "ok" };
        let style = if failed { theme.error() } else { theme.text() };
        let mut cells = vec![Span::styled(
            at.format("%H:%M:%S%.3f").to_string(),
            theme.muted(),
        )];
        if groups {
            let (label, colour) = labels.of(pane.buffer.group_name(r.group));
            cells.push(Span::styled(label, theme.group(colour)));
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
        // As wide as the widest label: function names are never cut here.
        widths.push(Constraint::Length(
            u16::try_from(labels.width().max("function".len())).unwrap_or(u16::MAX),
        ));
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
