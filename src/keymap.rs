//! Keys to actions. The defaults follow k9s and vim; `[keys]` in config.toml overrides any
//! action's key (partially: actions not named keep their defaults). Help is built from the live
//! keymap, so it always shows what the keys really do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;
use std::fmt;

/// Something the operator asks for, independent of the key that asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Up,
    Down,
    HalfPageDown,
    HalfPageUp,
    PageDown,
    PageUp,
    Top,
    Bottom,
    Enter,
    Back,
    NextPane,
    PrevPane,
    NextView,
    Mark,
    Filter,
    CommandMode,
    Help,
    ErrorLog,
    Reload,
    /// Draws every cell again (after something else wrote to the terminal).
    Redraw,
    Quit,
    // Posts & comments
    Hide,
    Restore,
    Remove,
    ResolveReport,
    DismissReport,
    GoToAuthor,
    OpenImage,
    // Users
    Disable,
    Enable,
    ResetPassword,
    SetPassword,
    SignOut,
    ConfirmSignUp,
    ResendInvitation,
    VerifyEmail,
    EditAttribute,
    AddGroup,
    RemoveGroup,
    DeleteUser,
    // Storage
    SortObjects,
    DownloadObject,
    UploadObject,
    DeleteObject,
    CopyLink,
    OpenOwner,
    // Logs
    LogQuery,
    RequestLines,
    NextMatch,
    PrevMatch,
    ContextLines,
    Wrap,
    Timestamps,
    MetricsStrip,
    SelectRange,
    SaveLogs,
    Who,
    CopyId,
    ConsoleLink,
    Export,
    HopBack,
    DetailDown,
    DetailUp,
    // Metrics
    FailedInvocations,
}

/// Where an action applies, for the help popup's sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    Everywhere,
    Posts,
    Users,
    Storage,
    Logs,
    Metrics,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::Up,
        Action::Down,
        Action::HalfPageDown,
        Action::HalfPageUp,
        Action::PageDown,
        Action::PageUp,
        Action::Top,
        Action::Bottom,
        Action::Enter,
        Action::Back,
        Action::NextPane,
        Action::PrevPane,
        Action::NextView,
        Action::Mark,
        Action::Filter,
        Action::CommandMode,
        Action::Help,
        Action::ErrorLog,
        Action::Reload,
        Action::Redraw,
        Action::Quit,
        Action::Hide,
        Action::Restore,
        Action::Remove,
        Action::ResolveReport,
        Action::DismissReport,
        Action::GoToAuthor,
        Action::OpenImage,
        Action::Disable,
        Action::Enable,
        Action::ResetPassword,
        Action::SetPassword,
        Action::SignOut,
        Action::ConfirmSignUp,
        Action::ResendInvitation,
        Action::VerifyEmail,
        Action::EditAttribute,
        Action::AddGroup,
        Action::RemoveGroup,
        Action::DeleteUser,
        Action::SortObjects,
        Action::DownloadObject,
        Action::UploadObject,
        Action::DeleteObject,
        Action::CopyLink,
        Action::OpenOwner,
        Action::LogQuery,
        Action::RequestLines,
        Action::NextMatch,
        Action::PrevMatch,
        Action::ContextLines,
        Action::Wrap,
        Action::Timestamps,
        Action::MetricsStrip,
        Action::SelectRange,
        Action::SaveLogs,
        Action::Who,
        Action::CopyId,
        Action::ConsoleLink,
        Action::Export,
        Action::HopBack,
        Action::DetailDown,
        Action::DetailUp,
        Action::FailedInvocations,
    ];

    /// Whether the action, done, opens a dialog or a prompt that takes typed text: refused,
    /// the keys typed next were meant for it (see `App::held_after_refusal`).
    pub fn takes_text(self) -> bool {
        crate::app::users::ACCOUNT_ACTIONS.contains(&self)
            || matches!(
                self,
                Action::Filter
                    | Action::CommandMode
                    | Action::Hide
                    | Action::Restore
                    | Action::Remove
                    | Action::ResolveReport
                    | Action::DismissReport
                    | Action::DownloadObject
                    | Action::UploadObject
                    | Action::DeleteObject
                    | Action::LogQuery
                    | Action::SaveLogs
                    | Action::Export
            )
    }

    /// The name used in `[keys]`.
    pub fn name(self) -> &'static str {
        match self {
            Action::Up => "up",
            Action::Down => "down",
            Action::HalfPageDown => "half-page-down",
            Action::HalfPageUp => "half-page-up",
            Action::PageDown => "page-down",
            Action::PageUp => "page-up",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::Enter => "open",
            Action::Back => "back",
            Action::NextPane => "next-pane",
            Action::PrevPane => "previous-pane",
            Action::NextView => "next-view",
            Action::Mark => "mark",
            Action::Filter => "filter",
            Action::CommandMode => "command",
            Action::Help => "help",
            Action::ErrorLog => "error-log",
            Action::Reload => "reload",
            Action::Redraw => "redraw",
            Action::Quit => "quit",
            Action::Hide => "hide",
            Action::Restore => "restore",
            Action::Remove => "remove",
            Action::ResolveReport => "resolve-report",
            Action::DismissReport => "dismiss-report",
            Action::GoToAuthor => "go-to-author",
            Action::OpenImage => "open-image",
            Action::Disable => "disable-user",
            Action::Enable => "enable-user",
            Action::ResetPassword => "reset-password",
            Action::SetPassword => "set-password",
            Action::SignOut => "sign-out",
            Action::ConfirmSignUp => "confirm-sign-up",
            Action::ResendInvitation => "resend-invitation",
            Action::VerifyEmail => "verify-email",
            Action::EditAttribute => "edit-attribute",
            Action::AddGroup => "add-group",
            Action::RemoveGroup => "remove-group",
            Action::DeleteUser => "delete-user",
            Action::SortObjects => "sort",
            Action::DownloadObject => "download",
            Action::UploadObject => "upload",
            Action::DeleteObject => "delete-object",
            Action::CopyLink => "copy-link",
            Action::OpenOwner => "open-user",
            Action::LogQuery => "log-query",
            Action::RequestLines => "request-lines",
            Action::NextMatch => "next-match",
            Action::PrevMatch => "previous-match",
            Action::ContextLines => "context-lines",
            Action::Wrap => "wrap",
            Action::Timestamps => "timestamps",
            Action::MetricsStrip => "metrics-strip",
            Action::SelectRange => "select-range",
            Action::SaveLogs => "save-logs",
            Action::Who => "who",
            Action::CopyId => "copy-id",
            Action::ConsoleLink => "copy-console-link",
            Action::Export => "export",
            Action::HopBack => "hop-back",
            Action::DetailDown => "detail-down",
            Action::DetailUp => "detail-up",
            Action::FailedInvocations => "failed-invocations",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Action::Up => "previous row",
            Action::Down => "next row",
            Action::HalfPageDown => "half a page down",
            Action::HalfPageUp => "half a page up",
            Action::PageDown => "a page down",
            Action::PageUp => "a page up",
            Action::Top => "first row",
            Action::Bottom => "last loaded row",
            Action::Enter => "open the selected row",
            Action::Back => "back / close",
            Action::NextPane => "next pane",
            Action::PrevPane => "previous pane",
            Action::NextView => "next view of the pane",
            Action::Mark => "mark the row for a bulk action",
            Action::Filter => "filter",
            Action::CommandMode => "command (:users, :posts, :q …)",
            Action::Help => "this help",
            Action::ErrorLog => "error log",
            Action::Reload => "reload",
            Action::Redraw => "draw the whole screen again",
            Action::Quit => "quit",
            Action::Hide => "hide (marked rows or the selection)",
            Action::Restore => "restore",
            Action::Remove => "remove",
            Action::ResolveReport => "resolve the reports (action taken)",
            Action::DismissReport => "dismiss the reports (no action)",
            Action::GoToAuthor => "open the author in Users",
            Action::OpenImage => "open the post's image in Storage",
            Action::Disable => "disable the account",
            Action::Enable => "enable the account",
            Action::ResetPassword => "reset the password (sends a code)",
            Action::SetPassword => "set a password",
            Action::SignOut => "sign out everywhere",
            Action::ConfirmSignUp => "confirm the sign-up",
            Action::ResendInvitation => "send the invitation again",
            Action::VerifyEmail => "mark the e-mail verified",
            Action::EditAttribute => "edit an attribute",
            Action::AddGroup => "add to a group",
            Action::RemoveGroup => "remove from a group",
            Action::DeleteUser => "delete the account whole (planned; data exported first)",
            Action::SortObjects => {
                "sort: the posts list newest ↔ oldest; a folder by name, size, date; a result or the users list by column"
            }
            Action::DownloadObject => "download to a local path",
            Action::UploadObject => "upload a file here (Storage); undo the row (Audit)",
            Action::DeleteObject => "delete (marked objects, the selection, a saved query)",
            Action::CopyLink => "copy a presigned link (1 h)",
            Action::OpenOwner => "open the owner (profiles/, posts/) in Users",
            Action::LogQuery => {
                "write the query (Logs: window and pattern; Insights; Metrics: range)"
            }
            Action::RequestLines => "every line of the selected row's request",
            Action::NextMatch => "next search match",
            Action::PrevMatch => "previous search match",
            Action::ContextLines => "search: matches only, with 2 / 5 context lines",
            Action::Wrap => "wrap long lines",
            Action::Timestamps => "show or hide timestamps",
            Action::MetricsStrip => "show the invocation sparklines",
            Action::SelectRange => "start / clear a range selection",
            Action::SaveLogs => "save (Logs: lines to a file; Insights: the query)",
            Action::Who => "this row's user in every service",
            Action::CopyId => "copy the selected row's id",
            Action::ConsoleLink => "copy the selected thing's AWS console link",
            Action::Export => "export the view to a file (again: cancel)",
            Action::HopBack => "back from the last jump (a, i, U)",
            Action::DetailDown => {
                "scroll the open detail down (a thread's, a log line's, a text preview)"
            }
            Action::DetailUp => {
                "scroll the open detail up (a thread's, a log line's, a text preview)"
            }
            Action::FailedInvocations => "the function's failing lines in Insights",
        }
    }

    pub fn scope(self) -> Scope {
        use Action::*;
        match self {
            Hide | Restore | Remove | ResolveReport | DismissReport | GoToAuthor | OpenImage
            | DetailDown | DetailUp => Scope::Posts,
            Disable | Enable | ResetPassword | SetPassword | SignOut | ConfirmSignUp
            | ResendInvitation | VerifyEmail | EditAttribute | AddGroup | RemoveGroup
            | DeleteUser => Scope::Users,
            SortObjects | DownloadObject | UploadObject | DeleteObject | CopyLink | OpenOwner => {
                Scope::Storage
            }
            LogQuery | RequestLines | NextMatch | PrevMatch | ContextLines | Wrap | Timestamps
            | MetricsStrip | SelectRange | SaveLogs => Scope::Logs,
            FailedInvocations => Scope::Metrics,
            _ => Scope::Everywhere,
        }
    }

    fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name)
    }
}

/// A key with its modifiers, as written in config (`j`, `G`, `ctrl-d`, `enter`, `f5`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    code: KeyCodeOrd,
    ctrl: bool,
    alt: bool,
}

/// `KeyCode` subset that can be ordered (for stable help output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum KeyCodeOrd {
    Char(char),
    F(u8),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
}

impl Key {
    /// The key of a terminal event; `None` for keys no binding can name.
    pub fn from_event(event: &KeyEvent) -> Option<Key> {
        let code = match event.code {
            KeyCode::Char(c) => KeyCodeOrd::Char(c),
            KeyCode::F(n) => KeyCodeOrd::F(n),
            KeyCode::Enter => KeyCodeOrd::Enter,
            KeyCode::Esc => KeyCodeOrd::Esc,
            KeyCode::Tab => KeyCodeOrd::Tab,
            KeyCode::BackTab => KeyCodeOrd::BackTab,
            KeyCode::Backspace => KeyCodeOrd::Backspace,
            KeyCode::Delete => KeyCodeOrd::Delete,
            KeyCode::Up => KeyCodeOrd::Up,
            KeyCode::Down => KeyCodeOrd::Down,
            KeyCode::Left => KeyCodeOrd::Left,
            KeyCode::Right => KeyCodeOrd::Right,
            KeyCode::Home => KeyCodeOrd::Home,
            KeyCode::End => KeyCodeOrd::End,
            KeyCode::PageUp => KeyCodeOrd::PageUp,
            KeyCode::PageDown => KeyCodeOrd::PageDown,
            _ => return None,
        };
        Some(Key {
            code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
        })
    }

    /// Parses `j`, `G`, `ctrl-d`, `alt-x`, `enter`, `esc`, `tab`, `shift-tab`, `space`, `f5`,
    /// `pageup`, `home`, arrow names.
    pub fn parse(text: &str) -> Result<Key, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = text.trim();
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(r) = lower.strip_prefix("ctrl-").filter(|r| !r.is_empty()) {
                ctrl = true;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower.strip_prefix("alt-").filter(|r| !r.is_empty()) {
                alt = true;
                rest = &rest[rest.len() - r.len()..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCodeOrd::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCodeOrd::Enter,
                "esc" | "escape" => KeyCodeOrd::Esc,
                "tab" => KeyCodeOrd::Tab,
                "shift-tab" | "backtab" => KeyCodeOrd::BackTab,
                "backspace" => KeyCodeOrd::Backspace,
                "delete" | "del" => KeyCodeOrd::Delete,
                "space" => KeyCodeOrd::Char(' '),
                "up" => KeyCodeOrd::Up,
                "down" => KeyCodeOrd::Down,
                "left" => KeyCodeOrd::Left,
                "right" => KeyCodeOrd::Right,
                "home" => KeyCodeOrd::Home,
                "end" => KeyCodeOrd::End,
                "pageup" | "page-up" => KeyCodeOrd::PageUp,
                "pagedown" | "page-down" => KeyCodeOrd::PageDown,
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=24) => KeyCodeOrd::F(n),
                    _ => return Err(not_a_key(text)),
                },
                _ => return Err(not_a_key(text)),
            },
        };
        Ok(Key { code, ctrl, alt })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCodeOrd::Char(' ') => f.write_str("space"),
            KeyCodeOrd::Char(c) => write!(f, "{c}"),
            KeyCodeOrd::F(n) => write!(f, "f{n}"),
            KeyCodeOrd::Enter => f.write_str("enter"),
            KeyCodeOrd::Esc => f.write_str("esc"),
            KeyCodeOrd::Tab => f.write_str("tab"),
            KeyCodeOrd::BackTab => f.write_str("shift-tab"),
            KeyCodeOrd::Backspace => f.write_str("backspace"),
            KeyCodeOrd::Delete => f.write_str("delete"),
            KeyCodeOrd::Up => f.write_str("↑"),
            KeyCodeOrd::Down => f.write_str("↓"),
            KeyCodeOrd::Left => f.write_str("←"),
            KeyCodeOrd::Right => f.write_str("→"),
            KeyCodeOrd::Home => f.write_str("home"),
            KeyCodeOrd::End => f.write_str("end"),
            KeyCodeOrd::PageUp => f.write_str("pageup"),
            KeyCodeOrd::PageDown => f.write_str("pagedown"),
        }
    }
}

const DEFAULTS: &[(&str, Action)] = &[
    ("k", Action::Up),
    ("up", Action::Up),
    ("j", Action::Down),
    ("down", Action::Down),
    ("ctrl-d", Action::HalfPageDown),
    ("ctrl-u", Action::HalfPageUp),
    ("pagedown", Action::PageDown),
    ("pageup", Action::PageUp),
    ("g", Action::Top),
    ("home", Action::Top),
    ("G", Action::Bottom),
    ("end", Action::Bottom),
    ("enter", Action::Enter),
    ("esc", Action::Back),
    ("tab", Action::NextPane),
    ("shift-tab", Action::PrevPane),
    ("v", Action::NextView),
    ("space", Action::Mark),
    ("/", Action::Filter),
    (":", Action::CommandMode),
    ("?", Action::Help),
    ("!", Action::ErrorLog),
    ("ctrl-r", Action::Reload),
    ("ctrl-l", Action::Redraw),
    ("q", Action::Quit),
    ("ctrl-c", Action::Quit),
    ("h", Action::Hide),
    ("R", Action::Restore),
    ("x", Action::Remove),
    ("s", Action::ResolveReport),
    ("D", Action::DismissReport),
    ("a", Action::GoToAuthor),
    ("i", Action::OpenImage),
    ("d", Action::Disable),
    ("e", Action::Enable),
    ("p", Action::ResetPassword),
    ("P", Action::SetPassword),
    ("o", Action::SignOut),
    ("c", Action::ConfirmSignUp),
    ("M", Action::ResendInvitation),
    ("V", Action::VerifyEmail),
    ("E", Action::EditAttribute),
    ("+", Action::AddGroup),
    ("_", Action::RemoveGroup),
    ("ctrl-x", Action::DeleteUser),
    ("S", Action::SortObjects),
    ("w", Action::DownloadObject),
    ("u", Action::UploadObject),
    ("X", Action::DeleteObject),
    ("L", Action::CopyLink),
    ("y", Action::CopyId),
    ("Y", Action::ConsoleLink),
    ("ctrl-e", Action::Export),
    ("U", Action::OpenOwner),
    ("f", Action::LogQuery),
    ("r", Action::RequestLines),
    ("n", Action::NextMatch),
    ("N", Action::PrevMatch),
    ("C", Action::ContextLines),
    ("W", Action::Wrap),
    ("t", Action::Timestamps),
    ("m", Action::MetricsStrip),
    ("b", Action::SelectRange),
    ("ctrl-s", Action::SaveLogs),
    ("O", Action::Who),
    ("-", Action::HopBack),
    ("J", Action::DetailDown),
    ("K", Action::DetailUp),
    ("I", Action::FailedInvocations),
];

/// The live keymap.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: BTreeMap<Key, Action>,
}

impl Default for Keymap {
    fn default() -> Self {
        let bindings = DEFAULTS
            .iter()
            .map(|(k, a)| {
                let key = Key::parse(k).unwrap_or_else(|e| unreachable!("built-in key: {e}"));
                (key, *a)
            })
            .collect();
        Self { bindings }
    }
}

impl Keymap {
    /// The defaults with `overrides` (action name → key) applied. An overridden action loses
    /// its default keys; a key taken from another action moves. Mistakes are returned, each
    /// naming the `keys.<action>` entry; the rest of the overrides still apply.
    pub fn with_overrides(overrides: &BTreeMap<String, String>) -> (Self, Vec<String>) {
        let mut map = Self::default();
        let mut problems = Vec::new();
        for (name, key) in overrides {
            let Some(action) = Action::from_name(name) else {
                let names: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
                problems.push(match crate::text::nearest(name, &names) {
                    Some(near) => format!("keys.{name}: no such action; did you mean {near}?"),
                    None => format!("keys.{name}: no such action (docs/keys.md lists them)"),
                });
                continue;
            };
            let key = match Key::parse(key) {
                Ok(k) => k,
                Err(e) => {
                    problems.push(format!("keys.{name}: {e}"));
                    continue;
                }
            };
            map.bindings.retain(|_, a| *a != action);
            map.bindings.insert(key, action);
        }
        // A key given to one action is taken from the action that had it: one left with no key
        // at all (and not named, so not meant) is said, with the way to give it one
        // (`filter = "f"` took the log query's, the Insights editor's and the range's `f`).
        let named: Vec<Action> = overrides
            .keys()
            .filter_map(|n| Action::from_name(n))
            .collect();
        let defaults = Self::default();
        for action in Action::ALL {
            if named.contains(action) || !map.keys_for(*action).is_empty() {
                continue;
            }
            let lost: Vec<String> = defaults
                .keys_for(*action)
                .iter()
                .map(|k| {
                    let to = map.bindings.get(k).map_or("nothing", |a| a.name());
                    format!("{k} went to {to}")
                })
                .collect();
            if !lost.is_empty() {
                problems.push(format!(
                    "keys: {} has no key left ({}): name one, {} = \"…\"",
                    action.name(),
                    lost.join(", "),
                    action.name()
                ));
            }
        }
        (map, problems)
    }

    pub fn action(&self, event: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(event)?;
        if let Some(a) = self.bindings.get(&key) {
            return Some(*a);
        }
        // Shifted letters arrive as uppercase with SHIFT set; bindings name them uppercase.
        None
    }

    /// The keys bound to `action`, for help and hints.
    pub fn keys_for(&self, action: Action) -> Vec<Key> {
        self.bindings
            .iter()
            .filter(|(_, a)| **a == action)
            .map(|(k, _)| *k)
            .collect()
    }

    /// A short hint: the first key of `action`, or `(no key)` when it has none (it said `-`,
    /// which is `hop-back`'s key).
    pub fn hint(&self, action: Action) -> String {
        let keys = self.keys_for(action);
        keys.iter()
            .find(|k| !k.ctrl && !k.alt)
            .or(keys.first())
            .map(|k| k.to_string())
            .unwrap_or_else(|| "(no key)".into())
    }

    /// Help lines: (scope, action, keys, description), grouped by scope in a stable order.
    pub fn help(&self) -> Vec<(Scope, Action, String, &'static str)> {
        let mut out = Vec::new();
        for action in Action::ALL {
            let keys = self.keys_for(*action);
            if keys.is_empty() {
                continue;
            }
            let keys = keys
                .iter()
                .map(|k| k.to_string())
                .collect::<Vec<_>>()
                .join(" / ");
            out.push((action.scope(), *action, keys, action.describe()));
        }
        out.sort_by_key(|(scope, _, _, _)| *scope);
        out
    }
}

/// The refusal of a key as written, with the form it was likely meant in: keys join with `-`
/// (`ctrl+q` and `Ctrl Q` are `ctrl-q`).
fn not_a_key(text: &str) -> String {
    let joined = text.trim().replace(['+', ' '], "-").to_ascii_lowercase();
    let meant = if joined != text && Key::parse(&joined).is_ok() {
        format!("; did you mean {joined}?")
    } else {
        String::new()
    };
    format!("'{text}' is not a key{meant}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn defaults_follow_k9s_and_vim() {
        let map = Keymap::default();
        assert_eq!(
            map.action(&ev(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::Down)
        );
        assert_eq!(
            map.action(&ev(KeyCode::Char('d'), KeyModifiers::CONTROL)),
            Some(Action::HalfPageDown)
        );
        assert_eq!(
            map.action(&ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            map.action(&ev(KeyCode::Char(':'), KeyModifiers::NONE)),
            Some(Action::CommandMode)
        );
        assert_eq!(
            map.action(&ev(KeyCode::Tab, KeyModifiers::NONE)),
            Some(Action::NextPane)
        );
        assert_eq!(
            map.action(&ev(KeyCode::Char(' '), KeyModifiers::NONE)),
            Some(Action::Mark)
        );
    }

    #[test]
    fn every_action_has_a_default_key_and_no_key_is_bound_twice() {
        let map = Keymap::default();
        for a in Action::ALL {
            assert!(!map.keys_for(*a).is_empty(), "{} has no key", a.name());
        }
        assert_eq!(
            map.bindings.len(),
            DEFAULTS.len(),
            "a default key is bound twice"
        );
    }

    #[test]
    fn overrides_are_partial_and_mistakes_are_named() {
        let mut o = BTreeMap::new();
        o.insert("filter".to_string(), "f".to_string());
        o.insert("nonsense".to_string(), "z".to_string());
        o.insert("hide".to_string(), "ctrl-".to_string());
        let (map, problems) = Keymap::with_overrides(&o);
        assert_eq!(
            map.action(&ev(KeyCode::Char('f'), KeyModifiers::NONE)),
            Some(Action::Filter)
        );
        assert_eq!(
            map.action(&ev(KeyCode::Char('/'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            map.action(&ev(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::Down)
        );
        assert_eq!(
            map.action(&ev(KeyCode::Char('h'), KeyModifiers::NONE)),
            Some(Action::Hide),
            "a bad override leaves the default"
        );
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems.iter().any(|p| p.starts_with("keys.nonsense")));
        assert!(problems.iter().any(|p| p.starts_with("keys.hide")));
        assert!(problems.iter().any(|p| p.starts_with("keys: log-query")));
    }

    /// An override that takes another action's only key says that action has none left, and
    /// the hint for it says so rather than show another action's key; a swap says nothing.
    #[test]
    fn a_key_taken_from_another_action_is_said() {
        let mut o = BTreeMap::new();
        o.insert("filter".to_string(), "f".to_string());
        let (map, problems) = Keymap::with_overrides(&o);
        assert_eq!(
            map.action(&ev(KeyCode::Char('f'), KeyModifiers::NONE)),
            Some(Action::Filter)
        );
        assert!(
            problems
                .iter()
                .any(|p| p == "keys: log-query has no key left (f went to filter): name one, log-query = \"…\""),
            "{problems:?}"
        );
        assert_eq!(map.hint(Action::LogQuery), "(no key)");
        o.insert("log-query".to_string(), "/".to_string());
        let (map, problems) = Keymap::with_overrides(&o);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(map.hint(Action::LogQuery), "/");
    }

    /// A misspelt action is told the one it is closest to.
    #[test]
    fn a_misspelt_action_is_told_the_nearest() {
        let mut o = BTreeMap::new();
        o.insert("hdie".to_string(), "H".to_string());
        o.insert("frobnicate".to_string(), "F".to_string());
        let (_, problems) = Keymap::with_overrides(&o);
        assert!(
            problems.contains(&"keys.hdie: no such action; did you mean hide?".to_string()),
            "{problems:?}"
        );
        assert!(
            problems
                .contains(&"keys.frobnicate: no such action (docs/keys.md lists them)".to_string()),
            "{problems:?}"
        );
    }

    #[test]
    fn help_follows_the_live_keymap() {
        let mut o = BTreeMap::new();
        o.insert("quit".to_string(), "ctrl-q".to_string());
        let (map, _) = Keymap::with_overrides(&o);
        let quit = map
            .help()
            .into_iter()
            .find(|(_, _, _, d)| *d == "quit")
            .unwrap();
        assert_eq!(quit.2, "ctrl-q");
    }

    proptest! {
        #[test]
        fn key_parsing_never_panics_and_round_trips(text in "\\PC{0,12}") {
            if let Ok(key) = Key::parse(&text) {
                let again = Key::parse(&key.to_string().replace('↑', "up").replace('↓', "down").replace('←', "left").replace('→', "right"));
                prop_assert_eq!(again, Ok(key));
            }
        }
    }
}

#[cfg(test)]
mod docs {
    use super::*;

    /// docs/keys.md lists every action with exactly its default keys.
    #[test]
    fn the_keys_page_matches_the_default_keymap() {
        let doc = include_str!("../docs/keys.md");
        let map = Keymap::default();
        for action in Action::ALL {
            let keys: Vec<String> = map
                .keys_for(*action)
                .iter()
                .map(|k| format!("`{k}`"))
                .collect();
            let row = doc
                .lines()
                .find(|l| l.starts_with(&format!("| `{}` |", action.name())))
                .unwrap_or_else(|| panic!("docs/keys.md has no row for {}", action.name()));
            for k in &keys {
                assert!(row.contains(k.as_str()), "{row} lacks {k}");
            }
            let listed = row.split('|').nth(2).unwrap().matches('`').count() / 2;
            assert_eq!(listed, keys.len(), "{row}: extra keys listed");
        }
    }
}
