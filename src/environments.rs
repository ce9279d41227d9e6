//! Opening a configured environment: one AWS session (its identity is the audit actor), the
//! Cognito pool and the service's database. Progress goes to stderr before the screen opens.

use crate::app::Context;
use crate::config::Environment;
use crate::exec::Backends;
use backoffice_domain::adapters::aws::{
    AwsContext, AwsSettings, CloudWatchInsights, CloudWatchLogSource, CloudWatchMetrics,
    CognitoUserDirectory, S3ObjectStore,
};
use backoffice_domain::adapters::sql::MySqlContentStore;
use backoffice_domain::model::Actor;
use backoffice_domain::ports::{LogInsights, LogSource, Metrics, ObjectStore};
use color_eyre::eyre::{Result, WrapErr, eyre};
use std::sync::Arc;
use std::time::Duration;

/// How long opening may take before the operator is told what hangs.
const OPEN_TIMEOUT: Duration = Duration::from_secs(20);

pub fn aws_settings(env: &Environment) -> AwsSettings {
    AwsSettings {
        profile: env.profile.clone(),
        region: env.region.clone(),
        endpoint_url: env.endpoint_url.clone(),
        ..AwsSettings::default()
    }
}

pub async fn open(env: &Environment, read_only: bool) -> Result<(Backends, Context)> {
    eprint!("Opening {}: AWS identity…", env.name);
    let aws = AwsContext::load(&aws_settings(env))
        .await
        .map_err(|e| eyre!("environment {}: {}", env.name, e.chain()))?;
    let arn = tokio::time::timeout(OPEN_TIMEOUT, aws.caller_identity())
        .await
        .map_err(|_| eyre!("environment {}: STS did not answer within 20 s", env.name))?
        .map_err(|e| {
            eyre!(
                "environment {}: cannot learn who you are: {}",
                env.name,
                e.chain()
            )
        })?;
    let actor = Actor::parse(&arn).map_err(|e| eyre!("the caller ARN {arn}: {e}"))?;
    let directory = env.user_pool_id.as_ref().map(|pool| {
        Arc::new(
            CognitoUserDirectory::new(&aws, pool.clone())
                .with_app_client(env.app_client_id.clone()),
        ) as Arc<dyn backoffice_domain::ports::UserDirectory>
    });
    let objects = Some(Arc::new(S3ObjectStore::new(&aws)) as Arc<dyn ObjectStore>);
    let logs = Some(Arc::new(CloudWatchLogSource::new(&aws)) as Arc<dyn LogSource>);
    eprint!(" database…");
    let url = env
        .resolve_database_url(|v| std::env::var(v).ok())
        .map_err(|e| eyre!(e))?;
    let content = match url {
        Some(url) => {
            let store = tokio::time::timeout(
                OPEN_TIMEOUT,
                MySqlContentStore::connect_mysql_existing(&url),
            )
            .await
            .map_err(|_| {
                eyre!(
                    "environment {}: the database did not answer within 20 s",
                    env.name
                )
            })?
            .map_err(|e| eyre!("environment {}: database: {}", env.name, e.chain()))
            .wrap_err("check database_url and its password variable")?;
            Some(Arc::new(store) as Arc<dyn backoffice_domain::ports::ContentStore>)
        }
        None => None,
    };
    eprintln!(" ready.");
    tracing::info!(environment = %env.name, operator = %arn, "opened an AWS environment");
    let audited = content.is_some();
    Ok((
        Backends {
            content,
            directory,
            objects,
            bucket: env.bucket.clone(),
            logs,
            insights: Some(Arc::new(CloudWatchInsights::new(&aws)) as Arc<dyn LogInsights>),
            metrics: Some(Arc::new(CloudWatchMetrics::new(&aws)) as Arc<dyn Metrics>),
            functions: crate::ops::functions_of(&env.log_groups, &env.functions),
            log_groups: env.log_groups.clone(),
            actor,
            environment: env.name.clone(),
            throttles: Some(aws.throttles().clone()),
        },
        Context {
            environment: env.name.clone(),
            production: env.production,
            profile: env.profile.clone(),
            region: aws.region().to_string(),
            operator: arn,
            read_only: read_only || env.read_only,
            audited,
        },
    ))
}
