//! The Insights pane (`:insights`): a Logs Insights query over picked log groups and a time
//! range, run server-side (StartQuery, polled until complete, StopQuery on `esc`), its result as
//! a table sorted by any column, a chart when the result has a `bin()` column, the whole record
//! behind a row, the request's lines in the Logs pane, saved queries (the account's and the
//! built-in on-call ones) and a per-environment history of what was run.

use super::dialog::{self, Proposal};
use super::list::{moved, movement};
use super::{AppEvent, Command, Failure, FieldView, FormKey, FormView, Handled, Ids, Outcome};
use super::{Pane, Problem, RequestId};
use crate::history::{History, Recall};
use crate::input::TextInput;
use crate::keymap::Action;
use crate::ops::Operation;
use crate::ui::Look;
use backoffice_domain::model::{
    InsightsQuery, LogGroupName, MAX_QUERY_GROUPS, MAX_QUERY_LEN, QueryDefinition, QueryId,
    QueryResults, QueryStats, QueryStatus, ResultField, ResultRow, TimeWindow, field_of,
    parse_range,
};
use backoffice_domain::services::oncall;
use backoffice_domain::services::user360::Who;
use crossterm::event::{KeyCode, KeyModifiers};
use std::cmp::Ordering;

/// The query a fresh pane offers.
pub const DEFAULT_QUERY: &str =
    "fields @timestamp, @log, @message\n| sort @timestamp desc\n| limit 200";
/// The range a fresh pane offers.
pub const DEFAULT_RANGE: &str = "1h";
/// What a failed query is called on the status bar.
const INSIGHTS_QUERY: &str = "Insights query";

/// What the pane asks of the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsightsCommand {
    /// Resolves the groups (names, or prefixes ending in `*`), starts the query and polls it
    /// until it is final, sending each poll's answer.
    Run {
        request: RequestId,
        groups: Vec<String>,
        window: TimeWindow,
        text: String,
    },
    /// Cancels a running query.
    Stop { query: QueryId },
    /// The whole record behind a row's `@ptr`.
    Record { request: RequestId, pointer: String },
    /// The account's saved queries.
    LoadSaved { request: RequestId },
}

/// What comes back.
#[derive(Debug, Clone)]
pub enum InsightsEvent {
    /// The query was accepted: its id and the groups it runs over.
    Started {
        request: RequestId,
        query: QueryId,
        groups: Vec<LogGroupName>,
        /// Groups named that are not there, left out of the query (one mistyped in the
        /// settings failed every default query).
        left_out: Vec<String>,
    },
    /// A poll's answer; the last one has a final status.
    Progress {
        request: RequestId,
        results: QueryResults,
    },
    Failed {
        request: RequestId,
        failure: Failure,
    },
    Record {
        request: RequestId,
        result: Result<Vec<ResultField>, Failure>,
    },
    Saved {
        request: RequestId,
        result: Result<Vec<QueryDefinition>, Failure>,
    },
    /// A StopQuery's answer.
    Stopped { failure: Option<Failure> },
}

/// Which screen the pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Screen {
    #[default]
    Results,
    Saved,
    Record,
}

/// Where a run stands.
#[derive(Debug, Clone, PartialEq)]
pub enum RunState {
    /// Asked for; no query id yet.
    Starting,
    /// Started; the last poll's status.
    Polling(QueryStatus),
    /// Cancel asked for; waiting for the last poll.
    Stopping,
    Done(QueryStatus),
    Failed(String),
}

/// One run of a query and its result.
#[derive(Debug, Clone)]
pub struct Run {
    pub request: RequestId,
    pub query: Option<QueryId>,
    pub state: RunState,
    pub stats: QueryStats,
    pub text: String,
    pub window: TimeWindow,
    pub groups: Vec<String>,
    /// Groups named that are not there, left out of the query.
    pub left_out: Vec<String>,
    pub columns: Vec<String>,
    pub rows: Vec<ResultRow>,
    /// Sorted by this column (its index in `columns`), descending when true.
    pub sort: Option<(usize, bool)>,
    /// The sorted column's name: polls may bring new columns, which move the index.
    pub sort_name: Option<String>,
    pub selected: usize,
    pub offset: usize,
    pub viewport: usize,
    /// The pane's inner line the table's header was drawn on (for clicks).
    pub header_line: usize,
    /// Each column's widest cell among all the rows, header and sort mark included, measured
    /// once per result by the renderer (empty until then): the columns hold still as rows
    /// scroll and as `S` sorts (sized by the rows on screen, they shifted with both).
    pub widest: Vec<u16>,
    /// Whether each column holds only numbers (or nothing), measured with `widest`.
    pub numbers: Vec<bool>,
    /// The rows as the query ordered them: `S` round to no sort puts them back (they stayed
    /// in the last sort's order), and the chart draws its series from them (they moved with
    /// each sort).
    pub query_order: Vec<ResultRow>,
    /// The columns the last frame drew, by index, kept by the renderer: `S` sorts by those
    /// (it sorted by a bin left out for want of room).
    pub drawn: Vec<usize>,
}

impl Run {
    pub fn is_running(&self) -> bool {
        matches!(
            self.state,
            RunState::Starting | RunState::Polling(_) | RunState::Stopping
        )
    }

    pub fn selected_row(&self) -> Option<&ResultRow> {
        self.rows.get(self.selected)
    }

    fn apply_sort(&mut self) {
        let Some((_, desc)) = self.sort else {
            return;
        };
        let Some(name) = self.sort_name.clone() else {
            return;
        };
        // The column keeps its name across polls; its index follows it.
        match self.columns.iter().position(|c| *c == name) {
            Some(col) => self.sort = Some((col, desc)),
            None => {
                self.sort = None;
                self.sort_name = None;
                return;
            }
        }
        self.rows.sort_by(|a, b| {
            let o = compare_cells(field_of(a, &name), field_of(b, &name));
            if desc { o.reverse() } else { o }
        });
    }
}

/// A cell as sorting ranks it: a finite number, else text.
fn as_number(cell: &str) -> Option<f64> {
    cell.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A total order on cells: numbers (as numbers) before text (as text), an empty cell last.
pub fn compare_cells(a: Option<&str>, b: Option<&str>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) => match (as_number(a), as_number(b)) {
            (Some(x), Some(y)) => x.total_cmp(&y).then_with(|| a.cmp(b)),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => a.cmp(b),
        },
    }
}

/// The saved queries screen: the built-in ones first, then the account's.
#[derive(Debug, Clone, Default)]
pub struct Saved {
    pub items: Vec<QueryDefinition>,
    pub selected: usize,
    pub offset: usize,
    pub viewport: usize,
    pub request: Option<RequestId>,
    pub failed: Option<String>,
}

/// The whole record behind a row.
#[derive(Debug, Clone, Default)]
pub struct RecordView {
    pub request: Option<RequestId>,
    pub lines: Vec<String>,
    pub failed: Option<String>,
    pub scroll: usize,
    /// The rows the record was drawn in last (half of them is a half page).
    pub shown: usize,
}

/// The editor: range, groups and the query text.
#[derive(Debug, Clone)]
pub struct Editor {
    pub range: TextInput,
    pub groups: TextInput,
    pub query: TextInput,
    /// 0 range, 1 groups, 2 query.
    pub focus: usize,
    pub problem: Option<String>,
    /// Where ↑ / ↓ stand in the history.
    pub recall: Recall,
}

/// A name for the query being saved.
#[derive(Debug, Clone)]
pub struct NameForm {
    pub name: TextInput,
    pub problem: Option<String>,
}

#[derive(Debug, Default)]
pub struct InsightsPane {
    pub screen: Screen,
    pub range_text: String,
    pub groups_text: String,
    pub query_text: String,
    pub editor: Option<Editor>,
    pub naming: Option<NameForm>,
    pub run: Option<Run>,
    /// The run shown before the one starting, put back if the new one is refused before it
    /// starts (a group prefix that matches nothing).
    previous: Option<Run>,
    pub saved: Saved,
    pub record: RecordView,
    /// Queries run in this environment, newest last (the loop writes it when it changed).
    pub history: History,
    pub read_only: bool,
    opened: bool,
}

/// How a view `:save` kept in this pane begins (a query, its groups and range, as JSON).
const QUERY_VIEW: &str = "query:";

/// Reads the groups field: names, or prefixes ending in `*`, separated by spaces or commas.
pub fn parse_groups(text: &str) -> Result<Vec<String>, Problem> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split([' ', ',', '\n', '\t']).filter(|w| !w.is_empty()) {
        let name = word.strip_suffix('*').unwrap_or(word);
        if name.is_empty() {
            return Err(Problem(
                "'*' alone names every group of the account: write a prefix before it (/aws/lambda/*)"
                    .into(),
            ));
        }
        LogGroupName::parse(name).map_err(|e| Problem(format!("'{word}': {}", e.message)))?;
        if !out.iter().any(|w| w == word) {
            out.push(word.to_string());
        }
    }
    if out.is_empty() {
        return Err(Problem(
            "name a log group, or a prefix ending in * (/aws/lambda/*)".into(),
        ));
    }
    if out.len() > MAX_QUERY_GROUPS {
        return Err(Problem(format!(
            "{} groups named; a query takes at most {MAX_QUERY_GROUPS}",
            out.len()
        )));
    }
    Ok(out)
}

impl InsightsPane {
    /// A pane offering the environment's groups (or every Lambda group when it names none).
    pub fn set_default_groups(&mut self, groups: &[LogGroupName]) {
        self.groups_text = if groups.is_empty() {
            "/aws/lambda/*".to_string()
        } else {
            groups
                .iter()
                .map(LogGroupName::as_str)
                .collect::<Vec<_>>()
                .join(" ")
        };
    }

    fn ensure_defaults(&mut self) {
        if self.range_text.is_empty() {
            self.range_text = DEFAULT_RANGE.to_string();
        }
        if self.query_text.is_empty() {
            self.query_text = DEFAULT_QUERY.to_string();
        }
        if self.groups_text.is_empty() {
            self.groups_text = "/aws/lambda/*".to_string();
        }
    }

    /// Opens the editor on the current query.
    pub fn edit(&mut self) {
        self.ensure_defaults();
        self.editor = Some(Editor {
            range: TextInput::new(&self.range_text),
            groups: TextInput::new(&self.groups_text),
            query: TextInput::multiline(&self.query_text).with_max_chars(MAX_QUERY_LEN),
            focus: 2,
            problem: None,
            recall: Recall::default(),
        });
    }

    /// Runs `text` over `groups` (or the current groups) in `range` (or the current range):
    /// what the Metrics pane's jump and a saved query use.
    pub fn run_prepared(
        &mut self,
        text: &str,
        groups: Option<String>,
        range: Option<String>,
        ids: &mut Ids,
    ) -> Outcome {
        self.ensure_defaults();
        self.query_text = text.to_string();
        if let Some(g) = groups {
            self.groups_text = g;
        }
        if let Some(r) = range {
            self.range_text = r;
        }
        self.screen = Screen::Results;
        match self.start(ids) {
            Ok(o) => {
                // A jump or a saved query runs at once: keys go to its result, not an editor.
                self.editor = None;
                o
            }
            Err(p) => {
                self.edit();
                if let Some(e) = &mut self.editor {
                    e.problem = Some(p.0);
                }
                Outcome::None
            }
        }
    }

    /// Starts the current query; the running one, if any, is cancelled first.
    fn start(&mut self, ids: &mut Ids) -> Result<Outcome, Problem> {
        if self.query_text.contains(oncall::REQUEST_ID_PLACEHOLDER) {
            return Err(Problem(format!(
                "replace {} with the request id first",
                oncall::REQUEST_ID_PLACEHOLDER
            )));
        }
        let window = parse_range(&self.range_text, chrono::Utc::now()).map_err(Problem::from)?;
        let groups = parse_groups(&self.groups_text)?;
        // The groups are resolved by the runtime; a name stands for itself here.
        let probe: Vec<LogGroupName> = groups
            .iter()
            .filter_map(|g| LogGroupName::parse(g.trim_end_matches('*')).ok())
            .collect();
        InsightsQuery::new(probe, window, self.query_text.clone()).map_err(Problem::from)?;
        let mut commands = self.stop_running();
        let request = ids.issue();
        self.history.remember(&self.query_text);
        self.previous = self.run.take();
        self.run = Some(Run {
            request,
            query: None,
            state: RunState::Starting,
            stats: QueryStats::default(),
            text: self.query_text.clone(),
            window,
            groups: groups.clone(),
            left_out: Vec::new(),
            columns: Vec::new(),
            rows: Vec::new(),
            sort: None,
            sort_name: None,
            selected: 0,
            offset: 0,
            viewport: 10,
            header_line: 0,
            widest: Vec::new(),
            numbers: Vec::new(),
            query_order: Vec::new(),
            drawn: Vec::new(),
        });
        self.screen = Screen::Results;
        commands.push(Command::Insights(InsightsCommand::Run {
            request,
            groups,
            window,
            text: self.query_text.clone(),
        }));
        Ok(Outcome::Commands(commands))
    }

    /// StopQuery for the running query, if one is.
    fn stop_running(&mut self) -> Vec<Command> {
        let Some(run) = &mut self.run else {
            return Vec::new();
        };
        if !run.is_running() {
            return Vec::new();
        }
        run.state = RunState::Stopping;
        match run.query.clone() {
            Some(query) => vec![Command::Insights(InsightsCommand::Stop { query })],
            // Not started yet: the answer to its start is dropped when it comes.
            None => {
                run.state = RunState::Done(QueryStatus::Cancelled);
                Vec::new()
            }
        }
    }

    /// What the loop should do when the pane goes away (quit, another environment): cancel.
    pub fn on_close(&mut self) -> Vec<Command> {
        self.stop_running()
    }

    fn load_saved(&mut self, ids: &mut Ids) -> Vec<Command> {
        let request = ids.issue();
        self.saved.request = Some(request);
        self.saved.failed = None;
        vec![Command::Insights(InsightsCommand::LoadSaved { request })]
    }

    fn open_record(&mut self, ids: &mut Ids) -> Outcome {
        let Some(row) = self.run.as_ref().and_then(Run::selected_row) else {
            return Outcome::None;
        };
        let Some(pointer) = field_of(row, "@ptr") else {
            return Outcome::Message(
                "this row is an aggregate: it has no record to open (stats rows have none)".into(),
            );
        };
        let request = ids.issue();
        self.record = RecordView {
            request: Some(request),
            lines: row_lines(row),
            failed: None,
            scroll: 0,
            shown: 0,
        };
        self.screen = Screen::Record;
        Outcome::Commands(vec![Command::Insights(InsightsCommand::Record {
            request,
            pointer: pointer.to_string(),
        })])
    }

    /// The selected row's request, for the Logs pane's request view.
    fn request_of_row(&self) -> Outcome {
        let Some(run) = &self.run else {
            return Outcome::None;
        };
        let Some(row) = run.selected_row() else {
            return Outcome::None;
        };
        let at = field_of(row, "@timestamp").and_then(parse_result_time);
        let own: Option<LogGroupName> = field_of(row, "@log")
            .and_then(|log| LogGroupName::parse(log.split_once(':').map_or(log, |(_, g)| g)).ok());
        // The request is looked for in the row's group first, then in the query's other
        // groups (a request logs in more than one: `r` on one group's row showed that group's
        // line alone). A prefix (`/aws/lambda/*`) names no group to read.
        let mut groups: Vec<LogGroupName> = own.iter().cloned().collect();
        for g in run
            .groups
            .iter()
            .filter(|g| !g.ends_with('*'))
            .filter_map(|g| LogGroupName::parse(g).ok())
        {
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
        groups.truncate(backoffice_domain::model::TailRequest::MAX_GROUPS);
        if groups.is_empty() {
            return Outcome::Message("the row's log group is not known: add @log to fields".into());
        }
        let Some(id) = request_id_of(row) else {
            // A line without an id (a panic): its stream says which request it was in, read
            // back from its time, where the row names its stream, time and group.
            let only = own.or_else(|| match groups.as_slice() {
                [one] => Some(one.clone()),
                _ => None,
            });
            return match (field_of(row, "@logStream"), at, only) {
                (Some(stream), Some(at), Some(group)) => Outcome::FindRequest {
                    line: backoffice_domain::model::LogEvent {
                        group: group.to_string(),
                        stream: stream.to_string(),
                        timestamp: at,
                        ingested_at: None,
                        message: field_of(row, "@message").unwrap_or_default().to_string(),
                        event_id: String::new(),
                    },
                    groups: vec![group],
                },
                _ => Outcome::Message(
                    "this row names no request id (with @timestamp, @logStream and @log in its fields, r finds the request its stream was running)"
                        .into(),
                ),
            };
        };
        // The row's own line is the one selected among the request's (it was the first).
        let line = match (at, field_of(row, "@message"), groups.first()) {
            (Some(at), Some(message), Some(group)) => Some(backoffice_domain::model::LogEvent {
                group: group.to_string(),
                stream: field_of(row, "@logStream").unwrap_or_default().to_string(),
                timestamp: at,
                ingested_at: None,
                message: message.to_string(),
                event_id: String::new(),
            }),
            _ => None,
        };
        Outcome::GoToRequest {
            id,
            groups,
            at: at.unwrap_or(run.window.end),
            line,
        }
    }

    fn propose_save(&mut self) -> Outcome {
        if self.read_only {
            return Outcome::Message(
                "read-only session, so nothing was changed: saving a query".into(),
            );
        }
        self.naming = Some(NameForm {
            name: TextInput::new(""),
            problem: None,
        });
        Outcome::None
    }

    fn propose_delete(&self) -> Outcome {
        let Some(d) = self.saved.items.get(self.saved.selected) else {
            return Outcome::None;
        };
        let Some(id) = d.id.clone() else {
            return Outcome::Message(
                "a built-in query is part of the console; it cannot be deleted".into(),
            );
        };
        Outcome::Propose(Proposal {
            title: format!("Delete the saved query {}", d.name),
            verb: "delete a saved query".into(),
            changes: vec![
                format!("deletes the query definition {}", d.name),
                "for everyone in this account and region".into(),
            ],
            form: dialog::Form::Ready(Operation::DeleteQuery {
                id,
                name: d.name.clone(),
            }),
            type_to_confirm: None,
            after: Vec::new(),
            reasons: dialog::QUERY_REASONS,
        })
    }

    fn on_results_action(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        let Some(run) = &mut self.run else {
            return match action {
                Action::Enter => {
                    self.edit();
                    Outcome::None
                }
                _ => Outcome::None,
            };
        };
        let delta = match action {
            Action::Enter => return self.open_record(ids),
            Action::RequestLines => return self.request_of_row(),
            Action::SortObjects => {
                let n = run.columns.len();
                if n == 0 {
                    return Outcome::None;
                }
                let mut drawn: Vec<usize> = run.drawn.iter().copied().filter(|c| *c < n).collect();
                if drawn.is_empty() {
                    drawn = (0..n).collect();
                }
                run.sort = match run.sort {
                    None => Some((drawn[0], false)),
                    Some((c, false)) => Some((c, true)),
                    Some((c, true)) => drawn.iter().find(|d| **d > c).map(|d| (*d, false)),
                };
                run.sort_name = run.sort.and_then(|(c, _)| run.columns.get(c).cloned());
                run.apply_sort();
                return match run.sort {
                    Some((c, desc)) => Outcome::Message(format!(
                        "sorted the {} loaded rows by {} {}",
                        run.rows.len(),
                        run.columns[c],
                        if desc { "descending" } else { "ascending" }
                    )),
                    None => {
                        run.rows.clone_from(&run.query_order);
                        Outcome::Message(super::INSIGHTS_UNSORTED.into())
                    }
                };
            }
            Action::Back if run.is_running() => return self.stop_running().into(),
            other => match movement(other, run.viewport) {
                Some(d) => d,
                None => return Outcome::None,
            },
        };
        run.selected = moved(run.selected, delta, run.rows.len());
        Outcome::None
    }

    fn on_saved_action(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        let s = &mut self.saved;
        let delta = match action {
            Action::Enter => {
                let Some(d) = s.items.get(s.selected).cloned() else {
                    return Outcome::None;
                };
                let groups = (!d.groups.is_empty()).then(|| {
                    d.groups
                        .iter()
                        .map(LogGroupName::as_str)
                        .collect::<Vec<_>>()
                        .join(" ")
                });
                if d.text.contains(oncall::REQUEST_ID_PLACEHOLDER) {
                    // The one-request query needs its id: the editor opens on it.
                    self.query_text = d.text;
                    if let Some(g) = groups {
                        self.groups_text = g;
                    }
                    self.screen = Screen::Results;
                    self.edit();
                    if let Some(e) = &mut self.editor {
                        e.query.jump_to(oncall::REQUEST_ID_PLACEHOLDER);
                    }
                    return Outcome::Message(format!(
                        "replace {} with the request id, then alt-enter runs it",
                        oncall::REQUEST_ID_PLACEHOLDER
                    ));
                }
                return self.run_prepared(&d.text, groups, None, ids);
            }
            Action::DeleteObject => return self.propose_delete(),
            Action::Reload => return self.load_saved(ids).into(),
            Action::Back | Action::NextView => {
                self.screen = Screen::Results;
                return Outcome::None;
            }
            other => match movement(other, s.viewport) {
                Some(d) => d,
                None => return Outcome::None,
            },
        };
        s.selected = moved(s.selected, delta, s.items.len());
        Outcome::None
    }

    fn on_record_action(&mut self, action: Action) -> Outcome {
        // The record is the selected row's: `r` opens its request as on the table.
        if action == Action::RequestLines {
            return self.request_of_row();
        }
        let r = &mut self.record;
        let page = isize::try_from(r.shown.max(2)).unwrap_or(10);
        let delta: isize = match action {
            Action::Down => 1,
            Action::Up => -1,
            Action::HalfPageDown => page / 2,
            Action::HalfPageUp => -page / 2,
            Action::PageDown => page,
            Action::PageUp => -page,
            Action::Top => isize::MIN / 2,
            Action::Bottom => isize::MAX / 2,
            Action::Back | Action::Enter => {
                self.screen = Screen::Results;
                return Outcome::None;
            }
            _ => return Outcome::None,
        };
        // Kept within the rows by the drawing (it knows how the lines wrap).
        r.scroll = r.scroll.saturating_add_signed(delta);
        Outcome::None
    }

    fn on_editor_key(&mut self, key: FormKey, ids: &mut Ids) -> Outcome {
        let Some(editor) = &mut self.editor else {
            return Outcome::None;
        };
        match key {
            FormKey::Cancel => {
                self.editor = None;
                Outcome::None
            }
            FormKey::Submit => self.submit_editor(ids),
            FormKey::Other(k) => {
                let run = matches!(k.code, KeyCode::Enter)
                    || (k.code == KeyCode::Char('r')
                        && k.modifiers.contains(KeyModifiers::CONTROL));
                if run {
                    return self.submit_editor(ids);
                }
                match k.code {
                    KeyCode::Tab => editor.focus = (editor.focus + 1) % 3,
                    KeyCode::BackTab => editor.focus = (editor.focus + 2) % 3,
                    KeyCode::Up if editor.focus == 2 => {
                        editor.recall.step(&self.history, &mut editor.query, true)
                    }
                    KeyCode::Down if editor.focus == 2 => {
                        editor.recall.step(&self.history, &mut editor.query, false)
                    }
                    _ => {}
                }
                Outcome::None
            }
        }
    }

    fn submit_editor(&mut self, ids: &mut Ids) -> Outcome {
        let Some(editor) = &mut self.editor else {
            return Outcome::None;
        };
        // A refused submit puts the cursor where the mistake is.
        if parse_range(&editor.range.text(), chrono::Utc::now()).is_err() {
            editor.focus = 0;
        } else if parse_groups(&editor.groups.text()).is_err() {
            editor.focus = 1;
        }
        let (range, groups, text) = (
            editor.range.text(),
            editor.groups.text(),
            editor.query.text(),
        );
        let before = (
            std::mem::replace(&mut self.range_text, range.trim().to_string()),
            std::mem::replace(&mut self.groups_text, groups.trim().to_string()),
            std::mem::replace(&mut self.query_text, text),
        );
        match self.start(ids) {
            Ok(o) => {
                self.editor = None;
                o
            }
            Err(p) => {
                (self.range_text, self.groups_text, self.query_text) = before;
                if let Some(e) = &mut self.editor {
                    e.problem = Some(p.0);
                }
                Outcome::None
            }
        }
    }

    fn on_naming_key(&mut self, key: FormKey) -> Outcome {
        let Some(form) = &mut self.naming else {
            return Outcome::None;
        };
        match key {
            FormKey::Cancel => {
                self.naming = None;
                Outcome::None
            }
            FormKey::Submit => {
                let name = form.name.text().trim().to_string();
                if name.is_empty() || name.chars().count() > 255 {
                    form.problem = Some("a name of 1 to 255 characters".into());
                    return Outcome::None;
                }
                if name.chars().any(char::is_control) {
                    form.problem = Some("a name cannot hold control characters".into());
                    return Outcome::None;
                }
                self.naming = None;
                let groups: Vec<LogGroupName> = parse_groups(&self.groups_text)
                    .unwrap_or_default()
                    .iter()
                    .filter(|g| !g.ends_with('*'))
                    .filter_map(|g| LogGroupName::parse(g).ok())
                    .collect();
                // Saving under an existing name replaces that definition, as the AWS console does.
                let id = self
                    .saved
                    .items
                    .iter()
                    .find(|d| !d.builtin && d.name == name)
                    .and_then(|d| d.id.clone());
                let replaces = id.is_some();
                let definition = QueryDefinition {
                    id,
                    name: name.clone(),
                    text: self.query_text.clone(),
                    groups,
                    builtin: false,
                };
                let mut changes = vec![if replaces {
                    format!("replaces the saved query {name}")
                } else {
                    format!("saves a new query definition {name}")
                }];
                changes.extend(
                    self.query_text
                        .lines()
                        .take(6)
                        .map(|l| format!("  {}", crate::text::one_line(l))),
                );
                Outcome::Propose(Proposal {
                    title: format!("Save the query as {name}"),
                    verb: "save a query".into(),
                    changes,
                    form: dialog::Form::Ready(Operation::SaveQuery(Box::new(definition))),
                    type_to_confirm: None,
                    after: Vec::new(),
                    reasons: dialog::QUERY_REASONS,
                })
            }
            FormKey::Other(_) => Outcome::None,
        }
    }

    fn handle_event(&mut self, event: InsightsEvent) -> Handled {
        match event {
            InsightsEvent::Started {
                request,
                query,
                groups,
                left_out,
            } => {
                let Some(run) = self.run.as_mut().filter(|r| r.request == request) else {
                    // An abandoned run: cancel what was started for it.
                    return (
                        Outcome::Commands(vec![Command::Insights(InsightsCommand::Stop { query })]),
                        None,
                    );
                };
                run.groups = groups.iter().map(|g| g.as_str().to_string()).collect();
                run.left_out = left_out;
                self.previous = None;
                let stopping = run.state == RunState::Stopping
                    || run.state == RunState::Done(QueryStatus::Cancelled);
                run.query = Some(query.clone());
                if stopping {
                    run.state = RunState::Stopping;
                    return (
                        Outcome::Commands(vec![Command::Insights(InsightsCommand::Stop { query })]),
                        None,
                    );
                }
                run.state = RunState::Polling(QueryStatus::Scheduled);
                (Outcome::None, None)
            }
            InsightsEvent::Progress { request, results } => {
                let Some(run) = self.run.as_mut().filter(|r| r.request == request) else {
                    return (Outcome::None, None);
                };
                // Cancelled by the operator: what the query still sends (a StopQuery that did
                // not take, or came after its last poll) does not bring it back as complete
                // under a title that had said cancelled.
                // Its own cancelled answer, with the rows found so far, is taken as usual.
                let cancelled = run.state == RunState::Done(QueryStatus::Cancelled);
                let stopping = run.state == RunState::Stopping;
                if cancelled || stopping && results.status != QueryStatus::Cancelled {
                    if results.status.is_final() {
                        run.state = RunState::Done(QueryStatus::Cancelled);
                    }
                    return (Outcome::None, None);
                }
                run.stats = results.stats;
                run.columns = results.columns();
                run.query_order.clone_from(&results.rows);
                run.rows = results.rows;
                run.widest.clear();
                run.selected = run.selected.min(run.rows.len().saturating_sub(1));
                run.apply_sort();
                run.state = if results.status.is_final() {
                    RunState::Done(results.status)
                } else if run.state == RunState::Stopping {
                    RunState::Stopping
                } else {
                    RunState::Polling(results.status)
                };
                // A query that ran: an earlier one's failure on the status bar no longer
                // says how things stand.
                if run.state == RunState::Done(QueryStatus::Complete) {
                    return (
                        Outcome::Settled {
                            message: String::new(),
                            what: INSIGHTS_QUERY,
                        },
                        None,
                    );
                }
                (Outcome::None, None)
            }
            InsightsEvent::Failed { request, failure } => {
                let Some(run) = self.run.as_mut().filter(|r| r.request == request) else {
                    return (Outcome::None, None);
                };
                // Groups the runtime could not resolve (a prefix that matches nothing, one
                // that brings too many) are a mistake in the editor, like a bad range: it
                // opens again with the problem under its fields, over the results shown
                // before.
                if run.query.is_none() && failure.message.starts_with("invalid groups:") {
                    self.run = self.previous.take();
                    self.edit();
                    if let Some(e) = &mut self.editor {
                        e.focus = 1;
                        e.problem = Some(failure.message);
                    }
                    return (Outcome::None, None);
                }
                run.state = RunState::Failed(failure.message.clone());
                (Outcome::None, Some((INSIGHTS_QUERY.into(), failure)))
            }
            InsightsEvent::Stopped { failure } => (
                Outcome::None,
                failure.map(|f| ("stopping the query".to_string(), f)),
            ),
            InsightsEvent::Record { request, result } => {
                if self.record.request != Some(request) {
                    return (Outcome::None, None);
                }
                self.record.request = None;
                match result {
                    Ok(fields) => {
                        self.record.lines = row_lines(&fields);
                        (Outcome::None, None)
                    }
                    Err(f) => {
                        self.record.failed = Some(f.message.clone());
                        (Outcome::None, Some(("log record".into(), f)))
                    }
                }
            }
            InsightsEvent::Saved { request, result } => {
                if self.saved.request != Some(request) {
                    return (Outcome::None, None);
                }
                self.saved.request = None;
                let mut items = oncall::builtin_queries();
                match result {
                    Ok(mut account) => {
                        account.sort_by(|a, b| a.name.cmp(&b.name));
                        items.extend(account);
                        self.saved.items = items;
                        self.saved.selected = self
                            .saved
                            .selected
                            .min(self.saved.items.len().saturating_sub(1));
                        (Outcome::None, None)
                    }
                    Err(f) => {
                        // The built-in ones still run.
                        self.saved.items = items;
                        self.saved.failed = Some(f.message.clone());
                        (Outcome::None, Some(("saved queries".into(), f)))
                    }
                }
            }
        }
    }
}

/// The request a result row belongs to: its `@requestId` or `requestId` field, or the id in
/// its message.
pub fn request_id_of(row: &[ResultField]) -> Option<String> {
    ["@requestId", "requestId", "request_id"]
        .iter()
        .find_map(|f| field_of(row, f))
        .map(str::to_string)
        .or_else(|| {
            field_of(row, "@message")
                .and_then(|m| backoffice_domain::services::log_analysis::classify(m).request_id)
        })
}

/// A result time as CloudWatch writes it (`2026-12-03 10:05:00.123`, UTC).
pub fn parse_result_time(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc())
        .or_else(|| backoffice_domain::model::parse_instant(text))
        // Epoch milliseconds, as emulators answer.
        .or_else(|| {
            text.parse::<i64>()
                .ok()
                .and_then(chrono::DateTime::from_timestamp_millis)
        })
}

/// A record's fields as lines, a JSON message pretty-printed under its field.
pub fn row_lines(fields: &[ResultField]) -> Vec<String> {
    let mut lines = Vec::new();
    for f in fields {
        let value = f.value.trim();
        let json = (value.starts_with('{') || value.starts_with('['))
            .then(|| serde_json::from_str::<serde_json::Value>(value).ok())
            .flatten()
            .and_then(|v| serde_json::to_string_pretty(&v).ok());
        match json {
            Some(pretty) => {
                lines.push(format!("{}:", f.field));
                lines.extend(pretty.lines().map(|l| format!("  {l}")));
            }
            None => {
                let mut parts = f.value.split('\n');
                lines.push(format!("{}: {}", f.field, parts.next().unwrap_or_default()));
                lines.extend(parts.map(|l| format!("  {l}")));
            }
        }
    }
    lines
}

impl Pane for InsightsPane {
    /// A query starting or running on the results screen: `esc` cancels it.
    fn esc_stops_work(&self) -> bool {
        self.screen == Screen::Results
            && self.editor.is_none()
            && self.run.as_ref().is_some_and(Run::is_running)
    }

    fn open(&mut self, ids: &mut Ids) -> Vec<Command> {
        self.ensure_defaults();
        if self.opened {
            return Vec::new();
        }
        self.opened = true;
        self.saved.items = oncall::builtin_queries();
        // The editor waits for `f`: tabbing through the panes must not land in a text field.
        self.load_saved(ids)
    }

    fn refresh(&mut self, ids: &mut Ids) -> Vec<Command> {
        self.load_saved(ids)
    }

    fn on_action(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        match action {
            Action::LogQuery => {
                self.edit();
                return Outcome::None;
            }
            Action::SaveLogs => return self.propose_save(),
            Action::NextView if self.screen != Screen::Saved => {
                self.screen = Screen::Saved;
                return Outcome::None;
            }
            Action::Reload if self.screen == Screen::Results => {
                return match self.start(ids) {
                    Ok(o) => o,
                    Err(p) => Outcome::Message(p.0),
                };
            }
            _ => {}
        }
        match self.screen {
            Screen::Results => self.on_results_action(action, ids),
            Screen::Saved => self.on_saved_action(action, ids),
            Screen::Record => self.on_record_action(action),
        }
    }

    fn on_event(&mut self, event: AppEvent, _ids: &mut Ids) -> Handled {
        match event {
            AppEvent::Insights(e) => self.handle_event(e),
            _ => (Outcome::None, None),
        }
    }

    fn click(&mut self, row: usize, _column: u16, _ids: &mut Ids) -> Outcome {
        match self.screen {
            Screen::Results => {
                let Some(run) = &mut self.run else {
                    return Outcome::None;
                };
                if let Some(i) = row.checked_sub(run.header_line + 1) {
                    let at = run.offset + i;
                    if at < run.rows.len() {
                        run.selected = at;
                    }
                }
                Outcome::None
            }
            Screen::Saved => {
                if let Some(i) = row.checked_sub(1) {
                    let at = self.saved.offset + i;
                    if at < self.saved.items.len() {
                        self.saved.selected = at;
                    }
                }
                Outcome::None
            }
            Screen::Record => Outcome::None,
        }
    }

    fn filter_text(&self) -> &str {
        ""
    }

    fn filter_hint(&self) -> &'static str {
        "f writes the query; / is not used here"
    }

    /// `/` is refused at once (it opened a prompt that took text, then refused it).
    fn filters(&self) -> bool {
        false
    }

    fn set_filter(&mut self, _text: &str, _ids: &mut Ids) -> Result<Vec<Command>, Problem> {
        Err(Problem(
            "the Insights pane filters in its query: f opens it (filter @message like /text/)"
                .into(),
        ))
    }

    /// The query in the editor with its groups and range, as `:save` keeps it (it kept
    /// nothing, and pointed to a `/` this pane refuses); `:view` runs it again.
    fn saved_view(&self) -> String {
        if self.query_text.trim().is_empty() {
            return String::new();
        }
        let view = serde_json::json!({
            "range": self.range_text,
            "groups": self.groups_text,
            "query": self.query_text,
        });
        format!("{QUERY_VIEW}{view}")
    }

    fn restore_filter(&mut self, text: &str, ids: &mut Ids) -> Result<Vec<Command>, Problem> {
        let Some(view) = text.trim().strip_prefix(QUERY_VIEW) else {
            return self.set_filter(text, ids);
        };
        let field = |v: &serde_json::Value, name: &str| {
            v.get(name)
                .and_then(|f| f.as_str())
                .map(str::to_string)
                .ok_or_else(|| Problem(format!("the saved view has no {name}: save it again")))
        };
        let view: serde_json::Value = serde_json::from_str(view).map_err(|e| {
            Problem(format!(
                "the saved view cannot be read ({e}): save it again"
            ))
        })?;
        let (range, groups, query) = (
            field(&view, "range")?,
            field(&view, "groups")?,
            field(&view, "query")?,
        );
        let before = (
            std::mem::replace(&mut self.range_text, range),
            std::mem::replace(&mut self.groups_text, groups),
            std::mem::replace(&mut self.query_text, query),
        );
        match self.start(ids) {
            Ok(Outcome::Commands(c)) => Ok(c),
            Ok(_) => Ok(Vec::new()),
            Err(p) => {
                (self.range_text, self.groups_text, self.query_text) = before;
                Err(p)
            }
        }
    }

    fn form(&self) -> Option<FormView<'_>> {
        if let Some(n) = &self.naming {
            return Some(FormView {
                title: "Save the query".into(),
                body: vec!["Saved as a query definition of this account and region.".into()],
                fields: vec![FieldView {
                    label: "name",
                    input: &n.name,
                    focused: true,
                }],
                problem: n.problem.as_deref(),
                hint: "enter saves (after a confirmation) · esc cancels".into(),
                edge_to_edge: false,
            });
        }
        let e = self.editor.as_ref()?;
        Some(FormView {
            title: "Logs Insights query".into(),
            body: vec![
                "range: 15m, 24h, 7d or FROM..TO (UTC) · groups: names or prefixes ending in *"
                    .into(),
            ],
            fields: vec![
                FieldView {
                    label: "range",
                    input: &e.range,
                    focused: e.focus == 0,
                },
                FieldView {
                    label: "groups",
                    input: &e.groups,
                    focused: e.focus == 1,
                },
                FieldView {
                    label: "query",
                    input: &e.query,
                    focused: e.focus == 2,
                },
            ],
            problem: e.problem.as_deref(),
            hint: "alt-enter or ctrl-r runs · enter new line · tab next field · ↑/↓ on the first/last line: history · esc closes"
                .into(),
            edge_to_edge: false,
        })
    }

    fn form_input(&mut self) -> Option<&mut TextInput> {
        if let Some(n) = &mut self.naming {
            return Some(&mut n.name);
        }
        let e = self.editor.as_mut()?;
        Some(match e.focus {
            0 => &mut e.range,
            1 => &mut e.groups,
            _ => &mut e.query,
        })
    }

    fn on_form_key(&mut self, key: FormKey, ids: &mut Ids) -> Outcome {
        if self.naming.is_some() {
            return self.on_naming_key(key);
        }
        self.on_editor_key(key, ids)
    }

    fn selected_user(&self) -> Option<Who> {
        let row = self.run.as_ref()?.selected_row()?;
        ["sub", "userSub", "@message"].iter().find_map(|f| {
            let v = field_of(row, f)?;
            if *f == "@message" {
                super::logs::sub_in_line(v).map(Who::Sub)
            } else {
                Who::parse(v).ok()
            }
        })
    }

    fn export_source(&self) -> Result<super::export::ExportSource, String> {
        match &self.run {
            Some(run) if run.state != RunState::Done(QueryStatus::Complete) => Err(format!(
                "the query is not complete ({}); export its result once it is",
                match &run.state {
                    RunState::Done(s) => s.as_str(),
                    RunState::Failed(_) => "failed",
                    _ => "still running",
                }
            )),
            Some(run) if !run.rows.is_empty() => Ok(super::export::ExportSource::Rows {
                name: "insights",
                rows: run
                    .rows
                    .iter()
                    .map(|r| crate::script::records::result_row(r))
                    .collect(),
                // The table's columns, in its order (the query's), as the records name them.
                columns: Some(
                    run.columns
                        .iter()
                        .map(|c| crate::script::records::result_field_name(c))
                        .collect(),
                ),
            }),
            // Complete and empty: there is nothing to write (it said "yet", as if running).
            Some(_) => Err("the result has no rows to export".into()),
            None => Err("no result to export yet".into()),
        }
    }

    fn selected_id(&self) -> Option<(&'static str, String)> {
        if self.screen != Screen::Results {
            return None;
        }
        let row = self.run.as_ref()?.selected_row()?;
        request_id_of(row).map(|id| ("request id", id))
    }

    /// The row's log stream at its time, when the query kept `@log` and `@logStream`.
    fn console_target(&self) -> Option<super::copy::ConsoleTarget> {
        let row = self.run.as_ref()?.selected_row()?;
        let log = field_of(row, "@log")?;
        Some(super::copy::ConsoleTarget::LogStream {
            group: log.split_once(':').map_or(log, |(_, g)| g).to_string(),
            stream: field_of(row, "@logStream")?.to_string(),
            at: parse_result_time(field_of(row, "@timestamp")?)?,
        })
    }

    fn describes(&self, action: Action) -> Option<&'static str> {
        match (self.screen, action) {
            (Screen::Saved, Action::NextView) => Some("back to the results"),
            (_, Action::NextView) => Some("the saved queries"),
            (Screen::Results, Action::Enter) => Some("open the row's whole log record"),
            (Screen::Saved, Action::Enter) => Some("run the saved query"),
            _ => None,
        }
    }

    fn offers(&self) -> Vec<Action> {
        let mut a = vec![Action::LogQuery, Action::NextView, Action::SaveLogs];
        match self.screen {
            Screen::Results => {
                a.extend([
                    Action::Enter,
                    Action::RequestLines,
                    Action::SortObjects,
                    Action::Reload,
                ]);
                if self.run.as_ref().is_some_and(Run::is_running) {
                    a.push(Action::Back);
                }
            }
            Screen::Saved => a.extend([Action::Enter, Action::DeleteObject, Action::Reload]),
            Screen::Record => a.extend([Action::Back, Action::RequestLines]),
        }
        a
    }

    fn pending(&self) -> usize {
        usize::from(self.run.as_ref().is_some_and(Run::is_running))
            + usize::from(self.saved.request.is_some())
            + usize::from(self.record.request.is_some())
    }

    fn draw(
        &mut self,
        frame: &mut ratatui::Frame<'_>,
        area: ratatui::layout::Rect,
        look: &Look<'_>,
    ) {
        crate::ui::insights::draw(frame, area, self, look);
    }
}

#[cfg(test)]
pub(crate) mod tests;
