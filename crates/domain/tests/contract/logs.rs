//! The log source's contract, run on the sandbox log store and on the CloudWatch adapter (on
//! moto, polling: moto has no Live Tail). Each behaviour reads through the port and writes
//! through a [`LogFixture`], since the port itself only reads.
//!
//! moto's FilterLogEvents understands single terms and quoted phrases only: it reads `-term`
//! and `?term` as words and returns every event for JSON patterns, and it returns a group's
//! events stream by stream instead of interleaved by time (the adapter puts each page in time
//! order, so the filter's order is held on both). Tests that meet those gaps exist
//! twice: the sandbox variant asserts CloudWatch's semantics (also unit-tested on the pattern
//! model), and the moto variant, named after the gap, asserts what moto really does.

use async_trait::async_trait;
use backoffice_domain::DomainError;
use backoffice_domain::adapters::aws::CloudWatchLogSource;
use backoffice_domain::model::*;
use backoffice_domain::ports::LogSource;
use chrono::{DateTime, Duration, DurationRound, Utc};
use futures::StreamExt;
use std::collections::HashSet;
use std::sync::Arc;

/// What a test needs from a backend: the port to read, and a way to write.
#[async_trait]
pub trait LogFixture: Send + Sync {
    fn source(&self) -> Arc<dyn LogSource>;
    /// Where this test's groups live: empty on a fresh sandbox, unique per test on moto, whose
    /// state every test shares.
    fn prefix(&self) -> &str;
    async fn create_group(&self, group: &LogGroupName);
    /// Writes events, creating the group and the stream when missing.
    async fn append(&self, group: &LogGroupName, stream: &str, events: &[(DateTime<Utc>, String)]);

    /// The test's name for a group, under this fixture's prefix.
    fn name(&self, name: &str) -> String {
        format!("{}{name}", self.prefix())
    }

    fn group(&self, name: &str) -> LogGroupName {
        LogGroupName::parse(self.name(name)).unwrap()
    }
}

pub struct SandboxLogs {
    harness: crate::support::SandboxHarness,
}

impl SandboxLogs {
    pub async fn new() -> Self {
        Self {
            harness: crate::support::empty_sandbox().await,
        }
    }
}

#[async_trait]
impl LogFixture for SandboxLogs {
    fn source(&self) -> Arc<dyn LogSource> {
        Arc::new(self.harness.sandbox.logs.clone())
    }

    fn prefix(&self) -> &str {
        ""
    }

    async fn create_group(&self, group: &LogGroupName) {
        self.harness.sandbox.logs.create_group(group).await.unwrap();
    }

    async fn append(&self, group: &LogGroupName, stream: &str, events: &[(DateTime<Utc>, String)]) {
        self.harness
            .sandbox
            .logs
            .append(group, stream, events)
            .await
            .unwrap();
    }
}

pub struct MotoLogs {
    source: CloudWatchLogSource,
    prefix: String,
}

impl MotoLogs {
    pub async fn new() -> Self {
        Self {
            source: CloudWatchLogSource::new(&crate::support::moto_context().await),
            prefix: format!("/{}", crate::support::unique_name("logs")),
        }
    }
}

#[async_trait]
impl LogFixture for MotoLogs {
    fn source(&self) -> Arc<dyn LogSource> {
        Arc::new(self.source.clone())
    }

    fn prefix(&self) -> &str {
        &self.prefix
    }

    async fn create_group(&self, group: &LogGroupName) {
        self.source.create_group(group).await.unwrap();
    }

    async fn append(&self, group: &LogGroupName, stream: &str, events: &[(DateTime<Utc>, String)]) {
        self.source.create_group(group).await.unwrap();
        self.source.put_events(group, stream, events).await.unwrap();
    }
}

/// Runs behaviours on the sandbox (always) and on moto (ignored unless services run).
macro_rules! contract {
    (
        both: [$($both:ident),* $(,)?],
        sandbox_only: [$($sandbox:ident),* $(,)?],
        moto_only: [$($moto:ident),* $(,)?] $(,)?
    ) => {
        mod sandbox {
            $(
                #[tokio::test]
                async fn $both() {
                    super::$both(&super::SandboxLogs::new().await).await;
                }
            )*
            $(
                #[tokio::test]
                async fn $sandbox() {
                    super::$sandbox(&super::SandboxLogs::new().await).await;
                }
            )*
        }

        mod moto {
            $(
                #[tokio::test]
                #[ignore = "needs services: tests/run.sh"]
                async fn $both() {
                    super::$both(&super::MotoLogs::new().await).await;
                }
            )*
            $(
                #[tokio::test]
                #[ignore = "needs services: tests/run.sh"]
                async fn $moto() {
                    super::$moto(&super::MotoLogs::new().await).await;
                }
            )*
        }
    };
}

contract!(
    both: [
        groups_list_by_prefix_with_paging,
        streams_list_most_recent_first,
        filter_returns_the_window_oldest_first_across_pages,
        filter_window_includes_its_start_and_excludes_its_end,
        tail_follows_new_events_across_groups_without_old_ones,
        tail_merges_three_groups_in_time_order_once_each,
        tail_interleaves_the_streams_of_a_group_by_time,
        filter_interleaves_streams_by_time,
        tail_applies_the_pattern,
        unknown_group_is_not_found,
        stream_events_read_one_stream_of_the_group,
        a_line_without_an_id_belongs_to_the_request_its_stream_was_running,
    ],
    sandbox_only: [
        filter_pattern_uses_cloudwatch_plain_term_semantics,
        json_pattern_is_refused_clearly_in_the_sandbox,
    ],
    moto_only: [
        filter_pattern_moto_ignores_minus_and_question_terms,
        filter_pattern_moto_ignores_json_patterns,
    ],
);

fn at(base: DateTime<Utc>, ms: i64) -> DateTime<Utc> {
    base + Duration::milliseconds(ms)
}

/// Now, at the millisecond precision CloudWatch keeps.
fn now_ms() -> DateTime<Utc> {
    Utc::now()
        .duration_trunc(Duration::milliseconds(1))
        .unwrap()
}

fn names(groups: &[LogGroup]) -> Vec<&str> {
    groups.iter().map(|g| g.name.as_str()).collect()
}

async fn all_events(
    logs: &dyn LogSource,
    group: &LogGroupName,
    window: TimeWindow,
    pattern: Option<&FilterPattern>,
    page_size: u32,
) -> Vec<LogEvent> {
    let mut seen = Vec::new();
    let mut page = PageRequest::first(page_size);
    loop {
        // A page may be empty and still have a cursor; only a missing cursor ends the listing.
        let got = logs
            .filter_events(group, window, pattern, page)
            .await
            .unwrap();
        seen.extend(got.items);
        match got.next {
            Some(c) => page = PageRequest::after(c, page_size),
            None => return seen,
        }
    }
}

async fn messages(
    logs: &dyn LogSource,
    group: &LogGroupName,
    window: TimeWindow,
    pattern: &str,
) -> Vec<String> {
    let pattern = FilterPattern::parse(pattern).unwrap();
    all_events(logs, group, window, Some(&pattern), 100)
        .await
        .into_iter()
        .map(|e| e.message)
        .collect()
}

async fn groups_list_by_prefix_with_paging(fx: &dyn LogFixture) {
    let logs = fx.source();
    for name in [
        "/aws/lambda/a",
        "/aws/lambda/b",
        "/aws/lambda/c",
        "/ecs/other",
    ] {
        fx.create_group(&fx.group(name)).await;
    }
    let prefix = fx.name("/aws/lambda/");
    let first = logs
        .list_groups(&prefix, PageRequest::first(2))
        .await
        .unwrap();
    assert_eq!(
        names(&first.items),
        vec![fx.name("/aws/lambda/a"), fx.name("/aws/lambda/b")]
    );
    let second = logs
        .list_groups(&prefix, PageRequest::after(first.next.clone().unwrap(), 2))
        .await
        .unwrap();
    assert_eq!(names(&second.items), vec![fx.name("/aws/lambda/c")]);
    assert!(second.next.is_none());
    let err = logs
        .list_groups(
            &fx.name("/ecs/"),
            PageRequest::after(first.next.unwrap(), 2),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, DomainError::Invalid(ref i) if i.field == "cursor"),
        "a cursor of another prefix is refused: {err}"
    );
}

async fn streams_list_most_recent_first(fx: &dyn LogFixture) {
    let logs = fx.source();
    let g = fx.group("/aws/lambda/s");
    let base = now_ms() - Duration::hours(1);
    fx.append(&g, "old", &[(at(base, 0), "a".into())]).await;
    fx.append(&g, "new", &[(at(base, 5_000), "b".into())]).await;
    fx.append(&g, "middle", &[(at(base, 2_000), "c".into())])
        .await;
    let streams = logs.list_streams(&g, PageRequest::first(10)).await.unwrap();
    assert_eq!(
        streams
            .items
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        vec!["new", "middle", "old"]
    );
    assert_eq!(streams.items[0].last_event_at, Some(at(base, 5_000)));
    let first = logs.list_streams(&g, PageRequest::first(2)).await.unwrap();
    let rest = logs
        .list_streams(&g, PageRequest::after(first.next.unwrap(), 2))
        .await
        .unwrap();
    assert_eq!(
        rest.items
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        vec!["old"]
    );
}

async fn filter_returns_the_window_oldest_first_across_pages(fx: &dyn LogFixture) {
    let logs = fx.source();
    let g = fx.group("/aws/lambda/w");
    let base = now_ms() - Duration::hours(1);
    let events: Vec<(DateTime<Utc>, String)> = (0..30)
        .map(|i| (at(base, i * 1000), format!("line {i}")))
        .collect();
    fx.append(&g, "s1", &events[..15]).await;
    fx.append(&g, "s2", &events[15..]).await;
    let window = TimeWindow::new(at(base, 5_000), at(base, 25_000)).unwrap();
    let seen: Vec<String> = all_events(logs.as_ref(), &g, window, None, 6)
        .await
        .into_iter()
        .map(|e| e.message)
        .collect();
    let expected: Vec<String> = (5..25).map(|i| format!("line {i}")).collect();
    assert_eq!(seen, expected);
}

async fn filter_window_includes_its_start_and_excludes_its_end(fx: &dyn LogFixture) {
    let logs = fx.source();
    let g = fx.group("/aws/lambda/edges");
    let base = now_ms() - Duration::minutes(30);
    let events: Vec<(DateTime<Utc>, String)> = [-1, 0, 1, 99, 100, 101]
        .into_iter()
        .map(|ms| (at(base, ms), format!("at {ms}")))
        .collect();
    fx.append(&g, "s", &events).await;
    let window = TimeWindow::new(at(base, 0), at(base, 100)).unwrap();
    let seen: Vec<String> = all_events(logs.as_ref(), &g, window, None, 100)
        .await
        .into_iter()
        .map(|e| e.message)
        .collect();
    assert_eq!(seen, vec!["at 0", "at 1", "at 99"]);
}

async fn filter_pattern_uses_cloudwatch_plain_term_semantics(fx: &dyn LogFixture) {
    let (logs, g, window) = pattern_lines(fx).await;
    let logs = logs.as_ref();
    assert_eq!(
        messages(logs, &g, window, "ERROR").await,
        vec!["ERROR db timeout", "ERROR will retry"]
    );
    assert_eq!(
        messages(logs, &g, window, "ERROR -retry").await,
        vec!["ERROR db timeout"]
    );
    assert_eq!(
        messages(logs, &g, window, "?WARN ?timeout").await,
        vec!["ERROR db timeout", "WARN slow query"]
    );
    assert_eq!(
        messages(logs, &g, window, "\"Server Error\"").await,
        vec!["Internal Server Error"]
    );
    assert!(
        messages(logs, &g, window, "error").await.is_empty(),
        "terms are case-sensitive"
    );
}

const PATTERN_LINES: [&str; 5] = [
    "ERROR db timeout",
    "ERROR will retry",
    "WARN slow query",
    "INFO ok",
    "Internal Server Error",
];

async fn pattern_lines(fx: &dyn LogFixture) -> (Arc<dyn LogSource>, LogGroupName, TimeWindow) {
    let g = fx.group("/aws/lambda/p");
    let base = now_ms() - Duration::minutes(10);
    let events: Vec<(DateTime<Utc>, String)> = PATTERN_LINES
        .iter()
        .enumerate()
        .map(|(i, l)| (at(base, i as i64), l.to_string()))
        .collect();
    fx.append(&g, "s", &events).await;
    let window = TimeWindow::new(base, Utc::now()).unwrap();
    (fx.source(), g, window)
}

/// moto applies single terms and quoted phrases as CloudWatch does, but takes `-retry` for a
/// word that must appear and returns everything for a pattern starting with `?`. The sandbox
/// variant above and the pattern model's unit tests cover the real semantics.
async fn filter_pattern_moto_ignores_minus_and_question_terms(fx: &dyn LogFixture) {
    let (logs, g, window) = pattern_lines(fx).await;
    let logs = logs.as_ref();
    assert_eq!(
        messages(logs, &g, window, "ERROR").await,
        vec!["ERROR db timeout", "ERROR will retry"]
    );
    assert_eq!(
        messages(logs, &g, window, "\"Server Error\"").await,
        vec!["Internal Server Error"]
    );
    assert!(messages(logs, &g, window, "error").await.is_empty());
    // CloudWatch: ["ERROR db timeout"]. moto: no line contains the word "-retry".
    assert!(messages(logs, &g, window, "ERROR -retry").await.is_empty());
    // CloudWatch: the timeout and WARN lines. moto: every line.
    assert_eq!(
        messages(logs, &g, window, "?WARN ?timeout").await,
        PATTERN_LINES.to_vec()
    );
}

/// The adapter hands JSON patterns to CloudWatch instead of refusing them as the sandbox does;
/// moto then returns every event. CloudWatch would return the ERROR line only.
async fn filter_pattern_moto_ignores_json_patterns(fx: &dyn LogFixture) {
    let g = fx.group("/aws/lambda/json");
    let base = now_ms() - Duration::minutes(5);
    fx.append(
        &g,
        "s",
        &[
            (at(base, 0), r#"{"level":"INFO","msg":"ok"}"#.into()),
            (at(base, 1), r#"{"level":"ERROR","msg":"boom"}"#.into()),
        ],
    )
    .await;
    let window = TimeWindow::new(base, Utc::now()).unwrap();
    let got = messages(fx.source().as_ref(), &g, window, "{ $.level = \"ERROR\" }").await;
    assert_eq!(got.len(), 2, "{got:?}");
}

async fn json_pattern_is_refused_clearly_in_the_sandbox(fx: &dyn LogFixture) {
    let logs = fx.source();
    let g = fx.group("/aws/lambda/j");
    fx.create_group(&g).await;
    let pattern = FilterPattern::parse("{ $.level = \"ERROR\" }").unwrap();
    let window = TimeWindow::last(Duration::minutes(5));
    let err = logs
        .filter_events(&g, window, Some(&pattern), PageRequest::first(10))
        .await
        .unwrap_err();
    assert!(
        matches!(err, DomainError::Unsupported(ref m) if m.contains("plain")),
        "{err}"
    );
}

/// Two streams whose events alternate in time.
async fn alternating_streams(fx: &dyn LogFixture, name: &str) -> (LogGroupName, DateTime<Utc>) {
    let g = fx.group(name);
    let base = now_ms() - Duration::minutes(5);
    fx.append(
        &g,
        "s1",
        &[(at(base, 0), "t0".into()), (at(base, 2), "t2".into())],
    )
    .await;
    fx.append(
        &g,
        "s2",
        &[(at(base, 1), "t1".into()), (at(base, 3), "t3".into())],
    )
    .await;
    (g, base)
}

/// A group's streams come interleaved by time: CloudWatch does so, moto answers stream by
/// stream, and the adapter puts each page in time order.
async fn filter_interleaves_streams_by_time(fx: &dyn LogFixture) {
    let (g, base) = alternating_streams(fx, "/aws/lambda/il").await;
    let window = TimeWindow::new(base, at(base, 10)).unwrap();
    let got: Vec<String> = all_events(fx.source().as_ref(), &g, window, None, 100)
        .await
        .into_iter()
        .map(|e| e.message)
        .collect();
    assert_eq!(got, vec!["t0", "t1", "t2", "t3"]);
}

async fn next_item(tail: &mut TailStream) -> TailItem {
    tokio::time::timeout(std::time::Duration::from_secs(10), tail.next())
        .await
        .expect("the tail delivers within 10 s")
        .expect("the tail is still open")
        .expect("no error")
}

async fn next_events(tail: &mut TailStream) -> Vec<LogEvent> {
    match next_item(tail).await {
        TailItem::Events(events) => events,
        other => panic!("expected events, got {other:?}"),
    }
}

/// Reads until `count` events arrived, then makes sure nothing more comes for `quiet`.
async fn exactly_events(
    tail: &mut TailStream,
    count: usize,
    quiet: std::time::Duration,
) -> Vec<LogEvent> {
    let mut got = Vec::new();
    while got.len() < count {
        got.extend(next_events(tail).await);
    }
    if let Ok(more) = tokio::time::timeout(quiet, tail.next()).await {
        panic!("nothing more was written, yet the tail sent {more:?}");
    }
    got
}

async fn tail_follows_new_events_across_groups_without_old_ones(fx: &dyn LogFixture) {
    let logs = fx.source();
    let a = fx.group("/aws/lambda/ta");
    let b = fx.group("/aws/lambda/tb");
    let old = now_ms() - Duration::hours(2);
    fx.append(&a, "s", &[(old, "old line".into())]).await;
    fx.create_group(&b).await;
    let request = TailRequest::new(
        vec![a.clone(), b.clone()],
        Utc::now() - Duration::minutes(1),
        None,
    )
    .unwrap();
    let mut tail = logs.tail(request).await.unwrap();
    let now = now_ms();
    fx.append(&b, "s", &[(now, "from b".into())]).await;
    fx.append(&a, "s", &[(at(now, 1), "from a".into())]).await;
    let mut got = Vec::new();
    while got.len() < 2 {
        got.extend(
            next_events(&mut tail)
                .await
                .into_iter()
                .map(|e| (e.group, e.message)),
        );
    }
    assert_eq!(
        got,
        vec![
            (b.to_string(), "from b".to_string()),
            (a.to_string(), "from a".to_string())
        ]
    );
}

/// Three groups written after the tail started, their events interleaved in time and each
/// group written in one call: the tail sends every event once, in time order, and nothing
/// older than its start.
async fn tail_merges_three_groups_in_time_order_once_each(fx: &dyn LogFixture) {
    let logs = fx.source();
    let groups: Vec<LogGroupName> = ["m0", "m1", "m2"]
        .iter()
        .map(|n| fx.group(&format!("/aws/lambda/{n}")))
        .collect();
    let old = now_ms() - Duration::hours(2);
    for g in &groups {
        fx.append(g, "s", &[(old, format!("old {g}"))]).await;
    }
    let request =
        TailRequest::new(groups.clone(), Utc::now() - Duration::minutes(1), None).unwrap();
    let mut tail = logs.tail(request).await.unwrap();
    let base = now_ms();
    const PER_GROUP: i64 = 10;
    for (gi, g) in groups.iter().enumerate() {
        let events: Vec<(DateTime<Utc>, String)> = (0..PER_GROUP)
            .map(|k| {
                let ms = k * 3 + gi as i64;
                (at(base, ms), format!("event {ms:02}"))
            })
            .collect();
        fx.append(g, "s", &events).await;
    }
    let total = 3 * PER_GROUP as usize;
    let got = exactly_events(&mut tail, total, std::time::Duration::from_secs(3)).await;
    let got_messages: Vec<&str> = got.iter().map(|e| e.message.as_str()).collect();
    let expected: Vec<String> = (0..total).map(|ms| format!("event {ms:02}")).collect();
    assert_eq!(got_messages, expected);
    let ids: HashSet<(&str, &str)> = got
        .iter()
        .map(|e| (e.group.as_str(), e.event_id.as_str()))
        .collect();
    assert_eq!(ids.len(), total, "event ids are unique");
    for e in &got {
        let gi = e.message[6..].parse::<usize>().unwrap() % 3;
        assert_eq!(
            e.group,
            groups[gi].as_str(),
            "{} came from its group",
            e.message
        );
    }
}

async fn tail_interleaves_the_streams_of_a_group_by_time(fx: &dyn LogFixture) {
    let logs = fx.source();
    let g = fx.group("/aws/lambda/ti");
    fx.create_group(&g).await;
    let request =
        TailRequest::new(vec![g.clone()], Utc::now() - Duration::minutes(1), None).unwrap();
    let mut tail = logs.tail(request).await.unwrap();
    let base = now_ms();
    fx.append(
        &g,
        "s1",
        &[(at(base, 0), "t0".into()), (at(base, 2), "t2".into())],
    )
    .await;
    fx.append(
        &g,
        "s2",
        &[(at(base, 1), "t1".into()), (at(base, 3), "t3".into())],
    )
    .await;
    let got = exactly_events(&mut tail, 4, std::time::Duration::from_secs(3)).await;
    assert_eq!(
        got.iter().map(|e| e.message.as_str()).collect::<Vec<_>>(),
        vec!["t0", "t1", "t2", "t3"]
    );
}

async fn tail_applies_the_pattern(fx: &dyn LogFixture) {
    let logs = fx.source();
    let g = fx.group("/aws/lambda/tp");
    fx.create_group(&g).await;
    let request = TailRequest::new(
        vec![g.clone()],
        Utc::now() - Duration::seconds(5),
        Some(FilterPattern::parse("ERROR").unwrap()),
    )
    .unwrap();
    let mut tail = logs.tail(request).await.unwrap();
    let now = now_ms();
    fx.append(
        &g,
        "s",
        &[(now, "INFO fine".into()), (now, "ERROR broken".into())],
    )
    .await;
    let events = next_events(&mut tail).await;
    assert_eq!(
        events
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>(),
        vec!["ERROR broken"]
    );
}

async fn unknown_group_is_not_found(fx: &dyn LogFixture) {
    let logs = fx.source();
    let g = fx.group("/aws/lambda/none");
    let is_not_found = |err: DomainError| {
        assert!(
            matches!(err, DomainError::NotFound(ref what) if what.contains(g.as_str())),
            "{err}"
        );
    };
    is_not_found(
        logs.list_streams(&g, PageRequest::first(1))
            .await
            .unwrap_err(),
    );
    is_not_found(
        logs.filter_events(
            &g,
            TimeWindow::last(Duration::minutes(5)),
            None,
            PageRequest::first(1),
        )
        .await
        .unwrap_err(),
    );
    let request = TailRequest::new(vec![g.clone()], Utc::now(), None).unwrap();
    is_not_found(logs.tail(request).await.err().unwrap());
}

/// One stream's events, across pages, and none of the other stream's.
async fn stream_events_read_one_stream_of_the_group(fx: &dyn LogFixture) {
    let (g, base) = alternating_streams(fx, "/aws/lambda/one-stream").await;
    let window = TimeWindow::new(base, at(base, 10)).unwrap();
    let logs = fx.source();
    let mut seen = Vec::new();
    let mut page = PageRequest::first(1);
    loop {
        let got = logs
            .stream_events(&g, "s2", window, None, page)
            .await
            .unwrap();
        seen.extend(got.items);
        match got.next {
            Some(c) => page = PageRequest::after(c, 1),
            None => break,
        }
    }
    let got: Vec<(&str, &str)> = seen
        .iter()
        .map(|e| (e.stream.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(got, [("s2", "t1"), ("s2", "t3")]);
}

/// A panic carries no request id: its stream says which request it interrupted, even when
/// another stream of the group started one in between, and that a line after a request's end
/// belongs to none.
async fn a_line_without_an_id_belongs_to_the_request_its_stream_was_running(fx: &dyn LogFixture) {
    use backoffice_domain::services::running::{Running, running_at};
    let g = fx.group("/aws/lambda/panics");
    let base = now_ms() - Duration::minutes(3);
    let (a, b, c) = (
        "0f5e2a1c-0d7b-4c1e-9a3f-00000000000a",
        "0f5e2a1c-0d7b-4c1e-9a3f-00000000000b",
        "0f5e2a1c-0d7b-4c1e-9a3f-00000000000c",
    );
    fx.append(
        &g,
        "env-1",
        &[
            (
                at(base, 0),
                format!("START RequestId: {a} Version: $LATEST"),
            ),
            (at(base, 5), format!("END RequestId: {a}")),
            (
                at(base, 10),
                format!("START RequestId: {b} Version: $LATEST"),
            ),
            (
                at(base, 30),
                "thread 'main' panicked at src/main.rs:4:5".into(),
            ),
        ],
    )
    .await;
    fx.append(
        &g,
        "env-2",
        &[(
            at(base, 20),
            format!("START RequestId: {c} Version: $LATEST"),
        )],
    )
    .await;
    let logs = fx.source();
    let running = running_at(logs.as_ref(), &g, "env-1", at(base, 30))
        .await
        .unwrap();
    assert_eq!(
        running,
        Running::Request {
            id: b.into(),
            started: at(base, 10),
        }
    );
    // Between a's end and b's start: no request was running.
    let between = running_at(logs.as_ref(), &g, "env-1", at(base, 7))
        .await
        .unwrap();
    assert_eq!(between, Running::Between { last: a.into() });
    // A request that started more than 10 s before the line and ended within them: the
    // stretch that holds its end is read before the one that holds its start.
    let d = "0f5e2a1c-0d7b-4c1e-9a3f-00000000000d";
    fx.append(
        &g,
        "env-3",
        &[
            (
                at(base, 0),
                format!("START RequestId: {d} Version: $LATEST"),
            ),
            (at(base, 15_000), format!("END RequestId: {d}")),
            (
                at(base, 15_001),
                format!("REPORT RequestId: {d}\tDuration: 15000.00 ms"),
            ),
            (at(base, 20_000), "extension: telemetry flushed".into()),
        ],
    )
    .await;
    let after = running_at(logs.as_ref(), &g, "env-3", at(base, 20_000))
        .await
        .unwrap();
    assert_eq!(after, Running::Between { last: d.into() });
    // Before anything: nothing started.
    let before = running_at(logs.as_ref(), &g, "env-2", at(base, 19))
        .await
        .unwrap();
    assert_eq!(before, Running::Nothing);
}
