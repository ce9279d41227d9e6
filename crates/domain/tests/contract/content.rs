//! The content store's contract, run on SQLite always and on MariaDB in the full test run.

use crate::support::{mysql_store, sqlite_store, sub};
use backoffice_domain::DomainError;
use backoffice_domain::model::*;
use backoffice_domain::ports::ContentStore;
use std::sync::Arc;

type Store = Arc<dyn ContentStore>;

/// Runs each listed behaviour against SQLite and (ignored unless services run) MariaDB.
macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let h = super::sqlite_store().await;
                    super::$name(std::sync::Arc::new(h.store.clone())).await;
                }
            )*
        }
        mod mariadb {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[ignore = "needs services: tests/run.sh"]
                async fn $name() {
                    let h = super::mysql_store().await;
                    super::$name(std::sync::Arc::new(h.store.clone())).await;
                    h.drop_database().await;
                }
            )*
        }
    };
}

contract!(
    profile_upsert_creates_then_refreshes_email_but_keeps_a_chosen_name,
    profile_update_changes_only_given_fields,
    missing_profile_is_not_found_until_its_owner_edits_it,
    posts_page_newest_first_without_gaps_or_repeats,
    post_filters_narrow_by_status_author_text_and_date,
    a_date_past_2038_is_a_date,
    text_filter_treats_like_wildcards_literally,
    cursor_from_another_query_is_refused,
    empty_listing_has_no_cursor,
    unicode_bodies_round_trip,
    ten_megabyte_body_is_refused_before_the_store,
    author_edits_post_but_not_a_removed_one,
    comment_notifies_the_post_author_but_not_oneself,
    comment_on_removed_post_is_not_found,
    thread_pages_comments_oldest_first,
    report_queue_puts_most_reported_first_then_oldest,
    report_queue_narrows_by_kind_and_reason_and_counts_whole_targets,
    duplicate_open_report_by_same_user_conflicts,
    racing_reports_by_one_user_leave_one_open_report,
    resolving_a_report_writes_its_audit_row_once,
    moderation_changes_status_and_writes_audit_together,
    moderation_that_does_not_apply_conflicts_and_writes_nothing,
    concurrent_moderation_of_one_post_has_one_winner_and_one_audit_row,
    bulk_moderation_reports_each_outcome_and_keeps_going,
    audit_log_filters_by_actor_and_target,
    audit_log_filters_by_time_window,
    notifications_mark_read_touches_only_the_recipients_rows,
    activity_counts_cover_posts_comments_and_reports,
    thumbnails_are_recorded_once_per_width_and_keys_are_case_sensitive,
    the_queue_describes_each_target_with_its_author_text_status_and_reasons,
    profiles_are_read_in_bulk_and_found_by_any_part_of_their_name,
    profiles_are_found_by_their_e_mail_in_any_case,
    a_thread_of_two_thousand_comments_pages_to_the_last_one,
    rows_written_with_the_old_audit_strings_read_as_the_typed_vocabulary,
    an_edit_keeps_what_it_replaced_and_reported_or_hidden_posts_cannot_be_edited,
    a_restore_does_not_bring_back_what_its_author_deleted,
    an_account_block_is_set_lifted_and_kept_per_sub,
    a_profile_moderation_clears_and_puts_back_fields_with_one_audit_row_each,
    a_profile_deletion_keeps_none_of_its_values_in_the_audit_row,
    a_thread_s_reports_are_read_for_its_post_and_every_comment_at_once,
    an_audit_row_keeps_a_before_and_after_past_64_kib,
);

/// The closing row of a ban or an unban lists every post it hid or restored: a spammer's
/// thousands went past TEXT's 64 KiB, and MariaDB refused the row after the work was done.
async fn an_audit_row_keeps_a_before_and_after_past_64_kib(store: Store) {
    let ids: Vec<String> = (1_000_000..1_020_000).map(|i| i.to_string()).collect();
    let after = format!("{{\"hidden_posts\":[{}]}}", ids.join(","));
    assert!(after.len() > 150_000, "{}", after.len());
    let id = store
        .record_audit(&NewAuditEntry {
            actor: actor(),
            action: AuditAction::UserBan,
            target_kind: AuditKind::User,
            target_id: sub(7).to_string(),
            reason: None,
            before: Some(after.clone()),
            after: Some(after.clone()),
        })
        .await
        .unwrap();
    let row = store.get_audit(id).await.unwrap();
    assert_eq!(row.after.as_deref(), Some(after.as_str()));
    assert_eq!(row.before.as_deref(), Some(after.as_str()));
}

async fn an_edit_keeps_what_it_replaced_and_reported_or_hidden_posts_cannot_be_edited(
    store: Store,
) {
    let a = profile(&store, 60).await;
    let p = post(&store, &a, "the words that were first posted").await;
    let edit = |text: &str| PostEdit {
        body: Some(body(text)),
        image_key: None,
    };
    store.edit_post(p.id, &edit("second")).await.unwrap();
    store.edit_post(p.id, &edit("third")).await.unwrap();
    let history = store.post_history(p.id).await.unwrap();
    let bodies: Vec<&str> = history.iter().map(|r| r.body.as_str()).collect();
    assert_eq!(bodies, ["second", "the words that were first posted"]);
    assert!(history.iter().all(|r| r.post_id == p.id));

    // The same words again, or the same absent image, are no edit: no revision, no new time.
    let before = store.get_post(p.id).await.unwrap();
    let again = store.edit_post(p.id, &edit("third")).await.unwrap();
    let no_image = PostEdit {
        body: None,
        image_key: Some(None),
    };
    store.edit_post(p.id, &no_image).await.unwrap();
    assert_eq!(again, before);
    assert_eq!(store.get_post(p.id).await.unwrap(), before);
    assert_eq!(store.post_history(p.id).await.unwrap().len(), 2);

    // An image an edit replaced is still referenced: reconciliation must keep it.
    let first = ObjectKey::parse(format!("posts/{a}/first.png")).unwrap();
    let second = ObjectKey::parse(format!("posts/{a}/second.png")).unwrap();
    for key in [&first, &second] {
        store
            .edit_post(
                p.id,
                &PostEdit {
                    body: None,
                    image_key: Some(Some(key.clone())),
                },
            )
            .await
            .unwrap();
    }
    let unrelated = format!("posts/{a}/never-used.png");
    let referenced = store
        .referenced_keys(&[
            first.as_str().to_string(),
            second.as_str().to_string(),
            unrelated,
        ])
        .await
        .unwrap();
    assert_eq!(
        referenced,
        [first.as_str().to_string(), second.as_str().to_string()]
            .into_iter()
            .collect()
    );

    // Reported: the author cannot edit the reported words away until a moderator decides.
    let report = store
        .file_report(&NewReport {
            target: Target::Post(p.id),
            reporter_sub: sub(61),
            reason: reason("harassment"),
            note: None,
        })
        .await
        .unwrap();
    let err = store
        .edit_post(p.id, &edit("nothing to see"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, DomainError::Conflict(ref m) if m.contains("open reports")),
        "{err}"
    );
    assert_eq!(store.get_post(p.id).await.unwrap().body, "third");
    store
        .resolve_report(
            report.id,
            ReportResolution::Dismissed,
            &actor(),
            &reason("not harassment"),
        )
        .await
        .unwrap();
    // Its audit row says what was reported, beside the status.
    let row = store
        .list_audit(&AuditFilter::default(), PageRequest::first(1))
        .await
        .unwrap()
        .items
        .remove(0);
    assert_eq!(row.action.as_str(), "report.dismissed");
    let after: serde_json::Value = serde_json::from_str(row.after.as_deref().unwrap()).unwrap();
    assert_eq!(after["on"], format!("post {}", p.id));
    assert_eq!(after["status"], "dismissed");
    store.edit_post(p.id, &edit("fourth")).await.unwrap();

    // Hidden: refused too, and nothing is added to the history.
    store
        .moderate(&moderation(
            ModerationTarget::Post(p.id),
            ModerationAction::Hide,
        ))
        .await
        .unwrap();
    let err = store.edit_post(p.id, &edit("laundered")).await.unwrap_err();
    assert!(
        matches!(err, DomainError::Conflict(ref m) if m.contains("hidden")),
        "{err}"
    );
    assert_eq!(store.post_history(p.id).await.unwrap().len(), 5);
    assert_eq!(store.get_post(p.id).await.unwrap().body, "fourth");
    assert!(
        store
            .post_history(PostId::new(987_654).unwrap())
            .await
            .unwrap()
            .is_empty()
    );
}

async fn a_restore_does_not_bring_back_what_its_author_deleted(store: Store) {
    let a = profile(&store, 62).await;
    let own = post(&store, &a, "deleted by me").await;
    // The API audits an author's own delete under their bare sub.
    store
        .moderate(&Moderation {
            target: ModerationTarget::Post(own.id),
            action: ModerationAction::Remove,
            actor: Actor::parse(a.as_str()).unwrap(),
            reason: reason("deleted by its author"),
        })
        .await
        .unwrap();
    let err = store
        .moderate(&moderation(
            ModerationTarget::Post(own.id),
            ModerationAction::Restore,
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(err, DomainError::Conflict(ref m) if m.contains("its author")),
        "{err}"
    );
    assert_eq!(
        store.get_post(own.id).await.unwrap().status,
        ContentStatus::Removed
    );

    // A moderator's own removal can be undone.
    let theirs = post(&store, &a, "removed by a moderator").await;
    for action in [ModerationAction::Remove, ModerationAction::Restore] {
        store
            .moderate(&moderation(ModerationTarget::Post(theirs.id), action))
            .await
            .unwrap();
    }
    assert_eq!(
        store.get_post(theirs.id).await.unwrap().status,
        ContentStatus::Visible
    );

    // Comments alike.
    let comment = store
        .create_comment(&NewComment {
            post_id: theirs.id,
            author_sub: a.clone(),
            body: CommentBody::parse("my comment").unwrap(),
        })
        .await
        .unwrap();
    store
        .moderate(&Moderation {
            target: ModerationTarget::Comment(comment.id),
            action: ModerationAction::Remove,
            actor: Actor::parse(a.as_str()).unwrap(),
            reason: reason("deleted by its author"),
        })
        .await
        .unwrap();
    let err = store
        .moderate(&moderation(
            ModerationTarget::Comment(comment.id),
            ModerationAction::Restore,
        ))
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::Conflict(_)), "{err}");
}

async fn an_account_block_is_set_lifted_and_kept_per_sub(store: Store) {
    let a = profile(&store, 63).await;
    let b = sub(64);
    let own = post(&store, &a, "written before the block").await;
    let theirs = post(&store, &b, "someone else's").await;
    assert!(!store.is_blocked(&a).await.unwrap(), "no mark: not blocked");
    store.set_blocked(&a, true, &actor()).await.unwrap();
    store.set_blocked(&a, true, &actor()).await.unwrap();
    assert!(store.is_blocked(&a).await.unwrap());
    assert!(!store.is_blocked(&b).await.unwrap());

    // A write that got past the API's cached check is refused by the store itself.
    let refused = |e: DomainError| e.is_account_blocked();
    let e = store
        .create_post(&NewPost {
            author_sub: a.clone(),
            body: body("after the ban"),
            image_key: None,
        })
        .await
        .unwrap_err();
    assert!(refused(e));
    let e = store
        .create_comment(&NewComment {
            post_id: theirs.id,
            author_sub: a.clone(),
            body: CommentBody::parse("after the ban").unwrap(),
        })
        .await
        .unwrap_err();
    assert!(refused(e));
    let e = store
        .edit_post(
            own.id,
            &PostEdit {
                body: Some(body("rewritten after the ban")),
                image_key: None,
            },
        )
        .await
        .unwrap_err();
    assert!(refused(e));
    let e = store
        .file_report(&NewReport {
            target: Target::Post(theirs.id),
            reporter_sub: a.clone(),
            reason: reason("spam"),
            note: None,
        })
        .await
        .unwrap_err();
    assert!(refused(e));
    let e = store
        .update_profile(
            &a,
            &ProfileUpdate {
                display_name: Some(DisplayName::parse("Renamed").unwrap()),
                ..ProfileUpdate::default()
            },
        )
        .await
        .unwrap_err();
    assert!(refused(e));
    assert_eq!(
        store.get_post(own.id).await.unwrap().body,
        "written before the block"
    );

    store.set_blocked(&a, false, &actor()).await.unwrap();
    assert!(!store.is_blocked(&a).await.unwrap());
    store
        .edit_post(
            own.id,
            &PostEdit {
                body: Some(body("after the unban")),
                image_key: None,
            },
        )
        .await
        .unwrap();
}

async fn the_queue_describes_each_target_with_its_author_text_status_and_reasons(store: Store) {
    let author = profile(&store, 40).await;
    let spam = post(&store, &author, "BUY \"CHEAP\" followers\nsecond line").await;
    let comment = store
        .create_comment(&NewComment {
            post_id: spam.id,
            author_sub: sub(41),
            body: CommentBody::parse("사진 잘 찍으셨네요 👍").unwrap(),
        })
        .await
        .unwrap();
    let file = |target: Target, reporter: u64, why: &'static str| {
        file_report(&store, target, reporter, why)
    };
    for r in 0..3 {
        file(Target::Post(spam.id), 500 + r, "spam").await;
    }
    file(Target::Post(spam.id), 510, "harassment").await;
    file(Target::Comment(comment.id), 511, "spam").await;
    file(Target::User(author.clone()), 512, "impersonation").await;
    store
        .moderate(&moderation(
            ModerationTarget::Comment(comment.id),
            ModerationAction::Hide,
        ))
        .await
        .unwrap();
    let page = backoffice_domain::services::moderation::queue(
        store.as_ref(),
        &Default::default(),
        PageRequest::first(10),
    )
    .await
    .unwrap();
    let item = |t: &Target| page.items.iter().find(|i| i.group.target == *t).unwrap();
    let on_post = item(&Target::Post(spam.id));
    let summary = on_post.summary.as_ref().unwrap();
    assert_eq!(summary.author_sub.as_ref(), Some(&author));
    assert!(
        summary.excerpt.starts_with("BUY \"CHEAP\" followers"),
        "{summary:?}"
    );
    assert_eq!(summary.status, Some(ContentStatus::Visible));
    let reasons: Vec<(&str, i64)> = on_post
        .reasons
        .iter()
        .map(|r| (r.reason.as_str(), r.count))
        .collect();
    assert_eq!(
        reasons,
        vec![("spam", 3), ("harassment", 1)],
        "most given first"
    );
    let on_comment = item(&Target::Comment(comment.id));
    let summary = on_comment.summary.as_ref().unwrap();
    assert_eq!(summary.status, Some(ContentStatus::Hidden));
    assert_eq!(summary.excerpt, "사진 잘 찍으셨네요 👍");
    assert_eq!(summary.author_sub, Some(sub(41)));
    let on_user = item(&Target::User(author.clone()));
    assert_eq!(on_user.summary.as_ref().unwrap().excerpt, "User 40");
    assert_eq!(on_user.reasons[0].reason, "impersonation");
    // A long body is cut to 200 characters, not to bytes, and says it goes on; one of 200
    // characters is whole.
    let long = post(&store, &author, &"é".repeat(400)).await;
    let just = post(&store, &author, &"ü".repeat(200)).await;
    let s = store
        .summarize_targets(&[Target::Post(long.id), Target::Post(just.id)])
        .await
        .unwrap();
    let of = |id| {
        s.iter()
            .find(|s| s.target == Target::Post(id))
            .unwrap()
            .excerpt
            .clone()
    };
    assert_eq!(of(long.id), format!("{}…", "é".repeat(200)));
    assert_eq!(of(just.id), "ü".repeat(200));
}

async fn profiles_are_found_by_their_e_mail_in_any_case(store: Store) {
    let stored = [
        (70, "MiXeD.CaSe@Example.COM"),
        (71, "mixed.case@example.com.au"),
        (72, "other@example.com"),
    ];
    for (n, email) in stored {
        store
            .upsert_profile(&NewProfile {
                sub: sub(n),
                email: Some(Email::parse(email).unwrap()),
                display_name: None,
            })
            .await
            .unwrap();
    }
    for typed in [
        "mixed.case@example.com",
        "MIXED.CASE@EXAMPLE.COM",
        "MiXeD.CaSe@Example.COM",
    ] {
        assert_eq!(
            store.subs_with_email(typed, 5).await.unwrap(),
            vec![sub(70)],
            "{typed}: the whole address, in any case"
        );
    }
    assert!(
        store
            .subs_with_email("nobody@example.com", 5)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .subs_with_email("%@example.com", 5)
            .await
            .unwrap()
            .is_empty(),
        "no pattern"
    );
    store
        .upsert_profile(&NewProfile {
            sub: sub(73),
            email: Some(Email::parse("Mixed.Case@example.com").unwrap()),
            display_name: None,
        })
        .await
        .unwrap();
    assert_eq!(
        store
            .subs_with_email("mixed.case@example.com", 5)
            .await
            .unwrap(),
        vec![sub(70), sub(73)],
        "every holder, in sub order"
    );
    assert_eq!(
        store
            .subs_with_email("mixed.case@example.com", 1)
            .await
            .unwrap(),
        vec![sub(70)],
        "no more than asked for"
    );
}

async fn profiles_are_read_in_bulk_and_found_by_any_part_of_their_name(store: Store) {
    let names = [
        "Ann O'Brien",
        "Zoë \"Z\" Lee",
        "مريم الأحمد",
        "Bob_100%",
        "annabel",
    ];
    let mut subs = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let s = sub(60 + i as u64);
        store
            .upsert_profile(&NewProfile {
                sub: s.clone(),
                email: None,
                display_name: Some(DisplayName::parse(*name).unwrap()),
            })
            .await
            .unwrap();
        subs.push(s);
    }
    let mut asked = subs.clone();
    asked.push(sub(99));
    let got = store.get_profiles(&asked).await.unwrap();
    assert_eq!(got.len(), names.len(), "the sub without a row is left out");
    let find = |text: &'static str| {
        let store = store.clone();
        async move {
            let mut out = Vec::new();
            let mut page = PageRequest::first(1);
            loop {
                let got = store.search_profiles(text, page).await.unwrap();
                out.extend(got.items.into_iter().filter_map(|p| p.display_name));
                match got.next {
                    Some(c) => page = PageRequest::after(c, 1),
                    None => return out,
                }
            }
        }
    };
    let mut ann = find("ANN").await;
    ann.sort();
    assert_eq!(
        ann,
        vec!["Ann O'Brien", "annabel"],
        "any case, paged one by one"
    );
    assert_eq!(find("\"Z\"").await, vec!["Zoë \"Z\" Lee"]);
    assert_eq!(find("الأحمد").await, vec!["مريم الأحمد"]);
    assert_eq!(find("100%").await, vec!["Bob_100%"], "% is literal");
    assert!(find("_1").await == vec!["Bob_100%"], "_ is literal");
}

async fn a_thread_of_two_thousand_comments_pages_to_the_last_one(store: Store) {
    let a = profile(&store, 70).await;
    let p = post(&store, &a, "a busy thread").await;
    for i in 0..2_000 {
        store
            .create_comment(&NewComment {
                post_id: p.id,
                author_sub: sub(71 + (i % 5)),
                body: CommentBody::parse(format!("comment {i}")).unwrap(),
            })
            .await
            .unwrap();
    }
    let thread = store.thread(p.id, PageRequest::first(200)).await.unwrap();
    let mut seen: Vec<String> = thread
        .comments
        .items
        .iter()
        .map(|c| c.body.clone())
        .collect();
    let mut next = thread.comments.next;
    let filter = CommentFilter {
        post: Some(p.id),
        ..CommentFilter::default()
    };
    while let Some(cursor) = next {
        let got = store
            .list_comments(&filter, PageRequest::after(cursor, 200))
            .await
            .unwrap();
        seen.extend(got.items.iter().map(|c| c.body.clone()));
        next = got.next;
    }
    assert_eq!(seen.len(), 2_000);
    assert_eq!(seen[0], "comment 0");
    assert_eq!(seen[1_999], "comment 1999", "oldest first, to the last");
}

async fn rows_written_with_the_old_audit_strings_read_as_the_typed_vocabulary(store: Store) {
    // As the stores and services wrote them before the vocabulary was typed, and a name a
    // newer version might write.
    for (action, kind) in [
        ("post.hide", "post"),
        ("user.set_temporary_password", "user"),
        ("object.presign_get", "object"),
        ("user.teleport", "user"),
    ] {
        store
            .record_audit(&NewAuditEntry {
                actor: actor(),
                action: AuditAction::Other(action.to_string()),
                target_kind: AuditKind::Other(kind.to_string()),
                target_id: "x".into(),
                reason: None,
                before: None,
                after: None,
            })
            .await
            .unwrap();
    }
    let rows = store
        .list_audit(&AuditFilter::default(), PageRequest::first(10))
        .await
        .unwrap()
        .items;
    let read: Vec<(AuditAction, AuditKind)> = rows
        .iter()
        .map(|r| (r.action.clone(), r.target_kind.clone()))
        .collect();
    assert_eq!(
        read,
        vec![
            (AuditAction::Other("user.teleport".into()), AuditKind::User),
            (AuditAction::ObjectPresignGet, AuditKind::Object),
            (AuditAction::UserSetTemporaryPassword, AuditKind::User),
            (AuditAction::PostHide, AuditKind::Post),
        ]
    );
    let users = store
        .list_audit(
            &AuditFilter {
                target_kind: Some(AuditKind::User),
                ..AuditFilter::default()
            },
            PageRequest::first(10),
        )
        .await
        .unwrap();
    assert_eq!(users.items.len(), 2, "the typed filter finds the old rows");
}

async fn thumbnails_are_recorded_once_per_width_and_keys_are_case_sensitive(store: Store) {
    let at = now_millis();
    let thumb = |source: &str, width: u32, bytes: u64| Thumbnail {
        source_key: source.to_string(),
        width,
        height: width / 2,
        key: format!("thumbs/{width}/{source}"),
        bytes,
        created_at: at,
    };
    let source = "posts/0f8fad5b-d9cb-469f-a165-70867728950e/Photo été.jpg";
    store
        .record_thumbnails(&[thumb(source, 512, 9000), thumb(source, 128, 800)])
        .await
        .unwrap();
    // A second delivery of the same upload replaces, never duplicates.
    store
        .record_thumbnails(&[thumb(source, 128, 801)])
        .await
        .unwrap();
    let upper = "posts/0f8fad5b-d9cb-469f-a165-70867728950e/PHOTO ÉTÉ.jpg";
    store
        .record_thumbnails(&[thumb(upper, 128, 5)])
        .await
        .unwrap();
    let got = store.thumbnails(source).await.unwrap();
    assert_eq!(got, vec![thumb(source, 128, 801), thumb(source, 512, 9000)]);
    assert_eq!(
        store.thumbnails(upper).await.unwrap(),
        vec![thumb(upper, 128, 5)]
    );
    assert!(store.thumbnails("posts/none.jpg").await.unwrap().is_empty());
}

fn body(s: &str) -> PostBody {
    PostBody::parse(s).unwrap()
}

/// A report on `target` by user `reporter`, for `why`, without a note.
async fn file_report(store: &Store, target: Target, reporter: u64, why: &str) -> Report {
    store
        .file_report(&NewReport {
            target,
            reporter_sub: sub(reporter),
            reason: reason(why),
            note: None,
        })
        .await
        .unwrap()
}

fn reason(s: &str) -> Reason {
    Reason::parse(s).unwrap()
}

fn actor() -> Actor {
    Actor::parse("arn:aws:iam::123456789012:user/moderator").unwrap()
}

async fn profile(store: &Store, n: u64) -> UserSub {
    let s = sub(n);
    store
        .upsert_profile(&NewProfile {
            sub: s.clone(),
            email: Some(Email::parse(format!("user{n}@example.com")).unwrap()),
            display_name: Some(DisplayName::parse(format!("User {n}")).unwrap()),
        })
        .await
        .unwrap();
    s
}

async fn post(store: &Store, author: &UserSub, text: &str) -> Post {
    store
        .create_post(&NewPost {
            author_sub: author.clone(),
            body: body(text),
            image_key: None,
        })
        .await
        .unwrap()
}

async fn all_posts(store: &Store, filter: &PostFilter, limit: u32) -> Vec<Post> {
    let mut out = Vec::new();
    let mut page = PageRequest::first(limit);
    loop {
        let got = store.list_posts(filter, page.clone()).await.unwrap();
        assert!(got.items.len() <= limit as usize);
        out.extend(got.items);
        match got.next {
            Some(next) => page = PageRequest::after(next, limit),
            None => return out,
        }
    }
}

fn moderation(target: ModerationTarget, action: ModerationAction) -> Moderation {
    Moderation {
        target,
        action,
        actor: actor(),
        reason: reason("violates the community rules"),
    }
}

async fn profile_upsert_creates_then_refreshes_email_but_keeps_a_chosen_name(store: Store) {
    let s = profile(&store, 1).await;
    store
        .update_profile(
            &s,
            &ProfileUpdate {
                display_name: Some(DisplayName::parse("Chosen").unwrap()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let again = store
        .upsert_profile(&NewProfile {
            sub: s.clone(),
            email: Some(Email::parse("new@example.com").unwrap()),
            display_name: Some(DisplayName::parse("From Cognito").unwrap()),
        })
        .await
        .unwrap();
    assert_eq!(again.email.as_deref(), Some("new@example.com"));
    assert_eq!(again.display_name.as_deref(), Some("Chosen"));
}

async fn profile_update_changes_only_given_fields(store: Store) {
    let s = profile(&store, 2).await;
    let updated = store
        .update_profile(
            &s,
            &ProfileUpdate {
                bio: Some(Bio::parse("산책과 커피 ☕").unwrap()),
                profile_image_key: Some(Some(
                    ObjectKey::parse(format!("profiles/{s}/me.png")).unwrap(),
                )),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.bio.as_deref(), Some("산책과 커피 ☕"));
    assert_eq!(updated.display_name.as_deref(), Some("User 2"));
    assert_eq!(
        updated.profile_image_key,
        Some(format!("profiles/{s}/me.png"))
    );
    assert!(updated.updated_at >= updated.created_at);

    // A name alone keeps the picture; `Some(None)` removes it and keeps the rest.
    let renamed = store
        .update_profile(
            &s,
            &ProfileUpdate {
                display_name: Some(DisplayName::parse("Renamed").unwrap()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        renamed.profile_image_key,
        Some(format!("profiles/{s}/me.png"))
    );
    let cleared = store
        .update_profile(
            &s,
            &ProfileUpdate {
                profile_image_key: Some(None),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(cleared.profile_image_key, None);
    assert_eq!(cleared.display_name.as_deref(), Some("Renamed"));
    assert_eq!(cleared.bio.as_deref(), Some("산책과 커피 ☕"));
}

async fn missing_profile_is_not_found_until_its_owner_edits_it(store: Store) {
    let err = store.get_profile(&sub(999)).await.unwrap_err();
    assert!(matches!(err, DomainError::NotFound(_)), "{err}");
    // A user whose sign-up trigger never ran makes the row with their first edit.
    let made = store
        .update_profile(
            &sub(999),
            &ProfileUpdate {
                bio: Some(Bio::parse("first words").unwrap()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(made.bio.as_deref(), Some("first words"));
    assert_eq!(made.display_name, None);
    assert_eq!(made.email, None);
    assert_eq!(
        store.get_profile(&sub(999)).await.unwrap().bio.as_deref(),
        Some("first words")
    );
    // The trigger running late still fills in the e-mail and keeps the edit.
    let late = store
        .upsert_profile(&NewProfile {
            sub: sub(999),
            email: Some(Email::parse("late@example.com").unwrap()),
            display_name: Some(DisplayName::parse("From Cognito").unwrap()),
        })
        .await
        .unwrap();
    assert_eq!(late.email.as_deref(), Some("late@example.com"));
    assert_eq!(late.bio.as_deref(), Some("first words"));

    // A blocked account (an erased one keeps its block) makes no row.
    store.set_blocked(&sub(998), true, &actor()).await.unwrap();
    let err = store
        .update_profile(
            &sub(998),
            &ProfileUpdate {
                bio: Some(Bio::parse("back again").unwrap()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(!matches!(err, DomainError::NotFound(_)), "{err}");
    let err = store.get_profile(&sub(998)).await.unwrap_err();
    assert!(matches!(err, DomainError::NotFound(_)), "{err}");
}

async fn posts_page_newest_first_without_gaps_or_repeats(store: Store) {
    let a = profile(&store, 3).await;
    // Created in quick succession, many share a millisecond: the id breaks the tie.
    let mut created = Vec::new();
    for i in 0..23 {
        created.push(post(&store, &a, &format!("post number {i}")).await.id);
    }
    // Oldest first walks the same keyset the other way, filters and all.
    let oldest = PostFilter {
        oldest_first: true,
        ..PostFilter::default()
    };
    let ascending: Vec<PostId> = all_posts(&store, &oldest, 4)
        .await
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(ascending, created);
    let narrowed = PostFilter {
        text: Some("number 1".into()),
        ..oldest.clone()
    };
    let some: Vec<PostId> = all_posts(&store, &narrowed, 2)
        .await
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(some.len(), 11, "number 1 and 10 to 19");
    assert!(some.windows(2).all(|w| w[0] < w[1]), "{some:?}");
    // A cursor of one order is refused by the other.
    let first = store
        .list_posts(&PostFilter::default(), PageRequest::first(3))
        .await
        .unwrap();
    assert!(
        store
            .list_posts(&oldest, PageRequest::after(first.next.unwrap(), 3))
            .await
            .is_err()
    );

    let listed = all_posts(&store, &PostFilter::default(), 5).await;
    let ids: Vec<PostId> = listed.iter().map(|p| p.id).collect();
    created.reverse();
    assert_eq!(ids, created);
    assert!(
        listed
            .windows(2)
            .all(|w| (w[0].created_at, w[0].id) > (w[1].created_at, w[1].id))
    );
}

/// A time past 2038 is bound as the `DATETIME` it is compared with: bound as a `TIMESTAMP`
/// (1970 to 2038), MariaDB took it for NULL, and "until 2040" found no post at all.
async fn a_date_past_2038_is_a_date(store: Store) {
    let a = profile(&store, 4).await;
    let p1 = post(&store, &a, "written now").await;
    let far = chrono::DateTime::parse_from_rfc3339("2040-01-01T00:00:00Z")
        .unwrap()
        .to_utc();
    let until = all_posts(
        &store,
        &PostFilter {
            until: Some(far),
            ..Default::default()
        },
        10,
    )
    .await;
    assert_eq!(until.iter().map(|p| p.id).collect::<Vec<_>>(), vec![p1.id]);
    let since = all_posts(
        &store,
        &PostFilter {
            since: Some(far),
            ..Default::default()
        },
        10,
    )
    .await;
    assert!(since.is_empty(), "{since:?}");
}

async fn post_filters_narrow_by_status_author_text_and_date(store: Store) {
    let a = profile(&store, 4).await;
    let b = profile(&store, 5).await;
    let p1 = post(&store, &a, "Sunset over the river").await;
    let p2 = post(&store, &b, "sunrise hike").await;
    let p3 = post(&store, &b, "Another SUNSET photo").await;
    store
        .moderate(&moderation(
            ModerationTarget::Post(p3.id),
            ModerationAction::Hide,
        ))
        .await
        .unwrap();

    let by_b = all_posts(
        &store,
        &PostFilter {
            author: Some(b.clone()),
            ..Default::default()
        },
        10,
    )
    .await;
    assert_eq!(
        by_b.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![p3.id, p2.id]
    );

    let hidden = all_posts(
        &store,
        &PostFilter {
            status: Some(ContentStatus::Hidden),
            ..Default::default()
        },
        10,
    )
    .await;
    assert_eq!(hidden.iter().map(|p| p.id).collect::<Vec<_>>(), vec![p3.id]);

    let sunset = all_posts(
        &store,
        &PostFilter {
            text: Some("sunset".into()),
            ..Default::default()
        },
        10,
    )
    .await;
    assert_eq!(
        sunset.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![p3.id, p1.id],
        "text search is case-insensitive"
    );

    let visible_sunset = all_posts(
        &store,
        &PostFilter {
            text: Some("sunset".into()),
            status: Some(ContentStatus::Visible),
            ..Default::default()
        },
        10,
    )
    .await;
    assert_eq!(
        visible_sunset.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![p1.id]
    );

    let future = all_posts(
        &store,
        &PostFilter {
            since: Some(p3.created_at + chrono::Duration::hours(1)),
            ..Default::default()
        },
        10,
    )
    .await;
    assert!(future.is_empty());
    let until = all_posts(
        &store,
        &PostFilter {
            until: Some(p1.created_at + chrono::Duration::milliseconds(1)),
            ..Default::default()
        },
        10,
    )
    .await;
    assert!(until.iter().all(|p| p.created_at <= p1.created_at));
    assert!(until.iter().any(|p| p.id == p1.id));
}

async fn text_filter_treats_like_wildcards_literally(store: Store) {
    let a = profile(&store, 6).await;
    let discount = post(&store, &a, "50% off today").await;
    post(&store, &a, "500 reasons").await;
    post(&store, &a, "snake_case vs camelCase").await;
    let found = all_posts(
        &store,
        &PostFilter {
            text: Some("50%".into()),
            ..Default::default()
        },
        10,
    )
    .await;
    assert_eq!(
        found.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![discount.id]
    );
    let under = all_posts(
        &store,
        &PostFilter {
            text: Some("e_c".into()),
            ..Default::default()
        },
        10,
    )
    .await;
    assert_eq!(under.len(), 1);
    let bang = all_posts(
        &store,
        &PostFilter {
            text: Some("!".into()),
            ..Default::default()
        },
        10,
    )
    .await;
    assert!(bang.is_empty());
}

async fn cursor_from_another_query_is_refused(store: Store) {
    let a = profile(&store, 7).await;
    for i in 0..3 {
        post(&store, &a, &format!("p{i}")).await;
    }
    let first = store
        .list_posts(&PostFilter::default(), PageRequest::first(1))
        .await
        .unwrap();
    let cursor = first.next.expect("more pages");
    let other = PostFilter {
        status: Some(ContentStatus::Hidden),
        ..Default::default()
    };
    let err = store
        .list_posts(&other, PageRequest::after(cursor.clone(), 1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, DomainError::Invalid(ref i) if i.field == "cursor"),
        "{err}"
    );
    let err = store
        .list_comments(&CommentFilter::default(), PageRequest::after(cursor, 1))
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::Invalid(_)), "{err}");
    let err = store
        .list_posts(
            &PostFilter::default(),
            PageRequest::after(Cursor::from_client("bm90IGEgY3Vyc29y"), 1),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::Invalid(_)), "{err}");
}

async fn empty_listing_has_no_cursor(store: Store) {
    let page = store
        .list_posts(&PostFilter::default(), PageRequest::first(10))
        .await
        .unwrap();
    assert!(page.items.is_empty());
    assert!(page.next.is_none());
    assert!(
        store
            .report_queue(&Default::default(), PageRequest::first(10))
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(
        store
            .list_audit(&AuditFilter::default(), PageRequest::first(10))
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

async fn unicode_bodies_round_trip(store: Store) {
    let a = profile(&store, 8).await;
    let text = "한국어 텍스트 👩‍👩‍👧 émoji, עברית, e\u{301} and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢\nsecond line";
    let created = post(&store, &a, text).await;
    assert_eq!(store.get_post(created.id).await.unwrap().body, text);
    let found = all_posts(
        &store,
        &PostFilter {
            text: Some("👩‍👩‍👧".into()),
            ..Default::default()
        },
        10,
    )
    .await;
    assert_eq!(found.len(), 1);
}

async fn ten_megabyte_body_is_refused_before_the_store(store: Store) {
    let huge = "x".repeat(10 * 1024 * 1024);
    assert!(PostBody::parse(&huge).is_err());
    assert!(CommentBody::parse(&huge).is_err());
    let page = store
        .list_posts(&PostFilter::default(), PageRequest::first(1))
        .await
        .unwrap();
    assert!(page.items.is_empty(), "nothing reached the store");
}

async fn author_edits_post_but_not_a_removed_one(store: Store) {
    let a = profile(&store, 9).await;
    let p = post(&store, &a, "first draft").await;
    let key = ObjectKey::parse(format!("posts/{a}/1.png")).unwrap();
    let edited = store
        .edit_post(
            p.id,
            &PostEdit {
                body: Some(body("second draft")),
                image_key: Some(Some(key.clone())),
            },
        )
        .await
        .unwrap();
    assert_eq!(edited.body, "second draft");
    assert_eq!(edited.image_key.as_deref(), Some(key.as_str()));
    let cleared = store
        .edit_post(
            p.id,
            &PostEdit {
                body: None,
                image_key: Some(None),
            },
        )
        .await
        .unwrap();
    assert_eq!(cleared.image_key, None);
    assert_eq!(cleared.body, "second draft");
    store
        .moderate(&moderation(
            ModerationTarget::Post(p.id),
            ModerationAction::Remove,
        ))
        .await
        .unwrap();
    let err = store
        .edit_post(
            p.id,
            &PostEdit {
                body: Some(body("again")),
                image_key: None,
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::NotFound(_)), "{err}");
}

async fn comment_notifies_the_post_author_but_not_oneself(store: Store) {
    let author = profile(&store, 10).await;
    let other = profile(&store, 11).await;
    let p = post(&store, &author, "hello").await;
    let c = store
        .create_comment(&NewComment {
            post_id: p.id,
            author_sub: other.clone(),
            body: CommentBody::parse("hi!").unwrap(),
        })
        .await
        .unwrap();
    store
        .create_comment(&NewComment {
            post_id: p.id,
            author_sub: author.clone(),
            body: CommentBody::parse("thanks").unwrap(),
        })
        .await
        .unwrap();
    let inbox = store
        .list_notifications(&author, true, PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(inbox.items.len(), 1);
    let n = &inbox.items[0];
    assert_eq!(
        (n.kind, &n.actor_sub, n.post_id, n.comment_id),
        (NotificationKind::Comment, &other, Some(p.id), Some(c.id))
    );
    assert!(
        store
            .list_notifications(&other, false, PageRequest::first(10))
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

async fn comment_on_removed_post_is_not_found(store: Store) {
    let a = profile(&store, 12).await;
    let p = post(&store, &a, "soon gone").await;
    store
        .moderate(&moderation(
            ModerationTarget::Post(p.id),
            ModerationAction::Remove,
        ))
        .await
        .unwrap();
    let err = store
        .create_comment(&NewComment {
            post_id: p.id,
            author_sub: a.clone(),
            body: CommentBody::parse("late").unwrap(),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::NotFound(_)), "{err}");
    let err = store
        .create_comment(&NewComment {
            post_id: PostId::new(999_999).unwrap(),
            author_sub: a,
            body: CommentBody::parse("x").unwrap(),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::NotFound(_)), "{err}");
}

async fn a_thread_s_reports_are_read_for_its_post_and_every_comment_at_once(store: Store) {
    let a = profile(&store, 17).await;
    let p = post(&store, &a, "a thread with reported comments").await;
    let other = post(&store, &a, "reported elsewhere").await;
    let mut comments = Vec::new();
    for i in 0..3 {
        let c = store
            .create_comment(&NewComment {
                post_id: p.id,
                author_sub: sub(70 + i),
                body: CommentBody::parse(format!("comment {i}")).unwrap(),
            })
            .await
            .unwrap();
        comments.push(c.id);
    }
    let file = |target: Target, reporter: u64| file_report(&store, target, reporter, "spam");
    let on_post = file(Target::Post(p.id), 600).await;
    let on_first = file(Target::Comment(comments[0]), 601).await;
    let on_last = file(Target::Comment(comments[2]), 602).await;
    // Resolved reports are shown too, with their status.
    store
        .resolve_report(
            on_first.id,
            ReportResolution::Dismissed,
            &actor(),
            &reason("fine"),
        )
        .await
        .unwrap();
    file(Target::Post(other.id), 603).await;
    file(Target::User(a.clone()), 604).await;
    let mut wanted = vec![Target::Post(p.id)];
    wanted.extend(comments.iter().map(|c| Target::Comment(*c)));
    let got = store.reports_on(&wanted).await.unwrap().items;
    let ids: Vec<ReportId> = got.iter().map(|r| r.id).collect();
    assert_eq!(
        ids,
        vec![on_last.id, on_first.id, on_post.id],
        "newest first"
    );
    assert_eq!(got[1].status, ReportStatus::Dismissed);
    // A comment's number asked for as a post is another target.
    let same_number = Target::Post(PostId::new(comments[2].get()).unwrap());
    let got = store.reports_on(&[same_number]).await.unwrap().items;
    assert!(
        got.iter().all(|r| matches!(r.target, Target::Post(_))),
        "{got:?}"
    );
    assert!(store.reports_on(&[]).await.unwrap().items.is_empty());
    let too_many: Vec<Target> = (1..=1_001)
        .map(|n| Target::Comment(CommentId::new(n).unwrap()))
        .collect();
    assert!(matches!(
        store.reports_on(&too_many).await,
        Err(DomainError::Invalid(_))
    ));
}

async fn thread_pages_comments_oldest_first(store: Store) {
    let a = profile(&store, 13).await;
    let p = post(&store, &a, "thread").await;
    let mut ids = Vec::new();
    for i in 0..7 {
        let c = store
            .create_comment(&NewComment {
                post_id: p.id,
                author_sub: a.clone(),
                body: CommentBody::parse(format!("c{i}")).unwrap(),
            })
            .await
            .unwrap();
        ids.push(c.id);
    }
    let thread = store.thread(p.id, PageRequest::first(3)).await.unwrap();
    assert_eq!(thread.post.id, p.id);
    let mut seen: Vec<CommentId> = thread.comments.items.iter().map(|c| c.id).collect();
    let mut next = thread.comments.next;
    while let Some(cursor) = next {
        let page = store
            .list_comments(
                &CommentFilter {
                    post: Some(p.id),
                    ..Default::default()
                },
                PageRequest::after(cursor, 3),
            )
            .await
            .unwrap();
        seen.extend(page.items.iter().map(|c| c.id));
        next = page.next;
    }
    assert_eq!(seen, ids);
}

/// The queue filtered by kind and by a reason's text (any case, `%` and `_` literal): a target
/// is listed when one of its open reports gives the reason, and counted with all of them; a
/// filtered queue pages, and its cursor is refused by another filter.
async fn report_queue_narrows_by_kind_and_reason_and_counts_whole_targets(store: Store) {
    let a = profile(&store, 15).await;
    let mixed = post(&store, &a, "spam and abuse").await;
    let plain = post(&store, &a, "only abuse").await;
    let percent = post(&store, &a, "100% literal").await;
    file_report(&store, Target::Post(mixed.id), 400, "Spam link").await;
    file_report(&store, Target::Post(mixed.id), 401, "abuse").await;
    file_report(&store, Target::Post(plain.id), 402, "abuse").await;
    file_report(&store, Target::Post(percent.id), 403, "100% spam").await;
    let on_user = file_report(&store, Target::User(sub(78)), 404, "spam profile").await;
    // A resolved report's reason does not list its target.
    let closed = post(&store, &a, "was spam").await;
    let r = file_report(&store, Target::Post(closed.id), 405, "spam").await;
    store
        .resolve_report(
            r.id,
            ReportResolution::Dismissed,
            &actor(),
            &reason("not spam"),
        )
        .await
        .unwrap();
    let all = |filter: QueueFilter| {
        let store = store.clone();
        async move {
            let mut out = Vec::new();
            let mut page = PageRequest::first(1);
            loop {
                let got = store.report_queue(&filter, page).await.unwrap();
                out.extend(got.items.into_iter().map(|g| (g.target, g.open_reports)));
                match got.next {
                    Some(c) => page = PageRequest::after(c, 1),
                    None => break,
                }
            }
            out
        }
    };
    let spam = QueueFilter {
        reason: Some("SPAM".into()),
        ..Default::default()
    };
    assert_eq!(
        all(spam.clone()).await,
        vec![
            (Target::Post(mixed.id), 2),
            (Target::Post(percent.id), 1),
            (on_user.target.clone(), 1),
        ]
    );
    let spam_posts = QueueFilter {
        kind: Some(TargetKind::Post),
        ..spam.clone()
    };
    assert_eq!(
        all(spam_posts.clone()).await,
        vec![(Target::Post(mixed.id), 2), (Target::Post(percent.id), 1)]
    );
    let users = QueueFilter {
        kind: Some(TargetKind::User),
        ..Default::default()
    };
    assert_eq!(all(users).await, vec![(on_user.target.clone(), 1)]);
    let literal = QueueFilter {
        reason: Some("0%".into()),
        ..Default::default()
    };
    assert_eq!(all(literal).await, vec![(Target::Post(percent.id), 1)]);
    let underscore = QueueFilter {
        reason: Some("s_am".into()),
        ..Default::default()
    };
    assert_eq!(all(underscore).await, vec![]);
    let first = store
        .report_queue(&spam, PageRequest::first(1))
        .await
        .unwrap();
    let err = store
        .report_queue(&spam_posts, PageRequest::after(first.next.unwrap(), 1))
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::Invalid(_)), "{err}");
}

async fn report_queue_puts_most_reported_first_then_oldest(store: Store) {
    let a = profile(&store, 14).await;
    let quiet = post(&store, &a, "one report").await;
    let loud = post(&store, &a, "three reports").await;
    let older_single = post(&store, &a, "one report, filed first").await;
    let file = |target: Target, reporter: u64| {
        let store = store.clone();
        async move {
            store
                .file_report(&NewReport {
                    target,
                    reporter_sub: sub(reporter),
                    reason: reason("spam"),
                    note: None,
                })
                .await
                .unwrap()
        }
    };
    file(Target::Post(older_single.id), 100).await;
    // Reports keep milliseconds: make "older" unambiguous.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    file(Target::Post(quiet.id), 101).await;
    for r in 200..203 {
        file(Target::Post(loud.id), r).await;
    }
    let user_report = file(Target::User(sub(77)), 300).await;
    let mut groups = Vec::new();
    let mut page = PageRequest::first(2);
    loop {
        let got = store.report_queue(&Default::default(), page).await.unwrap();
        groups.extend(got.items);
        match got.next {
            Some(c) => page = PageRequest::after(c, 2),
            None => break,
        }
    }
    let order: Vec<(Target, i64)> = groups
        .iter()
        .map(|g| (g.target.clone(), g.open_reports))
        .collect();
    assert_eq!(
        order,
        vec![
            (Target::Post(loud.id), 3),
            (Target::Post(older_single.id), 1),
            (Target::Post(quiet.id), 1),
            (user_report.target.clone(), 1),
        ]
    );
}

async fn duplicate_open_report_by_same_user_conflicts(store: Store) {
    let a = profile(&store, 15).await;
    let p = post(&store, &a, "reported twice").await;
    let report = NewReport {
        target: Target::Post(p.id),
        reporter_sub: sub(400),
        reason: reason("spam"),
        note: None,
    };
    store.file_report(&report).await.unwrap();
    let err = store.file_report(&report).await.unwrap_err();
    assert!(matches!(err, DomainError::Conflict(_)), "{err}");
    let missing = NewReport {
        target: Target::Comment(CommentId::new(424_242).unwrap()),
        ..report
    };
    assert!(matches!(
        store.file_report(&missing).await.unwrap_err(),
        DomainError::NotFound(_)
    ));
}

/// Twelve reports of the same target by the same user at once: exactly one is filed, the
/// others conflict (the unique open-report key holds when the friendly check races). After it
/// is closed, the user may report again.
async fn racing_reports_by_one_user_leave_one_open_report(store: Store) {
    let a = profile(&store, 16).await;
    let mut last = None;
    // Several rounds: one race may happen to serialize by luck; twenty rarely all do.
    for round in 0..20 {
        let p = post(&store, &a, &format!("reported by a double click {round}")).await;
        let report = NewReport {
            target: Target::Post(p.id),
            reporter_sub: sub(401),
            reason: reason("spam"),
            note: None,
        };
        let start = std::sync::Arc::new(tokio::sync::Barrier::new(12));
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                let (store, report, start) = (store.clone(), report.clone(), start.clone());
                tokio::spawn(async move {
                    start.wait().await;
                    store.file_report(&report).await
                })
            })
            .collect();
        let mut filed = Vec::new();
        for t in tasks {
            match t.await.unwrap() {
                Ok(r) => filed.push(r),
                Err(DomainError::Conflict(m)) => assert!(m.contains("already reported"), "{m}"),
                Err(e) => panic!("unexpected: {e}"),
            }
        }
        assert_eq!(filed.len(), 1, "round {round}: exactly one report is filed");
        let open = store
            .list_reports(
                &ReportFilter {
                    status: Some(ReportStatus::Open),
                    target: Some(Target::Post(p.id)),
                    reporter: None,
                },
                PageRequest::first(50),
            )
            .await
            .unwrap();
        assert_eq!(open.items.len(), 1);
        last = Some((filed.remove(0), report));
    }
    let (filed, report) = last.unwrap();
    store
        .resolve_report(
            filed.id,
            ReportResolution::Dismissed,
            &Actor::parse("ops").unwrap(),
            &reason("reported in error"),
        )
        .await
        .unwrap();
    store.file_report(&report).await.unwrap();
}

async fn resolving_a_report_writes_its_audit_row_once(store: Store) {
    let a = profile(&store, 16).await;
    let p = post(&store, &a, "to be judged").await;
    let r = store
        .file_report(&NewReport {
            target: Target::Post(p.id),
            reporter_sub: sub(500),
            reason: reason("harassment"),
            note: Some(ReportNote::parse("see the second line").unwrap()),
        })
        .await
        .unwrap();
    let done = store
        .resolve_report(
            r.id,
            ReportResolution::Dismissed,
            &actor(),
            &reason("not a violation"),
        )
        .await
        .unwrap();
    assert_eq!(done.status, ReportStatus::Dismissed);
    assert_eq!(done.resolved_by.as_deref(), Some(actor().as_str()));
    assert!(done.resolved_at.is_some());
    let err = store
        .resolve_report(
            r.id,
            ReportResolution::Actioned,
            &actor(),
            &reason("changed my mind"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::Conflict(_)), "{err}");
    let audit = store
        .list_audit(
            &AuditFilter {
                target_kind: Some("report".into()),
                target_id: Some(r.id.to_string()),
                ..Default::default()
            },
            PageRequest::first(10),
        )
        .await
        .unwrap();
    assert_eq!(audit.items.len(), 1);
    assert_eq!(audit.items[0].action.as_str(), "report.dismissed");
    assert_eq!(audit.items[0].reason.as_deref(), Some("not a violation"));
    assert!(
        store
            .report_queue(&Default::default(), PageRequest::first(10))
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

async fn moderation_changes_status_and_writes_audit_together(store: Store) {
    let a = profile(&store, 17).await;
    let p = post(&store, &a, "moderate me").await;
    let c = store
        .create_comment(&NewComment {
            post_id: p.id,
            author_sub: a.clone(),
            body: CommentBody::parse("and me").unwrap(),
        })
        .await
        .unwrap();
    let outcome = store
        .moderate(&moderation(
            ModerationTarget::Post(p.id),
            ModerationAction::Hide,
        ))
        .await
        .unwrap();
    assert_eq!(
        (outcome.before, outcome.after),
        (ContentStatus::Visible, ContentStatus::Hidden)
    );
    assert_eq!(
        store.get_post(p.id).await.unwrap().status,
        ContentStatus::Hidden
    );
    store
        .moderate(&moderation(
            ModerationTarget::Comment(c.id),
            ModerationAction::Remove,
        ))
        .await
        .unwrap();
    assert_eq!(
        store.get_comment(c.id).await.unwrap().status,
        ContentStatus::Removed
    );
    store
        .moderate(&moderation(
            ModerationTarget::Post(p.id),
            ModerationAction::Restore,
        ))
        .await
        .unwrap();
    assert_eq!(
        store.get_post(p.id).await.unwrap().status,
        ContentStatus::Visible
    );

    let audit = store
        .list_audit(
            &AuditFilter {
                target_kind: Some("post".into()),
                target_id: Some(p.id.to_string()),
                ..Default::default()
            },
            PageRequest::first(10),
        )
        .await
        .unwrap();
    let actions: Vec<&str> = audit.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["post.restore", "post.hide"]);
    assert_eq!(audit.items[1].id, outcome.audit_id);
    // The status each way, and whose post it is (the Audit pane names them).
    let json =
        |text: Option<&str>| serde_json::from_str::<serde_json::Value>(text.unwrap()).unwrap();
    assert_eq!(
        json(audit.items[1].before.as_deref()),
        serde_json::json!({ "status": "visible", "author": p.author_sub.as_str() })
    );
    assert_eq!(
        json(audit.items[1].after.as_deref()),
        serde_json::json!({ "status": "hidden", "author": p.author_sub.as_str() })
    );
    assert_eq!(audit.items[1].actor, actor().as_str());
}

async fn moderation_that_does_not_apply_conflicts_and_writes_nothing(store: Store) {
    let a = profile(&store, 18).await;
    let p = post(&store, &a, "already fine").await;
    let err = store
        .moderate(&moderation(
            ModerationTarget::Post(p.id),
            ModerationAction::Restore,
        ))
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::Conflict(_)), "{err}");
    let err = store
        .moderate(&moderation(
            ModerationTarget::Post(PostId::new(987_654).unwrap()),
            ModerationAction::Hide,
        ))
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::NotFound(_)), "{err}");
    assert!(
        store
            .list_audit(&AuditFilter::default(), PageRequest::first(10))
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

async fn concurrent_moderation_of_one_post_has_one_winner_and_one_audit_row(store: Store) {
    let a = profile(&store, 19).await;
    let p = post(&store, &a, "contested").await;
    let mut tasks = Vec::new();
    for i in 0..4 {
        let store = store.clone();
        let m = Moderation {
            actor: Actor::parse(format!("moderator-{i}")).unwrap(),
            ..moderation(ModerationTarget::Post(p.id), ModerationAction::Hide)
        };
        tasks.push(tokio::spawn(async move { store.moderate(&m).await }));
    }
    let mut wins = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => wins += 1,
            Err(DomainError::Conflict(_)) => {}
            Err(other) => panic!("expected a conflict, got {other}"),
        }
    }
    assert_eq!(wins, 1);
    let audit = store
        .list_audit(
            &AuditFilter {
                target_kind: Some("post".into()),
                target_id: Some(p.id.to_string()),
                ..Default::default()
            },
            PageRequest::first(10),
        )
        .await
        .unwrap();
    assert_eq!(
        audit.items.len(),
        1,
        "the audit log names exactly the winner"
    );
    assert_eq!(
        store.get_post(p.id).await.unwrap().status,
        ContentStatus::Hidden
    );
}

async fn bulk_moderation_reports_each_outcome_and_keeps_going(store: Store) {
    let a = profile(&store, 20).await;
    let p1 = post(&store, &a, "one").await;
    let p2 = post(&store, &a, "two").await;
    store
        .moderate(&moderation(
            ModerationTarget::Post(p2.id),
            ModerationAction::Hide,
        ))
        .await
        .unwrap();
    let p3 = post(&store, &a, "three").await;
    let outcomes = store
        .moderate_many(&[
            moderation(ModerationTarget::Post(p1.id), ModerationAction::Hide),
            moderation(ModerationTarget::Post(p2.id), ModerationAction::Hide),
            moderation(ModerationTarget::Post(p3.id), ModerationAction::Hide),
        ])
        .await;
    assert!(outcomes[0].is_ok());
    assert!(matches!(outcomes[1], Err(DomainError::Conflict(_))));
    assert!(outcomes[2].is_ok());
    for id in [p1.id, p2.id, p3.id] {
        assert_eq!(
            store.get_post(id).await.unwrap().status,
            ContentStatus::Hidden
        );
    }
}

async fn audit_log_filters_by_actor_and_target(store: Store) {
    let ops = Actor::parse("arn:aws:sts::1:assumed-role/ops/ann").unwrap();
    for i in 0..5 {
        store
            .record_audit(&NewAuditEntry {
                actor: if i % 2 == 0 { ops.clone() } else { actor() },
                action: "user.disable".into(),
                target_kind: "user".into(),
                target_id: sub(i).to_string(),
                reason: Some(reason("abuse reports")),
                before: Some(r#"{"enabled":true}"#.into()),
                after: Some(r#"{"enabled":false}"#.into()),
            })
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut page = PageRequest::first(2);
    loop {
        let got = store
            .list_audit(
                &AuditFilter {
                    actor: Some(ops.as_str().into()),
                    ..Default::default()
                },
                page,
            )
            .await
            .unwrap();
        seen.extend(got.items);
        match got.next {
            Some(c) => page = PageRequest::after(c, 2),
            None => break,
        }
    }
    assert_eq!(seen.len(), 3);
    assert!(seen.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    let one = store
        .list_audit(
            &AuditFilter {
                target_id: Some(sub(3).to_string()),
                ..Default::default()
            },
            PageRequest::first(10),
        )
        .await
        .unwrap();
    assert_eq!(one.items.len(), 1);
    assert_eq!(one.items[0].actor, actor().as_str());
}

async fn audit_log_filters_by_time_window(store: Store) {
    for i in 0..4 {
        store
            .record_audit(&NewAuditEntry {
                actor: actor(),
                action: "user.disable".into(),
                target_kind: "user".into(),
                target_id: sub(40 + i).to_string(),
                reason: Some(reason("abuse reports")),
                before: None,
                after: None,
            })
            .await
            .unwrap();
        // Each row its own millisecond.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let all = store
        .list_audit(&AuditFilter::default(), PageRequest::first(10))
        .await
        .unwrap()
        .items;
    assert_eq!(all.len(), 4);
    let times: Vec<_> = all.iter().map(|e| e.created_at).collect();
    assert!(times.windows(2).all(|w| w[0] > w[1]), "{times:?}");
    let ids = |items: Vec<AuditEntry>| items.iter().map(|e| e.id).collect::<Vec<_>>();
    // `since` takes its own instant, `until` does not.
    let since = AuditFilter {
        since: Some(times[2]),
        ..Default::default()
    };
    let mut got = Vec::new();
    let mut page = PageRequest::first(1);
    loop {
        let p = store.list_audit(&since, page).await.unwrap();
        got.extend(p.items);
        match p.next {
            Some(c) => page = PageRequest::after(c, 1),
            None => break,
        }
    }
    assert_eq!(ids(got), ids(all[..3].to_vec()), "paged within the window");
    let until = AuditFilter {
        until: Some(times[2]),
        ..Default::default()
    };
    let got = store
        .list_audit(&until, PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(ids(got.items), ids(all[3..].to_vec()));
    let between = AuditFilter {
        since: Some(times[2]),
        until: Some(times[0]),
        target_kind: Some("user".into()),
        ..Default::default()
    };
    let got = store
        .list_audit(&between, PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(ids(got.items), ids(all[1..3].to_vec()));
}

async fn notifications_mark_read_touches_only_the_recipients_rows(store: Store) {
    let author = profile(&store, 21).await;
    let other_author = profile(&store, 22).await;
    let commenter = profile(&store, 23).await;
    let p = post(&store, &author, "mine").await;
    let q = post(&store, &other_author, "theirs").await;
    for i in 0..4 {
        let target = if i % 2 == 0 { p.id } else { q.id };
        store
            .create_comment(&NewComment {
                post_id: target,
                author_sub: commenter.clone(),
                body: CommentBody::parse(format!("n{i}")).unwrap(),
            })
            .await
            .unwrap();
    }
    let mine = store
        .list_notifications(&author, true, PageRequest::first(10))
        .await
        .unwrap();
    let theirs = store
        .list_notifications(&other_author, true, PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!((mine.items.len(), theirs.items.len()), (2, 2));
    let mut ids: Vec<NotificationId> = mine.items.iter().map(|n| n.id).collect();
    ids.push(theirs.items[0].id);
    let changed = store
        .mark_notifications_read(&author, &MarkRead::Ids(ids))
        .await
        .unwrap();
    assert_eq!(changed, 2, "another user's notification is not touched");
    assert!(
        store
            .list_notifications(&author, true, PageRequest::first(10))
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(
        store
            .list_notifications(&other_author, true, PageRequest::first(10))
            .await
            .unwrap()
            .items
            .len(),
        2
    );
    let newest = theirs.items[0].id;
    assert_eq!(
        store
            .mark_notifications_read(&other_author, &MarkRead::UpTo(newest))
            .await
            .unwrap(),
        2
    );
    let all = store
        .list_notifications(&other_author, false, PageRequest::first(10))
        .await
        .unwrap();
    assert!(all.items.iter().all(|n| n.read_at.is_some()));
}

async fn activity_counts_cover_posts_comments_and_reports(store: Store) {
    let a = profile(&store, 24).await;
    let b = profile(&store, 25).await;
    let p = post(&store, &a, "counted").await;
    post(&store, &a, "counted too").await;
    let c = store
        .create_comment(&NewComment {
            post_id: p.id,
            author_sub: a.clone(),
            body: CommentBody::parse("self").unwrap(),
        })
        .await
        .unwrap();
    for target in [
        Target::Post(p.id),
        Target::Comment(c.id),
        Target::User(a.clone()),
    ] {
        store
            .file_report(&NewReport {
                target,
                reporter_sub: b.clone(),
                reason: reason("spam"),
                note: None,
            })
            .await
            .unwrap();
    }
    let counts = store.activity_counts(&a).await.unwrap();
    assert_eq!(
        counts,
        ActivityCounts {
            posts: 2,
            comments: 1,
            reports_filed: 0,
            reports_against: 3
        }
    );
    let counts_b = store.activity_counts(&b).await.unwrap();
    assert_eq!((counts_b.reports_filed, counts_b.reports_against), (3, 0));
}

/// SQL-layer extras that are not part of the port.
mod sql_layer {
    use super::*;
    use backoffice_domain::adapters::sql::{ImportPost, SqlContentStore};
    use chrono::{Duration, Utc};
    use sqlx::MySql;

    fn imports(n: usize) -> Vec<ImportPost> {
        let start = Utc::now() - Duration::days(1);
        (0..n)
            .map(|i| ImportPost {
                author_sub: sub(1),
                body: format!("imported {i}"),
                image_key: None,
                status: ContentStatus::Visible,
                created_at: start + Duration::seconds(i as i64),
            })
            .collect()
    }

    #[tokio::test]
    async fn sqlite_import_returns_the_ids_it_wrote() {
        let h = sqlite_store().await;
        let ids = h.store.import_posts(&imports(1200)).await.unwrap();
        assert_eq!(ids.len(), 1200);
        assert_eq!(h.store.count_posts().await.unwrap(), 1200);
        let last = h.store.get_post(*ids.last().unwrap()).await.unwrap();
        assert_eq!(last.body, "imported 1199");
    }

    #[tokio::test]
    #[ignore = "needs services: tests/run.sh"]
    async fn mariadb_import_returns_the_ids_it_wrote() {
        let h = mysql_store().await;
        let ids = h.store.import_posts(&imports(1200)).await.unwrap();
        assert_eq!(ids.len(), 1200);
        let first = h.store.get_post(ids[0]).await.unwrap();
        assert_eq!(first.body, "imported 0");
        let last = h.store.get_post(*ids.last().unwrap()).await.unwrap();
        assert_eq!(last.body, "imported 1199");
        h.drop_database().await;
    }

    /// Posts that share a time are ordered by id, and pages cut through such a group without
    /// losing or repeating a post, in both orders, through both indexes the listings name (the
    /// keyset condition leaves the equal-time case to `id` alone).
    #[tokio::test]
    #[ignore = "needs services: tests/run.sh"]
    async fn mariadb_pages_posts_that_share_a_time_in_order() {
        let h = mysql_store().await;
        let start = Utc::now() - Duration::days(1);
        let posts: Vec<ImportPost> = (0..30)
            .map(|i| ImportPost {
                author_sub: sub(1),
                body: format!("tied {i}"),
                image_key: None,
                status: ContentStatus::Visible,
                // Groups of seven share a time, more than a page.
                created_at: start + Duration::seconds(i / 7),
            })
            .collect();
        let ids = h.store.import_posts(&posts).await.unwrap();
        for oldest_first in [false, true] {
            for status in [None, Some(ContentStatus::Visible)] {
                let filter = PostFilter {
                    status,
                    oldest_first,
                    ..PostFilter::default()
                };
                let mut expected = ids.clone();
                if !oldest_first {
                    // Newest first: the later time first, and within a time the higher id.
                    expected.sort_by_key(|id| {
                        let i = ids.iter().position(|x| x == id).unwrap() as i64;
                        (std::cmp::Reverse(i / 7), std::cmp::Reverse(id.get()))
                    });
                }
                let store: Store = Arc::new(h.store.clone());
                let seen: Vec<PostId> = all_posts(&store, &filter, 3)
                    .await
                    .iter()
                    .map(|p| p.id)
                    .collect();
                assert_eq!(seen, expected, "oldest first: {oldest_first}, {status:?}");
            }
        }
        h.drop_database().await;
    }

    /// A listing checks its result's column types once for all its rows and then reads them
    /// without checking each value: a column whose type no longer fits its field (here a time
    /// turned into text by a hand-made schema change) fails the page with the mismatch named,
    /// and is never read as if it were the type it was.
    #[tokio::test]
    #[ignore = "needs services: tests/run.sh"]
    async fn mariadb_a_column_of_another_type_fails_the_listing_by_its_types() {
        let h = mysql_store().await;
        h.store.import_posts(&imports(3)).await.unwrap();
        let page = h
            .store
            .list_posts(&PostFilter::default(), PageRequest::first(2))
            .await
            .unwrap();
        assert_eq!(page.items.len(), 2);
        sqlx::raw_sql("ALTER TABLE posts MODIFY created_at VARCHAR(32) NOT NULL")
            .execute(h.store.pool())
            .await
            .unwrap();
        let text = h
            .store
            .list_posts(&PostFilter::default(), PageRequest::first(2))
            .await
            .unwrap_err()
            .chain();
        assert!(text.contains("posts"), "{text}");
        assert!(text.contains("not compatible"), "{text}");
        assert!(text.contains("VARCHAR"), "{text}");
        h.drop_database().await;
    }

    /// The console opens a live database without migrating it, and refuses one whose schema is
    /// behind or that is not the service's at all.
    #[tokio::test]
    #[ignore = "needs services: tests/run.sh"]
    async fn mariadb_existing_database_is_opened_only_when_its_schema_is_current() {
        let (server, database) = crate::support::fresh_mysql_database("ex").await;
        let url = crate::support::database_url(&server, &database);
        let err = SqlContentStore::<MySql>::connect_mysql_existing(&url)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("migration history"), "{err}");
        assert!(err.to_string().contains("api migrate"), "{err}");
        // A database that is not there is said as such, not as a refused statement.
        let gone = crate::support::database_url(&server, &format!("{database}_gone"));
        let err = SqlContentStore::<MySql>::connect_mysql_existing(&gone)
            .await
            .unwrap_err();
        assert!(matches!(err, DomainError::Forbidden(_)), "{}", err.chain());
        assert!(
            err.chain().contains("there is no such database"),
            "{}",
            err.chain()
        );
        let migrated = SqlContentStore::<MySql>::connect_mysql(&url).await.unwrap();
        let opened = SqlContentStore::<MySql>::connect_mysql_existing(&url)
            .await
            .unwrap();
        assert_eq!(opened.count_posts().await.unwrap(), 0);
        sqlx::raw_sql("DELETE FROM _sqlx_migrations")
            .execute(migrated.pool())
            .await
            .unwrap();
        let err = SqlContentStore::<MySql>::connect_mysql_existing(&url)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("schema is behind"), "{err}");
        migrated.pool().close().await;
        opened.pool().close().await;
        let mut conn = <sqlx::MySqlConnection as sqlx::Connection>::connect(&server)
            .await
            .unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE `{database}`")))
            .execute(&mut conn)
            .await
            .unwrap();
    }

    /// What one EXPLAIN row must say of a keyset page: a `range` on `index` (a seek to the
    /// cursor, not a read from the newest row), and no filesort.
    fn assert_seeks(rows: &[sqlx::mysql::MySqlRow], sql: &str, index: &str) {
        use sqlx::Row;
        let key: Option<String> = rows[0].try_get("key").unwrap();
        let extra: Option<String> = rows[0].try_get("Extra").unwrap();
        let access: Option<String> = rows[0].try_get("type").unwrap();
        assert_eq!(
            access.as_deref(),
            Some("range"),
            "{sql} must seek to the cursor, not scan from the newest row"
        );
        assert_eq!(key.as_deref(), Some(index), "{sql}");
        assert!(
            !extra.unwrap_or_default().contains("filesort"),
            "{sql} sorts instead of reading the index"
        );
    }

    /// The posts listing reads whole rows without a deferred join, so the statement it really
    /// runs must seek its keyset index for every filter it serves, in both orders: MariaDB
    /// left alone reads a status listing from its newest end (page N costing N pages).
    #[tokio::test]
    #[ignore = "needs services: tests/run.sh"]
    async fn mariadb_seeks_the_posts_listing_for_every_filter_and_order() {
        let h = mysql_store().await;
        h.store.import_posts(&imports(2000)).await.unwrap();
        sqlx::raw_sql("ANALYZE TABLE posts")
            .execute(h.store.pool())
            .await
            .unwrap();
        // A cursor in the middle of the imported posts.
        let at = Utc::now() - Duration::days(1) + Duration::seconds(1000);
        let author = sub(1);
        for oldest_first in [false, true] {
            for (status, by_author, index) in [
                (None, false, "posts_newest"),
                (Some(ContentStatus::Visible), false, "posts_status_newest"),
                (None, true, "posts_author_newest"),
                (Some(ContentStatus::Hidden), true, "posts_author_newest"),
            ] {
                let filter = PostFilter {
                    status,
                    author: by_author.then(|| author.clone()),
                    oldest_first,
                    ..PostFilter::default()
                };
                let sql = SqlContentStore::<MySql>::posts_listing_sql(&filter, true);
                let explain = format!("EXPLAIN {sql}");
                let mut q = sqlx::query(sqlx::AssertSqlSafe(explain));
                if let Some(s) = status {
                    q = q.bind(s.as_str());
                }
                if by_author {
                    q = q.bind(author.as_str().to_string());
                }
                let rows = q
                    .bind(at)
                    .bind(at)
                    .bind(1_000i64)
                    .bind(51i64)
                    .fetch_all(h.store.pool())
                    .await
                    .unwrap();
                assert_seeks(&rows, sql, index);
            }
        }
        h.drop_database().await;
    }
}

async fn a_profile_moderation_clears_and_puts_back_fields_with_one_audit_row_each(store: Store) {
    let a = profile(&store, 70).await;
    let bio = "«bio» with \"quotes\", עברית and 🎉\nover two lines";
    store
        .update_profile(
            &a,
            &ProfileUpdate {
                bio: Some(Bio::parse(bio).unwrap()),
                profile_image_key: Some(Some(
                    ObjectKey::parse(format!("profiles/{a}/me.png")).unwrap(),
                )),
                ..ProfileUpdate::default()
            },
        )
        .await
        .unwrap();
    let clear = |set: Vec<(ProfileField, Option<String>)>, expected| ProfileModeration {
        sub: a.clone(),
        set,
        expected,
        action: AuditAction::ProfileClear,
        actor: actor(),
        reason: reason("impersonation"),
    };
    let o = store
        .moderate_profile(&clear(
            vec![(ProfileField::DisplayName, None), (ProfileField::Bio, None)],
            vec![(ProfileField::DisplayName, Some("User 70".into()))],
        ))
        .await
        .unwrap();
    assert_eq!(o.before.bio.as_deref(), Some(bio));
    assert_eq!(
        (o.after.display_name.as_deref(), o.after.bio.as_deref()),
        (None, None)
    );
    let now = store.get_profile(&a).await.unwrap();
    assert_eq!(now.display_name, None);
    assert_eq!(now.bio, None);
    assert_eq!(
        now.profile_image_key,
        Some(format!("profiles/{a}/me.png")),
        "left alone"
    );

    let row = store.get_audit(o.audit_id).await.unwrap();
    assert_eq!(row.action, AuditAction::ProfileClear);
    assert_eq!(row.target_kind, AuditKind::User);
    assert_eq!(row.target_id, a.to_string());
    let before: serde_json::Value = serde_json::from_str(row.before.as_deref().unwrap()).unwrap();
    assert_eq!(
        before,
        serde_json::json!({"display_name": "User 70", "bio": bio})
    );
    let after: serde_json::Value = serde_json::from_str(row.after.as_deref().unwrap()).unwrap();
    assert_eq!(
        after,
        serde_json::json!({"display_name": null, "bio": null})
    );

    // An expectation that no longer holds writes nothing, not even an audit row.
    let stale = store
        .moderate_profile(&clear(
            vec![(ProfileField::ProfileImage, None)],
            vec![(ProfileField::Bio, Some(bio.into()))],
        ))
        .await;
    assert!(matches!(stale, Err(DomainError::Conflict(_))), "{stale:?}");
    assert!(
        store
            .get_profile(&a)
            .await
            .unwrap()
            .profile_image_key
            .is_some()
    );
    let rows = store
        .list_audit(
            &AuditFilter {
                target_id: Some(a.to_string()),
                ..AuditFilter::default()
            },
            PageRequest::first(10),
        )
        .await
        .unwrap();
    assert_eq!(rows.items.len(), 1);

    // Putting the values back over the cleared ones.
    store
        .moderate_profile(&ProfileModeration {
            action: AuditAction::ProfileRestore,
            ..clear(
                vec![
                    (ProfileField::DisplayName, Some("User 70".into())),
                    (ProfileField::Bio, Some(bio.into())),
                ],
                vec![(ProfileField::DisplayName, None), (ProfileField::Bio, None)],
            )
        })
        .await
        .unwrap();
    let back = store.get_profile(&a).await.unwrap();
    assert_eq!(back.display_name.as_deref(), Some("User 70"));
    assert_eq!(back.bio.as_deref(), Some(bio));

    let missing = store
        .moderate_profile(&ProfileModeration {
            sub: sub(71),
            ..clear(vec![(ProfileField::Bio, None)], vec![])
        })
        .await;
    assert!(
        matches!(missing, Err(DomainError::NotFound(_))),
        "{missing:?}"
    );
    assert!(matches!(
        store.get_audit(AuditId::new(999_999).unwrap()).await,
        Err(DomainError::NotFound(_))
    ));
}

async fn a_profile_deletion_keeps_none_of_its_values_in_the_audit_row(store: Store) {
    let a = profile(&store, 72).await;
    let id = store
        .delete_profile(&a, &actor(), &reason("user asked to be removed"))
        .await
        .unwrap()
        .expect("a row was deleted");
    assert!(matches!(
        store.get_profile(&a).await,
        Err(DomainError::NotFound(_))
    ));
    let row = store.get_audit(id).await.unwrap();
    assert_eq!(row.action, AuditAction::ProfileDelete);
    let before = row.before.unwrap_or_default();
    assert!(
        before.contains("display_name") && before.contains("email"),
        "{before}"
    );
    assert!(
        !before.contains("User 72") && !before.contains("user72@"),
        "{before}"
    );
    // A second deletion finds nothing and writes nothing.
    assert_eq!(
        store
            .delete_profile(&a, &actor(), &reason("user asked to be removed"))
            .await
            .unwrap(),
        None
    );
}
