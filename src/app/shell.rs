//! The bottom line: `:` commands (with completion) and `/` filters, both typed into the one text
//! input; and what the commands do (open a pane, `:who`, `:ban`, `:env`, `:theme`).

use super::dialog::{self, Proposal};
use super::{App, BanSubject, Command, Failure, Overlay, PaneId, posts};
use crate::history::{History, Recall};
use crate::input::{Edit, TextInput};
use crate::ops::Operation;
use backoffice_domain::model::{AuditEntry, AuditKind, ModerationAction};
use backoffice_domain::services::ban::{self, Plan};
use backoffice_domain::services::erase;
use crossterm::event::{KeyCode, KeyEvent};

/// The commands `:` knows, for completion.
pub const COMMANDS: &[&str] = &[
    "users", "posts", "reports", "audit", "storage", "logs", "insights", "metrics", "alarms",
    "who", "ban", "unban", "create", "save", "view", "forget", "env", "theme", "help", "q", "quit",
];

/// What the bottom line is taking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// `:` typed: a command.
    Command,
    /// `/` typed: the focused pane's filter.
    Filter,
    /// `ctrl-e`: the file to export the view to.
    Export,
}

/// The bottom line's prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinePrompt {
    pub kind: LineKind,
    pub input: TextInput,
    /// Where ↑ / ↓ stand in the prompt's history.
    pub recall: Recall,
    /// The names `tab` goes round, where what was typed fitted several and nothing more could
    /// be added: the line's text with each, and the one shown.
    pub cycle: Option<Cycle>,
}

/// `tab` going round the names that fit what was typed (only those: a whole name typed stays).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    /// The line with each name in turn (`env sandbox`, `env staging`).
    pub lines: Vec<String>,
    /// The names, for the hint.
    pub names: Vec<String>,
    pub at: usize,
}

impl LinePrompt {
    pub fn new(kind: LineKind, text: &str) -> Self {
        Self {
            kind,
            input: TextInput::new(text),
            recall: Recall::default(),
            cycle: None,
        }
    }

    pub fn text(&self) -> String {
        self.input.text()
    }
}

impl App {
    pub(super) fn on_line_key(&mut self, mut prompt: LinePrompt, key: KeyEvent) -> Vec<Command> {
        // Backspace on an empty line leaves it open (only `esc` closes it): closed, the letters
        // typed next acted as the pane's keys, and `d` then `enter` disabled a user with the
        // typed text as its reason.
        match prompt.input.handle(key) {
            Edit::Cancel => Vec::new(),
            Edit::Submit => {
                let text = prompt.text();
                if prompt.kind != LineKind::Export {
                    self.history_of(prompt.kind).remember(text.trim());
                }
                match prompt.kind {
                    LineKind::Export => self.start_export(&text),
                    LineKind::Command => self.run_command(text.trim()),
                    LineKind::Filter => {
                        let (pane, ids) = self.pane_mut(self.pane);
                        match pane.set_filter(&text, ids) {
                            Ok(c) => {
                                let saved = pane.saved_filter();
                                self.views.applied(self.pane, &saved);
                                self.settled("filter");
                                c
                            }
                            Err(problem) => {
                                self.fail("filter", Failure::new(problem.0));
                                // Open again with what was typed, to mend it (it was gone, and
                                // `/` offered the filter before it).
                                self.prompt = Some(LinePrompt::new(LineKind::Filter, &text));
                                Vec::new()
                            }
                        }
                    }
                }
            }
            Edit::Ignored if key.code == KeyCode::Tab && prompt.kind == LineKind::Command => {
                let text = prompt.text();
                // Going round: only while the line still shows the name `tab` put there.
                let going_round = prompt
                    .cycle
                    .as_mut()
                    .filter(|c| c.lines.get(c.at) == Some(&text));
                if let Some(c) = going_round {
                    c.at = (c.at + 1) % c.lines.len();
                    let next = c.lines[c.at].clone();
                    prompt.input.set_text(&next);
                } else {
                    let (done, cycle) = self.complete(&text);
                    prompt.input.set_text(&done);
                    prompt.cycle = cycle;
                }
                self.prompt = Some(prompt);
                Vec::new()
            }
            Edit::Ignored
                if matches!(key.code, KeyCode::Up | KeyCode::Down)
                    && prompt.kind != LineKind::Export =>
            {
                let back = key.code == KeyCode::Up;
                let history = self.history_of(prompt.kind).clone();
                prompt.recall.step(&history, &mut prompt.input, back);
                self.prompt = Some(prompt);
                Vec::new()
            }
            Edit::Edited => {
                // Typing ends a round of `tab`.
                prompt.cycle = None;
                self.prompt = Some(prompt);
                Vec::new()
            }
            Edit::Ignored => {
                self.prompt = Some(prompt);
                Vec::new()
            }
        }
    }

    /// The history a prompt of `kind` recalls: the commands, or the focused pane's filters.
    fn history_of(&mut self, kind: LineKind) -> &mut History {
        match kind {
            LineKind::Command | LineKind::Export => &mut self.command_history,
            LineKind::Filter => self.filter_history.entry(self.pane).or_default(),
        }
    }

    /// Every history the console keeps, by the name its file takes (`commands`,
    /// `filters-logs`, `insights`), for the loop to load and write.
    pub fn histories_mut(&mut self) -> Vec<(String, &mut History)> {
        for pane in PaneId::ALL {
            self.filter_history.entry(pane).or_default();
        }
        let mut out: Vec<(String, &mut History)> = vec![
            ("commands".to_string(), &mut self.command_history),
            ("insights".to_string(), &mut self.insights.history),
        ];
        for (pane, history) in self.filter_history.iter_mut() {
            out.push((format!("filters-{}", pane.key()), history));
        }
        out
    }

    /// Completes the command word, or the argument of `env`, `theme`, `view` and `forget`, to
    /// the longest common prefix of what fits it. Where several fit and nothing more can be
    /// added, the first is taken and the rest are the round `tab` goes next; a whole name
    /// that is the only one to fit stays (`:env staging` never becomes another environment).
    pub fn complete(&self, text: &str) -> (String, Option<Cycle>) {
        let (head, arg) = match text.split_once(' ') {
            Some((h, a)) => (h, Some(a)),
            None => (text, None),
        };
        let names: Vec<String>;
        let (pool, prefix): (Vec<&str>, &str) = match arg {
            None => (COMMANDS.to_vec(), head),
            Some(a) => {
                names = match head {
                    "env" => self.environments.clone(),
                    "theme" => self.themes.clone(),
                    "view" | "forget" => self.views.names(self.pane),
                    _ => return (text.to_string(), None),
                };
                (names.iter().map(String::as_str).collect(), a)
            }
        };
        let line = |name: &str| match arg {
            None => name.to_string(),
            Some(_) => format!("{head} {name}"),
        };
        let matches: Vec<&str> = pool.into_iter().filter(|c| c.starts_with(prefix)).collect();
        let Some(first) = matches.first() else {
            return (text.to_string(), None);
        };
        let mut common = first.to_string();
        for m in &matches[1..] {
            while !m.starts_with(&common) {
                common.pop();
            }
        }
        if matches.len() == 1 {
            let needs_arg = arg.is_none() && matches!(common.as_str(), "env" | "theme");
            let done = if needs_arg {
                format!("{common} ")
            } else {
                common
            };
            return (line(&done), None);
        }
        if common != prefix {
            return (line(&common), None);
        }
        // A line that shows one of the names already (`:env moto` of moto and moto2) goes on to
        // the next: the first `tab` changed nothing.
        let at = matches
            .iter()
            .position(|m| *m == prefix)
            .map_or(0, |i| (i + 1) % matches.len());
        let cycle = Cycle {
            lines: matches.iter().map(|m| line(m)).collect(),
            names: matches.iter().map(|m| m.to_string()).collect(),
            at,
        };
        (cycle.lines[at].clone(), Some(cycle))
    }

    /// The completions for what is typed, for the command line's hint.
    pub fn completions(&self, text: &str) -> Vec<String> {
        match text.split_once(' ') {
            None => COMMANDS
                .iter()
                .filter(|c| c.starts_with(text))
                .map(|c| c.to_string())
                .collect(),
            Some(("env", a)) => self
                .environments
                .iter()
                .filter(|e| e.starts_with(a))
                .cloned()
                .collect(),
            Some(("theme", a)) => self
                .themes
                .iter()
                .filter(|t| t.starts_with(a))
                .cloned()
                .collect(),
            Some(("view" | "forget", a)) => self
                .views
                .names(self.pane)
                .into_iter()
                .filter(|n| n.starts_with(a))
                .collect(),
            Some(_) => Vec::new(),
        }
    }

    /// `:ban` / `:unban` on the Users pane's user: the plan is fetched, then confirmed.
    fn plan_ban(&mut self, unban: bool) -> Vec<Command> {
        let verb = if unban { ":unban" } else { ":ban" };
        if let Err(refused) = crate::ops::admit(&self.context, &verb[1..]) {
            self.fail(verb, refused);
            return Vec::new();
        }
        // The name is the directory's (the Users pane's subject), not typed; in Posts, the
        // open profile's or the selected row's author, by sub (the plan finds their name).
        let (subject, whom) = match self.pane {
            PaneId::Users => match self.users.subject_username() {
                Some(name) => (
                    BanSubject::Username(name.clone()),
                    crate::text::identifier(name.as_str()),
                ),
                None => {
                    self.fail(verb, Failure::new("select a user first"));
                    return Vec::new();
                }
            },
            PaneId::Posts => match self.posts.ban_subject() {
                Some(sub) => {
                    let whom = crate::text::one_line(&self.names.full(&sub));
                    (BanSubject::Sub(sub), whom)
                }
                None => {
                    self.fail(
                        verb,
                        Failure::new("select a post, a comment or a reported person first"),
                    );
                    return Vec::new();
                }
            },
            _ => {
                self.fail(
                    verb,
                    Failure::new("select a user in Users, or an author in Posts, first"),
                );
                return Vec::new();
            }
        };
        let request = self.next_id();
        self.ban_request = Some(request);
        self.plan_pane = self.pane;
        self.toast(format!("{PLANNING}the {} of {whom}…", &verb[1..]));
        vec![Command::PlanBan {
            request,
            subject,
            unban,
        }]
    }

    /// Starts planning a write whose dialog needs the services read first (the toast, which
    /// goes when the plan is in, starts with [`PLANNING`]).
    pub(super) fn plan(&mut self, planning: super::Planning) -> Vec<Command> {
        let what = match &planning {
            super::Planning::Deletion(name) => {
                format!("the deletion of {}", crate::text::identifier(name.as_str()))
            }
            super::Planning::Undo(row) => format!("an undo of audit row {}", row.id),
            super::Planning::Groups { username, add, .. } => {
                let name = crate::text::identifier(username.as_str());
                if *add {
                    format!("an addition of {name} to a group")
                } else {
                    format!("a removal of {name} from a group")
                }
            }
        };
        if let Err(refused) = crate::ops::admit(&self.context, &what) {
            self.toast(refused.message);
            return Vec::new();
        }
        let request = self.next_id();
        self.ban_request = Some(request);
        self.plan_pane = self.pane;
        self.toast(format!("{PLANNING}{what}…"));
        vec![Command::Plan { request, planning }]
    }

    /// `:save NAME` (the pane's filter), `:view NAME` (applies it), `:forget NAME`; `:view`
    /// alone says which views the pane has.
    fn view_command(&mut self, word: &str, name: &str) -> Vec<Command> {
        let pane = self.pane;
        match (word, name) {
            ("view", "") => {
                let names = self.views.names(pane);
                let text = if names.is_empty() {
                    format!(
                        "no saved views in {}: /filter, then :save NAME",
                        pane.title()
                    )
                } else {
                    format!("views of {}: {}", pane.title(), names.join(", "))
                };
                self.toast(text);
                Vec::new()
            }
            (_, "") => {
                self.fail(
                    &format!(":{word}"),
                    Failure::new(format!("write :{word} NAME")),
                );
                Vec::new()
            }
            // Nothing to keep is said, not saved as a view that does nothing (in Logs, whose
            // search is not a view, `:save` said "saved" and kept nothing).
            ("save", _) if self.focused().saved_view().is_empty() => {
                self.fail(
                    ":save",
                    Failure::new(format!(
                        "{} shows nothing a view keeps here: a view keeps a pane's filter \
                         (Storage's folder), the Logs pane's tail or query, the Insights \
                         pane's query and the Metrics pane's range",
                        pane.title()
                    )),
                );
                Vec::new()
            }
            ("save", name) => {
                let filter = self.focused().saved_view();
                match self.views.save(pane, name, &filter) {
                    Ok(()) => self.toast(format!(
                        "saved the view {name}: {}",
                        match pane {
                            _ if filter.is_empty() => "(no filter)",
                            // Its query as kept (JSON with `\n`s) is not for reading.
                            PaneId::Insights =>
                                "the query in the editor, with its groups and range",
                            _ => &filter,
                        }
                    )),
                    Err(why) => self.fail(":save", Failure::new(why)),
                }
                Vec::new()
            }
            ("forget", name) => {
                if self.views.forget(pane, name) {
                    self.toast(format!("forgot the view {name}"));
                } else {
                    self.fail(
                        ":forget",
                        Failure::new(format!("{} has no view {name}", pane.title())),
                    );
                }
                Vec::new()
            }
            (_, name) => match self.views.get(pane, name).map(str::to_string) {
                Some(filter) => {
                    let (p, ids) = self.pane_mut(pane);
                    match p.restore_filter(&filter, ids) {
                        Ok(c) => {
                            // The pane's filter is what the next session opens on: a view of a
                            // tail or a query (Logs, Insights) is not started again unasked.
                            let last = p.saved_filter();
                            self.views.applied(pane, &last);
                            self.toast(format!("view {name}"));
                            c
                        }
                        Err(problem) => {
                            self.fail(":view", Failure::new(problem.0));
                            Vec::new()
                        }
                    }
                }
                None => {
                    let names = self.views.names(pane);
                    self.fail(
                        ":view",
                        Failure::new(format!(
                            "{} has no view {name}; it has: {}",
                            pane.title(),
                            if names.is_empty() {
                                "none".to_string()
                            } else {
                                names.join(", ")
                            }
                        )),
                    );
                    Vec::new()
                }
            },
        }
    }

    /// `:who` on what was typed, or on the selected row's user when nothing was.
    fn who_command(&mut self, arg: &str) -> Vec<Command> {
        let who = if arg.is_empty() {
            match self.focused().selected_user() {
                Some(who) => who,
                None => {
                    self.fail(
                        ":who",
                        Failure::new("give an e-mail, a sub or a username: :who ann@example.com"),
                    );
                    return Vec::new();
                }
            }
        } else {
            match crate::ops::who_of(arg) {
                Ok(who) => who,
                Err(e) => {
                    self.fail(":who", Failure::from(e));
                    return Vec::new();
                }
            }
        };
        self.open_who(who)
    }

    pub(super) fn run_command(&mut self, text: &str) -> Vec<Command> {
        let (word, arg) = match text.split_once(' ') {
            Some((w, a)) => (w, a.trim()),
            None => (text, ""),
        };
        match word {
            "" => Vec::new(),
            "q" | "quit" | "q!" => {
                self.quit = true;
                Vec::new()
            }
            "users" => self.open_pane(PaneId::Users),
            "posts" | "reports" => {
                let view = if word == "posts" {
                    posts::View::Posts
                } else {
                    posts::View::Reports
                };
                let mut c = self.open_pane(PaneId::Posts);
                c.extend(self.posts.show_view(view, &mut self.ids));
                c
            }
            "audit" => self.open_pane(PaneId::Audit),
            "storage" if !arg.is_empty() => {
                self.pane = PaneId::Storage;
                // Shown, so followed as the pane's last view (a first `:storage PREFIX` of a
                // session was not, and the next session opened on the folder before it).
                self.opened.insert(PaneId::Storage);
                match self.storage.jump_to(arg, &mut self.ids) {
                    Ok(c) => c,
                    Err(problem) => {
                        self.fail(":storage", Failure::new(problem.0));
                        Vec::new()
                    }
                }
            }
            "storage" => self.open_pane(PaneId::Storage),
            "logs" => self.open_pane(PaneId::Logs),
            "insights" => self.open_pane(PaneId::Insights),
            // The functions, as the command says (after `:alarms` it stayed on the alarms).
            "metrics" => {
                let c = self.open_pane(PaneId::Metrics);
                self.metrics.screen = super::metrics::Screen::Functions;
                c
            }
            "alarms" => {
                let c = self.open_pane(PaneId::Metrics);
                self.metrics.screen = super::metrics::Screen::Alarms;
                c
            }
            "who" => self.who_command(arg),
            "save" | "view" | "forget" => self.view_command(word, arg),
            "ban" | "unban" => self.plan_ban(word == "unban"),
            // `:create`: a new user, invited by e-mail unless the box is cleared.
            "create" => {
                let outcome = super::Outcome::Propose(create_user_proposal());
                self.apply(outcome)
            }
            "help" => {
                self.overlay = Some(Overlay::Help { scroll: 0 });
                Vec::new()
            }
            // An export under way would be dropped without a word by the switch (its part
            // removed): it is finished or cancelled first.
            "env" if !arg.is_empty() && self.exporting.is_some() => {
                let key = self.keymap.hint(crate::keymap::Action::Export);
                self.fail(
                    ":env",
                    Failure::new(format!(
                        "an export is being written: wait for it, or cancel it with {key}, then \
                         switch"
                    )),
                );
                Vec::new()
            }
            "env" if !arg.is_empty() => {
                if arg == "sandbox" || self.environments.iter().any(|e| e == arg) {
                    self.requests
                        .push(super::Request::SwitchEnvironment(arg.to_string()));
                } else {
                    self.fail(
                        ":env",
                        // One added to config.toml since is not known until a restart.
                        // The known ones last: a cut status bar keeps a message's two ends.
                        Failure::new(format!(
                            "no environment '{arg}' (config.toml is read at start: quit and start again for one added since); known: {}",
                            self.environments.join(", ")
                        )),
                    );
                }
                Vec::new()
            }
            "theme" if !arg.is_empty() => {
                if self.themes.iter().any(|t| t == arg) {
                    self.requests
                        .push(super::Request::SwitchTheme(arg.to_string()));
                } else {
                    self.fail(
                        ":theme",
                        Failure::new(format!(
                            "no theme '{arg}'; known: {}",
                            self.themes.join(", ")
                        )),
                    );
                }
                Vec::new()
            }
            "env" | "theme" => {
                self.fail(
                    &format!(":{word}"),
                    Failure::new(format!("write :{word} NAME")),
                );
                Vec::new()
            }
            other => {
                self.fail(
                    "command",
                    Failure::new(format!("unknown command ':{other}'; try :help")),
                );
                Vec::new()
            }
        }
    }
}

/// The dialog of a planned ban or unban: every call it will make, in order.
pub(super) fn ban_proposal(plan: Plan) -> Proposal {
    let unban = plan.reverses.is_some();
    let verb = format!(
        "{} {}",
        if unban { "unban" } else { "ban" },
        crate::text::identifier(plan.username.as_str())
    );
    // Whom, beyond a username a look-alike can share.
    let mut changes = vec![format!(
        "{} · sub {}",
        crate::ops::person(&plan.username, plan.contact.as_deref()),
        plan.sub
    )];
    // A ban of a banned user went on without a word.
    if let Some(earlier) = &plan.earlier {
        changes.push(earlier.to_string());
    }
    // Content steps grouped: every kind of call stays on screen, the sweep included.
    let steps = ban::describe(&plan.steps, 8);
    if steps.is_empty() {
        changes.push("nothing to change".into());
    }
    changes.extend(steps);
    changes.extend(left_alone(&plan));
    changes.push(if unban {
        "reverses exactly what the bans since the last unban did; content changed since is left alone".into()
    } else {
        "stops at the first failure; every step is audited, and the closing row says what was done"
            .into()
    });
    Proposal {
        title: capitalise(&verb),
        verb,
        changes,
        form: dialog::Form::Ready(Operation::Ban(Box::new(plan))),
        type_to_confirm: None,
        after: Vec::new(),
        reasons: if unban {
            dialog::UNBAN_REASONS
        } else {
            dialog::BAN_REASONS
        },
    }
}

/// How the toast of a plan under way starts.
pub(super) const PLANNING: &str = "planning ";

/// The `:create` dialog: a username, an e-mail, and whether to invite.
pub fn create_user_proposal() -> Proposal {
    Proposal {
        title: "Create a user".into(),
        verb: "create a user".into(),
        changes: vec![
            "a new user in the pool with this e-mail (marked verified; refused when another account has it)".into(),
            "invited: Cognito e-mails a temporary password; not invited: nothing is sent (then P sets a password to hand over)".into(),
        ],
        form: dialog::Form::CreateUser,
        type_to_confirm: None,
        after: Vec::new(),
        reasons: dialog::ACCOUNT_REASONS,
    }
}

/// The dialog of an account deletion: the export first, then every kind of call.
pub fn deletion_proposal(plan: erase::Plan, export: std::path::PathBuf) -> Proposal {
    let verb = format!(
        "delete the account {}",
        crate::text::identifier(plan.username.as_str())
    );
    let mut changes = vec![
        format!(
            "{} · sub {}",
            crate::ops::person(&plan.username, plan.contact.as_deref()),
            plan.sub
        ),
        format!(
            "first: export their data (profile, posts, comments, reports, object list) to {}",
            export.display()
        ),
    ];
    changes.extend(erase::describe(&plan.steps));
    if plan.bucket.is_none() {
        changes.push(
            "this environment names no bucket: objects under their prefixes are not deleted here"
                .into(),
        );
    }
    changes.push(
        "stops at the first failure; each step is audited, the closing row says what was done; cannot be undone"
            .into(),
    );
    // What the dialog shows is what is typed: a name with characters that draw as nothing is
    // confirmed by typing it with them named (`admin<U+3164>`).
    let name = crate::text::identifier(plan.username.as_str());
    Proposal {
        title: capitalise(&verb),
        verb,
        changes,
        form: dialog::Form::Ready(Operation::DeleteAccount {
            plan: Box::new(plan),
            export: Some(export),
        }),
        type_to_confirm: Some(name),
        after: Vec::new(),
        reasons: dialog::ACCOUNT_REASONS,
    }
}

/// The dialog of an undo: what the row did, and the write that reverses it.
/// The dialog adding `username` to a group (or removing them from one), with the groups
/// they are in and, to add, the pool's (`None`: more than were listed). Refused when there is
/// nothing to choose: no group to leave, or none to join.
pub fn group_proposal(
    username: backoffice_domain::model::Username,
    label: &str,
    add: bool,
    member_of: Vec<backoffice_domain::model::GroupName>,
    pool: Option<Vec<backoffice_domain::model::GroupName>>,
) -> Result<Proposal, Failure> {
    let name = crate::text::identifier(username.as_str());
    let admin_now = member_of
        .iter()
        .any(|g| g.as_str() == backoffice_domain::model::GroupName::ADMINS);
    let now = if member_of.is_empty() {
        "in no group now".to_string()
    } else {
        format!(
            "in {} now",
            member_of
                .iter()
                .map(|g| crate::text::identifier(g.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let (verb, change, form) = if add {
        if let Some(pool) = &pool
            && pool.iter().all(|g| member_of.contains(g))
        {
            return Err(Failure::new(if pool.is_empty() {
                "the pool has no groups".to_string()
            } else {
                format!("{name} is already in every group of the pool")
            }));
        }
        (
            "add to a group",
            format!("{label}: added to {} ({now})", dialog::GROUP_TYPED),
            dialog::Form::AddGroup {
                username,
                member_of,
                pool,
            },
        )
    } else {
        if member_of.is_empty() {
            return Err(Failure::new(format!("{name} is in no group")));
        }
        (
            "remove from a group",
            format!("{label}: removed from {} ({now})", dialog::GROUP_TYPED),
            dialog::Form::RemoveGroup {
                username,
                member_of,
            },
        )
    };
    // The API reads groups from the tokens people hold, not from the pool: a change reaches
    // it with their next tokens, and rights taken away last until the ones held expire.
    let mut after = vec![
        "the API reads groups from the tokens people hold: this reaches it with their next \
         ones (within the hour tokens last)"
            .to_string(),
    ];
    let admins = backoffice_domain::model::GroupName::ADMINS;
    if !add && admin_now {
        after.push(format!(
            "if the group is {admins}, they keep its rights until the tokens they hold expire \
             (an hour by default); to end them now, disable the account too, and enable it \
             again once those have expired"
        ));
    }
    Ok(Proposal {
        title: capitalise(verb),
        verb: verb.to_string(),
        changes: vec![change],
        form,
        type_to_confirm: None,
        after,
        reasons: dialog::ACCOUNT_REASONS,
    })
}

/// The line of a ban's or an unban's dialog naming what it leaves, changed since.
fn left_alone(plan: &ban::Plan) -> Option<String> {
    (!plan.left_alone.is_empty())
        .then(|| format!("left alone, changed since: {}", plan.left_alone.join(", ")))
}

/// Each attribute an account row changed, as its undo changes it back: `name: "now" →
/// "then"` (`(unset)` for none), from the row's `after` and `before`.
fn attribute_changes(row: &AuditEntry) -> Vec<String> {
    let read = |v: Option<&str>| {
        v.and_then(|v| serde_json::from_str::<serde_json::Value>(v).ok())
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default()
    };
    let (before, after) = (read(row.before.as_deref()), read(row.after.as_deref()));
    let shown = |v: Option<&serde_json::Value>| match v {
        // Quotes inside escaped, as the write's own dialog shows a value.
        Some(serde_json::Value::String(s)) => format!(
            "\"{}\"",
            crate::text::look_alikes_named(&crate::text::one_line(s))
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
        ),
        Some(serde_json::Value::Null) | None => "(unset)".to_string(),
        Some(other) => crate::text::one_line(&other.to_string()),
    };
    before
        .iter()
        .map(|(name, then)| {
            format!(
                "{}: {} → {}",
                crate::text::one_line(name),
                shown(after.get(name)),
                shown(Some(then))
            )
        })
        .collect()
}

pub fn undo_proposal(row: &AuditEntry, operation: Operation) -> Proposal {
    let verb = operation.describe();
    let mut changes = vec![format!(
        "audit row {}: {} of {} {} by {}{}",
        row.id,
        row.action,
        row.target_kind,
        row.target_id,
        row.actor,
        row.reason
            .as_deref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default()
    )];
    if let Operation::Undo {
        operation: inner, ..
    } = &operation
    {
        match inner.as_ref() {
            // What it leaves is said as `:unban` says it (the undo listed the restores
            // alone, and a post removed since was left without a word).
            Operation::Ban(plan) => {
                changes.extend(ban::describe(&plan.steps, 8));
                changes.extend(left_alone(plan));
            }
            // What the undo itself does, as the write's own dialog would say it.
            Operation::Moderate { targets, action } => {
                // As the write's own dialog says it: the status the row left, then the new one.
                let left = row
                    .after
                    .as_deref()
                    .and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok())
                    .and_then(|a| a.get("status")?.as_str().map(str::to_string));
                let to = action.target_status().as_str();
                changes.extend(targets.iter().take(8).map(|t| match &left {
                    Some(from) => format!("{t}: {from} → {to} ({action})"),
                    None => format!("{t}: {action} → {to}"),
                }));
                if targets.len() > 8 {
                    changes.push(format!("… and {} more", targets.len() - 8));
                }
            }
            // In lower case, as the other change lines read.
            Operation::Account { username, action } => {
                let line = action.describe(&crate::text::identifier(username.as_str()));
                let mut c = line.chars();
                changes.push(match c.next() {
                    Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
                    None => line,
                });
                // An attribute's value now and the one it goes back to, as the write's own
                // dialog says `old → new` (the undo named only the value it sets).
                if matches!(
                    action,
                    backoffice_domain::services::accounts::AccountAction::SetAttribute { .. }
                        | backoffice_domain::services::accounts::AccountAction::SetAttributes(_)
                        | backoffice_domain::services::accounts::AccountAction::DeleteAttribute(_)
                ) {
                    changes.extend(attribute_changes(row));
                }
            }
            Operation::SetProfile { set, .. } => changes.extend(set.iter().map(|(f, v)| {
                format!(
                    "{} back to {}",
                    f.label(),
                    // Marked where it passes for another's name (`<U+0410>nn Lee`).
                    v.as_deref()
                        .map(|v| {
                            format!(
                                "\"{}\"",
                                crate::text::look_alikes_named(&crate::text::one_line(v))
                            )
                        })
                        .unwrap_or_else(|| "(empty)".into())
                )
            })),
            _ => {}
        }
    }
    changes.push("recorded as the undo of that row".into());
    // The reasons of what the undo does: putting content or a profile back offers the
    // restore's reasons (an undone removal offered `spam`, `harassment`, …).
    let inner = match &operation {
        Operation::Undo { operation, .. } => Some(operation.as_ref()),
        _ => None,
    };
    let reasons = match inner {
        Some(Operation::Moderate {
            action: ModerationAction::Restore,
            ..
        })
        | Some(Operation::SetProfile { .. }) => dialog::RESTORE_REASONS,
        _ if matches!(row.target_kind, AuditKind::Post | AuditKind::Comment)
            || row.action.as_str().starts_with("profile.") =>
        {
            dialog::MODERATION_REASONS
        }
        _ => dialog::ACCOUNT_REASONS,
    };
    Proposal {
        title: format!("Undo audit row {}", row.id),
        verb,
        changes,
        form: dialog::Form::Ready(operation),
        type_to_confirm: None,
        after: Vec::new(),
        reasons,
    }
}

/// `s` with its first letter upper-cased, for dialog titles.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
