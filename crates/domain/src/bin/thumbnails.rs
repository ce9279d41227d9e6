//! The image trigger on Lambda: S3 ObjectCreated events under `posts/` and `profiles/` become
//! thumbnails under `thumbs/`. A transient failure fails the invocation so Lambda retries it; an
//! image refused for good is logged and not retried.

use backoffice_domain::adapters::aws::S3ObjectStore;
use backoffice_domain::lambda::{self, LambdaSettings, Needs};
use backoffice_domain::triggers::thumbnails::{ThumbnailLimits, handle_event};
use lambda_http::lambda_runtime::{self, Error, LambdaEvent, service_fn};
use serde_json::{Value, json};
use std::sync::Arc;

fn main() -> std::process::ExitCode {
    let usage = format!(
        "thumbnails: the image trigger (S3 ObjectCreated under posts/ and profiles/ → thumbs/)\n\nUsage: thumbnails          run as a Lambda function\n       thumbnails --help   this text\n\nSettings (environment):\n{}\n  MEDIA_BUCKET       the bucket the thumbnails are written to",
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
    let aws = lambda::open_aws(&settings).await.map_err(|e| e.chain())?;
    let objects = Arc::new(S3ObjectStore::new(&aws));
    let limits = Arc::new(ThumbnailLimits::default());
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let (content, objects, limits) = (content.clone(), objects.clone(), limits.clone());
        async move {
            let outcomes =
                handle_event(&event.payload, objects.as_ref(), content.as_ref(), &limits)
                    .await
                    .map_err(|e| e.chain())?;
            Ok::<Value, Error>(json!({ "records": outcomes }))
        }
    }))
    .await
}
