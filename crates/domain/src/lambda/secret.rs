//! The database password, read once at init from Secrets Manager (`DB_SECRET_ARN`): the
//! template hands the function the secret's ARN and `secretsmanager:GetSecretValue` on it,
//! never the password itself, so it is in no environment variable, console page or template
//! output. The secret is RDS's shape (`{"username": …, "password": …}`) or the bare password.

use super::LambdaSettings;
use crate::adapters::aws::{AwsContext, Call, sdk_error};
use crate::adapters::sql::mysql_options;
use crate::error::{DomainError, DomainResult};
use std::time::Duration;

/// The password the secret holds. A secret without one is refused by name, never echoed.
pub async fn database_password(aws: &AwsContext, arn: &str) -> DomainResult<String> {
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
    password_of(text)
}

/// Reads the secret every `every` for as long as the pool lives; when the password changed (a
/// rotation), the pool's next connections use the new one (open connections stay as they
/// are). A failed read keeps the password in use and says so in the log, never the password.
pub(super) fn keep_fresh(
    aws: AwsContext,
    arn: String,
    settings: LambdaSettings,
    pool: sqlx::MySqlPool,
    mut current: String,
    every: Duration,
) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await;
        while !pool.is_closed() {
            ticks.tick().await;
            match database_password(&aws, &arn).await {
                Ok(password) if password != current => {
                    match mysql_options(&settings.database_url_with(&password)) {
                        Ok(options) => {
                            pool.set_connect_options(options);
                            current = password;
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

/// `{"password": "…"}` (RDS's managed secrets, with `username` and more beside it) or the
/// password as the whole text.
fn password_of(text: &str) -> DomainResult<String> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|_| DomainError::invalid("DB_SECRET_ARN", "the secret is not valid JSON"))?;
        return value
            .get("password")
            .and_then(|p| p.as_str())
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .ok_or_else(|| {
                DomainError::invalid("DB_SECRET_ARN", "the secret's JSON has no \"password\"")
            });
    }
    if text.is_empty() {
        return Err(DomainError::invalid("DB_SECRET_ARN", "the secret is empty"));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rds_shaped_and_bare_secrets_give_their_password_and_odd_ones_are_refused_unechoed() {
        assert_eq!(
            password_of(r#"{"username":"app","password":"p@ss:w/rd","engine":"mysql"}"#).unwrap(),
            "p@ss:w/rd"
        );
        assert_eq!(password_of("plain-Secret-1").unwrap(), "plain-Secret-1");
        for bad in [
            r#"{"username":"app"}"#,
            r#"{"password":""}"#,
            "{not json",
            "",
        ] {
            let e = password_of(bad).unwrap_err().to_string();
            assert!(e.contains("DB_SECRET_ARN"), "{e}");
        }
        let e = password_of(r#"{"user":"app","pw":"hunter2-hunter2"}"#)
            .unwrap_err()
            .to_string();
        assert!(!e.contains("hunter2"), "{e}");
    }
}
