//! Flow tests of the Storage pane: the app driven with keys and canned storage events.

use super::*;
use crate::app::tests::{
    answer_posts, answer_queue, answer_users, app_on, code, confirm_with_first_reason, key, post,
    typed,
};
use crate::app::{
    App, AppEvent, Command, Context, Failure, Overlay, PaneId, Request, test_context,
};
use crate::ops::Operation;
use backoffice_domain::model::{
    BucketVersioning, Cursor, ObjectEntry, ObjectVersion, Page, PresignedRequest,
};
use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub(crate) const SUB: &str = "00000000-0000-4000-8000-000000000004";

pub(crate) fn media() -> BucketName {
    BucketName::parse("media-bucket").unwrap()
}

/// A console on the Storage pane with `media-bucket` as the environment's bucket.
pub(crate) fn storage_app(context: Context) -> (App, Vec<Command>) {
    let (mut app, users) = app_on(PaneId::Users, context);
    answer_users(&mut app, &users, vec![]);
    app.storage.home = Some(media());
    let first = app.open_pane(PaneId::Storage);
    (app, first)
}

pub(crate) fn object(key: &str, size: u64, minutes_ago: i64) -> ObjectEntry {
    ObjectEntry {
        key: key.to_string(),
        size,
        last_modified: Some(
            Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap()
                - chrono::Duration::minutes(minutes_ago),
        ),
        etag: Some("\"9b2cf535f27731c974343645a3985328\"".into()),
        storage_class: Some("STANDARD".into()),
        content_type: None,
        metadata: BTreeMap::new(),
        version_id: None,
    }
}

pub(crate) fn file(key: &str, size: u64, minutes_ago: i64) -> ListingEntry {
    ListingEntry::Object(object(key, size, minutes_ago))
}

pub(crate) fn folder(prefix: &str) -> ListingEntry {
    ListingEntry::Prefix(prefix.to_string())
}

/// The storage commands in `commands`.
pub(crate) fn storage(commands: &[Command]) -> Vec<&StorageCommand> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Storage(s) => Some(s),
            _ => None,
        })
        .collect()
}

/// Answers the listing in `commands` with `items` (and a next page when `more`).
pub(crate) fn answer_list(
    app: &mut App,
    commands: &[Command],
    items: Vec<ListingEntry>,
    more: bool,
) -> Vec<Command> {
    let request = storage(commands)
        .into_iter()
        .find_map(|c| match c {
            StorageCommand::List { request, .. } => Some(*request),
            _ => None,
        })
        .expect("a listing");
    app.on_event(AppEvent::Storage(StorageEvent::Listed {
        request,
        result: Ok(Page::new(
            items,
            more.then(|| Cursor::encode("objects", &1)),
        )),
    }))
}

pub(crate) fn versions(key: &str) -> Vec<ObjectVersion> {
    (0..3)
        .map(|i| ObjectVersion {
            key: key.into(),
            version_id: format!("3HL4kqtJlcpXroDTDmJ{i}"),
            is_latest: i == 0,
            is_delete_marker: false,
            size: 1000 + i,
            last_modified: Some(
                Utc.with_ymd_and_hms(2026, 11, 20 + i as u32, 9, 0, 0)
                    .unwrap(),
            ),
        })
        .collect()
}

/// Answers the HEAD/versions and preview requests in `commands`.
pub(crate) fn answer_object(
    app: &mut App,
    commands: &[Command],
    detail: ObjectDetail,
    preview: Preview,
) -> Vec<Command> {
    let mut out = Vec::new();
    for c in storage(commands) {
        match c {
            StorageCommand::Inspect { request, .. } => {
                out.extend(app.on_event(AppEvent::Storage(StorageEvent::Inspected {
                    request: *request,
                    result: Ok(detail.clone()),
                })))
            }
            StorageCommand::Preview { request, .. } => {
                out.extend(app.on_event(AppEvent::Storage(StorageEvent::Previewed {
                    request: *request,
                    result: Ok(preview.clone()),
                })))
            }
            _ => {}
        }
    }
    out
}

fn listed_prefix(commands: &[Command]) -> Option<(String, bool)> {
    storage(commands).into_iter().find_map(|c| match c {
        StorageCommand::List { prefix, cursor, .. } => Some((prefix.clone(), cursor.is_some())),
        _ => None,
    })
}

#[test]
fn the_pane_opens_on_the_environments_bucket_and_without_one_on_the_bucket_list() {
    let (app, first) = storage_app(test_context());
    assert_eq!(listed_prefix(&first), Some((String::new(), false)));
    assert_eq!(app.storage.pending(), 1);
    let (mut app, _) = app_on(PaneId::Users, test_context());
    let c = app.open_pane(PaneId::Storage);
    assert!(matches!(
        storage(&c).as_slice(),
        [StorageCommand::ListBuckets { .. }]
    ));
}

#[test]
fn browse_into_a_folder_and_back_keeps_the_place() {
    let (mut app, first) = storage_app(test_context());
    answer_list(
        &mut app,
        &first,
        vec![
            folder("avatars/"),
            folder("posts/"),
            folder("profiles/"),
            file("robots.txt", 24, 3),
        ],
        false,
    );
    app.on_key(key('j'));
    let into = app.on_key(code(KeyCode::Enter));
    assert_eq!(listed_prefix(&into), Some(("posts/".into(), false)));
    answer_list(
        &mut app,
        &into,
        vec![folder(&format!("posts/{SUB}/"))],
        false,
    );
    let deeper = app.on_key(code(KeyCode::Enter));
    assert_eq!(
        listed_prefix(&deeper),
        Some((format!("posts/{SUB}/"), false))
    );
    answer_list(
        &mut app,
        &deeper,
        vec![file(&format!("posts/{SUB}/1.png"), 5000, 1)],
        false,
    );
    let up = app.on_key(code(KeyCode::Esc));
    assert_eq!(listed_prefix(&up), Some(("posts/".into(), false)));
    let up = app.on_key(code(KeyCode::Esc));
    assert_eq!(listed_prefix(&up), Some((String::new(), false)));
    answer_list(
        &mut app,
        &up,
        vec![folder("avatars/"), folder("posts/"), folder("profiles/")],
        false,
    );
    assert_eq!(app.storage.entries.selected, 1, "back on posts/");
    // From the bucket's top level, back is the list of buckets.
    let buckets = app.on_key(code(KeyCode::Esc));
    assert!(matches!(
        storage(&buckets).as_slice(),
        [StorageCommand::ListBuckets { .. }]
    ));
    assert_eq!(app.storage.location, Some(Location::Buckets));
}

/// `:storage NAME/` with Storage left on its bucket list opens a bucket the list holds, else
/// a folder of the environment's bucket (typed in another pane, `:storage docs/` read `docs`
/// as a bucket: "bucket docs not found").
#[test]
fn a_jump_from_the_bucket_list_names_a_listed_bucket_or_a_folder_of_the_home_one() {
    let (mut app, _) = storage_app(test_context());
    app.storage.location = Some(Location::Buckets);
    app.storage.buckets.items = ["media", "exports"]
        .map(|name| BucketInfo {
            name: name.into(),
            created_at: None,
        })
        .into();
    app.storage.jump_to("docs/", &mut app.ids).unwrap();
    assert_eq!(
        app.storage.location,
        Some(Location::Folder {
            bucket: media(),
            prefix: "docs/".into()
        })
    );
    app.storage.location = Some(Location::Buckets);
    app.storage.jump_to("exports/2026/", &mut app.ids).unwrap();
    assert_eq!(
        app.storage.location,
        Some(Location::Folder {
            bucket: BucketName::parse("exports").unwrap(),
            prefix: "2026/".into()
        })
    );
}

/// In an object's detail `G` goes to the details' end and the page keys scroll them; the
/// folder behind keeps its selection (`G` moved it, and `esc` came back to another row).
#[test]
fn an_object_detail_s_keys_leave_the_folder_where_it_was() {
    let (mut app, first) = storage_app(test_context());
    answer_list(
        &mut app,
        &first,
        vec![
            file("a.txt", 1, 1),
            file("big.txt", 1, 1),
            file("z.txt", 1, 1),
        ],
        false,
    );
    app.on_key(key('j'));
    app.on_key(code(KeyCode::Enter));
    assert!(app.storage.detail.is_some());
    for k in [
        key('G'),
        code(KeyCode::PageDown),
        key('g'),
        code(KeyCode::PageUp),
    ] {
        app.on_key(k);
        assert_eq!(app.storage.entries.selected, 1, "{k:?}");
    }
    app.on_key(key('G'));
    assert_eq!(app.storage.detail.as_ref().unwrap().scroll, u16::MAX);
    app.on_key(code(KeyCode::Esc));
    assert_eq!(app.storage.entries.selected, 1);
}

#[test]
fn scrolling_asks_for_the_next_page_once_and_only_near_the_end() {
    let (mut app, first) = storage_app(test_context());
    let more = answer_list(
        &mut app,
        &first,
        (0..100)
            .map(|i| file(&format!("k{i:04}"), i, i as i64))
            .collect(),
        true,
    );
    assert!(
        more.is_empty(),
        "the first page is drawn; no second page yet"
    );
    let mut asked = Vec::new();
    for _ in 0..70 {
        asked.extend(app.on_key(key('j')));
    }
    assert!(asked.is_empty(), "70 rows from the end: nothing asked");
    for _ in 0..20 {
        asked.extend(app.on_key(key('j')));
    }
    assert_eq!(listed_prefix(&asked), Some((String::new(), true)));
    assert_eq!(asked.len(), 1, "one request however many keys: {asked:?}");
    answer_list(
        &mut app,
        &asked,
        (100..150)
            .map(|i| file(&format!("k{i:04}"), i, i as i64))
            .collect(),
        false,
    );
    assert_eq!(app.storage.entries.items.len(), 150);
    assert_eq!(app.storage.entries.selected, 90, "the selection stays put");
}

#[test]
fn keys_stay_live_while_a_folder_loads_and_a_stale_page_is_dropped() {
    let (mut app, first) = storage_app(test_context());
    // Before the first page arrives: move, re-ask, open help; nothing breaks.
    app.on_key(key('j'));
    let again = app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    answer_list(&mut app, &first, vec![file("stale.txt", 1, 1)], false);
    assert!(
        app.storage.entries.items.is_empty(),
        "the abandoned answer is dropped"
    );
    answer_list(&mut app, &again, vec![file("fresh.txt", 1, 1)], false);
    assert_eq!(app.storage.entries.items[0].name(), "fresh.txt");
}

#[test]
fn sorting_orders_the_loaded_rows_and_says_when_more_remain() {
    let (mut app, first) = storage_app(test_context());
    answer_list(
        &mut app,
        &first,
        vec![
            folder("a/"),
            file("b.txt", 10, 30),
            file("c.txt", 3000, 10),
            file("d.txt", 200, 1),
        ],
        true,
    );
    app.on_key(key('S'));
    let names: Vec<&str> = app.storage.entries.items.iter().map(|e| e.name()).collect();
    assert_eq!(names, ["c.txt", "d.txt", "b.txt", "a/"]);
    assert!(
        app.toasts
            .back()
            .unwrap()
            .text
            .contains("more pages remain"),
        "{:?}",
        app.toasts
    );
    app.on_key(key('S'));
    let names: Vec<&str> = app.storage.entries.items.iter().map(|e| e.name()).collect();
    assert_eq!(names, ["d.txt", "c.txt", "b.txt", "a/"], "newest first");
    app.on_key(key('S'));
    let names: Vec<&str> = app.storage.entries.items.iter().map(|e| e.name()).collect();
    assert_eq!(
        names,
        ["a/", "b.txt", "c.txt", "d.txt"],
        "back to key order"
    );
}

#[test]
fn a_page_arriving_under_a_sort_is_sorted_in_and_the_selection_follows_its_row() {
    let (mut app, first) = storage_app(test_context());
    // So few rows that the next page is asked for at once.
    let next = answer_list(
        &mut app,
        &first,
        vec![file("small", 1, 1), file("mid", 50, 1)],
        true,
    );
    assert_eq!(listed_prefix(&next), Some((String::new(), true)));
    app.on_key(key('S'));
    assert_eq!(
        app.storage.entries.selected_item().unwrap().name(),
        "mid",
        "a sort starts at the top of its order"
    );
    app.on_key(key('j'));
    assert_eq!(app.storage.entries.selected_item().unwrap().name(), "small");
    answer_list(&mut app, &next, vec![file("huge", 9999, 1)], false);
    let names: Vec<&str> = app.storage.entries.items.iter().map(|e| e.name()).collect();
    assert_eq!(names, ["huge", "mid", "small"]);
    assert_eq!(app.storage.entries.selected_item().unwrap().name(), "small");
}

/// A folder opened while the list is sorted starts at the top of that order, not on the row
/// that was first in key order (the smallest object, at the bottom of a largest-first list).
#[test]
fn a_folder_opened_under_a_sort_starts_at_the_top_of_its_order() {
    let (mut app, first) = storage_app(test_context());
    answer_list(
        &mut app,
        &first,
        vec![folder("many/"), file("z", 1, 1)],
        false,
    );
    app.on_key(key('S'));
    assert_eq!(app.storage.sort, SortKey::Size);
    // Sorted, the largest first: the file, then the folder.
    assert_eq!(app.storage.entries.selected_item().unwrap().name(), "z");
    app.on_key(key('j'));
    assert_eq!(app.storage.entries.selected_item().unwrap().name(), "many/");
    let into = app.on_key(code(KeyCode::Enter));
    let sort = app.storage.sort;
    answer_list(
        &mut app,
        &into,
        (0..30)
            .map(|i| file(&format!("many/obj-{i:02}"), i, 1))
            .collect(),
        false,
    );
    assert_eq!(app.storage.sort, sort);
    assert_eq!(app.storage.entries.selected, 0, "the top of the order");
    let top = app.storage.entries.items[0].name().to_string();
    assert_eq!(top, "many/obj-29", "the largest first: {top}");
}

/// A click on a folder's size header sorts by size, largest first; a second click turns the
/// order round (it sorted the same way again), folders still last; both start at the top.
#[test]
fn a_second_click_on_a_header_turns_the_order_round() {
    use crate::app::Pane;
    let (mut app, first) = storage_app(test_context());
    answer_list(
        &mut app,
        &first,
        vec![
            folder("many/"),
            file("a", 5, 1),
            file("b", 50, 2),
            file("c", 500, 3),
        ],
        false,
    );
    // Where the renderer put the headers: name, then size at screen columns 40 to 49.
    app.storage.entries.header = vec![(0, 0, 29), (2, 40, 49)];
    let mut ids = crate::app::Ids::default();
    let names = |app: &App| -> Vec<String> {
        app.storage
            .entries
            .items
            .iter()
            .map(|e| e.name().to_string())
            .collect()
    };
    app.storage.entries.select(2);
    let said = app.storage.click(0, 45, &mut ids);
    assert_eq!(names(&app), ["c", "b", "a", "many/"]);
    assert!(
        matches!(&said, Outcome::Message(m) if m == "sorted by size, largest first"),
        "{said:?}"
    );
    assert_eq!(app.storage.entries.selected, 0, "the top of the new order");
    app.storage.entries.select(2);
    let said = app.storage.click(0, 41, &mut ids);
    assert_eq!(names(&app), ["a", "b", "c", "many/"]);
    assert!(
        matches!(&said, Outcome::Message(m) if m == "sorted by size, smallest first"),
        "{said:?}"
    );
    assert_eq!(app.storage.entries.selected, 0);
    // Another header starts in its own order; `S` too.
    app.storage.click(0, 3, &mut ids);
    assert!(!app.storage.reversed);
    assert_eq!(names(&app), ["a", "b", "c", "many/"]);
    app.storage.click(0, 3, &mut ids);
    assert_eq!(names(&app), ["many/", "c", "b", "a"]);
    app.on_key(key('S'));
    assert_eq!(
        (app.storage.sort, app.storage.reversed),
        (SortKey::Size, false)
    );
}

#[test]
fn opening_an_object_shows_its_detail_and_preview() {
    let (mut app, first) = storage_app(test_context());
    answer_list(&mut app, &first, vec![file("config.json", 42, 1)], false);
    let open = app.on_key(code(KeyCode::Enter));
    let kinds: Vec<&str> = storage(&open)
        .iter()
        .map(|c| match c {
            StorageCommand::Inspect { key, .. } | StorageCommand::Preview { key, .. } => {
                key.as_str()
            }
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["config.json", "config.json"]);
    assert_eq!(app.storage.pending(), 2);
    answer_object(
        &mut app,
        &open,
        ObjectDetail {
            entry: object("config.json", 42, 1),
            versions: Versions::Unavailable("the sandbox keeps no object versions".into()),
            uses: Default::default(),
        },
        Preview::Text {
            text: "{\n  \"a\": 1\n}".into(),
            json: true,
            shown: 42,
            total: 42,
        },
    );
    let d = app.storage.detail.as_ref().unwrap();
    assert!(matches!(d.info, Part::Ready(_)));
    assert!(matches!(
        d.preview,
        Part::Ready(Preview::Text { json: true, .. })
    ));
    assert_eq!(app.storage.pending(), 0);
    app.on_key(code(KeyCode::Esc));
    assert!(app.storage.detail.is_none(), "esc closes the detail first");
    assert_eq!(
        app.storage.entries.items.len(),
        1,
        "the folder is still there"
    );
}

#[test]
fn delete_reads_the_versions_then_asks_and_production_wants_the_name_typed() {
    let ctx = Context {
        environment: "prod".into(),
        production: true,
        ..test_context()
    };
    let (mut app, first) = storage_app(ctx);
    answer_list(&mut app, &first, vec![file("report.pdf", 1000, 1)], false);
    let read = app.on_key(key('X'));
    assert!(
        app.overlay.is_none(),
        "no dialog before the versions are known"
    );
    let follow = answer_object(
        &mut app,
        &read,
        ObjectDetail {
            entry: object("report.pdf", 1000, 1),
            versions: Versions::Listed(versions("report.pdf")),
            uses: Default::default(),
        },
        Preview::Nothing("binary data (application/pdf)".into()),
    );
    assert!(follow.is_empty());
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("the delete dialog opens once the versions are in");
    };
    let changes = d.proposal.changes.join("\n");
    assert!(
        changes.contains("s3://media-bucket/report.pdf"),
        "{changes}"
    );
    assert!(
        changes.contains("delete marker is added; these 3 versions stay"),
        "{changes}"
    );
    assert!(
        changes.contains("3HL4kqtJlcpXroDTDmJ0 (latest)"),
        "{changes}"
    );
    assert!(app.on_key(code(KeyCode::Enter)).is_empty(), "no name typed");
    app.on_key(code(KeyCode::Down));
    app.on_key(code(KeyCode::Tab));
    app.on_key(code(KeyCode::Tab));
    typed(&mut app, "prod");
    let sent = app.on_key(code(KeyCode::Enter));
    match sent.as_slice() {
        [
            Command::Write {
                operation: Operation::DeleteObjects { bucket, keys, .. },
                reason,
                ..
            },
        ] => {
            assert_eq!(bucket, &media());
            assert_eq!(keys, &["report.pdf".to_string()]);
            assert_eq!(reason.as_str(), "support request");
        }
        other => panic!("one delete: {other:?}"),
    }
}

/// `X` on the list opens the object only to show its versions beside the dialog: cancelling
/// goes back to the list. A delete asked from an open object leaves it open.
#[test]
fn cancelling_a_delete_asked_from_the_list_goes_back_to_the_list() {
    let detail = || ObjectDetail {
        entry: object("report.pdf", 1000, 1),
        versions: Versions::Listed(versions("report.pdf")),
        uses: Default::default(),
    };
    let (mut app, first) = storage_app(test_context());
    answer_list(&mut app, &first, vec![file("report.pdf", 1000, 1)], false);
    let read = app.on_key(key('X'));
    answer_object(&mut app, &read, detail(), Preview::Nothing("binary".into()));
    assert!(matches!(app.overlay, Some(Overlay::Dialog(_))));
    assert!(app.storage.detail.is_some(), "the versions show beside it");
    app.on_key(code(KeyCode::Esc));
    assert!(app.overlay.is_none());
    assert!(app.storage.detail.is_none(), "back on the list");

    let read = app.on_key(code(KeyCode::Enter));
    answer_object(&mut app, &read, detail(), Preview::Nothing("binary".into()));
    app.on_key(key('X'));
    assert!(matches!(app.overlay, Some(Overlay::Dialog(_))));
    app.on_key(code(KeyCode::Esc));
    assert!(
        app.storage.detail.is_some(),
        "opened by the user, it stays open"
    );
}

/// The delete dialog says what points at the object: a post's image (which then shows as
/// missing) and the thumbnails that stay (a delete said neither).
#[test]
fn a_delete_says_the_posts_and_thumbnails_of_its_object() {
    let (mut app, first) = storage_app(test_context());
    answer_list(&mut app, &first, vec![file("photo.jpg", 1000, 1)], false);
    let read = app.on_key(key('X'));
    let detail = ObjectDetail {
        entry: object("photo.jpg", 1000, 1),
        versions: Versions::Listed(versions("photo.jpg")),
        uses: Uses {
            referenced: Some(true),
            thumbnails: vec!["thumbs/256/photo.jpg".into(), "thumbs/64/photo.jpg".into()],
        },
    };
    answer_object(&mut app, &read, detail, Preview::Nothing("binary".into()));
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("the dialog opens");
    };
    let changes = d.proposal.changes.join("\n");
    assert!(
        changes.contains("a post or a profile points at it: it will show a missing image"),
        "{changes}"
    );
    assert!(changes.contains("its 2 thumbnails stay"), "{changes}");
}

#[test]
fn marked_objects_are_deleted_together_and_folders_are_left_out() {
    let (mut app, first) = storage_app(test_context());
    answer_list(
        &mut app,
        &first,
        vec![folder("a/"), file("b", 1, 1), file("c", 2, 1)],
        false,
    );
    for _ in 0..3 {
        app.on_key(key(' '));
    }
    let c = app.on_key(key('X'));
    assert!(app.overlay.is_none(), "not before the versioning is read");
    let reading = |app: &App| {
        app.toasts.iter().any(|t| {
            t.text == "reading whether the bucket keeps versions and what points at the objects…"
        })
    };
    assert!(reading(&app), "the key is seen to be taken");
    answer_versioning(&mut app, &c, Ok(BucketVersioning::Enabled));
    assert!(!reading(&app), "read: the message goes as the dialog opens");
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("a bulk delete asks once its bucket's versioning is read");
    };
    assert_eq!(d.proposal.title, "Delete 2 objects");
    assert_eq!(
        d.proposal.after.last().map(String::as_str),
        Some("versioned bucket: each gets a delete marker; its versions stay")
    );
    let sent = confirm_with_first_reason(&mut app);
    assert!(matches!(
        sent.as_slice(),
        [Command::Write { operation: Operation::DeleteObjects { keys, .. }, .. }]
            if keys == &["b".to_string(), "c".to_string()]
    ));
}

/// The view Storage keeps for the next session is the home bucket's folder with its narrowing,
/// as a narrowing of the top where the pane opens (the narrowing alone, `6148`, was applied to
/// the top and showed nothing); dropping the narrowing with `esc` keeps the folder.
#[test]
fn the_view_kept_is_the_folder_and_its_narrowing_from_the_top() {
    let last = |app: &App| {
        app.views
            .of(PaneId::Storage)
            .and_then(|v| v.last.clone())
            .unwrap_or_default()
    };
    let (mut app, first) = storage_app(test_context());
    answer_list(
        &mut app,
        &first,
        vec![folder("posts/"), file("b", 1, 1)],
        false,
    );
    let opened = app.on_key(code(KeyCode::Enter));
    answer_list(&mut app, &opened, vec![folder("posts/61480000/")], false);
    assert_eq!(last(&app), "posts/");
    app.on_key(key('/'));
    typed(&mut app, "6148");
    app.on_key(code(KeyCode::Enter));
    assert_eq!(last(&app), "posts/6148");
    app.on_key(code(KeyCode::Esc));
    assert_eq!(last(&app), "posts/", "the narrowing dropped");

    let mut next = App::unopened(
        test_context(),
        crate::keymap::Keymap::default(),
        PaneId::Storage,
    );
    next.storage.home = Some(media());
    let c = next.restore_views(app.views.clone());
    assert!(
        matches!(
            c.as_slice(),
            [Command::Storage(StorageCommand::List { prefix, .. })] if prefix == "posts/"
        ),
        "{c:?}"
    );
    // The folder itself is open, narrowed by the rest: its rows read as the folder's, and `esc`
    // goes to its parent.
    let mut views = app.views.clone();
    views.applied(PaneId::Storage, "posts/6148");
    let mut next = App::unopened(
        test_context(),
        crate::keymap::Keymap::default(),
        PaneId::Storage,
    );
    next.storage.home = Some(media());
    next.restore_views(views);
    assert_eq!(next.storage.listed_prefix().as_deref(), Some("posts/6148"));
    assert_eq!(next.storage.filter_text, "6148");
    assert!(matches!(
        &next.storage.location,
        Some(Location::Folder { prefix, .. }) if prefix == "posts/"
    ));
}

/// Answers the bulk delete's read of the bucket's versioning that `sent` holds (no object of
/// it pointed at).
fn answer_versioning(app: &mut App, sent: &[Command], result: Result<BucketVersioning, Failure>) {
    answer_versioning_pointed_at(app, sent, result, Some(Vec::new()));
}

fn answer_versioning_pointed_at(
    app: &mut App,
    sent: &[Command],
    result: Result<BucketVersioning, Failure>,
    referenced: Option<Vec<String>>,
) {
    let Some(Command::Storage(StorageCommand::Versioning { request, .. })) = sent.first() else {
        panic!("the bucket's versioning is read first: {sent:?}");
    };
    app.on_event(AppEvent::Storage(StorageEvent::VersioningRead {
        request: *request,
        result,
        referenced,
    }));
}

/// Several objects' dialog says which a post or a profile points at, as one object's does
/// (it said nothing, and a moderator deleted images posts still showed), and says so where
/// that could not be read.
#[test]
fn a_bulk_delete_says_which_objects_a_row_points_at() {
    let (mut app, c) = deleting_two();
    let Some(Command::Storage(StorageCommand::Versioning { keys, .. })) = c.first() else {
        panic!("{c:?}");
    };
    assert_eq!(keys.len(), 2, "both keys are asked about");
    let pointed_at = keys[1].clone();
    answer_versioning_pointed_at(
        &mut app,
        &c,
        Ok(BucketVersioning::Off),
        Some(vec![pointed_at.clone()]),
    );
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("no dialog");
    };
    let marked: Vec<&String> = d
        .proposal
        .changes
        .iter()
        .filter(|l| l.ends_with("; a post or a profile points at it"))
        .collect();
    assert_eq!(marked.len(), 1, "{:?}", d.proposal.changes);
    assert!(marked[0].contains(&pointed_at), "{marked:?}");
    assert_eq!(
        d.proposal.after[0],
        "1 of 2 is pointed at by a post or a profile: it will show a missing image (reconcile \
         lists it)"
    );
    let (mut app, c) = deleting_two();
    answer_versioning_pointed_at(&mut app, &c, Ok(BucketVersioning::Off), None);
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("no dialog");
    };
    assert!(
        d.proposal.after[0]
            .starts_with("whether a post or a profile points at them could not be read"),
        "{:?}",
        d.proposal.after
    );
}

/// A folder of two objects, both marked, and `X` pressed: the app and what it sent.
fn deleting_two() -> (App, Vec<Command>) {
    let (mut app, first) = storage_app(test_context());
    answer_list(
        &mut app,
        &first,
        vec![file("b", 1, 1), file("c", 2, 1)],
        false,
    );
    app.on_key(key(' '));
    app.on_key(key(' '));
    let c = app.on_key(key('X'));
    (app, c)
}

/// The dialog says what a bulk delete leaves in each kind of bucket, and hedges (naming why)
/// where the role may not read the bucket's versioning.
#[test]
fn a_bulk_delete_says_what_the_buckets_versioning_leaves() {
    let said = |result: Result<BucketVersioning, Failure>| {
        let (mut app, c) = deleting_two();
        answer_versioning(&mut app, &c, result);
        let Some(Overlay::Dialog(d)) = &app.overlay else {
            panic!("no dialog");
        };
        d.proposal.after.last().cloned().unwrap()
    };
    assert_eq!(
        said(Ok(BucketVersioning::Off)),
        "the bucket keeps no versions: this cannot be undone"
    );
    assert!(said(Ok(BucketVersioning::Suspended)).contains("unversioned copy is gone for good"),);
    let hedged = said(Err(Failure::new("AccessDenied: not allowed")));
    assert!(
        hedged.contains("could not be read (AccessDenied: not allowed)")
            && hedged.ends_with("if not, this cannot be undone"),
        "{hedged}"
    );
}

/// An answer that comes after the folder was left opens no dialog about rows gone from view,
/// and says the delete was dropped.
#[test]
fn a_versioning_answer_after_leaving_the_folder_asks_nothing() {
    let (mut app, c) = deleting_two();
    app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    answer_versioning(&mut app, &c, Ok(BucketVersioning::Off));
    assert!(app.overlay.is_none(), "{:?}", app.overlay.is_some());
    let said: Vec<&str> = app.toasts.iter().map(|t| t.text.as_str()).collect();
    assert!(
        said.iter()
            .any(|t| t.starts_with("the delete of 2 objects was dropped")),
        "{said:?}"
    );
    assert!(
        !said.iter().any(|t| t.starts_with("reading whether")),
        "{said:?}"
    );
}

/// Without a database no audit row could be written: the delete is refused before the dialog.
#[test]
fn an_environment_without_a_database_refuses_deletes_before_asking() {
    let (mut app, first) = storage_app(Context {
        audited: false,
        ..test_context()
    });
    answer_list(&mut app, &first, vec![file("b", 1, 1)], false);
    assert!(app.on_key(key('X')).is_empty());
    assert!(app.overlay.is_none(), "nothing is asked");
    assert!(
        app.toasts
            .back()
            .unwrap()
            .text
            .contains("could not be audited"),
        "{:?}",
        app.toasts
    );
}

#[test]
fn read_only_refuses_delete_upload_and_links_but_not_downloads() {
    let ctx = Context {
        read_only: true,
        ..test_context()
    };
    let (mut app, first) = storage_app(ctx);
    answer_list(
        &mut app,
        &first,
        vec![file("a", 1, 1), file("b", 1, 1)],
        false,
    );
    app.on_key(key(' '));
    app.on_key(key(' '));
    app.on_key(key('X'));
    assert!(app.overlay.is_none());
    assert!(
        app.toasts
            .back()
            .unwrap()
            .text
            .starts_with("read-only session")
    );
    for k in ['u', 'L'] {
        assert!(app.on_key(key(k)).is_empty());
        assert!(app.storage.popup.is_none(), "{k} asked for nothing");
        assert!(
            app.toasts
                .back()
                .unwrap()
                .text
                .starts_with("read-only session")
        );
    }
    // Reading is still allowed.
    app.on_key(key('w'));
    assert!(matches!(app.storage.popup, Some(Popup::Prompt(_))));
}

/// A key with an escape or a direction override is offered for download under a name with
/// `_` in their place: the file a later `ls` prints must not drive the terminal.
#[test]
fn a_hostile_key_downloads_under_a_safe_name() {
    assert_eq!(
        super::transfer::local_name("esc\u{1b}[31mred \u{202e}gnp.exe"),
        "esc_[31mred _gnp.exe"
    );
    assert_eq!(super::transfer::local_name("名前 🎉.txt"), "名前 🎉.txt");
    assert_eq!(super::transfer::local_name(".."), "download");
    assert_eq!(super::transfer::local_name(""), "download");
    // A name past a file name's 255 bytes is cut in its middle, its extension kept, with room
    // for `.part`.
    let long = super::transfer::local_name(&format!("{}.txt", "z".repeat(600)));
    assert!(long.len() <= 250, "{}", long.len());
    assert!(long.ends_with("z….txt"), "{long}");
    let wide = super::transfer::local_name(&"名".repeat(200));
    assert!(wide.len() <= 250 && wide.ends_with('…'), "{wide}");
}

/// `enter` straight from the local path goes on with the folder and the file's name as the
/// key (the key field is only for another name).
#[test]
fn upload_from_the_path_takes_the_files_name_as_the_key() {
    let (mut app, first) = storage_app(test_context());
    answer_list(&mut app, &first, vec![folder("docs/")], false);
    let into = app.on_key(code(KeyCode::Enter));
    answer_list(&mut app, &into, vec![file("docs/old.txt", 3, 1)], false);
    let dir = tempfile::tempdir().unwrap();
    app.on_key(key('u'));
    // A missing file is said in the prompt, which keeps what was typed.
    let missing = dir.path().join("we ird'\"名前 🎉.txt");
    typed(&mut app, missing.to_str().unwrap());
    assert!(app.on_key(code(KeyCode::Enter)).is_empty());
    let Some(Popup::Prompt(p)) = &app.storage.popup else {
        panic!("still the prompt");
    };
    assert!(
        p.problem
            .as_deref()
            .unwrap_or_default()
            .ends_with(": no such file"),
        "{:?}",
        p.problem
    );
    assert_eq!(p.path.text(), missing.to_str().unwrap());
    std::fs::write(&missing, b"hello").unwrap();
    assert!(app.on_key(code(KeyCode::Enter)).is_empty());
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("on to the confirmation: {:?}", app.storage.popup);
    };
    assert!(
        d.proposal.changes[0].contains("docs/we ird'\"名前 🎉.txt: new object"),
        "{:?}",
        d.proposal.changes
    );
    // The path corrected after the key was filled in: the key follows it; a key typed by
    // hand is kept.
    app.on_key(code(KeyCode::Esc));
    let right = dir.path().join("right.txt");
    std::fs::write(&right, b"right").unwrap();
    app.on_key(key('u'));
    typed(&mut app, dir.path().join("wrong.txt").to_str().unwrap());
    app.on_key(code(KeyCode::Tab));
    app.on_key(code(KeyCode::BackTab));
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    typed(&mut app, right.to_str().unwrap());
    app.on_key(code(KeyCode::Enter));
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("on to the confirmation: {:?}", app.storage.popup);
    };
    assert!(
        d.proposal.changes[0].starts_with("s3://")
            && d.proposal.changes[0].contains("/docs/right.txt: new object"),
        "{:?}",
        d.proposal.changes
    );
}

/// A key emptied by hand is not filled in at the bucket's root (the object would land
/// outside the folder the prompt opened in): the prompt asks for a key.
#[test]
fn an_emptied_upload_key_is_asked_for_not_filled_at_the_root() {
    let (mut app, first) = storage_app(test_context());
    answer_list(&mut app, &first, vec![folder("docs/")], false);
    let into = app.on_key(code(KeyCode::Enter));
    answer_list(&mut app, &into, vec![file("docs/old.txt", 3, 1)], false);
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("notes.txt");
    std::fs::write(&source, b"notes").unwrap();
    app.on_key(key('u'));
    typed(&mut app, source.to_str().unwrap());
    app.on_key(code(KeyCode::Tab));
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    app.on_key(code(KeyCode::BackTab));
    app.on_key(code(KeyCode::Tab));
    assert!(app.on_key(code(KeyCode::Enter)).is_empty());
    let Some(Popup::Prompt(p)) = &app.storage.popup else {
        panic!("still the prompt: {:?}", app.overlay);
    };
    assert_eq!(p.key.text(), "");
    assert_eq!(
        p.problem.as_deref(),
        Some("key: empty; type where the object goes (the prompt opened in docs/)")
    );
    typed(&mut app, "docs/renamed.txt");
    app.on_key(code(KeyCode::Enter));
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("on to the confirmation: {:?}", app.storage.popup);
    };
    assert!(
        d.proposal.changes[0].contains("/docs/renamed.txt: new object"),
        "{:?}",
        d.proposal.changes
    );
}

/// An upload into a folder whose name holds a tab: the key field names it as the listing does
/// (it turned the tab into a space, and the upload went to a new folder without a word), and
/// the key read back holds the tab, which a new key may not: refused, saying why.
#[test]
fn an_upload_into_a_folder_with_a_hidden_character_is_never_rewritten() {
    let (mut app, first) = storage_app(test_context());
    answer_list(&mut app, &first, vec![folder("odd/tab\tfolder/")], false);
    let into = app.on_key(code(KeyCode::Enter));
    answer_list(
        &mut app,
        &into,
        vec![file("odd/tab\tfolder/a.txt", 3, 1)],
        false,
    );
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("up.txt");
    std::fs::write(&source, b"up").unwrap();
    app.on_key(key('u'));
    let Some(Popup::Prompt(p)) = &app.storage.popup else {
        panic!("the upload prompt");
    };
    assert_eq!(p.key.text(), "odd/tab<U+0009>folder/");
    typed(&mut app, source.to_str().unwrap());
    assert!(app.on_key(code(KeyCode::Enter)).is_empty());
    assert!(
        app.overlay.is_none(),
        "nothing to confirm: {:?}",
        app.overlay
    );
    let Some(Popup::Prompt(p)) = &app.storage.popup else {
        panic!("still the prompt");
    };
    assert_eq!(
        p.problem.as_deref(),
        Some("key must not contain control characters")
    );
}

/// `:storage docs/inv` opens `docs/` narrowed by `inv`: the names under it show whole.
#[test]
fn a_prefix_that_is_not_a_folder_opens_its_folder_narrowed() {
    let (mut app, first) = storage_app(test_context());
    answer_list(&mut app, &first, vec![folder("docs/")], false);
    let c = typed(&mut app, ":storage docs/inv");
    assert!(c.is_empty());
    let c = app.on_key(code(KeyCode::Enter));
    assert_eq!(listed_prefix(&c), Some(("docs/inv".into(), false)));
    assert_eq!(app.storage.filter_text, "inv");
    assert!(matches!(
        &app.storage.location,
        Some(Location::Folder { prefix, .. }) if prefix == "docs/"
    ));
    // A folder is opened as it is.
    typed(&mut app, ":storage docs/");
    let c = app.on_key(code(KeyCode::Enter));
    assert_eq!(listed_prefix(&c), Some(("docs/".into(), false)));
    assert_eq!(app.storage.filter_text, "");
}

/// A folder as the local file is refused in the prompt.
#[test]
fn upload_refuses_a_folder_in_the_prompt() {
    let (mut app, first) = storage_app(test_context());
    answer_list(&mut app, &first, vec![file("a.txt", 1, 1)], false);
    let dir = tempfile::tempdir().unwrap();
    app.on_key(key('u'));
    typed(&mut app, dir.path().to_str().unwrap());
    app.on_key(code(KeyCode::Tab));
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    typed(&mut app, "x.txt");
    assert!(app.on_key(code(KeyCode::Enter)).is_empty());
    let Some(Popup::Prompt(p)) = &app.storage.popup else {
        panic!("still the prompt");
    };
    assert_eq!(
        p.problem.as_deref(),
        Some("local file: a folder; upload one file at a time")
    );
}

/// A key typed into a folder under the one listed is not known to be absent (the listing
/// folds it into the folder's row): it was called new, and its upload refused as a race over
/// an object that had been there all along.
#[test]
fn an_upload_to_a_key_in_a_folder_not_listed_is_not_called_new() {
    let (mut app, first) = storage_app(test_context());
    answer_list(&mut app, &first, vec![folder("weird/")], false);
    app.on_key(key('u'));
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("up.bin");
    std::fs::write(&new, b"up").unwrap();
    typed(&mut app, new.to_str().unwrap());
    app.on_key(code(KeyCode::Tab));
    let Some(Popup::Prompt(p)) = &app.storage.popup else {
        panic!("the upload prompt");
    };
    for _ in 0..p.key.text().chars().count() {
        app.on_key(code(KeyCode::Backspace));
    }
    typed(&mut app, "weird/plain7.jpg");
    app.on_key(code(KeyCode::Enter));
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("it asks");
    };
    assert!(
        d.proposal.changes[0].contains("(one of that key, if any, is replaced)"),
        "{:?}",
        d.proposal.changes
    );
    let crate::app::dialog::Form::Ready(Operation::Upload { expected, .. }) = &d.proposal.form
    else {
        panic!("{:?}", d.proposal.form);
    };
    assert_eq!(
        *expected,
        backoffice_domain::services::storage::Expected::Any
    );
}

#[test]
fn upload_checks_the_key_before_it_asks_for_a_reason() {
    let (mut app, first) = storage_app(test_context());
    let c = answer_list(&mut app, &first, vec![folder("docs/")], false);
    assert!(c.is_empty());
    let into = app.on_key(code(KeyCode::Enter));
    answer_list(&mut app, &into, vec![file("docs/old.txt", 3, 1)], false);
    app.on_key(key('u'));
    assert!(app.storage.popup.is_some());
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("new.txt");
    std::fs::write(&new, b"new").unwrap();
    typed(&mut app, new.to_str().unwrap());
    app.on_key(code(KeyCode::Tab));
    let Some(Popup::Prompt(p)) = &app.storage.popup else {
        panic!("the upload prompt");
    };
    assert_eq!(
        p.key.text(),
        "docs/new.txt",
        "the key starts as the folder and the file's name"
    );
    // A key that climbs out of its folder is refused in place.
    for _ in 0.."docs/new.txt".len() {
        app.on_key(code(KeyCode::Backspace));
    }
    typed(&mut app, "docs/../etc/passwd");
    assert!(app.on_key(code(KeyCode::Enter)).is_empty());
    let Some(Popup::Prompt(p)) = &app.storage.popup else {
        panic!("still open");
    };
    assert_eq!(
        p.problem.as_deref(),
        Some("key must not contain a .. segment")
    );
    // So is one holding a direction override (it would read `docs/txt.exe`), while other
    // scripts and emoji pass.
    for _ in 0.."docs/../etc/passwd".len() {
        app.on_key(code(KeyCode::Backspace));
    }
    typed(&mut app, "docs/\u{202e}exe.txt");
    assert!(app.on_key(code(KeyCode::Enter)).is_empty());
    let Some(Popup::Prompt(p)) = &app.storage.popup else {
        panic!("still open");
    };
    assert_eq!(
        p.problem.as_deref(),
        Some("key: holds U+202E, which would change how it reads on screen; leave it out")
    );
    for _ in 0.."docs/\u{202e}exe.txt".chars().count() {
        app.on_key(code(KeyCode::Backspace));
    }
    typed(&mut app, "docs/old.txt");
    app.on_key(code(KeyCode::Enter));
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("a valid key goes on to the confirmation");
    };
    assert!(
        d.proposal.changes[0].contains("replaced (3 B now)"),
        "{:?}",
        d.proposal.changes
    );
    let sent = confirm_with_first_reason(&mut app);
    match sent.as_slice() {
        [
            Command::Write {
                operation: Operation::Upload { key, source, .. },
                ..
            },
        ] => {
            assert_eq!(key.as_str(), "docs/old.txt");
            assert_eq!(source, &new);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_link_is_shown_whole_and_sent_to_the_clipboard() {
    let (mut app, first) = storage_app(test_context());
    answer_list(&mut app, &first, vec![file("a.png", 1, 1)], false);
    let c = app.on_key(key('L'));
    let Some(StorageCommand::Share {
        request,
        expires_in,
        key: shared,
        ..
    }) = storage(&c).first().cloned().cloned()
    else {
        panic!("{c:?}");
    };
    assert_eq!((shared.as_str(), expires_in), ("a.png", LINK_LIFETIME));
    let url = "https://media-bucket.s3.amazonaws.com/a.png?X-Amz-Expires=3600&X-Amz-Signature=abc";
    app.on_event(AppEvent::Storage(StorageEvent::Shared {
        request,
        result: Ok(PresignedRequest {
            method: "GET".into(),
            url: url.into(),
            headers: vec![],
            expires_at: Utc.with_ymd_and_hms(2026, 11, 25, 13, 0, 0).unwrap(),
        }),
    }));
    assert!(matches!(&app.storage.popup, Some(Popup::Link { request, .. }) if request.url == url));
    assert_eq!(app.requests, vec![Request::Clipboard(url.into())]);
    app.on_key(key('z'));
    assert!(app.storage.popup.is_none(), "any key closes it");
}

#[test]
fn a_download_asks_where_then_shows_its_progress() {
    let (mut app, first) = storage_app(test_context());
    answer_list(
        &mut app,
        &first,
        vec![file("big.bin", 12_000_000, 1)],
        false,
    );
    // The path in the prompt (as offered, or as typed before) replaced by `to`, and sent.
    let download_to = |app: &mut App, had: &str, to: &str| {
        for _ in 0..had.len() {
            app.on_key(code(KeyCode::Backspace));
        }
        typed(app, to);
        let c = app.on_key(code(KeyCode::Enter));
        let Some(StorageCommand::Download { request, path, .. }) =
            storage(&c).first().cloned().cloned()
        else {
            panic!("{c:?}");
        };
        (request, path)
    };
    app.on_key(key('w'));
    let (request, path) = download_to(&mut app, "./big.bin", "/tmp/out.bin");
    assert_eq!(path, PathBuf::from("/tmp/out.bin"));
    app.on_event(AppEvent::Storage(StorageEvent::Progress {
        request,
        done: 4_194_304,
        total: 12_000_000,
    }));
    let t = app.storage.transfer.as_ref().unwrap();
    assert_eq!((t.done, t.total), (4_194_304, 12_000_000));
    assert_eq!(app.storage.pending(), 1);
    assert!(
        app.on_key(key('w')).is_empty() && app.storage.popup.is_none(),
        "one download at a time"
    );
    app.on_event(AppEvent::Storage(StorageEvent::Downloaded {
        request,
        result: Ok(path),
    }));
    assert_eq!(
        app.storage.transfer.as_ref().unwrap().state,
        TransferState::Finished
    );
    assert_eq!(app.storage.pending(), 0);
    // A download that fails (the file is there) brings the prompt back with the path typed.
    app.on_key(key('w'));
    let (request, _) = download_to(&mut app, "./big.bin", "/tmp/out.bin");
    app.on_event(AppEvent::Storage(StorageEvent::Downloaded {
        request,
        result: Err(crate::app::Failure::new(
            "conflict: /tmp/out.bin exists; choose another path",
        )),
    }));
    let Some(Popup::Prompt(p)) = &app.storage.popup else {
        panic!("the prompt is back");
    };
    assert_eq!(p.path.text(), "/tmp/out.bin");
    assert!(p.problem.as_deref().unwrap().contains("exists"));
    // Said there alone: no failed bar under the list, nothing in the status bar.
    assert!(app.storage.transfer.is_none(), "{:?}", app.storage.transfer);
    assert_eq!(app.last_error, None);
    // Mended, it goes through; the ended transfer's bar goes when the folder is listed again.
    let (request, path) = download_to(&mut app, "/tmp/out.bin", "/tmp/out-2.bin");
    app.on_event(AppEvent::Storage(StorageEvent::Downloaded {
        request,
        result: Ok(path),
    }));
    assert!(app.storage.transfer.is_some());
    app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    assert!(app.storage.transfer.is_none(), "{:?}", app.storage.transfer);
}

#[test]
fn an_object_under_a_users_prefix_opens_that_user() {
    let (mut app, first) = storage_app(test_context());
    let into = {
        answer_list(&mut app, &first, vec![folder("profiles/")], false);
        app.on_key(code(KeyCode::Enter))
    };
    answer_list(
        &mut app,
        &into,
        vec![folder(&format!("profiles/{SUB}/"))],
        false,
    );
    let jump = app.on_key(key('U'));
    assert_eq!(app.pane, PaneId::Users);
    let Some(Command::LoadUsers { search, .. }) = jump.first() else {
        panic!("{jump:?}");
    };
    assert_eq!(
        crate::app::tests::filter_of(search),
        format!("sub = \"{SUB}\"")
    );
    // Elsewhere it says why not.
    let (mut app, first) = storage_app(test_context());
    answer_list(&mut app, &first, vec![file("robots.txt", 1, 1)], false);
    assert!(app.on_key(key('U')).is_empty());
    assert_eq!(app.pane, PaneId::Storage);
    assert!(app.toasts.back().unwrap().text.contains("profiles/{sub}/"));
}

#[test]
fn a_posts_image_opens_in_storage() {
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    app.storage.home = Some(media());
    answer_queue(&mut app, &first, vec![], false);
    let c = app.on_key(key('v'));
    let mut with_image = post(2);
    let key_name = format!("posts/{SUB}/1764072000000.jpg");
    with_image.image_key = Some(key_name.clone());
    answer_posts(&mut app, &c, vec![post(1), with_image], false);
    assert!(
        app.on_key(key('i')).is_empty(),
        "the first post has no image"
    );
    assert!(app.toasts.back().unwrap().text.contains("has no image"));
    app.on_key(key('j'));
    let jump = app.on_key(key('i'));
    assert_eq!(app.pane, PaneId::Storage);
    assert_eq!(listed_prefix(&jump), Some((format!("posts/{SUB}/"), false)));
    assert!(storage(&jump).iter().any(
        |c| matches!(c, StorageCommand::Preview { key, bucket, .. } if *key == key_name && *bucket == media())
    ));
    assert_eq!(app.storage.detail.as_ref().unwrap().key, key_name);
    // Its folder lists it second: `esc` back to the listing has it selected (the first row
    // was, and the next X acted on an object no one chose).
    answer_list(
        &mut app,
        &jump,
        vec![
            file(&format!("posts/{SUB}/1764071000000.png"), 5, 1),
            file(&key_name, 7, 2),
        ],
        false,
    );
    app.on_key(code(KeyCode::Esc));
    assert!(app.storage.detail.is_none());
    assert!(
        matches!(app.storage.entries.selected_item(), Some(ListingEntry::Object(o)) if o.key == key_name),
        "{:?}",
        app.storage.entries.selected_item()
    );
}

#[test]
fn storage_command_opens_the_pane_and_a_prefix() {
    let (mut app, _) = app_on(PaneId::Users, test_context());
    app.storage.home = Some(media());
    app.on_key(key(':'));
    typed(&mut app, "sto");
    app.on_key(code(KeyCode::Tab));
    assert_eq!(
        app.prompt,
        Some(crate::app::LinePrompt::new(
            crate::app::LineKind::Command,
            "storage"
        ))
    );
    let c = app.on_key(code(KeyCode::Enter));
    assert_eq!(app.pane, PaneId::Storage);
    assert_eq!(listed_prefix(&c), Some((String::new(), false)));
    app.on_key(key(':'));
    typed(&mut app, "storage posts/");
    let c = app.on_key(code(KeyCode::Enter));
    assert_eq!(listed_prefix(&c), Some(("posts/".into(), false)));
}

#[test]
fn no_key_panics_on_any_state_of_the_pane() {
    let keys: Vec<KeyEvent> = "jkgGSwuXyUi \t/:?!"
        .chars()
        .map(key)
        .chain([
            code(KeyCode::Enter),
            code(KeyCode::Esc),
            code(KeyCode::Backspace),
            code(KeyCode::Tab),
            code(KeyCode::BackTab),
            KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL),
        ])
        .collect();
    for start in 0..keys.len() {
        let (mut app, first) = storage_app(test_context());
        answer_list(
            &mut app,
            &first,
            vec![folder("posts/"), file("x.json", 0, 1)],
            true,
        );
        for k in keys.iter().cycle().skip(start).take(60) {
            app.on_key(*k);
            if app.quit {
                break;
            }
        }
    }
}

/// `profiles/{sub}/` folders are people: the pane asks their names once they are on screen.
#[test]
fn the_people_a_folder_lists_are_named() {
    let (mut app, first) = storage_app(test_context());
    let sub = "3f2a1c9e-0b7d-4e4f-9a1b-2c3d4e5f6a7b";
    let c = answer_list(
        &mut app,
        &first,
        vec![folder(&format!("profiles/{sub}/")), folder("posts/")],
        false,
    );
    let asked: Vec<String> = c
        .iter()
        .filter_map(|c| match c {
            Command::LoadNames { subs, .. } => Some(subs.iter().map(|s| s.to_string())),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(asked, vec![sub.to_string()]);
}

/// Going up selects the folder just left in its parent, found by name as the pages arrive:
/// after opening it from the list, and after a jump (`:storage a/b/`) that left no trail.
#[test]
fn going_up_selects_the_folder_just_left() {
    let (mut app, first) = storage_app(test_context());
    answer_list(
        &mut app,
        &first,
        vec![folder("a/"), folder("b/"), folder("c/"), file("z", 1, 1)],
        false,
    );
    app.on_key(key('j'));
    app.on_key(key('j'));
    let into = app.on_key(code(KeyCode::Enter));
    answer_list(&mut app, &into, vec![file("c/1", 1, 1)], false);
    let up = app.on_key(code(KeyCode::Esc));
    answer_list(
        &mut app,
        &up,
        vec![folder("a/"), folder("b/"), folder("c/"), file("z", 1, 1)],
        false,
    );
    assert_eq!(app.storage.entries.selected, 2, "c/ again");

    // A jump deep down, then up: the parent is read page by page until `deep/a/b/` is in.
    let c = app.storage.jump_to("deep/a/b/", &mut app.ids).unwrap();
    answer_list(&mut app, &c, vec![file("deep/a/b/x", 1, 1)], false);
    let up = app.on_key(code(KeyCode::Esc));
    let more = answer_list(
        &mut app,
        &up,
        (0..30)
            .map(|i| folder(&format!("deep/a/a{i:02}/")))
            .collect(),
        true,
    );
    assert!(!storage(&more).is_empty(), "the next page is asked for");
    answer_list(
        &mut app,
        &more,
        vec![
            folder("deep/a/a99/"),
            folder("deep/a/b/"),
            folder("deep/a/c/"),
        ],
        false,
    );
    let selected = app.storage.entries.selected_item();
    assert!(
        matches!(selected, Some(ListingEntry::Prefix(p)) if p == "deep/a/b/"),
        "{selected:?}"
    );
}

/// On an open object, `S` does not sort the folder hidden behind it, and help lists the keys
/// that act on the object (`J`/`K` for its preview), not the folder's sort and marks.
#[test]
fn an_open_object_offers_its_own_keys_and_does_not_sort_the_folder_behind() {
    let (mut app, first) = storage_app(test_context());
    answer_list(
        &mut app,
        &first,
        vec![file("a", 1, 1), file("b", 900, 1)],
        false,
    );
    assert!(app.storage.offers().contains(&Action::SortObjects));
    app.on_key(code(KeyCode::Enter));
    assert!(app.storage.detail.is_some());
    let offers = app.storage.offers();
    assert!(!offers.contains(&Action::SortObjects) && !offers.contains(&Action::Mark));
    assert!(offers.contains(&Action::DetailDown) && offers.contains(&Action::DeleteObject));
    app.on_key(key('S'));
    assert_eq!(
        app.storage.sort,
        SortKey::Name,
        "the folder keeps its order"
    );
    assert_eq!(
        app.toasts.back().unwrap().text,
        "esc back to the folder to sort it"
    );
}

/// A narrowing written as the listing names a key (`<U+0020>lead`, a key starting with a
/// space) narrows to that key (typed, the space was trimmed away; in the named form, the form
/// was taken as its own letters), and a view keeps it.
#[test]
fn a_narrowing_written_as_the_listing_names_a_key_is_taken_back() {
    let (mut app, first) = storage_app(test_context());
    answer_list(
        &mut app,
        &first,
        vec![file(" leading space.txt", 1, 1)],
        false,
    );
    let mut c = typed(&mut app, "/<U+0020>lead");
    c.extend(app.on_key(code(KeyCode::Enter)));
    assert_eq!(listed_prefix(&c), Some((" lead".to_string(), false)));
    use crate::app::Pane as _;
    assert_eq!(app.storage.saved_filter(), "<U+0020>lead");
}
