//! Runs the app's commands as background tasks against the environment's backends; each sends
//! back one event carrying its request id (a download also sends its progress on the way; a log
//! feed sends batches before its last event, see [`logs`]).

pub mod export;
pub mod insights;
mod logs;
mod storage;

use crate::app::posts::ThreadData;
use crate::app::users::USERS_PAGE;
use crate::app::{
    AppEvent, BanSubject, Command, Context, Failure, PAGE_SIZE, Planning, RequestId, UserDetail,
    UserSearch,
};
use backoffice_domain::DomainError;
use backoffice_domain::model::{CommentFilter, ModerationTarget, PageRequest, Target, UserSub};
use backoffice_domain::ports::{LogSource, ObjectStore};
use backoffice_domain::services::ban;
use backoffice_domain::services::people::{self, Found};
use backoffice_domain::services::user360::Who;
use tokio::sync::mpsc;

pub use crate::ops::Backends;

/// Starts `command` as a task; its event goes to `events`. `context` is the session's, for the
/// rules a write is held to.
pub fn execute(
    command: Command,
    backends: Backends,
    context: Context,
    events: mpsc::Sender<AppEvent>,
) {
    tokio::spawn(async move {
        let event = run(command, &backends, &context, &events).await;
        // The loop has ended when the receiver is gone; the result is no longer wanted.
        let _ = events.send(event).await;
    });
}

/// Runs `command` here and now, for the little the loop does on its way out (stopping a
/// running Insights query); its event is dropped.
pub async fn run_now(command: Command, backends: &Backends, context: &Context) {
    let (tx, _rx) = mpsc::channel(1);
    let _ = run(command, backends, context, &tx).await;
}

fn page(cursor: Option<backoffice_domain::model::Cursor>, limit: u32) -> PageRequest {
    PageRequest {
        cursor,
        limit: Some(limit),
    }
}

pub(crate) async fn run(
    command: Command,
    b: &Backends,
    context: &Context,
    events: &mpsc::Sender<AppEvent>,
) -> AppEvent {
    match command {
        Command::LoadPosts {
            request,
            filter,
            cursor,
        } => AppEvent::PostsLoaded {
            request,
            result: async {
                b.content()?
                    .list_posts(&filter, page(cursor, PAGE_SIZE))
                    .await
            }
            .await
            .map_err(Failure::from),
        },
        Command::FindAuthor { request, who } => AppEvent::AuthorFound {
            request,
            result: async {
                use backoffice_domain::services::user360::{Who, resolve};
                let who = Who::parse(&who)?;
                let user = resolve(b.directory()?, &who).await?;
                user.sub.ok_or_else(|| {
                    DomainError::invalid("author", format!("{} has no sub", user.username))
                })
            }
            .await
            .map_err(Failure::from),
        },
        Command::LoadQueue {
            request,
            filter,
            cursor,
        } => AppEvent::QueueLoaded {
            request,
            result: async {
                backoffice_domain::services::moderation::queue(
                    b.content()?,
                    &filter,
                    page(cursor, PAGE_SIZE),
                )
                .await
            }
            .await
            .map_err(Failure::from),
        },
        Command::LoadComments {
            request,
            post,
            cursor,
        } => AppEvent::CommentsLoaded {
            request,
            result: async {
                let filter = CommentFilter {
                    post: Some(post),
                    ..CommentFilter::default()
                };
                let content = b.content()?;
                let mut page = content
                    .list_comments(&filter, PageRequest::after(cursor, THREAD_PAGE))
                    .await?;
                let targets: Vec<Target> =
                    page.items.iter().map(|c| Target::Comment(c.id)).collect();
                // The thread's rows say what was left out, its reports' too.
                let reports = content.reports_on(&targets).await?;
                page.left_out.extend(reports.left_out);
                Ok::<_, DomainError>((page, reports.items))
            }
            .await
            .map_err(Failure::from),
        },
        Command::LoadNames { request, subs } => AppEvent::NamesLoaded {
            request,
            result: names_of(b, &subs).await.map_err(Failure::from),
        },
        Command::LoadThread { request, target } => AppEvent::ThreadLoaded {
            request,
            result: thread(b, target).await.map_err(Failure::from),
        },
        Command::LoadUsers {
            request,
            search,
            cursor,
        } => {
            let (result, unsearched) = match find_users(b, &search, page(cursor, USERS_PAGE)).await
            {
                Ok(found) => (Ok(found.page), found.unsearched.map(Failure::from)),
                Err(e) => (Err(Failure::from(e)), None),
            };
            AppEvent::UsersLoaded {
                request,
                result,
                unsearched,
            }
        }
        Command::PlanBan {
            request,
            subject,
            unban,
        } => AppEvent::BanPlanned {
            request,
            unban,
            result: plan_ban(b, subject, unban).await,
        },
        Command::Plan { request, planning } => plan(b, request, planning).await,
        Command::LoadSignIns { request, username } => AppEvent::SignInsLoaded {
            request,
            result: async {
                b.directory()?
                    .sign_in_history(&username, SIGN_INS_SHOWN)
                    .await
            }
            .await
            .map_err(Failure::from),
        },
        Command::LoadProfile { request, sub } => AppEvent::ProfileLoaded {
            request,
            result: profile(b, &sub).await.map_err(Failure::from),
        },
        Command::LoadWho { request, who } => AppEvent::WhoLoaded {
            request,
            result: who_view(b, who).await.map_err(Failure::from),
        },
        Command::LoadUser { request, username } => AppEvent::UserLoaded {
            request,
            result: user_detail(b, &username).await.map_err(Failure::from),
        },
        Command::LoadAudit {
            request,
            filter,
            cursor,
        } => AppEvent::AuditLoaded {
            request,
            result: async {
                let filter = b.audit_filter(&filter).await;
                b.content()?
                    .list_audit(&filter, page(cursor, PAGE_SIZE))
                    .await
            }
            .await
            .map_err(Failure::from),
        },
        Command::Write {
            request,
            operation,
            reason,
        } => {
            // A long write's steps, sent as it goes, at most five times a second and never
            // holding the write up (a full channel drops one).
            let last = std::sync::Mutex::new(None::<std::time::Instant>);
            let progress = |taken: usize, of: usize| {
                let mut last = last
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                if last.is_some_and(|at| at.elapsed() < std::time::Duration::from_millis(200))
                    && taken < of
                {
                    return;
                }
                *last = Some(std::time::Instant::now());
                let _ = events.try_send(AppEvent::WriteProgress { request, taken, of });
            };
            let (result, changed) =
                match crate::ops::perform_reporting(b, operation, &reason, &progress).await {
                    Ok(done) => (Ok(done.summary), true),
                    Err(mut partial) => {
                        let changed = partial.changed_anything();
                        // Part was done: said so, unless the failure's own cause has
                        // advice of its own (settings to mend, a row to mend).
                        if !partial.records.is_empty()
                            && partial.failure.cause == crate::app::Cause::Other
                        {
                            partial.failure.cause = crate::app::Cause::Partly;
                        }
                        (Err(partial.failure), changed)
                    }
                };
            AppEvent::WriteDone {
                request,
                result,
                changed,
            }
        }
        Command::Storage(c) => storage::run(c, b, context, events).await,
        Command::Logs(command) => AppEvent::Logs(logs::run(command, b, events).await),
        Command::Insights(command) => AppEvent::Insights(insights::run(command, b, events).await),
        Command::Metrics(command) => AppEvent::Metrics(insights::run_metrics(command, b).await),
        Command::Export(job) => AppEvent::Export(export::run(job, b, events).await),
    }
}

/// One page of a Users search: Cognito's filter, or plain text across every field (and the
/// profile rows' names, where the environment has a database).
/// A page of users, and why the profile rows were not searched where they could not be (the
/// directory's matches are still listed).
pub async fn find_users(
    b: &Backends,
    search: &UserSearch,
    page: PageRequest,
) -> Result<people::Searched, DomainError> {
    let directory = b.directory()?;
    match search {
        UserSearch::Query(query) => Ok(people::Searched {
            page: directory.list_users(query, page).await?.map(Found::plain),
            unsearched: None,
        }),
        UserSearch::Text(text) => people::search(directory, b.content.as_deref(), text, page).await,
    }
}

/// Most names a batch looks up in the directory for subs without a profile name (one call each).
const DIRECTORY_NAME_LOOKUPS: usize = 20;

/// The names people know these subs by: the profile row's display name, else its e-mail, else
/// the directory's name or e-mail. Subs nobody names are left out.
async fn names_of(b: &Backends, subs: &[UserSub]) -> Result<Vec<(UserSub, String)>, DomainError> {
    let mut named = Vec::new();
    if let Some(content) = b.content.as_deref() {
        for chunk in subs.chunks(500) {
            for p in content.get_profiles(chunk).await? {
                let name = p.display_name.filter(|n| !n.trim().is_empty()).or(p.email);
                if let Some(name) = name {
                    named.push((p.sub, name));
                }
            }
        }
    }
    let missing: Vec<UserSub> = subs
        .iter()
        .filter(|s| !named.iter().any(|(n, _)| n == *s))
        .take(DIRECTORY_NAME_LOOKUPS)
        .cloned()
        .collect();
    if let (Some(directory), false) = (b.directory.as_deref(), missing.is_empty()) {
        // The directory down (AWS unreachable) leaves the names the database gave: they were
        // all dropped with it, every author shown by sub.
        let users = match people::users_by_sub(directory, &missing).await {
            Ok(users) => users,
            Err(e) if !named.is_empty() => {
                tracing::warn!(error = %e.chain(), "names: the directory's part could not be read");
                Vec::new()
            }
            Err(e) => return Err(e),
        };
        for user in users {
            let name = user
                .attribute("name")
                .map(str::to_string)
                .or(user.email.clone())
                .unwrap_or_else(|| crate::text::identifier(user.username.as_str()));
            if let Some(sub) = user.sub {
                named.push((sub, name));
            }
        }
    }
    // An account deleted since: no profile row, no user in the pool. Its deletion's closing
    // audit row keeps the username (the Audit pane's rows of a deleted person named no one).
    if let Some(content) = b.content.as_deref() {
        let gone: Vec<UserSub> = subs
            .iter()
            .filter(|s| !named.iter().any(|(n, _)| n == *s))
            .take(DIRECTORY_NAME_LOOKUPS)
            .cloned()
            .collect();
        for sub in gone {
            if let Some(name) = deleted_name(content, &sub).await {
                named.push((sub, name));
            }
        }
    }
    Ok(named)
}

/// `NAME (deleted)` for the sub of an account the console or the command line deleted: the
/// username its `user.delete_account` row keeps (`NAME (deletion begun)` where the deletion
/// stopped part-way). A failure to read leaves it unnamed.
async fn deleted_name(
    content: &dyn backoffice_domain::ports::ContentStore,
    sub: &UserSub,
) -> Option<String> {
    let rows = crate::ops::people::account_rows(content, sub, 20)
        .await
        .ok()?;
    let closing = rows
        .iter()
        .find(|r| r.action == backoffice_domain::model::AuditAction::UserDeleteAccount)?;
    let before: serde_json::Value = serde_json::from_str(closing.before.as_deref()?).ok()?;
    let username = before.get("username")?.as_str()?;
    // A deletion that stopped part-way is said as begun, not done.
    let complete = closing
        .after
        .as_deref()
        .and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok())
        .and_then(|a| a.get("complete")?.as_bool())
        .unwrap_or(true);
    Some(format!(
        "{} ({})",
        crate::text::identifier(username),
        if complete {
            "deleted"
        } else {
            "deletion begun"
        }
    ))
}

/// Comments a thread reads at a time.
pub const THREAD_PAGE: u32 = 200;

async fn thread(b: &Backends, target: ModerationTarget) -> Result<ThreadData, DomainError> {
    let content = b.content()?;
    let post_id = match target {
        ModerationTarget::Post(id) => id,
        ModerationTarget::Comment(id) => content.get_comment(id).await?.post_id,
    };
    let mut thread = content
        .thread(post_id, PageRequest::first(THREAD_PAGE))
        .await?;
    // The reports on the post and on every comment of the page, so that each row's detail
    // says what was reported about it (the comment asked for, too, if further on).
    let mut wanted = vec![Target::Post(post_id)];
    wanted.extend(thread.comments.items.iter().map(|c| Target::Comment(c.id)));
    if let ModerationTarget::Comment(id) = target
        && !wanted.contains(&Target::Comment(id))
    {
        wanted.push(Target::Comment(id));
    }
    // The thread's rows say what was left out, its reports' too.
    let reports = content.reports_on(&wanted).await?;
    thread.comments.left_out.extend(reports.left_out);
    let history = content.post_history(post_id).await?;
    Ok(ThreadData {
        post: thread.post,
        comments: thread.comments,
        reports: reports.items,
        history,
    })
}

/// Sign-in events a user's detail shows.
pub const SIGN_INS_SHOWN: u32 = 10;

async fn user_detail(
    b: &Backends,
    username: &backoffice_domain::model::Username,
) -> Result<UserDetail, DomainError> {
    let directory = b.directory()?;
    let user = directory.get_user(username).await?;
    let groups = directory.groups_of(username).await?;
    // The directory alone still helps when the environment has no database, or it is down:
    // the account is shown, and what could not be read says why.
    let database = async {
        let Some(sub) = &user.sub else {
            return Ok((None, None, None));
        };
        let content = b
            .content
            .as_deref()
            .ok_or_else(|| "no database in this environment".to_string())?;
        let (profile, counts, standing) = tokio::join!(
            content.get_profile(sub),
            content.activity_counts(sub),
            backoffice_domain::services::ban::standing(content, sub)
        );
        let profile = match profile {
            Ok(p) => Some(p),
            Err(DomainError::NotFound(_)) => None,
            Err(e) => return Err(e.to_string()),
        };
        Ok((
            profile,
            Some(counts.map_err(|e| e.to_string())?),
            Some(standing.map_err(|e| e.to_string())?),
        ))
    };
    let (profile, counts, standing, unread) = match database.await {
        Ok((profile, counts, standing)) => (profile, counts, standing, None),
        Err(why) => (None, None, None, Some(why)),
    };
    Ok(UserDetail {
        user,
        groups,
        profile,
        counts,
        standing,
        unread,
    })
}

/// `:who`: the user from every service the environment has, as the view's lines.
async fn who_view(b: &Backends, who: Who) -> Result<Vec<String>, DomainError> {
    use backoffice_domain::services::user360;
    let objects = match (&b.objects, &b.bucket) {
        (Some(o), Some(bucket)) => Some((o.as_ref() as &dyn ObjectStore, bucket)),
        _ => None,
    };
    let logs = b
        .logs
        .as_deref()
        .map(|l| (l as &dyn LogSource, b.log_groups.as_slice()));
    let sources = user360::Sources {
        directory: b.directory()?,
        content: b.content()?,
        objects,
        logs,
        log_window: chrono::Duration::hours(24),
    };
    let view = user360::load(&sources, &who).await?;
    Ok(crate::app::who::render(&view))
}

/// A reported person's sheet and, where they have one, the avatar decoded for the screen (an
/// avatar that cannot be shown says why in its place).
async fn profile(
    b: &Backends,
    sub: &UserSub,
) -> Result<crate::app::posts::ProfileData, DomainError> {
    let sheet = backoffice_domain::services::profiles::sheet(b.content()?, sub).await?;
    let key = sheet
        .profile
        .as_ref()
        .and_then(|p| p.profile_image_key.clone());
    let avatar = match (key, b.objects.as_ref(), b.bucket.as_ref()) {
        (Some(key), Some(_), Some(bucket)) => Some(
            storage::preview(b, bucket, &key)
                .await
                .unwrap_or_else(|e| crate::app::storage::Preview::Nothing(e.to_string())),
        ),
        _ => None,
    };
    Ok(crate::app::posts::ProfileData { sheet, avatar })
}

/// A ban's (or unban's) plan, for a user named in the directory or found by sub.
async fn plan_ban(b: &Backends, subject: BanSubject, unban: bool) -> Result<ban::Plan, Failure> {
    let (directory, content) = (b.directory()?, b.content()?);
    let username = match subject {
        BanSubject::Username(name) => name,
        BanSubject::Sub(sub) => {
            let found = people::users_by_sub(directory, std::slice::from_ref(&sub)).await?;
            match found.into_iter().next() {
                Some(user) => user.username,
                None => {
                    return Err(Failure::new(format!(
                        "no account in the user pool has the sub {sub} (deleted?): a ban acts on an account; hide or remove the content instead"
                    )));
                }
            }
        }
    };
    let plan = if unban {
        ban::plan_unban(directory, content, &username).await
    } else {
        ban::plan_ban(directory, content, &username).await
    };
    plan.map_err(Failure::from)
}

/// Pages of the pool's groups the group dialog reads (Cognito lists 60 a page).
const GROUP_PAGES: usize = 20;

/// The pool's group names, or `None` when it has more than [`GROUP_PAGES`] pages of them (the
/// dialog then takes any name, and Cognito refuses one it does not know).
async fn pool_groups(
    directory: &dyn backoffice_domain::ports::UserDirectory,
) -> Result<Option<Vec<backoffice_domain::model::GroupName>>, DomainError> {
    let mut names = Vec::new();
    let mut cursor = None;
    for _ in 0..GROUP_PAGES {
        let listed = directory.list_groups(page(cursor, 60)).await?;
        names.extend(listed.items.into_iter().map(|g| g.name));
        match listed.next {
            Some(next) => cursor = Some(next),
            None => return Ok(Some(names)),
        }
    }
    Ok(None)
}

/// Reads what a planned write needs and builds its dialog.
async fn plan(b: &Backends, request: RequestId, planning: Planning) -> AppEvent {
    use crate::app::shell;
    match planning {
        Planning::Deletion(username) => AppEvent::Planned {
            request,
            what: "delete",
            result: crate::ops::people::plan_deletion(b, &username)
                .await
                .map(|plan| {
                    let file = std::path::PathBuf::from(crate::ops::people::export_file_name(
                        &username,
                        Some(&plan.sub),
                        chrono::Utc::now(),
                    ));
                    // Named whole in the dialog and the message after: the export holds
                    // personal data, and the folder the console runs in is easy to forget.
                    let file = std::path::absolute(&file).unwrap_or(file);
                    shell::deletion_proposal(plan, file)
                }),
        },
        Planning::Groups {
            username,
            label,
            add,
        } => {
            let what = if add {
                "add to a group"
            } else {
                "remove from a group"
            };
            let read = async {
                let directory = b.directory()?;
                let (member_of, pool) = tokio::try_join!(directory.groups_of(&username), async {
                    if add {
                        pool_groups(directory).await
                    } else {
                        Ok(None)
                    }
                })?;
                let member_of = member_of.into_iter().map(|g| g.name).collect();
                Ok::<_, DomainError>(shell::group_proposal(
                    username, &label, add, member_of, pool,
                ))
            }
            .await;
            match read {
                Ok(Ok(proposal)) => AppEvent::Planned {
                    request,
                    what,
                    result: Ok(proposal),
                },
                // Nothing to leave, or to join: a refusal, said as a message.
                Ok(Err(refused)) => AppEvent::PlanRefused {
                    request,
                    what,
                    message: refused.message,
                },
                Err(e) => AppEvent::Planned {
                    request,
                    what,
                    result: Err(Failure::from(e)),
                },
            }
        }
        Planning::Undo(row) => match crate::ops::people::plan_undo(b, &row).await {
            // Undone already, or changed since: a refusal, said as a message (it was a
            // failure on the status bar, where a sign-out's was a message).
            Err(refused) if refused.refused => AppEvent::PlanRefused {
                request,
                what: "undo",
                message: refused.message,
            },
            result => AppEvent::Planned {
                request,
                what: "undo",
                result: result.map(|op| shell::undo_proposal(&row, op)),
            },
        },
    }
}

#[cfg(test)]
mod group_tests {
    use super::*;
    use crate::app::dialog::Form;
    use backoffice_domain::model::{Actor, Email, GroupName, NewDirectoryUser, Username};
    use backoffice_domain::ports::UserDirectory;
    use backoffice_domain::sandbox::Sandbox;

    /// The group dialog's plan on the sandbox: the user's groups and the pool's, read from
    /// the directory; a user in no group has nothing to leave.
    #[tokio::test]
    async fn a_group_plan_reads_the_users_and_the_pools_groups() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let name = Username::parse("grace").unwrap();
        sandbox
            .directory
            .create_user(&NewDirectoryUser {
                username: name.clone(),
                email: Some(Email::parse("grace@example.com").unwrap()),
                attributes: vec![],
                temporary_password: Some("Temp-Passw0rd!".into()),
                send_invitation: false,
            })
            .await
            .unwrap();
        let existing: Vec<GroupName> = sandbox
            .directory
            .list_groups(PageRequest::first(60))
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|g| g.name)
            .collect();
        let ops = GroupName::parse("ops-team").unwrap();
        let readers = GroupName::parse("readers").unwrap();
        for group in [&ops, &readers] {
            sandbox.directory.create_group(group, None).await.unwrap();
        }
        let backends = Backends::sandbox(&sandbox, Actor::parse("sandbox:test").unwrap());
        let planning = |add| Planning::Groups {
            username: name.clone(),
            label: "grace".into(),
            add,
        };
        let AppEvent::PlanRefused { message, .. } =
            plan(&backends, RequestId(1), planning(false)).await
        else {
            panic!("nothing to leave");
        };
        assert_eq!(message, "grace is in no group");
        sandbox.directory.add_to_group(&name, &ops).await.unwrap();
        let planned = plan(&backends, RequestId(2), planning(true)).await;
        let AppEvent::Planned {
            result: Ok(proposal),
            ..
        } = planned
        else {
            panic!("a proposal: {planned:?}");
        };
        let Form::AddGroup {
            member_of, pool, ..
        } = proposal.form
        else {
            panic!("{:?}", proposal.form);
        };
        assert_eq!(member_of, vec![ops.clone()]);
        let mut expected = existing;
        expected.extend([ops.clone(), readers.clone()]);
        let mut pool = pool.expect("every group listed");
        pool.sort();
        expected.sort();
        assert_eq!(pool, expected);
    }
}

#[cfg(test)]
mod names_tests {
    use super::*;
    use backoffice_domain::adapters::aws::{AwsContext, AwsSettings, CognitoUserDirectory};
    use backoffice_domain::model::{Actor, NewProfile};
    use backoffice_domain::ports::ContentStore;
    use backoffice_domain::sandbox::Sandbox;

    /// With the directory unreachable (AWS down, the database up), the names the profile rows
    /// give are kept: every author was shown by sub.
    #[tokio::test]
    async fn the_databases_names_stay_when_the_directory_is_down() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let named = UserSub::parse("11111111-1111-4111-8111-111111111111").unwrap();
        let unnamed = UserSub::parse("22222222-2222-4222-8222-222222222222").unwrap();
        sandbox
            .content
            .upsert_profile(&NewProfile {
                sub: named.clone(),
                email: None,
                display_name: Some(
                    backoffice_domain::model::DisplayName::parse("Ann Lee").unwrap(),
                ),
            })
            .await
            .unwrap();
        // A closed port, tried once.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let aws = AwsContext::load(&AwsSettings {
            region: Some("us-east-1".into()),
            endpoint_url: Some(format!("http://127.0.0.1:{port}")),
            max_attempts: 1,
            ..AwsSettings::default()
        })
        .await
        .unwrap();
        let mut backends = Backends::sandbox(&sandbox, Actor::parse("sandbox:test").unwrap());
        backends.directory = Some(std::sync::Arc::new(CognitoUserDirectory::new(
            &aws,
            "us-east-1_closed",
        )));
        let names = names_of(&backends, &[named.clone(), unnamed])
            .await
            .unwrap();
        assert_eq!(names, vec![(named, "Ann Lee".to_string())]);
    }

    /// A person whose account was deleted is named by the username the deletion's closing
    /// row keeps (the Audit pane's rows of a deleted account named no one).
    #[tokio::test]
    async fn a_deleted_account_is_named_from_its_deletion_row() {
        use backoffice_domain::model::{AuditAction, AuditKind, NewAuditEntry, Reason};
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let gone = UserSub::parse("33333333-3333-4333-8333-333333333333").unwrap();
        let never = UserSub::parse("44444444-4444-4444-8444-444444444444").unwrap();
        sandbox
            .content
            .record_audit(&NewAuditEntry {
                actor: Actor::parse("sandbox:test").unwrap(),
                action: AuditAction::UserDeleteAccount,
                target_kind: AuditKind::User,
                target_id: gone.to_string(),
                reason: Some(Reason::parse("asked to leave").unwrap()),
                before: Some(r#"{"username": "аnna"}"#.into()),
                after: None,
            })
            .await
            .unwrap();
        let backends = Backends::sandbox(&sandbox, Actor::parse("sandbox:test").unwrap());
        let names = names_of(&backends, &[gone.clone(), never]).await.unwrap();
        assert_eq!(names, vec![(gone, "<U+0430>nna (deleted)".to_string())]);
        // One that stopped part-way is said as begun.
        let stopped = UserSub::parse("55555555-5555-4555-8555-555555555555").unwrap();
        sandbox
            .content
            .record_audit(&NewAuditEntry {
                actor: Actor::parse("sandbox:test").unwrap(),
                action: AuditAction::UserDeleteAccount,
                target_kind: AuditKind::User,
                target_id: stopped.to_string(),
                reason: Some(Reason::parse("asked to leave").unwrap()),
                before: Some(r#"{"username": "bo"}"#.into()),
                after: Some(r#"{"complete": false}"#.into()),
            })
            .await
            .unwrap();
        let names = names_of(&backends, std::slice::from_ref(&stopped))
            .await
            .unwrap();
        assert_eq!(names, vec![(stopped, "bo (deletion begun)".to_string())]);
    }
}

#[cfg(test)]
mod who_tests {
    use super::*;
    use crate::app::RequestId;
    use backoffice_domain::model::{Actor, PageRequest as Pr, PostFilter};
    use backoffice_domain::ports::ContentStore;
    use backoffice_domain::sandbox::{Sandbox, SeedOptions};

    /// `:who` through the executor on a seeded sandbox: every part comes from its service.
    #[tokio::test]
    async fn who_gathers_a_seeded_user_from_every_service() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let options = SeedOptions {
            users: 30,
            posts: 100,
            comments: 200,
            reports: 10,
            post_images: 4,
            profile_images: 4,
            invocations: 100,
            ..SeedOptions::default()
        };
        sandbox.seed(&options, &|_| {}).await.unwrap();
        let backends = Backends::sandbox(&sandbox, Actor::parse("sandbox:test").unwrap());
        let author = sandbox
            .content
            .list_posts(&PostFilter::default(), Pr::first(1))
            .await
            .unwrap()
            .items[0]
            .author_sub
            .clone();
        let (tx, _rx) = mpsc::channel(8);
        let event = run(
            Command::LoadWho {
                request: RequestId(9),
                who: Who::Sub(author.clone()),
            },
            &backends,
            &crate::app::test_context(),
            &tx,
        )
        .await;
        let AppEvent::WhoLoaded { request, result } = event else {
            panic!("a :who answer");
        };
        assert_eq!(request, RequestId(9));
        let lines = result.unwrap();
        let text = lines.join("\n");
        assert!(text.contains(&format!("sub {author}")), "{text}");
        for heading in [
            "Groups",
            "Activity",
            "Latest posts",
            "Objects under profiles/",
            "Recent log lines",
        ] {
            assert!(
                lines.iter().any(|l| l.starts_with(heading)),
                "{heading} missing:\n{text}"
            );
        }
        assert!(!text.contains("unavailable"), "{text}");
    }
}

#[cfg(test)]
mod thread_tests {
    use super::*;
    use crate::app::RequestId;
    use backoffice_domain::model::{
        Actor, CommentBody, NewComment, NewPost, NewReport, PostBody, Reason, Report,
    };
    use backoffice_domain::ports::ContentStore;
    use backoffice_domain::sandbox::Sandbox;

    fn on(reports: &[Report], target: Target) -> usize {
        reports.iter().filter(|r| r.target == target).count()
    }

    /// A thread brings the reports on its post and on every comment it shows, whichever row
    /// it was opened from; the next page of comments brings theirs.
    #[tokio::test]
    async fn a_thread_brings_the_reports_on_every_comment_it_shows() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let content = &sandbox.content;
        let author = UserSub::parse("00000000-0000-4000-8000-000000000001").unwrap();
        let reporter = UserSub::parse("00000000-0000-4000-8000-000000000002").unwrap();
        let post = content
            .create_post(&NewPost {
                author_sub: author.clone(),
                body: PostBody::parse("a post").unwrap(),
                image_key: None,
            })
            .await
            .unwrap();
        let mut comments = Vec::new();
        for i in 0..(THREAD_PAGE + 2) {
            let c = content
                .create_comment(&NewComment {
                    post_id: post.id,
                    author_sub: author.clone(),
                    body: CommentBody::parse(format!("comment {i}")).unwrap(),
                })
                .await
                .unwrap();
            comments.push(c.id);
        }
        // The second comment (first page) and the last (second page) are reported.
        for target in [
            Target::Comment(comments[1]),
            Target::Comment(comments[THREAD_PAGE as usize + 1]),
        ] {
            content
                .file_report(&NewReport {
                    target,
                    reporter_sub: reporter.clone(),
                    reason: Reason::parse("spam").unwrap(),
                    note: None,
                })
                .await
                .unwrap();
        }
        let backends = Backends::sandbox(&sandbox, Actor::parse("sandbox:test").unwrap());
        let (tx, _rx) = mpsc::channel(8);
        let context = crate::app::test_context();
        // Opened from the post, not from the reported comment.
        let event = run(
            Command::LoadThread {
                request: RequestId(1),
                target: ModerationTarget::Post(post.id),
            },
            &backends,
            &context,
            &tx,
        )
        .await;
        let AppEvent::ThreadLoaded { result, .. } = event else {
            panic!("a thread");
        };
        let data = result.unwrap();
        assert_eq!(on(&data.reports, Target::Comment(comments[1])), 1);
        assert_eq!(data.reports.len(), 1, "{:?}", data.reports);
        let cursor = data.comments.next.expect("a second page");
        let event = run(
            Command::LoadComments {
                request: RequestId(2),
                post: post.id,
                cursor,
            },
            &backends,
            &context,
            &tx,
        )
        .await;
        let AppEvent::CommentsLoaded { result, .. } = event else {
            panic!("comments");
        };
        let (page, reports) = result.unwrap();
        assert_eq!(page.items.len(), 2);
        let last = Target::Comment(comments[THREAD_PAGE as usize + 1]);
        assert_eq!((on(&reports, last), reports.len()), (1, 1));
    }
}

#[cfg(test)]
mod author_tests {
    use super::*;
    use crate::app::RequestId;
    use backoffice_domain::model::{Actor, Email, NewDirectoryUser, Username};
    use backoffice_domain::ports::UserDirectory;
    use backoffice_domain::sandbox::Sandbox;

    /// A posts filter's author named by e-mail or username is found in the directory; one no
    /// one has is said not found.
    #[tokio::test]
    async fn an_author_is_found_by_e_mail_or_username() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let sub = sandbox
            .directory
            .create_user(&NewDirectoryUser {
                username: Username::parse("ann").unwrap(),
                email: Some(Email::parse("ann@example.com").unwrap()),
                attributes: vec![],
                temporary_password: Some("Temp-Passw0rd!".into()),
                send_invitation: false,
            })
            .await
            .unwrap()
            .sub
            .unwrap();
        let backends = Backends::sandbox(&sandbox, Actor::parse("sandbox:test").unwrap());
        let (tx, _rx) = mpsc::channel(8);
        let context = crate::app::test_context();
        for who in ["ann@example.com", "ann", "nobody@example.com"] {
            let event = run(
                Command::FindAuthor {
                    request: RequestId(1),
                    who: who.into(),
                },
                &backends,
                &context,
                &tx,
            )
            .await;
            let AppEvent::AuthorFound { result, .. } = event else {
                panic!("an author");
            };
            match who {
                "nobody@example.com" => {
                    let failure = result.unwrap_err();
                    assert!(failure.message.contains("not found"), "{}", failure.message);
                }
                _ => assert_eq!(result.unwrap(), sub, "{who}"),
            }
        }
    }
}

#[cfg(test)]
mod ban_tests {
    use super::*;
    use crate::app::RequestId;
    use backoffice_domain::adapters::faulty::{FaultyContentStore, database_unavailable};
    use backoffice_domain::model::{
        Actor, AuditFilter, ContentStatus, Email, NewDirectoryUser, NewPost, PageRequest as Pr,
        PostBody, PostFilter, Username,
    };
    use backoffice_domain::ports::{ContentStore, UserDirectory};
    use backoffice_domain::sandbox::Sandbox;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A ban through the executor that loses the database after its first hide: the result
    /// says what was done and what was not, and the audit log holds exactly the done steps.
    #[tokio::test]
    async fn a_ban_failing_in_the_middle_reports_done_and_not_done_and_the_audit_log_agrees() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let name = Username::parse("mallory").unwrap();
        let sub = sandbox
            .directory
            .create_user(&NewDirectoryUser {
                username: name.clone(),
                email: Some(Email::parse("mallory@example.com").unwrap()),
                attributes: vec![],
                temporary_password: Some("Temp-Passw0rd!".into()),
                send_invitation: false,
            })
            .await
            .unwrap()
            .sub
            .unwrap();
        for n in 0..3 {
            sandbox
                .content
                .create_post(&NewPost {
                    author_sub: sub.clone(),
                    body: PostBody::parse(format!("spam {n}")).unwrap(),
                    image_key: None,
                })
                .await
                .unwrap();
        }
        let moderations = Arc::new(AtomicUsize::new(0));
        let seen = moderations.clone();
        let faulty = FaultyContentStore::new(
            Arc::new(sandbox.content.clone()),
            Arc::new(move |call| {
                (call == "moderate" && seen.fetch_add(1, Ordering::SeqCst) >= 1)
                    .then(|| database_unavailable(call))
            }),
        );
        let backends = Backends {
            content: Some(Arc::new(faulty)),
            directory: Some(Arc::new(sandbox.directory.clone())),
            objects: None,
            bucket: None,
            logs: None,
            log_groups: Vec::new(),
            insights: None,
            metrics: None,
            functions: Vec::new(),
            identity: Actor::parse("sandbox:test").unwrap().into(),
            database: None,
            environment: "sandbox".into(),
            throttles: None,
        };
        let (tx, mut rx) = mpsc::channel(8);
        // Planned by sub, as from the Posts pane: the directory's name is found for it.
        let nobody = UserSub::parse("00000000-0000-4000-8000-00000000dead").unwrap();
        let unknown = run(
            Command::PlanBan {
                request: RequestId(1),
                subject: BanSubject::Sub(nobody),
                unban: false,
            },
            &backends,
            &crate::app::test_context(),
            &tx,
        )
        .await;
        let AppEvent::BanPlanned {
            result: Err(failure),
            ..
        } = unknown
        else {
            panic!("no plan for a sub the pool does not know: {unknown:?}");
        };
        assert!(
            failure.message.starts_with(
                "no account in the user pool has the sub 00000000-0000-4000-8000-00000000dead"
            ),
            "{failure:?}"
        );
        let planned = run(
            Command::PlanBan {
                request: RequestId(1),
                subject: BanSubject::Sub(sub.clone()),
                unban: false,
            },
            &backends,
            &crate::app::test_context(),
            &tx,
        )
        .await;
        let AppEvent::BanPlanned {
            result: Ok(plan), ..
        } = planned
        else {
            panic!("a plan");
        };
        assert_eq!(plan.username, name, "found by sub");
        assert_eq!(
            plan.steps.len(),
            3 + 3 + 1,
            "block, disable, sign out, 3 hides, sweep"
        );
        let done = run(
            Command::Write {
                request: RequestId(2),
                operation: crate::ops::Operation::Ban(Box::new(plan)),
                reason: backoffice_domain::model::Reason::parse("spam wave").unwrap(),
            },
            &backends,
            &crate::app::test_context(),
            &tx,
        )
        .await;
        let AppEvent::WriteDone {
            result: Err(failure),
            ..
        } = done
        else {
            panic!("the ban stops with a failure");
        };
        assert!(
            failure.message.contains("4 calls were done"),
            "{}",
            failure.message
        );
        assert!(
            failure.message.contains("2 were not"),
            "{}",
            failure.message
        );
        assert!(
            failure.chain.contains("not done: hide post"),
            "{}",
            failure.chain
        );
        // It said how far it had got as it went (the status bar said "1 pending" for seconds).
        let mut said = Vec::new();
        while let Ok(event) = rx.try_recv() {
            if let AppEvent::WriteProgress { request, taken, of } = event {
                said.push((request, taken, of));
            }
        }
        assert_eq!(said.first(), Some(&(RequestId(2), 1, 7)), "{said:?}");
        // The directory and the database agree with what the message says.
        assert!(!sandbox.directory.get_user(&name).await.unwrap().enabled);
        let hidden = sandbox
            .content
            .list_posts(
                &PostFilter {
                    status: Some(ContentStatus::Hidden),
                    ..PostFilter::default()
                },
                Pr::first(10),
            )
            .await
            .unwrap();
        assert_eq!(hidden.items.len(), 1);
        let audit = sandbox
            .content
            .list_audit(&AuditFilter::default(), Pr::first(20))
            .await
            .unwrap();
        let actions: Vec<&str> = audit.items.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(
            actions
                .iter()
                .filter(|a| a.starts_with("user.disable") || a.starts_with("user.global_sign_out"))
                .count(),
            2,
            "{actions:?}"
        );
        assert_eq!(
            actions.iter().filter(|a| **a == "post.hide").count(),
            1,
            "{actions:?}"
        );
        assert!(
            actions.contains(&"user.ban"),
            "the closing row is written: {actions:?}"
        );
    }
}

#[cfg(test)]
mod guard_tests;
