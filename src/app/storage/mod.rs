//! The Storage pane: buckets, then a bucket as folders by prefix, paged as the selection nears
//! the end; `/` narrows the open folder (S3's prefix is the folder and the text, so it stays
//! one request a page); an object's detail (HEAD, versions) with a preview of its first bytes
//! or its thumbnail; download with progress, upload, delete, a presigned link, and jumps to the
//! user an object belongs to. Synchronous like every pane: the work runs in `exec::storage`.

mod actions;
pub(crate) use actions::after_delete;
mod detail;
mod events;
mod transfer;
mod types;

pub use detail::{ImageCache, ObjectView};
pub use transfer::{Popup, Prompt, PromptKind, Transfer, TransferState, local_name};
pub use types::*;

use super::list::{List, Load};
use super::{
    AppEvent, Command, FormKey, FormView, Handled, Ids, Outcome, Pane, Problem, RequestId,
};
use crate::input::TextInput;
use crate::keymap::Action;
use crate::ui::Look;
use backoffice_domain::model::{BucketInfo, BucketName, ListingEntry, UserSub};
use backoffice_domain::services::user360::Who;

#[derive(Debug, Default)]
pub struct StoragePane {
    /// The environment's media bucket, opened first.
    pub home: Option<BucketName>,
    /// No uploads, deletes or links (a link writes an audit row).
    pub read_only: bool,
    /// The environment names no database: a delete could not be audited, so it is refused.
    pub unaudited: bool,
    pub location: Option<Location>,
    pub buckets: List<BucketInfo>,
    pub entries: List<ListingEntry>,
    pub sort: SortKey,
    /// The sort's order turned round (a second click on the same header).
    pub reversed: bool,
    pub detail: Option<ObjectView>,
    pub popup: Option<Popup>,
    pub transfer: Option<Transfer>,
    /// The `/` text: narrows the open folder (or, on the bucket list, the buckets' names).
    pub filter_text: String,
    /// Where opening a folder left from (folder, its narrowing), restored on the way back.
    trail: Vec<(String, String)>,
    /// The object a delete dialog was opened for: not reopened when the folder is refreshed.
    deleting: Option<String>,
    /// A delete of several objects waiting for the bucket's versioning, to say in its dialog
    /// what stays.
    bulk_delete: Option<BulkDelete>,
    /// The folder just left upwards, to select in its parent as the pages arrive (also when
    /// it was opened by a jump, `:storage a/b/c/`, with no trail to follow); or the object
    /// opened from another pane (`i`), in its folder.
    reselect: Option<String>,
    /// The folder of the home bucket the pane opens on the first time (after `:env`, the one
    /// that was open); its top otherwise.
    pub opening: Option<String>,
    /// How images reach the terminal; `None` draws half-blocks. Set once at start-up from the
    /// terminal's answer.
    pub picker: Option<ratatui_image::picker::Picker>,
}

/// The marked objects of a bulk delete, asked once the bucket's versioning is read.
#[derive(Debug, Clone)]
struct BulkDelete {
    request: RequestId,
    bucket: BucketName,
    /// Each object's key, and the object as listed.
    targets: Vec<(String, backoffice_domain::services::storage::Seen)>,
    /// The folder was left before the answer: the delete is dropped, and the answer says so.
    abandoned: bool,
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

/// An entry's identity (its key, a folder's prefix), to select it again after a read.
fn entry_key(e: &ListingEntry) -> String {
    match e {
        ListingEntry::Prefix(p) => format!("prefix:{p}"),
        ListingEntry::Object(o) => format!("object:{}", o.key),
    }
}

/// A mark is on the object as it was marked: one replaced since (another size or ETag: a
/// delete kept it as replaced since shown) is not marked again when the folder is read
/// again, so the next `X` does not take in the newer object unseen.
fn mark_key(e: &ListingEntry) -> String {
    match e {
        ListingEntry::Object(o) => format!(
            "{}\u{0}{}\u{0}{}",
            entry_key(e),
            o.size,
            o.etag.as_deref().unwrap_or_default()
        ),
        ListingEntry::Prefix(_) => entry_key(e),
    }
}

fn sort_entries(items: &mut [ListingEntry], key: SortKey, reversed: bool) {
    use std::cmp::Ordering;
    fn object(e: &ListingEntry) -> Option<&backoffice_domain::model::ObjectEntry> {
        match e {
            ListingEntry::Object(o) => Some(o),
            ListingEntry::Prefix(_) => None,
        }
    }
    let by = |a: &ListingEntry, b: &ListingEntry| match (key, object(a), object(b)) {
        (SortKey::Name, _, _) => a.name().cmp(b.name()),
        (SortKey::Size, Some(x), Some(y)) => y.size.cmp(&x.size),
        (SortKey::Date, Some(x), Some(y)) => y.last_modified.cmp(&x.last_modified),
        _ => Ordering::Equal,
    };
    items.sort_by(|a, b| {
        // By size or date, folders last either way round: they have neither.
        let folders_last = if key == SortKey::Name {
            Ordering::Equal
        } else {
            object(b).is_some().cmp(&object(a).is_some())
        };
        folders_last.then_with(|| if reversed { by(b, a) } else { by(a, b) })
    });
}

/// The Storage pane's own actions, for help.
const STORAGE_ACTIONS: [Action; 7] = [
    Action::SortObjects,
    Action::DownloadObject,
    Action::UploadObject,
    Action::DeleteObject,
    Action::CopyLink,
    Action::OpenOwner,
    Action::Mark,
];

impl StoragePane {
    /// The bucket open in the pane, if any.
    pub fn bucket(&self) -> Option<&BucketName> {
        match &self.location {
            Some(Location::Folder { bucket, .. }) => Some(bucket),
            _ => None,
        }
    }

    /// The folder of the home bucket open, where one below its top is (an environment
    /// switched to opens the same folder of its own bucket).
    pub fn home_folder(&self) -> Option<&str> {
        match &self.location {
            Some(Location::Folder { bucket, prefix })
                if Some(bucket) == self.home.as_ref() && !prefix.is_empty() =>
            {
                Some(prefix)
            }
            _ => None,
        }
    }

    /// The prefix listed: the open folder, narrowed by the `/` text.
    pub fn listed_prefix(&self) -> Option<String> {
        match &self.location {
            Some(Location::Folder { prefix, .. }) => Some(format!("{prefix}{}", self.filter_text)),
            _ => None,
        }
    }

    /// Every bucket the credentials can list.
    pub fn show_buckets(&mut self, ids: &mut Ids) -> Vec<Command> {
        self.location = Some(Location::Buckets);
        self.detail = None;
        self.filter_text.clear();
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

    /// Opens `prefix` of `bucket` (no narrowing) from its first page.
    pub fn open_folder(
        &mut self,
        bucket: BucketName,
        prefix: String,
        ids: &mut Ids,
    ) -> Vec<Command> {
        self.filter_text.clear();
        self.location = Some(Location::Folder { bucket, prefix });
        self.list_folder(ids)
    }

    /// Lists the open folder (narrowed by the `/` text) from its first page.
    fn list_folder(&mut self, ids: &mut Ids) -> Vec<Command> {
        let (Some(bucket), Some(prefix)) = (self.bucket().cloned(), self.listed_prefix()) else {
            return Vec::new();
        };
        self.detail = None;
        // A transfer that has ended is not carried from folder to folder (a failed one stayed
        // on every pane, taking a row): its outcome is in the error log or was toasted.
        if self
            .transfer
            .as_ref()
            .is_some_and(|t| t.state != TransferState::Running)
        {
            self.transfer = None;
        }
        let request = ids.issue();
        self.entries.restart(request);
        self.reselect = None;
        // Its dialog would be about rows no longer on screen: dropped, said when the answer
        // comes (the "reading…" message stayed with nothing after it).
        if let Some(b) = &mut self.bulk_delete {
            b.abandoned = true;
        }
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
        // The folder behind the object has it selected: `esc` back to the listing left the
        // first row selected, and the next `X` or `w` acted on an object no one chose.
        self.reselect = Some(key.clone());
        c.extend(self.open_object(bucket, key, ids));
        c.into()
    }

    fn open_object(&mut self, bucket: BucketName, key: String, ids: &mut Ids) -> Vec<Command> {
        let info = ids.issue();
        let preview = ids.issue();
        self.detail = Some(ObjectView::new(bucket.clone(), key.clone(), info, preview));
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

    /// `:storage PREFIX`: an absolute jump to a folder of the open (else the environment's)
    /// bucket; `s3://bucket/prefix` or a bucket's name opens another bucket.
    pub fn jump_to(&mut self, target: &str, ids: &mut Ids) -> Result<Vec<Command>, Problem> {
        let target = target.trim();
        if target.chars().any(char::is_control) {
            return Err(Problem::from("a prefix has no control characters"));
        }
        let (bucket, prefix) = if let Some(rest) = target.strip_prefix("s3://") {
            let (b, p) = rest.split_once('/').unwrap_or((rest, ""));
            (BucketName::parse(b)?, p.to_string())
        } else {
            // From the bucket list a bucket is named (`bucket` or `bucket/prefix`) where the
            // list holds it; elsewhere (or where it holds no such bucket: `:storage docs/`
            // typed in another pane after Storage was left on its bucket list) a folder of the
            // open bucket, else of the environment's.
            let first = target.split('/').next().unwrap_or_default();
            let listed = self.buckets.items.iter().any(|b| b.name.as_str() == first);
            let open = match self.location {
                Some(Location::Buckets) if listed || self.home.is_none() => None,
                Some(Location::Buckets) => self.home.clone(),
                _ => self.bucket().cloned().or_else(|| self.home.clone()),
            };
            match open {
                Some(b) => (b, target.trim_start_matches('/').to_string()),
                None => {
                    let (b, p) = target.split_once('/').unwrap_or((target, ""));
                    (BucketName::parse(b)?, p.to_string())
                }
            }
        };
        self.trail.clear();
        // A prefix that does not end a folder (`weird/inv`) opens its folder narrowed by the
        // rest, so names show whole (listed under `weird/inv` they lost their first letters).
        let (folder, narrowed) = match prefix.rfind('/') {
            _ if prefix.is_empty() || prefix.ends_with('/') => (prefix, String::new()),
            Some(at) => (prefix[..=at].to_string(), prefix[at + 1..].to_string()),
            None => (String::new(), prefix),
        };
        self.location = Some(Location::Folder {
            bucket,
            prefix: folder,
        });
        self.filter_text = narrowed;
        Ok(self.list_folder(ids))
    }

    fn more(&mut self, ids: &mut Ids) -> Vec<Command> {
        let (Some(bucket), Some(prefix)) = (self.bucket().cloned(), self.listed_prefix()) else {
            return Vec::new();
        };
        match self.entries.wants_more() {
            Some(cursor) => {
                let request = ids.issue();
                self.entries.expect(request);
                vec![Command::Storage(StorageCommand::List {
                    request,
                    bucket,
                    prefix,
                    cursor: Some(cursor),
                })]
            }
            None => Vec::new(),
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
            // Narrowed: back to the whole folder first.
            Some(Location::Folder { .. }) if !self.filter_text.is_empty() => {
                self.filter_text.clear();
                self.list_folder(ids).into()
            }
            Some(Location::Folder { bucket, prefix }) if !prefix.is_empty() => {
                let parent = parent_of(&prefix);
                let restore = match self.trail.last() {
                    Some((p, _)) if *p == parent => self.trail.pop(),
                    _ => None,
                };
                self.filter_text.clear();
                self.location = Some(Location::Folder {
                    bucket,
                    prefix: parent,
                });
                // The parent as it was left: narrowed the same way, the folder just left
                // selected (found by name as the pages arrive).
                if let Some((_, narrowed)) = &restore {
                    self.filter_text = narrowed.clone();
                }
                let c = self.list_folder(ids);
                self.reselect = Some(prefix);
                c.into()
            }
            Some(Location::Folder { .. }) => {
                self.trail.clear();
                self.show_buckets(ids).into()
            }
            Some(Location::Buckets) if !self.filter_text.is_empty() => {
                self.filter_text.clear();
                Outcome::None
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
                self.reselect = None;
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

    /// Sorts the loaded rows, keeping the selected row selected.
    /// The loaded rows in the new order, from its top (the selection kept its row halfway
    /// down, and the list looked unsorted), and what the order is.
    pub(super) fn sorted(&mut self) -> Outcome {
        self.resort();
        self.entries.select(0);
        self.entries.offset = 0;
        let scope = if self.entries.next.is_some() {
            " (the rows loaded so far; more pages remain)"
        } else {
            ""
        };
        Outcome::Message(format!(
            "sorted by {}{scope}",
            self.sort.label(self.reversed)
        ))
    }

    fn resort(&mut self) {
        let selected = self.entries.selected_item().map(|e| e.name().to_string());
        self.entries.marked.clear();
        sort_entries(&mut self.entries.items, self.sort, self.reversed);
        if let Some(name) = selected
            && let Some(i) = self.entries.items.iter().position(|e| e.name() == name)
        {
            self.entries.selected = i;
        }
    }
}

impl Pane for StoragePane {
    fn clear_marks(&mut self) {
        self.entries.marked.clear();
    }

    /// The home bucket's top level the first time, else the bucket list.
    fn open(&mut self, ids: &mut Ids) -> Vec<Command> {
        if self.location.is_some() {
            return Vec::new();
        }
        match self.home.clone() {
            Some(bucket) => {
                let prefix = self.opening.take().unwrap_or_default();
                self.open_folder(bucket, prefix, ids)
            }
            None => self.show_buckets(ids),
        }
    }

    /// What is on screen, again, the selection and the open object kept.
    fn refresh(&mut self, ids: &mut Ids) -> Vec<Command> {
        match self.location.clone() {
            None => Vec::new(),
            Some(Location::Buckets) => self.reload_buckets(ids),
            Some(Location::Folder { .. }) => {
                let deleting = self.deleting.take();
                let detail = self
                    .detail
                    .take()
                    .filter(|d| Some(&d.key) != deleting.as_ref());
                // Back where it was once the rows are in: on the same entry where it is still
                // listed (a bulk delete left another object under the cursor).
                self.entries.hold_item_marking(entry_key, mark_key);
                let mut c = self.list_folder(ids);
                if let Some(d) = detail {
                    c.extend(self.open_object(d.bucket, d.key, ids));
                }
                c
            }
        }
    }

    fn on_action(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        self.act(action, ids)
    }

    fn dialog_cancelled(&mut self) {
        self.deleting = None;
        if self.detail.as_ref().is_some_and(|d| d.only_for_delete) {
            self.detail = None;
        }
    }

    fn on_event(&mut self, event: AppEvent, ids: &mut Ids) -> Handled {
        match event {
            AppEvent::Storage(e) => self.on_storage_event(e, ids),
            _ => (Outcome::None, None),
        }
    }

    fn click(&mut self, row: usize, column: u16, ids: &mut Ids) -> Outcome {
        if self.detail.is_some() || self.popup.is_some() {
            return Outcome::None;
        }
        let Some(i) = row.checked_sub(1) else {
            // A folder's name, size and modified headers sort its loaded rows.
            let key = match (&self.location, self.entries.column_at(column)) {
                (Some(Location::Folder { .. }), Some(0)) => SortKey::Name,
                (Some(Location::Folder { .. }), Some(2)) => SortKey::Size,
                (Some(Location::Folder { .. }), Some(3)) => SortKey::Date,
                (Some(Location::Folder { .. }), Some(_)) => {
                    return Outcome::Message("sort by name, size or modified".into());
                }
                _ => return Outcome::None,
            };
            // The same header again turns the order round, as in the other panes.
            self.reversed = key == self.sort && !self.reversed;
            self.sort = key;
            return self.sorted();
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

    fn filter_text(&self) -> &str {
        &self.filter_text
    }

    fn filter_hint(&self) -> &'static str {
        match self.location {
            Some(Location::Folder { .. }) => {
                "names in this folder starting with… · :storage PREFIX jumps elsewhere"
            }
            _ => "bucket names holding…",
        }
    }

    /// The folder of the home bucket and its narrowing, as one narrowing of the bucket's top
    /// (where the pane opens): the narrowing alone was applied to the top the next session,
    /// and a bucket of thousands of objects showed none. Another bucket's folder is not kept.
    fn saved_filter(&self) -> String {
        match &self.location {
            // The narrowing as the listing names it, so a leading space (`<U+0020>lead`) is
            // not trimmed when the view is applied.
            Some(Location::Folder { bucket, prefix }) if Some(bucket) == self.home.as_ref() => {
                format!("{prefix}{}", crate::text::key(&self.filter_text))
            }
            _ => String::new(),
        }
    }

    /// A saved view ([`Pane::saved_filter`]'s text) opens its folder of the home bucket (up to
    /// its last `/`) narrowed by the rest, wherever the pane stands (as a narrowing of the top,
    /// its rows read `bulk/item…` and `esc` went to the top).
    fn restore_filter(&mut self, text: &str, ids: &mut Ids) -> Result<Vec<Command>, Problem> {
        let text = text.trim();
        let (folder, narrowing) = match text.rfind('/') {
            Some(i) => text.split_at(i + 1),
            None => ("", text),
        };
        if let Some(bucket) = self.home.clone() {
            self.trail.clear();
            self.location = Some(Location::Folder {
                bucket,
                prefix: folder.to_string(),
            });
        }
        self.set_filter(narrowing, ids)
    }

    fn set_filter(&mut self, text: &str, ids: &mut Ids) -> Result<Vec<Command>, Problem> {
        if text.chars().any(char::is_control) {
            return Err(Problem::from("a prefix has no control characters"));
        }
        // As the listing names keys: `<U+0020>lead` is a key starting with a space (typed, the
        // space was trimmed away, and the form was taken as its own letters).
        let text = text.trim().trim_start_matches('/');
        let text = crate::text::from_identifier(text).unwrap_or_else(|| text.to_string());
        if text.chars().any(char::is_control) {
            return Err(Problem::from("a prefix has no control characters"));
        }
        match &self.location {
            Some(Location::Folder { .. }) => {
                self.filter_text = text;
                Ok(self.list_folder(ids))
            }
            // Not opened yet: narrow the environment's bucket's top level.
            None if self.home.is_some() => {
                self.location = self.home.clone().map(|bucket| Location::Folder {
                    bucket,
                    prefix: String::new(),
                });
                self.filter_text = text;
                Ok(self.list_folder(ids))
            }
            // The bucket list: the first bucket whose name holds the text.
            _ => {
                let first = self
                    .buckets
                    .items
                    .iter()
                    .position(|b| text.is_empty() || b.name.contains(text.as_str()));
                match first {
                    Some(i) => {
                        self.filter_text = text;
                        self.buckets.selected = i;
                        Ok(Vec::new())
                    }
                    None => Err(Problem(format!("no bucket's name holds '{text}'"))),
                }
            }
        }
    }

    fn form(&self) -> Option<FormView<'_>> {
        self.popup.as_ref().map(Popup::view)
    }

    fn form_input(&mut self) -> Option<&mut TextInput> {
        self.prompt_input()
    }

    fn on_form_key(&mut self, key: FormKey, ids: &mut Ids) -> Outcome {
        self.on_popup_key(key, ids)
    }

    fn selected_user(&self) -> Option<Who> {
        self.owner().map(Who::Sub)
    }

    fn export_source(&self) -> Result<crate::app::export::ExportSource, String> {
        match &self.location {
            Some(Location::Folder { bucket, prefix }) => {
                Ok(crate::app::export::ExportSource::Objects {
                    bucket: bucket.clone(),
                    prefix: format!("{prefix}{}", self.filter_text),
                })
            }
            _ => Err("open a bucket to export its listing".into()),
        }
    }

    fn selected_id(&self) -> Option<(&'static str, String)> {
        if let Some(key) = self.selected_key() {
            return Some(("object key", key.to_string()));
        }
        match self.location {
            Some(Location::Buckets) | None => self
                .buckets
                .selected_item()
                .map(|b| ("bucket", b.name.to_string())),
            Some(Location::Folder { .. }) => match self.entries.selected_item() {
                Some(ListingEntry::Prefix(p)) => Some(("prefix", p.clone())),
                _ => None,
            },
        }
    }

    fn console_target(&self) -> Option<crate::app::copy::ConsoleTarget> {
        let key = self.selected_key()?;
        match &self.location {
            Some(Location::Folder { bucket, .. }) => {
                Some(crate::app::copy::ConsoleTarget::Object {
                    bucket: bucket.to_string(),
                    key: key.to_string(),
                })
            }
            _ => None,
        }
    }

    /// The users `profiles/{sub}/` and `posts/{sub}/` entries on screen belong to.
    fn visible_subs(&self) -> Vec<UserSub> {
        self.entries
            .near_view()
            .filter_map(|e| match e {
                ListingEntry::Prefix(p) => owner_of(p),
                ListingEntry::Object(o) => owner_of(&o.key),
            })
            .collect()
    }

    /// The folder's keys; on an open object those that act on it, and `J`/`K` for its text
    /// preview.
    fn offers(&self) -> Vec<Action> {
        let mut a = STORAGE_ACTIONS.to_vec();
        if self.detail.is_some() {
            a.retain(|a| !matches!(a, Action::SortObjects | Action::Mark));
            a.extend([Action::DetailDown, Action::DetailUp]);
        }
        a
    }

    fn pending(&self) -> usize {
        usize::from(self.buckets.is_busy())
            + usize::from(self.entries.is_busy())
            + self.detail.as_ref().map_or(0, ObjectView::pending)
            + usize::from(matches!(self.popup, Some(Popup::LinkLoading(_))))
            + usize::from(self.bulk_delete.is_some())
            + usize::from(matches!(
                self.transfer,
                Some(Transfer {
                    state: TransferState::Running,
                    ..
                })
            ))
    }

    fn draw(
        &mut self,
        frame: &mut ratatui::Frame<'_>,
        area: ratatui::layout::Rect,
        look: &Look<'_>,
    ) {
        crate::ui::storage::draw(frame, area, self, look);
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
}
