//! The Metrics pane (`:metrics`): the environment's Lambda functions with their invocations,
//! errors, throttles, p50/p99 duration and concurrency over a range (one GetMetricData call), the
//! account's alarms (firing first, with why and since when), an alarm's metric around its state
//! change, and a key to the failed invocations of a function in Insights.

use super::list::{moved, movement};
use super::{AppEvent, Command, Failure, FieldView, FormKey, FormView, Handled, Ids, Outcome};
use super::{Pane, Problem, RequestId};
use crate::input::TextInput;
use crate::keymap::Action;
use crate::ui::Look;
use backoffice_domain::model::{
    Alarm, AlarmState, FunctionMetric, MetricSeries, TimeWindow, metric_period, parse_range,
    sort_alarms,
};
use backoffice_domain::services::oncall;
use backoffice_domain::services::user360::Who;
use chrono::{DateTime, Duration, Utc};

/// How a view `:save` kept in this pane begins (the range).
const RANGE_VIEW: &str = "range:";

/// The range a fresh pane shows.
pub const DEFAULT_RANGE: &str = "1h";
/// How far either side of an alarm's state change its chart reaches.
const AROUND_CHANGE: Duration = Duration::hours(1);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricsCommand {
    /// Every metric of every function of the environment over `window`.
    Load {
        request: RequestId,
        window: TimeWindow,
        period: Duration,
    },
    /// The account's alarms, for the pane.
    Alarms { request: RequestId },
    /// The account's alarms, for the status bar's badge.
    Badge { request: RequestId },
    /// An alarm's metric over a window.
    AlarmMetric {
        request: RequestId,
        alarm: Box<Alarm>,
        window: TimeWindow,
    },
}

#[derive(Debug, Clone)]
pub enum MetricsEvent {
    Loaded {
        request: RequestId,
        /// The functions asked about, and their series.
        result: Result<(Vec<String>, Vec<MetricSeries>), Failure>,
    },
    Alarms {
        request: RequestId,
        result: Result<Vec<Alarm>, Failure>,
    },
    Badge {
        request: RequestId,
        result: Result<Vec<Alarm>, Failure>,
    },
    AlarmMetric {
        request: RequestId,
        result: Result<Vec<(DateTime<Utc>, f64)>, Failure>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Screen {
    #[default]
    Functions,
    Alarms,
    /// One alarm's metric around its state change.
    Chart,
}

/// A function's row: its name and each metric's series.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionRow {
    pub function: String,
    pub series: Vec<MetricSeries>,
}

impl FunctionRow {
    pub fn series(&self, metric: FunctionMetric) -> Option<&MetricSeries> {
        self.series.iter().find(|s| s.metric == metric)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Load {
    #[default]
    Idle,
    Loading(RequestId),
    Loaded,
    Failed(crate::app::Failure),
}

/// The chart of one alarm's metric.
#[derive(Debug, Clone, Default)]
pub struct AlarmChart {
    pub alarm: Option<Alarm>,
    pub window: Option<TimeWindow>,
    pub points: Vec<(DateTime<Utc>, f64)>,
    pub load: Load,
}

#[derive(Debug, Default)]
pub struct MetricsPane {
    pub screen: Screen,
    pub range_text: String,
    /// The window, period and range of the rows shown: a read that failed leaves them (the
    /// title said the new range's time over the old figures).
    pub window: Option<TimeWindow>,
    pub period: Option<Duration>,
    pub shown_range: Option<String>,
    /// The read under way: what becomes shown once it answers.
    asked: Option<(TimeWindow, Duration, String)>,
    pub rows: Vec<FunctionRow>,
    pub load: Load,
    pub alarms: Vec<Alarm>,
    pub alarms_load: Load,
    pub chart: AlarmChart,
    pub selected: usize,
    pub alarm_selected: usize,
    pub offset: usize,
    pub viewport: usize,
    pub prompt: Option<(TextInput, Option<String>)>,
    opened: bool,
}

impl MetricsPane {
    /// The badge's minutely read of the alarms, taken into a list already shown (it said `OK ·
    /// 0 firing` while the status bar counted the alarm firing, until `ctrl-r`); the selection
    /// stays on its alarm.
    pub fn alarms_polled(&mut self, mut alarms: Vec<Alarm>) {
        if self.alarms_load != Load::Loaded {
            return;
        }
        let selected = self.alarms.get(self.alarm_selected).map(|a| a.name.clone());
        sort_alarms(&mut alarms);
        self.alarm_selected = selected
            .and_then(|name| alarms.iter().position(|a| a.name == name))
            .unwrap_or(0)
            .min(alarms.len().saturating_sub(1));
        self.alarms = alarms;
    }

    fn range(&self) -> &str {
        if self.range_text.is_empty() {
            DEFAULT_RANGE
        } else {
            &self.range_text
        }
    }

    fn load(&mut self, ids: &mut Ids) -> Result<Vec<Command>, Problem> {
        let now = Utc::now();
        let window = parse_range(self.range(), now).map_err(Problem::from)?;
        let period = metric_period(&window, now);
        let request = ids.issue();
        self.asked = Some((window, period, self.range().to_string()));
        self.load = Load::Loading(request);
        let alarms = ids.issue();
        self.alarms_load = Load::Loading(alarms);
        Ok(vec![
            Command::Metrics(MetricsCommand::Load {
                request,
                window,
                period,
            }),
            Command::Metrics(MetricsCommand::Alarms { request: alarms }),
        ])
    }

    fn reload(&mut self, ids: &mut Ids) -> Outcome {
        match self.load(ids) {
            Ok(c) => c.into(),
            Err(p) => Outcome::Message(p.0),
        }
    }

    /// The function the selection is about: the row's, or the selected alarm's.
    fn selected_function(&self) -> Option<String> {
        match self.screen {
            Screen::Functions => self.rows.get(self.selected).map(|r| r.function.clone()),
            Screen::Alarms => self
                .alarms
                .get(self.alarm_selected)
                .and_then(|a| a.metric.as_ref()?.function().map(str::to_string)),
            Screen::Chart => self
                .chart
                .alarm
                .as_ref()
                .and_then(|a| a.metric.as_ref()?.function().map(str::to_string)),
        }
    }

    /// The failed invocations of the selected function in Insights: over the pane's range
    /// from a function, around the state change from an alarm.
    fn failed_invocations(&self) -> Outcome {
        let Some(function) = self.selected_function() else {
            return Outcome::Message(match self.screen {
                Screen::Functions => "no function selected".into(),
                _ => "this alarm's metric names no Lambda function".into(),
            });
        };
        let range = match self.screen {
            Screen::Functions => self.range().to_string(),
            Screen::Alarms | Screen::Chart => {
                let alarm = match self.screen {
                    Screen::Chart => self.chart.alarm.as_ref(),
                    _ => self.alarms.get(self.alarm_selected),
                };
                let since = alarm.and_then(|a| a.since).unwrap_or_else(Utc::now);
                let end = (since + AROUND_CHANGE)
                    .min(Utc::now())
                    .max(since + Duration::minutes(5));
                format!(
                    "{}..{}",
                    (since - AROUND_CHANGE).format("%Y-%m-%dT%H:%M:%S"),
                    end.format("%Y-%m-%dT%H:%M:%S")
                )
            }
        };
        Outcome::GoToInsights {
            text: oncall::failed_requests(),
            groups: format!("/aws/lambda/{function}"),
            range,
        }
    }

    fn open_chart(&mut self, ids: &mut Ids) -> Outcome {
        let Some(alarm) = self.alarms.get(self.alarm_selected).cloned() else {
            return Outcome::None;
        };
        if alarm.metric.is_none() {
            return Outcome::Message(
                "a composite or metric-math alarm has no single metric to draw".into(),
            );
        }
        let now = Utc::now();
        let since = alarm.since.unwrap_or(now);
        let end = (since + AROUND_CHANGE)
            .min(now)
            .max(since + Duration::minutes(5));
        let window = TimeWindow {
            start: since - AROUND_CHANGE,
            end,
        };
        let request = ids.issue();
        self.chart = AlarmChart {
            alarm: Some(alarm.clone()),
            window: Some(window),
            points: Vec::new(),
            load: Load::Loading(request),
        };
        self.screen = Screen::Chart;
        Outcome::Commands(vec![Command::Metrics(MetricsCommand::AlarmMetric {
            request,
            alarm: Box::new(alarm),
            window,
        })])
    }

    fn move_selection(&mut self, delta: isize) {
        let (selected, len) = match self.screen {
            Screen::Functions => (&mut self.selected, self.rows.len()),
            Screen::Alarms => (&mut self.alarm_selected, self.alarms.len()),
            Screen::Chart => return,
        };
        *selected = moved(*selected, delta, len);
    }
}

impl Pane for MetricsPane {
    fn open(&mut self, ids: &mut Ids) -> Vec<Command> {
        if self.opened {
            // A range up to now read more than a minute ago is read again when the pane is
            // shown (it said `to 10:59` at 11:07, passed through at start): "is anything
            // firing now" wants now. A fixed range reads the same and is not.
            let now = Utc::now();
            let last = self.asked.as_ref().map(|(w, ..)| *w).or(self.window);
            let stale = matches!(self.load, Load::Loaded | Load::Failed(_))
                && last.is_some_and(|w| {
                    parse_range(self.range(), now)
                        .is_ok_and(|fresh| fresh.end - w.end > chrono::Duration::seconds(60))
                });
            return if stale {
                self.load(ids).unwrap_or_default()
            } else {
                Vec::new()
            };
        }
        self.opened = true;
        self.load(ids).unwrap_or_default()
    }

    fn refresh(&mut self, ids: &mut Ids) -> Vec<Command> {
        self.load(ids).unwrap_or_default()
    }

    fn on_action(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        let delta = match action {
            Action::Reload => return self.reload(ids),
            Action::LogQuery => {
                self.prompt = Some((TextInput::new(self.range()), None));
                return Outcome::None;
            }
            Action::NextView => {
                self.screen = match self.screen {
                    Screen::Functions => Screen::Alarms,
                    Screen::Alarms | Screen::Chart => Screen::Functions,
                };
                return Outcome::None;
            }
            Action::Enter if self.screen == Screen::Alarms => return self.open_chart(ids),
            Action::Enter if self.screen == Screen::Functions => {
                self.screen = Screen::Alarms;
                return Outcome::None;
            }
            Action::Back if self.screen == Screen::Chart => {
                self.screen = Screen::Alarms;
                return Outcome::None;
            }
            Action::FailedInvocations => return self.failed_invocations(),
            other => match movement(other, self.viewport) {
                Some(d) => d,
                None => return Outcome::None,
            },
        };
        self.move_selection(delta);
        Outcome::None
    }

    fn on_event(&mut self, event: AppEvent, _ids: &mut Ids) -> Handled {
        let AppEvent::Metrics(event) = event else {
            return (Outcome::None, None);
        };
        match event {
            MetricsEvent::Loaded { request, result } => {
                if self.load != Load::Loading(request) {
                    return (Outcome::None, None);
                }
                match result {
                    Ok((functions, series)) => {
                        if let Some((window, period, range)) = self.asked.take() {
                            self.window = Some(window);
                            self.period = Some(period);
                            self.shown_range = Some(range);
                        }
                        self.rows = functions
                            .into_iter()
                            .map(|f| FunctionRow {
                                series: series
                                    .iter()
                                    .filter(|s| s.function == f)
                                    .cloned()
                                    .collect(),
                                function: f,
                            })
                            .collect();
                        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
                        self.load = Load::Loaded;
                        // A failed read's error on the status bar no longer holds.
                        (
                            Outcome::Settled {
                                message: String::new(),
                                what: "metrics",
                            },
                            None,
                        )
                    }
                    Err(f) => {
                        self.load = Load::Failed(f.clone());
                        (Outcome::None, Some(("metrics".into(), f)))
                    }
                }
            }
            MetricsEvent::Alarms { request, result } => {
                if self.alarms_load != Load::Loading(request) {
                    return (Outcome::None, None);
                }
                match result {
                    Ok(mut alarms) => {
                        sort_alarms(&mut alarms);
                        self.alarms = alarms;
                        self.alarm_selected =
                            self.alarm_selected.min(self.alarms.len().saturating_sub(1));
                        self.alarms_load = Load::Loaded;
                        (Outcome::None, None)
                    }
                    Err(f) => {
                        self.alarms_load = Load::Failed(f.clone());
                        (Outcome::None, Some(("alarms".into(), f)))
                    }
                }
            }
            MetricsEvent::AlarmMetric { request, result } => {
                if self.chart.load != Load::Loading(request) {
                    return (Outcome::None, None);
                }
                match result {
                    Ok(points) => {
                        self.chart.points = points;
                        self.chart.load = Load::Loaded;
                        (Outcome::None, None)
                    }
                    Err(f) => {
                        self.chart.load = Load::Failed(f.clone());
                        (Outcome::None, Some(("alarm metric".into(), f)))
                    }
                }
            }
            // The shell's.
            MetricsEvent::Badge { .. } => (Outcome::None, None),
        }
    }

    fn click(&mut self, row: usize, _column: u16, _ids: &mut Ids) -> Outcome {
        if let Some(i) = row.checked_sub(1) {
            let at = self.offset + i;
            match self.screen {
                Screen::Functions if at < self.rows.len() => self.selected = at,
                Screen::Alarms if at < self.alarms.len() => self.alarm_selected = at,
                _ => {}
            }
        }
        Outcome::None
    }

    fn filter_text(&self) -> &str {
        ""
    }

    fn filter_hint(&self) -> &'static str {
        "f sets the range; / is not used here"
    }

    fn filters(&self) -> bool {
        false
    }

    fn set_filter(&mut self, _text: &str, _ids: &mut Ids) -> Result<Vec<Command>, Problem> {
        Err(Problem(
            "the Metrics pane shows every function of the environment; f sets its range".into(),
        ))
    }

    /// The range shown, as `:save` keeps it (`range:3h`; it kept nothing, and pointed to a
    /// `/` this pane refuses); `:view` shows that range again.
    fn saved_view(&self) -> String {
        format!("{RANGE_VIEW}{}", self.range())
    }

    fn restore_filter(&mut self, text: &str, ids: &mut Ids) -> Result<Vec<Command>, Problem> {
        let Some(range) = text.trim().strip_prefix(RANGE_VIEW) else {
            return self.set_filter(text, ids);
        };
        let before = std::mem::replace(&mut self.range_text, range.trim().to_string());
        self.load(ids).inspect_err(|_| self.range_text = before)
    }

    fn form(&self) -> Option<FormView<'_>> {
        let (input, problem) = self.prompt.as_ref()?;
        Some(FormView {
            title: "Metrics range".into(),
            body: vec!["15m, 1h, 24h, 7d, or FROM..TO (UTC); the period follows the range".into()],
            fields: vec![FieldView {
                label: "range",
                input,
                focused: true,
            }],
            problem: problem.as_deref(),
            hint: "enter shows · esc cancels".into(),
            edge_to_edge: false,
        })
    }

    fn form_input(&mut self) -> Option<&mut TextInput> {
        self.prompt.as_mut().map(|(i, _)| i)
    }

    fn on_form_key(&mut self, key: FormKey, ids: &mut Ids) -> Outcome {
        let Some((input, problem)) = &mut self.prompt else {
            return Outcome::None;
        };
        match key {
            FormKey::Cancel => {
                self.prompt = None;
                Outcome::None
            }
            FormKey::Submit => {
                let text = input.text().trim().to_string();
                if let Err(e) = parse_range(&text, Utc::now()) {
                    *problem = Some(e.message);
                    return Outcome::None;
                }
                let before = std::mem::replace(&mut self.range_text, text);
                match self.load(ids) {
                    Ok(c) => {
                        self.prompt = None;
                        c.into()
                    }
                    Err(p) => {
                        self.range_text = before;
                        if let Some((_, problem)) = &mut self.prompt {
                            *problem = Some(p.0);
                        }
                        Outcome::None
                    }
                }
            }
            FormKey::Other(_) => Outcome::None,
        }
    }

    fn selected_user(&self) -> Option<Who> {
        None
    }

    fn export_source(&self) -> Result<super::export::ExportSource, String> {
        let period = self.period.unwrap_or_else(|| Duration::minutes(1));
        let rows: Vec<serde_json::Value> = match self.screen {
            Screen::Functions => self
                .rows
                .iter()
                .flat_map(|r| r.series.iter())
                .map(|s| crate::script::records::metric_series(s, period))
                .collect(),
            Screen::Alarms | Screen::Chart => self
                .alarms
                .iter()
                .map(crate::script::records::alarm)
                .collect(),
        };
        if rows.is_empty() {
            return Err("nothing loaded to export yet".into());
        }
        Ok(super::export::ExportSource::Rows {
            name: if self.screen == Screen::Functions {
                "metrics"
            } else {
                "alarms"
            },
            rows,
            columns: None,
        })
    }

    fn selected_id(&self) -> Option<(&'static str, String)> {
        match self.screen {
            Screen::Functions => self
                .rows
                .get(self.selected)
                .map(|r| ("function", r.function.clone())),
            Screen::Alarms => self
                .alarms
                .get(self.alarm_selected)
                .map(|a| ("alarm", a.name.clone())),
            Screen::Chart => self.chart.alarm.as_ref().map(|a| ("alarm", a.name.clone())),
        }
    }

    fn console_target(&self) -> Option<super::copy::ConsoleTarget> {
        use super::copy::ConsoleTarget;
        Some(match self.selected_id()? {
            ("function", name) => ConsoleTarget::Function { name },
            (_, name) => ConsoleTarget::Alarm { name },
        })
    }

    fn offers(&self) -> Vec<Action> {
        let mut a = vec![Action::LogQuery, Action::NextView, Action::Reload];
        match self.screen {
            Screen::Functions => a.push(Action::FailedInvocations),
            Screen::Alarms => a.extend([Action::Enter, Action::FailedInvocations]),
            Screen::Chart => a.extend([Action::Back, Action::FailedInvocations]),
        }
        a
    }

    fn pending(&self) -> usize {
        [&self.load, &self.alarms_load, &self.chart.load]
            .iter()
            .filter(|l| matches!(l, Load::Loading(_)))
            .count()
    }

    fn draw(
        &mut self,
        frame: &mut ratatui::Frame<'_>,
        area: ratatui::layout::Rect,
        look: &Look<'_>,
    ) {
        crate::ui::metrics::draw(frame, area, self, look);
    }
}

/// The badge's text while alarms fire: `⚠ 2 alarms`.
pub fn badge(alarms: &[Alarm]) -> Option<String> {
    let firing = alarms
        .iter()
        .filter(|a| a.state == AlarmState::Alarm)
        .count();
    match firing {
        0 => None,
        1 => Some("⚠ 1 alarm".to_string()),
        n => Some(format!("⚠ {n} alarms")),
    }
}

#[cfg(test)]
mod tests;
