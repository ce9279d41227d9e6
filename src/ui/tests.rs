//! Snapshots of every pane in its states, and of the dialogs, on a fixed-size test terminal.

use super::*;
use crate::app::tests::{
    answer_posts, answer_queue, answer_users, app_on, code, group, key, post, typed, user,
};
use crate::app::{AppEvent, Command, Context, Failure, UserDetail};
use backoffice_domain::model::{
    ActivityCounts, AuditEntry, AuditId, Comment, CommentId, ContentStatus, Group, GroupName, Page,
    PostId, PostRevision, Report, ReportId, ReportStatus, Target, UserProfile,
};
use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn render(app: &mut App, width: u16, height: u16) -> TestBackend {
    let theme = Theme::default_dark();
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| draw(f, app, &theme, 0)).unwrap();
    terminal.backend().clone()
}

fn ctx() -> Context {
    crate::app::test_context()
}

fn read_only() -> Context {
    Context {
        read_only: true,
        ..ctx()
    }
}

#[test]
fn users_loading() {
    let (mut app, _) = app_on(PaneId::Users, ctx());
    insta::assert_snapshot!(render(&mut app, 100, 14));
}

/// The tab bar on a narrow screen: every tab whole with its title where it fits (at 80
/// columns the keys' hint was cut to "tab nex"; it shows in whole phrases or not), short titles below that, and at 40 columns
/// the current tab whole beside the others' initials; a click lands on the tab drawn there.
#[test]
fn the_tab_bar_fits_its_labels_to_the_screen() {
    let (mut app, _) = app_on(PaneId::Storage, ctx());
    let top = |app: &mut App, width: u16| {
        let backend = render(app, width, 10);
        let row: String = (0..width)
            .map(|x| backend.buffer()[(x, 0)].symbol().to_string())
            .collect();
        row.trim_end().to_string()
    };
    assert_eq!(
        top(&mut app, 80),
        " Users   Posts & comments   Audit   Storage   Logs   Insights   Metrics",
        "a hint only in whole phrases (`tab next` read as cut)"
    );
    assert_eq!(
        top(&mut app, 100),
        " Users   Posts & comments   Audit   Storage   Logs   Insights   Metrics  tab next pane  : command"
    );
    assert_eq!(
        top(&mut app, 64),
        " Users   Posts   Audit   Storage   Logs   Insights   Metrics"
    );
    assert_eq!(top(&mut app, 40), " U   P   A   Storage   L   I   M");
    assert_eq!(tab_at(5, 40, app.pane), Some(PaneId::Posts));
    assert_eq!(tab_at(31, 40, app.pane), Some(PaneId::Metrics));
    assert_eq!(tab_at(13, 64, app.pane), Some(PaneId::Posts));
    assert_eq!(tab_at(13, 100, app.pane), Some(PaneId::Posts));
}

#[test]
fn users_loaded_read_only() {
    let (mut app, first) = app_on(PaneId::Users, read_only());
    answer_users(&mut app, &first, (1..=6).map(|i| user(i, i != 3)).collect());
    app.on_key(key(' '));
    insta::assert_snapshot!(render(&mut app, 110, 14));
}

#[test]
fn users_empty() {
    let (mut app, first) = app_on(PaneId::Users, ctx());
    answer_users(&mut app, &first, vec![]);
    insta::assert_snapshot!(render(&mut app, 100, 10));
}

#[test]
fn users_failed() {
    let (mut app, first) = app_on(PaneId::Users, ctx());
    let Some(Command::LoadUsers { request, .. }) = first.first().cloned() else {
        panic!()
    };
    app.on_event(AppEvent::UsersLoaded {
        request,
        result: Err(Failure::new(
            "forbidden: cognito-idp:ListUsers: not authorized to perform ListUsers",
        )),
        unsearched: None,
    });
    insta::assert_snapshot!(render(&mut app, 100, 10));
}

/// A toast takes a row of its own above the status bar: the pane's title, header and rows
/// stay where they were and in view, and a click on the toast selects no row.
#[test]
fn a_toast_takes_its_own_row_and_covers_none_of_the_pane() {
    let (mut app, first) = app_on(PaneId::Users, ctx());
    answer_users(&mut app, &first, (1..=5).map(|i| user(i, true)).collect());
    app.toasts.clear();
    let row = |b: &TestBackend, y: u16| -> String {
        (0..b.buffer().area.width)
            .map(|x| b.buffer()[(x, y)].symbol().to_string())
            .collect()
    };
    let before = render(&mut app, 100, 14);
    app.toast("user3 enabled: a message long enough to have covered the header and first rows");
    let drawn = render(&mut app, 100, 14);
    for y in 0..=LIST_TOP + 5 {
        assert_eq!(row(&drawn, y), row(&before, y), "row {y}");
    }
    assert!(row(&drawn, LIST_TOP + 5).contains("user5"));
    let toast_row = 14 - 3;
    assert!(
        row(&drawn, toast_row).starts_with(" › user3 enabled: a message long enough"),
        "{:?}",
        row(&drawn, toast_row)
    );
    assert_eq!(row(&drawn, 12), row(&before, 12), "the status bar stays");
    assert!(
        row(&drawn, toast_row - 1).starts_with('└'),
        "the pane ends above the toast"
    );
    app.on_key(key('j'));
    let selected = app.users.list.selected;
    assert!(click(&mut app, 10, toast_row).is_empty());
    assert!(click(&mut app, 10, toast_row - 1).is_empty(), "the border");
    assert!(click(&mut app, 10, 12).is_empty(), "the status bar");
    assert_eq!(app.users.list.selected, selected, "no row was selected");
    click(&mut app, 10, LIST_TOP + 4);
    assert_eq!(app.users.list.selected, 3, "a row's click still selects it");

    // A toast too long for the row takes a second one; too long for both, it keeps its
    // start and its end (how it went).
    app.toasts.clear();
    app.toast(format!("user.disable {}: done, audited", "x".repeat(300)));
    let drawn = render(&mut app, 100, 14);
    let first = row(&drawn, toast_row - 1);
    let line = row(&drawn, toast_row);
    assert!(first.starts_with(" › user.disable xxx"), "{first:?}");
    assert!(
        line.starts_with("   xxx") && line.trim_end().ends_with("x: done, audited"),
        "{line:?}"
    );
    // A refusal whose reason is at its end reads whole on two rows, parted at a space.
    app.toasts.clear();
    let refusal = "CONFIRMED: an invitation is for a user who never signed in (FORCE_CHANGE_PASSWORD), a code for an unconfirmed sign-up";
    app.toast(refusal);
    let drawn = render(&mut app, 80, 14);
    let both = format!(
        "{} {}",
        row(&drawn, toast_row - 1)[" › ".len()..].trim_end(),
        row(&drawn, toast_row).trim()
    );
    assert_eq!(both, refusal);
    assert!(line.contains('…'), "{line:?}");
}

/// A 120-character username: the list keeps its other columns and shows the name's two ends;
/// the disable dialog's title is its head (what it does, to whom), cut in its middle too,
/// where it ran into the border before.
#[test]
fn a_very_long_username_leaves_room_and_shows_both_ends() {
    let (mut app, first) = app_on(PaneId::Users, ctx());
    let mut users: Vec<_> = (1..=3).map(|i| user(i, true)).collect();
    let long = format!("{}-end", "x".repeat(116));
    users[1].username = backoffice_domain::model::Username::parse(&long).unwrap();
    users[2].status = backoffice_domain::model::UserStatus::ForceChangePassword;
    answer_users(&mut app, &first, users);
    let drawn = render(&mut app, 120, 24);
    let text = format!("{:?}", drawn.buffer());
    let row = text
        .lines()
        .find(|l| l.contains("-end"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        row.contains("xxx…xxx") && row.contains("user2@example.com"),
        "{row}"
    );
    // At 80 columns, with the longest status beside it, the e-mail (what callers give
    // support) keeps its place: the name is cut to a third, the display name gives way.
    let text = format!("{:?}", render(&mut app, 80, 24).buffer());
    let row = text
        .lines()
        .find(|l| l.contains("-end"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(row.contains("user2@example.com"), "{text}");
    app.on_key(key('j'));
    crate::app::tests::disable_from_list(&mut app);
    let drawn = render(&mut app, 120, 30);
    let text = format!("{:?}", drawn.buffer());
    let title = text
        .lines()
        .find(|l| l.contains("Disable"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        title.contains("Disable xxx") && title.contains('…') && title.contains("x-end ┐"),
        "{title}"
    );
}

/// The columns are sized by every loaded row: a 120-character username far below the first
/// screen has its room from the start, and the header stays put as the list scrolls to it and
/// back (sized by the rows on screen, every column moved when the name came into view).
#[test]
fn columns_hold_still_as_a_long_name_scrolls_into_view() {
    let (mut app, first) = app_on(PaneId::Users, ctx());
    let mut users: Vec<_> = (1..=40).map(|i| user(i, true)).collect();
    let long = format!("{}-end", "x".repeat(116));
    users[38].username = backoffice_domain::model::Username::parse(&long).unwrap();
    answer_users(&mut app, &first, users);
    let header = |app: &mut App| {
        let text = format!("{:?}", render(app, 120, 16).buffer());
        text.lines()
            .find(|l| l.contains("username"))
            .unwrap_or_else(|| panic!("{text}"))
            .to_string()
    };
    let top = header(&mut app);
    app.on_key(key('G'));
    let bottom = header(&mut app);
    let shown = format!("{:?}", render(&mut app, 120, 16).buffer());
    assert!(shown.contains("-end"), "the long name in view: {shown}");
    assert_eq!(top, bottom);
    app.on_key(key('g'));
    assert_eq!(header(&mut app), top);
}

/// The Users pane with `u` listed and its detail open and loaded: a profile row (no fields set,
/// created 2026-10-01 09:00) as `shape` leaves it. Returns the commands the opening sent.
fn user_detail_open(
    u: backoffice_domain::model::DirectoryUser,
    shape: impl FnOnce(&mut UserDetail),
) -> (App, Vec<Command>) {
    let (mut app, first) = app_on(PaneId::Users, ctx());
    answer_users(&mut app, &first, vec![u.clone()]);
    let open = app.on_key(code(KeyCode::Enter));
    let Some(Command::LoadUser { request, .. }) = open.first().cloned() else {
        panic!("{open:?}")
    };
    let at = Utc.with_ymd_and_hms(2026, 10, 1, 9, 0, 0).unwrap();
    let mut detail = UserDetail {
        profile: Some(UserProfile {
            sub: u.sub.clone().unwrap(),
            email: u.email.clone(),
            display_name: None,
            bio: None,
            profile_image_key: None,
            created_at: at,
            updated_at: at,
        }),
        counts: None,
        standing: Some(backoffice_domain::services::ban::Standing {
            blocked: true,
            ban: Some(backoffice_domain::services::ban::EarlierBan {
                row: 42,
                at: Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap(),
                actor: "mod@example.com".into(),
            }),
        }),
        unread: None,
        groups: vec![],
        user: u,
    };
    shape(&mut detail);
    app.on_event(AppEvent::UserLoaded {
        request,
        result: Ok(detail),
    });
    (app, open)
}

/// A user's attributes and profile fields are shown as lists show them: an escape sequence
/// in a name reads as `␛[31m`, never as a name that lost characters to the terminal.
#[test]
fn user_detail_shows_escape_sequences_as_text() {
    let mut u = user(4, true);
    u.attributes
        .push(("name".into(), "Spam \u{1b}[31mBot\u{1b}[0m".into()));
    let (mut app, _) = user_detail_open(u, |d| {
        d.profile.as_mut().unwrap().display_name = Some("Deals \u{1b}]0;pwned\u{7}".into());
    });
    let drawn = format!("{:?}", render(&mut app, 120, 30).buffer());
    assert!(drawn.contains("Spam ␛[31mBot␛[0m"), "{drawn}");
    assert!(drawn.contains("Deals ␛]0;pwned␇"), "{drawn}");
}

/// On a short terminal the user's detail scrolls with `j`/`k`, its keys stay on the last rows,
/// and it says which rows show (at 80×24 the attributes and half the keys were out of reach).
#[test]
fn a_user_detail_taller_than_the_pane_scrolls_with_its_keys_in_view() {
    let (mut app, _) = user_detail_open(user(4, true), |_| {});
    let top = render(&mut app, 80, 14).to_string();
    assert!(top.contains("username"), "{top}");
    assert!(top.contains("j/k scroll (rows 1–"), "{top}");
    assert!(
        top.contains("ctrl-x delete") && top.contains("│o sign out"),
        "every key in view:\n{top}"
    );
    for _ in 0..40 {
        app.on_key(key('j'));
    }
    let end = render(&mut app, 80, 14).to_string();
    assert!(
        !end.contains("  username  "),
        "scrolled past the top:\n{end}"
    );
    assert!(
        end.contains("sub"),
        "the attributes' end is reached:\n{end}"
    );
    assert!(end.contains("ctrl-x delete"), "{end}");
    app.on_key(key('g'));
    assert_eq!(app.users.detail_scroll, 0);
    // `G` goes to the detail's end (it did nothing here), as forty `j`s did.
    app.on_key(key('G'));
    let bottom = render(&mut app, 80, 14).to_string();
    assert_eq!(bottom, end, "G reaches the end");
    app.on_key(key('g'));
    // Half a page is half the detail's own rows (it was half the list's, behind it).
    let rows = app.users.detail_rows;
    assert!(rows > 1 && rows < 14, "{rows}");
    app.on_key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL));
    assert_eq!(app.users.detail_scroll, rows / 2);
    // `space` says account actions act on one user (it did nothing in the detail, and in the
    // list marked rows that a disable then ignored).
    app.on_key(key(' '));
    let said = render(&mut app, 80, 14).to_string();
    assert!(said.contains("rows are not marked here"), "{said}");
    app.on_key(code(KeyCode::Esc));
    app.on_key(key(' '));
    assert!(app.users.list.marked.is_empty(), "nothing marked");
    assert_eq!(
        app.toasts.back().unwrap().text,
        crate::app::users::MARKS_REFUSED
    );
}

/// At 60 columns the user's detail is one column, the database's side under the directory's:
/// side by side the sub broke over three rows.
#[test]
fn a_narrow_user_detail_keeps_the_sub_on_one_row() {
    let u = user(4, true);
    let sub = u.sub.clone().unwrap().to_string();
    let (mut app, _) = user_detail_open(u, |d| {
        d.profile.as_mut().unwrap().display_name = Some("Kim Minji".into());
    });
    let rows: Vec<String> = {
        let backend = render(&mut app, 60, 40);
        let buffer = backend.buffer();
        (0..40)
            .map(|y| {
                (0..60)
                    .map(|x| buffer[(x, y)].symbol().to_string())
                    .collect()
            })
            .collect()
    };
    assert!(
        rows.iter().any(|r| r.contains(&format!("sub  {sub}"))),
        "{}",
        rows.join("\n")
    );
    let at = |what: &str| rows.iter().position(|r| r.contains(what));
    let (Some(directory), Some(database)) = (at("username"), at("In the database")) else {
        panic!("{}", rows.join("\n"));
    };
    assert!(database > directory, "{}", rows.join("\n"));
    assert!(at("Kim Minji").is_some(), "{}", rows.join("\n"));
}

#[test]
fn user_detail_with_database_rows() {
    let (mut app, open) = user_detail_open(user(4, true), |d| {
        let p = d.profile.as_mut().unwrap();
        p.display_name = Some("Kim Minji".into());
        p.bio = Some("서울 사는 개발자".into());
        p.profile_image_key = Some(format!("profiles/{}/avatar.png", p.sub));
        d.counts = Some(ActivityCounts {
            posts: 12,
            comments: 40,
            reports_filed: 1,
            reports_against: 3,
        });
        d.groups = vec![Group {
            name: GroupName::parse("admins").unwrap(),
            description: None,
            precedence: None,
        }];
    });
    let at = Utc.with_ymd_and_hms(2026, 10, 1, 9, 0, 0).unwrap();
    let events = vec![
        backoffice_domain::model::AuthEvent {
            id: "e2".into(),
            kind: "SignIn".into(),
            at: Some(at + chrono::Duration::days(40)),
            result: "Fail".into(),
            risk_level: Some("High".into()),
            risk_decision: Some("Block".into()),
            ip: Some("203.0.113.201".into()),
            city: Some("Lagos".into()),
            country: Some("Nigeria".into()),
            device: None,
        },
        backoffice_domain::model::AuthEvent {
            id: "e1".into(),
            kind: "SignIn".into(),
            at: Some(at + chrono::Duration::days(39)),
            result: "Pass".into(),
            risk_level: Some("Low".into()),
            risk_decision: Some("NoRisk".into()),
            ip: Some("192.0.2.14".into()),
            city: Some("Seoul".into()),
            country: Some("South Korea".into()),
            device: Some("Safari, iOS 18".into()),
        },
    ];
    let history = open
        .iter()
        .find_map(|c| match c {
            Command::LoadSignIns { request, .. } => Some(*request),
            _ => None,
        })
        .expect("the sign-in history is loaded beside the detail");
    app.on_event(AppEvent::SignInsLoaded {
        request: history,
        result: Ok(events),
    });
    insta::assert_snapshot!(render(&mut app, 120, 30));
    // Narrower, an event goes on under its kind, not under its time or the column's edge.
    let text = render(&mut app, 100, 30).to_string();
    let rows: Vec<&str> = text.lines().collect();
    let at = rows
        .iter()
        .position(|r| r.contains("SignIn Fail"))
        .unwrap_or_else(|| panic!("{text}"));
    // By columns (the borders are several bytes each).
    let row: Vec<char> = rows[at].chars().collect();
    let next: Vec<char> = rows[at + 1].chars().collect();
    let kind = (0..row.len())
        .find(|&i| row[i..].starts_with(&['S', 'i', 'g', 'n', 'I', 'n']))
        .unwrap();
    assert!(
        next[kind] != ' ' && next[kind - 14..kind].iter().all(|c| *c == ' '),
        "hung under the kind:\n{text}"
    );
    assert!(text.contains("Nigeria"), "{text}");
    // At 80, the sub, too long to sit beside its label, goes whole under it (it was cut in
    // two).
    let text = render(&mut app, 80, 30).to_string();
    assert!(
        text.contains("│  00000000-0000-4000-8000-000000000004"),
        "{text}"
    );
}

#[test]
fn reports_queue_loaded() {
    let (mut app, first) = app_on(PaneId::Posts, ctx());
    answer_queue(
        &mut app,
        &first,
        (0..5).map(|i| group(i, 5 - i)).collect(),
        true,
    );
    insta::assert_snapshot!(render(&mut app, 100, 12));
}

/// The queue's columns hold still as a `user <sub>` row scrolls out of view (they were sized
/// by the rows on screen, so the layout jumped), and the sub is cut in its middle so the
/// reasons and the text keep their room at 80 columns.
#[test]
fn the_queue_layout_holds_still_as_rows_scroll() {
    let (mut app, first) = app_on(PaneId::Posts, ctx());
    let mut groups: Vec<_> = (0..30).map(|i| group(i, 2)).collect();
    groups[0].target = Target::User(
        backoffice_domain::model::UserSub::parse("004fe1c4-b6a0-4f3e-9d1c-83e45117ab30").unwrap(),
    );
    answer_queue(&mut app, &first, groups, false);
    let header = |app: &mut App| {
        let text = format!("{}", render(app, 80, 12));
        text.lines()
            .find(|l| l.contains("target"))
            .unwrap_or_else(|| panic!("{text}"))
            .to_string()
    };
    let at_top = header(&mut app);
    assert!(
        at_top.contains("reasons") && at_top.contains("text"),
        "{at_top}"
    );
    for _ in 0..20 {
        app.on_key(key('j'));
    }
    let scrolled = header(&mut app);
    assert!(
        !format!("{}", render(&mut app, 80, 12)).contains("user 004"),
        "the user row is out of view"
    );
    assert_eq!(at_top, scrolled);
}

/// A reported person without a profile row is not said to be gone: their account may be in
/// the pool, whose name for them shows as the author (it read `gone`, with no name).
#[test]
fn a_reported_person_without_a_profile_row_is_named_by_the_pool() {
    let (mut app, first) = app_on(PaneId::Posts, ctx());
    let sub =
        backoffice_domain::model::UserSub::parse("6eee1d2c-4f2b-4c86-9a53-1e029e7da04c").unwrap();
    let mut reported = group(1, 3);
    reported.target = Target::User(sub.clone());
    let mut item = crate::app::tests::queued(reported);
    item.summary = None;
    let mut asked = crate::app::tests::answer_queue_items(&mut app, &first, vec![item], None);
    render(&mut app, 120, 10);
    asked.extend(app.after_draw());
    let Some(Command::LoadNames { request, subs }) = asked
        .iter()
        .find(|c| matches!(c, Command::LoadNames { .. }))
        .cloned()
    else {
        panic!("the person is looked up: {asked:?}")
    };
    assert_eq!(subs, vec![sub.clone()]);
    app.on_event(AppEvent::NamesLoaded {
        request,
        result: Ok(vec![(sub, "noprof@example.com".into())]),
    });
    let shown = render(&mut app, 120, 10).to_string();
    let row = shown.lines().find(|l| l.contains("user ")).unwrap();
    assert!(
        row.contains("no profile") && row.contains("noprof@"),
        "{shown}"
    );
    assert!(!row.contains("gone"), "{row}");
}

/// A filtered queue with nothing in it names the filter, and the bottom line shows it.
#[test]
fn an_empty_filtered_queue_names_its_filter() {
    let (mut app, first) = app_on(PaneId::Posts, ctx());
    answer_queue(&mut app, &first, vec![group(1, 2)], false);
    let mut c = typed(&mut app, "/kind:user spam");
    c.extend(app.on_key(code(KeyCode::Enter)));
    answer_queue(&mut app, &c, vec![], false);
    let shown = render(&mut app, 100, 12).to_string();
    assert!(
        shown.contains("No open reports for /kind:user spam."),
        "{shown}"
    );
    assert!(shown.contains("filter: kind:user spam"), "{shown}");
    assert!(
        shown.contains("Reports queue · matching kind:user spam · most reported first"),
        "{shown}"
    );
}

#[test]
fn posts_loaded_with_marks() {
    let (mut app, first) = app_on(PaneId::Posts, ctx());
    answer_queue(&mut app, &first, vec![], false);
    let c = app.on_key(key('v'));
    answer_posts(&mut app, &c, (0..8).map(post).collect(), true);
    app.on_key(key(' '));
    app.on_key(key(' '));
    insta::assert_snapshot!(render(&mut app, 100, 14));
}

/// A list's title short of room leaves out its key hints before what it shows: at 80
/// columns a filtered posts list lost its count and kept `S order · v reports queue`.
#[test]
fn a_list_title_keeps_its_count_before_its_keys() {
    let (mut app, first) = app_on(PaneId::Posts, ctx());
    answer_queue(&mut app, &first, vec![], false);
    let c = app.on_key(key('v'));
    answer_posts(&mut app, &c, (0..8).map(post).collect(), true);
    let mut c = typed(&mut app, "/status:hidden");
    c.extend(app.on_key(code(KeyCode::Enter)));
    answer_posts(&mut app, &c, (0..3).map(post).collect(), false);
    let title = |app: &mut App, width: u16| {
        let text = format!("{}", render(app, width, 10));
        text.lines().nth(1).unwrap().to_string()
    };
    let narrow = title(&mut app, 80);
    assert!(
        narrow
            .contains("Posts · matching status:hidden · newest first · 3 loaded · v reports queue"),
        "{narrow}"
    );
    let tight = title(&mut app, 60);
    assert!(
        tight.contains("matching status:hidden · newest first · 3 loaded "),
        "{tight}"
    );
    let wide = title(&mut app, 120);
    assert!(
        wide.contains("3 loaded · S order · v reports queue"),
        "{wide}"
    );
}

/// The Posts pane with the queue's one row (post 1, two reports) opened: the thread's read,
/// to answer with a `ThreadLoaded`.
fn opening_a_thread() -> (App, crate::app::RequestId) {
    let (mut app, first) = app_on(PaneId::Posts, ctx());
    answer_queue(&mut app, &first, vec![group(1, 2)], false);
    let open = app.on_key(code(KeyCode::Enter));
    let Some(Command::LoadThread { request, .. }) = open.first().cloned() else {
        panic!("{open:?}")
    };
    (app, request)
}

#[test]
fn thread_with_reports() {
    let (mut app, request) = opening_a_thread();
    let p = post(1);
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 8, 0, 0).unwrap();
    let comment = |i: i64, body: &str, status| Comment {
        id: CommentId::new(i).unwrap(),
        post_id: p.id,
        author_sub: post(i).author_sub,
        body: body.into(),
        status,
        created_at: at,
    };
    let report = |i: i64, reason: &str| Report {
        id: ReportId::new(i).unwrap(),
        target: Target::Post(p.id),
        reporter_sub: post(i).author_sub,
        reason: reason.into(),
        note: (i == 1).then(|| "links to a scam".to_string()),
        status: ReportStatus::Open,
        created_at: at,
        resolved_by: None,
        resolved_at: None,
    };
    app.on_event(AppEvent::ThreadLoaded {
        request,
        result: Ok(crate::app::posts::ThreadData {
            post: p.clone(),
            comments: Page {
                items: vec![
                    comment(11, "멋진 사진이네요", ContentStatus::Visible),
                    comment(12, "BUY FOLLOWERS at spam.example", ContentStatus::Hidden),
                ],
                next: None,
                left_out: Vec::new(),
            },
            reports: vec![report(1, "spam"), report(2, "harassment")],
            history: vec![PostRevision {
                post_id: p.id,
                body: "the words first reported\nsecond line".into(),
                image_key: None,
                replaced_at: at,
            }],
        }),
    });
    insta::assert_snapshot!(render(&mut app, 110, 22));
}

/// A thread says the comments and reports it could not read (a comment whose author no
/// release writes was left out without a word, and the title counted one less).
#[test]
fn a_thread_says_what_it_left_out() {
    let (mut app, request) = opening_a_thread();
    let p = post(1);
    app.on_event(AppEvent::ThreadLoaded {
        request,
        result: Ok(crate::app::posts::ThreadData {
            post: p.clone(),
            comments: Page {
                items: vec![],
                next: None,
                left_out: vec![
                    "comments row 2 holds an invalid value: sub: must be a UUID".into(),
                    "reports row 5 holds an invalid value".into(),
                ],
            },
            reports: vec![],
            history: vec![],
        }),
    });
    let text = format!("{}", render(&mut app, 120, 14));
    assert!(
        text.contains("2 rows could not be read and are left out; the first: comments row 2"),
        "{text}"
    );
    // Whole in the error log, each row.
    assert!(
        app.errors
            .front()
            .is_some_and(|(_, f)| f.chain.contains("reports row 5")),
        "{:?}",
        app.errors.front()
    );
}

/// A thread's title keeps the post's id on a narrow screen, in a shorter form.
#[test]
fn a_narrow_thread_title_keeps_the_post_s_id() {
    let (mut app, request) = opening_a_thread();
    let p = post(1);
    app.on_event(AppEvent::ThreadLoaded {
        request,
        result: Ok(crate::app::posts::ThreadData {
            post: p.clone(),
            comments: Page {
                items: (11..=13)
                    .map(|i| Comment {
                        id: CommentId::new(i).unwrap(),
                        post_id: p.id,
                        author_sub: post(2).author_sub,
                        body: "a comment".into(),
                        status: ContentStatus::Visible,
                        created_at: p.created_at,
                    })
                    .collect(),
                next: Some(backoffice_domain::model::Cursor::encode("test", &13)),
                left_out: Vec::new(),
            },
            reports: Vec::new(),
            history: Vec::new(),
        }),
    });
    let wide = render(&mut app, 160, 20).to_string();
    assert!(
        wide.contains(&format!(
            "Thread of post #{} · 3 comments · more comments as you scroll",
            p.id
        )),
        "{wide}"
    );
    // At 60 columns the id stays, in a shorter form (it was cut out of the title's middle).
    let narrow = render(&mut app, 60, 20).to_string();
    assert!(
        narrow.contains(&format!("#{} · 3+ comments", p.id)),
        "{narrow}"
    );
}

/// A detail longer than its pane (many earlier versions and reports) says which lines show,
/// and `J` / `K` scroll it; moving the selection starts it at the top again.
#[test]
fn a_long_thread_detail_scrolls_and_says_which_lines_show() {
    let (mut app, request) = opening_a_thread();
    let p = post(1);
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 8, 0, 0).unwrap();
    let reports = (1..=8)
        .map(|i| Report {
            id: ReportId::new(i).unwrap(),
            target: Target::Post(p.id),
            reporter_sub: post(i).author_sub,
            reason: format!("reason number {i}"),
            note: None,
            status: ReportStatus::Open,
            created_at: at,
            resolved_by: None,
            resolved_at: None,
        })
        .collect();
    let history = (1..=4)
        .map(|i| PostRevision {
            post_id: p.id,
            body: format!("version {i} of the words"),
            image_key: None,
            replaced_at: at,
        })
        .collect();
    app.on_event(AppEvent::ThreadLoaded {
        request,
        result: Ok(crate::app::posts::ThreadData {
            post: p.clone(),
            comments: Page {
                items: vec![Comment {
                    id: CommentId::new(11).unwrap(),
                    post_id: p.id,
                    author_sub: post(2).author_sub,
                    body: "a comment".into(),
                    status: ContentStatus::Visible,
                    created_at: at,
                }],
                next: None,
                left_out: Vec::new(),
            },
            reports,
            history,
        }),
    });
    let top = render(&mut app, 110, 16).to_string();
    assert!(top.contains("Detail · lines 1–11 of "), "{top}");
    assert!(top.contains("J/K scroll"), "{top}");
    // The reports come first, before the text and its earlier versions.
    assert!(top.contains("reports"), "{top}");
    assert!(!top.contains("version 4 of the words"), "{top}");
    // Half the detail's rows a press (a 12 KB post took 95 presses three rows at a time).
    let half = app.posts.thread.as_ref().unwrap().detail_rows / 2;
    assert!(half >= 5, "{half}");
    app.on_key(key('J'));
    let one = render(&mut app, 110, 16).to_string();
    assert!(
        one.contains(&format!("Detail · lines {}–", half + 1)),
        "{one}"
    );
    for _ in 0..10 {
        app.on_key(key('J'));
    }
    let bottom = render(&mut app, 110, 16).to_string();
    assert!(
        bottom.contains("version 4 of the words"),
        "the end is reached:\n{bottom}"
    );
    assert!(!bottom.contains("Detail · lines 1–"), "{bottom}");
    insta::assert_snapshot!(bottom);
    // Back up, and a move of the selection starts at the top.
    app.on_key(key('K'));
    app.on_key(code(KeyCode::Down));
    let moved = render(&mut app, 110, 16).to_string();
    assert!(
        !moved.contains("J/K scroll"),
        "a comment's detail fits:\n{moved}"
    );
    app.on_key(code(KeyCode::Up));
    let again = render(&mut app, 110, 16).to_string();
    assert!(again.contains("Detail · lines 1–11 of "), "{again}");
}

/// A report longer than the detail's width goes on under its reason (it wrapped to the
/// detail's edge, under its status).
#[test]
fn a_long_report_in_a_thread_hangs_under_its_reason() {
    let (mut app, request) = opening_a_thread();
    let p = post(1);
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 8, 0, 0).unwrap();
    let reason = format!("Firstword {}", "harassing the other members ".repeat(6));
    app.on_event(AppEvent::ThreadLoaded {
        request,
        result: Ok(crate::app::posts::ThreadData {
            post: p.clone(),
            comments: Page::new(Vec::new(), None),
            reports: vec![Report {
                id: ReportId::new(1).unwrap(),
                target: Target::Post(p.id),
                reporter_sub: post(2).author_sub,
                reason,
                note: None,
                status: ReportStatus::Open,
                created_at: at,
                resolved_by: None,
                resolved_at: None,
            }],
            history: Vec::new(),
        }),
    });
    // Wide enough that the status and time take less than half the detail's row (a
    // narrower one gives the reason the whole row).
    let text = render(&mut app, 160, 30).to_string();
    let rows: Vec<Vec<char>> = text.lines().map(|r| r.chars().collect()).collect();
    let word: Vec<char> = "Firstword".chars().collect();
    let (at, column) = rows
        .iter()
        .enumerate()
        .find_map(|(i, r)| {
            (0..r.len())
                .find(|&c| r[c..].starts_with(&word))
                .map(|c| (i, c))
        })
        .unwrap_or_else(|| panic!("{text}"));
    let next = &rows[at + 1];
    let status = (0..column)
        .rev()
        .find(|&c| rows[at][c..].starts_with(&['o', 'p', 'e', 'n']))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        next[column] != ' ' && next[status..column].iter().all(|c| *c == ' '),
        "the reason's second row starts under its first word:\n{text}"
    );
    // Narrower, the status and time have a row of their own and the report goes under them,
    // indented (it ran on under the status, flush with the detail's edge).
    let text = render(&mut app, 100, 30).to_string();
    let rows: Vec<Vec<char>> = text.lines().map(|r| r.chars().collect()).collect();
    let (at, status) = rows
        .iter()
        .enumerate()
        .find_map(|(i, r)| {
            (0..r.len())
                .find(|&c| r[c..].starts_with(&['o', 'p', 'e', 'n', ' ', '2']))
                .map(|c| (i, c))
        })
        .unwrap_or_else(|| panic!("{text}"));
    let head: String = rows[at][status..].iter().collect();
    assert!(head.starts_with("open 2026-11-24 08:00 "), "{text}");
    assert!(!head.contains("Firstword"), "a row of its own:\n{text}");
    for row in &rows[at + 1..at + 4] {
        assert!(
            row[status..status + 2].iter().all(|c| *c == ' ') && row[status + 2] != ' ',
            "under it, indented two:\n{text}"
        );
    }
    assert!(rows[at + 1][status + 2..].starts_with(&word), "{text}");
}

#[test]
fn hide_dialog_with_reason() {
    let (mut app, first) = app_on(PaneId::Posts, ctx());
    answer_queue(&mut app, &first, vec![group(1, 2), group(2, 1)], false);
    app.on_key(key(' '));
    app.on_key(key(' '));
    app.on_key(key('h'));
    app.on_key(code(KeyCode::Down));
    app.on_key(code(KeyCode::Down));
    typed(&mut app, "repeat offender");
    insta::assert_snapshot!(render(&mut app, 100, 20));
}

/// A dialog whose whole title does not fit shows its head, the user whole, rather than
/// losing its middle: at 80 columns "Send <sub>'s invitation again: a new temporary password
/// by e-mail (the old one stops working)" read "Send 1777e99b-…5… by e-mail (the old …)".
#[test]
fn a_long_dialog_title_keeps_its_head_whole() {
    let (mut app, first) = app_on(PaneId::Users, ctx());
    let mut u = user(2, true);
    u.username =
        backoffice_domain::model::Username::parse("1777e99b-43e9-47bc-8cf1-1da4d514c593").unwrap();
    u.status = backoffice_domain::model::UserStatus::ForceChangePassword;
    answer_users(&mut app, &first, vec![u]);
    app.on_key(key('M'));
    let title = |app: &mut App, width: u16| {
        let text = format!("{}", render(app, width, 24));
        text.lines()
            .find(|l| l.contains("┌") && l.contains("Send"))
            .map(|l| l.trim_matches('"').to_string())
            .unwrap_or_else(|| panic!("no dialog title in\n{text}"))
    };
    let narrow = title(&mut app, 80);
    assert!(
        narrow.contains(" Send 1777e99b-43e9-47bc-8cf1-1da4d514c593's invitation again ─"),
        "{narrow}"
    );
    // Where it fits, the whole title.
    let (mut app, first) = app_on(PaneId::Users, ctx());
    let mut u = user(2, true);
    u.status = backoffice_domain::model::UserStatus::ForceChangePassword;
    answer_users(&mut app, &first, vec![u]);
    app.on_key(key('M'));
    let wide = title(&mut app, 140);
    assert!(
        wide.contains(
            " Send user2's invitation again: a new temporary password by e-mail (the old one stops working) "
        ),
        "{wide}"
    );
}

#[test]
fn production_password_dialog_masks_and_asks_for_the_name() {
    let ctx = Context {
        environment: "prod".into(),
        production: true,
        ..ctx()
    };
    let (mut app, first) = app_on(PaneId::Users, ctx);
    answer_users(&mut app, &first, vec![user(2, true)]);
    app.on_key(key('P'));
    typed(&mut app, "Secret-1");
    app.on_key(code(KeyCode::Tab));
    typed(&mut app, "Secret-2");
    app.on_key(code(KeyCode::Enter));
    let text = format!("{}", render(&mut app, 100, 22));
    assert!(!text.contains("Secret"), "a password is never drawn");
    insta::assert_snapshot!(text);
}

#[test]
fn audit_loaded_and_expanded() {
    let (mut app, first) = app_on(PaneId::Audit, ctx());
    let Some(Command::LoadAudit { request, .. }) = first.first().cloned() else {
        panic!()
    };
    let at = Utc.with_ymd_and_hms(2026, 11, 25, 9, 30, 0).unwrap();
    let asked = app.on_event(AppEvent::AuditLoaded {
        request,
        result: Ok(Page {
            items: vec![
                AuditEntry {
                    id: AuditId::new(2).unwrap(),
                    actor: "sandbox:ops".into(),
                    action: "user.disable".into(),
                    target_kind: "user".into(),
                    target_id: "00000000-0000-4000-8000-000000000003".into(),
                    reason: Some("harassment: ticket 4411".into()),
                    before: Some(r#"{"enabled":true}"#.into()),
                    after: Some(r#"{"enabled":false}"#.into()),
                    created_at: at,
                },
                AuditEntry {
                    id: AuditId::new(1).unwrap(),
                    actor: "sandbox:ops".into(),
                    action: "post.hide".into(),
                    target_kind: "post".into(),
                    target_id: PostId::new(501).unwrap().to_string(),
                    reason: Some("spam".into()),
                    before: Some(r#"{"status":"visible"}"#.into()),
                    after: Some(r#"{"status":"hidden"}"#.into()),
                    created_at: at,
                },
            ],
            next: None,
            left_out: Vec::new(),
        }),
    });
    // The user a row acts on is looked up once, and read by name in the row and its detail
    // (an escape in the name shown as text).
    let Some(Command::LoadNames { request, subs }) = asked.first().cloned() else {
        panic!("{asked:?}")
    };
    assert_eq!(subs.len(), 1, "only the user target: {subs:?}");
    app.on_event(AppEvent::NamesLoaded {
        request,
        result: Ok(vec![(subs[0].clone(), "Kim \u{1b}[31mMinji".into())]),
    });
    app.on_key(code(KeyCode::Enter));
    let drawn = render(&mut app, 110, 18);
    let text = format!("{:?}", drawn.buffer());
    assert!(
        text.contains("target: user Kim ␛[31mMinji (00000000-0000-4000-8000-000000000003)"),
        "{text}"
    );
    insta::assert_snapshot!(drawn);
}

/// An object's key in the target column stays whole beside a user row (sized as one column
/// with the user's sub, every key was cut to a fifth of the row); the user's sub is cut in
/// its middle, its person named beside it.
/// A row of the audit log written at 2026-12-05 10:01 by `actor`, for `reason`.
fn audit_entry(
    id: i64,
    action: &str,
    target: (&str, &str),
    actor: &str,
    reason: &str,
) -> AuditEntry {
    AuditEntry {
        id: AuditId::new(id).unwrap(),
        actor: actor.into(),
        action: action.into(),
        target_kind: target.0.into(),
        target_id: target.1.into(),
        reason: Some(reason.into()),
        before: None,
        after: None,
        created_at: Utc.with_ymd_and_hms(2026, 12, 5, 10, 1, 0).unwrap(),
    }
}

/// The Audit pane with `rows` loaded.
/// The title says the filter as typed: a key written with `<U+001B>` (the form the list
/// shows) read `<U+003C>U+001B>` there, like another key.
#[test]
fn the_audit_title_says_the_filter_as_typed() {
    let mut app = audit_showing(Vec::new());
    app.audit.filter_text = "id:media/odd/esc<U+001B>[31m.txt".into();
    let shown = render(&mut app, 120, 8).to_string();
    assert!(
        shown.contains("matching id:media/odd/esc<U+001B>[31m.txt"),
        "{shown}"
    );
}

fn audit_showing(rows: Vec<AuditEntry>) -> App {
    let (mut app, first) = app_on(PaneId::Audit, ctx());
    let Some(Command::LoadAudit { request, .. }) = first.first().cloned() else {
        panic!()
    };
    app.on_event(AppEvent::AuditLoaded {
        request,
        result: Ok(Page::new(rows, None)),
    });
    app
}

/// A moderation's row names the author of the post or comment it was about (the `who`
/// column was empty for every post and comment row), in the row and in its detail.
#[test]
fn an_audit_row_about_a_post_names_its_author() {
    let author = "00000000-0000-4000-8000-000000000009";
    let mut row = audit_entry(1, "post.hide", ("post", "501"), "sandbox:ops", "spam");
    row.before = Some(format!(r#"{{"status":"visible","author":"{author}"}}"#));
    row.after = Some(format!(r#"{{"status":"hidden","author":"{author}"}}"#));
    let (mut app, first) = app_on(PaneId::Audit, ctx());
    let Some(Command::LoadAudit { request, .. }) = first.first().cloned() else {
        panic!()
    };
    let asked = app.on_event(AppEvent::AuditLoaded {
        request,
        result: Ok(Page::new(vec![row], None)),
    });
    let Some(Command::LoadNames { request, subs }) = asked.first().cloned() else {
        panic!("the author is looked up: {asked:?}")
    };
    assert_eq!(
        subs.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        [author]
    );
    app.on_event(AppEvent::NamesLoaded {
        request,
        result: Ok(vec![(subs[0].clone(), "Kim Minji".into())]),
    });
    let text = render(&mut app, 120, 14).to_string();
    assert!(
        text.contains("post 501") && text.contains("Kim Minji"),
        "{text}"
    );
    app.on_key(code(KeyCode::Enter));
    let text = render(&mut app, 120, 20).to_string();
    assert!(
        text.contains(&format!("target: post 501 by Kim Minji ({author})")),
        "{text}"
    );
}

#[test]
fn audit_object_keys_stay_whole_beside_a_user_row() {
    let entry = |id: i64, action: &str, kind: &str, target: &str| {
        audit_entry(id, action, (kind, target), "user/moto", "support request")
    };
    let mut app = audit_showing(vec![
        entry(2, "object.delete", "object", "wa-media/bulk/item-0008.txt"),
        entry(
            1,
            "profile.clear",
            "user",
            "6211785f-530e-4e3a-81d8-9915b3482468",
        ),
    ]);
    for width in [120, 100] {
        let text = render(&mut app, width, 14).to_string();
        assert!(
            text.contains("object wa-media/bulk/item-0008.txt"),
            "{width}:\n{text}"
        );
        assert!(
            text.contains("user 6211785f-…5b3482468"),
            "{width}:\n{text}"
        );
    }
    // At 80 the time stays: a long key is cut in its middle first.
    app.audit.list.items[0].target_id = "wa-media/bulk/a-much-longer-name-for-item-0008.txt".into();
    app.audit.list.forget_widths();
    let text = render(&mut app, 80, 14).to_string();
    assert!(
        text.contains(" 12-05 10:01 "),
        "without its year under 100: {text}"
    );
    assert!(text.contains("0008.txt"), "{text}");
    assert!(!text.contains("not shown for want of room: when"), "{text}");
    // Beside the longest action a ban writes, too.
    app.audit.list.items[1].action = "user.global_sign_out".into();
    app.audit.list.forget_widths();
    let text = render(&mut app, 80, 14).to_string();
    assert!(text.contains(" 12-05 10:01 "), "{text}");
    // Wide again, the year is back and the columns measured for it.
    let text = render(&mut app, 120, 14).to_string();
    assert!(text.contains("2026-12-05 10:01 "), "{text}");
}

/// At 80 columns short targets leave the reason room beside them; at 60 the time stays and the
/// actor goes (the rows read `sandbox:root comment.restore comment 205`, no time at all).
#[test]
fn a_narrow_audit_keeps_the_time_and_then_the_reason() {
    let entry = |id: i64, action: &str, kind: &str, target: &str| {
        let why = "undo of audit row 12: support request";
        audit_entry(id, action, (kind, target), "sandbox:root", why)
    };
    let mut app = audit_showing(vec![
        entry(3, "comment.restore", "comment", "205"),
        entry(
            2,
            "user.ban",
            "user",
            "6211785f-530e-4e3a-81d8-9915b3482468",
        ),
        entry(1, "post.hide", "post", "1999"),
    ]);
    let at_80 = render(&mut app, 80, 10).to_string();
    let row = at_80
        .lines()
        .find(|l| l.contains("comment.restore"))
        .unwrap();
    assert!(
        row.contains("12-05 10:01 sandbox:root") && row.contains("undo of"),
        "{at_80}"
    );
    let at_60 = render(&mut app, 60, 10).to_string();
    let row = at_60
        .lines()
        .find(|l| l.contains("comment.restore"))
        .unwrap();
    assert!(
        row.contains("12-05 10:01 comment.restore comment 205"),
        "{at_60}"
    );
    assert!(
        at_60.contains("not shown for want of room: actor"),
        "{at_60}"
    );
    // Beside the longest action and a user target, the action is cut in its middle before
    // the time goes (at 60 the rows read `action target` alone).
    app.audit.list.items[0].action = "user.set_temporary_password".into();
    app.audit.list.forget_widths();
    let at_60 = render(&mut app, 60, 10).to_string();
    let row = at_60
        .lines()
        .find(|l| l.contains("sandbox:root") || l.contains("12-05 10:01 user.set"))
        .unwrap_or_default();
    assert!(row.contains("12-05 10:01 user.set"), "{at_60}");
    assert!(
        !at_60.contains("not shown for want of room: when"),
        "{at_60}"
    );
    // With room to spare, it is whole.
    let at_120 = render(&mut app, 120, 10).to_string();
    assert!(at_120.contains("user.set_temporary_password"), "{at_120}");
}

#[test]
fn command_line_with_completions_and_help() {
    let (mut app, _) = app_on(PaneId::Users, ctx());
    app.on_key(key(':'));
    typed(&mut app, "a");
    insta::assert_snapshot!("command_line", render(&mut app, 100, 8));
    app.on_key(code(KeyCode::Esc));
    app.on_key(key('?'));
    insta::assert_snapshot!("help", render(&mut app, 100, 40));
    // On a narrow screen a long description wraps once, under itself: no row of the popup
    // goes on at its left edge.
    let narrow = render(&mut app, 60, 40).to_string();
    assert!(narrow.contains("delete the account whole"), "{narrow}");
    let at_edge = narrow
        .lines()
        .filter(|l| {
            l.split('│')
                .nth(1)
                .and_then(|inside| inside.chars().next())
                .is_some_and(|c| c.is_lowercase() || c == '(')
        })
        .count();
    assert_eq!(at_edge, 0, "{narrow}");
}

#[test]
fn error_log_shows_the_chain() {
    let (mut app, _) = app_on(PaneId::Users, ctx());
    app.fail(
        "loading users",
        Failure {
            message: "Cognito is unavailable".into(),
            chain: "Cognito is unavailable: dispatch failure: connection refused".into(),
            refused: false,
            cause: crate::app::Cause::Other,
            said: false,
        },
    );
    app.errors[0].0 = "12:00:00".into();
    app.toasts.clear();
    app.on_key(key('!'));
    insta::assert_snapshot!(render(&mut app, 100, 12));
    // A failure whose causes are its message says it once.
    app.on_key(key('!'));
    app.fail("filter", Failure::new("kind: one of post, comment, user"));
    app.on_key(key('!'));
    let shown = render(&mut app, 100, 12).to_string();
    let logged = shown
        .lines()
        .filter(|l| l.starts_with("\"│") && l.contains("kind: one of post"))
        .count();
    assert_eq!(logged, 1, "{shown}");
    assert!(
        !shown.contains("│         kind: one of post"),
        "no second copy under it: {shown}"
    );
    // A long entry's later rows start under its message, not at the popup's edge.
    app.on_key(key('!'));
    app.fail(
        "write failed",
        Failure::new(
            "deleted 2 objects, 2 failed: b.txt was kept (AccessDenied: Access Denied), and 1 more",
        ),
    );
    app.errors[0].0 = "12:01:00".into();
    app.on_key(key('!'));
    let shown = render(&mut app, 60, 16).to_string();
    let rows: Vec<&str> = shown.lines().collect();
    let at = rows
        .iter()
        .position(|r| r.contains("12:01:00 "))
        .unwrap_or_else(|| panic!("{shown}"));
    let inside = rows[at + 1].split('│').nth(2).unwrap_or_default();
    assert!(
        inside.starts_with("         ") && !inside.trim().is_empty(),
        "{shown}"
    );
}

#[test]
fn a_frame_draws_only_the_visible_rows() {
    let (mut app, first) = app_on(PaneId::Posts, ctx());
    answer_queue(&mut app, &first, vec![], false);
    let c = app.on_key(key('v'));
    answer_posts(
        &mut app,
        &c,
        (0..50_000).map(|i| post(i % 999)).collect(),
        false,
    );
    app.on_key(key('G'));
    let text = format!("{}", render(&mut app, 100, 16));
    assert_eq!(app.posts.posts.selected, 49_999);
    let list = &app.posts.posts;
    assert_eq!(
        list.offset,
        50_000 - list.viewport,
        "the window ends at the selection"
    );
    assert!(text.contains("post body"));
}

#[test]
fn reports_queue_loading() {
    let (mut app, _) = app_on(PaneId::Posts, ctx());
    insta::assert_snapshot!(render(&mut app, 100, 10));
}

#[test]
fn reports_queue_empty_read_only() {
    let (mut app, first) = app_on(PaneId::Posts, read_only());
    answer_queue(&mut app, &first, vec![], false);
    insta::assert_snapshot!(render(&mut app, 100, 10));
}

#[test]
fn posts_failed() {
    let (mut app, first) = app_on(PaneId::Posts, ctx());
    answer_queue(&mut app, &first, vec![], false);
    let c = app.on_key(key('v'));
    let Some(Command::LoadPosts { request, .. }) = c.first().cloned() else {
        panic!("{c:?}")
    };
    app.on_event(AppEvent::PostsLoaded {
        request,
        result: Err(Failure::new("MySQL is unavailable")),
    });
    app.toasts.clear();
    insta::assert_snapshot!(render(&mut app, 100, 10));
}

/// Rows the database could not read are left out of the page and said: under the rows with
/// why the first was, and in the title's count; a page of nothing else says it rather than
/// "No posts." (one broken row emptied the whole list).
#[test]
fn posts_left_out_as_unreadable_are_said() {
    let (mut app, first) = app_on(PaneId::Posts, ctx());
    answer_queue(&mut app, &first, vec![], false);
    let c = app.on_key(key('v'));
    let Some(Command::LoadPosts { request, .. }) = c.first().cloned() else {
        panic!("{c:?}")
    };
    let why = "posts row 41 holds an invalid value: status: unknown value 'quarantined'";
    app.on_event(AppEvent::PostsLoaded {
        request,
        result: Ok(Page {
            items: (0..3).map(post).collect(),
            next: None,
            left_out: vec![why.into(), "posts row 40 holds an invalid value".into()],
        }),
    });
    // Whole in the error log (`!`): the line under the rows is cut to the screen.
    let said = app.last_error.as_deref().expect("said");
    assert!(
        said.contains("2 rows could not be read and are left out; the first: posts row 41 holds an invalid value: status: unknown value 'quarantined'"),
        "{said}"
    );
    assert!(
        app.errors
            .front()
            .is_some_and(|(_, f)| f.chain.contains("posts row 40")),
        "each row in the error log"
    );
    let text = format!("{}", render(&mut app, 120, 12));
    assert!(text.contains("3 loaded · 2 unreadable left out"), "{text}");
    assert!(
        text.contains("2 rows could not be read and are left out; the first: posts row 41 holds"),
        "{text}"
    );
    // Read again: nothing but the broken row.
    let again = app.on_key(crossterm::event::KeyEvent::new(
        KeyCode::Char('r'),
        crossterm::event::KeyModifiers::CONTROL,
    ));
    let Some(Command::LoadPosts { request, .. }) = again.first().cloned() else {
        panic!("{again:?}")
    };
    app.on_event(AppEvent::PostsLoaded {
        request,
        result: Ok(Page {
            items: vec![],
            next: None,
            left_out: vec![why.into()],
        }),
    });
    let text = format!("{}", render(&mut app, 120, 12));
    assert!(!text.contains("No posts."), "{text}");
    assert!(
        text.contains(
            "No posts could be read. 1 row could not be read and is left out: posts row 41"
        ),
        "{text}"
    );
    assert!(text.contains("0 loaded · 1 unreadable left out"), "{text}");
}

#[test]
fn audit_empty_and_failed() {
    let (mut app, first) = app_on(PaneId::Audit, ctx());
    let Some(Command::LoadAudit { request, .. }) = first.first().cloned() else {
        panic!()
    };
    app.on_event(AppEvent::AuditLoaded {
        request,
        result: Ok(Page::new(vec![], None)),
    });
    insta::assert_snapshot!("audit_empty", render(&mut app, 100, 8));
    let again = app.on_key(crossterm::event::KeyEvent::new(
        KeyCode::Char('r'),
        crossterm::event::KeyModifiers::CONTROL,
    ));
    let Some(Command::LoadAudit { request, .. }) = again.first().cloned() else {
        panic!("{again:?}")
    };
    app.on_event(AppEvent::AuditLoaded {
        request,
        result: Err(Failure::new("SQLite database content.db is unavailable")),
    });
    app.toasts.clear();
    insta::assert_snapshot!("audit_failed", render(&mut app, 100, 8));
}

#[test]
fn who_view_over_the_users_pane() {
    let (mut app, start) = app_on(PaneId::Users, ctx());
    answer_users(&mut app, &start, vec![user(1, true)]);
    let mut sent = typed(&mut app, ":who");
    sent.extend(app.on_key(code(KeyCode::Enter)));
    let request = sent
        .iter()
        .find_map(|c| match c {
            Command::LoadWho { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    app.on_event(AppEvent::WhoLoaded {
        request,
        result: Ok(vec![
            "user1  user1@example.com  CONFIRMED  enabled".into(),
            "sub 00000000-0000-4000-8000-000000000001".into(),
            String::new(),
            "Activity".into(),
            "  3 posts · 1 comment · 0 reports filed · 2 reports against".into(),
            String::new(),
            "Objects under profiles/00000000-0000-4000-8000-000000000001/".into(),
            "  1 object, 2048 bytes".into(),
        ]),
    });
    insta::assert_snapshot!(render(&mut app, 100, 16));
    // Narrow, an indented line wraps under its own start, not at the popup's edge.
    let narrow = render(&mut app, 60, 20).to_string();
    let rows: Vec<&str> = narrow.lines().collect();
    let first = rows
        .iter()
        .position(|r| r.contains("3 posts"))
        .unwrap_or_else(|| panic!("{narrow}"));
    // Inside the popup, which sits inside the pane's borders.
    let inside = |row: &str| row.split('│').nth(2).unwrap_or_default().to_string();
    assert!(inside(rows[first]).starts_with("  3 posts"), "{narrow}");
    assert!(
        inside(rows[first + 1]).starts_with("  ") && !inside(rows[first + 1]).starts_with("   "),
        "the row after it starts under it:\n{narrow}"
    );
}

#[test]
fn status_bar_shows_throttling_while_the_list_loads() {
    let (mut app, _) = app_on(PaneId::Users, ctx());
    app.throttled = Some("AWS throttled ×3 (Cognito ListUsers)".into());
    insta::assert_snapshot!(render(&mut app, 100, 8));
}

/// The status bar's key hint shows whole or shorter, never cut inside a word.
#[test]
fn the_status_bar_hint_is_whole_or_shorter_while_requests_are_pending() {
    let (mut app, _) = app_on(PaneId::Users, ctx());
    app.throttled = Some("AWS throttled ×3 (Cognito ListUsers)".into());
    // The status bar: the row above the bottom line.
    let bar = |app: &mut App, width: u16| {
        let backend = render(app, width, 8);
        let buffer = backend.buffer();
        (0..width)
            .map(|x| buffer[(x, 6)].symbol().to_string())
            .collect::<String>()
    };
    let wide = bar(&mut app, 140);
    assert!(wide.contains("? help  q quit"), "{wide}");
    let mut seen_short = false;
    for width in 60..140 {
        let row = bar(&mut app, width);
        let bare = row.trim_end();
        assert!(
            bare.ends_with("q quit") || bare.ends_with("? help") || !bare.contains("? h"),
            "cut at {width}: {row}"
        );
        assert!(!bare.ends_with(" q"), "cut at {width}: {row}");
        seen_short |= bare.ends_with("? help");
    }
    assert!(seen_short, "some width shows the short form");
}

#[test]
fn a_long_error_on_a_narrow_status_bar_pushes_out_who_and_where() {
    let (mut app, _) = app_on(PaneId::Users, ctx());
    app.fail(
        "write failed",
        Failure::new("hide: 0 done, 1 failed: the database is unavailable"),
    );
    let text = format!("{:?}", render(&mut app, 110, 8));
    assert!(
        text.contains("the database is unavailable  (! details)"),
        "the whole error shows:\n{text}"
    );
    assert!(
        !text.contains("sandbox:ops"),
        "the operator gave way:\n{text}"
    );
    // With room for both, both show.
    let text = format!("{:?}", render(&mut app, 160, 8));
    assert!(text.contains("sandbox:ops") && text.contains("the database is unavailable"));
}

#[test]
fn reasons_read_with_their_counts_at_most_three_each_cut_to_its_room() {
    use backoffice_domain::model::ReasonCount;
    let r = |reason: &str, count: i64| ReasonCount {
        reason: reason.into(),
        count,
    };
    assert_eq!(
        crate::ui::posts::reasons_label(&[r("spam", 12), r("harassment", 3)]),
        "12× spam · 3× harassment"
    );
    let many = [
        r("spam", 4),
        r("a very long reason a reporter typed out in full", 3),
        r("nudity", 2),
        r("other", 1),
        r("impersonation", 1),
    ];
    assert_eq!(
        crate::ui::posts::reasons_label(&many),
        "4× spam · 3× a very long… · 2× nudity · +2 more"
    );
    // One reason alone keeps more of its words.
    assert_eq!(
        crate::ui::posts::reasons_label(&many[1..2]),
        "3× a very long reason a re…"
    );
}

/// A report on a person opens their profile: the fields a moderator judges, the reports on
/// them, their latest posts; `x` asks which fields to clear (those that hold something are
/// offered) and sends the clear.
/// Beside the avatar a post's text ends where its row does, a column short of the image (it
/// ran into the image and wrapped under it).
#[test]
fn a_profile_s_posts_keep_to_their_rows_beside_the_avatar() {
    use crate::app::posts::ProfileData;
    use crate::app::storage::Preview;
    use backoffice_domain::model::{Target, UserProfile, UserSub};
    use backoffice_domain::services::profiles::ProfileSheet;
    let (mut app, first) = app_on(PaneId::Posts, ctx());
    let sub = UserSub::parse("28670a44-8793-432a-b6b9-f3d2b30803c6").unwrap();
    let mut reported = group(1, 2);
    reported.target = Target::User(sub.clone());
    answer_queue(&mut app, &first, vec![reported], false);
    let sent = app.on_key(code(KeyCode::Enter));
    let [Command::LoadProfile { request, .. }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    let at = Utc.with_ymd_and_hms(2026, 11, 27, 6, 17, 0).unwrap();
    let mut long = post(7);
    long.body = "Anyone else watching the meteor shower tonight? What do you all think of it, \
                 and where is the best place to see it from in the city centre?"
        .into();
    let image = image::DynamicImage::new_rgb8(32, 32);
    app.on_event(AppEvent::ProfileLoaded {
        request: *request,
        result: Ok(ProfileData {
            sheet: ProfileSheet {
                sub: sub.clone(),
                profile: Some(UserProfile {
                    sub: sub.clone(),
                    email: Some("nora@example.com".into()),
                    display_name: Some("Nora".into()),
                    bio: None,
                    profile_image_key: Some("profiles/x/a.png".into()),
                    created_at: at,
                    updated_at: at,
                }),
                posts: vec![long],
                comments: vec![],
                reports: vec![],
            },
            avatar: Some(Preview::Image {
                image: std::sync::Arc::new(image),
                source: "original".into(),
                width: 32,
                height: 32,
            }),
        }),
    });
    let text = render(&mut app, 120, 32).to_string();
    let rows: Vec<&str> = text.lines().collect();
    let at = rows
        .iter()
        .position(|r| r.contains("Latest posts"))
        .unwrap_or_else(|| panic!("{text}"))
        + 1;
    assert!(rows[at].contains('…'), "cut to its row: {}", rows[at]);
    assert!(rows[at + 1].contains("Latest comments"), "{text}");
}

/// A reported person without a profile row: the sheet names them as the pool does, as the
/// queue's row did (it said only that there was no row).
#[test]
fn a_profile_sheet_without_a_row_names_the_account_from_the_pool() {
    use crate::app::posts::ProfileData;
    use backoffice_domain::model::UserSub;
    use backoffice_domain::services::profiles::ProfileSheet;
    let (mut app, first) = app_on(PaneId::Posts, ctx());
    let sub = UserSub::parse("6eee1d2c-4f2b-4c86-9a53-1e029e7da04c").unwrap();
    let mut reported = group(1, 2);
    reported.target = Target::User(sub.clone());
    let mut asked = answer_queue(&mut app, &first, vec![reported], false);
    let sent = app.on_key(code(KeyCode::Enter));
    let request = match sent.as_slice() {
        [Command::LoadProfile { request, .. }] => *request,
        other => panic!("the profile is loaded: {other:?}"),
    };
    app.on_event(AppEvent::ProfileLoaded {
        request,
        result: Ok(ProfileData {
            sheet: ProfileSheet {
                sub: sub.clone(),
                profile: None,
                posts: vec![],
                comments: vec![],
                reports: vec![],
            },
            avatar: None,
        }),
    });
    render(&mut app, 110, 16);
    asked.extend(app.after_draw());
    let Some(Command::LoadNames { request, .. }) = asked
        .iter()
        .find(|c| matches!(c, Command::LoadNames { subs, .. } if subs.contains(&sub)))
        .cloned()
    else {
        panic!("the person is looked up: {asked:?}")
    };
    app.on_event(AppEvent::NamesLoaded {
        request,
        result: Ok(vec![(sub, "noprof@example.com".into())]),
    });
    let shown = render(&mut app, 110, 16).to_string();
    assert!(
        shown.contains("no profile row; the pool knows the account as noprof@example.com"),
        "{shown}"
    );
}

/// A display name that passes for another's (`Аnn Lee`, a Cyrillic `А`) is marked where an
/// impersonation is judged: the queue's row, the profile sheet and the clear dialog's title.
#[test]
fn a_look_alike_display_name_is_marked_in_the_queue_and_the_profile() {
    use crate::app::posts::ProfileData;
    use backoffice_domain::model::{Target, TargetSummary, UserProfile, UserSub};
    use backoffice_domain::services::profiles::ProfileSheet;
    let (mut app, first) = app_on(PaneId::Posts, ctx());
    let sub = UserSub::parse("28670a44-8793-432a-b6b9-f3d2b30803c6").unwrap();
    let mut reported = group(1, 2);
    reported.target = Target::User(sub.clone());
    let mut item = crate::app::tests::queued(reported);
    item.summary = Some(TargetSummary {
        target: Target::User(sub.clone()),
        author_sub: Some(sub.clone()),
        excerpt: "\u{410}nn Lee".into(),
        status: None,
    });
    crate::app::tests::answer_queue_items(&mut app, &first, vec![item], None);
    let shown = render(&mut app, 120, 10).to_string();
    let row = shown.lines().find(|l| l.contains("user ")).unwrap();
    assert!(row.contains("<U+0410>nn Lee"), "{row}");
    let sent = app.on_key(code(KeyCode::Enter));
    let request = match sent.as_slice() {
        [Command::LoadProfile { request, .. }] => *request,
        other => panic!("the profile is loaded: {other:?}"),
    };
    let at = Utc.with_ymd_and_hms(2026, 11, 27, 6, 17, 0).unwrap();
    app.on_event(AppEvent::ProfileLoaded {
        request,
        result: Ok(ProfileData {
            sheet: ProfileSheet {
                sub: sub.clone(),
                profile: Some(UserProfile {
                    sub: sub.clone(),
                    email: None,
                    display_name: Some("\u{410}nn Lee".into()),
                    bio: None,
                    profile_image_key: None,
                    created_at: at,
                    updated_at: at,
                }),
                posts: vec![],
                comments: vec![],
                reports: vec![],
            },
            avatar: None,
        }),
    });
    let sheet = render(&mut app, 110, 22).to_string();
    assert!(sheet.contains("display name <U+0410>nn Lee"), "{sheet}");
    app.on_key(key('x'));
    let Some(crate::app::Overlay::Dialog(d)) = &app.overlay else {
        panic!("x asks which fields");
    };
    let title = &d.proposal.title;
    assert!(title.contains("<U+0410>nn Lee"), "{title}");
}

#[test]
fn a_user_report_opens_the_profile_and_x_clears_fields() {
    use crate::app::posts::ProfileData;
    use backoffice_domain::model::{
        ProfileField, Report, ReportId, ReportStatus, Target, UserProfile, UserSub,
    };
    use backoffice_domain::services::profiles::ProfileSheet;
    let (mut app, first) = app_on(PaneId::Posts, ctx());
    let sub = UserSub::parse("28670a44-8793-432a-b6b9-f3d2b30803c6").unwrap();
    let mut reported = group(1, 2);
    reported.target = Target::User(sub.clone());
    // Another row of the queue is marked: the profile's keys must not act on it.
    answer_queue(&mut app, &first, vec![reported, group(2, 1)], false);
    app.on_key(key('j'));
    app.on_key(key(' '));
    app.on_key(key('k'));
    let sent = app.on_key(code(KeyCode::Enter));
    let request = match sent.as_slice() {
        [Command::LoadProfile { request, sub: s }] if *s == sub => *request,
        other => panic!("the profile is loaded: {other:?}"),
    };
    let at = Utc.with_ymd_and_hms(2026, 11, 27, 6, 17, 0).unwrap();
    let report = |id: i64, reason: &str, status| Report {
        id: ReportId::new(id).unwrap(),
        target: Target::User(sub.clone()),
        reporter_sub: UserSub::parse("81cc9341-25b7-4b45-89a4-7f282952d430").unwrap(),
        reason: reason.into(),
        note: Some("copies a moderator's name".into()),
        status,
        created_at: at,
        resolved_by: None,
        resolved_at: None,
    };
    let sheet = ProfileSheet {
        sub: sub.clone(),
        profile: Some(UserProfile {
            sub: sub.clone(),
            email: Some("nora@example.com".into()),
            display_name: Some("Admin \u{202e}Nora\u{202c} 🎉".into()),
            bio: Some("line one\nline \u{1b}[31mtwo\u{1b}[0m with \"quotes\"".into()),
            profile_image_key: None,
            created_at: at,
            updated_at: at,
        }),
        posts: vec![post(7)],
        comments: vec![],
        reports: vec![
            report(2, "impersonation", ReportStatus::Open),
            report(1, "spam", ReportStatus::Dismissed),
        ],
    };
    app.on_event(AppEvent::ProfileLoaded {
        request,
        result: Ok(ProfileData {
            sheet,
            avatar: None,
        }),
    });
    insta::assert_snapshot!(render(&mut app, 110, 22));
    // Longer than the pane at 16 rows: it says which lines show, and `J` moves half of them.
    let short = render(&mut app, 110, 16).to_string();
    assert!(short.contains(" lines 1–"), "{short}");
    let rows = app.posts.profile.as_ref().unwrap().rows;
    app.on_key(key('J'));
    assert_eq!(app.posts.profile.as_ref().unwrap().scroll, rows / 2);
    let moved = render(&mut app, 110, 16).to_string();
    assert!(
        moved.contains(&format!(" lines {}–", rows / 2 + 1)),
        "{moved}"
    );
    app.on_key(key('g'));

    app.on_key(key('x'));
    let Some(crate::app::Overlay::Dialog(d)) = &app.overlay else {
        panic!("x asks which fields");
    };
    assert_eq!(
        d.input1.text(),
        "display_name, bio",
        "the fields that hold something"
    );
    // A field that holds nothing is refused in the dialog, not by the store.
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    typed(&mut app, "avatar");
    assert!(app.on_key(code(KeyCode::Enter)).is_empty());
    let Some(crate::app::Overlay::Dialog(d)) = &app.overlay else {
        panic!("still open");
    };
    assert_eq!(d.problem.as_deref(), Some("the avatar is already empty"));
    // Only the bio.
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    typed(&mut app, "bio");
    // The dialog says the display name stays (it listed it as cleared).
    let shown = render(&mut app, 110, 30).to_string();
    assert!(
        shown.contains("left alone: the display name (not among the fields typed)"),
        "{shown}"
    );
    assert!(shown.contains("bio: \"line one"), "{shown}");
    app.on_key(code(KeyCode::Tab));
    app.on_key(code(KeyCode::Down));
    let sent = app.on_key(code(KeyCode::Enter));
    assert!(
        matches!(
            sent.as_slice(),
            [Command::Write { operation: crate::ops::Operation::ClearProfile { sub: s, fields, seen }, .. }]
                if *s == sub && fields == &[ProfileField::Bio]
                    && seen.iter().any(|(f, v)| *f == ProfileField::Bio && v.as_deref().is_some_and(|b| b.starts_with("line one")))
        ),
        "{sent:?}"
    );
    // `s` closes the reports on the person shown, not on the marked row beneath.
    app.on_key(key('s'));
    let Some(crate::app::Overlay::Dialog(d)) = &app.overlay else {
        panic!("s asks first");
    };
    assert!(
        matches!(
            &d.proposal.form,
            crate::app::dialog::Form::Ready(crate::ops::Operation::ResolveReports { targets, .. })
                if targets == &[Target::User(sub.clone())]
        ),
        "{:?}",
        d.proposal.form
    );
    app.on_key(code(KeyCode::Esc));
    // esc leaves the profile for the queue.
    app.on_key(code(KeyCode::Esc));
    assert!(app.posts.profile.is_none());
}

/// The screen column where `text` starts on `row` of what was drawn.
fn column_of(backend: &TestBackend, row: u16, text: &str) -> u16 {
    let buffer = backend.buffer();
    let line: String = (0..buffer.area.width)
        .map(|x| buffer[(x, row)].symbol().to_string())
        .collect();
    let at = line
        .find(text)
        .unwrap_or_else(|| panic!("{text} on row {row}: {line}"));
    line[..at].chars().count() as u16
}

fn click(app: &mut App, column: u16, row: u16) -> Vec<Command> {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    app.on_mouse(
        MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        },
        super::LIST_TOP,
    )
}

/// A click on a header sorts by its column: Users' loaded rows (Cognito sorts nothing),
/// the posts list by the store's order for its creation column and by the loaded rows for the
/// others, saying which; a click on a tab opens that pane.
#[test]
fn header_clicks_sort_by_the_column_and_say_how() {
    let (mut app, first) = app_on(PaneId::Users, ctx());
    let mut users: Vec<_> = (1..=3).map(|i| user(i, true)).collect();
    users[0].email = Some("zed@example.com".into());
    users[2].email = Some("amy@example.com".into());
    answer_users(&mut app, &first, users);
    let drawn = render(&mut app, 110, 12);
    let header = super::LIST_TOP;
    let email = column_of(&drawn, header, "email");
    click(&mut app, email + 1, header);
    let emails: Vec<_> = app
        .users
        .list
        .items
        .iter()
        .map(|u| u.email.clone().unwrap())
        .collect();
    assert_eq!(
        emails,
        ["amy@example.com", "user2@example.com", "zed@example.com"]
    );
    assert!(
        app.toasts
            .back()
            .unwrap()
            .text
            .contains("the rows loaded so far"),
        "{:?}",
        app.toasts.back()
    );
    click(&mut app, email, header);
    assert_eq!(
        app.users.list.items[0].email.as_deref(),
        Some("zed@example.com"),
        "the same header again turns the order round"
    );

    // The posts list: the creation header asks the store for the other order.
    let posts_tab = column_of(&drawn, 0, "Posts");
    let opened = click(&mut app, posts_tab + 1, 0);
    assert_eq!(app.pane, PaneId::Posts);
    let queue = opened;
    answer_queue(&mut app, &queue, vec![group(1, 1)], false);
    let to_posts = app.on_key(key('v'));
    answer_posts(&mut app, &to_posts, (1..=3).map(post).collect(), false);
    let drawn = render(&mut app, 110, 12);
    let created = column_of(&drawn, header, "created");
    let sent = click(&mut app, created, header);
    assert!(
        matches!(sent.as_slice(), [Command::LoadPosts { filter, cursor: None, .. }] if filter.oldest_first),
        "{sent:?}"
    );
    assert_eq!(
        app.posts.filter_text, "order:oldest",
        "saved views keep the order"
    );
    answer_posts(&mut app, &sent, (1..=3).rev().map(post).collect(), false);
    app.toasts.clear();
    let drawn = render(&mut app, 110, 12);
    assert!(
        (0..3).any(|row| {
            let b = drawn.buffer();
            (0..b.area.width)
                .map(|x| b[(x, row)].symbol().to_string())
                .collect::<String>()
                .contains("oldest first")
        }),
        "the title says the order"
    );
    let text = column_of(&drawn, header, "text");
    assert!(
        click(&mut app, text, header).is_empty(),
        "loaded rows only: nothing asked"
    );
    assert!(
        app.toasts
            .back()
            .unwrap()
            .text
            .contains("store orders posts by creation only")
    );
}

/// A deletion of a user with a 120-character name on an 80×24 terminal: the name to type has
/// a line of its own, the field a whole row, and what is typed, the reason and the way out are
/// on screen; the list of changes gives way and says how much it left out.
#[test]
fn a_deletion_dialog_on_a_short_terminal_keeps_its_fields_in_view() {
    use backoffice_domain::model::{CommentId, UserSub, Username};
    use backoffice_domain::services::erase::{Plan, Step};
    let (mut app, _) = app_on(PaneId::Users, ctx());
    let long = format!("{}-long-{}", "u".repeat(60), "v".repeat(54));
    let mut steps = vec![Step::Block];
    steps.extend((1..=40).map(|i| Step::RemoveComment {
        id: CommentId::new(i).unwrap(),
    }));
    steps.extend([Step::DeleteProfile, Step::DeleteUser]);
    let plan = Plan {
        username: Username::parse(&long).unwrap(),
        sub: UserSub::parse("00000000-0000-4000-8000-000000000007").unwrap(),
        contact: None,
        steps,
        bucket: None,
        settle: std::time::Duration::ZERO,
    };
    let proposal =
        crate::app::shell::deletion_proposal(plan, format!("backoffice-user-{long}.json").into());
    let mut d = crate::app::dialog::Dialog::new(proposal, None);
    d.focus = crate::app::dialog::Field::TypedName;
    d.typed_name.set_text("uuuTYPED");
    app.overlay = Some(crate::app::Overlay::Dialog(Box::new(d)));
    // A toast showing meanwhile stays under the dialog, not across one of its rows.
    app.toast("planning the deletion of a user with a very long name");
    let shown = render(&mut app, 80, 24).to_string();
    assert!(!shown.contains("planning the deletion"), "{shown}");
    for wanted in [
        "type this name to confirm:",
        "-long-vvvv",
        "name: uuuTYPED",
        "more: pgdn shows them",
        "reason: ‹",
        "enter confirm",
    ] {
        assert!(shown.contains(wanted), "{wanted} missing:\n{shown}");
    }
}

/// The console with a dialog deleting `count` objects (`object-01: deleted` …) open, `after`
/// under its changes.
fn deleting_objects(count: usize, after: Vec<String>) -> App {
    use crate::app::dialog::{Dialog, Form, Proposal};
    let (mut app, _) = app_on(PaneId::Users, ctx());
    let proposal = Proposal {
        verb: format!("delete {count} objects"),
        title: format!("Delete {count} objects"),
        changes: (1..=count)
            .map(|i| format!("object-{i:02}: deleted"))
            .collect(),
        form: Form::Ready(crate::ops::Operation::DeleteObjects {
            bucket: backoffice_domain::model::BucketName::parse("media").unwrap(),
            keys: vec!["a".into()],
            unaudited: false,
            seen: Default::default(),
        }),
        type_to_confirm: None,
        after,
        reasons: &["cleanup"],
    };
    app.overlay = Some(crate::app::Overlay::Dialog(Box::new(Dialog::new(
        proposal, None,
    ))));
    app
}

/// A dialog listing more changes than fit says how many are left and `pgdn` / `pgup` page
/// through them; the fields stay where they are.
#[test]
fn a_dialog_pages_through_changes_that_do_not_fit() {
    let mut app = deleting_objects(30, Vec::new());
    let shown = render(&mut app, 100, 40).to_string();
    assert!(shown.contains("object-12: deleted"), "{shown}");
    assert!(!shown.contains("object-13"), "{shown}");
    assert!(shown.contains("… 18 more: pgdn shows them"), "{shown}");
    app.on_key(KeyEvent::from(KeyCode::PageDown));
    let shown = render(&mut app, 100, 40).to_string();
    assert!(shown.contains("(12 above: pgup)"), "{shown}");
    assert!(shown.contains("object-13: deleted"), "{shown}");
    assert!(shown.contains("object-24: deleted"), "{shown}");
    assert!(shown.contains("… 6 more"), "{shown}");
    // The last page ends on the last change, as full as the others.
    app.on_key(KeyEvent::from(KeyCode::PageDown));
    let shown = render(&mut app, 100, 40).to_string();
    assert!(shown.contains("(18 above: pgup)"), "{shown}");
    assert!(shown.contains("object-19: deleted"), "{shown}");
    assert!(shown.contains("object-30: deleted"), "{shown}");
    assert!(!shown.contains("more: pgdn"), "{shown}");
    assert!(shown.contains("reason:"), "{shown}");
    app.on_key(KeyEvent::from(KeyCode::PageDown));
    let again = render(&mut app, 100, 40).to_string();
    assert_eq!(again, shown, "the end stays the end");
    // On a short terminal fewer fit, and the pages are as long as what fits.
    app.on_key(KeyEvent::from(KeyCode::PageUp));
    app.on_key(KeyEvent::from(KeyCode::PageUp));
    let shown = render(&mut app, 60, 14).to_string();
    assert!(shown.contains("object-01"), "{shown}");
    assert!(shown.contains("more: pgdn shows them"), "{shown}");
    assert!(shown.contains("enter confirm"), "{shown}");
    app.on_key(KeyEvent::from(KeyCode::PageDown));
    let shown = render(&mut app, 60, 14).to_string();
    assert!(!shown.contains("object-01"), "{shown}");
    assert!(shown.contains("above: pgup"), "{shown}");
}

/// What follows the changes (whether they can be undone) is drawn under them on every page of
/// a dialog too long for the screen, and is not counted among them (it was the last change,
/// behind `… 14 more`).
#[test]
fn what_follows_the_changes_stays_in_view_on_every_page() {
    let mut app = deleting_objects(
        20,
        vec!["the bucket keeps no versions: this cannot be undone".into()],
    );
    for _ in 0..3 {
        let shown = render(&mut app, 80, 24).to_string();
        assert!(shown.contains("this cannot be undone"), "{shown}");
        assert!(shown.contains("enter confirm"), "{shown}");
        app.on_key(KeyEvent::from(KeyCode::PageDown));
    }
    app.on_key(KeyEvent::from(KeyCode::PageUp));
    app.on_key(KeyEvent::from(KeyCode::PageUp));
    app.on_key(KeyEvent::from(KeyCode::PageUp));
    let shown = render(&mut app, 80, 24).to_string();
    let more: usize = shown
        .split("… ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{shown}"));
    let listed = shown.matches(": deleted").count();
    assert_eq!(listed + more, 20, "{shown}");
}

/// One change taller than the screen (a 900-character key at 60×20) is cut in its middle, so
/// the consequence, the reason field and the way out stay in view: drawn whole it pushed them
/// below the screen while typing still went into the field.
#[test]
fn a_change_too_tall_for_the_screen_is_cut_and_the_fields_stay() {
    let mut app = deleting_objects(
        1,
        vec!["the bucket keeps no versions: this cannot be undone".into()],
    );
    if let Some(crate::app::Overlay::Dialog(d)) = &mut app.overlay {
        d.proposal.changes = vec![format!(
            "s3://media/odd/long-key-{}-end.txt (869 B, etag 9a0364b9e99bb480dd25e1f0284c8555): deleted",
            "segment-".repeat(110)
        )];
    }
    for (width, height) in [(60, 20), (80, 24), (40, 12)] {
        let shown = render(&mut app, width, height).to_string();
        assert!(
            shown.contains("s3://media/odd/lo"),
            "{width}×{height}: {shown}"
        );
        assert!(shown.contains("deleted"), "{width}×{height}: {shown}");
        if height < 24 {
            assert!(shown.contains("…"), "{width}×{height}: {shown}");
        }
        assert!(
            shown.contains("cannot be undone"),
            "{width}×{height}: {shown}"
        );
        assert!(shown.contains("reason"), "{width}×{height}: {shown}");
        assert!(shown.contains("esc cancel"), "{width}×{height}: {shown}");
    }
    // Where it fits, it is whole.
    let shown = render(&mut app, 200, 60).to_string();
    assert!(shown.matches("segment-").count() >= 90, "{shown}");
    assert!(shown.contains("--end.txt"), "{shown}");
}

/// A resolved report's line leads with when it was resolved, then says when it was filed and
/// by whom it was resolved (`actioned 2026-01-12 10:14` read as the resolution, which was the
/// filing); an open one reads as before.
#[test]
fn a_resolved_reports_line_says_when_it_was_resolved_and_filed() {
    let filed = Utc.with_ymd_and_hms(2026, 1, 12, 10, 14, 0).unwrap();
    let mut r = Report {
        id: ReportId::new(7).unwrap(),
        target: Target::Post(PostId::new(2).unwrap()),
        reporter_sub: backoffice_domain::model::UserSub::parse(
            "81cc9341-25b7-4b45-89a4-7f282952d430",
        )
        .unwrap(),
        reason: "harassment".into(),
        note: None,
        status: ReportStatus::Actioned,
        created_at: filed,
        resolved_by: Some("user/moto".into()),
        resolved_at: Some(Utc.with_ymd_and_hms(2026, 12, 5, 15, 25, 0).unwrap()),
    };
    let text = |r: &Report| -> String {
        super::posts::report_line(
            r,
            &crate::app::names::Names::default(),
            &Theme::default_dark(),
            200,
        )
        .iter()
        .map(|l| l.to_string())
        .collect()
    };
    let resolved = text(&r);
    assert!(
        resolved.starts_with("actioned 2026-12-05 15:25 harassment"),
        "{resolved}"
    );
    assert!(
        resolved.ends_with(" · filed 2026-01-12 10:14 · actioned by user/moto"),
        "{resolved}"
    );
    r.status = ReportStatus::Open;
    r.resolved_by = None;
    r.resolved_at = None;
    let open = text(&r);
    assert!(
        open.starts_with("open 2026-01-12 10:14 harassment"),
        "{open}"
    );
    assert!(!open.contains("filed"), "{open}");
}

/// A dialog's problem holding a 900-character path is cut in its middle to a few rows, so
/// the way out stays on the screen (the sandbox's refusal of a long key filled an upload
/// dialog at 60×20 and pushed `enter confirm` below it).
#[test]
fn a_long_problem_is_cut_and_the_way_out_stays() {
    let mut app = deleting_objects(1, Vec::new());
    let path = format!(
        "/tmp/sandbox/objects/media/odd/.~long-key-{}end.txt",
        "segment-".repeat(110)
    );
    if let Some(crate::app::Overlay::Dialog(d)) = &mut app.overlay {
        d.problem = Some(format!(
            "sandbox file {path}: File name too long (os error 36)"
        ));
    }
    let shown = render(&mut app, 60, 20).to_string();
    assert!(shown.contains("✗ sandbox file"), "{shown}");
    assert!(shown.contains("/tmp/sandbox/objects/"), "{shown}");
    assert!(shown.contains("(os error 36)"), "{shown}");
    assert!(shown.contains("esc cancel"), "{shown}");
}

/// A group dialog's change names the group as it is typed ("the group typed" until then).
#[test]
fn a_group_dialog_names_the_group_as_it_is_typed() {
    use backoffice_domain::model::{GroupName, Username};
    let (mut app, _) = app_on(PaneId::Users, ctx());
    let g = |n: &str| GroupName::parse(n).unwrap();
    let proposal = crate::app::shell::group_proposal(
        Username::parse("user4").unwrap(),
        "user4",
        true,
        vec![g("staff")],
        Some(vec![g("admins"), g("staff")]),
    )
    .unwrap();
    app.overlay = Some(crate::app::Overlay::Dialog(Box::new(
        crate::app::dialog::Dialog::new(proposal, None),
    )));
    let shown = render(&mut app, 100, 30).to_string();
    assert!(shown.contains("added to the group typed"), "{shown}");
    typed(&mut app, "adm");
    app.on_key(KeyEvent::from(KeyCode::Tab));
    let shown = render(&mut app, 100, 30).to_string();
    assert!(
        shown.contains("user4: added to group admins (in staff now)"),
        "{shown}"
    );
}

/// At 40×12 a dialog over many marked rows keeps its fields and its keys whole: the reason's
/// hint gives way, the changes page.
#[test]
fn a_dialog_on_a_40_by_12_terminal_keeps_its_keys() {
    let (mut app, first) = app_on(PaneId::Posts, ctx());
    answer_queue(
        &mut app,
        &first,
        (1..=20).map(|i| group(i, 2)).collect(),
        false,
    );
    for _ in 0..20 {
        app.on_key(key(' '));
    }
    app.on_key(key('x'));
    let shown = render(&mut app, 40, 12).to_string();
    assert!(shown.contains("esc cancel"), "{shown}");
    assert!(shown.contains("reason: ‹ none picked ›"), "{shown}");
    assert!(shown.contains("pgdn"), "{shown}");
    assert!(!shown.contains("or type it"), "the hint gave way: {shown}");
}

/// An attribute dialog's change names the attribute, what it holds and what is typed.
#[test]
fn an_attribute_dialog_says_the_change_as_it_is_typed() {
    use crate::app::dialog::{ATTRIBUTE_TYPED, Dialog, Form, Proposal};
    use backoffice_domain::model::Username;
    let (mut app, _) = app_on(PaneId::Users, ctx());
    let proposal = Proposal {
        verb: "edit an attribute".into(),
        title: "Edit an attribute".into(),
        changes: vec![format!("ann.lee: {ATTRIBUTE_TYPED}")],
        form: Form::Attribute {
            username: Username::parse("ann.lee").unwrap(),
            current: vec![
                ("name".into(), "Ann Lee".into()),
                ("email".into(), "ann.lee@example.com".into()),
            ],
        },
        type_to_confirm: None,
        after: Vec::new(),
        reasons: &["support request"],
    };
    let mut d = Dialog::new(proposal, None);
    d.input1.set_text("name");
    d.input2.set_text("Ann Lee-Smith");
    app.overlay = Some(crate::app::Overlay::Dialog(Box::new(d)));
    let shown = render(&mut app, 100, 30).to_string();
    assert!(
        shown.contains("ann.lee: name \"Ann Lee\" → \"Ann Lee-Smith\""),
        "{shown}"
    );
    // An attribute the user does not have yet.
    if let Some(crate::app::Overlay::Dialog(d)) = &mut app.overlay {
        d.input1.set_text("phone_number");
        d.input2.set_text("");
    }
    let shown = render(&mut app, 100, 30).to_string();
    assert!(
        shown.contains("ann.lee: phone_number (none) → the value typed"),
        "{shown}"
    );
}

/// Help in the audit log says what its keys do there: `u` undoes the row (not Storage's
/// upload), `space` marks nothing.
#[test]
fn audit_help_says_what_its_keys_do_there() {
    let (mut app, _) = app_on(PaneId::Audit, ctx());
    app.on_key(key('?'));
    let text = render(&mut app, 100, 40).to_string();
    assert!(text.contains("undo the selected row"), "{text}");
    assert!(text.contains("nothing: an undo acts on one row"), "{text}");
    assert!(!text.contains("upload a file here"), "{text}");
    // The open row's scroll keys, which its title names.
    assert!(text.contains("scroll the open row down"), "{text}");
}

/// A read that failed because the thing is gone does not say to try again as if it could
/// help; any other failure does.
#[test]
fn a_failed_read_says_what_to_do() {
    use backoffice_domain::DomainError;
    let gone = crate::app::Failure::from(DomainError::NotFound("post 12".into()));
    assert_eq!(
        super::try_again(&gone, "ctrl-r"),
        "It is not there (deleted, or never was); ctrl-r reads again."
    );
    let down = crate::app::Failure::from(DomainError::unavailable("the database", "refused"));
    assert_eq!(
        super::try_again(&down, "ctrl-r"),
        "Press ctrl-r to try again."
    );
    // A setting only a restart can mend is not offered a retry.
    let unset = crate::app::Failure::from(DomainError::Unavailable {
        what: "the database (… needs ${DB_PW}, which is not set)".into(),
        source: Some(Box::new(crate::app::Unconfigured("needs ${DB_PW}".into()))),
    });
    assert_eq!(
        super::try_again(&unset, "ctrl-r"),
        "Reading again cannot help: quit, mend the setting, and start again."
    );
    // Told by what failed, not by its words: a message that ends as a 404's does is not one.
    let worded = crate::app::Failure::new("the key name was not found");
    assert_eq!(
        super::try_again(&worded, "ctrl-r"),
        "Press ctrl-r to try again."
    );
}

/// Below the smallest size the console says so, and keys wait (a dialog at 30×10 drew none
/// of its fields while keys went into them); `q` still quits, and at a usable size the keys
/// act again.
#[test]
fn a_terminal_too_small_says_so_and_keys_wait() {
    let (mut app, _) = app_on(PaneId::Users, ctx());
    let text = render(&mut app, 30, 10).to_string();
    assert!(text.contains("The terminal is 30×10"), "{text}");
    assert!(app.too_small);
    assert!(app.on_key(key(':')).is_empty());
    assert!(app.prompt.is_none(), "the key waited");
    render(&mut app, 80, 24);
    app.on_key(key(':'));
    assert!(app.prompt.is_some());
    app.on_key(code(KeyCode::Esc));
    render(&mut app, 30, 10);
    app.on_key(key('q'));
    assert!(app.quit);
}

/// A wide character left of a popup loses its second half under the popup's border; the
/// terminal would otherwise draw it over the border. Its first half is blanked.
#[test]
fn a_popup_blanks_a_wide_character_hanging_over_its_edge() {
    let mut terminal = Terminal::new(TestBackend::new(10, 2)).unwrap();
    terminal
        .draw(|f| {
            f.render_widget(ratatui::widgets::Paragraph::new("ab🦀cdefgh"), f.area());
            super::clear(f, ratatui::layout::Rect::new(3, 0, 5, 2));
        })
        .unwrap();
    let row: String = (0..10)
        .map(|x| terminal.backend().buffer()[(x, 0)].symbol().to_string())
        .collect();
    assert_eq!(row, "ab      gh");
}

/// When the names of the authors arrive, the author column is sized by the names (it kept a
/// sub's width, then jumped narrower when scrolled).
#[test]
fn the_author_column_narrows_to_the_names_when_they_arrive() {
    let (mut app, first) = app_on(PaneId::Posts, ctx());
    answer_queue(&mut app, &first, vec![], false);
    let c = app.on_key(key('v'));
    let c = answer_posts(&mut app, &c, vec![post(1), post(2)], false);
    let header_gap = |app: &mut App| {
        let text = render(app, 140, 12).to_string();
        let header = text
            .lines()
            .find(|l| l.contains("author"))
            .unwrap_or_else(|| panic!("{text}"))
            .to_string();
        let after = header.split("author").nth(1).unwrap_or_default();
        after.len() - after.trim_start().len()
    };
    let with_subs = header_gap(&mut app);
    assert!(with_subs >= 30, "a sub is 36 wide: {with_subs}");
    let Some(Command::LoadNames { request, subs }) = c
        .iter()
        .find(|c| matches!(c, Command::LoadNames { .. }))
        .cloned()
    else {
        panic!("{c:?}")
    };
    app.on_event(AppEvent::NamesLoaded {
        request,
        result: Ok(subs
            .iter()
            .map(|s| (s.clone(), "Ann".to_string()))
            .collect()),
    });
    let with_names = header_gap(&mut app);
    assert!(with_names < 10, "sized by the names: {with_names}");
}

/// At 60 columns a disabled account reads `DISABLED` in its status and e-mails keep room (the
/// `enabled` column went and e-mails kept 8 characters); a header click sorts by the column
/// drawn there.
#[test]
fn a_narrow_users_list_says_disabled_in_the_status() {
    let (mut app, first) = app_on(PaneId::Users, ctx());
    let mut forced = user(3, true);
    forced.status = backoffice_domain::model::UserStatus::ForceChangePassword;
    answer_users(
        &mut app,
        &first,
        vec![user(1, true), user(2, false), forced],
    );
    let text = render(&mut app, 60, 12).to_string();
    let row = |name: &str| {
        text.lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name}: {text}"))
            .to_string()
    };
    assert!(row("user2").contains("DISABLED"), "{text}");
    assert!(!row("user1").contains("DISABLED"), "{text}");
    assert!(row("user3").contains("FORCE_CHANGE_PASSWORD"), "{text}");
    assert!(row("user1").contains("user1@example.com"), "{text}");
    // The e-mail's header sorts by e-mail.
    let header = text
        .lines()
        .find(|l| l.contains("email"))
        .unwrap_or_default();
    let x = header.find("email").unwrap_or(0) as u16;
    app.on_mouse(
        crossterm::event::MouseEvent {
            kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
            column: x,
            row: crate::ui::LIST_TOP,
            modifiers: KeyModifiers::NONE,
        },
        crate::ui::LIST_TOP,
    );
    assert_eq!(app.users.sort.map(|(c, _)| c), Some(2), "{text}");
    // `S` goes on to the next column drawn, round to the first, never to one not shown (it
    // sorted by `enabled` and `created` where neither showed).
    // Each drawn column is reached, one way then the other, in the order drawn (a narrow
    // table draws `name` after `email`, and going by number skipped it).
    let drawn: Vec<usize> = app.users.list.header.iter().map(|(i, _, _)| *i).collect();
    let mut seen = Vec::new();
    for _ in 0..2 * drawn.len() {
        app.on_key(key('S'));
        render(&mut app, 60, 12);
        seen.push(app.users.sort.map(|(c, _)| c).unwrap());
    }
    assert!(
        seen.iter().all(|c| drawn.contains(c)),
        "{seen:?} of {drawn:?}"
    );
    assert!(
        drawn.iter().filter(|c| **c < 6).all(|c| seen.contains(c)),
        "{seen:?} of {drawn:?}"
    );
    assert!(!seen.contains(&4), "{seen:?}");
}

/// A phone-only account shows its phone where the e-mail goes (its cell was empty), wide and
/// narrow.
#[test]
fn a_phone_only_account_shows_its_phone_in_the_list() {
    let (mut app, first) = app_on(PaneId::Users, ctx());
    let mut u = user(1, true);
    u.email = None;
    u.attributes
        .push(("phone_number".into(), "+821012345678".into()));
    answer_users(&mut app, &first, vec![u]);
    for width in [120, 60] {
        let text = render(&mut app, width, 10).to_string();
        assert!(text.contains("+821012345678"), "{width}: {text}");
    }
}

/// An open audit row whose before and after wrap past its rows takes more rows, and scrolls
/// with `J`/`K` where it still does not fit (at 60×20 its `after` line was out of reach).
#[test]
fn an_open_audit_row_scrolls_to_its_after_line() {
    use crate::app::tests::{answer_audit, audit_row};
    let (mut app, first) = app_on(PaneId::Audit, ctx());
    let mut row = audit_row(9);
    row.before = Some(format!("{{\"bio\":\"{}\"}}", "before words ".repeat(40)));
    row.after = Some("{\"bio\":\"the-after-value\"}".into());
    answer_audit(&mut app, &first, Page::new(vec![row], None));
    app.on_key(code(KeyCode::Enter));
    let text = render(&mut app, 60, 20).to_string();
    assert!(text.contains("before:"), "{text}");
    let rows_shown = text.contains("J/K scroll");
    if rows_shown {
        for _ in 0..20 {
            app.on_key(key('J'));
        }
    }
    let text = render(&mut app, 60, 20).to_string();
    assert!(
        text.contains("after: {\"bio\": \"the-after-value\"}"),
        "{text}"
    );
    assert!(
        rows_shown,
        "the before alone wraps past the rows at 60×20: {text}"
    );
}

/// A list that leaves columns out for want of room names them under its rows (Users at 80
/// columns lost `created` and the audit log at 60 its `when`, with nothing to say so).
#[test]
fn a_list_names_the_columns_it_leaves_out() {
    let (mut app, first) = app_on(PaneId::Users, ctx());
    let mut long = user(1, true);
    long.email = Some(format!("{}@example.com", "a-long-address-".repeat(4)));
    long.username =
        backoffice_domain::model::Username::parse("google_118234567890123456789").unwrap();
    long.status = backoffice_domain::model::UserStatus::ForceChangePassword;
    answer_users(&mut app, &first, vec![long, user(2, false)]);
    let wide = render(&mut app, 200, 12).to_string();
    assert!(!wide.contains("not shown"), "{wide}");
    let mut noted = 0;
    for width in 100..130 {
        let text = render(&mut app, width, 12).to_string();
        let header = text.lines().nth(2).unwrap_or_default().to_string();
        for column in ["created (UTC)", "enabled", "name"] {
            let shown =
                header.contains(&format!(" {column} ")) || header.contains(&format!(" {column}│"));
            if !shown {
                let note = text
                    .lines()
                    .find(|l| l.contains("not shown for want of room"))
                    .unwrap_or_else(|| panic!("{column} at {width}: {text}"));
                assert!(note.contains(column), "{column} at {width}: {text}");
                noted += 1;
            }
        }
        // The rows stay above it.
        assert!(text.contains("google_") && text.contains("user2"), "{text}");
    }
    assert!(noted > 0, "some width leaves a column out");
}

/// Under 100 columns a disabled account is told from an enabled one on its row (at 76 the
/// wide list dropped `enabled` and the status read `CONFIRMED`), and the e-mail keeps its room
/// before the date does (at 70 the date stayed and e-mails were cut to 12, at 80 the wide list
/// cut them to 21).
#[test]
fn narrow_users_lists_say_disabled_and_keep_the_email_before_the_date() {
    let (mut app, first) = app_on(PaneId::Users, ctx());
    let mut users: Vec<_> = (1..=3).map(|i| user(i, i != 3)).collect();
    users[0].email = Some("margaret.hamilton-lovelace@example-university.edu".into());
    users[1].status = backoffice_domain::model::UserStatus::ForceChangePassword;
    users[2].username =
        backoffice_domain::model::Username::parse("google_113456789012345678901").unwrap();
    answer_users(&mut app, &first, users);
    // The screen at `width`, and the disabled user's row on it.
    let drawn = |app: &mut App, width: u16| {
        let text = render(app, width, 10).to_string();
        let row = text
            .lines()
            .find(|l| l.contains("user3@example.com"))
            .unwrap_or_default()
            .to_string();
        (text, row)
    };
    for width in [70, 76, 80, 90] {
        let (text, row) = drawn(&mut app, width);
        assert!(row.contains("DISABLED"), "{width}:\n{text}");
        // The date where the e-mail keeps 26 columns beside it.
        if width <= 80 {
            assert!(!text.contains("2026-10-01"), "{width}:\n{text}");
        }
        // Cut in its middle, the domain kept: `…@example.com` and `…@example.net` read the
        // same cut at their end.
        assert!(
            text.contains("margaret.ham") && text.contains("ity.edu"),
            "{width}:\n{text}"
        );
    }
    for width in [100, 110] {
        let (text, row) = drawn(&mut app, width);
        assert!(row.contains(" no "), "{width}:\n{text}");
    }
}

/// The export prompt at 80 columns: its hint keeps whole ` · ` parts, the keys before the
/// rest (the edge cut it to `enter starts, esc ca`); at 120 it is whole.
#[test]
fn a_prompt_hint_is_cut_between_its_parts() {
    let (mut app, _) = app_on(PaneId::Audit, ctx());
    app.on_key(KeyEvent::new(KeyCode::Char('e'), KeyModifiers::CONTROL));
    let bottom = |app: &mut App, width: u16| {
        let backend = render(app, width, 10);
        let row: String = (0..width)
            .map(|x| backend.buffer()[(x, 9)].symbol().to_string())
            .collect();
        row.trim_end().to_string()
    };
    let wide = bottom(&mut app, 120);
    assert!(
        wide.ends_with(".csv or .jsonl · enter starts · esc cancels · never overwrites"),
        "{wide}"
    );
    let narrow = bottom(&mut app, 80);
    assert!(
        narrow.starts_with("export to backoffice-audit-"),
        "{narrow}"
    );
    assert!(
        narrow.ends_with(".csv or .jsonl · enter starts"),
        "whole parts only: {narrow}"
    );
}

#[test]
fn fit_hint_keeps_whole_parts_then_whole_words() {
    let hint = "   .csv or .jsonl · enter starts · esc cancels · never overwrites";
    assert_eq!(fit_hint(hint, 200), hint);
    assert_eq!(fit_hint(hint, 40), "   .csv or .jsonl · enter starts");
    assert_eq!(fit_hint(hint, 20), "   .csv or .jsonl");
    assert_eq!(fit_hint(hint, 15), "   .csv or…");
    assert_eq!(fit_hint(hint, 4), "");
}

/// The database down, the user detail still shows the account from the directory, and says
/// why the profile is missing rather than "no profile row".
#[test]
fn a_user_detail_without_its_database_says_why() {
    let (mut app, _) = user_detail_open(user(4, true), |d| {
        d.profile = None;
        d.unread = Some("the database is unavailable".into());
    });
    let shown = format!("{:?}", render(&mut app, 120, 30).buffer());
    assert!(
        shown.contains("not read: the database is unavailable"),
        "{shown}"
    );
    assert!(!shown.contains("no profile row"), "{shown}");
    assert!(shown.contains("user4"), "{shown}");
}

/// Help lists the `:` commands after the keys (`:foo` says "try :help", and help listed only
/// keys).
#[test]
fn help_lists_the_commands() {
    let (mut app, _) = app_on(PaneId::Users, ctx());
    app.on_key(key('?'));
    for _ in 0..80 {
        app.on_key(key('j'));
    }
    let shown = format!("{:?}", render(&mut app, 100, 30).buffer());
    assert!(shown.contains("Commands (after :)"), "{shown}");
    assert!(shown.contains("who WHO"), "{shown}");
    assert!(shown.contains("env NAME"), "{shown}");
}

/// Under 100 columns the Users list keeps the display name where the row has room (it was
/// left out beside 19 empty columns), after the e-mail.
#[test]
fn a_narrow_users_list_shows_the_name_where_there_is_room() {
    let mut u = user(1, true);
    u.attributes.push(("name".into(), "Kim Minji".into()));
    let (mut app, first) = app_on(PaneId::Users, ctx());
    answer_users(&mut app, &first, vec![u, user(2, false)]);
    let shown = render(&mut app, 80, 12).to_string();
    assert!(shown.contains("Kim Minji"), "{shown}");
    assert!(shown.contains("DISABLED"), "{shown}");
    let row = shown.lines().find(|l| l.contains("user1@")).unwrap();
    assert!(
        row.find("user1@").unwrap() < row.find("Kim Minji").unwrap(),
        "{row}"
    );
}

/// Under 100 columns a plain-text search still says where each user matched, or that the
/// column was left out (it went with nothing to say so).
#[test]
fn a_narrow_search_says_where_users_matched() {
    use backoffice_domain::services::people::Matched;
    let (mut app, first) = app_on(PaneId::Users, ctx());
    answer_users(&mut app, &first, vec![user(1, true), user(2, true)]);
    app.users.matched.insert(
        user(1, true).username.to_string(),
        vec![Matched::ProfileName],
    );
    app.users
        .matched
        .insert(user(2, true).username.to_string(), vec![Matched::Email]);
    app.users.list.forget_widths();
    let shown = render(&mut app, 90, 12).to_string();
    assert!(
        shown.contains("profile name") && shown.contains("e-mail"),
        "{shown}"
    );
    let shown = render(&mut app, 60, 12).to_string();
    assert!(
        shown.contains("not shown for want of room:") && shown.contains("matched"),
        "{shown}"
    );
}

/// The name is shown only beside whole e-mails: at 80 columns it cut
/// `seoyeon.mueller52@example.com` to `seoyeon.mueller52@example.…` to show `Seoyeon M…`.
#[test]
fn a_narrow_users_list_keeps_e_mails_whole_before_names() {
    let mut long = user(1, true);
    long.email = Some("seoyeon.mueller52.long@example-mail.com".into());
    long.attributes.retain(|(k, _)| k != "email");
    long.attributes.push((
        "email".into(),
        "seoyeon.mueller52.long@example-mail.com".into(),
    ));
    long.attributes
        .push(("name".into(), "Seoyeon Mueller-Haddad".into()));
    let (mut app, first) = app_on(PaneId::Users, ctx());
    answer_users(&mut app, &first, vec![long]);
    let shown = render(&mut app, 80, 12).to_string();
    assert!(
        shown.contains("seoyeon.mueller52.long@example-mail.com"),
        "{shown}"
    );
    assert!(!shown.contains("Seoyeon"), "{shown}");
    assert!(
        shown.contains("not shown for want of room: name"),
        "{shown}"
    );
}
