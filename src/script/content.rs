//! `backoffice posts|reports|audit|reconcile …`: the database's content, its moderation and its
//! audit log, and the cross-service reconciliation.

use super::{
    AuditCommand, KindArg, PostsCommand, ReportFormat, ReportsCommand, ResolutionArg, Session,
    StatusArg, domain, each_item, failed, reason, records,
};
use crate::ops::Operation;
use crate::text::one_line;
use backoffice_domain::model::{
    AuditFilter, AuditKind, ContentStatus, ModerationAction, ModerationTarget, PostFilter, PostId,
    QueueFilter, ReportFilter, ReportId, ReportResolution, ReportStatus, TargetKind, UserSub,
};
use backoffice_domain::services::{moderation, reconcile, user360};
use color_eyre::eyre::{Result, bail, eyre};
use std::io::{IsTerminal, Write};

/// Rows a database listing asks for at once.
const PAGE: u32 = 500;

pub(super) async fn posts(cmd: PostsCommand, s: &Session<'_>) -> Result<()> {
    let moderate = |ids: Vec<i64>, action: ModerationAction, why: String| async move {
        if ids.is_empty() {
            bail!("give at least one post id");
        }
        // An id given twice is one post (the second failed as already hidden).
        let mut seen = std::collections::HashSet::new();
        let targets = ids
            .into_iter()
            .filter(|id| seen.insert(*id))
            .map(|id| {
                PostId::new(id)
                    .map(ModerationTarget::Post)
                    .map_err(|e| eyre!("post id: {}", e.message))
            })
            .collect::<Result<Vec<_>>>()?;
        let why = reason(&why)?;
        // On a terminal, what each post is, above the question; those the action cannot
        // change (not there, or so already) are said and left out, and with none left nothing
        // is asked (it asked, then said `0 done, 1 failed`).
        let (targets, shown) = if s.will_ask() {
            let (kept, shown) = shown_posts(s, targets, action).await;
            if kept.is_empty() {
                for line in &shown {
                    eprintln!("  {}", crate::text::plain(line));
                }
                bail!("nothing to {}; nothing was done", action.as_str());
            }
            (kept, shown)
        } else {
            (targets, Vec::new())
        };
        s.write_shown(Operation::Moderate { targets, action }, &why, &shown)
            .await
    };
    match cmd {
        PostsCommand::List {
            status,
            author,
            limit,
        } => {
            let content = s.b.content().map_err(domain)?;
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
            each_item(
                limit,
                PAGE,
                |page| content.list_posts(&filter, page),
                |p| {
                    s.print(&records::post(&p), || {
                        super::fields(&[
                            &p.id.to_string(),
                            p.status.as_str(),
                            p.author_sub.as_str(),
                            &crate::text::first_line(&p.body),
                        ])
                    })
                },
            )
            .await
            .map(drop)
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

/// Posts listed above a terminal's question, at most this many.
const SHOWN_POSTS: usize = 20;

/// Each post as the question's reader needs it: its status, its author by name and its first
/// line (a mistyped id hid a post no one had looked at, asked only `hide post 21`). Those the
/// action cannot change, not there or so already, are said and left out of the targets kept.
async fn shown_posts(
    s: &Session<'_>,
    targets: Vec<ModerationTarget>,
    action: ModerationAction,
) -> (Vec<ModerationTarget>, Vec<String>) {
    let Ok(content) = s.b.content() else {
        return (targets, Vec::new());
    };
    let mut kept = Vec::with_capacity(targets.len());
    let mut shown = Vec::new();
    let mut left_out = Vec::new();
    for target in targets {
        let ModerationTarget::Post(id) = target else {
            kept.push(target);
            continue;
        };
        match content.get_post(id).await {
            Ok(p) if !action.applies_to(p.status) => {
                left_out.push(format!(
                    "post {id}: {} already (left out)",
                    p.status.as_str()
                ));
            }
            Ok(p) => {
                if kept.len() < SHOWN_POSTS {
                    let author = match &s.b.directory {
                        Some(directory) => user360::resolve(
                            directory.as_ref(),
                            &user360::Who::Sub(p.author_sub.clone()),
                        )
                        .await
                        .map(|u| crate::text::identifier(u.username.as_str()))
                        .unwrap_or_else(|_| p.author_sub.to_string()),
                        None => p.author_sub.to_string(),
                    };
                    shown.push(format!(
                        "post {} · {} · by {author} · {}",
                        p.id,
                        p.status.as_str(),
                        crate::text::excerpt(&p.body, 60)
                    ));
                }
                kept.push(target);
            }
            Err(backoffice_domain::DomainError::NotFound(_)) => {
                left_out.push(format!("post {id}: not found (left out)"));
            }
            // Not read, so not shown: left out rather than changed unseen.
            Err(e) => left_out.push(format!("post {id}: could not be read ({e}; left out)")),
        }
    }
    if kept.len() > SHOWN_POSTS {
        shown.push(format!("… and {} more", kept.len() - SHOWN_POSTS));
    }
    shown.extend(left_out);
    (kept, shown)
}

pub(super) async fn reports(cmd: ReportsCommand, s: &Session<'_>) -> Result<()> {
    match cmd {
        ReportsCommand::List { all, limit } => {
            let content = s.b.content().map_err(domain)?;
            let filter = ReportFilter {
                status: (!all).then_some(ReportStatus::Open),
                ..ReportFilter::default()
            };
            each_item(
                limit,
                PAGE,
                |page| content.list_reports(&filter, page),
                |r| {
                    s.print(&records::report(&r), || {
                        super::fields(&[
                            &r.id.to_string(),
                            r.status.as_str(),
                            &format!("{}:{}", r.target.kind().as_str(), r.target.id_text()),
                            &r.reason,
                        ])
                    })
                },
            )
            .await
            .map(drop)
        }
        ReportsCommand::Queue {
            kind,
            reason,
            limit,
        } => {
            let content = s.b.content().map_err(domain)?;
            let filter = QueueFilter {
                kind: kind.map(|k| match k {
                    KindArg::Post => TargetKind::Post,
                    KindArg::Comment => TargetKind::Comment,
                    KindArg::User => TargetKind::User,
                }),
                reason: reason.filter(|r| !r.trim().is_empty()),
            };
            each_item(
                limit,
                PAGE,
                |page| moderation::queue(content, &filter, page),
                |q| {
                    s.print(&records::queue_item(&q), || {
                        let reasons = records::reasons_text(&q.reasons);
                        super::fields(&[
                            &format!(
                                "{}:{}",
                                q.group.target.kind().as_str(),
                                q.group.target.id_text()
                            ),
                            &q.group.open_reports.to_string(),
                            records::queue_status(&q).unwrap_or("-"),
                            &reasons,
                            q.summary.as_ref().map_or(
                                match q.group.target {
                                    backoffice_domain::model::Target::User(_) => "(no profile row)",
                                    _ => "(gone)",
                                },
                                |s| s.excerpt.as_str(),
                            ),
                        ])
                    })
                },
            )
            .await
            .map(drop)
        }
        ReportsCommand::Resolve {
            id,
            resolution,
            reason: why,
        } => {
            let id = ReportId::new(id).map_err(|e| eyre!("report id: {}", e.message))?;
            let resolution = match resolution {
                ResolutionArg::Actioned => ReportResolution::Actioned,
                ResolutionArg::Dismissed => ReportResolution::Dismissed,
            };
            s.write(Operation::ResolveReport { id, resolution }, &reason(&why)?)
                .await
        }
    }
}

pub(super) async fn audit(cmd: AuditCommand, s: &Session<'_>) -> Result<()> {
    let (actor, target, since, until, limit) = match cmd {
        AuditCommand::List {
            actor,
            target,
            since,
            until,
            limit,
        } => (actor, target, since, until, limit),
        AuditCommand::Undo {
            id,
            reason: why,
            dry_run,
        } => return undo(s, id, why.as_deref(), dry_run).await,
    };
    let content = s.b.content().map_err(domain)?;
    let (target_kind, target_id) = match target.as_deref().map(|t| t.split_once(':')) {
        None => (None, None),
        Some(Some((k, i))) => {
            let kind = AuditKind::parse_known(k).ok_or_else(|| {
                eyre!(
                    "--target: '{k}' is not one of: {}",
                    AuditKind::KNOWN
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
            // A key as `objects ls` and this listing show it (`<U+001B>`), taken back.
            let id = crate::text::from_identifier(i).unwrap_or_else(|| i.to_string());
            // A user by username or e-mail too, as `users who` takes them (rows are about a
            // sub, and `user:ann` matched nothing and printed nothing).
            let id = match kind {
                AuditKind::User if UserSub::parse(&id).is_err() => {
                    let who = crate::ops::who_of(&id).map_err(domain)?;
                    let directory = s.b.directory().map_err(domain)?;
                    let user = user360::resolve(directory, &who)
                        .await
                        .map_err(|e| eyre!("--target: {}", domain(e)))?;
                    user.sub
                        .map(|sub| sub.to_string())
                        .ok_or_else(|| eyre!("--target: {id} has no sub attribute"))?
                }
                _ => id,
            };
            (Some(kind), Some(id))
        }
        Some(None) => bail!("--target: write KIND:ID, e.g. post:12 or user:<sub>"),
    };
    let now = chrono::Utc::now();
    let moment = |flag: &str, text: Option<String>| -> Result<_> {
        text.map(|t| {
            let at = if flag == "--since" {
                backoffice_domain::model::parse_moment(&t, now)
            } else {
                backoffice_domain::model::parse_until(&t, now)
            };
            at.ok_or_else(|| {
                eyre!("{flag}: write 15m, 24h, 7d or a time as 2026-12-01T10:00 (UTC); not '{t}'")
            })
        })
        .transpose()
    };
    let (since, until) = (moment("--since", since)?, moment("--until", until)?);
    if let (Some(s), Some(u)) = (since, until)
        && s >= u
    {
        bail!("--since must be before --until");
    }
    // `--actor user/bob` as the list names callers, as the console's `actor:` takes it (it
    // matched nothing, printed nothing and exited 0).
    let filter =
        s.b.audit_filter(&AuditFilter {
            actor,
            target_kind,
            target_id,
            since,
            until,
        })
        .await;
    each_item(
        limit,
        PAGE,
        |page| content.list_audit(&filter, page),
        |r| {
            s.print(&records::audit(&r), || {
                // The row's id first: `audit undo ID` takes it (it was in the JSON only).
                super::fields(&[
                    &r.id.to_string(),
                    &r.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                    &r.actor,
                    r.action.as_str(),
                    &format!("{}:{}", r.target_kind, crate::app::audit::target_shown(&r)),
                    r.reason.as_deref().unwrap_or_default(),
                ])
            })
        },
    )
    .await
    .map(drop)
}

pub(super) async fn reconcile(
    clean_up: bool,
    min_age: chrono::Duration,
    why: Option<String>,
    format: ReportFormat,
    s: &Session<'_>,
) -> Result<()> {
    let sources = reconcile::Sources {
        content: s.b.content().map_err(domain)?,
        objects: s.b.objects().map_err(domain)?,
        bucket: s.b.bucket().map_err(domain)?,
        directory: s.b.directory().map_err(domain)?,
    };
    let why = match (clean_up, why.as_deref()) {
        (true, Some(w)) => Some(reason(w)?),
        (true, None) => bail!("--clean-up needs --reason"),
        (false, _) => None,
    };
    let mut findings = Vec::new();
    let show_progress = std::io::stderr().is_terminal();
    // The width of the progress line on stderr, cleared before a finding goes to the same
    // terminal on stdout (they ran into each other).
    let progress_width = std::sync::atomic::AtomicUsize::new(0);
    let clear_progress = std::io::stdout().is_terminal() && show_progress;
    let summary = reconcile::run(
        &sources,
        &mut |f| {
            let line = match format {
                ReportFormat::Json => records::finding(&f).to_string(),
                ReportFormat::Csv => one_line(&f.csv()),
            };
            if clear_progress {
                let width = progress_width.load(std::sync::atomic::Ordering::Relaxed);
                eprint!("\r{:width$}\r", "");
            }
            // A reader that stopped early (`| head`) is not a failure.
            let _ = writeln!(std::io::stdout().lock(), "{line}");
            findings.push(f);
        },
        &mut |p| {
            if show_progress {
                // Padded to the longest line yet: a shorter one left the end of the last
                // (`… 42 found   nd`).
                let line = format!("{}: {} scanned, {} found", p.check, p.scanned, p.found);
                let width = progress_width
                    .fetch_max(line.chars().count(), std::sync::atomic::Ordering::Relaxed)
                    .max(line.chars().count());
                eprint!("\r{line:<width$}");
            }
        },
    )
    .await
    .map_err(domain)?;
    if show_progress {
        eprintln!();
    }
    eprintln!("{}", serde_json::to_string(&summary)?);
    if let Some(why) = why
        && !findings.is_empty()
    {
        // Nothing it may act on: said, not asked (it asked, then "did" nothing, "audited").
        if crate::ops::clean_up_work(&findings) == (0, 0) {
            eprintln!(
                "nothing for the clean-up to do: the {} left are for people · in {}",
                crate::text::plural(findings.len(), "finding"),
                s.b.environment
            );
            return Ok(());
        }
        let operation = Operation::CleanUp { findings, min_age };
        s.confirm(&operation.describe())?;
        let done = crate::ops::perform(s.b, operation, &why)
            .await
            .map_err(|p| super::failed(p.failure))?;
        eprintln!("{} · in {}", one_line(&done.summary), s.b.environment);
    }
    Ok(())
}

/// `audit undo ID`: the row's reverse, shown, then made (recorded as the undo of the row).
async fn undo(s: &Session<'_>, id: i64, why: Option<&str>, dry_run: bool) -> Result<()> {
    let why = super::reason_if_given(why)?;
    if !dry_run {
        crate::ops::admit(s.context, &format!("an undo of audit row {id}")).map_err(failed)?;
    }
    let audit_id = backoffice_domain::model::AuditId::new(id)
        .map_err(|e| eyre!("audit row id: {}", e.message))?;
    let row =
        s.b.content()
            .map_err(domain)?
            .get_audit(audit_id)
            .await
            .map_err(domain)?;
    let operation = crate::ops::people::plan_undo(s.b, &row)
        .await
        .map_err(failed)?;
    let record =
        serde_json::json!({"type": "planned_undo", "audit_id": id, "undo": operation.describe()});
    s.print(&record, || {
        format!("{}: {}", super::planned(dry_run), operation.describe())
    })?;
    // An unban's calls, each, as `users unban --dry-run` lists them (it said only `10 calls`).
    if let Operation::Undo {
        operation: inner, ..
    } = &operation
        && let Operation::Ban(plan) = inner.as_ref()
    {
        super::users::planned_calls(s, plan, dry_run)?;
    }
    if dry_run {
        return Ok(());
    }
    s.write(operation, &super::given(why)?).await
}
