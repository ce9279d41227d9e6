//! Drawing the Storage pane: buckets, a folder's visible rows, an object's detail beside its
//! preview (an image through `ratatui-image`, or text) and the download bar. The pane's forms
//! (download, upload, a link) are drawn by the shell.

use super::Look;
use super::empty_message;
use super::table::{Column, count, message, pane_block, short_time, table};
use crate::app::storage::{
    Location, Part, Preview, SortKey, StoragePane, TransferState, Versions, base_name,
};
use crate::keymap::Action;
use crate::text::{human_size, one_line};
use crate::theme::Theme;
use backoffice_domain::model::ListingEntry;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{LineGauge, Paragraph, Wrap};
use ratatui_image::picker::{Picker, ProtocolType};
use ratatui_image::{Resize, StatefulImage};

const BUCKET_COLUMNS: [Column; 3] = [
    Column::id("bucket"),
    Column::free("", 4, 2),
    Column::whole("created (UTC)", 1),
];

/// How many of a folder's rows are looked at for a user they belong to.
const USERS_SAMPLE: usize = 200;

/// Where the user column is among [`ENTRY_COLUMNS`].
const USER_COLUMN: usize = 1;

const ENTRY_COLUMNS: [Column; 5] = [
    Column::id("name"),
    // A name people choose, cut in its middle as the other panes cut names.
    Column::name("user", 8, 1),
    Column::whole("size", 2),
    Column::whole("modified (UTC)", 3),
    Column::whole("class", 4).last_back(),
];

pub fn draw(frame: &mut Frame<'_>, area: Rect, pane: &mut StoragePane, look: &Look<'_>) {
    let theme = look.theme;
    let k = |a| look.keys.hint(a);
    let retry = k(Action::Reload);
    let hints = [
        format!("{} sort", k(Action::SortObjects)),
        format!("{} download", k(Action::DownloadObject)),
        format!("{} upload", k(Action::UploadObject)),
        format!("{} delete", k(Action::DeleteObject)),
        format!("{} link", k(Action::CopyLink)),
        format!("{} user", k(Action::OpenOwner)),
    ];
    // The transfer's bar takes a row of its own under the pane; on a terminal a few rows tall
    // it takes the pane's hint row instead, so the folder keeps its rows.
    let (main, bar) = match &pane.transfer {
        Some(_) if area.height >= SHORT_PANE => {
            let [a, b] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
            (a, Some(b))
        }
        Some(_) => (
            area,
            Some(Rect::new(
                area.x + 1,
                area.bottom().saturating_sub(2).max(area.y),
                area.width.saturating_sub(2),
                1,
            )),
        ),
        None => (area, None),
    };
    match pane.location.clone() {
        None | Some(Location::Buckets) => {
            let block = pane_block(
                format!(" Buckets · {} · enter open ", count(&pane.buckets)),
                main.width,
                theme,
            );
            let inner = block.inner(main);
            frame.render_widget(block, main);
            if let Some((text, failed)) = empty_message(&pane.buckets, "buckets", &retry) {
                message(frame, inner, text, failed, theme);
            } else {
                table(
                    frame,
                    inner,
                    &mut pane.buckets,
                    theme,
                    &BUCKET_COLUMNS,
                    |b| {
                        let home = pane.home.as_ref().is_some_and(|h| h.as_str() == b.name);
                        vec![
                            Span::styled(
                                b.name.clone(),
                                if home {
                                    theme.title(false)
                                } else {
                                    theme.text()
                                },
                            ),
                            Span::styled(
                                if home {
                                    "this environment's bucket"
                                } else {
                                    ""
                                },
                                theme.muted(),
                            ),
                            Span::styled(short_time(b.created_at), theme.muted()),
                        ]
                    },
                );
            }
        }
        Some(Location::Folder { bucket, prefix }) => {
            if pane.detail.is_some() {
                draw_detail(frame, main, pane, look);
            } else {
                let label = pane.sort.label(pane.reversed);
                let sorted = match (pane.sort, pane.reversed, pane.entries.next.is_some()) {
                    (SortKey::Name, false, _) => String::new(),
                    (_, _, true) => format!(" · by {label} (loaded rows; more pages remain)"),
                    (_, _, false) => format!(" · by {label}"),
                };
                let narrowed = if pane.filter_text.is_empty() {
                    String::new()
                } else {
                    format!(
                        "{}… ({} narrows)",
                        crate::text::key(&pane.filter_text),
                        look.keys.hint(crate::keymap::Action::Filter)
                    )
                };
                let block = pane_block(
                    format!(
                        " s3://{bucket}/{}{narrowed} · {}{sorted} ",
                        crate::text::key(&prefix),
                        count(&pane.entries)
                    ),
                    main.width,
                    theme,
                );
                let inner = block.inner(main);
                frame.render_widget(block, main);
                // The keys in whole hints, on two rows where one is too narrow (at 60 columns
                // the row ended `U use`).
                let list = super::table::foot_hints(frame, inner, &hints, 2, 3, theme);
                if let Some((text, failed)) = empty_message(&pane.entries, "objects here", &retry) {
                    message(frame, list, text, failed, theme);
                } else {
                    let strip = prefix.len();
                    let names = look.names;
                    // The user a `profiles/{sub}/` or `posts/{sub}/` entry belongs to.
                    let owner = |key: &str| {
                        crate::app::storage::owner_of(key)
                            .and_then(|sub| names.get(&sub).map(str::to_string))
                            .unwrap_or_default()
                    };
                    // A folder whose entries belong to no user has no user column (empty,
                    // it stayed while the size and the date gave way at 60 columns). Its
                    // first rows tell (a folder's keys share their place under `posts/` or
                    // `profiles/`): a 100,000-object folder is not read through each frame.
                    let with_users = pane.entries.items.iter().take(USERS_SAMPLE).any(|e| {
                        let key = match e {
                            ListingEntry::Prefix(p) => p.as_str(),
                            ListingEntry::Object(o) => o.key.as_str(),
                        };
                        crate::app::storage::owner_of(key).is_some()
                    });
                    let columns: Vec<Column> = ENTRY_COLUMNS
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| with_users || *i != USER_COLUMN)
                        .map(|(_, c)| *c)
                        .collect();
                    let cells = |e: &ListingEntry| -> Vec<Span<'static>> {
                        let mut cells = match e {
                            ListingEntry::Prefix(p) => vec![
                                Span::styled(
                                    crate::text::key(p.get(strip..).unwrap_or(p)),
                                    theme.title(false),
                                ),
                                Span::styled(owner(p), theme.muted()),
                                Span::styled("folder", theme.muted()),
                                Span::raw(""),
                                Span::raw(""),
                            ],
                            ListingEntry::Object(o) => vec![
                                Span::styled(
                                    crate::text::key(o.key.get(strip..).unwrap_or(&o.key)),
                                    theme.text(),
                                ),
                                Span::styled(owner(&o.key), theme.muted()),
                                // Right-aligned, so sizes compare at a glance.
                                Span::styled(format!("{:>10}", human_size(o.size)), theme.text()),
                                Span::styled(short_time(o.last_modified), theme.muted()),
                                Span::styled(
                                    o.storage_class.clone().unwrap_or_default(),
                                    theme.muted(),
                                ),
                            ],
                        };
                        if !with_users {
                            cells.remove(USER_COLUMN);
                        }
                        cells
                    };
                    table(frame, list, &mut pane.entries, theme, &columns, cells);
                    // A click on a header is read as [`ENTRY_COLUMNS`]' column: without the user
                    // column, `modified` sorted by size and `size` by nothing.
                    if !with_users {
                        for (i, _, _) in &mut pane.entries.header {
                            if *i >= USER_COLUMN {
                                *i += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    if let Some(bar) = bar {
        draw_transfer(frame, bar, pane, theme);
    }
}

/// Below this many rows the pane has no row to spare for the transfer's bar.
const SHORT_PANE: u16 = 8;

fn draw_transfer(frame: &mut Frame<'_>, area: Rect, pane: &StoragePane, theme: &Theme) {
    let Some(t) = &pane.transfer else {
        return;
    };
    let (ratio, label, style) = match &t.state {
        TransferState::Running => (
            if t.total == 0 {
                0.0
            } else {
                t.done as f64 / t.total as f64
            },
            format!(
                "↓ {} → {}  {} of {}",
                crate::text::key(base_name(&t.key)),
                one_line(&t.path.display().to_string()),
                human_size(t.done),
                human_size(t.total)
            ),
            theme.ok(),
        ),
        TransferState::Finished => (
            1.0,
            format!(
                "✓ {} → {}  {}",
                crate::text::key(base_name(&t.key)),
                one_line(&t.path.display().to_string()),
                human_size(t.total)
            ),
            theme.ok(),
        ),
        TransferState::Failed(e) => (
            0.0,
            format!("✗ {}: {e}", crate::text::key(base_name(&t.key))),
            theme.error(),
        ),
    };
    frame.render_widget(
        LineGauge::default()
            .ratio(ratio.clamp(0.0, 1.0))
            .label(Span::styled(label, style))
            .filled_symbol("━")
            .unfilled_symbol("─")
            .filled_style(style)
            .unfilled_style(theme.muted()),
        area,
    );
}

/// The columns a detail label takes beside its value: thirteen, right-aligned, and two spaces.
const LABEL_WIDTH: u16 = 15;

fn draw_detail(frame: &mut Frame<'_>, area: Rect, pane: &mut StoragePane, look: &Look<'_>) {
    let theme = look.theme;
    let k = |a| look.keys.hint(a);
    let hints = [
        format!("{} download", k(Action::DownloadObject)),
        format!("{} link", k(Action::CopyLink)),
        format!("{} delete", k(Action::DeleteObject)),
        format!("{} user", k(Action::OpenOwner)),
        "esc back".to_string(),
    ];
    let retry = k(Action::Reload);
    let covered = look.covered || pane.popup.is_some();
    let Some(d) = pane.detail.as_mut() else {
        return;
    };
    let block = pane_block(
        format!(
            " s3://{}/{} · esc back ",
            d.bucket,
            crate::text::key(&d.key)
        ),
        area.width,
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // A column of space between them, so a wrapped key never runs into the preview.
    let columns = |area: Rect| -> [Rect; 2] {
        Layout::horizontal([Constraint::Percentage(48), Constraint::Percentage(52)])
            .spacing(1)
            .areas(area)
    };
    let [left, _] = columns(inner);
    // Keys and metadata are anyone's text: shown as the listing shows them (`␛` for an
    // escape, `<U+202E>` for a direction override), never passed to the terminal as they are.
    // A column too narrow for a value beside its label (60 columns: twelve left, a key broken
    // every twelve characters) puts each value under its label.
    let stacked = left.width < LABEL_WIDTH + 20;
    let kv = |k: &str, v: String| -> Vec<Line<'static>> {
        if stacked {
            vec![
                Line::styled(one_line(k), theme.muted()),
                Line::from(vec![
                    Span::styled("  ", theme.muted()),
                    Span::styled(one_line(&v), theme.text()),
                ]),
            ]
        } else {
            vec![Line::from(vec![
                Span::styled(format!("{:>13}  ", one_line(k)), theme.muted()),
                Span::styled(one_line(&v), theme.text()),
            ])]
        }
    };
    let mut lines = Vec::new();
    match &d.info {
        Part::Loading => lines.push(Line::styled("Reading the object…", theme.muted())),
        Part::Failed(e) => {
            lines.push(Line::styled(
                format!("Could not read it: {e}"),
                theme.error(),
            ));
            lines.push(Line::styled(super::try_again(e, &retry), theme.muted()));
        }
        Part::Ready(info) => {
            let e = &info.entry;
            lines.extend(kv("key", crate::text::key(&e.key)));
            lines.extend(kv(
                "size",
                // The exact count where the short form rounds (`1 B (1 bytes)` said it twice).
                if e.size < 1024 {
                    human_size(e.size)
                } else {
                    format!("{} ({} bytes)", human_size(e.size), e.size)
                },
            ));
            lines.extend(kv(
                "content type",
                e.content_type.clone().unwrap_or_else(|| "-".into()),
            ));
            lines.extend(kv("modified", short_time(e.last_modified)));
            lines.extend(kv(
                "storage class",
                e.storage_class.clone().unwrap_or_else(|| "STANDARD".into()),
            ));
            lines.extend(kv("ETag", e.etag.clone().unwrap_or_else(|| "-".into())));
            if let Some(v) = &e.version_id {
                lines.extend(kv("version", v.clone()));
            }
            lines.push(Line::styled("Metadata", theme.title(false)));
            if e.metadata.is_empty() {
                lines.push(Line::styled("  none", theme.muted()));
            }
            for (k, v) in &e.metadata {
                lines.extend(kv(k, v.clone()));
            }
            lines.push(Line::styled("Versions", theme.title(false)));
            match &info.versions {
                Versions::Listed(v) if info.versions.versioned() => {
                    for v in v {
                        lines.push(Line::from(vec![
                            Span::styled(
                                format!("  {}", v.version_id),
                                if v.is_latest {
                                    theme.ok()
                                } else {
                                    theme.text()
                                },
                            ),
                            Span::styled(
                                format!(
                                    "  {}  {}{}",
                                    short_time(v.last_modified),
                                    if v.is_delete_marker {
                                        "delete marker".to_string()
                                    } else {
                                        human_size(v.size)
                                    },
                                    if v.is_latest { "  latest" } else { "" }
                                ),
                                theme.muted(),
                            ),
                        ]));
                    }
                }
                // Indented as two spans, so a wrapped row stays under the text (it fell back
                // to the column's edge).
                Versions::Listed(_) => lines.push(Line::from(vec![
                    Span::styled("  ", theme.muted()),
                    Span::styled("the bucket keeps no versions", theme.muted()),
                ])),
                Versions::Unavailable(why) => lines.push(Line::from(vec![
                    Span::styled("  ", theme.muted()),
                    Span::styled(one_line(why), theme.muted()),
                ])),
            }
        }
    }
    let info = Paragraph::new(super::table::hang(lines, left.width)).wrap(Wrap { trim: false });
    let rows = info.line_count(left.width);
    // The keys on the block's last rows, where they are seen whatever the detail's length
    // (under the details they were below the fold at 60×20, and floated mid-pane at 120);
    // `j`/`k` named where the details are longer than their column.
    let mut hints = hints.to_vec();
    let foot_of = |hints: &[String]| super::table::wrap_parts(hints, inner.width);
    let room = |foot: &[String]| usize::from(inner.height).saturating_sub(foot.len());
    if rows > room(&foot_of(&hints)) {
        hints.insert(0, format!("{}/{} details", k(Action::Down), k(Action::Up)));
    }
    let inner = super::table::foot_hints(frame, inner, &hints, usize::MAX, 2, theme);
    let [left, right] = columns(inner);
    // Scrolled no further than its last row (`j` held ran the column empty).
    d.scroll = d
        .scroll
        .min(u16::try_from(rows.saturating_sub(usize::from(left.height))).unwrap_or(u16::MAX));
    frame.render_widget(info.scroll((d.scroll, 0)), left);
    let [caption, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(right);
    match &d.preview {
        Part::Loading => message(frame, right, "Loading the preview…".into(), false, theme),
        Part::Failed(e) => message(frame, right, format!("No preview: {e}"), true, theme),
        Part::Ready(Preview::Nothing(why)) => {
            message(frame, right, format!("No preview: {why}"), false, theme)
        }
        Part::Ready(Preview::Text {
            text,
            json,
            shown,
            total,
        }) => {
            let what = match (json, shown == total) {
                (true, _) => "JSON, whole object".to_string(),
                (false, true) => "text, whole object".to_string(),
                (false, false) => format!(
                    "text, first {} of {}",
                    human_size(*shown),
                    human_size(*total)
                ),
            };
            // A preview of the object's first bytes says where it stops (its last line was
            // cut mid-line, and read as the object's end).
            let mut shown_text = ratatui::text::Text::from(text.as_str());
            if shown < total {
                shown_text.push_line(Line::styled(
                    format!(
                        "… the preview stops here, at {} of {}; {} downloads the whole object",
                        human_size(*shown),
                        human_size(*total),
                        k(Action::DownloadObject)
                    ),
                    theme.muted(),
                ));
            }
            let preview = Paragraph::new(shown_text)
                .style(theme.text())
                .wrap(Wrap { trim: false });
            // A text longer than its column scrolls with J / K, and says which rows show.
            let rows = preview.line_count(body.width);
            let height = usize::from(body.height);
            let last_top = u16::try_from(rows.saturating_sub(height)).unwrap_or(u16::MAX);
            d.preview_scroll = d.preview_scroll.min(last_top);
            d.preview_rows = body.height;
            // Short of room, the caption gives a shorter form (it ended `rows 16–33 of 180 ·`
            // at 80 columns).
            let what = if rows > height && height > 0 {
                let top = usize::from(d.preview_scroll);
                let (from, to) = (top + 1, (top + height).min(rows));
                let keys = format!("{}/{}", k(Action::DetailDown), k(Action::DetailUp));
                super::table::fit_title_forms(
                    &[
                        format!("{what} · rows {from}–{to} of {rows} · {keys} scroll"),
                        format!("{what} · {from}–{to}/{rows} · {keys}"),
                        format!("{from}–{to}/{rows} · {keys}"),
                    ],
                    caption.width,
                )
            } else {
                super::table::fit_title(&what, caption.width)
            };
            frame.render_widget(Paragraph::new(Span::styled(what, theme.muted())), caption);
            frame.render_widget(preview.scroll((d.preview_scroll, 0)), body);
        }
        Part::Ready(Preview::Image {
            image,
            source,
            width,
            height,
        }) => {
            frame.render_widget(
                Paragraph::new(Span::styled(
                    format!("{source} · {width}×{height} px"),
                    theme.muted(),
                )),
                caption,
            );
            let picker = pane.picker.clone().unwrap_or_else(Picker::halfblocks);
            // Terminal graphics sit above the text layer, so a popup drawn over them would be
            // hidden; half-blocks are text and need no such care.
            if covered && picker.protocol_type() != ProtocolType::Halfblocks {
                message(
                    frame,
                    body,
                    "(hidden while a dialog is open)".into(),
                    false,
                    theme,
                );
                return;
            }
            let cache = d
                .image
                .0
                .get_or_insert_with(|| picker.new_resize_protocol((**image).clone()));
            // Scaled to the space there is, small originals included; the aspect is kept.
            frame.render_stateful_widget(
                StatefulImage::default().resize(Resize::Scale(None)),
                body,
                cache,
            );
        }
    }
}

#[cfg(test)]
mod tests;
