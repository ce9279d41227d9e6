// The content store's queries, written once. This file is compiled once per backend by
// `include!` in `mod.rs`, with `Db` naming the backend (`sqlx::MySql` or `sqlx::Sqlite`).
// Every statement here is plain SQL that both dialects accept: `?` placeholders, backticked
// `before`/`after`, `LIKE ... ESCAPE '!'`, and keyset conditions written as
// `a <= ? AND (a < ? OR (a = ? AND id < ?))` (the posts listing drops the `a = ?`, which the
// first bound makes redundant): MariaDB does not use an index for the row form
// `(a, id) < (?, ?)`, and without the plain `a <= ?` bound it may read a filtered index from
// its newest end and filter, which makes page N cost N pages.

use super::rows::{
    AuditRow, CommentRow, EXCERPT_CHARS, ImportComment, ImportPost, ImportProfile, ImportReport,
    NotificationRow, PostRow, ProfileRow, ReportGroupRow, ReportRow, SqlTime, convert_all,
    excerpt_of, from_millis, like_contains, to_millis,
};
use super::{Dialect, SqlContentStore, map_sqlx};
use crate::error::{DomainError, DomainResult};
use crate::model::{
    ActivityCounts, Actor, AuditAction, AuditEntry, AuditFilter, AuditId, AuditKind, Comment,
    CommentFilter, CommentId, ContentStatus, Cursor, ImageOwner, ImageRef, ImageRefKind, MarkRead,
    Moderation, ModerationAction, ModerationOutcome, ModerationTarget, NewAuditEntry, NewComment,
    NewPost, NewProfile, NewReport, Notification, NotificationKind, Page, PageRequest, Post,
    PostEdit, PostFilter, PostId, PostRevision, ProfileField, ProfileModeration,
    ProfileModerationOutcome, ProfileUpdate, QueueFilter, REPORTS_ON_MAX, Reason, ReasonCount,
    Report, ReportFilter, ReportGroup, ReportId, ReportResolution, ReportStatus, Target,
    TargetKind, TargetSummary, Thread, Thumbnail, UserProfile, UserSub, now_millis, scope_of,
};
use crate::ports::ContentStore;
use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};
use sqlx::AssertSqlSafe;
use std::collections::HashSet;

const DEFAULT_PAGE: u32 = 50;
const MAX_PAGE: u32 = 500;
/// Most notification ids one "mark read" call takes.
const MAX_MARK_IDS: usize = 500;
/// Most keys or subs one lookup takes.
const MAX_LOOKUP: usize = 1_000;
/// Rows per multi-row INSERT when importing (well under both dialects' bind limits). Each
/// batch length is a statement text of its own, so these are not kept prepared: a pooled
/// connection would hold every size it ran, megabytes after a seed, for its whole life.
const IMPORT_CHUNK: usize = 500;

// Listings select ids through the keyset index first and join the rows after ("deferred
// join"). Asked for whole rows directly, MariaDB may pick a plain `ref` on the filter column
// and read the index from its newest end, making page N cost N pages; the inner id-only query
// is always a range seek on the covering index. The posts listing instead names its index
// (`Dialect::use_index`), which gets the same seek without the derived table.
macro_rules! comment_cols_c {
    () => {
        "c.id, c.post_id, c.author_sub, c.body, c.status, c.created_at"
    };
}
macro_rules! report_cols_r {
    () => {
        "r.id, r.target_kind, r.target_id, r.reporter_sub, r.reason, r.note, r.status, r.created_at, r.resolved_by, r.resolved_at"
    };
}
macro_rules! profile_cols {
    () => {
        "sub, email, display_name, bio, profile_image_key, created_at, updated_at"
    };
}
macro_rules! post_cols {
    () => {
        "id, author_sub, body, image_key, status, created_at, updated_at"
    };
}
macro_rules! comment_cols {
    () => {
        "id, post_id, author_sub, body, status, created_at"
    };
}
macro_rules! report_cols {
    () => {
        "id, target_kind, target_id, reporter_sub, reason, note, status, created_at, resolved_by, resolved_at"
    };
}
macro_rules! audit_cols {
    () => {
        "id, actor, action, target_kind, target_id, reason, `before`, `after`, created_at"
    };
}
macro_rules! notification_cols {
    () => {
        "id, recipient_sub, kind, actor_sub, post_id, comment_id, created_at, read_at"
    };
}

type Tx = sqlx::Transaction<'static, Db>;

/// Decodes at most `limit` rows and, when more came back, makes a cursor from the last one
/// kept. Rows are taken as the database sent them: the one past the page only says that there
/// is a next page, so it is never decoded. A row no release writes (an unknown status, a
/// report naming `post abc`, written by hand) is left out of the page and said in its
/// `left_out` and the log, naming `what` and the row: one such row emptied every list that
/// showed it, and failed `GET /posts` for every caller.
fn page_from_rows<R, T>(
    rows: Vec<<Db as sqlx::Database>::Row>,
    limit: u32,
    what: &str,
    cursor_of: impl Fn(&R) -> Cursor,
) -> DomainResult<Page<T>>
where
    R: for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row>
        + super::InOrder<<Db as sqlx::Database>::Row>,
    T: TryFrom<R, Error = DomainError>,
{
    use sqlx::Row as _;
    let limit = limit as usize;
    let more = rows.len() > limit;
    let shown = &rows[..rows.len().min(limit)];
    let mut page = Page::new(Vec::with_capacity(shown.len()), None);
    // The rows of one result share their columns: checked once, then read by position.
    let in_order = <Db as Dialect>::VALUES_TAKE_COLUMN_TYPES
        && shown.first().is_some_and(|row| R::in_order(row.columns()));
    for (at, row) in shown.iter().enumerate() {
        let row = if in_order {
            R::from_row_in_order(row)
        } else {
            R::from_row(row)
        }
        .map_err(|e| map_sqlx(what, e))?;
        // From the row as stored: a page whose last row is left out still goes on after it.
        if more && at + 1 == shown.len() {
            page.next = Some(cursor_of(&row));
        }
        match T::try_from(row) {
            Ok(item) => page.items.push(item),
            Err(e) => {
                // What the row holds, without the kind of error every such row is.
                let why = e.detail();
                tracing::warn!(error = %why, "{what}: a row that cannot be read was left out");
                page.left_out.push(why);
            }
        }
    }
    Ok(page)
}

impl SqlContentStore<Db> {
    /// The statement `list_posts` runs for `filter`, with the keyset condition when `cursor`
    /// (public for the contract test that asks MariaDB how it runs each one). Binds, in
    /// order: status, author, text, since, until (those the filter sets), then the cursor's
    /// time twice and its id, then the limit.
    #[doc(hidden)]
    pub fn posts_listing_sql(filter: &PostFilter, cursor: bool) -> &'static str {
        // Seven choices make 128 statements, each written the first time it is asked for.
        static WRITTEN: [std::sync::OnceLock<String>; 128] =
            [const { std::sync::OnceLock::new() }; 128];
        let key = [
            filter.status.is_some(),
            filter.author.is_some(),
            filter.text.is_some(),
            filter.since.is_some(),
            filter.until.is_some(),
            filter.oldest_first,
            cursor,
        ]
        .into_iter()
        .fold(0usize, |key, set| key << 1 | usize::from(set));
        WRITTEN[key].get_or_init(|| Self::write_posts_listing_sql(filter, cursor))
    }

    fn write_posts_listing_sql(filter: &PostFilter, cursor: bool) -> String {
        // Whole rows straight from the keyset index the filter names. MariaDB left to choose
        // reads a status or author listing through a `ref` on that column from its newest
        // end, making page N cost N pages; told which index, it seeks the cursor's position
        // (a `range`) and reads one page. The posts listing is the API's hottest query, so it
        // does without the deferred join the other listings use (one derived table less).
        let index = if filter.author.is_some() {
            "posts_author_newest"
        } else if filter.status.is_some() {
            "posts_status_newest"
        } else {
            "posts_newest"
        };
        let mut sql = format!(
            "SELECT {} FROM posts{} WHERE 1 = 1",
            post_cols!(),
            Db::use_index(index)
        );
        if filter.status.is_some() {
            sql.push_str(" AND status = ?");
        }
        if filter.author.is_some() {
            sql.push_str(" AND author_sub = ?");
        }
        if filter.text.is_some() {
            sql.push_str(" AND body LIKE ? ESCAPE '!'");
        }
        if filter.since.is_some() {
            sql.push_str(" AND created_at >= ?");
        }
        if filter.until.is_some() {
            sql.push_str(" AND created_at < ?");
        }
        // Newest first by default; oldest first walks the same indexes the other way. "Before
        // (t, id)" is the range `created_at <= t` and, among the rows at `t` itself, `id < id'`.
        // That second part is a CASE, which the range optimizer leaves alone: written as
        // `created_at < t OR id < id'` (or with `created_at = t AND …`), MariaDB split the
        // range into two intervals and estimated each (two index dives, about 50 µs of
        // "Statistics" a page on the benchmark's machine), so every page behind a cursor cost
        // 10 to 14% more than page 1; with the CASE it plans the one interval, and checks the
        // CASE on the page's rows only.
        let (keyset, order) = if filter.oldest_first {
            (
                " AND created_at >= ? AND CASE WHEN created_at = ? THEN id > ? ELSE 1 END",
                " ORDER BY created_at ASC, id ASC LIMIT ?",
            )
        } else {
            (
                " AND created_at <= ? AND CASE WHEN created_at = ? THEN id < ? ELSE 1 END",
                " ORDER BY created_at DESC, id DESC LIMIT ?",
            )
        };
        if cursor {
            sql.push_str(keyset);
        }
        sql.push_str(order);
        sql
    }
}

impl SqlContentStore<Db> {
    async fn begin_write(&self, what: &str) -> DomainResult<Tx> {
        self.pool
            .begin_with(<Db as Dialect>::BEGIN_WRITE)
            .await
            .map_err(|e| map_sqlx(what, e))
    }

    /// Imports posts with their original times in one transaction; returns their ids in order.
    /// Meant for seeding and benchmarks, with no other writer at the same time.
    pub async fn import_posts(&self, posts: &[ImportPost]) -> DomainResult<Vec<PostId>> {
        let mut tx = self.begin_write("posts").await?;
        let mut ids = Vec::with_capacity(posts.len());
        for chunk in posts.chunks(IMPORT_CHUNK) {
            let mut sql = String::from(
                "INSERT INTO posts (author_sub, body, image_key, status, created_at, updated_at) VALUES ",
            );
            sql.push_str(&vec!["(?, ?, ?, ?, ?, ?)"; chunk.len()].join(", "));
            // A text of its own length per batch: not kept prepared (see `IMPORT_CHUNK`).
            let mut q = sqlx::query::<Db>(AssertSqlSafe(sql)).persistent(false);
            for p in chunk {
                q = q
                    .bind(p.author_sub.as_str().to_string())
                    .bind(p.body.clone())
                    .bind(p.image_key.clone())
                    .bind(p.status.as_str())
                    .bind(SqlTime(p.created_at.trunc_subsecs(3)))
                    .bind(SqlTime(p.created_at.trunc_subsecs(3)));
            }
            let result = q
                .execute(&mut *tx)
                .await
                .map_err(|e| map_sqlx("posts", e))?;
            ids.extend(
                inserted_range(&result, chunk.len())
                    .into_iter()
                    .map(PostId::new)
                    .collect::<Result<Vec<_>, _>>()?,
            );
        }
        tx.commit().await.map_err(|e| map_sqlx("posts", e))?;
        Ok(ids)
    }

    /// Imports comments with their original times in one transaction.
    pub async fn import_comments(&self, comments: &[ImportComment]) -> DomainResult<()> {
        let mut tx = self.begin_write("comments").await?;
        for chunk in comments.chunks(IMPORT_CHUNK) {
            let mut sql = String::from(
                "INSERT INTO comments (post_id, author_sub, body, status, created_at) VALUES ",
            );
            sql.push_str(&vec!["(?, ?, ?, ?, ?)"; chunk.len()].join(", "));
            // A text of its own length per batch: not kept prepared (see `IMPORT_CHUNK`).
            let mut q = sqlx::query::<Db>(AssertSqlSafe(sql)).persistent(false);
            for c in chunk {
                q = q
                    .bind(c.post_id.get())
                    .bind(c.author_sub.as_str().to_string())
                    .bind(c.body.clone())
                    .bind(c.status.as_str())
                    .bind(SqlTime(c.created_at.trunc_subsecs(3)));
            }
            q.execute(&mut *tx)
                .await
                .map_err(|e| map_sqlx("comments", e))?;
        }
        tx.commit().await.map_err(|e| map_sqlx("comments", e))
    }

    /// Imports open reports with their original times in one transaction.
    pub async fn import_reports(&self, reports: &[ImportReport]) -> DomainResult<()> {
        let mut tx = self.begin_write("reports").await?;
        for chunk in reports.chunks(IMPORT_CHUNK) {
            let mut sql = String::from(
                "INSERT INTO reports (target_kind, target_id, reporter_sub, reason, status, created_at) VALUES ",
            );
            sql.push_str(&vec!["(?, ?, ?, ?, 'open', ?)"; chunk.len()].join(", "));
            // A text of its own length per batch: not kept prepared (see `IMPORT_CHUNK`).
            let mut q = sqlx::query::<Db>(AssertSqlSafe(sql)).persistent(false);
            for r in chunk {
                q = q
                    .bind(r.target.kind().as_str())
                    .bind(r.target.id_text())
                    .bind(r.reporter_sub.as_str().to_string())
                    .bind(r.reason.clone())
                    .bind(SqlTime(r.created_at.trunc_subsecs(3)));
            }
            q.execute(&mut *tx)
                .await
                .map_err(|e| map_sqlx("reports", e))?;
        }
        tx.commit().await.map_err(|e| map_sqlx("reports", e))
    }

    /// Imports profiles as they were, in one transaction.
    pub async fn import_profiles(&self, profiles: &[ImportProfile]) -> DomainResult<()> {
        let mut tx = self.begin_write("users").await?;
        for chunk in profiles.chunks(IMPORT_CHUNK) {
            let mut sql =
                String::from(concat!("INSERT INTO users (", profile_cols!(), ") VALUES "));
            sql.push_str(&vec!["(?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", "));
            // A text of its own length per batch: not kept prepared (see `IMPORT_CHUNK`).
            let mut q = sqlx::query::<Db>(AssertSqlSafe(sql)).persistent(false);
            for p in chunk {
                q = q
                    .bind(p.sub.as_str().to_string())
                    .bind(p.email.clone())
                    .bind(p.display_name.clone())
                    .bind(p.bio.clone())
                    .bind(p.profile_image_key.clone())
                    .bind(SqlTime(p.created_at.trunc_subsecs(3)))
                    .bind(SqlTime(p.created_at.trunc_subsecs(3)));
            }
            q.execute(&mut *tx)
                .await
                .map_err(|e| map_sqlx("users", e))?;
        }
        tx.commit().await.map_err(|e| map_sqlx("users", e))
    }

    /// How many posts the table holds (for seeding checks and the benchmark).
    pub async fn count_posts(&self) -> DomainResult<i64> {
        sqlx::query_scalar::<Db, i64>("SELECT COUNT(*) FROM posts")
            .fetch_one(&self.pool)
            .await
            .map_err(|e| map_sqlx("posts", e))
    }

    async fn insert_audit(
        tx: &mut Tx,
        entry: &NewAuditEntry,
        at: DateTime<Utc>,
    ) -> DomainResult<AuditId> {
        let result = sqlx::query::<Db>(
            "INSERT INTO audit_log (actor, action, target_kind, target_id, reason, `before`, `after`, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(entry.actor.as_str())
        .bind(entry.action.as_str())
        .bind(entry.target_kind.as_str())
        .bind(entry.target_id.as_str())
        .bind(entry.reason.as_ref().map(|r| r.as_str()))
        .bind(entry.before.as_deref())
        .bind(entry.after.as_deref())
        .bind(SqlTime(at))
        .execute(&mut **tx)
        .await
        .map_err(|e| map_sqlx("audit log", e))?;
        Ok(AuditId::new(<Db as Dialect>::inserted_id(&result))?)
    }

    async fn moderate_once(&self, m: &Moderation) -> DomainResult<ModerationOutcome> {
        let (what, select, update) = match m.target {
            ModerationTarget::Post(id) => (
                format!("post {id}"),
                "SELECT status, author_sub FROM posts WHERE id = ?",
                "UPDATE posts SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
            ),
            ModerationTarget::Comment(id) => (
                format!("comment {id}"),
                "SELECT status, author_sub FROM comments WHERE id = ?",
                // Comments keep no updated_at; the audit row records when.
                "UPDATE comments SET status = ? WHERE id = ? AND status = ?",
            ),
        };
        let id = match m.target {
            ModerationTarget::Post(id) => id.get(),
            ModerationTarget::Comment(id) => id.get(),
        };
        let mut tx = self.begin_write(&what).await?;
        let current: Option<(String, String)> = sqlx::query_as::<Db, (String, String)>(select)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| map_sqlx(&what, e))?;
        let Some((current, author)) = current else {
            return Err(DomainError::not_found(what));
        };
        let before: ContentStatus = current
            .parse()
            .map_err(|e| DomainError::unexpected(format!("{what} has an unknown status"), e))?;
        if !m.action.applies_to(before) {
            return Err(DomainError::Conflict(format!("{what} is already {before}")));
        }
        if m.action == ModerationAction::Restore && before == ContentStatus::Removed {
            Self::refuse_restoring_an_authors_delete(&mut tx, m.target, &what).await?;
        }
        let after = m.action.target_status();
        let now = now_millis();
        let changed = match m.target {
            ModerationTarget::Post(_) => sqlx::query::<Db>(update)
                .bind(after.as_str())
                .bind(SqlTime(now))
                .bind(id)
                .bind(before.as_str()),
            ModerationTarget::Comment(_) => sqlx::query::<Db>(update)
                .bind(after.as_str())
                .bind(id)
                .bind(before.as_str()),
        }
        .execute(&mut *tx)
        .await
        .map_err(|e| map_sqlx(&what, e))?;
        if changed.rows_affected() != 1 {
            return Err(DomainError::Conflict(format!(
                "{what} was changed by someone else; reload it"
            )));
        }
        let target = Target::from(m.target);
        let entry = NewAuditEntry {
            actor: m.actor.clone(),
            action: AuditAction::moderation(m.target, m.action),
            target_kind: AuditKind::parse(target.kind().as_str()),
            target_id: target.id_text(),
            reason: Some(m.reason.clone()),
            // Whose content it was, in both (it does not change): the audit log names the
            // person a moderation was about, as it does for an account's rows.
            before: Some(serde_json::json!({ "status": before, "author": author }).to_string()),
            after: Some(serde_json::json!({ "status": after, "author": author }).to_string()),
        };
        let audit_id = Self::insert_audit(&mut tx, &entry, now).await?;
        tx.commit().await.map_err(|e| map_sqlx(&what, e))?;
        Ok(ModerationOutcome {
            target: m.target,
            before,
            after,
            audit_id,
        })
    }
}

impl SqlContentStore<Db> {
    /// Refuses a write by a blocked account inside the write's own transaction: the API's
    /// cached check may be up to 5 s old, and a request already past it must not land after
    /// the ban's sweep has read the author's content.
    async fn refuse_if_blocked(tx: &mut Tx, sub: &str) -> DomainResult<()> {
        let blocked = sqlx::query_scalar::<Db, i64>(<Db as Dialect>::BLOCK_LOCKED)
            .bind(sub)
            .fetch_optional(&mut **tx)
            .await
            .map_err(|e| map_sqlx("account block", e))?;
        if blocked.is_some_and(|b| b != 0) {
            return Err(DomainError::account_blocked(sub));
        }
        Ok(())
    }

    /// What its author deleted stays deleted: a restore is for a moderator's own removals.
    /// The latest removal's audit row says who removed it (an author's own delete is audited
    /// under their bare sub).
    async fn refuse_restoring_an_authors_delete(
        tx: &mut Tx,
        target: ModerationTarget,
        what: &str,
    ) -> DomainResult<()> {
        let (author_sql, id) = match target {
            ModerationTarget::Post(id) => ("SELECT author_sub FROM posts WHERE id = ?", id.get()),
            ModerationTarget::Comment(id) => {
                ("SELECT author_sub FROM comments WHERE id = ?", id.get())
            }
        };
        let author: String = sqlx::query_scalar::<Db, String>(author_sql)
            .bind(id)
            .fetch_one(&mut **tx)
            .await
            .map_err(|e| map_sqlx(what, e))?;
        let target_text = Target::from(target);
        let remover: Option<String> = sqlx::query_scalar::<Db, String>(
            "SELECT actor FROM audit_log WHERE target_kind = ? AND target_id = ? AND action = ? \
             ORDER BY id DESC LIMIT 1",
        )
        .bind(target_text.kind().as_str())
        .bind(target_text.id_text())
        .bind(AuditAction::moderation(target, ModerationAction::Remove).as_str())
        .fetch_optional(&mut **tx)
        .await
        .map_err(|e| map_sqlx(what, e))?;
        if remover.as_deref() == Some(author.as_str()) {
            return Err(DomainError::Conflict(format!(
                "{what} was deleted by its author and cannot be restored"
            )));
        }
        Ok(())
    }
}

impl SqlContentStore<Db> {
    /// The profile row as the write transaction sees it.
    async fn profile_in(tx: &mut Tx, sub: &UserSub) -> DomainResult<Option<UserProfile>> {
        let row = sqlx::query_as::<Db, ProfileRow>(concat!(
            "SELECT ",
            profile_cols!(),
            " FROM users WHERE sub = ?"
        ))
        .bind(sub.as_str())
        .fetch_optional(&mut **tx)
        .await
        .map_err(|e| map_sqlx("profile", e))?;
        row.map(TryInto::try_into).transpose()
    }

    async fn moderate_profile_once(
        &self,
        m: &ProfileModeration,
    ) -> DomainResult<ProfileModerationOutcome> {
        if m.set.is_empty() {
            return Err(DomainError::invalid("fields", "name at least one field"));
        }
        let what = format!("profile {}", m.sub);
        let mut tx = self.begin_write(&what).await?;
        let before = Self::profile_in(&mut tx, &m.sub)
            .await?
            .ok_or_else(|| DomainError::not_found(what.clone()))?;
        for (field, value) in &m.expected {
            if field.value(&before) != value.as_deref() {
                return Err(DomainError::Conflict(format!(
                    "the {} of {what} changed since; nothing was written",
                    field.label()
                )));
            }
        }
        let column = |f: ProfileField| match f {
            ProfileField::DisplayName => "display_name",
            ProfileField::Bio => "bio",
            ProfileField::ProfileImage => "profile_image_key",
        };
        let mut sql = String::from("UPDATE users SET ");
        for (field, _) in &m.set {
            sql.push_str(column(*field));
            sql.push_str(" = ?, ");
        }
        sql.push_str("updated_at = ? WHERE sub = ? AND updated_at = ?");
        let now = now_millis();
        let mut q = sqlx::query::<Db>(AssertSqlSafe(sql));
        for (_, value) in &m.set {
            q = q.bind(value.clone());
        }
        let changed = q
            .bind(SqlTime(now))
            .bind(m.sub.as_str())
            .bind(SqlTime(before.updated_at))
            .execute(&mut *tx)
            .await
            .map_err(|e| map_sqlx(&what, e))?;
        if changed.rows_affected() != 1 {
            return Err(DomainError::Conflict(format!(
                "{what} was changed by someone else; reload it"
            )));
        }
        let mut after = before.clone();
        let snapshot = |p: &UserProfile| {
            let fields: serde_json::Map<String, serde_json::Value> = m
                .set
                .iter()
                .map(|(f, _)| (f.as_str().to_string(), serde_json::json!(f.value(p))))
                .collect();
            serde_json::Value::Object(fields).to_string()
        };
        for (field, value) in &m.set {
            let slot = match field {
                ProfileField::DisplayName => &mut after.display_name,
                ProfileField::Bio => &mut after.bio,
                ProfileField::ProfileImage => &mut after.profile_image_key,
            };
            slot.clone_from(value);
        }
        after.updated_at = now;
        let entry = NewAuditEntry {
            actor: m.actor.clone(),
            action: m.action.clone(),
            target_kind: AuditKind::User,
            target_id: m.sub.to_string(),
            reason: Some(m.reason.clone()),
            before: Some(snapshot(&before)),
            after: Some(snapshot(&after)),
        };
        let audit_id = Self::insert_audit(&mut tx, &entry, now).await?;
        tx.commit().await.map_err(|e| map_sqlx(&what, e))?;
        Ok(ProfileModerationOutcome {
            before,
            after,
            audit_id,
        })
    }

    async fn delete_profile_once(
        &self,
        sub: &UserSub,
        actor: &Actor,
        reason: &Reason,
    ) -> DomainResult<Option<AuditId>> {
        let what = format!("profile {sub}");
        let mut tx = self.begin_write(&what).await?;
        let Some(before) = Self::profile_in(&mut tx, sub).await? else {
            return Ok(None);
        };
        sqlx::query::<Db>("DELETE FROM users WHERE sub = ?")
            .bind(sub.as_str())
            .execute(&mut *tx)
            .await
            .map_err(|e| map_sqlx(&what, e))?;
        // Which fields the row held, never their values: the deletion is of those values.
        let held: Vec<&str> = [
            ("email", before.email.is_some()),
            ("display_name", before.display_name.is_some()),
            ("bio", before.bio.is_some()),
            ("profile_image", before.profile_image_key.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, held)| held.then_some(name))
        .collect();
        let entry = NewAuditEntry {
            actor: actor.clone(),
            action: AuditAction::ProfileDelete,
            target_kind: AuditKind::User,
            target_id: sub.to_string(),
            reason: Some(reason.clone()),
            before: Some(serde_json::json!({ "held": held }).to_string()),
            after: None,
        };
        let now = now_millis();
        let id = Self::insert_audit(&mut tx, &entry, now).await?;
        tx.commit().await.map_err(|e| map_sqlx(&what, e))?;
        Ok(Some(id))
    }
}

/// The ids a multi-row INSERT generated, oldest first.
fn inserted_range(result: &<Db as sqlx::Database>::QueryResult, rows: usize) -> Vec<i64> {
    let first = <Db as Dialect>::first_inserted_id(result, rows);
    (first..first + rows as i64).collect()
}

/// `targets`' ids grouped by kind (posts, comments, users; kinds with none left out), for one
/// `IN` list each; more than [`MAX_LOOKUP`] targets is refused.
fn ids_by_kind(targets: &[Target]) -> DomainResult<Vec<(TargetKind, Vec<String>)>> {
    if targets.len() > MAX_LOOKUP {
        return Err(DomainError::invalid(
            "targets",
            format!("at most {MAX_LOOKUP} a call"),
        ));
    }
    Ok([TargetKind::Post, TargetKind::Comment, TargetKind::User]
        .into_iter()
        .map(|kind| {
            let ids: Vec<String> = targets
                .iter()
                .filter(|t| t.kind() == kind)
                .map(Target::id_text)
                .collect();
            (kind, ids)
        })
        .filter(|(_, ids)| !ids.is_empty())
        .collect())
}

#[async_trait]
impl ContentStore for SqlContentStore<Db> {
    async fn get_profile(&self, sub: &UserSub) -> DomainResult<UserProfile> {
        let row = sqlx::query_as::<Db, ProfileRow>(concat!(
            "SELECT ",
            profile_cols!(),
            " FROM users WHERE sub = ?"
        ))
        .bind(sub.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| map_sqlx("profile", e))?;
        row.ok_or_else(|| DomainError::not_found(format!("profile {sub}")))?
            .try_into()
    }

    async fn get_profiles(&self, subs: &[UserSub]) -> DomainResult<Vec<UserProfile>> {
        if subs.is_empty() {
            return Ok(Vec::new());
        }
        if subs.len() > MAX_LOOKUP {
            return Err(DomainError::invalid(
                "subs",
                format!("at most {MAX_LOOKUP} a call"),
            ));
        }
        let marks = vec!["?"; subs.len()].join(", ");
        let sql = format!(
            concat!("SELECT ", profile_cols!(), " FROM users WHERE sub IN ({})"),
            marks
        );
        let mut q = sqlx::query_as::<Db, ProfileRow>(AssertSqlSafe(sql));
        for sub in subs {
            q = q.bind(sub.as_str());
        }
        let rows = q
            .fetch_all(&self.pool)
            .await
            .map_err(|e| map_sqlx("profiles", e))?;
        convert_all(rows)
    }

    async fn search_profiles(
        &self,
        text: &str,
        page: PageRequest,
    ) -> DomainResult<Page<UserProfile>> {
        let limit = page.limit_or(DEFAULT_PAGE, MAX_PAGE);
        let scope = scope_of("profile-search", &text.to_lowercase());
        let after: String = page
            .cursor
            .as_ref()
            .map(|c| c.decode(&scope))
            .transpose()?
            .unwrap_or_default();
        let rows = sqlx::query::<Db>(concat!(
            "SELECT ",
            profile_cols!(),
            " FROM users WHERE LOWER(display_name) LIKE ? ESCAPE '!' AND sub > ? ORDER BY sub LIMIT ?"
        ))
        .bind(like_contains(&text.to_lowercase()))
        .bind(after)
        .bind(i64::from(limit) + 1)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| map_sqlx("profiles", e))?;
        page_from_rows(rows, limit, "profiles", |r: &ProfileRow| {
            Cursor::encode(&scope, &r.sub)
        })
    }

    async fn upsert_profile(&self, profile: &NewProfile) -> DomainResult<UserProfile> {
        let now = now_millis();
        sqlx::query::<Db>(<Db as Dialect>::UPSERT_PROFILE)
            .bind(profile.sub.as_str())
            .bind(profile.email.as_ref().map(|e| e.as_str()))
            .bind(profile.display_name.as_ref().map(|n| n.as_str()))
            .bind(SqlTime(now))
            .bind(SqlTime(now))
            .execute(&self.pool)
            .await
            .map_err(|e| map_sqlx("profile", e))?;
        self.get_profile(&profile.sub).await
    }

    async fn update_profile(
        &self,
        sub: &UserSub,
        update: &ProfileUpdate,
    ) -> DomainResult<UserProfile> {
        let mut tx = self.begin_write("profile").await?;
        Self::refuse_if_blocked(&mut tx, sub.as_str()).await?;
        let (set_image, image) = match &update.profile_image_key {
            None => (false, None),
            Some(key) => (true, key.as_ref().map(|k| k.as_str())),
        };
        let now = now_millis();
        let mut created = false;
        loop {
            let result = sqlx::query::<Db>(
                "UPDATE users SET display_name = COALESCE(?, display_name), \
                 bio = COALESCE(?, bio), \
                 profile_image_key = CASE WHEN ? THEN ? ELSE profile_image_key END, \
                 updated_at = ? WHERE sub = ?",
            )
            .bind(update.display_name.as_ref().map(|n| n.as_str()))
            .bind(update.bio.as_ref().map(|b| b.as_str()))
            .bind(set_image)
            .bind(image)
            .bind(SqlTime(now))
            .bind(sub.as_str())
            .execute(&mut *tx)
            .await
            .map_err(|e| map_sqlx("profile", e))?;
            if result.rows_affected() > 0 {
                break;
            }
            if created {
                return Err(DomainError::not_found(format!("profile {sub}")));
            }
            // No row yet: make an empty one (a concurrent sign-up trigger's row is kept, its
            // e-mail and name included) and write the edit onto it.
            sqlx::query::<Db>(<Db as Dialect>::UPSERT_PROFILE)
                .bind(sub.as_str())
                .bind(None::<&str>)
                .bind(None::<&str>)
                .bind(SqlTime(now))
                .bind(SqlTime(now))
                .execute(&mut *tx)
                .await
                .map_err(|e| map_sqlx("profile", e))?;
            created = true;
        }
        tx.commit().await.map_err(|e| map_sqlx("profile", e))?;
        self.get_profile(sub).await
    }

    async fn moderate_profile(
        &self,
        moderation: &ProfileModeration,
    ) -> DomainResult<ProfileModerationOutcome> {
        self.moderate_profile_once(moderation).await
    }

    async fn delete_profile(
        &self,
        sub: &UserSub,
        actor: &Actor,
        reason: &Reason,
    ) -> DomainResult<Option<AuditId>> {
        self.delete_profile_once(sub, actor, reason).await
    }

    async fn create_post(&self, post: &NewPost) -> DomainResult<Post> {
        let now = now_millis();
        let mut tx = self.begin_write("post").await?;
        Self::refuse_if_blocked(&mut tx, post.author_sub.as_str()).await?;
        let result = sqlx::query::<Db>(
            "INSERT INTO posts (author_sub, body, image_key, status, created_at, updated_at) VALUES (?, ?, ?, 'visible', ?, ?)",
        )
        .bind(post.author_sub.as_str())
        .bind(post.body.as_str())
        .bind(post.image_key.as_ref().map(|k| k.as_str()))
        .bind(SqlTime(now))
        .bind(SqlTime(now))
        .execute(&mut *tx)
        .await
        .map_err(|e| map_sqlx("post", e))?;
        tx.commit().await.map_err(|e| map_sqlx("post", e))?;
        self.get_post(PostId::new(<Db as Dialect>::inserted_id(&result))?)
            .await
    }

    async fn get_post(&self, id: PostId) -> DomainResult<Post> {
        let row = sqlx::query_as::<Db, PostRow>(concat!(
            "SELECT ",
            post_cols!(),
            " FROM posts WHERE id = ?"
        ))
        .bind(id.get())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| map_sqlx("post", e))?;
        row.ok_or_else(|| DomainError::not_found(format!("post {id}")))?
            .try_into()
    }

    async fn edit_post(&self, id: PostId, edit: &PostEdit) -> DomainResult<Post> {
        let what = format!("post {id}");
        let (set_image, image) = match &edit.image_key {
            None => (false, None),
            Some(key) => (true, key.as_ref().map(|k| k.as_str())),
        };
        let mut tx = self.begin_write(&what).await?;
        let current = sqlx::query_as::<Db, (String, String, Option<String>, String)>(
            <Db as Dialect>::POST_FOR_EDIT,
        )
        .bind(id.get())
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| map_sqlx(&what, e))?;
        let Some((status, body, image_key, author)) = current else {
            return Err(DomainError::not_found(what));
        };
        // Only its author edits a post (the API checks the caller).
        Self::refuse_if_blocked(&mut tx, &author).await?;
        // An edit must not launder what a moderator hid or is about to read.
        match status.as_str() {
            "removed" => return Err(DomainError::not_found(what)),
            "hidden" => {
                return Err(DomainError::Conflict(format!(
                    "{what} was hidden by a moderator and cannot be edited"
                )));
            }
            _ => {}
        }
        let open: i64 = sqlx::query_scalar::<Db, i64>(<Db as Dialect>::OPEN_POST_REPORTS_LOCKED)
            .bind(id.to_string())
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| map_sqlx(&what, e))?;
        if open > 0 {
            return Err(DomainError::Conflict(format!(
                "{what} has open reports and cannot be edited until a moderator has reviewed them"
            )));
        }
        // An edit that changes nothing leaves no revision and no new edit time.
        let same_body = edit.body.as_ref().is_none_or(|b| b.as_str() == body);
        let same_image = !set_image || image == image_key.as_deref();
        if same_body && same_image {
            tx.rollback().await.map_err(|e| map_sqlx(&what, e))?;
            return self.get_post(id).await;
        }
        let now = now_millis();
        sqlx::query::<Db>(
            "INSERT INTO post_edits (post_id, body, image_key, replaced_at) VALUES (?, ?, ?, ?)",
        )
        .bind(id.get())
        .bind(body)
        .bind(image_key)
        .bind(SqlTime(now))
        .execute(&mut *tx)
        .await
        .map_err(|e| map_sqlx(&what, e))?;
        sqlx::query::<Db>(
            "UPDATE posts SET body = COALESCE(?, body), image_key = CASE WHEN ? THEN ? ELSE image_key END, \
             updated_at = ? WHERE id = ?",
        )
        .bind(edit.body.as_ref().map(|b| b.as_str()))
        .bind(set_image)
        .bind(image)
        .bind(SqlTime(now))
        .bind(id.get())
        .execute(&mut *tx)
        .await
        .map_err(|e| map_sqlx(&what, e))?;
        tx.commit().await.map_err(|e| map_sqlx(&what, e))?;
        self.get_post(id).await
    }

    async fn post_history(&self, id: PostId) -> DomainResult<Vec<PostRevision>> {
        let rows = sqlx::query_as::<Db, (String, Option<String>, DateTime<Utc>)>(
            "SELECT body, image_key, replaced_at FROM post_edits WHERE post_id = ? \
             ORDER BY id DESC LIMIT ?",
        )
        .bind(id.get())
        .bind(i64::from(MAX_PAGE))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| map_sqlx("post history", e))?;
        Ok(rows
            .into_iter()
            .map(|(body, image_key, replaced_at)| PostRevision {
                post_id: id,
                body,
                image_key,
                replaced_at,
            })
            .collect())
    }

    async fn list_posts(&self, filter: &PostFilter, page: PageRequest) -> DomainResult<Page<Post>> {
        let limit = page.limit_or(DEFAULT_PAGE, MAX_PAGE);
        let scope = scope_of("posts", filter);
        let after: Option<(i64, i64)> =
            page.cursor.as_ref().map(|c| c.decode(&scope)).transpose()?;
        // Only fixed fragments are ever concatenated into it; every value is bound.
        let mut q = sqlx::query::<Db>(Self::posts_listing_sql(filter, after.is_some()));
        if let Some(status) = filter.status {
            q = q.bind(status.as_str());
        }
        if let Some(author) = &filter.author {
            q = q.bind(author.as_str().to_string());
        }
        if let Some(text) = &filter.text {
            q = q.bind(like_contains(text));
        }
        if let Some(since) = filter.since {
            q = q.bind(SqlTime(since));
        }
        if let Some(until) = filter.until {
            q = q.bind(SqlTime(until));
        }
        if let Some((at, id)) = after {
            let at = from_millis(at)?;
            q = q.bind(SqlTime(at)).bind(SqlTime(at)).bind(id);
        }
        let rows = q
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| map_sqlx("posts", e))?;
        page_from_rows(rows, limit, "posts", |r: &PostRow| {
            Cursor::encode(&scope, &(to_millis(r.created_at.0), r.id))
        })
    }

    async fn create_comment(&self, comment: &NewComment) -> DomainResult<Comment> {
        let what = format!("post {}", comment.post_id);
        let mut tx = self.begin_write(&what).await?;
        Self::refuse_if_blocked(&mut tx, comment.author_sub.as_str()).await?;
        let post_author: Option<String> =
            sqlx::query_scalar::<Db, String>(<Db as Dialect>::VISIBLE_POST_AUTHOR_LOCKED)
                .bind(comment.post_id.get())
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| map_sqlx(&what, e))?;
        let Some(post_author) = post_author else {
            return Err(DomainError::not_found(what));
        };
        let now = now_millis();
        let result = sqlx::query::<Db>(
            "INSERT INTO comments (post_id, author_sub, body, status, created_at) VALUES (?, ?, ?, 'visible', ?)",
        )
        .bind(comment.post_id.get())
        .bind(comment.author_sub.as_str())
        .bind(comment.body.as_str())
        .bind(SqlTime(now))
        .execute(&mut *tx)
        .await
        .map_err(|e| map_sqlx("comment", e))?;
        let id = CommentId::new(<Db as Dialect>::inserted_id(&result))?;
        if post_author != comment.author_sub.as_str() {
            sqlx::query::<Db>(
                "INSERT INTO notifications (recipient_sub, kind, actor_sub, post_id, comment_id, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(post_author)
            .bind(NotificationKind::Comment.as_str())
            .bind(comment.author_sub.as_str())
            .bind(comment.post_id.get())
            .bind(id.get())
            .bind(SqlTime(now))
            .execute(&mut *tx)
            .await
            .map_err(|e| map_sqlx("notification", e))?;
        }
        tx.commit().await.map_err(|e| map_sqlx("comment", e))?;
        self.get_comment(id).await
    }

    async fn get_comment(&self, id: CommentId) -> DomainResult<Comment> {
        let row = sqlx::query_as::<Db, CommentRow>(concat!(
            "SELECT ",
            comment_cols!(),
            " FROM comments WHERE id = ?"
        ))
        .bind(id.get())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| map_sqlx("comment", e))?;
        row.ok_or_else(|| DomainError::not_found(format!("comment {id}")))?
            .try_into()
    }

    async fn list_comments(
        &self,
        filter: &CommentFilter,
        page: PageRequest,
    ) -> DomainResult<Page<Comment>> {
        let limit = page.limit_or(DEFAULT_PAGE, MAX_PAGE);
        let scope = scope_of("comments", filter);
        let after: Option<(i64, i64)> =
            page.cursor.as_ref().map(|c| c.decode(&scope)).transpose()?;
        // A thread reads oldest first; other listings show the newest first.
        let oldest_first = filter.post.is_some();
        let mut sql = String::from(concat!(
            "SELECT ",
            comment_cols_c!(),
            " FROM comments c JOIN (SELECT id FROM comments WHERE 1 = 1"
        ));
        if filter.post.is_some() {
            sql.push_str(" AND post_id = ?");
        }
        if filter.author.is_some() {
            sql.push_str(" AND author_sub = ?");
        }
        if filter.status.is_some() {
            sql.push_str(" AND status = ?");
        }
        if after.is_some() {
            sql.push_str(if oldest_first {
                " AND created_at >= ? AND (created_at > ? OR (created_at = ? AND id > ?))"
            } else {
                " AND created_at <= ? AND (created_at < ? OR (created_at = ? AND id < ?))"
            });
        }
        sql.push_str(if oldest_first {
            " ORDER BY created_at ASC, id ASC LIMIT ?) k ON k.id = c.id ORDER BY c.created_at ASC, c.id ASC"
        } else {
            " ORDER BY created_at DESC, id DESC LIMIT ?) k ON k.id = c.id ORDER BY c.created_at DESC, c.id DESC"
        });
        let mut q = sqlx::query::<Db>(AssertSqlSafe(sql));
        if let Some(post) = filter.post {
            q = q.bind(post.get());
        }
        if let Some(author) = &filter.author {
            q = q.bind(author.as_str().to_string());
        }
        if let Some(status) = filter.status {
            q = q.bind(status.as_str());
        }
        if let Some((at, id)) = after {
            let at = from_millis(at)?;
            q = q
                .bind(SqlTime(at))
                .bind(SqlTime(at))
                .bind(SqlTime(at))
                .bind(id);
        }
        let rows = q
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| map_sqlx("comments", e))?;
        page_from_rows(rows, limit, "comments", |r: &CommentRow| {
            Cursor::encode(&scope, &(to_millis(r.created_at.0), r.id))
        })
    }

    async fn thread(&self, post: PostId, page: PageRequest) -> DomainResult<Thread> {
        let post = self.get_post(post).await?;
        let filter = CommentFilter {
            post: Some(post.id),
            ..CommentFilter::default()
        };
        let comments = self.list_comments(&filter, page).await?;
        Ok(Thread { post, comments })
    }

    async fn file_report(&self, report: &NewReport) -> DomainResult<Report> {
        let what = report.target.to_string();
        let mut tx = self.begin_write("report").await?;
        Self::refuse_if_blocked(&mut tx, report.reporter_sub.as_str()).await?;
        let exists_sql = match report.target {
            Target::Post(_) => Some("SELECT COUNT(*) FROM posts WHERE id = ?"),
            Target::Comment(_) => Some("SELECT COUNT(*) FROM comments WHERE id = ?"),
            Target::User(_) => None,
        };
        if let Some(sql) = exists_sql {
            let id = match report.target {
                Target::Post(id) => id.get(),
                Target::Comment(id) => id.get(),
                Target::User(_) => 0,
            };
            let found = sqlx::query_scalar::<Db, i64>(sql)
                .bind(id)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| map_sqlx(&what, e))?;
            if found == 0 {
                return Err(DomainError::not_found(what));
            }
        }
        let already = sqlx::query_scalar::<Db, i64>(
            "SELECT COUNT(*) FROM reports WHERE target_kind = ? AND target_id = ? AND reporter_sub = ? AND status = 'open'",
        )
        .bind(report.target.kind().as_str())
        .bind(report.target.id_text())
        .bind(report.reporter_sub.as_str())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| map_sqlx("reports", e))?;
        if already > 0 {
            return Err(DomainError::Conflict(format!(
                "{what} is already reported by this user"
            )));
        }
        let result = sqlx::query::<Db>(
            "INSERT INTO reports (target_kind, target_id, reporter_sub, reason, note, status, created_at) \
             VALUES (?, ?, ?, ?, ?, 'open', ?)",
        )
        .bind(report.target.kind().as_str())
        .bind(report.target.id_text())
        .bind(report.reporter_sub.as_str())
        .bind(report.reason.as_str())
        .bind(report.note.as_ref().map(|n| n.as_str()))
        .bind(SqlTime(now_millis()))
        .execute(&mut *tx)
        .await
        .map_err(|e| match map_sqlx("report", e) {
            // Another report by the same user on the same target won the race.
            DomainError::Conflict(_) => {
                DomainError::Conflict(format!("{what} is already reported by this user"))
            }
            other => other,
        })?;
        let id = ReportId::new(<Db as Dialect>::inserted_id(&result))?;
        tx.commit().await.map_err(|e| map_sqlx("report", e))?;
        self.get_report(id).await
    }

    async fn get_report(&self, id: ReportId) -> DomainResult<Report> {
        let row = sqlx::query_as::<Db, ReportRow>(concat!(
            "SELECT ",
            report_cols!(),
            " FROM reports WHERE id = ?"
        ))
        .bind(id.get())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| map_sqlx("report", e))?;
        row.ok_or_else(|| DomainError::not_found(format!("report {id}")))?
            .try_into()
    }

    async fn list_reports(
        &self,
        filter: &ReportFilter,
        page: PageRequest,
    ) -> DomainResult<Page<Report>> {
        let limit = page.limit_or(DEFAULT_PAGE, MAX_PAGE);
        let scope = scope_of("reports", filter);
        let after: Option<(i64, i64)> =
            page.cursor.as_ref().map(|c| c.decode(&scope)).transpose()?;
        let mut sql = String::from(concat!(
            "SELECT ",
            report_cols_r!(),
            " FROM reports r JOIN (SELECT id FROM reports WHERE 1 = 1"
        ));
        if filter.status.is_some() {
            sql.push_str(" AND status = ?");
        }
        if filter.target.is_some() {
            sql.push_str(" AND target_kind = ? AND target_id = ?");
        }
        if filter.reporter.is_some() {
            sql.push_str(" AND reporter_sub = ?");
        }
        if after.is_some() {
            sql.push_str(
                " AND created_at <= ? AND (created_at < ? OR (created_at = ? AND id < ?))",
            );
        }
        sql.push_str(
            " ORDER BY created_at DESC, id DESC LIMIT ?) k ON k.id = r.id ORDER BY r.created_at DESC, r.id DESC",
        );
        let mut q = sqlx::query::<Db>(AssertSqlSafe(sql));
        if let Some(status) = filter.status {
            q = q.bind(status.as_str());
        }
        if let Some(target) = &filter.target {
            q = q.bind(target.kind().as_str()).bind(target.id_text());
        }
        if let Some(reporter) = &filter.reporter {
            q = q.bind(reporter.as_str().to_string());
        }
        if let Some((at, id)) = after {
            let at = from_millis(at)?;
            q = q
                .bind(SqlTime(at))
                .bind(SqlTime(at))
                .bind(SqlTime(at))
                .bind(id);
        }
        let rows = q
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| map_sqlx("reports", e))?;
        page_from_rows(rows, limit, "reports", |r: &ReportRow| {
            Cursor::encode(&scope, &(to_millis(r.created_at), r.id))
        })
    }

    async fn reports_on(&self, targets: &[Target]) -> DomainResult<Page<Report>> {
        // One `IN` list per kind, each a range on `reports_target`; only placeholders and the
        // kinds' fixed names are put into the text.
        let kinds = ids_by_kind(targets)?;
        if kinds.is_empty() {
            return Ok(Page::empty());
        }
        let wanted: Vec<String> = kinds
            .iter()
            .map(|(_, ids)| {
                format!(
                    "(target_kind = ? AND target_id IN ({}))",
                    vec!["?"; ids.len()].join(", ")
                )
            })
            .collect();
        let sql = format!(
            "SELECT {} FROM reports WHERE {} ORDER BY created_at DESC, id DESC LIMIT ?",
            report_cols!(),
            wanted.join(" OR ")
        );
        let mut q = sqlx::query::<Db>(AssertSqlSafe(sql));
        for (kind, ids) in &kinds {
            q = q.bind(kind.as_str());
            for id in ids {
                q = q.bind(id.clone());
            }
        }
        let rows = q
            .bind(i64::from(REPORTS_ON_MAX))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| map_sqlx("reports", e))?;
        // One page of them all (there is no next): a report no release writes is left out and
        // said, as in every listing (the thread it was about could not be opened at all).
        let all = u32::try_from(rows.len()).unwrap_or(u32::MAX);
        page_from_rows(rows, all, "reports", |_: &ReportRow| {
            Cursor::encode("reports-on", &())
        })
    }

    async fn report_queue(
        &self,
        filter: &QueueFilter,
        page: PageRequest,
    ) -> DomainResult<Page<ReportGroup>> {
        let limit = page.limit_or(DEFAULT_PAGE, MAX_PAGE);
        // The unfiltered queue keeps its scope, so its cursors read as before filters existed.
        let scope = if filter.is_empty() {
            "report-queue".to_string()
        } else {
            scope_of("report-queue", filter)
        };
        let after: Option<(i64, i64, String, String)> =
            page.cursor.as_ref().map(|c| c.decode(&scope)).transpose()?;
        let mut sql = String::from(
            "SELECT target_kind, target_id, COUNT(*) AS open_reports, MIN(created_at) AS oldest_open_at, \
             MAX(created_at) AS latest_open_at, MAX(id) AS latest_open_id FROM reports WHERE status = 'open'",
        );
        if filter.kind.is_some() {
            sql.push_str(" AND target_kind = ?");
        }
        sql.push_str(" GROUP BY target_kind, target_id HAVING 1 = 1");
        // A target is listed when one of its open reports gives the reason; it is counted
        // whole, as the moderator will judge it.
        if filter.reason.is_some() {
            sql.push_str(" AND SUM(CASE WHEN reason LIKE ? ESCAPE '!' THEN 1 ELSE 0 END) > 0");
        }
        if after.is_some() {
            sql.push_str(
                " AND (COUNT(*) < ? OR (COUNT(*) = ? AND (MIN(created_at) > ? OR (MIN(created_at) = ? AND \
                 (target_kind > ? OR (target_kind = ? AND target_id > ?))))))",
            );
        }
        sql.push_str(" ORDER BY open_reports DESC, oldest_open_at ASC, target_kind ASC, target_id ASC LIMIT ?");
        let mut q = sqlx::query::<Db>(AssertSqlSafe(sql));
        if let Some(kind) = filter.kind {
            q = q.bind(kind.as_str());
        }
        if let Some(reason) = &filter.reason {
            q = q.bind(like_contains(reason));
        }
        if let Some((count, oldest, kind, id)) = after {
            let oldest = from_millis(oldest)?;
            q = q
                .bind(count)
                .bind(count)
                .bind(SqlTime(oldest))
                .bind(SqlTime(oldest))
                .bind(kind.clone())
                .bind(kind)
                .bind(id);
        }
        let rows = q
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| map_sqlx("report queue", e))?;
        let cursor_of = |r: &ReportGroupRow| {
            Cursor::encode(
                &scope,
                &(
                    r.open_reports,
                    to_millis(r.oldest_open_at),
                    r.target_kind.clone(),
                    r.target_id.clone(),
                ),
            )
        };
        page_from_rows(rows, limit, "report queue", cursor_of)
    }

    async fn summarize_targets(&self, targets: &[Target]) -> DomainResult<Vec<TargetSummary>> {
        if targets.len() > MAX_LOOKUP {
            return Err(DomainError::invalid(
                "targets",
                format!("at most {MAX_LOOKUP} a call"),
            ));
        }
        let mut out = Vec::with_capacity(targets.len());
        let ids_of = |kind: TargetKind| -> Vec<String> {
            targets
                .iter()
                .filter(|t| t.kind() == kind)
                .map(Target::id_text)
                .collect()
        };
        for (kind, table) in [
            (TargetKind::Post, "posts"),
            (TargetKind::Comment, "comments"),
        ] {
            let ids = ids_of(kind);
            if ids.is_empty() {
                continue;
            }
            let marks = vec!["?"; ids.len()].join(", ");
            // Only placeholders and a fixed table name are put into the text; every id is bound.
            // One character past the excerpt says whether the text goes on.
            let sql = format!(
                "SELECT id, author_sub, SUBSTR(body, 1, {}), status FROM {table} WHERE id IN ({marks})",
                EXCERPT_CHARS + 1
            );
            let mut q = sqlx::query_as::<Db, (i64, String, String, String)>(AssertSqlSafe(sql));
            for id in &ids {
                q = q.bind(id.parse::<i64>().unwrap_or(0));
            }
            for (id, author, excerpt, status) in q
                .fetch_all(&self.pool)
                .await
                .map_err(|e| map_sqlx(table, e))?
            {
                let target = Target::from_parts(kind, &id.to_string())?;
                // A value no release writes (a status set by hand, or by a newer release) is
                // left unknown in the summary and logged: the queue's page failed whole for it.
                let author_sub = UserSub::parse(&author).ok();
                let status = status.parse().ok();
                if author_sub.is_none() || status.is_none() {
                    tracing::warn!(
                        "{table} row {id}: a status or author no release writes; summarised without it"
                    );
                }
                out.push(TargetSummary {
                    target,
                    author_sub,
                    excerpt: excerpt_of(excerpt),
                    status,
                });
            }
        }
        let users: Vec<UserSub> = targets
            .iter()
            .filter_map(|t| match t {
                Target::User(sub) => Some(sub.clone()),
                _ => None,
            })
            .collect();
        for p in self.get_profiles(&users).await? {
            out.push(TargetSummary {
                target: Target::User(p.sub.clone()),
                excerpt: p.display_name.clone().unwrap_or_default(),
                author_sub: Some(p.sub),
                status: None,
            });
        }
        Ok(out)
    }

    async fn open_reasons(
        &self,
        targets: &[Target],
    ) -> DomainResult<Vec<(Target, Vec<ReasonCount>)>> {
        let mut out: Vec<(Target, Vec<ReasonCount>)> = Vec::new();
        for (kind, ids) in ids_by_kind(targets)? {
            let marks = vec!["?"; ids.len()].join(", ");
            let sql = format!(
                "SELECT target_id, reason, COUNT(*) FROM reports WHERE status = 'open' AND target_kind = ? \
                 AND target_id IN ({marks}) GROUP BY target_id, reason ORDER BY target_id, COUNT(*) DESC, reason"
            );
            let mut q =
                sqlx::query_as::<Db, (String, String, i64)>(AssertSqlSafe(sql)).bind(kind.as_str());
            for id in &ids {
                q = q.bind(id.as_str());
            }
            for (id, reason, count) in q
                .fetch_all(&self.pool)
                .await
                .map_err(|e| map_sqlx("reports", e))?
            {
                let target = Target::from_parts(kind, &id)?;
                match out.last_mut() {
                    Some((t, reasons)) if *t == target => {
                        reasons.push(ReasonCount { reason, count })
                    }
                    _ => out.push((target, vec![ReasonCount { reason, count }])),
                }
            }
        }
        Ok(out)
    }

    async fn resolve_report(
        &self,
        id: ReportId,
        resolution: ReportResolution,
        actor: &Actor,
        reason: &Reason,
    ) -> DomainResult<Report> {
        let what = format!("report {id}");
        let mut tx = self.begin_write(&what).await?;
        let current: Option<(String, String, String)> =
            sqlx::query_as::<Db, (String, String, String)>(
                "SELECT status, target_kind, target_id FROM reports WHERE id = ?",
            )
            .bind(id.get())
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| map_sqlx(&what, e))?;
        let Some((current, target_kind, target_id)) = current else {
            return Err(DomainError::not_found(what));
        };
        // What was reported, beside the status: the row's target is the report, and
        // `report.actioned report 1` said nothing of the post it was about.
        let on = format!("{target_kind} {target_id}");
        if current != ReportStatus::Open.as_str() {
            return Err(DomainError::Conflict(format!(
                "{what} is already {current}"
            )));
        }
        let status = resolution.status();
        let now = now_millis();
        let changed = sqlx::query::<Db>(
            "UPDATE reports SET status = ?, resolved_by = ?, resolved_at = ? WHERE id = ? AND status = 'open'",
        )
        .bind(status.as_str())
        .bind(actor.as_str())
        .bind(SqlTime(now))
        .bind(id.get())
        .execute(&mut *tx)
        .await
        .map_err(|e| map_sqlx(&what, e))?;
        if changed.rows_affected() != 1 {
            return Err(DomainError::Conflict(format!(
                "{what} was resolved by someone else"
            )));
        }
        let entry = NewAuditEntry {
            actor: actor.clone(),
            action: AuditAction::report(resolution),
            target_kind: AuditKind::Report,
            target_id: id.to_string(),
            reason: Some(reason.clone()),
            before: Some(serde_json::json!({ "status": "open", "on": on }).to_string()),
            after: Some(serde_json::json!({ "status": status, "on": on }).to_string()),
        };
        Self::insert_audit(&mut tx, &entry, now).await?;
        tx.commit().await.map_err(|e| map_sqlx(&what, e))?;
        // Done and audited whatever the read back finds: a row no release writes is said as
        // such (it read as the resolve failing, and a script would have done it again).
        self.get_report(id).await.map_err(|e| {
            DomainError::unexpected(
                format!("{what} is {status} and audited, but reading it back failed"),
                e,
            )
        })
    }

    async fn moderate(&self, moderation: &Moderation) -> DomainResult<ModerationOutcome> {
        self.moderate_once(moderation).await
    }

    async fn moderate_many(
        &self,
        moderations: &[Moderation],
    ) -> Vec<DomainResult<ModerationOutcome>> {
        let mut outcomes = Vec::with_capacity(moderations.len());
        for m in moderations {
            outcomes.push(self.moderate_once(m).await);
        }
        outcomes
    }

    async fn record_audit(&self, entry: &NewAuditEntry) -> DomainResult<AuditId> {
        let mut tx = self.begin_write("audit log").await?;
        let id = Self::insert_audit(&mut tx, entry, now_millis()).await?;
        tx.commit().await.map_err(|e| map_sqlx("audit log", e))?;
        Ok(id)
    }

    async fn get_audit(&self, id: AuditId) -> DomainResult<AuditEntry> {
        let row = sqlx::query_as::<Db, AuditRow>(concat!(
            "SELECT ",
            audit_cols!(),
            " FROM audit_log WHERE id = ?"
        ))
        .bind(id.get())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| map_sqlx("audit log", e))?;
        row.ok_or_else(|| DomainError::not_found(format!("audit row {id}")))?
            .try_into()
    }

    async fn list_audit(
        &self,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> DomainResult<Page<AuditEntry>> {
        let limit = page.limit_or(DEFAULT_PAGE, MAX_PAGE);
        let scope = scope_of("audit", filter);
        let after: Option<i64> = page.cursor.as_ref().map(|c| c.decode(&scope)).transpose()?;
        let mut sql = String::from(concat!(
            "SELECT ",
            audit_cols!(),
            " FROM audit_log WHERE 1 = 1"
        ));
        if filter.actor.is_some() {
            sql.push_str(" AND actor = ?");
        }
        if filter.target_kind.is_some() {
            sql.push_str(" AND target_kind = ?");
        }
        if filter.target_id.is_some() {
            sql.push_str(" AND target_id = ?");
        }
        if filter.since.is_some() {
            sql.push_str(" AND created_at >= ?");
        }
        if filter.until.is_some() {
            sql.push_str(" AND created_at < ?");
        }
        if after.is_some() {
            sql.push_str(" AND id < ?");
        }
        sql.push_str(" ORDER BY id DESC LIMIT ?");
        let mut q = sqlx::query::<Db>(AssertSqlSafe(sql));
        if let Some(actor) = &filter.actor {
            q = q.bind(actor.clone());
        }
        if let Some(kind) = &filter.target_kind {
            q = q.bind(kind.as_str().to_string());
        }
        if let Some(id) = &filter.target_id {
            q = q.bind(id.clone());
        }
        if let Some(since) = filter.since {
            q = q.bind(SqlTime(since));
        }
        if let Some(until) = filter.until {
            q = q.bind(SqlTime(until));
        }
        if let Some(id) = after {
            q = q.bind(id);
        }
        let rows = q
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| map_sqlx("audit log", e))?;
        page_from_rows(rows, limit, "audit log", |r: &AuditRow| {
            Cursor::encode(&scope, &r.id)
        })
    }

    async fn list_notifications(
        &self,
        recipient: &UserSub,
        unread_only: bool,
        page: PageRequest,
    ) -> DomainResult<Page<Notification>> {
        let limit = page.limit_or(DEFAULT_PAGE, MAX_PAGE);
        let scope = scope_of("notifications", &(recipient, unread_only));
        let after: Option<i64> = page.cursor.as_ref().map(|c| c.decode(&scope)).transpose()?;
        let mut sql = String::from(concat!(
            "SELECT ",
            notification_cols!(),
            " FROM notifications WHERE recipient_sub = ?"
        ));
        if unread_only {
            sql.push_str(" AND read_at IS NULL");
        }
        if after.is_some() {
            sql.push_str(" AND id < ?");
        }
        sql.push_str(" ORDER BY id DESC LIMIT ?");
        let mut q = sqlx::query::<Db>(AssertSqlSafe(sql)).bind(recipient.as_str().to_string());
        if let Some(id) = after {
            q = q.bind(id);
        }
        let rows = q
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| map_sqlx("notifications", e))?;
        page_from_rows(rows, limit, "notifications", |r: &NotificationRow| {
            Cursor::encode(&scope, &r.id)
        })
    }

    async fn mark_notifications_read(
        &self,
        recipient: &UserSub,
        which: &MarkRead,
    ) -> DomainResult<u64> {
        let now = now_millis();
        let result = match which {
            MarkRead::Ids(ids) => {
                if ids.is_empty() {
                    return Ok(0);
                }
                if ids.len() > MAX_MARK_IDS {
                    return Err(DomainError::invalid("ids", format!("at most {MAX_MARK_IDS} at a time")));
                }
                let mut sql = String::from(
                    "UPDATE notifications SET read_at = ? WHERE recipient_sub = ? AND read_at IS NULL AND id IN (",
                );
                sql.push_str(&vec!["?"; ids.len()].join(", "));
                sql.push(')');
                let mut q = sqlx::query::<Db>(AssertSqlSafe(sql)).bind(SqlTime(now)).bind(recipient.as_str().to_string());
                for id in ids {
                    q = q.bind(id.get());
                }
                q.execute(&self.pool).await
            }
            MarkRead::UpTo(id) => {
                sqlx::query::<Db>(
                    "UPDATE notifications SET read_at = ? WHERE recipient_sub = ? AND read_at IS NULL AND id <= ?",
                )
                .bind(SqlTime(now))
                .bind(recipient.as_str())
                .bind(id.get())
                .execute(&self.pool)
                .await
            }
        }
        .map_err(|e| map_sqlx("notifications", e))?;
        Ok(result.rows_affected())
    }

    async fn activity_counts(&self, sub: &UserSub) -> DomainResult<ActivityCounts> {
        let row: (i64, i64, i64, i64) = sqlx::query_as::<Db, (i64, i64, i64, i64)>(
            "SELECT \
               (SELECT COUNT(*) FROM posts WHERE author_sub = ?), \
               (SELECT COUNT(*) FROM comments WHERE author_sub = ?), \
               (SELECT COUNT(*) FROM reports WHERE reporter_sub = ?), \
               (SELECT COUNT(*) FROM reports r WHERE (r.target_kind = 'user' AND r.target_id = ?) \
                  OR (r.target_kind = 'post' AND EXISTS (SELECT 1 FROM posts p WHERE p.author_sub = ? AND p.id = r.target_id)) \
                  OR (r.target_kind = 'comment' AND EXISTS (SELECT 1 FROM comments c WHERE c.author_sub = ? AND c.id = r.target_id)))",
        )
        .bind(sub.as_str())
        .bind(sub.as_str())
        .bind(sub.as_str())
        .bind(sub.as_str())
        .bind(sub.as_str())
        .bind(sub.as_str())
        .fetch_one(&self.pool)
        .await
        .map_err(|e| map_sqlx("activity counts", e))?;
        Ok(ActivityCounts {
            posts: row.0,
            comments: row.1,
            reports_filed: row.2,
            reports_against: row.3,
        })
    }

    async fn record_thumbnails(&self, thumbnails: &[Thumbnail]) -> DomainResult<()> {
        if thumbnails.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write("thumbnails").await?;
        for t in thumbnails {
            sqlx::query::<Db>(<Db as Dialect>::UPSERT_THUMBNAIL)
                .bind(t.source_key.as_str())
                .bind(i64::from(t.width))
                .bind(i64::from(t.height))
                .bind(t.key.as_str())
                .bind(i64::try_from(t.bytes).unwrap_or(i64::MAX))
                .bind(SqlTime(t.created_at))
                .execute(&mut *tx)
                .await
                .map_err(|e| map_sqlx("thumbnails", e))?;
        }
        tx.commit().await.map_err(|e| map_sqlx("thumbnails", e))
    }

    async fn thumbnails(&self, source_key: &str) -> DomainResult<Vec<Thumbnail>> {
        let rows: Vec<(String, i64, i64, String, i64, DateTime<Utc>)> =
            sqlx::query_as::<Db, _>(<Db as Dialect>::SELECT_THUMBNAILS)
                .bind(source_key)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| map_sqlx("thumbnails", e))?;
        rows.into_iter()
            .map(|(source_key, width, height, key, bytes, created_at)| {
                let bad =
                    || DomainError::bug(format!("thumbnails row of {source_key} is out of range"));
                Ok(Thumbnail {
                    width: u32::try_from(width).map_err(|_| bad())?,
                    height: u32::try_from(height).map_err(|_| bad())?,
                    bytes: u64::try_from(bytes).map_err(|_| bad())?,
                    source_key,
                    key,
                    created_at,
                })
            })
            .collect()
    }

    async fn list_image_refs(
        &self,
        kind: ImageRefKind,
        page: PageRequest,
    ) -> DomainResult<Page<ImageRef>> {
        let limit = page.limit_or(DEFAULT_PAGE, MAX_PAGE);
        let fetch = i64::from(limit) + 1;
        let bad = |e: crate::Invalid| {
            DomainError::bug(format!("an image reference row is malformed: {e}"))
        };
        let (mut items, scope) = match kind {
            ImageRefKind::Posts => {
                let scope = "image-refs/posts";
                let after: i64 = page
                    .cursor
                    .as_ref()
                    .map(|c| c.decode(scope))
                    .transpose()?
                    .unwrap_or(0);
                let rows: Vec<(i64, String)> = sqlx::query_as::<Db, (i64, String)>(
                    "SELECT id, image_key FROM posts WHERE image_key IS NOT NULL AND id > ? ORDER BY id LIMIT ?",
                )
                .bind(after)
                .bind(fetch)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| map_sqlx("image references", e))?;
                let items = rows
                    .into_iter()
                    .map(|(id, key)| {
                        Ok((
                            id.to_string(),
                            ImageRef {
                                owner: ImageOwner::Post(PostId::new(id)?),
                                key,
                            },
                        ))
                    })
                    .collect::<Result<Vec<_>, crate::Invalid>>()
                    .map_err(bad)?;
                (items, scope)
            }
            ImageRefKind::Profiles => {
                let scope = "image-refs/profiles";
                let after: String = page
                    .cursor
                    .as_ref()
                    .map(|c| c.decode(scope))
                    .transpose()?
                    .unwrap_or_default();
                let rows: Vec<(String, String)> = sqlx::query_as::<Db, (String, String)>(
                    "SELECT sub, profile_image_key FROM users WHERE profile_image_key IS NOT NULL \
                     AND sub > ? ORDER BY sub LIMIT ?",
                )
                .bind(after)
                .bind(fetch)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| map_sqlx("image references", e))?;
                let items = rows
                    .into_iter()
                    .map(|(sub, key)| {
                        Ok((
                            sub.clone(),
                            ImageRef {
                                owner: ImageOwner::Profile(UserSub::parse(&sub)?),
                                key,
                            },
                        ))
                    })
                    .collect::<Result<Vec<_>, crate::Invalid>>()
                    .map_err(bad)?;
                (items, scope)
            }
        };
        let next = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|(position, _)| match kind {
                ImageRefKind::Posts => {
                    Cursor::encode(scope, &position.parse::<i64>().unwrap_or(i64::MAX))
                }
                ImageRefKind::Profiles => Cursor::encode(scope, position),
            })
        } else {
            None
        };
        Ok(Page::new(items.into_iter().map(|(_, r)| r).collect(), next))
    }

    async fn referenced_keys(&self, keys: &[String]) -> DomainResult<HashSet<String>> {
        if keys.is_empty() {
            return Ok(HashSet::new());
        }
        if keys.len() > MAX_LOOKUP {
            return Err(DomainError::invalid(
                "keys",
                format!("at most {MAX_LOOKUP} a call"),
            ));
        }
        let marks = vec!["?"; keys.len()].join(", ");
        // Only placeholders are concatenated; every key is bound.
        // An image an edit replaced stays referenced: it is what a report may be about.
        let sql = format!(
            "SELECT image_key FROM posts WHERE image_key IN ({marks}) \
             UNION SELECT profile_image_key FROM users WHERE profile_image_key IN ({marks}) \
             UNION SELECT image_key FROM post_edits WHERE image_key IN ({marks})"
        );
        let mut q = sqlx::query_scalar::<Db, String>(AssertSqlSafe(sql));
        for key in keys.iter().chain(keys).chain(keys) {
            q = q.bind(key.as_str());
        }
        let found = q
            .fetch_all(&self.pool)
            .await
            .map_err(|e| map_sqlx("image references", e))?;
        Ok(found.into_iter().collect())
    }

    async fn list_author_subs(&self, page: PageRequest) -> DomainResult<Page<UserSub>> {
        let limit = page.limit_or(DEFAULT_PAGE, MAX_PAGE);
        let after: String = page
            .cursor
            .as_ref()
            .map(|c| c.decode("authors"))
            .transpose()?
            .unwrap_or_default();
        let mut rows: Vec<String> = sqlx::query_scalar::<Db, String>(
            "SELECT author_sub FROM posts WHERE author_sub > ? \
             UNION SELECT author_sub FROM comments WHERE author_sub > ? ORDER BY 1 LIMIT ?",
        )
        .bind(after.as_str())
        .bind(after.as_str())
        .bind(i64::from(limit) + 1)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| map_sqlx("authors", e))?;
        let next = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(|sub| Cursor::encode("authors", sub))
        } else {
            None
        };
        let items = rows
            .iter()
            .map(UserSub::parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| DomainError::bug(format!("an author_sub is malformed: {e}")))?;
        Ok(Page::new(items, next))
    }

    async fn existing_profiles(&self, subs: &[UserSub]) -> DomainResult<HashSet<UserSub>> {
        if subs.is_empty() {
            return Ok(HashSet::new());
        }
        if subs.len() > MAX_LOOKUP {
            return Err(DomainError::invalid(
                "subs",
                format!("at most {MAX_LOOKUP} a call"),
            ));
        }
        let marks = vec!["?"; subs.len()].join(", ");
        let sql = format!("SELECT sub FROM users WHERE sub IN ({marks})");
        let mut q = sqlx::query_scalar::<Db, String>(AssertSqlSafe(sql));
        for sub in subs {
            q = q.bind(sub.as_str());
        }
        let found = q
            .fetch_all(&self.pool)
            .await
            .map_err(|e| map_sqlx("profiles", e))?;
        Ok(found
            .iter()
            .filter_map(|s| UserSub::parse(s).ok())
            .collect())
    }

    async fn subs_with_email(&self, email: &str, limit: u32) -> DomainResult<Vec<UserSub>> {
        let found = sqlx::query_scalar::<Db, String>(<Db as Dialect>::SUBS_WITH_EMAIL)
            .bind(email)
            .bind(i64::from(limit.clamp(1, MAX_PAGE)))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| map_sqlx("profiles", e))?;
        Ok(found
            .iter()
            .filter_map(|s| UserSub::parse(s).ok())
            .collect())
    }

    async fn set_blocked(&self, sub: &UserSub, blocked: bool, actor: &Actor) -> DomainResult<()> {
        sqlx::query::<Db>(<Db as Dialect>::UPSERT_ACCOUNT_BLOCK)
            .bind(sub.as_str())
            .bind(i64::from(blocked))
            .bind(SqlTime(now_millis()))
            .bind(actor.as_str())
            .execute(&self.pool)
            .await
            .map_err(|e| map_sqlx("account block", e))?;
        Ok(())
    }

    async fn is_blocked(&self, sub: &UserSub) -> DomainResult<bool> {
        let blocked =
            sqlx::query_scalar::<Db, i64>("SELECT blocked FROM account_blocks WHERE sub = ?")
                .bind(sub.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| map_sqlx("account block", e))?;
        Ok(blocked.is_some_and(|b| b != 0))
    }
}
