//! The metrics port's contract, run on the sandbox (the Lambda metrics derived from its log
//! store, its one alarm evaluated when asked) and on the CloudWatch adapter on moto. Each
//! behaviour reads through the port and arranges through a [`MetricsFixture`]: invocations
//! become REPORT (and ERROR) lines in the sandbox and the datapoints Lambda would publish on
//! moto.
//!
//! Where moto differs from CloudWatch the test's name says so:
//! - moto computes no percentiles: a `p50`/`p99` query that meets data makes its whole
//!   GetMetricData answer a 500 without an error code (it fails to serialise the missing value;
//!   `duration_percentiles_moto_fail_the_whole_call`). So the moto fixture publishes no
//!   `Duration`, and the percentiles are asserted on the sandbox; the adapter's mapping of any
//!   stat's points is the same code the counts go through.
//! - moto never evaluates an alarm: its state changes only by SetAlarmState, so the moto
//!   fixture sets the state CloudWatch's evaluation would reach, with CloudWatch's wording,
//!   and the sandbox (which evaluates) is held to the timing.
//! - moto does not page GetMetricData and takes any number of queries a call: the batching into
//!   calls of at most 500 queries is counted on the wire here, and the paging is unit-tested in
//!   the adapter.

use async_trait::async_trait;
use aws_sdk_cloudwatch::config::interceptors::BeforeSerializationInterceptorContextRef;
use aws_sdk_cloudwatch::config::{ConfigBag, Intercept};
use aws_sdk_cloudwatch::error::BoxError;
use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataInput;
use backoffice_domain::adapters::aws::CloudWatchMetrics;
use backoffice_domain::adapters::sandbox::API_ERRORS_ALARM;
use backoffice_domain::model::*;
use backoffice_domain::ports::Metrics;
use backoffice_domain::sandbox::lambda_log;
use backoffice_domain::sandbox::traffic::{Simulator, TrafficOptions};
use backoffice_domain::sandbox::{API_LOG_GROUP, SeedOptions};
use chrono::{DateTime, Duration, DurationRound, Utc};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

const FIVE_MINUTES: Duration = Duration::minutes(5);

/// One invocation to arrange: when it reported, how long it ran, whether it failed, and which
/// execution environment served it.
#[derive(Debug, Clone, Copy)]
pub struct Call {
    pub at: DateTime<Utc>,
    pub duration_ms: f64,
    pub failed: bool,
    pub environment: u32,
}

fn ok(at: DateTime<Utc>, duration_ms: f64, environment: u32) -> Call {
    Call {
        at,
        duration_ms,
        failed: false,
        environment,
    }
}

fn failed(at: DateTime<Utc>, duration_ms: f64, environment: u32) -> Call {
    Call {
        at,
        duration_ms,
        failed: true,
        environment,
    }
}

/// What a test needs from a backend: the port to read, and a way to arrange.
#[async_trait]
pub trait MetricsFixture: Send + Sync {
    fn metrics(&self) -> Arc<dyn Metrics>;
    /// A function's name for this test: as given on a fresh sandbox, unique per test on moto,
    /// whose state every test shares.
    fn function(&self, name: &str) -> String;
    /// Arranges invocations of `function` as the backend records them. `period` is the period
    /// the test reads them at: Lambda publishes ConcurrentExecutions itself, so the moto
    /// fixture publishes each period's count of environments, as the sandbox derives it. (The
    /// moto fixture publishes no `Duration`: see the module's notes.)
    async fn invoke(&self, function: &str, period: Duration, calls: &[Call]);
    /// An alarm on a function's errors (Sum over 5 minutes ≥ 1): its name and the function.
    async fn error_alarm(&self) -> (String, String);
    /// Brings the alarm to what CloudWatch's evaluation would make of the arranged calls: moto
    /// never evaluates alarms, so its fixture sets that state and reason; the sandbox evaluates
    /// when asked and needs nothing.
    async fn evaluate(&self, alarm: &str, state: AlarmState, reason: &str);
}

pub struct SandboxMetricsFixture {
    harness: crate::support::SandboxHarness,
}

impl SandboxMetricsFixture {
    pub async fn new() -> Self {
        Self {
            harness: crate::support::empty_sandbox().await,
        }
    }
}

fn request_id(n: usize) -> String {
    format!("{n:08x}-1d5f-4f0a-9a55-6d3f2b1c0e9a")
}

#[async_trait]
impl MetricsFixture for SandboxMetricsFixture {
    fn metrics(&self) -> Arc<dyn Metrics> {
        Arc::new(self.harness.sandbox.metrics.clone())
    }

    fn function(&self, name: &str) -> String {
        name.to_string()
    }

    async fn invoke(&self, function: &str, _period: Duration, calls: &[Call]) {
        let group = LogGroupName::parse(format!("/aws/lambda/{function}")).unwrap();
        let day = DateTime::from_timestamp(1_796_000_000, 0).unwrap();
        for (n, call) in calls.iter().enumerate() {
            let id = request_id(n);
            let started = call.at - Duration::microseconds((call.duration_ms * 1000.0) as i64);
            let mut lines = vec![(started, lambda_log::start_line(&id))];
            if call.failed {
                lines.push((
                    call.at,
                    format!(
                        "{{\"level\":\"ERROR\",\"message\":\"request failed\",\"requestId\":\"{id}\",\"status\":503}}"
                    ),
                ));
            }
            lines.push((call.at, lambda_log::end_line(&id)));
            lines.push((
                call.at,
                lambda_log::report_line(&id, call.duration_ms, 512, 64, None),
            ));
            let stream = lambda_log::stream_name(day, u128::from(call.environment));
            self.harness
                .sandbox
                .logs
                .append(&group, &stream, &lines)
                .await
                .unwrap();
        }
    }

    async fn error_alarm(&self) -> (String, String) {
        let function = function_of_group(API_LOG_GROUP).unwrap().to_string();
        (API_ERRORS_ALARM.to_string(), function)
    }

    async fn evaluate(&self, _alarm: &str, _state: AlarmState, _reason: &str) {}
}

pub struct MotoMetricsFixture {
    metrics: CloudWatchMetrics,
    prefix: String,
}

impl MotoMetricsFixture {
    pub async fn new() -> Self {
        Self {
            metrics: CloudWatchMetrics::new(&crate::support::moto_context().await),
            prefix: crate::support::unique_name("fn"),
        }
    }
}

#[async_trait]
impl MetricsFixture for MotoMetricsFixture {
    fn metrics(&self) -> Arc<dyn Metrics> {
        Arc::new(self.metrics.clone())
    }

    fn function(&self, name: &str) -> String {
        format!("{}-{name}", self.prefix)
    }

    async fn invoke(&self, function: &str, period: Duration, calls: &[Call]) {
        let period_ms = period.num_milliseconds();
        let mut environments: HashMap<i64, HashSet<u32>> = HashMap::new();
        for c in calls {
            environments
                .entry(c.at.timestamp_millis().div_euclid(period_ms))
                .or_default()
                .insert(c.environment);
        }
        let put = |name: &'static str, value: &dyn Fn(&Call) -> f64| {
            let points: Vec<_> = calls.iter().map(|c| (c.at, value(c))).collect();
            (name, points)
        };
        let all = [
            put("Invocations", &|_| 1.0),
            put("Errors", &|c| if c.failed { 1.0 } else { 0.0 }),
            put("Throttles", &|_| 0.0),
            put("ConcurrentExecutions", &|c| {
                environments[&c.at.timestamp_millis().div_euclid(period_ms)].len() as f64
            }),
        ];
        for (name, points) in all {
            self.metrics
                .put_metric_data(function, name, &points)
                .await
                .unwrap();
        }
    }

    async fn error_alarm(&self) -> (String, String) {
        let function = self.function("api");
        let name = format!("{}-errors", self.prefix);
        self.metrics
            .put_alarm(
                &name,
                &errors_metric(&function),
                1.0,
                "GreaterThanOrEqualToThreshold",
            )
            .await
            .unwrap();
        (name, function)
    }

    async fn evaluate(&self, alarm: &str, state: AlarmState, reason: &str) {
        self.metrics
            .set_alarm_state(alarm, state, reason)
            .await
            .unwrap();
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
                    super::$both(&super::SandboxMetricsFixture::new().await).await;
                }
            )*
            $(
                #[tokio::test]
                async fn $sandbox() {
                    super::$sandbox(&super::SandboxMetricsFixture::new().await).await;
                }
            )*
        }

        mod moto {
            $(
                #[tokio::test]
                #[ignore = "needs services: tests/run.sh"]
                async fn $both() {
                    super::$both(&super::MotoMetricsFixture::new().await).await;
                }
            )*
            $(
                #[tokio::test]
                #[ignore = "needs services: tests/run.sh"]
                async fn $moto() {
                    super::$moto(&super::MotoMetricsFixture::new().await).await;
                }
            )*
        }
    };
}

contract!(
    both: [
        several_functions_map_back_exactly_from_one_request,
        functions_without_invocations_give_empty_series,
        an_erroring_function_s_alarm_is_in_alarm_with_reason_and_since,
        a_quiet_function_s_alarm_is_ok_since_its_last_error,
        alarm_metric_answers_the_alarm_s_metric_in_the_window,
    ],
    sandbox_only: [
        duration_percentiles_come_from_the_report_lines,
        injected_faults_fire_the_alarm_and_clean_traffic_leaves_it_ok,
    ],
    moto_only: [
        duration_percentiles_moto_fail_the_whole_call,
        alarms_in_alarm_sort_first_newest_change_first,
        an_alarm_on_a_percentile_names_its_extended_statistic,
        eighty_four_functions_take_two_calls_of_at_most_500_queries,
    ],
);

fn errors_metric(function: &str) -> AlarmMetric {
    AlarmMetric {
        namespace: "AWS/Lambda".into(),
        name: "Errors".into(),
        dimensions: vec![("FunctionName".into(), function.into())],
        stat: "Sum".into(),
        period_seconds: 300,
    }
}

/// The start of a five-minute period some time ago, at the millisecond CloudWatch keeps.
fn period_start(ago: Duration) -> DateTime<Utc> {
    (Utc::now() - ago).duration_trunc(FIVE_MINUTES).unwrap()
}

fn now_ms() -> DateTime<Utc> {
    Utc::now()
        .duration_trunc(Duration::milliseconds(1))
        .unwrap()
}

fn points_of<'a>(
    series: &'a [MetricSeries],
    function: &str,
    metric: FunctionMetric,
) -> &'a [(DateTime<Utc>, f64)] {
    &series
        .iter()
        .find(|s| s.function == function && s.metric == metric)
        .unwrap_or_else(|| panic!("no {metric:?} of {function}"))
        .points
}

async fn our_alarm(fx: &dyn MetricsFixture, name: &str) -> Alarm {
    let mut alarms = fx.metrics().alarms().await.unwrap();
    sort_alarms(&mut alarms);
    alarms
        .into_iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no alarm {name}"))
}

async fn several_functions_map_back_exactly_from_one_request(fx: &dyn MetricsFixture) {
    let (fa, fb, fc) = (fx.function("fa"), fx.function("fb"), fx.function("fc"));
    let base = period_start(Duration::hours(1));
    let s = |secs: i64| base + Duration::seconds(secs);
    fx.invoke(
        &fa,
        FIVE_MINUTES,
        &[
            // Before and after the window: never counted.
            failed(s(-60), 10.0, 1),
            ok(s(10), 100.0, 1),
            failed(s(20), 300.0, 2),
            ok(s(40), 200.0, 1),
            failed(s(330), 50.0, 1),
            ok(s(360), 70.0, 1),
            ok(s(600), 10.0, 3),
        ],
    )
    .await;
    fx.invoke(&fb, FIVE_MINUTES, &[ok(s(120), 10.0, 7)]).await;
    let request = MetricsRequest {
        functions: vec![fa.clone(), fb.clone(), fc.clone()],
        window: TimeWindow::new(base, s(600)).unwrap(),
        period: FIVE_MINUTES,
    };
    let series = fx.metrics().function_metrics(&request).await.unwrap();

    // Every metric of every function, in the request's order.
    let order: Vec<(&str, FunctionMetric)> = series
        .iter()
        .map(|s| (s.function.as_str(), s.metric))
        .collect();
    let expected: Vec<(&str, FunctionMetric)> = [&fa, &fb, &fc]
        .into_iter()
        .flat_map(|f| FunctionMetric::ALL.map(|m| (f.as_str(), m)))
        .collect();
    assert_eq!(order, expected);

    let (p0, p1) = (base, s(300));
    use FunctionMetric::*;
    assert_eq!(points_of(&series, &fa, Invocations), [(p0, 3.0), (p1, 2.0)]);
    assert_eq!(points_of(&series, &fa, Errors), [(p0, 1.0), (p1, 1.0)]);
    assert_eq!(points_of(&series, &fa, Throttles), [(p0, 0.0), (p1, 0.0)]);
    assert_eq!(
        points_of(&series, &fa, ConcurrentExecutions),
        [(p0, 2.0), (p1, 1.0)]
    );
    assert_eq!(points_of(&series, &fb, Invocations), [(p0, 1.0)]);
    assert_eq!(points_of(&series, &fb, Errors), [(p0, 0.0)]);
    assert_eq!(points_of(&series, &fb, ConcurrentExecutions), [(p0, 1.0)]);
    for metric in FunctionMetric::ALL {
        assert!(points_of(&series, &fc, metric).is_empty(), "{metric:?}");
    }
    let invocations = series
        .iter()
        .find(|s| s.function == fa && s.metric == Invocations)
        .unwrap();
    assert_eq!(invocations.total(), Some(5.0));
}

async fn functions_without_invocations_give_empty_series(fx: &dyn MetricsFixture) {
    let metrics = fx.metrics();
    let (x, y) = (fx.function("never-x"), fx.function("never-y"));
    let window = TimeWindow::last(Duration::hours(3));
    let series = metrics
        .function_metrics(&MetricsRequest {
            functions: vec![x.clone(), y.clone()],
            window,
            period: Duration::minutes(5),
        })
        .await
        .unwrap();
    assert_eq!(series.len(), 12);
    assert!(
        series
            .iter()
            .all(|s| s.points.is_empty() && s.total().is_none())
    );
    assert_eq!(series[0].function, x);
    assert_eq!(series[6].function, y);
    let none = metrics
        .function_metrics(&MetricsRequest {
            functions: Vec::new(),
            window,
            period: Duration::minutes(5),
        })
        .await
        .unwrap();
    assert!(none.is_empty());
}

async fn an_erroring_function_s_alarm_is_in_alarm_with_reason_and_since(fx: &dyn MetricsFixture) {
    let (name, function) = fx.error_alarm().await;
    let now = now_ms();
    let first_error = now - Duration::minutes(3);
    fx.invoke(
        &function,
        FIVE_MINUTES,
        &[
            ok(now - Duration::minutes(20), 12.0, 1),
            failed(first_error, 30.0, 1),
            failed(now - Duration::minutes(1), 30.0, 2),
            ok(now - Duration::seconds(30), 12.0, 1),
        ],
    )
    .await;
    fx.evaluate(
        &name,
        AlarmState::Alarm,
        "Threshold Crossed: 1 datapoint [2.0 (03/12/26 10:05:00)] was greater than or equal to the threshold (1.0).",
    )
    .await;
    let alarm = our_alarm(fx, &name).await;
    assert_eq!(alarm.state, AlarmState::Alarm);
    assert!(
        alarm
            .reason
            .starts_with("Threshold Crossed: 1 datapoint [2.0 (")
            && alarm
                .reason
                .ends_with(")] was greater than or equal to the threshold (1.0)."),
        "{}",
        alarm.reason
    );
    let since = alarm.since.unwrap();
    assert!(
        since >= first_error && since <= Utc::now(),
        "since {since}, first error {first_error}"
    );
    assert_eq!(alarm.metric, Some(errors_metric(&function)));
    assert_eq!(alarm.threshold, Some(1.0));
    assert_eq!(
        alarm.comparison.as_deref(),
        Some("GreaterThanOrEqualToThreshold")
    );
}

async fn a_quiet_function_s_alarm_is_ok_since_its_last_error(fx: &dyn MetricsFixture) {
    let (name, function) = fx.error_alarm().await;
    let now = now_ms();
    let last_error = now - Duration::minutes(20);
    fx.invoke(
        &function,
        FIVE_MINUTES,
        &[
            failed(now - Duration::minutes(25), 30.0, 1),
            failed(last_error, 30.0, 1),
            ok(now - Duration::minutes(2), 12.0, 1),
            ok(now - Duration::seconds(10), 12.0, 2),
        ],
    )
    .await;
    fx.evaluate(
        &name,
        AlarmState::Ok,
        "Threshold Crossed: 1 datapoint [0.0 (03/12/26 10:05:00)] was not greater than or equal to the threshold (1.0).",
    )
    .await;
    let alarm = our_alarm(fx, &name).await;
    assert_eq!(alarm.state, AlarmState::Ok);
    assert!(
        alarm
            .reason
            .ends_with("was not greater than or equal to the threshold (1.0)."),
        "{}",
        alarm.reason
    );
    let since = alarm.since.unwrap();
    assert!(
        since >= last_error + FIVE_MINUTES && since <= Utc::now(),
        "since {since}, last error {last_error}"
    );
}

async fn alarm_metric_answers_the_alarm_s_metric_in_the_window(fx: &dyn MetricsFixture) {
    let (name, function) = fx.error_alarm().await;
    let base = period_start(Duration::hours(2));
    let m = |minutes: i64| base + Duration::minutes(minutes);
    fx.invoke(
        &function,
        FIVE_MINUTES,
        &[
            failed(m(-3), 10.0, 1),
            failed(m(1), 10.0, 1),
            failed(m(2), 10.0, 2),
            ok(m(6), 10.0, 1),
            failed(m(11), 10.0, 1),
            failed(m(40), 10.0, 1),
        ],
    )
    .await;
    let alarm = our_alarm(fx, &name).await;
    let window = TimeWindow::new(base, m(30)).unwrap();
    let points = fx.metrics().alarm_metric(&alarm, window).await.unwrap();
    assert_eq!(points, [(m(0), 2.0), (m(5), 0.0), (m(10), 1.0)]);

    let composite = Alarm {
        metric: None,
        ..alarm
    };
    assert!(matches!(
        fx.metrics().alarm_metric(&composite, window).await,
        Err(backoffice_domain::DomainError::Unsupported(_))
    ));
}

async fn duration_percentiles_come_from_the_report_lines(fx: &dyn MetricsFixture) {
    let f = fx.function("timed");
    let base = period_start(Duration::hours(1));
    let calls: Vec<Call> = (1..=100)
        .map(|i| ok(base + Duration::seconds(i), i as f64, (i % 4) as u32))
        .collect();
    fx.invoke(&f, FIVE_MINUTES, &calls).await;
    let series = fx
        .metrics()
        .function_metrics(&MetricsRequest {
            functions: vec![f.clone()],
            window: TimeWindow::new(base, base + FIVE_MINUTES).unwrap(),
            period: FIVE_MINUTES,
        })
        .await
        .unwrap();
    assert_eq!(
        points_of(&series, &f, FunctionMetric::DurationP50),
        [(base, 50.0)]
    );
    assert_eq!(
        points_of(&series, &f, FunctionMetric::DurationP99),
        [(base, 99.0)]
    );
    assert_eq!(
        points_of(&series, &f, FunctionMetric::ConcurrentExecutions),
        [(base, 4.0)]
    );
}

async fn duration_percentiles_moto_fail_the_whole_call(fx: &dyn MetricsFixture) {
    let f = fx.function("timed");
    let base = period_start(Duration::hours(1));
    let calls: Vec<Call> = (1..=10)
        .map(|i| ok(base + Duration::seconds(i), i as f64, 1))
        .collect();
    fx.invoke(&f, FIVE_MINUTES, &calls).await;
    let request = MetricsRequest {
        functions: vec![f.clone()],
        window: TimeWindow::new(base, base + FIVE_MINUTES).unwrap(),
        period: FIVE_MINUTES,
    };
    // Without Duration data the percentile queries answer nothing, and the rest maps.
    let series = fx.metrics().function_metrics(&request).await.unwrap();
    assert_eq!(
        points_of(&series, &f, FunctionMetric::Invocations),
        [(base, 10.0)]
    );
    assert!(points_of(&series, &f, FunctionMetric::DurationP99).is_empty());
    // With it, CloudWatch would answer p50 5 and p99 10; moto cannot write the percentile it
    // does not compute and fails the whole answer.
    let durations: Vec<_> = calls.iter().map(|c| (c.at, c.duration_ms)).collect();
    moto_metrics()
        .await
        .put_metric_data(&f, "Duration", &durations)
        .await
        .unwrap();
    let err = fx.metrics().function_metrics(&request).await.unwrap_err();
    assert!(
        matches!(err, backoffice_domain::DomainError::Unexpected { .. }),
        "{err:?}"
    );
}

/// The metrics adapter on moto, for what the port does not do (creating alarms).
async fn moto_metrics() -> CloudWatchMetrics {
    CloudWatchMetrics::new(&crate::support::moto_context().await)
}

async fn alarms_in_alarm_sort_first_newest_change_first(fx: &dyn MetricsFixture) {
    let cw = moto_metrics().await;
    let names: Vec<String> = ["quiet", "older", "newer"]
        .iter()
        .map(|n| fx.function(n))
        .collect();
    for name in &names {
        cw.put_alarm(
            name,
            &errors_metric(name),
            1.0,
            "GreaterThanOrEqualToThreshold",
        )
        .await
        .unwrap();
    }
    cw.set_alarm_state(&names[1], AlarmState::Alarm, "Threshold Crossed: older")
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    cw.set_alarm_state(&names[2], AlarmState::Alarm, "Threshold Crossed: newer")
        .await
        .unwrap();
    let mut alarms: Vec<Alarm> = fx
        .metrics()
        .alarms()
        .await
        .unwrap()
        .into_iter()
        .filter(|a| names.contains(&a.name))
        .collect();
    sort_alarms(&mut alarms);
    let order: Vec<&str> = alarms.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(order, [&names[2], &names[1], &names[0]]);
    assert_eq!(alarms[0].reason, "Threshold Crossed: newer");
    assert_eq!(alarms[2].state, AlarmState::Ok);
    assert!(alarms[0].since > alarms[1].since);
}

async fn an_alarm_on_a_percentile_names_its_extended_statistic(fx: &dyn MetricsFixture) {
    let cw = moto_metrics().await;
    let name = fx.function("slow");
    let metric = AlarmMetric {
        namespace: "AWS/Lambda".into(),
        name: "Duration".into(),
        dimensions: vec![("FunctionName".into(), fx.function("api"))],
        stat: "p99".into(),
        period_seconds: 60,
    };
    cw.put_alarm(&name, &metric, 1500.0, "GreaterThanThreshold")
        .await
        .unwrap();
    let alarm = our_alarm(fx, &name).await;
    assert_eq!(alarm.metric, Some(metric));
    assert_eq!(alarm.threshold, Some(1500.0));
    assert_eq!(alarm.comparison.as_deref(), Some("GreaterThanThreshold"));
}

/// The queries of every GetMetricData call the SDK starts.
#[derive(Debug, Default, Clone)]
struct QueryCounter(Arc<Mutex<Vec<usize>>>);

impl Intercept for QueryCounter {
    fn name(&self) -> &'static str {
        "QueryCounter"
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(input) = context.input().downcast_ref::<GetMetricDataInput>() {
            self.0
                .lock()
                .unwrap()
                .push(input.metric_data_queries().len());
        }
        Ok(())
    }
}

async fn eighty_four_functions_take_two_calls_of_at_most_500_queries(fx: &dyn MetricsFixture) {
    let ctx = crate::support::moto_context().await;
    let counter = QueryCounter::default();
    let conf = aws_sdk_cloudwatch::config::Builder::from(ctx.sdk_config())
        .interceptor(counter.clone())
        .build();
    let counted = CloudWatchMetrics::from_client(aws_sdk_cloudwatch::Client::from_conf(conf));
    let functions: Vec<String> = (0..84).map(|i| fx.function(&format!("f{i}"))).collect();
    let base = period_start(Duration::hours(1));
    // The first and the last function have data; the last one's queries go in the second call.
    fx.invoke(
        &functions[0],
        FIVE_MINUTES,
        &[ok(base + Duration::seconds(5), 3.0, 1)],
    )
    .await;
    fx.invoke(
        &functions[83],
        FIVE_MINUTES,
        &[
            failed(base + Duration::seconds(5), 3.0, 1),
            ok(base + Duration::seconds(9), 3.0, 2),
        ],
    )
    .await;
    let request = |functions: &[String]| MetricsRequest {
        functions: functions.to_vec(),
        window: TimeWindow::new(base, base + FIVE_MINUTES).unwrap(),
        period: FIVE_MINUTES,
    };

    let series = counted
        .function_metrics(&request(&functions[..83]))
        .await
        .unwrap();
    assert_eq!(series.len(), 83 * 6);
    assert_eq!(*counter.0.lock().unwrap(), [498]);

    counter.0.lock().unwrap().clear();
    let series = counted
        .function_metrics(&request(&functions))
        .await
        .unwrap();
    assert_eq!(*counter.0.lock().unwrap(), [500, 4]);
    assert_eq!(series.len(), 84 * 6);
    use FunctionMetric::*;
    assert_eq!(
        points_of(&series, &functions[0], Invocations),
        [(base, 1.0)]
    );
    assert_eq!(
        points_of(&series, &functions[83], Invocations),
        [(base, 2.0)]
    );
    assert_eq!(points_of(&series, &functions[83], Errors), [(base, 1.0)]);
    assert_eq!(
        points_of(&series, &functions[83], ConcurrentExecutions),
        [(base, 2.0)]
    );
    assert!(points_of(&series, &functions[40], Invocations).is_empty());
}

/// A sandbox seeded small, its logs an hour old, with the simulator's traffic of the last
/// seconds on top.
async fn simulated(fault_rate: f64) -> (crate::support::SandboxHarness, usize) {
    let h = crate::support::empty_sandbox().await;
    h.sandbox
        .seed(
            &SeedOptions {
                users: 12,
                posts: 30,
                comments: 30,
                reports: 2,
                post_images: 0,
                profile_images: 0,
                invocations: 40,
                now: Utc::now() - Duration::hours(1),
                ..SeedOptions::default()
            },
            &|_| {},
        )
        .await
        .unwrap();
    let mut sim = Simulator::new(
        &h.sandbox,
        TrafficOptions {
            fault_rate,
            bad_request_rate: 0.0,
            ..TrafficOptions::default()
        },
    )
    .await
    .unwrap();
    let mut failures = 0;
    for _ in 0..6 {
        let invocation = sim.step().await.unwrap();
        failures += usize::from(invocation.status >= 500);
    }
    (h, failures)
}

async fn injected_faults_fire_the_alarm_and_clean_traffic_leaves_it_ok(_fx: &dyn MetricsFixture) {
    let started = now_ms();
    let (faulty, failures) = simulated(1.0).await;
    assert!(
        failures > 0,
        "every store call fails, so requests must fail"
    );
    let alarm = faulty.sandbox.metrics.alarms().await.unwrap().remove(0);
    assert_eq!(alarm.name, API_ERRORS_ALARM);
    assert_eq!(alarm.state, AlarmState::Alarm, "{}", alarm.reason);
    assert!(alarm.since.unwrap() >= started);
    assert!(
        alarm
            .reason
            .starts_with(&format!("Threshold Crossed: 1 datapoint [{failures}.0 (")),
        "{}",
        alarm.reason
    );
    let series = faulty
        .sandbox
        .metrics
        .function_metrics(&MetricsRequest {
            functions: vec!["backoffice-api".into()],
            window: TimeWindow::last(Duration::minutes(10)),
            period: Duration::minutes(1),
        })
        .await
        .unwrap();
    let errors = series
        .iter()
        .find(|s| s.metric == FunctionMetric::Errors)
        .unwrap();
    assert_eq!(errors.total(), Some(failures as f64));

    let (clean, failures) = simulated(0.0).await;
    assert_eq!(failures, 0);
    let alarm = clean.sandbox.metrics.alarms().await.unwrap().remove(0);
    assert_eq!(alarm.state, AlarmState::Ok, "{}", alarm.reason);
    assert!(alarm.since.unwrap() < started);
}
