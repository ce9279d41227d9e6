//! Snapshots of the Logs pane in each of its states, on a fixed-size test terminal.

use crate::app::logs::flow_tests::{
    API, THUMBS, batch, ev, feed_request, invocation, logs_app, rid, search_for, tailing, traffic,
};
use crate::app::logs::{Earlier, FeedEnd, LogsCommand, LogsEvent};
use crate::app::tests::{app_on, code, key, typed};
use crate::app::{App, AppEvent, Command, Failure, PaneId, test_context};
use crate::theme::Theme;
use crate::ui::draw;
use backoffice_domain::model::TailItem;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;

fn render(app: &mut App, width: u16, height: u16) -> TestBackend {
    let theme = Theme::default_dark();
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| draw(f, app, &theme, 0)).unwrap();
    terminal.backend().clone()
}

fn text_of(backend: &TestBackend) -> String {
    backend.to_string()
}

/// A tail with forty invocations in; the strip off unless a test wants it.
fn tail_with_traffic() -> (App, crate::app::RequestId) {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(&mut app, request, traffic());
    app.logs.strip = false;
    (app, request)
}

/// A tail of several groups names them in its title, under the folder they share (it said
/// `2 groups`); where the names do not fit, it counts them rather than cut names out.
#[test]
fn a_tail_of_several_groups_names_them() {
    let (mut app, _) = tail_with_traffic();
    let wide = text_of(&render(&mut app, 140, 12));
    let top = wide.lines().nth(1).unwrap();
    assert!(
        top.contains(" Logs · /aws/lambda/{backoffice-api, backoffice-thumbnails} · ● live · "),
        "{top}"
    );
    let narrow = text_of(&render(&mut app, 60, 12));
    let top = narrow.lines().nth(1).unwrap();
    assert!(top.contains(" Logs · 2 groups · ● live · "), "{top}");
}

/// At 60 columns a window over two days keeps its place in the title, the groups giving way
/// (the border's fitting left the window out and 19 columns empty).
#[test]
fn a_narrow_title_keeps_the_window_before_the_groups() {
    let mut app = logs_app();
    app.on_key(key(' '));
    app.on_key(key('f'));
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    typed(&mut app, "2026-12-05 23:00..2026-12-06 01:00");
    let c = app.on_key(code(KeyCode::Enter));
    let (request, _) = feed_request(&c);
    app.on_event(AppEvent::Logs(LogsEvent::Ended {
        request,
        result: Ok(FeedEnd::Finished),
    }));
    let top = text_of(&render(&mut app, 60, 12));
    let top = top.lines().nth(1).unwrap().to_string();
    assert!(top.contains("12-05 23:00..12-06 01:00 UTC"), "{top}");
}

/// Help on the Logs pane says what the common keys do there (space pauses, `/` searches,
/// `v` switches to invocations), not their meaning elsewhere; a paused tail's title says so.
#[test]
fn logs_help_and_title_say_what_the_keys_do_here() {
    let (mut app, _) = tail_with_traffic();
    app.on_key(key(' '));
    let title = text_of(&render(&mut app, 110, 20));
    assert!(title.contains("⏸ paused"), "{title}");
    app.on_key(key('?'));
    let help = text_of(&render(&mut app, 110, 60));
    for said in [
        "pause the tail, or resume it",
        "search the lines",
        "lines ↔ invocations",
    ] {
        assert!(help.contains(said), "{said}:\n{help}");
    }
    assert!(!help.contains("mark the row for a bulk action"), "{help}");
    // Among the pane's own keys, above those of every pane.
    assert!(
        help.find("pause the tail") < help.find("Everywhere"),
        "{help}"
    );
}

#[test]
fn logs_group_picker() {
    let mut app = logs_app();
    app.on_key(key('j'));
    app.on_key(key(' '));
    app.on_key(key(' '));
    insta::assert_snapshot!(render(&mut app, 100, 10));
}

/// Group names longer than the row, sharing a long prefix, show their ends: they differ there.
#[test]
fn long_group_names_are_cut_in_their_middle() {
    let (mut app, first) = app_on(PaneId::Logs, test_context());
    let Some(Command::Logs(LogsCommand::LoadGroups { request })) = first.first().cloned() else {
        panic!("{first:?}")
    };
    let long = "/aws/lambda/backoffice-api-v2-very-long-name-very-long-name-very-long-name";
    let names = [format!("{long}-eu-west-1"), format!("{long}-us-east-1")];
    app.on_event(AppEvent::Logs(LogsEvent::GroupsLoaded {
        request,
        result: Ok(names
            .iter()
            .map(|n| backoffice_domain::model::LogGroupName::parse(n).unwrap())
            .collect()),
    }));
    let shown = text_of(&render(&mut app, 70, 8));
    for end in ["name-eu-west-1 ", "name-us-east-1 "] {
        assert!(shown.contains(end), "{end:?} shown:\n{shown}");
    }
    assert!(shown.contains("/aws/lambda/backoffice-api-…"), "{shown}");
}

#[test]
fn logs_loading_groups_and_starting_a_tail() {
    let (mut app, _) = app_on(PaneId::Logs, test_context());
    insta::assert_snapshot!("logs_loading_groups", render(&mut app, 100, 8));
    let mut app = logs_app();
    tailing(&mut app);
    app.logs.strip = false;
    insta::assert_snapshot!("logs_starting_the_tail", render(&mut app, 100, 8));
}

/// A tail that has started but found nothing in the minutes before it says so, and how to
/// read further back.
#[test]
fn an_empty_live_tail_says_how_to_read_what_came_before() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    app.on_event(AppEvent::Logs(LogsEvent::Started {
        request,
        since: chrono::Utc::now(),
        earlier: Earlier::Read(0),
    }));
    let shown = text_of(&render(&mut app, 200, 12));
    assert!(
        shown.contains("nothing was written in the 10 minutes before; lines appear here as they are written (f with a window such as 1h"),
        "{shown}"
    );
}

/// A tail with a pattern that matched nothing before it says so (lines were written, none
/// matched), and the pattern is shown as untrusted text is: a direction override named.
#[test]
fn an_empty_tail_with_a_pattern_says_nothing_matched() {
    let mut app = logs_app();
    app.on_key(key(' '));
    let (request, spec) = crate::app::logs::flow_tests::query_for(&mut app, "live zz\u{202e}z");
    assert_eq!(spec.window, crate::app::logs::Window::Live);
    app.on_event(AppEvent::Logs(LogsEvent::Started {
        request,
        since: chrono::Utc::now(),
        earlier: Earlier::Read(0),
    }));
    let shown = text_of(&render(&mut app, 160, 12));
    assert!(
        shown.contains("nothing matched zz<U+202E>z in the 10 minutes before"),
        "{shown}"
    );
    assert!(shown.contains("filter zz<U+202E>z ·"), "{shown}");
    assert!(!shown.contains('\u{202e}'), "{shown}");
}

/// A query that found nothing names what it asked (a narrow title leaves the window out),
/// and a range is said in UTC.
#[test]
fn an_empty_query_names_its_window_and_pattern() {
    let mut app = logs_app();
    app.on_key(key(' '));
    let (request, _) = crate::app::logs::flow_tests::query_for(
        &mut app,
        "2020-01-01T00:00..2020-01-01T01:00 ERROR",
    );
    app.on_event(AppEvent::Logs(LogsEvent::Ended {
        request,
        result: Ok(FeedEnd::Finished),
    }));
    let shown = text_of(&render(&mut app, 60, 20));
    let flat: String = shown
        .lines()
        .map(|l| l.trim_matches(['"', '│']).trim())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains("No lines in")
            && flat.contains("matching ERROR over 2020-01-01 00:00:00 .. 2020-01-01 01:00:00 UTC"),
        "{shown}"
    );
    // The title keeps its window: whole where it fits, short where it would not (at 80
    // columns the whole one was left out of the border).
    let wide = text_of(&render(&mut app, 160, 20));
    assert!(
        wide.lines()
            .nth(1)
            .unwrap()
            .contains("2020-01-01 00:00:00 .. 2020-01-01 01:00:00 UTC"),
        "{wide}"
    );
    let narrow = text_of(&render(&mut app, 80, 20));
    assert!(
        narrow
            .lines()
            .nth(1)
            .unwrap()
            .contains("01-01 00:00..01:00 UTC"),
        "{narrow}"
    );
}

#[test]
fn logs_tailing() {
    let (mut app, _) = tail_with_traffic();
    let shown = render(&mut app, 120, 20);
    // The newest line is on screen, as the live end.
    assert!(text_of(&shown).contains(&format!("REPORT RequestId: {}", rid(39))));
    insta::assert_snapshot!(shown);
}

#[test]
fn logs_sampled_live_tail() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    app.logs.strip = false;
    batch(
        &mut app,
        request,
        vec![TailItem::Events(invocation(API, 1, 0, true, false))],
    );
    batch(
        &mut app,
        request,
        vec![
            TailItem::Sampled,
            TailItem::Events(invocation(API, 2, 2_000, false, true)),
        ],
    );
    insta::assert_snapshot!(render(&mut app, 110, 16));
}

#[test]
fn logs_gap_and_reconnected() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    app.logs.strip = false;
    batch(
        &mut app,
        request,
        vec![TailItem::Events(invocation(API, 1, 0, true, false))],
    );
    batch(
        &mut app,
        request,
        vec![
            TailItem::Gap {
                from: crate::app::logs::flow_tests::at(1_000),
                to: crate::app::logs::flow_tests::at(61_000),
                reason: "the Live Tail session dropped (connection reset)".into(),
            },
            TailItem::Reconnected {
                at: crate::app::logs::flow_tests::at(61_000),
                group: None,
            },
            TailItem::Events(invocation(THUMBS, 2, 62_000, true, false)),
        ],
    );
    insta::assert_snapshot!(render(&mut app, 110, 18));
}

#[test]
fn logs_paused_with_new_lines() {
    let (mut app, request) = tail_with_traffic();
    render(&mut app, 120, 16);
    app.on_key(key(' '));
    app.on_key(key('k'));
    app.on_key(key('k'));
    batch(
        &mut app,
        request,
        vec![TailItem::Events(
            (0..12)
                .map(|i| ev(API, 70_000 + i, "INFO still arriving"))
                .collect(),
        )],
    );
    let shown = render(&mut app, 120, 16);
    assert!(text_of(&shown).contains("PAUSED · 12 new lines · G back to live"));
    insta::assert_snapshot!(shown);
}

#[test]
fn logs_search_with_highlights() {
    let (mut app, _) = tail_with_traffic();
    search_for(&mut app, "timeout");
    app.on_key(key('C'));
    let shown = render(&mut app, 120, 24);
    // Every match is drawn reversed; the text around it is not.
    let buffer = shown.buffer();
    let mut highlighted = 0;
    // The pane's rows, between its title and its status row.
    for y in 2..buffer.area.height - 4 {
        let row: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        if let Some(i) = row.find("timeout") {
            let x = row[..i].chars().count() as u16;
            let cell = &buffer[(x, y)];
            assert!(cell.modifier.contains(Modifier::REVERSED), "row {y}: {row}");
            assert!(!buffer[(x - 1, y)].modifier.contains(Modifier::REVERSED));
            highlighted += 1;
        }
    }
    assert!(highlighted >= 3, "{highlighted}");
    insta::assert_snapshot!(shown);
}

#[test]
fn logs_json_pretty_view() {
    let (mut app, _) = tail_with_traffic();
    search_for(&mut app, "database timeout");
    app.on_key(code(KeyCode::Esc));
    app.on_key(code(KeyCode::Enter));
    assert!(app.logs.detail);
    let shown = render(&mut app, 110, 26);
    assert!(text_of(&shown).contains("\"level\": \"ERROR\""));
    insta::assert_snapshot!(shown);
}

/// On a short screen an open line's detail takes the sparkline strip's rows; closed, the strip
/// is back.
#[test]
fn an_open_line_takes_the_strips_rows_on_a_short_screen() {
    let (mut app, _) = tail_with_traffic();
    app.logs.strip = true;
    let closed = text_of(&render(&mut app, 100, 24));
    assert!(closed.contains("invocations"), "{closed}");
    app.on_key(code(KeyCode::Enter));
    let open = text_of(&render(&mut app, 100, 24));
    assert!(!open.contains("p95 duration"), "{open}");
    assert!(open.contains("┌ Line"), "{open}");
    let tall = text_of(&render(&mut app, 100, 40));
    assert!(tall.contains("p95 duration"), "room for both: {tall}");
}

/// 12 KB of numbered words: `000000000 000000001 …`.
fn twelve_kb() -> String {
    (0..1_200).map(|i| format!("{:09} ", i)).collect()
}

/// The tail with traffic, and a last line of `ERROR`, 12 KB and `end`.
fn tail_with_a_long_line(end: &str) -> App {
    let (mut app, request) = tail_with_traffic();
    batch(
        &mut app,
        request,
        vec![TailItem::Events(vec![ev(
            API,
            90_000,
            &format!("ERROR {}{end}", twelve_kb()),
        )])],
    );
    app
}

/// A 12 KB line's detail is longer than its rows: `J`/`K` scroll it, the title says which rows
/// show, and it stops at the last row; another line's detail starts at its top.
#[test]
fn a_long_line_detail_scrolls_with_j_and_k() {
    let mut app = tail_with_a_long_line("end-of-the-line");
    app.on_key(key('G'));
    app.on_key(code(KeyCode::Enter));
    let first = text_of(&render(&mut app, 110, 30));
    assert!(first.contains("Line · rows 1–"), "{first}");
    assert!(first.contains("000000020"), "{first}");
    // `J` moves half of the rows the detail was drawn in, as `ctrl-d` does.
    let half = app.logs.detail_rows / 2;
    assert!(half >= 5, "{half}");
    app.on_key(key('J'));
    app.on_key(key('J'));
    let down = text_of(&render(&mut app, 110, 30));
    assert!(
        down.contains(&format!("Line · rows {}–", 2 * half + 1)),
        "{down}"
    );
    assert!(!down.contains("000000020"), "scrolled past the top: {down}");
    // ctrl-d pages the detail (not the list behind it), ctrl-u back.
    app.on_key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL));
    assert_eq!(app.logs.detail_scroll.1, 3 * half);
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    assert_eq!(app.logs.detail_scroll.1, 2 * half);
    for _ in 0..100 {
        app.on_key(key('J'));
    }
    let end = text_of(&render(&mut app, 110, 30));
    assert!(end.contains("end-of-the-line"), "{end}");
    let (_, top) = app.logs.detail_scroll;
    app.on_key(key('J'));
    render(&mut app, 110, 30);
    assert_eq!(app.logs.detail_scroll.1, top, "held at the last rows");
    app.on_key(key('K'));
    render(&mut app, 110, 30);
    assert_eq!(app.logs.detail_scroll.1, top - half);
    // The line before: its detail from the top.
    app.on_key(key('k'));
    let other = text_of(&render(&mut app, 110, 30));
    assert!(
        !other.contains("Line · rows"),
        "a short line needs no scroll: {other}"
    );
    app.on_key(key('j'));
    let again = text_of(&render(&mut app, 110, 30));
    assert!(again.contains("Line · rows 1–"), "{again}");
}

/// In a request's view, an open 12 KB line pages with `ctrl-d` / `ctrl-u` and `pagedown` /
/// `pageup` as in the lines' view (they moved the selection to another line and its detail).
#[test]
fn a_long_line_detail_in_a_request_view_pages_with_ctrl_d() {
    let (mut app, request) = tail_with_traffic();
    let long = ev(
        API,
        90_000,
        &format!(
            r#"{{"level":"ERROR","requestId":"{}","message":"{}"}}"#,
            rid(40),
            twelve_kb()
        ),
    );
    let after = ev(API, 90_010, &format!("END RequestId: {}", rid(40)));
    batch(&mut app, request, vec![TailItem::Events(vec![long, after])]);
    app.on_key(key('G'));
    app.on_key(key('k'));
    let c = app.on_key(key('r'));
    feed_request(&c);
    let view = app.logs.request.as_ref().expect("the request's view");
    let line = view.scroll.selected;
    assert!(
        view.buffer
            .get(line)
            .is_some_and(|l| l.text.contains("ERROR")),
        "on the long line"
    );
    app.on_key(code(KeyCode::Enter));
    render(&mut app, 110, 30);
    let half = app.logs.detail_rows / 2;
    assert!(half >= 5, "{half}");
    app.on_key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL));
    app.on_key(code(KeyCode::PageDown));
    let shown = text_of(&render(&mut app, 110, 30));
    let view = app.logs.request.as_ref().unwrap();
    assert_eq!(view.scroll.selected, line, "the same line: {shown}");
    // Half a page, then a page (the detail's rows).
    let page = app.logs.detail_rows;
    assert_eq!(app.logs.detail_scroll, (line, half + page));
    assert!(
        shown.contains(&format!("Line · rows {}–", half + page + 1)),
        "{shown}"
    );
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    app.on_key(code(KeyCode::PageUp));
    assert_eq!(app.logs.detail_scroll, (line, 0));
    assert_eq!(app.logs.request.as_ref().unwrap().scroll.selected, line);
}

/// A request's view at 44 columns labels its groups within a fifth of the row, as the lines'
/// view does, and its title keeps the request id whole (a 24-column label left `ST…` of each
/// line; the title cut the id).
#[test]
fn a_narrow_request_view_keeps_its_labels_short_and_its_id_whole() {
    let (mut app, request) = tail_with_traffic();
    let long = "/aws/lambda/very-long-function-name-xxxxxxxxxxxxxxxxxxxx-api-staging";
    let id = rid(41);
    batch(
        &mut app,
        request,
        vec![TailItem::Events(vec![ev(
            long,
            95_000,
            &format!("START RequestId: {id} Version: $LATEST"),
        )])],
    );
    app.on_key(key('G'));
    let c = app.on_key(key('r'));
    feed_request(&c);
    let text = text_of(&render(&mut app, 44, 20));
    assert!(text.contains(&id), "{text}");
    assert!(text.contains("START Req"), "{text}");
}

/// A query on a 200-character group keeps its window, its state and its count in the title,
/// the group cut in its middle (the title left out all but the count).
#[test]
fn a_long_group_s_title_keeps_the_window_and_the_state() {
    use crate::app::logs::{FeedSpec, Window};
    let mut app = logs_app();
    let long = format!("/aws/lambda/team-platform-{}-eu-west-1-co", "x".repeat(170));
    let spec = FeedSpec {
        groups: vec![backoffice_domain::model::LogGroupName::parse(&long).unwrap()],
        window: Window::Last { seconds: 7200 },
        pattern: None,
    };
    let mut ids = crate::app::Ids::default();
    let c = app.logs.start(spec, &mut ids);
    let crate::app::Outcome::Commands(c) = c else {
        panic!("{c:?}")
    };
    let (query, _) = feed_request(&c);
    batch(
        &mut app,
        query,
        vec![TailItem::Events(vec![ev(&long, 1_000, "a line")])],
    );
    app.on_event(AppEvent::Logs(LogsEvent::Ended {
        request: query,
        result: Ok(FeedEnd::Finished),
    }));
    for width in [120, 60] {
        let text = text_of(&render(&mut app, width, 20));
        let title = text.lines().nth(1).unwrap_or_default().to_string();
        assert!(title.contains("last 2h"), "{width}: {title}");
        assert!(title.contains("done"), "{width}: {title}");
        assert!(title.contains("1 line"), "{width}: {title}");
        assert!(title.contains("west-1-co"), "{width}: {title}");
    }
    // At 120 the group takes the room the rest leaves (it was held to a third).
    let text = text_of(&render(&mut app, 120, 20));
    let title = text.lines().nth(1).unwrap_or_default().to_string();
    assert!(title.matches('x').count() > 40, "{title}");
}

/// A query with a long filter at 80 columns shares the title's room between the group and the
/// filter, each cut in its middle (the group was cut to 13 and the filter left out, with room
/// to spare); where both fit, both are whole.
#[test]
fn a_long_filter_s_title_shares_the_room_with_the_group() {
    use crate::app::logs::{FeedSpec, Window};
    let mut app = logs_app();
    let spec = FeedSpec {
        groups: vec![backoffice_domain::model::LogGroupName::parse(API).unwrap()],
        window: Window::Last { seconds: 3600 },
        pattern: Some(
            backoffice_domain::model::FilterPattern::parse(
                r#"{ $.level = "ERROR" && $.route = "/posts/{id}/comments" }"#,
            )
            .unwrap(),
        ),
    };
    let mut ids = crate::app::Ids::default();
    let c = app.logs.start(spec, &mut ids);
    let crate::app::Outcome::Commands(c) = c else {
        panic!("{c:?}")
    };
    let (query, _) = feed_request(&c);
    app.on_event(AppEvent::Logs(LogsEvent::Ended {
        request: query,
        result: Ok(FeedEnd::Finished),
    }));
    let text = text_of(&render(&mut app, 80, 20));
    let title = text.lines().nth(1).unwrap_or_default().to_string();
    assert!(
        title.contains("/aws/la") && title.contains("-api"),
        "{title}"
    );
    assert!(title.contains("filter { $.lev"), "{title}");
    assert!(
        title.contains("last 1h") && title.contains("0 lines"),
        "{title}"
    );
    assert!(title.contains("ents\" }"), "the filter's end: {title}");
    assert!(!title.contains("─────"), "no room left unused: {title}");
    // Where both fit, both are whole.
    let text = text_of(&render(&mut app, 140, 20));
    let title = text.lines().nth(1).unwrap_or_default().to_string();
    assert!(title.contains(API), "{title}");
    assert!(title.contains("/posts/{id}/comments"), "{title}");
}

#[test]
fn logs_report_line_in_full() {
    let (mut app, _) = tail_with_traffic();
    app.on_key(code(KeyCode::Enter));
    let shown = render(&mut app, 110, 22);
    assert!(text_of(&shown).contains("report  duration"));
    insta::assert_snapshot!(shown);
}

/// The tail with traffic and one more line, `text` of `group` at `ms`.
fn tail_and_one_more(group: &str, ms: i64, text: &str) -> App {
    let (mut app, request) = tail_with_traffic();
    batch(
        &mut app,
        request,
        vec![TailItem::Events(vec![ev(group, ms, text)])],
    );
    app
}

/// A REPORT line of request `id`, `tail` after its memory (`\tStatus: timeout`).
fn report_of(id: &str, duration_ms: f64, tail: &str) -> String {
    format!(
        "REPORT RequestId: {id}\tDuration: {duration_ms:.2} ms\tBilled Duration: {} ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB{tail}",
        duration_ms.ceil()
    )
}

/// A timed-out invocation's REPORT says so first in its summary (its figures alone read as a
/// slow success).
#[test]
fn a_timed_out_report_says_its_status() {
    let mut app = tail_and_one_more(
        API,
        90_000,
        &report_of(&rid(77), 3000.0, "\tStatus: timeout"),
    );
    app.on_key(key('G'));
    app.on_key(code(KeyCode::Enter));
    let text = text_of(&render(&mut app, 110, 22));
    assert!(
        text.contains("report  status timeout · duration 3000.00 ms"),
        "{text}"
    );
}

/// Lines that span days carry their date (a 30-day query's lines read alike from one day to
/// the next); within one day, the time alone.
#[test]
fn lines_over_several_days_carry_their_date() {
    let (mut app, _) = tail_with_traffic();
    let text = text_of(&render(&mut app, 110, 22));
    assert!(!text.contains("11-25 "), "{text}");
    let mut app = tail_and_one_more(API, 2 * 86_400_000, "two days on");
    let text = text_of(&render(&mut app, 110, 22));
    assert!(
        text.contains("11-27 ") && text.contains("two days on"),
        "{text}"
    );
}

/// The invocations of a buffer that spans days carry their date; with several groups at 80
/// columns the function stays (cut in its middle if it must) while the memory gives way.
#[test]
fn invocations_over_days_carry_their_date_and_their_function() {
    let mut app = tail_and_one_more(THUMBS, 2 * 86_400_000, &report_of(&rid(88), 30.0, ""));
    app.on_key(key('v'));
    app.on_key(key('G'));
    let text = text_of(&render(&mut app, 80, 20));
    let row = text
        .lines()
        .find(|l| l.contains(&rid(88)[..8]))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(row.contains("11-27 "), "{row}");
    assert!(!text.contains("want of room: function"), "{text}");
    assert!(
        row.contains("thu"),
        "the function, cut in its middle: {row}"
    );
}

#[test]
fn logs_invocation_view() {
    let (mut app, _) = tail_with_traffic();
    app.on_key(key('v'));
    app.on_key(key('k'));
    insta::assert_snapshot!(render(&mut app, 110, 18));
}

/// The invocations' columns keep the widest cell seen: back at the top after the rows below
/// (a cold start, a failure), the header is where it was down there, not where the top's own
/// rows would put it.
#[test]
fn the_invocation_columns_hold_still_once_rows_are_seen() {
    let (mut app, request) = tail_with_traffic();
    // The last invocation ran long: its duration and billed time are wider than the others'.
    batch(
        &mut app,
        request,
        vec![TailItem::Events(vec![ev(
            API,
            90_000,
            &format!(
                "REPORT RequestId: {}\tDuration: 123456.78 ms\tBilled Duration: 123457 ms\tMemory Size: 10240 MB\tMax Memory Used: 10000 MB",
                rid(90)
            ),
        )])],
    );
    app.on_key(key('v'));
    let header = |app: &mut App| {
        let text = text_of(&render(app, 110, 12));
        text.lines()
            .find(|l| l.contains("duration"))
            .unwrap_or_else(|| panic!("{text}"))
            .to_string()
    };
    app.on_key(key('g'));
    let first_top = header(&mut app);
    app.on_key(key('G'));
    let bottom = header(&mut app);
    assert_ne!(first_top, bottom, "the fixture's rows differ in width");
    app.on_key(key('g'));
    assert_eq!(header(&mut app), bottom);
}

/// At 80 columns the invocation totals take a second row rather than lose the maximum; each
/// total stays whole.
#[test]
fn the_invocation_totals_wrap_whole_on_a_narrow_screen() {
    let (mut app, _) = tail_with_traffic();
    app.on_key(key('v'));
    let text = text_of(&render(&mut app, 80, 18));
    let rows: Vec<&str> = text.lines().collect();
    assert!(rows[2].contains("invocations ·"), "{text}");
    assert!(
        rows[3].contains("max ") && rows[3].contains(" ms"),
        "{text}"
    );
    assert!(!text.contains("1 cold starts"), "{text}");
    // The rows: the time whole, the function whole (cut to `api…ame` beside a whole id, two
    // groups sharing a prefix were not told apart) and the request id with both its ends (the
    // memory and the cold start gave way first: the id was cut to 17 beside them), no column
    // clipped short (fixed widths left `api-thumbna` and `M` for MB).
    let row = rows
        .iter()
        .find(|r| r.contains("10:00:49.509"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        row.contains(" thumbnails ")
            && row.contains(" 00000021-6a2d-4a")
            && row.contains("1d2e3f4a5b6c"),
        "{row}"
    );
    assert!(row.contains(" ok") || row.contains("failed"), "{row}");
    let memory_or_none = row.contains("MB ") || !rows[4].contains("memory");
    assert!(memory_or_none, "memory whole or left out: {text}");
    // What is left out is named under the table (the memory went with nothing to say so).
    if !rows[4].contains("memory") {
        assert!(
            text.contains("not shown for want of room: ") && text.contains("memory"),
            "{text}"
        );
    }
    let narrowish = text_of(&render(&mut app, 60, 18));
    assert!(narrowish.contains("not shown"), "{narrowish}");
    assert!(narrowish.contains("billed"), "named: {narrowish}");
    // At 60 the function stays, cut in its middle, and the request id is cut in its middle
    // before it goes (which function failed was not said).
    let row = narrowish
        .lines()
        .find(|r| r.contains("00000021-"))
        .unwrap_or_else(|| panic!("{narrowish}"));
    assert!(row.contains(" thu") && row.contains("5b6c"), "{row}");
    assert!(!narrowish.contains("room: function"), "{narrowish}");
    // The newest invocation (followed) stays in view, above the note.
    let lines: Vec<&str> = narrowish.lines().collect();
    let note = lines.iter().position(|l| l.contains("not shown"));
    // (Under 60 columns the times read to the second.)
    let newest = lines.iter().position(|l| l.contains("10:00:58 "));
    assert_eq!(newest.map(|n| n + 1), note, "{narrowish}");
    // At 46 columns the function gives way, named, and the times and durations are whole in
    // their short forms (they were cut in their middle: `10:1…321`, `133.… ms`).
    let narrow = text_of(&render(&mut app, 46, 18));
    assert!(narrow.contains("not shown: function"), "{narrow}");
    assert!(narrow.contains("10:00:58 00000027-"), "{narrow}");
    assert!(narrow.contains(" 48 ms "), "{narrow}");
}

#[test]
fn logs_sparkline_strip() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(&mut app, request, traffic());
    let shown = render(&mut app, 110, 22);
    let text = text_of(&shown);
    for label in [
        "invocations",
        "error lines",
        "p50 duration",
        "p95 duration",
        "cold starts",
    ] {
        assert!(text.contains(label), "{label}");
    }
    insta::assert_snapshot!(shown);
}

#[test]
fn logs_request_view() {
    let (mut app, _) = tail_with_traffic();
    app.on_key(key('g'));
    search_for(&mut app, "database timeout");
    let c = app.on_key(key('r'));
    insta::assert_snapshot!("logs_request_view_searching", render(&mut app, 120, 12));
    let (query, _) = feed_request(&c);
    let mut found = vec![ev(
        crate::app::logs::flow_tests::SIGNUP,
        4_400,
        &format!(
            r#"{{"level":"INFO","message":"profile row upserted","requestId":"{}"}}"#,
            rid(3)
        ),
    )];
    found.extend(invocation(THUMBS, 3, 4_500, false, true));
    batch(&mut app, query, vec![TailItem::Events(found)]);
    app.on_event(AppEvent::Logs(LogsEvent::Ended {
        request: query,
        result: Ok(FeedEnd::Finished),
    }));
    insta::assert_snapshot!("logs_request_view", render(&mut app, 120, 12));
}

/// A tail that ended failing with `failure`, the strip off.
fn tail_failed_with(failure: Failure) -> App {
    let mut app = logs_app();
    let request = tailing(&mut app);
    app.logs.strip = false;
    app.on_event(AppEvent::Logs(LogsEvent::Ended {
        request,
        result: Err(failure),
    }));
    app
}

#[test]
fn logs_failed() {
    let mut app = tail_failed_with(Failure::new(
        "forbidden: logs:StartLiveTail: not authorized to perform StartLiveTail",
    ));
    app.toasts.clear();
    insta::assert_snapshot!(render(&mut app, 110, 10));
}

/// A pattern the store refuses says to write another query, not to try the same again.
#[test]
fn a_refused_pattern_says_to_write_another_query() {
    let mut app = tail_failed_with(Failure::from(backoffice_domain::DomainError::Unsupported(
        "the sandbox understands plain filter patterns only: terms, \"phrases\", -term and ?term"
            .into(),
    )));
    let text = text_of(&render(&mut app, 110, 12));
    assert!(text.contains("f writes another query"), "{text}");
    assert!(!text.contains("to try again"), "{text}");
    // Told by what failed, not by its words: a failure worded alike is tried again.
    let mut app = tail_failed_with(Failure::new("invalid response from the proxy"));
    let text = text_of(&render(&mut app, 110, 12));
    assert!(text.contains("to try again"), "{text}");
}

#[test]
fn logs_groups_failed() {
    let (mut app, first) = app_on(PaneId::Logs, test_context());
    let Some(Command::Logs(LogsCommand::LoadGroups { request })) = first.first().cloned() else {
        panic!("{first:?}")
    };
    app.on_event(AppEvent::Logs(LogsEvent::GroupsLoaded {
        request,
        result: Err(Failure::new(
            "forbidden: logs:DescribeLogGroups: not authorized",
        )),
    }));
    app.toasts.clear();
    insta::assert_snapshot!(render(&mut app, 100, 8));
}

#[test]
fn logs_query_prompt_and_wrapped_lines() {
    let (mut app, _) = tail_with_traffic();
    app.on_key(key('W'));
    app.on_key(key('t'));
    app.on_key(key('f'));
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    typed(&mut app, "1h ?ERROR ?WARN");
    insta::assert_snapshot!(render(&mut app, 80, 14));
}

#[test]
fn a_click_selects_the_line_under_the_mouse_below_the_strip() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    batch(&mut app, request, traffic());
    let shown = text_of(&render(&mut app, 120, 30));
    // The fourth line row, under the title and the five rows of the strip.
    let y = 2 + 5 + 3;
    let row_text = shown.lines().nth(y).unwrap().to_string();
    app.on_mouse(
        crossterm::event::MouseEvent {
            kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
            column: 10,
            row: y as u16,
            modifiers: KeyModifiers::NONE,
        },
        crate::ui::LIST_TOP,
    );
    let selected = app.logs.selected_line().unwrap();
    assert!(
        row_text.contains(&selected.text[..40]),
        "{row_text} / {}",
        selected.text
    );
    assert!(!app.logs.scroll.follow);
}

#[test]
fn help_in_the_logs_pane_lists_its_keys_from_the_live_keymap() {
    let mut app = logs_app();
    let mut overrides = std::collections::BTreeMap::new();
    overrides.insert("request-lines".to_string(), "R".to_string());
    app.keymap = crate::keymap::Keymap::with_overrides(&overrides).0;
    tailing(&mut app);
    app.on_key(key('?'));
    let shown = text_of(&render(&mut app, 100, 44));
    assert!(shown.contains("Logs"), "{shown}");
    let row = shown
        .lines()
        .find(|l| l.contains("every line of the selected row's request"))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(row.contains(" R  "), "{row}");
    assert!(
        !shown.contains("resolve the reports"),
        "only this pane's keys: {shown}"
    );
}

#[test]
fn a_runtime_line_with_a_json_payload_is_pretty_printed_after_its_prefix_keys_in_order() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    app.logs.strip = false;
    let line = format!(
        "2026-11-25T10:00:00.000Z\t{}\tERROR\t{{\"errorType\":\"Error\",\"errorMessage\":\"boom\"}}",
        rid(9)
    );
    batch(
        &mut app,
        request,
        vec![TailItem::Events(vec![ev(API, 0, &line)])],
    );
    app.on_key(code(KeyCode::Enter));
    let shown = text_of(&render(&mut app, 100, 24));
    assert!(shown.contains("\"errorMessage\": \"boom\""), "{shown}");
    // Keys in the order logged (sorted, errorMessage would come first).
    let at = |k: &str| shown.find(k).unwrap();
    assert!(at("errorType") < at("errorMessage"), "{shown}");
    assert!(shown.contains("level  error"), "{shown}");
    assert!(shown.contains(&format!("request  {}", rid(9))), "{shown}");
}

/// A search that finds nothing in a running tail says so on the pane's row, not as an error.
#[test]
fn a_search_with_no_match_yet_says_so_on_the_pane_s_row() {
    let (mut app, _) = tail_with_traffic();
    search_for(&mut app, "zzz");
    let shown = text_of(&render(&mut app, 140, 20));
    assert!(
        shown.contains("/zzz: no match yet (new lines are searched too)"),
        "{shown}"
    );
    assert!(!shown.contains('✗'), "{shown}");
}

/// A range query's title at 80 columns leaves out parts from its middle and keeps how the
/// query stands and how many lines it holds.
#[test]
fn a_long_query_title_keeps_its_state_and_count() {
    let mut app = logs_app();
    app.on_key(key(' '));
    app.on_key(key(' '));
    app.on_key(key('f'));
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    typed(
        &mut app,
        "2026-12-04T15:40..2026-12-04T15:50 \"db timeout\" connection pool exhausted",
    );
    let sent = app.on_key(code(KeyCode::Enter));
    let (request, _) = crate::app::logs::flow_tests::feed_request(&sent);
    app.on_event(AppEvent::Logs(LogsEvent::Ended {
        request,
        result: Ok(FeedEnd::Finished),
    }));
    let shown = text_of(&render(&mut app, 80, 24));
    let title = shown.lines().nth(1).unwrap_or_default();
    assert!(
        title.contains("· done · 0 lines") && title.contains("…"),
        "{title}"
    );
}

/// Matches with context and no match: the view says so instead of drawing nothing.
#[test]
fn context_with_no_match_says_so() {
    let (mut app, _) = tail_with_traffic();
    search_for(&mut app, "zzz");
    app.on_key(key('C'));
    let shown = text_of(&render(&mut app, 140, 20));
    assert!(
        shown.contains("No line matches /zzz (only matches and the lines around them are shown)."),
        "{shown}"
    );
}

/// Matches with context, scrolled back to the last match: the matches before it fill the pane
/// above it (the view kept its old top and drew the last match's five rows over an empty pane).
#[test]
fn context_fills_the_pane_up_to_the_last_match() {
    let (mut app, _) = tail_with_traffic();
    app.on_key(key('k'));
    render(&mut app, 120, 24);
    assert!(!app.logs.scroll.follow);
    search_for(&mut app, "timeout");
    let last = *app.logs.search.as_ref().unwrap().matches.last().unwrap();
    while app.logs.scroll.selected != last {
        app.on_key(key('n'));
    }
    app.on_key(key('C'));
    let shown = text_of(&render(&mut app, 120, 24));
    let rows: Vec<&str> = shown.lines().collect();
    let drawn = rows.iter().filter(|r| r.contains("timeout")).count();
    assert!(drawn >= 3, "the matches before the last are drawn: {shown}");
    // No blank row between the last line drawn and the pane's search row.
    let search_row = rows.iter().position(|r| r.contains("/timeout:")).unwrap();
    assert!(
        !rows[search_row - 1]
            .trim_matches(|c| c == '│' || c == ' ' || c == '"')
            .is_empty(),
        "{shown}"
    );
}

/// Wrapped, a 12 KB line is taller than the pane: the search's hit near its end is on screen,
/// and the line's rows after the first start under its message, not at column 0.
#[test]
fn a_hit_deep_in_a_wrapped_long_line_is_in_view() {
    let mut app = tail_with_a_long_line(&format!("the-needle-here {}", twelve_kb()));
    app.on_key(key('W'));
    search_for(&mut app, "the-needle");
    let shown = text_of(&render(&mut app, 110, 30));
    assert!(shown.contains("the-needle-here"), "{shown}");
    assert!(
        shown.contains("000001199"),
        "the rows before the hit: {shown}"
    );
    // A continuation row is indented as far as the message starts on the first row.
    // (Wrapped at 108 columns: one gutter column, the time's 13 and the label's 11.)
    let indent = |row: &str| {
        row.trim_start_matches(['"', '│'])
            .chars()
            .take_while(|c| *c == ' ')
            .count()
    };
    let continued: Vec<&str> = shown
        .lines()
        .filter(|r| r.contains("the-needle-here"))
        .collect();
    assert_eq!(continued.len(), 1, "{shown}");
    assert_eq!(indent(continued[0]), 25, "{shown}");
    // The line's first row, with its time, stays on top, and `…` under the time marks the
    // rows left out between it and the rows near the hit.
    assert!(shown.contains("ERROR 000000000"), "{shown}");
    let marked: Vec<&str> = shown
        .lines()
        .filter(|r| r.trim_start_matches(['"', '│', ' ']).starts_with("… "))
        .collect();
    assert_eq!(marked.len(), 1, "{shown}");
    // Rows break between words: every number a continuation row holds has its nine digits.
    for row in shown.lines().filter(|r| indent(r) == 25) {
        for number in row
            .split(|c: char| !c.is_ascii_digit())
            .filter(|w| !w.is_empty())
        {
            assert_eq!(number.len(), 9, "{row}");
        }
    }
}

/// With context on, `n` wrapping round to the first match shows the lines before it too (the
/// match came at the pane's top, its context above it out of view).
#[test]
fn n_wrapping_round_with_context_shows_the_first_match_s_block() {
    let (mut app, _) = tail_with_traffic();
    search_for(&mut app, "database timeout");
    app.on_key(key('C'));
    let matches = app.logs.search.as_ref().unwrap().matches.clone();
    render(&mut app, 110, 14);
    app.on_key(key('n'));
    assert_eq!(app.logs.scroll.selected, matches[0]);
    let shown = text_of(&render(&mut app, 110, 14));
    let before = app
        .logs
        .buffer
        .get(matches[0] - 1)
        .unwrap()
        .text
        .to_string();
    let rows: Vec<&str> = shown.lines().collect();
    let at = |needle: &str| rows.iter().position(|r| r.contains(needle));
    let matched = at("database timeout").unwrap_or_else(|| panic!("{shown}"));
    let context =
        at(&before[..before.len().min(40)]).unwrap_or_else(|| panic!("{before}: {shown}"));
    assert!(
        context < matched,
        "the line before the match, above it: {shown}"
    );
    // Forward, the next match's lines after it are in view too (it came on the bottom row).
    app.on_key(key('n'));
    let shown = text_of(&render(&mut app, 110, 14));
    let after = app
        .logs
        .buffer
        .get(matches[1] + 1)
        .unwrap()
        .text
        .to_string();
    assert!(
        shown.contains(&after[..after.len().min(40)]),
        "{after}: {shown}"
    );
}

/// A line whose match shows on its detail's first rows opens at its top, time and group in
/// view (a match on row 7 of 16 opened at row 2).
#[test]
fn an_opened_line_whose_match_is_in_view_starts_at_its_top() {
    let mut app = tail_with_a_long_line("x");
    let spread: String = (0..12).map(|i| format!("word{i} ")).collect::<String>()
        + "the-needle "
        + &(0..400).map(|i| format!("after{i} ")).collect::<String>();
    let feed = app.logs.feed.as_ref().unwrap().request;
    batch(
        &mut app,
        feed,
        vec![TailItem::Events(vec![ev(API, 99_000, &spread)])],
    );
    search_for(&mut app, "the-needle");
    app.on_key(key('G'));
    app.on_key(code(KeyCode::Enter));
    let text = text_of(&render(&mut app, 60, 30));
    assert!(text.contains("the-needle"), "{text}");
    // Longer than its rows, so it could have opened further down.
    assert!(text.contains("Line 1–"), "{text}");
    assert_eq!(app.logs.detail_scroll.1, 0, "{text}");
}

/// A line opened while a search is on starts a little above its first match, drawn marked
/// (a hit deep in a 12 KB line opened at the line's top, drawn plain, pages down).
#[test]
fn an_opened_line_starts_at_the_search_s_first_match() {
    let mut app = tail_with_a_long_line(&format!("the-needle-here {}", twelve_kb()));
    search_for(&mut app, "the-needle");
    app.on_key(code(KeyCode::Enter));
    let shown = render(&mut app, 110, 40);
    let text = text_of(&shown);
    assert!(text.contains("the-needle-here"), "{text}");
    assert!(!text.contains("rows 1–"), "scrolled to the hit: {text}");
    // Drawn in the match style.
    let buffer = shown.buffer();
    let marked = (0..buffer.area.height).any(|y| {
        let row: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        row.find("the-needle-here").is_some_and(|i| {
            let x = row[..i].chars().count() as u16;
            buffer[(x, y)].modifier.contains(Modifier::REVERSED)
        }) && y > 15
    });
    assert!(marked, "{text}");
    // Scrolled by hand, it stays where it was put.
    app.on_key(key('K'));
    app.on_key(key('K'));
    let again = text_of(&render(&mut app, 110, 40));
    assert_ne!(again, text);
}

/// A panic's detail names the request its stream was running, said as such; a line with its
/// own id names it plainly.
#[test]
fn a_panic_s_detail_names_the_stream_s_running_request() {
    let mut app = logs_app();
    let request = tailing(&mut app);
    app.logs.strip = false;
    let id = rid(7);
    batch(
        &mut app,
        request,
        // START and the panic: the request still running.
        vec![TailItem::Events(
            crate::app::logs::flow_tests::panicking_request(&id)[..2].to_vec(),
        )],
    );
    assert!(app.logs.selected_line().unwrap().text.contains("panicked"));
    app.on_key(code(KeyCode::Enter));
    let shown = text_of(&render(&mut app, 120, 30));
    assert!(
        shown.contains(&format!("request  {id} (the stream's running request)")),
        "{shown}"
    );
    // On a narrow screen the value wraps under itself, not under its label.
    let narrow = text_of(&render(&mut app, 70, 30));
    let after = narrow
        .lines()
        .skip_while(|l| !l.contains("request  "))
        .nth(1)
        .unwrap_or_default()
        .to_string();
    let indent = after.trim_start_matches(['"', '│']).len()
        - after.trim_start_matches(['"', '│']).trim_start().len();
    assert!(indent >= 10, "hanging under the value: {narrow}");
    app.on_key(key('k'));
    let shown = text_of(&render(&mut app, 120, 30));
    assert!(shown.contains(&format!("request  {id} ")), "{shown}");
    assert!(!shown.contains("running request"), "{shown}");
}

/// The foot row with a search, a selection and a scrolled-back tail gives their short forms
/// where the long ones do not fit, and ends with `…` rather than past the edge.
#[test]
fn the_foot_row_shortens_its_parts_to_fit() {
    let (mut app, _) = tail_with_traffic();
    search_for(&mut app, "timeout");
    app.on_key(key('k'));
    app.on_key(key('b'));
    app.on_key(key('k'));
    let foot = |app: &mut App, width: u16| {
        let shown = text_of(&render(app, width, 24));
        shown
            .lines()
            .find(|l| l.contains("/timeout"))
            .unwrap_or_else(|| panic!("{shown}"))
            .to_string()
    };
    let wide = foot(&mut app, 200);
    assert!(
        wide.contains("back to live") && wide.contains("next/previous"),
        "{wide}"
    );
    assert!(wide.contains("2 lines selected · ctrl-s save"), "{wide}");
    let narrow = foot(&mut app, 80);
    assert!(!narrow.contains("next/previous"), "{narrow}");
    assert!(narrow.contains("scrolled back"), "{narrow}");
    assert!(narrow.contains("matches"), "{narrow}");
    assert!(narrow.contains("2 lines selected"), "{narrow}");
    let tiny = foot(&mut app, 40);
    assert!(
        tiny.trim_end_matches(['"', ' ', '│']).ends_with('…'),
        "{tiny}"
    );
}

/// Not wrapped, a line longer than its row ends with `…`, and a line whose match lies past the
/// right edge shows the match, behind a `…`, instead of its start.
#[test]
fn an_unwrapped_line_shows_its_match_past_the_edge_and_marks_its_cuts() {
    let mut app = tail_with_a_long_line(&format!("the-needle-here {}", twelve_kb()));
    let shown = text_of(&render(&mut app, 110, 30));
    let long = shown
        .lines()
        .find(|r| r.contains("ERROR 000000000"))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(long.trim_end_matches(['"', '│']).ends_with('…'), "{long}");
    assert!(!shown.contains("the-needle"), "{shown}");
    search_for(&mut app, "the-needle");
    let shown = text_of(&render(&mut app, 110, 30));
    let hit = shown
        .lines()
        .find(|r| r.contains("the-needle-here"))
        .unwrap_or_else(|| panic!("the match is on screen: {shown}"));
    assert!(
        hit.contains("…001197 000001198 000001199 the-needle-here"),
        "cut before the match: {hit}"
    );
    assert!(!hit.contains("ERROR 000000000"), "{hit}");
    // The match sits a third of the way into the message, so what comes before it shows too.
    let at = hit.find("the-needle").unwrap_or(0);
    let cut = hit.find('…').unwrap_or(0);
    assert!(at > cut + 20, "{hit}");
}

/// Matches with context (`C`): lines that are not neighbours are parted by a `--` row, as grep
/// parts them.
#[test]
fn context_groups_are_parted_by_a_separator_row() {
    let (mut app, _) = tail_with_traffic();
    search_for(&mut app, "timeout");
    app.on_key(key('C'));
    let matches = app.logs.search.as_ref().unwrap().matches.clone();
    assert!(matches.len() >= 2, "{matches:?}");
    // Tall enough for every match with its context.
    let shown = text_of(&render(&mut app, 140, 200));
    let separators = shown
        .lines()
        .filter(|r| r.trim_matches(['"', '│', ' ']) == "--")
        .count();
    let c = app.logs.context as u64;
    let apart = matches
        .windows(2)
        .filter(|w| w[1] - w[0] > 2 * c + 1)
        .count();
    assert!(apart >= 1, "{matches:?}");
    assert_eq!(separators, apart, "{shown}");
}

/// Rows break between words where the word fits whole on the next row, and a word longer than a
/// row is cut where the row ends (`TOK` stood alone on a row, the rest of it empty, before a
/// 120-character token).
#[test]
fn rows_break_between_words_and_a_word_longer_than_a_row_fills_it() {
    use ratatui::text::Span;
    let spans = |message: &str| {
        vec![
            Span::raw(" "),
            Span::raw("06:39:32.481 "),
            Span::raw("socialapp-api   "),
            Span::raw(message.to_string()),
        ]
    };
    let text = |rows: Vec<ratatui::text::Line<'static>>| -> Vec<String> {
        rows.iter().map(|r| r.to_string()).collect()
    };
    let rows = text(crate::ui::wrap::wrap_spans(
        spans("END RequestId: 00000000-0000-0000-0000-000000000002 and more words here"),
        3,
        80,
    ));
    // Its id does not fit beside it at 80 columns: it goes whole to the next row.
    assert!(rows[0].ends_with("END RequestId: "), "{rows:?}");
    assert!(
        rows[1]
            .trim_start()
            .starts_with("00000000-0000-0000-0000-000000000002 and"),
        "{rows:?}"
    );
    // A word longer than a row: cut where the row ends, after what precedes it.
    let rows = text(crate::ui::wrap::wrap_spans(
        spans(&format!("TOK {}", "X".repeat(120))),
        3,
        80,
    ));
    assert!(rows[0].contains("TOK XXXX"), "{rows:?}");
    assert!(rows.iter().all(|r| r.chars().count() <= 80), "{rows:?}");
}

/// Wrapped, at the end of the lines: a line taller than the rows left above the last lines
/// shows its last rows there (`G` left those rows empty).
#[test]
fn the_rows_above_the_last_lines_hold_the_end_of_a_tall_line() {
    let (mut app, request) = tail_with_traffic();
    let tall = (0..60)
        .map(|i| format!("word{i:02}"))
        .collect::<Vec<_>>()
        .join(" ");
    batch(
        &mut app,
        request,
        vec![TailItem::Events(vec![
            ev(API, 90_000, &format!("INFO tall {tall} tall-end")),
            ev(API, 90_001, "INFO short one"),
            ev(API, 90_002, "INFO short two"),
        ])],
    );
    app.on_key(key('W'));
    app.on_key(key('G'));
    let shown = text_of(&render(&mut app, 60, 12));
    let rows: Vec<&str> = shown.lines().collect();
    let last = rows
        .iter()
        .position(|r| r.contains("short two"))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(shown.contains("tall-end"), "{shown}");
    // Every row from the pane's first to the last line holds something.
    let first = rows.iter().position(|r| r.contains('┌')).unwrap() + 1;
    for row in &rows[first..=last] {
        assert!(
            !row.trim_matches(|c| c == '"' || c == '│' || c == ' ')
                .is_empty(),
            "an empty row:\n{shown}"
        );
    }
}

/// With neither time nor group before the message, a wrapped line's later rows are indented
/// two columns, so they do not read as lines of their own.
#[test]
fn continuations_without_a_time_are_indented() {
    use ratatui::text::Span;
    let rows = crate::ui::wrap::wrap_spans(
        vec![
            Span::raw(" "),
            Span::raw("Billed Duration: 15 ms Memory Size: 128 MB Max Memory Used: 40 MB"),
        ],
        1,
        40,
    );
    let text: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
    assert!(text[0].starts_with(" Billed"), "{text:?}");
    assert!(
        text[1].starts_with("   ") && !text[1].starts_with("    "),
        "{text:?}"
    );
}

/// The lines above a line's detail take a third of the body, or the rows a short request's
/// lines need (at least three): five lines left empty rows above a detail cut a row short.
#[test]
fn a_short_requests_lines_give_their_rows_to_the_detail() {
    let body = ratatui::layout::Rect::new(0, 0, 100, 30);
    let [top, bottom] = super::detail::split_for_detail(body, 2);
    assert_eq!((top.height, bottom.height), (3, 27));
    let [top, bottom] = super::detail::split_for_detail(body, 5);
    assert_eq!((top.height, bottom.height), (5, 25));
    let [top, bottom] = super::detail::split_for_detail(body, 500);
    assert_eq!((top.height, bottom.height), (11, 19));
}
