use crate::error::DomainResult;
use crate::model::{
    AttributeName, AuthEvent, DirectoryUser, Group, GroupName, NewDirectoryUser, Page, PageRequest,
    PasswordPolicy, UserFilter, Username,
};
use async_trait::async_trait;

/// Largest page the directory serves (Cognito's ListUsers limit).
pub const DIRECTORY_MAX_PAGE: u32 = 60;

/// A search of the directory: at most one condition, as Cognito allows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserQuery {
    pub filter: Option<UserFilter>,
}

/// The admin surface of a user pool (Cognito's `Admin*` calls and ListUsers).
#[async_trait]
pub trait UserDirectory: Send + Sync {
    /// Lists users matching the query, a page at a time (at most 60 per page).
    async fn list_users(
        &self,
        query: &UserQuery,
        page: PageRequest,
    ) -> DomainResult<Page<DirectoryUser>>;
    async fn get_user(&self, username: &Username) -> DomainResult<DirectoryUser>;
    async fn create_user(&self, user: &NewDirectoryUser) -> DomainResult<DirectoryUser>;
    async fn disable_user(&self, username: &Username) -> DomainResult<()>;
    async fn enable_user(&self, username: &Username) -> DomainResult<()>;
    /// Sends the user a reset code; the status becomes RESET_REQUIRED.
    async fn reset_password(&self, username: &Username) -> DomainResult<()>;
    /// Sets a password; a temporary one puts the user in FORCE_CHANGE_PASSWORD.
    async fn set_password(
        &self,
        username: &Username,
        password: &str,
        permanent: bool,
    ) -> DomainResult<()>;
    /// What the pool asks of a password, to refuse a weak one before a write is confirmed.
    async fn password_policy(&self) -> DomainResult<PasswordPolicy> {
        Ok(PasswordPolicy::default())
    }
    /// Signs the user out of every device (revokes refresh tokens).
    async fn global_sign_out(&self, username: &Username) -> DomainResult<()>;
    async fn confirm_sign_up(&self, username: &Username) -> DomainResult<()>;
    /// Sends the invitation again (a new temporary password): only to a user created by an
    /// administrator who has not signed in yet (FORCE_CHANGE_PASSWORD); anyone else is a
    /// `Conflict`.
    async fn resend_invitation(&self, username: &Username) -> DomainResult<()>;
    /// Sends an unconfirmed user's sign-up confirmation code again (ResendConfirmationCode,
    /// through the environment's app client); anyone else is a `Conflict`.
    async fn resend_confirmation_code(&self, username: &Username) -> DomainResult<()>;
    /// The user's latest sign-in events, newest first (at most `limit`). `Unsupported` where
    /// the pool does not record them (Cognito without threat protection).
    async fn sign_in_history(
        &self,
        username: &Username,
        limit: u32,
    ) -> DomainResult<Vec<AuthEvent>>;
    /// Writes attributes; `email_verified = true` marks the e-mail verified.
    async fn update_attributes(
        &self,
        username: &Username,
        attributes: &[(AttributeName, String)],
    ) -> DomainResult<()>;
    /// Removes attributes from the user (one set by mistake, an undo of its setting).
    async fn delete_attributes(
        &self,
        username: &Username,
        names: &[AttributeName],
    ) -> DomainResult<()>;
    async fn list_groups(&self, page: PageRequest) -> DomainResult<Page<Group>>;
    async fn create_group(
        &self,
        name: &GroupName,
        description: Option<&str>,
    ) -> DomainResult<Group>;
    async fn groups_of(&self, username: &Username) -> DomainResult<Vec<Group>>;
    async fn add_to_group(&self, username: &Username, group: &GroupName) -> DomainResult<()>;
    async fn remove_from_group(&self, username: &Username, group: &GroupName) -> DomainResult<()>;
    async fn delete_user(&self, username: &Username) -> DomainResult<()>;
}
