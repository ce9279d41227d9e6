//! The `api` binary under a mixed load over loopback, shared by the load test
//! (`tests/load.rs`, a minute in every full run) and the soak benchmark (`benches/soak.rs`, ten
//! minutes of a release build): the server started with its MariaDB database and moto's tokens,
//! the callers, the mix, and what they tally.
#![allow(dead_code)]
// each user takes its own part
// Test harness code: a failed unwrap is the run failing at the line that broke.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::support;
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

pub fn setting(name: &str, default: u64) -> u64 {
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
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("RssAnon:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

pub struct Caller {
    client: Client<HttpConnector, Body>,
    base: String,
    token: String,
}

impl Caller {
    /// Status and JSON body (Null when empty), or the transport error.
    pub async fn call(
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
pub struct Tally {
    pub latencies_us: Vec<u64>,
    pub statuses: BTreeMap<(&'static str, u16), u64>,
    pub transport_errors: Vec<String>,
    pub posts_created: Vec<i64>,
    pub comments_created: u64,
}

impl Tally {
    pub fn add(&mut self, t: Tally) {
        self.latencies_us.extend(t.latencies_us);
        for (k, n) in t.statuses {
            *self.statuses.entry(k).or_default() += n;
        }
        self.transport_errors.extend(t.transport_errors);
        self.posts_created.extend(t.posts_created);
        self.comments_created += t.comments_created;
    }
}

pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The `api` binary at `binary`, listening on loopback, its database and its caller.
pub struct Running {
    pub server: tokio::process::Child,
    pub pid: u32,
    pub caller: Arc<Caller>,
    pub db: support::MysqlHarness,
    pub user: support::MotoUser,
    /// Its stdout and stderr (the request log).
    pub logs: tempfile::NamedTempFile,
    /// The posts made before the load, which reads and comments pick from.
    pub seeded: Arc<Vec<i64>>,
}

/// Starts `binary` on a fresh database with a moto user's token, waits until it answers, and
/// makes 20 posts.
pub async fn start(binary: &str) -> Running {
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
    let mut server = tokio::process::Command::new(binary)
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
    Running {
        server,
        pid,
        caller,
        db,
        user,
        logs,
        seeded: Arc::new(seeded),
    }
}

/// `workers` keep-alive callers until `deadline`: 60 % `GET /posts?limit=20`, 10 %
/// `GET /posts/{id}`, 20 % `POST /posts`, 10 % `POST /posts/{id}/comments`.
pub async fn mix(running: &Running, workers: u64, deadline: Instant) -> Tally {
    let mut tasks = Vec::new();
    for w in 0..workers {
        let caller = running.caller.clone();
        let seeded = running.seeded.clone();
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
        all.add(t.await.unwrap());
    }
    all
}

/// Memory of `pid` every `every` until `until`: (seconds since `started`, KiB).
pub fn sample_memory(
    pid: u32,
    started: Instant,
    until: Instant,
    every: Duration,
) -> tokio::task::JoinHandle<Vec<(f64, u64)>> {
    tokio::spawn(async move {
        let mut samples = Vec::new();
        while Instant::now() < until {
            if let Some(kib) = rss_kib(pid) {
                samples.push((started.elapsed().as_secs_f64(), kib));
            }
            tokio::time::sleep(every).await;
        }
        samples
    })
}

/// No transport error, no 5xx, only the successes the mix expects, every kind ran, and every
/// acknowledged write is a row.
pub async fn check(running: &Running, all: &Tally) {
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
    let pool = running.db.store.pool();
    let posts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM posts WHERE author_sub = ?")
        .bind(running.user.sub.as_str())
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(
        posts as usize,
        running.seeded.len() + all.posts_created.len(),
        "posts acknowledged and posts stored differ"
    );
    let mut ids = all.posts_created.clone();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all.posts_created.len(), "an id was given twice");
    let comments: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM comments WHERE author_sub = ?")
        .bind(running.user.sub.as_str())
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(
        comments as u64, all.comments_created,
        "comments lost or doubled"
    );
}

/// One line of throughput and latency percentiles.
pub fn summary(all: &mut Tally, workers: u64, elapsed: Duration) -> String {
    all.latencies_us.sort_unstable();
    let n = all.latencies_us.len();
    let ms = |us: u64| us as f64 / 1000.0;
    format!(
        "{workers} workers, {:.1} s, {n} requests, {:.0} req/s; latency ms p50 {:.2} p90 {:.2} p99 {:.2} max {:.2}",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        ms(percentile(&all.latencies_us, 50.0)),
        ms(percentile(&all.latencies_us, 90.0)),
        ms(percentile(&all.latencies_us, 99.0)),
        ms(*all.latencies_us.last().unwrap_or(&0)),
    )
}
