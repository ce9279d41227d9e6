//! The embedded sandbox's stores: real SQLite and local-folder stores with the same contract as
//! Cognito, S3 and CloudWatch Logs (proven by the contract suites), not in-memory fakes.

mod directory;
mod insights;
mod logs;
mod metrics;
mod objects;

pub use directory::SandboxUserDirectory;
pub use insights::{MAX_KEPT, MAX_RUNNING, SandboxInsights};
pub use logs::{SandboxLogStore, WINDOW_BATCH};
pub use metrics::{API_ERRORS_ALARM, SandboxMetrics};
pub use objects::SandboxObjectStore;

use crate::adapters::sql::sqlite_pool;
use crate::error::{DomainError, DomainResult};
use rand::RngCore;
use sqlx::SqlitePool;
use std::path::Path;

/// Opens (creating if missing) the sandbox's own SQLite database and applies its migrations.
/// A file that is not a SQLite database is reported, never replaced.
pub async fn open_sandbox_db(path: &Path) -> DomainResult<SqlitePool> {
    let pool = sqlite_pool(path).await?;
    crate::adapters::sql::migrations::sandbox()
        .run(&pool)
        .await
        .map_err(|e| {
            DomainError::unexpected(
                format!("{} is not a usable sandbox database", path.display()),
                e,
            )
        })?;
    Ok(pool)
}

/// A random version-4 UUID in the lowercase form Cognito uses for `sub`.
pub(crate) fn random_uuid(rng: &mut impl RngCore) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
