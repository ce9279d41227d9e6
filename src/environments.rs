//! Opening a configured environment: one AWS session (its identity is the audit actor), the
//! Cognito pool and the service's database. Opening makes clients and a pool and returns; the
//! calls they need run when something first needs them, so the screen and each pane's first
//! page wait only for their own calls (docs/benchmarks.md measures it).

use crate::app::{Context, Opened};
use crate::config::Environment;
use crate::exec::Backends;
use crate::ops::{Identity, Learned};
use backoffice_domain::DomainError;
use backoffice_domain::adapters::aws::{
    AwsContext, AwsSettings, CloudWatchInsights, CloudWatchLogSource, CloudWatchMetrics,
    CognitoUserDirectory, S3ObjectStore,
};
use backoffice_domain::adapters::faulty::{Faults, FaultyContentStore};
use backoffice_domain::adapters::sql::MySqlContentStore;
use backoffice_domain::model::Actor;
use backoffice_domain::ports::{LogInsights, LogSource, Metrics, ObjectStore};
use color_eyre::eyre::{Result, eyre};
use futures::FutureExt;
use futures::future::BoxFuture;
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

/// What opening an environment goes on finding out after [`open`] has returned: who the
/// operator is (STS) and whether the database answers with this build's schema. Nothing that
/// reads waits for them; the console shows each answer as it comes, a command waits for both.
pub struct Pending(Vec<BoxFuture<'static, Opened>>);

impl Pending {
    /// Nothing left to learn (the sandbox).
    pub fn none() -> Self {
        Self(Vec::new())
    }

    /// Each check, to be awaited on its own (the console sends each answer to its loop).
    pub fn into_checks(self) -> Vec<BoxFuture<'static, Opened>> {
        self.0
    }

    /// Waits for every check at once; the first failure, in words.
    pub async fn settle(self) -> Result<()> {
        for opened in futures::future::join_all(self.0).await {
            match opened {
                Opened::Identity(Err(e))
                | Opened::Database(Err(e))
                | Opened::DatabaseUnconfigured(e) => return Err(eyre!(e)),
                Opened::Identity(Ok(_)) | Opened::Database(Ok(())) => {}
            }
        }
        Ok(())
    }
}

/// Opens `env` without waiting on the network: the AWS clients are made (the credential chain
/// resolves on their first call, once for all of them), the database pool connects on its first
/// query, and the operator's identity is asked of STS in the background. Each pane's first page
/// therefore costs its own calls only; the identity and the schema check come back through
/// [`Pending`], and a write waits for the identity (it is the audit row's actor).
pub async fn open(env: &Environment, read_only: bool) -> Result<(Backends, Context, Pending)> {
    let aws = AwsContext::load(&aws_settings(env))
        .await
        .map_err(|e| eyre!("environment {}: {}", env.name, e.chain()))?;
    let name = env.name.clone();
    let identity = {
        let aws = aws.clone();
        let name = name.clone();
        Identity::new(move || {
            let aws = aws.clone();
            let name = name.clone();
            async move {
                let arn = tokio::time::timeout(OPEN_TIMEOUT, aws.caller_identity())
                    .await
                    .map_err(|_| format!("environment {name}: STS did not answer within 20 s"))?
                    .map_err(|e| {
                        format!(
                            "environment {name}: cannot learn who you are: {}",
                            e.chain()
                        )
                    })?;
                let actor = Actor::parse(&arn).map_err(|e| format!("the caller ARN {arn}: {e}"))?;
                tracing::info!(environment = %name, operator = %arn, "opened an AWS environment");
                Ok(actor)
            }
        })
    };
    let directory = env.user_pool_id.as_ref().map(|pool| {
        Arc::new(
            CognitoUserDirectory::new(&aws, pool.clone())
                .with_app_client(env.app_client_id.clone()),
        ) as Arc<dyn backoffice_domain::ports::UserDirectory>
    });
    let objects = Some(Arc::new(S3ObjectStore::new(&aws)) as Arc<dyn ObjectStore>);
    let logs = Some(Arc::new(CloudWatchLogSource::new(&aws)) as Arc<dyn LogSource>);
    let mut checks: Vec<BoxFuture<'static, Opened>> = Vec::new();
    checks.push({
        let identity = identity.clone();
        async move { Opened::Identity(identity.get().await.map(|a| a.as_str().to_string())) }
            .boxed()
    });
    let (content, database) = match env.resolve_database_url(|v| std::env::var(v).ok()) {
        // A placeholder whose variable is unset stops only what uses the database: its check
        // and every store call answer the problem, while users, objects and logs open.
        Err(problem) => {
            let store = unresolved_store(&env.name, problem.clone())?;
            let database = {
                let problem = problem.clone();
                Learned::new(move || std::future::ready(Err(problem.clone())))
            };
            checks.push(async move { Opened::DatabaseUnconfigured(problem) }.boxed());
            (Some(store), Some(database))
        }
        Ok(Some(url)) => {
            let store = Arc::new(
                MySqlContentStore::connect_mysql_lazy(&url)
                    .map_err(|e| eyre!("environment {}: database: {}", env.name, e.chain()))?,
            );
            let checked = store.clone();
            let name = name.clone();
            // Where it went, password masked: a refused connection did not say which.
            let shown = crate::config::mask_url(&url);
            let database = Learned::new(move || {
                let store = checked.clone();
                let name = name.clone();
                let shown = shown.clone();
                async move {
                    match tokio::time::timeout(OPEN_TIMEOUT, store.check_schema()).await {
                        Err(_) => Err(format!(
                            "environment {name}: the database did not answer within 20 s"
                        )),
                        Ok(Err(e)) => Err(format!(
                            "environment {name}: database: {} (check database_url, {shown}, and \
                             its password variable)",
                            e.chain()
                        )),
                        Ok(Ok(())) => Ok(()),
                    }
                }
            });
            checks.push({
                let database = database.clone();
                async move { Opened::Database(database.get().await) }.boxed()
            });
            (
                Some(store as Arc<dyn backoffice_domain::ports::ContentStore>),
                Some(database),
            )
        }
        Ok(None) => (None, None),
    };
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
            identity,
            database,
            environment: env.name.clone(),
            throttles: Some(aws.throttles().clone()),
        },
        Context {
            environment: env.name.clone(),
            production: env.production,
            profile: env.profile.clone(),
            region: aws.region().to_string(),
            operator: IDENTITY_PENDING.to_string(),
            read_only: read_only || env.read_only,
            audited,
        },
        Pending(checks),
    ))
}

/// A content store whose every call fails with the database check's problem (a URL that
/// could not be completed). It wraps a pool that never connects: no call reaches it.
fn unresolved_store(
    environment: &str,
    problem: String,
) -> Result<Arc<dyn backoffice_domain::ports::ContentStore>> {
    let never = MySqlContentStore::connect_mysql_lazy("mysql://unresolved.invalid/db")
        .map_err(|e| eyre!("environment {environment}: database: {}", e.chain()))?;
    // Said where each pane says its failure: `the database (… needs ${VAR}, which is not
    // set) is unavailable` (the chain alone named the variable, and panes show no chain).
    let faults: Faults = Arc::new(move |_| {
        Some(DomainError::Unavailable {
            what: format!("the database ({problem})"),
            source: Some(Box::new(crate::app::Unconfigured(problem.clone()))),
        })
    });
    Ok(Arc::new(FaultyContentStore::new(Arc::new(never), faults)))
}

/// The status bar's operator until STS answers.
pub const IDENTITY_PENDING: &str = "(identity…)";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A loopback port that accepts connections and never answers, counting them.
    async fn black_hole() -> (u16, Arc<AtomicUsize>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                held.push(socket);
            }
        });
        (port, accepted)
    }

    fn environment(aws_port: u16, db_port: u16) -> Environment {
        let text = format!(
            "[environments.slow]\nregion = \"us-east-1\"\nendpoint_url = \"http://127.0.0.1:{aws_port}\"\n\
             user_pool_id = \"us-east-1_abc\"\nbucket = \"media\"\n\
             database_url = \"mysql://root@127.0.0.1:{db_port}/service?ssl-mode=disabled\"\n"
        );
        let config = Config::parse(std::path::Path::new("config.toml"), &text).unwrap();
        config.environments["slow"].clone()
    }

    #[tokio::test]
    async fn opening_makes_no_call_and_a_write_waits_for_the_identity() {
        let (aws_port, aws_calls) = black_hole().await;
        let (db_port, db_calls) = black_hole().await;
        let env = environment(aws_port, db_port);
        // Neither STS nor the database ever answers, and opening is done regardless: it asked
        // nothing of either (each pane's first call is its own).
        let (backends, context, pending) = open(&env, false).await.unwrap();
        assert_eq!(
            aws_calls.load(Ordering::SeqCst),
            0,
            "a call to AWS while opening"
        );
        assert_eq!(
            db_calls.load(Ordering::SeqCst),
            0,
            "a connection while opening"
        );
        assert_eq!(context.operator, IDENTITY_PENDING);
        assert!(
            backends.identity.now().is_none(),
            "the identity is not known yet"
        );
        assert!(backends.database.as_ref().unwrap().now().is_none());
        assert_eq!(
            pending.into_checks().len(),
            2,
            "STS and the schema are still to learn"
        );
    }

    #[tokio::test]
    async fn the_checks_say_what_failed_in_words() {
        // Closed ports: both answers come back at once, each naming what to fix.
        let closed = || {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let env = environment(closed(), closed());
        let (backends, _, pending) = open(&env, false).await.unwrap();
        let mut answers = Vec::new();
        for check in pending.into_checks() {
            answers.push(check.await);
        }
        assert!(
            answers.iter().any(
                |a| matches!(a, Opened::Identity(Err(e)) if e.contains("cannot learn who you are"))
            ),
            "{answers:?}"
        );
        assert!(
            answers
                .iter()
                .any(|a| matches!(a, Opened::Database(Err(e)) if e.contains("check database_url"))),
            "{answers:?}"
        );
        // A write cannot go ahead while either answer is missing: it says why instead of
        // writing unaudited or unsigned.
        let refused = backends.actor().await.unwrap_err().to_string();
        assert!(
            refused.contains("nothing is written while the database check fails")
                && refused.contains("check database_url"),
            "{refused}"
        );
        let no_database = Backends {
            database: None,
            ..backends.clone()
        };
        let refused = no_database.actor().await.unwrap_err().to_string();
        assert!(
            refused.contains("nothing is written without knowing who writes it")
                && refused.contains("cannot learn who you are"),
            "{refused}"
        );
        // The command line waits for both and stops at the first failure.
        let (_, _, pending) = open(&env, false).await.unwrap();
        let settled = pending.settle().await.unwrap_err().to_string();
        assert!(settled.contains("environment slow"), "{settled}");
    }

    /// A `${VAR}` whose variable is unset stops what uses the database, and only that: the
    /// environment opens, and the check, a write and every store call name the variable.
    #[tokio::test]
    async fn an_unset_placeholder_fails_only_the_database() {
        let (aws_port, _) = black_hole().await;
        let mut env = environment(aws_port, 1);
        env.database_url =
            Some("mysql://app:${BACKOFFICE_TEST_NEVER_SET_7F3A}@127.0.0.1:1/service".into());
        let (backends, context, pending) = open(&env, false).await.unwrap();
        assert!(context.audited, "writes still need their audit row");
        assert!(backends.objects.is_some() && backends.directory.is_some());
        let checks = pending.into_checks();
        let answers = futures::future::join_all(checks).await;
        let problem = answers
            .iter()
            .find_map(|a| match a {
                Opened::DatabaseUnconfigured(e) => Some(e.clone()),
                _ => None,
            })
            .expect("the database check fails");
        assert!(
            problem.contains("${BACKOFFICE_TEST_NEVER_SET_7F3A} is not set"),
            "{problem}"
        );
        let store = backends.content.as_ref().unwrap();
        let read = store
            .get_profile(
                &backoffice_domain::model::UserSub::parse("0f8fad5b-d9cb-469f-a165-70867728950e")
                    .unwrap(),
            )
            .await
            .unwrap_err();
        assert!(
            read.to_string()
                .contains("${BACKOFFICE_TEST_NEVER_SET_7F3A} is not set"),
            "{read}"
        );
        let refused = backends.actor().await.unwrap_err().to_string();
        assert!(
            refused.contains("BACKOFFICE_TEST_NEVER_SET_7F3A"),
            "{refused}"
        );
    }
}
