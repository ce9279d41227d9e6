//! The pane's prompts, typed in the one text input and drawn by the shell: a query (a window and
//! a filter pattern) and where to save lines.

use super::buffer::LogBuffer;
use super::{FeedSpec, LogsCommand, LogsPane, parse_query};
use crate::app::{Command, FieldView, FormKey, FormView, Ids, Outcome};
use crate::input::TextInput;
use backoffice_domain::model::FilterPattern;
use chrono::DateTime;

/// What a prompt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// A window and a filter pattern: `5m ERROR`, `1h`, `2026-11-25T10:00..2026-11-25T11:00`.
    Query,
    /// Where to save.
    Save,
}

/// Text typed into the pane's own prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: TextInput,
    /// Why the last enter was refused.
    pub problem: Option<String>,
    /// The window the prompt opened with (`15m`), which a window typed after it replaces.
    opened_with: Option<String>,
    /// The whole text it opened with (a window and the pattern in force).
    opened_text: String,
}

impl Prompt {
    pub fn query(text: &str) -> Self {
        Self {
            kind: PromptKind::Query,
            input: TextInput::new(text).with_max_chars(FilterPattern::MAX_LEN + 64),
            problem: None,
            opened_with: text.split_whitespace().next().map(str::to_string),
            opened_text: text.trim().to_string(),
        }
    }

    pub fn save(path: &str) -> Self {
        Self {
            kind: PromptKind::Save,
            input: TextInput::new(path),
            problem: None,
            opened_with: None,
            opened_text: String::new(),
        }
    }

    /// The query typed: where it holds two windows and the first is the one the prompt opened
    /// with, the one typed (`1h` after the written `15m ` was refused as two windows).
    fn query_text(&self) -> String {
        let text = self.input.text();
        let Some(first) = &self.opened_with else {
            return text;
        };
        // A window typed after the written window and pattern takes the window's place and
        // keeps the pattern (`15m ERROR` then `1h`: it joined the pattern, `ERROR 1h`).
        if let Some(typed) = text.trim_start().strip_prefix(self.opened_text.as_str())
            && typed.starts_with(' ')
            && let Some((_, pattern)) = self.opened_text.split_once(' ')
            && matches!(parse_query(typed.trim()), Ok((_, None)))
        {
            return format!("{} {}", typed.trim(), pattern.trim());
        }
        match (
            parse_query(&text),
            text.trim_start().strip_prefix(first.as_str()),
        ) {
            (Err(_), Some(rest)) if rest.starts_with(' ') && parse_query(rest.trim()).is_ok() => {
                rest.trim().to_string()
            }
            // A window meant after the written one and mistyped (`1h 13-40 01:00..02:00`) is
            // read alone, so that its own refusal is said: read with the written one, it was
            // searched for as a pattern over the last hour.
            (Ok(_), Some(rest))
                if rest.starts_with(' ')
                    && parse_query(rest.trim()).is_err_and(|e| e.contains("window")) =>
            {
                rest.trim().to_string()
            }
            _ => text,
        }
    }

    pub(super) fn view(&self) -> FormView<'_> {
        let (title, label, hint) = match self.kind {
            PromptKind::Query => (
                "Tail or query",
                "query",
                "live · 15m · 1h · 2d · 2026-11-25T10:00..2026-11-25T11:00, then a filter pattern · enter run · esc cancel",
            ),
            PromptKind::Save => ("Save lines", "save to", "enter writes · esc cancels"),
        };
        FormView {
            title: title.into(),
            body: Vec::new(),
            fields: vec![FieldView {
                label,
                input: &self.input,
                focused: true,
            }],
            problem: self.problem.as_deref(),
            hint: hint.into(),
            edge_to_edge: false,
        }
    }
}

/// `STEM.EXT`, or `STEM-2.EXT`, `STEM-3.EXT` … when that `exists` (a save is never written
/// over a file, so offering a name taken made `enter` fail at once).
fn unused_name(stem: &str, ext: &str, exists: impl Fn(&str) -> bool) -> String {
    let first = format!("{stem}.{ext}");
    if !exists(&first) {
        return first;
    }
    (2..100)
        .map(|n| format!("{stem}-{n}.{ext}"))
        .find(|name| !exists(name))
        .unwrap_or(first)
}

impl LogsPane {
    /// `backoffice-logs-<time>.log`, after the first line saved: the selection's first when
    /// one is made, else the view's.
    pub(super) fn default_save_path(&self) -> String {
        let (buffer, selected) = match &self.request {
            Some(r) => (&r.buffer, r.scroll.selected),
            None => (&self.buffer, self.scroll.selected),
        };
        let seq = self.anchor.map_or(buffer.first_seq(), |a| a.min(selected));
        let first = buffer.get(seq).map_or(0, |l| l.ts_ms);
        let at = DateTime::from_timestamp_millis(first).unwrap_or_default();
        let stem = format!("backoffice-logs-{}", at.format("%Y%m%d-%H%M%S"));
        unused_name(&stem, "log", |name| std::path::Path::new(name).exists())
    }

    /// `enter` or `esc` on the open prompt.
    pub(super) fn on_prompt_key(&mut self, key: FormKey, ids: &mut Ids) -> Outcome {
        let Some(mut prompt) = self.prompt.take() else {
            return Outcome::None;
        };
        let text = match prompt.kind {
            PromptKind::Query => prompt.query_text(),
            PromptKind::Save => prompt.input.text(),
        };
        match (key, prompt.kind) {
            (FormKey::Cancel, _) => Outcome::None,
            (FormKey::Submit, PromptKind::Query) => match parse_query(&text) {
                Ok((window, pattern)) => {
                    let spec = FeedSpec {
                        groups: self.chosen_groups(),
                        window,
                        pattern,
                    };
                    self.start(spec, ids)
                }
                Err(problem) => {
                    prompt.problem = Some(problem);
                    self.prompt = Some(prompt);
                    Outcome::None
                }
            },
            (FormKey::Submit, PromptKind::Save) => match self.save(text.trim(), ids) {
                Ok(outcome) => outcome,
                Err(problem) => {
                    prompt.problem = Some(problem);
                    self.prompt = Some(prompt);
                    Outcome::None
                }
            },
            (FormKey::Other(_), _) => {
                self.prompt = Some(prompt);
                Outcome::None
            }
        }
    }

    /// The lines a save writes: the range selection, else every line the view walks.
    fn save(&mut self, path: &str, ids: &mut Ids) -> Result<Outcome, String> {
        if path.is_empty() {
            return Err("type a file name to save to".into());
        }
        let anchor = self.anchor;
        let (buffer, seqs): (&LogBuffer, Vec<u64>) = match &self.request {
            Some(r) => {
                let all: Vec<u64> = (r.buffer.first_seq()..r.buffer.end_seq()).collect();
                (&r.buffer, select(all, anchor, r.scroll.selected))
            }
            None => {
                let selected = self.scroll.selected;
                let rows = self.rows();
                let all: Vec<u64> = (0..rows.len()).filter_map(|i| rows.at(i)).collect();
                (&self.buffer, select(all, anchor, selected))
            }
        };
        let mut text = String::new();
        let mut lines = 0;
        for l in seqs.iter().filter_map(|s| buffer.get(*s)) {
            let at = DateTime::from_timestamp_millis(l.ts_ms).unwrap_or_default();
            let at = at.format("%Y-%m-%dT%H:%M:%S%.3fZ");
            let message = escape_for_file(l.text);
            if l.kind.is_marker() {
                // Kept for where it stands (a gap, `live from here`), not counted as a line.
                text.push_str(&format!("{at}\t-\t-\t# {message}\n"));
            } else {
                text.push_str(&format!(
                    "{at}\t{}\t{}\t{message}\n",
                    escape_for_file(l.group),
                    escape_for_file(l.stream)
                ));
                lines += 1;
            }
        }
        if lines == 0 {
            return Ok(Outcome::Message("nothing to save".into()));
        }
        let request = ids.issue();
        // The selection stays until the operator clears it (esc): an esc meant for the
        // selection must not leave the viewer and stop a live tail.
        self.saving = Some((request, path.to_string()));
        Ok(Outcome::Commands(vec![Command::Logs(LogsCommand::Save {
            request,
            path: crate::paths::expand_home(path),
            text,
            lines,
        })]))
    }
}

/// A message as a saved file holds it: one record a line of four tab-separated fields, and
/// nothing a later `cat` would hand to the terminal as a command. A backslash is written `\\`,
/// a line break `\n`, a carriage return `\r`, a tab `\t`, another control character `\xNN`
/// (`\x1b` for the escape that starts a colour sequence), a direction override or isolate
/// `\u{202E}`; everything else as it came.
pub(super) fn escape_for_file(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if crate::text::is_hostile(c) => out.push_str(&format!("\\u{{{:04X}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The lines between `anchor` and `selected` (inclusive) when an anchor is set, else `all`.
fn select(all: Vec<u64>, anchor: Option<u64>, selected: u64) -> Vec<u64> {
    match anchor {
        Some(a) => {
            let (lo, hi) = (a.min(selected), a.max(selected));
            all.into_iter().filter(|s| (lo..=hi).contains(s)).collect()
        }
        None => all,
    }
}

/// The first eight characters of a request id.
pub fn short_id(id: &str) -> &str {
    match id.char_indices().nth(8) {
        Some((i, _)) => &id[..i],
        None => id,
    }
}

#[cfg(test)]
mod tests {
    use super::{escape_for_file, unused_name};

    /// A name taken in the folder is offered with a number (enter failed on it at once).
    #[test]
    fn a_taken_save_name_is_offered_with_a_number() {
        let taken = ["a.log", "a-2.log"];
        assert_eq!(unused_name("a", "log", |n| taken.contains(&n)), "a-3.log");
        assert_eq!(unused_name("b", "log", |n| taken.contains(&n)), "b.log");
    }

    /// A saved line keeps its four fields on one line and can be printed with `cat`: nothing
    /// in it drives the terminal, and a backslash in the message stays told apart from `\n`.
    #[test]
    fn a_saved_message_is_one_line_and_drives_no_terminal() {
        assert_eq!(
            escape_for_file("a\tb\nc\rd \u{1b}[31mred\u{7} \u{202e}gnp.exe C:\\new"),
            "a\\tb\\nc\\rd \\x1b[31mred\\x07 \\u{202E}gnp.exe C:\\\\new"
        );
        assert_eq!(escape_for_file("مرحبا 🎉 plain"), "مرحبا 🎉 plain");
    }
}
