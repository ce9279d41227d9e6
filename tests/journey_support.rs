//! Support's call, end to end: the real binary in a pseudo-terminal on moto and MariaDB. A
//! caller gives the name they signed up with (quotes, a backslash, an accent); support types it
//! as they heard it, finds the person by name among people whose names are right-to-left,
//! emoji or escape sequences, opens them, resets their password through the confirmation, and
//! finds the audit row.

// Test harness code: a failed unwrap is the test failing at the line that broke.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::console::{Console, DOWN, LONG};
use common::world::{DEV, OBRIEN, World};

#[test]
#[ignore = "needs services: tests/run.sh"]
fn support_finds_a_person_by_name_and_resets_their_password() {
    let world = World::build("sup");
    let dirs = tempfile::tempdir().unwrap();
    world.write_config(dirs.path());
    // The most detailed log the operator can ask for, and a session token to look for in it.
    let session_token = "FwoGZXIvYXdzE-session-token-marker-7f3a";
    let mut c = Console::start_with(
        dirs,
        &["--env", "moto"],
        &[
            ("BACKOFFICE_LOG", "trace"),
            ("AWS_SESSION_TOKEN", session_token),
        ],
    );
    c.wait_for("Reports queue", LONG);
    let obrien = &world.people[OBRIEN];
    let dev = &world.people[DEV];

    // Every user, named: usernames and statuses whole, names shown safely.
    c.keys(b":users\r");
    let list = c.wait_until("the six users", |t| t.contains("6 loaded"));
    assert!(list.contains("CONFIRMED "), "{list}");
    for p in &world.people {
        assert!(
            list.contains(p.username.as_str()),
            "{} whole:\n{list}",
            p.username
        );
    }
    assert!(list.contains("FORCE_CHANGE_PASSWORD"), "{list}");
    assert!(list.contains("مريم العربية"), "{list}");
    assert!(
        list.contains("Spam ␛[31mBot"),
        "escape sequences shown, not obeyed:\n{list}"
    );

    // Plain text, the name as the caller said it: found by name, and it says so.
    c.keys(b"/");
    c.keys("Siobhán".as_bytes());
    c.keys(b"\r");
    let found = c.wait_until("one match", |t| {
        t.contains("filter: Siobhán") && t.contains("1 loaded")
    });
    let row = found
        .lines()
        .find(|l| l.contains(obrien.username.as_str()))
        .unwrap_or_default();
    let matched = row.trim_end_matches('│').trim_end();
    assert!(
        row.contains("Siobhán O'Brien") && matched.ends_with(" name"),
        "{found}"
    );
    for other in world
        .people
        .iter()
        .filter(|p| p.username != obrien.username)
    {
        assert!(!found.contains(other.username.as_str()), "{found}");
    }
    // The developer has no profile row: found through the pool's own name search.
    c.keys(b"/");
    c.keys(b"\x15");
    c.keys("👩".as_bytes());
    c.keys(b"\r");
    let by_emoji = c.wait_for(&dev.username, LONG);
    assert!(by_emoji.contains("1 loaded"), "{by_emoji}");
    // Invited, never signed in: there is no password to reset, and the console says what to do.
    c.keys(b"p");
    c.wait_for("has not chosen a password yet", LONG);
    c.read_the_refusal();

    // Back to O'Brien: the detail has the whole name, e-mail and sub.
    c.keys(b"/");
    c.keys(b"\x15");
    c.keys("Siobhán".as_bytes());
    c.keys(b"\r");
    c.wait_for("filter: Siobhán", LONG);
    c.keys(b"\r");
    let detail = c.wait_for(&obrien.sub, LONG);
    for want in [obrien.name.as_str(), obrien.email.as_str()] {
        assert!(detail.contains(want), "{want:?}:\n{detail}");
    }

    // Reset the password: the dialog says what changes, the status follows.
    c.keys(b"p");
    let dialog = c.wait_for("This will change", LONG);
    assert!(
        dialog.contains("status: CONFIRMED →") && dialog.contains("RESET_REQUIRED"),
        "{dialog}"
    );
    c.keys(b"\t");
    c.keys(b"caller verified by phone");
    c.keys(b"\r");
    c.wait_for("done, audited", LONG);
    let after = c.wait_until("the new status", |t| {
        t.lines()
            .any(|l| l.contains("status") && l.contains("RESET_REQUIRED"))
    });
    assert!(after.contains(obrien.sub.as_str()), "{after}");

    // A temporary password typed for them: masked on screen, and in no log line.
    let password = "Tmp-Passw0rd-5e1c9";
    c.keys(b"P");
    c.wait_for("Set a password", LONG);
    c.keys(password.as_bytes());
    c.keys(b"\t");
    c.keys(password.as_bytes());
    let typed = c.text();
    assert!(
        !typed.contains(password),
        "a password is never drawn:\n{typed}"
    );
    // On to the reason (past the permanent box): the first on the list.
    c.keys(b"\t\t");
    c.keys(DOWN);
    c.keys(b"\r");
    c.wait_for("done, audited", LONG);

    // The audit row: the action on the user's sub, under the caller's whole ARN; its detail
    // has the reason as typed.
    c.keys(b":audit\r");
    // (Waits for the toast to fade.)
    let audit = c.wait_until("the audit rows", |t| {
        t.contains("2 loaded")
            && t.lines()
                .any(|l| l.contains("user.reset_password") && l.contains("│  "))
            && !t.contains("done, audited")
    });
    let row = audit
        .lines()
        .find(|l| l.contains("user.reset_password"))
        .unwrap_or_default();
    assert!(row.contains(" user/moto "), "the caller, named:\n{audit}");
    // The sub is cut in its middle beside the name and the reason; its two ends show, and
    // the row's detail holds it whole.
    let sub = obrien.sub.to_string();
    assert!(
        row.contains(&format!("user {}", &sub[..6])) && row.contains(&sub[sub.len() - 6..]),
        "{audit}"
    );
    // The newest row is the password's (its detail records that it was temporary, never the
    // password); the reset is the one below it.
    assert!(audit.contains("user.set_temporary_password"), "{audit}");
    c.keys(b"\r");
    let detail = c.wait_for("\"permanent\": false", LONG);
    assert!(!detail.contains(password), "{detail}");
    assert!(
        detail.contains(&sub),
        "the whole sub in the detail:\n{detail}"
    );
    assert!(
        detail.contains("by arn:aws:sts::123456789012:user/moto"),
        "the detail names the caller's whole ARN:\n{detail}"
    );
    // The detail follows the selection down to the reset.
    c.keys(b"j");
    c.wait_for("caller verified by phone", LONG);
    let files = c.quit_keeping_files();
    let log = std::fs::read_to_string(files.path().join("state/backoffice.log")).unwrap();
    assert!(
        log.lines().count() > 20,
        "the trace log records the session's calls:\n{log}"
    );
    for secret in [password, session_token] {
        assert!(!log.contains(secret), "{secret} is in the log file");
    }
    world.env.drop_database();
}
