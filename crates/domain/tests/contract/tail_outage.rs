//! A log tail across an outage of its service: a private moto is stopped (SIGSTOP) in the
//! middle of a tail and resumed (SIGCONT). moto keeps its state only in memory, so a killed
//! moto would come back without the log group; stopping the process is how an outage that
//! loses no data (CloudWatch's case) is made here. While it is stopped the server accepts
//! connections and answers nothing, the hardest case for a client: only its timeouts notice.

use crate::private::PrivateMoto;
use backoffice_domain::adapters::aws::{AwsContext, AwsSettings, CloudWatchLogSource};
use backoffice_domain::model::{LogGroupName, TailItem, TailRequest, TailStream};
use backoffice_domain::ports::LogSource;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use std::time::Duration;

/// The next item within `within`, panicking with `what` otherwise.
async fn next_item(tail: &mut TailStream, within: Duration, what: &str) -> TailItem {
    match tokio::time::timeout(within, tail.next()).await {
        Ok(Some(Ok(item))) => item,
        Ok(Some(Err(e))) => panic!("the tail failed while waiting for {what}: {}", e.chain()),
        Ok(None) => panic!("the tail ended while waiting for {what}"),
        Err(_) => panic!("no {what} within {within:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs services: tests/run.sh"]
async fn a_tail_reports_the_outage_as_a_gap_and_resumes_without_duplicates() {
    let moto = PrivateMoto::start();
    let ctx = AwsContext::load(&AwsSettings {
        region: Some("us-east-1".into()),
        endpoint_url: Some(moto.endpoint()),
        connect_timeout: Duration::from_secs(1),
        operation_timeout: Duration::from_secs(2),
        max_attempts: 2,
        ..AwsSettings::default()
    })
    .await
    .unwrap();
    let logs = CloudWatchLogSource::new(&ctx);
    let group = LogGroupName::parse("/aws/lambda/outage").unwrap();
    logs.create_group(&group).await.unwrap();
    let request = TailRequest::new(
        vec![group.clone()],
        Utc::now() - chrono::Duration::minutes(1),
        None,
    )
    .unwrap();
    let mut tail = logs.tail(request).await.unwrap();

    let t0 = Utc::now();
    let before: Vec<(DateTime<Utc>, String)> = (0..3)
        .map(|i| {
            (
                t0 + chrono::Duration::milliseconds(i),
                format!("before {i}"),
            )
        })
        .collect();
    logs.put_events(&group, "s", &before).await.unwrap();
    let mut got = Vec::new();
    while got.len() < 3 {
        match next_item(&mut tail, Duration::from_secs(20), "the first events").await {
            TailItem::Events(events) => got.extend(events.into_iter().map(|e| e.message)),
            other => panic!("before the outage the tail sent {other:?}"),
        }
    }
    assert_eq!(got, ["before 0", "before 1", "before 2"]);

    // Down: the tail says so.
    moto.freeze();
    let frozen_at = Utc::now();
    let gap = loop {
        match next_item(&mut tail, Duration::from_secs(30), "a gap").await {
            TailItem::Gap { from, to, reason } => break (from, to, reason),
            TailItem::Events(e) if e.is_empty() => {}
            other => panic!("while moto is stopped the tail sent {other:?}"),
        }
    };
    assert!(gap.0 <= gap.1, "{gap:?}");
    assert!(!gap.2.is_empty(), "the gap says why");
    tokio::time::sleep(Duration::from_secs(2)).await;
    moto.thaw();

    // Back: events stamped during the outage (they reached CloudWatch, the tail could not
    // read them) and after it arrive once each, and nothing from before comes again.
    let during = frozen_at + chrono::Duration::milliseconds(500);
    logs.put_events(
        &group,
        "s",
        &[
            (during, "during the outage".to_string()),
            (Utc::now(), "after the outage".to_string()),
        ],
    )
    .await
    .unwrap();
    let mut reconnected = false;
    let mut after = Vec::new();
    while after.len() < 2 {
        match next_item(&mut tail, Duration::from_secs(30), "the events after").await {
            TailItem::Reconnected { .. } => reconnected = true,
            TailItem::Events(events) => after.extend(events.into_iter().map(|e| e.message)),
            // More failed calls before the first success are more of the same gap.
            TailItem::Gap { .. } if !reconnected => {}
            other => panic!("after the outage the tail sent {other:?}"),
        }
    }
    assert!(
        reconnected,
        "the tail said it was back before the new events"
    );
    assert_eq!(after, ["during the outage", "after the outage"]);
    // Nothing more: no duplicate of anything already sent.
    let quiet = tokio::time::timeout(Duration::from_secs(4), async {
        loop {
            match tail.next().await {
                Some(Ok(TailItem::Events(e))) if e.is_empty() => {}
                other => return other,
            }
        }
    })
    .await;
    assert!(
        quiet.is_err(),
        "after the outage the tail sent more: {quiet:?}"
    );
}
