//! What the shell shows over a pane: help, the error log, `:who` and the confirmation dialog.
//! Their keys come through the keymap like the panes', so an operator's own bindings scroll
//! and close them too.

use super::dialog::{Dialog, DialogResult};
use super::who::WhoView;
use super::{App, Command};
use crate::keymap::Action;
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    ErrorLog {
        scroll: u16,
    },
    Dialog(Box<Dialog>),
    /// `:who`: one user from every service.
    Who(Box<WhoView>),
}

/// Rows a page key scrolls an overlay.
const OVERLAY_PAGE: u16 = 10;

/// Moves `scroll` for a scrolling action; `false` when the action is not one.
fn scroll_by(action: Action, scroll: &mut u16) -> bool {
    *scroll = match action {
        Action::Down => scroll.saturating_add(1),
        Action::Up => scroll.saturating_sub(1),
        Action::PageDown | Action::HalfPageDown => scroll.saturating_add(OVERLAY_PAGE),
        Action::PageUp | Action::HalfPageUp => scroll.saturating_sub(OVERLAY_PAGE),
        Action::Top => 0,
        Action::Bottom => u16::MAX / 2,
        _ => return false,
    };
    true
}

impl App {
    pub(super) fn on_overlay_key(&mut self, overlay: Overlay, key: KeyEvent) -> Vec<Command> {
        let action = self.keymap.action(&key);
        match overlay {
            // Scroll keys scroll; any other key closes.
            Overlay::Help { mut scroll } => {
                if action.is_some_and(|a| scroll_by(a, &mut scroll)) {
                    self.overlay = Some(Overlay::Help { scroll });
                }
                Vec::new()
            }
            Overlay::ErrorLog { mut scroll } => {
                if action.is_some_and(|a| scroll_by(a, &mut scroll)) {
                    self.overlay = Some(Overlay::ErrorLog { scroll });
                }
                Vec::new()
            }
            Overlay::Who(mut view) => {
                match action {
                    // Back to where you were.
                    Some(Action::Back | Action::HopBack | Action::Quit | Action::Who) => {
                        return Vec::new();
                    }
                    Some(a) => {
                        scroll_by(a, &mut view.scroll);
                    }
                    None => {}
                }
                self.overlay = Some(Overlay::Who(view));
                Vec::new()
            }
            Overlay::Dialog(mut dialog) => match dialog.on_key(key) {
                DialogResult::Open => {
                    self.overlay = Some(Overlay::Dialog(dialog));
                    Vec::new()
                }
                DialogResult::Cancelled => {
                    self.pane_mut(self.pane).0.dialog_cancelled();
                    self.toast("cancelled; nothing was changed");
                    Vec::new()
                }
                DialogResult::Confirmed { operation, reason } => {
                    self.send_write(operation, reason, dialog)
                }
            },
        }
    }
}
