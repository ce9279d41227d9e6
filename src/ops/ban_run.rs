//! A ban or unban run as one write: the plan's calls in order, what was done, skipped and not
//! done, in one sentence and one record.

use super::{Backends, Done, Failure, Partial};
use backoffice_domain::model::Reason;
use backoffice_domain::services::ban;
use serde_json::json;

pub(super) async fn run_ban(
    b: &Backends,
    plan: &ban::Plan,
    reason: &Reason,
) -> Result<Done, Partial> {
    let verb = if plan.reverses.is_some() {
        "unban"
    } else {
        "ban"
    };
    let outcome = ban::run(b.directory()?, b.content()?, plan, &b.actor, reason).await;
    let calls = |steps: &[ban::Step]| steps.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let record = json!({
        "type": verb,
        "user": plan.username.as_str(),
        "done": calls(&outcome.done),
        "skipped": calls(&outcome.skipped),
        "not_done": calls(&outcome.not_done),
        "failed_call": outcome.failed.as_ref().map(|(s, _)| s.to_string()),
        "error": outcome.failed.as_ref().map(|(_, e)| e.chain()),
        "audit_id": outcome.audit_id,
    });
    match &outcome.failed {
        None => Ok(Done {
            summary: format!(
                "{verb} {}: {} calls done{}, audited",
                plan.username,
                outcome.done.len(),
                if outcome.skipped.is_empty() {
                    String::new()
                } else {
                    format!(", {} left alone (changed since)", outcome.skipped.len())
                }
            ),
            records: vec![record],
        }),
        Some((step, e)) => {
            let lines = std::iter::once(format!("failed: {step}: {}", e.chain()))
                .chain(outcome.done.iter().map(|s| format!("done: {s}")))
                .chain(outcome.not_done.iter().map(|s| format!("not done: {s}")));
            Err(Partial {
                failure: Failure {
                    message: format!(
                        "{verb} {} stopped at {step}: {e}; {} calls were done (audited), {} were not",
                        plan.username,
                        outcome.done.len(),
                        outcome.not_done.len()
                    ),
                    chain: lines.collect::<Vec<_>>().join("\n"),
                },
                records: vec![record],
            })
        }
    }
}
