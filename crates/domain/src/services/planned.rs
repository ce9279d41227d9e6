//! What a planned action (a ban, an unban, an account's deletion) did when it ran: its steps
//! done, left alone, failed and not tried, and its closing audit row.

use crate::error::DomainError;

/// What a run did. `failed` is set when a step failed; the steps after it were not tried.
#[derive(Debug)]
pub struct Outcome<S> {
    pub done: Vec<S>,
    /// Steps with nothing left to do when they ran (content changed since the plan).
    pub skipped: Vec<S>,
    pub failed: Option<(S, DomainError)>,
    pub not_done: Vec<S>,
    /// The closing audit row, when it could be written.
    pub audit_id: Option<i64>,
    /// Why the closing audit row could not be written, where it was to be.
    pub audit_failed: Option<String>,
}

impl<S> Outcome<S> {
    pub fn is_complete(&self) -> bool {
        self.failed.is_none() && self.not_done.is_empty()
    }
}
