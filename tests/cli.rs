//! The real binary, driven from outside: paths, overrides and sandbox seeding.

// Test harness code: a failed unwrap is the test failing at the line that broke.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Command;

fn backoffice(dirs: &tempfile::TempDir) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_backoffice"));
    cmd.env("BACKOFFICE_CONFIG_DIR", dirs.path().join("config"))
        .env("BACKOFFICE_DATA_DIR", dirs.path().join("data"))
        .env("BACKOFFICE_STATE_DIR", dirs.path().join("state"))
        // The operator comes from the OS account, not from $USER (tmux, cron and containers
        // often run without it).
        .env_remove("USER")
        .env_remove("USERNAME");
    cmd
}

/// The account this test runs as, from the OS (`id -un`), not from the environment.
fn os_account() -> String {
    let out = Command::new("id").arg("-un").output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn info_reports_the_overridden_folders_as_json() {
    let dirs = tempfile::tempdir().unwrap();
    let out = backoffice(&dirs).args(["info", "--json"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let config = dirs.path().join("config").display().to_string();
    assert_eq!(info["config_dir"], config.as_str());
    assert_eq!(
        info["sandbox_dir"],
        dirs.path()
            .join("data/sandbox")
            .display()
            .to_string()
            .as_str()
    );
    assert_eq!(
        info["operator"],
        format!("sandbox:{}", os_account()).as_str()
    );
    // Typed: a flag is a boolean, not the text "false".
    assert_eq!(info["config_file_exists"], false);
}

#[test]
fn help_lists_the_subcommands() {
    let dirs = tempfile::tempdir().unwrap();
    let out = backoffice(&dirs).arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for word in ["info", "sandbox", "--read-only"] {
        assert!(text.contains(word), "--help lacks {word}:\n{text}");
    }
}

#[test]
fn sandbox_seed_fills_the_sandbox_and_refuses_to_replace_without_yes() {
    let dirs = tempfile::tempdir().unwrap();
    let out = backoffice(&dirs)
        .args(["sandbox", "seed", "--yes"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("200 users") && summary.contains("2000 posts"),
        "{summary}"
    );
    assert!(dirs.path().join("data/sandbox/content.db").exists());

    let again = backoffice(&dirs)
        .args(["sandbox", "seed"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(
        !again.status.success(),
        "replacing data needs --yes without a terminal"
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("--yes"));

    // Another environment named: nothing is replaced, and it says which data `seed` is for.
    let before = std::fs::metadata(dirs.path().join("data/sandbox/content.db"))
        .unwrap()
        .modified()
        .unwrap();
    let other = backoffice(&dirs)
        .args(["--env", "staging", "sandbox", "seed", "--yes"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&other.stderr);
    assert!(!other.status.success(), "{said}");
    assert!(
        said.contains("never touches environment staging") && said.contains("--sandbox"),
        "{said}"
    );
    assert_eq!(
        std::fs::metadata(dirs.path().join("data/sandbox/content.db"))
            .unwrap()
            .modified()
            .unwrap(),
        before,
        "the sandbox was left as it was"
    );
}

#[test]
fn unknown_subcommand_fails_with_usage() {
    let dirs = tempfile::tempdir().unwrap();
    let out = backoffice(&dirs).arg("frobnicate").output().unwrap();
    assert!(!out.status.success());
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage"));
    // What was typed is echoed without driving the terminal (an OSC set its title).
    let out = backoffice(&dirs)
        .args(["users", "\u{1b}]2;PWNED\u{7}\u{1b}[41mBG"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        !err.contains('\u{1b}')
            && !err.contains('\u{7}')
            && err.contains("unrecognized subcommand"),
        "{err:?}"
    );
    // Help still goes to standard output, whole.
    let out = backoffice(&dirs).arg("--help").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"));
}

fn write_config(dirs: &tempfile::TempDir, text: &str) {
    let dir = dirs.path().join("config");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), text).unwrap();
}

#[test]
fn info_resolves_the_named_environment_with_the_password_masked() {
    let dirs = tempfile::tempdir().unwrap();
    write_config(
        &dirs,
        "theme = \"light\"\n[environments.staging]\nregion = \"eu-west-1\"\nuser_pool_id = \"eu-west-1_Abc123\"\n\
         bucket = \"media-staging\"\ndatabase_url = \"mysql://ops@db.internal:3306/app\"\n\
         log_groups = [\"/aws/lambda/api\"]\nproduction = true\n",
    );
    let out = backoffice(&dirs)
        .args(["--env", "staging", "info", "--json"])
        .env("BACKOFFICE_DB_PASSWORD", "very-secret-pw")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !stdout.contains("very-secret-pw"),
        "the password leaked: {stdout}"
    );
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(info["environment"], "staging");
    assert_eq!(info["production"], true);
    assert_eq!(info["log_groups"], serde_json::json!(["/aws/lambda/api"]));
    // The file's theme is the one in force (it said "(default)"); unset settings are null.
    assert_eq!(info["theme"], "light");
    assert_eq!(info["app_client_id"], serde_json::Value::Null);
    assert_eq!(
        info["database_url"],
        "mysql://ops:****@db.internal:3306/app"
    );
    assert_eq!(info["database_password"], "set in BACKOFFICE_DB_PASSWORD");
    assert_eq!(info["bucket"], "media-staging");
}

#[test]
fn an_unknown_environment_is_refused_with_the_known_ones() {
    let dirs = tempfile::tempdir().unwrap();
    write_config(&dirs, "[environments.staging]\nregion = \"eu-west-1\"\n");
    let out = backoffice(&dirs)
        .args(["--env", "prod", "info"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no environment 'prod'") && err.contains("sandbox, staging"),
        "{err}"
    );
}

#[test]
fn a_bad_config_file_is_reported_with_file_line_and_key_never_a_panic() {
    let dirs = tempfile::tempdir().unwrap();
    write_config(
        &dirs,
        "theme = \"light\"\n\n[environments.staging]\nregion = \"Frankfurt\"\nbuckett = \"x\"\n",
    );
    let out = backoffice(&dirs).arg("info").output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "a clean failure, not a panic (101)"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    let file = dirs.path().join("config/config.toml").display().to_string();
    assert!(
        err.contains(&format!(
            "{file}:5: environments.staging.buckett: unknown field; did you mean `bucket`?"
        )),
        "{err}"
    );
    // The unknown key and the wrong value beside it, in one run.
    assert!(err.contains("the config file has 2 mistakes"), "{err}");
    assert!(
        err.contains(&format!("{file}:4: environments.staging.region:")),
        "{err}"
    );
    // The way around it is said, and it works: the sandbox needs nothing from the file.
    assert!(
        err.contains("(`backoffice --sandbox` opens the sandbox without it)"),
        "{err}"
    );
    let out = backoffice(&dirs)
        .args(["--sandbox", "info", "--json"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("warning: the config file has 2 mistakes; the sandbox opens without it")
            && err.contains(&format!("warning: {file}:5: environments.staging.buckett:")),
        "{err}"
    );
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(info["environment"], "sandbox");
}

#[test]
fn an_environment_from_the_variable_is_named_as_such_when_unknown() {
    let dirs = tempfile::tempdir().unwrap();
    write_config(&dirs, "[environments.staging]\nregion = \"eu-west-1\"\n");
    let out = backoffice(&dirs)
        .arg("info")
        .env("BACKOFFICE_ENV", "stagin")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("BACKOFFICE_ENV: no environment 'stagin' (did you mean staging?); known: sandbox, staging"),
        "{err}"
    );
    let out = backoffice(&dirs)
        .args(["--env", "stagin", "info"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--env: no environment 'stagin'"), "{err}");
    // Set to nothing, the variable is unset (it was refused as "no environment ''").
    let out = backoffice(&dirs)
        .args(["info", "--json"])
        .env("BACKOFFICE_ENV", "")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs the binary and returns (success, stdout lines, stderr).
fn run(dirs: &tempfile::TempDir, args: &[&str]) -> (bool, Vec<String>, String) {
    let out = backoffice(dirs)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    (
        out.status.success(),
        stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json_lines(lines: &[String]) -> Vec<serde_json::Value> {
    lines
        .iter()
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|_| panic!("not one JSON object per line: {l}"))
        })
        .collect()
}

/// A key that itself holds `<U+200B>` beside the key that text names: the form `objects ls`
/// prints for the second is also the first as written (`--json` prints it so), and a
/// scripted `rm` of it deleted the other. Given so, it is refused naming both; `--raw-key`
/// takes it as written; the listing's own form of the first reads as the first.
#[test]
fn a_key_that_reads_as_another_is_refused_unless_taken_as_written() {
    let dirs = tempfile::tempdir().unwrap();
    let (ok, _, err) = run(&dirs, &["sandbox", "seed", "--yes"]);
    assert!(ok, "{err}");
    let (_, path, _) = run(&dirs, &["sandbox", "path"]);
    let literal = "odd/<U+200B>lit.txt";
    let hidden = "odd/\u{200B}lit.txt";
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use backoffice_domain::model::ObjectKey;
        use backoffice_domain::ports::ObjectStore;
        use backoffice_domain::sandbox::Sandbox;
        let sandbox = Sandbox::open(std::path::Path::new(&path[0])).await.unwrap();
        for key in [literal, hidden] {
            sandbox
                .objects
                .put(
                    &Sandbox::bucket(),
                    &ObjectKey::parse(key).unwrap(),
                    key.as_bytes().to_vec(),
                    "text/plain",
                    &Default::default(),
                )
                .await
                .unwrap();
        }
    });
    let (ok, _, err) = run(
        &dirs,
        &[
            "objects",
            "rm",
            literal,
            "--reason",
            "scripted cleanup",
            "--yes",
        ],
    );
    assert!(
        !ok && err.contains("pass --raw-key for the one as written; nothing was done"),
        "{err}"
    );
    let (ok, gone, err) = run(
        &dirs,
        &[
            "objects",
            "rm",
            literal,
            "--raw-key",
            "--reason",
            "scripted cleanup",
            "--yes",
            "--json",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(json_lines(&gone)[0]["key"], literal);
    let (_, left, _) = run(&dirs, &["objects", "ls", "odd/", "--json"]);
    let keys: Vec<String> = json_lines(&left)
        .iter()
        .map(|r| r["key"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(keys, [hidden], "the other is still there");
}

#[test]
fn scriptable_commands_on_the_sandbox_print_json_lines_and_audit_every_write() {
    let dirs = tempfile::tempdir().unwrap();
    let (ok, _, err) = run(&dirs, &["sandbox", "seed", "--yes"]);
    assert!(ok, "{err}");

    let (ok, users, err) = run(&dirs, &["users", "list", "--limit", "5", "--json"]);
    assert!(ok, "{err}");
    let users = json_lines(&users);
    assert_eq!(users.len(), 5);
    assert!(users.iter().all(|u| u["email"].is_string()));

    let (ok, posts, err) = run(
        &dirs,
        &[
            "posts", "list", "--status", "visible", "--limit", "3", "--json",
        ],
    );
    assert!(ok, "{err}");
    let posts = json_lines(&posts);
    assert_eq!(posts.len(), 3);
    let id = posts[0]["id"].as_i64().unwrap().to_string();

    // A write without a terminal needs --yes; read-only refuses it; neither changes anything.
    let (ok, _, err) = run(&dirs, &["posts", "hide", &id, "--reason", "spam links"]);
    assert!(!ok && err.contains("--yes"), "{err}");
    // Another environment's name is said to be the mistake it is.
    let (ok, _, err) = run(
        &dirs,
        &[
            "posts",
            "hide",
            &id,
            "--reason",
            "spam links",
            "--confirm-env",
            "prod",
        ],
    );
    assert!(
        !ok && err.contains("--confirm-env prod does not name this environment (sandbox)"),
        "{err}"
    );
    let (ok, _, err) = run(
        &dirs,
        &[
            "--read-only",
            "posts",
            "hide",
            &id,
            "--reason",
            "spam links",
            "--yes",
        ],
    );
    assert!(!ok && err.contains("read-only"), "{err}");
    // The id given twice is the one post, hidden once (the second failed as already hidden).
    let (ok, done, err) = run(
        &dirs,
        &[
            "posts",
            "hide",
            &id,
            &id,
            "--reason",
            "spam links",
            "--yes",
            "--json",
        ],
    );
    assert!(ok, "{err}");
    let done = json_lines(&done);
    assert_eq!(done.len(), 1, "{done:?}");
    assert_eq!(
        (done[0]["before"].as_str(), done[0]["after"].as_str()),
        (Some("visible"), Some("hidden"))
    );

    let (ok, audit, err) = run(
        &dirs,
        &["audit", "list", "--target", &format!("post:{id}"), "--json"],
    );
    assert!(ok, "{err}");
    let audit = json_lines(&audit);
    assert_eq!(audit.len(), 1);
    assert_eq!(
        audit[0]["actor"],
        format!("sandbox:{}", os_account()).as_str()
    );
    assert_eq!(audit[0]["reason"], "spam links");
    assert_eq!(audit[0]["action"], "post.hide");
    // Read by time: the hide is within the last 10 minutes, not before them.
    let target = format!("post:{id}");
    let (ok, recent, err) = run(
        &dirs,
        &[
            "audit", "list", "--target", &target, "--since", "10m", "--json",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(json_lines(&recent).len(), 1);
    let (ok, older, err) = run(
        &dirs,
        &[
            "audit", "list", "--target", &target, "--until", "10m", "--json",
        ],
    );
    assert!(ok, "{err}");
    assert!(json_lines(&older).is_empty());
    let (ok, _, err) = run(&dirs, &["audit", "list", "--since", "yesterday"]);
    assert!(!ok);
    assert!(err.contains("--since: write 15m, 24h, 7d"), "{err}");

    // Hiding it again fails: a non-zero exit, and the reason on stderr.
    let (ok, _, err) = run(
        &dirs,
        &["posts", "hide", &id, "--reason", "spam links", "--yes"],
    );
    assert!(!ok, "hiding a hidden post must fail");
    assert!(err.contains(&format!("post {id}")), "{err}");
    // Several where one fails: the one done is named as the one failed is.
    let other = posts[1]["id"].as_i64().unwrap().to_string();
    let (ok, _, err) = run(
        &dirs,
        &[
            "posts", "hide", &other, "99999999", "--reason", "spam", "--yes",
        ],
    );
    assert!(!ok, "a partial bulk write fails");
    assert!(
        err.contains(&format!("1 done (post #{other})")) && err.contains("post 99999999"),
        "{err}"
    );
    // Its undo's dry run names the post it would restore.
    let (_, rows, _) = run(&dirs, &["audit", "list", "--limit", "1", "--json"]);
    let row = json_lines(&rows)[0]["id"].as_i64().unwrap().to_string();
    // A dry run needs no reason (it refused without one); the undo itself does.
    let (ok, said, err) = run(&dirs, &["audit", "undo", &row, "--dry-run"]);
    assert!(ok, "{err}");
    assert_eq!(
        said,
        [format!(
            "would: undo audit row {row}: restore post #{other}"
        )]
    );
    let (ok, _, err) = run(&dirs, &["audit", "undo", &row, "--yes"]);
    assert!(!ok && err.contains("--reason"), "{err}");

    // A ban's dry run lists its calls and changes nothing.
    let username = users[0]["username"].as_str().unwrap();
    let (ok, plan, err) = run(&dirs, &["users", "ban", username, "--dry-run", "--json"]);
    assert!(ok, "{err}");
    let plan = json_lines(&plan);
    assert!(
        plan.iter()
            .any(|s| s["call"] == "cognito-idp:AdminDisableUser"),
        "{plan:?}"
    );
    let (_, again, _) = run(&dirs, &["users", "get", username, "--json"]);
    let again = json_lines(&again);
    assert_eq!(again[0]["type"], "user");
    assert_eq!(again[0]["enabled"], true);
    // The text: every value starts in one column, past the longest attribute's name
    // (`email_verified` pushed its value out of line).
    let (ok, text, err) = run(&dirs, &["users", "get", username]);
    assert!(ok, "{err}");
    let starts: Vec<usize> = text
        .iter()
        .map(|l| {
            let label = l.split_whitespace().next().unwrap_or_default();
            label.len() + l[label.len()..].len() - l[label.len()..].trim_start().len()
        })
        .collect();
    assert!(
        text.iter().any(|l| l.starts_with("email_verified")),
        "{text:?}"
    );
    assert!(starts.windows(2).all(|w| w[0] == w[1]), "{text:#?}");

    // Reconciliation on the seed: JSON findings on stdout, counts on stderr.
    let (ok, findings, err) = run(&dirs, &["reconcile", "--json"]);
    assert!(ok, "{err}");
    json_lines(&findings);
    let summary: serde_json::Value = serde_json::from_str(err.lines().last().unwrap()).unwrap();
    assert!(
        summary["objects_scanned"].as_u64().unwrap() > 0,
        "{summary}"
    );

    // The last minutes, or a window as the console takes one; a bad one is refused.
    let logs_query = |window: [&str; 2], limit: &str| {
        let group = "/aws/lambda/backoffice-api";
        let args = [
            "logs", "query", group, window[0], window[1], "--limit", limit, "--json",
        ];
        run(&dirs, &args)
    };
    for (window, limit) in [(["--minutes", "10000"], 5), (["--since", "7d"], 3)] {
        let (ok, lines, err) = logs_query(window, &limit.to_string());
        assert!(ok, "{window:?}: {err}");
        assert_eq!(json_lines(&lines).len(), limit, "{window:?}");
    }
    let (ok, _, err) = logs_query(["--since", "13-40 01:00..02:00"], "1");
    assert!(
        !ok && err
            .contains("--since: '13-40 01:00': there is no month 13 (01 to 12); write a time"),
        "{err}"
    );

    // Objects: a link and a delete, each with its audit row; the link's time reads as every
    // time in the records does.
    let (ok, listed, err) = run(
        &dirs,
        &["objects", "ls", "posts/", "--limit", "1", "--json"],
    );
    assert!(ok, "{err}");
    let folder = json_lines(&listed)[0]["prefix"]
        .as_str()
        .unwrap()
        .to_string();
    let (ok, listed, err) = run(&dirs, &["objects", "ls", &folder, "--json"]);
    assert!(ok, "{err}");
    let key = json_lines(&listed)
        .into_iter()
        .find(|r| r["type"] == "object")
        .unwrap()["key"]
        .as_str()
        .unwrap()
        .to_string();
    // `-o -` is standard output, the object's bytes and nothing else; no file named `-`.
    let out = backoffice(&dirs)
        .args(["objects", "get", &key, "-o", "-"])
        .current_dir(dirs.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.stdout.is_empty());
    assert!(!dirs.path().join("-").exists());
    // An empty key is refused in words, before any call.
    let (ok, _, err) = run(&dirs, &["objects", "get", "", "-o", "x.bin"]);
    assert!(!ok && err.contains("key: give one"), "{err}");
    let (ok, link, err) = run(&dirs, &["objects", "presign", &key, "--json"]);
    assert!(ok, "{err}");
    let link = &json_lines(&link)[0];
    assert_eq!(link["type"], "link");
    assert!(
        link["expires_at"].as_str().unwrap().ends_with('Z'),
        "{link}"
    );
    let (ok, gone, err) = run(
        &dirs,
        &[
            "objects",
            "rm",
            &key,
            "--reason",
            "test cleanup",
            "--yes",
            "--json",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(json_lines(&gone)[0]["audited"], true);
    let (ok, rows, err) = run(&dirs, &["audit", "list", "--limit", "5", "--json"]);
    assert!(ok, "{err}");
    let actions: Vec<String> = json_lines(&rows)
        .iter()
        .map(|r| r["action"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        actions.iter().any(|a| a == "object.delete")
            && actions.iter().any(|a| a.contains("presign")),
        "{actions:?}"
    );

    let (ok, script, _) = run(&dirs, &["completions", "bash"]);
    assert!(ok && script.iter().any(|l| l.contains("backoffice")));

    let (ok, _, err) = run(&dirs, &["users", "get", "nobody-here"]);
    assert!(!ok && err.contains("not found"), "{err}");
    // A name given in its `<U+XXXX>` form is named so in the error, never sent to the
    // terminal as the title sequence it decodes to.
    let (ok, _, err) = run(&dirs, &["users", "get", "<U+001B>]0;pwned<U+0007>"]);
    assert!(!ok, "{err}");
    assert!(
        !err.contains('\u{1b}') && !err.contains('\u{7}') && err.contains("<U+001B>]0;pwned"),
        "{err:?}"
    );
    // A name with capitals says its case can matter, and what finds it in any case.
    let (ok, _, err) = run(&dirs, &["users", "get", "Nobody-Here"]);
    assert!(
        !ok && err.contains("not found") && err.contains("users who Nobody-Here"),
        "{err}"
    );
    // So does an account action, before it asks anything.
    let (ok, _, err) = run(
        &dirs,
        &[
            "users",
            "disable",
            "Nobody-Here",
            "--reason",
            "support request",
        ],
    );
    assert!(
        !ok && err.contains("not found") && err.contains("users who Nobody-Here"),
        "{err}"
    );
    // A ban's undo, dry, lists the unban's calls one by one (it said only `10 calls`).
    let banned = users[1]["username"].as_str().unwrap();
    let (ok, _, err) = run(
        &dirs,
        &["users", "ban", banned, "--reason", "testing bans", "--yes"],
    );
    assert!(ok, "{err}");
    let (_, rows, _) = run(&dirs, &["audit", "list", "--limit", "1", "--json"]);
    let row = json_lines(&rows)[0].clone();
    assert_eq!(row["action"], "user.ban", "{row}");
    let id = row["id"].as_i64().unwrap().to_string();
    // `users get` says the ban in force and the block, as text and as JSON.
    let (ok, text, err) = run(&dirs, &["users", "get", banned]);
    assert!(ok, "{err}");
    assert!(
        text.iter().any(|l| l.starts_with("standing ")
            && l.contains(" banned ")
            && l.contains(&format!("(audit row {id}); blocked in the API"))),
        "{text:?}"
    );
    let (_, got, _) = run(&dirs, &["users", "get", banned, "--json"]);
    let got = json_lines(&got)[0].clone();
    assert_eq!(got["blocked"], true, "{got}");
    assert_eq!(
        got["ban"]["audit_row"].as_i64(),
        row["id"].as_i64(),
        "{got}"
    );
    let (ok, planned, err) = run(
        &dirs,
        &[
            "audit",
            "undo",
            &id,
            "--reason",
            "mistaken ban",
            "--dry-run",
            "--json",
        ],
    );
    assert!(ok, "{err}");
    let planned = json_lines(&planned);
    assert_eq!(planned[0]["type"], "planned_undo");
    assert!(
        planned[1..]
            .iter()
            .any(|r| r["type"] == "planned_call" && r["call"] == "cognito-idp:AdminEnableUser"),
        "{planned:?}"
    );
    // The rows about a user by their username, and each text line starts with the row's id,
    // which `audit undo` takes.
    let (ok, lines, err) = run(
        &dirs,
        &["audit", "list", "--target", &format!("user:{banned}")],
    );
    assert!(ok, "{err}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("{id}\t")) && l.contains("\tuser.ban\t")),
        "{lines:?}"
    );
    let (ok, _, err) = run(&dirs, &["audit", "list", "--target", "user:nobody-at-all"]);
    assert!(!ok && err.contains("not found"), "{err}");
    // A look-alike name that is not there is named in the error (it read `user аnn`).
    for args in [
        &["audit", "list", "--target", "user:\u{430}nn"][..],
        &["users", "who", "\u{430}nn"],
        &[
            "users",
            "ban",
            "\u{430}nn",
            "--reason",
            "testing bans",
            "--yes",
        ],
    ] {
        let (ok, _, err) = run(&dirs, args);
        assert!(
            !ok && err.contains("user <U+0430>nn not found"),
            "{args:?}: {err}"
        );
    }
    // An enable of the banned user is done, with the ban said first.
    let (ok, _, err) = run(
        &dirs,
        &[
            "users",
            "enable",
            banned,
            "--reason",
            "appeal by mail",
            "--yes",
        ],
    );
    assert!(ok, "{err}");
    assert!(
        err.contains("warning: banned ")
            && err.contains(&format!("(audit row {id})"))
            && err.contains(
                "leaves hidden what the ban hid (`users unban` reverses the whole ban instead)"
            ),
        "{err}"
    );
}

/// The same commands on AWS services through a `config.toml` environment: users from moto's
/// pool, a disable audited under the caller's ARN in MariaDB.
#[test]
#[ignore = "needs services: tests/run.sh"]
fn scriptable_commands_on_moto_and_mariadb_audit_under_the_caller_arn() {
    let env = common::MotoEnvironment::create("cli", &["zed-cli", "yara-cli"]);
    let dirs = tempfile::tempdir().unwrap();
    env.write_config(dirs.path());
    let (ok, users, err) = run(&dirs, &["--env", "moto", "users", "list", "--json"]);
    assert!(ok, "{err}");
    let names: Vec<String> = json_lines(&users)
        .iter()
        .map(|u| u["username"].as_str().unwrap().to_string())
        .collect();
    assert!(
        names.contains(&"zed-cli".to_string()) && names.contains(&"yara-cli".to_string()),
        "{names:?}"
    );

    let (ok, done, err) = run(
        &dirs,
        &[
            "--env",
            "moto",
            "users",
            "disable",
            "zed-cli",
            "--reason",
            "account takeover",
            "--yes",
            "--json",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(json_lines(&done)[0]["action"], "user.disable");
    let (_, got, _) = run(
        &dirs,
        &["--env", "moto", "users", "get", "zed-cli", "--json"],
    );
    assert_eq!(json_lines(&got)[0]["enabled"], false);

    let (ok, audit, err) = run(&dirs, &["--env", "moto", "audit", "list", "--json"]);
    assert!(ok, "{err}");
    let audit = json_lines(&audit);
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["action"], "user.disable");
    assert_eq!(audit[0]["reason"], "account takeover");
    assert!(
        audit[0]["actor"].as_str().unwrap().starts_with("arn:aws:"),
        "{}",
        audit[0]
    );
    // The caller by the short name the list shows (what follows the account), as the
    // console's `actor:` takes it.
    let arn = audit[0]["actor"].as_str().unwrap();
    let short = arn.splitn(6, ':').nth(5).unwrap();
    let (ok, mine, err) = run(
        &dirs,
        &["--env", "moto", "audit", "list", "--actor", short, "--json"],
    );
    assert!(ok, "{err}");
    assert_eq!(json_lines(&mine).len(), 1, "--actor {short}");

    // Nothing is done or audited for what changes nothing or names nothing: the user disabled
    // already, a key that is not in the bucket (S3 answers its delete as done, and signs a
    // link to anything).
    let (ok, _, err) = run(
        &dirs,
        &[
            "--env", "moto", "users", "disable", "zed-cli", "--reason", "again", "--yes",
        ],
    );
    assert!(!ok && err.contains("is already disabled"), "{err}");
    let (ok, _, err) = run(
        &dirs,
        &[
            "--env",
            "moto",
            "objects",
            "rm",
            "posts/nope.txt",
            "--reason",
            "cleanup",
            "--yes",
        ],
    );
    assert!(
        !ok && err.contains("1 not deleted: posts/nope.txt (not there)"),
        "{err}"
    );
    let (ok, _, err) = run(
        &dirs,
        &[
            "--env",
            "moto",
            "objects",
            "presign",
            "posts/nope.txt",
            "--yes",
        ],
    );
    assert!(!ok && err.contains("not found"), "{err}");
    let (_, audit, _) = run(&dirs, &["--env", "moto", "audit", "list", "--json"]);
    assert_eq!(json_lines(&audit).len(), 1, "no audit row for any of them");

    let (ok, posts, err) = run(&dirs, &["--env", "moto", "posts", "list", "--json"]);
    assert!(ok && posts.is_empty(), "{err}");

    // Reconciliation across moto's S3 and pool and MariaDB: the one object nobody points to
    // and the two users without a profile row, exactly.
    let (ok, findings, err) = run(&dirs, &["--env", "moto", "reconcile", "--json"]);
    assert!(ok, "{err}");
    let findings = json_lines(&findings);
    let kinds: Vec<&str> = findings
        .iter()
        .map(|f| f["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "orphan_object").count(),
        1,
        "{findings:?}"
    );
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == "user_without_profile")
            .count(),
        2,
        "{findings:?}"
    );
    let clean_up = |min_age: Option<&str>| {
        let mut args = vec![
            "--env",
            "moto",
            "reconcile",
            "--clean-up",
            "--reason",
            "monthly reconciliation",
            "--yes",
        ];
        if let Some(age) = min_age {
            args.extend(["--min-age", age]);
        }
        run(&dirs, &args)
    };
    // The orphan was written a moment ago: inside the default 24 h it is kept.
    let (ok, _, err) = clean_up(None);
    assert!(ok, "{err}");
    let (_, kept, _) = run(&dirs, &["--env", "moto", "reconcile", "--json"]);
    assert!(
        kept.iter().any(|l| l.contains("orphan_object")),
        "the young orphan is kept: {kept:?} {err}"
    );
    let (ok, _, err) = clean_up(Some("0m"));
    assert!(ok, "{err}");
    let (_, again, _) = run(&dirs, &["--env", "moto", "reconcile", "--json"]);
    assert!(again.is_empty(), "everything was cleaned up: {again:?}");

    // The user from every service, and a ban's plan, on the same services.
    let (ok, who, err) = run(
        &dirs,
        &[
            "--env",
            "moto",
            "users",
            "who",
            "yara-cli@example.com",
            "--json",
        ],
    );
    assert!(ok, "{err}");
    let who = json_lines(&who);
    assert_eq!(who[0]["type"], "user");
    assert_eq!(who[0]["username"], "yara-cli");
    assert!(
        who.iter()
            .any(|r| r["type"] == "profile" && r["email"] == "yara-cli@example.com"),
        "the clean-up created the row: {who:?}"
    );
    // Where they stand, after the counts.
    assert!(
        who.iter()
            .any(|r| r["type"] == "standing" && r["blocked"] == false && r["ban"].is_null()),
        "{who:?}"
    );
    let (ok, plan, err) = run(
        &dirs,
        &[
            "--env",
            "moto",
            "users",
            "ban",
            "yara-cli",
            "--reason",
            "testing bans",
            "--dry-run",
            "--json",
        ],
    );
    assert!(ok, "{err}");
    assert!(
        json_lines(&plan)
            .iter()
            .any(|s| s["call"] == "cognito-idp:AdminUserGlobalSignOut")
    );
    env.drop_database();
}

/// `reports queue` prints the queue grouped by target, most reported first, and narrows it by
/// kind and by a reason's text; every line it prints keeps to the filter.
#[test]
fn the_reports_queue_is_listed_and_narrowed_by_kind_and_reason() {
    let dirs = tempfile::tempdir().unwrap();
    let (ok, _, err) = run(&dirs, &["sandbox", "seed", "--yes"]);
    assert!(ok, "{err}");
    let (ok, all, err) = run(&dirs, &["reports", "queue", "--json"]);
    assert!(ok, "{err}");
    let all = json_lines(&all);
    assert!(all.len() > 3, "{all:?}");
    assert!(all.iter().all(|q| q["type"] == "queue_item"));
    let counts: Vec<i64> = all
        .iter()
        .map(|q| q["open_reports"].as_i64().unwrap())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    // Comments only, reported for spam (any case).
    let (ok, some, err) = run(
        &dirs,
        &[
            "reports", "queue", "--kind", "comment", "--reason", "SPAM", "--json",
        ],
    );
    assert!(ok, "{err}");
    let some = json_lines(&some);
    assert!(!some.is_empty() && some.len() < all.len(), "{some:?}");
    for q in &some {
        assert_eq!(q["target_kind"], "comment", "{q}");
        assert!(
            q["reasons"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("spam"),
            "{q}"
        );
    }
    // Text: one line a target; `--limit` stops early and says so.
    let (ok, text, err) = run(&dirs, &["reports", "queue", "--limit", "2"]);
    assert!(ok, "{err}");
    assert_eq!(text.len(), 2, "{text:?}");
    assert!(err.contains("stopped at --limit 2"), "{err}");
    // Each line: target, count, the target's status, reasons, excerpt.
    for line in &text {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 5, "{line}");
        assert!(
            ["visible", "hidden", "removed", "-"].contains(&fields[2]),
            "{line}"
        );
    }
    let (ok, _, err) = run(&dirs, &["reports", "queue", "--kind", "photo"]);
    assert!(!ok && err.contains("photo"), "{err}");
}

/// A posts row no release writes (an unknown status, set by hand) is left out of `posts
/// list` and said on stderr with its row; the other rows are listed and the command fails,
/// so a script does not take the listing for whole (the row failed the whole listing).
#[test]
fn a_posts_row_that_cannot_be_read_is_left_out_said_and_fails_the_listing() {
    let dirs = tempfile::tempdir().unwrap();
    let (ok, _, err) = run(&dirs, &["sandbox", "seed", "--yes"]);
    assert!(ok, "{err}");
    let (ok, before, err) = run(&dirs, &["posts", "list", "--json", "--limit", "5"]);
    assert!(ok, "{err}");
    let before = json_lines(&before);
    let broken = before[2]["id"].as_i64().unwrap();
    let db = dirs.path().join("data/sandbox/content.db");
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sqlx::Connection as _;
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        sqlx::query("UPDATE posts SET status = 'quarantined' WHERE id = ?")
            .bind(broken)
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    });
    let (ok, after, err) = run(&dirs, &["posts", "list", "--json", "--limit", "4"]);
    assert!(!ok, "the listing is not whole: {err}");
    let ids: Vec<i64> = json_lines(&after)
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    let expected: Vec<i64> = before
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .filter(|id| *id != broken)
        .take(4)
        .collect();
    assert_eq!(ids, expected, "{err}");
    assert!(
        err.contains(&format!(
            "left out, unreadable: posts row {broken} holds an invalid value"
        )),
        "{err}"
    );
    assert!(
        err.contains("1 row(s) could not be read and were left out"),
        "{err}"
    );
}

/// `logs tail` over a group that is not there beside one that is says it left it out and
/// tails the other (one mistyped name failed the whole tail); named alone, it fails.
#[test]
fn logs_tail_leaves_out_a_group_that_is_not_there() {
    let dirs = tempfile::tempdir().unwrap();
    let (ok, _, err) = run(&dirs, &["sandbox", "seed", "--yes"]);
    assert!(ok, "{err}");
    let (ok, _, err) = run(
        &dirs,
        &[
            "logs",
            "tail",
            "/aws/lambda/backoffice-api",
            "/aws/lambda/backoffice-apii",
            "--seconds",
            "1",
        ],
    );
    assert!(ok, "{err}");
    assert!(
        err.contains(r#""type":"group_missing""#) && err.contains("backoffice-apii"),
        "{err}"
    );
    let (ok, _, err) = run(
        &dirs,
        &[
            "logs",
            "tail",
            "/aws/lambda/backoffice-apii",
            "--seconds",
            "1",
        ],
    );
    assert!(
        !ok && err.contains("log group /aws/lambda/backoffice-apii not found"),
        "{err}"
    );
    // Every group missing is said of them all (the last read as if it alone were missing).
    let (ok, _, err) = run(
        &dirs,
        &[
            "logs",
            "tail",
            "/aws/lambda/gone-a",
            "/aws/lambda/gone-b",
            "--seconds",
            "1",
        ],
    );
    assert!(
        !ok && err
            .contains("none of the log groups exists: /aws/lambda/gone-a, /aws/lambda/gone-b"),
        "{err}"
    );
    // No group named: the environment's (it was refused, where the console and `insights
    // run` take them).
    let (ok, _, err) = run(&dirs, &["logs", "tail", "--seconds", "1"]);
    assert!(ok, "{err}");
}

/// `--read-only` refuses every write command before it asks or does anything: each exits
/// non-zero saying so, even with `--yes`, and the audit log and the data are as they were.
#[test]
fn read_only_refuses_every_write_command() {
    let dirs = tempfile::tempdir().unwrap();
    let (ok, _, err) = run(&dirs, &["sandbox", "seed", "--yes"]);
    assert!(ok, "{err}");
    let (_, users, _) = run(&dirs, &["users", "list", "--limit", "1", "--json"]);
    let user = json_lines(&users)[0]["username"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, posts, _) = run(&dirs, &["posts", "list", "--limit", "1", "--json"]);
    let post = json_lines(&posts)[0]["id"].as_i64().unwrap().to_string();
    let (_, reports, _) = run(&dirs, &["reports", "list", "--limit", "1", "--json"]);
    let report = json_lines(&reports)[0]["id"].as_i64().unwrap().to_string();
    // posts/{sub}/{name}: the first author's folder, then its first object.
    let (_, folders, _) = run(
        &dirs,
        &["objects", "ls", "posts/", "--limit", "1", "--json"],
    );
    let folder = json_lines(&folders)[0]["prefix"]
        .as_str()
        .expect("the seed has an author folder under posts/")
        .to_string();
    let (_, objects, _) = run(&dirs, &["objects", "ls", &folder, "--limit", "1", "--json"]);
    let object = json_lines(&objects)
        .into_iter()
        .find_map(|o| o["key"].as_str().map(str::to_string))
        .expect("the seed has an object in the folder");
    let audit_rows = |dirs: &tempfile::TempDir| {
        let (ok, rows, err) = run(dirs, &["audit", "list", "--json"]);
        assert!(ok, "{err}");
        rows.len()
    };
    let before = audit_rows(&dirs);
    let why = ["--reason", "routine check", "--yes"];
    let writes: Vec<Vec<&str>> = vec![
        vec!["users", "disable", &user],
        vec!["users", "enable", &user],
        vec!["users", "reset-password", &user],
        vec!["users", "sign-out", &user],
        vec!["users", "ban", &user],
        vec!["users", "unban", &user],
        vec!["posts", "hide", &post],
        vec!["posts", "restore", &post],
        vec!["posts", "remove", &post],
        vec!["reports", "resolve", &report, "--resolution", "dismissed"],
        vec!["objects", "rm", &object],
        vec!["objects", "rm", &object, "--unaudited"],
        vec!["reconcile", "--clean-up", "--min-age", "0m"],
        vec!["users", "delete", &user, "--no-export"],
        vec!["users", "clear-profile", &user, "--fields", "bio"],
        vec!["audit", "undo", "1"],
    ];
    for write in &writes {
        let mut args = vec!["--read-only"];
        args.extend(write.iter().copied());
        args.extend(why);
        let (ok, out, err) = run(&dirs, &args);
        assert!(!ok, "{write:?} succeeded read-only: {out:?}");
        assert!(err.contains("read-only session"), "{write:?}: {err}");
    }
    // So is replacing the sandbox's data with a fresh seed (it went ahead, and the audit
    // log below would be empty).
    let (ok, _, err) = run(&dirs, &["--read-only", "sandbox", "seed", "--yes"]);
    assert!(!ok && err.contains("read-only session"), "{err}");
    // A presigned link is a write too (it is audited): refused, no link printed.
    let (ok, out, err) = run(
        &dirs,
        &["--read-only", "objects", "presign", &object, "--yes"],
    );
    assert!(
        !ok && err.contains("read-only session") && out.is_empty(),
        "{out:?} {err}"
    );

    assert_eq!(audit_rows(&dirs), before, "nothing was audited");
    let (_, got, _) = run(&dirs, &["users", "get", &user, "--json"]);
    assert_eq!(json_lines(&got)[0]["enabled"], true);
    let saved = dirs.path().join("still-there");
    let saved = saved.to_str().unwrap();
    let (ok, _, err) = run(&dirs, &["objects", "get", &object, "-o", saved]);
    assert!(ok, "the object is still there: {err}");
    let (_, again, _) = run(&dirs, &["posts", "list", "--limit", "1", "--json"]);
    assert_eq!(
        json_lines(&again)[0]["status"],
        json_lines(&posts)[0]["status"]
    );
}

/// A damaged sandbox file is named with what to do, and left as it is: the cause once, then
/// "move it away, or run `backoffice sandbox seed`" (it said only "unexpected error", and the
/// cause twice).
#[test]
fn a_damaged_sandbox_says_what_to_do_and_is_left_alone() {
    let dirs = tempfile::tempdir().unwrap();
    let (ok, _, err) = run(&dirs, &["sandbox", "seed", "--yes"]);
    assert!(ok, "{err}");
    let (_, path, _) = run(&dirs, &["sandbox", "path"]);
    let folder = std::path::Path::new(path[0].trim());
    let content = folder.join("content.db");
    // The write-ahead log would mend the file on opening: it goes too.
    for log in ["content.db-wal", "content.db-shm"] {
        let _ = std::fs::remove_file(folder.join(log));
    }
    let garbage = vec![0x5a_u8; 8192];
    std::fs::write(&content, &garbage).unwrap();
    let (ok, _, err) = run(&dirs, &["posts", "list", "--limit", "1"]);
    assert!(!ok);
    assert!(
        err.contains("run `backoffice sandbox seed`") && err.contains("move the folder away"),
        "{err}"
    );
    assert_eq!(err.matches("file is not a database").count(), 1, "{err}");
    assert_eq!(std::fs::read(&content).unwrap(), garbage, "left as it was");
}

/// Support's account commands on the sandbox: an export, a planned deletion (dry run, then
/// run, its data exported first), a profile field cleared and put back by `audit undo`, and
/// an undo refused for a deletion, each saying what it did as JSON.
#[test]
fn account_deletion_export_and_undo_on_the_sandbox() {
    let dirs = tempfile::tempdir().unwrap();
    let (ok, _, err) = run(&dirs, &["sandbox", "seed", "--yes"]);
    assert!(ok, "{err}");
    let (_, users, _) = run(&dirs, &["users", "list", "--limit", "2", "--json"]);
    let users = json_lines(&users);
    let name = |i: usize| users[i]["username"].as_str().unwrap().to_string();
    let (leaving, staying) = (name(0), name(1));

    let export = dirs.path().join("leaving.json");
    let export_arg = export.to_str().unwrap();
    let (ok, out, err) = run(
        &dirs,
        &["users", "export", &leaving, "--out", export_arg, "--json"],
    );
    assert!(ok, "{err}");
    assert_eq!(json_lines(&out)[0]["type"], "user_export");
    let exported: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&export).unwrap()).unwrap();
    assert_eq!(exported["user"]["username"], leaving.as_str());
    // Never over a file that is there.
    let (ok, _, err) = run(&dirs, &["users", "export", &leaving, "--out", export_arg]);
    assert!(!ok && err.contains("never overwrites"), "{err}");

    let (ok, planned, err) = run(
        &dirs,
        &[
            "users",
            "delete",
            &leaving,
            "--reason",
            "user asked",
            "--dry-run",
            "--json",
        ],
    );
    assert!(ok, "{err}");
    let planned = json_lines(&planned);
    assert_eq!(planned[0]["call"], "export", "the export comes first");
    assert_eq!(
        planned.last().unwrap()["step"],
        "delete_user",
        "the pool last"
    );
    let (_, still, _) = run(&dirs, &["users", "get", &leaving, "--json"]);
    assert_eq!(json_lines(&still).len(), 1, "a dry run deletes nothing");

    let second = dirs.path().join("before-deletion.json");
    let (ok, done, err) = run(
        &dirs,
        &[
            "users",
            "delete",
            &leaving,
            "--reason",
            "user asked",
            "--export",
            second.to_str().unwrap(),
            "--yes",
            "--json",
        ],
    );
    assert!(ok, "{err}");
    let done = json_lines(&done);
    let closing = done
        .iter()
        .find(|r| r["type"] == "delete_account")
        .expect("the deletion's record");
    assert!(closing["not_done"].as_array().unwrap().is_empty());
    assert!(second.exists());
    let (ok, _, err) = run(&dirs, &["users", "get", &leaving]);
    assert!(!ok && err.contains("not found"), "{err}");

    // The deletion's closing row has no undo, and says why.
    let (_, rows, _) = run(&dirs, &["audit", "list", "--limit", "1", "--json"]);
    let row = json_lines(&rows)[0]["id"].as_i64().unwrap().to_string();
    let (ok, _, err) = run(&dirs, &["audit", "undo", &row, "--reason", "oops", "--yes"]);
    assert!(!ok && err.contains("deletion cannot be undone"), "{err}");

    // A cleared bio comes back with audit undo, recorded as the undo of its row.
    let (ok, _, err) = run(
        &dirs,
        &[
            "users",
            "clear-profile",
            &staying,
            "--fields",
            "bio,name",
            "--reason",
            "impersonation",
            "--yes",
        ],
    );
    assert!(ok, "{err}");
    let (_, rows, _) = run(&dirs, &["audit", "list", "--limit", "1", "--json"]);
    let cleared = json_lines(&rows)[0].clone();
    assert_eq!(cleared["action"], "profile.clear");
    let id = cleared["id"].as_i64().unwrap().to_string();
    let (ok, out, err) = run(
        &dirs,
        &[
            "audit",
            "undo",
            &id,
            "--reason",
            "reported in error",
            "--yes",
            "--json",
        ],
    );
    assert!(ok, "{err}");
    let out = json_lines(&out);
    assert_eq!(out[0]["type"], "planned_undo");
    assert_eq!(out.last().unwrap()["action"], "profile.restore");
    let (_, rows, _) = run(&dirs, &["audit", "list", "--limit", "1", "--json"]);
    let undo = json_lines(&rows)[0].clone();
    assert!(
        undo["reason"]
            .as_str()
            .unwrap()
            .starts_with(&format!("undo of audit row {id}")),
        "{undo}"
    );
    let before: serde_json::Value =
        serde_json::from_str(cleared["before"].as_str().unwrap()).unwrap();
    let after: serde_json::Value = serde_json::from_str(undo["after"].as_str().unwrap()).unwrap();
    assert_eq!(before, after, "the values are back as they were");
    assert!(
        out[0]["undo"].as_str().unwrap().contains(": put back the "),
        "{}",
        out[0]
    );
    // The undo of that restore clears again, and says so before it does.
    let restored = undo["id"].as_i64().unwrap().to_string();
    let (ok, said, err) = run(
        &dirs,
        &["audit", "undo", &restored, "--reason", "oops", "--dry-run"],
    );
    assert!(ok, "{err}");
    assert!(
        said[0].starts_with(&format!("would: undo audit row {restored}: clear the ")),
        "{said:?}"
    );
    // Support creates and invites a user; the row says so and keeps no password.
    let (ok, out, err) = run(
        &dirs,
        &[
            "users",
            "create",
            "new.person",
            "--email",
            "new.person@example.com",
            "--reason",
            "support request",
            "--yes",
            "--json",
        ],
    );
    assert!(ok, "{err}");
    let created = json_lines(&out)[0].clone();
    assert_eq!(created["status"], "FORCE_CHANGE_PASSWORD", "{created}");
    assert_eq!(created["invited"], true);
    let (_, rows, _) = run(&dirs, &["audit", "list", "--limit", "1", "--json"]);
    let row = json_lines(&rows)[0].clone();
    assert_eq!(row["action"], "user.create");
    let after: serde_json::Value = serde_json::from_str(row["after"].as_str().unwrap()).unwrap();
    let mut kept: Vec<&String> = after.as_object().unwrap().keys().collect();
    kept.sort();
    assert_eq!(
        kept,
        ["email", "invited", "status", "username"],
        "no password among what the row keeps"
    );
    // A user made without an invitation is finished from the command line: a permanent
    // password from standard input (never in an output or the audit row), then the e-mail
    // verified and a group; a confirmation of a user with no sign-up waiting is refused.
    let (ok, _, err) = run(
        &dirs,
        &[
            "users",
            "create",
            "quiet.person",
            "--email",
            "quiet.person@example.com",
            "--no-invitation",
            "--reason",
            "support request",
            "--yes",
        ],
    );
    assert!(ok && err.is_empty(), "{err}");
    let mut child = backoffice(&dirs)
        .args([
            "users",
            "set-password",
            "quiet.person",
            "--password-stdin",
            "--reason",
            "support request",
            "--yes",
            "--json",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"Chosen-Passw0rd!\n").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let (said, err) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "{err}");
    assert!(
        !said.contains("Chosen") && !err.contains("Chosen"),
        "{said}{err}"
    );
    let (_, got, _) = run(&dirs, &["users", "get", "quiet.person", "--json"]);
    assert_eq!(json_lines(&got)[0]["status"], "CONFIRMED");
    let (_, rows, _) = run(&dirs, &["audit", "list", "--limit", "1", "--json"]);
    let row = &json_lines(&rows)[0];
    assert_eq!(row["action"], "user.set_password");
    assert!(!row.to_string().contains("Chosen"), "{row}");
    // A write for support's reason, confirmed.
    let support = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--reason", "support request", "--yes"]);
        run(&dirs, &all)
    };
    // Without a terminal and without --password-stdin: refused, nothing asked.
    let (ok, _, err) = support(&["users", "set-password", "quiet.person"]);
    assert!(!ok && err.contains("--password-stdin"), "{err}");
    let (ok, _, err) = support(&["users", "confirm", "quiet.person"]);
    assert!(!ok && err.contains("no sign-up waiting"), "{err}");
    let (ok, _, err) = support(&["users", "add-group", "quiet.person", "admins"]);
    assert!(ok, "{err}");
    // What would change nothing, or names no group, is refused before anything is asked (it
    // was done and audited, and its undo took the user out of a group they had been in).
    let (ok, _, err) = support(&["users", "add-group", "quiet.person", "admins"]);
    assert!(!ok && err.contains("already in admins"), "{err}");
    let (ok, _, err) = support(&["users", "add-group", "quiet.person", "admin"]);
    assert!(
        !ok && err.contains("no group admin") && err.contains("admins"),
        "{err}"
    );
    // A name not found is said with what draws as nothing named (`quiet.person` followed by a
    // Hangul filler read as `quiet.person`, which is there).
    let (ok, _, err) = run(&dirs, &["users", "get", "quiet.person<U+3164>"]);
    assert!(
        !ok && err.contains("quiet.person<U+3164>") && !err.contains('\u{3164}'),
        "{err}"
    );
    // The literal text `<U+3164>` is named as listings name it, apart from the filler.
    let (ok, _, err) = run(&dirs, &["users", "get", "zz<U+003C>U+3164>"]);
    assert!(
        !ok && err.contains("user zz<U+003C>U+3164> not found"),
        "{err}"
    );
    // A new account's name is plain: the <U+XXXX> form names characters of existing names,
    // and made a look-alike of `quiet.person` and a name with a space.
    for named in ["quiet.person<U+3164>", "has<U+0020>space"] {
        let (ok, _, err) = support(&["users", "create", named, "--email", "x@example.com"]);
        assert!(
            !ok && err.contains("a new account's name is plain"),
            "{err}"
        );
    }
    let (ok, _, err) = support(&["users", "set-password", "nobody-here", "--password-stdin"]);
    assert!(
        !ok && err.contains("not found"),
        "asked nothing first: {err}"
    );
    let (_, got, _) = run(&dirs, &["users", "get", "quiet.person", "--json"]);
    assert!(
        json_lines(&got)
            .iter()
            .any(|r| r["type"] == "group" && r["name"] == "admins"),
        "{got:?}"
    );
    let (ok, _, err) = support(&["users", "remove-group", "quiet.person", "admins"]);
    assert!(ok, "{err}");
    let (ok, _, err) = support(&["users", "remove-group", "quiet.person", "admins"]);
    assert!(!ok && err.contains("is not in admins"), "{err}");
    // The seeded sign-in history of someone who has signed in, newest first.
    let (ok, events, err) = run(&dirs, &["users", "sign-ins", &staying, "--json"]);
    assert!(ok, "{err}");
    let events = json_lines(&events);
    assert!(!events.is_empty(), "the seed signs its confirmed users in");
    assert!(
        events
            .iter()
            .all(|e| e["type"] == "sign_in" && e["ip"].is_string())
    );
    // A confirmation code goes only to an unconfirmed sign-up.
    let (ok, _, err) = run(
        &dirs,
        &[
            "users",
            "resend-confirmation-code",
            &staying,
            "--reason",
            "support request",
            "--yes",
        ],
    );
    assert!(!ok && err.contains("no sign-up to confirm"), "{err}");
}

/// Text output of untrusted data (names, bodies, log messages) never hands the terminal a
/// control sequence or a direction override: on the hostile world of the journeys (escape
/// sequences, OSC titles, bidi overrides), each shows as a visible stand-in.
#[test]
#[ignore = "needs services: tests/run.sh"]
fn text_output_neutralises_what_untrusted_text_holds() {
    let world = common::world::World::build("clitext");
    let dirs = tempfile::tempdir().unwrap();
    world.write_config(dirs.path());
    // Runs each command; returns what they printed, checked line by line.
    let printed = |commands: Vec<Vec<&str>>| {
        let mut text = String::new();
        for args in commands {
            let (ok, lines, err) = run(&dirs, &args);
            assert!(ok, "{args:?}: {err}");
            // Lines are printed whole, fields separated by tabs: nothing else may steer the
            // terminal.
            for c in lines.iter().flat_map(|l| l.chars()) {
                assert!(
                    c == '\t'
                        || !(c.is_control()
                            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')),
                    "{args:?} printed {c:?}:\n{}",
                    lines.join("\n")
                );
            }
            text.push_str(&lines.join("\n"));
        }
        text
    };
    let users = printed(vec![vec!["--env", "moto", "users", "list"]]);
    let posts = printed(vec![vec!["--env", "moto", "posts", "list"]]);
    // The log lines with escapes sit in one of the groups: all of them together.
    let logs = printed(
        world
            .groups
            .iter()
            .map(|g| {
                vec![
                    "--env",
                    "moto",
                    "logs",
                    "query",
                    g.as_str(),
                    "--minutes",
                    "120",
                ]
            })
            .collect(),
    );
    for (what, text) in [("users", users), ("posts", posts), ("logs", logs)] {
        assert!(text.contains('␛'), "{what}: the escape shows as ␛:\n{text}");
    }
    world.env.drop_database();
}

/// `insights run`, `metrics` and `alarms` on the sandbox: rows as JSON lines from the sandbox's
/// own Insights engine, a syntax error named by its place and a non-zero exit, every function's
/// metrics derived from the seeded logs.
#[test]
fn on_call_commands_on_the_sandbox_print_rows_metrics_and_fail_on_a_bad_query() {
    let dirs = tempfile::tempdir().unwrap();
    let (ok, _, err) = run(&dirs, &["sandbox", "seed", "--yes"]);
    assert!(ok, "{err}");
    let (ok, rows, err) = run(
        &dirs,
        &[
            "insights",
            "run",
            "--query",
            "filter @type = \"REPORT\" | stats count(*) as invocations by @log | sort invocations desc",
            "--since",
            "30d",
            "--json",
        ],
    );
    assert!(ok, "{err}");
    assert!(
        err.contains("complete"),
        "progress and the end on stderr: {err}"
    );
    let rows = json_lines(&rows);
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["type"] == "result"), "{rows:?}");
    let counts: Vec<i64> = rows
        .iter()
        .map(|r| r["invocations"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert!(
        rows.iter()
            .any(|r| r["@log"] == "sandbox:/aws/lambda/backoffice-api"),
        "{rows:?}"
    );

    let (ok, out, err) = run(
        &dirs,
        &[
            "insights",
            "run",
            "--query",
            "fields @message\n| filtr x",
            "--since",
            "1h",
        ],
    );
    assert!(!ok && out.is_empty(), "{out:?}");
    assert!(err.contains("line 2, column 3"), "{err}");

    let (ok, metrics, err) = run(&dirs, &["metrics", "--since", "30d", "--json"]);
    assert!(ok, "{err}");
    let metrics = json_lines(&metrics);
    let invocations: Vec<&serde_json::Value> = metrics
        .iter()
        .filter(|m| m["type"] == "metric" && m["metric"] == "invocations")
        .collect();
    assert!(
        invocations
            .iter()
            .any(|m| m["function"] == "backoffice-api" && m["total"].as_f64().unwrap() > 0.0),
        "{metrics:?}"
    );
    let (_, text, err) = run(&dirs, &["metrics", "--since", "30d"]);
    assert!(
        text.iter()
            .any(|l| l.starts_with("backoffice-api\tinvocations ")),
        "{text:?} {err}"
    );
}

/// `alarms` on moto: the firing alarm is listed first and the command exits non-zero while any
/// alarm of the account is in ALARM (the exit status always agrees with what it printed);
/// `insights run` over the environment's group and `metrics` over its function.
#[test]
#[ignore = "needs services: tests/run.sh"]
fn on_call_commands_on_moto_list_alarms_and_exit_by_them() {
    use backoffice_domain::adapters::aws::{AwsContext, AwsSettings, CloudWatchMetrics};
    use backoffice_domain::model::{AlarmMetric, AlarmState};
    let env = common::MotoEnvironment::create("oncall", &[]);
    let dirs = tempfile::tempdir().unwrap();
    env.write_config(dirs.path());
    let function = env.log_group.trim_start_matches("/aws/lambda/").to_string();
    let alarm = format!("{function}-errors");
    let metrics = env.block_on(async {
        let ctx = AwsContext::load(&AwsSettings {
            region: Some("us-east-1".into()),
            endpoint_url: Some(env.endpoint.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
        CloudWatchMetrics::new(&ctx)
    });
    env.block_on(async {
        let at = chrono::Utc::now() - chrono::Duration::minutes(3);
        metrics
            .put_metric_data(&function, "Invocations", &[(at, 3.0)])
            .await
            .unwrap();
        let metric = AlarmMetric {
            namespace: "AWS/Lambda".into(),
            name: "Errors".into(),
            dimensions: vec![("FunctionName".into(), function.clone())],
            stat: "Sum".into(),
            period_seconds: 300,
        };
        metrics
            .put_alarm(&alarm, &metric, 1.0, "GreaterThanOrEqualToThreshold")
            .await
            .unwrap();
        metrics
            .set_alarm_state(&alarm, AlarmState::Alarm, "Threshold Crossed: test")
            .await
            .unwrap();
    });
    let moto = ["--env", "moto"];
    let with =
        |args: &[&str]| -> Vec<String> { moto.iter().chain(args).map(|s| s.to_string()).collect() };
    let args = with(&["alarms", "--json"]);
    let (ok, out, err) = run(&dirs, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!ok && err.contains("in ALARM"), "{err}");
    let listed = json_lines(&out);
    let ours = listed
        .iter()
        .position(|a| a["name"] == alarm.as_str())
        .unwrap();
    assert_eq!(listed[ours]["state"], "ALARM");
    assert!(
        listed[..ours].iter().all(|a| a["state"] == "ALARM"),
        "firing first"
    );

    env.block_on(metrics.set_alarm_state(&alarm, AlarmState::Ok, "back to normal"))
        .unwrap();
    let (ok, out, err) = run(&dirs, &args.iter().map(String::as_str).collect::<Vec<_>>());
    let listed = json_lines(&out);
    let ours = listed.iter().find(|a| a["name"] == alarm.as_str()).unwrap();
    assert_eq!(ours["state"], "OK");
    let firing = listed.iter().any(|a| a["state"] == "ALARM");
    assert_eq!(ok, !firing, "the exit status follows the alarms: {err}");

    let args = with(&[
        "insights",
        "run",
        "--query",
        "fields @timestamp, @message | sort @timestamp desc | limit 5",
        "--since",
        "15m",
        "--json",
    ]);
    let (ok, rows, err) = run(&dirs, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(ok, "{err}");
    let rows = json_lines(&rows);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["@message"], "hello from moto");

    // A group that is not there is named alone (CloudWatch's refusal named every group sent,
    // and the one that exists read as missing too).
    let missing = format!("{}-nope", env.log_group);
    let args = with(&[
        "insights",
        "run",
        "--query",
        "fields @message | limit 1",
        "--since",
        "15m",
        "--group",
        &env.log_group,
        "--group",
        &missing,
    ]);
    let (ok, _, err) = run(&dirs, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!ok);
    assert!(
        err.contains(&format!("log group {missing} not found")),
        "{err}"
    );

    let args = with(&["metrics", "--since", "1h", "--json"]);
    let (ok, out, err) = run(&dirs, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(ok, "{err}");
    let out = json_lines(&out);
    let invocations = out
        .iter()
        .find(|m| m["function"] == function.as_str() && m["metric"] == "invocations")
        .unwrap_or_else(|| panic!("{out:?}"));
    assert_eq!(invocations["total"], 3.0);
    env.drop_database();
}

/// `ctrl-c` while CloudWatch does not answer StartQuery: it was held until the SDK's 30 s
/// timeout. The command now waits a short grace for the query's id (to stop it), then ends
/// saying that a query may have started. The endpoint is a loopback listener that takes
/// connections and never answers.
#[test]
fn insights_run_ends_on_ctrl_c_while_cloudwatch_does_not_answer() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    // Connections are accepted and kept open, unanswered.
    let held = std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in silent.incoming().take(8) {
            match stream {
                Ok(s) => open.push(s),
                Err(_) => break,
            }
        }
        open
    });
    let dirs = tempfile::tempdir().unwrap();
    write_config(
        &dirs,
        &format!(
            "[environments.silent]\nregion = \"us-east-1\"\nendpoint_url = \"http://127.0.0.1:{port}\"\n"
        ),
    );
    let mut child = backoffice(&dirs)
        .args([
            "--env",
            "silent",
            "insights",
            "run",
            "--query",
            "fields @message",
            "--group",
            "/aws/lambda/api",
            "--since",
            "1h",
        ])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Until the request is on its way (the listener has a connection).
    std::thread::sleep(std::time::Duration::from_secs(2));
    let signalled = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(signalled.success());
    // Well before the SDK's own 30 s timeout: the interrupt was acted on.
    let mut ended = None;
    for _ in 0..150 {
        if let Some(status) = child.try_wait().unwrap() {
            ended = Some(status);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let Some(status) = ended else {
        child.kill().unwrap();
        panic!("still running 15 s after ctrl-c");
    };
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!status.success(), "{err}");
    assert!(
        err.contains("waiting up to 3 s for the query's id"),
        "{err}"
    );
    assert!(
        err.contains("CloudWatch had not answered the query's start"),
        "{err}"
    );
    drop(held);
}
