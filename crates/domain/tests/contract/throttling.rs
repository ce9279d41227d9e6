//! AWS throttling through a loopback proxy in front of moto: the adapters' calls back off and
//! succeed, the session's meter counts every throttling answer, and a throttle that outlasts
//! the retries reaches the caller as `Throttled`.

use crate::support::{moto_endpoint, unique_name};
use crate::throttle_proxy::ThrottleProxy;
use aws_sdk_cognitoidentityprovider::types::MessageActionType;
use backoffice_domain::DomainError;
use backoffice_domain::adapters::aws::{
    AwsContext, AwsSettings, CloudWatchLogSource, CognitoUserDirectory, S3ObjectStore,
};
use backoffice_domain::model::{BucketName, LogGroupName, PageRequest, TimeWindow};
use backoffice_domain::ports::{LogSource, ObjectStore, UserDirectory, UserQuery};
use std::time::Duration;

async fn context(endpoint: &str, max_attempts: u32) -> AwsContext {
    AwsContext::load(&AwsSettings {
        region: Some("us-east-1".into()),
        endpoint_url: Some(endpoint.to_string()),
        max_attempts,
        ..AwsSettings::default()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs services: tests/run.sh"]
async fn throttled_calls_back_off_and_succeed_and_the_meter_counts_them() {
    // Fixtures straight on moto.
    let direct = context(&moto_endpoint(), 2).await;
    let cognito = aws_sdk_cognitoidentityprovider::Client::new(direct.sdk_config());
    let pool = cognito
        .create_user_pool()
        .pool_name(unique_name("throttle"))
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    for name in ["tara", "tomas"] {
        cognito
            .admin_create_user()
            .user_pool_id(&pool)
            .username(name)
            .message_action(MessageActionType::Suppress)
            .send()
            .await
            .unwrap();
    }
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(direct.sdk_config())
            .force_path_style(true)
            .build(),
    );
    let bucket = BucketName::parse(unique_name("throttle")).unwrap();
    s3.create_bucket()
        .bucket(bucket.as_str())
        .send()
        .await
        .unwrap();
    for key in ["a.txt", "b.txt"] {
        s3.put_object()
            .bucket(bucket.as_str())
            .key(key)
            .body(b"x".to_vec().into())
            .send()
            .await
            .unwrap();
    }
    let group = LogGroupName::parse(format!("/aws/lambda/{}", unique_name("throttle"))).unwrap();
    let direct_logs = CloudWatchLogSource::new(&direct);
    direct_logs.create_group(&group).await.unwrap();
    let at = chrono::Utc::now() - chrono::Duration::minutes(1);
    direct_logs
        .put_events(&group, "s", &[(at, "throttled but there".to_string())])
        .await
        .unwrap();

    // The same calls through the proxy, each operation throttled twice first.
    let proxy = ThrottleProxy::start(&moto_endpoint()).await;
    let ctx = context(&proxy.endpoint, 5).await;
    for op in ["ListUsers", "FilterLogEvents", "ListObjectsV2"] {
        proxy.throttle(op, 2);
    }
    let users = CognitoUserDirectory::new(&ctx, pool.clone())
        .list_users(&UserQuery::default(), PageRequest::first(10))
        .await
        .expect("ListUsers succeeds after two TooManyRequestsException");
    assert_eq!(users.items.len(), 2);
    let listing = S3ObjectStore::new(&ctx)
        .list(&bucket, "", Some('/'), PageRequest::first(10))
        .await
        .expect("ListObjectsV2 succeeds after two SlowDown");
    assert_eq!(listing.items.len(), 2);
    let window = TimeWindow::new(at - chrono::Duration::minutes(1), chrono::Utc::now()).unwrap();
    let events = CloudWatchLogSource::new(&ctx)
        .filter_events(&group, window, None, PageRequest::first(10))
        .await
        .expect("FilterLogEvents succeeds after two ThrottlingException");
    assert_eq!(events.items.len(), 1);
    assert_eq!(events.items[0].message, "throttled but there");

    let mut gaps = Duration::ZERO;
    for op in ["ListUsers", "FilterLogEvents", "ListObjectsV2"] {
        let seen = proxy.seen(op);
        let throttled: Vec<bool> = seen.iter().map(|s| s.throttled).collect();
        assert_eq!(throttled, [true, true, false], "{op}: {seen:?}");
        gaps += seen[2].at - seen[0].at;
    }
    // Standard backoff waits a random share of 1 s, then of 2 s: six waits summing under
    // 100 ms would mean no backoff at all.
    assert!(
        gaps > Duration::from_millis(100),
        "retries did not back off: {gaps:?}"
    );
    assert_eq!(ctx.throttles().total(), 6);
    let report = ctx.throttles().report(Duration::from_secs(60)).unwrap();
    assert_eq!(report.recent, 6);
    assert!(
        [
            "Cognito ListUsers",
            "CloudWatch Logs FilterLogEvents",
            "S3 GET"
        ]
        .contains(&report.latest.as_str()),
        "{report:?}"
    );
    assert_eq!(direct.throttles().total(), 0, "moto itself never throttled");

    // A throttle longer than the retries: the caller gets Throttled, after every attempt.
    let short = context(&proxy.endpoint, 3).await;
    proxy.throttle("ListUsers", 100);
    let before = proxy.seen("ListUsers").len();
    let err = CognitoUserDirectory::new(&short, pool)
        .list_users(&UserQuery::default(), PageRequest::first(10))
        .await
        .unwrap_err();
    assert!(
        matches!(err, DomainError::Throttled(ref m) if m.contains("Cognito")),
        "{err:?}"
    );
    assert!(err.is_transient());
    assert_eq!(proxy.seen("ListUsers").len() - before, 3);
    assert_eq!(short.throttles().total(), 3);
}
