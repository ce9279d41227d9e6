//! [`LogSource`] on CloudWatch Logs: groups, streams and filtered events page by page, and
//! tails either through Live Tail or by polling FilterLogEvents. It owns the FilterLogEvents
//! quota of its session; it never interprets filter patterns (CloudWatch does).

mod poll;
mod rate_limit;

use super::{AwsContext, Call, live_tail, sdk_error};
use crate::error::{DomainError, DomainResult};
use crate::model::{
    Cursor, FilterPattern, LogEvent, LogGroup, LogGroupName, LogStream, Page, PageRequest,
    TailRequest, TailStream, TimeWindow, scope_of,
};
use crate::ports::LogSource;
use async_trait::async_trait;
use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::{FilteredLogEvent, InputLogEvent, OrderBy};
use chrono::{DateTime, Utc};
use poll::{PageFetcher, PollQuery, PollSettings, PolledPage};
use rate_limit::RateLimiter;
use std::num::NonZeroU32;
use std::sync::Arc;

const SERVICE: &str = "CloudWatch Logs";
/// FilterLogEvents' default quota: 5 requests a second per account and region.
pub const FILTER_LOG_EVENTS_QUOTA: NonZeroU32 = NonZeroU32::new(5).expect("5 is not zero");
/// DescribeLogGroups and DescribeLogStreams answer at most 50 a page.
const MAX_DESCRIBE: u32 = 50;
/// Default and largest page of events (FilterLogEvents: 10,000).
const DEFAULT_EVENTS: u32 = 500;
const MAX_EVENTS: u32 = 10_000;
/// What one polling call of a tail asks for: FilterLogEvents' largest page.
const TAIL_PAGE: i32 = 10_000;
/// PutLogEvents' limits: events and bytes per call (each event counts 26 bytes more than its
/// message), and the span of one call's timestamps.
const PUT_MAX_EVENTS: usize = 10_000;
const PUT_MAX_BYTES: usize = 1_048_576;
const PUT_EVENT_OVERHEAD: usize = 26;
const PUT_MAX_SPAN_MS: i64 = 24 * 60 * 60 * 1000;

/// How [`CloudWatchLogSource::tail`] follows new events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TailMode {
    /// Live Tail on AWS; polling on an emulator, which has no Live Tail.
    #[default]
    Auto,
    /// StartLiveTail: pushed events, sampled by CloudWatch above 500 a second.
    Live,
    /// FilterLogEvents polled about once a second per group, within the source's quota.
    Poll,
}

/// CloudWatch Logs behind the [`LogSource`] port.
///
/// Clones share the client and the FilterLogEvents rate limiter, so every `filter_events` and
/// every polling tail of one source together stay within the account's quota (5 requests a
/// second unless [`with_filter_quota`](Self::with_filter_quota) says otherwise).
///
/// The console only reads logs. [`create_group`](Self::create_group) and
/// [`put_events`](Self::put_events) exist for tests and benchmarks that need events to read;
/// nothing in the console calls them.
#[derive(Debug, Clone)]
pub struct CloudWatchLogSource {
    client: Client,
    emulator: bool,
    tail_mode: TailMode,
    limiter: Arc<RateLimiter>,
}

impl CloudWatchLogSource {
    /// A source on the session's shared configuration, tailing in [`TailMode::Auto`] and
    /// allowing itself FilterLogEvents' default quota.
    pub fn new(ctx: &AwsContext) -> Self {
        Self::from_client(ctx, Client::new(ctx.sdk_config()))
    }

    /// A source on a client the caller built from the same context, e.g. with an interceptor
    /// that counts calls (the tail benchmark does).
    pub fn from_client(ctx: &AwsContext, client: Client) -> Self {
        Self {
            client,
            emulator: ctx.endpoint_url().is_some(),
            tail_mode: TailMode::Auto,
            limiter: Arc::new(RateLimiter::per_second(FILTER_LOG_EVENTS_QUOTA)),
        }
    }

    /// Chooses how tails follow events, e.g. [`TailMode::Poll`] on AWS to avoid Live Tail's
    /// sampling and its per-minute charge.
    pub fn with_tail_mode(mut self, mode: TailMode) -> Self {
        self.tail_mode = mode;
        self
    }

    /// Sets the FilterLogEvents requests a second this source allows itself (an account whose
    /// quota was raised, or one shared with other tools). Call it before cloning: clones made
    /// earlier keep the limiter they had.
    pub fn with_filter_quota(mut self, per_second: NonZeroU32) -> Self {
        self.limiter = Arc::new(RateLimiter::per_second(per_second));
        self
    }

    /// The mode a tail uses: [`TailMode::Auto`] resolved against the endpoint.
    pub fn tail_mode(&self) -> TailMode {
        match self.tail_mode {
            TailMode::Auto if self.emulator => TailMode::Poll,
            TailMode::Auto => TailMode::Live,
            mode => mode,
        }
    }

    /// The least time between two FilterLogEvents calls of this source.
    pub fn filter_call_interval(&self) -> std::time::Duration {
        self.limiter.interval()
    }

    /// Creates a log group; creating one that exists is fine. For tests and benchmarks.
    pub async fn create_group(&self, group: &LogGroupName) -> DomainResult<()> {
        match self
            .client
            .create_log_group()
            .log_group_name(group.as_str())
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_already_exists_exception()) =>
            {
                Ok(())
            }
            Err(e) => Err(sdk_error(
                e,
                Call::new(SERVICE, "logs:CreateLogGroup", group_subject(group)).field("logGroup"),
            )),
        }
    }

    /// Writes events to a stream of an existing group, creating the stream if needed, in as
    /// few PutLogEvents calls as its limits allow (10,000 events, 1 MB, 24 hours a call).
    /// Events are sent oldest first. For tests and benchmarks: the console never writes logs.
    pub async fn put_events(
        &self,
        group: &LogGroupName,
        stream: &str,
        events: &[(DateTime<Utc>, String)],
    ) -> DomainResult<()> {
        check_stream_name(stream)?;
        for (_, message) in events {
            if message.is_empty() {
                return Err(DomainError::invalid("message", "must not be empty"));
            }
            if message.len() + PUT_EVENT_OVERHEAD > PUT_MAX_BYTES {
                return Err(DomainError::invalid(
                    "message",
                    "must be at most 1 MB less 26 bytes",
                ));
            }
        }
        let mut sorted: Vec<&(DateTime<Utc>, String)> = events.iter().collect();
        sorted.sort_by_key(|(ts, _)| *ts);
        for batch in put_batches(&sorted) {
            self.put_batch(group, stream, batch).await?;
        }
        Ok(())
    }

    async fn put_batch(
        &self,
        group: &LogGroupName,
        stream: &str,
        batch: &[&(DateTime<Utc>, String)],
    ) -> DomainResult<()> {
        let call = || {
            Call::new(
                SERVICE,
                "logs:PutLogEvents",
                format!("log stream {stream} of {}", group_subject(group)),
            )
            .field("events")
        };
        let mut created = false;
        loop {
            let mut request = self
                .client
                .put_log_events()
                .log_group_name(group.as_str())
                .log_stream_name(stream);
            for (ts, message) in batch {
                let event = InputLogEvent::builder()
                    .timestamp(ts.timestamp_millis())
                    .message(message.as_str())
                    .build()
                    .map_err(|e| DomainError::unexpected("a log event could not be built", e))?;
                request = request.log_events(event);
            }
            match request.send().await {
                Ok(out) => {
                    return match out.rejected_log_events_info() {
                        None => Ok(()),
                        Some(info) => Err(DomainError::invalid(
                            "events",
                            format!(
                                "CloudWatch refused some events as too old, expired or too far ahead \
                                 (too new from index {:?}, too old up to {:?}, expired up to {:?})",
                                info.too_new_log_event_start_index(),
                                info.too_old_log_event_end_index(),
                                info.expired_log_event_end_index()
                            ),
                        )),
                    };
                }
                Err(e)
                    if !created
                        && e.as_service_error()
                            .is_some_and(|s| s.is_resource_not_found_exception()) =>
                {
                    // The stream (or the group) is missing: create the stream, then once more.
                    self.create_stream(group, stream).await?;
                    created = true;
                }
                Err(e) => return Err(sdk_error(e, call())),
            }
        }
    }

    async fn create_stream(&self, group: &LogGroupName, stream: &str) -> DomainResult<()> {
        match self
            .client
            .create_log_stream()
            .log_group_name(group.as_str())
            .log_stream_name(stream)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_already_exists_exception()) =>
            {
                Ok(())
            }
            Err(e) => Err(sdk_error(
                e,
                Call::new(SERVICE, "logs:CreateLogStream", group_subject(group)).field("stream"),
            )),
        }
    }
}

fn group_subject(group: &LogGroupName) -> String {
    format!("log group {group}")
}

fn check_stream_name(stream: &str) -> DomainResult<()> {
    if stream.is_empty()
        || stream.len() > 512
        || stream.contains([':', '*'])
        || stream.chars().any(char::is_control)
    {
        return Err(DomainError::invalid(
            "stream",
            "must be 1 to 512 characters without ':' or '*'",
        ));
    }
    Ok(())
}

/// Splits time-ordered events into PutLogEvents calls that respect its count, size and span.
fn put_batches<'a, T>(sorted: &'a [&'a (DateTime<Utc>, T)]) -> Vec<&'a [&'a (DateTime<Utc>, T)]>
where
    T: AsRef<str>,
{
    let mut batches = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, (ts, message)) in sorted.iter().enumerate() {
        let size = message.as_ref().len() + PUT_EVENT_OVERHEAD;
        let full = i - start == PUT_MAX_EVENTS
            || bytes + size > PUT_MAX_BYTES
            || sorted.get(start).is_some_and(|(first, _)| {
                ts.timestamp_millis() - first.timestamp_millis() >= PUT_MAX_SPAN_MS
            });
        if i > start && full {
            batches.push(&sorted[start..i]);
            start = i;
            bytes = 0;
        }
        bytes += size;
    }
    if start < sorted.len() {
        batches.push(&sorted[start..]);
    }
    batches
}

/// One FilterLogEvents call: events of `group` from `start_ms` to `end_ms`, both inclusive.
#[allow(clippy::too_many_arguments)]
async fn filter_page(
    client: &Client,
    group: &LogGroupName,
    stream: Option<&str>,
    start_ms: i64,
    end_ms: i64,
    pattern: Option<&str>,
    next_token: Option<String>,
    limit: i32,
) -> DomainResult<PolledPage> {
    let out = client
        .filter_log_events()
        .log_group_name(group.as_str())
        .set_log_stream_names(stream.map(|s| vec![s.to_string()]))
        .start_time(start_ms)
        .end_time(end_ms)
        .set_filter_pattern(pattern.filter(|p| !p.is_empty()).map(str::to_string))
        .set_next_token(next_token)
        .limit(limit)
        .send()
        .await
        .map_err(|e| {
            sdk_error(
                e,
                Call::new(SERVICE, "logs:FilterLogEvents", group_subject(group)).field("pattern"),
            )
        })?;
    Ok(PolledPage {
        events: out
            .events()
            .iter()
            .filter_map(|e| to_event(group, e))
            .collect(),
        next_token: out.next_token().map(str::to_string),
    })
}

/// An event as the port shows it; `None` for one without a timestamp, which cannot be placed.
fn to_event(group: &LogGroupName, event: &FilteredLogEvent) -> Option<LogEvent> {
    let ms = event.timestamp()?;
    let timestamp = DateTime::from_timestamp_millis(ms)?;
    let stream = event.log_stream_name().unwrap_or_default().to_string();
    let message = event.message().unwrap_or_default().to_string();
    let event_id = match event.event_id() {
        Some(id) if !id.is_empty() => id.to_string(),
        // Without CloudWatch's id, what the event says is its identity.
        _ => scope_of(
            "event",
            &(&stream, ms, event.ingestion_time(), message.as_str()),
        ),
    };
    Some(LogEvent {
        group: group.to_string(),
        stream,
        timestamp,
        ingested_at: event
            .ingestion_time()
            .and_then(DateTime::from_timestamp_millis),
        message,
        event_id,
    })
}

fn from_millis(ms: Option<i64>) -> Option<DateTime<Utc>> {
    ms.and_then(DateTime::from_timestamp_millis)
}

/// The polling tail's calls: the SDK, the limiter being the poller's business.
struct SdkPages {
    client: Client,
}

impl PageFetcher for SdkPages {
    async fn fetch(&self, query: PollQuery) -> DomainResult<PolledPage> {
        filter_page(
            &self.client,
            &query.group,
            None,
            query.start_ms,
            query.end_ms,
            query.pattern.as_deref(),
            query.next_token,
            TAIL_PAGE,
        )
        .await
    }
}

#[async_trait]
impl LogSource for CloudWatchLogSource {
    async fn list_groups(&self, prefix: &str, page: PageRequest) -> DomainResult<Page<LogGroup>> {
        let limit = page.limit_or(MAX_DESCRIBE, MAX_DESCRIBE);
        let scope = scope_of("log-groups", &prefix);
        let token: Option<String> = page.cursor.as_ref().map(|c| c.decode(&scope)).transpose()?;
        let out = self
            .client
            .describe_log_groups()
            .set_log_group_name_prefix((!prefix.is_empty()).then(|| prefix.to_string()))
            .set_next_token(token)
            .limit(limit as i32)
            .send()
            .await
            .map_err(|e| {
                sdk_error(
                    e,
                    Call::new(
                        SERVICE,
                        "logs:DescribeLogGroups",
                        format!("log groups {prefix}*"),
                    )
                    .field("prefix"),
                )
            })?;
        let items = out
            .log_groups()
            .iter()
            .filter_map(|g| {
                Some(LogGroup {
                    name: g.log_group_name()?.to_string(),
                    created_at: from_millis(g.creation_time()),
                    stored_bytes: g.stored_bytes().and_then(|b| u64::try_from(b).ok()),
                    retention_days: g.retention_in_days(),
                })
            })
            .collect();
        Ok(Page::new(
            items,
            out.next_token().map(|t| Cursor::encode(&scope, &t)),
        ))
    }

    async fn list_streams(
        &self,
        group: &LogGroupName,
        page: PageRequest,
    ) -> DomainResult<Page<LogStream>> {
        let limit = page.limit_or(MAX_DESCRIBE, MAX_DESCRIBE);
        let scope = scope_of("log-streams", group);
        let token: Option<String> = page.cursor.as_ref().map(|c| c.decode(&scope)).transpose()?;
        // CloudWatch updates a stream's last event time lazily (within an hour), so this order
        // is approximate for streams written in the last minutes.
        let out = self
            .client
            .describe_log_streams()
            .log_group_name(group.as_str())
            .order_by(OrderBy::LastEventTime)
            .descending(true)
            .set_next_token(token)
            .limit(limit as i32)
            .send()
            .await
            .map_err(|e| {
                sdk_error(
                    e,
                    Call::new(SERVICE, "logs:DescribeLogStreams", group_subject(group)),
                )
            })?;
        let items = out
            .log_streams()
            .iter()
            .filter_map(|s| {
                Some(LogStream {
                    name: s.log_stream_name()?.to_string(),
                    first_event_at: from_millis(s.first_event_timestamp()),
                    last_event_at: from_millis(s.last_event_timestamp()),
                })
            })
            .collect();
        Ok(Page::new(
            items,
            out.next_token().map(|t| Cursor::encode(&scope, &t)),
        ))
    }

    async fn filter_events(
        &self,
        group: &LogGroupName,
        window: TimeWindow,
        pattern: Option<&FilterPattern>,
        page: PageRequest,
    ) -> DomainResult<Page<LogEvent>> {
        self.filter(group, None, window, pattern, page).await
    }

    async fn stream_events(
        &self,
        group: &LogGroupName,
        stream: &str,
        window: TimeWindow,
        pattern: Option<&FilterPattern>,
        page: PageRequest,
    ) -> DomainResult<Page<LogEvent>> {
        self.filter(group, Some(stream), window, pattern, page)
            .await
    }

    async fn tail(&self, request: TailRequest) -> DomainResult<TailStream> {
        match self.tail_mode() {
            TailMode::Poll => {
                poll::start(
                    request,
                    SdkPages {
                        client: self.client.clone(),
                    },
                    self.limiter.clone(),
                    Arc::new(Utc::now),
                    PollSettings::default(),
                )
                .await
            }
            TailMode::Live | TailMode::Auto => live_tail::start(self.client.clone(), request).await,
        }
    }
}

impl CloudWatchLogSource {
    /// `FilterLogEvents` over the group, or one stream of it.
    async fn filter(
        &self,
        group: &LogGroupName,
        stream: Option<&str>,
        window: TimeWindow,
        pattern: Option<&FilterPattern>,
        page: PageRequest,
    ) -> DomainResult<Page<LogEvent>> {
        let limit = page.limit_or(DEFAULT_EVENTS, MAX_EVENTS);
        let scope = scope_of(
            "log-events",
            &(group, stream, window, pattern.map(FilterPattern::as_str)),
        );
        let token: Option<String> = page.cursor.as_ref().map(|c| c.decode(&scope)).transpose()?;
        let start_ms = window.start.timestamp_millis();
        // The window's end is exclusive; FilterLogEvents' endTime is inclusive.
        let end_ms = (window.end.timestamp_millis() - 1).max(start_ms);
        self.limiter.acquire().await;
        let got = filter_page(
            &self.client,
            group,
            stream,
            start_ms,
            end_ms,
            pattern.map(FilterPattern::as_str),
            token,
            limit as i32,
        )
        .await?;
        // A page may be empty with a token: CloudWatch stopped scanning before it found one.
        // Its events in time order, as the port promises: CloudWatch interleaves a group's
        // streams already (the sort finds nothing to move), an emulator may answer stream by
        // stream, and the console's merge of groups, the command line's oldest-first lines
        // and the tail's look-back all take a page's order as time's.
        let mut events = got.events;
        events.sort_by_key(|e| e.timestamp);
        Ok(Page::new(
            events,
            got.next_token.map(|t| Cursor::encode(&scope, &t)),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn events(n: usize, size: usize, step_ms: i64) -> Vec<(DateTime<Utc>, String)> {
        let base = Utc::now();
        (0..n)
            .map(|i| {
                (
                    base + Duration::milliseconds(i as i64 * step_ms),
                    "x".repeat(size),
                )
            })
            .collect()
    }

    fn sizes<T: AsRef<str>>(batches: &[&[&(DateTime<Utc>, T)]]) -> Vec<usize> {
        batches.iter().map(|b| b.len()).collect()
    }

    #[test]
    fn put_batches_hold_at_most_ten_thousand_events() {
        let all = events(25_000, 1, 0);
        let refs: Vec<_> = all.iter().collect();
        assert_eq!(sizes(&put_batches(&refs)), vec![10_000, 10_000, 5_000]);
    }

    #[test]
    fn put_batches_stay_under_a_megabyte() {
        // 1,000 events of 2,000 bytes: 2,026 bytes each counted, 517 fit in 1,048,576.
        let all = events(1_000, 2_000, 0);
        let refs: Vec<_> = all.iter().collect();
        let batches = put_batches(&refs);
        assert_eq!(sizes(&batches), vec![517, 483]);
        for batch in batches {
            let bytes: usize = batch.iter().map(|(_, m)| m.len() + 26).sum();
            assert!(bytes <= 1_048_576);
        }
    }

    #[test]
    fn put_batches_span_less_than_a_day() {
        let all = events(5, 1, 10 * 60 * 60 * 1000);
        let refs: Vec<_> = all.iter().collect();
        // 0 h, 10 h, 20 h | 30 h, 40 h
        assert_eq!(sizes(&put_batches(&refs)), vec![3, 2]);
    }

    #[test]
    fn nothing_to_put_makes_no_batch() {
        let refs: Vec<&(DateTime<Utc>, String)> = Vec::new();
        assert!(put_batches(&refs).is_empty());
    }

    #[test]
    fn stream_names_follow_cloudwatch() {
        assert!(check_stream_name("2025/01/01/[$LATEST]abc").is_ok());
        assert!(check_stream_name("").is_err());
        assert!(check_stream_name("a:b").is_err());
        assert!(check_stream_name("a*").is_err());
        assert!(check_stream_name(&"s".repeat(513)).is_err());
    }

    #[test]
    fn an_event_without_an_id_gets_a_stable_one_and_one_without_a_time_is_dropped() {
        let group = LogGroupName::parse("/aws/lambda/api").unwrap();
        let event = FilteredLogEvent::builder()
            .log_stream_name("s")
            .timestamp(1_700_000_000_000)
            .message("hello")
            .build();
        let first = to_event(&group, &event).unwrap();
        assert_eq!(first, to_event(&group, &event).unwrap());
        assert!(first.event_id.starts_with("event:"));
        let other = FilteredLogEvent::builder()
            .log_stream_name("s")
            .timestamp(1_700_000_000_000)
            .message("hello again")
            .build();
        assert_ne!(first.event_id, to_event(&group, &other).unwrap().event_id);
        let timeless = FilteredLogEvent::builder().message("when?").build();
        assert!(to_event(&group, &timeless).is_none());
    }

    #[tokio::test]
    async fn auto_polls_on_an_emulator_and_goes_live_on_aws() {
        let emulator = AwsContext::load(&super::super::AwsSettings {
            region: Some("us-east-1".into()),
            endpoint_url: Some("http://127.0.0.1:9".into()),
            ..Default::default()
        })
        .await
        .unwrap();
        let aws = AwsContext::load(&super::super::AwsSettings {
            region: Some("us-east-1".into()),
            ..Default::default()
        })
        .await
        .unwrap();
        assert_eq!(
            CloudWatchLogSource::new(&emulator).tail_mode(),
            TailMode::Poll
        );
        assert_eq!(CloudWatchLogSource::new(&aws).tail_mode(), TailMode::Live);
        assert_eq!(
            CloudWatchLogSource::new(&emulator)
                .with_tail_mode(TailMode::Live)
                .tail_mode(),
            TailMode::Live
        );
        assert_eq!(
            CloudWatchLogSource::new(&aws)
                .with_tail_mode(TailMode::Poll)
                .tail_mode(),
            TailMode::Poll
        );
    }

    #[tokio::test]
    async fn the_quota_sets_the_spacing_and_clones_share_the_limiter() {
        let ctx = AwsContext::load(&super::super::AwsSettings {
            region: Some("us-east-1".into()),
            endpoint_url: Some("http://127.0.0.1:9".into()),
            ..Default::default()
        })
        .await
        .unwrap();
        let source = CloudWatchLogSource::new(&ctx);
        assert_eq!(
            source.filter_call_interval(),
            std::time::Duration::from_millis(200)
        );
        let clone = source.clone();
        assert!(Arc::ptr_eq(&source.limiter, &clone.limiter));
        let faster = source.with_filter_quota(NonZeroU32::new(10).unwrap());
        assert_eq!(
            faster.filter_call_interval(),
            std::time::Duration::from_millis(100)
        );
    }
}
