//! [`Metrics`] on the sandbox: the Lambda metrics CloudWatch would publish, derived from the
//! sandbox's log store (the lines Lambda and the functions write, as the traffic simulator and
//! the seeder append them), and the sandbox's one alarm, evaluated when asked.
//!
//! A function's figures come from its group, `/aws/lambda/NAME`; an invocation is its `REPORT`
//! line and is placed at that line's time. What each metric is here:
//!
//! - **Invocations**: `REPORT` lines in the period.
//! - **Errors**: invocations that failed: a line at ERROR or FATAL level in the invocation's
//!   log stream before its `REPORT` (the API's `"level":"ERROR"` lines, a panic, a traceback,
//!   `Task timed out`, `Runtime.ExitError` …, as [`log_analysis::classify`] reads them), or a
//!   `REPORT` whose status is not success. On AWS, `Errors` counts function errors (the
//!   invocation's code threw, timed out or crashed); the API answers a failure with a 5xx after
//!   logging it at ERROR, so for the API these are the same invocations.
//! - **Throttles**: always 0: the sandbox runs every invocation it is given, it never throttles.
//! - **Duration p50 / p99**: the `REPORT` durations of the period, by nearest rank
//!   ([`log_analysis::percentile`]); CloudWatch's percentiles are estimates of the same.
//! - **ConcurrentExecutions**: the number of execution environments (log streams) with an
//!   invocation in the period. An environment runs one invocation at a time, so this is an upper
//!   bound of the most invocations that ran at once (CloudWatch's `Maximum`): two environments
//!   that served one after the other within the period count as two.
//!
//! Errors, Throttles and ConcurrentExecutions have a point in every period with an invocation,
//! as Lambda publishes them; a period without invocations has no point at all.
//!
//! A window is read by bounded keyset scans (a few thousand rows a batch, only the `REPORT`
//! lines and the lines that may be errors, chosen in SQL), one period's durations held at a
//! time.

use crate::adapters::sql::map_sqlx;
use crate::error::{DomainError, DomainResult};
use crate::model::{
    Alarm, AlarmMetric, AlarmState, FunctionMetric, MetricSeries, MetricsRequest, TimeWindow,
    function_of_group,
};
use crate::ports::Metrics;
use crate::sandbox::API_LOG_GROUP;
use crate::services::log_analysis::{self, Kind, Level};
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use sqlx::{AssertSqlSafe, SqlitePool};
use std::collections::HashSet;

/// The sandbox's one alarm: errors of the API function.
pub const API_ERRORS_ALARM: &str = "backoffice-api-errors";
/// The alarm's period, and how long after the last error it stays in ALARM.
const ALARM_PERIOD: Duration = Duration::minutes(5);
/// The alarm fires at this many errors in a period.
const ALARM_THRESHOLD: f64 = 1.0;
const ALARM_COMPARISON: &str = "GreaterThanOrEqualToThreshold";
const LAMBDA_NAMESPACE: &str = "AWS/Lambda";
const FUNCTION_DIMENSION: &str = "FunctionName";
/// How far before a window a scan starts reading error lines, so that an invocation that began
/// before the window and reports inside it is judged on all its lines: Lambda's longest timeout.
const LOOKBACK_MS: i64 = 15 * 60 * 1000;
/// Rows one scan batch reads.
const SCAN_BATCH: i64 = 2_000;
/// How far back one step of the search for the start of an alarm's breaching run reads.
const RUN_STEP: Duration = Duration::hours(1);

/// Lines that may be at ERROR or FATAL level, by the words [`log_analysis::classify`] reads
/// them from (SQLite's LIKE ignores ASCII case); classify then decides. A superset: a test
/// holds every failing line the log analysis knows to it.
const ERROR_CANDIDATE: &str = "(message LIKE '%error%' OR message LIKE '%fatal%' \
     OR message LIKE '%critical%' OR message LIKE '%panicked at%' \
     OR message LIKE '%traceback%' OR message LIKE '%uncaught exception%' \
     OR message LIKE '%unhandled promise rejection%' OR message LIKE '%timed out%' \
     OR message LIKE '%timeout%' OR message LIKE '%failure%' OR message LIKE '%runtime.%')";
/// REPORT lines, text and JSON.
const REPORT_CANDIDATE: &str =
    "(message LIKE 'REPORT RequestId:%' OR message LIKE '%platform.report%')";

/// The sandbox's Lambda metrics and its alarm, read from its log store.
#[derive(Debug, Clone)]
pub struct SandboxMetrics {
    pool: SqlitePool,
}

/// One invocation, as its REPORT line tells it.
struct Reported<'a> {
    ts: i64,
    stream: &'a str,
    duration_ms: Option<f64>,
    errored: bool,
}

/// The invocations of one period, folded into the six metrics as the scan goes.
struct Bucket {
    index: i64,
    invocations: u64,
    errors: u64,
    durations: Vec<f64>,
    streams: HashSet<String>,
}

/// Every metric's points of one function, built period by period.
struct Series {
    period_ms: i64,
    current: Option<Bucket>,
    points: [Vec<(DateTime<Utc>, f64)>; 6],
}

impl Series {
    fn new(period_ms: i64) -> Self {
        Self {
            period_ms,
            current: None,
            points: Default::default(),
        }
    }

    fn add(&mut self, r: &Reported<'_>) {
        let index = r.ts.div_euclid(self.period_ms);
        if self.current.as_ref().is_some_and(|b| b.index != index) {
            self.flush();
        }
        let bucket = self.current.get_or_insert_with(|| Bucket {
            index,
            invocations: 0,
            errors: 0,
            durations: Vec::new(),
            streams: HashSet::new(),
        });
        bucket.invocations += 1;
        bucket.errors += u64::from(r.errored);
        bucket.durations.extend(r.duration_ms);
        if !bucket.streams.contains(r.stream) {
            bucket.streams.insert(r.stream.to_string());
        }
    }

    fn flush(&mut self) {
        let Some(mut b) = self.current.take() else {
            return;
        };
        let Some(at) = DateTime::from_timestamp_millis(b.index * self.period_ms) else {
            return;
        };
        for (i, metric) in FunctionMetric::ALL.into_iter().enumerate() {
            let value = match metric {
                FunctionMetric::Invocations => Some(b.invocations as f64),
                FunctionMetric::Errors => Some(b.errors as f64),
                FunctionMetric::Throttles => Some(0.0),
                FunctionMetric::DurationP50 => log_analysis::percentile(&mut b.durations, 50.0),
                FunctionMetric::DurationP99 => log_analysis::percentile(&mut b.durations, 99.0),
                FunctionMetric::ConcurrentExecutions => Some(b.streams.len() as f64),
            };
            if let Some(v) = value {
                self.points[i].push((at, v));
            }
        }
    }

    fn finish(mut self) -> [Vec<(DateTime<Utc>, f64)>; 6] {
        self.flush();
        self.points
    }
}

impl SandboxMetrics {
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }

    /// The sandbox's alarm as it stands at `now`: ALARM while the five minutes up to `now` hold
    /// an error of the API function, since the first error of that unbroken run (errors at most
    /// five minutes apart); OK otherwise, since five minutes after the last error or, without
    /// one, since the function's first line; INSUFFICIENT_DATA while the function has no lines.
    pub async fn alarms_at(&self, now: DateTime<Utc>) -> DomainResult<Vec<Alarm>> {
        let group = API_LOG_GROUP;
        let now_ms = now.timestamp_millis();
        let period_ms = ALARM_PERIOD.num_milliseconds();
        let window_start = now_ms - period_ms;
        let mut recent = Vec::new();
        self.scan(group, window_start, now_ms + 1, |r| {
            if r.errored {
                recent.push(r.ts);
            }
        })
        .await?;
        // The reason names the datapoint the state changed on, as CloudWatch's does, and stays
        // as it was while the state holds (it named each read's own window: a datapoint after
        // the change, a count that kept growing).
        let stamp = |ms: i64| {
            DateTime::from_timestamp_millis(ms)
                .map(|t| t.format("%d/%m/%y %H:%M:%S").to_string())
                .unwrap_or_default()
        };
        let (state, since, reason) = if let Some(&earliest) = recent.first() {
            let start = self.run_start(group, earliest).await?;
            // The errors of the period that began with the run's first.
            let mut count = 0u32;
            self.scan(group, start, (start + period_ms).min(now_ms + 1), |r| {
                if r.errored {
                    count += 1;
                }
            })
            .await?;
            (
                AlarmState::Alarm,
                Some(start),
                format!(
                    "Threshold Crossed: 1 datapoint [{:.1} ({})] was greater than or equal to the threshold ({ALARM_THRESHOLD:.1}).",
                    f64::from(count.max(1)),
                    stamp(start)
                ),
            )
        } else {
            let ok = |since: i64| {
                format!(
                    "Threshold Crossed: 1 datapoint [0.0 ({})] was not greater than or equal to the threshold ({ALARM_THRESHOLD:.1}).",
                    stamp(since - period_ms)
                )
            };
            match self.last_error_before(group, window_start).await? {
                Some(last) => (AlarmState::Ok, Some(last + period_ms), ok(last + period_ms)),
                None => match self.first_line(group, now_ms).await? {
                    Some(first) => (AlarmState::Ok, Some(first), ok(first + period_ms)),
                    None => (
                        AlarmState::InsufficientData,
                        None,
                        "Insufficient Data: 1 datapoint was unknown.".to_string(),
                    ),
                },
            }
        };
        Ok(vec![Alarm {
            name: API_ERRORS_ALARM.to_string(),
            state,
            reason,
            since: since.and_then(DateTime::from_timestamp_millis),
            metric: Some(AlarmMetric {
                namespace: LAMBDA_NAMESPACE.to_string(),
                name: FunctionMetric::Errors.metric_name().to_string(),
                dimensions: vec![(
                    FUNCTION_DIMENSION.to_string(),
                    function_of_group(group).unwrap_or_default().to_string(),
                )],
                stat: FunctionMetric::Errors.stat().to_string(),
                period_seconds: ALARM_PERIOD.num_seconds() as i32,
            }),
            threshold: Some(ALARM_THRESHOLD),
            comparison: Some(ALARM_COMPARISON.to_string()),
        }])
    }

    /// Reads the invocations of `group` that report in `[from, to)` (ms), oldest first, judging
    /// each on its stream's error lines since the stream's previous REPORT (read from
    /// [`LOOKBACK_MS`] before `from`).
    async fn scan(
        &self,
        group: &str,
        from: i64,
        to: i64,
        mut on: impl FnMut(&Reported<'_>),
    ) -> DomainResult<()> {
        let sql = format!(
            "SELECT id, stream_name, ts, message FROM log_events \
             WHERE group_name = ? AND ts >= ? AND (ts > ? OR id > ?) AND ts < ? \
             AND ({REPORT_CANDIDATE} OR {ERROR_CANDIDATE}) ORDER BY ts, id LIMIT ?"
        );
        // Streams with an error line since their last REPORT.
        let mut failing: HashSet<String> = HashSet::new();
        let (mut after_ts, mut after_id) = (from.saturating_sub(LOOKBACK_MS), i64::MIN);
        loop {
            let rows: Vec<(i64, String, i64, String)> = sqlx::query_as(AssertSqlSafe(sql.as_str()))
                .bind(group)
                .bind(after_ts)
                .bind(after_ts)
                .bind(after_id)
                .bind(to)
                .bind(SCAN_BATCH)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| map_sqlx("log events", e))?;
            let exhausted = (rows.len() as i64) < SCAN_BATCH;
            for (id, stream, ts, message) in &rows {
                (after_ts, after_id) = (*ts, *id);
                let line = log_analysis::classify(message);
                let error = matches!(line.level, Level::Error | Level::Fatal);
                if line.kind == Kind::Report {
                    let errored = failing.remove(stream.as_str()) || error;
                    if *ts >= from {
                        on(&Reported {
                            ts: *ts,
                            stream,
                            duration_ms: line.report.map(|r| r.duration_ms),
                            errored,
                        });
                    }
                } else if error {
                    failing.insert(stream.clone());
                }
            }
            if exhausted {
                return Ok(());
            }
        }
    }

    /// The six series of one function over `[from, to)` (ms, whole periods).
    async fn series(
        &self,
        function: &str,
        from: i64,
        to: i64,
        period_ms: i64,
    ) -> DomainResult<[Vec<(DateTime<Utc>, f64)>; 6]> {
        let mut series = Series::new(period_ms);
        self.scan(&format!("/aws/lambda/{function}"), from, to, |r| {
            series.add(r)
        })
        .await?;
        Ok(series.finish())
    }

    /// When the breaching run that holds the error at `earliest` began: its errors are at most
    /// one alarm period apart. Read back an hour at a time while the run goes on.
    async fn run_start(&self, group: &str, earliest: i64) -> DomainResult<i64> {
        let gap = ALARM_PERIOD.num_milliseconds();
        let first_line = self.first_line(group, earliest).await?.unwrap_or(earliest);
        let mut first = earliest;
        loop {
            let step_start = first - RUN_STEP.num_milliseconds();
            let mut errors = Vec::new();
            self.scan(group, step_start, first, |r| {
                if r.errored {
                    errors.push(r.ts);
                }
            })
            .await?;
            let mut broken = false;
            for &e in errors.iter().rev() {
                if first - e <= gap {
                    first = e;
                } else {
                    broken = true;
                    break;
                }
            }
            if broken || first - step_start > gap || step_start <= first_line {
                return Ok(first);
            }
        }
    }

    /// When the last failed invocation before `before` (ms) reported: the newest line at ERROR
    /// or FATAL level, and the REPORT that follows it in its stream (the line's own time when
    /// the invocation never reported).
    async fn last_error_before(&self, group: &str, before: i64) -> DomainResult<Option<i64>> {
        let sql = format!(
            "SELECT id, stream_name, ts, message FROM log_events \
             WHERE group_name = ? AND ts <= ? AND (ts < ? OR id < ?) AND {ERROR_CANDIDATE} \
             ORDER BY ts DESC, id DESC LIMIT ?"
        );
        let (mut before_ts, mut before_id) = (before, i64::MIN);
        loop {
            let rows: Vec<(i64, String, i64, String)> = sqlx::query_as(AssertSqlSafe(sql.as_str()))
                .bind(group)
                .bind(before_ts)
                .bind(before_ts)
                .bind(before_id)
                .bind(SCAN_BATCH)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| map_sqlx("log events", e))?;
            let exhausted = (rows.len() as i64) < SCAN_BATCH;
            for (id, stream, ts, message) in &rows {
                (before_ts, before_id) = (*ts, *id);
                let line = log_analysis::classify(message);
                if matches!(line.level, Level::Error | Level::Fatal) {
                    let reported = self.report_after(group, stream, *ts, before).await?;
                    return Ok(Some(reported.unwrap_or(*ts)));
                }
            }
            if exhausted {
                return Ok(None);
            }
        }
    }

    /// The time of the first REPORT of `stream` in `[from, to)` (ms).
    async fn report_after(
        &self,
        group: &str,
        stream: &str,
        from: i64,
        to: i64,
    ) -> DomainResult<Option<i64>> {
        let sql = format!(
            "SELECT ts, message FROM log_events WHERE group_name = ? AND ts >= ? AND ts < ? \
             AND stream_name = ? AND {REPORT_CANDIDATE} ORDER BY ts, id LIMIT 16"
        );
        let rows: Vec<(i64, String)> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(group)
            .bind(from)
            .bind(to)
            .bind(stream)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| map_sqlx("log events", e))?;
        Ok(rows
            .into_iter()
            .find(|(_, m)| log_analysis::classify(m).kind == Kind::Report)
            .map(|(ts, _)| ts))
    }

    /// The time of the group's first line at or before `until` (ms).
    async fn first_line(&self, group: &str, until: i64) -> DomainResult<Option<i64>> {
        sqlx::query_scalar("SELECT MIN(ts) FROM log_events WHERE group_name = ? AND ts <= ?")
            .bind(group)
            .bind(until)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| map_sqlx("log events", e))
    }
}

/// The period in milliseconds; it must be positive.
fn period_ms(period: Duration) -> DomainResult<i64> {
    let ms = period.num_milliseconds();
    if ms <= 0 {
        return Err(DomainError::invalid("period", "must be positive"));
    }
    Ok(ms)
}

/// The window widened to whole periods (its start down, its end up), as CloudWatch rounds it.
fn aligned(window: TimeWindow, period_ms: i64) -> (i64, i64) {
    let start = window.start.timestamp_millis().div_euclid(period_ms) * period_ms;
    let end_ms = window.end.timestamp_millis();
    let end = end_ms.div_euclid(period_ms) * period_ms
        + if end_ms.rem_euclid(period_ms) == 0 {
            0
        } else {
            period_ms
        };
    (start, end.max(start + period_ms))
}

#[async_trait]
impl Metrics for SandboxMetrics {
    async fn function_metrics(&self, request: &MetricsRequest) -> DomainResult<Vec<MetricSeries>> {
        let period = period_ms(request.period)?;
        let (from, to) = aligned(request.window, period);
        let mut all = Vec::with_capacity(request.functions.len() * FunctionMetric::ALL.len());
        for function in &request.functions {
            let points = self.series(function, from, to, period).await?;
            all.extend(
                FunctionMetric::ALL
                    .into_iter()
                    .zip(points)
                    .map(|(metric, points)| MetricSeries {
                        function: function.clone(),
                        metric,
                        points,
                    }),
            );
        }
        Ok(all)
    }

    async fn alarms(&self) -> DomainResult<Vec<Alarm>> {
        self.alarms_at(Utc::now()).await
    }

    async fn alarm_metric(
        &self,
        alarm: &Alarm,
        window: TimeWindow,
    ) -> DomainResult<Vec<(DateTime<Utc>, f64)>> {
        let unsupported = || {
            DomainError::Unsupported(format!(
                "the sandbox derives only the Lambda functions' metrics, not the one alarm {} watches",
                alarm.name
            ))
        };
        let metric = alarm.metric.as_ref().ok_or_else(unsupported)?;
        let function = metric
            .function()
            .filter(|_| metric.namespace == LAMBDA_NAMESPACE)
            .ok_or_else(unsupported)?;
        let index = FunctionMetric::ALL
            .iter()
            .position(|m| m.metric_name() == metric.name && m.stat() == metric.stat)
            .ok_or_else(unsupported)?;
        let period = period_ms(Duration::seconds(i64::from(metric.period_seconds)))?;
        let (from, to) = aligned(window, period);
        let mut points = self.series(function, from, to, period).await?;
        Ok(std::mem::take(&mut points[index]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::sandbox::{SandboxLogStore, open_sandbox_db};
    use crate::model::{LogGroupName, parse_instant};

    fn at(s: &str) -> DateTime<Utc> {
        parse_instant(s).unwrap()
    }

    async fn stores() -> (tempfile::TempDir, SandboxLogStore, SandboxMetrics) {
        let dir = tempfile::tempdir().unwrap();
        let pool = open_sandbox_db(&dir.path().join("sandbox.db"))
            .await
            .unwrap();
        (
            dir,
            SandboxLogStore::new(pool.clone()),
            SandboxMetrics::new(pool),
        )
    }

    fn report(id: &str, ms: f64) -> String {
        crate::sandbox::lambda_log::report_line(id, ms, 512, 64, None)
    }

    /// Every way of failing the log analysis reads as an error makes its invocation count as
    /// one: the SQL choice of candidate lines lets none of them through unread.
    #[tokio::test]
    async fn every_failing_line_the_log_analysis_knows_makes_an_error() {
        let (_dir, logs, metrics) = stores().await;
        let id = "8a0e7c3e-1d5f-4f0a-9a55-6d3f2b1c0e9a";
        let failing = [
            "thread 'main' panicked at src/bin/api.rs:42:9:".to_string(),
            "Traceback (most recent call last):".to_string(),
            "2026-11-25T10:00:00.000Z\tundefined\tERROR\tUncaught Exception \t{}".to_string(),
            format!("2026-11-25T10:00:00.000Z {id} Task timed out after 3.00 seconds"),
            format!("RequestId: {id} Error: Runtime exited with error: exit status 101"),
            "Runtime.ExitError".to_string(),
            format!("[ERROR]\t2026-11-25T10:00:00.000Z\t{id}\tboom"),
            format!("2026-11-25T10:00:00.000Z\t{id}\tFATAL\tout of memory"),
            format!("[CRITICAL]\t2026-11-25T10:00:00.000Z\t{id}\tdisk full"),
            format!(
                "{{\"level\":\"ERROR\",\"message\":\"request failed\",\"requestId\":\"{id}\"}}"
            ),
            r#"{"level":"fatal","msg":"x"}"#.to_string(),
            "ERROR: could not connect".to_string(),
            format!(
                "{{\"time\":\"2026-11-25T10:00:00Z\",\"type\":\"platform.runtimeDone\",\"record\":{{\"requestId\":\"{id}\",\"status\":\"timeout\"}}}}"
            ),
        ];
        let group = LogGroupName::parse("/aws/lambda/f").unwrap();
        let base = at("2026-11-25T10:00");
        for (i, line) in failing.iter().enumerate() {
            assert!(
                matches!(
                    log_analysis::classify(line).level,
                    Level::Error | Level::Fatal
                ),
                "{line}"
            );
            let t = base + Duration::seconds(i as i64);
            logs.append(
                &group,
                &format!("s{i}"),
                &[(t, line.clone()), (t, report(id, 10.0))],
            )
            .await
            .unwrap();
        }
        // A REPORT that says the invocation timed out, with nothing before it.
        logs.append(
            &group,
            "timeout",
            &[(
                base + Duration::seconds(30),
                format!("{}\tStatus: timeout", report(id, 3000.0)),
            )],
        )
        .await
        .unwrap();
        // And one success.
        logs.append(
            &group,
            "ok",
            &[(base + Duration::seconds(40), report(id, 5.0))],
        )
        .await
        .unwrap();
        let got = metrics
            .function_metrics(&MetricsRequest {
                functions: vec!["f".into()],
                window: TimeWindow::new(base, base + Duration::minutes(1)).unwrap(),
                period: Duration::minutes(1),
            })
            .await
            .unwrap();
        let of = |m: FunctionMetric| got.iter().find(|s| s.metric == m).unwrap().points.clone();
        let n = failing.len() as f64 + 2.0;
        assert_eq!(of(FunctionMetric::Invocations), vec![(base, n)]);
        assert_eq!(of(FunctionMetric::Errors), vec![(base, n - 1.0)]);
        assert_eq!(of(FunctionMetric::ConcurrentExecutions), vec![(base, n)]);
        assert_eq!(of(FunctionMetric::Throttles), vec![(base, 0.0)]);
    }

    #[tokio::test]
    async fn an_error_before_the_window_still_fails_the_invocation_that_reports_in_it() {
        let (_dir, logs, metrics) = stores().await;
        let group = LogGroupName::parse("/aws/lambda/slow").unwrap();
        let id = "8a0e7c3e-1d5f-4f0a-9a55-6d3f2b1c0e9a";
        let start = at("2026-11-25T09:58");
        logs.append(
            &group,
            "s",
            &[
                (start, format!("START RequestId: {id} Version: $LATEST")),
                (start, format!("{start}\t{id}\tERROR\tslow and broken")),
                (at("2026-11-25T10:00:05"), report(id, 125_000.0)),
                (at("2026-11-25T10:00:30"), report(id, 10.0)),
            ],
        )
        .await
        .unwrap();
        let got = metrics
            .function_metrics(&MetricsRequest {
                functions: vec!["slow".into()],
                window: TimeWindow::new(at("2026-11-25T10:00"), at("2026-11-25T10:01")).unwrap(),
                period: Duration::minutes(1),
            })
            .await
            .unwrap();
        assert_eq!(got[1].metric, FunctionMetric::Errors);
        assert_eq!(got[1].points, vec![(at("2026-11-25T10:00"), 1.0)]);
        assert_eq!(got[0].points, vec![(at("2026-11-25T10:00"), 2.0)]);
        assert_eq!(got[4].metric, FunctionMetric::DurationP99);
        assert_eq!(got[4].points, vec![(at("2026-11-25T10:00"), 125_000.0)]);
        assert_eq!(got[3].points, vec![(at("2026-11-25T10:00"), 10.0)]);
    }

    #[tokio::test]
    async fn scans_cross_batches_without_losing_or_repeating_a_line() {
        let (_dir, logs, metrics) = stores().await;
        let group = LogGroupName::parse("/aws/lambda/busy").unwrap();
        let id = "8a0e7c3e-1d5f-4f0a-9a55-6d3f2b1c0e9a";
        let base = at("2026-11-25T10:00");
        // 5,000 invocations in 3 streams, many sharing a millisecond: batches end mid-time.
        let events: Vec<_> = (0..5_000)
            .map(|i| {
                (
                    base + Duration::milliseconds(i / 3),
                    report(id, 1.0 + i as f64),
                )
            })
            .collect();
        for (s, chunk) in events.chunks(1_700).enumerate() {
            logs.append(&group, &format!("s{s}"), chunk).await.unwrap();
        }
        let got = metrics
            .function_metrics(&MetricsRequest {
                functions: vec!["busy".into()],
                window: TimeWindow::new(base, base + Duration::minutes(1)).unwrap(),
                period: Duration::minutes(1),
            })
            .await
            .unwrap();
        assert_eq!(got[0].points, vec![(base, 5_000.0)]);
        assert_eq!(got[3].points, vec![(base, 2_500.0)]);
        assert_eq!(got[4].points, vec![(base, 4_950.0)]);
        assert_eq!(got[5].points, vec![(base, 3.0)]);
    }

    #[test]
    fn windows_widen_to_whole_periods() {
        let w = TimeWindow::new(at("2026-12-03T10:02:30"), at("2026-12-03T10:14")).unwrap();
        let (s, e) = aligned(w, 300_000);
        assert_eq!(s, at("2026-12-03T10:00").timestamp_millis());
        assert_eq!(e, at("2026-12-03T10:15").timestamp_millis());
        assert!(period_ms(Duration::zero()).is_err());
    }

    #[tokio::test]
    async fn a_sandbox_without_api_lines_has_insufficient_data() {
        let (_dir, _logs, metrics) = stores().await;
        let alarms = metrics.alarms_at(at("2026-12-03T10:00")).await.unwrap();
        assert_eq!(alarms.len(), 1);
        assert_eq!(alarms[0].state, AlarmState::InsufficientData);
        assert_eq!(alarms[0].since, None);
    }

    #[tokio::test]
    async fn a_long_run_of_errors_keeps_the_alarm_since_its_first_error() {
        let (_dir, logs, metrics) = stores().await;
        let group = LogGroupName::parse(API_LOG_GROUP).unwrap();
        let id = "8a0e7c3e-1d5f-4f0a-9a55-6d3f2b1c0e9a";
        let first = at("2026-12-03T07:00");
        // An error every 4 minutes for 3 hours (the search steps back an hour at a time), after
        // an older one that is 6 minutes before the run.
        let mut events = vec![(
            first - Duration::minutes(6),
            format!("{{\"level\":\"ERROR\",\"requestId\":\"{id}\"}}"),
        )];
        events.push((first - Duration::minutes(6), report(id, 1.0)));
        for i in 0..46 {
            let t = first + Duration::minutes(4 * i);
            events.push((t, format!("{{\"level\":\"ERROR\",\"requestId\":\"{id}\"}}")));
            events.push((t, report(id, 1.0)));
        }
        logs.append(&group, "s", &events).await.unwrap();
        let now = first + Duration::minutes(4 * 45) + Duration::minutes(2);
        let alarm = metrics.alarms_at(now).await.unwrap().remove(0);
        assert_eq!(alarm.state, AlarmState::Alarm);
        assert_eq!(alarm.since, Some(first));
        // The datapoint the state changed on: the period from the run's first error, which
        // held two errors (every 4 minutes); later reads say the same.
        assert_eq!(
            alarm.reason,
            "Threshold Crossed: 1 datapoint [2.0 (03/12/26 07:00:00)] was greater than or equal to the threshold (1.0)."
        );
        let again = metrics
            .alarms_at(now + Duration::minutes(1))
            .await
            .unwrap()
            .remove(0);
        assert_eq!(again.reason, alarm.reason);
        let later = metrics
            .alarms_at(now + Duration::minutes(30))
            .await
            .unwrap()
            .remove(0);
        assert_eq!(later.state, AlarmState::Ok);
        assert_eq!(
            later.since,
            Some(first + Duration::minutes(4 * 45) + Duration::minutes(5))
        );
        assert!(later.reason.contains("[0.0 ("), "{}", later.reason);
        assert!(later.reason.contains("was not greater than or equal"));
    }
}
