//! The moderator's morning, end to end: the real binary in a pseudo-terminal on moto and
//! MariaDB, on a world of five-digit ids, authors whose names hold quotes, right-to-left text,
//! emoji and escape sequences, a post of 4 KB, a spam post with escape sequences and a newline,
//! and a thread of 2,000 comments. The moderator judges the top of the queue from the queue,
//! hides the spam with a reason, resolves its reports, reads the long thread to its end, and
//! finds the audit row.

// Test harness code: a failed unwrap is the test failing at the line that broke.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::console::{Console, DOWN, LONG};
use common::world::World;

#[test]
#[ignore = "needs services: tests/run.sh"]
fn the_moderator_clears_the_top_of_the_queue() {
    let world = World::build("mod");
    let dirs = tempfile::tempdir().unwrap();
    world.write_config(dirs.path());
    let mut c = Console::start_with(dirs, &["--env", "moto"], &[]);
    let spam = format!("post #{}", world.spam_post);
    let long = format!("post #{}", world.long_post);
    let thread = format!("post #{}", world.thread_post);

    // The queue, most reported first, judged from the row: the reasons with their counts, the
    // author by name (its escape sequences shown, not obeyed), an excerpt, the status.
    let queue = c.wait_until("the queue with names", |t| {
        t.contains(&thread) && t.contains("Siobhán")
    });
    let row = |t: &str, target: &str| -> String {
        t.lines()
            .find(|l| l.contains(target))
            .unwrap_or_default()
            .to_string()
    };
    let top = row(&queue, &spam);
    for want in [
        "visible",
        " 5 ",
        "3× spam · 2× harassment",
        // The author's name cut in its middle: both its ends show.
        "Spam ␛[31",
        "Deals",
        "BUY FOLLOWERS ␛[",
    ] {
        assert!(top.contains(want), "{want:?} in the top row:\n{queue}");
    }
    let second = row(&queue, &long);
    for want in [
        " 2 ",
        "2× misinformation",
        "Siobhán O",
        "\\ Jr.",
        "A long one, abou",
    ] {
        assert!(
            second.contains(want),
            "{want:?} in the second row:\n{queue}"
        );
    }
    assert!(
        queue.find(&spam) < queue.find(&long) && queue.find(&long) < queue.find(&thread),
        "most reported first:\n{queue}"
    );
    assert!(
        queue.contains("target"),
        "the header survived the escape sequences:\n{queue}"
    );

    // Mark the top two and hide them with a reason, from the queue.
    c.keys(b" ");
    c.keys(b" ");
    c.keys(b"h");
    let dialog = c.wait_for("This will change", LONG);
    assert!(dialog.contains(&spam) && dialog.contains(&long), "{dialog}");
    c.keys(b"\t");
    c.keys(b"journey: spam wave");
    c.keys(b"\r");
    c.wait_for("hide: 2 done, audited", LONG);
    let hidden = c.wait_until("both rows hidden", |t| {
        row(t, &spam).contains("hidden") && row(t, &long).contains("hidden")
    });
    assert!(row(&hidden, &thread).contains("visible"), "{hidden}");

    // Resolve their reports: the queue keeps only the thread.
    c.keys(b"g");
    c.keys(b" ");
    c.keys(b" ");
    c.keys(b"s");
    c.wait_for("This will change", LONG);
    // No reason is picked for the operator: the first on the list.
    c.keys(DOWN);
    c.keys(b"\r");
    let left = c.wait_until("the queue without the two", |t| {
        !t.contains(&spam) && !t.contains(&long) && t.contains(&thread)
    });
    assert!(left.contains("1 loaded"), "{left}");

    // The thread: 2,000 comments, paged; the end is reachable and the last id whole.
    c.keys(b"\r");
    c.wait_for(&format!("Thread of {thread}"), LONG);
    // `G` goes to the end of what is loaded, which asks for the next page: ten pages of 200.
    let last = format!("comment #{}", common::world::FIRST_COMMENT + 1_999);
    let mut end = String::new();
    for _ in 0..30 {
        c.keys(b"G");
        end = c.text();
        if end.contains(&last) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert!(
        end.contains(&last),
        "the thread's last comment is reachable:\n{end}"
    );
    assert!(end.contains("2000 comments"), "{end}");
    assert!(!end.contains("more comments as you scroll"), "{end}");
    c.keys(b"\x1b");

    // The audit log has both hides with the reason, under the caller (named by what follows
    // the account in its ARN, as CloudTrail names it).
    c.keys(b":audit\r");
    let audit = c.wait_until("the audit rows", |t| t.contains("9 loaded"));
    // Two hides with the reason, one row per report resolved (5 + 2), each under the caller.
    let rows: Vec<&str> = audit
        .lines()
        .filter(|l| l.contains(" user/moto "))
        .collect();
    let hides: Vec<&&str> = rows.iter().filter(|l| l.contains("post.hide")).collect();
    assert_eq!(hides.len(), 2, "{audit}");
    for post in [&spam, &long] {
        let id = post.trim_start_matches("post #");
        assert!(
            hides
                .iter()
                .any(|l| l.contains(&format!("post {id}")) && l.contains("journey: spam wave")),
            "{post} hidden with the reason:\n{audit}"
        );
    }
    let resolved = rows
        .iter()
        .filter(|l| l.contains("report.actioned"))
        .count();
    assert_eq!(resolved, 7, "{audit}");
    c.quit();
    world.env.drop_database();
}
