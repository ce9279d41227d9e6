//! Drawing the Users pane: the pool's rows, or one user's detail from the directory and the
//! database.

use super::Look;
use super::empty_message;
use super::table::{Column, count, message, pane_block, short_time, table};
use crate::app::posts::excerpt;
use crate::app::users::{DetailState, UsersPane};
use crate::keymap::Action;
use crate::text::one_line;
use backoffice_domain::model::UserStatus;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

/// The least width a user's detail puts its directory and database sides side by side in: at
/// 80 columns the sub takes two rows of its side, below 72 three or more, and the database's
/// side goes under the directory's instead.
const SIDE_BY_SIDE: u16 = 72;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// A username over a third of the row is cut in its middle to that third, or to this many
/// columns on a narrow terminal (both ends show; the detail shows it whole), so that an
/// 80-column list keeps the e-mail beside a 120-character name. From 84 columns a federated
/// user's 28-character `google_…` name is whole.
const USERNAME_CAP_MIN: u16 = 24;

/// When the row is short of room the display name goes before the e-mail: the e-mail is what a
/// caller gives support, and it is one per account. The e-mail wants 28 columns before the
/// name shares what is left (at 100 columns a 29-character e-mail was cut beside a whole name).
/// Whether an account is enabled outlasts its name column: at 80 columns a disabled account
/// was told from an enabled one by nothing on its row.
pub(super) const USER_COLUMNS: [Column; 6] = [
    Column::id_capped("username", USERNAME_CAP_MIN),
    Column::free("name", 8, 4),
    Column::free("email", 28, 2).cut_in_middle(),
    Column::id("status"),
    Column::whole("enabled", 3),
    Column::whole("created (UTC)", 5),
];

/// Below this many columns inside the frame (a terminal under 100) the list takes
/// [`NARROW_COLUMNS`]: the wide columns give a username 24 columns, and at 80 they cut
/// 22-character e-mails to 21 (at 76 they dropped `enabled`, and a disabled account read
/// `CONFIRMED` with nothing else on its row); the narrow ones keep the e-mail whole and say
/// `DISABLED` in the status.
const NARROW: u16 = 98;

/// A narrow screen's columns: the username cut sooner, the e-mail, and the status, which
/// reads `DISABLED` for a disabled account. The e-mail wants 26 columns before the date is
/// shown (at 70 columns the date stayed and e-mails were cut to 12).
/// The display name comes after the e-mail and goes first, where the row has room for it (at
/// 80 columns it was left out beside 19 empty columns), and only beside whole e-mails (shown,
/// it cut them).
const NARROW_COLUMNS: [Column; 5] = [
    Column::id_capped("username", 14),
    Column::free("email", 26, 2).cut_in_middle(),
    Column::free("name", 8, 6).yielding(),
    Column::id("status"),
    Column::whole("created (UTC)", 5),
];

/// The narrow columns, and where a plain-text search matched, which goes first (under 100
/// columns it was left out with nothing to say so).
const NARROW_SEARCH_COLUMNS: [Column; 6] = [
    NARROW_COLUMNS[0],
    NARROW_COLUMNS[1],
    NARROW_COLUMNS[2],
    NARROW_COLUMNS[3],
    NARROW_COLUMNS[4],
    Column::whole("matched", 7),
];

/// The same, and where a plain-text search matched.
/// What matched gives way before the name and the e-mail do (at 80 columns it kept its place
/// and the e-mail went).
const SEARCH_COLUMNS: [Column; 7] = [
    Column::id_capped("username", USERNAME_CAP_MIN),
    Column::free("name", 8, 4),
    Column::free("email", 28, 2).cut_in_middle(),
    Column::id("status"),
    Column::whole("enabled", 3),
    Column::whole("created (UTC)", 6),
    Column::whole("matched", 5),
];

pub fn draw(frame: &mut Frame<'_>, area: Rect, pane: &mut UsersPane, look: &Look<'_>) {
    let theme = look.theme;
    let retry = look.keys.hint(Action::Reload);
    if let Some(detail) = &pane.detail {
        let block = pane_block(" User · esc back ".into(), area.width, theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        match detail {
            DetailState::Loading(name) => message(
                frame,
                inner,
                format!("Loading {}…", crate::text::identifier(name.as_str())),
                false,
                theme,
            ),
            DetailState::Failed(name, e) => message(
                frame,
                inner,
                format!(
                    "Could not load {}: {e}\n{}",
                    crate::text::identifier(name.as_str()),
                    super::try_again(e, &retry)
                ),
                true,
                theme,
            ),
            DetailState::Loaded(d) => {
                let u = &d.user;
                // The keys on the pane's last rows, always in view; the rest scrolls.
                let k = |a| look.keys.hint(a);
                let key_parts: Vec<String> = [
                    (Action::Disable, "disable"),
                    (Action::Enable, "enable"),
                    (Action::ResetPassword, "reset pw"),
                    (Action::SetPassword, "set pw"),
                    (Action::SignOut, "sign out"),
                    (Action::ConfirmSignUp, "confirm"),
                    (Action::ResendInvitation, "invite again"),
                    (Action::VerifyEmail, "verify email"),
                    (Action::EditAttribute, "edit attr"),
                ]
                .iter()
                .map(|(a, what)| format!("{} {what}", k(*a)))
                .chain([
                    format!("{}/{} group", k(Action::AddGroup), k(Action::RemoveGroup)),
                    format!("{} delete", k(Action::DeleteUser)),
                ])
                .collect();
                // The keys in whole hints (a hint was parted from its key at the row's end),
                // after the scroll note when the detail is taller than its rows.
                let key_lines = |note: Option<String>, width: u16| {
                    let parts: Vec<String> = note.into_iter().chain(key_parts.clone()).collect();
                    super::table::wrap_parts(&parts, width)
                };
                // Room for the scroll note too, which comes first when the detail is taller.
                let scroll_note = format!(
                    "{}/{} scroll (rows 100–100 of 100)",
                    k(Action::Down),
                    k(Action::Up)
                );
                let key_rows = key_lines(Some(scroll_note), inner.width)
                    .len()
                    .min(usize::from(inner.height / 2));
                let [body, keys] = Layout::vertical([
                    Constraint::Min(1),
                    Constraint::Length(u16::try_from(key_rows).unwrap_or(2)),
                ])
                .areas(inner);
                // Side by side where there is room; below that the database's side goes under
                // the directory's, over the whole width (at 60 columns the sub broke over three
                // rows).
                let side_by_side = body.width >= SIDE_BY_SIDE;
                let [left, right] = if side_by_side {
                    Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                        .areas(body)
                } else {
                    [body, body]
                };
                // Attributes and profile fields are the user's own text: shown as lists show
                // them (`␛` for an escape), never passed to the terminal as they are.
                let kv = |k: &str, v: String| {
                    Line::from(vec![
                        Span::styled(format!("{:>14}  ", one_line(k)), theme.muted()),
                        Span::styled(one_line(&v), theme.text()),
                    ])
                };
                let mut lines = vec![
                    kv("username", crate::text::identifier(u.username.as_str())),
                    kv(
                        "sub",
                        u.sub.as_ref().map(|s| s.to_string()).unwrap_or("-".into()),
                    ),
                    kv("email", u.email.clone().unwrap_or("-".into())),
                    kv("status", u.status.as_str().to_string()),
                    kv("enabled", u.enabled.to_string()),
                    // A ban or a block, in the warning colour: an enable lifts the block,
                    // not the ban.
                    match &d.standing {
                        Some(s) => Line::from(vec![
                            Span::styled(format!("{:>14}  ", "standing"), theme.muted()),
                            Span::styled(
                                one_line(&s.describe(Some(u.enabled))),
                                if s.restricted() {
                                    theme.warning()
                                } else {
                                    theme.text()
                                },
                            ),
                        ]),
                        None if d.unread.is_some() => kv(
                            "standing",
                            "not read: the database could not be read".into(),
                        ),
                        None => kv("standing", "-".into()),
                    },
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
                let mut db = vec![Line::styled("In the database", theme.title(false))];
                match &d.profile {
                    Some(p) => {
                        // Marked where it passes for another (`<U+0410>nn Lee`), as lists mark it.
                        db.push(kv(
                            "display name",
                            p.display_name
                                .as_deref()
                                .map_or("-".into(), crate::text::look_alikes_named),
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
                    None => db.push(Line::styled(
                        match &d.unread {
                            Some(why) => format!("  not read: {}", crate::text::one_line(why)),
                            None => "  no profile row".to_string(),
                        },
                        theme.warning(),
                    )),
                }
                if let Some(c) = &d.counts {
                    db.push(kv("posts", c.posts.to_string()));
                    db.push(kv("comments", c.comments.to_string()));
                    db.push(kv("reports filed", c.reports_filed.to_string()));
                    db.push(kv("reported", c.reports_against.to_string()));
                }
                db.push(Line::raw(""));
                db.push(Line::styled("Sign-in history", theme.title(false)));
                match pane.sign_ins.as_ref().map(|(_, r)| r) {
                    None => db.push(Line::styled("  loading…", theme.muted())),
                    Some(Ok(events)) if events.is_empty() => {
                        db.push(Line::styled("  none recorded", theme.muted()))
                    }
                    Some(Ok(events)) => {
                        for e in events {
                            let place = [e.city.as_deref(), e.country.as_deref()]
                                .into_iter()
                                .flatten()
                                .collect::<Vec<_>>()
                                .join(", ");
                            let risky = e.result != "Pass"
                                || matches!(e.risk_level.as_deref(), Some("Medium" | "High"));
                            let style = if risky { theme.warning() } else { theme.text() };
                            // A row too long for the column goes on under the event, not
                            // under the time.
                            db.extend(super::wrap::hanging(
                                vec![Span::styled(format!("  {} ", short_time(e.at)), style)],
                                vec![Span::styled(
                                    one_line(&format!(
                                        "{} {} risk {} {} {}",
                                        e.kind,
                                        e.result,
                                        e.risk_level.as_deref().unwrap_or("-"),
                                        e.ip.as_deref().unwrap_or("-"),
                                        place
                                    )),
                                    style,
                                )],
                                usize::from(right.width),
                            ));
                        }
                    }
                    Some(Err(why)) => db.extend(super::wrap::hanging(
                        vec![Span::styled("  unavailable: ", theme.muted())],
                        vec![Span::styled(one_line(why), theme.muted())],
                        usize::from(right.width),
                    )),
                }
                if !side_by_side {
                    lines.push(Line::raw(""));
                    lines.append(&mut db);
                }
                // One column kept clear before the database's side.
                let left_text = Paragraph::new(super::table::hang(
                    lines,
                    left.width.saturating_sub(u16::from(side_by_side)),
                ))
                .wrap(Wrap { trim: false });
                let right_text =
                    Paragraph::new(super::table::hang(db, right.width)).wrap(Wrap { trim: false });
                // Both sides scroll together, no further than the longer one's end.
                let rows = left_text
                    .line_count(left.width)
                    .max(right_text.line_count(right.width));
                let most = rows.saturating_sub(usize::from(body.height));
                pane.detail_rows = body.height;
                pane.detail_scroll = pane
                    .detail_scroll
                    .min(u16::try_from(most).unwrap_or(u16::MAX));
                let at = (pane.detail_scroll, 0);
                frame.render_widget(left_text.scroll(at), left);
                if side_by_side {
                    frame.render_widget(right_text.scroll(at), right);
                }
                let more = (most > 0).then(|| {
                    format!(
                        "{}/{} scroll (rows {}–{} of {rows})",
                        k(Action::Down),
                        k(Action::Up),
                        usize::from(pane.detail_scroll) + 1,
                        usize::from(pane.detail_scroll) + usize::from(body.height).min(rows),
                    )
                });
                frame.render_widget(
                    Paragraph::new(
                        key_lines(more, keys.width)
                            .into_iter()
                            .map(Line::from)
                            .collect::<Vec<_>>(),
                    )
                    .style(theme.muted())
                    .wrap(Wrap { trim: true }),
                    keys,
                );
            }
        }
        return;
    }
    let order = match pane.sort {
        Some((c, down)) => format!(
            " · sorted by {} {} (loaded rows)",
            crate::app::users::USER_SORTS.get(c).copied().unwrap_or("?"),
            if down { "↓" } else { "↑" }
        ),
        None => String::new(),
    };
    // A search kept from the last session shows in the title too, not only on the filter line.
    let filtered = if pane.filter_text.is_empty() {
        String::new()
    } else {
        format!(
            "matching {} · ",
            crate::text::one_line(&super::named_invisibles(&pane.filter_text))
        )
    };
    let block = pane_block(
        format!(" Users · {filtered}{}{order} ", count(&pane.list)),
        area.width,
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if let Some((text, failed)) = empty_message(&pane.list, "users", &retry) {
        return message(frame, inner, text, failed, theme);
    }
    let matched = &pane.matched;
    let searching = !matched.is_empty();
    // On a narrow screen whether an account is enabled is said in its status (`DISABLED`), and
    // the username gives up columns to the e-mail: at 60 columns the `enabled` column went and
    // e-mails kept 8 characters.
    let narrow = inner.width < NARROW;
    let columns: &[Column] = if narrow && searching {
        &NARROW_SEARCH_COLUMNS
    } else if narrow {
        &NARROW_COLUMNS
    } else if searching {
        &SEARCH_COLUMNS
    } else {
        &USER_COLUMNS
    };
    table(frame, inner, &mut pane.list, theme, columns, |u| {
        let status_style = match u.status {
            UserStatus::Confirmed | UserStatus::ExternalProvider => theme.ok(),
            _ => theme.warning(),
        };
        // A name holding characters that draw as nothing (or text that names one) shows them
        // named, in the warning colour: it could pass for another user's.
        let shown = crate::text::identifier(u.username.as_str());
        let name_style = if shown == u.username.as_str() {
            theme.text()
        } else {
            theme.warning()
        };
        let found = || {
            let found = matched
                .get(u.username.as_str())
                .map(|m| m.iter().map(|m| m.label()).collect::<Vec<_>>().join(", "))
                .unwrap_or_default();
            Span::styled(found, theme.muted())
        };
        if narrow {
            let status = if u.enabled {
                Span::styled(u.status.as_str().to_string(), status_style)
            } else {
                Span::styled("DISABLED", theme.error())
            };
            let mut cells = vec![
                Span::styled(shown, name_style),
                // The e-mail, else the phone of an account without one (its cell was empty).
                Span::styled(u.contact().unwrap_or_default(), theme.text()),
                Span::styled(
                    u.attribute("name").unwrap_or_default().to_string(),
                    theme.text(),
                ),
                status,
                Span::styled(short_time(u.created_at), theme.muted()),
            ];
            if searching {
                cells.push(found());
            }
            return cells;
        }
        let mut cells = vec![
            Span::styled(shown, name_style),
            Span::styled(
                u.attribute("name").unwrap_or_default().to_string(),
                theme.text(),
            ),
            // The e-mail, else the phone of an account without one (its cell was empty).
            Span::styled(u.contact().unwrap_or_default(), theme.text()),
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
        ];
        if searching {
            cells.push(found());
        }
        cells
    });
    // A click on a narrow list's header sorts by the column drawn there.
    if narrow {
        for (i, _, _) in &mut pane.list.header {
            *i = NARROW_SORTS.get(*i).copied().unwrap_or(*i);
        }
    }
}

/// Each of [`NARROW_SEARCH_COLUMNS`] as a column of [`crate::app::users::USER_SORTS`] (what
/// matched, last, sorts nothing; past the list, a header keeps its own number).
const NARROW_SORTS: [usize; 6] = [0, 2, 1, 3, 5, 6];
