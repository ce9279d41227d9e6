//! A world with awkward data on the test run's services, for the journeys: people whose names
//! hold quotes, backslashes, right-to-left text, zero-width joiners, emoji and escape
//! sequences; posts and comments with five-digit ids, escape sequences, newlines and 4 KB of
//! text; a thread of 2,000 comments; reports with mixed reasons; and three Lambda log groups
//! named `/aws/lambda/<app>-<function>` holding Rust panics, Python tracebacks, Node errors,
//! a timeout, text and JSON REPORT lines and a 12 KB line.
#![allow(dead_code)] // each journey uses its own part of it

use super::MotoEnvironment;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
use chrono::{DateTime, Duration, Utc};
use sqlx::Connection;

/// One person: in the pool and (unless `profile` is false) in the `users` table.
pub struct Person {
    pub username: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub sub: String,
}

/// The first post id; every id in the world has five digits or more.
pub const FIRST_POST: i64 = 10_370;
/// The first comment id.
pub const FIRST_COMMENT: i64 = 10_380;
/// Comments in the long thread.
pub const THREAD_COMMENTS: usize = 2_000;

pub struct World {
    pub env: MotoEnvironment,
    pub people: Vec<Person>,
    /// The post with the most open reports: the spammer's, with escape sequences and a newline.
    pub spam_post: i64,
    /// The second most reported: O'Brien's 4 KB post.
    pub long_post: i64,
    /// The thread of 2,000 comments.
    pub thread_post: i64,
    /// `<app>` in the group names; the three groups share `/aws/lambda/<app>-`.
    pub app: String,
    pub groups: Vec<String>,
    /// Request ids that failed, each in its own way, in the last hour.
    pub failed: Vec<String>,
    /// Request ids that succeeded.
    pub succeeded: Vec<String>,
}

/// Who is who in [`World::people`].
pub const SPAMMER: usize = 0;
pub const OBRIEN: usize = 1;
pub const MARYAM: usize = 2;
pub const DEV: usize = 3;

impl World {
    pub fn build(tag: &str) -> Self {
        let env = MotoEnvironment::create(tag, &[]);
        let pid = std::process::id();
        let specs: [(&str, &str); 6] = [
            (
                "spammer",
                "Spam \u{1b}[31mBot\u{1b}[0m \u{1b}]0;pwned\u{7}Deals",
            ),
            ("obrien", "Siobhán O'Brien \"Shiv\" \\ Jr."),
            ("maryam", "مريم العربية"),
            ("dev", "👩‍💻 Dana Dev"),
            ("reporter1", "Rita Reporter"),
            ("reporter2", "Ravi Reporter"),
        ];
        let people: Vec<Person> = specs
            .iter()
            .enumerate()
            .map(|(i, (who, name))| Person {
                username: format!("{who}-{tag}-{pid}"),
                name: (*name).to_string(),
                email: format!("{who}+{tag}.{pid}@example.com"),
                phone: format!("+1555{:07}", pid % 1_000_000 * 10 + i as u32),
                sub: String::new(),
            })
            .collect();
        let app = format!("shop-{tag}-{pid}");
        let groups: Vec<String> = ["api", "thumbnails", "post-confirmation"]
            .iter()
            .map(|f| format!("/aws/lambda/{app}-{f}"))
            .collect();
        let mut world = Self {
            env,
            people,
            spam_post: FIRST_POST,
            long_post: FIRST_POST + 1,
            thread_post: FIRST_POST + 2,
            app,
            groups,
            failed: Vec::new(),
            succeeded: Vec::new(),
        };
        world.fill_pool();
        world.fill_database();
        world.fill_logs();
        world
    }

    fn fill_pool(&mut self) {
        let endpoint = self.env.endpoint.clone();
        let pool = self.env.pool_id.clone();
        let people = &mut self.people;
        self.env.block_on(async {
            let ctx = backoffice_domain::adapters::aws::AwsContext::load(
                &backoffice_domain::adapters::aws::AwsSettings {
                    region: Some("us-east-1".into()),
                    endpoint_url: Some(endpoint),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            let cognito = aws_sdk_cognitoidentityprovider::Client::new(ctx.sdk_config());
            let attr =
                |k: &str, v: &str| AttributeType::builder().name(k).value(v).build().unwrap();
            for p in people.iter_mut() {
                cognito
                    .admin_create_user()
                    .user_pool_id(&pool)
                    .username(&p.username)
                    .message_action(MessageActionType::Suppress)
                    .user_attributes(attr("email", &p.email))
                    .user_attributes(attr("name", &p.name))
                    .user_attributes(attr("phone_number", &p.phone))
                    .send()
                    .await
                    .unwrap();
                let got = cognito
                    .admin_get_user()
                    .user_pool_id(&pool)
                    .username(&p.username)
                    .send()
                    .await
                    .unwrap();
                if p.username.starts_with("obrien-") {
                    cognito
                        .admin_update_user_attributes()
                        .user_pool_id(&pool)
                        .username(&p.username)
                        .user_attributes(attr("email_verified", "true"))
                        .send()
                        .await
                        .unwrap();
                    // O'Brien has signed in and chosen a password: CONFIRMED.
                    cognito
                        .admin_set_user_password()
                        .user_pool_id(&pool)
                        .username(&p.username)
                        .password("Journey-Passw0rd!")
                        .permanent(true)
                        .send()
                        .await
                        .unwrap();
                }
                p.sub = got
                    .user_attributes()
                    .iter()
                    .find(|a| a.name() == "sub")
                    .and_then(|a| a.value())
                    .unwrap()
                    .to_string();
            }
        });
    }

    fn fill_database(&mut self) {
        let url = self.env.database_url();
        let people = &self.people;
        let (spam, long, thread) = (self.spam_post, self.long_post, self.thread_post);
        self.env.block_on(async {
            let mut db = sqlx::MySqlConnection::connect(&url).await.unwrap();
            let now = Utc::now();
            // Profile rows for everyone but the developer, who is found through the pool only.
            for (i, p) in people.iter().enumerate() {
                if i == DEV {
                    continue;
                }
                sqlx::query(
                    "INSERT INTO users (sub, email, display_name, created_at, updated_at) \
                     VALUES (?, ?, ?, ?, ?)",
                )
                .bind(&p.sub)
                .bind(&p.email)
                .bind(&p.name)
                .bind(now.naive_utc())
                .bind(now.naive_utc())
                .execute(&mut db)
                .await
                .unwrap();
            }
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "ALTER TABLE posts AUTO_INCREMENT = {FIRST_POST}; \
                 ALTER TABLE comments AUTO_INCREMENT = {FIRST_COMMENT}"
            )))
            .execute(&mut db)
            .await
            .unwrap();
            let long_body = format!(
                "A long one, about \"quotes\" and back\\slashes: {}",
                "lorem ipsum dolor sit amet ".repeat(150)
            );
            let posts = [
                (
                    &people[SPAMMER].sub,
                    "BUY FOLLOWERS \u{1b}[2J\u{1b}[31mNOW\u{1b}[0m\nline two \u{202e}evil\u{202c} 👉 http://spam.example"
                        .to_string(),
                ),
                (&people[OBRIEN].sub, long_body),
                (
                    &people[MARYAM].sub,
                    "مرحبا بالجميع — a thread everyone answered".to_string(),
                ),
            ];
            for (i, (author, body)) in posts.iter().enumerate() {
                let at = now - Duration::hours(3 - i as i64);
                let id = sqlx::query(
                    "INSERT INTO posts (author_sub, body, status, created_at, updated_at) \
                     VALUES (?, ?, 'visible', ?, ?)",
                )
                .bind(author.as_str())
                .bind(body)
                .bind(at.naive_utc())
                .bind(at.naive_utc())
                .execute(&mut db)
                .await
                .unwrap()
                .last_insert_id();
                assert_eq!(id as i64, FIRST_POST + i as i64);
            }
            // The long thread, in batches of 500 rows.
            let start = now - Duration::minutes(150);
            for batch in 0..THREAD_COMMENTS / 500 {
                let marks = vec!["(?, ?, ?, 'visible', ?)"; 500].join(", ");
                let sql = format!(
                    "INSERT INTO comments (post_id, author_sub, body, status, created_at) VALUES {marks}"
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for j in 0..500 {
                    let n = batch * 500 + j;
                    let author = &people[n % people.len()].sub;
                    q = q
                        .bind(thread)
                        .bind(author.as_str())
                        .bind(format!("reply {n} \u{1b}[1mbold?\u{1b}[0m \u{200d}"))
                        .bind((start + Duration::seconds(n as i64)).naive_utc());
                }
                q.execute(&mut db).await.unwrap();
            }
            // Open reports: the spam post 3× spam · 2× harassment, the long post
            // 2× misinformation, the thread 1× other.
            let reports: [(i64, &str, usize); 8] = [
                (spam, "spam", OBRIEN),
                (spam, "spam", MARYAM),
                (spam, "spam", DEV),
                (spam, "harassment", 4),
                (spam, "harassment", 5),
                (long, "misinformation", 4),
                (long, "misinformation", 5),
                (thread, "other", 4),
            ];
            for (n, (post, reason, reporter)) in reports.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO reports (target_kind, target_id, reporter_sub, reason, note, status, created_at) \
                     VALUES ('post', ?, ?, ?, ?, 'open', ?)",
                )
                .bind(post.to_string())
                .bind(&people[*reporter].sub)
                .bind(*reason)
                .bind("see \"this\" \\ now")
                .bind((now - Duration::minutes(60 - n as i64)).naive_utc())
                .execute(&mut db)
                .await
                .unwrap();
            }
        });
    }

    fn fill_logs(&mut self) {
        let endpoint = self.env.endpoint.clone();
        let groups = self.groups.clone();
        let id = |n: u32| format!("{n:08x}-1d5f-4f0a-9a55-6d3f2b1c0e9a");
        let t0 = Utc::now() - Duration::minutes(30);
        let at = |s: i64| t0 + Duration::seconds(s);
        let report = |rid: &str, status: Option<&str>| {
            format!(
                "REPORT RequestId: {rid}\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t{}",
                status.map(|s| format!("Status: {s}")).unwrap_or_default()
            )
        };
        let json_report = |rid: &str, status: &str| {
            format!(
                r#"{{"time":"{}","type":"platform.report","record":{{"requestId":"{rid}","metrics":{{"durationMs":20.5,"billedDurationMs":21,"memorySizeMB":256,"maxMemoryUsedMB":81}},"status":"{status}"}}}}"#,
                t0.to_rfc3339()
            )
        };
        let (ok_api, panic_api, error_api) = (id(1), id(2), id(3));
        let (ok_thumb, traceback_thumb) = (id(4), id(5));
        let (node_signup, timeout_signup, ok_signup) = (id(6), id(7), id(8));
        // api: one fine, one Rust panic (its process exits), one ERROR line + error report.
        let api: Vec<(DateTime<Utc>, String)> = vec![
            (at(0), format!("START RequestId: {ok_api} Version: $LATEST")),
            (
                at(1),
                format!(
                    "{{\"level\":\"INFO\",\"requestId\":\"{ok_api}\",\"message\":\"GET /posts 200\"}}"
                ),
            ),
            (at(2), format!("END RequestId: {ok_api}")),
            (at(3), report(&ok_api, None)),
            (
                at(10),
                format!("START RequestId: {panic_api} Version: $LATEST"),
            ),
            (
                at(11),
                "thread 'main' panicked at src/bin/api.rs:42:9:".to_string(),
            ),
            (
                at(12),
                "called `Result::unwrap()` on an `Err` value: Db(\"gone\")".to_string(),
            ),
            (
                at(13),
                format!("RequestId: {panic_api} Error: Runtime exited with error: exit status 101"),
            ),
            (at(14), "Runtime.ExitError".to_string()),
            (at(15), format!("END RequestId: {panic_api}")),
            (at(16), report(&panic_api, Some("error"))),
            (
                at(20),
                format!("START RequestId: {error_api} Version: $LATEST"),
            ),
            (
                at(21),
                format!(
                    "{{\"level\":\"ERROR\",\"requestId\":\"{error_api}\",\"message\":\"db timeout\"}}"
                ),
            ),
            (at(22), format!("END RequestId: {error_api}")),
            (at(23), json_report(&error_api, "error")),
        ];
        // thumbnails: one fine with a 12 KB line, one Python traceback.
        let thumbs: Vec<(DateTime<Utc>, String)> = vec![
            (
                at(30),
                format!("START RequestId: {ok_thumb} Version: $LATEST"),
            ),
            (
                at(31),
                format!("{ok_thumb} INFO big payload {}", "x".repeat(12 * 1024)),
            ),
            (at(32), format!("END RequestId: {ok_thumb}")),
            (at(33), json_report(&ok_thumb, "success")),
            (
                at(40),
                format!("START RequestId: {traceback_thumb} Version: $LATEST"),
            ),
            (
                at(41),
                format!("[ERROR] KeyError: 'width'\tRequestId: {traceback_thumb}"),
            ),
            (at(42), "Traceback (most recent call last):".to_string()),
            (
                at(43),
                "  File \"/var/task/app.py\", line 7, in handler".to_string(),
            ),
            (at(44), format!("END RequestId: {traceback_thumb}")),
            (at(45), report(&traceback_thumb, None)),
        ];
        // post-confirmation: a Node uncaught exception, a timeout, one fine.
        let signup: Vec<(DateTime<Utc>, String)> = vec![
            (
                at(50),
                format!("START RequestId: {node_signup} Version: $LATEST"),
            ),
            (
                at(51),
                format!(
                    "{}\t{node_signup}\tERROR\tUncaught Exception \t{{\"errorType\":\"TypeError\",\"errorMessage\":\"x is undefined\"}}",
                    at(51).to_rfc3339()
                ),
            ),
            (at(52), format!("END RequestId: {node_signup}")),
            (at(53), report(&node_signup, None)),
            (
                at(60),
                format!("START RequestId: {timeout_signup} Version: $LATEST"),
            ),
            (
                at(63),
                format!(
                    "{} {timeout_signup} Task timed out after 3.00 seconds",
                    at(63).to_rfc3339()
                ),
            ),
            (at(64), format!("END RequestId: {timeout_signup}")),
            (at(65), report(&timeout_signup, Some("timeout"))),
            (
                at(70),
                format!("START RequestId: {ok_signup} Version: $LATEST"),
            ),
            (
                at(71),
                format!("{ok_signup} INFO welcome مريم 👩‍💻 \u{1b}[31mred\u{1b}[0m"),
            ),
            (at(72), format!("END RequestId: {ok_signup}")),
            (at(73), report(&ok_signup, None)),
        ];
        self.failed = vec![
            panic_api.clone(),
            error_api.clone(),
            traceback_thumb.clone(),
            node_signup.clone(),
            timeout_signup.clone(),
        ];
        self.succeeded = vec![ok_api, ok_thumb, ok_signup];
        self.env.block_on(async {
            let ctx = backoffice_domain::adapters::aws::AwsContext::load(
                &backoffice_domain::adapters::aws::AwsSettings {
                    region: Some("us-east-1".into()),
                    endpoint_url: Some(endpoint),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            let logs = backoffice_domain::adapters::aws::CloudWatchLogSource::new(&ctx);
            for (group, events) in groups.iter().zip([api, thumbs, signup]) {
                let group = backoffice_domain::model::LogGroupName::parse(group).unwrap();
                logs.create_group(&group).await.unwrap();
                logs.put_events(&group, "2026/12/02/[$LATEST]0123456789abcdef", &events)
                    .await
                    .unwrap();
            }
        });
    }

    /// Writes `config/config.toml` under `dir` with this world as environment `moto`, its
    /// three groups the environment's log groups.
    pub fn write_config(&self, dir: &std::path::Path) {
        self.env.write_config_with_groups(dir, &self.groups);
    }
}
