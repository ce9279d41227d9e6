//! The real binary in a pseudo-terminal, its screen read back through a VT100 parser: keys go
//! in, the test waits for what the screen must show. Shared by the end-to-end tests and the
//! journeys.
#![allow(dead_code)] // each test crate uses its own part of it

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Longest a test waits for one thing to appear.
pub const LONG: Duration = Duration::from_secs(20);

/// The least time between two [`Console::keys`] calls: well past the console's burst gap
/// (400 ms), with room for a console slow to take the first key on a loaded machine.
pub const PACE: Duration = Duration::from_millis(800);

/// The down-arrow key as a terminal sends it (on a dialog's reason list: the next reason).
pub const DOWN: &[u8] = b"\x1b[B";

pub struct Console {
    screen: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    /// Dropping the master would hang up the console's terminal.
    master: Box<dyn portable_pty::MasterPty + Send>,
    _dirs: tempfile::TempDir,
    /// When keys were last sent.
    sent: Option<Instant>,
}

impl Console {
    pub fn start(dirs: tempfile::TempDir, args: &[&str]) -> Self {
        Self::start_with(dirs, args, &[])
    }

    pub fn start_with(dirs: tempfile::TempDir, args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_backoffice"));
        cmd.args(args);
        Self::spawn(dirs, cmd, env)
    }

    /// `script` run by `sh -c` on the terminal, with the binary's path in `$BACKOFFICE`: for
    /// what the shell arranges around it (a redirected standard error).
    pub fn start_in_shell(dirs: tempfile::TempDir, script: &str) -> Self {
        let mut cmd = CommandBuilder::new("/bin/sh");
        cmd.args(["-c", script]);
        cmd.env("BACKOFFICE", env!("CARGO_BIN_EXE_backoffice"));
        Self::spawn(dirs, cmd, &[])
    }

    fn spawn(dirs: tempfile::TempDir, mut cmd: CommandBuilder, env: &[(&str, &str)]) -> Self {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 30,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        cmd.env("BACKOFFICE_CONFIG_DIR", dirs.path().join("config"));
        cmd.env("BACKOFFICE_DATA_DIR", dirs.path().join("data"));
        cmd.env("BACKOFFICE_STATE_DIR", dirs.path().join("state"));
        // No $USER, as under tmux, cron or a container: the operator comes from the OS account.
        cmd.env_remove("USER");
        cmd.env_remove("USERNAME");
        cmd.env("TERM", "xterm-256color");
        // Screens are compared against the seed; a test that wants traffic turns it on.
        cmd.env("BACKOFFICE_TRAFFIC", "0");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(30).unwrap(),
            std::num::NonZeroU16::new(120).unwrap(),
            0,
        )));
        let feed = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                feed.lock().unwrap().process(&buf[..n]);
            }
        });
        Self {
            screen,
            writer,
            child,
            master: pty.master,
            _dirs: dirs,
            sent: None,
        }
    }

    pub fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `needle`, or fails with what it shows.
    pub fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let text = self.text();
            if text.contains(needle) {
                return text;
            }
            if start.elapsed() > timeout {
                panic!("the screen never showed {needle:?}; it shows:\n{text}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen satisfies `done`, or fails with `what` and what it shows.
    pub fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let text = self.text();
            if done(&text) {
                return text;
            }
            if start.elapsed() > LONG {
                panic!("the screen never showed {what}; it shows:\n{text}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Resizes the pseudo-terminal (the child gets SIGWINCH) and the screen model with it.
    pub fn resize(&mut self, rows: u16, cols: u16) {
        // The screen model first: the console may repaint for the new size before this thread
        // runs again, and a repaint parsed into the old size would be clipped for good. Bytes
        // still in flight for the old size are overwritten by that repaint.
        let mut screen = self.screen.lock().unwrap();
        if let (Some(r), Some(c)) = (
            std::num::NonZeroU16::new(rows),
            std::num::NonZeroU16::new(cols),
        ) {
            screen.screen_mut().set_size(r, c);
        }
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
    }

    /// Hides the selected post through the confirmation dialog: the first reason on the list
    /// (spam), with `reason` as its details.
    pub fn hide(&mut self, reason: &[u8]) {
        self.keys(b"h");
        self.wait_for("This will change", LONG);
        self.keys(DOWN);
        self.keys(b"\t");
        self.keys(reason);
        self.keys(b"\r");
    }

    /// Quits with `q` and checks the console exits cleanly.
    /// Waits out the console's hold on keys typed hard after a refused key (0.7 s, see
    /// docs/keys.md), as a person reading the refusal does before the next key.
    pub fn read_the_refusal(&self) {
        std::thread::sleep(std::time::Duration::from_millis(900));
    }

    pub fn quit(self) {
        self.quit_keeping_files();
    }

    /// Quits, and hands back the config, data and state folders (the log file is complete
    /// once the process has exited).
    pub fn quit_keeping_files(mut self) -> tempfile::TempDir {
        self.keys(b"q");
        let status = self.child.wait().unwrap();
        assert!(status.success(), "the console exits cleanly: {status:?}");
        self._dirs
    }

    /// Waits for a command (not the console) to end by itself; whether it succeeded, and the
    /// folders.
    pub fn exited(mut self) -> (bool, tempfile::TempDir) {
        let status = self.child.wait().unwrap();
        (status.success(), self._dirs)
    }

    /// The console's process id.
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("the console runs")
    }

    /// Whether the console draws on the alternate screen (it leaves it when it gives the
    /// terminal back).
    pub fn on_alternate_screen(&self) -> bool {
        self.screen.lock().unwrap().screen().alternate_screen()
    }

    /// Sends `q` and waits up to `within` for a clean exit; panics (killing the console)
    /// when it does not end: a key that never arrives must fail the test, not hang it.
    pub fn quit_within(mut self, within: Duration) {
        self.keys(b"q");
        let deadline = std::time::Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "the console exits cleanly: {status:?}");
                return;
            }
            if std::time::Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("`q` did not end the console within {within:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Types `bytes` at once, a burst; separate calls come at least [`PACE`] apart, as a
    /// person's separate actions do (the console holds keys that come in the burst with the
    /// key that opened a dialog, docs/keys.md), and an escape is never read as alt + the next
    /// key.
    pub fn keys(&mut self, bytes: &[u8]) {
        if let Some(sent) = self.sent {
            std::thread::sleep(PACE.saturating_sub(sent.elapsed()));
        }
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
        self.sent = Some(Instant::now());
    }
}
