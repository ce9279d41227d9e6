//! The living sandbox: a traffic simulator that drives the service's real API Router in
//! process, as sandbox users (authorizer claims, as API Gateway would pass them), and writes each
//! invocation's log lines to the sandbox's API log group exactly as Lambda would: START, the
//! API's own JSON lines, END and a REPORT with the measured duration (and an init duration when
//! a new execution environment starts). A small share of requests are malformed, and a small
//! share meet an injected database fault, so the console has errors to find.

use super::{API_LOG_GROUP, Sandbox, lambda_log};
use crate::adapters::faulty::{FaultyContentStore, database_unavailable};
use crate::adapters::sandbox::{SandboxLogStore, random_uuid};
use crate::api::{self, Api, Auth, AuthorizerClaims, InvocationId, Limits};
use crate::auth::{BlockCheck, ExpectedUse};
use crate::error::DomainResult;
use crate::model::{LogGroupName, PageRequest, UserSub, Username};
use crate::ports::{ContentStore, UserDirectory, UserQuery};
use axum::Router;
use axum::body::Body;
use chrono::Utc;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tower::ServiceExt;
use tracing::instrument::WithSubscriber;

/// The app client the simulated apps sign in with.
const SIM_CLIENT: &str = "sandbox-app";
/// The memory the simulated function is configured with.
const MEMORY_MB: u32 = 512;
/// Invocations one simulated execution environment serves before a new one (a cold start).
const ENVIRONMENT_LIFETIME: u32 = 200;

/// How much traffic, and how much of it goes wrong.
#[derive(Debug, Clone)]
pub struct TrafficOptions {
    /// Requests per second on average (arrivals are random).
    pub per_second: f64,
    /// Share of store calls that fail as if the database were unreachable.
    pub fault_rate: f64,
    /// Share of requests that are malformed (bad JSON, limits out of range, unknown routes).
    pub bad_request_rate: f64,
    pub seed: u64,
}

impl Default for TrafficOptions {
    fn default() -> Self {
        Self {
            per_second: 2.0,
            fault_rate: 0.01,
            bad_request_rate: 0.05,
            seed: 7,
        }
    }
}

/// One simulated invocation.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub request_id: String,
    pub method: &'static str,
    pub path: String,
    pub status: u16,
    pub duration: Duration,
    pub cold_start: bool,
}

struct Environment {
    stream: String,
    served: u32,
}

pub struct Simulator {
    router: Router,
    logs: SandboxLogStore,
    directory: crate::adapters::sandbox::SandboxUserDirectory,
    group: LogGroupName,
    users: Vec<(UserSub, Username)>,
    posts: Vec<i64>,
    rng: ChaCha8Rng,
    options: TrafficOptions,
    environment: Option<Environment>,
}

impl Simulator {
    /// A simulator over the sandbox's stores, acting as up to 120 of its enabled users.
    pub async fn new(sandbox: &Sandbox, options: TrafficOptions) -> DomainResult<Self> {
        let mut users = Vec::new();
        let mut page = PageRequest::first(60);
        for _ in 0..2 {
            let listed = sandbox
                .directory
                .list_users(&UserQuery::default(), page.clone())
                .await?;
            users.extend(
                listed
                    .items
                    .into_iter()
                    .filter(|u| u.enabled)
                    .filter_map(|u| u.sub.map(|s| (s, u.username))),
            );
            match listed.next {
                Some(cursor) => page = PageRequest::after(cursor, 60),
                None => break,
            }
        }
        let rate = options.fault_rate;
        let content: Arc<dyn ContentStore> = Arc::new(FaultyContentStore::new(
            Arc::new(sandbox.content.clone()),
            Arc::new(move |call| {
                (rand::random::<f64>() < rate).then(|| database_unavailable(call))
            }),
        ));
        let router = api::router(Api {
            content,
            objects: Arc::new(sandbox.objects.clone()),
            directory: Some(Arc::new(sandbox.directory.clone())),
            bucket: Sandbox::bucket(),
            auth: Auth {
                verifier: None,
                client_ids: vec![SIM_CLIENT.to_string()],
                accepted: ExpectedUse::Either,
                blocks: Arc::new(BlockCheck::default()),
            },
            limits: Limits::default(),
        });
        Ok(Self {
            router,
            logs: sandbox.logs.clone(),
            directory: sandbox.directory.clone(),
            group: LogGroupName::parse(API_LOG_GROUP)?,
            users,
            posts: Vec::new(),
            rng: ChaCha8Rng::seed_from_u64(options.seed),
            options,
            environment: None,
        })
    }

    /// Runs until the task is dropped or aborted, at the configured rate.
    pub async fn run(mut self) {
        if self.users.is_empty() || self.options.per_second <= 0.0 {
            return;
        }
        loop {
            // Exponential gaps: arrivals like independent users'.
            let u: f64 = self.rng.random_range(f64::EPSILON..1.0);
            let gap = -u.ln() / self.options.per_second;
            tokio::time::sleep(Duration::from_secs_f64(gap.min(30.0))).await;
            if let Err(e) = self.step().await {
                tracing::warn!(error = %e.chain(), "a simulated request could not be logged");
            }
        }
    }

    /// One request through the Router, logged as Lambda would log it.
    pub async fn step(&mut self) -> DomainResult<Invocation> {
        if self.users.is_empty() {
            return Err(crate::DomainError::Unsupported(
                "the sandbox has no enabled users to simulate; seed it first".to_string(),
            ));
        }
        let (sub, username) = self.users[self.rng.random_range(0..self.users.len())].clone();
        // Now and then the user has just signed in: their history grows as the traffic runs.
        if self.rng.random_range(0..20) == 0 {
            let event = super::seed::simulated_sign_in(&mut self.rng, Utc::now());
            self.directory.record_auth_event(&username, &event).await?;
        }
        let (method, path, body) = self.pick_request();
        let request_id = random_uuid(&mut self.rng);
        let cold_start = self
            .environment
            .as_ref()
            .is_none_or(|e| e.served >= ENVIRONMENT_LIFETIME);
        if cold_start {
            self.environment = Some(Environment {
                stream: lambda_log::stream_name(Utc::now(), self.rng.random::<u128>()),
                served: 0,
            });
        }
        let init_ms = cold_start.then(|| self.rng.random_range(90.0..260.0));
        let started_at = Utc::now();

        let mut request = axum::http::Request::builder()
            .method(method)
            .uri(&path)
            .header("content-type", "application/json")
            .body(Body::from(body.unwrap_or_default()))
            .map_err(|e| crate::DomainError::bug(format!("simulated request: {e}")))?;
        request.extensions_mut().insert(AuthorizerClaims(json!({
            "sub": sub.as_str(),
            "username": username.as_str(),
            "token_use": "access",
            "client_id": SIM_CLIENT,
        })));
        request
            .extensions_mut()
            .insert(InvocationId(request_id.clone()));

        let capture = Capture::default();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .with_target(false)
            .without_time()
            .with_max_level(tracing::Level::INFO)
            .with_writer(capture.clone())
            .finish();
        let clock = Instant::now();
        let response = self
            .router
            .clone()
            .oneshot(request)
            .with_subscriber(subscriber)
            .await
            .unwrap_or_else(|never| match never {});
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap_or_default();
        let duration = clock.elapsed();
        self.remember_posts(&path, &bytes);

        let mut lines = vec![(started_at, lambda_log::start_line(&request_id))];
        for line in capture.lines() {
            lines.push((started_at, line));
        }
        let ended_at = started_at + chrono::Duration::from_std(duration).unwrap_or_default();
        let duration_ms = duration.as_secs_f64() * 1000.0;
        let used = 48 + self.rng.random_range(0..24);
        lines.push((ended_at, lambda_log::end_line(&request_id)));
        lines.push((
            ended_at,
            lambda_log::report_line(&request_id, duration_ms, MEMORY_MB, used, init_ms),
        ));
        let environment = self.environment.as_mut().map(|e| {
            e.served += 1;
            e.stream.clone()
        });
        if let Some(stream) = environment {
            self.logs.append(&self.group, &stream, &lines).await?;
        }
        Ok(Invocation {
            request_id,
            method,
            path,
            status,
            duration,
            cold_start,
        })
    }

    fn some_post(&mut self) -> i64 {
        if self.posts.is_empty() {
            return self.rng.random_range(1..2000);
        }
        self.posts[self.rng.random_range(0..self.posts.len())]
    }

    /// A request as the apps make them, weighted by how often they do; a few malformed.
    fn pick_request(&mut self) -> (&'static str, String, Option<String>) {
        if self
            .rng
            .random_bool(self.options.bad_request_rate.clamp(0.0, 1.0))
        {
            return match self.rng.random_range(0..4) {
                0 => ("POST", "/posts".into(), Some("{\"body\": ".into())),
                1 => ("GET", "/posts?limit=500".into(), None),
                2 => ("GET", "/feed".into(), None),
                _ => ("POST", "/posts".into(), Some("{\"body\": \"\"}".into())),
            };
        }
        let post = self.some_post();
        match self.rng.random_range(0..100) {
            0..30 => ("GET", "/posts?limit=20".into(), None),
            30..45 => ("GET", format!("/posts/{post}"), None),
            45..55 => ("GET", format!("/posts/{post}/comments"), None),
            55..65 => {
                let body = json!({"body": COMMENTS[self.rng.random_range(0..COMMENTS.len())]});
                (
                    "POST",
                    format!("/posts/{post}/comments"),
                    Some(body.to_string()),
                )
            }
            65..71 => {
                let body = json!({"body": POSTS[self.rng.random_range(0..POSTS.len())]});
                ("POST", "/posts".into(), Some(body.to_string()))
            }
            71..83 => ("GET", "/user/sync".into(), None),
            83..90 => ("GET", "/notifications?unread=true".into(), None),
            90..95 => {
                let body = json!({"bio": BIOS[self.rng.random_range(0..BIOS.len())]});
                ("PUT", "/profile".into(), Some(body.to_string()))
            }
            95..97 => {
                let body = json!({"reason": "spam", "note": "looks automated"});
                (
                    "POST",
                    format!("/posts/{post}/reports"),
                    Some(body.to_string()),
                )
            }
            _ => ("GET", "/profile".into(), None),
        }
    }

    /// Keeps the ids of posts seen in listings, so later requests act on real posts.
    fn remember_posts(&mut self, path: &str, body: &[u8]) {
        if !path.starts_with("/posts") {
            return;
        }
        let Ok(value) = serde_json::from_slice::<Value>(body) else {
            return;
        };
        let ids = value["items"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(std::iter::once(&value))
            .filter_map(|p| p["id"].as_i64());
        for id in ids {
            if !self.posts.contains(&id) {
                self.posts.push(id);
            }
        }
        if self.posts.len() > 200 {
            let excess = self.posts.len() - 200;
            self.posts.drain(..excess);
        }
    }
}

const POSTS: &[&str] = &[
    "First light over the harbour this morning.",
    "Trying a new recipe tonight, wish me luck",
    "Does anyone know a good bike repair shop downtown?",
    "Finished the book. The ending surprised me.",
];
const COMMENTS: &[&str] = &[
    "Love this!",
    "Where was this taken?",
    "Same here.",
    "Great shot 👏",
];
const BIOS: &[&str] = &[
    "Coffee, trains and long walks.",
    "Photographer on weekends.",
    "Here for the recipes.",
];

/// Collects the JSON lines one request's handling writes.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    fn lines(&self) -> Vec<String> {
        let bytes = self.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes)
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect()
    }
}

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_unseeded_sandbox_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let mut sim = Simulator::new(&sandbox, TrafficOptions::default())
            .await
            .unwrap();
        let e = sim.step().await.unwrap_err();
        assert!(e.to_string().contains("seed it first"), "{e}");
    }
}
