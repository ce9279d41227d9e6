//! Ban and unban as one action each. A ban blocks the account in the API (at once: its tokens
//! outlive a Cognito sign-out), disables it, signs it out everywhere, hides every visible post
//! and comment of the user, and, once the block has reached every API instance, sweeps again for
//! whatever the user posted in between, under one reason. It is planned first (a
//! dry run lists every call), then run step by step: the first failure stops it, and the result
//! says what was done and what was not. Every step writes its own audit row, and a closing
//! `user.ban` row records exactly what the ban changed, so an unban reverses exactly that.

use super::accounts::{self, AccountAction};
use crate::auth::MAX_BLOCK_STALENESS;
use crate::error::{DomainError, DomainResult};
use crate::model::{
    Actor, AuditAction, AuditEntry, AuditFilter, AuditKind, CommentFilter, CommentId,
    ContentStatus, Moderation, ModerationAction, ModerationOutcome, ModerationTarget,
    NewAuditEntry, PageRequest, PostFilter, PostId, Reason, UserSub, Username, all_pages,
};
use crate::ports::{ContentStore, UserDirectory};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::{Duration, Instant};

/// The audit action of the closing row of a ban and of an unban.
pub const BAN_ACTION: AuditAction = AuditAction::UserBan;
pub const UNBAN_ACTION: AuditAction = AuditAction::UserUnban;

/// One call a ban or unban makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    Block,
    Disable,
    SignOut,
    HidePost {
        id: PostId,
    },
    HideComment {
        id: CommentId,
    },
    /// Waits until the block has reached every API instance, then hides what is still
    /// visible (posted while the ban ran); each hide is listed as its own done step.
    Sweep,
    Unblock,
    Enable,
    RestorePost {
        id: PostId,
    },
    RestoreComment {
        id: CommentId,
    },
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Block => f.write_str(
                "block the account in the API (database; its tokens are refused within seconds)",
            ),
            Step::Unblock => f.write_str("lift the account's block in the API (database)"),
            Step::Sweep => f.write_str(
                "hide whatever the user posted while the ban ran (once the block has taken effect)",
            ),
            Step::Disable => f.write_str("cognito-idp:AdminDisableUser"),
            Step::SignOut => f.write_str("cognito-idp:AdminUserGlobalSignOut"),
            Step::Enable => f.write_str("cognito-idp:AdminEnableUser"),
            Step::HidePost { id } => write!(f, "hide post {id} (database, with its audit row)"),
            Step::HideComment { id } => {
                write!(f, "hide comment {id} (database, with its audit row)")
            }
            Step::RestorePost { id } => {
                write!(f, "restore post {id} (database, with its audit row)")
            }
            Step::RestoreComment { id } => {
                write!(f, "restore comment {id} (database, with its audit row)")
            }
        }
    }
}

/// A plan's steps in a few lines for a person to read: account and database steps one per
/// line, the content steps grouped by kind with their ids (the first `ids` of each, then a
/// count), in the order they run.
pub fn describe(steps: &[Step], ids: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut i = 0;
    while i < steps.len() {
        let (verb, kind) = match &steps[i] {
            Step::HidePost { .. } => ("hide", "post"),
            Step::HideComment { .. } => ("hide", "comment"),
            Step::RestorePost { .. } => ("restore", "post"),
            Step::RestoreComment { .. } => ("restore", "comment"),
            other => {
                lines.push(other.to_string());
                i += 1;
                continue;
            }
        };
        let same = |s: &Step| std::mem::discriminant(s) == std::mem::discriminant(&steps[i]);
        let run: Vec<String> = steps[i..]
            .iter()
            .take_while(|s| same(s))
            .map(|s| match s {
                Step::HidePost { id } | Step::RestorePost { id } => format!("#{id}"),
                Step::HideComment { id } | Step::RestoreComment { id } => format!("#{id}"),
                _ => String::new(),
            })
            .collect();
        let shown = run.iter().take(ids).cloned().collect::<Vec<_>>().join(", ");
        let more = if run.len() > ids {
            format!(" and {} more", run.len() - ids)
        } else {
            String::new()
        };
        let noun = if run.len() == 1 {
            kind.to_string()
        } else {
            format!("{kind}s")
        };
        lines.push(format!(
            "{verb} {} {noun} (database, each with its audit row): {shown}{more}",
            run.len()
        ));
        i += run.len();
    }
    lines
}

/// Every call a ban or unban will make, in order, for the operator to read before confirming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub username: Username,
    pub sub: UserSub,
    /// Their e-mail or phone ([`crate::model::DirectoryUser::contact`]), for the confirmation.
    pub contact: Option<String>,
    pub steps: Vec<Step>,
    /// For an unban: the latest ban row it reverses.
    pub reverses: Option<i64>,
    /// For an unban: every ban row since the last unban, newest first; it reverses them all.
    pub bans: Vec<i64>,
    /// For a ban: the ban already in force (the latest since the last unban), where the user
    /// is banned already; the confirmation says so, and the unban reverses both.
    pub earlier: Option<EarlierBan>,
    /// For an unban: content its bans hid that changed since (`post #3 (removed since)`),
    /// left as it is and said, not listed as restored.
    pub left_alone: Vec<String>,
    /// How long after the block the sweep waits: the API's longest cached answer
    /// ([`MAX_BLOCK_STALENESS`]).
    pub settle: Duration,
}

impl Plan {
    /// `ban`, or `unban` for a plan that reverses one.
    pub fn verb(&self) -> &'static str {
        if self.reverses.is_some() {
            "unban"
        } else {
            "ban"
        }
    }
}

/// A ban in force when another is planned: its audit row, when, and by whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierBan {
    pub row: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
}

impl EarlierBan {
    /// `2026-12-06 01:10 UTC by ann (audit row 42)`: when, by whom, and the row that says so.
    pub fn when(&self) -> String {
        format!(
            "{} by {} (audit row {})",
            self.at.format("%Y-%m-%d %H:%M UTC"),
            self.actor,
            self.row
        )
    }
}

impl From<AuditEntry> for EarlierBan {
    fn from(row: AuditEntry) -> Self {
        Self {
            row: row.id.get(),
            at: row.created_at,
            actor: row.actor,
        }
    }
}

impl std::fmt::Display for EarlierBan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "banned already, {}: this ban adds only what changed since, and one unban \
             reverses both",
            self.when()
        )
    }
}

/// Where an account stands with the API and the bans: whether the API refuses its requests
/// (a ban's or a disable's block), and the ban in force, if any (the newest since the last
/// unban). Support reads it before enabling someone: an enable lifts the block, not the ban.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub blocked: bool,
    pub ban: Option<EarlierBan>,
}

impl Standing {
    /// Whether there is anything to warn of: a ban in force or a block.
    pub fn restricted(&self) -> bool {
        self.blocked || self.ban.is_some()
    }
}

impl Standing {
    /// The standing in words, with the account's `enabled` where it is known: a block on an
    /// enabled account and a disabled account without one are said as such (the second read
    /// "the API takes their requests" of someone Cognito refuses, the first blamed a disable
    /// that was not there).
    pub fn describe(&self, enabled: Option<bool>) -> String {
        match (&self.ban, self.blocked, enabled) {
            (Some(ban), true, _) => format!("banned {}; blocked in the API", ban.when()),
            (Some(ban), false, _) => format!(
                "banned {}; no longer blocked in the API (enabled since)",
                ban.when()
            ),
            (None, true, Some(true)) => "not banned; still blocked in the API though enabled \
                                         (an enable lifts the block)"
                .into(),
            (None, true, _) => {
                "not banned; blocked in the API (disabled; an enable lifts it)".into()
            }
            (None, false, Some(false)) => "not banned; disabled, with no API block (tokens \
                                           already issued work until they expire; a disable \
                                           sets one)"
                .into(),
            (None, false, _) => "not banned; the API takes their requests".into(),
        }
    }
}

/// Reads `sub`'s [`Standing`]: its block and its audit rows, at once.
pub async fn standing(content: &dyn ContentStore, sub: &UserSub) -> DomainResult<Standing> {
    let (blocked, bans) = futures::try_join!(content.is_blocked(sub), bans_in_force(content, sub))?;
    Ok(Standing {
        blocked,
        ban: bans.into_iter().next().map(EarlierBan::from),
    })
}

/// What a run did.
pub type Outcome = super::planned::Outcome<Step>;

/// What the closing row of a ban records, as JSON in its `after`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
struct Record {
    /// Absent in rows written before bans blocked accounts.
    #[serde(default)]
    blocked: bool,
    disabled: bool,
    hidden_posts: Vec<PostId>,
    hidden_comments: Vec<CommentId>,
    complete: bool,
}

const PAGE: u32 = 200;

/// Lists what a ban of `username` would do: disable, sign out, then hide each visible post and
/// comment (read page by page).
pub async fn plan_ban(
    directory: &dyn UserDirectory,
    content: &dyn ContentStore,
    username: &Username,
) -> DomainResult<Plan> {
    let user = directory.get_user(username).await?;
    let sub = user.sub.clone().ok_or_else(|| {
        DomainError::invalid("username", format!("{username} has no sub attribute"))
    })?;
    let mut steps = vec![Step::Block];
    if user.enabled {
        steps.push(Step::Disable);
    }
    steps.push(Step::SignOut);
    steps.extend(visible_content_hides(content, &sub).await?);
    steps.push(Step::Sweep);
    let earlier = bans_in_force(content, &sub)
        .await?
        .into_iter()
        .next()
        .map(EarlierBan::from);
    Ok(Plan {
        username: username.clone(),
        sub,
        contact: user.contact(),
        steps,
        reverses: None,
        bans: Vec::new(),
        earlier,
        left_alone: Vec::new(),
        settle: MAX_BLOCK_STALENESS,
    })
}

/// The unban that reversed ban row `ban_row` of `sub`: the first unban written after it (among
/// the user's latest 100 rows), if any.
pub async fn unban_of(
    content: &dyn ContentStore,
    sub: &UserSub,
    ban_row: i64,
) -> DomainResult<Option<AuditEntry>> {
    Ok(rows_about(content, AuditKind::User, &sub.to_string(), 100)
        .await?
        .into_iter()
        .filter(|r| r.action == UNBAN_ACTION && r.id.get() > ban_row)
        .min_by_key(|r| r.id.get()))
}

/// The latest `n` audit rows about `kind:id`, newest first.
async fn rows_about(
    content: &dyn ContentStore,
    kind: AuditKind,
    id: &str,
    n: u32,
) -> DomainResult<Vec<AuditEntry>> {
    let filter = AuditFilter {
        target_kind: Some(kind),
        target_id: Some(id.to_string()),
        ..AuditFilter::default()
    };
    Ok(content
        .list_audit(&filter, PageRequest::first(n))
        .await?
        .items)
}

/// Why a post or comment a ban hid (in ban row `row`) is not the unban's to restore, or `None`
/// where it is: still hidden (`now`, its status, or why it could not be read), and no
/// moderation of it since the ban.
async fn left_since(
    content: &dyn ContentStore,
    kind: AuditKind,
    id: &str,
    now: DomainResult<ContentStatus>,
    row: i64,
) -> DomainResult<Option<String>> {
    let what = format!("{} #{id}", kind.as_str());
    match now {
        Ok(ContentStatus::Hidden) => {}
        Ok(status) => return Ok(Some(format!("{what} ({} since)", status.as_str()))),
        Err(DomainError::NotFound(_)) => return Ok(Some(format!("{what} (gone)"))),
        Err(e) => return Err(e),
    }
    let moderation = |a: &AuditAction| {
        matches!(
            a,
            AuditAction::PostHide
                | AuditAction::PostRestore
                | AuditAction::PostRemove
                | AuditAction::CommentHide
                | AuditAction::CommentRestore
                | AuditAction::CommentRemove
        )
    };
    Ok(acted_since(content, kind, id, row, moderation)
        .await?
        .map(|later| {
            format!(
                "{what} ({} since the ban, audit row {})",
                later.action, later.id
            )
        }))
}

/// The newest audit row on `kind:id` written after row `after` whose action `counts`: what
/// someone did to it since a ban did its part.
async fn acted_since(
    content: &dyn ContentStore,
    kind: AuditKind,
    id: &str,
    after: i64,
    counts: impl Fn(&AuditAction) -> bool,
) -> DomainResult<Option<AuditEntry>> {
    Ok(rows_about(content, kind, id, 50)
        .await?
        .into_iter()
        .take_while(|r| r.id.get() > after)
        .find(|r| counts(&r.action)))
}

/// Every ban row of `sub` since its last unban, newest first: the bans an unban reverses.
async fn bans_in_force(content: &dyn ContentStore, sub: &UserSub) -> DomainResult<Vec<AuditEntry>> {
    Ok(rows_about(content, AuditKind::User, &sub.to_string(), 100)
        .await?
        .into_iter()
        .take_while(|r| r.action != UNBAN_ACTION)
        .filter(|r| r.action == BAN_ACTION)
        .collect())
}

/// Lists what an unban of `username` would do: reverse exactly what its bans since the last
/// unban did (one, unless a banned user was banned again).
pub async fn plan_unban(
    directory: &dyn UserDirectory,
    content: &dyn ContentStore,
    username: &Username,
) -> DomainResult<Plan> {
    let user = directory.get_user(username).await?;
    let sub = user.sub.clone().ok_or_else(|| {
        DomainError::invalid("username", format!("{username} has no sub attribute"))
    })?;
    // Every ban since the last unban, newest first: a second ban of a banned user recorded
    // only what it changed itself (nothing: the account was disabled already), and an unban
    // of that alone reversed nothing and left the first ban's block, disable and hides.
    let bans = bans_in_force(content, &sub).await?;
    let Some(latest) = bans.first() else {
        return Err(DomainError::Conflict(format!(
            "{username} has no ban to reverse (no {BAN_ACTION} row since the last unban)"
        )));
    };
    let mut record = Record::default();
    // Which ban hid each post and comment (the latest, where two did): what was done to it
    // after that ban's row was done by someone else, and is not the ban's to reverse.
    let mut hid_posts: Vec<(PostId, i64)> = Vec::new();
    let mut hid_comments: Vec<(CommentId, i64)> = Vec::new();
    let mut disabled_by = None;
    for ban in bans.iter().rev() {
        let one: Record = ban
            .after
            .as_deref()
            .and_then(|a| serde_json::from_str(a).ok())
            .ok_or_else(|| {
                DomainError::bug(format!(
                    "audit row {} does not say what the ban did",
                    ban.id
                ))
            })?;
        record.blocked |= one.blocked;
        if one.disabled {
            record.disabled = true;
            disabled_by = Some(ban.id.get());
        }
        for id in one.hidden_posts {
            hid_posts.retain(|(p, _)| *p != id);
            hid_posts.push((id, ban.id.get()));
        }
        for id in one.hidden_comments {
            hid_comments.retain(|(c, _)| *c != id);
            hid_comments.push((id, ban.id.get()));
        }
    }
    let mut left_alone = Vec::new();
    // The account: enabled again only where no one disabled (or enabled) it after the ban
    // (it was enabled over a later "account compromised" disable); one the ban found disabled
    // stays so, and is said to (the dialog said only "nothing to change").
    let mut enable = record.disabled;
    if let Some(row) = disabled_by
        && let Some(later) = acted_since(content, AuditKind::User, &sub.to_string(), row, |a| {
            matches!(a, AuditAction::UserDisable | AuditAction::UserEnable)
        })
        .await?
    {
        enable = false;
        left_alone.push(format!(
            "the account ({} since the ban, audit row {})",
            later.action, later.id
        ));
    } else if !record.disabled && !user.enabled {
        left_alone.push(
            "the account (disabled before the ban: it stays disabled, and blocked in the API)"
                .into(),
        );
    }
    let mut steps = Vec::new();
    if enable {
        steps.push(Step::Enable);
    }
    // The block is lifted with the account, after it: not while the account stays disabled
    // for another reason (its tokens would work again until they expire); nor where it was
    // lifted since (the plan said "lift the block" of a block no longer there).
    if record.blocked && (enable || user.enabled) {
        if content.is_blocked(&sub).await? {
            steps.push(Step::Unblock);
        } else {
            left_alone.push("the API block (lifted since the ban)".into());
        }
    }
    // What the bans hid and is still hidden, with nothing done to it since, is restored; what
    // changed since (removed, restored and hidden again by a moderator, deleted) is said and
    // left (the plan listed it and the run skipped it, or restored a moderator's later hide).
    for &(id, row) in &hid_posts {
        let now = content.get_post(id).await.map(|p| p.status);
        match left_since(content, AuditKind::Post, &id.to_string(), now, row).await? {
            None => steps.push(Step::RestorePost { id }),
            Some(why) => left_alone.push(why),
        }
    }
    for &(id, row) in &hid_comments {
        let now = content.get_comment(id).await.map(|c| c.status);
        match left_since(content, AuditKind::Comment, &id.to_string(), now, row).await? {
            None => steps.push(Step::RestoreComment { id }),
            Some(why) => left_alone.push(why),
        }
    }
    Ok(Plan {
        username: username.clone(),
        sub,
        contact: user.contact(),
        steps,
        reverses: Some(latest.id.get()),
        bans: bans.iter().map(|b| b.id.get()).collect(),
        earlier: None,
        left_alone,
        settle: Duration::ZERO,
    })
}

/// Runs a plan in order, stopping at the first failure, then writes the closing audit row with
/// what was done.
pub async fn run(
    directory: &dyn UserDirectory,
    content: &dyn ContentStore,
    plan: &Plan,
    actor: &Actor,
    reason: &Reason,
) -> Outcome {
    run_reporting(directory, content, plan, actor, reason, &|_, _| {}).await
}

/// [`run`], calling `progress(steps_taken, steps)` after each step (done or skipped): a ban of
/// a spammer of 2,000 posts runs for seconds, and said only "1 pending" meanwhile. The
/// sweep's hides count as steps once it has found them.
pub async fn run_reporting(
    directory: &dyn UserDirectory,
    content: &dyn ContentStore,
    plan: &Plan,
    actor: &Actor,
    reason: &Reason,
    progress: &(dyn Fn(usize, usize) + Send + Sync),
) -> Outcome {
    let mut total = plan.steps.len();
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
            let swept = match visible_content_hides(content, &plan.sub).await {
                Ok(swept) => swept,
                Err(e) => {
                    failed = Some((step.clone(), e));
                    break;
                }
            };
            total += swept.len();
            for hide in swept {
                match run_step(directory, content, plan, &hide, actor, reason).await {
                    Ok(false) => skipped.push(hide),
                    Ok(true) => {
                        record.note(&hide);
                        done.push(hide);
                    }
                    Err(e) => {
                        failed = Some((hide, e));
                        break;
                    }
                }
                progress(done.len() + skipped.len(), total);
            }
            if failed.is_some() {
                break;
            }
            done.push(Step::Sweep);
            progress(done.len() + skipped.len(), total);
            continue;
        }
        match run_step(directory, content, plan, step, actor, reason).await {
            Ok(false) => skipped.push(step.clone()),
            Ok(true) => {
                if *step == Step::Block {
                    blocked_at = Some(Instant::now());
                }
                record.note(step);
                done.push(step.clone());
            }
            Err(e) => {
                failed = Some((step.clone(), e));
                break;
            }
        }
        progress(done.len() + skipped.len(), total);
    }
    let not_done: Vec<Step> = steps.cloned().collect();
    record.complete = failed.is_none();
    let (action, after) = match plan.reverses {
        None => (
            BAN_ACTION,
            serde_json::to_string(&record).unwrap_or_default(),
        ),
        Some(ban) => (
            UNBAN_ACTION,
            serde_json::to_string(&UnbanRecord {
                left_alone: plan.left_alone.clone(),
                ..UnbanRecord::of(ban, &plan.bans, &done, &skipped, failed.is_none())
            })
            .unwrap_or_default(),
        ),
    };
    let entry = NewAuditEntry {
        actor: actor.clone(),
        action,
        target_kind: AuditKind::User,
        target_id: plan.sub.to_string(),
        reason: Some(reason.clone()),
        before: None,
        after: Some(after),
    };
    // Nothing changed: no ban to record (and none for an unban to reverse).
    let (audit_id, audit_failed) = if done.is_empty() && plan.reverses.is_none() {
        (None, None)
    } else {
        match content.record_audit(&entry).await {
            Ok(id) => (Some(id.get()), None),
            Err(e) => {
                tracing::warn!(error = %e.chain(), "the {} row could not be written", entry.action);
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

/// What an unban's row keeps: the ban rows it reverses, then what it did and left, as ids (a
/// step each, named, took 34 bytes: the row of a spammer's 2,000 restores was refused by the
/// column, and the unban, done, was not recorded).
#[derive(Debug, Default, Serialize, Deserialize)]
struct UnbanRecord {
    reverses: i64,
    bans: Vec<i64>,
    enabled: bool,
    unblocked: bool,
    restored_posts: Vec<PostId>,
    restored_comments: Vec<CommentId>,
    left_posts: Vec<PostId>,
    left_comments: Vec<CommentId>,
    /// What the plan said it leaves, changed since the ban (its dialog's words).
    left_alone: Vec<String>,
    complete: bool,
}

impl UnbanRecord {
    fn of(reverses: i64, bans: &[i64], done: &[Step], skipped: &[Step], complete: bool) -> Self {
        let mut record = Self {
            reverses,
            bans: bans.to_vec(),
            complete,
            ..Self::default()
        };
        for step in done {
            match step {
                Step::Enable => record.enabled = true,
                Step::Unblock => record.unblocked = true,
                Step::RestorePost { id } => record.restored_posts.push(*id),
                Step::RestoreComment { id } => record.restored_comments.push(*id),
                _ => {}
            }
        }
        for step in skipped {
            match step {
                Step::RestorePost { id } => record.left_posts.push(*id),
                Step::RestoreComment { id } => record.left_comments.push(*id),
                _ => {}
            }
        }
        record
    }
}

impl Record {
    /// Notes a done step that an unban must reverse.
    fn note(&mut self, step: &Step) {
        match step {
            Step::Block => self.blocked = true,
            Step::Disable => self.disabled = true,
            Step::HidePost { id } => self.hidden_posts.push(*id),
            Step::HideComment { id } => self.hidden_comments.push(*id),
            _ => {}
        }
    }
}

/// The hides of what the user has visible now, posts then comments: the plan's, and the
/// sweep's again once the block has taken effect.
async fn visible_content_hides(
    content: &dyn ContentStore,
    sub: &UserSub,
) -> DomainResult<Vec<Step>> {
    let posts = PostFilter {
        author: Some(sub.clone()),
        status: Some(ContentStatus::Visible),
        ..PostFilter::default()
    };
    let comments = CommentFilter {
        author: Some(sub.clone()),
        status: Some(ContentStatus::Visible),
        ..CommentFilter::default()
    };
    // Two independent walks, side by side.
    let (posts, comments) = futures::try_join!(
        all_pages(PAGE, |page| content.list_posts(&posts, page)),
        all_pages(PAGE, |page| content.list_comments(&comments, page)),
    )?;
    Ok(posts
        .iter()
        .map(|p| Step::HidePost { id: p.id })
        .chain(comments.iter().map(|c| Step::HideComment { id: c.id }))
        .collect())
}

/// A hide that found its content deleted between the check and the write: skipped.
fn skip_gone(result: DomainResult<ModerationOutcome>) -> DomainResult<bool> {
    match result {
        Ok(_) => Ok(true),
        Err(DomainError::NotFound(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Runs one step; `Ok(false)` when the content is no longer as the plan found it (a hide of
/// content already hidden, removed or deleted; a restore of content no longer hidden).
async fn run_step(
    directory: &dyn UserDirectory,
    content: &dyn ContentStore,
    plan: &Plan,
    step: &Step,
    actor: &Actor,
    reason: &Reason,
) -> DomainResult<bool> {
    // An account change that was made counts as done even when its own audit row could not
    // be written (the ban's closing row lists it): stopping there would leave a half ban.
    let account = |action| async move {
        let entry = accounts::change(directory, &plan.username, action, actor, reason).await?;
        if let Err(e) = content.record_audit(&entry).await {
            tracing::warn!(error = %e.chain(), "{} done without its audit row", entry.action);
        }
        Ok::<(), DomainError>(())
    };
    let moderate = |target, action| async move {
        let moderation = Moderation {
            target,
            action,
            actor: actor.clone(),
            reason: reason.clone(),
        };
        content.moderate(&moderation).await
    };
    match step {
        Step::Block => content
            .set_blocked(&plan.sub, true, actor)
            .await
            .map(|_| true),
        Step::Unblock => content
            .set_blocked(&plan.sub, false, actor)
            .await
            .map(|_| true),
        // Run by `run` itself, which expands it into hides.
        Step::Sweep => Ok(true),
        Step::Disable => account(&AccountAction::Disable).await.map(|_| true),
        Step::SignOut => account(&AccountAction::GlobalSignOut).await.map(|_| true),
        Step::Enable => account(&AccountAction::Enable).await.map(|_| true),
        // Content hidden, removed or deleted since the plan is skipped, not a failure: the
        // author or another moderator got there first, and the ban goes on.
        Step::HidePost { id } => {
            match content.get_post(*id).await {
                Ok(p) if p.status == ContentStatus::Visible => {}
                Ok(_) | Err(DomainError::NotFound(_)) => return Ok(false),
                Err(e) => return Err(e),
            }
            skip_gone(moderate(ModerationTarget::Post(*id), ModerationAction::Hide).await)
        }
        Step::HideComment { id } => {
            match content.get_comment(*id).await {
                Ok(c) if c.status == ContentStatus::Visible => {}
                Ok(_) | Err(DomainError::NotFound(_)) => return Ok(false),
                Err(e) => return Err(e),
            }
            skip_gone(moderate(ModerationTarget::Comment(*id), ModerationAction::Hide).await)
        }
        Step::RestorePost { id } => {
            if content.get_post(*id).await?.status != ContentStatus::Hidden {
                return Ok(false);
            }
            moderate(ModerationTarget::Post(*id), ModerationAction::Restore)
                .await
                .map(|_| true)
        }
        Step::RestoreComment { id } => {
            if content.get_comment(*id).await?.status != ContentStatus::Hidden {
                return Ok(false);
            }
            moderate(ModerationTarget::Comment(*id), ModerationAction::Restore)
                .await
                .map(|_| true)
        }
    }
}

#[cfg(test)]
#[cfg(feature = "sandbox")]
mod tests {
    use super::*;
    use crate::adapters::faulty::{FaultyContentStore, database_unavailable};
    use crate::model::{CommentBody, NewComment, NewPost, NewProfile, PostBody};
    use crate::sandbox::Sandbox;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct World {
        sandbox: Sandbox,
        _dir: tempfile::TempDir,
        user: Username,
        sub: UserSub,
        posts: Vec<PostId>,
        comments: Vec<CommentId>,
    }

    /// Runs an unban on an appeal: it completes, and the account is enabled and unblocked.
    async fn appeal_granted(w: &World, unban: &Plan) {
        let (dir, content) = (&w.sandbox.directory, &w.sandbox.content);
        let outcome = run(
            dir,
            content,
            unban,
            &actor(),
            &Reason::parse("appeal granted").unwrap(),
        )
        .await;
        assert!(outcome.is_complete(), "{outcome:?}");
        assert!(dir.get_user(&w.user).await.unwrap().enabled);
        assert!(!content.is_blocked(&w.sub).await.unwrap());
    }

    async fn world() -> World {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let user = Username::parse("troll").unwrap();
        let created =
            crate::sandbox::test_user(&sandbox, "troll", Some("troll@example.com"), vec![]).await;
        let sub = created.sub.unwrap();
        let c = &sandbox.content;
        c.upsert_profile(&NewProfile {
            sub: sub.clone(),
            email: None,
            display_name: None,
        })
        .await
        .unwrap();
        let mut posts = Vec::new();
        for n in 0..3 {
            let p = c
                .create_post(&NewPost {
                    author_sub: sub.clone(),
                    body: PostBody::parse(format!("post {n}")).unwrap(),
                    image_key: None,
                })
                .await
                .unwrap();
            posts.push(p.id);
        }
        let mut comments = Vec::new();
        for n in 0..2 {
            let cm = c
                .create_comment(&NewComment {
                    post_id: posts[0],
                    author_sub: sub.clone(),
                    body: CommentBody::parse(format!("comment {n}")).unwrap(),
                })
                .await
                .unwrap();
            comments.push(cm.id);
        }
        World {
            sandbox,
            _dir: dir,
            user,
            sub,
            posts,
            comments,
        }
    }

    fn actor() -> Actor {
        Actor::parse("sandbox:ops").unwrap()
    }

    fn reason() -> Reason {
        Reason::parse("coordinated harassment").unwrap()
    }

    /// A moderator's own action on `target`, outside any ban.
    async fn moderated(
        content: &dyn ContentStore,
        target: ModerationTarget,
        action: ModerationAction,
        why: &str,
    ) {
        content
            .moderate(&Moderation {
                target,
                action,
                actor: actor(),
                reason: Reason::parse(why).unwrap(),
            })
            .await
            .unwrap();
    }

    #[test]
    fn a_plan_reads_as_its_account_steps_and_its_content_grouped() {
        let post = |n| Step::HidePost {
            id: PostId::new(n).unwrap(),
        };
        let comment = |n| Step::HideComment {
            id: CommentId::new(n).unwrap(),
        };
        let mut steps = vec![Step::Block, Step::Disable, Step::SignOut];
        steps.extend((1..=12).map(post));
        steps.push(comment(70));
        steps.push(Step::Sweep);
        let lines = describe(&steps, 5);
        assert_eq!(lines.len(), 6, "{lines:#?}");
        assert_eq!(lines[1], "cognito-idp:AdminDisableUser");
        assert_eq!(
            lines[3],
            "hide 12 posts (database, each with its audit row): #1, #2, #3, #4, #5 and 7 more"
        );
        assert_eq!(
            lines[4],
            "hide 1 comment (database, each with its audit row): #70"
        );
        assert_eq!(lines[5], Step::Sweep.to_string());
    }

    /// A plan whose sweep does not wait: these tests run no API whose cache it would wait out.
    fn quick(plan: Plan) -> Plan {
        Plan {
            settle: Duration::ZERO,
            ..plan
        }
    }

    #[tokio::test]
    async fn the_sweep_waits_out_the_api_cache_and_hides_what_was_posted_meanwhile() {
        let w = world().await;
        let (dir, content) = (&w.sandbox.directory, &w.sandbox.content);
        let plan = plan_ban(dir, content, &w.user).await.unwrap();
        assert_eq!(plan.settle, MAX_BLOCK_STALENESS);
        // A shorter wait with the same meaning, to keep the test quick.
        let plan = Plan {
            settle: Duration::from_millis(300),
            ..plan
        };
        // Posted after the plan was read, as a spammer does while a moderator reads the plan
        // (with a token the sign-out does not revoke).
        let late = content
            .create_post(&NewPost {
                author_sub: w.sub.clone(),
                body: PostBody::parse("posted while the ban ran").unwrap(),
                image_key: None,
            })
            .await
            .unwrap();
        let late_comment = content
            .create_comment(&NewComment {
                post_id: w.posts[1],
                author_sub: w.sub.clone(),
                body: CommentBody::parse("and a comment").unwrap(),
            })
            .await
            .unwrap();
        assert!(!plan.steps.contains(&Step::HidePost { id: late.id }));
        let started = Instant::now();
        let outcome = run(dir, content, &plan, &actor(), &reason()).await;
        assert!(outcome.is_complete(), "{outcome:?}");
        assert!(
            started.elapsed() >= plan.settle,
            "the sweep ran before every API instance could have read the block"
        );
        assert_eq!(
            content.get_post(late.id).await.unwrap().status,
            ContentStatus::Hidden
        );
        assert_eq!(
            content.get_comment(late_comment.id).await.unwrap().status,
            ContentStatus::Hidden
        );
        let sweep_at = outcome.done.iter().position(|s| *s == Step::Sweep).unwrap();
        assert!(outcome.done[..sweep_at].contains(&Step::HidePost { id: late.id }));
        // The unban restores what the sweep hid, as it restores the planned hides.
        let unban = plan_unban(dir, content, &w.user).await.unwrap();
        assert!(unban.steps.contains(&Step::RestorePost { id: late.id }));
        assert!(unban.steps.contains(&Step::RestoreComment {
            id: late_comment.id
        }));
    }

    /// A banned user banned again: the second ban changes nothing (the account is disabled
    /// already) and recorded only that, so an unban of it alone reversed nothing, said "0
    /// calls done", and left the account blocked, disabled and its content hidden for good.
    /// The unban reverses every ban since the last unban, and the undo of either row is it.
    #[tokio::test]
    async fn an_unban_after_two_bans_reverses_both() {
        let w = world().await;
        let (dir, content) = (&w.sandbox.directory, &w.sandbox.content);
        let first = quick(plan_ban(dir, content, &w.user).await.unwrap());
        assert_eq!(first.earlier, None, "nothing in force yet");
        assert!(
            run(dir, content, &first, &actor(), &reason())
                .await
                .is_complete()
        );
        let second = quick(plan_ban(dir, content, &w.user).await.unwrap());
        assert!(!second.steps.contains(&Step::Disable));
        // The second plan says the first is in force, by its row and its actor.
        let closing = content
            .list_audit(
                &AuditFilter {
                    target_kind: Some(AuditKind::User),
                    target_id: Some(first.sub.to_string()),
                    ..AuditFilter::default()
                },
                PageRequest::first(100),
            )
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|r| r.action == BAN_ACTION)
            .unwrap();
        let earlier = second.earlier.clone().expect("the first ban is in force");
        assert_eq!(
            (earlier.row, earlier.actor.as_str()),
            (closing.id.get(), actor().as_str())
        );
        assert!(
            earlier.to_string().starts_with("banned already, ")
                && earlier.to_string().ends_with("one unban reverses both"),
            "{earlier}"
        );
        assert!(
            run(dir, content, &second, &actor(), &reason())
                .await
                .is_complete()
        );
        let unban = plan_unban(dir, content, &w.user).await.unwrap();
        assert_eq!(unban.bans.len(), 2, "{:?}", unban.bans);
        assert_eq!(unban.reverses, unban.bans.first().copied());
        assert_eq!(unban.steps[..2], [Step::Enable, Step::Unblock]);
        assert_eq!(
            unban.steps.len(),
            2 + w.posts.len() + w.comments.len(),
            "{:?}",
            unban.steps
        );
        appeal_granted(&w, &unban).await;
        for id in &w.posts {
            assert_eq!(
                content.get_post(*id).await.unwrap().status,
                ContentStatus::Visible
            );
        }
    }

    #[tokio::test]
    async fn an_unban_leaves_the_block_of_an_account_disabled_before_the_ban() {
        let w = world().await;
        let (dir, content) = (&w.sandbox.directory, &w.sandbox.content);
        dir.disable_user(&w.user).await.unwrap();
        let plan = quick(plan_ban(dir, content, &w.user).await.unwrap());
        assert!(!plan.steps.contains(&Step::Disable));
        assert!(
            run(dir, content, &plan, &actor(), &reason())
                .await
                .is_complete()
        );
        let unban = plan_unban(dir, content, &w.user).await.unwrap();
        assert!(!unban.steps.contains(&Step::Enable));
        assert!(!unban.steps.contains(&Step::Unblock), "{:?}", unban.steps);
        // Said, not only left: the dialog read "nothing to change".
        assert!(
            unban.left_alone.contains(
                &"the account (disabled before the ban: it stays disabled, and blocked in the API)"
                    .to_string()
            ),
            "{:?}",
            unban.left_alone
        );
    }

    /// A block lifted since the ban (an enable that lifted it, with the account enabled
    /// again) is not planned to be lifted again: it is said as left.
    #[tokio::test]
    async fn an_unban_does_not_plan_to_lift_a_block_lifted_since() {
        let w = world().await;
        let (dir, content) = (&w.sandbox.directory, &w.sandbox.content);
        let plan = quick(plan_ban(dir, content, &w.user).await.unwrap());
        assert!(
            run(dir, content, &plan, &actor(), &reason())
                .await
                .is_complete()
        );
        content.set_blocked(&w.sub, false, &actor()).await.unwrap();
        let unban = plan_unban(dir, content, &w.user).await.unwrap();
        assert!(unban.steps.contains(&Step::Enable), "{:?}", unban.steps);
        assert!(!unban.steps.contains(&Step::Unblock), "{:?}", unban.steps);
        assert!(
            unban
                .left_alone
                .contains(&"the API block (lifted since the ban)".to_string()),
            "{:?}",
            unban.left_alone
        );
    }

    /// What a moderator did after the ban is not the unban's to reverse: a post restored and
    /// hidden again, an account enabled and disabled again, stay as the moderator left them
    /// (the unban restored the post and enabled the account).
    #[tokio::test]
    async fn an_unban_leaves_what_was_done_after_the_ban() {
        let w = world().await;
        let (dir, content) = (&w.sandbox.directory, &w.sandbox.content);
        let plan = quick(plan_ban(dir, content, &w.user).await.unwrap());
        assert!(
            run(dir, content, &plan, &actor(), &reason())
                .await
                .is_complete()
        );
        for action in [ModerationAction::Restore, ModerationAction::Hide] {
            let target = ModerationTarget::Post(w.posts[0]);
            moderated(content, target, action, "moderator: hate speech").await;
        }
        dir.enable_user(&w.user).await.unwrap();
        dir.disable_user(&w.user).await.unwrap();
        content
            .record_audit(&NewAuditEntry {
                actor: actor(),
                action: AuditAction::UserDisable,
                target_kind: AuditKind::User,
                target_id: w.sub.to_string(),
                reason: Some(Reason::parse("account compromised").unwrap()),
                before: None,
                after: None,
            })
            .await
            .unwrap();
        let unban = plan_unban(dir, content, &w.user).await.unwrap();
        assert!(!unban.steps.contains(&Step::RestorePost { id: w.posts[0] }));
        assert!(unban.steps.contains(&Step::RestorePost { id: w.posts[1] }));
        assert!(!unban.steps.contains(&Step::Enable), "{:?}", unban.steps);
        assert!(!unban.steps.contains(&Step::Unblock), "{:?}", unban.steps);
        assert!(
            unban.left_alone.iter().any(|l| l.starts_with(&format!(
                "post #{} (post.hide since the ban, audit row ",
                w.posts[0]
            ))),
            "{:?}",
            unban.left_alone
        );
        assert!(
            unban
                .left_alone
                .iter()
                .any(|l| l.starts_with("the account (user.disable since the ban, audit row ")),
            "{:?}",
            unban.left_alone
        );
        // The unban's own row keeps what it left, as its dialog said it.
        let outcome = run(dir, content, &unban, &actor(), &reason()).await;
        let row = content
            .get_audit(crate::model::AuditId::new(outcome.audit_id.unwrap()).unwrap())
            .await
            .unwrap();
        let after: serde_json::Value = serde_json::from_str(row.after.as_deref().unwrap()).unwrap();
        assert_eq!(after["left_alone"], serde_json::json!(unban.left_alone));
    }

    /// A user's standing says the ban in force and the block, and an unban clears both; a
    /// block of a disable is said without a ban.
    #[tokio::test]
    async fn standing_says_the_ban_in_force_and_the_block() {
        let w = world().await;
        let (dir, content) = (&w.sandbox.directory, &w.sandbox.content);
        let before = standing(content, &w.sub).await.unwrap();
        assert_eq!(
            before,
            Standing {
                blocked: false,
                ban: None
            }
        );
        assert_eq!(
            before.describe(Some(true)),
            "not banned; the API takes their requests"
        );
        let plan = quick(plan_ban(dir, content, &w.user).await.unwrap());
        assert!(
            run(dir, content, &plan, &actor(), &reason())
                .await
                .is_complete()
        );
        let banned = standing(content, &w.sub).await.unwrap();
        assert!(banned.blocked);
        let ban = banned.ban.clone().expect("the ban in force");
        assert_eq!(ban.actor, actor().to_string());
        let said = banned.describe(Some(false));
        assert!(
            said.starts_with(&format!(
                "banned {} by ",
                ban.at.format("%Y-%m-%d %H:%M UTC")
            )),
            "{said}"
        );
        assert!(said.ends_with("; blocked in the API"), "{said}");
        let unban = plan_unban(dir, content, &w.user).await.unwrap();
        assert!(
            run(dir, content, &unban, &actor(), &reason())
                .await
                .is_complete()
        );
        assert_eq!(standing(content, &w.sub).await.unwrap(), before);
        content.set_blocked(&w.sub, true, &actor()).await.unwrap();
        let disabled = standing(content, &w.sub).await.unwrap();
        assert_eq!(
            disabled.describe(Some(false)),
            "not banned; blocked in the API (disabled; an enable lifts it)"
        );
        assert_eq!(
            disabled.describe(Some(true)),
            "not banned; still blocked in the API though enabled (an enable lifts the block)"
        );
        assert!(disabled.restricted());
    }

    #[tokio::test]
    async fn a_ban_is_planned_then_done_and_an_unban_reverses_exactly_it() {
        let w = world().await;
        let (dir, content) = (&w.sandbox.directory, &w.sandbox.content);
        // Already hidden before the ban: the unban must leave it hidden.
        let target = ModerationTarget::Post(w.posts[2]);
        moderated(content, target, ModerationAction::Hide, "earlier decision").await;
        let plan = quick(plan_ban(dir, content, &w.user).await.unwrap());
        assert_eq!(plan.steps[..3], [Step::Block, Step::Disable, Step::SignOut]);
        assert_eq!(plan.steps.last(), Some(&Step::Sweep));
        let hides: Vec<&Step> = plan.steps[3..plan.steps.len() - 1].iter().collect();
        assert_eq!(
            hides.len(),
            4,
            "two visible posts and two comments: {hides:?}"
        );
        assert!(plan.steps.iter().all(|s| !s.to_string().is_empty()));

        let outcome = run(dir, content, &plan, &actor(), &reason()).await;
        assert!(outcome.is_complete(), "{outcome:?}");
        assert!(!dir.get_user(&w.user).await.unwrap().enabled);
        assert!(content.is_blocked(&w.sub).await.unwrap());
        for id in &w.posts {
            assert_eq!(
                content.get_post(*id).await.unwrap().status,
                ContentStatus::Hidden
            );
        }

        // A post the ban hid that a moderator removed since: the unban's plan says it is left
        // alone rather than listing it as restored (the run then skipped it).
        let target = ModerationTarget::Post(w.posts[1]);
        moderated(content, target, ModerationAction::Remove, "illegal content").await;
        let unban = plan_unban(dir, content, &w.user).await.unwrap();
        assert_eq!(unban.steps[..2], [Step::Enable, Step::Unblock]);
        assert_eq!(unban.steps.len(), 2 + 1 + 2, "{:?}", unban.steps);
        assert!(!unban.steps.contains(&Step::RestorePost { id: w.posts[1] }));
        assert_eq!(
            unban.left_alone,
            [format!("post #{} (removed since)", w.posts[1])]
        );
        appeal_granted(&w, &unban).await;
        assert_eq!(
            content.get_post(w.posts[0]).await.unwrap().status,
            ContentStatus::Visible
        );
        assert_eq!(
            content.get_post(w.posts[2]).await.unwrap().status,
            ContentStatus::Hidden
        );
        for id in &w.comments {
            assert_eq!(
                content.get_comment(*id).await.unwrap().status,
                ContentStatus::Visible
            );
        }
        // Nothing left to reverse.
        assert!(matches!(
            plan_unban(dir, content, &w.user).await,
            Err(DomainError::Conflict(_))
        ));
    }

    #[tokio::test]
    async fn content_hidden_or_removed_since_the_plan_is_skipped_and_the_ban_completes() {
        let w = world().await;
        let dir = &w.sandbox.directory;
        let content = &w.sandbox.content;
        let plan = quick(plan_ban(dir, content, &w.user).await.unwrap());
        // Between plan and run: another moderator hides a post, the author's comment is
        // removed.
        for (target, action) in [
            (ModerationTarget::Post(w.posts[0]), ModerationAction::Hide),
            (
                ModerationTarget::Comment(w.comments[0]),
                ModerationAction::Remove,
            ),
        ] {
            moderated(content, target, action, "coordinated harassment").await;
        }
        let outcome = run(dir, content, &plan, &actor(), &reason()).await;
        assert!(outcome.is_complete(), "{outcome:?}");
        assert_eq!(
            outcome.skipped,
            vec![
                Step::HidePost { id: w.posts[0] },
                Step::HideComment { id: w.comments[0] }
            ]
        );
        assert_eq!(outcome.done.len(), plan.steps.len() - 2);
        assert_eq!(outcome.done.last(), Some(&Step::Sweep));
        assert_eq!(
            content.get_comment(w.comments[0]).await.unwrap().status,
            ContentStatus::Removed,
            "a removed comment stays removed"
        );
    }

    /// An unban's row keeps its restores as ids: named steps took 34 bytes each, and the
    /// row of 2,100 restores was refused by the database after the work was done.
    #[test]
    fn an_unbans_row_keeps_its_restores_as_ids() {
        let done: Vec<Step> = std::iter::once(Step::Enable)
            .chain(std::iter::once(Step::Unblock))
            .chain((100_000..102_100).map(|i| Step::RestorePost {
                id: PostId::new(i).unwrap(),
            }))
            .collect();
        let skipped = vec![Step::RestoreComment {
            id: CommentId::new(9).unwrap(),
        }];
        let row =
            serde_json::to_string(&UnbanRecord::of(41, &[41, 12], &done, &skipped, true)).unwrap();
        assert!(row.len() < 2_100 * 8, "{} bytes", row.len());
        let read: serde_json::Value = serde_json::from_str(&row).unwrap();
        assert_eq!(read["reverses"], 41);
        assert_eq!(read["bans"], serde_json::json!([41, 12]));
        assert_eq!(read["enabled"], true);
        assert_eq!(read["unblocked"], true);
        assert_eq!(read["restored_posts"].as_array().unwrap().len(), 2_100);
        assert_eq!(read["left_comments"], serde_json::json!([9]));
        assert_eq!(read["complete"], true);
        assert_eq!(read["left_alone"], serde_json::json!([]));
    }

    /// An unban done whose closing row the database refused says so (it read as done and
    /// audited, and the ban still read as in force).
    #[tokio::test]
    async fn an_unban_whose_row_is_refused_says_so() {
        let w = world().await;
        let (dir, content) = (&w.sandbox.directory, &w.sandbox.content);
        let plan = quick(plan_ban(dir, content, &w.user).await.unwrap());
        assert!(
            run(dir, content, &plan, &actor(), &reason())
                .await
                .is_complete()
        );
        let unban = plan_unban(dir, content, &w.user).await.unwrap();
        let faulty = FaultyContentStore::new(
            Arc::new(content.clone()),
            Arc::new(|call| (call == "record_audit").then(|| database_unavailable(call))),
        );
        let outcome = run(dir, &faulty, &unban, &actor(), &reason()).await;
        assert!(outcome.is_complete(), "{outcome:?}");
        assert_eq!(outcome.audit_id, None);
        assert!(
            outcome
                .audit_failed
                .as_deref()
                .is_some_and(|why| why.contains("unavailable")),
            "{outcome:?}"
        );
    }

    #[tokio::test]
    async fn an_account_change_whose_own_audit_row_failed_is_done_and_the_ban_goes_on() {
        let w = world().await;
        let calls = Arc::new(AtomicUsize::new(0));
        let seen = calls.clone();
        // The first audit row (the disable's) cannot be written.
        let faulty = FaultyContentStore::new(
            Arc::new(w.sandbox.content.clone()),
            Arc::new(move |call| {
                (call == "record_audit" && seen.fetch_add(1, Ordering::SeqCst) == 0)
                    .then(|| database_unavailable(call))
            }),
        );
        let dir = &w.sandbox.directory;
        let plan = quick(plan_ban(dir, &faulty, &w.user).await.unwrap());
        let outcome = run(dir, &faulty, &plan, &actor(), &reason()).await;
        assert!(outcome.is_complete(), "{outcome:?}");
        assert_eq!(outcome.done[1], Step::Disable);
        assert!(!dir.get_user(&w.user).await.unwrap().enabled);
        assert!(
            calls.load(Ordering::SeqCst) > 1,
            "the ban went on writing rows"
        );
    }

    #[tokio::test]
    async fn a_failure_in_the_middle_stops_reports_and_the_unban_undoes_only_what_was_done() {
        let w = world().await;
        let calls = Arc::new(AtomicUsize::new(0));
        let seen = calls.clone();
        // The second moderation fails, as if the database went away mid-ban.
        let faulty = FaultyContentStore::new(
            Arc::new(w.sandbox.content.clone()),
            Arc::new(move |call| {
                (call == "moderate" && seen.fetch_add(1, Ordering::SeqCst) == 1)
                    .then(|| database_unavailable(call))
            }),
        );
        let dir = &w.sandbox.directory;
        let plan = quick(plan_ban(dir, &faulty, &w.user).await.unwrap());
        let outcome = run(dir, &faulty, &plan, &actor(), &reason()).await;
        assert_eq!(
            outcome.done.len(),
            4,
            "block, disable, sign out, one hide: {outcome:?}"
        );
        let (failed, error) = outcome.failed.as_ref().unwrap();
        assert!(matches!(
            failed,
            Step::HidePost { .. } | Step::HideComment { .. }
        ));
        assert!(error.is_transient());
        assert_eq!(outcome.not_done.len(), plan.steps.len() - 5);
        assert!(outcome.audit_id.is_some(), "the partial ban is recorded");

        let content = &w.sandbox.content;
        let hidden: Vec<PostId> = {
            let mut v = Vec::new();
            for id in &w.posts {
                if content.get_post(*id).await.unwrap().status == ContentStatus::Hidden {
                    v.push(*id);
                }
            }
            v
        };
        assert_eq!(hidden.len(), 1);
        let rows = content
            .list_audit(
                &AuditFilter {
                    target_id: Some(w.sub.to_string()),
                    ..AuditFilter::default()
                },
                PageRequest::first(20),
            )
            .await
            .unwrap();
        let ban_row = rows.items.iter().find(|r| r.action == BAN_ACTION).unwrap();
        assert!(
            ban_row
                .after
                .as_deref()
                .unwrap()
                .contains("\"complete\":false")
        );

        let unban = plan_unban(dir, content, &w.user).await.unwrap();
        assert_eq!(
            unban.steps,
            vec![
                Step::Enable,
                Step::Unblock,
                Step::RestorePost { id: hidden[0] }
            ]
        );
        let outcome = run(dir, content, &unban, &actor(), &reason()).await;
        assert!(outcome.is_complete());
        for id in &w.posts {
            assert_eq!(
                content.get_post(*id).await.unwrap().status,
                ContentStatus::Visible
            );
        }
    }
}
