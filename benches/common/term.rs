//! The console in a pseudo-terminal for the benches: its output goes through a VT100 parser
//! on a reader thread, which stamps the moment each awaited text first shows, so a bench can
//! time "key to answer on screen" to the arrival of the bytes that draw it.
#![allow(dead_code)] // each bench takes its own part

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Longest a wait lasts before the bench says what the screen shows.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// The console in a pseudo-terminal; a reader thread feeds its output to a VT100 parser and
/// stamps the moment each awaited text first appears.
pub struct Term {
    state: Arc<Mutex<Screen>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
    pub started: Instant,
}

struct Screen {
    parser: vt100::Parser,
    /// Texts awaited and when each first showed.
    marks: Vec<(String, Option<Instant>)>,
}

impl Term {
    /// Starts `binary` with `args`, its config, data and state folders under `dirs`.
    pub fn start(binary: &str, args: &[String], dirs: &std::path::Path) -> Self {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 160,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(binary);
        cmd.args(args);
        cmd.env("BACKOFFICE_CONFIG_DIR", dirs.join("config"));
        cmd.env("BACKOFFICE_DATA_DIR", dirs.join("data"));
        cmd.env("BACKOFFICE_STATE_DIR", dirs.join("state"));
        cmd.env("TERM", "xterm-256color");
        cmd.env("BACKOFFICE_IMAGES", "halfblocks");
        let state = Arc::new(Mutex::new(Screen {
            parser: vt100::Parser::new(
                std::num::NonZeroU16::new(40).expect("rows"),
                std::num::NonZeroU16::new(160).expect("columns"),
                0,
            ),
            marks: Vec::new(),
        }));
        let mut reader = pty
            .master
            .try_clone_reader()
            .expect("the terminal's output");
        let writer = pty.master.take_writer().expect("the terminal's input");
        let started = Instant::now();
        let child = pty.slave.spawn_command(cmd).expect("the console starts");
        drop(pty.slave);
        let feed = state.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 16384];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let now = Instant::now();
                let mut s = feed.lock().expect("the screen");
                s.parser.process(&buf[..n]);
                if s.marks.iter().any(|(_, at)| at.is_none()) {
                    let text = s.parser.screen().contents();
                    for (needle, at) in &mut s.marks {
                        if at.is_none() && text.contains(needle.as_str()) {
                            *at = Some(now);
                        }
                    }
                }
            }
        });
        Self {
            state,
            writer,
            child,
            _master: pty.master,
            started,
        }
    }

    /// Starts watching for `needle` (before the key that makes it appear is sent).
    pub fn watch(&self, needle: &str) {
        let mut s = self.state.lock().expect("the screen");
        let shown = s.parser.screen().contents().contains(needle);
        s.marks.push((needle.to_string(), shown.then(Instant::now)));
    }

    /// When `needle` (watched before) first showed.
    pub fn seen(&self, needle: &str) -> Instant {
        let deadline = Instant::now() + PATIENCE;
        loop {
            {
                let s = self.state.lock().expect("the screen");
                if let Some((_, Some(at))) = s.marks.iter().find(|(n, _)| n == needle) {
                    return *at;
                }
                if Instant::now() > deadline {
                    panic!(
                        "the screen never showed {needle:?}; it shows:\n{}",
                        s.parser.screen().contents()
                    );
                }
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    pub fn keys(&mut self, bytes: &[u8]) -> Instant {
        let at = Instant::now();
        self.writer
            .write_all(bytes)
            .expect("keys reach the console");
        self.writer.flush().expect("keys reach the console");
        at
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Term {
    /// The process id of the console.
    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// What the screen shows now.
    pub fn text(&self) -> String {
        self.state
            .lock()
            .expect("the screen")
            .parser
            .screen()
            .contents()
    }
}
