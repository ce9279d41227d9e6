//! Rows as the database returns them, and their checked conversion into domain entities.
//! A row that breaks an invariant (a malformed sub, an unknown status) becomes a clear error
//! naming the table and row, never a panic.

use crate::error::{DomainError, Invalid};
use crate::model::ContentStatus;
use crate::model::{
    AuditAction, AuditEntry, AuditId, AuditKind, Comment, CommentId, Notification, NotificationId,
    Post, PostId, Report, ReportGroup, ReportId, Target, UserProfile, UserSub,
};
use chrono::{DateTime, Utc};

/// A text column parsed as it is decoded, without a copy of its text unless the text does not
/// parse: then the conversion into the entity reports it as before, naming the row. Statuses
/// are read this way (one allocation less for every post or comment listed).
#[derive(Debug)]
pub(crate) enum Parsed<T> {
    Known(T),
    Unparsed(String),
}

impl<T: std::str::FromStr<Err = Invalid>> Parsed<T> {
    pub(crate) fn get(self) -> Result<T, Invalid> {
        match self {
            Parsed::Known(value) => Ok(value),
            Parsed::Unparsed(text) => text.parse(),
        }
    }
}

impl<DB: sqlx::Database, T> sqlx::Type<DB> for Parsed<T>
where
    str: sqlx::Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <str as sqlx::Type<DB>>::type_info()
    }
    fn compatible(ty: &DB::TypeInfo) -> bool {
        <str as sqlx::Type<DB>>::compatible(ty)
    }
}

impl<'r, DB: sqlx::Database, T: std::str::FromStr> sqlx::Decode<'r, DB> for Parsed<T>
where
    &'r str: sqlx::Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let text = <&'r str as sqlx::Decode<'r, DB>>::decode(value)?;
        Ok(text
            .parse()
            .map_or_else(|_| Parsed::Unparsed(text.to_owned()), Parsed::Known))
    }
}

fn bad_row(table: &str, id: impl std::fmt::Display, err: Invalid) -> DomainError {
    DomainError::unexpected(format!("{table} row {id} holds an invalid value"), err)
}

crate::adapters::sql::from_row! {
pub(crate) struct ProfileRow {
    pub sub: String,
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub bio: Option<String>,
    pub profile_image_key: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
}

impl TryFrom<ProfileRow> for UserProfile {
    type Error = DomainError;
    fn try_from(r: ProfileRow) -> Result<Self, DomainError> {
        Ok(UserProfile {
            sub: UserSub::parse(&r.sub).map_err(|e| bad_row("users", &r.sub, e))?,
            email: r.email,
            display_name: r.display_name,
            bio: r.bio,
            profile_image_key: r.profile_image_key,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

crate::adapters::sql::from_row! {
pub(crate) struct PostRow {
    pub id: i64,
    pub author_sub: String,
    pub body: String,
    pub image_key: Option<String>,
    pub status: Parsed<ContentStatus>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
}

impl TryFrom<PostRow> for Post {
    type Error = DomainError;
    fn try_from(r: PostRow) -> Result<Self, DomainError> {
        let bad = |e| bad_row("posts", r.id, e);
        Ok(Post {
            id: PostId::new(r.id).map_err(bad)?,
            author_sub: UserSub::try_from(r.author_sub).map_err(bad)?,
            status: r.status.get().map_err(bad)?,
            body: r.body,
            image_key: r.image_key,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

crate::adapters::sql::from_row! {
pub(crate) struct CommentRow {
    pub id: i64,
    pub post_id: i64,
    pub author_sub: String,
    pub body: String,
    pub status: Parsed<ContentStatus>,
    pub created_at: DateTime<Utc>,
}
}

impl TryFrom<CommentRow> for Comment {
    type Error = DomainError;
    fn try_from(r: CommentRow) -> Result<Self, DomainError> {
        let bad = |e| bad_row("comments", r.id, e);
        Ok(Comment {
            id: CommentId::new(r.id).map_err(bad)?,
            post_id: PostId::new(r.post_id).map_err(bad)?,
            author_sub: UserSub::try_from(r.author_sub).map_err(bad)?,
            status: r.status.get().map_err(bad)?,
            body: r.body,
            created_at: r.created_at,
        })
    }
}

crate::adapters::sql::from_row! {
pub(crate) struct ReportRow {
    pub id: i64,
    pub target_kind: String,
    pub target_id: String,
    pub reporter_sub: String,
    pub reason: String,
    pub note: Option<String>,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
}
}

impl TryFrom<ReportRow> for Report {
    type Error = DomainError;
    fn try_from(r: ReportRow) -> Result<Self, DomainError> {
        let bad = |e| bad_row("reports", r.id, e);
        let kind = r.target_kind.parse().map_err(bad)?;
        Ok(Report {
            id: ReportId::new(r.id).map_err(bad)?,
            target: Target::from_parts(kind, &r.target_id).map_err(bad)?,
            reporter_sub: UserSub::parse(&r.reporter_sub).map_err(bad)?,
            status: r.status.parse().map_err(bad)?,
            reason: r.reason,
            note: r.note,
            created_at: r.created_at,
            resolved_by: r.resolved_by,
            resolved_at: r.resolved_at,
        })
    }
}

crate::adapters::sql::from_row! {
pub(crate) struct ReportGroupRow {
    pub target_kind: String,
    pub target_id: String,
    pub open_reports: i64,
    pub oldest_open_at: DateTime<Utc>,
    pub latest_open_at: DateTime<Utc>,
}
}

impl TryFrom<ReportGroupRow> for ReportGroup {
    type Error = DomainError;
    fn try_from(r: ReportGroupRow) -> Result<Self, DomainError> {
        let bad = |e| {
            bad_row(
                "reports",
                format!("for {} {}", r.target_kind, r.target_id),
                e,
            )
        };
        let kind = r.target_kind.parse().map_err(bad)?;
        Ok(ReportGroup {
            target: Target::from_parts(kind, &r.target_id).map_err(bad)?,
            open_reports: r.open_reports,
            oldest_open_at: r.oldest_open_at,
            latest_open_at: r.latest_open_at,
        })
    }
}

crate::adapters::sql::from_row! {
pub(crate) struct AuditRow {
    pub id: i64,
    pub actor: String,
    pub action: String,
    pub target_kind: String,
    pub target_id: String,
    pub reason: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub created_at: DateTime<Utc>,
}
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = DomainError;
    fn try_from(r: AuditRow) -> Result<Self, DomainError> {
        Ok(AuditEntry {
            id: AuditId::new(r.id).map_err(|e| bad_row("audit_log", r.id, e))?,
            actor: r.actor,
            action: AuditAction::parse(&r.action),
            target_kind: AuditKind::parse(&r.target_kind),
            target_id: r.target_id,
            reason: r.reason,
            before: r.before,
            after: r.after,
            created_at: r.created_at,
        })
    }
}

crate::adapters::sql::from_row! {
pub(crate) struct NotificationRow {
    pub id: i64,
    pub recipient_sub: String,
    pub kind: String,
    pub actor_sub: String,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}
}

impl TryFrom<NotificationRow> for Notification {
    type Error = DomainError;
    fn try_from(r: NotificationRow) -> Result<Self, DomainError> {
        let bad = |e| bad_row("notifications", r.id, e);
        Ok(Notification {
            id: NotificationId::new(r.id).map_err(bad)?,
            recipient_sub: UserSub::parse(&r.recipient_sub).map_err(bad)?,
            kind: r.kind.parse().map_err(bad)?,
            actor_sub: UserSub::parse(&r.actor_sub).map_err(bad)?,
            post_id: r.post_id.map(PostId::new).transpose().map_err(bad)?,
            comment_id: r.comment_id.map(CommentId::new).transpose().map_err(bad)?,
            created_at: r.created_at,
            read_at: r.read_at,
        })
    }
}

/// Collects converted rows, failing on the first bad one.
pub(crate) fn convert_all<R, T>(rows: Vec<R>) -> Result<Vec<T>, DomainError>
where
    T: TryFrom<R, Error = DomainError>,
{
    rows.into_iter().map(T::try_from).collect()
}

/// Milliseconds since the epoch, the form times take inside cursors.
pub(crate) fn to_millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// A cursor's time. A forged cursor may hold any number: one outside what a DATETIME column
/// holds (years 1000 to 9999) would make the database fail the query, so it is refused here
/// as the client's mistake.
pub(crate) fn from_millis(ms: i64) -> Result<DateTime<Utc>, Invalid> {
    use chrono::Datelike;
    DateTime::from_timestamp_millis(ms)
        .filter(|at| (1000..=9999).contains(&at.year()))
        .ok_or_else(|| Invalid::new("cursor", "holds an impossible time"))
}

/// Escapes `%`, `_` and the escape character itself for `LIKE ? ESCAPE '!'`.
pub(crate) fn like_contains(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '!') {
            out.push('!');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// A post to import with its original times (seeding and benchmarks, single writer).
#[derive(Debug, Clone)]
pub struct ImportPost {
    pub author_sub: UserSub,
    pub body: String,
    pub image_key: Option<String>,
    pub status: ContentStatus,
    pub created_at: DateTime<Utc>,
}

/// A comment to import with its original time.
#[derive(Debug, Clone)]
pub struct ImportComment {
    pub post_id: PostId,
    pub author_sub: UserSub,
    pub body: String,
    pub status: ContentStatus,
    pub created_at: DateTime<Utc>,
}

/// A report to import with its original time.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub target: Target,
    pub reporter_sub: UserSub,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// A profile to import as it was.
#[derive(Debug, Clone)]
pub struct ImportProfile {
    pub sub: UserSub,
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub bio: Option<String>,
    pub profile_image_key: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::from_millis;

    #[test]
    fn a_cursor_time_a_datetime_column_cannot_hold_is_the_clients_mistake() {
        assert!(from_millis(1_764_000_000_000).is_ok());
        // Year 20000 and year 0: valid for chrono, not for MySQL's DATETIME.
        for ms in [568_000_000_000_000, -62_200_000_000_000, i64::MAX, i64::MIN] {
            assert!(from_millis(ms).is_err(), "{ms}");
        }
    }
}
