//! The lines of a log: cleaned for the terminal, coloured by level, search matches marked,
//! wrapped or cut, and only those on screen read from the buffer.

use super::*;
use crate::ui::wrap::wrap_spans;

/// Display text for a stored line ([`crate::text::log_text`]), so a log line can never move
/// the terminal's cursor.
pub(super) fn clean(text: &str) -> String {
    crate::text::log_text(text)
}

pub fn level_style(level: Level, kind: LineKind, theme: &Theme) -> Style {
    match kind {
        LineKind::Start | LineKind::End | LineKind::Platform => return theme.muted(),
        LineKind::Report if level < Level::Error => return theme.ok(),
        LineKind::Sampled
        | LineKind::Gap
        | LineKind::Reconnected
        | LineKind::Gone
        | LineKind::Note => {
            return theme.warning().add_modifier(Modifier::BOLD);
        }
        _ => {}
    }
    match level {
        Level::Error | Level::Fatal => theme.error(),
        Level::Warn => theme.warning(),
        Level::Debug | Level::Trace => theme.muted(),
        Level::Info | Level::Unknown => theme.text(),
    }
}

/// The style search matches are drawn in.
pub fn match_style(theme: &Theme) -> Style {
    theme
        .warning()
        .add_modifier(Modifier::REVERSED | Modifier::BOLD)
}

/// The widest a group's label gets.
const LABEL_MAX: usize = 24;

/// How lines name their group: by the part that tells the groups in view apart (what they
/// share at the start and at the end removed, at a `/`, `-`, `_` or `.`), whole when it fits
/// (else cut in its middle), each in its own colour.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupLabels {
    names: Vec<String>,
    labels: Vec<String>,
    width: usize,
}

fn is_separator(c: char) -> bool {
    matches!(c, '/' | '-' | '_' | '.')
}

impl GroupLabels {
    pub fn new(names: &[String]) -> Self {
        Self::within(names, LABEL_MAX)
    }

    /// The same, each label at most `max` columns: a row of 40 columns keeps room for the
    /// message beside the time and the label.
    pub fn within(names: &[String], max: usize) -> Self {
        let last = |n: &str| n.rsplit('/').next().unwrap_or(n).to_string();
        let labels: Vec<String> = if names.len() <= 1 {
            names.iter().map(|n| last(n)).collect()
        } else {
            let chars: Vec<Vec<char>> = names.iter().map(|n| n.chars().collect()).collect();
            let shortest = chars.iter().map(Vec::len).min().unwrap_or(0);
            let mut prefix = (0..shortest)
                .take_while(|i| chars.iter().all(|c| c[*i] == chars[0][*i]))
                .count();
            // Back to just after a separator, so a label starts at a word.
            while prefix > 0 && !is_separator(chars[0][prefix - 1]) {
                prefix -= 1;
            }
            let mut suffix = (0..shortest - prefix)
                .take_while(|i| {
                    chars
                        .iter()
                        .all(|c| c[c.len() - 1 - *i] == chars[0][chars[0].len() - 1 - *i])
                })
                .count();
            while suffix > 0 && !is_separator(chars[0][chars[0].len() - suffix]) {
                suffix -= 1;
            }
            chars
                .iter()
                .zip(names)
                .map(|(c, name)| {
                    let middle: String = c[prefix..c.len() - suffix].iter().collect();
                    let middle = middle.trim_matches(is_separator).to_string();
                    if middle.is_empty() {
                        last(name)
                    } else {
                        middle
                    }
                })
                .collect()
        };
        let labels: Vec<String> = labels
            .iter()
            // Cut in the middle: names that differ only at their end (`…-eu`, `…-us`) stay
            // apart.
            .map(|l| super::super::table::fit_middle(&clean(l), max.clamp(3, LABEL_MAX) as u16))
            .collect();
        let width = labels
            .iter()
            .map(|l| unicode_width::UnicodeWidthStr::width(l.as_str()))
            .max()
            .unwrap_or(0);
        Self {
            names: names.to_vec(),
            labels,
            width,
        }
    }

    /// The same labels, padded only as wide as the widest of `shown` (a request's lines in one
    /// group kept the padding of the tail's widest label).
    pub fn padded_for(mut self, shown: &[String]) -> Self {
        self.width = shown
            .iter()
            .map(|g| unicode_width::UnicodeWidthStr::width(self.of(g).0.trim_end()))
            .max()
            .unwrap_or(self.width);
        self
    }

    /// The label of `group` padded to the widest, and its colour's index.
    pub fn of(&self, group: &str) -> (String, usize) {
        let i = self.names.iter().position(|n| n == group);
        let label = i.map_or_else(|| clean(group), |i| self.labels[i].clone());
        let pad = self
            .width
            .saturating_sub(unicode_width::UnicodeWidthStr::width(label.as_str()));
        (format!("{label}{}", " ".repeat(pad)), i.unwrap_or(0))
    }
}

/// How a list of lines is drawn.
pub(super) struct LineStyle<'a> {
    pub timestamps: bool,
    /// The lines span more than one day (UTC): each time has its date (a 30-day query's lines
    /// read alike from one day to the next).
    pub dates: bool,
    /// The groups' labels, when lines of more than one group are shown.
    pub groups: Option<&'a GroupLabels>,
    pub wrap: bool,
    pub search: Option<&'a Search>,
    pub anchor: Option<u64>,
}

/// Whether the buffer's first and last lines fall on different days (UTC).
pub(super) fn spans_days(buffer: &crate::app::logs::buffer::LogBuffer) -> bool {
    let day = |seq: u64| buffer.get(seq).map(|l| l.ts_ms.div_euclid(86_400_000));
    let first = day(buffer.first_seq());
    let last = buffer.end_seq().checked_sub(1).and_then(day);
    matches!((first, last), (Some(a), Some(b)) if a != b)
}

/// The spans of one line.
pub(super) fn line_spans(
    l: &LineRef<'_>,
    opts: &LineStyle<'_>,
    selected: u64,
    theme: &Theme,
) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let in_range = opts
        .anchor
        .is_some_and(|a| (a.min(selected)..=a.max(selected)).contains(&l.seq));
    let gutter = if in_range { "┃" } else { " " };
    spans.push(Span::styled(gutter, theme.warning()));
    if opts.timestamps {
        let at = DateTime::from_timestamp_millis(l.ts_ms).unwrap_or_default();
        let format = if opts.dates {
            "%m-%d %H:%M:%S%.3f "
        } else {
            "%H:%M:%S%.3f "
        };
        spans.push(Span::styled(at.format(format).to_string(), theme.muted()));
    }
    if let Some(labels) = opts.groups.filter(|_| !l.kind.is_marker()) {
        let (label, colour) = labels.of(l.group);
        spans.push(Span::styled(format!("{label} "), theme.group(colour)));
    }
    let style = level_style(l.level, l.kind, theme);
    if l.kind.is_marker() {
        let icon = match l.kind {
            LineKind::Sampled => "◇ sampled: ",
            LineKind::Gap => "⚠ gap: ",
            LineKind::Reconnected => "↻ ",
            LineKind::Gone => "⚠ gone: ",
            _ => "ℹ ",
        };
        spans.push(Span::styled(
            format!("── {icon}{} ──", clean(l.text)),
            style,
        ));
        return spans;
    }
    let ranges = opts.search.map(|s| s.ranges(l.text)).unwrap_or_default();
    let mut at = 0;
    for (from, to) in ranges {
        if from > at {
            spans.push(Span::styled(clean(&l.text[at..from]), style));
        }
        spans.push(Span::styled(clean(&l.text[from..to]), match_style(theme)));
        at = to;
    }
    if at < l.text.len() || l.text.is_empty() {
        spans.push(Span::styled(clean(&l.text[at..]), style));
    }
    spans
}

/// One row of at most `width` columns, for lines not wrapped: a message longer than its room
/// ends with `…`, and one whose first search match lies past the right edge is shown from a
/// little before that match, behind a `…` (a match in a 12 KB line was drawn past the edge, with
/// nothing on the row to say it was there).
pub(super) fn clip_spans(
    spans: Vec<Span<'static>>,
    prefix: usize,
    width: usize,
    theme: &Theme,
) -> Vec<Span<'static>> {
    let total: usize = spans.iter().map(Span::width).sum();
    if total <= width {
        return spans;
    }
    let mut spans = spans.into_iter();
    let mut out: Vec<Span<'static>> = spans.by_ref().take(prefix).collect();
    let room = width.saturating_sub(out.iter().map(Span::width).sum());
    if room < 2 {
        return out;
    }
    let message: Vec<Span<'static>> = spans.collect();
    let hit = match_style(theme);
    // Where the first match starts and ends, in columns of the message.
    let mut column = 0;
    let mut first_match = None;
    for span in &message {
        if span.style == hit && first_match.is_none() {
            first_match = Some((column, column + span.width()));
        }
        column += span.width();
    }
    // The columns of the message shown: from `start`, with a `…` before and after where cut.
    let start = match first_match {
        Some((from, to)) if to > room - 1 => {
            // The match a third of the way in (all of it where it fits), after a `…`.
            let context = (room / 3).min(room.saturating_sub(2 + (to - from)));
            from.saturating_sub(context).max(1)
        }
        _ => 0,
    };
    let lead = usize::from(start > 0);
    let end_room = room - lead;
    let cut_end = column - start > end_room;
    let keep = if cut_end { end_room - 1 } else { end_room };
    if lead == 1 {
        out.push(Span::styled("…", theme.muted()));
    }
    let mut at = 0;
    let mut used = 0;
    for span in message {
        let mut piece = String::new();
        for c in span.content.chars() {
            let w = c.width().unwrap_or(0);
            if at >= start && used + w <= keep {
                piece.push(c);
                used += w;
            }
            at += w;
        }
        if !piece.is_empty() {
            out.push(Span::styled(piece, span.style));
        }
    }
    if cut_end {
        out.push(Span::styled("…", theme.muted()));
    }
    out
}

pub(super) fn rendered(
    l: &LineRef<'_>,
    opts: &LineStyle<'_>,
    selected: u64,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let spans = line_spans(l, opts, selected, theme);
    let prefix = 1
        + usize::from(opts.timestamps)
        + usize::from(opts.groups.is_some() && !l.kind.is_marker());
    let mut lines = if opts.wrap {
        wrap_spans(spans, prefix, width)
    } else {
        vec![Line::from(clip_spans(spans, prefix, width, theme))]
    };
    if l.seq == selected {
        for line in &mut lines {
            for span in &mut line.spans {
                span.style = span.style.patch(theme.selection());
            }
            line.style = theme.selection();
        }
    }
    lines
}

/// The first row of `l`, wrapped to `width`, that holds a search match.
fn first_match_row(
    l: &LineRef<'_>,
    opts: &LineStyle<'_>,
    width: usize,
    theme: &Theme,
) -> Option<usize> {
    opts.search?;
    let hit = match_style(theme);
    // Drawn as not selected, so the match keeps its own style.
    rendered(l, opts, l.seq.wrapping_add(1), width, theme)
        .iter()
        .position(|row| row.spans.iter().any(|s| s.style == hit))
}

/// Draws the rows of `rows` around the selection, reading only the lines that fit; returns the
/// line number drawn on each screen row from [`crate::ui::LIST_TOP`] down (for mouse clicks).
pub(super) fn draw_rows(
    frame: &mut Frame<'_>,
    area: Rect,
    buffer: &LogBuffer,
    rows: Rows<'_>,
    scroll: &mut Scroll,
    opts: &LineStyle<'_>,
    theme: &Theme,
) -> Vec<Option<u64>> {
    let height = area.height as usize;
    let width = area.width as usize;
    scroll.viewport = height.max(1);
    if rows.is_empty() || height == 0 {
        return Vec::new();
    }
    let selected_pos = rows.position(scroll.selected).min(rows.len() - 1);
    // Matches with context: a `--` row between lines that are not neighbours, as grep draws.
    let gap_before = |pos: usize| -> bool {
        matches!(rows, Rows::Only(_)) && pos > 0 && rows.at(pos) != rows.at(pos - 1).map(|s| s + 1)
    };
    let height_of = |pos: usize| -> usize {
        let gap = usize::from(gap_before(pos));
        if !opts.wrap {
            return 1 + gap;
        }
        gap + rows.at(pos).and_then(|s| buffer.get(s)).map_or(1, |l| {
            rendered(&l, opts, scroll.selected, width, theme).len()
        })
    };
    // The first row drawn: the selection stays in view, as near the old top as it can.
    let old_top = rows.position(scroll.offset);
    let mut top = old_top.min(selected_pos);
    if scroll.follow {
        top = selected_pos;
    }
    // Matches with context: the selection's block (the match and the lines around it) is
    // kept whole in view where it fits, from its start when it is above the view and moved
    // down just enough for its end when that is below (`n` and `N` put the match on the top
    // or bottom row with its context out of view).
    if matches!(rows, Rows::Only(_)) && !scroll.follow {
        let (mut start, mut end) = (selected_pos, selected_pos);
        while start > 0 && !gap_before(start) {
            start -= 1;
        }
        while end + 1 < rows.len() && !gap_before(end + 1) {
            end += 1;
        }
        let block: usize = (start..=end).map(&height_of).sum();
        if block <= height {
            top = top.min(start);
            let mut to_end: usize = (top..=end).map(&height_of).sum();
            while to_end > height && top < start {
                to_end -= height_of(top);
                top += 1;
            }
        } else if old_top > selected_pos {
            while top > 0 && !gap_before(top) && selected_pos - top < height / 2 {
                top -= 1;
            }
        }
    }
    let mut used: usize = (top..=selected_pos).map(&height_of).sum();
    while used > height && top < selected_pos {
        used -= height_of(top);
        top += 1;
    }
    if scroll.follow {
        while top > 0 {
            let h = height_of(top - 1);
            if used + h > height {
                break;
            }
            used += h;
            top -= 1;
        }
    }
    // No blank rows under the last line while lines above the top are out of view: a search
    // with context (`C`) kept the old top, and showed the last match's few rows at the top of
    // an empty pane with the other matches above it, unseen.
    let mut below: usize = 0;
    let mut pos = top;
    while pos < rows.len() && below < height {
        below += height_of(pos);
        pos += 1;
    }
    while top > 0 && below < height {
        let h = height_of(top - 1);
        if below + h > height {
            break;
        }
        below += h;
        top -= 1;
    }
    scroll.offset = rows.at(top).unwrap_or(scroll.offset);
    let mut lines = Vec::new();
    let mut screen = vec![None; area.y.saturating_sub(crate::ui::LIST_TOP) as usize];
    // Rows still to spare above the first whole line, the line before it taller than they
    // are (a wrapped REPORT line): its last rows fill them (at the end of the lines, `G` left
    // the rows above the last lines empty).
    let spare = height.saturating_sub(below);
    if spare > 0
        && top > 0
        && opts.wrap
        && !gap_before(top)
        && let Some(line) = rows.at(top - 1).and_then(|s| buffer.get(s))
    {
        let rows_of_line = rendered(&line, opts, scroll.selected, width, theme);
        let skip = rows_of_line.len().saturating_sub(spare);
        for row in rows_of_line.into_iter().skip(skip) {
            screen.push(Some(line.seq));
            lines.push(row);
        }
    }
    let mut pos = top;
    while lines.len() < height {
        let Some(line) = rows.at(pos).and_then(|s| buffer.get(s)) else {
            break;
        };
        if gap_before(pos) && lines.len() < height {
            screen.push(Some(line.seq));
            lines.push(Line::styled("--", theme.muted()));
        }
        let rows_of_line = rendered(&line, opts, scroll.selected, width, theme);
        // A selected line taller than the pane (a 12 KB line, wrapped) starts a little above
        // its first match, so the hit a search went to is on screen.
        let skip = if line.seq == scroll.selected && rows_of_line.len() > height {
            first_match_row(&line, opts, width, theme).map_or(0, |row| {
                row.saturating_sub(2).min(rows_of_line.len() - height)
            })
        } else {
            0
        };
        // Its first row (the time and the group) stays on top, then the rows from near the
        // match, the gap marked with `…` where their message starts.
        let shown = rows_of_line
            .into_iter()
            .enumerate()
            .filter(|(i, _)| skip == 0 || *i == 0 || *i > skip);
        for (i, mut row) in shown {
            if skip > 0 && i == skip + 1 {
                mark_gap(&mut row, theme);
            }
            if lines.len() < height {
                screen.push(Some(line.seq));
                lines.push(row);
            }
        }
        pos += 1;
    }
    frame.render_widget(Paragraph::new(lines), area);
    screen
}

/// Puts `…` at the end of a continuation row's indent, where rows of its line are left out
/// above it.
fn mark_gap(row: &mut Line<'static>, theme: &Theme) {
    if let Some(indent) = row.spans.get_mut(1)
        && indent.content.len() >= 2
        && indent.content.chars().all(|c| c == ' ')
    {
        let n = indent.content.len();
        *indent = Span::styled(format!("{}… ", " ".repeat(n - 2)), theme.muted());
    } else {
        // No indent (a pane too narrow for one): the mark goes first, the row's last column
        // giving way to it, rather than the gap go unmarked.
        row.spans.insert(0, Span::styled("…", theme.muted()));
    }
}

pub(super) fn main_lines(frame: &mut Frame<'_>, area: Rect, pane: &mut LogsPane, theme: &Theme) {
    pane.refresh_rows();
    // Only matches with their context, and no match: say so rather than draw nothing.
    if pane.context > 0
        && !pane.buffer.is_empty()
        && let Some(s) = pane.search.as_ref().filter(|s| s.matches.is_empty())
    {
        let text = format!(
            "No line matches /{} (only matches and the lines around them are shown).",
            crate::text::one_line(&s.text)
        );
        frame.render_widget(Paragraph::new(text).style(theme.muted()), area);
        return;
    }
    let mut scroll = pane.scroll;
    // A label takes at most a fifth of the row, so the message keeps most of it.
    let labels = GroupLabels::within(pane.buffer.groups(), usize::from(area.width / 5));
    let opts = LineStyle {
        timestamps: pane.timestamps,
        dates: spans_days(&pane.buffer),
        groups: (pane.buffer.groups().len() > 1).then_some(&labels),
        wrap: pane.wrap,
        search: pane.search.as_ref(),
        anchor: pane.anchor,
    };
    let screen = draw_rows(
        frame,
        area,
        &pane.buffer,
        pane.rows_view(),
        &mut scroll,
        &opts,
        theme,
    );
    pane.scroll = scroll;
    pane.screen_rows = screen;
}

#[cfg(test)]
mod label_tests {
    use super::GroupLabels;

    fn labels(names: &[&str]) -> Vec<String> {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let l = GroupLabels::new(&names);
        names
            .iter()
            .map(|n| l.of(n).0.trim_end().to_string())
            .collect()
    }

    #[test]
    fn groups_that_share_a_prefix_are_told_apart_by_the_rest() {
        assert_eq!(
            labels(&[
                "/aws/lambda/shop-prod-api",
                "/aws/lambda/shop-prod-thumbnails",
                "/aws/lambda/shop-prod-post-confirmation",
            ]),
            ["api", "thumbnails", "post-confirmation"]
        );
        assert_eq!(
            labels(&["/aws/lambda/a-prod", "/aws/lambda/b-prod"]),
            ["a", "b"],
            "a shared end goes too"
        );
        assert_eq!(
            labels(&["/aws/lambda/api", "/aws/lambda/api-worker"]),
            ["api", "api-worker"],
            "one name inside another keeps its own name"
        );
        assert_eq!(labels(&["/aws/lambda/shop-prod-api"]), ["shop-prod-api"]);
        let long = labels(&["/x/a-very-long-function-name-that-goes-on", "/x/b"]);
        assert!(
            long[0].contains('…') && long[0].chars().count() <= 24,
            "{long:?}"
        );
        let regions = labels(&[
            "/aws/lambda/shop-api",
            "/aws/lambda/shop-api-thumbnails-post-confirmation-eu",
            "/aws/lambda/shop-api-thumbnails-post-confirmation-us",
        ]);
        assert!(
            regions[1].ends_with("-eu") && regions[2].ends_with("-us"),
            "long names that differ at their end keep it: {regions:?}"
        );
        assert!(regions[1].contains('…') && regions[1].chars().count() <= 24);
    }

    #[test]
    fn every_group_gets_its_own_colour_and_one_width() {
        let names: Vec<String> = ["/g/api", "/g/thumbnails"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let l = GroupLabels::new(&names);
        let (a, ca) = l.of("/g/api");
        let (b, cb) = l.of("/g/thumbnails");
        assert_ne!(ca, cb);
        assert_eq!(a.chars().count(), b.chars().count());
    }

    /// On a narrow row a label takes what it is given (a fifth of 40 columns), cut in its
    /// middle, so the message keeps the rest of the row.
    #[test]
    fn a_narrow_row_gets_a_narrow_label() {
        let names: Vec<String> = [
            "/aws/lambda/backoffice-api-v2-very-long-name-end",
            "/aws/lambda/backoffice-thumbnails",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let l = GroupLabels::within(&names, 8);
        assert_eq!(l.width, 8);
        let (a, _) = l.of("/aws/lambda/backoffice-api-v2-very-long-name-end");
        assert!(
            a.starts_with("api") && a.ends_with("end") && a.contains('…'),
            "{a}"
        );
    }

    /// A request's lines in one group are labelled as in the tail, padded only to that group's
    /// label.
    #[test]
    fn labels_padded_for_the_groups_shown() {
        let names: Vec<String> = ["/aws/lambda/api", "/aws/lambda/api-admin-reports"]
            .map(String::from)
            .to_vec();
        let all = GroupLabels::new(&names);
        assert_eq!(
            all.of("/aws/lambda/api").0,
            format!("api{}", " ".repeat(14))
        );
        let one = all.clone().padded_for(&names[..1]);
        assert_eq!(one.of("/aws/lambda/api"), ("api".to_string(), 0));
        assert_eq!(one.of(&names[1]).1, all.of(&names[1]).1, "same colour");
    }
}
