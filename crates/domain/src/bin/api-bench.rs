//! The API's side of the head-to-head with the seed's Python handlers
//! (`../shared/bench/seed-python/run.py`), with the same contract:
//!
//! ```text
//! api-bench EVENT.json N     invoke the Router N times with one API Gateway event; print one
//!                            JSON line (init cost, first response since process start,
//!                            invocations/s, mean, statuses, and the raw query round trip)
//! api-bench prepare POSTS    migrate the database and seed users and POSTS visible posts
//! ```
//!
//! The database comes from `DB_HOST`, `DB_PORT`, `DB_USER`, `DB_PASSWORD`, `DB_NAME` as for
//! `run.py`. Invocations run one after another, as one Lambda execution environment serves them.

use backoffice_domain::adapters::aws::{AwsContext, AwsSettings, S3ObjectStore};
use backoffice_domain::adapters::sql::{ImportPost, ImportProfile, MySqlContentStore};
use backoffice_domain::api::{self, Api, Auth, Limits};
use backoffice_domain::auth::{BlockCheck, ExpectedUse};
use backoffice_domain::lambda::{self, LambdaSettings, Needs};
use backoffice_domain::model::{
    BucketName, ContentStatus, PageRequest, PostFilter, UserSub, now_millis,
};
use backoffice_domain::ports::ContentStore;
use serde_json::json;
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;
use tower::ServiceExt;

/// Rounds of the side-by-side comparison.
const ROUNDS: usize = 10;
/// Invocations from which a run also compares the handler with the store and the raw query.
const MIN_COMPARED: usize = 1000;
const USAGE: &str = "usage: api-bench EVENT.json N | api-bench prepare POSTS";
/// A plain query for the posts `GET /posts` lists, as the first figures of the comparison
/// took it: its values written into the text (MySQL's text protocol), 20 rows.
const RAW_QUERY: &str = "SELECT p.id, p.author_sub, p.body, p.image_key, p.status, p.created_at, \
    p.updated_at FROM posts p WHERE p.status = 'visible' ORDER BY p.created_at DESC, p.id DESC LIMIT 20";

fn main() -> ExitCode {
    let started = Instant::now();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    let result = match args.as_slice() {
        [cmd, posts] if cmd == "prepare" => match posts.parse() {
            Ok(n) => runtime.block_on(prepare(n)),
            Err(_) => Err(USAGE.to_string()),
        },
        [event, n] => match n.parse() {
            Ok(n) if n > 0 => runtime.block_on(invoke(started, event, n)),
            _ => Err(USAGE.to_string()),
        },
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("api-bench: {message}");
    ExitCode::FAILURE
}

fn settings() -> Result<LambdaSettings, String> {
    LambdaSettings::from_env(|k| std::env::var(k).ok(), Needs::Database).map_err(|e| e.to_string())
}

async fn prepare(posts: usize) -> Result<(), String> {
    let settings = settings()?;
    let store = MySqlContentStore::connect_mysql(settings.database_url())
        .await
        .map_err(|e| e.chain())?;
    let authors: Vec<UserSub> = (1..=50u64)
        .map(|n| UserSub::parse(format!("00000000-0000-4000-8000-{n:012x}")))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let profiles: Vec<ImportProfile> = authors
        .iter()
        .map(|sub| ImportProfile {
            sub: sub.clone(),
            email: Some(format!("{}@example.com", &sub.as_str()[24..])),
            display_name: Some(format!("user {}", &sub.as_str()[30..])),
            bio: None,
            profile_image_key: None,
            created_at: now_millis(),
        })
        .collect();
    store
        .import_profiles(&profiles)
        .await
        .map_err(|e| e.chain())?;
    let start = now_millis() - chrono::Duration::days(30);
    let rows: Vec<ImportPost> = (0..posts)
        .map(|i| ImportPost {
            author_sub: authors[i % authors.len()].clone(),
            body: format!("post number {i}: a few sentences of text, as people write them."),
            image_key: None,
            status: if i % 50 == 0 {
                ContentStatus::Hidden
            } else {
                ContentStatus::Visible
            },
            created_at: start + chrono::Duration::seconds(i as i64 * 60),
        })
        .collect();
    store.import_posts(&rows).await.map_err(|e| e.chain())?;
    println!(
        "{}",
        json!({"prepared": {"users": authors.len(), "posts": posts}})
    );
    Ok(())
}

async fn invoke(started: Instant, event_path: &str, n: usize) -> Result<(), String> {
    let settings = settings()?;
    // Init, as in a Lambda execution environment: the pool with a live connection, the clients.
    let content = lambda::open_database(&settings)
        .await
        .map_err(|e| e.chain())?;
    let aws = AwsContext::load(&AwsSettings::default())
        .await
        .map_err(|e| e.chain())?;
    let bucket =
        BucketName::parse(std::env::var("MEDIA_BUCKET").unwrap_or_else(|_| "media-bucket".into()))
            .map_err(|e| e.to_string())?;
    let pool = content.pool().clone();
    let content = Arc::new(content);
    let router = api::router(Api {
        content: content.clone(),
        objects: Arc::new(S3ObjectStore::new(&aws)),
        directory: None,
        bucket,
        auth: Auth {
            verifier: None,
            client_ids: std::env::var("APP_CLIENT_IDS")
                .unwrap_or_else(|_| "app-client".into())
                .split(',')
                .map(str::to_string)
                .collect(),
            accepted: ExpectedUse::Either,
            blocks: Arc::new(BlockCheck::default()),
        },
        limits: Limits::default(),
    });
    let init_ms = started.elapsed().as_secs_f64() * 1000.0;
    let event = std::fs::read_to_string(event_path).map_err(|e| format!("{event_path}: {e}"))?;

    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    let mut first_ms = 0.0;
    let mut in_handler = std::time::Duration::ZERO;
    let t0 = Instant::now();
    for i in 0..n {
        let (status, took) = invoke_once(&router, &event, event_path).await?;
        in_handler += took;
        *statuses.entry(status).or_default() += 1;
        if i == 0 {
            first_ms = started.elapsed().as_secs_f64() * 1000.0;
        }
    }
    let elapsed = t0.elapsed().as_secs_f64();

    // The handler, the store's call and the query alone on the same pool, side by side: rounds
    // of `per_round` each, the order turned every round, so that whatever else the machine
    // does weighs on the three alike. Each figure is the median of the rounds' means. A short
    // run (a cold start's single invocation) skips it.
    let compared = if n >= MIN_COMPARED {
        Some(compare(&router, &content, &pool, &event, event_path, n).await?)
    } else {
        None
    };
    let statuses: serde_json::Map<String, serde_json::Value> = statuses
        .into_iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    println!(
        "{}",
        json!({
            "side": "rust",
            "import_ms": round2(init_ms),
            "first_response_ms": round2(first_ms),
            "invocations": n,
            "invocations_per_s": (n as f64 / elapsed * 10.0).round() / 10.0,
            "mean_us": (elapsed / n as f64 * 1e7).round() / 10.0,
            "handler_us_all": (in_handler.as_secs_f64() / n as f64 * 1e7).round() / 10.0,
            "handler_us": compared.map(|c| (c.handler_us * 10.0).round() / 10.0),
            "raw_query_us": compared.map(|c| (c.raw_us * 10.0).round() / 10.0),
            "store_call_us": compared.map(|c| (c.store_us * 10.0).round() / 10.0),
            "handler_over_raw": compared.map(|c| (c.ratio * 1000.0).round() / 1000.0),
            "statement_us": compared.map(|c| (c.statement_us * 10.0).round() / 10.0),
            "handler_over_statement": compared.map(|c| (c.statement_ratio * 1000.0).round() / 1000.0),
            "rounds": ROUNDS,
            "statuses": statuses,
        })
    );
    Ok(())
}

/// One invocation: the event JSON into a request with the invocation's context, as the runtime
/// hands it over (the runtime's part, not timed), then the handler's part, from the request to
/// the whole answer body (produced in full, as the runtime serializes it for API Gateway). The
/// status and the handler's time.
async fn invoke_once(
    router: &axum::Router,
    event: &str,
    event_path: &str,
) -> Result<(u16, std::time::Duration), String> {
    use lambda_http::RequestExt as _;
    let mut context = lambda_http::Context::default();
    context.request_id = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef".to_string();
    context.invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:api".to_string();
    context.deadline = 3_000;
    let request = lambda_http::request::from_str(event)
        .map_err(|e| format!("{event_path}: {e}"))?
        .with_lambda_context(context);
    let handler = Instant::now();
    let response = router
        .clone()
        .oneshot(lambda::adapt(request))
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .map_err(|e| e.to_string())?;
    Ok((status, handler.elapsed()))
}

/// Per-request medians of the side-by-side rounds, and of the handler-over-query ratios.
#[derive(Clone, Copy)]
struct Compared {
    handler_us: f64,
    store_us: f64,
    raw_us: f64,
    ratio: f64,
    statement_us: f64,
    statement_ratio: f64,
}

async fn compare(
    router: &axum::Router,
    content: &MySqlContentStore,
    pool: &sqlx::MySqlPool,
    event: &str,
    event_path: &str,
    n: usize,
) -> Result<Compared, String> {
    let visible = PostFilter {
        status: Some(ContentStatus::Visible),
        ..PostFilter::default()
    };
    // The statement the store runs for this page, with its binds (status, then the limit:
    // one row past the page), fetched on the same pool and not decoded.
    let statement = MySqlContentStore::posts_listing_sql(&visible, false);
    let per_round = (n / ROUNDS).clamp(100, 2000);
    let (mut handler_us, mut store_us, mut raw_us) = (Vec::new(), Vec::new(), Vec::new());
    let (mut statement_us, mut ratios, mut statement_ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let mut means = [0.0f64; 4];
        for k in 0..4 {
            let which = (k + round) % 4;
            let t = Instant::now();
            for _ in 0..per_round {
                match which {
                    0 => {
                        let (_, took) = invoke_once(router, event, event_path).await?;
                        means[0] += took.as_secs_f64();
                    }
                    1 => {
                        content
                            .list_posts(&visible, PageRequest::first(20))
                            .await
                            .map_err(|e| e.chain())?;
                    }
                    2 => {
                        sqlx::query(RAW_QUERY)
                            .fetch_all(pool)
                            .await
                            .map_err(|e| e.to_string())?;
                    }
                    _ => {
                        sqlx::query(statement)
                            .bind(ContentStatus::Visible.as_str())
                            .bind(21i64)
                            .fetch_all(pool)
                            .await
                            .map_err(|e| e.to_string())?;
                    }
                }
            }
            if which != 0 {
                means[which] = t.elapsed().as_secs_f64();
            }
        }
        let [h, st, r, sm] = means.map(|total| total / per_round as f64 * 1e6);
        handler_us.push(h);
        store_us.push(st);
        raw_us.push(r);
        statement_us.push(sm);
        ratios.push(h / r);
        statement_ratios.push(h / sm);
    }
    Ok(Compared {
        handler_us: median(handler_us),
        store_us: median(store_us),
        raw_us: median(raw_us),
        ratio: median(ratios),
        statement_us: median(statement_us),
        statement_ratio: median(statement_ratios),
    })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}
