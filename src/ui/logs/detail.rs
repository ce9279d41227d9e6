//! One line in full (its JSON pretty-printed, a REPORT's figures), and one request's lines
//! across groups.

use super::*;

/// The line a detail shows, with what is known about it beside its text.
pub(super) struct Opened<'a> {
    pub line: Option<LineRef<'a>>,
    /// Its request id, and whether it is the line's own (else its stream's running request).
    pub request: Option<&'a (String, bool)>,
    /// The search whose matches are marked, and whose first match it opens at.
    pub search: Option<&'a crate::app::logs::Search>,
}

/// One line in full: where it came from, its JSON pretty-printed (or its text), and a REPORT's
/// figures.
///
/// A detail longer than its rows (a 12 KB line) scrolls with `J`/`K`: `scroll` is the line it
/// was scrolled for and its first row shown, held here within the rows there are; the title
/// says which rows show.
///
/// The lines above it take a third of `body`, or the rows `lines` need when fewer (at least
/// three): a request of five lines left empty rows above a detail cut one row short.
pub(super) fn split_for_detail(body: Rect, lines: usize) -> [Rect; 2] {
    let third = ((u32::from(body.height) * 35 + 50) / 100) as u16;
    let needed = u16::try_from(lines).unwrap_or(u16::MAX).max(3);
    Layout::vertical([Constraint::Length(third.min(needed)), Constraint::Min(0)]).areas(body)
}

pub(super) fn detail(
    frame: &mut Frame<'_>,
    area: Rect,
    opened: Opened<'_>,
    scroll: &mut (u64, u16),
    keys: &Keymap,
    theme: &Theme,
) {
    let Opened {
        line,
        request,
        search,
    } = opened;
    let close = format!(" Line · {} close ", keys.hint(Action::Back));
    let inner = block(String::new(), area, theme).inner(area);
    let Some(l) = line else {
        frame.render_widget(block(close, area, theme), area);
        message(frame, inner, "No line selected.".into(), false, theme);
        return;
    };
    let kv = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{k:>10}  "), theme.muted()),
            Span::styled(v, theme.text()),
        ])
    };
    let info = log_analysis::classify(l.text);
    let at = DateTime::from_timestamp_millis(l.ts_ms).unwrap_or_default();
    let mut lines = vec![
        kv("time", at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()),
        kv("group", l.group.to_string()),
        kv("stream", clean(l.stream)),
        kv("level", format!("{:?}", l.level).to_lowercase()),
    ];
    match request {
        Some((id, true)) => lines.push(kv("request", clean(id))),
        // A panic or a print: the request its stream was running, said as such.
        Some((id, false)) => lines.push(kv(
            "request",
            format!("{} (the stream's running request)", clean(id)),
        )),
        None => {}
    }
    if let Some(r) = &info.report {
        let init = r.init_ms.map_or("none (warm)".to_string(), |v| {
            format!("{v:.2} ms (cold start)")
        });
        // A failed invocation's status first (`timeout`, `error`): the figures of a timeout
        // read as a slow success without it.
        let status = match r.status.as_deref() {
            Some(s) if s != "success" => format!("status {} · ", clean(s)),
            _ => String::new(),
        };
        lines.push(kv(
            "report",
            format!(
                "{status}duration {:.2} ms · billed {} ms · memory {}/{} MB · init {init}",
                r.duration_ms, r.billed_ms, r.max_memory_used_mb, r.memory_mb
            ),
        ));
    }
    // A long value (a request with its note) wraps under itself, not under its label.
    let mut lines = super::super::table::hang(lines, inner.width);
    lines.push(Line::raw(""));
    let style = level_style(l.level, l.kind, theme);
    // Each body row with the search's matches marked, and where the first match is: the
    // row's index and the text before it (a hit deep in a 12 KB line opened at its top, drawn
    // plain, thirteen pages down).
    let mut first_hit: Option<(usize, String)> = None;
    let mut marked = |lead: Vec<Span<'static>>, row: &str, lines: &mut Vec<Line<'static>>| {
        let ranges = search.map(|s| s.ranges(row)).unwrap_or_default();
        if let (None, Some((from, _))) = (&first_hit, ranges.first()) {
            let before: String = lead.iter().map(|s| s.content.as_ref()).collect();
            first_hit = Some((lines.len(), format!("{before}{}", clean(&row[..*from]))));
        }
        let prefix = lead.len();
        let mut spans = lead;
        let mut at = 0;
        for (from, to) in ranges {
            if from > at {
                spans.push(Span::styled(clean(&row[at..from]), style));
            }
            spans.push(Span::styled(clean(&row[from..to]), match_style(theme)));
            at = to;
        }
        if at < row.len() || row.is_empty() {
            spans.push(Span::styled(clean(&row[at..]), style));
        }
        // Wrapped as the lines are (between words, a word longer than a row cut where the row
        // ends; a JSON value under its start): `TOK` stood alone on its row here while the
        // lines kept it with what followed.
        lines.extend(crate::ui::wrap::wrap_spans(
            spans,
            prefix,
            usize::from(inner.width),
        ));
    };
    match embedded_json(l.text) {
        Some((prefix, v)) => {
            if !prefix.trim().is_empty() {
                marked(Vec::new(), prefix.trim_end(), &mut lines);
            }
            let pretty = serde_json::to_string_pretty(&v).unwrap_or_default();
            for row in pretty.lines() {
                let indent = row.len() - row.trim_start().len();
                let body = row.trim_start();
                match body.split_once("\": ") {
                    Some((k, rest)) if body.starts_with('"') => marked(
                        vec![
                            Span::raw(" ".repeat(indent)),
                            Span::styled(format!("{}\": ", clean(k)), theme.title(false)),
                        ],
                        rest,
                        &mut lines,
                    ),
                    _ => marked(Vec::new(), row, &mut lines),
                }
            }
        }
        None => {
            for row in l.text.split('\n') {
                marked(Vec::new(), row, &mut lines);
            }
        }
    }
    let wrapped = |lines: Vec<Line<'static>>| {
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .line_count(inner.width)
    };
    let height = usize::from(inner.height);
    // Opened with a search on: from a little above the first match, where the match is not
    // on the first rows already (a match on row 7 of 16 hid the line's time and group).
    let hit_row = first_hit.map(|(i, before)| {
        let above = wrapped(lines[..i].to_vec());
        let within = wrapped(vec![Line::raw(before)]).saturating_sub(1);
        let row = above + within;
        if row < height {
            0
        } else {
            row.saturating_sub(2)
        }
    });
    let paragraph = Paragraph::new(lines).wrap(Wrap { trim: false });
    let total = paragraph.line_count(inner.width);
    let last_top = u16::try_from(total.saturating_sub(height)).unwrap_or(u16::MAX);
    let top = if scroll.0 == l.seq {
        scroll.1.min(last_top)
    } else {
        hit_row
            .map_or(0, |r| u16::try_from(r).unwrap_or(u16::MAX))
            .min(last_top)
    };
    *scroll = (l.seq, top);
    let title = if total > height && height > 0 {
        let top = usize::from(top);
        let (from, to) = (top + 1, (top + height).min(total));
        let scroll = format!(
            "{}/{}",
            keys.hint(Action::DetailDown),
            keys.hint(Action::DetailUp)
        );
        let pages = format!(
            "{}/{}",
            keys.hint(Action::PageDown),
            keys.hint(Action::PageUp)
        );
        let back = keys.hint(Action::Back);
        super::super::table::fit_title_forms(
            &[
                format!(
                    " Line · rows {from}–{to} of {total} · {scroll} half a page · {pages} a page · {back} close "
                ),
                format!(" Line · rows {from}–{to} of {total} · {scroll} · {pages} · {back} close "),
                format!(" Line {from}–{to}/{total} · {scroll} · {back} "),
                format!(" {from}–{to}/{total} {scroll} "),
            ],
            area.width.saturating_sub(2),
        )
    } else {
        close
    };
    frame.render_widget(block(title, area, theme), area);
    frame.render_widget(paragraph.scroll((top, 0)), inner);
}

/// The JSON object or array a line is, or ends with after a runtime's prefix (Node writes
/// `time<TAB>request id<TAB>LEVEL<TAB>{…}`), with the text before it.
pub(super) fn embedded_json(text: &str) -> Option<(&str, serde_json::Value)> {
    let text = text.trim_end();
    let start = text.find(['{', '['])?;
    match serde_json::from_str::<serde_json::Value>(&text[start..]) {
        Ok(v @ (serde_json::Value::Object(_) | serde_json::Value::Array(_))) => {
            Some((&text[..start], v))
        }
        _ => None,
    }
}

pub(super) fn request_view(
    frame: &mut Frame<'_>,
    area: Rect,
    pane: &mut LogsPane,
    keys: &Keymap,
    theme: &Theme,
) {
    let Some(r) = &mut pane.request else {
        return;
    };
    let (badge, _) = match r.feed.state {
        FeedState::Starting | FeedState::Running => ("searching the groups…".to_string(), false),
        FeedState::Failed(_) => ("search failed".to_string(), true),
        _ => ("done".to_string(), false),
    };
    let groups: std::collections::BTreeSet<&str> =
        r.buffer.groups().iter().map(|g| g.as_str()).collect();
    // Shorter forms before the id is cut (at 44 columns it read `Request 0017d46c-4d1…s in`).
    let forms = [
        format!(
            "Request {} · {} in {} · {badge}",
            r.id,
            crate::text::plural(r.buffer.len(), "line"),
            crate::text::plural(groups.len(), "group"),
        ),
        format!(
            "Request {} · {} · {badge}",
            r.id,
            crate::text::plural(r.buffer.len(), "line")
        ),
        format!("Request {}", r.id),
        r.id.clone(),
    ];
    let room = usize::from(area.width).saturating_sub(4);
    let info = forms
        .iter()
        .find(|f| f.width() <= room)
        .unwrap_or(&forms[3]);
    let b = super::super::table::pane_block_hinted(
        info,
        &[format!("{} back", keys.hint(Action::Back))],
        area.width,
        theme,
    );
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let [body, status] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    pane.screen_rows.clear();
    if r.buffer.is_empty() {
        let text = match &r.feed.state {
            FeedState::Failed(e) => format!("Could not search for the request: {e}"),
            FeedState::Done(_) => "No lines of this request were found.".into(),
            _ => "Searching the groups for this request…".into(),
        };
        message(
            frame,
            body,
            text,
            matches!(r.feed.state, FeedState::Failed(_)),
            theme,
        );
    } else {
        // Labelled as the viewer labels them (by what tells the groups apart), with any
        // group only the request's search found told apart from those too.
        let mut names = pane.buffer.groups().to_vec();
        for g in r.buffer.groups() {
            if !names.contains(g) {
                names.push(g.clone());
            }
        }
        // At most a fifth of the row, as in the lines' view (24 columns took half of 44).
        let labels = super::lines::GroupLabels::within(&names, usize::from(inner.width / 5))
            .padded_for(r.buffer.groups());
        let opts = LineStyle {
            timestamps: pane.timestamps,
            dates: super::lines::spans_days(&r.buffer),
            groups: Some(&labels),
            wrap: pane.wrap,
            search: None,
            anchor: pane.anchor,
        };
        let rows = Rows::All {
            first: r.buffer.first_seq(),
            end: r.buffer.end_seq(),
        };
        let body = if pane.detail {
            let [top, bottom] = split_for_detail(body, r.buffer.len());
            let line = r.buffer.get(r.scroll.selected);
            let request = line.as_ref().and_then(|l| r.buffer.request_id_of(l));
            detail(
                frame,
                bottom,
                Opened {
                    line,
                    request: request.as_ref(),
                    search: None,
                },
                &mut pane.detail_scroll,
                keys,
                theme,
            );
            pane.detail_rows = bottom.height.saturating_sub(2);
            top
        } else {
            body
        };
        let mut scroll = r.scroll;
        let screen = draw_rows(frame, body, &r.buffer, rows, &mut scroll, &opts, theme);
        r.scroll = scroll;
        pane.screen_rows = screen;
    }
    let mut spans = Vec::new();
    if let FeedState::Failed(e) = &r.feed.state {
        spans.push(Span::styled(format!("✗ {e}  "), theme.error()));
    }
    spans.push(Span::styled(
        format!(
            "{} line · {} select · {} save · {} back",
            keys.hint(Action::Enter),
            keys.hint(Action::SelectRange),
            keys.hint(Action::SaveLogs),
            keys.hint(Action::Back)
        ),
        theme.muted(),
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), status);
}
