//! Snapshots of the Insights and Metrics panes: the editor, a result with its chart, a record,
//! the functions' table, the alarms and the badge; and hostile text in a result kept in its cell.

use super::*;
use crate::app::insights::tests::keys;
use crate::app::insights::{InsightsCommand, InsightsEvent};
use crate::app::metrics::{MetricsCommand, MetricsEvent};
use crate::app::tests::app_on;
use crate::app::{AppEvent, Command};
use backoffice_domain::model::{
    Alarm, AlarmMetric, AlarmState, FunctionMetric, MetricSeries, QueryResults, QueryStats,
    QueryStatus, ResultField,
};
use chrono::{TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn render(app: &mut App, width: u16, height: u16) -> TestBackend {
    let theme = Theme::default_dark();
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| draw(f, app, &theme, 0)).unwrap();
    terminal.backend().clone()
}

fn f(k: &str, v: &str) -> ResultField {
    ResultField {
        field: k.into(),
        value: v.into(),
    }
}

/// The Insights pane with a fixed window, run, and answered with `rows`.
/// The console on Insights having run `query` over 10:00 to 10:15: its request.
fn running(query: &str) -> (App, crate::app::RequestId) {
    let (mut app, _) = app_on(PaneId::Insights, crate::app::test_context());
    app.insights.query_text = query.into();
    app.insights.range_text = "2026-12-03T10:00..2026-12-03T10:15".into();
    keys(&mut app, &["esc", "f"]);
    let c = keys(&mut app, &["alt-enter"]);
    let request = c
        .iter()
        .find_map(|c| match c {
            Command::Insights(InsightsCommand::Run { request, .. }) => Some(*request),
            _ => None,
        })
        .unwrap();
    (app, request)
}

fn insights_with(rows: Vec<Vec<ResultField>>) -> App {
    let (mut app, request) =
        running("filter @type = \"REPORT\"\n| stats pct(@duration, 99) as p99 by @log, bin(5m)");
    app.on_event(AppEvent::Insights(InsightsEvent::Progress {
        request,
        results: QueryResults {
            status: QueryStatus::Complete,
            stats: QueryStats {
                records_matched: rows.len() as f64,
                records_scanned: 12_345.0,
                bytes_scanned: 2_500_000.0,
            },
            rows,
        },
    }));
    app
}

/// The selected row of a result is drawn in the selection's colours in every cell (cells
/// kept their own grey on the selection's cyan).
#[test]
fn the_selected_result_row_takes_the_selection_s_colours() {
    let mut app = insights_with(vec![vec![
        f("@timestamp", "2026-12-03 10:00:00.000"),
        f("@message", "a selected line"),
        f("@log", "123456789012:/aws/lambda/api"),
    ]]);
    let theme = crate::theme::Theme::default_dark();
    let shown = render(&mut app, 100, 12);
    let buffer = shown.buffer();
    let y = (0..buffer.area.height)
        .find(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, *y)].symbol().to_string())
                .collect::<String>()
                .contains("a selected line")
        })
        .expect("the row");
    let selection = theme.selection();
    for x in 2..40 {
        let cell = &buffer[(x, y)];
        assert_eq!(
            Some(cell.fg),
            selection.fg,
            "column {x}: {:?}",
            cell.symbol()
        );
        assert_eq!(Some(cell.bg), selection.bg, "column {x}");
    }
}

/// A query refused before it scanned anything has no scan figures in its title, which kept
/// `0 matched of 0 scanned (0 B)` and left out its window at 80 columns.
#[test]
fn a_query_that_scanned_nothing_keeps_its_window_in_the_title() {
    let (mut app, request) = running("fields @message");
    app.on_event(AppEvent::Insights(InsightsEvent::Failed {
        request,
        failure: crate::app::Failure::new("ResourceNotFoundException: no such group"),
    }));
    let text = format!("{}", render(&mut app, 80, 12));
    let title = text.lines().nth(1).unwrap_or_default();
    assert!(!title.contains("scanned"), "{title}");
    assert!(
        title.contains("10:15") && title.contains("failed"),
        "{title}"
    );
}

#[test]
fn insights_editor() {
    let (mut app, _) = app_on(PaneId::Insights, crate::app::test_context());
    keys(&mut app, &["f"]);
    insta::assert_snapshot!(render(&mut app, 100, 20));
}

#[test]
fn insights_result_with_a_chart_over_its_bins() {
    let bin = |m: u32| format!("2026-12-03 10:{m:02}:00.000");
    let mut rows = Vec::new();
    for (i, m) in [0, 5, 10].iter().enumerate() {
        for (g, base) in [("api", 100.0), ("api-admin", 20.0)] {
            rows.push(vec![
                f("@log", &format!("123456789012:/aws/lambda/{g}")),
                f("bin(5m)", &bin(*m)),
                f("p99", &format!("{}", base + 10.0 * i as f64)),
            ]);
        }
    }
    let mut app = insights_with(rows);
    insta::assert_snapshot!(render(&mut app, 100, 20));
    // A narrow title keeps its count with its state (it gave the count up first).
    let narrow = render(&mut app, 60, 20).to_string();
    assert!(narrow.contains("complete, 6 rows"), "{narrow}");
    // At 60 columns the figures stay beside the group and the bin, which reads `12-03 10:10`
    // (the figures were left out while `@log` and `bin(5m)` stayed whole).
    let row = narrow
        .lines()
        .find(|l| l.contains("api-admin") && l.contains(" 40") && !l.contains("max"))
        .unwrap_or_else(|| panic!("a row with its figure: {narrow}"));
    assert!(row.contains("12-03 10:10"), "{row}");
    assert!(!narrow.contains("not shown"), "{narrow}");
}

/// Chart labels are cut in their middle: series that differ only at their end stay told
/// apart on a narrow screen (both read `p99 · backoffice-ap…`).
#[test]
fn chart_labels_keep_their_ends_when_cut() {
    let bin = |m: u32| format!("2026-12-03 10:{m:02}:00.000");
    let mut rows = Vec::new();
    for m in [0, 5, 10] {
        for g in ["backoffice-api", "backoffice-api-thumbnails"] {
            rows.push(vec![
                f("@log", &format!("123456789012:/aws/lambda/{g}")),
                f("bin(5m)", &bin(m)),
                f("p99", "12"),
            ]);
        }
    }
    let mut app = insights_with(rows);
    let narrow = render(&mut app, 60, 20).to_string();
    assert!(narrow.contains("humbnails"), "{narrow}");
}

/// A message of several lines reads as in Logs: its breaks as `⏎`.
#[test]
fn a_message_s_line_breaks_read_as_in_logs() {
    let mut app = insights_with(vec![
        vec![
            f("@timestamp", "2026-12-03 10:00:00.000"),
            f(
                "@message",
                "Traceback (most recent call last):\n  File \"app.py\"",
            ),
        ],
        // The break that ends every Lambda line is not shown.
        vec![
            f("@timestamp", "2026-12-03 10:00:01.000"),
            f("@message", "END RequestId: 8f5b3c1e\n"),
        ],
    ]);
    let shown = render(&mut app, 100, 16).to_string();
    assert!(shown.contains("last):⏎  File"), "{shown}");
    assert!(
        shown.contains("END RequestId: 8f5b3c1e ") && !shown.contains("8f5b3c1e⏎"),
        "{shown}"
    );
}

/// A `stats` result with three figures keeps them at 60 columns, and its bin: the group is
/// cut in its middle and the bin reads `12-03 10:05` (two figures went while the bin stayed
/// whole, and with the bin gone the rows of one group read alike).
#[test]
fn three_figures_stay_at_sixty_columns() {
    let bin = |m: u32| format!("2026-12-03 10:{m:02}:00.000");
    let mut rows = Vec::new();
    for m in [0, 5] {
        for g in ["backoffice-api", "backoffice-thumbnails"] {
            rows.push(vec![
                f("@log", &format!("123456789012:/aws/lambda/{g}")),
                f("bin(5m)", &bin(m)),
                f("invocations", "120"),
                f("p50", "12.5"),
                f("p99", "180.25"),
            ]);
        }
    }
    let mut app = insights_with(rows);
    let narrow = render(&mut app, 60, 24).to_string();
    let header = narrow
        .lines()
        .find(|l| l.contains("invocations"))
        .unwrap_or_else(|| panic!("{narrow}"));
    assert!(header.contains("p50") && header.contains("p99"), "{narrow}");
    assert!(header.contains("bin(5m)"), "{narrow}");
    assert!(narrow.contains("12-03 10:05"), "{narrow}");
    assert!(!narrow.contains("not shown"), "{narrow}");
}

/// More series than the chart has rows: the last row says how many are not drawn.
#[test]
fn a_chart_with_more_series_than_rows_says_how_many_are_left_out() {
    let bin = |m: u32| format!("2026-12-03 10:{m:02}:00.000");
    let mut rows = Vec::new();
    for m in [0, 5] {
        for g in 0..8 {
            rows.push(vec![
                f("@log", &format!("123456789012:/aws/lambda/fn-{g}")),
                f("bin(5m)", &bin(m)),
                f("p99", &format!("{}", 10 + g)),
            ]);
        }
    }
    let mut app = insights_with(rows);
    let text = format!("{}", render(&mut app, 100, 20));
    assert!(
        text.contains("… 3 more series not drawn: the table below has them"),
        "{text}"
    );
}

#[test]
fn insights_result_keeps_hostile_text_in_its_cell() {
    let mut app = insights_with(vec![vec![
        f("@timestamp", "2026-12-03 10:00:00.000"),
        f(
            "@message",
            "evil \u{1b}[2J\u{1b}]52;c;AAAA\u{7} \u{202e}txt.exe\tname 👩‍💻 שלום",
        ),
        f("@ptr", "p"),
    ]]);
    let shown = render(&mut app, 100, 12);
    let text = format!("{shown}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text}"
    );
    insta::assert_snapshot!(shown);
}

/// The title's window is one the range field takes back, the same window (without its year it
/// was refused when copied there).
#[test]
fn the_insights_title_window_is_one_the_range_field_takes() {
    let app = insights_with(vec![vec![f("@message", "x")]]);
    let run = app.insights.run.as_ref().unwrap();
    let said = super::insights::window_text(run);
    let read = backoffice_domain::model::parse_range(
        said.strip_suffix(" UTC").unwrap_or(&said),
        Utc::now(),
    )
    .unwrap();
    assert_eq!(read, run.window, "{said}");
    let read = backoffice_domain::model::parse_range(&said, Utc::now()).unwrap();
    assert_eq!(read, run.window, "{said}");
}

/// At 80 columns the Insights title keeps the window, the groups giving way (it kept the
/// group's name and lost the window, which first showed at 85 columns).
#[test]
fn a_narrow_insights_title_keeps_the_window() {
    let mut app = insights_with(vec![vec![f("@message", "x")]]);
    // Its own window, then one over two days (`24h`, `7d` lost the window at 60).
    let end = Utc::now() - chrono::Duration::hours(1);
    let two_days =
        backoffice_domain::model::TimeWindow::new(end - chrono::Duration::days(2), end).unwrap();
    for window in [None, Some(two_days)] {
        if let Some(w) = window {
            app.insights.run.as_mut().unwrap().window = w;
        }
        let short = crate::text::short_window(&app.insights.run.as_ref().unwrap().window);
        for width in [80, 60] {
            let shown = render(&mut app, width, 24).to_string();
            let title = shown
                .lines()
                .find(|l| l.contains("Insights ·"))
                .unwrap_or_default()
                .to_string();
            assert!(title.contains(&short), "{width}: {title}");
        }
    }
}

/// The short window the titles write when narrow (`12-06 01:10..01:12 UTC`) is taken back by
/// the range fields and the Logs prompt, the same window (they refused it).
#[test]
fn the_short_window_form_is_taken_back_by_the_range_fields() {
    use chrono::{DurationRound, TimeDelta};
    let now = Utc::now();
    let end = now.duration_trunc(TimeDelta::minutes(1)).unwrap() - TimeDelta::hours(2);
    // A window of a year before is written with its year, and read back as itself.
    let year_ago = end - TimeDelta::days(366);
    let old = backoffice_domain::model::TimeWindow::new(year_ago - TimeDelta::hours(1), year_ago)
        .unwrap();
    assert!(crate::text::short_window(&old).starts_with(&old.start.format("%Y-").to_string()));
    for w in [TimeDelta::minutes(2), TimeDelta::hours(30)]
        .into_iter()
        .map(|span| backoffice_domain::model::TimeWindow::new(end - span, end).unwrap())
        .chain([old])
    {
        let said = crate::text::short_window(&w);
        let read = backoffice_domain::model::parse_range(&said, now).unwrap();
        assert_eq!(read, w, "{said}");
        let (window, pattern) = crate::app::logs::parse_query(&said).unwrap();
        assert_eq!(window, crate::app::logs::Window::Range(w), "{said}");
        assert_eq!(pattern, None);
    }
}

/// A result whose rows hold only `@ptr` says so, instead of an empty table under a title that
/// counts its rows.
#[test]
fn insights_rows_with_nothing_to_show_say_so() {
    let mut app = insights_with(vec![vec![f("@ptr", "p1")], vec![f("@ptr", "p2")]]);
    let text = format!("{}", render(&mut app, 100, 12));
    assert!(
        text.contains("2 rows, none with a field to show (only @ptr)"),
        "{text}"
    );
}

/// A group named that is not there, left out of the query, is said over its rows.
#[test]
fn a_group_left_out_of_a_query_is_said_over_its_rows() {
    let (mut app, request) = running("fields @message");
    app.on_event(AppEvent::Insights(InsightsEvent::Started {
        request,
        query: backoffice_domain::model::QueryId("q-1".into()),
        groups: vec![backoffice_domain::model::LogGroupName::parse("/aws/lambda/api").unwrap()],
        left_out: vec!["/aws/lambda/apii".into()],
    }));
    let text = format!("{}", render(&mut app, 100, 14));
    assert!(
        text.contains("⚠ not read: /aws/lambda/apii does not exist"),
        "{text}"
    );
}

fn at(h: u32, m: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, h, m, 0).unwrap()
}

fn metrics_app() -> App {
    let (mut app, first) = app_on(PaneId::Metrics, crate::app::test_context());
    let mut load = None;
    let mut alarms = None;
    for c in &first {
        match c {
            Command::Metrics(MetricsCommand::Load { request, .. }) => load = Some(*request),
            Command::Metrics(MetricsCommand::Alarms { request }) => alarms = Some(*request),
            _ => {}
        }
    }
    let series = |function: &str, metric, values: &[f64]| MetricSeries {
        function: function.into(),
        metric,
        points: values
            .iter()
            .enumerate()
            .map(|(i, v)| (at(10, i as u32), *v))
            .collect(),
    };
    app.on_event(AppEvent::Metrics(MetricsEvent::Loaded {
        request: load.unwrap(),
        result: Ok((
            vec!["backoffice-api".into(), "backoffice-thumbnails".into()],
            vec![
                series(
                    "backoffice-api",
                    FunctionMetric::Invocations,
                    &[10.0, 12.0, 30.0, 8.0],
                ),
                series(
                    "backoffice-api",
                    FunctionMetric::Errors,
                    &[0.0, 0.0, 3.0, 0.0],
                ),
                series(
                    "backoffice-api",
                    FunctionMetric::Throttles,
                    &[0.0, 0.0, 0.0, 0.0],
                ),
                series(
                    "backoffice-api",
                    FunctionMetric::DurationP50,
                    &[12.0, 11.0, 40.0, 10.0],
                ),
                series(
                    "backoffice-api",
                    FunctionMetric::DurationP99,
                    &[80.0, 70.0, 400.0, 60.0],
                ),
                series(
                    "backoffice-api",
                    FunctionMetric::ConcurrentExecutions,
                    &[1.0, 2.0, 4.0, 1.0],
                ),
                series("backoffice-thumbnails", FunctionMetric::Invocations, &[1.0]),
            ],
        )),
    }));
    // The window the points were read over: eight minutes from 10:00, a minute a cell.
    app.metrics.window =
        Some(backoffice_domain::model::TimeWindow::new(at(10, 0), at(10, 8)).unwrap());
    app.on_event(AppEvent::Metrics(MetricsEvent::Alarms {
        request: alarms.unwrap(),
        result: Ok(vec![
            Alarm {
                name: "thumbnails-duration".into(),
                state: AlarmState::Ok,
                reason: "Threshold Crossed: no datapoints were received".into(),
                since: Some(at(9, 0)),
                metric: None,
                threshold: None,
                comparison: None,
            },
            Alarm {
                name: "backoffice-api-errors".into(),
                state: AlarmState::Alarm,
                reason: "Threshold Crossed: 1 datapoint [3.0 (03/12/26 10:02:00)] was greater than or equal to the threshold (1.0).".into(),
                since: Some(at(10, 2)),
                metric: Some(api_errors()),
                threshold: Some(1.0),
                comparison: Some("GreaterThanOrEqualToThreshold".into()),
            },
        ]),
    }));
    app.alarm_badge = Some("⚠ 1 alarm".into());
    app
}

/// The API's errors, summed every five minutes: the metric the test alarms watch.
fn api_errors() -> AlarmMetric {
    AlarmMetric {
        namespace: "AWS/Lambda".into(),
        name: "Errors".into(),
        dimensions: vec![("FunctionName".into(), "backoffice-api".into())],
        stat: "Sum".into(),
        period_seconds: 300,
    }
}

#[test]
fn metrics_functions_with_the_alarm_badge() {
    let mut app = metrics_app();
    insta::assert_snapshot!(render(&mut app, 110, 8));
}

/// On a narrow terminal the last metrics give way, and a line under the table names them.
/// A function whose series came back without points shows `-` at the start of each cell,
/// under its header, as a figure's sparkline starts there (it sat after eight blank cells).
#[test]
fn metrics_without_points_show_a_dash_under_the_header() {
    let mut app = metrics_app();
    for s in &mut app.metrics.rows[1].series {
        s.points.clear();
    }
    let text = render(&mut app, 120, 10).to_string();
    let rows: Vec<&str> = text.lines().collect();
    let header = rows
        .iter()
        .find(|r| r.contains("invocations"))
        .unwrap_or_else(|| panic!("{text}"));
    let row = rows
        .iter()
        .find(|r| r.contains("backoffice-thumbnails"))
        .unwrap_or_else(|| panic!("{text}"));
    let column = |r: &str, what: &str| r[..r.find(what).unwrap()].chars().count();
    assert_eq!(
        column(header, "invocations"),
        column(row, "thumbnails -") + "thumbnails ".len(),
        "{text}"
    );
}

/// Shown again more than a minute after its read, the Metrics pane reads its range up to now
/// again (it kept the window of its first read, passed through at start); within the minute,
/// or on a fixed range, it does not.
#[test]
fn metrics_shown_again_later_read_again() {
    let mut app = metrics_app();
    // Read just now (the fixture's window is a fixed morning's).
    app.metrics.window = Some(backoffice_domain::model::TimeWindow::last(
        chrono::Duration::hours(1),
    ));
    app.open_pane(PaneId::Users);
    let again = app.open_pane(PaneId::Metrics);
    assert!(again.is_empty(), "read just now: {again:?}");
    let old = app.metrics.window.unwrap();
    app.metrics.window = Some(
        backoffice_domain::model::TimeWindow::new(
            old.start - chrono::Duration::minutes(10),
            old.end - chrono::Duration::minutes(10),
        )
        .unwrap(),
    );
    app.open_pane(PaneId::Users);
    let again = app.open_pane(PaneId::Metrics);
    assert!(
        again
            .iter()
            .any(|c| matches!(c, Command::Metrics(MetricsCommand::Load { .. }))),
        "{again:?}"
    );
}

#[test]
fn metrics_left_out_on_a_narrow_terminal_are_named() {
    let mut app = metrics_app();
    let wide = render(&mut app, 200, 10).to_string();
    assert!(!wide.contains("not shown for want of room"), "{wide}");
    // Concurrency and throttles give way first: the durations stay beside the counts.
    let narrow = render(&mut app, 70, 10).to_string();
    assert!(
        narrow.contains("not shown for want of room: throttles, concurrency"),
        "{narrow}"
    );
    assert!(narrow.contains("p99 ms"), "{narrow}");
    // A function name of 200 characters is cut in its middle and leaves room for figures.
    app.metrics.rows[0].function =
        format!("very-long-function-name-{}-api-staging", "x".repeat(170));
    let tight = render(&mut app, 44, 10).to_string();
    assert!(tight.contains("…"), "{tight}");
    assert!(tight.contains("-staging"), "{tight}");
    assert!(tight.contains("invocations errors"), "{tight}");
    // With room for every column, no line: the table keeps its rows.
    let wider = render(&mut app, 120, 10).to_string();
    assert!(!wider.contains("not shown"), "{wider}");
    assert!(wider.contains("concurrency"), "{wider}");
    assert!(narrow.contains("invocations"), "{narrow}");
}

/// Two alarms whose long names differ only at their end read apart: the name is cut in its
/// middle, and the reason still shows beside it.
#[test]
fn long_alarm_names_keep_their_ends() {
    let mut app = metrics_app();
    keys(&mut app, &["v"]);
    let long = "backoffice-api-errors-".to_string() + &"long".repeat(30);
    let alarm = |end: &str| Alarm {
        name: format!("{long}-{end}"),
        state: AlarmState::Ok,
        reason: "Threshold Crossed: no datapoints were received".into(),
        since: Some(at(9, 0)),
        metric: Some(api_errors()),
        threshold: Some(1.0),
        comparison: Some("GreaterThanOrEqualToThreshold".into()),
    };
    app.metrics.alarms = vec![alarm("eu"), alarm("us")];
    let text = render(&mut app, 110, 8).to_string();
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("backoffice-api-error"))
        .collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(
        rows[0].contains("long-eu · Threshold") && rows[1].contains("long-us · Threshold"),
        "{text}"
    );
    assert!(rows[0].contains('…'), "{text}");
    // Its chart writes the name out whole under the cut title.
    keys(&mut app, &["enter"]);
    let text = render(&mut app, 110, 12).to_string();
    let flat: String = text
        .lines()
        .map(|l| l.trim_matches('"').trim_matches('│'))
        .collect();
    assert!(flat.contains(&format!("{long}-eu")), "{text}");
}

#[test]
fn metrics_alarms_firing_first() {
    let mut app = metrics_app();
    keys(&mut app, &["v"]);
    insta::assert_snapshot!(render(&mut app, 110, 8));
}

/// Where the whole hint does not fit, its key and word stay without their count: the title at
/// 80 columns dropped `v alarms (…)` whole for want of a few columns.
#[test]
fn the_metrics_title_keeps_its_alarms_key_where_the_count_does_not_fit() {
    let mut app = metrics_app();
    let wide = render(&mut app, 110, 8).to_string();
    let top = wide
        .lines()
        .find(|l| l.contains("Metrics ·"))
        .unwrap()
        .to_string();
    assert!(top.contains("v alarms ("), "{top}");
    let hint = top.find(" · v alarms").unwrap();
    use unicode_width::UnicodeWidthStr as _;
    // Narrower than the whole title, wide enough for its info and the bare key.
    let whole = top.trim_matches('"').trim_end_matches(['─', '┐']).width();
    let width = u16::try_from(whole - " (0 firing)".len() + 4).unwrap();
    assert!(usize::from(width) < whole, "{top}");
    let narrow = render(&mut app, width, 8).to_string();
    let top = narrow
        .lines()
        .find(|l| l.contains("Metrics ·"))
        .unwrap()
        .to_string();
    assert!(top.contains(" · v alarms "), "{top}");
    assert!(!top.contains("firing"), "{top}");
    let wide_top = wide.lines().find(|l| l.contains("Metrics ·")).unwrap();
    let info = &wide_top[wide_top.find("Metrics").unwrap()..hint];
    assert!(top.contains(info), "the info stays whole: {top}");
}

/// A range typed as FROM..TO is said by its two ends, short, and the alarms key keeps its
/// place at 80 columns (it read `last 2026-12-05T22:00..2026-12-05T23:55 to 23:55 UTC`).
#[test]
fn a_typed_range_is_said_by_its_ends() {
    use chrono::TimeZone;
    let mut app = metrics_app();
    app.metrics.shown_range = Some("2026-12-05T22:00..2026-12-05T23:55".into());
    app.metrics.window = Some(backoffice_domain::model::TimeWindow {
        start: chrono::Utc.with_ymd_and_hms(2026, 12, 5, 22, 0, 0).unwrap(),
        end: chrono::Utc
            .with_ymd_and_hms(2026, 12, 5, 23, 55, 0)
            .unwrap(),
    });
    for width in [120, 80] {
        let shown = render(&mut app, width, 8).to_string();
        let top = shown.lines().find(|l| l.contains("Metrics ·")).unwrap();
        assert!(top.contains("12-05 22:00..23:55 UTC"), "{width}: {top}");
        assert!(top.contains("v alarms"), "{width}: {top}");
        assert!(!top.contains("last"), "{width}: {top}");
    }
    // At 60 the function count gives way to the window (the window went).
    app.metrics.window = Some(backoffice_domain::model::TimeWindow {
        start: chrono::Utc.with_ymd_and_hms(2026, 12, 5, 22, 0, 0).unwrap(),
        end: chrono::Utc.with_ymd_and_hms(2026, 12, 6, 1, 0, 0).unwrap(),
    });
    let shown = render(&mut app, 60, 8).to_string();
    let top = shown.lines().find(|l| l.contains("Metrics ·")).unwrap();
    assert!(top.contains("12-05 22:00..12-06 01:00 UTC"), "{top}");
}

/// `:metrics` shows the functions, from the alarms too (it stayed on them).
#[test]
fn the_metrics_command_shows_the_functions_from_the_alarms() {
    use crate::app::metrics::Screen;
    let mut app = metrics_app();
    keys(&mut app, &[":"]);
    for c in "alarms".chars() {
        keys(&mut app, &[&c.to_string()]);
    }
    keys(&mut app, &["enter"]);
    assert_eq!(app.metrics.screen, Screen::Alarms);
    keys(&mut app, &[":"]);
    for c in "metrics".chars() {
        keys(&mut app, &[&c.to_string()]);
    }
    keys(&mut app, &["enter"]);
    assert_eq!(app.metrics.screen, Screen::Functions);
    let shown = render(&mut app, 110, 8).to_string();
    assert!(shown.contains("Metrics ·"), "{shown}");
}

/// Figures that could not be read are not counted as no function ("0 functions").
#[test]
fn functions_not_read_are_not_counted_as_none() {
    use crate::app::metrics::Load;
    let mut app = metrics_app();
    app.metrics.rows.clear();
    app.metrics.load = Load::Failed(crate::app::Failure::new(
        "cloudwatch:GetMetricData failed without an error code (HTTP 500)",
    ));
    let shown = render(&mut app, 110, 8).to_string();
    assert!(shown.contains("Metrics · functions not read"), "{shown}");
    assert!(!shown.contains("0 functions"), "{shown}");
    // Nor while the first read is on its way.
    app.metrics.load = Load::Loading(crate::app::RequestId(7));
    let shown = render(&mut app, 110, 8).to_string();
    assert!(
        shown.contains("Metrics · reading the functions…"),
        "{shown}"
    );
}

/// Alarms that could not be read are not counted as none firing: the title and the hint say
/// they were not read.
#[test]
fn alarms_not_read_are_not_said_to_be_clear() {
    use crate::app::metrics::Load;
    let mut app = metrics_app();
    app.metrics.alarms.clear();
    app.metrics.alarms_load = Load::Failed(crate::app::Failure::new(
        "cloudwatch:DescribeAlarms: AccessDenied",
    ));
    let functions = render(&mut app, 110, 8).to_string();
    assert!(functions.contains("v alarms (not read)"), "{functions}");
    keys(&mut app, &["v"]);
    let alarms = render(&mut app, 110, 8).to_string();
    assert!(alarms.contains("Alarms · not read"), "{alarms}");
    assert!(!alarms.contains("firing"), "{alarms}");
}

/// An alarm's chart draws its points where their times fall in the window: points only in the
/// window's last ten minutes are drawn at the right, not packed from the left edge.
#[test]
fn an_alarm_chart_is_drawn_against_time() {
    use crate::app::metrics::{AlarmChart, Load, Screen};
    let mut app = metrics_app();
    app.metrics.screen = Screen::Chart;
    app.metrics.chart = AlarmChart {
        alarm: Some(Alarm {
            name: "api-errors".into(),
            state: AlarmState::Alarm,
            reason: "Threshold Crossed".into(),
            since: None,
            metric: Some(api_errors()),
            threshold: None,
            comparison: Some("GreaterThanOrEqualToThreshold".into()),
        }),
        window: Some(backoffice_domain::model::TimeWindow::new(at(10, 0), at(11, 0)).unwrap()),
        points: (50..60).map(|m| (at(10, m), f64::from(m % 3))).collect(),
        load: Load::Loaded,
    };
    let text = render(&mut app, 100, 16).to_string();
    assert!(text.contains("10:00") && text.contains("11:00"), "{text}");
    let drawn: Vec<usize> = text
        .lines()
        .flat_map(|l| {
            l.chars()
                .enumerate()
                .filter(|(_, c)| ('\u{2801}'..='\u{28ff}').contains(c))
                .map(|(i, _)| i)
        })
        .collect();
    assert!(!drawn.is_empty(), "{text}");
    let leftmost = drawn.iter().min().unwrap();
    assert!(*leftmost > 70, "the points sit at the right:\n{text}");
}

/// On a short screen an alarm's head gives up words so that its chart keeps its rows: the
/// reason on one row, the window without the key to its lines; no legend over the lines.
#[test]
fn a_short_screen_keeps_rows_for_the_alarm_chart() {
    use crate::app::metrics::{AlarmChart, Load, Screen};
    let mut app = metrics_app();
    app.metrics.screen = Screen::Chart;
    app.metrics.chart = AlarmChart {
        alarm: Some(Alarm {
            name: "api-errors".into(),
            state: AlarmState::Alarm,
            reason: "Threshold Crossed: 1 datapoint [3.0 (03/12/26 10:02:00)] was greater than or equal to the threshold (1.0).".into(),
            since: Some(at(10, 30)),
            metric: Some(api_errors()),
            threshold: Some(1.0),
            comparison: Some("GreaterThanOrEqualToThreshold".into()),
        }),
        window: Some(backoffice_domain::model::TimeWindow::new(at(10, 0), at(11, 0)).unwrap()),
        points: (0..60).map(|m| (at(10, m), f64::from(m % 4))).collect(),
        load: Load::Loaded,
    };
    let text = render(&mut app, 60, 20).to_string();
    assert!(!text.contains("the line across"), "{text}");
    assert!(text.contains("60 points"), "{text}");
    assert!(
        !text.contains("threshold") || !text.contains("state changed"),
        "{text}"
    );
    // The chart's rows: those with its y axis, from the top label to the 0.
    let rows: Vec<&str> = text.lines().collect();
    let axis = rows
        .iter()
        .filter(|l| l.contains('│') && l.matches('│').count() > 2)
        .count();
    assert!(axis >= 6, "{axis} chart rows:\n{text}");
    let tall = render(&mut app, 120, 40).to_string();
    assert!(tall.contains("the line across"), "{tall}");
    assert!(!tall.contains("state changed"), "no legend: {tall}");
}

/// Too many columns for the row: the last named go first (a query names what matters first),
/// and a line under the table names those left out and how to read them.
#[test]
fn insights_columns_left_out_are_the_last_named_and_are_said() {
    let row = |i: u32| {
        vec![
            f("@timestamp", "2026-12-03 10:00:00.000"),
            f("@log", "123456789012:/aws/lambda/backoffice-api"),
            f("@requestId", &format!("{i:08}-aaaa-4bbb-8ccc-000000000001")),
            f("@duration", "182.29"),
            f("@billedDuration", "183"),
            f("@maxMemoryUsed", "130000000"),
            f("@initDuration", "150.25"),
        ]
    };
    let mut app = insights_with((0..5).map(row).collect());
    let text = format!("{}", render(&mut app, 100, 16));
    // The request id does not fit beside the group; the next ones that do are shown.
    assert!(text.contains("backoffice-api"), "{text}");
    assert!(text.contains("@duration @billedDuration"), "{text}");
    assert!(
        text.contains(
            "not shown for want of room: @requestId, @maxMemoryUsed, @initDuration (enter shows a row whole)"
        ),
        "{text}"
    );
    // `S` sorts by the columns drawn only, in turn, then none.
    let hidden = ["@requestId", "@maxMemoryUsed", "@initDuration"];
    let mut sorted = Vec::new();
    for _ in 0..16 {
        keys(&mut app, &["S"]);
        render(&mut app, 100, 16);
        let run = app.insights.run.as_ref().unwrap();
        match run.sort {
            Some((c, _)) => sorted.push(run.columns[c].clone()),
            None => break,
        }
    }
    assert!(!sorted.is_empty(), "{sorted:?}");
    assert!(
        sorted.iter().all(|c| !hidden.contains(&c.as_str())),
        "{sorted:?}"
    );
    assert_eq!(app.insights.run.as_ref().unwrap().sort, None, "{sorted:?}");
    // Wide enough: every column, no line.
    let text = format!("{}", render(&mut app, 180, 16));
    assert!(text.contains("@initDuration"), "{text}");
    assert!(!text.contains("not shown for want of room"), "{text}");
}

/// A result's columns are sized by all its rows and, once sorted, leave each header room for
/// the sort mark: the header stays put as the rows scroll and as `S` moves the sort (sized by
/// the rows on screen, the columns moved with a wide value far down and with the mark).
#[test]
fn insights_columns_hold_still_as_rows_scroll_and_sort() {
    let row = |i: u32| {
        vec![
            f("@timestamp", "2026-12-03 10:00:00.000"),
            f(
                "@requestId",
                &if i == 40 {
                    format!("{i:08}-aaaa-4bbb-8ccc-000000000001-with-a-long-tail")
                } else {
                    format!("{i:03}")
                },
            ),
            f("@duration", &format!("{}", 1 + i)),
        ]
    };
    let mut app = insights_with((0..41).map(row).collect());
    // The first sort takes room for the mark; after it nothing moves.
    keys(&mut app, &["S"]);
    let header = |app: &mut App| {
        let text = format!("{}", render(app, 120, 16));
        text.lines()
            .find(|l| l.contains("@duration"))
            .unwrap_or_else(|| panic!("{text}"))
            .replace(['▲', '▼'], " ")
    };
    let top = header(&mut app);
    keys(&mut app, &["G"]);
    let shown = format!("{}", render(&mut app, 120, 16));
    assert!(shown.contains("with-a-long-tail"), "{shown}");
    assert_eq!(header(&mut app), top);
    keys(&mut app, &["S"]);
    assert!(app.insights.run.as_ref().unwrap().sort.is_some());
    assert_eq!(header(&mut app), top);
}

/// The message goes in its turn too: a request id named before it stays where the message
/// would leave it no room (it was hidden while the message, named later, stayed).
#[test]
fn the_message_gives_way_in_its_turn() {
    let row = |i: u32| {
        vec![
            f("@timestamp", "2026-12-03 10:00:00.000"),
            f("@requestId", &format!("{i:08}-aaaa-4bbb-8ccc-000000000001")),
            f(
                "@logStream",
                "2026/12/03/[$LATEST]0123456789abcdef0123456789abcdef",
            ),
            f("@message", "ERROR something failed badly in the handler"),
            f("@duration", "182.29"),
        ]
    };
    let mut app = insights_with((0..5).map(row).collect());
    let text = format!("{}", render(&mut app, 80, 16));
    assert!(text.contains("-000000000001"), "{text}");
    assert!(text.contains("not shown"), "{text}");
    assert!(text.contains("@duration"), "named as not shown: {text}");
}

/// Beside messages a long group's name takes at most a fifth of the row, cut in its middle
/// (both ends show), and the messages get the room: a 200-character group held 41 columns of
/// every row while each message was cut.
#[test]
fn a_long_group_beside_messages_gives_them_the_room() {
    let long = format!("/aws/lambda/{}-end", "x".repeat(190));
    let row = |i: u32, group: &str| {
        vec![
            f("@timestamp", &format!("2026-12-03 10:00:0{i}.000")),
            f(
                "@message",
                "START RequestId: 66629af6-0dd6-43f9-a275-b11bb7de98d8 Version: $LATEST",
            ),
            f("@log", &format!("123456789012:{group}")),
        ]
    };
    let mut app = insights_with(vec![row(1, "/aws/lambda/shop-api"), row(2, &long)]);
    let text = format!("{}", render(&mut app, 120, 10));
    assert!(
        text.contains("Version: $LATEST"),
        "the message whole:\n{text}"
    );
    let cut = text
        .lines()
        .find(|l| l.contains("-end"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(cut.contains('…'), "cut in its middle: {cut}");
}

/// The saved queries line up: names in one column, each query's first line after them, cut
/// with `…` where the row ends (they started at different columns and ran past the edge).
#[test]
fn saved_queries_line_up_and_mark_their_cuts() {
    use crate::app::insights::Screen;
    use backoffice_domain::model::QueryDefinition;
    let mut app = insights_with(Vec::new());
    let def = |name: &str, text: &str| QueryDefinition {
        id: None,
        name: name.into(),
        text: text.into(),
        groups: Vec::new(),
        builtin: true,
    };
    app.insights.saved.items = vec![
        def(
            "errors",
            "filter level = \"ERROR\" or level = \"FATAL\" or @message like /^\\[ERROR\\]/ or @message like /Task timed out/",
        ),
        def(
            "the most frequent error messages",
            "stats count(*) by @message",
        ),
    ];
    app.insights.screen = Screen::Saved;
    let text = format!("{}", render(&mut app, 80, 12));
    let rows: Vec<&str> = text.lines().filter(|l| l.contains("built-in")).collect();
    assert_eq!(rows.len(), 2, "{text}");
    let at = |row: &str, what: &str| row[..row.find(what).unwrap_or(0)].chars().count();
    assert_eq!(at(rows[0], "filter"), at(rows[1], "stats"), "{text}");
    assert!(rows[0].contains('…'), "{text}");
    // A name longer than a third of the row is whole where the query keeps 30 columns.
    app.insights.saved.items[1].name = "duration p50/p95/p99 by function, 5 minutes".into();
    let text = format!("{}", render(&mut app, 120, 12));
    assert!(
        text.contains("duration p50/p95/p99 by function, 5 minutes  stats"),
        "{text}"
    );
}
