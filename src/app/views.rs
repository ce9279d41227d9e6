//! Saved views: a pane's filter saved under a name (`:save NAME`), applied again with
//! `:view NAME` (names complete with `tab`), and each pane's last applied filter, which the pane
//! opens on in the next session. One small JSON file per environment in the state folder.

use super::PaneId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Longest name a view takes.
pub const MAX_NAME: usize = 64;

/// One pane's views.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaneViews {
    /// The filter last applied, which the pane opens on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
    /// Saved filters by name.
    #[serde(default)]
    pub named: BTreeMap<String, String>,
}

/// Every pane's views in one environment, by pane (`users`, `posts` …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewBook {
    #[serde(flatten)]
    pub panes: BTreeMap<String, PaneViews>,
    /// Changed since it was last written.
    #[serde(skip)]
    pub changed: bool,
}

impl ViewBook {
    pub fn of(&self, pane: PaneId) -> Option<&PaneViews> {
        self.panes.get(pane.key())
    }

    fn of_mut(&mut self, pane: PaneId) -> &mut PaneViews {
        self.panes.entry(pane.key().to_string()).or_default()
    }

    /// Saves `filter` as `name` in `pane` (replacing one of that name).
    pub fn save(&mut self, pane: PaneId, name: &str, filter: &str) -> Result<(), String> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control)
        {
            return Err(format!(
                "a view's name: 1 to {MAX_NAME} characters, no control characters"
            ));
        }
        self.of_mut(pane)
            .named
            .insert(name.to_string(), filter.to_string());
        self.changed = true;
        Ok(())
    }

    /// Forgets the view `name` of `pane`; whether there was one.
    pub fn forget(&mut self, pane: PaneId, name: &str) -> bool {
        let gone = self.of_mut(pane).named.remove(name.trim()).is_some();
        self.changed |= gone;
        gone
    }

    /// The filter saved as `name` in `pane`.
    pub fn get(&self, pane: PaneId, name: &str) -> Option<&str> {
        self.of(pane)?.named.get(name.trim()).map(String::as_str)
    }

    /// The names saved in `pane`, sorted.
    pub fn names(&self, pane: PaneId) -> Vec<String> {
        self.of(pane)
            .map(|v| v.named.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Records the filter `pane` now shows, for the next session.
    pub fn applied(&mut self, pane: PaneId, filter: &str) {
        let last = (!filter.trim().is_empty()).then(|| filter.trim().to_string());
        let views = self.of_mut(pane);
        if views.last != last {
            views.last = last;
            self.changed = true;
        }
    }
}

/// Reads an environment's views; none when the file does not exist yet.
pub fn load(file: &std::path::Path) -> Result<ViewBook, String> {
    match std::fs::read(file) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            format!(
                "{} is not a views file ({e}); starting without saved views",
                file.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ViewBook::default()),
        Err(e) => Err(format!("cannot read {}: {e}", file.display())),
    }
}

/// Writes an environment's views (through a temporary file).
pub fn save(file: &std::path::Path, book: &ViewBook) -> Result<(), String> {
    let body = serde_json::to_vec_pretty(book).map_err(|e| e.to_string())?;
    crate::history::write_whole(file, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_round_trip_through_their_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("views").join("prod.json");
        assert_eq!(load(&file).unwrap(), ViewBook::default());
        let mut book = ViewBook::default();
        book.save(PaneId::Audit, "my bans", "kind:user actor:ops")
            .unwrap();
        book.applied(PaneId::Posts, "status:hidden");
        assert!(book.save(PaneId::Audit, " ", "x").is_err());
        save(&file, &book).unwrap();
        let back = load(&file).unwrap();
        assert_eq!(
            back.get(PaneId::Audit, "my bans"),
            Some("kind:user actor:ops")
        );
        assert_eq!(
            back.of(PaneId::Posts).unwrap().last.as_deref(),
            Some("status:hidden")
        );
        assert!(!back.changed);
        std::fs::write(&file, b"[1,2]").unwrap();
        assert!(load(&file).unwrap_err().contains("not a views file"));
    }
}
