//! Support staff's account actions on the user directory, each audited with its reason.
//!
//! The directory (Cognito) and the audit log (the database) cannot share a transaction, so the
//! order is: act, then write the audit row. When the row cannot be written the caller is told
//! plainly that the action *was* done and the audit row is missing, never that it failed.

use crate::error::{DomainError, DomainResult};
use crate::model::{
    Actor, AttributeName, AuditAction, AuditId, AuditKind, DirectoryUser, GroupName, NewAuditEntry,
    Reason, UserStatus, UserSub, Username,
};
use crate::ports::{ContentStore, UserDirectory};
use std::fmt;

/// A password as typed: never printed, never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(****)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountAction {
    Disable,
    Enable,
    ResetPassword,
    SetPassword {
        password: Secret,
        permanent: bool,
    },
    GlobalSignOut,
    ConfirmSignUp,
    /// The invitation again, to a user who never signed in.
    ResendInvitation,
    /// The sign-up confirmation code again, to a user who signed up and has not confirmed.
    ResendConfirmationCode,
    VerifyEmail,
    SetAttribute {
        name: AttributeName,
        value: String,
    },
    /// Several attributes in one call, as an audit row's before had them (an undo).
    SetAttributes(Vec<(AttributeName, String)>),
    /// An attribute taken off the user, as an undo of its setting where it had none before.
    DeleteAttribute(AttributeName),
    AddToGroup(GroupName),
    RemoveFromGroup(GroupName),
    Delete,
}

impl AccountAction {
    /// The audit log's action name.
    pub fn audit_action(&self) -> AuditAction {
        match self {
            Self::Disable => AuditAction::UserDisable,
            Self::Enable => AuditAction::UserEnable,
            Self::ResetPassword => AuditAction::UserResetPassword,
            Self::SetPassword {
                permanent: true, ..
            } => AuditAction::UserSetPassword,
            Self::SetPassword {
                permanent: false, ..
            } => AuditAction::UserSetTemporaryPassword,
            Self::GlobalSignOut => AuditAction::UserGlobalSignOut,
            Self::ConfirmSignUp => AuditAction::UserConfirmSignUp,
            Self::ResendInvitation => AuditAction::UserResendInvitation,
            Self::ResendConfirmationCode => AuditAction::UserResendConfirmationCode,
            Self::VerifyEmail => AuditAction::UserVerifyEmail,
            Self::SetAttribute { .. } | Self::SetAttributes(_) | Self::DeleteAttribute(_) => {
                AuditAction::UserUpdateAttribute
            }
            Self::AddToGroup(_) => AuditAction::UserAddToGroup,
            Self::RemoveFromGroup(_) => AuditAction::UserRemoveFromGroup,
            Self::Delete => AuditAction::UserDelete,
        }
    }

    /// What will change, in words for a confirmation dialog.
    pub fn describe(&self, user: &str) -> String {
        match self {
            Self::Disable => format!("Disable {user}: they can no longer sign in"),
            Self::Enable => format!("Enable {user}: they can sign in again"),
            Self::ResetPassword => {
                format!("Reset {user}'s password: a code is sent for them to choose a new one")
            }
            Self::SetPassword {
                permanent: true, ..
            } => {
                format!("Set a permanent password for {user}")
            }
            Self::SetPassword {
                permanent: false, ..
            } => format!(
                "Set a temporary password for {user} (FORCE_CHANGE_PASSWORD at next sign-in)"
            ),
            Self::GlobalSignOut => format!("Sign {user} out of every device"),
            Self::ConfirmSignUp => format!("Confirm {user}'s sign-up"),
            Self::ResendInvitation => format!(
                "Send {user}'s invitation again: a new temporary password by e-mail (the old one stops working)"
            ),
            Self::ResendConfirmationCode => format!(
                "Send {user}'s sign-up confirmation code again (through the apps' app client)"
            ),
            Self::VerifyEmail => format!("Mark {user}'s e-mail verified"),
            Self::SetAttribute { name, value } => {
                format!(
                    "Set {} of {user} to {}",
                    name.as_str(),
                    crate::model::quoted(value)
                )
            }
            Self::SetAttributes(pairs) => format!(
                "Set {} of {user}",
                pairs
                    .iter()
                    .map(|(n, v)| format!("{} to {}", n.as_str(), crate::model::quoted(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Self::DeleteAttribute(name) => format!("Take {} off {user}", name.as_str()),
            Self::AddToGroup(g) => format!("Add {user} to group {g}"),
            Self::RemoveFromGroup(g) => format!("Remove {user} from group {g}"),
            Self::Delete => format!(
                "Delete {user} from the user pool, for good (their tokens are refused by the API)"
            ),
        }
    }

    /// Whether the action sets (`Some(true)`) or lifts (`Some(false)`) the account's block in
    /// the API.
    pub fn blocks(&self) -> Option<bool> {
        match self {
            // A deleted user's tokens outlive the deletion as a disabled user's do.
            Self::Disable | Self::Delete => Some(true),
            Self::Enable => Some(false),
            _ => None,
        }
    }

    /// Whether the action cannot be undone.
    pub fn is_irreversible(&self) -> bool {
        matches!(self, Self::Delete)
    }

    /// The audit row's `after` snapshot: what was set, never a password.
    fn after(&self) -> Option<String> {
        let v = match self {
            Self::Disable => serde_json::json!({"enabled": false}),
            Self::Enable => serde_json::json!({"enabled": true}),
            Self::SetPassword { permanent, .. } => serde_json::json!({"permanent": permanent}),
            Self::VerifyEmail => serde_json::json!({"email_verified": "true"}),
            Self::SetAttribute { name, value } => serde_json::json!({ name.as_str(): value }),
            Self::SetAttributes(pairs) => serde_json::Value::Object(
                pairs
                    .iter()
                    .map(|(n, v)| (n.as_str().to_string(), serde_json::json!(v)))
                    .collect(),
            ),
            Self::AddToGroup(g) | Self::RemoveFromGroup(g) => {
                serde_json::json!({"group": g.as_str()})
            }
            Self::DeleteAttribute(name) => serde_json::json!({ name.as_str(): null }),
            // What follows in the directory: the status a reader of the row would otherwise
            // have to look up, and what was sent.
            Self::ResetPassword => {
                serde_json::json!({"status": "RESET_REQUIRED", "sent": "reset code"})
            }
            Self::ConfirmSignUp => serde_json::json!({"status": "CONFIRMED"}),
            Self::ResendInvitation => {
                serde_json::json!({"status": "FORCE_CHANGE_PASSWORD", "sent": "invitation"})
            }
            Self::ResendConfirmationCode => {
                serde_json::json!({"status": "UNCONFIRMED", "sent": "confirmation code"})
            }
            Self::GlobalSignOut => serde_json::json!({"refresh_tokens": "revoked"}),
            Self::Delete => return None,
        };
        Some(v.to_string())
    }
}

fn before(user: &DirectoryUser, action: &AccountAction) -> Option<String> {
    let v = match action {
        AccountAction::Disable | AccountAction::Enable => {
            serde_json::json!({"enabled": user.enabled})
        }
        // A new e-mail is unverified unless the same call verifies it: the row keeps whether
        // the old one was, so an undo puts both back.
        AccountAction::SetAttribute { name, .. } if name.as_str() == "email" => serde_json::json!({
            "email": user.attribute("email"),
            "email_verified": user.attribute("email_verified"),
        }),
        AccountAction::SetAttribute { name, .. } | AccountAction::DeleteAttribute(name) => {
            serde_json::json!({ name.as_str(): user.attribute(name.as_str()) })
        }
        AccountAction::SetAttributes(pairs) => serde_json::Value::Object(
            pairs
                .iter()
                .map(|(n, _)| {
                    (
                        n.as_str().to_string(),
                        serde_json::json!(user.attribute(n.as_str())),
                    )
                })
                .collect(),
        ),
        AccountAction::VerifyEmail => {
            serde_json::json!({"email_verified": user.attribute("email_verified")})
        }
        _ => serde_json::json!({"status": user.status.as_str(), "enabled": user.enabled}),
    };
    Some(v.to_string())
}

/// Whether [`refusal`] has anything to say of `action`, so the user is read before it.
pub fn reads_first(action: &AccountAction) -> bool {
    matches!(
        action,
        AccountAction::Disable
            | AccountAction::Enable
            | AccountAction::VerifyEmail
            | AccountAction::ResetPassword
            | AccountAction::ConfirmSignUp
    )
}

/// Why an account action is refused for a user as they stand (see [`refusal`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A change to what already holds: `disabled`, `enabled`, `verified (e-mail)`.
    Already(&'static str),
    /// A reset of a disabled user, which Cognito refuses.
    ResetDisabled,
    /// A reset of a user who never chose a password (FORCE_CHANGE_PASSWORD).
    ResetNeverChose,
    /// A reset of an unconfirmed sign-up.
    ResetUnconfirmed,
    /// A reset with no verified e-mail or phone to send the code to.
    ResetNoContact,
    /// A confirmation of a user with no sign-up waiting (not UNCONFIRMED).
    NothingToConfirm,
}

impl Refusal {
    /// The refusal in words, with what to do instead; the console words it with its keys.
    pub fn message(self, name: &Username) -> String {
        match self {
            Self::Already(state) => format!("{name} is already {state}: nothing was changed"),
            Self::ResetDisabled => format!(
                "{name} is disabled: Cognito resets no password of a disabled user; enable them first"
            ),
            Self::ResetNeverChose => format!(
                "{name} has not chosen a password yet (FORCE_CHANGE_PASSWORD): send the invitation again, or set a new temporary password"
            ),
            Self::ResetUnconfirmed => format!(
                "{name} has not confirmed their sign-up (UNCONFIRMED): confirm it, or send their code again"
            ),
            Self::ResetNoContact => format!(
                "{name} has no verified e-mail or phone to send the code to: verify the e-mail first, or set a temporary password"
            ),
            Self::NothingToConfirm => format!(
                "{name} has no sign-up waiting to be confirmed (only an UNCONFIRMED user has): nothing was changed"
            ),
        }
    }
}

/// Why `action` is refused for `user` as they stand, before anything is asked or changed:
/// a change to what already holds (it was done and audited as a change: the command line
/// disabled a disabled user, and that row's undo would have enabled an account someone had
/// disabled on purpose), or a reset Cognito refuses (the command line asked, then failed with
/// "User password cannot be reset in the current state"). One reading of the user's state for
/// the console, the command line and [`perform`].
pub fn refusal(action: &AccountAction, user: &DirectoryUser) -> Option<Refusal> {
    match action {
        AccountAction::Disable if !user.enabled => Some(Refusal::Already("disabled")),
        AccountAction::Enable if user.enabled => Some(Refusal::Already("enabled")),
        AccountAction::VerifyEmail if user.attribute("email_verified") == Some("true") => {
            Some(Refusal::Already("verified (e-mail)"))
        }
        AccountAction::ConfirmSignUp if user.status != UserStatus::Unconfirmed => {
            Some(Refusal::NothingToConfirm)
        }
        AccountAction::ResetPassword if !user.enabled => Some(Refusal::ResetDisabled),
        AccountAction::ResetPassword if user.status == UserStatus::ForceChangePassword => {
            Some(Refusal::ResetNeverChose)
        }
        AccountAction::ResetPassword if user.status == UserStatus::Unconfirmed => {
            Some(Refusal::ResetUnconfirmed)
        }
        AccountAction::ResetPassword
            if user.attribute("email_verified") != Some("true")
                && user.attribute("phone_number_verified") != Some("true") =>
        {
            Some(Refusal::ResetNoContact)
        }
        _ => None,
    }
}

/// Why [`perform`] stopped: the error, and whether the change had been made by then (its audit
/// row or the API's block failed after it), with the audit row's id when that was written.
#[derive(Debug)]
pub struct Unfinished {
    pub error: DomainError,
    pub made: bool,
    pub audit_id: Option<AuditId>,
}

impl From<DomainError> for Unfinished {
    /// Failed before the change.
    fn from(error: DomainError) -> Self {
        Self {
            error,
            made: false,
            audit_id: None,
        }
    }
}

/// Performs `action` on `username` and records it; returns the audit row's id. When the change
/// was made but its row could not be written, the error says so.
pub async fn perform(
    directory: &dyn UserDirectory,
    content: &dyn ContentStore,
    username: &Username,
    action: &AccountAction,
    actor: &Actor,
    reason: &Reason,
) -> Result<AuditId, Unfinished> {
    perform_noting(directory, content, username, action, actor, reason)
        .await
        .map(|(id, _)| id)
}

/// [`perform`], saying also whether only the account's block in the API changed (a disable of
/// an account disabled in Cognito directly): "done" alone read as if it had been disabled.
pub async fn perform_noting(
    directory: &dyn UserDirectory,
    content: &dyn ContentStore,
    username: &Username,
    action: &AccountAction,
    actor: &Actor,
    reason: &Reason,
) -> Result<(AuditId, bool), Unfinished> {
    // An enable or a disable that changes only the account's block in the API says so in
    // its row.
    let mut only_the_block = false;
    if reads_first(action) {
        let current = directory.get_user(username).await?;
        if let Some(why) = refusal(action, &current) {
            if !block_alone(content, action, &current).await {
                return Err(DomainError::Conflict(why.message(username)).into());
            }
            only_the_block = true;
        }
    }
    // The pool's policy, said in full (Cognito's refusal says only that it was not met).
    // Where the policy cannot be read, Cognito's own check decides.
    if let AccountAction::SetPassword { password, .. } = action {
        match directory.password_policy().await {
            Ok(policy) => policy.check(password.expose()).map_err(DomainError::from)?,
            Err(e) => tracing::debug!(error = %e.chain(), "the pool's password policy"),
        }
    }
    let mut entry = change(directory, username, action, actor, reason).await?;
    if let (true, Some(blocks)) = (only_the_block, action.blocks()) {
        entry.before = with_field(entry.before.take(), "api_blocked", (!blocks).into());
    }
    // A disable also blocks the account in the API (its tokens outlive the disable); an enable
    // lifts the block. The audit row is written whether or not the mark could be, and its
    // `after` says the block changed only when it did.
    let marked = match (action.blocks(), UserSub::parse(&entry.target_id)) {
        (Some(blocked), Ok(sub)) => {
            let marked = content.set_blocked(&sub, blocked, actor).await;
            if marked.is_ok() {
                entry.after = with_field(entry.after.take(), "api_blocked", blocked.into());
            }
            marked
        }
        _ => Ok(()),
    };
    let audited = content.record_audit(&entry).await.map_err(|e| {
        DomainError::unexpected(
            format!(
                "{} was done for {username}, but its audit row could not be written; record it by hand",
                action.audit_action()
            ),
            e,
        )
    });
    let made = |error: DomainError, audit_id: Option<AuditId>| Unfinished {
        error,
        made: true,
        audit_id,
    };
    match marked {
        Ok(()) => audited
            .map(|id| (id, only_the_block))
            .map_err(|e| made(e, None)),
        Err(e) => Err(made(
            DomainError::unexpected(
                format!(
                    "{} was done for {username}{}, but the API's block could not be {}: {}; do it again",
                    action.audit_action(),
                    if audited.is_ok() {
                        " and audited"
                    } else {
                        " (not audited)"
                    },
                    if action.blocks() == Some(true) {
                        "set, so their tokens keep working until they expire"
                    } else {
                        "lifted, so the API still refuses them"
                    },
                    e.chain()
                ),
                e,
            ),
            audited.ok(),
        )),
    }
}

/// Whether `action` would change only the account's block in the API: an enable of an
/// account enabled but still blocked (an enable whose block could not be lifted, or one made
/// in Cognito directly), or a disable of one disabled but not blocked (disabled in Cognito
/// directly: its tokens kept working). It is done again for the block, where "already
/// enabled" or "already disabled" left no way to.
pub async fn block_alone(
    content: &dyn ContentStore,
    action: &AccountAction,
    user: &DirectoryUser,
) -> bool {
    let Some(sub) = &user.sub else {
        return false;
    };
    match action {
        AccountAction::Enable if user.enabled => content.is_blocked(sub).await.unwrap_or(false),
        AccountAction::Disable if !user.enabled => {
            content.is_blocked(sub).await.is_ok_and(|blocked| !blocked)
        }
        _ => false,
    }
}

/// `snapshot` (an audit row's JSON object, or none) with `name` set to `value`.
fn with_field(snapshot: Option<String>, name: &str, value: serde_json::Value) -> Option<String> {
    let mut object = snapshot
        .and_then(|s| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&s).ok())
        .unwrap_or_default();
    object.insert(name.to_string(), value);
    Some(serde_json::Value::Object(object).to_string())
}

/// Makes the change in the directory; returns the audit row that records it, not yet written.
pub async fn change(
    directory: &dyn UserDirectory,
    username: &Username,
    action: &AccountAction,
    actor: &Actor,
    reason: &Reason,
) -> DomainResult<NewAuditEntry> {
    // A value of the wrong shape is refused before any call (moto would store it).
    match action {
        AccountAction::SetAttribute { name, value } => name.check_value(value)?,
        AccountAction::SetAttributes(pairs) => {
            for (name, value) in pairs {
                name.check_value(value)?;
            }
        }
        _ => {}
    }
    // One e-mail, one account, as `create` holds it: an address another account has (`E` on
    // the e-mail) split a person's sign-ins between two, and `:who` could then name neither.
    let new_email = match action {
        AccountAction::SetAttribute { name, value } if name.as_str() == "email" => Some(value),
        AccountAction::SetAttributes(pairs) => pairs
            .iter()
            .find(|(name, _)| name.as_str() == "email")
            .map(|(_, value)| value),
        _ => None,
    };
    if let Some(email) = new_email.filter(|e| !e.trim().is_empty()) {
        let holders = super::user360::directory_email_holders(directory, email, 2).await?;
        if let Some(holder) = holders.iter().find(|h| h.username != *username) {
            return Err(DomainError::Conflict(format!(
                "{} already has the e-mail {}: an address belongs to one account (:who {} in \
                 the console, users who on the command line)",
                holder.username,
                holder.email.as_deref().unwrap_or(email),
                holder.email.as_deref().unwrap_or(email),
            )));
        }
    }
    let current = directory.get_user(username).await?;
    // A group change keeps the groups the user was in (their status says nothing of it).
    let before = match action {
        AccountAction::AddToGroup(_) | AccountAction::RemoveFromGroup(_) => {
            let groups: Vec<String> = directory
                .groups_of(username)
                .await?
                .into_iter()
                .map(|g| g.name.as_str().to_string())
                .collect();
            Some(serde_json::json!({ "groups": groups }).to_string())
        }
        _ => before(&current, action),
    };
    match action {
        AccountAction::Disable => directory.disable_user(username).await?,
        AccountAction::Enable => directory.enable_user(username).await?,
        AccountAction::ResetPassword => directory.reset_password(username).await?,
        AccountAction::SetPassword {
            password,
            permanent,
        } => {
            directory
                .set_password(username, password.expose(), *permanent)
                .await?
        }
        AccountAction::GlobalSignOut => directory.global_sign_out(username).await?,
        AccountAction::ConfirmSignUp => directory.confirm_sign_up(username).await?,
        AccountAction::ResendInvitation => directory.resend_invitation(username).await?,
        AccountAction::ResendConfirmationCode => {
            directory.resend_confirmation_code(username).await?
        }
        AccountAction::VerifyEmail => {
            let name = AttributeName::parse("email_verified")?;
            directory
                .update_attributes(username, &[(name, "true".into())])
                .await?
        }
        AccountAction::SetAttribute { name, value } => {
            directory
                .update_attributes(username, &[(name.clone(), value.clone())])
                .await?
        }
        AccountAction::SetAttributes(pairs) => directory.update_attributes(username, pairs).await?,
        AccountAction::DeleteAttribute(name) => {
            directory
                .delete_attributes(username, std::slice::from_ref(name))
                .await?
        }
        AccountAction::AddToGroup(g) => directory.add_to_group(username, g).await?,
        AccountAction::RemoveFromGroup(g) => directory.remove_from_group(username, g).await?,
        AccountAction::Delete => directory.delete_user(username).await?,
    }
    let entry = NewAuditEntry {
        actor: actor.clone(),
        action: action.audit_action(),
        target_kind: AuditKind::User,
        target_id: current
            .sub
            .as_ref()
            .map(|s| s.to_string())
            .unwrap_or_else(|| username.to_string()),
        reason: Some(reason.clone()),
        before,
        after: action.after(),
    };
    Ok(entry)
}

/// A user support creates: invited by e-mail (Cognito sends the temporary password), or
/// created silently (a password is then set with `set-password` and handed over).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub username: Username,
    pub email: crate::model::Email,
    pub send_invitation: bool,
}

/// Creates the user and writes its `user.create` row (never a password); returns the user and
/// the row's id. When the row cannot be written the error says the user *was* created.
pub async fn create(
    directory: &dyn UserDirectory,
    content: &dyn ContentStore,
    account: &NewAccount,
    actor: &Actor,
    reason: &Reason,
) -> DomainResult<(DirectoryUser, AuditId)> {
    // One e-mail, one account: a second account with an address another has (in any case a
    // sign-up form keeps) splits a person's sign-ins and password resets between two.
    let holders = super::user360::email_holders(directory, content, account.email.as_str(), 1);
    if let Some(holder) = holders.await?.into_iter().next() {
        return Err(DomainError::Conflict(format!(
            "{} already has the e-mail {}: open them instead (:who {} in the console, users who on the command line)",
            holder.username,
            holder.email.as_deref().unwrap_or(account.email.as_str()),
            holder.email.as_deref().unwrap_or(account.email.as_str()),
        )));
    }
    let verified = AttributeName::parse("email_verified")?;
    let user = directory
        .create_user(&crate::model::NewDirectoryUser {
            username: account.username.clone(),
            email: Some(account.email.clone()),
            // Support checked the address with the person: the code can go to it.
            attributes: vec![(verified, "true".into())],
            temporary_password: None,
            send_invitation: account.send_invitation,
        })
        .await?;
    let entry = NewAuditEntry {
        actor: actor.clone(),
        action: AuditAction::UserCreate,
        target_kind: AuditKind::User,
        target_id: user
            .sub
            .as_ref()
            .map(|s| s.to_string())
            .unwrap_or_else(|| account.username.to_string()),
        reason: Some(reason.clone()),
        before: None,
        after: Some(
            serde_json::json!({
                "username": account.username.as_str(),
                "email": account.email.as_str(),
                "invited": account.send_invitation,
                "status": user.status.as_str(),
            })
            .to_string(),
        ),
    };
    let id = content.record_audit(&entry).await.map_err(|e| {
        DomainError::unexpected(
            format!(
                "{} was created, but its audit row could not be written; record it by hand",
                account.username
            ),
            e,
        )
    })?;
    // Its profile row, as the sign-up trigger makes one for a user who signs up (a user
    // created here confirms no sign-up, so none came): the row finds the account by its
    // e-mail in any case (a second account with `long.name@…` beside `Long.Name@…` passed the
    // directory's exact comparison), and the API serves the user's profile from it.
    if let Some(sub) = &user.sub {
        let profile = crate::model::NewProfile {
            sub: sub.clone(),
            email: Some(account.email.clone()),
            display_name: None,
        };
        content.upsert_profile(&profile).await.map_err(|e| {
            DomainError::unexpected(
                format!(
                    "{} was created and audited, but its profile row could not be made; `reconcile --clean-up` makes it",
                    account.username
                ),
                e,
            )
        })?;
    }
    Ok((user, id))
}

#[cfg(test)]
#[cfg(feature = "sandbox")]
mod tests {
    use super::*;
    use crate::model::{AuditFilter, Email, NewDirectoryUser, PageRequest};
    use crate::sandbox::Sandbox;

    /// `E` on an e-mail gave an account another's address without a word (`:create` refused
    /// the same), and `:who` could then name neither. It is refused, naming the holder; an
    /// address of no one's, or the account's own, is taken.
    #[tokio::test]
    async fn an_e_mail_another_account_has_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        crate::sandbox::test_user(&sandbox, "ann", Some("ann@example.com"), vec![]).await;
        let esc = crate::sandbox::test_user(&sandbox, "esc", Some("esc@example.com"), vec![]).await;
        let set = |value: &str| AccountAction::SetAttribute {
            name: AttributeName::parse("email").unwrap(),
            value: value.into(),
        };
        let actor = Actor::parse("sandbox:test").unwrap();
        let why = Reason::parse("ticket 4").unwrap();
        let taken = change(
            &sandbox.directory,
            &esc.username,
            &set("ann@example.com"),
            &actor,
            &why,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&taken, DomainError::Conflict(m) if m.starts_with("ann already has the e-mail ann@example.com")),
            "{taken}"
        );
        assert_eq!(
            sandbox
                .directory
                .get_user(&esc.username)
                .await
                .unwrap()
                .email
                .as_deref(),
            Some("esc@example.com"),
            "nothing changed"
        );
        for fine in ["esc@example.com", "esc.new@example.com"] {
            change(&sandbox.directory, &esc.username, &set(fine), &actor, &why)
                .await
                .unwrap();
        }
    }

    /// A value with quotes in it is quoted with them escaped (an undo dialog read
    /// `set name of obrien to "O'Brien "Bob""`).
    #[test]
    fn an_attribute_value_is_quoted_with_its_quotes_escaped() {
        let action = AccountAction::SetAttribute {
            name: AttributeName::parse("name").unwrap(),
            value: "O'Brien \"Bob\"".into(),
        };
        let said = action.describe("obrien");
        assert_eq!(said, r#"Set name of obrien to "O'Brien \"Bob\"""#);
    }

    #[test]
    fn a_password_never_shows_in_debug_output() {
        let action = AccountAction::SetPassword {
            password: Secret::new("Hunter2-Hunter2"),
            permanent: true,
        };
        assert!(!format!("{action:?}").contains("Hunter2"));
        assert!(!action.describe("ann").contains("Hunter2"));
    }

    /// A reset Cognito would refuse is refused first, saying what to do, and nothing is
    /// audited: an invited user who never chose a password gets a temporary one instead.
    #[tokio::test]
    async fn a_reset_the_users_state_refuses_says_what_to_do_and_audits_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let user =
            crate::sandbox::test_user(&sandbox, "invited", Some("invited@example.com"), vec![])
                .await;
        assert_eq!(user.status, UserStatus::ForceChangePassword);
        assert!(reads_first(&AccountAction::ResetPassword));
        let said = refusal(&AccountAction::ResetPassword, &user)
            .unwrap()
            .message(&user.username);
        assert!(said.contains("has not chosen a password yet"), "{said}");
        let err = perform(
            &sandbox.directory,
            &sandbox.content,
            &user.username,
            &AccountAction::ResetPassword,
            &Actor::parse("sandbox:ops").unwrap(),
            &Reason::parse("support request").unwrap(),
        )
        .await
        .unwrap_err()
        .error;
        assert!(
            matches!(&err, DomainError::Conflict(m) if m.contains("FORCE_CHANGE_PASSWORD")),
            "{err}"
        );
        let rows = sandbox
            .content
            .list_audit(&AuditFilter::default(), PageRequest::first(5))
            .await
            .unwrap();
        assert!(rows.items.is_empty(), "{:?}", rows.items);
        // Disabled, the enable is what to do first.
        let mut off = user.clone();
        off.enabled = false;
        let said = refusal(&AccountAction::ResetPassword, &off)
            .unwrap()
            .message(&off.username);
        assert!(said.contains("enable them first"), "{said}");
    }

    #[tokio::test]
    async fn disabling_acts_and_writes_the_audit_row_with_before_and_after() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let user =
            crate::sandbox::test_user(&sandbox, "ann", Some("ann@example.com"), vec![]).await;
        let actor = Actor::parse("sandbox:ops").unwrap();
        let reason = Reason::parse("spam: bulk messages").unwrap();
        let id = perform(
            &sandbox.directory,
            &sandbox.content,
            &user.username,
            &AccountAction::Disable,
            &actor,
            &reason,
        )
        .await
        .unwrap();
        assert!(
            !sandbox
                .directory
                .get_user(&user.username)
                .await
                .unwrap()
                .enabled
        );
        let rows = sandbox
            .content
            .list_audit(&AuditFilter::default(), PageRequest::first(10))
            .await
            .unwrap();
        let row = rows.items.iter().find(|r| r.id == id).unwrap();
        assert_eq!(row.action.as_str(), "user.disable");
        assert_eq!(row.target_id, user.sub.clone().unwrap().to_string());
        assert_eq!(row.reason.as_deref(), Some("spam: bulk messages"));
        assert_eq!(row.before.as_deref(), Some(r#"{"enabled":true}"#));
        assert_eq!(
            row.after.as_deref(),
            Some(r#"{"enabled":false,"api_blocked":true}"#)
        );
        let sub = user.sub.clone().unwrap();
        assert!(
            sandbox.content.is_blocked(&sub).await.unwrap(),
            "a disable blocks the API"
        );
        let enabled = perform(
            &sandbox.directory,
            &sandbox.content,
            &user.username,
            &AccountAction::Enable,
            &actor,
            &reason,
        )
        .await
        .unwrap();
        assert!(
            !sandbox.content.is_blocked(&sub).await.unwrap(),
            "an enable lifts it"
        );
        let row = sandbox.content.get_audit(enabled).await.unwrap();
        assert_eq!(
            row.after.as_deref(),
            Some(r#"{"enabled":true,"api_blocked":false}"#)
        );
    }

    /// When the API's block cannot be set, the disable's row says the account was disabled and
    /// nothing of the block: the row is what an operator reads to know what holds.
    #[tokio::test]
    async fn a_disable_whose_block_failed_records_no_block() {
        use crate::adapters::faulty::{FaultyContentStore, database_unavailable};
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let user =
            crate::sandbox::test_user(&sandbox, "ben", Some("ben@example.com"), vec![]).await;
        let content = FaultyContentStore::new(
            std::sync::Arc::new(sandbox.content.clone()),
            std::sync::Arc::new(|call| {
                (call == "set_blocked").then(|| database_unavailable("set_blocked"))
            }),
        );
        let unfinished = perform(
            &sandbox.directory,
            &content,
            &user.username,
            &AccountAction::Disable,
            &Actor::parse("sandbox:ops").unwrap(),
            &Reason::parse("spam").unwrap(),
        )
        .await
        .unwrap_err();
        // Made and audited: the caller reports it as made, with the row.
        assert!(unfinished.made && unfinished.audit_id.is_some());
        let err = unfinished.error;
        assert!(err.to_string().contains("block could not be set"), "{err}");
        let rows = sandbox
            .content
            .list_audit(&AuditFilter::default(), PageRequest::first(5))
            .await
            .unwrap();
        assert_eq!(rows.items.len(), 1, "{:?}", rows.items);
        assert_eq!(rows.items[0].after.as_deref(), Some(r#"{"enabled":false}"#));
    }

    /// A reset's, a confirmation's and a sign-out's rows say what follows, not only what was
    /// (a reset row read `before {"status":"CONFIRMED"}`, `after -`).
    #[tokio::test]
    async fn a_reset_and_a_confirmation_record_the_status_that_follows() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let user =
            crate::sandbox::test_user(&sandbox, "cat", Some("cat@example.com"), vec![]).await;
        let actor = Actor::parse("sandbox:ops").unwrap();
        let reason = Reason::parse("support request").unwrap();
        let run = |action: AccountAction| {
            let (sandbox, user, actor, reason) = (&sandbox, &user, &actor, &reason);
            async move {
                let id = perform(
                    &sandbox.directory,
                    &sandbox.content,
                    &user.username,
                    &action,
                    actor,
                    reason,
                )
                .await
                .unwrap();
                sandbox.content.get_audit(id).await.unwrap()
            }
        };
        run(AccountAction::SetPassword {
            password: Secret::new("Chosen-Passw0rd!"),
            permanent: true,
        })
        .await;
        run(AccountAction::VerifyEmail).await;
        let reset = run(AccountAction::ResetPassword).await;
        assert_eq!(
            reset.before.as_deref(),
            Some(r#"{"status":"CONFIRMED","enabled":true}"#)
        );
        assert_eq!(
            reset.after.as_deref(),
            Some(r#"{"status":"RESET_REQUIRED","sent":"reset code"}"#)
        );
        assert_eq!(
            sandbox
                .directory
                .get_user(&user.username)
                .await
                .unwrap()
                .status,
            UserStatus::ResetRequired,
            "the row says what the directory holds"
        );
        let out = run(AccountAction::GlobalSignOut).await;
        assert_eq!(
            out.after.as_deref(),
            Some(r#"{"refresh_tokens":"revoked"}"#)
        );
    }

    /// A group change records the groups the user was in before it, and the group after.
    #[tokio::test]
    async fn a_group_change_keeps_the_groups_before_it() {
        use crate::model::GroupName;
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let user =
            crate::sandbox::test_user(&sandbox, "ben", Some("ben@example.com"), vec![]).await;
        let (staff, leads) = (
            GroupName::parse("staff").unwrap(),
            GroupName::parse("support-leads").unwrap(),
        );
        for g in [&staff, &leads] {
            sandbox.directory.create_group(g, None).await.unwrap();
        }
        sandbox
            .directory
            .add_to_group(&user.username, &staff)
            .await
            .unwrap();
        let id = perform(
            &sandbox.directory,
            &sandbox.content,
            &user.username,
            &AccountAction::AddToGroup(leads.clone()),
            &Actor::parse("sandbox:ops").unwrap(),
            &Reason::parse("support request").unwrap(),
        )
        .await
        .unwrap();
        let rows = sandbox
            .content
            .list_audit(&AuditFilter::default(), PageRequest::first(10))
            .await
            .unwrap();
        let row = rows.items.iter().find(|r| r.id == id).unwrap();
        assert_eq!(row.before.as_deref(), Some(r#"{"groups":["staff"]}"#));
        assert_eq!(row.after.as_deref(), Some(r#"{"group":"support-leads"}"#));
    }

    /// A phone number of the wrong shape is refused before the directory is called: the
    /// user keeps their number and no row is written (the sandbox, like moto, would store it).
    #[tokio::test]
    async fn an_attribute_value_of_the_wrong_shape_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let phone = AttributeName::parse("phone_number").unwrap();
        let user = sandbox
            .directory
            .create_user(&NewDirectoryUser {
                username: Username::parse("pia").unwrap(),
                email: None,
                attributes: vec![(phone.clone(), "+821012345678".into())],
                temporary_password: None,
                send_invitation: false,
            })
            .await
            .unwrap();
        let err = perform(
            &sandbox.directory,
            &sandbox.content,
            &user.username,
            &AccountAction::SetAttributes(vec![(phone.clone(), "010-1234-5678".into())]),
            &Actor::parse("sandbox:ops").unwrap(),
            &Reason::parse("user asked").unwrap(),
        )
        .await
        .unwrap_err()
        .error;
        assert!(
            matches!(&err, DomainError::Invalid(i) if i.field == "value"),
            "{err}"
        );
        let now = sandbox.directory.get_user(&user.username).await.unwrap();
        assert_eq!(now.attribute("phone_number"), Some("+821012345678"));
        let rows = sandbox
            .content
            .list_audit(&AuditFilter::default(), PageRequest::first(10))
            .await
            .unwrap();
        assert!(rows.items.is_empty());
    }

    /// A new account with an e-mail another account has (in either case) is refused before
    /// anything is created or audited, naming who has it.
    #[tokio::test]
    async fn creating_a_user_with_an_e_mail_another_has_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        crate::sandbox::test_user(
            &sandbox,
            "ann-original",
            Some("ann.lee@example.com"),
            vec![],
        )
        .await;
        let actor = Actor::parse("sandbox:ops").unwrap();
        let reason = Reason::parse("asked by phone").unwrap();
        let audited = || async {
            sandbox
                .content
                .list_audit(&AuditFilter::default(), PageRequest::first(100))
                .await
                .unwrap()
                .items
                .len()
        };
        let before = audited().await;
        for typed in ["ann.lee@example.com", "Ann.Lee@Example.com"] {
            let account = NewAccount {
                username: Username::parse("ann-second").unwrap(),
                email: Email::parse(typed).unwrap(),
                send_invitation: false,
            };
            let refused = create(
                &sandbox.directory,
                &sandbox.content,
                &account,
                &actor,
                &reason,
            )
            .await
            .unwrap_err();
            assert!(matches!(refused, DomainError::Conflict(_)), "{refused:?}");
            let said = refused.to_string();
            assert!(
                said.contains("ann-original already has the e-mail ann.lee@example.com"),
                "{said}"
            );
        }
        assert!(
            sandbox
                .directory
                .get_user(&Username::parse("ann-second").unwrap())
                .await
                .is_err(),
            "nothing created"
        );
        assert_eq!(audited().await, before, "nothing audited");
        // Another e-mail goes through.
        let account = NewAccount {
            username: Username::parse("ann-second").unwrap(),
            email: Email::parse("ann.second@example.com").unwrap(),
            send_invitation: false,
        };
        create(
            &sandbox.directory,
            &sandbox.content,
            &account,
            &actor,
            &reason,
        )
        .await
        .unwrap();
    }

    /// An account support creates gets its profile row, so a second one with the e-mail in
    /// another case is refused (the directory compares exactly, and no row was there).
    #[tokio::test]
    async fn an_account_created_here_is_found_by_its_e_mail_in_any_case() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let actor = Actor::parse("sandbox:ops").unwrap();
        let reason = Reason::parse("asked by phone").unwrap();
        let make = |name: &str, email: &str| NewAccount {
            username: Username::parse(name).unwrap(),
            email: Email::parse(email).unwrap(),
            send_invitation: false,
        };
        let (first, _) = create(
            &sandbox.directory,
            &sandbox.content,
            &make("long-name", "Long.Name@Example.com"),
            &actor,
            &reason,
        )
        .await
        .unwrap();
        let profile = sandbox
            .content
            .get_profile(first.sub.as_ref().unwrap())
            .await
            .unwrap();
        assert_eq!(profile.email.as_deref(), Some("Long.Name@Example.com"));
        let refused = create(
            &sandbox.directory,
            &sandbox.content,
            &make("dupcase1", "long.name@example.com"),
            &actor,
            &reason,
        )
        .await
        .unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("long-name already has the e-mail"),
            "{refused}"
        );
        let found = crate::services::user360::email_holders(
            &sandbox.directory,
            &sandbox.content,
            "long.name@example.com",
            5,
        )
        .await
        .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].username.as_str(), "long-name");
    }

    /// The directory compares e-mails exactly; the profile row written at sign-up names the
    /// holder of an address stored in a case neither typed form has.
    #[tokio::test]
    async fn an_e_mail_stored_in_mixed_case_is_found_through_its_profile_row() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let stored = "Bo.Chen@Example.COM";
        let bo = crate::sandbox::test_user(&sandbox, "bo-original", Some(stored), vec![]).await;
        let account = NewAccount {
            username: Username::parse("bo-second").unwrap(),
            email: Email::parse("bo.chen@example.com").unwrap(),
            send_invitation: false,
        };
        let actor = Actor::parse("sandbox:ops").unwrap();
        let reason = Reason::parse("asked by phone").unwrap();
        let attempt = || {
            create(
                &sandbox.directory,
                &sandbox.content,
                &account,
                &actor,
                &reason,
            )
        };
        let other = NewAccount {
            username: Username::parse("bo-third").unwrap(),
            ..account.clone()
        };
        sandbox
            .content
            .upsert_profile(&crate::model::NewProfile {
                sub: bo.sub.clone().unwrap(),
                email: Some(Email::parse(stored).unwrap()),
                display_name: None,
            })
            .await
            .unwrap();
        let refused = attempt().await.unwrap_err();
        assert!(matches!(refused, DomainError::Conflict(_)), "{refused:?}");
        assert!(
            refused
                .to_string()
                .contains("bo-original already has the e-mail Bo.Chen@Example.COM"),
            "{refused}"
        );
        // A profile whose account has another e-mail now names no one.
        sandbox
            .directory
            .update_attributes(
                &Username::parse("bo-original").unwrap(),
                &[(
                    AttributeName::parse("email").unwrap(),
                    "bo@elsewhere.example".into(),
                )],
            )
            .await
            .unwrap();
        create(
            &sandbox.directory,
            &sandbox.content,
            &other,
            &actor,
            &reason,
        )
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn an_unknown_user_writes_no_audit_row() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let err = perform(
            &sandbox.directory,
            &sandbox.content,
            &Username::parse("ghost").unwrap(),
            &AccountAction::GlobalSignOut,
            &Actor::parse("sandbox:ops").unwrap(),
            &Reason::parse("security concern").unwrap(),
        )
        .await
        .unwrap_err()
        .error;
        assert!(matches!(err, DomainError::NotFound(_)), "{err}");
        let rows = sandbox
            .content
            .list_audit(&AuditFilter::default(), PageRequest::first(10))
            .await
            .unwrap();
        assert!(rows.items.is_empty());
    }
}
