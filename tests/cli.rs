//! The real binary, driven from outside: paths, overrides and sandbox seeding.

use std::process::Command;

fn backoffice(dirs: &tempfile::TempDir) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_backoffice"));
    cmd.env("BACKOFFICE_CONFIG_DIR", dirs.path().join("config"))
        .env("BACKOFFICE_DATA_DIR", dirs.path().join("data"))
        .env("BACKOFFICE_STATE_DIR", dirs.path().join("state"))
        .env("USER", "ops");
    cmd
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
    assert_eq!(info["operator"], "sandbox:ops");
    assert_eq!(info["config_file_exists"], "false");
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
}

#[test]
fn unknown_subcommand_fails_with_usage() {
    let dirs = tempfile::tempdir().unwrap();
    let out = backoffice(&dirs).arg("frobnicate").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage"));
}
