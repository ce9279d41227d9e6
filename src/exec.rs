//! Runs the app's commands as background tasks against the environment's backends; each sends
//! back one event carrying its request id (a download also sends its progress on the way; a log
//! feed sends batches before its last event, see [`logs`]).

mod logs;
mod storage;

use crate::app::posts::ThreadData;
use crate::app::users::USERS_PAGE;
use crate::app::{AppEvent, Command, Failure, PAGE_SIZE, UserDetail, Write};
use backoffice_domain::DomainError;
use backoffice_domain::adapters::aws::ThrottleMeter;
use backoffice_domain::model::{
    Actor, BucketName, LogGroupName, ModerationTarget, PageRequest, Reason, ReportFilter, Target,
};
use backoffice_domain::ports::{ContentStore, LogSource, ObjectStore, UserDirectory};
use backoffice_domain::services::{accounts, moderation};
use std::sync::Arc;
use tokio::sync::mpsc;

/// What the console talks to in the open environment.
#[derive(Clone)]
pub struct Backends {
    /// The service's database; `None` when the environment names none.
    pub content: Option<Arc<dyn ContentStore>>,
    /// The user pool; `None` when the environment names none.
    pub directory: Option<Arc<dyn UserDirectory>>,
    /// Object storage (S3, or the sandbox's folder).
    pub objects: Option<Arc<dyn ObjectStore>>,
    /// The environment's media bucket, opened first in the Storage pane.
    pub bucket: Option<BucketName>,
    /// Log groups and their events (CloudWatch Logs, or the sandbox's log store).
    pub logs: Option<Arc<dyn LogSource>>,
    /// The environment's log groups, offered first in the Logs pane.
    pub log_groups: Vec<LogGroupName>,
    /// Written to every audit row.
    pub actor: Actor,
    pub environment: String,
    /// Throttling the AWS clients met (and retried); `None` off AWS.
    pub throttles: Option<ThrottleMeter>,
}

impl Backends {
    fn content(&self) -> Result<&dyn ContentStore, DomainError> {
        self.content.as_deref().ok_or_else(|| {
            DomainError::Unsupported(format!(
                "environment {} has no database_url in config.toml",
                self.environment
            ))
        })
    }

    fn directory(&self) -> Result<&dyn UserDirectory, DomainError> {
        self.directory.as_deref().ok_or_else(|| {
            DomainError::Unsupported(format!(
                "environment {} has no user_pool_id in config.toml",
                self.environment
            ))
        })
    }
}

pub fn execute(command: Command, backends: Backends, events: mpsc::Sender<AppEvent>) {
    tokio::spawn(async move {
        let event = run(command, &backends, &events).await;
        // The loop has ended when the receiver is gone; the result is no longer wanted.
        let _ = events.send(event).await;
    });
}

fn page(cursor: Option<backoffice_domain::model::Cursor>, limit: u32) -> PageRequest {
    PageRequest {
        cursor,
        limit: Some(limit),
    }
}

async fn run(command: Command, b: &Backends, events: &mpsc::Sender<AppEvent>) -> AppEvent {
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
        Command::LoadQueue { request, cursor } => AppEvent::QueueLoaded {
            request,
            result: async { b.content()?.report_queue(page(cursor, PAGE_SIZE)).await }
                .await
                .map_err(Failure::from),
        },
        Command::LoadThread { request, target } => AppEvent::ThreadLoaded {
            request,
            result: thread(b, target).await.map_err(Failure::from),
        },
        Command::LoadUsers {
            request,
            query,
            cursor,
        } => AppEvent::UsersLoaded {
            request,
            result: async {
                b.directory()?
                    .list_users(&query, page(cursor, USERS_PAGE))
                    .await
            }
            .await
            .map_err(Failure::from),
        },
        Command::PlanBan {
            request,
            username,
            unban,
        } => AppEvent::BanPlanned {
            request,
            result: async {
                let (directory, content) = (b.directory()?, b.content()?);
                if unban {
                    backoffice_domain::services::ban::plan_unban(directory, content, &username)
                        .await
                } else {
                    backoffice_domain::services::ban::plan_ban(directory, content, &username).await
                }
            }
            .await
            .map_err(Failure::from),
        },
        Command::LoadWho { request, who } => AppEvent::WhoLoaded {
            request,
            result: who_view(b, &who).await.map_err(Failure::from),
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
                b.content()?
                    .list_audit(&filter, page(cursor, PAGE_SIZE))
                    .await
            }
            .await
            .map_err(Failure::from),
        },
        Command::Write {
            request,
            write,
            reason,
        } => AppEvent::WriteDone {
            request,
            result: perform(b, write, &reason).await,
        },
        Command::Storage(c) => storage::run(c, b, events).await,
        Command::Logs(command) => AppEvent::Logs(logs::run(command, b, events).await),
    }
}

async fn thread(b: &Backends, target: ModerationTarget) -> Result<ThreadData, DomainError> {
    let content = b.content()?;
    let post_id = match target {
        ModerationTarget::Post(id) => id,
        ModerationTarget::Comment(id) => content.get_comment(id).await?.post_id,
    };
    let thread = content.thread(post_id, PageRequest::first(200)).await?;
    let mut reports = Vec::new();
    let mut wanted = vec![Target::Post(post_id)];
    if let ModerationTarget::Comment(id) = target {
        wanted.push(Target::Comment(id));
    }
    for t in wanted {
        let filter = ReportFilter {
            target: Some(t),
            ..ReportFilter::default()
        };
        reports.extend(
            content
                .list_reports(&filter, PageRequest::first(100))
                .await?
                .items,
        );
    }
    Ok(ThreadData {
        post: thread.post,
        comments: thread.comments,
        reports,
    })
}

async fn user_detail(
    b: &Backends,
    username: &backoffice_domain::model::Username,
) -> Result<UserDetail, DomainError> {
    let directory = b.directory()?;
    let user = directory.get_user(username).await?;
    let groups = directory.groups_of(username).await?;
    let (profile, counts) = match &user.sub {
        Some(sub) => {
            // The directory alone still helps when the environment has no database.
            match b.content() {
                Ok(content) => {
                    let profile = match content.get_profile(sub).await {
                        Ok(p) => Some(p),
                        Err(DomainError::NotFound(_)) => None,
                        Err(e) => return Err(e),
                    };
                    (profile, Some(content.activity_counts(sub).await?))
                }
                Err(_) => (None, None),
            }
        }
        None => (None, None),
    };
    Ok(UserDetail {
        user,
        groups,
        profile,
        counts,
    })
}

async fn perform(b: &Backends, write: Write, reason: &str) -> Result<String, Failure> {
    let reason = Reason::parse(reason).map_err(|e| Failure::from(DomainError::from(e)))?;
    match write {
        Write::Moderate { targets, action } => {
            let moderations: Vec<_> = targets
                .iter()
                .map(|t| backoffice_domain::model::Moderation {
                    target: *t,
                    action,
                    actor: b.actor.clone(),
                    reason: reason.clone(),
                })
                .collect();
            let results = b.content()?.moderate_many(&moderations).await;
            let failed: Vec<String> = results
                .iter()
                .zip(&targets)
                .filter_map(|(r, t)| r.as_ref().err().map(|e| format!("{t:?}: {e}")))
                .collect();
            let done = results.len() - failed.len();
            // The first cause, in the status bar: "MySQL is unavailable" says what to wait for.
            let cause = results.iter().find_map(|r| r.as_ref().err());
            if let Some(cause) = cause {
                Err(Failure {
                    message: format!(
                        "{}: {done} done, {} failed: {cause}",
                        action.as_str(),
                        failed.len()
                    ),
                    chain: failed.join("; "),
                })
            } else {
                Ok(format!("{}: {done} done, audited", action.as_str()))
            }
        }
        Write::ResolveReports {
            targets,
            resolution,
        } => {
            let mut closed = 0;
            for t in &targets {
                closed +=
                    moderation::resolve_all_open(b.content()?, t, resolution, &b.actor, &reason)
                        .await
                        .map_err(|e| Failure {
                            message: format!("{closed} report(s) closed, then: {e}"),
                            chain: e.chain(),
                        })?
                        .len();
            }
            Ok(format!(
                "{closed} report(s) {}, audited",
                resolution.status().as_str()
            ))
        }
        Write::Account { username, action } => {
            accounts::perform(
                b.directory()?,
                b.content()?,
                &username,
                &action,
                &b.actor,
                &reason,
            )
            .await
            .map_err(Failure::from)?;
            Ok(format!("{} {username}: done, audited", action.audit_name()))
        }
        Write::Storage(w) => storage::perform(b, w, &reason).await,
        Write::Ban(plan) => {
            let verb = if plan.reverses.is_some() {
                "unban"
            } else {
                "ban"
            };
            let outcome = backoffice_domain::services::ban::run(
                b.directory()?,
                b.content()?,
                &plan,
                &b.actor,
                &reason,
            )
            .await;
            match outcome.failed {
                None => Ok(format!(
                    "{verb} {}: {} calls done{}, audited",
                    plan.username,
                    outcome.done.len(),
                    if outcome.skipped.is_empty() {
                        String::new()
                    } else {
                        format!(", {} left alone (changed since)", outcome.skipped.len())
                    }
                )),
                Some((step, e)) => {
                    let done: Vec<String> =
                        outcome.done.iter().map(|s| format!("done: {s}")).collect();
                    let not_done: Vec<String> = outcome
                        .not_done
                        .iter()
                        .map(|s| format!("not done: {s}"))
                        .collect();
                    Err(Failure {
                        message: format!(
                            "{verb} {} stopped at {step}: {e}; {} calls were done (audited), {} were not",
                            plan.username,
                            outcome.done.len(),
                            outcome.not_done.len()
                        ),
                        chain: [
                            vec![format!("failed: {step}: {}", e.chain())],
                            done,
                            not_done,
                        ]
                        .concat()
                        .join("\n"),
                    })
                }
            }
        }
    }
}

/// `:who`: the user from every service the environment has, as the view's lines.
async fn who_view(b: &Backends, who: &str) -> Result<Vec<String>, DomainError> {
    use backoffice_domain::services::user360;
    let who = user360::Who::parse(who)?;
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

#[cfg(test)]
mod who_tests {
    use super::*;
    use crate::app::RequestId;
    use backoffice_domain::model::{PageRequest as Pr, PostFilter};
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
        let backends = Backends {
            content: Some(Arc::new(sandbox.content.clone())),
            directory: Some(Arc::new(sandbox.directory.clone())),
            objects: Some(Arc::new(sandbox.objects.clone())),
            bucket: Some(Sandbox::bucket()),
            logs: Some(Arc::new(sandbox.logs.clone())),
            log_groups: Sandbox::log_groups(),
            actor: Actor::parse("sandbox:test").unwrap(),
            environment: "sandbox".into(),
            throttles: None,
        };
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
                who: author.to_string(),
            },
            &backends,
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
mod ban_tests {
    use super::*;
    use crate::app::RequestId;
    use backoffice_domain::adapters::faulty::{FaultyContentStore, database_unavailable};
    use backoffice_domain::model::{
        AuditFilter, ContentStatus, Email, NewDirectoryUser, NewPost, PageRequest as Pr, PostBody,
        PostFilter, Username,
    };
    use backoffice_domain::sandbox::Sandbox;
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
            actor: Actor::parse("sandbox:test").unwrap(),
            environment: "sandbox".into(),
            throttles: None,
        };
        let (tx, _rx) = mpsc::channel(8);
        let planned = run(
            Command::PlanBan {
                request: RequestId(1),
                username: name.clone(),
                unban: false,
            },
            &backends,
            &tx,
        )
        .await;
        let AppEvent::BanPlanned {
            result: Ok(plan), ..
        } = planned
        else {
            panic!("a plan");
        };
        assert_eq!(plan.steps.len(), 2 + 3);
        let done = run(
            Command::Write {
                request: RequestId(2),
                write: Write::Ban(Box::new(plan)),
                reason: "spam wave".into(),
            },
            &backends,
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
            failure.message.contains("3 calls were done"),
            "{}",
            failure.message
        );
        assert!(
            failure.message.contains("1 were not"),
            "{}",
            failure.message
        );
        assert!(
            failure.chain.contains("not done: hide post"),
            "{}",
            failure.chain
        );
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
