//! The API's error answers: `{"error": {"code", "message", "field"}, "requestId"}`. A handler
//! returns an [`ApiError`]; the observing middleware adds the request id and logs it. A 5xx
//! answer never carries internal detail: that goes to the log line under the same request id.

use crate::DomainError;
use crate::auth::AuthError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Seconds a 503 asks the client to wait before trying again (RFC 9110 `Retry-After`): about
/// the time the function waits for a database connection, so a retry sooner meets the same
/// wait.
pub const RETRY_AFTER_SECONDS: &str = "5";

/// What went wrong with a request, as the client is told.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    /// For the log only (5xx causes, auth failures); never sent.
    pub internal: Option<String>,
    /// A 401's `WWW-Authenticate` challenge (RFC 6750: names an error only when a token was
    /// sent and refused).
    pub challenge: Option<&'static str>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            internal: None,
            challenge: None,
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: Some(field.into()),
            ..Self::new(StatusCode::BAD_REQUEST, "invalid", message)
        }
    }

    /// The caller's account is blocked (banned, disabled or deleted).
    pub fn account_disabled() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "account_disabled",
            "this account is disabled",
        )
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{} not found", what.into()),
        )
    }

    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the request body is larger than {limit} bytes"),
        )
    }

    /// A failure the client cannot fix; `cause` is logged, never sent.
    pub fn internal(cause: impl Into<String>) -> Self {
        Self {
            internal: Some(cause.into()),
            ..Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "")
        }
    }

    /// The body sent to the client: for 5xx a fixed sentence, otherwise the message.
    pub fn client_message(&self) -> &str {
        if self.status.is_server_error() {
            match self.status {
                StatusCode::SERVICE_UNAVAILABLE => {
                    "the service is busy or a dependency is unavailable; try again shortly"
                }
                StatusCode::NOT_IMPLEMENTED => "this is not available here",
                _ => "internal error; quote the request id when reporting it",
            }
        } else {
            &self.message
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        // The store's own check of the block (a request that passed the cached one): the same
        // answer as the extractor's.
        if e.is_account_blocked() {
            return Self::account_disabled();
        }
        let status = match &e {
            DomainError::Invalid(invalid) => {
                return Self::invalid(invalid.field, invalid.message.clone());
            }
            DomainError::NotFound(_) => StatusCode::NOT_FOUND,
            DomainError::Conflict(_) => StatusCode::CONFLICT,
            // Past the blocked account, a Forbidden is a backend refusing the function (an IAM
            // action its role lacks): the deployment's fault, not the caller's, whose 403 says
            // "a write you may not make" (docs/api.md).
            DomainError::Forbidden(_) => {
                return Self::internal(format!("the function was refused: {}", e.chain()));
            }
            DomainError::Throttled(_) | DomainError::Unavailable { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            DomainError::Unsupported(_) => StatusCode::NOT_IMPLEMENTED,
            DomainError::Unexpected { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        };
        // A conflict's own sentence, without the `conflict: ` its display leads with (the
        // code says that).
        let message = match &e {
            DomainError::Conflict(why) => why.clone(),
            _ => e.to_string(),
        };
        let mut error = Self::new(status, e.code(), message);
        if status.is_server_error() {
            error.message = String::new();
            error.internal = Some(e.chain());
        }
        error
    }
}

impl From<crate::Invalid> for ApiError {
    fn from(e: crate::Invalid) -> Self {
        Self::invalid(e.field, e.message)
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        if e.is_transient() {
            let mut error = Self::new(StatusCode::SERVICE_UNAVAILABLE, e.code(), "");
            error.internal = Some(format!("{e}: {}", source_chain(&e)));
            return error;
        }
        let challenge = match e {
            AuthError::Missing => "Bearer",
            _ => "Bearer error=\"invalid_token\"",
        };
        Self {
            challenge: Some(challenge),
            ..Self::new(StatusCode::UNAUTHORIZED, e.code(), e.to_string())
        }
    }
}

fn source_chain(e: &dyn std::error::Error) -> String {
    let mut parts = Vec::new();
    let mut next = e.source();
    while let Some(s) = next {
        parts.push(s.to_string());
        next = s.source();
    }
    parts.join(": ")
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // The body is written by the observing middleware, which knows the request id.
        let mut response = self.status.into_response();
        if let Some(challenge) = self.challenge {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        // A dependency down or throttled: the apps' retry waits instead of hammering it.
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_static(RETRY_AFTER_SECONDS),
            );
        }
        response.extensions_mut().insert(self);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A write the store refused because the account is blocked answers as the extractor's
    /// check does, so apps can sign the user out on one code.
    #[test]
    fn a_blocked_write_answers_account_disabled() {
        let e = ApiError::from(DomainError::account_blocked(
            "0f8fad5b-d9cb-469f-a165-70867728950e",
        ));
        assert_eq!(
            (e.status, e.code, e.client_message()),
            (
                StatusCode::FORBIDDEN,
                "account_disabled",
                "this account is disabled"
            )
        );
        // A backend refusing the function (an IAM action its role lacks) is the deployment's
        // fault: a 500 whose cause is logged, never the caller's 403.
        let other = ApiError::from(DomainError::Forbidden("s3:PutObject".into()));
        assert_eq!(
            (other.status, other.code),
            (StatusCode::INTERNAL_SERVER_ERROR, "internal")
        );
        assert!(other.internal.as_deref().unwrap().contains("s3:PutObject"));
    }

    /// A 503 (a dependency down or throttling) says when to try again; other answers do not.
    #[test]
    fn a_503_carries_retry_after() {
        let down = ApiError::from(DomainError::unavailable("the database", "pool timed out"))
            .into_response();
        assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(down.headers()[header::RETRY_AFTER], RETRY_AFTER_SECONDS);
        let throttled = ApiError::from(DomainError::Throttled("Cognito".into())).into_response();
        assert_eq!(
            throttled.headers()[header::RETRY_AFTER],
            RETRY_AFTER_SECONDS
        );
        let missing = ApiError::not_found("post 1").into_response();
        assert!(missing.headers().get(header::RETRY_AFTER).is_none());
    }

    /// A conflict's message is its sentence; the code says it is a conflict (it read
    /// `conflict: post 1 has open reports …`).
    #[test]
    fn a_conflict_is_said_without_its_prefix() {
        let e = ApiError::from(DomainError::Conflict("post 1 has open reports".into()));
        assert_eq!(
            (e.status, e.code, e.client_message()),
            (StatusCode::CONFLICT, "conflict", "post 1 has open reports")
        );
    }
}
