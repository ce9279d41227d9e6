//! The service's HTTP API: one axum [`Router`] that `lambda_http` serves on Lambda (behind API
//! Gateway's Cognito authorizer), the `api` binary serves on loopback, and the sandbox's traffic
//! simulator drives in process. Handlers are thin: extract, call the content store or the
//! object store, map the result. Every write checks ownership or the `admins` group.

mod error;
mod extract;
mod handlers;
mod observe;
mod post_json;

pub use error::ApiError;
pub use extract::{AuthorizerClaims, Caller, InvocationId, RequestId, parse_json};

use crate::auth::{BlockCheck, ExpectedUse, JwtVerifier};
use crate::model::BucketName;
use crate::ports::{ContentStore, ObjectStore, UserDirectory};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderValue;
use axum::routing::{delete, get, post};
use std::sync::Arc;
use std::time::Duration;

/// How callers prove who they are.
#[derive(Clone)]
pub struct Auth {
    /// Verifies bearer tokens (direct invocations, Function URLs, the loopback server).
    /// `None`: only requests that API Gateway's authorizer already verified are served.
    pub verifier: Option<Arc<JwtVerifier>>,
    /// App clients whose tokens are accepted (`APP_CLIENT_IDS`).
    pub client_ids: Vec<String>,
    /// Which tokens the API takes: access tokens by default (`TOKEN_USE`).
    pub accepted: ExpectedUse,
    /// Refuses callers whose account a ban or a disable blocked, whatever their token says.
    pub blocks: Arc<BlockCheck>,
}

/// Limits and lifetimes the API enforces.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Larger request bodies are refused with 413.
    pub max_body_bytes: usize,
    /// The largest upload `POST /uploads` signs for (`MAX_UPLOAD_BYTES`).
    pub max_upload_bytes: u64,
    /// How long a presigned upload URL stays valid.
    pub upload_url_ttl: Duration,
    /// How long image URLs in answers stay valid.
    pub image_url_ttl: Duration,
    /// The web apps' origins (`ALLOWED_ORIGINS`), whose browsers may call the API from their
    /// pages; none: no CORS headers, for apps that are not in a browser.
    pub allowed_origins: Vec<HeaderValue>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 64 * 1024,
            max_upload_bytes: 10 * 1024 * 1024,
            upload_url_ttl: Duration::from_secs(15 * 60),
            image_url_ttl: Duration::from_secs(60 * 60),
            allowed_origins: Vec::new(),
        }
    }
}

/// How long a browser keeps a preflight's answer.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(600);

/// What the browsers of `origins` may do: the routes' methods with a bearer token and a JSON
/// body, and read the request id (to quote it). Answers the preflight `OPTIONS` itself (on a
/// Function URL or the local server; behind API Gateway its own CORS answers it).
fn cors(origins: Vec<HeaderValue>) -> tower_http::cors::CorsLayer {
    use axum::http::{Method, header};
    tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        // And what the docs tell clients to read: when to try again, why a token was refused.
        .expose_headers([
            axum::http::HeaderName::from_static("x-request-id"),
            header::RETRY_AFTER,
            header::WWW_AUTHENTICATE,
        ])
        .max_age(PREFLIGHT_MAX_AGE)
}

/// Everything a request may touch, built once per execution environment.
pub struct Api {
    pub content: Arc<dyn ContentStore>,
    pub objects: Arc<dyn ObjectStore>,
    /// The user pool, read for the e-mail of a profile the owner's first `PUT /profile`
    /// makes (the sign-up trigger's copy is missing); `None`: such a profile starts without.
    pub directory: Option<Arc<dyn UserDirectory>>,
    pub bucket: BucketName,
    pub auth: Auth,
    pub limits: Limits,
}

/// The router's shared state.
#[derive(Clone)]
pub struct ApiState(Arc<Api>);

impl std::ops::Deref for ApiState {
    type Target = Api;
    fn deref(&self) -> &Api {
        &self.0
    }
}

/// The API's routes, with body limits, request ids, JSON error bodies and one log line per
/// request.
pub fn router(api: Api) -> Router {
    let limit = api.limits.max_body_bytes;
    let origins = api.limits.allowed_origins.clone();
    let state = ApiState(Arc::new(api));
    let router = Router::new()
        .route(
            "/profile",
            get(handlers::get_profile).put(handlers::put_profile),
        )
        .route("/user/sync", get(handlers::sync))
        .route(
            "/posts",
            get(handlers::list_posts).post(handlers::create_post),
        )
        .route(
            "/posts/{id}",
            get(handlers::get_post)
                .put(handlers::edit_post)
                .delete(handlers::delete_post),
        )
        .route(
            "/posts/{id}/comments",
            get(handlers::list_comments).post(handlers::create_comment),
        )
        .route("/comments/{id}", delete(handlers::delete_comment))
        .route("/posts/{id}/reports", post(handlers::report_post))
        .route("/comments/{id}/reports", post(handlers::report_comment))
        .route("/users/{sub}", get(handlers::get_person))
        .route("/users/{sub}/reports", post(handlers::report_user))
        .route("/uploads", post(handlers::create_upload))
        .route("/notifications", get(handlers::list_notifications))
        .route("/notifications/read", post(handlers::mark_read))
        .fallback(handlers::unknown_route)
        .method_not_allowed_fallback(handlers::method_not_allowed)
        .layer(axum::middleware::from_fn(move |req, next| {
            observe::observe(req, next, limit)
        }))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state);
    if origins.is_empty() {
        router
    } else {
        // Outermost, so every answer carries the headers, an error's too (a browser shows a
        // page no refusal it cannot read).
        router.layer(cors(origins))
    }
}

/// Awaits `main`, running `meanwhile` the first time `main` waits (on the database, say), or
/// after it when it never does: work that needs nothing from `main`, such as freeing what a
/// request no longer needs, then costs nothing on the request's path.
pub(crate) async fn while_waiting<T>(main: impl Future<Output = T>, meanwhile: impl FnOnce()) -> T {
    let mut main = std::pin::pin!(main);
    let mut meanwhile = Some(meanwhile);
    let out = std::future::poll_fn(|cx| {
        let polled = main.as_mut().poll(cx);
        if polled.is_pending()
            && let Some(work) = meanwhile.take()
        {
            work();
        }
        polled
    })
    .await;
    if let Some(work) = meanwhile {
        work();
    }
    out
}

/// 16 random bytes from the operating system, in hex: upload names and request ids.
pub(crate) fn random_hex() -> Result<String, getrandom::Error> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    let mut out = String::with_capacity(32);
    for b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::while_waiting;
    use std::cell::RefCell;
    use std::time::Duration;

    #[tokio::test]
    async fn the_work_runs_while_the_main_future_waits() {
        // The main future can only finish once the work has run: it waits for what the work
        // sends.
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let answer = tokio::time::timeout(
            Duration::from_secs(5),
            while_waiting(async { rx.await.is_ok() }, move || {
                let _ = tx.send(());
            }),
        )
        .await;
        assert_eq!(answer, Ok(true));
    }

    #[tokio::test]
    async fn the_work_runs_after_a_main_future_that_never_waits() {
        let order = RefCell::new(Vec::new());
        let out = while_waiting(
            async {
                order.borrow_mut().push("main");
                7
            },
            || order.borrow_mut().push("work"),
        )
        .await;
        assert_eq!(out, 7);
        assert_eq!(*order.borrow(), ["main", "work"]);
    }
}
