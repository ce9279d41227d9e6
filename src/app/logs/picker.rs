//! The group picker: the environment's log groups, up to ten picked, and what starts a feed.

use super::{FeedSpec, LogsPane, Prompt, Screen, Window};
use crate::app::list::{moved, movement};
use crate::app::{Ids, Outcome};
use crate::keymap::Action;

impl LogsPane {
    pub(super) fn on_picker_action(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        let p = &mut self.picker;
        let delta = match action {
            Action::Mark => {
                let Some(g) = p.groups.get(p.selected).cloned() else {
                    return Outcome::None;
                };
                if let Some(i) = p.picked.iter().position(|x| *x == g) {
                    p.picked.remove(i);
                } else if p.picked.len() >= backoffice_domain::model::TailRequest::MAX_GROUPS {
                    return Outcome::Message("a tail follows at most 10 log groups".into());
                } else {
                    p.picked.push(g);
                }
                1
            }
            Action::Enter => {
                let spec = FeedSpec {
                    groups: self.chosen_groups(),
                    window: Window::Live,
                    pattern: None,
                };
                return self.start(spec, ids);
            }
            Action::LogQuery => {
                if self.chosen_groups().is_empty() {
                    return Outcome::Message("pick a log group first".into());
                }
                self.prompt = Some(Prompt::query("15m "));
                return Outcome::None;
            }
            Action::Reload => return self.load_groups(ids).into(),
            // Said, not silently nothing: the views are a tail's.
            Action::NextView if self.feed.is_none() => {
                return Outcome::Message(
                    "lines and invocations are a tail's views: pick groups (space), then enter"
                        .into(),
                );
            }
            Action::NextView => {
                self.screen = Screen::Viewer;
                return Outcome::None;
            }
            // `esc` stops here, the pane's top (it went on to the lines left, and back again,
            // never settling); `v` shows them.
            Action::Back => return Outcome::None,
            Action::NextMatch | Action::PrevMatch => {
                let Some(wanted) = p.find.clone() else {
                    return Outcome::Message("/ finds a group first; n and N then go on".into());
                };
                if !p.find_next(action == Action::PrevMatch) {
                    return Outcome::Message(format!(
                        "no group name holds '{}'",
                        crate::text::one_line(&wanted)
                    ));
                }
                return Outcome::None;
            }
            other => match movement(other, p.viewport) {
                Some(d) => d,
                None => return Outcome::None,
            },
        };
        p.selected = moved(p.selected, delta, p.groups.len());
        Outcome::None
    }
}
