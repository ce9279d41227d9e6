//! The console's state and its synchronous update. Keys and finished requests come in; commands
//! (work for background tasks, each with a request id) go out. No `.await`, no I/O here, so the
//! whole console can be driven by tests with keys and canned results.
//!
//! `App` is the shell: it owns the bottom line's prompts (`:` and `/`), the overlays (help, the
//! error log, `:who`, the confirmation dialog), toasts and pane switching, and reaches the five
//! panes only through the [`Pane`] interface.

pub mod audit;
mod command;
pub mod copy;
pub mod dialog;
pub mod export;
pub mod insights;
pub mod list;
pub mod logs;
pub mod metrics;
pub mod names;
mod overlay;
mod pane;
pub mod posts;
pub(crate) mod shell;
pub mod storage;
pub mod users;
pub mod views;
pub mod who;

pub use command::{
    AppEvent, BanSubject, Cause, Command, Context, Failure, Ids, Opened, Planning, Request,
    RequestId, Toast, Unconfigured, UserDetail, UserSearch, not_found,
};
pub use overlay::Overlay;
pub use pane::{FieldView, FormKey, FormView, Handled, Outcome, Pane, PaneId, Problem};
pub use shell::{COMMANDS, LineKind, LinePrompt};

use crate::input::{Edit, TextInput};
use crate::keymap::{Action, Keymap};
use crate::ops::Operation;
use backoffice_domain::services::user360::Who;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use dialog::Dialog;
use std::collections::VecDeque;

/// Rows per request for lists the database serves.
pub const PAGE_SIZE: u32 = 100;
/// Toasts shown at once; older ones drop off.
const MAX_TOASTS: usize = 3;
/// What Insights says when `S` comes round to no sort: an order message, as `sorted …` are.
pub(crate) const INSIGHTS_UNSORTED: &str = "in the query's order again";
/// Jumps remembered for `-`.
const MAX_HOPS: usize = 20;
/// The status bar's word for a write that did part of what was asked (a bulk delete that
/// kept some objects): it is not a failure of the whole.
const PARTLY_DONE: &str = "write partly done";
/// Failures kept for the error log popup.
const MAX_ERRORS: usize = 200;
/// Rows the mouse wheel moves.
const WHEEL_ROWS: usize = 3;

/// How long after a refused key (and after each key held since) keys are held back rather
/// than run: faster than a person reads the refusal, slower than one types.
const REFUSAL_GUARD: std::time::Duration = std::time::Duration::from_millis(700);

/// The pause that ends a burst of keys: shorter than anyone takes to read a dialog that has
/// just opened, longer than the gaps within a word typed at an ordinary pace (a pasted or
/// scripted burst has none). At 150 ms, a word typed at six keys a second opened the disable
/// dialog, filled its reason and confirmed it.
const BURST_GAP: std::time::Duration = std::time::Duration::from_millis(400);

/// Why keys are being held back rather than run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HoldCause {
    /// A key was refused with only a message (see [`REFUSAL_GUARD`]).
    Refusal,
    /// A key opened a write's dialog, and more came in the same burst (see [`BURST_GAP`]):
    /// typed before anyone could have read it.
    Dialog,
    /// A key asked for a write's dialog that is still being prepared (a plan, a read, a user
    /// loading), and more came in the same burst.
    Asked,
}

/// Keys held back: since when (the last one held), which, and why.
#[derive(Debug)]
struct Hold {
    at: std::time::Instant,
    keys: String,
    cause: HoldCause,
}

impl std::fmt::Display for Hold {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "not run: «{}», typed {}; press a key again to use it",
            crate::text::one_line(&self.keys),
            match self.cause {
                HoldCause::Refusal => "right after a refusal",
                HoldCause::Dialog => "with the key that opened this dialog",
                HoldCause::Asked => "with the key that asked for a dialog",
            }
        )
    }
}

/// How long a toast shows, in spinner ticks: about five seconds, and longer for a longer
/// message (a ban's 65-call summary faded before it was read), at most twelve.
fn toast_ticks(text: &str) -> u16 {
    let columns = unicode_width::UnicodeWidthStr::width(text);
    u16::try_from(40 + columns / 2).unwrap_or(u16::MAX).min(100)
}

/// Rows `J` / `K` move an open detail (a thread's, an audit row's, a text preview, a log
/// line's): half the rows it shows, so a long one is read in a few presses with the rows
/// before still in sight; at least 3 (its height is 0 until it is drawn).
pub(crate) fn detail_step(rows: u16) -> u16 {
    (rows / 2).max(3)
}

#[derive(Debug)]
pub struct App {
    pub context: Context,
    pub keymap: Keymap,
    pub pane: PaneId,
    pub users: users::UsersPane,
    pub posts: posts::PostsPane,
    pub audit: audit::AuditPane,
    pub storage: storage::StoragePane,
    pub logs: logs::LogsPane,
    pub insights: insights::InsightsPane,
    pub metrics: metrics::MetricsPane,
    /// Alarms in ALARM, for the status bar's badge (refreshed every minute).
    pub alarm_badge: Option<String>,
    /// The badge's refresh in flight.
    badge_request: Option<RequestId>,
    /// Saved views and each pane's last filter (`:save`, `:view`).
    pub views: views::ViewBook,
    /// Panes not opened yet whose last filter is still to apply.
    opened: std::collections::HashSet<PaneId>,
    /// Panes a write from another pane may have changed (a status, a new audit row): read
    /// again when next shown, not left showing what was true before.
    stale: std::collections::HashSet<PaneId>,
    /// The export in flight (`ctrl-e`), for the status bar.
    pub exporting: Option<export::Exporting>,
    /// The environment's Cognito pool, for `Y`'s links to its users.
    pub user_pool: Option<String>,
    /// What the open export prompt will write.
    export_source: Option<export::ExportSource>,
    /// The `:` commands entered in this environment (↑ / ↓ in the prompt).
    pub command_history: crate::history::History,
    /// Each pane's `/` filters.
    pub filter_history: std::collections::HashMap<PaneId, crate::history::History>,
    /// The bottom line's `:` or `/` prompt, while one is open.
    pub prompt: Option<LinePrompt>,
    pub overlay: Option<Overlay>,
    pub toasts: VecDeque<Toast>,
    /// Keys being held back (after a refusal, or in the burst that opened a dialog).
    hold: Option<Hold>,
    /// The last action did nothing on this screen and said so.
    nothing_here: bool,
    /// Messages put on the status bar so far (the bar keeps three, and one said again replaces
    /// itself: its length does not tell whether a key was answered with one).
    toasts_said: u64,
    /// [`REFUSAL_GUARD`] and [`BURST_GAP`]; none in unit tests, whose keys come as fast as a
    /// program sends them (the holds have their own tests).
    refusal_guard: std::time::Duration,
    burst_gap: std::time::Duration,
    /// The message of the last `Outcome::Reading`, taken off the toasts when the dialog it
    /// waited for opens.
    reading: Option<String>,
    /// The screen row just below the pane's last row as last drawn (its bottom border): a
    /// click from there down is on the toasts, the status bar or the bottom line, not a row.
    pub pane_end: u16,
    /// The screen's width as last drawn: the tab bar's labels depend on it.
    pub screen_width: u16,
    /// The screen as last drawn was smaller than the console can be used on: it said so, and
    /// keys other than `q` and `ctrl-c` wait (they acted on fields that were not drawn).
    pub too_small: bool,
    pub errors: VecDeque<(String, Failure)>,
    pub last_error: Option<String>,
    /// Why the database check failed, until a write gets through: every write checks it
    /// again first, so a dialog says so before the reason is typed (it was refused only on
    /// `enter`). Its cause is [`Cause::Setup`] where the settings cannot be completed (see
    /// [`Opened::DatabaseUnconfigured`]): then no write gets through this session.
    pub database_failed: Option<Failure>,
    /// AWS throttling the clients met recently and retried, for the status bar.
    pub throttled: Option<String>,
    /// Environments and themes `:env` and `:theme` complete from.
    pub environments: Vec<String>,
    pub themes: Vec<String>,
    /// Requests for the loop (switch environment or theme, the clipboard).
    pub requests: Vec<Request>,
    pub quit: bool,
    /// Display names of the subs panes show.
    pub names: names::Names,
    /// Name lookups in flight, with the subs each asked for.
    names_requests: Vec<(RequestId, Vec<backoffice_domain::model::UserSub>)>,
    /// Writes in flight, with the pane to refresh when each is done and what else follows.
    writes: Vec<Write>,
    /// The ban or unban being planned.
    ban_request: Option<RequestId>,
    /// The pane the plan was asked from: its dialog opens only there, with nothing over it.
    plan_pane: PaneId,
    /// Panes jumps came from, most recent last, for `-`.
    hops: Vec<PaneId>,
    /// The filter a jump put on a pane (set once the jump has landed): a session's last view
    /// is what the operator chose, not where a jump took them (the next session opened the
    /// Users pane on one author's sub).
    jumped: std::collections::HashMap<PaneId, Option<String>>,
    ids: Ids,
}

/// A write in flight.
#[derive(Debug)]
struct Write {
    request: RequestId,
    /// What it does, for the status bar while it runs (`ban ann`).
    what: String,
    /// Steps taken of how many, for a long write that says so.
    progress: Option<(usize, usize)>,
    /// The pane it was asked from, read again when it is done.
    pane: PaneId,
    then: Then,
    /// The dialog that confirmed it, as it was filled: a write refused before anything
    /// changed (a password the pool's policy refuses, a group that does not exist, a name
    /// taken) opens it again with what was typed and why, to mend rather than start over.
    asked: Box<dialog::Dialog>,
}

/// Where the console stands, for `:env` to reopen there on another environment: the pane,
/// the Posts pane's view and the home bucket's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub pane: PaneId,
    pub posts: Option<posts::View>,
    pub folder: Option<String>,
}

impl Place {
    /// A pane, on what it opens on by itself.
    pub fn pane(pane: PaneId) -> Self {
        Self {
            pane,
            posts: None,
            folder: None,
        }
    }
}

/// What follows a write that succeeded, besides reading its pane again.
#[derive(Debug)]
enum Then {
    Refresh,
    /// It deleted the account the Users pane has open: the detail closes instead of failing
    /// to reload.
    CloseUser,
    /// It created this account: the Users pane opens it, so the next key (`P` to set its
    /// password) acts on it.
    OpenUser(backoffice_domain::services::accounts::NewAccount),
}

impl App {
    /// A console on `pane`, asking at once for what it shows.
    pub fn new(context: Context, keymap: Keymap, pane: PaneId) -> (Self, Vec<Command>) {
        let mut app = Self::unopened(context, keymap, pane);
        let commands = app.open_pane(pane);
        (app, commands)
    }

    /// What a `Outcome::Reading` message waited for has its answer (a dialog, or why there is
    /// none): the message goes.
    fn reading_answered(&mut self) {
        if let Some(said) = self.reading.take() {
            self.toasts.retain(|t| t.text != said);
        }
    }

    /// Where the console stands (see [`Place`]).
    pub fn place(&self) -> Place {
        Place {
            pane: self.pane,
            posts: self.posts.view,
            folder: self.storage.home_folder().map(str::to_string),
        }
    }

    /// Opens the Posts pane's view and Storage's folder of `place` when they are first shown
    /// (a pane's last view, where it has one, still comes first).
    pub fn open_on(&mut self, place: &Place) {
        self.posts.opening = place.posts;
        self.storage.opening = place.folder.clone();
    }

    /// A console on `pane` that has asked for nothing yet: the caller sets it up (the home
    /// bucket, the log buffer's size, saved views) and then opens the pane.
    pub fn unopened(context: Context, keymap: Keymap, pane: PaneId) -> Self {
        let mut app = Self {
            context,
            keymap,
            pane,
            users: users::UsersPane::default(),
            posts: posts::PostsPane::default(),
            audit: audit::AuditPane::default(),
            storage: storage::StoragePane::default(),
            logs: logs::LogsPane::default(),
            insights: insights::InsightsPane::default(),
            metrics: metrics::MetricsPane::default(),
            alarm_badge: None,
            badge_request: None,
            command_history: crate::history::History::default(),
            user_pool: None,
            exporting: None,
            export_source: None,
            views: views::ViewBook::default(),
            opened: std::collections::HashSet::new(),
            stale: std::collections::HashSet::new(),
            filter_history: std::collections::HashMap::new(),
            prompt: None,
            overlay: None,
            toasts: VecDeque::new(),
            hold: None,
            nothing_here: false,
            toasts_said: 0,
            refusal_guard: if cfg!(test) {
                std::time::Duration::ZERO
            } else {
                REFUSAL_GUARD
            },
            burst_gap: if cfg!(test) {
                std::time::Duration::ZERO
            } else {
                BURST_GAP
            },
            reading: None,
            pane_end: u16::MAX,
            screen_width: u16::MAX,
            too_small: false,
            errors: VecDeque::new(),
            last_error: None,
            database_failed: None,
            throttled: None,
            environments: Vec::new(),
            themes: Vec::new(),
            requests: Vec::new(),
            quit: false,
            names: names::Names::default(),
            names_requests: Vec::new(),
            writes: Vec::new(),
            ban_request: None,
            plan_pane: pane,
            hops: Vec::new(),
            jumped: std::collections::HashMap::new(),
            ids: Ids::default(),
        };
        app.storage.read_only = app.context.read_only;
        app.users.read_only = app.context.read_only;
        app.storage.unaudited = !app.context.audited;
        app.insights.read_only = app.context.read_only;
        app
    }

    pub fn next_id(&mut self) -> RequestId {
        self.ids.issue()
    }

    /// The pane `id`, with the request ids beside it (the two are borrowed together).
    pub fn pane_mut(&mut self, id: PaneId) -> (&mut dyn Pane, &mut Ids) {
        let pane: &mut dyn Pane = match id {
            PaneId::Users => &mut self.users,
            PaneId::Posts => &mut self.posts,
            PaneId::Audit => &mut self.audit,
            PaneId::Storage => &mut self.storage,
            PaneId::Logs => &mut self.logs,
            PaneId::Insights => &mut self.insights,
            PaneId::Metrics => &mut self.metrics,
        };
        (pane, &mut self.ids)
    }

    pub fn pane_ref(&self, id: PaneId) -> &dyn Pane {
        match id {
            PaneId::Users => &self.users,
            PaneId::Posts => &self.posts,
            PaneId::Audit => &self.audit,
            PaneId::Storage => &self.storage,
            PaneId::Logs => &self.logs,
            PaneId::Insights => &self.insights,
            PaneId::Metrics => &self.metrics,
        }
    }

    /// The pane on screen.
    pub fn focused(&self) -> &dyn Pane {
        self.pane_ref(self.pane)
    }

    /// The long write running that says how far it has got, as the status bar shows it:
    /// `ban ann 812/2105` (steps).
    pub fn write_progress(&self) -> Option<String> {
        self.writes.iter().find_map(|w| {
            let (taken, of) = w.progress?;
            Some(format!("{} {taken}/{of}", crate::text::one_line(&w.what)))
        })
    }

    /// Requests in flight (the status bar's spinner).
    pub fn pending(&self) -> usize {
        PaneId::ALL
            .iter()
            .map(|p| self.pane_ref(*p).pending())
            .sum::<usize>()
            + self.writes.len()
            + usize::from(self.ban_request.is_some())
            + usize::from(self.badge_request.is_some())
            + usize::from(self.exporting.is_some())
    }

    pub fn is_busy(&self) -> bool {
        self.pending() > 0 || !self.toasts.is_empty()
    }

    /// Shows `pane`, loading it the first time (on its last view, when it has one).
    pub fn open_pane(&mut self, pane: PaneId) -> Vec<Command> {
        self.pane = pane;
        let first = self.opened.insert(pane);
        let last = first
            .then(|| self.views.of(pane).and_then(|v| v.last.clone()))
            .flatten();
        let (p, ids) = self.pane_mut(pane);
        // The view first, so the pane's first load is the filtered one: a pane opening while
        // its view's load is in flight asks for nothing more (no unfiltered page asked for and
        // thrown away).
        let (mut commands, stale) = match last {
            Some(filter) => match p.restore_filter(&filter, ids) {
                Ok(c) => (c, None),
                Err(problem) => (Vec::new(), Some((filter, problem))),
            },
            None => (Vec::new(), None),
        };
        commands.extend(p.open(ids));
        if self.stale.remove(&pane) && !first {
            let (p, ids) = self.pane_mut(pane);
            commands.extend(p.refresh(ids));
        }
        if let Some((filter, problem)) = stale {
            self.toast(format!(
                "the last view ({filter}) no longer applies: {problem}"
            ));
        }
        commands
    }

    /// Applies the saved views read at start: the pane on screen opens on its last view now.
    pub fn restore_views(&mut self, book: views::ViewBook) -> Vec<Command> {
        self.views = book;
        self.opened.clear();
        self.open_pane(self.pane)
    }

    pub fn toast(&mut self, text: impl Into<String>) {
        self.toasts_said += 1;
        let text = text.into();
        // The same message again shows once, as the newest (three presses of a key stacked
        // three copies and pushed the pane up a row each).
        // A new order says how the rows stand now: the order before goes (two sort messages
        // stacked four rows at 60 columns).
        let order = |t: &str| t.starts_with("sorted ") || t == INSIGHTS_UNSORTED;
        self.toasts
            .retain(|t| t.text != text && !(order(&t.text) && order(&text)));
        let ttl = toast_ticks(&text);
        self.toasts.push_back(Toast { text, ttl });
        while self.toasts.len() > MAX_TOASTS {
            self.toasts.pop_front();
        }
    }

    /// Records a failure: the status bar (until `esc`) and the error log.
    pub fn fail(&mut self, what: &str, failure: Failure) {
        if !failure.said {
            self.last_error = Some(format!("{what}: {}", failure.message));
        }
        self.log_failure(what, failure);
    }

    /// Records a failure in the error log only: where it is said on screen already (in the
    /// dialog it reopened).
    fn log_failure(&mut self, what: &str, failure: Failure) {
        tracing::warn!(what, error = %failure.chain, "request failed");
        self.errors
            .push_front((chrono::Utc::now().format("%H:%M:%S").to_string(), failure));
        while self.errors.len() > MAX_ERRORS {
            self.errors.pop_back();
        }
    }

    /// A plan is in (or failed): its `planning …` toast has said all it had to.
    /// Why a plan that just came in opens no dialog: the operator has moved to another pane
    /// or opened something over it meanwhile (keys typed while it was read went there).
    fn moved_on(&self) -> Option<String> {
        (self.pane != self.plan_pane || self.overlay.is_some()).then(|| {
            format!(
                "the plan came after you had moved on, so no dialog opened; ask again in {}",
                self.plan_pane.title()
            )
        })
    }

    fn planned(&mut self) {
        self.toasts.retain(|t| !t.text.starts_with(shell::PLANNING));
    }

    /// A later success of the same kind: the status bar's failure of that kind (`filter`,
    /// `write failed`) no longer says how things stand, and goes (the error log keeps it).
    pub fn settled(&mut self, what: &str) {
        if self
            .last_error
            .as_deref()
            .is_some_and(|e| e.strip_prefix(what).is_some_and(|r| r.starts_with(": ")))
        {
            self.last_error = None;
        }
    }

    /// Advances toasts' timers; called on the spinner clock.
    pub fn tick(&mut self) {
        for t in &mut self.toasts {
            t.ttl = t.ttl.saturating_sub(1);
        }
        self.toasts.retain(|t| t.ttl > 0);
    }

    /// Whether keys are going into text (a prompt, a pane's form or a dialog).
    pub fn typing(&self) -> bool {
        self.prompt.is_some()
            || matches!(self.overlay, Some(Overlay::Dialog(_)))
            || self.focused().form().is_some()
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        // Keys typed while the terminal was not yet raw (during the sandbox's first seed, a
        // slow start) reach the console as the terminal line discipline left them: `enter` as
        // `\n`, which raw mode reads as ctrl-j. It is the enter it was, unless ctrl-j is bound.
        let key = if key.code == KeyCode::Char('j')
            && key.modifiers == KeyModifiers::CONTROL
            && self.keymap.action(&key).is_none()
        {
            KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)
        } else {
            key
        };
        if self.too_small {
            let quit = key.code == KeyCode::Char('q') && key.modifiers.is_empty()
                || key.code == KeyCode::Char('c') && key.modifiers == KeyModifiers::CONTROL;
            self.quit |= quit;
            return Vec::new();
        }
        let asked = self.dialog_coming();
        let mut c = self.on_key_inner(key);
        // A write's dialog opened (or asked for) by this key: what comes in the same burst was
        // typed before anyone could read it (`design⏎` typed into the list opened the disable
        // dialog on `d`, took `esign` as its reason and confirmed it).
        if !asked && self.dialog_coming() && self.hold.is_none() {
            self.hold = Some(Hold {
                at: std::time::Instant::now(),
                keys: String::new(),
                cause: if matches!(self.overlay, Some(Overlay::Dialog(_))) {
                    HoldCause::Dialog
                } else {
                    HoldCause::Asked
                },
            });
        }
        c.extend(self.ask_names());
        self.keep_last_view();
        c
    }

    /// A write's dialog is open, or being prepared (a plan, or a read its dialog waits for).
    fn dialog_coming(&self) -> bool {
        matches!(self.overlay, Some(Overlay::Dialog(_)))
            || self.ban_request.is_some()
            || self.reading.is_some()
            || self.users.waits()
    }

    /// The focused pane's last view follows what it shows (a narrowing dropped with `esc`, a
    /// Storage folder), not only what was typed at `/`: a filter dropped with `esc` was still
    /// applied the next session.
    fn keep_last_view(&mut self) {
        if self.opened.contains(&self.pane) {
            let shown = self.focused().saved_filter();
            match self.jumped.get_mut(&self.pane) {
                // Landed: what the jump shows is remembered, and not kept as the last view.
                Some(landed @ None) => *landed = Some(shown),
                Some(Some(from_jump)) if *from_jump == shown => {}
                _ => {
                    self.jumped.remove(&self.pane);
                    self.views.applied(self.pane, &shown);
                }
            }
        }
    }

    /// What a frame just drawn calls for: names for the rows it scrolled into view. A jump
    /// (`G`, a page down) moves the view while drawing, after the key's own ask had looked at
    /// the rows shown before, and the new rows' subs stayed until the next key.
    pub fn after_draw(&mut self) -> Vec<Command> {
        self.ask_names()
    }

    /// A name lookup for the subs on screen that have never been asked for.
    fn ask_names(&mut self) -> Vec<Command> {
        let wanted = self.focused().visible_subs();
        let subs = self.names.to_ask(wanted);
        if subs.is_empty() {
            return Vec::new();
        }
        let request = self.next_id();
        self.names_requests.push((request, subs.clone()));
        vec![Command::LoadNames { request, subs }]
    }

    fn on_key_inner(&mut self, key: KeyEvent) -> Vec<Command> {
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit = true;
            return Vec::new();
        }
        let action = self.keymap.action(&key);
        if let Some(held) = self.held_back(action, &key) {
            return held;
        }
        if let Some(overlay) = self.overlay.take() {
            return self.on_overlay_key(overlay, key);
        }
        if let Some(prompt) = self.prompt.take() {
            return self.on_line_key(prompt, key);
        }
        if self.focused().form().is_some() {
            return self.on_form_key(key);
        }
        let Some(action) = action else {
            return Vec::new();
        };
        let said = self.toasts_said;
        let requests = self.requests.len();
        self.nothing_here = false;
        let c = self.on_action(action);
        // A key that opens something to type into, refused with only a message: nothing
        // opened, asked or done. (Told by a message said, not by the bar's length: the same
        // refusal again, or one over three messages, left it as it was, and the keys typed
        // after the second try ran.) So is a key that does nothing here: the first letter of
        // a word typed into the list (`admins⏎`: `a` did nothing, `d` opened the disable
        // dialog, `mins` became its reason and `enter` disabled the account).
        let refused = (action.takes_text() || self.nothing_here)
            && c.is_empty()
            && self.toasts_said > said
            && self.requests.len() == requests
            && !self.typing()
            && self.overlay.is_none()
            // A key that waits for what it acts on (a user loading) is not refused.
            && !self.dialog_coming();
        if refused {
            self.hold = Some(Hold {
                at: std::time::Instant::now(),
                keys: String::new(),
                cause: HoldCause::Refusal,
            });
        }
        c
    }

    /// Keys that come hard on a refusal were typed believing a dialog or a prompt had
    /// opened (a reason after `d` on a disabled account, `/failed` where `/` is refused), and
    /// keys in the burst that opened a write's dialog were typed before it could be read: they
    /// are held back instead of each running as a key (`e` of "test" opened the enable dialog,
    /// the rest went into its reason, and `enter` enabled the account). Every key is held,
    /// moving ones too (the `k` of "fake" moved to the row above, whose `e` then ran), but
    /// `esc`; the hold lasts while they keep coming, and a pause ends it.
    fn held_back(&mut self, action: Option<Action>, key: &KeyEvent) -> Option<Vec<Command>> {
        let hold = self.hold.as_mut()?;
        let guard = match hold.cause {
            HoldCause::Refusal => self.refusal_guard,
            HoldCause::Dialog | HoldCause::Asked => self.burst_gap,
        };
        // `q` pressed first after a refusal is meant (a word that starts with it is the price);
        // within held text, or in a dialog, it is held as the rest is.
        let quits = hold.cause == HoldCause::Refusal
            && action == Some(Action::Quit)
            && hold.keys.is_empty();
        let esc = key.code == KeyCode::Esc || action == Some(Action::Back);
        if hold.at.elapsed() >= guard || esc || quits {
            self.hold = None;
            return None;
        }
        hold.at = std::time::Instant::now();
        let was = hold.to_string();
        match key.code {
            KeyCode::Char(c) => hold.keys.push(c),
            KeyCode::Enter => hold.keys.push('⏎'),
            _ => hold.keys.push('·'),
        }
        let now = hold.to_string();
        self.toasts.retain(|t| t.text != was);
        self.toast(now);
        Some(Vec::new())
    }

    /// Pasted text (bracketed paste) goes to whatever is taking text; elsewhere it is dropped.
    pub fn on_paste(&mut self, text: &str) -> Vec<Command> {
        if let Some(Overlay::Dialog(d)) = &mut self.overlay {
            d.paste(text);
        } else if let Some(prompt) = &mut self.prompt {
            prompt.input.paste(text);
        } else {
            let (pane, _) = self.pane_mut(self.pane);
            if let Some(input) = pane.form_input() {
                input.paste(text);
            }
        }
        Vec::new()
    }

    fn on_form_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let (pane, ids) = self.pane_mut(self.pane);
        let edit = pane
            .form_input()
            .map_or(Edit::Ignored, |input| input.handle(key));
        let outcome = match edit {
            Edit::Edited => Outcome::None,
            Edit::Submit => pane.on_form_key(FormKey::Submit, ids),
            Edit::Cancel => pane.on_form_key(FormKey::Cancel, ids),
            Edit::Ignored => match key.code {
                KeyCode::Enter => pane.on_form_key(FormKey::Submit, ids),
                KeyCode::Esc => pane.on_form_key(FormKey::Cancel, ids),
                _ => pane.on_form_key(FormKey::Other(key), ids),
            },
        };
        self.apply(outcome)
    }

    pub fn on_action(&mut self, action: Action) -> Vec<Command> {
        match action {
            Action::Quit => {
                self.quit = true;
                Vec::new()
            }
            Action::Help => {
                self.overlay = Some(Overlay::Help { scroll: 0 });
                Vec::new()
            }
            Action::Redraw => {
                self.requests.push(Request::Redraw);
                Vec::new()
            }
            Action::ErrorLog => {
                self.overlay = Some(Overlay::ErrorLog { scroll: 0 });
                Vec::new()
            }
            Action::CommandMode => {
                self.prompt = Some(LinePrompt::new(LineKind::Command, ""));
                Vec::new()
            }
            Action::Filter if !self.focused().filters() => {
                let hint = self.focused().filter_hint();
                self.toast(hint);
                Vec::new()
            }
            Action::Filter => {
                // The filter in force is offered: typing replaces it (a new search), a cursor
                // key edits it.
                let current = self.focused().filter_text().to_string();
                let mut prompt = LinePrompt::new(LineKind::Filter, &current);
                prompt.input = prompt.input.offered();
                self.prompt = Some(prompt);
                Vec::new()
            }
            Action::NextPane | Action::PrevPane => {
                let i = PaneId::ALL
                    .iter()
                    .position(|p| *p == self.pane)
                    .unwrap_or(0);
                let n = PaneId::ALL.len();
                let next = if action == Action::NextPane {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                self.open_pane(PaneId::ALL[next])
            }
            Action::Who => match self.focused().selected_user() {
                Some(who) => self.open_who(who),
                None => {
                    self.toast("the selected row names no user");
                    Vec::new()
                }
            },
            Action::CopyId => match self.focused().selected_id() {
                Some((what, id)) => {
                    self.requests.push(Request::Clipboard(id.clone()));
                    self.toast(format!("copied the {what} {}", crate::text::one_line(&id)));
                    Vec::new()
                }
                None => {
                    self.toast("nothing selected to copy");
                    Vec::new()
                }
            },
            Action::Export => self.export(),
            Action::ConsoleLink => {
                let message = self.copy_console_link();
                self.toast(message);
                Vec::new()
            }
            Action::HopBack => match self.hops.pop() {
                Some(pane) => self.open_pane(pane),
                None => {
                    self.toast("no jump to go back from");
                    Vec::new()
                }
            },
            // `esc` clears a shown error first, wherever the pane is: pressed to dismiss it,
            // it must not also close the thread, the tail or the folder being looked at.
            // But work under way is stopped by the same press ([`Pane::esc_stops_work`]): with
            // CloudWatch hanging, an error is often on the bar.
            Action::Back if self.last_error.is_some() && !self.focused().esc_stops_work() => {
                self.last_error = None;
                Vec::new()
            }
            _ => {
                if action == Action::Back {
                    self.last_error = None;
                }
                let (pane, ids) = self.pane_mut(self.pane);
                let outcome = pane.on_action(action, ids);
                // Another pane's key that this screen ignores says so, rather than nothing
                // (`S` in Audit, `v` in Users read as a key that failed).
                if outcome == Outcome::None
                    && (action.scope() != crate::keymap::Scope::Everywhere
                        || action == Action::NextView)
                    && !self.focused().offers().contains(&action)
                {
                    let key = self.keymap.hint(action);
                    self.toast(format!(
                        "{key} ({}) does nothing here: ? lists this screen's keys",
                        action.name()
                    ));
                    self.nothing_here = true;
                    return Vec::new();
                }
                self.apply(outcome)
            }
        }
    }

    /// `ctrl-e`: asks where to export the view to; with an export running, cancels it.
    fn export(&mut self) -> Vec<Command> {
        if let Some(running) = self.exporting.take() {
            // Dropping the handle stops the task, which removes the part written.
            drop(running.handle);
            self.toast("cancelling the export…");
            return Vec::new();
        }
        match self.focused().export_source() {
            Ok(source) => {
                let path = export::default_path(&source, chrono::Utc::now());
                self.export_source = Some(source);
                self.prompt = Some(LinePrompt::new(LineKind::Export, &path));
            }
            Err(why) => self.toast(why),
        }
        Vec::new()
    }

    /// Starts writing the view to `path`.
    pub(crate) fn start_export(&mut self, path: &str) -> Vec<Command> {
        let Some(source) = self.export_source.take() else {
            return Vec::new();
        };
        let path = path.trim();
        // What can be told now (a name of the wrong kind, a file that exists, a folder that
        // does not) opens the prompt again with what was typed, to mend it: it closed, and the
        // next keys went to the pane.
        let refused = export::ExportFormat::of(path).and_then(|f| {
            match export::refused_path(std::path::Path::new(path)) {
                Some(why) => Err(why),
                None => Ok(f),
            }
        });
        let format = match refused {
            Ok(f) => f,
            Err(why) => {
                self.fail("export", Failure::new(why));
                self.export_source = Some(source);
                self.prompt = Some(LinePrompt::new(LineKind::Export, path));
                return Vec::new();
            }
        };
        // The refusal of the name typed before is behind us (it stayed on the bar beside
        // the export it was mended into).
        if self
            .last_error
            .as_deref()
            .is_some_and(|e| e.starts_with("export: "))
        {
            self.last_error = None;
        }
        let request = self.next_id();
        let (handle, stop) = logs::feed_channel();
        self.exporting = Some(export::Exporting {
            request,
            path: path.into(),
            rows: 0,
            handle,
        });
        vec![Command::Export(export::ExportJob {
            request,
            source,
            path: path.into(),
            format,
            stop,
        })]
    }

    /// `Y`: the selected thing's AWS console page onto the clipboard; what the toast says.
    fn copy_console_link(&mut self) -> String {
        if self.context.region == "local" {
            return "the sandbox has no AWS console".into();
        }
        let Some(target) = self.focused().console_target() else {
            return "the selected row has no page in the AWS console".into();
        };
        match copy::console_url(&target, &self.context.region, self.user_pool.as_deref()) {
            Some(url) => {
                self.requests.push(Request::Clipboard(url));
                "copied the AWS console link".into()
            }
            None => "this environment names no user pool (user_pool_id) to link to".into(),
        }
    }

    /// Switches pane for a jump, remembering where it came from for `-`.
    fn hop_to(&mut self, pane: PaneId) {
        // A jump shows what it jumped to: the pane's last view is not applied over it later,
        // nor is what it shows kept as the last view.
        self.opened.insert(pane);
        self.jumped.insert(pane, None);
        if self.pane != pane {
            self.hops.push(self.pane);
            if self.hops.len() > MAX_HOPS {
                self.hops.remove(0);
            }
        }
        self.pane = pane;
    }

    /// Turns what a pane asked for into commands, dialogs or messages.
    fn apply(&mut self, outcome: Outcome) -> Vec<Command> {
        match outcome {
            Outcome::None => Vec::new(),
            Outcome::Commands(c) => c,
            Outcome::Reading { commands, message } => {
                // One at a time: a newer word on what is awaited replaces the older.
                self.reading_answered();
                self.toast(message.clone());
                self.reading = Some(message);
                commands
            }
            Outcome::Message(m) => {
                self.reading_answered();
                self.toast(m);
                Vec::new()
            }
            Outcome::Settled { message, what } => {
                self.settled(what);
                if !message.is_empty() {
                    self.toast(message);
                }
                Vec::new()
            }
            Outcome::Clipboard(text) => {
                self.requests.push(Request::Clipboard(text));
                Vec::new()
            }
            Outcome::Propose(proposal) => {
                self.reading_answered();
                // Settings that cannot be completed let no write through this session (each
                // needs its audit row): said at once, not after a reason was typed and the
                // write refused "while the check fails", which read as passing.
                if let Some(why) = &self.database_failed
                    && why.cause == Cause::Setup
                {
                    let refused = Failure {
                        cause: Cause::Setup,
                        ..Failure::refusal(format!(
                            "{why}: nothing is written this session; quit, mend the setting, \
                             and start again"
                        ))
                    };
                    // Said by what it is, not by the write's verb: a long verb left the
                    // variable cut out of the status bar.
                    self.fail("nothing written", refused);
                    return Vec::new();
                }
                // A write that could not be audited here is refused before anything is asked.
                if let crate::app::dialog::Form::Ready(op) = &proposal.form
                    && let Err(refused) = crate::ops::admit_operation(&self.context, op)
                {
                    self.toast(refused.message);
                    return Vec::new();
                }
                let gate = match crate::ops::admit(&self.context, &proposal.verb) {
                    Ok(gate) => gate,
                    Err(refused) => {
                        self.toast(refused.message);
                        return Vec::new();
                    }
                };
                let typed = match gate {
                    crate::ops::Gate::TypeName(name) => Some(name),
                    crate::ops::Gate::Confirm => None,
                };
                let mut proposal = proposal;
                proposal.changes = proposal
                    .changes
                    .iter()
                    .map(|c| self.names.named_users(c))
                    .collect();
                let mut dialog = Dialog::new(proposal, typed);
                if let Some(why) = &self.database_failed {
                    dialog.problem = Some(format!(
                        "the database check failed: {why}. Enter checks it again, and nothing \
                         is written while it fails"
                    ));
                }
                self.overlay = Some(Overlay::Dialog(Box::new(dialog)));
                Vec::new()
            }
            Outcome::Plan(planning) => self.plan(planning),
            Outcome::GoToUser(sub) => {
                self.hop_to(PaneId::Users);
                self.users.find_by_sub(sub, &mut self.ids)
            }
            Outcome::GoToRequest {
                id,
                groups,
                at,
                line,
            } => {
                let from = (self.pane != PaneId::Logs).then_some(self.pane);
                self.hop_to(PaneId::Logs);
                let outcome = self
                    .logs
                    .show_request(id, groups, at, line, from, &mut self.ids);
                self.apply(outcome)
            }
            // Read from here; the view opens (and the pane changes) once the stream answers.
            Outcome::FindRequest { line, groups } => {
                let outcome = self.logs.find_running(line, groups, true, &mut self.ids);
                self.apply(outcome)
            }
            Outcome::GoToInsights {
                text,
                groups,
                range,
            } => {
                self.hop_to(PaneId::Insights);
                let mut c = self.insights.open(&mut self.ids);
                let outcome =
                    self.insights
                        .run_prepared(&text, Some(groups), Some(range), &mut self.ids);
                c.extend(self.apply(outcome));
                c
            }
            Outcome::HopBack { to } if self.hops.last() == Some(&to) => {
                self.hops.pop();
                self.open_pane(to)
            }
            Outcome::HopBack { .. } => Vec::new(),
            Outcome::GoToObject(key) => {
                self.hop_to(PaneId::Storage);
                let outcome = self.storage.show_object(key, &mut self.ids);
                self.apply(outcome)
            }
        }
    }

    /// Sends a confirmed write, remembering which pane to refresh when it is done.
    fn send_write(
        &mut self,
        operation: Operation,
        reason: backoffice_domain::model::Reason,
        mut asked: Box<dialog::Dialog>,
    ) -> Vec<Command> {
        let request = self.next_id();
        let then = match &operation {
            Operation::DeleteAccount { .. } => Then::CloseUser,
            Operation::CreateUser(account) => Then::OpenUser(account.clone()),
            _ => Then::Refresh,
        };
        asked.problem = None;
        self.writes.push(Write {
            request,
            what: operation.label(),
            progress: None,
            pane: self.pane,
            then,
            asked,
        });
        vec![Command::Write {
            request,
            operation,
            reason,
        }]
    }

    /// Opens `:who` on `who`.
    fn open_who(&mut self, who: Who) -> Vec<Command> {
        let request = self.next_id();
        self.overlay = Some(Overlay::Who(Box::new(who::WhoView {
            who: who.to_string(),
            request,
            state: who::WhoState::Loading,
            scroll: 0,
        })));
        vec![Command::LoadWho { request, who }]
    }

    pub fn on_mouse(&mut self, mouse: MouseEvent, list_top: u16) -> Vec<Command> {
        if self.overlay.is_some() || self.prompt.is_some() || self.too_small {
            return Vec::new();
        }
        let repeat = |app: &mut App, action| -> Vec<Command> {
            (0..WHEEL_ROWS)
                .flat_map(|_| app.on_action(action))
                .collect()
        };
        match mouse.kind {
            MouseEventKind::ScrollDown => repeat(self, Action::Down),
            MouseEventKind::ScrollUp => repeat(self, Action::Up),
            MouseEventKind::Down(MouseButton::Left) if mouse.row == 0 => {
                match crate::ui::tab_at(mouse.column, self.screen_width, self.pane) {
                    Some(pane) if pane != self.pane => self.open_pane(pane),
                    _ => Vec::new(),
                }
            }
            MouseEventKind::Down(MouseButton::Left)
                if mouse.row >= list_top && mouse.row < self.pane_end =>
            {
                let row = (mouse.row - list_top) as usize;
                let (pane, ids) = self.pane_mut(self.pane);
                let outcome = pane.click(row, mouse.column, ids);
                self.apply(outcome)
            }
            _ => Vec::new(),
        }
    }

    pub fn on_event(&mut self, event: AppEvent) -> Vec<Command> {
        let mut c = self.on_event_inner(event);
        c.extend(self.ask_names());
        c
    }

    fn on_event_inner(&mut self, event: AppEvent) -> Vec<Command> {
        // The Metrics pane's alarms are news for the badge too (fresher than its minute).
        if let AppEvent::Metrics(metrics::MetricsEvent::Alarms {
            result: Ok(alarms), ..
        }) = &event
        {
            self.alarm_badge = metrics::badge(alarms);
        }
        if let Some(id) = event.pane() {
            // A read that now answers clears the status bar's failure of the same read (a
            // not-found author stayed there beside their posts, found since).
            let settles: &[&str] = match &event {
                AppEvent::PostsLoaded { result: Ok(_), .. } => {
                    &["loading posts", "finding the author"]
                }
                AppEvent::AuthorFound { result: Ok(_), .. } => &["finding the author"],
                AppEvent::QueueLoaded { result: Ok(_), .. } => &["loading the reports queue"],
                _ => &[],
            };
            let (pane, ids) = self.pane_mut(id);
            let (outcome, failed) = pane.on_event(event, ids);
            match failed {
                Some((what, failure)) => self.fail(&what, failure),
                None => settles.iter().for_each(|what| self.settled(what)),
            }
            // A write asked for by a key that waited for its answer (a user still loading)
            // opens only where it was asked: not over help, another pane or another dialog.
            if matches!(outcome, Outcome::Propose(_) | Outcome::Plan(_))
                && (self.pane != id || self.overlay.is_some())
            {
                let what = match &outcome {
                    Outcome::Propose(p) => p.verb.clone(),
                    _ => "the key".to_string(),
                };
                self.reading_answered();
                self.toast(format!(
                    "dropped: {what} (pressed in {} while it loaded; you had moved on)",
                    id.title()
                ));
                return Vec::new();
            }
            return self.apply(outcome);
        }
        match event {
            AppEvent::Opened(opened) => {
                match opened {
                    Opened::Identity(Ok(arn)) => self.context.operator = arn,
                    Opened::Identity(Err(e)) => {
                        self.context.operator = "(identity unknown)".to_string();
                        self.fail("AWS identity", Failure::new(e));
                    }
                    Opened::Database(Ok(())) => self.database_failed = None,
                    Opened::Database(Err(e)) => {
                        let failure = Failure::new(e);
                        self.database_failed = Some(failure.clone());
                        self.fail("database", failure);
                    }
                    Opened::DatabaseUnconfigured(e) => {
                        let failure = Failure {
                            cause: Cause::Setup,
                            ..Failure::new(e)
                        };
                        self.database_failed = Some(failure.clone());
                        self.fail("database", failure);
                    }
                }
                Vec::new()
            }
            AppEvent::Planned {
                request,
                what,
                result,
            } => {
                if self.ban_request != Some(request) {
                    return Vec::new();
                }
                self.ban_request = None;
                self.planned();
                if let Some(dropped) = self.moved_on() {
                    self.toast(format!("{what}: {dropped}"));
                    return Vec::new();
                }
                match result {
                    Ok(proposal) => self.apply(Outcome::Propose(proposal)),
                    Err(f) => {
                        self.fail(what, f);
                        Vec::new()
                    }
                }
            }
            AppEvent::PlanRefused {
                request,
                what,
                message,
            } => {
                if self.ban_request != Some(request) {
                    return Vec::new();
                }
                self.ban_request = None;
                self.planned();
                self.toast(format!("{what}: {message}"));
                Vec::new()
            }
            AppEvent::BanPlanned {
                request,
                unban,
                result,
            } => {
                if self.ban_request != Some(request) {
                    return Vec::new();
                }
                self.ban_request = None;
                self.planned();
                let what = if unban { "unban" } else { "ban" };
                if let Some(dropped) = self.moved_on() {
                    self.toast(format!("{what}: {dropped}"));
                    return Vec::new();
                }
                match result {
                    Ok(plan) => self.apply(Outcome::Propose(shell::ban_proposal(plan))),
                    Err(f) => {
                        self.fail(what, f);
                        Vec::new()
                    }
                }
            }
            AppEvent::Metrics(metrics::MetricsEvent::Badge { request, result }) => {
                if self.badge_request != Some(request) {
                    return Vec::new();
                }
                self.badge_request = None;
                match result {
                    Ok(alarms) => {
                        self.alarm_badge = metrics::badge(&alarms);
                        self.metrics.alarms_polled(alarms);
                    }
                    // The badge is a hint: a failed refresh is logged and tried again next
                    // minute; the last answer stays.
                    Err(f) => {
                        tracing::info!(error = %f.chain, "alarms could not be read for the badge")
                    }
                }
                Vec::new()
            }
            AppEvent::Export(export::ExportEvent::Progress { request, rows }) => {
                if let Some(e) = self.exporting.as_mut().filter(|e| e.request == request) {
                    e.rows = rows;
                }
                Vec::new()
            }
            AppEvent::Export(export::ExportEvent::Done { request, result }) => {
                let path = match &self.exporting {
                    Some(e) if e.request == request => Some(e.path.display().to_string()),
                    _ => None,
                };
                match (result, path) {
                    (Ok(rows), Some(path)) => self.toast(format!(
                        "exported {} to {}",
                        crate::text::plural(rows as usize, "row"),
                        crate::text::one_line(&path)
                    )),
                    (Err(f), Some(_)) => self.fail("export", f),
                    // Cancelled here (`ctrl-e` again): its end says what was removed.
                    (Err(f), None) => self.toast(f.message),
                    (Ok(_), None) => {}
                }
                if self
                    .exporting
                    .as_ref()
                    .is_some_and(|e| e.request == request)
                {
                    self.exporting = None;
                }
                Vec::new()
            }
            AppEvent::NamesLoaded { request, result } => {
                let Some(i) = self.names_requests.iter().position(|(r, _)| *r == request) else {
                    return Vec::new();
                };
                let (_, asked) = self.names_requests.remove(i);
                match result {
                    Ok(names) => {
                        self.names.learn(&asked, names);
                        self.posts.names_arrived();
                        self.audit.list.forget_widths();
                    }
                    // Names only decorate: the subs stay on screen, and are asked for again
                    // when next shown.
                    Err(f) => {
                        tracing::info!(error = %f.chain, "names could not be looked up");
                        self.names.forget(&asked);
                    }
                }
                Vec::new()
            }
            AppEvent::WhoLoaded { request, result } => {
                if let Some(Overlay::Who(view)) = &mut self.overlay
                    && view.request == request
                {
                    view.state = match result {
                        Ok(lines) => who::WhoState::Loaded(lines),
                        Err(f) => who::WhoState::Failed(f),
                    };
                }
                Vec::new()
            }
            AppEvent::WriteProgress { request, taken, of } => {
                if let Some(w) = self.writes.iter_mut().find(|w| w.request == request) {
                    w.progress = Some((taken, of));
                }
                Vec::new()
            }
            AppEvent::WriteDone {
                request,
                result,
                changed,
            } => {
                let Some(i) = self.writes.iter().position(|w| w.request == request) else {
                    return Vec::new();
                };
                let write = self.writes.remove(i);
                let done = result.is_ok();
                match result {
                    Ok(summary) => {
                        // The write checked the database first: it answers now.
                        self.database_failed = None;
                        self.settled("write failed");
                        self.settled(PARTLY_DONE);
                        self.toast(summary)
                    }
                    Err(f) => {
                        // Refused before anything changed: its dialog again, as it was filled,
                        // with why (unless another dialog or view has been opened since).
                        // It says why there, once (the status bar said it again beneath).
                        // Only on the pane it was asked from: over another, it took the keys
                        // meant for that pane, and `enter` would have sent the write again.
                        if !changed
                            && self.overlay.is_none()
                            && self.prompt.is_none()
                            && self.pane == write.pane
                        {
                            let mut asked = write.asked;
                            asked.problem = Some(f.message.clone());
                            self.overlay = Some(Overlay::Dialog(asked));
                            self.log_failure("write failed", f)
                        } else if f.cause == Cause::Partly {
                            // What did change (a bulk write's first rows) is read again below;
                            // "failed" said of it read as if nothing had been done.
                            self.fail(PARTLY_DONE, f)
                        } else {
                            self.fail("write failed", f)
                        }
                    }
                }
                if !changed {
                    return Vec::new();
                }
                // A name may be among what changed (a display name cleared, an attribute set).
                self.names.read_again();
                // What the write may have changed elsewhere is read again when shown (the
                // audit log is read each time it is shown anyway).
                self.stale.extend(
                    [PaneId::Users, PaneId::Posts, PaneId::Storage]
                        .into_iter()
                        .filter(|p| *p != write.pane),
                );
                if done {
                    match write.then {
                        Then::Refresh => {}
                        Then::CloseUser => self.users.close_detail(),
                        Then::OpenUser(account) => {
                            self.hop_to(PaneId::Users);
                            return self.users.open_created(account.username, &mut self.ids);
                        }
                    }
                }
                // An undo made in the audit log shows its own row, the newest, at the top
                // (the view was left where it was, scrolled down, and the row above it).
                if done && write.pane == PaneId::Audit {
                    self.audit.show_newest();
                }
                let (pane, ids) = self.pane_mut(write.pane);
                // Done on the marked rows: they are unmarked; where it failed partway, the marks
                // stay for another try (rows it changed are then left alone, and said).
                if done {
                    pane.clear_marks();
                }
                pane.refresh(ids)
            }
            // Pane events were handed on above.
            _ => Vec::new(),
        }
    }

    /// Draws the pane on screen into `area`.
    pub fn draw_pane(
        &mut self,
        frame: &mut ratatui::Frame<'_>,
        area: ratatui::layout::Rect,
        theme: &crate::theme::Theme,
    ) {
        let covered = self.overlay.is_some();
        let look = crate::ui::Look {
            theme,
            keys: &self.keymap,
            covered,
            names: &self.names,
        };
        let pane: &mut dyn Pane = match self.pane {
            PaneId::Users => &mut self.users,
            PaneId::Posts => &mut self.posts,
            PaneId::Audit => &mut self.audit,
            PaneId::Storage => &mut self.storage,
            PaneId::Logs => &mut self.logs,
            PaneId::Insights => &mut self.insights,
            PaneId::Metrics => &mut self.metrics,
        };
        pane.draw(frame, area, &look);
    }

    /// Asks for the alarms behind the status bar's badge (the loop calls this every minute);
    /// nothing while the last ask is unanswered.
    pub fn refresh_alarm_badge(&mut self) -> Vec<Command> {
        if self.badge_request.is_some() {
            return Vec::new();
        }
        let request = self.next_id();
        self.badge_request = Some(request);
        vec![Command::Metrics(metrics::MetricsCommand::Badge { request })]
    }

    /// The prompt line's input while it is open, for drawing.
    pub fn line_input(&self) -> Option<&TextInput> {
        self.prompt.as_ref().map(|p| &p.input)
    }
}

/// The sandbox context the console's tests run under.
#[cfg(test)]
pub(crate) fn test_context() -> Context {
    Context {
        environment: "sandbox".into(),
        production: false,
        profile: None,
        region: "local".into(),
        operator: "sandbox:ops".into(),
        read_only: false,
        audited: true,
    }
}

#[cfg(test)]
pub(crate) mod tests;
