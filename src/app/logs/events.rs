//! What comes back to the pane: the groups, a feed's start, batches, problems and end, and a
//! save's result.

use super::buffer::LineKind;
use super::feed::{ingest_into, items_have_events};
use super::{BACKLOG_MINUTES, Earlier, Feed, FeedEnd, FeedState, LogsEvent, LogsPane, Window};
use crate::app::list::Load;
use crate::app::{Handled, Outcome};

/// What a failed save is called on the status bar.
const SAVING: &str = "saving log lines";

impl LogsPane {
    pub(super) fn on_logs_event(&mut self, event: LogsEvent, ids: &mut crate::app::Ids) -> Handled {
        match event {
            LogsEvent::GroupsLoaded { request, result } => {
                if self.picker.pending != Some(request) {
                    return (Outcome::None, None);
                }
                self.picker.pending = None;
                match result {
                    Ok(groups) => {
                        self.picker.picked.retain(|g| groups.contains(g));
                        // A group listed again was made again.
                        self.picker.gone.retain(|g| !groups.contains(g));
                        self.picker.groups = groups;
                        self.picker.selected = self
                            .picker
                            .selected
                            .min(self.picker.groups.len().saturating_sub(1));
                        self.picker.load = Load::Loaded;
                        (Outcome::None, None)
                    }
                    Err(f) => {
                        self.picker.load = Load::Failed(f.clone());
                        (Outcome::None, Some(("loading log groups".into(), f)))
                    }
                }
            }
            LogsEvent::Started {
                request,
                since,
                earlier,
            } => {
                let Some(f) = self.feed.as_mut().filter(|f| f.request == request) else {
                    return (Outcome::None, None);
                };
                if f.state == FeedState::Starting {
                    f.state = FeedState::Running;
                }
                f.earlier = Some(earlier);
                // A tail read again is connected: its lines replace the ones before.
                self.replace_lines();
                let note = match earlier {
                    Earlier::Read(0) => None,
                    Earlier::Read(n) => Some(format!(
                        "live from here; the {n} line{} above came in the {BACKLOG_MINUTES} minutes before",
                        if n == 1 { "" } else { "s" }
                    )),
                    Earlier::TooMany => Some(
                        "live from here; the seconds before held too many lines to read back (a window query reads them)"
                            .to_string(),
                    ),
                    Earlier::Unread => Some(
                        "live from here; the lines before could not be read (see the error log)"
                            .to_string(),
                    ),
                };
                if let Some(note) = note {
                    self.buffer
                        .push_marker(LineKind::Note, since.timestamp_millis(), &note);
                    self.after_ingest();
                }
                (Outcome::None, None)
            }
            LogsEvent::Batch { request, items } => {
                if self.feed.as_ref().is_some_and(|f| f.request == request) {
                    self.ingest(items);
                } else if let Some(r) = &mut self.request
                    && r.feed.request == request
                {
                    // The request's stream read over its span: its lines that carry no id (a
                    // panic) go in among those found by id.
                    if let Some((group, stream)) = &r.stream_pass {
                        let unnamed = super::request::unnamed_of(items, group, stream);
                        super::request::merge_into(r, unnamed);
                        return (Outcome::None, None);
                    }
                    let items = if r.from_buffer && items_have_events(&items) {
                        super::request::with_unnamed_lines(&r.buffer, items)
                    } else {
                        items
                    };
                    if r.from_buffer && items_have_events(&items) {
                        r.buffer.clear();
                        r.from_buffer = false;
                        r.scroll.selected = r.buffer.first_seq();
                    }
                    r.feed.state = FeedState::Running;
                    // A request view's groups are the tail's; the picker hears of a deleted
                    // one from the tail.
                    let _ = ingest_into(&mut r.buffer, &mut r.feed, items);
                    if r.scroll.selected < r.buffer.first_seq() {
                        r.scroll.selected = r.buffer.first_seq();
                    }
                    super::request::refocus(r);
                }
                (Outcome::None, None)
            }
            LogsEvent::Problem { request, failure } => {
                let ours = self.feed.as_ref().is_some_and(|f| f.request == request)
                    || self
                        .request
                        .as_ref()
                        .is_some_and(|r| r.feed.request == request);
                if ours {
                    (Outcome::None, Some(("log tail".into(), failure)))
                } else {
                    (Outcome::None, None)
                }
            }
            LogsEvent::Ended { request, result } => {
                let label = |f: &Feed| match f.spec.window {
                    Window::Live => "log tail".to_string(),
                    _ => "log query".to_string(),
                };
                if let Some(f) = self.feed.as_mut().filter(|f| f.request == request) {
                    let what = label(f);
                    f.handle = None;
                    match result {
                        Ok(end) => {
                            f.state = FeedState::Done(end);
                            // A read again that found nothing: nothing is what there is.
                            self.replace_lines();
                            if end == FeedEnd::Truncated {
                                let ts = self.last_ts();
                                self.buffer.push_marker(
                                    LineKind::Note,
                                    ts,
                                    &format!(
                                        "stopped at {} lines (logs.buffer_lines); narrow the window or the pattern",
                                        self.buffer.cap()
                                    ),
                                );
                                self.after_ingest();
                            }
                            (Outcome::None, None)
                        }
                        Err(failure) => {
                            f.state = FeedState::Failed(failure.clone());
                            if std::mem::take(&mut self.replacing) {
                                let ts = self.last_ts();
                                self.buffer.push_marker(
                                    LineKind::Note,
                                    ts,
                                    &format!(
                                        "reading again failed ({}): the lines above are the read before's",
                                        failure.message
                                    ),
                                );
                                self.after_ingest();
                            }
                            (Outcome::None, Some((what, failure)))
                        }
                    }
                } else if let Some(r) = self.request.as_mut().filter(|r| r.feed.request == request)
                {
                    r.feed.handle = None;
                    match result {
                        Ok(end) => {
                            r.feed.state = FeedState::Done(end);
                            // Its lines without the id not all copied (opened from another
                            // pane or one line, or over a pattern): its stream is read over
                            // its span for them.
                            let outcome = if r.read_stream && r.stream_pass.is_none() {
                                super::request::read_stream(r, ids)
                            } else {
                                Outcome::None
                            };
                            (outcome, None)
                        }
                        Err(failure) => {
                            r.feed.state = FeedState::Failed(failure.clone());
                            (Outcome::None, Some(("request lines".into(), failure)))
                        }
                    }
                } else {
                    (Outcome::None, None)
                }
            }
            LogsEvent::RunningFound { request, result } => {
                self.on_running_found(request, result, ids)
            }
            LogsEvent::Saved { request, result } => {
                let Some((_, path)) = self.saving.take_if(|(asked, _)| *asked == request) else {
                    return (Outcome::None, None);
                };
                match result {
                    Ok(summary) => (
                        Outcome::Settled {
                            message: if self.anchor.is_some() {
                                format!("{summary} · the selection stays (esc clears it)")
                            } else {
                                summary
                            },
                            what: SAVING,
                        },
                        None,
                    ),
                    Err(f) => {
                        // The prompt comes back with the path as typed, and the selection, to
                        // mend the path rather than start over.
                        let mut prompt = super::Prompt::save(&path);
                        prompt.problem = Some(f.message.clone());
                        self.prompt = Some(prompt);
                        // Said in the prompt: the status bar kept it until `esc`, after the
                        // path was mended and saved.
                        (Outcome::None, Some((SAVING.into(), f.said_in_place())))
                    }
                }
            }
        }
    }
}
