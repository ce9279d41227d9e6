//! The polling tail: one task per tail asks FilterLogEvents for each group's new events, drops
//! the ones it has already seen, and merges the groups in time order. It does not know how a
//! page is fetched: that is a [`PageFetcher`], the SDK in production and canned pages in tests.
//!
//! How it stays correct:
//! - Each group is read in *chains*: a first call from the group's cursor up to "now" less
//!   [`PollSettings::settle`], then the `nextToken`s CloudWatch returns. The cursor is the
//!   newest timestamp seen less [`PollSettings::lookback`] (at first the tail's `since`), so
//!   every chain asks again for the boundary millisecond and for a short stretch before it; a
//!   bounded set of recently seen event ids per group drops what was already sent.
//! - Events reach CloudWatch some time after their timestamp (a writer stamps, then sends;
//!   Lambda ships its logs in batches). Ending chains `settle` before now leaves them time to
//!   arrive, so they come in order; the lookback still catches one that arrives later than that
//!   behind a newer event of another stream, which it delivers late rather than never.
//! - When a group's chain completes, every event of that group up to the chain's end has been
//!   fetched: that end is the group's watermark. Events are released only up to the smallest
//!   watermark of the healthy groups, so an event of group A fetched late cannot come out after
//!   a younger event of group B.
//! - Calls are paced twice: every call waits for the source's shared [`RateLimiter`]
//!   (FilterLogEvents' account quota), and calls for one group are at least
//!   [`PollSettings::group_interval`] apart, following `nextToken`s included.
//! - A failure that may heal (throttling spent, network, 5xx) becomes a [`TailItem::Gap`]
//!   marker; the group is retried with backoff from where it was, and [`TailItem::Reconnected`]
//!   follows its first success. A group that no longer exists (deleted while tailed) is
//!   dropped with a [`TailItem::GroupGone`]; the last one's ends the tail with its error. Any
//!   other failure ends the tail with that error.

use super::rate_limit::RateLimiter;
use crate::error::{DomainError, DomainResult};
use crate::model::{LogEvent, LogGroupName, TailItem, TailRequest, TailStream};
use chrono::{DateTime, Utc};
use futures::Stream;
use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// One FilterLogEvents call of a tail: a group, an inclusive range of milliseconds, the pattern
/// and, when a chain goes on, the token CloudWatch returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PollQuery {
    pub group: LogGroupName,
    pub start_ms: i64,
    /// Inclusive, as FilterLogEvents' `endTime` is.
    pub end_ms: i64,
    pub pattern: Option<String>,
    pub next_token: Option<String>,
}

/// What one call returned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PolledPage {
    pub events: Vec<LogEvent>,
    pub next_token: Option<String>,
}

/// Fetches one page of a group's events. The tail calls it once per FilterLogEvents call, after
/// the rate limiter let it through.
pub(crate) trait PageFetcher: Send + Sync + 'static {
    fn fetch(&self, query: PollQuery) -> impl Future<Output = DomainResult<PolledPage>> + Send;
}

/// Where "now" comes from, for the end of each chain.
pub(crate) type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The pacing and sizes of a polling tail.
#[derive(Debug, Clone)]
pub(crate) struct PollSettings {
    /// Least time between two FilterLogEvents calls for one group of one tail.
    pub group_interval: Duration,
    /// How far behind now a chain ends, for events still on their way to CloudWatch.
    pub settle: Duration,
    /// How far before the newest event seen a chain starts, for events that arrived late.
    pub lookback: Duration,
    /// The first wait after a failed call; it doubles up to `max_backoff`.
    pub first_backoff: Duration,
    pub max_backoff: Duration,
    /// Most events per [`TailItem::Events`].
    pub batch: usize,
    /// Event ids remembered per group to drop the ones a new chain returns again.
    pub recent_ids: usize,
    /// Items the tail may hold for a reader that is behind before it stops polling.
    pub channel: usize,
}

impl Default for PollSettings {
    fn default() -> Self {
        Self {
            group_interval: Duration::from_secs(1),
            settle: Duration::from_secs(1),
            lookback: Duration::from_secs(2),
            first_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            batch: 1_000,
            // One call returns at most 10,000 events and a group is asked once a second, so
            // this covers the lookback and the boundary at the highest rate a tail can follow.
            recent_ids: 50_000,
            channel: 16,
        }
    }
}

/// Starts a polling tail. It returns once every group answered its first call, so a missing
/// group, a refused permission or a pattern CloudWatch rejects fails here, not in the stream.
pub(crate) async fn start<F: PageFetcher>(
    request: TailRequest,
    fetcher: F,
    limiter: Arc<RateLimiter>,
    clock: Clock,
    settings: PollSettings,
) -> DomainResult<TailStream> {
    let (tx, rx) = mpsc::channel(settings.channel.max(1));
    let (ready_tx, ready_rx) = oneshot::channel();
    let poller = Poller::new(request, fetcher, limiter, clock, settings, tx);
    let task = tokio::spawn(poller.run(ready_tx));
    let stream = PollStream { rx, task };
    match ready_rx.await {
        Ok(Ok(())) => Ok(Box::pin(stream)),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(DomainError::bug("the log tail stopped before it started")),
    }
}

/// The reader's end of a tail; dropping it stops the polling task at once.
struct PollStream {
    rx: mpsc::Receiver<DomainResult<TailItem>>,
    task: JoinHandle<()>,
}

impl Stream for PollStream {
    type Item = DomainResult<TailItem>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}

impl Drop for PollStream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Ids of the events seen last in one group, oldest first out, at most `capacity`.
#[derive(Debug)]
pub(crate) struct RecentIds {
    order: VecDeque<(i64, String)>,
    ids: HashSet<String>,
    capacity: usize,
}

impl RecentIds {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            order: VecDeque::new(),
            ids: HashSet::new(),
            capacity: capacity.max(1),
        }
    }

    /// Remembers an id; false when it was already there (a duplicate).
    pub(crate) fn insert(&mut self, id: &str, timestamp_ms: i64) -> bool {
        if self.ids.contains(id) {
            return false;
        }
        if self.order.len() == self.capacity
            && let Some((_, oldest)) = self.order.pop_front()
        {
            self.ids.remove(&oldest);
        }
        self.order.push_back((timestamp_ms, id.to_string()));
        self.ids.insert(id.to_string());
        true
    }

    /// Forgets ids older than `timestamp_ms`: no later call asks for them again.
    pub(crate) fn forget_before(&mut self, timestamp_ms: i64) {
        let ids = &mut self.ids;
        self.order.retain(|(ts, id)| {
            let keep = *ts >= timestamp_ms;
            if !keep {
                ids.remove(id);
            }
            keep
        });
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.order.len()
    }
}

/// A chain of calls in progress: its fixed range and the token for its next page.
#[derive(Debug, Clone)]
struct Chain {
    start_ms: i64,
    end_ms: i64,
    token: String,
}

#[derive(Debug)]
struct Outage {
    backoff: Duration,
}

#[derive(Debug)]
struct GroupState {
    name: LogGroupName,
    /// The newest timestamp seen; `None` before the first event.
    newest_ms: Option<i64>,
    chain: Option<Chain>,
    /// Every event up to this instant has been fetched (the end of the last completed chain).
    watermark_ms: i64,
    due: Instant,
    recent: RecentIds,
    outage: Option<Outage>,
    answered: bool,
}

struct Poller<F> {
    groups: Vec<GroupState>,
    since_ms: i64,
    pattern: Option<String>,
    fetcher: F,
    limiter: Arc<RateLimiter>,
    clock: Clock,
    settings: PollSettings,
    /// Fetched, new, and waiting for every healthy group's watermark to pass them.
    held: Vec<LogEvent>,
    /// Whether `start` has returned the stream; nothing is sent before, so a first round
    /// larger than the channel cannot block the start.
    started: bool,
    tx: mpsc::Sender<DomainResult<TailItem>>,
}

/// The reader is gone; the task ends.
struct Closed;

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

impl<F: PageFetcher> Poller<F> {
    fn new(
        request: TailRequest,
        fetcher: F,
        limiter: Arc<RateLimiter>,
        clock: Clock,
        settings: PollSettings,
        tx: mpsc::Sender<DomainResult<TailItem>>,
    ) -> Self {
        let since_ms = request.since.timestamp_millis();
        let now = Instant::now();
        let mut seen = HashSet::new();
        let groups = request
            .groups
            .into_iter()
            .filter(|g| seen.insert(g.clone()))
            .map(|name| GroupState {
                name,
                newest_ms: None,
                chain: None,
                watermark_ms: since_ms - 1,
                due: now,
                recent: RecentIds::new(settings.recent_ids),
                outage: None,
                answered: false,
            })
            .collect();
        Self {
            groups,
            since_ms,
            pattern: request
                .pattern
                .map(|p| p.as_str().to_string())
                .filter(|p| !p.is_empty()),
            fetcher,
            limiter,
            clock,
            settings,
            held: Vec::new(),
            started: false,
            tx,
        }
    }

    async fn run(mut self, ready: oneshot::Sender<DomainResult<()>>) {
        let mut ready = Some(ready);
        loop {
            let Some(index) = self.next_due() else {
                if let Some(ready) = ready.take() {
                    let _ = ready.send(Err(DomainError::invalid(
                        "groups",
                        "pick at least one log group",
                    )));
                }
                return;
            };
            tokio::time::sleep_until(self.groups[index].due).await;
            self.limiter.acquire().await;
            let called_at = Instant::now();
            let query = self.query(index);
            let result = self.fetcher.fetch(query.clone()).await;
            let step = match result {
                Ok(page) => self.accept(index, &query, page, called_at).await,
                Err(e) if ready.is_some() => {
                    if let Some(ready) = ready.take() {
                        let _ = ready.send(Err(e));
                    }
                    return;
                }
                Err(e) if e.is_transient() => self.fail(index, e, called_at).await,
                Err(DomainError::NotFound(_)) if self.groups.len() > 1 => {
                    self.drop_group(index).await
                }
                // The last group gone: said like the others, then the tail ends with why.
                Err(e @ DomainError::NotFound(_)) => {
                    let group = &self.groups[index];
                    let gone = TailItem::GroupGone {
                        group: group.name.to_string(),
                        at: (self.clock)(),
                        retrying: group.outage.is_some(),
                    };
                    if self.send(Ok(gone)).await.is_ok() {
                        let _ = self.tx.send(Err(e)).await;
                    }
                    return;
                }
                Err(e) => {
                    let _ = self.tx.send(Err(e)).await;
                    return;
                }
            };
            if step.is_err() {
                return;
            }
            if ready.is_some() && self.groups.iter().all(|g| g.answered) {
                if let Some(ready) = ready.take()
                    && ready.send(Ok(())).is_err()
                {
                    return;
                }
                self.started = true;
                if self.release().await.is_err() {
                    return;
                }
            }
        }
    }

    fn next_due(&self) -> Option<usize> {
        self.groups
            .iter()
            .enumerate()
            .min_by_key(|(_, g)| g.due)
            .map(|(i, _)| i)
    }

    /// Where a group's next chain starts.
    fn cursor(&self, group: &GroupState) -> i64 {
        group.newest_ms.map_or(self.since_ms, |newest| {
            (newest - millis(self.settings.lookback)).max(self.since_ms)
        })
    }

    fn query(&self, index: usize) -> PollQuery {
        let group = &self.groups[index];
        let (start_ms, end_ms, next_token) = match &group.chain {
            Some(chain) => (chain.start_ms, chain.end_ms, Some(chain.token.clone())),
            None => {
                let start = self.cursor(group);
                let settled = (self.clock)().timestamp_millis() - millis(self.settings.settle);
                (start, settled.max(start), None)
            }
        };
        PollQuery {
            group: group.name.clone(),
            start_ms,
            end_ms,
            pattern: self.pattern.clone(),
            next_token,
        }
    }

    async fn accept(
        &mut self,
        index: usize,
        query: &PollQuery,
        page: PolledPage,
        called_at: Instant,
    ) -> Result<(), Closed> {
        let lookback = millis(self.settings.lookback);
        let since_ms = self.since_ms;
        let (recovered, name) = {
            let group = &mut self.groups[index];
            group.answered = true;
            group.due = called_at + self.settings.group_interval;
            for event in page.events {
                let ts = event.timestamp.timestamp_millis();
                // The range is asked for, but an answer outside it must not move the cursor.
                if ts < query.start_ms || ts > query.end_ms {
                    continue;
                }
                if group.recent.insert(&event.event_id, ts) {
                    group.newest_ms = group.newest_ms.max(Some(ts));
                    self.held.push(event);
                }
            }
            // No later chain starts before this, so older ids cannot come back.
            if let Some(newest) = group.newest_ms {
                group
                    .recent
                    .forget_before((newest - lookback).max(since_ms));
            }
            match page.next_token {
                Some(token) => {
                    group.chain = Some(Chain {
                        start_ms: query.start_ms,
                        end_ms: query.end_ms,
                        token,
                    });
                }
                None => {
                    group.chain = None;
                    group.watermark_ms = group.watermark_ms.max(query.end_ms);
                }
            }
            (group.outage.take().is_some(), group.name.to_string())
        };
        if recovered {
            let at = (self.clock)();
            self.send(Ok(TailItem::Reconnected {
                at,
                group: Some(name),
            }))
            .await?;
        }
        self.release().await
    }

    async fn fail(
        &mut self,
        index: usize,
        error: DomainError,
        called_at: Instant,
    ) -> Result<(), Closed> {
        let settings = &self.settings;
        let group = &mut self.groups[index];
        let gap = match &mut group.outage {
            Some(outage) => {
                outage.backoff = (outage.backoff * 2).min(settings.max_backoff);
                None
            }
            None => {
                group.outage = Some(Outage {
                    backoff: settings.first_backoff,
                });
                Some(TailItem::Gap {
                    from: DateTime::from_timestamp_millis(group.watermark_ms).unwrap_or_default(),
                    to: (self.clock)(),
                    reason: format!(
                        "{}: {}; retrying from where it stopped",
                        group.name,
                        error.chain()
                    ),
                })
            }
        };
        // The chain is kept: its token resumes exactly where the failed call would have.
        let backoff = group
            .outage
            .as_ref()
            .map_or(settings.first_backoff, |o| o.backoff);
        group.due = called_at + backoff.max(settings.group_interval);
        tracing::warn!(group = %group.name, error = %error.chain(), "log tail poll failed");
        if let Some(gap) = gap {
            self.send(Ok(gap)).await?;
        }
        // The failing group no longer holds the others back.
        self.release().await
    }

    /// Stops reading a group that is gone; what it sent before stays, and the others no
    /// longer wait for it.
    async fn drop_group(&mut self, index: usize) -> Result<(), Closed> {
        let group = self.groups.remove(index);
        tracing::warn!(group = %group.name, "log group gone; the tail goes on without it");
        self.send(Ok(TailItem::GroupGone {
            group: group.name.to_string(),
            at: (self.clock)(),
            retrying: group.outage.is_some(),
        }))
        .await?;
        self.release().await
    }

    /// Sends, in time order, the held events that every healthy group has read past.
    async fn release(&mut self) -> Result<(), Closed> {
        if !self.started {
            return Ok(());
        }
        let Some(watermark) = self
            .groups
            .iter()
            .filter(|g| g.outage.is_none())
            .map(|g| g.watermark_ms)
            .min()
        else {
            return Ok(());
        };
        let (mut ready, held): (Vec<LogEvent>, Vec<LogEvent>) = std::mem::take(&mut self.held)
            .into_iter()
            .partition(|e| e.timestamp.timestamp_millis() <= watermark);
        self.held = held;
        if ready.is_empty() {
            return Ok(());
        }
        // Stable: events of one millisecond keep the order CloudWatch gave them.
        ready.sort_by_key(|e| e.timestamp);
        let mut ready = ready.into_iter().peekable();
        while ready.peek().is_some() {
            let batch: Vec<LogEvent> = ready.by_ref().take(self.settings.batch.max(1)).collect();
            self.send(Ok(TailItem::Events(batch))).await?;
        }
        Ok(())
    }

    async fn send(&self, item: DomainResult<TailItem>) -> Result<(), Closed> {
        self.tx.send(item).await.map_err(|_| Closed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use futures::StreamExt;
    use std::collections::HashMap;
    use std::num::NonZeroU32;
    use std::sync::Mutex;

    /// A fixed instant the fake clock starts from; paused tokio time moves it.
    fn epoch() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 1, 1, 12, 0, 0).unwrap()
    }

    fn clock() -> Clock {
        let base = Instant::now();
        Arc::new(move || {
            epoch() + chrono::Duration::from_std(Instant::now() - base).unwrap_or_default()
        })
    }

    fn ms(offset: i64) -> DateTime<Utc> {
        epoch() + chrono::Duration::milliseconds(offset)
    }

    fn group(name: &str) -> LogGroupName {
        LogGroupName::parse(name).unwrap()
    }

    /// One stored event of the fake service.
    #[derive(Clone)]
    struct Stored {
        id: String,
        ts_ms: i64,
        message: String,
    }

    /// A call the fake saw: which group, when (paused tokio time), and what was asked.
    #[derive(Debug, Clone)]
    struct SeenCall {
        at: Instant,
        query: PollQuery,
    }

    #[derive(Default)]
    struct FakeState {
        /// Events per group in the order they were written (FilterLogEvents answers in time
        /// order, stable for equal times).
        groups: HashMap<String, Vec<Stored>>,
        /// Events written just before call number N (counting from 0) is answered.
        writes_before_call: HashMap<usize, Vec<(String, Stored)>>,
        /// Answers that replace the store's for call number N.
        failures: HashMap<usize, DomainError>,
        /// Groups whose every call fails as unavailable.
        down: HashSet<String>,
        calls: Vec<SeenCall>,
    }

    /// A FilterLogEvents double over an in-memory store: inclusive range, pages of `page` with
    /// a token that is the offset of the next event.
    #[derive(Clone)]
    struct FakeLogs {
        state: Arc<Mutex<FakeState>>,
        page: usize,
    }

    impl FakeLogs {
        fn new(page: usize) -> Self {
            Self {
                state: Arc::new(Mutex::new(FakeState::default())),
                page,
            }
        }

        fn create(&self, group: &str) {
            self.state
                .lock()
                .unwrap()
                .groups
                .entry(format!("/g/{group}"))
                .or_default();
        }

        fn write(&self, group: &str, id: &str, ts_ms: i64) {
            let mut state = self.state.lock().unwrap();
            state
                .groups
                .entry(format!("/g/{group}"))
                .or_default()
                .push(Stored {
                    id: id.into(),
                    ts_ms,
                    message: id.into(),
                });
        }

        fn write_before_call(&self, call: usize, group: &str, id: &str, ts_ms: i64) {
            self.state
                .lock()
                .unwrap()
                .writes_before_call
                .entry(call)
                .or_default()
                .push((
                    format!("/g/{group}"),
                    Stored {
                        id: id.into(),
                        ts_ms,
                        message: id.into(),
                    },
                ));
        }

        fn fail_call(&self, call: usize, error: DomainError) {
            self.state.lock().unwrap().failures.insert(call, error);
        }

        fn calls(&self) -> Vec<SeenCall> {
            self.state.lock().unwrap().calls.clone()
        }
    }

    impl PageFetcher for FakeLogs {
        async fn fetch(&self, query: PollQuery) -> DomainResult<PolledPage> {
            let mut state = self.state.lock().unwrap();
            let n = state.calls.len();
            state.calls.push(SeenCall {
                at: Instant::now(),
                query: query.clone(),
            });
            for (g, stored) in state.writes_before_call.remove(&n).unwrap_or_default() {
                state.groups.entry(g).or_default().push(stored);
            }
            if let Some(error) = state.failures.remove(&n) {
                return Err(error);
            }
            if state.down.contains(query.group.as_str()) {
                return Err(DomainError::unavailable("CloudWatch Logs", "down"));
            }
            let Some(events) = state.groups.get(query.group.as_str()) else {
                return Err(DomainError::not_found(format!("log group {}", query.group)));
            };
            let mut matching: Vec<&Stored> = events
                .iter()
                .filter(|e| e.ts_ms >= query.start_ms && e.ts_ms <= query.end_ms)
                .collect();
            matching.sort_by_key(|e| e.ts_ms);
            let offset: usize = query
                .next_token
                .as_deref()
                .map(|t| t.parse().unwrap())
                .unwrap_or(0);
            let end = (offset + self.page).min(matching.len());
            let events = matching[offset.min(end)..end]
                .iter()
                .map(|e| LogEvent {
                    group: query.group.to_string(),
                    stream: "s".into(),
                    timestamp: ms(e.ts_ms - epoch().timestamp_millis()),
                    ingested_at: None,
                    message: e.message.clone(),
                    event_id: e.id.clone(),
                })
                .collect();
            let next_token = (end < matching.len()).then(|| end.to_string());
            Ok(PolledPage { events, next_token })
        }
    }

    fn abs(offset: i64) -> i64 {
        epoch().timestamp_millis() + offset
    }

    fn limiter(per_second: u32) -> Arc<RateLimiter> {
        Arc::new(RateLimiter::per_second(
            NonZeroU32::new(per_second).unwrap(),
        ))
    }

    async fn tail_of(
        fake: &FakeLogs,
        groups: &[&str],
        since_offset: i64,
        limiter: Arc<RateLimiter>,
    ) -> DomainResult<TailStream> {
        tail_with(fake, groups, since_offset, limiter, immediate()).await
    }

    async fn tail_with(
        fake: &FakeLogs,
        groups: &[&str],
        since_offset: i64,
        limiter: Arc<RateLimiter>,
        settings: PollSettings,
    ) -> DomainResult<TailStream> {
        let request = TailRequest::new(
            groups.iter().map(|g| group(&format!("/g/{g}"))).collect(),
            ms(since_offset),
            None,
        )
        .unwrap();
        start(request, fake.clone(), limiter, clock(), settings).await
    }

    /// The mechanics alone: chains end at now and start at the newest event seen.
    fn immediate() -> PollSettings {
        PollSettings {
            settle: Duration::ZERO,
            lookback: Duration::ZERO,
            ..PollSettings::default()
        }
    }

    /// Reads items until `count` events arrived, or panics after `within` of paused time.
    async fn collect_events(
        tail: &mut TailStream,
        count: usize,
        within: Duration,
    ) -> (Vec<LogEvent>, Vec<TailItem>) {
        let mut events = Vec::new();
        let mut markers = Vec::new();
        let deadline = Instant::now() + within;
        while events.len() < count {
            let item = tokio::time::timeout_at(deadline, tail.next())
                .await
                .unwrap_or_else(|_| panic!("only {} of {count} events arrived", events.len()))
                .expect("the tail is open")
                .expect("no error");
            match item {
                TailItem::Events(batch) => events.extend(batch),
                other => markers.push(other),
            }
        }
        (events, markers)
    }

    /// Nothing more arrives for `quiet` of paused time.
    async fn assert_quiet(tail: &mut TailStream, quiet: Duration) {
        if let Ok(item) = tokio::time::timeout(quiet, tail.next()).await {
            panic!("expected nothing more, got {item:?}");
        }
    }

    fn ids(events: &[LogEvent]) -> Vec<&str> {
        events.iter().map(|e| e.event_id.as_str()).collect()
    }

    #[test]
    fn recent_ids_drop_repeats_and_stay_bounded() {
        let mut recent = RecentIds::new(3);
        assert!(recent.insert("a", 1));
        assert!(!recent.insert("a", 1));
        assert!(recent.insert("b", 2));
        assert!(recent.insert("c", 2));
        assert!(recent.insert("d", 3));
        assert_eq!(recent.len(), 3);
        // "a" was the oldest and made room.
        assert!(recent.insert("a", 1));
        recent.forget_before(3);
        assert_eq!(recent.len(), 1);
        assert!(!recent.insert("d", 3));
    }

    #[tokio::test(start_paused = true)]
    async fn events_at_the_boundary_millisecond_arrive_once() {
        let fake = FakeLogs::new(100);
        fake.create("a");
        let mut tail = tail_of(&fake, &["a"], 0, limiter(5)).await.unwrap();
        // Five events share one millisecond; every later chain starts at that millisecond and
        // gets them all again.
        for i in 0..5 {
            fake.write("a", &format!("same-{i}"), abs(500));
        }
        let (events, _) = collect_events(&mut tail, 5, Duration::from_secs(5)).await;
        assert_eq!(
            ids(&events),
            vec!["same-0", "same-1", "same-2", "same-3", "same-4"]
        );
        // Two more arrive at the same millisecond later on.
        fake.write("a", "same-5", abs(500));
        fake.write("a", "same-6", abs(500));
        let (events, _) = collect_events(&mut tail, 2, Duration::from_secs(5)).await;
        assert_eq!(ids(&events), vec!["same-5", "same-6"]);
        assert_quiet(&mut tail, Duration::from_secs(5)).await;
        let repeated = fake
            .calls()
            .iter()
            .filter(|c| c.query.start_ms == abs(500))
            .count();
        assert!(
            repeated >= 5,
            "later chains did start at the boundary ({repeated} did)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn groups_are_merged_in_time_order_even_when_read_at_different_times() {
        let fake = FakeLogs::new(100);
        for g in ["a", "b", "c"] {
            fake.create(g);
        }
        let mut tail = tail_of(&fake, &["a", "b", "c"], 0, limiter(5))
            .await
            .unwrap();
        // Calls 0..=2 were the first round, at 0, 0.2 and 0.4 s. Call 3 reads "a" at 1.0 s,
        // call 4 "b" at 1.2 s, call 5 "c" at 1.4 s. Each group gets events just before it is
        // read, stamped earlier than the others' ones: a tail that released each group's
        // events as it read them would send a@900 before b@800 and c@850.
        fake.write_before_call(3, "a", "a-900", abs(900));
        fake.write_before_call(4, "b", "b-800", abs(800));
        fake.write_before_call(4, "b", "b-1100", abs(1_100));
        fake.write_before_call(5, "c", "c-850", abs(850));
        let (events, _) = collect_events(&mut tail, 4, Duration::from_secs(10)).await;
        assert_eq!(ids(&events), vec!["b-800", "c-850", "a-900", "b-1100"]);
        assert_quiet(&mut tail, Duration::from_secs(5)).await;
    }

    /// Group "a" gets an event stamped 1.05 s that reaches the service only at 3 s, after "a"
    /// was read up to 2 s; "b" has one at 1.1 s that arrived on time.
    async fn late_arrival(settings: PollSettings) -> (Vec<String>, Vec<SeenCall>) {
        let fake = FakeLogs::new(100);
        fake.create("a");
        fake.create("b");
        let mut tail = tail_with(&fake, &["a", "b"], 0, limiter(5), settings)
            .await
            .unwrap();
        // Calls: 0 a@0, 1 b@0.2, 2 a@1.0, 3 b@1.2, 4 a@2.0, 5 b@2.2, 6 a@3.0 ...
        fake.write_before_call(3, "b", "b-1100", abs(1_100));
        fake.write_before_call(6, "a", "a-1050", abs(1_050));
        let (events, _) = collect_events(&mut tail, 2, Duration::from_secs(10)).await;
        (
            ids(&events).into_iter().map(str::to_string).collect(),
            fake.calls(),
        )
    }

    #[tokio::test(start_paused = true)]
    async fn chains_end_a_settle_before_now_so_late_arrivals_keep_their_order() {
        let settle = PollSettings {
            settle: Duration::from_secs(1),
            ..immediate()
        };
        let (order, calls) = late_arrival(settle).await;
        assert_eq!(order, vec!["a-1050", "b-1100"]);
        // Call 4 read "a" at 2 s up to 1 s.
        assert_eq!(calls[4].query.end_ms, abs(1_000));
        // Without the settle the late event comes after a younger one: what the settle is for.
        let (order, _) = late_arrival(immediate()).await;
        assert_eq!(order, vec!["b-1100", "a-1050"]);
    }

    /// "a" has seen an event at 0.5 s when one stamped 0.4 s (another stream's, say) arrives.
    async fn behind_the_newest(lookback: Duration) -> (Vec<String>, TailStream) {
        let fake = FakeLogs::new(100);
        fake.create("a");
        let settings = PollSettings {
            lookback,
            ..immediate()
        };
        let mut tail = tail_with(&fake, &["a"], 0, limiter(5), settings)
            .await
            .unwrap();
        fake.write_before_call(1, "a", "a-500", abs(500));
        fake.write_before_call(2, "a", "a-400", abs(400));
        let (events, _) = collect_events(&mut tail, 1, Duration::from_secs(5)).await;
        (ids(&events).into_iter().map(str::to_string).collect(), tail)
    }

    #[tokio::test(start_paused = true)]
    async fn a_late_event_behind_a_newer_one_is_delivered_once_within_the_lookback() {
        let (first, mut tail) = behind_the_newest(Duration::from_secs(2)).await;
        assert_eq!(first, vec!["a-500"]);
        let (late, _) = collect_events(&mut tail, 1, Duration::from_secs(5)).await;
        assert_eq!(ids(&late), vec!["a-400"]);
        assert_quiet(&mut tail, Duration::from_secs(5)).await;
        // Without a lookback the next chain starts at 0.5 s and never sees it.
        let (first, mut tail) = behind_the_newest(Duration::ZERO).await;
        assert_eq!(first, vec!["a-500"]);
        assert_quiet(&mut tail, Duration::from_secs(5)).await;
    }

    #[tokio::test(start_paused = true)]
    async fn old_events_are_not_sent_and_pages_are_followed() {
        let fake = FakeLogs::new(10);
        fake.write("a", "before-since", abs(-101));
        for i in 0..25 {
            fake.write("a", &format!("e{i:02}"), abs(i - 50));
        }
        let mut tail = tail_of(&fake, &["a"], -100, limiter(5)).await.unwrap();
        let (events, _) = collect_events(&mut tail, 25, Duration::from_secs(10)).await;
        let expected: Vec<String> = (0..25).map(|i| format!("e{i:02}")).collect();
        assert_eq!(ids(&events), expected);
        assert_quiet(&mut tail, Duration::from_secs(5)).await;
        let calls = fake.calls();
        assert_eq!(calls[1].query.next_token.as_deref(), Some("10"));
        assert_eq!(calls[2].query.next_token.as_deref(), Some("20"));
        assert_eq!(
            calls[1].query.start_ms, calls[0].query.start_ms,
            "a chain keeps its range"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_first_round_larger_than_the_channel_does_not_block_the_start() {
        let fake = FakeLogs::new(100);
        for i in 0..10 {
            fake.write("a", &format!("e{i}"), abs(i - 50));
        }
        let request = TailRequest::new(vec![group("/g/a")], ms(-100), None).unwrap();
        let settings = PollSettings {
            batch: 2,
            channel: 1,
            ..immediate()
        };
        let mut tail = tokio::time::timeout(
            Duration::from_secs(5),
            start(request, fake.clone(), limiter(5), clock(), settings),
        )
        .await
        .expect("the tail starts")
        .unwrap();
        let (events, _) = collect_events(&mut tail, 10, Duration::from_secs(5)).await;
        assert_eq!(events.len(), 10);
    }

    #[tokio::test(start_paused = true)]
    async fn calls_respect_the_shared_quota_and_one_per_group_per_second() {
        let fake = FakeLogs::new(100);
        let groups = ["a", "b", "c", "d", "e", "f", "g"];
        for g in groups {
            fake.create(g);
        }
        let shared = limiter(5);
        // Two tails of one source share its limiter.
        let mut first = tail_of(&fake, &groups[..4], 0, shared.clone())
            .await
            .unwrap();
        let mut second = tail_of(&fake, &groups[4..], 0, shared).await.unwrap();
        assert_quiet(&mut first, Duration::from_secs(6)).await;
        assert_quiet(&mut second, Duration::from_millis(1)).await;
        let calls = fake.calls();
        assert!(calls.len() >= 25, "the tails kept polling: {}", calls.len());
        for pair in calls.windows(2) {
            let gap = pair[1].at - pair[0].at;
            assert!(
                gap >= Duration::from_millis(200),
                "two calls {gap:?} apart exceed 5 a second"
            );
        }
        for g in groups {
            let at: Vec<Instant> = calls
                .iter()
                .filter(|c| c.query.group.as_str() == format!("/g/{g}"))
                .map(|c| c.at)
                .collect();
            assert!(at.len() >= 3, "group {g} was polled: {}", at.len());
            for pair in at.windows(2) {
                assert!(
                    pair[1] - pair[0] >= Duration::from_secs(1),
                    "group {g} polled twice within a second"
                );
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn one_group_is_polled_once_a_second_when_the_quota_allows_more() {
        let fake = FakeLogs::new(100);
        fake.create("a");
        let mut tail = tail_of(&fake, &["a"], 0, limiter(5)).await.unwrap();
        assert_quiet(&mut tail, Duration::from_millis(4_500)).await;
        let calls = fake.calls();
        let start = calls[0].at;
        let offsets: Vec<Duration> = calls.iter().map(|c| c.at - start).collect();
        assert_eq!(offsets, (0..5).map(Duration::from_secs).collect::<Vec<_>>());
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_poll_reports_a_gap_then_reconnects_without_losing_events() {
        let fake = FakeLogs::new(100);
        fake.create("a");
        let mut tail = tail_of(&fake, &["a"], 0, limiter(5)).await.unwrap();
        fake.write("a", "before", abs(100));
        let (events, _) = collect_events(&mut tail, 1, Duration::from_secs(5)).await;
        assert_eq!(ids(&events), vec!["before"]);
        let next = fake.calls().len();
        fake.fail_call(
            next,
            DomainError::unavailable("CloudWatch Logs", "connection reset"),
        );
        fake.fail_call(next + 1, DomainError::Throttled("CloudWatch Logs".into()));
        fake.write("a", "during", abs(200));
        let mut items = Vec::new();
        while !items.iter().any(|i| matches!(i, TailItem::Events(_))) {
            let item = tokio::time::timeout(Duration::from_secs(10), tail.next())
                .await
                .expect("the tail goes on")
                .unwrap()
                .unwrap();
            items.push(item);
        }
        assert_eq!(items.len(), 3, "{items:?}");
        assert!(
            matches!(&items[0], TailItem::Gap { reason, from, to } if reason.contains("/g/a") && reason.contains("connection reset") && *from == ms(1_000) && *to == ms(2_000)),
            "{:?}",
            items[0]
        );
        assert!(
            matches!(&items[1], TailItem::Reconnected { group: Some(g), .. } if g == "/g/a"),
            "one gap for two failures, and which group came back: {items:?}"
        );
        assert!(matches!(&items[2], TailItem::Events(e) if ids(e) == vec!["during"]));
        // Backoff: the second failure waited longer than the first.
        let calls = fake.calls();
        assert!(calls[next + 2].at - calls[next + 1].at >= Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn a_failing_group_does_not_hold_the_others_back() {
        let fake = FakeLogs::new(100);
        fake.create("a");
        fake.create("b");
        let mut tail = tail_of(&fake, &["a", "b"], 0, limiter(5)).await.unwrap();
        fake.state.lock().unwrap().down.insert("/g/a".into());
        fake.write("b", "b-1", abs(100));
        let mut saw_gap = false;
        let mut got = Vec::new();
        while got.is_empty() {
            match tokio::time::timeout(Duration::from_secs(10), tail.next())
                .await
                .expect("b's events arrive")
                .unwrap()
                .unwrap()
            {
                TailItem::Gap { reason, .. } => {
                    assert!(reason.contains("/g/a"));
                    saw_gap = true;
                }
                TailItem::Events(e) => got.extend(e),
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(saw_gap);
        assert_eq!(ids(&got), vec!["b-1"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_group_deleted_mid_tail_is_dropped_and_the_others_go_on() {
        let fake = FakeLogs::new(100);
        fake.create("a");
        fake.create("b");
        let mut tail = tail_of(&fake, &["a", "b"], 0, limiter(5)).await.unwrap();
        fake.write("a", "a-1", abs(100));
        fake.write("b", "b-1", abs(150));
        let (events, _) = collect_events(&mut tail, 2, Duration::from_secs(5)).await;
        assert_eq!(ids(&events), vec!["a-1", "b-1"]);
        // `a` is deleted; `b` goes on being written.
        fake.state.lock().unwrap().groups.remove("/g/a");
        fake.write("b", "b-2", abs(3_000));
        let mut items = Vec::new();
        while !items.iter().any(|i| matches!(i, TailItem::Events(_))) {
            let item = tokio::time::timeout(Duration::from_secs(10), tail.next())
                .await
                .expect("the tail goes on")
                .expect("the tail is open")
                .expect("no error ends it");
            items.push(item);
        }
        assert!(
            matches!(&items[0], TailItem::GroupGone { group, retrying: false, .. } if group == "/g/a"),
            "{items:?}"
        );
        assert!(matches!(items.last(), Some(TailItem::Events(e)) if ids(e) == vec!["b-2"]));
        let asked_after = fake.calls().len();
        fake.write("b", "b-3", abs(6_000));
        collect_events(&mut tail, 1, Duration::from_secs(10)).await;
        assert!(
            fake.calls()[asked_after..]
                .iter()
                .all(|c| c.query.group.as_str() == "/g/b"),
            "the deleted group is not asked again"
        );

        // The last group gone is said, then ends the tail with its error.
        fake.state.lock().unwrap().groups.remove("/g/b");
        let mut next = async || {
            tokio::time::timeout(Duration::from_secs(5), tail.next())
                .await
                .expect("the tail ends")
                .expect("with an item")
        };
        let item = next().await;
        assert!(
            matches!(&item, Ok(TailItem::GroupGone { group, .. }) if group == "/g/b"),
            "{item:?}"
        );
        let item = next().await;
        assert!(matches!(item, Err(DomainError::NotFound(_))), "{item:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_lasting_failure_ends_the_tail_with_its_error() {
        let fake = FakeLogs::new(100);
        fake.create("a");
        let mut tail = tail_of(&fake, &["a"], 0, limiter(5)).await.unwrap();
        let next = fake.calls().len();
        fake.fail_call(next, DomainError::Forbidden("logs:FilterLogEvents".into()));
        let item = tokio::time::timeout(Duration::from_secs(5), tail.next())
            .await
            .unwrap();
        assert!(matches!(item, Some(Err(DomainError::Forbidden(_)))));
        assert!(tail.next().await.is_none(), "the tail ended");
    }

    #[tokio::test(start_paused = true)]
    async fn an_unknown_group_fails_the_start() {
        let fake = FakeLogs::new(100);
        fake.create("a");
        let err = tail_of(&fake, &["a", "missing"], 0, limiter(5))
            .await
            .err()
            .unwrap();
        assert!(matches!(err, DomainError::NotFound(m) if m.contains("/g/missing")));
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_the_stream_stops_polling() {
        let fake = FakeLogs::new(100);
        fake.create("a");
        let tail = tail_of(&fake, &["a"], 0, limiter(5)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(2_500)).await;
        let before = fake.calls().len();
        assert!(before >= 2);
        drop(tail);
        tokio::time::sleep(Duration::from_secs(10)).await;
        assert_eq!(fake.calls().len(), before);
    }
}
