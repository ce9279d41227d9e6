//! Keyset paging on MariaDB at a million posts: page 1 (no cursor) and page 2 (the first page
//! behind a cursor) against page 20,000 of the newest-first listing, and of a filtered listing
//! (visible posts only). Run it with `tests/bench.sh` (or
//! `BACKOFFICE_BENCH_MYSQL_URL=mysql://root@127.0.0.1:3306 cargo bench --workspace
//! --all-features --locked --bench keyset`). The first run seeds `backoffice_bench` once.

// Test harness code: a failed unwrap is the test failing at the line that broke.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use backoffice_domain::adapters::sql::{ImportPost, SqlContentStore};
use backoffice_domain::model::{ContentStatus, Cursor, PageRequest, PostFilter, UserSub};
use backoffice_domain::ports::ContentStore;
use chrono::{Duration, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use sqlx::{Connection, MySql, MySqlConnection};
use std::time::Instant;

const POSTS: i64 = 1_000_000;
const PAGE: u32 = 50;
const DEEP_PAGE: usize = 20_000;
const FILTERED_DEEP_PAGE: usize = 18_000;
const BATCH: usize = 50_000;
const SAMPLES: usize = 300;

#[tokio::main]
async fn main() {
    let server = std::env::var("BACKOFFICE_BENCH_MYSQL_URL")
        .or_else(|_| std::env::var("BACKOFFICE_TEST_MYSQL_URL"))
        .expect(
            "set BACKOFFICE_BENCH_MYSQL_URL (or BACKOFFICE_TEST_MYSQL_URL) to a MariaDB server URL",
        );
    let server = server
        .trim_end_matches('/')
        .rsplit_once('/')
        .map_or(server.clone(), |(s, db)| {
            if db.contains('@') || db.contains(':') {
                server.clone()
            } else {
                s.to_string()
            }
        });
    let mut admin = MySqlConnection::connect(&server)
        .await
        .expect("MariaDB answers");
    sqlx::raw_sql("CREATE DATABASE IF NOT EXISTS backoffice_bench CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        .execute(&mut admin)
        .await
        .unwrap();
    let store = SqlContentStore::<MySql>::connect_mysql(&format!(
        "{server}/backoffice_bench?ssl-mode=disabled"
    ))
    .await
    .unwrap();
    seed(&store).await;

    let all = PostFilter::default();
    let visible = PostFilter {
        status: Some(ContentStatus::Visible),
        ..PostFilter::default()
    };
    println!("| listing | page | median | p95 | rows |");
    println!("|---|---|---|---|---|");
    for (name, filter, deep) in [
        ("newest first", &all, DEEP_PAGE),
        ("visible only", &visible, FILTERED_DEEP_PAGE),
    ] {
        let started = Instant::now();
        let cursor = walk_to(&store, filter, deep).await;
        eprintln!(
            "walked {name} to page {deep} in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let second = store
            .list_posts(filter, PageRequest::first(PAGE))
            .await
            .unwrap()
            .next
            .expect("a second page");
        // Page 1 (no keyset condition), page 2 (the first page behind a cursor) and the deep
        // page, sampled in turn so that the machine's noise falls on all three alike.
        let pages = [
            PageRequest::first(PAGE),
            PageRequest::after(second, PAGE),
            PageRequest::after(cursor, PAGE),
        ];
        let [first, near, far] = time(&store, filter, &pages).await;
        for (page, t) in [("1", first), ("2", near), (&deep.to_string()[..], far)] {
            println!(
                "| {name} | {page} | {:.3} ms | {:.3} ms | {} |",
                t.0, t.1, t.2
            );
        }
        println!(
            "| {name} | ratio {deep} / 1 | {:.2}× | | |",
            far.0 / first.0
        );
        println!("| {name} | ratio {deep} / 2 | {:.2}× | | |", far.0 / near.0);
    }
}

/// Seeds one million posts over a year, 95% visible, once.
async fn seed(store: &SqlContentStore<MySql>) {
    let have = store.count_posts().await.unwrap();
    if have >= POSTS {
        eprintln!("backoffice_bench already holds {have} posts");
        return;
    }
    assert_eq!(
        have, 0,
        "backoffice_bench is half-seeded; drop it and run again"
    );
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let start = Utc.with_ymd_and_hms(2025, 11, 25, 0, 0, 0).unwrap();
    let authors: Vec<UserSub> = (0..1000)
        .map(|i| UserSub::parse(format!("00000000-0000-4000-8000-{i:012x}")).unwrap())
        .collect();
    let started = Instant::now();
    let mut written = 0;
    while written < POSTS {
        let batch: Vec<ImportPost> = (0..BATCH)
            .map(|_| ImportPost {
                author_sub: authors[rng.random_range(0..authors.len())].clone(),
                body: format!("benchmark post {}", rng.random::<u32>()),
                image_key: None,
                status: match rng.random_range(0..100) {
                    0..=2 => ContentStatus::Hidden,
                    3..=4 => ContentStatus::Removed,
                    _ => ContentStatus::Visible,
                },
                created_at: start
                    + Duration::milliseconds(rng.random_range(0..365 * 24 * 3_600_000)),
            })
            .collect();
        store.import_posts(&batch).await.unwrap();
        written += BATCH as i64;
        eprintln!(
            "seeded {written} posts ({:.0} s)",
            started.elapsed().as_secs_f64()
        );
    }
    sqlx::raw_sql("ANALYZE TABLE posts")
        .execute(store.pool())
        .await
        .unwrap();
}

/// Follows cursors from the first page to page `n` and returns the cursor that fetches it.
async fn walk_to(store: &SqlContentStore<MySql>, filter: &PostFilter, n: usize) -> Cursor {
    let mut page = PageRequest::first(PAGE);
    let mut cursor = None;
    for _ in 1..n {
        let got = store.list_posts(filter, page).await.unwrap();
        let next = got.next.expect("the listing has that many pages");
        cursor = Some(next.clone());
        page = PageRequest::after(next, PAGE);
    }
    cursor.expect("n > 1")
}

/// For each page: median and 95th percentile in milliseconds, and the rows of the page. The
/// pages are asked for in turn, `SAMPLES` times each.
async fn time<const N: usize>(
    store: &SqlContentStore<MySql>,
    filter: &PostFilter,
    pages: &[PageRequest; N],
) -> [(f64, f64, usize); N] {
    let mut samples: [Vec<f64>; N] = std::array::from_fn(|_| Vec::with_capacity(SAMPLES));
    let mut rows = [0usize; N];
    for _ in 0..SAMPLES {
        for (i, page) in pages.iter().enumerate() {
            let started = Instant::now();
            let got = store.list_posts(filter, page.clone()).await.unwrap();
            samples[i].push(started.elapsed().as_secs_f64() * 1000.0);
            rows[i] = got.items.len();
        }
    }
    std::array::from_fn(|i| {
        let s = &mut samples[i];
        s.sort_by(f64::total_cmp);
        (s[SAMPLES / 2], s[SAMPLES * 95 / 100], rows[i])
    })
}
