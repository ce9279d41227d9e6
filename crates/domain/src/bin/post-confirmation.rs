//! Cognito's post-confirmation trigger on Lambda: writes the users row and returns the event.

use backoffice_domain::lambda::{self, LambdaSettings, Needs};
use backoffice_domain::triggers::post_confirmation::handle;
use lambda_http::lambda_runtime::{self, Error, LambdaEvent, service_fn};
use serde_json::Value;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
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
