//! CloudWatch Logs Live Tail (`StartLiveTail`) behind the port's [`TailStream`]: one session
//! for up to ten groups, its event stream turned into [`TailItem`]s, and a new session whenever
//! the old one ends. It owns no polling; the CloudWatch adapter decides when to use it.
//!
//! # What a tail yields
//!
//! - `sessionStart` is logged and otherwise ignored.
//! - Each `sessionUpdate` (CloudWatch sends one every second, empty when nothing arrived) with
//!   results becomes one [`TailItem::Events`], oldest first; when its metadata says `sampled`,
//!   a [`TailItem::Sampled`] comes just before that batch. Events stamped before the request's
//!   `since` are dropped, as the sandbox's tail does, so pass an instant a little in the past
//!   to absorb ingestion delays.
//! - A session ends on its own after three hours (`SessionTimeoutException`), on a server-side
//!   failure (`SessionStreamingException`), when the stream simply ends, when the connection
//!   breaks, or when nothing arrives for [`SILENCE_LIMIT`]. The tail then starts a new session
//!   and, once it is up, yields [`TailItem::Gap`] from the last message heard to the moment the
//!   new session started (Live Tail never replays), then [`TailItem::Reconnected`]. Quick
//!   successive failures back off from one to thirty seconds; a transient failure to reconnect
//!   (throttling, service unavailable) is yielded as an `Err` item and the tail keeps trying.
//! - A group deleted while it is tailed refuses the next session; the groups are looked up
//!   again, the missing ones dropped with a [`TailItem::GroupGone`] each, and the session
//!   opened on the rest (the last one gone is said the same way, then ends the tail).
//! - A fatal error (access denied, the last group gone, an invalid pattern, or any answer we
//!   cannot place) is yielded as the last item, mapped through [`sdk_error`].
//! - Dropping the stream aborts the background task, which drops the HTTP response and so
//!   closes the session's connection.
//!
//! Live Tail results carry no event id. Each event gets one made from an MD5 of its group name,
//! stream, timestamp and message (`lt-` and 32 hex digits), so the same event has the same id
//! in every session; an identical line repeated in one stream at the same millisecond within
//! one update gets `-2`, `-3`, ... appended. These ids are not comparable with
//! `FilterLogEvents`' event ids.
//!
//! `StartLiveTail` takes log group ARNs, so the groups' names are resolved once, through
//! `DescribeLogGroups`, when the tail starts.
//!
//! # Emulators
//!
//! The SDK sends `StartLiveTail` to the host prefixed with `stream-` (the operation's endpoint
//! trait), and it offers no setting to turn that off. Against a custom endpoint URL (LocalStack,
//! moto, a test server) the prefixed host does not resolve, so an interceptor removes the prefix
//! before the endpoint is applied, only when the client's endpoint parameters carry a custom
//! endpoint. Requests to AWS itself keep the prefix.
//!
//! # How it is tested
//!
//! moto answers `StartLiveTail` with the stored events in one update and ends the session, so it
//! can show the mapping and the reconnect but not a live session, sampling or stream exceptions.
//! `tests/contract/live_tail.rs` therefore runs a loopback HTTP/1.1 server that writes real
//! `application/vnd.amazon.eventstream` frames (built with `aws-smithy-eventstream`) in a chunked
//! response, and points a real SDK client at it: ordering and mapping, `sampled`, a stream that
//! ends, a session timeout, an `AccessDeniedException` frame, HTTP errors before the stream and
//! at a reconnect, the request's ARNs, pattern and host, and a dropped tail closing its
//! connection. One more test runs against moto, named for what moto does. The pure parts
//! (event ids, ARNs, back-off) have unit tests below.

use super::{Call, sdk_error};
use crate::error::{DomainError, DomainResult};
use crate::model::{LogEvent, TailItem, TailRequest, TailStream};
use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::config::endpoint::Params as EndpointParams;
use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;
use aws_sdk_cloudwatchlogs::operation::start_live_tail::StartLiveTailError;
use aws_sdk_cloudwatchlogs::primitives::event_stream::EventReceiver;
use aws_sdk_cloudwatchlogs::types::error::StartLiveTailResponseStreamError;
use aws_sdk_cloudwatchlogs::types::{
    LiveTailSessionLogEvent, LiveTailSessionUpdate, StartLiveTailResponseStream,
};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::endpoint::{EndpointPrefix, EndpointResolverParams};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::error::ErrorMetadata;
use aws_smithy_types::event_stream::RawMessage;
use chrono::{DateTime, Utc};
use futures::Stream;
use md5::{Digest, Md5};
use std::collections::HashMap;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

const SERVICE: &str = "CloudWatch Logs";
const START_ACTION: &str = "logs:StartLiveTail";
const DESCRIBE_ACTION: &str = "logs:DescribeLogGroups";
/// How long a new session may take to send its first message.
const OPEN_TIMEOUT: Duration = Duration::from_secs(30);
/// CloudWatch sends an update every second, even an empty one; this much silence means the
/// connection is dead even if TCP has not noticed yet.
const SILENCE_LIMIT: Duration = Duration::from_secs(15);
/// A session that lasted this long was healthy: the reconnect after it starts at once.
const HEALTHY_SESSION: Duration = Duration::from_secs(60);
const FIRST_RETRY: Duration = Duration::from_secs(1);
const MAX_RETRY: Duration = Duration::from_secs(30);
/// Items buffered between the session and the reader.
const CHANNEL_ITEMS: usize = 64;
/// Groups one `DescribeLogGroups` page returns for a name prefix; the exact name sorts first.
const DESCRIBE_PAGE: i32 = 5;

type Events = EventReceiver<StartLiveTailResponseStream, StartLiveTailResponseStreamError>;
type Item = Result<TailItem, DomainError>;

/// Tails `request.groups` with CloudWatch Logs Live Tail alone (no polling fallback) until
/// the returned stream is dropped. Resolving the groups and opening the first session happen
/// before this returns, so an unknown group or a missing permission is an `Err` here rather
/// than an item. The client should come from the session's [`AwsContext`](super::AwsContext)
/// (`Client::new(ctx.sdk_config())`) so that it shares its endpoint, retries and timeouts.
pub async fn start(client: Client, request: TailRequest) -> DomainResult<TailStream> {
    let session = Session::resolve(client, &request).await?;
    let events = session.open().await?;
    let (tx, rx) = mpsc::channel(CHANNEL_ITEMS);
    let task = tokio::spawn(follow(session, events, tx));
    Ok(Box::pin(Tail { rx, task }))
}

/// The reader's end: yields what the task sends, and aborts the task when dropped.
struct Tail {
    rx: mpsc::Receiver<Item>,
    task: JoinHandle<()>,
}

impl Stream for Tail {
    type Item = Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Item>> {
        self.rx.poll_recv(cx)
    }
}

impl Drop for Tail {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What every session of one tail asks for.
struct Session {
    client: Client,
    arns: Vec<String>,
    /// Group ARN (and name) to group name, for the events' `group`.
    names: HashMap<String, String>,
    pattern: Option<String>,
    since: DateTime<Utc>,
    subject: String,
}

impl Session {
    async fn resolve(client: Client, request: &TailRequest) -> DomainResult<Self> {
        let mut unique: Vec<&str> = Vec::with_capacity(request.groups.len());
        for group in &request.groups {
            if !unique.contains(&group.as_str()) {
                unique.push(group.as_str());
            }
        }
        // One DescribeLogGroups per group, asked side by side (each a round trip).
        let arns: Vec<String> =
            futures::future::try_join_all(unique.iter().map(|g| group_arn(&client, g))).await?;
        let mut names = HashMap::new();
        for (group, arn) in unique.iter().zip(&arns) {
            names.insert(group.to_string(), group.to_string());
            names.insert(arn.clone(), group.to_string());
        }
        let groups: Vec<&str> = request.groups.iter().map(|g| g.as_str()).collect();
        let subject = subject_of(&groups);
        Ok(Self {
            client,
            arns,
            names,
            pattern: request
                .pattern
                .as_ref()
                .map(|p| p.as_str().to_string())
                .filter(|p| !p.is_empty()),
            since: request.since,
            subject,
        })
    }

    /// After a refusal naming a missing group: asks for each group again and drops the ones
    /// that no longer exist, returning their names and whether any is left (when none is,
    /// the groups are kept as they were: the tail ends).
    async fn forget_gone(&mut self) -> DomainResult<(Vec<String>, bool)> {
        let groups: Vec<String> = self
            .arns
            .iter()
            .map(|arn| {
                self.names
                    .get(arn)
                    .cloned()
                    .unwrap_or_else(|| group_name_of(arn).to_string())
            })
            .collect();
        let found =
            futures::future::join_all(groups.iter().map(|g| group_arn(&self.client, g))).await;
        let (mut arns, mut kept, mut gone) = (Vec::new(), Vec::new(), Vec::new());
        for (group, found) in groups.into_iter().zip(found) {
            match found {
                Ok(arn) => {
                    arns.push(arn);
                    kept.push(group);
                }
                Err(DomainError::NotFound(_)) => gone.push(group),
                Err(e) => return Err(e),
            }
        }
        if arns.is_empty() {
            return Ok((gone, false));
        }
        let kept: Vec<&str> = kept.iter().map(String::as_str).collect();
        self.subject = subject_of(&kept);
        self.arns = arns;
        Ok((gone, true))
    }

    fn call(&self) -> Call {
        Call::new(SERVICE, START_ACTION, self.subject.clone()).field("pattern")
    }

    /// Starts one Live Tail session and waits for its first message.
    async fn open(&self) -> DomainResult<Events> {
        let send = self
            .client
            .start_live_tail()
            .set_log_group_identifiers(Some(self.arns.clone()))
            .set_log_event_filter_pattern(self.pattern.clone())
            .customize()
            .interceptor(KeepCustomEndpointHost)
            .send();
        match tokio::time::timeout(OPEN_TIMEOUT, send).await {
            Err(_) => Err(DomainError::unavailable(
                SERVICE,
                format!(
                    "StartLiveTail sent nothing within {} s",
                    OPEN_TIMEOUT.as_secs()
                ),
            )),
            Ok(Ok(output)) => Ok(output.response_stream),
            Ok(Err(err)) => Err(start_error(err, self.call())),
        }
    }

    /// The items one update yields: `Sampled` first when it was sampled, then its events.
    fn items(&self, update: &LiveTailSessionUpdate) -> Vec<TailItem> {
        let mut items = Vec::with_capacity(2);
        if update.session_metadata().is_some_and(|m| m.sampled()) {
            items.push(TailItem::Sampled);
        }
        let since = self.since.timestamp_millis();
        let events: Vec<LogEvent> = with_ids(
            update
                .session_results()
                .iter()
                .filter(|e| e.timestamp().is_none_or(|ts| ts >= since))
                .map(|e| self.event(e))
                .collect(),
        );
        if !events.is_empty() {
            items.push(TailItem::Events(events));
        }
        items
    }

    /// One Live Tail result as a domain event, without its id yet.
    fn event(&self, raw: &LiveTailSessionLogEvent) -> LogEvent {
        let ingested_at = raw
            .ingestion_time()
            .and_then(DateTime::from_timestamp_millis);
        let group = raw
            .log_group_identifier()
            .map(|id| {
                self.names
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| group_name_of(id).to_string())
            })
            .unwrap_or_default();
        LogEvent {
            group,
            stream: raw.log_stream_name().unwrap_or_default().to_string(),
            timestamp: raw
                .timestamp()
                .and_then(DateTime::from_timestamp_millis)
                .or(ingested_at)
                .unwrap_or_else(Utc::now),
            ingested_at,
            message: raw.message().unwrap_or_default().to_string(),
            event_id: String::new(),
        }
    }
}

/// The ARN of a group named exactly `name`. Names sort before their extensions, so with a
/// prefix filter the exact name, when it exists, is the first group listed.
async fn group_arn(client: &Client, name: &str) -> DomainResult<String> {
    let subject = format!("log group {name}");
    let out = client
        .describe_log_groups()
        .log_group_name_prefix(name)
        .limit(DESCRIBE_PAGE)
        .send()
        .await
        .map_err(|e| sdk_error(e, Call::new(SERVICE, DESCRIBE_ACTION, subject.clone())))?;
    let group = out
        .log_groups()
        .iter()
        .find(|g| g.log_group_name() == Some(name))
        .ok_or_else(|| DomainError::not_found(subject.clone()))?;
    group
        .log_group_arn()
        .map(str::to_string)
        .or_else(|| {
            group
                .arn()
                .map(|arn| arn.strip_suffix(":*").unwrap_or(arn).to_string())
        })
        .ok_or_else(|| DomainError::bug(format!("DescribeLogGroups gave {subject} no ARN")))
}

fn subject_of(groups: &[&str]) -> String {
    match groups {
        [one] => format!("log group {one}"),
        many => format!("log groups {}", many.join(", ")),
    }
}

/// The group name in a log group ARN (`arn:aws:logs:region:account:log-group:NAME[:*]`); any
/// other identifier is taken as a name.
fn group_name_of(identifier: &str) -> &str {
    match identifier.split_once(":log-group:") {
        Some((_, rest)) => rest.strip_suffix(":*").unwrap_or(rest),
        None => identifier,
    }
}

/// Sorts a batch oldest first (keeping the service's order among equal timestamps) and gives
/// each event its id; see the module documentation.
fn with_ids(mut events: Vec<LogEvent>) -> Vec<LogEvent> {
    events.sort_by_key(|e| e.timestamp);
    let mut seen: HashMap<String, u32> = HashMap::new();
    for event in &mut events {
        let base = event_id(event);
        let count = seen.entry(base.clone()).or_insert(0);
        *count += 1;
        event.event_id = if *count == 1 {
            base
        } else {
            format!("{base}-{count}")
        };
    }
    events
}

fn event_id(event: &LogEvent) -> String {
    let mut hash = Md5::new();
    for part in [
        event.group.as_bytes(),
        event.stream.as_bytes(),
        event.timestamp.timestamp_millis().to_string().as_bytes(),
        event.message.as_bytes(),
    ] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    format!("lt-{:x}", hash.finalize())
}

/// Why a session stopped.
enum End {
    /// It may be started again; the reason is shown with the gap.
    Lost(String),
    /// The tail must stop with this error.
    Fatal(DomainError),
}

/// Reads sessions one after the other until the reader goes away or a fatal error.
async fn follow(mut session: Session, mut events: Events, tx: mpsc::Sender<Item>) {
    let mut opened = Instant::now();
    let mut heard = Utc::now();
    let mut quick_ends = 0u32;
    loop {
        let end = loop {
            match tokio::time::timeout(SILENCE_LIMIT, events.recv()).await {
                Err(_) => {
                    break End::Lost(format!(
                        "CloudWatch Logs sent nothing for {} s",
                        SILENCE_LIMIT.as_secs()
                    ));
                }
                Ok(Ok(Some(message))) => {
                    heard = Utc::now();
                    match message {
                        StartLiveTailResponseStream::SessionUpdate(update) => {
                            for item in session.items(&update) {
                                if tx.send(Ok(item)).await.is_err() {
                                    return;
                                }
                            }
                        }
                        StartLiveTailResponseStream::SessionStart(start) => {
                            tracing::debug!(
                                session = start.session_id().unwrap_or("?"),
                                request = start.request_id().unwrap_or("?"),
                                groups = session.arns.len(),
                                "live tail session started"
                            );
                        }
                        other => tracing::debug!(?other, "live tail message ignored"),
                    }
                }
                Ok(Ok(None)) => break End::Lost("the Live Tail session ended".to_string()),
                Ok(Err(err)) => break stream_end(err, session.call()),
            }
        };
        let reason = match end {
            End::Fatal(err) => {
                tracing::warn!(error = %err.chain(), "live tail stopped");
                let _ = tx.send(Err(err)).await;
                return;
            }
            End::Lost(reason) => reason,
        };
        tracing::info!(%reason, "live tail session lost; starting a new one");
        if opened.elapsed() >= HEALTHY_SESSION {
            quick_ends = 0;
        }
        events = loop {
            let delay = backoff(quick_ends);
            quick_ends = quick_ends.saturating_add(1);
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            match session.open().await {
                Ok(events) => break events,
                Err(err) if err.is_transient() => {
                    tracing::info!(error = %err.chain(), "live tail could not reconnect yet");
                    if tx.send(Err(err)).await.is_err() {
                        return;
                    }
                }
                // A group deleted while it was tailed: the others go on; the last one's
                // going is said, then ends the tail.
                Err(err @ DomainError::NotFound(_)) => {
                    let (gone, left) = match session.forget_gone().await {
                        Ok(found) if !found.0.is_empty() => found,
                        _ => (Vec::new(), false),
                    };
                    for group in gone {
                        tracing::warn!(%group, "log group gone while tailed");
                        let item = TailItem::GroupGone {
                            group,
                            at: Utc::now(),
                            retrying: false,
                        };
                        if tx.send(Ok(item)).await.is_err() {
                            return;
                        }
                    }
                    if !left {
                        tracing::warn!(error = %err.chain(), "live tail could not reconnect");
                        let _ = tx.send(Err(err)).await;
                        return;
                    }
                    quick_ends = 0;
                }
                Err(err) => {
                    tracing::warn!(error = %err.chain(), "live tail could not reconnect");
                    let _ = tx.send(Err(err)).await;
                    return;
                }
            }
        };
        opened = Instant::now();
        let now = Utc::now();
        let gap = TailItem::Gap {
            from: heard,
            to: now,
            reason,
        };
        heard = now;
        for item in [
            gap,
            TailItem::Reconnected {
                at: now,
                group: None,
            },
        ] {
            if tx.send(Ok(item)).await.is_err() {
                return;
            }
        }
    }
}

/// The wait before the next session after `quick_ends` sessions in a row that ended early:
/// none for the first, then 1, 2, 4 ... up to 30 seconds.
fn backoff(quick_ends: u32) -> Duration {
    match quick_ends {
        0 => Duration::ZERO,
        n => FIRST_RETRY
            .saturating_mul(1u32 << (n - 1).min(5))
            .min(MAX_RETRY),
    }
}

/// A failed `StartLiveTail` call as the port's error. The account's limit on concurrent Live
/// Tail sessions frees up when other sessions end, so it counts as unavailable, not a bug.
fn start_error(
    err: SdkError<StartLiveTailError, aws_smithy_runtime_api::http::Response>,
    call: Call,
) -> DomainError {
    if err.code() == Some("LimitExceededException") {
        let message = err
            .message()
            .unwrap_or("too many Live Tail sessions")
            .to_string();
        return DomainError::unavailable(
            "CloudWatch Logs Live Tail (the account's concurrent session limit is reached)",
            message,
        );
    }
    sdk_error(err, call)
}

/// Decides what a failure inside a session's stream means for the tail.
fn stream_end(err: SdkError<StartLiveTailResponseStreamError, RawMessage>, call: Call) -> End {
    match err {
        SdkError::ServiceError(context) => {
            let raw = context.raw();
            let err = context.err();
            if err.is_session_timeout_exception() {
                return End::Lost("the Live Tail session reached its three-hour limit".to_string());
            }
            let message = err.message().unwrap_or("no message").to_string();
            if err.is_session_streaming_exception() {
                return End::Lost(format!(
                    "CloudWatch Logs interrupted the Live Tail session: {message}"
                ));
            }
            // An exception frame names its type in the `:exception-type` header; its JSON
            // payload usually carries only the message.
            let code = err
                .code()
                .map(str::to_string)
                .or_else(|| exception_type(raw))
                .unwrap_or_default();
            let meta = ErrorMetadata::builder().code(code).message(message).build();
            let mapped = sdk_error(
                SdkError::service_error(StartLiveTailResponseStreamError::generic(meta), ()),
                call,
            );
            if mapped.is_transient() {
                End::Lost(format!("the Live Tail session failed: {}", mapped.chain()))
            } else {
                End::Fatal(mapped)
            }
        }
        SdkError::ConstructionFailure(_) => End::Fatal(sdk_error(err, call)),
        other => End::Lost(format!(
            "the Live Tail connection failed: {}",
            flatten(&other)
        )),
    }
}

fn exception_type(raw: &RawMessage) -> Option<String> {
    let RawMessage::Decoded(message) = raw else {
        return None;
    };
    message
        .headers()
        .iter()
        .find(|h| h.name().as_str() == ":exception-type")
        .and_then(|h| h.value().as_string().ok())
        .map(|s| s.as_str().to_string())
}

/// An error with its whole chain, for a gap's reason (SdkError's Display alone says little).
fn flatten(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

/// Removes the `stream-` host prefix of `StartLiveTail` when the client talks to a custom
/// endpoint (an emulator or a test server), where the prefixed host does not exist.
#[derive(Debug)]
struct KeepCustomEndpointHost;

impl Intercept for KeepCustomEndpointHost {
    fn name(&self) -> &'static str {
        "KeepCustomEndpointHost"
    }

    // Runs after the operation stored its prefix (before execution) and before the endpoint
    // is resolved and applied (inside each attempt).
    fn modify_before_retry_loop(
        &self,
        _context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let custom = cfg
            .load::<EndpointResolverParams>()
            .and_then(|params| params.get::<EndpointParams>())
            .and_then(EndpointParams::endpoint)
            .is_some();
        if custom {
            cfg.interceptor_state().unset::<EndpointPrefix>();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(group: &str, stream: &str, ms: i64, message: &str) -> LogEvent {
        LogEvent {
            group: group.into(),
            stream: stream.into(),
            timestamp: DateTime::from_timestamp_millis(ms).unwrap(),
            ingested_at: None,
            message: message.into(),
            event_id: String::new(),
        }
    }

    #[test]
    fn group_names_come_out_of_arns_with_or_without_the_star() {
        assert_eq!(
            group_name_of("arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/api"),
            "/aws/lambda/api"
        );
        assert_eq!(
            group_name_of("arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/api:*"),
            "/aws/lambda/api"
        );
        assert_eq!(group_name_of("/aws/lambda/api"), "/aws/lambda/api");
    }

    #[test]
    fn the_same_event_gets_the_same_id_in_any_batch() {
        let first = with_ids(vec![event("g", "s", 10, "hello")]);
        let again = with_ids(vec![
            event("g", "s", 5, "other"),
            event("g", "s", 10, "hello"),
        ]);
        assert_eq!(first[0].event_id, again[1].event_id);
        assert!(first[0].event_id.starts_with("lt-"));
        assert_eq!(first[0].event_id.len(), 3 + 32);
    }

    #[test]
    fn ids_differ_by_group_stream_time_and_message() {
        let ids: Vec<String> = with_ids(vec![
            event("g", "s", 10, "m"),
            event("h", "s", 10, "m"),
            event("g", "t", 10, "m"),
            event("g", "s", 11, "m"),
            event("g", "s", 10, "n"),
            // Field boundaries count: "g"+"s m" is not "g s"+"m".
            event("gs", "", 10, "m"),
        ])
        .into_iter()
        .map(|e| e.event_id)
        .collect();
        let unique: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "{ids:?}");
    }

    #[test]
    fn a_repeated_line_in_one_batch_gets_a_numbered_id() {
        let events = with_ids(vec![
            event("g", "s", 10, "same"),
            event("g", "s", 10, "same"),
            event("g", "s", 10, "same"),
        ]);
        assert_eq!(events[1].event_id, format!("{}-2", events[0].event_id));
        assert_eq!(events[2].event_id, format!("{}-3", events[0].event_id));
    }

    #[test]
    fn batches_come_out_oldest_first_keeping_ties_in_order() {
        let events = with_ids(vec![
            event("g", "s", 30, "c"),
            event("g", "s", 10, "a1"),
            event("g", "s", 10, "a2"),
            event("g", "s", 20, "b"),
        ]);
        let messages: Vec<&str> = events.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(messages, vec!["a1", "a2", "b", "c"]);
    }

    #[test]
    fn reconnects_start_at_once_then_back_off_to_thirty_seconds() {
        assert_eq!(backoff(0), Duration::ZERO);
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(2), Duration::from_secs(2));
        assert_eq!(backoff(5), Duration::from_secs(16));
        assert_eq!(backoff(6), Duration::from_secs(30));
        assert_eq!(backoff(u32::MAX), Duration::from_secs(30));
    }
}
