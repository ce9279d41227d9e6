//! The Storage pane's vocabulary: the work it asks for, what comes back, and where it is.

use crate::app::{Failure, RequestId};
use backoffice_domain::model::ObjectEntry;
use backoffice_domain::model::{
    BucketInfo, BucketName, BucketVersioning, Cursor, ListingEntry, ObjectVersion, Page,
    PresignedRequest,
};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Keys per listing request: S3's own page, so the first screen costs one request.
pub const LIST_PAGE: u32 = 1000;
/// Bytes read for a text or JSON preview.
pub const TEXT_PREVIEW_BYTES: u64 = 16 * 1024;
/// How long a presigned link works.
pub const LINK_LIFETIME: Duration = Duration::from_secs(60 * 60);
/// Reasons offered for object writes.
pub const STORAGE_REASONS: &[&str] = &[
    "support request",
    "user asked to be removed",
    "illegal content",
    "nudity or sexual content",
    "copyright claim",
    "cleanup",
    "other",
];

/// Background work of the Storage pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageCommand {
    ListBuckets {
        request: RequestId,
    },
    List {
        request: RequestId,
        bucket: BucketName,
        prefix: String,
        cursor: Option<Cursor>,
    },
    /// HEAD and the versions of one object.
    Inspect {
        request: RequestId,
        bucket: BucketName,
        key: String,
    },
    /// The object's thumbnail or its first bytes, decoded for the preview.
    Preview {
        request: RequestId,
        bucket: BucketName,
        key: String,
    },
    /// Whether the bucket keeps versions (a bulk delete's dialog says what stays), and which
    /// of `keys` a post or a profile points at (the dialog says which will show as missing).
    Versioning {
        request: RequestId,
        bucket: BucketName,
        keys: Vec<String>,
    },
    Share {
        request: RequestId,
        bucket: BucketName,
        key: String,
        expires_in: Duration,
    },
    Download {
        request: RequestId,
        bucket: BucketName,
        key: String,
        path: PathBuf,
    },
}

/// A finished (or progressing) piece of the Storage pane's work.
#[derive(Debug, Clone)]
pub enum StorageEvent {
    BucketsListed {
        request: RequestId,
        result: Result<Vec<BucketInfo>, Failure>,
    },
    Listed {
        request: RequestId,
        result: Result<Page<ListingEntry>, Failure>,
    },
    Inspected {
        request: RequestId,
        result: Result<ObjectDetail, Failure>,
    },
    Previewed {
        request: RequestId,
        result: Result<Preview, Failure>,
    },
    VersioningRead {
        request: RequestId,
        result: Result<BucketVersioning, Failure>,
        /// The keys asked about that a row points at; `None` where that could not be read
        /// (no database, or its failure).
        referenced: Option<Vec<String>>,
    },
    Shared {
        request: RequestId,
        result: Result<PresignedRequest, Failure>,
    },
    /// Bytes of a download written so far.
    Progress {
        request: RequestId,
        done: u64,
        total: u64,
    },
    Downloaded {
        request: RequestId,
        result: Result<PathBuf, Failure>,
    },
}

/// An object's HEAD and its versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectDetail {
    pub entry: ObjectEntry,
    pub versions: Versions,
    /// What points at the object, for its delete dialog to say (a delete left posts showing a
    /// missing image, and thumbnails behind, without a word).
    pub uses: Uses,
}

/// What the database says points at an object.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Uses {
    /// Whether a post or a profile points at it; `None` where it could not be read (no
    /// database in the environment, or it failed).
    pub referenced: Option<bool>,
    /// The thumbnails recorded for it.
    pub thumbnails: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Versions {
    /// The key's versions, newest first.
    Listed(Vec<ObjectVersion>),
    /// Why they are not known (e.g. the sandbox keeps none).
    Unavailable(String),
}

impl Versions {
    /// Whether the bucket keeps versions of this key (S3 answers `null` ids when it does not).
    pub fn versioned(&self) -> bool {
        match self {
            Versions::Listed(v) => v.iter().any(|v| v.version_id != "null"),
            Versions::Unavailable(_) => false,
        }
    }
}

/// What the preview shows.
#[derive(Debug, Clone)]
pub enum Preview {
    Image {
        image: Arc<image::DynamicImage>,
        /// Where the pixels came from: the original or `thumbnail 256 px`.
        source: String,
        /// The decoded image's size before it was fitted for the screen.
        width: u32,
        height: u32,
    },
    Text {
        text: String,
        /// Pretty-printed JSON (the whole object fitted in the bytes read).
        json: bool,
        shown: u64,
        total: u64,
    },
    /// Nothing to draw, and why ("binary data", "empty object", "image/webp: no decoder").
    Nothing(String),
}

impl PartialEq for Preview {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (
                Preview::Image {
                    image: a,
                    source: s,
                    ..
                },
                Preview::Image {
                    image: b,
                    source: t,
                    ..
                },
            ) => Arc::ptr_eq(a, b) && s == t,
            (
                Preview::Text {
                    text: a,
                    json: j,
                    shown: s,
                    total: t,
                },
                Preview::Text {
                    text: b,
                    json: k,
                    shown: u,
                    total: v,
                },
            ) => a == b && j == k && s == u && t == v,
            (Preview::Nothing(a), Preview::Nothing(b)) => a == b,
            _ => false,
        }
    }
}

/// Where the pane is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Buckets,
    Folder { bucket: BucketName, prefix: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Key order, as storage lists them.
    #[default]
    Name,
    /// Largest first; folders last.
    Size,
    /// Newest first; folders last.
    Date,
}

impl SortKey {
    /// The order in words, turned round where `reversed`.
    pub fn label(self, reversed: bool) -> &'static str {
        match (self, reversed) {
            (SortKey::Name, false) => "name",
            (SortKey::Name, true) => "name, last first",
            (SortKey::Size, false) => "size, largest first",
            (SortKey::Size, true) => "size, smallest first",
            (SortKey::Date, false) => "date, newest first",
            (SortKey::Date, true) => "date, oldest first",
        }
    }

    pub(super) fn next(self) -> Self {
        match self {
            SortKey::Name => SortKey::Size,
            SortKey::Size => SortKey::Date,
            SortKey::Date => SortKey::Name,
        }
    }
}

/// A part of the detail view that arrives on its own.
#[derive(Debug, Clone, PartialEq)]
pub enum Part<T> {
    Loading,
    Ready(T),
    Failed(crate::app::Failure),
}
