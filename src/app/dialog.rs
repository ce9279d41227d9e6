//! The confirmation dialog every write goes through: it shows exactly what will change, asks
//! for a reason (a pick list plus free text), asks for the environment's name in production and
//! the user's name before a delete, and collects what the write needs (a password typed twice,
//! an attribute, a group). Nothing is sent until every field is valid.

use crate::input::{Edit, TextInput};
use crate::ops::Operation;
use backoffice_domain::model::{AttributeName, GroupName, Reason, Username};
use backoffice_domain::services::accounts::{AccountAction, Secret};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The longest text a dialog field takes.
const FIELD_MAX_CHARS: usize = 500;

/// Reasons offered for moderation; "other" asks for the free text.
pub const MODERATION_REASONS: &[&str] = &[
    "spam",
    "harassment",
    "hate speech",
    "nudity or sexual content",
    "violence or threats",
    "illegal content",
    "impersonation",
    "reported in error",
    "other",
];

/// Reasons offered for a ban: a moderator's, and a compromised account's.
pub const BAN_REASONS: &[&str] = &[
    "spam",
    "harassment",
    "hate speech",
    "nudity or sexual content",
    "violence or threats",
    "illegal content",
    "impersonation",
    "account compromised",
    "other",
];

/// Reasons offered for lifting a ban.
pub const UNBAN_REASONS: &[&str] = &[
    "banned by mistake",
    "appeal accepted",
    "account recovered",
    "other",
];

/// Reasons offered for putting content back.
pub const RESTORE_REASONS: &[&str] = &[
    "hidden by mistake",
    "appeal upheld",
    "reported in error",
    "edited to follow the rules",
    "other",
];

/// Reasons offered for account actions.
pub const ACCOUNT_REASONS: &[&str] = &[
    "support request",
    "security concern",
    "account compromised",
    "abuse or spam",
    "impersonation",
    "user asked to be removed",
    "other",
];

/// Where a group dialog's change names the group: drawn as the name typed so far.
pub const GROUP_TYPED: &str = "the group typed";

/// Where an attribute dialog's change names the attribute and its values: drawn as typed.
pub const ATTRIBUTE_TYPED: &str = "one attribute set to the value typed";

/// Where a password dialog's change says which password is set: drawn as the `permanent`
/// box stands (it said "temporary unless marked permanent" whichever way it was marked).
pub const PASSWORD_KIND: &str = "a new password, temporary unless marked permanent";

/// Reasons offered for saving or deleting a saved Insights query.
pub const QUERY_REASONS: &[&str] = &[
    "on-call runbook",
    "incident investigation",
    "replaced by a better query",
    "no longer needed",
    "other",
];

/// What the write needs besides a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    /// The write is complete.
    Ready(Operation),
    /// A password typed twice, temporary unless marked permanent.
    Password { username: Username },
    /// An attribute name and value; `current` is what the user holds (shown as the name is
    /// typed, and offered as the value to edit).
    Attribute {
        username: Username,
        current: Vec<(String, String)>,
    },
    /// A group to add the user to: one of the pool's (`None` when the pool has more groups
    /// than were listed, and any name is sent) that they are not in.
    AddGroup {
        username: Username,
        member_of: Vec<GroupName>,
        pool: Option<Vec<GroupName>>,
    },
    /// A group to remove, from those the user is in.
    RemoveGroup {
        username: Username,
        member_of: Vec<GroupName>,
    },
    /// A new user: a username, an e-mail, and whether to send the invitation (the toggle).
    CreateUser,
    /// Profile fields to clear, from those `offered` (the field starts with all of them).
    ProfileFields {
        sub: backoffice_domain::model::UserSub,
        offered: String,
        /// The values shown, cleared only if they still hold.
        seen: Vec<(backoffice_domain::model::ProfileField, Option<String>)>,
    },
}

/// A write a pane proposes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// A short verb phrase for messages ("hide 3 posts").
    pub verb: String,
    pub title: String,
    /// Exactly what will change, one line each.
    pub changes: Vec<String>,
    pub form: Form,
    /// What follows whatever the changes are (whether they can be undone): drawn under them
    /// always, never among the changes a short dialog pages through.
    pub after: Vec<String>,
    /// A name the operator must type because the action cannot be undone.
    pub type_to_confirm: Option<String>,
    /// The pick list of reasons, "other" last.
    pub reasons: &'static [&'static str],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Input1,
    Input2,
    Permanent,
    ReasonPick,
    ReasonText,
    Typed,
    TypedName,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialog {
    pub proposal: Proposal,
    /// The environment's name to type, in production.
    pub environment: Option<String>,
    pub focus: Field,
    pub input1: TextInput,
    pub input2: TextInput,
    pub permanent: bool,
    /// The reason picked from the list; none until the operator picks one (a write is never
    /// audited with a reason nobody chose).
    pub reason_pick: Option<usize>,
    pub reason_text: TextInput,
    pub typed: TextInput,
    pub typed_name: TextInput,
    /// Why Enter did not confirm, shown under the fields.
    pub problem: Option<String>,
    /// The first change listed (`pgdn` / `pgup` move it when not all fit).
    changes_scroll: usize,
    /// The first change the last drawing listed and how many, for `pgdn` / `pgup` to move by.
    pub changes_drawn: std::cell::Cell<(usize, usize)>,
}

pub enum DialogResult {
    Open,
    Cancelled,
    Confirmed {
        operation: Operation,
        reason: Reason,
    },
}

impl Dialog {
    pub fn new(proposal: Proposal, environment: Option<String>) -> Self {
        let field = || TextInput::new("").with_max_chars(FIELD_MAX_CHARS);
        let secret = matches!(proposal.form, Form::Password { .. });
        // A new user is invited unless the box is cleared.
        let invite = matches!(proposal.form, Form::CreateUser);
        let first = match &proposal.form {
            Form::ProfileFields { offered, .. } => offered.clone(),
            _ => String::new(),
        };
        let mut d = Self {
            proposal,
            environment,
            focus: Field::ReasonPick,
            input1: if secret {
                field().masked()
            } else {
                TextInput::new(&first).with_max_chars(FIELD_MAX_CHARS)
            },
            input2: if secret { field().masked() } else { field() },
            permanent: invite,
            reason_pick: None,
            reason_text: field(),
            typed: field(),
            typed_name: field(),
            problem: None,
            changes_scroll: 0,
            changes_drawn: std::cell::Cell::new((0, 0)),
        };
        d.focus = d.fields()[0];
        d
    }

    /// A change line as the fields now read: a group or an attribute dialog's change names
    /// what is typed ([`GROUP_TYPED`], [`ATTRIBUTE_TYPED`] stand for it until then).
    pub fn as_typed(&self, change: &str) -> String {
        if let Form::Password { .. } = self.proposal.form {
            return change.replace(
                PASSWORD_KIND,
                if self.permanent {
                    "a new permanent password (status → CONFIRMED)"
                } else {
                    "a new temporary password (status → FORCE_CHANGE_PASSWORD: they choose their own at next sign-in)"
                },
            );
        }
        let typed = self.input1.text();
        let typed = typed.trim();
        if typed.is_empty() {
            return change.to_string();
        }
        match self.proposal.form {
            Form::AddGroup { .. } | Form::RemoveGroup { .. } => change.replace(
                GROUP_TYPED,
                &format!("group {}", crate::text::identifier(typed)),
            ),
            Form::Attribute { .. } => {
                // Quoted with the quotes inside escaped: `"O'Brien \"Bob\""` (read as
                // `"O'Brien "Bob""`, where the value ended was anyone's guess).
                let quoted = |v: &str| backoffice_domain::model::quoted(&crate::text::one_line(v));
                let now = match self.attribute_now() {
                    Some(Some(v)) => quoted(v),
                    _ => "(none)".to_string(),
                };
                let value = self.input2.text();
                let hidden = matches!(self.attribute_now(), Some(Some(v)) if crate::text::hostile_in(v).is_some());
                let to = if value.is_empty() && hidden {
                    // Not offered to edit (it holds a control character or an override): an
                    // empty field is not "taken off" by oversight without a word.
                    "(taken off: the value is empty; its value was not offered, it holds a control character: type the new one to replace it)".to_string()
                } else if value.is_empty() && matches!(self.attribute_now(), Some(Some(_))) {
                    "(taken off: the value is empty)".to_string()
                } else if value.is_empty() {
                    "the value typed".to_string()
                } else {
                    quoted(&value)
                };
                change.replace(
                    ATTRIBUTE_TYPED,
                    &format!("{} {now} → {to}", crate::text::identifier(typed)),
                )
            }
            // A field the typed list leaves out is said to stay (the dialog listed the bio as
            // cleared after the field was narrowed to the display name).
            Form::ProfileFields { ref seen, .. } => {
                let Ok(typed) = backoffice_domain::services::profiles::parse_fields(typed) else {
                    return change.to_string();
                };
                match seen.iter().find(|(f, _)| {
                    change.starts_with(&format!("{}: ", f.label())) && !typed.contains(f)
                }) {
                    Some((f, _)) => {
                        format!("left alone: the {} (not among the fields typed)", f.label())
                    }
                    None => change.to_string(),
                }
            }
            _ => change.to_string(),
        }
    }

    /// The first change to list.
    pub fn changes_from(&self) -> usize {
        self.changes_scroll
            .min(self.proposal.changes.len().saturating_sub(1))
    }

    /// The fields in focus order.
    pub fn fields(&self) -> Vec<Field> {
        let mut f = match self.proposal.form {
            Form::Ready(_) => vec![],
            Form::Password { .. } | Form::CreateUser => {
                vec![Field::Input1, Field::Input2, Field::Permanent]
            }
            Form::Attribute { .. } => vec![Field::Input1, Field::Input2],
            Form::AddGroup { .. } | Form::RemoveGroup { .. } | Form::ProfileFields { .. } => {
                vec![Field::Input1]
            }
        };
        f.extend([Field::ReasonPick, Field::ReasonText]);
        if self.proposal.type_to_confirm.is_some() {
            f.push(Field::TypedName);
        }
        if self.environment.is_some() {
            f.push(Field::Typed);
        }
        f
    }

    /// Labels of the form's inputs.
    pub fn input_labels(&self) -> (&'static str, &'static str) {
        match self.proposal.form {
            Form::Password { .. } => ("password", "again"),
            Form::Attribute { .. } => ("attribute", "value"),
            Form::AddGroup { .. } | Form::RemoveGroup { .. } => ("group", ""),
            Form::ProfileFields { .. } => ("fields", ""),
            Form::CreateUser => ("username", "e-mail"),
            Form::Ready(_) => ("", ""),
        }
    }

    fn text_mut(&mut self) -> Option<&mut TextInput> {
        match self.focus {
            Field::Input1 => Some(&mut self.input1),
            Field::Input2 => Some(&mut self.input2),
            Field::ReasonText => Some(&mut self.reason_text),
            Field::Typed => Some(&mut self.typed),
            Field::TypedName => Some(&mut self.typed_name),
            Field::Permanent | Field::ReasonPick => None,
        }
    }

    fn move_focus(&mut self, forward: bool) {
        let fields = self.fields();
        let i = fields.iter().position(|f| *f == self.focus).unwrap_or(0);
        let n = fields.len();
        self.focus = fields[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }];
        self.offer_current_value();
    }

    /// The picked reason's text, if one is picked.
    pub fn picked(&self) -> Option<&'static str> {
        let reasons = self.proposal.reasons;
        self.reason_pick
            .map(|i| reasons[i.min(reasons.len().saturating_sub(1))])
    }

    pub fn reason(&self) -> Result<Reason, String> {
        let text = self.reason_text.text();
        let text = text.trim();
        let full = match (self.picked(), text.is_empty()) {
            (None, true) => {
                return Err("pick a reason (↑↓ on the reason) or write one in details".into());
            }
            (Some("other"), true) => return Err("write the reason (\"other\" was picked)".into()),
            (None | Some("other"), false) => text.to_string(),
            (Some(p), true) => p.to_string(),
            (Some(p), false) => format!("{p}: {text}"),
        };
        Reason::parse(&full).map_err(|e| format!("reason: {}", e.message))
    }

    /// The write, when every field is valid; else what the first field not valid lacks, in
    /// the order the fields are drawn.
    pub fn build(&self) -> Result<(Operation, Reason), String> {
        self.build_at().map_err(|(_, problem)| problem)
    }

    /// [`Dialog::build`], a refusal naming the field it is about (where the cursor goes).
    fn build_at(&self) -> Result<(Operation, Reason), (Field, String)> {
        let write = self.write().map_err(|problem| {
            let second = ["value:", "e-mail:", "the two passwords differ"];
            let field = if second.iter().any(|p| problem.starts_with(p)) {
                Field::Input2
            } else {
                Field::Input1
            };
            (field, problem)
        })?;
        let reason = self.reason().map_err(|problem| {
            let field = if self.picked() == Some("other") {
                Field::ReasonText
            } else {
                Field::ReasonPick
            };
            (field, problem)
        })?;
        if let Some(name) = &self.proposal.type_to_confirm
            && self.typed_name.text().trim() != name
        {
            return Err((Field::TypedName, format!("type {name} to confirm")));
        }
        if let Some(env) = &self.environment {
            let gate = crate::ops::Gate::TypeName(env.clone());
            crate::ops::check_typed(&gate, Some(&self.typed.text()))
                .map_err(|f| (Field::Typed, f.message))?;
        }
        Ok((write, reason))
    }

    /// The write the form's own fields make.
    fn write(&self) -> Result<Operation, String> {
        let (first, second) = (self.input1.text(), self.input2.text());
        let write = match &self.proposal.form {
            Form::Ready(w) => w.clone(),
            Form::Password { username } => {
                if first.is_empty() {
                    return Err("type the password".into());
                }
                if first != second {
                    return Err("the two passwords differ".into());
                }
                Operation::Account {
                    username: username.clone(),
                    action: AccountAction::SetPassword {
                        password: Secret::new(first),
                        permanent: self.permanent,
                    },
                }
            }
            Form::Attribute { username, .. } => {
                let name = AttributeName::parse(first.trim()).map_err(|e| e.message)?;
                if name.as_str() == "sub" {
                    return Err("sub cannot be changed".into());
                }
                if let Some(why) = crate::text::hostile_in(&second) {
                    return Err(format!("value: {why}"));
                }
                let now = self.attribute_now().flatten();
                if now == Some(second.as_str()) {
                    return Err(format!("value: {} already holds it", name.as_str()));
                }
                // An empty value takes the attribute off.
                let action = if second.is_empty() {
                    if now.is_none() {
                        return Err(format!(
                            "value: type one ({} is not set, so there is nothing to take off)",
                            name.as_str()
                        ));
                    }
                    AccountAction::DeleteAttribute(name)
                } else {
                    name.check_value(&second).map_err(|e| e.to_string())?;
                    AccountAction::SetAttribute {
                        name,
                        value: second,
                    }
                };
                Operation::Account {
                    username: username.clone(),
                    action,
                }
            }
            Form::AddGroup {
                username,
                member_of,
                pool,
            } => {
                let group =
                    GroupName::parse(first.trim()).map_err(|e| format!("group: {}", e.message))?;
                if member_of.contains(&group) {
                    return Err(format!("group: already in {group}"));
                }
                if let Some(pool) = pool
                    && !pool.contains(&group)
                {
                    let names: Vec<&str> = pool.iter().map(GroupName::as_str).collect();
                    return Err(format!(
                        "group: the pool has no group {group}{}",
                        did_you_mean(group.as_str(), &names)
                    ));
                }
                Operation::Account {
                    username: username.clone(),
                    action: AccountAction::AddToGroup(group),
                }
            }
            Form::RemoveGroup {
                username,
                member_of,
            } => {
                let group =
                    GroupName::parse(first.trim()).map_err(|e| format!("group: {}", e.message))?;
                if !member_of.contains(&group) {
                    return Err(format!(
                        "group: not in {group}{}",
                        did_you_mean(group.as_str(), &self.group_choices())
                    ));
                }
                Operation::Account {
                    username: username.clone(),
                    action: AccountAction::RemoveFromGroup(group),
                }
            }
            Form::CreateUser => {
                let username = Username::parse(first.trim())
                    .map_err(|e| format!("username: {}", e.message))?;
                if let Some(why) = crate::text::new_name_problem(username.as_str()) {
                    return Err(format!("username: {why}"));
                }
                Operation::CreateUser(backoffice_domain::services::accounts::NewAccount {
                    username,
                    email: backoffice_domain::model::Email::parse(second.trim())
                        .map_err(|e| format!("e-mail: {}", e.message))?,
                    send_invitation: self.permanent,
                })
            }
            Form::ProfileFields { sub, seen, .. } => {
                let named = backoffice_domain::services::profiles::parse_fields(&first)
                    .map_err(|e| e.to_string())?;
                let holds = |f: &backoffice_domain::model::ProfileField| {
                    seen.iter().any(|(s, v)| s == f && v.is_some())
                };
                // `all` means every field that holds something; a field named outright must.
                let fields: Vec<_> = if first.split([',', ' ']).any(|w| w.trim() == "all") {
                    named.into_iter().filter(holds).collect()
                } else {
                    if let Some(empty) = named.iter().find(|f| !holds(f)) {
                        return Err(format!("the {} is already empty", empty.label()));
                    }
                    named
                };
                if fields.is_empty() {
                    return Err("every field is already empty".into());
                }
                Operation::ClearProfile {
                    sub: sub.clone(),
                    seen: seen.clone(),
                    fields,
                }
            }
        };
        Ok(write)
    }

    /// What the attribute typed holds now: `None` while none is typed, `Some(None)` when the
    /// user has no such attribute.
    pub fn attribute_now(&self) -> Option<Option<&str>> {
        let Form::Attribute { current, .. } = &self.proposal.form else {
            return None;
        };
        let typed = self.input1.text();
        let typed = typed.trim();
        if typed.is_empty() {
            return None;
        }
        Some(
            current
                .iter()
                .find(|(name, _)| name == typed)
                .map(|(_, value)| value.as_str()),
        )
    }

    /// The attributes an attribute form can set that start with what is typed (`sub` is
    /// never one).
    pub fn attribute_choices(&self) -> Vec<&str> {
        let Form::Attribute { current, .. } = &self.proposal.form else {
            return Vec::new();
        };
        let typed = self.input1.text();
        let typed = typed.trim();
        current
            .iter()
            .map(|(name, _)| name.as_str())
            .filter(|name| *name != "sub" && name.starts_with(typed))
            .collect()
    }

    /// The groups the group field can take (those the user is not in, to add; those they
    /// are in, to remove), narrowed by what is typed; empty for other forms.
    pub fn group_choices(&self) -> Vec<&str> {
        let typed = self.input1.text();
        let typed = typed.trim();
        let all: Vec<&str> = match &self.proposal.form {
            Form::AddGroup {
                member_of,
                pool: Some(pool),
                ..
            } => pool
                .iter()
                .filter(|g| !member_of.contains(g))
                .map(GroupName::as_str)
                .collect(),
            Form::RemoveGroup { member_of, .. } => {
                member_of.iter().map(GroupName::as_str).collect()
            }
            _ => Vec::new(),
        };
        let narrowed: Vec<&str> = all
            .iter()
            .copied()
            .filter(|g| g.starts_with(typed))
            .collect();
        if narrowed.is_empty() { all } else { narrowed }
    }

    /// `tab` in a group or attribute field: completes what is typed as far as the choices
    /// agree; `false` when there is nothing to complete (the focus moves on).
    fn complete_name(&mut self) -> bool {
        if self.focus != Field::Input1 {
            return false;
        }
        let typed = self.input1.text();
        let typed = typed.trim();
        let choices: Vec<String> = match &self.proposal.form {
            Form::AddGroup { .. } | Form::RemoveGroup { .. } => self
                .group_choices()
                .into_iter()
                .map(str::to_string)
                .collect(),
            // The user's attributes, and the standard ones they have not set
            // (`phone` + tab on a user without a phone number completed nothing).
            Form::Attribute { .. } => {
                let mut names: Vec<String> = self
                    .attribute_choices()
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                for standard in AttributeName::STANDARD {
                    if standard.starts_with(typed) && !names.iter().any(|n| n == standard) {
                        names.push((*standard).to_string());
                    }
                }
                names
            }
            _ => return false,
        };
        let choices: Vec<&String> = choices.iter().filter(|c| c.starts_with(typed)).collect();
        let Some(first) = choices.first() else {
            return false;
        };
        let mut common = first.to_string();
        for c in &choices[1..] {
            while !c.starts_with(&common) {
                common.pop();
            }
        }
        if common.chars().count() <= typed.chars().count() {
            return false;
        }
        self.input1 = TextInput::new(&common).with_max_chars(FIELD_MAX_CHARS);
        if self.input2.is_offered() {
            self.input2 = TextInput::new("").with_max_chars(FIELD_MAX_CHARS);
        }
        self.offer_value();
        self.problem = None;
        true
    }

    /// Moving into the value field of an attribute form offers the attribute's value, to
    /// edit with the cursor keys or replace by typing.
    fn offer_current_value(&mut self) {
        if self.focus != Field::Input2 {
            return;
        }
        self.offer_value();
    }

    /// Offers the named attribute's value in the empty value field: as soon as the name is
    /// typed or completed, not only once the value field is visited (until then the change
    /// read `(taken off: the value is empty)`, and `enter` took the e-mail off).
    fn offer_value(&mut self) {
        if !matches!(self.proposal.form, Form::Attribute { .. }) || !self.input2.is_empty() {
            return;
        }
        // A value holding a direction override or a control character is not offered: the
        // field would draw it raw, and the write would refuse it anyway.
        if let Some(Some(value)) = self.attribute_now()
            && crate::text::hostile_in(value).is_none()
        {
            self.input2 = TextInput::new(value)
                .with_max_chars(FIELD_MAX_CHARS)
                .offered();
        }
    }

    /// Pasted text goes to the focused field (a paste on the pick list starts the free text).
    pub fn paste(&mut self, text: &str) {
        if self.focus == Field::ReasonPick {
            self.focus = Field::ReasonText;
        }
        if let Some(field) = self.text_mut() {
            field.paste(text);
        }
    }

    pub fn on_key(&mut self, key: KeyEvent) -> DialogResult {
        if let Some(field) = self.text_mut() {
            match field.handle(key) {
                Edit::Edited => {
                    // What was refused is being mended: the old complaint no longer holds.
                    self.problem = None;
                    // A value offered for another attribute is not this one's.
                    if self.focus == Field::Input1 {
                        if self.input2.is_offered() {
                            self.input2 = TextInput::new("").with_max_chars(FIELD_MAX_CHARS);
                        }
                        self.offer_value();
                    }
                    return DialogResult::Open;
                }
                Edit::Cancel => return DialogResult::Cancelled,
                Edit::Submit => return self.submit(),
                Edit::Ignored => {}
            }
        }
        match key.code {
            KeyCode::Esc => return DialogResult::Cancelled,
            KeyCode::Enter => return self.submit(),
            // The list of changes, when it does not all fit.
            KeyCode::PageDown | KeyCode::PageUp => {
                let (first, count) = self.changes_drawn.get();
                let count = count.max(1);
                let last = self.proposal.changes.len().saturating_sub(1);
                let to = if key.code == KeyCode::PageDown {
                    (first + count).min(last)
                } else {
                    first.saturating_sub(count)
                };
                self.changes_scroll = to;
                self.changes_drawn.set((to, count));
            }
            KeyCode::Tab if self.complete_name() => {}
            KeyCode::Tab => self.move_focus(true),
            KeyCode::BackTab => self.move_focus(false),
            KeyCode::Up if self.focus == Field::ReasonPick => {
                let last = self.proposal.reasons.len().saturating_sub(1);
                self.reason_pick = Some(self.reason_pick.map_or(last, |i| i.saturating_sub(1)));
                self.problem = None;
            }
            KeyCode::Down if self.focus == Field::ReasonPick => {
                let last = self.proposal.reasons.len().saturating_sub(1);
                self.reason_pick = Some(self.reason_pick.map_or(0, |i| (i + 1).min(last)));
                self.problem = None;
            }
            KeyCode::Char(' ') if self.focus == Field::Permanent => {
                self.permanent = !self.permanent;
                self.problem = None;
            }
            KeyCode::Up => self.move_focus(false),
            KeyCode::Down => self.move_focus(true),
            KeyCode::Char(c)
                if self.focus == Field::ReasonPick
                    && !c.is_control()
                    && !key
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                // Typing on the pick list starts the free text.
                self.focus = Field::ReasonText;
                self.reason_text.handle(key);
                self.problem = None;
            }
            _ => {}
        }
        DialogResult::Open
    }

    fn submit(&mut self) -> DialogResult {
        match self.build_at() {
            Ok((operation, reason)) => DialogResult::Confirmed { operation, reason },
            Err((field, problem)) => {
                // The cursor goes to the field the refusal is about, to mend it there.
                if self.fields().contains(&field) {
                    self.focus = field;
                }
                self.problem = Some(problem);
                DialogResult::Open
            }
        }
    }
}

/// `; did you mean admins?` for a name that differs from one choice only in case or by a
/// missing ending (`admin`, `Admins`), else nothing.
fn did_you_mean(typed: &str, choices: &[&str]) -> String {
    let typed = typed.to_lowercase();
    let near: Vec<&str> = choices
        .iter()
        .copied()
        .filter(|c| {
            let c = c.to_lowercase();
            c == typed || c.starts_with(&typed) || typed.starts_with(&c)
        })
        .take(3)
        .collect();
    if near.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", near.join(" or "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attribute_dialog() -> Dialog {
        attribute_dialog_of("Ada")
    }

    /// The attribute dialog of a user whose `name` is `name`.
    fn attribute_dialog_of(name: &str) -> Dialog {
        Dialog::new(
            Proposal {
                verb: "set an attribute of user1".into(),
                title: "Set an attribute".into(),
                changes: vec![],
                form: Form::Attribute {
                    username: Username::parse("user1").unwrap(),
                    current: vec![("name".into(), name.into())],
                },
                type_to_confirm: None,
                after: Vec::new(),
                reasons: ACCOUNT_REASONS,
            },
            None,
        )
    }

    /// The password dialog's change says which password it sets as the `permanent` box
    /// stands, and the status that follows (it said "temporary unless marked permanent"
    /// either way).
    #[test]
    fn the_password_change_follows_the_permanent_box() {
        let change = format!("user1: {PASSWORD_KIND}");
        let mut d = Dialog::new(
            Proposal {
                verb: "set a password for user1".into(),
                title: "Set a password".into(),
                changes: vec![change.clone()],
                form: Form::Password {
                    username: Username::parse("user1").unwrap(),
                },
                type_to_confirm: None,
                after: Vec::new(),
                reasons: ACCOUNT_REASONS,
            },
            None,
        );
        let temporary = d.as_typed(&change);
        assert!(
            temporary.contains("temporary password (status → FORCE_CHANGE_PASSWORD"),
            "{temporary}"
        );
        d.focus = Field::Permanent;
        d.on_key(KeyEvent::from(KeyCode::Char(' ')));
        assert!(d.permanent);
        assert_eq!(
            d.as_typed(&change),
            "user1: a new permanent password (status → CONFIRMED)"
        );
    }

    fn sign_out_dialog() -> Dialog {
        Dialog::new(
            Proposal {
                verb: "sign out user1".into(),
                title: "Sign out".into(),
                changes: vec![],
                form: Form::Ready(Operation::Account {
                    username: Username::parse("user1").unwrap(),
                    action: AccountAction::GlobalSignOut,
                }),
                type_to_confirm: None,
                after: Vec::new(),
                reasons: ACCOUNT_REASONS,
            },
            None,
        )
    }

    fn confirmed_reason(result: DialogResult) -> String {
        match result {
            DialogResult::Confirmed { reason, .. } => reason.as_str().to_string(),
            DialogResult::Open => panic!("still open"),
            DialogResult::Cancelled => panic!("cancelled"),
        }
    }

    /// Enter on a dialog nobody has touched sends nothing: no reason is recorded by default
    /// (one stray enter signed a user out as a "support request").
    #[test]
    fn no_reason_is_picked_until_the_operator_picks_one() {
        let mut d = sign_out_dialog();
        assert_eq!(d.focus, Field::ReasonPick);
        assert_eq!(d.picked(), None);
        assert!(matches!(
            d.on_key(KeyEvent::from(KeyCode::Enter)),
            DialogResult::Open
        ));
        assert!(d.problem.as_deref().unwrap().starts_with("pick a reason"));
        // Down picks the first, up from nothing the last ("other").
        d.on_key(KeyEvent::from(KeyCode::Down));
        assert_eq!(d.picked(), Some("support request"));
        assert_eq!(d.problem, None);
        assert_eq!(
            confirmed_reason(d.on_key(KeyEvent::from(KeyCode::Enter))),
            "support request"
        );
        let mut d = sign_out_dialog();
        d.on_key(KeyEvent::from(KeyCode::Up));
        assert_eq!(d.picked(), Some("other"));
    }

    /// A reason typed without a pick is the reason as typed.
    #[test]
    fn a_typed_reason_needs_no_pick() {
        let mut d = sign_out_dialog();
        for c in "lost phone, ticket 7".chars() {
            d.on_key(KeyEvent::from(KeyCode::Char(c)));
        }
        assert_eq!(d.focus, Field::ReasonText);
        assert_eq!(
            confirmed_reason(d.on_key(KeyEvent::from(KeyCode::Enter))),
            "lost phone, ticket 7"
        );
    }

    /// A complaint goes once its field is edited (it stayed after the text was mended).
    #[test]
    fn a_refusal_is_cleared_by_the_next_edit() {
        let mut d = attribute_dialog();
        d.focus = Field::Input1;
        assert!(matches!(
            d.on_key(KeyEvent::from(KeyCode::Enter)),
            DialogResult::Open
        ));
        assert!(d.problem.is_some());
        d.on_key(KeyEvent::from(KeyCode::Char('n')));
        assert_eq!(d.problem, None);
    }

    /// A value others will read is refused when it holds what would drive a terminal or read
    /// backwards; a name in another script with emoji is kept as typed.
    #[test]
    fn an_attribute_value_with_a_direction_override_is_refused() {
        let mut d = attribute_dialog();
        d.reason_pick = Some(0);
        d.input1.set_text("name");
        d.input2.set_text("Evil \u{202e}emaN");
        assert_eq!(
            d.build().unwrap_err(),
            "value: holds U+202E, which would change how it reads on screen; leave it out"
        );
        d.input2.set_text("مرحبا 🎉 👩‍👩‍👧");
        let (operation, _) = d.build().unwrap();
        assert!(
            matches!(
                &operation,
                Operation::Account { action: AccountAction::SetAttribute { value, .. }, .. }
                    if value == "مرحبا 🎉 👩‍👩‍👧"
            ),
            "{operation:?}"
        );
    }

    fn type_in(d: &mut Dialog, text: &str) {
        for c in text.chars() {
            d.on_key(KeyEvent::from(KeyCode::Char(c)));
        }
    }

    /// The attribute typed shows its value, which the value field then offers to edit; the
    /// same value again is refused (`E` showed neither, and wrote what was already there).
    #[test]
    fn an_attribute_shows_and_offers_its_value() {
        let mut d = attribute_dialog();
        d.reason_pick = Some(0);
        d.focus = Field::Input1;
        assert_eq!(d.attribute_now(), None);
        type_in(&mut d, "na");
        assert_eq!(d.attribute_now(), Some(None), "no attribute na");
        d.on_key(KeyEvent::from(KeyCode::Tab));
        assert_eq!(d.input1.text(), "name", "tab completes the name");
        // A standard attribute the user has not set completes too.
        let mut other = attribute_dialog();
        other.focus = Field::Input1;
        type_in(&mut other, "phone");
        other.on_key(KeyEvent::from(KeyCode::Tab));
        assert_eq!(other.input1.text(), "phone_number");
        assert_eq!(d.attribute_now(), Some(Some("Ada")));
        d.on_key(KeyEvent::from(KeyCode::Tab));
        assert_eq!(d.focus, Field::Input2);
        assert_eq!(d.input2.text(), "Ada");
        assert!(d.input2.is_offered());
        assert_eq!(d.build().unwrap_err(), "value: name already holds it");
        d.focus = Field::ReasonPick;
        d.on_key(KeyEvent::from(KeyCode::Enter));
        assert_eq!(d.focus, Field::Input2, "the value is what to mend");
        // A cursor key edits the offer; typing then appends.
        d.on_key(KeyEvent::from(KeyCode::End));
        type_in(&mut d, " L.");
        let (op, _) = d.build().unwrap();
        assert!(
            matches!(&op, Operation::Account { action: AccountAction::SetAttribute { value, .. }, .. } if value == "Ada L."),
            "{op:?}"
        );
        // Another attribute typed drops a value still only offered.
        let mut d = attribute_dialog();
        d.focus = Field::Input1;
        type_in(&mut d, "name");
        d.on_key(KeyEvent::from(KeyCode::Tab));
        d.on_key(KeyEvent::from(KeyCode::BackTab));
        type_in(&mut d, "x");
        assert_eq!(d.input2.text(), "", "the offer was name's");
    }

    /// A value holding a control character is not offered, and the change line says why an
    /// empty field would take it off (it said "taken off" with no word of the value withheld).
    #[test]
    fn a_value_not_offered_says_why() {
        let mut d = attribute_dialog_of("Evil \u{1b}[31mRED");
        d.focus = Field::Input1;
        type_in(&mut d, "name");
        d.on_key(KeyEvent::from(KeyCode::Tab));
        assert_eq!(d.focus, Field::Input2);
        assert_eq!(d.input2.text(), "", "not offered");
        let line = d.as_typed(ATTRIBUTE_TYPED);
        assert!(line.contains("its value was not offered"), "{line}");
    }

    /// An attribute dialog with a reason picked and `name` typed as the attribute.
    fn attribute_typed(name: &str) -> Dialog {
        let mut d = attribute_dialog();
        d.reason_pick = Some(0);
        d.focus = Field::Input1;
        type_in(&mut d, name);
        d
    }

    /// Quotes inside a value are escaped in the change line, so where it ends is plain.
    #[test]
    fn quotes_in_an_attribute_value_are_escaped() {
        let mut d = attribute_dialog_of("O'Brien \"Bob\"");
        d.reason_pick = Some(0);
        d.focus = Field::Input1;
        type_in(&mut d, "name");
        d.focus = Field::Input2;
        d.input2.set_text("O'Brien \"Robert\"");
        assert_eq!(
            d.as_typed(ATTRIBUTE_TYPED),
            r#"name "O'Brien \"Bob\"" → "O'Brien \"Robert\"""#
        );
    }

    /// An empty value takes a set attribute off (and says so in the change line); an unset
    /// one needs a value; a phone number of the wrong shape is refused before anything is
    /// sent (moto stores it; Cognito refuses the call after the confirmation).
    #[test]
    fn an_empty_value_takes_the_attribute_off_and_values_are_checked() {
        // The name typed offers its value at once: before the value field was visited the
        // line read "taken off", and `enter` took the e-mail off.
        let mut d = attribute_typed("name");
        assert_eq!(d.as_typed(ATTRIBUTE_TYPED), "name \"Ada\" → \"Ada\"");
        assert_eq!(d.build().unwrap_err(), "value: name already holds it");
        // Emptied on purpose, it is taken off.
        d.input2.set_text("");
        assert_eq!(
            d.as_typed(ATTRIBUTE_TYPED),
            "name \"Ada\" → (taken off: the value is empty)"
        );
        let (op, _) = d.build().unwrap();
        assert!(
            matches!(&op, Operation::Account { action: AccountAction::DeleteAttribute(n), .. } if n.as_str() == "name"),
            "{op:?}"
        );
        let d = attribute_typed("nickname");
        assert_eq!(
            d.as_typed(ATTRIBUTE_TYPED),
            "nickname (none) → the value typed"
        );
        assert_eq!(
            d.build().unwrap_err(),
            "value: type one (nickname is not set, so there is nothing to take off)"
        );
        let mut d = attribute_typed("phone_number");
        d.focus = Field::Input2;
        type_in(&mut d, "010-1234-5678");
        let e = d.build().unwrap_err();
        assert!(e.starts_with("value: a phone number is +"), "{e}");
    }

    /// The names offered narrow as one is typed and never include `sub`; a value holding a
    /// direction override is shown on the `now` line but not offered raw in the field.
    #[test]
    fn attribute_choices_narrow_and_hostile_values_are_not_offered() {
        let mut d = attribute_dialog();
        if let Form::Attribute { current, .. } = &mut d.proposal.form {
            current.push(("sub".into(), "x".into()));
            current.push(("nickname".into(), "evil\u{202e}txt".into()));
        }
        assert_eq!(d.attribute_choices(), ["name", "nickname"]);
        d.focus = Field::Input1;
        type_in(&mut d, "ni");
        assert_eq!(d.attribute_choices(), ["nickname"]);
        d.on_key(KeyEvent::from(KeyCode::Tab));
        assert_eq!(d.input1.text(), "nickname");
        d.on_key(KeyEvent::from(KeyCode::Tab));
        assert_eq!(d.focus, Field::Input2);
        assert_eq!(d.input2.text(), "", "not offered");
    }

    fn group_dialog(add: bool) -> Dialog {
        let g = |n: &str| GroupName::parse(n).unwrap();
        let username = Username::parse("user1").unwrap();
        let member_of = vec![g("staff")];
        Dialog::new(
            Proposal {
                verb: "group".into(),
                title: "Group".into(),
                changes: vec![],
                form: if add {
                    Form::AddGroup {
                        username,
                        member_of,
                        pool: Some(vec![g("admins"), g("editors"), g("staff")]),
                    }
                } else {
                    Form::RemoveGroup {
                        username,
                        member_of,
                    }
                },
                type_to_confirm: None,
                after: Vec::new(),
                reasons: ACCOUNT_REASONS,
            },
            None,
        )
    }

    /// The group field offers the pool's groups the user is not in (or theirs, to remove),
    /// `tab` completes, and a name that is not one is refused before anything is sent
    /// (`admin` for `admins` failed at Cognito, after confirming).
    #[test]
    fn a_group_is_one_of_those_offered() {
        let mut d = group_dialog(true);
        d.reason_pick = Some(0);
        assert_eq!(d.focus, Field::Input1);
        assert_eq!(d.group_choices(), ["admins", "editors"]);
        type_in(&mut d, "ad");
        assert_eq!(d.group_choices(), ["admins"]);
        d.on_key(KeyEvent::from(KeyCode::Tab));
        assert_eq!(d.input1.text(), "admins");
        assert_eq!(d.focus, Field::Input1, "completing keeps the field");
        d.on_key(KeyEvent::from(KeyCode::Tab));
        assert_eq!(d.focus, Field::ReasonPick, "nothing left to complete");
        d.input1.set_text("admin");
        assert_eq!(
            d.build().unwrap_err(),
            "group: the pool has no group admin; did you mean admins?"
        );
        d.input1.set_text("staff");
        assert_eq!(d.build().unwrap_err(), "group: already in staff");
        // Refused on enter, the cursor goes back to the group field.
        d.focus = Field::ReasonPick;
        d.on_key(KeyEvent::from(KeyCode::Enter));
        assert_eq!(d.focus, Field::Input1);
        d.input1.set_text("Staff");
        assert_eq!(
            d.build().unwrap_err(),
            "group: the pool has no group Staff; did you mean staff?"
        );
        d.input1.set_text("Editors");
        assert_eq!(
            d.build().unwrap_err(),
            "group: the pool has no group Editors; did you mean editors?"
        );
        d.input1.set_text("editors");
        let (op, _) = d.build().unwrap();
        assert!(
            matches!(&op, Operation::Account { action: AccountAction::AddToGroup(g), .. } if g.as_str() == "editors"),
            "{op:?}"
        );

        let mut d = group_dialog(false);
        d.reason_pick = Some(0);
        assert_eq!(d.group_choices(), ["staff"]);
        d.input1.set_text("admins");
        assert_eq!(d.build().unwrap_err(), "group: not in admins");
        d.input1.set_text("st");
        d.on_key(KeyEvent::from(KeyCode::Tab));
        assert_eq!(d.input1.text(), "staff");
        assert!(d.build().is_ok());
    }
}
