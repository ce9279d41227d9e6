//! A user directory in SQLite with Cognito's semantics: statuses, the enabled flag,
//! attributes, groups, and ListUsers' one-condition `=` / `^=` filter, 60 users a page at most.

use super::random_uuid;
use crate::adapters::sql::map_sqlx;
use crate::error::{DomainError, DomainResult};
use crate::model::{
    AttributeName, AuthEvent, Cursor, DirectoryUser, FilterAttribute, FilterOp, Group, GroupName,
    NewDirectoryUser, Page, PageRequest, PasswordPolicy, UserStatus, UserSub, Username, now_millis,
};
use crate::ports::{DIRECTORY_MAX_PAGE, UserDirectory, UserQuery};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, SqlitePool};

#[derive(Debug, Clone)]
pub struct SandboxUserDirectory {
    pool: SqlitePool,
}

crate::adapters::sql::from_row! {
struct AuthEventRow {
    id: String,
    kind: String,
    at: DateTime<Utc>,
    result: String,
    risk_level: Option<String>,
    risk_decision: Option<String>,
    ip: Option<String>,
    city: Option<String>,
    country: Option<String>,
    device: Option<String>,
}
}

crate::adapters::sql::from_row! {
struct UserRow {
    username: String,
    sub: String,
    status: String,
    enabled: bool,
    created_at: DateTime<Utc>,
    modified_at: DateTime<Utc>,
}
}

impl SandboxUserDirectory {
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }

    /// Creates a user exactly as given (seeding): status, enabled flag, times and sub.
    #[allow(clippy::too_many_arguments)]
    pub async fn import_user(
        &self,
        username: &Username,
        sub: &UserSub,
        status: &UserStatus,
        enabled: bool,
        created_at: DateTime<Utc>,
        attributes: &[(String, String)],
    ) -> DomainResult<()> {
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|e| map_sqlx("directory", e))?;
        sqlx::query(
            "INSERT INTO directory_users (username, sub, status, enabled, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(username.as_str())
        .bind(sub.as_str())
        .bind(status.as_str())
        .bind(enabled)
        .bind(created_at)
        .bind(created_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| map_sqlx(&format!("user {username}"), e))?;
        let mut all = vec![("sub".to_string(), sub.to_string())];
        all.extend(attributes.iter().cloned());
        for (position, (name, value)) in all.iter().enumerate() {
            sqlx::query("INSERT INTO directory_attributes (username, name, value, position) VALUES (?, ?, ?, ?)")
                .bind(username.as_str())
                .bind(name)
                .bind(value)
                .bind(position as i64)
                .execute(&mut *tx)
                .await
                .map_err(|e| map_sqlx("attributes", e))?;
        }
        tx.commit().await.map_err(|e| map_sqlx("directory", e))
    }

    async fn load(&self, rows: Vec<UserRow>) -> DomainResult<Vec<DirectoryUser>> {
        let mut users = Vec::with_capacity(rows.len());
        for row in rows {
            let attributes: Vec<(String, String)> = sqlx::query_as(
                "SELECT name, value FROM directory_attributes WHERE username = ? ORDER BY position",
            )
            .bind(&row.username)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| map_sqlx("attributes", e))?;
            let username = Username::from_directory(row.username.as_str())
                .map_err(|e| DomainError::unexpected("directory row holds a bad username", e))?;
            let email = attributes
                .iter()
                .find(|(n, _)| n == "email")
                .map(|(_, v)| v.clone());
            users.push(DirectoryUser {
                username,
                sub: UserSub::parse(&row.sub).ok(),
                email,
                status: UserStatus::parse(&row.status),
                enabled: row.enabled,
                attributes,
                created_at: Some(row.created_at),
                modified_at: Some(row.modified_at),
                mfa: Vec::new(),
            });
        }
        Ok(users)
    }

    async fn touch(
        &self,
        username: &Username,
        sql: &'static str,
        binds: &[&str],
    ) -> DomainResult<()> {
        let mut q = sqlx::query(sql);
        for b in binds {
            q = q.bind(*b);
        }
        let result = q
            .bind(now_millis())
            .bind(username.as_str())
            .execute(&self.pool)
            .await
            .map_err(|e| map_sqlx(&format!("user {username}"), e))?;
        if result.rows_affected() == 0 {
            return Err(DomainError::not_found(format!("user {username}")));
        }
        Ok(())
    }

    /// Records an event in the user's sign-in history (the seed's and the simulator's
    /// sign-ins, and the directory's own events).
    pub async fn record_auth_event(
        &self,
        username: &Username,
        event: &AuthEvent,
    ) -> DomainResult<()> {
        sqlx::query(
            "INSERT INTO directory_auth_events (id, username, kind, at, result, risk_level, risk_decision, ip, city, country, device) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&event.id)
        .bind(username.as_str())
        .bind(&event.kind)
        .bind(event.at.unwrap_or_else(now_millis))
        .bind(&event.result)
        .bind(&event.risk_level)
        .bind(&event.risk_decision)
        .bind(&event.ip)
        .bind(&event.city)
        .bind(&event.country)
        .bind(&event.device)
        .execute(&self.pool)
        .await
        .map_err(|e| map_sqlx("sign-in history", e))?;
        Ok(())
    }

    /// An event the directory itself causes, passed and unassessed.
    async fn own_event(&self, username: &Username, kind: &str) -> DomainResult<()> {
        let id = random_uuid(&mut rand::rng());
        self.record_auth_event(
            username,
            &AuthEvent {
                id,
                kind: kind.to_string(),
                at: Some(now_millis()),
                result: "Pass".into(),
                risk_level: None,
                risk_decision: Some("NoRisk".into()),
                ip: None,
                city: None,
                country: None,
                device: Some("backoffice sandbox".into()),
            },
        )
        .await
    }

    async fn require_user(&self, username: &Username) -> DomainResult<UserRow> {
        sqlx::query_as::<_, UserRow>(
            "SELECT username, sub, status, enabled, created_at, modified_at FROM directory_users WHERE username = ?",
        )
        .bind(username.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| map_sqlx("directory", e))?
        .ok_or_else(|| DomainError::not_found(format!("user {username}")))
    }
}

/// The SQL expression whose value a filter on `attribute` compares.
/// Marks the user modified now and commits the transaction that changed them.
async fn touched(
    mut tx: sqlx::Transaction<'_, sqlx::Sqlite>,
    username: &Username,
) -> DomainResult<()> {
    sqlx::query("UPDATE directory_users SET modified_at = ? WHERE username = ?")
        .bind(now_millis())
        .bind(username.as_str())
        .execute(&mut *tx)
        .await
        .map_err(|e| map_sqlx("directory", e))?;
    tx.commit().await.map_err(|e| map_sqlx("directory", e))
}

fn filter_expression(attribute: FilterAttribute) -> &'static str {
    match attribute {
        FilterAttribute::Username => "u.username",
        FilterAttribute::UserStatus => "u.status",
        FilterAttribute::Enabled => "(CASE WHEN u.enabled THEN 'Enabled' ELSE 'Disabled' END)",
        FilterAttribute::Sub => "u.sub",
        FilterAttribute::Email => {
            "(SELECT a.value FROM directory_attributes a WHERE a.username = u.username AND a.name = 'email')"
        }
        FilterAttribute::PhoneNumber => {
            "(SELECT a.value FROM directory_attributes a WHERE a.username = u.username AND a.name = 'phone_number')"
        }
        FilterAttribute::Name => {
            "(SELECT a.value FROM directory_attributes a WHERE a.username = u.username AND a.name = 'name')"
        }
        FilterAttribute::GivenName => {
            "(SELECT a.value FROM directory_attributes a WHERE a.username = u.username AND a.name = 'given_name')"
        }
        FilterAttribute::FamilyName => {
            "(SELECT a.value FROM directory_attributes a WHERE a.username = u.username AND a.name = 'family_name')"
        }
        FilterAttribute::PreferredUsername => {
            "(SELECT a.value FROM directory_attributes a WHERE a.username = u.username AND a.name = 'preferred_username')"
        }
    }
}

fn group_from_row(
    (name, description, precedence): (String, Option<String>, Option<i32>),
) -> DomainResult<Group> {
    Ok(Group {
        name: GroupName::parse(&name)
            .map_err(|e| DomainError::unexpected(format!("group row '{name}' is invalid"), e))?,
        description,
        precedence,
    })
}

fn check_password(password: &str) -> DomainResult<()> {
    Ok(PasswordPolicy::default().check(password)?)
}

#[async_trait]
impl UserDirectory for SandboxUserDirectory {
    async fn list_users(
        &self,
        query: &UserQuery,
        page: PageRequest,
    ) -> DomainResult<Page<DirectoryUser>> {
        let limit = page.limit_or(DIRECTORY_MAX_PAGE, DIRECTORY_MAX_PAGE);
        let scope = crate::model::scope_of("directory", &query.filter);
        let after: Option<String> = page.cursor.as_ref().map(|c| c.decode(&scope)).transpose()?;
        let mut sql = String::from(
            "SELECT u.username, u.sub, u.status, u.enabled, u.created_at, u.modified_at FROM directory_users u WHERE 1 = 1",
        );
        if let Some(filter) = &query.filter {
            let expr = filter_expression(filter.attribute);
            match filter.op {
                FilterOp::Equals => sql.push_str(&format!(" AND {expr} = ?")),
                FilterOp::StartsWith => {
                    sql.push_str(&format!(" AND substr({expr}, 1, length(?)) = ?"))
                }
            }
        }
        if after.is_some() {
            sql.push_str(" AND u.username > ?");
        }
        sql.push_str(" ORDER BY u.username LIMIT ?");
        // Only fixed fragments are concatenated; the search text is always bound.
        let mut q = sqlx::query_as::<_, UserRow>(AssertSqlSafe(sql));
        if let Some(filter) = &query.filter {
            q = q.bind(filter.value.clone());
            if filter.op == FilterOp::StartsWith {
                q = q.bind(filter.value.clone());
            }
        }
        if let Some(after) = after {
            q = q.bind(after);
        }
        let mut rows = q
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| map_sqlx("directory", e))?;
        let next = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(|r| Cursor::encode(&scope, &r.username))
        } else {
            None
        };
        Ok(Page::new(self.load(rows).await?, next))
    }

    async fn get_user(&self, username: &Username) -> DomainResult<DirectoryUser> {
        let row = self.require_user(username).await?;
        let mut users = self.load(vec![row]).await?;
        users
            .pop()
            .ok_or_else(|| DomainError::not_found(format!("user {username}")))
    }

    async fn create_user(&self, user: &NewDirectoryUser) -> DomainResult<DirectoryUser> {
        if let Some(password) = &user.temporary_password {
            check_password(password)?;
        }
        let sub = UserSub::parse(random_uuid(&mut rand::rng()))?;
        let mut attributes: Vec<(String, String)> = Vec::new();
        if let Some(email) = &user.email {
            attributes.push(("email".to_string(), email.to_string()));
        }
        for (name, value) in &user.attributes {
            if name.as_str() != "email" {
                attributes.push((name.as_str().to_string(), value.clone()));
            }
        }
        self.import_user(
            &user.username,
            &sub,
            &UserStatus::ForceChangePassword,
            true,
            now_millis(),
            &attributes,
        )
        .await
        .map_err(|e| match e {
            DomainError::Conflict(_) => DomainError::Conflict(format!(
                "a user named {} already exists; choose another username",
                user.username
            )),
            other => other,
        })?;
        self.own_event(&user.username, "SignUp").await?;
        self.get_user(&user.username).await
    }

    async fn disable_user(&self, username: &Username) -> DomainResult<()> {
        self.touch(
            username,
            "UPDATE directory_users SET enabled = 0, modified_at = ? WHERE username = ?",
            &[],
        )
        .await
    }

    async fn enable_user(&self, username: &Username) -> DomainResult<()> {
        self.touch(
            username,
            "UPDATE directory_users SET enabled = 1, modified_at = ? WHERE username = ?",
            &[],
        )
        .await
    }

    async fn reset_password(&self, username: &Username) -> DomainResult<()> {
        let user = self.require_user(username).await?;
        let status = UserStatus::parse(&user.status);
        if status == UserStatus::ExternalProvider {
            return Err(DomainError::invalid(
                "username",
                "signs in through Google or Apple and has no password to reset",
            ));
        }
        // As Cognito: only an enabled user with a password of their own can be reset, asking
        // again is not an error, and the code needs a verified address to go to.
        if !user.enabled {
            return Err(DomainError::Conflict(format!(
                "user {username} is disabled"
            )));
        }
        if status == UserStatus::ResetRequired {
            return Ok(());
        }
        if status != UserStatus::Confirmed {
            return Err(DomainError::Conflict(format!(
                "user {username}: the password cannot be reset while the status is {status}"
            )));
        }
        let verified: Option<String> = sqlx::query_scalar(
            "SELECT name FROM directory_attributes WHERE username = ? \
             AND name IN ('email_verified', 'phone_number_verified') AND value = 'true' LIMIT 1",
        )
        .bind(username.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| map_sqlx("attributes", e))?;
        if verified.is_none() {
            return Err(DomainError::invalid(
                "username",
                "has no verified e-mail address or phone number to send the reset code to",
            ));
        }
        self.touch(
            username,
            "UPDATE directory_users SET status = 'RESET_REQUIRED', modified_at = ? WHERE username = ?",
            &[],
        )
        .await
    }

    async fn set_password(
        &self,
        username: &Username,
        password: &str,
        permanent: bool,
    ) -> DomainResult<()> {
        check_password(password)?;
        let user = self.require_user(username).await?;
        if UserStatus::parse(&user.status) == UserStatus::ExternalProvider {
            return Err(DomainError::invalid(
                "username",
                "signs in through Google or Apple and has no password",
            ));
        }
        let status = if permanent {
            "CONFIRMED"
        } else {
            "FORCE_CHANGE_PASSWORD"
        };
        self.touch(
            username,
            "UPDATE directory_users SET status = ?, modified_at = ? WHERE username = ?",
            &[status],
        )
        .await
    }

    async fn global_sign_out(&self, username: &Username) -> DomainResult<()> {
        self.touch(
            username,
            "UPDATE directory_users SET signed_out_at = ? WHERE username = ?",
            &[],
        )
        .await
    }

    async fn confirm_sign_up(&self, username: &Username) -> DomainResult<()> {
        let user = self.require_user(username).await?;
        if UserStatus::parse(&user.status) != UserStatus::Unconfirmed {
            return Err(DomainError::Conflict(format!(
                "user {username} cannot be confirmed: the status is {}",
                user.status
            )));
        }
        self.touch(
            username,
            "UPDATE directory_users SET status = 'CONFIRMED', modified_at = ? WHERE username = ?",
            &[],
        )
        .await
    }

    /// The sandbox sends no e-mail: the code is recorded as sent (an event in the history),
    /// under Cognito's rule: only an unconfirmed user is sent one.
    async fn resend_confirmation_code(&self, username: &Username) -> DomainResult<()> {
        let user = self.require_user(username).await?;
        if UserStatus::parse(&user.status) != UserStatus::Unconfirmed {
            return Err(DomainError::Conflict(format!(
                "user {username} has no sign-up to confirm: the status is {} (a confirmation code is for a user who signed up and has not confirmed)",
                user.status
            )));
        }
        self.own_event(username, "ResendCode").await
    }

    async fn sign_in_history(
        &self,
        username: &Username,
        limit: u32,
    ) -> DomainResult<Vec<AuthEvent>> {
        self.require_user(username).await?;
        let rows = sqlx::query_as::<_, AuthEventRow>(
            "SELECT id, kind, at, result, risk_level, risk_decision, ip, city, country, device \
             FROM directory_auth_events WHERE username = ? ORDER BY at DESC, id DESC LIMIT ?",
        )
        .bind(username.as_str())
        .bind(i64::from(limit.clamp(1, 60)))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| map_sqlx("sign-in history", e))?;
        Ok(rows
            .into_iter()
            .map(|r| AuthEvent {
                id: r.id,
                kind: r.kind,
                at: Some(r.at),
                result: r.result,
                risk_level: r.risk_level,
                risk_decision: r.risk_decision,
                ip: r.ip,
                city: r.city,
                country: r.country,
                device: r.device,
            })
            .collect())
    }

    /// The sandbox sends no e-mail: the invitation is recorded as sent (the user's
    /// modification time), under Cognito's rule of who may be re-invited.
    async fn resend_invitation(&self, username: &Username) -> DomainResult<()> {
        let user = self.require_user(username).await?;
        if UserStatus::parse(&user.status) != UserStatus::ForceChangePassword {
            return Err(DomainError::Conflict(format!(
                "user {username} cannot be invited again: the status is {} (an invitation is for a user who has not signed in yet; reset-password sends a code instead)",
                user.status
            )));
        }
        self.touch(
            username,
            "UPDATE directory_users SET modified_at = ? WHERE username = ?",
            &[],
        )
        .await
    }

    async fn update_attributes(
        &self,
        username: &Username,
        attributes: &[(AttributeName, String)],
    ) -> DomainResult<()> {
        self.require_user(username).await?;
        let mut changes: Vec<(String, String)> = attributes
            .iter()
            .map(|(n, v)| (n.as_str().to_string(), v.clone()))
            .collect();
        // As in Cognito, a new e-mail address is unverified unless the same call verifies it.
        if changes.iter().any(|(n, _)| n == "email")
            && !changes.iter().any(|(n, _)| n == "email_verified")
        {
            changes.push(("email_verified".to_string(), "false".to_string()));
        }
        for (name, value) in &changes {
            if name == "email_verified" && value != "true" && value != "false" {
                return Err(DomainError::invalid(
                    "email_verified",
                    "must be true or false",
                ));
            }
        }
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|e| map_sqlx("directory", e))?;
        for (name, value) in &changes {
            sqlx::query(
                "INSERT INTO directory_attributes (username, name, value, position) \
                 VALUES (?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM directory_attributes WHERE username = ?)) \
                 ON CONFLICT(username, name) DO UPDATE SET value = excluded.value",
            )
            .bind(username.as_str())
            .bind(name)
            .bind(value)
            .bind(username.as_str())
            .execute(&mut *tx)
            .await
            .map_err(|e| map_sqlx("attributes", e))?;
        }
        touched(tx, username).await
    }

    async fn delete_attributes(
        &self,
        username: &Username,
        names: &[AttributeName],
    ) -> DomainResult<()> {
        self.require_user(username).await?;
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|e| map_sqlx("directory", e))?;
        for name in names {
            sqlx::query("DELETE FROM directory_attributes WHERE username = ? AND name = ?")
                .bind(username.as_str())
                .bind(name.as_str())
                .execute(&mut *tx)
                .await
                .map_err(|e| map_sqlx("attributes", e))?;
        }
        touched(tx, username).await
    }

    async fn list_groups(&self, page: PageRequest) -> DomainResult<Page<Group>> {
        let limit = page.limit_or(DIRECTORY_MAX_PAGE, DIRECTORY_MAX_PAGE);
        let after: String = page
            .cursor
            .as_ref()
            .map(|c| c.decode::<String>("groups"))
            .transpose()?
            .unwrap_or_default();
        let mut rows: Vec<(String, Option<String>, Option<i32>)> = sqlx::query_as(
            "SELECT name, description, precedence FROM directory_groups WHERE name > ? ORDER BY name LIMIT ?",
        )
        .bind(after)
        .bind(i64::from(limit) + 1)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| map_sqlx("groups", e))?;
        let next = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(|r| Cursor::encode("groups", &r.0))
        } else {
            None
        };
        let items = rows
            .into_iter()
            .map(group_from_row)
            .collect::<DomainResult<Vec<_>>>()?;
        Ok(Page::new(items, next))
    }

    async fn create_group(
        &self,
        name: &GroupName,
        description: Option<&str>,
    ) -> DomainResult<Group> {
        sqlx::query(
            "INSERT INTO directory_groups (name, description, created_at) VALUES (?, ?, ?)",
        )
        .bind(name.as_str())
        .bind(description)
        .bind(now_millis())
        .execute(&self.pool)
        .await
        .map_err(|e| map_sqlx(&format!("group {name}"), e))?;
        Ok(Group {
            name: name.clone(),
            description: description.map(str::to_string),
            precedence: None,
        })
    }

    async fn groups_of(&self, username: &Username) -> DomainResult<Vec<Group>> {
        self.require_user(username).await?;
        let rows: Vec<(String, Option<String>, Option<i32>)> = sqlx::query_as(
            "SELECT g.name, g.description, g.precedence FROM directory_groups g \
             JOIN directory_memberships m ON m.group_name = g.name WHERE m.username = ? ORDER BY g.name",
        )
        .bind(username.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| map_sqlx("groups", e))?;
        rows.into_iter().map(group_from_row).collect()
    }

    async fn add_to_group(&self, username: &Username, group: &GroupName) -> DomainResult<()> {
        self.require_user(username).await?;
        let exists: Option<String> =
            sqlx::query_scalar("SELECT name FROM directory_groups WHERE name = ?")
                .bind(group.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| map_sqlx("groups", e))?;
        if exists.is_none() {
            return Err(DomainError::not_found(format!("group {group}")));
        }
        // Adding a member twice is not an error in Cognito either.
        sqlx::query(
            "INSERT OR IGNORE INTO directory_memberships (group_name, username) VALUES (?, ?)",
        )
        .bind(group.as_str())
        .bind(username.as_str())
        .execute(&self.pool)
        .await
        .map_err(|e| map_sqlx("groups", e))?;
        Ok(())
    }

    async fn remove_from_group(&self, username: &Username, group: &GroupName) -> DomainResult<()> {
        self.require_user(username).await?;
        sqlx::query("DELETE FROM directory_memberships WHERE group_name = ? AND username = ?")
            .bind(group.as_str())
            .bind(username.as_str())
            .execute(&self.pool)
            .await
            .map_err(|e| map_sqlx("groups", e))?;
        Ok(())
    }

    async fn delete_user(&self, username: &Username) -> DomainResult<()> {
        let result = sqlx::query("DELETE FROM directory_users WHERE username = ?")
            .bind(username.as_str())
            .execute(&self.pool)
            .await
            .map_err(|e| map_sqlx("directory", e))?;
        if result.rows_affected() == 0 {
            return Err(DomainError::not_found(format!("user {username}")));
        }
        Ok(())
    }
}
