//! The Metrics pane driven with keys and canned answers.

use super::*;
use crate::app::insights::tests::keys;
use crate::app::tests::app_on;
use crate::app::{App, PaneId, test_context};
use backoffice_domain::model::{AlarmMetric, MetricSeries};

fn at(s: &str) -> DateTime<Utc> {
    backoffice_domain::model::parse_instant(s).unwrap()
}

fn alarm(name: &str, state: AlarmState, function: Option<&str>) -> Alarm {
    Alarm {
        name: name.into(),
        state,
        reason: "Threshold Crossed".into(),
        since: Some(at("2026-12-01T10:00")),
        metric: function.map(|f| AlarmMetric {
            namespace: "AWS/Lambda".into(),
            name: "Errors".into(),
            dimensions: vec![("FunctionName".into(), f.into())],
            stat: "Sum".into(),
            period_seconds: 300,
        }),
        threshold: Some(1.0),
        comparison: Some("GreaterThanOrEqualToThreshold".into()),
    }
}

fn opened(app: &mut App, first: &[Command]) -> (RequestId, RequestId) {
    let mut load = None;
    let mut alarms = None;
    for c in first {
        match c {
            Command::Metrics(MetricsCommand::Load {
                request, period, ..
            }) => {
                assert_eq!(period.num_seconds(), 60, "1h takes one-minute points");
                load = Some(*request);
            }
            Command::Metrics(MetricsCommand::Alarms { request }) => alarms = Some(*request),
            _ => {}
        }
    }
    let _ = app;
    (
        load.expect("a metrics load"),
        alarms.expect("an alarms load"),
    )
}

#[test]
fn the_pane_loads_every_function_and_the_alarms_firing_first() {
    let (mut app, first) = app_on(PaneId::Metrics, test_context());
    let (load, alarms) = opened(&mut app, &first);
    let series = |f: &str, m, v: f64| MetricSeries {
        function: f.into(),
        metric: m,
        points: vec![(at("2026-12-03T10:00"), v), (at("2026-12-03T10:01"), v)],
    };
    app.on_event(AppEvent::Metrics(MetricsEvent::Loaded {
        request: load,
        result: Ok((
            vec!["api".into(), "thumbs".into()],
            vec![
                series("api", FunctionMetric::Errors, 2.0),
                series("thumbs", FunctionMetric::Invocations, 5.0),
            ],
        )),
    }));
    let m = &app.metrics;
    assert_eq!(m.rows.len(), 2);
    assert_eq!(
        m.rows[0].series(FunctionMetric::Errors).unwrap().total(),
        Some(4.0)
    );
    assert!(m.rows[1].series(FunctionMetric::Errors).is_none());
    app.on_event(AppEvent::Metrics(MetricsEvent::Alarms {
        request: alarms,
        result: Ok(vec![
            alarm("ok", AlarmState::Ok, None),
            alarm("api-errors", AlarmState::Alarm, Some("api")),
        ]),
    }));
    assert_eq!(app.metrics.alarms[0].name, "api-errors");
}

#[test]
fn i_opens_the_failed_invocations_of_the_function_in_insights() {
    let (mut app, first) = app_on(PaneId::Metrics, test_context());
    let (load, _) = opened(&mut app, &first);
    app.on_event(AppEvent::Metrics(MetricsEvent::Loaded {
        request: load,
        result: Ok((vec!["backoffice-api".into()], vec![])),
    }));
    let c = keys(&mut app, &["I"]);
    assert_eq!(app.pane, PaneId::Insights);
    let run = c
        .iter()
        .find_map(|c| match c {
            Command::Insights(crate::app::insights::InsightsCommand::Run {
                groups,
                text,
                window,
                ..
            }) => Some((groups.clone(), text.clone(), *window)),
            _ => None,
        })
        .expect("the query runs at once");
    assert_eq!(run.0, ["/aws/lambda/backoffice-api"]);
    assert_eq!(run.1, oncall::failed_requests());
    assert_eq!(
        (run.2.end - run.2.start).num_minutes(),
        60,
        "the pane's range"
    );
}

#[test]
fn from_an_alarm_the_window_surrounds_its_state_change_and_enter_charts_its_metric() {
    let (mut app, first) = app_on(PaneId::Metrics, test_context());
    let (_, alarms) = opened(&mut app, &first);
    app.on_event(AppEvent::Metrics(MetricsEvent::Alarms {
        request: alarms,
        result: Ok(vec![alarm("api-errors", AlarmState::Alarm, Some("api"))]),
    }));
    keys(&mut app, &["v"]);
    let c = keys(&mut app, &["enter"]);
    let Some(Command::Metrics(MetricsCommand::AlarmMetric { window, .. })) = c.first() else {
        panic!("{c:?}");
    };
    assert_eq!(window.start, at("2026-12-01T09:00"));
    assert_eq!(app.metrics.screen, Screen::Chart);
    let c = keys(&mut app, &["I"]);
    let window = c
        .iter()
        .find_map(|c| match c {
            Command::Insights(crate::app::insights::InsightsCommand::Run { window, .. }) => {
                Some(*window)
            }
            _ => None,
        })
        .expect("a run");
    assert_eq!(window.start, at("2026-12-01T09:00"));
    assert_eq!(window.end, at("2026-12-01T11:00"));
}

#[test]
fn the_badge_counts_firing_alarms_on_every_pane() {
    let (mut app, _) = app_on(PaneId::Posts, test_context());
    let c = app.refresh_alarm_badge();
    let Some(Command::Metrics(MetricsCommand::Badge { request })) = c.first() else {
        panic!("{c:?}");
    };
    assert!(app.refresh_alarm_badge().is_empty(), "one ask at a time");
    app.on_event(AppEvent::Metrics(MetricsEvent::Badge {
        request: *request,
        result: Ok(vec![
            alarm("a", AlarmState::Alarm, None),
            alarm("b", AlarmState::Alarm, None),
            alarm("c", AlarmState::Ok, None),
        ]),
    }));
    assert_eq!(app.alarm_badge.as_deref(), Some("⚠ 2 alarms"));
    let c = app.refresh_alarm_badge();
    let Some(Command::Metrics(MetricsCommand::Badge { request })) = c.first() else {
        panic!("{c:?}");
    };
    app.on_event(AppEvent::Metrics(MetricsEvent::Badge {
        request: *request,
        result: Err(Failure::new("throttled")),
    }));
    assert_eq!(
        app.alarm_badge.as_deref(),
        Some("⚠ 2 alarms"),
        "a failed refresh keeps the last answer"
    );
}

/// The badge's read of the alarms reaches an alarms list already shown (it kept `OK` while the
/// status bar counted the alarm firing); the selection stays on its alarm.
#[test]
fn the_badge_s_read_freshens_the_alarms_list() {
    let (mut app, first) = app_on(PaneId::Metrics, test_context());
    let (_, alarms) = opened(&mut app, &first);
    app.on_event(AppEvent::Metrics(MetricsEvent::Alarms {
        request: alarms,
        result: Ok(vec![
            alarm("api-errors", AlarmState::Ok, None),
            alarm("thumbs-duration", AlarmState::Ok, None),
        ]),
    }));
    app.metrics.alarm_selected = 1;
    let c = app.refresh_alarm_badge();
    let Some(Command::Metrics(MetricsCommand::Badge { request })) = c.first() else {
        panic!("{c:?}");
    };
    app.on_event(AppEvent::Metrics(MetricsEvent::Badge {
        request: *request,
        result: Ok(vec![
            alarm("api-errors", AlarmState::Ok, None),
            alarm("thumbs-duration", AlarmState::Alarm, None),
        ]),
    }));
    assert_eq!(app.alarm_badge.as_deref(), Some("⚠ 1 alarm"));
    let shown: Vec<(&str, AlarmState)> = app
        .metrics
        .alarms
        .iter()
        .map(|a| (a.name.as_str(), a.state))
        .collect();
    assert_eq!(
        shown,
        vec![
            ("thumbs-duration", AlarmState::Alarm),
            ("api-errors", AlarmState::Ok)
        ],
        "firing first"
    );
    assert_eq!(app.metrics.alarm_selected, 0, "still on thumbs-duration");
}

#[test]
fn a_bad_range_is_refused_in_the_prompt() {
    let (mut app, _) = app_on(PaneId::Metrics, test_context());
    keys(&mut app, &["f", "ctrl-u"]);
    crate::app::tests::typed(&mut app, "forever");
    let c = keys(&mut app, &["enter"]);
    assert!(c.is_empty());
    assert!(app.metrics.prompt.as_ref().unwrap().1.is_some());
    keys(&mut app, &["ctrl-u"]);
    crate::app::tests::typed(&mut app, "7d");
    let c = keys(&mut app, &["enter"]);
    let Some(Command::Metrics(MetricsCommand::Load { period, .. })) = c.first() else {
        panic!("{c:?}");
    };
    assert_eq!(period.num_seconds(), 10_800);
}

/// `/` in Metrics says at once that it filters nothing here (it opened a prompt, took typing,
/// then left an error on the status bar); the same message twice shows once.
#[test]
fn slash_in_metrics_says_at_once_that_it_is_not_used() {
    let (mut app, _) = app_on(PaneId::Metrics, test_context());
    keys(&mut app, &["/"]);
    assert!(app.prompt.is_none());
    assert!(app.last_error.is_none());
    keys(&mut app, &["/"]);
    let said: Vec<&str> = app.toasts.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(said, vec!["f sets the range; / is not used here"]);
}

/// A reload that fails leaves the figures with their own window: the title said the new
/// read's time over the old figures.
#[test]
fn a_failed_reload_keeps_the_window_of_the_figures_shown() {
    let (mut app, first) = app_on(PaneId::Metrics, test_context());
    let (load, _) = opened(&mut app, &first);
    app.on_event(AppEvent::Metrics(MetricsEvent::Loaded {
        request: load,
        result: Ok((vec!["api".into()], vec![])),
    }));
    let shown = app.metrics.window.expect("the figures' window");
    std::thread::sleep(std::time::Duration::from_millis(5));
    let again = keys(&mut app, &["ctrl-r"]);
    let (load, _) = opened(&mut app, &again);
    app.on_event(AppEvent::Metrics(MetricsEvent::Loaded {
        request: load,
        result: Err(Failure::new("CloudWatch is unavailable")),
    }));
    assert_eq!(app.metrics.window, Some(shown));
    assert_eq!(app.metrics.rows.len(), 1, "the figures stay");
    assert!(app.last_error.as_deref().unwrap().starts_with("metrics: "));
    // Read again: the status bar's failure goes with the new figures.
    let again = keys(&mut app, &["ctrl-r"]);
    let (load, _) = opened(&mut app, &again);
    app.on_event(AppEvent::Metrics(MetricsEvent::Loaded {
        request: load,
        result: Ok((vec!["api".into()], vec![])),
    }));
    assert_eq!(app.last_error, None);
    assert_ne!(app.metrics.window, Some(shown));
}
