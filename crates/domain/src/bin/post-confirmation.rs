//! Cognito's post-confirmation trigger on Lambda: writes the users row and returns the event.

use backoffice_domain::lambda::{self, LambdaSettings, Needs};
use backoffice_domain::triggers::post_confirmation::handle;
use lambda_http::lambda_runtime::{self, Error, LambdaEvent, service_fn};
use serde_json::Value;
use std::sync::Arc;

fn main() -> std::process::ExitCode {
    let usage = format!(
        "post-confirmation: Cognito's post-confirmation trigger (writes the users row)\n\nUsage: post-confirmation          run as a Lambda function\n       post-confirmation --help   this text\n\nSettings (environment):\n{}",
        lambda::COMMON_SETTINGS
    );
    if let Err(code) = lambda::arguments(&usage, &[]) {
        return code;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "the function stopped");
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Error> {
    lambda::init_logging();
    let settings = LambdaSettings::from_env(|k| std::env::var(k).ok(), Needs::Database)?;
    let content = Arc::new(
        lambda::open_database(&settings)
            .await
            .map_err(|e| e.chain())?,
    );
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let content = content.clone();
        async move {
            let request_id = event.context.request_id.clone();
            handle(event.payload, content.as_ref()).await.map_err(|e| {
                tracing::error!(requestId = %request_id, cause = %e.chain(), "sign-up not recorded");
                Error::from(e.chain())
            })
        }
    }))
    .await
}
