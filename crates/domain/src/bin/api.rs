//! The service's HTTP API. On Lambda it serves API Gateway and Function URL events; elsewhere
//! it serves the same Router on a loopback port (`BIND_ADDR`, default 127.0.0.1:8080) for
//! client developers and load tests, verifying bearer tokens against the pool's JWKS.
//!
//! `api migrate` applies the schema migrations to the database the settings name and exits:
//! the deployment's step before new code goes live (the functions never migrate).

use backoffice_domain::api;
use backoffice_domain::lambda::{self, LambdaSettings, Needs};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    lambda::init_logging();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!(error = %message, "the API stopped");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    if std::env::args().nth(1).as_deref() == Some("migrate") {
        let settings = LambdaSettings::from_env(|k| std::env::var(k).ok(), Needs::Database)
            .map_err(|e| format!("settings: {e}"))?;
        backoffice_domain::adapters::sql::MySqlContentStore::connect_mysql(settings.database_url())
            .await
            .map_err(|e| format!("migrate: {}", e.chain()))?;
        tracing::info!("the database schema is current");
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
