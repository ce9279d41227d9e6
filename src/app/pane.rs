//! The shape every pane has. The shell (`App`) holds the seven panes and talks to the focused one
//! only through [`Pane`]: actions and finished requests go in, an [`Outcome`] comes out, and the
//! pane draws itself. A pane that opens a form of its own (a download path, a Logs query)
//! exposes it through [`Pane::form`]; the shell edits it with the one text input and draws it
//! over whatever screen the pane is on, so a prompt can never be open and unseen.

use super::dialog::Proposal;
use super::{AppEvent, Command, Ids};
use crate::input::TextInput;
use crate::keymap::Action;
use crate::ui::Look;
use backoffice_domain::model::UserSub;
use backoffice_domain::services::user360::Who;
use ratatui::Frame;
use ratatui::layout::Rect;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaneId {
    Users,
    Posts,
    Audit,
    Storage,
    Logs,
    Insights,
    Metrics,
}

impl PaneId {
    pub const ALL: [PaneId; 7] = [
        PaneId::Users,
        PaneId::Posts,
        PaneId::Audit,
        PaneId::Storage,
        PaneId::Logs,
        PaneId::Insights,
        PaneId::Metrics,
    ];

    /// A short name for files and settings: `users`, `posts`, … `metrics`.
    pub fn key(self) -> &'static str {
        match self {
            PaneId::Users => "users",
            PaneId::Posts => "posts",
            PaneId::Audit => "audit",
            PaneId::Storage => "storage",
            PaneId::Logs => "logs",
            PaneId::Insights => "insights",
            PaneId::Metrics => "metrics",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            PaneId::Users => "Users",
            PaneId::Posts => "Posts & comments",
            PaneId::Audit => "Audit",
            PaneId::Storage => "Storage",
            PaneId::Logs => "Logs",
            PaneId::Insights => "Insights",
            PaneId::Metrics => "Metrics",
        }
    }

    /// The title where the tab bar is short of room.
    pub fn short_title(self) -> &'static str {
        match self {
            PaneId::Posts => "Posts",
            other => other.title(),
        }
    }
}

/// What a pane's update asks of the shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    None,
    Commands(Vec<Command>),
    /// Commands, and a message saying what they are read for (a dialog that opens once they
    /// answer: a slow answer left only `1 pending` to say a key was taken).
    Reading {
        commands: Vec<Command>,
        message: String,
    },
    /// A write to confirm (with a reason) before anything changes.
    Propose(Proposal),
    /// A write to plan from the services first, then confirm.
    Plan(super::Planning),
    Message(String),
    /// A success to say (nothing when empty), after which the status bar's failure of the
    /// same kind (`what`, as the pane named it when it failed) no longer holds.
    Settled {
        message: String,
        what: &'static str,
    },
    /// Open the Users pane on the user with this sub.
    GoToUser(UserSub),
    /// Open the Storage pane on this key of the media bucket.
    GoToObject(String),
    /// Put this text on the terminal's clipboard.
    Clipboard(String),
    /// Open the Logs pane's request view on this request of these groups, around `at`.
    GoToRequest {
        id: String,
        groups: Vec<backoffice_domain::model::LogGroupName>,
        at: chrono::DateTime<chrono::Utc>,
        /// A line without the id that belongs to it (found by its stream): shown and
        /// selected among its lines.
        line: Option<backoffice_domain::model::LogEvent>,
    },
    /// Find the request `line` (which names none) belongs to by reading its stream back; the
    /// Logs pane's request view opens on it when found (`r` on an Insights row without an id).
    FindRequest {
        line: backoffice_domain::model::LogEvent,
        groups: Vec<backoffice_domain::model::LogGroupName>,
    },
    /// Go back to the pane the operator jumped here from (`esc` out of a view another pane
    /// opened), if that jump is still the last: once `-` has gone back over it (and the pane
    /// was reopened another way), `esc` leaves the view and stays.
    HopBack {
        to: PaneId,
    },
    /// Run this query in the Insights pane over these groups and this range.
    GoToInsights {
        text: String,
        groups: String,
        range: String,
    },
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

/// A pane's answer to a finished request: what to do next, and a failure to record (what was
/// being done, and why it failed).
pub type Handled = (Outcome, Option<(String, super::Failure)>);

/// A problem with what the operator typed (a filter, a path), shown on the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem(pub String);

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Problem {}

impl From<String> for Problem {
    fn from(s: String) -> Self {
        Problem(s)
    }
}

impl From<&str> for Problem {
    fn from(s: &str) -> Self {
        Problem(s.to_string())
    }
}

impl From<backoffice_domain::Invalid> for Problem {
    fn from(e: backoffice_domain::Invalid) -> Self {
        Problem(e.message)
    }
}

/// A form a pane has open, as the shell draws it.
#[derive(Debug)]
pub struct FormView<'a> {
    pub title: String,
    /// Lines above the fields: what the form is for.
    pub body: Vec<String>,
    pub fields: Vec<FieldView<'a>>,
    /// Why the last submit was refused.
    pub problem: Option<&'a str>,
    /// The keys the form takes, in words.
    pub hint: String,
    /// Drawn across the whole width without side borders, so a mouse selection of a long
    /// line (a presigned link) takes its characters and nothing of a frame.
    pub edge_to_edge: bool,
}

#[derive(Debug)]
pub struct FieldView<'a> {
    pub label: &'static str,
    pub input: &'a TextInput,
    pub focused: bool,
}

/// What happened to a pane's open form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKey {
    /// `enter`.
    Submit,
    /// `esc`.
    Cancel,
    /// A key the text input does not edit with (`tab`, `↑`/`↓` …), for the form to use.
    Other(crossterm::event::KeyEvent),
}

/// The interface every pane implements.
pub trait Pane {
    /// The pane is shown: what it needs loading (the first time, or every time).
    fn open(&mut self, ids: &mut Ids) -> Vec<Command>;
    /// What is on screen, again (after a write, or `ctrl-r`).
    fn refresh(&mut self, ids: &mut Ids) -> Vec<Command>;
    /// An action from the keymap.
    fn on_action(&mut self, action: Action, ids: &mut Ids) -> Outcome;
    /// A finished request of this pane's.
    fn on_event(&mut self, event: AppEvent, ids: &mut Ids) -> Handled;
    /// A click on the `row`th line of the pane's list (0 is its header), at the screen's
    /// `column` (a header click sorts by the column under it, where the pane sorts).
    fn click(&mut self, row: usize, column: u16, ids: &mut Ids) -> Outcome;

    /// The `/` text as applied.
    fn filter_text(&self) -> &str;
    /// What `/` takes here, in a few words.
    fn filter_hint(&self) -> &'static str;
    /// Applies `/` text.
    fn set_filter(&mut self, text: &str, ids: &mut Ids) -> Result<Vec<Command>, Problem>;
    /// Whether `/` filters anything here: where it does not, it says so at once (its
    /// [`Pane::filter_hint`]) rather than opening a prompt whose answer is an error.
    fn filters(&self) -> bool {
        true
    }
    /// Whether `esc` here stops something under way (a running query): then it does, even with
    /// an error on the status bar, which the same press clears (it only cleared the error, and
    /// the query ran on).
    fn esc_stops_work(&self) -> bool {
        false
    }
    /// Drops the marks: a write done on the marked rows leaves them unmarked (a read again
    /// keeps them, [`crate::app::list::List::hold_item`]).
    fn clear_marks(&mut self) {}
    /// What the bottom line calls `/` here: `filter`, or the Logs viewer's `search`.
    fn filter_word(&self) -> &'static str {
        "filter"
    }
    /// The filter as a saved view keeps it (`:save`, the last view of a session): the
    /// filter's text, and for a pane with more than one list, which list.
    fn saved_filter(&self) -> String {
        self.filter_text().to_string()
    }
    /// What `:save` keeps as a named view: the filter ([`Pane::saved_filter`]), or more where a
    /// pane's view is more than its filter (the Logs pane's tail: its groups and query). Not
    /// the last view of a session, which the pane opens on.
    fn saved_view(&self) -> String {
        self.saved_filter()
    }
    /// Applies a saved view ([`Pane::saved_filter`]'s text).
    fn restore_filter(&mut self, text: &str, ids: &mut Ids) -> Result<Vec<Command>, Problem> {
        self.set_filter(text, ids)
    }

    /// The form the pane has open, if any.
    fn form(&self) -> Option<FormView<'_>> {
        None
    }
    /// The focused field of the open form, for the shell to edit.
    fn form_input(&mut self) -> Option<&mut TextInput> {
        None
    }
    /// A key the text input left to the form (or `enter` and `esc`).
    fn on_form_key(&mut self, _key: FormKey, _ids: &mut Ids) -> Outcome {
        Outcome::None
    }

    /// The dialog this pane proposed was cancelled: what was opened only to ask it closes.
    fn dialog_cancelled(&mut self) {}

    /// The user the selected row names (a user, an author, an owner, a log line's `sub`), for
    /// `O`. A question: it changes nothing.
    fn selected_user(&self) -> Option<Who>;
    /// What `y` copies: a word for what it is (`post id`, `sub`, `object key`) and the id.
    fn selected_id(&self) -> Option<(&'static str, String)> {
        None
    }
    /// What `ctrl-e` writes: the view's source, or why this view has none.
    fn export_source(&self) -> Result<super::export::ExportSource, String> {
        Err("this view has nothing to export".into())
    }
    /// What `Y` links to in the AWS console.
    fn console_target(&self) -> Option<super::copy::ConsoleTarget> {
        None
    }
    /// The users the rows on screen name (authors, owners, reporters), whose names the shell
    /// looks up once and hands to `draw` through `Look::names`.
    fn visible_subs(&self) -> Vec<UserSub> {
        Vec::new()
    }
    /// The pane's own actions that apply on the screen it is on, for help and hints.
    fn offers(&self) -> Vec<Action>;
    /// What a key common to every pane does on this screen, where it does something of its
    /// own (space pauses a tail, `/` searches its lines), for help.
    fn describes(&self, _action: Action) -> Option<&'static str> {
        None
    }
    /// Requests in flight, for the spinner.
    fn pending(&self) -> usize;
    /// Draws the pane into `area`.
    fn draw(&mut self, frame: &mut Frame<'_>, area: Rect, look: &Look<'_>);
}
