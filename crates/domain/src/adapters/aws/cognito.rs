//! The user directory on Amazon Cognito: one user pool through its admin API (ListUsers, the
//! `Admin*` calls and groups). It speaks only in domain types; every SDK failure leaves through
//! [`sdk_error`] so that Cognito's error codes reach callers as the port's errors.

use super::{AwsContext, Call, sdk_error};
use crate::error::{DomainError, DomainResult};
use crate::model::{
    AttributeName, AuthEvent, Cursor, DirectoryUser, FilterAttribute, FilterOp, Group, GroupName,
    NewDirectoryUser, Page, PageRequest, PasswordPolicy, UserFilter, UserStatus, UserSub, Username,
    scope_of,
};
use crate::ports::{DIRECTORY_MAX_PAGE, UserDirectory, UserQuery};
use async_trait::async_trait;
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, DeliveryMediumType, GroupType, MessageActionType, MfaOptionType, UserStatusType,
    UserType,
};
use aws_smithy_runtime_api::client::result::SdkError;
use chrono::{DateTime, Utc};

const SERVICE: &str = "Cognito";

/// Pages of AdminListGroupsForUser followed for one user before giving up: a pool holds at
/// most 10,000 groups, which is 167 pages of 60.
const MAX_GROUP_PAGES: usize = 200;

/// The admin calls whose NotAuthorizedException describes the user's state ("User cannot be
/// confirmed. Current status is CONFIRMED", "User password cannot be reset in the current
/// state."), not the caller's rights: Cognito answers a missing IAM permission with
/// AccessDeniedException. For these the port's answer is Conflict.
const STATE_CHECKED: &[&str] = &[
    "cognito-idp:AdminConfirmSignUp",
    "cognito-idp:AdminResetUserPassword",
];

/// [`crate::ports::UserDirectory`] on one Cognito user pool.
#[derive(Debug, Clone)]
pub struct CognitoUserDirectory {
    client: Client,
    user_pool_id: String,
    /// The app client ResendConfirmationCode goes through (a public client, without a secret).
    app_client_id: Option<String>,
}

/// What a failed call was about, for the NotFound a caller sees.
#[derive(Debug, Clone, Copy)]
enum Subject<'a> {
    Pool,
    User(&'a Username),
    Group(&'a GroupName),
    Membership(&'a Username, &'a GroupName),
}

impl CognitoUserDirectory {
    /// A directory on the pool `user_pool_id` (e.g. `eu-west-1_AbCdEf123`), sharing the
    /// session's connections, retries and timeouts.
    pub fn new(ctx: &AwsContext, user_pool_id: impl Into<String>) -> Self {
        Self {
            client: Client::new(ctx.sdk_config()),
            user_pool_id: user_pool_id.into(),
            app_client_id: None,
        }
    }

    /// A directory on a client built elsewhere (tests give one their own endpoint and keys).
    pub fn from_client(client: Client, user_pool_id: impl Into<String>) -> Self {
        Self {
            client,
            user_pool_id: user_pool_id.into(),
            app_client_id: None,
        }
    }

    /// Names the app client for the calls that go through one (ResendConfirmationCode).
    pub fn with_app_client(mut self, app_client_id: Option<String>) -> Self {
        self.app_client_id = app_client_id;
        self
    }

    /// The pool this directory works on.
    pub fn user_pool_id(&self) -> &str {
        &self.user_pool_id
    }

    fn fail<E, R>(
        &self,
        err: SdkError<E, R>,
        action: &'static str,
        subject: Subject<'_>,
        field: &'static str,
    ) -> DomainError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        translate(&self.user_pool_id, err, action, subject, field)
    }
}

/// Maps a failed call to the port's error. The subject of a NotFound follows Cognito's code:
/// UserNotFoundException is the user, ResourceNotFoundException the group (or the pool when
/// Cognito says so, or when no group was involved).
fn translate<E, R>(
    pool_id: &str,
    err: SdkError<E, R>,
    action: &'static str,
    subject: Subject<'_>,
    field: &'static str,
) -> DomainError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let code = err.code().unwrap_or_default().to_string();
    let message = err.message().unwrap_or_default().to_string();
    let pool = format!("user pool {pool_id}");
    let names_pool = message.to_ascii_lowercase().contains("user pool");
    let what = match (code.as_str(), subject) {
        ("ResourceNotFoundException", Subject::Group(g) | Subject::Membership(_, g))
            if !names_pool =>
        {
            format!("group {g}")
        }
        ("ResourceNotFoundException", _) => pool,
        (_, Subject::User(u) | Subject::Membership(u, _)) => format!("user {u}"),
        (_, Subject::Group(g)) => format!("group {g}"),
        (_, Subject::Pool) => pool,
    };
    if code == "NotAuthorizedException" && STATE_CHECKED.contains(&action) {
        return DomainError::Conflict(format!("{what}: {message}"));
    }
    let field = if code == "InvalidPasswordException" {
        "password"
    } else {
        field
    };
    sdk_error(err, Call::new(SERVICE, action, what).field(field))
}

/// How a search runs on ListUsers: the filter Cognito is sent, and the condition the adapter
/// checks itself on what comes back.
///
/// A value holding `"` or `\` is never sent: whether a server reads `\"` as an escaped quote
/// or as two characters is its parser's business (moto's takes them literally), and neither
/// reading may change what matches. Such a search asks Cognito for the longest plain prefix of
/// the value (a superset of the answer) and keeps only the users that satisfy the whole
/// condition, so a page may hold fewer users than asked for, as with Cognito's client-side
/// filtering.
#[derive(Debug, Clone, PartialEq, Eq)]
struct UserSearch {
    server: Option<UserFilter>,
    residual: Option<UserFilter>,
}

impl UserSearch {
    fn plan(filter: Option<&UserFilter>) -> DomainResult<Self> {
        let Some(filter) = filter else {
            return Ok(Self {
                server: None,
                residual: None,
            });
        };
        let Some(cut) = filter.value.find(['"', '\\']) else {
            return Ok(Self {
                server: Some(filter.clone()),
                residual: None,
            });
        };
        // Trailing punctuation is dropped too: Cognito's prefix search is known to miss on a
        // prefix that ends in one (`email ^= "ann@"`), and a shorter prefix stays a superset.
        let prefix = filter.value[..cut].trim_end_matches(|c: char| !c.is_alphanumeric());
        let server = if prefix.is_empty() {
            None
        } else {
            Some(UserFilter::new(
                filter.attribute,
                FilterOp::StartsWith,
                prefix,
            )?)
        };
        Ok(Self {
            server,
            residual: Some(filter.clone()),
        })
    }

    fn keeps(&self, user: &DirectoryUser) -> bool {
        let Some(filter) = &self.residual else {
            return true;
        };
        let enabled = if user.enabled { "Enabled" } else { "Disabled" };
        let value = match filter.attribute {
            FilterAttribute::Username => Some(user.username.as_str()),
            FilterAttribute::UserStatus => Some(user.status.as_str()),
            FilterAttribute::Enabled => Some(enabled),
            other => user.attribute(other.cognito_name()),
        };
        value.is_some_and(|v| filter.matches_value(v))
    }
}

fn to_utc(t: Option<&aws_smithy_types::DateTime>) -> Option<DateTime<Utc>> {
    let millis = t?.to_millis().ok()?;
    DateTime::from_timestamp_millis(millis)
}

/// The MFA methods the legacy `MFAOptions` list names (it only ever describes SMS).
fn legacy_mfa(options: &[MfaOptionType]) -> Vec<String> {
    if options
        .iter()
        .any(|o| o.delivery_medium() == Some(&DeliveryMediumType::Sms))
    {
        vec!["SMS_MFA".to_string()]
    } else {
        Vec::new()
    }
}

/// The fields both ListUsers' `UserType` and AdminGetUser's answer carry.
struct UserParts<'a> {
    username: Option<&'a str>,
    attributes: &'a [AttributeType],
    status: Option<&'a UserStatusType>,
    enabled: bool,
    created: Option<&'a aws_smithy_types::DateTime>,
    modified: Option<&'a aws_smithy_types::DateTime>,
    mfa: Vec<String>,
}

fn directory_user(parts: UserParts<'_>) -> DomainResult<DirectoryUser> {
    let raw = parts
        .username
        .ok_or_else(|| DomainError::bug("Cognito answered with a user without a username"))?;
    let username = Username::from_directory(raw)
        .map_err(|e| DomainError::unexpected("Cognito answered with an empty username", e))?;
    let attributes: Vec<(String, String)> = parts
        .attributes
        .iter()
        .map(|a| {
            (
                a.name().to_string(),
                a.value().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let find = |name: &str| {
        attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    Ok(DirectoryUser {
        sub: find("sub").and_then(|s| UserSub::parse(s).ok()),
        email: find("email"),
        status: UserStatus::parse(
            parts
                .status
                .map(UserStatusType::as_str)
                .unwrap_or("UNKNOWN"),
        ),
        enabled: parts.enabled,
        created_at: to_utc(parts.created),
        modified_at: to_utc(parts.modified),
        mfa: parts.mfa,
        attributes,
        username,
    })
}

/// One auth event as Cognito reports it; what it leaves out stays empty.
fn auth_event(e: &aws_sdk_cognitoidentityprovider::types::AuthEventType) -> AuthEvent {
    let risk = e.event_risk();
    let context = e.event_context_data();
    AuthEvent {
        id: e.event_id().unwrap_or_default().to_string(),
        kind: e
            .event_type()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        at: to_utc(e.creation_date()),
        result: e
            .event_response()
            .map(|r| r.as_str().to_string())
            .unwrap_or_default(),
        risk_level: risk
            .and_then(|r| r.risk_level())
            .map(|l| l.as_str().to_string()),
        risk_decision: risk
            .and_then(|r| r.risk_decision())
            .map(|d| d.as_str().to_string()),
        ip: context.and_then(|c| c.ip_address()).map(str::to_string),
        city: context.and_then(|c| c.city()).map(str::to_string),
        country: context.and_then(|c| c.country()).map(str::to_string),
        device: context.and_then(|c| c.device_name()).map(str::to_string),
    }
}

fn listed_user(u: &UserType) -> DomainResult<DirectoryUser> {
    directory_user(UserParts {
        username: u.username(),
        attributes: u.attributes(),
        status: u.user_status(),
        enabled: u.enabled(),
        created: u.user_create_date(),
        modified: u.user_last_modified_date(),
        mfa: legacy_mfa(u.mfa_options()),
    })
}

fn group_from(g: &GroupType) -> DomainResult<Group> {
    let raw = g
        .group_name()
        .ok_or_else(|| DomainError::bug("Cognito answered with a group without a name"))?;
    Ok(Group {
        name: GroupName::parse(raw).map_err(|e| {
            DomainError::unexpected(format!("Cognito answered with group '{raw}'"), e)
        })?,
        description: g.description().map(str::to_string),
        precedence: g.precedence(),
    })
}

fn attribute(name: &str, value: &str) -> DomainResult<AttributeType> {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .map_err(|e| DomainError::unexpected("attribute could not be built", e))
}

/// The largest page Cognito serves, as its API takes it (60 always fits an `i32`).
const COGNITO_MAX_PAGE: i32 = DIRECTORY_MAX_PAGE as i32;

/// The page size Cognito is asked for, clamped to `1..=60`: Cognito refuses a larger limit.
fn page_size(page: &PageRequest) -> i32 {
    i32::try_from(page.limit_or(DIRECTORY_MAX_PAGE, DIRECTORY_MAX_PAGE)).unwrap_or(COGNITO_MAX_PAGE)
}

#[async_trait]
impl UserDirectory for CognitoUserDirectory {
    async fn list_users(
        &self,
        query: &UserQuery,
        page: PageRequest,
    ) -> DomainResult<Page<DirectoryUser>> {
        let scope = scope_of("cognito-users", &(&self.user_pool_id, &query.filter));
        let token: Option<String> = page.cursor.as_ref().map(|c| c.decode(&scope)).transpose()?;
        let search = UserSearch::plan(query.filter.as_ref())?;
        let out = self
            .client
            .list_users()
            .user_pool_id(&self.user_pool_id)
            .set_filter(search.server.as_ref().map(UserFilter::to_cognito))
            .limit(page_size(&page))
            .set_pagination_token(token)
            .send()
            .await
            .map_err(|e| self.fail(e, "cognito-idp:ListUsers", Subject::Pool, "filter"))?;
        let mut items = Vec::with_capacity(out.users().len());
        for raw in out.users() {
            let user = listed_user(raw)?;
            if search.keeps(&user) {
                items.push(user);
            }
        }
        let next = out
            .pagination_token()
            .filter(|t| !t.is_empty())
            .map(|t| Cursor::encode(&scope, &t));
        Ok(Page::new(items, next))
    }

    async fn get_user(&self, username: &Username) -> DomainResult<DirectoryUser> {
        let out = self
            .client
            .admin_get_user()
            .user_pool_id(&self.user_pool_id)
            .username(username.as_str())
            .send()
            .await
            .map_err(|e| {
                self.fail(
                    e,
                    "cognito-idp:AdminGetUser",
                    Subject::User(username),
                    "username",
                )
            })?;
        let mut mfa = out.user_mfa_setting_list().to_vec();
        if mfa.is_empty() {
            mfa = legacy_mfa(out.mfa_options());
        }
        directory_user(UserParts {
            username: Some(out.username()),
            attributes: out.user_attributes(),
            status: out.user_status(),
            enabled: out.enabled(),
            created: out.user_create_date(),
            modified: out.user_last_modified_date(),
            mfa,
        })
    }

    async fn create_user(&self, user: &NewDirectoryUser) -> DomainResult<DirectoryUser> {
        let mut attributes = Vec::with_capacity(user.attributes.len() + 1);
        if let Some(email) = &user.email {
            attributes.push(attribute("email", email.as_str())?);
        }
        for (name, value) in &user.attributes {
            // The typed e-mail wins over an `email` among the attributes.
            if name.as_str() == "email" && user.email.is_some() {
                continue;
            }
            attributes.push(attribute(name.as_str(), value)?);
        }
        let out = self
            .client
            .admin_create_user()
            .user_pool_id(&self.user_pool_id)
            .username(user.username.as_str())
            // Without a message action Cognito sends the invitation; suppressed, support
            // hands the temporary password over.
            .set_message_action((!user.send_invitation).then_some(MessageActionType::Suppress))
            .set_desired_delivery_mediums(
                (user.send_invitation && user.email.is_some())
                    .then(|| vec![DeliveryMediumType::Email]),
            )
            .set_temporary_password(user.temporary_password.clone())
            .set_user_attributes(Some(attributes))
            .send()
            .await
            .map_err(|e| {
                let exists = e.code() == Some("UsernameExistsException");
                match self.fail(
                    e,
                    "cognito-idp:AdminCreateUser",
                    Subject::User(&user.username),
                    "attributes",
                ) {
                    // Cognito's own words differ (moto's repeat the name); say it plainly.
                    DomainError::Conflict(_) if exists => DomainError::Conflict(format!(
                        "a user named {} already exists; choose another username",
                        user.username.as_str()
                    )),
                    other => other,
                }
            })?;
        match out.user() {
            Some(created) => listed_user(created),
            None => self.get_user(&user.username).await,
        }
    }

    async fn disable_user(&self, username: &Username) -> DomainResult<()> {
        self.client
            .admin_disable_user()
            .user_pool_id(&self.user_pool_id)
            .username(username.as_str())
            .send()
            .await
            .map_err(|e| {
                self.fail(
                    e,
                    "cognito-idp:AdminDisableUser",
                    Subject::User(username),
                    "username",
                )
            })?;
        Ok(())
    }

    async fn enable_user(&self, username: &Username) -> DomainResult<()> {
        self.client
            .admin_enable_user()
            .user_pool_id(&self.user_pool_id)
            .username(username.as_str())
            .send()
            .await
            .map_err(|e| {
                self.fail(
                    e,
                    "cognito-idp:AdminEnableUser",
                    Subject::User(username),
                    "username",
                )
            })?;
        Ok(())
    }

    async fn reset_password(&self, username: &Username) -> DomainResult<()> {
        self.client
            .admin_reset_user_password()
            .user_pool_id(&self.user_pool_id)
            .username(username.as_str())
            .send()
            .await
            .map_err(|e| {
                self.fail(
                    e,
                    "cognito-idp:AdminResetUserPassword",
                    Subject::User(username),
                    "username",
                )
            })?;
        Ok(())
    }

    async fn set_password(
        &self,
        username: &Username,
        password: &str,
        permanent: bool,
    ) -> DomainResult<()> {
        self.client
            .admin_set_user_password()
            .user_pool_id(&self.user_pool_id)
            .username(username.as_str())
            .password(password)
            .permanent(permanent)
            .send()
            .await
            .map_err(|e| {
                self.fail(
                    e,
                    "cognito-idp:AdminSetUserPassword",
                    Subject::User(username),
                    "password",
                )
            })?;
        Ok(())
    }

    async fn password_policy(&self) -> DomainResult<PasswordPolicy> {
        let out = self
            .client
            .describe_user_pool()
            .user_pool_id(&self.user_pool_id)
            .send()
            .await
            .map_err(|e| self.fail(e, "cognito-idp:DescribeUserPool", Subject::Pool, "password"))?;
        let Some(policy) = out
            .user_pool()
            .and_then(|p| p.policies())
            .and_then(|p| p.password_policy())
        else {
            return Ok(PasswordPolicy::default());
        };
        Ok(PasswordPolicy {
            min_length: policy
                .minimum_length()
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(PasswordPolicy::default().min_length),
            uppercase: policy.require_uppercase(),
            lowercase: policy.require_lowercase(),
            digit: policy.require_numbers(),
            symbol: policy.require_symbols(),
        })
    }

    async fn global_sign_out(&self, username: &Username) -> DomainResult<()> {
        self.client
            .admin_user_global_sign_out()
            .user_pool_id(&self.user_pool_id)
            .username(username.as_str())
            .send()
            .await
            .map_err(|e| {
                self.fail(
                    e,
                    "cognito-idp:AdminUserGlobalSignOut",
                    Subject::User(username),
                    "username",
                )
            })?;
        Ok(())
    }

    async fn resend_invitation(&self, username: &Username) -> DomainResult<()> {
        // Cognito answers UnsupportedUserStateException for a user who has signed in; the
        // status is checked first so the refusal says why in the console's words.
        let user = self.get_user(username).await?;
        if user.status != crate::model::UserStatus::ForceChangePassword {
            return Err(DomainError::Conflict(format!(
                "user {username} cannot be invited again: the status is {} (an invitation is for a user who has not signed in yet; reset-password sends a code instead)",
                user.status
            )));
        }
        self.client
            .admin_create_user()
            .user_pool_id(&self.user_pool_id)
            .username(username.as_str())
            .message_action(MessageActionType::Resend)
            .desired_delivery_mediums(DeliveryMediumType::Email)
            .send()
            .await
            .map_err(|e| {
                self.fail(
                    e,
                    "cognito-idp:AdminCreateUser",
                    Subject::User(username),
                    "username",
                )
            })?;
        Ok(())
    }

    async fn resend_confirmation_code(&self, username: &Username) -> DomainResult<()> {
        let Some(client_id) = &self.app_client_id else {
            return Err(DomainError::Unsupported(
                "sending a confirmation code goes through an app client: name it as app_client_id in config.toml".into(),
            ));
        };
        let user = self.get_user(username).await?;
        if user.status != crate::model::UserStatus::Unconfirmed {
            return Err(DomainError::Conflict(format!(
                "user {username} has no sign-up to confirm: the status is {} (a confirmation code is for a user who signed up and has not confirmed)",
                user.status
            )));
        }
        self.client
            .resend_confirmation_code()
            .client_id(client_id)
            .username(username.as_str())
            .send()
            .await
            .map_err(|e| {
                let secret = e.code() == Some("NotAuthorizedException")
                    && e.message().unwrap_or_default().contains("SECRET_HASH");
                if secret {
                    DomainError::Unsupported(format!(
                        "app client {client_id} has a secret; name a public app client (the apps' own, without a secret) as app_client_id"
                    ))
                } else {
                    self.fail(
                        e,
                        "cognito-idp:ResendConfirmationCode",
                        Subject::User(username),
                        "username",
                    )
                }
            })?;
        Ok(())
    }

    async fn sign_in_history(
        &self,
        username: &Username,
        limit: u32,
    ) -> DomainResult<Vec<AuthEvent>> {
        let out = self
            .client
            .admin_list_user_auth_events()
            .user_pool_id(&self.user_pool_id)
            .username(username.as_str())
            .max_results(limit.clamp(1, 60) as i32)
            .send()
            .await
            .map_err(|e| {
                if e.code() == Some("UserPoolAddOnNotEnabledException") {
                    DomainError::Unsupported(format!(
                        "user pool {} does not record sign-ins: its threat protection (advanced security) is off",
                        self.user_pool_id
                    ))
                } else {
                    self.fail(
                        e,
                        "cognito-idp:AdminListUserAuthEvents",
                        Subject::User(username),
                        "username",
                    )
                }
            })?;
        Ok(out.auth_events().iter().map(auth_event).collect())
    }

    async fn confirm_sign_up(&self, username: &Username) -> DomainResult<()> {
        self.client
            .admin_confirm_sign_up()
            .user_pool_id(&self.user_pool_id)
            .username(username.as_str())
            .send()
            .await
            .map_err(|e| {
                self.fail(
                    e,
                    "cognito-idp:AdminConfirmSignUp",
                    Subject::User(username),
                    "username",
                )
            })?;
        Ok(())
    }

    async fn update_attributes(
        &self,
        username: &Username,
        attributes: &[(AttributeName, String)],
    ) -> DomainResult<()> {
        let attributes = attributes
            .iter()
            .map(|(name, value)| attribute(name.as_str(), value))
            .collect::<DomainResult<Vec<_>>>()?;
        self.client
            .admin_update_user_attributes()
            .user_pool_id(&self.user_pool_id)
            .username(username.as_str())
            .set_user_attributes(Some(attributes))
            .send()
            .await
            .map_err(|e| {
                self.fail(
                    e,
                    "cognito-idp:AdminUpdateUserAttributes",
                    Subject::User(username),
                    "attributes",
                )
            })?;
        Ok(())
    }

    async fn delete_attributes(
        &self,
        username: &Username,
        names: &[AttributeName],
    ) -> DomainResult<()> {
        self.client
            .admin_delete_user_attributes()
            .user_pool_id(&self.user_pool_id)
            .username(username.as_str())
            .set_user_attribute_names(Some(names.iter().map(|n| n.as_str().to_string()).collect()))
            .send()
            .await
            .map_err(|e| {
                self.fail(
                    e,
                    "cognito-idp:AdminDeleteUserAttributes",
                    Subject::User(username),
                    "attributes",
                )
            })?;
        Ok(())
    }

    async fn list_groups(&self, page: PageRequest) -> DomainResult<Page<Group>> {
        let scope = scope_of("cognito-groups", &self.user_pool_id);
        let token: Option<String> = page.cursor.as_ref().map(|c| c.decode(&scope)).transpose()?;
        let out = self
            .client
            .list_groups()
            .user_pool_id(&self.user_pool_id)
            .limit(page_size(&page))
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| self.fail(e, "cognito-idp:ListGroups", Subject::Pool, "cursor"))?;
        let items = out
            .groups()
            .iter()
            .map(group_from)
            .collect::<DomainResult<Vec<_>>>()?;
        let next = out
            .next_token()
            .filter(|t| !t.is_empty())
            .map(|t| Cursor::encode(&scope, &t));
        Ok(Page::new(items, next))
    }

    async fn create_group(
        &self,
        name: &GroupName,
        description: Option<&str>,
    ) -> DomainResult<Group> {
        let out = self
            .client
            .create_group()
            .user_pool_id(&self.user_pool_id)
            .group_name(name.as_str())
            .set_description(description.map(str::to_string))
            .send()
            .await
            .map_err(|e| self.fail(e, "cognito-idp:CreateGroup", Subject::Group(name), "group"))?;
        match out.group() {
            Some(group) => group_from(group),
            None => Ok(Group {
                name: name.clone(),
                description: description.map(str::to_string),
                precedence: None,
            }),
        }
    }

    async fn groups_of(&self, username: &Username) -> DomainResult<Vec<Group>> {
        let mut groups = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_GROUP_PAGES {
            let out = self
                .client
                .admin_list_groups_for_user()
                .user_pool_id(&self.user_pool_id)
                .username(username.as_str())
                .limit(COGNITO_MAX_PAGE)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| {
                    self.fail(
                        e,
                        "cognito-idp:AdminListGroupsForUser",
                        Subject::User(username),
                        "username",
                    )
                })?;
            for group in out.groups() {
                groups.push(group_from(group)?);
            }
            match out.next_token().filter(|t| !t.is_empty()) {
                Some(next) => token = Some(next.to_string()),
                None => {
                    groups.sort_by(|a, b| a.name.cmp(&b.name));
                    return Ok(groups);
                }
            }
        }
        Err(DomainError::bug(format!(
            "AdminListGroupsForUser for user {username} did not end after {MAX_GROUP_PAGES} pages"
        )))
    }

    async fn add_to_group(&self, username: &Username, group: &GroupName) -> DomainResult<()> {
        self.client
            .admin_add_user_to_group()
            .user_pool_id(&self.user_pool_id)
            .username(username.as_str())
            .group_name(group.as_str())
            .send()
            .await
            .map_err(|e| {
                self.fail(
                    e,
                    "cognito-idp:AdminAddUserToGroup",
                    Subject::Membership(username, group),
                    "group",
                )
            })?;
        Ok(())
    }

    async fn remove_from_group(&self, username: &Username, group: &GroupName) -> DomainResult<()> {
        self.client
            .admin_remove_user_from_group()
            .user_pool_id(&self.user_pool_id)
            .username(username.as_str())
            .group_name(group.as_str())
            .send()
            .await
            .map_err(|e| {
                self.fail(
                    e,
                    "cognito-idp:AdminRemoveUserFromGroup",
                    Subject::Membership(username, group),
                    "group",
                )
            })?;
        Ok(())
    }

    async fn delete_user(&self, username: &Username) -> DomainResult<()> {
        self.client
            .admin_delete_user()
            .user_pool_id(&self.user_pool_id)
            .username(username.as_str())
            .send()
            .await
            .map_err(|e| {
                self.fail(
                    e,
                    "cognito-idp:AdminDeleteUser",
                    Subject::User(username),
                    "username",
                )
            })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cognitoidentityprovider::operation::admin_add_user_to_group::AdminAddUserToGroupError;
    use aws_sdk_cognitoidentityprovider::operation::admin_confirm_sign_up::AdminConfirmSignUpError;
    use aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserError;
    use aws_smithy_runtime_api::http::{Response, StatusCode};
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;
    use proptest::prelude::*;

    fn meta(code: &str, message: &str) -> ErrorMetadata {
        ErrorMetadata::builder().code(code).message(message).build()
    }

    fn response() -> Response {
        Response::new(StatusCode::try_from(400).unwrap(), SdkBody::empty())
    }

    fn get_user_failure(code: &str, message: &str) -> DomainError {
        let err =
            SdkError::service_error(AdminGetUserError::generic(meta(code, message)), response());
        let ann = Username::parse("ann").unwrap();
        translate(
            "us-east-1_pool",
            err,
            "cognito-idp:AdminGetUser",
            Subject::User(&ann),
            "username",
        )
    }

    fn membership_failure(code: &str, message: &str) -> DomainError {
        let err = SdkError::service_error(
            AdminAddUserToGroupError::generic(meta(code, message)),
            response(),
        );
        let ann = Username::parse("ann").unwrap();
        let admins = GroupName::admins();
        translate(
            "us-east-1_pool",
            err,
            "cognito-idp:AdminAddUserToGroup",
            Subject::Membership(&ann, &admins),
            "group",
        )
    }

    #[test]
    fn cognito_error_codes_become_the_port_errors() {
        assert!(matches!(
            get_user_failure("UserNotFoundException", "User does not exist."),
            DomainError::NotFound(s) if s == "user ann"
        ));
        assert!(matches!(
            get_user_failure("InvalidParameterException", "1 validation error detected"),
            DomainError::Invalid(i) if i.field == "username" && i.message == "1 validation error detected"
        ));
        assert!(matches!(
            get_user_failure("TooManyRequestsException", "Rate exceeded"),
            DomainError::Throttled(s) if s.contains("cognito-idp:AdminGetUser")
        ));
        assert!(matches!(
            get_user_failure("AccessDeniedException", "User: arn:aws:sts::1:assumed-role/x is not authorized"),
            DomainError::Forbidden(s) if s.starts_with("cognito-idp:AdminGetUser")
        ));
        assert!(matches!(
            get_user_failure("NotAuthorizedException", "Access Token has been revoked"),
            DomainError::Forbidden(s) if s.starts_with("cognito-idp:AdminGetUser")
        ));
        assert!(matches!(
            get_user_failure("ResourceNotFoundException", "User pool us-east-1_pool does not exist."),
            DomainError::NotFound(s) if s == "user pool us-east-1_pool"
        ));
    }

    #[test]
    fn missing_group_and_missing_user_are_told_apart() {
        assert!(matches!(
            membership_failure("ResourceNotFoundException", "Group not found."),
            DomainError::NotFound(s) if s == "group admins"
        ));
        assert!(matches!(
            membership_failure("UserNotFoundException", "User does not exist."),
            DomainError::NotFound(s) if s == "user ann"
        ));
        assert!(matches!(
            membership_failure("ResourceNotFoundException", "User pool us-east-1_pool does not exist."),
            DomainError::NotFound(s) if s == "user pool us-east-1_pool"
        ));
    }

    #[test]
    fn confirming_a_user_in_the_wrong_state_is_a_conflict_not_forbidden() {
        let err = SdkError::service_error(
            AdminConfirmSignUpError::generic(meta(
                "NotAuthorizedException",
                "User cannot be confirmed. Current status is CONFIRMED",
            )),
            response(),
        );
        let ann = Username::parse("ann").unwrap();
        let mapped = translate(
            "p",
            err,
            "cognito-idp:AdminConfirmSignUp",
            Subject::User(&ann),
            "username",
        );
        assert!(
            matches!(mapped, DomainError::Conflict(ref s) if s == "user ann: User cannot be confirmed. Current status is CONFIRMED"),
            "{mapped}"
        );
    }

    #[test]
    fn a_weak_password_names_the_password_field() {
        let err = SdkError::service_error(
            AdminGetUserError::generic(meta(
                "InvalidPasswordException",
                "Password did not conform with policy",
            )),
            response(),
        );
        let ann = Username::parse("ann").unwrap();
        let mapped = translate(
            "p",
            err,
            "cognito-idp:AdminCreateUser",
            Subject::User(&ann),
            "attributes",
        );
        assert!(
            matches!(mapped, DomainError::Invalid(ref i) if i.field == "password"),
            "{mapped}"
        );
    }

    fn user_type(status: &str) -> UserType {
        UserType::builder()
            .username("google_1234")
            .enabled(false)
            .user_status(UserStatusType::from(status))
            .attributes(
                AttributeType::builder()
                    .name("sub")
                    .value("0f8fad5b-d9cb-469f-a165-70867728950e")
                    .build()
                    .unwrap(),
            )
            .attributes(
                AttributeType::builder()
                    .name("email")
                    .value("ann@example.com")
                    .build()
                    .unwrap(),
            )
            .attributes(AttributeType::builder().name("nickname").build().unwrap())
            .user_create_date(aws_smithy_types::DateTime::from_millis(1_700_000_000_123))
            .mfa_options(
                MfaOptionType::builder()
                    .delivery_medium(DeliveryMediumType::Sms)
                    .attribute_name("phone_number")
                    .build(),
            )
            .build()
    }

    #[test]
    fn listed_user_keeps_every_field_cognito_sent() {
        let user = listed_user(&user_type("EXTERNAL_PROVIDER")).unwrap();
        assert_eq!(user.username.as_str(), "google_1234");
        assert_eq!(user.status, UserStatus::ExternalProvider);
        assert!(!user.enabled);
        assert_eq!(
            user.sub.as_ref().map(UserSub::as_str),
            Some("0f8fad5b-d9cb-469f-a165-70867728950e")
        );
        assert_eq!(user.email.as_deref(), Some("ann@example.com"));
        assert_eq!(user.attribute("nickname"), Some(""));
        assert_eq!(
            user.created_at.map(|t| t.timestamp_millis()),
            Some(1_700_000_000_123)
        );
        assert_eq!(user.modified_at, None);
        assert_eq!(user.mfa, vec!["SMS_MFA".to_string()]);
    }

    #[test]
    fn unknown_status_is_kept_as_it_came() {
        let user = listed_user(&user_type("SOMETHING_NEW")).unwrap();
        assert_eq!(user.status, UserStatus::Other("SOMETHING_NEW".into()));
        let no_status = listed_user(&UserType::builder().username("x").build()).unwrap();
        assert_eq!(no_status.status.as_str(), "UNKNOWN");
    }

    #[test]
    fn user_without_a_username_is_an_error_not_a_panic() {
        let err = listed_user(&UserType::builder().build()).unwrap_err();
        assert!(matches!(err, DomainError::Unexpected { .. }), "{err}");
    }

    #[test]
    fn plain_search_text_is_sent_to_cognito_as_it_is() {
        let filter = UserFilter::parse(r#"email ^= "ann@ex""#).unwrap();
        let plan = UserSearch::plan(Some(&filter)).unwrap();
        assert_eq!(
            plan.server.map(|f| f.to_cognito()).as_deref(),
            Some(r#"email ^= "ann@ex""#)
        );
        assert_eq!(plan.residual, None);
    }

    #[test]
    fn quoted_search_text_sends_only_its_plain_prefix() {
        let filter = UserFilter::new(
            FilterAttribute::Name,
            FilterOp::Equals,
            r#"Dave "The Wave" \o/"#,
        )
        .unwrap();
        let plan = UserSearch::plan(Some(&filter)).unwrap();
        assert_eq!(
            plan.server.map(|f| f.to_cognito()).as_deref(),
            Some(r#"name ^= "Dave""#)
        );
        assert_eq!(plan.residual, Some(filter));
        let leading =
            UserFilter::new(FilterAttribute::Email, FilterOp::StartsWith, r#"" or"#).unwrap();
        assert_eq!(UserSearch::plan(Some(&leading)).unwrap().server, None);
    }

    fn with_attribute(name: &str, value: &str) -> DirectoryUser {
        let mut user = listed_user(&user_type("CONFIRMED")).unwrap();
        user.attributes.push((name.to_string(), value.to_string()));
        user
    }

    proptest! {
        /// Whatever the search text, the filter sent holds no quote but its two delimiters and
        /// no backslash, reads back as one condition, and every user the whole condition
        /// matches is inside what it asks for; the adapter's own check then keeps exactly the
        /// users the condition matches.
        #[test]
        fn search_sends_a_plain_superset_and_keeps_exact_matches(
            value in "[a-zA-Z0-9 @.\"\\\\]{0,12}",
            candidate in "[a-zA-Z0-9 @.\"\\\\]{0,12}",
            suffix in "[a-z\"\\\\]{0,3}",
            starts in any::<bool>(),
        ) {
            let op = if starts { FilterOp::StartsWith } else { FilterOp::Equals };
            let filter = UserFilter::new(FilterAttribute::Name, op, value.clone()).unwrap();
            let plan = UserSearch::plan(Some(&filter)).unwrap();
            if let Some(server) = &plan.server {
                let sent = server.to_cognito();
                prop_assert_eq!(sent.matches('"').count(), 2);
                prop_assert!(!sent.contains('\\'));
                prop_assert!(sent.starts_with("name "));
                prop_assert!(sent.ends_with('"'));
            }
            for name in [candidate.clone(), value.clone(), format!("{value}{suffix}")] {
                let matches = filter.matches_value(&name);
                let asked = plan.server.as_ref().is_none_or(|s| s.matches_value(&name));
                if matches {
                    prop_assert!(asked, "{:?} matches but the server would not return it", name);
                }
                let user = with_attribute("name", &name);
                prop_assert_eq!(asked && plan.keeps(&user), matches);
            }
        }
    }
}
