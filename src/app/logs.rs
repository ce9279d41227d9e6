//! The Logs pane (on-call): pick log groups, follow them live or query a window with a
//! CloudWatch filter pattern, and read what arrives: pause and scroll back while lines keep
//! coming, search, a line's JSON, invocations from REPORT lines, one request across groups.
//!
//! A feed (live tail or window query) is one background task; the pane holds its
//! [`FeedHandle`], and dropping the handle stops the task. Batches arrive as events carrying
//! the feed's request id; batches of a feed the pane no longer holds are dropped. Synchronous,
//! like every pane: no I/O here.

pub mod buffer;
mod feed;
mod query;
mod search;
pub mod timeline;

pub use feed::{
    Feed, FeedEnd, FeedHandle, FeedSpec, FeedState, FeedStop, LogsCommand, LogsEvent, Window,
    feed_channel,
};
use feed::{ingest_into, items_have_events};
pub use query::parse_query;
pub use search::Search;

use super::list::Load;
use super::{Command, Handled, Ids, Outcome, RequestId};
use crate::keymap::Action;
use backoffice_domain::model::{FilterPattern, LogEvent, LogGroupName, TailItem, TimeWindow};
use backoffice_domain::services::log_analysis;
use buffer::{LineKind, LineRef, LogBuffer, RequestKey, Strip};
use chrono::DateTime;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;

/// Lines kept when config.toml does not say (`[logs] buffer_lines`).
pub const DEFAULT_BUFFER_LINES: usize = 200_000;
/// Lines a request view keeps.
const REQUEST_LINES: usize = 10_000;
/// How far either side of a line `r` looks for the rest of its request: Lambda runs at most
/// 15 minutes.
const REQUEST_REACH: chrono::Duration = chrono::Duration::minutes(15);
/// The context lines `C` steps through.
const CONTEXT_STEPS: [usize; 3] = [0, 2, 5];

/// The group picker.
#[derive(Debug)]
pub struct Picker {
    pub groups: Vec<LogGroupName>,
    pub load: Load,
    pub selected: usize,
    pub offset: usize,
    pub viewport: usize,
    /// Picked groups, in the order picked.
    pub picked: Vec<LogGroupName>,
    pending: Option<RequestId>,
}

impl Default for Picker {
    fn default() -> Self {
        Self {
            groups: Vec::new(),
            load: Load::Idle,
            selected: 0,
            offset: 0,
            viewport: 10,
            picked: Vec::new(),
            pending: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Picker,
    Viewer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Lines,
    Invocations,
}

/// A position in a list of lines: the selected line and the first one drawn, by number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scroll {
    pub selected: u64,
    pub offset: u64,
    /// Rows in the last frame.
    pub viewport: usize,
    /// Stick to the newest line.
    pub follow: bool,
}

impl Default for Scroll {
    fn default() -> Self {
        Self {
            selected: 0,
            offset: 0,
            viewport: 10,
            follow: true,
        }
    }
}

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
}

/// Figures over the invocations in the buffer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub invocations: usize,
    pub cold_starts: usize,
    pub failed: usize,
    pub error_lines: usize,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub max_ms: Option<f64>,
}

/// Text typed into the pane's own prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// A window and a filter pattern: `5m ERROR`, `1h`, `2026-11-25T10:00..2026-11-25T11:00`.
    Query(String),
    /// Where to save.
    Save(String),
}

/// The lines a list view walks through: every kept line, or some of them.
#[derive(Debug, Clone, Copy)]
pub enum Rows<'a> {
    All { first: u64, end: u64 },
    Only(&'a [u64]),
}

impl Rows<'_> {
    pub fn len(&self) -> usize {
        match self {
            Rows::All { first, end } => (end - first) as usize,
            Rows::Only(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn at(&self, i: usize) -> Option<u64> {
        match self {
            Rows::All { first, end } => {
                let s = first + i as u64;
                (s < *end).then_some(s)
            }
            Rows::Only(v) => v.get(i).copied(),
        }
    }

    /// The row of line `seq`, or of the first line after it.
    pub fn position(&self, seq: u64) -> usize {
        match self {
            Rows::All { first, end } => (seq.clamp(*first, (*end).max(*first)) - first) as usize,
            Rows::Only(v) => v.partition_point(|s| *s < seq),
        }
    }
}

#[derive(Debug)]
pub struct LogsPane {
    pub screen: Screen,
    pub picker: Picker,
    pub buffer: LogBuffer,
    pub feed: Option<Feed>,
    pub view: View,
    pub scroll: Scroll,
    /// Paused with space (as opposed to scrolled back).
    pub paused: bool,
    /// The end of the buffer when the view stopped following.
    pub paused_at: u64,
    pub wrap: bool,
    pub timestamps: bool,
    pub strip: bool,
    pub search: Option<Search>,
    /// Context lines around matches; 0 shows every line with the matches highlighted.
    pub context: usize,
    /// One end of a range selection (the other is the selected line).
    pub anchor: Option<u64>,
    /// The selected line's JSON (or text) in full.
    pub detail: bool,
    pub request: Option<RequestView>,
    /// Invocation view: the selected REPORT (index into the buffer's reports) and scroll.
    pub invocation: usize,
    pub invocation_offset: usize,
    pub invocation_follow: bool,
    pub prompt: Option<Prompt>,
    /// The search as typed, for the bottom line.
    pub filter_text: String,
    /// Lines shown when searching with context, and the buffer generation they were built for.
    context_rows: Vec<u64>,
    context_built: Option<(u64, usize, usize)>,
    saving: Option<RequestId>,
    strip_cache: Option<((u64, usize), Strip)>,
    summary_cache: Option<(u64, Summary)>,
    /// Line numbers drawn on each screen row in the last frame (for clicks).
    pub screen_rows: Vec<Option<u64>>,
}

impl Default for LogsPane {
    fn default() -> Self {
        Self::new(DEFAULT_BUFFER_LINES)
    }
}

/// A line copied out of a buffer as an event.
fn to_event(l: &LineRef<'_>) -> LogEvent {
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
    pub fn new(buffer_lines: usize) -> Self {
        Self {
            screen: Screen::Picker,
            picker: Picker::default(),
            buffer: LogBuffer::new(buffer_lines),
            feed: None,
            view: View::Lines,
            scroll: Scroll::default(),
            paused: false,
            paused_at: 0,
            wrap: false,
            timestamps: true,
            strip: true,
            search: None,
            context: 0,
            anchor: None,
            detail: false,
            request: None,
            invocation: 0,
            invocation_offset: 0,
            invocation_follow: true,
            prompt: None,
            filter_text: String::new(),
            context_rows: Vec::new(),
            context_built: None,
            saving: None,
            strip_cache: None,
            summary_cache: None,
            screen_rows: Vec::new(),
        }
    }

    /// Sets the buffer's cap (`[logs] buffer_lines`).
    pub fn set_capacity(&mut self, lines: usize) {
        self.buffer.set_cap(lines);
    }

    pub fn pending(&self) -> usize {
        let query = |f: &Feed| f.is_running() && f.spec.window != Window::Live;
        usize::from(self.picker.pending.is_some())
            + usize::from(self.feed.as_ref().is_some_and(query))
            + usize::from(self.request.as_ref().is_some_and(|r| query(&r.feed)))
            + usize::from(self.saving.is_some())
    }

    /// Whether the pane is at its outermost level (esc has nothing of its own to close).
    pub fn at_top(&self) -> bool {
        self.screen == Screen::Picker
    }

    pub fn open(&mut self, ids: &mut Ids) -> Vec<Command> {
        if self.picker.load == Load::Idle {
            return self.load_groups(ids);
        }
        Vec::new()
    }

    fn load_groups(&mut self, ids: &mut Ids) -> Vec<Command> {
        let request = ids.issue();
        self.picker.pending = Some(request);
        self.picker.load = Load::Loading;
        vec![Command::Logs(LogsCommand::LoadGroups { request })]
    }

    /// Opens the pane's own prompt; while it is open, keys go to [`LogsPane::on_edit_key`].
    pub fn editing(&self) -> bool {
        self.prompt.is_some()
    }

    /// The groups a new feed follows: those picked, else the selected one, else the running
    /// feed's.
    fn chosen_groups(&self) -> Vec<LogGroupName> {
        if !self.picker.picked.is_empty() {
            return self.picker.picked.clone();
        }
        if self.screen == Screen::Picker
            && let Some(g) = self.picker.groups.get(self.picker.selected)
        {
            return vec![g.clone()];
        }
        self.feed
            .as_ref()
            .map(|f| f.spec.groups.clone())
            .unwrap_or_default()
    }

    /// Starts a feed on `spec`, replacing (and so stopping) the one running.
    pub fn start(&mut self, spec: FeedSpec, ids: &mut Ids) -> Outcome {
        if spec.groups.is_empty() {
            return Outcome::Message("pick a log group first (space picks, enter tails)".into());
        }
        let (handle, stop) = feed_channel();
        let request = ids.issue();
        self.buffer.clear();
        if let Some(s) = &mut self.search {
            s.restart();
        }
        self.context_built = None;
        self.scroll = Scroll::default();
        self.paused = false;
        self.anchor = None;
        self.detail = false;
        self.request = None;
        self.invocation = 0;
        self.invocation_follow = true;
        self.screen = Screen::Viewer;
        self.feed = Some(Feed {
            request,
            spec: spec.clone(),
            state: FeedState::Starting,
            sampled: false,
            received: 0,
            handle: Some(handle),
        });
        Outcome::Commands(vec![Command::Logs(LogsCommand::Feed {
            request,
            spec,
            limit: self.buffer.cap(),
            stop,
        })])
    }

    /// Runs `/` text as a search in the buffer; empty text ends the search.
    pub fn set_filter(&mut self, text: String) -> Result<Vec<Command>, String> {
        let text = text.trim().to_string();
        self.filter_text = text.clone();
        self.context_built = None;
        if text.is_empty() {
            self.search = None;
            return Ok(Vec::new());
        }
        let mut search = Search::new(text);
        search.catch_up(&self.buffer);
        let found = search.matches.len();
        self.search = Some(search);
        if found == 0 {
            return Err(format!("'{}' is not in the buffer", self.filter_text));
        }
        // Following the live end, the newest match; scrolled back, the next one from here.
        let following = self.scroll.follow;
        self.jump_match(following, true);
        Ok(Vec::new())
    }

    /// Rebuilds the matches-with-context rows when the buffer, the search or the context changed.
    pub fn refresh_rows(&mut self) {
        let (first, end) = (self.buffer.first_seq(), self.buffer.end_seq());
        if let Some(search) = &self.search
            && self.context > 0
        {
            let key = (self.buffer.generation(), self.context, search.matches.len());
            if self.context_built != Some(key) {
                self.context_rows.clear();
                let c = self.context as u64;
                for m in &search.matches {
                    let from = m.saturating_sub(c).max(first);
                    let to = (m + c + 1).min(end);
                    let start = self.context_rows.last().map_or(from, |l| from.max(l + 1));
                    self.context_rows.extend(start..to);
                }
                self.context_built = Some(key);
            }
        }
    }

    /// The lines the main view walks, as last refreshed: every line, or matches with context.
    pub fn rows_view(&self) -> Rows<'_> {
        match &self.search {
            Some(_) if self.context > 0 => Rows::Only(&self.context_rows),
            _ => Rows::All {
                first: self.buffer.first_seq(),
                end: self.buffer.end_seq(),
            },
        }
    }

    pub fn rows(&mut self) -> Rows<'_> {
        self.refresh_rows();
        self.rows_view()
    }

    /// The sparkline strip for `width` buckets, rebuilt only when the buffer changed.
    pub fn strip(&mut self, width: usize) -> &Strip {
        let key = (self.buffer.generation(), width);
        if self.strip_cache.as_ref().map(|(k, _)| *k) != Some(key) {
            self.strip_cache = Some((key, self.buffer.strip(width)));
        }
        &self
            .strip_cache
            .get_or_insert_with(|| (key, Strip::default()))
            .1
    }

    /// Figures over every invocation in the buffer (percentiles within 2.5%), rebuilt only when
    /// the buffer changed.
    pub fn summary(&mut self) -> &Summary {
        let key = self.buffer.generation();
        if self.summary_cache.as_ref().map(|(k, _)| *k) != Some(key) {
            let b = &self.buffer;
            let d = b.durations();
            let summary = Summary {
                invocations: b.reports().len(),
                cold_starts: b.cold_starts(),
                failed: b.failed(),
                error_lines: b.errors().len(),
                p50_ms: d.percentile(50.0),
                p95_ms: d.percentile(95.0),
                max_ms: d.percentile(100.0),
            };
            self.summary_cache = Some((key, summary));
        }
        &self
            .summary_cache
            .get_or_insert_with(|| (key, Summary::default()))
            .1
    }

    /// Lines that arrived since the view stopped following.
    pub fn new_lines(&self) -> u64 {
        if self.scroll.follow {
            0
        } else {
            self.buffer.end_seq().saturating_sub(self.paused_at)
        }
    }

    fn stop_following(&mut self) {
        if self.scroll.follow {
            self.scroll.follow = false;
            self.paused_at = self.buffer.end_seq();
        }
    }

    fn follow(&mut self) {
        self.scroll.follow = true;
        self.paused = false;
        self.snap_to_end();
    }

    fn snap_to_end(&mut self) {
        let rows = self.rows();
        if let Some(last) = rows.len().checked_sub(1).and_then(|i| rows.at(i)) {
            self.scroll.selected = last;
        }
    }

    fn move_by(&mut self, delta: isize) {
        self.stop_following();
        let selected = self.scroll.selected;
        let rows = self.rows();
        if rows.is_empty() {
            return;
        }
        let here = rows.position(selected);
        let to = here.saturating_add_signed(delta).min(rows.len() - 1);
        if let Some(s) = rows.at(to) {
            self.scroll.selected = s;
        }
    }

    fn jump_match(&mut self, backwards: bool, inclusive: bool) -> Option<String> {
        let search = self.search.as_ref()?;
        if search.matches.is_empty() {
            return Some(format!("'{}' is not in the buffer", search.text));
        }
        let here = self.scroll.selected;
        let m = &search.matches;
        let target = if backwards {
            let i = if inclusive {
                m.partition_point(|s| *s <= here)
            } else {
                m.partition_point(|s| *s < here)
            };
            if i == 0 { m[m.len() - 1] } else { m[i - 1] }
        } else {
            let i = if inclusive {
                m.partition_point(|s| *s < here)
            } else {
                m.partition_point(|s| *s <= here)
            };
            m.get(i).copied().unwrap_or(m[0])
        };
        self.stop_following();
        self.scroll.selected = target;
        None
    }

    /// The number of the match the selection is on (1-based), for the status row.
    pub fn match_position(&self) -> Option<(usize, usize)> {
        let s = self.search.as_ref()?;
        let i = s.matches.binary_search(&self.scroll.selected).ok()?;
        Some((i + 1, s.matches.len()))
    }

    /// The selected line of the view in front (request view or main).
    pub fn selected_line(&self) -> Option<LineRef<'_>> {
        match &self.request {
            Some(r) => r.buffer.get(r.scroll.selected),
            None => self.buffer.get(self.scroll.selected),
        }
    }

    pub fn on_action(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        match self.screen {
            Screen::Picker => self.on_picker_action(action, ids),
            Screen::Viewer => self.on_viewer_action(action, ids),
        }
    }

    fn on_picker_action(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        let p = &mut self.picker;
        let page = p.viewport.max(1) as isize;
        let delta = match action {
            Action::Down => 1,
            Action::Up => -1,
            Action::HalfPageDown => (page / 2).max(1),
            Action::HalfPageUp => -(page / 2).max(1),
            Action::PageDown => page,
            Action::PageUp => -page,
            Action::Top => isize::MIN / 2,
            Action::Bottom => isize::MAX / 2,
            Action::Mark => {
                let Some(g) = p.groups.get(p.selected).cloned() else {
                    return Outcome::None;
                };
                if let Some(i) = p.picked.iter().position(|x| *x == g) {
                    p.picked.remove(i);
                } else if p.picked.len() >= backoffice_domain::model::TailRequest::MAX_GROUPS {
                    return Outcome::Message("a tail follows at most 10 log groups".into());
                } else {
                    p.picked.push(g);
                }
                1
            }
            Action::Enter => {
                let spec = FeedSpec {
                    groups: self.chosen_groups(),
                    window: Window::Live,
                    pattern: None,
                };
                return self.start(spec, ids);
            }
            Action::LogQuery => {
                if self.chosen_groups().is_empty() {
                    return Outcome::Message("pick a log group first".into());
                }
                self.prompt = Some(Prompt::Query("15m ".into()));
                return Outcome::None;
            }
            Action::Reload => return self.load_groups(ids).into(),
            Action::Back if self.feed.is_some() => {
                self.screen = Screen::Viewer;
                return Outcome::None;
            }
            _ => return Outcome::None,
        };
        if !p.groups.is_empty() {
            let last = p.groups.len() - 1;
            p.selected = p.selected.saturating_add_signed(delta).min(last);
        }
        Outcome::None
    }

    fn on_viewer_action(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        if self.request.is_some() {
            return self.on_request_action(action);
        }
        if self.view == View::Invocations {
            return self.on_invocations_action(action, ids);
        }
        let page = self.scroll.viewport.max(1) as isize;
        match action {
            Action::Down => self.move_by(1),
            Action::Up => self.move_by(-1),
            Action::HalfPageDown => self.move_by((page / 2).max(1)),
            Action::HalfPageUp => self.move_by(-(page / 2).max(1)),
            Action::PageDown => self.move_by(page),
            Action::PageUp => self.move_by(-page),
            Action::Top => self.move_by(isize::MIN / 2),
            Action::Bottom => self.follow(),
            Action::Mark => {
                if self.scroll.follow {
                    self.stop_following();
                    self.paused = true;
                } else {
                    self.follow();
                }
            }
            Action::Enter => self.detail = !self.detail,
            Action::NextMatch | Action::PrevMatch => {
                if self.search.is_none() {
                    return Outcome::Message("search first with /".into());
                }
                if let Some(m) = self.jump_match(action == Action::PrevMatch, false) {
                    return Outcome::Message(m);
                }
            }
            Action::ContextLines => {
                let i = CONTEXT_STEPS
                    .iter()
                    .position(|c| *c == self.context)
                    .unwrap_or(0);
                self.context = CONTEXT_STEPS[(i + 1) % CONTEXT_STEPS.len()];
                if self.scroll.follow {
                    self.snap_to_end();
                } else {
                    // Stay on a line the new view shows: this one, or the next shown.
                    let selected = self.scroll.selected;
                    let rows = self.rows();
                    let at = rows.position(selected).min(rows.len().saturating_sub(1));
                    if let Some(s) = rows.at(at) {
                        self.scroll.selected = s;
                    }
                }
            }
            Action::RequestLines => return self.open_request(None, ids),
            Action::Back => {
                if self.detail {
                    self.detail = false;
                } else if self.anchor.is_some() {
                    self.anchor = None;
                } else if self.search.is_some() {
                    self.search = None;
                    self.filter_text.clear();
                } else {
                    self.leave_viewer();
                }
            }
            _ => return self.on_common_action(action, ids),
        }
        Outcome::None
    }

    /// Back to the picker; a live tail stops (a finished query's lines stay to return to).
    fn leave_viewer(&mut self) {
        if let Some(f) = &mut self.feed
            && f.spec.window == Window::Live
        {
            f.stop();
        }
        self.screen = Screen::Picker;
    }

    /// Keys the lines, invocations and request views share.
    fn on_common_action(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        match action {
            Action::NextView => {
                self.view = match self.view {
                    View::Lines => View::Invocations,
                    View::Invocations => View::Lines,
                };
                self.detail = false;
            }
            Action::Wrap => self.wrap = !self.wrap,
            Action::Timestamps => self.timestamps = !self.timestamps,
            Action::MetricsStrip => self.strip = !self.strip,
            Action::SelectRange => {
                let here = match &self.request {
                    Some(r) => r.scroll.selected,
                    None => self.scroll.selected,
                };
                self.anchor = match self.anchor {
                    Some(_) => None,
                    None => Some(here),
                };
                if self.anchor.is_some() {
                    self.stop_following();
                }
            }
            Action::SaveLogs => {
                let path = self.default_save_path();
                self.prompt = Some(Prompt::Save(path));
            }
            Action::LogQuery => {
                let current = self.feed.as_ref().map_or("15m".into(), |f| {
                    let mut t = f.spec.window.prompt_text();
                    if let Some(p) = &f.spec.pattern {
                        t.push(' ');
                        t.push_str(p.as_str());
                    }
                    t
                });
                self.prompt = Some(Prompt::Query(format!("{current} ")));
            }
            Action::Reload => {
                if let Some(spec) = self.feed.as_ref().map(|f| f.spec.clone()) {
                    return self.start(spec, ids);
                }
            }
            _ => {}
        }
        Outcome::None
    }

    fn on_invocations_action(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        let count = self.buffer.reports().len();
        let page = self.scroll.viewport.max(1) as isize;
        let delta = match action {
            Action::Down => 1,
            Action::Up => -1,
            Action::HalfPageDown => (page / 2).max(1),
            Action::HalfPageUp => -(page / 2).max(1),
            Action::PageDown => page,
            Action::PageUp => -page,
            Action::Top => isize::MIN / 2,
            Action::Bottom => {
                self.invocation_follow = true;
                self.invocation = count.saturating_sub(1);
                return Outcome::None;
            }
            Action::Enter | Action::RequestLines => {
                let seq = self.buffer.reports().get(self.invocation).map(|r| r.seq);
                return match seq {
                    Some(seq) => self.open_request(Some(seq), ids),
                    None => Outcome::Message("no invocation selected".into()),
                };
            }
            Action::Back => {
                self.view = View::Lines;
                return Outcome::None;
            }
            _ => return self.on_common_action(action, ids),
        };
        self.invocation_follow = false;
        if count > 0 {
            self.invocation = self.invocation.saturating_add_signed(delta).min(count - 1);
        }
        Outcome::None
    }

    fn on_request_action(&mut self, action: Action) -> Outcome {
        let Some(r) = &mut self.request else {
            return Outcome::None;
        };
        let len = r.buffer.len();
        let page = r.scroll.viewport.max(1) as isize;
        let delta = match action {
            Action::Down => 1,
            Action::Up => -1,
            Action::HalfPageDown => (page / 2).max(1),
            Action::HalfPageUp => -(page / 2).max(1),
            Action::PageDown => page,
            Action::PageUp => -page,
            Action::Top => isize::MIN / 2,
            Action::Bottom => isize::MAX / 2,
            Action::Enter => {
                self.detail = !self.detail;
                return Outcome::None;
            }
            Action::Back => {
                if self.detail {
                    self.detail = false;
                } else if self.anchor.is_some() {
                    self.anchor = None;
                } else {
                    // Dropping the view drops its query's handle, which stops the query.
                    self.request = None;
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
                self.prompt = Some(Prompt::Save(path));
                return Outcome::None;
            }
            _ => return Outcome::None,
        };
        r.scroll.follow = false;
        if len > 0 {
            let first = r.buffer.first_seq();
            let here = r.scroll.selected.saturating_sub(first) as usize;
            let to = here.saturating_add_signed(delta).min(len - 1);
            r.scroll.selected = first + to as u64;
        }
        Outcome::None
    }

    /// Shows every line of a request: from the buffer at once, then from the feed's groups.
    fn open_request(&mut self, line: Option<u64>, ids: &mut Ids) -> Outcome {
        let seq = line.unwrap_or(self.scroll.selected);
        let Some(l) = self.buffer.get(seq) else {
            return Outcome::Message("no line selected".into());
        };
        let Some(id) = log_analysis::classify(l.text).request_id else {
            return Outcome::Message("this line carries no request id".into());
        };
        let at = DateTime::from_timestamp_millis(l.ts_ms).unwrap_or_default();
        let key = RequestKey::of(&id);
        let mut buffer = LogBuffer::new(REQUEST_LINES);
        for s in self.buffer.lines_of(key) {
            if let Some(l) = self.buffer.get(s) {
                buffer.push_event(&to_event(&l));
            }
        }
        let mut groups: Vec<LogGroupName> = self
            .feed
            .as_ref()
            .map(|f| f.spec.groups.clone())
            .unwrap_or_default();
        if groups.is_empty() {
            groups = self
                .buffer
                .groups()
                .iter()
                .filter_map(|g| LogGroupName::parse(g).ok())
                .collect();
        }
        let request = ids.issue();
        let (handle, stop) = feed_channel();
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
        self.detail = false;
        self.anchor = None;
        self.request = Some(RequestView {
            id,
            key,
            buffer,
            feed: Feed {
                request,
                spec: spec.clone(),
                state: FeedState::Starting,
                sampled: false,
                received: 0,
                handle: Some(handle),
            },
            scroll: Scroll {
                selected,
                offset: selected,
                viewport: 10,
                follow: false,
            },
            from_buffer: true,
        });
        Outcome::Commands(vec![Command::Logs(LogsCommand::Feed {
            request,
            spec,
            limit: REQUEST_LINES,
            stop,
        })])
    }

    fn default_save_path(&self) -> String {
        let first = self
            .buffer
            .get(self.buffer.first_seq())
            .map_or(0, |l| l.ts_ms);
        let at = DateTime::from_timestamp_millis(first).unwrap_or_default();
        format!("backoffice-logs-{}.log", at.format("%Y%m%d-%H%M%S"))
    }

    /// Keys while the pane's prompt is open.
    pub fn on_edit_key(&mut self, key: KeyEvent, ids: &mut Ids) -> Outcome {
        let Some(prompt) = self.prompt.take() else {
            return Outcome::None;
        };
        let (mut text, query) = match prompt {
            Prompt::Query(t) => (t, true),
            Prompt::Save(t) => (t, false),
        };
        let put = |t: String| {
            if query {
                Prompt::Query(t)
            } else {
                Prompt::Save(t)
            }
        };
        match key.code {
            KeyCode::Esc => Outcome::None,
            KeyCode::Enter if query => match parse_query(&text) {
                Ok((window, pattern)) => {
                    let spec = FeedSpec {
                        groups: self.chosen_groups(),
                        window,
                        pattern,
                    };
                    self.start(spec, ids)
                }
                Err(problem) => {
                    self.prompt = Some(put(text));
                    Outcome::Message(problem)
                }
            },
            KeyCode::Enter => self.save(text.trim(), ids),
            KeyCode::Backspace => {
                text.pop();
                self.prompt = Some(put(text));
                Outcome::None
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.prompt = Some(put(String::new()));
                Outcome::None
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                if text.len() < FilterPattern::MAX_LEN + 64 {
                    text.push(c);
                }
                self.prompt = Some(put(text));
                Outcome::None
            }
            _ => {
                self.prompt = Some(put(text));
                Outcome::None
            }
        }
    }

    /// The lines a save writes: the range selection, else every line the view walks.
    fn save(&mut self, path: &str, ids: &mut Ids) -> Outcome {
        if path.is_empty() {
            return Outcome::Message("type a file name to save to".into());
        }
        let anchor = self.anchor;
        let (buffer, seqs): (&LogBuffer, Vec<u64>) = match &self.request {
            Some(r) => {
                let all: Vec<u64> = (r.buffer.first_seq()..r.buffer.end_seq()).collect();
                (&r.buffer, select(all, anchor, r.scroll.selected))
            }
            None => {
                let selected = self.scroll.selected;
                let rows = self.rows();
                let all: Vec<u64> = (0..rows.len()).filter_map(|i| rows.at(i)).collect();
                (&self.buffer, select(all, anchor, selected))
            }
        };
        let mut text = String::new();
        let mut lines = 0;
        for l in seqs.iter().filter_map(|s| buffer.get(*s)) {
            let at = DateTime::from_timestamp_millis(l.ts_ms).unwrap_or_default();
            let at = at.format("%Y-%m-%dT%H:%M:%S%.3fZ");
            if l.kind.is_marker() {
                text.push_str(&format!("{at}\t-\t-\t# {}\n", l.text));
            } else {
                text.push_str(&format!("{at}\t{}\t{}\t{}\n", l.group, l.stream, l.text));
            }
            lines += 1;
        }
        if lines == 0 {
            return Outcome::Message("nothing to save".into());
        }
        let request = ids.issue();
        self.saving = Some(request);
        self.anchor = None;
        Outcome::Commands(vec![Command::Logs(LogsCommand::Save {
            request,
            path: PathBuf::from(path),
            text,
            lines,
        })])
    }

    pub fn click(&mut self, row: usize) -> Outcome {
        match self.screen {
            Screen::Picker => {
                if let Some(i) = row.checked_sub(1) {
                    let index = self.picker.offset + i;
                    if index < self.picker.groups.len() {
                        self.picker.selected = index;
                    }
                }
            }
            Screen::Viewer => {
                if let Some(Some(seq)) = self.screen_rows.get(row).copied() {
                    match &mut self.request {
                        Some(r) => {
                            r.scroll.selected = seq;
                            r.scroll.follow = false;
                        }
                        None if self.view == View::Lines => {
                            self.stop_following();
                            self.scroll.selected = seq;
                        }
                        None => {}
                    }
                }
            }
        }
        Outcome::None
    }

    pub fn on_event(&mut self, event: LogsEvent) -> Handled {
        match event {
            LogsEvent::GroupsLoaded { request, result } => {
                if self.picker.pending != Some(request) {
                    return (Outcome::None, None);
                }
                self.picker.pending = None;
                match result {
                    Ok(groups) => {
                        self.picker.picked.retain(|g| groups.contains(g));
                        self.picker.groups = groups;
                        self.picker.selected = self
                            .picker
                            .selected
                            .min(self.picker.groups.len().saturating_sub(1));
                        self.picker.load = Load::Loaded;
                        (Outcome::None, None)
                    }
                    Err(f) => {
                        self.picker.load = Load::Failed(f.message.clone());
                        (Outcome::None, Some(("loading log groups".into(), f)))
                    }
                }
            }
            LogsEvent::Started { request } => {
                if let Some(f) = self.feed.as_mut().filter(|f| f.request == request)
                    && f.state == FeedState::Starting
                {
                    f.state = FeedState::Running;
                }
                (Outcome::None, None)
            }
            LogsEvent::Batch { request, items } => {
                if self.feed.as_ref().is_some_and(|f| f.request == request) {
                    self.ingest(items);
                } else if let Some(r) = &mut self.request
                    && r.feed.request == request
                {
                    if r.from_buffer && items_have_events(&items) {
                        r.buffer.clear();
                        r.from_buffer = false;
                        r.scroll.selected = r.buffer.first_seq();
                    }
                    r.feed.state = FeedState::Running;
                    ingest_into(&mut r.buffer, &mut r.feed, items);
                    if r.scroll.selected < r.buffer.first_seq() {
                        r.scroll.selected = r.buffer.first_seq();
                    }
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
                            f.state = FeedState::Failed(failure.message.clone());
                            (Outcome::None, Some((what, failure)))
                        }
                    }
                } else if let Some(r) = self.request.as_mut().filter(|r| r.feed.request == request)
                {
                    r.feed.handle = None;
                    match result {
                        Ok(end) => {
                            r.feed.state = FeedState::Done(end);
                            (Outcome::None, None)
                        }
                        Err(failure) => {
                            r.feed.state = FeedState::Failed(failure.message.clone());
                            (Outcome::None, Some(("request lines".into(), failure)))
                        }
                    }
                } else {
                    (Outcome::None, None)
                }
            }
            LogsEvent::Saved { request, result } => {
                if self.saving != Some(request) {
                    return (Outcome::None, None);
                }
                self.saving = None;
                match result {
                    Ok(summary) => (Outcome::Message(summary), None),
                    Err(f) => (Outcome::None, Some(("saving log lines".into(), f))),
                }
            }
        }
    }

    fn last_ts(&self) -> i64 {
        self.buffer
            .end_seq()
            .checked_sub(1)
            .and_then(|s| self.buffer.get(s))
            .map_or(0, |l| l.ts_ms)
    }

    fn ingest(&mut self, items: Vec<TailItem>) {
        let Some(feed) = &mut self.feed else {
            return;
        };
        feed.state = FeedState::Running;
        ingest_into(&mut self.buffer, feed, items);
        self.after_ingest();
    }

    fn after_ingest(&mut self) {
        if let Some(s) = &mut self.search {
            s.catch_up(&self.buffer);
        }
        let first = self.buffer.first_seq();
        if self.scroll.follow {
            self.snap_to_end();
        } else if self.scroll.selected < first {
            self.scroll.selected = first;
        }
        if self.anchor.is_some_and(|a| a < first) {
            self.anchor = Some(first);
        }
        let reports = self.buffer.reports().len();
        if self.invocation_follow {
            self.invocation = reports.saturating_sub(1);
        } else {
            self.invocation = self.invocation.min(reports.saturating_sub(1));
        }
    }
}

/// The lines between `anchor` and `selected` (inclusive) when an anchor is set, else `all`.
fn select(all: Vec<u64>, anchor: Option<u64>, selected: u64) -> Vec<u64> {
    match anchor {
        Some(a) => {
            let (lo, hi) = (a.min(selected), a.max(selected));
            all.into_iter().filter(|s| (lo..=hi).contains(s)).collect()
        }
        None => all,
    }
}

/// The first eight characters of a request id.
pub fn short_id(id: &str) -> &str {
    match id.char_indices().nth(8) {
        Some((i, _)) => &id[..i],
        None => id,
    }
}

#[cfg(test)]
pub(crate) mod flow_tests;
