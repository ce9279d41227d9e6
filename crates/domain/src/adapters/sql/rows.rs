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

/// A time column as UTC. MySQL's binary protocol (every statement here is prepared) sends a
/// `DATETIME` as its length (0, 4, 7 or 11), the year in two bytes (little-endian), month,
/// day, hour, minute, second and microseconds in four; those bytes are read here directly, a
/// third of sqlx's cost (which splits the value into date and time, each built and checked
/// apart). A value of any other shape (the text protocol, a zero date) goes to sqlx's decoder.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowTime(pub DateTime<Utc>);

impl<DB: sqlx::Database> sqlx::Type<DB> for RowTime
where
    DateTime<Utc>: sqlx::Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <DateTime<Utc> as sqlx::Type<DB>>::type_info()
    }
    fn compatible(ty: &DB::TypeInfo) -> bool {
        <DateTime<Utc> as sqlx::Type<DB>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::MySql> for RowTime {
    fn decode(value: sqlx::mysql::MySqlValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let bytes = <&[u8] as sqlx::Decode<sqlx::MySql>>::decode(value.clone())?;
        match binary_datetime(bytes) {
            Some(at) => Ok(RowTime(at)),
            None => <DateTime<Utc> as sqlx::Decode<sqlx::MySql>>::decode(value).map(RowTime),
        }
    }
}

#[cfg(feature = "sqlite")]
impl<'r> sqlx::Decode<'r, sqlx::Sqlite> for RowTime {
    fn decode(value: sqlx::sqlite::SqliteValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        <DateTime<Utc> as sqlx::Decode<sqlx::Sqlite>>::decode(value).map(RowTime)
    }
}

/// A time bound as the `DATETIME(3)` its column is. sqlx binds a `DateTime<Utc>` to MySQL as a
/// `TIMESTAMP`, whose range ends on 2038-01-19: MariaDB took a later one for NULL, so "until
/// 2040" found no post and a cursor's far time read an empty page (and a write in 2038 would
/// have failed its `NOT NULL`). SQLite takes it as sqlx writes a `DateTime<Utc>`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SqlTime(pub DateTime<Utc>);

impl sqlx::Type<sqlx::MySql> for SqlTime {
    fn type_info() -> sqlx::mysql::MySqlTypeInfo {
        <chrono::NaiveDateTime as sqlx::Type<sqlx::MySql>>::type_info()
    }
    fn compatible(ty: &sqlx::mysql::MySqlTypeInfo) -> bool {
        <DateTime<Utc> as sqlx::Type<sqlx::MySql>>::compatible(ty)
    }
}

impl sqlx::Encode<'_, sqlx::MySql> for SqlTime {
    fn encode_by_ref(
        &self,
        buf: &mut <sqlx::MySql as sqlx::Database>::ArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <chrono::NaiveDateTime as sqlx::Encode<sqlx::MySql>>::encode_by_ref(
            &self.0.naive_utc(),
            buf,
        )
    }
}

#[cfg(feature = "sqlite")]
impl sqlx::Type<sqlx::Sqlite> for SqlTime {
    fn type_info() -> sqlx::sqlite::SqliteTypeInfo {
        <DateTime<Utc> as sqlx::Type<sqlx::Sqlite>>::type_info()
    }
    fn compatible(ty: &sqlx::sqlite::SqliteTypeInfo) -> bool {
        <DateTime<Utc> as sqlx::Type<sqlx::Sqlite>>::compatible(ty)
    }
}

#[cfg(feature = "sqlite")]
impl sqlx::Encode<'_, sqlx::Sqlite> for SqlTime {
    fn encode_by_ref(
        &self,
        buf: &mut <sqlx::Sqlite as sqlx::Database>::ArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <DateTime<Utc> as sqlx::Encode<sqlx::Sqlite>>::encode_by_ref(&self.0, buf)
    }
}

/// A `DATETIME` in MySQL's binary form, when `bytes` has that form and hold a valid time.
fn binary_datetime(bytes: &[u8]) -> Option<DateTime<Utc>> {
    let (&len, b) = bytes.split_first()?;
    if usize::from(len) != b.len() || !matches!(len, 4 | 7 | 11) {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(
        i32::from(u16::from_le_bytes([b[0], b[1]])),
        u32::from(b[2]),
        u32::from(b[3]),
    )?;
    let (hms, micros) = match b {
        [_, _, _, _, h, m, s] => ([*h, *m, *s], 0),
        [_, _, _, _, h, m, s, us @ ..] => (
            [*h, *m, *s],
            u32::from_le_bytes([us[0], us[1], us[2], us[3]]),
        ),
        _ => ([0, 0, 0], 0),
    };
    let time = chrono::NaiveTime::from_hms_micro_opt(
        u32::from(hms[0]),
        u32::from(hms[1]),
        u32::from(hms[2]),
        micros,
    )?;
    Some(date.and_time(time).and_utc())
}

fn bad_row(table: &str, id: impl std::fmt::Display, err: Invalid) -> DomainError {
    DomainError::unexpected(
        format!("{table} row {id} holds an invalid value"),
        crate::error::UnreadableRow(err),
    )
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
    pub author_sub: Parsed<UserSub>,
    pub body: String,
    pub image_key: Option<String>,
    pub status: Parsed<ContentStatus>,
    pub created_at: RowTime,
    pub updated_at: RowTime,
}
}

impl TryFrom<PostRow> for Post {
    type Error = DomainError;
    fn try_from(r: PostRow) -> Result<Self, DomainError> {
        let bad = |e| bad_row("posts", r.id, e);
        Ok(Post {
            id: PostId::new(r.id).map_err(bad)?,
            author_sub: r.author_sub.get().map_err(bad)?,
            status: r.status.get().map_err(bad)?,
            body: r.body,
            image_key: r.image_key,
            created_at: r.created_at.0,
            updated_at: r.updated_at.0,
        })
    }
}

crate::adapters::sql::from_row! {
pub(crate) struct CommentRow {
    pub id: i64,
    pub post_id: i64,
    pub author_sub: Parsed<UserSub>,
    pub body: String,
    pub status: Parsed<ContentStatus>,
    pub created_at: RowTime,
}
}

impl TryFrom<CommentRow> for Comment {
    type Error = DomainError;
    fn try_from(r: CommentRow) -> Result<Self, DomainError> {
        let bad = |e| bad_row("comments", r.id, e);
        Ok(Comment {
            id: CommentId::new(r.id).map_err(bad)?,
            post_id: PostId::new(r.post_id).map_err(bad)?,
            author_sub: r.author_sub.get().map_err(bad)?,
            status: r.status.get().map_err(bad)?,
            body: r.body,
            created_at: r.created_at.0,
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
    pub latest_open_id: i64,
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
            latest_open_id: ReportId::new(r.latest_open_id).map_err(bad)?,
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

/// Characters of a reported post's or comment's text that the queue carries.
pub(crate) const EXCERPT_CHARS: usize = 200;

/// A text read one character past [`EXCERPT_CHARS`], as the queue carries it: cut to them with
/// `…` where it goes on (a 200-character excerpt did not say whether the text ended there).
pub(crate) fn excerpt_of(text: String) -> String {
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
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
    use super::{EXCERPT_CHARS, binary_datetime, excerpt_of, from_millis};
    use chrono::{DateTime, Datelike, TimeZone, Timelike, Utc};
    use proptest::prelude::*;

    /// A time as MySQL's binary protocol sends a `DATETIME(6)`: its length, then the year in
    /// two bytes, month, day, hour, minute, second, and the microseconds in four.
    fn sent(at: DateTime<Utc>) -> Vec<u8> {
        let mut b = vec![11];
        b.extend_from_slice(&u16::try_from(at.year()).unwrap().to_le_bytes());
        b.extend([at.month(), at.day(), at.hour(), at.minute(), at.second()].map(|v| v as u8));
        b.extend_from_slice(&(at.nanosecond() / 1_000).to_le_bytes());
        b
    }

    proptest! {
        #[test]
        fn any_binary_datetime_reads_as_the_time_sent(
            secs in 0i64..253_402_300_799, micros in 0u32..1_000_000
        ) {
            let at = Utc.timestamp_opt(secs, micros * 1_000).unwrap();
            prop_assert_eq!(binary_datetime(&sent(at)), Some(at));
        }
    }

    #[test]
    fn the_shorter_binary_forms_and_what_is_left_to_sqlx() {
        let at = Utc.with_ymd_and_hms(2026, 12, 4, 7, 24, 57).unwrap();
        assert_eq!(
            binary_datetime(&[7, 0xea, 0x07, 12, 4, 7, 24, 57]),
            Some(at)
        );
        assert_eq!(
            binary_datetime(&[4, 0xea, 0x07, 12, 4]),
            Some(Utc.with_ymd_and_hms(2026, 12, 4, 0, 0, 0).unwrap())
        );
        // The text protocol, a zero date, a length the bytes do not have, no bytes, and values
        // no calendar holds (February 30th, hour 24, a million microseconds): sqlx's decoder
        // takes them and says what is wrong.
        for other in [
            &b"2026-12-04 07:24:57"[..],
            &[0],
            &[7, 0xea, 0x07, 12, 4, 7, 24],
            &[],
            &[4, 0xea, 0x07, 2, 30],
            &[7, 0xea, 0x07, 12, 4, 24, 0, 0],
            &[11, 0xea, 0x07, 12, 4, 7, 24, 57, 0x40, 0x42, 0x0f, 0x00],
        ] {
            assert_eq!(binary_datetime(other), None, "{other:?}");
        }
    }

    #[test]
    fn a_cursor_time_a_datetime_column_cannot_hold_is_the_clients_mistake() {
        assert!(from_millis(1_764_000_000_000).is_ok());
        // Year 20000 and year 0: valid for chrono, not for MySQL's DATETIME.
        for ms in [568_000_000_000_000, -62_200_000_000_000, i64::MAX, i64::MIN] {
            assert!(from_millis(ms).is_err(), "{ms}");
        }
    }

    #[test]
    fn an_excerpt_says_whether_the_text_goes_on() {
        let whole = "é".repeat(EXCERPT_CHARS);
        assert_eq!(excerpt_of(whole.clone()), whole);
        let longer = format!("{whole}x");
        assert_eq!(excerpt_of(longer), format!("{whole}…"));
        assert_eq!(excerpt_of(String::new()), "");
    }
}
