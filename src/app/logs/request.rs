//! One request's lines across the feed's groups: copied from the buffer at once, then queried
//! from the groups around the line's time.

use super::buffer::{LineRef, LogBuffer, RequestKey};
use super::{Feed, FeedSpec, LogsPane, Prompt, Scroll, Window, short_id};
use crate::app::list::{moved, movement};
use crate::app::{Command, Failure, Handled, Ids, Outcome, RequestId};
use crate::keymap::Action;
use backoffice_domain::model::{FilterPattern, LogEvent, LogGroupName, TailItem, TimeWindow};
use backoffice_domain::services::log_analysis;
use backoffice_domain::services::running::Running;
use chrono::DateTime;

/// Lines a request view keeps.
pub(super) const REQUEST_LINES: usize = 10_000;
/// How far either side of a line `r` looks for the rest of its request: Lambda runs at most
/// 15 minutes.
const REQUEST_REACH: chrono::Duration = chrono::Duration::minutes(15);

/// One request's lines across the feed's groups.
#[derive(Debug)]
pub struct RequestView {
    pub id: String,
    pub key: RequestKey,
    pub buffer: LogBuffer,
    pub feed: Feed,
    pub scroll: Scroll,
    /// The lines are still the ones copied from the main buffer.
    pub from_buffer: bool,
    /// The view was opened from a line's detail: `esc` goes back to that detail.
    pub from_detail: bool,
    /// The view was opened from another pane (an Insights row, a Metrics chart): `esc` goes
    /// back there (it left the operator in this pane's old tail), while that jump is still the
    /// last one to go back from.
    pub from_pane: Option<crate::app::PaneId>,
    /// Once the query by id has ended, the request's stream is read over its span: the lines
    /// copied into the view did not hold its lines without the id (a search's pattern left
    /// them out, or it was opened from another pane or from one line).
    pub read_stream: bool,
    /// The group and stream read over the request's span, once the query by id has ended:
    /// its lines without the id (a panic) are not found by id.
    pub stream_pass: Option<(String, String)>,
    /// The line `r` was pressed on (its time and text): selected again as the view's lines
    /// come in, until the selection moves.
    pub(super) focus: Option<(i64, String)>,
}

/// Selects the line the view was opened on, where its lines hold it.
pub(super) fn refocus(r: &mut RequestView) {
    let Some((ts, text)) = &r.focus else {
        return;
    };
    if let Some(l) = r
        .buffer
        .iter_from(r.buffer.first_seq())
        .find(|l| l.ts_ms == *ts && l.text == text.as_str())
    {
        r.scroll.selected = l.seq;
    }
}

/// How a view finds `line` among its lines again: its time and the text a buffer keeps of it
/// (without its final line break: a focus with it selected no line).
fn focus_of(line: &LogEvent) -> (i64, String) {
    (
        line.timestamp.timestamp_millis(),
        super::buffer::stored_text(&line.message).to_string(),
    )
}

/// `r` on a line without a request id: its stream is being read back for the request it was
/// running.
#[derive(Debug)]
pub(crate) struct Finding {
    pub request: RequestId,
    /// The line, copied: it opens the request's view, which a query by id would not find.
    pub line: LogEvent,
    pub groups: Vec<LogGroupName>,
    /// Asked from another pane: the view opens over it, and `esc` goes back there.
    pub from_pane: bool,
}

/// What a failed read of a line's stream is called on the status bar.
const FINDING: &str = "finding the line's request";

/// The most lines the read of a request's stream takes.
const STREAM_PASS_LINES: usize = 5_000;

/// After the query by id: reads the request's stream from its first line to its last, for the
/// lines that carry no id (a request opened from Insights left out its panic).
pub(super) fn read_stream(r: &mut RequestView, ids: &mut Ids) -> Outcome {
    let mut lines = r.buffer.iter_from(r.buffer.first_seq());
    let Some(first) = lines.find(|l| !l.kind.is_marker()) else {
        return Outcome::None;
    };
    let (group, stream) = (first.group.to_string(), first.stream.to_string());
    let start = first.ts_ms;
    let end = r
        .buffer
        .iter_from(r.buffer.first_seq())
        .filter(|l| l.group == group && l.stream == stream)
        .map(|l| l.ts_ms)
        .max()
        .unwrap_or(start);
    let (Some(from), Some(to)) = (
        DateTime::from_timestamp_millis(start),
        DateTime::from_timestamp_millis(end + 1),
    ) else {
        return Outcome::None;
    };
    let (Ok(group_name), Ok(window)) = (LogGroupName::parse(&group), TimeWindow::new(from, to))
    else {
        return Outcome::None;
    };
    let spec = FeedSpec {
        groups: vec![group_name],
        window: Window::Range(window),
        pattern: None,
    };
    let (feed, command) = Feed::start(spec, STREAM_PASS_LINES, ids);
    r.feed = feed;
    r.stream_pass = Some((group, stream));
    Outcome::Commands(vec![command])
}

/// The events of `items` from `stream` of `group` that carry no request id.
pub(super) fn unnamed_of(items: Vec<TailItem>, group: &str, stream: &str) -> Vec<LogEvent> {
    items
        .into_iter()
        .flat_map(|item| match item {
            TailItem::Events(events) => events,
            _ => Vec::new(),
        })
        .filter(|e| {
            e.group == group
                && e.stream == stream
                && log_analysis::classify(&e.message).request_id.is_none()
        })
        .collect()
}

/// `unnamed` put among the view's lines in time order.
pub(super) fn merge_into(r: &mut RequestView, unnamed: Vec<LogEvent>) {
    if unnamed.is_empty() {
        return;
    }
    let mut events: Vec<LogEvent> = r
        .buffer
        .iter_from(r.buffer.first_seq())
        .filter(|l| !l.kind.is_marker())
        .map(|l| to_event(&l))
        .collect();
    // A line the view holds already (the one it was opened on) is not put in twice; the
    // buffer keeps a message without its final line break, and so is it compared.
    let held: std::collections::HashSet<(DateTime<chrono::Utc>, String)> = events
        .iter()
        .map(|e| (e.timestamp, e.message.clone()))
        .collect();
    events.extend(unnamed.into_iter().filter(|e| {
        !held.contains(&(
            e.timestamp,
            super::buffer::stored_text(&e.message).to_string(),
        ))
    }));
    // Stable: at the same millisecond a line found by id stays first.
    events.sort_by_key(|e| e.timestamp);
    r.buffer.clear();
    for e in &events {
        r.buffer.push_event(e);
    }
    r.scroll.selected = r.buffer.first_seq();
    refocus(r);
}

/// The first answer of the query by id, with the copied lines that carry no id of their own
/// (a panic, a traceback, a continuation line) kept: they were read from the request's stream
/// while it ran, and a query by id cannot find them. All in time order.
pub(super) fn with_unnamed_lines(copied: &LogBuffer, items: Vec<TailItem>) -> Vec<TailItem> {
    let mut events: Vec<LogEvent> = copied
        .iter_from(copied.first_seq())
        .filter(|l| log_analysis::classify(l.text).request_id.is_none())
        .map(|l| to_event(&l))
        .collect();
    if events.is_empty() {
        return items;
    }
    let mut others = Vec::new();
    let mut found = Vec::new();
    for item in items {
        match item {
            TailItem::Events(events) => found.extend(events),
            other => others.push(other),
        }
    }
    // A kept line the query found as well (a plain line that mentions the id: the query
    // matches its text, `classify` finds no id field in it) is shown once.
    let key = |e: &LogEvent| {
        (
            e.group.clone(),
            e.stream.clone(),
            e.timestamp,
            super::buffer::stored_text(&e.message).to_string(),
        )
    };
    let by_query: std::collections::HashSet<_> = found.iter().map(key).collect();
    events.retain(|e| !by_query.contains(&key(e)));
    events.extend(found);
    // Stable: at the same millisecond, a kept line stays before what the query found.
    events.sort_by_key(|e| e.timestamp);
    let mut out = vec![TailItem::Events(events)];
    out.extend(others);
    out
}

/// A line copied out of a buffer as an event.
pub(super) fn to_event(l: &LineRef<'_>) -> LogEvent {
    LogEvent {
        group: l.group.to_string(),
        stream: l.stream.to_string(),
        timestamp: DateTime::from_timestamp_millis(l.ts_ms).unwrap_or_default(),
        ingested_at: None,
        message: l.text.to_string(),
        event_id: l.seq.to_string(),
    }
}

impl LogsPane {
    pub(super) fn on_request_action(&mut self, action: Action) -> Outcome {
        let Some(r) = &mut self.request else {
            return Outcome::None;
        };
        let len = r.buffer.len();
        let delta = match action {
            Action::Enter => {
                self.detail = !self.detail;
                return Outcome::None;
            }
            // An open line's detail pages as in the viewer (these keys moved to another line).
            Action::DetailDown
            | Action::DetailUp
            | Action::HalfPageDown
            | Action::HalfPageUp
            | Action::PageDown
            | Action::PageUp
                if self.detail =>
            {
                let line = r.scroll.selected;
                self.scroll_detail(line, action);
                return Outcome::None;
            }
            Action::DetailDown | Action::DetailUp => {
                return Outcome::Message(super::NO_DETAIL.into());
            }
            Action::Back => {
                if self.detail {
                    self.detail = false;
                } else if self.anchor.is_some() {
                    self.anchor = None;
                } else {
                    // Dropping the view drops its query's handle, which stops the query; the
                    // line's detail it was opened from comes back.
                    let closed = self.request.take();
                    self.detail = closed.as_ref().is_some_and(|r| r.from_detail);
                    // Opened from another pane with no tail behind it: the pane is its group
                    // picker again (`:logs` then opened on an empty viewer, two `esc`s from it).
                    if self.feed.is_none() {
                        self.screen = super::Screen::Picker;
                    }
                    if let Some(to) = closed.and_then(|r| r.from_pane) {
                        return Outcome::HopBack { to };
                    }
                }
                return Outcome::None;
            }
            Action::Wrap => {
                self.wrap = !self.wrap;
                return Outcome::None;
            }
            Action::Timestamps => {
                self.timestamps = !self.timestamps;
                return Outcome::None;
            }
            Action::SelectRange => {
                self.anchor = match self.anchor {
                    Some(_) => None,
                    None => Some(r.scroll.selected),
                };
                return Outcome::None;
            }
            Action::SaveLogs => {
                let path = format!("backoffice-request-{}.log", short_id(&r.id));
                self.prompt = Some(Prompt::save(&path));
                return Outcome::None;
            }
            other => match movement(other, r.scroll.viewport) {
                Some(d) => d,
                None => return Outcome::None,
            },
        };
        r.scroll.follow = false;
        r.focus = None;
        if len > 0 {
            let first = r.buffer.first_seq();
            let here = r.scroll.selected.saturating_sub(first) as usize;
            r.scroll.selected = first + moved(here, delta, len) as u64;
        }
        Outcome::None
    }

    /// Shows every line of a request: from the buffer at once, then from the feed's groups.
    pub(super) fn open_request(&mut self, line: Option<u64>, ids: &mut Ids) -> Outcome {
        let seq = line.unwrap_or(self.scroll.selected);
        let Some(l) = self.buffer.get(seq) else {
            return Outcome::Message("no line selected".into());
        };
        if l.kind.is_marker() {
            return Outcome::Message(
                "this is the console's note, not a log line: it belongs to no request".into(),
            );
        }
        // A line without an id (a panic, a print) belongs to the request its stream was
        // running: that request's id, from another of its lines.
        // Not among the lines read (a search's pattern left them out, or they came before
        // the tail): the stream is read back from the line for the request it started last.
        let Some((id, _)) = self.buffer.request_id_of(&l) else {
            let line = to_event(&l);
            let groups = self.request_groups();
            return self.find_running(line, groups, false, ids);
        };
        let at = DateTime::from_timestamp_millis(l.ts_ms).unwrap_or_default();
        let key = RequestKey::of(&id);
        let mut buffer = LogBuffer::new(REQUEST_LINES);
        for s in self.buffer.lines_of(key) {
            if let Some(l) = self.buffer.get(s) {
                buffer.push_event(&to_event(&l));
            }
        }
        let groups = self.request_groups();
        let focus = Some((l.ts_ms, l.text.to_string()));
        // A feed with a pattern left out the request's lines that do not match it, and the
        // query by id cannot find those without the id: its stream is read over its span.
        let partial = self.feed.as_ref().is_some_and(|f| f.spec.pattern.is_some());
        let outcome = self.view_request(id, buffer, groups, at, focus, ids);
        if let Some(r) = &mut self.request {
            r.read_stream = partial;
        }
        outcome
    }

    /// Reads `line`'s stream back for the request it was running (the line carries no id);
    /// `from_pane`: asked from another pane (an Insights row), which the view then opens over.
    pub fn find_running(
        &mut self,
        line: LogEvent,
        groups: Vec<LogGroupName>,
        from_pane: bool,
        ids: &mut Ids,
    ) -> Outcome {
        let Ok(group) = LogGroupName::parse(&line.group) else {
            return Outcome::Message(
                "this line carries no request id, and names no log group to read its stream from"
                    .into(),
            );
        };
        let request = ids.issue();
        let command = Command::Logs(super::LogsCommand::FindRunning {
            request,
            group,
            stream: line.stream.clone(),
            at: line.timestamp,
        });
        self.finding = Some(Finding {
            request,
            line,
            groups,
            from_pane,
        });
        Outcome::Commands(vec![command])
    }

    /// The groups a request's lines are looked for in: the feed's, else the buffer's.
    fn request_groups(&self) -> Vec<LogGroupName> {
        let groups: Vec<LogGroupName> = self
            .feed
            .as_ref()
            .map(|f| f.spec.groups.clone())
            .unwrap_or_default();
        if !groups.is_empty() {
            return groups;
        }
        self.buffer
            .groups()
            .iter()
            .filter_map(|g| LogGroupName::parse(g).ok())
            .collect()
    }

    /// The stream's answer for a line without a request id: the request's view opens on the
    /// request it was running, with the line among its lines; else why it belongs to none.
    pub(super) fn on_running_found(
        &mut self,
        request: RequestId,
        result: Result<Running, Failure>,
        ids: &mut Ids,
    ) -> Handled {
        let Some(finding) = self.finding.take_if(|f| f.request == request) else {
            return (Outcome::None, None);
        };
        let line = &finding.line;
        let running = match result {
            Ok(r) => r,
            Err(f) => return (Outcome::None, Some((FINDING.into(), f))),
        };
        let message = match running {
            Running::Request { id, started } if finding.from_pane => {
                return (
                    Outcome::GoToRequest {
                        id,
                        groups: finding.groups,
                        at: started,
                        line: Some(finding.line),
                    },
                    None,
                );
            }
            Running::Request { id, started } => {
                let mut buffer = LogBuffer::new(REQUEST_LINES);
                buffer.push_event(line);
                let focus = Some(focus_of(line));
                let outcome = self.view_request(id, buffer, finding.groups, started, focus, ids);
                // Only the line was copied: the stream's other lines without the id are read.
                if let Some(r) = &mut self.request {
                    r.read_stream = true;
                }
                return (outcome, None);
            }
            Running::Between { last } => format!(
                "this line carries no request id, and its stream's last request ({}) had ended before it: the line is not a request's",
                short_id(&last)
            ),
            Running::Nothing => format!(
                "this line carries no request id, and its stream {} started no request in the 15 minutes before it",
                crate::text::one_line(&line.stream)
            ),
            Running::TooBusy => format!(
                "this line carries no request id, and its stream {} wrote too many lines before it to read back (an Insights query by its time finds them)",
                crate::text::one_line(&line.stream)
            ),
        };
        (
            Outcome::Settled {
                message,
                what: FINDING,
            },
            None,
        )
    }

    /// Shows every line of request `id` of `groups` around `at` (an Insights row's request):
    /// what the query by id finds, with `line` (one without the id, whose stream named the
    /// request) among them and selected.
    pub fn show_request(
        &mut self,
        id: String,
        groups: Vec<LogGroupName>,
        at: chrono::DateTime<chrono::Utc>,
        line: Option<LogEvent>,
        from: Option<crate::app::PaneId>,
        ids: &mut Ids,
    ) -> Outcome {
        self.screen = super::Screen::Viewer;
        let mut buffer = LogBuffer::new(REQUEST_LINES);
        let focus = line.map(|l| {
            buffer.push_event(&l);
            focus_of(&l)
        });
        let outcome = self.view_request(id, buffer, groups, at, focus, ids);
        if let Some(r) = &mut self.request {
            r.from_pane = from;
            r.read_stream = true;
        }
        outcome
    }

    /// Opens the request view on `buffer` (what is already known) and queries the rest.
    fn view_request(
        &mut self,
        id: String,
        buffer: LogBuffer,
        groups: Vec<LogGroupName>,
        at: chrono::DateTime<chrono::Utc>,
        focus: Option<(i64, String)>,
        ids: &mut Ids,
    ) -> Outcome {
        let key = RequestKey::of(&id);
        let pattern = FilterPattern::parse(format!("\"{id}\"")).ok();
        let spec = FeedSpec {
            groups,
            window: Window::Range(TimeWindow {
                start: at - REQUEST_REACH,
                end: at + REQUEST_REACH,
            }),
            pattern,
        };
        let selected = buffer.first_seq();
        let from_detail = std::mem::take(&mut self.detail);
        self.anchor = None;
        let (feed, command) = Feed::start(spec, REQUEST_LINES, ids);
        self.request = Some(RequestView {
            id,
            key,
            buffer,
            feed,
            scroll: Scroll {
                selected,
                offset: selected,
                viewport: 10,
                follow: false,
            },
            from_buffer: true,
            from_detail,
            from_pane: None,
            read_stream: false,
            stream_pass: None,
            focus,
        });
        if let Some(r) = &mut self.request {
            refocus(r);
        }
        Outcome::Commands(vec![command])
    }
}
