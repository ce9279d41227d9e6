//! What every list pane draws with: the pane's frame, a table of only the rows in view, the
//! message a list shows instead of rows, and small formats.
//!
//! Column widths come from the rows loaded: a column that holds ids, subs, keys, statuses or
//! times (`Fit::Whole`) is exactly as wide as its widest cell and is not cut (unless it
//! would take over a third of the row: then it is cut in its middle); free
//! text (`Fit::Free`) takes what is left and ends with `…` when it does not fit. When the
//! terminal is too narrow, columns are dropped in the order each says, never an id's digits.

use crate::app::list::List;
use crate::text::one_line;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, Wrap};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// How a column takes its width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Never cut: as wide as its widest cell.
    Whole,
    /// Free text: what is left, at least `min` columns (or the column is dropped).
    Free { min: u16 },
}

/// A column of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub header: &'static str,
    pub fit: Fit,
    /// When the terminal is too narrow, the column with the highest `drop` goes first; `0`
    /// never goes.
    pub drop: u8,
    /// The least a whole column's cap may be: an over-long cell is cut in its middle to the
    /// larger of the two, and gets back what the row has to spare.
    pub cap_min: u16,
    /// The cap is this share of the row: a third for ids; a fifth for names people choose,
    /// so that two long ones side by side still leave room. `0` for free text: uncapped.
    pub cap_div: u16,
    /// A count of what the cell leaves out (`+2 more`, after its last ` · `) stays whole when
    /// the cell is cut: cut at its end, the count was the first thing lost.
    pub keeps_count: bool,
    /// How far a capped column is cut, in its middle, before free text beside it is dropped
    /// (none below its cap unless set).
    pub least: Option<u16>,
    /// Free text that takes only what the other free text leaves when shown whole, and is left
    /// out where it would cut it (a display name beside the e-mail support reads).
    pub yields: bool,
    /// Free text cut in its middle, not at its end, with no cap: an e-mail, whose domain tells
    /// `…@example.com` from `…@example.net` (cut at the end, two read the same).
    pub middle: bool,
    /// A whole column that comes back into a narrow row only after every whole column wanted
    /// more: at 60 columns a folder kept its storage class and left out sizes and times.
    pub last_back: bool,
}

impl Column {
    /// A column that is never cut and never dropped (ids, subs, keys, statuses).
    pub const fn id(header: &'static str) -> Self {
        Self {
            header,
            fit: Fit::Whole,
            drop: 0,
            cap_min: WHOLE_CAP_MIN,
            cap_div: 3,
            keeps_count: false,
            least: None,
            yields: false,
            middle: false,
            last_back: false,
        }
    }

    /// An id cut in its middle beyond a fifth of the row or `cap_min` columns, whichever is
    /// more (and given back what the row has to spare): names people choose (a username, a
    /// caller's ARN), where a third or [`WHOLE_CAP_MIN`] would leave no room for what sits
    /// beside them.
    pub const fn id_capped(header: &'static str, cap_min: u16) -> Self {
        Self {
            cap_min,
            cap_div: 5,
            ..Self::id(header)
        }
    }

    /// A column that is never cut, dropped `drop`-th from last when room runs out.
    pub const fn whole(header: &'static str, drop: u8) -> Self {
        Self {
            header,
            fit: Fit::Whole,
            drop,
            cap_min: WHOLE_CAP_MIN,
            cap_div: 3,
            keeps_count: false,
            least: None,
            yields: false,
            middle: false,
            last_back: false,
        }
    }

    /// Free text, cut with `…`.
    pub const fn free(header: &'static str, min: u16, drop: u8) -> Self {
        Self {
            header,
            fit: Fit::Free { min },
            drop,
            cap_min: WHOLE_CAP_MIN,
            cap_div: 0,
            keeps_count: false,
            least: None,
            yields: false,
            middle: false,
            last_back: false,
        }
    }

    /// This free column is cut in its middle (see [`Column::middle`]).
    pub const fn cut_in_middle(self) -> Self {
        Self {
            middle: true,
            ..self
        }
    }

    /// This whole column comes back after the others (see [`Column::last_back`]).
    pub const fn last_back(self) -> Self {
        Self {
            last_back: true,
            ..self
        }
    }

    /// This free column yields to the other free text (see [`Column::yields`]).
    pub const fn yielding(self) -> Self {
        Self {
            yields: true,
            ..self
        }
    }

    /// As [`Column::free`], keeping a closing `+N more` whole when the cell is cut.
    pub const fn free_counted(header: &'static str, min: u16, drop: u8) -> Self {
        Self {
            keeps_count: true,
            ..Self::free(header, min, drop)
        }
    }

    /// A name people choose, as free text that wants at most a fifth of the row (and
    /// `min`): a 120-character author took 41 of 120 columns and cut the post's text.
    pub const fn name(header: &'static str, min: u16, drop: u8) -> Self {
        Self {
            cap_min: min,
            cap_div: 5,
            ..Self::free(header, min, drop)
        }
    }
}

/// Space between columns (ratatui's default).
const SPACING: u16 = 1;

/// The fewest columns a free column that did not fit at its `min` comes back with.
const SQUEEZED_MIN: u16 = 8;

/// The fewest columns a capped id comes back with, cut in its middle (both ends of an ARN).
const CAPPED_SQUEEZED_MIN: u16 = 16;

/// The width a free column is given from a column that may be cut, when it has less: enough to
/// read a reason's first words or a function's name.
const READABLE_FREE: u16 = 24;

/// The width of each column for `available` columns of screen, `None` for a dropped column.
/// `natural[i]` is the widest cell (header included) of column `i` among the rows it is sized by.
///
/// A whole column takes at most a third of the screen (and at least [`WHOLE_CAP_MIN`]): one
/// 128-character username must not push every other column off the row (at half, a 120-column
/// Users list kept 14 characters of each e-mail). Such a cell is cut
/// in its middle ([`fit_middle`]), so both its ends show; ids of usual lengths never are.
pub fn widths(columns: &[Column], natural: &[u16], available: u16) -> Vec<Option<u16>> {
    let uncapped = natural;
    let natural: Vec<u16> = columns
        .iter()
        .zip(natural)
        .map(|(c, n)| {
            if c.fit == Fit::Whole || c.cap_div > 0 {
                (*n).min((available / c.cap_div.max(1)).max(c.cap_min))
            } else {
                *n
            }
        })
        .collect();
    let mut natural = natural;
    let mut shown: Vec<bool> = vec![true; columns.len()];
    // Each free column's least width: its `min`, or less when it came back into a row that
    // had dropped it (below).
    let mut mins: Vec<u16> = columns
        .iter()
        .map(|c| match c.fit {
            Fit::Free { min } => min,
            Fit::Whole => 0,
        })
        .collect();
    let need = |shown: &[bool], mins: &[u16], natural: &[u16]| -> u32 {
        let mut total = 0u32;
        let mut count = 0u32;
        for (i, c) in columns.iter().enumerate() {
            if !shown[i] {
                continue;
            }
            count += 1;
            total += u32::from(match c.fit {
                Fit::Whole => natural[i],
                Fit::Free { .. } => mins[i].min(natural[i].max(1)),
            });
        }
        total + u32::from(SPACING) * count.saturating_sub(1)
    };
    // Whether a capped column was cut to keep free text: the row is full, and nothing that
    // was dropped comes back into the room taken from it.
    let mut shrunk = false;
    while need(&shown, &mins, &natural) > u32::from(available) {
        let candidate = columns
            .iter()
            .enumerate()
            .filter(|(i, c)| shown[*i] && c.drop > 0)
            .max_by_key(|(i, c)| (c.drop, *i));
        let Some((i, column)) = candidate else {
            break;
        };
        // Before free text goes, the capped columns give up what they hold beyond their
        // least (a long key or ARN is cut in its middle, its detail has it whole): the Audit
        // log at 120 columns dropped its reason while a target took a third of the row.
        if matches!(column.fit, Fit::Free { .. }) {
            let mut short = need(&shown, &mins, &natural) - u32::from(available);
            for j in 0..columns.len() {
                let c = &columns[j];
                if short == 0 || !shown[j] || c.fit != Fit::Whole || c.cap_div == 0 {
                    continue;
                }
                let Some(least) = c.least else {
                    continue;
                };
                let spare = u32::from(natural[j].saturating_sub(least));
                let give = spare.min(short);
                natural[j] -= give as u16;
                short -= give;
                shrunk |= give > 0;
            }
            if short == 0 {
                break;
            }
        }
        shown[i] = false;
    }
    // A capped id (a caller's ARN) dropped after free text is wanted more than that text: it
    // comes back first, cut in its middle to what the row spares (at 80 columns the Audit
    // log showed `who` and a 9-column reason, and not who acted).
    let first_free_dropped = (0..columns.len())
        .filter(|i| !shown[*i] && matches!(columns[*i].fit, Fit::Free { .. }))
        .map(|i| columns[i].drop)
        .min();
    let mut capped: Vec<usize> = (0..columns.len())
        .filter(|i| {
            let c = &columns[*i];
            !shown[*i]
                && c.fit == Fit::Whole
                && c.cap_div > 3
                && first_free_dropped.is_some_and(|free| c.drop < free)
        })
        .collect();
    capped.sort_by_key(|i| (columns[*i].drop, *i));
    for i in capped {
        let spare =
            u32::from(available).saturating_sub(need(&shown, &mins, &natural) + u32::from(SPACING));
        if spare >= u32::from(CAPPED_SQUEEZED_MIN) {
            shown[i] = true;
            natural[i] = natural[i].min(u16::try_from(spare).unwrap_or(u16::MAX));
        }
    }
    // A free column dropped for want of its `min` comes back narrower when the row has
    // [`SQUEEZED_MIN`] columns or more to spare (at 80 columns the reports queue dropped its
    // reasons and its text and left 25 columns empty); the last dropped first.
    let mut dropped: Vec<usize> = (0..columns.len())
        .filter(|i| !shown[*i] && matches!(columns[*i].fit, Fit::Free { .. }))
        .collect();
    dropped.sort_by_key(|i| (columns[*i].drop, *i));
    for i in dropped {
        let spare =
            u32::from(available).saturating_sub(need(&shown, &mins, &natural) + u32::from(SPACING));
        if spare >= u32::from(SQUEEZED_MIN) {
            shown[i] = true;
            mins[i] = mins[i].min(u16::try_from(spare).unwrap_or(u16::MAX));
        }
    }
    // A whole column dropped for want of room comes back when it fits in what the shown
    // columns leave unused, free ones at their full width (an Insights result of seven fields
    // showed two and left a third of the row empty); the first to keep first.
    let mut dropped: Vec<usize> = (0..columns.len())
        .filter(|i| !shown[*i] && columns[*i].fit == Fit::Whole)
        .collect();
    dropped.sort_by_key(|i| (columns[*i].drop, *i));
    for i in dropped {
        // Not over free text wanted more that stays out (the cold start came back where the
        // function it had been dropped before could not). A whole one wanted more that does
        // not fit leaves room for the next that does (a query's later fields).
        let wanted_more_out = (0..columns.len()).any(|j| {
            !shown[j]
                && matches!(columns[j].fit, Fit::Free { .. })
                && columns[j].drop < columns[i].drop
        });
        let whole_wanted_more_out = columns[i].last_back
            && (0..columns.len()).any(|j| {
                !shown[j] && columns[j].fit == Fit::Whole && columns[j].drop < columns[i].drop
            });
        if wanted_more_out || whole_wanted_more_out || shrunk {
            continue;
        }
        let wanted: u32 = (0..columns.len())
            .filter(|j| shown[*j])
            .map(|j| u32::from(natural[j]) + u32::from(SPACING))
            .sum();
        if wanted + u32::from(natural[i]) <= u32::from(available) {
            shown[i] = true;
        }
    }
    // A capped column that may be cut (its `least`) gives way to free text that wants more
    // than its least: at 120 columns the Audit log's reason had 10 columns while the target
    // kept 35 for two long keys, and the invocations' function 7 beside a whole request id.
    let free: Vec<usize> = (0..columns.len())
        .filter(|i| shown[*i] && matches!(columns[*i].fit, Fit::Free { .. }))
        .collect();
    let free_least: u32 = free
        .iter()
        .map(|&i| u32::from(mins[i].min(natural[i].max(1))))
        .sum();
    // What free text wants here is a readable share, not all it holds: a long reason would
    // otherwise cut every key beside it to its least.
    let free_want: u32 = free
        .iter()
        .map(|&i| {
            let least = mins[i].min(natural[i].max(1));
            u32::from(
                natural[i]
                    .min(least.max(READABLE_FREE))
                    .saturating_sub(least),
            )
        })
        .sum();
    let whole_now: u32 = (0..columns.len())
        .filter(|i| shown[*i] && columns[*i].fit == Fit::Whole)
        .map(|i| u32::from(natural[i]))
        .sum();
    let shown_count = shown.iter().filter(|s| **s).count() as u32;
    let room = u32::from(available).saturating_sub(
        whole_now + free_least + u32::from(SPACING) * shown_count.saturating_sub(1),
    );
    let mut short = free_want.saturating_sub(room);
    for j in 0..columns.len() {
        if short == 0 {
            break;
        }
        let c = &columns[j];
        if let (true, Fit::Whole, Some(least)) = (shown[j], c.fit, c.least) {
            let give = u32::from(natural[j].saturating_sub(least)).min(short);
            natural[j] -= give as u16;
            short -= give;
        }
    }
    let fixed: u32 = columns
        .iter()
        .enumerate()
        .filter(|(i, c)| shown[*i] && c.fit == Fit::Whole)
        .map(|(i, _)| u32::from(natural[i]))
        .sum();
    // Free text that yields is left out where the other free text, whole, leaves it less than
    // its least: at 80 columns the Users list cut e-mails to show names beside them.
    for i in 0..columns.len() {
        if !(shown[i] && columns[i].yields) {
            continue;
        }
        let others_whole: u32 = (0..columns.len())
            .filter(|j| *j != i && shown[*j] && matches!(columns[*j].fit, Fit::Free { .. }))
            .map(|j| u32::from(natural[j]))
            .sum();
        let count = shown.iter().filter(|s| **s).count() as u32;
        let spacing = u32::from(SPACING) * count.saturating_sub(1);
        if fixed + spacing + others_whole + u32::from(mins[i]) > u32::from(available) {
            shown[i] = false;
        }
    }
    let count = shown.iter().filter(|s| **s).count() as u32;
    let spacing = u32::from(SPACING) * count.saturating_sub(1);
    let mut left = u32::from(available).saturating_sub(fixed + spacing);
    // Free columns share what is left: each its minimum first, then the rest shared evenly
    // among those that still want more, the most modest filled first: a reasons or name
    // column that needs a few more columns gets them whole, and a long text takes the rest.
    let mut out: Vec<Option<u16>> = (0..columns.len())
        .map(|i| match (shown[i], columns[i].fit) {
            (false, _) => None,
            (true, Fit::Whole) => Some(natural[i]),
            (true, Fit::Free { .. }) => {
                let w = u32::from(mins[i].min(natural[i].max(1))).min(left);
                left -= w;
                Some(w as u16)
            }
        })
        .collect();
    let wanted = |out: &[Option<u16>], i: usize| -> u32 {
        u32::from(natural[i]).saturating_sub(u32::from(out[i].unwrap_or(0)))
    };
    let mut free: Vec<usize> = (0..columns.len())
        .filter(|i| shown[*i] && columns[*i].fit != Fit::Whole)
        .collect();
    free.sort_by_key(|i| (wanted(&out, *i), *i));
    let mut waiting = free.len() as u32;
    for i in free {
        let share = left.checked_div(waiting).unwrap_or(0);
        let extra = wanted(&out, i).min(share);
        left -= extra;
        waiting -= 1;
        out[i] = out[i].map(|w| w + extra as u16);
    }
    // What the row still has to spare goes back to the whole columns that were capped, in
    // their order: a long name shows more of itself when nothing else wants the room.
    for i in 0..columns.len() {
        if left == 0 {
            break;
        }
        if let Some(w) = out[i]
            && (columns[i].fit == Fit::Whole || columns[i].cap_div > 0)
        {
            let extra = u32::from(uncapped[i].saturating_sub(w)).min(left);
            left -= extra;
            out[i] = Some(w + extra as u16);
        }
    }
    // What cannot be dropped may still not fit (a terminal a few dozen columns wide): the
    // widest whole columns give up columns, down to three each, so that their cells are cut
    // in the middle with `…` instead of clipped at the frame (`post #1` for post #196 reads
    // as another post).
    let total = |out: &[Option<u16>]| -> u32 {
        out.iter().flatten().map(|w| u32::from(*w)).sum::<u32>() + spacing
    };
    while total(&out) > u32::from(available) {
        let widest = (0..columns.len())
            .filter(|i| columns[*i].fit == Fit::Whole && out[*i].is_some_and(|w| w > 3))
            .max_by_key(|i| (out[*i], std::cmp::Reverse(*i)));
        match widest {
            Some(i) => out[i] = out[i].map(|w| w - 1),
            None => break,
        }
    }
    out
}

/// A frame's title in `room` columns: whole if it fits, else without its padding spaces (the
/// leading one kept if it fits), else with whole ` · `-separated parts left out from its middle
/// (`Insights · complete · … · /aws/lambda/api · 12-04 10:00..12-04 11:00 UTC`: what it is and
/// what it covers stay), else cut in its middle.
pub(super) fn fit_title(title: &str, room: u16) -> String {
    let room = usize::from(room);
    if title.width() <= room {
        return title.to_string();
    }
    let bare = title.trim();
    // A space either side where there is room, so the title does not run into the corners.
    let padded = |text: String| {
        let w = text.width();
        if w + 2 <= room {
            format!(" {text} ")
        } else if w < room {
            format!(" {text}")
        } else {
            text
        }
    };
    if bare.width() <= room {
        return padded(bare.to_string());
    }
    let parts: Vec<&str> = bare.split(" · ").collect();
    // Whole parts left out from the middle, `left_out` of them.
    let without = |left_out: usize| {
        let kept = parts.len() - left_out;
        let head = kept.div_ceil(2);
        format!(
            "{} · … · {}",
            parts[..head].join(" · "),
            parts[parts.len() - (kept - head)..].join(" · ")
        )
    };
    // One part left out, where that is enough (an Insights title's scan figures go before
    // its log group is cut).
    if parts.len() > 2 {
        let text = without(1);
        if text.width() <= room {
            return padded(text);
        }
    }
    // Else the longest part (a filter, a path) cut in its middle, when it keeps half of itself
    // and 12 columns: a posts title lost its whole filter where a cut one fitted.
    if parts.len() > 1 {
        let over = bare.width().saturating_sub(room.saturating_sub(2));
        if let Some((i, longest)) = parts
            .iter()
            .enumerate()
            .max_by_key(|(i, p)| (p.width(), std::cmp::Reverse(*i)))
        {
            let keep = longest.width().saturating_sub(over);
            if keep >= 12 && keep * 2 >= longest.width() {
                let mut cut = parts.clone();
                let shortened = fit_middle(longest, keep as u16);
                cut[i] = &shortened;
                let text = cut.join(" · ");
                if text.width() <= room {
                    return padded(text);
                }
            }
        }
    }
    for left_out in 2..parts.len().saturating_sub(1) {
        let text = without(left_out);
        if text.width() <= room {
            return padded(text);
        }
    }
    if room >= 16 {
        format!(" {} ", fit_middle(bare, (room - 2) as u16))
    } else {
        fit_middle(bare, room as u16)
    }
}

/// `parts` laid out as ` · `-separated lines of at most `width` columns, each part kept
/// whole on one line (a key hint is never parted from its key); a part wider than the line
/// has one to itself, for the paragraph to wrap.
pub(crate) fn wrap_parts(parts: &[String], width: u16) -> Vec<String> {
    let width = usize::from(width);
    let mut lines: Vec<String> = Vec::new();
    for part in parts {
        match lines.last_mut() {
            Some(line) if line.width() + 3 + part.width() <= width => {
                line.push_str(" · ");
                line.push_str(part);
            }
            _ => lines.push(part.clone()),
        }
    }
    lines
}

/// Draws `hints` whole (joined by ` · `, a row each as [`wrap_parts`] lays them out) on the
/// last rows of `area`: at most `most` rows, leaving at least `keep` above them (one row of
/// keys all the same, where the body keeps a row). Returns the
/// rows above, for the pane's body: keys seen whatever the body's length.
pub(super) fn foot_hints(
    frame: &mut Frame<'_>,
    area: Rect,
    hints: &[String],
    most: usize,
    keep: u16,
    theme: &Theme,
) -> Rect {
    let foot = wrap_parts(hints, area.width);
    // One row of keys however short the pane, where it has a row for its body beside it.
    let room = area
        .height
        .saturating_sub(keep)
        .max(1)
        .min(area.height.saturating_sub(1));
    let rows = u16::try_from(foot.len().min(most))
        .unwrap_or(u16::MAX)
        .min(room);
    let [body, keys] = Layout::vertical([Constraint::Min(1), Constraint::Length(rows)]).areas(area);
    frame.render_widget(
        Paragraph::new(
            foot.into_iter()
                .map(|h| Line::styled(h, theme.muted()))
                .collect::<Vec<_>>(),
        ),
        keys,
    );
    body
}

/// The first of a title's forms, longest first, that fits `room` columns whole; else the
/// last, fitted by [`fit_title`]. A title whose parts all matter (where the view is, the keys
/// that move it) gives a shorter form instead of losing a part.
pub(crate) fn fit_title_forms(forms: &[String], room: u16) -> String {
    forms
        .iter()
        .find(|f| f.width() <= usize::from(room) || f.trim().width() <= usize::from(room))
        .map(|f| fit_title(f, room))
        .or_else(|| forms.last().map(|f| fit_title(f, room)))
        .unwrap_or_default()
}

/// Detail rows of `label  value` (two spans) whose value is too long for `width` columns,
/// wrapped with a hanging indent: the value's later rows start under its first character, not
/// under the label (a 128-character username reads as one block beside its label). Other lines
/// pass as they are, for the paragraph to wrap.
pub(super) fn hang(lines: Vec<Line<'static>>, width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width);
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let [label, value] = line.spans.as_slice() else {
            out.push(line);
            continue;
        };
        let indent = label.width();
        let room = width.saturating_sub(indent);
        if room < 8 || value.width() <= room {
            out.push(line);
            continue;
        }
        // One word (a sub, a status) that fits whole under the label, not beside it: it goes
        // on the next row, indented two, rather than cut (`6211785f-530e-4e3a-81d8-99` /
        // `15b3482468` at 80 columns, `FORCE_CHANGE_PA` / `SSWORD` at 60).
        if !value.content.contains(' ') && value.width() + 2 <= width {
            out.push(Line::from(vec![label.clone()]).style(line.style));
            out.push(
                Line::from(vec![
                    Span::styled("  ", label.style),
                    Span::styled(value.content.clone(), value.style),
                ])
                .style(line.style),
            );
            continue;
        }
        // At spaces where there are any (`215.1 KiB (220274 bytes)` breaks before `(`, not
        // inside the number); a word longer than the room (a key, an id) by character.
        let mut rows: Vec<String> = vec![String::new()];
        let mut used = 0;
        for word in value.content.split_inclusive(' ') {
            let body = word.trim_end_matches(' ').width();
            if used > 0 && used + body > room {
                rows.push(String::new());
                used = 0;
            }
            for c in word.chars() {
                let w = c.width().unwrap_or(0);
                if used + w > room {
                    // A space that would start a row ends the one before, unseen.
                    if c == ' ' {
                        continue;
                    }
                    rows.push(String::new());
                    used = 0;
                }
                used += w;
                if let Some(row) = rows.last_mut() {
                    row.push(c);
                }
            }
        }
        for (i, row) in rows.into_iter().enumerate() {
            let lead = if i == 0 {
                label.clone()
            } else {
                Span::styled(" ".repeat(indent), label.style)
            };
            out.push(Line::from(vec![lead, Span::styled(row, value.style)]).style(line.style));
        }
    }
    out
}

/// The least a whole column may be held to, however narrow the screen: a sub with its kind
/// (`user ` and 36 characters, as audit targets show it) is never cut.
const WHOLE_CAP_MIN: u16 = 41;

/// A ` · `-separated list cut to `width` columns by whole parts, the parts left out counted
/// (`1× harassment +4 more`): cut by characters, a part lost its words (`2×…`) and a part
/// already cut got a second `…`. `None` when not even one part and its count fit.
fn fit_counted(text: &str, width: usize) -> Option<String> {
    let mut parts: Vec<&str> = text.split(" · ").collect();
    let counted = parts
        .last()
        .and_then(|p| p.strip_prefix('+'))
        .and_then(|p| p.strip_suffix(" more"))
        .and_then(|n| n.parse::<usize>().ok());
    let mut more = 0;
    if let Some(n) = counted {
        parts.pop();
        more = n;
    }
    // A count alone has nothing to keep beside it.
    let first = *parts.first()?;
    for kept in (1..parts.len()).rev() {
        let shown = format!(
            "{} +{} more",
            parts[..kept].join(" · "),
            more + parts.len() - kept
        );
        if shown.width() <= width {
            return Some(shown);
        }
    }
    // One part, cut, and the count whole, where the part keeps a few columns.
    let left_out = more + parts.len().saturating_sub(1);
    let count = format!(" +{left_out} more");
    (left_out > 0 && count.width() + 6 <= width).then(|| {
        format!(
            "{}{count}",
            fit(first, u16::try_from(width - count.width()).unwrap_or(0))
        )
    })
}

/// `text` in at most `width` columns; when cut, its start and its end with `…` between, for
/// an id too long for its column: long names and keys often differ only at their end.
pub fn fit_middle(text: &str, width: u16) -> String {
    if width < 3 {
        return fit(text, width);
    }
    crate::text::middle(text, usize::from(width))
}

/// A cell of `column` in `width` columns: an id cut in its middle (both ends show), free text
/// at its end.
pub(super) fn fit_cell(column: &Column, text: &str, width: u16) -> String {
    match column.fit {
        Fit::Whole => fit_middle(text, width),
        // A name people choose is cut in its middle, as ids are: `Regular User 10` and
        // `Regular User 11` cut at their end both read `Regular …`.
        Fit::Free { .. } if column.cap_div > 0 || column.middle => fit_middle(text, width),
        Fit::Free { .. } if column.keeps_count && text.width() > usize::from(width) => {
            fit_counted(text, usize::from(width)).unwrap_or_else(|| fit(text, width))
        }
        Fit::Free { .. } => fit(text, width),
    }
}

/// `cells` as the selected row of a table: the selection's colours over every cell's own (a
/// cell drawn in the selection's background colour, an audit action or a `visible` status,
/// vanished on it; grey text read faintly on it).
pub(crate) fn selected_row(cells: Vec<Span<'static>>, theme: &Theme) -> Row<'static> {
    let selection = theme.selection();
    Row::new(cells.into_iter().map(|s| {
        let style = s.style.patch(selection);
        s.style(style)
    }))
    .style(selection)
}

/// `line` as the selected row draws it: the selection's colours over each span's own (a span
/// drawn in its own colour kept it on the selection's background, grey or yellow on cyan).
pub(crate) fn selected_line(line: Line<'static>, theme: &Theme) -> Line<'static> {
    let selection = theme.selection();
    Line::from(
        line.spans
            .into_iter()
            .map(|s| {
                let style = s.style.patch(selection);
                s.style(style)
            })
            .collect::<Vec<_>>(),
    )
    .style(selection)
}

/// `text` in at most `width` columns, ending with `…` when cut.
pub fn fit(text: &str, width: u16) -> String {
    let width = usize::from(width);
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// A pane's frame for an area `width` wide, its title fitted to it: a long bucket path or
/// name is cut in its middle, so the title's end (what is loaded, the keys) still shows.
pub(super) fn pane_block<'a>(title: String, width: u16, theme: &Theme) -> Block<'a> {
    framed(fit_title(&one_line(&title), width.saturating_sub(2)), theme)
}

/// A pane's frame whose title is what the pane shows (`info`, ` · `-separated) and then key
/// hints: where the whole does not fit, hints are left out from the first, so what is shown
/// and how much of it is loaded stay (the posts list at 80 columns lost its count and kept
/// `S order · v reports queue`); the keys are all in help (`?`).
pub(crate) fn pane_block_hinted<'a>(
    info: &str,
    hints: &[String],
    width: u16,
    theme: &Theme,
) -> Block<'a> {
    let info = one_line(info);
    // A hint's parenthesis goes before the hint does (`v alarms (0 firing)` left the Metrics
    // title at 80 columns for want of three, where `v alarms` fitted).
    let bare = |hint: &String| {
        hint.split_once(" (")
            .map_or_else(|| hint.clone(), |(key, _)| key.to_string())
    };
    let mut forms = Vec::new();
    for left_out in 0..=hints.len() {
        let kept = &hints[left_out..];
        if kept.is_empty() {
            forms.push(format!(" {info} "));
            continue;
        }
        forms.push(format!(" {info} · {} ", one_line(&kept.join(" · "))));
        let short: Vec<String> = kept.iter().map(bare).collect();
        if short != kept {
            forms.push(format!(" {info} · {} ", one_line(&short.join(" · "))));
        }
    }
    framed(fit_title_forms(&forms, width.saturating_sub(2)), theme)
}

fn framed<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Span::styled(title, theme.title(true)))
}

/// Draws `list` as a table of the visible rows only, columns sized by every loaded row.
pub(super) fn table<T>(
    frame: &mut Frame<'_>,
    area: Rect,
    list: &mut List<T>,
    theme: &Theme,
    columns: &[Column],
    cells: impl Fn(&T) -> Vec<Span<'static>>,
) {
    // Rows the source left out are said under the rows, before any column note: a page that
    // lost a row to a broken value looked whole.
    let area = match unread_note(list) {
        Some(text) if area.height >= 4 => {
            let [rows, note] =
                Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
            frame.render_widget(
                Paragraph::new(fit(&text, note.width)).style(theme.warning()),
                note,
            );
            rows
        }
        _ => area,
    };
    // Laid out for the rows that fit; again a row shorter when columns are left out, for the
    // line under the table that names them (a list dropped its times with nothing to say so).
    let mut note_rows = 0u16;
    let (rows, widths) = loop {
        let height = area.height.saturating_sub(1 + note_rows) as usize;
        let range = list.scroll_into_view(height);
        let offset = range.start;
        let rows: Vec<(usize, Vec<Span<'static>>)> = list.items[range]
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let cells = cells(item)
                    .into_iter()
                    .map(|s| Span::styled(one_line(&s.content), s.style))
                    .collect();
                (offset + i, cells)
            })
            .collect();
        // Sized by the widest cells of every row loaded, not only those on screen: the layout
        // holds still as rows scroll in and out of view (each row measured once, as it comes;
        // the rows on screen again, for a row changed since).
        let headers: Vec<&'static str> = columns.iter().map(|c| c.header).collect();
        let cell_width = |s: &str| u16::try_from(one_line(s).width()).unwrap_or(u16::MAX);
        let widest = list.widest_cells(&headers, |item| {
            cells(item).iter().map(|s| cell_width(&s.content)).collect()
        });
        for (_, cells) in &rows {
            for (seen, cell) in widest.iter_mut().zip(cells) {
                *seen = (*seen).max(u16::try_from(cell.content.width()).unwrap_or(u16::MAX));
            }
        }
        let natural = widest.clone();
        // One column for the mark, and its spacing.
        let widths = widths(columns, &natural, area.width.saturating_sub(1 + SPACING));
        let hidden = widths.iter().any(Option::is_none);
        if hidden && note_rows == 0 && area.height >= 5 {
            note_rows = 1;
            continue;
        }
        break (rows, widths);
    };
    let hidden: Vec<String> = columns
        .iter()
        .zip(&widths)
        .filter(|(_, w)| w.is_none())
        .map(|(c, _)| c.header.to_string())
        .collect();
    let area = if note_rows > 0 && !hidden.is_empty() {
        let [table, note] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
        frame.render_widget(left_out_for_room(&hidden, note.width, theme), note);
        table
    } else {
        area
    };
    let keep = |cells: Vec<Span<'static>>| -> Vec<Span<'static>> {
        cells
            .into_iter()
            .zip(&widths)
            .zip(columns)
            .filter_map(|((s, w), c)| w.map(|w| Span::styled(fit_cell(c, &s.content, w), s.style)))
            .collect()
    };
    let table_rows = rows.into_iter().map(|(index, cells)| {
        let mark = if list.marked.contains(&index) {
            "●"
        } else {
            " "
        };
        let mut c = vec![Span::styled(mark, theme.warning())];
        c.extend(keep(cells));
        if index == list.selected {
            selected_row(c, theme)
        } else {
            Row::new(c)
        }
    });
    // Where each shown column's header lands, for a click on it.
    list.header.clear();
    let mut x = area.x.saturating_add(1 + SPACING);
    for (i, w) in widths.iter().enumerate() {
        if let Some(w) = *w {
            list.header
                .push((i, x, x.saturating_add(w.saturating_sub(1))));
            x = x.saturating_add(w + SPACING);
        }
    }
    let mut constraints = vec![Constraint::Length(1)];
    constraints.extend(widths.iter().flatten().map(|w| Constraint::Length(*w)));
    let mut header = vec![Span::raw("")];
    header.extend(
        columns
            .iter()
            .zip(&widths)
            .filter(|(_, w)| w.is_some())
            .map(|(c, _)| Span::raw(c.header)),
    );
    frame.render_widget(
        Table::new(table_rows, constraints)
            .column_spacing(SPACING)
            .header(Row::new(header).style(theme.title(false))),
        area,
    );
}

/// The headers of the columns a table `width` wide leaves out.
pub(super) fn columns_left_out(rows: &TextRows, columns: &[Column], width: u16) -> Vec<String> {
    widths(columns, &rows.natural(), width)
        .iter()
        .zip(&rows.headers)
        .filter(|(w, _)| w.is_none())
        .map(|(_, h)| h.clone())
        .collect()
}

/// The table's rows and, when columns are left out and there is room, a row under them for
/// [`left_out_line`].
pub(super) fn note_row(area: Rect, hidden: &[String]) -> (Rect, Option<Rect>) {
    if hidden.is_empty() || area.height < 3 {
        return (area, None);
    }
    let [rows, note] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    (rows, Some(note))
}

/// The line under a table naming the columns it left out, and where to read them; shorter
/// when the row is narrow, the names kept first.
pub(super) fn left_out_line(
    hidden: &[String],
    how: &str,
    width: u16,
    theme: &Theme,
) -> Paragraph<'static> {
    let names = hidden.join(", ");
    let text = [
        format!("not shown for want of room: {names} ({how})"),
        format!("not shown for want of room: {names}"),
        format!("not shown: {names}"),
    ]
    .into_iter()
    .find(|t| t.width() <= usize::from(width))
    .unwrap_or_else(|| fit(&format!("not shown: {names}"), width));
    Paragraph::new(text).style(theme.muted())
}

/// [`left_out_line`] for columns a wider terminal would show.
pub(super) fn left_out_for_room(
    hidden: &[String],
    width: u16,
    theme: &Theme,
) -> Paragraph<'static> {
    let how = if hidden.len() == 1 {
        "a wider terminal shows it"
    } else {
        "a wider terminal shows them"
    };
    left_out_line(hidden, how, width, theme)
}

/// Each column's widest cell, its header included.
/// Rows of text for [`text_table`]: the headers, the rows on screen (each with its style), and
/// each column's least width, `floor` (the widest cell among rows not on screen, where the
/// caller measured them; empty for none).
pub(super) struct TextRows {
    pub headers: Vec<String>,
    pub cells: Vec<(Vec<String>, ratatui::style::Style)>,
    pub floor: Vec<u16>,
}

impl TextRows {
    /// Each column's widest cell among the headers and the rows, and at least its floor.
    fn natural(&self) -> Vec<u16> {
        let mut natural: Vec<u16> = self
            .headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.width() as u16).max(self.floor.get(i).copied().unwrap_or(0)))
            .collect();
        for (row, _) in &self.cells {
            for (i, c) in row.iter().enumerate().take(natural.len()) {
                natural[i] = natural[i].max(c.width().min(usize::from(u16::MAX)) as u16);
            }
        }
        natural
    }
}

/// Draws rows of text already on screen (`cells`, each with its style) under `headers`:
/// columns sized by `columns` from what they hold, the `selected` row (an index into `cells`)
/// highlighted; returns each column's width, `None` for one left out. For tables whose
/// columns are known only at run time (an Insights result, the Metrics table); lists of a
/// `List` use [`table`].
pub(super) fn text_table(
    frame: &mut Frame<'_>,
    area: Rect,
    rows: &TextRows,
    columns: &[Column],
    selected: Option<usize>,
    theme: &Theme,
) -> Vec<Option<u16>> {
    let TextRows { headers, cells, .. } = rows;
    let widths = widths(columns, &rows.natural(), area.width);
    let row_of = |row: &[String], style| -> Row<'static> {
        Row::new(
            row.iter()
                .zip(&widths)
                .zip(columns)
                .filter_map(|((c, w), col)| w.map(|w| Span::styled(fit_cell(col, c, w), style)))
                .collect::<Vec<_>>(),
        )
    };
    let rows: Vec<Row<'static>> = cells
        .iter()
        .enumerate()
        .map(|(i, (row, style))| {
            // The selection's colours over the cells' own (grey and yellow text were drawn on
            // the selection's cyan).
            if Some(i) == selected {
                row_of(row, style.patch(theme.selection())).style(theme.selection())
            } else {
                row_of(row, *style)
            }
        })
        .collect();
    let constraints: Vec<Constraint> = widths
        .iter()
        .flatten()
        .map(|w| Constraint::Length(*w))
        .collect();
    frame.render_widget(
        Table::new(rows, constraints)
            .column_spacing(SPACING)
            .header(row_of(headers, theme.title(false))),
        area,
    );
    widths
}

pub(super) fn message(
    frame: &mut Frame<'_>,
    area: Rect,
    text: String,
    failed: bool,
    theme: &Theme,
) {
    let style = if failed { theme.error() } else { theme.muted() };
    frame.render_widget(
        Paragraph::new(crate::text::printable(&text))
            .style(style)
            .wrap(Wrap { trim: true }),
        area,
    );
}

pub(super) fn count<T>(list: &List<T>) -> String {
    let more = if list.next.is_some() { "+" } else { "" };
    let marked = if list.marked.is_empty() {
        String::new()
    } else {
        format!(" · {} marked", list.marked.len())
    };
    let unread = match list.left_out {
        0 => String::new(),
        n => format!(" · {n} unreadable left out"),
    };
    format!("{}{more} loaded{marked}{unread}", list.items.len())
}

/// What the list says of the rows its source could not read: how many, and why the first.
pub(super) fn unread_note<T>(list: &List<T>) -> Option<String> {
    let why = list.left_out_why.as_deref()?;
    let said = crate::app::list::left_out_words(list.left_out, why);
    Some(one_line(&format!("{said} (the log has each)")))
}

pub(super) fn short_time(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "-".into())
}

/// Sparkline data in which every value above zero draws at least the lowest bar over `rows`
/// rows: the sparkline draws a value under an eighth of a row of the largest as nothing, so
/// beside one busy bin every quiet one read as empty (as a bin with no data does).
pub(super) fn visible_bars(data: &[u64], rows: u16) -> Vec<u64> {
    let max = data.iter().copied().max().unwrap_or(0);
    let least = max.div_ceil(8 * u64::from(rows.max(1)));
    data.iter()
        .map(|&v| if v > 0 { v.max(least) } else { 0 })
        .collect()
}
#[cfg(test)]
mod tests {

    /// Free text is dropped only once the capped columns are down to their least: the Audit
    /// log at 120 columns lost its reason (and who) while a long target took a third of the
    /// row and the spare went to the actor.
    #[test]
    fn capped_columns_give_way_before_free_text_is_dropped() {
        let columns = [
            Column::whole("when (UTC)", 1),
            Column {
                drop: 2,
                ..Column::id_capped("actor", 24)
            },
            Column::id("action"),
            Column {
                cap_min: 24,
                least: Some(24),
                ..Column::id("target")
            },
            Column::free("who", 8, 4),
            Column::free("reason", 10, 3),
        ];
        let out = widths(&columns, &[16, 60, 27, 60, 20, 40], 118);
        assert!(out.iter().all(Option::is_some), "{out:?}");
        assert!(out[3].unwrap() >= 24, "{out:?}");
        let used: u16 = out.iter().flatten().sum::<u16>() + 5;
        assert!(used <= 118, "{out:?}");
        // A long reason takes what the target holds beyond its least until it reads (it kept
        // 35 columns for two long keys while the reason had 10), and no more: where the reason
        // has its share already, the key keeps its room.
        let out = widths(&columns, &[16, 24, 18, 60, 12, 80], 118);
        assert!(out[3].is_some_and(|w| w < 39), "{out:?}");
        assert!(out[5].is_some_and(|w| w >= 15), "{out:?}");
        let out = widths(&columns, &[16, 12, 13, 60, 3, 80], 118);
        assert_eq!(out[3], Some(39), "{out:?}");
        // At 80 the columns go in their order, `who`, then the reason, then the actor: the
        // actor comes back cut in its middle before free text does (the row showed `who` and
        // a 9-column reason, and not who acted).
        let out = widths(&columns, &[11, 60, 17, 24, 20, 40], 78);
        assert!(out[1].is_some_and(|w| w >= 16), "{out:?}");
        assert_eq!((out[4], out[5]), (None, None), "{out:?}");
    }

    /// The queue's reasons cut at 30 columns keep their `+2 more`: cut at the end, a
    /// moderator could not tell that more reasons were given.
    #[test]
    fn a_count_of_what_a_cut_cell_leaves_out_stays() {
        let column = Column::free_counted("reasons", 24, 1);
        let label = "1× harassment · 1× hate speech · 1× impersonati… · +2 more";
        assert_eq!(fit_cell(&column, label, 80), label);
        // Whole reasons are left out and counted with the others (cut by characters, one read
        // `2×…` and a cut one `impersonati……`).
        assert_eq!(
            fit_cell(&column, label, 40),
            "1× harassment · 1× hate speech +3 more"
        );
        assert_eq!(fit_cell(&column, label, 30), "1× harassment +4 more");
        // One reason cut, with its count whole.
        assert_eq!(
            fit_cell(&column, "3× impersonati… · 2× spam", 20),
            "3× imperson… +1 more"
        );
        // Too narrow for one reason and its count: cut at its end.
        assert_eq!(fit_cell(&column, label, 10), "1× harass…");
        // A count alone is cut at its end.
        assert_eq!(fit_cell(&column, "+12 more", 6), "+12 m…");
        assert_eq!(
            fit_cell(&column, "1× harassment · 2× spam", 12),
            "1× harassme…"
        );
        assert_eq!(
            fit_cell(&column, "3× impersonati… · 2× spam", 17),
            "3× imper… +1 more"
        );
    }
    use super::*;

    /// A quiet bin beside a busy one draws the lowest bar, an empty one nothing.
    #[test]
    fn every_value_above_zero_draws_a_bar() {
        let data = visible_bars(&[1000, 3, 0, 120], 1);
        assert_eq!(data, [1000, 125, 0, 125]);
        let mut buffer = ratatui::buffer::Buffer::empty(Rect::new(0, 0, 4, 1));
        ratatui::widgets::Widget::render(
            ratatui::widgets::Sparkline::default().data(&data),
            buffer.area,
            &mut buffer,
        );
        let drawn: String = (0..4)
            .map(|x| buffer[(x, 0)].symbol().to_string())
            .collect();
        assert_eq!(drawn, "█▁ ▁");
    }
    use proptest::prelude::*;

    fn sum(w: &[Option<u16>]) -> u32 {
        let shown: Vec<u16> = w.iter().flatten().copied().collect();
        shown.iter().map(|w| u32::from(*w)).sum::<u32>()
            + u32::from(SPACING) * (shown.len() as u32).saturating_sub(1)
    }

    /// A whole column marked `last_back` does not come back into a narrow row over one wanted
    /// more that stays out (a folder at 60 columns kept `class` and left out `size`).
    #[test]
    fn a_last_back_column_waits_for_those_wanted_more() {
        let columns = [
            Column::id("name"),
            Column::whole("size", 2),
            Column::whole("modified (UTC)", 3),
            Column::whole("class", 4).last_back(),
        ];
        // name 40, size 10, modified 16, class 8: 42 leaves room for the name and 1 more.
        let w = widths(&columns, &[40, 10, 16, 8], 51);
        assert_eq!(w, [Some(40), Some(10), None, None]);
        // Without the mark, class came back in the room size could not take.
        let plain = [
            Column::id("name"),
            Column::whole("size", 2),
            Column::whole("modified (UTC)", 3),
            Column::whole("class", 4),
        ];
        let w = widths(&plain, &[40, 12, 16, 8], 51);
        assert_eq!(w, [Some(40), None, None, Some(8)]);
        let w = widths(&columns, &[40, 12, 16, 8], 51);
        assert_eq!(w, [Some(40), None, None, None]);
    }

    /// A 120-character author takes a fifth of a 120-column posts list and the text the
    /// rest (it took 41 columns and cut the text); a short text leaves the author its room.
    #[test]
    fn a_long_name_takes_a_fifth_of_the_row() {
        let cols = crate::ui::posts::POSTS_COLUMNS;
        let w = widths(&cols, &[4, 16, 7, 120, 3, 200], 118);
        assert_eq!(w[3], Some(23), "{w:?}");
        assert_eq!(sum(&w), 118, "{w:?}");
        let w = widths(&cols, &[4, 16, 7, 120, 3, 20], 118);
        assert_eq!(w[5], Some(20), "{w:?}");
        assert_eq!(
            w[3],
            Some(118 - 4 - 16 - 7 - 3 - 20 - 5),
            "the rest to the name: {w:?}"
        );
    }

    /// Names cut to the same room keep their ends apart; free text is cut at its end.
    #[test]
    fn names_are_cut_in_their_middle_and_text_at_its_end() {
        let cols = crate::ui::posts::POSTS_COLUMNS;
        let ten = fit_cell(&cols[3], "Regular User 10", 12);
        let eleven = fit_cell(&cols[3], "Regular User 11", 12);
        assert_ne!(ten, eleven);
        assert!(ten.ends_with("10") && ten.contains('…'), "{ten}");
        assert_eq!(fit_cell(&cols[5], "Regular User 10", 12), "Regular Use…");
    }

    #[test]
    fn whole_columns_keep_their_width_and_free_text_takes_the_rest() {
        let cols = [
            Column::id("username"),
            Column::free("name", 6, 2),
            Column::id("status"),
            Column::whole("created", 3),
        ];
        let w = widths(&cols, &[36, 40, 21, 16], 120);
        assert_eq!(w, vec![Some(36), Some(40), Some(21), Some(16)]);
        let narrow = widths(&cols, &[36, 40, 21, 16], 80);
        assert_eq!(narrow[0], Some(36));
        assert_eq!(narrow[2], Some(21));
        assert!(sum(&narrow) <= 80, "{narrow:?}");
        let tight = widths(&cols, &[36, 40, 21, 16], 60);
        assert_eq!(tight[3], None, "created goes first: {tight:?}");
        assert_eq!((tight[0], tight[2]), (Some(36), Some(21)));
    }

    /// A free column that does not fit at its `min` comes back narrower when the row has room
    /// to spare: at 80 columns the reports queue kept a `user <sub>` target and dropped its
    /// reasons and text, leaving 25 columns empty. The one that comes back is the reasons,
    /// which a moderator judges by.
    #[test]
    fn a_dropped_free_column_comes_back_narrower_into_the_room_left() {
        let cols = crate::ui::posts::QUEUE_COLUMNS;
        // A `user <sub>` target sized whole (41 columns, as before it was capped at a fifth).
        let mut whole_target = cols;
        whole_target[0] = Column::id("target");
        let w = widths(&whole_target, &[41, 7, 4, 30, 12, 60, 16, 16], 78);
        assert_eq!((w[0], w[1], w[2]), (Some(41), Some(7), Some(4)));
        assert!(
            w[3].is_some_and(|t| t >= SQUEEZED_MIN),
            "the reasons are back: {w:?}"
        );
        assert!(sum(&w) <= 78, "{w:?}");
        assert!(
            78 - sum(&w) < u32::from(SQUEEZED_MIN) + 1,
            "no room left unused: {w:?}"
        );
        assert_eq!((w[6], w[7]), (None, None));
        // Capped, the target keeps 20 columns (both ends of the sub) and the reasons and the
        // text show beside it.
        let w = widths(&cols, &[41, 7, 4, 30, 12, 60, 16, 16], 76);
        assert_eq!(w[0], Some(20), "{w:?}");
        assert!(w[3] >= Some(20) && w[5] >= Some(12), "{w:?}");
        assert!(sum(&w) <= 76, "{w:?}");
    }

    /// A username of 120 characters takes a fifth of the row (24 columns at least) and what
    /// the row has to spare, not all of it: the e-mail and the name still show, and the name
    /// shows both its ends. An id column keeps a third of the row and 41 columns at least (a
    /// `user <sub>`).
    #[test]
    fn a_very_long_id_takes_a_share_of_the_row_and_shows_both_ends() {
        let cols = super::super::users::USER_COLUMNS;
        let w = widths(&cols, &[120, 20, 24, 21, 7, 16], 114);
        assert_eq!(
            w,
            [24, 17, 24, 21, 7, 16].map(Some),
            "every column, the name cut"
        );
        assert_eq!(sum(&w), 114, "{w:?}");
        // Room to spare goes back to the name.
        let w = widths(&cols, &[120, 20, 24, 21, 7, 16], 160);
        assert_eq!(w, [67, 20, 24, 21, 7, 16].map(Some));
        // At 100 columns (96 beside the frame and the selection mark, the narrowest these
        // columns are drawn at) a 30-character e-mail stays whole beside the name, the
        // longest status and whether the account is enabled; the date gives way.
        let w = widths(&cols, &[120, 20, 30, 21, 7, 16], 96);
        assert_eq!(
            (w[0], w[2], w[3], w[4], w[5]),
            (Some(24), Some(30), Some(21), Some(7), None),
            "{w:?}"
        );
        assert!(w[1].is_some_and(|n| n >= 8), "{w:?}");
        assert!(sum(&w) <= 96, "{w:?}");
        let ids = [Column::id("target"), Column::free("text", 10, 1)];
        assert_eq!(
            widths(&ids, &[120, 30], 76)[0],
            Some(45),
            "41, and the 4 the text leaves"
        );
        assert_eq!(widths(&ids, &[120, 30], 180)[0], Some(120), "it fits whole");
        let long = format!("{}-end", "x".repeat(116));
        let cut = fit_middle(&long, 40);
        assert_eq!(cut.width(), 40, "{cut}");
        assert!(cut.starts_with("xxxx") && cut.ends_with("x-end") && cut.contains('…'));
        assert_eq!(fit_middle("admin<U+3164>", 57), "admin<U+3164>");
        assert_eq!(fit_middle("사진잘찍으셨네요", 9), "사진…네요");
        // Cut again where it was cut: one `…`.
        let once = fit_middle("user 40d97c1e-0b2a-4c4e-9f3d-0a12c4083fcb", 24);
        let twice = fit_middle(&once, 16);
        assert_eq!(twice.matches('…').count(), 1, "{once} → {twice}");
        assert_eq!(twice.width(), 16, "{twice}");
        assert!(
            twice.starts_with("user 40d") && twice.ends_with("4083fcb"),
            "{twice}"
        );
    }

    #[test]
    fn key_hints_wrap_whole() {
        let parts: Vec<String> = ["w download", "L link", "X delete", "U user", "esc back"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            wrap_parts(&parts, 37),
            ["w download · L link · X delete", "U user · esc back"]
        );
        assert_eq!(wrap_parts(&parts, 80).len(), 1);
        assert_eq!(
            wrap_parts(&parts, 4),
            parts,
            "one a line, the long ones to wrap"
        );
    }

    #[test]
    fn a_title_too_long_leaves_out_whole_parts_from_its_middle() {
        let title = "Insights · complete · 15 rows · 0 matched of 12345 scanned (2.4 MiB) · /aws/lambda/shop-api · 12-04 12:44..12-04 13:49 UTC";
        let fitted = fit_title(title, 100);
        assert_eq!(
            fitted,
            " Insights · complete · 15 rows · … · /aws/lambda/shop-api · 12-04 12:44..12-04 13:49 UTC "
        );
        assert_eq!(fit_title(" Users · 3 loaded ", 40), " Users · 3 loaded ");
        assert_eq!(
            fit_title(" Detail · lines 22–32 of 32 · J/K scroll ", 40),
            " Detail · lines 22–32 of 32 · J/K scroll"
        );
        // A long part (a filter) is cut in its middle before whole parts are left out.
        let posts = " Posts · matching status:visible since:2026-11-20 free followers · newest first · 11 loaded ";
        let fitted = fit_title(posts, 76);
        assert!(
            fitted.width() <= 76
                && fitted.starts_with(" Posts · matching status:vis")
                && fitted.contains('…')
                && fitted.ends_with(" followers · newest first · 11 loaded "),
            "{fitted:?}"
        );
        let forms = [
            " Detail · lines 22–32 of 32 · J/K scroll ".to_string(),
            " Detail 22–32/32 · J/K ".to_string(),
            " 22–32/32 J/K ".to_string(),
        ];
        assert_eq!(
            fit_title_forms(&forms, 40),
            " Detail · lines 22–32 of 32 · J/K scroll"
        );
        assert_eq!(fit_title_forms(&forms, 26), " Detail 22–32/32 · J/K ");
        assert_eq!(fit_title_forms(&forms, 12), "22–32/32 J/K");
        assert_eq!(fit_title_forms(&forms, 9), "22–3… J/K");
        let path = format!(" s3://media/{}/ · 1 loaded ", "d".repeat(200));
        let cut = fit_title(&path, 60);
        assert!(
            cut.width() <= 60 && cut.trim_end().ends_with("/ · 1 loaded"),
            "{cut}"
        );
    }

    #[test]
    fn a_long_detail_value_hangs_under_itself() {
        let label = Span::raw("      username  ");
        let value = Span::raw(format!("{}-end", "x".repeat(60)));
        let lines = hang(
            vec![
                Line::from(vec![label.clone(), value]),
                Line::raw("Attributes"),
                Line::from(vec![label, Span::raw("short")]),
            ],
            40,
        );
        let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        assert_eq!(text.len(), 5, "{text:?}");
        assert_eq!(text[0], format!("      username  {}", "x".repeat(24)));
        assert_eq!(text[1], format!("                {}", "x".repeat(24)));
        assert_eq!(text[2], format!("                {}-end", "x".repeat(12)));
        assert_eq!(text[3], "Attributes");
        assert_eq!(text[4], "      username  short");
        // Words stay whole where the value has spaces; a word too long for a row is cut.
        let size = Span::raw("215.1 KiB (220274 bytes)");
        let lines = hang(vec![Line::from(vec![Span::raw("  size  "), size])], 28);
        let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        assert_eq!(text, ["  size  215.1 KiB (220274 ", "        bytes)"]);
        let mixed = Span::raw(format!("a {} b", "k".repeat(30)));
        let lines = hang(vec![Line::from(vec![Span::raw("  key  "), mixed])], 27);
        let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        assert_eq!(
            text,
            [
                "  key  a ".to_string(),
                format!("       {}", "k".repeat(20)),
                format!("       {} b", "k".repeat(10)),
            ]
        );
    }

    /// On a terminal too narrow for the ids themselves, they are cut in their middle, never
    /// clipped to something that reads as another id.
    #[test]
    fn ids_too_wide_for_a_tiny_terminal_are_cut_in_the_middle() {
        let cols = [
            Column::id("item"),
            Column::id("status"),
            Column::free("text", 8, 2),
        ];
        let out = widths(&cols, &[9, 7, 30], 12);
        assert_eq!(out[2], None, "the free text goes first");
        let (item, status) = (out[0].unwrap(), out[1].unwrap());
        assert!(item + status + SPACING <= 12, "{out:?}");
        let shown = fit_cell(&cols[0], "post #196", item);
        assert!(shown.contains('…') && shown.ends_with('6'), "{shown}");
    }

    #[test]
    fn cut_text_says_so() {
        assert_eq!(fit("comment #10380", 20), "comment #10380");
        assert_eq!(fit("hello world", 6), "hello…");
        assert_eq!(fit("사진 잘 찍으셨네요", 7), "사진 …");
    }

    proptest! {
        /// Whatever the terminal's width (80 and more) and whatever the rows hold, every id
        /// column keeps its whole width, and the row fits the screen.
        #[test]
        fn ids_are_never_cut(
            available in 80u16..400,
            id_widths in proptest::collection::vec(1u16..=36, 1..3),
            free in proptest::collection::vec((0u16..500, 1u16..20, 1u8..6), 0..4),
            optional in proptest::collection::vec((1u16..=20, 1u8..6), 0..3),
        ) {
            let mut cols = Vec::new();
            let mut natural = Vec::new();
            for w in &id_widths {
                cols.push(Column::id("id"));
                natural.push(*w);
            }
            for (w, min, drop) in &free {
                cols.push(Column::free("text", *min, *drop));
                natural.push(*w);
            }
            for (w, drop) in &optional {
                cols.push(Column::whole("when", *drop));
                natural.push(*w);
            }
            let out = widths(&cols, &natural, available);
            for (i, c) in cols.iter().enumerate() {
                if c.drop == 0 {
                    prop_assert_eq!(out[i], Some(natural[i]));
                }
                if c.fit == Fit::Whole && let Some(w) = out[i] {
                    prop_assert_eq!(w, natural[i], "a whole column of an id's usual length is never cut");
                }
            }
            prop_assert!(sum(&out) <= u32::from(available), "{:?} over {}", out, available);
        }
    }
}
