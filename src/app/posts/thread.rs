//! A post's thread: the post, its comments oldest first, and the reports on what is selected.

use super::PostsPane;
use crate::app::list::{List, Load};
use crate::app::{Command, Failure, Handled, Ids, Outcome, RequestId};
use backoffice_domain::model::{
    Comment, ContentStatus, ModerationTarget, Page, Post, PostRevision, Report, UserSub,
};

/// A row of a thread: the post first, then its comments oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThreadRow {
    Post(Post),
    Comment(Comment),
}

impl ThreadRow {
    pub fn target(&self) -> ModerationTarget {
        match self {
            ThreadRow::Post(p) => ModerationTarget::Post(p.id),
            ThreadRow::Comment(c) => ModerationTarget::Comment(c.id),
        }
    }

    pub fn author(&self) -> &UserSub {
        match self {
            ThreadRow::Post(p) => &p.author_sub,
            ThreadRow::Comment(c) => &c.author_sub,
        }
    }

    pub fn status(&self) -> ContentStatus {
        match self {
            ThreadRow::Post(p) => p.status,
            ThreadRow::Comment(c) => c.status,
        }
    }
}

/// An open thread.
#[derive(Debug, Clone, Default)]
pub struct ThreadState {
    /// What was asked for (a post, or a comment whose post this is).
    pub target: Option<ModerationTarget>,
    pub rows: List<ThreadRow>,
    pub reports: Vec<Report>,
    /// What the post's edits replaced, newest first.
    pub history: Vec<PostRevision>,
    /// The detail's first line shown (`J`/`K`); back to the top when the selection moves.
    pub detail_scroll: u16,
    /// The rows the detail showed in the last frame (for `J` / `K`'s step).
    pub detail_rows: u16,
    /// The row selected when the thread was read again (after a write): selected again once
    /// its page is in, the pages read on until it is (a hide of comment 260 of a thread read
    /// 200 at a time left comment 200 selected).
    pub reselect: Option<ModerationTarget>,
}

/// What a thread request brings back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadData {
    pub post: Post,
    pub comments: Page<Comment>,
    pub reports: Vec<Report>,
    pub history: Vec<PostRevision>,
}

impl PostsPane {
    pub(super) fn open_thread(&mut self, target: ModerationTarget, ids: &mut Ids) -> Vec<Command> {
        let id = ids.issue();
        self.waiting = None;
        let keep = self.thread.take();
        let reselect = keep
            .as_ref()
            .and_then(|t| t.rows.selected_item())
            .map(ThreadRow::target);
        self.thread = Some(ThreadState {
            target: Some(target),
            rows: {
                let mut rows = List::default();
                rows.load = Load::Loading;
                rows.selected = keep.map(|t| t.rows.selected).unwrap_or(0);
                rows
            },
            reports: Vec::new(),
            history: Vec::new(),
            detail_scroll: 0,
            detail_rows: 0,
            reselect,
        });
        self.thread_request = Some(id);
        vec![Command::LoadThread {
            request: id,
            target,
        }]
    }

    pub(super) fn on_thread(
        &mut self,
        request: RequestId,
        result: Result<ThreadData, Failure>,
        ids: &mut Ids,
    ) -> Handled {
        if self.thread_request != Some(request) {
            return (Outcome::None, None);
        }
        self.thread_request = None;
        let Some(thread) = &mut self.thread else {
            return (Outcome::None, None);
        };
        match result {
            Ok(data) => {
                let mut rows = vec![ThreadRow::Post(data.post)];
                rows.extend(data.comments.items.into_iter().map(ThreadRow::Comment));
                let focus = match thread.target {
                    Some(ModerationTarget::Comment(cid)) if thread.rows.selected == 0 => {
                        let at = rows
                            .iter()
                            .position(|r| matches!(r, ThreadRow::Comment(c) if c.id == cid));
                        // Not on the first page (comment 260 of a thread read 200 at a time):
                        // the pages are read on until it is in, and it is selected then; the
                        // post was selected, and a waiting `h` hid the whole post.
                        if at.is_none() && thread.reselect.is_none() {
                            thread.reselect = Some(ModerationTarget::Comment(cid));
                        }
                        at.unwrap_or(0)
                    }
                    _ => thread.rows.selected.min(rows.len() - 1),
                };
                thread.rows.items = rows;
                thread.rows.forget_widths();
                thread.rows.load = Load::Loaded;
                // A comment or a report that could not be read is said under the rows, and
                // whole in the error log (the line is cut to the screen).
                let unread = super::left_out_note(&data.comments.left_out);
                thread.rows.left_out = 0;
                thread.rows.left_out_why = None;
                thread.rows.note_left_out(data.comments.left_out);
                if thread.rows.selected != focus {
                    thread.detail_scroll = 0;
                }
                thread.rows.selected = focus;
                // The rest of the comments page in as the selection nears the end.
                thread.rows.next = data.comments.next;
                let found = thread.find_reselected();
                thread.reports = data.reports;
                thread.history = data.history;
                let unread = unread.map(|f| ("loading the thread".to_string(), f));
                // A key pressed while the thread came waits for the row it was meant for.
                if let Some(outcome) = self.after_reselect(found, ids) {
                    return (outcome, unread);
                }
                (self.more(ids).into(), unread)
            }
            Err(f) => {
                self.waiting = None;
                thread.rows.load = Load::Failed(f.clone());
                (Outcome::None, Some(("loading the thread".to_string(), f)))
            }
        }
    }
}

impl ThreadState {
    /// Selects the row to select again once it is in; while it is not and pages remain, the
    /// last row is selected so that the next page is asked for.
    fn find_reselected(&mut self) -> Reselected {
        let Some(wanted) = self.reselect else {
            return Reselected::Found;
        };
        match self.rows.items.iter().position(|r| r.target() == wanted) {
            Some(i) => {
                self.rows.select(i);
                self.reselect = None;
                Reselected::Found
            }
            // A page failed: nothing more comes to look in.
            None if self.rows.next.is_some() && !matches!(self.rows.load, Load::Failed(_)) => {
                self.rows.select(self.rows.items.len().saturating_sub(1));
                Reselected::Looking
            }
            None => {
                self.reselect = None;
                Reselected::Gone(wanted)
            }
        }
    }
}

/// Where a thread's search for the row to select again stands.
enum Reselected {
    /// Selected (or nothing was looked for).
    Found,
    /// Not in the pages read so far; the next is asked for.
    Looking,
    /// Not in the thread: a key waiting for it must not act on whatever row is selected.
    Gone(ModerationTarget),
}

impl PostsPane {
    /// A key pressed while the thread or its row was on its way acts once the row is in; if
    /// the row is not in the thread (deleted since, say) it is dropped and said so, never
    /// sent to the row selected meanwhile (the post, or the last comment read).
    fn after_reselect(&mut self, found: Reselected, ids: &mut Ids) -> Option<Outcome> {
        match found {
            Reselected::Found => self.waiting.take().map(|action| self.act(action, ids)),
            Reselected::Looking => None,
            Reselected::Gone(target) => self.waiting.take().map(|_| {
                Outcome::Message(format!(
                    "{target} is not in the thread any more: the key did nothing"
                ))
            }),
        }
    }
}

impl PostsPane {
    /// The next page of the open thread's comments arrived.
    pub(super) fn on_comments(
        &mut self,
        request: RequestId,
        result: Result<(Page<Comment>, Vec<Report>), Failure>,
        ids: &mut Ids,
    ) -> Handled {
        let Some(thread) = &mut self.thread else {
            return (Outcome::None, None);
        };
        let failure = result.as_ref().err().cloned();
        let (page, reports) = match result {
            Ok((page, reports)) => (Ok(page), reports),
            Err(f) => (Err(f), Vec::new()),
        };
        if !thread
            .rows
            .receive(request, page.map(|p| p.map(ThreadRow::Comment)))
        {
            return (Outcome::None, None);
        }
        let found = thread.find_reselected();
        // A comment asked for by name may have brought its reports with the thread already.
        for r in reports {
            if !thread.reports.iter().any(|have| have.id == r.id) {
                thread.reports.push(r);
            }
        }
        if let Some(outcome) = self.after_reselect(found, ids) {
            return (
                outcome,
                failure.map(|f| ("loading comments".to_string(), f)),
            );
        }
        (
            self.more(ids).into(),
            failure.map(|f| ("loading comments".to_string(), f)),
        )
    }

    /// The thread's post, once it is in.
    pub(super) fn thread_post(&self) -> Option<&Post> {
        self.thread
            .as_ref()
            .and_then(|t| t.rows.items.first())
            .and_then(|r| match r {
                ThreadRow::Post(p) => Some(p),
                ThreadRow::Comment(_) => None,
            })
    }
}
