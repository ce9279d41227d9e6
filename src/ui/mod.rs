//! Drawing. Each pane draws itself through the `Pane` interface and hands its tables only the
//! rows in view, so a frame costs the same with twenty rows loaded or a million. The shell's
//! parts (tabs, status bar, the bottom line, a pane's open form, overlays) are drawn here,
//! over whatever screen the pane is on; toasts get rows of their own below the pane.

mod audit;
pub mod input;
pub mod insights;
pub mod logs;
pub mod metrics;
mod overlay;
mod posts;
mod profile;
pub mod storage;
mod table;
mod users;
mod wrap;

pub use audit::draw as draw_audit;
pub use posts::draw as draw_posts;
pub use users::draw as draw_users;

use overlay::{draw_dialog, draw_errors, draw_form, draw_help, draw_toasts, draw_who};

use crate::app::list::{List, Load};
use crate::app::{App, LineKind, Overlay, PaneId};
use crate::keymap::{Action, Keymap};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
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
    /// Display names of subs, for panes to show in their place.
    pub names: &'a crate::app::names::Names,
}

/// The smallest screen the console is drawn on; below it, it says so and keys wait.
pub const MIN_WIDTH: u16 = 36;
pub const MIN_HEIGHT: u16 = 8;

pub fn draw(frame: &mut Frame<'_>, app: &mut App, theme: &Theme, tick: usize) {
    let size = frame.area();
    app.too_small = size.width < MIN_WIDTH || size.height < MIN_HEIGHT;
    if app.too_small {
        // A dialog at 30×10 drew none of its fields while keys still went into them.
        let text = format!(
            "The terminal is {}×{}; backoffice needs {MIN_WIDTH}×{MIN_HEIGHT}. Make it larger: \
             keys wait until then (q quits).",
            size.width, size.height
        );
        frame.render_widget(
            Paragraph::new(text)
                .style(theme.warning())
                .wrap(Wrap { trim: true }),
            size,
        );
        return;
    }
    // Toasts take rows of their own above the status bar, one each, while they show: the
    // pane gives them up rather than being drawn under them (its header and first rows stay
    // in view). The pane keeps at least five rows.
    let toast_rows =
        overlay::toast_rows(app, frame.area().width).min(frame.area().height.saturating_sub(3 + 5));
    let [tabs, main, toasts, status, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(toast_rows),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    app.pane_end = main.bottom().saturating_sub(1);
    app.screen_width = frame.area().width;
    draw_tabs(frame, tabs, app, theme);
    app.draw_pane(frame, main, theme);
    if let Some(form) = app.focused().form() {
        draw_form(frame, main, &form, theme);
    }
    draw_status(frame, status, app, theme, tick);
    draw_bottom(frame, bottom, app, theme);
    // Under the overlays: a dialog is read whole, never with a toast across one of its rows.
    draw_toasts(frame, toasts, app, theme);
    // Scrolled overlays keep the scroll they could be drawn at, so `G` then `k` moves at once.
    let drawn_at = match &app.overlay {
        Some(Overlay::Help { scroll }) => Some(draw_help(frame, app, *scroll, theme)),
        Some(Overlay::ErrorLog { scroll }) => Some(draw_errors(frame, app, *scroll, theme)),
        Some(Overlay::Who(view)) => Some(draw_who(frame, view, &app.keymap, theme)),
        Some(Overlay::Dialog(d)) => {
            draw_dialog(frame, d, theme);
            None
        }
        None => None,
    };
    match (&mut app.overlay, drawn_at) {
        (Some(Overlay::Help { scroll }) | Some(Overlay::ErrorLog { scroll }), Some(at)) => {
            *scroll = at
        }
        (Some(Overlay::Who(view)), Some(at)) => view.scroll = at,
        _ => {}
    }
}

/// The tab labels as drawn on a screen `width` wide, each with the column it starts at: the
/// panes' titles where they fit, else short ones, else the current pane's and the others'
/// initials (the current tab always shows whole).
fn tab_labels(width: u16, current: PaneId) -> Vec<(u16, PaneId, String)> {
    let lay_out = |label: &dyn Fn(PaneId) -> String| {
        let mut x = 0u16;
        PaneId::ALL
            .into_iter()
            .map(|pane| {
                let label = label(pane);
                let at = x;
                x = x.saturating_add(label.width() as u16 + 1);
                (at, pane, label)
            })
            .collect::<Vec<_>>()
    };
    let fits = |tabs: &[(u16, PaneId, String)]| {
        tabs.last()
            .is_none_or(|(at, _, label)| usize::from(*at) + label.width() <= usize::from(width))
    };
    let full = lay_out(&|pane| format!(" {} ", pane.title()));
    if fits(&full) {
        return full;
    }
    let short = lay_out(&|pane| format!(" {} ", pane.short_title()));
    if fits(&short) {
        return short;
    }
    lay_out(&|pane| {
        if pane == current {
            format!(" {} ", pane.short_title())
        } else {
            format!(" {} ", pane.short_title().chars().next().unwrap_or(' '))
        }
    })
}

/// The pane whose tab is drawn at column `x` of the tab bar on a screen `width` wide.
pub fn tab_at(x: u16, width: u16, current: PaneId) -> Option<PaneId> {
    tab_labels(width, current)
        .into_iter()
        .find(|(at, _, label)| (*at..at.saturating_add(label.width() as u16)).contains(&x))
        .map(|(_, pane, _)| pane)
}

fn draw_tabs(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let mut spans = Vec::new();
    let mut used = 0usize;
    for (at, pane, label) in tab_labels(area.width, app.pane) {
        let style = if pane == app.pane {
            theme.selection()
        } else {
            theme.muted()
        };
        if used > 0 {
            spans.push(Span::raw(" "));
        }
        used = usize::from(at) + label.width();
        spans.push(Span::styled(label, style));
    }
    // The keys' hint, only whole, after the last tab's padding.
    let next = app.keymap.hint(Action::NextPane);
    let room = usize::from(area.width).saturating_sub(used);
    // Whole phrases only (`tab next` read as cut).
    let hint = [
        format!(" {next} next pane  : command"),
        format!(" {next} next pane"),
        format!("{next} next pane"),
    ]
    .into_iter()
    .find(|h| h.width() <= room);
    if let Some(hint) = hint {
        spans.push(Span::styled(hint, theme.muted()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_status(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme, tick: usize) {
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
    // Firing alarms come before who and where: on-call's first question on any pane.
    if let Some(badge) = &app.alarm_badge {
        head.push(Span::styled(format!(" {badge} "), theme.error()));
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
    if let Some(e) = &app.exporting {
        signals.push(Span::styled(
            format!(
                " ⇩ {} · {} rows ({} cancels) ",
                crate::text::one_line(&e.path.display().to_string()),
                e.rows,
                app.keymap.hint(Action::Export)
            ),
            theme.ok(),
        ));
    }
    let pending = app.pending();
    if pending > 0 {
        // A long write says how far it has got (a ban of 2,000 posts said "1 pending" for
        // seconds).
        let progress = app
            .write_progress()
            .map(|p| format!(" · {p}"))
            .unwrap_or_default();
        signals.push(Span::styled(
            format!(
                " {} {pending} pending{progress} ",
                SPINNER[tick % SPINNER.len()]
            ),
            theme.ok(),
        ));
    }
    let width = |spans: &[Span<'_>]| spans.iter().map(Span::width).sum::<usize>();
    if let Some(e) = &app.last_error {
        // Cut in its middle between words, so what failed and what to do (said last:
        // `…; do it again`) both show, and the way to the whole of it kept.
        let details = format!("  ({} details) ", app.keymap.hint(Action::ErrorLog));
        let room = usize::from(area.width)
            .saturating_sub(width(&head) + width(&signals) + details.width() + 3);
        let message = crate::text::middle_words(e, room.max(1));
        signals.push(Span::styled(
            format!(" ✗ {}{details}", message.trim_end()),
            theme.error(),
        ));
    }
    // Who and where give way when the signals would not fit: an error must be readable.
    let fits = width(&head) + width(&identity) + width(&signals) <= usize::from(area.width);
    let mut spans = head;
    if fits {
        spans.extend(identity);
    }
    spans.extend(signals);
    // The keys' hint only whole, the quit key first to go (while a request was pending, a
    // narrow bar showed `? help q` cut after the `q`).
    if app.last_error.is_none() {
        let room = usize::from(area.width).saturating_sub(width(&spans));
        let help = app.keymap.hint(Action::Help);
        let hint = [
            format!(" {help} help  {} quit", app.keymap.hint(Action::Quit)),
            format!(" {help} help"),
        ]
        .into_iter()
        .find(|h| h.width() <= room);
        if let Some(hint) = hint {
            spans.push(Span::styled(hint, theme.muted()));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_bottom(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let width = usize::from(area.width);
    let line = match &app.prompt {
        Some(prompt) => {
            let (lead, hint) = match prompt.kind {
                LineKind::Command => {
                    let text = prompt.text();
                    // Going round with `tab`: every name of the round, not only the one shown.
                    let options = match &prompt.cycle {
                        Some(c) if c.lines.get(c.at) == Some(&text) => c.names.clone(),
                        _ => app.completions(&text),
                    };
                    let hint = if options.is_empty() || text.is_empty() {
                        String::new()
                    } else {
                        format!("   tab: {}", options.join(" "))
                    };
                    (":", hint)
                }
                LineKind::Filter => ("/", format!("   {}", app.focused().filter_hint())),
                LineKind::Export => (
                    "export to ",
                    "   .csv or .jsonl · enter starts · esc cancels · never overwrites".to_string(),
                ),
            };
            // A full line says so: what was typed or pasted beyond it was dropped.
            let hint = match prompt.input.full_at() {
                Some(max) => format!("   full: at most {max} characters{hint}"),
                None => hint,
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
            let used: usize = spans.iter().map(|s| s.content.width()).sum();
            spans.push(Span::styled(
                fit_hint(&hint, width.saturating_sub(used)),
                theme.muted(),
            ));
            Line::from(spans)
        }
        None => {
            let filter = app.focused().filter_text();
            if !app.focused().filters() {
                // `/` does nothing here (Insights, Metrics): not offered.
                Line::default()
            } else if filter.is_empty() {
                Line::from(Span::styled(
                    format!(
                        "{} {}",
                        app.keymap.hint(Action::Filter),
                        app.focused().filter_word()
                    ),
                    theme.muted(),
                ))
            } else {
                Line::from(vec![
                    Span::styled("filter: ", theme.muted()),
                    // A typed invisible letter is named, as the lists name it.
                    Span::styled(
                        crate::text::one_line(&named_invisibles(filter)),
                        theme.text(),
                    ),
                ])
            }
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// A prompt's hint in `room` columns: whole ` · ` parts from its start while they fit, else its
/// first words and `…` (the edge cut `enter starts, esc cancels` to `enter starts, esc ca`).
fn fit_hint(hint: &str, room: usize) -> String {
    if hint.width() <= room {
        return hint.to_string();
    }
    let mut kept = String::new();
    for (i, part) in hint.split(" · ").enumerate() {
        let next = if i == 0 {
            part.to_string()
        } else {
            format!("{kept} · {part}")
        };
        if next.width() > room {
            break;
        }
        kept = next;
    }
    if !kept.trim().is_empty() {
        return kept;
    }
    // Not even the first part: its words while they and `…` fit.
    let body = hint.trim_start();
    let lead = &hint[..hint.len() - body.len()];
    let mut words = lead.to_string();
    for word in body.split(' ') {
        let next = if words.len() == lead.len() {
            format!("{words}{word}")
        } else {
            format!("{words} {word}")
        };
        if next.width() + 1 > room {
            break;
        }
        words = next;
    }
    if words.len() == lead.len() {
        String::new()
    } else {
        format!("{}…", words.trim_end())
    }
}

/// `text` with each letter that draws as nothing named (`<U+3164>`), spaces left as they are.
pub(super) fn named_invisibles(text: &str) -> String {
    text.chars()
        .map(|c| {
            if backoffice_domain::model::is_invisible_format(c) {
                format!("<U+{:04X}>", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
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

/// A popup's frame, its title fitted to the popup's `width` by [`table::fit_title`] (whole
/// parts left out from the middle, then a cut in the middle that shows it was cut).
/// Clears `area` for a popup, and the cell left of it when that holds the first half of a
/// wide character (an emoji, a CJK letter): the terminal would draw its second half over the
/// popup's left border.
fn clear(frame: &mut Frame<'_>, area: Rect) {
    frame.render_widget(ratatui::widgets::Clear, area);
    if area.x == 0 {
        return;
    }
    let buffer = frame.buffer_mut();
    for y in area.top()..area.bottom() {
        if let Some(cell) = buffer.cell_mut((area.x - 1, y))
            && cell.symbol().width() > 1
        {
            cell.set_symbol(" ");
        }
    }
}

/// A popup's frame, its title fitted to it: where the whole title does not fit, its head
/// (before the first `: ` or ` (`, where a dialog's title explains itself) is tried before
/// anything is cut (at 80 columns the resend-invitation dialog lost its middle, the user).
fn popup_block(title: &str, width: u16, theme: &Theme) -> Block<'static> {
    let title = crate::text::one_line(title);
    let head = [": ", " ("]
        .iter()
        .filter_map(|sep| title.find(sep))
        .min()
        .map(|at| &title[..at]);
    let mut forms = vec![format!(" {title} ")];
    forms.extend(head.map(|h| format!(" {h} ")));
    let title = table::fit_title_forms(&forms, width.saturating_sub(2));
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Span::styled(title, theme.title(true)))
}

/// What to do after a failed read: try again, but not as if it could help where the thing
/// is gone (a 404 said `Press ctrl-r to try again`).
pub(crate) fn try_again(error: &crate::app::Failure, retry: &str) -> String {
    match error.cause {
        crate::app::Cause::Gone => {
            format!("It is not there (deleted, or never was); {retry} reads again.")
        }
        // The process's variables are read once: setting one in another shell changes nothing.
        crate::app::Cause::Setup => {
            "Reading again cannot help: quit, mend the setting, and start again.".to_string()
        }
        crate::app::Cause::Data => "Reading again cannot help: the row holds a value no release \
             writes; mend it in the database (the log names it)."
            .to_string(),
        _ => format!("Press {retry} to try again."),
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
            format!("Could not load {what}: {e}\n{}", try_again(e, retry)),
            true,
        ),
        Load::Loaded => match table::unread_note(list) {
            Some(note) => (format!("No {what} could be read. {note}"), true),
            None => (format!("No {what}."), false),
        },
    })
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod oncall_tests;
