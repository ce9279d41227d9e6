//! An object store in a local folder: each object is a file at `<root>/<bucket>/<key>`, and an
//! index in the sandbox database keeps its size, ETag, content type and metadata beside it, so
//! listings follow S3's order and prefix/delimiter rules without walking the folder.

use crate::adapters::sql::map_sqlx;
use crate::error::{DomainError, DomainResult};
use crate::model::{
    BucketInfo, BucketName, BucketVersioning, ByteRange, Cursor, DeleteOutcome, DeleteTarget,
    ListingEntry, NotDeleted, ObjectBytes, ObjectEntry, ObjectKey, ObjectVersion, Page,
    PageRequest, PresignedRequest, WriteCondition, now_millis,
};
use crate::ports::ObjectStore;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use md5::{Digest, Md5};
use sqlx::SqlitePool;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

/// S3's default and largest listing page.
const MAX_KEYS: u32 = 1000;
/// Rows read per index query while folding keys into common prefixes.
const SCAN_BATCH: i64 = 1000;

#[derive(Debug, Clone)]
pub struct SandboxObjectStore {
    pool: SqlitePool,
    root: PathBuf,
}

crate::adapters::sql::from_row! {
struct ObjectRow {
    key: String,
    size: i64,
    etag: String,
    content_type: String,
    metadata: String,
    last_modified: DateTime<Utc>,
}
}

impl ObjectRow {
    fn into_entry(self) -> ObjectEntry {
        ObjectEntry {
            key: self.key,
            size: u64::try_from(self.size).unwrap_or(0),
            last_modified: Some(self.last_modified),
            etag: Some(self.etag),
            storage_class: Some("STANDARD".to_string()),
            content_type: Some(self.content_type),
            metadata: serde_json::from_str(&self.metadata).unwrap_or_default(),
            version_id: None,
        }
    }
}

/// The first string after every string that starts with `prefix` (which ends in `delimiter`).
fn after_prefix(prefix: &str) -> String {
    let mut chars: Vec<char> = prefix.chars().collect();
    if let Some(last) = chars.pop() {
        let next = char::from_u32(u32::from(last) + 1).unwrap_or(char::MAX);
        chars.push(next);
    }
    chars.into_iter().collect()
}

/// A fresh name beside `path` for writing before the atomic rename; never an object's name,
/// because object files never start with `.~`.
fn temp_path(path: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".~{name}.{}.{n}.upload", std::process::id()))
}

impl SandboxObjectStore {
    pub fn new(pool: SqlitePool, root: impl Into<PathBuf>) -> Self {
        Self {
            pool,
            root: root.into(),
        }
    }

    /// Creates a bucket (and its folder); creating an existing one is fine.
    pub async fn create_bucket(&self, bucket: &BucketName) -> DomainResult<()> {
        tokio::fs::create_dir_all(self.root.join(bucket.as_str()))
            .await
            .map_err(|e| {
                DomainError::unavailable(format!("sandbox folder {}", self.root.display()), e)
            })?;
        sqlx::query("INSERT OR IGNORE INTO buckets (name, created_at) VALUES (?, ?)")
            .bind(bucket.as_str())
            .bind(now_millis())
            .execute(&self.pool)
            .await
            .map_err(|e| map_sqlx("buckets", e))?;
        Ok(())
    }

    async fn require_bucket(&self, bucket: &BucketName) -> DomainResult<()> {
        let found: Option<String> = sqlx::query_scalar("SELECT name FROM buckets WHERE name = ?")
            .bind(bucket.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| map_sqlx("buckets", e))?;
        found
            .map(|_| ())
            .ok_or_else(|| DomainError::not_found(format!("bucket {bucket}")))
    }

    async fn row(&self, bucket: &BucketName, key: &str) -> DomainResult<ObjectRow> {
        self.require_bucket(bucket).await?;
        sqlx::query_as::<_, ObjectRow>(
            "SELECT key, size, etag, content_type, metadata, last_modified FROM objects WHERE bucket = ? AND key = ?",
        )
        .bind(bucket.as_str())
        .bind(key)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| map_sqlx("objects", e))?
        .ok_or_else(|| DomainError::not_found(format!("object {key} in {bucket}")))
    }

    /// The file holding an object. Only keys that parse as `ObjectKey` are ever written, so
    /// the path stays inside the bucket's folder.
    fn blob_path(&self, bucket: &BucketName, key: &str) -> PathBuf {
        let mut path = self.root.join(bucket.as_str());
        for segment in key.split('/').filter(|s| !s.is_empty()) {
            path.push(segment);
        }
        path
    }

    fn io_error(path: &Path, err: std::io::Error) -> DomainError {
        DomainError::unavailable(format!("sandbox file {}", path.display()), err)
    }
}

impl SandboxObjectStore {
    /// Deletes `key`'s row and file; with `if_match`, only while the row has that ETag, quoted
    /// or not as S3 takes it (one statement, as S3's conditional delete is one request). `Ok(None)` when deleted or, with
    /// no ETag asked, when there was nothing to delete.
    async fn delete_if(
        &self,
        bucket: &BucketName,
        key: &str,
        if_match: Option<&str>,
    ) -> DomainResult<Option<NotDeleted>> {
        let result = sqlx::query(
            "DELETE FROM objects WHERE bucket = ? AND key = ? \
             AND (? IS NULL OR trim(etag, '\"') = trim(?, '\"'))",
        )
        .bind(bucket.as_str())
        .bind(key)
        .bind(if_match)
        .bind(if_match)
        .execute(&self.pool)
        .await
        .map_err(|e| map_sqlx("objects", e))?;
        if result.rows_affected() == 0 {
            let Some(_) = if_match else {
                return Ok(None);
            };
            let there: Option<(i64,)> =
                sqlx::query_as("SELECT 1 FROM objects WHERE bucket = ? AND key = ?")
                    .bind(bucket.as_str())
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(|e| map_sqlx("objects", e))?;
            return Ok(Some(match there {
                Some(_) => NotDeleted::Changed,
                None => NotDeleted::Gone,
            }));
        }
        if !key.ends_with('/') && ObjectKey::parse(key).is_ok() {
            let path = self.blob_path(bucket, key);
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Self::io_error(&path, e)),
            }
        }
        Ok(None)
    }
}

#[async_trait]
impl ObjectStore for SandboxObjectStore {
    async fn list_buckets(&self) -> DomainResult<Vec<BucketInfo>> {
        let rows: Vec<(String, DateTime<Utc>)> =
            sqlx::query_as("SELECT name, created_at FROM buckets ORDER BY name")
                .fetch_all(&self.pool)
                .await
                .map_err(|e| map_sqlx("buckets", e))?;
        Ok(rows
            .into_iter()
            .map(|(name, created_at)| BucketInfo {
                name,
                created_at: Some(created_at),
            })
            .collect())
    }

    async fn list(
        &self,
        bucket: &BucketName,
        prefix: &str,
        delimiter: Option<char>,
        page: PageRequest,
    ) -> DomainResult<Page<ListingEntry>> {
        self.require_bucket(bucket).await?;
        let limit = page.limit_or(MAX_KEYS, MAX_KEYS) as usize;
        let scope = crate::model::scope_of("objects", &(bucket, prefix, delimiter));
        // The scan resumes strictly after `start` (a key) or at `start` (after a folder).
        let (mut start, mut inclusive) = match page
            .cursor
            .as_ref()
            .map(|c| c.decode::<(String, bool)>(&scope))
            .transpose()?
        {
            Some((name, true)) => (after_prefix(&name), true),
            Some((name, false)) => (name, false),
            None => (prefix.to_string(), true),
        };
        let mut items: Vec<ListingEntry> = Vec::new();
        let mut more = false;
        'scan: loop {
            let sql = if inclusive {
                "SELECT key, size, etag, content_type, metadata, last_modified FROM objects \
                 WHERE bucket = ? AND key >= ? AND substr(key, 1, length(?)) = ? ORDER BY key LIMIT ?"
            } else {
                "SELECT key, size, etag, content_type, metadata, last_modified FROM objects \
                 WHERE bucket = ? AND key > ? AND substr(key, 1, length(?)) = ? ORDER BY key LIMIT ?"
            };
            let rows = sqlx::query_as::<_, ObjectRow>(sql)
                .bind(bucket.as_str())
                .bind(&start)
                .bind(prefix)
                .bind(prefix)
                .bind(SCAN_BATCH)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| map_sqlx("objects", e))?;
            let batch_len = rows.len();
            for row in rows {
                let rest = &row.key[prefix.len()..];
                let folded = delimiter.and_then(|d| {
                    rest.find(d)
                        .map(|i| format!("{prefix}{}", &rest[..i + d.len_utf8()]))
                });
                if items.len() == limit {
                    more = true;
                    break 'scan;
                }
                match folded {
                    Some(common) => {
                        start = after_prefix(&common);
                        inclusive = true;
                        items.push(ListingEntry::Prefix(common));
                        // Everything else under this prefix is skipped by restarting the scan.
                        continue 'scan;
                    }
                    None => {
                        start = row.key.clone();
                        inclusive = false;
                        items.push(ListingEntry::Object(row.into_entry()));
                    }
                }
            }
            if (batch_len as i64) < SCAN_BATCH {
                break;
            }
        }
        let next = if more {
            items.last().map(|last| match last {
                ListingEntry::Prefix(p) => Cursor::encode(&scope, &(p.clone(), true)),
                ListingEntry::Object(o) => Cursor::encode(&scope, &(o.key.clone(), false)),
            })
        } else {
            None
        };
        Ok(Page::new(items, next))
    }

    async fn head(&self, bucket: &BucketName, key: &str) -> DomainResult<ObjectEntry> {
        Ok(self.row(bucket, key).await?.into_entry())
    }

    async fn get(
        &self,
        bucket: &BucketName,
        key: &str,
        range: Option<ByteRange>,
    ) -> DomainResult<ObjectBytes> {
        let row = self.row(bucket, key).await?;
        let total = u64::try_from(row.size).unwrap_or(0);
        if key.ends_with('/') || total == 0 {
            return Ok(ObjectBytes {
                bytes: Vec::new(),
                total_size: total,
                content_type: Some(row.content_type),
            });
        }
        let (start, end) = match range {
            None => (0, total),
            Some(r) => {
                if r.start >= total || r.end <= r.start {
                    return Err(DomainError::invalid(
                        "range",
                        format!(
                            "bytes {}..{} are outside an object of {total} bytes",
                            r.start, r.end
                        ),
                    ));
                }
                (r.start, r.end.min(total))
            }
        };
        let path = self.blob_path(bucket, key);
        let mut file = tokio::fs::File::open(&path)
            .await
            .map_err(|e| Self::io_error(&path, e))?;
        file.seek(std::io::SeekFrom::Start(start))
            .await
            .map_err(|e| Self::io_error(&path, e))?;
        let mut bytes = Vec::with_capacity(usize::try_from(end - start).unwrap_or(0));
        file.take(end - start)
            .read_to_end(&mut bytes)
            .await
            .map_err(|e| Self::io_error(&path, e))?;
        Ok(ObjectBytes {
            bytes,
            total_size: total,
            content_type: Some(row.content_type),
        })
    }

    /// The file is written beside its place first; the index row is then written under the
    /// condition, in one statement, and only then does the file take its place: a refused
    /// condition leaves both the object there and its file as they were.
    async fn put_if(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        body: Vec<u8>,
        content_type: &str,
        metadata: &BTreeMap<String, String>,
        condition: &WriteCondition,
    ) -> DomainResult<ObjectEntry> {
        self.require_bucket(bucket).await?;
        if content_type.trim().is_empty() || content_type.chars().any(char::is_control) {
            return Err(DomainError::invalid(
                "contentType",
                "must be a MIME type such as image/png",
            ));
        }
        let etag = format!("\"{:x}\"", Md5::digest(&body));
        let size = body.len() as i64;
        let mut placed = None;
        if !key.as_str().ends_with('/') {
            let path = self.blob_path(bucket, key.as_str());
            if path.is_dir() {
                return Err(DomainError::Conflict(format!(
                    "the sandbox cannot store {key}: other objects live under {key}/"
                )));
            }
            if let Some(parent) = path.parent() {
                tokio::fs::create_dir_all(parent).await.map_err(|e| {
                    DomainError::Conflict(format!("the sandbox cannot store {key} beside an object of the same name as its folder: {e}"))
                })?;
            }
            let tmp = temp_path(&path);
            tokio::fs::write(&tmp, &body)
                .await
                .map_err(|e| Self::io_error(&tmp, e))?;
            placed = Some((tmp, path));
        }
        let metadata_json = serde_json::to_string(metadata).unwrap_or_else(|_| "{}".to_string());
        let (only_new, only_etag) = match condition {
            WriteCondition::Any => (false, None),
            WriteCondition::New => (true, None),
            WriteCondition::Replacing(etag) => (false, Some(etag.as_str())),
        };
        let written = sqlx::query(
            "INSERT INTO objects (bucket, key, size, etag, content_type, metadata, last_modified) \
             SELECT ?, ?, ?, ?, ?, ?, ? \
             WHERE ? IS NULL OR EXISTS (SELECT 1 FROM objects WHERE bucket = ? AND key = ? \
                                        AND trim(etag, '\"') = trim(?, '\"')) \
             ON CONFLICT(bucket, key) DO UPDATE SET size = excluded.size, etag = excluded.etag, \
             content_type = excluded.content_type, metadata = excluded.metadata, \
             last_modified = excluded.last_modified \
             WHERE NOT ? AND (? IS NULL OR trim(objects.etag, '\"') = trim(?, '\"'))",
        )
        .bind(bucket.as_str())
        .bind(key.as_str())
        .bind(size)
        .bind(&etag)
        .bind(content_type)
        .bind(metadata_json)
        .bind(now_millis())
        .bind(only_etag)
        .bind(bucket.as_str())
        .bind(key.as_str())
        .bind(only_etag)
        .bind(only_new)
        .bind(only_etag)
        .bind(only_etag)
        .execute(&self.pool)
        .await
        .map_err(|e| map_sqlx("objects", e));
        let refused = matches!(&written, Ok(done) if done.rows_affected() == 0);
        if written.is_err() || refused {
            if let Some((tmp, _)) = &placed {
                let _ = tokio::fs::remove_file(tmp).await;
            }
            written?;
            let gone = matches!(
                self.head(bucket, key.as_str()).await,
                Err(DomainError::NotFound(_))
            );
            return Err(condition.refused(bucket.as_str(), key.as_str(), gone));
        }
        if let Some((tmp, path)) = placed {
            tokio::fs::rename(&tmp, &path)
                .await
                .map_err(|e| Self::io_error(&path, e))?;
        }
        self.head(bucket, key.as_str()).await
    }

    async fn delete(&self, bucket: &BucketName, key: &str) -> DomainResult<()> {
        self.require_bucket(bucket).await?;
        // Like S3, deleting a key that does not exist succeeds.
        self.delete_if(bucket, key, None).await.map(|_| ())
    }

    async fn delete_many(
        &self,
        bucket: &BucketName,
        targets: &[DeleteTarget],
    ) -> DomainResult<Vec<DeleteOutcome>> {
        // Any number of keys, as the S3 adapter takes them (it splits them into S3's batches).
        if targets.is_empty() {
            return Ok(Vec::new());
        }
        self.require_bucket(bucket).await?;
        let mut outcomes = Vec::with_capacity(targets.len());
        for t in targets {
            let error = match self.delete_if(bucket, &t.key, t.if_match.as_deref()).await {
                Ok(error) => error,
                Err(e) => Some(NotDeleted::Failed(e.to_string())),
            };
            outcomes.push(DeleteOutcome {
                key: t.key.clone(),
                error,
            });
        }
        Ok(outcomes)
    }

    async fn copy(
        &self,
        bucket: &BucketName,
        from: &str,
        to: &ObjectKey,
    ) -> DomainResult<ObjectEntry> {
        let source = self.head(bucket, from).await?;
        let bytes = self.get(bucket, from, None).await?;
        let content_type = source
            .content_type
            .unwrap_or_else(|| "application/octet-stream".to_string());
        self.put(bucket, to, bytes.bytes, &content_type, &source.metadata)
            .await
    }

    async fn presign_get(
        &self,
        bucket: &BucketName,
        key: &str,
        expires_in: Duration,
    ) -> DomainResult<PresignedRequest> {
        self.row(bucket, key).await?;
        let path = self.blob_path(bucket, key);
        let absolute = std::path::absolute(&path).unwrap_or(path);
        let expires_at = chrono::Duration::from_std(expires_in)
            .ok()
            .and_then(|d| now_millis().checked_add_signed(d))
            .ok_or_else(|| DomainError::invalid("expiresIn", "is too long"))?;
        // A URL, as S3's is: each path segment percent-encoded (`pic 100%.jpg` was given
        // raw, and broke where it was pasted), the slashes kept.
        const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
            .remove(b'/')
            .remove(b'-')
            .remove(b'_')
            .remove(b'.')
            .remove(b'~');
        let path_text = absolute.to_string_lossy();
        Ok(PresignedRequest {
            method: "GET".to_string(),
            url: format!(
                "file://{}",
                percent_encoding::utf8_percent_encode(&path_text, SEGMENT)
            ),
            headers: Vec::new(),
            expires_at,
        })
    }

    async fn presign_put(
        &self,
        _bucket: &BucketName,
        _key: &ObjectKey,
        _content_type: &str,
        _content_length: u64,
        _expires_in: Duration,
    ) -> DomainResult<PresignedRequest> {
        Err(DomainError::Unsupported(
            "presigned uploads are not available in the sandbox; upload through the console instead".to_string(),
        ))
    }

    async fn list_versions(
        &self,
        _bucket: &BucketName,
        _prefix: &str,
        _page: PageRequest,
    ) -> DomainResult<Page<ObjectVersion>> {
        Err(DomainError::Unsupported(
            "the sandbox keeps no object versions".to_string(),
        ))
    }

    /// A sandbox folder keeps no versions: its deletes remove the file.
    async fn versioning(&self, bucket: &BucketName) -> DomainResult<BucketVersioning> {
        self.require_bucket(bucket).await?;
        Ok(BucketVersioning::Off)
    }
}
