//! Faults on real parts: the API's database crashes in the middle of a run of reads, writes and
//! moderations, and comes back. Runs on a private `mariadbd` (its own datadir and port), never
//! on the test run's shared server.

use crate::api::{Gw, Who, admin, alice, api, bob, send};
use crate::private::PrivateMariadb;
use crate::support::create_database;
use backoffice_domain::adapters::sql::SqlContentStore;
use backoffice_domain::api;
use backoffice_domain::model::{Email, NewProfile};
use backoffice_domain::ports::{ContentStore, ObjectStore};
use backoffice_domain::sandbox::Sandbox;
use serde_json::{Value, json};
use sqlx::{Connection, MySql, MySqlConnection};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What one request of the run got back.
#[derive(Debug, Clone)]
struct Outcome {
    kind: &'static str,
    status: u16,
    body: Value,
    /// For a moderation: the post it removed.
    post: Option<i64>,
    /// When the answer came.
    at: Instant,
}

/// MariaDB is killed (SIGKILL) while authors post, readers list and an admin removes posts
/// with a reason; it stays down for a while and is started again on the same datadir. Checked:
/// - while it is down every answer is a 503 whose body holds only a code, a message and the
///   request id (no database text), and no request gets any other 5xx or hangs;
/// - the same Router, with the same pool, answers again once the server is back (reads,
///   posts and removals each succeed afterwards): no restart;
/// - no acknowledged write is lost: every 201 post is in the table, every 204 removal is
///   removed;
/// - no moderation is half-written: a post is removed exactly when its audit row exists.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs services: tests/run.sh"]
async fn the_api_answers_503_while_its_database_is_down_and_recovers_without_a_restart() {
    let mut server = PrivateMariadb::start();
    create_database(&server.url(), "fault").await;
    let db_url = crate::support::database_url(&server.url(), "fault");
    let store = SqlContentStore::<MySql>::connect_mysql(&db_url)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::open(dir.path()).await.unwrap();
    let content: Arc<dyn ContentStore> = Arc::new(store.clone());
    let objects: Arc<dyn ObjectStore> = Arc::new(sandbox.objects.clone());
    let router = api::router(api(content.clone(), objects, Sandbox::bucket()));
    for who in [alice(), bob(), admin()] {
        content
            .upsert_profile(&NewProfile {
                sub: who.sub.clone(),
                email: Some(Email::parse(format!("{}@example.com", who.username)).unwrap()),
                display_name: None,
            })
            .await
            .unwrap();
    }
    // Posts for the admin to remove during the run.
    let mut targets = Vec::new();
    for i in 0..600 {
        let (status, body) = send(
            &router,
            Gw::V2.event(
                "POST",
                "/posts",
                Some(&json!({"body": format!("target {i}")}).to_string()),
                Some(&alice()),
            ),
        )
        .await
        .0;
        assert_eq!(status, 201, "{body}");
        targets.push(body["id"].as_i64().unwrap());
    }

    let stop = Arc::new(AtomicBool::new(false));
    let targets = Arc::new(std::sync::Mutex::new(targets.into_iter()));
    let mut workers = Vec::new();
    for worker in 0..6 {
        let router = router.clone();
        let stop = stop.clone();
        let targets = targets.clone();
        workers.push(tokio::spawn(async move {
            let mut outcomes = Vec::new();
            let mut n = 0u32;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let (kind, event, post) = match worker % 3 {
                    0 => {
                        let who: Who = if n.is_multiple_of(2) { alice() } else { bob() };
                        let body = json!({"body": format!("w{worker} n{n}")}).to_string();
                        (
                            "create",
                            Gw::V2.event("POST", "/posts", Some(&body), Some(&who)),
                            None,
                        )
                    }
                    1 => (
                        "list",
                        Gw::V1.event("GET", "/posts?limit=20", None, Some(&bob())),
                        None,
                    ),
                    _ => {
                        let Some(id) = targets.lock().unwrap().next() else {
                            break;
                        };
                        let reason = json!({"reason": "fault run"}).to_string();
                        let path = format!("/posts/{id}");
                        (
                            "remove",
                            Gw::V2.event("DELETE", &path, Some(&reason), Some(&admin())),
                            Some(id),
                        )
                    }
                };
                let started = Instant::now();
                let (status, body) = send(&router, event).await.0;
                assert!(
                    started.elapsed() < Duration::from_secs(20),
                    "a {kind} hung for {:?}",
                    started.elapsed()
                );
                outcomes.push(Outcome {
                    kind,
                    status,
                    body,
                    post,
                    at: Instant::now(),
                });
                // Removals slower, so the targets last past the outage.
                let pause = if kind == "remove" { 25 } else { 5 };
                tokio::time::sleep(Duration::from_millis(pause)).await;
            }
            outcomes
        }));
    }

    tokio::time::sleep(Duration::from_millis(1500)).await;
    tokio::task::block_in_place(|| server.crash());
    // Down long enough for new connections to be refused and the pool's wait to run out.
    tokio::time::sleep(Duration::from_secs(8)).await;
    tokio::task::block_in_place(|| server.restart());
    // Back: the same Router answers again, without a restart, within the pool's next tries.
    let back = Instant::now();
    loop {
        let (status, body) = send(&router, Gw::V2.event("GET", "/posts", None, Some(&bob())))
            .await
            .0;
        if status == 200 {
            break;
        }
        assert_eq!(status, 503, "{body}");
        assert!(
            back.elapsed() < Duration::from_secs(30),
            "the API did not recover within 30 s of the database's return"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let recovered = Instant::now();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop.store(true, Ordering::Relaxed);
    let mut outcomes = Vec::new();
    for w in workers {
        outcomes.extend(w.await.unwrap());
    }

    // Every answer is a success or a clean 503; the outage was seen.
    let mut by_status: BTreeMap<(&str, u16), usize> = BTreeMap::new();
    for o in &outcomes {
        *by_status.entry((o.kind, o.status)).or_default() += 1;
        match o.status {
            200 | 201 | 204 => {}
            503 => {
                let error = &o.body["error"];
                assert_eq!(error["code"], "unavailable", "{}", o.body);
                assert!(
                    o.body["requestId"].as_str().is_some_and(|r| !r.is_empty()),
                    "{}",
                    o.body
                );
                let text = o.body.to_string().to_ascii_lowercase();
                for leak in [
                    "mysql",
                    "sqlx",
                    "io error",
                    "connection refused",
                    "127.0.0.1",
                ] {
                    assert!(!text.contains(leak), "a 503 leaks `{leak}`: {}", o.body);
                }
            }
            other => panic!("a {} answered {other}: {}", o.kind, o.body),
        }
    }
    eprintln!("outcomes by (kind, status): {by_status:?}");
    for kind in ["create", "list", "remove"] {
        assert!(
            by_status.get(&(kind, 503)).copied().unwrap_or(0) > 0,
            "no {kind} met the outage: {by_status:?}"
        );
        assert!(
            outcomes
                .iter()
                .any(|o| o.kind == kind && o.status < 300 && o.at > recovered),
            "no {kind} succeeded after the database came back: {by_status:?}"
        );
    }

    // What the database holds now, read on a new connection.
    let mut conn = MySqlConnection::connect(&db_url).await.unwrap();
    let posts: BTreeMap<i64, String> =
        sqlx::query_as::<_, (i64, String)>("SELECT id, status FROM posts")
            .fetch_all(&mut conn)
            .await
            .unwrap()
            .into_iter()
            .collect();
    let audited: Vec<String> =
        sqlx::query_scalar("SELECT target_id FROM audit_log WHERE target_kind = 'post'")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    let audited_set: BTreeSet<i64> = audited.iter().map(|t| t.parse().unwrap()).collect();
    assert_eq!(
        audited.len(),
        audited_set.len(),
        "a removal was audited twice"
    );

    // Acknowledged writes are there.
    for o in &outcomes {
        match (o.kind, o.status) {
            ("create", 201) => {
                let id = o.body["id"].as_i64().unwrap();
                assert!(
                    posts.contains_key(&id),
                    "post {id} was acknowledged and lost"
                );
            }
            ("remove", 204) => {
                let id = o.post.unwrap();
                assert_eq!(
                    posts.get(&id).map(String::as_str),
                    Some("removed"),
                    "post {id}"
                );
            }
            _ => {}
        }
    }
    // Both or neither: removed exactly when audited.
    let removed: BTreeSet<i64> = posts
        .iter()
        .filter(|(_, s)| s.as_str() == "removed")
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(
        removed, audited_set,
        "removed posts and audit rows differ: a moderation was half-written"
    );
    assert!(!removed.is_empty());
    store.pool().close().await;
}
