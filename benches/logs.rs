//! The Logs pane's budgets, in process on one thread: ingest (classify and append to the ring
//! buffer, through the pane as a tail's batches arrive), the heap a buffer of 1,000,000 lines
//! holds, and the cost of one frame with 100 and with 1,000,000 lines in the buffer.
//!
//! Lines are generated like the sandbox's Lambda logs: START, JSON application lines (some
//! WARN and ERROR), END, and REPORT in both the text and the `platform.report` JSON form.
//!
//! `cargo bench -p backoffice --bench logs` (figures in docs/benchmarks.md).

// Test harness code: a failed unwrap is the test failing at the line that broke.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// The counting allocator below is the one unsafe code: it only forwards to the system's.
#![allow(unsafe_code)]

use backoffice::app::logs::buffer::LogBuffer;
use backoffice::app::logs::{LogsCommand, LogsEvent};
use backoffice::app::{App, AppEvent, Command, Context, PaneId};
use backoffice::keymap::Keymap;
use backoffice::theme::Theme;
use backoffice::ui;
use backoffice_domain::model::{LogEvent, LogGroupName, TailItem};
use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Counts the bytes the process holds on the heap.
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        HELD.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        HELD.fetch_add(new_size, Ordering::Relaxed);
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const GROUPS: [&str; 3] = [
    "/aws/lambda/backoffice-api",
    "/aws/lambda/backoffice-thumbnails",
    "/aws/lambda/backoffice-post-confirmation",
];
const ROUTES: [&str; 5] = [
    "/posts",
    "/posts/{id}",
    "/posts/{id}/comments",
    "/profile",
    "/notifications",
];

/// Deterministic lines, six or so an invocation, `count` in all.
struct Lines {
    state: u64,
    n: u64,
    pending: Vec<LogEvent>,
}

impl Lines {
    fn new() -> Self {
        Self {
            state: 0x2545_f491_4f6c_dd1d,
            n: 0,
            pending: Vec::new(),
        }
    }

    fn next_u64(&mut self) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state
    }

    fn invocation(&mut self) {
        let r = self.next_u64();
        let id = format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            r as u32,
            (r >> 32) as u16,
            (r >> 48) as u16 & 0xfff,
            self.n & 0xfff,
            self.n
        );
        let group = GROUPS[(r % 10).min(2) as usize];
        let stream = "2026/11/25/[$LATEST]0f7a4c2d9e8b4f1a8c3d2e1f0a9b8c7d";
        let base = Utc.with_ymd_and_hms(2026, 11, 25, 0, 0, 0).unwrap()
            + chrono::Duration::milliseconds(self.n as i64 * 40);
        let route = ROUTES[(r >> 8) as usize % ROUTES.len()];
        let duration = 3.0 + (r >> 16 & 0xff) as f64 * 0.7;
        let mut texts = vec![
            format!("START RequestId: {id} Version: $LATEST"),
            format!(
                r#"{{"level":"INFO","message":"request","requestId":"{id}","method":"GET","route":"{route}"}}"#
            ),
        ];
        match r >> 24 & 0x1f {
            0 => texts.push(format!(
                r#"{{"level":"ERROR","message":"database is unavailable","requestId":"{id}","route":"{route}"}}"#
            )),
            1 | 2 => texts.push(format!(
                r#"{{"level":"WARN","message":"invalid request body","requestId":"{id}","field":"body"}}"#
            )),
            _ => {}
        }
        texts.push(format!(
            r#"{{"level":"INFO","message":"response","requestId":"{id}","route":"{route}","status":200,"latencyMs":{}}}"#,
            duration as u64
        ));
        texts.push(format!("END RequestId: {id}"));
        if r >> 40 & 1 == 0 {
            let mut report = format!(
                "REPORT RequestId: {id}\tDuration: {duration:.2} ms\tBilled Duration: {} ms\tMemory Size: 512 MB\tMax Memory Used: {} MB",
                duration.ceil(),
                60 + (r >> 44 & 0x3f)
            );
            if r >> 50 & 0xf == 0 {
                report.push_str("\tInit Duration: 212.43 ms");
            }
            texts.push(report);
        } else {
            texts.push(format!(
                r#"{{"time":"2026-11-25T00:00:00.000Z","type":"platform.report","record":{{"requestId":"{id}","metrics":{{"durationMs":{duration:.2},"billedDurationMs":{},"memorySizeMB":512,"maxMemoryUsedMB":{}}},"status":"success"}}}}"#,
                duration.ceil(),
                60 + (r >> 44 & 0x3f)
            ));
        }
        for (i, message) in texts.into_iter().enumerate() {
            self.pending.push(LogEvent {
                group: group.to_string(),
                stream: stream.to_string(),
                timestamp: base + chrono::Duration::milliseconds(i as i64 * 3),
                ingested_at: None,
                message,
                event_id: format!("{}-{i}", self.n),
            });
        }
        self.n += 1;
    }

    /// The next `count` lines.
    fn take(&mut self, count: usize) -> Vec<LogEvent> {
        while self.pending.len() < count {
            self.invocation();
        }
        let rest = self.pending.split_off(count);
        std::mem::replace(&mut self.pending, rest)
    }
}

fn context() -> Context {
    Context {
        environment: "sandbox".into(),
        production: false,
        profile: None,
        region: "local".into(),
        operator: "sandbox:bench".into(),
        read_only: false,
        audited: true,
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

fn rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A console on the Logs pane with a live tail started on every group; returns its request.
fn tailing_app(cap: usize) -> (App, backoffice::app::RequestId) {
    let (mut app, first) = App::new(context(), Keymap::default(), PaneId::Logs);
    app.logs.set_capacity(cap);
    let Some(Command::Logs(LogsCommand::LoadGroups { request })) = first.first().cloned() else {
        panic!("{first:?}")
    };
    app.on_event(AppEvent::Logs(LogsEvent::GroupsLoaded {
        request,
        result: Ok(GROUPS
            .iter()
            .map(|g| LogGroupName::parse(g).unwrap())
            .collect()),
    }));
    for _ in 0..3 {
        app.on_key(KeyEvent::new(KeyCode::Char(' '), KeyModifiers::NONE));
    }
    let c = app.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let Some(Command::Logs(LogsCommand::Feed { request, .. })) = c.first().cloned() else {
        panic!("{c:?}")
    };
    (app, request)
}

/// Sends `total` lines to the app in batches of 2,000, as the tail task does; returns the time
/// spent in the app.
fn ingest(
    app: &mut App,
    request: backoffice::app::RequestId,
    lines: &mut Lines,
    total: usize,
) -> Duration {
    let mut spent = Duration::ZERO;
    let mut sent = 0;
    while sent < total {
        let n = 2_000.min(total - sent);
        let batch = lines.take(n);
        let started = Instant::now();
        app.on_event(AppEvent::Logs(LogsEvent::Batch {
            request,
            items: vec![TailItem::Events(batch)],
        }));
        spent += started.elapsed();
        sent += n;
    }
    spent
}

fn frame_cost(lines: usize, theme: &Theme) -> Duration {
    let (mut app, request) = tailing_app(lines.max(1_000));
    let mut source = Lines::new();
    ingest(&mut app, request, &mut source, lines);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|f| ui::draw(f, &mut app, theme, 0)).unwrap();
    // Half-way back, paused, stepping one line a frame as scrolling does.
    app.on_key(KeyEvent::new(KeyCode::Char(' '), KeyModifiers::NONE));
    let middle = app.logs.buffer.first_seq() + lines as u64 / 2;
    let mut samples = Vec::new();
    for i in 0..400u64 {
        app.logs.scroll.selected = middle + i % 20;
        let started = Instant::now();
        terminal
            .draw(|f| ui::draw(f, &mut app, theme, i as usize))
            .unwrap();
        samples.push(started.elapsed());
    }
    median(samples)
}

/// A frame right after a batch of 100 lines arrived while following the live end: the strip
/// and the summary are rebuilt for the new lines.
fn live_frame_cost(lines: usize, theme: &Theme) -> Duration {
    let (mut app, request) = tailing_app(lines.max(1_000));
    let mut source = Lines::new();
    ingest(&mut app, request, &mut source, lines);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut samples = Vec::new();
    for i in 0..100 {
        ingest(&mut app, request, &mut source, 100);
        let started = Instant::now();
        terminal.draw(|f| ui::draw(f, &mut app, theme, i)).unwrap();
        samples.push(started.elapsed());
    }
    median(samples)
}

fn main() {
    let theme = Theme::default_dark();
    const MILLION: usize = 1_000_000;

    // Ingest into the bare buffer: classify + append.
    let mut lines = Lines::new();
    let events = lines.take(200_000);
    let mut buffer = LogBuffer::new(MILLION);
    let started = Instant::now();
    for e in &events {
        buffer.push_event(e);
    }
    let bare = started.elapsed();
    drop(events);
    drop(buffer);

    // Through the pane, a million lines as a tail's batches, into a buffer capped at a million.
    let before = HELD.load(Ordering::Relaxed);
    let rss_before = rss_kb();
    let (mut app, request) = tailing_app(MILLION);
    let spent = ingest(&mut app, request, &mut Lines::new(), MILLION);
    let held = HELD.load(Ordering::Relaxed).saturating_sub(before);
    let rss_after = rss_kb();
    assert_eq!(app.logs.buffer.len(), MILLION);
    let reports = app.logs.buffer.reports().len();
    // Key presses that read the whole buffer once: a search, and `r` on a line.
    let started = Instant::now();
    app.on_key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::NONE));
    for c in "database is unavailable".chars() {
        app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    app.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let search = started.elapsed();
    let matches = app.logs.search.as_ref().map_or(0, |s| s.matches.len());
    let started = Instant::now();
    let c = app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE));
    let open_request = started.elapsed();
    assert!(!c.is_empty() && app.logs.request.is_some());
    app.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    app.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    app.on_key(KeyEvent::new(KeyCode::Char('G'), KeyModifiers::NONE));
    // A second million pushes the first out: the heap stays where it was.
    let spent_again = ingest(&mut app, request, &mut Lines::new(), MILLION);
    let held_again = HELD.load(Ordering::Relaxed).saturating_sub(before);
    drop(app);

    println!("log ingest (one thread; classify + append)");
    println!(
        "  bare buffer, 200,000 lines:         {:>10.0} lines/s",
        200_000.0 / bare.as_secs_f64()
    );
    println!(
        "  through the pane, 1,000,000 lines:  {:>10.0} lines/s",
        MILLION as f64 / spent.as_secs_f64()
    );
    println!(
        "  a full buffer, 1,000,000 more:      {:>10.0} lines/s (evicting)",
        MILLION as f64 / spent_again.as_secs_f64()
    );
    println!("memory with 1,000,000 lines in the buffer ({reports} invocations)");
    println!("  heap held by the pane: {}", mb(held));
    println!(
        "  heap after 1,000,000 more (cap reached): {}",
        mb(held_again)
    );
    if let (Some(a), Some(b)) = (rss_before, rss_after) {
        println!(
            "  resident set growth: {}",
            mb((b.saturating_sub(a) * 1024) as usize)
        );
    }
    println!("key presses that read all 1,000,000 lines");
    println!("  search ({matches} matches): {}", ms(search));
    println!(
        "  r (the request's lines from the buffer): {}",
        ms(open_request)
    );
    let small = frame_cost(100, &theme);
    let large = frame_cost(MILLION, &theme);
    println!("frame cost, Logs pane with the sparkline strip (120x40, median of 400 frames)");
    println!("  100 lines in the buffer:       {}", ms(small));
    println!("  1,000,000 lines in the buffer: {}", ms(large));
    println!("  ratio: {:.2}", large.as_secs_f64() / small.as_secs_f64());
    let small = live_frame_cost(100, &theme);
    let large = live_frame_cost(MILLION, &theme);
    println!("frame after a batch arrives, following the live end (median of 100)");
    println!("  100 lines in the buffer:       {}", ms(small));
    println!("  1,000,000 lines in the buffer: {}", ms(large));
}
