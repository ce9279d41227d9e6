//! Log groups, streams, events, CloudWatch filter patterns and what a live tail yields.

use crate::error::{DomainError, Invalid};
use chrono::{DateTime, Utc};
use futures::Stream;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::pin::Pin;

/// A CloudWatch Logs group name: 1 to 512 of `A-Z a-z 0-9 . - _ / #`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LogGroupName(String);

impl LogGroupName {
    pub fn parse(raw: impl AsRef<str>) -> Result<Self, Invalid> {
        let name = raw.as_ref();
        if name.is_empty() || name.len() > 512 {
            return Err(Invalid::new("logGroup", "must be 1 to 512 characters"));
        }
        if !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'/' | b'#'))
        {
            return Err(Invalid::new(
                "logGroup",
                "may hold only letters, digits and . - _ / #",
            ));
        }
        Ok(Self(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is a Lambda function's group (`/aws/lambda/…`), listed first in pickers.
    pub fn is_lambda(&self) -> bool {
        self.0.starts_with("/aws/lambda/")
    }
}

impl TryFrom<String> for LogGroupName {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Invalid> {
        Self::parse(value)
    }
}

impl From<LogGroupName> for String {
    fn from(value: LogGroupName) -> String {
        value.0
    }
}

impl fmt::Display for LogGroupName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogGroup {
    pub name: String,
    pub created_at: Option<DateTime<Utc>>,
    pub stored_bytes: Option<u64>,
    pub retention_days: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogStream {
    pub name: String,
    pub first_event_at: Option<DateTime<Utc>>,
    pub last_event_at: Option<DateTime<Utc>>,
}

/// One log line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEvent {
    pub group: String,
    pub stream: String,
    pub timestamp: DateTime<Utc>,
    pub ingested_at: Option<DateTime<Utc>>,
    pub message: String,
    /// Unique per event within a group; used to drop duplicates when polling.
    pub event_id: String,
}

/// A time window, `start` inclusive and `end` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeWindow {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl TimeWindow {
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self, Invalid> {
        if end <= start {
            return Err(Invalid::new("window", "must end after it starts"));
        }
        Ok(Self { start, end })
    }

    /// The last `duration` up to now.
    pub fn last(duration: chrono::Duration) -> Self {
        let end = Utc::now();
        Self {
            start: end - duration,
            end,
        }
    }
}

/// One term of a plain CloudWatch filter pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PatternTerm {
    /// Must appear.
    Required(String),
    /// `-term`: must not appear.
    Excluded(String),
    /// `?term`: at least one of the optional terms must appear.
    Optional(String),
}

/// A CloudWatch filter pattern. Plain patterns (terms, quoted phrases, `-term`, `?term`) are
/// understood here; JSON (`{ $.level = "ERROR" }`) and space-delimited (`[ip, user, ...]`)
/// patterns are passed to CloudWatch as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FilterPattern {
    raw: String,
    terms: Option<Vec<PatternTerm>>,
}

impl FilterPattern {
    pub const MAX_LEN: usize = 1024;

    pub fn parse(raw: impl AsRef<str>) -> Result<Self, Invalid> {
        let raw = raw.as_ref().trim();
        if raw.len() > Self::MAX_LEN {
            return Err(Invalid::new("pattern", "must be at most 1024 characters"));
        }
        if raw.chars().any(char::is_control) {
            return Err(Invalid::new(
                "pattern",
                "must not contain control characters",
            ));
        }
        if raw.starts_with('{') || raw.starts_with('[') {
            return Ok(Self {
                raw: raw.to_string(),
                terms: None,
            });
        }
        let mut terms = Vec::new();
        let mut chars = raw.chars().peekable();
        loop {
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            let Some(&first) = chars.peek() else { break };
            let kind = match first {
                '-' | '?' => {
                    chars.next();
                    first
                }
                _ => ' ',
            };
            let mut word = String::new();
            if chars.peek() == Some(&'"') {
                chars.next();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(n) = chars.next() {
                                word.push(n);
                            }
                        }
                        '"' => {
                            closed = true;
                            break;
                        }
                        c => word.push(c),
                    }
                }
                if !closed {
                    return Err(Invalid::new("pattern", "has a quote that is never closed"));
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
            }
            if word.is_empty() {
                return Err(Invalid::new(
                    "pattern",
                    format!("has an empty term after '{kind}'"),
                ));
            }
            terms.push(match kind {
                '-' => PatternTerm::Excluded(word),
                '?' => PatternTerm::Optional(word),
                _ => PatternTerm::Required(word),
            });
        }
        Ok(Self {
            raw: raw.to_string(),
            terms: Some(terms),
        })
    }

    /// The pattern as written, for CloudWatch.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The terms of a plain pattern; `None` for JSON and space-delimited patterns.
    pub fn terms(&self) -> Option<&[PatternTerm]> {
        self.terms.as_deref()
    }

    /// Whether a message matches, with CloudWatch's plain-term semantics (case-sensitive).
    /// `None` when this pattern is not a plain one and cannot be evaluated here.
    pub fn matches(&self, message: &str) -> Option<bool> {
        let terms = self.terms.as_ref()?;
        let mut any_optional = false;
        let mut optional_hit = false;
        for term in terms {
            match term {
                PatternTerm::Required(t) if !message.contains(t.as_str()) => return Some(false),
                PatternTerm::Excluded(t) if message.contains(t.as_str()) => return Some(false),
                PatternTerm::Optional(t) => {
                    any_optional = true;
                    optional_hit |= message.contains(t.as_str());
                }
                _ => {}
            }
        }
        Some(!any_optional || optional_hit)
    }
}

/// What to tail: up to ten groups, from an instant, optionally filtered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TailRequest {
    pub groups: Vec<LogGroupName>,
    pub since: DateTime<Utc>,
    pub pattern: Option<FilterPattern>,
}

impl TailRequest {
    /// StartLiveTail's limit on groups per session.
    pub const MAX_GROUPS: usize = 10;

    pub fn new(
        groups: Vec<LogGroupName>,
        since: DateTime<Utc>,
        pattern: Option<FilterPattern>,
    ) -> Result<Self, Invalid> {
        if groups.is_empty() {
            return Err(Invalid::new("groups", "pick at least one log group"));
        }
        if groups.len() > Self::MAX_GROUPS {
            return Err(Invalid::new(
                "groups",
                "a tail follows at most 10 log groups",
            ));
        }
        Ok(Self {
            groups,
            since,
            pattern,
        })
    }
}

/// What a tail yields: events, or a marker the reader should show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TailItem {
    /// New events, oldest first.
    Events(Vec<LogEvent>),
    /// The service sent only a sample of the matching events.
    Sampled,
    /// Events between these instants may be missing (e.g. the connection dropped).
    Gap {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        reason: String,
    },
    /// The tail lost and regained its connection, at `at`; `group` where one group's reading
    /// came back (a poll per group), none where the whole session did.
    Reconnected {
        at: DateTime<Utc>,
        group: Option<String>,
    },
    /// One of the tail's groups no longer exists (deleted while it was tailed), noticed at
    /// `at`: the tail goes on with the others. `retrying` when its reading had already failed
    /// (a [`TailItem::Gap`] named it and no reconnection followed).
    GroupGone {
        group: String,
        at: DateTime<Utc>,
        retrying: bool,
    },
    /// One of the groups asked for was not there when the read began (a name mistyped in
    /// the settings, a group deleted since it was picked): the read goes on with the others.
    GroupMissing { group: String },
}

/// A running tail. Dropping it stops the tail.
pub type TailStream = Pin<Box<dyn Stream<Item = Result<TailItem, DomainError>> + Send>>;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> FilterPattern {
        FilterPattern::parse(s).unwrap()
    }

    #[test]
    fn all_plain_terms_must_appear() {
        assert_eq!(p("ERROR timeout").matches("ERROR: db timeout"), Some(true));
        assert_eq!(p("ERROR timeout").matches("ERROR: refused"), Some(false));
    }

    #[test]
    fn terms_are_case_sensitive() {
        assert_eq!(p("ERROR").matches("error"), Some(false));
    }

    #[test]
    fn quoted_phrase_matches_as_a_whole() {
        assert_eq!(
            p("\"Internal Server Error\"").matches("500 Internal Server Error"),
            Some(true)
        );
        assert_eq!(
            p("\"Internal Server Error\"").matches("Internal Error Server"),
            Some(false)
        );
    }

    #[test]
    fn minus_term_excludes() {
        assert_eq!(p("ERROR -retry").matches("ERROR will retry"), Some(false));
        assert_eq!(p("ERROR -retry").matches("ERROR fatal"), Some(true));
    }

    #[test]
    fn question_terms_need_any_one() {
        assert_eq!(p("?ERROR ?WARN").matches("WARN slow"), Some(true));
        assert_eq!(p("?ERROR ?WARN").matches("INFO ok"), Some(false));
    }

    #[test]
    fn empty_pattern_matches_everything() {
        assert_eq!(p("").matches("anything"), Some(true));
    }

    #[test]
    fn json_pattern_is_passed_through() {
        let pattern = p("{ $.level = \"ERROR\" }");
        assert_eq!(pattern.matches("x"), None);
        assert_eq!(pattern.as_str(), "{ $.level = \"ERROR\" }");
    }

    #[test]
    fn unclosed_quote_is_an_error() {
        assert!(FilterPattern::parse("\"oops").is_err());
    }

    #[test]
    fn lambda_groups_are_recognised() {
        assert!(LogGroupName::parse("/aws/lambda/api").unwrap().is_lambda());
        assert!(LogGroupName::parse("bad group").is_err());
    }

    #[test]
    fn tail_takes_one_to_ten_groups() {
        let g = LogGroupName::parse("/aws/lambda/api").unwrap();
        assert!(TailRequest::new(vec![], Utc::now(), None).is_err());
        assert!(TailRequest::new(vec![g.clone(); 11], Utc::now(), None).is_err());
        assert!(TailRequest::new(vec![g; 3], Utc::now(), None).is_ok());
    }

    proptest! {
        #[test]
        fn a_message_always_matches_its_own_words(words in proptest::collection::vec("[a-zA-Z0-9]{1,8}", 1..5)) {
            let message = words.join(" ");
            prop_assert_eq!(p(&message).matches(&message), Some(true));
        }

        #[test]
        fn pattern_parser_never_panics(s in any::<String>(), m in any::<String>()) {
            if let Ok(pattern) = FilterPattern::parse(&s) {
                let _ = pattern.matches(&m);
            }
            let _ = LogGroupName::parse(&s);
        }
    }
}
