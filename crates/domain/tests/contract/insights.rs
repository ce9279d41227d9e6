//! The Logs Insights port's contract, on the sandbox (`SandboxInsights`, always) and on the
//! CloudWatch adapter (`CloudWatchInsights`) two ways.
//!
//! **On moto** (`moto::*`, ignored without the full run). moto 5.2.5 implements StartQuery and
//! GetQueryResults only, and of the language only `fields`, `sort` (on `@timestamp`) and
//! `limit`: it ignores `filter`, `stats` and every other command, checks no syntax, sends no
//! statistics, gives `@timestamp` as epoch milliseconds and `@ptr` first in a row, and answers
//! a 500 for an unknown query id, StopQuery, GetLogRecord and the query definitions. So the
//! lifecycle and the plain queries run on both backends with the same assertions
//! (`a_plain_query_completes_with_the_newest_rows_first`,
//! `sort_ascending_and_limit_take_the_oldest`, `a_query_reads_every_group_it_names_in_time_order`,
//! `the_window_bounds_the_events`, `an_empty_window_completes_with_no_rows`,
//! `an_unknown_group_is_not_found`); what CloudWatch does and moto does not is asserted on the
//! sandbox (`sandbox_only`), and what moto does instead is asserted by a moto test named after
//! the gap (`*_moto_*`).
//!
//! **On recorded answers** (`recorded::*`, always run). For what moto lacks, the adapter is
//! pointed (through `AwsSettings::endpoint_url`) at a loopback server that answers each action,
//! chosen by its `X-Amz-Target` header, with the JSON bodies CloudWatch Logs documents for it,
//! and records each request's body: StopQuery (`success` true and false), GetLogRecord (the
//! record's map, ordered), DescribeQueryDefinitions across two pages, PutQueryDefinition (new,
//! replaced by id, with and without groups), DeleteQueryDefinition (success, `success: false`,
//! ResourceNotFoundException), GetQueryResults of a `stats` query with its statistics (Running
//! then Complete), StartQuery's MalformedQueryException with a `queryCompileError.location`
//! (mapped to `line L, column C`), its LimitExceededException (too many concurrent queries),
//! and GetQueryResults' ResourceNotFoundException for an unknown query.

use async_trait::async_trait;
use backoffice_domain::DomainError;
use backoffice_domain::adapters::aws::{CloudWatchInsights, CloudWatchLogSource};
use backoffice_domain::adapters::sandbox::WINDOW_BATCH;
use backoffice_domain::model::*;
use backoffice_domain::ports::LogInsights;
use chrono::{DateTime, Duration, DurationRound, Utc};
use std::sync::Arc;

/// What a test needs from a backend: the port, and a way to write events.
#[async_trait]
pub trait InsightsFixture: Send + Sync {
    fn insights(&self) -> Arc<dyn LogInsights>;
    /// Where this test's groups live: empty on a fresh sandbox, unique per test on moto.
    fn prefix(&self) -> &str;
    async fn create_group(&self, group: &LogGroupName);
    async fn append(&self, group: &LogGroupName, stream: &str, events: &[(DateTime<Utc>, String)]);

    fn group(&self, name: &str) -> LogGroupName {
        LogGroupName::parse(format!("{}{name}", self.prefix())).unwrap()
    }
}

pub struct SandboxFixture {
    harness: crate::support::SandboxHarness,
}

impl SandboxFixture {
    pub async fn new() -> Self {
        Self {
            harness: crate::support::empty_sandbox().await,
        }
    }
}

#[async_trait]
impl InsightsFixture for SandboxFixture {
    fn insights(&self) -> Arc<dyn LogInsights> {
        Arc::new(self.harness.sandbox.insights.clone())
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

pub struct MotoFixture {
    logs: CloudWatchLogSource,
    insights: CloudWatchInsights,
    prefix: String,
}

impl MotoFixture {
    pub async fn new() -> Self {
        let ctx = crate::support::moto_context().await;
        Self {
            logs: CloudWatchLogSource::new(&ctx),
            insights: CloudWatchInsights::new(&ctx),
            prefix: format!("/{}", crate::support::unique_name("insights")),
        }
    }
}

#[async_trait]
impl InsightsFixture for MotoFixture {
    fn insights(&self) -> Arc<dyn LogInsights> {
        Arc::new(self.insights.clone())
    }

    fn prefix(&self) -> &str {
        &self.prefix
    }

    async fn create_group(&self, group: &LogGroupName) {
        self.logs.create_group(group).await.unwrap();
    }

    async fn append(&self, group: &LogGroupName, stream: &str, events: &[(DateTime<Utc>, String)]) {
        self.logs.create_group(group).await.unwrap();
        self.logs.put_events(group, stream, events).await.unwrap();
    }
}

/// Runs behaviours on the sandbox (always) and on moto (ignored unless services run).
macro_rules! insights_contract {
    (
        both: [$($both:ident),* $(,)?],
        sandbox_only: [$($sandbox:ident),* $(,)?],
        moto_only: [$($moto:ident),* $(,)?] $(,)?
    ) => {
        mod sandbox {
            $(
                #[tokio::test]
                async fn $both() {
                    super::$both(&super::SandboxFixture::new().await).await;
                }
            )*
            $(
                #[tokio::test]
                async fn $sandbox() {
                    super::$sandbox(&super::SandboxFixture::new().await).await;
                }
            )*
        }

        mod moto {
            $(
                #[tokio::test]
                #[ignore = "needs services: tests/run.sh"]
                async fn $both() {
                    super::$both(&super::MotoFixture::new().await).await;
                }
            )*
            $(
                #[tokio::test]
                #[ignore = "needs services: tests/run.sh"]
                async fn $moto() {
                    super::$moto(&super::MotoFixture::new().await).await;
                }
            )*
        }
    };
}

insights_contract!(
    both: [
        a_plain_query_completes_with_the_newest_rows_first,
        sort_ascending_and_limit_take_the_oldest,
        a_query_reads_every_group_it_names_in_time_order,
        the_window_bounds_the_events,
        an_empty_window_completes_with_no_rows,
        an_unknown_group_is_not_found,
    ],
    sandbox_only: [
        rows_carry_cloudwatch_s_timestamp_and_the_pointer_last,
        filter_and_stats_are_evaluated_with_statistics,
        a_query_runs_then_completes_with_growing_statistics,
        a_stopped_query_is_cancelled,
        an_unknown_query_is_not_found,
        a_pointer_reads_back_the_whole_record,
        definitions_are_saved_replaced_listed_by_name_and_deleted,
        a_syntax_error_is_refused_at_start_naming_its_line_and_column,
    ],
    moto_only: [
        a_plain_query_moto_puts_the_pointer_first_and_gives_epoch_millis,
        filter_and_stats_moto_ignores_them,
        a_malformed_query_moto_accepts_it,
        an_unknown_query_moto_fails_with_a_server_error,
    ],
);

/// Now, at the millisecond precision CloudWatch keeps.
fn now_ms() -> DateTime<Utc> {
    Utc::now()
        .duration_trunc(Duration::milliseconds(1))
        .unwrap()
}

/// The last hour and the next: wide enough for events written a few minutes back (StartQuery
/// takes whole seconds).
fn window() -> TimeWindow {
    let now = now_ms();
    TimeWindow::new(now - Duration::hours(1), now + Duration::hours(1)).unwrap()
}

fn query(groups: &[&LogGroupName], text: &str) -> InsightsQuery {
    InsightsQuery::new(
        groups.iter().map(|g| (*g).clone()).collect(),
        window(),
        text,
    )
    .unwrap()
}

/// Polls until the query is final (at most 30 s).
async fn finish(insights: &dyn LogInsights, id: &QueryId) -> QueryResults {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let r = insights.query_results(id).await.unwrap();
        if r.status.is_final() {
            return r;
        }
        assert!(std::time::Instant::now() < deadline, "{id} did not finish");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

async fn run(fx: &dyn InsightsFixture, groups: &[&LogGroupName], text: &str) -> QueryResults {
    let insights = fx.insights();
    let id = insights.start_query(&query(groups, text)).await.unwrap();
    let r = finish(insights.as_ref(), &id).await;
    assert_eq!(r.status, QueryStatus::Complete, "{text}");
    r
}

fn column(r: &QueryResults, field: &str) -> Vec<String> {
    r.rows
        .iter()
        .map(|row| field_of(row, field).unwrap_or_default().to_string())
        .collect()
}

/// Five events `m0`..`m4`, a second apart, ten minutes back.
async fn five(fx: &dyn InsightsFixture, g: &LogGroupName) -> DateTime<Utc> {
    let base = now_ms() - Duration::minutes(10);
    let events: Vec<(DateTime<Utc>, String)> = (0..5)
        .map(|i| (base + Duration::seconds(i), format!("m{i}")))
        .collect();
    fx.append(g, "s", &events).await;
    base
}

async fn a_plain_query_completes_with_the_newest_rows_first(fx: &dyn InsightsFixture) {
    let g = fx.group("/aws/lambda/plain");
    five(fx, &g).await;
    let r = run(
        fx,
        &[&g],
        "fields @timestamp, @message | sort @timestamp desc | limit 3",
    )
    .await;
    assert_eq!(column(&r, "@message"), ["m4", "m3", "m2"]);
    assert_eq!(r.columns(), ["@timestamp", "@message"]);
    assert!(
        r.rows
            .iter()
            .all(|row| field_of(row, "@ptr").is_some_and(|p| !p.is_empty()))
    );
}

async fn sort_ascending_and_limit_take_the_oldest(fx: &dyn InsightsFixture) {
    let g = fx.group("/aws/lambda/asc");
    five(fx, &g).await;
    let r = run(fx, &[&g], "fields @message | sort @timestamp asc | limit 2").await;
    assert_eq!(column(&r, "@message"), ["m0", "m1"]);
}

async fn a_query_reads_every_group_it_names_in_time_order(fx: &dyn InsightsFixture) {
    let a = fx.group("/aws/lambda/a");
    let b = fx.group("/aws/lambda/b");
    let base = now_ms() - Duration::minutes(10);
    let at = |s: i64| base + Duration::seconds(s);
    fx.append(
        &a,
        "s",
        &[
            (at(0), "a0".into()),
            (at(2), "a1".into()),
            (at(4), "a2".into()),
        ],
    )
    .await;
    fx.append(&b, "s", &[(at(1), "b0".into()), (at(3), "b1".into())])
        .await;
    let r = run(
        fx,
        &[&a, &b],
        "fields @message, @log | sort @timestamp desc",
    )
    .await;
    assert_eq!(column(&r, "@message"), ["a2", "b1", "a1", "b0", "a0"]);
    // CloudWatch names a group `account:group`, the sandbox `sandbox:group`.
    let logs = column(&r, "@log");
    assert!(
        logs[0].ends_with(a.as_str()) && logs[1].ends_with(b.as_str()),
        "{logs:?}"
    );
}

async fn the_window_bounds_the_events(fx: &dyn InsightsFixture) {
    let g = fx.group("/aws/lambda/window");
    let now = now_ms();
    fx.append(
        &g,
        "s",
        &[
            (now - Duration::hours(3), "before".into()),
            (now - Duration::minutes(10), "inside".into()),
        ],
    )
    .await;
    let r = run(fx, &[&g], "fields @message").await;
    assert_eq!(column(&r, "@message"), ["inside"]);
}

async fn an_empty_window_completes_with_no_rows(fx: &dyn InsightsFixture) {
    let g = fx.group("/aws/lambda/empty");
    fx.create_group(&g).await;
    let r = run(fx, &[&g], "fields @message").await;
    assert!(r.rows.is_empty(), "{r:?}");
}

async fn an_unknown_group_is_not_found(fx: &dyn InsightsFixture) {
    let g = fx.group("/aws/lambda/never-created");
    let e = fx
        .insights()
        .start_query(&query(&[&g], "fields @message"))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, DomainError::NotFound(m) if m.contains(g.as_str())),
        "{e:?}"
    );
}

// ---- the sandbox: what CloudWatch does and moto does not ----

async fn rows_carry_cloudwatch_s_timestamp_and_the_pointer_last(fx: &dyn InsightsFixture) {
    let g = fx.group("/aws/lambda/exact");
    let base = five(fx, &g).await;
    let r = run(fx, &[&g], "fields @timestamp, @message | limit 1").await;
    let row: Vec<(&str, &str)> = r.rows[0]
        .iter()
        .map(|f| (f.field.as_str(), f.value.as_str()))
        .collect();
    let shown = (base + Duration::seconds(4))
        .format("%Y-%m-%d %H:%M:%S%.3f")
        .to_string();
    assert_eq!(
        row[..2],
        [("@timestamp", shown.as_str()), ("@message", "m4")]
    );
    assert_eq!(row[2].0, "@ptr");
    assert_eq!(row.len(), 3);
}

/// API-like lines: three requests, one failed.
async fn api_lines(fx: &dyn InsightsFixture, g: &LogGroupName) -> Vec<String> {
    let base = now_ms() - Duration::minutes(10);
    let lines: Vec<String> = vec![
        r#"{"level":"INFO","message":"request","requestId":"r-1","route":"/posts"}"#.into(),
        r#"{"level":"ERROR","message":"db timed out","requestId":"r-1","route":"/posts"}"#.into(),
        r#"{"level":"INFO","message":"request","requestId":"r-2","route":"/users"}"#.into(),
        r#"{"level":"ERROR","message":"pool closed","requestId":"r-2","route":"/users"}"#.into(),
        r#"{"level":"ERROR","message":"pool closed","requestId":"r-3","route":"/users"}"#.into(),
        "END RequestId: 8f5b3c1e-6a2d-4a8e-9c3b-1d2e3f4a5b6c".into(),
    ];
    let events: Vec<(DateTime<Utc>, String)> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| (base + Duration::seconds(i as i64), l.clone()))
        .collect();
    fx.append(g, "s", &events).await;
    lines
}

async fn filter_and_stats_are_evaluated_with_statistics(fx: &dyn InsightsFixture) {
    let g = fx.group("/aws/lambda/api");
    let lines = api_lines(fx, &g).await;
    let r = run(
        fx,
        &[&g],
        "filter level = \"ERROR\" | stats count(*) as errors by route | sort errors desc",
    )
    .await;
    let rows: Vec<Vec<(String, String)>> = r
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|f| (f.field.clone(), f.value.clone()))
                .collect()
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            vec![
                ("route".to_string(), "/users".to_string()),
                ("errors".into(), "2".into())
            ],
            vec![
                ("route".to_string(), "/posts".to_string()),
                ("errors".into(), "1".into())
            ],
        ]
    );
    assert_eq!(
        r.stats,
        QueryStats {
            records_matched: 3.0,
            records_scanned: 6.0,
            bytes_scanned: lines.iter().map(String::len).sum::<usize>() as f64,
        }
    );
}

async fn many(fx: &dyn InsightsFixture, g: &LogGroupName, n: usize) {
    let base = now_ms() - Duration::minutes(30);
    let events: Vec<(DateTime<Utc>, String)> = (0..n)
        .map(|i| (base + Duration::milliseconds(i as i64), format!("line {i}")))
        .collect();
    fx.append(g, "s", &events).await;
}

async fn a_query_runs_then_completes_with_growing_statistics(fx: &dyn InsightsFixture) {
    let g = fx.group("/aws/lambda/busy");
    let n = 3 * WINDOW_BATCH as usize + 17;
    many(fx, &g, n).await;
    let insights = fx.insights();
    let id = insights
        .start_query(&query(&[&g], "stats count(*) as n"))
        .await
        .unwrap();
    // The evaluation is a task of its own: until it has run, the query is running, nothing
    // scanned.
    let first = insights.query_results(&id).await.unwrap();
    assert_eq!(first.status, QueryStatus::Running);
    assert_eq!(first.stats, QueryStats::default());
    let mut seen = vec![first];
    loop {
        tokio::task::yield_now().await;
        let r = insights.query_results(&id).await.unwrap();
        let done = r.status.is_final();
        seen.push(r);
        if done {
            break;
        }
    }
    assert!(
        seen.windows(2)
            .all(|w| w[0].stats.records_scanned <= w[1].stats.records_scanned),
        "statistics never go back"
    );
    assert!(
        seen.iter()
            .any(|r| r.status == QueryStatus::Running && r.stats.records_scanned > 0.0),
        "a running query reports what it scanned so far"
    );
    let last = seen.last().unwrap();
    assert_eq!(last.status, QueryStatus::Complete);
    assert_eq!(last.stats.records_scanned, n as f64);
    assert_eq!(column(last, "n"), [n.to_string()]);
}

async fn a_stopped_query_is_cancelled(fx: &dyn InsightsFixture) {
    let g = fx.group("/aws/lambda/stop");
    many(fx, &g, 2 * WINDOW_BATCH as usize).await;
    let insights = fx.insights();
    let id = insights
        .start_query(&query(&[&g], "fields @message"))
        .await
        .unwrap();
    insights.stop_query(&id).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let r = insights.query_results(&id).await.unwrap();
    assert_eq!(r.status, QueryStatus::Cancelled);
    assert!(r.rows.is_empty());
    // A finished query is left as it is.
    insights.stop_query(&id).await.unwrap();
    let done = run(fx, &[&g], "fields @message | limit 1").await;
    let id = insights
        .start_query(&query(&[&g], "fields @message | limit 1"))
        .await
        .unwrap();
    let complete = finish(insights.as_ref(), &id).await;
    insights.stop_query(&id).await.unwrap();
    assert_eq!(insights.query_results(&id).await.unwrap(), complete);
    assert_eq!(complete.rows, done.rows);
}

async fn an_unknown_query_is_not_found(fx: &dyn InsightsFixture) {
    let insights = fx.insights();
    let id = QueryId("00000000-0000-4000-8000-000000000000".into());
    for e in [
        insights.query_results(&id).await.unwrap_err(),
        insights.stop_query(&id).await.unwrap_err(),
    ] {
        assert!(
            matches!(&e, DomainError::NotFound(m) if m.contains(&id.0)),
            "{e:?}"
        );
    }
    let e = insights.log_record("999999").await.unwrap_err();
    assert!(matches!(e, DomainError::NotFound(_)), "{e:?}");
    let e = insights.log_record("not a pointer").await.unwrap_err();
    assert!(matches!(e, DomainError::Invalid(_)), "{e:?}");
}

async fn a_pointer_reads_back_the_whole_record(fx: &dyn InsightsFixture) {
    let g = fx.group("/aws/lambda/record");
    api_lines(fx, &g).await;
    let r = run(
        fx,
        &[&g],
        "fields @message | filter requestId = \"r-1\" and level = \"ERROR\"",
    )
    .await;
    let ptr = field_of(&r.rows[0], "@ptr").unwrap();
    let record = fx.insights().log_record(ptr).await.unwrap();
    let names: Vec<&str> = record.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        names,
        [
            "@timestamp",
            "@message",
            "@ingestionTime",
            "@log",
            "@logStream",
            "level",
            "message",
            "requestId",
            "route"
        ]
    );
    assert_eq!(field_of(&record, "message"), Some("db timed out"));
    assert_eq!(
        field_of(&record, "@log"),
        Some(format!("sandbox:{g}").as_str())
    );
    assert_eq!(
        field_of(&record, "@message"),
        field_of(&r.rows[0], "@message")
    );
}

async fn definitions_are_saved_replaced_listed_by_name_and_deleted(fx: &dyn InsightsFixture) {
    let insights = fx.insights();
    assert!(insights.list_definitions().await.unwrap().is_empty());
    let api = LogGroupName::parse("/aws/lambda/api").unwrap();
    let d = |id: Option<String>, name: &str, groups: Vec<LogGroupName>| QueryDefinition {
        id,
        name: name.into(),
        text: "fields @message | limit 5".into(),
        groups,
        builtin: false,
    };
    let zeta = insights
        .put_definition(&d(None, "zeta", vec![api.clone()]))
        .await
        .unwrap();
    let alpha = insights
        .put_definition(&d(None, "alpha", Vec::new()))
        .await
        .unwrap();
    assert_eq!(zeta.len(), 36, "an id like CloudWatch's: {zeta}");
    assert_ne!(zeta, alpha);
    let listed = insights.list_definitions().await.unwrap();
    assert_eq!(
        listed,
        vec![
            d(Some(alpha.clone()), "alpha", Vec::new()),
            d(Some(zeta.clone()), "zeta", vec![api.clone()]),
        ]
    );
    // Saving with an id replaces that definition.
    let again = insights
        .put_definition(&d(Some(zeta.clone()), "beta", Vec::new()))
        .await
        .unwrap();
    assert_eq!(again, zeta);
    let names: Vec<String> = insights
        .list_definitions()
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(names, ["alpha", "beta"]);
    let e = insights
        .put_definition(&d(Some("no-such-id".into()), "x", Vec::new()))
        .await
        .unwrap_err();
    assert!(matches!(e, DomainError::NotFound(_)), "{e:?}");
    insights.delete_definition(&alpha).await.unwrap();
    let e = insights.delete_definition(&alpha).await.unwrap_err();
    assert!(matches!(e, DomainError::NotFound(_)), "{e:?}");
    assert_eq!(insights.list_definitions().await.unwrap().len(), 1);
}

async fn a_syntax_error_is_refused_at_start_naming_its_line_and_column(fx: &dyn InsightsFixture) {
    let g = fx.group("/aws/lambda/syntax");
    fx.create_group(&g).await;
    let insights = fx.insights();
    let e = insights
        .start_query(&query(&[&g], "fields @message\n| filtr level = 1"))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, DomainError::Invalid(i) if i.field == "query"
            && i.message == "line 2, column 3: expected a command (fields, filter, stats, sort, limit), found `filtr`"),
        "{e:?}"
    );
    let e = insights
        .start_query(&query(
            &[&g],
            "fields @message | parse @message \"* *\" as a, b",
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, DomainError::Unsupported(m) if m.contains("`parse`")),
        "{e:?}"
    );
}

// ---- moto: what it does where it differs ----

async fn a_plain_query_moto_puts_the_pointer_first_and_gives_epoch_millis(
    fx: &dyn InsightsFixture,
) {
    let g = fx.group("/aws/lambda/moto-rows");
    let base = five(fx, &g).await;
    let r = run(fx, &[&g], "fields @timestamp, @message | limit 1").await;
    let row = &r.rows[0];
    assert_eq!(row[0].field, "@ptr");
    assert_eq!(
        row[1..],
        [
            ResultField {
                field: "@timestamp".into(),
                value: (base + Duration::seconds(4)).timestamp_millis().to_string(),
            },
            ResultField {
                field: "@message".into(),
                value: "m4".into(),
            },
        ]
    );
    assert_eq!(r.stats, QueryStats::default(), "moto sends no statistics");
}

async fn filter_and_stats_moto_ignores_them(fx: &dyn InsightsFixture) {
    let g = fx.group("/aws/lambda/moto-stats");
    let lines = api_lines(fx, &g).await;
    let r = run(
        fx,
        &[&g],
        "filter level = \"ERROR\" | stats count(*) as errors by route",
    )
    .await;
    // Every event, newest first, each row its pointer alone.
    assert_eq!(r.rows.len(), lines.len());
    assert!(
        r.rows
            .iter()
            .all(|row| row.len() == 1 && row[0].field == "@ptr")
    );
}

async fn a_malformed_query_moto_accepts_it(fx: &dyn InsightsFixture) {
    let g = fx.group("/aws/lambda/moto-malformed");
    five(fx, &g).await;
    let r = run(fx, &[&g], "fields @message\n| filtr level = 1").await;
    assert_eq!(column(&r, "@message"), ["m4", "m3", "m2", "m1", "m0"]);
}

async fn an_unknown_query_moto_fails_with_a_server_error(fx: &dyn InsightsFixture) {
    let e = fx
        .insights()
        .query_results(&QueryId("00000000-0000-4000-8000-000000000000".into()))
        .await
        .unwrap_err();
    assert!(!matches!(e, DomainError::NotFound(_)), "{e:?}");
}

/// The CloudWatch adapter against recorded CloudWatch Logs answers on a loopback server.
mod recorded {
    use super::*;
    use crate::support::RecordedAws;
    use aws_sdk_cloudwatchlogs::Client;
    use aws_sdk_cloudwatchlogs::config::Credentials;
    use serde_json::{Value, json};

    /// The adapter on a client of its own (test keys) pointed at the recorded server.
    struct Recorded {
        insights: CloudWatchInsights,
        server: RecordedAws,
    }

    impl std::ops::Deref for Recorded {
        type Target = RecordedAws;
        fn deref(&self) -> &RecordedAws {
            &self.server
        }
    }

    impl Recorded {
        async fn start() -> Self {
            let server = RecordedAws::start("Logs_20140328.").await;
            let ctx = server.context().await;
            let config = aws_sdk_cloudwatchlogs::config::Builder::from(ctx.sdk_config())
                .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
                .build();
            Self {
                insights: CloudWatchInsights::from_client(Client::from_conf(config)),
                server,
            }
        }
    }

    fn error(kind: &str, message: &str) -> Value {
        json!({"__type": kind, "message": message})
    }

    fn api() -> LogGroupName {
        LogGroupName::parse("/aws/lambda/api").unwrap()
    }

    #[tokio::test]
    async fn start_query_sends_the_groups_the_window_in_seconds_and_the_text() {
        let r = Recorded::start().await;
        r.answer("StartQuery", 200, json!({"queryId": "q-1"}));
        let window = TimeWindow::new(
            DateTime::parse_from_rfc3339("2026-12-03T10:00:00.750Z")
                .unwrap()
                .into(),
            DateTime::parse_from_rfc3339("2026-12-03T11:00:00Z")
                .unwrap()
                .into(),
        )
        .unwrap();
        let q = InsightsQuery::new(vec![api()], window, "fields @message").unwrap();
        let id = r.insights.start_query(&q).await.unwrap();
        assert_eq!(id, QueryId("q-1".into()));
        assert_eq!(
            r.seen("StartQuery"),
            [json!({
                "logGroupNames": ["/aws/lambda/api"],
                "startTime": 1_796_292_000,
                "endTime": 1_796_295_600,
                "queryString": "fields @message",
            })]
        );
    }

    #[tokio::test]
    async fn a_malformed_query_names_its_line_and_column() {
        let r = Recorded::start().await;
        r.answer(
            "StartQuery",
            400,
            json!({
                "__type": "MalformedQueryException",
                "message": "unexpected symbol found filtr at line 2 and position 3",
                "queryCompileError": {
                    "location": {"startCharOffset": 18, "endCharOffset": 23},
                    "message": "unexpected symbol found filtr at line 2 and position 3",
                },
            }),
        );
        let q = query(&[&api()], "fields @message\n| filtr level = 1");
        let e = r.insights.start_query(&q).await.unwrap_err();
        assert!(
            matches!(&e, DomainError::Invalid(i) if i.field == "query"
                && i.message == "line 2, column 3: unexpected symbol found filtr at line 2 and position 3"),
            "{e:?}"
        );
    }

    #[tokio::test]
    async fn too_many_running_queries_is_throttled_with_a_clear_message() {
        let r = Recorded::start().await;
        r.answer(
            "StartQuery",
            400,
            error(
                "LimitExceededException",
                "Account maximum query concurrency limit of [30] reached.",
            ),
        );
        let e = r
            .insights
            .start_query(&query(&[&api()], "fields @message"))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, DomainError::Throttled(m)
                if m.contains("too many queries are running") && m.contains("limit of [30]")),
            "{e:?}"
        );
    }

    #[tokio::test]
    async fn a_stats_result_maps_its_rows_status_and_statistics() {
        let r = Recorded::start().await;
        r.answer(
            "GetQueryResults",
            200,
            json!({
                "results": [],
                "statistics": {"recordsMatched": 120.0, "recordsScanned": 4096.0,
                    "estimatedRecordsSkipped": 0.0, "bytesScanned": 524288.0,
                    "estimatedBytesSkipped": 0.0, "logGroupsScanned": 1.0},
                "status": "Running",
            }),
        );
        r.answer(
            "GetQueryResults",
            200,
            json!({
                "results": [
                    [
                        {"field": "@log", "value": "123456789012:/aws/lambda/api"},
                        {"field": "bin(5m)", "value": "2026-12-03 10:05:00.000"},
                        {"field": "p99", "value": "1843.2"},
                    ],
                    [
                        {"field": "@log", "value": "123456789012:/aws/lambda/api"},
                        {"field": "bin(5m)", "value": "2026-12-03 10:00:00.000"},
                        {"field": "p99", "value": "96.77"},
                    ],
                ],
                "statistics": {"recordsMatched": 310.0, "recordsScanned": 9120.0,
                    "estimatedRecordsSkipped": 0.0, "bytesScanned": 1337344.0,
                    "estimatedBytesSkipped": 0.0, "logGroupsScanned": 1.0},
                "status": "Complete",
            }),
        );
        let id = QueryId("q-7".into());
        let running = r.insights.query_results(&id).await.unwrap();
        assert_eq!(
            running,
            QueryResults {
                status: QueryStatus::Running,
                stats: QueryStats {
                    records_matched: 120.0,
                    records_scanned: 4096.0,
                    bytes_scanned: 524288.0,
                },
                rows: Vec::new(),
            }
        );
        let done = r.insights.query_results(&id).await.unwrap();
        let f = |field: &str, value: &str| ResultField {
            field: field.into(),
            value: value.into(),
        };
        assert_eq!(
            done,
            QueryResults {
                status: QueryStatus::Complete,
                stats: QueryStats {
                    records_matched: 310.0,
                    records_scanned: 9120.0,
                    bytes_scanned: 1337344.0,
                },
                rows: vec![
                    vec![
                        f("@log", "123456789012:/aws/lambda/api"),
                        f("bin(5m)", "2026-12-03 10:05:00.000"),
                        f("p99", "1843.2"),
                    ],
                    vec![
                        f("@log", "123456789012:/aws/lambda/api"),
                        f("bin(5m)", "2026-12-03 10:00:00.000"),
                        f("p99", "96.77"),
                    ],
                ],
            }
        );
        assert_eq!(done.columns(), ["@log", "bin(5m)", "p99"]);
        assert_eq!(r.seen("GetQueryResults")[0], json!({"queryId": "q-7"}));
    }

    #[tokio::test]
    async fn an_unknown_query_is_not_found() {
        let r = Recorded::start().await;
        r.answer(
            "GetQueryResults",
            400,
            error("ResourceNotFoundException", "Query does not exist."),
        );
        let e = r
            .insights
            .query_results(&QueryId("q-gone".into()))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, DomainError::NotFound(m) if m == "query q-gone"),
            "{e:?}"
        );
    }

    #[tokio::test]
    async fn stop_query_sends_the_id_and_leaves_a_finished_query_as_it_is() {
        let r = Recorded::start().await;
        r.answer("StopQuery", 200, json!({"success": true}));
        r.answer("StopQuery", 200, json!({"success": false}));
        let id = QueryId("q-2".into());
        r.insights.stop_query(&id).await.unwrap();
        r.insights.stop_query(&id).await.unwrap();
        assert_eq!(
            r.seen("StopQuery"),
            [json!({"queryId": "q-2"}), json!({"queryId": "q-2"})]
        );
    }

    #[tokio::test]
    async fn a_log_record_comes_back_timestamp_and_message_first() {
        let r = Recorded::start().await;
        r.answer(
            "GetLogRecord",
            200,
            json!({"logRecord": {
                "requestId": "r-1",
                "@logStream": "2026/12/03/[$LATEST]0123",
                "@message": "{\"level\":\"ERROR\",\"requestId\":\"r-1\"}",
                "level": "ERROR",
                "@log": "123456789012:/aws/lambda/api",
                "@timestamp": "2026-12-03 10:05:00.123",
                "@ingestionTime": "2026-12-03 10:05:00.200",
            }}),
        );
        let record = r.insights.log_record("CmQKKwonMTIz").await.unwrap();
        let fields: Vec<(&str, &str)> = record
            .iter()
            .map(|f| (f.field.as_str(), f.value.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("@timestamp", "2026-12-03 10:05:00.123"),
                ("@message", "{\"level\":\"ERROR\",\"requestId\":\"r-1\"}"),
                ("@ingestionTime", "2026-12-03 10:05:00.200"),
                ("@log", "123456789012:/aws/lambda/api"),
                ("@logStream", "2026/12/03/[$LATEST]0123"),
                ("level", "ERROR"),
                ("requestId", "r-1"),
            ]
        );
        assert_eq!(
            r.seen("GetLogRecord"),
            [json!({"logRecordPointer": "CmQKKwonMTIz"})]
        );
    }

    #[tokio::test]
    async fn definitions_are_read_across_pages_and_listed_by_name() {
        let r = Recorded::start().await;
        let def = |id: &str, name: &str, groups: Value| {
            json!({"queryDefinitionId": id, "name": name, "queryString": "fields @message",
                   "lastModified": 1_796_292_000_000_i64, "logGroupNames": groups,
                   "queryLanguage": "CWLI"})
        };
        r.answer(
            "DescribeQueryDefinitions",
            200,
            json!({"queryDefinitions": [def("d-2", "zeta", json!(["/aws/lambda/api"]))],
                   "nextToken": "page-2"}),
        );
        r.answer(
            "DescribeQueryDefinitions",
            200,
            json!({"queryDefinitions": [def("d-1", "alpha", json!([]))]}),
        );
        let listed = r.insights.list_definitions().await.unwrap();
        assert_eq!(
            listed,
            vec![
                QueryDefinition {
                    id: Some("d-1".into()),
                    name: "alpha".into(),
                    text: "fields @message".into(),
                    groups: Vec::new(),
                    builtin: false,
                },
                QueryDefinition {
                    id: Some("d-2".into()),
                    name: "zeta".into(),
                    text: "fields @message".into(),
                    groups: vec![api()],
                    builtin: false,
                },
            ]
        );
        assert_eq!(
            r.seen("DescribeQueryDefinitions"),
            [
                json!({"maxResults": 1000}),
                json!({"maxResults": 1000, "nextToken": "page-2"}),
            ]
        );
    }

    #[tokio::test]
    async fn a_definition_is_put_with_its_groups_and_replaced_by_its_id() {
        let r = Recorded::start().await;
        r.answer(
            "PutQueryDefinition",
            200,
            json!({"queryDefinitionId": "d-9"}),
        );
        r.answer(
            "PutQueryDefinition",
            200,
            json!({"queryDefinitionId": "d-9"}),
        );
        let mut d = QueryDefinition {
            id: None,
            name: "errors".into(),
            text: "filter level = \"ERROR\"".into(),
            groups: vec![api()],
            builtin: false,
        };
        assert_eq!(r.insights.put_definition(&d).await.unwrap(), "d-9");
        d.id = Some("d-9".into());
        d.groups.clear();
        assert_eq!(r.insights.put_definition(&d).await.unwrap(), "d-9");
        // The SDK adds an idempotency token of its own to each call.
        let seen: Vec<Value> = r
            .seen("PutQueryDefinition")
            .into_iter()
            .map(|mut body| {
                let token = body.as_object_mut().unwrap().remove("clientToken");
                assert!(token.is_some_and(|t| t.as_str().is_some_and(|t| t.len() == 36)));
                body
            })
            .collect();
        assert_eq!(
            seen,
            [
                json!({"name": "errors", "queryString": "filter level = \"ERROR\"",
                       "logGroupNames": ["/aws/lambda/api"]}),
                json!({"name": "errors", "queryString": "filter level = \"ERROR\"",
                       "queryDefinitionId": "d-9"}),
            ]
        );
    }

    #[tokio::test]
    async fn deleting_a_definition_that_is_not_there_is_not_found() {
        let r = Recorded::start().await;
        r.answer("DeleteQueryDefinition", 200, json!({"success": true}));
        r.answer("DeleteQueryDefinition", 200, json!({"success": false}));
        r.answer(
            "DeleteQueryDefinition",
            400,
            error(
                "ResourceNotFoundException",
                "The query definition does not exist.",
            ),
        );
        r.insights.delete_definition("d-1").await.unwrap();
        for _ in 0..2 {
            let e = r.insights.delete_definition("d-1").await.unwrap_err();
            assert!(
                matches!(&e, DomainError::NotFound(m) if m == "query definition d-1"),
                "{e:?}"
            );
        }
        assert_eq!(
            r.seen("DeleteQueryDefinition")[0],
            json!({"queryDefinitionId": "d-1"})
        );
    }
}
