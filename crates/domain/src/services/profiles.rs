//! Moderation of people: clearing what someone put on their profile (the display name, the
//! bio, the avatar), with a reason, audited with the values before and after so an undo can put
//! them back. The avatar is detached, not deleted: its object stays until reconciliation finds
//! it orphaned, so an undo can attach it again.

use crate::error::{DomainError, DomainResult};
use crate::model::{
    Actor, AuditAction, ProfileField, ProfileModeration, ProfileModerationOutcome, Reason, UserSub,
};
use crate::ports::ContentStore;

/// Clears `fields` of the profile of `sub` (those that hold something); refuses when none do.
/// `seen` are the values the moderator was shown: each must still hold, or nothing is written
/// (empty: the values there now).
pub async fn clear(
    content: &dyn ContentStore,
    sub: &UserSub,
    fields: &[ProfileField],
    seen: &[(ProfileField, Option<String>)],
    actor: &Actor,
    reason: &Reason,
) -> DomainResult<ProfileModerationOutcome> {
    let profile = content.get_profile(sub).await?;
    let held: Vec<ProfileField> = fields
        .iter()
        .copied()
        .filter(|f| f.value(&profile).is_some())
        .collect();
    if held.is_empty() {
        let names: Vec<&str> = fields.iter().map(|f| f.label()).collect();
        return Err(DomainError::Conflict(format!(
            "the profile of {sub} has no {} to clear",
            names.join(" or ")
        )));
    }
    content
        .moderate_profile(&ProfileModeration {
            sub: sub.clone(),
            // What the moderator is clearing is what is there now: a value written since the
            // read is not cleared unseen.
            expected: held
                .iter()
                .map(|f| match seen.iter().find(|(s, _)| s == f) {
                    Some(shown) => shown.clone(),
                    None => (*f, f.value(&profile).map(str::to_string)),
                })
                .collect(),
            set: held.iter().map(|f| (*f, None)).collect(),
            action: AuditAction::ProfileClear,
            actor: actor.clone(),
            reason: reason.clone(),
        })
        .await
}

/// Parses `display_name,bio` (or `name`, `avatar`, `all`) into fields.
pub fn parse_fields(text: &str) -> DomainResult<Vec<ProfileField>> {
    let mut out = Vec::new();
    for word in text.split([',', ' ']).filter(|w| !w.trim().is_empty()) {
        if word.trim() == "all" {
            return Ok(ProfileField::ALL.to_vec());
        }
        let field = ProfileField::parse(word).ok_or_else(|| {
            DomainError::invalid(
                "fields",
                format!("{word} is not a profile field: display_name (name), bio, profile_image (avatar) or all"),
            )
        })?;
        if !out.contains(&field) {
            out.push(field);
        }
    }
    if out.is_empty() {
        return Err(DomainError::invalid(
            "fields",
            "name the fields to clear: display_name (name), bio, profile_image (avatar) or all",
        ));
    }
    Ok(out)
}

/// What a moderator reads about a reported person: the profile row (none when it is gone),
/// their latest posts and comments, and the reports on them, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileSheet {
    pub sub: UserSub,
    pub profile: Option<crate::model::UserProfile>,
    pub posts: Vec<crate::model::Post>,
    pub comments: Vec<crate::model::Comment>,
    pub reports: Vec<crate::model::Report>,
}

/// How many of their posts and comments the sheet shows.
pub const SHEET_LATEST: u32 = 5;
/// How many reports on them the sheet shows.
pub const SHEET_REPORTS: u32 = 50;

/// Reads the sheet, each part concurrently.
pub async fn sheet(content: &dyn ContentStore, sub: &UserSub) -> DomainResult<ProfileSheet> {
    use crate::model::{CommentFilter, PageRequest, PostFilter, ReportFilter, Target};
    let posts = PostFilter {
        author: Some(sub.clone()),
        ..PostFilter::default()
    };
    let comments = CommentFilter {
        author: Some(sub.clone()),
        ..CommentFilter::default()
    };
    let reports = ReportFilter {
        target: Some(Target::User(sub.clone())),
        ..ReportFilter::default()
    };
    let (profile, posts, comments, reports) = futures::join!(
        content.get_profile(sub),
        content.list_posts(&posts, PageRequest::first(SHEET_LATEST)),
        content.list_comments(&comments, PageRequest::first(SHEET_LATEST)),
        content.list_reports(&reports, PageRequest::first(SHEET_REPORTS)),
    );
    let profile = match profile {
        Ok(p) => Some(p),
        Err(DomainError::NotFound(_)) => None,
        Err(e) => return Err(e),
    };
    Ok(ProfileSheet {
        sub: sub.clone(),
        profile,
        posts: posts?.items,
        comments: comments?.items,
        reports: reports?.items,
    })
}
