//! The service's records (profiles, posts, comments, reports, audit rows, notifications) and the
//! inputs and filters the content store takes.

use super::{
    AuditAction, AuditId, AuditKind, Bio, CommentBody, CommentId, DisplayName, Email,
    NotificationId, ObjectKey, PostBody, PostId, Reason, ReportId, ReportNote, UserSub,
};
use crate::error::Invalid;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Declares a text-backed enum with `as_str`, `FromStr` and serde in lowercase.
macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident, $field:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = Invalid;
            fn from_str(s: &str) -> Result<Self, Invalid> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(Invalid::new($field, format!(
                        "'{}' is not one of: {}", other, [$($text),+].join(", ")
                    ))),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// Whether a post or comment is shown: removal is soft, so every state can be audited.
    ContentStatus, "status" { Visible => "visible", Hidden => "hidden", Removed => "removed" }
);
text_enum!(
    /// What a report points at.
    TargetKind, "targetKind" { Post => "post", Comment => "comment", User => "user" }
);
text_enum!(
    /// Where a report stands.
    ReportStatus, "status" { Open => "open", Actioned => "actioned", Dismissed => "dismissed" }
);
text_enum!(
    /// Why a notification was sent.
    NotificationKind, "kind" { Comment => "comment" }
);
text_enum!(
    /// A moderation step on a post or comment.
    ModerationAction, "action" { Hide => "hide", Restore => "restore", Remove => "remove" }
);

impl ModerationAction {
    /// The status this action leaves behind.
    pub fn target_status(self) -> ContentStatus {
        match self {
            Self::Hide => ContentStatus::Hidden,
            Self::Restore => ContentStatus::Visible,
            Self::Remove => ContentStatus::Removed,
        }
    }

    /// Whether the action makes sense from `current`: hiding a hidden post is a conflict, not
    /// a silent no-op, so that two moderators acting at once learn that one came first.
    pub fn applies_to(self, current: ContentStatus) -> bool {
        match self {
            Self::Hide => current == ContentStatus::Visible,
            Self::Restore => current != ContentStatus::Visible,
            Self::Remove => current != ContentStatus::Removed,
        }
    }
}

/// Who did something, as written to the audit log: an operator's ARN, `sandbox:<user>`, or a
/// user's sub when a user acts on their own content.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Actor(String);

impl Actor {
    pub fn parse(raw: impl AsRef<str>) -> Result<Self, Invalid> {
        let value = raw.as_ref().trim();
        if value.is_empty() || value.chars().count() > 255 || value.chars().any(char::is_control) {
            return Err(Invalid::new(
                "actor",
                "must be 1 to 255 printable characters",
            ));
        }
        Ok(Self(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Actor {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Invalid> {
        Self::parse(value)
    }
}

impl From<Actor> for String {
    fn from(value: Actor) -> String {
        value.0
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A user's row in the database: the public profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserProfile {
    pub sub: UserSub,
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub bio: Option<String>,
    pub profile_image_key: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What the Cognito post-confirmation trigger knows about a new user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProfile {
    pub sub: UserSub,
    pub email: Option<Email>,
    pub display_name: Option<DisplayName>,
}

/// A partial profile edit: `None` leaves a field alone; `profile_image_key: Some(None)` removes
/// the picture.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProfileUpdate {
    pub display_name: Option<DisplayName>,
    pub bio: Option<Bio>,
    pub profile_image_key: Option<Option<ObjectKey>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Post {
    pub id: PostId,
    pub author_sub: UserSub,
    pub body: String,
    pub image_key: Option<String>,
    pub status: ContentStatus,
    #[serde(serialize_with = "super::time::serialize_utc")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "super::time::serialize_utc")]
    pub updated_at: DateTime<Utc>,
}

/// What one edit of a post replaced: the body and image key it had until `replaced_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostRevision {
    pub post_id: PostId,
    pub body: String,
    pub image_key: Option<String>,
    pub replaced_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPost {
    pub author_sub: UserSub,
    pub body: PostBody,
    pub image_key: Option<ObjectKey>,
}

/// An edit by the post's author. `image_key: Some(None)` removes the image.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PostEdit {
    pub body: Option<PostBody>,
    pub image_key: Option<Option<ObjectKey>>,
}

/// Which posts to list. Every field narrows the listing; none set means all posts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PostFilter {
    pub status: Option<ContentStatus>,
    pub author: Option<UserSub>,
    /// Case-insensitive substring of the body.
    pub text: Option<String>,
    /// Created at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Created strictly before this instant.
    pub until: Option<DateTime<Utc>>,
    /// Oldest first instead of newest first: the same indexes, walked the other way. Left
    /// out when false, so a newest-first cursor reads as it did before the field existed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub oldest_first: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Comment {
    pub id: CommentId,
    pub post_id: PostId,
    pub author_sub: UserSub,
    pub body: String,
    pub status: ContentStatus,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComment {
    pub post_id: PostId,
    pub author_sub: UserSub,
    pub body: CommentBody,
}

/// Which comments to list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CommentFilter {
    pub post: Option<PostId>,
    pub author: Option<UserSub>,
    pub status: Option<ContentStatus>,
}

/// A post with the first page of its comments, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thread {
    pub post: Post,
    pub comments: super::Page<Comment>,
}

/// What a report, a moderation step or an audit row is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum Target {
    Post(PostId),
    Comment(CommentId),
    User(UserSub),
}

impl Target {
    pub fn kind(&self) -> TargetKind {
        match self {
            Self::Post(_) => TargetKind::Post,
            Self::Comment(_) => TargetKind::Comment,
            Self::User(_) => TargetKind::User,
        }
    }

    /// The id as stored in `target_id` columns.
    pub fn id_text(&self) -> String {
        match self {
            Self::Post(id) => id.to_string(),
            Self::Comment(id) => id.to_string(),
            Self::User(sub) => sub.to_string(),
        }
    }

    /// Rebuilds a target from its stored columns.
    pub fn from_parts(kind: TargetKind, id: &str) -> Result<Self, Invalid> {
        Ok(match kind {
            TargetKind::Post => Self::Post(PostId::parse(id)?),
            TargetKind::Comment => Self::Comment(CommentId::parse(id)?),
            TargetKind::User => Self::User(UserSub::parse(id)?),
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind(), self.id_text())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub id: ReportId,
    pub target: Target,
    pub reporter_sub: UserSub,
    pub reason: String,
    pub note: Option<String>,
    pub status: ReportStatus,
    pub created_at: DateTime<Utc>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReport {
    pub target: Target,
    pub reporter_sub: UserSub,
    pub reason: Reason,
    pub note: Option<ReportNote>,
}

/// Which lines of the moderation queue to list; none set means every target with an open
/// report. The counts stay those of all the target's open reports.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct QueueFilter {
    /// Only posts, comments or users.
    pub kind: Option<TargetKind>,
    /// Only targets with an open report whose reason holds this text (case-insensitive).
    pub reason: Option<String>,
}

impl QueueFilter {
    pub fn is_empty(&self) -> bool {
        self.kind.is_none() && self.reason.is_none()
    }
}

/// One line of the moderation queue: a target with its open reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportGroup {
    pub target: Target,
    pub open_reports: i64,
    pub oldest_open_at: DateTime<Utc>,
    pub latest_open_at: DateTime<Utc>,
    /// The newest open report's id: a resolution of what was seen closes none after it.
    pub latest_open_id: ReportId,
}

/// What a report is about, as a moderator reads it without opening it: who wrote it, the start
/// of its text (a user's display name for a user), its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetSummary {
    pub target: Target,
    /// The post's or comment's author; the user for a user target.
    pub author_sub: Option<UserSub>,
    /// The first 200 characters of the text, or the user's display name.
    pub excerpt: String,
    /// Posts and comments only.
    pub status: Option<ContentStatus>,
}

/// How many open reports give one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonCount {
    pub reason: String,
    pub count: i64,
}

/// Which reports to list.
/// Most reports one [`ContentStore::reports_on`](crate::ports::ContentStore::reports_on) call
/// returns (the newest).
pub const REPORTS_ON_MAX: u32 = 1_000;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReportFilter {
    pub status: Option<ReportStatus>,
    pub target: Option<Target>,
    pub reporter: Option<UserSub>,
}

/// How a report was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportResolution {
    Actioned,
    Dismissed,
}

impl ReportResolution {
    pub fn status(self) -> ReportStatus {
        match self {
            Self::Actioned => ReportStatus::Actioned,
            Self::Dismissed => ReportStatus::Dismissed,
        }
    }
}

/// A moderation request: what to change, who asks and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moderation {
    pub target: ModerationTarget,
    pub action: ModerationAction,
    pub actor: Actor,
    pub reason: Reason,
}

/// The content moderation acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ModerationTarget {
    Post(PostId),
    Comment(CommentId),
}

impl fmt::Display for ModerationTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Post(id) => write!(f, "post #{id}"),
            Self::Comment(id) => write!(f, "comment #{id}"),
        }
    }
}

impl From<ModerationTarget> for Target {
    fn from(value: ModerationTarget) -> Self {
        match value {
            ModerationTarget::Post(id) => Target::Post(id),
            ModerationTarget::Comment(id) => Target::Comment(id),
        }
    }
}

/// The result of one moderation: the status before and after, and the audit row written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationOutcome {
    pub target: ModerationTarget,
    pub before: ContentStatus,
    pub after: ContentStatus,
    pub audit_id: AuditId,
}

/// A field of a profile that a moderator can clear (and an undo can put back).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileField {
    DisplayName,
    Bio,
    /// The avatar: the row's `profile_image_key` (clearing detaches the object, which
    /// reconciliation later finds orphaned; an undo attaches it again).
    ProfileImage,
}

impl ProfileField {
    pub const ALL: [ProfileField; 3] = [Self::DisplayName, Self::Bio, Self::ProfileImage];

    /// The name in audit rows and commands (`display_name`, `bio`, `profile_image`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DisplayName => "display_name",
            Self::Bio => "bio",
            Self::ProfileImage => "profile_image",
        }
    }

    /// The words for a person.
    pub fn label(self) -> &'static str {
        match self {
            Self::DisplayName => "display name",
            Self::Bio => "bio",
            Self::ProfileImage => "avatar",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "display_name" | "name" => Some(Self::DisplayName),
            "bio" => Some(Self::Bio),
            "profile_image" | "avatar" | "image" => Some(Self::ProfileImage),
            _ => None,
        }
    }

    /// The field's value in `profile`.
    pub fn value(self, profile: &UserProfile) -> Option<&str> {
        match self {
            Self::DisplayName => profile.display_name.as_deref(),
            Self::Bio => profile.bio.as_deref(),
            Self::ProfileImage => profile.profile_image_key.as_deref(),
        }
    }
}

/// A moderator's change to someone else's profile: each field set to its value (`None`
/// clears it), written with its audit row (`action`, the fields' values before and after) in
/// one transaction. Each of `expected` must hold when the change is made, or nothing is
/// written (an undo puts a value back only over the value it took away).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileModeration {
    pub sub: UserSub,
    pub set: Vec<(ProfileField, Option<String>)>,
    pub expected: Vec<(ProfileField, Option<String>)>,
    pub action: AuditAction,
    pub actor: Actor,
    pub reason: Reason,
}

/// The profile before and after a [`ProfileModeration`], and its audit row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileModerationOutcome {
    pub before: UserProfile,
    pub after: UserProfile,
    pub audit_id: AuditId,
}

/// A row of the audit log. `before` and `after` are JSON snapshots of what changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub id: AuditId,
    pub actor: String,
    pub action: AuditAction,
    pub target_kind: AuditKind,
    pub target_id: String,
    pub reason: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// An audit row to write for an action taken outside the content store (e.g. a Cognito
/// account action from the console).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    pub actor: Actor,
    pub action: AuditAction,
    pub target_kind: AuditKind,
    pub target_id: String,
    pub reason: Option<Reason>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Which audit rows to list, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub target_kind: Option<AuditKind>,
    pub target_id: Option<String>,
    /// Rows written at or after this instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<DateTime<Utc>>,
    /// Rows written before this instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    pub id: NotificationId,
    pub recipient_sub: UserSub,
    pub kind: NotificationKind,
    pub actor_sub: UserSub,
    pub post_id: Option<PostId>,
    pub comment_id: Option<CommentId>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// Which notifications to mark read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkRead {
    /// These ids (others' ids are ignored, never touched).
    Ids(Vec<NotificationId>),
    /// Everything up to and including this id.
    UpTo(NotificationId),
}

/// How much a user has written and how often they were reported, for support's detail view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityCounts {
    pub posts: i64,
    pub comments: i64,
    pub reports_filed: i64,
    pub reports_against: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn unknown_status_names_the_choices() {
        let err = "deleted".parse::<ContentStatus>().unwrap_err();
        assert_eq!(
            err.message,
            "'deleted' is not one of: visible, hidden, removed"
        );
    }

    #[test]
    fn hiding_a_hidden_post_does_not_apply() {
        assert!(!ModerationAction::Hide.applies_to(ContentStatus::Hidden));
        assert!(ModerationAction::Restore.applies_to(ContentStatus::Removed));
        assert!(!ModerationAction::Remove.applies_to(ContentStatus::Removed));
    }

    #[test]
    fn target_round_trips_through_its_columns() {
        let target = Target::Post(PostId::new(42).unwrap());
        assert_eq!(
            Target::from_parts(target.kind(), &target.id_text()).unwrap(),
            target
        );
    }

    #[test]
    fn actor_must_not_be_blank() {
        assert!(Actor::parse("  ").is_err());
        assert!(Actor::parse("arn:aws:iam::123456789012:user/ops").is_ok());
    }

    proptest! {
        #[test]
        fn enum_parsers_never_panic(s in any::<String>()) {
            let _ = s.parse::<ContentStatus>();
            let _ = s.parse::<TargetKind>();
            let _ = s.parse::<ReportStatus>();
            let _ = Actor::parse(&s);
        }

        #[test]
        fn every_status_round_trips(i in 0usize..3) {
            let status = ContentStatus::ALL[i];
            prop_assert_eq!(status.as_str().parse::<ContentStatus>().unwrap(), status);
        }
    }

    /// A newest-first filter reads as it did before the order could be chosen, so cursors
    /// handed out before (the apps', mid-scroll during a deployment) stay valid.
    #[test]
    fn the_default_order_leaves_the_filter_as_it_was() {
        let newest = serde_json::to_string(&PostFilter::default()).unwrap();
        assert!(!newest.contains("oldest_first"), "{newest}");
        let oldest = PostFilter {
            oldest_first: true,
            ..PostFilter::default()
        };
        let text = serde_json::to_string(&oldest).unwrap();
        assert_eq!(serde_json::from_str::<PostFilter>(&text).unwrap(), oldest);
        assert_eq!(
            serde_json::from_str::<PostFilter>(&newest).unwrap(),
            PostFilter::default()
        );
    }
}
