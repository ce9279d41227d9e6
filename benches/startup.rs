//! The console on AWS-shaped latency: how long from the process's start to the first rows on
//! screen of each pane (Users, Posts, Audit, Storage, Logs, Metrics), and from a key to its
//! answer for `:who`, a ban's plan, a 100,000-object folder and the first Insights result,
//! against the longest chain of calls each one depends on. The Metrics pane's function has
//! figures put into moto's CloudWatch (`put_metric_data`) before the rounds.
//!
//! Every AWS call goes through a latency proxy that adds 80 ms a request (40 ms each way, as a
//! call to a region costs) and every MySQL round trip through one that adds 2 ms (1 ms each way,
//! a database in the same region); see `startup/latency.rs`. The console is the real binary in
//! a pseudo-terminal; its screen is read back through a VT100 parser, and a case ends the moment
//! the bytes that draw its marker arrive. The chain is measured in this process through the same
//! proxies with the same adapters and the same page sizes: each call the case cannot do without,
//! alone, and the case's chain is the sum along its longest path of dependent calls (calls that
//! do not depend on each other count once, by the slowest). For the panes the chain also holds
//! the console's own start to its first frame (no call precedes it), measured in the same run.
//!
//! Needs MariaDB (`BACKOFFICE_TEST_MYSQL_URL`, default `mysql://root@127.0.0.1:3306/x`, the
//! database part ignored) and starts its own moto from `.venv/bin/python` with
//! `tests/bench/moto_filled.py` (tests/run.sh makes the venv), so the folder's 100,000 objects
//! are put in moto's process in seconds. `BENCH_STARTUP_ROUNDS` (default 7) sets the rounds,
//! `BENCH_STARTUP_OBJECTS` the folder's size (default 100,000), `BENCH_AWS_MS` and
//! `BENCH_MYSQL_MS` the added round-trip times (80 and 2), `BENCH_CONSOLE_BIN` another console
//! binary to measure instead of this build's, and `BENCH_CONSOLE_BEFORE` an older build to
//! measure side by side with it, case by case in the same rounds (one without `--pane` is sent
//! `:users` and the like after its first frame instead). The 100,000 objects are put in after
//! the other cases have run (see `main`).
//!
//! Command: `cargo bench --workspace --all-features --locked --bench startup`

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "startup/latency.rs"]
mod latency;
#[path = "common/term.rs"]
mod term;

use backoffice_domain::adapters::aws::{
    AwsContext, AwsSettings, CloudWatchInsights, CloudWatchLogSource, CloudWatchMetrics,
    CognitoUserDirectory, S3ObjectStore,
};
use backoffice_domain::adapters::sql::MySqlContentStore;
use backoffice_domain::model::{
    Actor, AuditAction, AuditFilter, AuditKind, BucketName, CommentFilter, ContentStatus,
    DisplayName, FilterPattern, InsightsQuery, LogGroupName, MetricsRequest, NewAuditEntry,
    NewPost, NewProfile, NewReport, PageRequest, PostBody, PostFilter, Reason, ReportFilter,
    Target, TimeWindow, UserSub, Username, function_of_group, metric_period, parse_range,
};
use backoffice_domain::ports::{
    ContentStore, LogInsights, LogSource, Metrics, ObjectStore, UserDirectory, UserQuery,
};
use backoffice_domain::services::moderation;
use latency::LatencyProxy;
use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};
use term::Term;

/// The page sizes the console asks for (src/app: `PAGE_SIZE`, `USERS_PAGE`; storage's
/// `LIST_PAGE`); the chains ask for the same.
const PAGE: u32 = 100;
const USERS_PAGE: u32 = 60;
const LIST_PAGE: u32 = 1000;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// The child processes to stop at the end, whatever happens.
struct Children(Vec<Child>);

impl Drop for Children {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// moto with the filler of `tests/bench/moto_filled.py`.
struct Moto {
    endpoint: String,
    stdin: std::process::ChildStdin,
    stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl Moto {
    fn start(children: &mut Children) -> Self {
        let root = env!("CARGO_MANIFEST_DIR");
        let python = format!("{root}/.venv/bin/python");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut child = std::process::Command::new(&python)
            .arg(format!("{root}/tests/bench/moto_filled.py"))
            .arg(port.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {python} (run tests/run.sh once for the venv): {e}")
            });
        let stdin = child.stdin.take().expect("moto's stdin");
        let mut stdout = std::io::BufReader::new(child.stdout.take().expect("moto's stdout"));
        children.0.push(child);
        let mut line = String::new();
        stdout.read_line(&mut line).expect("moto says it is ready");
        assert_eq!(
            line.trim(),
            "ready",
            "moto_filled.py did not start: {line:?}"
        );
        Self {
            endpoint: format!("http://127.0.0.1:{port}"),
            stdin,
            stdout,
        }
    }

    fn fill(&mut self, bucket: &str, prefix: &str, count: u64) {
        writeln!(self.stdin, "fill {bucket} {prefix} {count}").expect("moto reads the command");
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .expect("moto fills the folder");
        assert_eq!(
            line.trim(),
            format!("filled {count}"),
            "moto's answer: {line:?}"
        );
    }
}

/// What the bench arranged on moto and MariaDB.
struct World {
    pool: String,
    bucket: String,
    group: String,
    username: String,
    sub: UserSub,
    database_url: String,
    /// The reported post the Posts pane's queue shows first, as the queue names it.
    reported: String,
    /// The Lambda function of `group`, with figures in moto's CloudWatch for the Metrics pane.
    function: String,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Case {
    Users,
    Posts,
    Audit,
    Storage,
    Logs,
    Who,
    Ban,
    Folder,
    Insights,
    Metrics,
}

impl Case {
    const ALL: [Case; 10] = [
        Case::Users,
        Case::Posts,
        Case::Audit,
        Case::Storage,
        Case::Logs,
        Case::Who,
        Case::Ban,
        Case::Folder,
        Case::Insights,
        Case::Metrics,
    ];

    fn name(self) -> &'static str {
        match self {
            Case::Users => "Users pane, first rows",
            Case::Posts => "Posts pane, first rows",
            Case::Audit => "Audit pane, first rows",
            Case::Storage => "Storage pane (bucket root), first rows",
            Case::Logs => "Logs pane (group picker), first rows",
            Case::Who => "`:who USERNAME`, key to view",
            Case::Ban => "`:ban`, key to its plan",
            Case::Folder => "open a 100,000-object folder, key to first rows",
            Case::Insights => "Insights run (`ctrl-r`), key to first result",
            Case::Metrics => "Metrics pane, first rows",
        }
    }

    /// Measured from the process's start (else from the key).
    fn timed_from_start(self) -> bool {
        matches!(
            self,
            Case::Users | Case::Posts | Case::Audit | Case::Storage | Case::Logs | Case::Metrics
        )
    }
}

struct Console<'a> {
    binary: &'a str,
    has_pane_flag: bool,
    dirs: &'a std::path::Path,
    world: &'a World,
}

/// One run of a case: (time to the first frame, time to the answer).
impl Console<'_> {
    fn open(&self, pane: &str) -> (Term, Duration) {
        let mut args = vec!["--env".to_string(), "bench".to_string()];
        if self.has_pane_flag {
            args.push("--pane".into());
            args.push(pane.into());
        }
        let mut term = Term::start(self.binary, &args, self.dirs);
        // The status bar shows the region from the first frame on.
        term.watch("us-east-1");
        let frame = term.seen("us-east-1") - term.started;
        if !self.has_pane_flag && pane != "posts" {
            term.keys(format!(":{pane}\r").as_bytes());
        }
        (term, frame)
    }

    fn run(&self, case: Case) -> (Duration, Duration) {
        let w = self.world;
        match case {
            Case::Users
            | Case::Posts
            | Case::Audit
            | Case::Storage
            | Case::Logs
            | Case::Metrics => {
                let (pane, marker) = match case {
                    Case::Users => ("users", w.username.as_str()),
                    Case::Posts => ("posts", w.reported.as_str()),
                    Case::Audit => ("audit", "startup marker audit"),
                    Case::Storage => ("storage", "posts/"),
                    // The function's row: the pane draws its rows when its figures arrive.
                    Case::Metrics => ("metrics", w.function.as_str()),
                    _ => ("logs", w.group.as_str()),
                };
                let mut args = vec!["--env".to_string(), "bench".to_string()];
                if self.has_pane_flag {
                    args.push("--pane".into());
                    args.push(pane.into());
                }
                let mut term = Term::start(self.binary, &args, self.dirs);
                term.watch("us-east-1");
                term.watch(marker);
                let frame = term.seen("us-east-1") - term.started;
                if !self.has_pane_flag && pane != "posts" {
                    term.keys(format!(":{pane}\r").as_bytes());
                }
                (frame, term.seen(marker) - term.started)
            }
            Case::Who => {
                let (mut term, frame) = self.open("users");
                term.watch(&w.username);
                term.seen(&w.username);
                // A heading only the view has.
                let marker = "Profile row";
                term.watch(marker);
                let at = term.keys(format!(":who {}\r", w.username).as_bytes());
                (frame, term.seen(marker) - at)
            }
            Case::Ban => {
                let (mut term, frame) = self.open("users");
                term.watch(&w.username);
                term.seen(&w.username);
                let marker = "block the account in the API";
                term.watch(marker);
                let at = term.keys(b":ban\r");
                (frame, term.seen(marker) - at)
            }
            Case::Folder => {
                let (mut term, frame) = self.open("storage");
                term.watch("big/");
                term.seen("big/");
                let first = "000000.jpg";
                term.watch(first);
                // `big/` sorts before `posts/`: it is the selected row.
                let at = term.keys(b"\r");
                (frame, term.seen(first) - at)
            }
            Case::Insights => {
                let (mut term, frame) = self.open("insights");
                term.watch("Insights");
                term.seen("Insights");
                term.keys(b"f");
                std::thread::sleep(Duration::from_millis(100));
                let marker = "hello from moto";
                term.watch(marker);
                let at = term.keys(b"\x12");
                (frame, term.seen(marker) - at)
            }
        }
    }
}

async fn timed<T, E: std::fmt::Display>(
    what: &str,
    f: impl std::future::Future<Output = Result<T, E>>,
) -> Duration {
    let start = Instant::now();
    match f.await {
        Ok(_) => start.elapsed(),
        Err(e) => panic!("{what}: {e}"),
    }
}

/// The chains, measured through the same proxies.
struct Chains<'a> {
    world: &'a World,
    aws: String,
}

impl Chains<'_> {
    async fn context(&self) -> AwsContext {
        AwsContext::load(&AwsSettings {
            region: Some("us-east-1".into()),
            endpoint_url: Some(self.aws.clone()),
            ..AwsSettings::default()
        })
        .await
        .expect("an AWS context through the proxy")
    }

    fn store(&self) -> MySqlContentStore {
        MySqlContentStore::connect_mysql_lazy(&self.world.database_url).expect("a lazy pool")
    }

    /// The chain of `case`: for the panes, a cold client (the console's first call is on a
    /// new connection); for the actions, warm ones (the pane has loaded by then).
    async fn measure(&self, case: Case) -> Duration {
        let w = self.world;
        let bucket = BucketName::parse(&w.bucket).expect("bucket");
        let group = LogGroupName::parse(&w.group).expect("group");
        let username = Username::parse(&w.username).expect("username");
        match case {
            Case::Users => {
                let start = Instant::now();
                let ctx = self.context().await;
                let dir = CognitoUserDirectory::new(&ctx, w.pool.clone());
                timed(
                    "ListUsers",
                    dir.list_users(&UserQuery::default(), PageRequest::first(USERS_PAGE)),
                )
                .await;
                start.elapsed()
            }
            Case::Posts => {
                // The pane opens on the reports queue: the queue's page, then the targets'
                // summaries beside their reasons (`moderation::queue` asks no more than that).
                let start = Instant::now();
                let store = self.store();
                timed(
                    "queue",
                    moderation::queue(&store, &Default::default(), PageRequest::first(PAGE)),
                )
                .await;
                start.elapsed()
            }
            Case::Audit => {
                let start = Instant::now();
                let store = self.store();
                timed(
                    "audit",
                    store.list_audit(&AuditFilter::default(), PageRequest::first(PAGE)),
                )
                .await;
                start.elapsed()
            }
            Case::Storage => {
                // Cold, as the console's first call: the context is made inside the chain.
                let start = Instant::now();
                let ctx = self.context().await;
                let s3 = S3ObjectStore::new(&ctx);
                timed(
                    "ListObjectsV2",
                    s3.list(&bucket, "", Some('/'), PageRequest::first(LIST_PAGE)),
                )
                .await;
                start.elapsed()
            }
            Case::Folder => {
                // Warm: the pane listed the bucket's root before.
                let ctx = self.context().await;
                let s3 = S3ObjectStore::new(&ctx);
                timed(
                    "root",
                    s3.list(&bucket, "", Some('/'), PageRequest::first(LIST_PAGE)),
                )
                .await;
                let start = Instant::now();
                timed(
                    "ListObjectsV2",
                    s3.list(&bucket, "big/", Some('/'), PageRequest::first(LIST_PAGE)),
                )
                .await;
                start.elapsed()
            }
            Case::Logs => {
                let start = Instant::now();
                let ctx = self.context().await;
                let logs = CloudWatchLogSource::new(&ctx);
                // Two independent walks of one page each here: the slower counts.
                let (a, b) = tokio::join!(
                    timed(
                        "DescribeLogGroups",
                        logs.list_groups(
                            "/aws/lambda/",
                            PageRequest {
                                cursor: None,
                                limit: None
                            }
                        )
                    ),
                    timed(
                        "DescribeLogGroups",
                        logs.list_groups(
                            "",
                            PageRequest {
                                cursor: None,
                                limit: None
                            }
                        )
                    ),
                );
                let _ = (a, b);
                start.elapsed()
            }
            Case::Who => {
                let ctx = self.context().await;
                let dir = CognitoUserDirectory::new(&ctx, w.pool.clone());
                let s3 = S3ObjectStore::new(&ctx);
                let logs = CloudWatchLogSource::new(&ctx);
                let store = self.store();
                // Warm every client first.
                timed("warm", dir.get_user(&username)).await;
                timed("warm", store.get_profile(&w.sub)).await;
                timed(
                    "warm",
                    s3.list(&bucket, "", Some('/'), PageRequest::first(1)),
                )
                .await;
                timed(
                    "warm",
                    logs.list_groups("/aws/lambda/", PageRequest::first(1)),
                )
                .await;
                let resolve = timed("AdminGetUser", dir.get_user(&username)).await;
                let sub = &w.sub;
                let pattern = FilterPattern::parse(format!("\"{sub}\"")).expect("pattern");
                let parts = [
                    timed("groups", dir.groups_of(&username)).await,
                    timed("profile", store.get_profile(sub)).await,
                    timed("counts", store.activity_counts(sub)).await,
                    timed(
                        "posts",
                        store.list_posts(
                            &PostFilter {
                                author: Some(sub.clone()),
                                ..PostFilter::default()
                            },
                            PageRequest::first(5),
                        ),
                    )
                    .await,
                    timed(
                        "comments",
                        store.list_comments(
                            &CommentFilter {
                                author: Some(sub.clone()),
                                ..CommentFilter::default()
                            },
                            PageRequest::first(5),
                        ),
                    )
                    .await,
                    timed(
                        "reports",
                        store.list_reports(
                            &ReportFilter {
                                reporter: Some(sub.clone()),
                                ..ReportFilter::default()
                            },
                            PageRequest::first(5),
                        ),
                    )
                    .await,
                    timed(
                        "reports",
                        store.list_reports(
                            &ReportFilter {
                                target: Some(Target::User(sub.clone())),
                                ..ReportFilter::default()
                            },
                            PageRequest::first(5),
                        ),
                    )
                    .await,
                    timed(
                        "objects",
                        s3.list(
                            &bucket,
                            &format!("profiles/{sub}/"),
                            None,
                            PageRequest::first(LIST_PAGE),
                        ),
                    )
                    .await,
                    timed(
                        "objects",
                        s3.list(
                            &bucket,
                            &format!("posts/{sub}/"),
                            None,
                            PageRequest::first(LIST_PAGE),
                        ),
                    )
                    .await,
                    timed(
                        "log lines",
                        logs.filter_events(
                            &group,
                            TimeWindow::last(chrono::Duration::hours(24)),
                            Some(&pattern),
                            PageRequest::first(50),
                        ),
                    )
                    .await,
                ];
                resolve + parts.into_iter().max().expect("parts")
            }
            Case::Ban => {
                let ctx = self.context().await;
                let dir = CognitoUserDirectory::new(&ctx, w.pool.clone());
                let store = self.store();
                timed("warm", dir.get_user(&username)).await;
                timed("warm", store.get_profile(&w.sub)).await;
                let user = timed("AdminGetUser", dir.get_user(&username)).await;
                let sub = &w.sub;
                let posts = timed(
                    "posts",
                    store.list_posts(
                        &PostFilter {
                            author: Some(sub.clone()),
                            status: Some(ContentStatus::Visible),
                            ..PostFilter::default()
                        },
                        PageRequest::first(200),
                    ),
                )
                .await;
                let comments = timed(
                    "comments",
                    store.list_comments(
                        &CommentFilter {
                            author: Some(sub.clone()),
                            status: Some(ContentStatus::Visible),
                            ..CommentFilter::default()
                        },
                        PageRequest::first(200),
                    ),
                )
                .await;
                user + posts.max(comments)
            }
            Case::Metrics => {
                // Cold, as the pane's first call: one GetMetricData for every metric of the
                // environment's functions (the group's), over the pane's default range.
                let start = Instant::now();
                let ctx = self.context().await;
                let metrics = CloudWatchMetrics::new(&ctx);
                let now = chrono::Utc::now();
                let window = parse_range("1h", now).expect("range");
                let request = MetricsRequest {
                    functions: vec![w.function.clone()],
                    window,
                    period: metric_period(&window, now),
                };
                let series = metrics
                    .function_metrics(&request)
                    .await
                    .expect("GetMetricData");
                assert!(
                    series.iter().any(|s| !s.points.is_empty()),
                    "the function has figures"
                );
                start.elapsed()
            }
            Case::Insights => {
                // The pane's groups are the environment's, by name: no DescribeLogGroups
                // before StartQuery, then one GetQueryResults once it has answered.
                let ctx = self.context().await;
                let logs = CloudWatchLogSource::new(&ctx);
                let insights = CloudWatchInsights::new(&ctx);
                timed(
                    "warm",
                    logs.list_groups("/aws/lambda/", PageRequest::first(1)),
                )
                .await;
                let start = Instant::now();
                let query = InsightsQuery::new(
                    vec![group.clone()],
                    TimeWindow::last(chrono::Duration::hours(1)),
                    "fields @timestamp, @log, @message\n| sort @timestamp desc\n| limit 200",
                )
                .expect("query");
                let id = insights.start_query(&query).await.expect("StartQuery");
                let results = insights.query_results(&id).await.expect("GetQueryResults");
                assert!(!results.rows.is_empty(), "the query finds the line");
                start.elapsed()
            }
        }
    }
}

fn main() {
    if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
        // moto takes any credentials; the console reads them from the environment too.
        set_env("AWS_ACCESS_KEY_ID", "testing");
        set_env("AWS_SECRET_ACCESS_KEY", "testing");
    }
    let rounds = env_number("BENCH_STARTUP_ROUNDS", 7).max(1) as usize;
    let objects = env_number("BENCH_STARTUP_OBJECTS", 100_000);
    let aws_rtt = Duration::from_millis(env_number("BENCH_AWS_MS", 80));
    let mysql_rtt = Duration::from_millis(env_number("BENCH_MYSQL_MS", 2));
    let binary = std::env::var("BENCH_CONSOLE_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_backoffice").to_string());

    let mut children = Children(Vec::new());
    let mut moto = Moto::start(&mut children);
    let mysql = std::env::var("BACKOFFICE_TEST_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/x".to_string());
    // The shared world of the suites (a pool with the user, a bucket with one object, a log
    // group with one line, a migrated database), on this moto.
    set_env("BACKOFFICE_TEST_AWS_ENDPOINT", &moto.endpoint);
    set_env("BACKOFFICE_TEST_MYSQL_URL", &mysql);
    let username = format!("startup-ann-{}", std::process::id());
    let env = common::MotoEnvironment::create("startup", &[username.as_str()]);

    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let moto_addr: SocketAddr = moto
        .endpoint
        .trim_start_matches("http://")
        .parse()
        .expect("moto's address");
    let mysql_addr: SocketAddr = {
        let host = mysql
            .trim_start_matches("mysql://")
            .rsplit_once('@')
            .map_or(mysql.trim_start_matches("mysql://"), |(_, h)| h);
        let host = host.split('/').next().unwrap_or("127.0.0.1:3306");
        host.parse().expect("MariaDB's address as IP:PORT")
    };
    let (aws_proxy, mysql_proxy) = rt.block_on(async {
        (
            LatencyProxy::start(moto_addr, aws_rtt / 2)
                .await
                .expect("the AWS proxy"),
            LatencyProxy::start(mysql_addr, mysql_rtt / 2)
                .await
                .expect("the MySQL proxy"),
        )
    });
    let aws = format!("http://{}", aws_proxy.addr);
    let database_url = env
        .database_url()
        .replace(&mysql_addr.to_string(), &mysql_proxy.addr.to_string());
    assert!(
        database_url.contains(&mysql_proxy.addr.to_string()),
        "the URL goes through the proxy: {database_url}"
    );

    // The user's sub, a profile, posts (one the Posts pane shows first), a comment and an
    // audit row.
    let (sub, reported) = rt.block_on(async {
        let ctx = AwsContext::load(&AwsSettings {
            region: Some("us-east-1".into()),
            endpoint_url: Some(moto.endpoint.clone()),
            ..AwsSettings::default()
        })
        .await
        .expect("AWS");
        // A minute's figures a point over the last half hour, for the Metrics pane (no
        // Duration: moto fails a GetMetricData whose percentiles have data to compute).
        let function = function_of_group(&env.log_group).expect("a Lambda group");
        let metrics = CloudWatchMetrics::new(&ctx);
        let now = chrono::Utc::now();
        let minutes = |value: f64| -> Vec<_> {
            (1..=30)
                .map(|m| (now - chrono::Duration::minutes(m), value + m as f64))
                .collect()
        };
        for (name, value) in [("Invocations", 100.0), ("Errors", 0.0)] {
            metrics
                .put_metric_data(function, name, &minutes(value))
                .await
                .expect("PutMetricData");
        }
        let dir = CognitoUserDirectory::new(&ctx, env.pool_id.clone());
        let user = dir
            .get_user(&Username::parse(&username).expect("username"))
            .await
            .expect("the user");
        let sub = user.sub.expect("a sub");
        let store = MySqlContentStore::connect_mysql_existing(&env.database_url())
            .await
            .expect("the database");
        store
            .upsert_profile(&NewProfile {
                sub: sub.clone(),
                email: None,
                display_name: Some(DisplayName::parse("Ann Startup").expect("name")),
            })
            .await
            .expect("a profile");
        for i in 0..30 {
            store
                .create_post(&NewPost {
                    author_sub: sub.clone(),
                    body: PostBody::parse(format!("post {i} of the startup bench")).expect("body"),
                    image_key: None,
                })
                .await
                .expect("a post");
        }
        let marked = store
            .create_post(&NewPost {
                author_sub: sub.clone(),
                body: PostBody::parse("startup marker post").expect("body"),
                image_key: None,
            })
            .await
            .expect("a post");
        store
            .file_report(&NewReport {
                target: Target::Post(marked.id),
                reporter_sub: sub.clone(),
                reason: Reason::parse("spam").expect("reason"),
                note: None,
            })
            .await
            .expect("a report");
        store
            .record_audit(&NewAuditEntry {
                actor: Actor::parse("bench:startup").expect("actor"),
                action: AuditAction::UserEnable,
                target_kind: AuditKind::User,
                target_id: sub.to_string(),
                reason: Some(Reason::parse("startup marker audit").expect("reason")),
                before: None,
                after: None,
            })
            .await
            .expect("an audit row");
        (sub, format!("post #{}", marked.id))
    });
    let world = World {
        pool: env.pool_id.clone(),
        bucket: env.bucket.clone(),
        group: env.log_group.clone(),
        username: username.clone(),
        sub,
        database_url: database_url.clone(),
        reported,
        function: function_of_group(&env.log_group)
            .expect("a Lambda group")
            .to_string(),
    };
    let dirs = tempfile::tempdir().expect("a folder");
    std::fs::create_dir_all(dirs.path().join("config")).expect("config folder");
    std::fs::write(
        dirs.path().join("config/config.toml"),
        format!(
            "[environments.bench]\nregion = \"us-east-1\"\nendpoint_url = \"{aws}\"\n\
             user_pool_id = \"{}\"\ndatabase_url = \"{database_url}\"\nbucket = \"{}\"\n\
             log_groups = [\"{}\"]\n",
            world.pool, world.bucket, world.group
        ),
    )
    .expect("config.toml");

    let before = std::env::var("BENCH_CONSOLE_BEFORE").ok();
    let mut binaries = vec![binary.clone()];
    binaries.extend(before.clone());
    let consoles: Vec<Console<'_>> = binaries
        .iter()
        .map(|b| Console {
            binary: b,
            has_pane_flag: pane_flag(b),
            dirs: dirs.path(),
            world: &world,
        })
        .collect();
    let chains = Chains {
        world: &world,
        aws: aws.clone(),
    };
    for c in &consoles {
        eprintln!(
            "console {} ({})",
            c.binary,
            if c.has_pane_flag {
                "--pane"
            } else {
                "no --pane: keys after the first frame"
            }
        );
    }
    eprintln!(
        "AWS +{} a request, MySQL +{} a round trip; {rounds} rounds",
        ms(aws_rtt),
        ms(mysql_rtt)
    );
    // [binary][case] samples; the chains once per case and round.
    let mut frames: Vec<Vec<Duration>> = vec![Vec::new(); consoles.len()];
    let mut answers: Vec<Vec<Vec<Duration>>> =
        vec![vec![Vec::new(); Case::ALL.len()]; consoles.len()];
    let mut chain: Vec<Vec<Duration>> = vec![Vec::new(); Case::ALL.len()];
    let mut measure = |case: Case, round: usize| {
        let i = Case::ALL.iter().position(|c| *c == case).expect("case");
        // Side by side: each binary in turn, the order turned every round.
        let mut order: Vec<usize> = (0..consoles.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for b in order {
            let (frame, answer) = consoles[b].run(case);
            frames[b].push(frame);
            answers[b][i].push(answer);
        }
        chain[i].push(rt.block_on(chains.measure(case)));
    };
    // Every case but the big folder first, on a bucket of a few objects: moto answers one
    // request at a time and rescans the whole bucket for each listing, so 100,000 objects
    // would make `:who`'s two concurrent prefix listings wait for each other (on moto, not
    // on S3) and measure moto.
    for round in 0..rounds {
        let mut order: Vec<Case> = Case::ALL
            .into_iter()
            .filter(|c| *c != Case::Folder)
            .collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for case in order {
            measure(case, round);
        }
        eprintln!("round {} of {rounds} done", round + 1);
    }
    let fill = Instant::now();
    moto.fill(&env.bucket, "big/", objects);
    eprintln!(
        "filled big/ with {objects} objects in {:.1} s",
        fill.elapsed().as_secs_f64()
    );
    for round in 0..rounds {
        measure(Case::Folder, round);
    }
    // The floor every pane waits for: this build's start to its first frame, which makes no
    // call before it (an older build that calls before its first frame is held to the same).
    let floor = median(frames[0].clone());
    let (connections, requests) = aws_proxy.counts();
    let (db_connections, db_requests) = mysql_proxy.counts();
    for (b, c) in consoles.iter().enumerate() {
        println!(
            "\nfirst frame of {} (process start to the status bar): median {} (min {}, max {})",
            c.binary,
            ms(median(frames[b].clone())),
            ms(*frames[b].iter().min().expect("frames")),
            ms(*frames[b].iter().max().expect("frames"))
        );
    }
    println!(
        "through the proxies: {requests} AWS requests on {connections} connections, {db_requests} MySQL round trips on {db_connections} connections\n"
    );
    // Columns: the older build first when there is one.
    let shown: Vec<(usize, &str)> = if consoles.len() == 2 {
        vec![(1, "before"), (0, "after")]
    } else {
        vec![(0, "console")]
    };
    let mut head = String::from("| case |");
    for (_, n) in &shown {
        head.push_str(&format!(" {n} (median) |"));
    }
    head.push_str(" chain (median) | goal base |");
    for (_, n) in &shown {
        head.push_str(&format!(" {n} ÷ base |"));
    }
    println!("{head}");
    println!("{}|", "|---".repeat(3 + 2 * shown.len()));
    for (i, case) in Case::ALL.iter().enumerate() {
        let c = median(chain[i].clone());
        let base = if case.timed_from_start() {
            c + floor
        } else {
            c
        };
        let mut row = format!("| {} |", case.name());
        for (b, _) in &shown {
            row.push_str(&format!(" {} |", ms(median(answers[*b][i].clone()))));
        }
        row.push_str(&format!(
            " {} | {} |",
            ms(c),
            if case.timed_from_start() {
                format!("{} (+{} start)", ms(base), ms(floor))
            } else {
                ms(base)
            }
        ));
        for (b, _) in &shown {
            let answer = median(answers[*b][i].clone());
            row.push_str(&format!(
                " **{:.2}×** |",
                answer.as_secs_f64() / base.as_secs_f64()
            ));
        }
        println!("{row}");
    }
    drop(aws_proxy);
    drop(mysql_proxy);
    drop(rt);
    env.drop_database();
}

/// Whether `binary` takes `--pane` (an older build is sent `:users` and the like instead).
fn pane_flag(binary: &str) -> bool {
    std::process::Command::new(binary)
        .arg("--help")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("--pane"))
        .unwrap_or(false)
}

/// Sets a variable of this process (inherited by the console and read by the shared world).
/// Only called from `main` before the bench starts a thread or a runtime.
#[allow(unsafe_code)]
fn set_env(key: &str, value: &str) {
    // SAFETY: no other thread exists yet to read the environment concurrently.
    unsafe { std::env::set_var(key, value) };
}
