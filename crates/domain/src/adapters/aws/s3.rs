//! The object store on Amazon S3 (or an S3 emulator such as moto) through `aws-sdk-s3`.
//!
//! One SDK call per listing page, the service's own token inside the domain cursor; every SDK
//! failure goes through [`sdk_error`] so it reaches callers as the port's error, naming the IAM
//! action that was refused. No SDK type leaves this module.

use super::{AwsContext, Call, sdk_error};
use crate::error::{DomainError, DomainResult};
use crate::model::{
    BucketInfo, BucketName, BucketVersioning, ByteRange, Cursor, DeleteOutcome, DeleteTarget,
    ListingEntry, NotDeleted, ObjectBytes, ObjectEntry, ObjectKey, ObjectVersion, Page,
    PageRequest, PresignedRequest, WriteCondition, scope_of,
};
use crate::ports::ObjectStore;
use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::operation::head_object::HeadObjectError;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketVersioningStatus, Delete, EncodingType, ObjectIdentifier};
use aws_smithy_runtime_api::http::Response as HttpResponse;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// S3's largest (and default) page of keys, and its largest `DeleteObjects` batch.
const MAX_KEYS: u32 = 1000;
/// Keys per `DeleteObjects` call.
const DELETE_BATCH: usize = 1000;
/// S3's limit on a presigned URL's lifetime with SigV4.
const MAX_PRESIGN: Duration = Duration::from_secs(7 * 24 * 60 * 60);
/// The most bytes reserved up front for a read; larger bodies grow as they arrive.
const MAX_PREALLOCATION_BYTES: u64 = 8 * 1024 * 1024;
/// Reported for objects whose HEAD carries no storage class: S3 omits the header exactly for
/// the STANDARD class.
const STANDARD: &str = "STANDARD";

/// The [`ObjectStore`] on S3. Cheap to clone; every clone shares the SDK client and its
/// connection pool.
#[derive(Debug, Clone)]
pub struct S3ObjectStore {
    client: Client,
}

impl S3ObjectStore {
    /// A store on the context's account and region. With a custom endpoint (LocalStack, moto)
    /// buckets are addressed by path (`http://host/bucket/key`), because an emulator on
    /// `127.0.0.1` has no `bucket.host` names.
    pub fn new(ctx: &AwsContext) -> Self {
        let client = if ctx.endpoint_url().is_some() {
            Client::from_conf(
                aws_sdk_s3::config::Builder::from(ctx.sdk_config())
                    .force_path_style(true)
                    .build(),
            )
        } else {
            Client::new(ctx.sdk_config())
        };
        Self { client }
    }

    /// A store on an already configured client.
    pub fn from_client(client: Client) -> Self {
        Self { client }
    }

    async fn presign_put_at(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        content_type: &str,
        content_length: u64,
        expires_in: Duration,
        start: SystemTime,
    ) -> DomainResult<PresignedRequest> {
        check_content_type(content_type)?;
        let length = i64::try_from(content_length)
            .map_err(|_| DomainError::invalid("contentLength", "is too large"))?;
        let (config, expires_at) = presigning(expires_in, start)?;
        let presigned = self
            .client
            .put_object()
            .bucket(bucket.as_str())
            .key(key.as_str())
            .content_type(content_type)
            .content_length(length)
            .presigned(config)
            .await
            .map_err(|e| sdk_error(e, object_call("s3:PutObject", bucket, key.as_str())))?;
        Ok(domain_presigned(&presigned, expires_at))
    }
}

fn object_call(action: &'static str, bucket: &BucketName, key: &str) -> Call {
    Call::new("S3", action, format!("s3://{bucket}/{key}")).field("key")
}

fn bucket_call(action: &'static str, bucket: &BucketName) -> Call {
    Call::new("S3", action, format!("bucket {bucket}")).field("bucket")
}

/// HEAD answers carry no body, so S3's error code is missing for everything but the 404 the
/// SDK names `NotFound` itself; the status tells the rest.
fn head_error(err: SdkError<HeadObjectError, HttpResponse>, call: Call) -> DomainError {
    let status = match &err {
        SdkError::ServiceError(ctx) if err.code().is_none() => Some(ctx.raw().status().as_u16()),
        _ => None,
    };
    match status {
        Some(404) => DomainError::NotFound(call.subject),
        Some(403) => DomainError::Forbidden(format!(
            "{}: access denied to {} (without s3:ListBucket, S3 also answers a missing key this way)",
            call.action, call.subject
        )),
        Some(code @ (301 | 307 | 400)) => DomainError::unexpected(
            format!(
                "{} on {} was refused with status {code}; is the bucket in another region?",
                call.action, call.subject
            ),
            "HEAD answered without an error code",
        ),
        _ => sdk_error(err, call),
    }
}

fn to_chrono(t: Option<&aws_smithy_types::DateTime>) -> Option<DateTime<Utc>> {
    t.and_then(|t| DateTime::from_timestamp(t.secs(), t.subsec_nanos()))
}

fn size_of(size: Option<i64>) -> u64 {
    size.and_then(|s| u64::try_from(s).ok()).unwrap_or(0)
}

fn check_content_type(content_type: &str) -> DomainResult<()> {
    if content_type.trim().is_empty()
        || !content_type
            .chars()
            .all(|c| c.is_ascii() && !c.is_ascii_control())
    {
        return Err(DomainError::invalid(
            "contentType",
            "must be a MIME type such as image/png",
        ));
    }
    Ok(())
}

/// User metadata travels in `x-amz-meta-*` headers: names must be header tokens and values
/// printable ASCII (S3 would otherwise store them mangled, or the request could not be sent).
fn check_metadata(metadata: &BTreeMap<String, String>) -> DomainResult<()> {
    for (name, value) in metadata {
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if name.is_empty() || !name.chars().all(token) {
            return Err(DomainError::invalid(
                "metadata",
                format!("name {name:?} may hold only letters, digits and -_."),
            ));
        }
        if !value.chars().all(|c| c == ' ' || c.is_ascii_graphic()) {
            return Err(DomainError::invalid(
                "metadata",
                format!("the value of {name} must be printable ASCII"),
            ));
        }
    }
    Ok(())
}

/// Whether `key` holds a character an XML 1.0 document cannot carry, even escaped (the C0
/// controls but tab, line feed and carriage return, which S3 asks to be escaped and which
/// parsers may still rewrite: all controls are kept out), or U+FFFE and U+FFFF.
fn not_for_xml(key: &str) -> bool {
    key.chars()
        .any(|c| c.is_ascii_control() || c == '\u{FFFE}' || c == '\u{FFFF}')
}

/// Percent-encodes a key for `x-amz-copy-source`: every byte but the unreserved characters and
/// `/`, so spaces, `+`, `%`, `?` and non-ASCII keys reach S3 as they are.
fn encode_copy_source(bucket: &BucketName, key: &str) -> String {
    let mut out = String::with_capacity(bucket.as_str().len() + 1 + key.len() * 3);
    out.push_str(bucket.as_str());
    out.push('/');
    for byte in key.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Reverses S3's `encoding-type=url` (form encoding: `+` is a space). Listings ask for it so
/// that keys holding characters XML cannot carry still arrive; a malformed escape is kept as
/// written rather than guessed at.
/// A key as a listing returned it: URL-decoded when the answer says it encoded keys.
fn listed_key(encoded: bool, raw: &str) -> String {
    if encoded {
        decode_listed(raw)
    } else {
        raw.to_string()
    }
}

fn decode_listed(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The total size from `Content-Range: bytes 100-163/10000`.
fn total_from_content_range(range: &str) -> Option<u64> {
    range
        .rsplit_once('/')
        .and_then(|(_, total)| total.trim().parse().ok())
}

/// The signing window of a presigned request, starting at `start` truncated to the second as
/// SigV4's `X-Amz-Date` is, and the moment the URL stops working.
fn presigning(
    expires_in: Duration,
    start: SystemTime,
) -> DomainResult<(PresigningConfig, DateTime<Utc>)> {
    if expires_in.is_zero() || expires_in > MAX_PRESIGN {
        return Err(DomainError::invalid(
            "expiresIn",
            "must be between 1 second and 7 days",
        ));
    }
    let since_epoch = start
        .duration_since(UNIX_EPOCH)
        .map_err(|_| DomainError::bug("the clock is before 1970"))?;
    let start = UNIX_EPOCH + Duration::from_secs(since_epoch.as_secs());
    let config = PresigningConfig::builder()
        .start_time(start)
        .expires_in(expires_in)
        .build()
        .map_err(|e| DomainError::invalid("expiresIn", e.to_string()))?;
    let expires_at = i64::try_from((since_epoch + expires_in).as_secs())
        .ok()
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
        .ok_or_else(|| DomainError::invalid("expiresIn", "is too long"))?;
    Ok((config, expires_at))
}

fn domain_presigned(
    presigned: &aws_sdk_s3::presigning::PresignedRequest,
    expires_at: DateTime<Utc>,
) -> PresignedRequest {
    PresignedRequest {
        method: presigned.method().to_string(),
        url: presigned.uri().to_string(),
        headers: presigned
            .headers()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect(),
        expires_at,
    }
}

/// Puts versions and delete markers back in S3's order. S3 answers with one list ordered by key
/// and, within a key, newest first; the SDK hands the two kinds over as two lists, each still
/// in that order, so a merge restores it without reordering either.
fn interleave(versions: Vec<ObjectVersion>, markers: Vec<ObjectVersion>) -> Vec<ObjectVersion> {
    let marker_first = |m: &ObjectVersion, v: &ObjectVersion| match m.key.cmp(&v.key) {
        std::cmp::Ordering::Less => true,
        std::cmp::Ordering::Greater => false,
        std::cmp::Ordering::Equal => {
            m.is_latest || (!v.is_latest && m.last_modified > v.last_modified)
        }
    };
    let mut out = Vec::with_capacity(versions.len() + markers.len());
    let mut versions = versions.into_iter().peekable();
    let mut markers = markers.into_iter().peekable();
    loop {
        let take_marker = match (versions.peek(), markers.peek()) {
            (Some(v), Some(m)) => marker_first(m, v),
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (None, None) => break,
        };
        out.extend(if take_marker {
            markers.next()
        } else {
            versions.next()
        });
    }
    out
}

/// The position a listing resumes from: S3's continuation token.
type ListPosition = String;
/// The position a version listing resumes from: S3's key and version-id markers (decoded).
type VersionPosition = (String, Option<String>);

impl S3ObjectStore {
    /// One `DeleteObject`, with `If-Match` when the target names an ETag. `Ok(None)` when
    /// deleted; S3's refusal of the condition is the outcome's, any other failure the call's.
    async fn delete_one(
        &self,
        bucket: &BucketName,
        target: &DeleteTarget,
    ) -> DomainResult<Option<NotDeleted>> {
        let asked = self
            .client
            .delete_object()
            .bucket(bucket.as_str())
            .key(&target.key)
            .set_if_match(target.if_match.clone())
            .send()
            .await;
        match asked {
            Ok(_) => Ok(None),
            Err(e) if target.if_match.is_some() && condition_refused(e.code()) => {
                Ok(Some(not_deleted(e.code().unwrap_or_default(), "", true)))
            }
            Err(e) => Err(sdk_error(
                e,
                object_call("s3:DeleteObject", bucket, &target.key),
            )),
        }
    }
}

/// Whether S3 refused a conditional delete for its condition: the ETag no longer matches
/// (`PreconditionFailed`, or `ConditionalRequestConflict` while another write of the key is
/// under way), or the key asked for by ETag is not there (`NoSuchKey`).
fn condition_refused(code: Option<&str>) -> bool {
    matches!(
        code,
        Some("PreconditionFailed" | "ConditionalRequestConflict" | "NoSuchKey")
    )
}

/// A key S3 did not delete, from its error's code: a refused condition is said as what it
/// means; anything else in S3's words.
fn not_deleted(code: &str, message: &str, asked_by_etag: bool) -> NotDeleted {
    match code {
        "PreconditionFailed" | "ConditionalRequestConflict" if asked_by_etag => NotDeleted::Changed,
        "NoSuchKey" if asked_by_etag => NotDeleted::Gone,
        _ => NotDeleted::Failed(format!("{code}: {message}")),
    }
}

#[async_trait]
impl ObjectStore for S3ObjectStore {
    /// Every bucket the credentials own (`s3:ListAllMyBuckets`).
    async fn list_buckets(&self) -> DomainResult<Vec<BucketInfo>> {
        let mut buckets = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .client
                .list_buckets()
                .set_continuation_token(token.take())
                .send()
                .await
                .map_err(|e| sdk_error(e, Call::new("S3", "s3:ListAllMyBuckets", "buckets")))?;
            buckets.extend(out.buckets().iter().filter_map(|b| {
                Some(BucketInfo {
                    name: b.name()?.to_string(),
                    created_at: to_chrono(b.creation_date()),
                })
            }));
            match out.continuation_token() {
                Some(next) if !next.is_empty() => token = Some(next.to_string()),
                _ => break,
            }
        }
        buckets.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(buckets)
    }

    /// One `ListObjectsV2` call (`s3:ListBucket`) per page; objects and common prefixes come
    /// back merged in key order, as S3 counts them together against the page's limit.
    async fn list(
        &self,
        bucket: &BucketName,
        prefix: &str,
        delimiter: Option<char>,
        page: PageRequest,
    ) -> DomainResult<Page<ListingEntry>> {
        let scope = scope_of("s3-objects", &(bucket, prefix, delimiter));
        let token = page
            .cursor
            .as_ref()
            .map(|c| c.decode::<ListPosition>(&scope))
            .transpose()?;
        let limit = page.limit_or(MAX_KEYS, MAX_KEYS);
        let out = self
            .client
            .list_objects_v2()
            .bucket(bucket.as_str())
            .set_prefix((!prefix.is_empty()).then(|| prefix.to_string()))
            .set_delimiter(delimiter.map(String::from))
            .set_continuation_token(token)
            .max_keys(i32::try_from(limit).unwrap_or(1000))
            .encoding_type(EncodingType::Url)
            .send()
            .await
            .map_err(|e| sdk_error(e, bucket_call("s3:ListBucket", bucket)))?;
        let encoded = out.encoding_type() == Some(&EncodingType::Url);
        let decode = |s: &str| listed_key(encoded, s);
        let mut items: Vec<ListingEntry> = out
            .contents()
            .iter()
            .filter_map(|o| {
                Some(ListingEntry::Object(ObjectEntry {
                    key: decode(o.key()?),
                    size: size_of(o.size()),
                    last_modified: to_chrono(o.last_modified()),
                    etag: o.e_tag().map(str::to_string),
                    storage_class: o.storage_class().map(|c| c.as_str().to_string()),
                    content_type: None,
                    metadata: BTreeMap::new(),
                    version_id: None,
                }))
            })
            .chain(
                out.common_prefixes()
                    .iter()
                    .filter_map(|p| Some(ListingEntry::Prefix(decode(p.prefix()?)))),
            )
            .collect();
        items.sort_by(|a, b| a.name().cmp(b.name()));
        let next = match (out.is_truncated(), out.next_continuation_token()) {
            (Some(true), Some(token)) => Some(Cursor::encode(&scope, &token.to_string())),
            (Some(true), None) => {
                return Err(DomainError::bug(
                    "ListObjectsV2 said the listing goes on but gave no continuation token",
                ));
            }
            _ => None,
        };
        Ok(Page::new(items, next))
    }

    /// `HeadObject` (`s3:GetObject`): size, type, ETag, storage class, user metadata and the
    /// version id in a versioned bucket.
    async fn head(&self, bucket: &BucketName, key: &str) -> DomainResult<ObjectEntry> {
        let out = self
            .client
            .head_object()
            .bucket(bucket.as_str())
            .key(key)
            .send()
            .await
            .map_err(|e| head_error(e, object_call("s3:GetObject", bucket, key)))?;
        Ok(ObjectEntry {
            key: key.to_string(),
            size: size_of(out.content_length()),
            last_modified: to_chrono(out.last_modified()),
            etag: out.e_tag().map(str::to_string),
            storage_class: Some(
                out.storage_class()
                    .map_or(STANDARD, |c| c.as_str())
                    .to_string(),
            ),
            content_type: out.content_type().map(str::to_string),
            metadata: out
                .metadata()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
            version_id: out.version_id().map(str::to_string),
        })
    }

    /// `GetObject` (`s3:GetObject`) with a `Range` header when a range is asked for; the body
    /// is read no further than the range, even from a server that ignores `Range`.
    async fn get(
        &self,
        bucket: &BucketName,
        key: &str,
        range: Option<ByteRange>,
    ) -> DomainResult<ObjectBytes> {
        if let Some(r) = range
            && r.end <= r.start
        {
            return Err(DomainError::invalid(
                "range",
                format!("bytes {}..{} is an empty range", r.start, r.end),
            ));
        }
        let out = self
            .client
            .get_object()
            .bucket(bucket.as_str())
            .key(key)
            .set_range(range.map(|r| format!("bytes={}-{}", r.start, r.end - 1)))
            .send()
            .await
            .map_err(|e| sdk_error(e, object_call("s3:GetObject", bucket, key).field("range")))?;
        let content_type = out.content_type().map(str::to_string);
        let length = size_of(out.content_length());
        let content_range = out.content_range().map(str::to_string);
        // A server that ignored the Range header sends the whole object from byte 0.
        let (total, skip, want) = match (range, &content_range) {
            (None, _) => (length, 0, None),
            (Some(r), Some(cr)) => (
                total_from_content_range(cr).unwrap_or(length),
                0,
                Some(r.end - r.start),
            ),
            (Some(r), None) => {
                if r.start >= length {
                    return Err(DomainError::invalid(
                        "range",
                        format!(
                            "bytes {}..{} are outside an object of {length} bytes",
                            r.start, r.end
                        ),
                    ));
                }
                (length, r.start, Some(r.end - r.start))
            }
        };
        let expected = want.unwrap_or(length).min(length);
        let mut bytes =
            Vec::with_capacity(usize::try_from(expected.min(MAX_PREALLOCATION_BYTES)).unwrap_or(0));
        let mut skip = skip;
        let mut body: ByteStream = out.body;
        while let Some(chunk) = body
            .try_next()
            .await
            .map_err(|e| DomainError::unavailable(format!("S3 (reading s3://{bucket}/{key})"), e))?
        {
            let mut chunk: &[u8] = &chunk;
            if skip > 0 {
                let n = usize::try_from(skip).unwrap_or(usize::MAX).min(chunk.len());
                chunk = &chunk[n..];
                skip -= n as u64;
            }
            match want {
                Some(want) => {
                    let room = usize::try_from(want)
                        .unwrap_or(usize::MAX)
                        .saturating_sub(bytes.len());
                    bytes.extend_from_slice(&chunk[..room.min(chunk.len())]);
                    if bytes.len() as u64 >= want {
                        break;
                    }
                }
                None => bytes.extend_from_slice(chunk),
            }
        }
        Ok(ObjectBytes {
            bytes,
            total_size: total,
            content_type,
        })
    }

    /// `PutObject` (`s3:PutObject`). The entry returned is built from what was sent and what
    /// S3 answered (ETag, version id); S3 does not say when it stored the object, so
    /// `last_modified` is left empty rather than spending a HEAD on it.
    ///
    /// A condition goes as `If-None-Match: *` or `If-Match` (S3's conditional writes), and
    /// S3's refusal of it is said as what was found there.
    async fn put_if(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        body: Vec<u8>,
        content_type: &str,
        metadata: &BTreeMap<String, String>,
        condition: &WriteCondition,
    ) -> DomainResult<ObjectEntry> {
        check_content_type(content_type)?;
        check_metadata(metadata)?;
        let size = body.len() as u64;
        let (if_none_match, if_match) = match condition {
            WriteCondition::Any => (None, None),
            WriteCondition::New => (Some("*".to_string()), None),
            WriteCondition::Replacing(etag) => (None, Some(etag.clone())),
        };
        let out = self
            .client
            .put_object()
            .bucket(bucket.as_str())
            .key(key.as_str())
            .content_type(content_type)
            .set_metadata(Some(
                metadata
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<HashMap<_, _>>(),
            ))
            .set_if_none_match(if_none_match)
            .set_if_match(if_match)
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|e| {
                if *condition != WriteCondition::Any && condition_refused(e.code()) {
                    let gone = e.code() == Some("NoSuchKey");
                    return condition.refused(bucket.as_str(), key.as_str(), gone);
                }
                sdk_error(e, object_call("s3:PutObject", bucket, key.as_str()))
            })?;
        Ok(ObjectEntry {
            key: key.as_str().to_string(),
            size,
            last_modified: None,
            etag: out.e_tag().map(str::to_string),
            storage_class: None,
            content_type: Some(content_type.to_string()),
            metadata: metadata.clone(),
            version_id: out.version_id().map(str::to_string),
        })
    }

    /// `DeleteObject` (`s3:DeleteObject`); deleting a key that does not exist succeeds, as on
    /// S3. In a versioned bucket this adds a delete marker.
    async fn delete(&self, bucket: &BucketName, key: &str) -> DomainResult<()> {
        match self.delete_one(bucket, &DeleteTarget::any(key)).await? {
            None => Ok(()),
            // Unreachable without an ETag asked for; said as S3 would have.
            Some(not) => Err(DomainError::Conflict(format!("s3://{bucket}/{key}: {not}"))),
        }
    }

    /// `DeleteObjects` (`s3:DeleteObject`) in batches of 1,000 keys, in quiet mode (S3 names
    /// only the keys it could not delete). A failure of the first call is the caller's error;
    /// when a later call fails, the keys of earlier calls are already gone, so the failed
    /// batch's keys report the failure and the remaining batches still run.
    ///
    /// A target's ETag goes in its `<ETag>` element (S3's conditional delete; it needs
    /// `s3:GetObject` as well): S3 then deletes the object only while it has that ETag, and
    /// names one replaced since `PreconditionFailed`.
    ///
    /// One key alone, and a key holding a character XML 1.0 cannot carry (a control
    /// character: an escape, a line break), go by `DeleteObject`, the key in the URL and its
    /// ETag in `If-Match`: inside the batch's XML body such a key made the whole request
    /// malformed, and the object could not be deleted at all.
    async fn delete_many(
        &self,
        bucket: &BucketName,
        targets: &[DeleteTarget],
    ) -> DomainResult<Vec<DeleteOutcome>> {
        let (alone, batched): (Vec<&DeleteTarget>, Vec<&DeleteTarget>) = targets
            .iter()
            .partition(|t| targets.len() == 1 || not_for_xml(&t.key));
        let mut outcomes = Vec::with_capacity(targets.len());
        for target in alone {
            match self.delete_one(bucket, target).await {
                Ok(error) => outcomes.push(DeleteOutcome {
                    key: target.key.clone(),
                    error,
                }),
                // The only key asked for: its failure is the call's.
                Err(e) if targets.len() == 1 => return Err(e),
                Err(e) => outcomes.push(DeleteOutcome::failed(&target.key, e.to_string())),
            }
        }
        let alone_done = !outcomes.is_empty();
        for (n, batch) in batched.chunks(DELETE_BATCH).enumerate() {
            let objects = batch
                .iter()
                .map(|t| {
                    ObjectIdentifier::builder()
                        .key(&t.key)
                        .set_e_tag(t.if_match.clone())
                        .build()
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| DomainError::unexpected("a key could not be named for S3", e))?;
            let delete = Delete::builder()
                .set_objects(Some(objects))
                .quiet(true)
                .build()
                .map_err(|e| DomainError::unexpected("the delete batch could not be built", e))?;
            let result = self
                .client
                .delete_objects()
                .bucket(bucket.as_str())
                .delete(delete)
                .send()
                .await
                .map_err(|e| sdk_error(e, bucket_call("s3:DeleteObject", bucket).field("keys")));
            match result {
                Ok(out) => {
                    let mut failed: HashMap<&str, NotDeleted> = HashMap::new();
                    for err in out.errors() {
                        if let Some(key) = err.key() {
                            let asked_by_etag =
                                batch.iter().any(|t| t.key == key && t.if_match.is_some());
                            failed.insert(
                                key,
                                not_deleted(
                                    err.code().unwrap_or("Error"),
                                    err.message().unwrap_or("not deleted"),
                                    asked_by_etag,
                                ),
                            );
                        }
                    }
                    outcomes.extend(batch.iter().map(|t| DeleteOutcome {
                        key: t.key.clone(),
                        error: failed.get(t.key.as_str()).cloned(),
                    }));
                }
                Err(err) if n == 0 && !alone_done => return Err(err),
                Err(err) => {
                    let message = err.to_string();
                    outcomes.extend(
                        batch
                            .iter()
                            .map(|t| DeleteOutcome::failed(&t.key, message.clone())),
                    );
                }
            }
        }
        if !alone_done {
            return Ok(outcomes);
        }
        // In the order asked, as every store answers.
        let by_key: HashMap<String, Option<NotDeleted>> =
            outcomes.into_iter().map(|o| (o.key, o.error)).collect();
        Ok(targets
            .iter()
            .map(|t| DeleteOutcome {
                key: t.key.clone(),
                error: by_key.get(&t.key).cloned().flatten(),
            })
            .collect())
    }

    /// `CopyObject` inside the bucket, keeping the content type and user metadata (S3's
    /// `COPY` directive). Needs `s3:GetObject` on the source and `s3:PutObject` on the target;
    /// the entry returned is a HEAD of the copy.
    async fn copy(
        &self,
        bucket: &BucketName,
        from: &str,
        to: &ObjectKey,
    ) -> DomainResult<ObjectEntry> {
        self.client
            .copy_object()
            .bucket(bucket.as_str())
            .key(to.as_str())
            .copy_source(encode_copy_source(bucket, from))
            .send()
            .await
            .map_err(|e| match sdk_error(e, object_call("s3:PutObject", bucket, from)) {
                DomainError::Forbidden(m) => DomainError::Forbidden(format!(
                    "{m} (copying needs s3:GetObject on s3://{bucket}/{from} and s3:PutObject on s3://{bucket}/{to})"
                )),
                other => other,
            })?;
        self.head(bucket, to.as_str()).await
    }

    /// A presigned `GetObject` URL, made locally (no request); it works while the signing
    /// credentials do and at most until `expires_at`.
    async fn presign_get(
        &self,
        bucket: &BucketName,
        key: &str,
        expires_in: Duration,
    ) -> DomainResult<PresignedRequest> {
        let (config, expires_at) = presigning(expires_in, SystemTime::now())?;
        let presigned = self
            .client
            .get_object()
            .bucket(bucket.as_str())
            .key(key)
            .presigned(config)
            .await
            .map_err(|e| sdk_error(e, object_call("s3:GetObject", bucket, key)))?;
        Ok(domain_presigned(&presigned, expires_at))
    }

    /// A presigned `PutObject` whose `Content-Type` and exact `Content-Length` are signed
    /// headers: the upload must send exactly those values, so the size limit checked before
    /// signing holds. The headers to send are in [`PresignedRequest::headers`].
    async fn presign_put(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        content_type: &str,
        content_length: u64,
        expires_in: Duration,
    ) -> DomainResult<PresignedRequest> {
        self.presign_put_at(
            bucket,
            key,
            content_type,
            content_length,
            expires_in,
            SystemTime::now(),
        )
        .await
    }

    /// `GetBucketVersioning` (`s3:GetBucketVersioning`): no status means versioning was
    /// never turned on.
    async fn versioning(&self, bucket: &BucketName) -> DomainResult<BucketVersioning> {
        let out = self
            .client
            .get_bucket_versioning()
            .bucket(bucket.as_str())
            .send()
            .await
            .map_err(|e| sdk_error(e, bucket_call("s3:GetBucketVersioning", bucket)))?;
        Ok(match out.status() {
            Some(BucketVersioningStatus::Enabled) => BucketVersioning::Enabled,
            Some(BucketVersioningStatus::Suspended) => BucketVersioning::Suspended,
            _ => BucketVersioning::Off,
        })
    }

    /// One `ListObjectVersions` call (`s3:ListBucketVersions`) per page: versions and delete
    /// markers merged in S3's order (key, then newest first), the key and version-id markers
    /// as the cursor.
    async fn list_versions(
        &self,
        bucket: &BucketName,
        prefix: &str,
        page: PageRequest,
    ) -> DomainResult<Page<ObjectVersion>> {
        let scope = scope_of("s3-versions", &(bucket, prefix));
        let position = page
            .cursor
            .as_ref()
            .map(|c| c.decode::<VersionPosition>(&scope))
            .transpose()?;
        let (key_marker, version_marker) = match position {
            Some((key, version)) => (Some(key), version),
            None => (None, None),
        };
        let limit = page.limit_or(MAX_KEYS, MAX_KEYS);
        let out = self
            .client
            .list_object_versions()
            .bucket(bucket.as_str())
            .set_prefix((!prefix.is_empty()).then(|| prefix.to_string()))
            .set_key_marker(key_marker)
            .set_version_id_marker(version_marker)
            .max_keys(i32::try_from(limit).unwrap_or(1000))
            .encoding_type(EncodingType::Url)
            .send()
            .await
            .map_err(|e| sdk_error(e, bucket_call("s3:ListBucketVersions", bucket)))?;
        let encoded = out.encoding_type() == Some(&EncodingType::Url);
        let decode = |s: &str| listed_key(encoded, s);
        let versions = out.versions().iter().filter_map(|v| {
            Some(ObjectVersion {
                key: decode(v.key()?),
                version_id: v.version_id().unwrap_or("null").to_string(),
                is_latest: v.is_latest().unwrap_or(false),
                is_delete_marker: false,
                size: size_of(v.size()),
                last_modified: to_chrono(v.last_modified()),
            })
        });
        let markers = out.delete_markers().iter().filter_map(|m| {
            Some(ObjectVersion {
                key: decode(m.key()?),
                version_id: m.version_id().unwrap_or("null").to_string(),
                is_latest: m.is_latest().unwrap_or(false),
                is_delete_marker: true,
                size: 0,
                last_modified: to_chrono(m.last_modified()),
            })
        });
        let items = interleave(versions.collect(), markers.collect());
        let next = if out.is_truncated() == Some(true) {
            let key = out.next_key_marker().ok_or_else(|| {
                DomainError::bug(
                    "ListObjectVersions said the listing goes on but gave no key marker",
                )
            })?;
            let version = out.next_version_id_marker().map(str::to_string);
            Some(Cursor::encode(&scope, &(decode(key), version)))
        } else {
            None
        };
        Ok(Page::new(items, next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};

    /// S3's answer for a key of a conditional batch, as its documentation gives it: a refused
    /// ETag is the object replaced since, a missing key asked for by ETag one deleted since;
    /// the same codes for a key asked for without an ETag, and any other code, stay S3's words.
    #[test]
    fn a_refused_condition_is_said_as_what_it_means() {
        assert_eq!(
            not_deleted("PreconditionFailed", "At least one…", true),
            NotDeleted::Changed
        );
        assert_eq!(
            not_deleted("ConditionalRequestConflict", "", true),
            NotDeleted::Changed
        );
        assert_eq!(not_deleted("NoSuchKey", "", true), NotDeleted::Gone);
        assert_eq!(
            not_deleted("NoSuchKey", "gone", false),
            NotDeleted::Failed("NoSuchKey: gone".into())
        );
        assert_eq!(
            not_deleted("AccessDenied", "Access Denied", true),
            NotDeleted::Failed("AccessDenied: Access Denied".into())
        );
        assert!(condition_refused(Some("PreconditionFailed")));
        assert!(!condition_refused(Some("AccessDenied")));
        assert!(!condition_refused(None));
    }

    /// A store whose requests are only ever presigned, never sent.
    fn offline_store() -> S3ObjectStore {
        let config = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .credentials_provider(Credentials::new(
                "AKIDEXAMPLE",
                "secret",
                None,
                None,
                "test",
            ))
            .region(Region::new("us-east-1"))
            .build();
        S3ObjectStore::from_client(Client::from_conf(config))
    }

    fn query_param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
        url.split_once('?')?
            .1
            .split('&')
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
    }

    #[test]
    fn copy_source_is_percent_encoded_but_keeps_slashes() {
        let bucket = BucketName::parse("media").unwrap();
        assert_eq!(
            encode_copy_source(&bucket, "사진/a b+c%?.png"),
            "media/%EC%82%AC%EC%A7%84/a%20b%2Bc%25%3F.png"
        );
    }

    #[test]
    fn listed_keys_are_decoded_like_s3_encodes_them() {
        assert_eq!(decode_listed("a+b%2Bc%20d"), "a b+c d");
        assert_eq!(
            decode_listed("%EC%82%AC%EC%A7%84/%01bell"),
            "사진/\u{1}bell"
        );
        assert_eq!(decode_listed("100%"), "100%");
        assert_eq!(decode_listed("%zz%4"), "%zz%4");
    }

    #[test]
    fn total_size_comes_from_the_content_range() {
        assert_eq!(
            total_from_content_range("bytes 100-163/10000"),
            Some(10_000)
        );
        assert_eq!(total_from_content_range("bytes 0-1/*"), None);
    }

    #[test]
    fn metadata_that_headers_cannot_carry_is_refused() {
        let mut meta = BTreeMap::new();
        meta.insert("uploaded-by".to_string(), "ops team".to_string());
        assert!(check_metadata(&meta).is_ok());
        meta.insert("bad name".to_string(), "x".to_string());
        assert!(check_metadata(&meta).is_err());
        let mut meta = BTreeMap::new();
        meta.insert("city".to_string(), "서울".to_string());
        let err = check_metadata(&meta).unwrap_err();
        assert!(matches!(err, DomainError::Invalid(i) if i.field == "metadata"));
    }

    #[test]
    fn bodiless_head_failures_are_read_from_the_status() {
        use aws_smithy_runtime_api::http::StatusCode;
        use aws_smithy_types::body::SdkBody;
        use aws_smithy_types::error::ErrorMetadata;
        let failure = |status: u16, code: Option<&str>| {
            let mut meta = ErrorMetadata::builder();
            if let Some(code) = code {
                meta = meta.code(code);
            }
            SdkError::service_error(
                HeadObjectError::generic(meta.build()),
                HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::empty()),
            )
        };
        let bucket = BucketName::parse("media").unwrap();
        let call = || object_call("s3:GetObject", &bucket, "a.png");
        assert!(matches!(
            head_error(failure(403, None), call()),
            DomainError::Forbidden(m) if m.starts_with("s3:GetObject") && m.contains("s3://media/a.png")
        ));
        assert!(matches!(
            head_error(failure(404, Some("NotFound")), call()),
            DomainError::NotFound(s) if s == "s3://media/a.png"
        ));
        assert!(matches!(
            head_error(failure(404, None), call()),
            DomainError::NotFound(_)
        ));
        assert!(matches!(
            head_error(failure(301, None), call()),
            DomainError::Unexpected { message, .. } if message.contains("region")
        ));
        assert!(matches!(
            head_error(failure(503, Some("SlowDown")), call()),
            DomainError::Throttled(_)
        ));
    }

    #[test]
    fn delete_markers_return_to_their_place_among_versions() {
        let at = |s: i64| DateTime::from_timestamp(s, 0);
        let item = |key: &str, id: &str, latest: bool, marker: bool, t: i64| ObjectVersion {
            key: key.to_string(),
            version_id: id.to_string(),
            is_latest: latest,
            is_delete_marker: marker,
            size: 0,
            last_modified: at(t),
        };
        let versions = vec![
            item("a", "a2", false, false, 20),
            item("a", "a1", false, false, 10),
            item("b", "b2", true, false, 40),
            item("b", "b1", false, false, 30),
            item("c", "c1", false, false, 50),
        ];
        let markers = vec![
            item("a", "am", true, true, 25),
            item("b", "bm", false, true, 35),
            item("c", "cm", true, true, 60),
            item("d", "dm", true, true, 70),
        ];
        let ids: Vec<String> = interleave(versions, markers)
            .into_iter()
            .map(|v| v.version_id)
            .collect();
        assert_eq!(ids, ["am", "a2", "a1", "b2", "bm", "b1", "cm", "c1", "dm"]);
    }

    #[tokio::test]
    async fn presigned_put_signs_the_exact_length_and_type() {
        let store = offline_store();
        let bucket = BucketName::parse("media").unwrap();
        let key = ObjectKey::parse("uploads/u1/photo.png").unwrap();
        let at = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let sign = |length: u64, content_type: &'static str| {
            let (store, bucket, key) = (store.clone(), bucket.clone(), key.clone());
            async move {
                store
                    .presign_put_at(
                        &bucket,
                        &key,
                        content_type,
                        length,
                        Duration::from_secs(600),
                        at,
                    )
                    .await
                    .unwrap()
            }
        };
        let signed = sign(1234, "image/png").await;
        assert_eq!(signed.method, "PUT");
        assert_eq!(query_param(&signed.url, "X-Amz-Expires"), Some("600"));
        let signed_headers = query_param(&signed.url, "X-Amz-SignedHeaders").unwrap();
        let names: Vec<&str> = signed_headers.split("%3B").collect();
        assert!(names.contains(&"content-length"), "{signed_headers}");
        assert!(names.contains(&"content-type"), "{signed_headers}");
        assert!(
            signed
                .headers
                .contains(&("content-length".to_string(), "1234".to_string())),
            "{:?}",
            signed.headers
        );
        assert!(
            signed
                .headers
                .contains(&("content-type".to_string(), "image/png".to_string())),
            "{:?}",
            signed.headers
        );
        assert_eq!(
            signed.expires_at,
            DateTime::from_timestamp(1_800_000_600, 0).unwrap()
        );
        // The signature covers both values: the same request signs identically, while one byte
        // more or another type signs differently (so S3 refuses an upload that differs).
        let signature =
            |p: &PresignedRequest| query_param(&p.url, "X-Amz-Signature").map(str::to_string);
        assert_eq!(
            signature(&sign(1234, "image/png").await),
            signature(&signed)
        );
        assert_ne!(
            signature(&sign(1235, "image/png").await),
            signature(&signed)
        );
        assert_ne!(
            signature(&sign(1234, "image/jpeg").await),
            signature(&signed)
        );
    }

    #[tokio::test]
    async fn presigning_refuses_lifetimes_sigv4_cannot_carry() {
        let store = offline_store();
        let bucket = BucketName::parse("media").unwrap();
        for expires in [Duration::ZERO, MAX_PRESIGN + Duration::from_secs(1)] {
            let err = store
                .presign_get(&bucket, "a.png", expires)
                .await
                .unwrap_err();
            assert!(
                matches!(err, DomainError::Invalid(ref i) if i.field == "expiresIn"),
                "{err}"
            );
        }
    }
}
