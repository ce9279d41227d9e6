use crate::error::DomainResult;
use crate::model::{
    ActivityCounts, Actor, AuditEntry, AuditFilter, AuditId, Comment, CommentFilter, CommentId,
    ImageRef, ImageRefKind, MarkRead, Moderation, ModerationOutcome, NewAuditEntry, NewComment,
    NewPost, NewProfile, NewReport, Notification, Page, PageRequest, Post, PostEdit, PostFilter,
    PostId, PostRevision, ProfileModeration, ProfileModerationOutcome, ProfileUpdate, QueueFilter,
    Reason, ReasonCount, Report, ReportFilter, ReportGroup, ReportId, ReportResolution, Target,
    TargetSummary, Thread, Thumbnail, UserProfile, UserSub,
};
use async_trait::async_trait;
use std::collections::HashSet;

/// The service's relational content: profiles, posts, comments, reports, moderation with its
/// audit log, and notifications. Every listing is keyset-paged, newest first unless noted.
#[async_trait]
pub trait ContentStore: Send + Sync {
    async fn get_profile(&self, sub: &UserSub) -> DomainResult<UserProfile>;
    /// The profile rows of those of `subs` that have one (at most 1,000 a call).
    async fn get_profiles(&self, subs: &[UserSub]) -> DomainResult<Vec<UserProfile>>;
    /// Profiles whose display name holds `text` (any case), in sub order.
    async fn search_profiles(
        &self,
        text: &str,
        page: PageRequest,
    ) -> DomainResult<Page<UserProfile>>;
    /// Creates the row, or refreshes e-mail and name when it exists (the trigger may run twice).
    async fn upsert_profile(&self, profile: &NewProfile) -> DomainResult<UserProfile>;
    /// The owner's edit of their profile. A user without a row (signed up before the trigger
    /// was deployed, or its run failed) gets one: the edit is how they make it. A blocked
    /// account is refused either way.
    async fn update_profile(
        &self,
        sub: &UserSub,
        update: &ProfileUpdate,
    ) -> DomainResult<UserProfile>;

    /// A moderator's change to someone's profile fields (a clear, or an undo putting values
    /// back), written with its audit row in one transaction. Fails with Conflict when one of
    /// `expected` no longer holds or the row changed meanwhile, NotFound without a row.
    async fn moderate_profile(
        &self,
        moderation: &ProfileModeration,
    ) -> DomainResult<ProfileModerationOutcome>;
    /// Deletes a profile row (an account's deletion) with its `profile.delete` audit row,
    /// which names the fields the row held but keeps none of their values. `None` when there
    /// was no row.
    async fn delete_profile(
        &self,
        sub: &UserSub,
        actor: &Actor,
        reason: &Reason,
    ) -> DomainResult<Option<AuditId>>;

    async fn create_post(&self, post: &NewPost) -> DomainResult<Post>;
    async fn get_post(&self, id: PostId) -> DomainResult<Post>;
    /// The author's edit. Fails with NotFound for removed posts.
    async fn edit_post(&self, id: PostId, edit: &PostEdit) -> DomainResult<Post>;
    /// What the post's edits replaced, newest first (at most 100): the words a report was
    /// about, when the author has edited them since.
    async fn post_history(&self, id: PostId) -> DomainResult<Vec<PostRevision>>;
    async fn list_posts(&self, filter: &PostFilter, page: PageRequest) -> DomainResult<Page<Post>>;

    /// Creates the comment and notifies the post's author (unless they wrote it), atomically.
    async fn create_comment(&self, comment: &NewComment) -> DomainResult<Comment>;
    async fn get_comment(&self, id: CommentId) -> DomainResult<Comment>;
    /// Comments oldest first when filtered by post, newest first otherwise.
    async fn list_comments(
        &self,
        filter: &CommentFilter,
        page: PageRequest,
    ) -> DomainResult<Page<Comment>>;
    /// A post and the first page of its visible-or-not comments, oldest first.
    async fn thread(&self, post: PostId, page: PageRequest) -> DomainResult<Thread>;

    async fn file_report(&self, report: &NewReport) -> DomainResult<Report>;
    async fn get_report(&self, id: ReportId) -> DomainResult<Report>;
    async fn list_reports(
        &self,
        filter: &ReportFilter,
        page: PageRequest,
    ) -> DomainResult<Page<Report>>;
    /// Every report (any status) on any of `targets` (at most 1,000 targets), newest first,
    /// at most [`REPORTS_ON_MAX`](crate::model::REPORTS_ON_MAX) of them: what a thread shows
    /// beside its post and comments. A report no release writes is left out and said in the
    /// page's `left_out` (there is no next page).
    async fn reports_on(&self, targets: &[Target]) -> DomainResult<Page<Report>>;
    /// Targets with open reports that `filter` keeps, most-reported first, then the longest
    /// waiting.
    async fn report_queue(
        &self,
        filter: &QueueFilter,
        page: PageRequest,
    ) -> DomainResult<Page<ReportGroup>>;
    /// What each of `targets` is (author, text, status), for those that exist (at most 1,000).
    async fn summarize_targets(&self, targets: &[Target]) -> DomainResult<Vec<TargetSummary>>;
    /// The open reports on each of `targets` counted by reason, most given first (at most
    /// 1,000 targets).
    async fn open_reasons(
        &self,
        targets: &[Target],
    ) -> DomainResult<Vec<(Target, Vec<ReasonCount>)>>;
    /// Closes one open report and writes its audit row in the same transaction.
    async fn resolve_report(
        &self,
        id: ReportId,
        resolution: ReportResolution,
        actor: &Actor,
        reason: &Reason,
    ) -> DomainResult<Report>;

    /// Hides, restores or removes a post or comment and writes the audit row in the same
    /// transaction. A concurrent change to the same target makes this fail with Conflict.
    async fn moderate(&self, moderation: &Moderation) -> DomainResult<ModerationOutcome>;
    /// Applies each moderation on its own; one failure does not undo or stop the others.
    async fn moderate_many(
        &self,
        moderations: &[Moderation],
    ) -> Vec<DomainResult<ModerationOutcome>>;

    async fn record_audit(&self, entry: &NewAuditEntry) -> DomainResult<AuditId>;
    async fn get_audit(&self, id: AuditId) -> DomainResult<AuditEntry>;
    async fn list_audit(
        &self,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> DomainResult<Page<AuditEntry>>;

    async fn list_notifications(
        &self,
        recipient: &UserSub,
        unread_only: bool,
        page: PageRequest,
    ) -> DomainResult<Page<Notification>>;
    /// Marks the recipient's notifications read; returns how many changed.
    async fn mark_notifications_read(
        &self,
        recipient: &UserSub,
        which: &MarkRead,
    ) -> DomainResult<u64>;

    async fn activity_counts(&self, sub: &UserSub) -> DomainResult<ActivityCounts>;

    /// Records thumbnails of one source object, replacing any earlier record of the same width
    /// (the trigger may run twice for one upload).
    async fn record_thumbnails(&self, thumbnails: &[Thumbnail]) -> DomainResult<()>;
    /// The recorded thumbnails of a source object, narrowest first.
    async fn thumbnails(&self, source_key: &str) -> DomainResult<Vec<Thumbnail>>;

    /// Rows that point at object keys (posts' images or profile images), in id order.
    async fn list_image_refs(
        &self,
        kind: ImageRefKind,
        page: PageRequest,
    ) -> DomainResult<Page<ImageRef>>;
    /// Which of `keys` any post or profile points at (at most 1,000 keys a call).
    async fn referenced_keys(&self, keys: &[String]) -> DomainResult<HashSet<String>>;
    /// Everyone who wrote a post or a comment, once each, in sub order.
    async fn list_author_subs(&self, page: PageRequest) -> DomainResult<Page<UserSub>>;
    /// The subs of the profiles whose e-mail is `email` in any case (at most `limit`): the
    /// directory compares e-mails exactly, the profile rows back a lookup it misses.
    async fn subs_with_email(&self, email: &str, limit: u32) -> DomainResult<Vec<UserSub>>;
    /// Which of `subs` have a profile row (at most 1,000 a call).
    async fn existing_profiles(&self, subs: &[UserSub]) -> DomainResult<HashSet<UserSub>>;
    /// Marks an account blocked, or clears the mark: the API refuses a blocked caller's
    /// requests (tokens stay valid after Cognito's sign-out). Written by a ban and a disable,
    /// cleared by an unban and an enable; `actor` is kept with the change.
    async fn set_blocked(&self, sub: &UserSub, blocked: bool, actor: &Actor) -> DomainResult<()>;
    /// Whether the account is blocked (no mark: not blocked).
    async fn is_blocked(&self, sub: &UserSub) -> DomainResult<bool>;
}
