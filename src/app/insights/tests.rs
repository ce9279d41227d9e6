//! The Insights pane driven with keys and canned answers: the editor, a run's lifecycle and its
//! cancel, sorting, records, the request jump, saved queries and the history.

use super::*;
use crate::app::tests::{app_on, typed};
use crate::app::{App, PaneId, test_context};
use backoffice_domain::model::{QueryResults, QueryStats, TailItem};
use crossterm::event::KeyEvent;

/// A key by its name in `[keys]` terms: `enter`, `alt-enter`, `ctrl-u`, `shift-tab`, `up`, `S`.
pub(crate) fn named(name: &str) -> KeyEvent {
    let (mods, rest) = match name.split_once('-') {
        Some(("ctrl", r)) => (KeyModifiers::CONTROL, r),
        Some(("alt", r)) => (KeyModifiers::ALT, r),
        _ => (KeyModifiers::NONE, name),
    };
    let code = match rest {
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "shift-tab" => KeyCode::BackTab,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        other => KeyCode::Char(other.chars().next().unwrap()),
    };
    KeyEvent::new(code, mods)
}

/// Presses `names` in order; the commands they produced.
pub(crate) fn keys(app: &mut App, names: &[&str]) -> Vec<Command> {
    names.iter().flat_map(|n| app.on_key(named(n))).collect()
}

fn f(k: &str, v: &str) -> ResultField {
    ResultField {
        field: k.into(),
        value: v.into(),
    }
}

fn results(status: QueryStatus, rows: Vec<ResultRow>) -> QueryResults {
    QueryResults {
        status,
        stats: QueryStats {
            records_matched: rows.len() as f64,
            records_scanned: 1000.0,
            bytes_scanned: 65536.0,
        },
        rows,
    }
}

/// The Insights pane with the editor run on its default query: the Run command it sent.
fn started(app: &mut App) -> (RequestId, Vec<String>, String) {
    if app.insights.editor.is_none() {
        keys(app, &["f"]);
    }
    let c = keys(app, &["alt-enter"]);
    c.iter()
        .find_map(|c| match c {
            Command::Insights(InsightsCommand::Run {
                request,
                groups,
                text,
                ..
            }) => Some((*request, groups.clone(), text.clone())),
            _ => None,
        })
        .expect("a run")
}

fn answer(app: &mut App, e: InsightsEvent) -> Vec<Command> {
    app.on_event(AppEvent::Insights(e))
}

#[test]
fn f_opens_the_editor_which_runs_over_the_environments_groups() {
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    assert!(
        app.insights.editor.is_none(),
        "tabbing onto the pane does not land in a text field"
    );
    let (_, groups, text) = started(&mut app);
    assert_eq!(groups, ["/aws/lambda/*"]);
    assert_eq!(text, DEFAULT_QUERY);
    assert!(app.insights.editor.is_none());
    assert_eq!(app.insights.history.entries, [DEFAULT_QUERY]);
    assert!(app.insights.history.changed);
}

#[test]
fn a_bad_range_or_group_keeps_the_editor_open_and_says_why() {
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    // To the range field, cleared, a wrong range typed.
    keys(&mut app, &["f", "shift-tab", "shift-tab", "ctrl-u"]);
    typed(&mut app, "3w");
    let c = keys(&mut app, &["enter"]);
    assert!(c.is_empty(), "{c:?}");
    let e = app.insights.editor.as_ref().unwrap();
    assert!(
        e.problem.as_deref().unwrap().contains("15m, 24h, 7d"),
        "{:?}",
        e.problem
    );
    assert_eq!(e.focus, 0, "the cursor goes to the mistake");
    keys(&mut app, &["ctrl-u"]);
    typed(&mut app, "15m");
    keys(&mut app, &["tab", "ctrl-u"]);
    typed(&mut app, "no:colons*");
    keys(&mut app, &["enter"]);
    let e = app.insights.editor.as_ref().unwrap();
    assert!(e.problem.is_some(), "a group name with ':' is refused");
    assert_eq!(
        app.insights.range_text, "1h",
        "nothing applied from a refused submit"
    );
}

#[test]
fn a_run_polls_to_completion_and_esc_cancels_a_running_one() {
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    let (request, _, _) = started(&mut app);
    let query = QueryId("q-1".into());
    answer(
        &mut app,
        InsightsEvent::Started {
            left_out: Vec::new(),
            request,
            query: query.clone(),
            groups: vec![LogGroupName::parse("/aws/lambda/api").unwrap()],
        },
    );
    answer(
        &mut app,
        InsightsEvent::Progress {
            request,
            results: results(
                QueryStatus::Running,
                vec![vec![f("@message", "a"), f("@ptr", "p1")]],
            ),
        },
    );
    let run = app.insights.run.as_ref().unwrap();
    assert_eq!(run.state, RunState::Polling(QueryStatus::Running));
    assert_eq!(run.columns, ["@message"], "@ptr is hidden");
    assert!(app.insights.run.as_ref().unwrap().is_running());
    let c = keys(&mut app, &["esc"]);
    assert_eq!(
        c,
        vec![Command::Insights(InsightsCommand::Stop {
            query: query.clone()
        })]
    );
    assert_eq!(app.insights.run.as_ref().unwrap().state, RunState::Stopping);
    answer(
        &mut app,
        InsightsEvent::Progress {
            request,
            results: results(QueryStatus::Cancelled, vec![]),
        },
    );
    assert_eq!(
        app.insights.run.as_ref().unwrap().state,
        RunState::Done(QueryStatus::Cancelled)
    );
    assert!(!app.insights.run.as_ref().unwrap().is_running());
}

/// With an error on the status bar, `esc` cleared it and left the query running (it came
/// back complete after CloudWatch woke): the same press now clears it and cancels.
#[test]
fn esc_over_an_error_still_cancels_a_running_query() {
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    let (request, _, _) = started(&mut app);
    app.last_error = Some("saved queries: unexpected error (HTTP 500)".into());
    keys(&mut app, &["esc"]);
    assert!(app.last_error.is_none());
    assert_eq!(app.insights.run.as_ref().map(|r| r.request), Some(request));
    assert_eq!(
        app.insights.run.as_ref().unwrap().state,
        RunState::Done(QueryStatus::Cancelled),
        "not started yet: cancelled at once"
    );
}

/// `esc` while StartQuery was still on its way: the title said cancelled and the body "no
/// rows matched", then the query, started anyway and never stopped (moto has no StopQuery),
/// came back as complete with 200 rows. Its answers are dropped, and the body says cancelled.
#[test]
fn a_query_cancelled_before_it_started_stays_cancelled() {
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    let (request, _, _) = started(&mut app);
    assert!(keys(&mut app, &["esc"]).is_empty(), "nothing to stop yet");
    let query = QueryId("q-late".into());
    let c = answer(
        &mut app,
        InsightsEvent::Started {
            left_out: Vec::new(),
            request,
            query: query.clone(),
            groups: vec![LogGroupName::parse("/aws/lambda/api").unwrap()],
        },
    );
    assert!(
        c.contains(&Command::Insights(InsightsCommand::Stop { query })),
        "{c:?}"
    );
    answer(
        &mut app,
        InsightsEvent::Progress {
            request,
            results: results(
                QueryStatus::Complete,
                vec![vec![f("@message", "late"), f("@ptr", "p1")]],
            ),
        },
    );
    let run = app.insights.run.as_ref().unwrap();
    assert_eq!(run.state, RunState::Done(QueryStatus::Cancelled));
    assert!(run.rows.is_empty(), "{:?}", run.rows);
    let theme = crate::theme::Theme::default_dark();
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 20)).unwrap();
    terminal
        .draw(|frame| crate::ui::draw(frame, &mut app, &theme, 0))
        .unwrap();
    let screen = terminal.backend().to_string();
    assert!(
        screen.contains("cancelled before any rows came"),
        "{screen}"
    );
    assert!(!screen.contains("no rows matched"), "{screen}");
}

#[test]
fn a_run_replaced_before_it_started_is_stopped_when_its_id_arrives() {
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    let (first, _, _) = started(&mut app);
    keys(&mut app, &["f"]);
    let (second, _, _) = started(&mut app);
    assert_ne!(first, second);
    let c = answer(
        &mut app,
        InsightsEvent::Started {
            left_out: Vec::new(),
            request: first,
            query: QueryId("late".into()),
            groups: vec![],
        },
    );
    assert_eq!(
        c,
        vec![Command::Insights(InsightsCommand::Stop {
            query: QueryId("late".into())
        })]
    );
}

#[test]
fn a_failed_query_says_why_in_the_pane_and_the_error_log() {
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    let (request, _, _) = started(&mut app);
    answer(
        &mut app,
        InsightsEvent::Failed {
            request,
            failure: Failure::new("invalid query: line 2, column 3: expected a command"),
        },
    );
    let run = app.insights.run.as_ref().unwrap();
    assert!(matches!(&run.state, RunState::Failed(m) if m.contains("line 2, column 3")));
    assert!(
        app.last_error
            .as_deref()
            .unwrap()
            .contains("line 2, column 3")
    );
    // The query mended and run whole: the failure on the status bar goes (it stayed there,
    // in every pane, until esc); the error log keeps it.
    loaded(&mut app, vec![vec![f("@message", "fine")]]);
    assert_eq!(app.last_error, None);
    assert!(!app.errors.is_empty());
}

/// Groups the runtime could not resolve send the operator back to the editor, problem under
/// the groups, with the results shown before still there: a typo in a prefix loses nothing.
#[test]
fn groups_that_match_nothing_reopen_the_editor_over_the_results_before() {
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    loaded(&mut app, vec![vec![f("@message", "kept")]]);
    let (request, _, _) = started(&mut app);
    assert!(app.insights.editor.is_none());
    answer(
        &mut app,
        InsightsEvent::Failed {
            request,
            failure: Failure::new("invalid groups: no log group starts with /aws/lambda/nope"),
        },
    );
    let editor = app
        .insights
        .editor
        .as_ref()
        .expect("the editor is open again");
    assert_eq!(editor.focus, 1, "on the groups");
    assert!(
        editor
            .problem
            .as_deref()
            .unwrap()
            .contains("no log group starts with")
    );
    let run = app.insights.run.as_ref().unwrap();
    assert_eq!(run.rows, vec![vec![f("@message", "kept")]]);
    assert_eq!(app.last_error, None);
}

fn loaded(app: &mut App, rows: Vec<ResultRow>) {
    let (request, _, _) = started(app);
    answer(
        app,
        InsightsEvent::Progress {
            request,
            results: results(QueryStatus::Complete, rows),
        },
    );
}

#[test]
fn sort_cycles_through_the_columns_comparing_numbers_as_numbers() {
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    loaded(
        &mut app,
        vec![
            vec![f("@log", "b"), f("p99", "9")],
            vec![f("@log", "a"), f("p99", "10")],
            vec![f("@log", "c"), f("p99", "100")],
        ],
    );
    let col = |app: &App, c: &str| -> Vec<String> {
        app.insights
            .run
            .as_ref()
            .unwrap()
            .rows
            .iter()
            .map(|r| field_of(r, c).unwrap().to_string())
            .collect()
    };
    keys(&mut app, &["S"]);
    assert_eq!(col(&app, "@log"), ["a", "b", "c"]);
    keys(&mut app, &["S", "S"]);
    assert_eq!(col(&app, "p99"), ["9", "10", "100"], "numbers, not text");
    keys(&mut app, &["S"]);
    assert_eq!(col(&app, "p99"), ["100", "10", "9"]);
    // Round to no sort: the query's order again (they stayed as the last sort left them).
    keys(&mut app, &["S"]);
    assert_eq!(app.insights.run.as_ref().unwrap().sort, None);
    assert_eq!(col(&app, "@log"), ["b", "a", "c"]);
}

#[test]
fn enter_opens_the_whole_record_pretty_printing_json_and_stats_rows_have_none() {
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    loaded(
        &mut app,
        vec![vec![
            f("@message", "{\"level\":\"ERROR\"}"),
            f("@ptr", "ptr-1"),
        ]],
    );
    let c = keys(&mut app, &["enter"]);
    let Some(Command::Insights(InsightsCommand::Record { request, pointer })) = c.first() else {
        panic!("{c:?}");
    };
    assert_eq!(pointer, "ptr-1");
    answer(
        &mut app,
        InsightsEvent::Record {
            request: *request,
            result: Ok(vec![
                f("@timestamp", "2026-12-03 10:00:00.000"),
                f("@message", "{\"level\":\"ERROR\",\"n\":1}"),
            ]),
        },
    );
    assert_eq!(app.insights.screen, Screen::Record);
    assert_eq!(
        app.insights.record.lines,
        [
            "@timestamp: 2026-12-03 10:00:00.000",
            "@message:",
            "  {",
            "    \"level\": \"ERROR\",",
            "    \"n\": 1",
            "  }"
        ]
    );
    keys(&mut app, &["esc"]);
    loaded(&mut app, vec![vec![f("@log", "a"), f("count(*)", "3")]]);
    let c = keys(&mut app, &["enter"]);
    assert!(c.is_empty());
    assert!(app.toasts.back().unwrap().text.contains("aggregate"));
}

/// A record whose @message is 12 KB scrolls by the rows it wraps into and says which show:
/// the fields after it were out of reach (it scrolled by fields, and there were two).
#[test]
fn a_long_record_scrolls_by_its_rows() {
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    loaded(&mut app, vec![vec![f("@message", "x"), f("@ptr", "ptr-1")]]);
    let c = keys(&mut app, &["enter"]);
    let Some(Command::Insights(InsightsCommand::Record { request, .. })) = c.first() else {
        panic!("{c:?}");
    };
    answer(
        &mut app,
        InsightsEvent::Record {
            request: *request,
            result: Ok(vec![
                f("@message", &"y".repeat(12_000)),
                f("@log", "123456789012:/aws/lambda/api"),
            ]),
        },
    );
    let draw = |app: &mut App| {
        let theme = crate::theme::Theme::default_dark();
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 20)).unwrap();
        terminal
            .draw(|frame| crate::ui::draw(frame, app, &theme, 0))
            .unwrap();
        terminal.backend().to_string()
    };
    let first = draw(&mut app);
    assert!(first.contains("rows 1–"), "{first}");
    assert!(!first.contains("@log"), "{first}");
    keys(&mut app, &["G"]);
    let last = draw(&mut app);
    assert!(
        last.contains("@log: 123456789012:/aws/lambda/api"),
        "{last}"
    );
    keys(&mut app, &["k"]);
    let back = draw(&mut app);
    assert!(!back.contains("@log"), "one row up from the end: {back}");
    // A half page is half the rows the record is drawn in.
    keys(&mut app, &["g"]);
    draw(&mut app);
    let shown = app.insights.record.shown;
    assert!(shown > 2, "{shown}");
    keys(&mut app, &["ctrl-d"]);
    assert_eq!(app.insights.record.scroll, shown / 2);
}

#[test]
fn r_on_a_row_with_a_request_id_opens_the_logs_request_view() {
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    loaded(
        &mut app,
        vec![vec![
            f("@timestamp", "2026-12-03 10:00:00.000"),
            f("@log", "123456789012:/aws/lambda/api"),
            f("@requestId", "req-7"),
            f("@message", "req-7 ERROR db timeout"),
        ]],
    );
    let c = keys(&mut app, &["r"]);
    assert_eq!(app.pane, PaneId::Logs);
    // The row's own line is in the view at once, selected (the view started at its first).
    let view = app.logs.request.as_ref().unwrap();
    assert_eq!(
        view.buffer
            .get(view.scroll.selected)
            .map(|l| l.text.to_string())
            .as_deref(),
        Some("req-7 ERROR db timeout")
    );
    let Some(Command::Logs(crate::app::logs::LogsCommand::Feed { spec, .. })) = c.first() else {
        panic!("{c:?}");
    };
    assert_eq!(
        spec.groups,
        [LogGroupName::parse("/aws/lambda/api").unwrap()]
    );
    assert_eq!(spec.pattern.as_ref().unwrap().as_str(), "\"req-7\"");
    assert_eq!(app.logs.request.as_ref().unwrap().id, "req-7");
    // And back.
    keys(&mut app, &["-"]);
    assert_eq!(app.pane, PaneId::Insights);
    // From the row's open record too (`r` there did nothing).
    app.insights.screen = Screen::Record;
    let c = keys(&mut app, &["r"]);
    assert_eq!(app.pane, PaneId::Logs, "{c:?}");
    assert_eq!(app.logs.request.as_ref().unwrap().id, "req-7");
    // `esc`, as the request view's title offers, goes back to Insights too (it left the
    // operator in the Logs pane's old tail).
    keys(&mut app, &["esc"]);
    assert_eq!(app.pane, PaneId::Insights);
    assert!(app.logs.request.is_none());
    // Gone back from with `-`, then the Logs pane reopened by its tab: `esc` leaves the view
    // and stays (it went back over an older jump, to a pane the operator had left long ago).
    let c = keys(&mut app, &["r"]);
    assert_eq!(app.pane, PaneId::Logs, "{c:?}");
    keys(&mut app, &["-"]);
    assert_eq!(app.pane, PaneId::Insights);
    app.hops.insert(0, PaneId::Metrics);
    app.open_pane(PaneId::Logs);
    assert!(app.logs.request.is_some());
    keys(&mut app, &["esc"]);
    assert_eq!(app.pane, PaneId::Logs);
    assert!(app.logs.request.is_none());
    assert_eq!(
        app.hops,
        [PaneId::Metrics],
        "the older jump is left as it was"
    );
}

/// A request is looked for in the row's group first, then in the query's other groups (it
/// showed the row's group's line alone, where the request had logged in two); a prefix names
/// no group to read.
#[test]
fn r_looks_for_the_request_in_every_group_the_query_read() {
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    loaded(
        &mut app,
        vec![vec![
            f("@timestamp", "2026-12-03 10:00:00.000"),
            f("@log", "123456789012:/aws/lambda/api-jobs"),
            f("@requestId", "req-9"),
            f("@message", "req-9 WARN retrying"),
        ]],
    );
    app.insights.run.as_mut().unwrap().groups = vec![
        "/aws/lambda/api".into(),
        "/aws/lambda/api-jobs".into(),
        "/aws/lambda/other-*".into(),
    ];
    let c = keys(&mut app, &["r"]);
    let Some(Command::Logs(crate::app::logs::LogsCommand::Feed { spec, .. })) = c.first() else {
        panic!("{c:?}");
    };
    assert_eq!(
        spec.groups,
        [
            LogGroupName::parse("/aws/lambda/api-jobs").unwrap(),
            LogGroupName::parse("/aws/lambda/api").unwrap()
        ]
    );
}

/// `r` on a row without a request id (a panic found by its words) reads the row's stream back
/// from its time: once found, the Logs pane's request view opens on that request with the row's
/// line in it, selected, and `esc` goes back to Insights; where the stream ran no request, it
/// says so and stays.
#[test]
fn r_on_a_row_without_a_request_id_finds_it_by_the_row_s_stream() {
    use crate::app::logs::{LogsCommand, LogsEvent};
    use backoffice_domain::services::running::Running;
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    let panic = "thread 'main' panicked at src/handler.rs:42:5";
    // Lambda's lines end in a line break, which the view's buffer does not keep: the row's line
    // and the stream's are still one line, and it is the one selected.
    let sent = format!("{panic}\n");
    loaded(
        &mut app,
        vec![vec![
            f("@timestamp", "2026-12-03 10:00:00.250"),
            f("@log", "123456789012:/aws/lambda/api"),
            f("@logStream", "2026/12/03/[$LATEST]abc"),
            f("@message", &sent),
        ]],
    );
    let find = |app: &mut App| {
        let c = keys(app, &["r"]);
        match c.as_slice() {
            [
                Command::Logs(LogsCommand::FindRunning {
                    request,
                    group,
                    stream,
                    at,
                }),
            ] => {
                assert_eq!(group.as_str(), "/aws/lambda/api");
                assert_eq!(stream, "2026/12/03/[$LATEST]abc");
                assert_eq!(at.timestamp_millis() % 1000, 250);
                *request
            }
            other => panic!("the stream is read: {other:?}"),
        }
    };
    let asked = find(&mut app);
    assert_eq!(app.pane, PaneId::Insights, "stays until it is found");
    app.on_event(AppEvent::Logs(LogsEvent::RunningFound {
        request: asked,
        result: Ok(Running::Nothing),
    }));
    assert_eq!(app.pane, PaneId::Insights);
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.contains("started no request")),
        "{:?}",
        app.toasts
    );
    let asked = find(&mut app);
    let started = chrono::DateTime::parse_from_rfc3339("2026-12-03T10:00:00.100Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let c = app.on_event(AppEvent::Logs(LogsEvent::RunningFound {
        request: asked,
        result: Ok(Running::Request {
            id: "req-9".into(),
            started,
        }),
    }));
    assert_eq!(app.pane, PaneId::Logs);
    assert!(
        c.iter()
            .any(|c| matches!(c, Command::Logs(LogsCommand::Feed { .. }))),
        "{c:?}"
    );
    let view = app.logs.request.as_ref().expect("the request's view");
    assert_eq!(view.id, "req-9");
    let selected = view
        .buffer
        .get(view.scroll.selected)
        .map(|l| l.text.to_string());
    assert_eq!(selected.as_deref(), Some(panic));
    // The query by id, then the read of the stream over the request's span, which finds the
    // panic again: it is in the view once, still selected.
    let (query, _) = crate::app::logs::flow_tests::feed_request(&c);
    let event = |ms: i64, message: &str| backoffice_domain::model::LogEvent {
        group: "/aws/lambda/api".into(),
        stream: "2026/12/03/[$LATEST]abc".into(),
        timestamp: started + chrono::Duration::milliseconds(ms),
        ingested_at: None,
        message: message.into(),
        event_id: format!("e{ms}"),
    };
    crate::app::logs::flow_tests::batch(
        &mut app,
        query,
        vec![TailItem::Events(vec![
            event(0, "START RequestId: req-9 Version: $LATEST"),
            event(200, "END RequestId: req-9"),
        ])],
    );
    let pass = app.on_event(AppEvent::Logs(LogsEvent::Ended {
        request: query,
        result: Ok(crate::app::logs::FeedEnd::Finished),
    }));
    let (pass, _) = crate::app::logs::flow_tests::feed_request(&pass);
    crate::app::logs::flow_tests::batch(
        &mut app,
        pass,
        vec![TailItem::Events(vec![
            event(150, &sent),
            event(160, "note: run with `RUST_BACKTRACE=1`"),
        ])],
    );
    let view = app.logs.request.as_ref().unwrap();
    let texts: Vec<String> = view
        .buffer
        .iter_from(view.buffer.first_seq())
        .map(|l| l.text.to_string())
        .collect();
    assert_eq!(
        texts.iter().filter(|t| t.as_str() == panic).count(),
        1,
        "{texts:?}"
    );
    assert_eq!(texts.len(), 4, "{texts:?}");
    let selected = view
        .buffer
        .get(view.scroll.selected)
        .map(|l| l.text.to_string());
    assert_eq!(selected.as_deref(), Some(panic));
    keys(&mut app, &["esc"]);
    assert_eq!(app.pane, PaneId::Insights);
}

#[test]
fn the_history_is_recalled_with_up_and_down_on_the_editors_edges() {
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    app.insights.history = crate::history::History::new(vec!["first".into(), "second".into()]);
    app.insights.query_text = "draft\nline two".into();
    keys(&mut app, &["esc", "f"]);
    // The cursor is on the last line: ↑ moves to the first, then recalls.
    keys(&mut app, &["up", "up"]);
    assert_eq!(app.insights.editor.as_ref().unwrap().query.text(), "second");
    keys(&mut app, &["up"]);
    assert_eq!(app.insights.editor.as_ref().unwrap().query.text(), "first");
    keys(&mut app, &["down", "down"]);
    assert_eq!(
        app.insights.editor.as_ref().unwrap().query.text(),
        "draft\nline two",
        "the draft is back"
    );
}

#[test]
fn saved_queries_list_the_builtins_then_the_accounts_and_run_on_enter() {
    let (mut app, first) = app_on(PaneId::Insights, test_context());
    let request = first
        .iter()
        .find_map(|c| match c {
            Command::Insights(InsightsCommand::LoadSaved { request }) => Some(*request),
            _ => None,
        })
        .expect("the saved queries are asked for");
    answer(
        &mut app,
        InsightsEvent::Saved {
            request,
            result: Ok(vec![QueryDefinition {
                id: Some("d-1".into()),
                name: "zzz mine".into(),
                text: "fields @message | limit 5".into(),
                groups: vec![LogGroupName::parse("/aws/lambda/api").unwrap()],
                builtin: false,
            }]),
        },
    );
    let builtins = oncall::builtin_queries().len();
    assert_eq!(app.insights.saved.items.len(), builtins + 1);
    keys(&mut app, &["esc", "v", "G"]);
    assert_eq!(app.insights.screen, Screen::Saved);
    let c = keys(&mut app, &["enter"]);
    let Some(Command::Insights(InsightsCommand::Run { groups, text, .. })) = c.first() else {
        panic!("{c:?}");
    };
    assert_eq!(text, "fields @message | limit 5");
    assert_eq!(groups, &["/aws/lambda/api"]);
}

/// The one-request query opens the editor with the cursor on its placeholder, and runs only
/// once the placeholder is replaced.
#[test]
fn the_one_request_query_waits_for_its_id() {
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    let at = oncall::builtin_queries()
        .iter()
        .position(|q| q.text.contains(oncall::REQUEST_ID_PLACEHOLDER))
        .expect("a built-in with the placeholder");
    keys(&mut app, &["esc", "v", "g"]);
    for _ in 0..at {
        keys(&mut app, &["j"]);
    }
    assert!(keys(&mut app, &["enter"]).is_empty());
    let editor = app.insights.editor.as_ref().expect("the editor opens");
    let (row, col) = editor.query.cursor();
    let line = editor.query.text().lines().nth(row).unwrap().to_string();
    assert!(
        line.chars()
            .skip(col)
            .collect::<String>()
            .starts_with(oncall::REQUEST_ID_PLACEHOLDER),
        "{line} at {col}"
    );
    let c = keys(&mut app, &["alt-enter"]);
    assert!(
        !c.iter()
            .any(|c| matches!(c, Command::Insights(InsightsCommand::Run { .. }))),
        "{c:?}"
    );
    let problem = app
        .insights
        .editor
        .as_ref()
        .unwrap()
        .problem
        .clone()
        .unwrap();
    assert!(problem.contains("replace REQUEST_ID"), "{problem}");
}

#[test]
fn saving_asks_a_name_then_confirms_with_a_reason_and_deleting_a_builtin_is_refused() {
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    keys(&mut app, &["esc", "ctrl-s"]);
    assert!(app.insights.naming.is_some());
    typed(&mut app, "errors by function");
    keys(&mut app, &["enter"]);
    let Some(crate::app::Overlay::Dialog(d)) = &app.overlay else {
        panic!("a confirmation dialog");
    };
    let crate::app::dialog::Form::Ready(Operation::SaveQuery(def)) = &d.proposal.form else {
        panic!("{:?}", d.proposal.form);
    };
    assert_eq!(def.name, "errors by function");
    assert_eq!(def.text, DEFAULT_QUERY);
    keys(&mut app, &["esc", "v"]);
    let c = keys(&mut app, &["X"]);
    assert!(c.is_empty());
    assert!(app.toasts.back().unwrap().text.contains("built-in"));
}

#[test]
fn saving_is_refused_in_a_read_only_session() {
    let mut context = test_context();
    context.read_only = true;
    let (mut app, _) = app_on(PaneId::Insights, context);
    keys(&mut app, &["esc", "ctrl-s"]);
    assert!(app.insights.naming.is_none());
    assert!(app.toasts.back().unwrap().text.contains("read-only"));
}

#[test]
fn groups_are_names_or_prefixes_at_most_fifty() {
    assert_eq!(
        parse_groups("/aws/lambda/a, /aws/lambda/b* /aws/lambda/a").unwrap(),
        ["/aws/lambda/a", "/aws/lambda/b*"]
    );
    assert!(parse_groups("  ").is_err());
    assert!(
        parse_groups("*")
            .unwrap_err()
            .0
            .contains("prefix before it")
    );
    let many: Vec<String> = (0..51).map(|i| format!("/g{i}")).collect();
    assert!(
        parse_groups(&many.join(" "))
            .unwrap_err()
            .0
            .contains("at most 50")
    );
}

/// A result row of a `stats … by @log, bin(5m)` query.
fn binned(log: &str, bin: &str, column: &str, value: &str) -> Vec<ResultField> {
    vec![f("@log", log), f("bin(5m)", bin), f(column, value)]
}

#[test]
fn a_time_bin_result_draws_one_series_per_group_and_number() {
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    loaded(
        &mut app,
        vec![
            binned("a", "2026-12-03 10:05:00.000", "p99", "2"),
            binned("a", "2026-12-03 10:00:00.000", "p99", "1"),
            binned("b", "2026-12-03 10:00:00.000", "p99", "7"),
        ],
    );
    let series = crate::ui::insights::chart_series(app.insights.run.as_ref().unwrap());
    assert_eq!(
        series,
        vec![
            crate::ui::insights::Series {
                label: "p99 · a".into(),
                values: vec![1.0, 2.0]
            },
            crate::ui::insights::Series {
                label: "p99 · b".into(),
                values: vec![7.0, 0.0]
            },
        ]
    );
}

/// Bins no row holds are drawn as nothing in their place in time: failures at 10:05 and 10:20
/// are three bins apart, not side by side.
#[test]
fn a_chart_keeps_the_quiet_bins_between() {
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    loaded(
        &mut app,
        vec![
            binned("a", "2026-12-03 10:20:00.000", "failures", "1"),
            binned("a", "2026-12-03 10:05:00.000", "failures", "3"),
        ],
    );
    let series = crate::ui::insights::chart_series(app.insights.run.as_ref().unwrap());
    assert_eq!(series.len(), 1);
    assert_eq!(series[0].values, vec![3.0, 0.0, 0.0, 1.0]);
}

#[test]
fn chart_labels_drop_what_every_group_shares() {
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    loaded(
        &mut app,
        vec![
            vec![
                f("@log", "123:/aws/lambda/api"),
                f("bin(5m)", "2026-12-03 10:00:00.000"),
                f("n", "1"),
            ],
            vec![
                f("@log", "123:/aws/lambda/api-admin"),
                f("bin(5m)", "2026-12-03 10:00:00.000"),
                f("n", "2"),
            ],
        ],
    );
    let labels: Vec<String> = crate::ui::insights::chart_series(app.insights.run.as_ref().unwrap())
        .into_iter()
        .map(|s| s.label)
        .collect();
    assert_eq!(labels, ["n · api", "n · api-admin"]);
}

#[test]
fn closing_the_console_stops_a_running_query_and_leaves_a_finished_one() {
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    let (request, _, _) = started(&mut app);
    answer(
        &mut app,
        InsightsEvent::Started {
            left_out: Vec::new(),
            request,
            query: QueryId("q-9".into()),
            groups: vec![],
        },
    );
    assert_eq!(
        app.insights.on_close(),
        vec![Command::Insights(InsightsCommand::Stop {
            query: QueryId("q-9".into())
        })]
    );
    answer(
        &mut app,
        InsightsEvent::Progress {
            request,
            results: results(QueryStatus::Cancelled, vec![]),
        },
    );
    assert!(app.insights.on_close().is_empty());
    // A query that finished needs no stop either.
    loaded(&mut app, vec![vec![f("@message", "done")]]);
    assert_eq!(
        app.insights.run.as_ref().unwrap().state,
        RunState::Done(QueryStatus::Complete)
    );
    assert!(app.insights.on_close().is_empty());
}

#[test]
fn sorting_is_a_total_order_on_mixed_cells() {
    let cells = ["9", "10", "1a", "NaN", "inf", "", "-2", "b", "1e3"];
    let mut rows: Vec<ResultRow> = cells.iter().map(|c| vec![f("x", c)]).collect();
    rows.push(vec![f("y", "no x")]);
    rows.sort_by(|a, b| compare_cells(field_of(a, "x"), field_of(b, "x")));
    let order: Vec<&str> = rows
        .iter()
        .map(|r| field_of(r, "x").unwrap_or("-"))
        .collect();
    assert_eq!(
        order,
        ["-2", "9", "10", "1e3", "", "1a", "NaN", "b", "inf", "-"]
    );
}

#[test]
fn an_unfinished_result_is_not_exported() {
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    let (request, _, _) = started(&mut app);
    answer(
        &mut app,
        InsightsEvent::Progress {
            request,
            results: results(QueryStatus::Running, vec![vec![f("@message", "partial")]]),
        },
    );
    let e = app.insights.export_source().unwrap_err();
    assert!(e.contains("still running"), "{e}");
}
