//! Flow tests of the Logs pane: the app driven with keys and canned feed batches, as the loop
//! would drive it.

use super::buffer::{LineKind, RequestKey};
use super::*;
use crate::app::tests::{app_on, code, key, typed};
use crate::app::{App, AppEvent, Failure, PaneId, test_context};
use backoffice_domain::model::{LogEvent, TailItem};
use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;

pub(crate) const API: &str = "/aws/lambda/backoffice-api";
pub(crate) const THUMBS: &str = "/aws/lambda/backoffice-thumbnails";
pub(crate) const SIGNUP: &str = "/aws/lambda/backoffice-post-confirmation";

pub(crate) fn group(name: &str) -> LogGroupName {
    LogGroupName::parse(name).unwrap()
}

pub(crate) fn at(ms: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap() + chrono::Duration::milliseconds(ms)
}

/// One event `ms` milliseconds after 10:00 on 2026-11-25.
pub(crate) fn ev(group: &str, ms: i64, message: &str) -> LogEvent {
    LogEvent {
        group: group.into(),
        stream: "2026/11/25/[$LATEST]6f1c2d".into(),
        timestamp: at(ms),
        ingested_at: None,
        message: message.into(),
        event_id: format!("{group}-{ms}"),
    }
}

/// A request id that reads as a UUID, numbered.
pub(crate) fn rid(n: u32) -> String {
    format!("{n:08x}-6a2d-4a8e-9c3b-1d2e3f4a5b6c")
}

/// The lines of one invocation: START, a JSON line, an error when `failed`, END, REPORT.
pub(crate) fn invocation(group: &str, n: u32, ms: i64, cold: bool, failed: bool) -> Vec<LogEvent> {
    let id = rid(n);
    let mut out = vec![
        ev(
            group,
            ms,
            &format!("START RequestId: {id} Version: $LATEST"),
        ),
        ev(
            group,
            ms + 2,
            &format!(
                r#"{{"level":"INFO","message":"request","requestId":"{id}","method":"GET","route":"/posts"}}"#
            ),
        ),
    ];
    if failed {
        out.push(ev(
            group,
            ms + 5,
            &format!(
                r#"{{"level":"ERROR","message":"database timeout","requestId":"{id}","route":"/posts"}}"#
            ),
        ));
    }
    let duration = 10.0 + f64::from(n % 7) * 9.5;
    let mut report = format!(
        "REPORT RequestId: {id}\tDuration: {duration:.2} ms\tBilled Duration: {} ms\tMemory Size: 512 MB\tMax Memory Used: {} MB",
        duration.ceil(),
        80 + n % 20
    );
    if cold {
        report.push_str("\tInit Duration: 231.40 ms");
    }
    out.push(ev(group, ms + 8, &format!("END RequestId: {id}")));
    out.push(ev(group, ms + 9, &report));
    out
}

pub(crate) fn feed_request(commands: &[Command]) -> (RequestId, FeedSpec) {
    commands
        .iter()
        .find_map(|c| match c {
            Command::Logs(LogsCommand::Feed { request, spec, .. }) => {
                Some((*request, spec.clone()))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("a feed command in {commands:?}"))
}

/// Request `id` of the API group that panics: its START, the panic (no id), its END, at
/// 1,000 to 1,002 ms.
pub(crate) fn panicking_request(id: &str) -> Vec<LogEvent> {
    vec![
        ev(
            API,
            1_000,
            &format!("START RequestId: {id} Version: $LATEST"),
        ),
        ev(API, 1_001, "thread 'main' panicked at src/bin/api.rs:42:9:"),
        ev(API, 1_002, &format!("END RequestId: {id}")),
    ]
}

/// Runs a window query typed at the `f` prompt (its window first); the feed's request and
/// spec.
pub(crate) fn query_for(app: &mut App, text: &str) -> (RequestId, FeedSpec) {
    app.on_key(key('f'));
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    typed(app, text);
    let c = app.on_key(code(KeyCode::Enter));
    feed_request(&c)
}

pub(crate) fn batch(app: &mut App, request: RequestId, items: Vec<TailItem>) -> Vec<Command> {
    app.on_event(AppEvent::Logs(LogsEvent::Batch { request, items }))
}

/// The console on the Logs pane with the sandbox's three groups listed.
pub(crate) fn logs_app() -> App {
    let (mut app, first) = app_on(PaneId::Logs, test_context());
    let Some(Command::Logs(LogsCommand::LoadGroups { request })) = first.first().cloned() else {
        panic!("the pane asks for its groups first: {first:?}")
    };
    app.on_event(AppEvent::Logs(LogsEvent::GroupsLoaded {
        request,
        result: Ok(vec![group(API), group(THUMBS), group(SIGNUP)]),
    }));
    app
}

/// Picks the first two groups and starts the live tail; returns its request.
pub(crate) fn tailing(app: &mut App) -> RequestId {
    app.on_key(key(' '));
    app.on_key(key(' '));
    let c = app.on_key(code(KeyCode::Enter));
    let (request, spec) = feed_request(&c);
    assert_eq!(spec.groups, vec![group(API), group(THUMBS)]);
    assert_eq!(spec.window, Window::Live);
    request
}

/// Forty invocations over the two groups, every seventh failing and every tenth cold.
/// `/`, `text`, `enter`: a search of the lines (a filter of the picker's groups there).
pub(crate) fn search_for(app: &mut App, text: &str) {
    app.on_key(key('/'));
    typed(app, text);
    app.on_key(code(KeyCode::Enter));
}

pub(crate) fn traffic() -> Vec<TailItem> {
    let mut events = Vec::new();
    for n in 0..40u32 {
        let g = if n % 3 == 0 { THUMBS } else { API };
        events.extend(invocation(
            g,
            n,
            i64::from(n) * 1_500,
            n % 10 == 0,
            n % 7 == 3,
        ));
    }
    events.sort_by_key(|e| e.timestamp);
    vec![TailItem::Events(events)]
}

#[test]
fn picking_groups_and_enter_starts_a_live_tail_and_lines_arrive_at_the_live_end() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    assert_eq!(app.logs.screen, Screen::Viewer);
    assert_eq!(app.pending(), 0, "a live tail is not a pending request");
    batch(&mut app, request, traffic());
    let lines = app.logs.buffer.len();
    assert!(lines > 150, "{lines}");
    assert_eq!(app.logs.scroll.selected, app.logs.buffer.end_seq() - 1);
    assert_eq!(app.logs.buffer.reports().len(), 40);
    // Lines keep coming; the view stays at the end.
    batch(
        &mut app,
        request,
        vec![TailItem::Events(vec![ev(API, 90_000, "INFO late")])],
    );
    assert_eq!(
        app.logs.selected_line().map(|l| l.text.to_string()),
        Some("INFO late".into())
    );
}

#[test]
fn space_pauses_new_lines_are_counted_and_g_goes_back_to_live() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(&mut app, request, traffic());
    let held = app.logs.scroll.selected;
    app.on_key(key(' '));
    assert!(app.logs.paused);
    batch(
        &mut app,
        request,
        vec![TailItem::Events(
            (0..7).map(|i| ev(API, 100_000 + i, "INFO more")).collect(),
        )],
    );
    assert_eq!(app.logs.scroll.selected, held, "the view holds still");
    assert_eq!(app.logs.new_lines(), 7);
    // Scrolling back while paused works and lines still arrive.
    app.on_key(key('k'));
    app.on_key(key('k'));
    assert_eq!(app.logs.scroll.selected, held - 2);
    app.on_key(key('G'));
    assert!(app.logs.scroll.follow && !app.logs.paused);
    assert_eq!(app.logs.new_lines(), 0);
    assert_eq!(app.logs.scroll.selected, app.logs.buffer.end_seq() - 1);
    // Space again resumes too.
    app.on_key(key(' '));
    app.on_key(key(' '));
    assert!(app.logs.scroll.follow);
    // A line open, then `G`: the line closes rather than be swapped for each new one.
    app.on_key(key('k'));
    app.on_key(code(KeyCode::Enter));
    assert!(app.logs.detail && !app.logs.scroll.follow);
    app.on_key(key('G'));
    assert!(!app.logs.detail && app.logs.scroll.follow);
    // A range selected while paused ends when the tail resumes (it grew with each line).
    app.on_key(key(' '));
    app.on_key(key('b'));
    app.on_key(key('k'));
    assert!(app.logs.anchor.is_some());
    app.on_key(key(' '));
    assert!(app.logs.scroll.follow && app.logs.anchor.is_none());
}

#[test]
fn scrolling_up_stops_following_without_pausing() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(&mut app, request, traffic());
    app.on_key(key('g'));
    assert_eq!(app.logs.scroll.selected, app.logs.buffer.first_seq());
    assert!(!app.logs.scroll.follow && !app.logs.paused);
    batch(
        &mut app,
        request,
        vec![TailItem::Events(vec![ev(API, 100_000, "INFO x")])],
    );
    assert_eq!(app.logs.new_lines(), 1);
    assert_eq!(app.logs.scroll.selected, app.logs.buffer.first_seq());
}

#[test]
fn search_jumps_between_matches_and_context_shows_only_matches_and_their_neighbours() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(&mut app, request, traffic());
    search_for(&mut app, "database timeout");
    let matches = app.logs.search.as_ref().unwrap().matches.clone();
    // Invocations 3, 10, 17, 24, 31, 38 failed.
    assert_eq!(matches.len(), 6);
    // Following the live end, the search goes to the newest match.
    assert_eq!(app.logs.scroll.selected, matches[5]);
    app.on_key(key('n'));
    assert_eq!(app.logs.scroll.selected, matches[0], "next wraps round");
    app.on_key(key('n'));
    assert_eq!(app.logs.scroll.selected, matches[1]);
    app.on_key(key('N'));
    app.on_key(key('N'));
    assert_eq!(app.logs.scroll.selected, matches[5], "previous wraps round");
    // Scrolled back, a new search goes to the next match from where the view is.
    app.on_key(key('g'));
    app.on_key(key('/'));
    app.on_key(code(KeyCode::Enter));
    assert_eq!(app.logs.scroll.selected, matches[0]);
    app.on_key(key('C'));
    assert_eq!(app.logs.context, 2);
    let rows: Vec<u64> = {
        let r = app.logs.rows();
        (0..r.len()).filter_map(|i| r.at(i)).collect()
    };
    assert_eq!(rows.len(), 6 * 5);
    assert!(matches.iter().all(|m| rows.contains(m)));
    // New matching lines join the search as they arrive.
    batch(
        &mut app,
        request,
        vec![TailItem::Events(vec![ev(
            API,
            100_000,
            "ERROR database timeout again",
        )])],
    );
    assert_eq!(app.logs.search.as_ref().unwrap().matches.len(), 7);
    // Esc ends the search, and its context: the next search shows every line again.
    app.on_key(code(KeyCode::Esc));
    assert!(app.logs.search.is_none());
    assert_eq!(app.logs.filter_text, "");
    assert_eq!(app.logs.context, 0);
}

#[test]
fn a_search_that_finds_nothing_says_so() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(&mut app, request, traffic());
    search_for(&mut app, "no such text");
    // Not an error: the search stays, and the pane's row says there is no match yet.
    assert_eq!(app.last_error, None);
    assert_eq!(app.logs.search.as_ref().map(|s| s.matches.len()), Some(0));
    batch(
        &mut app,
        request,
        vec![TailItem::Events(vec![ev(
            API,
            95_000,
            "INFO no such text after all",
        )])],
    );
    assert_eq!(app.logs.search.as_ref().map(|s| s.matches.len()), Some(1));
}

#[test]
fn r_opens_the_request_from_the_buffer_then_from_its_groups() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(&mut app, request, traffic());
    // Select invocation 3's error line: the first match from the top.
    app.on_key(key('g'));
    search_for(&mut app, "database timeout");
    let line = app.logs.selected_line().unwrap();
    assert_eq!(line.req, RequestKey::of(&rid(3)));
    let c = app.on_key(key('r'));
    let (query, spec) = feed_request(&c);
    assert_eq!(spec.groups, vec![group(API), group(THUMBS)]);
    assert_eq!(spec.pattern.unwrap().as_str(), format!("\"{}\"", rid(3)));
    let Window::Range(w) = spec.window else {
        panic!("{:?}", spec.window)
    };
    assert!(w.start < at(4_500) && w.end > at(4_500));
    let view = app.logs.request.as_ref().unwrap();
    assert_eq!(view.id, rid(3));
    assert_eq!(view.buffer.len(), 5, "the buffer's lines show at once");
    assert_eq!(app.pending(), 1, "the search of the groups is pending");
    // The groups hold one more line of that request (written before the tail started).
    let mut found = vec![ev(
        SIGNUP,
        4_400,
        &format!(
            r#"{{"level":"INFO","message":"profile row upserted","requestId":"{}"}}"#,
            rid(3)
        ),
    )];
    found.extend(invocation(API, 3, 4_500, false, true));
    batch(&mut app, query, vec![TailItem::Events(found)]);
    app.on_event(AppEvent::Logs(LogsEvent::Ended {
        request: query,
        result: Ok(FeedEnd::Finished),
    }));
    let view = app.logs.request.as_ref().unwrap();
    assert_eq!(view.buffer.len(), 6);
    assert_eq!(view.buffer.groups().len(), 2);
    assert_eq!(app.pending(), 0);
    // The line `r` was pressed on is the selected one, among the lines found since.
    let on = view.scroll.selected;
    let text = view.buffer.get(on).map(|l| l.text.to_string());
    assert!(
        on > view_first(&app)
            && text
                .as_deref()
                .is_some_and(|t| t.contains("database timeout")),
        "{text:?}"
    );
    // Keys move in the request view; esc goes back to the lines.
    app.on_key(key('j'));
    assert_eq!(app.logs.request.as_ref().unwrap().scroll.selected, on + 1);
    app.on_key(code(KeyCode::Esc));
    assert!(app.logs.request.is_none());
}

/// A panic names no request: the request view keeps it, in its place, when the query by id
/// (which cannot find it) answers.
#[test]
fn a_request_s_lines_without_its_id_stay_in_its_view_after_the_query() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    let id = rid(7);
    let mut lines = panicking_request(&id);
    lines.push(ev(
        API,
        1_003,
        &format!(
            "REPORT RequestId: {id}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tStatus: error"
        ),
    ));
    batch(&mut app, request, vec![TailItem::Events(lines.clone())]);
    app.on_key(key('g'));
    let c = app.on_key(key('r'));
    let (query, _) = feed_request(&c);
    let named = vec![lines[0].clone(), lines[2].clone(), lines[3].clone()];
    batch(&mut app, query, vec![TailItem::Events(named)]);
    assert_eq!(request_lines(&app), messages(&lines));
    // `r` on the panic itself opens the request its stream was running (it said the line
    // carries no request id).
    app.on_key(code(KeyCode::Esc));
    app.on_key(key('g'));
    app.on_key(key('j'));
    assert!(app.logs.selected_line().unwrap().text.contains("panicked"));
    let c = app.on_key(key('r'));
    let (_, spec) = feed_request(&c);
    assert_eq!(spec.pattern.unwrap().as_str(), format!("\"{id}\""));
    assert_eq!(app.logs.request.as_ref().unwrap().id, id);
}

/// A plain line that mentions the id (no id field of its own) is kept from the buffer and
/// found by the query's pattern as well: it is shown once (it showed twice).
#[test]
fn a_line_that_mentions_its_request_id_shows_once_in_the_request() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    let id = rid(8);
    let lines = vec![
        ev(
            API,
            1_000,
            &format!("START RequestId: {id} Version: $LATEST"),
        ),
        ev(API, 1_001, &format!("plain line mentioning {id}")),
        ev(API, 1_001, &format!("esc \u{1b}[31mRED {id}")),
        ev(API, 1_002, &format!("END RequestId: {id}")),
    ];
    batch(&mut app, request, vec![TailItem::Events(lines.clone())]);
    app.on_key(key('g'));
    let c = app.on_key(key('r'));
    let (query, _) = feed_request(&c);
    batch(&mut app, query, vec![TailItem::Events(lines.clone())]);
    assert_eq!(request_lines(&app), messages(&lines));
}

/// The request view's lines, as shown.
fn request_lines(app: &App) -> Vec<String> {
    let view = app.logs.request.as_ref().unwrap();
    view.buffer
        .iter_from(view.buffer.first_seq())
        .map(|l| l.text.to_string())
        .collect()
}

fn messages(events: &[LogEvent]) -> Vec<String> {
    events.iter().map(|e| e.message.clone()).collect()
}

fn view_first(app: &App) -> u64 {
    app.logs.request.as_ref().unwrap().buffer.first_seq()
}

/// A request opened from another pane (an Insights row) reads its stream over its span once
/// the query by id ends, and puts the lines without its id (a panic) among its own: only the
/// query by id, it left the panic out.
#[test]
fn a_request_opened_from_another_pane_keeps_its_panic() {
    let mut app = logs_app();
    let id = rid(9);
    let outcome = app.logs.show_request(
        id.clone(),
        vec![group(API)],
        at(1_000),
        None,
        Some(PaneId::Insights),
        &mut app.ids,
    );
    let Outcome::Commands(c) = outcome else {
        panic!("{outcome:?}")
    };
    let (by_id, spec) = feed_request(&c);
    assert!(spec.pattern.is_some());
    let mut other = ev(API, 1_001, "thread 'main' panicked in another stream");
    other.stream = "2026/11/25/[$LATEST]ffffff".into();
    batch(
        &mut app,
        by_id,
        vec![TailItem::Events(vec![
            ev(
                API,
                1_000,
                &format!("START RequestId: {id} Version: $LATEST"),
            ),
            ev(API, 1_003, &format!("END RequestId: {id}")),
        ])],
    );
    let c = app.on_event(AppEvent::Logs(LogsEvent::Ended {
        request: by_id,
        result: Ok(FeedEnd::Finished),
    }));
    let (pass, spec) = feed_request(&c);
    assert!(spec.pattern.is_none(), "the stream, unfiltered");
    assert_eq!(spec.groups, vec![group(API)]);
    batch(
        &mut app,
        pass,
        vec![TailItem::Events(vec![
            ev(
                API,
                1_000,
                &format!("START RequestId: {id} Version: $LATEST"),
            ),
            ev(API, 1_002, "thread 'main' panicked at src/bin/api.rs:42:9:"),
            other,
            ev(API, 1_003, &format!("END RequestId: {id}")),
        ])],
    );
    let view = app.logs.request.as_ref().unwrap();
    let shown: Vec<String> = view
        .buffer
        .iter_from(view.buffer.first_seq())
        .map(|l| l.text.to_string())
        .collect();
    assert_eq!(
        shown,
        vec![
            format!("START RequestId: {id} Version: $LATEST"),
            "thread 'main' panicked at src/bin/api.rs:42:9:".to_string(),
            format!("END RequestId: {id}"),
        ]
    );
    // The pass ends; nothing more is read.
    let c = app.on_event(AppEvent::Logs(LogsEvent::Ended {
        request: pass,
        result: Ok(FeedEnd::Finished),
    }));
    assert!(c.is_empty(), "{c:?}");
    // Closed with no tail behind it, the pane is its group picker again (`:logs` opened on
    // an empty viewer, two `esc`s from the picker).
    assert!(app.logs.feed.is_none());
    let back = app
        .logs
        .on_action(crate::keymap::Action::Back, &mut app.ids);
    assert!(
        matches!(
            back,
            Outcome::HopBack {
                to: PaneId::Insights
            }
        ),
        "{back:?}"
    );
    assert!(app.logs.request.is_none());
    assert_eq!(app.logs.screen, super::Screen::Picker);
}

/// `v` in the group picker, before any tail, says what it needs rather than nothing.
#[test]
fn v_in_the_picker_says_what_it_needs() {
    let mut app = logs_app();
    assert!(app.on_key(key('v')).is_empty());
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.contains("pick groups (space), then enter")),
        "{:?}",
        app.toasts
    );
}

/// `y` in the group picker copies the selected group's name.
#[test]
fn y_in_the_picker_copies_the_group() {
    let mut app = logs_app();
    app.on_key(key('j'));
    app.on_key(key('y'));
    assert_eq!(
        app.requests.last(),
        Some(&crate::app::Request::Clipboard(THUMBS.to_string()))
    );
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text == format!("copied the log group {THUMBS}")),
        "{:?}",
        app.toasts
    );
}

/// Back in the group picker over a tail, `Y` links the selected group and `O` opens no one
/// (they took the tail's selected line, out of sight: another group's stream, its user).
#[test]
fn the_picker_s_keys_act_on_its_group_not_the_hidden_line() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(&mut app, request, traffic());
    app.on_key(code(KeyCode::Esc));
    assert_eq!(app.logs.screen, Screen::Picker);
    app.on_key(key('g'));
    app.on_key(key('j'));
    let target = crate::app::pane::Pane::console_target(&app.logs);
    assert_eq!(
        target,
        Some(crate::app::copy::ConsoleTarget::LogGroup {
            group: THUMBS.into()
        })
    );
    let before = app.requests.len();
    let c = app.on_key(key('O'));
    assert!(c.is_empty(), "{c:?}");
    assert_eq!(app.requests.len(), before);
    assert_eq!(app.pane, crate::app::PaneId::Logs, "stayed");
}

/// `r` over a query with a pattern reads the request's stream once its lines by id are in
/// (the pattern left out its lines without the id); over a tail without one, the lines copied
/// hold them already.
#[test]
fn a_request_opened_over_a_pattern_reads_its_stream() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(&mut app, request, traffic());
    app.on_key(key('g'));
    app.on_key(key('r'));
    assert!(!app.logs.request.as_ref().unwrap().read_stream);
    app.on_key(code(KeyCode::Esc));
    let (query, spec) = query_for(&mut app, "1h timeout");
    assert!(spec.pattern.is_some());
    batch(&mut app, query, traffic());
    app.on_key(key('g'));
    app.on_key(key('r'));
    assert!(app.logs.request.as_ref().unwrap().read_stream);
}

/// A search that matches nothing in a new query's lines, ended with `esc`, leaves a line
/// selected (`r` and `enter` said "no line selected" with every line in view).
#[test]
fn ending_a_search_leaves_a_line_selected() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(&mut app, request, traffic());
    search_for(&mut app, "colour");
    app.on_key(key('C'));
    let (query, _) = query_for(&mut app, "1h");
    batch(
        &mut app,
        query,
        vec![TailItem::Events(vec![ev(API, 5, "only line")])],
    );
    app.on_key(code(KeyCode::Esc));
    assert!(app.logs.search.is_none());
    assert_eq!(
        app.logs
            .selected_line()
            .map(|l| l.text.to_string())
            .as_deref(),
        Some("only line")
    );
}

/// `J` / `K` with no line open say what they are for (they did nothing, silently).
#[test]
fn j_and_k_with_no_line_open_say_so() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(&mut app, request, traffic());
    app.on_key(key('J'));
    assert_eq!(app.toasts.back().map(|t| t.text.as_str()), Some(NO_DETAIL));
    app.toasts.clear();
    app.on_key(code(KeyCode::Enter));
    app.on_key(key('J'));
    assert!(app.toasts.is_empty(), "{:?}", app.toasts);
}

/// `ctrl-r` keeps the lines on screen while the feed is read again: a read that fails (an
/// outage) leaves them, noted; one that brings lines replaces them; one that finds none
/// empties the pane.
#[test]
fn reading_again_keeps_the_lines_until_the_new_read_answers() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(&mut app, request, traffic());
    let before = app.logs.buffer.len();
    assert!(before > 5);
    let reload = KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL);
    let again = |app: &mut App| {
        let c = app.on_key(reload);
        let (asked, _) = feed_request(&c);
        asked
    };
    let asked = again(&mut app);
    assert_eq!(app.logs.buffer.len(), before, "kept while it is read");
    app.on_event(AppEvent::Logs(LogsEvent::Ended {
        request: asked,
        result: Err(Failure::new("CloudWatch Logs is unavailable")),
    }));
    assert_eq!(app.logs.buffer.len(), before + 1, "kept, and a note");
    let last = app.logs.buffer.get(app.logs.buffer.end_seq() - 1).unwrap();
    assert_eq!(last.kind, LineKind::Note);
    assert!(
        last.text
            .contains("reading again failed (CloudWatch Logs is unavailable)"),
        "{}",
        last.text
    );
    // A tail read again: connected, its lines replace the ones before.
    let asked = again(&mut app);
    app.on_event(AppEvent::Logs(LogsEvent::Started {
        request: asked,
        since: at(100_000),
        earlier: Earlier::Read(0),
    }));
    batch(
        &mut app,
        asked,
        vec![TailItem::Events(vec![ev(API, 100_001, "fresh line")])],
    );
    let texts: Vec<String> = app
        .logs
        .buffer
        .iter_from(app.logs.buffer.first_seq())
        .map(|l| l.text.to_string())
        .collect();
    assert_eq!(texts, ["fresh line"]);
    // A query read again that finds nothing leaves nothing.
    let c = app.on_key(key('f'));
    assert!(c.is_empty());
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    typed(&mut app, "1h");
    let c = app.on_key(code(KeyCode::Enter));
    let (query, _) = feed_request(&c);
    batch(
        &mut app,
        query,
        vec![TailItem::Events(vec![ev(API, 100_002, "queried line")])],
    );
    let asked = again(&mut app);
    assert_eq!(app.logs.buffer.len(), 1);
    app.on_event(AppEvent::Logs(LogsEvent::Ended {
        request: asked,
        result: Ok(FeedEnd::Finished),
    }));
    assert!(app.logs.buffer.is_empty());
}

/// `y` on a panic copies the id of the request its stream was running; in the invocations
/// view `y` and `Y` take the selected invocation (they took the line selected in the lines
/// view, out of sight, or said nothing was selected).
#[test]
fn y_copies_the_running_request_and_the_selected_invocation() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    let id = rid(7);
    batch(
        &mut app,
        request,
        vec![TailItem::Events(panicking_request(&id))],
    );
    batch(&mut app, request, traffic());
    app.on_key(key('g'));
    app.on_key(key('j'));
    app.on_key(key('y'));
    assert_eq!(
        app.requests.last(),
        Some(&crate::app::Request::Clipboard(id.clone()))
    );
    app.on_key(key('v'));
    app.on_key(key('g'));
    app.on_key(key('y'));
    // The link starts where the invocation did, a second before: its REPORT time less its
    // duration and cold start.
    let (text, at) = {
        let first = app.logs.buffer.reports().front().unwrap();
        let line = app.logs.buffer.get(first.seq).unwrap();
        let ran = first.duration_ms + first.init_ms.unwrap_or(0.0);
        (
            line.text.to_string(),
            line.ts_ms - ran.ceil() as i64 - 1_000,
        )
    };
    let Some(crate::app::Request::Clipboard(copied)) = app.requests.last().cloned() else {
        panic!("{:?}", app.requests)
    };
    assert!(
        text.contains(copied.as_str()) && copied != id,
        "{copied} of {text}"
    );
    let target = crate::app::pane::Pane::console_target(&app.logs);
    assert!(
        matches!(&target, Some(crate::app::copy::ConsoleTarget::LogStream { at: t, .. }) if t.timestamp_millis() == at),
        "{target:?}"
    );
}

/// A search of the lines is not kept as the pane's last view: the next session applied it to
/// the group picker ("no group name holds 'token-1117'").
#[test]
fn a_search_of_the_lines_is_not_the_next_session_s_view() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(&mut app, request, traffic());
    search_for(&mut app, "database timeout");
    assert!(app.logs.search.is_some());
    assert_eq!(
        app.views
            .of(crate::app::PaneId::Logs)
            .and_then(|v| v.last.clone()),
        None
    );
}

/// `ctrl-s` on a tail with no lines yet says so at once, with no prompt to fill first.
#[test]
fn saving_an_empty_buffer_is_refused_at_once() {
    let mut app = logs_app();
    tailing(&mut app);
    let c = app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    assert!(c.is_empty(), "{c:?}");
    assert!(app.logs.prompt.is_none());
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text == "nothing to save: the buffer holds no lines"),
        "{:?}",
        app.toasts
    );
}

/// `r` on a line without a request id that the lines read cannot place (a search's pattern
/// left its stream's other lines out): the stream is read back from the line, and the view
/// opens on the request it was running, with the line among its lines.
#[test]
fn a_line_without_a_request_id_is_placed_by_its_stream() {
    use backoffice_domain::services::running::Running;
    let mut app = logs_app();
    let request = tailing(&mut app);
    let panic = ev(API, 40, "thread 'main' panicked at src/handler.rs:42:5");
    batch(
        &mut app,
        request,
        vec![TailItem::Events(vec![panic.clone()])],
    );
    let find = |app: &mut App| {
        let c = app.on_key(key('r'));
        match c.as_slice() {
            [
                Command::Logs(LogsCommand::FindRunning {
                    request,
                    group,
                    stream,
                    at: when,
                }),
            ] => {
                assert_eq!(
                    (group.as_str(), stream.as_str(), *when),
                    (API, panic.stream.as_str(), at(40))
                );
                *request
            }
            other => panic!("the stream is read: {other:?}"),
        }
    };
    let asked = find(&mut app);
    assert!(app.pending() > 0, "the spinner turns while it is read");
    // An answer to an earlier `r` is not this one.
    app.on_event(AppEvent::Logs(LogsEvent::RunningFound {
        request: RequestId(asked.0 + 1000),
        result: Ok(Running::Nothing),
    }));
    assert!(app.logs.request.is_none() && app.logs.finding.is_some());
    let c = app.on_event(AppEvent::Logs(LogsEvent::RunningFound {
        request: asked,
        result: Ok(Running::Request {
            id: rid(7),
            started: at(10),
        }),
    }));
    let view = app.logs.request.as_ref().expect("the request's view");
    assert_eq!(view.id, rid(7));
    let lines: Vec<String> = view
        .buffer
        .iter_from(view.buffer.first_seq())
        .map(|l| l.text.to_string())
        .collect();
    assert_eq!(lines, [panic.message.as_str()], "the line is in the view");
    let (_, spec) = feed_request(&c);
    assert_eq!(
        spec.pattern.as_ref().map(|p| p.as_str().to_string()),
        Some(format!("\"{}\"", rid(7)))
    );
    // Looked for in the tail's groups, as for a line with an id.
    assert!(spec.groups.contains(&LogGroupName::parse(API).unwrap()));
    assert!(
        matches!(spec.window, Window::Range(w) if w.start <= at(10) && w.end > at(40)),
        "{:?}",
        spec.window
    );

    // The query by id brings the request's other lines; the panic stays the selected line.
    let (feed, _) = feed_request(&c);
    let start = ev(
        API,
        10,
        &format!("START RequestId: {} Version: $LATEST", rid(7)),
    );
    batch(&mut app, feed, vec![TailItem::Events(vec![start])]);
    let view = app.logs.request.as_ref().unwrap();
    let shown: Vec<(u64, String)> = view
        .buffer
        .iter_from(view.buffer.first_seq())
        .map(|l| (l.seq, l.text.to_string()))
        .collect();
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert_eq!(
        view.scroll.selected, shown[1].0,
        "the line r was pressed on: {shown:?}"
    );
    // Only the line was copied: once the query by id ends, the stream is read over the
    // request's span for its other lines without the id (they were missing).
    let pass = app.on_event(AppEvent::Logs(LogsEvent::Ended {
        request: feed,
        result: Ok(FeedEnd::Finished),
    }));
    let (_, spec) = feed_request(&pass);
    assert_eq!(spec.pattern, None);
    assert!(
        matches!(spec.window, Window::Range(w) if w.start <= at(10) && w.end > at(40)),
        "{:?}",
        spec.window
    );

    // Where the stream ran no request, it says why and opens nothing.
    app.on_key(code(KeyCode::Esc));
    assert!(app.logs.request.is_none());
    for (answer, said) in [
        (
            Running::Between { last: rid(6) },
            "its stream's last request (00000006) had ended before it",
        ),
        (
            Running::Nothing,
            "started no request in the 15 minutes before it",
        ),
        (
            Running::TooBusy,
            "wrote too many lines before it to read back",
        ),
    ] {
        let asked = find(&mut app);
        app.on_event(AppEvent::Logs(LogsEvent::RunningFound {
            request: asked,
            result: Ok(answer),
        }));
        assert!(app.logs.request.is_none());
        assert!(
            app.toasts.iter().any(|t| t.text.contains(said)),
            "{said}: {:?}",
            app.toasts
        );
        assert_eq!(app.pending(), 0);
    }
    // A failed read is a failure, said on the status bar.
    let asked = find(&mut app);
    app.on_event(AppEvent::Logs(LogsEvent::RunningFound {
        request: asked,
        result: Err(Failure::new("AccessDeniedException: logs:FilterLogEvents")),
    }));
    assert_eq!(
        app.last_error.as_deref(),
        Some("finding the line's request: AccessDeniedException: logs:FilterLogEvents")
    );
}

#[test]
fn the_query_prompt_starts_a_window_query_with_a_pattern() {
    let mut app = logs_app();
    app.on_key(key(' '));
    app.on_key(key('f'));
    assert!(app.logs.prompt.is_some());
    // The prompt opens with a window to edit.
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    typed(&mut app, "1h ERROR -retry");
    let c = app.on_key(code(KeyCode::Enter));
    let (_, spec) = feed_request(&c);
    assert_eq!(spec.groups, vec![group(API)]);
    assert_eq!(spec.window, Window::Last { seconds: 3_600 });
    assert_eq!(spec.pattern.unwrap().as_str(), "ERROR -retry");
    assert_eq!(app.pending(), 1, "a query is pending until it ends");
    assert!(app.logs.prompt.is_none());
}

/// The prompt opens with `15m ` written: a window typed after it replaces it (it was refused
/// as two windows, `15m 1h`), a pattern typed after it keeps it.
#[test]
fn a_window_typed_after_the_written_one_replaces_it() {
    let mut app = logs_app();
    app.on_key(key(' '));
    app.on_key(key('f'));
    typed(&mut app, "1h ERROR");
    let c = app.on_key(code(KeyCode::Enter));
    let (_, spec) = feed_request(&c);
    assert_eq!(spec.window, Window::Last { seconds: 3_600 });
    assert_eq!(spec.pattern.unwrap().as_str(), "ERROR");
    app.on_key(key('f'));
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    typed(&mut app, "15m timeout");
    let c = app.on_key(code(KeyCode::Enter));
    let (_, spec) = feed_request(&c);
    assert_eq!(spec.window, Window::Last { seconds: 900 });
    assert_eq!(spec.pattern.unwrap().as_str(), "timeout");
    // A window as the titles write it, short or whole, replaces the written one too (it was
    // searched for as a pattern over the first).
    for window in [
        "12-05 10:00..12:00 UTC",
        "2026-12-05 10:00 .. 2026-12-05 12:00 UTC",
    ] {
        app.on_key(key('f'));
        app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        typed(&mut app, "1h");
        app.on_key(code(KeyCode::Enter));
        app.on_key(key('f'));
        let opened = app.logs.prompt.as_ref().unwrap().input.text();
        assert_eq!(opened.trim(), "1h", "{opened:?}");
        typed(&mut app, window);
        let c = app.on_key(code(KeyCode::Enter));
        let (_, spec) = feed_request(&c);
        let Window::Range(w) = spec.window else {
            panic!("{window}: {:?}", spec.window);
        };
        assert_eq!(w.end - w.start, chrono::Duration::hours(2), "{window}");
        assert_eq!(spec.pattern, None, "{window}");
    }
    // Mistyped after the written one, a window is refused with its own reason (it was
    // searched for as a pattern over the written window).
    app.on_key(key('f'));
    typed(&mut app, "13-40 01:00..02:00");
    assert!(app.on_key(code(KeyCode::Enter)).is_empty());
    let problem = app.logs.prompt.as_ref().and_then(|p| p.problem.clone());
    assert!(
        problem
            .as_deref()
            .is_some_and(|p| p.starts_with("'13-40 01:00': there is no month 13")),
        "{problem:?}"
    );
    app.on_key(code(KeyCode::Esc));
    // Typed in full by hand, two windows are still refused.
    app.on_key(key('f'));
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    typed(&mut app, "2h 1h");
    app.on_key(code(KeyCode::Enter));
    let problem = app.logs.prompt.as_ref().and_then(|p| p.problem.clone());
    assert!(problem.is_some_and(|p| p.contains("two windows")));
}

/// In the invocations view the lines' keys say where they work (`W` changed the hidden lines);
/// `n` there goes to failed invocations (`n_goes_to_the_next_failed_invocation`).
#[test]
fn the_lines_keys_in_the_invocations_view_say_where_they_work() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(&mut app, request, traffic());
    search_for(&mut app, "timeout");
    app.on_key(key('v'));
    let wrap = app.logs.wrap;
    for k in ['W', 'C'] {
        app.on_key(key(k));
        assert!(
            app.toasts
                .back()
                .is_some_and(|t| t.text == "that key works on the lines: v goes back to them"),
            "{k}: {:?}",
            app.toasts
        );
    }
    assert_eq!(app.logs.wrap, wrap, "the lines unchanged");
}

/// `space` on a query's lines says only a live tail pauses (it did nothing).
#[test]
fn space_on_a_query_says_only_a_tail_pauses() {
    let mut app = logs_app();
    app.on_key(key(' '));
    let (request, _) = query_for(&mut app, "1h ERROR");
    batch(
        &mut app,
        request,
        vec![TailItem::Events(vec![ev(API, 0, "ERROR one")])],
    );
    app.on_key(key(' '));
    assert!(!app.logs.paused);
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.starts_with("a query's lines do not move")),
        "{:?}",
        app.toasts
    );
}

#[test]
fn a_bad_query_keeps_the_prompt_open_and_explains() {
    let mut app = logs_app();
    app.on_key(key('f'));
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    typed(&mut app, "5m \"unclosed");
    let c = app.on_key(code(KeyCode::Enter));
    assert!(c.is_empty());
    let prompt = app.logs.prompt.as_ref().expect("still open");
    assert!(
        prompt
            .problem
            .as_deref()
            .is_some_and(|p| p.contains("quote")),
        "{prompt:?}"
    );
    app.on_key(code(KeyCode::Esc));
    assert!(app.logs.prompt.is_none());
}

#[test]
fn a_new_feed_stops_the_old_one_and_its_late_batches_are_dropped() {
    let mut app = logs_app();
    app.on_key(key(' '));
    let c = app.on_key(code(KeyCode::Enter));
    let Some(Command::Logs(LogsCommand::Feed {
        request: old,
        stop: old_stop,
        ..
    })) = c.first().cloned()
    else {
        panic!("{c:?}")
    };
    assert!(!old_stop.is_stopped());
    // Back to the picker stops the live tail.
    app.on_key(code(KeyCode::Esc));
    assert!(old_stop.is_stopped());
    // The picks are kept; one more is added.
    app.on_key(key('j'));
    app.on_key(key(' '));
    let c = app.on_key(code(KeyCode::Enter));
    let (new, spec) = feed_request(&c);
    assert_eq!(spec.groups, vec![group(API), group(SIGNUP)]);
    batch(
        &mut app,
        old,
        vec![TailItem::Events(vec![ev(API, 0, "stale")])],
    );
    assert!(app.logs.buffer.is_empty());
    batch(
        &mut app,
        new,
        vec![TailItem::Events(vec![ev(API, 0, "fresh")])],
    );
    assert_eq!(app.logs.buffer.len(), 1);
}

fn started(app: &mut App, request: RequestId, since_ms: i64, earlier: Earlier) {
    app.on_event(AppEvent::Logs(LogsEvent::Started {
        request,
        since: at(since_ms),
        earlier,
    }));
}

/// What a tail found before it started is marked where the live lines begin, whatever it was.
#[test]
fn the_lines_before_a_tail_are_marked_off_from_the_live_ones() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(
        &mut app,
        request,
        vec![TailItem::Events(vec![
            ev(API, 0, "INFO before one"),
            ev(THUMBS, 5, "INFO before two"),
        ])],
    );
    started(&mut app, request, 10, Earlier::Read(2));
    assert_eq!(app.logs.feed.as_ref().unwrap().state, FeedState::Running);
    batch(
        &mut app,
        request,
        vec![TailItem::Events(vec![ev(API, 20, "INFO live")])],
    );
    let lines: Vec<(LineKind, i64, String)> = app
        .logs
        .buffer
        .iter_from(0)
        .map(|l| (l.kind, l.ts_ms, l.text.to_string()))
        .collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert_eq!(lines[1].2, "INFO before two");
    assert_eq!(
        (lines[2].0, lines[2].1),
        (LineKind::Note, at(10).timestamp_millis())
    );
    assert_eq!(
        lines[2].2,
        "live from here; the 2 lines above came in the 10 minutes before"
    );
    assert_eq!(lines[3].2, "INFO live");
    // Nothing before: no note, and the pane knows it found nothing.
    for (earlier, note) in [
        (Earlier::Read(0), None),
        (Earlier::Read(1), Some("the 1 line above came in")),
        (Earlier::TooMany, Some("too many lines to read back")),
        (Earlier::Unread, Some("could not be read")),
    ] {
        let mut app = logs_app();
        let request = tailing(&mut app);
        started(&mut app, request, 10, earlier);
        assert_eq!(app.logs.feed.as_ref().unwrap().earlier, Some(earlier));
        let texts: Vec<String> = app
            .logs
            .buffer
            .iter_from(0)
            .map(|l| l.text.to_string())
            .collect();
        match note {
            None => assert!(texts.is_empty(), "{texts:?}"),
            Some(n) => assert!(texts.len() == 1 && texts[0].contains(n), "{texts:?}"),
        }
    }
}

#[test]
fn markers_show_sampling_once_and_every_gap() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    let sampled = || {
        vec![
            TailItem::Sampled,
            TailItem::Events(vec![ev(API, 0, "INFO sampled")]),
        ]
    };
    batch(&mut app, request, sampled());
    batch(&mut app, request, sampled());
    assert!(app.logs.feed.as_ref().unwrap().sampled);
    batch(
        &mut app,
        request,
        vec![
            TailItem::Gap {
                from: at(1_000),
                to: at(9_000),
                reason: "connection reset".into(),
            },
            TailItem::Reconnected {
                at: at(9_000),
                group: None,
            },
        ],
    );
    let kinds: Vec<LineKind> = app.logs.buffer.iter_from(0).map(|l| l.kind).collect();
    assert_eq!(
        kinds,
        vec![
            LineKind::Sampled,
            LineKind::Application,
            LineKind::Application,
            LineKind::Gap,
            LineKind::Reconnected
        ]
    );
    batch(
        &mut app,
        request,
        vec![TailItem::Events(vec![ev(API, 10_000, "INFO whole")])],
    );
    assert!(!app.logs.feed.as_ref().unwrap().sampled, "unsampled again");
}

/// A group that cannot be read keeps the tail retrying, not live, until it is back; its
/// reconnection is stamped when it came (the last line's time made one minutes later read as
/// one a second after the gap).
#[test]
fn a_tail_retrying_a_group_says_so_until_it_is_back() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(
        &mut app,
        request,
        vec![TailItem::Events(vec![ev(API, 1_000, "INFO before")])],
    );
    let gap = |group: &str| TailItem::Gap {
        from: at(1_000),
        to: at(2_000),
        reason: format!("{group}: CloudWatch Logs is unavailable"),
    };
    batch(&mut app, request, vec![gap(API), gap(THUMBS)]);
    let feed = app.logs.feed.as_ref().unwrap();
    assert_eq!(feed.unreachable, 2);
    assert_eq!(
        crate::ui::logs::state_badge(feed),
        ("⚠ retrying 2 groups".to_string(), true)
    );
    let back = |ms| TailItem::Reconnected {
        at: at(ms),
        group: Some(API.to_string()),
    };
    batch(&mut app, request, vec![back(130_000)]);
    assert_eq!(app.logs.feed.as_ref().unwrap().unreachable, 1);
    batch(&mut app, request, vec![back(131_000)]);
    let feed = app.logs.feed.as_ref().unwrap();
    assert_eq!(crate::ui::logs::state_badge(feed).0, "● live");
    let marker = app
        .logs
        .buffer
        .iter_from(0)
        .filter(|l| l.kind == LineKind::Reconnected)
        .map(|l| {
            assert_eq!(
                l.text,
                format!("reconnected: {API}"),
                "which group came back"
            );
            l.ts_ms
        })
        .collect::<Vec<_>>();
    assert_eq!(
        marker,
        [
            at(130_000).timestamp_millis(),
            at(131_000).timestamp_millis()
        ]
    );
}

/// The texts of the buffer's lines of `kind`.
fn lines_of(app: &App, kind: LineKind) -> Vec<String> {
    app.logs
        .buffer
        .iter_from(0)
        .filter(|l| l.kind == kind)
        .map(|l| l.text.to_string())
        .collect()
}

/// A group deleted while tailed: a line says its lines end there, the title counts the group
/// left, and a retry counted for it is let go.
#[test]
fn a_group_gone_mid_tail_is_said_and_the_tail_goes_on() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(
        &mut app,
        request,
        vec![
            TailItem::Events(vec![ev(THUMBS, 1_000, "INFO resized")]),
            TailItem::Gap {
                from: at(1_000),
                to: at(2_000),
                reason: format!("{THUMBS}: CloudWatch Logs is unavailable"),
            },
        ],
    );
    assert_eq!(app.logs.feed.as_ref().unwrap().unreachable, 1);
    batch(
        &mut app,
        request,
        vec![TailItem::GroupGone {
            group: THUMBS.to_string(),
            at: at(5_000),
            retrying: true,
        }],
    );
    let feed = app.logs.feed.as_ref().unwrap();
    assert_eq!(feed.spec.groups, vec![group(API)]);
    assert_eq!(crate::ui::logs::state_badge(feed).0, "● live");
    assert_eq!(crate::ui::logs::groups_label(feed), API);
    let said = lines_of(&app, LineKind::Gone);
    assert_eq!(
        said,
        [format!(
            "log group {THUMBS} no longer exists: its lines end here (those it took after \
             the tail last read it, seconds before, may be missing); the tail goes on with \
             {API}"
        )]
    );
    // The picker no longer offers it: `f` and `enter` started on it again, and failed.
    assert_eq!(app.logs.picker.picked, vec![group(API)]);
    assert!(!app.logs.picker.groups.contains(&group(THUMBS)));
    let (_, spec) = query_for(&mut app, "15m");
    assert_eq!(spec.groups, vec![group(API)]);
}

/// A group not there when the read began is said, stamped when it was said (it was stamped
/// 1970 before any line came, and the buffer read as two days), and dropped from the title and
/// the picker.
#[test]
fn a_group_missing_at_the_start_is_said_now_and_dropped() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    let before = chrono::Utc::now().timestamp_millis();
    batch(
        &mut app,
        request,
        vec![TailItem::GroupMissing {
            group: THUMBS.to_string(),
        }],
    );
    let feed = app.logs.feed.as_ref().unwrap();
    assert_eq!(feed.spec.groups, vec![group(API)]);
    let line = app.logs.buffer.iter_from(0).next().unwrap();
    assert_eq!(line.kind, LineKind::Gone);
    assert!(line.ts_ms >= before, "{} < {before}", line.ts_ms);
    assert!(
        line.text
            .starts_with(&format!("log group {THUMBS} does not exist")),
        "{}",
        line.text
    );
    assert!(!app.logs.picker.groups.contains(&group(THUMBS)));
}

/// The last group gone is said in the lines like the others before the tail's error ends it.
#[test]
fn the_last_group_gone_is_said_before_the_tail_ends() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    let gone = |g: &str| TailItem::GroupGone {
        group: g.to_string(),
        at: at(5_000),
        retrying: false,
    };
    batch(&mut app, request, vec![gone(THUMBS), gone(API)]);
    let said = lines_of(&app, LineKind::Gone);
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(said[1].ends_with("no group is left to tail"), "{said:?}");
    assert_eq!(
        crate::ui::logs::groups_label(app.logs.feed.as_ref().unwrap()),
        API,
        "the title names the group that went last"
    );
    // Nothing deleted is read again: `f` has no group left to run on (it ran on the last one
    // gone, and failed).
    assert!(app.logs.chosen_groups().is_empty());
    assert!(!app.logs.picker.groups.contains(&group(API)));
    // A listing that has a group again (made again) offers it again.
    app.on_key(code(KeyCode::Esc));
    assert_eq!(app.logs.screen, Screen::Picker);
    let c = app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    let Some(Command::Logs(LogsCommand::LoadGroups { request })) = c.first().cloned() else {
        panic!("ctrl-r lists the groups again: {c:?}")
    };
    app.on_event(AppEvent::Logs(LogsEvent::GroupsLoaded {
        request,
        result: Ok(vec![group(API)]),
    }));
    assert_eq!(app.logs.picker.gone, vec![group(THUMBS)]);
    assert_eq!(app.logs.chosen_groups(), vec![group(API)]);
}

#[test]
fn a_failed_tail_is_shown_and_ctrl_r_starts_it_again() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    app.on_event(AppEvent::Logs(LogsEvent::Ended {
        request,
        result: Err(Failure::new(
            "not found: log group /aws/lambda/backoffice-api",
        )),
    }));
    assert!(matches!(
        app.logs.feed.as_ref().unwrap().state,
        FeedState::Failed(_)
    ));
    assert!(app.last_error.as_deref().unwrap().contains("not found"));
    let c = app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    let (again, spec) = feed_request(&c);
    assert_ne!(again, request);
    assert_eq!(spec.groups.len(), 2);
}

/// One invocation of 123.45 ms: the percentiles, read from the histogram's bins, never
/// exceed the slowest exact duration (they read 124 ms over a max of 123 ms).
#[test]
fn percentiles_never_exceed_the_slowest_invocation() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(
        &mut app,
        request,
        vec![TailItem::Events(vec![ev(
            API,
            1_000,
            "REPORT RequestId: 0f0e0d0c-0000-4000-8000-000000000001\tDuration: 123.45 ms\tBilled Duration: 124 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB",
        )])],
    );
    let s = app.logs.summary();
    assert_eq!(s.max_ms, Some(123.45));
    assert!(
        s.p50_ms.unwrap() <= 123.45 && s.p95_ms.unwrap() <= 123.45,
        "{s:?}"
    );
}

#[test]
fn v_shows_invocations_and_enter_opens_one_request() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(&mut app, request, traffic());
    app.on_key(key('v'));
    assert_eq!(app.logs.view, View::Invocations);
    assert_eq!(app.logs.invocation, 39, "the newest invocation is selected");
    // The slowest is the slowest row's own figure (10 ms + 6 × 9.5 ms), not a bin's edge.
    assert_eq!(app.logs.summary().max_ms, Some(67.0));
    app.on_key(key('g'));
    let c = app.on_key(code(KeyCode::Enter));
    let (_, spec) = feed_request(&c);
    assert_eq!(spec.pattern.unwrap().as_str(), format!("\"{}\"", rid(0)));
    assert_eq!(app.logs.request.as_ref().unwrap().id, rid(0));
}

/// `n` / `N` in the invocations view go to the next and the previous failed invocation (there
/// was no way to them but scrolling); past the last, it says so.
#[test]
fn n_goes_to_the_next_failed_invocation() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(&mut app, request, traffic());
    app.on_key(key('v'));
    app.on_key(key('g'));
    let failed: Vec<usize> = app
        .logs
        .buffer
        .reports()
        .iter()
        .enumerate()
        .filter(|(_, r)| r.failed || app.logs.buffer.is_failed(r.req))
        .map(|(i, _)| i)
        .collect();
    assert!(failed.len() >= 2, "{failed:?}");
    let first = failed.iter().copied().find(|i| *i > 0).unwrap();
    app.on_key(key('n'));
    assert_eq!(app.logs.invocation, first);
    let second = failed.iter().copied().find(|i| *i > first).unwrap();
    app.on_key(key('n'));
    assert_eq!(app.logs.invocation, second);
    app.on_key(key('N'));
    assert_eq!(app.logs.invocation, first);
    app.on_key(key('G'));
    let last = app.logs.invocation;
    if !failed.iter().any(|i| *i > last) {
        app.on_key(key('n'));
        assert_eq!(app.logs.invocation, last);
        assert!(
            app.toasts
                .back()
                .is_some_and(|t| t.text == "no failed invocation after this one"),
            "{:?}",
            app.toasts
        );
    }
}

#[test]
fn save_writes_the_selected_range_or_else_the_whole_view() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(&mut app, request, traffic());
    let total = app.logs.buffer.len();
    app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    typed(&mut app, "all.log");
    let c = app.on_key(code(KeyCode::Enter));
    let Some(Command::Logs(LogsCommand::Save {
        path, text, lines, ..
    })) = c.first()
    else {
        panic!("{c:?}")
    };
    assert_eq!(path, &PathBuf::from("all.log"));
    assert_eq!(*lines, total);
    assert_eq!(text.lines().count(), total);
    assert!(text.starts_with("2026-11-25T10:00:00.000Z\t/aws/lambda/backoffice-thumbnails\t"));
    // A range: b on one line, move three up, save.
    app.on_key(key('b'));
    app.on_key(key('k'));
    app.on_key(key('k'));
    app.on_key(key('k'));
    app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    let c = app.on_key(code(KeyCode::Enter));
    let Some(Command::Logs(LogsCommand::Save {
        text,
        lines,
        request: save,
        ..
    })) = c.first().cloned()
    else {
        panic!("{c:?}")
    };
    assert_eq!(lines, 4);
    assert!(text.lines().last().unwrap().contains("REPORT RequestId"));
    // The write fails: the prompt is back with the path and the problem, and the range too.
    assert!(app.logs.prompt.is_none() && app.logs.anchor.is_some());
    app.on_event(AppEvent::Logs(LogsEvent::Saved {
        request: save,
        result: Err(Failure::new(
            "could not write nope/all.log: No such file or directory",
        )),
    }));
    let prompt = app.logs.prompt.as_ref().expect("the prompt is back");
    // Named after the range's first line (10:00:58), not the buffer's (10:00:00).
    assert_eq!(prompt.input.text(), "backoffice-logs-20261125-100058.log");
    assert!(
        prompt
            .problem
            .as_deref()
            .unwrap()
            .contains("could not write")
    );
    assert!(app.logs.anchor.is_some(), "the range is kept");
    // Said in the prompt, kept in the error log, not said again on the status bar.
    assert_eq!(app.last_error, None);
    assert!(
        app.errors
            .front()
            .is_some_and(|(_, f)| f.message.starts_with("could not write nope/all.log"))
    );
    // Saved at the second try.
    let c = app.on_key(code(KeyCode::Enter));
    let Some(Command::Logs(LogsCommand::Save { request, .. })) = c.first().cloned() else {
        panic!("{c:?}")
    };
    app.on_event(AppEvent::Logs(LogsEvent::Saved {
        request,
        result: Ok("saved 4 lines to backoffice-logs-20261125-100000.log".into()),
    }));
    assert_eq!(app.last_error, None);
    assert!(
        app.toasts
            .back()
            .unwrap()
            .text
            .ends_with("the selection stays (esc clears it)"),
        "{:?}",
        app.toasts
    );
    // The esc that follows clears the selection; the live tail goes on.
    app.on_key(code(KeyCode::Esc));
    assert!(app.logs.anchor.is_none());
    assert_eq!(app.logs.screen, super::Screen::Viewer);
    assert!(
        app.logs.feed.as_ref().unwrap().handle.is_some(),
        "still tailing"
    );
}

#[test]
fn the_buffer_cap_from_the_config_bounds_the_lines() {
    let mut app = logs_app();
    app.logs.set_capacity(1_000);
    let request = tailing(&mut app);
    for round in 0..5 {
        batch(
            &mut app,
            request,
            vec![TailItem::Events(
                (0..500)
                    .map(|i| ev(API, round * 1_000 + i, &format!("INFO {round}-{i}")))
                    .collect(),
            )],
        );
    }
    assert_eq!(app.logs.buffer.len(), 1_000);
    assert_eq!(app.logs.selected_line().unwrap().text, "INFO 4-499");
}

#[test]
fn logs_command_opens_the_pane() {
    let (mut app, _) = app_on(PaneId::Posts, test_context());
    app.on_key(key(':'));
    typed(&mut app, "lo");
    app.on_key(code(KeyCode::Tab));
    assert_eq!(
        app.prompt,
        Some(crate::app::LinePrompt::new(
            crate::app::LineKind::Command,
            "logs"
        ))
    );
    let c = app.on_key(code(KeyCode::Enter));
    assert_eq!(app.pane, PaneId::Logs);
    assert!(matches!(
        c.first(),
        Some(Command::Logs(LogsCommand::LoadGroups { .. }))
    ));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// No key sequence panics, with batches arriving in between.
    #[test]
    fn no_key_sequence_panics(keys in proptest::collection::vec(proptest::prelude::any::<(u8, bool)>(), 1..80)) {
        let mut app = logs_app();
        let mut live = None;
        let alphabet: Vec<KeyEvent> = "jkgGnNCWtmbvrf/ \u{1b}:q"
            .chars()
            .map(key)
            .chain([
                code(KeyCode::Enter),
                code(KeyCode::Esc),
                code(KeyCode::Backspace),
                code(KeyCode::Tab),
                KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL),
                KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL),
                KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL),
            ])
            .collect();
        for (i, (k, feed)) in keys.into_iter().enumerate() {
            let c = app.on_key(alphabet[k as usize % alphabet.len()]);
            app.quit = false;
            for command in &c {
                if let Command::Logs(LogsCommand::Feed { request, .. }) = command {
                    live = Some(*request);
                }
            }
            if feed && let Some(request) = live {
                batch(&mut app, request, vec![TailItem::Events(invocation(API, i as u32, i as i64 * 100, i % 4 == 0, i % 5 == 0))]);
            }
            let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
            terminal.draw(|f| crate::ui::draw(f, &mut app, &crate::theme::Theme::default_dark(), 0)).unwrap();
        }
    }
}

/// `/` in the group picker goes to a group whose name holds the text, and the tail started
/// next does not search for it (it stayed as the tail's search: `/wb-shop: 2 matches`).
#[test]
fn slash_in_the_picker_finds_a_group_and_is_not_the_tails_search() {
    let mut app = logs_app();
    search_for(&mut app, "THUMB");
    assert_eq!(
        app.logs.picker.groups[app.logs.picker.selected].as_str(),
        THUMBS
    );
    assert!(app.logs.search.is_none());
    search_for(&mut app, "nothing-like-it");
    assert!(
        app.last_error
            .as_deref()
            .unwrap_or_default()
            .contains("no group name holds"),
        "{:?}",
        app.last_error
    );
    app.on_key(code(KeyCode::Esc));
    let c = app.on_key(code(KeyCode::Enter));
    assert!(!c.is_empty(), "a tail starts");
    assert!(app.logs.search.is_none(), "with no search");
}

/// `/` in the picker goes on from the selected group (the one it is on is found last), and
/// `n` / `N` find the next and previous group holding the same text: of `api` and `api-v2`
/// both are reached.
#[test]
fn the_pickers_find_goes_on_with_slash_n_and_shift_n() {
    let mut app = logs_app();
    let name = |app: &App| app.logs.picker.groups[app.logs.picker.selected].to_string();
    let all: Vec<String> = app
        .logs
        .picker
        .groups
        .iter()
        .map(|g| g.to_string())
        .collect();
    let holding: Vec<&String> = all.iter().filter(|g| g.contains("backoffice-")).collect();
    assert!(holding.len() >= 3, "{all:?}");
    search_for(&mut app, "backoffice-");
    let first = name(&app);
    search_for(&mut app, "backoffice-");
    let second = name(&app);
    assert_ne!(first, second, "/ again goes on");
    app.on_key(key('n'));
    let third = name(&app);
    assert!(
        third != second && third != first,
        "{first} {second} {third}"
    );
    app.on_key(key('N'));
    assert_eq!(name(&app), second);
    app.on_key(key('N'));
    assert_eq!(name(&app), first);
    search_for(&mut app, "post-confirmation");
    assert!(name(&app).ends_with("post-confirmation"));
    app.on_key(key('n'));
    assert!(
        name(&app).ends_with("post-confirmation"),
        "the only one: round to itself"
    );
}

/// `esc` in the picker stays there (it went on to the lines left, and `esc` there came back:
/// never settling); `v` goes back to them.
#[test]
fn esc_in_the_picker_stays_and_v_goes_back_to_the_lines() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(&mut app, request, traffic());
    app.on_key(code(KeyCode::Esc));
    assert_eq!(app.logs.screen, super::Screen::Picker);
    app.on_key(code(KeyCode::Esc));
    app.on_key(code(KeyCode::Esc));
    assert_eq!(app.logs.screen, super::Screen::Picker);
    app.on_key(key('v'));
    assert_eq!(app.logs.screen, super::Screen::Viewer);
}

/// `r` from a line's detail opens the request; `esc` there comes back to that detail, not to
/// the list under it.
#[test]
fn esc_from_a_request_opened_in_a_detail_returns_to_the_detail() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(&mut app, request, traffic());
    app.on_key(key('g'));
    search_for(&mut app, "database timeout");
    app.on_key(code(KeyCode::Enter));
    assert!(app.logs.detail);
    app.on_key(key('r'));
    assert!(app.logs.request.is_some());
    assert!(!app.logs.detail, "the request view opens on its list");
    app.on_key(code(KeyCode::Esc));
    assert!(app.logs.request.is_none());
    assert!(app.logs.detail, "back to the line's detail");
}

/// A note (`live from here`) is saved where it stands but not counted as a line: `saved 38
/// lines` counted it.
#[test]
fn a_saved_note_is_not_counted_as_a_line() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(
        &mut app,
        request,
        vec![TailItem::Events(vec![ev(API, 0, "before")])],
    );
    started(&mut app, request, 1_000, Earlier::Read(1));
    batch(
        &mut app,
        request,
        vec![TailItem::Events(vec![ev(API, 2_000, "after")])],
    );
    app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    typed(&mut app, "with-note.log");
    let c = app.on_key(code(KeyCode::Enter));
    let Some(Command::Logs(LogsCommand::Save { text, lines, .. })) = c.first() else {
        panic!("{c:?}")
    };
    assert!(text.contains("\t-\t-\t# live from here"), "{text}");
    assert_eq!(text.lines().count(), 3, "{text}");
    assert_eq!(*lines, 2, "the note is no line");
}

/// A new query's lines are searched anew: the last one's `/` went with its lines (it stayed,
/// saying the text was not in the buffer under lines no one had searched).
#[test]
fn a_new_query_drops_the_last_ones_search() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(&mut app, request, traffic());
    search_for(&mut app, "PWNED");
    assert!(app.logs.search.is_some());
    query_for(&mut app, "1h ERROR");
    assert!(app.logs.search.is_none());
    assert_eq!(
        app.logs.filter_text, "",
        "the bottom row said `filter: PWNED`"
    );
}

/// `/` in the invocations view says where searching is (it took a search that changed nothing
/// the view showed, and said nothing).
#[test]
fn slash_in_the_invocations_view_says_where_searching_is() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(
        &mut app,
        request,
        vec![TailItem::Events(panicking_request(&rid(3)))],
    );
    app.on_key(key('v'));
    app.on_key(key('/'));
    assert!(app.prompt.is_none(), "no prompt opens");
    let said = app
        .toasts
        .back()
        .map(|t| t.text.clone())
        .unwrap_or_default();
    assert!(said.contains("not searched"), "{said}");
    app.on_key(key('v'));
    app.on_key(key('/'));
    assert!(app.prompt.is_some(), "the lines view searches");
}

/// `:save` keeps the tail or query running (it kept nothing here), and `:view` starts it again:
/// the same groups, window and pattern.
#[test]
fn a_saved_view_of_logs_starts_its_query_again() {
    let mut app = logs_app();
    tailing(&mut app);
    let (_, spec) = query_for(&mut app, "15m ERROR timeout");
    typed(&mut app, ":save errs");
    app.on_key(code(KeyCode::Enter));
    assert_eq!(
        app.views.get(PaneId::Logs, "errs"),
        Some(format!("tail:{API},{THUMBS} 15m ERROR timeout").as_str())
    );
    // Elsewhere, then back by the view.
    query_for(&mut app, "1h");
    typed(&mut app, ":view errs");
    let c = app.on_key(code(KeyCode::Enter));
    let (_, again) = feed_request(&c);
    assert_eq!(again, spec);
    // Nothing running: nothing to keep, and said.
    let mut fresh = logs_app();
    typed(&mut fresh, ":save none");
    fresh.on_key(code(KeyCode::Enter));
    assert_eq!(fresh.views.get(PaneId::Logs, "none"), None);
}

/// A window typed after the window and pattern the prompt opened with takes the window's place
/// and keeps the pattern (it joined the pattern: `ERROR 1h` over the last 15 minutes).
#[test]
fn a_window_typed_after_a_pattern_in_force_replaces_the_window() {
    let mut app = logs_app();
    tailing(&mut app);
    query_for(&mut app, "15m ERROR");
    app.on_key(key('f'));
    let opened = app.logs.prompt.as_ref().unwrap().input.text();
    assert_eq!(opened.trim(), "15m ERROR", "it opens with what is in force");
    typed(&mut app, " 1h");
    let c = app.on_key(code(KeyCode::Enter));
    let (_, spec) = feed_request(&c);
    assert_eq!(spec.window, Window::Last { seconds: 3600 });
    assert_eq!(
        spec.pattern,
        Some(backoffice_domain::model::FilterPattern::parse("ERROR").unwrap())
    );
}
