//! The Logs pane's background work. A feed (live tail or window query) is one task: it reads
//! the log source, gathers what arrives into batches (at most [`BATCH_EVENTS`] events or
//! [`BATCH_WINDOW`] of waiting), and sends each batch as an event over the loop's bounded
//! channel, so a slow screen slows the feed rather than piling events up. It ends when its
//! source ends, when it fails, or when the pane drops the feed's handle.

use super::Backends;
use crate::app::logs::{
    BACKLOG_LINES, BACKLOG_MINUTES, Earlier, FeedEnd, FeedSpec, FeedStop, LogsCommand, LogsEvent,
    Window,
};
use crate::app::{AppEvent, Failure, RequestId};
use backoffice_domain::DomainError;
use backoffice_domain::model::{
    Cursor, FilterPattern, LogEvent, LogGroupName, PageRequest, TailItem, TailRequest, TimeWindow,
};
use backoffice_domain::ports::LogSource;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use std::collections::{HashMap, VecDeque};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Most events in one batch.
const BATCH_EVENTS: usize = 2_000;
/// Longest a batch waits for more before it is sent.
const BATCH_WINDOW: Duration = Duration::from_millis(100);
/// Events asked for per page of a query.
const QUERY_PAGE: u32 = 1_000;
/// Lambda groups listed for the picker (pages of 50).
const LAMBDA_GROUP_PAGES: usize = 10;
/// A tail that fails this many times in a row, with nothing in between, gives up.
const TAIL_FAILURES: usize = 5;
/// How far back, in seconds, each step of a live tail's backlog reaches, newest step first:
/// a busy group fills the backlog from its last seconds, a quiet one is read back to
/// [`BACKLOG_MINUTES`].
const BACKLOG_STEPS: [i64; 3] = [10, 60, BACKLOG_MINUTES * 60];
/// Most events the backlog reads in all (a step is read whole to find its newest lines).
const BACKLOG_READ: usize = 10_000;

fn source(b: &Backends) -> Result<&dyn LogSource, DomainError> {
    b.logs.as_deref().ok_or_else(|| {
        DomainError::Unsupported(format!(
            "environment {} has no log source configured",
            b.environment
        ))
    })
}

pub(super) async fn run(
    command: LogsCommand,
    b: &Backends,
    events: &mpsc::Sender<AppEvent>,
) -> LogsEvent {
    match command {
        LogsCommand::LoadGroups { request } => LogsEvent::GroupsLoaded {
            request,
            result: groups(b).await.map_err(Failure::from),
        },
        LogsCommand::Feed {
            request,
            spec,
            limit,
            stop,
        } => {
            let mut out = Out {
                request,
                events,
                stop,
                sent: false,
            };
            let result = match source(b) {
                Err(e) => Err(e),
                Ok(source) => feed(source, spec, limit, &mut out).await,
            };
            LogsEvent::Ended {
                request,
                result: result.map_err(Failure::from),
            }
        }
        LogsCommand::FindRunning {
            request,
            group,
            stream,
            at,
        } => LogsEvent::RunningFound {
            request,
            result: match source(b) {
                Err(e) => Err(e),
                Ok(source) => {
                    backoffice_domain::services::running::running_at(source, &group, &stream, at)
                        .await
                }
            }
            .map_err(Failure::from),
        },
        LogsCommand::Save {
            request,
            path,
            text,
            lines,
        } => LogsEvent::Saved {
            request,
            result: save_new(&path, text.as_bytes())
                .await
                // Where it went, whole: a relative name was written in the working folder.
                .map(|()| {
                    let whole = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
                    format!(
                        "saved {} to {}",
                        crate::text::plural(lines, "line"),
                        crate::text::one_line(&whole.display().to_string())
                    )
                })
                .map_err(|e| Failure {
                    message: crate::paths::write_problem(&e, &path),
                    chain: format!("could not write {}: {e}", path.display()),
                    refused: false,
                    cause: crate::app::Cause::Other,
                    said: false,
                }),
        },
    }
}

/// A tail or a window query of `spec`. A group that is not there when it begins (a name
/// mistyped in the settings, deleted since it was picked) is said and left out, and the read
/// begins again with the others: one such group failed the whole read. Only before anything
/// was sent (a group gone later is the tail's own [`TailItem::GroupGone`]).
async fn feed(
    source: &dyn LogSource,
    mut spec: FeedSpec,
    limit: usize,
    out: &mut Out<'_>,
) -> Result<FeedEnd, DomainError> {
    loop {
        let result = match spec.window {
            Window::Live => tail(source, spec.clone(), out).await,
            _ => query(source, spec.clone(), limit, out).await,
        };
        let missing = match &result {
            Err(DomainError::NotFound(what)) if spec.groups.len() > 1 && !out.sent => spec
                .groups
                .iter()
                .position(|g| *what == format!("log group {g}")),
            _ => None,
        };
        let Some(at) = missing else {
            return result;
        };
        let group = spec.groups.remove(at).to_string();
        if !out.send(vec![TailItem::GroupMissing { group }]).await {
            return Ok(FeedEnd::Stopped);
        }
        out.sent = false;
    }
}

/// Writes `bytes` to a new file at `path`: a file already there is never replaced (as
/// downloads and exports refuse one). Log lines name people and requests: the file is the
/// operator's alone, as an export is.
async fn save_new(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let mut file = tokio::fs::File::from_std(crate::paths::create_private(path)?);
    file.write_all(bytes).await?;
    file.flush().await
}

/// The environment's groups first (as configured), then Lambda groups, then the others.
async fn groups(b: &Backends) -> Result<Vec<LogGroupName>, DomainError> {
    let source = source(b)?;
    // The Lambda groups' pages and the first page of all groups are asked for side by side.
    let walks = [("/aws/lambda/", LAMBDA_GROUP_PAGES), ("", 1)].map(|(prefix, pages)| async move {
        let mut names = Vec::new();
        let mut cursor = None;
        for _ in 0..pages {
            let page = source
                .list_groups(
                    prefix,
                    PageRequest {
                        cursor,
                        limit: None,
                    },
                )
                .await?;
            names.extend(page.items.into_iter().map(|g| g.name));
            cursor = page.next;
            if cursor.is_none() {
                break;
            }
        }
        Ok::<_, DomainError>(names)
    });
    let mut out = b.log_groups.clone();
    let configured = out.len();
    for names in futures::future::try_join_all(walks).await? {
        for name in names {
            if let Ok(name) = LogGroupName::parse(&name)
                && !out.contains(&name)
            {
                out.push(name);
            }
        }
    }
    out[configured..].sort_by(|a, b| b.is_lambda().cmp(&a.is_lambda()).then(a.cmp(b)));
    Ok(out)
}

/// Where a feed's batches go.
struct Out<'a> {
    request: RequestId,
    events: &'a mpsc::Sender<AppEvent>,
    stop: FeedStop,
    /// Whether a batch went out: a read that sent lines is not begun again.
    sent: bool,
}

impl Out<'_> {
    /// Sends a batch; `false` once nobody wants it (the pane let go, or the loop ended).
    async fn send(&mut self, items: Vec<TailItem>) -> bool {
        if event_count(&items) == 0 {
            return true;
        }
        self.sent = true;
        let event = AppEvent::Logs(LogsEvent::Batch {
            request: self.request,
            items,
        });
        tokio::select! {
            biased;
            _ = self.stop.stopped() => false,
            sent = self.events.send(event) => sent.is_ok(),
        }
    }

    async fn problem(&mut self, failure: Failure) -> bool {
        self.tell(LogsEvent::Problem {
            request: self.request,
            failure,
        })
        .await
    }

    async fn tell(&mut self, event: LogsEvent) -> bool {
        let event = AppEvent::Logs(event);
        tokio::select! {
            biased;
            _ = self.stop.stopped() => false,
            sent = self.events.send(event) => sent.is_ok(),
        }
    }
}

fn event_count(items: &[TailItem]) -> usize {
    items
        .iter()
        .map(|i| match i {
            TailItem::Events(e) => e.len(),
            _ => 1,
        })
        .sum()
}

/// Follows the groups from now until stopped, after the newest lines written just before.
async fn tail(
    source: &dyn LogSource,
    spec: FeedSpec,
    out: &mut Out<'_>,
) -> Result<FeedEnd, DomainError> {
    let since = Utc::now();
    let request = TailRequest::new(spec.groups.clone(), since, spec.pattern.clone())?;
    let mut stream = tokio::select! {
        biased;
        _ = out.stop.stopped() => return Ok(FeedEnd::Stopped),
        s = source.tail(request) => s?,
    };
    // The tail is open and keeps what arrives meanwhile; the backlog reads up to this moment,
    // so a line stamped while the tail was opening is in one or the other, and when in both
    // (stored before the backlog read it, sent by the tail too) it is shown once.
    let opened = Utc::now();
    let mut overlap = Overlap::default();
    let earlier = match backlog(source, &spec, opened, &mut out.stop).await {
        Ok(None) => return Ok(FeedEnd::Stopped),
        Ok(Some((events, earlier))) => {
            overlap = Overlap::new(since, opened, &events);
            if !out.send(vec![TailItem::Events(events)]).await {
                return Ok(FeedEnd::Stopped);
            }
            earlier
        }
        Err(e) => {
            let mut failure = Failure::from(e);
            failure.message = format!(
                "could not read the {BACKLOG_MINUTES} minutes before the tail: {}",
                failure.message
            );
            if !out.problem(failure).await {
                return Ok(FeedEnd::Stopped);
            }
            Earlier::Unread
        }
    };
    // The lines before end, and the live ones begin, where the backlog's reading began.
    let started = LogsEvent::Started {
        request: out.request,
        since: opened,
        earlier,
    };
    if !out.tell(started).await {
        return Ok(FeedEnd::Stopped);
    }
    let mut batch: Vec<TailItem> = Vec::new();
    let mut deadline: Option<Instant> = None;
    let mut failures = 0;
    loop {
        let due = deadline.unwrap_or_else(|| Instant::now() + BATCH_WINDOW);
        tokio::select! {
            biased;
            _ = out.stop.stopped() => return Ok(FeedEnd::Stopped),
            _ = tokio::time::sleep_until(due), if deadline.is_some() => {
                deadline = None;
                if !out.send(std::mem::take(&mut batch)).await {
                    return Ok(FeedEnd::Stopped);
                }
            }
            item = stream.next() => match item {
                None => {
                    out.send(std::mem::take(&mut batch)).await;
                    return Ok(FeedEnd::Finished);
                }
                Some(Ok(mut item)) => {
                    failures = 0;
                    if let TailItem::Events(events) = &mut item {
                        overlap.drop_repeats(events);
                    }
                    batch.push(item);
                    deadline.get_or_insert_with(|| Instant::now() + BATCH_WINDOW);
                    if event_count(&batch) >= BATCH_EVENTS {
                        deadline = None;
                        if !out.send(std::mem::take(&mut batch)).await {
                            return Ok(FeedEnd::Stopped);
                        }
                    }
                }
                Some(Err(e)) => {
                    failures += 1;
                    if failures >= TAIL_FAILURES {
                        return Err(e);
                    }
                    deadline = None;
                    if !out.send(std::mem::take(&mut batch)).await
                        || !out.problem(Failure::from(e)).await
                    {
                        return Ok(FeedEnd::Stopped);
                    }
                }
            },
        }
    }
}

/// The backlog's lines that a live tail may send again: those stamped from the tail's `since`
/// to the moment the backlog began reading, counted by group, stream, time and text.
#[derive(Debug, Default)]
struct Overlap {
    since_ms: i64,
    until_ms: i64,
    seen: HashMap<(String, String, i64, String), usize>,
}

impl Overlap {
    fn new(since: DateTime<Utc>, until: DateTime<Utc>, backlog: &[LogEvent]) -> Self {
        let (since_ms, until_ms) = (since.timestamp_millis(), until.timestamp_millis());
        let mut seen = HashMap::new();
        for e in backlog {
            let ts = e.timestamp.timestamp_millis();
            if (since_ms..until_ms).contains(&ts) {
                *seen
                    .entry((e.group.clone(), e.stream.clone(), ts, e.message.clone()))
                    .or_insert(0) += 1;
            }
        }
        Self {
            since_ms,
            until_ms,
            seen,
        }
    }

    /// Removes from `events` the ones the backlog already showed, each once.
    fn drop_repeats(&mut self, events: &mut Vec<LogEvent>) {
        if self.seen.is_empty() {
            return;
        }
        events.retain(|e| {
            let ts = e.timestamp.timestamp_millis();
            if !(self.since_ms..self.until_ms).contains(&ts) {
                return true;
            }
            let key = (e.group.clone(), e.stream.clone(), ts, e.message.clone());
            match self.seen.get_mut(&key) {
                Some(n) => {
                    *n -= 1;
                    if *n == 0 {
                        self.seen.remove(&key);
                    }
                    false
                }
                None => true,
            }
        });
    }
}

/// The newest lines of the feed's groups (and pattern) written before `since`, at most
/// [`BACKLOG_LINES`] from at most [`BACKLOG_MINUTES`] before, oldest first; `None` once the
/// pane lets go. Steps reach further back only while the backlog has room; a step that would
/// take the reading past [`BACKLOG_READ`] events is left out (its newest lines cannot be
/// known without reading it whole).
async fn backlog(
    source: &dyn LogSource,
    spec: &FeedSpec,
    since: DateTime<Utc>,
    stop: &mut FeedStop,
) -> Result<Option<(Vec<LogEvent>, Earlier)>, DomainError> {
    let mut kept: VecDeque<LogEvent> = VecDeque::with_capacity(BACKLOG_LINES);
    let mut read = 0usize;
    let mut end = since;
    for back in BACKLOG_STEPS {
        let start = since - chrono::Duration::seconds(back);
        let Ok(window) = TimeWindow::new(start, end) else {
            continue;
        };
        let mut merged = Merged::new(source, &spec.groups, window, spec.pattern.as_ref());
        // This step's newest lines, as many as the backlog still has room for.
        let room = BACKLOG_LINES - kept.len();
        let mut step: VecDeque<LogEvent> = VecDeque::with_capacity(room);
        loop {
            let next = tokio::select! {
                biased;
                _ = stop.stopped() => return Ok(None),
                next = merged.next() => next?,
            };
            let Some(event) = next else {
                break;
            };
            read += 1;
            if read > BACKLOG_READ {
                let earlier = if kept.is_empty() {
                    Earlier::TooMany
                } else {
                    Earlier::Read(kept.len())
                };
                return Ok(Some((kept.into(), earlier)));
            }
            if step.len() == room {
                step.pop_front();
            }
            step.push_back(event);
        }
        for event in step.into_iter().rev() {
            kept.push_front(event);
        }
        if kept.len() >= BACKLOG_LINES {
            break;
        }
        end = start;
    }
    let n = kept.len();
    Ok(Some((kept.into(), Earlier::Read(n))))
}

/// One group's side of a merged read: events read but not yet taken, and where to read on.
struct GroupRead {
    name: LogGroupName,
    queue: VecDeque<LogEvent>,
    next: Option<Cursor>,
    done: bool,
}

/// A window read from every group at once, handed out in time order (each group is read
/// oldest first a page at a time; the oldest event at hand across the groups goes next).
struct Merged<'a> {
    source: &'a dyn LogSource,
    window: TimeWindow,
    pattern: Option<&'a FilterPattern>,
    groups: Vec<GroupRead>,
}

impl<'a> Merged<'a> {
    fn new(
        source: &'a dyn LogSource,
        groups: &[LogGroupName],
        window: TimeWindow,
        pattern: Option<&'a FilterPattern>,
    ) -> Self {
        Self {
            source,
            window,
            pattern,
            groups: groups
                .iter()
                .map(|name| GroupRead {
                    name: name.clone(),
                    queue: VecDeque::new(),
                    next: None,
                    done: false,
                })
                .collect(),
        }
    }

    /// The next event in time order, or `None` once every group is read to the window's end.
    async fn next(&mut self) -> Result<Option<LogEvent>, DomainError> {
        // Every group still reading needs an event at hand before the oldest can be chosen;
        // the groups that need a page ask for it side by side (a page may come back empty
        // with a cursor, and then the group asks again).
        let (source, window, pattern) = (self.source, self.window, self.pattern);
        loop {
            let wanting: Vec<&mut GroupRead> = self
                .groups
                .iter_mut()
                .filter(|g| g.queue.is_empty() && !g.done)
                .collect();
            if wanting.is_empty() {
                break;
            }
            futures::future::try_join_all(wanting.into_iter().map(|g| async move {
                let page = PageRequest {
                    cursor: g.next.take(),
                    limit: Some(QUERY_PAGE),
                };
                let page = source.filter_events(&g.name, window, pattern, page).await?;
                g.queue.extend(page.items);
                g.done = page.next.is_none();
                g.next = page.next;
                Ok::<_, DomainError>(())
            }))
            .await?;
        }
        Ok(self
            .groups
            .iter_mut()
            .filter(|g| !g.queue.is_empty())
            .min_by_key(|g| g.queue.front().map(|e| e.timestamp))
            .and_then(|g| g.queue.pop_front()))
    }
}

/// Reads a window from every group, merged in time order, until `limit` events.
async fn query(
    source: &dyn LogSource,
    spec: FeedSpec,
    limit: usize,
    out: &mut Out<'_>,
) -> Result<FeedEnd, DomainError> {
    let window = match spec.window {
        Window::Last { seconds } => TimeWindow::last(chrono::Duration::seconds(seconds)),
        Window::Range(w) => w,
        Window::Live => TimeWindow::last(chrono::Duration::minutes(5)),
    };
    let mut merged = Merged::new(source, &spec.groups, window, spec.pattern.as_ref());
    let mut sent = 0usize;
    let mut batch: Vec<LogEvent> = Vec::new();
    loop {
        let next = tokio::select! {
            biased;
            _ = out.stop.stopped() => return Ok(FeedEnd::Stopped),
            next = merged.next() => next?,
        };
        let Some(event) = next else {
            out.send(vec![TailItem::Events(batch)]).await;
            return Ok(FeedEnd::Finished);
        };
        batch.push(event);
        sent += 1;
        if sent >= limit {
            out.send(vec![TailItem::Events(batch)]).await;
            return Ok(FeedEnd::Truncated);
        }
        if batch.len() >= BATCH_EVENTS
            && !out
                .send(vec![TailItem::Events(std::mem::take(&mut batch))])
                .await
        {
            return Ok(FeedEnd::Stopped);
        }
    }
}

#[cfg(test)]
mod tests;
