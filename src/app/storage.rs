//! The Storage pane: buckets, then a bucket as folders by prefix, paged as the selection nears
//! the end; an object's detail (HEAD, versions) with a preview of its first bytes or its
//! thumbnail; download with progress, upload, delete, a presigned link, and jumps to the user
//! an object belongs to. Synchronous like every pane: the work runs in `exec::storage`.

use super::dialog::{Form, Proposal};
use super::list::{List, Load};
use super::{Command, Failure, Handled, Ids, Outcome, RequestId, Write};
use crate::keymap::Action;
use backoffice_domain::model::{
    BucketInfo, BucketName, Cursor, ListingEntry, ObjectEntry, ObjectKey, ObjectVersion, Page,
    PresignedRequest, UserSub,
};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
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

/// An object write, confirmed in the dialog like every other write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageWrite {
    Upload {
        bucket: BucketName,
        key: ObjectKey,
        source: PathBuf,
    },
    Delete {
        bucket: BucketName,
        keys: Vec<String>,
    },
}

/// An object's HEAD and its versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectDetail {
    pub entry: ObjectEntry,
    pub versions: Versions,
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
    pub fn label(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Size => "size, largest first",
            SortKey::Date => "date, newest first",
        }
    }

    fn next(self) -> Self {
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
    Failed(String),
}

/// The preview's image as the terminal draws it, made by the first frame that shows it.
#[derive(Default)]
pub struct ImageCache(pub Option<ratatui_image::protocol::StatefulProtocol>);

impl std::fmt::Debug for ImageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "ImageCache(ready)"
        } else {
            "ImageCache(empty)"
        })
    }
}

/// An open object.
#[derive(Debug)]
pub struct ObjectView {
    pub bucket: BucketName,
    pub key: String,
    pub info: Part<ObjectDetail>,
    pub preview: Part<Preview>,
    /// Scroll offset of the detail's text column.
    pub scroll: u16,
    pub image: ImageCache,
    info_request: Option<RequestId>,
    preview_request: Option<RequestId>,
    /// Delete was asked for before the versions had arrived; propose it when they do.
    delete_when_inspected: bool,
}

/// A download in flight or just finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub request: RequestId,
    pub key: String,
    pub path: PathBuf,
    pub done: u64,
    pub total: u64,
    pub state: TransferState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferState {
    Running,
    Finished,
    Failed(String),
}

/// What a text prompt is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    /// Download `key` to the path typed.
    Download { bucket: BucketName, key: String },
    /// Upload the file typed to the key typed.
    Upload { bucket: BucketName },
}

/// A small form over the pane: one or two text fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    /// A local path.
    pub path: String,
    /// The object key (uploads only).
    pub key: String,
    /// Whether the key field has focus (uploads only).
    pub on_key: bool,
    pub problem: Option<String>,
}

/// A popup of the pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Popup {
    Prompt(Prompt),
    /// A presigned link: shown whole so it can be selected, and sent to the clipboard.
    Link {
        key: String,
        request: PresignedRequest,
    },
    /// Waiting for a link.
    LinkLoading(RequestId),
}

#[derive(Debug, Default)]
pub struct StoragePane {
    /// The environment's media bucket, opened first.
    pub home: Option<BucketName>,
    /// No uploads, deletes or links (a link writes an audit row).
    pub read_only: bool,
    pub location: Option<Location>,
    pub buckets: List<BucketInfo>,
    pub entries: List<ListingEntry>,
    pub sort: SortKey,
    pub detail: Option<ObjectView>,
    pub popup: Option<Popup>,
    pub transfer: Option<Transfer>,
    /// The `/` text: a prefix to jump to.
    pub filter_text: String,
    /// Selections left behind when opening a folder, restored on the way back.
    trail: Vec<(String, usize)>,
    /// The object a delete dialog was opened for: not reopened when the folder is refreshed.
    deleting: Option<String>,
    /// Text for the loop to put on the clipboard (OSC 52), taken by the shell.
    pub clipboard: Option<String>,
    /// How images reach the terminal; `None` draws half-blocks. Set once at start-up from the
    /// terminal's answer.
    pub picker: Option<ratatui_image::picker::Picker>,
}

/// `sub` when `key` sits under `profiles/{sub}/` or `posts/{sub}/` (or a thumbnail of one).
pub fn owner_of(key: &str) -> Option<UserSub> {
    let key = key
        .strip_prefix(backoffice_domain::services::storage::THUMBNAILS_PREFIX)
        .and_then(|rest| rest.split_once('/').map(|(_, k)| k))
        .unwrap_or(key);
    let mut parts = key.splitn(3, '/');
    match (parts.next(), parts.next()) {
        (Some("profiles" | "posts"), Some(sub)) => UserSub::parse(sub).ok(),
        _ => None,
    }
}

/// The folder holding `key` (`posts/a/1.png` → `posts/a/`).
pub fn parent_of(key: &str) -> String {
    let trimmed = key.strip_suffix('/').unwrap_or(key);
    match trimmed.rfind('/') {
        Some(i) => trimmed[..=i].to_string(),
        None => String::new(),
    }
}

/// The last part of a key or prefix, as a name to show or to save under.
pub fn base_name(key: &str) -> &str {
    let trimmed = key.strip_suffix('/').unwrap_or(key);
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// Sizes as people read them: `512 B`, `14.2 KiB`, `3.0 MiB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

fn sort_entries(items: &mut [ListingEntry], key: SortKey) {
    use std::cmp::Reverse;
    match key {
        SortKey::Name => items.sort_by(|a, b| a.name().cmp(b.name())),
        SortKey::Size => items.sort_by_key(|e| match e {
            ListingEntry::Object(o) => (0, Reverse(o.size)),
            ListingEntry::Prefix(_) => (1, Reverse(0)),
        }),
        SortKey::Date => items.sort_by_key(|e| match e {
            ListingEntry::Object(o) => (0, Reverse(o.last_modified)),
            ListingEntry::Prefix(_) => (1, Reverse(None)),
        }),
    }
}

impl StoragePane {
    pub fn pending(&self) -> usize {
        let detail = self.detail.as_ref().map_or(0, |d| {
            usize::from(d.info_request.is_some()) + usize::from(d.preview_request.is_some())
        });
        usize::from(self.buckets.is_busy())
            + usize::from(self.entries.is_busy())
            + detail
            + usize::from(matches!(self.popup, Some(Popup::LinkLoading(_))))
            + usize::from(matches!(
                self.transfer,
                Some(Transfer {
                    state: TransferState::Running,
                    ..
                })
            ))
    }

    /// The bucket open in the pane, if any.
    pub fn bucket(&self) -> Option<&BucketName> {
        match &self.location {
            Some(Location::Folder { bucket, .. }) => Some(bucket),
            _ => None,
        }
    }

    /// Shows the pane: the home bucket's top level the first time, else the bucket list.
    pub fn open(&mut self, ids: &mut Ids) -> Vec<Command> {
        if self.location.is_some() {
            return Vec::new();
        }
        match self.home.clone() {
            Some(bucket) => self.open_folder(bucket, String::new(), ids),
            None => self.show_buckets(ids),
        }
    }

    /// Every bucket the credentials can list.
    pub fn show_buckets(&mut self, ids: &mut Ids) -> Vec<Command> {
        self.location = Some(Location::Buckets);
        self.detail = None;
        if self.buckets.load == Load::Idle || matches!(self.buckets.load, Load::Failed(_)) {
            self.reload_buckets(ids)
        } else {
            Vec::new()
        }
    }

    fn reload_buckets(&mut self, ids: &mut Ids) -> Vec<Command> {
        let request = ids.issue();
        self.buckets.restart(request);
        vec![Command::Storage(StorageCommand::ListBuckets { request })]
    }

    /// Lists `prefix` of `bucket` from its first page.
    pub fn open_folder(
        &mut self,
        bucket: BucketName,
        prefix: String,
        ids: &mut Ids,
    ) -> Vec<Command> {
        self.location = Some(Location::Folder {
            bucket: bucket.clone(),
            prefix: prefix.clone(),
        });
        self.detail = None;
        let request = ids.issue();
        self.entries.restart(request);
        vec![Command::Storage(StorageCommand::List {
            request,
            bucket,
            prefix,
            cursor: None,
        })]
    }

    /// Opens `key` of the home bucket: its folder, and the object's detail (from a post).
    pub fn show_object(&mut self, key: String, ids: &mut Ids) -> Outcome {
        let Some(bucket) = self.home.clone() else {
            return Outcome::Message(
                "this environment names no media bucket (bucket in config.toml)".into(),
            );
        };
        self.trail.clear();
        let mut c = self.open_folder(bucket.clone(), parent_of(&key), ids);
        c.extend(self.open_object(bucket, key, ids));
        c.into()
    }

    fn open_object(&mut self, bucket: BucketName, key: String, ids: &mut Ids) -> Vec<Command> {
        let info = ids.issue();
        let preview = ids.issue();
        self.detail = Some(ObjectView {
            bucket: bucket.clone(),
            key: key.clone(),
            info: Part::Loading,
            preview: Part::Loading,
            scroll: 0,
            image: ImageCache::default(),
            info_request: Some(info),
            preview_request: Some(preview),
            delete_when_inspected: false,
        });
        vec![
            Command::Storage(StorageCommand::Inspect {
                request: info,
                bucket: bucket.clone(),
                key: key.clone(),
            }),
            Command::Storage(StorageCommand::Preview {
                request: preview,
                bucket,
                key,
            }),
        ]
    }

    /// After a write, or `ctrl-r`: what is on screen, again.
    pub fn refresh(&mut self, ids: &mut Ids) -> Vec<Command> {
        match self.location.clone() {
            None => Vec::new(),
            Some(Location::Buckets) => self.reload_buckets(ids),
            Some(Location::Folder { bucket, prefix }) => {
                let deleting = self.deleting.take();
                let detail = self
                    .detail
                    .take()
                    .filter(|d| Some(&d.key) != deleting.as_ref());
                let selected = self.entries.selected;
                let mut c = self.open_folder(bucket, prefix, ids);
                // Back where it was once the rows are in (clamped to what arrives).
                self.entries.selected = selected;
                if let Some(d) = detail {
                    c.extend(self.open_object(d.bucket, d.key, ids));
                }
                c
            }
        }
    }

    /// `/` text: a prefix of the open bucket to list (or a bucket, from the bucket list).
    pub fn set_filter(&mut self, text: String, ids: &mut Ids) -> Result<Vec<Command>, String> {
        let prefix = text.trim().trim_start_matches('/').to_string();
        let bucket = match (&self.location, &self.home) {
            (Some(Location::Folder { bucket, .. }), _) => bucket.clone(),
            // Not opened yet: a prefix of the environment's bucket.
            (None, Some(home)) => home.clone(),
            // On the bucket list: a bucket's name.
            _ => match BucketName::parse(&prefix) {
                Ok(b) => {
                    self.filter_text = String::new();
                    self.trail.clear();
                    return Ok(self.open_folder(b, String::new(), ids));
                }
                Err(e) => return Err(format!("open a bucket first, or type one: {}", e.message)),
            },
        };
        if prefix.chars().any(char::is_control) {
            return Err("a prefix has no control characters".into());
        }
        self.filter_text = prefix.clone();
        self.trail.clear();
        Ok(self.open_folder(bucket, prefix, ids))
    }

    fn more(&mut self, ids: &mut Ids) -> Vec<Command> {
        let Some(Location::Folder { bucket, prefix }) = &self.location else {
            return Vec::new();
        };
        match self.entries.wants_more() {
            Some(cursor) => {
                let request = ids.issue();
                self.entries.expect(request);
                vec![Command::Storage(StorageCommand::List {
                    request,
                    bucket: bucket.clone(),
                    prefix: prefix.clone(),
                    cursor: Some(cursor),
                })]
            }
            None => Vec::new(),
        }
    }

    /// Whether raw keys go to the pane (a prompt or popup is open).
    pub fn wants_keys(&self) -> bool {
        self.popup.is_some()
    }

    /// A key while a popup is open.
    pub fn on_key(&mut self, key: KeyEvent, ids: &mut Ids) -> Outcome {
        let Some(popup) = self.popup.take() else {
            return Outcome::None;
        };
        match popup {
            Popup::Link { .. } | Popup::LinkLoading(_) => {
                // Any key closes; a link still on its way is dropped.
                Outcome::None
            }
            Popup::Prompt(mut p) => {
                let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
                let uploading = matches!(p.kind, PromptKind::Upload { .. });
                match key.code {
                    KeyCode::Esc => {
                        return Outcome::Message("cancelled; nothing was changed".into());
                    }
                    KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down if uploading => {
                        p.on_key = !p.on_key;
                        if p.on_key && (p.key.is_empty() || p.key.ends_with('/')) {
                            p.key.push_str(base_name(p.path.trim()));
                        }
                    }
                    KeyCode::Enter => return self.submit(p, ids),
                    KeyCode::Backspace => {
                        if p.on_key {
                            p.key.pop()
                        } else {
                            p.path.pop()
                        };
                    }
                    KeyCode::Char(c) if !ctrl => {
                        let field = if p.on_key { &mut p.key } else { &mut p.path };
                        if field.chars().count() < 1024 {
                            field.push(c);
                        }
                    }
                    _ => {}
                }
                self.popup = Some(Popup::Prompt(p));
                Outcome::None
            }
        }
    }

    fn submit(&mut self, mut p: Prompt, ids: &mut Ids) -> Outcome {
        let path = p.path.trim().to_string();
        if path.is_empty() {
            p.problem = Some("type a local path".into());
            self.popup = Some(Popup::Prompt(p));
            return Outcome::None;
        }
        match p.kind.clone() {
            PromptKind::Download { bucket, key } => {
                let request = ids.issue();
                let path = expand_home(&path);
                self.transfer = Some(Transfer {
                    request,
                    key: key.clone(),
                    path: path.clone(),
                    done: 0,
                    total: 0,
                    state: TransferState::Running,
                });
                vec![Command::Storage(StorageCommand::Download {
                    request,
                    bucket,
                    key,
                    path,
                })]
                .into()
            }
            PromptKind::Upload { bucket } => {
                let key = match ObjectKey::parse(p.key.trim()) {
                    Ok(k) if !k.as_str().ends_with('/') => k,
                    Ok(_) => {
                        p.problem = Some("key: name the object, not a folder".into());
                        self.popup = Some(Popup::Prompt(p));
                        return Outcome::None;
                    }
                    Err(e) => {
                        p.problem = Some(format!("key {}", e.message));
                        self.popup = Some(Popup::Prompt(p));
                        return Outcome::None;
                    }
                };
                let existing = self.entries.items.iter().find_map(|e| match e {
                    ListingEntry::Object(o) if o.key == key.as_str() => Some(o.size),
                    _ => None,
                });
                let source = expand_home(&path);
                let change = match existing {
                    Some(size) => format!(
                        "s3://{bucket}/{key}: replaced ({} now) by {}",
                        human_size(size),
                        source.display()
                    ),
                    None => format!("s3://{bucket}/{key}: new object from {}", source.display()),
                };
                Outcome::Propose(Proposal {
                    verb: format!("upload {key}"),
                    title: "Upload an object".into(),
                    changes: vec![change],
                    form: Form::Ready(Write::Storage(StorageWrite::Upload {
                        bucket,
                        key,
                        source,
                    })),
                    type_to_confirm: None,
                    reasons: STORAGE_REASONS,
                })
            }
        }
    }

    /// The objects a delete applies to: the open object, else the marked rows (else the
    /// selected one). Folders are never deleted from here.
    fn delete_targets(&self) -> Vec<&ObjectEntry> {
        self.entries
            .targets()
            .into_iter()
            .filter_map(|e| match e {
                ListingEntry::Object(o) => Some(o),
                ListingEntry::Prefix(_) => None,
            })
            .collect()
    }

    fn propose_delete(&mut self, ids: &mut Ids) -> Outcome {
        let Some(bucket) = self.bucket().cloned() else {
            return Outcome::Message("open a bucket first".into());
        };
        if let Some(d) = &mut self.detail {
            return match &d.info {
                Part::Ready(detail) => {
                    self.deleting = Some(d.key.clone());
                    delete_one(&d.bucket, detail)
                }
                Part::Loading => {
                    d.delete_when_inspected = true;
                    Outcome::Message("reading the object's versions first…".into())
                }
                Part::Failed(e) => Outcome::Message(format!("the object could not be read: {e}")),
            };
        }
        let targets: Vec<(String, u64)> = self
            .delete_targets()
            .into_iter()
            .map(|o| (o.key.clone(), o.size))
            .collect();
        match targets.as_slice() {
            [] => Outcome::Message("no object selected (folders are not deleted from here)".into()),
            [(key, _)] => {
                // One object: read its versions first, so the dialog can show them.
                let key = key.clone();
                let c = self.open_object(bucket, key, ids);
                if let Some(d) = &mut self.detail {
                    d.delete_when_inspected = true;
                }
                c.into()
            }
            many => {
                let mut changes: Vec<String> = many
                    .iter()
                    .map(|(k, size)| format!("s3://{bucket}/{k} ({}): deleted", human_size(*size)))
                    .collect();
                changes.push(
                    "in a versioned bucket each gets a delete marker; older versions stay".into(),
                );
                Outcome::Propose(Proposal {
                    verb: format!("delete {} objects", many.len()),
                    title: format!("Delete {} objects", many.len()),
                    changes,
                    form: Form::Ready(Write::Storage(StorageWrite::Delete {
                        bucket,
                        keys: many.iter().map(|(k, _)| k.clone()).collect(),
                    })),
                    type_to_confirm: None,
                    reasons: STORAGE_REASONS,
                })
            }
        }
    }

    fn selected_key(&self) -> Option<&str> {
        match &self.detail {
            Some(d) => Some(&d.key),
            None => match self.entries.selected_item() {
                Some(ListingEntry::Object(o)) => Some(&o.key),
                _ => None,
            },
        }
    }

    fn owner(&self) -> Option<UserSub> {
        if let Some(d) = &self.detail {
            return owner_of(&d.key);
        }
        if let Some(sub) = self
            .entries
            .selected_item()
            .and_then(|e| owner_of(e.name()))
        {
            return Some(sub);
        }
        match &self.location {
            Some(Location::Folder { prefix, .. }) => owner_of(prefix),
            _ => None,
        }
    }

    fn go_up(&mut self, ids: &mut Ids) -> Outcome {
        if self.detail.take().is_some() {
            return Outcome::None;
        }
        match self.location.clone() {
            Some(Location::Folder { bucket, prefix }) if !prefix.is_empty() => {
                let parent = parent_of(&prefix);
                let restore = match self.trail.last() {
                    Some((p, _)) if *p == parent => self.trail.pop().map(|(_, s)| s),
                    _ => None,
                };
                let c = self.open_folder(bucket, parent, ids);
                if let Some(s) = restore {
                    self.entries.selected = s;
                }
                c.into()
            }
            Some(Location::Folder { .. }) => {
                self.trail.clear();
                self.show_buckets(ids).into()
            }
            _ => Outcome::None,
        }
    }

    fn move_by(&mut self, delta: isize, ids: &mut Ids) -> Outcome {
        match &self.location {
            Some(Location::Buckets) => {
                self.buckets.move_by(delta);
                Outcome::None
            }
            _ => {
                self.entries.move_by(delta);
                self.more(ids).into()
            }
        }
    }

    fn len(&self) -> usize {
        match &self.location {
            Some(Location::Buckets) => self.buckets.items.len(),
            _ => self.entries.items.len(),
        }
    }

    pub fn on_action(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        if let Some(d) = &mut self.detail {
            match action {
                Action::Down => {
                    d.scroll = d.scroll.saturating_add(1);
                    return Outcome::None;
                }
                Action::Up => {
                    d.scroll = d.scroll.saturating_sub(1);
                    return Outcome::None;
                }
                Action::Top => {
                    d.scroll = 0;
                    return Outcome::None;
                }
                _ => {}
            }
        }
        let page = self.entries.viewport.max(1) as isize;
        let len = self.len() as isize;
        match action {
            Action::Down => self.move_by(1, ids),
            Action::Up => self.move_by(-1, ids),
            Action::HalfPageDown => self.move_by((page / 2).max(1), ids),
            Action::HalfPageUp => self.move_by(-(page / 2).max(1), ids),
            Action::PageDown => self.move_by(page, ids),
            Action::PageUp => self.move_by(-page, ids),
            Action::Top => self.move_by(-len, ids),
            Action::Bottom => self.move_by(len, ids),
            Action::Reload => self.refresh(ids).into(),
            Action::Back => self.go_up(ids),
            Action::Mark if self.detail.is_none() && self.bucket().is_some() => {
                self.entries.toggle_mark();
                self.more(ids).into()
            }
            Action::Enter => self.enter(ids),
            Action::SortObjects => {
                if self.bucket().is_none() {
                    return Outcome::Message("sorting applies to a folder's objects".into());
                }
                self.sort = self.sort.next();
                self.resort();
                let scope = if self.entries.next.is_some() {
                    " (the rows loaded so far; more pages remain)"
                } else {
                    ""
                };
                Outcome::Message(format!("sorted by {}{scope}", self.sort.label()))
            }
            Action::DownloadObject => match (self.bucket().cloned(), self.selected_key()) {
                (Some(bucket), Some(key)) => {
                    if matches!(
                        self.transfer,
                        Some(Transfer {
                            state: TransferState::Running,
                            ..
                        })
                    ) {
                        return Outcome::Message("a download is running; wait for it".into());
                    }
                    let key = key.to_string();
                    self.popup = Some(Popup::Prompt(Prompt {
                        path: format!("./{}", base_name(&key)),
                        kind: PromptKind::Download { bucket, key },
                        key: String::new(),
                        on_key: false,
                        problem: None,
                    }));
                    Outcome::None
                }
                _ => Outcome::Message("select an object to download".into()),
            },
            Action::UploadObject | Action::CopyLink if self.read_only => Outcome::Message(format!(
                "read-only session: {} would write; nothing was changed",
                if action == Action::CopyLink {
                    "a link (recorded in the audit log)"
                } else {
                    "an upload"
                }
            )),
            Action::UploadObject => match &self.location {
                Some(Location::Folder { bucket, prefix }) => {
                    self.popup = Some(Popup::Prompt(Prompt {
                        kind: PromptKind::Upload {
                            bucket: bucket.clone(),
                        },
                        path: String::new(),
                        key: prefix.clone(),
                        on_key: false,
                        problem: None,
                    }));
                    Outcome::None
                }
                _ => Outcome::Message("open a bucket (and a folder) to upload into".into()),
            },
            Action::DeleteObject => self.propose_delete(ids),
            Action::CopyLink => match (
                self.bucket().cloned(),
                self.selected_key().map(str::to_string),
            ) {
                (Some(bucket), Some(key)) => {
                    let request = ids.issue();
                    self.popup = Some(Popup::LinkLoading(request));
                    vec![Command::Storage(StorageCommand::Share {
                        request,
                        bucket,
                        key,
                        expires_in: LINK_LIFETIME,
                    })]
                    .into()
                }
                _ => Outcome::Message("select an object to share".into()),
            },
            Action::OpenOwner => match self.owner() {
                Some(sub) => Outcome::GoToUser(sub),
                None => Outcome::Message(
                    "only objects under profiles/{sub}/ or posts/{sub}/ belong to a user".into(),
                ),
            },
            _ => Outcome::None,
        }
    }

    fn enter(&mut self, ids: &mut Ids) -> Outcome {
        if self.detail.is_some() {
            return Outcome::None;
        }
        match self.location.clone() {
            Some(Location::Buckets) => match self
                .buckets
                .selected_item()
                .map(|b| BucketName::parse(&b.name))
            {
                Some(Ok(bucket)) => {
                    self.trail.clear();
                    self.open_folder(bucket, String::new(), ids).into()
                }
                Some(Err(e)) => Outcome::Message(format!("bucket {}", e.message)),
                None => Outcome::None,
            },
            Some(Location::Folder { bucket, prefix }) => match self.entries.selected_item() {
                Some(ListingEntry::Prefix(p)) => {
                    let p = p.clone();
                    self.trail.push((prefix, self.entries.selected));
                    self.open_folder(bucket, p, ids).into()
                }
                Some(ListingEntry::Object(o)) => {
                    let key = o.key.clone();
                    self.open_object(bucket, key, ids).into()
                }
                None => Outcome::None,
            },
            None => Outcome::None,
        }
    }

    /// Sorts the loaded rows, keeping the selected row selected.
    fn resort(&mut self) {
        let selected = self.entries.selected_item().map(|e| e.name().to_string());
        self.entries.marked.clear();
        sort_entries(&mut self.entries.items, self.sort);
        if let Some(name) = selected
            && let Some(i) = self.entries.items.iter().position(|e| e.name() == name)
        {
            self.entries.selected = i;
        }
    }

    pub fn click(&mut self, row: usize, ids: &mut Ids) -> Outcome {
        if self.detail.is_some() || self.popup.is_some() {
            return Outcome::None;
        }
        let Some(i) = row.checked_sub(1) else {
            return Outcome::None;
        };
        match &self.location {
            Some(Location::Buckets) => {
                self.buckets.select(self.buckets.offset + i);
                Outcome::None
            }
            _ => {
                self.entries.select(self.entries.offset + i);
                self.more(ids).into()
            }
        }
    }

    pub fn on_event(&mut self, event: StorageEvent, ids: &mut Ids) -> Handled {
        match event {
            StorageEvent::BucketsListed { request, result } => {
                let failure = result.as_ref().err().cloned();
                let page = result.map(|items| Page { items, next: None });
                if !self.buckets.receive(request, page.map_err(|f| f.message)) {
                    return (Outcome::None, None);
                }
                (
                    Outcome::None,
                    failure.map(|f| ("listing buckets".to_string(), f)),
                )
            }
            StorageEvent::Listed { request, result } => {
                let failure = result.as_ref().err().cloned();
                if !self.entries.receive(request, result.map_err(|f| f.message)) {
                    return (Outcome::None, None);
                }
                if self.sort != SortKey::Name {
                    self.resort();
                }
                (
                    self.more(ids).into(),
                    failure.map(|f| ("listing objects".to_string(), f)),
                )
            }
            StorageEvent::Inspected { request, result } => {
                let Some(d) = self
                    .detail
                    .as_mut()
                    .filter(|d| d.info_request == Some(request))
                else {
                    return (Outcome::None, None);
                };
                d.info_request = None;
                match result {
                    Ok(detail) => {
                        let outcome = if std::mem::take(&mut d.delete_when_inspected) {
                            self.deleting = Some(d.key.clone());
                            delete_one(&d.bucket, &detail)
                        } else {
                            Outcome::None
                        };
                        d.info = Part::Ready(detail);
                        (outcome, None)
                    }
                    Err(f) => {
                        d.info = Part::Failed(f.message.clone());
                        d.delete_when_inspected = false;
                        (Outcome::None, Some(("reading the object".to_string(), f)))
                    }
                }
            }
            StorageEvent::Previewed { request, result } => {
                let Some(d) = self
                    .detail
                    .as_mut()
                    .filter(|d| d.preview_request == Some(request))
                else {
                    return (Outcome::None, None);
                };
                d.preview_request = None;
                d.preview = match result {
                    Ok(p) => Part::Ready(p),
                    // A preview that cannot be made is shown in its place, not as an error.
                    Err(f) => Part::Failed(f.message),
                };
                (Outcome::None, None)
            }
            StorageEvent::Shared { request, result } => {
                if self.popup != Some(Popup::LinkLoading(request)) {
                    return (Outcome::None, None);
                }
                self.popup = None;
                match result {
                    Ok(link) => {
                        self.clipboard = Some(link.url.clone());
                        self.popup = Some(Popup::Link {
                            key: self.selected_key().unwrap_or_default().to_string(),
                            request: link,
                        });
                        (Outcome::None, None)
                    }
                    Err(f) => (Outcome::None, Some(("making the link".to_string(), f))),
                }
            }
            StorageEvent::Progress {
                request,
                done,
                total,
            } => {
                if let Some(t) = self.transfer.as_mut().filter(|t| t.request == request) {
                    t.done = done;
                    t.total = total;
                }
                (Outcome::None, None)
            }
            StorageEvent::Downloaded { request, result } => {
                let Some(t) = self.transfer.as_mut().filter(|t| t.request == request) else {
                    return (Outcome::None, None);
                };
                match result {
                    Ok(path) => {
                        t.state = TransferState::Finished;
                        t.done = t.total;
                        // Where it was saved: a folder typed gets the object's name.
                        t.path = path.clone();
                        (
                            Outcome::Message(format!(
                                "downloaded {} to {}",
                                base_name(&t.key),
                                path.display()
                            )),
                            None,
                        )
                    }
                    Err(f) => {
                        t.state = TransferState::Failed(f.message.clone());
                        (Outcome::None, Some(("downloading".to_string(), f)))
                    }
                }
            }
        }
    }
}

/// The delete dialog for one object, with its versions.
fn delete_one(bucket: &BucketName, detail: &ObjectDetail) -> Outcome {
    let e = &detail.entry;
    let mut changes = vec![format!(
        "s3://{bucket}/{} ({}, {}): deleted",
        e.key,
        human_size(e.size),
        e.etag.as_deref().unwrap_or("no ETag")
    )];
    match &detail.versions {
        Versions::Listed(v) if detail.versions.versioned() => {
            changes.push(format!(
                "versioned bucket: a delete marker is added; these {} version(s) stay:",
                v.len()
            ));
            for v in v.iter().take(8) {
                changes.push(format!(
                    "  {}{} · {} · {}",
                    v.version_id,
                    if v.is_latest { " (latest)" } else { "" },
                    if v.is_delete_marker {
                        "delete marker".to_string()
                    } else {
                        human_size(v.size)
                    },
                    v.last_modified
                        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_default()
                ));
            }
        }
        Versions::Listed(_) => {
            changes.push("the bucket keeps no versions: this cannot be undone".into())
        }
        Versions::Unavailable(why) => changes.push(format!("versions: {why}")),
    }
    Outcome::Propose(Proposal {
        verb: format!("delete {}", base_name(&e.key)),
        title: "Delete an object".into(),
        changes,
        form: Form::Ready(Write::Storage(StorageWrite::Delete {
            bucket: bucket.clone(),
            keys: vec![e.key.clone()],
        })),
        type_to_confirm: None,
        reasons: STORAGE_REASONS,
    })
}

/// `~/x` → the home folder's `x`; other paths as typed.
fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

#[cfg(test)]
pub(crate) mod flows;
#[cfg(test)]
mod on_the_sandbox;

#[cfg(test)]
mod units {
    use super::*;

    #[test]
    fn owners_are_read_from_profile_post_and_thumbnail_keys() {
        let sub = "00000000-0000-4000-8000-000000000001";
        for key in [
            format!("profiles/{sub}/avatar.png"),
            format!("posts/{sub}/1.jpg"),
            format!("posts/{sub}/"),
            format!("thumbs/256/posts/{sub}/1.jpg"),
        ] {
            assert_eq!(
                owner_of(&key).map(|s| s.to_string()),
                Some(sub.to_string()),
                "{key}"
            );
        }
        for key in [
            "posts/",
            "posts/not-a-sub/1.jpg",
            "other/x",
            "",
            "thumbs/",
            "/",
        ] {
            assert_eq!(owner_of(key), None, "{key}");
        }
    }

    #[test]
    fn parents_and_names_of_keys() {
        assert_eq!(parent_of("posts/a/1.png"), "posts/a/");
        assert_eq!(parent_of("posts/a/"), "posts/");
        assert_eq!(parent_of("top.txt"), "");
        assert_eq!(base_name("posts/a/1.png"), "1.png");
        assert_eq!(base_name("posts/a/"), "a");
    }

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(3 * 1024 * 1024), "3.0 MiB");
        assert_eq!(human_size(u64::MAX), "16384.0 PiB");
    }
}
