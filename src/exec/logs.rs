//! The Logs pane's background work. A feed (live tail or window query) is one task: it reads
//! the log source, gathers what arrives into batches (at most [`BATCH_EVENTS`] events or
//! [`BATCH_WINDOW`] of waiting), and sends each batch as an event over the loop's bounded
//! channel, so a slow screen slows the feed rather than piling events up. It ends when its
//! source ends, when it fails, or when the pane drops the feed's handle.

use super::Backends;
use crate::app::logs::{FeedEnd, FeedSpec, FeedStop, LogsCommand, LogsEvent, Window};
use crate::app::{AppEvent, Failure, RequestId};
use backoffice_domain::DomainError;
use backoffice_domain::model::{
    Cursor, LogEvent, LogGroupName, PageRequest, TailItem, TailRequest, TimeWindow,
};
use backoffice_domain::ports::LogSource;
use futures::StreamExt;
use std::collections::VecDeque;
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
            };
            let result = match source(b) {
                Err(e) => Err(e),
                Ok(source) => match spec.window {
                    Window::Live => tail(source, spec, &mut out).await,
                    _ => query(source, spec, limit, &mut out).await,
                },
            };
            LogsEvent::Ended {
                request,
                result: result.map_err(Failure::from),
            }
        }
        LogsCommand::Save {
            request,
            path,
            text,
            lines,
        } => LogsEvent::Saved {
            request,
            result: tokio::fs::write(&path, text)
                .await
                .map(|()| format!("saved {lines} lines to {}", path.display()))
                .map_err(|e| Failure {
                    message: format!("could not write {}: {e}", path.display()),
                    chain: format!("{e:?}"),
                }),
        },
    }
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
}

impl Out<'_> {
    /// Sends a batch; `false` once nobody wants it (the pane let go, or the loop ended).
    async fn send(&mut self, items: Vec<TailItem>) -> bool {
        if event_count(&items) == 0 {
            return true;
        }
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

/// Follows the groups from now until stopped.
async fn tail(
    source: &dyn LogSource,
    spec: FeedSpec,
    out: &mut Out<'_>,
) -> Result<FeedEnd, DomainError> {
    let request = TailRequest::new(spec.groups, chrono::Utc::now(), spec.pattern)?;
    let mut stream = tokio::select! {
        biased;
        _ = out.stop.stopped() => return Ok(FeedEnd::Stopped),
        s = source.tail(request) => s?,
    };
    let started = LogsEvent::Started {
        request: out.request,
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
                Some(Ok(item)) => {
                    failures = 0;
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

/// One group's side of a query: events read but not yet sent, and where to read on.
struct GroupQuery {
    name: LogGroupName,
    queue: VecDeque<LogEvent>,
    next: Option<Cursor>,
    done: bool,
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
    let pattern = spec.pattern.as_ref();
    let mut groups: Vec<GroupQuery> = spec
        .groups
        .into_iter()
        .map(|name| GroupQuery {
            name,
            queue: VecDeque::new(),
            next: None,
            done: false,
        })
        .collect();
    let mut sent = 0usize;
    let mut batch: Vec<LogEvent> = Vec::new();
    loop {
        // Every group still reading needs an event at hand before the oldest can be chosen.
        for g in groups.iter_mut() {
            while g.queue.is_empty() && !g.done {
                let page = PageRequest {
                    cursor: g.next.take(),
                    limit: Some(QUERY_PAGE),
                };
                let page = tokio::select! {
                    biased;
                    _ = out.stop.stopped() => return Ok(FeedEnd::Stopped),
                    p = source.filter_events(&g.name, window, pattern, page) => p?,
                };
                g.queue.extend(page.items);
                g.done = page.next.is_none();
                g.next = page.next;
            }
        }
        if groups.iter().all(|g| g.queue.is_empty()) {
            out.send(vec![TailItem::Events(batch)]).await;
            return Ok(FeedEnd::Finished);
        }
        while groups.iter().all(|g| g.done || !g.queue.is_empty()) {
            let Some(oldest) = groups
                .iter_mut()
                .filter(|g| !g.queue.is_empty())
                .min_by_key(|g| g.queue.front().map(|e| e.timestamp))
            else {
                break;
            };
            let Some(event) = oldest.queue.pop_front() else {
                break;
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
}

#[cfg(test)]
mod tests;
