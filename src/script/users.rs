//! `backoffice users …`: the pool, a user, account actions, ban and unban, and `who`.

use super::{Session, domain, each_item, failed, reason, records};
use crate::ops::{self, Operation};
use crate::text::one_line;
use backoffice_domain::DomainError;
use backoffice_domain::model::Username;
use backoffice_domain::services::accounts::{self, AccountAction};
use backoffice_domain::services::{ban, user360};
use color_eyre::eyre::{Result, bail, eyre};
use serde_json::json;
use unicode_width::UnicodeWidthStr;

use super::UsersCommand;

/// A username as typed, or as `users list` shows one holding characters that draw as nothing
/// (`admin<U+3164>`): each named character is put back, and the name is taken as the
/// directory holds it.
fn name(raw: &str) -> Result<Username> {
    if let Some(named) = crate::text::from_identifier(raw) {
        return Username::from_directory(named).map_err(|e| eyre!("username: {}", e.message));
    }
    Username::parse(raw).map_err(|e| {
        let n = raw.chars().count();
        if n == 0 {
            eyre!("username: give one, as `users list` shows it")
        } else if n > 128 {
            eyre!("username: {}", e.message)
        } else {
            // The characters it holds are what was refused: one a listing shows as <U+XXXX>
            // is typed so.
            eyre!(
                "username: {}; name such a character as <U+XXXX>, as `users list` shows it",
                e.message
            )
        }
    })
}

/// The user `username` names, or why not: a pool may tell `Layla` from `layla`, and `who`
/// finds a user in any case.
async fn found(
    directory: &dyn backoffice_domain::ports::UserDirectory,
    username: &Username,
) -> Result<backoffice_domain::model::DirectoryUser> {
    // The name as listings show it (`zz<U+003C>U+3164>` for the literal text, which read
    // `zz<U+3164>` like the name holding the Hangul filler).
    let shown = crate::text::identifier(username.as_str());
    // Only the user missing, not the pool (`user pool … not found`).
    let user_missing = |what: &str| what.starts_with("user ") && !what.starts_with("user pool ");
    match directory.get_user(username).await {
        Err(DomainError::NotFound(what))
            if user_missing(&what) && username.as_str() != username.as_str().to_lowercase() =>
        {
            bail!(
                "user {shown} not found; a username's case can matter: `users who {shown}` finds it in any case"
            )
        }
        Err(DomainError::NotFound(what)) if user_missing(&what) => {
            bail!("user {shown} not found")
        }
        other => other.map_err(domain),
    }
}

/// A name for a new account: plain, as the console's `:create` makes them. The `<U+XXXX>` form
/// names a character of an existing name; here it made `bob<U+3164>`, a look-alike of `bob`,
/// and names with spaces and escapes in them.
fn new_name(raw: &str) -> Result<Username> {
    if crate::text::from_identifier(raw).is_some() {
        bail!(
            "username: a new account's name is plain: letters, digits and symbols, with no <U+XXXX> (that form names a character of an existing name)"
        );
    }
    let parsed = name(raw)?;
    if let Some(why) = crate::text::new_name_problem(parsed.as_str()) {
        bail!("username: {why}");
    }
    Ok(parsed)
}

fn group_name(raw: &str) -> Result<backoffice_domain::model::GroupName> {
    backoffice_domain::model::GroupName::parse(raw).map_err(|e| eyre!("group: {}", e.message))
}

/// Refuses, before anything is asked, a group change that would change nothing (it was done
/// and audited, and its undo then took the user out of a group they had been in) or names a
/// group the pool does not have (with those it has).
async fn membership(
    directory: &dyn backoffice_domain::ports::UserDirectory,
    raw_user: &str,
    group: &backoffice_domain::model::GroupName,
    joining: bool,
) -> Result<()> {
    let username = name(raw_user)?;
    let held = directory.groups_of(&username).await.map_err(domain)?;
    let member = held.iter().any(|g| &g.name == group);
    let shown = crate::text::identifier(username.as_str());
    match (joining, member) {
        (true, true) => bail!("{shown} is already in {group}: nothing was changed"),
        (false, false) => bail!("{shown} is not in {group}: nothing was changed"),
        (false, true) => Ok(()),
        (true, false) => {
            use backoffice_domain::model::PageRequest;
            let mut names = Vec::new();
            let mut page = PageRequest::first(60);
            loop {
                let groups = directory.list_groups(page).await.map_err(domain)?;
                if groups.items.iter().any(|g| &g.name == group) {
                    return Ok(());
                }
                names.extend(groups.items.iter().map(|g| g.name.to_string()));
                match groups.next {
                    Some(cursor) => page = PageRequest::after(cursor, 60),
                    None => break,
                }
            }
            bail!(
                "the pool has no group {group}; it has: {}",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            )
        }
    }
}

/// Whom an account action is about, above its question, as the console's dialog says it: a
/// username alone reads the same as its look-alike's.
fn whom(user: &backoffice_domain::model::DirectoryUser) -> String {
    format!(
        "{} · sub {} · {} · {}",
        crate::ops::person(&user.username, user.contact().as_deref()),
        user.sub
            .as_ref()
            .map_or_else(|| "-".to_string(), ToString::to_string),
        user.status.as_str(),
        if user.enabled { "enabled" } else { "disabled" }
    )
}

pub(super) async fn run(cmd: UsersCommand, s: &Session<'_>) -> Result<()> {
    let directory = s.b.directory().map_err(domain)?;
    let account = |username: String, action: AccountAction, why: String| async move {
        let username = name(&username)?;
        let why = reason(&why)?;
        // What the user's state refuses is said before the confirmation, as the console
        // says it before its dialog (a reset was asked for, then failed in Cognito's words).
        // A read-only session is refused as such first, by the write.
        // A user who is not there is said before anything is asked (a `yes` was typed for
        // one, then it failed), with the case hint `users get` gives.
        let mut shown = Vec::new();
        if !s.context.read_only {
            let user = found(directory, &username).await?;
            if accounts::reads_first(&action)
                && let Some(why) = accounts::refusal(&action, &user)
            {
                // An enabled account still blocked in the API is enabled again to lift it, and
                // a disabled one without a block disabled again to set it.
                let lifts = match s.b.content.as_deref() {
                    Some(content) => accounts::block_alone(content, &action, &user).await,
                    None => false,
                };
                if !lifts {
                    bail!("{}", why.message(&user.username));
                }
            }
            shown.push(whom(&user));
            // An enable lifts a ban's block, not the ban: said first, as the console says it.
            if matches!(action, AccountAction::Enable)
                && let (Some(sub), Some(content)) = (&user.sub, s.b.content.as_deref())
            {
                match ban::standing(content, sub).await {
                    Ok(standing) => {
                        if let Some(ban) = &standing.ban {
                            eprintln!(
                                "warning: {}",
                                crate::text::plain(&format!(
                                    "banned {}: this lets them sign in and use the API again, \
                                     and leaves hidden what the ban hid (`users unban` \
                                     reverses the whole ban instead)",
                                    ban.when()
                                ))
                            );
                        }
                    }
                    Err(e) => eprintln!(
                        "warning: whether they are banned could not be read: {}",
                        e.chain()
                    ),
                }
            }
        }
        s.write_shown(Operation::Account { username, action }, &why, &shown)
            .await
    };
    match cmd {
        UsersCommand::List { filter, limit } => {
            let query = crate::app::users::parse_search(filter.as_deref().unwrap_or(""))
                .map_err(|e| eyre!("--filter: {e}"))?;
            // A merged search can find a user again on a later page: each is printed once.
            let mut seen = std::collections::HashSet::new();
            let warned = std::cell::Cell::new(false);
            each_item(
                limit,
                backoffice_domain::ports::DIRECTORY_MAX_PAGE,
                |page| {
                    let (warned, query) = (&warned, &query);
                    async move {
                        let found = crate::exec::find_users(s.b, query, page).await?;
                        // The directory's matches are listed; the profile names could not be
                        // searched, and that is said once.
                        if let Some(e) = found.unsearched
                            && !warned.replace(true)
                        {
                            eprintln!(
                                "{}",
                                crate::text::error_text(&format!(
                                    "warning: profile names were not searched: {}",
                                    e.chain()
                                ))
                            );
                        }
                        Ok(found.page)
                    }
                },
                |found| {
                    let u = &found.user;
                    if !seen.insert(u.username.to_string()) {
                        return Ok(());
                    }
                    let record = records::found_user(&found);
                    let matched: Vec<&str> = found.matched.iter().map(|m| m.label()).collect();
                    s.print(&record, || {
                        // The e-mail, else the phone (a phone-only account had an empty
                        // column); the matched fields only where a search matched any (every
                        // line ended with a tab).
                        let contact = u.contact().unwrap_or_default();
                        let mut line = vec![
                            crate::text::identifier(u.username.as_str()),
                            contact,
                            u.attribute("name").unwrap_or_default().to_string(),
                            u.status.as_str().to_string(),
                            if u.enabled { "enabled" } else { "disabled" }.to_string(),
                        ];
                        if !matched.is_empty() {
                            line.push(matched.join(","));
                        }
                        let fields: Vec<&str> = line.iter().map(String::as_str).collect();
                        super::fields(&fields)
                    })
                },
            )
            .await
            .map(drop)
        }
        UsersCommand::Get { username } => {
            let username = name(&username)?;
            let user = found(directory, &username).await?;
            let groups = directory.groups_of(&username).await.map_err(domain)?;
            // Banned or blocked, where the environment has a database (support reads it
            // before an enable).
            let standing = match (&user.sub, s.b.content.as_deref()) {
                (Some(sub), Some(content)) => Some(
                    ban::standing(content, sub)
                        .await
                        .map_err(|e| e.chain().to_string()),
                ),
                _ => None,
            };
            let mut record = records::user(&user);
            if let (Some(Ok(standing)), Some(fields)) = (&standing, record.as_object_mut()) {
                let said = records::standing(standing);
                for name in ["blocked", "ban"] {
                    fields.insert(name.into(), said[name].clone());
                }
            }
            // Every label as wide as the widest, an attribute's name included (a long one
            // pushed its value out of line).
            let labels = user
                .attributes
                .iter()
                .map(|(k, _)| one_line(k).width())
                .max()
                .unwrap_or(0)
                .max("username".len());
            let line = |label: &str, value: &str| {
                let label = one_line(label);
                let pad = labels.saturating_sub(label.width());
                format!("{label}{}  {value}", " ".repeat(pad))
            };
            s.print(&record, || {
                let mut lines = vec![
                    line("username", &crate::text::identifier(user.username.as_str())),
                    line(
                        "sub",
                        &user.sub.as_ref().map(|s| s.to_string()).unwrap_or_default(),
                    ),
                    line("status", user.status.as_str()),
                    line("enabled", &user.enabled.to_string()),
                ];
                match &standing {
                    Some(Ok(standing)) => {
                        lines.push(line("standing", &standing.describe(Some(user.enabled))))
                    }
                    Some(Err(why)) => lines.push(line("standing", &format!("not read: {why}"))),
                    None => {}
                }
                // The sub is said above: not again among the attributes.
                lines.extend(
                    user.attributes
                        .iter()
                        .filter(|(k, _)| k != "sub")
                        .map(|(k, v)| line(k, &one_line(v))),
                );
                lines.join("\n")
            })?;
            for g in &groups {
                s.print(&records::group(g.name.as_str()), || {
                    line("group", g.name.as_str())
                })?;
            }
            Ok(())
        }
        UsersCommand::Disable { username, reason } => {
            account(username, AccountAction::Disable, reason).await
        }
        UsersCommand::Enable { username, reason } => {
            account(username, AccountAction::Enable, reason).await
        }
        UsersCommand::ResetPassword { username, reason } => {
            account(username, AccountAction::ResetPassword, reason).await
        }
        UsersCommand::SignOut { username, reason } => {
            account(username, AccountAction::GlobalSignOut, reason).await
        }
        UsersCommand::ResendInvitation { username, reason } => {
            account(username, AccountAction::ResendInvitation, reason).await
        }
        UsersCommand::ResendConfirmationCode { username, reason } => {
            account(username, AccountAction::ResendConfirmationCode, reason).await
        }
        UsersCommand::Confirm { username, reason } => {
            account(username, AccountAction::ConfirmSignUp, reason).await
        }
        UsersCommand::VerifyEmail { username, reason } => {
            account(username, AccountAction::VerifyEmail, reason).await
        }
        UsersCommand::AddGroup {
            username,
            group,
            reason,
        } => {
            let group = group_name(&group)?;
            membership(directory, &username, &group, true).await?;
            account(username, AccountAction::AddToGroup(group), reason).await
        }
        UsersCommand::RemoveGroup {
            username,
            group,
            reason,
        } => {
            let group = group_name(&group)?;
            membership(directory, &username, &group, false).await?;
            account(username, AccountAction::RemoveFromGroup(group), reason).await
        }
        UsersCommand::SetPassword {
            username,
            temporary,
            password_stdin,
            reason: why,
        } => {
            // Everything that can be refused is, before the password is asked for: the user
            // must be there (it asked twice and for a `yes`, then failed).
            let username = name(&username)?;
            let why = reason(&why)?;
            ops::admit(s.context, &format!("a new password for {username}")).map_err(failed)?;
            let (user, policy) =
                tokio::join!(found(directory, &username), directory.password_policy());
            let shown = [whom(&user?)];
            let password = super::secret::read_password(password_stdin)?;
            // A password the pool would refuse is refused before the `yes` (Cognito refused it
            // after). Where the policy cannot be read, Cognito's answer is the check.
            match policy {
                Ok(policy) => policy
                    .check(password.expose())
                    .map_err(|e| eyre!("{}; nothing was changed", e.message))?,
                Err(e) => tracing::debug!(error = %e.chain(), "the pool's password policy"),
            }
            s.write_shown(
                Operation::Account {
                    username,
                    action: AccountAction::SetPassword {
                        password,
                        permanent: !temporary,
                    },
                },
                &why,
                &shown,
            )
            .await
        }
        UsersCommand::Create {
            username,
            email,
            no_invitation,
            reason: why,
        } => {
            let account = backoffice_domain::services::accounts::NewAccount {
                username: new_name(&username)?,
                email: backoffice_domain::model::Email::parse(&email)
                    .map_err(|e| eyre!("--email: {}", e.message))?,
                send_invitation: !no_invitation,
            };
            s.write(Operation::CreateUser(account), &reason(&why)?)
                .await
        }
        UsersCommand::SignIns { username, limit } => {
            let username = name(&username)?;
            let events = directory
                .sign_in_history(&username, limit)
                .await
                .map_err(domain)?;
            for e in &events {
                let record = json!({
                    "type": "sign_in",
                    "id": e.id,
                    "kind": e.kind,
                    "at": e.at,
                    "result": e.result,
                    "risk_level": e.risk_level,
                    "risk_decision": e.risk_decision,
                    "ip": e.ip,
                    "city": e.city,
                    "country": e.country,
                    "device": e.device,
                });
                s.print(&record, || {
                    format!(
                        "{} {} {} risk {} {} {}",
                        e.at.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                            .unwrap_or_else(|| "-".into()),
                        one_line(&e.kind),
                        one_line(&e.result),
                        one_line(e.risk_level.as_deref().unwrap_or("-")),
                        one_line(e.ip.as_deref().unwrap_or("-")),
                        one_line(
                            &[e.city.as_deref(), e.country.as_deref()]
                                .into_iter()
                                .flatten()
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    )
                })?;
            }
            Ok(())
        }
        UsersCommand::Ban {
            username,
            reason: why,
            dry_run,
        } => {
            let username = name(&username)?;
            // Read-only refuses before the plan is read (a dry run writes nothing: allowed).
            if !dry_run {
                ops::admit(s.context, &format!("a ban of {username}")).map_err(failed)?;
            }
            let content = s.b.content().map_err(domain)?;
            let plan = ban::plan_ban(directory, content, &username)
                .await
                .map_err(domain)?;
            run_plan(s, plan, why.as_deref(), dry_run).await
        }
        UsersCommand::Unban {
            username,
            reason: why,
            dry_run,
        } => {
            let username = name(&username)?;
            if !dry_run {
                ops::admit(s.context, &format!("an unban of {username}")).map_err(failed)?;
            }
            let content = s.b.content().map_err(domain)?;
            let plan = ban::plan_unban(directory, content, &username)
                .await
                .map_err(domain)?;
            run_plan(s, plan, why.as_deref(), dry_run).await
        }
        UsersCommand::Delete {
            username,
            reason: why,
            dry_run,
            export,
            no_export,
        } => {
            let username = name(&username)?;
            let why = super::reason_if_given(why.as_deref())?;
            if !dry_run {
                ops::admit(s.context, &format!("the deletion of {username}")).map_err(failed)?;
            }
            let plan = ops::people::plan_deletion(s.b, &username)
                .await
                .map_err(failed)?;
            let export = (!no_export).then(|| {
                export.unwrap_or_else(|| {
                    ops::people::export_file_name(&username, Some(&plan.sub), chrono::Utc::now())
                        .into()
                })
            });
            if let Some(path) = &export {
                let record = json!({"type": "planned_call", "plan": "delete", "call": "export", "path": path.display().to_string()});
                s.print(&record, || {
                    format!(
                        "{}: export their data to {}",
                        super::planned(dry_run),
                        path.display()
                    )
                })?;
            }
            for step in &plan.steps {
                let mut record =
                    json!({"type": "planned_call", "plan": "delete", "call": step.to_string()});
                if let (Some(fields), Some(out)) = (
                    serde_json::to_value(step)
                        .ok()
                        .and_then(|v| v.as_object().cloned()),
                    record.as_object_mut(),
                ) {
                    out.extend(fields);
                }
                s.print(&record, || format!("{}: {step}", super::planned(dry_run)))?;
            }
            if dry_run {
                return Ok(());
            }
            s.write(
                Operation::DeleteAccount {
                    plan: Box::new(plan),
                    export,
                },
                &super::given(why)?,
            )
            .await
        }
        UsersCommand::Export { username, out } => {
            let username = name(&username)?;
            let path = out.unwrap_or_else(|| {
                ops::people::export_file_name(&username, None, chrono::Utc::now()).into()
            });
            let done = ops::people::export_user(s.b, &username, &path)
                .await
                .map_err(failed)?;
            for r in &done.records {
                s.print(r, || done.summary.clone())?;
            }
            Ok(())
        }
        UsersCommand::ClearProfile {
            sub,
            fields,
            reason: why,
        } => {
            let sub = backoffice_domain::model::UserSub::parse(&sub)
                .map_err(|e| eyre!("sub: {}", e.message))?;
            let fields =
                backoffice_domain::services::profiles::parse_fields(&fields).map_err(domain)?;
            s.write(
                Operation::ClearProfile {
                    sub,
                    fields,
                    seen: Vec::new(),
                },
                &reason(&why)?,
            )
            .await
        }
        UsersCommand::Who { who } => self::who(s, &who).await,
    }
}

async fn run_plan(
    s: &Session<'_>,
    plan: ban::Plan,
    why: Option<&str>,
    dry_run: bool,
) -> Result<()> {
    let why = super::reason_if_given(why)?;
    planned_calls(s, &plan, dry_run)?;
    // A ban of a banned user is worth a word before it is made (it went on without one).
    if let Some(earlier) = &plan.earlier {
        eprintln!("warning: {}", crate::text::plain(&earlier.to_string()));
    }
    if !plan.left_alone.is_empty() {
        eprintln!(
            "left alone, changed since: {}",
            crate::text::plain(&plan.left_alone.join(", "))
        );
    }
    if dry_run {
        return Ok(());
    }
    s.write(Operation::Ban(Box::new(plan)), &super::given(why)?)
        .await
}

/// A ban's or an unban's calls, each a `planned_call` record (text: `would: …` for a dry run,
/// `will: …` before a run), in order.
pub(super) fn planned_calls(s: &Session<'_>, plan: &ban::Plan, dry_run: bool) -> Result<()> {
    let verb = plan.verb();
    for step in &plan.steps {
        // The step's own fields (`step`, and `id` for content) sit beside the call's words.
        let mut record = json!({"type": "planned_call", "plan": verb, "call": step.to_string()});
        if let (Some(fields), Some(out)) = (
            serde_json::to_value(step)
                .ok()
                .and_then(|v| v.as_object().cloned()),
            record.as_object_mut(),
        ) {
            out.extend(fields);
        }
        s.print(&record, || format!("{}: {step}", super::planned(dry_run)))?;
    }
    Ok(())
}

async fn who(s: &Session<'_>, raw: &str) -> Result<()> {
    let who = crate::ops::who_of(raw).map_err(domain)?;
    let objects = match (&s.b.objects, &s.b.bucket) {
        (Some(o), Some(bucket)) => Some((
            o.as_ref() as &dyn backoffice_domain::ports::ObjectStore,
            bucket,
        )),
        _ => None,
    };
    let logs = s.b.logs.as_deref().map(|l| (l, s.b.log_groups.as_slice()));
    let sources = user360::Sources {
        directory: s.b.directory().map_err(domain)?,
        content: s.b.content().map_err(domain)?,
        objects,
        logs,
        log_window: chrono::Duration::hours(24),
    };
    let view = user360::load(&sources, &who).await.map_err(domain)?;
    if !s.out.json {
        let text: Vec<String> = crate::app::who::render(&view)
            .iter()
            .map(|l| one_line(l))
            .collect();
        return s.print(&serde_json::Value::Null, || text.join("\n"));
    }
    let mut records = vec![match &view.user {
        Ok(user) => records::user(user),
        Err(why) => records::unavailable("user", why),
    }];
    let mut part = |name: &str, r: Result<Vec<serde_json::Value>, &String>| match r {
        Ok(v) => records.extend(v),
        Err(why) => records.push(records::unavailable(name, why)),
    };
    part(
        "groups",
        view.groups
            .as_ref()
            .map(|g| g.iter().map(|g| records::group(g.name.as_str())).collect()),
    );
    part(
        "profile",
        view.profile
            .as_ref()
            .map(|p| p.iter().map(records::profile).collect()),
    );
    part(
        "counts",
        view.counts.as_ref().map(|c| vec![records::counts(c)]),
    );
    part(
        "standing",
        view.standing.as_ref().map(|s| vec![records::standing(s)]),
    );
    part(
        "posts",
        view.posts
            .as_ref()
            .map(|p| p.iter().map(records::post).collect()),
    );
    part(
        "comments",
        view.comments
            .as_ref()
            .map(|c| c.iter().map(records::comment).collect()),
    );
    part(
        "reports",
        view.reports
            .as_ref()
            .map(|r| r.iter().map(records::report).collect()),
    );
    for (prefix, objects) in &view.objects {
        part(
            "objects",
            objects.as_ref().map(|o| {
                vec![json!({
                    "type": "objects",
                    "prefix": prefix,
                    "count": o.count,
                    "bytes": o.bytes,
                    "truncated": o.truncated,
                    "first": o.first,
                })]
            }),
        );
    }
    part(
        "log_lines",
        view.log_lines.as_ref().map(|l| {
            // A configured group that is not there is said, as `logs tail` says it: its
            // "no lines" is not the user's.
            l.lines
                .iter()
                .map(records::event)
                .chain(l.missing.iter().filter_map(|g| {
                    records::marker(&backoffice_domain::model::TailItem::GroupMissing {
                        group: g.as_str().to_string(),
                    })
                }))
                .collect()
        }),
    );
    for r in &records {
        s.print(r, String::new)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::name;
    use backoffice_domain::model::Username;

    #[test]
    fn a_missing_or_long_name_is_not_told_to_name_its_characters() {
        let empty = name("").unwrap_err().to_string();
        assert_eq!(empty, "username: give one, as `users list` shows it");
        let long = name(&"a".repeat(129)).unwrap_err().to_string();
        assert!(!long.contains("<U+XXXX>"), "{long}");
        let spaced = name("ann lee").unwrap_err().to_string();
        assert!(spaced.contains("<U+XXXX>"), "{spaced}");
    }

    #[test]
    fn a_name_is_taken_as_typed_or_as_a_listing_shows_it() {
        assert_eq!(name("ann").unwrap(), Username::parse("ann").unwrap());
        assert_eq!(
            name("admin<U+3164>").unwrap(),
            Username::from_directory("admin\u{3164}").unwrap()
        );
        let typed = name("admin\u{3164}").unwrap_err().to_string();
        assert!(typed.contains("<U+XXXX>"), "{typed}");
    }
}
