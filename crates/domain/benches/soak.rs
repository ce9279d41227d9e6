//! Ten minutes of mixed load on the `api` binary of this build (the bench profile: optimised,
//! as Lambda runs it), its anonymous resident memory sampled every 10 s; and the load's figures:
//! requests a second, latency percentiles, MariaDB's and the server's CPU.
//!
//! The load is the load test's (`tests/load/driver.rs`): eight keep-alive workers, 60 %
//! `GET /posts?limit=20`, 10 % `GET /posts/{id}`, 20 % `POST /posts`, 10 % comments, every
//! request with a moto-issued token verified against moto's JWKS, MariaDB on the same machine.
//! At the end it checks what the test checks (no 5xx, no wire error, every acknowledged write
//! a row) and prints the memory samples and the growth after the first minute, the goal being
//! at most 256 KiB.
//!
//! Needs the test run's services (`BACKOFFICE_TEST_MYSQL_URL`, `BACKOFFICE_TEST_AWS_ENDPOINT`
//! and AWS credentials, any values). `BENCH_SOAK_SECONDS` (default 600), `BENCH_SOAK_WORKERS`
//! (default 8), `BENCH_SOAK_SAMPLE_SECONDS` (default 10); `BENCH_SOAK_BIN` measures another
//! build of the binary.
//!
//! Command: `cargo bench --workspace --all-features --locked --bench soak`
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/load/driver.rs"]
mod driver;
#[path = "../tests/contract/support.rs"]
mod support;

use driver::setting;
use std::time::{Duration, Instant};

/// The CPU time (user + system) process `pid` has used, from /proc.
fn cpu(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // The kernel's USER_HZ is 100 on Linux.
    Some(Duration::from_millis(ticks * 10))
}

/// The pid of the MariaDB server listening on the test run's port, when it is on this machine.
fn mariadbd() -> Option<u32> {
    std::fs::read_dir("/proc").ok()?.find_map(|e| {
        let e = e.ok()?;
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let comm = std::fs::read_to_string(e.path().join("comm")).ok()?;
        let cmdline = std::fs::read_to_string(e.path().join("cmdline")).unwrap_or_default();
        // The shared server, not a fault test's private one (those name their own port).
        (matches!(comm.trim(), "mariadbd" | "mysqld") && !cmdline.contains("--port")).then_some(pid)
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let seconds = setting("BENCH_SOAK_SECONDS", 600);
    let workers = setting("BENCH_SOAK_WORKERS", 8);
    let every = Duration::from_secs(setting("BENCH_SOAK_SAMPLE_SECONDS", 10).max(1));
    let binary =
        std::env::var("BENCH_SOAK_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_api").to_string());
    let running = driver::start(&binary).await;
    let server_cpu = cpu(running.pid).unwrap_or_default();
    let db_pid = mariadbd();
    let db_cpu = db_pid.and_then(cpu).unwrap_or_default();
    let own = std::process::id();
    let load_cpu = cpu(own).unwrap_or_default();
    eprintln!(
        "soak: {binary} (pid {}) for {seconds} s, {workers} workers",
        running.pid
    );

    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let sampler = driver::sample_memory(running.pid, started, deadline, every);
    let mut all = driver::mix(&running, workers, deadline).await;
    let elapsed = started.elapsed();
    let samples = sampler.await.unwrap();
    let server_cpu = cpu(running.pid)
        .unwrap_or_default()
        .saturating_sub(server_cpu);
    let db_cpu = db_pid.and_then(cpu).map(|c| c.saturating_sub(db_cpu));
    let load_cpu = cpu(own).unwrap_or_default().saturating_sub(load_cpu);
    let mut running = running;
    running.server.kill().await.unwrap();

    println!("soak: {}", driver::summary(&mut all, workers, elapsed));
    println!("soak: answers by (kind, status): {:?}", all.statuses);
    let share = |c: Duration| 100.0 * c.as_secs_f64() / elapsed.as_secs_f64();
    println!(
        "soak: CPU over the run: api {:.1} s ({:.0} % of one core), the load's callers {:.1} s ({:.0} %), MariaDB {}",
        server_cpu.as_secs_f64(),
        share(server_cpu),
        load_cpu.as_secs_f64(),
        share(load_cpu),
        db_cpu.map_or("not found on this machine".to_string(), |c| format!(
            "{:.1} s ({:.0} % of one core)",
            c.as_secs_f64(),
            share(c)
        ))
    );
    println!("soak: anonymous resident memory (s, KiB):");
    for (t, kib) in &samples {
        println!("  {t:6.0} {kib}");
    }
    driver::check(&running, &all).await;
    let after_minute: Vec<u64> = samples
        .iter()
        .filter(|(t, _)| *t >= 60.0)
        .map(|(_, k)| *k)
        .collect();
    match (after_minute.first(), after_minute.iter().max()) {
        (Some(first), Some(max)) => {
            let growth = max.saturating_sub(*first);
            println!(
                "soak: after the first minute: {first} KiB, at most {max} KiB, at the end {} KiB; growth {growth} KiB (goal: at most 256 KiB) {}",
                after_minute.last().unwrap_or(first),
                if growth <= 256 { "met" } else { "MISSED" }
            );
        }
        _ => println!("soak: the run was shorter than a minute; no growth figure"),
    }
    running.db.drop_database().await;
}
