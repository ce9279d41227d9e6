//! The scriptable commands beside the console, for support staff and scripts working in bulk:
//! the same backends, services and audit rows as the console, output as text or (`--json`) one
//! JSON object per line, and a non-zero exit status on any failure. A write asks for
//! confirmation on a terminal and needs `--yes` without one; `--read-only` refuses it.

use crate::app::Context;
use crate::exec::Backends;
use backoffice_domain::DomainError;
use backoffice_domain::model::{
    AuditFilter, ContentStatus, Cursor, Moderation, ModerationAction, ModerationTarget, Page,
    PageRequest, PostFilter, PostId, Reason, ReportFilter, ReportId, ReportResolution,
    ReportStatus, UserSub, Username,
};
use backoffice_domain::ports::{ContentStore, LogSource, ObjectStore, UserDirectory};
use backoffice_domain::services::accounts::{self, AccountAction};
use backoffice_domain::services::{ban, reconcile, user360};
use clap::{Args, Subcommand, ValueEnum};
use color_eyre::eyre::{Result, WrapErr, bail, eyre};
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::time::Duration;

/// Options every scriptable command takes.
#[derive(Debug, Clone, Args)]
pub struct Output {
    /// One JSON object per line instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Confirm writes without asking (required when there is no terminal).
    #[arg(long, global = true)]
    pub yes: bool,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// List users of the pool (Cognito's search: `email ^= ann`, or any text for a prefix).
    List {
        #[arg(long)]
        filter: Option<String>,
        #[arg(long, default_value_t = 60)]
        limit: u32,
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
    List {
        #[arg(long)]
        status: Option<StatusArg>,
        #[arg(long)]
        author: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
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
    List {
        /// Open reports only (the default), or all.
        #[arg(long)]
        all: bool,
        #[arg(long, default_value_t = 50)]
        limit: u32,
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
        #[arg(long, default_value_t = 1000)]
        limit: u32,
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
    },
    /// A presigned GET URL.
    Presign {
        key: String,
        #[arg(long, default_value_t = 3600)]
        expires: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum LogsCommand {
    /// Events of a group in the last window, optionally filtered.
    Query {
        group: String,
        #[arg(long, default_value_t = 60)]
        minutes: i64,
        #[arg(long)]
        pattern: Option<String>,
        #[arg(long, default_value_t = 1000)]
        limit: usize,
    },
    /// Follow groups for a while (`--seconds`), printing events as they arrive.
    Tail {
        groups: Vec<String>,
        #[arg(long, default_value_t = 30)]
        seconds: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    List {
        /// Only this actor's rows.
        #[arg(long)]
        actor: Option<String>,
        /// Only rows about `KIND:ID` (e.g. `post:12`, `user:<sub>`).
        #[arg(long)]
        target: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Json,
    Csv,
}

/// One command's work. Returns Ok when everything it tried succeeded.
pub enum Job {
    Users(UsersCommand),
    Posts(PostsCommand),
    Reports(ReportsCommand),
    Objects(ObjectsCommand),
    Logs(LogsCommand),
    Audit(AuditCommand),
    Reconcile {
        clean_up: bool,
        reason: Option<String>,
        format: ReportFormat,
    },
}

fn need<'a, T: ?Sized>(
    part: &'a Option<std::sync::Arc<T>>,
    what: &str,
    env: &str,
) -> Result<&'a T> {
    part.as_deref()
        .ok_or_else(|| eyre!("environment {env} has no {what} in config.toml"))
}

fn reason(raw: &str) -> Result<Reason> {
    Reason::parse(raw).map_err(|e| eyre!("--reason: {}", e.message))
}

fn print<T: Serialize>(out: &Output, value: &T, text: impl FnOnce() -> String) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    if out.json {
        writeln!(stdout, "{}", serde_json::to_string(value)?)?;
    } else {
        writeln!(stdout, "{}", text())?;
    }
    Ok(())
}

/// Asks before a write: on a terminal a typed `yes`; without one, `--yes` must be given.
fn confirm(out: &Output, context: &Context, what: &str) -> Result<()> {
    if context.read_only {
        bail!("read-only: {what} was not done");
    }
    if out.yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        bail!("{what}: pass --yes to confirm a write when there is no terminal");
    }
    eprint!("{what} in {}. Type yes to go on: ", context.environment);
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    if answer.trim() != "yes" {
        bail!("not confirmed; nothing was done");
    }
    Ok(())
}

fn domain(e: DomainError) -> color_eyre::Report {
    eyre!(e.chain())
}

pub async fn run(job: Job, backends: &Backends, context: &Context, out: &Output) -> Result<()> {
    let env = backends.environment.as_str();
    match job {
        Job::Users(cmd) => users(cmd, backends, context, out).await,
        Job::Posts(cmd) => posts(cmd, backends, context, out).await,
        Job::Reports(cmd) => reports(cmd, backends, context, out).await,
        Job::Objects(cmd) => objects(cmd, backends, context, out).await,
        Job::Logs(cmd) => logs(cmd, backends, out).await,
        Job::Audit(AuditCommand::List {
            actor,
            target,
            limit,
        }) => {
            let content = need(&backends.content, "database_url", env)?;
            let (target_kind, target_id) = match target.as_deref().and_then(|t| t.split_once(':')) {
                Some((k, i)) => (Some(k.to_string()), Some(i.to_string())),
                None => (None, None),
            };
            let filter = AuditFilter {
                actor,
                target_kind,
                target_id,
            };
            let rows = collect(limit, |page| content.list_audit(&filter, page)).await?;
            for r in rows {
                print(out, &r, || {
                    format!(
                        "{}\t{}\t{}\t{}:{}\t{}",
                        r.created_at.format("%Y-%m-%d %H:%M:%S"),
                        r.actor,
                        r.action,
                        r.target_kind,
                        r.target_id,
                        r.reason.clone().unwrap_or_default()
                    )
                })?;
            }
            Ok(())
        }
        Job::Reconcile {
            clean_up,
            reason: why,
            format,
        } => {
            let content = need(&backends.content, "database_url", env)?;
            let directory = need(&backends.directory, "user_pool_id", env)?;
            let objects = need(&backends.objects, "object store", env)?;
            let bucket = backends
                .bucket
                .as_ref()
                .ok_or_else(|| eyre!("environment {env} has no bucket"))?;
            let sources = reconcile::Sources {
                content,
                objects,
                bucket,
                directory,
            };
            let mut findings = Vec::new();
            let show_progress = std::io::stderr().is_terminal();
            let summary = reconcile::run(
                &sources,
                &mut |f| {
                    let line = match format {
                        ReportFormat::Json => serde_json::to_string(&f).unwrap_or_default(),
                        ReportFormat::Csv => f.csv(),
                    };
                    println!("{line}");
                    findings.push(f);
                },
                &mut |p| {
                    if show_progress {
                        eprint!("\r{}: {} scanned, {} found   ", p.check, p.scanned, p.found);
                    }
                },
            )
            .await
            .map_err(domain)?;
            if show_progress {
                eprintln!();
            }
            eprintln!("{}", serde_json::to_string(&summary)?);
            if clean_up && !findings.is_empty() {
                let why = reason(
                    why.as_deref()
                        .ok_or_else(|| eyre!("--clean-up needs --reason"))?,
                )?;
                confirm(
                    out,
                    context,
                    &format!("clean up {} findings", findings.len()),
                )?;
                let cleaned = reconcile::clean_up(&sources, &findings, &backends.actor, &why)
                    .await
                    .map_err(domain)?;
                eprintln!("{}", serde_json::to_string(&cleaned)?);
            }
            Ok(())
        }
    }
}

/// Reads pages until `limit` items or the end.
async fn collect<T, F, Fut>(limit: u32, mut fetch: F) -> Result<Vec<T>>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = backoffice_domain::DomainResult<Page<T>>>,
{
    let mut items = Vec::new();
    let mut cursor: Option<Cursor> = None;
    loop {
        // The adapter caps a page at its service's maximum (S3 1,000, Cognito 60).
        let want = (limit as usize).saturating_sub(items.len()).min(1000) as u32;
        if want == 0 {
            return Ok(items);
        }
        let page = fetch(PageRequest {
            cursor: cursor.take(),
            limit: Some(want),
        })
        .await
        .map_err(domain)?;
        items.extend(page.items);
        match page.next {
            Some(next) if items.len() < limit as usize => cursor = Some(next),
            _ => return Ok(items),
        }
    }
}

async fn users(cmd: UsersCommand, b: &Backends, context: &Context, out: &Output) -> Result<()> {
    let env = b.environment.as_str();
    let directory: &dyn UserDirectory = need(&b.directory, "user_pool_id", env)?;
    let content = || need(&b.content, "database_url", env);
    let name = |raw: &str| Username::parse(raw).map_err(|e| eyre!("username: {}", e.message));
    let account = |username: String, action: AccountAction, why: String| async move {
        let username = name(&username)?;
        let why = reason(&why)?;
        confirm(out, context, &action.describe(username.as_str()))?;
        let id = accounts::perform(directory, content()?, &username, &action, &b.actor, &why)
            .await
            .map_err(domain)?;
        print(
            out,
            &serde_json::json!({"done": action.audit_name(), "user": username.as_str(), "auditId": id.get()}),
            || {
                format!(
                    "{} {}: done (audit row {})",
                    action.audit_name(),
                    username,
                    id.get()
                )
            },
        )
    };
    match cmd {
        UsersCommand::List { filter, limit } => {
            let query = crate::app::users::parse_search(filter.as_deref().unwrap_or(""))
                .map_err(|e| eyre!("--filter: {e}"))?;
            let users = collect(limit, |page| directory.list_users(&query, page)).await?;
            for u in users {
                print(out, &u, || {
                    format!(
                        "{}\t{}\t{}\t{}",
                        u.username,
                        u.email.clone().unwrap_or_default(),
                        u.status,
                        if u.enabled { "enabled" } else { "disabled" }
                    )
                })?;
            }
            Ok(())
        }
        UsersCommand::Get { username } => {
            let username = name(&username)?;
            let user = directory.get_user(&username).await.map_err(domain)?;
            let groups = directory.groups_of(&username).await.map_err(domain)?;
            let value = serde_json::json!({"user": user, "groups": groups});
            print(out, &value, || {
                serde_json::to_string_pretty(&value).unwrap_or_default()
            })
        }
        UsersCommand::Disable { username, reason } => {
            account(username, AccountAction::Disable, reason).await
        }
        UsersCommand::Enable { username, reason } => {
            account(username, AccountAction::Enable, reason).await
        }
        UsersCommand::ResetPassword { username, reason } => {
            account(username, AccountAction::ResetPassword, reason).await
        }
        UsersCommand::SignOut { username, reason } => {
            account(username, AccountAction::GlobalSignOut, reason).await
        }
        UsersCommand::Ban {
            username,
            reason: why,
            dry_run,
        } => {
            let username = name(&username)?;
            let plan = ban::plan_ban(directory, content()?, &username)
                .await
                .map_err(domain)?;
            run_plan(b, context, out, plan, &why, dry_run, "ban").await
        }
        UsersCommand::Unban {
            username,
            reason: why,
            dry_run,
        } => {
            let username = name(&username)?;
            let plan = ban::plan_unban(directory, content()?, &username)
                .await
                .map_err(domain)?;
            run_plan(b, context, out, plan, &why, dry_run, "unban").await
        }
        UsersCommand::Who { who } => {
            let who = user360::Who::parse(&who).map_err(domain)?;
            let objects = match (&b.objects, &b.bucket) {
                (Some(o), Some(bucket)) => Some((o.as_ref() as &dyn ObjectStore, bucket)),
                _ => None,
            };
            let logs = b
                .logs
                .as_deref()
                .map(|l| (l as &dyn LogSource, b.log_groups.as_slice()));
            let sources = user360::Sources {
                directory,
                content: content()?,
                objects,
                logs,
                log_window: chrono::Duration::hours(24),
            };
            let view = user360::load(&sources, &who).await.map_err(domain)?;
            let value = serde_json::json!({
                "user": view.user,
                "groups": view.groups,
                "profile": view.profile,
                "counts": view.counts,
                "posts": view.posts,
                "comments": view.comments,
                "reports": view.reports,
                "objects": view.objects.iter().map(|(prefix, o)| serde_json::json!({
                    "prefix": prefix,
                    "summary": o.as_ref().map(|o| serde_json::json!({"count": o.count, "bytes": o.bytes, "truncated": o.truncated, "first": o.first})),
                })).collect::<Vec<_>>(),
                "logLines": view.log_lines,
            });
            print(out, &value, || {
                serde_json::to_string_pretty(&value).unwrap_or_default()
            })
        }
    }
}

async fn run_plan(
    b: &Backends,
    context: &Context,
    out: &Output,
    plan: ban::Plan,
    why: &str,
    dry_run: bool,
    verb: &str,
) -> Result<()> {
    let env = b.environment.as_str();
    let why = reason(why)?;
    for step in &plan.steps {
        print(
            out,
            &serde_json::json!({"plan": verb, "step": step, "call": step.to_string()}),
            || format!("would: {step}"),
        )?;
    }
    if dry_run {
        return Ok(());
    }
    confirm(
        out,
        context,
        &format!("{verb} {} ({} calls)", plan.username, plan.steps.len()),
    )?;
    let outcome = ban::run(
        need(&b.directory, "user_pool_id", env)?,
        need(&b.content, "database_url", env)?,
        &plan,
        &b.actor,
        &why,
    )
    .await;
    let failed = outcome
        .failed
        .as_ref()
        .map(|(s, e)| serde_json::json!({"step": s, "error": e.chain()}));
    let value = serde_json::json!({
        "done": outcome.done, "skipped": outcome.skipped, "failed": failed,
        "notDone": outcome.not_done, "auditId": outcome.audit_id,
    });
    print(out, &value, || {
        serde_json::to_string_pretty(&value).unwrap_or_default()
    })?;
    if let Some((step, e)) = outcome.failed {
        bail!(
            "{verb} stopped at {step}: {}; the steps before it were done and audited",
            e.chain()
        );
    }
    Ok(())
}

async fn posts(cmd: PostsCommand, b: &Backends, context: &Context, out: &Output) -> Result<()> {
    let content: &dyn ContentStore = need(&b.content, "database_url", b.environment.as_str())?;
    let moderate = |ids: Vec<i64>, action: ModerationAction, why: String| async move {
        if ids.is_empty() {
            bail!("give at least one post id");
        }
        let why = reason(&why)?;
        confirm(
            out,
            context,
            &format!("{} {} post(s)", action.as_str(), ids.len()),
        )?;
        let mut failures = 0;
        for id in ids {
            let id = PostId::new(id).map_err(|e| eyre!("post id: {}", e.message))?;
            let result = content
                .moderate(&Moderation {
                    target: ModerationTarget::Post(id),
                    action,
                    actor: b.actor.clone(),
                    reason: why.clone(),
                })
                .await;
            match result {
                Ok(o) => print(
                    out,
                    &serde_json::json!({"post": id.get(), "before": o.before, "after": o.after, "auditId": o.audit_id.get()}),
                    || format!("post {id}: {} -> {}", o.before.as_str(), o.after.as_str()),
                )?,
                Err(e) => {
                    failures += 1;
                    eprintln!("post {id}: {}", e.chain());
                }
            }
        }
        if failures > 0 {
            bail!("{failures} post(s) were not changed");
        }
        Ok(())
    };
    match cmd {
        PostsCommand::List {
            status,
            author,
            limit,
        } => {
            let filter = PostFilter {
                status: status.map(|s| match s {
                    StatusArg::Visible => ContentStatus::Visible,
                    StatusArg::Hidden => ContentStatus::Hidden,
                    StatusArg::Removed => ContentStatus::Removed,
                }),
                author: author
                    .map(|a| UserSub::parse(a).map_err(|e| eyre!("--author: {}", e.message)))
                    .transpose()?,
                ..PostFilter::default()
            };
            for p in collect(limit, |page| content.list_posts(&filter, page)).await? {
                print(out, &p, || {
                    let first_line = p.body.lines().next().unwrap_or_default();
                    format!(
                        "{}\t{}\t{}\t{}",
                        p.id,
                        p.status.as_str(),
                        p.author_sub,
                        first_line
                    )
                })?;
            }
            Ok(())
        }
        PostsCommand::Hide { ids, reason } => moderate(ids, ModerationAction::Hide, reason).await,
        PostsCommand::Restore { ids, reason } => {
            moderate(ids, ModerationAction::Restore, reason).await
        }
        PostsCommand::Remove { ids, reason } => {
            moderate(ids, ModerationAction::Remove, reason).await
        }
    }
}

async fn reports(cmd: ReportsCommand, b: &Backends, context: &Context, out: &Output) -> Result<()> {
    let content: &dyn ContentStore = need(&b.content, "database_url", b.environment.as_str())?;
    match cmd {
        ReportsCommand::List { all, limit } => {
            let filter = ReportFilter {
                status: (!all).then_some(ReportStatus::Open),
                ..ReportFilter::default()
            };
            for r in collect(limit, |page| content.list_reports(&filter, page)).await? {
                print(out, &r, || {
                    format!(
                        "{}\t{}\t{}:{}\t{}",
                        r.id,
                        r.status.as_str(),
                        r.target.kind().as_str(),
                        r.target.id_text(),
                        r.reason
                    )
                })?;
            }
            Ok(())
        }
        ReportsCommand::Resolve {
            id,
            resolution,
            reason: why,
        } => {
            let id = ReportId::new(id).map_err(|e| eyre!("report id: {}", e.message))?;
            let why = reason(&why)?;
            let resolution = match resolution {
                ResolutionArg::Actioned => ReportResolution::Actioned,
                ResolutionArg::Dismissed => ReportResolution::Dismissed,
            };
            confirm(out, context, &format!("resolve report {id}"))?;
            let r = content
                .resolve_report(id, resolution, &b.actor, &why)
                .await
                .map_err(domain)?;
            print(out, &r, || {
                format!("report {}: {}", r.id, r.status.as_str())
            })
        }
    }
}

async fn objects(cmd: ObjectsCommand, b: &Backends, context: &Context, out: &Output) -> Result<()> {
    let env = b.environment.as_str();
    let store: &dyn ObjectStore = need(&b.objects, "object store", env)?;
    let bucket = b
        .bucket
        .as_ref()
        .ok_or_else(|| eyre!("environment {env} has no bucket in config.toml"))?;
    match cmd {
        ObjectsCommand::Ls { prefix, limit } => {
            let entries =
                collect(limit, |page| store.list(bucket, &prefix, Some('/'), page)).await?;
            for e in entries {
                print(out, &e, || match &e {
                    backoffice_domain::model::ListingEntry::Prefix(p) => p.clone(),
                    backoffice_domain::model::ListingEntry::Object(o) => {
                        format!("{}\t{}", o.key, o.size)
                    }
                })?;
            }
            Ok(())
        }
        ObjectsCommand::Get { key, output } => {
            if output.exists() {
                bail!("{} exists; not overwriting it", output.display());
            }
            let bytes = store.get(bucket, &key, None).await.map_err(domain)?;
            std::fs::write(&output, &bytes.bytes)
                .wrap_err_with(|| format!("writing {}", output.display()))?;
            print(
                out,
                &serde_json::json!({"key": key, "bytes": bytes.bytes.len(), "path": output}),
                || format!("{key}: {} bytes to {}", bytes.bytes.len(), output.display()),
            )
        }
        ObjectsCommand::Rm { key, reason: why } => {
            let why = reason(&why)?;
            confirm(out, context, &format!("delete {key}"))?;
            let content = b.content.as_deref();
            let done = backoffice_domain::services::storage::delete(
                store,
                content,
                bucket,
                std::slice::from_ref(&key),
                &b.actor,
                &why,
            )
            .await
            .map_err(domain)?;
            if let Some((_, why)) = done.failed.first() {
                bail!("{key} was not deleted: {why}");
            }
            print(
                out,
                &serde_json::json!({"deleted": key, "audited": done.audited}),
                || {
                    format!(
                        "deleted {key}{}",
                        if done.audited {
                            ""
                        } else {
                            " (not audited: no database)"
                        }
                    )
                },
            )
        }
        ObjectsCommand::Presign { key, expires } => {
            if context.read_only {
                bail!("read-only: presigned links are not handed out");
            }
            let signed = store
                .presign_get(bucket, &key, Duration::from_secs(expires))
                .await
                .map_err(domain)?;
            print(
                out,
                &serde_json::json!({"url": signed.url, "expiresAt": signed.expires_at}),
                || signed.url.clone(),
            )
        }
    }
}

async fn logs(cmd: LogsCommand, b: &Backends, out: &Output) -> Result<()> {
    let source: &dyn LogSource = need(&b.logs, "log source", b.environment.as_str())?;
    let group_name = |g: &str| {
        backoffice_domain::model::LogGroupName::parse(g)
            .map_err(|e| eyre!("log group: {}", e.message))
    };
    match cmd {
        LogsCommand::Query {
            group,
            minutes,
            pattern,
            limit,
        } => {
            let group = group_name(&group)?;
            let pattern = pattern
                .map(|p| {
                    backoffice_domain::model::FilterPattern::parse(p)
                        .map_err(|e| eyre!("--pattern: {}", e.message))
                })
                .transpose()?;
            let window =
                backoffice_domain::model::TimeWindow::last(chrono::Duration::minutes(minutes));
            // FilterLogEvents returns up to 10,000 events a call.
            const EVENTS_PAGE: u32 = 10_000;
            let mut printed = 0;
            let mut page = PageRequest::first(EVENTS_PAGE);
            loop {
                let got = source
                    .filter_events(&group, window, pattern.as_ref(), page)
                    .await
                    .map_err(domain)?;
                for e in got.items {
                    if printed >= limit {
                        return Ok(());
                    }
                    printed += 1;
                    print(out, &e, || {
                        format!(
                            "{}\t{}",
                            e.timestamp.format("%Y-%m-%d %H:%M:%S%.3f"),
                            e.message
                        )
                    })?;
                }
                match got.next {
                    Some(c) => page = PageRequest::after(c, EVENTS_PAGE),
                    None => return Ok(()),
                }
            }
        }
        LogsCommand::Tail { groups, seconds } => {
            use futures::StreamExt;
            let groups = groups
                .iter()
                .map(|g| group_name(g))
                .collect::<Result<Vec<_>>>()?;
            if groups.is_empty() {
                bail!("give at least one log group");
            }
            let request = backoffice_domain::model::TailRequest {
                groups,
                since: chrono::Utc::now(),
                pattern: None,
            };
            let mut stream = source.tail(request).await.map_err(domain)?;
            let deadline = tokio::time::sleep(Duration::from_secs(seconds));
            tokio::pin!(deadline);
            loop {
                tokio::select! {
                    _ = &mut deadline => return Ok(()),
                    item = stream.next() => match item {
                        None => return Ok(()),
                        Some(Err(e)) => return Err(domain(e)),
                        Some(Ok(backoffice_domain::model::TailItem::Events(events))) => {
                            for e in events {
                                print(out, &e, || format!("{}\t{}\t{}", e.timestamp.format("%H:%M:%S%.3f"), e.group, e.message))?;
                            }
                        }
                        // Markers (sampled, gaps, reconnects) go to stderr, so stdout stays events.
                        Some(Ok(marker)) => eprintln!("-- {marker:?}"),
                    }
                }
            }
        }
    }
}
