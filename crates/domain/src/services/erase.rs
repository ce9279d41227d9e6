//! Deleting an account whole, as one planned action like a ban. The plan lists every call: the
//! block in the API, the disable, each post and comment to remove (soft: kept for the audit),
//! the open reports on the user and their content to close, the objects under the user's
//! prefixes (and their thumbnails) to delete, the profile row, and last the Cognito user, so a
//! run that stops part-way leaves an account that a second plan finds and finishes. It runs
//! step by step, stops at the first failure, says what was done and what was not, and writes
//! one closing `user.delete_account` row with what each kind of step did.
//!
//! Support is asked for a user's data before it goes: [`export`] gathers it (the directory's
//! view, the profile, every post and comment, the reports they filed, the objects under their
//! prefixes) as one JSON document.

use super::accounts::{self, AccountAction};
use super::moderation;
use super::storage;
use crate::auth::MAX_BLOCK_STALENESS;
use crate::error::{DomainError, DomainResult};
use crate::model::{
    Actor, AuditAction, AuditKind, BucketName, Comment, CommentFilter, CommentId, ContentStatus,
    DirectoryUser, Group, ListingEntry, Moderation, ModerationAction, ModerationTarget,
    NewAuditEntry, Post, PostFilter, PostId, Reason, Report, ReportFilter, ReportResolution,
    Target, UserProfile, UserSub, Username, all_pages,
};
use crate::ports::{ContentStore, ObjectStore, UserDirectory};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::{Duration, Instant};

/// Objects deleted per step (S3's DeleteObjects limit).
const OBJECT_BATCH: usize = 1_000;
/// Targets asked about per open-reports lookup (the store's limit).
const TARGET_BATCH: usize = 1_000;
const PAGE: u32 = 200;

/// One call an account deletion makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    Block,
    Disable,
    RemovePost {
        id: PostId,
    },
    RemoveComment {
        id: CommentId,
    },
    /// Closes every open report on the target (as actioned).
    CloseReports {
        target: String,
        kind: String,
        open: u32,
    },
    DeleteObjects {
        keys: Vec<String>,
    },
    /// Waits until the block has reached every API instance, then takes away whatever the
    /// user posted, uploaded or was reported for since the plan was read (each as its own done
    /// step).
    Sweep,
    DeleteProfile,
    DeleteUser,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Block => f.write_str(
                "block the account in the API (database; its tokens are refused within seconds)",
            ),
            Step::Disable => f.write_str("cognito-idp:AdminDisableUser"),
            Step::RemovePost { id } => write!(f, "remove post {id} (database, with its audit row)"),
            Step::RemoveComment { id } => {
                write!(f, "remove comment {id} (database, with its audit row)")
            }
            Step::CloseReports { target, kind, open } => write!(
                f,
                "close the {} on {kind} {target} (database, each audited)",
                crate::model::plural(usize::try_from(*open).unwrap_or(usize::MAX), "open report")
            ),
            Step::DeleteObjects { keys } => match keys.as_slice() {
                [one] => write!(f, "s3:DeleteObject {one}"),
                many => write!(
                    f,
                    "s3:DeleteObjects {} objects, {} … {}",
                    many.len(),
                    many.first().map(String::as_str).unwrap_or_default(),
                    many.last().map(String::as_str).unwrap_or_default()
                ),
            },
            Step::DeleteProfile => {
                f.write_str("delete the profile row, if there is one (database; the audit row keeps no values)")
            }
            Step::DeleteUser => f.write_str("cognito-idp:AdminDeleteUser"),
            Step::Sweep => f.write_str(
                "once the block has taken effect, take away what was posted or uploaded since the plan",
            ),
        }
    }
}

/// A plan's steps in a few lines for a person to read: one line per account step, the content
/// and report steps counted by kind, the object deletes summed.
pub fn describe(steps: &[Step]) -> Vec<String> {
    let count = |f: fn(&Step) -> bool| steps.iter().filter(|s| f(s)).count();
    let posts = count(|s| matches!(s, Step::RemovePost { .. }));
    let comments = count(|s| matches!(s, Step::RemoveComment { .. }));
    let reports: u32 = steps
        .iter()
        .map(|s| match s {
            Step::CloseReports { open, .. } => *open,
            _ => 0,
        })
        .sum();
    let objects: usize = steps
        .iter()
        .map(|s| match s {
            Step::DeleteObjects { keys } => keys.len(),
            _ => 0,
        })
        .sum();
    let mut lines = Vec::new();
    let mut said = (false, false, false, false);
    for step in steps {
        match step {
            Step::RemovePost { .. } if !said.0 => {
                said.0 = true;
                lines.push(format!(
                    "remove {} (soft: kept for the audit, each with its audit row)",
                    crate::model::plural(posts, "post")
                ));
            }
            Step::RemoveComment { .. } if !said.1 => {
                said.1 = true;
                lines.push(format!(
                    "remove {} (soft: kept for the audit, each with its audit row)",
                    crate::model::plural(comments, "comment")
                ));
            }
            Step::CloseReports { .. } if !said.2 => {
                said.2 = true;
                lines.push(format!(
                    "close {} on the user and their content, as actioned",
                    crate::model::plural(
                        usize::try_from(reports).unwrap_or(usize::MAX),
                        "open report"
                    )
                ));
            }
            Step::DeleteObjects { .. } if !said.3 => {
                said.3 = true;
                lines.push(format!(
                    "delete {} under their prefixes and thumbnails (s3, each audited)",
                    crate::model::plural(objects, "object")
                ));
            }
            Step::RemovePost { .. }
            | Step::RemoveComment { .. }
            | Step::CloseReports { .. }
            | Step::DeleteObjects { .. } => {}
            other => lines.push(other.to_string()),
        }
    }
    lines
}

/// Every call a deletion will make, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub username: Username,
    pub sub: UserSub,
    /// Their e-mail or phone ([`crate::model::DirectoryUser::contact`]), for the confirmation.
    pub contact: Option<String>,
    pub steps: Vec<Step>,
    /// The bucket the objects are deleted from.
    pub bucket: Option<BucketName>,
    /// How long after the block the sweep waits: the API's longest cached answer.
    pub settle: Duration,
}

/// What a run did.
pub type Outcome = super::planned::Outcome<Step>;

/// What the closing row records, as JSON in its `after`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Record {
    pub blocked: bool,
    pub disabled: bool,
    pub removed_posts: Vec<PostId>,
    pub removed_comments: Vec<CommentId>,
    pub reports_closed: u32,
    pub objects_deleted: u64,
    pub profile_deleted: bool,
    pub user_deleted: bool,
    pub complete: bool,
}

/// The prefixes an account's objects live under: its own two, and the thumbnails of each.
async fn prefixes(
    objects: &dyn ObjectStore,
    bucket: &BucketName,
    sub: &UserSub,
) -> DomainResult<Vec<String>> {
    let own = [format!("profiles/{sub}/"), format!("posts/{sub}/")];
    let widths = all_pages(1000, |page| {
        objects.list(bucket, "thumbs/", Some('/'), page)
    })
    .await?;
    let mut out = own.to_vec();
    for entry in widths {
        if let ListingEntry::Prefix(width) = entry {
            out.extend(own.iter().map(|p| format!("{width}{p}")));
        }
    }
    Ok(out)
}

/// Every object key under the account's prefixes.
async fn object_keys(
    objects: &dyn ObjectStore,
    bucket: &BucketName,
    sub: &UserSub,
) -> DomainResult<Vec<String>> {
    let mut keys = Vec::new();
    for prefix in prefixes(objects, bucket, sub).await? {
        let listed = all_pages(1000, |page| objects.list(bucket, &prefix, None, page)).await?;
        keys.extend(listed.into_iter().filter_map(|e| match e {
            ListingEntry::Object(o) => Some(o.key),
            ListingEntry::Prefix(_) => None,
        }));
    }
    Ok(keys)
}

async fn posts_of(content: &dyn ContentStore, sub: &UserSub) -> DomainResult<Vec<Post>> {
    let filter = PostFilter {
        author: Some(sub.clone()),
        ..PostFilter::default()
    };
    all_pages(PAGE, |page| content.list_posts(&filter, page)).await
}

async fn comments_of(content: &dyn ContentStore, sub: &UserSub) -> DomainResult<Vec<Comment>> {
    let filter = CommentFilter {
        author: Some(sub.clone()),
        ..CommentFilter::default()
    };
    all_pages(PAGE, |page| content.list_comments(&filter, page)).await
}

/// Where the account's data lives.
pub struct Sources<'a> {
    pub directory: &'a dyn UserDirectory,
    pub content: &'a dyn ContentStore,
    /// The media bucket; `None` where the environment has no object storage.
    pub objects: Option<(&'a dyn ObjectStore, &'a BucketName)>,
}

/// Lists what deleting `username` would do.
pub async fn plan(sources: &Sources<'_>, username: &Username) -> DomainResult<Plan> {
    let user = sources.directory.get_user(username).await?;
    let sub = user.sub.clone().ok_or_else(|| {
        DomainError::invalid("username", format!("{username} has no sub attribute"))
    })?;
    let mut steps = vec![Step::Block];
    if user.enabled {
        steps.push(Step::Disable);
    }
    steps.extend(what_remains(sources, &sub).await?);
    steps.push(Step::Sweep);
    steps.push(Step::DeleteProfile);
    steps.push(Step::DeleteUser);
    Ok(Plan {
        username: username.clone(),
        sub,
        contact: user.contact(),
        steps,
        bucket: sources.objects.map(|(_, b)| b.clone()),
        settle: MAX_BLOCK_STALENESS,
    })
}

/// The steps that take away what the account still has: its posts and comments not removed,
/// the open reports on it and on them, and its objects.
async fn what_remains(sources: &Sources<'_>, sub: &UserSub) -> DomainResult<Vec<Step>> {
    let content = sources.content;
    let mut steps = Vec::new();
    let posts = posts_of(content, sub).await?;
    let comments = comments_of(content, sub).await?;
    steps.extend(
        posts
            .iter()
            .filter(|p| p.status != ContentStatus::Removed)
            .map(|p| Step::RemovePost { id: p.id }),
    );
    steps.extend(
        comments
            .iter()
            .filter(|c| c.status != ContentStatus::Removed)
            .map(|c| Step::RemoveComment { id: c.id }),
    );
    let targets: Vec<Target> = std::iter::once(Target::User(sub.clone()))
        .chain(posts.iter().map(|p| Target::Post(p.id)))
        .chain(comments.iter().map(|c| Target::Comment(c.id)))
        .collect();
    for chunk in targets.chunks(TARGET_BATCH) {
        for (target, reasons) in content.open_reasons(chunk).await? {
            let open: u32 = reasons.iter().map(|r| r.count as u32).sum();
            if open > 0 {
                steps.push(Step::CloseReports {
                    kind: target.kind().as_str().to_string(),
                    target: target.id_text(),
                    open,
                });
            }
        }
    }
    if let Some((objects, bucket)) = sources.objects {
        let keys = object_keys(objects, bucket, sub).await?;
        steps.extend(
            keys.chunks(OBJECT_BATCH)
                .map(|c| Step::DeleteObjects { keys: c.to_vec() }),
        );
    }
    Ok(steps)
}

/// Runs a plan in order, stopping at the first failure, then writes the closing row.
pub async fn run(sources: &Sources<'_>, plan: &Plan, actor: &Actor, reason: &Reason) -> Outcome {
    let mut done = Vec::new();
    let mut skipped = Vec::new();
    let mut failed = None;
    let mut record = Record::default();
    let mut blocked_at: Option<Instant> = None;
    let mut steps = plan.steps.iter();
    for step in steps.by_ref() {
        if *step == Step::Sweep {
            if let Some(at) = blocked_at {
                tokio::time::sleep(plan.settle.saturating_sub(at.elapsed())).await;
            }
            let found = match what_remains(sources, &plan.sub).await {
                Ok(found) => found,
                Err(e) => {
                    failed = Some((step.clone(), e));
                    break;
                }
            };
            for late in found {
                match run_step(sources, plan, &late, actor, reason, &mut record).await {
                    Ok(true) => done.push(late),
                    Ok(false) => skipped.push(late),
                    Err(e) => {
                        failed = Some((late, e));
                        break;
                    }
                }
            }
            if failed.is_some() {
                break;
            }
            done.push(Step::Sweep);
            continue;
        }
        if *step == Step::Block {
            blocked_at = Some(Instant::now());
        }
        match run_step(sources, plan, step, actor, reason, &mut record).await {
            Ok(true) => done.push(step.clone()),
            Ok(false) => skipped.push(step.clone()),
            Err(e) => {
                failed = Some((step.clone(), e));
                break;
            }
        }
    }
    let not_done: Vec<Step> = steps.cloned().collect();
    record.complete = failed.is_none();
    let entry = NewAuditEntry {
        actor: actor.clone(),
        action: AuditAction::UserDeleteAccount,
        target_kind: AuditKind::User,
        target_id: plan.sub.to_string(),
        reason: Some(reason.clone()),
        before: Some(serde_json::json!({ "username": plan.username.as_str() }).to_string()),
        after: Some(serde_json::to_string(&record).unwrap_or_default()),
    };
    let (audit_id, audit_failed) = if done.is_empty() {
        (None, None)
    } else {
        match sources.content.record_audit(&entry).await {
            Ok(id) => (Some(id.get()), None),
            Err(e) => {
                tracing::warn!(error = %e.chain(), "the deletion's closing audit row could not be written");
                (None, Some(e.chain()))
            }
        }
    };
    Outcome {
        done,
        skipped,
        failed,
        not_done,
        audit_id,
        audit_failed,
    }
}

/// Runs one step; `Ok(false)` when there was nothing left to do (content removed or gone
/// since the plan).
async fn run_step(
    sources: &Sources<'_>,
    plan: &Plan,
    step: &Step,
    actor: &Actor,
    reason: &Reason,
    record: &mut Record,
) -> DomainResult<bool> {
    let content = sources.content;
    let account = |action| async move {
        let entry =
            accounts::change(sources.directory, &plan.username, action, actor, reason).await?;
        if let Err(e) = content.record_audit(&entry).await {
            tracing::warn!(error = %e.chain(), "{} done without its audit row", entry.action);
        }
        Ok::<(), DomainError>(())
    };
    let remove = |target| async move {
        let moderation = Moderation {
            target,
            action: ModerationAction::Remove,
            actor: actor.clone(),
            reason: reason.clone(),
        };
        match content.moderate(&moderation).await {
            Ok(_) => Ok(true),
            // Removed (by its author or a moderator) or gone since the plan.
            Err(DomainError::NotFound(_) | DomainError::Conflict(_)) => Ok(false),
            Err(e) => Err(e),
        }
    };
    match step {
        Step::Block => {
            content.set_blocked(&plan.sub, true, actor).await?;
            record.blocked = true;
            Ok(true)
        }
        Step::Disable => {
            account(&AccountAction::Disable).await?;
            record.disabled = true;
            Ok(true)
        }
        Step::RemovePost { id } => {
            let removed = remove(ModerationTarget::Post(*id)).await?;
            if removed {
                record.removed_posts.push(*id);
            }
            Ok(removed)
        }
        Step::RemoveComment { id } => {
            let removed = remove(ModerationTarget::Comment(*id)).await?;
            if removed {
                record.removed_comments.push(*id);
            }
            Ok(removed)
        }
        Step::CloseReports { target, kind, .. } => {
            let kind = kind
                .parse::<crate::model::TargetKind>()
                .map_err(|e| DomainError::bug(format!("a planned report target: {e}")))?;
            let target = Target::from_parts(kind, target)
                .map_err(|e| DomainError::bug(format!("a planned report target: {e}")))?;
            let closed = moderation::resolve_all_open(
                content,
                &target,
                ReportResolution::Actioned,
                actor,
                reason,
                None,
            )
            .await?
            .closed;
            record.reports_closed += closed.len() as u32;
            Ok(!closed.is_empty())
        }
        Step::DeleteObjects { keys } => {
            let (Some((objects, _)), Some(bucket)) = (sources.objects, plan.bucket.as_ref()) else {
                return Err(DomainError::Unsupported(
                    "this environment has no object storage to delete from".into(),
                ));
            };
            // Everything under the person's folders goes, whatever it is now.
            let any = std::collections::BTreeMap::new();
            let gone =
                storage::delete(objects, Some(content), bucket, keys, &any, actor, reason).await?;
            record.objects_deleted += gone.deleted.len() as u64;
            match gone.failed.first() {
                None => Ok(true),
                Some((key, why)) => Err(DomainError::Unavailable {
                    what: format!(
                        "the object store: {} of {} objects were not deleted (first: {key}: {why})",
                        gone.failed.len(),
                        keys.len()
                    ),
                    source: None,
                }),
            }
        }
        Step::DeleteProfile => {
            let deleted = content.delete_profile(&plan.sub, actor, reason).await?;
            record.profile_deleted = deleted.is_some();
            Ok(deleted.is_some())
        }
        // Run by `run` itself, which expands it into the steps it finds.
        Step::Sweep => Ok(true),
        Step::DeleteUser => {
            account(&AccountAction::Delete).await?;
            record.user_deleted = true;
            Ok(true)
        }
    }
}

/// An object listed in an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedObject {
    pub key: String,
    pub size: u64,
    pub last_modified: Option<chrono::DateTime<chrono::Utc>>,
}

/// Everything the service holds about one user, for support to hand over before a deletion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserExport {
    pub exported_at: chrono::DateTime<chrono::Utc>,
    pub user: DirectoryUser,
    pub groups: Vec<Group>,
    pub profile: Option<UserProfile>,
    pub posts: Vec<Post>,
    pub comments: Vec<Comment>,
    /// Reports the user filed.
    pub reports: Vec<Report>,
    /// The bucket the objects are in, and the objects under the user's prefixes.
    pub bucket: Option<String>,
    pub objects: Vec<ExportedObject>,
}

/// Gathers a user's data: every part is read whole, or the export fails (a partial export
/// handed to a person would say less than it seems to).
pub async fn export(sources: &Sources<'_>, username: &Username) -> DomainResult<UserExport> {
    let content = sources.content;
    let user = sources.directory.get_user(username).await?;
    let sub = user.sub.clone().ok_or_else(|| {
        DomainError::invalid("username", format!("{username} has no sub attribute"))
    })?;
    let groups = sources.directory.groups_of(username).await?;
    let profile = match content.get_profile(&sub).await {
        Ok(p) => Some(p),
        Err(DomainError::NotFound(_)) => None,
        Err(e) => return Err(e),
    };
    let posts = posts_of(content, &sub).await?;
    let comments = comments_of(content, &sub).await?;
    let filed = ReportFilter {
        reporter: Some(sub.clone()),
        ..ReportFilter::default()
    };
    let reports = all_pages(PAGE, |page| content.list_reports(&filed, page)).await?;
    let mut objects = Vec::new();
    if let Some((store, bucket)) = sources.objects {
        for prefix in prefixes(store, bucket, &sub).await? {
            let listed = all_pages(1000, |page| store.list(bucket, &prefix, None, page)).await?;
            objects.extend(listed.into_iter().filter_map(|e| match e {
                ListingEntry::Object(o) => Some(ExportedObject {
                    key: o.key,
                    size: o.size,
                    last_modified: o.last_modified,
                }),
                ListingEntry::Prefix(_) => None,
            }));
        }
    }
    Ok(UserExport {
        exported_at: crate::model::now_millis(),
        user,
        groups,
        profile,
        posts,
        comments,
        reports,
        bucket: sources.objects.map(|(_, b)| b.to_string()),
        objects,
    })
}
