//! The Users pane for support staff: the pool page by page, a search (plain text across every
//! field people are known by, or Cognito's own filter), a user's detail (directory and
//! database), and the account actions, each confirmed and audited.

use super::dialog::{self, Form, Proposal};
use super::list::{List, Load};
use super::{
    AppEvent, Command, Failure, Handled, Ids, Outcome, Pane, Problem, RequestId, UserDetail,
    UserSearch,
};
use crate::keymap::Action;
use crate::ops::Operation;
use crate::ui::Look;
use backoffice_domain::model::{
    DirectoryUser, FilterAttribute, FilterOp, Page, UserFilter, UserStatus, UserSub, Username,
};
use backoffice_domain::ports::{DIRECTORY_MAX_PAGE, UserQuery};
use backoffice_domain::services::accounts::{self, AccountAction, Refusal};
use backoffice_domain::services::people::{Found, Matched};
use backoffice_domain::services::user360::Who;
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct UsersPane {
    pub list: List<DirectoryUser>,
    pub query: UserSearch,
    /// Where each listed user matched a plain-text search, by username.
    pub matched: HashMap<String, Vec<Matched>>,
    pub filter_text: String,
    /// The open detail view, and whether its data has arrived.
    pub detail: Option<DetailState>,
    detail_request: Option<RequestId>,
    /// A list request whose single result should open the detail (a jump from content).
    open_when_found: Option<RequestId>,
    /// The open user's sign-in history (whose, and the events or why none), loaded beside
    /// the detail: `None` while it loads.
    pub sign_ins: Option<(
        Username,
        Result<Vec<backoffice_domain::model::AuthEvent>, String>,
    )>,
    sign_ins_request: Option<RequestId>,
    /// The loaded rows' order, when one was asked for: a column (of [`USER_SORTS`]) and
    /// whether it runs downwards. Cognito lists in its own order and sorts nothing.
    pub sort: Option<(usize, bool)>,
    /// An account key pressed while the detail was on its way (`enter`, then `p` at once):
    /// acted on when the user is in, never on the row behind it.
    waiting: Option<Action>,
    /// The open detail's first row shown (`j`/`k` scroll it on a short terminal), kept within
    /// its rows when drawn.
    pub detail_scroll: u16,
    /// The open detail's rows on screen in the last frame (half of them is a half page).
    pub detail_rows: u16,
    /// The session writes nothing: an enable is refused at once, not after reading the user.
    pub read_only: bool,
}

/// The Users table's columns by which loaded rows sort, in the table's order.
/// The most columns a user's name takes in a message.
const NAME_IN_MESSAGE: usize = 24;

pub const USER_SORTS: [&str; 6] = ["username", "name", "email", "status", "enabled", "created"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailState {
    /// Whose detail is on its way.
    Loading(Username),
    Loaded(Box<UserDetail>),
    /// Whose detail failed, and why.
    Failed(Username, crate::app::Failure),
}

/// Reads the search box: Cognito's filter (`attribute = value`, `attribute ^= value`), a sub,
/// or plain text, which is looked for in e-mails, names, usernames, phone numbers, preferred
/// usernames and profile names.
pub fn parse_search(text: &str) -> Result<UserSearch, Problem> {
    // A name copied from the list as shown (`admin<U+3164>`) is looked for as itself.
    let named = crate::text::from_identifier(text.trim());
    let text = named.as_deref().unwrap_or(text).trim();
    if text.is_empty() {
        return Ok(UserSearch::default());
    }
    let filter = if text.contains('=') {
        UserFilter::parse(text)
    } else if UserSub::parse(text).is_ok() {
        UserFilter::new(FilterAttribute::Sub, FilterOp::Equals, text)
    } else {
        return Ok(UserSearch::Text(text.to_string()));
    };
    filter
        .map(|f| UserSearch::Query(UserQuery { filter: Some(f) }))
        .map_err(Problem::from)
}

impl UsersPane {
    fn reload(&mut self, ids: &mut Ids) -> Vec<Command> {
        let id = ids.issue();
        self.list.restart(id);
        self.matched.clear();
        vec![Command::LoadUsers {
            request: id,
            search: self.query.clone(),
            cursor: None,
        }]
    }

    fn search(&mut self, text: &str, ids: &mut Ids) -> Result<Vec<Command>, Problem> {
        self.query = parse_search(text)?;
        self.filter_text = text.trim().to_string();
        self.detail = None;
        self.waiting = None;
        Ok(self.reload(ids))
    }

    /// Searches the pool for `sub` and opens the user it finds.
    pub fn find_by_sub(&mut self, sub: UserSub, ids: &mut Ids) -> Vec<Command> {
        let text = format!("sub = \"{sub}\"");
        match self.search(&text, ids) {
            Ok(c) => {
                if let Some(Command::LoadUsers { request, .. }) = c.first() {
                    self.open_when_found = Some(*request);
                }
                c
            }
            Err(_) => Vec::new(),
        }
    }

    fn detail_username(&self) -> Option<Username> {
        match &self.detail {
            Some(DetailState::Loaded(d)) => Some(d.user.username.clone()),
            Some(DetailState::Loading(u)) | Some(DetailState::Failed(u, _)) => Some(u.clone()),
            None => None,
        }
    }

    /// Opens the detail of a user the directory listed, by the name it answered with (which
    /// may hold characters a typed name may not).
    fn load_detail(&mut self, username: Username, ids: &mut Ids) -> Vec<Command> {
        let id = ids.issue();
        self.waiting = None;
        if self.detail_username().as_ref() != Some(&username) {
            self.detail_scroll = 0;
        }
        if self.sign_ins.as_ref().map(|(u, _)| u) != Some(&username) {
            self.sign_ins = None;
        }
        if !matches!(self.detail, Some(DetailState::Loaded(_))) {
            self.detail = Some(DetailState::Loading(username.clone()));
        }
        self.detail_request = Some(id);
        let history = ids.issue();
        self.sign_ins_request = Some(history);
        vec![
            Command::LoadUser {
                request: id,
                username: username.clone(),
            },
            Command::LoadSignIns {
                request: history,
                username,
            },
        ]
    }

    /// Opens an account just created (the list is read again behind it), so that what the
    /// operator does next, such as setting its password, is done to it.
    pub fn open_created(&mut self, username: Username, ids: &mut Ids) -> Vec<Command> {
        self.close_detail();
        let mut c = self.load_detail(username, ids);
        c.extend(self.reload(ids));
        c
    }

    /// Back to the list (the account shown is gone).
    pub fn close_detail(&mut self) {
        self.detail = None;
        self.detail_request = None;
        self.waiting = None;
        self.detail_scroll = 0;
        self.sign_ins = None;
        self.sign_ins_request = None;
    }

    fn on_sign_ins(
        &mut self,
        request: RequestId,
        result: Result<Vec<backoffice_domain::model::AuthEvent>, Failure>,
    ) -> Handled {
        if self.sign_ins_request != Some(request) {
            return (Outcome::None, None);
        }
        self.sign_ins_request = None;
        let Some(username) = self.detail_username() else {
            return (Outcome::None, None);
        };
        // A pool that records no sign-ins is said in the detail, not an error to log.
        self.sign_ins = Some((username, result.map_err(|f| f.message)));
        (Outcome::None, None)
    }

    fn more(&mut self, ids: &mut Ids) -> Vec<Command> {
        match self.list.wants_more() {
            Some(cursor) => {
                let id = ids.issue();
                self.list.expect(id);
                vec![Command::LoadUsers {
                    request: id,
                    search: self.query.clone(),
                    cursor: Some(cursor),
                }]
            }
            None => Vec::new(),
        }
    }

    /// Whether an account key waits for the user it acts on to load (its dialog is coming).
    pub fn waits(&self) -> bool {
        self.waiting.is_some()
    }

    /// The username of the user actions apply to, as the directory holds it, for `:ban`.
    pub fn subject_username(&self) -> Option<&Username> {
        self.subject().map(|u| &u.username)
    }

    /// The user actions apply to: the open detail's, else the selected row's.
    fn subject(&self) -> Option<&DirectoryUser> {
        match &self.detail {
            Some(DetailState::Loaded(d)) => Some(&d.user),
            Some(_) => None,
            None => self.list.selected_item(),
        }
    }

    fn propose(&mut self, action: Action) -> Outcome {
        if let Some(DetailState::Loading(name)) = &self.detail {
            let name = crate::text::identifier(name.as_str());
            // The key already waiting stays: another account key does not take its place (`e`,
            // a pause, then the `o` of "ok" opened the sign-out dialog for the enable).
            // Said as what is awaited, so the word goes when the dialog opens (it stayed over
            // the dialog and after the write).
            if let Some(waiting) = self.waiting.filter(|w| *w != action) {
                return Outcome::Reading {
                    commands: Vec::new(),
                    message: format!(
                        "not taken: {} ({} is loading, and {} waits for them; esc drops it)",
                        action.describe(),
                        crate::text::middle(&name, NAME_IN_MESSAGE),
                        waiting.describe()
                    ),
                };
            }
            self.waiting = Some(action);
            return Outcome::Reading {
                commands: Vec::new(),
                message: format!("{name} is loading; the key acts once they are in"),
            };
        }
        let Some(user) = self.subject() else {
            return Outcome::Message("no user selected".into());
        };
        let name = crate::text::identifier(user.username.as_str());
        // In a message, a long name is cut in its middle so that what follows it shows (a
        // 120-character username left `uxxxx…` and lost the reason); dialogs have it whole.
        let said = crate::text::middle(&name, NAME_IN_MESSAGE);
        // With the e-mail, or the phone of an account without one, as the ban's dialog says
        // whom (a phone-only account read as its username alone).
        let label = crate::ops::person(&user.username, user.contact().as_deref());
        let ready = |a: AccountAction| {
            Form::Ready(Operation::Account {
                username: user.username.clone(),
                action: a,
            })
        };
        // An action confirmed as it stands: the verb names the user with their e-mail, the
        // dialog's title by name alone (the change line gives the e-mail).
        let simple = |action: AccountAction, change: &str| -> Simple {
            let verb = action.describe(&label);
            let title = action.describe(&name);
            let change = format!("{label}: {change}");
            (ready(action), verb, title, vec![change], None)
        };
        // What the user's state refuses, read as the command line and the write read it
        // (`accounts::refusal`), said with the keys that do what can be done instead.
        let account_action = match action {
            Action::Disable => Some(AccountAction::Disable),
            Action::Enable => Some(AccountAction::Enable),
            Action::VerifyEmail => Some(AccountAction::VerifyEmail),
            Action::ResetPassword => Some(AccountAction::ResetPassword),
            Action::ConfirmSignUp => Some(AccountAction::ConfirmSignUp),
            _ => None,
        };
        // The open detail's standing, where it was read: an enable lifts a block left on an
        // enabled account (it was refused as "already enabled", which left no way to).
        let standing = match &self.detail {
            Some(DetailState::Loaded(d)) => d.standing.as_ref(),
            _ => None,
        };
        let lifts_block =
            action == Action::Enable && user.enabled && standing.is_some_and(|s| s.blocked);
        // And a disable sets a block missing on a disabled account (disabled in Cognito
        // directly, its tokens kept working: "already disabled" left no way to block them).
        let sets_block =
            action == Action::Disable && !user.enabled && standing.is_some_and(|s| !s.blocked);
        if let Some(refused) = account_action
            .and_then(|a| accounts::refusal(&a, user))
            .filter(|_| !lifts_block && !sets_block)
        {
            return Outcome::Message(match refused {
                Refusal::Already(_) if action == Action::VerifyEmail => {
                    format!("{said}'s e-mail is already verified")
                }
                Refusal::Already(state) => format!("{said} is already {state}"),
                Refusal::ResetDisabled => format!(
                    "{said} is disabled: Cognito resets no password of a disabled user; enable them first (e)"
                ),
                // An invited user who never signed in gets a new temporary password instead.
                Refusal::ResetNeverChose => format!(
                    "{said} has not chosen a password yet (FORCE_CHANGE_PASSWORD): set a new temporary one instead (P)"
                ),
                // Said as what it is (it was told to verify the e-mail).
                Refusal::ResetUnconfirmed => format!(
                    "{said} has not confirmed their sign-up (UNCONFIRMED): confirm it (c), or send their code again (M)"
                ),
                Refusal::ResetNoContact => format!(
                    "{said} has no verified e-mail or phone to send the code to: verify the e-mail first, or set a temporary password"
                ),
                Refusal::NothingToConfirm => {
                    format!("{said} is {}, not UNCONFIRMED", user.status.as_str())
                }
            });
        }
        let (form, verb, title, changes, type_to_confirm) = match action {
            Action::VerifyEmail if user.email.is_none() => {
                return Outcome::Message(format!("{said} has no e-mail to verify"));
            }
            // Both go by e-mail (an invitation could also go by SMS, which this console
            // does not send).
            Action::ResendInvitation if user.email.is_none() => {
                return Outcome::Message(format!(
                    "{said} has no e-mail to send it to: set one with E first"
                ));
            }
            // An unconfirmed sign-up gets its confirmation code again instead.
            Action::ResendInvitation if user.status == UserStatus::Unconfirmed => simple(
                AccountAction::ResendConfirmationCode,
                &format!(
                    "a new sign-up confirmation code to {} (status stays UNCONFIRMED)",
                    user.email.as_deref().unwrap_or("the user's e-mail")
                ),
            ),
            Action::ResendInvitation if user.status != UserStatus::ForceChangePassword => {
                return Outcome::Message(format!(
                    "{}: an invitation is for a user who never signed in (FORCE_CHANGE_PASSWORD), a code for an unconfirmed sign-up",
                    user.status.as_str()
                ));
            }
            Action::Disable if sets_block => {
                let mut proposal = simple(
                    AccountAction::Disable,
                    "enabled: stays false; blocked in the API (tokens already issued are refused \
                     within 5 s)",
                );
                proposal.1 = format!("block {label} in the API");
                proposal.2 = format!("block {name} in the API");
                proposal
            }
            Action::Disable => simple(
                AccountAction::Disable,
                "enabled: true → false; blocked in the API (tokens already issued are refused within 5 s)",
            ),
            Action::Enable => {
                let change = match standing {
                    _ if lifts_block => {
                        "enabled: stays true; the API block left on them lifted (the account was \
                         enabled since it was set)"
                    }
                    Some(s) if s.blocked => "enabled: false → true; the API block on them lifted",
                    Some(_) => "enabled: false → true (no API block on them to lift)",
                    None => "enabled: false → true; an API block on them, if any, lifted",
                };
                let mut proposal = simple(AccountAction::Enable, change);
                // Said as what it does: they can sign in already.
                if lifts_block {
                    proposal.1 = format!("lift the API block on {label}");
                    proposal.2 = format!("lift the API block on {name}");
                }
                // An enable of a banned user went on without a word of the ban: it lets them
                // in, and leaves their content as the ban left it.
                if let Some(ban) = standing.and_then(|s| s.ban.as_ref()) {
                    proposal.3.push(format!(
                        "banned {}: this lets them sign in and use the API again, and leaves \
                         hidden what the ban hid (:unban reverses the whole ban instead)",
                        ban.when()
                    ));
                }
                proposal
            }
            // Asked again, a new code goes out and the status is what it was (the dialog
            // said `RESET_REQUIRED → RESET_REQUIRED`).
            Action::ResetPassword if user.status == UserStatus::ResetRequired => simple(
                AccountAction::ResetPassword,
                &format!(
                    "a new reset code to {} (status stays RESET_REQUIRED)",
                    code_goes_to(user)
                ),
            ),
            // Where the code goes, said (support was asked "where is my code?" and could not
            // tell from the dialog or the message).
            Action::ResetPassword => simple(
                AccountAction::ResetPassword,
                &format!(
                    "status: {} → RESET_REQUIRED; a reset code to {}",
                    user.status.as_str(),
                    code_goes_to(user)
                ),
            ),
            Action::SignOut => simple(
                AccountAction::GlobalSignOut,
                "every refresh token revoked (issued access tokens work until they expire: disable to stop them)",
            ),
            Action::ConfirmSignUp => simple(
                AccountAction::ConfirmSignUp,
                "status: UNCONFIRMED → CONFIRMED",
            ),
            Action::ResendInvitation => simple(
                AccountAction::ResendInvitation,
                &format!(
                    "a new temporary password to {} (status stays FORCE_CHANGE_PASSWORD)",
                    user.email.as_deref().unwrap_or("the user's e-mail")
                ),
            ),
            Action::VerifyEmail => simple(
                AccountAction::VerifyEmail,
                &format!(
                    "email_verified: {} → true",
                    user.attribute("email_verified").unwrap_or("(unset)")
                ),
            ),
            // The whole account goes through a plan (its content, objects, reports and
            // profile with it), its data exported first.
            Action::DeleteUser => {
                return Outcome::Plan(super::Planning::Deletion(user.username.clone()));
            }
            Action::SetPassword => (
                Form::Password {
                    username: user.username.clone(),
                },
                "set a password".to_string(),
                format!("set a password for {name}"),
                vec![format!("{label}: {}", dialog::PASSWORD_KIND)],
                None,
            ),
            Action::EditAttribute => (
                Form::Attribute {
                    username: user.username.clone(),
                    current: user.attributes.clone(),
                },
                "edit an attribute".to_string(),
                format!("edit an attribute of {name}"),
                vec![format!("{label}: {}", crate::app::dialog::ATTRIBUTE_TYPED)],
                None,
            ),
            Action::RemoveGroup if matches!(&self.detail, Some(DetailState::Loaded(d)) if d.groups.is_empty()) =>
            {
                return Outcome::Message(format!("{said} is in no group"));
            }
            // The user's groups (and the pool's, to add) are read first, for the dialog to
            // offer them and refuse a name that is not one.
            Action::AddGroup | Action::RemoveGroup => {
                return Outcome::Plan(super::Planning::Groups {
                    username: user.username.clone(),
                    label,
                    add: action == Action::AddGroup,
                });
            }
            _ => return Outcome::None,
        };
        Outcome::Propose(Proposal {
            title: super::shell::capitalise(&title),
            verb,
            changes,
            form,
            type_to_confirm,
            after: Vec::new(),
            reasons: dialog::ACCOUNT_REASONS,
        })
    }

    fn act(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        let page = self.list.viewport.max(1) as isize;
        let in_detail = self.detail.is_some();
        let detail_half = (self.detail_rows / 2).max(1);
        match action {
            // The open detail scrolls (on a short terminal its lower rows are below the pane);
            // the drawing keeps it within the detail's end, so `G` asks for the most.
            Action::Down
            | Action::Up
            | Action::HalfPageDown
            | Action::HalfPageUp
            | Action::PageDown
            | Action::PageUp
            | Action::Top
            | Action::Bottom
                if in_detail =>
            {
                let detail_page = self.detail_rows.max(1);
                self.detail_scroll = match action {
                    Action::Down => self.detail_scroll.saturating_add(1),
                    Action::Up => self.detail_scroll.saturating_sub(1),
                    Action::HalfPageDown => self.detail_scroll.saturating_add(detail_half),
                    Action::HalfPageUp => self.detail_scroll.saturating_sub(detail_half),
                    Action::PageDown => self.detail_scroll.saturating_add(detail_page),
                    Action::PageUp => self.detail_scroll.saturating_sub(detail_page),
                    Action::Bottom => u16::MAX,
                    _ => 0,
                };
                Outcome::None
            }
            Action::Down if !in_detail => self.move_by(1, ids),
            Action::Up if !in_detail => self.move_by(-1, ids),
            Action::HalfPageDown if !in_detail => self.move_by((page / 2).max(1), ids),
            Action::HalfPageUp if !in_detail => self.move_by(-(page / 2).max(1), ids),
            Action::PageDown if !in_detail => self.move_by(page, ids),
            Action::PageUp if !in_detail => self.move_by(-page, ids),
            Action::Top if !in_detail => self.move_by(-(self.list.items.len() as isize), ids),
            Action::Bottom if !in_detail => self.move_by(self.list.items.len() as isize, ids),
            // No marks: an account action acts on one user, and rows marked here were shown
            // as marked while a disable went to the row under the cursor.
            Action::Mark => Outcome::Message(MARKS_REFUSED.into()),
            Action::Reload => Pane::refresh(self, ids).into(),
            // `S`: the next column, as a click on its header would.
            // Among the columns drawn: a narrow list sorted by columns it does not show
            // (`sorted by created` with no created column).
            Action::SortObjects if !in_detail => {
                let mut drawn: Vec<usize> = self
                    .list
                    .header
                    .iter()
                    .map(|(i, _, _)| *i)
                    .filter(|i| *i < USER_SORTS.len())
                    .collect();
                if drawn.is_empty() {
                    drawn = (0..USER_SORTS.len()).collect();
                }
                // Each column one way, then the other (`S` never turned an order round,
                // and a newest-first list could not be had without a mouse).
                // The next in the order drawn, not by number: a narrow table draws `name`
                // after `email`, and `S` skipped it.
                let next = match self.sort {
                    None => drawn[0],
                    Some((c, false)) if drawn.contains(&c) => return self.sort_by_column(c),
                    Some((c, _)) => drawn
                        .iter()
                        .position(|i| *i == c)
                        .map_or(drawn[0], |at| drawn[(at + 1) % drawn.len()]),
                };
                self.sort = None;
                self.sort_by_column(next)
            }
            Action::Enter if !in_detail => match self.list.selected_item() {
                Some(u) => {
                    let name = u.username.clone();
                    self.load_detail(name, ids).into()
                }
                None => Outcome::None,
            },
            Action::Back if in_detail => {
                // A key that waited for the user is said dropped (its "reading…" message
                // stayed, and nothing said the enable would not come).
                let dropped = self.waiting.map(|a| a.describe());
                self.close_detail();
                match dropped {
                    Some(what) => Outcome::Message(format!("dropped: {what} (esc)")),
                    None => Outcome::None,
                }
            }
            Action::Disable
            | Action::Enable
            | Action::ResetPassword
            | Action::SetPassword
            | Action::SignOut
            | Action::ConfirmSignUp
            | Action::ResendInvitation
            | Action::VerifyEmail
            | Action::EditAttribute
            | Action::AddGroup
            | Action::RemoveGroup
            | Action::DeleteUser => match self.list.selected_item() {
                // From the list, an enable reads the user's detail first: whether a ban
                // disabled them, or a block is left on them, is in the database, and the
                // dialog says it.
                Some(u)
                    if matches!(action, Action::Enable | Action::Disable)
                        && !in_detail
                        && !self.read_only =>
                {
                    let name = u.username.clone();
                    let said = crate::text::middle(
                        &crate::text::identifier(name.as_str()),
                        NAME_IN_MESSAGE,
                    );
                    let commands = self.load_detail(name, ids);
                    self.waiting = Some(action);
                    Outcome::Reading {
                        commands,
                        // A disable reads the account as it is now too: the list's row may be
                        // older than a disable made in the AWS console.
                        message: if action == Action::Enable {
                            format!("reading whether {said} is banned first…")
                        } else {
                            format!("reading {said}'s account and API block first…")
                        },
                    }
                }
                _ => self.propose(action),
            },
            _ => Outcome::None,
        }
    }

    fn move_by(&mut self, delta: isize, ids: &mut Ids) -> Outcome {
        self.list.move_by(delta);
        self.more(ids).into()
    }

    fn on_users(
        &mut self,
        request: RequestId,
        result: Result<Page<Found>, Failure>,
        ids: &mut Ids,
    ) -> Handled {
        let failure = result.as_ref().err().cloned();
        // A merged search can find a user again on a later page: each user is listed once,
        // with every field it matched.
        let result = result.map(|page| {
            let mut users = Vec::with_capacity(page.items.len());
            for found in page.items {
                let name = found.user.username.to_string();
                let known = self
                    .list
                    .items
                    .iter()
                    .any(|u| u.username == found.user.username)
                    || users
                        .iter()
                        .any(|u: &DirectoryUser| u.username == found.user.username);
                if !found.matched.is_empty() {
                    let matched = self.matched.entry(name).or_default();
                    for m in found.matched {
                        if !matched.contains(&m) {
                            matched.push(m);
                        }
                    }
                }
                if !known {
                    users.push(found.user);
                }
            }
            Page::new(users, page.next)
        });
        let first_page = self.list.items.is_empty() && !self.list.holds_place();
        if !self.list.receive(request, result) {
            return (Outcome::None, None);
        }
        self.resort();
        // The user acted on, wherever the sort puts them (the row number came back in
        // Cognito's order, and the sort then moved another user under the cursor).
        self.list.reselect_by(|u| u.username.to_string());
        // A new search in a sorted list opens at the top of the order: the selection followed
        // Cognito's first user to wherever the sort put it, the view scrolled with it.
        if first_page && self.sort.is_some() {
            self.list.select(0);
            self.list.offset = 0;
        }
        if self.open_when_found.take() == Some(request) {
            return match self.list.items.as_slice() {
                [one] => {
                    let name = one.username.clone();
                    (self.load_detail(name, ids).into(), None)
                }
                [] => (
                    Outcome::Message("no user in the pool has that sub".into()),
                    failure.map(|f| ("finding the author".to_string(), f)),
                ),
                _ => (Outcome::None, None),
            };
        }
        (
            self.more(ids).into(),
            failure.map(|f| ("loading users".to_string(), f)),
        )
    }

    /// Sorts the loaded rows by the `column`th of [`USER_SORTS`] (the same column again turns
    /// the order round), and says that only loaded rows are sorted.
    pub fn sort_by_column(&mut self, column: usize) -> Outcome {
        let Some(name) = USER_SORTS.get(column) else {
            return Outcome::Message("that column does not sort".into());
        };
        let down = matches!(self.sort, Some((c, false)) if c == column);
        self.sort = Some((column, down));
        self.resort();
        // The top of the new order, where what was sorted for is, as in Storage (the view
        // followed the selected user into the middle).
        self.list.select(0);
        self.list.offset = 0;
        Outcome::Message(format!(
            "sorted by {name} {} · the rows loaded so far (Cognito lists users in its own order){}",
            if down { "↓" } else { "↑" },
            if self.list.next.is_some() {
                "; more pages remain"
            } else {
                ""
            }
        ))
    }

    fn resort(&mut self) {
        let Some((column, down)) = self.sort else {
            return;
        };
        let key = |u: &DirectoryUser| -> String {
            match column {
                0 => u.username.as_str().to_lowercase(),
                1 => u.attribute("name").unwrap_or_default().to_lowercase(),
                2 => u.email.as_deref().unwrap_or_default().to_lowercase(),
                // Disabled accounts together, as a narrow list reads them (`DISABLED`).
                3 => format!("{}{}", u8::from(u.enabled), u.status.as_str()),
                4 => u.enabled.to_string(),
                _ => u.created_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            }
        };
        self.list.sort_loaded_by(|a, b| {
            let order = key(a)
                .cmp(&key(b))
                .then_with(|| a.username.as_str().cmp(b.username.as_str()));
            if down { order.reverse() } else { order }
        });
    }

    fn on_user(&mut self, request: RequestId, result: Result<UserDetail, Failure>) -> Handled {
        if self.detail_request != Some(request) {
            return (Outcome::None, None);
        }
        self.detail_request = None;
        let Some(username) = self.detail_username() else {
            return (Outcome::None, None);
        };
        match result {
            Ok(d) => {
                self.detail = Some(DetailState::Loaded(Box::new(d)));
                match self.waiting.take() {
                    Some(action) => (self.propose(action), None),
                    None => (Outcome::None, None),
                }
            }
            Err(f) => {
                self.detail = Some(DetailState::Failed(username.clone(), f.clone()));
                // A key that waited for the user is said not done (the "reading…" message
                // goes with it), beside the failure.
                let outcome = match self.waiting.take() {
                    Some(action) => Outcome::Message(format!(
                        "{} could not be read, so nothing was asked ({}): {f}",
                        crate::text::middle(
                            &crate::text::identifier(username.as_str()),
                            NAME_IN_MESSAGE
                        ),
                        action.describe()
                    )),
                    None => Outcome::None,
                };
                (outcome, Some(("loading the user".to_string(), f)))
            }
        }
    }
}

/// The account actions, for help and the detail's hints.
pub const ACCOUNT_ACTIONS: [Action; 12] = [
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
];

impl Pane for UsersPane {
    fn open(&mut self, ids: &mut Ids) -> Vec<Command> {
        if self.list.load == Load::Idle {
            self.reload(ids)
        } else {
            Vec::new()
        }
    }

    /// The detail and the list, again.
    fn refresh(&mut self, ids: &mut Ids) -> Vec<Command> {
        let mut c = Vec::new();
        if let Some(username) = self.detail_username() {
            c.extend(self.load_detail(username, ids));
        }
        // The same rows again: the selection stays on the user acted on.
        self.list.hold_item(|u| u.username.to_string());
        c.extend(self.reload(ids));
        c
    }

    fn on_action(&mut self, action: Action, ids: &mut Ids) -> Outcome {
        self.act(action, ids)
    }

    fn on_event(&mut self, event: AppEvent, ids: &mut Ids) -> Handled {
        match event {
            AppEvent::UsersLoaded {
                request,
                result,
                unsearched,
            } => {
                let (outcome, failure) = self.on_users(request, result, ids);
                let unsearched = unsearched.map(|f| ("searching profile names".to_string(), f));
                (outcome, failure.or(unsearched))
            }
            AppEvent::UserLoaded { request, result } => self.on_user(request, result),
            AppEvent::SignInsLoaded { request, result } => self.on_sign_ins(request, result),
            _ => (Outcome::None, None),
        }
    }

    fn click(&mut self, row: usize, column: u16, ids: &mut Ids) -> Outcome {
        if self.detail.is_some() {
            return Outcome::None;
        }
        match row.checked_sub(1) {
            Some(i) => self.list.select(self.list.offset + i),
            None => {
                return match self.list.column_at(column) {
                    Some(c) => self.sort_by_column(c),
                    None => Outcome::None,
                };
            }
        }
        self.more(ids).into()
    }

    fn filter_text(&self) -> &str {
        &self.filter_text
    }

    fn filter_hint(&self) -> &'static str {
        "a name, e-mail, phone or username (any field) · email ^= ann · name = \"Ann Lee\" · a sub"
    }

    fn set_filter(&mut self, text: &str, ids: &mut Ids) -> Result<Vec<Command>, Problem> {
        self.search(text, ids)
    }

    fn selected_user(&self) -> Option<Who> {
        self.subject().map(|u| Who::Username(u.username.clone()))
    }

    fn export_source(&self) -> Result<super::export::ExportSource, String> {
        Ok(super::export::ExportSource::Users(self.query.clone()))
    }

    fn selected_id(&self) -> Option<(&'static str, String)> {
        let u = self.subject()?;
        Some(match &u.sub {
            Some(sub) => ("sub", sub.to_string()),
            None => ("username", u.username.to_string()),
        })
    }

    fn console_target(&self) -> Option<super::copy::ConsoleTarget> {
        self.subject().map(|u| super::copy::ConsoleTarget::User {
            username: u.username.to_string(),
        })
    }

    fn describes(&self, action: Action) -> Option<&'static str> {
        match action {
            Action::Mark => Some("nothing: account actions act on one user"),
            // Help showed every pane's meaning of `S` (posts newest ↔ oldest, a folder …).
            Action::SortObjects => {
                Some("sort the loaded users by a column, then the other way, then the next")
            }
            _ => None,
        }
    }

    fn offers(&self) -> Vec<Action> {
        let mut a = ACCOUNT_ACTIONS.to_vec();
        a.push(Action::Who);
        // `S` sorts the list (not a user's detail).
        if self.detail.is_none() {
            a.push(Action::SortObjects);
        }
        a
    }

    fn pending(&self) -> usize {
        usize::from(self.list.is_busy()) + usize::from(self.detail_request.is_some())
    }

    fn draw(
        &mut self,
        frame: &mut ratatui::Frame<'_>,
        area: ratatui::layout::Rect,
        look: &Look<'_>,
    ) {
        crate::ui::draw_users(frame, area, self, look);
    }
}

/// What `space` says in the Users pane.
pub(crate) const MARKS_REFUSED: &str =
    "account actions act on one user, the selected one: rows are not marked here";

/// Page size for the pool (Cognito serves at most 60).
pub const USERS_PAGE: u32 = DIRECTORY_MAX_PAGE;

/// An account action's form, its verb, the dialog's title, its change lines and the text to
/// type to confirm it.
type Simple = (Form, String, String, Vec<String>, Option<String>);

/// Where Cognito sends a reset code: the verified e-mail, or the verified phone, or either,
/// as the pool's account recovery orders them.
pub(crate) fn code_goes_to(user: &backoffice_domain::model::DirectoryUser) -> String {
    let verified = |flag: &str| user.attribute(flag) == Some("true");
    let email = user
        .email
        .as_deref()
        .filter(|_| verified("email_verified"))
        .map(crate::text::one_line);
    let phone = user
        .attribute("phone_number")
        .filter(|_| verified("phone_number_verified"))
        .map(crate::text::one_line);
    match (email, phone) {
        (Some(e), Some(p)) => {
            format!("their e-mail {e} or phone {p} (as the pool's account recovery orders them)")
        }
        (Some(e), None) => format!("their e-mail {e}"),
        (None, Some(p)) => format!("their phone {p}"),
        (None, None) => "no verified e-mail or phone (Cognito refuses it)".to_string(),
    }
}
