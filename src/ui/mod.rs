//! Drawing. Each pane hands the table only the rows in view, so a frame costs the same with
//! twenty rows loaded or a million.

mod logs;
mod panes;
pub mod storage;

use crate::app::dialog::{Dialog, Field, Form};
use crate::app::list::{List, Load};
use crate::app::{App, Mode, Overlay, PaneId};
use crate::keymap::{Action, Scope};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

const SPINNER: [&str; 4] = ["◐", "◓", "◑", "◒"];

/// The row (screen y) where list rows start, for mouse clicks: below the tab bar and the
/// pane's border. Row 0 of a table is its header.
pub const LIST_TOP: u16 = 2;

pub fn draw(frame: &mut Frame, app: &mut App, theme: &Theme, tick: usize) {
    let [tabs, main, status, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    draw_tabs(frame, tabs, app, theme);
    match app.pane {
        PaneId::Users => panes::users(frame, main, app, theme),
        PaneId::Posts => panes::posts(frame, main, app, theme),
        PaneId::Audit => panes::audit(frame, main, app, theme),
        PaneId::Storage => storage::draw(frame, main, app, theme),
        PaneId::Logs => logs::draw(frame, main, app, theme),
    }
    draw_status(frame, status, app, theme, tick);
    draw_bottom(frame, bottom, app, theme);
    match &app.overlay {
        Some(Overlay::Help) => draw_help(frame, app, theme),
        Some(Overlay::ErrorLog) => draw_errors(frame, app, theme),
        Some(Overlay::Who(view)) => draw_who(frame, view, theme),
        Some(Overlay::Dialog(d)) => draw_dialog(frame, d, theme),
        None => {}
    }
    draw_toasts(frame, main, app, theme);
}

fn draw_tabs(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut spans = Vec::new();
    for pane in PaneId::ALL {
        let style = if pane == app.pane {
            theme.selection()
        } else {
            theme.muted()
        };
        spans.push(Span::styled(format!(" {} ", pane.title()), style));
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
    let line = match &app.mode {
        Mode::Command(text) => {
            let options = app.completions(text);
            let hint = if options.is_empty() || text.is_empty() {
                String::new()
            } else {
                format!("   tab: {}", options.join(" "))
            };
            Line::from(vec![
                Span::styled(format!(":{text}"), theme.text()),
                Span::styled("▏", theme.title(true)),
                Span::styled(hint, theme.muted()),
            ])
        }
        Mode::Filter(text) => Line::from(vec![
            Span::styled(format!("/{text}"), theme.text()),
            Span::styled("▏", theme.title(true)),
            Span::styled(
                match app.pane {
                    PaneId::Users => "   email ^= ann · name = \"Ann Lee\" · a sub · a username",
                    PaneId::Posts => {
                        "   text · status:hidden · author:SUB · since:YYYY-MM-DD · until:…"
                    }
                    PaneId::Audit => "   actor:NAME · kind:post|comment|user|report|object · id:ID",
                    PaneId::Storage => "   a prefix of the open bucket (posts/…), or a bucket name",
                    PaneId::Logs => {
                        "   search the buffer (lower case: any case) · empty: stop searching"
                    }
                },
                theme.muted(),
            ),
        ]),
        Mode::Normal => {
            let filter = match app.pane {
                PaneId::Users => &app.users.filter_text,
                PaneId::Posts => &app.posts.filter_text,
                PaneId::Audit => &app.audit.filter_text,
                PaneId::Storage => &app.storage.filter_text,
                PaneId::Logs => &app.logs.filter_text,
            };
            if filter.is_empty() {
                Line::from(Span::styled(
                    format!("{} filter", app.keymap.hint(Action::Filter)),
                    theme.muted(),
                ))
            } else {
                Line::from(vec![
                    Span::styled("filter: ", theme.muted()),
                    Span::styled(filter.clone(), theme.text()),
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

fn draw_help(frame: &mut Frame, app: &App, theme: &Theme) {
    let mut lines = Vec::new();
    let mut scope = None;
    for (s, keys, what) in app.keymap.help() {
        let wanted = match s {
            Scope::Everywhere => true,
            Scope::Posts => app.pane == PaneId::Posts,
            Scope::Users => app.pane == PaneId::Users,
            Scope::Storage => app.pane == PaneId::Storage,
            Scope::Logs => app.pane == PaneId::Logs,
        };
        if !wanted {
            continue;
        }
        if scope != Some(s) {
            scope = Some(s);
            let title = match s {
                Scope::Everywhere => "Everywhere",
                Scope::Posts => "Posts & comments",
                Scope::Users => "Users",
                Scope::Storage => "Storage",
                Scope::Logs => "Logs",
            };
            lines.push(Line::styled(title, theme.title(true)));
        }
        lines.push(Line::from(vec![
            Span::styled(format!("{keys:>18}  "), theme.title(false)),
            Span::styled(what, theme.text()),
        ]));
    }
    let area = centred(frame.area(), 66, lines.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(popup_block("Keys (any key closes)", theme)),
        area,
    );
}

fn draw_who(frame: &mut Frame, view: &crate::app::who::WhoView, theme: &Theme) {
    let area = centred(frame.area(), 110, frame.area().height.saturating_sub(2));
    let lines: Vec<Line> = view
        .lines()
        .into_iter()
        .map(|l| {
            if !l.is_empty() && !l.starts_with(' ') {
                Line::styled(l, theme.title(true))
            } else {
                Line::styled(l, theme.text())
            }
        })
        .collect();
    let title = format!("{} · j/k scroll · esc back", view.who);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((view.scroll, 0))
            .block(popup_block(&title, theme)),
        area,
    );
}

fn draw_errors(frame: &mut Frame, app: &App, theme: &Theme) {
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
                        Span::styled(f.message.clone(), theme.error()),
                    ]),
                    Line::styled(format!("         {}", f.chain), theme.text()),
                ]
            })
            .collect()
    };
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(popup_block("Errors, newest first (any key closes)", theme)),
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

fn draw_dialog(frame: &mut Frame, d: &Dialog, theme: &Theme) {
    let p = &d.proposal;
    let mut lines = vec![Line::styled("This will change:", theme.muted())];
    for c in p.changes.iter().take(12) {
        lines.push(Line::styled(format!("  • {c}"), theme.warning()));
    }
    if p.changes.len() > 12 {
        lines.push(Line::styled(
            format!("  … and {} more", p.changes.len() - 12),
            theme.warning(),
        ));
    }
    lines.push(Line::raw(""));
    let (l1, l2) = d.input_labels();
    let masked = |s: &str| "•".repeat(s.chars().count());
    match p.form {
        Form::Ready(_) => {}
        Form::Password { .. } => {
            lines.push(Line::from(vec![
                Span::styled(format!("{l1:>10}: "), theme.muted()),
                Span::styled(
                    format!("{}▏", masked(&d.input1)),
                    field_style(d, Field::Input1, theme),
                ),
            ]));
            lines.push(Line::from(vec![
                Span::styled(format!("{l2:>10}: "), theme.muted()),
                Span::styled(
                    format!("{}▏", masked(&d.input2)),
                    field_style(d, Field::Input2, theme),
                ),
            ]));
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
            lines.push(Line::from(vec![
                Span::styled(format!("{l1:>10}: "), theme.muted()),
                Span::styled(
                    format!("{}▏", d.input1),
                    field_style(d, Field::Input1, theme),
                ),
            ]));
            lines.push(Line::from(vec![
                Span::styled(format!("{l2:>10}: "), theme.muted()),
                Span::styled(
                    format!("{}▏", d.input2),
                    field_style(d, Field::Input2, theme),
                ),
            ]));
        }
        Form::AddGroup { .. } | Form::RemoveGroup { .. } => {
            lines.push(Line::from(vec![
                Span::styled(format!("{l1:>10}: "), theme.muted()),
                Span::styled(
                    format!("{}▏", d.input1),
                    field_style(d, Field::Input1, theme),
                ),
            ]));
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
    lines.push(Line::from(vec![
        Span::styled(format!("{:>10}: ", "details"), theme.muted()),
        Span::styled(
            format!("{}▏", d.reason_text),
            field_style(d, Field::ReasonText, theme),
        ),
    ]));
    if let Some(name) = &p.type_to_confirm {
        lines.push(Line::from(vec![
            Span::styled(format!("type {name} to confirm: "), theme.error()),
            Span::styled(
                format!("{}▏", d.typed_name),
                field_style(d, Field::TypedName, theme),
            ),
        ]));
    }
    if let Some(env) = &d.environment {
        lines.push(Line::from(vec![
            Span::styled(
                format!("production: type {env} to confirm: "),
                theme.error(),
            ),
            Span::styled(format!("{}▏", d.typed), field_style(d, Field::Typed, theme)),
        ]));
    }
    lines.push(Line::raw(""));
    if let Some(problem) = &d.problem {
        lines.push(Line::styled(format!("✗ {problem}"), theme.error()));
    }
    lines.push(Line::styled(
        "enter confirm · tab next field · esc cancel (nothing changes)",
        theme.muted(),
    ));
    let area = centred(frame.area(), 84, lines.len() as u16 + 2);
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
        let text = format!(" {} ", toast.text);
        let width = (text.chars().count() as u16 + 2).min(area.width.saturating_sub(2));
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
