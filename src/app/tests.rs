//! Flow tests: the app driven with keys and canned domain events, as the loop would drive it.

use super::*;
use crate::app::dialog::Form;
use crate::app::logs::sub_in_line;
use backoffice_domain::model::{
    CommentId, ContentStatus, Cursor, DirectoryUser, ModerationAction, ModerationTarget, Page,
    Post, PostId, ReasonCount, ReportGroup, ReportId, Target, TargetSummary, UserStatus, UserSub,
    Username,
};
use backoffice_domain::services::accounts::AccountAction;
use backoffice_domain::services::moderation::QueueItem;
use backoffice_domain::services::people::Found;
use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub(crate) fn post(i: i64) -> Post {
    let at = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap() - chrono::Duration::minutes(i);
    Post {
        id: PostId::new(1000 - i).unwrap(),
        author_sub: UserSub::parse(format!("00000000-0000-4000-8000-{:012x}", i % 7 + 1)).unwrap(),
        body: format!("post body {i}"),
        image_key: None,
        status: ContentStatus::Visible,
        created_at: at,
        updated_at: at,
    }
}

pub(crate) fn user(i: u32, enabled: bool) -> DirectoryUser {
    let sub = UserSub::parse(format!("00000000-0000-4000-8000-{i:012x}")).unwrap();
    DirectoryUser {
        username: Username::parse(format!("user{i}")).unwrap(),
        sub: Some(sub.clone()),
        email: Some(format!("user{i}@example.com")),
        status: UserStatus::Confirmed,
        enabled,
        attributes: vec![
            ("sub".into(), sub.to_string()),
            ("email".into(), format!("user{i}@example.com")),
        ],
        created_at: Some(Utc.with_ymd_and_hms(2026, 10, 1, 9, 0, 0).unwrap()),
        modified_at: None,
        mfa: vec![],
    }
}

pub(crate) fn group(i: i64, open: i64) -> ReportGroup {
    ReportGroup {
        target: Target::Post(PostId::new(500 + i).unwrap()),
        open_reports: open,
        oldest_open_at: Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0).unwrap(),
        latest_open_at: Utc.with_ymd_and_hms(2026, 11, 24, 8, 0, 0).unwrap(),
        latest_open_id: ReportId::new(900 + i).unwrap(),
    }
}

pub(crate) fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

pub(crate) fn code(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

/// Picks the first reason of the open dialog (its focus on the reason) and confirms.
pub(crate) fn confirm_with_first_reason(app: &mut App) -> Vec<Command> {
    app.on_key(code(KeyCode::Down));
    app.on_key(code(KeyCode::Enter))
}

pub(crate) fn typed(app: &mut App, text: &str) -> Vec<Command> {
    text.chars().flat_map(|c| app.on_key(key(c))).collect()
}

pub(crate) fn app_on(pane: PaneId, context: Context) -> (App, Vec<Command>) {
    App::new(context, Keymap::default(), pane)
}

/// Answers the one load command in `commands` with `items`.
pub(crate) fn answer_users(
    app: &mut App,
    commands: &[Command],
    items: Vec<DirectoryUser>,
) -> Vec<Command> {
    answer_users_unsearched(app, commands, items, None)
}

/// As [`answer_users`], the profile names not searched for `unsearched`.
pub(crate) fn answer_users_unsearched(
    app: &mut App,
    commands: &[Command],
    items: Vec<DirectoryUser>,
    unsearched: Option<Failure>,
) -> Vec<Command> {
    let request = commands
        .iter()
        .find_map(|c| match c {
            Command::LoadUsers { request, .. } => Some(*request),
            _ => None,
        })
        .expect("a users load");
    app.on_event(AppEvent::UsersLoaded {
        request,
        result: Ok(Page::new(
            items.into_iter().map(Found::plain).collect(),
            None,
        )),
        unsearched,
    })
}

/// `commands` without name lookups (which follow whatever shows new authors).
pub(crate) fn without_names(commands: Vec<Command>) -> Vec<Command> {
    commands
        .into_iter()
        .filter(|c| !matches!(c, Command::LoadNames { .. }))
        .collect()
}

/// The Cognito filter a users load asks with.
pub(crate) fn filter_of(search: &UserSearch) -> String {
    match search {
        UserSearch::Query(q) => q
            .filter
            .as_ref()
            .map(|f| f.to_cognito())
            .unwrap_or_default(),
        UserSearch::Text(t) => panic!("a plain-text search for {t:?}, not a filter"),
    }
}

/// A queue line for `group`: a visible target with some reported text and an author.
pub(crate) fn queued(group: ReportGroup) -> QueueItem {
    let author = match &group.target {
        Target::User(sub) => sub.clone(),
        _ => UserSub::parse(format!(
            "00000000-0000-4000-8000-{:012x}",
            group.open_reports
        ))
        .unwrap(),
    };
    QueueItem {
        summary: Some(TargetSummary {
            target: group.target.clone(),
            author_sub: Some(author),
            excerpt: format!("reported text of {}", group.target),
            status: (!matches!(group.target, Target::User(_))).then_some(ContentStatus::Visible),
        }),
        reasons: vec![ReasonCount {
            reason: "spam".into(),
            count: group.open_reports,
        }],
        group,
    }
}

pub(crate) fn answer_queue(
    app: &mut App,
    commands: &[Command],
    items: Vec<ReportGroup>,
    more: bool,
) -> Vec<Command> {
    let next = more.then(|| Cursor::encode("queue", &1));
    answer_queue_items(app, commands, items.into_iter().map(queued).collect(), next)
}

/// Answers the queue load among `commands` with these rows as they are.
pub(crate) fn answer_queue_items(
    app: &mut App,
    commands: &[Command],
    items: Vec<QueueItem>,
    next: Option<Cursor>,
) -> Vec<Command> {
    let request = commands
        .iter()
        .find_map(|c| match c {
            Command::LoadQueue { request, .. } => Some(*request),
            _ => None,
        })
        .expect("a queue load");
    app.on_event(AppEvent::QueueLoaded {
        request,
        result: Ok(Page::new(items, next)),
    })
}

/// A queue row whose post or comment no longer exists (no summary).
fn gone(g: ReportGroup) -> QueueItem {
    let mut item = queued(g);
    item.summary = None;
    item
}

pub(crate) fn answer_posts(
    app: &mut App,
    commands: &[Command],
    items: Vec<Post>,
    more: bool,
) -> Vec<Command> {
    let request = commands
        .iter()
        .find_map(|c| match c {
            Command::LoadPosts { request, .. } => Some(*request),
            _ => None,
        })
        .expect("a posts load");
    app.on_event(AppEvent::PostsLoaded {
        request,
        result: Ok(Page::new(items, more.then(|| Cursor::encode("posts", &1)))),
    })
}

/// `d` from the list: the user is read first (the list's row may be older than the account),
/// answered with the selected row's user, and the dialog opens.
pub(crate) fn disable_from_list(app: &mut App) {
    let sent = app.on_key(key('d'));
    if let Some(Command::LoadUser { request, .. }) = sent.first().cloned() {
        let u = app
            .users
            .list
            .selected_item()
            .cloned()
            .expect("a selected user");
        app.on_event(AppEvent::UserLoaded {
            request,
            result: Ok(detail(u)),
        });
    }
}

/// `enter` on the selected user, answered with `u`'s detail.
fn open_selected_user(app: &mut App, u: DirectoryUser) {
    let open = app.on_key(code(KeyCode::Enter));
    let Some(Command::LoadUser { request, .. }) = open.first().cloned() else {
        panic!("enter opens the user: {open:?}");
    };
    app.on_event(AppEvent::UserLoaded {
        request,
        result: Ok(detail(u)),
    });
}

fn detail(u: DirectoryUser) -> UserDetail {
    UserDetail {
        user: u,
        groups: vec![],
        profile: None,
        counts: None,
        standing: None,
        unread: None,
    }
}

/// A reset asked again of a user waiting on a reset code says a new code goes out and the
/// status stays (it said `RESET_REQUIRED → RESET_REQUIRED`).
#[test]
fn a_second_reset_says_a_new_code_goes_and_the_status_stays() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    let verified = |mut u: DirectoryUser| {
        u.attributes.push(("email_verified".into(), "true".into()));
        u
    };
    let mut waiting = verified(user(1, true));
    waiting.status = UserStatus::ResetRequired;
    answer_users(
        &mut app,
        &first,
        vec![waiting.clone(), verified(user(2, true))],
    );
    let reset_of = |app: &mut App, u: DirectoryUser| {
        open_selected_user(app, u);
        app.on_key(key('p'));
    };
    reset_of(&mut app, waiting);
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("reset asks first: {:?}", app.overlay);
    };
    assert!(
        d.proposal.changes[0].ends_with(
            "a new reset code to their e-mail user1@example.com (status stays RESET_REQUIRED)"
        ),
        "{:?}",
        d.proposal.changes
    );
    app.on_key(code(KeyCode::Esc));
    app.on_key(code(KeyCode::Esc));
    app.on_key(key('j'));
    reset_of(&mut app, verified(user(2, true)));
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("reset asks first: {:?}", app.overlay);
    };
    assert!(
        d.proposal.changes[0].ends_with(
            "status: CONFIRMED → RESET_REQUIRED; a reset code to their e-mail user2@example.com"
        ),
        "{:?}",
        d.proposal.changes
    );
    // A phone-only account's code goes to the phone (it said "the user's e-mail").
    let mut phone_only = user(3, true);
    phone_only.email = None;
    phone_only.attributes.extend([
        ("phone_number".to_string(), "+821012345678".to_string()),
        ("phone_number_verified".to_string(), "true".to_string()),
    ]);
    assert_eq!(
        crate::app::users::code_goes_to(&phone_only),
        "their phone +821012345678"
    );
}

#[test]
fn search_a_user_disable_with_a_reason_and_the_write_carries_it() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, (1..=5).map(|i| user(i, true)).collect());
    // Search: `/` then the text, Enter: a server-side query.
    app.on_key(key('/'));
    let search = {
        let mut c = typed(&mut app, "user3@");
        c.extend(app.on_key(code(KeyCode::Enter)));
        c
    };
    let Some(Command::LoadUsers { search: asked, .. }) = search.first() else {
        panic!("the search asks the directory: {search:?}");
    };
    assert_eq!(
        *asked,
        UserSearch::Text("user3@".into()),
        "plain text searches every field"
    );
    answer_users(&mut app, &search, vec![user(3, true)]);
    // Open the user, then disable.
    let open = app.on_key(code(KeyCode::Enter));
    let Some(Command::LoadUser { request, username }) = open.first().cloned() else {
        panic!("enter opens the user: {open:?}");
    };
    assert_eq!(username.as_str(), "user3");
    app.on_event(AppEvent::UserLoaded {
        request,
        result: Ok(detail(user(3, true))),
    });
    assert!(
        app.on_key(key('d')).is_empty(),
        "nothing is sent before confirmation"
    );
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("disable asks first");
    };
    assert!(
        d.proposal.changes[0].contains("enabled: true → false"),
        "{:?}",
        d.proposal.changes
    );
    // Pick the second reason and add details.
    app.on_key(code(KeyCode::Down));
    app.on_key(code(KeyCode::Down));
    app.on_key(code(KeyCode::Tab));
    typed(&mut app, "ticket 4411");
    let sent = app.on_key(code(KeyCode::Enter));
    match sent.as_slice() {
        [
            Command::Write {
                operation: Operation::Account { username, action },
                reason,
                ..
            },
        ] => {
            assert_eq!(username.as_str(), "user3");
            assert_eq!(*action, AccountAction::Disable);
            assert_eq!(reason.as_str(), "security concern: ticket 4411");
        }
        other => panic!("one write: {other:?}"),
    }
    assert!(app.overlay.is_none());
    assert_eq!(app.pending(), 1, "the write is in flight");
}

/// A write from one pane marks the others it may have changed: the Posts pane, opened before,
/// is read again when it is shown next (an undo from the Audit pane left the queue showing
/// the comment removed); a pane shown for the first time loads once.
#[test]
fn a_write_reads_other_panes_again_when_they_are_shown() {
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    answer_queue(&mut app, &first, vec![group(1, 3)], false);
    let c = app.open_pane(PaneId::Users);
    answer_users(&mut app, &c, vec![user(1, true)]);
    disable_then(
        &mut app,
        Ok("user.disable user1: done, audited".into()),
        true,
    );
    let shown = app.open_pane(PaneId::Posts);
    assert!(
        shown.iter().any(|c| matches!(c, Command::LoadQueue { .. })),
        "the queue is read again: {shown:?}"
    );
    // Once: shown again without another write, it is not.
    app.open_pane(PaneId::Users);
    let again = app.open_pane(PaneId::Posts);
    assert!(
        !again.iter().any(|c| matches!(c, Command::LoadQueue { .. })),
        "{again:?}"
    );
}

/// A confirmation of a user with no sign-up waiting is refused as the command line and the
/// write refuse it (`accounts::refusal`), in the console's words, and nothing is asked.
#[test]
fn confirming_a_confirmed_user_is_refused_by_the_shared_refusal() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(1, true)]);
    let sent = app.on_action(Action::ConfirmSignUp);
    assert!(sent.is_empty(), "{sent:?}");
    assert!(app.overlay.is_none());
    assert_eq!(
        app.toasts.back().unwrap().text,
        "user1 is CONFIRMED, not UNCONFIRMED"
    );
}

#[test]
fn a_done_write_toasts_and_reloads_what_it_changed() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(1, true)]);
    disable_from_list(&mut app);
    let sent = confirm_with_first_reason(&mut app);
    let Command::Write { request, .. } = sent[0] else {
        panic!("{sent:?}");
    };
    let after = app.on_event(AppEvent::WriteDone {
        request,
        result: Ok("user.disable user1: done, audited".into()),
        changed: true,
    });
    assert!(after.iter().any(|c| matches!(c, Command::LoadUsers { .. })));
    assert_eq!(
        app.toasts.back().unwrap().text,
        "user.disable user1: done, audited"
    );
}

/// A write done reads the names on screen again (a display name cleared kept showing in
/// every list for the rest of the session).
#[test]
fn a_done_write_reads_the_names_on_screen_again() {
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    answer_queue(&mut app, &first, vec![], false);
    let c = app.on_key(key('v'));
    let c = answer_posts(&mut app, &c, vec![post(1)], false);
    let asked = |c: &[Command]| {
        c.iter().find_map(|c| match c {
            Command::LoadNames { request, subs } => Some((*request, subs.clone())),
            _ => None,
        })
    };
    let (request, subs) = asked(&c).expect("the author's name is asked for");
    app.on_event(AppEvent::NamesLoaded {
        request,
        result: Ok(vec![(subs[0].clone(), "Offensive".into())]),
    });
    assert_eq!(app.names.label(&subs[0]), "Offensive");
    app.on_key(key('h'));
    let sent = confirm_with_first_reason(&mut app);
    let Some(Command::Write { request, .. }) = sent.first() else {
        panic!("{sent:?}");
    };
    let after = app.on_event(AppEvent::WriteDone {
        request: *request,
        result: Ok("post.hide 1: done, audited".into()),
        changed: true,
    });
    // The list is read again, and its names with it.
    let c = answer_posts(&mut app, &after, vec![post(1)], false);
    let (_, again) = asked(&c).expect("asked again after the write");
    assert_eq!(again, subs);
    assert_eq!(
        app.names.label(&subs[0]),
        "Offensive",
        "shown until the answer"
    );
}

/// Another pane's key that a screen ignores says so (`S` in Audit, `v` in Users, `h` in
/// Storage were silent); the screen's own keys do not.
#[test]
fn a_key_this_screen_ignores_says_so() {
    let (mut app, first) = app_on(PaneId::Audit, test_context());
    answer_audit(&mut app, &first, audit_page(100, 0, false));
    for k in ['S', 'v', 'h'] {
        app.toasts.clear();
        assert!(app.on_key(key(k)).is_empty());
        assert!(
            app.toasts
                .back()
                .is_some_and(|t| t.text.contains("does nothing here: ? lists")),
            "{k}: {:?}",
            app.toasts
        );
    }
    // Users sorts with `S`, and says how.
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(1, true), user(2, true)]);
    app.toasts.clear();
    app.on_key(key('S'));
    assert!(
        !app.toasts.iter().any(|t| t.text.contains("does nothing")),
        "{:?}",
        app.toasts
    );
    assert!(app.users.sort.is_some());
}

/// `d` on the selected user, confirmed, and the write's answer: what the app asks next.
fn disable_then(app: &mut App, result: Result<String, Failure>, changed: bool) -> Vec<Command> {
    disable_from_list(app);
    let sent = confirm_with_first_reason(app);
    let Command::Write { request, .. } = sent[0] else {
        panic!("{sent:?}");
    };
    app.on_event(AppEvent::WriteDone {
        request,
        result,
        changed,
    })
}

/// `:create` typed through: username, e-mail, the invitation box left or cleared, enter.
fn create_typed(app: &mut App, username: &str, email: &str, invite: bool) -> Vec<Command> {
    typed(app, ":create");
    app.on_key(code(KeyCode::Enter));
    typed(app, username);
    app.on_key(code(KeyCode::Tab));
    typed(app, email);
    app.on_key(code(KeyCode::Tab));
    if !invite {
        app.on_key(key(' '));
    }
    // The reason: the second on the list, with details.
    app.on_key(code(KeyCode::Tab));
    app.on_key(code(KeyCode::Down));
    app.on_key(code(KeyCode::Down));
    app.on_key(code(KeyCode::Tab));
    typed(app, "ticket 42");
    app.on_key(code(KeyCode::Enter))
}

/// A bulk write that failed part way (or found its rows changed by someone else) is read
/// again, so the list shows what it did; one that changed nothing is not.
#[test]
fn a_failed_write_that_changed_something_reloads_its_pane() {
    for (changed, reloads) in [(true, true), (false, false)] {
        let (mut app, first) = app_on(PaneId::Users, test_context());
        answer_users(&mut app, &first, vec![user(1, true)]);
        let after = disable_then(
            &mut app,
            Err(Failure::new("disable: 1 done, 1 failed: conflict")),
            changed,
        );
        assert_eq!(
            after.iter().any(|c| matches!(c, Command::LoadUsers { .. })),
            reloads,
            "{after:?}"
        );
        // Refused before anything changed, it is said in its dialog, opened again; else in
        // the status bar.
        let said = match &app.overlay {
            Some(Overlay::Dialog(d)) if !changed => d.problem.clone(),
            _ => app.last_error.clone(),
        };
        assert!(said.unwrap().contains("1 failed"));
    }
}

/// A write that succeeds after one that failed takes the failure off the status bar (the
/// error log keeps it); a failure of another kind stays.
#[test]
fn a_later_success_clears_the_failure_of_its_kind() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(1, true)]);
    // Changed in part (so no dialog opens again to say it): the status bar says it.
    let write = |app: &mut App, result: Result<String, Failure>| {
        let after = disable_then(app, result, true);
        if after.iter().any(|c| matches!(c, Command::LoadUsers { .. })) {
            answer_users(app, &after, vec![user(1, true)]);
        }
    };
    write(&mut app, Err(Failure::new("disable: conflict")));
    assert!(
        app.last_error
            .as_deref()
            .unwrap()
            .starts_with("write failed:")
    );
    write(&mut app, Ok("user.disable user1: done, audited".into()));
    assert_eq!(app.last_error, None);
    assert_eq!(app.errors.len(), 1, "the error log keeps it");
    app.fail("loading users", Failure::new("unavailable"));
    write(&mut app, Ok("user.disable user1: done, audited".into()));
    assert_eq!(
        app.last_error.as_deref(),
        Some("loading users: unavailable")
    );
}

/// A creation refused (the name is taken) opens the `:create` dialog again with what was
/// typed and why, to change the name rather than type it all again.
#[test]
fn a_refused_creation_opens_its_dialog_again_with_what_was_typed() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(1, true)]);
    let sent = create_typed(&mut app, "admin", "dup@example.com", true);
    let [Command::Write { request, .. }] = sent.as_slice() else {
        panic!("{sent:?}");
    };
    assert!(app.overlay.is_none());
    app.on_event(AppEvent::WriteDone {
        request: *request,
        result: Err(Failure::new(
            "conflict: a user named admin already exists; choose another username",
        )),
        changed: false,
    });
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("the dialog is back");
    };
    assert_eq!(d.input1.text(), "admin");
    assert_eq!(d.input2.text(), "dup@example.com");
    assert!(d.permanent, "the invitation box as it was");
    assert_eq!(d.picked(), Some("security concern"), "the reason as it was");
    assert_eq!(d.reason_text.text(), "ticket 42");
    assert!(d.problem.as_deref().unwrap().contains("already exists"));
    // Said there once: not again in the status bar; the error log keeps it.
    assert_eq!(app.last_error, None);
    assert_eq!(app.errors.len(), 1);
}

/// A write refused after the operator moved to another pane does not reopen its dialog there
/// (it took that pane's keys, and `enter` would have sent the write again): the status bar
/// says why.
#[test]
fn a_refused_write_does_not_reopen_its_dialog_over_another_pane() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(1, true)]);
    let sent = create_typed(&mut app, "admin", "dup@example.com", true);
    let [Command::Write { request, .. }] = sent.as_slice() else {
        panic!("{sent:?}");
    };
    app.open_pane(PaneId::Audit);
    app.on_event(AppEvent::WriteDone {
        request: *request,
        result: Err(Failure::new("conflict: a user named admin already exists")),
        changed: false,
    });
    assert!(app.overlay.is_none(), "no dialog over the audit log");
    assert!(
        app.last_error
            .as_deref()
            .unwrap_or_default()
            .contains("already exists")
    );
}

/// After `:create`, the new account is opened: the `P` its message suggests sets that
/// account's password, not the one selected before.
#[test]
fn a_created_account_is_opened_so_the_next_key_acts_on_it() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(1, true)]);
    let sent = create_typed(&mut app, "new.person", "new.person@example.com", false);
    let [Command::Write { request, .. }] = sent.as_slice() else {
        panic!("{sent:?}");
    };
    let after = app.on_event(AppEvent::WriteDone {
        request: *request,
        result: Ok("created new.person (FORCE_CHANGE_PASSWORD): no invitation sent".into()),
        changed: true,
    });
    let Some(Command::LoadUser { request, username }) = after
        .iter()
        .find(|c| matches!(c, Command::LoadUser { .. }))
        .cloned()
    else {
        panic!("the new account is opened: {after:?}");
    };
    assert_eq!(username.as_str(), "new.person");
    assert!(after.iter().any(|c| matches!(c, Command::LoadUsers { .. })));
    // Until it is in, no account is acted on (not the row selected before): the key waits
    // for it, and acts on it once it is in.
    app.on_key(key('P'));
    assert!(app.overlay.is_none());
    assert!(
        app.toasts
            .back()
            .unwrap()
            .text
            .ends_with("is loading; the key acts once they are in"),
        "{:?}",
        app.toasts
    );
    let mut created = user(9, true);
    created.username = username;
    app.on_event(AppEvent::UserLoaded {
        request,
        result: Ok(detail(created)),
    });
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("P asks for the password");
    };
    assert!(
        matches!(&d.proposal.form, crate::app::dialog::Form::Password { username } if username.as_str() == "new.person"),
        "{:?}",
        d.proposal.form
    );
}

/// The Users pane on user1 (enabled or not) with `e` pressed in the list: the app, and the
/// read of the user the enable waits for.
fn enable_pressed(enabled: bool) -> (App, RequestId) {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(1, enabled)]);
    let asked = app.on_key(key('e'));
    let Some(Command::LoadUser { request, username }) = asked.first().cloned() else {
        panic!("the user is read first: {asked:?}");
    };
    assert_eq!(username.as_str(), "user1");
    (app, request)
}

/// The newest message on the status bar.
fn last_toast(app: &App) -> &str {
    app.toasts.back().map_or("", |t| t.text.as_str())
}

/// The "reading whether … is banned first" message is gone.
fn no_reading_message(app: &App) {
    assert!(
        !app.toasts
            .iter()
            .any(|t| t.text.starts_with("reading whether")),
        "{:?}",
        app.toasts
    );
}

/// An enable from the list reads the user first, and the dialog says a ban in force: an
/// enable of a banned user let them in without a word of the ban, which it leaves in place.
#[test]
fn an_enable_from_the_list_reads_the_user_and_names_their_ban() {
    use backoffice_domain::services::ban::{EarlierBan, Standing};
    let (mut app, request) = enable_pressed(false);
    assert!(app.overlay.is_none());
    assert_eq!(
        app.toasts.back().unwrap().text,
        "reading whether user1 is banned first…"
    );
    let mut d = detail(user(1, false));
    d.standing = Some(Standing {
        blocked: true,
        ban: Some(EarlierBan {
            row: 42,
            at: Utc.with_ymd_and_hms(2026, 12, 1, 9, 30, 0).unwrap(),
            actor: "mod@example.com".into(),
        }),
    });
    app.on_event(AppEvent::UserLoaded {
        request,
        result: Ok(d),
    });
    let Some(Overlay::Dialog(dialog)) = &app.overlay else {
        panic!("the enable is asked: {:?}", app.overlay);
    };
    assert!(
        dialog.proposal.changes.iter().any(|c| c
            == "banned 2026-12-01 09:30 UTC by mod@example.com (audit row 42): this lets them \
                sign in and use the API again, and leaves hidden what the ban hid (:unban \
                reverses the whole ban instead)"),
        "{:?}",
        dialog.proposal.changes
    );
    // The reading message went with the answer.
    no_reading_message(&app);
}

/// An enabled account still blocked in the API (its enable's block could not be lifted, or
/// it was enabled in Cognito directly) is offered the enable that lifts the block (it was
/// refused as "already enabled", and nothing else lifted it).
#[test]
fn an_enable_lifts_a_block_left_on_an_enabled_user() {
    use backoffice_domain::services::ban::Standing;
    let (mut app, request) = enable_pressed(true);
    let mut d = detail(user(1, true));
    d.standing = Some(Standing {
        blocked: true,
        ban: None,
    });
    app.on_event(AppEvent::UserLoaded {
        request,
        result: Ok(d),
    });
    let Some(Overlay::Dialog(dialog)) = &app.overlay else {
        panic!("the enable is asked: {:?} {:?}", app.overlay, app.toasts);
    };
    assert_eq!(dialog.proposal.title, "Lift the API block on user1");
    assert!(
        dialog.proposal.changes.iter().any(|c| c.ends_with(
            "enabled: stays true; the API block left on them lifted (the account was enabled \
             since it was set)"
        )),
        "{:?}",
        dialog.proposal.changes
    );
    // Not blocked, an enabled user's enable is refused as before.
    app.overlay = None;
    if let Some(crate::app::users::DetailState::Loaded(d)) = &mut app.users.detail {
        d.standing = Some(Standing {
            blocked: false,
            ban: None,
        });
    }
    app.on_key(key('e'));
    assert!(app.overlay.is_none());
    assert!(
        last_toast(&app).ends_with("is already enabled"),
        "{:?}",
        app.toasts
    );
}

/// A disabled account without a block (disabled in Cognito directly: its tokens kept
/// working) is offered the disable that blocks it, read first from the list; one blocked
/// already is refused as before ("already disabled" left no way to block them).
#[test]
fn a_disable_sets_a_block_missing_on_a_disabled_user() {
    use backoffice_domain::services::ban::Standing;
    for (blocked, dialog) in [(false, true), (true, false)] {
        let (mut app, first) = app_on(PaneId::Users, test_context());
        answer_users(&mut app, &first, vec![user(1, false)]);
        let asked = app.on_key(key('d'));
        let Some(Command::LoadUser { request, .. }) = asked.first().cloned() else {
            panic!("the user is read first: {asked:?}");
        };
        let mut d = detail(user(1, false));
        d.standing = Some(Standing { blocked, ban: None });
        app.on_event(AppEvent::UserLoaded {
            request,
            result: Ok(d),
        });
        match &app.overlay {
            Some(Overlay::Dialog(d)) if dialog => {
                assert_eq!(d.proposal.title, "Block user1 in the API");
                assert!(
                    d.proposal
                        .changes
                        .iter()
                        .any(|c| c.contains("enabled: stays false; blocked in the API")),
                    "{:?}",
                    d.proposal.changes
                );
            }
            None if !dialog => assert!(
                last_toast(&app).ends_with("is already disabled"),
                "{:?}",
                app.toasts
            ),
            other => panic!("blocked {blocked}: {other:?}"),
        }
    }
}

/// Another account key pressed while an enable waits for its user does not take its place
/// (a pause, then the `o` of "ok" opened the sign-out dialog instead), and `esc` drops the
/// waiting key, saying so.
#[test]
fn a_waiting_enable_is_not_replaced_and_esc_drops_it() {
    let (mut app, request) = enable_pressed(false);
    app.on_key(key('o'));
    assert!(
        app.toasts.back().unwrap().text
            == "not taken: sign out everywhere (user1 is loading, and enable the account waits \
                for them; esc drops it)",
        "{:?}",
        app.toasts
    );
    app.on_event(AppEvent::UserLoaded {
        request,
        result: Ok(detail(user(1, false))),
    });
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("the enable opens: {:?}", app.overlay);
    };
    assert!(d.proposal.verb.starts_with("Enable"), "{}", d.proposal.verb);
    // The word on the key not taken goes with the dialog (it stayed over it).
    assert!(
        !app.toasts.iter().any(|t| t.text.starts_with("not taken")),
        "{:?}",
        app.toasts
    );
    // Dropped with esc before the user is in: said, and the reading message goes.
    app.overlay = None;
    app.on_key(code(KeyCode::Esc));
    let asked = app.on_key(key('e'));
    assert!(
        matches!(asked.first(), Some(Command::LoadUser { .. })),
        "{asked:?}"
    );
    app.on_key(code(KeyCode::Esc));
    assert!(!app.dialog_coming());
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text == "dropped: enable the account (esc)"),
        "{:?}",
        app.toasts
    );
    no_reading_message(&app);
}

/// A user who cannot be read when a key waited for them says the key asked nothing, and
/// keys typed while they load are held as keys typed after one that asked for a dialog (they
/// were said to follow a refusal).
#[test]
fn keys_while_a_user_loads_are_held_and_a_failed_load_says_the_key_did_nothing() {
    let (mut app, request) = enable_pressed(false);
    app.burst_gap = std::time::Duration::from_secs(3600);
    assert!(app.on_key(key('x')).is_empty());
    assert_eq!(
        app.toasts.back().unwrap().text,
        "not run: «x», typed with the key that asked for a dialog; press a key again to use it"
    );
    app.hold = None;
    app.on_event(AppEvent::UserLoaded {
        request,
        result: Err(Failure::new("Cognito timed out")),
    });
    assert!(app.overlay.is_none());
    assert!(
        app.toasts.iter().any(|t| t.text
            == "user1 could not be read, so nothing was asked (enable the account): Cognito timed out"),
        "{:?}",
        app.toasts
    );
    assert!(!app.dialog_coming());
}

/// A key that waited for its user acts only where it was pressed: help opened meanwhile
/// stays, and the key is said to be dropped (a dialog opened over help).
#[test]
fn a_waiting_key_is_dropped_once_the_operator_has_moved_on() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(1, true)]);
    let open = app.on_key(code(KeyCode::Enter));
    let Some(Command::LoadUser { request, .. }) = open.first().cloned() else {
        panic!("{open:?}");
    };
    app.on_key(key('P'));
    app.on_key(key('?'));
    assert!(matches!(app.overlay, Some(Overlay::Help { .. })));
    app.on_event(AppEvent::UserLoaded {
        request,
        result: Ok(detail(user(1, true))),
    });
    assert!(
        matches!(app.overlay, Some(Overlay::Help { .. })),
        "{:?}",
        app.overlay
    );
    assert!(
        app.toasts.back().unwrap().text
            == "dropped: set a password (pressed in Users while it loaded; you had moved on)",
        "{:?}",
        app.toasts
    );
}

#[test]
fn a_refused_write_says_why_in_its_dialog_and_keeps_its_chain_in_the_error_log() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(1, true)]);
    app.on_key(key('o'));
    let sent = confirm_with_first_reason(&mut app);
    let Command::Write { request, .. } = sent[0] else {
        panic!("{sent:?}");
    };
    app.on_event(AppEvent::WriteDone {
        request,
        result: Err(Failure {
            message: "forbidden: cognito-idp:AdminUserGlobalSignOut".into(),
            chain: "forbidden: cognito-idp:AdminUserGlobalSignOut: User is not authorized".into(),
            refused: false,
            cause: crate::app::Cause::Other,
            said: false,
        }),
        changed: false,
    });
    assert_eq!(app.last_error, None, "said in the dialog, once");
    // The dialog is back as it was filled, saying why; esc closes it.
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("the refused write's dialog is back: {:?}", app.overlay);
    };
    assert_eq!(d.picked(), Some("support request"));
    assert!(
        d.problem
            .as_deref()
            .unwrap()
            .contains("AdminUserGlobalSignOut")
    );
    app.on_key(code(KeyCode::Esc));
    app.on_key(key('!'));
    assert_eq!(app.overlay, Some(Overlay::ErrorLog { scroll: 0 }));
    assert!(app.errors[0].1.chain.contains("User is not authorized"));
}

/// `esc` with an error on the status bar clears it and nothing else: the open user stays
/// (it closed the detail, and only a second `esc` cleared the error); the next `esc` goes back.
#[test]
fn esc_clears_an_error_before_it_goes_back() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(1, true)]);
    open_selected_user(&mut app, user(1, true));
    app.fail("sign-ins", Failure::new("AdminListUserAuthEvents failed"));
    assert!(app.last_error.is_some());
    app.on_key(code(KeyCode::Esc));
    assert_eq!(app.last_error, None);
    assert!(app.users.detail.is_some(), "the user stays open");
    app.on_key(code(KeyCode::Esc));
    assert!(app.users.detail.is_none(), "then esc goes back");
}

/// After a write the queue is read again and the selection stays on its row number: on the
/// row after the one acted on when that one left the queue, never back on the first row (a
/// moderator's next key hit row 1; a `:ban` banned the first row's author).
#[test]
fn a_refresh_after_a_write_keeps_the_place_in_the_queue() {
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    answer_queue(
        &mut app,
        &first,
        vec![group(1, 3), group(2, 3), group(3, 3), group(4, 3)],
        false,
    );
    app.on_key(key('j'));
    app.on_key(key('j'));
    app.on_key(key('x'));
    let sent = confirm_with_first_reason(&mut app);
    let [Command::Write { request, .. }] = sent.as_slice() else {
        panic!("{sent:?}");
    };
    let after = app.on_event(AppEvent::WriteDone {
        request: *request,
        result: Ok("removed".into()),
        changed: true,
    });
    // Row 3 (post 3) left the queue; the next one takes its place.
    answer_queue(
        &mut app,
        &after,
        vec![group(1, 3), group(2, 3), group(4, 3)],
        false,
    );
    assert_eq!(app.posts.queue.selected, 2);
    assert_eq!(
        app.posts.queue.selected_item().unwrap().group.target,
        group(4, 3).target
    );
    // `ctrl-r` reads the same rows: the place stays too.
    let again = app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    answer_queue(
        &mut app,
        &again,
        vec![group(1, 3), group(2, 3), group(4, 3)],
        false,
    );
    assert_eq!(app.posts.queue.selected, 2, "ctrl-r is a refresh too");
    // A row before the cursor leaves the queue (a bulk action over marked rows): the row the
    // cursor was on stays selected, a row number up (the row number put the cursor on post 4).
    app.on_key(key('k'));
    assert_eq!(
        app.posts.queue.selected_item().unwrap().group.target,
        group(2, 3).target
    );
    let again = app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    answer_queue(&mut app, &again, vec![group(2, 3), group(4, 3)], false);
    assert_eq!(
        app.posts.queue.selected_item().unwrap().group.target,
        group(2, 3).target
    );
}

/// `enter` then `h` at once on the queue: the hide waits for the thread and proposes the
/// post it opened on (it said "nothing selected" and was lost).
#[test]
fn a_moderation_key_waits_for_the_thread() {
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    answer_queue(&mut app, &first, vec![group(1, 2)], false);
    let open = app.on_key(code(KeyCode::Enter));
    let Some(Command::LoadThread { request, .. }) = open.first().cloned() else {
        panic!("{open:?}")
    };
    assert!(app.on_key(key('h')).is_empty());
    assert!(app.overlay.is_none());
    assert!(
        app.toasts
            .back()
            .unwrap()
            .text
            .contains("acts once it is in"),
        "{:?}",
        app.toasts
    );
    let p = post(1);
    app.on_event(AppEvent::ThreadLoaded {
        request,
        result: Ok(crate::app::posts::ThreadData {
            post: p.clone(),
            comments: Page::new(Vec::new(), None),
            reports: Vec::new(),
            history: Vec::new(),
        }),
    });
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!(
            "the hide is proposed once the thread is in: {:?}",
            app.overlay
        );
    };
    assert!(
        matches!(&d.proposal.form, crate::app::dialog::Form::Ready(Operation::Moderate { targets, .. }) if targets == &[backoffice_domain::model::ModerationTarget::Post(p.id)]),
        "{:?}",
        d.proposal.form
    );
    // `enter` in the thread says where the row is shown (it was silent).
    app.on_key(code(KeyCode::Esc));
    app.on_key(code(KeyCode::Enter));
    assert!(
        app.toasts
            .back()
            .is_some_and(|t| t.text.starts_with("the selected row is shown in full")),
        "{:?}",
        app.toasts
    );
    // `s` on a row of the thread with no open report is refused at once (it opened a dialog
    // for "every open report", then said "nothing changed" after the reason).
    assert!(app.on_key(key('s')).is_empty());
    assert!(app.overlay.is_none(), "{:?}", app.overlay);
    assert!(
        app.toasts.back().is_some_and(
            |t| t.text == format!("no open reports on post #{}: nothing to resolve", p.id)
        ),
        "{:?}",
        app.toasts
    );
}

/// A thread read again after a write keeps the row acted on selected, reading pages until it
/// is in (a hide of the last of 5 comments read 3 at a time left comment 3 selected).
#[test]
fn a_thread_read_again_reads_on_to_the_row_it_had_selected() {
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    answer_queue(&mut app, &first, vec![group(1, 2)], false);
    let p = post(1);
    let comment = |id: i64| backoffice_domain::model::Comment {
        id: CommentId::new(id).unwrap(),
        post_id: p.id,
        author_sub: p.author_sub.clone(),
        body: format!("comment {id}"),
        status: ContentStatus::Visible,
        created_at: p.created_at,
    };
    let cursor = || Some(Cursor::encode("test", &3));
    let answer_thread = |app: &mut App, sent: &[Command]| {
        let request = sent
            .iter()
            .find_map(|c| match c {
                Command::LoadThread { request, .. } => Some(*request),
                _ => None,
            })
            .expect("a thread load");
        app.on_event(AppEvent::ThreadLoaded {
            request,
            result: Ok(crate::app::posts::ThreadData {
                post: p.clone(),
                comments: Page::new((1..=3).map(comment).collect(), cursor()),
                reports: Vec::new(),
                history: Vec::new(),
            }),
        })
    };
    let answer_comments = |app: &mut App, sent: &[Command]| {
        let request = sent
            .iter()
            .find_map(|c| match c {
                Command::LoadComments { request, .. } => Some(*request),
                _ => None,
            })
            .expect("the next page asked for");
        app.on_event(AppEvent::CommentsLoaded {
            request,
            result: Ok((Page::new((4..=5).map(comment).collect(), None), Vec::new())),
        })
    };
    let open = app.on_key(code(KeyCode::Enter));
    let more = answer_thread(&mut app, &open);
    let mut more = more;
    for _ in 0..5 {
        more.extend(app.on_key(key('j')));
    }
    answer_comments(&mut app, &more);
    app.on_key(key('G'));
    let selected = |app: &App| {
        app.posts
            .thread
            .as_ref()
            .and_then(|t| t.rows.selected_item())
            .map(|r| r.target())
    };
    let last = selected(&app);
    assert_eq!(
        last,
        Some(ModerationTarget::Comment(CommentId::new(5).unwrap()))
    );
    let again = app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    let more = answer_thread(&mut app, &again);
    answer_comments(&mut app, &more);
    assert_eq!(selected(&app), last);

    // A reported comment past the first page, `h` pressed at once: the pages are read on to
    // it and the hide is proposed for it (the thread opened on the post, and `h` hid the
    // whole post).
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    let mut reported = group(1, 2);
    reported.target = Target::Comment(CommentId::new(5).unwrap());
    answer_queue(&mut app, &first, vec![reported], false);
    let open = app.on_key(code(KeyCode::Enter));
    assert!(app.on_key(key('h')).is_empty());
    let more = answer_thread(&mut app, &open);
    assert!(app.overlay.is_none(), "not on the post: {:?}", app.overlay);
    answer_comments(&mut app, &more);
    assert_eq!(
        selected(&app),
        Some(ModerationTarget::Comment(CommentId::new(5).unwrap()))
    );
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!(
            "the hide is proposed once the comment is in: {:?}",
            app.overlay
        );
    };
    assert!(
        matches!(&d.proposal.form, crate::app::dialog::Form::Ready(Operation::Moderate { targets, .. }) if targets == &[ModerationTarget::Comment(CommentId::new(5).unwrap())]),
        "{:?}",
        d.proposal.form
    );

    // A reported comment no longer in the thread (deleted since): the waiting key does
    // nothing and says so, rather than act on the row selected while looking.
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    let mut reported = group(1, 2);
    reported.target = Target::Comment(CommentId::new(9).unwrap());
    answer_queue(&mut app, &first, vec![reported], false);
    let open = app.on_key(code(KeyCode::Enter));
    assert!(app.on_key(key('h')).is_empty());
    let more = answer_thread(&mut app, &open);
    answer_comments(&mut app, &more);
    assert!(app.overlay.is_none(), "nothing proposed: {:?}", app.overlay);
    assert_eq!(
        app.toasts.back().map(|t| t.text.as_str()),
        Some("comment #9 is not in the thread any more: the key did nothing")
    );
}

/// `k` is refused on the spot: nothing sent, no dialog, and a message holding `why`.
fn refused_before_asking(app: &mut App, k: char, why: &str) {
    assert!(app.on_key(key(k)).is_empty());
    assert!(app.overlay.is_none(), "{:?}", app.overlay);
    let said = &app.toasts.back().expect("a message").text;
    assert!(said.contains(why), "{said:?} says {why:?}");
}

#[test]
fn a_reset_is_refused_with_what_to_do_when_cognito_could_not_send_the_code() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    let mut invited = user(1, true);
    invited.status = UserStatus::ForceChangePassword;
    invited
        .attributes
        .push(("email_verified".into(), "true".into()));
    let unverified = user(2, true);
    let mut disabled = user(3, false);
    disabled
        .attributes
        .push(("email_verified".into(), "true".into()));
    let mut unconfirmed = user(4, true);
    unconfirmed.status = UserStatus::Unconfirmed;
    answer_users(
        &mut app,
        &first,
        vec![invited, unverified, disabled, unconfirmed],
    );
    refused_before_asking(&mut app, 'p', "has not chosen a password yet");
    app.on_key(key('j'));
    refused_before_asking(&mut app, 'p', "no verified e-mail or phone");
    // Cognito refuses a disabled user's reset: said before the dialog, with the way out.
    app.on_key(key('j'));
    refused_before_asking(
        &mut app,
        'p',
        "is disabled: Cognito resets no password of a disabled user",
    );
    // An unconfirmed sign-up is said as such (it was told to verify the e-mail).
    app.on_key(key('j'));
    refused_before_asking(
        &mut app,
        'p',
        "has not confirmed their sign-up (UNCONFIRMED): confirm it (c), or send their code again (M)",
    );
}

#[test]
fn read_only_refuses_every_write_key_and_says_so() {
    let ctx = Context {
        read_only: true,
        ..test_context()
    };
    let (mut app, first) = app_on(PaneId::Users, ctx);
    // A user every one of these writes applies to (a reset needs a verified e-mail).
    let mut u = user(1, true);
    u.attributes.push(("email_verified".into(), "true".into()));
    answer_users(&mut app, &first, vec![u]);
    // (`V` on this verified e-mail says it is verified already; the next test tries it on an
    // unverified one.)
    for k in ['d', 'p', 'o'] {
        assert!(app.on_key(key(k)).is_empty());
        assert!(
            app.overlay.is_none(),
            "{k} opened a dialog in a read-only session"
        );
        assert!(
            app.toasts
                .back()
                .unwrap()
                .text
                .starts_with("read-only session")
        );
    }
}

/// A reason typed hard on a refused key was read as keys: `d` on a disabled account was
/// refused (here `p`, a reset, which a disabled account is refused at once), the `e` of "test" opened the enable dialog, the rest became its reason, and
/// `enter` enabled the account. Keys that come while the refusal is fresh are held back and
/// said; moving is not held; after a pause, keys run again.
#[test]
fn keys_typed_hard_on_a_refusal_are_held_back_and_said() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(1, false)]);
    app.refusal_guard = std::time::Duration::from_secs(3600);
    assert!(app.on_key(key('p')).is_empty());
    assert!(
        app.overlay.is_none(),
        "refused: a disabled account gets no reset"
    );
    for k in "test".chars() {
        assert!(app.on_key(key(k)).is_empty());
    }
    assert!(app.on_key(KeyEvent::from(KeyCode::Enter)).is_empty());
    assert!(app.overlay.is_none(), "no dialog opened by the typed text");
    assert_eq!(
        app.toasts.back().unwrap().text,
        "not run: «test⏎», typed right after a refusal; press a key again to use it"
    );
    assert_eq!(
        app.toasts
            .iter()
            .filter(|t| t.text.starts_with("not run:"))
            .count(),
        1,
        "one line, grown as keys come"
    );
    // Moving keys in the text are held too (the `k` of "fake" moved to the row above, and
    // its `e` opened the enable dialog of someone else); a key bound to nothing is said.
    app.on_key(key('k'));
    app.on_key(key('l'));
    app.on_key(key('e'));
    assert!(app.overlay.is_none(), "{:?}", app.overlay);
    assert!(
        app.toasts.back().unwrap().text.contains("«test⏎kle»"),
        "{:?}",
        app.toasts
    );
    // `esc` ends it.
    app.on_key(code(KeyCode::Esc));
    let asked = app.on_key(key('e'));
    let Some(Command::LoadUser { request, .. }) = asked.first().cloned() else {
        panic!("after esc, `e` reads the user for its dialog: {asked:?}");
    };
    app.on_event(AppEvent::UserLoaded {
        request,
        result: Ok(detail(user(1, false))),
    });
    assert!(
        matches!(app.overlay, Some(Overlay::Dialog(_))),
        "after esc, `e` opens the enable dialog"
    );
    // The same refusal said again (the bar's length unchanged) holds too: the keys typed
    // after a second try ran.
    app.overlay = None;
    app.hold = None;
    assert!(app.on_key(key('p')).is_empty());
    app.hold = None;
    assert!(app.on_key(key('p')).is_empty());
    assert!(app.on_key(key('e')).is_empty());
    assert!(app.overlay.is_none(), "{:?}", app.overlay);
    // `q` first after a refusal quits; within held text it is held.
    app.on_key(key('q'));
    assert!(!app.quit, "held within «e…»");
    app.hold = None;
    assert!(app.on_key(key('p')).is_empty());
    app.on_key(key('q'));
    assert!(app.quit, "q first after a refusal quits");
    app.quit = false;
    // A pause ends it too.
    app.overlay = None;
    assert!(app.on_key(key('p')).is_empty());
    app.hold.as_mut().unwrap().at =
        std::time::Instant::now() - std::time::Duration::from_secs(7200);
    app.on_key(key('e'));
    assert!(matches!(app.overlay, Some(Overlay::Dialog(_))));
}

/// A word typed into the list: its first letter does nothing here (`a` in Users), and the
/// rest was run as keys (`d` opened the disable dialog, `mins` became its reason, `enter`
/// disabled the account). A key that does nothing here holds what comes hard after it.
#[test]
fn a_word_typed_into_the_list_is_held_after_its_first_letter_does_nothing() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(1, true)]);
    app.refusal_guard = std::time::Duration::from_secs(3600);
    assert!(app.on_key(key('a')).is_empty());
    assert!(
        app.toasts
            .back()
            .unwrap()
            .text
            .contains("does nothing here"),
        "{:?}",
        app.toasts
    );
    let sent: Vec<Command> = "dmins\r"
        .chars()
        .flat_map(|c| match c {
            '\r' => app.on_key(code(KeyCode::Enter)),
            c => app.on_key(key(c)),
        })
        .collect();
    assert!(sent.is_empty(), "{sent:?}");
    assert!(app.overlay.is_none(), "{:?}", app.overlay);
    assert_eq!(
        app.toasts.back().unwrap().text,
        "not run: «dmins⏎», typed right after a refusal; press a key again to use it"
    );
}

/// Keys in the burst that opened a write's dialog were typed before it could be read
/// (`design⏎`: `d` opened the disable dialog, `esign` became its reason and `enter` confirmed
/// it): they are held and said; after a pause the dialog takes keys; `esc` is never held.
#[test]
fn keys_in_the_burst_that_opened_a_dialog_are_held() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(1, true)]);
    // From the user's detail, `d` opens its dialog at once (from the list it reads them first).
    open_selected_user(&mut app, user(1, true));
    app.burst_gap = std::time::Duration::from_secs(3600);
    app.on_key(key('d'));
    assert!(
        matches!(app.overlay, Some(Overlay::Dialog(_))),
        "{:?}",
        app.overlay
    );
    let sent: Vec<Command> = "esign\r"
        .chars()
        .flat_map(|c| match c {
            '\r' => app.on_key(code(KeyCode::Enter)),
            c => app.on_key(key(c)),
        })
        .collect();
    assert!(sent.is_empty(), "nothing written: {sent:?}");
    assert_eq!(
        app.toasts.back().unwrap().text,
        "not run: «esign⏎», typed with the key that opened this dialog; press a key again to use it"
    );
    // `esc` goes through at once and closes the dialog.
    app.on_key(code(KeyCode::Esc));
    assert!(app.overlay.is_none());
    // After a pause the dialog takes what comes, and the first reason confirms it.
    app.on_key(key('d'));
    assert!(matches!(app.overlay, Some(Overlay::Dialog(_))));
    app.hold.as_mut().unwrap().at =
        std::time::Instant::now() - std::time::Duration::from_secs(7200);
    let sent = confirm_with_first_reason(&mut app);
    assert!(
        matches!(sent.as_slice(), [Command::Write { .. }]),
        "{sent:?}"
    );
    // A dialog still being prepared (a group change reads the groups first) holds as well:
    // `+admins` sent `a`, `d`, … to the list meanwhile.
    app.hold = None;
    let asked = app.on_key(key('+'));
    assert!(!asked.is_empty(), "the plan is asked for");
    assert!(app.on_key(key('a')).is_empty());
    assert!(app.on_key(key('d')).is_empty());
    assert!(app.overlay.is_none());
    assert!(
        app.toasts.back().unwrap().text
            == "not run: «ad», typed with the key that asked for a dialog; press a key again to use it",
        "{:?}",
        app.toasts
    );
}

/// Every write the console offers meets the read-only gate where it applies: nothing opens,
/// nothing is sent, and the session says why. (Storage's writes:
/// `read_only_refuses_delete_upload_and_links_but_not_downloads`.)
#[test]
fn read_only_refuses_every_write_action_of_every_pane() {
    let ro = || Context {
        read_only: true,
        ..test_context()
    };
    fn no_write(sent: &[Command]) -> bool {
        !sent
            .iter()
            .any(|c| matches!(c, Command::Write { .. } | Command::PlanBan { .. }))
    }
    fn refused(app: &App) -> bool {
        app.overlay.is_none()
            && app
                .toasts
                .back()
                .is_some_and(|t| t.text.starts_with("read-only session"))
    }
    let mut tried = 0;

    // Posts & comments: the queue's visible targets, then a hidden post in all posts.
    let (mut app, first) = app_on(PaneId::Posts, ro());
    answer_queue(&mut app, &first, vec![group(1, 2)], false);
    for action in [
        Action::Hide,
        Action::Remove,
        Action::ResolveReport,
        Action::DismissReport,
    ] {
        app.toasts.clear();
        let sent = app.on_action(action);
        assert!(no_write(&sent) && refused(&app), "{action:?} in the queue");
        tried += 1;
    }
    let sent = app.on_action(Action::NextView);
    let mut hidden = post(2);
    hidden.status = ContentStatus::Hidden;
    answer_posts(&mut app, &sent, vec![hidden], false);
    for action in [Action::Restore, Action::Remove] {
        app.toasts.clear();
        let sent = app.on_action(action);
        assert!(
            no_write(&sent) && refused(&app),
            "{action:?} on a hidden post"
        );
        tried += 1;
    }

    // Users: an active, verified user, then a disabled one who never confirmed.
    let (mut app, first) = app_on(PaneId::Users, ro());
    let mut active = user(1, true);
    active
        .attributes
        .push(("email_verified".into(), "true".into()));
    let mut pending = user(2, false);
    pending.status = UserStatus::Unconfirmed;
    let mut invited = user(3, true);
    invited.status = UserStatus::ForceChangePassword;
    answer_users(&mut app, &first, vec![active, pending, invited]);
    for action in [
        Action::Disable,
        Action::ResetPassword,
        Action::SetPassword,
        Action::SignOut,
        Action::EditAttribute,
        Action::AddGroup,
        Action::RemoveGroup,
        Action::DeleteUser,
    ] {
        app.toasts.clear();
        let sent = app.on_action(action);
        assert!(no_write(&sent) && refused(&app), "{action:?} on user1");
        tried += 1;
    }
    app.on_action(Action::Down);
    for action in [Action::Enable, Action::ConfirmSignUp, Action::VerifyEmail] {
        app.toasts.clear();
        let sent = app.on_action(action);
        assert!(no_write(&sent) && refused(&app), "{action:?} on user2");
        tried += 1;
    }
    app.on_action(Action::Down);
    app.toasts.clear();
    let sent = app.on_action(Action::ResendInvitation);
    assert!(
        no_write(&sent) && refused(&app),
        "ResendInvitation on user3"
    );
    tried += 1;
    // The commands that write: a ban and an unban of the selected user.
    for command in [":ban", ":unban"] {
        let errors = app.errors.len();
        let mut sent = typed(&mut app, command);
        sent.extend(app.on_key(code(KeyCode::Enter)));
        assert!(no_write(&sent), "{command}");
        assert!(
            app.errors
                .iter()
                .skip(errors)
                .any(|e| e.1.message.starts_with("read-only session")),
            "{command}"
        );
        tried += 1;
    }
    // Every write action of the keymap was tried above (Storage's in its own test).
    let writes = Action::ALL
        .iter()
        .filter(|a| {
            matches!(
                a.scope(),
                crate::keymap::Scope::Posts | crate::keymap::Scope::Users
            ) && !matches!(
                // The pane actions that only move or read.
                a,
                Action::GoToAuthor | Action::OpenImage | Action::DetailDown | Action::DetailUp
            )
        })
        .count();
    assert_eq!(tried, writes + 1 + 2, "Remove twice, and the two commands");
}

#[test]
fn production_asks_for_the_environment_name_before_any_write() {
    let ctx = Context {
        environment: "prod".into(),
        production: true,
        ..test_context()
    };
    let (mut app, first) = app_on(PaneId::Posts, ctx);
    answer_queue(&mut app, &first, vec![group(1, 3)], false);
    app.on_key(key('h'));
    app.on_key(code(KeyCode::Down));
    assert!(
        app.on_key(code(KeyCode::Enter)).is_empty(),
        "no name typed: nothing sent"
    );
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("still open");
    };
    assert!(d.problem.as_deref().unwrap().contains("type its name"));
    // The refusal put the cursor on the name to type.
    assert_eq!(d.focus, crate::app::dialog::Field::Typed);
    typed(&mut app, "prod");
    let sent = app.on_key(code(KeyCode::Enter));
    assert!(matches!(
        sent.as_slice(),
        [Command::Write {
            operation: Operation::Moderate {
                action: ModerationAction::Hide,
                ..
            },
            ..
        }]
    ));
}

/// `/` on the reports queue narrows the queue (kind, reason) and stays on it; the posts list
/// keeps its own filter, and each view offers its own text again.
#[test]
fn the_queue_and_the_posts_list_each_have_their_filter() {
    use backoffice_domain::model::{QueueFilter, TargetKind};
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    answer_queue(&mut app, &first, vec![group(1, 3)], false);
    let mut c = typed(&mut app, "/kind:comments  spam link");
    c.extend(app.on_key(code(KeyCode::Enter)));
    let filter = c.iter().find_map(|c| match c {
        Command::LoadQueue { filter, cursor, .. } => Some((filter.clone(), cursor.clone())),
        _ => None,
    });
    assert_eq!(
        filter,
        Some((
            QueueFilter {
                kind: Some(TargetKind::Comment),
                reason: Some("spam link".into()),
            },
            None
        )),
        "{c:?}"
    );
    let mut more = answer_queue(&mut app, &c, vec![group(2, 1)], true);
    assert_eq!(app.posts.view, Some(crate::app::posts::View::Reports));
    assert_eq!(app.focused().filter_text(), "kind:comments  spam link");
    // The next page is read with the same filter.
    more.extend(app.on_key(key('G')));
    assert!(
        more.iter().any(
            |c| matches!(c, Command::LoadQueue { filter, cursor: Some(_), .. }
            if filter.reason.as_deref() == Some("spam link"))
        ),
        "{more:?}"
    );
    // A posts-list key is refused with where it applies; the queue's filter stays.
    let mut c = typed(&mut app, "/status:hidden");
    c.extend(app.on_key(code(KeyCode::Enter)));
    assert!(
        !c.iter().any(|c| matches!(c, Command::LoadQueue { .. })),
        "{c:?}"
    );
    assert!(
        app.last_error
            .as_deref()
            .is_some_and(|e| e.starts_with("filter: status: filters the posts list")),
        "{:?}",
        app.last_error
    );
    assert_eq!(app.posts.queue_filter.kind, Some(TargetKind::Comment));
    // The refused text stays in the prompt, to mend; esc leaves it.
    assert_eq!(
        app.prompt.as_ref().map(|p| p.text()).as_deref(),
        Some("status:hidden")
    );
    app.on_key(code(KeyCode::Esc));
    // The posts list has its own.
    let c = app.on_key(key('v'));
    answer_posts(&mut app, &c, vec![post(1)], false);
    assert_eq!(app.focused().filter_text(), "");
    let mut c = typed(&mut app, "/needle");
    c.extend(app.on_key(code(KeyCode::Enter)));
    answer_posts(&mut app, &c, vec![post(1)], false);
    assert_eq!(app.focused().filter_text(), "needle");
    app.on_key(key('v'));
    assert_eq!(app.focused().filter_text(), "kind:comments  spam link");
    app.on_key(key('/'));
    assert_eq!(
        app.prompt.as_ref().unwrap().text(),
        "kind:comments  spam link"
    );
}

/// A write made from one view of the Posts pane reads the other view again when it is
/// shown: a comment hidden from a thread opened from the posts list read `visible` in the
/// queue until `ctrl-r`. The queue's place is kept.
#[test]
fn a_write_reads_the_other_posts_view_again_when_shown() {
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    answer_queue(
        &mut app,
        &first,
        (0..5).map(|i| group(i, 5 - i)).collect(),
        false,
    );
    app.on_key(key('j'));
    app.on_key(key('j'));
    let c = app.on_key(key('v'));
    answer_posts(&mut app, &c, vec![post(1)], false);
    // The write's refresh, as after any write made from this pane.
    let c = app.posts.refresh(&mut app.ids);
    assert!(
        c.iter().any(|c| matches!(c, Command::LoadPosts { .. })),
        "{c:?}"
    );
    assert!(
        !c.iter().any(|c| matches!(c, Command::LoadQueue { .. })),
        "not yet: {c:?}"
    );
    answer_posts(&mut app, &c, vec![post(1)], false);
    let c = app.on_key(key('v'));
    assert!(
        c.iter().any(|c| matches!(c, Command::LoadQueue { .. })),
        "the queue is read again: {c:?}"
    );
    answer_queue(
        &mut app,
        &c,
        (0..5).map(|i| group(i, 5 - i)).collect(),
        false,
    );
    assert_eq!(app.posts.queue.selected, 2, "its place kept");
    // Shown again with no write since: not read again.
    app.on_key(key('v'));
    let c = app.on_key(key('v'));
    assert!(
        !c.iter().any(|c| matches!(c, Command::LoadQueue { .. })),
        "{c:?}"
    );
}

/// `kind:` takes a post, a comment or a user (plurals too) and names the choices otherwise.
#[test]
fn the_queue_filter_reads_kinds_and_reasons() {
    use crate::app::posts::parse_queue_filter;
    use backoffice_domain::model::TargetKind;
    let f = parse_queue_filter("kind:USERS reason:abuse  harassment").unwrap();
    assert_eq!(f.kind, Some(TargetKind::User));
    assert_eq!(f.reason.as_deref(), Some("abuse harassment"));
    assert!(parse_queue_filter("").unwrap().is_empty());
    let e = parse_queue_filter("kind:photo").unwrap_err();
    assert_eq!(e.0, "kind: one of post, comment, user; not 'photo'");
    let e = parse_queue_filter("author:abc").unwrap_err();
    assert!(e.0.starts_with("author: filters the posts list"), "{}", e.0);
    let f = parse_queue_filter("see https://x.example/a").unwrap();
    assert_eq!(f.reason.as_deref(), Some("see https://x.example/a"));
    // Quotes around a phrase are not part of it; one kind at a time.
    let f = parse_queue_filter("kind:post \"spam link\"").unwrap();
    assert_eq!(f.reason.as_deref(), Some("spam link"));
    assert_eq!(parse_queue_filter("\"\"").unwrap().reason, None);
    // A quote left open is said, not searched for (it matched nothing, silently).
    let e = parse_queue_filter("kind:comment \"spam").unwrap_err();
    assert_eq!(e.0, "a quote is not closed: end the phrase with \"");
    let e = crate::app::posts::parse_filter("\"ramen place").unwrap_err();
    assert!(e.0.starts_with("a quote is not closed"), "{}", e.0);
    let e = crate::app::posts::parse_filter("ramen place\"").unwrap_err();
    assert!(e.0.starts_with("a quote is not opened"), "{}", e.0);
    // A phrase beginning with a quoted word and going on is text as typed (it was refused as
    // "a quote is not closed").
    let f = crate::app::posts::parse_filter("\"hello\" and").unwrap();
    assert_eq!(f.text.as_deref(), Some("\"hello\" and"));
    let f = parse_queue_filter("\"quoted\" reason").unwrap();
    assert_eq!(f.reason.as_deref(), Some("\"quoted\" reason"));
    assert_eq!(
        crate::app::posts::parse_filter("say \"hi\" twice")
            .unwrap()
            .text
            .as_deref(),
        Some("say \"hi\" twice"),
        "quotes inside a phrase are its own"
    );
    let e = parse_queue_filter("kind:post kind:comment").unwrap_err();
    assert!(e.0.starts_with("kind: give one"), "{}", e.0);
    assert!(parse_queue_filter("kind:post kind:posts").is_ok());
}

/// A hide over marked queue rows that include reported people says it leaves them out (and
/// what acts on a person); resolving says how many open reports each target has.
#[test]
fn moderation_over_marked_rows_says_what_it_leaves_out_and_counts_reports() {
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    let person = ReportGroup {
        target: Target::User(UserSub::parse("00000000-0000-4000-8000-000000000009").unwrap()),
        ..group(2, 1)
    };
    answer_queue(&mut app, &first, vec![group(1, 3), person], false);
    app.on_key(key(' '));
    app.on_key(key(' '));
    app.on_key(key('h'));
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("a dialog for the post");
    };
    assert_eq!(d.proposal.title, "Hide 1 item");
    assert!(
        d.proposal.changes.iter().any(|c| c
            == "left alone: 1 reported person (hide applies to posts and comments; :ban acts on a person)"),
        "{:?}",
        d.proposal.changes
    );
    app.on_key(code(KeyCode::Esc));
    app.on_key(key('s'));
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("a dialog for the reports");
    };
    assert!(
        d.proposal.changes[0]
            .starts_with("the open reports shown (3) on post #501: open → actioned"),
        "{:?}",
        d.proposal.changes
    );
    // Each target's reports up to the newest one the queue showed: one filed while the
    // dialog is open is not closed unread.
    assert!(
        matches!(
            &d.proposal.form,
            Form::Ready(crate::ops::Operation::ResolveReports { seen, .. })
                if seen.first() == Some(&Some(ReportId::new(901).unwrap()))
        ),
        "{:?}",
        d.proposal.form
    );
    app.on_key(code(KeyCode::Esc));
    // Only the person marked: said at once, no dialog.
    app.on_key(key('g'));
    app.on_key(key(' '));
    app.on_key(key('h'));
    assert!(app.overlay.is_none());
    assert!(
        app.toasts
            .back()
            .unwrap()
            .text
            .starts_with("left alone: 1 reported person"),
        "{:?}",
        app.toasts
    );
}

/// `enter` on a queue row whose post or comment is gone opens no thread (which could only
/// fail, offering a retry that could not help): it says what can be done there.
#[test]
fn enter_on_a_gone_target_says_what_can_be_done() {
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    answer_queue_items(&mut app, &first, vec![gone(group(1, 2))], None);
    let sent = app.on_key(code(KeyCode::Enter));
    assert!(sent.is_empty(), "{sent:?}");
    assert!(app.posts.thread.is_none());
    assert_eq!(
        app.toasts.back().unwrap().text,
        "post #501 no longer exists (deleted): its 2 open reports can be resolved (s) or dismissed (D) from here"
    );
}

/// A bulk hide over queue rows, one of them gone, hides the others and lists the gone one
/// under `left alone` (it was counted as visible, promised, and failed after the confirmation).
#[test]
fn a_bulk_hide_leaves_a_gone_target_alone_and_says_why() {
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    answer_queue_items(
        &mut app,
        &first,
        vec![queued(group(2, 1)), gone(group(1, 2))],
        None,
    );
    app.on_key(key(' '));
    app.on_key(key(' '));
    app.on_key(key('h'));
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("a dialog: {:?}", app.toasts)
    };
    assert_eq!(d.proposal.title, "Hide 1 item");
    assert!(
        d.proposal
            .changes
            .iter()
            .any(|c| c.starts_with("left alone: post #501 no longer exists (deleted)")),
        "{:?}",
        d.proposal.changes
    );
    let Form::Ready(Operation::Moderate { targets, .. }) = &d.proposal.form else {
        panic!("{:?}", d.proposal.form)
    };
    assert_eq!(targets.len(), 1, "{targets:?}");
    // The gone one alone: nothing to hide, said at once.
    app.on_key(code(KeyCode::Esc));
    app.on_key(code(KeyCode::Esc));
    app.on_key(key('j'));
    app.on_key(key('h'));
    assert!(app.overlay.is_none());
    assert!(
        app.toasts
            .back()
            .unwrap()
            .text
            .starts_with("post #501 no longer exists (deleted)"),
        "{:?}",
        app.toasts
    );
}

#[test]
fn esc_cancels_a_dialog_and_nothing_is_sent() {
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    answer_queue(&mut app, &first, vec![group(1, 3)], false);
    app.on_key(key('x'));
    assert!(matches!(app.overlay, Some(Overlay::Dialog(_))));
    assert!(app.on_key(code(KeyCode::Esc)).is_empty());
    assert!(app.overlay.is_none());
    assert_eq!(app.pending(), 0);
}

#[test]
fn delete_is_planned_then_needs_the_username_typed() {
    use backoffice_domain::services::erase::{Plan, Step};
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(7, true)]);
    // From the user's detail.
    open_selected_user(&mut app, user(7, true));
    let sent = app.on_key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::CONTROL));
    let request = match sent.as_slice() {
        [
            Command::Plan {
                request,
                planning: crate::app::Planning::Deletion(name),
            },
        ] => {
            assert_eq!(name.as_str(), "user7");
            *request
        }
        other => panic!("the deletion is planned first: {other:?}"),
    };
    assert!(app.overlay.is_none(), "nothing to confirm before the plan");
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.starts_with("planning the deletion"))
    );
    let plan = Plan {
        username: Username::parse("user7").unwrap(),
        sub: user(7, true).sub.unwrap(),
        contact: None,
        steps: vec![
            Step::Block,
            Step::RemovePost {
                id: PostId::new(3).unwrap(),
            },
            Step::DeleteProfile,
            Step::DeleteUser,
        ],
        bucket: None,
        settle: std::time::Duration::ZERO,
    };
    app.on_event(AppEvent::Planned {
        request,
        what: "delete",
        result: Ok(crate::app::shell::deletion_proposal(
            plan,
            "backoffice-user-user7.json".into(),
        )),
    });
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("delete asks first");
    };
    assert_eq!(d.proposal.type_to_confirm.as_deref(), Some("user7"));
    assert!(
        !app.toasts.iter().any(|t| t.text.starts_with("planning")),
        "the plan is in: its toast goes"
    );
    // Whom first: a look-alike username alone reads the same.
    assert!(
        d.proposal.changes[0].starts_with("user7 · sub "),
        "{:?}",
        d.proposal.changes
    );
    assert!(
        d.proposal.changes[1].contains("export their data")
            && d.proposal.changes[1].contains("backoffice-user-user7.json"),
        "{:?}",
        d.proposal.changes
    );
    assert!(
        d.proposal
            .changes
            .iter()
            .any(|c| c.starts_with("remove 1 post "))
    );
    assert!(app.on_key(code(KeyCode::Enter)).is_empty());
    app.on_key(code(KeyCode::Down));
    app.on_key(code(KeyCode::Tab));
    app.on_key(code(KeyCode::Tab));
    typed(&mut app, "user7");
    let sent = app.on_key(code(KeyCode::Enter));
    let write = match sent.as_slice() {
        [Command::Write { request, .. }] => *request,
        other => panic!("{other:?}"),
    };
    assert!(matches!(
        sent.as_slice(),
        [Command::Write {
            operation: Operation::DeleteAccount {
                export: Some(_),
                ..
            },
            ..
        }]
    )); // Done: the detail of the account that is gone closes, back to the list.
    assert!(app.users.detail.is_some());
    app.on_event(AppEvent::WriteDone {
        request: write,
        result: Ok("deleted user7: 5 calls done, audited".into()),
        changed: true,
    });
    assert!(app.users.detail.is_none());
}

#[test]
fn set_password_is_typed_twice_and_must_match() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(2, true)]);
    app.on_key(key('P'));
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("set password asks first");
    };
    assert!(matches!(d.proposal.form, Form::Password { .. }));
    typed(&mut app, "Secret-Pass1");
    app.on_key(code(KeyCode::Tab));
    typed(&mut app, "Secret-Pass2");
    assert!(app.on_key(code(KeyCode::Enter)).is_empty());
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("still open");
    };
    assert_eq!(d.problem.as_deref(), Some("the two passwords differ"));
    app.on_key(code(KeyCode::Backspace));
    typed(&mut app, "1");
    app.on_key(code(KeyCode::Tab));
    app.on_key(key(' '));
    app.on_key(code(KeyCode::Tab));
    let sent = confirm_with_first_reason(&mut app);
    match sent.as_slice() {
        [
            Command::Write {
                operation:
                    Operation::Account {
                        action:
                            AccountAction::SetPassword {
                                password,
                                permanent,
                            },
                        ..
                    },
                ..
            },
        ] => {
            assert_eq!(password.expose(), "Secret-Pass1");
            assert!(*permanent);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bulk_hide_applies_to_the_marked_rows() {
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    answer_queue(&mut app, &first, vec![], false);
    let c = app.on_key(key('v'));
    answer_posts(&mut app, &c, (0..10).map(post).collect(), false);
    app.on_key(key(' '));
    app.on_key(key('j'));
    app.on_key(key(' '));
    app.on_key(key('h'));
    let sent = confirm_with_first_reason(&mut app);
    match sent.as_slice() {
        [
            Command::Write {
                operation: Operation::Moderate { targets, action },
                ..
            },
        ] => {
            assert_eq!(*action, ModerationAction::Hide);
            let ids: Vec<_> = targets.iter().map(|t| format!("{t:?}")).collect();
            assert_eq!(ids, ["Post(PostId(1000))", "Post(PostId(998))"]);
        }
        other => panic!("{other:?}"),
    }
}

/// A moderation key leaves out what it does not apply to (hiding a removed post would fail
/// in the store after the confirmation), says so in the dialog, and refuses outright when
/// nothing is left; putting back offers reasons for putting back.
#[test]
fn moderation_leaves_out_what_it_does_not_apply_to() {
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    answer_queue(&mut app, &first, vec![], false);
    let c = app.on_key(key('v'));
    let mut removed = post(1);
    removed.status = ContentStatus::Removed;
    answer_posts(&mut app, &c, vec![post(0), removed.clone(), post(2)], false);
    app.on_key(key(' '));
    app.on_key(key(' '));
    app.on_key(key('h'));
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("h asks first");
    };
    assert_eq!(
        d.proposal.changes,
        [
            "post #1000 (post body 0): visible → hidden",
            "left alone: post #999 (post body 1) is removed: hide applies to visible items",
        ]
    );
    assert!(matches!(
        &d.proposal.form,
        crate::app::dialog::Form::Ready(Operation::Moderate { targets, .. }) if targets.len() == 1
    ));
    // Only the removed one selected: nothing to hide, no dialog.
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    answer_queue(&mut app, &first, vec![], false);
    let c = app.on_key(key('v'));
    answer_posts(&mut app, &c, vec![post(0), removed, post(2)], false);
    app.on_key(key('j'));
    app.on_key(key('h'));
    assert!(app.overlay.is_none(), "{:?}", app.overlay);
    assert!(
        app.toasts
            .back()
            .unwrap()
            .text
            .contains("is removed: hide applies to visible items"),
        "{:?}",
        app.toasts.back()
    );
    // Restoring it offers reasons for putting back.
    app.on_key(key('R'));
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("R asks first");
    };
    assert_eq!(d.proposal.reasons, crate::app::dialog::RESTORE_REASONS);
}

#[test]
fn the_queue_pages_as_the_selection_nears_its_end_once() {
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    let more = answer_queue(
        &mut app,
        &first,
        (0..30).map(|i| group(i, 1)).collect(),
        true,
    );
    assert!(without_names(more).is_empty());
    let mut asked = Vec::new();
    for _ in 0..15 {
        asked.extend(without_names(app.on_key(key('j'))));
    }
    assert_eq!(asked.len(), 1, "one request however many keys: {asked:?}");
    assert!(matches!(
        &asked[0],
        Command::LoadQueue {
            cursor: Some(_),
            ..
        }
    ));
}

#[test]
fn an_answer_to_an_abandoned_request_is_dropped() {
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    let stale = first.clone();
    let fresh = app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    answer_queue(&mut app, &stale, vec![group(1, 9)], false);
    assert!(app.posts.queue.items.is_empty());
    answer_queue(&mut app, &fresh, vec![group(2, 1), group(3, 1)], false);
    assert_eq!(app.posts.queue.items.len(), 2);
}

#[test]
fn author_of_a_post_opens_in_users() {
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    answer_queue(&mut app, &first, vec![], false);
    let c = app.on_key(key('v'));
    answer_posts(&mut app, &c, vec![post(3)], false);
    let jump = app.on_key(key('a'));
    assert_eq!(app.pane, PaneId::Users);
    let Some(Command::LoadUsers { search, .. }) = jump.first() else {
        panic!("{jump:?}");
    };
    assert_eq!(
        filter_of(search),
        "sub = \"00000000-0000-4000-8000-000000000004\""
    );
    let open = answer_users(&mut app, &jump, vec![user(4, true)]);
    assert!(
        matches!(open.as_slice(), [Command::LoadUser { username, .. }, Command::LoadSignIns { .. }] if username.as_str() == "user4"),
        "the one match opens: {open:?}"
    );
    // Where the jump took the operator is not the Users pane's last view (the next session
    // opened on this author's sub); a filter typed after it is.
    app.on_key(code(KeyCode::Esc));
    app.on_key(key('j'));
    let last = |app: &App| app.views.of(PaneId::Users).and_then(|v| v.last.clone());
    assert_eq!(last(&app), None);
    app.on_key(key('/'));
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    typed(&mut app, "kim");
    app.on_key(code(KeyCode::Enter));
    assert_eq!(last(&app).as_deref(), Some("kim"));
}

#[test]
fn command_mode_completes_and_switches_panes() {
    let (mut app, _) = app_on(PaneId::Posts, test_context());
    app.environments = vec!["sandbox".into(), "staging".into(), "prod".into()];
    app.on_key(key(':'));
    typed(&mut app, "us");
    app.on_key(code(KeyCode::Tab));
    assert_eq!(
        app.prompt.as_ref().map(LinePrompt::text).as_deref(),
        Some("users")
    );
    let c = app.on_key(code(KeyCode::Enter));
    assert_eq!(app.pane, PaneId::Users);
    assert!(matches!(c.as_slice(), [Command::LoadUsers { .. }]));
    app.on_key(key(':'));
    typed(&mut app, "env st");
    app.on_key(code(KeyCode::Tab));
    assert_eq!(
        app.prompt.as_ref().map(LinePrompt::text).as_deref(),
        Some("env staging")
    );
    app.on_key(code(KeyCode::Enter));
    assert_eq!(
        app.requests,
        vec![Request::SwitchEnvironment("staging".into())]
    );
    // What the line shows after each `tab`, typed at `:` with `text`, then left.
    let tabs = |app: &mut App, text: &str, presses: usize| -> Vec<String> {
        app.on_key(key(':'));
        typed(app, text);
        let mut seen = Vec::new();
        for _ in 0..presses {
            app.on_key(code(KeyCode::Tab));
            seen.push(
                app.prompt
                    .as_ref()
                    .map(LinePrompt::text)
                    .unwrap_or_default(),
            );
        }
        app.on_key(code(KeyCode::Esc));
        seen
    };
    // Where the prefix adds nothing, tab takes the first name, then goes round them.
    assert_eq!(
        tabs(&mut app, "env ", 4),
        ["env sandbox", "env staging", "env prod", "env sandbox"]
    );
    // Only the names that fit what was typed go round.
    assert_eq!(
        tabs(&mut app, "env s", 3),
        ["env sandbox", "env staging", "env sandbox"]
    );
    // A name that another extends: the first `tab` completes it, the next goes on.
    app.environments = vec!["moto".into(), "moto2".into(), "staging".into()];
    assert_eq!(
        tabs(&mut app, "env mo", 3),
        ["env moto", "env moto2", "env moto"]
    );
    app.environments = vec!["sandbox".into(), "staging".into(), "prod".into()];
    // A whole name that is the only one to fit stays: a habit of `tab` never turns it into
    // another environment.
    assert_eq!(
        tabs(&mut app, "env staging", 2),
        ["env staging", "env staging"]
    );
    // Command words go round the same way; typing ends the round.
    app.on_key(key(':'));
    typed(&mut app, "s");
    app.on_key(code(KeyCode::Tab));
    app.on_key(code(KeyCode::Tab));
    assert_eq!(
        app.prompt.as_ref().map(LinePrompt::text).as_deref(),
        Some("save")
    );
    app.on_key(code(KeyCode::Backspace));
    app.on_key(code(KeyCode::Tab));
    assert_eq!(
        app.prompt.as_ref().map(LinePrompt::text).as_deref(),
        Some("save"),
        "typing ended the round: `sav` completes to the one name that fits it"
    );
    app.on_key(code(KeyCode::Esc));
    assert_eq!(tabs(&mut app, "s", 2), ["storage", "save"]);
    app.on_key(key(':'));
    typed(&mut app, "env nowhere");
    app.on_key(code(KeyCode::Enter));
    assert!(
        app.last_error
            .as_deref()
            .unwrap()
            .contains("no environment 'nowhere'")
    );
    // An environment added to the file since the start needs a restart, and says so.
    assert!(
        app.last_error
            .as_deref()
            .unwrap()
            .contains("config.toml is read at start")
    );
    app.on_key(key(':'));
    typed(&mut app, "q");
    app.on_key(code(KeyCode::Enter));
    assert!(app.quit);
}

/// The posts list left unfiltered is the view the next session opens on (it kept no view, and
/// the queue opened).
#[test]
fn the_posts_list_unfiltered_is_remembered() {
    let (mut app, _) = app_on(PaneId::Posts, test_context());
    app.on_key(key('v'));
    assert_eq!(
        app.views
            .of(PaneId::Posts)
            .and_then(|v| v.last.clone())
            .as_deref(),
        Some("view:posts")
    );
    let mut next = App::unopened(test_context(), Keymap::default(), PaneId::Posts);
    let c = next.restore_views(app.views.clone());
    assert!(matches!(c.as_slice(), [Command::LoadPosts { .. }]), "{c:?}");
    assert_eq!(next.posts.filter_text, "");
}

/// `:env` reopens where the console stood: on the posts list rather than the queue, and on the
/// same folder of the other environment's bucket; a pane's own last view still comes first.
#[test]
fn another_environment_opens_where_the_console_stood() {
    use crate::app::storage::StorageCommand;
    let bucket = |name: &str| backoffice_domain::model::BucketName::parse(name).unwrap();
    let (mut app, _) = app_on(PaneId::Posts, test_context());
    app.storage.home = Some(bucket("staging-media"));
    app.open_pane(PaneId::Storage);
    app.on_key(key(':'));
    typed(&mut app, "storage posts/");
    app.on_key(code(KeyCode::Enter));
    app.open_pane(PaneId::Posts);
    app.on_key(key('v'));
    let place = app.place();
    assert_eq!(
        place,
        crate::app::Place {
            pane: PaneId::Posts,
            posts: Some(crate::app::posts::View::Posts),
            folder: Some("posts/".into()),
        }
    );

    let mut next = App::unopened(test_context(), Keymap::default(), place.pane);
    next.storage.home = Some(bucket("prod-media"));
    next.open_on(&place);
    let c = next.open_pane(place.pane);
    assert!(
        matches!(c.as_slice(), [Command::LoadPosts { .. }]),
        "the posts list, not the queue: {c:?}"
    );
    let c = next.open_pane(PaneId::Storage);
    assert!(
        matches!(
            c.as_slice(),
            [Command::Storage(StorageCommand::List { bucket, prefix, .. })]
                if bucket.as_str() == "prod-media" && prefix == "posts/"
        ),
        "{c:?}"
    );

    // The environment's own last view of the pane wins.
    let mut book = crate::app::views::ViewBook::default();
    book.panes.insert(
        "posts".into(),
        crate::app::views::PaneViews {
            last: Some("view:queue".into()),
            ..Default::default()
        },
    );
    let mut next = App::unopened(test_context(), Keymap::default(), place.pane);
    next.open_on(&place);
    let c = next.restore_views(book);
    assert!(matches!(c.as_slice(), [Command::LoadQueue { .. }]), "{c:?}");
}

/// Backspace on an empty prompt leaves it open: closed, the letters typed next acted as the
/// pane's keys (`d` opened a disable dialog, and the typed text became its reason).
#[test]
fn backspace_on_an_empty_prompt_keeps_it_open() {
    let (mut app, users) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &users, vec![user(1, true)]);
    app.on_key(key('/'));
    app.on_key(code(KeyCode::Backspace));
    app.on_key(code(KeyCode::Backspace));
    typed(&mut app, "d");
    assert!(app.overlay.is_none(), "no dialog");
    assert_eq!(
        app.prompt.as_ref().map(LinePrompt::text).as_deref(),
        Some("d")
    );
}

#[test]
fn a_bad_filter_is_reported_and_nothing_is_asked() {
    let (mut app, _) = app_on(PaneId::Posts, test_context());
    // The posts list's filter (the queue has its own).
    app.on_key(key('v'));
    app.on_key(key('/'));
    typed(&mut app, "status:deleted");
    let c = app.on_key(code(KeyCode::Enter));
    assert!(c.is_empty());
    assert!(
        app.last_error
            .as_deref()
            .unwrap()
            .contains("visible, hidden, removed")
    );
    // The prompt stays open with what was typed, to mend.
    assert_eq!(
        app.prompt.as_ref().map(|p| p.text()).as_deref(),
        Some("status:deleted")
    );
}

#[test]
fn posts_filter_goes_to_the_server() {
    let (mut app, _) = app_on(PaneId::Posts, test_context());
    // The posts list's filter (the queue has its own).
    app.on_key(key('v'));
    app.on_key(key('/'));
    typed(&mut app, "status:hidden since:2026-11-01 spam link");
    let c = app.on_key(code(KeyCode::Enter));
    let Some(Command::LoadPosts { filter, .. }) = c.first() else {
        panic!("{c:?}");
    };
    assert_eq!(filter.status, Some(ContentStatus::Hidden));
    assert_eq!(filter.text.as_deref(), Some("spam link"));
    assert_eq!(
        filter.since,
        Some(Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap())
    );
    // The queue's keys are refused here with where they apply.
    let e = crate::app::posts::parse_filter("kind:comment spam").unwrap_err();
    assert!(
        e.0.starts_with("kind: filters the reports queue"),
        "{}",
        e.0
    );
    // A phrase in quotes is searched without them.
    let f = crate::app::posts::parse_filter("status:hidden \"free followers\"").unwrap();
    assert_eq!(f.text.as_deref(), Some("free followers"));
    assert_eq!(f.status, Some(ContentStatus::Hidden));
}

#[test]
fn tab_cycles_the_panes_and_the_audit_view_reloads_each_time() {
    let (mut app, _) = app_on(PaneId::Users, test_context());
    let c = app.on_key(code(KeyCode::Tab));
    assert_eq!(app.pane, PaneId::Posts);
    assert!(matches!(c.as_slice(), [Command::LoadQueue { .. }]));
    let c = app.on_key(code(KeyCode::Tab));
    assert_eq!(app.pane, PaneId::Audit);
    assert!(matches!(c.as_slice(), [Command::LoadAudit { .. }]));
    app.on_key(code(KeyCode::BackTab));
    assert_eq!(app.pane, PaneId::Posts);
}

#[test]
fn help_lists_the_live_keys_and_any_key_closes_it() {
    let mut overrides = std::collections::BTreeMap::new();
    overrides.insert("hide".to_string(), "H".to_string());
    let (keymap, _) = Keymap::with_overrides(&overrides);
    let (mut app, _) = App::new(test_context(), keymap, PaneId::Posts);
    app.on_key(key('?'));
    assert_eq!(app.overlay, Some(Overlay::Help { scroll: 0 }));
    assert!(
        app.keymap
            .help()
            .iter()
            .any(|(_, _, k, d)| k == "H" && d.starts_with("hide"))
    );
    app.on_key(key('z'));
    assert!(app.overlay.is_none());
}

#[test]
fn toasts_fade_on_the_clock() {
    let (mut app, _) = app_on(PaneId::Users, test_context());
    app.toast("hello");
    assert!(app.is_busy(), "a toast keeps the clock running");
    for _ in 0..42 {
        app.tick();
    }
    assert!(app.toasts.is_empty());
    // A long message stays longer, to be read (a ban's summary faded first).
    let long =
        "ban someone: 65 calls done, audited; disabled, signed out, 8 posts and 53 comments hidden";
    app.toast(long);
    for _ in 0..42 {
        app.tick();
    }
    assert_eq!(app.toasts.len(), 1);
    for _ in 0..60 {
        app.tick();
    }
    assert!(app.toasts.is_empty());
}

/// A sorted Users list read again (after a write, `ctrl-r`) keeps the same user selected: the
/// row number came back in Cognito's order and the sort then put another user under it.
#[test]
fn a_sorted_users_list_read_again_keeps_the_same_user_selected() {
    let (mut app, start) = app_on(PaneId::Users, test_context());
    let cognito_order = || [3, 1, 5, 2, 4].map(|i| user(i, true)).to_vec();
    answer_users(&mut app, &start, cognito_order());
    app.on_key(key('S'));
    assert_eq!(app.users.sort, Some((0, false)));
    app.on_key(key('g'));
    for _ in 0..3 {
        app.on_key(key('j'));
    }
    let chosen = app.users.list.selected_item().unwrap().username.clone();
    assert_eq!(chosen.as_str(), "user4");
    let again = app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    answer_users(&mut app, &again, cognito_order());
    assert_eq!(app.users.list.selected_item().unwrap().username, chosen);
}

/// `S` sorts by a column one way, then the other, then goes on to the next column: a list
/// turned round could be had only with a mouse.
#[test]
fn s_turns_a_users_order_round_before_the_next_column() {
    let (mut app, start) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &start, [3, 1, 2].map(|i| user(i, true)).to_vec());
    let names = |app: &App| -> Vec<String> {
        app.users
            .list
            .items
            .iter()
            .map(|u| u.username.as_str().to_string())
            .collect()
    };
    app.on_key(key('S'));
    assert_eq!(app.users.sort, Some((0, false)));
    assert_eq!(names(&app), ["user1", "user2", "user3"]);
    app.on_key(key('S'));
    assert_eq!(app.users.sort, Some((0, true)));
    assert_eq!(names(&app), ["user3", "user2", "user1"]);
    app.on_key(key('S'));
    assert!(
        matches!(app.users.sort, Some((c, false)) if c > 0),
        "{:?}",
        app.users.sort
    );
}

/// A new search in a sorted list, and a sort, start at the top of the order: the selection
/// followed Cognito's first user to the bottom of the sorted rows, the view scrolled with it.
#[test]
fn a_sorted_list_opens_a_new_search_and_a_sort_at_the_top() {
    let (mut app, start) = app_on(PaneId::Users, test_context());
    let cognito_order = || [3, 1, 2].map(|i| user(i, true)).to_vec();
    answer_users(&mut app, &start, cognito_order());
    app.on_key(key('j'));
    app.on_key(key('S'));
    assert_eq!(app.users.list.selected, 0, "a sort starts at the top");
    app.on_key(key('/'));
    let sent = typed(&mut app, "user");
    let sent = if sent.is_empty() {
        app.on_key(code(KeyCode::Enter))
    } else {
        sent
    };
    answer_users(&mut app, &sent, cognito_order());
    assert_eq!(
        app.users.list.selected_item().unwrap().username.as_str(),
        "user1"
    );
    assert_eq!((app.users.list.selected, app.users.list.offset), (0, 0));
}

/// A phone-only account is named with its phone in an account dialog and in `:who`, as one
/// with an e-mail is with that (it read as its username alone, `(no e-mail)`).
#[test]
fn a_phone_only_account_is_named_by_its_phone() {
    let (mut app, start) = app_on(PaneId::Users, test_context());
    let mut u = user(1, true);
    u.email = None;
    u.attributes
        .push(("phone_number".into(), "+821012345678".into()));
    answer_users(&mut app, &start, vec![u.clone()]);
    app.on_key(key('o'));
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("the sign-out dialog: {:?}", app.toasts);
    };
    assert!(
        d.proposal
            .changes
            .iter()
            .any(|c| c.contains("user1 <+821012345678>")),
        "{:?}",
        d.proposal.changes
    );
    fn unread<T>() -> Result<T, String> {
        Err("not read".to_string())
    }
    let view = backoffice_domain::services::user360::User360 {
        user: Ok(u),
        sub: None,
        groups: unread(),
        profile: unread(),
        counts: unread(),
        standing: unread(),
        posts: unread(),
        comments: unread(),
        reports: unread(),
        objects: Vec::new(),
        log_lines: unread(),
    };
    let lines = crate::app::who::render(&view);
    assert!(lines[0].contains("(no e-mail) +821012345678"), "{lines:?}");
}

/// The same message shows once; a new order replaces the order said before.
#[test]
fn a_toast_said_again_or_a_new_order_replaces_the_one_before() {
    let (mut app, start) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &start, vec![user(1, true), user(2, true)]);
    app.toast("hello");
    app.on_key(key('S'));
    app.on_key(key('S'));
    app.toast("hello");
    let texts: Vec<&str> = app.toasts.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts[0].starts_with("sorted by username ↓"), "{texts:?}");
    assert_eq!(texts[1], "hello");
    // Insights' order messages replace each other too (they stacked under one another).
    app.toasts.clear();
    app.toast("sorted the 16 loaded rows by @log ascending");
    app.toast("sorted the 16 loaded rows by @log descending");
    app.toast(INSIGHTS_UNSORTED);
    let texts: Vec<&str> = app.toasts.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(texts, [INSIGHTS_UNSORTED]);
}

#[test]
fn who_opens_one_user_from_every_service_over_the_pane_and_esc_goes_back() {
    let (mut app, start) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &start, vec![user(1, true), user(2, true)]);
    // With nothing typed, `:who` opens the selected user.
    let mut sent = typed(&mut app, ":who");
    sent.extend(app.on_key(code(KeyCode::Enter)));
    let (request, who) = sent
        .iter()
        .find_map(|c| match c {
            Command::LoadWho { request, who } => Some((*request, who.clone())),
            _ => None,
        })
        .expect("a :who load");
    assert_eq!(who.to_string(), "user1");
    assert!(matches!(&app.overlay, Some(Overlay::Who(v)) if v.state == who::WhoState::Loading));
    // Keys stay live: scrolling a loading view is harmless; a stale answer is ignored.
    app.on_key(key('j'));
    app.on_event(AppEvent::WhoLoaded {
        request: RequestId(request.0 + 100),
        result: Ok(vec!["stale".into()]),
    });
    app.on_event(AppEvent::WhoLoaded {
        request,
        result: Ok(vec![
            "user1  user1@example.com".into(),
            "".into(),
            "Groups".into(),
        ]),
    });
    match &app.overlay {
        Some(Overlay::Who(v)) => assert_eq!(v.lines()[0], "user1  user1@example.com"),
        other => panic!("the view is open: {other:?}"),
    }
    app.on_key(code(KeyCode::Esc));
    assert!(app.overlay.is_none());
    assert_eq!(app.pane, PaneId::Users, "back where it was opened");

    // By e-mail, from anywhere; a failure is shown in the view, not lost.
    let mut sent = typed(&mut app, ":who nobody@example.com");
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
        result: Err(Failure::new(
            "user with e-mail nobody@example.com not found",
        )),
    });
    match &app.overlay {
        Some(Overlay::Who(v)) => assert!(v.lines()[0].contains("not found")),
        other => panic!("the view is open: {other:?}"),
    }
}

#[test]
fn who_without_a_name_outside_users_says_what_to_type() {
    let (mut app, _) = app_on(PaneId::Posts, test_context());
    let mut sent = typed(&mut app, ":who");
    sent.extend(app.on_key(code(KeyCode::Enter)));
    assert!(sent.iter().all(|c| !matches!(c, Command::LoadWho { .. })));
    assert!(app.overlay.is_none());
    assert!(
        app.errors
            .iter()
            .any(|e| e.1.message.contains(":who ann@example.com")),
        "{:?}",
        app.errors
    );
}

/// `:who` takes a name as the listings show it, hidden characters named; typed with the
/// character itself it is refused.
#[test]
fn who_takes_a_name_with_its_hidden_characters_named() {
    use backoffice_domain::services::user360::Who;
    let (mut app, _) = app_on(PaneId::Posts, test_context());
    let mut sent = typed(&mut app, ":who admin<U+3164>");
    sent.extend(app.on_key(code(KeyCode::Enter)));
    let who = sent.iter().find_map(|c| match c {
        Command::LoadWho { who, .. } => Some(who.clone()),
        _ => None,
    });
    assert_eq!(
        who,
        Some(Who::Username(
            Username::from_directory("admin\u{3164}").unwrap()
        ))
    );
    app.on_key(code(KeyCode::Esc));
    let said = who_refused(&mut app, ":who admin\u{3164}");
    assert!(
        said.contains("draw as nothing")
            && said.ends_with("write them as the list shows them: admin<U+3164>"),
        "{said}"
    );
    // A display name said to write it `Ann<U+0020>Lee`, a username no one has: it is pointed
    // to the search.
    app.on_key(code(KeyCode::Esc));
    let said = who_refused(&mut app, ":who Ann Lee");
    assert!(
        said.contains("names are searched with / in Users"),
        "{said}"
    );
    assert!(!said.contains("<U+0020>"), "{said}");
}

/// Types `command` and `enter`: nothing may be looked up; what the status bar said.
fn who_refused(app: &mut App, command: &str) -> String {
    let mut sent = typed(app, command);
    sent.extend(app.on_key(code(KeyCode::Enter)));
    assert!(
        sent.iter().all(|c| !matches!(c, Command::LoadWho { .. })),
        "{sent:?}"
    );
    app.last_error.clone().unwrap()
}

/// `:ban` in Posts plans the ban of the selected post's author, found by sub (it said "select
/// a user in the Users pane", from a reported person's profile too).
#[test]
fn ban_from_posts_names_the_selected_author() {
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    answer_queue(&mut app, &first, vec![group(1, 3)], false);
    let c = app.on_key(key('v'));
    answer_posts(&mut app, &c, vec![post(2), post(3)], false);
    app.on_key(key('j'));
    let mut sent = typed(&mut app, ":ban");
    sent.extend(app.on_key(code(KeyCode::Enter)));
    match sent.as_slice() {
        [
            Command::PlanBan {
                subject: BanSubject::Sub(sub),
                unban: false,
                ..
            },
        ] => assert_eq!(sub, &post(3).author_sub),
        other => panic!("the author's ban is planned: {other:?}"),
    }
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.contains(post(3).author_sub.as_str())),
        "the toast names whom: {:?}",
        app.toasts
    );
    // Elsewhere it says where a ban can start.
    app.open_pane(PaneId::Storage);
    let mut sent = typed(&mut app, ":unban");
    sent.extend(app.on_key(code(KeyCode::Enter)));
    assert!(sent.is_empty(), "{sent:?}");
    assert!(
        app.last_error
            .as_deref()
            .is_some_and(|e| e.contains("an author in Posts")),
        "{:?}",
        app.last_error
    );
}

/// `_` on a user in no group, from the list (their groups not read yet): the plan finds
/// nothing to leave and says so as a message, not a failure (it was `✗ remove from a group`).
#[test]
fn removing_a_user_in_no_group_is_a_message() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(4, true)]);
    let sent = app.on_key(key('_'));
    let [Command::Plan { request, .. }] = sent.as_slice() else {
        panic!("the groups are read first: {sent:?}");
    };
    app.on_event(AppEvent::PlanRefused {
        request: *request,
        what: "remove from a group",
        message: "user4 is in no group".into(),
    });
    assert_eq!(app.last_error, None);
    assert!(app.overlay.is_none());
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text == "remove from a group: user4 is in no group"),
        "{:?}",
        app.toasts
    );
    assert_eq!(app.pending(), 0);
}

/// `+` reads the user's groups and the pool's before its dialog, which offers them and sends
/// the group chosen.
#[test]
fn adding_to_a_group_offers_the_pools_groups() {
    use backoffice_domain::model::GroupName;
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(4, true)]);
    let sent = app.on_key(key('+'));
    let request = match sent.as_slice() {
        [
            Command::Plan {
                request,
                planning:
                    crate::app::Planning::Groups {
                        username,
                        add: true,
                        ..
                    },
            },
        ] => {
            assert_eq!(username.as_str(), "user4");
            *request
        }
        other => panic!("the groups are read first: {other:?}"),
    };
    assert!(app.overlay.is_none());
    let g = |n: &str| GroupName::parse(n).unwrap();
    app.on_event(AppEvent::Planned {
        request,
        what: "add to a group",
        result: crate::app::shell::group_proposal(
            Username::parse("user4").unwrap(),
            "user4",
            true,
            vec![g("staff")],
            Some(vec![g("admins"), g("staff")]),
        ),
    });
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("the dialog opens once the groups are in");
    };
    assert_eq!(d.group_choices(), ["admins"]);
    assert!(
        d.proposal.changes[0].contains("(in staff now)"),
        "{:?}",
        d.proposal.changes
    );
    typed(&mut app, "a");
    app.on_key(code(KeyCode::Tab));
    app.on_key(code(KeyCode::Tab));
    app.on_key(code(KeyCode::Down));
    let sent = app.on_key(code(KeyCode::Enter));
    assert!(
        matches!(
            sent.as_slice(),
            [Command::Write { operation: Operation::Account { action: AccountAction::AddToGroup(group), .. }, .. }]
                if group.as_str() == "admins"
        ),
        "{sent:?}"
    );
    // A plan that comes after the operator moved to another pane opens nothing there.
    app.overlay = None;
    let sent = app.on_key(key('+'));
    let [Command::Plan { request, .. }] = sent.as_slice() else {
        panic!("{sent:?}");
    };
    app.on_key(code(KeyCode::Tab));
    app.on_event(AppEvent::Planned {
        request: *request,
        what: "add to a group",
        result: crate::app::shell::group_proposal(
            Username::parse("user4").unwrap(),
            "user4",
            true,
            Vec::new(),
            Some(vec![g("admins")]),
        ),
    });
    assert!(app.overlay.is_none(), "{:?}", app.overlay);
    assert!(
        app.toasts.back().unwrap().text.contains("moved on"),
        "{:?}",
        app.toasts
    );
    app.open_pane(PaneId::Users);
    // Nothing to leave: said before any call when the open user's groups are known.
    app.overlay = None;
    open_selected_user(&mut app, user(4, true));
    assert!(app.on_key(key('_')).is_empty());
    assert_eq!(app.toasts.back().unwrap().text, "user4 is in no group");
    // And by the plan otherwise.
    assert_eq!(
        crate::app::shell::group_proposal(
            Username::parse("user4").unwrap(),
            "user4",
            false,
            Vec::new(),
            None
        )
        .unwrap_err()
        .message,
        "user4 is in no group"
    );
    // Taken out of admins, the rights last until the tokens held expire: the dialog says so,
    // and how to end them now (it said only "removed from group admins").
    let out_of = |member_of: &[&str]| {
        crate::app::shell::group_proposal(
            Username::parse("user4").unwrap(),
            "user4",
            false,
            member_of.iter().map(|n| g(n)).collect(),
            None,
        )
        .unwrap()
        .after
    };
    let after = out_of(&["admins", "staff"]);
    assert!(
        after.iter().any(|l| l.starts_with(
            "if the group is admins, they keep its rights until the tokens they hold expire"
        ) && l.contains("disable the account too")),
        "{after:?}"
    );
    let after = out_of(&["staff"]);
    assert!(!after.iter().any(|l| l.contains("admins")), "{after:?}");
    assert!(after[0].starts_with("the API reads groups from the tokens people hold"));
}

/// A long write's progress shows in the status bar's pending signal until it is done.
#[test]
fn a_long_write_says_how_far_it_has_got() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(1, true)]);
    let mut sent = typed(&mut app, ":ban");
    sent.extend(app.on_key(code(KeyCode::Enter)));
    let Some(Command::PlanBan { request, .. }) = sent.first() else {
        panic!("{sent:?}");
    };
    let plan = backoffice_domain::services::ban::Plan {
        username: Username::parse("user1").unwrap(),
        sub: UserSub::parse("00000000-0000-4000-8000-000000000001").unwrap(),
        steps: vec![backoffice_domain::services::ban::Step::Block],
        bans: Vec::new(),
        reverses: None,
        left_alone: Vec::new(),
        settle: std::time::Duration::ZERO,
        contact: None,
        earlier: None,
    };
    app.on_event(AppEvent::BanPlanned {
        request: *request,
        unban: false,
        result: Ok(plan),
    });
    let Some(Overlay::Dialog(_)) = &app.overlay else {
        panic!("the ban asks");
    };
    app.on_key(code(KeyCode::Down));
    let sent = app.on_key(code(KeyCode::Enter));
    let Some(Command::Write { request, .. }) =
        sent.iter().find(|c| matches!(c, Command::Write { .. }))
    else {
        panic!("{sent:?}");
    };
    app.on_event(AppEvent::WriteProgress {
        request: *request,
        taken: 812,
        of: 2105,
    });
    assert_eq!(app.write_progress().as_deref(), Some("ban user1 812/2105"));
}

#[test]
fn ban_lists_every_call_then_sends_the_plan_with_the_reason() {
    use backoffice_domain::services::ban::{Plan, Step};
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(4, true)]);
    let mut sent = typed(&mut app, ":ban");
    sent.extend(app.on_key(code(KeyCode::Enter)));
    let request = match sent.as_slice() {
        [
            Command::PlanBan {
                request,
                subject: BanSubject::Username(username),
                unban: false,
            },
        ] => {
            assert_eq!(username.as_str(), "user4");
            *request
        }
        other => panic!("a plan is asked for first: {other:?}"),
    };
    assert!(app.overlay.is_none(), "nothing to confirm before the plan");
    let plan = Plan {
        username: Username::parse("user4").unwrap(),
        sub: user(4, true).sub.unwrap(),
        contact: Some("user4@example.com".into()),
        steps: vec![
            Step::Disable,
            Step::SignOut,
            Step::HidePost {
                id: PostId::new(7).unwrap(),
            },
        ],
        reverses: None,
        bans: Vec::new(),
        earlier: None,
        left_alone: Vec::new(),
        settle: std::time::Duration::ZERO,
    };
    app.on_event(AppEvent::BanPlanned {
        request,
        unban: false,
        result: Ok(plan.clone()),
    });
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("the plan is shown to confirm");
    };
    assert_eq!(
        d.proposal.changes[0],
        format!("user4 <user4@example.com> · sub {}", plan.sub)
    );
    assert_eq!(d.proposal.changes[1], "cognito-idp:AdminDisableUser");
    assert_eq!(
        d.proposal.changes[3],
        "hide 1 post (database, each with its audit row): #7"
    );
    app.on_key(code(KeyCode::Tab));
    typed(&mut app, "ticket 9");
    let sent = app.on_key(code(KeyCode::Enter));
    match sent.as_slice() {
        [
            Command::Write {
                operation: Operation::Ban(sent_plan),
                reason,
                ..
            },
        ] => {
            assert_eq!(**sent_plan, plan);
            assert!(reason.as_str().ends_with("ticket 9"), "{reason}");
        }
        other => panic!("one write: {other:?}"),
    }
}

/// A ban of a banned user says so under whom it is about: it went on without a word.
#[test]
fn a_ban_of_a_banned_user_says_so_first() {
    use backoffice_domain::services::ban::{EarlierBan, Plan, Step};
    use chrono::TimeZone;
    let plan = Plan {
        username: Username::parse("user4").unwrap(),
        sub: user(4, true).sub.unwrap(),
        contact: None,
        steps: vec![Step::Block, Step::SignOut, Step::Sweep],
        reverses: None,
        bans: Vec::new(),
        left_alone: Vec::new(),
        earlier: Some(EarlierBan {
            row: 41,
            at: chrono::Utc.with_ymd_and_hms(2026, 12, 1, 9, 30, 0).unwrap(),
            actor: "sandbox:ops".into(),
        }),
        settle: std::time::Duration::ZERO,
    };
    let proposal = crate::app::shell::ban_proposal(plan);
    assert_eq!(
        proposal.changes[1],
        "banned already, 2026-12-01 09:30 UTC by sandbox:ops (audit row 41): this ban adds \
         only what changed since, and one unban reverses both"
    );
}

#[test]
fn a_user_whose_name_hides_a_character_opens_bans_and_deletes_by_its_shown_name() {
    use backoffice_domain::services::{ban, erase};
    // Cognito takes U+3164 HANGUL FILLER in a username (it is a letter); it draws as nothing.
    let hidden = Username::from_directory("admin\u{3164}").unwrap();
    let mut u = user(9, true);
    u.username = hidden.clone();
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![u.clone()]);
    let open = app.on_key(code(KeyCode::Enter));
    let request = match open.first() {
        Some(Command::LoadUser { request, username }) => {
            assert_eq!(username, &hidden, "the directory's name, as it is");
            *request
        }
        other => panic!("the detail opens: {other:?}"),
    };
    app.on_event(AppEvent::UserLoaded {
        request,
        result: Ok(detail(u.clone())),
    });
    let mut sent = typed(&mut app, ":ban");
    sent.extend(app.on_key(code(KeyCode::Enter)));
    let request = match sent.as_slice() {
        [
            Command::PlanBan {
                request,
                subject: BanSubject::Username(username),
                ..
            },
        ] => {
            assert_eq!(username, &hidden);
            *request
        }
        other => panic!("the ban is planned: {other:?}"),
    };
    app.on_event(AppEvent::BanPlanned {
        request,
        unban: false,
        result: Ok(ban::Plan {
            username: hidden.clone(),
            sub: u.sub.clone().unwrap(),
            contact: None,
            steps: vec![ban::Step::Disable],
            reverses: None,
            bans: Vec::new(),
            earlier: None,
            left_alone: Vec::new(),
            settle: std::time::Duration::ZERO,
        }),
    });
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("the plan is shown to confirm");
    };
    assert_eq!(d.proposal.title, "Ban admin<U+3164>");
    app.on_key(code(KeyCode::Esc));
    let sent = app.on_key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::CONTROL));
    let request = match sent.as_slice() {
        [
            Command::Plan {
                request,
                planning: crate::app::Planning::Deletion(name),
            },
        ] => {
            assert_eq!(name, &hidden);
            *request
        }
        other => panic!("the deletion is planned: {other:?}"),
    };
    let plan = erase::Plan {
        username: hidden.clone(),
        sub: u.sub.clone().unwrap(),
        contact: None,
        steps: vec![erase::Step::DeleteUser],
        bucket: None,
        settle: std::time::Duration::ZERO,
    };
    app.on_event(AppEvent::Planned {
        request,
        what: "delete",
        result: Ok(crate::app::shell::deletion_proposal(
            plan,
            "export.json".into(),
        )),
    });
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("delete asks first");
    };
    // Typed as it is shown; the bare look-alike does not confirm it.
    assert_eq!(d.proposal.type_to_confirm.as_deref(), Some("admin<U+3164>"));
    app.on_key(code(KeyCode::Down));
    app.on_key(code(KeyCode::Tab));
    app.on_key(code(KeyCode::Tab));
    typed(&mut app, "admin");
    assert!(
        app.on_key(code(KeyCode::Enter)).is_empty(),
        "admin is not the name"
    );
    typed(&mut app, "<U+3164>");
    let sent = app.on_key(code(KeyCode::Enter));
    match sent.as_slice() {
        [
            Command::Write {
                operation: Operation::DeleteAccount { plan, .. },
                ..
            },
        ] => {
            assert_eq!(plan.username, hidden);
        }
        other => panic!("one write, to the directory's name: {other:?}"),
    }
}

#[test]
fn ban_is_refused_read_only_and_without_a_user() {
    let ro = Context {
        read_only: true,
        ..test_context()
    };
    let (mut app, first) = app_on(PaneId::Users, ro);
    answer_users(&mut app, &first, vec![user(4, true)]);
    let mut sent = typed(&mut app, ":ban");
    sent.extend(app.on_key(code(KeyCode::Enter)));
    assert!(sent.is_empty());
    assert!(app.errors.iter().any(|e| e.1.message.contains("read-only")));
    let (mut app, _) = app_on(PaneId::Posts, test_context());
    let mut sent = typed(&mut app, ":unban");
    sent.extend(app.on_key(code(KeyCode::Enter)));
    assert!(sent.is_empty());
    assert!(app.errors.iter().any(|e| {
        e.1.message
            .contains("select a post, a comment or a reported person")
    }));
}

#[test]
fn o_opens_the_rows_user_and_minus_goes_back_from_a_jump() {
    let (mut app, _) = app_on(PaneId::Posts, test_context());
    let mut c = typed(&mut app, ":posts");
    c.extend(app.on_key(code(KeyCode::Enter)));
    answer_posts(&mut app, &c, vec![post(1), post(2)], false);
    let sent = app.on_key(key('O'));
    match sent.as_slice() {
        [Command::LoadWho { who, .. }] => {
            assert_eq!(who.to_string(), post(1).author_sub.to_string())
        }
        other => panic!("O asks for the author from every service: {other:?}"),
    }
    app.on_key(code(KeyCode::Esc));
    assert!(app.overlay.is_none());
    assert_eq!(app.pane, PaneId::Posts);
    // A jump to the author, and back.
    app.on_key(key('a'));
    assert_eq!(app.pane, PaneId::Users);
    app.on_key(key('-'));
    assert_eq!(
        app.pane,
        PaneId::Posts,
        "- returns to where the jump came from"
    );
    app.on_key(key('-'));
    assert_eq!(app.pane, PaneId::Posts);
    assert!(app.toasts.iter().any(|t| t.text.contains("no jump")));
}

#[test]
fn a_log_line_names_its_user_by_its_sub_field() {
    let sub = "0f8fad5b-d9cb-469f-a165-70867728950e";
    let json =
        format!(r#"{{"level":"INFO","message":"request served","requestId":"r1","sub":"{sub}"}}"#);
    assert_eq!(
        sub_in_line(&json).map(|s| s.to_string()).as_deref(),
        Some(sub)
    );
    assert_eq!(
        sub_in_line(&format!("user sub={sub} signed in"))
            .map(|s| s.to_string())
            .as_deref(),
        Some(sub)
    );
    assert_eq!(sub_in_line(r#"{"level":"INFO","sub":"-"}"#), None);
    assert_eq!(
        sub_in_line("START RequestId: 0f8fad5b-d9cb-469f-a165-70867728950e"),
        None
    );
}

#[test]
fn o_on_a_report_against_a_user_opens_that_user() {
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    let mut against_user = group(1, 3);
    let sub = UserSub::parse("00000000-0000-4000-8000-0000000000aa").unwrap();
    against_user.target = Target::User(sub.clone());
    answer_queue(&mut app, &first, vec![against_user, group(2, 1)], false);
    match app.on_key(key('O')).as_slice() {
        [Command::LoadWho { who, .. }] => assert_eq!(who.to_string(), sub.to_string()),
        other => panic!("O opens the reported user: {other:?}"),
    }
    app.on_key(code(KeyCode::Esc));
    app.on_key(key('j'));
    // A report on a post: its author, as the queue line names them.
    match without_names(app.on_key(key('O'))).as_slice() {
        [Command::LoadWho { who, .. }] => {
            assert_eq!(who.to_string(), "00000000-0000-4000-8000-000000000001")
        }
        other => panic!("O opens the reported post's author: {other:?}"),
    }
}

/// `:` and `/` remember what was entered (commands for the session's environment, filters per
/// pane); ↑ / ↓ walk it and bring back what was being typed.
#[test]
fn command_and_filter_prompts_recall_their_history_with_up_and_down() {
    let (mut app, _) = app_on(PaneId::Audit, test_context());
    for command in ["storage", "logs", "audit"] {
        app.on_key(key(':'));
        typed(&mut app, command);
        app.on_key(code(KeyCode::Enter));
    }
    assert_eq!(app.command_history.entries, ["storage", "logs", "audit"]);
    assert!(app.command_history.changed);
    app.on_key(key(':'));
    typed(&mut app, "he");
    app.on_key(code(KeyCode::Up));
    assert_eq!(app.prompt.as_ref().unwrap().text(), "audit");
    app.on_key(code(KeyCode::Up));
    assert_eq!(app.prompt.as_ref().unwrap().text(), "logs");
    app.on_key(code(KeyCode::Down));
    app.on_key(code(KeyCode::Down));
    assert_eq!(
        app.prompt.as_ref().unwrap().text(),
        "he",
        "the draft is back"
    );
    app.on_key(code(KeyCode::Esc));

    // Filters are the pane's own: the Audit pane's is not offered in Posts.
    app.on_key(key('/'));
    typed(&mut app, "kind:post");
    app.on_key(code(KeyCode::Enter));
    app.on_key(key('/'));
    app.on_key(code(KeyCode::Up));
    assert_eq!(app.prompt.as_ref().unwrap().text(), "kind:post");
    app.on_key(code(KeyCode::Esc));
    app.on_key(key(':'));
    typed(&mut app, "posts");
    app.on_key(code(KeyCode::Enter));
    app.on_key(key('/'));
    let before = app.prompt.as_ref().unwrap().text();
    app.on_key(code(KeyCode::Up));
    assert_eq!(
        app.prompt.as_ref().unwrap().text(),
        before,
        "nothing filtered in Posts yet"
    );
    let kinds: Vec<String> = app.histories_mut().into_iter().map(|(k, _)| k).collect();
    for kind in [
        "commands",
        "insights",
        "filters-audit",
        "filters-posts",
        "filters-metrics",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
}

/// `y` copies the selected row's id and `Y` its AWS console page, from the pane on screen; the
/// sandbox has no console, and a row that has no page says so.
#[test]
fn y_copies_the_selected_id_and_shift_y_its_console_link() {
    let mut context = test_context();
    context.region = "eu-west-1".into();
    let (mut app, first) = app_on(PaneId::Users, context);
    app.user_pool = Some("eu-west-1_Pool".into());
    answer_users(&mut app, &first, vec![user(1, true)]);
    app.on_key(key('y'));
    let sub = user(1, true).sub.unwrap().to_string();
    assert_eq!(app.requests.last(), Some(&Request::Clipboard(sub.clone())));
    assert!(
        app.toasts
            .back()
            .unwrap()
            .text
            .contains(&format!("copied the sub {sub}"))
    );
    app.on_key(key('Y'));
    let Some(Request::Clipboard(url)) = app.requests.last() else {
        panic!("{:?}", app.requests);
    };
    assert!(
        url.starts_with("https://eu-west-1.console.aws.amazon.com/cognito/v2/idp/user-pools/eu-west-1_Pool/user-management/users/details/"),
        "{url}"
    );

    // Posts: the post's id; a database row has no console page.
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    let mut c = app.on_key(key('v'));
    c.extend(first);
    answer_posts(&mut app, &c, vec![post(42)], false);
    app.on_key(key('y'));
    assert_eq!(app.requests.last(), Some(&Request::Clipboard("958".into())));
    let before = app.requests.len();
    app.on_key(key('Y'));
    assert_eq!(app.requests.len(), before, "nothing copied");
    assert!(
        app.toasts
            .back()
            .unwrap()
            .text
            .contains("sandbox has no AWS console")
    );
}

/// `ctrl-e` offers a file named after the view and the time, starts the export, shows its
/// rows on the status bar, and a second `ctrl-e` cancels it.
#[test]
fn ctrl_e_asks_for_a_file_then_exports_and_a_second_ctrl_e_cancels() {
    let (mut app, _) = app_on(PaneId::Audit, test_context());
    let ctrl_e = KeyEvent::new(KeyCode::Char('e'), KeyModifiers::CONTROL);
    app.on_key(ctrl_e);
    let offered = app.prompt.as_ref().unwrap().text();
    assert!(
        offered.starts_with("backoffice-audit-") && offered.ends_with(".csv"),
        "{offered}"
    );
    // A name without a known extension is refused; nothing starts, and the prompt stays open
    // with what was typed (it closed, and the next keys went to the pane).
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    typed(&mut app, "audit.xlsx");
    assert!(app.on_key(code(KeyCode::Enter)).is_empty());
    assert!(
        app.last_error
            .as_deref()
            .unwrap()
            .contains(".csv or .jsonl")
    );
    assert_eq!(app.prompt.as_ref().unwrap().text(), "audit.xlsx");
    // A file that exists, or a folder that does not, is refused so too.
    let dir = tempfile::tempdir().unwrap();
    let taken = dir.path().join("taken.csv");
    std::fs::write(&taken, "kept").unwrap();
    for (path, said) in [
        (taken.display().to_string(), "never overwrites"),
        (
            dir.path().join("nowhere/x.csv").display().to_string(),
            "no folder",
        ),
    ] {
        app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        typed(&mut app, &path);
        assert!(app.on_key(code(KeyCode::Enter)).is_empty(), "{path}");
        assert!(app.last_error.as_deref().unwrap().contains(said), "{path}");
        assert_eq!(app.prompt.as_ref().unwrap().text(), path);
    }
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "kept");
    app.on_key(code(KeyCode::Esc));
    app.on_key(ctrl_e);
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    typed(&mut app, "audit.jsonl");
    let c = app.on_key(code(KeyCode::Enter));
    let Some(Command::Export(job)) = c.first() else {
        panic!("{c:?}");
    };
    assert_eq!(job.format, crate::app::export::ExportFormat::JsonLines);
    assert_eq!(
        job.source,
        crate::app::export::ExportSource::Audit(Default::default())
    );
    let request = job.request;
    let stop = job.stop.clone();
    app.on_event(AppEvent::Export(
        crate::app::export::ExportEvent::Progress {
            request,
            rows: 2000,
        },
    ));
    assert_eq!(app.exporting.as_ref().unwrap().rows, 2000);
    assert!(app.pending() > 0);
    // Another environment is not opened over it (the switch dropped it without a word).
    app.environments = vec!["staging".into()];
    app.on_key(key(':'));
    typed(&mut app, "env staging");
    app.on_key(code(KeyCode::Enter));
    assert!(app.requests.is_empty(), "{:?}", app.requests);
    assert!(
        app.last_error
            .as_deref()
            .unwrap()
            .contains("an export is being written"),
        "{:?}",
        app.last_error
    );
    assert!(!stop.is_stopped());
    app.on_key(ctrl_e);
    assert!(app.exporting.is_none());
    assert!(stop.is_stopped(), "the task is told to stop");
    app.on_event(AppEvent::Export(crate::app::export::ExportEvent::Done {
        request,
        result: Err(Failure::new(
            "export cancelled after 2000 rows; audit.jsonl was removed",
        )),
    }));
    assert!(app.toasts.back().unwrap().text.contains("was removed"));
}

/// `:save NAME` keeps the pane's filter, `:view NAME` (completed with tab) applies it, `:forget`
/// drops it; the last filter a pane showed is what it opens on in the next session.
#[test]
fn saved_views_apply_a_named_filter_and_panes_open_on_their_last_view() {
    let (mut app, _) = app_on(PaneId::Audit, test_context());
    app.on_key(key('/'));
    typed(&mut app, "kind:user");
    app.on_key(code(KeyCode::Enter));
    app.on_key(key(':'));
    typed(&mut app, "save account actions");
    app.on_key(code(KeyCode::Enter));
    assert!(
        app.toasts
            .back()
            .unwrap()
            .text
            .contains("saved the view account actions")
    );
    app.on_key(key('/'));
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    app.on_key(code(KeyCode::Enter));
    assert_eq!(app.audit.filter_text, "");
    assert_eq!(app.complete("view acc").0, "view account actions");
    let c = app.run_command("view account actions");
    assert_eq!(app.audit.filter_text, "kind:user");
    assert!(
        c.iter().any(|c| matches!(c, Command::LoadAudit { filter, .. } if filter.target_kind == Some(backoffice_domain::model::AuditKind::User))),
        "{c:?}"
    );
    app.run_command("view nothing");
    assert!(
        app.last_error
            .as_deref()
            .unwrap()
            .contains("has no view nothing; it has: account actions")
    );
    assert!(app.views.changed);

    // The next session: the Audit pane opens filtered as it was left.
    let book = app.views.clone();
    let (mut next, _) = app_on(PaneId::Posts, test_context());
    next.restore_views(book);
    let c = next.open_pane(PaneId::Audit);
    assert_eq!(next.audit.filter_text, "kind:user");
    // One page asked for, the filtered one: nothing unfiltered first.
    assert!(
        matches!(c.as_slice(), [Command::LoadAudit { filter, .. }] if filter.target_kind == Some(backoffice_domain::model::AuditKind::User)),
        "{c:?}"
    );
    next.run_command("forget account actions");
    assert!(next.views.names(PaneId::Audit).is_empty());
}

/// A pane whose last view is a filter asks for that view's first page only: the Users pane
/// its search, the Posts pane its filtered listing (not the reports queue first).
#[test]
fn a_pane_opening_on_its_last_view_asks_for_one_page() {
    let mut book = views::ViewBook::default();
    book.applied(PaneId::Users, "ann");
    book.applied(PaneId::Posts, "status:hidden");
    let (mut next, _) = app_on(PaneId::Audit, test_context());
    next.restore_views(book);
    let c = next.open_pane(PaneId::Users);
    assert_eq!(next.users.filter_text, "ann");
    assert!(matches!(c.as_slice(), [Command::LoadUsers { .. }]), "{c:?}");
    let c = next.open_pane(PaneId::Posts);
    assert_eq!(next.posts.filter_text, "status:hidden");
    assert!(
        matches!(c.as_slice(), [Command::LoadPosts { filter, .. }] if filter.status == Some(ContentStatus::Hidden)),
        "{c:?}"
    );
}

/// In Posts a view remembers which list it is of: a queue's filter is kept as `view:queue …`,
/// and each view applies to its own list whichever list shows when it is applied; the last
/// one opens the next session on that list.
#[test]
fn a_posts_view_keeps_which_list_it_filters() {
    use crate::app::posts::View;
    use backoffice_domain::model::TargetKind;
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    answer_queue(&mut app, &first, vec![group(1, 3)], false);
    let mut c = typed(&mut app, "/kind:user");
    c.extend(app.on_key(code(KeyCode::Enter)));
    answer_queue(&mut app, &c, vec![], false);
    app.run_command("save people");
    assert_eq!(
        app.views.get(PaneId::Posts, "people"),
        Some("view:queue kind:user")
    );
    let c = app.on_key(key('v'));
    answer_posts(&mut app, &c, vec![post(1)], false);
    typed(&mut app, "/status:hidden");
    app.on_key(code(KeyCode::Enter));
    app.run_command("save hidden");
    assert_eq!(
        app.views.get(PaneId::Posts, "hidden"),
        Some("status:hidden")
    );
    // From the posts list, the queue's view goes to the queue.
    let c = app.run_command("view people");
    assert_eq!(app.posts.view, Some(View::Reports));
    assert!(
        c.iter().any(|c| matches!(c, Command::LoadQueue { filter, .. } if filter.kind == Some(TargetKind::User))),
        "{c:?}"
    );
    assert_eq!(app.focused().filter_text(), "kind:user");
    // From the queue, the posts list's view goes to the posts list.
    let c = app.run_command("view hidden");
    assert_eq!(app.posts.view, Some(View::Posts));
    assert!(
        c.iter().any(|c| matches!(c, Command::LoadPosts { filter, .. } if filter.status == Some(ContentStatus::Hidden))),
        "{c:?}"
    );
    // The last one shown is the next session's.
    app.run_command("view people");
    let book = app.views.clone();
    let (mut next, _) = app_on(PaneId::Audit, test_context());
    next.restore_views(book);
    let c = next.open_pane(PaneId::Posts);
    assert_eq!(next.posts.view, Some(View::Reports));
    assert!(
        matches!(c.as_slice(), [Command::LoadQueue { filter, .. }] if filter.kind == Some(TargetKind::User)),
        "{c:?}"
    );
}

/// A post-hide audit row numbered `id` (its target the same number).
pub(crate) fn audit_row(id: i64) -> backoffice_domain::model::AuditEntry {
    use backoffice_domain::model::{AuditAction, AuditEntry, AuditId, AuditKind};
    AuditEntry {
        id: AuditId::new(id).unwrap(),
        actor: "mod:ann".into(),
        action: AuditAction::PostHide,
        target_kind: AuditKind::Post,
        target_id: id.to_string(),
        reason: Some("spam".into()),
        before: None,
        after: None,
        created_at: chrono::Utc::now(),
    }
}

/// A page of 40 audit rows, newest first: the log's newest row is `top`, the page starts
/// `from` rows below it.
fn audit_page(
    top: i64,
    from: usize,
    more: bool,
) -> backoffice_domain::model::Page<backoffice_domain::model::AuditEntry> {
    use backoffice_domain::model::{Cursor, Page};
    Page::new(
        (0..40).map(|i| audit_row(top - from as i64 - i)).collect(),
        more.then(|| Cursor::encode("audit", &from)),
    )
}

/// Answers the audit page asked for among `c` with `page`.
pub(crate) fn answer_audit(
    app: &mut App,
    c: &[Command],
    page: backoffice_domain::model::Page<backoffice_domain::model::AuditEntry>,
) -> Vec<Command> {
    let request = c
        .iter()
        .find_map(|c| match c {
            Command::LoadAudit { request, .. } => Some(*request),
            _ => None,
        })
        .expect("an audit page is asked for");
    app.on_event(AppEvent::AuditLoaded {
        request,
        result: Ok(page),
    })
}

/// The audit log read again (coming back to the pane, `ctrl-r`, after a write) keeps the row
/// that was selected, found by its id though new rows pushed it down, reading pages until it
/// is in; a new filter starts at the top.
#[test]
fn the_audit_log_keeps_the_selected_row_when_it_is_read_again() {
    use backoffice_domain::model::Page;
    let (mut app, first) = app_on(PaneId::Audit, test_context());
    answer_audit(&mut app, &first, audit_page(1000, 0, false));
    for _ in 0..30 {
        app.on_key(key('j'));
    }
    assert_eq!(app.audit.list.selected_item().unwrap().id.get(), 970);
    // Away and back: 25 rows were written meanwhile, so row 970 is now the 56th.
    app.open_pane(PaneId::Users);
    let c = app.open_pane(PaneId::Audit);
    let more = answer_audit(&mut app, &c, audit_page(1025, 0, true));
    assert!(
        app.audit.finding.is_some(),
        "not on the first page: the next is read"
    );
    answer_audit(&mut app, &more, audit_page(1025, 40, true));
    let selected = app.audit.list.selected_item().unwrap();
    assert_eq!(selected.id.get(), 970, "the same row, not row 31");
    assert!(app.audit.finding.is_none());
    // ctrl-r on the same row: it stays.
    let c = app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    let more = answer_audit(&mut app, &c, audit_page(1025, 0, true));
    answer_audit(&mut app, &more, audit_page(1025, 40, true));
    assert_eq!(app.audit.list.selected_item().unwrap().id.get(), 970);
    // A row that is gone (the log read under another filter meanwhile, say): the top.
    let c = app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    answer_audit(
        &mut app,
        &c,
        Page::new((0..3).map(|i| audit_row(5000 - i)).collect(), None),
    );
    assert_eq!(app.audit.list.selected, 0);
    assert!(app.audit.finding.is_none());
    for _ in 0..2 {
        app.on_key(key('j'));
    }
    // A new filter starts at its newest row.
    let mut c = typed(&mut app, "/kind:post");
    c.extend(app.on_key(code(KeyCode::Enter)));
    answer_audit(&mut app, &c, audit_page(1025, 0, true));
    assert_eq!(app.audit.list.selected, 0);
}

/// The newest row selected, and 25 rows written elsewhere meanwhile: back in the log, the
/// newest is selected and the rows written since show (the old newest was kept selected, the
/// new rows above the view with nothing to say so).
#[test]
fn the_audit_log_at_its_newest_row_follows_the_rows_written_since() {
    let (mut app, first) = app_on(PaneId::Audit, test_context());
    answer_audit(&mut app, &first, audit_page(1000, 0, false));
    app.audit.list.viewport = 20;
    assert_eq!(app.audit.list.selected, 0);
    app.open_pane(PaneId::Posts);
    let c = app.open_pane(PaneId::Audit);
    answer_audit(&mut app, &c, audit_page(1025, 0, false));
    assert_eq!(app.audit.list.selected_item().unwrap().id.get(), 1025);
    assert_eq!(app.audit.list.offset, 0);
    assert!(app.audit.finding.is_none());
}

/// An undo (any write) read back into the log with the view at its top: the selected row is
/// kept and the view stays at the top, so the row just written shows above it (it was pushed
/// above the screen until `g`).
#[test]
fn the_audit_log_read_again_at_its_top_shows_the_rows_written_since() {
    let (mut app, first) = app_on(PaneId::Audit, test_context());
    answer_audit(&mut app, &first, audit_page(1000, 0, false));
    app.audit.list.viewport = 10;
    app.on_key(key('j'));
    app.on_key(key('j'));
    let c = app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    answer_audit(&mut app, &c, audit_page(1001, 0, false));
    assert_eq!(app.audit.list.selected_item().unwrap().id.get(), 998);
    assert_eq!(app.audit.list.selected, 3);
    assert_eq!(app.audit.list.offset, 0, "the new row 1001 shows above it");
    // Scrolled down the log: the row keeps its place on screen instead.
    for _ in 0..15 {
        app.on_key(key('j'));
    }
    app.audit.list.offset = 10;
    let c = app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    answer_audit(&mut app, &c, audit_page(1002, 0, false));
    assert_eq!(app.audit.list.selected_item().unwrap().id.get(), 983);
    assert_eq!(app.audit.list.selected, 19);
    assert_eq!(app.audit.list.offset, 11);
}

/// `u` on an audit row asks the runtime for the row's reverse, then shows it to confirm; what
/// is sent is the undo of that row.
#[test]
fn u_on_an_audit_row_plans_its_undo_and_sends_it_once_confirmed() {
    use backoffice_domain::model::{
        AuditAction, AuditEntry, AuditId, AuditKind, ModerationAction, ModerationTarget, Page,
    };
    let (mut app, first) = app_on(PaneId::Audit, test_context());
    let request = first
        .iter()
        .find_map(|c| match c {
            Command::LoadAudit { request, .. } => Some(*request),
            _ => None,
        })
        .expect("the audit log is loaded");
    let row = AuditEntry {
        id: AuditId::new(41).unwrap(),
        actor: "mod:ann".into(),
        action: AuditAction::PostHide,
        target_kind: AuditKind::Post,
        target_id: "9".into(),
        reason: Some("spam".into()),
        before: Some(r#"{"status":"visible"}"#.into()),
        after: Some(r#"{"status":"hidden"}"#.into()),
        created_at: chrono::Utc::now(),
    };
    app.on_event(AppEvent::AuditLoaded {
        request,
        result: Ok(Page::new(vec![row.clone()], None)),
    });
    let sent = app.on_key(key('u'));
    let request = match sent.as_slice() {
        [
            Command::Plan {
                request,
                planning: crate::app::Planning::Undo(planned),
            },
        ] => {
            assert_eq!(planned.id, row.id);
            *request
        }
        other => panic!("the undo is planned first: {other:?}"),
    };
    let reverse = Operation::Undo {
        of: 41,
        operation: Box::new(Operation::Moderate {
            targets: vec![ModerationTarget::Post(PostId::new(9).unwrap())],
            action: ModerationAction::Restore,
        }),
    };
    app.on_event(AppEvent::Planned {
        request,
        what: "undo",
        result: Ok(crate::app::shell::undo_proposal(&row, reverse.clone())),
    });
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("the undo is shown to confirm");
    };
    assert_eq!(d.proposal.title, "Undo audit row 41");
    assert!(
        d.proposal.changes[0].contains("post.hide of post 9 by mod:ann (spam)"),
        "{:?}",
        d.proposal.changes
    );
    // And what the undo itself changes, as the write's own dialog says it.
    assert!(
        d.proposal.changes[1].contains("9: hidden → visible (restore)"),
        "{:?}",
        d.proposal.changes
    );
    // Putting content back offers the restore's reasons, not the moderation's.
    assert_eq!(d.proposal.reasons, dialog::RESTORE_REASONS);
    app.on_key(code(KeyCode::Tab));
    typed(&mut app, "reported in error");
    let sent = app.on_key(code(KeyCode::Enter));
    assert!(
        matches!(sent.as_slice(), [Command::Write { operation, .. }] if *operation == reverse),
        "{sent:?}"
    );
    // Done: the log is read again and its newest row (the undo's own) selected, though the
    // row undone was selected and the view scrolled (it was left above the screen).
    let [Command::Write { request, .. }] = sent.as_slice() else {
        unreachable!()
    };
    app.audit.list.offset = 5;
    let again = app.on_event(AppEvent::WriteDone {
        request: *request,
        result: Ok("undid audit row 41".into()),
        changed: true,
    });
    // Row 41 is still in the log, 19 rows down: the newest is selected all the same.
    answer_audit(&mut app, &again, audit_page(60, 0, false));
    assert_eq!((app.audit.list.selected, app.audit.list.offset), (0, 0));
    assert_eq!(app.audit.list.selected_item().unwrap().id.get(), 60);

    // A row the runtime finds it cannot undo says why on the status bar.
    let sent = app.on_key(key('u'));
    let [Command::Plan { request, .. }] = sent.as_slice() else {
        panic!("planned again");
    };
    app.on_event(AppEvent::Planned {
        request: *request,
        what: "undo",
        result: Err(Failure::new(
            "row 60 was undone already, by row 61: undoing it again would undo more",
        )),
    });
    assert!(app.overlay.is_none());
    assert!(
        app.last_error
            .as_deref()
            .unwrap_or_default()
            .contains("undone already"),
        "{:?}",
        app.last_error
    );
    // A row of a kind nothing undoes is said at once, as a message: nothing is planned, and
    // the status bar is not a failure's (a deletion showed `✗ undo: …`).
    app.last_error = None;
    app.audit.list.items[0].action = "user.delete".into();
    let sent = app.on_key(key('u'));
    assert!(sent.is_empty(), "{sent:?}");
    assert_eq!(app.last_error, None);
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text == "row 60 (user.delete): a deletion cannot be undone"),
        "{:?}",
        app.toasts
    );
}

/// A command typed ahead of the terminal going raw ends in `\n`, read as ctrl-j: it runs as if
/// `enter` had been read.
#[test]
fn a_line_typed_ahead_ends_with_ctrl_j_and_still_runs() {
    let (mut app, _) = app_on(PaneId::Posts, test_context());
    typed(&mut app, ":users");
    let sent = app.on_key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::CONTROL));
    assert!(app.prompt.is_none(), "the command ran");
    assert_eq!(app.pane, PaneId::Users);
    assert!(
        sent.iter().any(|c| matches!(c, Command::LoadUsers { .. })),
        "{sent:?}"
    );
}

/// A refused field in `:create` is named: a username with a space says `username:`, so it is
/// not taken for the e-mail's problem.
#[test]
fn create_names_the_field_it_refuses() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(1, true)]);
    typed(&mut app, ":create");
    app.on_key(code(KeyCode::Enter));
    typed(&mut app, "new person");
    app.on_key(code(KeyCode::Tab));
    typed(&mut app, "new.person@example.com");
    app.on_key(code(KeyCode::Tab));
    app.on_key(code(KeyCode::Tab));
    app.on_key(code(KeyCode::Tab));
    typed(&mut app, "ticket 12");
    assert!(app.on_key(code(KeyCode::Enter)).is_empty(), "refused");
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("still open");
    };
    assert_eq!(
        d.problem.as_deref(),
        Some("username: must not contain spaces or control characters")
    );
}

/// `:create` makes plain names only: a Cyrillic letter among Latin ones (`аnn`, which reads as
/// `ann`) is refused, said as the console would show it; a name wholly in one script is not.
#[test]
fn create_refuses_a_name_that_passes_for_another() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(1, true)]);
    let problem = |app: &mut App, name: &str| {
        typed(app, ":create");
        app.on_key(code(KeyCode::Enter));
        typed(app, name);
        app.on_key(code(KeyCode::Tab));
        typed(app, "new.person@example.com");
        app.on_key(code(KeyCode::Tab));
        app.on_key(code(KeyCode::Tab));
        app.on_key(code(KeyCode::Tab));
        typed(app, "ticket 12");
        let sent = app.on_key(code(KeyCode::Enter));
        let problem = match &app.overlay {
            Some(Overlay::Dialog(d)) => d.problem.clone(),
            _ => None,
        };
        app.on_key(code(KeyCode::Esc));
        (sent, problem)
    };
    let (sent, refused) = problem(&mut app, "\u{430}nn");
    assert!(sent.is_empty(), "{sent:?}");
    assert!(
        refused
            .as_deref()
            .is_some_and(|p| p.starts_with("username: reads <U+0430>nn on screen")),
        "{refused:?}"
    );
    let (sent, refused) = problem(&mut app, "иван");
    assert_eq!(refused, None);
    assert!(!sent.is_empty(), "one script is a plain name");
}

/// `:create` asks for a username and an e-mail, invites by default (space clears the box), and
/// sends the creation; `M` on an unconfirmed sign-up sends its confirmation code instead of an
/// invitation.
#[test]
fn create_invites_by_default_and_m_resends_the_code_of_an_unconfirmed_sign_up() {
    use backoffice_domain::services::accounts::NewAccount;
    let (mut app, first) = app_on(PaneId::Users, test_context());
    let mut pending = user(5, true);
    pending.status = UserStatus::Unconfirmed;
    answer_users(&mut app, &first, vec![pending]);
    let mut sent = typed(&mut app, ":create");
    sent.extend(app.on_key(code(KeyCode::Enter)));
    assert!(sent.is_empty(), "{sent:?}");
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!(":create opens the dialog");
    };
    assert!(d.permanent, "the invitation is sent unless cleared");
    typed(&mut app, "new.person");
    app.on_key(code(KeyCode::Tab));
    typed(&mut app, "not an address");
    app.on_key(code(KeyCode::Tab));
    app.on_key(code(KeyCode::Tab));
    app.on_key(code(KeyCode::Tab));
    typed(&mut app, "support ticket 12");
    assert!(
        app.on_key(code(KeyCode::Enter)).is_empty(),
        "a bad e-mail is refused"
    );
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("still open");
    };
    assert!(
        d.problem.as_deref().unwrap_or_default().contains("e-mail"),
        "{:?}",
        d.problem
    );
    // The refusal put the cursor on the e-mail: corrected; the invitation box cleared with
    // space.
    assert_eq!(d.focus, crate::app::dialog::Field::Input2);
    app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    typed(&mut app, "new.person@example.com");
    app.on_key(code(KeyCode::Tab));
    app.on_key(key(' '));
    let sent = app.on_key(code(KeyCode::Enter));
    let expected = NewAccount {
        username: Username::parse("new.person").unwrap(),
        email: backoffice_domain::model::Email::parse("new.person@example.com").unwrap(),
        send_invitation: false,
    };
    assert!(
        matches!(sent.as_slice(), [Command::Write { operation: Operation::CreateUser(a), .. }] if *a == expected),
        "{sent:?}"
    );

    app.on_key(key('M'));
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("M asks first");
    };
    assert!(
        matches!(
            &d.proposal.form,
            crate::app::dialog::Form::Ready(Operation::Account {
                action: AccountAction::ResendConfirmationCode,
                ..
            })
        ),
        "{:?}",
        d.proposal.form
    );
}

/// `V` on a user whose e-mail is verified already (or who has none) says so instead of
/// offering a change from `true` to `true`.
#[test]
fn verifying_an_e_mail_already_verified_is_refused_at_once() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(3, true)]);
    let open = app.on_key(code(KeyCode::Enter));
    let Some(Command::LoadUser { request, .. }) = open.first().cloned() else {
        panic!("{open:?}");
    };
    let mut u = user(3, true);
    u.attributes.push(("email_verified".into(), "true".into()));
    app.on_event(AppEvent::UserLoaded {
        request,
        result: Ok(detail(u)),
    });
    assert!(app.on_key(key('V')).is_empty());
    assert!(app.overlay.is_none(), "no dialog");
    assert!(
        app.toasts
            .back()
            .is_some_and(|t| t.text.contains("user3's e-mail is already verified")),
        "{:?}",
        app.toasts
    );
}

/// `M` on a user with no e-mail says so before any dialog (the dialog offered to send a
/// password "to the user's e-mail").
#[test]
fn an_invitation_needs_an_e_mail() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    let mut u = user(5, true);
    u.status = UserStatus::ForceChangePassword;
    u.email = None;
    answer_users(&mut app, &first, vec![u]);
    assert!(app.on_key(key('M')).is_empty());
    assert!(app.overlay.is_none());
    assert!(
        app.toasts
            .back()
            .is_some_and(|t| t.text.contains("user5 has no e-mail to send it to")),
        "{:?}",
        app.toasts
    );
}

/// What opening learns after the screen is up: STS's answer becomes the status bar's operator;
/// a failure of either check is an error the operator reads, and nothing is reloaded for it.
#[test]
fn opening_answers_arrive_after_the_screen() {
    let mut context = test_context();
    context.operator = crate::environments::IDENTITY_PENDING.to_string();
    let (mut app, _) = app_on(PaneId::Users, context);
    let c = app.on_event(AppEvent::Opened(Opened::Identity(Ok(
        "arn:aws:sts::123456789012:assumed-role/ops/ann".into(),
    ))));
    assert!(c.is_empty());
    assert_eq!(
        app.context.operator,
        "arn:aws:sts::123456789012:assumed-role/ops/ann"
    );
    assert!(app.last_error.is_none());
    app.on_event(AppEvent::Opened(Opened::Database(Err(
        "environment prod: database: refused (check database_url and its password variable)".into(),
    ))));
    assert!(
        app.last_error
            .as_deref()
            .unwrap()
            .starts_with("database: environment prod: database: refused")
    );
    app.on_event(AppEvent::Opened(Opened::Identity(Err(
        "environment prod: cannot learn who you are: expired".into(),
    ))));
    assert_eq!(app.context.operator, "(identity unknown)");
    assert!(
        app.last_error
            .as_deref()
            .unwrap()
            .contains("cannot learn who you are")
    );
}

/// `:save` where there is nothing a view keeps says so (in Logs it said "saved the view … (no
/// filter)" and kept a view that did nothing).
#[test]
fn save_with_nothing_to_keep_says_so() {
    let (mut app, _) = app_on(PaneId::Logs, test_context());
    app.on_key(key(':'));
    typed(&mut app, "save logerr");
    app.on_key(code(KeyCode::Enter));
    assert!(app.views.names(PaneId::Logs).is_empty());
    let said = app.last_error.as_deref().unwrap_or_default();
    assert!(said.contains("shows nothing a view keeps"), "{said}");
}

/// `:save` keeps the Insights query (with its groups and range) and the Metrics range, and
/// `:view` runs or shows them again: it kept nothing there, and pointed to a `/` those panes
/// refuse.
#[test]
fn insights_and_metrics_views_keep_the_query_and_the_range() {
    let (mut app, _) = app_on(PaneId::Insights, test_context());
    let line = |app: &mut App, text: &str| {
        app.on_key(key(':'));
        typed(app, text);
        app.on_key(code(KeyCode::Enter))
    };
    app.insights.query_text = "fields @message\n| filter @message like /timeout/".into();
    app.insights.groups_text = "/aws/lambda/api*".into();
    app.insights.range_text = "3h".into();
    line(&mut app, "save timeouts");
    assert_eq!(app.views.names(PaneId::Insights), ["timeouts"]);
    assert_eq!(
        app.toasts.back().map(|t| t.text.as_str()),
        Some("saved the view timeouts: the query in the editor, with its groups and range"),
        "not the JSON it is kept as"
    );
    app.insights.query_text = "fields @timestamp".into();
    app.insights.range_text = "15m".into();
    let sent = line(&mut app, "view timeouts");
    assert!(
        sent.iter().any(|c| matches!(
            c,
            Command::Insights(crate::app::insights::InsightsCommand::Run { text, groups, .. })
                if text.ends_with("like /timeout/") && groups == &["/aws/lambda/api*".to_string()]
        )),
        "{sent:?}"
    );
    assert_eq!(app.insights.range_text, "3h");
    // Not the pane's last view: the next session does not run the query unasked.
    assert_eq!(
        app.views.of(PaneId::Insights).and_then(|v| v.last.clone()),
        None
    );

    app.open_pane(PaneId::Metrics);
    app.metrics.range_text = "6h".into();
    line(&mut app, "save six-hours");
    assert_eq!(app.views.names(PaneId::Metrics), ["six-hours"]);
    app.metrics.range_text = "1h".into();
    let sent = line(&mut app, "view six-hours");
    assert!(
        sent.iter().any(|c| matches!(
            c,
            Command::Metrics(crate::app::metrics::MetricsCommand::Load { .. })
        )),
        "{sent:?}"
    );
    assert_eq!(app.metrics.range_text, "6h");
}

/// A session's first `:storage PREFIX` (the pane never shown before) is the pane's last view,
/// as later ones are (the next session opened on the folder before it).
#[test]
fn a_first_storage_jump_is_the_panes_last_view() {
    let (mut app, _) = app_on(PaneId::Posts, test_context());
    app.storage.home = Some(backoffice_domain::model::BucketName::parse("media-bucket").unwrap());
    app.on_key(key(':'));
    let mut c = typed(&mut app, "storage deep/a/");
    c.extend(app.on_key(code(KeyCode::Enter)));
    assert_eq!(app.pane, PaneId::Storage);
    crate::app::storage::flows::answer_list(
        &mut app,
        &c,
        vec![crate::app::storage::flows::file("deep/a/x.txt", 3, 1)],
        false,
    );
    app.on_key(key('j'));
    assert_eq!(
        app.views.of(PaneId::Storage).and_then(|v| v.last.clone()),
        Some(app.storage.saved_filter()),
    );
    assert!(app.storage.saved_filter().contains("deep/a/"));
}

/// A write dialog opened while the database check has failed says so before the reason is
/// typed (it was refused only on `enter`); a write that gets through clears it.
#[test]
fn a_write_dialog_says_the_database_check_failed_before_the_reason_is_typed() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    app.on_event(AppEvent::Opened(Opened::Database(Err(
        "environment prod: database: refused (check database_url)".into(),
    ))));
    answer_users(&mut app, &first, vec![user(1, true)]);
    open_selected_user(&mut app, user(1, true));
    app.on_key(key('d'));
    let Some(Overlay::Dialog(d)) = &app.overlay else {
        panic!("disable asks first: {:?}", app.overlay);
    };
    let said = d.problem.as_deref().unwrap_or_default();
    assert!(
        said.starts_with("the database check failed: environment prod: database: refused")
            && said.ends_with("nothing is written while it fails"),
        "{said}"
    );
    app.on_event(AppEvent::Opened(Opened::Database(Ok(()))));
    assert_eq!(app.database_failed, None);
}

/// A database whose settings cannot be completed (an unset `${VAR}`) lets no write through
/// this session: a write is refused before its dialog, saying what will help (the dialog
/// offered "Enter checks it again", then refused "while the check fails").
#[test]
fn a_write_over_unset_database_settings_is_refused_before_its_dialog() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    app.on_event(AppEvent::Opened(Opened::DatabaseUnconfigured(
        "${DB_PW} is not set, and environment 'prod' needs it in its database URL".into(),
    )));
    assert_eq!(app.errors.back().map(|(_, f)| f.cause), Some(Cause::Setup));
    answer_users(&mut app, &first, vec![user(1, true)]);
    open_selected_user(&mut app, user(1, true));
    app.on_key(key('d'));
    assert!(app.overlay.is_none(), "{:?}", app.overlay);
    let said = app.last_error.as_deref().unwrap_or_default();
    assert!(
        said.contains(
            "${DB_PW} is not set, and environment 'prod' needs it in its database URL: nothing \
             is written this session; quit, mend the setting, and start again"
        ),
        "{said}"
    );
}

/// A name searched for as the list shows it (`admin<U+3164>`) is looked for as itself, in plain
/// text and in a filter; the filter line names the letter again.
#[test]
fn a_search_typed_as_the_list_shows_a_name_finds_that_name() {
    use crate::app::users::parse_search;
    assert_eq!(
        parse_search("admin<U+3164>").unwrap(),
        UserSearch::Text("admin\u{3164}".into())
    );
    let filter = parse_search("username = \"admin<U+3164>\"").unwrap();
    assert_eq!(filter_of(&filter), "username = \"admin\u{3164}\"");
    assert_eq!(
        parse_search("plain admin").unwrap(),
        UserSearch::Text("plain admin".into())
    );
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(1, true)]);
    app.on_key(key('/'));
    typed(&mut app, "admin\u{3164}");
    app.on_key(code(KeyCode::Enter));
    let theme = crate::theme::Theme::default_dark();
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 12)).unwrap();
    terminal
        .draw(|f| crate::ui::draw(f, &mut app, &theme, 0))
        .unwrap();
    let shown = terminal.backend().to_string();
    assert!(shown.contains("filter: admin<U+3164>"), "{shown}");
    assert!(
        shown.contains("Users · matching admin<U+3164> ·"),
        "{shown}"
    );
}

/// A command line pasted past its room says it is full (what went beyond was dropped).
#[test]
fn a_full_command_line_says_so() {
    let (mut app, _) = app_on(PaneId::Users, test_context());
    app.on_key(key(':'));
    app.on_paste(&"a".repeat(5_000));
    let theme = crate::theme::Theme::default_dark();
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 12)).unwrap();
    terminal
        .draw(|f| crate::ui::draw(f, &mut app, &theme, 0))
        .unwrap();
    let shown = terminal.backend().to_string();
    assert!(shown.contains("full: at most "), "{shown}");
}

/// A jump (`G`) shows rows whose authors were never asked for: their names are asked once the
/// frame has scrolled to them (the key's own ask saw the rows shown before, and the subs stayed
/// on screen until the next key).
#[test]
fn names_are_asked_for_the_rows_a_jump_shows() {
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    answer_queue(
        &mut app,
        &first,
        (1..=99).map(|i| group(i, i)).collect(),
        false,
    );
    let theme = crate::theme::Theme::default_dark();
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 30)).unwrap();
    let mut frame = |app: &mut App| {
        terminal
            .draw(|f| crate::ui::draw(f, app, &theme, 0))
            .unwrap();
        app.after_draw()
    };
    frame(&mut app);
    let last = UserSub::parse("00000000-0000-4000-8000-000000000063").unwrap();
    let on_key = app.on_key(key('G'));
    let asked = |c: &[Command]| {
        c.iter()
            .any(|c| matches!(c, Command::LoadNames { subs, .. } if subs.contains(&last)))
    };
    let drawn = frame(&mut app);
    assert!(
        asked(&on_key) || asked(&drawn),
        "the bottom rows' names are asked for: {on_key:?} {drawn:?}"
    );
    assert!(frame(&mut app).is_empty(), "and only once");
}

/// A search whose profile names could not be searched (the database down) lists the
/// directory's matches and says what was left out on the status bar.
#[test]
fn a_search_without_profile_names_lists_the_rest_and_says_so() {
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(1, true)]);
    app.on_key(key('/'));
    typed(&mut app, "user");
    let sent = app.on_key(code(KeyCode::Enter));
    answer_users_unsearched(
        &mut app,
        &sent,
        vec![user(2, true)],
        Some(Failure::new("the database is unavailable")),
    );
    assert_eq!(app.users.list.items.len(), 1);
    assert_eq!(
        app.last_error.as_deref(),
        Some("searching profile names: the database is unavailable")
    );
}

/// A name that is not found is named in the failure as lists name it: `user аnn not found`
/// of a Cyrillic `а` read as the user `ann` missing.
#[test]
fn a_look_alike_name_not_found_is_named_in_the_failure() {
    let f = Failure::from(backoffice_domain::DomainError::NotFound(
        "user \u{430}nn".into(),
    ));
    assert_eq!(f.message, "user <U+0430>nn not found");
    assert_eq!(f.cause, Cause::Gone);
}

/// `u` on a ban's row says what the unban leaves, as `:unban` says it (it listed the restores
/// alone, and a post removed since was left without a word).
#[test]
fn the_undo_of_a_ban_says_what_it_leaves_alone() {
    use backoffice_domain::model::{PostId, Username};
    use backoffice_domain::services::ban::{Plan, Step};
    let plan = Plan {
        username: Username::parse("user4").unwrap(),
        sub: user(4, true).sub.unwrap(),
        contact: None,
        steps: vec![
            Step::Enable,
            Step::RestorePost {
                id: PostId::new(7).unwrap(),
            },
        ],
        reverses: Some(41),
        bans: vec![41],
        earlier: None,
        left_alone: vec!["post #2932 (removed since)".into()],
        settle: std::time::Duration::ZERO,
    };
    let proposal = crate::app::shell::undo_proposal(
        &audit_row(41),
        Operation::Undo {
            of: 41,
            operation: Box::new(Operation::Ban(Box::new(plan))),
        },
    );
    assert!(
        proposal
            .changes
            .contains(&"left alone, changed since: post #2932 (removed since)".to_string()),
        "{:?}",
        proposal.changes
    );
}

/// The undo of an attribute change says the value now and the one it goes back to, as the
/// write's own dialog says `old → new` (it named only the value it sets).
#[test]
fn an_attribute_undo_says_the_value_now_and_then() {
    use backoffice_domain::model::{AttributeName, AuditAction, AuditKind};
    use backoffice_domain::services::accounts::AccountAction;
    let mut row = audit_row(9);
    row.action = AuditAction::UserUpdateAttribute;
    row.target_kind = AuditKind::User;
    row.before = Some(r#"{"name": "Seán O'Brien"}"#.into());
    row.after = Some(r#"{"name": "Seán \"Shawn\" O'Brien"}"#.into());
    let proposal = crate::app::shell::undo_proposal(
        &row,
        Operation::Undo {
            of: 9,
            operation: Box::new(Operation::Account {
                username: Username::parse("obrien").unwrap(),
                action: AccountAction::SetAttribute {
                    name: AttributeName::parse("name").unwrap(),
                    value: "Seán O'Brien".into(),
                },
            }),
        },
    );
    assert!(
        proposal
            .changes
            .contains(&r#"name: "Seán \"Shawn\" O'Brien" → "Seán O'Brien""#.to_string()),
        "{:?}",
        proposal.changes
    );
}

/// A pool or a bucket not found says where the settings name it (it read as a thing deleted,
/// with "ctrl-r reads again"); the pool's failure is the settings', so reading again is not
/// offered.
#[test]
fn a_pool_or_bucket_not_found_points_to_the_settings() {
    use backoffice_domain::DomainError;
    let pool = Failure::from(DomainError::not_found("user pool us-east-1_doesnotexist"));
    assert_eq!(
        pool.message,
        "user pool us-east-1_doesnotexist not found: user_pool_id in config.toml names it; check the id and the environment's region"
    );
    assert_eq!(pool.cause, crate::app::Cause::Setup);
    let bucket = Failure::from(DomainError::not_found("bucket walkc-medai"));
    assert!(
        bucket.message.ends_with(
            "(where it is the environment's: bucket in config.toml names it; check the name)"
        ),
        "{}",
        bucket.message
    );
    let post = Failure::from(DomainError::not_found("post 7"));
    assert_eq!(post.message, "post 7 not found");
}

/// `author:` takes an e-mail or a username: the author is looked up, then the list is read
/// for their sub; one not found says so, and reading again looks them up again, never lists
/// every author's posts under the filter.
#[test]
fn a_posts_filter_finds_its_author_by_e_mail() {
    use backoffice_domain::model::UserSub;
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    answer_queue(&mut app, &first, vec![], false);
    let c = app.on_key(key('v'));
    answer_posts(&mut app, &c, (0..3).map(post).collect(), false);
    let mut c = typed(&mut app, "/author:ann@example.com status:hidden");
    c.extend(app.on_key(code(KeyCode::Enter)));
    let request = match c.as_slice() {
        [Command::FindAuthor { request, who }] if who == "ann@example.com" => *request,
        other => panic!("the author is looked up first: {other:?}"),
    };
    let sub = UserSub::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap();
    let c = app.on_event(AppEvent::AuthorFound {
        request,
        result: Ok(sub.clone()),
    });
    match c.as_slice() {
        [Command::LoadPosts { filter, .. }] => {
            assert_eq!(filter.author.as_ref(), Some(&sub));
            assert_eq!(
                filter.status,
                Some(backoffice_domain::model::ContentStatus::Hidden)
            );
        }
        other => panic!("then the list for their sub: {other:?}"),
    }
    // Not found: said, and ctrl-r looks again.
    let mut c = typed(&mut app, "/author:nobody");
    c.extend(app.on_key(code(KeyCode::Enter)));
    let request = match c.as_slice() {
        [Command::FindAuthor { request, .. }] => *request,
        other => panic!("{other:?}"),
    };
    app.on_event(AppEvent::AuthorFound {
        request,
        result: Err(Failure::from(backoffice_domain::DomainError::not_found(
            "user nobody",
        ))),
    });
    assert!(
        matches!(&app.posts.posts.load, crate::app::list::Load::Failed(f) if f.message == "author: user nobody not found"),
        "{:?}",
        app.posts.posts.load
    );
    let again = app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    let request = match again.as_slice() {
        [Command::FindAuthor { request, who }] if who == "nobody" => *request,
        other => panic!("{other:?}"),
    };
    assert!(app.last_error.is_some(), "the not-found is said");
    // Found since: the status bar's not-found goes.
    app.on_event(AppEvent::AuthorFound {
        request,
        result: Ok(sub),
    });
    assert_eq!(app.last_error, None);
}

/// A reported post whose status no release writes is not taken for visible: `h` says why it
/// is left alone (the dialog promised `visible → hidden`, and the write failed).
#[test]
fn a_post_of_unknown_status_is_not_taken_for_visible() {
    let (mut app, first) = app_on(PaneId::Posts, test_context());
    let mut item = queued(group(9001, 2));
    item.summary.as_mut().unwrap().status = None;
    answer_queue_items(&mut app, &first, vec![item], None);
    let sent = app.on_key(key('h'));
    assert!(sent.is_empty(), "{sent:?}");
    assert!(app.overlay.is_none(), "no dialog");
    let said = &app.toasts.back().unwrap().text;
    assert!(said.contains("has a status no release writes"), "{said}");
}

/// A row no release writes is said with what it holds, and reading it again is not offered as
/// a help (a quarantined post's thread said "Press ctrl-r to try again").
#[test]
fn a_row_no_release_writes_is_said_as_the_rows() {
    use backoffice_domain::{DomainError, Invalid, UnreadableRow};
    let e = DomainError::unexpected(
        "posts row 9001 holds an invalid value",
        UnreadableRow(Invalid::new(
            "status",
            "'quarantined' is not one of: visible, hidden, removed",
        )),
    );
    let f = Failure::from(e);
    assert_eq!(f.cause, crate::app::Cause::Data);
    assert_eq!(
        f.message,
        "posts row 9001 holds an invalid value: status: 'quarantined' is not one of: visible, hidden, removed"
    );
    assert!(crate::ui::try_again(&f, "ctrl-r").starts_with("Reading again cannot help"));
}

/// `d` from the list reads the account first: one disabled in the AWS console since the list
/// was read is said as such (the list's row said enabled, and the dialog offered a disable).
#[test]
fn d_from_the_list_reads_the_account_as_it_is_now() {
    use backoffice_domain::services::ban::Standing;
    let (mut app, first) = app_on(PaneId::Users, test_context());
    answer_users(&mut app, &first, vec![user(1, true)]);
    let sent = app.on_key(key('d'));
    let Some(Command::LoadUser { request, .. }) = sent.first().cloned() else {
        panic!("the account is read first: {sent:?}");
    };
    assert!(app.overlay.is_none(), "no dialog before it is read");
    let mut now = detail(user(1, false));
    now.standing = Some(Standing {
        blocked: true,
        ban: None,
    });
    app.on_event(AppEvent::UserLoaded {
        request,
        result: Ok(now),
    });
    assert!(app.overlay.is_none(), "{:?}", app.overlay);
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text.contains("is already disabled")),
        "{:?}",
        app.toasts
    );
}
