//! A reported person's profile, opened from a report on them in the queue: the display name,
//! the bio, the avatar drawn inline, the reports on them and their latest posts and comments.
//! `x` clears fields (a dialog asks which), `i` opens the avatar in Storage, `a` the user in
//! Users; `s` / `D` close the reports as in the queue.

use super::PostsPane;
use crate::app::dialog::{self, Form, Proposal};
use crate::app::storage::{ImageCache, Preview};
use crate::app::{Command, Failure, Handled, Ids, Outcome, RequestId};
use backoffice_domain::model::{ProfileField, UserSub};
use backoffice_domain::services::profiles::ProfileSheet;

/// What a profile request brings back: the sheet, and the avatar decoded (or why not).
#[derive(Debug, Clone)]
pub struct ProfileData {
    pub sheet: ProfileSheet,
    pub avatar: Option<Preview>,
}

impl PartialEq for ProfileData {
    fn eq(&self, other: &Self) -> bool {
        self.sheet == other.sheet
    }
}

impl Eq for ProfileData {}

/// An open profile.
#[derive(Default)]
pub struct ProfileState {
    pub sub: Option<UserSub>,
    pub request: Option<RequestId>,
    pub data: Option<Result<ProfileData, Failure>>,
    pub image: ImageCache,
    pub scroll: u16,
    /// The rows the profile showed in the last frame (for the scroll keys' steps).
    pub rows: u16,
}

impl std::fmt::Debug for ProfileState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileState")
            .field("sub", &self.sub)
            .field("request", &self.request)
            .field("scroll", &self.scroll)
            .finish_non_exhaustive()
    }
}

impl PostsPane {
    /// Opens (or reloads) the profile of `sub`.
    pub fn open_profile(&mut self, sub: UserSub, ids: &mut Ids) -> Vec<Command> {
        let request = ids.issue();
        let same = self.profile.as_ref().and_then(|p| p.sub.as_ref()) == Some(&sub);
        let state = self.profile.get_or_insert_with(ProfileState::default);
        if !same {
            *state = ProfileState::default();
        }
        state.sub = Some(sub.clone());
        state.request = Some(request);
        vec![Command::LoadProfile { request, sub }]
    }

    pub(super) fn on_profile(
        &mut self,
        request: RequestId,
        result: Result<ProfileData, Failure>,
    ) -> Handled {
        let Some(state) = &mut self.profile else {
            return (Outcome::None, None);
        };
        if state.request != Some(request) {
            return (Outcome::None, None);
        }
        state.request = None;
        state.image = ImageCache::default();
        let failure = result.as_ref().err().cloned();
        state.data = Some(result);
        (
            Outcome::None,
            failure.map(|f| ("loading the profile".to_string(), f)),
        )
    }

    /// The loaded sheet of the open profile.
    pub fn profile_sheet(&self) -> Option<&ProfileSheet> {
        match self.profile.as_ref()?.data.as_ref()? {
            Ok(d) => Some(&d.sheet),
            Err(_) => None,
        }
    }

    /// `x` in a profile: which fields to clear, asked in the dialog (those that hold something
    /// are offered).
    pub(super) fn propose_profile_clear(&self) -> Outcome {
        let Some(sheet) = self.profile_sheet() else {
            return Outcome::Message("the profile is still loading".into());
        };
        let Some(profile) = &sheet.profile else {
            return Outcome::Message(format!("{} has no profile row to clear", sheet.sub));
        };
        let held: Vec<ProfileField> = ProfileField::ALL
            .into_iter()
            .filter(|f| f.value(profile).is_some())
            .collect();
        if held.is_empty() {
            return Outcome::Message("the profile holds no name, bio or avatar to clear".into());
        }
        let mut changes: Vec<String> = held
            .iter()
            .map(|f| {
                format!(
                    "{}: \"{}\"",
                    f.label(),
                    crate::text::excerpt(
                        &crate::text::look_alikes_named(&crate::text::one_line(
                            f.value(profile).unwrap_or("")
                        )),
                        60
                    )
                )
            })
            .collect();
        changes.push(
            "the fields typed are cleared; the values are kept in the audit row, so u in Audit puts them back"
                .into(),
        );
        if held.contains(&ProfileField::ProfileImage) {
            changes.push(
                "a cleared avatar is detached, not deleted: reconciliation finds the object later"
                    .into(),
            );
        }
        let who = profile
            .display_name
            .as_deref()
            .map(|n| crate::text::look_alikes_named(&crate::text::one_line(n)))
            .unwrap_or_else(|| sheet.sub.to_string());
        Outcome::Propose(Proposal {
            title: format!("Clear profile fields of {who}"),
            verb: format!("clear profile fields of {who}"),
            changes,
            form: Form::ProfileFields {
                sub: sheet.sub.clone(),
                seen: held
                    .iter()
                    .map(|f| (*f, f.value(profile).map(str::to_string)))
                    .collect(),
                offered: held
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            },
            type_to_confirm: None,
            after: Vec::new(),
            reasons: dialog::MODERATION_REASONS,
        })
    }

    /// `i` in a profile: the avatar in Storage.
    pub(super) fn open_avatar(&self) -> Outcome {
        match self
            .profile_sheet()
            .and_then(|s| s.profile.as_ref())
            .and_then(|p| p.profile_image_key.clone())
        {
            Some(key) => Outcome::GoToObject(key),
            None => Outcome::Message("no avatar on this profile".into()),
        }
    }
}
