//! Moderators' actions that take more than one store call.

use crate::error::DomainResult;
use crate::model::{
    Actor, Moderation, ModerationAction, ModerationOutcome, ModerationTarget, PageRequest, Reason,
    Report, ReportFilter, ReportResolution, ReportStatus, Target,
};
use crate::ports::ContentStore;

/// Closes every open report on `target` with one resolution and reason; each report gets its
/// own audit row (written with it). Returns the closed reports. Stops at the first failure:
/// what was closed before it stays closed and audited.
pub async fn resolve_all_open(
    content: &dyn ContentStore,
    target: &Target,
    resolution: ReportResolution,
    actor: &Actor,
    reason: &Reason,
) -> DomainResult<Vec<Report>> {
    let filter = ReportFilter {
        status: Some(ReportStatus::Open),
        target: Some(target.clone()),
        reporter: None,
    };
    let mut open = Vec::new();
    let mut page = PageRequest::first(100);
    loop {
        let got = content.list_reports(&filter, page).await?;
        open.extend(got.items);
        match got.next {
            Some(c) => page = PageRequest::after(c, 100),
            None => break,
        }
    }
    let mut closed = Vec::with_capacity(open.len());
    for report in open {
        closed.push(
            content
                .resolve_report(report.id, resolution, actor, reason)
                .await?,
        );
    }
    Ok(closed)
}

/// Hides, restores or removes each of `targets` under one reason; every change writes its audit
/// row in the same transaction as the change. Every target is tried, and the results come back
/// in the targets' order, so a bulk action says exactly which items changed.
pub async fn moderate(
    content: &dyn ContentStore,
    targets: &[ModerationTarget],
    action: ModerationAction,
    actor: &Actor,
    reason: &Reason,
) -> Vec<DomainResult<ModerationOutcome>> {
    let moderations: Vec<Moderation> = targets
        .iter()
        .map(|target| Moderation {
            target: *target,
            action,
            actor: actor.clone(),
            reason: reason.clone(),
        })
        .collect();
    content.moderate_many(&moderations).await
}
