//! [`Metrics`] on CloudWatch: the Lambda functions' figures through GetMetricData (every
//! function's every metric in as few calls as CloudWatch allows) and the account's alarms
//! through DescribeAlarms.
//!
//! The console only reads. [`put_metric_data`](CloudWatchMetrics::put_metric_data),
//! [`put_alarm`](CloudWatchMetrics::put_alarm) and
//! [`set_alarm_state`](CloudWatchMetrics::set_alarm_state) exist for tests and benchmarks that
//! arrange data on an emulator; nothing in the console calls them.

use super::{AwsContext, Call, sdk_error};
use crate::error::{DomainError, DomainResult};
use crate::model::{
    Alarm, AlarmMetric, AlarmState, FunctionMetric, MetricSeries, MetricsRequest, TimeWindow,
};
use crate::ports::Metrics;
use async_trait::async_trait;
use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::types::{
    AlarmType, ComparisonOperator, CompositeAlarm, Dimension, Metric, MetricAlarm, MetricDataQuery,
    MetricDataResult, MetricDatum, MetricStat, ScanBy, StateValue, Statistic,
};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

const SERVICE: &str = "CloudWatch";
/// The namespace Lambda publishes its functions' metrics in.
pub const LAMBDA_NAMESPACE: &str = "AWS/Lambda";
/// The dimension that names a Lambda function.
pub const FUNCTION_DIMENSION: &str = "FunctionName";
/// Most queries one GetMetricData call takes.
pub const MAX_QUERIES_PER_CALL: usize = 500;
/// DescribeAlarms' largest page.
const MAX_ALARMS_PAGE: i32 = 100;
/// PutMetricData's most datums a call.
const PUT_MAX_DATUMS: usize = 1_000;

/// CloudWatch Metrics and alarms behind the [`Metrics`] port.
#[derive(Debug, Clone)]
pub struct CloudWatchMetrics {
    client: Client,
}

impl CloudWatchMetrics {
    /// Metrics on the session's shared configuration.
    pub fn new(ctx: &AwsContext) -> Self {
        Self::from_client(Client::new(ctx.sdk_config()))
    }

    /// Metrics on a client the caller built from the same context, e.g. with an interceptor
    /// that counts calls (the contract tests do).
    pub fn from_client(client: Client) -> Self {
        Self { client }
    }

    /// Every query's values, by query id, oldest first: one GetMetricData call per
    /// [`MAX_QUERIES_PER_CALL`] queries, each followed through its NextToken pages.
    async fn metric_data(
        &self,
        queries: Vec<MetricDataQuery>,
        window: TimeWindow,
        subject: &str,
    ) -> DomainResult<HashMap<String, Vec<(DateTime<Utc>, f64)>>> {
        let mut points: HashMap<String, Vec<(DateTime<Utc>, f64)>> = HashMap::new();
        for chunk in queries.chunks(MAX_QUERIES_PER_CALL) {
            let mut token: Option<String> = None;
            let mut pages = Pages::default();
            loop {
                let out = self
                    .client
                    .get_metric_data()
                    .set_metric_data_queries(Some(chunk.to_vec()))
                    .start_time(to_sdk_time(window.start))
                    .end_time(to_sdk_time(window.end))
                    .scan_by(ScanBy::TimestampAscending)
                    .set_next_token(token.take())
                    .send()
                    .await
                    .map_err(|e| {
                        sdk_error(
                            e,
                            Call::new(SERVICE, "cloudwatch:GetMetricData", subject)
                                .field("metrics"),
                        )
                    })?;
                collect(out.metric_data_results(), &mut points);
                match next_page(out.next_token(), &mut pages, subject)? {
                    Some(t) => token = Some(t),
                    None => break,
                }
            }
        }
        for series in points.values_mut() {
            series.sort_by_key(|(t, _)| *t);
            series.dedup_by_key(|(t, _)| *t);
        }
        Ok(points)
    }

    /// Writes datapoints of one Lambda metric (`Invocations`, `Duration` …) of `function` in
    /// `AWS/Lambda`, one datum per point, in as few PutMetricData calls as its limit allows.
    /// For tests and benchmarks on an emulator: AWS reserves the `AWS/` namespaces to its
    /// services, and the console never writes metrics.
    pub async fn put_metric_data(
        &self,
        function: &str,
        metric_name: &str,
        points: &[(DateTime<Utc>, f64)],
    ) -> DomainResult<()> {
        for chunk in points.chunks(PUT_MAX_DATUMS) {
            let data = chunk
                .iter()
                .map(|(at, value)| {
                    MetricDatum::builder()
                        .metric_name(metric_name)
                        .dimensions(function_dimension(function))
                        .timestamp(to_sdk_time(*at))
                        .value(*value)
                        .build()
                })
                .collect();
            self.client
                .put_metric_data()
                .namespace(LAMBDA_NAMESPACE)
                .set_metric_data(Some(data))
                .send()
                .await
                .map_err(|e| {
                    sdk_error(
                        e,
                        Call::new(
                            SERVICE,
                            "cloudwatch:PutMetricData",
                            format!("{metric_name} of {function}"),
                        )
                        .field("metrics"),
                    )
                })?;
        }
        Ok(())
    }

    /// Creates or replaces a metric alarm on one period of `metric` (a `p…` stat is sent as
    /// the extended statistic). For tests and benchmarks: the console never writes alarms.
    pub async fn put_alarm(
        &self,
        name: &str,
        metric: &AlarmMetric,
        threshold: f64,
        comparison: &str,
    ) -> DomainResult<()> {
        let mut request = self
            .client
            .put_metric_alarm()
            .alarm_name(name)
            .namespace(&metric.namespace)
            .metric_name(&metric.name)
            .period(metric.period_seconds)
            .evaluation_periods(1)
            .threshold(threshold)
            .comparison_operator(ComparisonOperator::from(comparison));
        for (key, value) in &metric.dimensions {
            request = request.dimensions(Dimension::builder().name(key).value(value).build());
        }
        request = if is_extended(&metric.stat) {
            request.extended_statistic(&metric.stat)
        } else {
            request.statistic(Statistic::from(metric.stat.as_str()))
        };
        request.send().await.map_err(|e| {
            sdk_error(
                e,
                Call::new(
                    SERVICE,
                    "cloudwatch:PutMetricAlarm",
                    format!("alarm {name}"),
                )
                .field("alarm"),
            )
        })?;
        Ok(())
    }

    /// Sets an alarm's state and reason, as CloudWatch's evaluation would. For tests and
    /// benchmarks: the console never changes alarms.
    pub async fn set_alarm_state(
        &self,
        name: &str,
        state: AlarmState,
        reason: &str,
    ) -> DomainResult<()> {
        self.client
            .set_alarm_state()
            .alarm_name(name)
            .state_value(StateValue::from(state.as_str()))
            .state_reason(reason)
            .send()
            .await
            .map_err(|e| {
                sdk_error(
                    e,
                    Call::new(SERVICE, "cloudwatch:SetAlarmState", format!("alarm {name}"))
                        .field("state"),
                )
            })?;
        Ok(())
    }
}

#[async_trait]
impl Metrics for CloudWatchMetrics {
    async fn function_metrics(&self, request: &MetricsRequest) -> DomainResult<Vec<MetricSeries>> {
        let period = period_seconds(request.period)?;
        let pairs: Vec<(&str, FunctionMetric)> = request
            .functions
            .iter()
            .flat_map(|f| FunctionMetric::ALL.map(|m| (f.as_str(), m)))
            .collect();
        if pairs.is_empty() {
            return Ok(Vec::new());
        }
        let queries = pairs
            .iter()
            .enumerate()
            .map(|(i, (function, metric))| {
                query(
                    query_id(i),
                    lambda_metric(function, metric.metric_name()),
                    metric.stat(),
                    period,
                )
            })
            .collect();
        let window = aligned(request.window, period);
        let subject = match request.functions.as_slice() {
            [one] => format!("metrics of {one}"),
            many => format!("metrics of {} functions", many.len()),
        };
        let mut points = self.metric_data(queries, window, &subject).await?;
        Ok(pairs
            .into_iter()
            .enumerate()
            .map(|(i, (function, metric))| MetricSeries {
                function: function.to_string(),
                metric,
                points: points.remove(&query_id(i)).unwrap_or_default(),
            })
            .collect())
    }

    async fn alarms(&self) -> DomainResult<Vec<Alarm>> {
        let mut alarms = Vec::new();
        let mut token: Option<String> = None;
        let mut pages = Pages::default();
        loop {
            let out = self
                .client
                .describe_alarms()
                .alarm_types(AlarmType::MetricAlarm)
                .alarm_types(AlarmType::CompositeAlarm)
                .max_records(MAX_ALARMS_PAGE)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| {
                    sdk_error(e, Call::new(SERVICE, "cloudwatch:DescribeAlarms", "alarms"))
                })?;
            alarms.extend(out.metric_alarms().iter().filter_map(metric_alarm));
            alarms.extend(out.composite_alarms().iter().filter_map(composite_alarm));
            match next_page(out.next_token(), &mut pages, "alarms")? {
                Some(t) => token = Some(t),
                None => return Ok(alarms),
            }
        }
    }

    async fn alarm_metric(
        &self,
        alarm: &Alarm,
        window: TimeWindow,
    ) -> DomainResult<Vec<(DateTime<Utc>, f64)>> {
        let metric = alarm.metric.as_ref().ok_or_else(|| {
            DomainError::Unsupported(format!(
                "alarm {} watches no single metric (a composite or metric-math alarm)",
                alarm.name
            ))
        })?;
        // The alarm's period, unless the window's data is too old to be kept at it.
        let floor = crate::model::period_floor(&window, Utc::now()).num_seconds();
        let period = metric
            .period_seconds
            .max(i32::try_from(floor).unwrap_or(i32::MAX))
            .max(1);
        let mut watched = Metric::builder()
            .namespace(&metric.namespace)
            .metric_name(&metric.name);
        for (key, value) in &metric.dimensions {
            watched = watched.dimensions(Dimension::builder().name(key).value(value).build());
        }
        let id = query_id(0);
        let queries = vec![query(id.clone(), watched.build(), &metric.stat, period)];
        let mut points = self
            .metric_data(
                queries,
                aligned(window, period),
                &format!("the metric of alarm {}", alarm.name),
            )
            .await?;
        Ok(points.remove(&id).unwrap_or_default())
    }
}

/// A MetricDataQuery id: CloudWatch wants a lowercase letter first, then letters, digits and
/// underscores.
fn query_id(index: usize) -> String {
    format!("m{index}")
}

fn function_dimension(function: &str) -> Dimension {
    Dimension::builder()
        .name(FUNCTION_DIMENSION)
        .value(function)
        .build()
}

fn lambda_metric(function: &str, name: &str) -> Metric {
    Metric::builder()
        .namespace(LAMBDA_NAMESPACE)
        .metric_name(name)
        .dimensions(function_dimension(function))
        .build()
}

fn query(id: String, metric: Metric, stat: &str, period: i32) -> MetricDataQuery {
    MetricDataQuery::builder()
        .id(id)
        .metric_stat(
            MetricStat::builder()
                .metric(metric)
                .period(period)
                .stat(stat)
                .build(),
        )
        .return_data(true)
        .build()
}

/// Whether a stat is an extended statistic (`p99`, `tm90`, `IQM` …) rather than one of the five
/// plain ones.
fn is_extended(stat: &str) -> bool {
    !matches!(
        stat,
        "SampleCount" | "Average" | "Sum" | "Minimum" | "Maximum"
    )
}

/// The request's period as CloudWatch takes it: whole seconds, 1, 5, 10, 20, 30 or a multiple
/// of 60.
fn period_seconds(period: Duration) -> DomainResult<i32> {
    let seconds = period.num_seconds();
    let valid = period.subsec_nanos() == 0
        && (matches!(seconds, 1 | 5 | 10 | 20 | 30) || (seconds > 0 && seconds % 60 == 0));
    match i32::try_from(seconds) {
        Ok(s) if valid => Ok(s),
        _ => Err(DomainError::invalid(
            "period",
            format!("{seconds} s: CloudWatch takes 1, 5, 10, 20, 30 s or a multiple of 60 s"),
        )),
    }
}

/// The window widened to whole periods (its start down, its end up), as CloudWatch rounds it,
/// so that every backend's points fall on the same period boundaries.
fn aligned(window: TimeWindow, period: i32) -> TimeWindow {
    let p = i64::from(period.max(1)) * 1000;
    let start = window.start.timestamp_millis().div_euclid(p) * p;
    let end_ms = window.end.timestamp_millis();
    let end = end_ms.div_euclid(p) * p + if end_ms.rem_euclid(p) == 0 { 0 } else { p };
    TimeWindow {
        start: DateTime::from_timestamp_millis(start).unwrap_or(window.start),
        end: DateTime::from_timestamp_millis(end.max(start + p)).unwrap_or(window.end),
    }
}

/// Adds one GetMetricData page's points to what earlier pages gave, by query id (a query's
/// points may arrive over several pages).
fn collect(results: &[MetricDataResult], into: &mut HashMap<String, Vec<(DateTime<Utc>, f64)>>) {
    for result in results {
        let Some(id) = result.id() else { continue };
        let series = into.entry(id.to_string()).or_default();
        series.extend(
            result
                .timestamps()
                .iter()
                .zip(result.values())
                .filter(|(_, v)| v.is_finite())
                .filter_map(|(t, v)| Some((from_sdk_time(t)?, *v))),
        );
    }
}

fn to_sdk_time(t: DateTime<Utc>) -> aws_smithy_types::DateTime {
    aws_smithy_types::DateTime::from_millis(t.timestamp_millis())
}

fn from_sdk_time(t: &aws_smithy_types::DateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

fn state_of(value: Option<&StateValue>) -> AlarmState {
    match value {
        Some(StateValue::Alarm) => AlarmState::Alarm,
        Some(StateValue::Ok) => AlarmState::Ok,
        _ => AlarmState::InsufficientData,
    }
}

/// When the alarm entered its state: the last transition when CloudWatch says it, else the
/// last update of its state.
fn since(
    transitioned: Option<&aws_smithy_types::DateTime>,
    updated: Option<&aws_smithy_types::DateTime>,
) -> Option<DateTime<Utc>> {
    transitioned.or(updated).and_then(from_sdk_time)
}

fn metric_alarm(a: &MetricAlarm) -> Option<Alarm> {
    let metric = match (a.namespace(), a.metric_name()) {
        // A metric-math alarm names its metrics in `Metrics` instead.
        (Some(namespace), Some(name)) if a.metrics().is_empty() => Some(AlarmMetric {
            namespace: namespace.to_string(),
            name: name.to_string(),
            dimensions: a
                .dimensions()
                .iter()
                .map(|d| {
                    (
                        d.name().unwrap_or_default().to_string(),
                        d.value().unwrap_or_default().to_string(),
                    )
                })
                .collect(),
            stat: a
                .statistic()
                .map(|s| s.as_str().to_string())
                .or_else(|| a.extended_statistic().map(str::to_string))
                .unwrap_or_default(),
            period_seconds: a.period().unwrap_or(60),
        }),
        _ => None,
    };
    Some(Alarm {
        name: a.alarm_name()?.to_string(),
        state: state_of(a.state_value()),
        reason: a.state_reason().unwrap_or_default().to_string(),
        since: since(
            a.state_transitioned_timestamp(),
            a.state_updated_timestamp(),
        ),
        metric,
        threshold: a.threshold(),
        comparison: a.comparison_operator().map(|c| c.as_str().to_string()),
    })
}

fn composite_alarm(a: &CompositeAlarm) -> Option<Alarm> {
    Some(Alarm {
        name: a.alarm_name()?.to_string(),
        state: state_of(a.state_value()),
        reason: a.state_reason().unwrap_or_default().to_string(),
        since: since(
            a.state_transitioned_timestamp(),
            a.state_updated_timestamp(),
        ),
        metric: None,
        threshold: None,
        comparison: None,
    })
}

/// Most pages one listing follows before it stops: a service that keeps answering with more
/// would otherwise hold the console for ever.
const MAX_PAGES: usize = 1_000;

/// The pages a listing has followed, and the tokens it was given.
#[derive(Default)]
struct Pages {
    seen: std::collections::HashSet<String>,
}

/// The next page's token, `None` at the end; an error when the service repeats a token or a
/// listing runs past [`MAX_PAGES`].
fn next_page(
    token: Option<&str>,
    pages: &mut Pages,
    subject: &str,
) -> DomainResult<Option<String>> {
    let Some(t) = token.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if !pages.seen.insert(t.to_string()) || pages.seen.len() > MAX_PAGES {
        return Err(DomainError::unexpected(
            format!(
                "CloudWatch kept paging {subject} (a token came back, or more than {MAX_PAGES} pages)"
            ),
            std::io::Error::other("paging did not end"),
        ));
    }
    Ok(Some(t.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_instant;

    fn at(s: &str) -> DateTime<Utc> {
        parse_instant(s).unwrap()
    }

    fn sdk(s: &str) -> aws_smithy_types::DateTime {
        to_sdk_time(at(s))
    }

    #[test]
    fn query_ids_are_what_cloudwatch_accepts() {
        for i in [0, 1, 9, 10, 499, 500, 100_000] {
            let id = query_id(i);
            let mut chars = id.chars();
            assert!(chars.next().is_some_and(|c| c.is_ascii_lowercase()), "{id}");
            assert!(chars.all(|c| c.is_ascii_alphanumeric() || c == '_'), "{id}");
            assert!(id.len() <= 255);
        }
        assert_ne!(query_id(1), query_id(10));
    }

    #[test]
    fn windows_widen_to_whole_periods() {
        let w = TimeWindow::new(at("2026-12-03T10:02:30"), at("2026-12-03T10:14:00")).unwrap();
        let a = aligned(w, 300);
        assert_eq!(
            (a.start, a.end),
            (at("2026-12-03T10:00"), at("2026-12-03T10:15"))
        );
        let exact = TimeWindow::new(at("2026-12-03T10:00"), at("2026-12-03T11:00")).unwrap();
        assert_eq!(aligned(exact, 60), exact);
        let short = TimeWindow::new(at("2026-12-03T10:00"), at("2026-12-03T10:00:01")).unwrap();
        assert_eq!(aligned(short, 3600).end, at("2026-12-03T11:00"));
    }

    #[test]
    fn periods_are_those_cloudwatch_takes() {
        assert_eq!(period_seconds(Duration::seconds(60)).unwrap(), 60);
        assert_eq!(period_seconds(Duration::seconds(3600)).unwrap(), 3600);
        assert_eq!(period_seconds(Duration::seconds(10)).unwrap(), 10);
        for bad in [0, -60, 61, 90, 7] {
            let e = period_seconds(Duration::seconds(bad)).unwrap_err();
            assert!(
                matches!(e, DomainError::Invalid(ref i) if i.field == "period"),
                "{bad}"
            );
        }
        assert!(period_seconds(Duration::milliseconds(60_500)).is_err());
    }

    #[test]
    fn pages_of_one_query_add_up_and_unknown_values_are_dropped() {
        let page = |id: &str, points: &[(&str, f64)]| {
            let mut r = MetricDataResult::builder().id(id);
            for (t, v) in points {
                r = r.timestamps(sdk(t)).values(*v);
            }
            r.build()
        };
        let mut into = HashMap::new();
        collect(
            &[
                page(
                    "m0",
                    &[("2026-12-03T10:00", 1.0), ("2026-12-03T10:01", 2.0)],
                ),
                page("m1", &[("2026-12-03T10:00", f64::NAN)]),
            ],
            &mut into,
        );
        collect(&[page("m0", &[("2026-12-03T10:02", 3.0)])], &mut into);
        assert_eq!(
            into["m0"],
            vec![
                (at("2026-12-03T10:00"), 1.0),
                (at("2026-12-03T10:01"), 2.0),
                (at("2026-12-03T10:02"), 3.0)
            ]
        );
        assert!(into["m1"].is_empty());
    }

    #[test]
    fn a_metric_alarm_maps_its_state_metric_and_threshold() {
        let alarm = MetricAlarm::builder()
            .alarm_name("api-errors")
            .state_value(StateValue::Alarm)
            .state_reason("Threshold Crossed")
            .state_updated_timestamp(sdk("2026-12-03T10:07"))
            .state_transitioned_timestamp(sdk("2026-12-03T10:05"))
            .namespace("AWS/Lambda")
            .metric_name("Duration")
            .dimensions(function_dimension("api"))
            .extended_statistic("p99")
            .period(300)
            .threshold(1500.0)
            .comparison_operator(ComparisonOperator::GreaterThanThreshold)
            .build();
        let a = metric_alarm(&alarm).unwrap();
        assert_eq!(a.name, "api-errors");
        assert_eq!(a.state, AlarmState::Alarm);
        assert_eq!(a.reason, "Threshold Crossed");
        assert_eq!(
            a.since,
            Some(at("2026-12-03T10:05")),
            "the transition, not the update"
        );
        let m = a.metric.unwrap();
        assert_eq!(m.function(), Some("api"));
        assert_eq!(
            (
                m.namespace.as_str(),
                m.name.as_str(),
                m.stat.as_str(),
                m.period_seconds
            ),
            ("AWS/Lambda", "Duration", "p99", 300)
        );
        assert_eq!(a.threshold, Some(1500.0));
        assert_eq!(a.comparison.as_deref(), Some("GreaterThanThreshold"));

        let plain = MetricAlarm::builder()
            .alarm_name("old")
            .state_value(StateValue::Ok)
            .state_updated_timestamp(sdk("2026-12-03T09:00"))
            .namespace("AWS/Lambda")
            .metric_name("Errors")
            .statistic(Statistic::Sum)
            .build();
        let a = metric_alarm(&plain).unwrap();
        assert_eq!(a.since, Some(at("2026-12-03T09:00")));
        assert_eq!(a.metric.unwrap().stat, "Sum");
        assert!(metric_alarm(&MetricAlarm::builder().build()).is_none());
    }

    #[test]
    fn metric_math_and_composite_alarms_have_no_single_metric() {
        let math = MetricAlarm::builder()
            .alarm_name("error-rate")
            .state_value(StateValue::InsufficientData)
            .metrics(
                MetricDataQuery::builder()
                    .id("e1")
                    .expression("m1/m2")
                    .build(),
            )
            .threshold(0.05)
            .build();
        let a = metric_alarm(&math).unwrap();
        assert!(a.metric.is_none());
        assert_eq!(a.state, AlarmState::InsufficientData);

        let composite = CompositeAlarm::builder()
            .alarm_name("service-down")
            .alarm_rule("ALARM(api-errors) AND ALARM(api-latency)")
            .state_value(StateValue::Alarm)
            .state_reason("arbitrary")
            .state_transitioned_timestamp(sdk("2026-12-03T10:00"))
            .build();
        let a = composite_alarm(&composite).unwrap();
        assert_eq!(a.state, AlarmState::Alarm);
        assert_eq!(a.since, Some(at("2026-12-03T10:00")));
        assert!(a.metric.is_none() && a.threshold.is_none() && a.comparison.is_none());
    }

    #[test]
    fn only_the_five_plain_stats_are_not_extended() {
        for s in ["Sum", "Maximum", "Minimum", "Average", "SampleCount"] {
            assert!(!is_extended(s));
        }
        for s in ["p50", "p99", "p99.9", "tm90", "IQM"] {
            assert!(is_extended(s));
        }
    }
}
