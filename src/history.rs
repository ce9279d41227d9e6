//! Histories kept between sessions (the Insights pane's queries), one small JSON file per
//! environment and kind in the state folder. A file that cannot be read is reported and the
//! history starts empty; it is never a reason not to start.

use std::path::Path;

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

/// Writes `entries` to `file` (through a temporary file, so a crash never leaves half a file).
pub fn save(file: &Path, entries: &[String]) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", file.display());
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let body = serde_json::to_vec_pretty(entries).map_err(|e| e.to_string())?;
    let tmp = file.with_extension("json.tmp");
    std::fs::write(&tmp, body).map_err(fail)?;
    std::fs::rename(&tmp, file).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

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
