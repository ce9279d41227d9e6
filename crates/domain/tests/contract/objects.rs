//! The object store's contract on the sandbox's local folder. The S3 adapter (on moto) joins
//! the same suite when it lands.

use backoffice_domain::DomainError;
use backoffice_domain::model::*;
use backoffice_domain::ports::ObjectStore;
use backoffice_domain::sandbox::Sandbox;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

type Store = Arc<dyn ObjectStore>;

macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod sandbox {
            $(
                #[tokio::test]
                async fn $name() {
                    let h = crate::support::empty_sandbox().await;
                    super::$name(std::sync::Arc::new(h.sandbox.objects.clone()), super::Sandbox::bucket()).await;
                }
            )*
        }
    };
}

contract!(
    put_then_head_and_get_return_what_was_written,
    ranged_get_reads_only_the_range,
    listing_folds_folders_and_pages_in_key_order,
    listing_without_delimiter_is_flat_and_resumes_exactly,
    delete_is_idempotent_and_batch_reports_each_key,
    copy_keeps_content_type_and_metadata,
    presigned_get_points_at_the_object,
    unknown_bucket_and_key_are_not_found,
    unicode_keys_round_trip,
);

fn key(s: &str) -> ObjectKey {
    ObjectKey::parse(s).unwrap()
}

async fn put(store: &Store, bucket: &BucketName, k: &str, body: &[u8]) -> ObjectEntry {
    store
        .put(
            bucket,
            &key(k),
            body.to_vec(),
            "text/plain",
            &BTreeMap::new(),
        )
        .await
        .unwrap()
}

async fn put_then_head_and_get_return_what_was_written(store: Store, bucket: BucketName) {
    let mut meta = BTreeMap::new();
    meta.insert("uploaded-by".to_string(), "test".to_string());
    let written = store
        .put(
            &bucket,
            &key("posts/a/1.json"),
            br#"{"a":1}"#.to_vec(),
            "application/json",
            &meta,
        )
        .await
        .unwrap();
    assert_eq!(written.size, 7);
    let head = store.head(&bucket, "posts/a/1.json").await.unwrap();
    assert_eq!(head.content_type.as_deref(), Some("application/json"));
    assert_eq!(head.metadata, meta);
    assert!(
        head.etag
            .as_deref()
            .is_some_and(|e| e.len() == 34 && e.starts_with('"'))
    );
    let got = store.get(&bucket, "posts/a/1.json", None).await.unwrap();
    assert_eq!(got.bytes, br#"{"a":1}"#);
    put(&store, &bucket, "posts/a/1.json", b"replaced").await;
    assert_eq!(
        store
            .get(&bucket, "posts/a/1.json", None)
            .await
            .unwrap()
            .bytes,
        b"replaced"
    );
}

async fn ranged_get_reads_only_the_range(store: Store, bucket: BucketName) {
    let body: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
    store
        .put(
            &bucket,
            &key("big.bin"),
            body.clone(),
            "application/octet-stream",
            &BTreeMap::new(),
        )
        .await
        .unwrap();
    let part = store
        .get(
            &bucket,
            "big.bin",
            Some(ByteRange {
                start: 100,
                end: 164,
            }),
        )
        .await
        .unwrap();
    assert_eq!(part.bytes, body[100..164]);
    assert_eq!(part.total_size, 10_000);
    let tail = store
        .get(
            &bucket,
            "big.bin",
            Some(ByteRange {
                start: 9_990,
                end: 20_000,
            }),
        )
        .await
        .unwrap();
    assert_eq!(tail.bytes.len(), 10);
    let err = store
        .get(
            &bucket,
            "big.bin",
            Some(ByteRange {
                start: 10_000,
                end: 10_010,
            }),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::Invalid(_)), "{err}");
}

async fn listing_folds_folders_and_pages_in_key_order(store: Store, bucket: BucketName) {
    for k in [
        "a.txt",
        "b/1",
        "b/2",
        "b/c/3",
        "b-sibling",
        "c/1",
        "d.txt",
        "e/1",
    ] {
        put(&store, &bucket, k, b"x").await;
    }
    let mut names = Vec::new();
    let mut page = PageRequest::first(2);
    loop {
        let got = store.list(&bucket, "", Some('/'), page).await.unwrap();
        assert!(got.items.len() <= 2);
        names.extend(got.items.iter().map(|e| match e {
            ListingEntry::Prefix(p) => format!("{p}*"),
            ListingEntry::Object(o) => o.key.clone(),
        }));
        match got.next {
            Some(c) => page = PageRequest::after(c, 2),
            None => break,
        }
    }
    assert_eq!(
        names,
        vec!["a.txt", "b-sibling", "b/*", "c/*", "d.txt", "e/*"]
    );
    let inside = store
        .list(&bucket, "b/", Some('/'), PageRequest::first(10))
        .await
        .unwrap();
    let inner: Vec<&str> = inside.items.iter().map(|e| e.name()).collect();
    assert_eq!(inner, vec!["b/1", "b/2", "b/c/"]);
    assert!(inside.next.is_none());
}

async fn listing_without_delimiter_is_flat_and_resumes_exactly(store: Store, bucket: BucketName) {
    for i in 0..25 {
        put(&store, &bucket, &format!("logs/{i:03}.txt"), b"x").await;
    }
    let mut seen = Vec::new();
    let mut page = PageRequest::first(7);
    loop {
        let got = store.list(&bucket, "logs/", None, page).await.unwrap();
        seen.extend(got.items.iter().map(|e| e.name().to_string()));
        match got.next {
            Some(c) => page = PageRequest::after(c, 7),
            None => break,
        }
    }
    let expected: Vec<String> = (0..25).map(|i| format!("logs/{i:03}.txt")).collect();
    assert_eq!(seen, expected);
    let empty = store
        .list(&bucket, "nothing-here/", Some('/'), PageRequest::first(5))
        .await
        .unwrap();
    assert!(empty.items.is_empty() && empty.next.is_none());
}

async fn delete_is_idempotent_and_batch_reports_each_key(store: Store, bucket: BucketName) {
    put(&store, &bucket, "t/1", b"1").await;
    put(&store, &bucket, "t/2", b"2").await;
    store.delete(&bucket, "t/1").await.unwrap();
    store.delete(&bucket, "t/1").await.unwrap();
    assert!(matches!(
        store.head(&bucket, "t/1").await.unwrap_err(),
        DomainError::NotFound(_)
    ));
    let outcomes = store
        .delete_many(&bucket, &["t/2".into(), "t/missing".into()])
        .await
        .unwrap();
    assert_eq!(outcomes.len(), 2);
    assert!(outcomes.iter().all(|o| o.error.is_none()));
    assert!(
        store
            .list(&bucket, "t/", None, PageRequest::first(10))
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

async fn copy_keeps_content_type_and_metadata(store: Store, bucket: BucketName) {
    let mut meta = BTreeMap::new();
    meta.insert("k".to_string(), "v".to_string());
    store
        .put(&bucket, &key("src.png"), vec![1, 2, 3], "image/png", &meta)
        .await
        .unwrap();
    let copied = store
        .copy(&bucket, "src.png", &key("dst/copy.png"))
        .await
        .unwrap();
    assert_eq!(copied.content_type.as_deref(), Some("image/png"));
    assert_eq!(copied.metadata, meta);
    assert_eq!(
        store
            .get(&bucket, "dst/copy.png", None)
            .await
            .unwrap()
            .bytes,
        vec![1, 2, 3]
    );
}

async fn presigned_get_points_at_the_object(store: Store, bucket: BucketName) {
    put(&store, &bucket, "share/me.txt", b"shared").await;
    let presigned = store
        .presign_get(&bucket, "share/me.txt", Duration::from_secs(300))
        .await
        .unwrap();
    assert_eq!(presigned.method, "GET");
    assert!(presigned.expires_at > chrono::Utc::now() + chrono::Duration::seconds(290));
    let path = presigned
        .url
        .strip_prefix("file://")
        .expect("a file URL in the sandbox");
    assert_eq!(std::fs::read(path).unwrap(), b"shared");
    let err = store
        .presign_put(
            &bucket,
            &key("up.png"),
            "image/png",
            10,
            Duration::from_secs(60),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, DomainError::Unsupported(ref m) if m.contains("sandbox")),
        "{err}"
    );
}

async fn unknown_bucket_and_key_are_not_found(store: Store, bucket: BucketName) {
    let other = BucketName::parse("no-such-bucket").unwrap();
    assert!(matches!(
        store
            .list(&other, "", None, PageRequest::first(1))
            .await
            .unwrap_err(),
        DomainError::NotFound(_)
    ));
    assert!(matches!(
        store.head(&bucket, "missing").await.unwrap_err(),
        DomainError::NotFound(_)
    ));
    assert!(matches!(
        store.get(&bucket, "missing", None).await.unwrap_err(),
        DomainError::NotFound(_)
    ));
    let buckets = store.list_buckets().await.unwrap();
    assert_eq!(
        buckets.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(),
        vec![bucket.as_str()]
    );
}

async fn unicode_keys_round_trip(store: Store, bucket: BucketName) {
    put(&store, &bucket, "사진/여름 바다 🌊.txt", b"sea").await;
    let listed = store
        .list(&bucket, "사진/", Some('/'), PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(
        listed.items.iter().map(|e| e.name()).collect::<Vec<_>>(),
        vec!["사진/여름 바다 🌊.txt"]
    );
    assert_eq!(
        store
            .get(&bucket, "사진/여름 바다 🌊.txt", None)
            .await
            .unwrap()
            .bytes,
        b"sea"
    );
}
