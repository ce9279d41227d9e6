//! `backoffice insights run`, `backoffice metrics` and `backoffice alarms`: the Insights and
//! Metrics panes for scripts. A query waits for completion (progress on stderr, `ctrl-c` stops
//! it) and prints its rows; `alarms` exits non-zero while any alarm is in ALARM.

use super::{InsightsCommand, Session, domain, records};
use crate::exec::insights::{missing_named, poll_to_end, resolve_groups};
use crate::text::one_line;
use backoffice_domain::model::{
    FunctionMetric, InsightsQuery, QueryStatus, metric_period, parse_range, sort_alarms,
};
use color_eyre::eyre::{Result, bail, eyre};
use std::io::Read;

pub(super) async fn insights(cmd: InsightsCommand, s: &Session<'_>) -> Result<()> {
    let InsightsCommand::Run {
        query,
        query_file,
        since,
        groups,
    } = cmd;
    let text = match (query, query_file) {
        (Some(q), None) => q,
        (None, Some(path)) if path == "-" => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text)?;
            text
        }
        (None, Some(path)) => {
            std::fs::read_to_string(&path).map_err(|e| eyre!("--query-file {path}: {e}"))?
        }
        (Some(_), Some(_)) => bail!("give --query or --query-file, not both"),
        (None, None) => bail!("give the query: --query TEXT, or --query-file PATH (- for stdin)"),
    };
    let window =
        parse_range(&since, chrono::Utc::now()).map_err(|e| eyre!("--since: {}", e.message))?;
    let wanted = if groups.is_empty() {
        let configured: Vec<String> =
            s.b.log_groups
                .iter()
                .map(|g| g.as_str().to_string())
                .collect();
        if configured.is_empty() {
            vec!["/aws/lambda/*".to_string()]
        } else {
            configured
        }
    } else {
        groups
    };
    // `ctrl-c` is held from here: a query that starts is always stopped if it was pressed.
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    // A CloudWatch that does not answer held `ctrl-c` until the SDK's 30 s timeout: the
    // groups' lookup is given up at once, and the start is given a moment to name the query
    // it started, so that it can be stopped.
    let groups = tokio::select! {
        groups = resolve_groups(s.b, &wanted) => groups.map_err(domain)?,
        _ = interrupt.recv() => bail!("interrupted; no query was started"),
    };
    let query = InsightsQuery::new(groups, window, text).map_err(|e| eyre!("{e}"))?;
    let insights = s.b.insights().map_err(domain)?;
    if futures::FutureExt::now_or_never(interrupt.recv()).is_some() {
        bail!("interrupted; no query was started");
    }
    let starting = insights.start_query(&query);
    tokio::pin!(starting);
    let id = tokio::select! {
        id = &mut starting => match id {
            Ok(id) => id,
            Err(e) => return Err(domain(missing_named(s.b, &wanted, e).await)),
        },
        _ = interrupt.recv() => {
            eprintln!(
                "interrupted: waiting up to {} s for the query's id, to stop it…",
                START_GRACE.as_secs()
            );
            match tokio::time::timeout(START_GRACE, &mut starting).await {
                Ok(Ok(id)) => bail!("interrupted; {}", stop(insights, &id).await),
                Ok(Err(e)) => bail!("interrupted; no query was started ({})", e.chain()),
                Err(_) => bail!(
                    "interrupted; CloudWatch had not answered the query's start, so a query \
                     may run until it ends (at most 60 minutes; `aws logs describe-queries` \
                     lists it)"
                ),
            }
        }
    };
    eprintln!(
        "query {id} over {}, {} .. {} UTC",
        crate::text::plural(query.groups.len(), "group"),
        window.start.format("%Y-%m-%d %H:%M:%S"),
        window.end.format("%Y-%m-%d %H:%M:%S")
    );
    let polled = async {
        poll_to_end(insights, &id, |r| {
            eprintln!(
                "  {}: {:.0} matched of {:.0} scanned",
                r.status.as_str(),
                r.stats.records_matched,
                r.stats.records_scanned
            );
            std::future::ready(true)
        })
        .await
    };
    let last = tokio::select! {
        last = polled => last.map_err(domain)?,
        _ = interrupt.recv() => {
            // Stopped rather than left scanning (and billing) after the command is gone.
            bail!("interrupted; {}", stop(insights, &id).await);
        }
    };
    let Some(results) = last else {
        bail!("query {id} was stopped");
    };
    let columns = results.columns();
    if !s.out.json && !results.rows.is_empty() {
        s.print(&serde_json::Value::Null, || {
            columns
                .iter()
                .map(|c| one_line(c))
                .collect::<Vec<_>>()
                .join("\t")
        })?;
    }
    for row in &results.rows {
        s.print(&records::result_row(row), || {
            columns
                .iter()
                .map(|c| one_line(backoffice_domain::model::field_of(row, c).unwrap_or("")))
                .collect::<Vec<_>>()
                .join("\t")
        })?;
    }
    eprintln!(
        "{}: {}; {:.0} matched of {:.0} scanned ({:.0} bytes)",
        results.status.as_str(),
        crate::text::plural(results.rows.len(), "row"),
        results.stats.records_matched,
        results.stats.records_scanned,
        results.stats.bytes_scanned
    );
    match results.status {
        QueryStatus::Complete => Ok(()),
        other => bail!("query {id} ended {}", other.as_str()),
    }
}

/// How long an interrupted `insights run` waits for StartQuery's answer, to stop the query.
const START_GRACE: std::time::Duration = std::time::Duration::from_secs(3);

/// StopQuery, given as long as the start's grace; says how it went (the command ends either
/// way).
async fn stop(
    insights: &dyn backoffice_domain::ports::LogInsights,
    id: &backoffice_domain::model::QueryId,
) -> String {
    match tokio::time::timeout(START_GRACE, insights.stop_query(id)).await {
        Ok(Ok(())) => format!("query {id} was stopped"),
        Ok(Err(e)) => format!("query {id} could not be stopped: {}", e.chain()),
        Err(_) => format!("query {id} could not be stopped: CloudWatch did not answer"),
    }
}

pub(super) async fn metrics(since: &str, s: &Session<'_>) -> Result<()> {
    let now = chrono::Utc::now();
    let window = parse_range(since, now).map_err(|e| eyre!("--since: {}", e.message))?;
    let request = backoffice_domain::model::MetricsRequest {
        functions: s.b.functions.clone(),
        window,
        period: metric_period(&window, now),
    };
    if request.functions.is_empty() {
        bail!(
            "environment {} names no Lambda function: add /aws/lambda/ log groups or functions to its config",
            s.b.environment
        );
    }
    let series =
        s.b.metrics()
            .map_err(domain)?
            .function_metrics(&request)
            .await
            .map_err(domain)?;
    for function in &request.functions {
        let of = |m: FunctionMetric| {
            series
                .iter()
                .find(|x| x.function == *function && x.metric == m)
        };
        if s.out.json {
            for m in FunctionMetric::ALL {
                if let Some(x) = of(m) {
                    s.print(&records::metric_series(x, request.period), String::new)?;
                }
            }
        } else {
            let figures: Vec<String> = FunctionMetric::ALL
                .iter()
                .map(|m| {
                    let v = of(*m).and_then(|x| x.total());
                    format!(
                        "{} {}",
                        m.label(),
                        v.map_or("-".into(), |v| format!("{v:.0}"))
                    )
                })
                .collect();
            s.print(&serde_json::Value::Null, || {
                format!("{}\t{}", one_line(function), figures.join("\t"))
            })?;
        }
    }
    Ok(())
}

pub(super) async fn alarms(s: &Session<'_>) -> Result<()> {
    let mut alarms =
        s.b.metrics()
            .map_err(domain)?
            .alarms()
            .await
            .map_err(domain)?;
    sort_alarms(&mut alarms);
    for a in &alarms {
        s.print(&records::alarm(a), || {
            format!(
                "{}\t{}\t{}\t{}",
                a.state.as_str(),
                a.since.map_or("-".into(), |t| records::time(&t)),
                one_line(&a.name),
                one_line(&a.reason)
            )
        })?;
    }
    let firing = alarms
        .iter()
        .filter(|a| a.state == backoffice_domain::model::AlarmState::Alarm)
        .count();
    if firing > 0 {
        bail!("{} in ALARM", crate::text::plural(firing, "alarm"));
    }
    Ok(())
}
