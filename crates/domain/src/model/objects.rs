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

/// The outcome of deleting one key in a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteOutcome {
    pub key: String,
    pub error: Option<String>,
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
