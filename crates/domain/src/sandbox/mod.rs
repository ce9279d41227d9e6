//! The embedded sandbox: the whole service on one machine, in one folder. Content in SQLite
//! (the same SQL layer production uses on MySQL), users, logs and the object index in a second
//! SQLite file, and objects as files. Seeded once with demo data; `reset` starts it over.

pub mod images;
pub mod insights;
pub mod lambda_log;
mod seed;
pub mod traffic;

pub use seed::{SeedOptions, SeedSummary};

use crate::adapters::sandbox::{
    SandboxInsights, SandboxLogStore, SandboxMetrics, SandboxObjectStore, SandboxUserDirectory,
    open_sandbox_db,
};
use crate::adapters::sql::{SqlContentStore, map_sqlx};
use crate::error::{DomainError, DomainResult};
use crate::model::{BucketName, LogGroupName};
use chrono::{DateTime, Utc};
use sqlx::{Sqlite, SqlitePool};
use std::path::{Path, PathBuf};

/// The sandbox's media bucket (the production service's `MEDIA_BUCKET`).
pub const MEDIA_BUCKET: &str = "sandbox-media";
/// The log groups the sandbox's Lambda functions write to.
pub const API_LOG_GROUP: &str = "/aws/lambda/backoffice-api";
pub const THUMBNAILS_LOG_GROUP: &str = "/aws/lambda/backoffice-thumbnails";
pub const SIGNUP_LOG_GROUP: &str = "/aws/lambda/backoffice-post-confirmation";

const CONTENT_DB: &str = "content.db";
const SANDBOX_DB: &str = "sandbox.db";
const OBJECTS_DIR: &str = "objects";

/// Every store of one sandbox folder.
#[derive(Debug, Clone)]
pub struct Sandbox {
    root: PathBuf,
    meta: SqlitePool,
    pub content: SqlContentStore<Sqlite>,
    pub directory: SandboxUserDirectory,
    pub objects: SandboxObjectStore,
    pub logs: SandboxLogStore,
    /// Logs Insights over `logs`, with the saved queries.
    pub insights: SandboxInsights,
    /// The Lambda functions' metrics and the sandbox's alarm, derived from `logs`.
    pub metrics: SandboxMetrics,
}

impl Sandbox {
    /// Opens the sandbox in `root`, creating empty stores where missing. Files that exist but
    /// are not sandbox databases are reported, never replaced.
    pub async fn open(root: &Path) -> DomainResult<Self> {
        std::fs::create_dir_all(root.join(OBJECTS_DIR)).map_err(|e| {
            DomainError::unavailable(format!("sandbox folder {}", root.display()), e)
        })?;
        let content = SqlContentStore::<Sqlite>::open_sqlite(&root.join(CONTENT_DB)).await?;
        let meta = open_sandbox_db(&root.join(SANDBOX_DB)).await?;
        let objects = SandboxObjectStore::new(meta.clone(), root.join(OBJECTS_DIR));
        objects.create_bucket(&Self::bucket()).await?;
        let logs = SandboxLogStore::new(meta.clone());
        Ok(Self {
            root: root.to_path_buf(),
            directory: SandboxUserDirectory::new(meta.clone()),
            insights: SandboxInsights::new(meta.clone(), logs.clone()),
            metrics: SandboxMetrics::new(meta.clone()),
            logs,
            objects,
            content,
            meta,
        })
    }

    /// Opens the sandbox and seeds it if it has never been seeded.
    pub async fn open_seeded(root: &Path, progress: &(dyn Fn(&str) + Sync)) -> DomainResult<Self> {
        let sandbox = Self::open(root).await?;
        if sandbox.seeded_at().await?.is_none() {
            sandbox.seed(&SeedOptions::default(), progress).await?;
        }
        Ok(sandbox)
    }

    /// Deletes the sandbox's databases and objects in `root` (nothing else in the folder).
    pub fn reset(root: &Path) -> DomainResult<()> {
        for name in [CONTENT_DB, SANDBOX_DB] {
            for suffix in ["", "-wal", "-shm"] {
                let path = root.join(format!("{name}{suffix}"));
                match std::fs::remove_file(&path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        return Err(DomainError::unavailable(
                            format!("sandbox file {}", path.display()),
                            e,
                        ));
                    }
                }
            }
        }
        let objects = root.join(OBJECTS_DIR);
        match std::fs::remove_dir_all(&objects) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(DomainError::unavailable(
                format!("sandbox folder {}", objects.display()),
                e,
            )),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The media bucket's name as a validated value.
    pub fn bucket() -> BucketName {
        // A constant that satisfies S3's naming rules; checked by a test.
        BucketName::parse(MEDIA_BUCKET)
            .unwrap_or_else(|_| unreachable!("MEDIA_BUCKET is a valid bucket name"))
    }

    /// The sandbox's Lambda log groups: the API first, then the two triggers.
    pub fn log_groups() -> Vec<LogGroupName> {
        [API_LOG_GROUP, THUMBNAILS_LOG_GROUP, SIGNUP_LOG_GROUP]
            .into_iter()
            .filter_map(|g| LogGroupName::parse(g).ok())
            .collect()
    }

    /// When the sandbox was seeded, if it was.
    pub async fn seeded_at(&self) -> DomainResult<Option<DateTime<Utc>>> {
        let value: Option<String> =
            sqlx::query_scalar("SELECT value FROM sandbox_meta WHERE name = 'seeded_at'")
                .fetch_optional(&self.meta)
                .await
                .map_err(|e| map_sqlx("sandbox metadata", e))?;
        Ok(value
            .and_then(|v| DateTime::parse_from_rfc3339(&v).ok())
            .map(|t| t.with_timezone(&Utc)))
    }

    async fn mark_seeded(&self, at: DateTime<Utc>) -> DomainResult<()> {
        sqlx::query("INSERT INTO sandbox_meta (name, value) VALUES ('seeded_at', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value")
            .bind(at.to_rfc3339())
            .execute(&self.meta)
            .await
            .map_err(|e| map_sqlx("sandbox metadata", e))?;
        Ok(())
    }
}

/// A user in the sandbox's directory for tests: a temporary password, no invitation.
#[cfg(test)]
pub(crate) async fn test_user(
    sandbox: &Sandbox,
    username: &str,
    email: Option<&str>,
    attributes: Vec<(crate::model::AttributeName, String)>,
) -> crate::model::DirectoryUser {
    use crate::ports::UserDirectory as _;
    sandbox
        .directory
        .create_user(&crate::model::NewDirectoryUser {
            username: crate::model::Username::from_directory(username).unwrap(),
            email: email.map(|e| crate::model::Email::parse(e).unwrap()),
            attributes,
            temporary_password: Some("Temp-Passw0rd!".into()),
            send_invitation: false,
        })
        .await
        .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_bucket_is_a_valid_bucket_name() {
        assert!(BucketName::parse(MEDIA_BUCKET).is_ok());
    }

    #[test]
    fn every_sandbox_log_group_is_a_valid_name() {
        assert_eq!(Sandbox::log_groups().len(), 3);
    }
}
