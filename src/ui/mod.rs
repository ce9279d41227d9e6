//! Drawing. Each pane draws itself through the `Pane` interface and hands its tables only the
//! rows in view, so a frame costs the same with twenty rows loaded or a million. The shell's
//! parts (tabs, status bar, the bottom line, a pane's open form, overlays, toasts) are drawn
//! here, over whatever screen the pane is on.

mod audit;
pub mod input;
pub mod logs;
mod posts;
pub mod storage;
mod table;
mod users;

pub use audit::draw as draw_audit;
pub use posts::draw as draw_posts;
pub use users::draw as draw_users;

use crate::app::dialog::{Dialog, Field, Form};
use crate::app::list::{List, Load};
use crate::app::{App, FormView, LineKind, Overlay, PaneId};
use crate::keymap::{Action, Keymap, Scope};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

const SPINNER: [&str; 4] = ["◐", "◓", "◑", "◒"];

/// The row (screen y) where list rows start, for mouse clicks: below the tab bar and the
/// pane's border. Row 0 of a table is its header.
pub const LIST_TOP: u16 = 2;

/// What a pane draws with: the theme, and the live keymap for its hints.
pub struct Look<'a> {
    pub theme: &'a Theme,
    pub keys: &'a Keymap,
    /// Something is drawn over the pane (a dialog, a form): terminal graphics, which sit above
    /// the text, must not be.
    pub covered: bool,
}

pub fn draw(frame: &mut Frame, app: &mut App, theme: &Theme, tick: usize) {
    let [tabs, main, status, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    draw_tabs(frame, tabs, app, theme);
    app.draw_pane(frame, main, theme);
    if let Some(form) = app.focused().form() {
        draw_form(frame, main, &form, theme);
    }
    draw_status(frame, status, app, theme, tick);
    draw_bottom(frame, bottom, app, theme);
    match &app.overlay {
        Some(Overlay::Help { scroll }) => draw_help(frame, app, *scroll, theme),
        Some(Overlay::ErrorLog { scroll }) => draw_errors(frame, app, *scroll, theme),
        Some(Overlay::Who(view)) => draw_who(frame, view, &app.keymap, theme),
        Some(Overlay::Dialog(d)) => draw_dialog(frame, d, theme),
        None => {}
    }
    draw_toasts(frame, main, app, theme);
}

/// The tab labels as drawn, each with the column it starts at.
fn tab_labels() -> impl Iterator<Item = (u16, PaneId, String)> {
    let mut x = 0u16;
    PaneId::ALL.into_iter().map(move |pane| {
        let label = format!(" {} ", pane.title());
        let at = x;
        x = x.saturating_add(label.width() as u16 + 1);
        (at, pane, label)
    })
}

/// The pane whose tab is drawn at column `x` of the tab bar.
pub fn tab_at(x: u16) -> Option<PaneId> {
    tab_labels()
        .find(|(at, _, label)| (*at..at.saturating_add(label.width() as u16)).contains(&x))
        .map(|(_, pane, _)| pane)
}

fn draw_tabs(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut spans = Vec::new();
    for (_, pane, label) in tab_labels() {
        let style = if pane == app.pane {
            theme.selection()
        } else {
            theme.muted()
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(
        format!("{} next pane  : command", app.keymap.hint(Action::NextPane)),
        theme.muted(),
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_status(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, tick: usize) {
    let c = &app.context;
    let mut head = vec![Span::styled(
        format!(" {} ", c.environment),
        theme.environment(c.production),
    )];
    // Throttling comes first after the environment, so a narrow terminal still shows why
    // the console is slow.
    if let Some(t) = &app.throttled {
        head.push(Span::styled(format!(" ⏳ {t} "), theme.warning()));
    }
    let identity = [
        Span::styled(
            format!(" {} ", c.profile.as_deref().unwrap_or("no profile")),
            theme.muted(),
        ),
        Span::styled(format!("{} ", c.region), theme.muted()),
        Span::styled(format!("{} ", c.operator), theme.text()),
    ];
    let mut signals = Vec::new();
    if c.read_only {
        signals.push(Span::styled(" READ-ONLY ", theme.warning()));
    }
    let pending = app.pending();
    if pending > 0 {
        signals.push(Span::styled(
            format!(" {} {pending} pending ", SPINNER[tick % SPINNER.len()]),
            theme.ok(),
        ));
    }
    if let Some(e) = &app.last_error {
        signals.push(Span::styled(
            format!(" ✗ {e}  ({} details) ", app.keymap.hint(Action::ErrorLog)),
            theme.error(),
        ));
    }
    // Who and where give way when the signals would not fit: an error must be readable.
    let width = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>();
    let fits = width(&head) + width(&identity) + width(&signals) <= usize::from(area.width);
    let mut spans = head;
    if fits {
        spans.extend(identity);
    }
    spans.extend(signals);
    if app.last_error.is_none() {
        spans.push(Span::styled(
            format!(
                " {} help  {} quit",
                app.keymap.hint(Action::Help),
                app.keymap.hint(Action::Quit)
            ),
            theme.muted(),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_bottom(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let width = usize::from(area.width);
    let line = match &app.prompt {
        Some(prompt) => {
            let (lead, hint) = match prompt.kind {
                LineKind::Command => {
                    let text = prompt.text();
                    let options = app.completions(&text);
                    let hint = if options.is_empty() || text.is_empty() {
                        String::new()
                    } else {
                        format!("   tab: {}", options.join(" "))
                    };
                    (":", hint)
                }
                LineKind::Filter => ("/", format!("   {}", app.focused().filter_hint())),
            };
            // The text takes what it needs, up to most of the line; the hint what is left.
            let room = width.saturating_sub(1).max(8).min(width.saturating_sub(1));
            let text_room = room
                .saturating_sub(hint.width().min(room / 2))
                .max(room.min(12));
            let mut spans = vec![Span::styled(lead, theme.text())];
            spans.extend(input::spans(
                &prompt.input,
                text_room,
                theme.text(),
                theme.title(true),
                true,
            ));
            spans.push(Span::styled(hint, theme.muted()));
            Line::from(spans)
        }
        None => {
            let filter = app.focused().filter_text();
            if filter.is_empty() {
                Line::from(Span::styled(
                    format!("{} filter", app.keymap.hint(Action::Filter)),
                    theme.muted(),
                ))
            } else {
                Line::from(vec![
                    Span::styled("filter: ", theme.muted()),
                    Span::styled(crate::text::one_line(filter), theme.text()),
                ])
            }
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// A centred rectangle of at most `width` × `height`.
fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn popup_block<'a>(title: &'a str, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Span::styled(format!(" {title} "), theme.title(true)))
}

/// A pane's open form, over the lower part of the pane whatever screen it is on.
fn draw_form(frame: &mut Frame, area: Rect, form: &FormView, theme: &Theme) {
    // Inside the pane's border, so the pane still reads as the pane underneath.
    let area = Rect::new(
        area.x + 2.min(area.width / 4),
        area.y,
        area.width.saturating_sub(4).max(area.width.min(8)),
        area.height.saturating_sub(1).max(area.height.min(3)),
    );
    let width = area.width.min(100);
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let label_width = form
        .fields
        .iter()
        .map(|f| f.label.width())
        .max()
        .unwrap_or(0);
    let mut lines: Vec<Line> = form
        .body
        .iter()
        .map(|l| Line::styled(crate::text::one_line(l), theme.text()))
        .collect();
    for f in &form.fields {
        let mut spans = vec![Span::styled(
            format!("{:>label_width$}: ", f.label),
            theme.muted(),
        )];
        let room = inner.saturating_sub(label_width + 2).max(4);
        let style = if f.focused {
            theme.selection()
        } else {
            theme.text()
        };
        spans.extend(input::spans(
            f.input,
            room,
            style,
            theme.title(true),
            f.focused,
        ));
        lines.push(Line::from(spans));
    }
    if let Some(problem) = form.problem {
        lines.push(Line::styled(format!("✗ {problem}"), theme.error()));
    }
    lines.push(Line::styled(form.hint.clone(), theme.muted()));
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX).min(area.height);
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + area.height - height,
        width,
        height,
    );
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(popup_block(&form.title, theme)),
        rect,
    );
}

fn draw_help(frame: &mut Frame, app: &App, scroll: u16, theme: &Theme) {
    let offered = app.focused().offers();
    let mut lines = Vec::new();
    let mut scope = None;
    for (s, action, keys, what) in app.keymap.help() {
        let wanted = s == Scope::Everywhere || offered.contains(&action);
        if !wanted {
            continue;
        }
        let heading = if s == Scope::Everywhere {
            "Everywhere"
        } else {
            app.pane.title()
        };
        if scope != Some(heading) {
            scope = Some(heading);
            lines.push(Line::styled(heading, theme.title(true)));
        }
        lines.push(Line::from(vec![
            Span::styled(format!("{keys:>18}  "), theme.title(false)),
            Span::styled(what, theme.text()),
        ]));
    }
    let area = centred(frame.area(), 66, lines.len() as u16 + 2);
    frame.render_widget(Clear, area);
    let keys = &app.keymap;
    let title = format!(
        "Keys · {}/{} scroll · any other key closes",
        keys.hint(Action::Down),
        keys.hint(Action::Up)
    );
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll.min(u16::MAX / 2), 0))
            .block(popup_block(&title, theme)),
        area,
    );
}

fn draw_who(frame: &mut Frame, view: &crate::app::who::WhoView, keys: &Keymap, theme: &Theme) {
    let area = centred(frame.area(), 110, frame.area().height.saturating_sub(2));
    let lines: Vec<Line> = view
        .lines()
        .into_iter()
        .map(|l| {
            let l = crate::text::one_line(&l);
            if !l.is_empty() && !l.starts_with(' ') {
                Line::styled(l, theme.title(true))
            } else {
                Line::styled(l, theme.text())
            }
        })
        .collect();
    let title = format!(
        "{} · {}/{} scroll · {} back",
        crate::text::one_line(&view.who),
        keys.hint(Action::Down),
        keys.hint(Action::Up),
        keys.hint(Action::Back)
    );
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((view.scroll, 0))
            .block(popup_block(&title, theme)),
        area,
    );
}

fn draw_errors(frame: &mut Frame, app: &App, scroll: u16, theme: &Theme) {
    let area = centred(frame.area(), 100, frame.area().height.saturating_sub(4));
    let lines: Vec<Line> = if app.errors.is_empty() {
        vec![Line::styled("No errors this session.", theme.muted())]
    } else {
        app.errors
            .iter()
            .flat_map(|(at, f)| {
                [
                    Line::from(vec![
                        Span::styled(format!("{at} "), theme.muted()),
                        Span::styled(crate::text::one_line(&f.message), theme.error()),
                    ]),
                    Line::styled(
                        format!("         {}", crate::text::printable(&f.chain)),
                        theme.text(),
                    ),
                ]
            })
            .collect()
    };
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll.min(u16::MAX / 2), 0))
            .block(popup_block(
                "Errors, newest first (any key but scrolling closes)",
                theme,
            )),
        area,
    );
}

fn field_style(d: &Dialog, f: Field, theme: &Theme) -> Style {
    if d.focus == f {
        theme.selection()
    } else {
        theme.text()
    }
}

/// Width of a dialog.
const DIALOG_WIDTH: u16 = 84;

fn draw_dialog(frame: &mut Frame, d: &Dialog, theme: &Theme) {
    let p = &d.proposal;
    let inner = usize::from(DIALOG_WIDTH.min(frame.area().width).saturating_sub(2));
    let mut lines = vec![Line::styled("This will change:", theme.muted())];
    for c in p.changes.iter().take(12) {
        lines.push(Line::styled(
            format!("  • {}", crate::text::one_line(c)),
            theme.warning(),
        ));
    }
    if p.changes.len() > 12 {
        lines.push(Line::styled(
            format!("  … and {} more", p.changes.len() - 12),
            theme.warning(),
        ));
    }
    lines.push(Line::raw(""));
    let (l1, l2) = d.input_labels();
    let field = |label: String, f: Field, input: &crate::input::TextInput, label_style: Style| {
        let room = inner.saturating_sub(label.width()).max(4);
        let mut spans = vec![Span::styled(label, label_style)];
        spans.extend(input::spans(
            input,
            room,
            field_style(d, f, theme),
            theme.title(true),
            d.focus == f,
        ));
        Line::from(spans)
    };
    match p.form {
        Form::Ready(_) => {}
        Form::Password { .. } => {
            lines.push(field(
                format!("{l1:>10}: "),
                Field::Input1,
                &d.input1,
                theme.muted(),
            ));
            lines.push(field(
                format!("{l2:>10}: "),
                Field::Input2,
                &d.input2,
                theme.muted(),
            ));
            lines.push(Line::from(vec![
                Span::styled(format!("{:>10}: ", "permanent"), theme.muted()),
                Span::styled(
                    if d.permanent {
                        "[x] yes"
                    } else {
                        "[ ] no (temporary)"
                    },
                    field_style(d, Field::Permanent, theme),
                ),
            ]));
        }
        Form::Attribute { .. } => {
            lines.push(field(
                format!("{l1:>10}: "),
                Field::Input1,
                &d.input1,
                theme.muted(),
            ));
            lines.push(field(
                format!("{l2:>10}: "),
                Field::Input2,
                &d.input2,
                theme.muted(),
            ));
        }
        Form::AddGroup { .. } | Form::RemoveGroup { .. } => {
            lines.push(field(
                format!("{l1:>10}: "),
                Field::Input1,
                &d.input1,
                theme.muted(),
            ));
        }
    }
    lines.push(Line::from(vec![
        Span::styled(format!("{:>10}: ", "reason"), theme.muted()),
        Span::styled(
            format!("‹ {} ›", p.reasons[d.reason_pick.min(p.reasons.len() - 1)]),
            field_style(d, Field::ReasonPick, theme),
        ),
        Span::styled("  ↑↓ pick", theme.muted()),
    ]));
    lines.push(field(
        format!("{:>10}: ", "details"),
        Field::ReasonText,
        &d.reason_text,
        theme.muted(),
    ));
    if let Some(name) = &p.type_to_confirm {
        lines.push(field(
            format!("type {} to confirm: ", crate::text::one_line(name)),
            Field::TypedName,
            &d.typed_name,
            theme.error(),
        ));
    }
    if let Some(env) = &d.environment {
        lines.push(field(
            format!("production: type {env} to confirm: "),
            Field::Typed,
            &d.typed,
            theme.error(),
        ));
    }
    lines.push(Line::raw(""));
    if let Some(problem) = &d.problem {
        lines.push(Line::styled(format!("✗ {problem}"), theme.error()));
    }
    lines.push(Line::styled(
        "enter confirm · tab next field · esc cancel (nothing changes)",
        theme.muted(),
    ));
    let rows: usize = lines
        .iter()
        .map(|l| l.width().div_ceil(inner.max(1)).max(1))
        .sum();
    let area = centred(
        frame.area(),
        DIALOG_WIDTH,
        u16::try_from(rows + 2).unwrap_or(u16::MAX),
    );
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(popup_block(&p.title, theme)),
        area,
    );
}

fn draw_toasts(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut y = area.y + 1;
    for toast in &app.toasts {
        let text = format!(" {} ", crate::text::one_line(&toast.text));
        let width = (text.width() as u16 + 2).min(area.width.saturating_sub(2));
        if y + 3 > area.y + area.height || width < 4 {
            break;
        }
        let rect = Rect::new(area.x + area.width - width - 1, y, width, 3);
        let style = if toast.error {
            theme.error()
        } else {
            theme.ok()
        };
        frame.render_widget(Clear, rect);
        frame.render_widget(
            Paragraph::new(Span::styled(text, style))
                .block(Block::default().borders(Borders::ALL).border_style(style)),
            rect,
        );
        y += 3;
    }
}

/// The message a list shows instead of rows.
fn empty_message<T>(list: &List<T>, what: &str, retry: &str) -> Option<(String, bool)> {
    if !list.items.is_empty() {
        return None;
    }
    Some(match &list.load {
        Load::Idle | Load::Loading => (format!("Loading {what}…"), false),
        Load::Failed(e) => (
            format!("Could not load {what}: {e}\nPress {retry} to try again."),
            true,
        ),
        Load::Loaded => (format!("No {what}."), false),
    })
}

#[cfg(test)]
mod tests;
