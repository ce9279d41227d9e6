//! The Logs pane against a real sandbox log store in a temporary folder: keys in, commands run
//! by [`crate::exec::execute`], events back into the app, as the console's loop does it.

use crate::app::logs::flow_tests::{API, SIGNUP, THUMBS, rid};
use crate::app::logs::{FeedEnd, FeedState, LogsEvent, Screen};
use crate::app::tests::{app_on, code, key, typed};
use crate::app::{App, AppEvent, Command, PaneId, RequestId, test_context};
use crate::exec::{Backends, execute};
use backoffice_domain::DomainResult;
use backoffice_domain::model::{
    Actor, FilterPattern, LogEvent, LogGroup, LogGroupName, LogStream, Page, PageRequest,
    TailRequest, TailStream, TimeWindow,
};
use backoffice_domain::ports::LogSource;
use backoffice_domain::sandbox::{Sandbox, SeedOptions};
use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc;

/// Longest a test waits for the sandbox to answer.
const PATIENCE: std::time::Duration = std::time::Duration::from_secs(20);

fn backends(sandbox: &Sandbox) -> Backends {
    Backends::sandbox(sandbox, Actor::parse("sandbox:ops").unwrap())
}

fn group(name: &str) -> LogGroupName {
    LogGroupName::parse(name).unwrap()
}

/// The console's loop in small: runs commands, feeds the answers back, until `done` holds.
struct Harness {
    app: App,
    backends: Backends,
    tx: mpsc::Sender<AppEvent>,
    rx: mpsc::Receiver<AppEvent>,
    /// Every log event that came back, stale ones included.
    seen: Vec<AppEvent>,
}

impl Harness {
    fn new(sandbox: &Sandbox) -> (Self, Vec<Command>) {
        let (app, first) = app_on(PaneId::Logs, test_context());
        // As bounded as the console's own queue.
        let (tx, rx) = mpsc::channel(64);
        (
            Self {
                app,
                backends: backends(sandbox),
                tx,
                rx,
                seen: Vec::new(),
            },
            first,
        )
    }

    fn run(&self, commands: Vec<Command>) {
        for c in commands {
            execute(
                c,
                self.backends.clone(),
                self.app.context.clone(),
                self.tx.clone(),
            );
        }
    }

    async fn until(&mut self, what: &str, done: impl Fn(&App, &[AppEvent]) -> bool) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while !done(&self.app, &self.seen) {
            let event = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
                .expect("the sender lives in the harness");
            self.seen.push(event.clone());
            let commands = self.app.on_event(event);
            self.run(commands);
        }
    }

    fn keys(&mut self, text: &str) {
        let c = typed(&mut self.app, text);
        self.run(c);
    }

    fn key(&mut self, k: KeyEvent) {
        let c = self.app.on_key(k);
        self.run(c);
    }

    fn feed_request(&self) -> RequestId {
        self.app.logs.feed.as_ref().expect("a feed").request
    }
}

fn feed_done(app: &App) -> bool {
    app.logs.feed.as_ref().is_some_and(|f| !f.is_running())
}

async fn groups_listed(h: &mut Harness) {
    h.until("the log groups", |app, _| {
        !app.logs.picker.groups.is_empty()
    })
    .await;
}

#[tokio::test]
async fn a_window_query_with_a_pattern_shows_the_seeded_lines_that_match() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::open(dir.path()).await.unwrap();
    let now = Utc::now();
    let options = SeedOptions {
        users: 4,
        posts: 6,
        comments: 6,
        reports: 2,
        post_images: 0,
        profile_images: 0,
        invocations: 600,
        now,
        ..SeedOptions::default()
    };
    sandbox.seed(&options, &|_| {}).await.unwrap();
    let (mut h, first) = Harness::new(&sandbox);
    h.run(first);
    groups_listed(&mut h).await;
    assert_eq!(h.app.logs.picker.groups, Sandbox::log_groups());
    // The API group, the last four days, lines with ERROR.
    h.key(key(' '));
    h.key(key('f'));
    h.key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    h.keys("4d ERROR");
    h.key(code(KeyCode::Enter));
    h.until("the query to finish", |app, _| feed_done(app))
        .await;
    let feed = h.app.logs.feed.as_ref().unwrap();
    assert_eq!(feed.state, FeedState::Done(FeedEnd::Finished));
    // Exactly what the store holds for that window and pattern, in time order.
    let window = TimeWindow::new(now - Duration::days(5), now + Duration::hours(1)).unwrap();
    let pattern = backoffice_domain::model::FilterPattern::parse("ERROR").unwrap();
    let mut expected = Vec::new();
    let mut page = PageRequest::first(10_000);
    loop {
        let p = sandbox
            .logs
            .filter_events(&group(API), window, Some(&pattern), page)
            .await
            .unwrap();
        expected.extend(p.items.into_iter().map(|e| e.message));
        match p.next {
            Some(next) => {
                page = PageRequest {
                    cursor: Some(next),
                    limit: Some(10_000),
                }
            }
            None => break,
        }
    }
    assert!(!expected.is_empty(), "the seed writes some errors");
    let b = &h.app.logs.buffer;
    let got: Vec<String> = b.iter_from(0).map(|l| l.text.to_string()).collect();
    assert_eq!(got, expected);
    let times: Vec<i64> = b.iter_from(0).map(|l| l.ts_ms).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(
        b.errors().len(),
        expected.len(),
        "every line reads as an error"
    );
    // On screen too.
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 30)).unwrap();
    terminal
        .draw(|f| crate::ui::draw(f, &mut h.app, &crate::theme::Theme::default_dark(), 0))
        .unwrap();
    let screen = terminal.backend().to_string();
    assert!(screen.contains("\"level\":\"ERROR\""), "{screen}");
    assert!(screen.contains("done"), "{screen}");
}

#[tokio::test]
async fn a_live_tail_shows_lines_as_they_are_written_and_stops_when_the_groups_change() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::open(dir.path()).await.unwrap();
    for g in Sandbox::log_groups() {
        sandbox.logs.create_group(&g).await.unwrap();
    }
    // Written before the tail: shown first when it is recent, from the picked groups only.
    let before = Utc::now() - Duration::minutes(5);
    sandbox
        .logs
        .append(
            &group(API),
            "s0",
            &[
                (before - Duration::minutes(10), "INFO ancient".to_string()),
                (before, "INFO old news".to_string()),
            ],
        )
        .await
        .unwrap();
    sandbox
        .logs
        .append(
            &group(SIGNUP),
            "s0",
            &[(before, "INFO old elsewhere".to_string())],
        )
        .await
        .unwrap();
    let (mut h, first) = Harness::new(&sandbox);
    h.run(first);
    groups_listed(&mut h).await;
    h.key(key(' '));
    h.key(key(' '));
    h.key(code(KeyCode::Enter));
    let tail = h.feed_request();
    assert_eq!(h.app.logs.feed.as_ref().unwrap().state, FeedState::Starting);
    h.until("the tail to connect", |app, _| {
        app.logs.feed.as_ref().unwrap().earlier.is_some()
    })
    .await;
    assert_eq!(h.app.logs.feed.as_ref().unwrap().state, FeedState::Running);
    let shown: Vec<String> = h
        .app
        .logs
        .buffer
        .iter_from(0)
        .map(|l| l.text.to_string())
        .collect();
    assert_eq!(
        shown,
        [
            "INFO old news",
            "live from here; the 1 line above came in the 10 minutes before"
        ],
    );
    let at = Utc::now() + Duration::seconds(1);
    let id = rid(7);
    let lines = |g: &str| -> Vec<(DateTime<Utc>, String)> {
        vec![
            (at, format!("START RequestId: {id} Version: $LATEST")),
            (
                at + Duration::milliseconds(3),
                format!(r#"{{"level":"ERROR","message":"{g} failed","requestId":"{id}"}}"#),
            ),
            (
                at + Duration::milliseconds(9),
                format!(
                    "REPORT RequestId: {id}\tDuration: 12.00 ms\tBilled Duration: 12 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\tInit Duration: 180.00 ms"
                ),
            ),
        ]
    };
    sandbox
        .logs
        .append(&group(API), "s1", &lines(API))
        .await
        .unwrap();
    sandbox
        .logs
        .append(&group(THUMBS), "s2", &lines(THUMBS))
        .await
        .unwrap();
    // Not followed: a group that was not picked.
    sandbox
        .logs
        .append(&group(SIGNUP), "s3", &[(at, "INFO elsewhere".to_string())])
        .await
        .unwrap();
    h.until("six tailed lines", |app, _| app.logs.buffer.len() >= 8)
        .await;
    let b = &h.app.logs.buffer;
    let texts: Vec<&str> = b.iter_from(2).map(|l| l.text).collect();
    assert_eq!(texts.len(), 6, "{texts:?}");
    assert!(!texts.iter().any(|t| t.contains("elsewhere")));
    assert_eq!(b.reports().len(), 2);
    assert!(b.reports().iter().all(|r| r.init_ms == Some(180.0)));
    assert_eq!(b.errors().len(), 2);
    assert_eq!(h.app.logs.feed.as_ref().unwrap().state, FeedState::Running);
    // Back to the picker: the tail's task ends.
    h.key(code(KeyCode::Esc));
    assert_eq!(h.app.logs.screen, Screen::Picker);
    h.until("the stopped tail's last word", |_, seen| {
        seen.iter().any(|e| {
            matches!(e, AppEvent::Logs(LogsEvent::Ended { request, result: Ok(FeedEnd::Stopped) }) if *request == tail)
        })
    })
    .await;
}

#[tokio::test]
async fn r_finds_a_request_across_the_picked_groups() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::open(dir.path()).await.unwrap();
    let at = Utc::now() - Duration::minutes(10);
    let id = rid(42);
    let other = rid(43);
    sandbox
        .logs
        .append(
            &group(API),
            "s1",
            &[
                (at, format!("START RequestId: {id} Version: $LATEST")),
                (
                    at + Duration::milliseconds(5),
                    format!(r#"{{"level":"WARN","message":"slow","requestId":"{id}"}}"#),
                ),
                (
                    at + Duration::milliseconds(6),
                    format!("START RequestId: {other} Version: $LATEST"),
                ),
            ],
        )
        .await
        .unwrap();
    sandbox
        .logs
        .append(
            &group(SIGNUP),
            "s2",
            &[(
                at + Duration::milliseconds(2),
                format!(
                    r#"{{"level":"INFO","message":"profile row upserted","requestId":"{id}"}}"#
                ),
            )],
        )
        .await
        .unwrap();
    sandbox.logs.create_group(&group(THUMBS)).await.unwrap();
    let (mut h, first) = Harness::new(&sandbox);
    h.run(first);
    groups_listed(&mut h).await;
    // Pick the API and sign-up groups; query the last hour; the first line is request 42's.
    h.key(key(' '));
    h.key(key('j'));
    h.key(key(' '));
    h.key(key('f'));
    h.key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    h.keys("1h WARN");
    h.key(code(KeyCode::Enter));
    h.until("the query to finish", |app, _| feed_done(app))
        .await;
    assert_eq!(h.app.logs.buffer.len(), 1);
    h.key(key('r'));
    h.until("the request's lines", |app, _| {
        app.logs
            .request
            .as_ref()
            .is_some_and(|r| !r.feed.is_running())
    })
    .await;
    let view = h.app.logs.request.as_ref().unwrap();
    assert_eq!(view.id, id);
    let lines: Vec<(String, String)> = view
        .buffer
        .iter_from(0)
        .map(|l| (l.group.to_string(), l.text.to_string()))
        .collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[1].0, SIGNUP, "merged in time order across groups");
    assert!(lines.iter().all(|(_, t)| t.contains(&id)));
}

#[tokio::test]
async fn saving_writes_the_lines_to_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::open(dir.path()).await.unwrap();
    let at = Utc::now() - Duration::minutes(2);
    sandbox
        .logs
        .append(
            &group(API),
            "s1",
            &[
                (at, "INFO one".to_string()),
                (
                    at + Duration::seconds(1),
                    "ERROR two\n  at\tline 2\n".to_string(),
                ),
            ],
        )
        .await
        .unwrap();
    let (mut h, first) = Harness::new(&sandbox);
    h.run(first);
    groups_listed(&mut h).await;
    h.key(key('f'));
    h.key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    h.keys("5m");
    h.key(code(KeyCode::Enter));
    h.until("the query to finish", |app, _| feed_done(app))
        .await;
    let path = dir.path().join("saved.log");
    h.key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    h.key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    h.keys(&path.display().to_string());
    h.key(code(KeyCode::Enter));
    h.until("the save", |app, _| {
        app.toasts.iter().any(|t| t.text.contains("saved"))
    })
    .await;
    let text = std::fs::read_to_string(&path).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 2);
    assert!(
        rows[0].ends_with("\t/aws/lambda/backoffice-api\ts1\tINFO one"),
        "{text}"
    );
    // One record a line: a break inside a message is written as `\n`, the ending one not.
    assert!(rows[1].ends_with("ERROR two\\n  at\\tline 2"), "{text}");
    assert_eq!(rows[1].split('\t').count(), 4, "four fields: {text}");
    // Saving again to the same path is refused, and the file is left as it was.
    h.key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    h.key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    h.keys(&path.display().to_string());
    h.key(code(KeyCode::Enter));
    h.until("the refusal", |app, _| {
        app.logs
            .prompt
            .as_ref()
            .and_then(|p| p.problem.as_deref())
            .is_some_and(|p| p.ends_with("exists; choose another path"))
    })
    .await;
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[tokio::test]
async fn a_pattern_the_sandbox_cannot_read_fails_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::open(dir.path()).await.unwrap();
    sandbox.logs.create_group(&group(API)).await.unwrap();
    let (mut h, first) = Harness::new(&sandbox);
    h.run(first);
    groups_listed(&mut h).await;
    h.key(key('f'));
    h.key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    h.keys("live { $.level = \"ERROR\" }");
    h.key(code(KeyCode::Enter));
    h.until("the tail to fail", |app, _| feed_done(app)).await;
    let Some(FeedState::Failed(failure)) = h.app.logs.feed.as_ref().map(|f| f.state.clone()) else {
        panic!("{:?}", h.app.logs.feed)
    };
    assert!(
        failure.message.contains("plain filter patterns"),
        "{failure}"
    );
    // Kept as what it is, a request refused as written, which the pane words as such.
    assert_eq!(failure.cause, crate::app::Cause::Unaccepted);
    assert!(
        h.app
            .last_error
            .as_deref()
            .unwrap()
            .contains("plain filter patterns")
    );
}

#[tokio::test]
async fn an_environment_without_logs_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::open(dir.path()).await.unwrap();
    let (mut h, first) = Harness::new(&sandbox);
    h.backends.logs = None;
    h.run(first);
    h.until("the groups to fail", |app, _| {
        matches!(app.logs.picker.load, crate::app::list::Load::Failed(_))
    })
    .await;
    assert!(
        h.app
            .last_error
            .as_deref()
            .unwrap()
            .contains("no log source")
    );
}

/// `(time, text)` lines `step_ms` apart from `from`, labelled `label 0`, `label 1`, ...
fn spaced(
    from: DateTime<Utc>,
    n: usize,
    step_ms: i64,
    label: &str,
) -> Vec<(DateTime<Utc>, String)> {
    (0..n)
        .map(|i| {
            (
                from + Duration::milliseconds(step_ms * i as i64),
                format!("INFO {label} {i}"),
            )
        })
        .collect()
}

async fn backlog_of(
    sandbox: &Sandbox,
    groups: &[&str],
    since: DateTime<Utc>,
) -> (Vec<String>, crate::app::logs::Earlier) {
    let spec = crate::app::logs::FeedSpec {
        groups: groups.iter().map(|g| group(g)).collect(),
        window: crate::app::logs::Window::Live,
        pattern: None,
    };
    let (_handle, mut stop) = crate::app::logs::feed_channel();
    let (events, earlier) = super::backlog(&sandbox.logs, &spec, since, &mut stop)
        .await
        .unwrap()
        .expect("not stopped");
    (events.into_iter().map(|e| e.message).collect(), earlier)
}

/// A live tail's backlog is the newest lines of the picked groups before it, oldest first: the
/// last seconds first, reaching further back only for what they lack, nothing twice, nothing
/// from the tail's own instant on.
#[tokio::test]
async fn a_tail_s_backlog_is_the_newest_lines_before_it_from_the_steps_it_needs() {
    use crate::app::logs::{BACKLOG_LINES, Earlier};
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::open(dir.path()).await.unwrap();
    let since = Utc::now() - Duration::seconds(30);
    let logs = &sandbox.logs;
    // 60 lines in the last 9 seconds, 90 a minute and a half back (before the second step's
    // 60 seconds), one at the tail's own instant, and some in a group not picked.
    let recent = spaced(since - Duration::seconds(9), 60, 100, "recent");
    let older = spaced(since - Duration::seconds(90), 90, 100, "older");
    logs.append(&group(API), "a", &recent).await.unwrap();
    logs.append(&group(THUMBS), "t", &older).await.unwrap();
    logs.append(&group(API), "a", &[(since, "INFO live".to_string())])
        .await
        .unwrap();
    logs.append(
        &group(SIGNUP),
        "s",
        &spaced(since - Duration::seconds(5), 5, 10, "other"),
    )
    .await
    .unwrap();
    let (shown, earlier) = backlog_of(&sandbox, &[API, THUMBS], since).await;
    assert_eq!(earlier, Earlier::Read(BACKLOG_LINES));
    let mut expected: Vec<String> = (50..90).map(|i| format!("INFO older {i}")).collect();
    expected.extend((0..60).map(|i| format!("INFO recent {i}")));
    assert_eq!(shown, expected);
    // A quiet group: what there is of the ten minutes, and nothing older.
    logs.append(
        &group(SIGNUP),
        "s",
        &[
            (since - Duration::minutes(11), "INFO too old".to_string()),
            (since - Duration::minutes(9), "INFO quiet".to_string()),
        ],
    )
    .await
    .unwrap();
    let (shown, earlier) = backlog_of(&sandbox, &[SIGNUP], since).await;
    assert_eq!(earlier, Earlier::Read(6));
    assert_eq!(shown[0], "INFO quiet");
    assert_eq!(shown[5], "INFO other 4");
    // Nothing at all.
    let (shown, earlier) = backlog_of(&sandbox, &[API], since - Duration::hours(1)).await;
    assert_eq!((shown.len(), earlier), (0, Earlier::Read(0)));
}

/// Too many lines in a step to find its newest: the step is left out, and the pane is told
/// when that leaves nothing.
#[tokio::test]
async fn a_backlog_step_with_too_many_lines_is_left_out() {
    use crate::app::logs::Earlier;
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::open(dir.path()).await.unwrap();
    let since = Utc::now() - Duration::seconds(30);
    let logs = &sandbox.logs;
    // Thumbnails: more than the backlog reads in its last ten seconds.
    let flood = spaced(since - Duration::seconds(8), 10_001, 0, "flood");
    logs.append(&group(THUMBS), "t", &flood).await.unwrap();
    let (shown, earlier) = backlog_of(&sandbox, &[THUMBS], since).await;
    assert_eq!((shown.len(), earlier), (0, Earlier::TooMany));
    // The API: three calm lines in its last seconds, a flood half a minute back.
    let flood = spaced(since - Duration::seconds(30), 10_001, 0, "flood");
    logs.append(&group(API), "a", &flood).await.unwrap();
    let calm = spaced(since - Duration::seconds(2), 3, 10, "calm");
    logs.append(&group(API), "a", &calm).await.unwrap();
    let (shown, earlier) = backlog_of(&sandbox, &[API], since).await;
    assert_eq!(earlier, Earlier::Read(3));
    assert_eq!(shown, ["INFO calm 0", "INFO calm 1", "INFO calm 2"]);
}

/// A line stamped while the tail was opening can come both in the backlog and from the tail:
/// it is shown once, and a line repeated more often than the backlog held it still shows.
#[test]
fn the_tail_drops_what_the_backlog_already_showed_each_once() {
    let since = Utc::now();
    let opened = since + Duration::milliseconds(300);
    let ev = |ms: i64, stream: &str, text: &str| LogEvent {
        group: API.into(),
        stream: stream.into(),
        timestamp: since + Duration::milliseconds(ms),
        ingested_at: None,
        message: text.into(),
        event_id: format!("{stream}-{ms}-{text}"),
    };
    let backlog = [
        ev(-5_000, "s", "before"),
        ev(10, "s", "a"),
        ev(20, "s", "b"),
        ev(20, "s", "b"),
    ];
    let mut overlap = super::Overlap::new(since, opened, &backlog);
    let mut from_tail = vec![
        ev(-5_000, "s", "before"),
        ev(10, "s", "a"),
        ev(10, "other", "a"),
        ev(20, "s", "b"),
        ev(20, "s", "b"),
        ev(20, "s", "b"),
        ev(400, "s", "a"),
    ];
    overlap.drop_repeats(&mut from_tail);
    let left: Vec<&str> = from_tail.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(left, ["s--5000-before", "other-10-a", "s-20-b", "s-400-a"]);
    // Seen once, dropped once: the same line again is new.
    let mut again = vec![ev(10, "s", "a")];
    overlap.drop_repeats(&mut again);
    assert_eq!(again.len(), 1);
}

/// The sandbox's log store, counting the reads that are under way at once.
struct Counting<'a> {
    inner: &'a dyn LogSource,
    now: std::sync::atomic::AtomicUsize,
    most: std::sync::atomic::AtomicUsize,
}

#[async_trait::async_trait]
impl LogSource for Counting<'_> {
    async fn list_groups(&self, prefix: &str, page: PageRequest) -> DomainResult<Page<LogGroup>> {
        self.inner.list_groups(prefix, page).await
    }

    async fn list_streams(
        &self,
        group: &LogGroupName,
        page: PageRequest,
    ) -> DomainResult<Page<LogStream>> {
        self.inner.list_streams(group, page).await
    }

    async fn filter_events(
        &self,
        group: &LogGroupName,
        window: TimeWindow,
        pattern: Option<&FilterPattern>,
        page: PageRequest,
    ) -> DomainResult<Page<LogEvent>> {
        use std::sync::atomic::Ordering::SeqCst;
        let now = self.now.fetch_add(1, SeqCst) + 1;
        self.most.fetch_max(now, SeqCst);
        // Long enough for the other groups' reads to begin if they are going to.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let page = self.inner.filter_events(group, window, pattern, page).await;
        self.now.fetch_sub(1, SeqCst);
        page
    }

    async fn stream_events(
        &self,
        group: &LogGroupName,
        stream: &str,
        window: TimeWindow,
        pattern: Option<&FilterPattern>,
        page: PageRequest,
    ) -> DomainResult<Page<LogEvent>> {
        self.inner
            .stream_events(group, stream, window, pattern, page)
            .await
    }

    async fn tail(&self, request: TailRequest) -> DomainResult<TailStream> {
        self.inner.tail(request).await
    }
}

/// A read across groups asks every group for its page side by side (on AWS each is a round
/// trip), and still hands the events out in time order.
#[tokio::test]
async fn a_merged_read_asks_the_groups_side_by_side_and_keeps_time_order() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::open(dir.path()).await.unwrap();
    let from = Utc::now() - Duration::minutes(3);
    for (i, g) in [API, THUMBS, SIGNUP].into_iter().enumerate() {
        // Interleaved: group i writes at i, i + 3, i + 6, ... milliseconds.
        let lines: Vec<(DateTime<Utc>, String)> = (0..5)
            .map(|n| {
                let ms = (n * 3 + i) as i64;
                (from + Duration::milliseconds(ms), format!("INFO {ms}"))
            })
            .collect();
        sandbox.logs.append(&group(g), "s", &lines).await.unwrap();
    }
    let counting = Counting {
        inner: &sandbox.logs,
        now: Default::default(),
        most: Default::default(),
    };
    let groups = [group(API), group(THUMBS), group(SIGNUP)];
    let window = TimeWindow::new(from - Duration::seconds(1), Utc::now()).unwrap();
    let mut merged = super::Merged::new(&counting, &groups, window, None);
    let mut shown = Vec::new();
    while let Some(event) = merged.next().await.unwrap() {
        shown.push(event.message);
    }
    let expected: Vec<String> = (0..15).map(|ms| format!("INFO {ms}")).collect();
    assert_eq!(shown, expected);
    assert_eq!(counting.most.load(std::sync::atomic::Ordering::SeqCst), 3);
}

/// A group that is not there (mistyped in the settings) is said and left out, and the others
/// are read: one such group failed the whole query and the whole tail.
#[tokio::test]
async fn a_missing_group_is_left_out_and_the_others_read() {
    use crate::app::logs::{FeedSpec, Window, feed_channel};
    use backoffice_domain::model::TailItem;
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::open(dir.path()).await.unwrap();
    let now = Utc::now();
    sandbox
        .logs
        .append(
            &group(API),
            "s",
            &[(now - Duration::minutes(2), "INFO still here".to_string())],
        )
        .await
        .unwrap();
    let typo = "/aws/lambda/apii";
    for window in [Window::Last { seconds: 600 }, Window::Live] {
        let (tx, mut rx) = mpsc::channel(64);
        let (handle, stop) = feed_channel();
        let mut out = super::Out {
            request: RequestId(7),
            events: &tx,
            stop,
            sent: false,
        };
        let spec = FeedSpec {
            groups: vec![group(typo), group(API)],
            window: window.clone(),
            pattern: None,
        };
        let read = super::feed(&sandbox.logs, spec, 1_000, &mut out);
        let mut items = Vec::new();
        let collect = async {
            while let Some(AppEvent::Logs(event)) = rx.recv().await {
                if let LogsEvent::Batch { items: got, .. } = event {
                    items.extend(got);
                }
                let lines = items
                    .iter()
                    .any(|i| matches!(i, TailItem::Events(e) if !e.is_empty()));
                if lines {
                    break;
                }
            }
        };
        let result = tokio::time::timeout(PATIENCE, async {
            tokio::select! {
                r = read => Some(r),
                () = collect => None,
            }
        })
        .await
        .expect("the read answers");
        drop(handle);
        if let Some(r) = result {
            assert!(r.is_ok(), "{window:?}: {r:?}");
        }
        // What the read sent before it finished.
        while let Ok(AppEvent::Logs(LogsEvent::Batch { items: got, .. })) = rx.try_recv() {
            items.extend(got);
        }
        assert!(
            matches!(&items[0], TailItem::GroupMissing { group } if group == typo),
            "{window:?}: {items:?}"
        );
        assert!(
            items.iter().any(|i| matches!(i, TailItem::Events(e)
                if e.iter().any(|e| e.message == "INFO still here"))),
            "{window:?}: {items:?}"
        );
    }
}
