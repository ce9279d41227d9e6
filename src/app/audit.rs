//! The audit view: every moderation and account action, newest first, filtered by actor,
//! target kind or target id.

use super::list::{List, Load};
use super::{Command, Failure, Handled, Ids, Outcome, RequestId};
use crate::keymap::Action;
use backoffice_domain::model::{AuditEntry, AuditFilter, Page};

#[derive(Debug, Default)]
pub struct AuditPane {
    pub list: List<AuditEntry>,
    pub filter: AuditFilter,
    pub filter_text: String,
    /// Whether the selected row's before/after is expanded.
    pub expanded: bool,
}

/// Reads `actor:NAME kind:post id:42` (each optional).
pub fn parse_filter(text: &str) -> Result<AuditFilter, String> {
    let mut f = AuditFilter::default();
    for word in text.split_whitespace() {
        match word.split_once(':') {
            Some(("actor", v)) if !v.is_empty() => f.actor = Some(v.to_string()),
            Some(("kind", v)) if matches!(v, "post" | "comment" | "user" | "report" | "object") => {
                f.target_kind = Some(v.to_string())
            }
            Some(("kind", v)) => {
                return Err(format!(
                    "kind: one of post, comment, user, report, object; not '{v}'"
                ));
            }
            Some(("id", v)) if !v.is_empty() => f.target_id = Some(v.to_string()),
            _ => {
                return Err(format!(
                    "'{word}': filter with actor:NAME, kind:post|comment|user|report|object, id:ID"
                ));
            }
        }
    }
    Ok(f)
}

impl AuditPane {
    pub fn pending(&self) -> usize {
        usize::from(self.list.is_busy())
    }

    pub fn open(&mut self, ids: &mut Ids) -> Vec<Command> {
        // The log grows with every write: reload each time it is shown.
        if self.list.is_busy() {
            return Vec::new();
        }
        self.refresh(ids)
    }

    pub fn refresh(&mut self, ids: &mut Ids) -> Vec<Command> {
        let id = ids.issue();
        self.list.restart(id);
        vec![Command::LoadAudit {
            request: id,
            filter: self.filter.clone(),
            cursor: None,
        }]
    }

    pub fn set_filter(&mut self, text: String, ids: &mut Ids) -> Result<Vec<Command>, String> {
        self.filter = parse_filter(&text)?;
        self.filter_text = text;
        Ok(self.refresh(ids))
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

    pub fn on_action(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        let page = self.list.viewport.max(1) as isize;
        let delta = match action {
            Action::Down => 1,
            Action::Up => -1,
            Action::HalfPageDown => (page / 2).max(1),
            Action::HalfPageUp => -(page / 2).max(1),
            Action::PageDown => page,
            Action::PageUp => -page,
            Action::Top => -(self.list.items.len() as isize),
            Action::Bottom => self.list.items.len() as isize,
            Action::Reload => return self.refresh(ids).into(),
            Action::Enter => {
                self.expanded = !self.expanded;
                return Outcome::None;
            }
            Action::Back => {
                self.expanded = false;
                return Outcome::None;
            }
            _ if self.list.load == Load::Loading => return Outcome::None,
            _ => return Outcome::None,
        };
        self.list.move_by(delta);
        self.more(ids).into()
    }

    pub fn click(&mut self, row: usize, ids: &mut Ids) -> Outcome {
        if let Some(i) = row.checked_sub(1) {
            self.list.select(self.list.offset + i);
        }
        self.more(ids).into()
    }

    pub fn on_audit(
        &mut self,
        request: RequestId,
        result: Result<Page<AuditEntry>, Failure>,
        ids: &mut Ids,
    ) -> Handled {
        let failure = result.as_ref().err().cloned();
        if !self.list.receive(request, result.map_err(|f| f.message)) {
            return (Outcome::None, None);
        }
        (
            self.more(ids).into(),
            failure.map(|f| ("loading the audit log".to_string(), f)),
        )
    }
}
