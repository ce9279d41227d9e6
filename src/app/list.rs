//! A paged list: what every pane shows. Rows arrive a page at a time as the selection nears the
//! end; the renderer draws only the rows in view; marks select rows for bulk actions.

use crate::app::{Failure, RequestId};
use backoffice_domain::model::{Cursor, Page};
use std::collections::BTreeSet;
use unicode_width::UnicodeWidthStr;

/// How far a movement key moves the selection in a view of `viewport` rows (`Top` and
/// `Bottom` as far as a saturating move goes); `None` for other actions.
pub fn movement(action: crate::keymap::Action, viewport: usize) -> Option<isize> {
    use crate::keymap::Action;
    let page = viewport.max(1) as isize;
    Some(match action {
        Action::Down => 1,
        Action::Up => -1,
        Action::HalfPageDown => (page / 2).max(1),
        Action::HalfPageUp => -(page / 2).max(1),
        Action::PageDown => page,
        Action::PageUp => -page,
        Action::Top => isize::MIN / 2,
        Action::Bottom => isize::MAX / 2,
        _ => return None,
    })
}

/// `selected` moved by `delta` within `len` rows.
pub fn moved(selected: usize, delta: isize, len: usize) -> usize {
    selected
        .saturating_add_signed(delta)
        .min(len.saturating_sub(1))
}

/// The first row to draw so that `selected` shows in `height` rows of a list of `len`, moving
/// `offset` no more than it must, and never leaving rows empty at the bottom while rows above
/// are out of view (a terminal grown taller shows more of the list, not blank rows).
pub fn keep_in_view(selected: usize, offset: usize, height: usize, len: usize) -> usize {
    let height = height.max(1);
    let offset = offset.min(len.saturating_sub(height));
    if selected < offset {
        selected
    } else if selected >= offset + height {
        selected + 1 - height
    } else {
        offset
    }
}

/// Ask for the next page when the selection comes this close to the end of what is loaded.
pub const PREFETCH_ROWS: usize = 20;

/// The most rows a list read again after a write reloads to keep its depth (a few pages of
/// every source).
pub const KEPT_DEPTH_MAX: usize = 600;

/// What a list says of the rows its source could not read: how many, and why the first was.
pub fn left_out_words(count: usize, first: &str) -> String {
    match count {
        1 => format!("1 row could not be read and is left out: {first}"),
        n => format!("{n} rows could not be read and are left out; the first: {first}"),
    }
}

/// Where a list stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Load {
    Idle,
    Loading,
    Loaded,
    Failed(crate::app::Failure),
}

/// The most rows [`List::widest_cells`] measures in one frame.
const MEASURED_PER_FRAME: usize = 20_000;

#[derive(Debug, Clone)]
pub struct List<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
    pub load: Load,
    pub selected: usize,
    /// First visible row, kept by the renderer so the selection stays in view.
    pub offset: usize,
    /// Rows visible in the last frame.
    pub viewport: usize,
    pub marked: BTreeSet<usize>,
    /// Where each drawn column's header sits on screen (its index among the pane's columns,
    /// first and last screen column), kept by the renderer for header clicks.
    pub header: Vec<(usize, u16, u16)>,
    /// Each column's widest cell (header included) among every row loaded since the list was
    /// last read afresh, kept by the renderer: columns are sized by it, so they do not shift
    /// as rows scroll in and out of view (sized by the rows on screen, an author column took a
    /// row's spare room at the top and gave it up further down).
    widest: Vec<u16>,
    /// How many of `items` `widest` has measured (each row once, as pages arrive), and the
    /// columns it measured, by header.
    measured: usize,
    measured_for: Vec<&'static str>,
    pending: Option<RequestId>,
    /// The next `restart` keeps the place (see [`List::hold_place`]).
    hold: bool,
    /// The row and first visible row to select again as pages arrive, after a refresh.
    keep: Option<(usize, usize)>,
    /// The item selected when the list was read again, by a key the pane gives
    /// ([`List::hold_item`]): selected again once its page is in ([`List::reselect_by`]),
    /// wherever the rows now put it; the row number (`keep`) stands where it is gone.
    keep_key: Option<String>,
    /// The marked items when the list was read again, by the same key: marked again as their
    /// pages come in (`ctrl-r` dropped every mark, and the next key acted on the selection).
    keep_marks: Vec<String>,
    /// How many rows were loaded when a held list was read again (at most
    /// [`KEPT_DEPTH_MAX`]): pages are read back to that depth wherever the selection stands,
    /// so a sorted list keeps its rows and a held item is found (it was on a later page, the
    /// selection stayed on the row number, and no page was asked for).
    keep_depth: usize,
    /// Rows the source could not read and left out of the pages loaded since the list was
    /// last read afresh, and why the first was ([`Page::left_out`]): said under the rows.
    pub left_out: usize,
    pub left_out_why: Option<String>,
}

impl<T> Default for List<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            next: None,
            load: Load::Idle,
            selected: 0,
            offset: 0,
            viewport: 10,
            marked: BTreeSet::new(),
            header: Vec::new(),
            widest: Vec::new(),
            measured: 0,
            measured_for: Vec::new(),
            pending: None,
            hold: false,
            keep: None,
            keep_key: None,
            keep_marks: Vec::new(),
            keep_depth: 0,
            left_out: 0,
            left_out_why: None,
        }
    }
}

impl<T> List<T> {
    /// The pane's column drawn at screen column `x` of the header, if any.
    pub fn column_at(&self, x: u16) -> Option<usize> {
        self.header
            .iter()
            .find(|(_, from, to)| (*from..=*to).contains(&x))
            .map(|(i, _, _)| *i)
    }

    /// Puts the loaded rows in `order` (a stable sort): the selected row stays selected;
    /// marks, which are positions, are cleared.
    pub fn sort_loaded_by(&mut self, order: impl FnMut(&T, &T) -> std::cmp::Ordering)
    where
        T: Clone + PartialEq,
    {
        let selected = self.items.get(self.selected).cloned();
        self.items.sort_by(order);
        if let Some(s) = selected {
            self.selected = self.items.iter().position(|i| *i == s).unwrap_or(0);
        }
        self.marked.clear();
    }

    /// The rows on screen and a screen either side: what a pane asks names for.
    pub fn near_view(&self) -> impl Iterator<Item = &T> {
        let from = self.offset.saturating_sub(self.viewport);
        self.items.iter().skip(from).take(self.viewport * 3)
    }

    /// The rows' cells changed as a whole (names arrived for the subs they showed, the rows
    /// were replaced): the columns are measured again from every row.
    pub fn forget_widths(&mut self) {
        self.widest.clear();
        self.measured = 0;
    }

    /// Each column's widest cell among every loaded row and the header, measuring only the
    /// rows loaded since the last call (`width_of` gives a row's cell widths).
    pub fn widest_cells(
        &mut self,
        headers: &[&'static str],
        width_of: impl Fn(&T) -> Vec<u16>,
    ) -> &mut Vec<u16> {
        if self.measured_for.as_slice() != headers
            || self.measured > self.items.len()
            || self.widest.len() != headers.len()
        {
            self.measured_for = headers.to_vec();
            self.widest = headers
                .iter()
                .map(|h| u16::try_from(h.width()).unwrap_or(u16::MAX))
                .collect();
            self.measured = 0;
        }
        // A bounded number a frame: a list of a hundred thousand rows measured again when
        // names arrive takes a few frames to settle rather than one long one.
        let end = self.items.len().min(self.measured + MEASURED_PER_FRAME);
        for item in &self.items[self.measured..end] {
            for (seen, now) in self.widest.iter_mut().zip(width_of(item)) {
                *seen = (*seen).max(now);
            }
        }
        self.measured = end;
        &mut self.widest
    }

    pub fn selected_item(&self) -> Option<&T> {
        self.items.get(self.selected)
    }

    pub fn is_busy(&self) -> bool {
        self.pending.is_some()
    }

    /// Rows read before a change elsewhere: the list counts as never read, so it is read
    /// again (keeping its place) when next shown; a list being read is left to its answer.
    pub fn read_again_when_shown(&mut self) {
        if self.load != Load::Idle && !self.is_busy() {
            self.load = Load::Idle;
            self.hold_place();
        }
    }

    /// The next [`List::restart`] reads the same rows again (a refresh, after a write):
    /// the selection comes back to the same row number once the pages reach it, so a row
    /// that left the list is followed by the next one, never by the first row.
    pub fn hold_place(&mut self) {
        self.hold = true;
    }

    /// As [`List::hold_place`], and the selected item, by `key`, is selected again where the
    /// new rows put it (after a bulk action the row number landed on another item, and the
    /// next key went to a row no one chose).
    pub fn hold_item(&mut self, key: impl Fn(&T) -> String) {
        self.hold_item_marking(&key, &key);
    }

    /// As [`List::hold_item`], the marks held by `mark` rather than `key`: an item that is no
    /// longer the one marked (an object replaced since) is not marked again, where the
    /// selection still follows its key.
    pub fn hold_item_marking(&mut self, key: impl Fn(&T) -> String, mark: impl Fn(&T) -> String) {
        self.hold = true;
        self.keep_key = self.selected_item().map(&key);
        self.keep_marks = self
            .marked
            .iter()
            .filter_map(|&i| self.items.get(i))
            .map(&mark)
            .collect();
    }

    /// Whether the next pages are to put back a place or an item held before a restart.
    pub fn holds_place(&self) -> bool {
        self.keep.is_some() || self.keep_key.is_some()
    }

    /// After a page arrives: selects the held item if it is in ([`List::hold_item`]); gives
    /// it up once the last page is in without it.
    pub fn reselect_by(&mut self, key: impl Fn(&T) -> String) {
        self.reselect_marking(&key, &key);
    }

    /// As [`List::reselect_by`], the marks by `mark` ([`List::hold_item_marking`]).
    pub fn reselect_marking(&mut self, key: impl Fn(&T) -> String, mark: impl Fn(&T) -> String) {
        if !self.keep_marks.is_empty() {
            for (i, item) in self.items.iter().enumerate() {
                if self.keep_marks.contains(&mark(item)) {
                    self.marked.insert(i);
                }
            }
            if self.next.is_none() || self.items.len() >= self.keep_depth {
                self.keep_marks.clear();
            }
        }
        let Some(wanted) = &self.keep_key else {
            return;
        };
        match self.items.iter().position(|t| key(t) == *wanted) {
            Some(i) => {
                self.select(i);
                self.keep_key = None;
            }
            // Given up at the last page, or at the depth it was read to before: deeper rows
            // were never loaded, so it was not among them.
            None if (self.next.is_none() || self.items.len() >= self.keep_depth)
                && !self.is_busy() =>
            {
                self.keep_key = None
            }
            None => {}
        }
    }

    /// Starts over: clears rows and marks and records `request` as the one to wait for.
    pub fn restart(&mut self, request: RequestId) {
        self.keep = std::mem::take(&mut self.hold).then_some((self.selected, self.offset));
        // Read again to the depth loaded before (up to [`KEPT_DEPTH_MAX`]), not to the first
        // page: a list sorted by its loaded rows lost what its later pages had put at the top.
        self.keep_depth = if self.keep.is_some() {
            self.items.len().min(KEPT_DEPTH_MAX)
        } else {
            0
        };
        self.items.clear();
        self.next = None;
        self.selected = 0;
        self.offset = 0;
        self.marked.clear();
        self.forget_widths();
        self.left_out = 0;
        self.left_out_why = None;
        self.load = Load::Loading;
        self.pending = Some(request);
    }

    /// Records `request` as a next-page request when one is due; returns the cursor to ask with.
    pub fn wants_more(&self) -> Option<Cursor> {
        if self.pending.is_some() || self.load != Load::Loaded {
            return None;
        }
        let near_end = self.selected + PREFETCH_ROWS >= self.items.len();
        let hunting = self.items.len() < self.keep_depth;
        self.next.clone().filter(|_| near_end || hunting)
    }

    pub fn expect(&mut self, request: RequestId) {
        self.pending = Some(request);
    }

    /// Takes a page if it answers the request waited for; stale answers are dropped.
    pub fn receive(&mut self, request: RequestId, result: Result<Page<T>, Failure>) -> bool {
        if self.pending != Some(request) {
            return false;
        }
        self.pending = None;
        match result {
            Ok(page) => {
                self.note_left_out(page.left_out);
                self.items.extend(page.items);
                self.next = page.next;
                self.load = Load::Loaded;
                if let Some((selected, offset)) = self.keep {
                    if selected < self.items.len() || self.next.is_none() {
                        self.selected = selected;
                        self.offset = offset;
                        self.keep = None;
                    } else {
                        // Not there yet: the last row asks for the next page.
                        self.selected = self.items.len().saturating_sub(1);
                    }
                }
                if self.selected >= self.items.len() {
                    self.selected = self.items.len().saturating_sub(1);
                }
            }
            Err(failure) => {
                self.load = Load::Failed(failure);
                self.keep_key = None;
            }
        }
        true
    }

    /// Counts rows a page left out, keeping why the first was.
    pub fn note_left_out(&mut self, left_out: Vec<String>) {
        self.left_out += left_out.len();
        if self.left_out_why.is_none() {
            self.left_out_why = left_out.into_iter().next();
        }
    }

    pub fn move_by(&mut self, delta: isize) {
        // Moved by hand: the place a refresh was bringing back is no longer wanted.
        self.keep = None;
        self.keep_key = None;
        if self.items.is_empty() {
            return;
        }
        let last = self.items.len() - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn select(&mut self, row: usize) {
        self.keep = None;
        if row < self.items.len() {
            self.selected = row;
        }
    }

    pub fn toggle_mark(&mut self) {
        if self.items.is_empty() {
            return;
        }
        if !self.marked.remove(&self.selected) {
            self.marked.insert(self.selected);
        }
        self.move_by(1);
    }

    /// The marked rows, or the selected row when none is marked.
    pub fn targets(&self) -> Vec<&T> {
        if self.marked.is_empty() {
            self.selected_item().into_iter().collect()
        } else {
            self.marked
                .iter()
                .filter_map(|i| self.items.get(*i))
                .collect()
        }
    }

    /// Keeps the selection inside `height` visible rows; returns the visible range.
    pub fn scroll_into_view(&mut self, height: usize) -> std::ops::Range<usize> {
        self.viewport = height.max(1);
        self.offset = keep_in_view(self.selected, self.offset, self.viewport, self.items.len());
        let end = (self.offset + self.viewport).min(self.items.len());
        self.offset.min(end)..end
    }
}

#[cfg(test)]
mod tests {
    use super::{List, MEASURED_PER_FRAME, keep_in_view};

    /// Each row is measured once, as it comes; the header counts; a list too long for one
    /// frame is measured over several; forgetting measures every row again.
    #[test]
    fn rows_are_measured_once_each_and_a_long_list_over_frames() {
        let measured = std::cell::Cell::new(0usize);
        let width_of = |s: &String| {
            measured.set(measured.get() + 1);
            vec![u16::try_from(s.len()).unwrap()]
        };
        let mut list: List<String> = List {
            items: vec!["ab".into(), "abcdef".into()],
            ..List::default()
        };
        assert_eq!(*list.widest_cells(&["name"], width_of), [6]);
        assert_eq!(*list.widest_cells(&["name"], width_of), [6]);
        assert_eq!(measured.get(), 2, "measured once");
        list.items.push("a".repeat(9));
        assert_eq!(*list.widest_cells(&["name"], width_of), [9]);
        assert_eq!(measured.get(), 3, "only the new row");
        assert_eq!(
            *list.widest_cells(&["a much longer header"], width_of),
            [20]
        );
        list.forget_widths();
        list.items = (0..MEASURED_PER_FRAME + 5).map(|_| "x".into()).collect();
        list.items.push("the widest row, last".into());
        measured.set(0);
        assert_eq!(*list.widest_cells(&["n"], width_of), [1]);
        assert_eq!(measured.get(), MEASURED_PER_FRAME);
        assert_eq!(
            *list.widest_cells(&["n"], width_of),
            [20],
            "the rest next frame"
        );
    }

    /// A write read a sorted list again: the user acted on had been on its second page, the
    /// first page held the row number, and the selection stayed there on someone else, with
    /// no page asked for. Pages are now read to the depth loaded before until the held item
    /// is in, then it is selected; an item gone is given up at that depth, not at the end.
    #[test]
    fn a_held_item_is_looked_for_to_the_depth_loaded_before() {
        use crate::app::RequestId;
        use backoffice_domain::model::{Cursor, Page};
        let names = |range: std::ops::Range<usize>| -> Vec<String> {
            range.map(|i| format!("user{i:03}")).collect()
        };
        let mut list: List<String> = List::default();
        list.restart(RequestId(1));
        assert!(list.receive(RequestId(1), Ok(Page::new(names(0..84), None))));
        // Sorted, the one acted on is row 38 but arrives on the second page.
        list.select(38);
        list.items.swap(38, 70);
        list.hold_item(String::clone);
        list.restart(RequestId(2));
        let first: Vec<String> = names(0..70)
            .into_iter()
            .filter(|n| n != "user070")
            .collect();
        assert!(list.receive(
            RequestId(2),
            Ok(Page::new(
                first[..60].to_vec(),
                Some(Cursor::from_client("p2"))
            ))
        ));
        list.reselect_by(String::clone);
        assert!(
            list.wants_more().is_some(),
            "the next page is asked for though the selection is far from the end"
        );
        list.expect(RequestId(3));
        assert!(list.receive(
            RequestId(3),
            Ok(Page::new(
                vec!["user070".to_string()],
                Some(Cursor::from_client("p3"))
            ))
        ));
        list.reselect_by(String::clone);
        assert_eq!(list.selected_item().map(String::as_str), Some("user070"));
        assert!(list.keep_key.is_none(), "found: no longer looked for");

        // Gone: given up at the depth loaded before, not read to the end.
        list.hold_item(String::clone);
        list.items.retain(|n| n != "user070");
        list.restart(RequestId(4));
        assert!(list.receive(
            RequestId(4),
            Ok(Page::new(
                names(100..190),
                Some(Cursor::from_client("more"))
            ))
        ));
        list.reselect_by(String::clone);
        assert!(list.wants_more().is_none(), "given up at the earlier depth");
    }

    /// Marked rows read again are marked again, by key, wherever the new rows put them, as
    /// their pages come in (`ctrl-r` dropped every mark); a row gone is not.
    #[test]
    fn marks_survive_a_read_again_by_key() {
        use crate::app::RequestId;
        use backoffice_domain::model::{Cursor, Page};
        let mut list: List<String> = List::default();
        list.restart(RequestId(1));
        let page = |items: &[&str], next: Option<&str>| {
            Page::new(
                items.iter().map(|s| s.to_string()).collect(),
                next.map(Cursor::from_client),
            )
        };
        assert!(list.receive(RequestId(1), Ok(page(&["a", "b", "c", "d"], None))));
        list.marked.extend([1, 3]);
        list.hold_item(String::clone);
        list.restart(RequestId(2));
        assert!(list.marked.is_empty(), "rows not in yet");
        // `b` gone, `d` now first, then on the next page.
        assert!(list.receive(RequestId(2), Ok(page(&["d", "a"], Some("p2")))));
        list.reselect_by(String::clone);
        assert_eq!(list.marked.iter().copied().collect::<Vec<_>>(), [0]);
        list.expect(RequestId(3));
        assert!(list.receive(RequestId(3), Ok(page(&["c", "x"], None))));
        list.reselect_by(String::clone);
        assert_eq!(list.marked.iter().copied().collect::<Vec<_>>(), [0]);
        assert!(
            list.keep_marks.is_empty(),
            "read to the end: no longer looked for"
        );
    }

    /// The selection stays in view, the offset moves only as far as it must, and a taller
    /// view of the same list shows rows above rather than blank rows below.
    #[test]
    fn the_view_follows_the_selection_and_fills_when_it_grows() {
        // Down past the bottom of 5 rows: one row of scroll.
        assert_eq!(keep_in_view(5, 0, 5, 50), 1);
        // Up past the top.
        assert_eq!(keep_in_view(2, 4, 5, 50), 2);
        // Within view: no move.
        assert_eq!(keep_in_view(6, 4, 5, 50), 4);
        // At the end of 50 rows seen in 5 (offset 45), then the terminal grows to 30 rows:
        // rows 20..50 show, the selection still among them.
        assert_eq!(keep_in_view(49, 45, 30, 50), 20);
        // Fewer rows than the view: from the top.
        assert_eq!(keep_in_view(3, 2, 30, 4), 0);
        assert_eq!(keep_in_view(0, 0, 5, 0), 0);
    }
}
