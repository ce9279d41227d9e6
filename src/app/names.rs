//! Who a sub is, as people read it: the profile row's display name (else its e-mail, else the
//! directory's name), asked for once per session for the subs panes show, and kept. A pane
//! draws the name in place of the sub, and the sub itself in its detail.

use backoffice_domain::model::UserSub;
use std::collections::{HashMap, HashSet};

/// Subs asked for in one request, at most.
pub const NAMES_BATCH: usize = 200;

#[derive(Debug, Default)]
pub struct Names {
    /// `Some(name)` once known; `None` while asked for, or when nobody names the sub.
    known: HashMap<UserSub, Option<String>>,
    /// Subs whose name may have changed since it was read (a write was made): shown as they
    /// were, and asked for again when next shown.
    stale: HashSet<UserSub>,
}

impl Names {
    /// The name of `sub`, when one is known.
    pub fn get(&self, sub: &UserSub) -> Option<&str> {
        self.known.get(sub).and_then(|n| n.as_deref())
    }

    /// How a table shows `sub`: its name, else the sub itself.
    pub fn label(&self, sub: &UserSub) -> String {
        self.get(sub)
            .map_or_else(|| sub.to_string(), str::to_string)
    }

    /// How a detail shows `sub`: the name and the sub.
    pub fn full(&self, sub: &UserSub) -> String {
        match self.get(sub) {
            Some(name) => format!("{name} ({sub})"),
            None => sub.to_string(),
        }
    }

    /// `text` with each `user <sub>` whose name is known as `user <name> (<sub>)`: a dialog
    /// said "every open report on user f720eb58-…" with no name to tell who that was.
    pub fn named_users(&self, text: &str) -> String {
        const MARK: &str = "user ";
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find(MARK) {
            let (before, after) = rest.split_at(at + MARK.len());
            out.push_str(before);
            let candidate = after.get(..36).unwrap_or("");
            let known = UserSub::parse(candidate)
                .ok()
                .and_then(|sub| self.get(&sub).map(|name| (sub, name)));
            match known {
                // Already named (`user Ann (sub)` or a sub inside parentheses): as it is.
                Some((sub, name)) if !after[36..].starts_with(')') => {
                    out.push_str(&format!("{} ({sub})", crate::text::one_line(name)));
                    rest = &after[36..];
                }
                _ => rest = after,
            }
        }
        out.push_str(rest);
        out
    }

    /// The subs of `wanted` never asked for (each once), now marked as asked.
    pub fn to_ask(&mut self, wanted: impl IntoIterator<Item = UserSub>) -> Vec<UserSub> {
        let mut ask = Vec::new();
        for sub in wanted {
            if ask.len() >= NAMES_BATCH {
                break;
            }
            if !self.known.contains_key(&sub) {
                self.known.insert(sub.clone(), None);
                ask.push(sub);
            } else if self.stale.remove(&sub) {
                ask.push(sub);
            }
        }
        ask
    }

    /// The answer to asking for `asked`: the names found; a sub asked for and not named
    /// (a display name cleared) has none now.
    pub fn learn(&mut self, asked: &[UserSub], names: Vec<(UserSub, String)>) {
        for sub in asked {
            self.known.insert(sub.clone(), None);
        }
        // A name that passes for another (`Аnn Lee` with a Cyrillic `А`) is kept with those
        // letters named, wherever it is shown.
        for (sub, name) in names {
            self.known
                .insert(sub, Some(crate::text::look_alikes_named(&name)));
        }
    }

    /// Every name may have changed (a write was made): each is asked for again when next
    /// shown, and shown as it was until then.
    pub fn read_again(&mut self) {
        self.stale.extend(self.known.keys().cloned());
    }

    /// Forgets what was asked for but never answered, so it is asked again (after a failure).
    pub fn forget(&mut self, subs: &[UserSub]) {
        for sub in subs {
            if self.known.get(sub) == Some(&None) {
                self.known.remove(sub);
            } else {
                self.stale.insert(sub.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(i: u32) -> UserSub {
        UserSub::parse(format!("00000000-0000-4000-8000-{i:012x}")).unwrap()
    }

    #[test]
    fn each_sub_is_asked_for_once_and_shown_by_name_when_known() {
        let mut names = Names::default();
        assert_eq!(names.to_ask([sub(1), sub(2), sub(1)]), vec![sub(1), sub(2)]);
        assert!(names.to_ask([sub(1)]).is_empty(), "asked already");
        names.learn(&[sub(1), sub(2)], vec![(sub(1), "Ann \u{202e}Lee".into())]);
        assert_eq!(names.label(&sub(1)), "Ann \u{202e}Lee");
        assert_eq!(names.label(&sub(2)), sub(2).to_string());
        assert_eq!(names.full(&sub(1)), format!("Ann \u{202e}Lee ({})", sub(1)));
        assert!(names.to_ask([sub(1), sub(2)]).is_empty(), "both answered");
        names.learn(&[sub(3)], vec![(sub(3), "\u{410}nn Lee".into())]);
        assert_eq!(names.label(&sub(3)), "<U+0410>nn Lee");
    }

    /// A dialog's `user <sub>` gains the name where it is known; an unknown sub, one already
    /// named and other text stay as they are.
    #[test]
    fn users_in_a_dialog_are_named_where_known() {
        let mut names = Names::default();
        names.to_ask([sub(1), sub(2)]);
        names.learn(&[sub(1), sub(2)], vec![(sub(1), "Ann\nLee".into())]);
        assert_eq!(
            names.named_users(&format!(
                "every open report (3) on user {}: open → actioned",
                sub(1)
            )),
            format!(
                "every open report (3) on user Ann Lee ({}): open → actioned",
                sub(1)
            )
        );
        let unknown = format!("user.ban of user {} by ops", sub(2));
        assert_eq!(names.named_users(&unknown), unknown);
        let named = format!("user Ann Lee ({})", sub(1));
        assert_eq!(names.named_users(&named), named);
        assert_eq!(
            names.named_users("a user 0000 and a user"),
            "a user 0000 and a user"
        );
    }

    /// A failed lookup asks again for what it did not learn, and keeps the names it had.
    #[test]
    fn a_failed_lookup_is_asked_again() {
        let mut names = Names::default();
        names.to_ask([sub(1)]);
        names.learn(&[sub(1)], vec![(sub(1), "Ann".into())]);
        assert_eq!(names.to_ask([sub(1), sub(2)]), vec![sub(2)]);
        names.forget(&[sub(2)]);
        assert_eq!(
            names.to_ask([sub(1), sub(2)]),
            vec![sub(2)],
            "a known name stays"
        );
    }

    /// After a write every name is read again, shown as it was until the answer: a display
    /// name cleared by a moderator stopped showing only in a new session.
    #[test]
    fn after_a_write_names_are_read_again() {
        let mut names = Names::default();
        names.to_ask([sub(1), sub(2)]);
        names.learn(
            &[sub(1), sub(2)],
            vec![(sub(1), "Offensive".into()), (sub(2), "Bo".into())],
        );
        names.read_again();
        assert_eq!(names.label(&sub(1)), "Offensive", "until the answer");
        let asked = names.to_ask([sub(1), sub(2)]);
        assert_eq!(asked, vec![sub(1), sub(2)]);
        assert!(names.to_ask([sub(1)]).is_empty(), "once");
        names.learn(&asked, vec![(sub(2), "Bo".into())]);
        assert_eq!(names.label(&sub(1)), sub(1).to_string(), "cleared: the sub");
        assert_eq!(names.label(&sub(2)), "Bo");
    }
}
