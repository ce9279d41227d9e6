//! Drawing a reported person's profile in the Posts pane: the fields a moderator judges (name,
//! bio, avatar drawn inline), the reports on them and their latest posts and comments, with the
//! keys that act on it in the title.

use super::Look;
use super::table::{message, short_time};
use crate::app::posts::ProfileState;
use crate::app::storage::Preview;
use crate::keymap::Action;
use crate::text::{excerpt, one_line, printable};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui_image::picker::{Picker, ProtocolType};
use ratatui_image::{Resize, StatefulImage};
use unicode_width::UnicodeWidthStr;

/// The least the text keeps beside the avatar; narrower, the avatar is left out (its key is
/// listed, and `i` opens it).
const TEXT_BESIDE: u16 = 64;

/// Columns the avatar takes beside the text, when the pane is wide enough for both.
const AVATAR_COLUMNS: u16 = 30;

pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    state: &mut ProfileState,
    picker: Option<&Picker>,
    look: &Look<'_>,
) {
    let theme = look.theme;
    let keys = |a| look.keys.hint(a);
    let hints = [
        format!("{} clear fields", keys(Action::Remove)),
        format!("{} avatar in Storage", keys(Action::OpenImage)),
        format!("{} the user", keys(Action::GoToAuthor)),
        format!(
            "{}/{} reports",
            keys(Action::ResolveReport),
            keys(Action::DismissReport)
        ),
        format!("{} back", keys(Action::Back)),
    ];
    // The keys in the title where all of them fit, else on the pane's last rows, whole (at 60
    // columns the title kept the last three and the pane's main keys, `x` and `i`, went).
    let all = format!(" Profile · {} ", hints.join(" · "));
    let in_title = all.width() + 2 <= usize::from(area.width);
    let block = if in_title {
        super::table::pane_block_hinted("Profile", &hints, area.width, theme)
    } else {
        super::table::pane_block(" Profile ".to_string(), area.width, theme)
    };
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let inner = if in_title {
        inner
    } else {
        super::table::foot_hints(frame, inner, &hints, usize::MAX, 3, theme)
    };
    let data = match &state.data {
        None => {
            message(frame, inner, "Loading the profile…".into(), false, theme);
            return;
        }
        Some(Err(f)) => {
            message(
                frame,
                inner,
                format!(
                    "Could not load the profile: {} ({} to retry)",
                    f.message,
                    keys(Action::Reload)
                ),
                true,
                theme,
            );
            return;
        }
        Some(Ok(data)) => data,
    };
    let sheet = &data.sheet;
    let names = look.names;
    // Labels in one column, the sub's too (it sat one column from the rest).
    let image = match &data.avatar {
        // Beside text that keeps room for a post's row (at 80 columns a comment's id, post,
        // status and time took the text's 47 columns and its words went under the image).
        Some(Preview::Image { image, .. }) if inner.width >= AVATAR_COLUMNS + TEXT_BESIDE => {
            Some(image)
        }
        _ => None,
    };
    // The text's columns, for the rows that wrap under their start (the reports).
    // A column of space between the text and the avatar (the text ran into the image).
    let text_width = match image {
        Some(_) => inner.width.saturating_sub(AVATAR_COLUMNS + 1),
        None => inner.width,
    };
    // A post's or a comment's text takes what its row leaves, on one row (60 columns each
    // wrapped beside the avatar).
    let excerpt_in = |lead: &str, body: &str| {
        let room = usize::from(text_width)
            .saturating_sub(lead.width())
            .clamp(8, 200);
        format!("{lead}{}", excerpt(body, room))
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{:<13}", "sub"), theme.muted()),
        Span::styled(sheet.sub.to_string(), theme.text()),
    ])];
    match &sheet.profile {
        // The pool's name for them, where it is known (the queue's row showed it, the sheet
        // did not): the account may be there without its row.
        None => lines.push(Line::styled(
            match names.get(&sheet.sub) {
                Some(name) => format!(
                    "no profile row; the pool knows the account as {}",
                    one_line(name)
                ),
                None => "no profile row (never created, or deleted with the account)".to_string(),
            },
            theme.warning(),
        )),
        Some(p) => {
            let field = |label: &str, value: Option<&str>| {
                Line::from(vec![
                    Span::styled(format!("{label:<13}"), theme.muted()),
                    match value {
                        Some(v) => Span::styled(one_line(v), theme.text()),
                        None => Span::styled("(empty)", theme.muted()),
                    },
                ])
            };
            // Marked where it passes for another's (`<U+0410>nn Lee`): this is where an
            // impersonation report is judged.
            let display = p
                .display_name
                .as_deref()
                .map(crate::text::look_alikes_named);
            lines.push(field("display name", display.as_deref()));
            lines.push(field("avatar", p.profile_image_key.as_deref()));
            lines.push(field("e-mail", p.email.as_deref()));
            lines.push(field("updated", Some(&short_time(Some(p.updated_at)))));
            match p.bio.as_deref() {
                None => lines.push(field("bio", None)),
                Some(bio) => {
                    lines.push(Line::styled("bio", theme.muted()));
                    lines.extend(
                        printable(bio)
                            .lines()
                            .map(|l| Line::styled(format!("  {l}"), theme.text())),
                    );
                }
            }
        }
    }
    if let Some(Preview::Nothing(why)) = &data.avatar {
        lines.push(Line::styled(
            format!("avatar not shown: {}", one_line(why)),
            theme.muted(),
        ));
    }
    lines.push(Line::raw(""));
    let open = sheet
        .reports
        .iter()
        .filter(|r| r.status == backoffice_domain::model::ReportStatus::Open)
        .count();
    lines.push(Line::styled(
        format!(
            "{} on them, {open} open, newest first",
            crate::text::plural(sheet.reports.len(), "report")
        ),
        theme.title(false),
    ));
    lines.extend(
        sheet
            .reports
            .iter()
            .flat_map(|r| super::posts::report_line(r, names, theme, text_width)),
    );
    lines.push(Line::raw(""));
    lines.push(Line::styled("Latest posts", theme.title(false)));
    if sheet.posts.is_empty() {
        lines.push(Line::styled("  (none)", theme.muted()));
    }
    for p in &sheet.posts {
        let lead = format!(
            "  #{} {:<7} {} ",
            p.id,
            p.status.as_str(),
            short_time(Some(p.created_at)),
        );
        lines.push(Line::styled(excerpt_in(&lead, &p.body), theme.text()));
    }
    lines.push(Line::styled("Latest comments", theme.title(false)));
    if sheet.comments.is_empty() {
        lines.push(Line::styled("  (none)", theme.muted()));
    }
    for c in &sheet.comments {
        let lead = format!(
            "  #{} on #{} {:<7} {} ",
            c.id,
            c.post_id,
            c.status.as_str(),
            short_time(Some(c.created_at)),
        );
        lines.push(Line::styled(excerpt_in(&lead, &c.body), theme.text()));
    }
    let (text_area, image_area) = match image {
        Some(_) => {
            let [t, i] =
                Layout::horizontal([Constraint::Min(10), Constraint::Length(AVATAR_COLUMNS)])
                    .spacing(1)
                    .areas(inner);
            (t, Some(i))
        }
        None => (inner, None),
    };
    let detail = Paragraph::new(lines).wrap(Wrap { trim: false });
    let total = detail.line_count(text_area.width);
    let last_top =
        u16::try_from(total.saturating_sub(usize::from(text_area.height))).unwrap_or(u16::MAX);
    state.scroll = state.scroll.min(last_top);
    state.rows = text_area.height;
    frame.render_widget(detail.scroll((state.scroll, 0)), text_area);
    // Which rows show, on the top border's right, where the title leaves room (a profile
    // 14 rows longer than the pane said nothing of them).
    let height = usize::from(text_area.height);
    if total > height && height > 0 {
        let top = usize::from(state.scroll) + 1;
        let to = (top + height - 1).min(total);
        let title = if in_title {
            all.width()
        } else {
            " Profile ".width()
        };
        // A shorter form where the keys leave less room (at 100 columns neither showed).
        let position = [
            format!(" lines {top}–{to} of {total} "),
            format!(" {top}–{to}/{total} "),
        ]
        .into_iter()
        .find(|p| title + p.width() + 4 <= usize::from(area.width));
        if let Some(position) = position {
            let row = Rect {
                height: 1,
                width: area.width.saturating_sub(1),
                ..area
            };
            frame.render_widget(
                Paragraph::new(position)
                    .style(theme.title(false))
                    .alignment(ratatui::layout::Alignment::Right),
                row,
            );
        }
    }
    if let (Some(image), Some(area)) = (image, image_area) {
        let picker = picker.cloned().unwrap_or_else(Picker::halfblocks);
        // Terminal graphics sit above the text layer: a dialog over them would be hidden.
        if look.covered && picker.protocol_type() != ProtocolType::Halfblocks {
            message(
                frame,
                area,
                "(hidden while a dialog is open)".into(),
                false,
                theme,
            );
            return;
        }
        let cache = state
            .image
            .0
            .get_or_insert_with(|| picker.new_resize_protocol((**image).clone()));
        frame.render_stateful_widget(
            StatefulImage::default().resize(Resize::Scale(None)),
            area,
            cache,
        );
    }
}
