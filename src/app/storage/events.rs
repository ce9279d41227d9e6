//! What comes back to the Storage pane: buckets and folder pages, an object's HEAD and
//! preview, a link, a download's progress and end.

use super::actions::delete_many;
use super::detail::delete_one;
use super::{Part, Popup, Prompt, SortKey, StorageEvent, StoragePane, TransferState, base_name};
use crate::app::{Handled, Ids, Outcome};
use backoffice_domain::model::{ListingEntry, Page};

/// How many rows of a parent folder are read looking for the folder just left before it is
/// given up (the top row is selected then).
const RESELECT_WITHIN: usize = 10_000;

impl StoragePane {
    /// Selects the folder just left once its row is in; reads on while it is not.
    fn find_reselected(&mut self, failed: bool) {
        let Some(wanted) = self.reselect.clone() else {
            return;
        };
        let at = self.entries.items.iter().position(|e| match e {
            ListingEntry::Prefix(p) => *p == wanted,
            ListingEntry::Object(o) => o.key == wanted,
        });
        match at {
            Some(i) => {
                self.reselect = None;
                self.entries.select(i);
            }
            None if !failed
                && self.entries.next.is_some()
                && self.entries.items.len() < RESELECT_WITHIN =>
            {
                // Not in yet: the last row asks for the next page.
                let last = self.entries.items.len().saturating_sub(1);
                self.entries.select(last);
            }
            None => {
                self.reselect = None;
                self.entries.select(0);
            }
        }
    }

    pub(super) fn on_storage_event(&mut self, event: StorageEvent, ids: &mut Ids) -> Handled {
        match event {
            StorageEvent::BucketsListed { request, result } => {
                let failure = result.as_ref().err().cloned();
                let page = result.map(|items| Page::new(items, None));
                if !self.buckets.receive(request, page) {
                    return (Outcome::None, None);
                }
                (
                    Outcome::None,
                    failure.map(|f| ("listing buckets".to_string(), f)),
                )
            }
            StorageEvent::Listed { request, result } => {
                let failure = result.as_ref().err().cloned();
                let fresh = self.entries.items.is_empty();
                if !self.entries.receive(request, result) {
                    return (Outcome::None, None);
                }
                if self.sort != SortKey::Name || self.reversed {
                    // A folder's first page opens on the top of its order (the first row in
                    // key order had kept the selection, at the bottom of a largest-first list);
                    // a place a refresh holds is a row number and stays.
                    let at_top = fresh && self.entries.selected == 0;
                    self.resort();
                    if at_top {
                        self.entries.select(0);
                    }
                }
                self.find_reselected(failure.is_some());
                self.entries
                    .reselect_marking(super::entry_key, super::mark_key);
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
                        d.info = Part::Failed(f.clone());
                        d.delete_when_inspected = false;
                        (Outcome::None, Some(("reading the object".to_string(), f)))
                    }
                }
            }
            StorageEvent::VersioningRead {
                request,
                result,
                referenced,
            } => {
                let Some(bulk) = self.bulk_delete.take_if(|b| b.request == request) else {
                    return (Outcome::None, None);
                };
                if bulk.abandoned {
                    return (
                        Outcome::Message(format!(
                            "the delete of {} objects was dropped: the folder was left before the bucket's versioning was read",
                            bulk.targets.len()
                        )),
                        None,
                    );
                }
                // A role that may not read it still gets the dialog, hedged.
                let versioning = result.map_err(|f| f.message);
                (
                    delete_many(bulk.bucket, &bulk.targets, versioning, referenced),
                    None,
                )
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
                    Err(f) => Part::Failed(f),
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
                        let url = link.url.clone();
                        self.popup = Some(Popup::Link {
                            key: self.selected_key().unwrap_or_default().to_string(),
                            request: link,
                        });
                        (Outcome::Clipboard(url), None)
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
                            Outcome::Settled {
                                message: format!(
                                    "downloaded {} to {}",
                                    crate::text::key(base_name(&t.key)),
                                    crate::text::one_line(&path.display().to_string())
                                ),
                                what: "downloading",
                            },
                            None,
                        )
                    }
                    Err(f) => {
                        t.state = TransferState::Failed(f.message.clone());
                        // The prompt comes back with the path as typed, to mend it (a file
                        // that exists, a folder that does not) rather than start over. It says
                        // what went wrong, alone: the transfer's bar and the status bar said it
                        // as well, three times in one screen.
                        if self.popup.is_none() {
                            let mut prompt = Prompt::download(t.bucket.clone(), t.key.clone());
                            prompt.path.set_text(&t.path.display().to_string());
                            prompt.problem = Some(f.message.clone());
                            self.popup = Some(Popup::Prompt(prompt));
                            tracing::warn!(error = %f.chain, "download failed");
                            self.transfer = None;
                            return (Outcome::None, None);
                        }
                        (Outcome::None, Some(("downloading".to_string(), f)))
                    }
                }
            }
        }
    }
}
