//! What object storage returns: listings, object details, versions and presigned requests.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A bucket the credentials can see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketInfo {
    pub name: String,
    pub created_at: Option<DateTime<Utc>>,
}

/// One object, as listed or as returned by a HEAD request. `key` is shown as storage gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectEntry {
    pub key: String,
    pub size: u64,
    pub last_modified: Option<DateTime<Utc>>,
    pub etag: Option<String>,
    pub storage_class: Option<String>,
    /// Known from HEAD (and from the sandbox's listing); S3 listings do not carry it.
    pub content_type: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub version_id: Option<String>,
}

/// A line of a folder-style listing: a common prefix ("folder") or an object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListingEntry {
    Prefix(String),
    Object(ObjectEntry),
}

impl ListingEntry {
    /// The key or prefix this line sorts by.
    pub fn name(&self) -> &str {
        match self {
            Self::Prefix(p) => p,
            Self::Object(o) => &o.key,
        }
    }
}

/// A byte range of an object, `start..end` (end exclusive), as a preview asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ByteRange {
    pub start: u64,
    pub end: u64,
}

impl ByteRange {
    /// The first `len` bytes.
    pub fn first(len: u64) -> Self {
        Self { start: 0, end: len }
    }
}

/// Bytes read from an object, with the size of the whole object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectBytes {
    pub bytes: Vec<u8>,
    pub total_size: u64,
    pub content_type: Option<String>,
}

/// One version of an object in a versioned bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectVersion {
    pub key: String,
    pub version_id: String,
    pub is_latest: bool,
    pub is_delete_marker: bool,
    pub size: u64,
    pub last_modified: Option<DateTime<Utc>>,
}

/// Whether a bucket keeps the versions of its objects (S3's `GetBucketVersioning`): what a
/// delete leaves behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BucketVersioning {
    /// A delete adds a delete marker; every version stays.
    Enabled,
    /// Versioning was on and is paused: a delete adds a delete marker in place of the
    /// unversioned copy (which is gone), and the versions kept before stay.
    Suspended,
    /// Never enabled: a delete is for good.
    Off,
}

/// A key to delete and, where it was read just before, the ETag it must still have: the store
/// deletes it only then (S3's `If-Match`), so an object replaced since it was read is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteTarget {
    pub key: String,
    pub if_match: Option<String>,
}

impl DeleteTarget {
    /// Whatever the key holds.
    pub fn any(key: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            if_match: None,
        }
    }

    /// Only the object of this ETag.
    pub fn unchanged(key: impl Into<String>, etag: Option<String>) -> Self {
        Self {
            key: key.into(),
            if_match: etag,
        }
    }
}

/// What a write asks of the key it writes, checked by the store in the write itself (S3's
/// conditional writes), so nothing put there between a read and the write is lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteCondition {
    /// Whatever is there is replaced.
    Any,
    /// Only while nothing is there (`If-None-Match: *`).
    New,
    /// Only while the object there has this ETag (`If-Match`).
    Replacing(String),
}

impl WriteCondition {
    /// What a store found at `key` in place of what the condition asked (`gone`: nothing
    /// there), and that nothing was written.
    pub fn refused(&self, bucket: &str, key: &str, gone: bool) -> crate::DomainError {
        // "Nothing was written" first: a narrow status bar cuts a line's middle, where a long
        // key sits.
        let what = match (self, gone) {
            (Self::New, _) | (Self::Any, _) => "an object was put there since it was read",
            (Self::Replacing(_), true) => {
                "the object it was to replace was deleted since it was read"
            }
            (Self::Replacing(_), false) => {
                "the object it was to replace was replaced since it was read"
            }
        };
        crate::DomainError::Conflict(format!("nothing was written: s3://{bucket}/{key}: {what}"))
    }
}

/// The outcome of deleting one key in a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteOutcome {
    pub key: String,
    pub error: Option<NotDeleted>,
}

impl DeleteOutcome {
    pub fn failed(key: impl Into<String>, why: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            error: Some(NotDeleted::Failed(why.into())),
        }
    }
}

/// Why a key of a batch was not deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotDeleted {
    /// Its ETag is no longer the one asked for: another object was put there since it was read.
    Changed,
    /// It was asked for by ETag and is gone: someone else deleted it since it was read.
    Gone,
    /// The store's refusal, in its words.
    Failed(String),
}

impl std::fmt::Display for NotDeleted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Changed => f.write_str("replaced since it was read (another ETag)"),
            Self::Gone => f.write_str("deleted since it was read"),
            Self::Failed(why) => f.write_str(why),
        }
    }
}

/// A request anyone holding it can make until `expires_at`: the URL, the method and the
/// headers that were signed and must be sent exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresignedRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub expires_at: DateTime<Utc>,
}

/// A thumbnail the image trigger wrote for an uploaded image, at `thumbs/{width}/{source}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Thumbnail {
    pub source_key: String,
    pub width: u32,
    pub height: u32,
    pub key: String,
    pub bytes: u64,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Who points at an object key: a post's image or a user's profile image.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "camelCase")]
pub enum ImageOwner {
    Post(super::PostId),
    Profile(super::UserSub),
}

/// A row that points at an object key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageRef {
    pub owner: ImageOwner,
    pub key: String,
}

/// Which rows' image keys to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageRefKind {
    Posts,
    Profiles,
}
