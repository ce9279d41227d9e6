//! The Insights pane's and the Metrics pane's background work. A query is one task: it resolves
//! the groups (prefixes through DescribeLogGroups), starts the query, and polls it about once a
//! second (GetQueryResults' quota is five a second per account), sending each answer, until the
//! status is final. When the loop is gone (the console quit or switched environment) the task
//! stops the query rather than leave it scanning.

use super::Backends;
use crate::app::insights::{InsightsCommand, InsightsEvent};
use crate::app::metrics::{MetricsCommand, MetricsEvent};
use crate::app::{AppEvent, Failure, RequestId};
use backoffice_domain::DomainError;
use backoffice_domain::model::{
    InsightsQuery, LogGroupName, MAX_QUERY_GROUPS, MetricsRequest, PageRequest, QueryId, TimeWindow,
};
use std::time::Duration;
use tokio::sync::mpsc;

/// The first poll comes soon (small queries finish at once), the rest a second apart.
const FIRST_POLL: Duration = Duration::from_millis(300);
const POLL: Duration = Duration::from_secs(1);
/// Group pages a prefix reads at most (50 a page: enough to know it matches too many).
const PREFIX_PAGES: usize = 2;

pub(super) async fn run(
    command: InsightsCommand,
    b: &Backends,
    events: &mpsc::Sender<AppEvent>,
) -> InsightsEvent {
    match command {
        InsightsCommand::Run {
            request,
            groups,
            window,
            text,
        } => match run_query(b, request, &groups, window, text, events).await {
            Ok(last) => last,
            Err(e) => InsightsEvent::Failed {
                request,
                failure: Failure::from(e),
            },
        },
        InsightsCommand::Stop { query } => {
            let result = async { b.insights()?.stop_query(&query).await }.await;
            // The query's own task reports its cancelled status; only a failure is news.
            InsightsEvent::Stopped {
                failure: result.err().map(Failure::from),
            }
        }
        InsightsCommand::Record { request, pointer } => InsightsEvent::Record {
            request,
            result: async { b.insights()?.log_record(&pointer).await }
                .await
                .map_err(Failure::from),
        },
        InsightsCommand::LoadSaved { request } => InsightsEvent::Saved {
            request,
            result: async { b.insights()?.list_definitions().await }
                .await
                .map_err(Failure::from),
        },
    }
}

/// The groups a query names: each name as written, each `prefix*` as the groups it matches.
pub async fn resolve_groups(
    b: &Backends,
    wanted: &[String],
) -> Result<Vec<LogGroupName>, DomainError> {
    let mut out: Vec<LogGroupName> = Vec::new();
    for w in wanted {
        match w.strip_suffix('*') {
            Some(prefix) => {
                let logs = b.logs()?;
                let mut page = PageRequest::first(50);
                let mut found = 0;
                for _ in 0..PREFIX_PAGES {
                    let groups = logs.list_groups(prefix, page.clone()).await?;
                    for g in groups.items {
                        let name = LogGroupName::parse(&g.name)?;
                        found += 1;
                        if !out.contains(&name) {
                            out.push(name);
                        }
                    }
                    match groups.next {
                        Some(cursor) => page = PageRequest::after(cursor, 50),
                        None => break,
                    }
                }
                if found == 0 {
                    return Err(DomainError::invalid(
                        "groups",
                        format!("no log group starts with {prefix}"),
                    ));
                }
            }
            None => {
                let name = LogGroupName::parse(w)?;
                if !out.contains(&name) {
                    out.push(name);
                }
            }
        }
        if out.len() > MAX_QUERY_GROUPS {
            return Err(DomainError::invalid(
                "groups",
                format!(
                    "{w} brings the query past {MAX_QUERY_GROUPS} log groups; narrow the prefix"
                ),
            ));
        }
    }
    Ok(out)
}

async fn run_query(
    b: &Backends,
    request: RequestId,
    groups: &[String],
    window: TimeWindow,
    text: String,
    events: &mpsc::Sender<AppEvent>,
) -> Result<InsightsEvent, DomainError> {
    let insights = b.insights()?;
    let groups = resolve_groups(b, groups).await?;
    let query = InsightsQuery::new(groups.clone(), window, text)?;
    let id = insights.start_query(&query).await?;
    let started = AppEvent::Insights(InsightsEvent::Started {
        request,
        query: id.clone(),
        groups,
    });
    if events.send(started).await.is_err() {
        stop_quietly(b, &id).await;
        return Err(DomainError::Unsupported("the console closed".into()));
    }
    tokio::time::sleep(FIRST_POLL).await;
    loop {
        if events.is_closed() {
            stop_quietly(b, &id).await;
            return Err(DomainError::Unsupported("the console closed".into()));
        }
        let results = insights.query_results(&id).await?;
        if results.status.is_final() {
            return Ok(InsightsEvent::Progress { request, results });
        }
        let progress = AppEvent::Insights(InsightsEvent::Progress { request, results });
        if events.send(progress).await.is_err() {
            stop_quietly(b, &id).await;
            return Err(DomainError::Unsupported("the console closed".into()));
        }
        tokio::time::sleep(POLL).await;
    }
}

async fn stop_quietly(b: &Backends, id: &QueryId) {
    if let Ok(insights) = b.insights()
        && let Err(e) = insights.stop_query(id).await
    {
        tracing::info!(error = %e.chain(), query = %id, "the query could not be stopped");
    }
}

pub(super) async fn run_metrics(command: MetricsCommand, b: &Backends) -> MetricsEvent {
    match command {
        MetricsCommand::Load {
            request,
            window,
            period,
        } => MetricsEvent::Loaded {
            request,
            result: async {
                let request = MetricsRequest {
                    functions: b.functions.clone(),
                    window,
                    period,
                };
                if request.functions.is_empty() {
                    return Ok((Vec::new(), Vec::new()));
                }
                let series = b.metrics()?.function_metrics(&request).await?;
                Ok::<_, DomainError>((request.functions, series))
            }
            .await
            .map_err(Failure::from),
        },
        MetricsCommand::Alarms { request } => MetricsEvent::Alarms {
            request,
            result: async { b.metrics()?.alarms().await }
                .await
                .map_err(Failure::from),
        },
        MetricsCommand::Badge { request } => MetricsEvent::Badge {
            request,
            result: async { b.metrics()?.alarms().await }
                .await
                .map_err(Failure::from),
        },
        MetricsCommand::AlarmMetric {
            request,
            alarm,
            window,
        } => MetricsEvent::AlarmMetric {
            request,
            result: async { b.metrics()?.alarm_metric(&alarm, window).await }
                .await
                .map_err(Failure::from),
        },
    }
}
