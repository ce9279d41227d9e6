//! The reverse of an audited write, read from its audit row's before and after: a hide is
//! undone by a restore, a disable by an enable, a group added by its removal, an attribute
//! set by setting its old value, a cleared profile field by putting the value back, a ban by
//! its unban. Writes that cannot be reversed (a deletion, a password sent, a report closed)
//! say so and why.

use super::accounts::AccountAction;
use crate::model::{
    AttributeName, AuditAction, AuditEntry, CommentId, ContentStatus, GroupName, ModerationAction,
    ModerationTarget, PostId, ProfileField, UserSub,
};
use serde_json::Value;

/// What undoes a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reversal {
    Moderate {
        target: ModerationTarget,
        action: ModerationAction,
    },
    /// An account action on the user whose sub the row names.
    Account { sub: UserSub, action: AccountAction },
    /// The unban of the ban the row closed (it must be the user's latest).
    Unban { sub: UserSub },
    /// Profile fields set back to the row's before, over the row's after.
    Profile {
        sub: UserSub,
        set: Vec<(ProfileField, Option<String>)>,
        expected: Vec<(ProfileField, Option<String>)>,
        action: AuditAction,
    },
}

/// Why a row has no reverse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Irreversible(pub String);

impl std::fmt::Display for Irreversible {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn no(why: impl Into<String>) -> Irreversible {
    Irreversible(why.into())
}

fn json(text: Option<&str>) -> Option<serde_json::Map<String, Value>> {
    serde_json::from_str::<Value>(text?)
        .ok()?
        .as_object()
        .cloned()
}

fn status(text: Option<&str>) -> Option<ContentStatus> {
    json(text)?.get("status")?.as_str()?.parse().ok()
}

/// The reverse of `row`, or why there is none.
pub fn reversal(row: &AuditEntry) -> Result<Reversal, Irreversible> {
    use AuditAction as A;
    let id = row.id;
    let content = |post: bool| -> Result<ModerationTarget, Irreversible> {
        let bad = || {
            no(format!(
                "row {id} names no {}",
                if post { "post" } else { "comment" }
            ))
        };
        Ok(if post {
            ModerationTarget::Post(PostId::parse(&row.target_id).map_err(|_| bad())?)
        } else {
            ModerationTarget::Comment(CommentId::parse(&row.target_id).map_err(|_| bad())?)
        })
    };
    let sub = || {
        UserSub::parse(&row.target_id)
            .map_err(|_| no(format!("row {id} names no user by sub ({})", row.target_id)))
    };
    let group = |text: Option<&str>| -> Result<GroupName, Irreversible> {
        json(text)
            .and_then(|o| o.get("group")?.as_str().map(str::to_string))
            .and_then(|g| GroupName::parse(&g).ok())
            .ok_or_else(|| no(format!("row {id} does not say which group")))
    };
    let account = |action| {
        Ok(Reversal::Account {
            sub: sub()?,
            action,
        })
    };
    match &row.action {
        A::PostHide | A::CommentHide => Ok(Reversal::Moderate {
            target: content(row.action == A::PostHide)?,
            action: ModerationAction::Restore,
        }),
        A::PostRestore | A::CommentRestore => {
            let action = match status(row.before.as_deref()) {
                Some(ContentStatus::Hidden) => ModerationAction::Hide,
                Some(ContentStatus::Removed) => ModerationAction::Remove,
                _ => return Err(no(format!("row {id} does not say what was restored from"))),
            };
            Ok(Reversal::Moderate {
                target: content(row.action == A::PostRestore)?,
                action,
            })
        }
        A::PostRemove | A::CommentRemove => match status(row.before.as_deref()) {
            Some(ContentStatus::Visible) => Ok(Reversal::Moderate {
                target: content(row.action == A::PostRemove)?,
                action: ModerationAction::Restore,
            }),
            _ => Err(no(format!(
                "row {id} removed content that was not visible: restore it, then hide it again"
            ))),
        },
        // An enable of an account enabled already only lifted its block in the API, and a
        // disable of one disabled already only set it: the undo would flip the account,
        // which the row never changed.
        A::UserEnable | A::UserDisable
            if json(row.before.as_deref()).and_then(|o| o.get("enabled")?.as_bool())
                == Some(row.action == A::UserEnable) =>
        {
            let (did, was, undo, key) = if row.action == A::UserEnable {
                ("lifted", "enabled", "disable", "d")
            } else {
                ("set", "disabled", "enable", "e")
            };
            Err(no(format!(
                "row {id} only {did} the API block of an account {was} already; undoing it \
                 would {undo} the account, which it never changed ({undo} it with {key} if \
                 that is meant)"
            )))
        }
        A::UserDisable => account(AccountAction::Enable),
        A::UserEnable => account(AccountAction::Disable),
        A::UserAddToGroup => account(AccountAction::RemoveFromGroup(group(row.after.as_deref())?)),
        A::UserRemoveFromGroup => account(AccountAction::AddToGroup(group(row.after.as_deref())?)),
        A::UserUpdateAttribute | A::UserVerifyEmail => {
            let before = json(row.before.as_deref())
                .filter(|b| !b.is_empty())
                .ok_or_else(|| no(format!("row {id} does not say what the attribute was")))?;
            // One attribute that had no value before: taken off again.
            if let [(name, Value::Null)] = before.iter().collect::<Vec<_>>().as_slice()
                && name.as_str() != "email_verified"
            {
                let name = AttributeName::parse(name.as_str()).map_err(|e| {
                    no(format!(
                        "row {id} names an attribute this console cannot set: {e}"
                    ))
                })?;
                return account(AccountAction::DeleteAttribute(name));
            }
            let mut pairs = Vec::new();
            for (name, value) in &before {
                // An absent `email_verified` reads as unverified, as Cognito reads it.
                let value = match (name.as_str(), value) {
                    ("email_verified", Value::Null) => Some("false"),
                    (_, v) => v.as_str(),
                };
                let Some(value) = value else {
                    return Err(no(format!(
                        "{name} had no value before row {id}: undo it alone (set with other attributes, it cannot be taken off here)"
                    )));
                };
                let name = AttributeName::parse(name).map_err(|e| {
                    no(format!(
                        "row {id} names an attribute this console cannot set: {e}"
                    ))
                })?;
                pairs.push((name, value.to_string()));
            }
            account(match <[_; 1]>::try_from(pairs) {
                Ok([(name, value)]) => AccountAction::SetAttribute { name, value },
                Err(pairs) => AccountAction::SetAttributes(pairs),
            })
        }
        A::UserBan => Ok(Reversal::Unban { sub: sub()? }),
        A::ProfileClear | A::ProfileRestore => {
            let fields =
                |text: Option<&str>| -> Result<Vec<(ProfileField, Option<String>)>, Irreversible> {
                    let map = json(text).ok_or_else(|| {
                        no(format!("row {id} does not say what the profile held"))
                    })?;
                    map.iter()
                        .map(|(k, v)| {
                            let field = ProfileField::parse(k).ok_or_else(|| {
                                no(format!("row {id} names an unknown field {k}"))
                            })?;
                            Ok((field, v.as_str().map(str::to_string)))
                        })
                        .collect()
                };
            Ok(Reversal::Profile {
                sub: sub()?,
                set: fields(row.before.as_deref())?,
                expected: fields(row.after.as_deref())?,
                action: if row.action == A::ProfileClear {
                    A::ProfileRestore
                } else {
                    A::ProfileClear
                },
            })
        }
        A::UserDelete
        | A::UserDeleteAccount
        | A::ProfileDelete
        | A::ObjectDelete
        | A::ObjectDeleteOrphans
        | A::QueryDelete => Err(no("a deletion cannot be undone")),
        A::UserResetPassword | A::UserSetPassword | A::UserSetTemporaryPassword => Err(no(
            "a password change cannot be undone (the old password is not kept)",
        )),
        A::UserGlobalSignOut => Err(no("a sign-out cannot be undone: the user signs in again")),
        A::UserConfirmSignUp => Err(no("a confirmed sign-up cannot be unconfirmed")),
        A::UserResendInvitation | A::UserResendConfirmationCode => {
            Err(no("a message sent cannot be unsent"))
        }
        A::UserCreate => Err(no(
            "a creation is undone by deleting the account (ctrl-x in Users, or users delete), planned with its data",
        )),
        A::ReportActioned | A::ReportDismissed => Err(no(
            "a closed report cannot be reopened; the reporter can report again",
        )),
        A::UserUnban => Err(no(
            "an unban is undone by a new ban (:ban, or users ban), planned afresh",
        )),
        A::QuerySave => Err(no(
            "a saved query is undone by deleting it (on the Insights pane's saved queries) or saving it again as it was",
        )),
        // Each says what does the reverse where there is one (`object.upload has no undo`
        // left the operator to guess).
        A::ObjectUpload => Err(no(
            "an upload is undone by deleting the object (X in Storage, or objects rm), audited",
        )),
        A::ObjectPresignGet => Err(no(
            "a link given out cannot be taken back; it lapses when it expires",
        )),
        A::ProfileCreateMissing => Err(no(
            "a profile row made for an account is taken away with the account (ctrl-x in Users)",
        )),
        other => Err(no(format!("{other} has no undo"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AuditId, AuditKind};

    fn row(action: AuditAction, target: &str, before: &str, after: &str) -> AuditEntry {
        AuditEntry {
            id: AuditId::new(7).unwrap(),
            actor: "mod".into(),
            action,
            target_kind: AuditKind::Post,
            target_id: target.into(),
            reason: Some("spam".into()),
            before: Some(before.into()),
            after: Some(after.into()),
            created_at: chrono::Utc::now(),
        }
    }

    const SUB: &str = "0a1b2c3d-0000-4000-8000-000000000001";

    #[test]
    fn each_reversible_kind_maps_to_its_reverse() {
        let post = ModerationTarget::Post(PostId::parse("5").unwrap());
        let cases = [
            (
                row(
                    AuditAction::PostHide,
                    "5",
                    r#"{"status":"visible"}"#,
                    r#"{"status":"hidden"}"#,
                ),
                Reversal::Moderate {
                    target: post,
                    action: ModerationAction::Restore,
                },
            ),
            (
                row(
                    AuditAction::PostRestore,
                    "5",
                    r#"{"status":"hidden"}"#,
                    r#"{"status":"visible"}"#,
                ),
                Reversal::Moderate {
                    target: post,
                    action: ModerationAction::Hide,
                },
            ),
            (
                row(
                    AuditAction::PostRemove,
                    "5",
                    r#"{"status":"visible"}"#,
                    r#"{"status":"removed"}"#,
                ),
                Reversal::Moderate {
                    target: post,
                    action: ModerationAction::Restore,
                },
            ),
            (
                row(
                    AuditAction::UserDisable,
                    SUB,
                    r#"{"enabled":true}"#,
                    r#"{"enabled":false}"#,
                ),
                Reversal::Account {
                    sub: UserSub::parse(SUB).unwrap(),
                    action: AccountAction::Enable,
                },
            ),
            (
                row(
                    AuditAction::UserAddToGroup,
                    SUB,
                    "{}",
                    r#"{"group":"editors"}"#,
                ),
                Reversal::Account {
                    sub: UserSub::parse(SUB).unwrap(),
                    action: AccountAction::RemoveFromGroup(GroupName::parse("editors").unwrap()),
                },
            ),
            (
                row(
                    AuditAction::UserUpdateAttribute,
                    SUB,
                    r#"{"name":"Ann"}"#,
                    r#"{"name":"X"}"#,
                ),
                Reversal::Account {
                    sub: UserSub::parse(SUB).unwrap(),
                    action: AccountAction::SetAttribute {
                        name: AttributeName::parse("name").unwrap(),
                        value: "Ann".into(),
                    },
                },
            ),
            (
                row(
                    AuditAction::ProfileClear,
                    SUB,
                    r#"{"bio":"hi"}"#,
                    r#"{"bio":null}"#,
                ),
                Reversal::Profile {
                    sub: UserSub::parse(SUB).unwrap(),
                    set: vec![(ProfileField::Bio, Some("hi".into()))],
                    expected: vec![(ProfileField::Bio, None)],
                    action: AuditAction::ProfileRestore,
                },
            ),
            (
                row(AuditAction::UserBan, SUB, "{}", "{}"),
                Reversal::Unban {
                    sub: UserSub::parse(SUB).unwrap(),
                },
            ),
        ];
        for (row, expected) in cases {
            assert_eq!(reversal(&row), Ok(expected), "{}", row.action);
        }
    }

    #[test]
    fn deletions_and_sent_things_say_why_they_cannot_be_undone() {
        for (action, words) in [
            (AuditAction::UserDelete, "deletion"),
            (AuditAction::UserDeleteAccount, "deletion"),
            (AuditAction::ObjectDelete, "deletion"),
            (AuditAction::UserSetPassword, "password"),
            (AuditAction::ReportDismissed, "reopened"),
            (AuditAction::ObjectUpload, "deleting the object"),
            (AuditAction::ObjectPresignGet, "expires"),
        ] {
            let Err(why) = reversal(&row(action.clone(), SUB, "{}", "{}")) else {
                panic!("{action} has no undo");
            };
            assert!(why.0.contains(words), "{action}: {why}");
        }
        // An attribute set with another, where it had no value, is not taken off here.
        let Err(why) = reversal(&row(
            AuditAction::UserUpdateAttribute,
            SUB,
            r#"{"nickname":null,"name":"Ann"}"#,
            r#"{"nickname":"x","name":"Ann B."}"#,
        )) else {
            panic!("no undo for two attributes, one unset before");
        };
        assert!(why.0.contains("no value"), "{why}");
        // An enable or a disable that changed only the API block: its undo would flip the
        // account, which the row never changed (it did, from the Audit pane).
        for (action, before, after, words) in [
            (
                AuditAction::UserEnable,
                r#"{"enabled":true,"api_blocked":true}"#,
                r#"{"enabled":true,"api_blocked":false}"#,
                "only lifted the API block",
            ),
            (
                AuditAction::UserDisable,
                r#"{"enabled":false,"api_blocked":false}"#,
                r#"{"enabled":false,"api_blocked":true}"#,
                "only set the API block",
            ),
        ] {
            let Err(why) = reversal(&row(action.clone(), SUB, before, after)) else {
                panic!("{action}: no undo for a block alone");
            };
            assert!(why.0.contains(words), "{action}: {why}");
        }
    }

    /// An attribute set where it had no value is undone by taking it off again.
    #[test]
    fn an_attribute_that_had_no_value_is_taken_off() {
        let undo = reversal(&row(
            AuditAction::UserUpdateAttribute,
            SUB,
            r#"{"phone_number":null}"#,
            r#"{"phone_number":"+821012345678"}"#,
        ))
        .unwrap();
        match undo {
            Reversal::Account {
                action: AccountAction::DeleteAttribute(name),
                ..
            } => assert_eq!(name.as_str(), "phone_number"),
            other => panic!("{other:?}"),
        }
    }
}
