//! The database password, read once at init from Secrets Manager (`DB_SECRET_ARN`): the
//! template hands the function the secret's ARN and `secretsmanager:GetSecretValue` on it,
//! never the password itself, so it is in no environment variable, console page or template
//! output. The secret is RDS's shape (`{"username": …, "password": …}`) or the bare password.

use super::LambdaSettings;
use crate::adapters::aws::{AwsContext, Call, sdk_error};
use crate::adapters::sql::mysql_options;
use crate::error::{DomainError, DomainResult};
use std::time::Duration;

/// What the secret holds: the password, and the user when the secret names one (RDS's managed
/// secrets do; its alternating-users rotation moves between two users). Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: Option<String>,
    pub password: String,
}

/// The credentials the secret holds. A secret without a password is refused by name, never
/// echoed.
pub async fn database_credentials(aws: &AwsContext, arn: &str) -> DomainResult<Credentials> {
    let client = aws_sdk_secretsmanager::Client::new(aws.sdk_config());
    let answer = client
        .get_secret_value()
        .secret_id(arn)
        .send()
        .await
        .map_err(|e| {
            sdk_error(
                e,
                Call::new("Secrets Manager", "secretsmanager:GetSecretValue", arn),
            )
        })?;
    let text = answer.secret_string().ok_or_else(|| {
        DomainError::invalid(
            "DB_SECRET_ARN",
            "the secret holds no text (a binary secret cannot be a password)",
        )
    })?;
    credentials_of(text)
}

/// Reads the secret every `every` for as long as the pool lives; when the password changed (a
/// rotation), the pool's next connections use the new one (open connections stay as they
/// are). A failed read keeps the password in use and says so in the log, never the password.
pub(super) fn keep_fresh(
    aws: AwsContext,
    arn: String,
    settings: LambdaSettings,
    pool: sqlx::MySqlPool,
    mut current: Credentials,
    every: Duration,
) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await;
        while !pool.is_closed() {
            ticks.tick().await;
            match database_credentials(&aws, &arn).await {
                Ok(read) if read != current => {
                    match mysql_options(
                        &settings.database_url_with(read.username.as_deref(), &read.password),
                    ) {
                        Ok(options) => {
                            pool.set_connect_options(options);
                            current = read;
                            tracing::info!("the database secret changed: new connections use it");
                        }
                        Err(e) => {
                            tracing::warn!(error = %e.chain(), "the rotated secret gives no usable URL")
                        }
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e.chain(), "the database secret could not be read again")
                }
            }
        }
    });
}

/// `{"username": "…", "password": "…"}` (RDS's managed secrets, with more beside them; the
/// user is optional) or the password as the whole text.
fn credentials_of(text: &str) -> DomainResult<Credentials> {
    if text.trim_start().starts_with('{') {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|_| DomainError::invalid("DB_SECRET_ARN", "the secret is not valid JSON"))?;
        let field = |name: &str| {
            value
                .get(name)
                .and_then(|v| v.as_str())
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let password = field("password").ok_or_else(|| {
            DomainError::invalid("DB_SECRET_ARN", "the secret's JSON has no \"password\"")
        })?;
        return Ok(Credentials {
            username: field("username"),
            password,
        });
    }
    if text.is_empty() {
        return Err(DomainError::invalid("DB_SECRET_ARN", "the secret is empty"));
    }
    Ok(Credentials {
        username: None,
        password: text.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rds_shaped_and_bare_secrets_give_their_password_and_odd_ones_are_refused_unechoed() {
        let rds = credentials_of(r#"{"username":"app","password":"p@ss:w/rd","engine":"mysql"}"#)
            .unwrap();
        assert_eq!(
            (rds.username.as_deref(), rds.password.as_str()),
            (Some("app"), "p@ss:w/rd")
        );
        let bare = credentials_of("plain-Secret-1").unwrap();
        assert_eq!(
            (bare.username, bare.password.as_str()),
            (None, "plain-Secret-1")
        );
        for bad in [
            r#"{"username":"app"}"#,
            r#"{"password":""}"#,
            "{not json",
            "",
        ] {
            let e = credentials_of(bad).err().unwrap().to_string();
            assert!(e.contains("DB_SECRET_ARN"), "{e}");
        }
        let e = credentials_of(r#"{"user":"app","pw":"hunter2-hunter2"}"#)
            .err()
            .unwrap()
            .to_string();
        assert!(!e.contains("hunter2"), "{e}");
    }
}
