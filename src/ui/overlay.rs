//! What the shell draws over a pane: the pane's open form, help, the error log, `:who`, the
//! confirmation dialog and toasts. Untrusted text in them is made safe to print first.

use super::{centred, input, popup_block};
use crate::app::dialog::{Dialog, Field, Form};
use crate::app::{App, FormView};
use crate::keymap::{Action, Keymap, Scope};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Borders, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

/// A pane's open form, over the lower part of the pane whatever screen it is on.
pub(super) fn draw_form(frame: &mut Frame<'_>, area: Rect, form: &FormView<'_>, theme: &Theme) {
    let (area, width, sides) = if form.edge_to_edge {
        // From the first column to the last, ruled above and below only: a mouse selection
        // of a wrapped link takes the link and nothing of a frame or of the pane beside it.
        let area = Rect::new(
            frame.area().x,
            area.y,
            frame.area().width,
            area.height.saturating_sub(1).max(area.height.min(3)),
        );
        (area, area.width, 0)
    } else {
        // Inside the pane's border, so the pane still reads as the pane underneath.
        let area = Rect::new(
            area.x + 2.min(area.width / 4),
            area.y,
            area.width.saturating_sub(4).max(area.width.min(8)),
            area.height.saturating_sub(1).max(area.height.min(3)),
        );
        (area, area.width.min(100), 2)
    };
    let inner = usize::from(width.saturating_sub(sides)).max(1);
    let label_width = form
        .fields
        .iter()
        .map(|f| f.label.width())
        .max()
        .unwrap_or(0);
    let mut lines: Vec<Line<'_>> = form
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
        if f.input.is_multiline() {
            // A field of several lines: the label on its first, the rest under it.
            let mut rows =
                input::lines(f.input, room, style, theme.title(true), f.focused).into_iter();
            if let Some(first) = rows.next() {
                spans.extend(first.spans);
            }
            lines.push(Line::from(spans));
            for row in rows {
                let mut indented = vec![Span::raw(" ".repeat(label_width + 2))];
                indented.extend(row.spans);
                lines.push(Line::from(indented));
            }
            continue;
        }
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
        lines.push(problem_line(problem, inner, theme));
    }
    let wrap_width = u16::try_from(inner).unwrap_or(u16::MAX);
    let visible = usize::from(area.height.saturating_sub(2));
    // An edge-to-edge form ends with what is there to be selected (a presigned link): short of
    // rows, the notes above it give way (it was cut at the bottom, with the hint), and a link
    // that does not fit even alone is said to be cut, not handed over broken.
    let last_fits = !form.edge_to_edge
        || form.body.last().is_none_or(|last| {
            Paragraph::new(crate::text::one_line(last))
                .wrap(Wrap { trim: false })
                .line_count(wrap_width)
                < visible
        });
    let hint = if last_fits {
        form.hint.clone()
    } else {
        format!(
            "cut: the terminal is too small to show it whole; make it larger to select it · {}",
            form.hint
        )
    };
    lines.push(Line::styled(hint, theme.muted()));
    let paragraph = Paragraph::new(lines).wrap(Wrap { trim: false });
    let rows = paragraph.line_count(wrap_width);
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX).min(area.height);
    let paragraph = if form.edge_to_edge && rows > visible {
        paragraph.scroll((u16::try_from(rows - visible).unwrap_or(u16::MAX), 0))
    } else {
        paragraph
    };
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + area.height - height,
        width,
        height,
    );
    super::clear(frame, rect);
    let mut block = popup_block(&form.title, rect.width, theme);
    if form.edge_to_edge {
        block = block.borders(Borders::TOP | Borders::BOTTOM);
    }
    frame.render_widget(paragraph.block(block), rect);
}

/// `scroll` kept within the rows `lines` wrap to in `area` (inside its border): the last row
/// of text is the lowest that goes to the top.
/// The most rows a scrolling popup (help, the error log, `:who`) takes: clear of the pane's
/// borders above and below (its own bottom edge was drawn on the pane's), at least 3.
fn tallest_popup(screen: Rect) -> u16 {
    screen.height.saturating_sub(6).max(3)
}

/// `want` columns, within the pane's borders at the sides too (at 60 columns the popups took
/// the pane's side columns), at least 20.
fn widest_popup(screen: Rect, want: u16) -> u16 {
    want.min(screen.width.saturating_sub(4).max(20))
}

fn clamp_scroll(lines: &[Line<'_>], area: Rect, scroll: u16) -> u16 {
    let inner = usize::from(area.width.saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let visible = usize::from(area.height.saturating_sub(2));
    scroll.min(u16::try_from(rows.saturating_sub(visible)).unwrap_or(u16::MAX))
}

/// Draws help; returns the scroll it was drawn at.
/// What help says of each `:` command (docs/keys.md has them in full).
const COMMAND_HELP: &[(&str, &str)] = &[
    (
        "users, posts …",
        "a pane: also reports, audit, storage, logs, insights,",
    ),
    ("", "metrics, alarms"),
    (
        "storage PREFIX",
        "the Storage pane on a folder (or s3://BUCKET/…)",
    ),
    (
        "who WHO",
        "one person everywhere: an e-mail, a sub or a username (none: the selected user)",
    ),
    ("ban / unban", "plan a ban of the selected person"),
    ("create", "a new account"),
    (
        "save NAME",
        "the pane's filter as a view (view NAME, forget NAME)",
    ),
    ("env NAME", "another environment, where you stand"),
    ("theme NAME", "another theme"),
    ("help / q", "this list / quit"),
];

pub(super) fn draw_help(frame: &mut Frame<'_>, app: &App, scroll: u16, theme: &Theme) -> u16 {
    let offered = app.focused().offers();
    // The pane's own keys first (what the reader opened help for), then those of every pane.
    let mut own = vec![Line::styled(app.pane.title(), theme.title(true))];
    let mut everywhere = vec![Line::styled("Everywhere", theme.title(true))];
    for (s, action, keys, what) in app.keymap.help() {
        // A common key's meaning on this screen, where it has one of its own.
        let own_meaning = app.focused().describes(action);
        let line = Line::from(vec![
            Span::styled(format!("{keys:>18}  "), theme.title(false)),
            Span::styled(own_meaning.unwrap_or(what), theme.text()),
        ]);
        // Listed with the pane's own keys, where it means something of the pane's own.
        if own_meaning.is_some() {
            own.push(line);
        } else if action == Action::NextView {
            // Only where there is another view (Users listed `v` and it did nothing).
            if offered.contains(&action) {
                own.push(line);
            }
        } else if s == Scope::Everywhere {
            everywhere.push(line);
        } else if offered.contains(&action) {
            own.push(line);
        }
    }
    let mut lines = if own.len() > 1 { own } else { Vec::new() };
    lines.extend(everywhere);
    // The `:` commands (`:foo` says "try :help", which listed only keys).
    lines.push(Line::styled("Commands (after :)", theme.title(true)));
    for (command, what) in COMMAND_HELP {
        lines.push(Line::from(vec![
            Span::styled(format!("{command:>18}  "), theme.title(false)),
            Span::styled(*what, theme.text()),
        ]));
    }
    // As wide as the longest description wants, within the screen; what is still too long
    // wraps under its description, never cut.
    let widest = lines.iter().map(Line::width).max().unwrap_or(0);
    let screen = frame.area().width;
    // Never wider than the screen, so the wrap below is the only one (a 60-column screen
    // wrapped each description twice).
    let width = u16::try_from(widest + 2)
        .unwrap_or(u16::MAX)
        .max(66)
        .min(screen.saturating_sub(4).max(20));
    let lines = super::table::hang(lines, width.saturating_sub(2));
    let area = centred(
        frame.area(),
        width,
        u16::try_from(lines.len() + 2)
            .unwrap_or(u16::MAX)
            .min(tallest_popup(frame.area())),
    );
    super::clear(frame, area);
    let keys = &app.keymap;
    let title = format!(
        "Keys · {}/{} scroll · any other key closes",
        keys.hint(Action::Down),
        keys.hint(Action::Up)
    );
    let scroll = clamp_scroll(&lines, area, scroll);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(popup_block(&title, area.width, theme)),
        area,
    );
    scroll
}

/// Draws `:who`; returns the scroll it was drawn at.
pub(super) fn draw_who(
    frame: &mut Frame<'_>,
    view: &crate::app::who::WhoView,
    keys: &Keymap,
    theme: &Theme,
) -> u16 {
    let area = centred(
        frame.area(),
        widest_popup(frame.area(), 110),
        tallest_popup(frame.area()),
    );
    // An indented line wraps under its own start (its rows after the first began at the
    // popup's edge, under the headings).
    let lines: Vec<Line<'static>> = view
        .lines()
        .into_iter()
        .map(|l| {
            let l = crate::text::one_line(&l);
            let body = l.trim_start_matches(' ');
            let indent = l.len() - body.len();
            if !l.is_empty() && indent == 0 {
                Line::styled(l, theme.title(true))
            } else if indent > 0 && !body.is_empty() {
                Line::from(vec![
                    Span::styled(" ".repeat(indent), theme.text()),
                    Span::styled(body.to_string(), theme.text()),
                ])
            } else {
                Line::styled(l, theme.text())
            }
        })
        .collect();
    let lines = super::table::hang(lines, area.width.saturating_sub(2));
    let title = format!(
        "{} · {}/{} scroll · {} back",
        // Who was asked for, hidden characters named (`ann<U+034F>`).
        crate::text::identifier(&view.who),
        keys.hint(Action::Down),
        keys.hint(Action::Up),
        keys.hint(Action::Back)
    );
    let scroll = clamp_scroll(&lines, area, view.scroll);
    super::clear(frame, area);
    // Wrapped, never cut: a 120-character username's line goes on to its status.
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(popup_block(&title, area.width, theme)),
        area,
    );
    scroll
}

/// Draws the error log; returns the scroll it was drawn at.
pub(super) fn draw_errors(frame: &mut Frame<'_>, app: &App, scroll: u16, theme: &Theme) -> u16 {
    let area = centred(
        frame.area(),
        widest_popup(frame.area(), 100),
        tallest_popup(frame.area()),
    );
    let lines: Vec<Line<'_>> = if app.errors.is_empty() {
        vec![Line::styled("No errors this session.", theme.muted())]
    } else {
        // Each entry's rows after its first start under its message, so one entry does not
        // run into the next.
        let width = usize::from(area.width.saturating_sub(2));
        app.errors
            .iter()
            .flat_map(|(at, f)| {
                let mut lines = super::wrap::hanging(
                    vec![Span::styled(format!("{at} "), theme.muted())],
                    vec![Span::styled(
                        crate::text::one_line(&f.message),
                        theme.error(),
                    )],
                    width,
                );
                // The causes under it, when they say more than the message itself.
                if f.chain.trim() != f.message.trim() {
                    for cause in crate::text::printable(&f.chain).lines() {
                        lines.extend(super::wrap::hanging(
                            vec![Span::raw("         ")],
                            vec![Span::styled(cause.to_string(), theme.text())],
                            width,
                        ));
                    }
                }
                lines
            })
            .collect()
    };
    let scroll = clamp_scroll(&lines, area, scroll);
    super::clear(frame, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(popup_block(
                "Errors, newest first (any key but scrolling closes)",
                area.width,
                theme,
            )),
        area,
    );
    scroll
}

pub(super) fn field_style(d: &Dialog, f: Field, theme: &Theme) -> Style {
    if d.focus == f {
        theme.selection()
    } else {
        theme.text()
    }
}

/// Width of a dialog.
const DIALOG_WIDTH: u16 = 84;

/// The widest a dialog grows on a wide terminal (its title names the account and what the
/// write does, and was cut in its middle at 84 columns even on a 200-column screen).
const DIALOG_WIDTH_MAX: u16 = 120;

/// A dialog's width on a screen `width` columns wide: 84, or more up to 120 leaving 8 columns
/// of the pane on each side; never wider than the screen.
/// Rows a prompt's or a dialog's problem takes at most; the error log has it whole.
const PROBLEM_ROWS: usize = 3;

/// A problem under a form's fields, cut in its middle to [`PROBLEM_ROWS`] rows of `inner`
/// columns: a sandbox file's 900-character path filled an upload dialog and pushed its way
/// out below the screen.
fn problem_line(problem: &str, inner: usize, theme: &Theme) -> Line<'static> {
    let text = format!("✗ {}", crate::text::one_line(problem));
    // Half a row spare for wrapping at spaces.
    let most = (inner * PROBLEM_ROWS).saturating_sub(inner / 2).max(3);
    Line::styled(crate::text::middle(&text, most), theme.error())
}

fn dialog_width(width: u16) -> u16 {
    width
        .saturating_sub(16)
        .clamp(DIALOG_WIDTH, DIALOG_WIDTH_MAX)
        .min(width)
}

/// Changes a dialog lists at once, at most; `pgdn` shows the next.
const CHANGES_SHOWN: usize = 12;

/// Group names a group dialog lists under its field, at most.
const GROUPS_SHOWN: usize = 12;

pub(super) fn draw_dialog(frame: &mut Frame<'_>, d: &Dialog, theme: &Theme) {
    let p = &d.proposal;
    let inner = usize::from(dialog_width(frame.area().width).saturating_sub(2));
    let first = d.changes_from();
    // A change's later rows start under its text, not under the bullet.
    let change = |text: String| -> Line<'static> {
        Line::from(vec![
            Span::styled("  • ", theme.warning()),
            Span::styled(text, theme.warning()),
        ])
    };
    let change_text = |c: &String| crate::text::one_line(&d.as_typed(c));
    // What follows the changes, the fields, the problem and the way out, drawn whole below
    // the changes (what follows was the last change, paged away behind `… 14 more`).
    let mut lines: Vec<Line<'static>> = p
        .after
        .iter()
        .map(|a| Line::styled(crate::text::one_line(a), theme.warning()))
        .collect();
    if !lines.is_empty() {
        lines.push(Line::raw(""));
    }
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
        Form::Password { .. } | Form::CreateUser => {
            let invite = matches!(p.form, Form::CreateUser);
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
                Span::styled(
                    format!("{:>10}: ", if invite { "invite" } else { "permanent" }),
                    theme.muted(),
                ),
                Span::styled(
                    match (invite, d.permanent) {
                        (false, true) => "[x] yes",
                        (false, false) => "[ ] no (temporary)",
                        (true, true) => "[x] e-mail the invitation (space toggles)",
                        (true, false) => "[ ] send nothing (space toggles)",
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
            // What the attribute holds now, as its name is typed; before, and while what is
            // typed starts some names, those it has.
            let choices = d.attribute_choices();
            let (label, now) = match d.attribute_now() {
                None | Some(None) if !choices.is_empty() => (
                    "has",
                    format!(
                        "{}  (tab completes)",
                        choices
                            .iter()
                            .map(|name| crate::text::one_line(name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
                None => ("has", "(no attribute to set)".to_string()),
                Some(None) => ("now", "(not set)".to_string()),
                Some(Some("")) => ("now", "(empty)".to_string()),
                Some(Some(value)) => (
                    "now",
                    format!(
                        "{}  (an empty value takes it off)",
                        crate::text::one_line(value)
                    ),
                ),
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{label:>10}: "), theme.muted()),
                Span::styled(now, theme.muted()),
            ]));
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
            let choices = d.group_choices();
            let label = if matches!(p.form, Form::AddGroup { .. }) {
                "can join"
            } else {
                "is in"
            };
            let shown = if choices.is_empty() {
                "(any group of the pool: it has more than were listed)".to_string()
            } else {
                let mut names: Vec<String> = choices
                    .iter()
                    .take(GROUPS_SHOWN)
                    .map(|g| crate::text::one_line(g))
                    .collect();
                if choices.len() > GROUPS_SHOWN {
                    names.push(format!("… {} more", choices.len() - GROUPS_SHOWN));
                }
                format!("{}  (tab completes)", names.join(" · "))
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{label:>10}: "), theme.muted()),
                Span::styled(shown, theme.muted()),
            ]));
        }
        Form::ProfileFields { .. } => {
            lines.push(field(
                format!("{l1:>10}: "),
                Field::Input1,
                &d.input1,
                theme.muted(),
            ));
        }
    }
    // Nothing is picked until the operator picks: a reason is never recorded by default.
    let mut reason = vec![
        Span::styled(format!("{:>10}: ", "reason"), theme.muted()),
        match d.picked() {
            Some(picked) => Span::styled(
                format!("‹ {picked} ›"),
                field_style(d, Field::ReasonPick, theme),
            ),
            None if d.focus == Field::ReasonPick => {
                Span::styled("‹ none picked ›", theme.selection())
            }
            None => Span::styled("‹ none picked ›", theme.warning()),
        },
    ];
    // The hint only where it fits on the row: wrapped, it took a row of a short dialog.
    let hint = "  ↑↓ pick, or type it";
    if reason.iter().map(Span::width).sum::<usize>() + hint.width() <= inner {
        reason.push(Span::styled(hint, theme.muted()));
    }
    lines.push(Line::from(reason));
    lines.push(field(
        format!("{:>10}: ", "details"),
        Field::ReasonText,
        &d.reason_text,
        theme.muted(),
    ));
    if let Some(name) = &p.type_to_confirm {
        let name = crate::text::one_line(name);
        let label = format!("type {name} to confirm: ");
        if label.width() + 12 <= inner {
            lines.push(field(label, Field::TypedName, &d.typed_name, theme.error()));
        } else {
            // A long name gets a line of its own (wrapped), and the field a whole row, so
            // what is typed is always in view.
            lines.push(Line::styled(
                format!("type this name to confirm: {name}"),
                theme.error(),
            ));
            lines.push(field(
                format!("{:>10}: ", "name"),
                Field::TypedName,
                &d.typed_name,
                theme.error(),
            ));
        }
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
        lines.push(problem_line(problem, inner, theme));
    }
    // Whole on one row: a narrow dialog says it shorter rather than lose its end.
    let way_out = [
        "enter confirm · tab next field · esc cancel (nothing changes)",
        "enter confirm · tab next field · esc cancel",
        "enter confirm · tab field · esc cancel",
        "enter ok · tab field · esc cancel",
    ]
    .into_iter()
    .find(|w| w.width() <= inner)
    .unwrap_or("enter ok · esc cancel");
    lines.push(Line::styled(way_out, theme.muted()));
    // As tall as the text once wrapped at word boundaries (a long key takes a line of its
    // own). On a short terminal the fields and the way out stay whole and the list of changes
    // gives up rows, saying how many and how to reach them, so nothing is confirmed blind.
    let width = u16::try_from(inner).unwrap_or(u16::MAX);
    let rows_of = |l: &[Line<'static>]| {
        Paragraph::new(l.to_vec())
            .wrap(Wrap { trim: false })
            .line_count(width)
    };
    let room = usize::from(frame.area().height.saturating_sub(2));
    let controls = rows_of(&lines);
    // The changes from the first scrolled to, as many as fit (at most `CHANGES_SHOWN`); what
    // is above or below is counted, and `pgup` / `pgdn` reach it.
    let budget = room.saturating_sub(controls);
    let total = p.changes.len();
    let head = |first: usize| {
        Line::styled(
            if first > 0 {
                format!("This will change ({} above: pgup):", first)
            } else {
                "This will change:".to_string()
            },
            theme.muted(),
        )
    };
    let tail = |hidden: usize| {
        Line::styled(
            format!("  … {hidden} more: pgdn shows them"),
            theme.warning(),
        )
    };
    // The changes `from..from + n`, the one at `from` as `only` says where it is given.
    let listed_as = |from: usize, n: usize, only: Option<&str>| -> Vec<Line<'static>> {
        let mut out = vec![head(from)];
        match only {
            Some(text) => out.push(change(text.to_string())),
            None => out.extend(
                p.changes[from..from + n]
                    .iter()
                    .map(|c| change(change_text(c))),
            ),
        }
        if from + n < total {
            out.push(tail(total - from - n));
        }
        out.push(Line::raw(""));
        super::table::hang(out, u16::try_from(inner).unwrap_or(u16::MAX))
    };
    let listed = |from: usize, n: usize| listed_as(from, n, None);
    let fits = |from: usize, n: usize| n <= CHANGES_SHOWN && rows_of(&listed(from, n)) <= budget;
    let mut first = first;
    // The first change is shown even when it alone is too tall, so the dialog is never
    // without one.
    let mut count = usize::from(total > 0);
    while first + count < total && fits(first, count + 1) {
        count += 1;
    }
    // The last page is as full as the first: it ends on the last change.
    while first > 0 && first + count == total && fits(first - 1, count + 1) {
        first -= 1;
        count += 1;
    }
    d.changes_drawn.set((first, count));
    // One change too tall for the room (a 900-character key at 60×20) is cut in its middle
    // until it fits: drawn whole, it pushed the reason field, the consequence and the way
    // out below the screen while typing still went into the field, and `enter` confirmed a
    // delete that could not be undone unseen.
    let mut squeezed = None;
    if count == 1 && !fits(first, 1) {
        let whole = change_text(&p.changes[first]);
        // The rows left for it once the rest of the list is drawn, full rows of text each;
        // then a little less at a time where wrapping at spaces takes more.
        let per_row = inner.saturating_sub(4).max(1);
        let others = rows_of(&listed_as(first, 1, Some(""))).saturating_sub(1);
        let mut wanted = budget.saturating_sub(others).max(1) * per_row;
        let mut text = crate::text::middle(&whole, wanted);
        while wanted > 3 && rows_of(&listed_as(first, 1, Some(&text))) > budget {
            wanted = wanted.saturating_sub(8).max(3);
            text = crate::text::middle(&whole, wanted);
        }
        squeezed = Some(text);
    }
    let mut shown = listed_as(first, count, squeezed.as_deref());
    shown.extend(lines);
    let paragraph = Paragraph::new(shown).wrap(Wrap { trim: false });
    let rows = paragraph.line_count(width);
    let area = centred(
        frame.area(),
        dialog_width(frame.area().width),
        u16::try_from(rows + 2).unwrap_or(u16::MAX),
    );
    super::clear(frame, area);
    frame.render_widget(
        paragraph.block(popup_block(&p.title, area.width, theme)),
        area,
    );
}

/// A message's text in at most two rows of `room` columns: whole where it fits, else parted at
/// the last space that fits and the rest cut in its middle (a refusal's reason, at its end,
/// was cut out of one row).
pub(super) fn toast_lines(text: &str, room: usize) -> Vec<String> {
    let text = crate::text::one_line(text);
    if text.width() <= room {
        return vec![text];
    }
    let mut used = 0;
    let mut cut = 0;
    let mut space = None;
    for (i, c) in text.char_indices() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        cut = i + c.len_utf8();
        if c == ' ' {
            space = Some(i);
        }
    }
    let (first, rest) = match space {
        Some(i) if i > room / 2 => (&text[..i], &text[i + 1..]),
        _ => (&text[..cut], &text[cut..]),
    };
    vec![
        first.to_string(),
        super::table::fit_middle(rest, u16::try_from(room).unwrap_or(u16::MAX)),
    ]
}

/// The rows the toasts take on a screen `width` wide.
pub(super) fn toast_rows(app: &App, width: u16) -> u16 {
    let room = usize::from(width).saturating_sub(4);
    let rows: usize = app
        .toasts
        .iter()
        .map(|t| toast_lines(&t.text, room).len())
        .sum();
    u16::try_from(rows).unwrap_or(u16::MAX)
}

/// The newest toasts (newest last, nearest the status bar), in `area`: `›` and the message in
/// one row or two (its start says what was done, its end how it went: `…: done, audited`).
pub(super) fn draw_toasts(frame: &mut Frame<'_>, area: Rect, app: &App, theme: &Theme) {
    let room = usize::from(area.width).saturating_sub(4);
    // The newest toasts, as many rows of them as there is room for, from the bottom up.
    let mut rows: Vec<Line<'static>> = Vec::new();
    for toast in app.toasts.iter().rev() {
        let lines = toast_lines(&toast.text, room);
        if rows.len() + lines.len() > usize::from(area.height) {
            break;
        }
        let mut toast_rows: Vec<Line<'static>> = lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                Line::from(vec![
                    Span::styled(if i == 0 { " › " } else { "   " }, theme.ok()),
                    Span::styled(l, theme.ok()),
                ])
            })
            .collect();
        toast_rows.extend(rows);
        rows = toast_rows;
    }
    frame.render_widget(Paragraph::new(rows), area);
}
