//! What crosses between the app and the runtime: commands (work for background tasks, each with
//! a request id) going out, events (finished work) coming back, and the few requests the loop
//! itself serves (switch environment or theme, write the clipboard).

use super::{export, insights, logs, metrics, posts, storage};
use crate::ops::Operation;
use backoffice_domain::model::UserSub;
use backoffice_domain::model::{
    ActivityCounts, AuditEntry, AuditFilter, Comment, Cursor, DirectoryUser, Group,
    ModerationTarget, Page, Post, PostFilter, PostId, QueueFilter, Reason, Report, UserProfile,
    Username,
};
use backoffice_domain::ports::UserQuery;
use backoffice_domain::services::ban::Plan;
use backoffice_domain::services::moderation::QueueItem;
use backoffice_domain::services::people::Found;
use backoffice_domain::services::user360::Who;

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
    /// Refused as asked (a row undone already, a plan with nothing to do): said as a message,
    /// not a failure on the status bar, since asking again is refused again.
    pub refused: bool,
    /// Why a read failed, where the advice beside it depends on it.
    pub cause: Cause,
    /// Said where it happened already (a prompt that came back with it as its problem): the
    /// error log keeps it, and the status bar does not repeat it.
    pub said: bool,
}

/// Why a read or a write failed, as far as the console words its advice (or its word for it) by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cause {
    #[default]
    Other,
    /// The thing read is not there (deleted, or never was): reading again finds it only if it
    /// comes back.
    Gone,
    /// The service refused the request as written (a query it does not accept): the same
    /// request is refused again, another must be written.
    Unaccepted,
    /// The environment's settings cannot reach the service (a `${VAR}` that is not set):
    /// reading again cannot help until the console starts with them mended.
    Setup,
    /// A row the database holds that no release writes: reading again finds it the same until
    /// it is mended there.
    Data,
    /// A write that did part of what was asked (a bulk delete that kept some objects): not a
    /// failure of the whole.
    Partly,
}

/// The source under a failure that only mended settings can clear (see [`Cause::Setup`]).
#[derive(Debug)]
pub struct Unconfigured(pub String);

impl std::fmt::Display for Unconfigured {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unconfigured {}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            chain: message.clone(),
            message,
            refused: false,
            cause: Cause::Other,
            said: false,
        }
    }

    /// The same failure, said in place already (see [`Failure::said`]).
    pub fn said_in_place(self) -> Self {
        Self { said: true, ..self }
    }

    /// A refusal: what was asked cannot be done as it stands.
    pub fn refusal(message: impl Into<String>) -> Self {
        Self {
            refused: true,
            ..Self::new(message)
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

impl From<backoffice_domain::DomainError> for Failure {
    fn from(e: backoffice_domain::DomainError) -> Self {
        use backoffice_domain::DomainError;
        let cause = match &e {
            // The pool is the settings' own: reading again cannot find it.
            DomainError::NotFound(what) if what.starts_with("user pool ") => Cause::Setup,
            DomainError::NotFound(_) => Cause::Gone,
            DomainError::Invalid(_) | DomainError::Unsupported(_) => Cause::Unaccepted,
            DomainError::Unavailable {
                source: Some(source),
                ..
            } if source.is::<Unconfigured>() => Cause::Setup,
            DomainError::Unexpected {
                source: Some(source),
                ..
            } if source.is::<backoffice_domain::UnreadableRow>() => Cause::Data,
            _ => Cause::Other,
        };
        // What was not found is often a name typed or listed: a look-alike is named.
        let (message, chain) = match &e {
            DomainError::NotFound(what) => {
                let said = not_found(what);
                (said.clone(), said)
            }
            // What the row holds, said: `posts row 9001 holds an invalid value` named no value.
            _ if cause == Cause::Data => (e.detail(), e.chain()),
            _ => (e.to_string(), e.chain()),
        };
        Self {
            message,
            chain,
            refused: false,
            cause,
            said: false,
        }
    }
}

/// `WHAT not found`, a look-alike name named, and where the settings name what is always
/// theirs: a mistyped pool or bucket in config.toml read as a thing deleted, with
/// `ctrl-r reads again` to help.
pub fn not_found(what: &str) -> String {
    let said = format!("{} not found", crate::text::named_words(what));
    if what.starts_with("user pool ") {
        format!(
            "{said}: user_pool_id in config.toml names it; check the id and the environment's region"
        )
    } else if what.starts_with("bucket ") {
        format!(
            "{said} (where it is the environment's: bucket in config.toml names it; check the name)"
        )
    } else {
        said
    }
}

impl From<backoffice_domain::Invalid> for Failure {
    fn from(e: backoffice_domain::Invalid) -> Self {
        Self::new(e.message)
    }
}

/// How the Users pane searches: one of Cognito's filters, or plain text across every field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserSearch {
    Query(UserQuery),
    Text(String),
}

impl Default for UserSearch {
    fn default() -> Self {
        UserSearch::Query(UserQuery::default())
    }
}

/// What a user detail view shows, from the directory and the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserDetail {
    pub user: DirectoryUser,
    pub groups: Vec<Group>,
    pub profile: Option<UserProfile>,
    pub counts: Option<ActivityCounts>,
    /// Whether the API refuses them, and the ban in force (with the database's part).
    pub standing: Option<backoffice_domain::services::ban::Standing>,
    /// Why the database's part (profile, counts) could not be read: the directory's part is
    /// shown without it (support reads an account while the database is down).
    pub unread: Option<String>,
}

/// A write that must be read from the services before it can be proposed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Planning {
    /// An account deleted whole, its data exported first.
    Deletion(Username),
    /// The reverse of an audit row.
    Undo(Box<backoffice_domain::model::AuditEntry>),
    /// A group to add the user to (or remove them from): their groups and the pool's read
    /// first. `label` names the user as the dialog does.
    Groups {
        username: Username,
        label: String,
        add: bool,
    },
}

/// Whom a ban (or unban) is planned for: the Users pane's user by the name the directory
/// holds, or a post's or a profile's author by sub (the Posts pane knows no usernames).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BanSubject {
    Username(Username),
    Sub(UserSub),
}

/// Work for the runtime to start in the background.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Reads what a planned write needs, for the dialog to list every call.
    Plan {
        request: RequestId,
        planning: Planning,
    },
    /// Plans a ban (or an unban) of a user, for the dialog to list every call.
    PlanBan {
        request: RequestId,
        subject: BanSubject,
        unban: bool,
    },
    /// Everything about one user, from every service (`:who`).
    LoadWho {
        request: RequestId,
        who: Who,
    },
    LoadPosts {
        request: RequestId,
        filter: PostFilter,
        cursor: Option<Cursor>,
    },
    /// The sub of the author a posts filter names by e-mail, username or phone
    /// (`author:ann@example.com`), looked up in the directory before the list is read.
    FindAuthor {
        request: RequestId,
        who: String,
    },
    LoadQueue {
        request: RequestId,
        filter: QueueFilter,
        cursor: Option<Cursor>,
    },
    /// A post's thread; for a comment, the thread of its post with the comment selected.
    LoadThread {
        request: RequestId,
        target: ModerationTarget,
    },
    /// A user's latest sign-in events, loaded beside the detail (the directory may be slow to
    /// answer, or not record them).
    LoadSignIns {
        request: RequestId,
        username: Username,
    },
    /// A reported person's profile sheet, with the avatar decoded.
    LoadProfile {
        request: RequestId,
        sub: UserSub,
    },
    LoadUsers {
        request: RequestId,
        search: UserSearch,
        cursor: Option<Cursor>,
    },
    /// The next page of a thread's comments.
    LoadComments {
        request: RequestId,
        post: PostId,
        cursor: Cursor,
    },
    /// Who these subs are, for the names shown in place of them.
    LoadNames {
        request: RequestId,
        subs: Vec<UserSub>,
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
    /// A confirmed write, through the operations layer.
    Write {
        request: RequestId,
        operation: Operation,
        reason: Reason,
    },
    Storage(storage::StorageCommand),
    /// The Logs pane's work: groups, feeds (tails and queries), saves.
    Logs(logs::LogsCommand),
    /// The Insights pane's work: queries, records, saved queries.
    Insights(insights::InsightsCommand),
    /// The Metrics pane's work and the status bar's alarm badge.
    Metrics(metrics::MetricsCommand),
    /// The view, every page, to a file.
    Export(export::ExportJob),
}

/// A finished piece of background work.
#[derive(Debug, Clone)]
pub enum AppEvent {
    PostsLoaded {
        request: RequestId,
        result: Result<Page<Post>, Failure>,
    },
    AuthorFound {
        request: RequestId,
        result: Result<UserSub, Failure>,
    },
    QueueLoaded {
        request: RequestId,
        result: Result<Page<QueueItem>, Failure>,
    },
    /// A page of a thread's comments, and the reports on them.
    CommentsLoaded {
        request: RequestId,
        result: Result<(Page<Comment>, Vec<Report>), Failure>,
    },
    ThreadLoaded {
        request: RequestId,
        result: Result<posts::ThreadData, Failure>,
    },
    UsersLoaded {
        request: RequestId,
        result: Result<Page<Found>, Failure>,
        /// Why the profile names were not searched (the directory's matches are listed).
        unsearched: Option<Failure>,
    },
    /// Display names (or e-mails) of subs; subs with no name are left out.
    NamesLoaded {
        request: RequestId,
        result: Result<Vec<(UserSub, String)>, Failure>,
    },
    UserLoaded {
        request: RequestId,
        result: Result<UserDetail, Failure>,
    },
    AuditLoaded {
        request: RequestId,
        result: Result<Page<AuditEntry>, Failure>,
    },
    /// How far a long write has got (a ban's steps): the status bar counts them.
    WriteProgress {
        request: RequestId,
        taken: usize,
        of: usize,
    },
    /// A write finished: a summary for the toast, or what failed.
    WriteDone {
        request: RequestId,
        result: Result<String, Failure>,
        /// Whether anything changed, or was found changed, so the pane should read it again
        /// (a failed bulk write may have done part of its work).
        changed: bool,
    },
    /// A planned write, ready to confirm.
    Planned {
        request: RequestId,
        what: &'static str,
        result: Result<crate::app::dialog::Proposal, Failure>,
    },
    /// A plan that found nothing to do (a user in no group to leave): said as a message, not
    /// a failure.
    PlanRefused {
        request: RequestId,
        what: &'static str,
        message: String,
    },
    SignInsLoaded {
        request: RequestId,
        result: Result<Vec<backoffice_domain::model::AuthEvent>, Failure>,
    },
    ProfileLoaded {
        request: RequestId,
        result: Result<crate::app::posts::ProfileData, Failure>,
    },
    /// A ban's or unban's plan.
    BanPlanned {
        request: RequestId,
        unban: bool,
        result: Result<Plan, Failure>,
    },
    /// `:who`'s view, as lines.
    WhoLoaded {
        request: RequestId,
        result: Result<Vec<String>, Failure>,
    },
    Storage(storage::StorageEvent),
    /// Log groups, a feed's batches and its end, a save's result.
    Logs(logs::LogsEvent),
    Insights(insights::InsightsEvent),
    Metrics(metrics::MetricsEvent),
    Export(export::ExportEvent),
    /// What opening the environment learned after the screen opened.
    Opened(Opened),
}

/// An answer opening an environment waited for in the background.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// Who the operator is (the caller's ARN), or why that is not known.
    Identity(Result<String, String>),
    /// Whether the database answers with this build's schema.
    Database(Result<(), String>),
    /// The database's settings cannot be completed (a `${VAR}` that is not set): nothing
    /// reaches it this session, however often it is tried.
    DatabaseUnconfigured(String),
}

impl AppEvent {
    /// The pane the event answers; `None` for the shell's own (writes, plans, `:who`).
    pub fn pane(&self) -> Option<super::PaneId> {
        use super::PaneId;
        match self {
            AppEvent::PostsLoaded { .. }
            | AppEvent::AuthorFound { .. }
            | AppEvent::QueueLoaded { .. }
            | AppEvent::CommentsLoaded { .. }
            | AppEvent::ThreadLoaded { .. }
            | AppEvent::ProfileLoaded { .. } => Some(PaneId::Posts),
            AppEvent::UsersLoaded { .. }
            | AppEvent::UserLoaded { .. }
            | AppEvent::SignInsLoaded { .. } => Some(PaneId::Users),
            AppEvent::AuditLoaded { .. } => Some(PaneId::Audit),
            AppEvent::Storage(_) => Some(PaneId::Storage),
            AppEvent::Logs(_) => Some(PaneId::Logs),
            AppEvent::Insights(_) => Some(PaneId::Insights),
            // The alarm badge's refresh is the shell's; the rest is the Metrics pane's.
            AppEvent::Metrics(metrics::MetricsEvent::Badge { .. }) => None,
            AppEvent::Metrics(_) => Some(PaneId::Metrics),
            AppEvent::Export(_) | AppEvent::Opened(_) => None,
            AppEvent::WriteDone { .. }
            | AppEvent::WriteProgress { .. }
            | AppEvent::BanPlanned { .. }
            | AppEvent::Planned { .. }
            | AppEvent::PlanRefused { .. }
            | AppEvent::WhoLoaded { .. }
            | AppEvent::NamesLoaded { .. } => None,
        }
    }
}

/// What the status bar shows about the connection, and the session's safety settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub environment: String,
    pub production: bool,
    pub profile: Option<String>,
    pub region: String,
    pub operator: String,
    pub read_only: bool,
    /// Whether writes can be audited (the environment names a database). Without one, object
    /// deletes are refused unless asked for unaudited (the CLI's `--unaudited`).
    pub audited: bool,
}

/// A request from the app to the loop that is not background work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    SwitchEnvironment(String),
    SwitchTheme(String),
    /// Put this text on the terminal's clipboard (OSC 52).
    Clipboard(String),
    /// Draw every cell again, not only what changed.
    Redraw,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// A passing message: a write done, a copy made. Failures are not toasts: the status bar keeps
/// the last one until `esc`, and the error log keeps them all.
pub struct Toast {
    pub text: String,
    /// Ticks (frames of the spinner clock) left before it fades.
    pub ttl: u16,
}
