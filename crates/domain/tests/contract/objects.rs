//! The object store's contract, run on the sandbox's local folder always and on the S3
//! adapter against moto in the full test run (`tests/run.sh`). Each moto test works in a
//! bucket of its own, made with the raw SDK.

use crate::support::{moto_context, moto_endpoint, unique_name};
use backoffice_domain::DomainError;
use backoffice_domain::adapters::aws::S3ObjectStore;
use backoffice_domain::model::*;
use backoffice_domain::ports::ObjectStore;
use backoffice_domain::sandbox::Sandbox;
use futures::StreamExt;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

type Store = Arc<dyn ObjectStore>;

/// Targets deleted whatever they hold.
fn any(keys: &[impl AsRef<str>]) -> Vec<DeleteTarget> {
    keys.iter().map(|k| DeleteTarget::any(k.as_ref())).collect()
}

/// Runs each listed behaviour on the sandbox and (ignored unless services run) on moto.
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
        mod moto {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[ignore = "needs services: tests/run.sh"]
                async fn $name() {
                    let m = super::moto().await;
                    super::$name(std::sync::Arc::new(m.store.clone()), m.bucket.clone()).await;
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
    delete_many_takes_more_keys_than_one_batch,
    a_delete_by_etag_keeps_an_object_replaced_since,
    a_conditional_put_writes_only_while_its_condition_holds,
    copy_keeps_content_type_and_metadata,
    presigned_get_url_serves_the_object,
    unknown_bucket_and_key_are_not_found,
    cursor_of_another_listing_is_refused,
    unicode_keys_round_trip,
);

/// A fresh bucket on moto and the adapter and raw client that reach it.
pub(crate) struct Moto {
    pub(crate) store: S3ObjectStore,
    pub(crate) raw: aws_sdk_s3::Client,
    pub(crate) bucket: BucketName,
}

pub(crate) async fn moto() -> Moto {
    let ctx = moto_context().await;
    let raw = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(ctx.sdk_config())
            .force_path_style(true)
            .build(),
    );
    let bucket = BucketName::parse(unique_name("objects")).unwrap();
    raw.create_bucket()
        .bucket(bucket.as_str())
        .send()
        .await
        .unwrap_or_else(|e| panic!("moto at {} made no bucket: {e:?}", moto_endpoint()));
    Moto {
        store: S3ObjectStore::new(&ctx),
        raw,
        bucket,
    }
}

/// An HTTP answer: status, headers (names lowercased) and body.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

/// One HTTP/1.1 request over a plain TCP connection, enough to use a presigned URL on moto
/// exactly as a browser would: the URL's path and query are sent as the SDK wrote them.
pub(crate) async fn http(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Answer {
    let rest = url.strip_prefix("http://").expect("an http:// URL");
    let (authority, target) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = tokio::net::TcpStream::connect(authority).await.unwrap();
    let mut request =
        format!("{method} {target} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if method != "GET"
        && !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-length"))
    {
        request.push_str(&format!("content-length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP answer with headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"))
    {
        body = dechunk(&body);
    }
    Answer {
        status,
        headers,
        body,
    }
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n").unwrap();
        let size_text = String::from_utf8_lossy(&raw[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&raw[line_end + 2..line_end + 2 + size]);
        raw = &raw[line_end + 2 + size + 2..];
    }
}

/// Reads what a presigned GET points at, whatever its scheme: a file in the sandbox, an HTTP
/// URL on S3.
async fn fetch(presigned: &PresignedRequest) -> Vec<u8> {
    if let Some(path) = presigned.url.strip_prefix("file://") {
        // A URL's path: spaces and `%` come percent-encoded.
        let path = percent_encoding::percent_decode_str(path)
            .decode_utf8()
            .unwrap()
            .to_string();
        return std::fs::read(path).unwrap();
    }
    let answer = http("GET", &presigned.url, &presigned.headers, &[]).await;
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    answer.body
}

/// A value of an URL's query string, as written in the URL.
fn query_param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    url.split_once('?')?
        .1
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

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
        .delete_many(&bucket, &any(&["t/2", "t/missing"]))
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

async fn presigned_get_url_serves_the_object(store: Store, bucket: BucketName) {
    put(&store, &bucket, "share/me and you+1.txt", b"shared").await;
    let presigned = store
        .presign_get(&bucket, "share/me and you+1.txt", Duration::from_secs(300))
        .await
        .unwrap();
    assert_eq!(presigned.method, "GET");
    // A URL to paste: no raw space or `%` in it (the sandbox's `file://` link had them).
    put(&store, &bucket, "share/pic 100%.txt", b"pct").await;
    let odd = store
        .presign_get(&bucket, "share/pic 100%.txt", Duration::from_secs(300))
        .await
        .unwrap();
    let path = odd.url.split('?').next().unwrap();
    assert!(!path.contains(' ') && path.contains("%25"), "{}", odd.url);
    assert_eq!(fetch(&odd).await, b"pct");
    let now = chrono::Utc::now();
    assert!(presigned.expires_at > now + chrono::Duration::seconds(290));
    assert!(presigned.expires_at <= now + chrono::Duration::seconds(301));
    assert_eq!(fetch(&presigned).await, b"shared");
}

async fn unknown_bucket_and_key_are_not_found(store: Store, bucket: BucketName) {
    let other = BucketName::parse(unique_name("missing")).unwrap();
    assert!(matches!(
        store
            .list(&other, "", None, PageRequest::first(1))
            .await
            .unwrap_err(),
        DomainError::NotFound(_)
    ));
    assert!(matches!(
        store.versioning(&other).await.unwrap_err(),
        DomainError::NotFound(_)
    ));
    assert!(matches!(
        store.delete(&other, "x").await.unwrap_err(),
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
    assert!(matches!(
        store
            .copy(&bucket, "missing", &key("copy-of-missing"))
            .await
            .unwrap_err(),
        DomainError::NotFound(_)
    ));
    let buckets = store.list_buckets().await.unwrap();
    let listed = buckets
        .iter()
        .find(|b| b.name == bucket.as_str())
        .expect("the test's bucket is listed");
    assert!(listed.created_at.is_some());
    assert!(buckets.iter().all(|b| b.name != other.as_str()));
}

async fn cursor_of_another_listing_is_refused(store: Store, bucket: BucketName) {
    for i in 0..3 {
        put(&store, &bucket, &format!("a/{i}"), b"x").await;
    }
    let first = store
        .list(&bucket, "a/", None, PageRequest::first(1))
        .await
        .unwrap();
    let cursor = first.next.expect("more than one page");
    let err = store
        .list(&bucket, "b/", None, PageRequest::after(cursor.clone(), 1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, DomainError::Invalid(ref i) if i.field == "cursor"),
        "{err}"
    );
    let err = store
        .list(&bucket, "a/", Some('/'), PageRequest::after(cursor, 1))
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::Invalid(_)), "{err}");
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
    // A copy source names the key URL-encoded; spaces, `+` and Hangul must survive it.
    let copied = store
        .copy(
            &bucket,
            "사진/여름 바다 🌊.txt",
            &key("사진/복사 + 원본.txt"),
        )
        .await
        .unwrap();
    assert_eq!(copied.key, "사진/복사 + 원본.txt");
    assert_eq!(copied.size, 3);
    assert_eq!(
        store
            .get(&bucket, "사진/복사 + 원본.txt", None)
            .await
            .unwrap()
            .bytes,
        b"sea"
    );
    let listed = store
        .list(&bucket, "사진/", None, PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(
        listed.items.iter().map(|e| e.name()).collect::<Vec<_>>(),
        vec!["사진/복사 + 원본.txt", "사진/여름 바다 🌊.txt"]
    );
}

async fn delete_many_takes_more_keys_than_one_batch(store: Store, bucket: BucketName) {
    let keys: Vec<String> = (0..1005).map(|i| format!("many/{i:04}")).collect();
    futures::stream::iter(keys.iter())
        .for_each_concurrent(16, |k| {
            let (store, bucket) = (store.clone(), bucket.clone());
            async move {
                put(&store, &bucket, k, b"x").await;
            }
        })
        .await;
    let mut asked = keys.clone();
    asked.push("many/never-written".to_string());
    let outcomes = store.delete_many(&bucket, &any(&asked)).await.unwrap();
    assert_eq!(
        outcomes.iter().map(|o| o.key.as_str()).collect::<Vec<_>>(),
        asked.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert!(outcomes.iter().all(|o| o.error.is_none()));
    let left = store
        .list(&bucket, "many/", None, PageRequest::first(10))
        .await
        .unwrap();
    assert!(left.items.is_empty(), "{:?}", left.items);
    assert!(store.delete_many(&bucket, &[]).await.unwrap().is_empty());
}

/// A delete naming the ETag that was read deletes only that object: one uploaded again since
/// is kept and said as changed, one deleted since is said as gone, and the object as read is
/// deleted (S3's conditional delete; one key goes by `DeleteObject` with `If-Match`).
async fn a_delete_by_etag_keeps_an_object_replaced_since(store: Store, bucket: BucketName) {
    let read = put(&store, &bucket, "c/avatar.png", b"first").await;
    let replaced = put(&store, &bucket, "c/avatar.png", b"second, replacing it").await;
    assert_ne!(read.etag, replaced.etag);
    let stale = store
        .delete_many(
            &bucket,
            &[DeleteTarget::unchanged("c/avatar.png", read.etag.clone())],
        )
        .await
        .unwrap();
    assert_eq!(stale[0].error, Some(NotDeleted::Changed), "{stale:?}");
    let kept = store.head(&bucket, "c/avatar.png").await.unwrap();
    assert_eq!(kept.size, replaced.size);

    // Unquoted, as S3 also takes it.
    let bare = replaced
        .etag
        .clone()
        .map(|e| e.trim_matches('"').to_string());
    let done = store
        .delete_many(&bucket, &[DeleteTarget::unchanged("c/avatar.png", bare)])
        .await
        .unwrap();
    assert_eq!(done[0].error, None, "{done:?}");
    assert!(matches!(
        store.head(&bucket, "c/avatar.png").await.unwrap_err(),
        DomainError::NotFound(_)
    ));

    let again = store
        .delete_many(
            &bucket,
            &[DeleteTarget::unchanged("c/avatar.png", replaced.etag)],
        )
        .await
        .unwrap();
    assert_eq!(again[0].error, Some(NotDeleted::Gone), "{again:?}");
}

/// A put asked as new does not replace an object there, and one asked as replacing an ETag
/// does not replace another object or bring back a deleted one: each is refused as a conflict
/// saying what was found, and the object there is left as it was.
async fn a_conditional_put_writes_only_while_its_condition_holds(store: Store, bucket: BucketName) {
    let put_if = |body: &'static [u8], condition: WriteCondition| {
        let (store, bucket) = (store.clone(), bucket.clone());
        async move {
            store
                .put_if(
                    &bucket,
                    &key("w/notes.txt"),
                    body.to_vec(),
                    "text/plain",
                    &BTreeMap::new(),
                    &condition,
                )
                .await
        }
    };
    let first = put_if(b"first", WriteCondition::New).await.unwrap();
    let refused = put_if(b"mine", WriteCondition::New).await.unwrap_err();
    assert!(matches!(refused, DomainError::Conflict(_)), "{refused:?}");
    assert!(
        refused.to_string().contains("nothing was written: s3://")
            && refused
                .to_string()
                .ends_with("w/notes.txt: an object was put there since it was read"),
        "{refused}"
    );
    let theirs = put(&store, &bucket, "w/notes.txt", b"theirs, meanwhile").await;
    let etag = |e: &ObjectEntry| e.etag.clone().expect("an ETag");
    let refused = put_if(b"mine", WriteCondition::Replacing(etag(&first)))
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("was replaced since it was read"),
        "{refused}"
    );
    let there = store.get(&bucket, "w/notes.txt", None).await.unwrap();
    assert_eq!(there.bytes, b"theirs, meanwhile");
    let mine = put_if(b"mine", WriteCondition::Replacing(etag(&theirs)))
        .await
        .unwrap();
    assert_eq!(mine.size, 4);
    store.delete(&bucket, "w/notes.txt").await.unwrap();
    let refused = put_if(b"again", WriteCondition::Replacing(etag(&mine)))
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("was deleted since it was read"),
        "{refused}"
    );
    assert!(matches!(
        store.head(&bucket, "w/notes.txt").await.unwrap_err(),
        DomainError::NotFound(_)
    ));
}

// Sandbox-only behaviour: what the local folder cannot do, it says so.

#[tokio::test]
async fn sandbox_lists_exactly_its_buckets() {
    let h = crate::support::empty_sandbox().await;
    let buckets = h.sandbox.objects.list_buckets().await.unwrap();
    assert_eq!(
        buckets.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(),
        vec![Sandbox::bucket().as_str()]
    );
}

#[tokio::test]
async fn sandbox_refuses_presigned_uploads_and_versions() {
    let h = crate::support::empty_sandbox().await;
    let store = &h.sandbox.objects;
    let bucket = Sandbox::bucket();
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
    let err = store
        .list_versions(&bucket, "", PageRequest::first(10))
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::Unsupported(_)), "{err}");
    // It keeps none, and says so plainly: a bulk delete there is for good.
    assert_eq!(
        store.versioning(&bucket).await.unwrap(),
        BucketVersioning::Off
    );
}

/// S3's three answers to `GetBucketVersioning` (as the S3 API reference shows them: an empty
/// `VersioningConfiguration` for a bucket never versioned, `Enabled`, `Suspended`), from a
/// loopback server, read as `Off`, `Enabled` and `Suspended`. moto cannot answer this: it
/// names its root `GetBucketVersioningResponse`, which the SDK refuses to parse.
#[tokio::test]
async fn versioning_reads_s3s_three_answers() {
    const OPEN: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
        <VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";
    let answers = [
        (format!("{OPEN}/>"), BucketVersioning::Off),
        (
            format!("{OPEN}><Status>Enabled</Status></VersioningConfiguration>"),
            BucketVersioning::Enabled,
        ),
        (
            format!("{OPEN}><Status>Suspended</Status></VersioningConfiguration>"),
            BucketVersioning::Suspended,
        ),
    ];
    for (body, expected) in answers {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let asked = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let seen = asked.clone();
        let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
            let (seen, body) = (seen.clone(), body.clone());
            async move {
                seen.lock().unwrap().push(uri.to_string());
                ([("content-type", "application/xml")], body)
            }
        });
        let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let context = backoffice_domain::adapters::aws::AwsContext::load(
            &backoffice_domain::adapters::aws::AwsSettings {
                region: Some("us-east-1".into()),
                endpoint_url: Some(endpoint),
                max_attempts: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        // Test keys of its own, path-style addressing as for any endpoint of ours.
        let config = aws_sdk_s3::config::Builder::from(context.sdk_config())
            .credentials_provider(aws_sdk_s3::config::Credentials::new(
                "testing", "testing", None, None, "test",
            ))
            .force_path_style(true)
            .build();
        let store = S3ObjectStore::from_client(aws_sdk_s3::Client::from_conf(config));
        let bucket = BucketName::parse("media-bucket").unwrap();
        assert_eq!(store.versioning(&bucket).await.unwrap(), expected);
        assert_eq!(
            asked.lock().unwrap().as_slice(),
            ["/media-bucket/?versioning"],
            "one GetBucketVersioning of the bucket"
        );
        server.abort();
    }
}

// moto-only behaviour: what needs S3 itself (versions, presigned uploads, keys XML cannot carry).

mod moto_only {
    use super::*;
    use aws_sdk_s3::config::interceptors::BeforeSerializationInterceptorContextRef;
    use aws_sdk_s3::config::{ConfigBag, Intercept};
    use aws_sdk_s3::error::BoxError;
    use aws_sdk_s3::operation::delete_objects::DeleteObjectsInput;
    use aws_sdk_s3::types::{BucketVersioningStatus, VersioningConfiguration};
    use std::sync::Mutex;

    /// A batch's `(key, ETag)` pairs, as the SDK was asked to send them.
    type Batch = Vec<(String, Option<String>)>;

    /// Each `DeleteObjects` call's batch.
    #[derive(Debug, Default, Clone)]
    struct BatchSeen(Arc<Mutex<Vec<Batch>>>);

    impl Intercept for BatchSeen {
        fn name(&self) -> &'static str {
            "BatchSeen"
        }

        fn read_before_execution(
            &self,
            context: &BeforeSerializationInterceptorContextRef<'_>,
            _cfg: &mut ConfigBag,
        ) -> Result<(), BoxError> {
            if let Some(input) = context.input().downcast_ref::<DeleteObjectsInput>() {
                let objects = input.delete().map(|d| d.objects()).unwrap_or_default();
                self.0.lock().unwrap().push(
                    objects
                        .iter()
                        .map(|o| (o.key().to_string(), o.e_tag().map(str::to_string)))
                        .collect(),
                );
            }
            Ok(())
        }
    }

    /// Keys deleted together go in one `DeleteObjects` whose objects carry the ETags read, so
    /// S3 deletes each only while it is the object read. moto deletes them whatever their
    /// ETag, so what is checked here is the request the adapter sends (S3's per-key answer
    /// is read by `not_deleted`, tested beside the adapter).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs services: tests/run.sh"]
    async fn a_batch_delete_names_each_etag_it_was_given() {
        let m = moto().await;
        let seen = BatchSeen::default();
        let ctx = moto_context().await;
        let conf = aws_sdk_s3::config::Builder::from(ctx.sdk_config())
            .force_path_style(true)
            .interceptor(seen.clone())
            .build();
        let store: Store = Arc::new(S3ObjectStore::from_client(aws_sdk_s3::Client::from_conf(
            conf,
        )));
        let a = put(&store, &m.bucket, "b/a.txt", b"a").await;
        put(&store, &m.bucket, "b/b.txt", b"b").await;
        let outcomes = store
            .delete_many(
                &m.bucket,
                &[
                    DeleteTarget::unchanged("b/a.txt", a.etag.clone()),
                    DeleteTarget::any("b/b.txt"),
                ],
            )
            .await
            .unwrap();
        assert!(outcomes.iter().all(|o| o.error.is_none()), "{outcomes:?}");
        assert_eq!(
            *seen.0.lock().unwrap(),
            vec![vec![
                ("b/a.txt".to_string(), a.etag),
                ("b/b.txt".to_string(), None)
            ]]
        );
    }

    /// Keys holding an escape or a bell (written by others: the console's own keys cannot
    /// hold them) are deleted with the rest, and the outcomes come in the order asked: inside
    /// `DeleteObjects`' XML body such a key made the request malformed, and the object could
    /// not be deleted at all.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs services: tests/run.sh"]
    async fn delete_many_takes_keys_holding_control_characters() {
        let m = moto().await;
        let keys: Vec<String> = vec![
            "ctl/plain.txt".into(),
            "ctl/esc\u{1b}[2Jclear.txt".into(),
            "ctl/bell\u{7}.txt".into(),
            "ctl/other.txt".into(),
        ];
        let put_raw = |key: String| {
            let (raw, bucket) = (m.raw.clone(), m.bucket.clone());
            async move {
                raw.put_object()
                    .bucket(bucket.as_str())
                    .key(key)
                    .body(aws_sdk_s3::primitives::ByteStream::from_static(b"x"))
                    .send()
                    .await
                    .unwrap();
            }
        };
        for k in &keys {
            put_raw(k.clone()).await;
        }
        let store: Store = Arc::new(m.store.clone());
        let outcomes = store
            .delete_many(&m.bucket, &super::any(&keys))
            .await
            .unwrap();
        assert_eq!(
            outcomes.iter().map(|o| o.key.as_str()).collect::<Vec<_>>(),
            keys.iter().map(String::as_str).collect::<Vec<_>>()
        );
        assert!(outcomes.iter().all(|o| o.error.is_none()), "{outcomes:?}");
        let left = store
            .list(&m.bucket, "ctl/", None, PageRequest::first(10))
            .await
            .unwrap();
        assert!(left.items.is_empty(), "{:?}", left.items);
        // One such key alone, as the console's single delete sends it.
        put_raw(keys[1].clone()).await;
        let one = store
            .delete_many(&m.bucket, &super::any(&keys[1..2]))
            .await
            .unwrap();
        assert!(one[0].error.is_none(), "{one:?}");
        assert!(store.head(&m.bucket, &keys[1]).await.is_err());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs services: tests/run.sh"]
    async fn versions_list_newest_first_with_delete_markers_page_by_page() {
        let m = moto().await;
        m.raw
            .put_bucket_versioning()
            .bucket(m.bucket.as_str())
            .versioning_configuration(
                VersioningConfiguration::builder()
                    .status(BucketVersioningStatus::Enabled)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        let store: Store = Arc::new(m.store.clone());
        let bucket = &m.bucket;
        let v1 = put(&store, bucket, "doc.txt", b"one").await.version_id;
        let v2 = put(&store, bucket, "doc.txt", b"two!").await.version_id;
        let other = put(&store, bucket, "other.txt", b"x").await.version_id;
        let (v1, v2, other) = (v1.unwrap(), v2.unwrap(), other.unwrap());
        assert_ne!(v1, v2);
        assert_eq!(
            store
                .head(bucket, "other.txt")
                .await
                .unwrap()
                .version_id
                .as_deref(),
            Some(other.as_str())
        );
        store.delete(bucket, "doc.txt").await.unwrap();
        // The delete marker hides the object, but its versions stay.
        assert!(matches!(
            store.head(bucket, "doc.txt").await.unwrap_err(),
            DomainError::NotFound(_)
        ));

        let mut seen: Vec<ObjectVersion> = Vec::new();
        let mut page = PageRequest::first(2);
        let mut pages = 0;
        loop {
            let got = store.list_versions(bucket, "", page).await.unwrap();
            assert!(got.items.len() <= 2);
            pages += 1;
            seen.extend(got.items);
            match got.next {
                Some(c) => page = PageRequest::after(c, 2),
                None => break,
            }
        }
        assert!(pages >= 2, "four versions in pages of two");
        let summary: Vec<(&str, bool, bool, u64)> = seen
            .iter()
            .map(|v| (v.key.as_str(), v.is_latest, v.is_delete_marker, v.size))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("doc.txt", true, true, 0),
                ("doc.txt", false, false, 4),
                ("doc.txt", false, false, 3),
                ("other.txt", true, false, 1),
            ]
        );
        assert_eq!(seen[1].version_id, v2);
        assert_eq!(seen[2].version_id, v1);
        assert_eq!(seen[3].version_id, other);
        assert!(seen.iter().all(|v| v.last_modified.is_some()));

        let only_other = store
            .list_versions(bucket, "other", PageRequest::first(10))
            .await
            .unwrap();
        assert_eq!(only_other.items.len(), 1);
        assert!(only_other.next.is_none());
        // A cursor of the whole listing does not resume the prefixed one.
        let first = store
            .list_versions(bucket, "", PageRequest::first(1))
            .await
            .unwrap();
        let err = store
            .list_versions(bucket, "other", PageRequest::after(first.next.unwrap(), 1))
            .await
            .unwrap_err();
        assert!(matches!(err, DomainError::Invalid(_)), "{err}");
    }

    /// moto does not check signatures, so an upload that broke the signed length would pass
    /// here too: this test proves the URL works and carries the signed headers, and the unit
    /// test `presigned_put_signs_the_exact_length_and_type` proves the signature changes with
    /// either value, which is what makes S3 refuse a different upload.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs services: tests/run.sh"]
    async fn presigned_put_uploads_through_the_url_moto_checks_no_signature() {
        let m = moto().await;
        let body = b"\x89PNG not really, 27 bytes".to_vec();
        let presigned = m
            .store
            .presign_put(
                &m.bucket,
                &key("uploads/u1/사진 1.png"),
                "image/png",
                body.len() as u64,
                Duration::from_secs(120),
            )
            .await
            .unwrap();
        assert_eq!(presigned.method, "PUT");
        assert!(
            presigned
                .url
                .starts_with(&format!("{}/{}/", moto_endpoint(), m.bucket))
        );
        assert_eq!(query_param(&presigned.url, "X-Amz-Expires"), Some("120"));
        let signed = query_param(&presigned.url, "X-Amz-SignedHeaders").unwrap();
        let signed: Vec<&str> = signed.split("%3B").collect();
        assert!(
            signed.contains(&"content-length") && signed.contains(&"content-type"),
            "{signed:?}"
        );
        let header = |name: &str| {
            presigned
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(header("content-type"), Some("image/png"));
        assert_eq!(
            header("content-length"),
            Some(body.len().to_string().as_str())
        );
        assert!(query_param(&presigned.url, "X-Amz-Signature").is_some_and(|s| s.len() == 64));

        let answer = http("PUT", &presigned.url, &presigned.headers, &body).await;
        assert_eq!(
            answer.status,
            200,
            "{}",
            String::from_utf8_lossy(&answer.body)
        );
        assert!(answer.headers.iter().any(|(n, _)| n == "etag"));
        let head = m
            .store
            .head(&m.bucket, "uploads/u1/사진 1.png")
            .await
            .unwrap();
        assert_eq!(head.content_type.as_deref(), Some("image/png"));
        assert_eq!(head.size, body.len() as u64);
        assert_eq!(
            m.store
                .get(&m.bucket, "uploads/u1/사진 1.png", None)
                .await
                .unwrap()
                .bytes,
            body
        );
    }

    /// Keys written by other tools may hold characters XML 1.0 cannot carry; the listing asks
    /// S3 for URL-encoded keys and shows them as they are. (S3 also takes a newline in a key;
    /// moto's HTTP router answers 404 to one, so the keys here stop at U+0001 and a tab.)
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs services: tests/run.sh"]
    async fn listing_shows_keys_xml_cannot_carry() {
        let m = moto().await;
        let odd = ["odd/\u{1}bell", "odd/a+b c%20d", "odd/탭\tand"];
        for k in odd {
            m.raw
                .put_object()
                .bucket(m.bucket.as_str())
                .key(k)
                .body(b"x".to_vec().into())
                .send()
                .await
                .unwrap();
        }
        let mut names = Vec::new();
        let mut page = PageRequest::first(1);
        loop {
            let got = m
                .store
                .list(&m.bucket, "odd/", Some('/'), page)
                .await
                .unwrap();
            names.extend(got.items.iter().map(|e| e.name().to_string()));
            match got.next {
                Some(c) => page = PageRequest::after(c, 1),
                None => break,
            }
        }
        let mut expected: Vec<String> = odd.iter().map(|k| k.to_string()).collect();
        expected.sort();
        assert_eq!(names, expected);
        assert_eq!(
            m.store.head(&m.bucket, "odd/\u{1}bell").await.unwrap().size,
            1
        );
    }

    /// S3 URL-encodes the keys of a version listing when asked; moto ignores the request and
    /// sends them raw. The adapter decodes only what the answer says it encoded, so a plain
    /// key with `+` and `%20` in it arrives intact, and a key XML cannot carry makes moto's
    /// answer unreadable: an `Unexpected` error naming the action, never a panic or a garbled key.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs services: tests/run.sh"]
    async fn version_listing_moto_ignores_url_encoding() {
        let m = moto().await;
        let raw_put = |k: &'static str| {
            m.raw
                .put_object()
                .bucket(m.bucket.as_str())
                .key(k)
                .body(b"x".to_vec().into())
                .send()
        };
        raw_put("plain/a+b c%20d").await.unwrap();
        let versions = m
            .store
            .list_versions(&m.bucket, "plain/", PageRequest::first(10))
            .await
            .unwrap();
        assert_eq!(
            versions
                .items
                .iter()
                .map(|v| v.key.as_str())
                .collect::<Vec<_>>(),
            vec!["plain/a+b c%20d"]
        );
        raw_put("odd/\u{1}bell").await.unwrap();
        let err = m
            .store
            .list_versions(&m.bucket, "odd/", PageRequest::first(10))
            .await
            .unwrap_err();
        assert!(
            matches!(err, DomainError::Unexpected { ref message, .. } if message.contains("s3:ListBucketVersions")),
            "{err}"
        );
    }

    /// A HEAD answer has no body, so a missing key arrives without an S3 error code; it is
    /// still `NotFound`, and the object's details come from the headers.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs services: tests/run.sh"]
    async fn head_reports_headers_and_a_bodiless_404_as_not_found() {
        let m = moto().await;
        let mut meta = BTreeMap::new();
        meta.insert("owner-sub".to_string(), "abc-123".to_string());
        let written = m
            .store
            .put(
                &m.bucket,
                &key("h/a.json"),
                b"{}".to_vec(),
                "application/json",
                &meta,
            )
            .await
            .unwrap();
        let head = m.store.head(&m.bucket, "h/a.json").await.unwrap();
        assert_eq!(head.etag, written.etag);
        assert_eq!(head.storage_class.as_deref(), Some("STANDARD"));
        assert!(head.last_modified.is_some());
        assert_eq!(head.metadata, meta);
        let listed = m
            .store
            .list(&m.bucket, "h/", None, PageRequest::first(10))
            .await
            .unwrap();
        match &listed.items[..] {
            [ListingEntry::Object(o)] => {
                assert_eq!(o.etag, head.etag);
                assert_eq!(o.size, 2);
                assert_eq!(o.storage_class.as_deref(), Some("STANDARD"));
            }
            other => panic!("{other:?}"),
        }
        let err = m.store.head(&m.bucket, "h/missing").await.unwrap_err();
        assert!(
            matches!(err, DomainError::NotFound(ref s) if s.contains("h/missing")),
            "{err}"
        );
    }
}
