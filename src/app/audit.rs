//! The audit view: every moderation and account action, newest first, filtered by actor,
//! target kind or target id.

use super::list::{List, movement};
use super::{AppEvent, Command, Failure, Handled, Ids, Outcome, Pane, Problem, RequestId};
use crate::keymap::Action;
use crate::ui::Look;
use backoffice_domain::model::{AuditEntry, AuditFilter, AuditId, AuditKind, Page};
use backoffice_domain::services::user360::Who;

#[derive(Debug, Default)]
pub struct AuditPane {
    pub list: List<AuditEntry>,
    pub filter: AuditFilter,
    pub filter_text: String,
    /// Whether the selected row's before/after is expanded.
    pub expanded: bool,
    /// The open row's first line shown (`J`/`K`), for the row it was scrolled on; the
    /// drawing keeps it within the detail.
    pub detail_scroll: (Option<AuditId>, u16),
    /// The rows the open row's detail showed in the last frame (for `J` / `K`'s step).
    pub detail_rows: u16,
    /// The row to select again once a reload reaches it: new rows come in at the top, so the
    /// row is found by its id, not its number.
    pub(super) finding: Option<Finding>,
    /// Set by [`AuditPane::show_newest`] until the next read.
    newest: bool,
    /// Whether the last frame wrote the times without their year (a narrow screen).
    pub short_time: bool,
}

/// A row a reload looks for: its id, the screen row it was on, and its old row number (it can
/// only have moved down, by the rows written since).
#[derive(Debug, Clone, Copy)]
pub(super) struct Finding {
    id: AuditId,
    screen_row: usize,
    was_at: usize,
    /// Whether the view was at the top of the log, where new rows come in.
    at_top: bool,
}

/// How far past its old row number a reload reads for the row before giving up (new rows
/// since, at the top): a few pages.
const FIND_WITHIN: usize = 200;

/// The kinds `kind:` takes, as typed.
fn kinds() -> String {
    AuditKind::KNOWN
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join("|")
}

/// How a filter's time is written, for its errors.
const WHEN: &str = "15m, 24h, 7d or a time as 2026-12-01T10:00 (UTC)";

/// The filter's words: split at spaces, but a value in double quotes (`id:"media/a b.jpg"`)
/// is one word, its quotes dropped (an object key or an actor with a space could not be
/// written).
fn words(text: &str) -> Result<Vec<String>, Problem> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if quoted {
        return Err(Problem::from(
            "a quote is not closed: write id:\"KEY WITH SPACES\"",
        ));
    }
    if !word.is_empty() {
        out.push(word);
    }
    Ok(out)
}

/// Reads `actor:NAME kind:post id:42 since:24h until:2026-12-01` (each optional).
pub fn parse_filter(text: &str) -> Result<AuditFilter, Problem> {
    parse_filter_at(text, chrono::Utc::now())
}

/// [`parse_filter`] with `since:24h` counted back from `now`.
pub fn parse_filter_at(
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<AuditFilter, Problem> {
    let mut f = AuditFilter::default();
    for word in words(text)? {
        let word = word.as_str();
        match word.split_once(':') {
            // Each once: a second kept the last silently (`id:1 id:2` read id 2).
            Some((key @ ("actor" | "kind" | "id" | "since" | "until"), _))
                if match key {
                    "actor" => f.actor.is_some(),
                    "kind" => f.target_kind.is_some(),
                    "since" => f.since.is_some(),
                    "until" => f.until.is_some(),
                    _ => f.target_id.is_some(),
                } =>
            {
                return Err(Problem(format!("{key}: given twice")));
            }
            Some((key @ ("since" | "until"), v)) => {
                let at = if key == "since" {
                    backoffice_domain::model::parse_moment(v, now)
                } else {
                    backoffice_domain::model::parse_until(v, now)
                }
                .ok_or_else(|| Problem(format!("{key}: write {WHEN}; not '{v}'")))?;
                if key == "since" {
                    f.since = Some(at);
                } else {
                    f.until = Some(at);
                }
            }
            Some(("actor", v)) if !v.is_empty() => f.actor = Some(v.to_string()),
            Some(("kind", v)) => match AuditKind::parse_known(v) {
                Some(kind) => f.target_kind = Some(kind),
                None => {
                    return Err(Problem(format!("kind: one of {}; not '{v}'", kinds())));
                }
            },
            // As the list shows a key (`<U+001B>` for an escape), taken back as the key.
            Some(("id", v)) if !v.is_empty() => {
                f.target_id = Some(crate::text::from_identifier(v).unwrap_or_else(|| v.to_string()))
            }
            _ => {
                return Err(Problem(format!(
                    "'{word}': filter with actor:NAME, kind:{}, id:ID, since:WHEN, until:WHEN",
                    kinds()
                )));
            }
        }
    }
    if let (Some(since), Some(until)) = (f.since, f.until)
        && since >= until
    {
        return Err(Problem(format!(
            "since: {} is not before until: {}",
            since.format("%Y-%m-%d %H:%M"),
            until.format("%Y-%m-%d %H:%M")
        )));
    }
    Ok(f)
}

impl AuditPane {
    /// The next read of the log selects its newest row (the one a write from here just
    /// added) instead of the row that was selected.
    pub fn show_newest(&mut self) {
        self.finding = None;
        self.newest = true;
    }

    fn more(&mut self, ids: &mut Ids) -> Vec<Command> {
        match self.list.wants_more() {
            Some(cursor) => {
                let id = ids.issue();
                self.list.expect(id);
                vec![Command::LoadAudit {
                    request: id,
                    filter: self.filter.clone(),
                    cursor: Some(cursor),
                }]
            }
            None => Vec::new(),
        }
    }

    fn act(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        let delta = match action {
            Action::Reload => return self.refresh(ids).into(),
            Action::Enter => {
                self.expanded = !self.expanded;
                return Outcome::None;
            }
            Action::Back => {
                self.expanded = false;
                return Outcome::None;
            }
            // The open row's detail scrolls (at 60×20 its `after` was below its last row).
            Action::DetailDown | Action::DetailUp if self.expanded => {
                let id = self.list.selected_item().map(|e| e.id);
                let at = if self.detail_scroll.0 == id {
                    self.detail_scroll.1
                } else {
                    0
                };
                let step = crate::app::detail_step(self.detail_rows);
                let at = if action == Action::DetailDown {
                    at.saturating_add(step)
                } else {
                    at.saturating_sub(step)
                };
                self.detail_scroll = (id, at);
                return Outcome::None;
            }
            Action::DetailDown | Action::DetailUp => {
                return Outcome::Message("enter opens a row; J and K then scroll it".into());
            }
            // `u`: the row's reverse, planned from its before and after.
            Action::UploadObject => {
                return match self.list.selected_item() {
                    // What no row of its kind can undo is said at once, as a message, not
                    // planned and reported as a failure.
                    Some(row) => match backoffice_domain::services::undo::reversal(row) {
                        Err(why) => {
                            Outcome::Message(format!("row {} ({}): {why}", row.id, row.action))
                        }
                        Ok(_) => Outcome::Plan(super::Planning::Undo(Box::new(row.clone()))),
                    },
                    None => Outcome::Message("no audit row selected".into()),
                };
            }

            other => match movement(other, self.list.viewport) {
                Some(d) => d,
                None => return Outcome::None,
            },
        };
        // Moved by hand: the row a reload was looking for is no longer wanted.
        self.finding = None;
        self.list.move_by(delta);
        self.more(ids).into()
    }

    fn on_audit(
        &mut self,
        request: RequestId,
        result: Result<Page<AuditEntry>, Failure>,
        ids: &mut Ids,
    ) -> Handled {
        let failure = result.as_ref().err().cloned();
        if !self.list.receive(request, result) {
            return (Outcome::None, None);
        }
        // The newest row selected at the top of the log follows the top: the rows written
        // since (elsewhere, the operator come to check them) are the ones shown and the
        // newest is selected (it kept the old newest, with the new rows above the view).
        if self.finding.is_some_and(|f| f.at_top && f.was_at == 0) {
            self.finding = None;
            self.list.select(0);
            self.list.offset = 0;
        }
        if let Some(f) = self.finding {
            let limit = f.was_at + FIND_WITHIN;
            if let Some(at) = self.list.items.iter().position(|e| e.id == f.id) {
                self.finding = None;
                self.list.select(at);
                // A view at the top stays there when the row still shows from it, so the rows
                // written since (an undo's own row, say) are seen; else the row keeps its place
                // on screen.
                self.list.offset = if f.at_top && at < self.list.viewport {
                    0
                } else {
                    at.saturating_sub(f.screen_row)
                };
            } else if self.list.next.is_some() && self.list.items.len() < limit && failure.is_none()
            {
                // Not in yet: the last row asks for the next page.
                self.list.select(self.list.items.len().saturating_sub(1));
            } else {
                // Gone (or too far down): the top, where the newest rows are.
                self.finding = None;
                self.list.select(0);
                self.list.offset = 0;
            }
        }
        (
            self.more(ids).into(),
            failure.map(|f| ("loading the audit log".to_string(), f)),
        )
    }
}

impl Pane for AuditPane {
    /// The users the rows around the view act on, so their targets read by name.
    fn visible_subs(&self) -> Vec<backoffice_domain::model::UserSub> {
        self.list
            .near_view()
            .flat_map(|e| [row_subject(e), actor_sub(&e.actor)])
            .flatten()
            .collect()
    }

    fn open(&mut self, ids: &mut Ids) -> Vec<Command> {
        // The log grows with every write: reload each time it is shown.
        if self.list.is_busy() {
            return Vec::new();
        }
        self.refresh(ids)
    }

    /// Reads the log again, keeping the selected row (found by its id as the pages arrive).
    fn refresh(&mut self, ids: &mut Ids) -> Vec<Command> {
        let id = ids.issue();
        if std::mem::take(&mut self.newest) {
            self.finding = None;
        } else if self.finding.is_none() {
            self.finding = self.list.selected_item().map(|e| Finding {
                id: e.id,
                screen_row: self.list.selected.saturating_sub(self.list.offset),
                was_at: self.list.selected,
                at_top: self.list.offset == 0,
            });
        }
        self.list.restart(id);
        vec![Command::LoadAudit {
            request: id,
            filter: self.filter.clone(),
            cursor: None,
        }]
    }

    fn on_action(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        self.act(action, ids)
    }

    fn on_event(&mut self, event: AppEvent, ids: &mut Ids) -> Handled {
        match event {
            AppEvent::AuditLoaded { request, result } => self.on_audit(request, result, ids),
            _ => (Outcome::None, None),
        }
    }

    fn click(&mut self, row: usize, _column: u16, ids: &mut Ids) -> Outcome {
        if let Some(i) = row.checked_sub(1) {
            self.finding = None;
            self.list.select(self.list.offset + i);
        }
        self.more(ids).into()
    }

    fn filter_text(&self) -> &str {
        &self.filter_text
    }

    fn filter_hint(&self) -> &'static str {
        "actor:NAME · kind:post|comment|user|report|object|query|reconcile · id:ID (\"…\" around spaces) · since:24h · until:2026-12-01"
    }

    fn set_filter(&mut self, text: &str, ids: &mut Ids) -> Result<Vec<Command>, Problem> {
        self.filter = parse_filter(text)?;
        self.filter_text = text.trim().to_string();
        let c = self.refresh(ids);
        // Another filter starts at its newest row.
        self.finding = None;
        Ok(c)
    }

    fn selected_user(&self) -> Option<Who> {
        let e = self.list.selected_item()?;
        match e.target_kind {
            AuditKind::User => Who::parse(&e.target_id).ok(),
            _ => None,
        }
    }

    fn export_source(&self) -> Result<super::export::ExportSource, String> {
        Ok(super::export::ExportSource::Audit(self.filter.clone()))
    }

    fn selected_id(&self) -> Option<(&'static str, String)> {
        let e = self.list.selected_item()?;
        Some(("audit row id", e.id.get().to_string()))
    }

    /// `u` undoes the row here (its name is Storage's upload); nothing is marked.
    fn describes(&self, action: Action) -> Option<&'static str> {
        match action {
            Action::UploadObject => Some("undo the selected row (its dialog says what it does)"),
            Action::Mark => Some("nothing: an undo acts on one row"),
            Action::Enter => Some("open the row: its before and after"),
            Action::Filter => Some("filter: actor:NAME kind:KIND id:ID since:24h until:DATE"),
            Action::DetailDown => Some("scroll the open row down (enter opens it)"),
            Action::DetailUp => Some("scroll the open row up"),
            _ => None,
        }
    }

    /// The open row's scroll keys are offered whether a row is open or not: its title names
    /// them, and the help left them out.
    fn offers(&self) -> Vec<Action> {
        vec![Action::UploadObject, Action::DetailDown, Action::DetailUp]
    }

    fn pending(&self) -> usize {
        usize::from(self.list.is_busy())
    }

    fn draw(
        &mut self,
        frame: &mut ratatui::Frame<'_>,
        area: ratatui::layout::Rect,
        look: &Look<'_>,
    ) {
        crate::ui::draw_audit(frame, area, self, look);
    }
}

/// The user a row acts on, when its target is a user.
/// An audit row's target id as the list shows it: an object's key named as Storage names it
/// (`<U+001B>`, a tab as `<U+0009>`), a form `id:` takes back; others as they are.
pub fn target_shown(e: &AuditEntry) -> String {
    match e.target_kind {
        AuditKind::Object => crate::text::key(&e.target_id),
        _ => e.target_id.clone(),
    }
}

/// The user an actor written by the API is (`<sub>` for an author, `admin:<sub>` for an
/// admin), with whether it acted as an admin.
pub fn actor_sub(actor: &str) -> Option<backoffice_domain::model::UserSub> {
    backoffice_domain::model::UserSub::parse(actor.strip_prefix("admin:").unwrap_or(actor)).ok()
}

/// How the list shows an actor: an API caller by name once it is known (`admin: Ann`), a
/// console operator by what follows its account.
pub fn actor_shown(actor: &str, names: &crate::app::names::Names) -> String {
    match actor_sub(actor).and_then(|sub| names.get(&sub).map(str::to_string)) {
        Some(name) if actor.starts_with("admin:") => {
            format!("admin: {}", crate::text::one_line(&name))
        }
        Some(name) => crate::text::one_line(&name),
        None => crate::ops::actor_label(actor).to_string(),
    }
}

pub fn user_target(e: &AuditEntry) -> Option<backoffice_domain::model::UserSub> {
    match e.target_kind {
        AuditKind::User => backoffice_domain::model::UserSub::parse(e.target_id.clone()).ok(),
        _ => None,
    }
}

/// Whom a row is about: a user target, or the author of a post or comment, which a
/// moderation's row keeps beside the status (rows written before it did name no one).
pub fn row_subject(e: &AuditEntry) -> Option<backoffice_domain::model::UserSub> {
    user_target(e).or_else(|| match e.target_kind {
        AuditKind::Post | AuditKind::Comment => [&e.after, &e.before]
            .into_iter()
            .flatten()
            .find_map(|text| {
                let value: serde_json::Value = serde_json::from_str(text).ok()?;
                backoffice_domain::model::UserSub::parse(value.get("author")?.as_str()?).ok()
            }),
        _ => None,
    })
}

#[cfg(test)]
mod filter_tests {
    use super::parse_filter;

    /// An object's key is shown as Storage names it and `id:` takes that form back: a key
    /// with an escape showed `␛` here, `<U+001B>` in Storage, and neither form found its rows.
    #[test]
    fn an_object_key_is_shown_and_found_in_one_form() {
        let f = parse_filter("kind:object id:media/esc<U+001B>[31m<U+0009>x.txt").unwrap();
        assert_eq!(f.target_id.as_deref(), Some("media/esc\u{1b}[31m\tx.txt"));
        let row = backoffice_domain::model::AuditEntry {
            id: backoffice_domain::model::AuditId::new(1).unwrap(),
            actor: "sandbox:ops".into(),
            action: backoffice_domain::model::AuditAction::ObjectDelete,
            target_kind: backoffice_domain::model::AuditKind::Object,
            target_id: "media/esc\u{1b}[31m\tx.txt".into(),
            reason: None,
            before: None,
            after: None,
            created_at: chrono::Utc::now(),
        };
        assert_eq!(
            super::target_shown(&row),
            "media/esc<U+001B>[31m<U+0009>x.txt"
        );
    }

    /// A value with a space is written in quotes: an object key, an API caller's name.
    #[test]
    fn a_quoted_value_keeps_its_spaces() {
        let f = parse_filter(r#"kind:object id:"media/posts/evil key.jpg" actor:"a b""#).unwrap();
        assert_eq!(f.target_id.as_deref(), Some("media/posts/evil key.jpg"));
        assert_eq!(f.actor.as_deref(), Some("a b"));
        let err = parse_filter(r#"id:"media/posts/evil key.jpg"#).unwrap_err();
        assert!(err.0.starts_with("a quote is not closed"), "{}", err.0);
    }

    /// A key given twice is refused (the last one was kept without a word).
    #[test]
    fn a_key_given_twice_is_refused() {
        let f = parse_filter("actor:ops kind:post id:12").unwrap();
        assert_eq!(f.target_id.as_deref(), Some("12"));
        let err = parse_filter("id:1000023 id:1000022").unwrap_err();
        assert_eq!(err.0, "id: given twice");
        assert!(parse_filter("kind:post kind:user").is_err());
        assert!(parse_filter("since:1h since:2h").is_err());
    }

    /// A window of the log: a span back from now or a time, each end optional.
    #[test]
    fn since_and_until_take_a_span_or_a_time() {
        use chrono::TimeZone;
        let now = chrono::Utc.with_ymd_and_hms(2026, 12, 5, 12, 0, 0).unwrap();
        let f = super::parse_filter_at("kind:user since:24h until:2026-12-05T11:30", now).unwrap();
        assert_eq!(
            f.since,
            Some(chrono::Utc.with_ymd_and_hms(2026, 12, 4, 12, 0, 0).unwrap())
        );
        assert_eq!(
            f.until,
            Some(
                chrono::Utc
                    .with_ymd_and_hms(2026, 12, 5, 11, 30, 0)
                    .unwrap()
            )
        );
        // A date takes in its day, as the posts filter's does.
        let f = super::parse_filter_at("until:2026-12-01", now).unwrap();
        assert_eq!(
            f.until,
            Some(chrono::Utc.with_ymd_and_hms(2026, 12, 2, 0, 0, 0).unwrap())
        );
        assert_eq!(f.since, None);
        let err = super::parse_filter_at("since:yesterday", now).unwrap_err();
        assert!(err.0.starts_with("since: write 15m, 24h, 7d"), "{}", err.0);
        let err = super::parse_filter_at("since:1h until:2h", now).unwrap_err();
        assert_eq!(
            err.0,
            "since: 2026-12-05 11:00 is not before until: 2026-12-05 10:00"
        );
    }
}

#[cfg(test)]
mod actor_tests {
    use super::{actor_shown, actor_sub};
    use crate::app::names::Names;
    use backoffice_domain::model::UserSub;

    /// The API writes its callers as subs (`admin:` before an admin's): once the name is known
    /// the list shows it, as it shows a user target's (the sub alone named nobody).
    #[test]
    fn an_api_caller_is_shown_by_name_once_known() {
        let sub = "d3720913-81a4-4b2e-9f1e-465a52a2e201";
        let mut names = Names::default();
        assert_eq!(
            actor_shown(&format!("admin:{sub}"), &names),
            format!("admin:{sub}")
        );
        let parsed = UserSub::parse(sub).unwrap();
        names.learn(
            std::slice::from_ref(&parsed),
            vec![(parsed.clone(), "Ann Lee".into())],
        );
        assert_eq!(actor_sub(&format!("admin:{sub}")), Some(parsed.clone()));
        assert_eq!(
            actor_shown(&format!("admin:{sub}"), &names),
            "admin: Ann Lee"
        );
        assert_eq!(actor_shown(sub, &names), "Ann Lee");
        // A console operator is named by what follows its account, as before.
        assert_eq!(
            actor_shown("arn:aws:iam::123456789012:user/bob", &names),
            "user/bob"
        );
        assert_eq!(actor_sub("sandbox:ops"), None);
    }
}
