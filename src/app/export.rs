//! `ctrl-e`: the current view, every page of it, written to a file as CSV or JSON lines. The
//! shell asks for the file (a name that says what and when), the runtime pages through the
//! view's source writing as it goes (progress on the status bar; `ctrl-e` again cancels and
//! removes the part written), and a file that exists is never overwritten.

use super::{RequestId, UserSearch};
use crate::app::logs::{FeedHandle, FeedStop};
use backoffice_domain::model::{AuditFilter, BucketName, PostFilter, QueueFilter};
use serde_json::Value;
use std::path::PathBuf;

/// What a view exports: a listing the runtime pages through, or rows the pane already holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportSource {
    Users(UserSearch),
    Posts(PostFilter),
    Queue(QueueFilter),
    Audit(AuditFilter),
    Objects {
        bucket: BucketName,
        prefix: String,
    },
    /// Rows the pane holds whole (an Insights result, the Metrics table); a CSV has
    /// `columns` in that order when given (the pane's), else every key of the rows.
    Rows {
        name: &'static str,
        rows: Vec<Value>,
        columns: Option<Vec<String>>,
    },
}

impl ExportSource {
    /// What the file is named after.
    pub fn name(&self) -> &'static str {
        match self {
            ExportSource::Users(_) => "users",
            ExportSource::Posts(_) => "posts",
            ExportSource::Queue(_) => "reports",
            ExportSource::Audit(_) => "audit",
            ExportSource::Objects { .. } => "objects",
            ExportSource::Rows { name, .. } => name,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    JsonLines,
}

impl ExportFormat {
    /// The format a file name asks for: `.csv`, or `.jsonl` / `.ndjson` / `.json`.
    pub fn of(path: &str) -> Result<Self, String> {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".csv") {
            Ok(ExportFormat::Csv)
        } else if [".jsonl", ".ndjson", ".json"]
            .iter()
            .any(|e| lower.ends_with(e))
        {
            Ok(ExportFormat::JsonLines)
        } else {
            Err(format!(
                "'{path}': name the file .csv or .jsonl (JSON lines)"
            ))
        }
    }
}

/// The runtime's work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportJob {
    pub request: RequestId,
    pub source: ExportSource,
    pub path: PathBuf,
    pub format: ExportFormat,
    pub stop: FeedStop,
}

#[derive(Debug, Clone)]
pub enum ExportEvent {
    /// Rows written so far.
    Progress { request: RequestId, rows: u64 },
    /// The end: the rows written, or why it stopped (the partial file removed).
    Done {
        request: RequestId,
        result: Result<u64, super::Failure>,
    },
}

/// An export in flight, as the status bar shows it.
#[derive(Debug)]
pub struct Exporting {
    pub request: RequestId,
    pub path: PathBuf,
    pub rows: u64,
    /// Dropping it stops the export.
    pub handle: FeedHandle,
}

/// The file name offered for `source` at `now`, in the current folder.
/// Why an export may not be written at `path` as things stand: a file is there (an export
/// never overwrites one), or the folder it names is not. The console asks this when the name
/// is typed; the writers again when they start.
pub fn refused_path(path: &std::path::Path) -> Option<String> {
    let shown = crate::text::one_line(&path.display().to_string());
    if path.exists() {
        return Some(format!(
            "{shown} exists; an export never overwrites: give another name"
        ));
    }
    match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() && !folder.is_dir() => Some(format!(
            "no folder to write {shown} in: give a folder that exists"
        )),
        _ => None,
    }
}

pub fn default_path(source: &ExportSource, now: chrono::DateTime<chrono::Utc>) -> String {
    format!(
        "backoffice-{}-{}.csv",
        source.name(),
        now.format("%Y%m%d-%H%M%S")
    )
}

/// One CSV cell: quoted when it holds a comma, a quote or a line break; a leading `=`, `+`, `-`,
/// `@`, tab or carriage return is prefixed with `'` so a spreadsheet shows the text instead of
/// running it as a formula; an escape or a direction override is made inert
/// ([`crate::text::inert`]: `␛[31m`), so `cat` of the file shows it rather than obeys it.
pub fn csv_cell(value: &Value) -> String {
    let text = match value {
        Value::Null => String::new(),
        // A record's own line break at its end (a Lambda line's) is not part of the cell, and
        // a carriage return is pictured like the other controls (`cat` overprinted the cell).
        Value::String(s) => {
            let s = s.strip_suffix('\n').unwrap_or(s);
            let s = s.strip_suffix('\r').unwrap_or(s);
            crate::text::inert(s).replace('\r', "␍")
        }
        other => crate::text::inert(&other.to_string()),
    };
    // A negative number stays a number; a `+` leads a phone number (`+821012345678`), which
    // a spreadsheet read as a number and dropped the `+` of, so it is always prefixed.
    let text = match text.chars().next() {
        Some('=' | '+' | '@' | '\t' | '\r') => format!("'{text}"),
        Some('-') if !is_number(&text) => format!("'{text}"),
        _ => text,
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn is_number(text: &str) -> bool {
    text.parse::<f64>().is_ok()
}

/// The columns of `rows`: `type` first, then every other key in first-seen order (a record's
/// keys in the order it writes them).
pub fn columns(rows: &[Value]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in rows {
        if let Value::Object(map) = r {
            for k in map.keys() {
                if !out.contains(k) {
                    out.push(k.clone());
                }
            }
        }
    }
    if let Some(i) = out.iter().position(|c| c == "type") {
        let t = out.remove(i);
        out.insert(0, t);
    }
    out
}

/// One CSV line of `row` under `columns`.
pub fn csv_line(row: &Value, columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| csv_cell(row.get(c).unwrap_or(&Value::Null)))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What a terminal would act on is made inert; the rest, emoji and every script
    /// included, is kept as it is.
    #[test]
    fn cells_hold_nothing_a_terminal_obeys() {
        assert_eq!(
            csv_cell(&json!("comment 17 \u{1b}[31mred\u{7}")),
            "comment 17 ␛[31mred␇"
        );
        assert_eq!(
            csv_cell(&json!("gnp\u{202E}.exe \u{85}x")),
            "gnp<U+202E>.exe <U+0085>x"
        );
        assert_eq!(csv_cell(&json!("a\tb")), "a\tb");
        assert_eq!(csv_cell(&json!("CR\rovertyped\n")), "CR␍overtyped");
        assert_eq!(csv_cell(&json!("a line\r\n")), "a line");
        assert_eq!(csv_cell(&json!("안녕 👩‍💻 مرحبا")), "안녕 👩‍💻 مرحبا");
        assert_eq!(csv_cell(&json!("two\nlines")), "\"two\nlines\"");
    }

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_cell(&json!("plain")), "plain");
        assert_eq!(csv_cell(&json!("a,b")), "\"a,b\"");
        assert_eq!(
            csv_cell(&json!("say \"hi\"\nthen")),
            "\"say \"\"hi\"\"\nthen\""
        );
        assert_eq!(
            csv_cell(&json!("=HYPERLINK(\"x\")")),
            "\"'=HYPERLINK(\"\"x\"\")\""
        );
        assert_eq!(csv_cell(&json!("@sum")), "'@sum");
        assert_eq!(
            csv_cell(&json!("-12.5")),
            "-12.5",
            "a number stays a number"
        );
        assert_eq!(csv_cell(&json!(-3)), "-3");
        // A phone number keeps its `+` (a spreadsheet read `+821012345678` as a number).
        assert_eq!(csv_cell(&json!("+821012345678")), "'+821012345678");
        assert_eq!(csv_cell(&json!(null)), "");
        assert_eq!(csv_cell(&json!(true)), "true");
        assert_eq!(csv_cell(&json!(["a", 1])), "\"[\"\"a\"\",1]\"");
    }

    #[test]
    fn the_format_follows_the_file_name() {
        assert_eq!(ExportFormat::of("x.CSV").unwrap(), ExportFormat::Csv);
        assert_eq!(
            ExportFormat::of("x.jsonl").unwrap(),
            ExportFormat::JsonLines
        );
        assert!(
            ExportFormat::of("x.xlsx")
                .unwrap_err()
                .contains(".csv or .jsonl")
        );
    }

    #[test]
    fn columns_keep_first_seen_order() {
        let rows = vec![
            json!({"a": 1, "b": 2}),
            json!({"b": 3, "c": 4, "type": "x"}),
        ];
        assert_eq!(columns(&rows), ["type", "a", "b", "c"]);
        assert_eq!(csv_line(&rows[1], &columns(&rows)), "x,,3,4");
    }
}
