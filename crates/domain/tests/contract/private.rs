//! Private servers that a fault test may stop, crash or freeze: a `mariadbd` with its own
//! datadir and port, and a `moto_server` on its own port. The shared MariaDB and moto of the
//! test run are never touched. Blocking on purpose (plain processes and sockets), so the
//! console's synchronous end-to-end tests share this file (`#[path]`) with the contract tests.
//!
//! Each helper panics with the way to get what it needs when a binary is missing, so a fault
//! test can never pass by doing nothing.

#![allow(dead_code)] // each test binary uses its own part of this file

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const READY_WITHIN: Duration = Duration::from_secs(60);

/// A small InnoDB (the default redo log alone is 96 MiB), for both install and server.
const SMALL: [&str; 2] = ["--innodb-buffer-pool-size=32M", "--innodb-log-file-size=8M"];

/// Forgets a pid noted by [`remember_pid`] once its process is gone.
fn forget_pid(pid: u32) {
    if let Ok(dir) = std::env::var("BACKOFFICE_TEST_PID_DIR") {
        let _ = std::fs::remove_file(Path::new(&dir).join(pid.to_string()));
    }
}

/// Notes a server's pid in `BACKOFFICE_TEST_PID_DIR` when the test run set one, so that
/// tests/run.sh stops whatever an interrupted test binary left behind (Drop never ran).
fn remember_pid(pid: u32) {
    if let Ok(dir) = std::env::var("BACKOFFICE_TEST_PID_DIR") {
        let _ = std::fs::write(Path::new(&dir).join(pid.to_string()), "");
    }
}

/// A port nobody listens on now (bound, then released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn find_binary(env: &str, name: &str, dirs: &[&str]) -> PathBuf {
    if let Ok(path) = std::env::var(env) {
        return PathBuf::from(path);
    }
    let path_var = std::env::var("PATH").unwrap_or_default();
    std::env::split_paths(&path_var)
        .chain(dirs.iter().map(PathBuf::from))
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("{name} not found (PATH, {dirs:?}, or ${env}): tests/run.sh installs it")
        })
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn signal(pid: u32, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "kill {sig} {pid} failed");
}

/// Waits until `probe` says yes, panicking with `what` and the server's log after a minute.
fn wait_until(what: &str, log: &Path, mut probe: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < READY_WITHIN {
        if probe() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let log = std::fs::read_to_string(log).unwrap_or_default();
    panic!("{what} did not answer within {READY_WITHIN:?}; its log:\n{log}");
}

/// A MariaDB server of one test: its own datadir under a temporary folder, its own port,
/// started without grant tables (root or any user gets in with no password; it listens on
/// loopback only and lives for one test).
pub struct PrivateMariadb {
    dir: tempfile::TempDir,
    pub port: u16,
    child: Option<Child>,
    as_root: bool,
    /// More server options (TLS files, …), given at every start.
    extra: Vec<String>,
}

impl PrivateMariadb {
    pub fn start() -> Self {
        Self::start_with(Vec::new())
    }

    /// The same, with more `mariadbd` options (e.g. `--ssl-cert=…`).
    pub fn start_with(extra: Vec<String>) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("bo-mariadbd-")
            .tempdir()
            .unwrap();
        let as_root = running_as_root();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let install = find_binary(
            "BACKOFFICE_TEST_MARIADB_INSTALL_DB",
            "mariadb-install-db",
            &["/usr/bin", "/usr/sbin", "/usr/local/bin"],
        );
        let mut cmd = Command::new(install);
        cmd.arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .args(SMALL)
            .args(["--skip-test-db", "--auth-root-authentication-method=normal"]);
        if as_root {
            // mariadbd refuses root unless told so; its datadir is then root's, no chown.
            cmd.arg("--user=root");
        }
        let out = cmd.output().expect("mariadb-install-db runs");
        assert!(
            out.status.success(),
            "mariadb-install-db failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let mut server = Self {
            dir,
            port: free_port(),
            child: None,
            as_root,
            extra,
        };
        server.launch();
        server
    }

    /// `mysql://root@127.0.0.1:PORT` (no database).
    pub fn url(&self) -> String {
        format!("mysql://root@127.0.0.1:{}", self.port)
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("mariadbd.log")
    }

    fn launch(&mut self) {
        let data = self.dir.path().join("data");
        let log = std::fs::File::create(self.log()).unwrap();
        let mut cmd = Command::new(find_binary(
            "BACKOFFICE_TEST_MARIADBD",
            "mariadbd",
            &["/usr/sbin", "/usr/bin", "/usr/local/bin"],
        ));
        cmd.arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--port={}", self.port))
            .arg("--bind-address=127.0.0.1")
            .arg(format!("--socket={}", data.join("mysqld.sock").display()))
            .arg(format!("--pid-file={}", data.join("mysqld.pid").display()))
            .args(SMALL)
            .args([
                "--skip-grant-tables",
                "--skip-log-bin",
                "--max-connections=200",
                // The port is free while the server is down; if something took it meanwhile,
                // keep trying to bind for a while instead of exiting.
                "--port-open-timeout=30",
            ])
            .args(&self.extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        if self.as_root {
            cmd.arg("--user=root");
        }
        let child = cmd.spawn().expect("mariadbd starts");
        remember_pid(child.id());
        self.child = Some(child);
        let port = self.port;
        let log = self.log();
        let child = self.child.as_mut().unwrap();
        wait_until("the private mariadbd", &log, || {
            if let Ok(Some(status)) = child.try_wait() {
                let text = std::fs::read_to_string(&log).unwrap_or_default();
                panic!("the private mariadbd exited at start ({status}):\n{text}");
            }
            mysql_greets(port)
        });
    }

    /// SIGKILL, as a crash or a pulled plug: no clean shutdown, open transactions are lost.
    pub fn crash(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
            forget_pid(child.id());
        }
    }

    /// Starts it again on the same datadir and port (InnoDB recovers what was committed).
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "restart after crash");
        self.launch();
    }
}

impl Drop for PrivateMariadb {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
            forget_pid(child.id());
        }
    }
}

/// Whether a MySQL server sent its greeting (protocol version 10) on a new connection.
fn mysql_greets(port: u16) -> bool {
    let Ok(mut socket) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = socket.set_read_timeout(Some(Duration::from_secs(2)));
    let mut head = [0u8; 5];
    socket.read_exact(&mut head).is_ok() && head[4] == 10
}

/// A moto server of one test on its own port, from the test run's venv
/// (`BACKOFFICE_TEST_MOTO_SERVER`, set by tests/run.sh).
pub struct PrivateMoto {
    pub port: u16,
    child: Child,
    dir: tempfile::TempDir,
}

impl PrivateMoto {
    pub fn start() -> Self {
        let binary = std::env::var("BACKOFFICE_TEST_MOTO_SERVER").unwrap_or_else(|_| {
            panic!(
                "BACKOFFICE_TEST_MOTO_SERVER is not set: run the service tests through tests/run.sh"
            )
        });
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let log = dir.path().join("moto.log");
        let child = Command::new(binary)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(Stdio::from(
                std::fs::OpenOptions::new().append(true).open(&log).unwrap(),
            ))
            .spawn()
            .expect("moto_server starts");
        remember_pid(child.id());
        // Built first, so that a failed start still kills the process (Drop).
        let mut moto = Self { port, child, dir };
        let child = &mut moto.child;
        wait_until("the private moto_server", &log, || {
            if let Ok(Some(status)) = child.try_wait() {
                let text = std::fs::read_to_string(&log).unwrap_or_default();
                panic!("the private moto_server exited at start ({status}):\n{text}");
            }
            http_answers(port)
        });
        moto
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// SIGSTOP: the server keeps its sockets and its state but answers nothing, as a hung or
    /// unreachable service does. moto keeps its state only in memory, so freezing is how an
    /// outage that loses no data is made.
    pub fn freeze(&self) {
        signal(self.child.id(), "-STOP");
    }

    /// SIGCONT: the frozen server goes on where it stopped.
    pub fn thaw(&self) {
        signal(self.child.id(), "-CONT");
    }
}

impl Drop for PrivateMoto {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-CONT", &self.child.id().to_string()])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        forget_pid(self.child.id());
    }
}

fn http_answers(port: u16) -> bool {
    let Ok(mut socket) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = socket.set_read_timeout(Some(Duration::from_secs(2)));
    let request =
        format!("GET /moto-api/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if socket.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    socket.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.")
}
