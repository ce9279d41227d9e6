//! One middleware around every route: gives the request its id, writes the JSON error body
//! with that id, and logs one line per request (`requestId`, method, route, status, latency).
//! Nothing from the request's headers or body is logged, so tokens never reach the log.

use super::error::ApiError;
use super::extract::{BodyLimit, CallerSlot, InvocationId, RequestId};
use crate::model::UserSub;
use axum::Json;
use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::time::Instant;

pub(super) async fn observe(mut req: Request, next: Next, body_limit: usize) -> Response {
    let started = Instant::now();
    let request_id = req
        .extensions()
        .get::<InvocationId>()
        .map_or_else(new_request_id, |i| i.0.clone());
    req.extensions_mut().insert(RequestId(request_id.clone()));
    req.extensions_mut().insert(BodyLimit(body_limit));
    let caller = CallerSlot::default();
    req.extensions_mut().insert(caller.clone());
    let method = req.method().clone();
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let route = matched.as_ref().map_or("unmatched", MatchedPath::as_str);

    // The names a route reads are checked where the router serves the method and route (an
    // unknown route or method is the router's 404 or 405). What is wrong is said once the
    // caller is known (`Caller`): an expired token with a stray parameter is a 401, which an
    // app answers by refreshing it, and the refusal's line names the caller.
    // Only a request with a query pays for it (most have none).
    if req.uri().query().is_some() {
        let served = super::extract::parameters_of(&method, route);
        let said = format!("{method} {route}");
        let reads = served.map(|names| (said.as_str(), names));
        if let Some((field, message)) = super::extract::query_problem(req.uri(), reads) {
            req.extensions_mut()
                .insert(super::extract::QueryProblem(ApiError::invalid(
                    field, message,
                )));
        }
    }
    let response = next.run(req).await;
    let (mut response, error) = error_body(response, &request_id, &method, route, body_limit);
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    let status = response.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    // The verified caller's sub (not a secret), so support can find a user's requests.
    let sub = caller.0.get().map_or("-", UserSub::as_str);
    if status >= 500 {
        tracing::error!(requestId = %request_id, method = %method, route = %route, status, latencyMs = latency_ms, sub, "request failed");
    } else if status >= 400 {
        // Which refusal, so that causes tell apart in the log (an expired token and another
        // app's token logged the same line): the code, the field, and for a refused caller
        // why (the verifier's own words; nothing of the token or the body).
        // Absent where they do not apply (they were logged as empty strings).
        let code = error.as_ref().map(|e| e.code);
        let field = error.as_ref().and_then(|e| e.field.as_deref());
        // Why, for a refused caller and for a query refused (`autor`, `page` and `lim%FFit`
        // logged the same line; `?limit=0` and `?limit=abc` too): our own words, naming at
        // most a parameter's name, never a value or a body's text.
        let why = error
            .as_ref()
            .filter(|e| {
                matches!(status, 401 | 403)
                    || e.field.as_deref().is_some_and(|f| {
                        f == "query" || super::extract::QUERY_PARAMETERS.contains(&f)
                    })
            })
            .map(ApiError::client_message);
        tracing::warn!(requestId = %request_id, method = %method, route = %route, status, code, field, why, latencyMs = latency_ms, sub, "request refused");
    } else {
        tracing::info!(requestId = %request_id, method = %method, route = %route, status, latencyMs = latency_ms, sub, "request served");
    }
    response
}

/// Replaces the empty body of an error answer with the JSON error, and logs a 5xx's cause;
/// the error comes back too, for the request's line.
fn error_body(
    response: Response,
    request_id: &str,
    method: &axum::http::Method,
    route: &str,
    body_limit: usize,
) -> (Response, Option<ApiError>) {
    let status = response.status();
    let error = match response.extensions().get::<ApiError>() {
        Some(error) => error.clone(),
        None if status.is_client_error() || status.is_server_error() => {
            made_by_axum(status, body_limit)
        }
        None => return (response, None),
    };
    if let Some(cause) = &error.internal {
        if status.is_server_error() {
            tracing::error!(requestId = %request_id, method = %method, route = %route, code = error.code, cause = %cause, "request error");
        } else {
            tracing::warn!(requestId = %request_id, method = %method, route = %route, code = error.code, cause = %cause, "request error");
        }
    }
    let mut body = json!({
        "error": {"code": error.code, "message": error.client_message()},
        "requestId": request_id,
    });
    if let Some(field) = &error.field {
        body["error"]["field"] = json!(field);
    }
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    let json_response = (status, Json(body)).into_response();
    let (json_parts, json_body) = json_response.into_parts();
    for (name, value) in &json_parts.headers {
        parts.headers.insert(name.clone(), value.clone());
    }
    parts.status = status;
    (Response::from_parts(parts, json_body), Some(error))
}

/// An answer axum made itself (a body over the limit on a route that reads it as bytes, one it
/// could not buffer), in the documented codes: a DELETE's body over the limit answered
/// `{"code": "error", "message": "Payload Too Large"}` where a POST's said `too_large`.
fn made_by_axum(status: axum::http::StatusCode, body_limit: usize) -> ApiError {
    use axum::http::StatusCode;
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::too_large(body_limit),
        StatusCode::BAD_REQUEST => ApiError::invalid("request", "could not be read"),
        _ => ApiError::new(
            status,
            "error",
            status.canonical_reason().unwrap_or("error"),
        ),
    }
}

/// A request id when Lambda gave none: 16 random bytes in hex (the time, should the system
/// have no randomness to give).
fn new_request_id() -> String {
    super::random_hex().unwrap_or_else(|_| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        format!("{:032x}", now.as_nanos())
    })
}
