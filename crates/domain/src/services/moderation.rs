//! Moderators' actions that take more than one store call.

use crate::error::DomainResult;
use crate::model::{
    Actor, Moderation, ModerationAction, ModerationOutcome, ModerationTarget, Page, PageRequest,
    QueueFilter, Reason, ReasonCount, Report, ReportFilter, ReportGroup, ReportId,
    ReportResolution, ReportStatus, Target, TargetSummary,
};
use crate::ports::ContentStore;

/// Closes every open report on `target` as `resolution`, each with its audit row; with `upto`,
/// only those up to that report (those a moderator saw): a report that came after is left open
/// and counted in `newer` (a dialog that listed 45 closed 46, the last one unread). Stops at the
/// first failure: what was closed before it stays closed and audited.
pub async fn resolve_all_open(
    content: &dyn ContentStore,
    target: &Target,
    resolution: ReportResolution,
    actor: &Actor,
    reason: &Reason,
    upto: Option<ReportId>,
) -> DomainResult<Resolved> {
    let filter = ReportFilter {
        status: Some(ReportStatus::Open),
        target: Some(target.clone()),
        reporter: None,
    };
    let mut open = Vec::new();
    let mut unreadable = 0;
    let mut page = PageRequest::first(100);
    loop {
        let got = content.list_reports(&filter, page).await?;
        // Not closed, and counted: one no release writes is left open, and said.
        unreadable += got.left_out.len();
        open.extend(got.items);
        match got.next {
            Some(c) => page = PageRequest::after(c, 100),
            None => break,
        }
    }
    let (seen, newer): (Vec<_>, Vec<_>) = open
        .into_iter()
        .partition(|r| upto.is_none_or(|upto| r.id.get() <= upto.get()));
    let mut closed = Vec::with_capacity(seen.len());
    for report in seen {
        closed.push(
            content
                .resolve_report(report.id, resolution, actor, reason)
                .await?,
        );
    }
    Ok(Resolved {
        closed,
        newer: newer.len(),
        unreadable,
    })
}

/// What [`resolve_all_open`] did.
#[derive(Debug)]
pub struct Resolved {
    pub closed: Vec<Report>,
    /// Open reports newer than the last one seen, left open.
    pub newer: usize,
    /// Open reports that could not be read (rows no release writes), left open.
    pub unreadable: usize,
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

/// A line of the reports queue with what a moderator needs to judge it without opening it: the
/// reported text and its author (or the reported user's name), its status, and the reasons
/// given with their counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueItem {
    pub group: ReportGroup,
    /// `None` when the target no longer exists.
    pub summary: Option<TargetSummary>,
    pub reasons: Vec<ReasonCount>,
}

/// A page of the reports queue (most reported first) as `filter` narrows it, each line
/// described: two more queries a page, whatever its size.
pub async fn queue(
    content: &dyn ContentStore,
    filter: &QueueFilter,
    page: PageRequest,
) -> DomainResult<Page<QueueItem>> {
    let groups = content.report_queue(filter, page).await?;
    let targets: Vec<Target> = groups.items.iter().map(|g| g.target.clone()).collect();
    let (summaries, reasons) = futures::try_join!(
        content.summarize_targets(&targets),
        content.open_reasons(&targets)
    )?;
    let items = groups
        .items
        .into_iter()
        .map(|group| QueueItem {
            summary: summaries.iter().find(|s| s.target == group.target).cloned(),
            reasons: reasons
                .iter()
                .find(|(t, _)| *t == group.target)
                .map(|(_, r)| r.clone())
                .unwrap_or_default(),
            group,
        })
        .collect();
    Ok(Page {
        items,
        next: groups.next,
        left_out: groups.left_out,
    })
}
