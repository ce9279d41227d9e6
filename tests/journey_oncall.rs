//! The on-call engineer's hour, end to end: the real binary in a pseudo-terminal on moto and
//! MariaDB, on a world of three Lambda log groups that share their `/aws/lambda/<app>-` prefix
//! and fail every way a Lambda fails (a Rust panic, a Python traceback, a Node uncaught
//! exception, a timeout, an ERROR line with an error report) beside healthy requests, JSON and
//! text REPORT lines and a 12 KB line. The engineer picks the three groups, queries the last
//! hour, reads the failure count, lists the failing requests and reads one request's lines.
//! Then the runbook from a firing alarm: the badge on the status bar, `:alarms`, `I` (the
//! function's failing lines in Insights), `r` (the request's lines).

// Test harness code: a failed unwrap is the test failing at the line that broke.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::console::{Console, LONG};
use common::world::World;

#[test]
#[ignore = "needs services: tests/run.sh"]
fn on_call_finds_the_failing_requests_of_the_last_hour_and_reads_one() {
    let world = World::build("oncall");
    let dirs = tempfile::tempdir().unwrap();
    world.write_config(dirs.path());
    // The api's errors alarm fires (moto never evaluates alarms: its state is set as CloudWatch
    // would set it). Set last, it is the newest firing alarm of the account: listed first.
    let api = world.groups[0]
        .trim_start_matches("/aws/lambda/")
        .to_string();
    world.env.block_on(async {
        use backoffice_domain::adapters::aws::{AwsContext, AwsSettings, CloudWatchMetrics};
        use backoffice_domain::model::{AlarmMetric, AlarmState};
        let ctx = AwsContext::load(&AwsSettings {
            region: Some("us-east-1".into()),
            endpoint_url: Some(world.env.endpoint.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
        let metrics = CloudWatchMetrics::new(&ctx);
        let name = format!("{api}-errors");
        let metric = AlarmMetric {
            namespace: "AWS/Lambda".into(),
            name: "Errors".into(),
            dimensions: vec![("FunctionName".into(), api.clone())],
            stat: "Sum".into(),
            period_seconds: 300,
        };
        metrics
            .put_alarm(&name, &metric, 1.0, "GreaterThanOrEqualToThreshold")
            .await
            .unwrap();
        metrics
            .set_alarm_state(&name, AlarmState::Alarm, "Threshold Crossed: 2 datapoints")
            .await
            .unwrap();
    });
    let mut c = Console::start_with(dirs, &["--env", "moto"], &[]);
    c.wait_for("Reports queue", LONG);

    // The picker lists the environment's three groups first, whole.
    c.keys(b":logs\r");
    let picker = c.wait_for(&world.groups[2], LONG);
    for g in &world.groups {
        assert!(
            picker.contains(g.as_str()),
            "{g} is listed whole:\n{picker}"
        );
    }
    // Pick the three; `f` opens the query prompt over the picker.
    c.keys(b" ");
    c.keys(b" ");
    c.keys(b" ");
    c.wait_for("3 picked", LONG);
    c.keys(b"f");
    c.wait_for("Tail or query", LONG);
    c.keys(b"\x15");
    c.keys(b"1h\r");
    let lines = c.wait_until("the query's end", |t| {
        t.contains("last 1h") && !t.contains("querying")
    });
    // Every line of the hour (15 + 10 + 12), eight invocations, five of them failed: a panic
    // (its exit error and error report are the same failure), an ERROR line with an error
    // report, a traceback, an uncaught exception and a timeout; each counted once.
    assert!(lines.contains("· 37 lines"), "{lines}");
    let strip = |t: &str, row: &str| -> String {
        t.lines()
            .find(|l| l.contains(row))
            .unwrap_or_default()
            .to_string()
    };
    assert!(strip(&lines, "invocations").contains(" 8 "), "{lines}");
    assert!(
        strip(&lines, "error lines").contains("· 5 failed"),
        "{lines}"
    );
    // Lines say which function they came from by what tells the groups apart.
    // (The api's lines are above, off screen: the invocations show its label.)
    for label in [" thumbnails ", " post-confirmation "] {
        assert!(lines.contains(label), "{label:?} labels lines:\n{lines}");
    }
    assert!(
        !lines.contains("shop-oncall"),
        "the shared prefix is dropped:\n{lines}"
    );

    // The invocations: the failed ones say so, function names whole.
    c.keys(b"v");
    let table = c.wait_for("8 invocations", LONG);
    let rows: Vec<&str> = table.lines().filter(|l| l.contains(" MB ")).collect();
    assert_eq!(rows.len(), 8, "{table}");
    let failed: Vec<&&str> = rows.iter().filter(|l| l.contains("failed")).collect();
    assert_eq!(failed.len(), 5, "{table}");
    for id in &world.failed {
        let short = &id[..8];
        assert!(
            failed.iter().any(|r| r.contains(short)),
            "{short} is among the failed:\n{table}"
        );
    }
    for label in [" api ", " thumbnails ", " post-confirmation "] {
        assert!(table.contains(label), "{label:?} is whole:\n{table}");
    }

    // The panic: second in time. Its lines, labelled as in the viewer.
    c.keys(b"g");
    c.keys(b"j");
    c.keys(b"\r");
    c.wait_for(&format!("Request {}", world.failed[0]), LONG);
    let request = c.wait_until("the request's lines", |t| t.contains("· done"));
    assert!(
        request.contains("thread 'main' panicked at src/bin/api.rs:42:9:"),
        "{request}"
    );
    assert!(request.contains("Runtime.ExitError"), "{request}");
    assert!(request.contains(" api "), "{request}");
    assert!(!request.contains("shop-oncall"), "{request}");
    // Nothing from another request.
    for id in world.succeeded.iter().chain(&world.failed[1..]) {
        assert!(
            !request.contains(id.as_str()),
            "{id} is not this request's:\n{request}"
        );
    }
    c.keys(b"\x1b");
    c.wait_for("8 invocations", LONG);

    // The runbook: the badge says an alarm fires; `:alarms` lists it first; `I` runs its
    // function's failing lines in Insights (moto ignores the filter and answers every line,
    // newest first: the ERROR request's report); `r` opens that request's lines.
    let status = c.wait_for("⚠", LONG);
    assert!(status.contains(" alarm"), "{status}");
    c.keys(b":alarms\r");
    let alarms = c.wait_for(&format!("{api}-errors"), LONG);
    let first = alarms
        .lines()
        .find(|l| l.contains("ALARM "))
        .unwrap_or_default();
    assert!(
        first.contains(&format!("{api}-errors")),
        "listed first:\n{alarms}"
    );
    c.keys(b"I");
    let result = c.wait_until("the failing lines", |t| {
        t.contains("Insights · ") && t.contains(" · complete, ")
    });
    assert!(result.contains(&world.groups[0]), "{result}");
    c.keys(b"r");
    let request = c.wait_until("the request's lines", |t| {
        t.contains("Request ") && t.contains("· done")
    });
    // The line is cut at the pane's edge; its start says enough.
    assert!(request.contains("\"db time"), "{request}");
    assert!(
        world
            .failed
            .iter()
            .any(|id| request.contains(&format!("Request {id}"))),
        "a failed request:\n{request}"
    );
    c.quit();
    world.env.drop_database();
}
