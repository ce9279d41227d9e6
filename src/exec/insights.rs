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
    InsightsQuery, LogGroupName, MAX_QUERY_GROUPS, MetricsRequest, PageRequest, QueryId,
    QueryResults, TimeWindow,
};
use backoffice_domain::ports::LogInsights;
use std::time::Duration;
use tokio::sync::mpsc;

/// The waits before the first polls: the first right after StartQuery's answer (a small query
/// may be done, and a running one already has rows to show), then sooner than the steady pace,
/// which is one a second (GetQueryResults allows 5 a second for the whole account).
const FIRST_POLLS: [Duration; 3] = [
    Duration::ZERO,
    Duration::from_millis(250),
    Duration::from_millis(500),
];
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

/// The groups of a query written out whole (not `prefix*`).
fn written_out(wanted: &[String]) -> impl Iterator<Item = &str> {
    wanted
        .iter()
        .map(|w| w.trim())
        .filter(|w| !w.ends_with('*'))
}

/// A query's start refused as not found, with the groups that are missing named: CloudWatch
/// does not say which group it lacks (the error named all 38 sent), so the names written out
/// whole are looked up. Any other failure is returned as it is.
pub async fn missing_named(b: &Backends, wanted: &[String], e: DomainError) -> DomainError {
    missing_of(b, wanted, e).await.1
}

/// The groups written out whole in `wanted` that are not there, looked up after a start
/// refused as not found, and the refusal naming them (none found: the refusal as it was).
async fn missing_of(b: &Backends, wanted: &[String], e: DomainError) -> (Vec<String>, DomainError) {
    let DomainError::NotFound(all) = e else {
        return (Vec::new(), e);
    };
    let mut missing = Vec::new();
    for name in written_out(wanted) {
        let listed = match b.logs() {
            Ok(logs) => logs.list_groups(name, PageRequest::first(50)).await,
            Err(e) => Err(e),
        };
        match listed {
            Ok(listed) if !listed.items.iter().any(|g| g.name == name) => {
                missing.push(name.to_string())
            }
            Ok(_) => {}
            Err(e) => return (Vec::new(), e),
        }
    }
    let e = DomainError::NotFound(if missing.is_empty() {
        all
    } else {
        format!("log group {}", missing.join(", "))
    });
    (missing, e)
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
    let wanted = groups;
    let mut groups = resolve_groups(b, groups).await?;
    let query = InsightsQuery::new(groups.clone(), window, text.clone())?;
    let mut left_out = Vec::new();
    let id = match insights.start_query(&query).await {
        Ok(id) => id,
        Err(e) => {
            // A group that is not there is left out and said, and the query runs over the
            // rest (one mistyped in the settings failed every default query); all missing, or
            // another failure, is the query's.
            let (missing, e) = missing_of(b, wanted, e).await;
            let rest: Vec<LogGroupName> = groups
                .iter()
                .filter(|g| !missing.iter().any(|m| m == g.as_str()))
                .cloned()
                .collect();
            if missing.is_empty() || rest.is_empty() {
                return Err(e);
            }
            let query = InsightsQuery::new(rest.clone(), window, text)?;
            let id = insights.start_query(&query).await?;
            groups = rest;
            left_out = missing;
            id
        }
    };
    let started = AppEvent::Insights(InsightsEvent::Started {
        request,
        query: id.clone(),
        groups,
        left_out,
    });
    if events.send(started).await.is_err() {
        stop_quietly(insights, &id).await;
        return Err(DomainError::Unsupported("the console closed".into()));
    }
    let last = poll_to_end(insights, &id, |results| {
        let events = events.clone();
        async move {
            let progress = AppEvent::Insights(InsightsEvent::Progress { request, results });
            events.send(progress).await.is_ok()
        }
    })
    .await?;
    match last {
        Some(results) => Ok(InsightsEvent::Progress { request, results }),
        None => Err(DomainError::Unsupported("the console closed".into())),
    }
}

/// Polls query `id` until its status is final: the last answer. `progress` sees each answer
/// before that and returns whether anyone still wants it; when not, the query is stopped and
/// the answer is `None`.
pub async fn poll_to_end<F, Fut>(
    insights: &dyn LogInsights,
    id: &QueryId,
    mut progress: F,
) -> Result<Option<QueryResults>, DomainError>
where
    F: FnMut(QueryResults) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let mut waits = FIRST_POLLS.into_iter().chain(std::iter::repeat(POLL));
    loop {
        let wait = waits.next().unwrap_or(POLL);
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        let results = match insights.query_results(id).await {
            Ok(r) => r,
            Err(e) => {
                // Nobody will read its answer now: it must not scan (and bill) on its own.
                stop_quietly(insights, id).await;
                return Err(e);
            }
        };
        if results.status.is_final() {
            return Ok(Some(results));
        }
        if !progress(results).await {
            stop_quietly(insights, id).await;
            return Ok(None);
        }
    }
}

async fn stop_quietly(insights: &dyn LogInsights, id: &QueryId) {
    if let Err(e) = insights.stop_query(id).await {
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

#[cfg(test)]
mod tests {
    use super::*;
    use backoffice_domain::model::{
        Actor, AuditFilter, AuditKind, PageRequest as Pr, QueryDefinition, QueryStatus, Reason,
        field_of,
    };
    use backoffice_domain::ports::ContentStore;
    use backoffice_domain::sandbox::{Sandbox, SeedOptions};

    async fn seeded() -> (tempfile::TempDir, Sandbox, Backends) {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let options = SeedOptions {
            users: 6,
            posts: 8,
            comments: 8,
            reports: 2,
            post_images: 1,
            profile_images: 1,
            invocations: 80,
            ..SeedOptions::default()
        };
        sandbox.seed(&options, &|_| {}).await.unwrap();
        let backends = Backends::sandbox(&sandbox, Actor::parse("sandbox:ops").unwrap());
        (dir, sandbox, backends)
    }

    /// The console's run on the sandbox: the prefix resolves to the three Lambda groups, the
    /// query starts, polls to complete, and a row's pointer reads back its whole record.
    #[tokio::test]
    async fn a_query_runs_to_completion_over_a_prefix_and_a_row_opens_its_record() {
        let (_dir, _sandbox, b) = seeded().await;
        let (tx, mut rx) = mpsc::channel(64);
        let window = TimeWindow::last(chrono::Duration::days(30));
        let last = run(
            InsightsCommand::Run {
                request: RequestId(1),
                groups: vec!["/aws/lambda/*".into()],
                window,
                text: "filter @type = \"REPORT\" | fields @timestamp, @log, @requestId, @duration | sort @duration desc | limit 5".into(),
            },
            &b,
            &tx,
        )
        .await;
        let Some(AppEvent::Insights(InsightsEvent::Started { groups, .. })) = rx.recv().await
        else {
            panic!("the start is announced first");
        };
        assert_eq!(groups.len(), 3, "{groups:?}");
        let InsightsEvent::Progress { results, .. } = last else {
            panic!("{last:?}");
        };
        assert_eq!(results.status, QueryStatus::Complete);
        assert_eq!(results.rows.len(), 5);
        let durations: Vec<f64> = results
            .rows
            .iter()
            .map(|r| field_of(r, "@duration").unwrap().parse().unwrap())
            .collect();
        assert!(durations.windows(2).all(|w| w[0] >= w[1]), "{durations:?}");
        let pointer = field_of(&results.rows[0], "@ptr").unwrap().to_string();
        let record = run(
            InsightsCommand::Record {
                request: RequestId(2),
                pointer,
            },
            &b,
            &tx,
        )
        .await;
        let InsightsEvent::Record {
            result: Ok(fields), ..
        } = record
        else {
            panic!("{record:?}");
        };
        assert_eq!(
            field_of(&fields, "@requestId"),
            field_of(&results.rows[0], "@requestId")
        );
        assert!(field_of(&fields, "@message").unwrap().starts_with("REPORT"));
    }

    /// Insights as CloudWatch answers a query over a group that does not exist: not found,
    /// naming every group sent (as the adapter words it); the rest as the sandbox does.
    struct NamesEveryGroup(std::sync::Arc<dyn LogInsights>);

    #[async_trait::async_trait]
    impl LogInsights for NamesEveryGroup {
        async fn start_query(&self, query: &InsightsQuery) -> Result<QueryId, DomainError> {
            let all: Vec<&str> = query.groups.iter().map(LogGroupName::as_str).collect();
            match self.0.start_query(query).await {
                Err(DomainError::NotFound(_)) => Err(DomainError::NotFound(format!(
                    "log group {}",
                    all.join(", ")
                ))),
                other => other,
            }
        }
        async fn query_results(&self, id: &QueryId) -> Result<QueryResults, DomainError> {
            self.0.query_results(id).await
        }
        async fn stop_query(&self, id: &QueryId) -> Result<(), DomainError> {
            self.0.stop_query(id).await
        }
        async fn log_record(
            &self,
            pointer: &str,
        ) -> Result<Vec<backoffice_domain::model::ResultField>, DomainError> {
            self.0.log_record(pointer).await
        }
        async fn list_definitions(&self) -> Result<Vec<QueryDefinition>, DomainError> {
            self.0.list_definitions().await
        }
        async fn put_definition(&self, d: &QueryDefinition) -> Result<String, DomainError> {
            self.0.put_definition(d).await
        }
        async fn delete_definition(&self, id: &str) -> Result<(), DomainError> {
            self.0.delete_definition(id).await
        }
    }

    /// A group named whole that does not exist is left out and said, and the query runs over
    /// the rest (one mistyped in the settings failed every default query); named alone, it is
    /// the one the failure names, not every group the query was sent with (CloudWatch's error
    /// named all 38).
    #[tokio::test]
    async fn a_missing_group_is_left_out_and_named_alone() {
        let (_dir, _sandbox, mut b) = seeded().await;
        b.insights = Some(std::sync::Arc::new(NamesEveryGroup(
            b.insights.take().unwrap(),
        )));
        let (tx, mut rx) = mpsc::channel(64);
        let query = |groups: Vec<String>| InsightsCommand::Run {
            request: RequestId(1),
            groups,
            window: TimeWindow::last(chrono::Duration::days(1)),
            text: "fields @message | limit 5".into(),
        };
        let last = run(
            query(vec!["/aws/lambda/nope".into(), "/aws/lambda/*".into()]),
            &b,
            &tx,
        )
        .await;
        assert!(!matches!(last, InsightsEvent::Failed { .. }), "{last:?}");
        let Some(AppEvent::Insights(InsightsEvent::Started {
            groups, left_out, ..
        })) = rx.recv().await
        else {
            panic!("a started query");
        };
        assert_eq!(left_out, ["/aws/lambda/nope"]);
        assert!(
            !groups.is_empty() && groups.iter().all(|g| g.as_str() != "/aws/lambda/nope"),
            "{groups:?}"
        );
        let last = run(query(vec!["/aws/lambda/nope".into()]), &b, &tx).await;
        let InsightsEvent::Failed { failure, .. } = last else {
            panic!("{last:?}");
        };
        assert_eq!(failure.message, "log group /aws/lambda/nope not found");
    }

    #[tokio::test]
    async fn a_prefix_that_matches_nothing_or_too_much_is_refused_before_a_query_starts() {
        let (_dir, _sandbox, b) = seeded().await;
        let e = resolve_groups(&b, &["/nothing/here*".into()])
            .await
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("no log group starts with /nothing/here"),
            "{e}"
        );
        let many: Vec<String> = (0..51).map(|i| format!("/aws/lambda/f{i}")).collect();
        let e = resolve_groups(&b, &many).await.unwrap_err();
        assert!(e.to_string().contains("past 50 log groups"), "{e}");
    }

    /// Saving and deleting a saved query go through the operations layer: the definition is
    /// there (then gone) and each write left its audit row with before and after.
    #[tokio::test]
    async fn saving_and_deleting_a_query_are_audited_with_before_and_after() {
        let (_dir, sandbox, b) = seeded().await;
        let reason = Reason::parse("on-call runbook").unwrap();
        let definition = QueryDefinition {
            id: None,
            name: "errors \"quoted\" 🚨".into(),
            text: "filter level = \"ERROR\"".into(),
            groups: vec![LogGroupName::parse("/aws/lambda/backoffice-api").unwrap()],
            builtin: false,
        };
        let done = crate::ops::perform(
            &b,
            crate::ops::Operation::SaveQuery(Box::new(definition.clone())),
            &reason,
        )
        .await
        .unwrap();
        assert!(done.summary.contains("audited"), "{}", done.summary);
        let saved = b.insights().unwrap().list_definitions().await.unwrap();
        let stored = saved.iter().find(|d| d.name == definition.name).unwrap();
        assert_eq!(stored.text, definition.text);
        let id = stored.id.clone().unwrap();
        crate::ops::perform(
            &b,
            crate::ops::Operation::DeleteQuery {
                id: id.clone(),
                name: definition.name.clone(),
            },
            &reason,
        )
        .await
        .unwrap();
        assert!(
            b.insights()
                .unwrap()
                .list_definitions()
                .await
                .unwrap()
                .is_empty()
        );
        let audit = sandbox
            .content
            .list_audit(
                &AuditFilter {
                    target_kind: Some(AuditKind::Query),
                    ..AuditFilter::default()
                },
                Pr::first(10),
            )
            .await
            .unwrap()
            .items;
        let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(actions, ["query.delete", "query.save"]);
        assert!(audit.iter().all(|a| a.target_id == id));
        assert!(audit[0].before.as_deref().unwrap().contains("🚨"));
        assert!(audit[0].after.is_none());
        assert!(audit[1].before.is_none());
        // Deleting again says it is gone and writes nothing.
        let again = crate::ops::perform(
            &b,
            crate::ops::Operation::DeleteQuery {
                id,
                name: definition.name.clone(),
            },
            &reason,
        )
        .await
        .unwrap_err();
        assert!(
            again.failure.message.contains("gone already"),
            "{}",
            again.failure.message
        );
    }

    /// The Metrics pane's load on the sandbox: every function of the environment, each metric
    /// a series.
    #[tokio::test]
    async fn metrics_load_every_function_of_the_environment() {
        let (_dir, _sandbox, b) = seeded().await;
        let window = TimeWindow::last(chrono::Duration::days(30));
        let event = run_metrics(
            MetricsCommand::Load {
                request: RequestId(3),
                window,
                period: chrono::Duration::hours(6),
            },
            &b,
        )
        .await;
        let MetricsEvent::Loaded {
            result: Ok((functions, series)),
            ..
        } = event
        else {
            panic!("{event:?}");
        };
        assert_eq!(functions, b.functions);
        assert!(functions.contains(&"backoffice-api".to_string()));
        let invocations: f64 = series
            .iter()
            .filter(|s| {
                s.function == "backoffice-api"
                    && s.metric == backoffice_domain::model::FunctionMetric::Invocations
            })
            .filter_map(|s| s.total())
            .sum();
        assert!(invocations > 0.0);
    }
}
