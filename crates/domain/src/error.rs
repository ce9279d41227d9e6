//! The one error type that crosses a port. Adapters translate SDK and database errors into it;
//! callers match on the variant to decide what to show or which status to answer with.

use std::fmt;

/// A value that failed validation: which field, and why, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub message: String,
}

impl Invalid {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for Invalid {}

/// What is wrong with a row the database holds that no release writes (a status or a sub set
/// by hand): the source of the error that names it. Reading it again finds it the same.
#[derive(Debug)]
pub struct UnreadableRow(pub Invalid);

impl fmt::Display for UnreadableRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for UnreadableRow {}

type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What went wrong, split so that "your input is wrong" is never confused with "something failed".
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// The input was wrong; the caller can fix it.
    #[error("invalid {0}")]
    Invalid(#[from] Invalid),
    /// The thing asked for does not exist (or is not visible to the caller).
    #[error("{0} not found")]
    NotFound(String),
    /// The request collides with the current state, e.g. someone else changed it first.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The caller may not do this; the message names the action.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The service asked us to slow down and retries were spent.
    #[error("throttled by {0}; try again shortly")]
    Throttled(String),
    /// The backing service could not be reached or failed transiently.
    #[error("{what} is unavailable")]
    Unavailable {
        what: String,
        #[source]
        source: Option<Source>,
    },
    /// The backend cannot do this at all (e.g. object versions in the sandbox).
    #[error("not supported: {0}")]
    Unsupported(String),
    /// A bug or an answer we did not expect; the detail is for the log, not for end users.
    #[error("unexpected error: {message}")]
    Unexpected {
        message: String,
        #[source]
        source: Option<Source>,
    },
}

/// How a blocked account's refused write begins.
const ACCOUNT_BLOCKED: &str = "the account is disabled; its writes are refused";

impl DomainError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid(Invalid::new(field, message))
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound(what.into())
    }

    pub fn unavailable(what: impl Into<String>, source: impl Into<Source>) -> Self {
        Self::Unavailable {
            what: what.into(),
            source: Some(source.into()),
        }
    }

    pub fn unexpected(message: impl Into<String>, source: impl Into<Source>) -> Self {
        Self::Unexpected {
            message: message.into(),
            source: Some(source.into()),
        }
    }

    /// A write by an account a ban, a disable or a delete blocked.
    pub fn account_blocked(sub: impl std::fmt::Display) -> Self {
        Self::Forbidden(format!("{ACCOUNT_BLOCKED}: {sub}"))
    }

    /// Whether this refuses a blocked account's write (see [`DomainError::account_blocked`]).
    pub fn is_account_blocked(&self) -> bool {
        matches!(self, Self::Forbidden(m) if m.starts_with(ACCOUNT_BLOCKED))
    }

    pub fn bug(message: impl Into<String>) -> Self {
        Self::Unexpected {
            message: message.into(),
            source: None,
        }
    }

    /// A short, stable code for logs and API error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid",
            Self::NotFound(_) => "not_found",
            Self::Conflict(_) => "conflict",
            Self::Forbidden(_) => "forbidden",
            Self::Throttled(_) => "throttled",
            Self::Unavailable { .. } => "unavailable",
            Self::Unsupported(_) => "unsupported",
            Self::Unexpected { .. } => "internal",
        }
    }

    /// Whether trying the same request again later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Throttled(_) | Self::Unavailable { .. })
    }

    /// The error and every source under it, joined for a log line or an error popup.
    /// [`DomainError::chain`] without the kind an unexpected error opens with: what a row no
    /// release writes holds (`posts row 12 holds an invalid value: status: …`), said as is.
    pub fn detail(&self) -> String {
        let chain = self.chain();
        match self {
            Self::Unexpected { .. } => chain
                .strip_prefix("unexpected error: ")
                .map_or_else(|| chain.clone(), str::to_string),
            _ => chain,
        }
    }

    pub fn chain(&self) -> String {
        let mut out = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(err) = source {
            // A source the text already ends with is said once (`invalid query: line 1 …`
            // went on `: query: line 1 …`, the `Invalid` it wraps).
            let said = err.to_string();
            if !out.ends_with(&said) {
                out.push_str(": ");
                out.push_str(&said);
            }
            source = err.source();
        }
        out
    }
}

pub type DomainResult<T> = Result<T, DomainError>;

#[cfg(test)]
mod tests {
    use super::*;

    /// An invalid input is said once in the chain, not again as the `Invalid` it wraps; other
    /// sources still follow.
    #[test]
    fn the_chain_says_each_part_once() {
        let e = DomainError::invalid("query", "line 1, column 60: expected `)`");
        assert_eq!(e.chain(), "invalid query: line 1, column 60: expected `)`");
        let e = DomainError::unavailable("the database", "connection refused");
        assert_eq!(e.chain(), "the database is unavailable: connection refused");
    }
}
