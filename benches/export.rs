//! The console's export (`ctrl-e`) of the posts view on MariaDB: 10,000 and 100,000 posts, as
//! CSV and as JSON lines, through the executor exactly as the console runs it
//! (`Command::Export` through `exec::execute`, progress events drained as the loop would).
//!
//! Per export: wall time, rows a second, the console process's CPU time (getrusage, user +
//! system) and MariaDB's (`/proc/<mariadbd>/stat`, when the server runs on this machine), the
//! file's size, and memory: the process's VmRSS before (baseline), its peak while the export
//! runs (sampled from `/proc/self/status` every 50 ms by a task of its own), the growth, and
//! VmHWM (reset through `/proc/self/clear_refs` before each export, so it is the export's own
//! peak, samples or not).
//!
//! Each size lives in a database of its own (`backoffice_export_bench_<pid>_<size>`, utf8mb4,
//! migrated by `MySqlContentStore::connect_mysql`), filled with multi-row INSERTs and dropped at
//! the end. `BENCH_EXPORT_MYSQL_URL` names the server (default `mysql://root@127.0.0.1:3306`),
//! `BENCH_EXPORT_ROUNDS` the rounds (default 3; the order of the cases is reversed every other
//! round; `BENCH_EXPORT_LARGEST_FIRST=1` starts with the largest, so the process's first export,
//! which pays one-time allocations, is a 100,000-row one). Every file is checked: one line per
//! row (plus CSV's header), then removed.
//!
//! `cargo bench --workspace --all-features --locked --bench export` (figures in
//! docs/benchmarks.md).

// Test harness code: a failed unwrap is the test failing at the line that broke.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// getrusage and sysconf are the unsafe calls: they fill a struct we own or read a constant.
#![allow(unsafe_code)]

use backoffice::app::export::{ExportEvent, ExportFormat, ExportJob, ExportSource};
use backoffice::app::logs::feed_channel;
use backoffice::app::{AppEvent, Command, Context, RequestId};
use backoffice::exec::{Backends, execute};
use backoffice_domain::adapters::sql::MySqlContentStore;
use backoffice_domain::model::{Actor, PostFilter};
use chrono::{Duration as Span, TimeZone, Utc};
use sqlx::{AssertSqlSafe, Connection, MySqlConnection, MySqlPool, QueryBuilder};
use std::io::BufRead;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

const SIZES: [usize; 2] = [10_000, 100_000];
const FORMATS: [ExportFormat; 2] = [ExportFormat::Csv, ExportFormat::JsonLines];
/// Rows a fill INSERT writes.
const BATCH: usize = 1_000;
const SAMPLE_EVERY: Duration = Duration::from_millis(50);

fn env_number(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(s) => s
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a whole number, not {s:?}")),
        Err(_) => default,
    }
}

fn context() -> Context {
    Context {
        environment: "bench".into(),
        production: false,
        profile: None,
        region: "local".into(),
        operator: "bench:export".into(),
        read_only: false,
        audited: true,
    }
}

// ---------------------------------------------------------------------------------------------
// Measuring the process.

/// A `kB` line of /proc/self/status (`VmRSS`, `VmHWM`), in KiB.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/self/status"))
}

/// Resets VmHWM to the current VmRSS (Linux's `clear_refs` 5); false where refused.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// This process's CPU time, user + system, all threads.
fn own_cpu() -> Duration {
    // SAFETY: `rusage` is plain integers, for which all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes one `rusage` through a pointer to one we own.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    assert_eq!(rc, 0, "getrusage failed");
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// The MariaDB server's process on this machine, if there is one to read.
fn server_pid() -> Option<u32> {
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let comm = std::fs::read_to_string(e.path().join("comm")).ok()?;
        matches!(comm.trim(), "mariadbd" | "mysqld").then_some(pid)
    })
}

/// A process's CPU time (utime + stime, fields 14 and 15 of /proc/PID/stat), all its threads.
fn process_cpu(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces; fields are counted after its ')'.
    let after = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = after.split(' ').collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf reads a configuration value; it touches no memory of ours.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Some(Duration::from_micros(ticks * 1_000_000 / hz))
}

// ---------------------------------------------------------------------------------------------
// The data.

const WORDS: [&str; 16] = [
    "moderation",
    "weekend",
    "photo",
    "garden",
    "release",
    "coffee",
    "bridge",
    "concert",
    "review",
    "morning",
    "city",
    "river",
    "train",
    "market",
    "friends",
    "finally",
];

/// A post's text: 6 to 45 words (about 40 to 330 bytes); one in five holds a comma and one in
/// seventeen quotes, so CSV quotes some cells, as real posts make it.
fn body(i: usize) -> String {
    let n = 6 + (i * 7_919) % 40;
    let mut text = format!("post {i}:");
    for w in 0..n {
        text.push(' ');
        text.push_str(WORDS[(i * 31 + w * 7) % WORDS.len()]);
    }
    if i.is_multiple_of(5) {
        text.push_str(", and a comma");
    }
    if i.is_multiple_of(17) {
        text.push_str(" \"in quotes\"");
    }
    text
}

/// `rows` posts by 1,000 authors, one a second from 2026-01-01, 95% visible, a third with an
/// image key; 1,000 rows an INSERT.
async fn fill(pool: &MySqlPool, rows: usize) {
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    for first in (0..rows).step_by(BATCH) {
        let mut insert = QueryBuilder::new(
            "INSERT INTO posts (author_sub, body, image_key, status, created_at, updated_at) ",
        );
        insert.push_values(first..(first + BATCH).min(rows), |mut row, i| {
            let at = start + Span::seconds(i as i64);
            row.push_bind(format!("00000000-0000-4000-8000-{:012x}", i % 1_000))
                .push_bind(body(i))
                .push_bind((i % 3 == 0).then(|| format!("posts/{i:07}/photo.jpg")))
                .push_bind(match i % 20 {
                    0 => "hidden",
                    1 => "removed",
                    _ => "visible",
                })
                .push_bind(at)
                .push_bind(at);
        });
        insert.build().execute(pool).await.unwrap();
    }
    sqlx::raw_sql("ANALYZE TABLE posts")
        .execute(pool)
        .await
        .unwrap();
}

// ---------------------------------------------------------------------------------------------
// One export.

struct Sample {
    rows: u64,
    wall: Duration,
    cpu: Duration,
    server_cpu: Option<Duration>,
    progress_events: usize,
    baseline_kib: u64,
    peak_kib: u64,
    hwm_kib: u64,
    samples: u64,
    bytes: u64,
}

fn extension(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Csv => "csv",
        ExportFormat::JsonLines => "jsonl",
    }
}

fn name(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Csv => "CSV",
        ExportFormat::JsonLines => "JSON lines",
    }
}

async fn export_once(
    backends: &Backends,
    dir: &std::path::Path,
    expected: usize,
    format: ExportFormat,
    round: usize,
    server: Option<u32>,
) -> Sample {
    let path = dir.join(format!("posts-{expected}-{round}.{}", extension(format)));
    let reset = reset_peak();
    assert!(reset, "VmHWM could not be reset (/proc/self/clear_refs)");
    let baseline_kib = status_kib("VmRSS");

    let done = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicU64::new(baseline_kib));
    let taken = Arc::new(AtomicU64::new(0));
    let sampler = tokio::spawn({
        let (done, peak, taken) = (done.clone(), peak.clone(), taken.clone());
        async move {
            let mut tick = tokio::time::interval(SAMPLE_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            while !done.load(Ordering::Relaxed) {
                tick.tick().await;
                peak.fetch_max(status_kib("VmRSS"), Ordering::Relaxed);
                taken.fetch_add(1, Ordering::Relaxed);
            }
        }
    });

    // The console holds the handle while the export runs; dropping it would cancel.
    let (handle, stop) = feed_channel();
    let (tx, mut rx) = mpsc::channel::<AppEvent>(64);
    let cpu_before = own_cpu();
    let server_before = server.and_then(process_cpu);
    let started = Instant::now();
    execute(
        Command::Export(ExportJob {
            request: RequestId(1),
            source: ExportSource::Posts(PostFilter::default()),
            path: path.clone(),
            format,
            stop,
        }),
        backends.clone(),
        context(),
        tx,
    );
    let mut progress_events = 0;
    let rows = loop {
        match rx.recv().await.expect("an export event") {
            AppEvent::Export(ExportEvent::Progress { .. }) => progress_events += 1,
            AppEvent::Export(ExportEvent::Done { result, .. }) => {
                break result.unwrap_or_else(|f| panic!("the export failed: {}", f.chain));
            }
            _ => panic!("an event other than the export's"),
        }
    };
    let wall = started.elapsed();
    let cpu = own_cpu() - cpu_before;
    let server_cpu = server_before.and_then(|b| Some(process_cpu(server?)? - b));
    done.store(true, Ordering::Relaxed);
    sampler.await.unwrap();
    drop(handle);
    peak.fetch_max(status_kib("VmRSS"), Ordering::Relaxed);
    let hwm_kib = status_kib("VmHWM");

    let bytes = std::fs::metadata(&path).unwrap().len();
    let lines = std::io::BufReader::new(std::fs::File::open(&path).unwrap())
        .lines()
        .map(Result::unwrap)
        .count();
    let header = usize::from(format == ExportFormat::Csv);
    assert_eq!(rows as usize, expected, "every post exported");
    assert_eq!(lines, expected + header, "one line a post in {path:?}");
    std::fs::remove_file(&path).unwrap();

    Sample {
        rows,
        wall,
        cpu,
        server_cpu,
        progress_events,
        baseline_kib,
        peak_kib: peak.load(Ordering::Relaxed),
        hwm_kib,
        samples: taken.load(Ordering::Relaxed),
        bytes,
    }
}

// ---------------------------------------------------------------------------------------------

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn signed_mib(kib: i64) -> String {
    format!("{:+.1} MiB", kib as f64 / 1024.0)
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn main() {
    let server = std::env::var("BENCH_EXPORT_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
    let server = server.trim_end_matches('/').to_string();
    let rounds = env_number("BENCH_EXPORT_ROUNDS", 3).max(1);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let databases: Vec<(usize, String)> = SIZES
        .iter()
        .map(|&n| {
            (
                n,
                format!("backoffice_export_bench_{}_{n}", std::process::id()),
            )
        })
        .collect();

    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(run(&server, &databases, rounds))
    }));

    // The databases go whatever happened.
    rt.block_on(async {
        let mut admin = MySqlConnection::connect(&format!("{server}/?ssl-mode=disabled"))
            .await
            .expect("MariaDB answers");
        for (_, db) in &databases {
            // The names are this binary's own (a pid and a size), never input.
            sqlx::raw_sql(AssertSqlSafe(format!("DROP DATABASE IF EXISTS `{db}`")))
                .execute(&mut admin)
                .await
                .unwrap();
        }
    });
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn run(server: &str, databases: &[(usize, String)], rounds: usize) {
    let mut admin = MySqlConnection::connect(&format!("{server}/?ssl-mode=disabled"))
        .await
        .expect("MariaDB answers");
    let version: String = sqlx::query_scalar("SELECT VERSION()")
        .fetch_one(&mut admin)
        .await
        .unwrap();
    let mut stores = Vec::new();
    for (rows, db) in databases {
        sqlx::raw_sql(AssertSqlSafe(format!(
            "CREATE DATABASE `{db}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        )))
        .execute(&mut admin)
        .await
        .unwrap();
        let store = MySqlContentStore::connect_mysql(&format!("{server}/{db}?ssl-mode=disabled"))
            .await
            .unwrap();
        let t = Instant::now();
        fill(store.pool(), *rows).await;
        eprintln!(
            "filled {db} with {} posts in {:.1} s",
            thousands(*rows as u64),
            t.elapsed().as_secs_f64()
        );
        let backends = Backends {
            content: Some(Arc::new(store)),
            directory: None,
            objects: None,
            bucket: None,
            logs: None,
            log_groups: vec![],
            insights: None,
            metrics: None,
            functions: Vec::new(),
            identity: Actor::parse("bench:export").unwrap().into(),
            database: None,
            environment: "bench".into(),
            throttles: None,
        };
        stores.push((*rows, backends));
    }

    let dir = tempfile::tempdir().unwrap();
    let server_pid = server_pid();
    let mut cases: Vec<(usize, ExportFormat)> = SIZES
        .iter()
        .flat_map(|&n| FORMATS.map(|f| (n, f)))
        .collect();
    if std::env::var("BENCH_EXPORT_LARGEST_FIRST").as_deref() == Ok("1") {
        cases.reverse();
    }
    let mut results: Vec<((usize, ExportFormat), Vec<Sample>)> =
        cases.iter().map(|&c| (c, Vec::new())).collect();
    eprintln!("round | rows | format | wall | rows/s | baseline | peak | growth | VmHWM");
    for round in 0..rounds {
        for &(rows, format) in &cases {
            let backends = &stores.iter().find(|(n, _)| *n == rows).unwrap().1;
            let s = export_once(backends, dir.path(), rows, format, round, server_pid).await;
            eprintln!(
                "{round} | {} | {} | {:.3} s | {} | {} | {} | {} | {}",
                thousands(s.rows),
                name(format),
                s.wall.as_secs_f64(),
                thousands((s.rows as f64 / s.wall.as_secs_f64()) as u64),
                mib(s.baseline_kib),
                mib(s.peak_kib),
                signed_mib(s.peak_kib as i64 - s.baseline_kib as i64),
                mib(s.hwm_kib),
            );
            results
                .iter_mut()
                .find(|(c, _)| *c == (rows, format))
                .unwrap()
                .1
                .push(s);
        }
        cases.reverse();
    }

    println!(
        "export of the posts view, MariaDB {version}, {rounds} rounds (medians; memory: the largest of the rounds)"
    );
    println!(
        "| rows | format | wall | rows/s | console CPU | MariaDB CPU | file | RSS before | RSS peak | peak growth | VmHWM growth | progress events |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for ((rows, format), samples) in &results {
        let wall = median(samples.iter().map(|s| s.wall.as_secs_f64()).collect());
        let cpu = median(samples.iter().map(|s| s.cpu.as_secs_f64()).collect());
        let server_cpu = samples
            .iter()
            .map(|s| s.server_cpu.map(|d| d.as_secs_f64()))
            .collect::<Option<Vec<f64>>>()
            .map_or("n/a".to_string(), |v| format!("{:.2} s", median(v)));
        let worst = samples
            .iter()
            .max_by_key(|s| s.peak_kib as i64 - s.baseline_kib as i64)
            .unwrap();
        let hwm_growth = samples
            .iter()
            .map(|s| s.hwm_kib as i64 - s.baseline_kib as i64)
            .max()
            .unwrap();
        println!(
            "| {} | {} | {:.3} s | {} | {:.2} s | {server_cpu} | {:.1} MB | {} | {} | {} | {} | {} |",
            thousands(*rows as u64),
            name(*format),
            wall,
            thousands((*rows as f64 / wall) as u64),
            cpu,
            samples[0].bytes as f64 / 1e6,
            mib(worst.baseline_kib),
            mib(worst.peak_kib),
            signed_mib(worst.peak_kib as i64 - worst.baseline_kib as i64),
            signed_mib(hwm_growth),
            samples[0].progress_events,
        );
    }
    let taken: u64 = results
        .iter()
        .flat_map(|(_, s)| s.iter().map(|s| s.samples))
        .sum();
    println!("({taken} RSS samples in all, one every 50 ms)");
}
