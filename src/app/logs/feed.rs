//! Feeds: what the Logs pane asks the runtime to follow (a live tail or a window query), the
//! events that come back, and how a feed's items become lines. A feed's task runs until it
//! ends or the pane drops the feed's [`FeedHandle`].

use super::buffer::{LineKind, LogBuffer};
use crate::app::{Failure, RequestId};
use backoffice_domain::model::{FilterPattern, LogGroupName, TailItem, TimeWindow};
use chrono::{DateTime, Utc};
use std::path::PathBuf;

/// Held by the pane while a feed runs; dropping it stops the feed's task.
#[derive(Debug)]
pub struct FeedHandle {
    _sender: tokio::sync::watch::Sender<()>,
}

/// Given to a feed's task: [`FeedStop::stopped`] finishes once the pane lets go of the handle.
#[derive(Debug, Clone)]
pub struct FeedStop(tokio::sync::watch::Receiver<()>);

impl PartialEq for FeedStop {
    fn eq(&self, other: &Self) -> bool {
        self.0.same_channel(&other.0)
    }
}

impl Eq for FeedStop {}

impl FeedStop {
    /// Waits until the feed's handle is dropped.
    pub async fn stopped(&mut self) {
        // Nothing is ever sent: `changed` fails exactly when the sender is gone.
        while self.0.changed().await.is_ok() {}
    }

    pub fn is_stopped(&self) -> bool {
        self.0.has_changed().is_err()
    }
}

/// A connected handle and stop signal.
pub fn feed_channel() -> (FeedHandle, FeedStop) {
    let (tx, rx) = tokio::sync::watch::channel(());
    (FeedHandle { _sender: tx }, FeedStop(rx))
}

/// Which events a feed reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Window {
    /// New events from now on, until stopped.
    Live,
    /// The last so many seconds up to when the query starts.
    Last {
        seconds: i64,
    },
    Range(TimeWindow),
}

impl Window {
    pub fn label(&self) -> String {
        match self {
            Window::Live => "live".into(),
            Window::Last { seconds } => format!("last {}", duration_label(*seconds)),
            Window::Range(w) => format!(
                "{} .. {} UTC",
                w.start.format("%Y-%m-%d %H:%M:%S"),
                w.end.format("%Y-%m-%d %H:%M:%S")
            ),
        }
    }

    /// [`Window::label`] in few columns, for a narrow title: a range within a day as
    /// `12-06 01:00..02:00 UTC` (the whole one left the window out at 80 columns).
    pub fn short_label(&self) -> String {
        match self {
            Window::Range(w) => crate::text::short_window(w),
            other => other.label(),
        }
    }

    /// The form the query prompt reads back.
    pub(super) fn prompt_text(&self) -> String {
        match self {
            Window::Live => "live".into(),
            Window::Last { seconds } => duration_label(*seconds),
            Window::Range(w) => format!(
                "{}..{}",
                w.start.format("%Y-%m-%dT%H:%M:%S"),
                w.end.format("%Y-%m-%dT%H:%M:%S")
            ),
        }
    }
}

fn duration_label(seconds: i64) -> String {
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60)] {
        if seconds >= size && seconds % size == 0 {
            return format!("{}{unit}", seconds / size);
        }
    }
    format!("{seconds}s")
}

/// What a feed follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedSpec {
    pub groups: Vec<LogGroupName>,
    pub window: Window,
    pub pattern: Option<FilterPattern>,
}

/// Work the Logs pane asks of the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogsCommand {
    /// The environment's groups, then the account's Lambda groups, then the rest.
    LoadGroups { request: RequestId },
    /// A live tail or a window query; runs until it ends or `stop` fires, sending batches.
    Feed {
        request: RequestId,
        spec: FeedSpec,
        /// A query stops after this many events (the buffer's cap).
        limit: usize,
        stop: FeedStop,
    },
    /// Reads `stream` back from `at` for the request it was running (`r` on a line without
    /// a request id).
    FindRunning {
        request: RequestId,
        group: LogGroupName,
        stream: String,
        at: DateTime<Utc>,
    },
    /// Writes `text` (the saved lines) to `path`.
    Save {
        request: RequestId,
        path: PathBuf,
        text: String,
        lines: usize,
    },
}

/// A live tail first shows the newest lines written before it started, at most this many...
pub const BACKLOG_LINES: usize = 100;
/// ...from at most this many minutes before.
pub const BACKLOG_MINUTES: i64 = 10;

/// What a live tail found written before it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Earlier {
    /// The newest lines before the tail, this many of them, came first.
    Read(usize),
    /// The seconds just before the tail held more lines than it reads back.
    TooMany,
    /// They could not be read (the feed said why as a problem); the tail runs without them.
    Unread,
}

/// How a feed ended without failing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedEnd {
    /// A query read its whole window (or a tail's source closed).
    Finished,
    /// A query stopped at its limit.
    Truncated,
    /// The pane let go of it.
    Stopped,
}

/// What comes back for the Logs pane.
#[derive(Debug, Clone)]
pub enum LogsEvent {
    GroupsLoaded {
        request: RequestId,
        result: Result<Vec<LogGroupName>, Failure>,
    },
    /// A live tail is connected (its first lines may be a while coming). The lines stamped
    /// before `since` that it shows first came just before this, as a batch; the pane's
    /// `live from here` note is stamped `since`.
    Started {
        request: RequestId,
        since: DateTime<Utc>,
        earlier: Earlier,
    },
    /// Items from a running feed, oldest first.
    Batch {
        request: RequestId,
        items: Vec<TailItem>,
    },
    /// A feed hit an error it carries on after.
    Problem {
        request: RequestId,
        failure: Failure,
    },
    Ended {
        request: RequestId,
        result: Result<FeedEnd, Failure>,
    },
    Saved {
        request: RequestId,
        result: Result<String, Failure>,
    },
    /// What a line's stream says about the request it was running.
    RunningFound {
        request: RequestId,
        result: Result<backoffice_domain::services::running::Running, Failure>,
    },
}

/// Where a feed stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedState {
    /// Asked for; nothing heard yet.
    Starting,
    Running,
    Done(FeedEnd),
    Failed(crate::app::Failure),
}

#[derive(Debug)]
pub struct Feed {
    pub request: RequestId,
    pub spec: FeedSpec,
    pub state: FeedState,
    /// The service is sending a sample of the events.
    pub sampled: bool,
    pub received: u64,
    /// What a live tail found before it started, once it has.
    pub earlier: Option<Earlier>,
    /// Groups whose reading failed and has not come back yet (each gap opens one, each
    /// reconnection closes one): the badge says the tail is retrying rather than live.
    pub unreachable: usize,
    pub(super) handle: Option<FeedHandle>,
}

impl Feed {
    /// A feed of `spec` asked for now, and the command that runs it (at most `limit` events).
    pub(super) fn start(
        spec: FeedSpec,
        limit: usize,
        ids: &mut crate::app::Ids,
    ) -> (Self, crate::app::Command) {
        let request = ids.issue();
        let (handle, stop) = feed_channel();
        let command = crate::app::Command::Logs(LogsCommand::Feed {
            request,
            spec: spec.clone(),
            limit,
            stop,
        });
        let feed = Self {
            request,
            spec,
            state: FeedState::Starting,
            sampled: false,
            received: 0,
            earlier: None,
            unreachable: 0,
            handle: Some(handle),
        };
        (feed, command)
    }

    pub fn is_running(&self) -> bool {
        matches!(self.state, FeedState::Starting | FeedState::Running)
    }

    pub(super) fn stop(&mut self) {
        self.handle = None;
        if self.is_running() {
            self.state = FeedState::Done(FeedEnd::Stopped);
        }
    }
}

pub(super) fn items_have_events(items: &[TailItem]) -> bool {
    items
        .iter()
        .any(|i| matches!(i, TailItem::Events(e) if !e.is_empty()))
}

/// Appends a feed's items: events as lines, markers as marker lines. Returns the groups that
/// were deleted while tailed.
pub(super) fn ingest_into(
    buffer: &mut LogBuffer,
    feed: &mut Feed,
    items: Vec<TailItem>,
) -> Vec<String> {
    let mut gone = Vec::new();
    let mut sampled_next = false;
    let mut last_ts = buffer
        .end_seq()
        .checked_sub(1)
        .and_then(|s| buffer.get(s))
        .map_or(0, |l| l.ts_ms);
    for item in items {
        match item {
            TailItem::Events(events) => {
                if !sampled_next {
                    feed.sampled = false;
                }
                sampled_next = false;
                feed.received += events.len() as u64;
                for e in &events {
                    buffer.push_event(e);
                }
                if let Some(e) = events.last() {
                    last_ts = e.timestamp.timestamp_millis();
                }
            }
            TailItem::Sampled => {
                sampled_next = true;
                if !feed.sampled {
                    buffer.push_marker(
                        LineKind::Sampled,
                        last_ts,
                        "the service is sampling: only some of the matching events are shown",
                    );
                }
                feed.sampled = true;
            }
            TailItem::Gap { from, to, reason } => {
                buffer.push_marker(
                    LineKind::Gap,
                    from.timestamp_millis(),
                    &format!(
                        "events from {} to {} may be missing: {reason}",
                        from.format("%H:%M:%S"),
                        to.format("%H:%M:%S")
                    ),
                );
                last_ts = to.timestamp_millis();
                feed.unreachable += 1;
            }
            // Stamped when it came (the last line's time made a reconnection minutes later read
            // as one a second after the gap).
            TailItem::Reconnected { at, group } => {
                let at = at.timestamp_millis().max(last_ts);
                // Which group came back, where one did (the gap lines named theirs).
                let said = match group {
                    Some(group) => format!("reconnected: {group}"),
                    None => "reconnected".to_string(),
                };
                buffer.push_marker(LineKind::Reconnected, at, &said);
                last_ts = at;
                feed.unreachable = feed.unreachable.saturating_sub(1);
            }
            // Not there when the read began: left out, said, and the title drops it.
            TailItem::GroupMissing { group } => {
                feed.spec.groups.retain(|g| g.as_str() != group);
                let left = match feed.spec.groups.as_slice() {
                    [one] => format!("read from {one} alone"),
                    many => format!(
                        "read from the other {}",
                        crate::text::plural(many.len(), "group")
                    ),
                };
                // Stamped when it was said, before any line came: at the start of the read it
                // was stamped 1970 and took the buffer across two days.
                let at = if last_ts > 0 {
                    last_ts
                } else {
                    chrono::Utc::now().timestamp_millis()
                };
                buffer.push_marker(
                    LineKind::Gone,
                    at,
                    &format!(
                        "log group {group} does not exist (mistyped in the settings, or deleted \
                         since it was picked): left out, and the lines are {left}"
                    ),
                );
                // The picker no longer offers it, as for a group gone while tailed.
                gone.push(group);
            }
            // Deleted while tailed: the tail goes on with the others, and the title counts
            // what it still reads.
            TailItem::GroupGone {
                group,
                at,
                retrying,
            } => {
                let at = at.timestamp_millis().max(last_ts);
                // The last group's going ends the tail; its error follows.
                if feed.spec.groups.len() > 1 {
                    feed.spec.groups.retain(|g| g.as_str() != group);
                }
                let left = match feed.spec.groups.as_slice() {
                    [last] if last.as_str() == group => "no group is left to tail".to_string(),
                    [one] => format!("the tail goes on with {one}"),
                    many => format!(
                        "the tail goes on with the other {}",
                        crate::text::plural(many.len(), "group")
                    ),
                };
                buffer.push_marker(
                    LineKind::Gone,
                    at,
                    &format!(
                        "log group {group} no longer exists: its lines end here (those it took \
                         after the tail last read it, seconds before, may be missing); {left}"
                    ),
                );
                last_ts = at;
                if retrying {
                    feed.unreachable = feed.unreachable.saturating_sub(1);
                }
                gone.push(group);
            }
        }
    }
    gone
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropping_the_handle_stops_the_feed() {
        let (handle, stop) = feed_channel();
        assert!(!stop.is_stopped());
        drop(handle);
        assert!(stop.is_stopped());
    }
}
