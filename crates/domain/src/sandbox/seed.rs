//! Deterministic demo data: users with every Cognito status, profiles, a month of posts and
//! comments, open reports, real images, and three Lambda log groups with START/END/REPORT
//! lines, cold starts, JSON application lines and some errors.

use super::{API_LOG_GROUP, SIGNUP_LOG_GROUP, Sandbox, THUMBNAILS_LOG_GROUP, images, lambda_log};
use crate::adapters::sandbox::random_uuid;
use crate::adapters::sql::{ImportComment, ImportPost, ImportProfile, ImportReport};
use crate::error::DomainResult;
use crate::model::{
    AuthEvent, CommentId, ContentStatus, GroupName, LogGroupName, ObjectKey, Target, UserStatus,
    UserSub, Username, now_millis,
};
use crate::ports::{ObjectStore, UserDirectory};
use chrono::{DateTime, Duration, Utc};
use image::ImageFormat;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

/// How much to seed. The defaults are the sandbox's; tests use smaller numbers.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub seed: u64,
    pub users: usize,
    pub posts: usize,
    pub comments: usize,
    pub reports: usize,
    pub post_images: usize,
    pub profile_images: usize,
    /// Lambda invocations across the three log groups (about six lines each).
    pub invocations: usize,
    /// The instant the data leads up to.
    pub now: DateTime<Utc>,
}

impl Default for SeedOptions {
    fn default() -> Self {
        Self {
            seed: 20_261_125,
            users: 200,
            posts: 2_000,
            comments: 8_000,
            reports: 150,
            post_images: 60,
            profile_images: 40,
            invocations: 4_100,
            now: now_millis(),
        }
    }
}

/// What a seed wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedSummary {
    pub users: usize,
    pub profiles: usize,
    pub posts: usize,
    pub comments: usize,
    pub reports: usize,
    pub objects: usize,
    pub log_events: usize,
}

const GIVEN: &[&str] = &[
    "Minsu", "Jiwoo", "Seoyeon", "Hyunwoo", "Jisoo", "Ana", "Ben", "Chloe", "Daniel", "Emma",
    "Farah", "Gabriel", "Hana", "Ivan", "Julia", "Kenji", "Lea", "Marco", "Nora", "Omar",
];
const FAMILY: &[&str] = &[
    "Kim", "Lee", "Park", "Choi", "Jung", "Silva", "Novak", "Garcia", "Smith", "Tanaka", "Müller",
    "Rossi", "Haddad", "Nguyen", "Kowalski",
];
const OPENINGS: &[&str] = &[
    "오늘 한강 산책 다녀왔어요",
    "Finally finished my first marathon",
    "새로 생긴 카페 추천합니다",
    "Anyone else watching the meteor shower tonight?",
    "주말에 캠핑 갔다 왔어요",
    "My sourdough starter is alive",
    "Trying out the new ramen place downtown",
    "퇴근길 노을이 너무 예뻐요",
    "Hot take: tabs over spaces",
    "첫 출근 후기",
    "Looking for hiking buddies near Busan",
    "Rainy day playlist, send suggestions",
];
const DETAILS: &[&str] = &[
    "Highly recommend it.",
    "사진 첨부합니다 📷",
    "Would go again!",
    "다음에 또 가고 싶네요.",
    "What do you all think?",
    "It took three tries but it worked.",
    "날씨가 딱 좋았어요 ☀️",
    "Details in the comments.",
    "10/10 would not recommend the parking.",
    "🎉🎉🎉",
];
const COMMENTS: &[&str] = &[
    "Love this!",
    "우와 멋지다",
    "Where is this?",
    "저도 가보고 싶어요",
    "Congrats 🎉",
    "Same here",
    "Thanks for sharing",
    "사진 잘 찍으셨네요",
    "Haha true",
    "Can you share the recipe?",
    "Check out my profile for more",
    "BUY CHEAP FOLLOWERS NOW at spam.example",
    "정보 감사합니다",
];
const REASONS: &[&str] = &[
    "spam",
    "harassment",
    "nudity",
    "hate speech",
    "misinformation",
    "impersonation",
    "other",
];
const API_ROUTES: &[(&str, &str)] = &[
    ("GET", "/posts"),
    ("GET", "/posts/{id}"),
    ("POST", "/posts"),
    ("GET", "/posts/{id}/comments"),
    ("POST", "/posts/{id}/comments"),
    ("GET", "/profile"),
    ("PUT", "/profile"),
    ("GET", "/user/sync"),
    ("POST", "/uploads"),
    ("GET", "/notifications"),
    ("POST", "/posts/{id}/reports"),
];
const ERRORS: &[&str] = &[
    "database connection timed out after 5000 ms",
    "S3 PutObject failed: SlowDown",
    "unexpected end of JSON input in request body",
    "pool timed out while waiting for an open connection",
];

struct SeedUser {
    username: Username,
    sub: UserSub,
    email: String,
    name: String,
    status: UserStatus,
    enabled: bool,
    created_at: DateTime<Utc>,
    has_profile: bool,
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// A time in `[from, to)`, at millisecond precision.
fn between(rng: &mut ChaCha8Rng, from: DateTime<Utc>, to: DateTime<Utc>) -> DateTime<Utc> {
    let span = (to - from).num_milliseconds().max(1);
    from + Duration::milliseconds(rng.random_range(0..span))
}

/// Where simulated sign-ins come from: documentation addresses (RFC 5737) with a place.
const SIGN_IN_PLACES: &[(&str, &str, &str)] = &[
    ("192.0.2.14", "Seoul", "South Korea"),
    ("192.0.2.77", "Busan", "South Korea"),
    ("198.51.100.23", "Lisbon", "Portugal"),
    ("198.51.100.140", "Berlin", "Germany"),
    ("203.0.113.9", "Toronto", "Canada"),
    ("203.0.113.201", "Lagos", "Nigeria"),
];

const SIGN_IN_DEVICES: &[&str] = &[
    "Chrome 131, macOS 15",
    "Safari, iOS 18",
    "Flutter app, Android 15",
    "Firefox 133, Windows 11",
];

/// A sign-in event as Cognito's threat protection records one: mostly passed at low risk,
/// now and then a failed password, rarely a high-risk attempt that was blocked.
pub(crate) fn simulated_sign_in(rng: &mut ChaCha8Rng, at: DateTime<Utc>) -> AuthEvent {
    let (ip, city, country) = *pick(rng, SIGN_IN_PLACES);
    let roll: f64 = rng.random_range(0.0..1.0);
    let (result, level, decision) = if roll < 0.03 {
        ("Fail", "High", "Block")
    } else if roll < 0.15 {
        ("Fail", "Low", "NoRisk")
    } else if roll < 0.2 {
        ("Pass", "Medium", "NoRisk")
    } else {
        ("Pass", "Low", "NoRisk")
    };
    AuthEvent {
        id: random_uuid(rng),
        kind: "SignIn".into(),
        at: Some(at),
        result: result.into(),
        risk_level: Some(level.into()),
        risk_decision: Some(decision.into()),
        ip: Some(ip.into()),
        city: Some(city.into()),
        country: Some(country.into()),
        device: Some((*pick(rng, SIGN_IN_DEVICES)).into()),
    }
}

impl Sandbox {
    /// Fills the sandbox with demo data. Meant for an empty sandbox (see `Sandbox::reset`).
    pub async fn seed(
        &self,
        options: &SeedOptions,
        progress: &(dyn Fn(&str) + Sync),
    ) -> DomainResult<SeedSummary> {
        let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
        let now = options.now;
        let month_ago = now - Duration::days(30);
        let mut summary = SeedSummary::default();

        progress("users");
        let admins = GroupName::admins();
        self.directory
            .create_group(&admins, Some("May moderate content"))
            .await?;
        self.directory
            .create_group(&GroupName::parse("support")?, Some("Support staff"))
            .await?;
        let mut users = Vec::with_capacity(options.users);
        for i in 0..options.users {
            let sub = UserSub::parse(random_uuid(&mut rng))?;
            let given = *pick(&mut rng, GIVEN);
            let family = *pick(&mut rng, FAMILY);
            let roll = rng.random_range(0..100);
            let (username, status) = match roll {
                0..=11 => (
                    format!(
                        "google_{}",
                        rng.random_range(100_000_000_000u64..999_999_999_999)
                    ),
                    UserStatus::ExternalProvider,
                ),
                12..=17 => (
                    format!(
                        "signinwithapple_{:06}.{:x}",
                        rng.random_range(0..999_999),
                        rng.random::<u64>()
                    ),
                    UserStatus::ExternalProvider,
                ),
                18..=23 => (sub.to_string(), UserStatus::Unconfirmed),
                24..=26 => (sub.to_string(), UserStatus::ForceChangePassword),
                27..=28 => (sub.to_string(), UserStatus::ResetRequired),
                _ => (sub.to_string(), UserStatus::Confirmed),
            };
            let email = format!(
                "{}.{}{}@example.com",
                given.to_lowercase(),
                family.to_lowercase().replace('ü', "ue"),
                i
            );
            users.push(SeedUser {
                username: Username::parse(username)?,
                email,
                name: format!("{given} {family}"),
                enabled: rng.random_range(0..100) >= 5,
                created_at: between(&mut rng, month_ago - Duration::days(60), month_ago),
                has_profile: status != UserStatus::Unconfirmed && rng.random_range(0..100) >= 2,
                status,
                sub,
            });
        }
        for u in &users {
            let verified = if u.status == UserStatus::Unconfirmed {
                "false"
            } else {
                "true"
            };
            let attributes = vec![
                ("email".to_string(), u.email.clone()),
                ("email_verified".to_string(), verified.to_string()),
                ("name".to_string(), u.name.clone()),
            ];
            self.directory
                .import_user(
                    &u.username,
                    &u.sub,
                    &u.status,
                    u.enabled,
                    u.created_at,
                    &attributes,
                )
                .await?;
        }
        // A sign-in history for those who have signed in, from a stream of its own (the rest
        // of the seed stays as it was for a given seed number).
        let mut history = ChaCha8Rng::seed_from_u64(options.seed ^ 0x5167_0e11);
        for u in users.iter().filter(|u| {
            u.status == UserStatus::Confirmed || u.status == UserStatus::ExternalProvider
        }) {
            for _ in 0..history.random_range(1..=4) {
                let at = between(&mut history, u.created_at.max(month_ago), now);
                let event = simulated_sign_in(&mut history, at);
                self.directory
                    .record_auth_event(&u.username, &event)
                    .await?;
            }
        }
        let active: Vec<&SeedUser> = users.iter().filter(|u| u.has_profile).collect();
        if active.is_empty() && (options.posts > 0 || options.comments > 0 || options.reports > 0) {
            return Err(crate::DomainError::invalid(
                "users",
                "too few users to author posts; seed at least 10",
            ));
        }
        for u in active.iter().filter(|u| u.enabled).take(3) {
            self.directory.add_to_group(&u.username, &admins).await?;
        }
        summary.users = users.len();

        progress("images");
        let bucket = Self::bucket();
        let no_meta = BTreeMap::new();
        let mut profile_keys = BTreeMap::new();
        for (n, u) in active.iter().enumerate().take(options.profile_images) {
            let key = ObjectKey::parse(format!("profiles/{}/avatar.png", u.sub))?;
            let bytes = images::picture(n as u64 + 1, 96, 96, ImageFormat::Png);
            self.objects
                .put(&bucket, &key, bytes, "image/png", &no_meta)
                .await?;
            profile_keys.insert(u.sub.clone(), key.to_string());
            summary.objects += 1;
        }

        progress("profiles");
        let profiles: Vec<ImportProfile> = active
            .iter()
            .map(|u| ImportProfile {
                sub: u.sub.clone(),
                email: Some(u.email.clone()),
                display_name: Some(u.name.clone()),
                bio: (u.created_at.timestamp() % 3 == 0)
                    .then(|| "안녕하세요! Coffee, hiking and film photography.".to_string()),
                profile_image_key: profile_keys.get(&u.sub).cloned(),
                created_at: u.created_at,
            })
            .collect();
        self.content.import_profiles(&profiles).await?;
        summary.profiles = profiles.len();

        progress("posts");
        // A few prolific authors, as in any real community.
        let author_weights: Vec<usize> = (0..active.len())
            .map(|i| if i % 17 == 0 { 12 } else { 1 })
            .collect();
        let total_weight: usize = author_weights.iter().sum();
        let draw_author = |rng: &mut ChaCha8Rng| {
            let mut roll = rng.random_range(0..total_weight.max(1));
            for (i, w) in author_weights.iter().enumerate() {
                if roll < *w {
                    return i;
                }
                roll -= w;
            }
            0
        };
        let mut post_times: Vec<DateTime<Utc>> = (0..options.posts)
            .map(|_| between(&mut rng, month_ago, now))
            .collect();
        post_times.sort();
        let mut posts = Vec::with_capacity(options.posts);
        let mut images_left = options.post_images;
        for created_at in post_times {
            let author = active[draw_author(&mut rng)];
            let mut body = format!("{} {}", pick(&mut rng, OPENINGS), pick(&mut rng, DETAILS));
            if rng.random_range(0..10) == 0 {
                body.push_str("\n\n#weekend #daily");
            }
            let image_key = if images_left > 0
                && rng.random_range(0..options.posts.max(1)) < options.post_images * 2
            {
                images_left -= 1;
                let jpeg = images_left.is_multiple_of(2);
                let key = ObjectKey::parse(format!(
                    "posts/{}/{}.{}",
                    author.sub,
                    created_at.timestamp_millis(),
                    if jpeg { "jpg" } else { "png" }
                ))?;
                let (format, mime) = if jpeg {
                    (ImageFormat::Jpeg, "image/jpeg")
                } else {
                    (ImageFormat::Png, "image/png")
                };
                let bytes = images::picture(images_left as u64 + 1000, 640, 480, format);
                self.objects
                    .put(&bucket, &key, bytes, mime, &no_meta)
                    .await?;
                summary.objects += 1;
                Some(key.to_string())
            } else {
                None
            };
            let status = match rng.random_range(0..100) {
                0..=2 => ContentStatus::Hidden,
                3..=4 => ContentStatus::Removed,
                _ => ContentStatus::Visible,
            };
            posts.push(ImportPost {
                author_sub: author.sub.clone(),
                body,
                image_key,
                status,
                created_at,
            });
        }
        let post_ids = self.content.import_posts(&posts).await?;
        summary.posts = posts.len();

        progress("comments");
        let mut comments = Vec::with_capacity(options.comments);
        for _ in 0..options.comments {
            if post_ids.is_empty() {
                break;
            }
            let i = rng.random_range(0..post_ids.len());
            let author = active[rng.random_range(0..active.len())];
            comments.push(ImportComment {
                post_id: post_ids[i],
                author_sub: author.sub.clone(),
                body: pick(&mut rng, COMMENTS).to_string(),
                status: if rng.random_range(0..100) < 2 {
                    ContentStatus::Hidden
                } else {
                    ContentStatus::Visible
                },
                created_at: between(&mut rng, posts[i].created_at, now),
            });
        }
        comments.sort_by_key(|c| c.created_at);
        self.content.import_comments(&comments).await?;
        summary.comments = comments.len();

        progress("reports");
        let mut reports = Vec::with_capacity(options.reports);
        // Reports cluster: a few targets draw many reports, most draw one.
        let hot: Vec<usize> = (0..8.min(post_ids.len()))
            .map(|_| rng.random_range(0..post_ids.len()))
            .collect();
        // A user has at most one open report per target (the schema holds to it).
        let mut taken = std::collections::HashSet::new();
        let mut n = 0usize;
        while reports.len() < options.reports && n < options.reports.saturating_mul(20) {
            n += 1;
            if post_ids.is_empty() || active.len() < 2 {
                break;
            }
            let target = match rng.random_range(0..100) {
                0..=4 => Target::User(active[rng.random_range(0..active.len())].sub.clone()),
                5..=29 if !comments.is_empty() => {
                    Target::Comment(CommentId::new(rng.random_range(1..=comments.len() as i64))?)
                }
                _ if n.is_multiple_of(3) && !hot.is_empty() => {
                    Target::Post(post_ids[hot[rng.random_range(0..hot.len())]])
                }
                _ => Target::Post(post_ids[rng.random_range(0..post_ids.len())]),
            };
            let reporter_sub = active[rng.random_range(0..active.len())].sub.clone();
            if !taken.insert((target.clone(), reporter_sub.clone())) {
                continue;
            }
            reports.push(ImportReport {
                target,
                reporter_sub,
                reason: pick(&mut rng, REASONS).to_string(),
                created_at: between(&mut rng, now - Duration::days(7), now),
            });
        }
        reports.sort_by_key(|r| r.created_at);
        self.content.import_reports(&reports).await?;
        summary.reports = reports.len();

        progress("logs");
        summary.log_events = self.seed_logs(&mut rng, options).await?;
        self.mark_seeded(now).await?;
        progress("done");
        Ok(summary)
    }

    async fn seed_logs(&self, rng: &mut ChaCha8Rng, options: &SeedOptions) -> DomainResult<usize> {
        let functions = [
            (API_LOG_GROUP, 80usize, 512u32),
            (THUMBNAILS_LOG_GROUP, 12, 1024),
            (SIGNUP_LOG_GROUP, 8, 256),
        ];
        let since = options.now - Duration::days(3);
        let mut written = 0;
        for (group, share, memory) in functions {
            let group_name = LogGroupName::parse(group)?;
            self.logs.create_group(&group_name).await?;
            let count = options.invocations * share / 100;
            let mut times: Vec<DateTime<Utc>> = (0..count)
                .map(|_| between(rng, since, options.now))
                .collect();
            times.sort();
            // One stream per execution environment; a new one (a cold start) every ~2 hours.
            let mut stream = String::new();
            let mut stream_started = since - Duration::days(1);
            let mut batch: Vec<(DateTime<Utc>, String)> = Vec::new();
            for t in times {
                let cold = t - stream_started > Duration::hours(2);
                if cold {
                    if !batch.is_empty() {
                        written += batch.len();
                        self.logs.append(&group_name, &stream, &batch).await?;
                        batch.clear();
                    }
                    stream = lambda_log::stream_name(t, rng.random::<u128>());
                    stream_started = t;
                }
                let request_id = random_uuid(rng);
                let mut at = t;
                let mut line = |at: &mut DateTime<Utc>, text: String, rng: &mut ChaCha8Rng| {
                    batch.push((*at, text));
                    *at += Duration::milliseconds(rng.random_range(1..40));
                };
                line(&mut at, lambda_log::start_line(&request_id), rng);
                let failed = rng.random_range(0..100) < 3;
                let (method, route) = *pick(rng, API_ROUTES);
                let status = if failed {
                    500
                } else if rng.random_range(0..100) < 6 {
                    400
                } else {
                    200
                };
                let latency = rng.random_range(4..180);
                if group == API_LOG_GROUP {
                    line(
                        &mut at,
                        format!(
                            "{{\"level\":\"INFO\",\"message\":\"request\",\"requestId\":\"{request_id}\",\"method\":\"{method}\",\"route\":\"{route}\"}}"
                        ),
                        rng,
                    );
                    if failed {
                        line(
                            &mut at,
                            format!(
                                "{{\"level\":\"ERROR\",\"message\":\"{}\",\"requestId\":\"{request_id}\",\"route\":\"{route}\"}}",
                                pick(rng, ERRORS)
                            ),
                            rng,
                        );
                    } else if status == 400 {
                        line(
                            &mut at,
                            format!(
                                "{{\"level\":\"WARN\",\"message\":\"invalid request body\",\"requestId\":\"{request_id}\",\"field\":\"body\"}}"
                            ),
                            rng,
                        );
                    }
                    line(
                        &mut at,
                        format!(
                            "{{\"level\":\"INFO\",\"message\":\"response\",\"requestId\":\"{request_id}\",\"route\":\"{route}\",\"status\":{status},\"latencyMs\":{latency}}}"
                        ),
                        rng,
                    );
                } else if group == THUMBNAILS_LOG_GROUP {
                    line(
                        &mut at,
                        format!(
                            "{{\"level\":\"INFO\",\"message\":\"thumbnails written\",\"requestId\":\"{request_id}\",\"widths\":[128,512]}}"
                        ),
                        rng,
                    );
                    if failed {
                        line(
                            &mut at,
                            format!(
                                "[ERROR] {request_id} image refused: dimensions exceed the limit"
                            ),
                            rng,
                        );
                    }
                } else {
                    line(
                        &mut at,
                        format!(
                            "{{\"level\":\"INFO\",\"message\":\"profile row upserted\",\"requestId\":\"{request_id}\",\"trigger\":\"PostConfirmation_ConfirmSignUp\"}}"
                        ),
                        rng,
                    );
                }
                line(&mut at, lambda_log::end_line(&request_id), rng);
                let duration = f64::from(latency) + rng.random_range(0.0..5.0);
                let used = rng.random_range(60..(memory / 3).max(61));
                let init = cold.then(|| rng.random_range(120.0..450.0));
                let report = lambda_log::report_line(&request_id, duration, memory, used, init);
                line(&mut at, report, rng);
            }
            if !batch.is_empty() {
                written += batch.len();
                self.logs.append(&group_name, &stream, &batch).await?;
            }
        }
        Ok(written)
    }
}
