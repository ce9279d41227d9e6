//! Account deletion, profile clearing and undo through the operations layer (and the
//! executor), on the embedded sandbox: what the result says, what the stores hold after, and
//! what the audit log recorded agree.

use super::{Backends, Operation, perform};
use crate::app::{AppEvent, Command, Planning, RequestId};
use backoffice_domain::DomainError;
use backoffice_domain::adapters::faulty::{FaultyContentStore, database_unavailable};
use backoffice_domain::model::*;
use backoffice_domain::ports::{ContentStore, ObjectStore, UserDirectory};
use backoffice_domain::sandbox::Sandbox;
use backoffice_domain::services::accounts::AccountAction;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

struct World {
    _dir: tempfile::TempDir,
    sandbox: Sandbox,
    backends: Backends,
    name: Username,
    sub: UserSub,
    posts: Vec<PostId>,
    comments: Vec<CommentId>,
    /// Someone else, whose things must be left alone.
    other: UserSub,
}

/// A plan whose sweep does not wait out the API's block cache (nothing caches here).
fn quick(
    mut plan: backoffice_domain::services::erase::Plan,
) -> backoffice_domain::services::erase::Plan {
    plan.settle = std::time::Duration::ZERO;
    plan
}

fn reason(text: &str) -> Reason {
    Reason::parse(text).unwrap()
}

async fn user(sandbox: &Sandbox, name: &str) -> UserSub {
    let sub = sandbox
        .directory
        .create_user(&NewDirectoryUser {
            username: Username::parse(name).unwrap(),
            email: Some(Email::parse(format!("{name}@example.com")).unwrap()),
            attributes: vec![],
            temporary_password: Some("Temp-Passw0rd!".into()),
            send_invitation: false,
        })
        .await
        .unwrap()
        .sub
        .unwrap();
    sandbox
        .content
        .upsert_profile(&NewProfile {
            sub: sub.clone(),
            email: Some(Email::parse(format!("{name}@example.com")).unwrap()),
            display_name: Some(DisplayName::parse(format!("«{name}» שלום 🎉")).unwrap()),
        })
        .await
        .unwrap();
    sub
}

async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::open(dir.path()).await.unwrap();
    let name = Username::parse("leaving").unwrap();
    let sub = user(&sandbox, "leaving").await;
    let other = user(&sandbox, "staying").await;
    let c = &sandbox.content;
    let mut posts = Vec::new();
    for n in 0..3 {
        let p = c
            .create_post(&NewPost {
                author_sub: sub.clone(),
                body: PostBody::parse(format!("post {n} with 'quotes' and \u{202e}RTL")).unwrap(),
                image_key: None,
            })
            .await
            .unwrap();
        posts.push(p.id);
    }
    let theirs = c
        .create_post(&NewPost {
            author_sub: other.clone(),
            body: PostBody::parse("someone else's").unwrap(),
            image_key: None,
        })
        .await
        .unwrap();
    let mut comments = Vec::new();
    for on in [posts[0], theirs.id] {
        let k = c
            .create_comment(&NewComment {
                post_id: on,
                author_sub: sub.clone(),
                body: CommentBody::parse("a comment").unwrap(),
            })
            .await
            .unwrap();
        comments.push(k.id);
    }
    for target in [Target::User(sub.clone()), Target::Post(posts[1])] {
        c.file_report(&NewReport {
            target,
            reporter_sub: other.clone(),
            reason: reason("harassment"),
            note: None,
        })
        .await
        .unwrap();
    }
    let bucket = Sandbox::bucket();
    for key in [
        format!("profiles/{sub}/avatar.png"),
        format!("posts/{sub}/one.png"),
        format!("thumbs/160/posts/{sub}/one.png"),
        format!("posts/{other}/theirs.png"),
        format!("thumbs/160/posts/{other}/theirs.png"),
    ] {
        sandbox
            .objects
            .put(
                &bucket,
                &ObjectKey::parse(key).unwrap(),
                b"\x89PNG".to_vec(),
                "image/png",
                &BTreeMap::new(),
            )
            .await
            .unwrap();
    }
    let backends = Backends::sandbox(&sandbox, Actor::parse("sandbox:test").unwrap());
    World {
        _dir: dir,
        sandbox,
        backends,
        name,
        sub,
        posts,
        comments,
        other,
    }
}

async fn keys(w: &World) -> Vec<String> {
    let bucket = Sandbox::bucket();
    let listed = all_pages(1000, |page| w.sandbox.objects.list(&bucket, "", None, page))
        .await
        .unwrap();
    listed.iter().map(|e| e.name().to_string()).collect()
}

/// The audit log's newest row.
async fn newest_row(w: &World) -> AuditEntry {
    w.sandbox
        .content
        .list_audit(&AuditFilter::default(), PageRequest::first(1))
        .await
        .unwrap()
        .items
        .remove(0)
}

async fn actions(content: &dyn ContentStore) -> Vec<String> {
    let rows = content
        .list_audit(&AuditFilter::default(), PageRequest::first(200))
        .await
        .unwrap();
    rows.items
        .iter()
        .map(|r| r.action.as_str().to_string())
        .collect()
}

#[tokio::test]
async fn a_deletion_exports_first_then_removes_every_trace_and_leaves_others_alone() {
    let w = world().await;
    let plan = quick(
        super::people::plan_deletion(&w.backends, &w.name)
            .await
            .unwrap(),
    );
    let lines = backoffice_domain::services::erase::describe(&plan.steps).join("\n");
    for expected in [
        "remove 3 posts",
        "remove 2 comments",
        "close 2 open reports",
        "delete 3 objects",
        "AdminDeleteUser",
    ] {
        assert!(lines.contains(expected), "{expected} in:\n{lines}");
    }
    let export = w._dir.path().join("export.json");
    let done = perform(
        &w.backends,
        Operation::DeleteAccount {
            plan: Box::new(plan),
            export: Some(export.clone()),
        },
        &reason("user asked to be removed"),
    )
    .await
    .unwrap();
    assert!(
        done.summary.contains("their data is in"),
        "{}",
        done.summary
    );

    // The export holds what was there before.
    let exported: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&export).unwrap()).unwrap();
    assert_eq!(exported["posts"].as_array().unwrap().len(), 3);
    assert_eq!(exported["comments"].as_array().unwrap().len(), 2);
    assert_eq!(exported["objects"].as_array().unwrap().len(), 3);
    assert_eq!(
        exported["profile"]["displayName"].as_str(),
        Some("«leaving» שלום 🎉")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&export).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the export is its owner's alone: {mode:o}");
    }

    let c = &w.sandbox.content;
    for id in &w.posts {
        assert_eq!(
            c.get_post(*id).await.unwrap().status,
            ContentStatus::Removed
        );
    }
    for id in &w.comments {
        assert_eq!(
            c.get_comment(*id).await.unwrap().status,
            ContentStatus::Removed
        );
    }
    let open = c
        .list_reports(
            &ReportFilter {
                status: Some(ReportStatus::Open),
                ..ReportFilter::default()
            },
            PageRequest::first(10),
        )
        .await
        .unwrap();
    assert!(open.items.is_empty(), "{:?}", open.items);
    assert!(matches!(
        c.get_profile(&w.sub).await,
        Err(DomainError::NotFound(_))
    ));
    assert!(c.is_blocked(&w.sub).await.unwrap());
    assert!(matches!(
        w.sandbox.directory.get_user(&w.name).await,
        Err(DomainError::NotFound(_))
    ));
    let left = keys(&w).await;
    assert_eq!(
        left,
        [
            format!("posts/{}/theirs.png", w.other),
            format!("thumbs/160/posts/{}/theirs.png", w.other),
        ],
        "only the other user's objects stay"
    );
    assert!(c.get_profile(&w.other).await.is_ok());

    // One closing row, which says what each kind of step did; the profile row keeps no values.
    let rows = c
        .list_audit(&AuditFilter::default(), PageRequest::first(100))
        .await
        .unwrap()
        .items;
    let closing = rows
        .iter()
        .find(|r| r.action == AuditAction::UserDeleteAccount)
        .expect("the closing row");
    let record: serde_json::Value =
        serde_json::from_str(closing.after.as_deref().unwrap()).unwrap();
    assert_eq!(record["complete"], true);
    assert_eq!(record["objects_deleted"], 3);
    assert_eq!(record["reports_closed"], 2);
    assert_eq!(record["removed_posts"].as_array().unwrap().len(), 3);
    let profile_row = rows
        .iter()
        .find(|r| r.action == AuditAction::ProfileDelete)
        .unwrap();
    assert!(!profile_row.before.as_deref().unwrap().contains("leaving"));
    assert_eq!(
        rows.iter()
            .filter(|r| r.action == AuditAction::UserDeleteAccount)
            .count(),
        1
    );
}

/// The deletion through the executor, losing the database at its second removal: the result
/// says what was done and what was not, the stores agree, and the audit log holds exactly the
/// done steps and a closing row marked incomplete. The account is still there to finish.
#[tokio::test]
async fn a_deletion_failing_in_the_middle_says_what_was_done_and_the_audit_log_agrees() {
    let w = world().await;
    let moderations = Arc::new(AtomicUsize::new(0));
    let seen = moderations.clone();
    let faulty = FaultyContentStore::new(
        Arc::new(w.sandbox.content.clone()),
        Arc::new(move |call| {
            (call == "moderate" && seen.fetch_add(1, Ordering::SeqCst) >= 1)
                .then(|| database_unavailable(call))
        }),
    );
    let mut backends = w.backends.clone();
    backends.content = Some(Arc::new(faulty));
    let (tx, _rx) = tokio::sync::mpsc::channel(8);
    let context = crate::app::test_context();
    let planned = crate::exec::run(
        Command::Plan {
            request: RequestId(1),
            planning: Planning::Deletion(w.name.clone()),
        },
        &backends,
        &context,
        &tx,
    )
    .await;
    let AppEvent::Planned {
        result: Ok(proposal),
        ..
    } = planned
    else {
        panic!("a deletion's dialog");
    };
    assert_eq!(proposal.type_to_confirm.as_deref(), Some("leaving"));
    let crate::app::dialog::Form::Ready(Operation::DeleteAccount { mut plan, .. }) = proposal.form
    else {
        panic!("a ready deletion");
    };
    plan.settle = std::time::Duration::ZERO;
    let steps = plan.steps.len();
    let export = w._dir.path().join("before.json");
    let done = crate::exec::run(
        Command::Write {
            request: RequestId(2),
            operation: Operation::DeleteAccount {
                plan,
                export: Some(export.clone()),
            },
            reason: reason("user asked to be removed"),
        },
        &backends,
        &context,
        &tx,
    )
    .await;
    let AppEvent::WriteDone {
        result: Err(failure),
        ..
    } = done
    else {
        panic!("the deletion stops with a failure");
    };
    // Block, disable and the first removal were done; the rest was not.
    assert!(
        failure.message.contains("3 calls were done"),
        "{}",
        failure.message
    );
    assert!(
        failure.message.contains(&format!("{} were not", steps - 4)),
        "{}",
        failure.message
    );
    assert!(
        failure
            .chain
            .contains("not done: cognito-idp:AdminDeleteUser")
    );
    assert!(
        export.exists(),
        "the export was written before anything else"
    );

    let c = &w.sandbox.content;
    let user = w.sandbox.directory.get_user(&w.name).await.unwrap();
    assert!(!user.enabled, "disabled, not deleted");
    assert!(c.get_profile(&w.sub).await.is_ok());
    let removed: Vec<PostId> = {
        let mut v = Vec::new();
        for id in &w.posts {
            if c.get_post(*id).await.unwrap().status == ContentStatus::Removed {
                v.push(*id);
            }
        }
        v
    };
    assert_eq!(removed.len(), 1);
    let rows = c
        .list_audit(&AuditFilter::default(), PageRequest::first(100))
        .await
        .unwrap()
        .items;
    let got: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        got,
        ["user.delete_account", "post.remove", "user.disable"],
        "newest first"
    );
    let record: serde_json::Value =
        serde_json::from_str(rows[0].after.as_deref().unwrap()).unwrap();
    assert_eq!(record["complete"], false);
    assert_eq!(record["removed_posts"], serde_json::json!([removed[0]]));
    assert_eq!(record["user_deleted"], false);

    // A second plan, without the fault, finishes it.
    let plan = quick(
        super::people::plan_deletion(&w.backends, &w.name)
            .await
            .unwrap(),
    );
    assert!(
        !plan
            .steps
            .contains(&backoffice_domain::services::erase::Step::Disable),
        "already disabled"
    );
    perform(
        &w.backends,
        Operation::DeleteAccount {
            plan: Box::new(plan),
            export: None,
        },
        &reason("user asked to be removed"),
    )
    .await
    .unwrap();
    assert!(w.sandbox.directory.get_user(&w.name).await.is_err());
}

#[tokio::test]
async fn an_export_never_overwrites_a_file() {
    let w = world().await;
    let path = w._dir.path().join("taken.json");
    std::fs::write(&path, "keep me").unwrap();
    let refused = super::people::export_user(&w.backends, &w.name, &path)
        .await
        .unwrap_err();
    assert!(refused.message.contains("never overwrites"), "{refused}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me");
    // A deletion whose export fails deletes nothing.
    let plan = quick(
        super::people::plan_deletion(&w.backends, &w.name)
            .await
            .unwrap(),
    );
    let failed = perform(
        &w.backends,
        Operation::DeleteAccount {
            plan: Box::new(plan),
            export: Some(path),
        },
        &reason("user asked to be removed"),
    )
    .await
    .unwrap_err();
    assert!(
        failed.failure.message.contains("nothing was deleted"),
        "{}",
        failed.failure.message
    );
    assert!(w.sandbox.directory.get_user(&w.name).await.is_ok());
    assert!(actions(&w.sandbox.content).await.is_empty());
}

/// What an undo must put back exactly: the user in the directory (status, enabled, attributes,
/// groups), the profile's fields, and the statuses of their content.
#[derive(Debug, PartialEq)]
struct Snapshot {
    enabled: bool,
    attributes: Vec<(String, String)>,
    groups: Vec<String>,
    profile: (Option<String>, Option<String>, Option<String>),
    posts: Vec<ContentStatus>,
    comments: Vec<ContentStatus>,
    blocked: bool,
}

async fn snapshot(w: &World) -> Snapshot {
    let d = &w.sandbox.directory;
    let c = &w.sandbox.content;
    let user = d.get_user(&w.name).await.unwrap();
    let mut attributes = user.attributes.clone();
    attributes.sort();
    let p = c.get_profile(&w.sub).await.unwrap();
    let mut posts = Vec::new();
    for id in &w.posts {
        posts.push(c.get_post(*id).await.unwrap().status);
    }
    let mut comments = Vec::new();
    for id in &w.comments {
        comments.push(c.get_comment(*id).await.unwrap().status);
    }
    Snapshot {
        enabled: user.enabled,
        attributes,
        groups: d
            .groups_of(&w.name)
            .await
            .unwrap()
            .into_iter()
            .map(|g| g.name.to_string())
            .collect(),
        profile: (p.display_name, p.bio, p.profile_image_key),
        posts,
        comments,
        blocked: c.is_blocked(&w.sub).await.unwrap(),
    }
}

/// Makes `operation`, then undoes its newest audit row (the closing row where there are
/// several) through the same planning the console's `u` uses; the world is as before.
async fn round_trip(w: &World, operation: Operation, closing: AuditAction) {
    let before = snapshot(w).await;
    let what = operation.describe();
    perform(&w.backends, operation, &reason("reported in error"))
        .await
        .unwrap_or_else(|e| panic!("{what}: {}", e.failure));
    assert_ne!(snapshot(w).await, before, "{what} changed something");
    let c = &w.sandbox.content;
    let row = c
        .list_audit(&AuditFilter::default(), PageRequest::first(200))
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|r| r.action == closing)
        .unwrap_or_else(|| panic!("{what}: a {closing} row"));
    let undo = super::people::plan_undo(&w.backends, &row)
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    perform(&w.backends, undo, &reason("reported in error"))
        .await
        .unwrap_or_else(|e| panic!("undo of {what}: {}", e.failure));
    assert_eq!(snapshot(w).await, before, "{what} then its undo");
    let newest = newest_row(w).await;
    assert!(
        newest
            .reason
            .as_deref()
            .unwrap_or_default()
            .starts_with(&format!("undo of audit row {}", row.id)),
        "{what}: {:?}",
        newest.reason
    );
    // An undone row is not offered its undo again.
    let again = super::people::plan_undo(&w.backends, &row)
        .await
        .expect_err("undone already");
    assert!(again.refused, "a refusal (a message), not a failure");
    assert!(
        again
            .message
            .contains(&format!("undone already, by row {}", newest.id)),
        "{what}: {}",
        again.message
    );
}

#[tokio::test]
async fn each_reversible_kind_round_trips_the_database_and_the_directory_exactly() {
    let w = world().await;
    let group = GroupName::parse("editors").unwrap();
    w.sandbox
        .directory
        .create_group(&group, None)
        .await
        .unwrap();
    // The profile has a bio and an avatar to clear as well as a name.
    w.sandbox
        .content
        .update_profile(
            &w.sub,
            &ProfileUpdate {
                bio: Some(Bio::parse("I write \"quoted\" things\nover lines").unwrap()),
                profile_image_key: Some(Some(
                    ObjectKey::parse(format!("profiles/{}/avatar.png", w.sub)).unwrap(),
                )),
                ..ProfileUpdate::default()
            },
        )
        .await
        .unwrap();
    perform(
        &w.backends,
        Operation::Account {
            username: w.name.clone(),
            action: AccountAction::VerifyEmail,
        },
        &reason("support request"),
    )
    .await
    .unwrap();
    let post = ModerationTarget::Post(w.posts[0]);
    let comment = ModerationTarget::Comment(w.comments[0]);
    let account = |action| Operation::Account {
        username: w.name.clone(),
        action,
    };
    let cases: Vec<(Operation, AuditAction)> = vec![
        (
            Operation::Moderate {
                targets: vec![post],
                action: ModerationAction::Hide,
            },
            AuditAction::PostHide,
        ),
        (
            Operation::Moderate {
                targets: vec![comment],
                action: ModerationAction::Remove,
            },
            AuditAction::CommentRemove,
        ),
        (account(AccountAction::Disable), AuditAction::UserDisable),
        (
            account(AccountAction::AddToGroup(group.clone())),
            AuditAction::UserAddToGroup,
        ),
        (
            account(AccountAction::SetAttribute {
                name: AttributeName::parse("email").unwrap(),
                value: "moved@example.com".into(),
            }),
            AuditAction::UserUpdateAttribute,
        ),
        // One the user did not have: its undo takes it off again.
        (
            account(AccountAction::SetAttribute {
                name: AttributeName::parse("phone_number").unwrap(),
                value: "+821012345678".into(),
            }),
            AuditAction::UserUpdateAttribute,
        ),
        (
            Operation::ClearProfile {
                sub: w.sub.clone(),
                fields: ProfileField::ALL.to_vec(),
                seen: Vec::new(),
            },
            AuditAction::ProfileClear,
        ),
    ];
    for (operation, closing) in cases {
        round_trip(&w, operation, closing).await;
    }
    // The reverses of reverses: a restore and an enable are undone too.
    perform(
        &w.backends,
        Operation::Moderate {
            targets: vec![post],
            action: ModerationAction::Hide,
        },
        &reason("spam"),
    )
    .await
    .unwrap();
    round_trip(
        &w,
        Operation::Moderate {
            targets: vec![post],
            action: ModerationAction::Restore,
        },
        AuditAction::PostRestore,
    )
    .await;
    perform(
        &w.backends,
        account(AccountAction::AddToGroup(group.clone())),
        &reason("support request"),
    )
    .await
    .unwrap();
    round_trip(
        &w,
        account(AccountAction::RemoveFromGroup(group.clone())),
        AuditAction::UserRemoveFromGroup,
    )
    .await;
}

#[tokio::test]
async fn a_ban_is_undone_by_its_unban_and_irreversible_rows_say_why() {
    let w = world().await;
    let mut fast = backoffice_domain::services::ban::plan_ban(
        &w.sandbox.directory,
        &w.sandbox.content,
        &w.name,
    )
    .await
    .unwrap();
    fast.settle = std::time::Duration::ZERO;
    round_trip(&w, Operation::Ban(Box::new(fast)), AuditAction::UserBan).await;

    // A deletion's row has no undo, and says so.
    perform(
        &w.backends,
        Operation::Moderate {
            targets: vec![ModerationTarget::Post(w.posts[2])],
            action: ModerationAction::Hide,
        },
        &reason("spam"),
    )
    .await
    .unwrap();
    let plan = quick(
        super::people::plan_deletion(&w.backends, &w.name)
            .await
            .unwrap(),
    );
    perform(
        &w.backends,
        Operation::DeleteAccount {
            plan: Box::new(plan),
            export: None,
        },
        &reason("user asked to be removed"),
    )
    .await
    .unwrap();
    let rows = w
        .sandbox
        .content
        .list_audit(&AuditFilter::default(), PageRequest::first(100))
        .await
        .unwrap()
        .items;
    for action in [
        AuditAction::UserDeleteAccount,
        AuditAction::UserDelete,
        AuditAction::ProfileDelete,
        AuditAction::ObjectDelete,
        AuditAction::ReportActioned,
    ] {
        let row = rows
            .iter()
            .find(|r| r.action == action)
            .unwrap_or_else(|| panic!("a {action} row"));
        let refused = super::people::plan_undo(&w.backends, row)
            .await
            .unwrap_err();
        assert!(
            refused.message.contains("cannot"),
            "{action}: {}",
            refused.message
        );
    }
    // A profile whose cleared field was written again since is not overwritten by an undo.
    let other = w.other.clone();
    let cleared = perform(
        &w.backends,
        Operation::ClearProfile {
            sub: other.clone(),
            fields: vec![ProfileField::DisplayName],
            seen: Vec::new(),
        },
        &reason("impersonation"),
    )
    .await
    .unwrap();
    // The message says what was done to the field.
    assert!(
        cleared.summary.ends_with(": display name cleared, audited"),
        "{}",
        cleared.summary
    );
    let row = newest_row(&w).await;
    w.sandbox
        .content
        .update_profile(
            &other,
            &ProfileUpdate {
                display_name: Some(DisplayName::parse("a new name").unwrap()),
                ..ProfileUpdate::default()
            },
        )
        .await
        .unwrap();
    let undo = super::people::plan_undo(&w.backends, &row).await.unwrap();
    let refused = perform(&w.backends, undo, &reason("reported in error"))
        .await
        .unwrap_err();
    assert!(
        refused.failure.message.contains("changed since"),
        "{}",
        refused.failure.message
    );
    assert_eq!(
        w.sandbox
            .content
            .get_profile(&other)
            .await
            .unwrap()
            .display_name
            .as_deref(),
        Some("a new name")
    );
}

/// The undo of a ban a plain unban reversed names that unban (it said only "no ban to
/// reverse", and the row still read as a ban in force).
#[tokio::test]
async fn the_undo_of_a_ban_an_unban_reversed_names_the_unban() {
    use backoffice_domain::services::ban;
    let w = world().await;
    let (dir, content) = (&w.sandbox.directory, &w.sandbox.content);
    let mut plan = ban::plan_ban(dir, content, &w.name).await.unwrap();
    plan.settle = std::time::Duration::ZERO;
    perform(
        &w.backends,
        Operation::Ban(Box::new(plan)),
        &reason("spam wave"),
    )
    .await
    .unwrap();
    let banned = newest_row(&w).await;
    assert_eq!(banned.action, AuditAction::UserBan);
    let unban = ban::plan_unban(dir, content, &w.name).await.unwrap();
    perform(
        &w.backends,
        Operation::Ban(Box::new(unban)),
        &reason("appeal granted"),
    )
    .await
    .unwrap();
    let unbanned = newest_row(&w).await;
    assert_eq!(unbanned.action, AuditAction::UserUnban);
    let refused = super::people::plan_undo(&w.backends, &banned)
        .await
        .unwrap_err();
    assert!(refused.refused, "a refusal, not a failure");
    assert!(
        refused.message.starts_with(&format!(
            "row {} was reversed already, by the unban in row {} (",
            banned.id, unbanned.id
        )),
        "{}",
        refused.message
    );
}

/// An undo reverses exactly its row: not a row something later changed again, and not one step
/// of a ban or of an account's deletion on its own.
#[tokio::test]
async fn an_undo_refuses_rows_changed_since_and_steps_of_a_ban_or_a_deletion() {
    let w = world().await;
    let post = ModerationTarget::Post(w.posts[0]);
    let moderate = |action| Operation::Moderate {
        targets: vec![post],
        action,
    };
    perform(
        &w.backends,
        moderate(ModerationAction::Hide),
        &reason("spam"),
    )
    .await
    .unwrap();
    perform(
        &w.backends,
        moderate(ModerationAction::Remove),
        &reason("spam"),
    )
    .await
    .unwrap();
    let rows = w
        .sandbox
        .content
        .list_audit(&AuditFilter::default(), PageRequest::first(10))
        .await
        .unwrap()
        .items;
    let hide = rows
        .iter()
        .find(|r| r.action == AuditAction::PostHide)
        .unwrap();
    let refused = super::people::plan_undo(&w.backends, hide)
        .await
        .unwrap_err();
    assert!(refused.message.contains("changed since"), "{refused}");
    assert!(refused.refused);

    // An attribute set where there was none is not taken off once it holds something else.
    let phone = |value: &str| Operation::Account {
        username: w.name.clone(),
        action: AccountAction::SetAttribute {
            name: AttributeName::parse("phone_number").unwrap(),
            value: value.into(),
        },
    };
    let done = perform(&w.backends, phone("+821012345678"), &reason("support"))
        .await
        .unwrap();
    // The message names the attribute changed.
    assert!(
        done.summary.starts_with("user.update_attribute ")
            && done.summary.ends_with(" (phone_number): done, audited"),
        "{}",
        done.summary
    );
    let first = newest_row(&w).await;
    perform(&w.backends, phone("+821099999999"), &reason("support"))
        .await
        .unwrap();
    let refused = super::people::plan_undo(&w.backends, &first)
        .await
        .unwrap_err();
    assert!(
        refused.message.starts_with("phone_number of ")
            && refused.message.contains("is \"+821099999999\" now")
            && refused.message.ends_with("changed since"),
        "{refused}"
    );

    // A ban's own disable is not undone on its own: its unban is.
    let mut ban = backoffice_domain::services::ban::plan_ban(
        &w.sandbox.directory,
        &w.sandbox.content,
        &w.name,
    )
    .await
    .unwrap();
    ban.settle = std::time::Duration::ZERO;
    perform(
        &w.backends,
        Operation::Ban(Box::new(ban)),
        &reason("spam wave"),
    )
    .await
    .unwrap();
    let rows = w
        .sandbox
        .content
        .list_audit(&AuditFilter::default(), PageRequest::first(50))
        .await
        .unwrap()
        .items;
    for action in [AuditAction::UserDisable, AuditAction::PostHide] {
        let step = rows.iter().find(|r| r.action == action).unwrap();
        let refused = super::people::plan_undo(&w.backends, step)
            .await
            .unwrap_err();
        assert!(refused.message.contains("banned"), "{action}: {refused}");
    }
    let whole = rows
        .iter()
        .find(|r| r.action == AuditAction::UserBan)
        .unwrap();
    assert!(super::people::plan_undo(&w.backends, whole).await.is_ok());

    // A deleted account's removals stay removed.
    let plan = quick(
        super::people::plan_deletion(&w.backends, &Username::parse("staying").unwrap())
            .await
            .unwrap(),
    );
    perform(
        &w.backends,
        Operation::DeleteAccount {
            plan: Box::new(plan),
            export: None,
        },
        &reason("user asked to be removed"),
    )
    .await
    .unwrap();
    let rows = w
        .sandbox
        .content
        .list_audit(&AuditFilter::default(), PageRequest::first(1))
        .await
        .unwrap();
    assert_eq!(rows.items[0].action, AuditAction::UserDeleteAccount);
    let removal = w
        .sandbox
        .content
        .list_audit(
            &AuditFilter {
                target_kind: Some(AuditKind::Post),
                ..AuditFilter::default()
            },
            PageRequest::first(1),
        )
        .await
        .unwrap()
        .items
        .remove(0);
    assert_eq!(removal.action, AuditAction::PostRemove);
    let refused = super::people::plan_undo(&w.backends, &removal)
        .await
        .unwrap_err();
    assert!(refused.message.contains("was deleted"), "{refused}");
}

/// A clear is of what the moderator was shown: a name the user changed after the profile was
/// read is not cleared unseen.
#[tokio::test]
async fn a_clear_refuses_values_changed_since_they_were_shown() {
    let w = world().await;
    let shown = w
        .sandbox
        .content
        .get_profile(&w.sub)
        .await
        .unwrap()
        .display_name;
    w.sandbox
        .content
        .update_profile(
            &w.sub,
            &ProfileUpdate {
                display_name: Some(DisplayName::parse("a fresh name").unwrap()),
                ..ProfileUpdate::default()
            },
        )
        .await
        .unwrap();
    let refused = perform(
        &w.backends,
        Operation::ClearProfile {
            sub: w.sub.clone(),
            fields: vec![ProfileField::DisplayName],
            seen: vec![(ProfileField::DisplayName, shown)],
        },
        &reason("impersonation"),
    )
    .await
    .unwrap_err();
    assert!(
        refused.failure.message.contains("changed since"),
        "{}",
        refused.failure.message
    );
    let now = w.sandbox.content.get_profile(&w.sub).await.unwrap();
    assert_eq!(now.display_name.as_deref(), Some("a fresh name"));
    assert!(
        actions(&w.sandbox.content).await.is_empty(),
        "nothing audited"
    );
}

/// What the user posts or uploads between the plan and the block is taken away by the sweep.
#[tokio::test]
async fn a_deletion_sweeps_up_what_was_posted_after_the_plan() {
    let w = world().await;
    let plan = quick(
        super::people::plan_deletion(&w.backends, &w.name)
            .await
            .unwrap(),
    );
    assert!(
        plan.steps
            .contains(&backoffice_domain::services::erase::Step::Sweep)
    );
    let late = w
        .sandbox
        .content
        .create_post(&NewPost {
            author_sub: w.sub.clone(),
            body: PostBody::parse("posted while support read the plan").unwrap(),
            image_key: None,
        })
        .await
        .unwrap();
    let key = format!("posts/{}/late.png", w.sub);
    w.sandbox
        .objects
        .put(
            &Sandbox::bucket(),
            &ObjectKey::parse(key.clone()).unwrap(),
            b"\x89PNG".to_vec(),
            "image/png",
            &BTreeMap::new(),
        )
        .await
        .unwrap();
    perform(
        &w.backends,
        Operation::DeleteAccount {
            plan: Box::new(plan),
            export: None,
        },
        &reason("user asked to be removed"),
    )
    .await
    .unwrap();
    assert_eq!(
        w.sandbox.content.get_post(late.id).await.unwrap().status,
        ContentStatus::Removed
    );
    assert!(!keys(&w).await.contains(&key), "the late upload is deleted");
}

/// A cleared avatar whose object reconciliation deleted since is not put back pointing at
/// nothing: the undo says so.
#[tokio::test]
async fn an_undo_does_not_put_back_an_avatar_whose_object_is_gone() {
    let w = world().await;
    let key = format!("profiles/{}/avatar.png", w.sub);
    w.sandbox
        .content
        .update_profile(
            &w.sub,
            &ProfileUpdate {
                profile_image_key: Some(Some(ObjectKey::parse(key.clone()).unwrap())),
                ..ProfileUpdate::default()
            },
        )
        .await
        .unwrap();
    perform(
        &w.backends,
        Operation::ClearProfile {
            sub: w.sub.clone(),
            fields: vec![ProfileField::ProfileImage],
            seen: Vec::new(),
        },
        &reason("nudity or sexual content"),
    )
    .await
    .unwrap();
    let row = newest_row(&w).await;
    // While the object is there, the undo is offered.
    assert!(super::people::plan_undo(&w.backends, &row).await.is_ok());
    w.sandbox
        .objects
        .delete(&Sandbox::bucket(), &key)
        .await
        .unwrap();
    let refused = super::people::plan_undo(&w.backends, &row)
        .await
        .unwrap_err();
    assert!(refused.message.contains("was deleted since"), "{refused}");
}

/// Disabling a disabled user (enabling an enabled one) is refused and writes no audit row: it
/// was audited as a change, and that row's undo would have enabled an account someone had
/// disabled on purpose.
#[tokio::test]
async fn a_change_to_what_already_holds_is_refused_and_not_audited() {
    let w = world().await;
    let disable = || Operation::Account {
        username: w.name.clone(),
        action: AccountAction::Disable,
    };
    perform(&w.backends, disable(), &reason("first"))
        .await
        .unwrap_or_else(|e| panic!("{}", e.failure));
    let row = newest_row(&w).await;
    let refused = perform(&w.backends, disable(), &reason("again"))
        .await
        .expect_err("already disabled");
    assert!(
        refused.failure.message.contains("is already disabled"),
        "{}",
        refused.failure.message
    );
    assert_eq!(newest_row(&w).await.id, row.id, "no audit row");
}

/// A group change is undone only while the membership is as the row left it: the user put back
/// in the group since, the undo "added" them again and audited it.
#[tokio::test]
async fn a_group_change_changed_since_is_not_undone() {
    let w = world().await;
    let group = GroupName::parse("beta").unwrap();
    w.sandbox
        .directory
        .create_group(&group, None)
        .await
        .unwrap();
    w.sandbox
        .directory
        .add_to_group(&w.name, &group)
        .await
        .unwrap();
    perform(
        &w.backends,
        Operation::Account {
            username: w.name.clone(),
            action: AccountAction::RemoveFromGroup(group.clone()),
        },
        &reason("left the beta"),
    )
    .await
    .unwrap();
    let row = newest_row(&w).await;
    assert_eq!(row.action, AuditAction::UserRemoveFromGroup);
    // As left: the undo puts them back.
    let undo = super::people::plan_undo(&w.backends, &row).await.unwrap();
    assert!(
        undo.describe().contains("Add leaving to group beta"),
        "{}",
        undo.describe()
    );
    // Put back by hand since: refused, saying why.
    w.sandbox
        .directory
        .add_to_group(&w.name, &group)
        .await
        .unwrap();
    let refused = super::people::plan_undo(&w.backends, &row)
        .await
        .unwrap_err();
    assert!(refused.refused);
    assert!(
        refused.message.contains("is in beta now") && refused.message.contains("changed since"),
        "{refused}"
    );
}

/// An account change that was made but whose audit row, or the API's block, then failed is
/// reported as made: its `--json` record goes out (a script saw nothing), with the audit row's
/// id when that was written, and the directory holds the change.
/// A ban done whose own row the database refused is a failure that says so, not "done,
/// audited": `:unban` could not find it (an unban's refused row left the ban in force).
#[tokio::test]
async fn a_ban_whose_row_is_refused_says_it_is_not_recorded() {
    let w = world().await;
    let mut plan = backoffice_domain::services::ban::plan_ban(
        &w.sandbox.directory,
        &w.sandbox.content,
        &w.name,
    )
    .await
    .unwrap();
    plan.settle = std::time::Duration::ZERO;
    let mut failing = w.backends.clone();
    failing.content = Some(Arc::new(FaultyContentStore::new(
        Arc::new(w.sandbox.content.clone()),
        Arc::new(|call| (call == "record_audit").then(|| database_unavailable(call))),
    )));
    let partial = perform(
        &failing,
        Operation::Ban(Box::new(plan)),
        &reason("spam run"),
    )
    .await
    .expect_err("the ban's row was refused");
    let said = &partial.failure.message;
    assert!(
        said.contains("calls done, but its audit row could not be written"),
        "{said}"
    );
    assert!(said.contains(":unban cannot find this ban"), "{said}");
    assert!(!said.contains(", audited"), "{said}");
    assert!(!w.sandbox.directory.get_user(&w.name).await.unwrap().enabled);
    assert_eq!(partial.records[0]["audit_id"], serde_json::Value::Null);
}

#[tokio::test]
async fn an_account_change_made_before_its_audit_failed_is_reported_as_made() {
    let w = world().await;
    let failing = |which: &'static str| {
        let mut backends = w.backends.clone();
        backends.content = Some(Arc::new(FaultyContentStore::new(
            Arc::new(w.sandbox.content.clone()),
            Arc::new(move |call| (call == which).then(|| database_unavailable(call))),
        )));
        backends
    };
    let account = |action| Operation::Account {
        username: w.name.clone(),
        action,
    };
    let disable = AccountAction::Disable.audit_action();
    let partial = perform(
        &failing("record_audit"),
        account(AccountAction::Disable),
        &reason("abuse"),
    )
    .await
    .expect_err("the audit row failed");
    let said = format!("{} {}", partial.failure.message, partial.failure.chain);
    assert!(said.contains("record it by hand"), "{said}");
    assert_eq!(
        partial.records,
        [serde_json::json!({
            "type": "account",
            "action": disable.as_str(),
            "user": w.name.as_str(),
            "audit_id": null,
        })]
    );
    assert!(!w.sandbox.directory.get_user(&w.name).await.unwrap().enabled);

    // Enabled again with the block failing: made and audited, the row's id in the record.
    let partial = perform(
        &failing("set_blocked"),
        account(AccountAction::Enable),
        &reason("appeal granted"),
    )
    .await
    .expect_err("the block could not be lifted");
    let row = newest_row(&w).await;
    assert_eq!(row.action, AccountAction::Enable.audit_action());
    assert_eq!(partial.records.len(), 1);
    assert_eq!(partial.records[0]["audit_id"], row.id.get());
    assert!(w.sandbox.directory.get_user(&w.name).await.unwrap().enabled);

    // Enabled but still blocked: the same enable again lifts the block (it was refused as
    // "already enabled", though the failure said to do it again).
    let sub = w
        .sandbox
        .directory
        .get_user(&w.name)
        .await
        .unwrap()
        .sub
        .unwrap();
    assert!(w.sandbox.content.is_blocked(&sub).await.unwrap());
    perform(
        &w.backends,
        account(AccountAction::Enable),
        &reason("lift the block"),
    )
    .await
    .expect("the block is lifted");
    assert!(!w.sandbox.content.is_blocked(&sub).await.unwrap());
    // Its row says the block was all it changed, and the Audit pane offers no undo that
    // would disable the account.
    let lifted = newest_row(&w).await;
    assert!(
        lifted
            .before
            .as_deref()
            .is_some_and(|b| b.contains(r#""api_blocked":true"#)),
        "{lifted:?}"
    );
    assert!(backoffice_domain::services::undo::reversal(&lifted).is_err());
    // Then refused before any change: no record.
    let refused = perform(
        &w.backends,
        account(AccountAction::Enable),
        &reason("again"),
    )
    .await
    .expect_err("already enabled");
    assert!(refused.records.is_empty());
}

/// The database down, a user's detail still opens from the directory (it failed whole, and
/// support could not read an account during a database outage), saying why its profile and
/// counts are missing.
#[tokio::test]
async fn a_user_detail_opens_from_the_directory_while_the_database_is_down() {
    let w = world().await;
    let mut backends = w.backends.clone();
    backends.content = Some(Arc::new(FaultyContentStore::new(
        Arc::new(w.sandbox.content.clone()),
        Arc::new(|call| Some(database_unavailable(call))),
    )));
    let (tx, _rx) = tokio::sync::mpsc::channel(8);
    let event = crate::exec::run(
        Command::LoadUser {
            request: RequestId(1),
            username: w.name.clone(),
        },
        &backends,
        &crate::app::test_context(),
        &tx,
    )
    .await;
    let AppEvent::UserLoaded {
        result: Ok(detail), ..
    } = event
    else {
        panic!("the detail opens: {event:?}");
    };
    assert_eq!(detail.user.username, w.name);
    assert_eq!((detail.profile, detail.counts), (None, None));
    assert!(
        detail
            .unread
            .as_deref()
            .is_some_and(|why| why.contains("unavailable")),
        "{:?}",
        detail.unread
    );
}

/// Several posts hidden at once, some failing for different reasons: the first failure's
/// cause was said as if it were every one's (`3 failed: conflict: post 7 is already
/// hidden`). Different causes name the failed targets, each with its cause in the chain; one
/// cause shared by all is said once.
#[tokio::test]
async fn a_partly_failed_moderation_names_each_failure_for_its_own_reason() {
    let w = world().await;
    let hidden = w.posts[0];
    perform(
        &w.backends,
        Operation::Moderate {
            targets: vec![ModerationTarget::Post(hidden)],
            action: ModerationAction::Hide,
        },
        &reason("spam wave"),
    )
    .await
    .unwrap();
    let missing = PostId::new(999_999).unwrap();
    let failed = perform(
        &w.backends,
        Operation::Moderate {
            targets: vec![
                ModerationTarget::Post(w.posts[1]),
                ModerationTarget::Post(hidden),
                ModerationTarget::Post(missing),
            ],
            action: ModerationAction::Hide,
        },
        &reason("spam wave"),
    )
    .await
    .unwrap_err();
    let said = &failed.failure.message;
    assert!(
        said.starts_with(&format!(
            "hide: 1 done (post #{}), 2 failed (post #{hidden}, post #{missing}), each for its own reason",
            w.posts[1]
        )),
        "{said}"
    );
    let chain = &failed.failure.chain;
    assert!(chain.contains(&format!("post #{hidden}: ")), "{chain}");
    assert!(chain.contains(&format!("post #{missing}: ")), "{chain}");
    assert_eq!(
        failed.records.len(),
        1,
        "the hide that was done is reported"
    );

    // The same cause for every one (the database down): said once, as what to wait for.
    let mut down = w.backends.clone();
    down.content = Some(Arc::new(FaultyContentStore::new(
        Arc::new(w.sandbox.content.clone()),
        Arc::new(|call| (call == "moderate_many").then(|| database_unavailable(call))),
    )));
    let again = perform(
        &down,
        Operation::Moderate {
            targets: vec![
                ModerationTarget::Post(w.posts[1]),
                ModerationTarget::Post(w.posts[2]),
            ],
            action: ModerationAction::Restore,
        },
        &reason("spam wave"),
    )
    .await
    .unwrap_err();
    assert!(
        again
            .failure
            .message
            .starts_with("restore: 0 done, 2 failed: the database"),
        "{}",
        again.failure.message
    );
}

/// An export's file name keeps the name's letters in any script, and the sub's first part
/// where it is known: a name in another script was `backoffice-user-___-…`, naming no one.
#[test]
fn an_export_file_is_named_by_its_person_whatever_the_script() {
    let at = chrono::DateTime::from_timestamp(1_765_000_000, 0).unwrap();
    let sub = UserSub::parse("3d39d28c-5e6f-4a1b-9c0d-a5c0a5907e11").unwrap();
    let named = |name: &str, sub: Option<&UserSub>| {
        crate::ops::people::export_file_name(&Username::parse(name).unwrap(), sub, at)
    };
    assert_eq!(
        named("ΑΒΓ", Some(&sub)),
        "backoffice-user-ΑΒΓ-3d39d28c-20251206-054640.json"
    );
    assert_eq!(
        named("محمد", None),
        "backoffice-user-محمد-20251206-054640.json"
    );
    assert_eq!(
        named("ann.lee@x", None),
        "backoffice-user-ann.lee@x-20251206-054640.json"
    );
}

/// A disable of an account disabled in Cognito directly blocks it in the API and says that
/// this is all it did (it said "done", as if the account had been disabled now).
#[tokio::test]
async fn a_disable_of_an_account_disabled_elsewhere_says_only_the_block_changed() {
    let w = world().await;
    w.sandbox.directory.disable_user(&w.name).await.unwrap();
    let done = perform(
        &w.backends,
        Operation::Account {
            username: w.name.clone(),
            action: AccountAction::Disable,
        },
        &reason("ticket 9"),
    )
    .await
    .unwrap();
    assert_eq!(
        done.summary,
        "user.disable leaving: disabled already; blocked in the API now, audited"
    );
}

/// Taken out of admins, the message says the rights last until the tokens held expire (the
/// command line said only "done"); another group's says nothing of it.
#[tokio::test]
async fn taking_someone_out_of_admins_says_their_tokens_keep_its_rights() {
    let w = world().await;
    let mut said = Vec::new();
    for name in [GroupName::ADMINS, "beta"] {
        let group = GroupName::parse(name).unwrap();
        w.sandbox
            .directory
            .create_group(&group, None)
            .await
            .unwrap();
        w.sandbox
            .directory
            .add_to_group(&w.name, &group)
            .await
            .unwrap();
        let done = perform(
            &w.backends,
            Operation::Account {
                username: w.name.clone(),
                action: AccountAction::RemoveFromGroup(group),
            },
            &reason("ticket 12"),
        )
        .await
        .unwrap();
        said.push(done.summary);
    }
    assert!(
        said[0].contains("they keep its rights until the tokens they hold expire"),
        "{}",
        said[0]
    );
    assert_eq!(
        said[1],
        "user.remove_from_group leaving from beta: done, audited"
    );
}
