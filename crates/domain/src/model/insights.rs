//! On-call at scale: Logs Insights queries (run server-side over many groups and long windows)
//! and the Lambda functions' metrics and alarms. Shapes only; the ports and adapters move them.

use super::{LogGroupName, TimeWindow};
use crate::error::Invalid;
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// Most log groups one Insights query may name (CloudWatch's limit).
pub const MAX_QUERY_GROUPS: usize = 50;
/// Longest query text CloudWatch takes.
pub const MAX_QUERY_LEN: usize = 10_000;
/// Most rows a query returns (CloudWatch's ceiling for `limit`).
pub const MAX_QUERY_ROWS: u32 = 10_000;
/// Longest window a range may span.
const MAX_RANGE: Duration = Duration::days(366);

/// Reads a time as the console and the CLI take it: RFC 3339, `YYYY-MM-DDTHH:MM[:SS]` (UTC) or
/// a date (its midnight, UTC).
pub fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    // As the console's titles write a time (`2026-12-06 01:10:00 UTC`), so that one copied
    // back is taken.
    let text = text.trim();
    let text = text.strip_suffix("UTC").map_or(text, str::trim_end);
    for format in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Some(Utc.from_utc_datetime(&t));
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| Utc.from_utc_datetime(&t))
}

/// A relative span as typed: `90s`, `15m`, `24h`, `7d`.
pub fn parse_span(text: &str) -> Option<Duration> {
    let text = text.trim();
    let unit = text.chars().last()?;
    let seconds = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3_600,
        'd' => 86_400,
        _ => return None,
    };
    let n: i64 = text[..text.len() - unit.len_utf8()].parse().ok()?;
    // Spans past the longest range are refused by the caller; here they only must not
    // overflow.
    (n > 0)
        .then(|| n.checked_mul(seconds))
        .flatten()
        .and_then(Duration::try_seconds)
}

/// One end of a time filter as typed: a span back from `now` (`90s`, `15m`, `24h`, `7d`) or an
/// instant as [`parse_instant`] reads it.
pub fn parse_moment(text: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let text = text.trim();
    match parse_span(text) {
        Some(span) => now.checked_sub_signed(span),
        None => parse_instant(text),
    }
}

/// The end of a time filter: as [`parse_moment`], but a date alone takes in its whole day (the
/// next midnight), as the posts filter's `until:` does.
pub fn parse_until(text: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        Ok(day) => day
            .succ_opt()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| Utc.from_utc_datetime(&t)),
        Err(_) => parse_moment(text, now),
    }
}

/// `MM-DD HH:MM[:SS]` (or with a `T`) in `year`.
fn in_year(text: &str, year: i32) -> Option<DateTime<Utc>> {
    ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&format!("{year}-{text}"), f).ok())
        .map(|t| Utc.from_utc_datetime(&t))
}

/// A start written without its year, as the console's titles write a window short
/// (`12-06 01:10`, or `12-06T01:10`): the latest such time not after a day past `now`.
fn parse_short_start(text: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let text = text.trim().replacen('T', " ", 1);
    let year = chrono::Datelike::year(&now);
    match in_year(&text, year) {
        Some(t) if t <= now + Duration::days(1) => Some(t),
        _ => in_year(&text, year - 1),
    }
}

/// An end written short after `start`: a time alone (`01:12`, on the start's day), or a date
/// (alone, taking in its whole day; or with a time) without the year: in the start's year, or
/// the next where its day comes earlier in the year than the start's and within two months of
/// it (`12-31 23:00..01-01`).
/// An end on an earlier time of the start's own day stays there, and the window is refused:
/// `12-05 10:00..12-05 09:00` read as a year less an hour.
fn parse_short_end(text: &str, start: DateTime<Utc>) -> Option<DateTime<Utc>> {
    use chrono::Datelike as _;
    let text = text.trim().replacen('T', " ", 1);
    let year = start.year();
    // The year of a day written without one: the next where it comes before the start's day
    // and the turn of the year is near (`12-31..01-01`); otherwise the start's, and a day
    // before the start is refused (`12-02..12-01` read as a year less a day).
    let year_of = |month: u32, day: u32| {
        let next_is_near = NaiveDate::from_ymd_opt(year + 1, month, day)
            .is_some_and(|d| (d - start.date_naive()).num_days() <= 62);
        if (month, day) < (start.month(), start.day()) && next_is_near {
            year + 1
        } else {
            year
        }
    };
    let month_day = |t: &str| -> Option<(u32, u32)> {
        let date = t.split(' ').next()?;
        let (m, d) = date.split_once('-')?;
        Some((m.parse().ok()?, d.parse().ok()?))
    };
    // A date alone takes in that whole day, as a full date does.
    if let Some((m, d)) = month_day(&text).filter(|_| !text.contains(' '))
        && let Some(day) = NaiveDate::from_ymd_opt(year_of(m, d), m, d)
    {
        return day
            .succ_opt()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| Utc.from_utc_datetime(&t));
    }
    if let Some(time) = ["%H:%M:%S", "%H:%M"]
        .iter()
        .find_map(|f| chrono::NaiveTime::parse_from_str(&text, f).ok())
    {
        return Some(Utc.from_utc_datetime(&start.date_naive().and_time(time)));
    }
    let (m, d) = month_day(&text)?;
    in_year(&text, year_of(m, d))
}

/// What is out of range in a time written in one of the forms [`parse_window_ends`] reads
/// (`2026-13-01 10:00`, `12-05 25:00`, `02-30`): the part, and what it may be. `None` where the
/// text is not of such a form, or every part is in range.
fn out_of_range(text: &str, year_unwritten: i32) -> Option<String> {
    let text = text.trim();
    let text = text.strip_suffix("UTC").map_or(text, str::trim_end);
    let (date, time) = match text.split_once([' ', 'T']) {
        Some((d, t)) => (Some(d), Some(t.trim())),
        None if text.contains(':') => (None, Some(text)),
        None => (Some(text), None),
    };
    let numbers = |part: &str, sep: char| -> Option<Vec<u32>> {
        part.split(sep)
            .map(|n| {
                let whole = n.split('.').next().unwrap_or(n);
                (!whole.is_empty() && whole.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| whole.parse().ok())
                    .flatten()
            })
            .collect()
    };
    if let Some(date) = date {
        let parts = numbers(date, '-')?;
        let (year, month, day) = match parts[..] {
            [y, m, d] => (Some(y), m, d),
            [m, d] => (None, m, d),
            _ => return None,
        };
        if !(1..=12).contains(&month) {
            return Some(format!("there is no month {month} (01 to 12)"));
        }
        // Without its year, it is read in `year_unwritten` (a 29th of February in a year
        // without one was refused with no reason).
        let leap = |y: i32| NaiveDate::from_ymd_opt(y, 2, 29).is_some();
        let days = match (month, year) {
            (2, Some(y)) if leap(y as i32) => 29,
            (2, None) if leap(year_unwritten) => 29,
            (2, _) => 28,
            (4 | 6 | 9 | 11, _) => 30,
            _ => 31,
        };
        if !(1..=days).contains(&day) {
            const MONTHS: [&str; 12] = [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ];
            let name = MONTHS[month as usize - 1];
            return Some(match year {
                None => format!("{name} {year_unwritten} has no day {day} (01 to {days})"),
                Some(_) => format!("{name} has no day {day} (01 to {days})"),
            });
        }
    }
    if let Some(time) = time {
        let parts = numbers(time, ':')?;
        let limits = [("hour", 23), ("minute", 59), ("second", 59)];
        if !(2..=3).contains(&parts.len()) {
            return None;
        }
        for (n, (what, most)) in parts.iter().zip(limits) {
            if *n > most {
                return Some(format!("there is no {what} {n} (00 to {most})"));
            }
        }
    }
    None
}

/// The refusal of one end of a window: what is out of range where it can be said, and the
/// form to write it in.
fn bad_end(text: &str, example: &str, year_unwritten: i32) -> Invalid {
    let form = format!("write a time as {example} (UTC)");
    Invalid::new(
        "range",
        match out_of_range(text, year_unwritten) {
            Some(why) => format!("'{text}': {why}; {form}"),
            None => format!("'{text}': {form}"),
        },
    )
}

/// The two ends of a `FROM..TO` window as typed. Each end is a time as [`parse_instant`]
/// reads it, or as the titles write a window short (`12-06 01:10..01:12`: the start without
/// its year, the end a time alone on the start's day or a date and time without the year). A date
/// alone at the end takes in its whole day (`2026-12-01..2026-12-02` ends at the 3rd's
/// midnight), as the posts filter's `until:` does: it was the 2nd's midnight, without a word.
pub fn parse_window_ends(
    from: &str,
    to: &str,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), Invalid> {
    let (from, to) = (from.trim(), to.trim());
    let start = parse_instant(from)
        .or_else(|| parse_short_start(from, now))
        .ok_or_else(|| bad_end(from, "2026-12-01T10:00", chrono::Datelike::year(&now)))?;
    let end = match NaiveDate::parse_from_str(to, "%Y-%m-%d") {
        Ok(_) => parse_until(to, now),
        Err(_) => parse_instant(to).or_else(|| parse_short_end(to, start)),
    }
    .ok_or_else(|| bad_end(to, "2026-12-01T12:00", chrono::Datelike::year(&start)))?;
    Ok((start, end))
}

/// A time range as typed: a span back from `now` (`15m`, `24h`, `7d`) or an absolute UTC range
/// `FROM..TO` (`2026-12-01T10:00..2026-12-01T12:00`, or as [`parse_window_ends`] reads one,
/// a trailing `UTC` taken).
pub fn parse_range(text: &str, now: DateTime<Utc>) -> Result<TimeWindow, Invalid> {
    let text = text.trim();
    let window = if let Some((from, to)) = text.split_once("..") {
        let to = to.trim();
        let to = to.strip_suffix("UTC").map_or(to, str::trim_end);
        let (start, end) = parse_window_ends(from, to, now)?;
        TimeWindow::new(start, end)
            .map_err(|_| Invalid::new("range", "must end after it starts"))?
    } else {
        let span = parse_span(text).ok_or_else(|| {
            Invalid::new(
                "range",
                format!("'{text}': write 15m, 24h, 7d or FROM..TO (UTC)"),
            )
        })?;
        if span > MAX_RANGE {
            return Err(Invalid::new("range", "may span at most 366 days"));
        }
        TimeWindow {
            start: now - span,
            end: now,
        }
    };
    if window.end - window.start > MAX_RANGE {
        return Err(Invalid::new("range", "may span at most 366 days"));
    }
    Ok(window)
}

/// An Insights query to start: its text over some groups and a window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsightsQuery {
    pub groups: Vec<LogGroupName>,
    pub window: TimeWindow,
    pub text: String,
}

impl InsightsQuery {
    pub fn new(
        groups: Vec<LogGroupName>,
        window: TimeWindow,
        text: impl Into<String>,
    ) -> Result<Self, Invalid> {
        let text = text.into();
        if groups.is_empty() {
            return Err(Invalid::new("query", "pick at least one log group"));
        }
        if groups.len() > MAX_QUERY_GROUPS {
            return Err(Invalid::new(
                "query",
                format!(
                    "{} log groups picked; a query takes at most {MAX_QUERY_GROUPS}",
                    groups.len()
                ),
            ));
        }
        if text.trim().is_empty() {
            return Err(Invalid::new("query", "is empty"));
        }
        let chars = text.chars().count();
        if chars > MAX_QUERY_LEN {
            return Err(Invalid::new(
                "query",
                format!("is {chars} characters; at most {MAX_QUERY_LEN}"),
            ));
        }
        Ok(Self {
            groups,
            window,
            text,
        })
    }
}

/// A running or finished query, as its service names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct QueryId(pub String);

impl std::fmt::Display for QueryId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueryStatus {
    Scheduled,
    Running,
    Complete,
    Failed,
    Cancelled,
    Timeout,
    Unknown,
}

impl QueryStatus {
    /// Whether the query will not change any more.
    pub fn is_final(self) -> bool {
        !matches!(self, QueryStatus::Scheduled | QueryStatus::Running)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            QueryStatus::Scheduled => "scheduled",
            QueryStatus::Running => "running",
            QueryStatus::Complete => "complete",
            QueryStatus::Failed => "failed",
            QueryStatus::Cancelled => "cancelled",
            QueryStatus::Timeout => "timed out",
            QueryStatus::Unknown => "unknown",
        }
    }
}

/// How far a query got: what it matched and scanned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct QueryStats {
    pub records_matched: f64,
    pub records_scanned: f64,
    pub bytes_scanned: f64,
}

/// One field of a result row, in the order the query named them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultField {
    pub field: String,
    pub value: String,
}

/// Rows of a result; each row its fields in order (`@ptr` included when the service sends it).
pub type ResultRow = Vec<ResultField>;

/// A poll's answer: status, progress, and the rows so far (the whole set once complete).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryResults {
    pub status: QueryStatus,
    pub stats: QueryStats,
    pub rows: Vec<ResultRow>,
}

impl QueryResults {
    /// The result's columns: every field of every row, `@ptr` left out, in the order the
    /// query names them. A row leaves out the fields it lacks but keeps the others in that
    /// order, so a field first met in a later row goes just before the next field of that row
    /// already placed (`@message` missing from the first row is not put behind `level`), or
    /// last when none follows it.
    pub fn columns(&self) -> Vec<String> {
        let mut columns: Vec<String> = Vec::new();
        for row in &self.rows {
            let fields: Vec<&str> = row
                .iter()
                .map(|f| f.field.as_str())
                .filter(|f| *f != "@ptr")
                .collect();
            for (i, field) in fields.iter().enumerate() {
                if columns.iter().any(|c| c == field) {
                    continue;
                }
                let at = fields[i + 1..]
                    .iter()
                    .find_map(|next| columns.iter().position(|c| c == next))
                    .unwrap_or(columns.len());
                columns.insert(at, (*field).to_string());
            }
        }
        columns
    }
}

/// The value of `field` in `row`.
pub fn field_of<'a>(row: &'a [ResultField], field: &str) -> Option<&'a str> {
    row.iter()
        .find(|f| f.field == field)
        .map(|f| f.value.as_str())
}

/// A saved query: the account's query definitions, or one shipped with the console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryDefinition {
    /// The service's id; `None` for a built-in one never saved.
    pub id: Option<String>,
    pub name: String,
    pub text: String,
    /// The groups it was saved with (may be empty: the picked groups are used).
    pub groups: Vec<LogGroupName>,
    pub builtin: bool,
}

/// The Lambda metrics the Metrics pane shows per function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FunctionMetric {
    Invocations,
    Errors,
    Throttles,
    DurationP50,
    DurationP99,
    ConcurrentExecutions,
}

impl FunctionMetric {
    pub const ALL: [FunctionMetric; 6] = [
        FunctionMetric::Invocations,
        FunctionMetric::Errors,
        FunctionMetric::Throttles,
        FunctionMetric::DurationP50,
        FunctionMetric::DurationP99,
        FunctionMetric::ConcurrentExecutions,
    ];

    /// CloudWatch's metric name in the `AWS/Lambda` namespace.
    pub fn metric_name(self) -> &'static str {
        match self {
            FunctionMetric::Invocations => "Invocations",
            FunctionMetric::Errors => "Errors",
            FunctionMetric::Throttles => "Throttles",
            FunctionMetric::DurationP50 | FunctionMetric::DurationP99 => "Duration",
            FunctionMetric::ConcurrentExecutions => "ConcurrentExecutions",
        }
    }

    /// The statistic asked for.
    pub fn stat(self) -> &'static str {
        match self {
            FunctionMetric::Invocations | FunctionMetric::Errors | FunctionMetric::Throttles => {
                "Sum"
            }
            FunctionMetric::DurationP50 => "p50",
            FunctionMetric::DurationP99 => "p99",
            FunctionMetric::ConcurrentExecutions => "Maximum",
        }
    }

    /// The column heading.
    pub fn label(self) -> &'static str {
        match self {
            FunctionMetric::Invocations => "invocations",
            FunctionMetric::Errors => "errors",
            FunctionMetric::Throttles => "throttles",
            FunctionMetric::DurationP50 => "p50 ms",
            FunctionMetric::DurationP99 => "p99 ms",
            FunctionMetric::ConcurrentExecutions => "concurrency",
        }
    }

    /// How a window's points add up to one figure: counts sum, the rest take their worst.
    pub fn is_count(self) -> bool {
        matches!(
            self,
            FunctionMetric::Invocations | FunctionMetric::Errors | FunctionMetric::Throttles
        )
    }
}

/// The period CloudWatch allows for a window: data older than 15 days is kept at 5 minutes, older
/// than 63 days at an hour, and one GetMetricData answer holds at most 100,800 points; within
/// those, the period that gives about 60 points, rounded up to a step CloudWatch keeps.
pub fn metric_period(window: &TimeWindow, now: DateTime<Utc>) -> Duration {
    let span = (window.end - window.start).num_seconds().max(60);
    let floor = period_floor(window, now).num_seconds();
    let wanted = (span / 60).max(floor);
    let step = [60, 300, 900, 3_600, 10_800, 21_600, 43_200, 86_400, 604_800]
        .into_iter()
        .find(|s| *s >= wanted)
        .unwrap_or(604_800);
    Duration::seconds(step)
}

/// The shortest period CloudWatch keeps for data as old as the window's start: a minute up to 15
/// days, five minutes up to 63, an hour beyond.
pub fn period_floor(window: &TimeWindow, now: DateTime<Utc>) -> Duration {
    let age = now - window.start;
    if age > Duration::days(63) {
        Duration::hours(1)
    } else if age > Duration::days(15) {
        Duration::minutes(5)
    } else {
        Duration::minutes(1)
    }
}

/// One metric of one function: points oldest first (empty periods are absent, as CloudWatch
/// answers them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricSeries {
    pub function: String,
    pub metric: FunctionMetric,
    pub points: Vec<(DateTime<Utc>, f64)>,
}

impl MetricSeries {
    /// The window's figure: the sum of a count, the largest of the rest.
    pub fn total(&self) -> Option<f64> {
        if self.points.is_empty() {
            return None;
        }
        let values = self.points.iter().map(|(_, v)| *v);
        Some(if self.metric.is_count() {
            values.sum()
        } else {
            values.fold(f64::MIN, f64::max)
        })
    }
}

/// What GetMetricData is asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricsRequest {
    pub functions: Vec<String>,
    pub window: TimeWindow,
    pub period: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AlarmState {
    Alarm,
    InsufficientData,
    Ok,
}

impl AlarmState {
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmState::Alarm => "ALARM",
            AlarmState::InsufficientData => "INSUFFICIENT_DATA",
            AlarmState::Ok => "OK",
        }
    }
}

/// The metric an alarm watches, enough to draw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlarmMetric {
    pub namespace: String,
    pub name: String,
    /// Dimension name and value pairs (for Lambda: `FunctionName`).
    pub dimensions: Vec<(String, String)>,
    pub stat: String,
    pub period_seconds: i32,
}

impl AlarmMetric {
    /// The Lambda function the alarm is about, when its metric names one.
    pub fn function(&self) -> Option<&str> {
        self.dimensions
            .iter()
            .find(|(k, _)| k == "FunctionName")
            .map(|(_, v)| v.as_str())
    }
}

/// A CloudWatch alarm as on-call reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alarm {
    pub name: String,
    pub state: AlarmState,
    pub reason: String,
    /// When it entered its state.
    pub since: Option<DateTime<Utc>>,
    /// `None` for composite alarms and metric-math alarms.
    pub metric: Option<AlarmMetric>,
    pub threshold: Option<f64>,
    pub comparison: Option<String>,
}

// A threshold is never NaN (CloudWatch refuses one), so equality is an equivalence.
impl Eq for Alarm {}

/// Alarms in ALARM first, each group by how long it has been in its state (newest change first).
pub fn sort_alarms(alarms: &mut [Alarm]) {
    alarms.sort_by(|a, b| {
        (a.state != AlarmState::Alarm)
            .cmp(&(b.state != AlarmState::Alarm))
            .then(b.since.cmp(&a.since))
            .then(a.name.cmp(&b.name))
    });
}

/// The Lambda function a log group belongs to (`/aws/lambda/NAME`).
pub fn function_of_group(group: &str) -> Option<&str> {
    group
        .strip_prefix("/aws/lambda/")
        .filter(|f| !f.is_empty() && !f.contains('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        parse_instant(s).unwrap()
    }

    /// A window's end that is of a time's form but out of range says which part, and what
    /// it may be; one of no such form says the form alone.
    #[test]
    fn a_refused_window_says_the_part_out_of_range() {
        let now = at("2026-12-03T12:00");
        for (text, why) in [
            (
                "2026-13-01T10:00..2026-12-01T12:00",
                "'2026-13-01T10:00': there is no month 13",
            ),
            (
                "2026-11-31 10:00..12:00",
                "'2026-11-31 10:00': November has no day 31 (01 to 30)",
            ),
            (
                "2024-02-29 10:00..2024-02-30 10:00",
                "'2024-02-30 10:00': February has no day 30 (01 to 29)",
            ),
            (
                "12-01 24:00..12-01 25:00",
                "'12-01 24:00': there is no hour 24 (00 to 23)",
            ),
            (
                "12-01 10:00..10:30:61",
                "'10:30:61': there is no second 61 (00 to 59)",
            ),
            (
                "12-01 10:00..2026-12-00",
                "'2026-12-00': December has no day 0 (01 to 31)",
            ),
            (
                "02-29 10:00..11:00",
                "'02-29 10:00': February 2026 has no day 29 (01 to 28)",
            ),
            (
                "noon..12:00",
                "'noon': write a time as 2026-12-01T10:00 (UTC)",
            ),
            (
                "12-01 10:00..1200",
                "'1200': write a time as 2026-12-01T12:00 (UTC)",
            ),
        ] {
            let refused = parse_range(text, now).unwrap_err().message;
            assert!(refused.starts_with(why), "{text}: {refused}");
            assert!(refused.contains("write a time as"), "{text}: {refused}");
        }
    }

    #[test]
    fn a_range_is_a_span_back_from_now_or_an_absolute_utc_pair() {
        let now = at("2026-12-03T12:00");
        let w = parse_range("15m", now).unwrap();
        assert_eq!((w.start, w.end), (at("2026-12-03T11:45"), now));
        assert_eq!(
            parse_range("7d", now).unwrap().start,
            at("2026-11-26T12:00")
        );
        let w = parse_range("2026-12-01T10:00..2026-12-01T12:30", now).unwrap();
        assert_eq!(
            (w.start, w.end),
            (at("2026-12-01T10:00"), at("2026-12-01T12:30"))
        );
        // As the console's titles write it, copied back.
        let w = parse_range("2026-12-01 10:00:00 .. 2026-12-01 12:30:00 UTC", now).unwrap();
        assert_eq!(
            (w.start, w.end),
            (at("2026-12-01T10:00"), at("2026-12-01T12:30"))
        );
        // As the titles write a window short, without its year: the end a time alone on the
        // start's day, or a date without its year.
        let w = parse_range("12-03 01:10..01:12 UTC", now).unwrap();
        assert_eq!(
            (w.start, w.end),
            (at("2026-12-03T01:10"), at("2026-12-03T01:12"))
        );
        let w = parse_range("12-02 23:00..12-03 01:00", now).unwrap();
        assert_eq!(
            (w.start, w.end),
            (at("2026-12-02T23:00"), at("2026-12-03T01:00"))
        );
        // A start later in the year than today is last year's.
        let w = parse_range("12-31 23:00..01-01 01:00", at("2027-01-02T10:00")).unwrap();
        assert_eq!(
            (w.start, w.end),
            (at("2026-12-31T23:00"), at("2027-01-01T01:00"))
        );
        // A date alone at the end takes in its day (it was that day's midnight).
        let w = parse_range("2026-12-01..2026-12-02", now).unwrap();
        assert_eq!(
            (w.start, w.end),
            (at("2026-12-01T00:00"), at("2026-12-03T00:00"))
        );
        // Written short too, without its year: the start's day, or the next such date.
        let w = parse_range("12-02 23:00..12-03", now).unwrap();
        assert_eq!(
            (w.start, w.end),
            (at("2026-12-02T23:00"), at("2026-12-04T00:00"))
        );
        let w = parse_range("12-31 23:00..01-01", at("2027-01-02T10:00")).unwrap();
        assert_eq!(
            (w.start, w.end),
            (at("2026-12-31T23:00"), at("2027-01-02T00:00"))
        );
        // An end earlier than the start on its own day, or a day earlier in the month, is
        // refused: it read as the next year's, a window of a year.
        for swapped in [
            "12-02 10:00..12-02 09:00",
            "12-02 10:00..12-01",
            "12-02 10:00..11-30 10:00",
        ] {
            let e = parse_range(swapped, now).unwrap_err();
            assert_eq!(e.message, "must end after it starts", "{swapped}");
        }
        for bad in [
            "",
            "15",
            "m",
            "0h",
            "12-03 01:10..00:10",
            "13-40 01:00..02:00",
            "-1d",
            "3w",
            "2026-12-01..x",
            "2026-12-02..2026-12-01",
            "99999999999999h",
            "1000000000000000s",
            "9223372036854775807d",
            "1é",
        ] {
            let e = parse_range(bad, now).unwrap_err();
            assert_eq!(e.field, "range", "{bad}");
        }
        assert!(
            parse_range("400d", now)
                .unwrap_err()
                .message
                .contains("366")
        );
    }

    #[test]
    fn a_query_names_one_to_fifty_groups_and_some_text() {
        let w = TimeWindow::last(Duration::hours(1));
        let g = |n: usize| {
            (0..n)
                .map(|i| LogGroupName::parse(format!("/aws/lambda/f{i}")).unwrap())
                .collect::<Vec<_>>()
        };
        assert!(InsightsQuery::new(g(1), w, "fields @message").is_ok());
        assert!(InsightsQuery::new(g(50), w, "fields @message").is_ok());
        let e = InsightsQuery::new(g(51), w, "fields @message").unwrap_err();
        assert!(e.message.contains("51 log groups"), "{e}");
        assert!(InsightsQuery::new(g(0), w, "fields @message").is_err());
        assert!(InsightsQuery::new(g(1), w, "  \n").is_err());
        assert!(InsightsQuery::new(g(1), w, "x".repeat(MAX_QUERY_LEN + 1)).is_err());
    }

    #[test]
    fn columns_keep_the_querys_order_and_hide_the_pointer() {
        let f = |k: &str, v: &str| ResultField {
            field: k.into(),
            value: v.into(),
        };
        let r = QueryResults {
            status: QueryStatus::Complete,
            stats: QueryStats::default(),
            rows: vec![
                vec![f("@timestamp", "t"), f("@message", "m"), f("@ptr", "p")],
                vec![f("@timestamp", "t"), f("level", "ERROR"), f("@ptr", "q")],
            ],
        };
        assert_eq!(r.columns(), ["@timestamp", "@message", "level"]);
        // `fields @timestamp, @message, level, @requestId`: the first row lacks @message.
        let r = QueryResults {
            rows: vec![
                vec![f("@timestamp", "t"), f("level", "INFO"), f("@ptr", "p")],
                vec![
                    f("@timestamp", "t"),
                    f("@message", "m"),
                    f("level", "ERROR"),
                ],
                vec![f("@requestId", "r")],
                vec![f("level", "WARN"), f("@requestId", "r")],
                vec![f("host", "h"), f("@timestamp", "t")],
            ],
            ..r
        };
        assert_eq!(
            r.columns(),
            ["host", "@timestamp", "@message", "level", "@requestId"],
            "each field where its rows put it"
        );
    }

    #[test]
    fn the_period_gives_about_sixty_points_within_what_cloudwatch_keeps() {
        let now = at("2026-12-03T12:00");
        let p = |span: &str| metric_period(&parse_range(span, now).unwrap(), now).num_seconds();
        assert_eq!(p("1h"), 60);
        assert_eq!(p("24h"), 3_600);
        assert_eq!(p("7d"), 10_800);
        // 20 days back: 5-minute data at the least.
        let old = TimeWindow::new(at("2026-11-13T12:00"), at("2026-11-13T13:00")).unwrap();
        assert_eq!(metric_period(&old, now).num_seconds(), 300);
        let older = TimeWindow::new(at("2026-09-01T12:00"), at("2026-09-01T13:00")).unwrap();
        assert_eq!(metric_period(&older, now).num_seconds(), 3_600);
        // 15 days and a few hours back is older than 15 days.
        let edge = TimeWindow::new(at("2026-11-18T06:00"), at("2026-11-18T07:00")).unwrap();
        assert_eq!(metric_period(&edge, now).num_seconds(), 300);
    }

    #[test]
    fn firing_alarms_come_first_newest_change_first() {
        let alarm = |name: &str, state, since: &str| Alarm {
            name: name.into(),
            state,
            reason: String::new(),
            since: Some(at(since)),
            metric: None,
            threshold: None,
            comparison: None,
        };
        let mut alarms = vec![
            alarm("ok-new", AlarmState::Ok, "2026-12-03T11:00"),
            alarm("firing-old", AlarmState::Alarm, "2026-12-01T00:00"),
            alarm("firing-new", AlarmState::Alarm, "2026-12-03T10:00"),
            alarm("no-data", AlarmState::InsufficientData, "2026-12-02T00:00"),
        ];
        sort_alarms(&mut alarms);
        let names: Vec<&str> = alarms.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["firing-new", "firing-old", "ok-new", "no-data"]);
    }

    #[test]
    fn a_lambda_group_names_its_function() {
        assert_eq!(function_of_group("/aws/lambda/api"), Some("api"));
        assert_eq!(function_of_group("/aws/lambda/"), None);
        assert_eq!(function_of_group("/aws/apigateway/x"), None);
    }
}
