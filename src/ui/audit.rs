//! Drawing the Audit pane: the log, newest first, and the selected row in full.

use super::Look;
use super::empty_message;
use super::table::{Column, count, message, pane_block, table};
use crate::app::audit::{AuditPane, row_subject, user_target};
use crate::keymap::Action;
use crate::text::one_line;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// A caller's ARN over a fifth of the row is cut in its middle to that or to this many columns
/// (its account and its session name show; the row's detail has it whole), so that at 120
/// columns the time, the target and the reason keep their places beside it.
const ACTOR_CAP_MIN: u16 = 24;

/// The columns a user target's sub keeps in the list, both its ends showing (the row's detail
/// has it whole, the `who` column the person's name).
const USER_SUB_SHOWN: u16 = 19;

/// Under this many columns the time is written without its year (`12-05 10:01`): at 80 the
/// year's five columns left the reason out, a short target's column beside it half empty.
const SHORT_TIME_BELOW: u16 = 100;

const AUDIT_COLUMNS: [Column; 6] = [
    // The last to go: a row without its time says little (at 60 columns it went before the
    // actor, whom the row's detail names).
    Column::whole("when (UTC)", 1),
    Column {
        drop: 2,
        ..Column::id_capped("actor", ACTOR_CAP_MIN)
    },
    // An action whole up to a quarter of the row (and 16 columns), then cut in its middle,
    // given back what the row has to spare: at 60 columns `user.set_temporary_password` left
    // no room for the time.
    Column {
        cap_min: 16,
        cap_div: 4,
        ..Column::id("action")
    },
    // An object's key whole up to a third of the row, and at least 24 columns (held to 41,
    // a key in the list left no room for the time at 80 columns, nor at 30 beside a
    // `user.global_sign_out` action); a `user <sub>` comes cut in
    // its middle ([`USER_SUB_SHOWN`]), the `who` column naming the person (capped as a
    // column, a user row in the list cut every object key beside it).
    Column {
        cap_min: 24,
        least: Some(24),
        ..Column::id("target")
    },
    // A name, cut in its middle as names are elsewhere.
    Column::name("who", 8, 4),
    Column::free("reason", 10, 3),
];

pub fn draw(frame: &mut Frame<'_>, area: Rect, pane: &mut AuditPane, look: &Look<'_>) {
    let theme = look.theme;
    let names = look.names;
    let retry = look.keys.hint(Action::Reload);
    // The open row takes the rows its text wraps to (at least 8, leaving the list 5): at
    // 60 columns its `after` line was below the last of a fixed 8.
    let detail = pane
        .list
        .selected_item()
        .filter(|_| pane.expanded)
        .map(|e| row_lines(e, names, theme));
    let (list_area, detail_area) = match &detail {
        Some(lines) => {
            let wants = Paragraph::new(lines.clone())
                .wrap(Wrap { trim: false })
                .line_count(area.width.saturating_sub(2));
            let height = u16::try_from(wants + 2)
                .unwrap_or(u16::MAX)
                .max(8)
                .min(area.height.saturating_sub(5).max(3));
            let [a, b] =
                Layout::vertical([Constraint::Min(5), Constraint::Length(height)]).areas(area);
            (a, Some(b))
        }
        None => (area, None),
    };
    let block = pane_block(
        // Says it is narrowed, as the other panes' titles do (it read as the whole log).
        format!(
            " Audit log · {}newest first · {} ",
            if pane.filter_text.is_empty() {
                String::new()
            } else {
                // As the list names what it holds (a flag in a key is not `[KR]`).
                // As typed (`id:…esc<U+001B>…`, the form the list shows a key in): written
                // as a key, the typed `<` came back as `<U+003C>` and read as another key.
                format!(
                    "matching {} · ",
                    crate::text::one_line(&super::named_invisibles(&pane.filter_text))
                )
            },
            count(&pane.list)
        ),
        list_area.width,
        theme,
    );
    let inner = block.inner(list_area);
    frame.render_widget(block, list_area);
    if let Some((text, failed)) = empty_message(&pane.list, "audit rows", &retry) {
        message(frame, inner, text, failed, theme);
    } else {
        let short_time = list_area.width < SHORT_TIME_BELOW;
        // The cells change width with the form: measured again when it changes.
        if pane.short_time != short_time {
            pane.short_time = short_time;
            pane.list.forget_widths();
        }
        let time_format = if short_time {
            "%m-%d %H:%M"
        } else {
            "%Y-%m-%d %H:%M"
        };
        table(frame, inner, &mut pane.list, theme, &AUDIT_COLUMNS, |e| {
            vec![
                Span::styled(e.created_at.format(time_format).to_string(), theme.muted()),
                Span::styled(
                    crate::app::audit::actor_shown(&e.actor, names),
                    theme.text(),
                ),
                Span::styled(e.action.to_string(), theme.title(false)),
                Span::styled(
                    match user_target(e) {
                        Some(_) => format!(
                            "{} {}",
                            e.target_kind,
                            super::table::fit_middle(&e.target_id, USER_SUB_SHOWN)
                        ),
                        None => format!("{} {}", e.target_kind, crate::app::audit::target_shown(e)),
                    },
                    theme.text(),
                ),
                // Whom the row is about (a user target, a post's or comment's author), by
                // name once looked up.
                Span::styled(
                    row_subject(e)
                        .and_then(|sub| names.get(&sub).map(str::to_string))
                        .unwrap_or_default(),
                    theme.muted(),
                ),
                Span::styled(e.reason.clone().unwrap_or_default(), theme.muted()),
            ]
        });
    }
    if let (Some(area), Some(lines), Some(e)) = (detail_area, detail, pane.list.selected_item()) {
        let text = Paragraph::new(lines).wrap(Wrap { trim: false });
        let total = text.line_count(area.width.saturating_sub(2));
        let height = usize::from(area.height.saturating_sub(2));
        let most = u16::try_from(total.saturating_sub(height)).unwrap_or(u16::MAX);
        let top = if pane.detail_scroll.0 == Some(e.id) {
            pane.detail_scroll.1.min(most)
        } else {
            0
        };
        pane.detail_scroll = (Some(e.id), top);
        pane.detail_rows = u16::try_from(height).unwrap_or(u16::MAX);
        let title = if most > 0 {
            format!(
                " Row · rows {}–{} of {total} · {}/{} scroll ",
                usize::from(top) + 1,
                usize::from(top) + height,
                look.keys.hint(Action::DetailDown),
                look.keys.hint(Action::DetailUp)
            )
        } else {
            " Row ".to_string()
        };
        frame.render_widget(
            text.scroll((top, 0))
                .block(pane_block(title, area.width, theme)),
            area,
        );
    }
}

/// The open row's lines. Targets (an S3 key), reasons and values are anyone's text: shown as
/// the table shows them (`␛` for an escape), never handed to the terminal as they are.
fn row_lines(
    e: &backoffice_domain::model::AuditEntry,
    names: &crate::app::names::Names,
    theme: &crate::theme::Theme,
) -> Vec<Line<'static>> {
    let target = match (user_target(e), row_subject(e)) {
        (Some(sub), _) => format!("{} {}", e.target_kind, names.full(&sub)),
        (None, Some(author)) => format!(
            "{} {} by {}",
            e.target_kind,
            crate::app::audit::target_shown(e),
            names.full(&author)
        ),
        (None, None) => format!("{} {}", e.target_kind, crate::app::audit::target_shown(e)),
    };
    vec![
        // With its time: a narrow list leaves out its `when` column.
        Line::styled(
            one_line(&format!(
                "#{} {} by {} at {} UTC",
                e.id,
                e.action,
                match crate::app::audit::actor_sub(&e.actor) {
                    // The API's callers by name and sub (the sub alone named nobody).
                    Some(sub) if names.get(&sub).is_some() => {
                        let admin = if e.actor.starts_with("admin:") {
                            "admin "
                        } else {
                            ""
                        };
                        format!("{admin}{}", names.full(&sub))
                    }
                    _ => e.actor.clone(),
                },
                e.created_at.format("%Y-%m-%d %H:%M:%S")
            )),
            theme.title(false),
        ),
        Line::styled(one_line(&format!("target: {target}")), theme.text()),
        Line::styled(
            one_line(&format!("reason: {}", e.reason.as_deref().unwrap_or("-"))),
            theme.text(),
        ),
        Line::styled(
            one_line(&format!("before: {}", spaced(e.before.as_deref()))),
            theme.muted(),
        ),
        Line::styled(
            one_line(&format!(" after: {}", spaced(e.after.as_deref()))),
            theme.muted(),
        ),
    ]
}

/// A row's before or after with a space after each `,` and `:` of its JSON, so a long one
/// wraps between values (a ban's list of comment ids wrapped inside `5242`, reading `52` and
/// `42`); text that is not JSON as it is.
fn spaced(snapshot: Option<&str>) -> String {
    fn write(v: &serde_json::Value, out: &mut String) {
        match v {
            serde_json::Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write(item, out);
                }
                out.push(']');
            }
            serde_json::Value::Object(map) => {
                out.push('{');
                for (i, (k, item)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&serde_json::Value::String(k.clone()).to_string());
                    out.push_str(": ");
                    write(item, out);
                }
                out.push('}');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let Some(text) = snapshot else {
        return "-".into();
    };
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => {
            let mut out = String::with_capacity(text.len() + text.len() / 4);
            write(&v, &mut out);
            out
        }
        Err(_) => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use crate::ops::actor_label;

    #[test]
    fn a_snapshot_is_spaced_to_wrap_between_its_values() {
        assert_eq!(
            super::spaced(Some(
                r#"{"hidden":[5860,5731,5242],"step":"restore_comment"}"#
            )),
            r#"{"hidden": [5860, 5731, 5242], "step": "restore_comment"}"#
        );
        assert_eq!(super::spaced(Some("not json, kept")), "not json, kept");
        assert_eq!(super::spaced(None), "-");
        assert_eq!(
            super::spaced(Some(r#"{"a\"b":"x,y"}"#)),
            r#"{"a\"b": "x,y"}"#
        );
    }

    #[test]
    fn a_caller_is_named_by_what_follows_its_account() {
        for (actor, shown) in [
            (
                "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0a1b/alice@example.com",
                "AWSReservedSSO_Admin_0a1b/alice@example.com",
            ),
            ("arn:aws:iam::123456789012:user/bob", "user/bob"),
            ("arn:aws:iam::123456789012:root", "root"),
            (
                "arn:aws-cn:sts::123456789012:federated-user/x",
                "federated-user/x",
            ),
            ("sandbox:ops", "sandbox:ops"),
            (
                "738fa76f-69b3-4f7e-b9d5-d5ddc2f7364f",
                "738fa76f-69b3-4f7e-b9d5-d5ddc2f7364f",
            ),
            ("arn:aws:sts::", "arn:aws:sts::"),
            ("arn:aws:s3:::bucket", "arn:aws:s3:::bucket"),
        ] {
            assert_eq!(actor_label(actor), shown, "{actor}");
        }
    }
}
