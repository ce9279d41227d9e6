//! An open object: its HEAD and versions, its preview (and the terminal image made from it on
//! the first frame that shows it), and the delete dialog built from what was read.

use super::base_name;
use super::types::{ObjectDetail, Part, Preview, STORAGE_REASONS, Versions};
use crate::app::Outcome;
use crate::app::RequestId;
use crate::app::dialog::{Form, Proposal};
use crate::ops::Operation;
use crate::text::human_size;
use backoffice_domain::model::BucketName;

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
    /// First row of a text preview shown (`J` / `K`); the drawing holds it to the text.
    pub preview_scroll: u16,
    /// The rows the text preview showed in the last frame (for `J` / `K`'s step).
    pub preview_rows: u16,
    pub image: ImageCache,
    pub(super) info_request: Option<RequestId>,
    pub(super) preview_request: Option<RequestId>,
    /// Delete was asked for before the versions had arrived; propose it when they do.
    pub(super) delete_when_inspected: bool,
    /// Opened by a delete from the list, to show the versions beside its dialog: it closes
    /// with the dialog, back to the list.
    pub(super) only_for_delete: bool,
}

impl ObjectView {
    pub(super) fn new(
        bucket: BucketName,
        key: String,
        info: RequestId,
        preview: RequestId,
    ) -> Self {
        Self {
            bucket,
            key,
            info: Part::Loading,
            preview: Part::Loading,
            scroll: 0,
            preview_scroll: 0,
            preview_rows: 0,
            image: ImageCache::default(),
            info_request: Some(info),
            preview_request: Some(preview),
            delete_when_inspected: false,
            only_for_delete: false,
        }
    }

    pub(super) fn pending(&self) -> usize {
        usize::from(self.info_request.is_some()) + usize::from(self.preview_request.is_some())
    }
}

/// The delete dialog for one object, with its versions.
pub(super) fn delete_one(bucket: &BucketName, detail: &ObjectDetail) -> Outcome {
    let e = &detail.entry;
    // What the bucket leaves goes under the changes, always in view.
    let mut after = Vec::new();
    let mut changes = vec![format!(
        "s3://{bucket}/{} ({}, {}): deleted",
        crate::text::key(&e.key),
        human_size(e.size),
        e.etag.as_deref().unwrap_or("no ETag")
    )];
    match &detail.versions {
        Versions::Listed(v) if detail.versions.versioned() => {
            changes.push(format!(
                "versioned bucket: a delete marker is added; {} stay:",
                match v.len() {
                    1 => "this 1 version".to_string(),
                    n => format!("these {n} versions"),
                }
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
            after.push("the bucket keeps no versions: this cannot be undone".into())
        }
        Versions::Unavailable(why) => after.push(format!("versions: {why}")),
    }
    // What points at it: a post's or a profile's image gone shows as missing, and its
    // thumbnails are not deleted with it.
    if detail.uses.referenced == Some(true) {
        changes.push(
            "a post or a profile points at it: it will show a missing image (reconcile lists it)"
                .into(),
        );
    }
    match detail.uses.thumbnails.as_slice() {
        [] => {}
        [one] => changes.push(format!(
            "its thumbnail stays: {} (delete it from its folder)",
            crate::text::key(one)
        )),
        many => changes.push(format!(
            "its {} thumbnails stay, under thumbs/ (delete them from their folders)",
            many.len()
        )),
    }
    Outcome::Propose(Proposal {
        verb: format!("delete {}", base_name(&e.key)),
        title: "Delete an object".into(),
        changes,
        form: Form::Ready(Operation::DeleteObjects {
            bucket: bucket.clone(),
            keys: vec![e.key.clone()],
            unaudited: false,
            seen: [(
                e.key.clone(),
                backoffice_domain::services::storage::Seen::of(e),
            )]
            .into(),
        }),
        type_to_confirm: None,
        after,
        reasons: STORAGE_REASONS,
    })
}
