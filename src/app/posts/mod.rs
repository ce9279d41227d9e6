//! The Posts & comments pane for moderators: the reports queue (most-reported first), all posts
//! (newest first, filtered), and a post's thread with its reports.

mod filter;
mod moderation;
mod profile;
mod thread;

pub use filter::{parse_filter, parse_filter_naming, parse_queue_filter};
pub use profile::{ProfileData, ProfileState};
pub use thread::{ThreadData, ThreadRow, ThreadState};

use super::list::{List, Load};
use super::{AppEvent, Command, Failure, Handled, Ids, Outcome, Pane, Problem, RequestId};
use crate::keymap::Action;
use crate::ui::Look;
use backoffice_domain::model::UserSub;
use backoffice_domain::model::{
    ModerationAction, ModerationTarget, Page, Post, PostFilter, QueueFilter, ReportResolution,
    Target,
};
use backoffice_domain::services::moderation::QueueItem;
use backoffice_domain::services::user360::Who;

/// The posts table's columns, for what a sort by one of them says.
pub const POST_SORTS: [&str; 6] = ["id", "created", "status", "author's sub", "image", "text"];

/// How a saved view of this pane names the reports queue.
const QUEUE_VIEW: &str = "view:queue";
/// The posts list with no filter, as a saved view: it was kept as no view at all, and the
/// next session opened on the queue.
const POSTS_VIEW: &str = "view:posts";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Reports,
    Posts,
}

#[derive(Debug, Default)]
pub struct PostsPane {
    pub view: Option<View>,
    pub queue: List<QueueItem>,
    pub posts: List<Post>,
    pub filter: PostFilter,
    pub filter_text: String,
    /// What the reports queue is narrowed to, and the `/` text it came from.
    pub queue_filter: QueueFilter,
    pub queue_filter_text: String,
    pub thread: Option<ThreadState>,
    thread_request: Option<RequestId>,
    /// A reported person's profile, over the queue.
    pub profile: Option<ProfileState>,
    /// A moderation key pressed while the thread was loading, acted on once it is in.
    waiting: Option<Action>,
    /// An author the posts filter names by e-mail or username (`author:ann@example.com`),
    /// and the lookup of their sub, waited for.
    author_named: Option<String>,
    finding_author: Option<RequestId>,
    /// The loaded posts' order by a column the store has no index for (column, downwards).
    pub loaded_sort: Option<(usize, bool)>,
    /// How the avatar is drawn (the terminal's graphics protocol, else half-blocks).
    pub picker: Option<ratatui_image::picker::Picker>,
    /// The view the pane opens on the first time where it has no last view (after `:env`,
    /// the one that was open); the reports queue otherwise.
    pub opening: Option<View>,
}

impl PostsPane {
    /// Names arrived for subs on screen: the lists' columns are sized again from what they
    /// draw now (an author column kept a sub's width after the names came, then narrowed
    /// when scrolled).
    pub fn names_arrived(&mut self) {
        self.queue.forget_widths();
        self.posts.forget_widths();
        if let Some(t) = &mut self.thread {
            t.rows.forget_widths();
        }
    }

    pub fn show_view(&mut self, view: View, ids: &mut Ids) -> Vec<Command> {
        self.view = Some(view);
        self.thread = None;
        self.profile = None;
        let list_idle = match view {
            View::Reports => self.queue.load == Load::Idle,
            View::Posts => self.posts.load == Load::Idle,
        };
        if list_idle {
            self.reload(ids)
        } else {
            Vec::new()
        }
    }

    fn reload(&mut self, ids: &mut Ids) -> Vec<Command> {
        let id = ids.issue();
        match self.view.unwrap_or(View::Reports) {
            View::Reports => {
                self.queue.restart(id);
                vec![Command::LoadQueue {
                    request: id,
                    filter: self.queue_filter.clone(),
                    cursor: None,
                }]
            }
            View::Posts => {
                self.posts.restart(id);
                // An author named by e-mail or username is looked up again on every read (the
                // account may have gone, or the address moved to another, since); read without
                // it, the list held every author's posts under a filter naming one.
                if let Some(who) = &self.author_named {
                    self.filter.author = None;
                    self.finding_author = Some(id);
                    return vec![Command::FindAuthor {
                        request: id,
                        who: who.clone(),
                    }];
                }
                vec![Command::LoadPosts {
                    request: id,
                    filter: self.filter.clone(),
                    cursor: None,
                }]
            }
        }
    }

    /// `/` narrows the list on screen: the reports queue by kind and reason, the posts list
    /// by status, author, dates and text.
    fn search(&mut self, text: &str, ids: &mut Ids) -> Result<Vec<Command>, Problem> {
        match self.view.unwrap_or(View::Reports) {
            View::Reports => {
                self.queue_filter = parse_queue_filter(text)?;
                self.queue_filter_text = text.trim().to_string();
            }
            View::Posts => {
                // An author named by e-mail or username is looked up first (`reload`); the
                // list is read once their sub is known (`AuthorFound`).
                let (filter, named) = parse_filter_naming(text)?;
                self.filter = filter;
                self.author_named = named;
                self.loaded_sort = None;
                self.filter_text = text.trim().to_string();
            }
        }
        self.finding_author = None;
        self.thread = None;
        self.profile = None;
        Ok(self.reload(ids))
    }

    /// The author a filter named by e-mail or username was found: the list is read for their
    /// sub (or says why not).
    fn on_author(
        &mut self,
        request: RequestId,
        result: Result<UserSub, Failure>,
        ids: &mut Ids,
    ) -> Handled {
        if self.finding_author != Some(request) {
            return (Outcome::None, None);
        }
        self.finding_author = None;
        match result {
            Ok(sub) => {
                self.filter.author = Some(sub);
                // The list was started over for the lookup (keeping its place on a refresh):
                // its rows are this request's.
                let id = ids.issue();
                self.posts.expect(id);
                (
                    Outcome::Commands(vec![Command::LoadPosts {
                        request: id,
                        filter: self.filter.clone(),
                        cursor: None,
                    }]),
                    None,
                )
            }
            Err(mut failure) => {
                failure.message = format!("author: {}", failure.message);
                failure.chain = format!("author: {}", failure.chain);
                self.posts.receive(request, Err(failure.clone()));
                (
                    Outcome::None,
                    Some(("finding the author".to_string(), failure)),
                )
            }
        }
    }

    fn current_list_len(&self) -> usize {
        match (&self.thread, self.view) {
            (Some(t), _) => t.rows.items.len(),
            (None, Some(View::Posts)) => self.posts.items.len(),
            _ => self.queue.items.len(),
        }
    }

    fn more(&mut self, ids: &mut Ids) -> Vec<Command> {
        let id = ids.issue();
        if let Some(post) = self.thread_post().map(|p| p.id) {
            let Some(thread) = &mut self.thread else {
                return Vec::new();
            };
            return match thread.rows.wants_more() {
                Some(cursor) => {
                    thread.rows.expect(id);
                    vec![Command::LoadComments {
                        request: id,
                        post,
                        cursor,
                    }]
                }
                None => Vec::new(),
            };
        }
        if self.thread.is_some() {
            return Vec::new();
        }
        match self.view {
            Some(View::Posts) => match self.posts.wants_more() {
                Some(cursor) => {
                    self.posts.expect(id);
                    vec![Command::LoadPosts {
                        request: id,
                        filter: self.filter.clone(),
                        cursor: Some(cursor),
                    }]
                }
                None => Vec::new(),
            },
            _ => match self.queue.wants_more() {
                Some(cursor) => {
                    self.queue.expect(id);
                    vec![Command::LoadQueue {
                        request: id,
                        filter: self.queue_filter.clone(),
                        cursor: Some(cursor),
                    }]
                }
                None => Vec::new(),
            },
        }
    }

    fn move_by(&mut self, delta: isize, ids: &mut Ids) -> Vec<Command> {
        match (&mut self.thread, self.view) {
            (Some(t), _) => {
                t.rows.move_by(delta);
                t.detail_scroll = 0;
                // Moved by hand: no page arriving takes the selection elsewhere.
                t.reselect = None;
            }
            (None, Some(View::Posts)) => self.posts.move_by(delta),
            _ => self.queue.move_by(delta),
        }
        self.more(ids)
    }

    fn viewport(&self) -> usize {
        match (&self.thread, self.view) {
            (Some(t), _) => t.rows.viewport,
            (None, Some(View::Posts)) => self.posts.viewport,
            _ => self.queue.viewport,
        }
    }

    /// Keys while a profile is open: it scrolls, clears, opens the avatar or the user, and
    /// closes the reports on them as the queue does.
    fn act_on_profile(&mut self, action: Action, ids: &mut Ids) -> Option<Outcome> {
        let state = self.profile.as_mut()?;
        Some(match action {
            Action::Back => {
                self.profile = None;
                Outcome::None
            }
            // A row, half the rows shown (as every detail's `J` / `K`), or a page of them.
            Action::Down | Action::DetailDown | Action::HalfPageDown | Action::PageDown => {
                state.scroll = state.scroll.saturating_add(profile_step(action, state.rows));
                Outcome::None
            }
            Action::Up | Action::DetailUp | Action::HalfPageUp | Action::PageUp => {
                state.scroll = state.scroll.saturating_sub(profile_step(action, state.rows));
                Outcome::None
            }
            Action::Top => {
                state.scroll = 0;
                Outcome::None
            }
            Action::Reload => match state.sub.clone() {
                Some(sub) => self.open_profile(sub, ids).into(),
                None => Outcome::None,
            },
            Action::Remove => self.propose_profile_clear(),
            Action::OpenImage => self.open_avatar(),
            Action::ResolveReport => self.propose_resolution(ReportResolution::Actioned),
            Action::DismissReport => self.propose_resolution(ReportResolution::Dismissed),
            Action::GoToAuthor => match state.sub.clone() {
                Some(sub) => Outcome::GoToUser(sub),
                None => Outcome::None,
            },
            Action::NextView => return None,
            _ => Outcome::Message(
                "in a profile: x clears fields, i the avatar, a the user, s / D the reports, esc back"
                    .into(),
            ),
        })
    }

    fn act(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        if let Some(outcome) = self.act_on_profile(action, ids) {
            return outcome;
        }
        // `enter` then `h` at once: the key waits for the thread and acts on the row it opens
        // on (it said "nothing selected" and was lost).
        let thread_coming = self.thread_request.is_some()
            && self
                .thread
                .as_ref()
                .is_some_and(|t| t.rows.items.is_empty());
        // Or the row it opens on still being looked for, page by page (the key acted on the
        // last row read meanwhile).
        let row_coming = self.thread.as_ref().is_some_and(|t| t.reselect.is_some());
        if (thread_coming || row_coming)
            && matches!(
                action,
                Action::Hide
                    | Action::Restore
                    | Action::Remove
                    | Action::ResolveReport
                    | Action::DismissReport
            )
        {
            self.waiting = Some(action);
            return Outcome::Message("the thread is loading; the key acts once it is in".into());
        }
        let page = self.viewport().max(1) as isize;
        match action {
            Action::Down => self.move_by(1, ids).into(),
            Action::Up => self.move_by(-1, ids).into(),
            Action::HalfPageDown => self.move_by((page / 2).max(1), ids).into(),
            Action::HalfPageUp => self.move_by(-(page / 2).max(1), ids).into(),
            Action::PageDown => self.move_by(page, ids).into(),
            Action::PageUp => self.move_by(-page, ids).into(),
            Action::Top => self
                .move_by(-(self.current_list_len() as isize), ids)
                .into(),
            Action::Bottom => self.move_by(self.current_list_len() as isize, ids).into(),
            Action::Reload => Pane::refresh(self, ids).into(),
            // The drawing keeps it within the detail's length.
            Action::DetailDown | Action::DetailUp => {
                if let Some(t) = &mut self.thread {
                    let step = crate::app::detail_step(t.detail_rows);
                    t.detail_scroll = if action == Action::DetailDown {
                        t.detail_scroll.saturating_add(step)
                    } else {
                        t.detail_scroll.saturating_sub(step)
                    };
                }
                Outcome::None
            }
            Action::SortObjects => self.flip_order(ids),
            Action::NextView => {
                let next = match self.view {
                    Some(View::Reports) | None => View::Posts,
                    Some(View::Posts) => View::Reports,
                };
                self.show_view(next, ids).into()
            }
            Action::Back => {
                if self.thread.take().is_some() {
                    self.thread_request = None;
                    Outcome::None
                } else if !self.posts.marked.is_empty() || !self.queue.marked.is_empty() {
                    self.posts.marked.clear();
                    self.queue.marked.clear();
                    Outcome::Message("marks cleared".into())
                } else {
                    Outcome::None
                }
            }
            Action::Enter => {
                // In a thread the selected row is already shown whole, beside the rows.
                if self.thread.is_some() {
                    return Outcome::Message(
                        "the selected row is shown in full beside the thread (J/K scroll it; esc goes back)"
                            .into(),
                    );
                }
                // A report on a person opens their profile.
                if self.view != Some(View::Posts)
                    && let Some(Target::User(sub)) =
                        self.queue.selected_item().map(|q| q.group.target.clone())
                {
                    return self.open_profile(sub, ids).into();
                }
                // A post or comment that no longer exists has no thread to open (its load
                // failed and offered a retry that could not help): say what can be done.
                if self.view != Some(View::Posts)
                    && let Some(q) = self.queue.selected_item()
                    && q.summary.is_none()
                    && !matches!(q.group.target, Target::User(_))
                {
                    return Outcome::Message(format!(
                        "{} no longer exists (deleted): its {} can be resolved (s) or dismissed (D) from here",
                        target_label(&q.group.target),
                        crate::text::plural(
                            usize::try_from(q.group.open_reports).unwrap_or(0),
                            "open report"
                        )
                    ));
                }
                let target = match self.view {
                    Some(View::Posts) => self
                        .posts
                        .selected_item()
                        .map(|p| ModerationTarget::Post(p.id)),
                    _ => self
                        .queue
                        .selected_item()
                        .and_then(|q| match q.group.target {
                            Target::Post(id) => Some(ModerationTarget::Post(id)),
                            Target::Comment(id) => Some(ModerationTarget::Comment(id)),
                            Target::User(_) => None,
                        }),
                };
                match target {
                    Some(t) => self.open_thread(t, ids).into(),
                    None => Outcome::None,
                }
            }
            Action::Mark => {
                match (&mut self.thread, self.view) {
                    (Some(_), _) => return Outcome::Message("marks work in the lists".into()),
                    (None, Some(View::Posts)) => self.posts.toggle_mark(),
                    _ => self.queue.toggle_mark(),
                }
                self.more(ids).into()
            }
            Action::Hide => self.propose_moderation(ModerationAction::Hide),
            Action::Restore => self.propose_moderation(ModerationAction::Restore),
            Action::Remove => self.propose_moderation(ModerationAction::Remove),
            Action::ResolveReport => self.propose_resolution(ReportResolution::Actioned),
            Action::DismissReport => self.propose_resolution(ReportResolution::Dismissed),
            Action::GoToAuthor => match self.selected_author() {
                Some(sub) => Outcome::GoToUser(sub),
                None => Outcome::Message("the selected row names no author".into()),
            },
            Action::OpenImage => {
                let post = match (&self.thread, self.view) {
                    (Some(t), _) => t.rows.items.first().and_then(|r| match r {
                        ThreadRow::Post(p) => Some(p),
                        ThreadRow::Comment(_) => None,
                    }),
                    (None, Some(View::Posts)) => self.posts.selected_item(),
                    _ => None,
                };
                match post {
                    Some(p) => match &p.image_key {
                        Some(key) => Outcome::GoToObject(key.clone()),
                        None => Outcome::Message(format!("post #{} has no image", p.id)),
                    },
                    None => Outcome::Message("select a post (or open its thread)".into()),
                }
            }
            _ => Outcome::None,
        }
    }

    fn click_row(&mut self, row: usize, column: u16, ids: &mut Ids) -> Outcome {
        // A profile covers the lists: a click there must not move the queue beneath it.
        if self.profile.is_some() {
            return Outcome::None;
        }
        let (offset, len) = match (&self.thread, self.view) {
            (Some(t), _) => (t.rows.offset, t.rows.items.len()),
            (None, Some(View::Posts)) => (self.posts.offset, self.posts.items.len()),
            _ => (self.queue.offset, self.queue.items.len()),
        };
        // Row 0 is the table header: a click there sorts.
        let Some(index) = row.checked_sub(1).map(|r| r + offset) else {
            return self.click_header(column, ids);
        };
        if index >= len {
            return Outcome::None;
        }
        match (&mut self.thread, self.view) {
            (Some(t), _) => {
                if t.rows.selected != index {
                    t.detail_scroll = 0;
                }
                t.rows.select(index);
            }
            (None, Some(View::Posts)) => self.posts.select(index),
            _ => self.queue.select(index),
        }
        self.more(ids).into()
    }

    /// A click on a header: in the posts list, the id and creation columns turn the store's
    /// order round (its index walks either way); any other column sorts the loaded rows and
    /// says so. The queue and a thread keep the store's order.
    fn click_header(&mut self, column: u16, ids: &mut Ids) -> Outcome {
        if self.thread.is_some() {
            return Outcome::None;
        }
        if self.view != Some(View::Posts) {
            return Outcome::Message(
                "the queue is always most reported first, then the longest waiting".into(),
            );
        }
        match self.posts.column_at(column) {
            Some(0 | 1) => self.flip_order(ids),
            Some(c) => self.sort_loaded(c),
            None => Outcome::None,
        }
    }

    /// `S`, or a click on the id or creation header: newest first ↔ oldest first, asked of the
    /// store (the same index, walked the other way), so every page follows the order.
    pub fn flip_order(&mut self, ids: &mut Ids) -> Outcome {
        if self.view != Some(View::Posts) || self.thread.is_some() {
            return Outcome::Message(
                "S turns the posts list's order round (v shows it): the queue is always most reported first"
                    .into(),
            );
        }
        self.filter.oldest_first = !self.filter.oldest_first;
        self.loaded_sort = None;
        let words: Vec<&str> = self
            .filter_text
            .split_whitespace()
            .filter(|w| !w.starts_with("order:"))
            .collect();
        let mut text = words.join(" ");
        if self.filter.oldest_first {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str("order:oldest");
        }
        self.filter_text = text;
        // The title says the order; every page comes in it.
        self.reload(ids).into()
    }

    /// Sorts the loaded posts by a column the store has no index for, saying so.
    fn sort_loaded(&mut self, column: usize) -> Outcome {
        let down = matches!(self.loaded_sort, Some((c, false)) if c == column);
        self.loaded_sort = Some((column, down));
        self.resort_loaded();
        Outcome::Message(format!(
            "sorted by {} {} · the rows loaded so far (the store orders posts by creation only){}",
            POST_SORTS.get(column).copied().unwrap_or("?"),
            if down { "↓" } else { "↑" },
            if self.posts.next.is_some() {
                "; more pages remain"
            } else {
                ""
            }
        ))
    }

    fn resort_loaded(&mut self) {
        let Some((column, down)) = self.loaded_sort else {
            return;
        };
        self.posts.sort_loaded_by(|a, b| {
            let order = match column {
                2 => a.status.as_str().cmp(b.status.as_str()),
                3 => a.author_sub.as_str().cmp(b.author_sub.as_str()),
                4 => a.image_key.is_some().cmp(&b.image_key.is_some()),
                _ => a.body.to_lowercase().cmp(&b.body.to_lowercase()),
            }
            .then(b.id.cmp(&a.id));
            if down { order.reverse() } else { order }
        });
    }

    fn on_posts(
        &mut self,
        request: RequestId,
        result: Result<Page<Post>, Failure>,
        ids: &mut Ids,
    ) -> Handled {
        let failure = result
            .as_ref()
            .map_or_else(|f| Some(f.clone()), |page| left_out_note(&page.left_out));
        if !self.posts.receive(request, result) {
            return (Outcome::None, None);
        }
        self.resort_loaded();
        self.posts.reselect_by(post_key);
        (
            self.more(ids).into(),
            failure.map(|f| ("loading posts".to_string(), f)),
        )
    }

    fn on_queue(
        &mut self,
        request: RequestId,
        result: Result<Page<QueueItem>, Failure>,
        ids: &mut Ids,
    ) -> Handled {
        let failure = result
            .as_ref()
            .map_or_else(|f| Some(f.clone()), |page| left_out_note(&page.left_out));
        if !self.queue.receive(request, result) {
            return (Outcome::None, None);
        }
        self.queue.reselect_by(queue_key);
        (
            self.more(ids).into(),
            failure.map(|f| ("loading the reports queue".to_string(), f)),
        )
    }
}

/// The rows a page left out, whole, for the error log (`!`): the line under the rows is cut to
/// the screen's width, and the why was only in the log file.
fn left_out_note(left_out: &[String]) -> Option<Failure> {
    let first = left_out.first()?;
    let mut failure = Failure::new(super::list::left_out_words(left_out.len(), first));
    failure.chain = left_out.join("\n");
    failure.cause = super::Cause::Data;
    Some(failure)
}

/// A queue row's identity, to select it again after a read.
fn queue_key(q: &QueueItem) -> String {
    format!("{:?}", q.group.target)
}

/// A post's identity, to select it again after a read.
fn post_key(p: &Post) -> String {
    p.id.to_string()
}

/// The moderator's actions, for help.
const MODERATION_ACTIONS: [Action; 9] = [
    Action::Hide,
    Action::Restore,
    Action::Remove,
    Action::ResolveReport,
    Action::DismissReport,
    Action::GoToAuthor,
    Action::OpenImage,
    Action::NextView,
    Action::Mark,
];

impl Pane for PostsPane {
    fn clear_marks(&mut self) {
        self.posts.marked.clear();
        self.queue.marked.clear();
    }

    /// Shows the pane: the reports queue first, loaded once.
    fn open(&mut self, ids: &mut Ids) -> Vec<Command> {
        match self.view {
            None => {
                let view = self.opening.take().unwrap_or(View::Reports);
                self.show_view(view, ids)
            }
            Some(_) => Vec::new(),
        }
    }

    /// The thread or profile (if open) and the list under it, again.
    fn refresh(&mut self, ids: &mut Ids) -> Vec<Command> {
        let mut c = Vec::new();
        if let Some(sub) = self.profile.as_ref().and_then(|p| p.sub.clone()) {
            c.extend(self.open_profile(sub, ids));
        }
        if let Some(target) = self.thread.as_ref().and_then(|t| t.target) {
            c.extend(self.open_thread(target, ids));
        }
        // The same rows again: the selection stays on the row it was on where that row is
        // still listed, else on its row number (the one after it, when it left the queue).
        match self.view.unwrap_or(View::Reports) {
            View::Reports => self.queue.hold_item(queue_key),
            View::Posts => self.posts.hold_item(post_key),
        }
        // The other view was read before the change: it is read again when shown (a comment
        // hidden from a thread opened from the posts list still read `visible` in the queue).
        match self.view.unwrap_or(View::Reports) {
            View::Reports => self.posts.read_again_when_shown(),
            View::Posts => self.queue.read_again_when_shown(),
        }
        c.extend(self.reload(ids));
        c
    }

    fn on_action(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        self.act(action, ids)
    }

    fn on_event(&mut self, event: AppEvent, ids: &mut Ids) -> Handled {
        match event {
            AppEvent::PostsLoaded { request, result } => self.on_posts(request, result, ids),
            AppEvent::AuthorFound { request, result } => self.on_author(request, result, ids),
            AppEvent::QueueLoaded { request, result } => self.on_queue(request, result, ids),
            AppEvent::ThreadLoaded { request, result } => self.on_thread(request, result, ids),
            AppEvent::CommentsLoaded { request, result } => self.on_comments(request, result, ids),
            AppEvent::ProfileLoaded { request, result } => self.on_profile(request, result),
            _ => (Outcome::None, None),
        }
    }

    fn click(&mut self, row: usize, column: u16, ids: &mut Ids) -> Outcome {
        self.click_row(row, column, ids)
    }

    /// The filter of the list on screen: the reports queue's, or the posts list's.
    fn filter_text(&self) -> &str {
        match self.view.unwrap_or(View::Reports) {
            View::Reports => &self.queue_filter_text,
            View::Posts => &self.filter_text,
        }
    }

    fn filter_hint(&self) -> &'static str {
        match self.view {
            Some(View::Reports) | None => {
                "reason text (one phrase) · kind:post|comment|user · the posts list filters by status, author, dates"
            }
            _ => "text · status:hidden · author:SUB|E-MAIL|USERNAME · since:YYYY-MM-DD · until:…",
        }
    }

    fn set_filter(&mut self, text: &str, ids: &mut Ids) -> Result<Vec<Command>, Problem> {
        self.search(text, ids)
    }

    /// A view of the queue is kept as `view:queue` and its filter; any other text is the
    /// posts list's (as every view of this pane was before the queue had a filter).
    fn saved_filter(&self) -> String {
        match self.view.unwrap_or(View::Reports) {
            View::Reports => format!("{QUEUE_VIEW} {}", self.queue_filter_text)
                .trim_end()
                .to_string(),
            View::Posts if self.filter_text.trim().is_empty() => POSTS_VIEW.to_string(),
            View::Posts => self.filter_text.clone(),
        }
    }

    fn restore_filter(&mut self, text: &str, ids: &mut Ids) -> Result<Vec<Command>, Problem> {
        let text = text.trim();
        let (view, rest) = match text.strip_prefix(QUEUE_VIEW) {
            Some(rest) if rest.is_empty() || rest.starts_with(char::is_whitespace) => {
                (View::Reports, rest)
            }
            _ if text == POSTS_VIEW => (View::Posts, ""),
            _ => (View::Posts, text),
        };
        self.view = Some(view);
        self.search(rest, ids)
    }

    fn selected_user(&self) -> Option<Who> {
        self.selected_author().map(Who::Sub)
    }

    fn export_source(&self) -> Result<crate::app::export::ExportSource, String> {
        use crate::app::export::ExportSource;
        match (&self.thread, self.view) {
            (Some(_), _) => {
                Err("a thread is not exported; esc back to the list, then ctrl-e".into())
            }
            (None, Some(View::Posts))
                if self.author_named.is_some() && self.filter.author.is_none() =>
            {
                Err("the filter's author is not found yet: nothing is exported".into())
            }
            (None, Some(View::Posts)) => Ok(ExportSource::Posts(self.filter.clone())),
            _ => Ok(ExportSource::Queue(self.queue_filter.clone())),
        }
    }

    /// The selected post's or comment's id (a reported user's sub in the queue); database rows
    /// have no page in the AWS console.
    fn selected_id(&self) -> Option<(&'static str, String)> {
        let target = match (&self.thread, self.view) {
            (Some(t), _) => Target::from(t.rows.selected_item()?.target()),
            (None, Some(View::Posts)) => Target::Post(self.posts.selected_item()?.id),
            _ => self.queue.selected_item()?.group.target.clone(),
        };
        let what = match target {
            Target::Post(_) => "post id",
            Target::Comment(_) => "comment id",
            Target::User(_) => "sub",
        };
        Some((what, target.id_text()))
    }

    fn visible_subs(&self) -> Vec<UserSub> {
        let mut subs = Vec::new();
        if let Some(sheet) = self.profile_sheet() {
            subs.extend(sheet.reports.iter().map(|r| r.reporter_sub.clone()));
            // Without a profile row, the person is named by the pool.
            if sheet.profile.is_none() {
                subs.push(sheet.sub.clone());
            }
            return subs;
        }
        match (&self.thread, self.view) {
            (Some(t), _) => {
                subs.extend(t.rows.near_view().map(|r| r.author().clone()));
                subs.extend(t.reports.iter().map(|r| r.reporter_sub.clone()));
            }
            (None, Some(View::Posts)) => {
                subs.extend(self.posts.near_view().map(|p| p.author_sub.clone()))
            }
            _ => subs.extend(self.queue.near_view().filter_map(|q| {
                match (&q.group.target, &q.summary) {
                    // A reported person without a profile row is named by the pool.
                    (Target::User(sub), None) => Some(sub.clone()),
                    (_, summary) => summary.as_ref()?.author_sub.clone(),
                }
            })),
        }
        subs
    }

    /// The moderation keys everywhere in the pane; `J`/`K` where a detail scrolls (a thread,
    /// a profile); `S` on the posts list (newest or oldest first).
    fn offers(&self) -> Vec<Action> {
        let mut a = MODERATION_ACTIONS.to_vec();
        if self.thread.is_some() || self.profile.is_some() {
            a.extend([Action::DetailDown, Action::DetailUp]);
        } else if self.view == Some(View::Posts) {
            a.push(Action::SortObjects);
        }
        a
    }

    fn pending(&self) -> usize {
        usize::from(self.queue.is_busy())
            + usize::from(self.posts.is_busy())
            + usize::from(self.thread_request.is_some())
            + usize::from(self.profile.as_ref().is_some_and(|p| p.request.is_some()))
    }

    fn draw(
        &mut self,
        frame: &mut ratatui::Frame<'_>,
        area: ratatui::layout::Rect,
        look: &Look<'_>,
    ) {
        crate::ui::draw_posts(frame, area, self, look);
    }
}

impl PostsPane {
    /// Whom `:ban` names here: the open profile's person, else the selected row's author.
    pub fn ban_subject(&self) -> Option<UserSub> {
        match &self.profile {
            Some(profile) => profile.sub.clone(),
            None => self.selected_author(),
        }
    }

    /// The author of the selected row: a thread's row, a post, or a queue line's target (a
    /// reported user is their own "author").
    pub fn selected_author(&self) -> Option<UserSub> {
        match (&self.thread, self.view) {
            (Some(t), _) => t.rows.selected_item().map(|r| r.author().clone()),
            (None, Some(View::Posts)) => self.posts.selected_item().map(|p| p.author_sub.clone()),
            _ => self
                .queue
                .selected_item()
                .and_then(|q| match &q.group.target {
                    Target::User(sub) => Some(sub.clone()),
                    _ => q.summary.as_ref()?.author_sub.clone(),
                }),
        }
    }
}

pub fn excerpt(body: &str) -> String {
    excerpt_of(body, 40)
}

/// The first line of `body` in at most `chars` characters, with `…` where anything was left
/// out.
pub fn excerpt_of(body: &str, chars: usize) -> String {
    let (line, more) = crate::text::lead_line(body);
    let mut out: String = line.chars().take(chars).collect();
    if line.chars().count() > chars || more {
        out.push('…');
    }
    out
}

pub fn target_label(t: &Target) -> String {
    match t {
        Target::Post(id) => format!("post #{id}"),
        Target::Comment(id) => format!("comment #{id}"),
        Target::User(sub) => format!("user {sub}"),
    }
}

/// How far a scroll key moves an open profile that shows `rows` rows.
fn profile_step(action: Action, rows: u16) -> u16 {
    match action {
        Action::Down | Action::Up => 1,
        Action::PageDown | Action::PageUp => rows.max(1),
        _ => crate::app::detail_step(rows),
    }
}
