//! A content store that fails on purpose: each call first asks a [`Faults`] plan whether to
//! fail, then passes through, and tells an [`Outcomes`] watcher how it ended. The sandbox's
//! traffic simulator uses it for its small error rate; failure tests use it to break a chosen
//! call in the middle of a multi-step action; [`super::breaker`] uses it to answer at once
//! while the database is down.

use crate::error::{DomainError, DomainResult};
use crate::model::{
    ActivityCounts, Actor, AuditEntry, AuditFilter, AuditId, Comment, CommentFilter, CommentId,
    ImageRef, ImageRefKind, MarkRead, Moderation, ModerationOutcome, NewAuditEntry, NewComment,
    NewPost, NewProfile, NewReport, Notification, Page, PageRequest, Post, PostEdit, PostFilter,
    PostId, PostRevision, ProfileModeration, ProfileModerationOutcome, ProfileUpdate, QueueFilter,
    Reason, ReasonCount, Report, ReportFilter, ReportGroup, ReportId, ReportResolution, Target,
    TargetSummary, Thread, Thumbnail, UserProfile, UserSub,
};
use crate::ports::ContentStore;
use async_trait::async_trait;
use std::collections::HashSet;
use std::sync::Arc;

/// Decides, per call (named by its port method), whether it fails and how.
pub type Faults = Arc<dyn Fn(&'static str) -> Option<DomainError> + Send + Sync>;

/// Hears how each call that passed the plan ended: its error, or `None` for an answer.
pub type Outcomes = Arc<dyn Fn(&'static str, Option<&DomainError>) + Send + Sync>;

/// Wraps a store; calls the plan before each call.
pub struct FaultyContentStore {
    inner: Arc<dyn ContentStore>,
    faults: Faults,
    outcomes: Option<Outcomes>,
}

impl FaultyContentStore {
    pub fn new(inner: Arc<dyn ContentStore>, faults: Faults) -> Self {
        Self {
            inner,
            faults,
            outcomes: None,
        }
    }

    /// The same store, telling `outcomes` how each call it passed ended.
    pub fn with_outcomes(self, outcomes: Outcomes) -> Self {
        Self {
            outcomes: Some(outcomes),
            ..self
        }
    }

    fn heard<T>(&self, call: &'static str, result: DomainResult<T>) -> DomainResult<T> {
        if let Some(outcomes) = &self.outcomes {
            outcomes(call, result.as_ref().err());
        }
        result
    }

    fn check(&self, call: &'static str) -> DomainResult<()> {
        match (self.faults)(call) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// The error an unreachable database gives, for plans to return.
pub fn database_unavailable(call: &'static str) -> DomainError {
    DomainError::Unavailable {
        what: format!("the database (injected fault in {call})"),
        source: None,
    }
}

macro_rules! pass {
    ($self:ident, $name:ident ( $($arg:expr),* )) => {{
        $self.check(stringify!($name))?;
        let result = $self.inner.$name($($arg),*).await;
        $self.heard(stringify!($name), result)
    }};
}

#[async_trait]
impl ContentStore for FaultyContentStore {
    async fn get_profile(&self, sub: &UserSub) -> DomainResult<UserProfile> {
        pass!(self, get_profile(sub))
    }
    async fn get_audit(&self, id: AuditId) -> DomainResult<AuditEntry> {
        pass!(self, get_audit(id))
    }
    async fn moderate_profile(
        &self,
        moderation: &ProfileModeration,
    ) -> DomainResult<ProfileModerationOutcome> {
        pass!(self, moderate_profile(moderation))
    }
    async fn delete_profile(
        &self,
        sub: &UserSub,
        actor: &Actor,
        reason: &Reason,
    ) -> DomainResult<Option<AuditId>> {
        pass!(self, delete_profile(sub, actor, reason))
    }
    async fn upsert_profile(&self, profile: &NewProfile) -> DomainResult<UserProfile> {
        pass!(self, upsert_profile(profile))
    }
    async fn update_profile(
        &self,
        sub: &UserSub,
        update: &ProfileUpdate,
    ) -> DomainResult<UserProfile> {
        pass!(self, update_profile(sub, update))
    }
    async fn create_post(&self, post: &NewPost) -> DomainResult<Post> {
        pass!(self, create_post(post))
    }
    async fn get_post(&self, id: PostId) -> DomainResult<Post> {
        pass!(self, get_post(id))
    }
    async fn edit_post(&self, id: PostId, edit: &PostEdit) -> DomainResult<Post> {
        pass!(self, edit_post(id, edit))
    }
    async fn list_posts(&self, filter: &PostFilter, page: PageRequest) -> DomainResult<Page<Post>> {
        pass!(self, list_posts(filter, page))
    }
    async fn create_comment(&self, comment: &NewComment) -> DomainResult<Comment> {
        pass!(self, create_comment(comment))
    }
    async fn get_comment(&self, id: CommentId) -> DomainResult<Comment> {
        pass!(self, get_comment(id))
    }
    async fn list_comments(
        &self,
        filter: &CommentFilter,
        page: PageRequest,
    ) -> DomainResult<Page<Comment>> {
        pass!(self, list_comments(filter, page))
    }
    async fn thread(&self, post: PostId, page: PageRequest) -> DomainResult<Thread> {
        pass!(self, thread(post, page))
    }
    async fn file_report(&self, report: &NewReport) -> DomainResult<Report> {
        pass!(self, file_report(report))
    }
    async fn get_report(&self, id: ReportId) -> DomainResult<Report> {
        pass!(self, get_report(id))
    }
    async fn list_reports(
        &self,
        filter: &ReportFilter,
        page: PageRequest,
    ) -> DomainResult<Page<Report>> {
        pass!(self, list_reports(filter, page))
    }
    async fn reports_on(&self, targets: &[Target]) -> DomainResult<Page<Report>> {
        pass!(self, reports_on(targets))
    }
    async fn report_queue(
        &self,
        filter: &QueueFilter,
        page: PageRequest,
    ) -> DomainResult<Page<ReportGroup>> {
        pass!(self, report_queue(filter, page))
    }
    async fn resolve_report(
        &self,
        id: ReportId,
        resolution: ReportResolution,
        actor: &Actor,
        reason: &Reason,
    ) -> DomainResult<Report> {
        pass!(self, resolve_report(id, resolution, actor, reason))
    }
    async fn moderate(&self, moderation: &Moderation) -> DomainResult<ModerationOutcome> {
        pass!(self, moderate(moderation))
    }
    async fn moderate_many(
        &self,
        moderations: &[Moderation],
    ) -> Vec<DomainResult<ModerationOutcome>> {
        if let Err(e) = self.check("moderate_many") {
            let message = e.to_string();
            return moderations
                .iter()
                .map(|_| {
                    Err(DomainError::Unavailable {
                        what: message.clone(),
                        source: None,
                    })
                })
                .collect();
        }
        self.inner.moderate_many(moderations).await
    }
    async fn record_audit(&self, entry: &NewAuditEntry) -> DomainResult<AuditId> {
        pass!(self, record_audit(entry))
    }
    async fn list_audit(
        &self,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> DomainResult<Page<AuditEntry>> {
        pass!(self, list_audit(filter, page))
    }
    async fn list_notifications(
        &self,
        recipient: &UserSub,
        unread_only: bool,
        page: PageRequest,
    ) -> DomainResult<Page<Notification>> {
        pass!(self, list_notifications(recipient, unread_only, page))
    }
    async fn mark_notifications_read(
        &self,
        recipient: &UserSub,
        which: &MarkRead,
    ) -> DomainResult<u64> {
        pass!(self, mark_notifications_read(recipient, which))
    }
    async fn activity_counts(&self, sub: &UserSub) -> DomainResult<ActivityCounts> {
        pass!(self, activity_counts(sub))
    }
    async fn record_thumbnails(&self, thumbnails: &[Thumbnail]) -> DomainResult<()> {
        pass!(self, record_thumbnails(thumbnails))
    }
    async fn thumbnails(&self, source_key: &str) -> DomainResult<Vec<Thumbnail>> {
        pass!(self, thumbnails(source_key))
    }
    async fn list_image_refs(
        &self,
        kind: ImageRefKind,
        page: PageRequest,
    ) -> DomainResult<Page<ImageRef>> {
        pass!(self, list_image_refs(kind, page))
    }
    async fn referenced_keys(&self, keys: &[String]) -> DomainResult<HashSet<String>> {
        pass!(self, referenced_keys(keys))
    }
    async fn list_author_subs(&self, page: PageRequest) -> DomainResult<Page<UserSub>> {
        pass!(self, list_author_subs(page))
    }
    async fn subs_with_email(&self, email: &str, limit: u32) -> DomainResult<Vec<UserSub>> {
        pass!(self, subs_with_email(email, limit))
    }
    async fn existing_profiles(&self, subs: &[UserSub]) -> DomainResult<HashSet<UserSub>> {
        pass!(self, existing_profiles(subs))
    }
    async fn get_profiles(&self, subs: &[UserSub]) -> DomainResult<Vec<UserProfile>> {
        pass!(self, get_profiles(subs))
    }
    async fn search_profiles(
        &self,
        text: &str,
        page: PageRequest,
    ) -> DomainResult<Page<UserProfile>> {
        pass!(self, search_profiles(text, page))
    }
    async fn summarize_targets(&self, targets: &[Target]) -> DomainResult<Vec<TargetSummary>> {
        pass!(self, summarize_targets(targets))
    }
    async fn open_reasons(
        &self,
        targets: &[Target],
    ) -> DomainResult<Vec<(Target, Vec<ReasonCount>)>> {
        pass!(self, open_reasons(targets))
    }
    async fn set_blocked(&self, sub: &UserSub, blocked: bool, actor: &Actor) -> DomainResult<()> {
        pass!(self, set_blocked(sub, blocked, actor))
    }
    async fn is_blocked(&self, sub: &UserSub) -> DomainResult<bool> {
        pass!(self, is_blocked(sub))
    }
    async fn post_history(&self, id: PostId) -> DomainResult<Vec<PostRevision>> {
        pass!(self, post_history(id))
    }
}

#[cfg(all(test, feature = "sqlite"))]
mod tests {
    use super::*;
    use crate::adapters::sql::SqlContentStore;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn the_plan_fails_the_calls_it_names_and_passes_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let inner = SqlContentStore::<sqlx::Sqlite>::open_sqlite(&dir.path().join("c.db"))
            .await
            .unwrap();
        let seen = Arc::new(AtomicUsize::new(0));
        let counter = seen.clone();
        let store = FaultyContentStore::new(
            Arc::new(inner),
            Arc::new(move |call| {
                counter.fetch_add(1, Ordering::SeqCst);
                (call == "get_post").then(|| database_unavailable(call))
            }),
        );
        let page = store
            .list_posts(&PostFilter::default(), PageRequest::first(5))
            .await
            .unwrap();
        assert!(page.items.is_empty());
        let e = store.get_post(PostId::new(1).unwrap()).await.unwrap_err();
        assert!(e.is_transient(), "{e}");
        assert!(e.to_string().contains("get_post"), "{e}");
        assert_eq!(seen.load(Ordering::SeqCst), 2);
    }
}
