//! Writes about people rather than content: an account deleted whole (its data exported
//! first), profile fields cleared or put back, and the undo of an audited write.

use super::{Backends, Done, Failure, Operation, Partial};
use backoffice_domain::DomainError;
use backoffice_domain::model::{
    AuditAction, AuditEntry, ProfileField, ProfileModeration, ProfileModerationOutcome, Reason,
    UserSub, Username,
};
use backoffice_domain::services::user360::{self, Who};
use backoffice_domain::services::{ban, erase, profiles, undo};
use serde_json::json;
use std::path::{Path, PathBuf};

pub(super) fn sources(b: &Backends) -> Result<erase::Sources<'_>, DomainError> {
    Ok(erase::Sources {
        directory: b.directory()?,
        content: b.content()?,
        objects: match (b.objects.as_deref(), b.bucket.as_ref()) {
            (Some(o), Some(bucket)) => Some((o, bucket)),
            _ => None,
        },
    })
}

/// Plans the deletion of `username`.
pub async fn plan_deletion(b: &Backends, username: &Username) -> Result<erase::Plan, Failure> {
    Ok(erase::plan(&sources(b)?, username).await?)
}

/// A file name for a user's export: `backoffice-user-NAME-SUB-WHEN.json`, the name reduced to
/// letters, digits and `-_.@` (any script's letters: file systems take them), and the sub's first part where it is known: a name in
/// another script reduced to `___` named no one, and a look-alike read as the name it passes
/// for.
pub fn export_file_name(
    username: &Username,
    sub: Option<&backoffice_domain::model::UserSub>,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let safe: String = username
        .as_str()
        .chars()
        .map(|c| {
            // Letters and digits of every script (a Greek or Arabic name was all `_`).
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '@') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let sub = sub
        .and_then(|s| s.as_str().split('-').next())
        .map(|first| format!("-{first}"))
        .unwrap_or_default();
    format!(
        "backoffice-user-{safe}{sub}-{}.json",
        now.format("%Y%m%d-%H%M%S")
    )
}

/// Writes `bytes` to a new file at `path`, readable by its owner only (it holds a person's
/// data): through `PATH.part`, then linked into place, so a file that is there is whole and
/// nothing is ever overwritten.
pub fn write_new_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    use std::io::Write;
    let shown = path.display();
    if let Some(why) = crate::app::export::refused_path(path) {
        return Err(Failure::new(why));
    }
    let mut part = path.as_os_str().to_owned();
    part.push(".part");
    let part = PathBuf::from(part);
    // A part that is there already belongs to another export (running, or interrupted): it is
    // left alone.
    let mut file = crate::paths::create_private(&part).map_err(|e| {
        Failure::new(format!(
            "cannot create {}: {e} (another export to {shown} may be running: remove it or give another name)",
            part.display()
        ))
    })?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::hard_link(&part, path));
    let _ = std::fs::remove_file(&part);
    written.map_err(|e| Failure::new(format!("cannot write {shown}: {e}")))
}

/// Exports `username`'s data as JSON to `path` (a new file); returns what it holds, counted.
pub async fn export_user(b: &Backends, username: &Username, path: &Path) -> Result<Done, Failure> {
    let export = erase::export(&sources(b)?, username).await?;
    let bytes = serde_json::to_vec_pretty(&export).map_err(|e| {
        Failure::new(format!(
            "the export of {username} could not be encoded: {e}"
        ))
    })?;
    write_new_file(path, &bytes)?;
    Ok(Done {
        summary: format!(
            "exported {} to {}: {}, {}, {}, {}, {}",
            crate::text::identifier(username.as_str()),
            path.display(),
            if export.profile.is_some() {
                "profile"
            } else {
                "no profile row"
            },
            crate::text::plural(export.posts.len(), "post"),
            crate::text::plural(export.comments.len(), "comment"),
            crate::text::plural(export.reports.len(), "report"),
            crate::text::plural(export.objects.len(), "object")
        ),
        records: vec![json!({
            "type": "user_export",
            "user": username.as_str(),
            "path": path.display().to_string(),
            "posts": export.posts.len(),
            "comments": export.comments.len(),
            "reports": export.reports.len(),
            "objects": export.objects.len(),
        })],
    })
}

/// The deletion: the export first when asked (nothing is deleted if it fails), then the plan
/// step by step.
pub(super) async fn run_deletion(
    b: &Backends,
    plan: &erase::Plan,
    export: Option<&Path>,
    reason: &Reason,
) -> Result<Done, Partial> {
    // Who deletes, before anything is written (the export file included).
    let actor = b.actor().await?;
    let mut records = Vec::new();
    let mut exported = String::new();
    if let Some(path) = export {
        let done = export_user(b, &plan.username, path)
            .await
            .map_err(|f| Failure {
                message: format!(
                    "the export of {} failed, so nothing was deleted: {}",
                    crate::text::identifier(plan.username.as_str()),
                    f.message
                ),
                chain: f.chain,
                refused: false,
                cause: crate::app::Cause::Other,
                said: false,
            })?;
        exported = format!("; their data is in {}", path.display());
        records.extend(done.records);
    }
    let outcome = erase::run(&sources(b)?, plan, &actor, reason).await;
    records.push(super::ban_run::run_record(
        &outcome,
        json!({
            "type": "delete_account",
            "user": plan.username.as_str(),
            "sub": plan.sub.as_str(),
        }),
    ));
    let what = format!(
        "the deletion of {}",
        crate::text::identifier(plan.username.as_str())
    );
    match super::ban_run::stopped(&outcome, &what, ": plan it again to finish") {
        None => Ok(Done {
            summary: format!(
                "deleted {}: {} calls done{}, {}{exported}",
                crate::text::identifier(plan.username.as_str()),
                outcome.done.len(),
                if outcome.skipped.is_empty() {
                    String::new()
                } else {
                    format!(", {} already done", outcome.skipped.len())
                },
                if outcome.audit_id.is_some() {
                    "audited"
                } else {
                    "each step audited but the closing row could not be written: record it by hand"
                }
            ),
            records,
        }),
        Some(failure) => Err(Partial {
            failure,
            records,
            stale: false,
        }),
    }
}

fn profile_record(sub: &UserSub, o: &ProfileModerationOutcome, action: &AuditAction) -> Done {
    let changed: Vec<&str> = ProfileField::ALL
        .iter()
        .filter(|f| f.value(&o.before) != f.value(&o.after))
        .map(|f| f.label())
        .collect();
    // What was done to the fields, in words: `display name, bio cleared`.
    let done = match action {
        AuditAction::ProfileClear => "cleared",
        _ => "put back",
    };
    Done {
        summary: if changed.is_empty() {
            format!("{action} {sub}: nothing changed, audited")
        } else {
            format!("{action} {sub}: {} {done}, audited", changed.join(", "))
        },
        records: vec![json!({
            "type": "profile",
            "action": action.as_str(),
            "sub": sub.as_str(),
            "fields": changed,
            "audit_id": o.audit_id.get(),
        })],
    }
}

pub(super) async fn clear_profile(
    b: &Backends,
    sub: &UserSub,
    fields: &[ProfileField],
    seen: &[(ProfileField, Option<String>)],
    reason: &Reason,
) -> Result<Done, Partial> {
    let o = profiles::clear(b.content()?, sub, fields, seen, &b.actor().await?, reason).await?;
    Ok(profile_record(sub, &o, &AuditAction::ProfileClear))
}

pub(super) async fn set_profile(
    b: &Backends,
    sub: &UserSub,
    set: &[(ProfileField, Option<String>)],
    expected: &[(ProfileField, Option<String>)],
    action: &AuditAction,
    reason: &Reason,
) -> Result<Done, Partial> {
    let o = b
        .content()?
        .moderate_profile(&ProfileModeration {
            sub: sub.clone(),
            set: set.to_vec(),
            expected: expected.to_vec(),
            action: action.clone(),
            actor: b.actor().await?,
            reason: reason.clone(),
        })
        .await?;
    Ok(profile_record(sub, &o, action))
}

/// The reverse of an audit row as an operation to confirm, or why there is none.
pub async fn plan_undo(b: &Backends, row: &AuditEntry) -> Result<Operation, Failure> {
    let id = row.id.get();
    let reversal = undo::reversal(row)
        .map_err(|why| Failure::refusal(format!("row {id} ({}): {why}", row.action)))?;
    let username = |sub: UserSub| async move {
        user360::resolve(b.directory()?, &Who::Sub(sub.clone()))
            .await
            .map(|u| u.username)
            .map_err(|e| Failure {
                message: format!("the user of row {id} ({sub}): {e}"),
                chain: e.chain(),
                refused: false,
                cause: crate::app::Cause::Other,
                said: false,
            })
    };
    if let Some(by) = undone_by(b, row).await? {
        return Err(Failure::refusal(format!(
            "row {id} was undone already, by row {by}: undoing it again would undo more"
        )));
    }
    still_as_left(b, row, &reversal).await?;
    let operation = match reversal {
        undo::Reversal::Moderate { target, action } => Operation::Moderate {
            targets: vec![target],
            action,
        },
        undo::Reversal::Account { sub, action } => Operation::Account {
            username: username(sub).await?,
            action,
        },
        undo::Reversal::Unban { sub } => {
            let name = username(sub.clone()).await?;
            match ban::plan_unban(b.directory()?, b.content()?, &name).await {
                Ok(plan) if plan.bans.contains(&id) => Operation::Ban(Box::new(plan)),
                // Reversed already: the unban that did it is named (it said only "no ban to
                // reverse", and the row still read as a ban in force).
                Ok(_) | Err(DomainError::Conflict(_)) => {
                    return Err(Failure::refusal(
                        match ban::unban_of(b.content()?, &sub, id).await? {
                            Some(unban) => format!(
                                "row {id} was reversed already, by the unban in row {} ({} by \
                                 {}); there is nothing left of it to undo",
                                unban.id,
                                unban.created_at.format("%Y-%m-%d %H:%M UTC"),
                                unban.actor
                            ),
                            None => format!(
                                "row {id} is not one of {name}'s bans since the last unban; an \
                                 unban reverses only those"
                            ),
                        },
                    ));
                }
                Err(e) => return Err(e.into()),
            }
        }
        undo::Reversal::Profile {
            sub,
            set,
            expected,
            action,
        } => Operation::SetProfile {
            sub,
            set,
            expected,
            action,
        },
    };
    Ok(Operation::Undo {
        of: id,
        operation: Box::new(operation),
    })
}

/// A field of a row's `after` JSON, as text.
fn after_field(row: &AuditEntry, field: &str) -> Option<String> {
    let after: serde_json::Value = serde_json::from_str(row.after.as_deref()?).ok()?;
    match &after[field] {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// An undo reverses exactly what its row did: the thing must still be as the row left it, and
/// a step of a ban or of an account's deletion is not taken apart on its own (the ban has its
/// unban; a deletion none).
/// The undo that reversed `row` already, if any: a later row on the same target whose reason
/// says it is that undo (an undone row offered its undo again, which failed as a conflict and
/// reopened its dialog, again and again).
async fn undone_by(b: &Backends, row: &AuditEntry) -> Result<Option<i64>, Failure> {
    use backoffice_domain::model::{AuditFilter, PageRequest};
    let prefix = format!("undo of audit row {}:", row.id.get());
    let later = b
        .content()?
        .list_audit(
            &AuditFilter {
                target_kind: Some(row.target_kind.clone()),
                target_id: Some(row.target_id.clone()),
                ..AuditFilter::default()
            },
            PageRequest::first(100),
        )
        .await?;
    Ok(later
        .items
        .iter()
        .filter(|r| r.id.get() > row.id.get())
        .find(|r| {
            r.reason
                .as_deref()
                .is_some_and(|why| why.starts_with(&prefix))
        })
        .map(|r| r.id.get()))
}

/// The audit rows about `sub`'s account, newest first, at most `limit`.
pub(crate) async fn account_rows(
    content: &dyn backoffice_domain::ports::ContentStore,
    sub: &UserSub,
    limit: u32,
) -> Result<Vec<AuditEntry>, DomainError> {
    use backoffice_domain::model::{AuditFilter, AuditKind, PageRequest};
    Ok(content
        .list_audit(
            &AuditFilter {
                target_kind: Some(AuditKind::User),
                target_id: Some(sub.to_string()),
                ..AuditFilter::default()
            },
            PageRequest::first(limit),
        )
        .await?
        .items)
}

async fn still_as_left(
    b: &Backends,
    row: &AuditEntry,
    reversal: &undo::Reversal,
) -> Result<(), Failure> {
    use backoffice_domain::model::ModerationTarget;
    let id = row.id.get();
    let content = b.content()?;
    let whole = |sub: UserSub| async move {
        let rows = account_rows(content, &sub, 100).await?;
        if let Some(gone) = rows
            .iter()
            .find(|r| r.action == AuditAction::UserDeleteAccount)
        {
            return Err(Failure::refusal(format!(
                "the account of {sub} was deleted (row {}): its steps are not undone one by one",
                gone.id
            )));
        }
        let latest = rows
            .iter()
            .find(|r| r.action == AuditAction::UserBan || r.action == AuditAction::UserUnban);
        if let Some(ban) = latest.filter(|r| r.action == AuditAction::UserBan) {
            return Err(Failure::refusal(format!(
                "{sub} is banned (row {}): :unban reverses the ban whole, not one of its steps",
                ban.id
            )));
        }
        Ok::<(), Failure>(())
    };
    match reversal {
        undo::Reversal::Moderate { target, .. } => {
            let (now, author, what) = match target {
                ModerationTarget::Post(p) => {
                    let post = content.get_post(*p).await?;
                    (post.status, post.author_sub, format!("post {p}"))
                }
                ModerationTarget::Comment(c) => {
                    let comment = content.get_comment(*c).await?;
                    (comment.status, comment.author_sub, format!("comment {c}"))
                }
            };
            let left = after_field(row, "status");
            if left.as_deref() != Some(now.as_str()) {
                return Err(Failure::refusal(format!(
                    "{what} is {} now, not {} as row {id} left it: it changed since, so undoing the row would undo more",
                    now.as_str(),
                    left.as_deref().unwrap_or("what the row says")
                )));
            }
            whole(author).await
        }
        undo::Reversal::Account { sub, action } => {
            use backoffice_domain::services::accounts::AccountAction;
            if matches!(action, AccountAction::Enable | AccountAction::Disable) {
                let user = user360::resolve(b.directory()?, &Who::Sub(sub.clone())).await?;
                let left = after_field(row, "enabled");
                if left.as_deref() != Some(if user.enabled { "true" } else { "false" }) {
                    return Err(Failure::refusal(format!(
                        "{} is {} now, not as row {id} left it: it changed since",
                        crate::text::identifier(user.username.as_str()),
                        if user.enabled { "enabled" } else { "disabled" }
                    )));
                }
            }
            // An attribute is taken off only while it holds what the row set.
            if let AccountAction::DeleteAttribute(name) = action {
                let user = user360::resolve(b.directory()?, &Who::Sub(sub.clone())).await?;
                let now = user.attribute(name.as_str()).map(str::to_string);
                let left = after_field(row, name.as_str());
                if now != left {
                    return Err(Failure::refusal(format!(
                        "{} of {} is {} now, not as row {id} left it: it changed since",
                        name.as_str(),
                        crate::text::identifier(user.username.as_str()),
                        now.map_or("empty".to_string(), |v| format!("\"{v}\""))
                    )));
                }
            }
            // A group change is undone only while the membership is as the row left it (the
            // user put back in the group since: the undo "added" them again, audited).
            if let AccountAction::AddToGroup(group) | AccountAction::RemoveFromGroup(group) = action
            {
                let user = user360::resolve(b.directory()?, &Who::Sub(sub.clone())).await?;
                let member = b
                    .directory()?
                    .groups_of(&user.username)
                    .await?
                    .iter()
                    .any(|g| &g.name == group);
                let joining = matches!(action, AccountAction::AddToGroup(_));
                if member == joining {
                    return Err(Failure::refusal(format!(
                        "{} is {} {group} now, not as row {id} left it: it changed since",
                        crate::text::identifier(user.username.as_str()),
                        if member { "in" } else { "not in" }
                    )));
                }
            }
            if matches!(action, AccountAction::Enable) {
                whole(sub.clone()).await?;
            }
            Ok(())
        }
        // An avatar put back must still be there: reconciliation deletes detached objects.
        undo::Reversal::Profile { set, .. } => {
            let avatar = set.iter().find_map(|(f, v)| match (f, v) {
                (ProfileField::ProfileImage, Some(key)) => Some(key),
                _ => None,
            });
            match (avatar, b.objects.as_deref(), b.bucket.as_ref()) {
                (Some(key), Some(objects), Some(bucket)) => match objects.head(bucket, key).await {
                    Ok(_) => Ok(()),
                    Err(DomainError::NotFound(_)) => Err(Failure::new(format!(
                        "the avatar {key} was deleted since (reconciliation removes detached objects), so the row cannot be put back whole"
                    ))),
                    Err(e) => Err(e.into()),
                },
                _ => Ok(()),
            }
        }
        undo::Reversal::Unban { .. } => Ok(()),
    }
}

/// The reason an undo is recorded under: the row it undoes, then why.
pub fn undo_reason(of: i64, reason: &Reason) -> Result<Reason, Failure> {
    Reason::parse(format!("undo of audit row {of}: {}", reason.as_str()))
        .map_err(|e| Failure::new(format!("the reason is too long for an undo: {e}")))
}
