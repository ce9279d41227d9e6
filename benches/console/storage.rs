//! The Storage pane on a sandbox bucket whose `big/` prefix holds 100,000 objects: the time from
//! `:storage big/` until the first page is on screen, with the listing requests counted (one),
//! beside the time to walk every page of the prefix, which the pane never waits for.
//!
//! `BENCH_STORAGE_OBJECTS` sets the prefix's size (default 100,000).

use backoffice::app::storage::{Location, StorageCommand};
use backoffice::app::{App, AppEvent, Command, PaneId};
use backoffice::exec::{Backends, execute};
use backoffice::keymap::Keymap;
use backoffice::theme::Theme;
use backoffice::ui;
use backoffice_domain::model::{Actor, ObjectKey};
use backoffice_domain::ports::ObjectStore;
use backoffice_domain::sandbox::Sandbox;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

const ROUNDS: usize = 15;

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn is_listing(c: &Command) -> bool {
    matches!(c, Command::Storage(StorageCommand::List { .. }))
}

/// Runs `commands` until the Storage pane waits for nothing; returns the listings sent.
async fn settle(app: &mut App, commands: Vec<Command>, backends: &Backends) -> usize {
    let (tx, mut rx) = mpsc::channel::<AppEvent>(16);
    let mut listings = 0;
    for c in commands {
        listings += usize::from(is_listing(&c));
        execute(c, backends.clone(), app.context.clone(), tx.clone());
    }
    while backoffice::app::Pane::pending(&app.storage) > 0 {
        let event = rx.recv().await.expect("an answer");
        for c in app.on_event(event) {
            listings += usize::from(is_listing(&c));
            execute(c, backends.clone(), app.context.clone(), tx.clone());
        }
    }
    listings
}

fn typed(app: &mut App, text: &str) -> Vec<Command> {
    text.chars()
        .flat_map(|c| app.on_key(key(KeyCode::Char(c))))
        .collect()
}

pub fn run(context: backoffice::app::Context, median: fn(Vec<Duration>) -> Duration) {
    let objects: usize = std::env::var("BENCH_STORAGE_OBJECTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sandbox = rt.block_on(Sandbox::open(dir.path())).unwrap();
    let bucket = Sandbox::bucket();
    let filled = Instant::now();
    rt.block_on(async {
        let none = BTreeMap::new();
        for i in 0..objects {
            let key = ObjectKey::parse(format!("big/{i:06}.jpg")).unwrap();
            sandbox
                .objects
                .put(&bucket, &key, vec![0xff], "image/jpeg", &none)
                .await
                .unwrap();
        }
    });
    let filled = filled.elapsed();
    let backends = Backends {
        content: Some(Arc::new(sandbox.content.clone())),
        directory: None,
        objects: Some(Arc::new(sandbox.objects.clone()) as Arc<dyn ObjectStore>),
        bucket: Some(bucket.clone()),
        logs: None,
        log_groups: vec![],
        insights: None,
        metrics: None,
        functions: Vec::new(),
        identity: Actor::parse("sandbox:bench").unwrap().into(),
        database: None,
        environment: "sandbox".into(),
        throttles: None,
    };
    let theme = Theme::default_dark();
    let mut first_page = Vec::new();
    let mut whole = Vec::new();
    for round in 0..ROUNDS {
        rt.block_on(async {
            // The console starts elsewhere; its first commands are not this measurement's.
            let (mut app, _) = App::new(context.clone(), Keymap::default(), PaneId::Audit);
            app.storage.home = Some(bucket.clone());
            let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
            let started = Instant::now();
            app.on_key(key(KeyCode::Char(':')));
            let mut c = typed(&mut app, "storage big/");
            c.extend(app.on_key(key(KeyCode::Enter)));
            let listings = settle(&mut app, c, &backends).await;
            terminal.draw(|f| ui::draw(f, &mut app, &theme, 0)).unwrap();
            first_page.push(started.elapsed());
            assert_eq!(listings, 1, "the first screen costs one listing request");
            let screen = format!("{}", terminal.backend());
            assert!(screen.contains("big/ · 1000+ loaded"), "{screen}");
            assert!(screen.contains("000000.jpg"), "{screen}");
            assert!(matches!(
                app.storage.location,
                Some(Location::Folder { .. })
            ));
            if round < 3 {
                // What waiting for every page would cost: `G` until the prefix is exhausted.
                let t = Instant::now();
                let mut pages = 1;
                while app.storage.entries.next.is_some() {
                    let c = app.on_key(key(KeyCode::Char('G')));
                    pages += settle(&mut app, c, &backends).await;
                }
                whole.push(t.elapsed() + first_page[round]);
                assert_eq!(app.storage.entries.items.len(), objects);
                assert_eq!(pages, objects.div_ceil(1000));
            }
        });
    }
    let fmt = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    println!(
        "storage pane, {objects} objects under big/ (sandbox; filled in {:.1} s)",
        filled.as_secs_f64()
    );
    println!(
        "  :storage big/ until the first page is on screen: {} (median of {ROUNDS}; 1 listing request each)",
        fmt(median(first_page))
    );
    println!(
        "  every page of the prefix, one after another:    {} (median of 3; {} requests)",
        fmt(median(whole)),
        objects.div_ceil(1000)
    );
}
