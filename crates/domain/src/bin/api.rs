//! The service's HTTP API. On Lambda it serves API Gateway and Function URL events; elsewhere
//! it serves the same Router on a loopback port (`BIND_ADDR`, default 127.0.0.1:8080) for
//! client developers and load tests, verifying bearer tokens against the pool's JWKS.
//!
//! `api migrate` applies the schema migrations to the database the settings name and exits:
//! the deployment's step before new code goes live (the functions never migrate).

use backoffice_domain::api;
use backoffice_domain::lambda::{self, LambdaSettings, Needs};
use std::process::ExitCode;

fn usage() -> String {
    format!(
        "api: the service's HTTP API

Usage: api            serve: on Lambda, its events; elsewhere, loopback (BIND_ADDR)
       api migrate    apply the schema migrations to the database, then exit
       api --help     this text

Settings (environment):
{}
  USER_POOL_ID       the Cognito user pool whose tokens are accepted
  APP_CLIENT_IDS     the app clients, comma-separated
  MEDIA_BUCKET       the bucket uploads go to
  MAX_UPLOAD_BYTES   the largest upload (default 10 MiB)
  TOKEN_USE          access (default), id or either
  JWKS_URL           where the pool's keys are (default: Cognito's)
  ALLOWED_ORIGINS    the web apps' origins, comma-separated (https://app.example.com), whose
                     browsers may call the API (CORS); none: no CORS headers
  BIND_ADDR          outside Lambda, where to listen (default 127.0.0.1:8080)",
        lambda::COMMON_SETTINGS
    )
}

#[tokio::main]
async fn main() -> ExitCode {
    let command = match lambda::arguments(&usage(), &["migrate"]) {
        Ok(c) => c,
        Err(code) => return code,
    };
    lambda::init_logging();
    let migrate = command.as_deref() == Some("migrate");
    match run(migrate).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) if migrate => {
            tracing::error!(error = %message, "the migration failed");
            ExitCode::FAILURE
        }
        Err(message) => {
            tracing::error!(error = %message, "the API stopped");
            ExitCode::FAILURE
        }
    }
}

async fn run(migrate: bool) -> Result<(), String> {
    if migrate {
        let settings = LambdaSettings::from_env(|k| std::env::var(k).ok(), Needs::Database)
            .map_err(|e| format!("settings: {e}"))?;
        let url = lambda::database_url(&settings)
            .await
            .map_err(|e| format!("migrate: {}", e.chain()))?;
        let (_, applied) =
            backoffice_domain::adapters::sql::MySqlContentStore::connect_mysql_migrating(&url)
                .await
                .map_err(|e| format!("migrate: {}", e.chain()))?;
        if applied.is_empty() {
            tracing::info!("the database schema was already current: nothing applied");
        } else {
            tracing::info!(
                applied = %applied.join(", "),
                "applied {} migrations; the database schema is current",
                applied.len()
            );
        }
        return Ok(());
    }
    let settings = LambdaSettings::from_env(|k| std::env::var(k).ok(), Needs::Api)
        .map_err(|e| format!("settings: {e}"))?;
    // Clients and the database pool are built once, during init, and shared by every request.
    let api = lambda::build_api(&settings)
        .await
        .map_err(|e| format!("init: {}", e.chain()))?;
    let router = api::router(api);
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        return lambda::serve(router).await.map_err(|e| e.to_string());
    }
    let addr = std::env::var("BIND_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".to_string());
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(address = %local, "serving the API on loopback");
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}
