//! Reconciliation across the bucket, the database and the user pool. Four checks, each paged
//! and streaming (a page of keys, rows or users at a time; nothing loads a whole bucket or pool):
//!
//! - objects under `posts/` and `profiles/` that no row points to (thumbnails are judged by
//!   their source: `thumbs/{w}/{key}` is an orphan when `{key}` is);
//! - rows that point to objects that do not exist;
//! - authors of posts or comments with no user in the pool;
//! - users in the pool with no profile row.
//!
//! Findings go to a callback as they are found, with progress counts; the clean-up acts only
//! on findings the operator passes back, and audits what it did.

use crate::error::{DomainError, DomainResult};
use crate::model::{
    Actor, AuditAction, AuditKind, BucketName, DeleteTarget, Email, FilterAttribute, FilterOp,
    ImageOwner, ImageRefKind, ListingEntry, NewAuditEntry, NewProfile, NotDeleted, Page,
    PageRequest, Reason, UserFilter, UserSub, Username,
};
use crate::ports::{ContentStore, ObjectStore, UserDirectory, UserQuery};
use serde::Serialize;

/// Items per page for every listing the checks read.
const PAGE: u32 = 500;

/// One inconsistency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "finding", rename_all = "snake_case")]
pub enum Finding {
    OrphanObject {
        key: String,
        size: u64,
    },
    MissingObject {
        owner: ImageOwner,
        key: String,
    },
    AuthorWithoutUser {
        sub: UserSub,
    },
    UserWithoutProfile {
        username: Username,
        sub: UserSub,
        email: Option<String>,
    },
}

impl Finding {
    /// One CSV line: kind, subject, detail.
    pub fn csv(&self) -> String {
        let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        match self {
            Self::OrphanObject { key, size } => format!("orphan_object,{},{size}", quote(key)),
            Self::MissingObject { owner, key } => {
                let who = match owner {
                    ImageOwner::Post(id) => format!("post {id}"),
                    ImageOwner::Profile(sub) => format!("profile {sub}"),
                };
                format!("missing_object,{},{}", quote(&who), quote(key))
            }
            Self::AuthorWithoutUser { sub } => format!("author_without_user,{sub},"),
            Self::UserWithoutProfile { username, sub, .. } => {
                format!("user_without_profile,{},{sub}", quote(username.as_str()))
            }
        }
    }
}

/// Where a run is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Progress {
    pub check: &'static str,
    pub scanned: u64,
    pub found: u64,
}

/// The counts of a finished run, per check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Summary {
    pub objects_scanned: u64,
    pub orphan_objects: u64,
    pub references_scanned: u64,
    pub missing_objects: u64,
    pub authors_scanned: u64,
    pub authors_without_user: u64,
    pub users_scanned: u64,
    pub users_without_profile: u64,
}

/// What a run reads.
pub struct Sources<'a> {
    pub content: &'a dyn ContentStore,
    pub objects: &'a dyn ObjectStore,
    pub bucket: &'a BucketName,
    pub directory: &'a dyn UserDirectory,
}

/// Runs the four checks, calling `found` for each finding and `progress` after each page.
pub async fn run(
    sources: &Sources<'_>,
    found: &mut (dyn FnMut(Finding) + Send),
    progress: &mut (dyn FnMut(Progress) + Send),
) -> DomainResult<Summary> {
    let mut summary = Summary::default();
    orphan_objects(sources, &mut summary, found, progress).await?;
    missing_objects(sources, &mut summary, found, progress).await?;
    authors_without_user(sources, &mut summary, found, progress).await?;
    users_without_profile(sources, &mut summary, found, progress).await?;
    Ok(summary)
}

/// The object key an object is judged by: a thumbnail's source, or the key itself.
fn source_of(key: &str) -> &str {
    key.strip_prefix("thumbs/")
        .and_then(|rest| rest.split_once('/'))
        .map_or(key, |(_, source)| source)
}

async fn orphan_objects(
    s: &Sources<'_>,
    summary: &mut Summary,
    found: &mut (dyn FnMut(Finding) + Send),
    progress: &mut (dyn FnMut(Progress) + Send),
) -> DomainResult<()> {
    for prefix in ["posts/", "profiles/", "thumbs/"] {
        let mut page = PageRequest::first(PAGE);
        loop {
            let listed: Page<ListingEntry> = s.objects.list(s.bucket, prefix, None, page).await?;
            let objects: Vec<(String, u64)> = listed
                .items
                .into_iter()
                .filter_map(|e| match e {
                    ListingEntry::Object(o) => Some((o.key, o.size)),
                    ListingEntry::Prefix(_) => None,
                })
                .collect();
            let mut sources: Vec<String> = objects
                .iter()
                .map(|(k, _)| source_of(k).to_string())
                .collect();
            sources.sort();
            sources.dedup();
            let referenced = s.content.referenced_keys(&sources).await?;
            for (key, size) in objects {
                summary.objects_scanned += 1;
                if !referenced.contains(source_of(&key)) {
                    summary.orphan_objects += 1;
                    found(Finding::OrphanObject { key, size });
                }
            }
            progress(Progress {
                check: "objects no row points to",
                scanned: summary.objects_scanned,
                found: summary.orphan_objects,
            });
            match listed.next {
                Some(c) => page = PageRequest::after(c, PAGE),
                None => break,
            }
        }
    }
    Ok(())
}

async fn missing_objects(
    s: &Sources<'_>,
    summary: &mut Summary,
    found: &mut (dyn FnMut(Finding) + Send),
    progress: &mut (dyn FnMut(Progress) + Send),
) -> DomainResult<()> {
    for kind in [ImageRefKind::Posts, ImageRefKind::Profiles] {
        let mut page = PageRequest::first(PAGE);
        loop {
            let refs = s.content.list_image_refs(kind, page).await?;
            for r in refs.items {
                summary.references_scanned += 1;
                match s.objects.head(s.bucket, &r.key).await {
                    Ok(_) => {}
                    Err(DomainError::NotFound(_)) => {
                        summary.missing_objects += 1;
                        found(Finding::MissingObject {
                            owner: r.owner,
                            key: r.key,
                        });
                    }
                    Err(e) => return Err(e),
                }
            }
            progress(Progress {
                check: "rows pointing to missing objects",
                scanned: summary.references_scanned,
                found: summary.missing_objects,
            });
            match refs.next {
                Some(c) => page = PageRequest::after(c, PAGE),
                None => break,
            }
        }
    }
    Ok(())
}

async fn authors_without_user(
    s: &Sources<'_>,
    summary: &mut Summary,
    found: &mut (dyn FnMut(Finding) + Send),
    progress: &mut (dyn FnMut(Progress) + Send),
) -> DomainResult<()> {
    let mut page = PageRequest::first(PAGE);
    loop {
        let authors = s.content.list_author_subs(page).await?;
        for sub in authors.items {
            summary.authors_scanned += 1;
            let query = UserQuery {
                filter: Some(UserFilter::new(
                    FilterAttribute::Sub,
                    FilterOp::Equals,
                    sub.as_str(),
                )?),
            };
            let matches = s
                .directory
                .list_users(&query, PageRequest::first(1))
                .await?;
            if matches.items.is_empty() {
                summary.authors_without_user += 1;
                found(Finding::AuthorWithoutUser { sub });
            }
        }
        progress(Progress {
            check: "authors with no user",
            scanned: summary.authors_scanned,
            found: summary.authors_without_user,
        });
        match authors.next {
            Some(c) => page = PageRequest::after(c, PAGE),
            None => break,
        }
    }
    Ok(())
}

async fn users_without_profile(
    s: &Sources<'_>,
    summary: &mut Summary,
    found: &mut (dyn FnMut(Finding) + Send),
    progress: &mut (dyn FnMut(Progress) + Send),
) -> DomainResult<()> {
    let mut page = PageRequest::first(60);
    loop {
        let users = s.directory.list_users(&UserQuery::default(), page).await?;
        let subs: Vec<UserSub> = users.items.iter().filter_map(|u| u.sub.clone()).collect();
        let existing = s.content.existing_profiles(&subs).await?;
        for user in users.items {
            summary.users_scanned += 1;
            if let Some(sub) = user.sub
                && !existing.contains(&sub)
            {
                summary.users_without_profile += 1;
                found(Finding::UserWithoutProfile {
                    username: user.username,
                    sub,
                    email: user.email,
                });
            }
        }
        progress(Progress {
            check: "users with no profile row",
            scanned: summary.users_scanned,
            found: summary.users_without_profile,
        });
        match users.next {
            Some(c) => page = PageRequest::after(c, 60),
            None => break,
        }
    }
    Ok(())
}

/// What a clean-up did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Cleaned {
    pub objects_deleted: u64,
    pub profiles_created: u64,
    /// Findings a clean-up does not act on (missing objects, authors without a user) or that
    /// failed, with why.
    pub left: Vec<String>,
    /// How many were left for each reason, in words (`inside the grace period`): the summary
    /// said `13 left` and nothing of why.
    pub left_by: std::collections::BTreeMap<&'static str, usize>,
}

impl Cleaned {
    fn leave(&mut self, why: &'static str, line: String) {
        *self.left_by.entry(why).or_default() += 1;
        self.left.push(line);
    }
}

/// Deletes orphan objects and creates missing profile rows (as the sign-up trigger would have),
/// writing one audit row per kind of change. Findings it does not act on are listed in `left`.
///
/// An orphan is deleted only when it is older than `min_age` (an upload whose post is still
/// being written has no row yet) and when, read again right before the delete, still no row
/// points to it (findings can be old, or come from a file).
pub async fn clean_up(
    sources: &Sources<'_>,
    findings: &[Finding],
    min_age: chrono::Duration,
    actor: &Actor,
    reason: &Reason,
) -> DomainResult<Cleaned> {
    let mut cleaned = Cleaned::default();
    let now = chrono::Utc::now();
    let mut old_enough = Vec::new();
    for f in findings {
        let Finding::OrphanObject { key, .. } = f else {
            continue;
        };
        match sources.objects.head(sources.bucket, key).await {
            Ok(o) => match o.last_modified {
                // Deleted only as read now: one uploaded again since is kept (If-Match).
                Some(at) if now - at >= min_age => {
                    old_enough.push(DeleteTarget::unchanged(key, o.etag))
                }
                Some(at) => cleaned.leave(
                    "kept inside the grace period",
                    format!(
                        "{key}: kept: written {} min ago, inside the {} min grace period",
                        (now - at).num_minutes(),
                        min_age.num_minutes()
                    ),
                ),
                None => cleaned.leave(
                    "kept, their age unknown",
                    format!("{key}: kept: its age is unknown"),
                ),
            },
            Err(DomainError::NotFound(_)) => {
                cleaned.leave("already gone", format!("{key}: already gone"));
            }
            Err(e) => cleaned.leave("not deleted", format!("{key}: not deleted: {e}")),
        }
    }
    let mut deleted = Vec::new();
    for chunk in old_enough.chunks(1000) {
        let mut judged_by: Vec<String> = chunk
            .iter()
            .map(|t| source_of(&t.key).to_string())
            .collect();
        judged_by.sort();
        judged_by.dedup();
        let referenced = sources.content.referenced_keys(&judged_by).await?;
        let (kept, to_delete): (Vec<DeleteTarget>, Vec<DeleteTarget>) = chunk
            .iter()
            .cloned()
            .partition(|t| referenced.contains(source_of(&t.key)));
        for t in kept {
            cleaned.leave(
                "kept, a row points to them now",
                format!("{}: kept: a row points to it now", t.key),
            );
        }
        if to_delete.is_empty() {
            continue;
        }
        for outcome in sources
            .objects
            .delete_many(sources.bucket, &to_delete)
            .await?
        {
            match outcome.error {
                None => deleted.push(outcome.key),
                Some(NotDeleted::Gone) => {
                    cleaned.leave("already gone", format!("{}: already gone", outcome.key))
                }
                Some(NotDeleted::Changed) => cleaned.leave(
                    "kept, uploaded again since",
                    format!("{}: kept: uploaded again since it was read", outcome.key),
                ),
                Some(e) => {
                    cleaned.leave("not deleted", format!("{}: not deleted: {e}", outcome.key))
                }
            }
        }
    }
    cleaned.objects_deleted = deleted.len() as u64;
    if !deleted.is_empty() {
        audit(
            sources,
            actor,
            reason,
            AuditAction::ObjectDeleteOrphans,
            sources.bucket.as_str(),
            &deleted,
            &format!("{} orphaned objects were deleted", deleted.len()),
        )
        .await?;
    }
    let mut created = Vec::new();
    for f in findings {
        match f {
            Finding::UserWithoutProfile { sub, email, .. } => {
                let profile = NewProfile {
                    sub: sub.clone(),
                    email: email.as_deref().and_then(|e| Email::parse(e).ok()),
                    display_name: None,
                };
                match sources.content.upsert_profile(&profile).await {
                    Ok(_) => created.push(sub.to_string()),
                    Err(e) => cleaned.leave("profile rows not made", format!("profile {sub}: {e}")),
                }
            }
            Finding::MissingObject { owner, key } => cleaned.leave(
                "rows pointing to a missing object (fix by hand)",
                format!("{owner:?} points to missing {key}: fix by hand"),
            ),
            Finding::AuthorWithoutUser { sub } => cleaned.leave(
                "authors without a user",
                format!("author {sub} has no user: moderate their content if needed"),
            ),
            Finding::OrphanObject { .. } => {}
        }
    }
    cleaned.profiles_created = created.len() as u64;
    if !created.is_empty() {
        audit(
            sources,
            actor,
            reason,
            AuditAction::ProfileCreateMissing,
            "users",
            &created,
            &format!("{} missing profile rows were created", created.len()),
        )
        .await?;
    }
    Ok(cleaned)
}

/// The most one row's `after` holds: MySQL's `TEXT` takes 65,535 bytes, and 1,800 subs (or a
/// thousand long keys) in one row were refused after the change was made.
const AUDIT_AFTER_BYTES: usize = 60_000;

/// `what` in runs whose JSON fits one row's `after`, in order.
fn audit_parts(what: &[String]) -> Vec<&[String]> {
    // `{"count":N,"items":[…],"part":N,"parts":N}` besides the items.
    const FRAME: usize = 64;
    let mut parts = Vec::new();
    let (mut start, mut size) = (0, FRAME);
    for (i, item) in what.iter().enumerate() {
        let len = serde_json::to_string(item).map_or(item.len() * 6 + 2, |j| j.len()) + 1;
        if i > start && size + len > AUDIT_AFTER_BYTES {
            parts.push(&what[start..i]);
            (start, size) = (i, FRAME);
        }
        size += len;
    }
    if start < what.len() {
        parts.push(&what[start..]);
    }
    parts
}

/// Records `done` (`what`, already changed) in as many rows as it takes; when a row cannot be
/// written, the error says the change was made.
async fn audit(
    s: &Sources<'_>,
    actor: &Actor,
    reason: &Reason,
    action: AuditAction,
    target: &str,
    what: &[String],
    done: &str,
) -> DomainResult<()> {
    let parts = audit_parts(what);
    let count = parts.len();
    for (n, part) in parts.into_iter().enumerate() {
        let mut after = serde_json::json!({ "count": part.len(), "items": part });
        if count > 1 {
            after["part"] = serde_json::json!(n + 1);
            after["parts"] = serde_json::json!(count);
        }
        s.content
            .record_audit(&NewAuditEntry {
                actor: actor.clone(),
                action: action.clone(),
                target_kind: AuditKind::Reconcile,
                target_id: target.to_string(),
                reason: Some(reason.clone()),
                before: None,
                after: Some(after.to_string()),
            })
            .await
            .map_err(|e| {
                DomainError::unexpected(
                    format!(
                        "{done}, but {} could not be written; record {} by hand",
                        if count > 1 {
                            format!("audit row {} of {count}", n + 1)
                        } else {
                            "its audit row".to_string()
                        },
                        if count > 1 { "the rest" } else { "it" }
                    ),
                    e,
                )
            })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A long list is parted so each row's `after` fits MySQL's `TEXT`; each item is in one
    /// part, in order.
    #[test]
    fn a_long_list_is_recorded_in_rows_that_fit() {
        let subs: Vec<String> = (0..1800)
            .map(|i| format!("00000000-0000-4000-8000-{i:012}"))
            .collect();
        let parts = audit_parts(&subs);
        assert!(parts.len() > 1, "{}", parts.len());
        assert_eq!(parts.concat(), subs);
        for part in &parts {
            let after =
                serde_json::json!({"count": part.len(), "items": part, "part": 1, "parts": 2});
            assert!(after.to_string().len() <= AUDIT_AFTER_BYTES);
        }
        // One key alone longer than a row still goes in one (the database says if it cannot).
        let long = vec!["k".repeat(70_000)];
        assert_eq!(audit_parts(&long), vec![&long[..]]);
        assert!(audit_parts(&[]).is_empty());
        let few = vec!["a".to_string(), "b".to_string()];
        assert_eq!(audit_parts(&few), vec![&few[..]]);
    }

    #[test]
    fn thumbnails_are_judged_by_their_source() {
        assert_eq!(source_of("thumbs/128/posts/a/b.jpg"), "posts/a/b.jpg");
        assert_eq!(source_of("posts/a/b.jpg"), "posts/a/b.jpg");
        assert_eq!(source_of("thumbs/oops"), "thumbs/oops");
    }

    #[test]
    fn csv_quotes_keys() {
        let f = Finding::OrphanObject {
            key: "posts/a \"b\",c.jpg".into(),
            size: 3,
        };
        assert_eq!(f.csv(), "orphan_object,\"posts/a \"\"b\"\",c.jpg\",3");
    }
}
