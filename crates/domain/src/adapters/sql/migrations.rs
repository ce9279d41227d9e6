//! The schemas' migrations, embedded in the binary as `sqlx::migrate!` would embed them (the same
//! versions, descriptions and SHA-384 checksums), built without sqlx's proc-macro crate. A test
//! holds each list to the files in `migrations/`, so a new file cannot be left out.

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use std::borrow::Cow;

/// One migration file: version and description as its name gives them, its text as is.
fn migration(version: i64, description: &'static str, sql: &'static str) -> Migration {
    Migration::new(
        version,
        Cow::Borrowed(description),
        MigrationType::Simple,
        sql.into_sql_str(),
        sql.starts_with("-- no-transaction"),
    )
}

macro_rules! embed {
    ($dir:literal: $($version:literal $name:literal $description:literal),+ $(,)?) => {
        Migrator::with_migrations(vec![$(
            migration(
                $version,
                $description,
                include_str!(concat!(
                    "../../../migrations/", $dir, "/", stringify!($version), "_", $name, ".sql"
                )),
            )
        ),+])
    };
}

/// The service's schema on MySQL (RDS; MariaDB in tests).
pub(crate) fn mysql() -> Migrator {
    embed!("mysql":
        20261125000001 "init" "init",
        20261126000001 "open_report_once" "open report once",
        20261126000002 "thumbnails" "thumbnails",
        20261203000001 "account_blocks" "account blocks",
        20261203000002 "post_edits" "post edits",
        20261205000001 "audit_time" "audit time",
        20261206000001 "audit_detail_size" "audit detail size",
    )
}

/// The same schema on SQLite (the sandbox's content).
#[cfg(feature = "sqlite")]
pub(crate) fn sqlite() -> Migrator {
    embed!("sqlite":
        20261125000001 "init" "init",
        20261126000001 "open_report_once" "open report once",
        20261126000002 "thumbnails" "thumbnails",
        20261203000001 "account_blocks" "account blocks",
        20261203000002 "post_edits" "post edits",
        20261205000001 "audit_time" "audit time",
        20261206000001 "audit_detail_size" "audit detail size",
    )
}

/// The sandbox's own tables (directory and its sign-in history, objects, logs, saved Insights
/// queries).
#[cfg(feature = "sandbox")]
pub(crate) fn sandbox() -> Migrator {
    embed!("sandbox":
        20261125000001 "sandbox" "sandbox",
        20261203000001 "query_definitions" "query definitions",
        20261203000002 "auth_events" "auth events",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The files of `dir` as sqlx reads them: (version, description, checksum).
    fn on_disk(dir: &str) -> Vec<(i64, String, Vec<u8>)> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(dir);
        let mut out: Vec<_> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let name = e.file_name().into_string().unwrap();
                let (version, rest) = name.split_once('_').unwrap();
                let sql = std::fs::read_to_string(e.path()).unwrap();
                let read = Migration::new(
                    0,
                    Cow::Borrowed(""),
                    MigrationType::Simple,
                    sqlx::AssertSqlSafe(sql).into_sql_str(),
                    false,
                );
                (
                    version.parse().unwrap(),
                    rest.trim_end_matches(".sql").replace('_', " "),
                    read.checksum.to_vec(),
                )
            })
            .collect();
        out.sort();
        out
    }

    fn embedded(m: &Migrator) -> Vec<(i64, String, Vec<u8>)> {
        m.iter()
            .map(|m| (m.version, m.description.to_string(), m.checksum.to_vec()))
            .collect()
    }

    #[test]
    fn every_migration_file_is_embedded_with_the_checksum_sqlx_records() {
        assert_eq!(embedded(&mysql()), on_disk("mysql"));
        #[cfg(feature = "sqlite")]
        assert_eq!(embedded(&sqlite()), on_disk("sqlite"));
        #[cfg(feature = "sandbox")]
        assert_eq!(embedded(&sandbox()), on_disk("sandbox"));
    }
}
