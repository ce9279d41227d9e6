//! The seeder: deterministic, complete, and run once.

use crate::support::empty_sandbox;
use backoffice_domain::model::*;
use backoffice_domain::ports::{ContentStore, LogSource, ObjectStore, UserDirectory, UserQuery};
use backoffice_domain::sandbox::{API_LOG_GROUP, Sandbox, SeedOptions};
use chrono::{Duration, TimeZone, Utc};

fn small() -> SeedOptions {
    SeedOptions {
        users: 40,
        posts: 200,
        comments: 500,
        reports: 30,
        post_images: 6,
        profile_images: 4,
        invocations: 300,
        now: Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap(),
        ..SeedOptions::default()
    }
}

#[tokio::test]
async fn seed_fills_every_store() {
    let h = empty_sandbox().await;
    let steps = std::sync::Mutex::new(Vec::new());
    let summary = h
        .sandbox
        .seed(&small(), &|s| steps.lock().unwrap().push(s.to_string()))
        .await
        .unwrap();
    assert_eq!(summary.users, 40);
    assert_eq!(summary.posts, 200);
    assert_eq!(summary.comments, 500);
    assert_eq!(summary.reports, 30);
    assert_eq!(summary.objects, 10);
    assert!(summary.log_events > 1_000, "{}", summary.log_events);
    assert_eq!(
        steps.lock().unwrap().last().map(String::as_str),
        Some("done")
    );

    let s = &h.sandbox;
    let posts = s
        .content
        .list_posts(&PostFilter::default(), PageRequest::first(500))
        .await
        .unwrap();
    assert_eq!(posts.items.len(), 200);
    assert!(
        posts
            .items
            .iter()
            .any(|p| p.status == ContentStatus::Hidden)
    );
    let with_image = posts
        .items
        .iter()
        .find(|p| p.image_key.is_some())
        .expect("some posts carry images");
    let bytes = s
        .objects
        .get(
            &Sandbox::bucket(),
            with_image.image_key.as_deref().unwrap(),
            None,
        )
        .await
        .unwrap();
    assert!(
        image::load_from_memory(&bytes.bytes).is_ok(),
        "seeded images are real images"
    );

    let queue = s
        .content
        .report_queue(&Default::default(), PageRequest::first(500))
        .await
        .unwrap();
    assert!(!queue.items.is_empty());
    assert!(
        queue
            .items
            .windows(2)
            .all(|w| w[0].open_reports >= w[1].open_reports)
    );

    let users = s
        .directory
        .list_users(&UserQuery::default(), PageRequest::first(60))
        .await
        .unwrap();
    assert_eq!(users.items.len(), 40);
    assert!(
        users.items.iter().any(|u| !u.enabled),
        "some users are disabled"
    );
    assert!(
        users
            .items
            .iter()
            .any(|u| u.status == UserStatus::Unconfirmed)
    );
    assert!(
        users
            .items
            .iter()
            .any(|u| u.status == UserStatus::ExternalProvider)
    );
    let admins = s
        .directory
        .list_groups(PageRequest::first(10))
        .await
        .unwrap();
    assert!(admins.items.iter().any(|g| g.name.as_str() == "admins"));

    let api = LogGroupName::parse(API_LOG_GROUP).unwrap();
    let window = TimeWindow::new(
        small().now - Duration::days(4),
        small().now + Duration::hours(1),
    )
    .unwrap();
    let reports = s
        .logs
        .filter_events(
            &api,
            window,
            Some(&FilterPattern::parse("\"Init Duration\"").unwrap()),
            PageRequest::first(1000),
        )
        .await
        .unwrap();
    assert!(!reports.items.is_empty(), "cold starts carry Init Duration");
    assert!(
        reports
            .items
            .iter()
            .all(|e| e.message.starts_with("REPORT RequestId: "))
    );
    let errors = s
        .logs
        .filter_events(
            &api,
            window,
            Some(&FilterPattern::parse("\"level\":\"ERROR\"").unwrap()),
            PageRequest::first(1000),
        )
        .await
        .unwrap();
    assert!(!errors.items.is_empty(), "some requests fail");
}

/// Every line the seeder writes reads back through the log analysis: each belongs to a
/// request, every invocation has one START, one END and one parsed REPORT.
#[tokio::test]
async fn seeded_log_lines_parse_as_lambda_writes_them() {
    use backoffice_domain::services::log_analysis::{Kind, Level, classify};
    use std::collections::HashMap;
    let h = empty_sandbox().await;
    h.sandbox.seed(&small(), &|_| {}).await.unwrap();
    let api = LogGroupName::parse(API_LOG_GROUP).unwrap();
    let window = TimeWindow::new(
        small().now - Duration::days(40),
        small().now + Duration::hours(1),
    )
    .unwrap();
    let mut kinds: HashMap<String, Vec<Kind>> = HashMap::new();
    let mut reports = 0;
    let mut cold = 0;
    let mut errors = 0;
    let mut page = PageRequest::first(1000);
    loop {
        let got = h
            .sandbox
            .logs
            .filter_events(&api, window, None, page)
            .await
            .unwrap();
        for e in &got.items {
            let info = classify(&e.message);
            let id = info
                .request_id
                .clone()
                .unwrap_or_else(|| panic!("no request id in {:?}", e.message));
            if info.kind == Kind::Report {
                let r = info.report.as_ref().expect("a complete REPORT");
                assert!(
                    r.billed_ms as f64 >= r.duration_ms.floor(),
                    "{:?}",
                    e.message
                );
                reports += 1;
                cold += usize::from(r.is_cold_start());
            }
            errors += usize::from(info.level == Level::Error);
            kinds.entry(id).or_default().push(info.kind);
        }
        match got.next {
            Some(c) => page = PageRequest::after(c, 1000),
            None => break,
        }
    }
    assert!(
        reports > 0 && cold > 0 && errors > 0,
        "{reports} {cold} {errors}"
    );
    for (id, k) in &kinds {
        let count = |want: Kind| k.iter().filter(|x| **x == want).count();
        assert_eq!(
            (count(Kind::Start), count(Kind::End), count(Kind::Report)),
            (1, 1, 1),
            "request {id}: {k:?}"
        );
    }
}

#[tokio::test]
async fn same_options_seed_the_same_data() {
    let a = empty_sandbox().await;
    let b = empty_sandbox().await;
    a.sandbox.seed(&small(), &|_| {}).await.unwrap();
    b.sandbox.seed(&small(), &|_| {}).await.unwrap();
    let bodies = |s: &Sandbox| {
        let s = s.clone();
        async move {
            let page = s
                .content
                .list_posts(&PostFilter::default(), PageRequest::first(500))
                .await
                .unwrap();
            page.items
                .into_iter()
                .map(|p| (p.author_sub, p.body, p.created_at))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(bodies(&a.sandbox).await, bodies(&b.sandbox).await);
}

#[tokio::test]
async fn open_seeded_seeds_once() {
    let h = empty_sandbox().await;
    drop(h.sandbox);
    let first = Sandbox::open(h.dir.path()).await.unwrap();
    assert!(first.seeded_at().await.unwrap().is_none());
    first.seed(&small(), &|_| {}).await.unwrap();
    let seeded_at = first.seeded_at().await.unwrap();
    assert!(seeded_at.is_some());
    let again = Sandbox::open_seeded(h.dir.path(), &|step| {
        panic!("seeded a second time ({step})")
    })
    .await
    .unwrap();
    assert_eq!(again.seeded_at().await.unwrap(), seeded_at);
    assert_eq!(
        again
            .content
            .list_posts(&PostFilter::default(), PageRequest::first(500))
            .await
            .unwrap()
            .items
            .len(),
        200
    );
}

#[tokio::test]
async fn a_corrupt_sandbox_database_is_reported_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("content.db");
    std::fs::write(
        &path,
        b"this is not a sqlite database, it is a note to self",
    )
    .unwrap();
    let err = Sandbox::open(dir.path()).await.unwrap_err();
    assert!(err.chain().contains("content.db"), "{}", err.chain());
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"this is not a sqlite database, it is a note to self"
    );
}

/// The living sandbox: simulated requests go through the real Router and leave START, the
/// API's JSON lines, END and REPORT in the API log group, in the format the Logs pane reads.
#[tokio::test]
async fn simulated_traffic_runs_the_router_and_logs_like_lambda() {
    // A global subscriber keeps tracing's interest cache from marking the API's callsites
    // uninteresting (a thread without a subscriber may register them first), which would
    // hide them from the simulator's own per-request capture.
    crate::support::captured_logs();
    use backoffice_domain::model::{LogGroupName, PageRequest, TimeWindow};
    use backoffice_domain::ports::LogSource;
    use backoffice_domain::sandbox::traffic::{Simulator, TrafficOptions};
    use backoffice_domain::services::log_analysis::{Kind, classify};

    let h = empty_sandbox().await;
    h.sandbox
        .seed(
            &SeedOptions {
                now: chrono::Utc::now(),
                ..small()
            },
            &|_| {},
        )
        .await
        .unwrap();
    let before = h
        .sandbox
        .content
        .list_posts(&Default::default(), PageRequest::first(500))
        .await
        .unwrap()
        .items
        .len();
    let options = TrafficOptions {
        fault_rate: 0.05,
        bad_request_rate: 0.1,
        seed: 3,
        ..TrafficOptions::default()
    };
    let mut sim = Simulator::new(&h.sandbox, options).await.unwrap();
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    let mut invocations = Vec::new();
    for _ in 0..150 {
        let inv = sim.step().await.unwrap();
        *statuses.entry(inv.status).or_default() += 1;
        invocations.push(inv);
    }
    assert!(
        statuses.get(&200).copied().unwrap_or(0) > 60,
        "{statuses:?}"
    );
    assert!(
        statuses.keys().any(|s| (400..500).contains(s)),
        "bad requests: {statuses:?}"
    );
    assert!(
        statuses.keys().any(|s| *s >= 500),
        "injected faults: {statuses:?}"
    );
    assert!(invocations[0].cold_start && !invocations[1].cold_start);
    let after = h
        .sandbox
        .content
        .list_posts(&Default::default(), PageRequest::first(500))
        .await
        .unwrap()
        .items
        .len();
    assert!(
        after > before,
        "simulated users wrote posts: {before} -> {after}"
    );

    let group = LogGroupName::parse(backoffice_domain::sandbox::API_LOG_GROUP).unwrap();
    let window = TimeWindow::last(chrono::Duration::minutes(10));
    let mut lines = Vec::new();
    let mut page = PageRequest::first(1000);
    loop {
        let got = h
            .sandbox
            .logs
            .filter_events(&group, window, None, page)
            .await
            .unwrap();
        lines.extend(got.items.into_iter().map(|e| e.message));
        match got.next {
            Some(c) => page = PageRequest::after(c, 1000),
            None => break,
        }
    }
    for inv in &invocations {
        let mine: Vec<_> = lines
            .iter()
            .map(|l| classify(l))
            .filter(|i| i.request_id.as_deref() == Some(inv.request_id.as_str()))
            .collect();
        let kinds: Vec<Kind> = mine.iter().map(|i| i.kind.clone()).collect();
        assert_eq!(
            kinds.first(),
            Some(&Kind::Start),
            "{}: {kinds:?}",
            inv.request_id
        );
        assert!(
            kinds.contains(&Kind::Application),
            "{}: {kinds:?}",
            inv.request_id
        );
        assert_eq!(
            &kinds[kinds.len() - 2..],
            [Kind::End, Kind::Report],
            "{}",
            inv.request_id
        );
        let report = mine
            .last()
            .unwrap()
            .report
            .as_ref()
            .expect("REPORT figures");
        let measured = inv.duration.as_secs_f64() * 1000.0;
        assert!(
            (report.duration_ms - measured).abs() < 0.01,
            "{} vs {measured}",
            report.duration_ms
        );
        assert_eq!(report.init_ms.is_some(), inv.cold_start);
    }
}

/// `:who` on a living sandbox: every part of the view comes from its own service, and the log
/// lines are the simulated API's lines for that user's requests.
#[tokio::test]
async fn user_360_gathers_one_user_from_every_service() {
    // A global subscriber keeps tracing's interest cache from marking the API's callsites
    // uninteresting (a thread without a subscriber may register them first), which would
    // hide them from the simulator's own per-request capture.
    crate::support::captured_logs();
    use backoffice_domain::sandbox::traffic::{Simulator, TrafficOptions};
    use backoffice_domain::services::user360::{self, Sources, Who};

    let h = empty_sandbox().await;
    h.sandbox
        .seed(
            &SeedOptions {
                now: Utc::now(),
                ..small()
            },
            &|_| {},
        )
        .await
        .unwrap();
    let options = TrafficOptions {
        fault_rate: 0.0,
        bad_request_rate: 0.0,
        ..TrafficOptions::default()
    };
    let mut sim = Simulator::new(&h.sandbox, options).await.unwrap();
    for _ in 0..200 {
        sim.step().await.unwrap();
    }
    // The author of the newest post, named by sub, then by e-mail.
    let newest = h
        .sandbox
        .content
        .list_posts(&PostFilter::default(), PageRequest::first(1))
        .await
        .unwrap()
        .items
        .remove(0);
    let groups = Sandbox::log_groups();
    let bucket = Sandbox::bucket();
    let sources = Sources {
        directory: &h.sandbox.directory,
        content: &h.sandbox.content,
        objects: Some((&h.sandbox.objects, &bucket)),
        logs: Some((&h.sandbox.logs, &groups)),
        log_window: Duration::hours(1),
    };
    let view = user360::load(&sources, &Who::Sub(newest.author_sub.clone()))
        .await
        .unwrap();
    assert_eq!(view.sub.as_ref(), Some(&newest.author_sub));
    let posts = view.posts.as_ref().unwrap();
    assert_eq!(posts[0].id, newest.id);
    assert!(posts.iter().all(|p| p.author_sub == newest.author_sub));
    assert!(view.counts.as_ref().unwrap().posts >= 1);
    if let Some(profile) = view.profile.as_ref().unwrap() {
        assert_eq!(profile.sub, newest.author_sub);
    }
    assert_eq!(view.objects.len(), 2);
    let lines = &view.log_lines.as_ref().unwrap().lines;
    assert!(
        !lines.is_empty(),
        "the user's simulated requests are found in the API's log"
    );
    assert!(
        lines
            .iter()
            .all(|l| l.message.contains(newest.author_sub.as_str()))
    );

    // By e-mail, and a clear error for nobody.
    let user = view.user.as_ref().unwrap();
    let email = user.email.clone().expect("seeded users have an e-mail");
    let by_email = user360::load(&sources, &Who::parse(&email).unwrap())
        .await
        .unwrap();
    assert_eq!(by_email.user.unwrap().username, user.username);
    // As support is often told it: in another case.
    assert_ne!(email, email.to_uppercase());
    let shouted = user360::load(&sources, &Who::parse(&email.to_uppercase()).unwrap())
        .await
        .unwrap();
    assert_eq!(shouted.user.unwrap().username, user.username);
    let nobody = Who::parse("nobody@example.com").unwrap();
    assert!(matches!(
        user360::load(&sources, &nobody).await,
        Err(backoffice_domain::DomainError::NotFound(_))
    ));
    // Found in neither case: both forms are named, so support knows the lower case was tried,
    // and so is the username it was tried as (a pool's usernames may hold `@`).
    let shouting_nobody = Who::parse("NoBody@Example.com").unwrap();
    match user360::load(&sources, &shouting_nobody).await {
        Err(backoffice_domain::DomainError::NotFound(what)) => assert_eq!(
            what,
            "user with e-mail NoBody@Example.com or nobody@example.com, or a user named \
             NoBody@Example.com,"
        ),
        other => panic!("{:?}", other.map(|v| v.user.map(|u| u.username))),
    }
    // A sub the pool has no account for (a profile and a post left behind): the other parts
    // are still shown, and the account's part says why it is missing.
    let orphan = UserSub::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap();
    h.sandbox
        .content
        .upsert_profile(&NewProfile {
            sub: orphan.clone(),
            email: None,
            display_name: Some(DisplayName::parse("Left behind").unwrap()),
        })
        .await
        .unwrap();
    let left = user360::load(&sources, &Who::Sub(orphan.clone()))
        .await
        .unwrap();
    assert!(
        left.user
            .as_ref()
            .is_err_and(|why| why.contains("not found")),
        "{:?}",
        left.user
    );
    assert_eq!(
        left.profile.unwrap().unwrap().display_name.as_deref(),
        Some("Left behind")
    );
    assert!(left.groups.is_err());
}
