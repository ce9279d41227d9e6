//! Who a sub is, as people read it: the profile row's display name (else its e-mail, else the
//! directory's name), asked for once per session for the subs panes show, and kept. A pane
//! draws the name in place of the sub, and the sub itself in its detail.

use backoffice_domain::model::UserSub;
use std::collections::HashMap;

/// Subs asked for in one request, at most.
pub const NAMES_BATCH: usize = 200;

#[derive(Debug, Default)]
pub struct Names {
    /// `Some(name)` once known; `None` while asked for, or when nobody names the sub.
    known: HashMap<UserSub, Option<String>>,
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
            }
        }
        ask
    }

    /// Names that arrived.
    pub fn learn(&mut self, names: Vec<(UserSub, String)>) {
        for (sub, name) in names {
            self.known.insert(sub, Some(name));
        }
    }

    /// Forgets what was asked for but never answered, so it is asked again (after a failure).
    pub fn forget(&mut self, subs: &[UserSub]) {
        for sub in subs {
            if self.known.get(sub) == Some(&None) {
                self.known.remove(sub);
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
        names.learn(vec![(sub(1), "Ann \u{202e}Lee".into())]);
        assert_eq!(names.label(&sub(1)), "Ann \u{202e}Lee");
        assert_eq!(names.label(&sub(2)), sub(2).to_string());
        assert_eq!(names.full(&sub(1)), format!("Ann \u{202e}Lee ({})", sub(1)));
        names.forget(&[sub(1), sub(2)]);
        assert_eq!(
            names.to_ask([sub(1), sub(2)]),
            vec![sub(2)],
            "a known name stays"
        );
    }
}
