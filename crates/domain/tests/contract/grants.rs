//! The database accounts `docs/aws.md` documents, created on MariaDB from the page's own SQL:
//! the migrator can migrate, the functions and the operators do their work, and neither of the
//! accounts that run every day can rewrite or delete the audit log.

use crate::support::{fresh_mysql_database, mysql_server_url, unique_name};
use backoffice_domain::adapters::sql::MySqlContentStore;
use backoffice_domain::model::{
    Actor, Moderation, ModerationAction, ModerationTarget, NewAuditEntry, NewPost, PostBody,
    PostEdit, Reason,
};
use backoffice_domain::model::{
    AuditAction, AuditKind, DisplayName, NewProfile, ProfileField, ProfileModeration, UserSub,
};
use backoffice_domain::ports::ContentStore;
use sqlx::{Connection, MySqlConnection};

/// The two `sql` blocks of the "Database accounts" section of `docs/aws.md`: the migrator's,
/// then (after the first migration) the functions' and the operators'.
fn documented_grants() -> (String, String) {
    let page =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/aws.md")).unwrap();
    let section = page
        .split_once("## Database accounts")
        .expect("docs/aws.md has a Database accounts section")
        .1;
    let section = section.split("\n## ").next().unwrap();
    let blocks: Vec<String> = section
        .split("```sql\n")
        .skip(1)
        .map(|b| b.split_once("```").unwrap().0.to_string())
        .collect();
    assert_eq!(blocks.len(), 2, "the migrator's block, then the others'");
    (blocks[0].clone(), blocks[1].clone())
}

/// `mysql://user:password@host:port/db` on the test run's server.
fn url_as(user: &str, password: &str, database: &str) -> String {
    let server = mysql_server_url();
    let host = server.rsplit('@').next().unwrap();
    format!("mysql://{user}:{password}@{host}/{database}?ssl-mode=disabled")
}

async fn run_as_root(sql: &str) {
    let mut root = MySqlConnection::connect(&mysql_server_url()).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&mut root)
        .await
        .unwrap();
}

/// Runs `sql` on `conn` and returns the refusal, failing the test if it was allowed.
async fn refused(conn: &mut MySqlConnection, sql: &str) -> String {
    match sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&mut *conn)
        .await
    {
        Ok(_) => panic!("{sql} was allowed"),
        Err(e) => e.to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs services: tests/run.sh"]
async fn the_documented_accounts_can_append_to_the_audit_log_but_never_rewrite_it() {
    let (_, database) = fresh_mysql_database("grants").await;
    let tag = unique_name("g").replace('-', "_");
    // MySQL account names are at most 80 characters (32 on older servers): keep them short.
    let short = &tag[tag.len().saturating_sub(12)..];
    let names = [
        ("migrator", format!("mig_{short}")),
        ("api", format!("api_{short}")),
        ("operator", format!("ops_{short}")),
    ];
    let password = |role: &str| format!("pw-{role}-{short}");
    let fill = |sql: &str| {
        let mut sql = sql.replace("{db}", &database);
        for (role, name) in &names {
            sql = sql
                .replace(&format!("{{{role}_password}}"), &password(role))
                .replace(&format!("{{{role}}}"), name);
        }
        assert!(!sql.contains('{'), "every placeholder is replaced:\n{sql}");
        sql
    };
    let (migrator, others) = documented_grants();
    let url = |i: usize| url_as(&names[i].1, &password(names[i].0), &database);

    // The migrator migrates; then the others are granted the tables it made.
    run_as_root(&fill(&migrator)).await;
    let migrated = MySqlContentStore::connect_mysql(&url(0)).await.unwrap();
    migrated.pool().close().await;
    run_as_root(&fill(&others)).await;

    // The functions write content and append to the audit log.
    let api = MySqlContentStore::connect_mysql_existing(&url(1))
        .await
        .unwrap();
    let author = UserSub::parse("00000000-0000-4000-8000-0000000000a1").unwrap();
    // The sign-up trigger writes the profile row.
    api.upsert_profile(&NewProfile {
        sub: author.clone(),
        email: None,
        display_name: Some(DisplayName::parse("Grants Author").unwrap()),
    })
    .await
    .unwrap();
    let post = api
        .create_post(&NewPost {
            author_sub: author.clone(),
            body: PostBody::parse("a post the grants test writes").unwrap(),
            image_key: None,
        })
        .await
        .unwrap();
    // An edit keeps what it replaced (post_edits: appended by the functions).
    api.edit_post(
        post.id,
        &PostEdit {
            body: Some(PostBody::parse("edited by its author").unwrap()),
            image_key: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(api.post_history(post.id).await.unwrap().len(), 1);
    let actor = Actor::parse("sandbox:grants").unwrap();
    let reason = Reason::parse("grants test").unwrap();
    api.record_audit(&NewAuditEntry {
        actor: actor.clone(),
        action: AuditAction::PostHide,
        target_kind: AuditKind::Post,
        target_id: post.id.to_string(),
        reason: Some(reason.clone()),
        before: None,
        after: None,
    })
    .await
    .unwrap();

    // Operators moderate (the status and its audit row, in one transaction).
    let ops = MySqlContentStore::connect_mysql_existing(&url(2))
        .await
        .unwrap();
    ops.moderate(&Moderation {
        target: ModerationTarget::Post(post.id),
        action: ModerationAction::Hide,
        actor: actor.clone(),
        reason,
    })
    .await
    .unwrap();
    // Operators block and unblock an account (a ban, a disable); the functions read the mark
    // on every request but cannot lift it.
    ops.set_blocked(&author, true, &actor).await.unwrap();
    assert!(api.is_blocked(&author).await.unwrap());
    ops.set_blocked(&author, false, &actor).await.unwrap();
    assert!(!api.is_blocked(&author).await.unwrap());
    let refused_write = api.set_blocked(&author, false, &actor).await.unwrap_err();
    assert!(
        refused_write.chain().contains("denied"),
        "{}",
        refused_write.chain()
    );

    // Operators clear someone's profile fields and delete a deleted account's profile row.
    ops.moderate_profile(&ProfileModeration {
        sub: author.clone(),
        set: vec![(ProfileField::Bio, None)],
        expected: vec![],
        action: AuditAction::ProfileClear,
        actor: actor.clone(),
        reason: Reason::parse("grants test").unwrap(),
    })
    .await
    .unwrap();
    assert!(
        ops.delete_profile(&author, &actor, &Reason::parse("grants test").unwrap())
            .await
            .unwrap()
            .is_some()
    );

    // Neither can rewrite the record, nor delete from it; operators delete no content.
    for i in [1, 2] {
        let mut conn = MySqlConnection::connect(&url(i)).await.unwrap();
        for statement in [
            "UPDATE audit_log SET reason = 'rewritten'",
            "DELETE FROM audit_log",
            "TRUNCATE TABLE audit_log",
            "DROP TABLE audit_log",
        ] {
            let why = refused(&mut conn, statement).await;
            assert!(why.contains("denied"), "{}: {statement}: {why}", names[i].1);
        }
    }
    let mut conn = MySqlConnection::connect(&url(2)).await.unwrap();
    let why = refused(&mut conn, "DELETE FROM posts").await;
    assert!(why.contains("denied"), "{why}");

    // The rows are all there.
    let mut root = MySqlConnection::connect(&format!("{}/{database}", mysql_server_url()))
        .await
        .unwrap();
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&mut root)
        .await
        .unwrap();
    assert_eq!(rows, 4);
    api.pool().close().await;
    ops.pool().close().await;
    let mut drops = format!("DROP DATABASE `{database}`;");
    for (_, name) in &names {
        drops.push_str(&format!(" DROP USER '{name}'@'%';"));
    }
    run_as_root(&drops).await;
}
