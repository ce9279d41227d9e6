//! A `config.toml` environment on the full test run's services: a Cognito pool on moto with
//! users in it, and a fresh database on MariaDB migrated to the service's schema. Shared by the
//! end-to-end and the command-line tests.

#![allow(dead_code)] // each test crate uses its own part of it

pub mod console;
pub mod world;

use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
use sqlx::Connection;

pub struct MotoEnvironment {
    pub endpoint: String,
    pub pool_id: String,
    /// A bucket with one object, `posts/e2e/hello.txt`.
    pub bucket: String,
    /// A log group with one line, `hello from moto` (a minute old).
    pub log_group: String,
    server: String,
    database: String,
    rt: tokio::runtime::Runtime,
}

impl MotoEnvironment {
    /// Creates the pool with `users` (each with an `@example.com` e-mail) and the database.
    pub fn create(tag: &str, users: &[&str]) -> Self {
        let mysql = std::env::var("BACKOFFICE_TEST_MYSQL_URL").expect(
            "BACKOFFICE_TEST_MYSQL_URL is not set: run the service tests through tests/run.sh",
        );
        let server = match mysql.rsplit_once('/') {
            Some((s, db)) if !s.ends_with('/') && !db.contains('@') => s.to_string(),
            _ => mysql.clone(),
        };
        Self::create_on(tag, users, server)
    }

    /// The same, with the database on another MySQL server (`mysql://user@host:port`).
    pub fn create_on(tag: &str, users: &[&str], server: String) -> Self {
        let endpoint = std::env::var("BACKOFFICE_TEST_AWS_ENDPOINT").expect(
            "BACKOFFICE_TEST_AWS_ENDPOINT is not set: run the service tests through tests/run.sh",
        );
        let database = format!("bo_{tag}_{}", std::process::id());
        let bucket = format!("bo-{tag}-{}", std::process::id());
        let log_group = format!("/aws/lambda/bo-{tag}-{}", std::process::id());
        let rt = tokio::runtime::Runtime::new().unwrap();
        let pool_id = rt.block_on(async {
            let mut conn = sqlx::MySqlConnection::connect(&server).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "CREATE DATABASE `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            )))
            .execute(&mut conn)
            .await
            .unwrap();
            backoffice_domain::adapters::sql::MySqlContentStore::connect_mysql(&format!(
                "{server}/{database}?ssl-mode=disabled"
            ))
            .await
            .unwrap();
            let ctx = backoffice_domain::adapters::aws::AwsContext::load(
                &backoffice_domain::adapters::aws::AwsSettings {
                    region: Some("us-east-1".into()),
                    endpoint_url: Some(endpoint.clone()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            let raw_s3 = aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(ctx.sdk_config())
                    .force_path_style(true)
                    .build(),
            );
            raw_s3.create_bucket().bucket(&bucket).send().await.unwrap();
            let objects = backoffice_domain::adapters::aws::S3ObjectStore::new(&ctx);
            backoffice_domain::ports::ObjectStore::put(
                &objects,
                &backoffice_domain::model::BucketName::parse(&bucket).unwrap(),
                &backoffice_domain::model::ObjectKey::parse("posts/e2e/hello.txt").unwrap(),
                b"hello".to_vec(),
                "text/plain",
                &Default::default(),
            )
            .await
            .unwrap();
            let logs = backoffice_domain::adapters::aws::CloudWatchLogSource::new(&ctx);
            let group = backoffice_domain::model::LogGroupName::parse(&log_group).unwrap();
            logs.create_group(&group).await.unwrap();
            let at = chrono::Utc::now() - chrono::Duration::minutes(1);
            logs.put_events(
                &group,
                "2026/11/26/[$LATEST]e2e",
                &[(at, "hello from moto".to_string())],
            )
            .await
            .unwrap();
            let cognito = aws_sdk_cognitoidentityprovider::Client::new(ctx.sdk_config());
            let pool = cognito
                .create_user_pool()
                .pool_name(format!("{tag}-{}", std::process::id()))
                .send()
                .await
                .unwrap()
                .user_pool
                .unwrap()
                .id
                .unwrap();
            for name in users {
                cognito
                    .admin_create_user()
                    .user_pool_id(&pool)
                    .username(*name)
                    .message_action(MessageActionType::Suppress)
                    .user_attributes(
                        AttributeType::builder()
                            .name("email")
                            .value(format!("{name}@example.com"))
                            .build()
                            .unwrap(),
                    )
                    .send()
                    .await
                    .unwrap();
            }
            pool
        });
        Self {
            endpoint,
            pool_id,
            bucket,
            log_group,
            server,
            database,
            rt,
        }
    }

    /// The database's URL (loopback MariaDB has no TLS, which the URL says).
    pub fn database_url(&self) -> String {
        format!("{}/{}?ssl-mode=disabled", self.server, self.database)
    }

    /// Runs `f` on this environment's runtime.
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    /// Writes `config/config.toml` under `dir` with this as environment `moto`.
    pub fn write_config(&self, dir: &std::path::Path) {
        self.write_config_via(dir, &self.endpoint);
    }

    /// The same, with AWS reached through `endpoint` (a proxy in front of moto).
    pub fn write_config_via(&self, dir: &std::path::Path, endpoint: &str) {
        self.write_config_full(dir, endpoint, std::slice::from_ref(&self.log_group));
    }

    /// The same, with `groups` as the environment's log groups.
    pub fn write_config_with_groups(&self, dir: &std::path::Path, groups: &[String]) {
        self.write_config_full(dir, &self.endpoint, groups);
    }

    fn write_config_full(&self, dir: &std::path::Path, endpoint: &str, groups: &[String]) {
        let groups: Vec<String> = groups.iter().map(|g| format!("{g:?}")).collect();
        std::fs::create_dir_all(dir.join("config")).unwrap();
        std::fs::write(
            dir.join("config/config.toml"),
            format!(
                "[environments.moto]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n\
                 user_pool_id = \"{}\"\ndatabase_url = \"{}/{}?ssl-mode=disabled\"\nbucket = \"{}\"\n\
                 log_groups = [{}]\n",
                endpoint,
                self.pool_id,
                self.server,
                self.database,
                self.bucket,
                groups.join(", ")
            ),
        )
        .unwrap();
    }

    pub fn drop_database(self) {
        self.rt.block_on(async {
            let mut conn = sqlx::MySqlConnection::connect(&self.server).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE `{}`",
                self.database
            )))
            .execute(&mut conn)
            .await
            .unwrap();
        });
    }
}
