//! The routes. Each one: who is calling, what they may do, one call to a store, the answer.
//! Content a caller may not see answers 404, never 403, so ids cannot be probed.

use super::error::ApiError;
use super::extract::{Caller, JsonBody, Paging, PathText, query_param};
use super::post_json;
use super::{ApiState, while_waiting};
use crate::DomainError;
use crate::model::{
    Bio, Comment, CommentBody, CommentFilter, CommentId, ContentStatus, Cursor, DisplayName, Email,
    MarkRead, Moderation, ModerationAction, ModerationTarget, NewComment, NewPost, NewProfile,
    NewReport, NotificationId, ObjectKey, Page, PageRequest, Post, PostBody, PostEdit, PostFilter,
    PostId, ProfileUpdate, Reason, ReportNote, Target, UserProfile, UserSub, Username,
};
use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::json;

type Answer = Result<Response, ApiError>;

/// Posts `GET /user/sync` returns.
const SYNC_POSTS: u32 = 20;
/// Pages of the caller's posts `GET /user/sync` reads at most for its posts not removed.
const SYNC_PAGES: usize = 10;
/// Why an owner's own delete is in the audit log.
const OWNER_DELETE_REASON: &str = "deleted by its author";

fn ok<T: Serialize>(value: T) -> Answer {
    Ok(Json(value).into_response())
}

fn created<T: Serialize>(value: T) -> Answer {
    Ok((StatusCode::CREATED, Json(value)).into_response())
}

/// A page as clients see it: `{"items": [...], "cursor": "..." | null}`.
#[derive(Debug, Serialize)]
pub(super) struct PageView<T> {
    pub(super) items: Vec<T>,
    pub(super) cursor: Option<String>,
}

impl<T> From<Page<T>> for PageView<T> {
    fn from(page: Page<T>) -> Self {
        Self {
            items: page.items,
            cursor: page.next.map(|c| c.as_str().to_string()),
        }
    }
}

/// A post with a short-lived URL to its image (the bucket is private).
/// `super::post_json` writes it by hand for the answers that are one post or a page of them;
/// this derive is the shape it is held to.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PostView {
    #[serde(flatten)]
    pub(super) post: Post,
    pub(super) image_url: Option<String>,
}

async fn post_view(state: &ApiState, post: Post) -> PostView {
    let image_url = image_url(state, &post).await;
    PostView { post, image_url }
}

/// A short-lived URL to the post's image, if it has one (and it can be signed).
async fn image_url(state: &ApiState, post: &Post) -> Option<String> {
    let key = post.image_key.as_ref()?;
    state
        .objects
        .presign_get(&state.bucket, key, state.limits.image_url_ttl)
        .await
        .map_err(|e| tracing::warn!(post = post.id.get(), error = %e.chain(), "no image URL"))
        .ok()
        .map(|p| p.url)
}

/// A profile as the apps get it: with `profileImageUrl`, a presigned GET of the picture (the
/// bucket is private, and no route turned the key into something an app could show).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ProfileView {
    #[serde(flatten)]
    profile: UserProfile,
    profile_image_url: Option<String>,
}

async fn profile_view(state: &ApiState, profile: UserProfile) -> ProfileView {
    let profile_image_url = match &profile.profile_image_key {
        Some(key) => state
            .objects
            .presign_get(&state.bucket, key, state.limits.image_url_ttl)
            .await
            .map_err(|e| tracing::warn!(error = %e.chain(), "no profile image URL"))
            .ok()
            .map(|p| p.url),
        None => None,
    };
    ProfileView {
        profile,
        profile_image_url,
    }
}

/// One post as the answer, written by `post_json`.
async fn post_answer(state: &ApiState, status: StatusCode, post: Post) -> Answer {
    Ok(post_json::answer(
        status,
        post_view(state, post).await.to_json(),
    ))
}

/// Each post's image URL, in order; none at all when no post has an image (then nothing is
/// awaited or allocated).
async fn image_urls(state: &ApiState, posts: &[Post]) -> Vec<Option<String>> {
    if posts.iter().all(|post| post.image_key.is_none()) {
        return Vec::new();
    }
    let mut urls = Vec::with_capacity(posts.len());
    for post in posts {
        urls.push(image_url(state, post).await);
    }
    urls
}

async fn post_views(state: &ApiState, page: Page<Post>) -> PageView<PostView> {
    let mut urls = image_urls(state, &page.items).await.into_iter();
    PageView {
        items: page
            .items
            .into_iter()
            .map(|post| PostView {
                post,
                image_url: urls.next().flatten(),
            })
            .collect(),
        cursor: page.next.map(|c| c.as_str().to_string()),
    }
}

fn path_id<T>(raw: &str, parse: impl Fn(&str) -> Result<T, crate::Invalid>) -> Result<T, ApiError> {
    parse(raw).map_err(|_| ApiError::invalid("id", "must be a positive whole number"))
}

/// Whether the caller may read this content: visible to all; hidden to its author; anything
/// to an admin.
fn may_see(caller: &Caller, author: &UserSub, status: ContentStatus) -> bool {
    status == ContentStatus::Visible
        || caller.is_admin
        || (caller.owns(author) && status == ContentStatus::Hidden)
}

async fn visible_post(state: &ApiState, caller: &Caller, id: PostId) -> Result<Post, ApiError> {
    let post = state.content.get_post(id).await?;
    if may_see(caller, &post.author_sub, post.status) {
        Ok(post)
    } else {
        Err(ApiError::not_found(format!("post {id}")))
    }
}

/// An image key the caller names must be theirs (`{prefix}/{sub}/…`) and already uploaded.
async fn own_upload(
    state: &ApiState,
    caller: &Caller,
    field: &'static str,
    prefix: &str,
    raw: &str,
) -> Result<ObjectKey, ApiError> {
    let key = ObjectKey::parse(raw).map_err(|e| ApiError::invalid(field, e.message))?;
    let own = format!("{prefix}/{}/", caller.sub);
    if !key.as_str().starts_with(&own) {
        return Err(ApiError::invalid(
            field,
            format!("must be a key under {own} (from POST /uploads)"),
        ));
    }
    match state.objects.head(&state.bucket, key.as_str()).await {
        Ok(_) => Ok(key),
        Err(DomainError::NotFound(_)) => Err(ApiError::invalid(
            field,
            "names no uploaded object; upload it first",
        )),
        Err(e) => Err(e.into()),
    }
}

/// A moderation `reason` from a JSON body or `?reason=`; admins must give one.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ReasonBody {
    /// `Some(None)`: sent as `null`, which is refused as every text field's `null` is.
    #[serde(default, deserialize_with = "present")]
    reason: Option<Option<String>>,
}

/// The `reason` a delete gives, from its JSON body or `?reason=`. A `null` one is refused (it
/// read as none: an admin was told to give a reason they had sent), and so is one given both
/// ways (the body's won without a word).
fn given_reason(uri: &Uri, body: Option<ReasonBody>) -> Result<Option<String>, ApiError> {
    let in_body = match body.and_then(|b| b.reason) {
        Some(None) => {
            return Err(ApiError::invalid(
                "reason",
                "is null; leave it out to give none",
            ));
        }
        Some(Some(reason)) => Some(reason),
        None => None,
    };
    match (in_body, query_param(uri, "reason")) {
        (Some(_), Some(_)) => Err(ApiError::invalid(
            "reason",
            "given twice (in the body and as ?reason=): send it once",
        )),
        (one, other) => Ok(one.or(other)),
    }
}

/// Removes content: its author (audited under their sub, with the reason they gave after
/// [`OWNER_DELETE_REASON`]: it was dropped without a word) or an admin with a reason.
async fn remove(
    state: &ApiState,
    caller: &Caller,
    target: ModerationTarget,
    author: &UserSub,
    given: Option<String>,
) -> Answer {
    let parsed =
        |raw: String| Reason::parse(raw).map_err(|e| ApiError::invalid("reason", e.message));
    let (actor, reason) = if caller.owns(author) {
        let reason = match given.filter(|g| !g.trim().is_empty()) {
            // Held to a reason's own limits, as an admin's and a report's are (`ab` passed,
            // the prefix counting toward its three characters).
            Some(why) => {
                parsed(why.trim().to_string())?;
                parsed(format!("{OWNER_DELETE_REASON}: {}", why.trim()))?
            }
            None => Reason::parse(OWNER_DELETE_REASON)?,
        };
        (caller.actor(false), reason)
    } else if caller.is_admin {
        let why = given.ok_or_else(|| {
            ApiError::invalid(
                "reason",
                "an admin removing someone else's content gives a reason",
            )
        })?;
        (caller.actor(true), parsed(why)?)
    } else {
        return Err(ApiError::forbidden(
            "only the author or an admin may delete this",
        ));
    };
    state
        .content
        .moderate(&Moderation {
            target,
            action: ModerationAction::Remove,
            actor,
            reason,
        })
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---- profile -------------------------------------------------------------------------------

pub(super) async fn get_profile(State(state): State<ApiState>, caller: Caller) -> Answer {
    let profile = state.content.get_profile(&caller.sub).await?;
    ok(profile_view(&state, profile).await)
}

/// What any signed-in caller sees of a person: the name, the bio and the picture a feed shows
/// beside a post (posts carry only `authorSub`, and an app could show nothing else); never
/// the e-mail.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PersonView {
    sub: UserSub,
    display_name: Option<String>,
    bio: Option<String>,
    profile_image_url: Option<String>,
}

/// `GET /users/{sub}`: a person as [`PersonView`] shows them.
pub(super) async fn get_person(
    State(state): State<ApiState>,
    _caller: Caller,
    PathText(sub): PathText,
) -> Answer {
    let sub = UserSub::parse(&sub).map_err(|_| ApiError::invalid("sub", "must be a user's sub"))?;
    let profile = match state.content.get_profile(&sub).await {
        Ok(profile) => profile,
        Err(DomainError::NotFound(_)) => return Err(ApiError::not_found(format!("user {sub}"))),
        Err(e) => return Err(e.into()),
    };
    let view = profile_view(&state, profile).await;
    ok(PersonView {
        sub: view.profile.sub,
        display_name: view.profile.display_name,
        bio: view.profile.bio,
        profile_image_url: view.profile_image_url,
    })
}

/// A field an app may send or leave out, but not send as `null` (`"bio": null` said "give at
/// least one of …", as if it had not been sent).
fn not_null<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<String>::deserialize(d)? {
        Some(value) => Ok(Some(value)),
        None => Err(serde::de::Error::custom(
            "must be a string (leave the field out to keep it as it is)",
        )),
    }
}

/// Unknown fields are refused, naming the field: a misspelt one (`nickname`, or the answer's
/// `profileImageKey`) was dropped without a word and the change silently not made.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct ProfileBody {
    #[serde(default, deserialize_with = "not_null")]
    display_name: Option<String>,
    /// `""` clears the bio.
    #[serde(default, deserialize_with = "not_null")]
    bio: Option<String>,
    /// `null` removes the picture. `profileImageKey`, as the profile is answered, is the same
    /// field.
    #[serde(default, deserialize_with = "present", alias = "profileImageKey")]
    profile_image: Option<Option<String>>,
}

pub(super) async fn put_profile(
    State(state): State<ApiState>,
    caller: Caller,
    JsonBody(body): JsonBody<ProfileBody>,
) -> Answer {
    if body.display_name.is_none() && body.bio.is_none() && body.profile_image.is_none() {
        return Err(ApiError::invalid(
            "body",
            "give at least one of displayName, bio, profileImage",
        ));
    }
    let update = ProfileUpdate {
        display_name: body.display_name.map(DisplayName::parse).transpose()?,
        bio: body.bio.map(Bio::parse).transpose()?,
        profile_image_key: match body.profile_image {
            Some(Some(key)) => Some(Some(
                own_upload(&state, &caller, "profileImage", "profiles", &key).await?,
            )),
            Some(None) => Some(None),
            None => None,
        },
    };
    let profile = state.content.update_profile(&caller.sub, &update).await?;
    let profile = with_email(&state, &caller, profile).await;
    ok(profile_view(&state, profile).await)
}

/// A profile without an e-mail (made just now by its owner's first edit, where the sign-up
/// trigger's row was missing) takes the pool's, as the trigger's row would have: the console
/// finds people by it. A pool that cannot be read leaves it without, and the edit stands.
async fn with_email(state: &ApiState, caller: &Caller, profile: UserProfile) -> UserProfile {
    let Some(directory) = state.directory.as_ref().filter(|_| profile.email.is_none()) else {
        return profile;
    };
    let email = match Username::from_directory(caller.username.clone()) {
        Ok(username) => match directory.get_user(&username).await {
            Ok(user) => user.email.and_then(|e| Email::parse(e).ok()),
            Err(e) => {
                tracing::warn!(error = %e.chain(), "the profile's e-mail could not be read from the pool");
                None
            }
        },
        Err(_) => None,
    };
    let Some(email) = email else {
        return profile;
    };
    let refreshed = state
        .content
        .upsert_profile(&NewProfile {
            sub: caller.sub.clone(),
            email: Some(email),
            display_name: None,
        })
        .await;
    match refreshed {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e.chain(), "the profile's e-mail could not be written");
            profile
        }
    }
}

/// What the mobile app fetches on start and resume.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Sync {
    profile: Option<ProfileView>,
    posts: Vec<PostView>,
    notifications: PageView<crate::model::Notification>,
    server_time: chrono::DateTime<chrono::Utc>,
}

pub(super) async fn sync(
    State(state): State<ApiState>,
    caller: Caller,
    Paging(page): Paging,
) -> Answer {
    let profile = match state.content.get_profile(&caller.sub).await {
        Ok(p) => Some(profile_view(&state, p).await),
        Err(DomainError::NotFound(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let own = PostFilter {
        author: Some(caller.sub.clone()),
        ..PostFilter::default()
    };
    // The latest not removed: a page of 20 filtered afterwards gave a user who had deleted
    // their last posts fewer, or none. Read page after page, at most SYNC_PAGES of them.
    let mut kept: Vec<Post> = Vec::with_capacity(SYNC_POSTS as usize);
    let mut request = PageRequest::first(SYNC_POSTS);
    for _ in 0..SYNC_PAGES {
        let page = state.content.list_posts(&own, request).await?;
        kept.extend(
            page.items
                .into_iter()
                .filter(|p| p.status != ContentStatus::Removed),
        );
        match page.next {
            Some(cursor) if kept.len() < SYNC_POSTS as usize => {
                request = PageRequest::after(cursor, SYNC_POSTS);
            }
            _ => break,
        }
    }
    kept.truncate(SYNC_POSTS as usize);
    let posts = Page::new(kept, None);
    let notifications = state
        .content
        .list_notifications(&caller.sub, true, page)
        .await?;
    let posts = post_views(&state, posts).await.items;
    ok(Sync {
        profile,
        posts,
        notifications: notifications.into(),
        server_time: crate::model::now_millis(),
    })
}

// ---- posts ---------------------------------------------------------------------------------

pub(super) async fn list_posts(
    State(state): State<ApiState>,
    _caller: Caller,
    Paging(page): Paging,
    request: Request,
) -> Answer {
    let author = query_param(request.uri(), "author")
        .map(|a| UserSub::parse(a).map_err(|e| ApiError::invalid("author", e.message)))
        .transpose()?;
    let filter = PostFilter {
        status: Some(ContentStatus::Visible),
        author,
        ..PostFilter::default()
    };
    // The rest of the request (its headers, API Gateway's context, the claims) is freed while
    // the database answers instead of before the query is sent.
    let posts = while_waiting(state.content.list_posts(&filter, page), move || {
        drop(request)
    })
    .await?;
    let urls = image_urls(&state, &posts.items).await;
    Ok(post_json::answer(
        StatusCode::OK,
        post_json::posts_page(&posts.items, &urls, posts.next.as_ref().map(Cursor::as_str)),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct NewPostBody {
    body: String,
    image_key: Option<String>,
}

pub(super) async fn create_post(
    State(state): State<ApiState>,
    caller: Caller,
    JsonBody(body): JsonBody<NewPostBody>,
) -> Answer {
    let post = NewPost {
        author_sub: caller.sub.clone(),
        body: PostBody::parse(body.body)?,
        image_key: match body.image_key {
            Some(key) => Some(own_upload(&state, &caller, "imageKey", "posts", &key).await?),
            None => None,
        },
    };
    let post = state.content.create_post(&post).await?;
    post_answer(&state, StatusCode::CREATED, post).await
}

pub(super) async fn get_post(
    State(state): State<ApiState>,
    caller: Caller,
    PathText(id): PathText,
) -> Answer {
    let id = path_id(&id, |s| PostId::parse(s))?;
    let post = visible_post(&state, &caller, id).await?;
    post_answer(&state, StatusCode::OK, post).await
}

/// Tells "field absent" (leave alone) from `null` (clear it).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct EditPostBody {
    #[serde(default, deserialize_with = "not_null")]
    body: Option<String>,
    #[serde(default, deserialize_with = "present")]
    image_key: Option<Option<String>>,
}

pub(super) async fn edit_post(
    State(state): State<ApiState>,
    caller: Caller,
    PathText(id): PathText,
    JsonBody(body): JsonBody<EditPostBody>,
) -> Answer {
    let id = path_id(&id, |s| PostId::parse(s))?;
    let post = visible_post(&state, &caller, id).await?;
    if !caller.owns(&post.author_sub) {
        return Err(ApiError::forbidden("only the author may edit a post"));
    }
    if body.body.is_none() && body.image_key.is_none() {
        return Err(ApiError::invalid("body", "give body or imageKey to change"));
    }
    let image_key = match body.image_key {
        Some(Some(key)) => Some(Some(
            own_upload(&state, &caller, "imageKey", "posts", &key).await?,
        )),
        Some(None) => Some(None),
        None => None,
    };
    let edit = PostEdit {
        body: body.body.map(PostBody::parse).transpose()?,
        image_key,
    };
    let post = state.content.edit_post(id, &edit).await?;
    post_answer(&state, StatusCode::OK, post).await
}

pub(super) async fn delete_post(
    State(state): State<ApiState>,
    caller: Caller,
    PathText(id): PathText,
    uri: Uri,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Answer {
    let id = path_id(&id, |s| PostId::parse(s))?;
    let given = optional_json(&headers, &body)?;
    let post = visible_post(&state, &caller, id).await?;
    if post.status == ContentStatus::Removed {
        return Err(ApiError::not_found(format!("post {id}")));
    }
    remove(
        &state,
        &caller,
        ModerationTarget::Post(id),
        &post.author_sub,
        given_reason(&uri, given)?,
    )
    .await
}

/// A DELETE may carry `{"reason": …}`; an empty body is fine. One that is there is held to a
/// body's rules whoever sends it (an author's `[]` or text/plain body was ignored, an admin's
/// text/plain one read).
fn optional_json(
    headers: &axum::http::HeaderMap,
    body: &[u8],
) -> Result<Option<ReasonBody>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    super::extract::sent_as_json(headers)?;
    super::parse_json(body).map(Some)
}

// ---- comments ------------------------------------------------------------------------------

pub(super) async fn list_comments(
    State(state): State<ApiState>,
    caller: Caller,
    PathText(id): PathText,
    Paging(page): Paging,
    request: Request,
) -> Answer {
    let id = path_id(&id, |s| PostId::parse(s))?;
    // As for the posts: the rest of the request is freed while the database answers.
    while_waiting(visible_post(&state, &caller, id), move || drop(request)).await?;
    let filter = CommentFilter {
        post: Some(id),
        status: (!caller.is_admin).then_some(ContentStatus::Visible),
        ..CommentFilter::default()
    };
    let page: Page<Comment> = state.content.list_comments(&filter, page).await?;
    ok(PageView::from(page))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NewCommentBody {
    body: String,
}

pub(super) async fn create_comment(
    State(state): State<ApiState>,
    caller: Caller,
    PathText(id): PathText,
    JsonBody(body): JsonBody<NewCommentBody>,
) -> Answer {
    let id = path_id(&id, |s| PostId::parse(s))?;
    let post = visible_post(&state, &caller, id).await?;
    if post.status != ContentStatus::Visible {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            "comments are closed on a post that is not visible",
        ));
    }
    let comment = state
        .content
        .create_comment(&NewComment {
            post_id: id,
            author_sub: caller.sub.clone(),
            body: CommentBody::parse(body.body)?,
        })
        .await?;
    created(comment)
}

pub(super) async fn delete_comment(
    State(state): State<ApiState>,
    caller: Caller,
    PathText(id): PathText,
    uri: Uri,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Answer {
    let id = path_id(&id, |s| CommentId::parse(s))?;
    let given = optional_json(&headers, &body)?;
    let comment = state.content.get_comment(id).await?;
    if comment.status == ContentStatus::Removed
        || !may_see(&caller, &comment.author_sub, comment.status)
    {
        return Err(ApiError::not_found(format!("comment {id}")));
    }
    remove(
        &state,
        &caller,
        ModerationTarget::Comment(id),
        &comment.author_sub,
        given_reason(&uri, given)?,
    )
    .await
}

// ---- reports -------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ReportBody {
    reason: String,
    note: Option<String>,
}

async fn file_report(
    state: &ApiState,
    caller: &Caller,
    target: Target,
    body: ReportBody,
) -> Answer {
    let report = NewReport {
        target,
        reporter_sub: caller.sub.clone(),
        reason: Reason::parse(body.reason)?,
        // An empty note is no note (it was kept as "" and shown as `spam by ann — `).
        note: body
            .note
            .filter(|n| !n.trim().is_empty())
            .map(ReportNote::parse)
            .transpose()?,
    };
    match state.content.file_report(&report).await {
        Ok(report) => created(report),
        Err(DomainError::Conflict(_)) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            "you already have an open report on this",
        )),
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn report_post(
    State(state): State<ApiState>,
    caller: Caller,
    PathText(id): PathText,
    JsonBody(body): JsonBody<ReportBody>,
) -> Answer {
    let id = path_id(&id, |s| PostId::parse(s))?;
    let post = visible_post(&state, &caller, id).await?;
    // As with a person: nobody reports their own words (the open report then locked the
    // author out of editing the post until a moderator closed it).
    if caller.owns(&post.author_sub) {
        return Err(ApiError::invalid("id", "you cannot report your own post"));
    }
    file_report(&state, &caller, Target::Post(id), body).await
}

pub(super) async fn report_comment(
    State(state): State<ApiState>,
    caller: Caller,
    PathText(id): PathText,
    JsonBody(body): JsonBody<ReportBody>,
) -> Answer {
    let id = path_id(&id, |s| CommentId::parse(s))?;
    let comment = state.content.get_comment(id).await?;
    if !may_see(&caller, &comment.author_sub, comment.status) {
        return Err(ApiError::not_found(format!("comment {id}")));
    }
    // A comment under a post the caller cannot see does not exist for them either (its id
    // must not tell them the post is there).
    let post = state.content.get_post(comment.post_id).await?;
    if !may_see(&caller, &post.author_sub, post.status) {
        return Err(ApiError::not_found(format!("comment {id}")));
    }
    if caller.owns(&comment.author_sub) {
        return Err(ApiError::invalid(
            "id",
            "you cannot report your own comment",
        ));
    }
    file_report(&state, &caller, Target::Comment(id), body).await
}

/// A report on a person (their name, bio or avatar): the user must have a profile, and nobody
/// reports themselves.
pub(super) async fn report_user(
    State(state): State<ApiState>,
    caller: Caller,
    PathText(sub): PathText,
    JsonBody(body): JsonBody<ReportBody>,
) -> Answer {
    let sub = UserSub::parse(&sub).map_err(|_| ApiError::invalid("sub", "must be a user's sub"))?;
    if caller.owns(&sub) {
        return Err(ApiError::invalid("sub", "you cannot report yourself"));
    }
    match state.content.get_profile(&sub).await {
        Ok(_) => {}
        Err(DomainError::NotFound(_)) => return Err(ApiError::not_found(format!("user {sub}"))),
        Err(e) => return Err(e.into()),
    }
    file_report(&state, &caller, Target::User(sub), body).await
}

// ---- uploads -------------------------------------------------------------------------------

#[derive(Clone, Copy)]
pub(super) enum Purpose {
    Profile,
    Post,
}

impl<'de> Deserialize<'de> for Purpose {
    /// From `"post"` or `"profile"`: serde's enum took `{"post": null}` for `post` and refused
    /// a `null` as a broken body ("expected value", field `body`).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match String::deserialize(d)?.as_str() {
            "post" => Ok(Self::Post),
            "profile" => Ok(Self::Profile),
            _ => Err(serde::de::Error::custom("must be \"post\" or \"profile\"")),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct UploadBody {
    purpose: Purpose,
    content_type: String,
    /// Any JSON value, so that every size that is not a whole number in range (`-1`, `0`,
    /// `1.5`, `"abc"`, `1e20`) gets the one range sentence below (as an unsigned field it was
    /// "expected a whole number from 0", then 0 was refused too; as a signed one, `1.5` and
    /// `"abc"` got the parser's words).
    content_length: serde_json::Value,
}

/// The image types the thumbnail trigger decodes, with the extension their keys get.
const UPLOAD_TYPES: [(&str, &str); 2] = [("image/jpeg", "jpg"), ("image/png", "png")];

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UploadView {
    key: String,
    method: String,
    url: String,
    /// Send exactly these headers with the PUT: they are part of the signature.
    headers: serde_json::Map<String, serde_json::Value>,
    expires_at: chrono::DateTime<chrono::Utc>,
}

pub(super) async fn create_upload(
    State(state): State<ApiState>,
    caller: Caller,
    JsonBody(body): JsonBody<UploadBody>,
) -> Answer {
    let essence = body.content_type.trim().to_ascii_lowercase();
    let extension = UPLOAD_TYPES
        .iter()
        .find(|(t, _)| *t == essence)
        .map(|(_, ext)| *ext)
        .ok_or_else(|| ApiError::invalid("contentType", "must be image/jpeg or image/png"))?;
    let max = state.limits.max_upload_bytes;
    let content_length = body
        .content_length
        .as_u64()
        .filter(|length| (1..=max).contains(length))
        .ok_or_else(|| {
            ApiError::invalid(
                "contentLength",
                format!("must be a whole number of bytes from 1 to {max}"),
            )
        })?;
    let prefix = match body.purpose {
        Purpose::Profile => "profiles",
        Purpose::Post => "posts",
    };
    let name = super::random_hex()
        .map_err(|e| DomainError::unexpected("no randomness for an upload's name", e))?;
    let key = ObjectKey::parse(format!("{prefix}/{}/{name}.{extension}", caller.sub))?;
    let signed = state
        .objects
        .presign_put(
            &state.bucket,
            &key,
            &essence,
            content_length,
            state.limits.upload_url_ttl,
        )
        .await?;
    let headers = signed
        .headers
        .into_iter()
        .map(|(name, value)| (name, serde_json::Value::String(value)))
        .collect();
    created(UploadView {
        key: key.as_str().to_string(),
        method: signed.method,
        url: signed.url,
        headers,
        expires_at: signed.expires_at,
    })
}

// ---- notifications -------------------------------------------------------------------------

pub(super) async fn list_notifications(
    State(state): State<ApiState>,
    caller: Caller,
    Paging(page): Paging,
    uri: Uri,
) -> Answer {
    let unread_only = match query_param(&uri, "unread").as_deref() {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") => true,
        Some(_) => {
            return Err(ApiError::invalid(
                "unread",
                "must be true or false (or 1 or 0)",
            ));
        }
    };
    let page = state
        .content
        .list_notifications(&caller.sub, unread_only, page)
        .await?;
    ok(PageView::from(page))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct MarkReadBody {
    ids: Option<Vec<i64>>,
    up_to: Option<i64>,
}

pub(super) async fn mark_read(
    State(state): State<ApiState>,
    caller: Caller,
    JsonBody(body): JsonBody<MarkReadBody>,
) -> Answer {
    let which = match (body.ids, body.up_to) {
        (Some(ids), None) => MarkRead::Ids(
            ids.into_iter()
                .map(NotificationId::new)
                .collect::<Result<_, _>>()
                .map_err(|_| ApiError::invalid("ids", "must be positive whole numbers"))?,
        ),
        (None, Some(id)) => MarkRead::UpTo(
            NotificationId::new(id)
                .map_err(|_| ApiError::invalid("upTo", "must be a positive whole number"))?,
        ),
        _ => return Err(ApiError::invalid("body", "give either ids or upTo")),
    };
    let marked = state
        .content
        .mark_notifications_read(&caller.sub, &which)
        .await?;
    ok(json!({ "marked": marked }))
}

// ---- fallbacks -----------------------------------------------------------------------------

pub(super) async fn unknown_route(uri: Uri) -> ApiError {
    // A trailing slash is the commonest near miss (`/posts/`): said, with the route meant.
    let path = uri.path();
    let message = match path.strip_suffix('/') {
        Some(meant) if !meant.is_empty() => {
            format!("no such route; routes end without a slash: {meant}")
        }
        _ => "no such route".to_string(),
    };
    ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
}

pub(super) async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not take that method",
    )
}
