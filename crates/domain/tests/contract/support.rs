//! Test harnesses: a fresh store per test, on SQLite in a temp folder or on a uniquely named
//! MariaDB database that is dropped afterwards. Shared by the contract and load tests, each
//! using its own part.

#![allow(dead_code)]

use backoffice_domain::adapters::aws::{AwsContext, AwsSettings};
use backoffice_domain::adapters::sql::SqlContentStore;
use backoffice_domain::model::UserSub;
use backoffice_domain::sandbox::Sandbox;
use sqlx::{Connection, MySql, MySqlConnection, Sqlite};
use std::sync::atomic::{AtomicU64, Ordering};
use tempfile::TempDir;

/// A deterministic, valid sub for test user `n`.
pub fn sub(n: u64) -> UserSub {
    UserSub::parse(format!("00000000-0000-4000-8000-{n:012x}")).unwrap()
}

pub struct SqliteHarness {
    pub store: SqlContentStore<Sqlite>,
    _dir: TempDir,
}

pub async fn sqlite_store() -> SqliteHarness {
    let dir = tempfile::tempdir().unwrap();
    let store = SqlContentStore::<Sqlite>::open_sqlite(&dir.path().join("content.db"))
        .await
        .unwrap();
    SqliteHarness { store, _dir: dir }
}

pub struct MysqlHarness {
    pub store: SqlContentStore<MySql>,
    server_url: String,
    database: String,
}

/// The MariaDB server of the full test run. Panics with the way to get one when it is absent,
/// so a service test can never pass by doing nothing.
pub fn mysql_server_url() -> String {
    let url = std::env::var("BACKOFFICE_TEST_MYSQL_URL").unwrap_or_else(|_| {
        panic!("BACKOFFICE_TEST_MYSQL_URL is not set: run the service tests through tests/run.sh")
    });
    // Keep scheme, credentials and host; the harness picks its own database.
    match url.rsplit_once('/') {
        Some((server, db)) if !server.ends_with('/') && !db.contains('@') => server.to_string(),
        _ => url,
    }
}

static NEXT_DB: AtomicU64 = AtomicU64::new(0);

/// Creates an empty utf8mb4 database with a unique name and returns its URL.
pub async fn fresh_mysql_database(tag: &str) -> (String, String) {
    let server = mysql_server_url();
    let database = format!(
        "bo_{}_{}_{}",
        tag,
        std::process::id(),
        NEXT_DB.fetch_add(1, Ordering::Relaxed)
    );
    create_database(&server, &database).await;
    (server, database)
}

/// Creates database `name` (utf8mb4) on the MySQL server at `server` (`mysql://user@host:port`).
pub async fn create_database(server: &str, name: &str) {
    let mut conn = MySqlConnection::connect(server).await.unwrap_or_else(|e| {
        panic!(
            "MariaDB at {} does not answer: {e}",
            server.rsplit('@').next().unwrap_or("?")
        )
    });
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    )))
    .execute(&mut conn)
    .await
    .unwrap();
}

/// The URL our code is given for `database` on `server`: loopback MariaDB has no TLS, and the
/// code requires TLS unless the URL says otherwise.
pub fn database_url(server: &str, database: &str) -> String {
    format!("{server}/{database}?ssl-mode=disabled")
}

pub async fn mysql_store() -> MysqlHarness {
    let (server_url, database) = fresh_mysql_database("t").await;
    let store = SqlContentStore::<MySql>::connect_mysql(&database_url(&server_url, &database))
        .await
        .unwrap();
    MysqlHarness {
        store,
        server_url,
        database,
    }
}

impl MysqlHarness {
    pub fn database_name(&self) -> &str {
        &self.database
    }

    pub async fn drop_database(self) {
        self.store.pool().close().await;
        let mut conn = MySqlConnection::connect(&self.server_url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE `{}`",
            self.database
        )))
        .execute(&mut conn)
        .await
        .unwrap();
    }
}

pub struct SandboxHarness {
    pub sandbox: Sandbox,
    pub dir: TempDir,
}

pub async fn empty_sandbox() -> SandboxHarness {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::open(dir.path()).await.unwrap();
    SandboxHarness { sandbox, dir }
}

/// The moto server of the full test run. Panics with the way to get one when it is absent, so
/// an AWS contract test can never pass by doing nothing.
pub fn moto_endpoint() -> String {
    std::env::var("BACKOFFICE_TEST_AWS_ENDPOINT").unwrap_or_else(|_| {
        panic!(
            "BACKOFFICE_TEST_AWS_ENDPOINT is not set: run the service tests through tests/run.sh"
        )
    })
}

/// An AWS session pointed at moto (credentials come from the environment the test run sets).
pub async fn moto_context() -> AwsContext {
    AwsContext::load(&AwsSettings {
        region: Some("us-east-1".into()),
        endpoint_url: Some(moto_endpoint()),
        max_attempts: 2,
        ..AwsSettings::default()
    })
    .await
    .unwrap()
}

static NEXT_NAME: AtomicU64 = AtomicU64::new(0);

/// A name no other test of any run on this machine uses (lowercase, digits and dashes, so it
/// is a valid bucket, pool or log group name).
pub fn unique_name(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{tag}-{}-{}-{nanos:x}",
        std::process::id(),
        NEXT_NAME.fetch_add(1, Ordering::Relaxed)
    )
}

/// The JSON log lines every test of this binary writes, captured by one global subscriber.
/// A scoped (thread-local) subscriber would race with other tests' threads over tracing's
/// global interest cache and lose events, so tests read the shared capture and pick their own
/// lines by request id.
#[derive(Clone, Default)]
pub struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// Every line so far, each parsed (every line is one JSON object).
    pub fn lines(&self) -> Vec<serde_json::Value> {
        self.text()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not a JSON line: {l}")))
            .collect()
    }
}

pub fn captured_logs() -> &'static Captured {
    static LOGS: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let capture = Captured::default();
        let writer = capture.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .with_max_level(tracing::Level::INFO)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("the contract tests install the only global subscriber");
        capture
    })
}

/// A user pool on moto with an app client that allows password sign-in, and one user in it.
pub struct MotoUser {
    pub pool_id: String,
    pub client_id: String,
    pub sub: UserSub,
    pub id_token: String,
    pub access_token: String,
}

pub async fn moto_user() -> MotoUser {
    use aws_sdk_cognitoidentityprovider::Client;
    use aws_sdk_cognitoidentityprovider::types::{
        AttributeType, AuthFlowType, ExplicitAuthFlowsType,
    };
    let ctx = moto_context().await;
    let cognito = Client::new(ctx.sdk_config());
    let pool = cognito
        .create_user_pool()
        .pool_name(unique_name("api"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("moto at {} refused CreateUserPool: {e:?}", moto_endpoint()));
    let pool_id = pool.user_pool().and_then(|p| p.id()).unwrap().to_string();
    let client = cognito
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("app")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowAdminUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap();
    let client_id = client
        .user_pool_client()
        .and_then(|c| c.client_id())
        .unwrap()
        .to_string();
    let password = "Api-Passw0rd!";
    cognito
        .admin_create_user()
        .user_pool_id(&pool_id)
        .username("carol")
        .user_attributes(
            AttributeType::builder()
                .name("email")
                .value("carol@example.com")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    cognito
        .admin_set_user_password()
        .user_pool_id(&pool_id)
        .username("carol")
        .password(password)
        .permanent(true)
        .send()
        .await
        .unwrap();
    let user = cognito
        .admin_get_user()
        .user_pool_id(&pool_id)
        .username("carol")
        .send()
        .await
        .unwrap();
    let sub = user
        .user_attributes()
        .iter()
        .find(|a| a.name() == "sub")
        .and_then(|a| a.value())
        .map(|s| UserSub::parse(s).unwrap())
        .expect("moto gave the user a sub");
    let auth = cognito
        .admin_initiate_auth()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "carol")
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .unwrap();
    let result = auth.authentication_result().expect("moto signed carol in");
    MotoUser {
        pool_id,
        client_id,
        sub,
        id_token: result.id_token().unwrap().to_string(),
        access_token: result.access_token().unwrap().to_string(),
    }
}

/// A loopback server answering an AWS JSON-protocol service with recorded answers: each
/// request is matched by its `X-Amz-Target` action (after `target_prefix`), answered with the
/// next answer queued for that action (a 500 when none is), and kept for the test to read.
/// For the calls moto does not implement, with the response shapes AWS documents.
pub struct RecordedAws {
    pub endpoint: String,
    script: std::sync::Arc<std::sync::Mutex<Script>>,
    task: tokio::task::JoinHandle<()>,
}

#[derive(Default)]
struct Script {
    prefix: &'static str,
    /// Answers still to give, per action: status and JSON body.
    answers:
        std::collections::HashMap<String, std::collections::VecDeque<(u16, serde_json::Value)>>,
    /// Every request: its action and JSON body.
    seen: Vec<(String, serde_json::Value)>,
}

impl Drop for RecordedAws {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn recorded_answer(
    axum::extract::State(script): axum::extract::State<std::sync::Arc<std::sync::Mutex<Script>>>,
    request: axum::http::Request<axum::body::Body>,
) -> axum::http::Response<axum::body::Body> {
    let prefix = script.lock().unwrap().prefix;
    let action = request
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.strip_prefix(prefix))
        .unwrap_or("")
        .to_string();
    let body = axum::body::to_bytes(request.into_body(), 1 << 20)
        .await
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    let (status, reply) = {
        let mut s = script.lock().unwrap();
        s.seen.push((action.clone(), body));
        s.answers
            .get_mut(&action)
            .and_then(std::collections::VecDeque::pop_front)
            .unwrap_or((
                500,
                serde_json::json!({"__type": "InternalFailure", "message": format!("no answer for {action}")}),
            ))
    };
    axum::http::Response::builder()
        .status(axum::http::StatusCode::from_u16(status).unwrap())
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amzn-requestid", "6f1f5c2e-0000-4000-8000-000000000001")
        .body(axum::body::Body::from(reply.to_string()))
        .unwrap()
}

impl RecordedAws {
    /// Starts the server for the service whose targets start with `target_prefix`
    /// (`Logs_20140328.`, `AWSCognitoIdentityProviderService.`).
    pub async fn start(target_prefix: &'static str) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let script = std::sync::Arc::new(std::sync::Mutex::new(Script {
            prefix: target_prefix,
            ..Script::default()
        }));
        let app = axum::Router::new()
            .fallback(recorded_answer)
            .with_state(script.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            endpoint,
            script,
            task,
        }
    }

    /// The SDK settings that reach this server, one attempt a call.
    pub async fn context(&self) -> AwsContext {
        AwsContext::load(&AwsSettings {
            region: Some("us-east-1".into()),
            endpoint_url: Some(self.endpoint.clone()),
            max_attempts: 1,
            ..AwsSettings::default()
        })
        .await
        .unwrap()
    }

    /// Queues `body` with `status` as the next answer to `action`.
    pub fn answer(&self, action: &str, status: u16, body: serde_json::Value) {
        self.script
            .lock()
            .unwrap()
            .answers
            .entry(action.to_string())
            .or_default()
            .push_back((status, body));
    }

    /// The bodies of every `action` request received, in order.
    pub fn seen(&self, action: &str) -> Vec<serde_json::Value> {
        self.script
            .lock()
            .unwrap()
            .seen
            .iter()
            .filter(|(a, _)| a == action)
            .map(|(_, b)| b.clone())
            .collect()
    }
}
