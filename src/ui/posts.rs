//! Drawing the Posts & comments pane: the reports queue (each line with the reported text, its
//! author, its status and the reasons given), the posts list, or a thread beside the selected
//! item and its reports. Authors and reporters are shown by name; the detail shows the sub.

use super::Look;
use super::empty_message;
use super::table::{Column, count, message, pane_block, pane_block_hinted, short_time, table};
use crate::app::posts::{PostsPane, ThreadRow, View, target_label};
use crate::keymap::Action;
use crate::text::{first_line, one_line, printable};
use backoffice_domain::model::{ReasonCount, ReportStatus, Target};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

/// Reasons the queue shows whole on a row; more are counted.
const REASONS_SHOWN: usize = 3;
/// Columns one reason may take (reporters' reasons are free text)...
const REASON_WIDTH: usize = 24;
/// ...and each of several: a long first reason took the column and left out its count and
/// the others.
const REASONS_WIDTH: usize = 12;

/// `12× spam · 3× harassment`: the most given first, at most [`REASONS_SHOWN`] of them,
/// then `+N more`; each count before its reason, so that a reason the column cuts keeps it
/// (written after, `harassment:… ×2 · hate speec…` lost every count but the first).
pub fn reasons_label(reasons: &[ReasonCount]) -> String {
    let width = if reasons.len() > 1 {
        REASONS_WIDTH
    } else {
        REASON_WIDTH
    };
    let mut parts: Vec<String> = reasons
        .iter()
        .take(REASONS_SHOWN)
        .map(|r| format!("{}× {}", r.count, crate::text::excerpt(&r.reason, width)))
        .collect();
    if reasons.len() > REASONS_SHOWN {
        parts.push(format!("+{} more", reasons.len() - REASONS_SHOWN));
    }
    parts.join(" · ")
}

/// The fewest columns a capped target keeps: `user ` and a sub's two ends.
pub(super) const TARGET_CAP_MIN: u16 = 20;

const THREAD_COLUMNS: [Column; 5] = [
    Column::id("item"),
    Column::id("status"),
    Column::name("author", 8, 2),
    Column::free("text", 10, 1),
    Column::whole("created (UTC)", 3),
];

/// The reasons are free text beside the reported text: most given first, so a cut keeps what
/// matters, and the text a moderator judges gets its share of the row (a whole column took a
/// third of it and left the text a dozen columns). The reasons and the text want 24 columns
/// each and the author 14 before the dates are shown (the oldest report's time goes first): at
/// 120 columns a row reads `3× spam · 2× harassment`, a name and the start of the text.
pub(super) const QUEUE_COLUMNS: [Column; 8] = [
    // A `user <sub>` target is cut in its middle past a fifth of the row (both ends show, the
    // author column names the person): sized whole, it took 43 of 80 columns and left no
    // room for the author or the text.
    Column::id_capped("target", TARGET_CAP_MIN),
    Column::id("status"),
    Column::id("open"),
    // The reasons go last: a moderator judges a row by them (at 80 columns a `user <sub>` row
    // leaves room for one free column).
    Column::free_counted("reasons", 24, 1),
    Column::name("author", 14, 3),
    Column::free("text", 24, 2),
    Column::whole("oldest (UTC)", 5),
    Column::whole("latest (UTC)", 4),
];

pub(super) const POSTS_COLUMNS: [Column; 6] = [
    Column::id("id"),
    Column::whole("created (UTC)", 3),
    Column::id("status"),
    Column::name("author", 8, 2),
    Column::whole("img", 4),
    Column::free("text", 10, 1),
];

pub fn draw(frame: &mut Frame<'_>, area: Rect, pane: &mut PostsPane, look: &Look<'_>) {
    let theme = look.theme;
    let names = look.names;
    let retry = look.keys.hint(Action::Reload);
    let next_view = look.keys.hint(Action::NextView);
    if let Some(profile) = &mut pane.profile {
        super::profile::draw(frame, area, profile, pane.picker.as_ref(), look);
        return;
    }
    if let Some(thread) = &mut pane.thread {
        let [list_area, side] =
            Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)])
                .areas(area);
        let more = if thread.rows.next.is_some() {
            " · more comments as you scroll"
        } else {
            ""
        };
        // Shorter forms where the long one does not fit, the post's id kept in each (at 60
        // columns the id was cut out of the middle: `Thread of post #…ts as you scroll`).
        let title = match thread.rows.items.first() {
            Some(ThreadRow::Post(p)) => {
                let count = crate::text::plural(thread.rows.items.len() - 1, "comment");
                let plus = if more.is_empty() { "" } else { "+" };
                let n = thread.rows.items.len() - 1;
                let forms = [
                    format!("Thread of post #{} · {count}{more}", p.id),
                    format!("Thread of post #{} · {n}{plus} comments", p.id),
                    format!("Post #{} · {n}{plus} comments", p.id),
                    format!("Post #{}", p.id),
                ];
                let room = usize::from(list_area.width.saturating_sub(4));
                forms
                    .iter()
                    .find(|f| f.width() <= room)
                    .unwrap_or(&forms[3])
                    .clone()
            }
            _ => "Thread".to_string(),
        };
        let block = pane_block_hinted(&title, &["esc back".to_string()], list_area.width, theme);
        let inner = block.inner(list_area);
        frame.render_widget(block, list_area);
        if let Some((text, failed)) = empty_message(&thread.rows, "the thread", &retry) {
            message(frame, inner, text, failed, theme);
        } else {
            table(
                frame,
                inner,
                &mut thread.rows,
                theme,
                &THREAD_COLUMNS,
                |r| {
                    let (label, body, at) = match r {
                        ThreadRow::Post(p) => (format!("post #{}", p.id), &p.body, p.created_at),
                        ThreadRow::Comment(c) => {
                            (format!("  comment #{}", c.id), &c.body, c.created_at)
                        }
                    };
                    vec![
                        Span::styled(label, theme.muted()),
                        Span::styled(r.status().as_str(), theme.status(r.status())),
                        Span::styled(names.label(r.author()), theme.muted()),
                        Span::styled(first_line(body), theme.text()),
                        Span::styled(short_time(Some(at)), theme.muted()),
                    ]
                },
            );
        }
        // The selected item in full, with the image key and the reports.
        let mut lines = Vec::new();
        if let Some(row) = thread.rows.selected_item() {
            let (head, body) = match row {
                ThreadRow::Post(p) => (format!("post #{}", p.id), &p.body),
                ThreadRow::Comment(c) => (format!("comment #{}", c.id), &c.body),
            };
            lines.push(Line::styled(head, theme.title(false)));
            // The author's sub kept whole on a row where the name leaves it too little (at 80
            // columns it broke across two).
            let width = pane_block(String::new(), side.width, theme)
                .inner(side)
                .width;
            lines.extend(super::wrap::hanging(
                vec![Span::styled("by ", theme.muted())],
                vec![Span::styled(
                    one_line(&names.full(row.author())),
                    theme.muted(),
                )],
                usize::from(width),
            ));
            if let ThreadRow::Post(p) = row {
                lines.push(Line::styled(
                    format!(
                        "image: {}",
                        one_line(p.image_key.as_deref().unwrap_or("none"))
                    ),
                    theme.muted(),
                ));
            }
            // The reports before the text: a moderator judges by them, and under a 12 KB
            // post they were hundreds of rows down.
            let target: backoffice_domain::model::Target = row.target().into();
            let reports: Vec<_> = thread
                .reports
                .iter()
                .filter(|r| r.target == target)
                .collect();
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                crate::text::plural(reports.len(), "report"),
                theme.title(false),
            ));
            lines.extend(
                reports
                    .into_iter()
                    .flat_map(|r| report_line(r, names, theme, width)),
            );
            lines.push(Line::raw(""));
            lines.extend(
                printable(body)
                    .lines()
                    .map(|l| Line::styled(l.to_string(), theme.text())),
            );
            // What edits replaced: the words a report was about, if edited since.
            if matches!(row, ThreadRow::Post(_)) && !thread.history.is_empty() {
                lines.push(Line::raw(""));
                lines.push(Line::styled(
                    format!(
                        "{}, newest first",
                        crate::text::plural(thread.history.len(), "earlier version")
                    ),
                    theme.title(false),
                ));
                for old in &thread.history {
                    lines.push(Line::styled(
                        format!(
                            "until {}{}",
                            short_time(Some(old.replaced_at)),
                            old.image_key
                                .as_deref()
                                .map(|k| format!(" · image {}", one_line(k)))
                                .unwrap_or_default()
                        ),
                        theme.muted(),
                    ));
                    lines.extend(
                        printable(&old.body)
                            .lines()
                            .map(|l| Line::styled(format!("  {l}"), theme.text())),
                    );
                }
            }
        }
        // A long detail (many reports, earlier versions) scrolls with J/K; the title says
        // which lines show.
        let detail = Paragraph::new(lines).wrap(Wrap { trim: false });
        let inner = pane_block(String::new(), side.width, theme).inner(side);
        let total = detail.line_count(inner.width);
        let height = usize::from(inner.height);
        let last_top = u16::try_from(total.saturating_sub(height)).unwrap_or(u16::MAX);
        thread.detail_scroll = thread.detail_scroll.min(last_top);
        thread.detail_rows = inner.height;
        let title = if total > height && height > 0 {
            let top = usize::from(thread.detail_scroll);
            let (from, to) = (top + 1, (top + height).min(total));
            let keys = format!(
                "{}/{}",
                look.keys.hint(Action::DetailDown),
                look.keys.hint(Action::DetailUp)
            );
            super::table::fit_title_forms(
                &[
                    format!(" Detail · lines {from}–{to} of {total} · {keys} scroll "),
                    format!(" Detail {from}–{to}/{total} · {keys} "),
                    format!(" {from}–{to}/{total} {keys} "),
                ],
                side.width.saturating_sub(2),
            )
        } else {
            " Detail ".to_string()
        };
        frame.render_widget(pane_block(title, side.width, theme), side);
        frame.render_widget(detail.scroll((thread.detail_scroll, 0)), inner);
        return;
    }
    // A filter kept from the last session shows in the title too, as the Users pane's does.
    let matching = |text: &str| {
        if text.is_empty() {
            String::new()
        } else {
            format!("matching {} · ", one_line(&super::named_invisibles(text)))
        }
    };
    match pane.view.unwrap_or(View::Reports) {
        View::Reports => {
            let block = pane_block_hinted(
                &format!(
                    "Reports queue · {}most reported first · {}",
                    matching(&pane.queue_filter_text),
                    count(&pane.queue)
                ),
                &[format!("{next_view} all posts")],
                area.width,
                theme,
            );
            let inner = block.inner(area);
            frame.render_widget(block, area);
            let what = if pane.queue_filter.is_empty() {
                "open reports".to_string()
            } else {
                format!(
                    "open reports for /{}",
                    crate::text::one_line(&pane.queue_filter_text)
                )
            };
            if let Some((text, failed)) = empty_message(&pane.queue, &what, &retry) {
                return message(frame, inner, text, failed, theme);
            }
            table(frame, inner, &mut pane.queue, theme, &QUEUE_COLUMNS, |q| {
                let (status, status_style, author, text) = match &q.summary {
                    Some(s) => (
                        // A post or comment without a status is one no release writes (the
                        // log names the row); a person has none.
                        match (s.status, &q.group.target) {
                            (Some(st), _) => st.as_str(),
                            (None, Target::User(_)) => "-",
                            (None, _) => "unknown",
                        },
                        match (s.status, &q.group.target) {
                            (Some(st), _) => theme.status(st),
                            (None, Target::User(_)) => theme.muted(),
                            (None, _) => theme.warning(),
                        },
                        s.author_sub
                            .as_ref()
                            .map(|a| names.label(a))
                            .unwrap_or_default(),
                        first_line(&s.excerpt),
                    ),
                    // A person without a profile row may still have an account: the pool's name
                    // for them (asked like an author's) says so, where it is known.
                    None => match &q.group.target {
                        Target::User(sub) => (
                            "no profile",
                            theme.muted(),
                            names.get(sub).map(str::to_string).unwrap_or_default(),
                            "(no profile row)".to_string(),
                        ),
                        _ => ("gone", theme.muted(), String::new(), String::new()),
                    },
                };
                // A person whose profile has no name says so rather than show an empty cell; a
                // name that passes for another's is marked, as the author column marks it.
                let text = match q.group.target {
                    Target::User(_) if text.trim().is_empty() => "(no display name)".to_string(),
                    Target::User(_) => crate::text::look_alikes_named(&text),
                    _ => text,
                };
                vec![
                    Span::styled(target_label(&q.group.target), theme.text()),
                    Span::styled(status, status_style),
                    Span::styled(q.group.open_reports.to_string(), theme.warning()),
                    Span::styled(reasons_label(&q.reasons), theme.warning()),
                    Span::styled(author, theme.muted()),
                    Span::styled(text, theme.text()),
                    Span::styled(short_time(Some(q.group.oldest_open_at)), theme.muted()),
                    Span::styled(short_time(Some(q.group.latest_open_at)), theme.muted()),
                ]
            });
        }
        View::Posts => {
            let order = match pane.loaded_sort {
                Some((c, down)) => format!(
                    "sorted by {} {} (loaded rows)",
                    crate::app::posts::POST_SORTS.get(c).copied().unwrap_or("?"),
                    if down { "↓" } else { "↑" }
                ),
                None if pane.filter.oldest_first => "oldest first".to_string(),
                None => "newest first".to_string(),
            };
            let block = pane_block_hinted(
                &format!(
                    "Posts · {}{order} · {}",
                    matching(&pane.filter_text),
                    count(&pane.posts),
                ),
                &[
                    format!("{} order", look.keys.hint(Action::SortObjects)),
                    format!("{next_view} reports queue"),
                ],
                area.width,
                theme,
            );
            let inner = block.inner(area);
            frame.render_widget(block, area);
            if let Some((text, failed)) = empty_message(&pane.posts, "posts", &retry) {
                return message(frame, inner, text, failed, theme);
            }
            table(frame, inner, &mut pane.posts, theme, &POSTS_COLUMNS, |p| {
                vec![
                    Span::styled(p.id.to_string(), theme.muted()),
                    Span::styled(short_time(Some(p.created_at)), theme.text()),
                    Span::styled(p.status.as_str(), theme.status(p.status)),
                    Span::styled(names.label(&p.author_sub), theme.muted()),
                    Span::styled(if p.image_key.is_some() { "▣" } else { " " }, theme.muted()),
                    Span::styled(first_line(&p.body), theme.text()),
                ]
            });
        }
    }
}

/// A report as the thread's detail and a profile list it: its status, when, the reason, who
/// filed it and their note.
/// A report as rows of `width` columns: its status and time, then the reason, reporter and note,
/// whose later rows start under the reason.
pub(super) fn report_line(
    r: &backoffice_domain::model::Report,
    names: &crate::app::names::Names,
    theme: &crate::theme::Theme,
    width: u16,
) -> Vec<Line<'static>> {
    // A resolved report's time is its resolution's, and when it was filed and by whom it
    // was resolved follow (`actioned 2026-01-12 10:14` read as the resolution, which was the
    // filing).
    let resolved = r.resolved_at.filter(|_| r.status != ReportStatus::Open);
    let head = vec![
        Span::styled(format!("{} ", r.status.as_str()), theme.warning()),
        Span::styled(
            format!("{} ", short_time(Some(resolved.unwrap_or(r.created_at)))),
            theme.muted(),
        ),
    ];
    let mut body = vec![
        Span::styled(one_line(&r.reason), theme.text()),
        Span::styled(
            format!(" by {}", one_line(&names.label(&r.reporter_sub))),
            theme.muted(),
        ),
        Span::styled(
            r.note
                .as_ref()
                .map(|n| format!(" — {}", one_line(n)))
                .unwrap_or_default(),
            theme.muted(),
        ),
    ];
    if resolved.is_some() {
        body.push(Span::styled(
            format!(
                " · filed {}{}",
                short_time(Some(r.created_at)),
                r.resolved_by
                    .as_deref()
                    .map(|who| format!(" · {} by {}", r.status.as_str(), one_line(who)))
                    .unwrap_or_default()
            ),
            theme.muted(),
        ));
    }
    super::wrap::hanging(head, body, usize::from(width))
}
