//! Invocations read from REPORT lines: the sparkline strip over the lines, and the invocation
//! table.

use super::*;

pub(super) fn spark(
    frame: &mut Frame<'_>,
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
        Constraint::Length(14),
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

pub(super) fn strip(frame: &mut Frame<'_>, area: Rect, pane: &mut LogsPane, theme: &Theme) {
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
        "error lines",
        &s.errors,
        format!("{} · {} failed", summary.error_lines, summary.failed),
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

pub(super) fn request_id_of(buffer: &LogBuffer, r: &Report) -> String {
    buffer
        .get(r.seq)
        .and_then(|l| log_analysis::classify(l.text).request_id)
        .unwrap_or_default()
}

pub(super) fn invocations(frame: &mut Frame<'_>, area: Rect, pane: &mut LogsPane, theme: &Theme) {
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
