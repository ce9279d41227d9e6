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
        /// What to look for (plain text, or Cognito's `attribute = "value"` / `^=`).
        #[arg(long)]
        filter: Option<String>,
        /// At most this many (default: all).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        limit: Option<u32>,
    },
    /// One user, with groups.
    Get {
        /// The user's username in the pool.
        username: String,
    },
    /// Disable the account: its sign-in is refused, and the API refuses its requests within
    /// 5 seconds (tokens already given out stay valid, for services other than the API, until
    /// they expire).
    Disable {
        /// The user's username in the pool.
        username: String,
        /// Why, for the audit log (required).
        #[arg(long)]
        reason: String,
    },
    /// Enable a disabled account.
    Enable {
        /// The user's username in the pool.
        username: String,
        /// Why, for the audit log (required).
        #[arg(long)]
        reason: String,
    },
    /// Reset the password: Cognito sends the user a code to choose a new one.
    ResetPassword {
        /// The user's username in the pool.
        username: String,
        /// Why, for the audit log (required).
        #[arg(long)]
        reason: String,
    },
    /// Sign the user out everywhere: every refresh token given out is revoked (access tokens
    /// already given out work until they expire; `disable` stops them at the API).
    SignOut {
        /// The user's username in the pool.
        username: String,
        /// Why, for the audit log (required).
        #[arg(long)]
        reason: String,
    },
    /// Create a user with this e-mail (marked verified): Cognito e-mails the invitation with a
    /// temporary password, or with `--no-invitation` nothing is sent (then `set-password`,
    /// whose password you hand over).
    Create {
        /// The new user's username.
        username: String,
        /// The e-mail address (marked verified).
        #[arg(long)]
        email: String,
        /// Send no invitation (set a password next).
        #[arg(long)]
        no_invitation: bool,
        /// Why, for the audit log (required).
        #[arg(long)]
        reason: String,
    },
    /// Set the user's password, read from the terminal without echo (typed twice) or, with
    /// `--password-stdin`, as the first line of standard input. Permanent unless `--temporary`
    /// (the user must change it at the next sign-in).
    SetPassword {
        /// The user's username in the pool.
        username: String,
        /// The user must choose a new password at the next sign-in (FORCE_CHANGE_PASSWORD).
        #[arg(long)]
        temporary: bool,
        /// Read the password from standard input's first line (for scripts; never an argument,
        /// which the process list and the shell's history would keep).
        #[arg(long)]
        password_stdin: bool,
        /// Why, for the audit log (required).
        #[arg(long)]
        reason: String,
    },
    /// Confirm an unconfirmed sign-up, as if the user had entered their code.
    Confirm {
        /// The user's username in the pool.
        username: String,
        /// Why, for the audit log (required).
        #[arg(long)]
        reason: String,
    },
    /// Mark the user's e-mail verified.
    VerifyEmail {
        /// The user's username in the pool.
        username: String,
        /// Why, for the audit log (required).
        #[arg(long)]
        reason: String,
    },
    /// Add the user to a group of the pool.
    AddGroup {
        /// The user's username in the pool.
        username: String,
        /// The group's name.
        group: String,
        /// Why, for the audit log (required).
        #[arg(long)]
        reason: String,
    },
    /// Take the user out of a group (taken out of `admins`, they keep its rights until the
    /// tokens they hold expire; disable the account to end them now).
    RemoveGroup {
        /// The user's username in the pool.
        username: String,
        /// The group's name.
        group: String,
        /// Why, for the audit log (required).
        #[arg(long)]
        reason: String,
    },
    /// Send an unconfirmed user's sign-up confirmation code again (through the environment's
    /// `app_client_id`).
    ResendConfirmationCode {
        /// The user's username in the pool.
        username: String,
        /// Why, for the audit log (required).
        #[arg(long)]
        reason: String,
    },
    /// The user's latest sign-in events (result, risk, IP), newest first, where the pool
    /// records them (Cognito's threat protection).
    SignIns {
        /// The user's username in the pool.
        username: String,
        /// At most this many (1 to 60).
        #[arg(long, default_value = "20", value_parser = clap::value_parser!(u32).range(1..=60))]
        limit: u32,
    },
    /// Send the invitation again (a new temporary password), to a user who never signed in.
    ResendInvitation {
        /// The user's username in the pool.
        username: String,
        /// Why, for the audit log (required).
        #[arg(long)]
        reason: String,
    },
    /// Hide all of a user's visible content, disable and sign out; `--dry-run` lists the calls.
    Ban {
        /// The user's username in the pool.
        username: String,
        /// Why, for the audit log (required, but for `--dry-run`).
        #[arg(long, required_unless_present = "dry_run")]
        reason: Option<String>,
        /// List the calls it would make, and make none.
        #[arg(long)]
        dry_run: bool,
    },
    /// Reverse exactly what the user's bans since the last unban did.
    Unban {
        /// The user's username in the pool.
        username: String,
        /// Why, for the audit log (required, but for `--dry-run`).
        #[arg(long, required_unless_present = "dry_run")]
        reason: Option<String>,
        /// List the calls it would make, and make none.
        #[arg(long)]
        dry_run: bool,
    },
    /// Delete the account whole: block, disable, remove their posts and comments (kept for
    /// the audit), close the open reports on them, delete their objects, delete the profile
    /// row, then the Cognito user. Their data is exported to a JSON file first (`--export`,
    /// default `backoffice-user-NAME-SUB-WHEN.json`) unless `--no-export`; `--dry-run` lists the
    /// calls.
    Delete {
        /// The user's username in the pool.
        username: String,
        /// Why, for the audit log (required, but for `--dry-run`).
        #[arg(long, required_unless_present = "dry_run")]
        reason: Option<String>,
        /// List the calls it would make, and make none.
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
        /// The user's username in the pool.
        username: String,
        /// Default: `backoffice-user-NAME-WHEN.json` in the current folder.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Clear fields of a user's profile (`display_name`, `bio`, `avatar`, or `all`), audited
    /// with the values before so `audit undo` can put them back. Takes the user's sub.
    ClearProfile {
        /// The user's sub.
        sub: String,
        /// `display_name`, `bio`, `avatar` (comma-separated) or `all`.
        #[arg(long, default_value = "all")]
        fields: String,
        /// Why, for the audit log (required).
        #[arg(long)]
        reason: String,
    },
    /// Everything about one user from every service (by e-mail, sub or username).
    Who {
        /// An e-mail, a phone number (+82 10-1234-5678), a sub or a username.
        who: String,
    },
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
        /// Only posts in this status.
        #[arg(long)]
        status: Option<StatusArg>,
        /// Only this author's posts (their sub).
        #[arg(long)]
        author: Option<String>,
        /// At most this many (default: all).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        limit: Option<u32>,
    },
    /// Hide posts (their author still sees them; restore shows them again).
    Hide {
        /// Post ids.
        ids: Vec<i64>,
        /// Why, for the audit log (required).
        #[arg(long)]
        reason: String,
    },
    /// Show hidden or removed posts again.
    Restore {
        /// Post ids.
        ids: Vec<i64>,
        /// Why, for the audit log (required).
        #[arg(long)]
        reason: String,
    },
    /// Remove posts (kept for the audit; restore brings them back).
    Remove {
        /// Post ids.
        ids: Vec<i64>,
        /// Why, for the audit log (required).
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
    /// Reports one by one, newest first, page after page (`queue` groups them by target).
    List {
        /// Every report, not only the open ones.
        #[arg(long)]
        all: bool,
        /// At most this many (default: all).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        limit: Option<u32>,
    },
    /// The reports queue: targets with open reports, most reported first, then the longest
    /// waiting, each with its reasons counted and what it is; page after page.
    Queue {
        /// Only posts, comments or users.
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
        /// Only targets with an open report whose reason holds this text (any case).
        #[arg(long)]
        reason: Option<String>,
        /// At most this many (default: all).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        limit: Option<u32>,
    },
    /// Close one report, as actioned or dismissed.
    Resolve {
        /// The report's id.
        id: i64,
        /// How it was settled.
        #[arg(long, value_enum)]
        resolution: ResolutionArg,
        /// Why, for the audit log (required).
        #[arg(long)]
        reason: String,
    },
}

/// A report target's kind; the plural is taken too, as the console's `kind:` filter takes it.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    #[value(alias = "posts")]
    Post,
    #[value(alias = "comments")]
    Comment,
    #[value(alias = "users")]
    User,
}

#[derive(Debug, Subcommand)]
pub enum ObjectsCommand {
    /// Keys under a prefix (folders folded), page after page.
    Ls {
        /// The folder to list (a key prefix; default: the bucket's top).
        #[arg(default_value = "")]
        prefix: String,
        /// At most this many (default: all).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        limit: Option<u32>,
    },
    /// Write an object to a file (never overwriting one).
    Get {
        /// The object's key, as `objects ls` prints it (`<U+0009>` for a tab).
        key: String,
        /// The key exactly as given, its `<U+…>` text not read as characters (a key from
        /// `--json`).
        #[arg(long)]
        raw_key: bool,
        /// The file to write (a new one), or `-` for standard output.
        #[arg(short, long)]
        output: std::path::PathBuf,
    },
    /// Delete an object (in a versioned bucket, a delete marker; older versions stay).
    Rm {
        /// The object's key, as `objects ls` prints it (`<U+0009>` for a tab).
        key: String,
        /// The key exactly as given, its `<U+…>` text not read as characters (a key from
        /// `--json`).
        #[arg(long)]
        raw_key: bool,
        /// Why, for the audit log (required).
        #[arg(long)]
        reason: String,
        /// Delete even where no audit row can be written (an environment without a database).
        #[arg(long)]
        unaudited: bool,
    },
    /// A presigned GET URL (recorded in the audit log).
    Presign {
        /// The object's key, as `objects ls` prints it (`<U+0009>` for a tab).
        key: String,
        /// The key exactly as given, its `<U+…>` text not read as characters (a key from
        /// `--json`).
        #[arg(long)]
        raw_key: bool,
        /// Seconds the link works for (1 to 604800, a week: S3's longest).
        #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..=604_800))]
        expires: u64,
    },
}

/// The longest window `logs query` takes: ten years, past CloudWatch's longest retention.
const MAX_MINUTES: i64 = 10 * 366 * 24 * 60;

#[derive(Debug, Subcommand)]
pub enum LogsCommand {
    /// Events of a group in the last window, optionally filtered, page after page.
    Query {
        /// The log group's name.
        group: String,
        /// How far back the window reaches (at least 1).
        #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(i64).range(1..=MAX_MINUTES))]
        minutes: i64,
        /// The window instead, as the console's Logs prompt takes one: `15m`, `24h`, or
        /// `FROM..TO` in UTC (`2026-12-05 10:00..2026-12-05 12:00`, or as the titles write it
        /// short, `12-05 10:00..12:00 UTC`).
        #[arg(long, conflicts_with = "minutes", value_name = "RANGE")]
        since: Option<String>,
        /// A CloudWatch filter pattern (`ERROR`, `"timed out"`, `{ $.level = "ERROR" }`).
        #[arg(long)]
        pattern: Option<String>,
        /// At most this many (default: all in the window).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        limit: Option<u32>,
    },
    /// Follow groups for a while (`--seconds`), printing events as they arrive; what the tail
    /// says about them (a gap, a reconnection, a group deleted) comes as marker records, on
    /// stderr as `-- {json}` without `--json`.
    Tail {
        /// Log group names (default: the environment's `log_groups`).
        groups: Vec<String>,
        /// How long to follow (at least 1).
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
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
        /// Only rows written since: `15m`, `24h`, `7d`, or a time `2026-12-01T10:00` (UTC).
        #[arg(long)]
        since: Option<String>,
        /// Only rows written before: a span back from now or a time, as `--since`.
        #[arg(long)]
        until: Option<String>,
        /// At most this many (default: all).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        limit: Option<u32>,
    },
    /// Reverse the write an audit row records (a hide, a disable, a group change, an
    /// attribute, a cleared profile field, a ban), recorded as its undo; rows that cannot be
    /// reversed (a deletion) say why. `--dry-run` shows the reverse without making it.
    Undo {
        /// The audit row's id.
        id: i64,
        /// Why, for the audit log (required, but for `--dry-run`).
        #[arg(long, required_unless_present = "dry_run")]
        reason: Option<String>,
        /// Show the reverse, and make none.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Json,
    Csv,
}
