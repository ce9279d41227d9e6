//! Drawing. Only the rows that fit are handed to the table, so a frame costs the same with
//! twenty posts loaded or a million.

use crate::app::{App, ListState};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Row, Table, Wrap};

const SPINNER: [&str; 4] = ["◐", "◓", "◑", "◒"];

/// Keys shown in the help popup and hinted in the footer.
pub const KEYS: &[(&str, &str)] = &[
    ("j / ↓", "next post"),
    ("k / ↑", "previous post"),
    ("ctrl-d / ctrl-u", "half a page down / up"),
    ("g / G", "first / last loaded post"),
    ("r", "reload from the newest"),
    ("esc", "dismiss the error"),
    ("?", "this help"),
    ("q", "quit"),
];

pub fn draw(frame: &mut Frame, app: &mut App, theme: &Theme, tick: usize) {
    let [main, detail, status] = Layout::vertical([
        Constraint::Min(5),
        Constraint::Length(7),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    draw_posts(frame, main, app, theme);
    draw_detail(frame, detail, app, theme);
    draw_status(frame, status, app, theme, tick);
    if app.show_help {
        draw_help(frame, theme);
    }
}

fn draw_posts(frame: &mut Frame, area: Rect, app: &mut App, theme: &Theme) {
    let more = if app.next.is_some() { "+" } else { "" };
    let title = format!(
        " Posts · newest first · {}{} loaded ",
        app.posts.len(),
        more
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Span::styled(title, theme.title(true)));
    let inner = block.inner(area);
    frame.render_widget(block, area);

    if app.posts.is_empty() {
        let (text, style) = match &app.state {
            ListState::Loading => ("Loading posts…".to_string(), theme.muted()),
            ListState::Failed(e) => (
                format!("Could not load posts: {e}\nPress r to try again."),
                theme.error(),
            ),
            ListState::Loaded => ("No posts yet.".to_string(), theme.muted()),
        };
        frame.render_widget(
            Paragraph::new(text).style(style).wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }

    let height = inner.height.saturating_sub(1) as usize;
    app.viewport = height.max(1);
    if app.selected < app.offset {
        app.offset = app.selected;
    } else if app.selected >= app.offset + app.viewport {
        app.offset = app.selected + 1 - app.viewport;
    }
    let end = (app.offset + app.viewport).min(app.posts.len());
    let rows = app.posts[app.offset..end]
        .iter()
        .enumerate()
        .map(|(i, post)| {
            let first_line = post.body.lines().next().unwrap_or_default().to_string();
            let row = Row::new(vec![
                Span::styled(post.id.to_string(), theme.muted()),
                Span::styled(
                    post.created_at.format("%Y-%m-%d %H:%M").to_string(),
                    theme.text(),
                ),
                Span::styled(post.status.as_str(), theme.status(post.status)),
                Span::styled(post.author_sub.as_str()[..8].to_string(), theme.muted()),
                Span::styled(
                    if post.image_key.is_some() { "▣" } else { " " },
                    theme.muted(),
                ),
                Span::styled(first_line, theme.text()),
            ]);
            if app.offset + i == app.selected {
                row.style(theme.selection())
            } else {
                row
            }
        });
    let table = Table::new(
        rows,
        [
            Constraint::Length(7),
            Constraint::Length(16),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(1),
            Constraint::Fill(1),
        ],
    )
    .header(
        Row::new(["id", "created (UTC)", "status", "author", "", "text"]).style(theme.title(false)),
    );
    frame.render_widget(table, inner);
}

fn draw_detail(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(false))
        .title(Span::styled(" Post ", theme.title(false)));
    let Some(post) = app.selected_post() else {
        frame.render_widget(block, area);
        return;
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("#{} ", post.id), theme.title(false)),
        Span::styled(format!("by {} ", post.author_sub), theme.muted()),
        Span::styled(post.status.as_str(), theme.status(post.status)),
        Span::styled(
            post.image_key
                .as_ref()
                .map(|k| format!("  image {k}"))
                .unwrap_or_default(),
            theme.muted(),
        ),
    ])];
    lines.extend(
        post.body
            .lines()
            .map(|l| Line::styled(l.to_string(), theme.text())),
    );
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

fn draw_status(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, tick: usize) {
    let c = &app.context;
    let mut spans = vec![
        Span::styled(
            format!(" {} ", c.environment),
            theme.environment(c.production),
        ),
        Span::styled(
            format!(" {} ", c.profile.as_deref().unwrap_or("no profile")),
            theme.muted(),
        ),
        Span::styled(format!("{} ", c.region), theme.muted()),
        Span::styled(format!("{} ", c.operator), theme.text()),
    ];
    if c.read_only {
        spans.push(Span::styled(" READ-ONLY ", theme.warning()));
    }
    if app.is_busy() {
        spans.push(Span::styled(
            format!(" {} loading ", SPINNER[tick % SPINNER.len()]),
            theme.ok(),
        ));
    }
    match &app.last_error {
        Some(e) => spans.push(Span::styled(format!(" ✗ {e} "), theme.error())),
        None => spans.push(Span::styled(" ? help  q quit", theme.muted())),
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_help(frame: &mut Frame, theme: &Theme) {
    let area = frame.area();
    let width = 48.min(area.width);
    let height = (KEYS.len() as u16 + 2).min(area.height);
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    let lines: Vec<Line> = KEYS
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!("{k:>16}  "), theme.title(false)),
                Span::styled(*what, theme.text()),
            ])
        })
        .collect();
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border(true))
                .title(Span::styled(" Keys ", theme.title(true))),
        ),
        popup,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{AppEvent, Command, Context};
    use backoffice_domain::model::{ContentStatus, Cursor, Page, Post, PostId, UserSub};
    use chrono::{Duration, TimeZone, Utc};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn context() -> Context {
        Context {
            read_only: true,
            ..crate::app::test_context()
        }
    }

    fn post(i: i64) -> Post {
        let at = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap() - Duration::minutes(i * 7);
        Post {
            id: PostId::new(100_000 - i).unwrap(),
            author_sub: UserSub::parse(format!(
                "{:08x}-0000-4000-8000-000000000001",
                (i * 4_000_000) % 0xffff_ffff
            ))
            .unwrap(),
            body: if i == 0 {
                "첫 출근 후기 🎉\nsecond line of the body".into()
            } else {
                format!("post body {i}")
            },
            image_key: (i % 3 == 0).then(|| format!("posts/x/{i}.png")),
            status: [
                ContentStatus::Visible,
                ContentStatus::Hidden,
                ContentStatus::Removed,
            ][(i % 5).min(2) as usize],
            created_at: at,
            updated_at: at,
        }
    }

    fn render(app: &mut App, width: u16, height: u16) -> TestBackend {
        let theme = Theme::default_dark();
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal.draw(|f| draw(f, app, &theme, 0)).unwrap();
        terminal.backend().clone()
    }

    fn loaded(n: i64, more: bool) -> App {
        let (mut app, commands) = App::new(context());
        let Command::LoadPosts { request, .. } = commands[0].clone();
        let next = more.then(|| Cursor::encode("posts", &1));
        app.on_event(AppEvent::PostsLoaded {
            request,
            result: Ok(Page {
                items: (0..n).map(post).collect(),
                next,
            }),
        });
        app
    }

    #[test]
    fn loading_state() {
        let (mut app, _) = App::new(context());
        insta::assert_snapshot!(render(&mut app, 80, 16));
    }

    #[test]
    fn loaded_state_with_detail_and_read_only_badge() {
        let mut app = loaded(6, true);
        insta::assert_snapshot!(render(&mut app, 90, 18));
    }

    #[test]
    fn empty_state() {
        let mut app = loaded(0, false);
        insta::assert_snapshot!(render(&mut app, 80, 14));
    }

    #[test]
    fn failed_state() {
        let (mut app, commands) = App::new(context());
        let Command::LoadPosts { request, .. } = commands[0].clone();
        app.on_event(AppEvent::PostsLoaded {
            request,
            result: Err("SQLite database content.db is unavailable".into()),
        });
        insta::assert_snapshot!(render(&mut app, 80, 14));
    }

    #[test]
    fn help_popup() {
        let mut app = loaded(3, false);
        app.show_help = true;
        insta::assert_snapshot!(render(&mut app, 80, 20));
    }

    #[test]
    fn selection_is_highlighted_and_kept_in_view() {
        let mut app = loaded(200, false);
        app.selected = 150;
        let backend = render(&mut app, 80, 16);
        assert!(app.offset <= 150 && 150 < app.offset + app.viewport);
        let theme = Theme::default_dark();
        let buffer = backend.buffer();
        let row = (0..buffer.area.height)
            .find(|y| {
                (0..buffer.area.width)
                    .map(|x| buffer[(x, *y)].symbol())
                    .collect::<String>()
                    .contains("post body 150")
            })
            .expect("the selected post's id is on screen");
        assert_eq!(buffer[(2, row)].bg, theme.selection().bg.unwrap());
    }

    #[test]
    fn a_frame_draws_only_the_visible_rows() {
        let mut app = loaded(50_000, false);
        app.selected = 49_999;
        let backend = render(&mut app, 80, 16);
        let text = format!("{backend}");
        assert!(text.contains("post body 49999"));
        assert_eq!(
            app.offset,
            50_000 - app.viewport,
            "the window ends at the selection"
        );
        assert!(text.contains(&format!("post body {}", app.offset)));
        assert!(!text.contains(&format!("post body {} ", app.offset - 1)));
    }
}
