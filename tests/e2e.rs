//! The real binary in a real pseudo-terminal on a seeded sandbox: keys go in, the screen is
//! read back through a VT100 parser. Proves the loop, the terminal setup and restore, and the
//! wiring from keys to the sandbox's stores and back.

// Test harness code: a failed unwrap is the test failing at the line that broke.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "../crates/domain/tests/contract/private.rs"]
mod private;
#[path = "../crates/domain/tests/contract/throttle_proxy.rs"]
mod throttle_proxy;

use common::console::{Console, DOWN, LONG};
use std::time::Duration;

/// Runs a command of the binary on `dirs` outside a terminal; its standard output, once it
/// has succeeded.
fn command_on(dirs: &tempfile::TempDir, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_backoffice"))
        .args(args)
        .env("BACKOFFICE_CONFIG_DIR", dirs.path().join("config"))
        .env("BACKOFFICE_DATA_DIR", dirs.path().join("data"))
        .env("BACKOFFICE_STATE_DIR", dirs.path().join("state"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The first object of the seed's first folder under `posts/`, as `objects ls --json` gives it.
fn first_seeded_object(dirs: &tempfile::TempDir) -> serde_json::Value {
    let first = |args: &[&str]| -> serde_json::Value {
        let listed = command_on(dirs, args);
        serde_json::from_str(listed.lines().next().unwrap()).unwrap()
    };
    let folder = first(&["objects", "ls", "posts/", "--limit", "1", "--json"]);
    first(&[
        "objects",
        "ls",
        folder["prefix"].as_str().unwrap(),
        "--limit",
        "1",
        "--json",
    ])
}

fn seeded() -> tempfile::TempDir {
    let dirs = tempfile::tempdir().unwrap();
    command_on(&dirs, &["sandbox", "seed", "--yes"]);
    dirs
}

/// The account the test runs as, from the OS (`id -un`).
fn os_account() -> String {
    let out = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn moderate_a_reported_post_and_find_the_audit_row() {
    let mut c = Console::start(seeded(), &[]);
    c.wait_for("Reports queue", LONG);
    // The operator is shown; wait for it, as a frame can arrive in pieces.
    let operator = format!("sandbox:{}", os_account());
    c.wait_for(&operator, LONG);
    c.wait_for("post #", LONG);
    // Open the most-reported target's thread, hide it with a reason.
    c.keys(b"\r");
    c.wait_for("Thread of post", LONG);
    c.hide(b"e2e check");
    let after = c.wait_for("hide: 1 done, audited", LONG);
    assert!(
        after.contains("hidden"),
        "the thread shows the new status:\n{after}"
    );
    // The audit view has the row with the reason.
    c.keys(b":audit\r");
    let audit = c.wait_for("spam: e2e check", LONG);
    assert!(audit.contains(&operator), "{audit}");
    c.quit();
}

#[test]
fn search_a_user_and_disable_them() {
    let mut c = Console::start(seeded(), &[]);
    c.wait_for("Reports queue", LONG);
    c.keys(b":users\r");
    c.wait_for("CONFIRMED", LONG);
    c.keys(b"/");
    c.keys(b"username ^= \"a\"");
    c.keys(b"\r");
    c.wait_for("filter: username", LONG);
    c.keys(b"\r");
    let detail = c.wait_for("In the database", LONG);
    // The seed disables some users: flip whichever way this one is.
    let (key, change, action, after) = if detail.contains("enabled  true") {
        (b"d", "true → false", "user.disable", "enabled  false")
    } else {
        (b"e", "false → true", "user.enable", "enabled  true")
    };
    c.keys(key);
    c.wait_for(change, LONG);
    c.keys(DOWN);
    c.keys(b"\r");
    let done = c.wait_for(action, LONG);
    c.wait_for(after, LONG);
    assert!(done.contains("audited"), "{done}");
    c.quit();
}

#[test]
fn read_only_says_so_instead_of_writing() {
    let mut c = Console::start(seeded(), &["--read-only"]);
    c.wait_for("READ-ONLY", LONG);
    c.wait_for("post #", LONG);
    c.keys(b"x");
    let text = c.wait_for("read-only session", LONG);
    assert!(!text.contains("This will change"), "{text}");
    c.quit();
}

#[test]
fn storage_previews_an_avatar_in_half_blocks_and_downloads_it() {
    let dirs = seeded();
    let out = dirs.path().join("downloads");
    std::fs::create_dir_all(&out).unwrap();
    let mut c = Console::start(dirs, &[]);
    c.wait_for("post #", LONG);
    c.keys(b":storage profiles/\r");
    c.wait_for("s3://sandbox-media/profiles/ · 40 loaded", LONG);
    c.keys(b"\r");
    c.wait_for("avatar.png", LONG);
    c.keys(b"\r");
    let detail = c.wait_for("original · 96×96 px", LONG);
    assert!(detail.contains("image/png"), "{detail}");
    assert!(
        detail.contains('▀') || detail.contains('▄'),
        "the picture is drawn in half-blocks:\n{detail}"
    );
    c.keys(b"w");
    c.wait_for("save as: ./avatar.png", LONG);
    c.keys(&[0x7f; 12]);
    c.keys(out.to_str().unwrap().as_bytes());
    c.keys(b"\r");
    c.wait_for("✓ avatar.png", LONG);
    let saved = std::fs::read(out.join("avatar.png")).unwrap();
    assert_eq!(&saved[1..4], b"PNG");
    c.quit();
}

#[test]
fn query_the_lambda_logs_and_open_one_request() {
    let mut c = Console::start(seeded(), &[]);
    c.wait_for("Reports queue", LONG);
    c.keys(b":logs\r");
    c.wait_for("backoffice-post-confirmation", LONG);
    // Pick the API group; a live tail starts (after the lines of the minutes before, if any).
    c.keys(b" ");
    c.keys(b"\r");
    c.wait_for("● live", LONG);
    // The last four days with ERROR: the seeded failures, then the request of the last one.
    c.keys(b"f");
    c.keys(b"\x15");
    c.keys(b"4d ERROR\r");
    let shown = c.wait_for("\"level\":\"ERROR\"", LONG);
    assert!(shown.contains("last 4d"), "{shown}");
    c.wait_for("· done ·", LONG);
    c.keys(b"r");
    let request = c.wait_for("START RequestId", LONG);
    assert!(request.contains("REPORT RequestId"), "{request}");
    assert!(request.contains("Request "), "{request}");
    c.quit();
}

#[test]
fn a_live_tail_follows_the_simulated_traffic_and_pauses() {
    let mut c = Console::start_with(seeded(), &[], &[("BACKOFFICE_TRAFFIC", "20")]);
    c.wait_for("Reports queue", LONG);
    c.keys(b":logs\r");
    c.wait_for("backoffice-post-confirmation", LONG);
    c.keys(b" ");
    c.keys(b"\r");
    // The simulator's invocations arrive as they happen.
    // (The tail may start in the middle of an invocation: its END and REPORT come first.)
    let live = c.wait_until("a whole invocation", |t| {
        t.contains("START RequestId") && t.contains("REPORT RequestId")
    });
    assert!(live.contains("● live"), "{live}");
    // Paused, the view holds while new lines are counted.
    c.keys(b" ");
    c.wait_for("PAUSED", LONG);
    c.wait_for("new lines", LONG);
    c.keys(b"G");
    let resumed = c.wait_for("space pause", LONG);
    assert!(!resumed.contains("PAUSED"), "{resumed}");
    c.quit();
}

/// The same console on AWS services: a Cognito pool on moto and the service's schema on
/// MariaDB, reached through a `config.toml` environment, as an operator would.
#[test]
#[ignore = "needs services: tests/run.sh"]
fn on_moto_and_mariadb_support_disables_a_user_storage_and_logs_read_the_environment() {
    let env = common::MotoEnvironment::create("e2e", &["zed-e2e", "yara-e2e"]);
    let dirs = tempfile::tempdir().unwrap();
    env.write_config(dirs.path());
    let mut c = Console::start_with(dirs, &["--env", "moto"], &[]);
    c.wait_for("Reports queue", LONG);
    // The environment is shown; wait for it, as a frame can arrive in pieces.
    c.wait_for(" moto ", LONG);
    c.wait_for("No open reports", LONG);
    c.keys(b":users\r");
    c.wait_for("zed-e2e", LONG);
    c.keys(b"/");
    c.keys(b"zed");
    c.keys(b"\r");
    c.wait_for("filter: zed", LONG);
    c.keys(b"\r");
    c.wait_for("no profile row", LONG);
    c.keys(b"d");
    c.wait_for("true → false", LONG);
    c.keys(DOWN);
    c.keys(b"\r");
    c.wait_for("enabled  false", LONG);
    c.keys(b":audit\r");
    c.wait_for("user.disable", LONG);
    // The row's detail names the caller by its whole ARN.
    c.keys(b"\r");
    c.wait_for("by arn:aws:", LONG);
    // Storage: the environment's bucket on moto's S3, folder by folder.
    c.keys(b":storage\r");
    c.wait_for("posts/", LONG);
    c.keys(b"\r");
    c.wait_for("e2e/", LONG);
    c.keys(b"\r");
    c.wait_for("hello.txt", LONG);
    // Logs: the environment's group on moto's CloudWatch Logs, queried over the last hour.
    c.keys(b":logs\r");
    c.wait_for(&env.log_group, LONG);
    c.keys(b" ");
    c.keys(b"\r");
    c.keys(b"f");
    c.keys(b"\x15");
    c.keys(b"1h\r");
    c.wait_for("hello from moto", LONG);
    c.quit();
    env.drop_database();
}

/// A storm of resizes, down to one cell and up to very wide, while lists load and the simulated
/// traffic runs: the console keeps drawing, stays responsive and exits cleanly.
/// `ctrl-z` (and a SIGTSTP from outside) stops the console with the terminal given back (the
/// primary screen, line mode); resumed, it takes the terminal again: a lone `q` quits (it came
/// back to line mode, keys echoed and read only after `enter`).
#[test]
fn a_stop_gives_the_terminal_back_and_a_resume_takes_it_again() {
    /// The process's state letter (`T` when stopped).
    fn state(pid: u32) -> char {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        let after = stat.rsplit_once(") ").unwrap().1;
        after.chars().next().unwrap()
    }
    fn wait_state(pid: u32, wanted: char) {
        for _ in 0..100 {
            if state(pid) == wanted {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the console is {} not {wanted}", state(pid));
    }
    let mut c = Console::start(seeded(), &[]);
    c.wait_for("Reports queue", LONG);
    let pid = c.pid();
    for stop in ["ctrl-z", "SIGTSTP"] {
        if stop == "ctrl-z" {
            c.keys(b"\x1a");
        } else {
            let sent = std::process::Command::new("kill")
                .args(["-TSTP", &pid.to_string()])
                .status()
                .unwrap();
            assert!(sent.success());
        }
        wait_state(pid, 'T');
        // What it wrote before stopping reaches the screen through the pty's reader: waited
        // for, not read at the instant the process stopped (a run read it a moment early).
        c.wait_until(&format!("{stop}: the terminal is given back"), |_| {
            !c.on_alternate_screen()
        });
        let sent = std::process::Command::new("kill")
            .args(["-CONT", &pid.to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        c.wait_until("the console back on its screen", |_| {
            c.on_alternate_screen()
        });
        c.wait_for("Reports queue", LONG);
    }
    c.quit_within(Duration::from_secs(10));
}

#[test]
fn a_resize_storm_leaves_the_console_drawing_and_responsive() {
    let mut c = Console::start_with(seeded(), &[], &[("BACKOFFICE_TRAFFIC", "20")]);
    c.wait_for("Reports queue", LONG);
    let sizes = [
        (1, 1),
        (2, 10),
        (5, 200),
        (60, 300),
        (3, 3),
        (24, 40),
        (1, 120),
        (40, 20),
    ];
    for round in 0..25 {
        let (rows, cols) = sizes[round % sizes.len()];
        c.resize(rows, cols);
        if round % 5 == 0 {
            c.keys(b"\t");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    c.resize(30, 120);
    // The whole frame at the final size, status bar included, before the next keys.
    c.wait_for("? help", LONG);
    c.keys(b":users\r");
    c.wait_for("Users ·", LONG);
    c.quit();
}

/// The database dies in the middle of a console session on moto + MariaDB (a private
/// `mariadbd`, killed with SIGKILL): a hide tried while it is down fails with a clear error,
/// writes neither the change nor its audit row, and the console keeps running. When the
/// server is back, reload works and the same hide succeeds, audited, without a restart.
#[test]
#[ignore = "needs services: tests/run.sh"]
fn a_database_crash_mid_session_fails_cleanly_and_the_session_recovers() {
    let mut server = private::PrivateMariadb::start();
    let env = common::MotoEnvironment::create_on("dbcrash", &["una-e2e"], server.url());
    let db = env.database_url();
    let post: i64 = env.block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::MySqlConnection::connect(&db).await.unwrap();
        let id = sqlx::query(
            "INSERT INTO posts (author_sub, body, status, created_at, updated_at) \
             VALUES ('00000000-0000-4000-8000-0000000000aa', 'crash test post', 'visible', NOW(3), NOW(3))",
        )
        .execute(&mut conn)
        .await
        .unwrap()
        .last_insert_id() as i64;
        sqlx::query(
            "INSERT INTO reports (target_kind, target_id, reporter_sub, reason, status, created_at) \
             VALUES ('post', ?, '00000000-0000-4000-8000-0000000000bb', 'spam', 'open', NOW(3))",
        )
        .bind(id.to_string())
        .execute(&mut conn)
        .await
        .unwrap();
        id
    });
    let state = |db: &str| -> (String, i64) {
        env.block_on(async {
            use sqlx::Connection;
            let mut conn = sqlx::MySqlConnection::connect(db).await.unwrap();
            let status: String = sqlx::query_scalar("SELECT status FROM posts WHERE id = ?")
                .bind(post)
                .fetch_one(&mut conn)
                .await
                .unwrap();
            let audited: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM audit_log WHERE target_kind = 'post' AND target_id = ?",
            )
            .bind(post.to_string())
            .fetch_one(&mut conn)
            .await
            .unwrap();
            (status, audited)
        })
    };
    let dirs = tempfile::tempdir().unwrap();
    env.write_config(dirs.path());
    let mut c = Console::start_with(dirs, &["--env", "moto"], &[]);
    c.wait_for("Reports queue", LONG);
    c.wait_for(&format!("post #{post}"), LONG);
    c.keys(b"\r");
    c.wait_for("Thread of post", LONG);

    server.crash();
    c.hide(b"crash check");
    let failed = c.wait_for("hide: 0 done, 1 failed", Duration::from_secs(40));
    assert!(
        failed.contains("the database is unavailable"),
        "the status bar says why:\n{failed}"
    );

    server.restart();
    assert_eq!(
        state(&db),
        ("visible".to_string(), 0),
        "the failed hide wrote neither the change nor its audit row"
    );
    // Same process: reload, then the same hide goes through.
    c.keys(b"\x12");
    c.wait_for("Thread of post", LONG);
    c.hide(b"after recovery");
    c.wait_for("hide: 1 done, audited", Duration::from_secs(40));
    assert_eq!(state(&db), ("hidden".to_string(), 1));
    c.quit();
}

/// AWS throttling through a loopback proxy in front of moto: the first three ListUsers calls
/// are answered `TooManyRequestsException`. The Users pane still fills, after the SDK's
/// retries, and the status bar says the console is being throttled and backing off.
#[test]
#[ignore = "needs services: tests/run.sh"]
fn throttling_shows_on_the_status_bar_and_the_users_pane_fills_after_retries() {
    let env = common::MotoEnvironment::create("throttle", &["zed-th", "yara-th"]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let proxy = rt.block_on(throttle_proxy::ThrottleProxy::start(&env.endpoint));
    proxy.throttle("ListUsers", 3);
    let dirs = tempfile::tempdir().unwrap();
    env.write_config_via(dirs.path(), &proxy.endpoint);
    let mut c = Console::start_with(dirs, &["--env", "moto"], &[]);
    c.wait_for("Reports queue", LONG);
    c.keys(b":users\r");
    let screen = c.wait_for("zed-th", LONG);
    // The count is of the last ten seconds; the proxy's record has the exact one.
    let screen = if screen.contains("AWS throttled ×") {
        screen
    } else {
        c.wait_for("AWS throttled ×", Duration::from_secs(5))
    };
    assert!(screen.contains("(Cognito ListUsers)"), "{screen}");
    let seen = proxy.seen("ListUsers");
    assert!(seen.len() >= 4, "{seen:?}");
    assert!(
        seen[..3].iter().all(|s| s.throttled) && !seen[3].throttled,
        "{seen:?}"
    );
    c.quit();
    drop(proxy);
    env.drop_database();
}

/// A write asked on a terminal first shows what it is about: each post's status, author and
/// first line (it asked only `hide post 21`), an object's size and what its bucket keeps. A key
/// that is not there is refused before the question, and `no` leaves everything as it was.
#[test]
fn a_question_on_the_terminal_shows_what_it_is_about() {
    let dirs = seeded();
    let command = |args: &[&str]| command_on(&dirs, args);
    let listed = command(&[
        "posts", "list", "--status", "visible", "--limit", "1", "--json",
    ]);
    let post: serde_json::Value = serde_json::from_str(listed.lines().next().unwrap()).unwrap();
    let id = post["id"].to_string();
    let sub = post["author_sub"].as_str().unwrap().to_string();
    // The author by name, as the console shows them (the sub alone told a moderator nothing).
    let users = command(&["users", "list", "--json"]);
    let author = users
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|u| u["sub"] == sub.as_str())
        .map(|u| u["username"].as_str().unwrap().to_string())
        .expect("the author is in the pool");
    let object = first_seeded_object(&dirs);
    let key = object["key"].as_str().unwrap().to_string();

    let mut c = Console::start(dirs, &["posts", "hide", &id, "--reason", "spam links"]);
    let asked = c.wait_for("Type yes to go on", LONG);
    assert!(
        asked.contains(&format!("post {id} · visible · by {author} · ")),
        "{asked}"
    );
    c.keys(b"no\r");
    c.wait_for("nothing was done", LONG);
    let (ok, dirs) = c.exited();
    assert!(!ok, "not confirmed");
    // A post that is not there is said and left out; with nothing left, nothing is asked.
    let c = Console::start(dirs, &["posts", "hide", "987654", "--reason", "spam links"]);
    let refused = c.wait_for("nothing was done", LONG);
    assert!(
        refused.contains("post 987654: not found (left out)")
            && refused.contains("nothing to hide")
            && !refused.contains("Type yes"),
        "{refused}"
    );
    let (ok, dirs) = c.exited();
    assert!(!ok, "refused");
    let still = command_on(&dirs, &["posts", "list", "--status", "hidden", "--json"]);
    assert!(!still.contains(&format!("\"id\":{id},")), "{still}");

    let mut c = Console::start(dirs, &["objects", "rm", &key, "--reason", "test cleanup"]);
    let asked = c.wait_for("Type yes to go on", LONG);
    let size = object["size"].as_u64().unwrap();
    let size = match size {
        0..1024 => format!("{size} B"),
        1024..1_048_576 => format!("{:.1} KiB", size as f64 / 1024.0),
        _ => format!("{:.1} MiB", size as f64 / 1_048_576.0),
    };
    assert!(asked.contains(&format!("{key} ({size}")), "{asked}");
    assert!(
        asked.contains("the bucket keeps no versions: this cannot be undone"),
        "{asked}"
    );
    c.keys(b"no\r");
    c.wait_for("nothing was done", LONG);
    let (ok, dirs) = c.exited();
    assert!(!ok, "not confirmed");
    let c = Console::start(
        dirs,
        &[
            "objects",
            "rm",
            "posts/never-there.jpg",
            "--reason",
            "test cleanup",
        ],
    );
    let refused = c.wait_for("nothing was done", LONG);
    assert!(
        refused.contains("posts/never-there.jpg is not there") && !refused.contains("Type yes"),
        "{refused}"
    );
    let (ok, _dirs) = c.exited();
    assert!(!ok, "refused");
}

/// `users set-password` on a terminal: neither typing shows, `yes` confirms, and the row keeps
/// no password; `--password-stdin` on a terminal is refused (it showed the password as it was
/// typed), and so is `objects get -o -` onto the terminal (an object's escape set its title).
#[test]
fn a_password_typed_on_the_terminal_never_shows() {
    let dirs = seeded();
    let command = |args: &[&str]| command_on(&dirs, args);
    let listed = command(&["users", "list", "--limit", "1", "--json"]);
    let user: serde_json::Value = serde_json::from_str(listed.lines().next().unwrap()).unwrap();
    let user = user["username"].as_str().unwrap().to_string();
    let object = first_seeded_object(&dirs);
    let key = object["key"].as_str().unwrap().to_string();
    // The command on a terminal, typing `password` at both prompts.
    let typed_twice = |dirs, password: &[u8]| {
        let mut c = Console::start(
            dirs,
            &[
                "users",
                "set-password",
                &user,
                "--reason",
                "support request",
            ],
        );
        c.wait_for("New password:", LONG);
        c.keys(password);
        c.wait_for("The same again:", LONG);
        c.keys(password);
        c
    };
    // A password the pool's policy refuses is refused once typed, before any `yes`.
    let c = typed_twice(dirs, b"weakpass\r");
    let refused = c.wait_for("nothing was changed", LONG);
    assert!(
        refused.contains("the pool's policy needs an upper-case letter, a digit and a symbol")
            && !refused.contains("Type yes"),
        "{refused}"
    );
    let (ok, dirs) = c.exited();
    assert!(!ok, "refused");
    let mut c = typed_twice(dirs, b"Typed-Passw0rd!\r");
    let asked = c.wait_for("Type yes to go on", LONG);
    // Whom, above the question: the name with the e-mail, the sub and the state.
    assert!(
        asked.contains(&format!("{user} <")) && asked.contains(" · sub "),
        "{asked}"
    );
    c.keys(b"yes\r");
    let shown = c.wait_for("done, audited", LONG);
    assert!(!shown.contains("Typed-Passw0rd"), "{shown}");
    let (ok, dirs) = c.exited();
    assert!(ok, "the command succeeds");
    let c = Console::start(
        dirs,
        &[
            "users",
            "set-password",
            &user,
            "--password-stdin",
            "--reason",
            "support request",
            "--yes",
        ],
    );
    c.wait_for("standard input is a terminal here", LONG);
    let (ok, dirs) = c.exited();
    assert!(!ok, "refused");
    let c = Console::start(dirs, &["objects", "get", &key, "-o", "-"]);
    c.wait_for("standard output, which is a terminal here", LONG);
    let (ok, dirs) = c.exited();
    assert!(!ok, "refused");
    // Standard error sent to a file: the questions still reach the terminal (they were
    // written to the file, and the command seemed to hang), and the file keeps the rest.
    let log = dirs.path().join("run.log");
    let mut c = Console::start_in_shell(
        dirs,
        &format!(
            "\"$BACKOFFICE\" users set-password '{user}' --reason 'support request' 2>'{}'",
            log.display()
        ),
    );
    c.wait_for("New password:", LONG);
    c.keys(b"Other-Passw0rd!\r");
    c.wait_for("The same again:", LONG);
    c.keys(b"Other-Passw0rd!\r");
    c.wait_for("Type yes to go on", LONG);
    c.keys(b"yes\r");
    c.wait_for("done, audited", LONG);
    let (ok, _dirs) = c.exited();
    assert!(ok, "the command succeeds");
    let written = std::fs::read_to_string(&log).unwrap();
    assert!(
        !written.contains("New password") && !written.contains("Type yes"),
        "{written}"
    );
}
