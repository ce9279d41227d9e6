//! The on-call queries shipped with the console: Logs Insights query definitions for the
//! questions an incident starts with. Each is CloudWatch Logs Insights syntax, and each is
//! within what the sandbox's engine evaluates (a test runs every one on a seeded sandbox). They
//! read the fields Insights discovers in Lambda logs (`@type`, `@duration`, `@initDuration`,
//! `@requestId`, `@log`) and the API's JSON lines (`level`, `message`).

use crate::model::QueryDefinition;

/// Stands for the request id in the one-request query; the console asks for it (or calls
/// [`errors_of_request`]).
pub const REQUEST_ID_PLACEHOLDER: &str = "REQUEST_ID";

/// The lines that say an invocation failed, as the Logs pane reads them
/// (`log_analysis::classify`): the API's JSON lines at ERROR or FATAL, Python's `[ERROR]` lines
/// and tracebacks, Node's `\tERROR\t` lines and uncaught exceptions and rejections, a Rust
/// panic, Lambda's timeout, the runtime's exit and error lines (`RequestId: … Error: …`,
/// `Runtime.ExitError`, `Runtime.Unknown`).
const FAILED: &str = r#"level = "ERROR" or level = "FATAL" or @message like /^\[(ERROR|FATAL)\]/ or @message like /\t(ERROR|FATAL)\t/ or @message like /^thread '.*' panicked at / or @message like /^Traceback \(most recent call last\)/ or @message like /Uncaught Exception|Unhandled Promise Rejection/ or @message like /Task timed out after/ or @message like /^Runtime\.(ExitError|Unknown)/ or @message like /^RequestId: \S+ Error/"#;

/// Error lines counted per function and 5-minute bin, the worst first. Lines, not
/// invocations: one failing request often logs two (a panic and the runtime's exit), and a
/// line without an id (a panic) names no request to count it by; the Logs pane's invocations
/// view and the Metrics pane's `Errors` count invocations.
pub fn error_lines() -> String {
    format!(
        "filter {FAILED}\n| stats count(*) as errorLines by @log, bin(5m)\n| sort errorLines desc"
    )
}

/// [`error_lines`] narrowed to one function's log group (`/aws/lambda/<function>`), for
/// the Metrics pane's jump: `@log` is `account:group`, so the group's name ends it.
pub fn error_lines_of(function: &str) -> String {
    let mut escaped = String::new();
    for c in format!("/aws/lambda/{function}").chars() {
        if "\\/.^$|?*+()[]{}".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    format!("filter @log like /:{escaped}$/\n| {}", error_lines())
}

/// The failing lines themselves, newest first, each with its request: what the Metrics pane's
/// jump runs over one function's group, so that `r` on a row opens that request's lines. The
/// request is Lambda's `@requestId` (its text lines) or the line's own `requestId` (JSON lines,
/// where Insights discovers no `@requestId`: the column was empty and left out). `@log` and
/// `@logStream` come too: a panic's line carries no id, and `r` finds its request by its
/// stream.
pub fn failed_requests() -> String {
    format!(
        "fields @timestamp, coalesce(@requestId, requestId) as requestId, @message, @log, @logStream\n| filter {FAILED}\n| sort @timestamp desc\n| limit 200"
    )
}

/// The error lines of one request, oldest first.
pub fn errors_of_request(request_id: &str) -> String {
    let escaped = request_id.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        "filter @message like \"{escaped}\"\n| filter {FAILED}\n| fields @timestamp, @log, @message\n| sort @timestamp asc"
    )
}

/// The built-in queries, in the order the console lists them.
pub fn builtin_queries() -> Vec<QueryDefinition> {
    let q = |name: &str, text: String| QueryDefinition {
        id: None,
        name: name.to_string(),
        text,
        groups: Vec::new(),
        builtin: true,
    };
    vec![
        q("error lines by function, 5 minutes", error_lines()),
        q(
            "duration p50/p95/p99 by function, 5 minutes",
            "filter @type = \"REPORT\"\n| stats pct(@duration, 50) as p50, pct(@duration, 95) as p95, pct(@duration, 99) as p99, count(*) as invocations by @log, bin(5m)\n| sort p99 desc".to_string(),
        ),
        q(
            "cold starts and their init duration",
            "filter @type = \"REPORT\" and ispresent(@initDuration)\n| stats count(*) as coldStarts, avg(@initDuration) as avgInitMs, max(@initDuration) as maxInitMs by @log\n| sort coldStarts desc".to_string(),
        ),
        q(
            "the slowest requests",
            "filter @type = \"REPORT\"\n| fields @timestamp, @log, @requestId, @duration, @billedDuration, @maxMemoryUsed, @initDuration\n| sort @duration desc\n| limit 50".to_string(),
        ),
        q(
            "the errors of one request id",
            errors_of_request(REQUEST_ID_PLACEHOLDER),
        ),
        q(
            "the most frequent error messages",
            format!(
                "filter {FAILED}\n| fields coalesce(message, @message) as error\n| stats count(*) as occurrences by @log, error\n| sort occurrences desc\n| limit 20"
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_id_is_quoted_safely() {
        let q = errors_of_request("a\"b\\c");
        assert!(
            q.starts_with("filter @message like \"a\\\"b\\\\c\"\n"),
            "{q}"
        );
        assert_eq!(
            errors_of_request("abc"),
            builtin_queries()[4]
                .text
                .replace(REQUEST_ID_PLACEHOLDER, "abc")
        );
    }

    #[test]
    fn every_builtin_has_a_name_and_the_one_request_query_its_placeholder() {
        let all = builtin_queries();
        assert_eq!(all.len(), 6);
        assert!(
            all.iter()
                .all(|d| d.builtin && d.id.is_none() && !d.name.is_empty())
        );
        assert!(all[4].text.contains(REQUEST_ID_PLACEHOLDER));
        assert_eq!(
            all.iter()
                .filter(|d| d.text.contains(REQUEST_ID_PLACEHOLDER))
                .count(),
            1
        );
    }

    #[test]
    fn the_narrowed_query_escapes_the_group_for_its_regex() {
        assert_eq!(
            error_lines_of("backoffice-api").lines().next(),
            Some(r"filter @log like /:\/aws\/lambda\/backoffice-api$/")
        );
        assert!(error_lines_of("a.b").contains(r"a\.b$/"));
    }

    #[cfg(feature = "sandbox")]
    mod on_the_sandbox {
        use super::super::*;
        use crate::model::{InsightsQuery, LogGroupName, QueryStatus, ResultRow, TimeWindow};
        use crate::ports::LogInsights;
        use crate::sandbox::{
            API_LOG_GROUP, SIGNUP_LOG_GROUP, Sandbox, SeedOptions, THUMBNAILS_LOG_GROUP,
        };
        use crate::services::log_analysis::{Kind, Level, classify};
        use chrono::{Duration, TimeZone, Utc};
        use std::collections::HashSet;

        struct Seeded {
            sandbox: Sandbox,
            window: TimeWindow,
            _dir: tempfile::TempDir,
            /// Every event of the three groups: group and message.
            events: Vec<(String, String)>,
        }

        const TIMED_OUT_ID: &str = "5f0c7e2a-1b3d-4c5e-8f9a-0b1c2d3e4f5a";
        const CRASHED_ID: &str = "6a1d8f3b-2c4e-4d6f-9a0b-1c2d3e4f5a6b";

        async fn seeded() -> Seeded {
            let dir = tempfile::tempdir().unwrap();
            let sandbox = Sandbox::open(dir.path()).await.unwrap();
            let now = Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0).unwrap();
            let options = SeedOptions {
                users: 5,
                posts: 10,
                comments: 10,
                reports: 2,
                post_images: 0,
                profile_images: 0,
                invocations: 1_500,
                now,
                ..SeedOptions::default()
            };
            sandbox.seed(&options, &|_| {}).await.unwrap();
            // Lambda's own timeout line and a Node runtime's error line, which the seed lacks.
            let api = LogGroupName::parse(API_LOG_GROUP).unwrap();
            sandbox
                .logs
                .append(
                    &api,
                    "2026/12/03/[$LATEST]feed",
                    &[
                        (
                            now - Duration::minutes(30),
                            format!("2026-12-03T11:30:00.000Z {TIMED_OUT_ID} Task timed out after 3.00 seconds"),
                        ),
                        (
                            now - Duration::minutes(20),
                            format!("2026-12-03T11:40:00.000Z\t{TIMED_OUT_ID}\tERROR\tInvoke Error \t{{}}"),
                        ),
                        // How the other runtimes fail in plain text, each a failure to
                        // the Logs pane: the built-ins must count every one.
                        (
                            now - Duration::minutes(19),
                            "thread 'tokio-runtime-worker' panicked at crates/domain/src/api/handlers.rs:88:9:".to_string(),
                        ),
                        (
                            now - Duration::minutes(18),
                            "Traceback (most recent call last):".to_string(),
                        ),
                        (
                            now - Duration::minutes(17),
                            format!("2026-12-03T11:43:00.000Z\t{CRASHED_ID}\tERROR\tUncaught Exception \t{{\"errorType\":\"TypeError\"}}"),
                        ),
                        (
                            now - Duration::minutes(16),
                            "Unhandled Promise Rejection: ReferenceError: x is not defined".to_string(),
                        ),
                        (
                            now - Duration::minutes(15),
                            format!("RequestId: {CRASHED_ID} Error: Runtime exited with error: exit status 101"),
                        ),
                        (now - Duration::minutes(14), "Runtime.ExitError".to_string()),
                        (now - Duration::minutes(13), "Runtime.Unknown".to_string()),
                        (
                            now - Duration::minutes(12),
                            format!("[FATAL]\t2026-12-03T11:48:00.000Z\t{CRASHED_ID}\tout of memory"),
                        ),
                        // Not failures: a word in a message, a panic quoted in the middle.
                        (
                            now - Duration::minutes(11),
                            r#"{"level":"INFO","message":"retrying after ERROR budget check"}"#.to_string(),
                        ),
                        (
                            now - Duration::minutes(10),
                            "note: run with `RUST_BACKTRACE=1` to display a backtrace".to_string(),
                        ),
                    ],
                )
                .await
                .unwrap();
            let window =
                TimeWindow::new(now - Duration::days(4), now + Duration::minutes(1)).unwrap();
            let mut events = Vec::new();
            let mut batches = sandbox.logs.window_batches(groups(), window);
            use futures::StreamExt;
            while let Some(batch) = batches.next().await {
                events.extend(batch.unwrap().into_iter().map(|e| (e.group, e.message)));
            }
            Seeded {
                sandbox,
                window,
                _dir: dir,
                events,
            }
        }

        fn groups() -> Vec<LogGroupName> {
            [API_LOG_GROUP, THUMBNAILS_LOG_GROUP, SIGNUP_LOG_GROUP]
                .into_iter()
                .map(|g| LogGroupName::parse(g).unwrap())
                .collect()
        }

        async fn run(s: &Seeded, text: &str) -> Vec<ResultRow> {
            let q = InsightsQuery::new(groups(), s.window, text).unwrap();
            let id = s.sandbox.insights.start_query(&q).await.unwrap();
            loop {
                let r = s.sandbox.insights.query_results(&id).await.unwrap();
                if r.status.is_final() {
                    assert_eq!(r.status, QueryStatus::Complete, "{text}");
                    return r.rows;
                }
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        }

        fn get<'a>(row: &'a ResultRow, field: &str) -> &'a str {
            crate::model::field_of(row, field).unwrap_or_else(|| panic!("{field} in {row:?}"))
        }

        fn num(row: &ResultRow, field: &str) -> f64 {
            get(row, field).parse().unwrap()
        }

        /// What the built-ins call a failure, read independently by `classify`.
        fn failed(message: &str) -> bool {
            let info = classify(message);
            info.kind != Kind::Report && matches!(info.level, Level::Error | Level::Fatal)
        }

        fn builtin(name: &str) -> String {
            builtin_queries()
                .into_iter()
                .find(|d| d.name == name)
                .unwrap()
                .text
        }

        /// The API's JSON failing lines name their request (`requestId`, the line's own: Insights
        /// discovers no `@requestId` in them, and the column was left out).
        #[tokio::test]
        async fn the_failing_lines_name_their_request() {
            let s = seeded().await;
            let rows = run(&s, &failed_requests()).await;
            let json: Vec<&ResultRow> = rows
                .iter()
                .filter(|r| get(r, "@message").starts_with('{'))
                .collect();
            assert!(!json.is_empty());
            for r in json {
                let id = get(r, "requestId");
                assert_eq!(
                    Some(id.to_string()),
                    classify(get(r, "@message")).request_id
                );
            }
            // Every row names its group and stream, for `r` to find a panic's request.
            assert!(
                rows.iter()
                    .all(|r| !get(r, "@log").is_empty() && !get(r, "@logStream").is_empty()),
                "{rows:?}"
            );
        }

        #[tokio::test]
        async fn every_builtin_evaluates_on_a_seeded_sandbox_with_meaningful_rows() {
            let s = seeded().await;
            let log = |g: &str| format!("sandbox:{g}");

            // Failed invocations: every failure line counted once, per function and bin.
            let rows = run(&s, &error_lines()).await;
            let failures: Vec<&(String, String)> =
                s.events.iter().filter(|(_, m)| failed(m)).collect();
            assert!(
                failures.len() > 20,
                "the seed fails about 3 % of invocations"
            );
            assert_eq!(
                rows.iter().map(|r| num(r, "errorLines")).sum::<f64>(),
                failures.len() as f64
            );
            assert!(
                rows.windows(2)
                    .all(|w| num(&w[0], "errorLines") >= num(&w[1], "errorLines"))
            );
            for r in &rows {
                assert!(get(r, "bin(5m)").ends_with(":00.000"), "{r:?}");
                let minute: u32 = get(r, "bin(5m)")[14..16].parse().unwrap();
                assert_eq!(minute % 5, 0);
            }
            let logs: HashSet<&str> = rows.iter().map(|r| get(r, "@log")).collect();
            assert!(logs.contains(log(API_LOG_GROUP).as_str()));
            assert!(logs.contains(log(THUMBNAILS_LOG_GROUP).as_str()));

            // The same narrowed to the API's group.
            let rows = run(&s, &error_lines_of("backoffice-api")).await;
            let api_failures = failures.iter().filter(|(g, _)| g == API_LOG_GROUP).count();
            assert_eq!(
                rows.iter().map(|r| num(r, "errorLines")).sum::<f64>(),
                api_failures as f64
            );
            assert!(rows.iter().all(|r| get(r, "@log") == log(API_LOG_GROUP)));

            // Percentiles: one row per function and bin holding an invocation.
            let reports: Vec<&(String, String)> = s
                .events
                .iter()
                .filter(|(_, m)| m.starts_with("REPORT RequestId: "))
                .collect();
            let rows = run(&s, &builtin("duration p50/p95/p99 by function, 5 minutes")).await;
            let keys: HashSet<(&str, &str)> = rows
                .iter()
                .map(|r| (get(r, "@log"), get(r, "bin(5m)")))
                .collect();
            assert_eq!(keys.len(), rows.len(), "one row per function and bin");
            assert_eq!(
                rows.iter().map(|r| num(r, "invocations")).sum::<f64>(),
                reports.len() as f64
            );
            for r in &rows {
                let (p50, p95, p99) = (num(r, "p50"), num(r, "p95"), num(r, "p99"));
                assert!(0.0 < p50 && p50 <= p95 && p95 <= p99, "{r:?}");
            }
            assert!(
                rows.windows(2)
                    .all(|w| num(&w[0], "p99") >= num(&w[1], "p99"))
            );
            assert_eq!(
                rows.iter()
                    .map(|r| get(r, "@log"))
                    .collect::<HashSet<_>>()
                    .len(),
                3
            );

            // Cold starts: the REPORT lines with an init duration, per function.
            let rows = run(&s, &builtin("cold starts and their init duration")).await;
            let cold = reports
                .iter()
                .filter(|(_, m)| m.contains("Init Duration"))
                .count();
            assert!(cold >= 3);
            assert_eq!(
                rows.iter().map(|r| num(r, "coldStarts")).sum::<f64>(),
                cold as f64
            );
            for r in &rows {
                assert!(120.0 <= num(r, "avgInitMs") && num(r, "avgInitMs") <= num(r, "maxInitMs"));
            }

            // The slowest requests: fifty REPORT lines, slowest first.
            let rows = run(&s, &builtin("the slowest requests")).await;
            assert_eq!(rows.len(), 50);
            assert!(
                rows.windows(2)
                    .all(|w| num(&w[0], "@duration") >= num(&w[1], "@duration"))
            );
            let slowest = reports
                .iter()
                .filter_map(|(_, m)| classify(m).report.map(|r| r.duration_ms))
                .fold(0.0, f64::max);
            assert_eq!(num(&rows[0], "@duration"), slowest);
            assert!(
                rows.iter().all(|r| get(r, "@requestId").len() == 36
                    && crate::model::field_of(r, "@ptr").is_some())
            );

            // The errors of one request: a failed API request's error line, and the timeout's two.
            let failed_api = failures
                .iter()
                .find(|(g, m)| g == API_LOG_GROUP && m.starts_with('{'))
                .unwrap();
            let id = classify(&failed_api.1).request_id.unwrap();
            let rows = run(&s, &errors_of_request(&id)).await;
            assert_eq!(rows.len(), 1);
            assert_eq!(get(&rows[0], "@message"), failed_api.1);
            let rows = run(&s, &errors_of_request(TIMED_OUT_ID)).await;
            assert_eq!(rows.len(), 2);
            assert!(get(&rows[0], "@message").contains("Task timed out"));
            assert!(get(&rows[1], "@message").contains("\tERROR\t"));
            assert!(run(&s, &errors_of_request("no\"such\\id")).await.is_empty());

            // The most frequent error messages: the API's messages counted, the most first.
            let rows = run(&s, &builtin("the most frequent error messages")).await;
            assert!(!rows.is_empty() && rows.len() <= 20);
            assert!(
                rows.windows(2)
                    .all(|w| num(&w[0], "occurrences") >= num(&w[1], "occurrences"))
            );
            let top = &rows[0];
            assert_eq!(get(top, "@log"), log(API_LOG_GROUP));
            let api_messages = failures
                .iter()
                .filter(|(g, m)| g == API_LOG_GROUP && m.contains(get(top, "error")))
                .count();
            assert_eq!(num(top, "occurrences"), api_messages as f64);
            assert!(num(top, "occurrences") > 1.0);
        }
    }
}
