//! A loopback HTTP proxy in front of moto that answers the first requests of chosen operations
//! the way AWS does when it throttles: Cognito's `TooManyRequestsException`, CloudWatch Logs'
//! `ThrottlingException` (HTTP 400, JSON body; Cognito's with the `x-amzn-ErrorType` header,
//! CloudWatch Logs' with the code in the body alone, as both forms occur), S3's `SlowDown`
//! (HTTP 503, XML). Everything else goes through to moto unchanged. It records every request it saw
//! and when, so a test can check that the client retried, and how far apart.
//!
//! Shared with the console's end-to-end tests through `#[path]`.

#![allow(dead_code)] // each test binary uses its own part of this file

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Request, Response, StatusCode, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// One request the proxy saw.
#[derive(Debug, Clone)]
pub struct Seen {
    /// `ListUsers`, `FilterLogEvents`, `ListObjectsV2`, … (`S3 GET` for other S3 calls).
    pub operation: String,
    pub at: Instant,
    pub throttled: bool,
}

#[derive(Default)]
struct Rules {
    /// How many more requests of each operation to throttle.
    remaining: HashMap<String, u32>,
    seen: Vec<Seen>,
}

struct Shared {
    upstream: String,
    client: Client<HttpConnector, Body>,
    rules: Mutex<Rules>,
}

pub struct ThrottleProxy {
    pub endpoint: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl ThrottleProxy {
    /// Listens on a free loopback port and forwards to `upstream` (`http://host:port`).
    pub async fn start(upstream: &str) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_string(),
            client: Client::builder(TokioExecutor::new()).build_http(),
            rules: Mutex::new(Rules::default()),
        });
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(shared.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            endpoint,
            shared,
            task,
        }
    }

    /// Throttles the next `times` requests of `operation`.
    pub fn throttle(&self, operation: &str, times: u32) {
        self.shared
            .rules
            .lock()
            .unwrap()
            .remaining
            .insert(operation.to_string(), times);
    }

    /// Every request of `operation` so far, oldest first.
    pub fn seen(&self, operation: &str) -> Vec<Seen> {
        self.shared
            .rules
            .lock()
            .unwrap()
            .seen
            .iter()
            .filter(|s| s.operation == operation)
            .cloned()
            .collect()
    }
}

impl Drop for ThrottleProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The operation a request calls: the `X-Amz-Target` suffix for JSON protocols, the query's
/// shape for S3.
fn operation(request: &Request<Body>) -> (String, Protocol) {
    if let Some(target) = request
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
    {
        let op = target.rsplit('.').next().unwrap_or(target).to_string();
        return (op, Protocol::Json);
    }
    let query = request.uri().query().unwrap_or("");
    let form = request
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    if form {
        return ("STS".to_string(), Protocol::Query);
    }
    if request.method() == "GET" && query.split('&').any(|p| p == "list-type=2") {
        return ("ListObjectsV2".to_string(), Protocol::S3);
    }
    (format!("S3 {}", request.method()), Protocol::S3)
}

#[derive(Clone, Copy)]
enum Protocol {
    Json,
    Query,
    S3,
}

fn throttled(op: &str, protocol: Protocol) -> Response<Body> {
    let (status, content_type, body, error_type) = match protocol {
        Protocol::S3 => (
            StatusCode::SERVICE_UNAVAILABLE,
            "application/xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>\
             <Message>Please reduce your request rate.</Message></Error>"
                .to_string(),
            None,
        ),
        Protocol::Json | Protocol::Query => {
            let cognito = op == "ListUsers" || op.starts_with("Admin");
            let code = if cognito {
                "TooManyRequestsException"
            } else {
                "ThrottlingException"
            };
            (
                StatusCode::BAD_REQUEST,
                "application/x-amz-json-1.1",
                format!(r#"{{"__type":"{code}","message":"Rate exceeded"}}"#),
                cognito.then_some(code),
            )
        }
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static(content_type));
    if let Some(code) = error_type {
        response
            .headers_mut()
            .insert("x-amzn-errortype", HeaderValue::from_static(code));
    }
    response
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request<Body>) -> Response<Body> {
    let (op, protocol) = operation(&request);
    let throttle = {
        let mut rules = shared.rules.lock().unwrap();
        let throttle = match rules.remaining.get_mut(&op) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        };
        rules.seen.push(Seen {
            operation: op.clone(),
            at: Instant::now(),
            throttled: throttle,
        });
        throttle
    };
    if throttle {
        return throttled(&op, protocol);
    }
    let (mut parts, body) = request.into_parts();
    let target = format!(
        "{}{}",
        shared.upstream,
        parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/")
    );
    parts.uri = target.parse::<Uri>().unwrap();
    match shared
        .client
        .request(Request::from_parts(parts, body))
        .await
    {
        Ok(answer) => answer.map(Body::new),
        Err(e) => {
            let mut response = Response::new(Body::from(format!("proxy: {e}")));
            *response.status_mut() = StatusCode::BAD_GATEWAY;
            response
        }
    }
}
