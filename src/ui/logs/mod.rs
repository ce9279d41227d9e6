//! Drawing the Logs pane: the group picker, the lines (only those on screen are read from the
//! buffer and styled), the invocation table, the sparkline strip, the request view, a line in
//! full. The pane's prompts are drawn by the shell, over whichever of these is on screen.

use crate::app::list::Load;
use crate::app::logs::buffer::{LineKind, LineRef, LogBuffer, Report};
use crate::app::logs::{
    BACKLOG_LINES, BACKLOG_MINUTES, Earlier, Feed, FeedEnd, FeedState, LogsPane, Rows, Screen,
    Scroll, Search, View, Window,
};
use crate::keymap::{Action, Keymap};
use crate::theme::Theme;
use backoffice_domain::services::log_analysis::{self, Level};
use chrono::DateTime;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Sparkline, Table, Wrap};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

mod charts;
mod detail;
mod lines;

use charts::{invocations, strip};
use detail::{detail, request_view};
use lines::{LineStyle, clean, draw_rows, main_lines};
pub use lines::{level_style, match_style};

/// Rows of the sparkline strip.
const STRIP_ROWS: u16 = 5;
/// The strip is drawn only when the pane has at least this many rows inside its border.
const STRIP_MIN_HEIGHT: u16 = 14;
const LABEL_WIDTH: usize = 13;

/// The pane's frame over `area`, its title fitted to the frame like every pane's
/// ([`super::table::pane_block`]): a long query's title keeps its state and count.
pub(super) fn block<'a>(title: String, area: Rect, theme: &Theme) -> Block<'a> {
    super::table::pane_block(title, area.width, theme)
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, pane: &mut LogsPane, look: &super::Look<'_>) {
    match pane.screen {
        Screen::Picker => picker(frame, area, pane, look.keys, look.theme),
        Screen::Viewer => viewer(frame, area, pane, look.keys, look.theme),
    }
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
        Paragraph::new(text).style(style).wrap(Wrap { trim: true }),
        area,
    );
}

pub(super) fn picker(
    frame: &mut Frame<'_>,
    area: Rect,
    pane: &mut LogsPane,
    keys: &Keymap,
    theme: &Theme,
) {
    let p = &mut pane.picker;
    let title = format!(
        " Log groups · {} pick (up to 10) · {} live tail · {} query · {} picked ",
        keys.hint(Action::Mark),
        keys.hint(Action::Enter),
        keys.hint(Action::LogQuery),
        p.picked.len()
    );
    let b = block(title, area, theme);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    if p.groups.is_empty() {
        let (text, failed) = match &p.load {
            Load::Idle | Load::Loading => ("Loading log groups…".to_string(), false),
            Load::Failed(e) => (
                format!(
                    "Could not load log groups: {e}\nPress {} to try again.",
                    keys.hint(Action::Reload)
                ),
                true,
            ),
            // The groups tailed were deleted meanwhile: that is why there are none.
            Load::Loaded if !p.gone.is_empty() => (
                format!(
                    "No log groups: {} deleted while tailed. {} lists the account's groups again.",
                    p.gone
                        .iter()
                        .map(|g| crate::text::one_line(g.as_str()))
                        .collect::<Vec<_>>()
                        .join(", "),
                    keys.hint(Action::Reload)
                ),
                false,
            ),
            Load::Loaded => (
                "No log groups. Name them with log_groups in config.toml, or check the account and region.".to_string(),
                false,
            ),
        };
        message(frame, inner, text, failed, theme);
        return;
    }
    let height = inner.height.saturating_sub(1).max(1) as usize;
    p.viewport = height;
    p.offset = crate::app::list::keep_in_view(p.selected, p.offset, height, p.groups.len());
    let end = (p.offset + height).min(p.groups.len());
    // A name longer than its column is cut in its middle: groups that share a long prefix
    // differ at their end.
    let group_width = inner.width.saturating_sub(4 + 7 + 2).max(20);
    let rows = p.groups[p.offset..end].iter().enumerate().map(|(i, g)| {
        let index = p.offset + i;
        let order = p.picked.iter().position(|x| x == g);
        let check = match order {
            Some(n) => format!("[{}]", n + 1),
            None => "[ ]".into(),
        };
        let kind = if g.is_lambda() { "lambda" } else { "" };
        let spans = vec![
            Span::styled(check, theme.warning()),
            Span::styled(
                crate::ui::table::fit_middle(&g.to_string(), group_width),
                theme.text(),
            ),
            Span::styled(kind, theme.muted()),
        ];
        if index == p.selected {
            crate::ui::table::selected_row(spans, theme)
        } else {
            Row::new(spans)
        }
    });
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(4),
                Constraint::Min(20),
                Constraint::Length(7),
            ],
        )
        .header(Row::new(vec!["", "group", ""]).style(theme.title(false))),
        inner,
    );
}

pub(crate) fn state_badge(feed: &Feed) -> (String, bool) {
    let live = feed.spec.window == Window::Live;
    match &feed.state {
        FeedState::Starting if live => ("starting…".into(), false),
        FeedState::Starting | FeedState::Running if !live => ("querying…".into(), false),
        // A group that cannot be read is retried from where it stopped: not live meanwhile.
        FeedState::Starting | FeedState::Running if feed.unreachable > 0 => (
            format!(
                "⚠ retrying {}",
                crate::text::plural(feed.unreachable, "group")
            ),
            true,
        ),
        FeedState::Starting | FeedState::Running => ("● live".into(), false),
        FeedState::Done(FeedEnd::Stopped) => ("stopped".into(), false),
        FeedState::Done(FeedEnd::Truncated) => ("stopped at the cap".into(), false),
        FeedState::Done(FeedEnd::Finished) if live => ("ended".into(), false),
        FeedState::Done(FeedEnd::Finished) => ("done".into(), false),
        FeedState::Failed(_) => ("failed".into(), true),
    }
}

/// The groups a feed reads, by name: several under one folder as `/aws/lambda/{api, api-v2}`
/// (it said `3 groups`, and which three was not on screen).
pub(crate) fn groups_label(feed: &Feed) -> String {
    match feed.spec.groups.as_slice() {
        [one] => one.to_string(),
        many => {
            let names: Vec<&str> = many.iter().map(|g| g.as_str()).collect();
            let shared = names[1..].iter().fold(names[0], |prefix, name| {
                let common = prefix
                    .char_indices()
                    .zip(name.chars())
                    .take_while(|((_, a), b)| a == b)
                    .last()
                    .map_or(0, |((i, a), _)| i + a.len_utf8());
                &prefix[..common]
            });
            // Up to the last `/` they share: `/aws/lambda/api` and `/aws/lambda/api-v2` share
            // `/aws/lambda/api`, which is no folder.
            let folder = shared.rfind('/').map_or("", |at| &shared[..=at]);
            let rest: Vec<&str> = names.iter().map(|n| &n[folder.len()..]).collect();
            if folder.is_empty() {
                rest.join(", ")
            } else {
                format!("{folder}{{{}}}", rest.join(", "))
            }
        }
    }
}

/// The viewer's title for a frame `width` columns wide: the group cut in its middle to what the
/// rest leaves, so the window, the state and the count stay (a 200-character group's title
/// read `Logs · … · 284 lines`).
pub(super) fn feed_title(feed: &Feed, lines: usize, paused: bool, width: u16) -> String {
    let (badge, _) = state_badge(feed);
    // A paused tail says so where it says it is live.
    let badge = if paused && matches!(feed.state, FeedState::Running) {
        "⏸ paused".to_string()
    } else {
        badge
    };
    let pattern = feed
        .spec
        .pattern
        .as_ref()
        .map(|p| crate::text::one_line(p.as_str()));
    let sampled = if feed.sampled { " · SAMPLED" } else { "" };
    let groups = groups_label(feed);
    // The window whole where it leaves the group its 12 columns, else short: the whole one
    // pushed the window itself out of the border at 80 columns.
    let whole = match feed.spec.window {
        Window::Live => String::new(),
        ref w => format!("{} · ", w.label()),
    };
    let room_left = usize::from(width).saturating_sub(
        2 + " Logs ".width()
            + format!(
                " · {whole}{badge}{sampled} · {} ",
                crate::text::plural(lines, "line")
            )
            .width(),
    );
    let window = match feed.spec.window {
        Window::Live => String::new(),
        ref w if room_left < 12 + " · ".len() => format!("{} · ", w.short_label()),
        _ => whole,
    };
    // The window, the state and the count stay whole; the group and the filter share what
    // they leave of the frame's top border, each cut in its middle, the group to no less
    // than half of it (at 80 columns the group was cut to 13 and the filter left out, with
    // 24 columns to spare).
    let fixed = " Logs ".width()
        + format!(
            " · {window}{badge}{sampled} · {} ",
            crate::text::plural(lines, "line")
        )
        .width();
    let room = usize::from(width).saturating_sub(2 + fixed);
    let (group_room, filter) = match &pattern {
        None => (room.saturating_sub(" · ".len()), String::new()),
        Some(p) => {
            // " · " before the group, " · filter " and " " around the pattern's text.
            let around = " · ".len() + " · filter ".len();
            let wanted = groups.width() + p.width() + around;
            let share = room.saturating_sub(around);
            let group_room = if wanted <= room {
                groups.width()
            } else {
                groups
                    .width()
                    .min((share / 2).max(share.saturating_sub(p.width())))
            };
            let filter_room = share.saturating_sub(group_room.max(12));
            if filter_room >= 12 {
                (
                    group_room,
                    format!("filter {} · ", crate::text::middle(p, filter_room)),
                )
            } else {
                // No room for it cut: whole, for the border's fitting to leave out.
                (group_room, format!("filter {p} · "))
            }
        }
    };
    // Several groups whose names do not fit are counted: cut in the middle, the names
    // between the first and the last were lost without a word.
    let groups = match feed.spec.groups.len() {
        many if many > 1 && groups.width() > group_room.max(12) => format!("{many} groups"),
        _ => crate::text::middle(&groups, group_room.max(12)),
    };
    let count = crate::text::plural(lines, "line");
    let title = format!(" Logs · {groups} · {window}{filter}{badge}{sampled} · {count} ");
    // Too wide still, the groups go before the window (at 60 columns the border's fitting
    // left the window out and 19 columns empty), then the filter.
    let inside = usize::from(width).saturating_sub(2);
    if title.width() <= inside || window.is_empty() {
        return title;
    }
    let base = format!(" Logs · {window}{badge}{sampled} · {count} ");
    // The filter in what the window, the state and the count leave, cut in its middle.
    let filter_room = inside.saturating_sub(base.width() + "filter  · ".len());
    match &pattern {
        Some(p) if filter_room >= 12 => format!(
            " Logs · {window}filter {} · {badge}{sampled} · {count} ",
            crate::text::middle(p, filter_room)
        ),
        _ => base,
    }
}

pub(super) fn viewer(
    frame: &mut Frame<'_>,
    area: Rect,
    pane: &mut LogsPane,
    keys: &Keymap,
    theme: &Theme,
) {
    if pane.request.is_some() {
        request_view(frame, area, pane, keys, theme);
        return;
    }
    let title = match &pane.feed {
        Some(f) => feed_title(f, pane.buffer.log_lines(), pane.paused, area.width),
        None => " Logs ".into(),
    };
    let b = block(title, area, theme);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let [body, status] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    // An open line's detail takes the strip's rows on a short screen (at 80×24 the detail of a
    // 12 KB line had six rows under the strip).
    let room_for_strip = !pane.detail || inner.height >= 2 * STRIP_MIN_HEIGHT;
    let body = if pane.strip && inner.height >= STRIP_MIN_HEIGHT && room_for_strip {
        let [strip_area, rest] =
            Layout::vertical([Constraint::Length(STRIP_ROWS), Constraint::Min(1)]).areas(body);
        strip(frame, strip_area, pane, theme);
        rest
    } else {
        body
    };
    pane.screen_rows.clear();
    if let Some(text) = empty_text(pane, keys) {
        let failed = pane
            .feed
            .as_ref()
            .is_some_and(|f| matches!(f.state, FeedState::Failed(_)));
        message(frame, body, text, failed, theme);
    } else if pane.view == View::Invocations {
        invocations(frame, body, pane, theme);
    } else if pane.detail {
        let [top, bottom] = detail::split_for_detail(body, pane.buffer.len());
        main_lines(frame, top, pane, theme);
        let line = pane.buffer.get(pane.scroll.selected);
        let request = line.as_ref().and_then(|l| pane.buffer.request_id_of(l));
        detail(
            frame,
            bottom,
            detail::Opened {
                line,
                request: request.as_ref(),
                search: pane.search.as_ref(),
            },
            &mut pane.detail_scroll,
            keys,
            theme,
        );
        pane.detail_rows = bottom.height.saturating_sub(2);
    } else {
        main_lines(frame, body, pane, theme);
    }
    status_row(frame, status, pane, keys, theme);
}

/// What the body says when there are no lines to show.
pub(super) fn empty_text(pane: &LogsPane, keys: &Keymap) -> Option<String> {
    if !pane.buffer.is_empty() {
        return None;
    }
    let feed = pane.feed.as_ref()?;
    let groups = groups_label(feed);
    Some(match (&feed.state, &feed.spec.window) {
        (FeedState::Starting, Window::Live) => format!(
            "Starting the live tail of {groups} (with the last {BACKLOG_LINES} lines of the \
             {BACKLOG_MINUTES} minutes before)…"
        ),
        (FeedState::Running, Window::Live) if feed.earlier == Some(Earlier::Read(0)) => {
            let nothing = match &feed.spec.pattern {
                Some(p) => format!("nothing matched {}", crate::text::one_line(p.as_str())),
                None => "nothing was written".to_string(),
            };
            format!(
                "Following {groups}: {nothing} in the {BACKLOG_MINUTES} minutes before; lines \
                 appear here as they are written ({} with a window such as 1h reads further \
                 back).",
                keys.hint(Action::LogQuery)
            )
        }
        (FeedState::Running, Window::Live) => {
            format!(
                "Following {groups}: lines written from now on appear here ({} with a window \
                 such as 15m reads what came before).",
                keys.hint(Action::LogQuery)
            )
        }
        (FeedState::Starting | FeedState::Running, w) => {
            format!("Querying {groups} ({})…", w.label())
        }
        // Named, with what was asked: a narrow title leaves the window out.
        (FeedState::Done(_), w) => {
            let pattern = feed
                .spec
                .pattern
                .as_ref()
                .map(|p| format!(" matching {}", crate::text::one_line(p.as_str())))
                .unwrap_or_default();
            format!(
                "No lines in {groups}{pattern} over {}. {} asks for another window or pattern.",
                w.label(),
                keys.hint(Action::LogQuery)
            )
        }
        // Refused as asked (a pattern the store does not take): asking again is refused
        // again, so the way out is another query.
        (FeedState::Failed(e), w) if e.cause == crate::app::Cause::Unaccepted => {
            format!(
                "Could not {} {groups}: {e}\n{} writes another query, {} goes to the groups.",
                if *w == Window::Live { "tail" } else { "query" },
                keys.hint(Action::LogQuery),
                keys.hint(Action::Back)
            )
        }
        (FeedState::Failed(e), w) => format!(
            "Could not {} {groups}: {e}\nPress {} to try again, {} for the groups.",
            if *w == Window::Live { "tail" } else { "query" },
            keys.hint(Action::Reload),
            keys.hint(Action::Back)
        ),
    })
}

pub(super) fn status_row(
    frame: &mut Frame<'_>,
    area: Rect,
    pane: &LogsPane,
    keys: &Keymap,
    theme: &Theme,
) {
    // Each part in a long form and a short one: the short ones where the long do not fit
    // (a failure, the scroll state, a search and a selection together ran past the edge, cut
    // with nothing to say so), then the row cut with `…`.
    let mut parts: Vec<(String, String, Style)> = Vec::new();
    if let Some(FeedState::Failed(e)) = pane.feed.as_ref().map(|f| &f.state)
        && !pane.buffer.is_empty()
    {
        let e = crate::text::one_line(&e.message);
        parts.push((format!("✗ {e}  "), format!("✗ {e}  "), theme.error()));
    }
    // Only a live tail has a "live" to go back to; a query's lines end where it ended.
    let live = pane
        .feed
        .as_ref()
        .is_some_and(|f| f.spec.window == Window::Live);
    if pane.view == View::Lines && !pane.scroll.follow && live {
        let what = if pane.paused {
            "PAUSED"
        } else {
            "scrolled back"
        };
        let new = match pane.new_lines() {
            0 => String::new(),
            1 => " · 1 new line".into(),
            n => format!(" · {n} new lines"),
        };
        let style = theme.warning().add_modifier(Modifier::REVERSED);
        parts.push((
            format!(" {what}{new} · {} back to live ", keys.hint(Action::Bottom)),
            format!(" {what}{new} "),
            style,
        ));
        parts.push((" ".into(), " ".into(), Style::default()));
    }
    if let Some(s) = pane.search.as_ref().filter(|_| pane.view == View::Lines) {
        // `1/1 match`, `2/8 matches`, `8 matches` (away from any match).
        let at = pane
            .match_position()
            .map(|(i, n)| format!("{i}/{n}"))
            .unwrap_or_else(|| format!("{}", s.matches.len()));
        let word = if s.matches.len() == 1 {
            "match"
        } else {
            "matches"
        };
        let context = if pane.context > 0 {
            format!(" ({} lines)", pane.context)
        } else {
            String::new()
        };
        let at = if s.matches.is_empty() {
            let live = pane.feed.as_ref().is_some_and(|f| f.is_running());
            if live {
                "no match yet (new lines are searched too) ·".to_string()
            } else {
                "not in the buffer ·".to_string()
            }
        } else {
            format!("{at} {word} ·")
        };
        let text = crate::text::one_line(&s.text);
        parts.push((
            format!(
                "/{text}: {at} {}/{} next/previous · {} context{context}  ",
                keys.hint(Action::NextMatch),
                keys.hint(Action::PrevMatch),
                keys.hint(Action::ContextLines)
            ),
            format!("/{text}: {}{context}  ", at.trim_end_matches(" ·")),
            theme.text(),
        ));
    }
    if let Some(a) = pane.anchor.filter(|_| pane.view == View::Lines) {
        let n = a.abs_diff(pane.scroll.selected) + 1;
        let selected = crate::text::plural(n as usize, "line");
        parts.push((
            format!(
                "{selected} selected · {} save  ",
                keys.hint(Action::SaveLogs)
            ),
            format!("{selected} selected  "),
            theme.warning(),
        ));
    }
    let room = usize::from(area.width);
    let long: usize = parts.iter().map(|(l, _, _)| l.width()).sum();
    let short = long > room;
    let mut spans = Vec::new();
    let mut used = 0;
    for (long, brief, style) in parts {
        let text = if short { brief } else { long };
        let left = room.saturating_sub(used);
        if left == 0 {
            break;
        }
        let text = if text.width() > left {
            super::table::fit(&text, u16::try_from(left).unwrap_or(u16::MAX))
        } else {
            text
        };
        used += text.width();
        spans.push(Span::styled(text, style));
    }
    if spans.is_empty() {
        // Whole hints, as many as the row holds (it was cut mid-word at 80 columns), then
        // where the rest are.
        let lines_view = pane.view == View::Lines;
        let all = [
            (Action::Mark, if live { "pause" } else { "" }),
            (Action::Filter, if lines_view { "search" } else { "" }),
            (Action::RequestLines, "request"),
            (
                Action::NextView,
                if pane.view == View::Invocations {
                    "lines"
                } else {
                    "invocations"
                },
            ),
            // Keys of the lines are not offered over the invocations (enter there opens the
            // request, as r does: it read `enter line`).
            (Action::Enter, if lines_view { "line" } else { "" }),
            (Action::LogQuery, "query"),
            (Action::SaveLogs, "save"),
            (Action::Wrap, if lines_view { "wrap" } else { "" }),
            (Action::Timestamps, if lines_view { "time" } else { "" }),
        ]
        .into_iter()
        .filter(|(_, what)| !what.is_empty())
        .map(|(a, what)| format!("{} {what}", keys.hint(a)))
        .collect::<Vec<_>>();
        let room = usize::from(area.width);
        let mut shown = all.join(" · ");
        let mut n = all.len();
        while shown.width() > room && n > 1 {
            n -= 1;
            shown = format!(
                "{} · {} more",
                all[..n].join(" · "),
                keys.hint(Action::Help)
            );
        }
        spans.push(Span::styled(shown, theme.muted()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

#[cfg(test)]
mod tests;
