//! The viewer: the lines (searching, context, following and pausing) and the invocations read
//! from REPORT lines, and what arrives from a feed.

use super::buffer::Strip;
use super::feed::ingest_into;
use super::{FeedState, LogsPane, NO_DETAIL, Prompt, Rows, Screen, Search, Summary, View, Window};
use crate::app::{Command, Ids, Outcome, Problem};
use crate::keymap::Action;
use backoffice_domain::model::TailItem;

/// The context lines `C` steps through.
const CONTEXT_STEPS: [usize; 3] = [0, 2, 5];

impl LogsPane {
    /// Runs `/` text as a search in the buffer; empty text ends the search.
    pub(super) fn search_for(&mut self, text: &str) -> Result<Vec<Command>, Problem> {
        let text = text.trim().to_string();
        self.filter_text = text.clone();
        self.context_built = None;
        if text.is_empty() {
            self.search = None;
            // Context belongs to a search: the next one starts showing every line.
            self.context = 0;
            self.select_a_line();
            return Ok(Vec::new());
        }
        let mut search = Search::new(text);
        search.catch_up(&self.buffer);
        let found = search.matches.len();
        self.search = Some(search);
        if found == 0 {
            // Not a failure: the pane's row says `0 matches`, and a tail's later lines may
            // match (the search goes on with them).
            return Ok(Vec::new());
        }
        // Following the live end, the newest match; scrolled back, the next one from here.
        let following = self.scroll.follow;
        self.jump_match(following, true);
        Ok(Vec::new())
    }

    /// Rebuilds the matches-with-context rows when the buffer, the search or the context changed.
    pub fn refresh_rows(&mut self) {
        let (first, end) = (self.buffer.first_seq(), self.buffer.end_seq());
        if let Some(search) = &self.search
            && self.context > 0
        {
            let key = (self.buffer.generation(), self.context, search.matches.len());
            if self.context_built != Some(key) {
                self.context_rows.clear();
                let c = self.context as u64;
                for m in &search.matches {
                    let from = m.saturating_sub(c).max(first);
                    let to = (m + c + 1).min(end);
                    let start = self.context_rows.last().map_or(from, |l| from.max(l + 1));
                    self.context_rows.extend(start..to);
                }
                self.context_built = Some(key);
            }
        }
    }

    /// The lines the main view walks, as last refreshed: every line, or matches with context.
    pub fn rows_view(&self) -> Rows<'_> {
        match &self.search {
            Some(_) if self.context > 0 => Rows::Only(&self.context_rows),
            _ => Rows::All {
                first: self.buffer.first_seq(),
                end: self.buffer.end_seq(),
            },
        }
    }

    pub fn rows(&mut self) -> Rows<'_> {
        self.refresh_rows();
        self.rows_view()
    }

    /// The sparkline strip for `width` buckets, rebuilt only when the buffer changed.
    pub fn strip(&mut self, width: usize) -> &Strip {
        let key = (self.buffer.generation(), width);
        if self.strip_cache.as_ref().map(|(k, _)| *k) != Some(key) {
            self.strip_cache = Some((key, self.buffer.strip(width)));
        }
        &self
            .strip_cache
            .get_or_insert_with(|| (key, Strip::default()))
            .1
    }

    /// Figures over every invocation in the buffer (percentiles within 2.5%, the slowest
    /// exact), rebuilt only when the buffer changed.
    pub fn summary(&mut self) -> &Summary {
        let key = self.buffer.generation();
        if self.summary_cache.as_ref().map(|(k, _)| *k) != Some(key) {
            let b = &self.buffer;
            let d = b.durations();
            let mut summary = Summary {
                invocations: b.reports().len(),
                cold_starts: b.cold_starts(),
                failed: b.failed(),
                error_lines: b.errors().len(),
                p50_ms: d.percentile(50.0),
                p95_ms: d.percentile(95.0),
                // The slowest exactly (the histogram's bins would round it, and the
                // invocations view shows each duration as reported).
                max_ms: b
                    .reports()
                    .iter()
                    .map(|r| r.duration_ms)
                    .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.max(d)))),
            };
            // A percentile read from the histogram's bins can land above the slowest exact
            // duration (p95 124 ms over a max of 123.45 ms): never more than the max.
            if let Some(max) = summary.max_ms {
                summary.p50_ms = summary.p50_ms.map(|p| p.min(max));
                summary.p95_ms = summary.p95_ms.map(|p| p.min(max));
            }
            self.summary_cache = Some((key, summary));
        }
        &self
            .summary_cache
            .get_or_insert_with(|| (key, Summary::default()))
            .1
    }

    /// Lines that arrived since the view stopped following.
    pub fn new_lines(&self) -> u64 {
        if self.scroll.follow {
            0
        } else {
            self.buffer.end_seq().saturating_sub(self.paused_at)
        }
    }

    pub(super) fn stop_following(&mut self) {
        if self.scroll.follow {
            self.scroll.follow = false;
            self.paused_at = self.buffer.end_seq();
        }
    }

    /// Back to the live end. An open line closes: followed, it would be swapped for each new
    /// line as it came in (`G` with a line open changed the line under the reader).
    pub(super) fn follow(&mut self) {
        self.detail = false;
        // A range selected while paused ends there: followed, it grew with each new line.
        self.anchor = None;
        self.scroll.follow = true;
        self.paused = false;
        self.snap_to_end();
    }

    pub(super) fn snap_to_end(&mut self) {
        let rows = self.rows();
        if let Some(last) = rows.len().checked_sub(1).and_then(|i| rows.at(i)) {
            self.scroll.selected = last;
        }
    }

    pub(super) fn move_by(&mut self, delta: isize) {
        self.stop_following();
        let selected = self.scroll.selected;
        let rows = self.rows();
        if rows.is_empty() {
            return;
        }
        let here = rows.position(selected);
        let to = here.saturating_add_signed(delta).min(rows.len() - 1);
        if let Some(s) = rows.at(to) {
            self.scroll.selected = s;
        }
    }

    pub(super) fn jump_match(&mut self, backwards: bool, inclusive: bool) -> Option<String> {
        let search = self.search.as_ref()?;
        if search.matches.is_empty() {
            return Some(format!("'{}' is not in the buffer", search.text));
        }
        let here = self.scroll.selected;
        let m = &search.matches;
        let target = if backwards {
            let i = if inclusive {
                m.partition_point(|s| *s <= here)
            } else {
                m.partition_point(|s| *s < here)
            };
            if i == 0 { m[m.len() - 1] } else { m[i - 1] }
        } else {
            let i = if inclusive {
                m.partition_point(|s| *s < here)
            } else {
                m.partition_point(|s| *s <= here)
            };
            m.get(i).copied().unwrap_or(m[0])
        };
        self.stop_following();
        self.scroll.selected = target;
        None
    }

    /// The number of the match the selection is on (1-based), for the status row.
    pub fn match_position(&self) -> Option<(usize, usize)> {
        let s = self.search.as_ref()?;
        let i = s.matches.binary_search(&self.scroll.selected).ok()?;
        Some((i + 1, s.matches.len()))
    }

    pub(super) fn on_viewer_action(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        if self.request.is_some() {
            return self.on_request_action(action);
        }
        if self.view == View::Invocations {
            return self.on_invocations_action(action, ids);
        }
        let page = self.scroll.viewport.max(1) as isize;
        match action {
            // An open line's detail (a 12 KB line runs to hundreds of rows) pages like a pager;
            // `j`/`k` still move to the next line.
            Action::HalfPageDown | Action::HalfPageUp | Action::PageDown | Action::PageUp
                if self.detail =>
            {
                self.scroll_detail(self.scroll.selected, action)
            }
            Action::Down => self.move_by(1),
            Action::Up => self.move_by(-1),
            Action::HalfPageDown => self.move_by((page / 2).max(1)),
            Action::HalfPageUp => self.move_by(-(page / 2).max(1)),
            Action::PageDown => self.move_by(page),
            Action::PageUp => self.move_by(-page),
            Action::Top => self.move_by(isize::MIN / 2),
            Action::Bottom => self.follow(),
            // Only a live tail pauses: a query's lines end where it ended (space did nothing
            // on one, while the hint row offered it).
            Action::Mark
                if !self
                    .feed
                    .as_ref()
                    .is_some_and(|f| f.spec.window == Window::Live) =>
            {
                return Outcome::Message(
                    "a query's lines do not move: only a live tail pauses (space)".into(),
                );
            }
            Action::Mark => {
                if self.scroll.follow {
                    self.stop_following();
                    self.paused = true;
                } else {
                    self.follow();
                }
            }
            Action::Enter => {
                self.detail = !self.detail;
                // The line opened stays the line shown: following the tail would swap it for
                // each new line within seconds.
                if self.detail {
                    self.stop_following();
                }
            }
            Action::DetailDown | Action::DetailUp if self.detail => {
                self.scroll_detail(self.scroll.selected, action)
            }
            // Said, not silent (other keys of no use here say so).
            Action::DetailDown | Action::DetailUp => return Outcome::Message(NO_DETAIL.into()),
            Action::NextMatch | Action::PrevMatch => {
                if self.search.is_none() {
                    return Outcome::Message("search first with /".into());
                }
                if let Some(m) = self.jump_match(action == Action::PrevMatch, false) {
                    return Outcome::Message(m);
                }
            }
            Action::ContextLines => {
                let i = CONTEXT_STEPS
                    .iter()
                    .position(|c| *c == self.context)
                    .unwrap_or(0);
                self.context = CONTEXT_STEPS[(i + 1) % CONTEXT_STEPS.len()];
                if self.scroll.follow {
                    self.snap_to_end();
                } else {
                    // Stay on a line the new view shows: this one, or the next shown.
                    let selected = self.scroll.selected;
                    let rows = self.rows();
                    let at = rows.position(selected).min(rows.len().saturating_sub(1));
                    if let Some(s) = rows.at(at) {
                        self.scroll.selected = s;
                    }
                }
            }
            Action::RequestLines => return self.open_request(None, ids),
            Action::Back => {
                if self.detail {
                    self.detail = false;
                } else if self.anchor.is_some() {
                    self.anchor = None;
                } else if self.search.is_some() {
                    self.search = None;
                    self.filter_text.clear();
                    // Context belongs to a search: the next one starts showing every line.
                    self.context = 0;
                    self.select_a_line();
                } else {
                    self.leave_viewer();
                }
            }
            _ => return self.on_common_action(action, ids),
        }
        Outcome::None
    }

    /// Back to the picker; a live tail stops (a finished query's lines stay to return to).
    pub(super) fn leave_viewer(&mut self) {
        if let Some(f) = &mut self.feed
            && f.spec.window == Window::Live
        {
            f.stop();
        }
        self.screen = Screen::Picker;
    }

    /// Keys the lines, invocations and request views share.
    pub(super) fn on_common_action(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        match action {
            Action::NextView => {
                self.view = match self.view {
                    View::Lines => View::Invocations,
                    View::Invocations => View::Lines,
                };
                self.detail = false;
            }
            Action::Wrap => self.wrap = !self.wrap,
            Action::Timestamps => self.timestamps = !self.timestamps,
            Action::MetricsStrip => self.strip = !self.strip,
            Action::SelectRange => {
                let here = match &self.request {
                    Some(r) => r.scroll.selected,
                    None => self.scroll.selected,
                };
                self.anchor = match self.anchor {
                    Some(_) => None,
                    None => Some(here),
                };
                if self.anchor.is_some() {
                    self.stop_following();
                }
            }
            // Refused at once on a buffer of no lines (it offered a file named for 1970 and
            // refused only after enter).
            Action::SaveLogs
                if !self
                    .buffer
                    .iter_from(self.buffer.first_seq())
                    .any(|l| !l.kind.is_marker()) =>
            {
                return Outcome::Message("nothing to save: the buffer holds no lines".into());
            }
            Action::SaveLogs => {
                let path = self.default_save_path();
                self.prompt = Some(Prompt::save(&path));
            }
            Action::LogQuery => {
                let current = self.feed.as_ref().map_or("15m".into(), |f| {
                    let mut t = f.spec.window.prompt_text();
                    if let Some(p) = &f.spec.pattern {
                        t.push(' ');
                        t.push_str(p.as_str());
                    }
                    t
                });
                self.prompt = Some(Prompt::query(&format!("{current} ")));
            }
            Action::Reload => {
                if let Some(spec) = self.feed.as_ref().map(|f| f.spec.clone()) {
                    return self.reload(spec, ids);
                }
            }
            _ => {}
        }
        Outcome::None
    }

    pub(super) fn on_invocations_action(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        let count = self.buffer.reports().len();
        let page = self.scroll.viewport.max(1) as isize;
        let delta = match action {
            Action::Down => 1,
            Action::Up => -1,
            Action::HalfPageDown => (page / 2).max(1),
            Action::HalfPageUp => -(page / 2).max(1),
            Action::PageDown => page,
            Action::PageUp => -page,
            Action::Top => isize::MIN / 2,
            Action::Bottom => {
                self.invocation_follow = true;
                self.invocation = count.saturating_sub(1);
                return Outcome::None;
            }
            // `n` / `N`: the next and the previous failed invocation, what the view is read
            // for (there was no way to them but scrolling).
            Action::NextMatch | Action::PrevMatch => {
                let reports = self.buffer.reports();
                let failed = |i: &usize| {
                    reports
                        .get(*i)
                        .is_some_and(|r| r.failed || self.buffer.is_failed(r.req))
                };
                let found = if action == Action::NextMatch {
                    (self.invocation + 1..count).find(failed)
                } else {
                    (0..self.invocation).rev().find(failed)
                };
                return match found {
                    Some(i) => {
                        self.invocation_follow = false;
                        self.invocation = i;
                        Outcome::None
                    }
                    None => Outcome::Message(format!(
                        "no failed invocation {} this one",
                        if action == Action::NextMatch {
                            "after"
                        } else {
                            "before"
                        }
                    )),
                };
            }
            // Keys of the lines, said as such (`W` changed the lines unseen).
            Action::ContextLines | Action::Wrap | Action::SelectRange | Action::Timestamps => {
                return Outcome::Message("that key works on the lines: v goes back to them".into());
            }
            Action::Enter | Action::RequestLines => {
                let seq = self.buffer.reports().get(self.invocation).map(|r| r.seq);
                return match seq {
                    Some(seq) => self.open_request(Some(seq), ids),
                    None => Outcome::Message("no invocation selected".into()),
                };
            }
            Action::Back => {
                self.view = View::Lines;
                return Outcome::None;
            }
            _ => return self.on_common_action(action, ids),
        };
        self.invocation_follow = false;
        if count > 0 {
            self.invocation = self.invocation.saturating_add_signed(delta).min(count - 1);
        }
        Outcome::None
    }

    pub(super) fn last_ts(&self) -> i64 {
        self.buffer
            .end_seq()
            .checked_sub(1)
            .and_then(|s| self.buffer.get(s))
            .map_or(0, |l| l.ts_ms)
    }

    pub(super) fn ingest(&mut self, items: Vec<TailItem>) {
        if self.replacing && super::feed::items_have_events(&items) {
            self.replace_lines();
        }
        let Some(feed) = &mut self.feed else {
            return;
        };
        feed.state = FeedState::Running;
        let gone = ingest_into(&mut self.buffer, feed, items);
        // A deleted group is no longer offered nor picked: the next `f` or `enter` started
        // on it again, failed, and emptied the pane.
        if !gone.is_empty() {
            self.picker.forget(&gone);
        }
        self.after_ingest();
    }

    /// With a search ended, a line of the buffer is selected: the one that was, else the last
    /// (a search that matched nothing in a new query's lines left none, and `r` and `enter`
    /// said "no line selected" with every line in view).
    fn select_a_line(&mut self) {
        if self.buffer.get(self.scroll.selected).is_none() && !self.buffer.is_empty() {
            self.scroll.selected = self.buffer.end_seq() - 1;
        }
    }

    pub(super) fn after_ingest(&mut self) {
        if let Some(s) = &mut self.search {
            s.catch_up(&self.buffer);
        }
        let first = self.buffer.first_seq();
        if self.scroll.follow {
            self.snap_to_end();
        } else if self.scroll.selected < first {
            self.scroll.selected = first;
        }
        if self.anchor.is_some_and(|a| a < first) {
            self.anchor = Some(first);
        }
        let reports = self.buffer.reports().len();
        if self.invocation_follow {
            self.invocation = reports.saturating_sub(1);
        } else {
            self.invocation = self.invocation.min(reports.saturating_sub(1));
        }
    }
}
