//! Drawing the Posts & comments pane: the reports queue, the posts list, or a thread beside the
//! selected item and its reports.

use super::Look;
use super::empty_message;
use super::table::{count, message, pane_block, short_time, table};
use crate::app::posts::{PostsPane, ThreadRow, View, target_label};
use crate::keymap::Action;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(frame: &mut Frame<'_>, area: Rect, pane: &mut PostsPane, look: &Look<'_>) {
    let theme = look.theme;
    let retry = look.keys.hint(Action::Reload);
    let next_view = look.keys.hint(Action::NextView);
    if let Some(thread) = &mut pane.thread {
        let [list_area, side] =
            Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)])
                .areas(area);
        let title = match thread.rows.items.first() {
            Some(ThreadRow::Post(p)) => format!(" Thread of post #{} · esc back ", p.id),
            _ => " Thread · esc back ".to_string(),
        };
        let block = pane_block(title, theme);
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
                &["item", "status", "author", "text"],
                &[
                    Constraint::Length(14),
                    Constraint::Length(8),
                    Constraint::Length(8),
                    Constraint::Fill(1),
                ],
                |r| {
                    let (label, body) = match r {
                        ThreadRow::Post(p) => (format!("post #{}", p.id), p.body.clone()),
                        ThreadRow::Comment(c) => (format!("  comment #{}", c.id), c.body.clone()),
                    };
                    vec![
                        Span::styled(label, theme.muted()),
                        Span::styled(r.status().as_str(), theme.status(r.status())),
                        Span::styled(r.author().as_str()[..8].to_string(), theme.muted()),
                        Span::styled(
                            body.lines().next().unwrap_or_default().to_string(),
                            theme.text(),
                        ),
                    ]
                },
            );
        }
        // The selected item in full, with the image key and the reports.
        let block = pane_block(" Detail ".into(), theme);
        let inner = block.inner(side);
        frame.render_widget(block, side);
        let mut lines = Vec::new();
        if let Some(row) = thread.rows.selected_item() {
            match row {
                ThreadRow::Post(p) => {
                    lines.push(Line::styled(
                        format!("post #{} by {}", p.id, p.author_sub),
                        theme.title(false),
                    ));
                    lines.push(Line::styled(
                        format!("image: {}", p.image_key.as_deref().unwrap_or("none")),
                        theme.muted(),
                    ));
                    lines.extend(
                        p.body
                            .lines()
                            .map(|l| Line::styled(l.to_string(), theme.text())),
                    );
                }
                ThreadRow::Comment(c) => {
                    lines.push(Line::styled(
                        format!("comment #{} by {}", c.id, c.author_sub),
                        theme.title(false),
                    ));
                    lines.extend(
                        c.body
                            .lines()
                            .map(|l| Line::styled(l.to_string(), theme.text())),
                    );
                }
            }
            let target: backoffice_domain::model::Target = row.target().into();
            let reports: Vec<_> = thread
                .reports
                .iter()
                .filter(|r| r.target == target)
                .collect();
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                format!("{} report(s)", reports.len()),
                theme.title(false),
            ));
            for r in reports {
                lines.push(Line::from(vec![
                    Span::styled(format!("{} ", r.status.as_str()), theme.warning()),
                    Span::styled(r.reason.clone(), theme.text()),
                    Span::styled(
                        r.note
                            .as_ref()
                            .map(|n| format!(" — {n}"))
                            .unwrap_or_default(),
                        theme.muted(),
                    ),
                ]));
            }
        }
        if thread.more_comments {
            lines.push(Line::styled("(more comments not shown)", theme.muted()));
        }
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        return;
    }
    match pane.view.unwrap_or(View::Reports) {
        View::Reports => {
            let block = pane_block(
                format!(
                    " Reports queue · most reported first · {} · {next_view} all posts ",
                    count(&pane.queue)
                ),
                theme,
            );
            let inner = block.inner(area);
            frame.render_widget(block, area);
            if let Some((text, failed)) = empty_message(&pane.queue, "open reports", &retry) {
                return message(frame, inner, text, failed, theme);
            }
            table(
                frame,
                inner,
                &mut pane.queue,
                theme,
                &["target", "open", "oldest", "latest"],
                &[
                    Constraint::Length(18),
                    Constraint::Length(5),
                    Constraint::Length(16),
                    Constraint::Length(16),
                ],
                |g| {
                    vec![
                        Span::styled(target_label(&g.target), theme.text()),
                        Span::styled(g.open_reports.to_string(), theme.warning()),
                        Span::styled(short_time(Some(g.oldest_open_at)), theme.muted()),
                        Span::styled(short_time(Some(g.latest_open_at)), theme.muted()),
                    ]
                },
            );
        }
        View::Posts => {
            let block = pane_block(
                format!(
                    " Posts · newest first · {} · {next_view} reports queue ",
                    count(&pane.posts)
                ),
                theme,
            );
            let inner = block.inner(area);
            frame.render_widget(block, area);
            if let Some((text, failed)) = empty_message(&pane.posts, "posts", &retry) {
                return message(frame, inner, text, failed, theme);
            }
            table(
                frame,
                inner,
                &mut pane.posts,
                theme,
                &["id", "created (UTC)", "status", "author", "", "text"],
                &[
                    Constraint::Length(7),
                    Constraint::Length(16),
                    Constraint::Length(8),
                    Constraint::Length(8),
                    Constraint::Length(1),
                    Constraint::Fill(1),
                ],
                |p| {
                    vec![
                        Span::styled(p.id.to_string(), theme.muted()),
                        Span::styled(
                            p.created_at.format("%Y-%m-%d %H:%M").to_string(),
                            theme.text(),
                        ),
                        Span::styled(p.status.as_str(), theme.status(p.status)),
                        Span::styled(p.author_sub.as_str()[..8].to_string(), theme.muted()),
                        Span::styled(if p.image_key.is_some() { "▣" } else { " " }, theme.muted()),
                        Span::styled(
                            p.body.lines().next().unwrap_or_default().to_string(),
                            theme.text(),
                        ),
                    ]
                },
            );
        }
    }
}
