//! Snapshots of the Storage pane in each of its states, on a fixed-size test terminal.

use crate::app::storage::flows::{
    SUB, answer_list, answer_object, file, folder, object, storage, storage_app, versions,
};
use crate::app::storage::{ObjectDetail, Preview, StorageCommand, StorageEvent, Versions};
use crate::app::tests::{code, key, typed};
use crate::app::{App, AppEvent, Command, Context, Failure, test_context};
use crate::theme::Theme;
use backoffice_domain::model::{BucketInfo, BucketVersioning, PresignedRequest};
use chrono::{TimeZone, Utc};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use std::sync::Arc;

fn render(app: &mut App, width: u16, height: u16) -> TestBackend {
    let theme = Theme::default_dark();
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| super::super::draw(f, app, &theme, 0))
        .unwrap();
    terminal.backend().clone()
}

fn seeded_folder(app: &mut App, first: &[Command], more: bool) {
    answer_list(
        app,
        first,
        vec![
            folder(&format!("posts/{SUB}/")),
            file("posts/1764072000000.jpg", 48_213, 5),
            file("posts/1764072300000.png", 311_552, 3),
            file("posts/index.json", 812, 1),
        ],
        more,
    );
}

/// Opens `posts/` in the media bucket.
fn in_posts(ctx: Context) -> (App, Vec<Command>) {
    let (mut app, first) = storage_app(ctx);
    assert_eq!(app.pending(), 1, "only the listing is waited for");
    answer_list(
        &mut app,
        &first,
        vec![folder("posts/"), folder("profiles/")],
        false,
    );
    let into = app.on_key(code(KeyCode::Enter));
    (app, into)
}

#[test]
fn bucket_list() {
    // From the environment's bucket, esc goes up to every bucket the credentials list.
    let (mut app, first) = storage_app(test_context());
    answer_list(&mut app, &first, vec![folder("posts/")], false);
    let c = app.on_key(code(KeyCode::Esc));
    let Some(StorageCommand::ListBuckets { request }) = storage(&c).first().cloned().cloned()
    else {
        panic!("{c:?}")
    };
    let at = Utc.with_ymd_and_hms(2026, 9, 1, 8, 0, 0).unwrap();
    app.on_event(AppEvent::Storage(StorageEvent::BucketsListed {
        request,
        result: Ok(["backoffice-logs", "media-bucket", "media-bucket-staging"]
            .iter()
            .map(|n| BucketInfo {
                name: n.to_string(),
                created_at: Some(at),
            })
            .collect()),
    }));
    app.on_key(key('j'));
    insta::assert_snapshot!(render(&mut app, 90, 10));
}

#[test]
fn folder_listing_with_more_pages() {
    let (mut app, into) = in_posts(test_context());
    seeded_folder(&mut app, &into, true);
    app.on_key(key('j'));
    insta::assert_snapshot!(render(&mut app, 100, 12));
}

#[test]
fn folder_sorted_by_size_says_it_sorted_the_loaded_rows() {
    let (mut app, into) = in_posts(test_context());
    seeded_folder(&mut app, &into, true);
    app.on_key(key('S'));
    app.toasts.clear();
    insta::assert_snapshot!(render(&mut app, 110, 12));
}

/// A click on a header sorts by that header in a folder without a user column too (it read
/// the columns as if the user column were there: `modified` sorted by size).
#[test]
fn a_header_click_sorts_by_its_column_without_the_user_column() {
    let (mut app, into) = in_posts(test_context());
    answer_list(
        &mut app,
        &into,
        vec![
            file("posts/a.jpg", 48_213, 5),
            file("posts/b.png", 311_552, 3),
        ],
        false,
    );
    let text = render(&mut app, 110, 12).to_string();
    let header = text.lines().find(|l| l.contains("modified")).unwrap();
    assert!(!header.contains("user"), "{text}");
    let click = |app: &mut App, on: &str| {
        let x = header[..header.find(on).unwrap()].chars().count() as u16 + 1;
        app.toasts.clear();
        app.on_mouse(
            crossterm::event::MouseEvent {
                kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
                column: x,
                row: crate::ui::LIST_TOP,
                modifiers: crossterm::event::KeyModifiers::NONE,
            },
            crate::ui::LIST_TOP,
        );
        app.toasts
            .back()
            .map(|t| t.text.clone())
            .unwrap_or_default()
    };
    assert!(click(&mut app, "modified").starts_with("sorted by date"));
    assert!(click(&mut app, "size").starts_with("sorted by size"));
    assert!(click(&mut app, "name").starts_with("sorted by name"));
}

#[test]
fn folder_loading() {
    let (mut app, _) = in_posts(test_context());
    insta::assert_snapshot!(render(&mut app, 90, 8));
}

#[test]
fn folder_empty() {
    let (mut app, into) = in_posts(test_context());
    answer_list(&mut app, &into, vec![], false);
    insta::assert_snapshot!(render(&mut app, 90, 8));
}

#[test]
fn folder_failed() {
    let (mut app, into) = in_posts(test_context());
    let Some(StorageCommand::List { request, .. }) = storage(&into).first().cloned().cloned()
    else {
        panic!("{into:?}")
    };
    app.on_event(AppEvent::Storage(StorageEvent::Listed {
        request,
        result: Err(Failure::new(
            "forbidden: s3:ListBucket on media-bucket: AccessDenied",
        )),
    }));
    app.toasts.clear();
    insta::assert_snapshot!(render(&mut app, 90, 8));
}

fn open_first_object(app: &mut App, into: &[Command]) -> Vec<Command> {
    seeded_folder(app, into, false);
    app.on_key(key('j'));
    app.on_key(code(KeyCode::Enter))
}

fn detail_with_metadata(key: &str) -> ObjectDetail {
    let mut entry = object(key, 48_213, 5);
    entry.content_type = Some("image/jpeg".into());
    entry.version_id = Some("3HL4kqtJlcpXroDTDmJ0".into());
    entry.metadata.insert("uploaded-by".into(), SUB.to_string());
    entry.metadata.insert("source".into(), "ios-app 4.2".into());
    ObjectDetail {
        entry,
        versions: Versions::Listed(versions(key)),
        uses: Default::default(),
    }
}

/// A 48 × 32 test card: red on the left, blue on the right, each darker towards the bottom.
fn card() -> image::DynamicImage {
    let img = image::RgbImage::from_fn(48, 32, |x, y| {
        let shade = 250 - 7 * y as u8;
        if x < 24 {
            image::Rgb([shade, 20, 20])
        } else {
            image::Rgb([20, 20, shade])
        }
    });
    image::DynamicImage::ImageRgb8(img)
}

#[test]
fn object_detail_loading() {
    let (mut app, into) = in_posts(test_context());
    open_first_object(&mut app, &into);
    insta::assert_snapshot!(render(&mut app, 110, 14));
}

#[test]
fn object_detail_with_metadata_versions_and_a_half_block_image() {
    let (mut app, into) = in_posts(test_context());
    let open = open_first_object(&mut app, &into);
    answer_object(
        &mut app,
        &open,
        detail_with_metadata("posts/1764072000000.jpg"),
        Preview::Image {
            image: Arc::new(card()),
            source: "thumbnail 256 px".into(),
            width: 1280,
            height: 853,
        },
    );
    let backend = render(&mut app, 120, 24);
    // Half-blocks carry the picture's colours: red on the left of the preview, blue on the right.
    let buffer = backend.buffer();
    let row: Vec<_> = (0..120)
        .map(|x| &buffer[(x, 8)])
        .filter(|c| c.symbol() == "▀" || c.symbol() == "▄")
        .collect();
    assert!(
        row.len() > 10,
        "the preview is drawn in half-blocks:\n{backend}"
    );
    let rgb = |c: Color| match c {
        Color::Rgb(r, _, b) => (r, b),
        other => panic!("a true colour, not {other:?}"),
    };
    let (r, b) = rgb(row.first().unwrap().fg);
    assert!(r > 100 && b < 60, "red on the left: {r} {b}");
    let (r, b) = rgb(row.last().unwrap().fg);
    assert!(b > 100 && r < 60, "blue on the right: {r} {b}");
    insta::assert_snapshot!(backend);
}

/// An object's key and metadata are anyone's text: the detail names an escape in a key
/// (`<U+001B>`) and a direction override (`<U+202E>`), as the listing does, shows an escape in
/// metadata as `␛`, and never hands them to the terminal.
#[test]
fn object_detail_shows_hostile_keys_and_metadata_as_text() {
    let (mut app, into) = in_posts(test_context());
    let open = open_first_object(&mut app, &into);
    let mut detail = detail_with_metadata("posts/1764072000000.jpg");
    detail.entry.key = "posts/esc\u{1b}[31mred \u{202e}gnp.exe".into();
    detail
        .entry
        .metadata
        .insert("note\u{1b}[2J".into(), "hi \u{1b}]0;pwned\u{7}".into());
    answer_object(
        &mut app,
        &open,
        detail,
        Preview::Nothing("binary data".into()),
    );
    let drawn = format!("{:?}", render(&mut app, 120, 24).buffer());
    assert!(
        drawn.contains("posts/esc<U+001B>[31mred <U+202E>gnp.exe"),
        "{drawn}"
    );
    assert!(drawn.contains("note␛[2J  hi ␛]0;pwned␇"), "{drawn}");
}

#[test]
fn object_detail_with_a_json_preview() {
    let (mut app, into) = in_posts(test_context());
    seeded_folder(&mut app, &into, false);
    app.on_key(key('G'));
    let open = app.on_key(code(KeyCode::Enter));
    let mut entry = object("posts/index.json", 812, 1);
    entry.content_type = Some("application/json".into());
    answer_object(
        &mut app,
        &open,
        ObjectDetail {
            entry,
            versions: Versions::Unavailable("the sandbox keeps no object versions".into()),
        uses: Default::default(),
},
        Preview::Text {
            text: "{\n  \"count\": 2,\n  \"keys\": [\n    \"1764072000000.jpg\",\n    \"1764072300000.png\"\n  ]\n}".into(),
            json: true,
            shown: 812,
            total: 812,
        },
    );
    insta::assert_snapshot!(render(&mut app, 110, 16));
}

/// A folder's keys wrap whole onto a second row on a narrow screen (at 60 columns the row
/// ended `U use`).
#[test]
fn a_narrow_folder_keeps_every_key_hint_whole() {
    let (mut app, into) = in_posts(test_context());
    seeded_folder(&mut app, &into, false);
    let shown = render(&mut app, 60, 20).to_string();
    assert!(shown.contains("U user"), "{shown}");
    assert!(shown.contains("S sort"), "{shown}");
}

/// At 60×20 each value is under its label, whole words to a row (a key was broken every twelve
/// characters beside its label), and the keys are on the last row, with `j`/`k` named while
/// the details run past it (they were below the fold); `j` stops at the details' end.
#[test]
fn a_narrow_object_detail_puts_values_under_labels_and_keeps_its_keys_in_view() {
    let mut app = open_text_object(
        "posts/holiday-photo-of-the-whole-family.txt",
        2_400,
        "hello".into(),
        2_400,
    );
    let narrow = render(&mut app, 60, 20).to_string();
    let rows: Vec<&str> = narrow.lines().collect();
    assert!(
        rows.iter().any(|r| r.contains("│key ")),
        "the label on its own row:\n{narrow}"
    );
    assert!(
        rows.iter().any(|r| r.contains("  2.3 KiB (2400 bytes)")),
        "the value under it, whole:\n{narrow}"
    );
    let foot = rows.iter().position(|r| r.contains('└')).unwrap();
    assert!(rows[foot - 1].contains("esc back"), "{narrow}");
    assert!(
        rows[foot - 2].contains("j/k details") && rows[foot - 2].contains("download"),
        "{narrow}"
    );
    for _ in 0..60 {
        app.on_key(key('j'));
    }
    let end = render(&mut app, 60, 20).to_string();
    assert!(end.contains("Versions"), "the details' end in view:\n{end}");
    // A wrapped value stays under its first row (it fell back to the column's edge).
    assert!(end.contains("│  versions"), "{end}");
    // Wide, labels and values share rows and the keys sit on the pane's last row.
    let wide = render(&mut app, 120, 30).to_string();
    let rows: Vec<&str> = wide.lines().collect();
    assert!(wide.contains("size  2.3 KiB (2400 bytes)"), "{wide}");
    let foot = rows.iter().position(|r| r.contains('└')).unwrap();
    assert!(rows[foot - 1].contains("esc back"), "{wide}");
    assert!(!wide.contains("j/k details"), "{wide}");
}

/// The last object of the posts folder opened as a plain-text object of `size` bytes, with
/// no versions, and `text` (the first `shown` bytes) as its preview.
fn open_text_object(name: &str, size: u64, text: String, shown: u64) -> App {
    let (mut app, into) = in_posts(test_context());
    seeded_folder(&mut app, &into, false);
    app.on_key(key('G'));
    let open = app.on_key(code(KeyCode::Enter));
    let mut entry = object(name, size, 1);
    entry.content_type = Some("text/plain".into());
    answer_object(
        &mut app,
        &open,
        ObjectDetail {
            entry,
            versions: Versions::Listed(vec![]),
            uses: Default::default(),
        },
        Preview::Text {
            text,
            json: false,
            shown,
            total: size,
        },
    );
    app
}

#[test]
fn object_detail_with_the_first_bytes_of_a_long_text() {
    let mut app = open_text_object(
        "posts/index.json",
        2_400_000,
        "2026-11-25T09:00:01Z GET /posts 200 12ms\n2026-11-25T09:00:02Z GET /profile 200 8ms\n2026-11-25T09:00:02Z POST /posts/41/comments 201 31ms".into(),
        16_384,
    );
    insta::assert_snapshot!(render(&mut app, 110, 14));
}

/// A text longer than its column scrolls with J / K, and its caption says which rows show.
#[test]
fn a_long_text_preview_scrolls_and_says_which_rows_show() {
    let text: String = (1..=60).map(|i| format!("line {i}\n")).collect();
    let mut app = open_text_object("posts/readme.txt", 2_600, text, 2_600);
    let shown = render(&mut app, 110, 20).to_string();
    assert!(shown.contains("text, whole object · rows 1–"), "{shown}");
    assert!(shown.contains("line 1 "), "{shown}");
    // Half the rows shown per press.
    let rows = app.storage.detail.as_ref().unwrap().preview_rows;
    assert!(rows >= 10, "{rows}");
    let step = usize::from(rows / 2);
    for _ in 0..2 {
        app.on_key(key('J'));
    }
    let shown = render(&mut app, 110, 20).to_string();
    let top = 2 * step + 1;
    assert!(shown.contains(&format!("rows {top}–")), "{shown}");
    assert!(
        shown.contains(&format!("line {top}")) && !shown.contains(&format!("line {} ", top - 1)),
        "{shown}"
    );
    // Held to the text: far down stops at its end.
    for _ in 0..40 {
        app.on_key(key('J'));
    }
    let shown = render(&mut app, 110, 20).to_string();
    assert!(
        shown.contains("of 60 ·") && shown.contains("line 60"),
        "{shown}"
    );
}

#[test]
fn delete_confirmation_lists_the_versions() {
    let (mut app, into) = in_posts(test_context());
    let open = open_first_object(&mut app, &into);
    answer_object(
        &mut app,
        &open,
        detail_with_metadata("posts/1764072000000.jpg"),
        Preview::Nothing("image/webp: not decoded here".into()),
    );
    app.on_key(key('X'));
    insta::assert_snapshot!(render(&mut app, 110, 24));
}

#[test]
fn delete_confirmation_in_production_asks_for_the_name() {
    let ctx = Context {
        environment: "prod".into(),
        production: true,
        ..test_context()
    };
    let (mut app, into) = in_posts(ctx);
    seeded_folder(&mut app, &into, false);
    app.on_key(key('j'));
    app.on_key(key(' '));
    app.on_key(key(' '));
    let c = app.on_key(key('X'));
    let Some(StorageCommand::Versioning { request, .. }) = storage(&c).first().cloned().cloned()
    else {
        panic!("{c:?}")
    };
    app.on_event(AppEvent::Storage(StorageEvent::VersioningRead {
        request,
        result: Ok(BucketVersioning::Enabled),
        referenced: Some(Vec::new()),
    }));
    app.on_key(code(KeyCode::Down));
    app.on_key(code(KeyCode::Tab));
    app.on_key(code(KeyCode::Tab));
    typed(&mut app, "pro");
    app.on_key(code(KeyCode::Enter));
    insta::assert_snapshot!(render(&mut app, 110, 22));
}

#[test]
fn presigned_link_dialog() {
    let (mut app, into) = in_posts(test_context());
    seeded_folder(&mut app, &into, false);
    app.on_key(key('j'));
    let c = app.on_key(key('L'));
    let Some(StorageCommand::Share { request, .. }) = storage(&c).first().cloned().cloned() else {
        panic!("{c:?}")
    };
    app.on_event(AppEvent::Storage(StorageEvent::Shared {
        request,
        result: Ok(PresignedRequest {
            method: "GET".into(),
            url: "https://media-bucket.s3.ap-northeast-2.amazonaws.com/posts/1764072000000.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIA%2F20261125%2Fap-northeast-2%2Fs3%2Faws4_request&X-Amz-Date=20261125T120000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=5d1c0e9b".into(),
            headers: vec![],
            expires_at: Utc.with_ymd_and_hms(2026, 11, 25, 13, 0, 0).unwrap(),
        }),
    }));
    insta::assert_snapshot!(render(&mut app, 110, 20));
}

/// A link to an object whose key is hundreds of characters long shows the key cut to a row
/// and the link whole at 80×24 (the key printed whole left 4 of the link's 13 rows).
#[test]
fn a_long_keys_link_shows_whole_at_80_columns() {
    let (mut app, into) = in_posts(test_context());
    seeded_folder(&mut app, &into, false);
    let key = format!("odd/long-key-{}-end.txt", "segment-".repeat(80));
    let signature = "X-Amz-Signature=5d1c0e9b0f7d";
    app.storage.popup = Some(crate::app::storage::Popup::Link {
        key: key.clone(),
        request: PresignedRequest {
            method: "GET".into(),
            url: format!(
                "https://media-bucket.s3.ap-northeast-2.amazonaws.com/{key}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600&{signature}"
            ),
            headers: vec![],
            expires_at: Utc.with_ymd_and_hms(2026, 11, 25, 13, 0, 0).unwrap(),
        },
    });
    let text = render(&mut app, 80, 24).to_string();
    let joined: String = text
        .lines()
        .map(|l| l.trim_matches('"').trim_end())
        .collect();
    assert!(joined.contains(signature), "{text}");
    assert!(
        text.contains("works until 2026-11-25 13:00:00 UTC"),
        "{text}"
    );
    assert!(text.contains("GET odd/long-key-segment-"), "{text}");
    // At 60×20 and 40×12 it cannot be whole: its end (the signature) and the hint stay in
    // view, and it is said to be cut (it was cut after seven rows, the signature and the
    // hint gone, and a selection gave a broken link with no sign of it).
    for (width, height) in [(60, 20), (40, 12)] {
        let text = render(&mut app, width, height).to_string();
        let joined: String = text
            .lines()
            .map(|l| l.trim_matches('"').trim_end())
            .collect();
        assert!(joined.contains(signature), "{text}");
        assert!(joined.contains("cut: the terminal is too small"), "{text}");
        assert!(joined.contains("any key closes"), "{text}");
    }
    // A link that fits keeps it whole at 60×20, the notes above giving way first.
    if let Some(crate::app::storage::Popup::Link { request, .. }) = &mut app.storage.popup {
        request.url = format!(
            "https://media-bucket.s3.ap-northeast-2.amazonaws.com/odd/{}?{signature}",
            "k".repeat(300)
        );
    }
    let text = render(&mut app, 60, 20).to_string();
    let joined: String = text
        .lines()
        .map(|l| l.trim_matches('"').trim_end())
        .collect();
    assert!(joined.contains("https://media-bucket.s3"), "{text}");
    assert!(joined.contains(signature), "{text}");
    assert!(!joined.contains("cut: the terminal"), "{text}");
}

#[test]
fn download_prompt_and_progress() {
    let (mut app, into) = in_posts(test_context());
    seeded_folder(&mut app, &into, false);
    app.on_key(key('j'));
    app.on_key(key('w'));
    insta::assert_snapshot!("download_prompt", render(&mut app, 100, 12));
    download_under_way(&mut app);
    insta::assert_snapshot!("download_progress", render(&mut app, 100, 12));
}

/// `enter` on the open download prompt, and the first 20,000 of 48,213 bytes in.
fn download_under_way(app: &mut App) {
    let c = app.on_key(code(KeyCode::Enter));
    let Some(StorageCommand::Download { request, .. }) = storage(&c).first().cloned().cloned()
    else {
        panic!("{c:?}")
    };
    app.on_event(AppEvent::Storage(StorageEvent::Progress {
        request,
        done: 20_000,
        total: 48_213,
    }));
}

/// On a terminal 8 rows tall the transfer's bar takes the hint row, not the folder's only row.
#[test]
fn on_a_short_terminal_the_download_bar_leaves_the_folder_its_row() {
    let (mut app, into) = in_posts(test_context());
    seeded_folder(&mut app, &into, false);
    app.on_key(key('j'));
    app.on_key(key('w'));
    download_under_way(&mut app);
    let shown = render(&mut app, 40, 8).to_string();
    assert!(
        shown.contains("│  1764072000000.jpg "),
        "the selected row shows:\n{shown}"
    );
    assert!(
        shown.contains("↓ 1764072000000.jpg"),
        "and the bar:\n{shown}"
    );
}

#[test]
fn upload_prompt_with_a_bad_key() {
    let (mut app, into) = in_posts(test_context());
    seeded_folder(&mut app, &into, false);
    app.on_key(key('u'));
    typed(&mut app, "~/Pictures/banner.png");
    app.on_key(code(KeyCode::Tab));
    typed(&mut app, "/..");
    app.on_key(code(KeyCode::Enter));
    insta::assert_snapshot!(render(&mut app, 100, 12));
}

#[test]
fn the_link_is_put_on_the_clipboard_as_osc_52() {
    assert_eq!(crate::terminal::osc52("hi"), "\u{1b}]52;c;aGk=\u{7}");
}

/// A folder whose entries belong to no user has no user column: at 60 columns the size shows
/// (the empty column stayed while it gave way).
#[test]
fn a_folder_of_no_one_s_objects_has_no_user_column() {
    let (mut app, first) = storage_app(test_context());
    answer_list(
        &mut app,
        &first,
        vec![
            file(
                "odd/a name with spaces and a long tail of words.txt",
                48_213,
                5,
            ),
            file("odd/quote's.txt", 812, 1),
        ],
        false,
    );
    let text = render(&mut app, 60, 14).to_string();
    let header = text.lines().nth(2).unwrap_or_default();
    assert!(
        header.contains("name") && !header.contains("user"),
        "{text}"
    );
    assert!(
        !text.contains("room: user"),
        "not a column left out: {text}"
    );
    assert!(text.contains("47.1 KiB"), "{text}");
}
