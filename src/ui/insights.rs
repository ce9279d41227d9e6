//! The Insights pane: the query at the top, a chart when the result has a `bin()` column, the
//! result as a table whose columns come from the result's fields; the saved queries; a record.

use super::Look;
use super::table::{Column, TextRows, fit, pane_block, text_table};
use crate::app::insights::{InsightsPane, Run, RunState, Screen, compare_cells, parse_result_time};
use crate::text::{human_size, log_text, one_line};
use backoffice_domain::model::{QueryStatus, ResultRow, field_of};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, Wrap};
use unicode_width::UnicodeWidthStr;

/// Lines of the query shown above the result.
const QUERY_LINES: usize = 3;
/// Most series the chart draws (one per group and numeric column).
const MAX_SERIES: usize = 6;
/// Widest a result column is drawn before `…`.
const MAX_CELL: usize = 120;

pub fn draw(frame: &mut Frame<'_>, area: Rect, pane: &mut InsightsPane, look: &Look<'_>) {
    let theme = look.theme;
    let title = title(pane, look.keys, area.width);
    // Padded as every pane's title is (`┌ Logs · …`).
    let block = pane_block(format!(" {title} "), area.width, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    match pane.screen {
        Screen::Results => draw_results(frame, inner, pane, look),
        Screen::Saved => draw_saved(frame, inner, pane, look),
        Screen::Record => draw_record(frame, inner, pane, look),
    }
}

fn title(pane: &InsightsPane, keys: &crate::keymap::Keymap, width: u16) -> String {
    match pane.screen {
        Screen::Saved => format!("Insights · saved queries · {}", pane.saved.items.len()),
        Screen::Record => "Insights · log record".to_string(),
        // The keys as the keymap has them (an override left the title naming the defaults).
        Screen::Results => match &pane.run {
            None => format!(
                "Insights · {} writes a query · {} saved queries",
                keys.hint(crate::keymap::Action::LogQuery),
                keys.hint(crate::keymap::Action::NextView)
            ),
            Some(run) => {
                let state = match &run.state {
                    RunState::Starting => "starting…".to_string(),
                    RunState::Polling(s) => format!("{}…", s.as_str()),
                    RunState::Stopping => "cancelling…".to_string(),
                    RunState::Done(QueryStatus::Complete) => "complete".to_string(),
                    RunState::Done(s) => s.as_str().to_string(),
                    RunState::Failed(_) => "failed".to_string(),
                };
                let s = run.stats;
                // The state and the count as one part, last: a narrow title leaves out its
                // middle parts first (the scan, then the window), and it gave up the count
                // before the groups and the window.
                // Nothing scanned yet (or a query refused before it ran): no figures, which
                // took the window's place.
                let scan = if s.records_scanned > 0.0 || s.bytes_scanned > 0.0 {
                    format!(
                        " · {:.0} matched of {:.0} scanned ({})",
                        s.records_matched,
                        s.records_scanned,
                        human_size(s.bytes_scanned.max(0.0) as u64),
                    )
                } else {
                    String::new()
                };
                let with = |scan: &str, window: String| {
                    format!(
                        "Insights · {}{scan} · {window} · {state}, {}",
                        groups_summary(&run.groups),
                        crate::text::plural(run.rows.len(), "row"),
                    )
                };
                // The window as the range field takes it back where it fits beside the rest
                // (the scan figures give way first), else short: left out whole, it was the
                // part a narrow title lost first.
                let whole = with(&scan, window_text(run));
                let short = crate::text::short_window(&run.window);
                if with(" · …", window_text(run)).width() + 4 <= usize::from(width) {
                    whole
                } else if with(" · …", short.clone()).width() + 4 <= usize::from(width) {
                    with(&scan, short)
                } else {
                    // The groups give way to the window (at 80 columns the title kept the
                    // group's name and lost the window), then a finished query's state.
                    let rows = crate::text::plural(run.rows.len(), "row");
                    let with_state = format!("Insights · {short} · {state}, {rows}");
                    if with_state.width() + 4 <= usize::from(width) || state != "complete" {
                        with_state
                    } else {
                        format!("Insights · {short} · {rows}")
                    }
                }
            }
        },
    }
}

fn groups_summary(groups: &[String]) -> String {
    match groups {
        [] => "no groups".to_string(),
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} +{}", rest.len()),
    }
}

/// The window as the range field takes it back (`2026-12-06 01:10 .. 2026-12-06 01:12 UTC`,
/// seconds where it has them): without its year it was refused when copied into the field.
pub(super) fn window_text(run: &Run) -> String {
    let at = |t: &chrono::DateTime<chrono::Utc>| {
        use chrono::Timelike;
        t.format(if t.second() == 0 {
            "%Y-%m-%d %H:%M"
        } else {
            "%Y-%m-%d %H:%M:%S"
        })
        .to_string()
    };
    format!("{} .. {} UTC", at(&run.window.start), at(&run.window.end))
}

/// The query over the results in at most [`QUERY_LINES`] rows of `width` columns: a line too
/// long ends with `…`, and a query of more lines says how many more there are (a fourth line
/// and the end of a long `filter` were left out with nothing to say so).
fn query_header(text: &str, width: u16) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let shown = if lines.len() > QUERY_LINES {
        QUERY_LINES - 1
    } else {
        lines.len()
    };
    let mut out: Vec<String> = lines[..shown]
        .iter()
        .map(|l| super::table::fit(&one_line(l), width))
        .collect();
    if lines.len() > shown {
        out.push(super::table::fit(
            &format!(
                "… {}",
                crate::text::plural(lines.len() - shown, "more line")
            ),
            width,
        ));
    }
    out
}

fn draw_results(frame: &mut Frame<'_>, area: Rect, pane: &mut InsightsPane, look: &Look<'_>) {
    let theme = look.theme;
    let query_lines = query_header(
        pane.run
            .as_ref()
            .map_or(pane.query_text.as_str(), |r| r.text.as_str()),
        area.width,
    )
    .into_iter()
    .map(|l| Line::styled(l, theme.muted()))
    .collect::<Vec<_>>();
    let mut query_lines = query_lines;
    // Groups named that are not there, left out of the query: said over its rows.
    if let Some(run) = pane.run.as_ref().filter(|r| !r.left_out.is_empty()) {
        query_lines.push(Line::styled(
            super::table::fit(&crate::text::groups_not_read(&run.left_out), area.width),
            theme.warning(),
        ));
    }
    let query_height = query_lines.len().max(1) as u16;
    let Some(run) = &mut pane.run else {
        let [q, rest] =
            Layout::vertical([Constraint::Length(query_height), Constraint::Min(0)]).areas(area);
        frame.render_widget(Paragraph::new(query_lines), q);
        frame.render_widget(
            Paragraph::new(format!(
                "{} writes and runs a query over the groups and range; {} lists the saved and built-in on-call queries.",
                look.keys.hint(crate::keymap::Action::LogQuery),
                look.keys.hint(crate::keymap::Action::NextView)
            ))
            .style(theme.muted())
            .wrap(Wrap { trim: false }),
            rest,
        );
        return;
    };
    let series = chart_series(run);
    // A third of the pane at most, and at least MAX_SERIES lines when there are that many.
    let room = usize::from(area.height / 3).max(MAX_SERIES);
    let chart_height = if series.is_empty() || area.height < 14 {
        0
    } else {
        series.len().min(room) as u16
    };
    let [q, chart, table] = Layout::vertical([
        Constraint::Length(query_height),
        Constraint::Length(chart_height),
        Constraint::Min(1),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(query_lines), q);
    if chart_height > 0 {
        draw_chart(frame, chart, &series, look);
    }
    pane_header_row(run, (query_height + chart_height) as usize);
    if let RunState::Failed(why) = &run.state {
        frame.render_widget(
            Paragraph::new(crate::text::printable(why))
                .style(theme.error())
                .wrap(ratatui::widgets::Wrap { trim: true }),
            table,
        );
        return;
    }
    if run.rows.is_empty() {
        let text = if run.is_running() {
            "waiting for the first rows…"
        } else if matches!(run.state, RunState::Done(QueryStatus::Cancelled)) {
            // Not "no rows matched": a cancelled search found nothing because it stopped.
            "cancelled before any rows came"
        } else {
            "no rows matched"
        };
        frame.render_widget(Paragraph::new(text).style(theme.muted()), table);
        return;
    }
    if run.columns.is_empty() {
        // Rows with nothing to show (only `@ptr`, which is not a column): say so, rather than
        // an empty table under a title that counts thousands of rows.
        frame.render_widget(
            Paragraph::new(format!(
                "{} rows, none with a field to show (only @ptr): name fields in the query (fields @timestamp, @message …)",
                run.rows.len()
            ))
            .style(theme.muted())
            .wrap(ratatui::widgets::Wrap { trim: true }),
            table,
        );
        return;
    }
    draw_table(frame, table, run, look);
}

/// Remembers where the table's header is, for clicks.
fn pane_header_row(run: &mut Run, line: usize) {
    run.header_line = line;
}

/// The headers and the cells of the rows that fit in a table `height` rows tall (the header
/// included), keeping the selection in view.
fn table_text(run: &mut Run, height: u16, style: ratatui::style::Style) -> TextRows {
    let height = usize::from(height.saturating_sub(1)).max(1);
    run.viewport = height;
    run.offset = crate::app::list::keep_in_view(run.selected, run.offset, height, run.rows.len());
    let end = (run.offset + height).min(run.rows.len());
    let headers: Vec<String> = run
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| match run.sort {
            Some((s, desc)) if s == i => {
                format!("{} {}", one_line(c), if desc { "▼" } else { "▲" })
            }
            _ => one_line(c),
        })
        .collect();
    let cell = result_cell;
    measure(run);
    // Sorted, each header keeps room for the mark: `S` moving it to another column moves
    // nothing else (the first sort takes the room, where it is wanted).
    let mark = if run.sort.is_some() { 2 } else { 0 };
    let floor: Vec<u16> = run
        .widest
        .iter()
        .zip(&run.columns)
        .map(|(w, c)| (*w).max(u16::try_from(one_line(c).width() + mark).unwrap_or(u16::MAX)))
        .collect();
    let cells = run.rows[run.offset..end]
        .iter()
        .map(|row| (run.columns.iter().map(|c| cell(row, c)).collect(), style))
        .collect();
    TextRows {
        headers,
        cells,
        floor,
    }
}

/// A result cell as the table shows it: on one row, line breaks as `⏎` as in Logs.
fn result_cell(row: &ResultRow, column: &str) -> String {
    // The line break that ends every Lambda line is not shown (`END RequestId: …⏎` on each
    // row), as Logs does not show it.
    let value = field_of(row, column).unwrap_or("");
    // A bin of whole minutes reads `12-05 07:15`: the year and the zero seconds took 12 of
    // its 23 columns, and at 60 columns the bin or a figure went for want of them.
    if column.starts_with("bin(")
        && let Some(short) = short_bin(value, bins_of_seconds(column))
    {
        return short;
    }
    let text = log_text(value.trim_end_matches(['\n', '\r']));
    // One word (a group, a stream, an id) is cut in its middle: names differ at their end
    // (`/aws/lambda/team-pla…team-platform-obser…` lost a group's distinguishing end, cut at
    // its end here and then in its middle by its column); text is cut at its end.
    if text.contains(char::is_whitespace) {
        fit(&text, MAX_CELL as u16)
    } else {
        crate::text::middle(&text, MAX_CELL)
    }
}

/// Whether a `bin(…)` column's bins are counted in seconds (`bin(30s)`): its cells then show
/// their seconds, every one (`12-05 21:13:00` beside `12-05 21:13:30`; the whole minutes read
/// `12-05 21:13` and the others `2026-12-05 21:13:30.000`, one column in two forms).
fn bins_of_seconds(column: &str) -> bool {
    // The letters after the number: `bin(30s)` → `s`.
    let unit = column
        .trim_end_matches(')')
        .rsplit(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(
        unit.as_str(),
        "ms" | "s" | "sec" | "secs" | "second" | "seconds"
    )
}

#[cfg(test)]
mod bin_tests {
    /// One `bin()` column reads in one form: by the minute, or to the second where its bins
    /// are seconds.
    #[test]
    fn a_bin_column_reads_in_one_form() {
        assert!(super::bins_of_seconds("bin(30s)"));
        assert!(super::bins_of_seconds("bin(500ms)"));
        assert!(!super::bins_of_seconds("bin(5m)"));
        assert!(!super::bins_of_seconds("bin(1h)"));
        let cells: Vec<Option<String>> = ["2026-12-05 21:13:00.000", "2026-12-05 21:13:30.000"]
            .into_iter()
            .map(|v| super::short_bin(v, true))
            .collect();
        assert_eq!(
            cells,
            [
                Some("12-05 21:13:00".to_string()),
                Some("12-05 21:13:30".to_string())
            ]
        );
        assert_eq!(
            super::short_bin("2026-12-05 21:15:00.000", false).as_deref(),
            Some("12-05 21:15")
        );
        assert_eq!(super::short_bin("2026-12-05 21:15:30.000", false), None);
    }
}

/// `2026-12-05 07:15:00.000` as `12-05 07:15`, or with `seconds` as `12-05 07:15:30`; `None`
/// for any other shape (seconds in it where minutes were asked for, a fraction).
fn short_bin(value: &str, seconds: bool) -> Option<String> {
    let (date, time) = value.trim().split_once(' ')?;
    let (_, month_day) = date.split_once('-')?;
    let whole = time.strip_suffix(".000").unwrap_or(time);
    if month_day.len() != 5 || whole.len() != 8 {
        return None;
    }
    if seconds {
        return Some(format!("{month_day} {whole}"));
    }
    let minute = whole.strip_suffix(":00")?;
    Some(format!("{month_day} {minute}"))
}

/// Once per result: each column's widest cell and whether it holds only numbers.
fn measure(run: &mut Run) {
    if run.widest.len() == run.columns.len() {
        return;
    }
    let mut widest = vec![0u16; run.columns.len()];
    let mut numbers = vec![true; run.columns.len()];
    for row in &run.rows {
        for ((w, n), c) in widest.iter_mut().zip(&mut numbers).zip(&run.columns) {
            let cell = result_cell(row, c);
            *w = (*w).max(u16::try_from(cell.width()).unwrap_or(u16::MAX));
            *n &= cell.is_empty() || cell.trim().parse::<f64>().is_ok();
        }
    }
    run.widest = widest;
    run.numbers = numbers;
}

fn draw_table(frame: &mut Frame<'_>, area: Rect, run: &mut Run, look: &Look<'_>) {
    let theme = look.theme;
    measure(run);
    // A figure is what `stats` computed (a number in a column the query named, `p99`,
    // `count(*)`); with figures, the columns it groups by are cut in their middle rather than
    // leave the figures out (at 60 columns `@log` and `bin(5m)` stayed whole and the figures
    // went), and go before them; a bin is a time, kept whole, in its order (without it the
    // rows of one group read alike).
    let figure = |i: usize, c: &str| {
        !c.starts_with('@') && !c.starts_with("bin(") && run.numbers.get(i) == Some(&true)
    };
    let stats = run.columns.iter().enumerate().any(|(i, c)| figure(i, c));
    let count = run.columns.len();
    let drop = |i: usize| u8::try_from(i + 1).unwrap_or(u8::MAX);
    // The message is free text (it takes what is left); the other columns are whole. When
    // they do not all fit the last named go first, the message too (a query names what
    // matters most first: `@requestId`, named before it, went while it stayed).
    // Beside a message, a group's or a stream's name takes at most a fifth of the row, cut in
    // its middle (a 200-character group held 41 columns of every row while the messages were
    // cut), and gets back what the message leaves.
    let message = run.columns.iter().any(|c| c == "@message");
    let columns: Vec<Column> = run
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if c == "@message" {
                Column::free("", 20, drop(i))
            } else if message && (c == "@log" || c == "@logStream") {
                Column {
                    cap_min: 12,
                    cap_div: 5,
                    ..Column::whole("", drop(i))
                }
            } else if i == 0 && stats && !figure(i, c) && !c.starts_with("bin(") {
                Column {
                    cap_min: 16,
                    cap_div: 4,
                    ..Column::id("")
                }
            } else if i == 0 {
                Column::id("")
            } else if stats && !figure(i, c) && !c.starts_with("bin(") {
                Column {
                    cap_min: 16,
                    cap_div: 4,
                    ..Column::whole("", drop(i + count))
                }
            } else {
                Column::whole("", drop(i))
            }
        })
        .collect();
    // Columns left out are named under the table, with where to read them.
    let rows = table_text(run, area.height, theme.text());
    let hidden = super::table::columns_left_out(&rows, &columns, area.width);
    let (area, note) = super::table::note_row(area, &hidden);
    // Read again only when the note took a row.
    let rows = match note {
        Some(_) => table_text(run, area.height, theme.text()),
        None => rows,
    };
    let widths = text_table(
        frame,
        area,
        &rows,
        &columns,
        run.selected.checked_sub(run.offset),
        theme,
    );
    run.drawn = widths
        .iter()
        .enumerate()
        .filter_map(|(i, w)| w.map(|_| i))
        .collect();
    if let Some(note) = note {
        let how = format!(
            "{} shows a row whole",
            look.keys.hint(crate::keymap::Action::Enter)
        );
        frame.render_widget(
            super::table::left_out_line(&hidden, &how, note.width, theme),
            note,
        );
    }
}

/// The most bins a chart spreads over time; more are drawn as they come, side by side.
const MAX_BINS: usize = 2_000;

/// Where a row's bin goes among a chart's values.
enum Slots {
    /// Bins a whole `step` (ms) apart from `first`: its step's number.
    Time { first: i64, step: i64 },
    /// Bins as listed (not times, or too many steps): its place in the list.
    Listed(Vec<String>),
}

impl Slots {
    fn of(&self, bin: &str) -> Option<usize> {
        match self {
            Slots::Time { first, step } => {
                let t = parse_result_time(bin)?.timestamp_millis();
                usize::try_from((t - first) / step).ok()
            }
            Slots::Listed(bins) => bins.iter().position(|b| b == bin),
        }
    }
}

/// One line of the chart: a label and its values over the bins, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: String,
    pub values: Vec<f64>,
}

/// The series a result with a `bin(…)` column draws: one per numeric column and per value of
/// the other (grouping) columns, over the bins in time order.
pub fn chart_series(run: &Run) -> Vec<Series> {
    // In the query's order, whatever the table's sort (the series moved with each sort).
    let rows = if run.query_order.len() == run.rows.len() {
        &run.query_order
    } else {
        &run.rows
    };
    let Some(bin) = run.columns.iter().find(|c| c.starts_with("bin(")) else {
        return Vec::new();
    };
    let numeric: Vec<&String> = run
        .columns
        .iter()
        .filter(|c| *c != bin)
        .filter(|c| {
            rows.iter()
                .filter_map(|r| field_of(r, c))
                .all(|v| v.trim().parse::<f64>().is_ok())
                && rows.iter().any(|r| field_of(r, c).is_some())
        })
        .collect();
    let keys: Vec<&String> = run
        .columns
        .iter()
        .filter(|c| *c != bin && !numeric.contains(c))
        .collect();
    let mut bins: Vec<&str> = rows.iter().filter_map(|r| field_of(r, bin)).collect();
    bins.sort_by(|a, b| match (parse_result_time(a), parse_result_time(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => compare_cells(Some(a), Some(b)),
    });
    bins.dedup();
    // Every bin from the first to the last, those no row holds too (as zero): a quiet stretch
    // drawn as nothing, not squeezed out (failures at 12:05 and 12:20 were drawn side by
    // side). Only where the bins are times a whole step apart, and at most `MAX_BINS`.
    let step = bin
        .strip_prefix("bin(")
        .and_then(|rest| rest.strip_suffix(')'))
        .and_then(backoffice_domain::model::parse_span)
        .map(|d| d.num_milliseconds())
        .filter(|ms| *ms > 0);
    let times: Option<Vec<i64>> = bins
        .iter()
        .map(|b| parse_result_time(b).map(|t| t.timestamp_millis()))
        .collect();
    let slots = match (step, times) {
        (Some(step), Some(times))
            if !times.is_empty()
                && times.iter().all(|t| (t - times[0]) % step == 0)
                && (times[times.len() - 1] - times[0]) / step < MAX_BINS as i64 =>
        {
            let first = times[0];
            let count = usize::try_from((times[times.len() - 1] - first) / step + 1).unwrap_or(0);
            bins = vec![""; count];
            Slots::Time { first, step }
        }
        _ => Slots::Listed(bins.iter().map(|b| b.to_string()).collect()),
    };
    // The grouping values told apart by what differs: `123:/aws/lambda/api` and
    // `123:/aws/lambda/api-admin` become `api` and `api-admin`.
    let all_keys: Vec<String> = run
        .rows
        .iter()
        .map(|r| {
            keys.iter()
                .map(|k| field_of(r, k).unwrap_or(""))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let cut = shared_prefix(&all_keys);
    let mut out: Vec<Series> = Vec::new();
    for n in &numeric {
        let mut groups: Vec<String> = Vec::new();
        for r in rows {
            let key = keys
                .iter()
                .map(|k| field_of(r, k).unwrap_or(""))
                .collect::<Vec<_>>()
                .join(" ");
            if !groups.contains(&key) {
                groups.push(key);
            }
        }
        for g in groups {
            let mut values = vec![0.0; bins.len()];
            for r in rows {
                let key = keys
                    .iter()
                    .map(|k| field_of(r, k).unwrap_or(""))
                    .collect::<Vec<_>>()
                    .join(" ");
                if key != g {
                    continue;
                }
                let (Some(b), Some(v)) = (field_of(r, bin), field_of(r, n)) else {
                    continue;
                };
                if let (Some(i), Ok(v)) = (slots.of(b), v.trim().parse::<f64>())
                    && i < values.len()
                {
                    values[i] += v;
                }
            }
            let label = if g.is_empty() {
                (*n).clone()
            } else {
                format!(
                    "{n} · {}",
                    g.get(cut..).filter(|s| !s.is_empty()).unwrap_or(&g)
                )
            };
            out.push(Series { label, values });
        }
    }
    out
}

/// How many bytes every key shares at its start, up to a `/`, `:` or space (0 when there is only
/// one distinct key: a lone series keeps its whole name).
fn shared_prefix(keys: &[String]) -> usize {
    let mut distinct: Vec<&str> = keys.iter().map(String::as_str).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let (Some(first), true) = (distinct.first(), distinct.len() > 1) else {
        return 0;
    };
    let mut common = first.len();
    for k in &distinct[1..] {
        common = common.min(
            first
                .char_indices()
                .zip(k.chars())
                .find(|((_, a), b)| a != b)
                .map_or(first.len().min(k.len()), |((i, _), _)| i),
        );
    }
    first[..common].rfind(['/', ':', ' ']).map_or(0, |i| i + 1)
}

fn draw_chart(frame: &mut Frame<'_>, area: Rect, series: &[Series], look: &Look<'_>) {
    let theme = look.theme;
    let shown = usize::from(area.height);
    let label_width = series
        .iter()
        .take(shown)
        .map(|s| s.label.width())
        .max()
        .unwrap_or(0)
        .min(usize::from(area.width / 3)) as u16;
    let rows = Layout::vertical(vec![Constraint::Length(1); series.len().min(shown)]).split(area);
    // More series than rows: the last row says how many are not drawn (three went unsaid).
    let drawn = if series.len() > shown {
        shown.saturating_sub(1)
    } else {
        series.len()
    };
    if let Some(row) = rows.get(drawn).filter(|_| drawn < series.len()) {
        frame.render_widget(
            Paragraph::new(Span::styled(
                fit(
                    &format!(
                        "… {} more series not drawn: the table below has them",
                        series.len() - drawn
                    ),
                    row.width,
                ),
                theme.muted(),
            )),
            *row,
        );
    }
    for (s, row) in series.iter().take(drawn).zip(rows.iter()) {
        let max = s.values.iter().copied().fold(0.0_f64, f64::max);
        let [l, chart, v] = Layout::horizontal([
            Constraint::Length(label_width + 1),
            Constraint::Min(1),
            Constraint::Length(12),
        ])
        .areas(*row);
        frame.render_widget(
            Paragraph::new(Span::styled(
                // Cut in the middle: series often differ only at their end (`p99 · api`,
                // `p99 · api-thumbnails` both read `p99 · api…` cut at the end).
                super::table::fit_middle(&one_line(&s.label), label_width),
                theme.muted(),
            )),
            l,
        );
        // Sparklines take whole numbers: scaled so the largest value is 1000.
        let data: Vec<u64> = s
            .values
            .iter()
            .map(|v| {
                if max > 0.0 && *v > 0.0 {
                    ((v / max * 1000.0).round() as u64).max(1)
                } else {
                    0
                }
            })
            .collect();
        let data = super::table::visible_bars(&data, chart.height);
        frame.render_widget(Sparkline::default().data(&data).style(theme.ok()), chart);
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!(" max {}", short_number(max)),
                theme.text(),
            )),
            v,
        );
    }
}

/// `1234.5` as `1234.5`, `12345678` as `12.3M`.
pub fn short_number(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.1}G", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", v / 1e3)
    } else if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn draw_saved(frame: &mut Frame<'_>, area: Rect, pane: &mut InsightsPane, look: &Look<'_>) {
    let theme = look.theme;
    let s = &mut pane.saved;
    let note = match (&s.failed, s.request) {
        (Some(why), _) => format!("the account's saved queries could not be listed: {why}"),
        (None, Some(_)) => "loading the account's saved queries…".to_string(),
        (None, None) => format!(
            "enter runs · {} deletes a saved one · {} saves the current query",
            look.keys.hint(crate::keymap::Action::DeleteObject),
            look.keys.hint(crate::keymap::Action::SaveLogs)
        ),
    };
    let style = if s.failed.is_some() {
        theme.error()
    } else {
        theme.muted()
    };
    // Two rows where it needs them: an error's reason is at its end.
    let note = super::overlay::toast_lines(&note, usize::from(area.width));
    let [head, list] =
        Layout::vertical([Constraint::Length(note.len() as u16), Constraint::Min(0)]).areas(area);
    frame.render_widget(
        Paragraph::new(note.into_iter().map(Line::from).collect::<Vec<_>>()).style(style),
        head,
    );
    let height = usize::from(list.height).max(1);
    s.viewport = height;
    s.offset = crate::app::list::keep_in_view(s.selected, s.offset, height, s.items.len());
    // The names in a column as wide as the widest (as much of the row as leaves the query
    // 30 columns, a third at least; cut in their middle past it), the query's first line
    // after them cut with `…`: the queries started at a different column on each row and ran
    // past the edge unmarked; at 120 columns a third cut a built-in's name with room to spare.
    let room = usize::from(list.width);
    let name_width = s
        .items
        .iter()
        .map(|d| one_line(&d.name).width())
        .max()
        .unwrap_or(0)
        .min((room / 3).max(room.saturating_sub(9 + 2 + 30)));
    let lines: Vec<Line<'_>> = s
        .items
        .iter()
        .enumerate()
        .skip(s.offset)
        .take(height)
        .map(|(i, d)| {
            let kind = if d.builtin { "built-in" } else { "saved   " };
            let first = d.text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            let name = super::table::fit_middle(&one_line(&d.name), name_width as u16);
            let pad = name_width.saturating_sub(name.width());
            let query_room = room.saturating_sub(9 + name_width + 2);
            let line = Line::from(vec![
                Span::styled(format!("{kind} "), theme.muted()),
                Span::styled(format!("{name}{}", " ".repeat(pad)), theme.title(false)),
                Span::styled(
                    format!("  {}", fit(&one_line(first.trim()), query_room as u16)),
                    theme.muted(),
                ),
            ]);
            if i == s.selected {
                super::table::selected_line(line, theme)
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
}

fn draw_record(frame: &mut Frame<'_>, area: Rect, pane: &mut InsightsPane, look: &Look<'_>) {
    let theme = look.theme;
    let r = &mut pane.record;
    let mut lines: Vec<Line<'_>> = Vec::new();
    if r.request.is_some() {
        lines.push(Line::styled("reading the whole record…", theme.muted()));
    }
    if let Some(why) = &r.failed {
        lines.push(Line::styled(
            format!(
                "the whole record could not be read: {}",
                crate::text::printable(why)
            ),
            theme.error(),
        ));
    }
    lines.extend(
        r.lines
            .iter()
            .map(|l| Line::styled(crate::text::printable(l), theme.text())),
    );
    // Scrolled by the rows drawn, not by fields: a 12 KB @message is one field of hundreds
    // of rows, and the fields after it were out of reach.
    let text = Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false });
    let rows = text.line_count(area.width);
    let height = usize::from(area.height);
    let (body, caption) = if rows > height && height > 1 {
        let [b, c] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
        (b, Some(c))
    } else {
        (area, None)
    };
    let shown = usize::from(body.height);
    r.shown = shown;
    r.scroll = r.scroll.min(rows.saturating_sub(shown));
    frame.render_widget(
        text.scroll((u16::try_from(r.scroll).unwrap_or(u16::MAX), 0)),
        body,
    );
    if let Some(c) = caption {
        frame.render_widget(
            Paragraph::new(format!(
                "rows {}–{} of {rows} · j/k · ctrl-d/ctrl-u · esc back",
                r.scroll + 1,
                (r.scroll + shown).min(rows)
            ))
            .style(theme.muted()),
            c,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A query's header is at most three rows of its width, and says what it leaves out.
    #[test]
    fn the_query_header_marks_what_it_leaves_out() {
        let short = "fields @message\n| limit 20";
        assert_eq!(
            query_header(short, 80),
            vec!["fields @message", "| limit 20"]
        );
        let long = format!(
            "fields @timestamp, @message\n| filter {}\n| sort @timestamp desc\n| limit 20",
            "@message like /x/ and ".repeat(10)
        );
        let rows = query_header(&long, 60);
        assert_eq!(rows.len(), QUERY_LINES, "{rows:?}");
        assert!(rows[1].ends_with('…') && rows[1].width() <= 60, "{rows:?}");
        assert_eq!(rows[2], "… 2 more lines", "{rows:?}");
    }

    /// A cell of one long word (a group) keeps its end; a cell of text is cut at its end.
    #[test]
    fn a_long_group_cell_keeps_its_end() {
        let field = |k: &str, v: &str| backoffice_domain::model::ResultField {
            field: k.into(),
            value: v.into(),
        };
        let group = format!(
            "123456789012:/aws/lambda/team-platform-{}-eu-west-1-co",
            "o".repeat(200)
        );
        let text = format!("a panic {}", "x ".repeat(100));
        let row = vec![field("@log", &group), field("@message", &text)];
        let cell = result_cell(&row, "@log");
        assert!(
            cell.ends_with("eu-west-1-co") && cell.contains('…'),
            "{cell}"
        );
        assert!(cell.width() <= MAX_CELL);
        let cell = result_cell(&row, "@message");
        assert!(cell.starts_with("a panic") && cell.ends_with('…'), "{cell}");
    }
}
