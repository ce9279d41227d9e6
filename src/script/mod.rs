//! The scriptable commands beside the console, for support staff and scripts working in bulk.
//! They open the same backends as the console and write through the same operations layer
//! (`crate::ops`), so confirmations, audit rows and the wording of results match the console's.
//! Output is text (untrusted text made safe to print) or, with `--json`, one flat JSON object per
//! line (`records`). Lists page to the end unless `--limit` caps them; a failure exits non-zero.

mod args;
mod content;
mod logs;
mod objects;
mod oncall;
pub(crate) mod records;
mod secret;
mod users;

pub use args::*;

use crate::app::{Context, Failure};
use crate::ops::{self, Backends, Done, Gate, Operation};
use backoffice_domain::DomainError;
use backoffice_domain::model::{Cursor, Page, PageRequest, Reason};
use color_eyre::eyre::{Result, bail, eyre};
use serde_json::Value;
use std::io::{IsTerminal, Write};

/// One command's work.
pub enum Job {
    Users(UsersCommand),
    Posts(PostsCommand),
    Reports(ReportsCommand),
    Objects(ObjectsCommand),
    Logs(LogsCommand),
    Audit(AuditCommand),
    Insights(InsightsCommand),
    /// The environment's Lambda metrics over a range (`1h`, `24h`, `7d`, `FROM..TO`).
    Metrics {
        since: String,
    },
    Alarms,
    Reconcile {
        clean_up: bool,
        /// Orphans younger than this are kept.
        min_age: chrono::Duration,
        reason: Option<String>,
        format: ReportFormat,
    },
}

impl Job {
    /// Whether the job reads or writes the database (a write's audit row included). Only such
    /// a job waits for the database's check: logs, metrics and objects are read while the
    /// database (or STS) is down, as the console reads them.
    pub fn uses_database(&self) -> bool {
        !matches!(
            self,
            // `who` says which of its parts could not be read, the database's too.
            // A listing's plain-text search reads the profile names too, and says when it
            // could not.
            Job::Users(
                UsersCommand::List { .. }
                    | UsersCommand::Get { .. }
                    | UsersCommand::SignIns { .. }
                    | UsersCommand::Who { .. }
            ) | Job::Objects(ObjectsCommand::Ls { .. } | ObjectsCommand::Get { .. })
                | Job::Logs(_)
                | Job::Insights(_)
                | Job::Metrics { .. }
                | Job::Alarms
        )
    }
}

/// Runs one job; `Ok` when everything it tried succeeded.
pub async fn run(job: Job, b: &Backends, context: &Context, out: &Output) -> Result<()> {
    let session = Session { b, context, out };
    match job {
        Job::Users(cmd) => users::run(cmd, &session).await,
        Job::Posts(cmd) => content::posts(cmd, &session).await,
        Job::Reports(cmd) => content::reports(cmd, &session).await,
        Job::Objects(cmd) => objects::run(cmd, &session).await,
        Job::Logs(cmd) => logs::run(cmd, &session).await,
        Job::Audit(cmd) => content::audit(cmd, &session).await,
        Job::Insights(cmd) => oncall::insights(cmd, &session).await,
        Job::Metrics { since } => oncall::metrics(&since, &session).await,
        Job::Alarms => oncall::alarms(&session).await,
        Job::Reconcile {
            clean_up,
            min_age,
            reason,
            format,
        } => content::reconcile(clean_up, min_age, reason, format, &session).await,
    }
}

/// What every command works with.
pub(crate) struct Session<'a> {
    pub b: &'a Backends,
    pub context: &'a Context,
    pub out: &'a Output,
}

impl Session<'_> {
    /// Prints a record: its JSON with `--json`, else the text line (made safe to print by the
    /// caller's use of `crate::text`).
    pub fn print(&self, record: &Value, text: impl FnOnce() -> String) -> Result<()> {
        let mut stdout = std::io::stdout().lock();
        let written = if self.out.json {
            writeln!(stdout, "{}", crate::text::json_line(record))
        } else {
            // Whatever a line holds, nothing in it drives the terminal.
            writeln!(stdout, "{}", crate::text::plain(&text()))
        };
        match written {
            // A reader that stopped early (`| head`) is not a failure.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => Ok(other?),
        }
    }

    /// Confirms `operation`, performs it through the operations layer and prints what it did.
    pub async fn write(&self, operation: Operation, reason: &Reason) -> Result<()> {
        self.write_shown(operation, reason, &[]).await
    }

    /// As [`Session::write`], with `shown` (what the operation touches, a line each) written
    /// above the question when there is one to ask.
    pub async fn write_shown(
        &self,
        operation: Operation,
        reason: &Reason,
        shown: &[String],
    ) -> Result<()> {
        // Refused read-only before any call; then who writes (and the database's check) is
        // learned before anything is asked, so a `yes` is never typed for a write that cannot
        // be made.
        ops::admit(self.context, &operation.describe()).map_err(failed)?;
        self.b.actor().await.map_err(domain)?;
        self.confirm_shown(&operation.describe(), shown)?;
        match ops::perform(self.b, operation, reason).await {
            Ok(done) => self.report(&done),
            // What was changed before the failure is printed too: a script must know.
            Err(partial) => {
                if self.out.json {
                    for r in &partial.records {
                        self.print(r, String::new)?;
                    }
                }
                Err(failed(partial.failure))
            }
        }
    }

    fn report(&self, done: &Done) -> Result<()> {
        if self.out.json {
            for r in &done.records {
                self.print(r, String::new)?;
            }
            Ok(())
        } else {
            // Which environment it was done in: with no `--env` the default one was meant.
            self.print(&Value::Null, || {
                format!(
                    "{} · in {}",
                    crate::text::one_line(&done.summary),
                    self.b.environment
                )
            })
        }
    }

    /// Asks before a write, as the console does: refused when read-only; in production the
    /// environment's name must be given (`--confirm-env NAME`, or typed at the prompt), and
    /// `--yes` alone is not enough; elsewhere `--yes`, or a typed `yes` on a terminal.
    pub fn confirm(&self, what: &str) -> Result<()> {
        self.confirm_shown(what, &[])
    }

    /// Whether [`Session::confirm`] will ask at the terminal (no `--yes` or `--confirm-env`
    /// answers for it), so that what the question is about is worth reading first.
    pub fn will_ask(&self) -> bool {
        let production = matches!(ops::admit(self.context, ""), Ok(Gate::TypeName(_)));
        std::io::stdin().is_terminal()
            && self.out.confirm_env.is_none()
            && (production || !self.out.yes)
    }

    /// As [`Session::confirm`], with `shown` written above the question, a line each, when
    /// it is asked.
    pub fn confirm_shown(&self, what: &str, shown: &[String]) -> Result<()> {
        let gate = ops::admit(self.context, what).map_err(failed)?;
        let terminal = std::io::stdin().is_terminal();
        // Written where the question is (the terminal, when stderr is redirected).
        let lead: String = shown
            .iter()
            .map(|line| format!("  {}\n", crate::text::one_line(line)))
            .collect();
        match &gate {
            Gate::TypeName(name) => {
                // A name given that is not this environment's is said as such (it said "type
                // its name", and a script has nothing to type).
                if let Some(typed) = &self.out.confirm_env
                    && typed != name
                {
                    bail!(
                        "{what}: --confirm-env {typed} does not name this environment ({name}); nothing was done"
                    );
                }
                let typed = match (&self.out.confirm_env, terminal) {
                    (Some(typed), _) => typed.clone(),
                    (None, true) => ask(&format!(
                        "{lead}{what} in {name} (production). Type {name} to go on: "
                    ))?,
                    (None, false) => bail!(
                        "{what}: {name} is a production environment; pass --confirm-env {name} (--yes is not enough)"
                    ),
                };
                ops::check_typed(&gate, Some(&typed)).map_err(failed)
            }
            Gate::Confirm => {
                if self.out.yes || self.out.confirm_env.as_deref() == Some(&self.b.environment) {
                    return Ok(());
                }
                // A name that is not this environment's is a mistake worth naming (it said only
                // to pass --yes).
                if let Some(typed) = &self.out.confirm_env {
                    bail!(
                        "{what}: --confirm-env {typed} does not name this environment ({}); nothing was done",
                        self.b.environment
                    );
                }
                if !terminal {
                    bail!("{what}: pass --yes to confirm a write when there is no terminal");
                }
                let answer = ask(&format!(
                    "{lead}{what} (environment {}). Type yes to go on: ",
                    self.context.environment
                ))?;
                // `YES` is as meant as `yes`; `y` is not taken for it, and says so.
                if !answer.trim().eq_ignore_ascii_case("yes") {
                    bail!("not confirmed (only yes, typed in full, goes on); nothing was done");
                }
                Ok(())
            }
        }
    }
}

fn ask(prompt: &str) -> Result<String> {
    Asking::open().say(&crate::text::plain(prompt))?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(answer.trim().to_string())
}

/// Where a question to the operator is written: standard error, or the terminal itself when
/// standard error is redirected (`2>run.log`), where the question would be hidden and the
/// command would seem to hang.
pub(super) struct Asking(Option<std::fs::File>);

impl Asking {
    pub(super) fn open() -> Self {
        if std::io::stderr().is_terminal() {
            return Self(None);
        }
        Self(
            std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/tty")
                .ok(),
        )
    }

    /// The descriptor written to, for a signal handler that writes the prompt again.
    #[cfg(unix)]
    pub(super) fn raw_fd(&self) -> i32 {
        use std::os::fd::AsRawFd;
        self.0.as_ref().map_or(2, |f| f.as_raw_fd())
    }

    pub(super) fn say(&self, text: &str) -> std::io::Result<()> {
        match &self.0 {
            Some(tty) => {
                let mut tty = tty;
                tty.write_all(text.as_bytes())?;
                tty.flush()
            }
            None => {
                let mut err = std::io::stderr().lock();
                err.write_all(text.as_bytes())?;
                err.flush()
            }
        }
    }
}

/// How a planned call is said: `would` in a dry run, `will` before a run (a run's calls read
/// `would:` and were then made).
fn planned(dry_run: bool) -> &'static str {
    if dry_run { "would" } else { "will" }
}

/// A failure from the operations layer as the command's error: its sentence, then its chain.
fn failed(f: Failure) -> color_eyre::Report {
    if f.chain.is_empty() || f.chain == f.message {
        eyre!(f.message)
    } else {
        eyre!("{}\n{}", f.message, f.chain)
    }
}

/// A text line of tab-separated fields, each made one line on its own: made one line
/// together, a tab between fields became a space as soon as one held a character outside
/// ASCII, and names with spaces ran into the next column.
fn fields(fields: &[&str]) -> String {
    fields
        .iter()
        .map(|f| crate::text::one_line_as_written(f))
        .collect::<Vec<_>>()
        .join("\t")
}

fn domain(e: DomainError) -> color_eyre::Report {
    match e {
        // What was not found is often a name typed: a look-alike is named (`user <U+0430>nn`).
        DomainError::NotFound(what) => eyre!(crate::app::not_found(&what)),
        e => eyre!(e.chain()),
    }
}

fn reason(raw: &str) -> Result<Reason> {
    Reason::parse(raw).map_err(|e| eyre!("--reason: {}", e.message))
}

/// The reason of a command that writes, where its `--dry-run` needs none (clap asks for it
/// otherwise): read at once where given, so a bad one is refused before anything is planned.
fn reason_if_given(raw: Option<&str>) -> Result<Option<Reason>> {
    raw.map(reason).transpose()
}

/// The reason a write goes with, once past its dry run.
fn given(why: Option<Reason>) -> Result<Reason> {
    why.ok_or_else(|| eyre!("--reason: give why, for the audit log"))
}

/// Reads a listing page by page, handing each item to `each` as it arrives, until the end or
/// `limit` items. A capped listing says on stderr that more remain. Rows the source could not
/// read are said on stderr as they come, and fail the command once the rest are listed: a
/// script is not to take the listing for whole.
async fn each_item<T, F, Fut>(
    limit: Option<u32>,
    page_size: u32,
    mut fetch: F,
    mut each: impl FnMut(T) -> Result<()>,
) -> Result<usize>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = backoffice_domain::DomainResult<Page<T>>>,
{
    let mut seen = 0usize;
    let mut unread = 0usize;
    let mut cursor: Option<Cursor> = None;
    let cap = limit.map(|l| l as usize);
    let done = |seen: usize, unread: usize| match unread {
        0 => Ok(seen),
        n => Err(eyre!(
            "{n} row(s) could not be read and were left out (said above); the {seen} listed are the rest"
        )),
    };
    loop {
        let want = cap.map_or(page_size as usize, |c| {
            c.saturating_sub(seen).min(page_size as usize)
        });
        if want == 0 {
            return done(seen, unread);
        }
        let page = fetch(PageRequest {
            cursor: cursor.take(),
            limit: Some(want as u32),
        })
        .await
        .map_err(domain)?;
        for why in &page.left_out {
            eprintln!("left out, unreadable: {}", crate::text::one_line(why));
        }
        unread += page.left_out.len();
        let more = page.next.is_some();
        for item in page.items {
            if cap.is_some_and(|c| seen >= c) {
                eprintln!("(stopped at --limit {seen}; more remain)");
                return done(seen, unread);
            }
            each(item)?;
            seen += 1;
        }
        match page.next {
            Some(next) => {
                if cap.is_some_and(|c| seen >= c) && more {
                    eprintln!("(stopped at --limit {seen}; more remain)");
                    return done(seen, unread);
                }
                cursor = Some(next);
            }
            None => return done(seen, unread),
        }
    }
}

#[cfg(test)]
mod tests {
    /// A field with a space, a character outside ASCII or a tab of its own keeps the line's
    /// tabs for the columns alone.
    #[test]
    fn fields_keep_their_tabs_beside_names_with_spaces_and_any_script() {
        let line = super::fields(&["ann", "Ann Lee 🎉", "a\tb", "שלום"]);
        assert_eq!(
            line.split('\t').collect::<Vec<_>>(),
            ["ann", "Ann Lee 🎉", "a b", "שלום"]
        );
        // An Arabic name is printed as written, to be found by grep (the console's columns
        // part a Lam from an Alef; standard output has none).
        assert_eq!(super::fields(&["الأحمد"]), "الأحمد");
    }
}
