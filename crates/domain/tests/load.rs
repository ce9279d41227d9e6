//! A minute of mixed load on the `api` binary over loopback: the real binary, its MariaDB
//! database, bearer tokens issued by moto's Cognito and verified against moto's JWKS. Its own
//! test binary, so that cargo runs it alone and nothing else competes for the cores.
//!
//! Checked: no answer is a 5xx and no request fails on the wire; every acknowledged write is a
//! row afterwards (posts and comments counted); the server's anonymous resident memory at the
//! end of the run is within a tenth (plus 2 MiB) of what it was after warming up. The latency
//! percentiles and the throughput are printed for `docs/benchmarks.md`.
//!
//! `BACKOFFICE_LOAD_SECONDS` (default 60) and `BACKOFFICE_LOAD_WORKERS` (default 8) shape it.

// Test harness code: a failed unwrap is the test failing at the line that broke.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "contract/support.rs"]
mod support;

use axum::body::Body;
use backoffice_domain::model::NewProfile;
use backoffice_domain::ports::ContentStore;
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name}={v} is not a number"))
        })
        .unwrap_or(default)
}

/// The anonymous resident memory of process `pid` in KiB (heap and stacks; not the code pages
/// a process maps in as it first runs them), from /proc.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("RssAnon:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

struct Caller {
    client: Client<HttpConnector, Body>,
    base: String,
    token: String,
}

impl Caller {
    /// Status and JSON body (Null when empty), or the transport error.
    async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<(u16, Value), String> {
        let mut request = http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header("authorization", format!("Bearer {}", self.token));
        let body = match body {
            Some(v) => {
                request = request.header("content-type", "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        let response = self
            .client
            .request(request.body(body).unwrap())
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).map_err(|e| format!("a non-JSON body ({e})"))?
        };
        Ok((status, value))
    }
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    statuses: BTreeMap<(&'static str, u16), u64>,
    transport_errors: Vec<String>,
    posts_created: Vec<i64>,
    comments_created: u64,
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs services: tests/run.sh"]
async fn the_api_binary_under_a_minute_of_mixed_load_loses_nothing_and_keeps_its_memory() {
    let seconds = setting("BACKOFFICE_LOAD_SECONDS", 60);
    let workers = setting("BACKOFFICE_LOAD_WORKERS", 8);
    let db = support::mysql_store().await;
    let user = support::moto_user().await;
    db.store
        .upsert_profile(&NewProfile {
            sub: user.sub.clone(),
            email: None,
            display_name: None,
        })
        .await
        .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let logs = tempfile::NamedTempFile::new().unwrap();
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_api"))
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .env(
            "DATABASE_URL",
            support::database_url(&support::mysql_server_url(), db.database_name()),
        )
        .env("USER_POOL_ID", &user.pool_id)
        .env("APP_CLIENT_IDS", &user.client_id)
        .env(
            "JWKS_URL",
            format!(
                "{}/{}/.well-known/jwks.json",
                support::moto_endpoint(),
                user.pool_id
            ),
        )
        .env("MEDIA_BUCKET", support::unique_name("load"))
        .env("AWS_ENDPOINT_URL", support::moto_endpoint())
        .env("AWS_REGION", "us-east-1")
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .stdout(logs.reopen().unwrap())
        .stderr(logs.reopen().unwrap())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let pid = server.id().unwrap();
    let caller = Arc::new(Caller {
        client: Client::builder(TokioExecutor::new()).build_http(),
        base: format!("http://127.0.0.1:{port}"),
        token: user.access_token.clone(),
    });
    let ready = Instant::now();
    loop {
        match caller.call("GET", "/profile", None).await {
            Ok((200, _)) => break,
            Ok((status, body)) => panic!("the api binary answered {status}: {body}"),
            Err(_) if ready.elapsed() < Duration::from_secs(20) => {
                if let Some(status) = server.try_wait().unwrap() {
                    let log = std::fs::read_to_string(logs.path()).unwrap_or_default();
                    panic!("the api binary exited ({status}) before listening:\n{log}");
                }
                tokio::time::sleep(Duration::from_millis(100)).await
            }
            Err(e) => panic!("the api binary did not listen within 20 s: {e}"),
        }
    }
    let mut seeded = Vec::new();
    for i in 0..20 {
        let (status, body) = caller
            .call("POST", "/posts", Some(json!({"body": format!("seed {i}")})))
            .await
            .unwrap();
        assert_eq!(status, 201, "{body}");
        seeded.push(body["id"].as_i64().unwrap());
    }
    let seeded = Arc::new(seeded);

    // Memory, once a second, for the whole run.
    let started = Instant::now();
    let sampler = tokio::spawn(async move {
        let mut samples = Vec::new();
        while started.elapsed() < Duration::from_secs(seconds) {
            if let Some(kib) = rss_kib(pid) {
                samples.push((started.elapsed().as_secs_f64(), kib));
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        samples
    });
    let deadline = started + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for w in 0..workers {
        let caller = caller.clone();
        let seeded = seeded.clone();
        tasks.push(tokio::spawn(async move {
            let mut tally = Tally::default();
            let mut i = w;
            while Instant::now() < deadline {
                i += 1;
                let post = seeded[(i as usize * 7) % seeded.len()];
                let (kind, method, path, body) = match i % 10 {
                    0..=5 => ("list", "GET", "/posts?limit=20".to_string(), None),
                    6 => ("get", "GET", format!("/posts/{post}"), None),
                    7 | 8 => (
                        "create",
                        "POST",
                        "/posts".to_string(),
                        Some(json!({"body": format!("load w{w} n{i}")})),
                    ),
                    _ => (
                        "comment",
                        "POST",
                        format!("/posts/{post}/comments"),
                        Some(json!({"body": format!("load comment w{w} n{i}")})),
                    ),
                };
                let t = Instant::now();
                match caller.call(method, &path, body).await {
                    Ok((status, body)) => {
                        tally.latencies_us.push(t.elapsed().as_micros() as u64);
                        *tally.statuses.entry((kind, status)).or_default() += 1;
                        match (kind, status) {
                            ("create", 201) => {
                                tally.posts_created.push(body["id"].as_i64().unwrap())
                            }
                            ("comment", 201) => tally.comments_created += 1,
                            _ => {}
                        }
                    }
                    Err(e) => tally.transport_errors.push(format!("{kind}: {e}")),
                }
            }
            tally
        }));
    }
    let mut all = Tally::default();
    for t in tasks {
        let t = t.await.unwrap();
        all.latencies_us.extend(t.latencies_us);
        for (k, n) in t.statuses {
            *all.statuses.entry(k).or_default() += n;
        }
        all.transport_errors.extend(t.transport_errors);
        all.posts_created.extend(t.posts_created);
        all.comments_created += t.comments_created;
    }
    let elapsed = started.elapsed();
    let samples = sampler.await.unwrap();
    server.kill().await.unwrap();

    all.latencies_us.sort_unstable();
    let n = all.latencies_us.len();
    let ms = |us: u64| us as f64 / 1000.0;
    eprintln!(
        "load: {workers} workers, {:.1} s, {n} requests, {:.0} req/s; latency ms p50 {:.2} p90 {:.2} p99 {:.2} max {:.2}",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        ms(percentile(&all.latencies_us, 50.0)),
        ms(percentile(&all.latencies_us, 90.0)),
        ms(percentile(&all.latencies_us, 99.0)),
        ms(*all.latencies_us.last().unwrap_or(&0)),
    );
    eprintln!("load: answers by (kind, status): {:?}", all.statuses);
    eprintln!("load: anonymous RSS KiB by second: {samples:?}");

    assert!(
        all.transport_errors.is_empty(),
        "{} requests failed on the wire, first: {:?}",
        all.transport_errors.len(),
        all.transport_errors.first()
    );
    let server_errors: Vec<_> = all
        .statuses
        .iter()
        .filter(|((_, s), _)| *s >= 500)
        .collect();
    assert!(server_errors.is_empty(), "5xx answers: {server_errors:?}");
    let unexpected: Vec<_> = all
        .statuses
        .iter()
        .filter(|((k, s), _)| {
            !matches!(
                (*k, *s),
                ("list" | "get", 200) | ("create" | "comment", 201)
            )
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "answers other than success: {unexpected:?}"
    );
    for kind in ["list", "get", "create", "comment"] {
        assert!(
            all.statuses.keys().any(|(k, _)| *k == kind),
            "no {kind} ran: {:?}",
            all.statuses
        );
    }

    // Every acknowledged write is a row.
    let pool = db.store.pool();
    let posts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM posts WHERE author_sub = ?")
        .bind(user.sub.as_str())
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(
        posts as usize,
        seeded.len() + all.posts_created.len(),
        "posts acknowledged and posts stored differ"
    );
    let mut ids = all.posts_created.clone();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all.posts_created.len(), "an id was given twice");
    let comments: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM comments WHERE author_sub = ?")
        .bind(user.sub.as_str())
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(
        comments as u64, all.comments_created,
        "comments lost or doubled"
    );

    // Memory: the last ten seconds against the ten after a five-second warm-up.
    let window = |from: f64, to: f64| {
        samples
            .iter()
            .filter(|(t, _)| *t >= from && *t < to)
            .map(|(_, kib)| *kib)
            .max()
    };
    let total = elapsed.as_secs_f64();
    if total >= 30.0 {
        let warm = window(5.0, 15.0).expect("samples after warm-up");
        let end = window(total - 10.0, total + 1.0).expect("samples at the end");
        eprintln!("load: anonymous memory {warm} KiB after warm-up, {end} KiB at the end");
        assert!(
            end <= warm + warm / 10 + 2 * 1024,
            "memory grew from {warm} KiB after warm-up to {end} KiB at the end: {samples:?}"
        );
    } else {
        eprintln!("load: a run under 30 s does not check memory (BACKOFFICE_LOAD_SECONDS)");
    }
    db.drop_database().await;
}
