//! One SQL layer for MySQL (RDS; MariaDB in tests) and SQLite (the sandbox).
//!
//! `SqlContentStore<DB>` holds a pool of either backend. Its queries are written once, in
//! `store_impl.rs`, and that one text is compiled for each backend (`include!` below) rather
//! than made generic over `sqlx::Database`: a generic version needs a dozen higher-ranked
//! bounds repeated on every impl and fails to prove its futures `Send` behind `async_trait`,
//! while the included text keeps one query text, one body, and plain compiler errors. The few
//! real differences between the dialects live in [`Dialect`].

/// Declares a row struct and reads it from a row of either backend, by position where the
/// columns come in the fields' order and by column name otherwise (what
/// `#[derive(sqlx::FromRow)]` does, without compiling sqlx's proc-macro crate and a second copy
/// of its drivers for the build host).
macro_rules! from_row {
    ($(#[$m:meta])* $vis:vis struct $name:ident {
        $($(#[$fm:meta])* $fvis:vis $field:ident : $ty:ty),* $(,)?
    }) => {
        $(#[$m])*
        $vis struct $name {
            $($(#[$fm])* $fvis $field: $ty),*
        }

        impl<'r, R: sqlx::Row> sqlx::FromRow<'r, R> for $name
        where
            &'r str: sqlx::ColumnIndex<R>,
            usize: sqlx::ColumnIndex<R>,
            $($ty: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,)*
        {
            fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
                use sqlx::Column as _;
                // Queries select the fields in their declared order, and then each is read by
                // position (a name lookup per column per row was a tenth of a page's decoding).
                // A query that selects them otherwise is read by name.
                const NAMES: &[&str] = &[$(stringify!($field)),*];
                let columns = row.columns();
                let in_order = columns.len() >= NAMES.len()
                    && NAMES.iter().zip(columns).all(|(name, c)| c.name() == *name);
                if in_order {
                    let mut at = 0usize;
                    let mut next = || {
                        at += 1;
                        at - 1
                    };
                    Ok(Self {
                        $($field: row.try_get(next())?),*
                    })
                } else {
                    Ok(Self {
                        $($field: row.try_get(stringify!($field))?),*
                    })
                }
            }
        }

        impl<R: sqlx::Row> $crate::adapters::sql::InOrder<R> for $name
        where
            usize: sqlx::ColumnIndex<R>,
            $($ty: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,)*
        {
            fn in_order(columns: &[<R::Database as sqlx::Database>::Column]) -> bool {
                use sqlx::{Column as _, TypeInfo as _};
                let mut columns = columns.iter();
                true $(&& columns.next().is_some_and(|c| {
                    let ty = c.type_info();
                    c.name() == stringify!($field)
                        && (ty.is_null() || <$ty as sqlx::Type<R::Database>>::compatible(ty))
                }))*
            }

            fn from_row_in_order(row: &R) -> Result<Self, sqlx::Error> {
                let mut at = 0usize;
                let mut next = || {
                    at += 1;
                    at - 1
                };
                Ok(Self {
                    $($field: row.try_get_unchecked(next())?),*
                })
            }
        }
    };
}
pub(crate) use from_row;

/// Rows of a result read as a whole: their columns, which every row of one result shares, are
/// checked once (names in the fields' order, types each field can decode), and then each row
/// is read by position without checking them again (the checks per column per row were a
/// fifth of decoding a page of posts). `from_row!` implements it.
pub(crate) trait InOrder<R: sqlx::Row>: Sized {
    /// Whether `columns` are the fields, in order, of types the fields decode.
    fn in_order(columns: &[<R::Database as sqlx::Database>::Column]) -> bool;
    /// The row read by position; for rows whose columns [`InOrder::in_order`] accepted.
    fn from_row_in_order(row: &R) -> Result<Self, sqlx::Error>;
}

pub(crate) mod migrations;
mod rows;

pub use rows::{ImportComment, ImportPost, ImportProfile, ImportReport};

use crate::error::{DomainError, DomainResult};
#[cfg(feature = "sqlite")]
use sqlx::Sqlite;
use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions, MySqlSslMode};
#[cfg(feature = "sqlite")]
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{MySql, Pool};
#[cfg(feature = "sqlite")]
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// What differs between the two dialects; everything else is the same query text.
pub trait Dialect: sqlx::Database {
    /// A name for messages ("MySQL", "SQLite").
    const NAME: &'static str;
    /// Whether every value of a result has its column's type, so that a result's columns can
    /// be checked once for all its rows ([`InOrder`]). MySQL: yes. SQLite types each value
    /// by what it holds, so its values are checked one by one.
    const VALUES_TAKE_COLUMN_TYPES: bool;
    /// How a write transaction starts. SQLite takes the write lock up front (`IMMEDIATE`) so
    /// that two writers queue instead of one failing at commit.
    const BEGIN_WRITE: &'static str;
    /// Inserts a profile or refreshes e-mail (and a missing name) when the row exists.
    /// Binds: sub, email, display_name, created_at, updated_at.
    const UPSERT_PROFILE: &'static str;
    /// The author of a visible post, read under a shared lock so that a concurrent hide or
    /// remove waits for the comment being written (SQLite's write transaction already holds
    /// the database lock). Binds: post id.
    const VISIBLE_POST_AUTHOR_LOCKED: &'static str;
    /// Inserts a thumbnail row or replaces the one of the same source and width.
    /// Binds: source key, width, height, thumbnail key, bytes, created at.
    const UPSERT_THUMBNAIL: &'static str;
    /// A post's status, body, image key and author, locked for an edit. Binds: post id.
    const POST_FOR_EDIT: &'static str;
    /// The open reports of a post, read so that a report filed meanwhile waits for the edit
    /// (or the edit for the report). Binds: post id as text.
    const OPEN_POST_REPORTS_LOCKED: &'static str;
    /// An account's block mark, read under a shared lock so that a ban's block waits for a
    /// write already past this check (and the write for the block). Binds: sub.
    const BLOCK_LOCKED: &'static str;
    /// Sets or clears an account's block, keeping one row per sub.
    /// Binds: sub, blocked (0 or 1), changed at, changed by.
    const UPSERT_ACCOUNT_BLOCK: &'static str;
    /// A source's thumbnails, narrowest first, keys read back as text. Binds: source key.
    const SELECT_THUMBNAILS: &'static str;
    /// The subs of the profiles whose e-mail is the bound one in any case, in sub order.
    /// Binds: e-mail, limit.
    const SUBS_WITH_EMAIL: &'static str;

    /// The id the last INSERT generated.
    fn inserted_id(result: &Self::QueryResult) -> i64;

    /// After a table's name: the index a listing reads (MySQL's `FORCE INDEX`); nothing where
    /// the planner needs no telling (SQLite picks the keyset index on its own).
    fn use_index(index: &'static str) -> String;

    /// The first id a multi-row INSERT of `rows` rows generated.
    fn first_inserted_id(result: &Self::QueryResult, rows: usize) -> i64;
}

impl Dialect for MySql {
    const NAME: &'static str = "MySQL";
    const VALUES_TAKE_COLUMN_TYPES: bool = true;
    const BEGIN_WRITE: &'static str = "BEGIN";
    const VISIBLE_POST_AUTHOR_LOCKED: &'static str =
        "SELECT author_sub FROM posts WHERE id = ? AND status = 'visible' LOCK IN SHARE MODE";
    const UPSERT_THUMBNAIL: &'static str = "INSERT INTO thumbnails \
         (source_key, width, height, thumb_key, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?) \
         ON DUPLICATE KEY UPDATE height = VALUES(height), thumb_key = VALUES(thumb_key), \
         bytes = VALUES(bytes), created_at = VALUES(created_at)";
    const POST_FOR_EDIT: &'static str =
        "SELECT status, body, image_key, author_sub FROM posts WHERE id = ? FOR UPDATE";
    const OPEN_POST_REPORTS_LOCKED: &'static str = "SELECT COUNT(*) FROM reports \
         WHERE target_kind = 'post' AND target_id = ? AND status = 'open' LOCK IN SHARE MODE";
    const BLOCK_LOCKED: &'static str =
        "SELECT blocked FROM account_blocks WHERE sub = ? LOCK IN SHARE MODE";
    const UPSERT_ACCOUNT_BLOCK: &'static str = "INSERT INTO account_blocks \
         (sub, blocked, changed_at, changed_by) VALUES (?, ?, ?, ?) \
         ON DUPLICATE KEY UPDATE blocked = VALUES(blocked), changed_at = VALUES(changed_at), \
         changed_by = VALUES(changed_by)";
    const SELECT_THUMBNAILS: &'static str = "SELECT CAST(source_key AS CHAR CHARACTER SET utf8mb4), \
         width, height, CAST(thumb_key AS CHAR CHARACTER SET utf8mb4), bytes, created_at \
         FROM thumbnails WHERE source_key = ? ORDER BY width";
    // The column's collation (utf8mb4_unicode_ci) compares without case, on the e-mail index.
    const SUBS_WITH_EMAIL: &'static str =
        "SELECT sub FROM users WHERE email = ? ORDER BY sub LIMIT ?";
    const UPSERT_PROFILE: &'static str = "INSERT INTO users (sub, email, display_name, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?) \
         ON DUPLICATE KEY UPDATE email = COALESCE(VALUES(email), email), \
         display_name = COALESCE(display_name, VALUES(display_name)), updated_at = VALUES(updated_at)";

    fn use_index(index: &'static str) -> String {
        format!(" FORCE INDEX ({index})")
    }

    fn inserted_id(result: &Self::QueryResult) -> i64 {
        // AUTO_INCREMENT BIGINT ids stay far below i64::MAX.
        i64::try_from(result.last_insert_id()).unwrap_or(i64::MAX)
    }

    /// MySQL reports the first id of a multi-row INSERT.
    fn first_inserted_id(result: &Self::QueryResult, _rows: usize) -> i64 {
        Self::inserted_id(result)
    }
}

#[cfg(feature = "sqlite")]
impl Dialect for Sqlite {
    const NAME: &'static str = "SQLite";
    const VALUES_TAKE_COLUMN_TYPES: bool = false;
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
    const VISIBLE_POST_AUTHOR_LOCKED: &'static str =
        "SELECT author_sub FROM posts WHERE id = ? AND status = 'visible'";
    const UPSERT_THUMBNAIL: &'static str = "INSERT INTO thumbnails \
         (source_key, width, height, thumb_key, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?) \
         ON CONFLICT(source_key, width) DO UPDATE SET height = excluded.height, \
         thumb_key = excluded.thumb_key, bytes = excluded.bytes, created_at = excluded.created_at";
    const POST_FOR_EDIT: &'static str =
        "SELECT status, body, image_key, author_sub FROM posts WHERE id = ?";
    const OPEN_POST_REPORTS_LOCKED: &'static str = "SELECT COUNT(*) FROM reports \
         WHERE target_kind = 'post' AND target_id = ? AND status = 'open'";
    const BLOCK_LOCKED: &'static str = "SELECT blocked FROM account_blocks WHERE sub = ?";
    const UPSERT_ACCOUNT_BLOCK: &'static str = "INSERT INTO account_blocks \
         (sub, blocked, changed_at, changed_by) VALUES (?, ?, ?, ?) \
         ON CONFLICT(sub) DO UPDATE SET blocked = excluded.blocked, \
         changed_at = excluded.changed_at, changed_by = excluded.changed_by";
    const SELECT_THUMBNAILS: &'static str = "SELECT source_key, width, height, thumb_key, bytes, created_at \
         FROM thumbnails WHERE source_key = ? ORDER BY width";
    const SUBS_WITH_EMAIL: &'static str =
        "SELECT sub FROM users WHERE email = ? COLLATE NOCASE ORDER BY sub LIMIT ?";
    const UPSERT_PROFILE: &'static str = "INSERT INTO users (sub, email, display_name, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?) \
         ON CONFLICT(sub) DO UPDATE SET email = COALESCE(excluded.email, email), \
         display_name = COALESCE(display_name, excluded.display_name), updated_at = excluded.updated_at";

    fn use_index(_index: &'static str) -> String {
        String::new()
    }

    fn inserted_id(result: &Self::QueryResult) -> i64 {
        result.last_insert_rowid()
    }

    /// SQLite reports the last id of a multi-row INSERT.
    fn first_inserted_id(result: &Self::QueryResult, rows: usize) -> i64 {
        result.last_insert_rowid() - rows as i64 + 1
    }
}

/// The content store on the service's MySQL/MariaDB database.
pub type MySqlContentStore = SqlContentStore<MySql>;

/// The content store on a SQL database. Clone it freely: clones share the pool.
#[derive(Debug)]
pub struct SqlContentStore<DB: Dialect> {
    pool: Pool<DB>,
}

impl<DB: Dialect> Clone for SqlContentStore<DB> {
    fn clone(&self) -> Self {
        Self {
            pool: self.pool.clone(),
        }
    }
}

impl<DB: Dialect> SqlContentStore<DB> {
    pub fn from_pool(pool: Pool<DB>) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &Pool<DB> {
        &self.pool
    }
}

impl SqlContentStore<MySql> {
    /// Where the pool connects, `host:port`, for the log lines about it.
    pub fn address(&self) -> String {
        let options = self.pool.connect_options();
        format!("{}:{}", options.get_host(), options.get_port())
    }
}

/// A MySQL URL's connection options. Unless the URL names an `ssl-mode`, the connection
/// requires TLS and verifies the server's certificate and host name (`VERIFY_IDENTITY`);
/// `ssl-ca=PATH` names the CA bundle (RDS publishes one), and a local database without TLS
/// says `ssl-mode=disabled`.
pub fn mysql_options(url: &str) -> DomainResult<MySqlConnectOptions> {
    let options = MySqlConnectOptions::from_str(url)
        .map_err(|e| DomainError::invalid("databaseUrl", format!("is not a MySQL URL: {e}")))?
        .charset("utf8mb4");
    Ok(if names_ssl_mode(url) {
        options
    } else {
        options.ssl_mode(MySqlSslMode::VerifyIdentity)
    })
}

/// Whether every migration of this build is applied on the database `conn` is connected to.
async fn schema_is_current(conn: &mut sqlx::MySqlConnection) -> DomainResult<()> {
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = 1")
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| {
                DomainError::unexpected(
                    "the database has no migration history (_sqlx_migrations): if it is the \
                     service's database, apply the migrations first (`api migrate`, \
                     docs/deploy.md)",
                    e,
                )
            })?;
    let missing: Vec<String> = migrations::mysql()
        .iter()
        .filter(|m| !applied.contains(&m.version))
        .map(|m| format!("{} {}", m.version, m.description))
        .collect();
    if !missing.is_empty() {
        return Err(DomainError::Conflict(format!(
            "the database schema is behind this build; migrations not applied: {}",
            missing.join(", ")
        )));
    }
    Ok(())
}

/// A failed connection in words; a failed TLS upgrade says what the URL can do about it.
fn connect_error(e: sqlx::Error) -> DomainError {
    match e {
        e if is_tls_failure(&e) => DomainError::unavailable(
            "the database",
            format!(
                "MySQL: TLS failed: {e}. Connections require TLS and a verified server \
                 unless the URL says otherwise: give the server's CA bundle with \
                 ssl-ca=PATH (RDS: its global bundle), or ssl-mode=disabled for a local \
                 database without TLS"
            ),
        ),
        e => map_sqlx("MySQL", e),
    }
}

/// A failed TLS upgrade: the server offers none, or its certificate does not verify (rustls
/// reports that as an I/O error of the handshake).
fn is_tls_failure(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Tls(_) => true,
        sqlx::Error::Io(io) => {
            io.kind() == std::io::ErrorKind::InvalidData && io.to_string().contains("certificate")
        }
        _ => false,
    }
}

/// Whether the URL's query sets the TLS mode itself, with a key the driver reads (`ssl-mode`
/// or `sslmode`, as written: the driver ignores any other spelling, so the default holds).
fn names_ssl_mode(url: &str) -> bool {
    let Some((_, query)) = url.split_once('?') else {
        return false;
    };
    query
        .split('&')
        .any(|pair| matches!(pair.split('=').next(), Some("ssl-mode" | "sslmode")))
}

/// How long a caller waits for a pooled connection before the database counts as unavailable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

impl SqlContentStore<MySql> {
    /// Connects to MySQL or MariaDB (`mysql://user:pass@host:port/db`) and applies migrations.
    pub async fn connect_mysql(url: &str) -> DomainResult<Self> {
        let store = Self::open_mysql_pool(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects to the service's live database without changing its schema (the deployment
    /// owns migrations), and refuses a schema older than this build knows.
    pub async fn connect_mysql_existing(url: &str) -> DomainResult<Self> {
        let store = Self::open_mysql_pool(url).await?;
        // The pool's live connection (opened above), which stays warm for the first request.
        let mut conn = store.pool.acquire().await.map_err(connect_error)?;
        schema_is_current(&mut conn).await?;
        drop(conn);
        Ok(store)
    }

    /// [`Self::connect_mysql_existing`] for a function's init, which a database that does not
    /// answer must not fail: a failed init is a bare 502 from API Gateway and a new cold start
    /// per request, where a pool that connects later answers `503` with the service's error
    /// body and serves again the moment the database does. When nothing answered within the
    /// acquire timeout (refused or silent), the store comes back over a pool that connects on
    /// its next query, with the error for the log; a refused login, a failed TLS upgrade or a
    /// schema behind this build still fail.
    pub async fn connect_mysql_service(url: &str) -> DomainResult<(Self, Option<DomainError>)> {
        let store = Self::connect_mysql_lazy(url)?;
        match store.pool.acquire().await {
            Ok(mut conn) => {
                // Kept in the pool, warm for the first request.
                schema_is_current(&mut conn).await?;
                Ok((store, None))
            }
            Err(sqlx::Error::PoolTimedOut) => {
                // The pool says only that it timed out: where it went, and what one
                // connection of its own meets there (refused, or no answer), say more.
                let options = store.pool.connect_options();
                let met = tokio::time::timeout(
                    ACQUIRE_TIMEOUT,
                    <sqlx::MySqlConnection as sqlx::Connection>::connect_with(&*options),
                )
                .await;
                let met = match met {
                    Ok(Ok(conn)) => {
                        let _ = sqlx::Connection::close(conn).await;
                        "a connection of its own was then taken".to_string()
                    }
                    Ok(Err(e)) => e.to_string(),
                    Err(_) => "no answer".to_string(),
                };
                let error = DomainError::unavailable(
                    "the database",
                    format!(
                        "MySQL at {}:{} did not answer within {} s ({met}); its schema is \
                         checked by the next start",
                        options.get_host(),
                        options.get_port(),
                        ACQUIRE_TIMEOUT.as_secs()
                    ),
                );
                Ok((store, Some(error)))
            }
            Err(e) => Err(connect_error(e)),
        }
    }

    /// A pool over an existing, migrated database that connects on its first query: nothing
    /// here touches the network, so whatever else is opening does not wait for the database.
    /// [`Self::check_schema`] says, when asked, whether it answers with this build's schema.
    pub fn connect_mysql_lazy(url: &str) -> DomainResult<Self> {
        Ok(Self::from_pool(
            Self::pool_options().connect_lazy_with(mysql_options(url)?),
        ))
    }

    /// Whether the database answers, and with every migration of this build applied.
    pub async fn check_schema(&self) -> DomainResult<()> {
        // A connection of its own, not the pool's: the pool retries a failed connection until
        // its acquire timeout and then says only that it timed out, where this names the cause
        // (a refused connection, a refused login, a failed TLS upgrade).
        let options = self.pool.connect_options();
        let mut conn = <sqlx::MySqlConnection as sqlx::Connection>::connect_with(&*options)
            .await
            .map_err(connect_error)?;
        let checked = schema_is_current(&mut conn).await;
        let _ = sqlx::Connection::close(conn).await;
        checked
    }

    fn pool_options() -> MySqlPoolOptions {
        MySqlPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(ACQUIRE_TIMEOUT)
        // sqlx pings every connection it hands out (a round trip per query, a third of
        // the API's page on loopback). Pinging only connections idle for a second or more
        // handed out a dead connection after a database restart, and the first reload
        // failed (`a_database_crash_mid_session_fails_cleanly_and_the_session_recovers`),
        // so every connection is checked.
    }

    async fn open_mysql_pool(url: &str) -> DomainResult<Self> {
        let options = mysql_options(url)?;
        let pool = Self::pool_options()
            .connect_with(options)
            .await
            .map_err(connect_error)?;
        Ok(Self::from_pool(pool))
    }

    /// Connects and applies this build's migrations, naming those it applied (none: the
    /// schema was current): `api migrate`'s report.
    pub async fn connect_mysql_migrating(url: &str) -> DomainResult<(Self, Vec<String>)> {
        let store = Self::open_mysql_pool(url).await?;
        // A database never migrated has no table yet: everything is new to it.
        let before: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = 1")
                .fetch_all(&store.pool)
                .await
                .unwrap_or_default();
        store.migrate().await?;
        let applied = migrations::mysql()
            .iter()
            .filter(|m| !before.contains(&m.version))
            .map(|m| format!("{} {}", m.version, m.description))
            .collect();
        Ok((store, applied))
    }

    pub async fn migrate(&self) -> DomainResult<()> {
        migrations::mysql()
            .run(&self.pool)
            .await
            .map_err(|e| DomainError::unexpected("applying MySQL migrations failed", e))
    }
}

#[cfg(feature = "sqlite")]
impl SqlContentStore<Sqlite> {
    /// Opens (creating if missing) a SQLite database file and applies migrations.
    pub async fn open_sqlite(path: &Path) -> DomainResult<Self> {
        let store = Self::from_pool(sqlite_pool(path).await?);
        store.migrate().await?;
        Ok(store)
    }

    pub async fn migrate(&self) -> DomainResult<()> {
        migrations::sqlite()
            .run(&self.pool)
            .await
            .map_err(|e| DomainError::unexpected("applying SQLite migrations failed", e))
    }
}

/// Each sandbox connection's page cache, in KiB (SQLite's default is 2,000).
#[cfg(feature = "sqlite")]
const SQLITE_CACHE_KIB: u32 = 512;

/// How much of a sandbox file SQLite reads through a memory map instead of copying pages into
/// its cache (`PRAGMA mmap_size`). A scan of the log table through the 512 KiB caches of four
/// connections filled them with page copies, freed again when another connection wrote (WAL),
/// and those heap peaks stayed resident; mapped pages are the kernel's file cache, shared and
/// reclaimable. The price: an I/O error on a mapped file ends the process (SIGBUS) where a read
/// would have failed; these are the sandbox's own local files.
#[cfg(feature = "sqlite")]
const SQLITE_MMAP_BYTES: u64 = 256 << 20;

/// A pool on a SQLite file (created if missing): WAL, foreign keys on, a busy timeout so that
/// writers wait for each other instead of failing, and a small page cache. In WAL mode a
/// connection drops its cached pages whenever another one has written, so the sandbox's caches
/// rarely keep anything between queries; what a large one did was fill up during each scan of
/// a growing table (the alarm badge's refresh, every minute, reads a window of log lines) and be given back after it: peaks
/// of up to 10 MB above a flat heap, which the allocator kept as resident memory, higher after
/// each larger scan. Eight connections of 512 KiB bound those peaks at 4 MiB.
#[cfg(feature = "sqlite")]
pub(crate) async fn sqlite_pool(path: &Path) -> DomainResult<Pool<Sqlite>> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        .pragma("cache_size", format!("-{SQLITE_CACHE_KIB}"))
        .pragma("mmap_size", SQLITE_MMAP_BYTES.to_string());
    SqlitePoolOptions::new()
        .max_connections(4)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(options)
        .await
        .map_err(|e| map_sqlx(&format!("SQLite database {}", path.display()), e))
}

/// Translates a driver error; nothing of sqlx crosses the port.
pub(crate) fn map_sqlx(what: &str, err: sqlx::Error) -> DomainError {
    use sqlx::error::ErrorKind;
    match &err {
        sqlx::Error::RowNotFound => DomainError::not_found(what.to_string()),
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.to_string()).unwrap_or_default();
            match db.kind() {
                ErrorKind::UniqueViolation => {
                    DomainError::Conflict(format!("{what} already exists"))
                }
                ErrorKind::ForeignKeyViolation => {
                    DomainError::not_found(format!("what {what} refers to"))
                }
                _ if matches!(code.as_str(), "40001" | "HY000" | "5" | "6" | "517")
                    && db.message().to_ascii_lowercase().contains("lock") =>
                {
                    DomainError::Conflict(format!(
                        "{what} is being changed by someone else; try again"
                    ))
                }
                // The login or the database name refused (a lazy pool connects at the first
                // query, so this comes here too): said as that, not as a refused statement.
                _ => match mysql_login_refusal(db.as_ref()) {
                    Some(why) => DomainError::Forbidden(format!(
                        "{what}: {why}: {}",
                        db.message()
                    )),
                    None => DomainError::unexpected(
                        format!("{what}: the database refused the statement"),
                        err,
                    ),
                },
            }
        }
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        // "the database is unavailable" tells an operator what to wait for; the table asked
        // for stays in the chain.
        | sqlx::Error::Protocol(_) => {
            DomainError::unavailable("the database", format!("{what}: {err}"))
        }
        _ => DomainError::unexpected(format!("{what}: database error"), err),
    }
}

/// What a MySQL error at connection says about the login, when it is about it: 1045 (and
/// MariaDB's 1698) a refused user or password, 1044 a database the user may not use, 1049 a
/// database that is not there.
fn mysql_login_refusal(db: &dyn sqlx::error::DatabaseError) -> Option<&'static str> {
    let mysql = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()?;
    match mysql.number() {
        1045 | 1698 => Some("the database refused the login; check the user and the password"),
        1044 => Some("the database refused this user the database; check its grants"),
        1049 => Some("there is no such database; check the URL's database name"),
        _ => None,
    }
}

mod mysql_store {
    //! The content store's queries, compiled for MySQL.
    use sqlx::MySql as Db;
    include!("store_impl.rs");
}

#[cfg(feature = "sqlite")]
mod sqlite_store {
    //! The content store's queries, compiled for SQLite.
    use sqlx::Sqlite as Db;
    include!("store_impl.rs");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_that_names_no_tls_mode_requires_a_verified_server() {
        let mode = |url: &str| mysql_options(url).unwrap().get_ssl_mode();
        assert!(matches!(
            mode("mysql://app@db.internal:3306/social"),
            MySqlSslMode::VerifyIdentity
        ));
        assert!(matches!(
            mode("mysql://app@db/social?ssl-ca=/opt/rds/global-bundle.pem"),
            MySqlSslMode::VerifyIdentity
        ));
        assert!(matches!(
            mode("mysql://root@127.0.0.1:3306/app?ssl-mode=disabled"),
            MySqlSslMode::Disabled
        ));
        assert!(matches!(
            mode("mysql://app@db/social?charset=utf8mb4&ssl-mode=REQUIRED"),
            MySqlSslMode::Required
        ));
        // A spelling the driver does not read leaves the strict default in force.
        assert!(matches!(
            mode("mysql://app@db/social?SSL-MODE=disabled"),
            MySqlSslMode::VerifyIdentity
        ));
        assert!(matches!(
            mode("mysql://app@db/social?sslmode=verify_ca"),
            MySqlSslMode::VerifyCa
        ));
        let e = mysql_options("mysql://app@db/social?ssl-mode=sometimes").unwrap_err();
        assert!(e.to_string().contains("MySQL URL"), "{e}");
    }

    #[cfg(feature = "sqlite")]
    #[tokio::test]
    async fn every_sqlite_connection_has_the_small_page_cache_and_the_map() {
        let dir = tempfile::tempdir().unwrap();
        let pool = sqlite_pool(&dir.path().join("cache.db")).await.unwrap();
        // Two connections at once: the pool's second is set up like its first.
        let mut a = pool.acquire().await.unwrap();
        let mut b = pool.acquire().await.unwrap();
        for conn in [&mut a, &mut b] {
            let kib: i64 = sqlx::query_scalar("PRAGMA cache_size")
                .fetch_one(&mut **conn)
                .await
                .unwrap();
            assert_eq!(kib, -i64::from(SQLITE_CACHE_KIB));
            let mapped: i64 = sqlx::query_scalar("PRAGMA mmap_size")
                .fetch_one(&mut **conn)
                .await
                .unwrap();
            assert_eq!(mapped, SQLITE_MMAP_BYTES as i64);
        }
    }

    /// A row struct reads the same values whether its columns come in its order (by position)
    /// or in another (by name), and a missing column is an error, not a panic. A result read
    /// as a whole (`InOrder`) is read by position only when its columns are the fields in
    /// order; types are checked on MariaDB in the contract suite
    /// (`mariadb_a_column_of_another_type_fails_the_listing_by_its_types`).
    #[cfg(feature = "sqlite")]
    #[tokio::test]
    async fn rows_are_read_by_position_or_by_name_alike() {
        use sqlx::Row as _;
        from_row! {
            struct Pair {
                id: i64,
                name: String,
            }
        }
        let in_order = |row: &sqlx::sqlite::SqliteRow| {
            <Pair as InOrder<sqlx::sqlite::SqliteRow>>::in_order(row.columns())
        };
        let dir = tempfile::tempdir().unwrap();
        let pool = sqlite_pool(&dir.path().join("rows.db")).await.unwrap();
        for (sql, by_position) in [
            ("SELECT 7 AS id, 'seven' AS name", true),
            ("SELECT 'seven' AS name, 7 AS id", false),
            ("SELECT 7 AS id, 'seven' AS name, 1 AS extra", true),
        ] {
            let pair: Pair = sqlx::query_as(sql).fetch_one(&pool).await.unwrap();
            assert_eq!((pair.id, pair.name.as_str()), (7, "seven"), "{sql}");
            let row = sqlx::query(sql).fetch_one(&pool).await.unwrap();
            assert_eq!(in_order(&row), by_position, "{sql}");
            if by_position {
                let pair = Pair::from_row_in_order(&row).unwrap();
                assert_eq!((pair.id, pair.name.as_str()), (7, "seven"), "{sql}");
            }
        }
        for sql in ["SELECT 7 AS id", "SELECT 7 AS key, 'seven' AS name"] {
            let row = sqlx::query(sql).fetch_one(&pool).await.unwrap();
            assert!(!in_order(&row), "{sql}");
        }
        let missing = sqlx::query_as::<_, Pair>("SELECT 7 AS id")
            .fetch_one(&pool)
            .await;
        assert!(missing.is_err());
    }

    /// A content store in a fresh folder (kept while the folder lives), and posts by one
    /// author with `bodies`, their ids in order.
    #[cfg(feature = "sqlite")]
    async fn store_with_posts(
        bodies: &[&str],
    ) -> (
        tempfile::TempDir,
        SqlContentStore<Sqlite>,
        crate::model::UserSub,
        Vec<crate::model::PostId>,
    ) {
        use crate::ports::ContentStore;
        let dir = tempfile::tempdir().unwrap();
        let store = SqlContentStore::<Sqlite>::open_sqlite(&dir.path().join("content.db"))
            .await
            .unwrap();
        let author = crate::model::UserSub::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap();
        let mut ids = Vec::new();
        for body in bodies {
            let post = store
                .create_post(&crate::model::NewPost {
                    author_sub: author.clone(),
                    body: crate::model::PostBody::parse(*body).unwrap(),
                    image_key: None,
                })
                .await
                .unwrap();
            ids.push(post.id);
        }
        (dir, store, author, ids)
    }

    /// A listing decodes only the rows of its page, and a row that breaks an invariant (here
    /// an unknown status, read without a copy when known) is left out of the page that shows
    /// it, said in the page's `left_out` with the table and the row: it emptied the whole
    /// list, and failed `GET /posts` for everyone. The page still goes on past a last row left
    /// out, and what must have every row (`all_pages`, behind a ban's plan) is refused.
    #[cfg(feature = "sqlite")]
    #[tokio::test]
    async fn a_listing_leaves_out_and_names_the_row_whose_status_is_unknown() {
        use crate::model::{PageRequest, PostFilter, all_pages};
        use crate::ports::ContentStore;
        let (_dir, store, _, ids) = store_with_posts(&["one", "two", "three", "four"]).await;
        let ids: Vec<i64> = ids.iter().map(|id| id.get()).collect();
        let all = PostFilter {
            oldest_first: true,
            ..PostFilter::default()
        };
        // The third post gets a status no release writes.
        sqlx::query("UPDATE posts SET status = 'quarantined' WHERE id = ?")
            .bind(ids[2])
            .execute(store.pool())
            .await
            .unwrap();
        let first = store.list_posts(&all, PageRequest::first(2)).await.unwrap();
        assert_eq!(
            first.items.iter().map(|p| p.id.get()).collect::<Vec<_>>(),
            ids[..2]
        );
        assert!(first.left_out.is_empty(), "{:?}", first.left_out);
        let ids_of = |page: &crate::model::Page<crate::model::Post>| {
            page.items.iter().map(|p| p.id.get()).collect::<Vec<_>>()
        };
        let second = store
            .list_posts(&all, PageRequest::after(first.next.unwrap(), 1))
            .await
            .unwrap();
        assert_eq!(ids_of(&second), Vec::<i64>::new(), "only the broken row");
        assert_eq!(second.left_out.len(), 1);
        assert!(
            second.left_out[0].contains(&format!("posts row {} holds an invalid value", ids[2])),
            "{:?}",
            second.left_out
        );
        let third = store
            .list_posts(&all, PageRequest::after(second.next.unwrap(), 5))
            .await
            .unwrap();
        assert_eq!(ids_of(&third), [ids[3]], "the page after the broken row");
        // Read alone, the row's error says it is the row's (reading again finds it the same).
        let alone = store
            .get_post(crate::model::PostId::new(ids[2]).unwrap())
            .await
            .unwrap_err();
        assert!(
            matches!(&alone, DomainError::Unexpected { source: Some(s), .. } if s.is::<crate::error::UnreadableRow>()),
            "{alone:?}"
        );
        let whole = store
            .list_posts(&all, PageRequest::first(10))
            .await
            .unwrap();
        assert_eq!(ids_of(&whole), [ids[0], ids[1], ids[3]]);
        assert_eq!(whole.left_out.len(), 1);
        let e = all_pages(10, |page| store.list_posts(&all, page))
            .await
            .unwrap_err();
        let text = e.chain();
        assert!(
            text.contains(&format!("posts row {} holds an invalid value", ids[2])),
            "{text}"
        );
    }

    /// A reported post whose status no release writes (set by hand, or by a newer release)
    /// is still in the queue, its status unknown, and its thread's reports leave out one that
    /// cannot be read: the queue's page and the thread failed whole.
    #[cfg(feature = "sqlite")]
    #[tokio::test]
    async fn a_reported_post_with_an_unknown_status_leaves_the_queue_and_thread_workable() {
        use crate::model::{NewReport, QueueFilter, Reason, Target};
        use crate::ports::ContentStore;
        let (_dir, store, author, posts) = store_with_posts(&["fine", "odd"]).await;
        for post in &posts {
            for n in 1..=2 {
                store
                    .file_report(&NewReport {
                        target: Target::Post(*post),
                        reporter_sub: crate::model::UserSub::parse(format!(
                            "00000000-0000-4000-8000-00000000000{n}"
                        ))
                        .unwrap(),
                        reason: Reason::parse("spam").unwrap(),
                        note: None,
                    })
                    .await
                    .unwrap();
            }
        }
        sqlx::query("UPDATE posts SET status = 'quarantined' WHERE id = ?")
            .bind(posts[1].get())
            .execute(store.pool())
            .await
            .unwrap();
        sqlx::query("UPDATE reports SET reporter_sub = 'x' WHERE target_id = ? AND id = (SELECT MAX(id) FROM reports)")
            .bind(posts[1].to_string())
            .execute(store.pool())
            .await
            .unwrap();
        let queue = crate::services::moderation::queue(
            &store,
            &QueueFilter::default(),
            crate::model::PageRequest::first(10),
        )
        .await
        .unwrap();
        let odd = queue
            .items
            .iter()
            .find(|q| q.group.target == Target::Post(posts[1]))
            .expect("the odd post is still in the queue");
        let summary = odd.summary.as_ref().unwrap();
        assert_eq!(summary.status, None);
        assert_eq!(summary.author_sub.as_ref(), Some(&author));
        let reports = store.reports_on(&[Target::Post(posts[1])]).await.unwrap();
        assert_eq!(
            reports.items.len(),
            1,
            "the unreadable report is left out: {reports:?}"
        );
        assert!(
            reports.left_out[0].starts_with("reports row "),
            "and said: {:?}",
            reports.left_out
        );
    }

    /// Resolving the reports of a target leaves one no release writes open and counts it;
    /// resolving that one by its id says it is done and audited when only its read back fails
    /// (it read as the resolve failing).
    #[cfg(feature = "sqlite")]
    #[tokio::test]
    async fn an_unreadable_report_is_counted_left_open_or_said_resolved() {
        use crate::model::{Actor, NewReport, Reason, ReportId, ReportResolution, Target, UserSub};
        use crate::ports::ContentStore;
        let dir = tempfile::tempdir().unwrap();
        let store = SqlContentStore::<Sqlite>::open_sqlite(&dir.path().join("r.db"))
            .await
            .unwrap();
        let target = Target::User(UserSub::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap());
        let mut ids = Vec::new();
        for n in 1..=2 {
            let r = store
                .file_report(&NewReport {
                    target: target.clone(),
                    reporter_sub: UserSub::parse(format!("00000000-0000-4000-8000-00000000000{n}"))
                        .unwrap(),
                    reason: Reason::parse("spam").unwrap(),
                    note: None,
                })
                .await
                .unwrap();
            ids.push(r.id.get());
        }
        sqlx::query("UPDATE reports SET reporter_sub = 'x' WHERE id = ?")
            .bind(ids[1])
            .execute(store.pool())
            .await
            .unwrap();
        let actor = Actor::parse("mod:ann").unwrap();
        let reason = Reason::parse("handled").unwrap();
        let resolved = crate::services::moderation::resolve_all_open(
            &store,
            &target,
            ReportResolution::Dismissed,
            &actor,
            &reason,
            None,
        )
        .await
        .unwrap();
        assert_eq!((resolved.closed.len(), resolved.unreadable), (1, 1));
        let e = store
            .resolve_report(
                ReportId::new(ids[1]).unwrap(),
                ReportResolution::Dismissed,
                &actor,
                &reason,
            )
            .await
            .unwrap_err();
        assert!(
            e.chain().contains(&format!(
                "report {} is dismissed and audited, but reading it back failed",
                ids[1]
            )),
            "{}",
            e.chain()
        );
    }

    /// The report queue is a work list: a report naming a target no release writes (`post
    /// abc`, an empty sub, written by hand) is left out, and the others stay workable (every
    /// page failed, in the console and `reports queue`).
    #[cfg(feature = "sqlite")]
    #[tokio::test]
    async fn a_report_naming_an_unreadable_target_leaves_the_queue_workable() {
        use crate::model::{PageRequest, QueueFilter};
        use crate::ports::ContentStore;
        let dir = tempfile::tempdir().unwrap();
        let store = SqlContentStore::<Sqlite>::open_sqlite(&dir.path().join("queue.db"))
            .await
            .unwrap();
        for (kind, id) in [
            ("post", "12"),
            ("post", "abc"),
            ("user", ""),
            ("comment", "7"),
        ] {
            sqlx::query(
                "INSERT INTO reports (target_kind, target_id, reporter_sub, reason, created_at) \
                 VALUES (?, ?, '0f8fad5b-d9cb-469f-a165-70867728950e', 'spam', \
                 '2026-12-01 10:00:00.000')",
            )
            .bind(kind)
            .bind(id)
            .execute(store.pool())
            .await
            .unwrap();
        }
        let page = store
            .report_queue(&QueueFilter::default(), PageRequest::first(10))
            .await
            .unwrap();
        let shown: Vec<String> = page
            .items
            .iter()
            .map(|g| format!("{}:{}", g.target.kind().as_str(), g.target.id_text()))
            .collect();
        assert_eq!(shown, ["comment:7", "post:12"]);
        assert_eq!(page.left_out.len(), 2, "{:?}", page.left_out);
    }
}
