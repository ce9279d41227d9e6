//! The functions' command lines: `--help` and a wrong word, as an operator types them on a
//! build machine (no settings, no services).

use std::process::{Command, Stdio};

const FUNCTIONS: [(&str, &str); 3] = [
    ("api", env!("CARGO_BIN_EXE_api")),
    ("thumbnails", env!("CARGO_BIN_EXE_thumbnails")),
    ("post-confirmation", env!("CARGO_BIN_EXE_post-confirmation")),
];

/// `api --help | head -1`: the reader is gone before the help is written. The program ends
/// as asked (it panicked on the failed write, with a backtrace on the terminal).
#[test]
fn help_into_a_closed_pipe_ends_quietly() {
    for (name, path) in FUNCTIONS {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = Command::new(path)
            .arg("--help")
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{name}: {:?} {stderr}", out.status);
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
}

#[test]
fn help_says_the_settings_and_a_wrong_word_is_refused_with_it() {
    for (name, path) in FUNCTIONS {
        let help = Command::new(path).arg("--help").output().unwrap();
        assert!(help.status.success(), "{name}");
        let text = String::from_utf8_lossy(&help.stdout);
        assert!(text.starts_with(&format!("{name}: ")), "{name}: {text}");
        assert!(text.contains("DATABASE_URL"), "{name}: {text}");

        let wrong = Command::new(path).arg("serve").output().unwrap();
        assert_eq!(wrong.status.code(), Some(2), "{name}");
        let said = String::from_utf8_lossy(&wrong.stderr);
        assert!(
            said.starts_with("error: unexpected arguments: serve"),
            "{name}: {said}"
        );
        assert!(said.contains(&format!("{name}: ")), "{name}: {said}");
    }
    // A command's help is the program's (it was refused as unknown words).
    let migrate = Command::new(env!("CARGO_BIN_EXE_api"))
        .args(["migrate", "--help"])
        .output()
        .unwrap();
    assert!(migrate.status.success());
    assert!(String::from_utf8_lossy(&migrate.stdout).contains("api migrate"));
}
