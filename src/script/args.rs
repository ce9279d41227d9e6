//! The scriptable commands' arguments, as clap reads them.

use clap::{Args, Subcommand, ValueEnum};

/// Options every scriptable command takes.
#[derive(Debug, Clone, Args)]
pub struct Output {
    /// One JSON object per line instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Confirm writes without asking (required when there is no terminal; not enough in
    /// production, which needs --confirm-env).
    #[arg(long, global = true)]
    pub yes: bool,
    /// The environment's name, confirming a write as the console's typed confirmation does
    /// (required for writes in a production environment).
    #[arg(long, global = true, value_name = "NAME")]
    pub confirm_env: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// List users of the pool, page after page. Plain text searches e-mail, name, username,
    /// phone and preferred username (prefixes) and profile names; `email ^= ann` is Cognito's
    /// own filter.
    List {
        #[arg(long)]
        filter: Option<String>,
        /// At most this many (default: all).
        #[arg(long)]
        limit: Option<u32>,
    },
    /// One user, with groups.
    Get { username: String },
    Disable {
        username: String,
        #[arg(long)]
        reason: String,
    },
    Enable {
        username: String,
        #[arg(long)]
        reason: String,
    },
    ResetPassword {
        username: String,
        #[arg(long)]
        reason: String,
    },
    SignOut {
        username: String,
        #[arg(long)]
        reason: String,
    },
    /// Create a user with this e-mail (marked verified): Cognito e-mails the invitation with a
    /// temporary password, or with `--no-invitation` nothing is sent (then `set-password`).
    Create {
        username: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        no_invitation: bool,
        #[arg(long)]
        reason: String,
    },
    /// Send an unconfirmed user's sign-up confirmation code again (through the environment's
    /// `app_client_id`).
    ResendConfirmationCode {
        username: String,
        #[arg(long)]
        reason: String,
    },
    /// The user's latest sign-in events (result, risk, IP), newest first, where the pool
    /// records them (Cognito's threat protection).
    SignIns {
        username: String,
        /// At most this many (1 to 60).
        #[arg(long, default_value = "20")]
        limit: u32,
    },
    /// Send the invitation again (a new temporary password), to a user who never signed in.
    ResendInvitation {
        username: String,
        #[arg(long)]
        reason: String,
    },
    /// Hide all of a user's visible content, disable and sign out; `--dry-run` lists the calls.
    Ban {
        username: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        dry_run: bool,
    },
    /// Reverse exactly what the user's last ban did.
    Unban {
        username: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        dry_run: bool,
    },
    /// Delete the account whole: block, disable, remove their posts and comments (kept for
    /// the audit), close the open reports on them, delete their objects, delete the profile
    /// row, then the Cognito user. Their data is exported to a JSON file first (`--export`,
    /// default `backoffice-user-NAME-WHEN.json`) unless `--no-export`; `--dry-run` lists the
    /// calls.
    Delete {
        username: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        dry_run: bool,
        /// Where the export is written (a new file; never overwritten).
        #[arg(long, conflicts_with = "no_export")]
        export: Option<std::path::PathBuf>,
        /// Delete without exporting the user's data first.
        #[arg(long)]
        no_export: bool,
    },
    /// Write everything the service holds about a user (directory entry, groups, profile,
    /// posts, comments, reports filed, object list) to a new JSON file.
    Export {
        username: String,
        /// Default: `backoffice-user-NAME-WHEN.json` in the current folder.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Clear fields of a user's profile (`display_name`, `bio`, `avatar`, or `all`), audited
    /// with the values before so `audit undo` can put them back. Takes the user's sub.
    ClearProfile {
        sub: String,
        #[arg(long, default_value = "all")]
        fields: String,
        #[arg(long)]
        reason: String,
    },
    /// Everything about one user from every service (by e-mail, sub or username).
    Who { who: String },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StatusArg {
    Visible,
    Hidden,
    Removed,
}

#[derive(Debug, Subcommand)]
pub enum PostsCommand {
    /// Posts, newest first, page after page.
    List {
        #[arg(long)]
        status: Option<StatusArg>,
        #[arg(long)]
        author: Option<String>,
        /// At most this many (default: all).
        #[arg(long)]
        limit: Option<u32>,
    },
    Hide {
        ids: Vec<i64>,
        #[arg(long)]
        reason: String,
    },
    Restore {
        ids: Vec<i64>,
        #[arg(long)]
        reason: String,
    },
    Remove {
        ids: Vec<i64>,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ResolutionArg {
    Actioned,
    Dismissed,
}

#[derive(Debug, Subcommand)]
pub enum ReportsCommand {
    /// Reports, newest first, page after page.
    List {
        /// Open reports only (the default), or all.
        #[arg(long)]
        all: bool,
        /// At most this many (default: all).
        #[arg(long)]
        limit: Option<u32>,
    },
    Resolve {
        id: i64,
        #[arg(long, value_enum)]
        resolution: ResolutionArg,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ObjectsCommand {
    /// Keys under a prefix (folders folded), page after page.
    Ls {
        #[arg(default_value = "")]
        prefix: String,
        /// At most this many (default: all).
        #[arg(long)]
        limit: Option<u32>,
    },
    /// Write an object to a file (never overwriting one).
    Get {
        key: String,
        #[arg(short, long)]
        output: std::path::PathBuf,
    },
    Rm {
        key: String,
        #[arg(long)]
        reason: String,
        /// Delete even where no audit row can be written (an environment without a database).
        #[arg(long)]
        unaudited: bool,
    },
    /// A presigned GET URL (recorded in the audit log).
    Presign {
        key: String,
        #[arg(long, default_value_t = 3600)]
        expires: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum LogsCommand {
    /// Events of a group in the last window, optionally filtered, page after page.
    Query {
        group: String,
        #[arg(long, default_value_t = 60)]
        minutes: i64,
        #[arg(long)]
        pattern: Option<String>,
        /// At most this many (default: all in the window).
        #[arg(long)]
        limit: Option<u32>,
    },
    /// Follow groups for a while (`--seconds`), printing events as they arrive.
    Tail {
        groups: Vec<String>,
        #[arg(long, default_value_t = 30)]
        seconds: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum InsightsCommand {
    /// Run a Logs Insights query, wait for it, print its rows (`ctrl-c` stops it); exits
    /// non-zero when the query fails, is cancelled or times out.
    Run {
        /// The query text.
        #[arg(long)]
        query: Option<String>,
        /// Read the query from a file (`-`: stdin).
        #[arg(long)]
        query_file: Option<String>,
        /// The range: `15m`, `24h`, `7d`, or `FROM..TO` in UTC.
        #[arg(long, default_value = "1h")]
        since: String,
        /// A log group, or a prefix ending in `*` (repeat; default: the environment's groups).
        #[arg(long = "group")]
        groups: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Audit rows, newest first, page after page.
    List {
        /// Only this actor's rows.
        #[arg(long)]
        actor: Option<String>,
        /// Only rows about `KIND:ID` (e.g. `post:12`, `user:<sub>`).
        #[arg(long)]
        target: Option<String>,
        /// At most this many (default: all).
        #[arg(long)]
        limit: Option<u32>,
    },
    /// Reverse the write an audit row records (a hide, a disable, a group change, an
    /// attribute, a cleared profile field, a ban), recorded as its undo; rows that cannot be
    /// reversed (a deletion) say why. `--dry-run` shows the reverse without making it.
    Undo {
        id: i64,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Json,
    Csv,
}
