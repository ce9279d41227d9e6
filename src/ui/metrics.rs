//! The Metrics pane: a table of the functions with a sparkline and the window's figure per
//! metric; the alarms, firing first; one alarm's metric around its state change.

use super::Look;
use super::table::{Column, text_table};
use crate::app::metrics::{Load, MetricsPane, Screen};
use crate::text::one_line;
use backoffice_domain::model::{AlarmState, FunctionMetric, MetricSeries};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph, Wrap};

/// The cells of a function's sparkline: each an eighth of the window.
const CELL_POINTS: usize = 8;
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

pub fn draw(frame: &mut Frame<'_>, area: Rect, pane: &mut MetricsPane, look: &Look<'_>) {
    let theme = look.theme;
    // The range of the figures shown (a read of another one that failed left them).
    let range = match &pane.shown_range {
        Some(range) => range.clone(),
        None if pane.range_text.is_empty() => crate::app::metrics::DEFAULT_RANGE.to_string(),
        None => pane.range_text.clone(),
    };
    let period = pane
        .period
        .map(|p| format!(" · period {}", span_text(p.num_seconds())))
        .unwrap_or_default();
    let firing = pane
        .alarms
        .iter()
        .filter(|a| a.state == AlarmState::Alarm)
        .count();
    // A count only of alarms that were read: "0 firing" after a failed read read as all clear.
    let alarms_said = match &pane.alarms_load {
        Load::Failed(_) => "not read".to_string(),
        Load::Loading(_) | Load::Idle if pane.alarms.is_empty() => "being read".to_string(),
        _ => format!(
            "{} · {firing} firing",
            crate::text::plural(pane.alarms.len(), "alarm")
        ),
    };
    // The key hint goes first where the row is short (the range was left out at 60 columns).
    // The key as the keymap has it (an override left the title naming `v`).
    let next = look.keys.hint(crate::keymap::Action::NextView);
    let (title, hints) = match pane.screen {
        Screen::Functions => (
            {
                // A read that failed before any figure came counted no function ("0
                // functions"), as if there were none.
                let count = match (&pane.load, pane.rows.is_empty()) {
                    (Load::Failed(_), true) => "functions not read".to_string(),
                    // Nor while the first read is on its way ("0 functions" for 20 s).
                    (Load::Loading(_), true) => "reading the functions…".to_string(),
                    _ => crate::text::plural(pane.rows.len(), "function"),
                };
                // Until when: the table is read on opening and on `ctrl-r` (the badge each
                // minute), so its age shows. A span counts back to when it was read; a range
                // typed as FROM..TO is its two ends, short (it read `last
                // 2026-12-05T22:00..2026-12-05T23:55 to 23:55 UTC`, and at 80 columns left
                // nothing of itself).
                let window = match (range.contains(".."), pane.window) {
                    (true, Some(w)) => crate::text::short_window(&w),
                    (_, Some(w)) => format!("last {range} to {} UTC", w.end.format("%H:%M")),
                    (_, None) => format!("last {range}"),
                };
                let title = format!("Metrics · {count} · {window}{period}");
                // The count gives way to the window (at 60 columns the window went).
                if unicode_width::UnicodeWidthStr::width(title.as_str()) + 4
                    > usize::from(area.width)
                    && pane.window.is_some()
                {
                    format!("Metrics · {window}{period}")
                } else {
                    title
                }
            },
            vec![match &pane.alarms_load {
                Load::Failed(_) => format!("{next} alarms (not read)"),
                Load::Loading(_) | Load::Idle if pane.alarms.is_empty() => {
                    format!("{next} alarms")
                }
                _ => format!("{next} alarms ({firing} firing)"),
            }],
        ),
        Screen::Alarms => (
            format!("Alarms · {alarms_said}"),
            vec![format!("{next} functions")],
        ),
        Screen::Chart => (
            format!(
                "Alarm · {}",
                pane.chart.alarm.as_ref().map_or("", |a| a.name.as_str())
            ),
            Vec::new(),
        ),
    };
    let block = super::table::pane_block_hinted(&title, &hints, area.width, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    match pane.screen {
        Screen::Functions => functions(frame, inner, pane, look),
        Screen::Alarms => alarms(frame, inner, pane, look),
        Screen::Chart => chart(frame, inner, pane, look),
    }
}

/// CloudWatch's comparison operator as a sign.
fn comparison_symbol(op: Option<&str>) -> &str {
    match op {
        Some("GreaterThanOrEqualToThreshold") => "≥",
        Some("GreaterThanThreshold") => ">",
        Some("LessThanThreshold") => "<",
        Some("LessThanOrEqualToThreshold") => "≤",
        Some(other) => other,
        None => "?",
    }
}

/// `3600` as `1h`.
pub fn span_text(seconds: i64) -> String {
    match seconds {
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3_600 == 0 => format!("{}h", s / 3_600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// A series over `window` in `cells` block characters, each a share of the window (the sum of
/// a count's points in it, the largest of the rest; a space where it has none), scaled to the
/// series' own largest: every row's cells cover the same times (rows of few points were
/// shorter, and two invocations half an hour apart drew side by side).
pub fn window_sparkline(
    series: Option<&MetricSeries>,
    window: &backoffice_domain::model::TimeWindow,
    cells: usize,
) -> String {
    let Some(s) = series else {
        return String::new();
    };
    let start = window.start.timestamp_millis();
    let span = (window.end.timestamp_millis() - start).max(1);
    let mut buckets: Vec<Option<f64>> = vec![None; cells.max(1)];
    for (t, v) in &s.points {
        let at = t.timestamp_millis() - start;
        if at < 0 || at > span {
            continue;
        }
        let i = usize::try_from(at.saturating_mul(cells as i64) / span)
            .unwrap_or(0)
            .min(cells.max(1) - 1);
        buckets[i] = Some(match buckets[i] {
            None => *v,
            Some(b) if s.metric.is_count() => b + v,
            Some(b) => b.max(*v),
        });
    }
    let max = buckets.iter().flatten().copied().fold(0.0_f64, f64::max);
    buckets
        .iter()
        .map(|b| match b {
            None => ' ',
            Some(_) if max <= 0.0 => BARS[0],
            Some(v) => BARS[((v / max) * 7.0).round().clamp(0.0, 7.0) as usize],
        })
        .collect()
}

/// A series' newest points as block characters, scaled to its own largest.
pub fn text_sparkline(series: Option<&MetricSeries>, points: usize) -> String {
    let Some(s) = series else {
        return String::new();
    };
    let tail: Vec<f64> = s
        .points
        .iter()
        .rev()
        .take(points)
        .map(|(_, v)| *v)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let max = tail.iter().copied().fold(0.0_f64, f64::max);
    tail.iter()
        .map(|v| {
            if max <= 0.0 {
                BARS[0]
            } else {
                BARS[((v / max) * 7.0).round().clamp(0.0, 7.0) as usize]
            }
        })
        .collect()
}

/// The fewest columns a function's name keeps.
const FUNCTION_CAP_MIN: u16 = 16;

/// When the row is short of room, which figure goes first (the highest): concurrency, then
/// throttles, then the durations; invocations and errors stay longest (latency went before
/// throttles, which are mostly zero).
fn drop_order(metric: FunctionMetric) -> u8 {
    match metric {
        FunctionMetric::Invocations => 1,
        FunctionMetric::Errors => 2,
        FunctionMetric::DurationP99 => 3,
        FunctionMetric::DurationP50 => 4,
        FunctionMetric::Throttles => 5,
        FunctionMetric::ConcurrentExecutions => 6,
    }
}

fn figure(series: Option<&MetricSeries>) -> String {
    match series.and_then(MetricSeries::total) {
        None => "-".to_string(),
        Some(v) => crate::ui::insights::short_number(v),
    }
}

fn message(frame: &mut Frame<'_>, area: Rect, load: &Load, empty: &str, look: &Look<'_>) -> bool {
    let (text, style) = match load {
        Load::Idle | Load::Loading(_) => ("loading…".to_string(), look.theme.muted()),
        Load::Failed(why) => (crate::text::printable(&why.message), look.theme.error()),
        Load::Loaded => (empty.to_string(), look.theme.muted()),
    };
    frame.render_widget(
        Paragraph::new(text).style(style).wrap(Wrap { trim: true }),
        area,
    );
    true
}

fn functions(frame: &mut Frame<'_>, area: Rect, pane: &mut MetricsPane, look: &Look<'_>) {
    let theme = look.theme;
    if pane.rows.is_empty() {
        message(
            frame,
            area,
            &pane.load,
            "no Lambda functions: the environment's log_groups name none under /aws/lambda/, and it lists no functions",
            look,
        );
        return;
    }
    let mut headers = vec!["function".to_string()];
    headers.extend(FunctionMetric::ALL.iter().map(|m| m.label().to_string()));
    // A long function name is cut in its middle past a fifth of the row (both ends show:
    // names sharing a prefix differ at their end); at 44 columns a 200-character name took
    // the whole row and left no figure.
    let columns: Vec<Column> = std::iter::once(Column::id_capped("", FUNCTION_CAP_MIN))
        .chain(
            FunctionMetric::ALL
                .iter()
                .map(|m| Column::whole("", drop_order(*m))),
        )
        .collect();
    // Columns left out are named under the table.
    let mut rows = super::table::TextRows {
        headers,
        cells: function_cells(pane, area.height, theme),
        floor: Vec::new(),
    };
    let hidden = super::table::columns_left_out(&rows, &columns, area.width);
    let (area, note) = super::table::note_row(area, &hidden);
    // Read again only when the note took a row.
    if note.is_some() {
        rows.cells = function_cells(pane, area.height, theme);
    }
    text_table(
        frame,
        area,
        &rows,
        &columns,
        pane.selected.checked_sub(pane.offset),
        theme,
    );
    if let Some(note) = note {
        frame.render_widget(
            super::table::left_out_for_room(&hidden, note.width, theme),
            note,
        );
    }
}

/// The cells of the functions that fit in a table `height` rows tall (its header included),
/// keeping the selection in view; a function with errors in the range is marked.
fn function_cells(
    pane: &mut MetricsPane,
    height: u16,
    theme: &crate::theme::Theme,
) -> Vec<(Vec<String>, ratatui::style::Style)> {
    let height = usize::from(height.saturating_sub(1)).max(1);
    let window = pane.window;
    pane.viewport = height;
    pane.offset =
        crate::app::list::keep_in_view(pane.selected, pane.offset, height, pane.rows.len());
    pane.rows
        .iter()
        .skip(pane.offset)
        .take(height)
        .map(|r| {
            let mut c = vec![one_line(&r.function)];
            for m in FunctionMetric::ALL {
                let s = r.series(m);
                let line = match &window {
                    Some(w) => window_sparkline(s, w, CELL_POINTS),
                    None => text_sparkline(s, CELL_POINTS),
                };
                // No points (a function that did not run): the `-` alone, at the cell's start
                // as every figure's sparkline is (after eight blank cells it sat between the
                // headers).
                c.push(if s.and_then(MetricSeries::total).is_some() {
                    format!("{line} {}", figure(s))
                } else {
                    figure(s)
                });
            }
            let errors = r
                .series(FunctionMetric::Errors)
                .and_then(MetricSeries::total)
                .unwrap_or(0.0);
            let style = if errors > 0.0 {
                theme.warning()
            } else {
                theme.text()
            };
            (c, style)
        })
        .collect()
}

/// The columns an alarm's time takes (`12-05 04:36:00`), and the space after it.
const SINCE: usize = 14 + 1;

fn alarms(frame: &mut Frame<'_>, area: Rect, pane: &mut MetricsPane, look: &Look<'_>) {
    let theme = look.theme;
    if pane.alarms.is_empty() {
        message(
            frame,
            area,
            &pane.alarms_load,
            "no alarms in this account and region",
            look,
        );
        return;
    }
    let height = usize::from(area.height.saturating_sub(1)).max(1);
    pane.viewport = height;
    pane.offset =
        crate::app::list::keep_in_view(pane.alarm_selected, pane.offset, height, pane.alarms.len());
    // The state column as wide as the widest state listed (it kept 18 columns for
    // `INSUFFICIENT_DATA` on a list of `ALARM`s and `OK`s, and the reason went at 80).
    let state_width = pane
        .alarms
        .iter()
        .map(|a| a.state.as_str().len())
        .chain([5])
        .max()
        .unwrap_or(5);
    let state_and_since = state_width + 1 + SINCE;
    let mut lines = vec![Line::styled(
        format!(
            "{:<state_width$} {:<14} alarm · reason",
            "state", "since (UTC)"
        ),
        theme.title(false),
    )];
    for (i, a) in pane
        .alarms
        .iter()
        .enumerate()
        .skip(pane.offset)
        .take(height)
    {
        let style = match a.state {
            AlarmState::Alarm => theme.error(),
            AlarmState::InsufficientData => theme.muted(),
            AlarmState::Ok => theme.ok(),
        };
        let since = a
            .since
            .map_or("-".to_string(), |t| t.format("%m-%d %H:%M:%S").to_string());
        // The name takes what it needs, up to half the row left (never under 40 columns),
        // cut in its middle so names that differ at their end (`…-eu`, `…-us`) stay apart;
        // the reason takes the rest.
        let rest = usize::from(area.width).saturating_sub(state_and_since);
        let name = super::table::fit_middle(
            &one_line(&a.name),
            u16::try_from((rest / 2).max(40).min(rest)).unwrap_or(u16::MAX),
        );
        let reason = super::table::fit(
            &format!(" · {}", one_line(&a.reason)),
            u16::try_from(
                rest.saturating_sub(unicode_width::UnicodeWidthStr::width(name.as_str())),
            )
            .unwrap_or(u16::MAX),
        );
        let line = Line::from(vec![
            Span::styled(format!("{:<state_width$} ", a.state.as_str()), style),
            Span::styled(format!("{since:<14} "), theme.text()),
            Span::styled(name, theme.title(false)),
            Span::styled(reason, theme.muted()),
        ]);
        lines.push(if i == pane.alarm_selected {
            super::table::selected_line(line, theme)
        } else {
            line
        });
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn chart(frame: &mut Frame<'_>, area: Rect, pane: &mut MetricsPane, look: &Look<'_>) {
    let theme = look.theme;
    let c = &pane.chart;
    let Some(alarm) = &c.alarm else {
        return;
    };
    let mut head = Vec::new();
    // A name too long for the title (cut there in its middle) is written out here, whole.
    let name = one_line(&alarm.name);
    if unicode_width::UnicodeWidthStr::width(format!("Alarm · {name}").as_str())
        > usize::from(area.width)
    {
        head.push(Line::styled(name, theme.title(false)));
    }
    head.push(Line::from(vec![
        Span::styled(format!("{} ", alarm.state.as_str()), theme.error()),
        Span::styled(
            alarm.since.map_or(String::new(), |t| {
                format!("since {} UTC", t.format("%Y-%m-%d %H:%M:%S"))
            }),
            theme.text(),
        ),
    ]));
    let reason_at = head.len();
    head.push(Line::styled(
        crate::text::printable(&alarm.reason),
        theme.muted(),
    ));
    if let Some(m) = &alarm.metric {
        let dims = m
            .dimensions
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ");
        head.push(Line::styled(
            one_line(&format!(
                "{}/{} {dims} · {} per {} · threshold {} {}",
                m.namespace,
                m.name,
                m.stat,
                span_text(i64::from(m.period_seconds)),
                comparison_symbol(alarm.comparison.as_deref()),
                alarm
                    .threshold
                    .map_or("-".into(), crate::ui::insights::short_number),
            )),
            theme.text(),
        ));
    }
    let window = c.window.map(|w| {
        format!(
            "{} .. {} UTC · {} points · max {}",
            w.start.format("%m-%d %H:%M"),
            w.end.format("%m-%d %H:%M"),
            c.points.len(),
            crate::ui::insights::short_number(c.points.iter().map(|(_, v)| *v).fold(0.0, f64::max))
        )
    });
    let mut full = head.clone();
    if let Some(w) = &window {
        full.push(Line::styled(
            format!("{w} · the threshold is the line across, the state change the upright one"),
            theme.muted(),
        ));
    }
    let mut head_text = Paragraph::new(full).wrap(Wrap { trim: true });
    let mut rows = u16::try_from(head_text.line_count(area.width)).unwrap_or(u16::MAX);
    // On a short screen the head gives way to the chart: the reason on one row and the
    // window without the key to the lines (at 60×20 the chart kept three rows and drew the
    // threshold on the row labelled 0).
    if area.height.saturating_sub(rows) < CHART_ROWS_MIN {
        if let Some(reason) = head.get_mut(reason_at) {
            *reason = Line::styled(
                super::table::fit(&one_line(&alarm.reason), area.width),
                theme.muted(),
            );
        }
        if let Some(w) = window {
            head.push(Line::styled(w, theme.muted()));
        }
        head_text = Paragraph::new(head).wrap(Wrap { trim: true });
        rows = u16::try_from(head_text.line_count(area.width)).unwrap_or(u16::MAX);
    }
    let head = head_text;
    let [h, body] = Layout::vertical([Constraint::Length(rows), Constraint::Min(1)]).areas(area);
    frame.render_widget(head, h);
    match &c.load {
        Load::Loaded if c.points.is_empty() => {
            frame.render_widget(
                Paragraph::new("no data points in the window").style(theme.muted()),
                body,
            );
        }
        Load::Loaded => {
            let Some(w) = c.window else {
                return;
            };
            let series = AlarmSeries::new(w, &c.points, alarm.threshold, alarm.since);
            frame.render_widget(series.chart(w, theme), body);
        }
        other => {
            message(frame, body, other, "", look);
        }
    }
}

/// The fewest rows an alarm's chart wants before its head gives up words for it.
const CHART_ROWS_MIN: u16 = 8;

/// What an alarm's chart draws, in seconds from the window's start: the metric's points, the
/// threshold as a line across, and the moment the state changed as a vertical mark.
struct AlarmSeries {
    span: f64,
    top: f64,
    value: Vec<(f64, f64)>,
    threshold: Vec<(f64, f64)>,
    changed: Vec<(f64, f64)>,
}

impl AlarmSeries {
    fn new(
        window: backoffice_domain::model::TimeWindow,
        points: &[(chrono::DateTime<chrono::Utc>, f64)],
        threshold: Option<f64>,
        since: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Self {
        let start = window.start.timestamp() as f64;
        let span = (window.end.timestamp() as f64 - start).max(1.0);
        let x = |t: &chrono::DateTime<chrono::Utc>| t.timestamp() as f64 - start;
        let value: Vec<(f64, f64)> = points.iter().map(|(t, v)| (x(t), *v)).collect();
        let top = value
            .iter()
            .map(|(_, v)| *v)
            .chain(threshold)
            .fold(0.0_f64, f64::max)
            .max(1.0)
            * 1.1;
        Self {
            span,
            top,
            value,
            threshold: threshold.map_or(Vec::new(), |t| vec![(0.0, t), (span, t)]),
            changed: since
                .filter(|s| *s >= window.start && *s <= window.end)
                .map_or(Vec::new(), |s| vec![(x(&s), 0.0), (x(&s), top)]),
        }
    }

    /// The chart over these series (it borrows them), time along the bottom.
    fn chart<'a>(
        &'a self,
        window: backoffice_domain::model::TimeWindow,
        theme: &crate::theme::Theme,
    ) -> Chart<'a> {
        let line = |name: &'static str, data: &'a [(f64, f64)], style| {
            Dataset::default()
                .name(name)
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(style)
                .data(data)
        };
        let mut sets = vec![line("value", &self.value, theme.warning())];
        if !self.threshold.is_empty() {
            sets.push(line("threshold", &self.threshold, theme.error()));
        }
        if !self.changed.is_empty() {
            sets.push(line("state changed", &self.changed, theme.text()));
        }
        let at = |t: chrono::DateTime<chrono::Utc>| {
            Span::styled(t.format("%H:%M").to_string(), theme.muted())
        };
        // No legend: the head says which line is which (the legend covered the lines, and
        // was dropped on a small chart).
        Chart::new(sets)
            .legend_position(None)
            .x_axis(
                Axis::default()
                    .bounds([0.0, self.span])
                    .labels([at(window.start), at(window.end)])
                    .style(theme.muted()),
            )
            .y_axis(
                Axis::default()
                    .bounds([0.0, self.top])
                    .labels([
                        Span::styled("0", theme.muted()),
                        Span::styled(
                            crate::ui::insights::short_number(self.top / 1.1),
                            theme.muted(),
                        ),
                    ])
                    .style(theme.muted()),
            )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use backoffice_domain::model::TimeWindow;
    use chrono::{TimeZone, Utc};

    /// Two functions' sparklines over one window are as long as each other, and a point
    /// falls in the cell of its time: two invocations half an hour apart are not side by side.
    #[test]
    fn sparklines_share_the_window_s_time_axis() {
        let at = |m: u32| Utc.with_ymd_and_hms(2026, 12, 3, 10, m, 0).unwrap();
        let window = TimeWindow::new(at(0), at(59) + chrono::Duration::minutes(1)).unwrap();
        let series = |points: Vec<(u32, f64)>| MetricSeries {
            function: "f".into(),
            metric: FunctionMetric::Invocations,
            points: points.into_iter().map(|(m, v)| (at(m), v)).collect(),
        };
        let busy = series((0..60).map(|m| (m, 1.0 + f64::from(m % 5))).collect());
        let sparse = series(vec![(5, 1.0), (35, 1.0)]);
        let a = window_sparkline(Some(&busy), &window, 8);
        let b = window_sparkline(Some(&sparse), &window, 8);
        assert_eq!(a.chars().count(), 8);
        assert_eq!(b.chars().count(), 8);
        let cells: Vec<char> = b.chars().collect();
        assert_ne!(cells[0], ' ', "{b:?}");
        assert_ne!(cells[4], ' ', "{b:?}");
        assert_eq!(cells[1], ' ', "nothing between them: {b:?}");
        // A count sums its points in a cell.
        let summed = series(vec![(0, 2.0), (1, 2.0), (59, 4.0)]);
        let s = window_sparkline(Some(&summed), &window, 8);
        let c: Vec<char> = s.chars().collect();
        assert_eq!(
            c[0], c[7],
            "2 + 2 in the first cell as high as 4 in the last: {s:?}"
        );
    }
}
