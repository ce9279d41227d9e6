//! Who is calling the Lambda API: Cognito JWTs verified against the user pool's published keys
//! ([`JwtVerifier`]), or the claims API Gateway's authorizer already verified
//! ([`claims_from_authorizer`]). This module says who the caller is, never what they may do, and
//! its errors never echo the token.

mod authorizer;
mod blocks;
mod claims;
mod jwks;
mod verifier;

pub use authorizer::{authorizer_claims, claims_from_authorizer};
pub use blocks::{BlockCheck, MAX_STALENESS as MAX_BLOCK_STALENESS};
pub use claims::{ExpectedUse, TokenUse, VerifiedClaims};
pub use verifier::{JwtSettings, JwtVerifier};

type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a request's token was refused. Every variant but [`AuthError::Unavailable`] is the
/// caller's fault (HTTP 401); the messages are safe to send back and never contain the token.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("no token was sent")]
    Missing,
    #[error("the token is not a well-formed Cognito JWT")]
    Malformed,
    #[error("the token names a signing key the user pool does not publish")]
    UnknownKey,
    #[error("the token's signature does not verify")]
    BadSignature,
    #[error("the token has expired")]
    Expired,
    /// Its `nbf` is still ahead (past the leeway a clock skew needs).
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the token was issued by another user pool")]
    WrongIssuer,
    #[error("the token was issued to another app client")]
    WrongAudience,
    #[error("this request needs {0}")]
    WrongTokenUse(ExpectedUse),
    /// The user pool's keys could not be fetched; the caller may retry (HTTP 503).
    #[error("the user pool's signing keys are unavailable")]
    Unavailable(#[source] Source),
}

impl AuthError {
    /// A short, stable code for logs and API error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unavailable(_) => "unavailable",
            _ => "unauthorized",
        }
    }

    /// Whether the same token may pass later (only when the keys could not be fetched).
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }
}
