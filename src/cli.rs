//! The command line: the console by default, and subcommands for what needs no screen.

use crate::script;
use clap::builder::TypedValueParser as _;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "backoffice",
    version,
    about = "The terminal console for running the service: users, posts and comments, storage and logs.",
    long_about = "The terminal console for running the service: users in the Cognito pool, posts and \
                  comments in the database, objects in S3 and Lambda logs. With no configuration it \
                  opens on the embedded sandbox, seeded with demo data."
)]
pub struct Cli {
    /// Open the embedded sandbox (the default while no environment is configured).
    #[arg(long, global = true)]
    pub sandbox: bool,

    /// Open this environment of config.toml (default: the file's default_environment, else
    /// the sandbox).
    #[arg(long, global = true, env = "BACKOFFICE_ENV", value_name = "NAME")]
    pub env: Option<String>,

    /// Whether `env` came from `BACKOFFICE_ENV` rather than `--env`, for its errors.
    #[arg(skip)]
    pub env_from_variable: bool,

    /// Disable every write; keys that would write say so instead.
    #[arg(long, global = true)]
    pub read_only: bool,

    /// Sandbox only: simulated API requests per second from sandbox users, through the real
    /// API, logged as Lambda logs them (0 turns it off).
    // The console's alone (the commands run without it), so not in their help.
    #[arg(long, env = "BACKOFFICE_TRAFFIC", value_name = "PER_SECOND",
          default_value_t = 2.0, value_parser = traffic_rate)]
    pub traffic: f64,

    /// Sandbox only: no simulated traffic (the same as --traffic 0).
    #[arg(long)]
    pub no_traffic: bool,

    /// The pane the console opens on: users, posts, audit, storage, logs, insights or
    /// metrics (default: posts).
    // Its names as possible values, so shell completions offer them.
    #[arg(long, value_name = "PANE", ignore_case = true,
          value_parser = clap::builder::PossibleValuesParser::new(PANE_NAMES).map(|p| pane_name(&p)))]
    pub pane: Option<crate::app::PaneId>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The panes' names, as `--pane` takes them.
const PANE_NAMES: [&str; 7] = [
    "users", "posts", "audit", "storage", "logs", "insights", "metrics",
];

/// The pane `name` names (one of [`PANE_NAMES`], already checked by the parser).
fn pane_name(name: &str) -> crate::app::PaneId {
    use crate::app::PaneId;
    PaneId::ALL
        .into_iter()
        .find(|p| p.key() == name.to_lowercase())
        .unwrap_or(PaneId::Posts)
}

impl Cli {
    /// Parses the process's arguments as [`Cli::try_parse_checked_from`] does, printing clap's
    /// message and exiting on a mistake.
    pub fn parse_checked() -> Self {
        Self::try_parse_checked_from(std::env::args_os()).unwrap_or_else(|e| exit_with(&e))
    }

    /// Parses `args`, refusing `--sandbox` beside an `--env` typed on the same line: the two
    /// name different places, and taking one quietly opened what the operator did not mean.
    /// An environment named by `BACKOFFICE_ENV` gives way to `--sandbox`, which is the way to
    /// open the sandbox from a shell that has one set.
    pub fn try_parse_checked_from<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        use clap::{CommandFactory, FromArgMatches};
        let mut command = Self::command();
        let matches = command.try_get_matches_from_mut(args)?;
        let mut cli = Self::from_arg_matches(&matches).map_err(|e| e.format(&mut command))?;
        let typed_env = matches.value_source("env") == Some(clap::parser::ValueSource::CommandLine);
        cli.env_from_variable =
            matches.value_source("env") == Some(clap::parser::ValueSource::EnvVariable);
        // `BACKOFFICE_ENV=` (set, but to nothing) is unset, as shells treat an empty value:
        // it was refused as "no environment ''".
        if cli.env_from_variable && cli.env.as_deref().is_some_and(|e| e.trim().is_empty()) {
            cli.env = None;
            cli.env_from_variable = false;
        }
        if cli.sandbox && typed_env {
            let name = cli.env.as_deref().unwrap_or_default();
            return Err(command.error(
                clap::error::ErrorKind::ArgumentConflict,
                format!(
                    "--sandbox and --env {name} name two places: give one (--env sandbox opens the sandbox too)"
                ),
            ));
        }
        Ok(cli)
    }

    /// The simulated traffic rate, zero when it is off.
    pub fn traffic_rate(&self) -> f64 {
        if self.no_traffic { 0.0 } else { self.traffic }
    }
}

fn traffic_rate(raw: &str) -> Result<f64, String> {
    match raw.parse::<f64>() {
        Ok(v) if (0.0..=200.0).contains(&v) => Ok(v),
        _ => Err("a number of requests per second from 0 to 200".to_string()),
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the folders backoffice uses and the resolved environment (secrets masked).
    Info {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Users of the pool: list, get, account actions, ban and unban, and `who` (every service).
    Users {
        #[command(subcommand)]
        command: script::UsersCommand,
        #[command(flatten)]
        output: script::Output,
    },
    /// Posts: list, hide, restore, remove (audited like the console's moderation).
    Posts {
        #[command(subcommand)]
        command: script::PostsCommand,
        #[command(flatten)]
        output: script::Output,
    },
    /// Reports: list the open ones, the queue of reported targets, resolve one.
    Reports {
        #[command(subcommand)]
        command: script::ReportsCommand,
        #[command(flatten)]
        output: script::Output,
    },
    /// Objects of the environment's bucket: ls, get, rm, presign.
    Objects {
        #[command(subcommand)]
        command: script::ObjectsCommand,
        #[command(flatten)]
        output: script::Output,
    },
    /// Log groups: query a window, or tail for a while.
    Logs {
        #[command(subcommand)]
        command: script::LogsCommand,
        #[command(flatten)]
        output: script::Output,
    },
    /// Logs Insights: run a query server-side and print its rows.
    Insights {
        #[command(subcommand)]
        command: script::InsightsCommand,
        #[command(flatten)]
        output: script::Output,
    },
    /// Every Lambda function's invocations, errors, throttles, p50/p99 duration and concurrency.
    Metrics {
        /// The range: `1h`, `24h`, `7d`, or `FROM..TO` in UTC.
        #[arg(long, default_value = "1h")]
        since: String,
        #[command(flatten)]
        output: script::Output,
    },
    /// The account's alarms, firing first; exits non-zero while any is in ALARM.
    Alarms {
        #[command(flatten)]
        output: script::Output,
    },
    /// The audit log, newest first.
    Audit {
        #[command(subcommand)]
        command: script::AuditCommand,
        #[command(flatten)]
        output: script::Output,
    },
    /// Find orphan objects, rows pointing to missing objects, authors with no user and users
    /// with no profile row; findings on stdout (JSON lines or CSV), counts on stderr.
    Reconcile {
        /// Delete orphan objects and create missing profile rows afterwards (audited).
        #[arg(long)]
        clean_up: bool,
        /// The clean-up keeps orphans younger than this (`30m`, `24h`, `7d`): an upload whose
        /// post is still being written has no row yet.
        #[arg(long, default_value = "24h", value_parser = parse_age)]
        min_age: chrono::Duration,
        /// Why, for the audit rows of a clean-up.
        #[arg(long)]
        reason: Option<String>,
        /// The findings as JSON lines, or as CSV (one row a finding).
        #[arg(long, value_enum, default_value = "json")]
        format: script::ReportFormat,
        #[command(flatten)]
        output: script::Output,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Manage the embedded sandbox.
    Sandbox {
        #[command(subcommand)]
        command: SandboxCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// Replace the sandbox's data with a fresh deterministic seed.
    Seed {
        /// Do not ask before replacing existing sandbox data.
        #[arg(long)]
        yes: bool,
    },
    /// Print the sandbox's folder.
    Path,
}

/// `30m`, `24h`, `7d` as a duration.
fn parse_age(text: &str) -> Result<chrono::Duration, String> {
    let bad = || format!("'{text}': write an age as 30m, 24h or 7d");
    let unit = text.chars().last().ok_or_else(bad)?;
    let number: i64 = text[..text.len() - unit.len_utf8()]
        .parse()
        .map_err(|_| bad())?;
    if number < 0 {
        return Err(bad());
    }
    match unit {
        'm' => chrono::Duration::try_minutes(number),
        'h' => chrono::Duration::try_hours(number),
        'd' => chrono::Duration::try_days(number),
        _ => None,
    }
    .ok_or_else(bad)
}

/// Prints clap's refusal or help and exits as clap would, with what was typed made inert: an
/// unknown subcommand named `␛]2;…` set the terminal's title when clap echoed it (the help's
/// colours go with it; the refusal's words stay).
fn exit_with(e: &clap::Error) -> ! {
    let text = crate::text::plain(&e.render().to_string());
    use std::io::Write;
    if e.use_stderr() {
        eprint!("{text}");
    } else {
        print!("{text}");
        let _ = std::io::stdout().flush();
    }
    std::process::exit(e.exit_code())
}

#[cfg(test)]
mod tests {
    use super::parse_age;

    #[test]
    fn the_starting_pane_is_named_and_a_wrong_name_lists_the_right_ones() {
        use super::Cli;
        use crate::app::PaneId;
        use clap::Parser;
        let cli = Cli::try_parse_from(["backoffice", "--pane", "Logs"]).unwrap();
        assert_eq!(cli.pane, Some(PaneId::Logs));
        assert_eq!(Cli::try_parse_from(["backoffice"]).unwrap().pane, None);
        let wrong = Cli::try_parse_from(["backoffice", "--pane", "reports"])
            .unwrap_err()
            .to_string();
        assert!(
            wrong.contains(
                "[possible values: users, posts, audit, storage, logs, insights, metrics]"
            ),
            "{wrong}"
        );
        // The names are the panes' own, and completions offer them.
        assert!(
            PaneId::ALL
                .iter()
                .zip(super::PANE_NAMES)
                .all(|(p, name)| p.key() == name)
        );
        let mut command = <Cli as clap::CommandFactory>::command();
        let mut script = Vec::new();
        clap_complete::generate(
            clap_complete::Shell::Bash,
            &mut command,
            "backoffice",
            &mut script,
        );
        let script = String::from_utf8(script).unwrap();
        assert!(
            script.contains("users posts audit storage logs insights metrics"),
            "{script}"
        );
    }

    #[test]
    fn sandbox_beside_a_typed_environment_is_refused_and_beside_the_variable_wins() {
        use super::Cli;
        let wrong =
            Cli::try_parse_checked_from(["backoffice", "--sandbox", "--env", "prod"]).unwrap_err();
        assert_eq!(wrong.kind(), clap::error::ErrorKind::ArgumentConflict);
        let text = wrong.to_string();
        assert!(
            text.contains("--sandbox and --env prod name two places"),
            "{text}"
        );
        // Global flags after a subcommand are the same mistake.
        assert!(
            Cli::try_parse_checked_from([
                "backoffice",
                "users",
                "list",
                "--env",
                "prod",
                "--sandbox"
            ])
            .is_err()
        );
        let alone = Cli::try_parse_checked_from(["backoffice", "--sandbox"]).unwrap();
        assert!(alone.sandbox);
        let named = Cli::try_parse_checked_from(["backoffice", "--env", "prod"]).unwrap();
        assert_eq!(named.env.as_deref(), Some("prod"));
    }

    #[test]
    fn the_queue_takes_a_kind_in_the_plural_as_the_console_does() {
        use super::{Cli, Command};
        use crate::script::{KindArg, ReportsCommand};
        let cli =
            Cli::try_parse_checked_from(["backoffice", "reports", "queue", "--kind", "users"])
                .unwrap();
        assert!(matches!(
            cli.command,
            Some(Command::Reports {
                command: ReportsCommand::Queue {
                    kind: Some(KindArg::User),
                    ..
                },
                ..
            })
        ));
    }

    #[test]
    fn an_empty_log_window_or_tail_is_refused() {
        use super::Cli;
        for args in [
            [
                "backoffice",
                "logs",
                "query",
                "/aws/lambda/api",
                "--minutes=0",
            ],
            [
                "backoffice",
                "logs",
                "query",
                "/aws/lambda/api",
                "--minutes=-5",
            ],
            [
                "backoffice",
                "logs",
                "tail",
                "/aws/lambda/api",
                "--seconds=0",
            ],
        ] {
            let e = Cli::try_parse_checked_from(args).unwrap_err();
            assert_eq!(
                e.kind(),
                clap::error::ErrorKind::ValueValidation,
                "{args:?}: {e}"
            );
        }
        assert!(
            Cli::try_parse_checked_from(["backoffice", "logs", "query", "g", "--minutes", "1"])
                .is_ok()
        );
    }

    #[test]
    fn ages_read_in_minutes_hours_and_days_and_nonsense_is_refused() {
        assert_eq!(parse_age("30m"), Ok(chrono::Duration::minutes(30)));
        assert_eq!(parse_age("24h"), Ok(chrono::Duration::hours(24)));
        assert_eq!(parse_age("7d"), Ok(chrono::Duration::days(7)));
        for bad in ["", "h", "-1h", "24", "1w", "99999999999999999d", "ä"] {
            assert!(parse_age(bad).is_err(), "{bad:?}");
        }
    }
}
