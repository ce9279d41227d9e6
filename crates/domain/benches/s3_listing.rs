//! S3 listing on moto: the time to the first page through `S3ObjectStore` (one request), and a
//! whole listing page by page through the adapter against the raw SDK's `ListObjectsV2` loop
//! over the same bucket, in alternating rounds. The raw loop sends the same request (1,000
//! keys a page, URL-encoded keys), so the ratio is the adapter's own cost: decoding keys,
//! building entries, merging folders and wrapping the cursor. moto rescans the bucket on every
//! page, so the raw loop's time is mostly moto's and is printed beside the adapter's.
//!
//! `BACKOFFICE_TEST_AWS_ENDPOINT=http://127.0.0.1:5055 AWS_ACCESS_KEY_ID=testing
//! AWS_SECRET_ACCESS_KEY=testing cargo bench -p backoffice-domain --bench s3_listing`
//! (`BENCH_S3_OBJECTS`, default 100,000; `BENCH_S3_ROUNDS`, default 3). The first run fills
//! `backoffice-bench-listing-<objects>` (moto stores ~300 objects a second); later runs reuse it.

// Test harness code: a failed unwrap is the test failing at the line that broke.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use aws_sdk_s3::types::EncodingType;
use backoffice_domain::adapters::aws::{AwsContext, AwsSettings, S3ObjectStore};
use backoffice_domain::model::{BucketName, ObjectKey, PageRequest};
use backoffice_domain::ports::ObjectStore;
use futures::StreamExt;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Where the listed objects live; the completion marker sits outside it.
const PREFIX: &str = "obj/";
/// Written once every object is in place, so a rerun knows the bucket is full.
const COMPLETE_MARKER: &str = "meta/complete";
const PAGE: u32 = 1000;
const UPLOADS_IN_FLIGHT: usize = 32;
const PROGRESS_EVERY: Duration = Duration::from_secs(5);
/// First-page samples per round, per contender.
const FIRST_PAGE_SAMPLES: usize = 5;

#[tokio::main]
async fn main() {
    let endpoint = std::env::var("BACKOFFICE_TEST_AWS_ENDPOINT").expect(
        "set BACKOFFICE_TEST_AWS_ENDPOINT to moto's URL (e.g. http://127.0.0.1:5055), with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set to anything",
    );
    let objects = env_number("BENCH_S3_OBJECTS", 100_000);
    let rounds = env_number("BENCH_S3_ROUNDS", 3).max(1);
    let ctx = AwsContext::load(&AwsSettings {
        region: Some(std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into())),
        endpoint_url: Some(endpoint.clone()),
        operation_timeout: Duration::from_secs(300),
        max_attempts: 10,
        ..AwsSettings::default()
    })
    .await
    .expect("an AWS session for moto");
    let raw = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(ctx.sdk_config())
            .force_path_style(true)
            .build(),
    );
    let store = S3ObjectStore::new(&ctx);
    let bucket = BucketName::parse(format!("backoffice-bench-listing-{objects}")).unwrap();
    fill(&raw, &store, &bucket, objects).await;

    let pages = objects.div_ceil(PAGE as usize);
    let mut first_adapter = Vec::new();
    let mut first_raw = Vec::new();
    let mut whole_adapter = Vec::new();
    let mut whole_raw = Vec::new();
    for round in 0..rounds {
        // Alternate who goes first, so neither always meets a warmer server.
        let adapter_first = round % 2 == 0;
        for _ in 0..FIRST_PAGE_SAMPLES {
            if adapter_first {
                first_adapter.push(first_page_adapter(&store, &bucket).await);
                first_raw.push(first_page_raw(&raw, &bucket).await);
            } else {
                first_raw.push(first_page_raw(&raw, &bucket).await);
                first_adapter.push(first_page_adapter(&store, &bucket).await);
            }
        }
        let (a, r) = if adapter_first {
            let a = whole_listing_adapter(&store, &bucket, objects).await;
            (a, whole_listing_raw(&raw, &bucket, objects).await)
        } else {
            let r = whole_listing_raw(&raw, &bucket, objects).await;
            (whole_listing_adapter(&store, &bucket, objects).await, r)
        };
        eprintln!(
            "round {}/{rounds}: whole listing adapter {:.2} s, raw {:.2} s",
            round + 1,
            a.as_secs_f64(),
            r.as_secs_f64()
        );
        whole_adapter.push(a);
        whole_raw.push(r);
    }

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let first_a = median(&mut first_adapter);
    let first_r = median(&mut first_raw);
    let whole_a = median(&mut whole_adapter);
    let whole_r = median(&mut whole_raw);
    println!(
        "S3 listing on moto ({endpoint}), {objects} objects, {pages} pages of {PAGE}, {rounds} rounds"
    );
    println!();
    println!("| measurement | median | samples |");
    println!("|---|---|---|");
    println!(
        "| first page, adapter (one request) | {:.1} ms | {} |",
        ms(first_a),
        first_adapter.len()
    );
    println!(
        "| first page, raw SDK | {:.1} ms | {} |",
        ms(first_r),
        first_raw.len()
    );
    println!(
        "| whole listing, adapter | {:.2} s ({:.1} ms a page) | {rounds} |",
        whole_a.as_secs_f64(),
        ms(whole_a) / pages as f64
    );
    println!(
        "| whole listing, raw SDK (moto's own cost) | {:.2} s ({:.1} ms a page) | {rounds} |",
        whole_r.as_secs_f64(),
        ms(whole_r) / pages as f64
    );
    println!(
        "| ratio adapter/raw, whole listing (goal ≤ 1.1×) | {:.3}× | |",
        whole_a.as_secs_f64() / whole_r.as_secs_f64()
    );
    println!(
        "| ratio adapter/raw, first page | {:.3}× | |",
        first_a.as_secs_f64() / first_r.as_secs_f64()
    );
}

fn env_number(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) => v
            .replace(['_', ','], "")
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {v:?}")),
        Err(_) => default,
    }
}

fn key_of(i: usize) -> String {
    format!("{PREFIX}{i:08}")
}

/// Makes the bucket hold exactly `objects` keys under `obj/`, uploading only what is missing.
async fn fill(
    raw: &aws_sdk_s3::Client,
    store: &S3ObjectStore,
    bucket: &BucketName,
    objects: usize,
) {
    if raw
        .head_bucket()
        .bucket(bucket.as_str())
        .send()
        .await
        .is_err()
    {
        raw.create_bucket()
            .bucket(bucket.as_str())
            .send()
            .await
            .expect("moto makes the bench bucket");
    }
    if store.head(bucket, COMPLETE_MARKER).await.is_ok() {
        eprintln!("{bucket} already holds {objects} objects; reusing it");
        return;
    }
    let present = existing_keys(raw, bucket).await;
    let missing: Vec<String> = (0..objects)
        .map(key_of)
        .filter(|k| !present.contains(k))
        .collect();
    eprintln!(
        "{bucket}: {} objects present, uploading {} with {UPLOADS_IN_FLIGHT} in flight",
        present.len(),
        missing.len()
    );
    let done = Arc::new(AtomicUsize::new(0));
    let total = missing.len();
    let started = Instant::now();
    let progress = {
        let done = done.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(PROGRESS_EVERY).await;
                let n = done.load(Ordering::Relaxed);
                let rate = n as f64 / started.elapsed().as_secs_f64();
                let left = (total - n) as f64 / rate.max(1.0);
                eprintln!("uploaded {n}/{total} ({rate:.0}/s, about {left:.0} s left)");
            }
        })
    };
    let body = b"listing bench object".to_vec();
    futures::stream::iter(missing)
        .for_each_concurrent(UPLOADS_IN_FLIGHT, |k| {
            let (store, body, done) = (store.clone(), body.clone(), done.clone());
            async move {
                let key = ObjectKey::parse(&k).unwrap();
                store
                    .put(bucket, &key, body, "text/plain", &BTreeMap::new())
                    .await
                    .unwrap_or_else(|e| panic!("uploading {k}: {}", e.chain()));
                done.fetch_add(1, Ordering::Relaxed);
            }
        })
        .await;
    progress.abort();
    eprintln!(
        "uploaded {total} objects in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let listed = existing_keys(raw, bucket).await;
    assert_eq!(
        listed.len(),
        objects,
        "the bucket should hold exactly the bench's objects"
    );
    store
        .put(
            bucket,
            &ObjectKey::parse(COMPLETE_MARKER).unwrap(),
            objects.to_string().into_bytes(),
            "text/plain",
            &BTreeMap::new(),
        )
        .await
        .expect("the completion marker");
}

async fn existing_keys(raw: &aws_sdk_s3::Client, bucket: &BucketName) -> HashSet<String> {
    let mut keys = HashSet::new();
    let mut token = None;
    loop {
        let out = raw
            .list_objects_v2()
            .bucket(bucket.as_str())
            .prefix(PREFIX)
            .max_keys(PAGE as i32)
            .set_continuation_token(token)
            .send()
            .await
            .expect("moto lists the bench bucket");
        keys.extend(
            out.contents()
                .iter()
                .filter_map(|o| o.key().map(String::from)),
        );
        token = out.next_continuation_token().map(String::from);
        if token.is_none() {
            return keys;
        }
    }
}

async fn first_page_adapter(store: &S3ObjectStore, bucket: &BucketName) -> Duration {
    let started = Instant::now();
    let page = store
        .list(bucket, PREFIX, None, PageRequest::first(PAGE))
        .await
        .expect("the first page");
    let took = started.elapsed();
    assert!(!page.items.is_empty());
    took
}

async fn first_page_raw(raw: &aws_sdk_s3::Client, bucket: &BucketName) -> Duration {
    let started = Instant::now();
    let out = raw
        .list_objects_v2()
        .bucket(bucket.as_str())
        .prefix(PREFIX)
        .max_keys(PAGE as i32)
        .encoding_type(EncodingType::Url)
        .send()
        .await
        .expect("the first page");
    let keys: Vec<String> = out
        .contents()
        .iter()
        .filter_map(|o| o.key().map(String::from))
        .collect();
    let took = started.elapsed();
    assert!(!keys.is_empty());
    took
}

async fn whole_listing_adapter(
    store: &S3ObjectStore,
    bucket: &BucketName,
    objects: usize,
) -> Duration {
    let started = Instant::now();
    let mut seen = 0;
    let mut page = PageRequest::first(PAGE);
    loop {
        let got = store
            .list(bucket, PREFIX, None, page)
            .await
            .expect("a listing page");
        seen += got.items.len();
        match got.next {
            Some(cursor) => page = PageRequest::after(cursor, PAGE),
            None => break,
        }
    }
    let took = started.elapsed();
    assert_eq!(seen, objects, "the adapter listed every object once");
    took
}

async fn whole_listing_raw(
    raw: &aws_sdk_s3::Client,
    bucket: &BucketName,
    objects: usize,
) -> Duration {
    let started = Instant::now();
    let mut keys: Vec<String> = Vec::new();
    let mut token = None;
    loop {
        let out = raw
            .list_objects_v2()
            .bucket(bucket.as_str())
            .prefix(PREFIX)
            .max_keys(PAGE as i32)
            .encoding_type(EncodingType::Url)
            .set_continuation_token(token)
            .send()
            .await
            .expect("a listing page");
        keys.extend(
            out.contents()
                .iter()
                .filter_map(|o| o.key().map(String::from)),
        );
        token = out.next_continuation_token().map(String::from);
        if token.is_none() {
            break;
        }
    }
    let took = started.elapsed();
    assert_eq!(keys.len(), objects, "the raw loop listed every object once");
    took
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}
