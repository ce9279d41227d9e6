//! Logs Insights against the Logs pane's FilterLogEvents path on moto, over the same window of
//! 100,000 events (`BENCH_INSIGHTS_EVENTS`) across three log groups: API calls made, bytes
//! received (response bodies), wall time and the console process's CPU time (getrusage
//! `RUSAGE_SELF`, user + system).
//!
//! Both sides run the console's own code on the console's settings: Insights is
//! `LogInsights::start_query` then `backoffice::exec::insights::poll_to_end` (what the Insights
//! pane's task runs) on `CloudWatchInsights::new`; the Logs pane's side is the executor's
//! `LogsCommand::Feed` over a `Window::Range` on `CloudWatchLogSource::new` (FilterLogEvents
//! page by page, 1,000 events a page, merged oldest first, behind the source's 5 calls/s
//! limiter), as `environments::open` builds them.
//!
//! Four cases, each timed `BENCH_INSIGHTS_ROUNDS` times (default 3), the order reversed every
//! other round:
//! - `insights rows`: `fields @timestamp, @message | sort @timestamp asc | limit 10000`;
//! - `feed 10,000`: the Logs pane's query stopped at 10,000 events, the same rows (checked);
//! - `feed all`: the Logs pane's query over the whole window (every event, checked);
//! - `insights stats`: `stats count(*) by @log`. moto evaluates only `fields`, `sort` and
//!   `limit` and ignores `stats`, so it answers one `@ptr` row per event: on moto this case
//!   measures the query's lifecycle plus moto's oversized answer, not an aggregation.
//!
//! Calls and bytes are counted by a small HTTP proxy between the SDK and moto (this binary run
//! again with `BENCH_INSIGHTS_PROXY` set, in its own process so its CPU is not the console's):
//! the console crate does not link the SDK itself, so an SDK interceptor is out of reach here.
//! moto is started on a free port from `.venv/bin/moto_server` unless
//! `BACKOFFICE_TEST_AWS_ENDPOINT` names one; with its own moto the bench also reads moto's CPU
//! time (`/proc/<pid>/stat`) per case.
//!
//! `AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing cargo bench --workspace
//! --all-features --locked --bench insights` (figures in docs/benchmarks.md).

// Test harness code: a failed unwrap is the test failing at the line that broke.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// getrusage is the one unsafe call: it fills a struct we own.
#![allow(unsafe_code)]

use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use backoffice::app::logs::{
    DEFAULT_BUFFER_LINES, FeedEnd, FeedSpec, LogsCommand, LogsEvent, Window, feed_channel,
};
use backoffice::app::{AppEvent, Command, Context, RequestId};
use backoffice::exec::insights::poll_to_end;
use backoffice::exec::{Backends, execute};
use backoffice_domain::adapters::aws::{
    AwsContext, AwsSettings, CloudWatchInsights, CloudWatchLogSource,
};
use backoffice_domain::model::{
    Actor, InsightsQuery, LogGroupName, QueryResults, TailItem, TimeWindow,
};
use backoffice_domain::ports::{LogInsights, LogSource};
use chrono::{DateTime, TimeZone, Utc};
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::collections::{BTreeMap, HashSet};
use std::io::BufRead;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

const GROUPS: usize = 3;
/// One event every 10 ms, round-robin over the groups: distinct timestamps, so both sides'
/// "oldest first" is one order.
const STEP_MS: i64 = 10;
const ROWS_QUERY: &str = "fields @timestamp, @message | sort @timestamp asc | limit 10000";
const STATS_QUERY: &str = "stats count(*) by @log";
/// The Insights rows (and the feed stopped at the same number): Insights' most.
const ROWS: usize = 10_000;
const COUNTS_PATH: &str = "/__bench/counts";

fn env_number(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(s) => s
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a whole number, not {s:?}")),
        Err(_) => default,
    }
}

// ---------------------------------------------------------------------------------------------
// The counting proxy (its own process).

/// Calls and body bytes of one operation, as the proxy saw them.
#[derive(Debug, Default, Clone, Copy, serde::Serialize, serde::Deserialize)]
struct OpCount {
    calls: u64,
    request_bytes: u64,
    response_bytes: u64,
}

type Counts = BTreeMap<String, OpCount>;

#[derive(Clone)]
struct Proxy {
    upstream: String,
    client: HttpClient<HttpConnector, Body>,
    counts: Arc<Mutex<Counts>>,
}

async fn forward(proxy: Proxy, request: Request) -> Response {
    if request.uri().path() == COUNTS_PATH {
        let counts = proxy.counts.lock().unwrap().clone();
        return Response::new(Body::from(serde_json::to_vec(&counts).unwrap()));
    }
    // JSON 1.1: the operation is the target header's suffix (`Logs_20140328.StartQuery`).
    let operation = request
        .headers()
        .get("x-amz-target")
        .and_then(|t| t.to_str().ok())
        .and_then(|t| t.rsplit('.').next())
        .unwrap_or("other")
        .to_string();
    let (mut parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let target: Uri = format!(
        "{}{}",
        proxy.upstream,
        parts.uri.path_and_query().map_or("/", |p| p.as_str())
    )
    .parse()
    .unwrap();
    parts.uri = target;
    let request_bytes = body.len() as u64;
    let answer = match proxy
        .client
        .request(Request::from_parts(parts, Body::from(body)))
        .await
    {
        Ok(answer) => answer,
        Err(e) => {
            let mut r = Response::new(Body::from(format!("bench proxy: {e}")));
            *r.status_mut() = StatusCode::BAD_GATEWAY;
            return r;
        }
    };
    let (parts, body) = answer.into_parts();
    let body = axum::body::to_bytes(Body::new(body), usize::MAX)
        .await
        .unwrap();
    {
        let mut counts = proxy.counts.lock().unwrap();
        let c = counts.entry(operation).or_default();
        c.calls += 1;
        c.request_bytes += request_bytes;
        c.response_bytes += body.len() as u64;
    }
    Response::from_parts(parts, Body::from(body))
}

async fn run_proxy(upstream: String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    // The parent reads the port from the first line.
    println!("{}", listener.local_addr().unwrap().port());
    let proxy = Proxy {
        upstream: upstream.trim_end_matches('/').to_string(),
        client: HttpClient::builder(TokioExecutor::new()).build_http(),
        counts: Arc::default(),
    };
    let app = axum::Router::new().fallback(move |request: Request| forward(proxy.clone(), request));
    axum::serve(listener, app).await.unwrap();
}

async fn read_counts(port: u16) -> Counts {
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    s.write_all(
        format!("GET {COUNTS_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    )
    .await
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (_, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    serde_json::from_str(body).expect("the proxy's counts")
}

fn minus(after: &Counts, before: &Counts) -> Counts {
    after
        .iter()
        .filter_map(|(op, a)| {
            let b = before.get(op).copied().unwrap_or_default();
            let d = OpCount {
                calls: a.calls - b.calls,
                request_bytes: a.request_bytes - b.request_bytes,
                response_bytes: a.response_bytes - b.response_bytes,
            };
            (d.calls > 0).then(|| (op.clone(), d))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Processes and clocks.

/// Children this bench started, ended by their own ids when it is done.
struct Children(Vec<Child>);

impl Drop for Children {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "nothing listens on {port}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// This process's CPU time, user + system, all threads.
fn own_cpu() -> Duration {
    // SAFETY: `rusage` is plain integers, for which all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes one `rusage` through a pointer to one we own.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    assert_eq!(rc, 0, "getrusage failed");
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// A child's CPU time (utime + stime, fields 14 and 15 of /proc/PID/stat), all its threads.
fn child_cpu(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // The command name (field 2) may hold spaces; fields are counted after its ')'.
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = after.split(' ').collect();
    let ticks: u64 = f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap();
    // SAFETY: sysconf reads a configuration value; it touches no memory of ours.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Duration::from_micros(ticks * 1_000_000 / hz)
}

// ---------------------------------------------------------------------------------------------
// The data and the two paths.

fn message(seq: usize) -> String {
    let level = match seq % 50 {
        0 => "ERROR",
        n if n % 10 == 0 => "WARN",
        _ => "INFO",
    };
    let path = ["/posts", "/posts/{id}/comments", "/users/me", "/reports"][seq % 4];
    let h = (seq as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    format!(
        r#"{{"level":"{level}","target":"backoffice_api::http","request_id":"{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}","method":"GET","path":"{path}","status":200,"duration_ms":{},"seq":{seq}}}"#,
        h >> 32,
        (h >> 16) & 0xffff,
        (h >> 4) & 0xfff,
        (h >> 20) & 0xfff,
        h & 0xffff_ffff_ffff,
        h % 250,
    )
}

fn context() -> Context {
    Context {
        environment: "bench".into(),
        production: false,
        profile: None,
        region: "us-east-1".into(),
        operator: "bench".into(),
        read_only: true,
        audited: false,
    }
}

/// One answer to the Insights query, as the Insights pane's task gets it: StartQuery, then
/// the console's polling loop until the status is final.
async fn insights(
    insights: &dyn LogInsights,
    groups: &[LogGroupName],
    window: TimeWindow,
    text: &str,
) -> QueryResults {
    let query = InsightsQuery::new(groups.to_vec(), window, text).unwrap();
    let id = insights.start_query(&query).await.unwrap();
    poll_to_end(insights, &id, |_| async { true })
        .await
        .unwrap()
        .expect("nobody stopped the query")
}

/// The Logs pane's window query through the executor, as the pane starts it: every batch's
/// messages, and how it ended.
async fn feed(
    b: &Backends,
    request: u64,
    groups: &[LogGroupName],
    window: TimeWindow,
    limit: usize,
) -> (Vec<String>, FeedEnd) {
    let (tx, mut rx) = mpsc::channel::<AppEvent>(64);
    let (handle, stop) = feed_channel();
    let request = RequestId(request);
    let spec = FeedSpec {
        groups: groups.to_vec(),
        window: Window::Range(window),
        pattern: None,
    };
    execute(
        Command::Logs(LogsCommand::Feed {
            request,
            spec,
            limit,
            stop,
        }),
        b.clone(),
        context(),
        tx,
    );
    let mut messages = Vec::new();
    let end = loop {
        match rx.recv().await.expect("the feed answers") {
            AppEvent::Logs(LogsEvent::Batch { items, .. }) => {
                for item in items {
                    if let TailItem::Events(events) = item {
                        messages.extend(events.into_iter().map(|e| e.message));
                    }
                }
            }
            AppEvent::Logs(LogsEvent::Ended { result, .. }) => {
                break result.unwrap_or_else(|f| panic!("the feed failed: {f:?}"));
            }
            AppEvent::Logs(LogsEvent::Problem { failure, .. }) => {
                panic!("the feed met a problem: {failure:?}")
            }
            other => panic!("unexpected {other:?}"),
        }
    };
    drop(handle);
    (messages, end)
}

fn column(results: &QueryResults, field: &str) -> Vec<String> {
    results
        .rows
        .iter()
        .filter_map(|r| r.iter().find(|f| f.field == field).map(|f| f.value.clone()))
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Case {
    InsightsRows,
    Feed10k,
    FeedAll,
    InsightsStats,
}

impl Case {
    fn label(self) -> &'static str {
        match self {
            Case::InsightsRows => "Insights `fields`, `sort @timestamp asc`, `limit 10000`",
            Case::Feed10k => "Logs pane FilterLogEvents, stopped at 10,000 events",
            Case::FeedAll => "Logs pane FilterLogEvents, whole window",
            Case::InsightsStats => "Insights `stats count(*) by @log` (moto: no stats)",
        }
    }
}

#[derive(Debug, Clone)]
struct Sample {
    calls: Counts,
    rows: usize,
    wall: Duration,
    cpu: Duration,
    moto_cpu: Option<Duration>,
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn mb(bytes: u64) -> String {
    if bytes >= 100_000 {
        format!("{:.2} MB", bytes as f64 / 1e6)
    } else {
        format!("{:.1} kB", bytes as f64 / 1e3)
    }
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

#[tokio::main]
async fn main() {
    if let Ok(upstream) = std::env::var("BENCH_INSIGHTS_PROXY") {
        run_proxy(upstream).await;
        return;
    }
    if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() && std::env::var_os("AWS_PROFILE").is_none()
    {
        panic!("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (any values do for moto)");
    }
    let events = env_number("BENCH_INSIGHTS_EVENTS", 100_000);
    let rounds = env_number("BENCH_INSIGHTS_ROUNDS", 3).max(1);
    assert!(
        events >= ROWS,
        "BENCH_INSIGHTS_EVENTS must be at least {ROWS}"
    );

    let mut children = Children(Vec::new());
    let (moto, moto_pid) = match std::env::var("BACKOFFICE_TEST_AWS_ENDPOINT") {
        Ok(url) => (url, None),
        Err(_) => {
            let port = free_port();
            let server = concat!(env!("CARGO_MANIFEST_DIR"), "/.venv/bin/moto_server");
            let child = std::process::Command::new(server)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {server}: {e}"));
            let pid = child.id();
            children.0.push(child);
            wait_for_port(port).await;
            (format!("http://127.0.0.1:{port}"), Some(pid))
        }
    };
    let mut proxy = std::process::Command::new(std::env::current_exe().unwrap())
        .env("BENCH_INSIGHTS_PROXY", &moto)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the counting proxy starts");
    let mut line = String::new();
    std::io::BufReader::new(proxy.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    children.0.push(proxy);
    let proxy_port: u16 = line.trim().parse().expect("the proxy's port");

    // The console's settings (environments::aws_settings: defaults but for region and endpoint).
    let ctx = AwsContext::load(&AwsSettings {
        region: Some("us-east-1".into()),
        endpoint_url: Some(format!("http://127.0.0.1:{proxy_port}")),
        ..AwsSettings::default()
    })
    .await
    .expect("an AWS context for moto");

    // Arrange: three fresh groups, one stream each, `events` events round-robin.
    let run = format!("{}-{}", std::process::id(), Utc::now().timestamp_millis());
    let groups: Vec<LogGroupName> = (0..GROUPS)
        .map(|i| LogGroupName::parse(format!("/bench/insights-{run}/g{i}")).unwrap())
        .collect();
    let now = Utc::now().timestamp();
    let base: DateTime<Utc> = Utc
        .timestamp_opt(now - 1_800 - (events as i64 * STEP_MS) / 1_000, 0)
        .unwrap();
    let at = |seq: usize| base + chrono::Duration::milliseconds(seq as i64 * STEP_MS);
    let window = TimeWindow::new(
        base - chrono::Duration::seconds(1),
        at(events - 1) + chrono::Duration::seconds(2),
    )
    .unwrap();
    let writer = CloudWatchLogSource::new(&ctx);
    let before = read_counts(proxy_port).await;
    let arrange = Instant::now();
    let mut message_bytes = 0usize;
    for (i, g) in groups.iter().enumerate() {
        writer
            .create_group(g)
            .await
            .expect("moto creates the group");
        let batch: Vec<(DateTime<Utc>, String)> = (i..events)
            .step_by(GROUPS)
            .map(|seq| (at(seq), message(seq)))
            .collect();
        message_bytes += batch.iter().map(|(_, m)| m.len()).sum::<usize>();
        writer
            .put_events(g, "bench", &batch)
            .await
            .expect("moto takes the events");
    }
    let arranged = minus(&read_counts(proxy_port).await, &before);
    println!(
        "moto at {moto} (through the counting proxy on {proxy_port}); {events} events, {} bytes of messages ({:.0} a message), across {GROUPS} groups over {} s; arranged in {:.1} s with {} PutLogEvents calls",
        message_bytes,
        message_bytes as f64 / events as f64,
        (window.end - window.start).num_seconds(),
        arrange.elapsed().as_secs_f64(),
        arranged.get("PutLogEvents").map_or(0, |c| c.calls),
    );

    // The console's backends, as environments::open builds them.
    let logs = CloudWatchLogSource::new(&ctx);
    let filter_rate = 1.0 / logs.filter_call_interval().as_secs_f64();
    let backends = Backends {
        content: None,
        directory: None,
        objects: None,
        bucket: None,
        logs: Some(Arc::new(logs) as Arc<dyn LogSource>),
        log_groups: Vec::new(),
        insights: Some(Arc::new(CloudWatchInsights::new(&ctx)) as Arc<dyn LogInsights>),
        metrics: None,
        functions: Vec::new(),
        identity: Actor::parse("bench").unwrap().into(),
        database: None,
        environment: "bench".into(),
        throttles: Some(ctx.throttles().clone()),
    };
    let insights_port = backends.insights.clone().unwrap();

    let cases = [
        Case::InsightsRows,
        Case::Feed10k,
        Case::FeedAll,
        Case::InsightsStats,
    ];
    let mut samples: BTreeMap<Case, Vec<Sample>> = BTreeMap::new();
    let mut request = 0u64;
    let mut failed = false;
    for round in 0..rounds {
        let order: Vec<Case> = if round % 2 == 0 {
            cases.to_vec()
        } else {
            cases.iter().rev().copied().collect()
        };
        for case in order {
            request += 1;
            let counts_before = read_counts(proxy_port).await;
            let moto_before = moto_pid.map(child_cpu);
            let cpu_before = own_cpu();
            let start = Instant::now();
            let (rows, check) = match case {
                Case::InsightsRows => {
                    let r = insights(&*insights_port, &groups, window, ROWS_QUERY).await;
                    let got = column(&r, "@message");
                    let want: Vec<String> = (0..ROWS).map(message).collect();
                    (r.rows.len(), got == want)
                }
                Case::Feed10k => {
                    let (got, end) = feed(&backends, request, &groups, window, ROWS).await;
                    let want: Vec<String> = (0..ROWS).map(message).collect();
                    (got.len(), end == FeedEnd::Truncated && got == want)
                }
                Case::FeedAll => {
                    let (got, end) =
                        feed(&backends, request, &groups, window, DEFAULT_BUFFER_LINES).await;
                    let distinct: HashSet<&String> = got.iter().collect();
                    (
                        got.len(),
                        end == FeedEnd::Finished && got.len() == events && distinct.len() == events,
                    )
                }
                Case::InsightsStats => {
                    let r = insights(&*insights_port, &groups, window, STATS_QUERY).await;
                    // moto: one `@ptr` row per event; AWS: one row per group.
                    (
                        r.rows.len(),
                        r.rows.len() == events || r.rows.len() == GROUPS,
                    )
                }
            };
            let wall = start.elapsed();
            let cpu = own_cpu() - cpu_before;
            let moto_cpu = moto_pid.zip(moto_before).map(|(p, b)| child_cpu(p) - b);
            let calls = minus(&read_counts(proxy_port).await, &counts_before);
            if !check {
                eprintln!("round {round}: {:?} returned unexpected rows", case);
                failed = true;
            }
            eprintln!(
                "round {round}: {case:?}: {rows} rows in {:.2} s, console CPU {:.3} s",
                wall.as_secs_f64(),
                cpu.as_secs_f64()
            );
            samples.entry(case).or_default().push(Sample {
                calls,
                rows,
                wall,
                cpu,
                moto_cpu,
            });
        }
    }

    println!();
    println!(
        "| path | rows | API calls | bytes received | bytes sent | wall | console CPU | moto CPU |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for case in cases {
        let s = &samples[&case];
        // Calls and bytes are the same every round (checked below); time is the median.
        let first = &s[0];
        // StartQuery first, then the rest by name.
        let mut ops: Vec<(&String, &OpCount)> = first.calls.iter().collect();
        ops.sort_by_key(|(op, _)| (op.as_str() != "StartQuery", op.to_string()));
        let calls: Vec<String> = ops
            .iter()
            .map(|(op, c)| format!("{} {op}", c.calls))
            .collect();
        let received: u64 = first.calls.values().map(|c| c.response_bytes).sum();
        let sent: u64 = first.calls.values().map(|c| c.request_bytes).sum();
        let steady = s.iter().all(|x| {
            x.calls.values().map(|c| c.calls).sum::<u64>()
                == first.calls.values().map(|c| c.calls).sum::<u64>()
        });
        let cpu = format!(
            "{:.3} s",
            median(s.iter().map(|x| x.cpu).collect()).as_secs_f64()
        );
        let moto_cpu = if s.iter().all(|x| x.moto_cpu.is_some()) {
            secs(median(s.iter().filter_map(|x| x.moto_cpu).collect()))
        } else {
            "—".into()
        };
        println!(
            "| {} | {} | {}{} | {} | {} | {} | {} | {} |",
            case.label(),
            first.rows,
            calls.join(" + "),
            if steady { "" } else { " (varied)" },
            mb(received),
            mb(sent),
            secs(median(s.iter().map(|x| x.wall).collect())),
            cpu,
            moto_cpu,
        );
    }
    println!();
    println!(
        "{rounds} rounds, medians; FilterLogEvents limited to {filter_rate:.0} calls/s (the console's CloudWatchLogSource::new)."
    );
    for case in cases {
        let walls: Vec<String> = samples[&case]
            .iter()
            .map(|x| format!("{:.2}", x.wall.as_secs_f64()))
            .collect();
        let cpus: Vec<String> = samples[&case]
            .iter()
            .map(|x| format!("{:.3}", x.cpu.as_secs_f64()))
            .collect();
        println!(
            "{case:?}: wall s [{}], console CPU s [{}]",
            walls.join(", "),
            cpus.join(", ")
        );
    }
    drop(children);
    if failed {
        eprintln!("a path returned other rows than expected");
        std::process::exit(1);
    }
}
