//! What the Lambda entry points share (behind the `lambda` feature): settings from the
//! environment, JSON logs, the adapter that turns an API Gateway event into a Router request,
//! and the clients built once per execution environment.

mod http;
mod secret;
mod settings;

pub use http::{adapt, serve};
pub use settings::{LambdaSettings, Needs, SettingsError};

use crate::adapters::aws::{AwsContext, AwsSettings, CognitoUserDirectory, S3ObjectStore};
use crate::adapters::sql::MySqlContentStore;
use crate::api::{Api, Auth, Limits};
use crate::auth::{BlockCheck, JwtSettings, JwtVerifier};
use crate::error::DomainResult;
use std::sync::Arc;
use std::time::Duration;

/// JSON logs to stdout, one object per line with the event's fields at the top level
/// (`level`, `message`, `requestId`, …), which CloudWatch Logs and the console's Logs pane read.
/// `RUST_LOG` narrows it; the default is `info`.
pub fn init_logging() {
    let filter = crate::logging::filter(std::env::var("RUST_LOG").ok().as_deref());
    tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_target(false)
        .with_env_filter(filter)
        .without_time()
        .init();
}

/// The database URL with its password: from the settings, or, with `DB_SECRET_ARN`, read from
/// Secrets Manager now.
pub async fn database_url(settings: &LambdaSettings) -> DomainResult<String> {
    match &settings.db_secret_arn {
        None => Ok(settings.database_url().to_string()),
        Some(arn) => {
            let aws = open_aws(settings).await?;
            let read = secret::database_credentials(&aws, arn).await?;
            Ok(settings.database_url_with(read.username.as_deref(), &read.password))
        }
    }
}

/// How often a function reads its database secret again: RDS rotates managed secrets, and a
/// warm function must open its next connections with the new password.
pub const SECRET_REFRESH: Duration = Duration::from_secs(300);

/// The service's database, opened during init so the first request finds a live connection.
/// The schema is the deployment's business: a database behind this build is refused. One
/// that does not answer within the pool's acquire timeout is not fatal: the function starts
/// and its pool connects when the database is back. With `DB_SECRET_ARN` the secret is read
/// again every [`SECRET_REFRESH`].
pub async fn open_database(settings: &LambdaSettings) -> DomainResult<MySqlContentStore> {
    open_database_refreshing(settings, SECRET_REFRESH).await
}

/// [`open_database`], reading the secret again every `every`.
pub async fn open_database_refreshing(
    settings: &LambdaSettings,
    every: Duration,
) -> DomainResult<MySqlContentStore> {
    let Some(arn) = &settings.db_secret_arn else {
        return connect(settings.database_url()).await;
    };
    let aws = open_aws(settings).await?;
    let read = secret::database_credentials(&aws, arn).await?;
    let url = settings.database_url_with(read.username.as_deref(), &read.password);
    let store = connect(&url).await?;
    secret::keep_fresh(
        aws,
        arn.clone(),
        settings.clone(),
        store.pool().clone(),
        read,
        every,
    );
    Ok(store)
}

/// Opens the pool; a database that does not answer yet is logged, and the function starts
/// (its requests are answered `503` until the database is back).
async fn connect(url: &str) -> DomainResult<MySqlContentStore> {
    let (store, unanswered) = MySqlContentStore::connect_mysql_service(url).await?;
    if let Some(error) = unanswered {
        tracing::warn!(
            error = %error.chain(),
            "init: the database did not answer; starting anyway, requests wait for it"
        );
    }
    Ok(store)
}

/// The AWS clients' shared configuration (the function's role via the standard chain).
pub async fn open_aws(settings: &LambdaSettings) -> DomainResult<AwsContext> {
    AwsContext::load(&AwsSettings {
        endpoint_url: settings.aws_endpoint.clone(),
        ..AwsSettings::default()
    })
    .await
}

/// The API with every client built: database, S3 and the token verifier.
pub async fn build_api(settings: &LambdaSettings) -> DomainResult<Api> {
    let content = open_database(settings).await?;
    let aws = open_aws(settings).await?;
    let objects = S3ObjectStore::new(&aws);
    let mut jwt = JwtSettings::cognito(
        &settings.region,
        &settings.user_pool_id,
        settings.app_client_ids.clone(),
    );
    if let Some(url) = &settings.jwks_url {
        jwt = jwt.with_jwks_url(url.clone());
    }
    // Requests are answered at once while the database is down (they waited 5 s each).
    let breaker = crate::adapters::breaker::Breaker::new(
        format!("MySQL at {}", content.address()),
        crate::adapters::breaker::TRY_EVERY,
    );
    let content = crate::adapters::breaker::guarded(Arc::new(content), breaker);
    Ok(Api {
        content: Arc::new(content),
        objects: Arc::new(objects),
        directory: Some(Arc::new(CognitoUserDirectory::new(
            &aws,
            settings.user_pool_id.clone(),
        ))),
        bucket: settings.media_bucket.clone(),
        auth: Auth {
            verifier: Some(Arc::new(JwtVerifier::new(jwt)?)),
            client_ids: settings.app_client_ids.clone(),
            accepted: settings.token_use,
            blocks: Arc::new(BlockCheck::default()),
        },
        limits: Limits {
            max_upload_bytes: settings.max_upload_bytes,
            allowed_origins: settings
                .allowed_origins
                .iter()
                .filter_map(|o| axum::http::HeaderValue::from_str(o).ok())
                .collect(),
            ..Limits::default()
        },
    })
}

/// The settings every function reads, for `--help`.
pub const COMMON_SETTINGS: &str = concat!(
    "  DATABASE_URL       mysql://user@host:3306/db (or DB_HOST, DB_PORT, DB_USER, DB_NAME)\n",
    "  DB_PASSWORD        the database password, when the URL carries none (local runs)\n",
    "  DB_SECRET_ARN      a Secrets Manager secret holding the password, read at init\n",
    "  DB_SSL_MODE        verify_identity (default: TLS, server verified), verify_ca, required,\n",
    "                     preferred, disabled\n",
    "  DB_SSL_CA          the CA bundle that verifies the server (RDS: global-bundle.pem)\n",
    "  AWS_REGION         the region (Lambda sets it)\n",
    "  AWS_ENDPOINT_URL   another endpoint for AWS (LocalStack, moto)\n",
    "  RUST_LOG           log filter (default info)",
);

/// What the command line asked for, read before anything touches the environment: `--help`
/// prints `usage` and ends the program; a word of `commands` is handed back; anything else is
/// refused with the usage.
pub fn arguments(usage: &str, commands: &[&str]) -> Result<Option<String>, std::process::ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(None),
        // `api migrate --help` asks for the help too (it was refused as unknown words).
        [one] | [_, one] if one == "--help" || one == "-h" || one == "help" => {
            // Written, not printed: `api --help | head` closes the pipe early, and `println!`
            // panics on the failed write.
            use std::io::Write as _;
            let _ = writeln!(std::io::stdout(), "{usage}");
            Err(std::process::ExitCode::SUCCESS)
        }
        [one] if commands.contains(&one.as_str()) => Ok(Some(one.clone())),
        other => {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "error: unexpected arguments: {}\n\n{usage}",
                other.join(" ")
            );
            Err(std::process::ExitCode::from(2))
        }
    }
}
