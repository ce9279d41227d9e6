//! Console timings on the seeded sandbox, in process, drawing to a 120×40 test terminal:
//! time to the first frame, time until the first page of the reports queue and of posts is on
//! screen, and the cost of one frame with 100 and with 1,000,000 posts loaded.
//!
//! The Storage pane's first page on a 100,000-object prefix is timed too (`console/storage.rs`);
//! `BENCH_CONSOLE=storage` runs only that part.
//!
//! `cargo bench -p backoffice --bench console` (figures in docs/benchmarks.md).

// Test harness code: a failed unwrap is the test failing at the line that broke.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "console/storage.rs"]
mod storage;

use backoffice::app::{App, AppEvent, Command, Context, PaneId};
use backoffice::exec::{Backends, execute};
use backoffice::keymap::Keymap;
use backoffice::theme::Theme;
use backoffice::ui;
use backoffice_domain::model::{Actor, ContentStatus, Cursor, Page, Post, PostId, UserSub};
use backoffice_domain::sandbox::{Sandbox, SeedOptions};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

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

fn fmt(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn post(i: usize) -> Post {
    let at = chrono::Utc::now() - chrono::Duration::seconds(i as i64);
    Post {
        id: PostId::new(2_000_000 - i as i64).unwrap(),
        author_sub: UserSub::parse("00000000-0000-4000-8000-000000000001").unwrap(),
        body: format!("post body number {i} with some words to draw"),
        image_key: None,
        status: ContentStatus::Visible,
        created_at: at,
        updated_at: at,
    }
}

/// Drives the app until its pending loads are answered, drawing after each event.
async fn settle(
    app: &mut App,
    commands: Vec<Command>,
    backends: &Backends,
    terminal: &mut Terminal<TestBackend>,
    theme: &Theme,
) {
    let (tx, mut rx) = mpsc::channel::<AppEvent>(16);
    for c in commands {
        execute(c, backends.clone(), app.context.clone(), tx.clone());
    }
    while app.pending() > 0 {
        let event = rx.recv().await.expect("an answer");
        for c in app.on_event(event) {
            execute(c, backends.clone(), app.context.clone(), tx.clone());
        }
        terminal.draw(|f| ui::draw(f, app, theme, 0)).unwrap();
    }
}

fn frame_cost(rows: usize, theme: &Theme) -> Duration {
    let (mut app, first) = App::new(context(), Keymap::default(), PaneId::Posts);
    let request = match &first[0] {
        Command::LoadQueue { request, .. } => *request,
        other => panic!("{other:?}"),
    };
    app.on_event(AppEvent::QueueLoaded {
        request,
        result: Ok(Page::new(vec![], None)),
    });
    let c = app.on_key(KeyEvent::new(KeyCode::Char('v'), KeyModifiers::NONE));
    let Some(Command::LoadPosts { request, .. }) = c.first() else {
        panic!("{c:?}")
    };
    app.on_event(AppEvent::PostsLoaded {
        request: *request,
        result: Ok(Page::new(
            (0..rows).map(post).collect(),
            Some(Cursor::encode("bench", &1)),
        )),
    });
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    // Half-way down, so the window is in the middle of the list.
    for _ in 0..(rows / 2).min(10_000) {
        app.on_key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE));
    }
    app.posts.posts.selected = rows / 2;
    let mut samples = Vec::new();
    for i in 0..400 {
        // Move the selection so every frame differs, as scrolling does.
        app.posts.posts.selected = rows / 2 + (i % 20);
        let start = Instant::now();
        terminal.draw(|f| ui::draw(f, &mut app, theme, i)).unwrap();
        samples.push(start.elapsed());
    }
    median(samples)
}

fn main() {
    if std::env::var("BENCH_CONSOLE").as_deref() == Ok("storage") {
        storage::run(context(), median);
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    rt.block_on(async {
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        sandbox
            .seed(&SeedOptions::default(), &|_| {})
            .await
            .unwrap();
    });
    let theme = Theme::default_dark();

    let mut first_frame = Vec::new();
    let mut first_queue = Vec::new();
    let mut first_posts = Vec::new();
    for _ in 0..15 {
        let started = Instant::now();
        rt.block_on(async {
            let sandbox = Sandbox::open(dir.path()).await.unwrap();
            let backends = Backends::sandbox(&sandbox, Actor::parse("sandbox:bench").unwrap());
            let (mut app, commands) = App::new(context(), Keymap::default(), PaneId::Posts);
            let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
            terminal.draw(|f| ui::draw(f, &mut app, &theme, 0)).unwrap();
            first_frame.push(started.elapsed());
            settle(&mut app, commands, &backends, &mut terminal, &theme).await;
            assert!(!app.posts.queue.items.is_empty());
            first_queue.push(started.elapsed());
            let t = Instant::now();
            let c = app.on_key(KeyEvent::new(KeyCode::Char('v'), KeyModifiers::NONE));
            settle(&mut app, c, &backends, &mut terminal, &theme).await;
            assert!(!app.posts.posts.items.is_empty());
            first_posts.push(t.elapsed());
        });
    }
    println!("console on the seeded sandbox (120x40, median of 15 starts)");
    println!(
        "  open the sandbox + first frame:        {}",
        fmt(median(first_frame))
    );
    println!(
        "  ... + reports queue page on screen:    {}",
        fmt(median(first_queue))
    );
    println!(
        "  posts view: first page of posts drawn: {}",
        fmt(median(first_posts))
    );
    let small = frame_cost(100, &theme);
    let large = frame_cost(1_000_000, &theme);
    println!("frame cost, posts view (median of 400 frames)");
    println!("  100 rows loaded:       {}", fmt(small));
    println!("  1,000,000 rows loaded: {}", fmt(large));
    println!("  ratio: {:.2}", large.as_secs_f64() / small.as_secs_f64());
    storage::run(context(), median);
}
