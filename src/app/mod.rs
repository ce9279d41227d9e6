//! The console's state and its synchronous update. Keys and finished requests come in; commands
//! (work for background tasks, each with a request id) go out. No `.await`, no I/O here, so the
//! whole console can be driven by tests with keys and canned results.

pub mod audit;
pub mod dialog;
pub mod list;
pub mod logs;
pub mod posts;
pub mod storage;
pub mod users;
pub mod who;

use crate::keymap::{Action, Keymap};
use backoffice_domain::model::{
    ActivityCounts, AuditEntry, AuditFilter, Cursor, DirectoryUser, Group, ModerationAction,
    ModerationTarget, Page, Post, PostFilter, ReportGroup, ReportResolution, Target, UserProfile,
    UserSub, Username,
};
use backoffice_domain::ports::UserQuery;
use backoffice_domain::services::accounts::AccountAction;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use dialog::Dialog;
use std::collections::VecDeque;

/// Rows per request for lists the database serves.
pub const PAGE_SIZE: u32 = 100;
/// Toasts shown at once; older ones drop off.
const MAX_TOASTS: usize = 3;
/// Jumps remembered for `-`.
const MAX_HOPS: usize = 20;
/// Failures kept for the error log popup.
const MAX_ERRORS: usize = 200;

/// Identifies one request so that a late answer to an abandoned request is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub u64);

/// Hands out request ids, unique for the session.
#[derive(Debug, Default)]
pub struct Ids(u64);

impl Ids {
    pub fn issue(&mut self) -> RequestId {
        self.0 += 1;
        RequestId(self.0)
    }
}

/// A failure as the console shows it: a line for the status bar, the chain for the error log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    pub chain: String,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            chain: message.clone(),
            message,
        }
    }
}

impl From<backoffice_domain::DomainError> for Failure {
    fn from(e: backoffice_domain::DomainError) -> Self {
        Self {
            message: e.to_string(),
            chain: e.chain(),
        }
    }
}

/// What a user detail view shows, from the directory and the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserDetail {
    pub user: DirectoryUser,
    pub groups: Vec<Group>,
    pub profile: Option<UserProfile>,
    pub counts: Option<ActivityCounts>,
}

/// A change the operator confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    Moderate {
        targets: Vec<ModerationTarget>,
        action: ModerationAction,
    },
    ResolveReports {
        targets: Vec<Target>,
        resolution: ReportResolution,
    },
    Account {
        username: Username,
        action: AccountAction,
    },
    /// A planned ban or unban, run step by step.
    Ban(Box<backoffice_domain::services::ban::Plan>),
    Storage(storage::StorageWrite),
}

/// Work for the runtime to start in the background.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Plans a ban (or an unban) of a user, for the dialog to list every call.
    PlanBan {
        request: RequestId,
        username: Username,
        unban: bool,
    },
    /// Everything about one user, from every service (`:who`).
    LoadWho {
        request: RequestId,
        who: String,
    },
    LoadPosts {
        request: RequestId,
        filter: PostFilter,
        cursor: Option<Cursor>,
    },
    LoadQueue {
        request: RequestId,
        cursor: Option<Cursor>,
    },
    /// A post's thread; for a comment, the thread of its post with the comment selected.
    LoadThread {
        request: RequestId,
        target: ModerationTarget,
    },
    LoadUsers {
        request: RequestId,
        query: UserQuery,
        cursor: Option<Cursor>,
    },
    LoadUser {
        request: RequestId,
        username: Username,
    },
    LoadAudit {
        request: RequestId,
        filter: AuditFilter,
        cursor: Option<Cursor>,
    },
    Write {
        request: RequestId,
        write: Write,
        reason: String,
    },
    Storage(storage::StorageCommand),
    /// The Logs pane's work: groups, feeds (tails and queries), saves.
    Logs(logs::LogsCommand),
}

/// A finished piece of background work.
#[derive(Debug, Clone)]
pub enum AppEvent {
    PostsLoaded {
        request: RequestId,
        result: Result<Page<Post>, Failure>,
    },
    QueueLoaded {
        request: RequestId,
        result: Result<Page<ReportGroup>, Failure>,
    },
    ThreadLoaded {
        request: RequestId,
        result: Result<posts::ThreadData, Failure>,
    },
    UsersLoaded {
        request: RequestId,
        result: Result<Page<DirectoryUser>, Failure>,
    },
    UserLoaded {
        request: RequestId,
        result: Result<UserDetail, Failure>,
    },
    AuditLoaded {
        request: RequestId,
        result: Result<Page<AuditEntry>, Failure>,
    },
    /// A write finished: a summary for the toast, or what failed.
    WriteDone {
        request: RequestId,
        result: Result<String, Failure>,
    },
    /// A ban's or unban's plan.
    BanPlanned {
        request: RequestId,
        result: Result<backoffice_domain::services::ban::Plan, Failure>,
    },
    /// `:who`'s view, as lines.
    WhoLoaded {
        request: RequestId,
        result: Result<Vec<String>, Failure>,
    },
    Storage(storage::StorageEvent),
    /// Log groups, a feed's batches and its end, a save's result.
    Logs(logs::LogsEvent),
}

/// What the status bar shows about the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub environment: String,
    pub production: bool,
    pub profile: Option<String>,
    pub region: String,
    pub operator: String,
    pub read_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaneId {
    Users,
    Posts,
    Audit,
    Storage,
    Logs,
}

impl PaneId {
    pub const ALL: [PaneId; 5] = [
        PaneId::Users,
        PaneId::Posts,
        PaneId::Audit,
        PaneId::Storage,
        PaneId::Logs,
    ];

    pub fn title(self) -> &'static str {
        match self {
            PaneId::Users => "Users",
            PaneId::Posts => "Posts & comments",
            PaneId::Audit => "Audit",
            PaneId::Storage => "Storage",
            PaneId::Logs => "Logs",
        }
    }
}

/// What the bottom line is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// `:` typed; the text after it.
    Command(String),
    /// `/` typed; the filter being edited.
    Filter(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help,
    ErrorLog,
    Dialog(Box<Dialog>),
    /// `:who`: one user from every service.
    Who(Box<who::WhoView>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub text: String,
    pub error: bool,
    /// Ticks (frames of the spinner clock) left before it fades.
    pub ttl: u16,
}

/// The commands `:` knows, for completion.
pub const COMMANDS: &[&str] = &[
    "users", "posts", "reports", "audit", "storage", "logs", "who", "ban", "unban", "env", "theme",
    "help", "q", "quit",
];

/// A request from the app to the loop that is not background work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    SwitchEnvironment(String),
    SwitchTheme(String),
    /// Put this text on the terminal's clipboard (OSC 52).
    Clipboard(String),
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
    pub mode: Mode,
    pub overlay: Option<Overlay>,
    pub toasts: VecDeque<Toast>,
    pub errors: VecDeque<(String, Failure)>,
    pub last_error: Option<String>,
    /// AWS throttling the clients met recently and retried, for the status bar.
    pub throttled: Option<String>,
    /// Environments and themes `:env` and `:theme` complete from.
    pub environments: Vec<String>,
    pub themes: Vec<String>,
    /// Requests for the loop (switch environment or theme).
    pub requests: Vec<Request>,
    pub quit: bool,
    /// Writes in flight, by request.
    writes: Vec<(RequestId, PaneId)>,
    /// The ban or unban being planned.
    ban_request: Option<RequestId>,
    /// Panes jumps came from, most recent last, for `-`.
    hops: Vec<PaneId>,
    ids: Ids,
}

impl App {
    /// A console on `pane`, asking at once for what it shows.
    pub fn new(context: Context, keymap: Keymap, pane: PaneId) -> (Self, Vec<Command>) {
        let mut app = Self {
            context,
            keymap,
            pane,
            users: users::UsersPane::default(),
            posts: posts::PostsPane::default(),
            audit: audit::AuditPane::default(),
            storage: storage::StoragePane::default(),
            logs: logs::LogsPane::default(),
            mode: Mode::Normal,
            overlay: None,
            toasts: VecDeque::new(),
            errors: VecDeque::new(),
            last_error: None,
            throttled: None,
            environments: Vec::new(),
            themes: Vec::new(),
            requests: Vec::new(),
            quit: false,
            writes: Vec::new(),
            ban_request: None,
            hops: Vec::new(),
            ids: Ids::default(),
        };
        app.storage.read_only = app.context.read_only;
        let commands = app.open_pane(pane);
        (app, commands)
    }

    pub fn next_id(&mut self) -> RequestId {
        self.ids.issue()
    }

    /// Whether anything is in flight (the status bar's spinner).
    pub fn pending(&self) -> usize {
        self.users.pending()
            + self.posts.pending()
            + self.audit.pending()
            + self.storage.pending()
            + self.logs.pending()
            + self.writes.len()
    }

    pub fn is_busy(&self) -> bool {
        self.pending() > 0 || !self.toasts.is_empty()
    }

    /// Shows `pane`, loading it the first time.
    pub fn open_pane(&mut self, pane: PaneId) -> Vec<Command> {
        self.pane = pane;
        match pane {
            PaneId::Users => self.users.open(&mut self.ids),
            PaneId::Posts => self.posts.open(&mut self.ids),
            PaneId::Audit => self.audit.open(&mut self.ids),
            PaneId::Storage => self.storage.open(&mut self.ids),
            PaneId::Logs => self.logs.open(&mut self.ids),
        }
    }

    pub fn toast(&mut self, text: impl Into<String>) {
        self.push_toast(text.into(), false);
    }

    fn push_toast(&mut self, text: String, error: bool) {
        self.toasts.push_back(Toast {
            text,
            error,
            ttl: 40,
        });
        while self.toasts.len() > MAX_TOASTS {
            self.toasts.pop_front();
        }
    }

    /// Records a failure: status bar, toast, and the error log.
    pub fn fail(&mut self, what: &str, failure: Failure) {
        tracing::warn!(what, error = %failure.chain, "request failed");
        self.last_error = Some(format!("{what}: {}", failure.message));
        self.push_toast(format!("{what}: {}", failure.message), true);
        self.errors
            .push_front((chrono::Utc::now().format("%H:%M:%S").to_string(), failure));
        while self.errors.len() > MAX_ERRORS {
            self.errors.pop_back();
        }
    }

    /// Advances toasts' timers; called on the spinner clock.
    pub fn tick(&mut self) {
        for t in &mut self.toasts {
            t.ttl = t.ttl.saturating_sub(1);
        }
        self.toasts.retain(|t| t.ttl > 0);
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit = true;
            return Vec::new();
        }
        if let Some(overlay) = self.overlay.take() {
            return self.on_overlay_key(overlay, key);
        }
        if self.pane == PaneId::Storage && self.storage.wants_keys() {
            let outcome = self.storage.on_key(key, &mut self.ids);
            return self.apply(outcome);
        }
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Command(text) => return self.on_command_key(text, key),
            Mode::Filter(text) => return self.on_filter_key(text, key),
            Mode::Normal => {}
        }
        if self.pane == PaneId::Logs && self.logs.editing() {
            let outcome = self.logs.on_edit_key(key, &mut self.ids);
            return self.apply(outcome);
        }
        let Some(action) = self.keymap.action(&key) else {
            return Vec::new();
        };
        self.on_action(action)
    }

    pub fn on_action(&mut self, action: Action) -> Vec<Command> {
        match action {
            Action::Quit => {
                self.quit = true;
                Vec::new()
            }
            Action::Help => {
                self.overlay = Some(Overlay::Help);
                Vec::new()
            }
            Action::ErrorLog => {
                self.overlay = Some(Overlay::ErrorLog);
                Vec::new()
            }
            Action::CommandMode => {
                self.mode = Mode::Command(String::new());
                Vec::new()
            }
            Action::Filter => {
                let current = match self.pane {
                    PaneId::Users => self.users.filter_text.clone(),
                    PaneId::Posts => self.posts.filter_text.clone(),
                    PaneId::Audit => self.audit.filter_text.clone(),
                    PaneId::Storage => self.storage.filter_text.clone(),
                    PaneId::Logs => self.logs.filter_text.clone(),
                };
                self.mode = Mode::Filter(current);
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
            Action::Who => match self.user_of_selection() {
                Some(who) => self.open_who(&who),
                None => {
                    self.toast("the selected row names no user");
                    Vec::new()
                }
            },
            Action::HopBack => match self.hops.pop() {
                Some(pane) => {
                    self.pane = pane;
                    Vec::new()
                }
                None => {
                    self.toast("no jump to go back from");
                    Vec::new()
                }
            },
            Action::Back if self.last_error.is_some() && self.at_top_level() => {
                self.last_error = None;
                Vec::new()
            }
            _ => {
                let ids = &mut self.ids;
                let outcome = match self.pane {
                    PaneId::Users => self.users.on_action(action, ids),
                    PaneId::Posts => self.posts.on_action(action, ids),
                    PaneId::Audit => self.audit.on_action(action, ids),
                    PaneId::Storage => self.storage.on_action(action, ids),
                    PaneId::Logs => self.logs.on_action(action, ids),
                };
                self.apply(outcome)
            }
        }
    }

    /// Switches pane for a jump, remembering where it came from for `-`.
    fn hop_to(&mut self, pane: PaneId) {
        if self.pane != pane {
            self.hops.push(self.pane);
            if self.hops.len() > MAX_HOPS {
                self.hops.remove(0);
            }
        }
        self.pane = pane;
    }

    /// The user the selected row names, for `O`: a user, a post's or comment's author, a
    /// report's target user, an object's owner (`profiles/{sub}/`, `posts/{sub}/`), the sub in
    /// a log line.
    fn user_of_selection(&mut self) -> Option<String> {
        let ids = &mut self.ids;
        match self.pane {
            PaneId::Users => self.users.subject_name(),
            PaneId::Posts => {
                // A queue row reporting a user names that user.
                if self.posts.thread.is_none()
                    && self.posts.view == Some(posts::View::Reports)
                    && let Some(group) = self.posts.queue.selected_item()
                {
                    return match &group.target {
                        Target::User(sub) => Some(sub.to_string()),
                        _ => None,
                    };
                }
                match self.posts.on_action(Action::GoToAuthor, ids) {
                    Outcome::GoToUser(sub) => Some(sub.to_string()),
                    _ => None,
                }
            }
            PaneId::Storage => match self.storage.on_action(Action::OpenOwner, ids) {
                Outcome::GoToUser(sub) => Some(sub.to_string()),
                _ => None,
            },
            PaneId::Audit => self
                .audit
                .list
                .selected_item()
                .filter(|e| e.target_kind == "user")
                .map(|e| e.target_id.clone()),
            PaneId::Logs => self.logs.selected_line().and_then(|l| sub_in_line(l.text)),
        }
    }

    fn at_top_level(&self) -> bool {
        match self.pane {
            PaneId::Users => self.users.detail.is_none(),
            PaneId::Posts => self.posts.thread.is_none(),
            PaneId::Audit => true,
            PaneId::Storage => {
                self.storage.detail.is_none()
                    && matches!(
                        self.storage.location,
                        None | Some(storage::Location::Buckets)
                    )
            }
            PaneId::Logs => self.logs.at_top(),
        }
    }

    /// Turns what a pane asked for into commands, dialogs or messages.
    fn apply(&mut self, outcome: Outcome) -> Vec<Command> {
        if let Some(text) = self.storage.clipboard.take() {
            self.requests.push(Request::Clipboard(text));
        }
        match outcome {
            Outcome::None => Vec::new(),
            Outcome::Commands(c) => c,
            Outcome::Message(m) => {
                self.toast(m);
                Vec::new()
            }
            Outcome::Propose(proposal) => {
                if self.context.read_only {
                    self.toast(format!(
                        "read-only session: {} would write; nothing was changed",
                        proposal.verb
                    ));
                    return Vec::new();
                }
                let typed = self
                    .context
                    .production
                    .then(|| self.context.environment.clone());
                self.overlay = Some(Overlay::Dialog(Box::new(Dialog::new(proposal, typed))));
                Vec::new()
            }
            Outcome::GoToUser(sub) => {
                self.hop_to(PaneId::Users);
                self.users.find_by_sub(sub, &mut self.ids)
            }
            Outcome::GoToObject(key) => {
                self.hop_to(PaneId::Storage);
                let outcome = self.storage.show_object(key, &mut self.ids);
                self.apply(outcome)
            }
        }
    }

    fn on_overlay_key(&mut self, overlay: Overlay, key: KeyEvent) -> Vec<Command> {
        match overlay {
            Overlay::Help | Overlay::ErrorLog => Vec::new(),
            Overlay::Who(mut view) => {
                match key.code {
                    // Back to where you were.
                    KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('-') => return Vec::new(),
                    KeyCode::Down | KeyCode::Char('j') => {
                        view.scroll = view.scroll.saturating_add(1)
                    }
                    KeyCode::Up | KeyCode::Char('k') => view.scroll = view.scroll.saturating_sub(1),
                    KeyCode::PageDown => view.scroll = view.scroll.saturating_add(10),
                    KeyCode::PageUp => view.scroll = view.scroll.saturating_sub(10),
                    KeyCode::Char('g') | KeyCode::Home => view.scroll = 0,
                    _ => {}
                }
                self.overlay = Some(Overlay::Who(view));
                Vec::new()
            }
            Overlay::Dialog(mut dialog) => match dialog.on_key(key) {
                dialog::DialogResult::Open => {
                    self.overlay = Some(Overlay::Dialog(dialog));
                    Vec::new()
                }
                dialog::DialogResult::Cancelled => {
                    self.toast("cancelled; nothing was changed");
                    Vec::new()
                }
                dialog::DialogResult::Confirmed { write, reason } => {
                    let request = self.next_id();
                    self.writes.push((request, self.pane));
                    vec![Command::Write {
                        request,
                        write,
                        reason,
                    }]
                }
            },
        }
    }

    fn on_command_key(&mut self, mut text: String, key: KeyEvent) -> Vec<Command> {
        match key.code {
            KeyCode::Esc => Vec::new(),
            KeyCode::Enter => self.run_command(text.trim()),
            KeyCode::Tab => {
                self.mode = Mode::Command(self.complete(&text));
                Vec::new()
            }
            KeyCode::Backspace => {
                if text.pop().is_some() {
                    self.mode = Mode::Command(text);
                }
                Vec::new()
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                text.push(c);
                self.mode = Mode::Command(text);
                Vec::new()
            }
            _ => {
                self.mode = Mode::Command(text);
                Vec::new()
            }
        }
    }

    /// Completes the command word, or the argument of `env` and `theme`, to the longest
    /// common prefix of what matches.
    pub fn complete(&self, text: &str) -> String {
        let (head, arg) = match text.split_once(' ') {
            Some((h, a)) => (h, Some(a)),
            None => (text, None),
        };
        let (pool, prefix): (Vec<&str>, &str) = match arg {
            None => (COMMANDS.to_vec(), head),
            Some(a) if head == "env" => (self.environments.iter().map(String::as_str).collect(), a),
            Some(a) if head == "theme" => (self.themes.iter().map(String::as_str).collect(), a),
            Some(_) => return text.to_string(),
        };
        let matches: Vec<&str> = pool.into_iter().filter(|c| c.starts_with(prefix)).collect();
        let Some(first) = matches.first() else {
            return text.to_string();
        };
        let mut common = first.to_string();
        for m in &matches[1..] {
            while !m.starts_with(&common) {
                common.pop();
            }
        }
        let done = if matches.len() == 1 {
            let needs_arg = arg.is_none() && matches!(common.as_str(), "env" | "theme");
            if needs_arg {
                format!("{common} ")
            } else {
                common
            }
        } else {
            common
        };
        match arg {
            None => done,
            Some(_) => format!("{head} {done}"),
        }
    }

    /// The completions for what is typed, for the command line's hint.
    pub fn completions(&self, text: &str) -> Vec<String> {
        match text.split_once(' ') {
            None => COMMANDS
                .iter()
                .filter(|c| c.starts_with(text))
                .map(|c| c.to_string())
                .collect(),
            Some(("env", a)) => self
                .environments
                .iter()
                .filter(|e| e.starts_with(a))
                .cloned()
                .collect(),
            Some(("theme", a)) => self
                .themes
                .iter()
                .filter(|t| t.starts_with(a))
                .cloned()
                .collect(),
            Some(_) => Vec::new(),
        }
    }

    /// `:ban` / `:unban` on the Users pane's user: the plan is fetched, then confirmed.
    fn plan_ban(&mut self, unban: bool) -> Vec<Command> {
        let verb = if unban { ":unban" } else { ":ban" };
        if self.context.read_only {
            self.fail(verb, Failure::new("read-only: bans are turned off"));
            return Vec::new();
        }
        let name = match (self.pane, self.users.subject_name()) {
            (PaneId::Users, Some(name)) => name,
            _ => {
                self.fail(verb, Failure::new("select a user in the Users pane first"));
                return Vec::new();
            }
        };
        let Ok(username) = Username::parse(&name) else {
            self.fail(verb, Failure::new(format!("{name} is not a username")));
            return Vec::new();
        };
        let request = self.next_id();
        self.ban_request = Some(request);
        self.toast(format!("planning the {} of {name}…", &verb[1..]));
        vec![Command::PlanBan {
            request,
            username,
            unban,
        }]
    }

    /// Opens `:who` on what was typed, or on the Users pane's user when nothing was.
    fn open_who(&mut self, arg: &str) -> Vec<Command> {
        let who = if arg.is_empty() {
            match (self.pane, self.users.subject_name()) {
                (PaneId::Users, Some(name)) => name,
                _ => {
                    self.fail(
                        ":who",
                        Failure::new("give an e-mail, a sub or a username: :who ann@example.com"),
                    );
                    return Vec::new();
                }
            }
        } else {
            arg.to_string()
        };
        let request = self.next_id();
        self.overlay = Some(Overlay::Who(Box::new(who::WhoView {
            who: who.clone(),
            request,
            state: who::WhoState::Loading,
            scroll: 0,
        })));
        vec![Command::LoadWho { request, who }]
    }

    fn run_command(&mut self, text: &str) -> Vec<Command> {
        let (word, arg) = match text.split_once(' ') {
            Some((w, a)) => (w, a.trim()),
            None => (text, ""),
        };
        match word {
            "" => Vec::new(),
            "q" | "quit" | "q!" => {
                self.quit = true;
                Vec::new()
            }
            "users" => self.open_pane(PaneId::Users),
            "posts" => {
                let mut c = self.open_pane(PaneId::Posts);
                c.extend(self.posts.show_view(posts::View::Posts, &mut self.ids));
                c
            }
            "reports" => {
                let mut c = self.open_pane(PaneId::Posts);
                c.extend(self.posts.show_view(posts::View::Reports, &mut self.ids));
                c
            }
            "audit" => self.open_pane(PaneId::Audit),
            "storage" if !arg.is_empty() => {
                self.pane = PaneId::Storage;
                match self.storage.set_filter(arg.to_string(), &mut self.ids) {
                    Ok(c) => c,
                    Err(m) => {
                        self.fail(":storage", Failure::new(m));
                        Vec::new()
                    }
                }
            }
            "storage" => self.open_pane(PaneId::Storage),
            "logs" => self.open_pane(PaneId::Logs),
            "who" => self.open_who(arg),
            "ban" | "unban" => self.plan_ban(word == "unban"),
            "help" => {
                self.overlay = Some(Overlay::Help);
                Vec::new()
            }
            "env" if !arg.is_empty() => {
                if arg == "sandbox" || self.environments.iter().any(|e| e == arg) {
                    self.requests
                        .push(Request::SwitchEnvironment(arg.to_string()));
                } else {
                    self.fail(
                        ":env",
                        Failure::new(format!(
                            "no environment '{arg}'; known: {}",
                            self.environments.join(", ")
                        )),
                    );
                }
                Vec::new()
            }
            "theme" if !arg.is_empty() => {
                if self.themes.iter().any(|t| t == arg) {
                    self.requests.push(Request::SwitchTheme(arg.to_string()));
                } else {
                    self.fail(
                        ":theme",
                        Failure::new(format!(
                            "no theme '{arg}'; known: {}",
                            self.themes.join(", ")
                        )),
                    );
                }
                Vec::new()
            }
            "env" | "theme" => {
                self.fail(
                    &format!(":{word}"),
                    Failure::new(format!("write :{word} NAME")),
                );
                Vec::new()
            }
            other => {
                self.fail(
                    "command",
                    Failure::new(format!("unknown command ':{other}'; try :help")),
                );
                Vec::new()
            }
        }
    }

    fn on_filter_key(&mut self, mut text: String, key: KeyEvent) -> Vec<Command> {
        match key.code {
            KeyCode::Esc => Vec::new(),
            KeyCode::Enter => {
                let ids = &mut self.ids;
                let result = match self.pane {
                    PaneId::Users => self.users.set_filter(text, ids),
                    PaneId::Posts => self.posts.set_filter(text, ids),
                    PaneId::Audit => self.audit.set_filter(text, ids),
                    PaneId::Storage => self.storage.set_filter(text, ids),
                    PaneId::Logs => self.logs.set_filter(text),
                };
                match result {
                    Ok(c) => c,
                    Err(message) => {
                        self.fail("filter", Failure::new(message));
                        Vec::new()
                    }
                }
            }
            KeyCode::Backspace => {
                text.pop();
                self.mode = Mode::Filter(text);
                Vec::new()
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                text.push(c);
                self.mode = Mode::Filter(text);
                Vec::new()
            }
            _ => {
                self.mode = Mode::Filter(text);
                Vec::new()
            }
        }
    }

    pub fn on_mouse(&mut self, mouse: MouseEvent, list_top: u16) -> Vec<Command> {
        if self.overlay.is_some() {
            return Vec::new();
        }
        match mouse.kind {
            MouseEventKind::ScrollDown => {
                let mut c = self.on_action(Action::Down);
                c.extend(self.on_action(Action::Down));
                c.extend(self.on_action(Action::Down));
                c
            }
            MouseEventKind::ScrollUp => {
                let mut c = self.on_action(Action::Up);
                c.extend(self.on_action(Action::Up));
                c.extend(self.on_action(Action::Up));
                c
            }
            MouseEventKind::Down(MouseButton::Left) if mouse.row >= list_top => {
                let row = (mouse.row - list_top) as usize;
                let ids = &mut self.ids;
                let outcome = match self.pane {
                    PaneId::Users => self.users.click(row, ids),
                    PaneId::Posts => self.posts.click(row, ids),
                    PaneId::Audit => self.audit.click(row, ids),
                    PaneId::Storage => self.storage.click(row, ids),
                    PaneId::Logs => self.logs.click(row),
                };
                self.apply(outcome)
            }
            _ => Vec::new(),
        }
    }

    pub fn on_event(&mut self, event: AppEvent) -> Vec<Command> {
        let ids = &mut self.ids;
        let (outcome, failed) = match event {
            AppEvent::PostsLoaded { request, result } => self.posts.on_posts(request, result, ids),
            AppEvent::QueueLoaded { request, result } => self.posts.on_queue(request, result, ids),
            AppEvent::ThreadLoaded { request, result } => self.posts.on_thread(request, result),
            AppEvent::UsersLoaded { request, result } => self.users.on_users(request, result, ids),
            AppEvent::UserLoaded { request, result } => self.users.on_user(request, result),
            AppEvent::AuditLoaded { request, result } => self.audit.on_audit(request, result, ids),
            AppEvent::BanPlanned { request, result } => {
                if self.ban_request != Some(request) {
                    return Vec::new();
                }
                self.ban_request = None;
                match result {
                    Ok(plan) => (Outcome::Propose(ban_proposal(plan)), None),
                    Err(f) => (Outcome::None, Some(("ban".to_string(), f))),
                }
            }
            AppEvent::WhoLoaded { request, result } => {
                if let Some(Overlay::Who(view)) = &mut self.overlay
                    && view.request == request
                {
                    view.state = match result {
                        Ok(lines) => who::WhoState::Loaded(lines),
                        Err(f) => who::WhoState::Failed(f.message),
                    };
                }
                (Outcome::None, None)
            }
            AppEvent::Storage(event) => self.storage.on_event(event, ids),
            AppEvent::Logs(event) => self.logs.on_event(event),
            AppEvent::WriteDone { request, result } => {
                let Some(i) = self.writes.iter().position(|(r, _)| *r == request) else {
                    return Vec::new();
                };
                let (_, pane) = self.writes.remove(i);
                match result {
                    Ok(summary) => {
                        self.toast(summary);
                        let refresh = match pane {
                            PaneId::Users => self.users.refresh(&mut self.ids),
                            PaneId::Posts => self.posts.refresh(&mut self.ids),
                            PaneId::Audit => self.audit.refresh(&mut self.ids),
                            PaneId::Storage => self.storage.refresh(&mut self.ids),
                            PaneId::Logs => Vec::new(),
                        };
                        (Outcome::Commands(refresh), None)
                    }
                    Err(f) => (Outcome::None, Some(("write failed".to_string(), f))),
                }
            }
        };
        if let Some((what, failure)) = failed {
            self.fail(&what, failure);
        }
        self.apply(outcome)
    }
}

/// The user a log line names: a JSON line's `sub` field (the API logs the verified caller's),
/// else a `sub` key in text (`sub=…`, `"sub":"…"`).
fn sub_in_line(text: &str) -> Option<String> {
    if let Ok(serde_json::Value::Object(obj)) =
        serde_json::from_str::<serde_json::Value>(text.trim())
    {
        return obj
            .get("sub")
            .and_then(|v| v.as_str())
            .filter(|s| UserSub::parse(s).is_ok())
            .map(str::to_string);
    }
    let at = text.find("sub")?;
    let rest = text[at + 3..].trim_start_matches(['"', ':', '=', ' ']);
    let candidate: String = rest.chars().take(36).collect();
    UserSub::parse(&candidate).ok().map(|s| s.to_string())
}

/// The dialog of a planned ban or unban: every call it will make, in order.
fn ban_proposal(plan: backoffice_domain::services::ban::Plan) -> dialog::Proposal {
    let unban = plan.reverses.is_some();
    let verb = format!("{} {}", if unban { "unban" } else { "ban" }, plan.username);
    let mut changes: Vec<String> = plan.steps.iter().map(|s| s.to_string()).collect();
    if changes.is_empty() {
        changes.push("nothing to change".into());
    }
    changes.push(if unban {
        "reverses exactly what the last ban did; content changed since is left alone".into()
    } else {
        "stops at the first failure; every step is audited, and the closing row says what was done"
            .into()
    });
    dialog::Proposal {
        title: capitalise(&verb),
        verb,
        changes,
        form: dialog::Form::Ready(Write::Ban(Box::new(plan))),
        type_to_confirm: None,
        reasons: dialog::ACCOUNT_REASONS,
    }
}

/// `s` with its first letter upper-cased, for dialog titles.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// What a pane's update asks of the shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    None,
    Commands(Vec<Command>),
    /// A write to confirm (with a reason) before anything changes.
    Propose(dialog::Proposal),
    Message(String),
    /// Open the Users pane on the user with this sub.
    GoToUser(UserSub),
    /// Open the Storage pane on this key of the media bucket.
    GoToObject(String),
}

impl From<Vec<Command>> for Outcome {
    fn from(c: Vec<Command>) -> Self {
        if c.is_empty() {
            Outcome::None
        } else {
            Outcome::Commands(c)
        }
    }
}

/// A pane's answer to a finished request: what to do next, and a failure to record.
pub type Handled = (Outcome, Option<(String, Failure)>);

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
    }
}

#[cfg(test)]
pub(crate) mod tests;
