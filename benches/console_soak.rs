//! The console left running: ten minutes on the sandbox with simulated traffic at 50 requests
//! a second and a live tail of the API's log group, the console's anonymous resident memory
//! sampled every 10 s. The Logs buffer is capped at 5,000 lines (`[logs] buffer_lines`), which
//! the tail fills within the first two minutes; from then on every line in evicts one, so the
//! memory must stay flat.
//!
//! The console is this build's binary (the bench profile) in a pseudo-terminal, as an operator
//! runs it; its screen is drained by a VT100 parser the whole time. `BENCH_CONSOLE_SOAK_SECONDS`
//! (default 600), `BENCH_CONSOLE_SOAK_TRAFFIC` (default 50) and `BENCH_CONSOLE_SOAK_LINES`
//! (default 5,000) shape it.
//!
//! Command: `cargo bench --workspace --all-features --locked --bench console_soak`

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/term.rs"]
mod term;

use std::time::{Duration, Instant};
use term::Term;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The anonymous resident memory of process `pid` in KiB, from /proc.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("RssAnon:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn main() {
    let seconds = env_number("BENCH_CONSOLE_SOAK_SECONDS", 600);
    let traffic = env_number("BENCH_CONSOLE_SOAK_TRAFFIC", 50);
    let lines = env_number("BENCH_CONSOLE_SOAK_LINES", 5_000);
    let dirs = tempfile::tempdir().expect("a folder");
    std::fs::create_dir_all(dirs.path().join("config")).expect("config folder");
    std::fs::write(
        dirs.path().join("config/config.toml"),
        format!("[logs]\nbuffer_lines = {lines}\n"),
    )
    .expect("config.toml");
    let binary = env!("CARGO_BIN_EXE_backoffice");
    let args: Vec<String> = [
        "--sandbox",
        "--traffic",
        &traffic.to_string(),
        "--pane",
        "logs",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut console = Term::start(binary, &args, dirs.path());
    let pid = console.pid().expect("the console's pid");
    // The picker lists the sandbox's groups, the API's first (first start seeds the sandbox).
    console.watch("/aws/lambda/");
    console.seen("/aws/lambda/");
    std::thread::sleep(Duration::from_millis(300));
    // `enter` tails the selected group.
    console.keys(b"\r");
    std::thread::sleep(Duration::from_secs(3));
    eprintln!(
        "console_soak: {binary} (pid {pid}) on the sandbox, traffic {traffic}/s, live tail, buffer {lines} lines, {seconds} s"
    );
    let started = Instant::now();
    let mut samples = Vec::new();
    while started.elapsed() < Duration::from_secs(seconds) {
        if let Some(kib) = rss_kib(pid) {
            samples.push((started.elapsed().as_secs_f64(), kib));
            eprintln!("  {:6.0} s {kib} KiB", started.elapsed().as_secs_f64());
        } else {
            panic!("the console exited; its screen:\n{}", console.text());
        }
        std::thread::sleep(Duration::from_secs(10));
    }
    let screen = console.text();
    console.keys(b"q");
    println!("console_soak: anonymous resident memory (s, KiB):");
    for (t, kib) in &samples {
        println!("  {t:6.0} {kib}");
    }
    let after: Vec<u64> = samples
        .iter()
        .filter(|(t, _)| *t >= 120.0)
        .map(|(_, k)| *k)
        .collect();
    match (after.first(), after.iter().max(), after.iter().min()) {
        (Some(first), Some(max), Some(min)) => println!(
            "console_soak: from 2 min on: {first} KiB at 2 min, between {min} and {max} KiB, {} KiB at the end; growth {} KiB",
            after.last().unwrap_or(first),
            max.saturating_sub(*first)
        ),
        _ => println!("console_soak: the run was shorter than two minutes; no growth figure"),
    }
    // What the operator saw last, for the record (the tail's lines under the pane's header).
    eprintln!("console_soak: the screen at the end:\n{screen}");
}
