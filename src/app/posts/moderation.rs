//! What a moderation key proposes: the targets it acts on (the thread's row, or the marked else
//! the selected rows of a list) and the dialog that lists each change.

use super::{PostsPane, ThreadRow, View, excerpt, target_label};
use crate::app::Outcome;
use crate::app::dialog::{self, Form, Proposal};
use crate::ops::Operation;
use crate::text::plural;
use backoffice_domain::model::{
    ContentStatus, ModerationAction, ModerationTarget, ReportId, ReportResolution, ReportStatus,
    Target,
};

/// Where a target stands, as the pane read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Now {
    Is(ContentStatus),
    /// The queue's row whose post or comment no longer exists.
    Gone,
    /// A status no release writes (set by hand, or by a newer release): it was taken as
    /// visible, and the dialog promised `visible → hidden`.
    Unknown,
}

impl Now {
    fn word(self) -> &'static str {
        match self {
            Now::Is(s) => s.as_str(),
            Now::Gone => "gone",
            Now::Unknown => "unknown",
        }
    }
}

impl PostsPane {
    /// What a moderation key acts on: the thread's selected row, or the marked (else the
    /// selected) rows of the list, each with where it stands.
    pub(super) fn moderation_targets(&self) -> Vec<(ModerationTarget, Now, String)> {
        match (&self.thread, self.view) {
            (Some(t), _) => t
                .rows
                .selected_item()
                .map(|r| {
                    let label = match r {
                        ThreadRow::Post(p) => format!("post #{} ({})", p.id, excerpt(&p.body)),
                        ThreadRow::Comment(c) => {
                            format!("comment #{} ({})", c.id, excerpt(&c.body))
                        }
                    };
                    vec![(r.target(), Now::Is(r.status()), label)]
                })
                .unwrap_or_default(),
            (None, Some(View::Posts)) => self
                .posts
                .targets()
                .into_iter()
                .map(|p| {
                    (
                        ModerationTarget::Post(p.id),
                        Now::Is(p.status),
                        format!("post #{} ({})", p.id, excerpt(&p.body)),
                    )
                })
                .collect(),
            _ => self
                .queue
                .targets()
                .into_iter()
                .filter_map(|q| {
                    let t = match q.group.target {
                        Target::Post(id) => ModerationTarget::Post(id),
                        Target::Comment(id) => ModerationTarget::Comment(id),
                        Target::User(_) => return None,
                    };
                    // No summary: the post or comment is gone (its row reads `gone`); one
                    // whose status could not be read is unknown (its row reads so).
                    let summary = q.summary.as_ref();
                    let status = match summary {
                        None => Now::Gone,
                        Some(s) => s.status.map_or(Now::Unknown, Now::Is),
                    };
                    let label = match summary {
                        Some(s) => format!(
                            "{} ({})",
                            target_label(&q.group.target),
                            excerpt(&s.excerpt)
                        ),
                        None => target_label(&q.group.target),
                    };
                    Some((t, status, label))
                })
                .collect(),
        }
    }

    pub(super) fn report_targets(&self) -> Vec<Target> {
        // In a profile: the person shown, whatever is marked or selected in the queue beneath.
        if let Some(sub) = self.profile.as_ref().and_then(|p| p.sub.clone()) {
            return vec![Target::User(sub)];
        }
        match (&self.thread, self.view) {
            (Some(t), _) => t
                .rows
                .selected_item()
                .map(|r| vec![r.target().into()])
                .unwrap_or_default(),
            (None, Some(View::Posts)) => self
                .posts
                .targets()
                .into_iter()
                .map(|p| Target::Post(p.id))
                .collect(),
            _ => self
                .queue
                .targets()
                .into_iter()
                .map(|q| q.group.target.clone())
                .collect(),
        }
    }

    /// Reported people among the queue's marked (else selected) rows: a hide, a restore or a
    /// removal leaves them out, and the dialog says so.
    fn people_left_out(&self) -> usize {
        match (&self.thread, self.view) {
            (None, Some(View::Reports) | None) => self
                .queue
                .targets()
                .iter()
                .filter(|q| matches!(q.group.target, Target::User(_)))
                .count(),
            _ => 0,
        }
    }

    pub(super) fn propose_moderation(&self, action: ModerationAction) -> Outcome {
        let targets = self.moderation_targets();
        let people = self.people_left_out();
        let people_note = format!(
            "left alone: {} ({} applies to posts and comments; :ban acts on a person)",
            plural(people, "reported person"),
            action.as_str()
        );
        if targets.is_empty() {
            return Outcome::Message(if people > 0 {
                people_note
            } else {
                "nothing selected".into()
            });
        }
        let after = action.target_status();
        // What the action does not apply to (hiding a removed comment, restoring a visible
        // post) is left out here, not refused by the store after the confirmation.
        let (targets, left): (Vec<_>, Vec<_>) = targets
            .into_iter()
            .partition(|(_, before, _)| matches!(before, Now::Is(b) if action.applies_to(*b)));
        let applies = match action {
            ModerationAction::Hide => "applies to visible items",
            ModerationAction::Restore => "applies to hidden or removed items",
            ModerationAction::Remove => "applies to items not yet removed",
        };
        // A gone item was counted as visible: the dialog promised a hide that then failed.
        let why = |label: &str, before: Now| match before {
            Now::Is(before) => format!(
                "{label} is {}: {} {applies}",
                before.as_str(),
                action.as_str()
            ),
            Now::Gone => format!(
                "{label} no longer exists (deleted): its reports can be resolved (s) or dismissed (D)"
            ),
            Now::Unknown => format!(
                "{label} has a status no release writes (the log names the row): mend it in the database; its reports can be resolved (s) or dismissed (D)"
            ),
        };
        if targets.is_empty() {
            return Outcome::Message(match left.as_slice() {
                [(_, before, label)] => why(label, *before),
                _ => format!(
                    "nothing to {0}: {0} {applies}, and none of the {1} is one",
                    action.as_str(),
                    left.len()
                ),
            });
        }
        let mut changes: Vec<String> = targets
            .iter()
            .map(|(_, before, label)| format!("{label}: {} → {}", before.word(), after.as_str()))
            .collect();
        changes.extend(
            left.iter()
                .map(|(_, before, label)| format!("left alone: {}", why(label, *before))),
        );
        if people > 0 {
            changes.push(people_note);
        }
        let n = targets.len();
        let verb = format!(
            "{} {n} item{}",
            action.as_str(),
            if n == 1 { "" } else { "s" }
        );
        Outcome::Propose(Proposal {
            title: format!(
                "{} {}",
                crate::app::shell::capitalise(action.as_str()),
                plural(n, "item")
            ),
            verb,
            changes,
            form: Form::Ready(Operation::Moderate {
                targets: targets.into_iter().map(|(t, _, _)| t).collect(),
                action,
            }),
            type_to_confirm: None,
            after: Vec::new(),
            reasons: match action {
                ModerationAction::Restore => dialog::RESTORE_REASONS,
                _ => dialog::MODERATION_REASONS,
            },
        })
    }

    pub(super) fn propose_resolution(&self, resolution: ReportResolution) -> Outcome {
        let targets = self.report_targets();
        if targets.is_empty() {
            return Outcome::Message("nothing selected".into());
        }
        let word = match resolution {
            ReportResolution::Actioned => "resolve",
            ReportResolution::Dismissed => "dismiss",
        };
        // How many each closes, where the queue has counted them, or the thread read them (it
        // reads the reports on every row it shows).
        let in_thread = self.profile.is_none() && self.thread.is_some();
        let open = |t: &Target| {
            if in_thread {
                return self.thread.as_ref().map(|thread| {
                    thread
                        .reports
                        .iter()
                        .filter(|r| r.target == *t && r.status == ReportStatus::Open)
                        .count()
                });
            }
            self.queue
                .items
                .iter()
                .find(|q| q.group.target == *t)
                .map(|q| usize::try_from(q.group.open_reports).unwrap_or(0))
        };
        // None open: said now, not after a dialog and a reason ("no open reports …: nothing
        // changed").
        if let [one] = targets.as_slice()
            && open(one) == Some(0)
        {
            return Outcome::Message(format!(
                "no open reports on {}: nothing to {word}",
                target_label(one)
            ));
        }
        // The newest report shown, for each target: one that comes in while the dialog is
        // open is not closed unread (the dialog listed 45, and 46 were closed).
        let newest = |t: &Target| -> Option<i64> {
            if in_thread {
                return self.thread.as_ref().and_then(|thread| {
                    thread
                        .reports
                        .iter()
                        .filter(|r| r.target == *t && r.status == ReportStatus::Open)
                        .map(|r| r.id.get())
                        .max()
                });
            }
            self.queue
                .items
                .iter()
                .find(|q| q.group.target == *t)
                .map(|q| q.group.latest_open_id.get())
        };
        let seen = targets
            .iter()
            .map(|t| newest(t).and_then(|id| ReportId::new(id).ok()))
            .collect();
        let changes = targets
            .iter()
            .map(|t| {
                format!(
                    "{} on {}: open → {}",
                    // Those shown: one that comes in meanwhile stays open.
                    match open(t) {
                        Some(n) => format!("the open reports shown ({n})"),
                        None => "every open report".to_string(),
                    },
                    target_label(t),
                    resolution.status().as_str()
                )
            })
            .collect();
        Outcome::Propose(Proposal {
            verb: format!("{word} reports on {}", plural(targets.len(), "target")),
            title: format!("{} reports", crate::app::shell::capitalise(word)),
            changes,
            form: Form::Ready(Operation::ResolveReports {
                targets,
                resolution,
                seen,
            }),
            type_to_confirm: None,
            after: Vec::new(),
            reasons: dialog::MODERATION_REASONS,
        })
    }
}
