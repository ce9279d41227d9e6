//! Histories kept between sessions (the `:` commands, each pane's `/` filters, the Insights
//! pane's queries), one small JSON file per environment and kind in the state folder, and the
//! ↑ / ↓ walk through one. A file that cannot be read is reported and the history starts empty;
//! it is never a reason not to start.

use crate::input::TextInput;
use std::path::Path;

/// Entries a history keeps (the oldest go first).
pub const HISTORY_LEN: usize = 100;

/// What was entered, oldest first, each once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    pub entries: Vec<String>,
    /// Changed since it was last written.
    pub changed: bool,
}

impl History {
    pub fn new(entries: Vec<String>) -> Self {
        Self {
            entries,
            changed: false,
        }
    }

    /// Adds `text` as the newest entry (moved there if it was already in).
    pub fn remember(&mut self, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        self.entries.retain(|h| h != text);
        self.entries.push(text.to_string());
        if self.entries.len() > HISTORY_LEN {
            let extra = self.entries.len() - HISTORY_LEN;
            self.entries.drain(..extra);
        }
        self.changed = true;
    }
}

/// Where ↑ / ↓ stand in a history while an input is open, and the text being written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recall {
    at: Option<usize>,
    draft: Option<String>,
}

impl Recall {
    /// ↑ (`back`) or ↓ through `history`, into `input`: ↓ past the newest brings back the
    /// text that was being written.
    pub fn step(&mut self, history: &History, input: &mut TextInput, back: bool) {
        let entries = &history.entries;
        if entries.is_empty() {
            return;
        }
        let next = match (self.at, back) {
            // The newest entry is what is written already (the query just run, opened again):
            // the first ↑ goes past it, not to the same text.
            (None, true) if entries.len() > 1 && entries.last() == Some(&input.text()) => {
                Some(entries.len() - 2)
            }
            (None, true) => Some(entries.len() - 1),
            (None, false) => return,
            (Some(i), true) => Some(i.saturating_sub(1)),
            (Some(i), false) if i + 1 < entries.len() => Some(i + 1),
            (Some(_), false) => None,
        };
        if self.at.is_none() {
            self.draft = Some(input.text());
        }
        self.at = next;
        let text = match next {
            Some(i) => entries[i].clone(),
            None => self.draft.take().unwrap_or_default(),
        };
        input.set_text(&text);
    }
}

/// The entries of `file`, oldest first; none when it does not exist yet.
pub fn load(file: &Path) -> Result<Vec<String>, String> {
    match std::fs::read(file) {
        Ok(bytes) => serde_json::from_slice::<Vec<String>>(&bytes).map_err(|e| {
            format!(
                "{} is not a history file ({e}); starting with an empty history",
                file.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(format!("cannot read {}: {e}", file.display())),
    }
}

/// Writes `entries` to `file`.
pub fn save(file: &Path, entries: &[String]) -> Result<(), String> {
    let body = serde_json::to_vec_pretty(entries).map_err(|e| e.to_string())?;
    write_whole(file, &body)
}

/// Writes `body` to `file` through a temporary file beside it, so a crash never leaves half a
/// file; the folder is made when missing.
pub fn write_whole(file: &Path, body: &[u8]) -> Result<(), String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", file.display());
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    // A name of its own per write (two consoles on one environment never share one), readable
    // by the operator alone: histories hold e-mails and subs.
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = file.with_extension(format!("json.{}.{n}.tmp", std::process::id()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)
        .and_then(|mut f| {
            f.write_all(body)?;
            f.sync_all()
        })
        .and_then(|()| std::fs::rename(&tmp, file));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_history_keeps_the_last_hundred_once_each() {
        let mut h = History::default();
        for i in 0..150 {
            h.remember(&format!("q{}", i % 120));
        }
        h.remember("  ");
        assert_eq!(h.entries.len(), HISTORY_LEN);
        assert_eq!(h.entries.last().unwrap(), "q29");
        let mut seen = h.entries.clone();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), HISTORY_LEN);
        assert!(h.changed);
    }

    #[test]
    fn up_and_down_walk_the_history_and_bring_the_draft_back() {
        let h = History::new(vec!["first".into(), "second".into()]);
        let mut input = TextInput::new("draft");
        let mut r = Recall::default();
        r.step(&h, &mut input, false);
        assert_eq!(
            input.text(),
            "draft",
            "↓ with nothing recalled does nothing"
        );
        r.step(&h, &mut input, true);
        assert_eq!(input.text(), "second");
        r.step(&h, &mut input, true);
        r.step(&h, &mut input, true);
        assert_eq!(input.text(), "first", "↑ stops at the oldest");
        r.step(&h, &mut input, false);
        r.step(&h, &mut input, false);
        assert_eq!(input.text(), "draft");
    }

    /// The text written is the newest entry (the query just run, its editor opened again):
    /// the first ↑ brings the one before it, not the same text again.
    #[test]
    fn the_first_up_skips_the_entry_already_written() {
        let h = History::new(vec!["first".into(), "second".into()]);
        let mut input = TextInput::new("second");
        let mut r = Recall::default();
        r.step(&h, &mut input, true);
        assert_eq!(input.text(), "first");
        r.step(&h, &mut input, false);
        r.step(&h, &mut input, false);
        assert_eq!(input.text(), "second", "↓ brings the written text back");
    }

    #[test]
    fn a_history_round_trips_and_a_missing_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("history").join("sandbox.insights.json");
        assert_eq!(load(&file).unwrap(), Vec::<String>::new());
        let entries = vec![
            "fields @message".to_string(),
            "stats count(*) by @log\n| sort 1".into(),
        ];
        save(&file, &entries).unwrap();
        assert_eq!(load(&file).unwrap(), entries);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the operator's alone: {mode:o}");
        let left: Vec<_> = std::fs::read_dir(file.parent().unwrap()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left");
    }

    #[test]
    fn a_damaged_file_is_reported_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("h.json");
        std::fs::write(&file, b"{not json").unwrap();
        let e = load(&file).unwrap_err();
        assert!(e.contains("not a history file"), "{e}");
    }
}
