//! The Logs pane (on-call): pick log groups, follow them live or query a window with a
//! CloudWatch filter pattern, and read what arrives: pause and scroll back while lines keep
//! coming, search, a line's JSON, invocations from REPORT lines, one request across groups.
//!
//! A feed (live tail or window query) is one background task; the pane holds its
//! [`FeedHandle`], and dropping the handle stops the task. Batches arrive as events carrying
//! the feed's request id; batches of a feed the pane no longer holds are dropped. Synchronous,
//! like every pane: no I/O here. The picker, the viewer (lines and invocations), the request
//! view, the prompts and the events each have their module.

pub mod buffer;
mod events;
mod feed;
mod picker;
mod prompt;
mod query;
mod request;
mod request_key;
mod search;
pub mod timeline;
mod viewer;

pub use feed::{
    BACKLOG_LINES, BACKLOG_MINUTES, Earlier, Feed, FeedEnd, FeedHandle, FeedSpec, FeedState,
    FeedStop, LogsCommand, LogsEvent, Window, feed_channel,
};
pub use prompt::{Prompt, PromptKind, short_id};
pub use query::parse_query;

/// How a saved view of the Logs pane begins: a tail or query to start again.
const TAIL_VIEW: &str = "tail:";
pub use request::RequestView;
pub use search::Search;

use super::list::Load;
use super::{
    AppEvent, Command, FormKey, FormView, Handled, Ids, Outcome, Pane, Problem, RequestId,
};
use crate::input::TextInput;
use crate::keymap::Action;
use crate::ui::Look;
use backoffice_domain::model::{LogGroupName, UserSub};
use backoffice_domain::services::user360::Who;
use buffer::{LineRef, LogBuffer, Strip};

/// What `J` / `K` say with no line open.
pub(super) const NO_DETAIL: &str = "J / K scroll an open line: enter opens the selected one";

/// Lines kept when config.toml does not say (`[logs] buffer_lines`).
pub const DEFAULT_BUFFER_LINES: usize = 200_000;

#[derive(Debug)]
pub struct Picker {
    pub groups: Vec<LogGroupName>,
    pub load: Load,
    pub selected: usize,
    pub offset: usize,
    pub viewport: usize,
    /// Picked groups, in the order picked.
    pub picked: Vec<LogGroupName>,
    pub(super) pending: Option<RequestId>,
    /// The last `/` text, lower-cased, for `n` / `N` to find the next and previous group
    /// holding it.
    pub(super) find: Option<String>,
    /// Groups deleted while tailed (until a listing has them again): not offered, picked or
    /// read again.
    pub gone: Vec<LogGroupName>,
}

impl Picker {
    /// Drops groups that no longer exist from the list and the picks.
    pub(super) fn forget(&mut self, gone: &[String]) {
        let kept = |g: &LogGroupName| !gone.iter().any(|x| x == g.as_str());
        self.picked.retain(kept);
        self.groups.retain(kept);
        self.selected = self.selected.min(self.groups.len().saturating_sub(1));
        for g in gone {
            if let Ok(name) = LogGroupName::parse(g)
                && !self.gone.contains(&name)
            {
                self.gone.push(name);
            }
        }
    }

    /// Selects the next group after the selected one (the previous one, `back`) whose name
    /// holds the last `/` text, round the list (the selected group last); whether one does.
    pub(super) fn find_next(&mut self, back: bool) -> bool {
        let Some(wanted) = &self.find else {
            return false;
        };
        let n = self.groups.len();
        let found = (1..=n)
            .map(|i| {
                if back {
                    (self.selected + n - i % n) % n
                } else {
                    (self.selected + i) % n
                }
            })
            .find(|&i| {
                self.groups[i]
                    .as_str()
                    .to_lowercase()
                    .contains(wanted.as_str())
            });
        if let Some(i) = found {
            self.selected = i;
        }
        found.is_some()
    }
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
            find: None,
            gone: Vec::new(),
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
    /// The first row of the open detail shown (a 12 KB line wraps to a hundred rows), and the
    /// line it belongs to: another line's detail starts at its top.
    pub detail_scroll: (u64, u16),
    /// The rows the open line's detail was last drawn in: its page for `ctrl-d` / `pagedown`.
    pub detail_rows: u16,
    pub request: Option<RequestView>,
    /// Invocation view: the selected REPORT (index into the buffer's reports) and scroll.
    pub invocation: usize,
    /// The invocations table's widest cell of each column among the rows drawn so far, kept
    /// by the renderer: its columns hold still as rows scroll (a cold start or a `failed`
    /// coming into view widened its column, and the others moved).
    pub invocation_widest: Vec<u16>,
    /// Whether `invocation_widest` was measured in the narrow forms (times to the second).
    pub invocation_narrow: bool,
    pub invocation_offset: usize,
    pub invocation_follow: bool,
    pub prompt: Option<Prompt>,
    /// The search as typed, for the bottom line.
    pub filter_text: String,
    /// Lines shown when searching with context, and the buffer generation they were built for.
    pub(super) context_rows: Vec<u64>,
    pub(super) context_built: Option<(u64, usize, usize)>,
    /// A save under way: its request, the path as typed and the selection it saved, put back
    /// if the write fails.
    pub(super) saving: Option<(RequestId, String)>,
    /// `r` on a line without a request id, while its stream is read back for the request it
    /// was running.
    pub(super) finding: Option<request::Finding>,
    /// `ctrl-r` is reading the feed again: the lines shown are the read before's until it
    /// brings lines or ends.
    pub(super) replacing: bool,
    pub(super) strip_cache: Option<((u64, usize), Strip)>,
    pub(super) summary_cache: Option<(u64, Summary)>,
    /// Line numbers drawn on each screen row in the last frame (for clicks).
    pub screen_rows: Vec<Option<u64>>,
}

impl Default for LogsPane {
    fn default() -> Self {
        Self::new(DEFAULT_BUFFER_LINES)
    }
}

impl LogsPane {
    /// `J`/`K` on an open line detail: its scroll for `line`, moved by a few rows (the drawing
    /// holds it within the detail's rows).
    pub(super) fn scroll_detail(&mut self, line: u64, action: Action) {
        let page = self.detail_rows.max(2);
        let (down, step) = match action {
            Action::DetailDown => (true, crate::app::detail_step(self.detail_rows)),
            Action::DetailUp => (false, crate::app::detail_step(self.detail_rows)),
            Action::HalfPageDown => (true, page / 2),
            Action::HalfPageUp => (false, page / 2),
            Action::PageDown => (true, page),
            _ => (false, page),
        };
        let (at, rows) = self.detail_scroll;
        let rows = if at == line { rows } else { 0 };
        // Past the end is drawn at the end.
        let rows = if down {
            rows.saturating_add(step)
        } else {
            rows.saturating_sub(step)
        };
        self.detail_scroll = (line, rows);
    }

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
            detail_scroll: (0, 0),
            detail_rows: 0,
            request: None,
            invocation: 0,
            invocation_offset: 0,
            invocation_widest: Vec::new(),
            invocation_narrow: false,
            invocation_follow: true,
            prompt: None,
            filter_text: String::new(),
            context_rows: Vec::new(),
            context_built: None,
            saving: None,
            finding: None,
            replacing: false,
            strip_cache: None,
            summary_cache: None,
            screen_rows: Vec::new(),
        }
    }

    /// Sets the buffer's cap (`[logs] buffer_lines`).
    pub fn set_capacity(&mut self, lines: usize) {
        self.buffer.set_cap(lines);
    }

    pub(super) fn load_groups(&mut self, ids: &mut Ids) -> Vec<Command> {
        let request = ids.issue();
        self.picker.pending = Some(request);
        self.picker.load = Load::Loading;
        vec![Command::Logs(LogsCommand::LoadGroups { request })]
    }

    /// The groups a new feed follows: those picked, else the selected one, else the running
    /// feed's.
    pub(super) fn chosen_groups(&self) -> Vec<LogGroupName> {
        if !self.picker.picked.is_empty() {
            return self.picker.picked.clone();
        }
        if self.screen == Screen::Picker
            && let Some(g) = self.picker.groups.get(self.picker.selected)
        {
            return vec![g.clone()];
        }
        // The tail's groups, less those deleted since (the last one gone stays in its title;
        // `f` after it ran a query on it and failed).
        self.feed
            .as_ref()
            .map(|f| {
                f.spec
                    .groups
                    .iter()
                    .filter(|g| !self.picker.gone.contains(g))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Starts a feed on `spec`, replacing (and so stopping) the one running.
    pub fn start(&mut self, spec: FeedSpec, ids: &mut Ids) -> Outcome {
        if spec.groups.is_empty() {
            return Outcome::Message("pick a log group first (space picks, enter tails)".into());
        }
        self.clear_lines();
        // A new query's lines are searched anew: the last one's `/` stayed, saying
        // "'PWNED' is not in the buffer" under lines no one had searched. `ctrl-r` (the same
        // read again) keeps it.
        self.search = None;
        self.filter_text.clear();
        self.screen = Screen::Viewer;
        let (feed, command) = Feed::start(spec, self.buffer.cap(), ids);
        self.feed = Some(feed);
        Outcome::Commands(vec![command])
    }

    /// `ctrl-r`: the same feed again, its lines kept on screen until the new read brings
    /// lines (or ends without any); a read that fails leaves them, with a note saying so (a
    /// failed read during an outage emptied the pane of what there was to read).
    pub(super) fn reload(&mut self, spec: FeedSpec, ids: &mut Ids) -> Outcome {
        if self.buffer.is_empty() {
            return self.start(spec, ids);
        }
        self.replacing = true;
        let (feed, command) = Feed::start(spec, self.buffer.cap(), ids);
        self.feed = Some(feed);
        Outcome::Commands(vec![command])
    }

    /// The new read has something to show (or has ended): the lines of the read before go.
    pub(super) fn replace_lines(&mut self) {
        if std::mem::take(&mut self.replacing) {
            self.clear_lines();
        }
    }

    /// Empties the lines and everything placed on them.
    fn clear_lines(&mut self) {
        self.replacing = false;
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
        self.invocation_widest.clear();
        self.invocation_follow = true;
    }

    /// The selected line of the view in front (request view or main).
    pub fn selected_line(&self) -> Option<LineRef<'_>> {
        match &self.request {
            Some(r) => r.buffer.get(r.scroll.selected),
            None => self.buffer.get(self.scroll.selected),
        }
    }

    /// Whether the invocations view is what shows.
    fn in_invocations(&self) -> bool {
        self.screen == Screen::Viewer && self.request.is_none() && self.view == View::Invocations
    }

    /// The line `y`, `Y` and `O` act on: the selected line, or in the invocations view the
    /// selected invocation's REPORT line (they acted on the line selected in the lines view,
    /// out of sight).
    pub fn subject_line(&self) -> Option<LineRef<'_>> {
        // The picker shows groups: no line is selected there (`Y` linked, and `O` opened, the
        // hidden viewer's line).
        if self.screen == Screen::Picker {
            return None;
        }
        if self.request.is_none() && self.view == View::Invocations {
            let report = self.buffer.reports().get(self.invocation)?;
            return self.buffer.get(report.seq);
        }
        self.selected_line()
    }
}

/// The Logs pane's own actions, for help: the picker's and the viewer's.
const PICKER_ACTIONS: [Action; 4] = [
    Action::Mark,
    Action::LogQuery,
    Action::NextMatch,
    Action::PrevMatch,
];
const VIEWER_ACTIONS: [Action; 13] = [
    Action::LogQuery,
    Action::RequestLines,
    Action::NextMatch,
    Action::PrevMatch,
    Action::ContextLines,
    Action::Wrap,
    Action::Timestamps,
    Action::MetricsStrip,
    Action::SelectRange,
    Action::SaveLogs,
    Action::NextView,
    Action::DetailDown,
    Action::DetailUp,
];

impl Pane for LogsPane {
    fn open(&mut self, ids: &mut Ids) -> Vec<Command> {
        if self.picker.load == Load::Idle {
            return self.load_groups(ids);
        }
        Vec::new()
    }

    /// The groups again on the picker; a feed restarts with `ctrl-r` (an action), not here.
    fn refresh(&mut self, ids: &mut Ids) -> Vec<Command> {
        match self.screen {
            Screen::Picker => self.load_groups(ids),
            Screen::Viewer => Vec::new(),
        }
    }

    fn on_action(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        match self.screen {
            Screen::Picker => self.on_picker_action(action, ids),
            Screen::Viewer => self.on_viewer_action(action, ids),
        }
    }

    fn on_event(&mut self, event: AppEvent, ids: &mut Ids) -> Handled {
        match event {
            AppEvent::Logs(e) => self.on_logs_event(e, ids),
            _ => (Outcome::None, None),
        }
    }

    fn click(&mut self, row: usize, _column: u16, _ids: &mut Ids) -> Outcome {
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

    fn filter_text(&self) -> &str {
        if self.screen == Screen::Picker {
            return "";
        }
        &self.filter_text
    }

    /// Nothing: the viewer's `/` searches the lines in the buffer, which the next session
    /// does not have (kept as the pane's last view, it was applied to the group picker at
    /// the next start: "no group name holds 'token-1117'").
    fn saved_filter(&self) -> String {
        String::new()
    }

    /// The tail or query running (or last run), as `:save` keeps it: `tail:` and its groups,
    /// then its window and pattern as the `f` prompt reads them (`:save` kept nothing here).
    fn saved_view(&self) -> String {
        let Some(feed) = &self.feed else {
            return String::new();
        };
        let groups: Vec<&str> = feed.spec.groups.iter().map(LogGroupName::as_str).collect();
        let pattern = feed
            .spec
            .pattern
            .as_ref()
            .map(|p| format!(" {}", p.as_str()))
            .unwrap_or_default();
        format!(
            "{TAIL_VIEW}{} {}{pattern}",
            groups.join(","),
            feed.spec.window.prompt_text()
        )
    }

    /// A view `:save` kept ([`Pane::saved_view`]) starts its tail or query again; other text
    /// is a filter.
    fn restore_filter(&mut self, text: &str, ids: &mut Ids) -> Result<Vec<Command>, Problem> {
        let Some(rest) = text.trim().strip_prefix(TAIL_VIEW) else {
            return self.set_filter(text, ids);
        };
        let (groups, query) = rest.split_once(' ').unwrap_or((rest, ""));
        let groups = groups
            .split(',')
            .map(LogGroupName::parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Problem(format!("log group: {}", e.message)))?;
        let (window, pattern) = parse_query(query).map_err(Problem)?;
        match self.start(
            FeedSpec {
                groups,
                window,
                pattern,
            },
            ids,
        ) {
            Outcome::Commands(c) => Ok(c),
            Outcome::Message(why) => Err(Problem(why)),
            _ => Ok(Vec::new()),
        }
    }

    fn filter_word(&self) -> &'static str {
        match self.screen {
            Screen::Picker => "find a group",
            Screen::Viewer => "search",
        }
    }

    fn filter_hint(&self) -> &'static str {
        if self.screen == Screen::Picker {
            return "go to the next group whose name holds this (any case)";
        }
        if self.in_invocations() {
            return "the invocations are not searched: v goes back to the lines, where / searches";
        }
        "search the buffer (lower case: any case) · empty: stop searching"
    }

    /// `/` is refused at once in the invocations view (a search was taken there and changed
    /// nothing it showed).
    fn filters(&self) -> bool {
        !self.in_invocations()
    }

    fn set_filter(&mut self, text: &str, _ids: &mut Ids) -> Result<Vec<Command>, Problem> {
        // In the picker `/` finds a group; it is not the search of the tail started next.
        if self.screen == Screen::Picker {
            let wanted = text.trim().to_lowercase();
            if wanted.is_empty() {
                return Ok(Vec::new());
            }
            self.picker.find = Some(wanted);
            return match self.picker.find_next(false) {
                true => Ok(Vec::new()),
                false => Err(Problem(format!(
                    "no group name holds '{}'",
                    crate::text::one_line(text.trim())
                ))),
            };
        }
        self.search_for(text)
    }

    fn form(&self) -> Option<FormView<'_>> {
        self.prompt.as_ref().map(Prompt::view)
    }

    fn form_input(&mut self) -> Option<&mut TextInput> {
        self.prompt.as_mut().map(|p| &mut p.input)
    }

    fn on_form_key(&mut self, key: FormKey, ids: &mut Ids) -> Outcome {
        self.on_prompt_key(key, ids)
    }

    fn selected_user(&self) -> Option<Who> {
        self.subject_line()
            .and_then(|l| sub_in_line(l.text))
            .map(Who::Sub)
    }

    fn export_source(&self) -> Result<crate::app::export::ExportSource, String> {
        Err("the Logs pane saves its lines with ctrl-s (the buffer or the selection)".into())
    }

    fn selected_id(&self) -> Option<(&'static str, String)> {
        // In the picker, the selected group's name (`y` said "nothing selected" there).
        if self.screen == Screen::Picker {
            return self
                .picker
                .groups
                .get(self.picker.selected)
                .map(|g| ("log group", g.to_string()));
        }
        let line = self.subject_line()?;
        // A line without an id of its own (a panic, a print): the request its stream was
        // running, as its detail names it; in a request's view, that request.
        let buffer = self.request.as_ref().map_or(&self.buffer, |r| &r.buffer);
        match buffer.request_id_of(&line) {
            Some((id, true)) => Some(("request id", id)),
            Some((id, false)) => Some(("id of the request its stream was running", id)),
            None => self.request.as_ref().map(|r| ("request id", r.id.clone())),
        }
    }

    fn console_target(&self) -> Option<crate::app::copy::ConsoleTarget> {
        // In the picker, the selected group (it linked the hidden viewer's line).
        if self.screen == Screen::Picker {
            return self.picker.groups.get(self.picker.selected).map(|g| {
                crate::app::copy::ConsoleTarget::LogGroup {
                    group: g.to_string(),
                }
            });
        }
        let line = self.subject_line()?;
        // An invocation's link starts where it started, a second before (its REPORT line
        // comes at its end: a 3 s timeout's link opened after everything it logged).
        let at = match self.buffer.reports().get(self.invocation) {
            Some(r) if self.request.is_none() && self.view == View::Invocations => {
                // Saturating: a duration read from a line may be any figure.
                let ran = (r.duration_ms + r.init_ms.unwrap_or(0.0)).ceil() as i64;
                r.ts_ms.saturating_sub(ran).saturating_sub(1_000)
            }
            _ => line.ts_ms,
        };
        Some(crate::app::copy::ConsoleTarget::LogStream {
            group: line.group.to_string(),
            stream: line.stream.to_string(),
            at: chrono::DateTime::from_timestamp_millis(at)?,
        })
    }

    fn describes(&self, action: Action) -> Option<&'static str> {
        match (self.screen, action) {
            (Screen::Picker, Action::Mark) => Some("pick the group, or drop it (up to 10)"),
            (Screen::Picker, Action::Enter) => Some("start a live tail of the picked groups"),
            (Screen::Picker, Action::Filter) => Some("find a group"),
            (Screen::Picker, Action::NextView) => Some("back to the tail"),
            (Screen::Picker, Action::NextMatch) => Some("the next group holding the text found"),
            (Screen::Picker, Action::PrevMatch) => {
                Some("the previous group holding the text found")
            }
            (Screen::Viewer, Action::Mark) => Some("pause the tail, or resume it"),
            (Screen::Viewer, Action::Bottom) => Some("back to the live end (resumes)"),
            (Screen::Viewer, Action::Filter) => Some("search the lines"),
            (Screen::Viewer, Action::NextView) => Some("lines ↔ invocations"),
            (Screen::Viewer, Action::Enter) => Some("open the line (or the invocation) in full"),
            _ => None,
        }
    }

    fn offers(&self) -> Vec<Action> {
        match self.screen {
            // `v` goes back to the tail there is.
            Screen::Picker if self.feed.is_some() => {
                let mut a = PICKER_ACTIONS.to_vec();
                a.push(Action::NextView);
                a
            }
            Screen::Picker => PICKER_ACTIONS.to_vec(),
            Screen::Viewer => VIEWER_ACTIONS.to_vec(),
        }
    }

    fn pending(&self) -> usize {
        let query = |f: &Feed| f.is_running() && f.spec.window != Window::Live;
        usize::from(self.picker.pending.is_some())
            + usize::from(self.feed.as_ref().is_some_and(query))
            + usize::from(self.request.as_ref().is_some_and(|r| query(&r.feed)))
            + usize::from(self.saving.is_some())
            + usize::from(self.finding.is_some())
    }

    fn draw(
        &mut self,
        frame: &mut ratatui::Frame<'_>,
        area: ratatui::layout::Rect,
        look: &Look<'_>,
    ) {
        crate::ui::logs::draw(frame, area, self, look);
    }
}

/// The user a log line names: a JSON line's `sub` field (the API logs the verified caller's),
/// else a `sub` key in text (`sub=…`, `"sub":"…"`).
pub fn sub_in_line(text: &str) -> Option<UserSub> {
    if let Ok(serde_json::Value::Object(obj)) =
        serde_json::from_str::<serde_json::Value>(text.trim())
    {
        return obj
            .get("sub")
            .and_then(|v| v.as_str())
            .and_then(|s| UserSub::parse(s).ok());
    }
    let at = text.find("sub")?;
    let rest = text[at + 3..].trim_start_matches(['"', ':', '=', ' ']);
    let candidate: String = rest.chars().take(36).collect();
    UserSub::parse(&candidate).ok()
}

#[cfg(test)]
pub(crate) mod flow_tests;
