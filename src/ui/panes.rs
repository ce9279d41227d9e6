//! The panes' own drawing.

use super::empty_message;
use crate::app::App;
use crate::app::list::List;
use crate::app::posts::{ThreadRow, View, excerpt, target_label};
use crate::app::users::DetailState;
use crate::keymap::Action;
use crate::theme::Theme;
use backoffice_domain::model::UserStatus;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, Wrap};

pub(super) fn pane_block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Span::styled(title, theme.title(true)))
}

/// Draws `list` as a table of the visible rows only.
pub(super) fn table<T>(
    frame: &mut Frame,
    area: Rect,
    list: &mut List<T>,
    theme: &Theme,
    header: &[&'static str],
    widths: &[Constraint],
    cells: impl Fn(&T) -> Vec<Span<'static>>,
) {
    let height = area.height.saturating_sub(1) as usize;
    let range = list.scroll_into_view(height);
    let offset = range.start;
    let rows = list.items[range].iter().enumerate().map(|(i, item)| {
        let index = offset + i;
        let mut c = cells(item);
        let mark = if list.marked.contains(&index) {
            "●"
        } else {
            " "
        };
        c.insert(0, Span::styled(mark, theme.warning()));
        let row = Row::new(c);
        if index == list.selected {
            row.style(theme.selection())
        } else {
            row
        }
    });
    let mut w = vec![Constraint::Length(1)];
    w.extend_from_slice(widths);
    let mut h = vec![""];
    h.extend_from_slice(header);
    frame.render_widget(
        Table::new(rows, w).header(Row::new(h).style(theme.title(false))),
        area,
    );
}

pub(super) fn message(frame: &mut Frame, area: Rect, text: String, failed: bool, theme: &Theme) {
    let style = if failed { theme.error() } else { theme.muted() };
    frame.render_widget(
        Paragraph::new(text).style(style).wrap(Wrap { trim: true }),
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
    format!("{}{more} loaded{marked}", list.items.len())
}

pub(super) fn short_time(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "-".into())
}

pub fn users(frame: &mut Frame, area: Rect, app: &mut App, theme: &Theme) {
    let retry = app.keymap.hint(Action::Reload);
    let pane = &mut app.users;
    if let Some(detail) = &pane.detail {
        let block = pane_block(" User · esc back ".into(), theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        match detail {
            DetailState::Loading(name) => {
                message(frame, inner, format!("Loading {name}…"), false, theme)
            }
            DetailState::Failed(name, e) => message(
                frame,
                inner,
                format!("Could not load {name}: {e}\nPress {retry} to try again."),
                true,
                theme,
            ),
            DetailState::Loaded(d) => {
                let u = &d.user;
                let [left, right] =
                    Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                        .areas(inner);
                let kv = |k: &str, v: String| {
                    Line::from(vec![
                        Span::styled(format!("{k:>14}  "), theme.muted()),
                        Span::styled(v, theme.text()),
                    ])
                };
                let mut lines = vec![
                    kv("username", u.username.to_string()),
                    kv(
                        "sub",
                        u.sub.as_ref().map(|s| s.to_string()).unwrap_or("-".into()),
                    ),
                    kv("email", u.email.clone().unwrap_or("-".into())),
                    kv("status", u.status.as_str().to_string()),
                    kv("enabled", u.enabled.to_string()),
                    kv("created", short_time(u.created_at)),
                    kv("modified", short_time(u.modified_at)),
                    kv(
                        "mfa",
                        if u.mfa.is_empty() {
                            "none".into()
                        } else {
                            u.mfa.join(", ")
                        },
                    ),
                    kv(
                        "groups",
                        if d.groups.is_empty() {
                            "none".into()
                        } else {
                            d.groups
                                .iter()
                                .map(|g| g.name.to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        },
                    ),
                    Line::raw(""),
                    Line::styled("Attributes", theme.title(false)),
                ];
                for (k, v) in &u.attributes {
                    lines.push(kv(k, v.clone()));
                }
                frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), left);
                let mut db = vec![Line::styled("In the database", theme.title(false))];
                match &d.profile {
                    Some(p) => {
                        db.push(kv(
                            "display name",
                            p.display_name.clone().unwrap_or("-".into()),
                        ));
                        db.push(kv(
                            "bio",
                            p.bio.clone().map(|b| excerpt(&b)).unwrap_or("-".into()),
                        ));
                        db.push(kv(
                            "image",
                            p.profile_image_key.clone().unwrap_or("-".into()),
                        ));
                        db.push(kv("since", short_time(Some(p.created_at))));
                    }
                    None => db.push(Line::styled("  no profile row", theme.warning())),
                }
                if let Some(c) = &d.counts {
                    db.push(kv("posts", c.posts.to_string()));
                    db.push(kv("comments", c.comments.to_string()));
                    db.push(kv("reports filed", c.reports_filed.to_string()));
                    db.push(kv("reported", c.reports_against.to_string()));
                }
                db.push(Line::raw(""));
                let k = |a| app.keymap.hint(a);
                db.push(Line::styled(
                    format!(
                        "{} disable · {} enable · {} reset pw · {} set pw · {} sign out",
                        k(Action::Disable),
                        k(Action::Enable),
                        k(Action::ResetPassword),
                        k(Action::SetPassword),
                        k(Action::SignOut)
                    ),
                    theme.muted(),
                ));
                db.push(Line::styled(
                    format!(
                        "{} confirm · {} verify email · {} edit attr · {}/{} group · {} delete",
                        k(Action::ConfirmSignUp),
                        k(Action::VerifyEmail),
                        k(Action::EditAttribute),
                        k(Action::AddGroup),
                        k(Action::RemoveGroup),
                        k(Action::DeleteUser)
                    ),
                    theme.muted(),
                ));
                frame.render_widget(Paragraph::new(db).wrap(Wrap { trim: false }), right);
            }
        }
        return;
    }
    let block = pane_block(format!(" Users · {} ", count(&pane.list)), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if let Some((text, failed)) = empty_message(&pane.list, "users", &retry) {
        return message(frame, inner, text, failed, theme);
    }
    table(
        frame,
        inner,
        &mut pane.list,
        theme,
        &["username", "email", "status", "enabled", "created"],
        &[
            Constraint::Length(24),
            Constraint::Fill(1),
            Constraint::Length(20),
            Constraint::Length(7),
            Constraint::Length(16),
        ],
        |u| {
            let status_style = match u.status {
                UserStatus::Confirmed | UserStatus::ExternalProvider => theme.ok(),
                _ => theme.warning(),
            };
            vec![
                Span::styled(u.username.to_string(), theme.text()),
                Span::styled(u.email.clone().unwrap_or_default(), theme.text()),
                Span::styled(u.status.as_str().to_string(), status_style),
                Span::styled(
                    if u.enabled { "yes" } else { "no" },
                    if u.enabled {
                        theme.text()
                    } else {
                        theme.error()
                    },
                ),
                Span::styled(short_time(u.created_at), theme.muted()),
            ]
        },
    );
}

pub fn posts(frame: &mut Frame, area: Rect, app: &mut App, theme: &Theme) {
    let retry = app.keymap.hint(Action::Reload);
    let next_view = app.keymap.hint(Action::NextView);
    let pane = &mut app.posts;
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

pub fn audit(frame: &mut Frame, area: Rect, app: &mut App, theme: &Theme) {
    let retry = app.keymap.hint(Action::Reload);
    let pane = &mut app.audit;
    let (list_area, detail_area) = if pane.expanded {
        let [a, b] = Layout::vertical([Constraint::Min(5), Constraint::Length(8)]).areas(area);
        (a, Some(b))
    } else {
        (area, None)
    };
    let block = pane_block(
        format!(" Audit log · newest first · {} ", count(&pane.list)),
        theme,
    );
    let inner = block.inner(list_area);
    frame.render_widget(block, list_area);
    if let Some((text, failed)) = empty_message(&pane.list, "audit rows", &retry) {
        message(frame, inner, text, failed, theme);
    } else {
        table(
            frame,
            inner,
            &mut pane.list,
            theme,
            &["when (UTC)", "actor", "action", "target", "reason"],
            &[
                Constraint::Length(16),
                Constraint::Length(22),
                Constraint::Length(22),
                Constraint::Length(22),
                Constraint::Fill(1),
            ],
            |e| {
                vec![
                    Span::styled(
                        e.created_at.format("%Y-%m-%d %H:%M").to_string(),
                        theme.muted(),
                    ),
                    Span::styled(e.actor.clone(), theme.text()),
                    Span::styled(e.action.clone(), theme.title(false)),
                    Span::styled(format!("{} {}", e.target_kind, e.target_id), theme.text()),
                    Span::styled(e.reason.clone().unwrap_or_default(), theme.muted()),
                ]
            },
        );
    }
    if let (Some(area), Some(e)) = (detail_area, pane.list.selected_item()) {
        let lines = vec![
            Line::styled(
                format!("#{} {} by {}", e.id, e.action, e.actor),
                theme.title(false),
            ),
            Line::styled(
                format!("target: {} {}", e.target_kind, e.target_id),
                theme.text(),
            ),
            Line::styled(
                format!("reason: {}", e.reason.as_deref().unwrap_or("-")),
                theme.text(),
            ),
            Line::styled(
                format!("before: {}", e.before.as_deref().unwrap_or("-")),
                theme.muted(),
            ),
            Line::styled(
                format!(" after: {}", e.after.as_deref().unwrap_or("-")),
                theme.muted(),
            ),
        ];
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(pane_block(" Row ".into(), theme)),
            area,
        );
    }
}
