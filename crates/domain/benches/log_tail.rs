//! The polling log tail on moto: 500 events a second written across three groups for
//! `BENCH_TAIL_SECONDS` (default 20) while one tail follows them. It reports events written
//! and received, duplicates, events out of time order, delivery lag, and FilterLogEvents calls
//! per group per second as the SDK sent them (counted by an interceptor, not by the tail).
//! It exits non-zero when an event was lost, duplicated or delivered out of order.
//!
//! `BACKOFFICE_TEST_AWS_ENDPOINT=http://127.0.0.1:5055 AWS_ACCESS_KEY_ID=testing
//! AWS_SECRET_ACCESS_KEY=testing cargo bench -p backoffice-domain --bench log_tail`
//! (see docs/benchmarks-tail.md).

// Test harness code: a failed unwrap is the test failing at the line that broke.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use aws_sdk_cloudwatchlogs::config::interceptors::BeforeSerializationInterceptorContextRef;
use aws_sdk_cloudwatchlogs::config::{ConfigBag, Intercept};
use aws_sdk_cloudwatchlogs::error::BoxError;
use aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsInput;
use backoffice_domain::adapters::aws::{AwsContext, AwsSettings, CloudWatchLogSource, TailMode};
use backoffice_domain::model::{LogGroupName, TailItem, TailRequest};
use backoffice_domain::ports::LogSource;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Events written per second, over all groups.
const RATE: u64 = 500;
const GROUPS: usize = 3;
/// The writer wakes this often and writes what the rate owes since its start.
const WRITE_TICK: Duration = Duration::from_millis(100);
/// How long the reader waits for the last events after the writer stopped.
const DRAIN: Duration = Duration::from_secs(15);

/// Every FilterLogEvents call the SDK starts, by group, with when it started.
#[derive(Debug, Default, Clone)]
struct FilterCalls {
    calls: Arc<Mutex<HashMap<String, Vec<Instant>>>>,
}

impl Intercept for FilterCalls {
    fn name(&self) -> &'static str {
        "FilterCalls"
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(input) = context.input().downcast_ref::<FilterLogEventsInput>() {
            let group = input.log_group_name().unwrap_or("?").to_string();
            self.calls
                .lock()
                .unwrap()
                .entry(group)
                .or_default()
                .push(Instant::now());
        }
        Ok(())
    }
}

fn seconds_from_env() -> u64 {
    match std::env::var("BENCH_TAIL_SECONDS") {
        Ok(s) => s
            .parse()
            .unwrap_or_else(|_| panic!("BENCH_TAIL_SECONDS must be a whole number, not {s:?}")),
        Err(_) => 20,
    }
}

/// Most calls that started within any one second.
fn busiest_second(at: &[Instant]) -> usize {
    let mut best = 0;
    let mut first = 0;
    for (i, t) in at.iter().enumerate() {
        while *t - at[first] >= Duration::from_secs(1) {
            first += 1;
        }
        best = best.max(i + 1 - first);
    }
    best
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let endpoint = std::env::var("BACKOFFICE_TEST_AWS_ENDPOINT")
        .expect("set BACKOFFICE_TEST_AWS_ENDPOINT to a moto server (e.g. http://127.0.0.1:5055)");
    let seconds = seconds_from_env();
    let ctx = AwsContext::load(&AwsSettings {
        region: Some("us-east-1".into()),
        endpoint_url: Some(endpoint.clone()),
        ..AwsSettings::default()
    })
    .await
    .expect("an AWS context for moto");
    let counter = FilterCalls::default();
    let conf = aws_sdk_cloudwatchlogs::config::Builder::from(ctx.sdk_config())
        .interceptor(counter.clone())
        .build();
    let source =
        CloudWatchLogSource::from_client(&ctx, aws_sdk_cloudwatchlogs::Client::from_conf(conf))
            .with_tail_mode(TailMode::Poll);

    let run = format!("{}-{}", std::process::id(), Utc::now().timestamp_millis());
    let groups: Vec<LogGroupName> = (0..GROUPS)
        .map(|i| LogGroupName::parse(format!("/bench/tail-{run}/g{i}")).unwrap())
        .collect();
    for g in &groups {
        source
            .create_group(g)
            .await
            .expect("moto creates the group");
    }
    println!("moto at {endpoint}; {RATE} events/s across {GROUPS} groups for {seconds} s");

    let request = TailRequest::new(groups.clone(), Utc::now(), None).unwrap();
    let tail_started = Instant::now();
    let mut tail = source.tail(request).await.expect("the tail starts");

    // The writer: one PutLogEvents per group per tick, with what the rate owes by then.
    let writer = {
        let source = source.clone();
        let groups = groups.clone();
        tokio::spawn(async move {
            let start = Instant::now();
            let mut written: u64 = 0;
            let mut puts: u64 = 0;
            let mut put_time = Duration::ZERO;
            let mut ticks = tokio::time::interval(WRITE_TICK);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let duration = Duration::from_secs(seconds);
            loop {
                ticks.tick().await;
                let elapsed = start.elapsed().min(duration);
                let owed = (elapsed.as_millis() as u64 * RATE / 1000).saturating_sub(written);
                let mut per_group: Vec<Vec<(DateTime<Utc>, String)>> = vec![Vec::new(); GROUPS];
                for k in 0..owed {
                    let seq = written + k;
                    per_group[(seq % GROUPS as u64) as usize]
                        .push((Utc::now(), format!("bench event {seq}")));
                }
                for (g, events) in groups.iter().zip(&per_group) {
                    if events.is_empty() {
                        continue;
                    }
                    let put = Instant::now();
                    source
                        .put_events(g, "bench", events)
                        .await
                        .expect("moto takes the events");
                    put_time += put.elapsed();
                    puts += 1;
                }
                written += owed;
                if elapsed >= duration {
                    break;
                }
            }
            (written, start.elapsed(), puts, put_time)
        })
    };

    let mut seen: HashSet<(String, String)> = HashSet::new();
    let mut messages: HashSet<String> = HashSet::new();
    let mut received: u64 = 0;
    let mut duplicates: u64 = 0;
    let mut out_of_order: u64 = 0;
    let mut newest: Option<DateTime<Utc>> = None;
    let mut lags: Vec<Duration> = Vec::new();
    let mut markers: Vec<TailItem> = Vec::new();
    let mut batches: u64 = 0;
    let mut written_total: Option<(u64, Duration, u64, Duration)> = None;
    let mut writer = Some(writer);
    let mut drain_until: Option<Instant> = None;
    loop {
        if let Some(w) = writer.as_mut()
            && w.is_finished()
        {
            written_total = Some(w.await.expect("the writer finished"));
            writer = None;
            drain_until = Some(Instant::now() + DRAIN);
        }
        if let (Some((written, ..)), Some(until)) = (written_total, drain_until)
            && (received >= written || Instant::now() >= until)
        {
            break;
        }
        let item = match tokio::time::timeout(Duration::from_millis(200), tail.next()).await {
            Err(_) => continue,
            Ok(None) => panic!("the tail ended"),
            Ok(Some(Err(e))) => panic!("the tail failed: {}", e.chain()),
            Ok(Some(Ok(item))) => item,
        };
        let now = Utc::now();
        match item {
            TailItem::Events(events) => {
                batches += 1;
                for e in events {
                    received += 1;
                    if !seen.insert((e.group.clone(), e.event_id.clone())) {
                        duplicates += 1;
                        continue;
                    }
                    messages.insert(e.message.clone());
                    if newest.is_some_and(|n| e.timestamp < n) {
                        out_of_order += 1;
                    }
                    newest = newest.max(Some(e.timestamp));
                    lags.push((now - e.timestamp).to_std().unwrap_or_default());
                }
            }
            other => markers.push(other),
        }
    }
    let tail_time = tail_started.elapsed();
    drop(tail);
    let (written, write_time, puts, put_time) = written_total.expect("the writer finished");
    let missing = (0..written)
        .filter(|seq| !messages.contains(&format!("bench event {seq}")))
        .count();
    lags.sort();

    println!();
    println!("| measure | value |");
    println!("|---|---|");
    println!(
        "| events written | {written} in {:.1} s ({:.0}/s) |",
        write_time.as_secs_f64(),
        written as f64 / write_time.as_secs_f64()
    );
    println!(
        "| PutLogEvents calls | {puts}, mean {:.1} ms |",
        put_time.as_secs_f64() * 1000.0 / puts.max(1) as f64
    );
    println!("| events received | {received} in {batches} batches |");
    println!("| missing | {missing} |");
    println!("| duplicates | {duplicates} |");
    println!("| out of time order | {out_of_order} |");
    println!("| markers (gap, reconnected) | {} |", markers.len());
    println!(
        "| lag, event time to delivery: p50 / p95 / max | {:.2} s / {:.2} s / {:.2} s |",
        percentile(&lags, 0.5).as_secs_f64(),
        percentile(&lags, 0.95).as_secs_f64(),
        lags.last().copied().unwrap_or_default().as_secs_f64()
    );
    let calls = counter.calls.lock().unwrap().clone();
    let mut total_calls = 0;
    for g in &groups {
        let at = calls.get(g.as_str()).cloned().unwrap_or_default();
        total_calls += at.len();
        let mean_interval = match (at.first(), at.last()) {
            (Some(first), Some(last)) if at.len() > 1 => {
                (*last - *first).as_secs_f64() / (at.len() - 1) as f64
            }
            _ => 0.0,
        };
        println!(
            "| FilterLogEvents {}: calls, mean interval, busiest second | {}, {:.2} s, {} |",
            g.as_str().rsplit('/').next().unwrap_or("?"),
            at.len(),
            mean_interval,
            busiest_second(&at)
        );
    }
    println!(
        "| FilterLogEvents, all groups | {total_calls}, {:.2}/s (limit {:.0}/s) |",
        total_calls as f64 / tail_time.as_secs_f64(),
        1.0 / source.filter_call_interval().as_secs_f64()
    );
    for m in &markers {
        println!("marker: {m:?}");
    }
    if missing > 0 || duplicates > 0 || out_of_order > 0 {
        eprintln!("the tail lost, repeated or reordered events");
        std::process::exit(1);
    }
}
