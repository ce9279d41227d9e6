//! The HTTP API through its Router, fed real API Gateway events (REST v1 and HTTP API v2
//! fixtures) converted by `lambda_http` and the Lambda adapter, exactly as on Lambda. Each
//! scenario runs on the sandbox (SQLite + local objects) and, in the full run, on MariaDB + moto.

use crate::objects::{http, moto};
use crate::private::free_port;
use crate::support::{MotoUser, moto_endpoint, moto_user, mysql_store, sub};
use axum::Router;
use backoffice_domain::adapters::sql::SqlContentStore;
use backoffice_domain::api::{self, Api, Auth, Limits};
use backoffice_domain::auth::{BlockCheck, ExpectedUse, JwtSettings, JwtVerifier};
use backoffice_domain::model::*;
use backoffice_domain::ports::{ContentStore, ObjectStore};
use backoffice_domain::sandbox::Sandbox;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use tower::ServiceExt;

const CLIENT: &str = "app-client";

/// Runs each scenario on the sandbox and (ignored unless services run) on MariaDB + moto.
macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        mod sandbox {
            $(
                #[tokio::test]
                async fn $name() {
                    let h = super::Harness::sandbox().await;
                    super::$name(&h).await;
                }
            )*
        }
        mod mariadb_moto {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[ignore = "needs services: tests/run.sh"]
                async fn $name() {
                    let h = super::Harness::mariadb_moto().await;
                    super::$name(&h).await;
                    h.finish().await;
                }
            )*
        }
    };
}

scenarios!(
    profile_is_read_and_updated_by_its_owner_only_with_own_images,
    a_caller_without_a_profile_row_makes_it_with_their_first_edit,
    posts_page_newest_first_with_a_cursor_on_both_gateways,
    only_the_author_edits_or_deletes_a_post,
    an_admin_removes_with_a_reason_and_the_audit_row_says_who,
    a_comment_notifies_the_author_and_sync_returns_it,
    sync_returns_the_latest_twenty_posts_not_removed,
    comments_are_deleted_by_their_author_or_an_admin_only,
    a_user_reports_a_target_once,
    a_person_is_reported_by_their_sub_once_and_never_by_themselves,
    a_person_is_shown_to_anyone_signed_in_without_their_e_mail,
    bad_input_is_refused_with_the_field_named,
    an_upload_is_signed_for_its_exact_type_and_length,
    a_blocked_account_is_refused_whatever_its_token_says,
    an_awkward_body_comes_back_exactly_in_a_page_and_alone,
    a_posts_row_no_release_writes_is_left_out_of_the_page_not_the_page,
);

// ---- harness -------------------------------------------------------------------------------

pub(crate) struct Harness {
    pub(crate) router: Router,
    pub(crate) content: Arc<dyn ContentStore>,
    pub(crate) objects: Arc<dyn ObjectStore>,
    pub(crate) bucket: BucketName,
    pub(crate) on_moto: bool,
    mysql: Option<crate::support::MysqlHarness>,
    sqlite: Option<SqlContentStore<sqlx::Sqlite>>,
    _dir: Option<tempfile::TempDir>,
}

pub(crate) fn api(
    content: Arc<dyn ContentStore>,
    objects: Arc<dyn ObjectStore>,
    bucket: BucketName,
) -> Api {
    Api {
        content,
        objects,
        directory: None,
        bucket,
        auth: Auth {
            verifier: None,
            client_ids: vec![CLIENT.to_string()],
            accepted: ExpectedUse::Either,
            // Every request reads the mark: a block shows on the next request.
            blocks: Arc::new(BlockCheck::new(std::time::Duration::ZERO)),
        },
        limits: Limits {
            max_body_bytes: 8 * 1024,
            max_upload_bytes: 1024 * 1024,
            ..Limits::default()
        },
    }
}

impl Harness {
    pub(crate) async fn sandbox() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let content: Arc<dyn ContentStore> = Arc::new(sandbox.content.clone());
        let objects: Arc<dyn ObjectStore> = Arc::new(sandbox.objects.clone());
        let h = Self {
            router: api::router(api(content.clone(), objects.clone(), Sandbox::bucket())),
            content,
            objects,
            bucket: Sandbox::bucket(),
            on_moto: false,
            mysql: None,
            sqlite: Some(sandbox.content.clone()),
            _dir: Some(dir),
        };
        h.users().await;
        h
    }

    pub(crate) async fn mariadb_moto() -> Self {
        let mysql = mysql_store().await;
        let m = moto().await;
        let content: Arc<dyn ContentStore> = Arc::new(mysql.store.clone());
        let objects: Arc<dyn ObjectStore> = Arc::new(m.store.clone());
        let h = Self {
            router: api::router(api(content.clone(), objects.clone(), m.bucket.clone())),
            content,
            objects,
            bucket: m.bucket,
            on_moto: true,
            mysql: Some(mysql),
            sqlite: None,
            _dir: None,
        };
        h.users().await;
        h
    }

    pub(crate) async fn finish(self) {
        if let Some(m) = self.mysql {
            m.drop_database().await;
        }
    }

    async fn users(&self) {
        for who in [alice(), bob(), admin()] {
            self.content
                .upsert_profile(&NewProfile {
                    sub: who.sub.clone(),
                    email: Some(Email::parse(format!("{}@example.com", who.username)).unwrap()),
                    display_name: None,
                })
                .await
                .unwrap();
        }
    }

    /// Sends one event through `lambda_http`'s conversion, the Lambda adapter and the Router.
    pub(crate) async fn call(
        &self,
        gw: Gw,
        method: &str,
        path: &str,
        body: Option<&str>,
        who: Option<&Who>,
    ) -> (u16, Value) {
        self.send(gw.event(method, path, body, who)).await
    }

    pub(crate) async fn send(&self, event: Value) -> (u16, Value) {
        send(&self.router, event).await.0
    }

    /// The audit rows about one target, newest first.
    async fn audit_of(&self, target_id: &str) -> Page<AuditEntry> {
        self.content
            .list_audit(
                &AuditFilter {
                    target_id: Some(target_id.to_string()),
                    ..AuditFilter::default()
                },
                PageRequest::first(10),
            )
            .await
            .unwrap()
    }

    /// Runs a statement of the test's own on the store's database, with `id` bound.
    async fn raw(&self, sql: &'static str, id: i64) {
        match (&self.mysql, &self.sqlite) {
            (Some(m), _) => drop(
                sqlx::query(sql)
                    .bind(id)
                    .execute(m.store.pool())
                    .await
                    .unwrap(),
            ),
            (None, Some(s)) => drop(sqlx::query(sql).bind(id).execute(s.pool()).await.unwrap()),
            (None, None) => panic!("a harness without a database"),
        }
    }

    async fn post(&self, who: &Who, text: &str) -> i64 {
        let (status, body) = self
            .call(
                Gw::V2,
                "POST",
                "/posts",
                Some(&json!({"body": text}).to_string()),
                Some(who),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_i64().unwrap()
    }
}

/// The answer's status and JSON body, and its headers.
pub(crate) async fn send(router: &Router, event: Value) -> ((u16, Value), http::HeaderMap) {
    let request = lambda_http::request::from_str(&event.to_string())
        .unwrap_or_else(|e| panic!("lambda_http refused the event: {e}"));
    let request = backoffice_domain::lambda::adapt(request);
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| panic!("a non-JSON body: {}", String::from_utf8_lossy(&bytes)))
    };
    ((status, body), headers)
}

pub(crate) struct Who {
    pub(crate) sub: UserSub,
    pub(crate) username: String,
    pub(crate) groups: Vec<&'static str>,
}

pub(crate) fn alice() -> Who {
    Who {
        sub: sub(1),
        username: "alice".into(),
        groups: vec![],
    }
}
pub(crate) fn bob() -> Who {
    Who {
        sub: sub(2),
        username: "bob".into(),
        groups: vec!["editors"],
    }
}
pub(crate) fn admin() -> Who {
    Who {
        sub: sub(3),
        username: "root".into(),
        groups: vec!["admins"],
    }
}

/// Which API Gateway sends the event: a REST API (v1, id token claims with `aud`, groups
/// comma-separated) or an HTTP API (v2, access token claims with `client_id`, groups in
/// brackets).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Gw {
    V1,
    V2,
}

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/events/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

impl Gw {
    pub(crate) fn event(
        self,
        method: &str,
        target: &str,
        body: Option<&str>,
        who: Option<&Who>,
    ) -> Value {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let pairs: Vec<(String, String)> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.to_string(), v.to_string())
            })
            .collect();
        match self {
            Gw::V1 => {
                let mut e = fixture("apigw-rest-v1.json");
                e["path"] = json!(path);
                e["httpMethod"] = json!(method);
                e["requestContext"]["httpMethod"] = json!(method);
                e["requestContext"]["path"] = json!(format!("/prod{path}"));
                e["pathParameters"]["proxy"] = json!(path.trim_start_matches('/'));
                if !pairs.is_empty() {
                    let single: serde_json::Map<String, Value> =
                        pairs.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
                    let multi: serde_json::Map<String, Value> =
                        pairs.iter().map(|(k, v)| (k.clone(), json!([v]))).collect();
                    e["queryStringParameters"] = Value::Object(single);
                    e["multiValueQueryStringParameters"] = Value::Object(multi);
                }
                if let Some(b) = body {
                    e["body"] = json!(b);
                    e["headers"]["Content-Type"] = json!("application/json");
                    e["multiValueHeaders"]["Content-Type"] = json!(["application/json"]);
                }
                match who {
                    Some(w) => {
                        let claims = &mut e["requestContext"]["authorizer"]["claims"];
                        claims["sub"] = json!(w.sub.as_str());
                        claims["cognito:username"] = json!(w.username);
                        claims["email"] = json!(format!("{}@example.com", w.username));
                        if !w.groups.is_empty() {
                            claims["cognito:groups"] = json!(w.groups.join(","));
                        }
                    }
                    None => {
                        e["requestContext"]
                            .as_object_mut()
                            .unwrap()
                            .remove("authorizer");
                    }
                }
                e
            }
            Gw::V2 => {
                let mut e = fixture("apigw-http-v2.json");
                e["rawPath"] = json!(path);
                e["rawQueryString"] = json!(query);
                e["requestContext"]["http"]["method"] = json!(method);
                e["requestContext"]["http"]["path"] = json!(path);
                e["pathParameters"]["proxy"] = json!(path.trim_start_matches('/'));
                if !pairs.is_empty() {
                    let single: serde_json::Map<String, Value> =
                        pairs.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
                    e["queryStringParameters"] = Value::Object(single);
                }
                if let Some(b) = body {
                    e["body"] = json!(b);
                    e["headers"]["content-type"] = json!("application/json");
                    e["headers"]["content-length"] = json!(b.len().to_string());
                }
                match who {
                    Some(w) => {
                        let claims = &mut e["requestContext"]["authorizer"]["jwt"]["claims"];
                        claims["sub"] = json!(w.sub.as_str());
                        claims["username"] = json!(w.username);
                        claims["cognito:groups"] = json!(format!("[{}]", w.groups.join(" ")));
                    }
                    None => {
                        e["requestContext"]
                            .as_object_mut()
                            .unwrap()
                            .remove("authorizer");
                    }
                }
                e
            }
        }
    }
}

fn error_field(body: &Value) -> Option<&str> {
    body["error"]["field"].as_str()
}

async fn upload_png(h: &Harness, key: &str) {
    let key = ObjectKey::parse(key).unwrap();
    let png = backoffice_domain::sandbox::images::picture(1, 64, 48, image::ImageFormat::Png);
    h.objects
        .put(&h.bucket, &key, png, "image/png", &BTreeMap::new())
        .await
        .unwrap();
}

// ---- scenarios -----------------------------------------------------------------------------

async fn profile_is_read_and_updated_by_its_owner_only_with_own_images(h: &Harness) {
    let a = alice();
    let (status, body) = h.call(Gw::V1, "GET", "/profile", None, Some(&a)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["sub"], a.sub.as_str());
    assert_eq!(body["email"], "alice@example.com");

    let put = json!({"displayName": "Alice K", "bio": "hello"}).to_string();
    let (status, body) = h
        .call(Gw::V2, "PUT", "/profile", Some(&put), Some(&a))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["displayName"], "Alice K");
    assert_eq!(
        h.content.get_profile(&a.sub).await.unwrap().bio.as_deref(),
        Some("hello")
    );

    // Another user's prefix, a key never uploaded, and a path escape are all refused.
    let bob_key = format!("profiles/{}/x.png", bob().sub);
    upload_png(h, &bob_key).await;
    for key in [
        bob_key,
        format!("profiles/{}/missing.png", a.sub),
        format!("profiles/{}/../{}/x.png", a.sub, bob().sub),
    ] {
        let put = json!({"profileImage": key}).to_string();
        let (status, body) = h
            .call(Gw::V1, "PUT", "/profile", Some(&put), Some(&a))
            .await;
        assert_eq!(status, 400, "{key}: {body}");
        assert_eq!(error_field(&body), Some("profileImage"), "{body}");
    }
    let own = format!("profiles/{}/me.png", a.sub);
    upload_png(h, &own).await;
    let put = json!({"profileImage": own}).to_string();
    let (status, body) = h
        .call(Gw::V1, "PUT", "/profile", Some(&put), Some(&a))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["profileImageKey"], own);
    // The picture comes with a URL an app can show it by (the bucket is private).
    let url = body["profileImageUrl"]
        .as_str()
        .unwrap_or_else(|| panic!("no profileImageUrl: {body}"))
        .to_string();
    assert!(url.contains("me.png"), "{url}");
    if h.on_moto {
        let got = http("GET", &url, &[], &[]).await;
        let png = backoffice_domain::sandbox::images::picture(1, 64, 48, image::ImageFormat::Png);
        assert_eq!((got.status, got.body), (200, png));
    }
    let (_, synced) = h.call(Gw::V2, "GET", "/user/sync", None, Some(&a)).await;
    assert!(synced["profile"]["profileImageUrl"].is_string(), "{synced}");

    // A name alone keeps the picture; `null` removes it and keeps the name.
    let put = json!({"displayName": "Alice"}).to_string();
    let (status, body) = h
        .call(Gw::V1, "PUT", "/profile", Some(&put), Some(&a))
        .await;
    assert_eq!((status, &body["profileImageKey"]), (200, &json!(own)));
    let put = json!({"profileImage": null}).to_string();
    let (status, body) = h
        .call(Gw::V2, "PUT", "/profile", Some(&put), Some(&a))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["profileImageKey"], Value::Null, "{body}");
    assert_eq!(body["profileImageUrl"], Value::Null, "{body}");
    assert_eq!(body["displayName"], "Alice");
    // The answer's own name for the picture is taken too; a field the API does not know is
    // refused by name (it was dropped and the change silently not made); `null` for a text
    // field says it must be a string (it said "give at least one of …").
    let put = json!({"profileImageKey": own}).to_string();
    let (status, body) = h
        .call(Gw::V1, "PUT", "/profile", Some(&put), Some(&a))
        .await;
    assert_eq!(
        (status, &body["profileImageKey"]),
        (200, &json!(own)),
        "{body}"
    );
    for (sent, field) in [
        (json!({"displayName": "ok", "nickname": "x"}), "nickname"),
        (json!({"bio": null}), "bio"),
        (json!({"displayName": null}), "displayName"),
    ] {
        let (status, body) = h
            .call(Gw::V2, "PUT", "/profile", Some(&sent.to_string()), Some(&a))
            .await;
        assert_eq!(
            (status, error_field(&body)),
            (400, Some(field)),
            "{sent}: {body}"
        );
    }
    assert_eq!(
        h.content
            .get_profile(&a.sub)
            .await
            .unwrap()
            .display_name
            .as_deref(),
        Some("Alice"),
        "nothing of a refused body was written"
    );

    let (status, body) = h
        .call(Gw::V2, "PUT", "/profile", Some("{}"), Some(&a))
        .await;
    assert_eq!((status, error_field(&body)), (400, Some("body")));
}

async fn a_caller_without_a_profile_row_makes_it_with_their_first_edit(h: &Harness) {
    // Signed up before the trigger was deployed, or its run failed: Cognito has them, the
    // database does not.
    let late = Who {
        sub: sub(40),
        username: "late".into(),
        groups: vec![],
    };
    let (status, body) = h.call(Gw::V1, "GET", "/profile", None, Some(&late)).await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = h.call(Gw::V2, "GET", "/user/sync", None, Some(&late)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["profile"], Value::Null);

    let put = json!({"displayName": "Late Comer"}).to_string();
    let (status, body) = h
        .call(Gw::V2, "PUT", "/profile", Some(&put), Some(&late))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["sub"], late.sub.as_str());
    assert_eq!(body["displayName"], "Late Comer");
    let (status, body) = h.call(Gw::V1, "GET", "/profile", None, Some(&late)).await;
    assert_eq!((status, &body["displayName"]), (200, &json!("Late Comer")));
}

async fn posts_page_newest_first_with_a_cursor_on_both_gateways(h: &Harness) {
    let a = alice();
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(h.post(&a, &format!("post {n}")).await);
    }
    // A hidden post is not listed.
    h.content
        .moderate(&Moderation {
            target: ModerationTarget::Post(PostId::new(ids[2]).unwrap()),
            action: ModerationAction::Hide,
            actor: Actor::parse("ops").unwrap(),
            reason: Reason::parse("testing hide").unwrap(),
        })
        .await
        .unwrap();
    for gw in [Gw::V1, Gw::V2] {
        let mut seen = Vec::new();
        let mut target = "/posts?limit=2".to_string();
        loop {
            let (status, body) = h.call(gw, "GET", &target, None, Some(&bob())).await;
            assert_eq!(status, 200, "{gw:?} {body}");
            seen.extend(
                body["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p["id"].as_i64().unwrap()),
            );
            match body["cursor"].as_str() {
                Some(c) => target = format!("/posts?limit=2&cursor={c}"),
                None => break,
            }
        }
        assert_eq!(seen, [ids[4], ids[3], ids[1], ids[0]], "{gw:?}");
    }
    let (status, body) = h
        .call(
            Gw::V1,
            "GET",
            &format!("/posts/{}", ids[0]),
            None,
            Some(&bob()),
        )
        .await;
    assert_eq!((status, body["body"].as_str()), (200, Some("post 0")));
    // The hidden post: its author sees it, others get 404, an admin sees it.
    let hidden = format!("/posts/{}", ids[2]);
    assert_eq!(
        h.call(Gw::V2, "GET", &hidden, None, Some(&bob())).await.0,
        404
    );
    assert_eq!(h.call(Gw::V2, "GET", &hidden, None, Some(&a)).await.0, 200);
    assert_eq!(
        h.call(Gw::V1, "GET", &hidden, None, Some(&admin())).await.0,
        200
    );
}

/// A posts row no release writes (an author that is not a sub, set by hand) is left out of
/// `GET /posts`, and the rest of the page and the pages after it are served: it failed every
/// caller's feed with a 500. The row's own `GET` is still a 500 (it cannot be shown).
async fn a_posts_row_no_release_writes_is_left_out_of_the_page_not_the_page(h: &Harness) {
    let a = alice();
    let mut ids = Vec::new();
    for n in 0..4 {
        ids.push(h.post(&a, &format!("post {n}")).await);
    }
    h.raw(
        "UPDATE posts SET author_sub = 'not-a-sub' WHERE id = ?",
        ids[1],
    )
    .await;
    let mut seen = Vec::new();
    let mut target = "/posts?limit=2".to_string();
    loop {
        let (status, body) = h.call(Gw::V2, "GET", &target, None, Some(&bob())).await;
        assert_eq!(status, 200, "{body}");
        seen.extend(
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_i64().unwrap()),
        );
        assert!(
            !body.to_string().contains("invalid value"),
            "nothing of the row's fault goes to the client: {body}"
        );
        match body["cursor"].as_str() {
            Some(c) => target = format!("/posts?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, [ids[3], ids[2], ids[0]]);
    let (status, _) = h
        .call(
            Gw::V2,
            "GET",
            &format!("/posts/{}", ids[1]),
            None,
            Some(&bob()),
        )
        .await;
    assert_eq!(status, 500);
}

/// The hand-written answers: quotes, backslashes, line breaks, RTL text with a direction
/// override, an emoji joined by ZWJ and a long line come back as they were sent, from a page
/// and from the post alone, as JSON.
async fn an_awkward_body_comes_back_exactly_in_a_page_and_alone(h: &Harness) {
    let text = format!(
        "say \"hi\" to C:\\temp\\new\n\tindented\r\nשלום עולם \u{202e}reversed\u{202c} \
         👩‍💻 </script> {}",
        "x".repeat(4_000)
    );
    let id = h.post(&alice(), &text).await;
    for gw in [Gw::V1, Gw::V2] {
        let (status, page) = h
            .call(gw, "GET", "/posts?limit=1", None, Some(&bob()))
            .await;
        assert_eq!(status, 200, "{gw:?} {page}");
        assert_eq!(page["items"][0]["id"].as_i64(), Some(id), "{gw:?}");
        assert_eq!(
            page["items"][0]["body"].as_str(),
            Some(text.as_str()),
            "{gw:?}"
        );
        assert!(page["items"][0]["imageUrl"].is_null(), "{gw:?} {page}");
        let ((status, alone), headers) = send(
            &h.router,
            gw.event("GET", &format!("/posts/{id}"), None, Some(&bob())),
        )
        .await;
        assert_eq!(status, 200, "{gw:?} {alone}");
        assert_eq!(alone["body"].as_str(), Some(text.as_str()), "{gw:?}");
        assert_eq!(alone["authorSub"], page["items"][0]["authorSub"], "{gw:?}");
        assert_eq!(
            headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/json"),
            "{gw:?}"
        );
    }
}

async fn a_blocked_account_is_refused_whatever_its_token_says(h: &Harness) {
    let (a, b) = (alice(), bob());
    let id = h.post(&a, "before the ban").await;
    let ops = Actor::parse("ops:test").unwrap();
    h.content.set_blocked(&a.sub, true, &ops).await.unwrap();
    // Reads and writes alike, through either gateway: the token still verifies, the account
    // does not.
    for (gw, method, path, body) in [
        (Gw::V1, "GET", "/profile".to_string(), None),
        (Gw::V2, "GET", format!("/posts/{id}"), None),
        (
            Gw::V2,
            "POST",
            "/posts".to_string(),
            Some(json!({"body": "after the ban"}).to_string()),
        ),
        (Gw::V1, "DELETE", format!("/posts/{id}"), None),
    ] {
        let (status, answer) = h.call(gw, method, &path, body.as_deref(), Some(&a)).await;
        assert_eq!(
            (status, answer["error"]["code"].as_str()),
            (403, Some("account_disabled")),
            "{method} {path}: {answer}"
        );
    }
    assert_eq!(
        h.content
            .get_post(PostId::new(id).unwrap())
            .await
            .unwrap()
            .status,
        ContentStatus::Visible,
        "the refused delete changed nothing"
    );
    // Others are not affected, and lifting the block lets the account back in.
    assert_eq!(
        h.call(Gw::V1, "GET", "/profile", None, Some(&b)).await.0,
        200
    );
    h.content.set_blocked(&a.sub, false, &ops).await.unwrap();
    assert_eq!(
        h.call(Gw::V1, "GET", "/profile", None, Some(&a)).await.0,
        200
    );
}

async fn only_the_author_edits_or_deletes_a_post(h: &Harness) {
    let (a, b) = (alice(), bob());
    let id = h.post(&a, "mine").await;
    let path = format!("/posts/{id}");
    let edit = json!({"body": "changed"}).to_string();
    let (status, body) = h.call(Gw::V1, "PUT", &path, Some(&edit), Some(&b)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    // An admin moderates but never rewrites someone else's words.
    assert_eq!(
        h.call(Gw::V2, "PUT", &path, Some(&edit), Some(&admin()))
            .await
            .0,
        403
    );
    assert_eq!(h.call(Gw::V2, "DELETE", &path, None, Some(&b)).await.0, 403);
    assert_eq!(
        h.content
            .get_post(PostId::new(id).unwrap())
            .await
            .unwrap()
            .body,
        "mine"
    );
    let (status, body) = h.call(Gw::V2, "PUT", &path, Some(&edit), Some(&a)).await;
    assert_eq!((status, body["body"].as_str()), (200, Some("changed")));
    let (status, body) = h.call(Gw::V1, "DELETE", &path, None, Some(&a)).await;
    assert_eq!(status, 204, "{body}");
    let post = h.content.get_post(PostId::new(id).unwrap()).await.unwrap();
    assert_eq!(post.status, ContentStatus::Removed, "deletes are soft");
    assert_eq!(h.call(Gw::V1, "GET", &path, None, Some(&a)).await.0, 404);
    assert_eq!(h.call(Gw::V1, "DELETE", &path, None, Some(&a)).await.0, 404);
    let audit = h.audit_of(&id.to_string()).await;
    assert_eq!(audit.items.len(), 1);
    assert_eq!(audit.items[0].actor, a.sub.as_str());
    assert_eq!(
        audit.items[0].reason.as_deref(),
        Some("deleted by its author")
    );
    // A reason the author gives is kept after it (it was dropped without a word).
    let other = h.post(&a, "second thoughts").await;
    // The author's reason is held to a reason's limits, as an admin's is (`ab` passed).
    let short = json!({"reason": "ab"}).to_string();
    let (status, body) = h
        .call(
            Gw::V2,
            "DELETE",
            &format!("/posts/{other}"),
            Some(&short),
            Some(&a),
        )
        .await;
    assert_eq!(
        (status, error_field(&body)),
        (400, Some("reason")),
        "{body}"
    );
    let said = json!({"reason": "posted by mistake"}).to_string();
    let (status, body) = h
        .call(
            Gw::V2,
            "DELETE",
            &format!("/posts/{other}"),
            Some(&said),
            Some(&a),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    let audit = h.audit_of(&other.to_string()).await;
    assert_eq!(
        audit.items[0].reason.as_deref(),
        Some("deleted by its author: posted by mistake")
    );
}

async fn an_admin_removes_with_a_reason_and_the_audit_row_says_who(h: &Harness) {
    let id = h.post(&alice(), "rude words").await;
    let path = format!("/posts/{id}");
    let (status, body) = h.call(Gw::V2, "DELETE", &path, None, Some(&admin())).await;
    assert_eq!(
        (status, error_field(&body)),
        (400, Some("reason")),
        "{body}"
    );
    // A `null` reason is refused as such (it read as none: "gives a reason"), and one sent in
    // the body and as `?reason=` is refused (the body's won without a word).
    let null = json!({"reason": null}).to_string();
    let (status, body) = h
        .call(Gw::V2, "DELETE", &path, Some(&null), Some(&admin()))
        .await;
    assert_eq!(
        (status, body["error"]["message"].as_str()),
        (400, Some("is null; leave it out to give none")),
        "{body}"
    );
    let (status, body) = h
        .call(
            Gw::V2,
            "DELETE",
            &format!("{path}?reason=from+the+query"),
            Some(&json!({"reason": "from the body"}).to_string()),
            Some(&admin()),
        )
        .await;
    assert_eq!(
        (status, error_field(&body)),
        (400, Some("reason")),
        "{body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("given twice")),
        "{body}"
    );
    let reason = json!({"reason": "harassment of another user"}).to_string();
    let (status, body) = h
        .call(Gw::V2, "DELETE", &path, Some(&reason), Some(&admin()))
        .await;
    assert_eq!(status, 204, "{body}");
    let audit = h.audit_of(&id.to_string()).await;
    assert_eq!(audit.items.len(), 1);
    assert_eq!(audit.items[0].actor, format!("admin:{}", admin().sub));
    assert_eq!(
        audit.items[0].reason.as_deref(),
        Some("harassment of another user")
    );
    // Whose post it was stays beside the status.
    let after: serde_json::Value =
        serde_json::from_str(audit.items[0].after.as_deref().unwrap()).unwrap();
    assert_eq!(
        after,
        json!({ "status": "removed", "author": alice().sub.as_str() })
    );
    // v1 gateway, reason in the query string.
    let other = h.post(&alice(), "more").await;
    let (status, _) = h
        .call(
            Gw::V1,
            "DELETE",
            &format!("/posts/{other}?reason=spam+links"),
            None,
            Some(&admin()),
        )
        .await;
    assert_eq!(status, 204);
}

/// `GET /user/sync` gives the caller's 20 latest posts that are not removed: a first page of
/// 20 filtered afterwards gave a user who had deleted their latest posts fewer, or none.
async fn sync_returns_the_latest_twenty_posts_not_removed(h: &Harness) {
    let a = alice();
    let mut ids = Vec::new();
    for n in 0..45 {
        ids.push(h.post(&a, &format!("post {n}")).await);
    }
    // The 21 newest deleted by their author.
    for id in &ids[24..] {
        let (status, body) = h
            .call(Gw::V2, "DELETE", &format!("/posts/{id}"), None, Some(&a))
            .await;
        assert_eq!(status, 204, "{body}");
    }
    let (status, body) = h.call(Gw::V2, "GET", "/user/sync", None, Some(&a)).await;
    assert_eq!(status, 200, "{body}");
    let got: Vec<i64> = body["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    let want: Vec<i64> = ids[4..24].iter().rev().copied().collect();
    assert_eq!(got, want);
}

async fn a_comment_notifies_the_author_and_sync_returns_it(h: &Harness) {
    let (a, b) = (alice(), bob());
    let id = h.post(&a, "ask me anything").await;
    let comment = json!({"body": "what is your favourite colour?"}).to_string();
    let (status, body) = h
        .call(
            Gw::V1,
            "POST",
            &format!("/posts/{id}/comments"),
            Some(&comment),
            Some(&b),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["authorSub"], b.sub.as_str());
    let (status, body) = h
        .call(
            Gw::V2,
            "GET",
            &format!("/posts/{id}/comments"),
            None,
            Some(&a),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["items"].as_array().unwrap().len(), 1);

    let (status, body) = h.call(Gw::V2, "GET", "/user/sync", None, Some(&a)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["profile"]["sub"], a.sub.as_str());
    assert_eq!(body["posts"][0]["id"], id);
    let notes = body["notifications"]["items"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["actorSub"], b.sub.as_str());
    let note_id = notes[0]["id"].as_i64().unwrap();
    // Bob cannot mark Alice's notification read; Alice can, once.
    let mark = json!({"ids": [note_id]}).to_string();
    let (_, body) = h
        .call(Gw::V1, "POST", "/notifications/read", Some(&mark), Some(&b))
        .await;
    assert_eq!(body["marked"], 0);
    let (status, body) = h
        .call(Gw::V1, "POST", "/notifications/read", Some(&mark), Some(&a))
        .await;
    assert_eq!((status, body["marked"].as_u64()), (200, Some(1)));
    let (_, body) = h
        .call(Gw::V2, "GET", "/notifications?unread=true", None, Some(&a))
        .await;
    assert_eq!(body["items"].as_array().unwrap().len(), 0);
    let (_, body) = h
        .call(Gw::V2, "GET", "/notifications", None, Some(&a))
        .await;
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    // Her own comment does not notify her.
    let own = json!({"body": "red"}).to_string();
    h.call(
        Gw::V1,
        "POST",
        &format!("/posts/{id}/comments"),
        Some(&own),
        Some(&a),
    )
    .await;
    let (_, body) = h
        .call(Gw::V2, "GET", "/notifications?unread=true", None, Some(&a))
        .await;
    assert_eq!(body["items"].as_array().unwrap().len(), 0);
}

async fn comments_are_deleted_by_their_author_or_an_admin_only(h: &Harness) {
    let (a, b) = (alice(), bob());
    let id = h.post(&a, "post").await;
    let body = json!({"body": "first"}).to_string();
    let (_, c) = h
        .call(
            Gw::V2,
            "POST",
            &format!("/posts/{id}/comments"),
            Some(&body),
            Some(&b),
        )
        .await;
    let cid = c["id"].as_i64().unwrap();
    // The post's author does not own the comment.
    assert_eq!(
        h.call(
            Gw::V1,
            "DELETE",
            &format!("/comments/{cid}"),
            None,
            Some(&a)
        )
        .await
        .0,
        403
    );
    assert_eq!(
        h.call(
            Gw::V1,
            "DELETE",
            &format!("/comments/{cid}"),
            None,
            Some(&b)
        )
        .await
        .0,
        204
    );
    let comment = h
        .content
        .get_comment(CommentId::new(cid).unwrap())
        .await
        .unwrap();
    assert_eq!(comment.status, ContentStatus::Removed);
    let (_, c2) = h
        .call(
            Gw::V2,
            "POST",
            &format!("/posts/{id}/comments"),
            Some(&body),
            Some(&b),
        )
        .await;
    let path = format!("/comments/{}?reason=off+topic", c2["id"]);
    assert_eq!(
        h.call(Gw::V2, "DELETE", &path, None, Some(&admin()))
            .await
            .0,
        204
    );
    let (_, listed) = h
        .call(
            Gw::V1,
            "GET",
            &format!("/posts/{id}/comments"),
            None,
            Some(&a),
        )
        .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 0, "{listed}");
}

/// `GET /users/{sub}`: the name, bio and picture an app shows beside a post (posts carry only
/// `authorSub`), to anyone signed in; never the e-mail.
async fn a_person_is_shown_to_anyone_signed_in_without_their_e_mail(h: &Harness) {
    let edit = json!({"displayName": "Alice ✨", "bio": "hello"}).to_string();
    let (status, body) = h
        .call(Gw::V2, "PUT", "/profile", Some(&edit), Some(&alice()))
        .await;
    assert_eq!(status, 200, "{body}");
    let path = format!("/users/{}", alice().sub);
    let (status, body) = h.call(Gw::V1, "GET", &path, None, Some(&bob())).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["sub"], alice().sub.as_str());
    assert_eq!(body["displayName"], "Alice ✨");
    assert_eq!(body["bio"], "hello");
    assert!(body.get("email").is_none(), "{body}");
    assert!(body["profileImageUrl"].is_null(), "{body}");
    let (status, _) = h.call(Gw::V2, "GET", &path, None, None).await;
    assert_eq!(status, 401);
    let (status, body) = h
        .call(
            Gw::V2,
            "GET",
            "/users/00000000-0000-4000-8000-00000000beef",
            None,
            Some(&bob()),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, body) = h
        .call(Gw::V2, "GET", "/users/not-a-sub", None, Some(&bob()))
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("sub"))
    );
}

async fn a_person_is_reported_by_their_sub_once_and_never_by_themselves(h: &Harness) {
    let report = json!({"reason": "impersonation", "note": "name copies a moderator"}).to_string();
    let path = format!("/users/{}/reports", alice().sub);
    let (status, body) = h
        .call(Gw::V2, "POST", &path, Some(&report), Some(&bob()))
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["target"]["kind"], "user", "{body}");
    let (status, body) = h
        .call(Gw::V1, "POST", &path, Some(&report), Some(&bob()))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("conflict"))
    );
    let (status, body) = h
        .call(Gw::V1, "POST", &path, Some(&report), Some(&alice()))
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("sub")),
        "{body}"
    );
    let nobody = format!("/users/{}/reports", sub(99));
    let (status, body) = h
        .call(Gw::V2, "POST", &nobody, Some(&report), Some(&bob()))
        .await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = h
        .call(
            Gw::V2,
            "POST",
            "/users/not-a-sub/reports",
            Some(&report),
            Some(&bob()),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("sub")),
        "{body}"
    );
    let queue = h
        .content
        .report_queue(&Default::default(), PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(queue.items.len(), 1);
    assert_eq!(queue.items[0].target, Target::User(alice().sub));
}

async fn a_user_reports_a_target_once(h: &Harness) {
    let id = h.post(&alice(), "report me").await;
    let report = json!({"reason": "spam", "note": "link farm"}).to_string();
    let path = format!("/posts/{id}/reports");
    let (status, body) = h
        .call(Gw::V1, "POST", &path, Some(&report), Some(&bob()))
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["status"], "open");
    let (status, body) = h
        .call(Gw::V2, "POST", &path, Some(&report), Some(&bob()))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("conflict"))
    );
    let (_, c) = h
        .call(
            Gw::V2,
            "POST",
            &format!("/posts/{id}/comments"),
            Some(r#"{"body":"x"}"#),
            Some(&alice()),
        )
        .await;
    let (status, _) = h
        .call(
            Gw::V1,
            "POST",
            &format!("/comments/{}/reports", c["id"]),
            Some(&report),
            Some(&bob()),
        )
        .await;
    assert_eq!(status, 201);
    let (status, body) = h
        .call(
            Gw::V1,
            "POST",
            "/posts/999999/reports",
            Some(&report),
            Some(&bob()),
        )
        .await;
    assert_eq!(status, 404, "{body}");
    let queue = h
        .content
        .report_queue(&Default::default(), PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(queue.items.len(), 2);

    // While reported, the author cannot edit the reported words away.
    let (status, body) = h
        .call(
            Gw::V2,
            "PUT",
            &format!("/posts/{id}"),
            Some(r#"{"body":"nothing to see here"}"#),
            Some(&alice()),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("conflict")),
        "{body}"
    );

    // A comment under a hidden post answers as if it did not exist.
    let hidden = h.post(&alice(), "to be hidden").await;
    let (_, c) = h
        .call(
            Gw::V2,
            "POST",
            &format!("/posts/{hidden}/comments"),
            Some(r#"{"body":"under a post about to be hidden"}"#),
            Some(&alice()),
        )
        .await;
    h.content
        .moderate(&Moderation {
            target: ModerationTarget::Post(PostId::new(hidden).unwrap()),
            action: ModerationAction::Hide,
            actor: Actor::parse("ops:test").unwrap(),
            reason: Reason::parse("spam").unwrap(),
        })
        .await
        .unwrap();
    let (status, body) = h
        .call(
            Gw::V1,
            "POST",
            &format!("/comments/{}/reports", c["id"]),
            Some(&report),
            Some(&bob()),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found")),
        "{body}"
    );

    // Nobody reports their own post or comment (the open report then kept the author from
    // editing it); an empty note is no note.
    let own = h.post(&bob(), "bob's own words").await;
    let (_, mine) = h
        .call(
            Gw::V2,
            "POST",
            &format!("/posts/{own}/comments"),
            Some(r#"{"body":"bob's comment"}"#),
            Some(&bob()),
        )
        .await;
    for path in [
        format!("/posts/{own}/reports"),
        format!("/comments/{}/reports", mine["id"]),
    ] {
        let (status, body) = h
            .call(Gw::V1, "POST", &path, Some(&report), Some(&bob()))
            .await;
        assert_eq!(
            (status, error_field(&body)),
            (400, Some("id")),
            "{path}: {body}"
        );
    }
    let blank = json!({"reason": "spam", "note": "  "}).to_string();
    let (status, body) = h
        .call(
            Gw::V2,
            "POST",
            &format!("/posts/{own}/reports"),
            Some(&blank),
            Some(&alice()),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["note"], Value::Null, "{body}");
}

async fn bad_input_is_refused_with_the_field_named(h: &Harness) {
    let a = alice();
    type Case<'a> = (Gw, &'a str, String, Option<String>, u16, Option<&'a str>);
    let mine = h.post(&a, "to be deleted").await;
    let cases: Vec<Case<'_>> = vec![
        // A reason a Latin-1 client encoded is refused, not written to the audit row as
        // `gel�scht`; so is any other parameter that is not UTF-8.
        (
            Gw::V2,
            "DELETE",
            format!("/posts/{mine}?reason=gel%F6scht"),
            None,
            400,
            Some("reason"),
        ),
        // A parameter given twice: one read took the first, another the last.
        (
            Gw::V2,
            "GET",
            "/posts?limit=5&limit=6".into(),
            None,
            400,
            Some("limit"),
        ),
        (
            Gw::V2,
            "GET",
            "/posts?autho%FFr=1".into(),
            None,
            400,
            Some("query"),
        ),
        // A name the API does not read (`autor` listed every post, not the author's), and a
        // `%` that starts no escape (`%ZZ` was read as those characters).
        (
            Gw::V2,
            "GET",
            "/posts?autor=ann".into(),
            None,
            400,
            Some("query"),
        ),
        (
            Gw::V1,
            "GET",
            "/posts?limit=5&page=2".into(),
            None,
            400,
            Some("query"),
        ),
        (
            Gw::V2,
            "DELETE",
            format!("/posts/{mine}?reason=100%ZZsure"),
            None,
            400,
            Some("reason"),
        ),
        (
            Gw::V1,
            "POST",
            "/posts".into(),
            Some("{\"body\": ".into()),
            400,
            Some("body"),
        ),
        (
            Gw::V2,
            "POST",
            "/posts".into(),
            Some(r#"{"body": 5}"#.into()),
            400,
            Some("body"),
        ),
        (
            Gw::V2,
            "POST",
            "/posts".into(),
            Some(r#"{"imageKey": null}"#.into()),
            400,
            Some("body"),
        ),
        (
            Gw::V1,
            "POST",
            "/posts".into(),
            Some(r#"{"body": ""}"#.into()),
            400,
            Some("body"),
        ),
        (
            Gw::V1,
            "PUT",
            "/profile".into(),
            Some(r#"{"displayName": "x\u0007"}"#.into()),
            400,
            Some("displayName"),
        ),
        (
            Gw::V2,
            "PUT",
            "/profile".into(),
            Some(r#"{"displayName": "admin\u202Enimda"}"#.into()),
            400,
            Some("displayName"),
        ),
        (
            Gw::V1,
            "PUT",
            "/profile".into(),
            Some(r#"{"displayName": "zero\u200Bwidth"}"#.into()),
            400,
            Some("displayName"),
        ),
        (Gw::V2, "GET", "/posts/abc".into(), None, 400, Some("id")),
        (
            Gw::V2,
            "GET",
            "/posts?limit=0".into(),
            None,
            400,
            Some("limit"),
        ),
        (
            Gw::V1,
            "GET",
            "/posts?limit=101".into(),
            None,
            400,
            Some("limit"),
        ),
        (
            Gw::V2,
            "GET",
            "/posts?cursor=garbage".into(),
            None,
            400,
            Some("cursor"),
        ),
        (
            Gw::V2,
            "GET",
            "/notifications?unread=maybe".into(),
            None,
            400,
            Some("unread"),
        ),
        (
            Gw::V1,
            "POST",
            "/notifications/read".into(),
            Some(r#"{"ids": [0]}"#.into()),
            400,
            Some("ids"),
        ),
        (
            Gw::V2,
            "POST",
            "/posts".into(),
            Some(format!("{{\"body\": \"{}\"}}", "x".repeat(9000))),
            413,
            None,
        ),
        // An array is not an object (serde read `["via array", null]` as a post's fields).
        (
            Gw::V2,
            "POST",
            "/posts".into(),
            Some(r#"["via array", null]"#.into()),
            400,
            Some("body"),
        ),
        (
            Gw::V1,
            "PUT",
            "/profile".into(),
            Some("7".into()),
            400,
            Some("body"),
        ),
        // A DELETE's body over the limit is refused as a POST's is, not in axum's words.
        (
            Gw::V2,
            "DELETE",
            "/posts/1".into(),
            Some(format!("{{\"reason\": \"{}\"}}", "x".repeat(9000))),
            413,
            None,
        ),
        // A path whose percent-encoding is not UTF-8 names the path.
        (Gw::V2, "GET", "/posts/%ff".into(), None, 400, Some("path")),
        (Gw::V2, "GET", "/nowhere".into(), None, 404, None),
        (Gw::V1, "PATCH", "/posts".into(), None, 405, None),
    ];
    for (gw, method, path, body, status, field) in cases {
        let (got, answer) = h.call(gw, method, &path, body.as_deref(), Some(&a)).await;
        assert_eq!(got, status, "{method} {path}: {answer}");
        assert_eq!(error_field(&answer), field, "{method} {path}: {answer}");
        // Only the documented codes, and no type of ours in a message.
        let code = answer["error"]["code"].as_str().unwrap_or_default();
        assert!(
            ["invalid", "too_large", "not_found", "method_not_allowed"].contains(&code),
            "{method} {path}: {answer}"
        );
        assert!(
            !answer["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("Body"),
            "{method} {path}: {answer}"
        );
        assert!(
            answer["requestId"].as_str().is_some_and(|r| !r.is_empty()),
            "{answer}"
        );
        assert!(
            answer["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{answer}"
        );
    }
    // The unknown name is said with the nearest the API reads; a name starting with `_` (a
    // cache-buster) is left alone.
    let (_, answer) = h
        .call(Gw::V2, "GET", "/posts?autor=ann", None, Some(&a))
        .await;
    assert_eq!(
        answer["error"]["message"],
        "unknown parameter \"autor\" (did you mean author?): GET /posts reads author, cursor, \
         limit",
        "{answer}"
    );
    // Each route reads its own names: `author` on a thread's comments was ignored, and a
    // page number is pointed to the cursor.
    let thread = format!("/posts/{mine}/comments?author={}", a.sub);
    let (got, answer) = h.call(Gw::V2, "GET", &thread, None, Some(&a)).await;
    assert_eq!(got, 400, "{answer}");
    assert_eq!(
        answer["error"]["message"],
        "unknown parameter \"author\": GET /posts/{id}/comments reads cursor, limit",
        "{answer}"
    );
    let (_, answer) = h.call(Gw::V1, "GET", "/posts?page=2", None, Some(&a)).await;
    assert!(
        answer["error"]["message"]
            .as_str()
            .is_some_and(|m| m
                .ends_with("pages are read by cursor: pass back the cursor of the page before")),
        "{answer}"
    );
    // A trailing slash is named, with the route meant.
    let (got, answer) = h.call(Gw::V2, "GET", "/posts/", None, Some(&a)).await;
    assert_eq!(got, 404, "{answer}");
    assert_eq!(
        answer["error"]["message"], "no such route; routes end without a slash: /posts",
        "{answer}"
    );
    // The router's answers and a missing caller come first: 404, 405, 401.
    for (method, path, caller, status) in [
        ("GET", "/nowhere?autor=x", Some(&a), 404),
        ("PATCH", "/posts?autor=x", Some(&a), 405),
        ("GET", "/posts?autor=x", None, 401),
        ("GET", "/posts?lim%FFit=5", None, 401),
    ] {
        let (got, answer) = h.call(Gw::V2, method, path, None, caller).await;
        assert_eq!(got, status, "{method} {path}: {answer}");
    }
    // A name that reads as another is named with its hidden character escaped.
    let (_, answer) = h
        .call(Gw::V2, "GET", "/posts?auth%E2%80%8Bor=x", None, Some(&a))
        .await;
    assert!(
        answer["error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("unknown parameter \"auth\\u{200b}or\"")),
        "{answer}"
    );
    let (got, answer) = h
        .call(Gw::V2, "GET", "/posts?limit=2&_=1733471234", None, Some(&a))
        .await;
    assert_eq!(got, 200, "{answer}");
    // A DELETE's body is held to a body's rules whoever sends it: the author's `[]` was
    // ignored, a text/plain one read; the post stays.
    let own = h.post(&a, "mine, to keep").await;
    let path = format!("/posts/{own}");
    for (body, field) in [("[]", "body"), (r#"{"reason": 5}"#, "reason")] {
        let (got, answer) = h.call(Gw::V2, "DELETE", &path, Some(body), Some(&a)).await;
        assert_eq!((got, error_field(&answer)), (400, Some(field)), "{answer}");
    }
    let mut plain = Gw::V2.event(
        "DELETE",
        &path,
        Some(r#"{"reason": "spam spam"}"#),
        Some(&a),
    );
    plain["headers"]["content-type"] = json!("text/plain");
    let (got, answer) = h.send(plain).await;
    assert_eq!(got, 415, "{answer}");
    assert_eq!(h.call(Gw::V2, "GET", &path, None, Some(&a)).await.0, 200);
    // An upload's purpose of the wrong shape names `purpose` (a null read as a broken body, and
    // `{"post": null}` was taken for `post`).
    for purpose in ["null", "5", r#"{"post": null}"#, r#""avatar""#] {
        let body =
            format!(r#"{{"purpose": {purpose}, "contentType": "image/png", "contentLength": 5}}"#);
        let (got, answer) = h
            .call(Gw::V2, "POST", "/uploads", Some(&body), Some(&a))
            .await;
        assert_eq!(
            (got, error_field(&answer)),
            (400, Some("purpose")),
            "{purpose}: {answer}"
        );
    }
    // No identity at all: 401 on every route, with the scheme to use.
    for (method, path) in [
        ("GET", "/profile"),
        ("POST", "/posts"),
        ("DELETE", "/posts/1"),
    ] {
        let ((status, body), headers) =
            send(&h.router, Gw::V2.event(method, path, None, None)).await;
        assert_eq!(status, 401, "{method} {path}: {body}");
        // RFC 6750 §3.1: no error code when no token was sent.
        assert_eq!(headers.get("www-authenticate").unwrap(), "Bearer");
    }
    // Claims from another app client are refused even though API Gateway passed them.
    let mut event = Gw::V2.event("GET", "/profile", None, Some(&a));
    event["requestContext"]["authorizer"]["jwt"]["claims"]["client_id"] = json!("someone-else");
    assert_eq!(h.send(event).await.0, 401);
}

async fn an_upload_is_signed_for_its_exact_type_and_length(h: &Harness) {
    let a = alice();
    let ask =
        json!({"purpose": "post", "contentType": "image/png", "contentLength": 2048}).to_string();
    let (status, body) = h
        .call(Gw::V2, "POST", "/uploads", Some(&ask), Some(&a))
        .await;
    if !h.on_moto {
        // The sandbox cannot presign a PUT: a clear 501 without internal detail.
        assert_eq!(status, 501, "{body}");
        assert_eq!(body["error"]["message"], "this is not available here");
        return;
    }
    assert_eq!(status, 201, "{body}");
    let key = body["key"].as_str().unwrap().to_string();
    assert!(
        key.starts_with(&format!("posts/{}/", a.sub)) && key.ends_with(".png"),
        "{key}"
    );
    let url = body["url"].as_str().unwrap();
    assert!(!url.contains("acl"), "no ACL is ever signed: {url}");
    let signed = url
        .split('&')
        .find_map(|p| p.strip_prefix("X-Amz-SignedHeaders="))
        .unwrap_or_else(|| panic!("no signed headers in {url}"));
    let signed = signed.replace("%3B", ";");
    for header in ["content-length", "content-type", "host"] {
        assert!(
            signed.split(';').any(|h| h == header),
            "{header} not signed: {signed}"
        );
    }
    assert_eq!(
        body["headers"]["content-type"]
            .as_str()
            .or(body["headers"]["Content-Type"].as_str()),
        Some("image/png"),
        "{body}"
    );
    // The client uploads with the URL; moto accepts it (it does not check signatures).
    let png = backoffice_domain::sandbox::images::picture(2, 40, 40, image::ImageFormat::Png);
    let headers = vec![
        ("content-type".to_string(), "image/png".to_string()),
        ("content-length".to_string(), png.len().to_string()),
    ];
    let put = http("PUT", url, &headers, &png).await;
    assert_eq!(put.status, 200, "{}", String::from_utf8_lossy(&put.body));
    let create = json!({"body": "with a picture", "imageKey": key}).to_string();
    let (status, body) = h
        .call(Gw::V1, "POST", "/posts", Some(&create), Some(&a))
        .await;
    assert_eq!(status, 201, "{body}");
    assert!(
        body["imageUrl"]
            .as_str()
            .is_some_and(|u| u.contains("X-Amz-Signature")),
        "{body}"
    );

    for (ask, field) in [
        (
            json!({"purpose": "post", "contentType": "image/gif", "contentLength": 10}),
            "contentType",
        ),
        (
            json!({"purpose": "post", "contentType": "image/png", "contentLength": 2 * 1024 * 1024}),
            "contentLength",
        ),
        (
            json!({"purpose": "post", "contentType": "image/png", "contentLength": 0}),
            "contentLength",
        ),
        (
            json!({"purpose": "post", "contentType": "image/png", "contentLength": -1}),
            "contentLength",
        ),
        (
            json!({"purpose": "post", "contentType": "image/png", "contentLength": 1.5}),
            "contentLength",
        ),
        (
            json!({"purpose": "post", "contentType": "image/png", "contentLength": "abc"}),
            "contentLength",
        ),
        (
            json!({"purpose": "avatar", "contentType": "image/png", "contentLength": 10}),
            "purpose",
        ),
    ] {
        let (status, body) = h
            .call(Gw::V2, "POST", "/uploads", Some(&ask.to_string()), Some(&a))
            .await;
        assert_eq!(
            (status, error_field(&body)),
            (400, Some(field)),
            "{ask}: {body}"
        );
        // Every size out of range, or not a whole number, gets the one range sentence (1.5 and
        // "abc" got the parser's words).
        if field == "contentLength" {
            assert!(
                body["error"]["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("must be a whole number of bytes from 1 to ")),
                "{ask}: {body}"
            );
        }
    }
}

// ---- failures, logs and tokens -------------------------------------------------------------

#[tokio::test]
async fn a_database_failure_answers_503_with_only_a_request_id_and_logs_the_cause() {
    let logs = crate::support::captured_logs();
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::open(dir.path()).await.unwrap();
    let router = api::router(api(
        Arc::new(sandbox.content.clone()),
        Arc::new(sandbox.objects.clone()),
        Sandbox::bucket(),
    ));
    sandbox.content.pool().close().await;
    let ((status, body), headers) =
        send(&router, Gw::V2.event("GET", "/posts", None, Some(&alice()))).await;
    assert!(status >= 500, "{status} {body}");
    let request_id = body["requestId"].as_str().unwrap().to_string();
    assert_eq!(headers["x-request-id"], request_id.as_str());
    let text = body.to_string().to_lowercase();
    for leak in ["sqlx", "pool", "closed", "sqlite", "database"] {
        assert!(!text.contains(leak), "the body leaks {leak}: {body}");
    }
    let lines = logs.lines();
    let mine: Vec<&Value> = lines
        .iter()
        .filter(|l| l["requestId"] == request_id.as_str())
        .collect();
    let cause = mine
        .iter()
        .find(|l| l["message"] == "request error")
        .unwrap_or_else(|| panic!("no cause logged: {mine:?}"));
    assert!(
        cause["cause"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("closed"),
        "{cause}"
    );
    let summary = mine
        .iter()
        .find(|l| l["message"] == "request failed")
        .unwrap();
    assert_eq!(summary["level"], "ERROR");
    assert_eq!(summary["route"], "/posts");
    assert_eq!(summary["status"], status);
    assert!(summary["latencyMs"].as_f64().is_some());
}

#[tokio::test]
async fn every_request_logs_one_line_with_its_route_and_status() {
    let logs = crate::support::captured_logs();
    let h = Harness::sandbox().await;
    let mut event = Gw::V1.event("GET", "/posts/7", None, Some(&alice()));
    // On Lambda the invocation id becomes the request id, so REPORT lines and errors match.
    event["requestContext"]["requestId"] = json!("gateway-id");
    let ((status, _), headers) = send(&h.router, event).await;
    assert_eq!(status, 404);
    let id = headers["x-request-id"].to_str().unwrap().to_string();
    let lines = logs.lines();
    let served: Vec<&Value> = lines
        .iter()
        .filter(|l| l["requestId"] == id.as_str())
        .collect();
    assert_eq!(served.len(), 1, "{lines:?}");
    assert_eq!(served[0]["route"], "/posts/{id}");
    assert_eq!(served[0]["method"], "GET");
    assert_eq!(served[0]["status"], 404);
    assert_eq!(served[0]["level"], "WARN");
    // Which refusal: the code (causes logged the same line), and for a refused caller why;
    // nothing where they do not apply.
    assert_eq!(served[0]["code"], "not_found");
    assert!(
        served[0].get("why").is_none() && served[0].get("field").is_none(),
        "{}",
        served[0]
    );
    // The status of `event` and the line logged for it.
    let logged = |event: Value| {
        let logs = &logs;
        let router = &h.router;
        async move {
            let ((status, _), headers) = send(router, event).await;
            let id = headers["x-request-id"].to_str().unwrap().to_string();
            let lines = logs.lines();
            let line = lines
                .iter()
                .find(|l| l["requestId"] == id.as_str())
                .cloned()
                .unwrap_or_else(|| panic!("{lines:?}"));
            (status, line)
        }
    };
    let (status, refused) = logged(Gw::V2.event("GET", "/posts", None, None)).await;
    assert_eq!(status, 401);
    assert_eq!(refused["code"], "unauthorized", "{refused}");
    assert!(
        refused["why"].as_str().is_some_and(|w| !w.is_empty()),
        "{refused}"
    );
    // A query refused says which name (`autor` and `page` logged the same line).
    let event = Gw::V2.event("GET", "/posts?autor=x", None, Some(&alice()));
    let (status, refused) = logged(event).await;
    assert_eq!(status, 400);
    assert_eq!(refused["field"], "query", "{refused}");
    assert!(
        refused["why"]
            .as_str()
            .is_some_and(|w| w.starts_with("unknown parameter \"autor\"")),
        "{refused}"
    );
    // And a value refused says why (`?limit=0` and `?limit=abc` logged the same bare line),
    // in the API's words: the value itself is not logged.
    let event = Gw::V2.event("GET", "/posts?limit=abc", None, Some(&alice()));
    let (status, refused) = logged(event).await;
    assert_eq!(status, 400);
    assert_eq!(refused["field"], "limit", "{refused}");
    assert_eq!(
        refused["why"], "must be a whole number from 1 to 100",
        "{refused}"
    );
    assert!(!refused.to_string().contains("abc"), "{refused}");
}

fn token_router(h: &Harness, user: &MotoUser, accepted: ExpectedUse) -> Router {
    let jwt = JwtSettings::cognito("us-east-1", &user.pool_id, vec![user.client_id.clone()])
        .with_jwks_url(format!(
            "{}/{}/.well-known/jwks.json",
            moto_endpoint(),
            user.pool_id
        ));
    api::router(Api {
        auth: Auth {
            verifier: Some(Arc::new(JwtVerifier::new(jwt).unwrap())),
            client_ids: vec![user.client_id.clone()],
            accepted,
            blocks: Arc::new(BlockCheck::new(std::time::Duration::ZERO)),
        },
        ..api(h.content.clone(), h.objects.clone(), h.bucket.clone())
    })
}

/// A Function URL event (v2 shape, no authorizer) carrying the token in `Authorization`.
fn bearer_event(method: &str, path: &str, authorization: &str) -> Value {
    let mut e = Gw::V2.event(method, path, None, None);
    e["headers"]["authorization"] = json!(authorization);
    e
}

#[tokio::test]
#[ignore = "needs services: tests/run.sh"]
async fn tokens_moto_issues_are_verified_against_its_jwks_and_never_logged() {
    let logs = crate::support::captured_logs();
    let h = Harness::mariadb_moto().await;
    let user = moto_user().await;
    h.content
        .upsert_profile(&NewProfile {
            sub: user.sub.clone(),
            email: None,
            display_name: None,
        })
        .await
        .unwrap();
    let router = token_router(&h, &user, ExpectedUse::Either);
    // The web app's id token with Bearer; the Flutter app's access token without it.
    for authorization in [
        format!("Bearer {}", user.id_token),
        user.access_token.clone(),
    ] {
        let ((status, body), _) =
            send(&router, bearer_event("GET", "/profile", &authorization)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["sub"], user.sub.as_str());
    }
    // A token with its payload changed no longer verifies.
    let mut parts: Vec<String> = user.id_token.split('.').map(str::to_string).collect();
    parts[1] = parts[1].chars().rev().collect();
    let forged = parts.join(".");
    let ((status, body), headers) = send(&router, bearer_event("GET", "/profile", &forged)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("unauthorized")),
        "{body}"
    );
    assert_eq!(
        headers.get("www-authenticate").unwrap(),
        "Bearer error=\"invalid_token\""
    );
    // An access token where only id tokens are accepted.
    let id_only = token_router(&h, &user, ExpectedUse::Id);
    let ((status, body), _) = send(
        &id_only,
        bearer_event("GET", "/profile", &format!("Bearer {}", user.access_token)),
    )
    .await;
    assert_eq!(status, 401, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("id token"),
        "{body}"
    );
    // Tokens for another app client are refused.
    let other = MotoUser {
        client_id: "another-client".into(),
        ..moto_user_clone(&user)
    };
    let wrong_client = token_router(&h, &other, ExpectedUse::Either);
    let ((status, _), _) = send(
        &wrong_client,
        bearer_event("GET", "/profile", &format!("Bearer {}", user.id_token)),
    )
    .await;
    assert_eq!(status, 401);

    let text = logs.text();
    assert!(!text.is_empty(), "requests were logged");
    for token in [&user.id_token, &user.access_token, &forged] {
        let signature = token.rsplit('.').next().unwrap();
        assert!(!text.contains(signature), "a token reached the log");
    }
    h.finish().await;
}

fn moto_user_clone(u: &MotoUser) -> MotoUser {
    MotoUser {
        pool_id: u.pool_id.clone(),
        client_id: u.client_id.clone(),
        sub: u.sub.clone(),
        id_token: u.id_token.clone(),
        access_token: u.access_token.clone(),
    }
}

/// The `api` binary outside Lambda: the same Router on a loopback port, verifying bearer
/// tokens, with its database and clients built at start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs services: tests/run.sh"]
async fn the_api_binary_serves_the_router_on_loopback_outside_lambda() {
    let db = mysql_store().await;
    let m = moto().await;
    let user = moto_user().await;
    let port = free_port();
    let database_url =
        crate::support::database_url(&crate::support::mysql_server_url(), db.database_name());
    let mut child = api_binary(&database_url, &user, &m.bucket, port);
    let base = format!("http://127.0.0.1:{port}");
    listening(port).await;
    // The binary takes access tokens by default (TOKEN_USE unset). Carol has no profile row
    // (her sign-up trigger never ran): her first edit makes it, with the pool's e-mail.
    let none = http("GET", &format!("{base}/profile"), &bearer(&user), b"").await;
    assert_eq!(none.status, 404, "{}", String::from_utf8_lossy(&none.body));
    let made = http(
        "PUT",
        &format!("{base}/profile"),
        &[
            bearer(&user),
            vec![("content-type".to_string(), "application/json".to_string())],
        ]
        .concat(),
        br#"{"bio": "hi"}"#,
    )
    .await;
    let body: Value = serde_json::from_slice(&made.body).unwrap();
    assert_eq!(made.status, 200, "{body}");
    assert_eq!(body["email"], "carol@example.com", "{body}");
    assert_eq!(body["bio"], "hi", "{body}");
    let answer = http("GET", &format!("{base}/profile"), &bearer(&user), b"").await;
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let body: Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(body["sub"], user.sub.as_str());
    let id_token = vec![(
        "authorization".to_string(),
        format!("Bearer {}", user.id_token),
    )];
    let refused = http("GET", &format!("{base}/profile"), &id_token, b"").await;
    assert_eq!(refused.status, 401, "an id token is refused by default");
    let anonymous = http("GET", &format!("{base}/posts"), &[], b"").await;
    assert_eq!(anonymous.status, 401);
    assert!(anonymous.headers.iter().any(|(n, _)| n == "x-request-id"));
    child.kill().await.unwrap();
    db.drop_database().await;

    // A missing setting stops init with the variable's name.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_api"))
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .env_remove("USER_POOL_ID")
        .env("DATABASE_URL", "mysql://root@127.0.0.1:1/none")
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(log.contains("USER_POOL_ID"), "{log}");
}

/// The `api` binary serving loopback `port`, on moto's pool and bucket.
fn api_binary(
    database_url: &str,
    user: &MotoUser,
    bucket: &BucketName,
    port: u16,
) -> tokio::process::Child {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_api"))
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .env("DATABASE_URL", database_url)
        .env("USER_POOL_ID", &user.pool_id)
        .env("APP_CLIENT_IDS", &user.client_id)
        .env(
            "JWKS_URL",
            format!("{}/{}/.well-known/jwks.json", moto_endpoint(), user.pool_id),
        )
        .env("MEDIA_BUCKET", bucket.as_str())
        .env("AWS_ENDPOINT_URL", moto_endpoint())
        .env("AWS_REGION", "us-east-1")
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

/// Waits up to 20 s for something to listen on `port`.
async fn listening(port: u16) {
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("nothing listened on {port} within 20 s");
}

fn bearer(user: &MotoUser) -> Vec<(String, String)> {
    vec![(
        "authorization".to_string(),
        format!("Bearer {}", user.access_token),
    )]
}

/// A database that does not answer when the function starts (an RDS failover, a restart) is
/// no reason to fail init: API Gateway would answer every request with a bare 502 and Lambda
/// start the function again for each. It starts, answers 503 in the service's shape, and
/// serves once the database answers, without a new start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs services: tests/run.sh"]
async fn the_api_starts_while_its_database_is_down_and_serves_when_it_is_back() {
    let db = mysql_store().await;
    let m = moto().await;
    let user = moto_user().await;
    db.store
        .upsert_profile(&NewProfile {
            sub: user.sub.clone(),
            email: None,
            display_name: None,
        })
        .await
        .unwrap();
    let server = crate::support::mysql_server_url();
    let real = server
        .rsplit('@')
        .next()
        .unwrap()
        .trim_start_matches("mysql://")
        .to_string();
    // The function's database address, where nothing listens yet.
    let gate = free_port();
    let database_url = crate::support::database_url(
        &server.replace(&real, &format!("127.0.0.1:{gate}")),
        db.database_name(),
    );
    let port = free_port();
    let mut child = api_binary(&database_url, &user, &m.bucket, port);
    listening(port).await;
    let base = format!("http://127.0.0.1:{port}");

    let down = http("GET", &format!("{base}/profile"), &bearer(&user), b"").await;
    let body: Value = serde_json::from_slice(&down.body)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&down.body)));
    assert_eq!(down.status, 503, "{body}");
    assert_eq!(body["error"]["code"], "unavailable", "{body}");
    assert!(
        down.headers
            .iter()
            .any(|(name, value)| name.eq_ignore_ascii_case("retry-after") && value == "5"),
        "a 503 says when to try again: {:?}",
        down.headers
    );
    assert!(body["requestId"].is_string(), "{body}");
    // The next is answered by the breaker (at once, rather than after the pool's 5 s): the
    // same 503 in the same shape.
    let again = http("GET", &format!("{base}/profile"), &bearer(&user), b"").await;
    let body: Value = serde_json::from_slice(&again.body).unwrap();
    assert_eq!(
        (again.status, body["error"]["code"].as_str()),
        (503, Some("unavailable")),
        "{body}"
    );

    // The database answers at the address: a forwarder to the real server.
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", gate))
        .await
        .unwrap();
    let forward = tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let real = real.clone();
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(&real).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    // One request a second tries the database again; a client retrying is served.
    let mut up = http("GET", &format!("{base}/profile"), &bearer(&user), b"").await;
    for _ in 0..40 {
        if up.status != 503 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        up = http("GET", &format!("{base}/profile"), &bearer(&user), b"").await;
    }
    assert_eq!(up.status, 200, "{}", String::from_utf8_lossy(&up.body));

    child.kill().await.unwrap();
    let mut log = String::new();
    use tokio::io::AsyncReadExt as _;
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .await
        .unwrap();
    assert!(log.contains("the database did not answer"), "{log}");
    // Where, and what a connection met there (the pool said only that it timed out).
    assert!(
        log.contains(&format!(
            "MySQL at 127.0.0.1:{gate} did not answer within 5 s ("
        )) && log.contains("Connection refused"),
        "{log}"
    );
    assert!(
        log.contains("the database is down: requests are answered 503 at once")
            && log.contains("the database answers again"),
        "{log}"
    );
    forward.abort();
    db.drop_database().await;
}

use proptest::strategy::Strategy as _;

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// API Gateway events with arbitrary paths, queries, bodies, headers and claims: every one
    /// is answered with a JSON body and a request id, and nothing the caller sends causes a 5xx.
    #[test]
    fn any_event_is_answered_without_a_server_error(
        gw in proptest::prop_oneof![proptest::strategy::Just(Gw::V1), proptest::strategy::Just(Gw::V2)],
        method in proptest::sample::select(vec!["GET", "POST", "PUT", "DELETE", "PATCH"]),
        path in proptest::prop_oneof![
            proptest::sample::select(vec![
                "/profile", "/user/sync", "/posts", "/posts/1", "/posts/1/comments",
                "/comments/1", "/posts/1/reports", "/uploads", "/notifications",
                "/users/00000000-0000-4000-8000-000000000002/reports",
                "/notifications/read",
            ]).prop_map(str::to_string),
            "/[a-z0-9%/._-]{0,30}",
        ],
        query in "([a-z]{1,6}=[a-zA-Z0-9%+-]{0,12}&?){0,3}",
        body in proptest::option::of("(?s).{0,200}"),
        sub in proptest::prop_oneof![
            proptest::strategy::Just("00000000-0000-4000-8000-000000000001".to_string()),
            ".{0,40}",
        ],
        token_use in proptest::sample::select(vec!["id", "access", "refresh", ""]),
    ) {
        use proptest::prelude::*;
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let answer = rt.block_on(async {
            let h = Harness::sandbox().await;
            let target = if query.is_empty() { path.clone() } else { format!("{path}?{query}") };
            let mut event = gw.event(method, &target, body.as_deref(), Some(&alice()));
            let claims = match gw {
                Gw::V1 => &mut event["requestContext"]["authorizer"]["claims"],
                Gw::V2 => &mut event["requestContext"]["authorizer"]["jwt"]["claims"],
            };
            claims["sub"] = json!(sub);
            claims["token_use"] = json!(token_use);
            // lambda_http refuses some events outright (e.g. an invalid URI); the runtime answers
            // those itself, so only events it accepts reach the Router.
            match lambda_http::request::from_str(&event.to_string()) {
                Ok(_) => Some(send(&h.router, event).await.0),
                Err(_) => None,
            }
        });
        if let Some((status, body)) = answer {
            prop_assert!(status < 500, "{method} {path}?{query}: {status} {body}");
            prop_assert!(body["requestId"].as_str().is_some_and(|r| !r.is_empty()) || status < 300, "{body}");
        }
    }
}

/// The deployed limit, not the harness's smaller one: a body of exactly 64 KiB is read (and
/// refused for its content), one byte more is refused unread with 413, on both gateways.
#[tokio::test]
async fn the_deployed_body_limit_is_64_kib() {
    let h = Harness::sandbox().await;
    let router = api::router(Api {
        limits: Limits::default(),
        ..api(h.content.clone(), h.objects.clone(), h.bucket.clone())
    });
    assert_eq!(Limits::default().max_body_bytes, 64 * 1024);
    let body_of = |len: usize| {
        let frame = r#"{"body": ""}"#.len();
        format!("{{\"body\": \"{}\"}}", "x".repeat(len - frame))
    };
    for gw in [Gw::V1, Gw::V2] {
        let at_limit = body_of(64 * 1024);
        assert_eq!(at_limit.len(), 64 * 1024);
        let ((status, answer), _) = send(
            &router,
            gw.event("POST", "/posts", Some(&at_limit), Some(&alice())),
        )
        .await;
        assert_eq!(
            (status, answer["error"]["field"].as_str()),
            (400, Some("body")),
            "64 KiB is read and its body field judged: {answer}"
        );
        let over = body_of(64 * 1024 + 1);
        let ((status, answer), _) = send(
            &router,
            gw.event("POST", "/posts", Some(&over), Some(&alice())),
        )
        .await;
        assert_eq!(status, 413, "{answer}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("65536")),
            "{answer}"
        );
    }
}

/// A web app's browser may call the API from the origins it is given: the preflight is
/// answered with the methods and headers the routes take, every answer (a refusal too) carries
/// the origin and exposes the request id; another origin gets no CORS header, and without
/// origins the API sends none (a browser page could not read a single answer).
#[tokio::test]
async fn the_web_apps_origin_may_call_the_api_from_a_browser() {
    let h = Harness::sandbox().await;
    let mut with_origin = api(h.content.clone(), h.objects.clone(), h.bucket.clone());
    with_origin.limits.allowed_origins = vec![axum::http::HeaderValue::from_static(
        "https://app.example.com",
    )];
    let router = api::router(with_origin);
    let call = |method: &str, origin: &str, preflight: bool| {
        let mut request = axum::http::Request::builder()
            .method(method)
            .uri("/posts")
            .header("origin", origin);
        if preflight {
            request = request
                .header("access-control-request-method", "POST")
                .header(
                    "access-control-request-headers",
                    "authorization,content-type",
                );
        }
        request.body(axum::body::Body::empty()).unwrap()
    };
    let answer_to = |router: &Router, request| router.clone().oneshot(request);
    let answer = answer_to(&router, call("OPTIONS", "https://app.example.com", true))
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{}", answer.status());
    let headers = answer.headers();
    assert_eq!(
        headers["access-control-allow-origin"],
        "https://app.example.com"
    );
    let methods = headers["access-control-allow-methods"].to_str().unwrap();
    assert!(
        methods.contains("POST") && methods.contains("DELETE"),
        "{methods}"
    );
    let allowed = headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        allowed.contains("authorization") && allowed.contains("content-type"),
        "{allowed}"
    );
    // A refusal (no token) is readable by the page, with its request id.
    let answer = answer_to(&router, call("GET", "https://app.example.com", false))
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
    assert_eq!(
        answer.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );
    // The headers the docs tell a client to read: a page could read none but the id.
    let exposed = answer.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    for header in ["x-request-id", "retry-after", "www-authenticate"] {
        assert!(exposed.contains(header), "{header}: {exposed}");
    }
    // Another origin: no CORS header, so its page cannot read the answer; no origins given
    // (the default): none at all.
    for (router, origin) in [
        (&router, "https://evil.example.net"),
        (&h.router, "https://app.example.com"),
    ] {
        let answer = answer_to(router, call("GET", origin, false)).await.unwrap();
        let allowed = answer.headers().get("access-control-allow-origin");
        assert!(allowed.is_none(), "{origin}: {allowed:?}");
    }
}
