//! A planned run as one write (a ban, an unban; an account's deletion uses the same record and
//! stop message): the plan's calls in order, what was done, skipped and not
//! done, in one sentence and one record.

use super::{Backends, Done, Failure, Partial, Progress};
use backoffice_domain::model::Reason;
use backoffice_domain::services::ban;
use backoffice_domain::services::planned::Outcome;
use serde_json::{Value, json};
use std::fmt::Display;

/// A planned run's record: `type` and the identity fields given, then the calls done, left
/// alone, not done, the one that failed and why, and the closing row.
pub(super) fn run_record<S: Display>(outcome: &Outcome<S>, head: Value) -> Value {
    let calls = |steps: &[S]| steps.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut record = head;
    if let Some(fields) = record.as_object_mut() {
        fields.insert("done".into(), json!(calls(&outcome.done)));
        fields.insert("skipped".into(), json!(calls(&outcome.skipped)));
        fields.insert("not_done".into(), json!(calls(&outcome.not_done)));
        fields.insert(
            "failed_call".into(),
            json!(outcome.failed.as_ref().map(|(s, _)| s.to_string())),
        );
        fields.insert(
            "error".into(),
            json!(outcome.failed.as_ref().map(|(_, e)| e.chain())),
        );
        fields.insert("audit_id".into(), json!(outcome.audit_id));
    }
    record
}

/// A run that stopped at a failed step: "`what` stopped at STEP: WHY; N calls were done
/// (audited), M were not`then`", and every call done and not done in the chain.
pub(super) fn stopped<S: Display>(outcome: &Outcome<S>, what: &str, then: &str) -> Option<Failure> {
    let (step, e) = outcome.failed.as_ref()?;
    let lines = std::iter::once(format!("failed: {step}: {}", e.chain()))
        .chain(outcome.done.iter().map(|s| format!("done: {s}")))
        .chain(outcome.not_done.iter().map(|s| format!("not done: {s}")));
    Some(Failure {
        message: format!(
            "{what} stopped at {step}: {e}; {} calls were done (audited), {} were not{then}",
            outcome.done.len(),
            outcome.not_done.len()
        ),
        chain: lines.collect::<Vec<_>>().join("\n"),
        refused: false,
        cause: crate::app::Cause::Other,
        said: false,
    })
}

pub(super) async fn run_ban(
    b: &Backends,
    plan: &ban::Plan,
    reason: &Reason,
    progress: &Progress<'_>,
) -> Result<Done, Partial> {
    let verb = plan.verb();
    let outcome = ban::run_reporting(
        b.directory()?,
        b.content()?,
        plan,
        &b.actor().await?,
        reason,
        progress,
    )
    .await;
    let record = run_record(
        &outcome,
        json!({"type": verb, "user": plan.username.as_str()}),
    );
    let who = crate::text::identifier(plan.username.as_str());
    if outcome.failed.is_none()
        && let Some(why) = &outcome.audit_failed
    {
        // Done, and not recorded: said as a failure, not "audited" (an unban whose row the
        // database refused read as done, and the ban still read as in force).
        let then = if plan.reverses.is_some() {
            "the ban still reads as in force"
        } else {
            ":unban cannot find this ban"
        };
        return Err(Partial {
            failure: Failure {
                message: format!(
                    "{verb} {who}: {} calls done, but its audit row could not be written ({why}): {then}; record it by hand",
                    outcome.done.len()
                ),
                chain: why.clone(),
                refused: false,
                cause: crate::app::Cause::Other,
                said: false,
            },
            records: vec![record],
            stale: false,
        });
    }
    match stopped(&outcome, &format!("{verb} {who}"), "") {
        None => Ok(Done {
            summary: format!(
                "{verb} {who}: {} calls done{}, audited",
                outcome.done.len(),
                if outcome.skipped.is_empty() {
                    String::new()
                } else {
                    format!(", {} left alone (changed since)", outcome.skipped.len())
                }
            ),
            records: vec![record],
        }),
        // A record only where something was changed, as every write that fails part-way
        // gives one (a ban stopped at its first call read "write partly done").
        Some(failure) => Err(Partial {
            failure,
            records: if outcome.done.is_empty() {
                Vec::new()
            } else {
                vec![record]
            },
            stale: false,
        }),
    }
}
