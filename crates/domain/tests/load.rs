//! A minute of mixed load on the `api` binary over loopback: the real binary, its MariaDB
//! database, bearer tokens issued by moto's Cognito and verified against moto's JWKS. Its own
//! test binary, so that cargo runs it alone and nothing else competes for the cores.
//!
//! Checked: no answer is a 5xx and no request fails on the wire; every acknowledged write is a
//! row afterwards (posts and comments counted); the server's anonymous resident memory at the
//! end of the run is within a tenth (plus 2 MiB) of what it was after warming up. The latency
//! percentiles and the throughput are printed; the figures of `docs/benchmarks.md` come from
//! the soak benchmark's release build (`benches/soak.rs`, the same driver).
//!
//! `BACKOFFICE_LOAD_SECONDS` (default 60) and `BACKOFFICE_LOAD_WORKERS` (default 8) shape it.

// Test harness code: a failed unwrap is the test failing at the line that broke.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "load/driver.rs"]
mod driver;
#[path = "contract/support.rs"]
mod support;

use driver::setting;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs services: tests/run.sh"]
async fn the_api_binary_under_a_minute_of_mixed_load_loses_nothing_and_keeps_its_memory() {
    let seconds = setting("BACKOFFICE_LOAD_SECONDS", 60);
    let workers = setting("BACKOFFICE_LOAD_WORKERS", 8);
    let running = driver::start(env!("CARGO_BIN_EXE_api")).await;

    // Memory, once a second, for the whole run.
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let sampler = driver::sample_memory(running.pid, started, deadline, Duration::from_secs(1));
    let mut all = driver::mix(&running, workers, deadline).await;
    let elapsed = started.elapsed();
    let samples = sampler.await.unwrap();
    let mut running = running;
    running.server.kill().await.unwrap();

    eprintln!("load: {}", driver::summary(&mut all, workers, elapsed));
    eprintln!("load: answers by (kind, status): {:?}", all.statuses);
    eprintln!("load: anonymous RSS KiB by second: {samples:?}");
    driver::check(&running, &all).await;

    // Memory: the last ten seconds against the ten after a five-second warm-up.
    let window = |from: f64, to: f64| {
        samples
            .iter()
            .filter(|(t, _)| *t >= from && *t < to)
            .map(|(_, kib)| *kib)
            .max()
    };
    let total = elapsed.as_secs_f64();
    if total >= 30.0 {
        let warm = window(5.0, 15.0).expect("samples after warm-up");
        let end = window(total - 10.0, total + 1.0).expect("samples at the end");
        eprintln!("load: anonymous memory {warm} KiB after warm-up, {end} KiB at the end");
        assert!(
            end <= warm + warm / 10 + 2 * 1024,
            "memory grew from {warm} KiB after warm-up to {end} KiB at the end: {samples:?}"
        );
    } else {
        eprintln!("load: a run under 30 s does not check memory (BACKOFFICE_LOAD_SECONDS)");
    }
    running.db.drop_database().await;
}
