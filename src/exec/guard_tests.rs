//! The guard against invisible prompts: on a seeded sandbox, for every pane, every screen of
//! it and every action in the keymap, an action that leaves the console taking text (a prompt,
//! a pane's form, a dialog) draws that input, cursor included, on the very next frame; one that
//! opens an overlay draws the overlay. The app runs as the console's loop runs it: keys in,
//! commands through [`crate::exec::execute`] against the sandbox's stores, events back.

use crate::app::tests::app_on;
use crate::app::{App, AppEvent, Command, Overlay, PaneId, test_context};
use crate::exec::{Backends, execute};
use crate::keymap::Action;
use crate::theme::Theme;
use backoffice_domain::model::Actor;
use backoffice_domain::sandbox::{Sandbox, SeedOptions};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::Duration;
use tokio::sync::mpsc;

/// How long a screen may keep answering before the guard looks at it anyway (a live tail
/// never stops).
const SETTLE: Duration = Duration::from_millis(600);
/// Quiet that counts as settled once nothing is pending.
const QUIET: Duration = Duration::from_millis(40);

struct Console {
    app: App,
    backends: Backends,
    tx: mpsc::Sender<AppEvent>,
    rx: mpsc::Receiver<AppEvent>,
}

impl Console {
    async fn open(backends: &Backends, pane: PaneId) -> Self {
        let (app, first) = app_on(pane, test_context());
        let (tx, rx) = mpsc::channel(64);
        let mut console = Self {
            app,
            backends: backends.clone(),
            tx,
            rx,
        };
        console.run(first);
        console.settle().await;
        console
    }

    fn run(&self, commands: Vec<Command>) {
        for c in commands {
            execute(
                c,
                self.backends.clone(),
                self.app.context.clone(),
                self.tx.clone(),
            );
        }
    }

    /// Feeds answers back until nothing is pending and the queue is quiet (or [`SETTLE`]).
    async fn settle(&mut self) {
        let deadline = tokio::time::Instant::now() + SETTLE;
        loop {
            let wait = if self.app.pending() == 0 {
                QUIET
            } else {
                SETTLE
            };
            let until = (tokio::time::Instant::now() + wait).min(deadline);
            match tokio::time::timeout_at(until, self.rx.recv()).await {
                Ok(Some(event)) => {
                    let commands = self.app.on_event(event);
                    self.run(commands);
                }
                _ => return,
            }
        }
    }

    async fn key(&mut self, key: KeyEvent) {
        let commands = self.app.on_key(key);
        self.run(commands);
        self.settle().await;
    }

    async fn action(&mut self, action: Action) {
        let commands = self.app.on_action(action);
        self.run(commands);
        self.settle().await;
    }

    fn frame(&mut self) -> String {
        let theme = Theme::default_dark();
        let mut terminal = Terminal::new(TestBackend::new(120, 32)).unwrap();
        terminal
            .draw(|f| crate::ui::draw(f, &mut self.app, &theme, 0))
            .unwrap();
        let buffer = terminal.backend().buffer().clone();
        let mut text = String::new();
        for y in 0..buffer.area.height {
            for x in 0..buffer.area.width {
                text.push_str(buffer[(x, y)].symbol());
            }
            text.push('\n');
        }
        text
    }

    /// Which screen this is: the pane and its box's title, figures masked (counts change as
    /// pages arrive; the screen does not).
    fn screen(&mut self) -> (PaneId, String) {
        let frame = self.frame();
        let title = frame.lines().nth(1).unwrap_or_default();
        let title = title.trim_start_matches(['┌', '─', ' ']);
        // Every folder of a bucket is one screen, every object another.
        if title.starts_with("s3://") {
            let kind = if title.contains("esc back") {
                "s3:// object"
            } else {
                "s3:// folder"
            };
            return (self.app.pane, kind.into());
        }
        let title: String = title
            .chars()
            .take_while(|c| *c != '─' && *c != '┐')
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect();
        // The Logs viewer's views share its title.
        let view = if self.app.pane == PaneId::Logs {
            format!(
                " [{:?}{}]",
                self.app.logs.view,
                if self.app.logs.request.is_some() {
                    " request"
                } else {
                    ""
                }
            )
        } else {
            String::new()
        };
        (self.app.pane, format!("{}{view}", title.trim()))
    }
}

/// Every screen of every pane, as the keys that reach it from the pane's first screen
/// (`enter`, `space`, `ctrl-u`, `esc`, `alt-enter`, or text typed as it is).
const SCREENS: &[(PaneId, &[&str])] = &[
    (PaneId::Users, &[]),
    (PaneId::Users, &["enter"]),
    (PaneId::Posts, &[]),
    (PaneId::Posts, &["enter"]),
    (PaneId::Posts, &["v"]),
    (PaneId::Audit, &[]),
    (PaneId::Storage, &[]),
    (PaneId::Storage, &["enter"]),
    (PaneId::Storage, &["enter", "enter", "enter", "enter"]),
    (PaneId::Logs, &[]),
    (PaneId::Logs, &["space", "enter"]),
    (
        PaneId::Logs,
        &["space", "enter", "f", "ctrl-u", "1h", "enter"],
    ),
    (
        PaneId::Logs,
        &["space", "enter", "f", "ctrl-u", "1h", "enter", "v"],
    ),
    (
        PaneId::Logs,
        &["space", "enter", "f", "ctrl-u", "1h", "enter", "r"],
    ),
    (PaneId::Insights, &[]),
    (PaneId::Insights, &["f", "alt-enter"]),
    (PaneId::Insights, &["f", "alt-enter", "enter"]),
    (PaneId::Insights, &["v"]),
    (PaneId::Metrics, &[]),
    (PaneId::Metrics, &["v"]),
    (PaneId::Metrics, &["v", "enter"]),
];

async fn reach(backends: &Backends, pane: PaneId, path: &[&str]) -> Console {
    let mut console = Console::open(backends, pane).await;
    for k in path {
        let keys = match *k {
            "enter" => vec![KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)],
            "space" => vec![KeyEvent::new(KeyCode::Char(' '), KeyModifiers::NONE)],
            "ctrl-u" => vec![KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)],
            "esc" => vec![KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)],
            "alt-enter" => vec![KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT)],
            text => text
                .chars()
                .map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
                .collect(),
        };
        for key in keys {
            console.key(key).await;
        }
    }
    console
}

/// What an overlay that takes no text must show of itself.
fn overlay_mark(overlay: &Overlay) -> Option<&'static str> {
    match overlay {
        Overlay::Help { .. } => Some("Keys ·"),
        Overlay::ErrorLog { .. } => Some("Errors, newest first"),
        Overlay::Who(_) => Some("back"),
        Overlay::Dialog(_) => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_prompt_and_dialog_an_action_opens_is_drawn_on_the_next_frame() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::open(dir.path()).await.unwrap();
    let options = SeedOptions {
        users: 6,
        posts: 8,
        comments: 12,
        reports: 6,
        post_images: 2,
        profile_images: 1,
        invocations: 60,
        ..SeedOptions::default()
    };
    sandbox.seed(&options, &|_| {}).await.unwrap();
    let backends = Backends::sandbox(&sandbox, Actor::parse("sandbox:ops").unwrap());

    let mut screens = Vec::new();
    let mut inputs_seen = 0;
    for (pane, path) in SCREENS {
        let mut console = reach(&backends, *pane, path).await;
        let home = console.screen();
        assert!(
            !screens.contains(&home),
            "{path:?} on {pane:?} reaches a screen already listed: {home:?}\n{}",
            console.frame()
        );
        screens.push(home.clone());
        for action in Action::ALL {
            if *action == Action::Quit {
                continue;
            }
            console.action(*action).await;
            let frame = console.frame();
            let what = format!("{action:?} on {home:?} (keys {path:?})");
            if let Some(Overlay::Dialog(_)) = &console.app.overlay {
                // A dialog's focus may be a choice (the reason) rather than text: it shows
                // by its way out.
                inputs_seen += 1;
                assert!(
                    frame.contains("esc cancel"),
                    "{what} opened a dialog that is not drawn:\n{frame}"
                );
            } else if let Some(form) = console.app.focused().form() {
                // A pane's form (a path to save to, a link to read): its title, and the
                // cursor when one of its fields takes text.
                inputs_seen += 1;
                let title = crate::text::one_line(&form.title);
                let head: String = title.chars().take(20).collect();
                assert!(
                    frame.contains(head.as_str()),
                    "{what} opened a form ({title:?}) that is not drawn:\n{frame}"
                );
                if form.fields.iter().any(|f| f.focused) {
                    assert!(
                        frame.contains(crate::ui::input::CURSOR),
                        "{what} opened a form whose focused field is not drawn:\n{frame}"
                    );
                }
            } else if console.app.typing() {
                inputs_seen += 1;
                assert!(
                    frame.contains(crate::ui::input::CURSOR),
                    "{what} takes text but its input is not drawn:\n{frame}"
                );
            }
            if let Some(mark) = console.app.overlay.as_ref().and_then(overlay_mark) {
                assert!(
                    frame.contains(mark),
                    "{what} opened an overlay that is not drawn (no {mark:?}):\n{frame}"
                );
            }
            // Back to the screen: close what opened, or start over when the action moved on.
            for _ in 0..4 {
                if !console.app.typing() && console.app.overlay.is_none() {
                    break;
                }
                console
                    .key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE))
                    .await;
            }
            if console.app.quit
                || console.app.typing()
                || console.app.overlay.is_some()
                || console.screen() != home
            {
                console = reach(&backends, *pane, path).await;
            }
        }
    }
    // The guard looked at real inputs: filters, queries, dialogs and forms on many screens.
    assert!(
        inputs_seen >= 30,
        "only {inputs_seen} actions opened an input"
    );
}
