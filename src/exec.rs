//! Runs the app's commands as background tasks against the environment's backends; each sends
//! back one event carrying its request id (a download also sends its progress on the way; a log
//! feed sends batches before its last event, see [`logs`]).

mod logs;
mod storage;

use crate::app::posts::ThreadData;
use crate::app::users::USERS_PAGE;
use crate::app::{AppEvent, Command, Failure, PAGE_SIZE, UserDetail, Write};
use backoffice_domain::DomainError;
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
            if failed.is_empty() {
                Ok(format!("{}: {done} done, audited", action.as_str()))
            } else {
                Err(Failure {
                    message: format!("{}: {done} done, {} failed", action.as_str(), failed.len()),
                    chain: failed.join("; "),
                })
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
