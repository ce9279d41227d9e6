//! Moderators' actions that take more than one store call.

use crate::error::DomainResult;
use crate::model::{
    Actor, PageRequest, Reason, Report, ReportFilter, ReportResolution, ReportStatus, Target,
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
