//! The log source's contract on the sandbox log store. The CloudWatch adapter (on moto) joins
//! the same suite when it lands.

use backoffice_domain::DomainError;
use backoffice_domain::adapters::sandbox::SandboxLogStore;
use backoffice_domain::model::*;
use backoffice_domain::ports::LogSource;
use chrono::{DateTime, Duration, Utc};
use futures::StreamExt;

macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod sandbox {
            $(
                #[tokio::test]
                async fn $name() {
                    let h = crate::support::empty_sandbox().await;
                    super::$name(h.sandbox.logs.clone()).await;
                }
            )*
        }
    };
}

contract!(
    groups_list_by_prefix_with_paging,
    streams_list_most_recent_first,
    filter_returns_the_window_oldest_first_across_pages,
    filter_pattern_uses_cloudwatch_plain_term_semantics,
    json_pattern_is_refused_clearly_in_the_sandbox,
    tail_follows_new_events_across_groups_without_old_ones,
    tail_applies_the_pattern,
    unknown_group_is_not_found,
);

fn group(s: &str) -> LogGroupName {
    LogGroupName::parse(s).unwrap()
}

fn at(base: DateTime<Utc>, ms: i64) -> DateTime<Utc> {
    base + Duration::milliseconds(ms)
}

async fn groups_list_by_prefix_with_paging(logs: SandboxLogStore) {
    for name in [
        "/aws/lambda/a",
        "/aws/lambda/b",
        "/aws/lambda/c",
        "/ecs/other",
    ] {
        logs.create_group(&group(name)).await.unwrap();
    }
    let first = logs
        .list_groups("/aws/lambda/", PageRequest::first(2))
        .await
        .unwrap();
    assert_eq!(
        first
            .items
            .iter()
            .map(|g| g.name.as_str())
            .collect::<Vec<_>>(),
        vec!["/aws/lambda/a", "/aws/lambda/b"]
    );
    let second = logs
        .list_groups("/aws/lambda/", PageRequest::after(first.next.unwrap(), 2))
        .await
        .unwrap();
    assert_eq!(
        second
            .items
            .iter()
            .map(|g| g.name.as_str())
            .collect::<Vec<_>>(),
        vec!["/aws/lambda/c"]
    );
    assert!(second.next.is_none());
}

async fn streams_list_most_recent_first(logs: SandboxLogStore) {
    let g = group("/aws/lambda/s");
    let base = now_millis() - Duration::hours(1);
    logs.append(&g, "old", &[(at(base, 0), "a".into())])
        .await
        .unwrap();
    logs.append(&g, "new", &[(at(base, 5_000), "b".into())])
        .await
        .unwrap();
    logs.append(&g, "middle", &[(at(base, 2_000), "c".into())])
        .await
        .unwrap();
    let streams = logs.list_streams(&g, PageRequest::first(10)).await.unwrap();
    assert_eq!(
        streams
            .items
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        vec!["new", "middle", "old"]
    );
    assert_eq!(streams.items[0].last_event_at, Some(at(base, 5_000)));
}

async fn filter_returns_the_window_oldest_first_across_pages(logs: SandboxLogStore) {
    let g = group("/aws/lambda/w");
    let base = Utc::now() - Duration::hours(1);
    let events: Vec<(DateTime<Utc>, String)> = (0..30)
        .map(|i| (at(base, i * 1000), format!("line {i}")))
        .collect();
    logs.append(&g, "s1", &events[..15]).await.unwrap();
    logs.append(&g, "s2", &events[15..]).await.unwrap();
    let window = TimeWindow::new(at(base, 5_000), at(base, 25_000)).unwrap();
    let mut seen = Vec::new();
    let mut page = PageRequest::first(6);
    loop {
        let got = logs.filter_events(&g, window, None, page).await.unwrap();
        seen.extend(got.items.into_iter().map(|e| e.message));
        match got.next {
            Some(c) => page = PageRequest::after(c, 6),
            None => break,
        }
    }
    let expected: Vec<String> = (5..25).map(|i| format!("line {i}")).collect();
    assert_eq!(seen, expected);
}

async fn filter_pattern_uses_cloudwatch_plain_term_semantics(logs: SandboxLogStore) {
    let g = group("/aws/lambda/p");
    let base = Utc::now() - Duration::minutes(10);
    let lines = [
        "ERROR db timeout",
        "ERROR will retry",
        "WARN slow query",
        "INFO ok",
        "Internal Server Error",
    ];
    let events: Vec<(DateTime<Utc>, String)> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| (at(base, i as i64), l.to_string()))
        .collect();
    logs.append(&g, "s", &events).await.unwrap();
    let window = TimeWindow::new(base, Utc::now()).unwrap();
    let run = |p: &'static str| {
        let logs = logs.clone();
        let g = g.clone();
        async move {
            let pattern = FilterPattern::parse(p).unwrap();
            let page = logs
                .filter_events(&g, window, Some(&pattern), PageRequest::first(100))
                .await
                .unwrap();
            page.items
                .into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        run("ERROR").await,
        vec!["ERROR db timeout", "ERROR will retry"]
    );
    assert_eq!(run("ERROR -retry").await, vec!["ERROR db timeout"]);
    assert_eq!(
        run("?WARN ?timeout").await,
        vec!["ERROR db timeout", "WARN slow query"]
    );
    assert_eq!(run("\"Server Error\"").await, vec!["Internal Server Error"]);
    assert!(run("error").await.is_empty(), "terms are case-sensitive");
}

async fn json_pattern_is_refused_clearly_in_the_sandbox(logs: SandboxLogStore) {
    let g = group("/aws/lambda/j");
    logs.create_group(&g).await.unwrap();
    let pattern = FilterPattern::parse("{ $.level = \"ERROR\" }").unwrap();
    let window = TimeWindow::last(Duration::minutes(5));
    let err = logs
        .filter_events(&g, window, Some(&pattern), PageRequest::first(10))
        .await
        .unwrap_err();
    assert!(
        matches!(err, DomainError::Unsupported(ref m) if m.contains("plain")),
        "{err}"
    );
}

async fn next_events(tail: &mut TailStream) -> Vec<LogEvent> {
    let item = tokio::time::timeout(std::time::Duration::from_secs(10), tail.next())
        .await
        .expect("the tail delivers within 10 s")
        .expect("the tail is still open")
        .expect("no error");
    match item {
        TailItem::Events(events) => events,
        other => panic!("expected events, got {other:?}"),
    }
}

async fn tail_follows_new_events_across_groups_without_old_ones(logs: SandboxLogStore) {
    let a = group("/aws/lambda/ta");
    let b = group("/aws/lambda/tb");
    let old = Utc::now() - Duration::hours(2);
    logs.append(&a, "s", &[(old, "old line".into())])
        .await
        .unwrap();
    logs.create_group(&b).await.unwrap();
    let request = TailRequest::new(
        vec![a.clone(), b.clone()],
        Utc::now() - Duration::minutes(1),
        None,
    )
    .unwrap();
    let mut tail = logs.tail(request).await.unwrap();
    let now = Utc::now();
    logs.append(&b, "s", &[(now, "from b".into())])
        .await
        .unwrap();
    logs.append(
        &a,
        "s",
        &[(now + Duration::milliseconds(1), "from a".into())],
    )
    .await
    .unwrap();
    let mut got = Vec::new();
    while got.len() < 2 {
        got.extend(
            next_events(&mut tail)
                .await
                .into_iter()
                .map(|e| (e.group, e.message)),
        );
    }
    assert_eq!(
        got,
        vec![
            ("/aws/lambda/tb".to_string(), "from b".to_string()),
            ("/aws/lambda/ta".to_string(), "from a".to_string())
        ]
    );
}

async fn tail_applies_the_pattern(logs: SandboxLogStore) {
    let g = group("/aws/lambda/tp");
    logs.create_group(&g).await.unwrap();
    let request = TailRequest::new(
        vec![g.clone()],
        Utc::now() - Duration::seconds(5),
        Some(FilterPattern::parse("ERROR").unwrap()),
    )
    .unwrap();
    let mut tail = logs.tail(request).await.unwrap();
    let now = Utc::now();
    logs.append(
        &g,
        "s",
        &[(now, "INFO fine".into()), (now, "ERROR broken".into())],
    )
    .await
    .unwrap();
    let events = next_events(&mut tail).await;
    assert_eq!(
        events
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>(),
        vec!["ERROR broken"]
    );
}

async fn unknown_group_is_not_found(logs: SandboxLogStore) {
    let g = group("/aws/lambda/none");
    assert!(matches!(
        logs.list_streams(&g, PageRequest::first(1))
            .await
            .unwrap_err(),
        DomainError::NotFound(_)
    ));
    let request = TailRequest::new(vec![g], Utc::now(), None).unwrap();
    assert!(matches!(
        logs.tail(request).await.err().unwrap(),
        DomainError::NotFound(_)
    ));
}
