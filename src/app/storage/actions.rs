//! The Storage pane's keys: moving, opening, sorting, and what a key asks to write (a delete's
//! dialog, a download or upload form, a link).

use super::detail::delete_one;
use super::{
    BulkDelete, LINK_LIFETIME, Location, Part, Popup, Prompt, STORAGE_REASONS, StorageCommand,
    StoragePane, Transfer, TransferState,
};
use crate::app::dialog::{Form, Proposal};
use crate::app::{Command, Ids, Outcome, Pane};
use crate::keymap::Action;
use crate::ops::Operation;
use crate::text::human_size;
use backoffice_domain::model::{BucketName, BucketVersioning, ListingEntry, ObjectEntry};
use backoffice_domain::services::storage::Seen;

impl StoragePane {
    /// The objects a delete applies to: the marked rows (else the selected one). Folders are
    /// never deleted from here.
    pub(super) fn delete_targets(&self) -> Vec<&ObjectEntry> {
        self.entries
            .targets()
            .into_iter()
            .filter_map(|e| match e {
                ListingEntry::Object(o) => Some(o),
                ListingEntry::Prefix(_) => None,
            })
            .collect()
    }

    pub(super) fn propose_delete(&mut self, ids: &mut Ids) -> Outcome {
        let Some(bucket) = self.bucket().cloned() else {
            return Outcome::Message("open a bucket first".into());
        };
        // Refused before the versions are read or anything is asked.
        if self.unaudited && !self.read_only {
            return Outcome::Message(crate::ops::UNAUDITED_DELETE.into());
        }
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
        let targets: Vec<(String, Seen)> = self
            .delete_targets()
            .into_iter()
            .map(|o| (o.key.clone(), Seen::of(o)))
            .collect();
        match targets.as_slice() {
            [] => Outcome::Message("no object selected (folders are not deleted from here)".into()),
            [(key, _)] => {
                // One object: read its versions first, so the dialog can show them.
                let key = key.clone();
                let c = self.open_object(bucket, key, ids);
                if let Some(d) = &mut self.detail {
                    d.delete_when_inspected = true;
                    d.only_for_delete = true;
                }
                c.into()
            }
            many if self.read_only => {
                // Refused at the proposal with the sentence every write gets; nothing is read.
                delete_many(bucket, many, Err("not read".into()), None)
            }
            many => {
                // The dialog says what stays once the bucket's versioning is read.
                let request = ids.issue();
                self.bulk_delete = Some(BulkDelete {
                    request,
                    bucket: bucket.clone(),
                    targets: many.to_vec(),
                    abandoned: false,
                });
                Outcome::Reading {
                    commands: vec![Command::Storage(StorageCommand::Versioning {
                        request,
                        bucket,
                        keys: many.iter().map(|(k, _)| k.clone()).collect(),
                    })],
                    message: "reading whether the bucket keeps versions and what points at \
                              the objects…"
                        .into(),
                }
            }
        }
    }
}

/// The dialog of a delete of several objects, saying what the bucket's versioning leaves (both
/// outcomes, the lasting one last, where it could not be read).
/// What a delete leaves behind, by the bucket's versioning (read, or why it could not be).
pub(crate) fn after_delete(versioning: Result<BucketVersioning, String>) -> String {
    match versioning {
        Ok(BucketVersioning::Enabled) => {
            "versioned bucket: each gets a delete marker; its versions stay".into()
        }
        Ok(BucketVersioning::Suspended) => "versioning suspended: each gets a delete marker \
             and its unversioned copy is gone for good; versions kept before stay"
            .into(),
        Ok(BucketVersioning::Off) => "the bucket keeps no versions: this cannot be undone".into(),
        Err(why) => format!(
            "whether the bucket keeps versions could not be read ({why}): if it does, each \
             gets a delete marker and its versions stay; if not, this cannot be undone"
        ),
    }
}

pub(super) fn delete_many(
    bucket: BucketName,
    targets: &[(String, Seen)],
    versioning: Result<BucketVersioning, String>,
    referenced: Option<Vec<String>>,
) -> Outcome {
    let pointed_at = |k: &String| referenced.as_ref().is_some_and(|r| r.contains(k));
    let changes: Vec<String> = targets
        .iter()
        .map(|(k, seen)| {
            format!(
                "s3://{bucket}/{} ({}): deleted{}",
                crate::text::key(k),
                human_size(seen.size),
                if pointed_at(k) {
                    "; a post or a profile points at it"
                } else {
                    ""
                }
            )
        })
        .collect();
    // As the one object's dialog says it (several said nothing of what pointed at them).
    let mut after = Vec::new();
    match &referenced {
        Some(r) if !r.is_empty() => after.push(format!(
            "{} of {} {} pointed at by a post or a profile: {} will show a missing image \
             (reconcile lists {})",
            r.len(),
            targets.len(),
            if r.len() == 1 { "is" } else { "are" },
            if r.len() == 1 { "it" } else { "they" },
            if r.len() == 1 { "it" } else { "them" },
        )),
        Some(_) => {}
        None => after.push(
            "whether a post or a profile points at them could not be read: one that does \
             will show a missing image"
                .into(),
        ),
    }
    after.push(after_delete(versioning));
    Outcome::Propose(Proposal {
        verb: format!("delete {} objects", targets.len()),
        title: format!("Delete {} objects", targets.len()),
        changes,
        form: Form::Ready(Operation::DeleteObjects {
            bucket,
            keys: targets.iter().map(|(k, _)| k.clone()).collect(),
            unaudited: false,
            seen: targets.iter().cloned().collect(),
        }),
        type_to_confirm: None,
        after,
        reasons: STORAGE_REASONS,
    })
}

impl StoragePane {
    pub(super) fn act(&mut self, action: Action, ids: &mut Ids) -> Outcome {
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
                // The details' end (the drawing holds it there); it moved the folder's
                // selection behind the detail, and `esc` came back to another row.
                Action::Bottom => {
                    d.scroll = u16::MAX;
                    return Outcome::None;
                }
                Action::HalfPageDown | Action::PageDown => {
                    d.scroll = d
                        .scroll
                        .saturating_add(crate::app::detail_step(d.preview_rows));
                    return Outcome::None;
                }
                Action::HalfPageUp | Action::PageUp => {
                    d.scroll = d
                        .scroll
                        .saturating_sub(crate::app::detail_step(d.preview_rows));
                    return Outcome::None;
                }
                Action::DetailDown => {
                    d.preview_scroll = d
                        .preview_scroll
                        .saturating_add(crate::app::detail_step(d.preview_rows));
                    return Outcome::None;
                }
                Action::DetailUp => {
                    d.preview_scroll = d
                        .preview_scroll
                        .saturating_sub(crate::app::detail_step(d.preview_rows));
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
            Action::Reload => Pane::refresh(self, ids).into(),
            Action::Back => self.go_up(ids),
            Action::Mark if self.detail.is_none() && self.bucket().is_some() => {
                self.entries.toggle_mark();
                self.more(ids).into()
            }
            Action::Enter => self.enter(ids),
            // The folder behind an open object is not on screen: sorting it would show nothing.
            Action::SortObjects if self.detail.is_some() => {
                Outcome::Message("esc back to the folder to sort it".into())
            }
            Action::SortObjects => {
                if self.bucket().is_none() {
                    return Outcome::Message("sorting applies to a folder's objects".into());
                }
                self.sort = self.sort.next();
                self.reversed = false;
                self.sorted()
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
                    self.popup = Some(Popup::Prompt(Prompt::download(bucket, key)));
                    Outcome::None
                }
                _ => Outcome::Message("select an object to download".into()),
            },
            Action::UploadObject | Action::CopyLink if self.read_only => Outcome::Message(format!(
                "read-only session, so nothing was changed: {}",
                if action == Action::CopyLink {
                    "a link (recorded in the audit log)"
                } else {
                    "an upload"
                }
            )),
            Action::UploadObject => match &self.location {
                Some(Location::Folder { bucket, prefix }) => {
                    self.popup = Some(Popup::Prompt(Prompt::upload(bucket.clone(), prefix)));
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

    pub(super) fn enter(&mut self, ids: &mut Ids) -> Outcome {
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
                    self.trail.push((prefix, self.filter_text.clone()));
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
}
