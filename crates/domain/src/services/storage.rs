//! Object writes and the rules around them: an upload writes only an `ObjectKey`, every upload,
//! delete and shared link leaves an audit row when the environment has a database to hold it
//! (written right after the storage call succeeds, as for account actions), and thumbnails are
//! found by the `thumbs/{width}/{key}` rule.

use crate::error::{DomainError, DomainResult};
use crate::model::{
    Actor, AuditAction, AuditKind, BucketName, DeleteTarget, ListingEntry, NewAuditEntry,
    NotDeleted, ObjectEntry, ObjectKey, PageRequest, PresignedRequest, Reason, WriteCondition,
};
use crate::ports::{ContentStore, ObjectStore};
use std::collections::BTreeMap;
use std::time::Duration;

/// Where thumbnails live: `thumbs/{width}/{original key}`.
pub const THUMBNAILS_PREFIX: &str = "thumbs/";
/// The audit rows' target kind for objects; the target id is `bucket/key`.
pub const AUDIT_KIND: AuditKind = AuditKind::Object;

/// What an upload did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploaded {
    pub entry: ObjectEntry,
    /// Whether it replaced an object of the same key.
    pub replaced: bool,
    /// Whether an audit row was written (false when the environment has no database).
    pub audited: bool,
}

/// What a delete did, key by key.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Deleted {
    pub deleted: Vec<String>,
    /// Keys that were not deleted, with why (not those of `changed`).
    pub failed: Vec<(String, String)>,
    /// Keys shown by the question that were gone by the time of the delete (deleted by
    /// someone else meanwhile): what was wanted, said apart from a failure.
    pub gone_since: Vec<String>,
    /// Keys kept because another object was put there since it was shown, with how it
    /// differs: what showed it is out of date.
    pub changed: Vec<(String, String)>,
    pub audited: bool,
    /// Keys deleted whose audit row could not be written, with why: the delete stands, and
    /// the rows are for someone to write by hand.
    pub unaudited: Vec<(String, String)>,
}

/// An object as a question showed it. A delete or an upload acts only on that object: one
/// replaced since (another upload of the key) is refused, not deleted or overwritten, where a
/// bucket without versions could not bring it back. Checked against the object read just
/// before the write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub size: u64,
    pub etag: Option<String>,
}

impl Seen {
    pub fn of(entry: &ObjectEntry) -> Self {
        Self {
            size: entry.size,
            etag: entry.etag.clone(),
        }
    }

    /// How `now` differs from what was shown, in words; `None` for the same object.
    fn changed(&self, now: &ObjectEntry) -> Option<String> {
        let other_etag = matches!((&self.etag, &now.etag), (Some(a), Some(b)) if a != b);
        if self.size != now.size {
            Some(format!(
                "changed since it was shown ({} bytes then, {} now)",
                self.size, now.size
            ))
        } else if other_etag {
            Some("changed since it was shown (the same size, another ETag)".to_string())
        } else {
            None
        }
    }
}

/// What an upload's question said of its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// Nothing was said (a script that writes whatever is there).
    Any,
    /// A new object: one uploaded since is not replaced.
    Absent,
    /// This object, replaced: one changed since is not.
    Object(Seen),
}

fn target_id(bucket: &BucketName, key: &str) -> String {
    format!("{bucket}/{key}")
}

fn snapshot(entry: &ObjectEntry) -> String {
    serde_json::json!({
        "size": entry.size,
        "etag": entry.etag,
        "contentType": entry.content_type,
        "versionId": entry.version_id,
    })
    .to_string()
}

async fn audit(
    content: Option<&dyn ContentStore>,
    entry: NewAuditEntry,
    done: &str,
) -> DomainResult<bool> {
    let Some(content) = content else {
        return Ok(false);
    };
    content.record_audit(&entry).await.map_err(|e| {
        DomainError::unexpected(
            format!("{done}, but its audit row could not be written; record it by hand"),
            e,
        )
    })?;
    Ok(true)
}

/// Writes `body` at `key` and records it.
#[allow(clippy::too_many_arguments)]
pub async fn upload(
    objects: &dyn ObjectStore,
    content: Option<&dyn ContentStore>,
    bucket: &BucketName,
    key: &ObjectKey,
    body: Vec<u8>,
    content_type: &str,
    expected: &Expected,
    actor: &Actor,
    reason: &Reason,
) -> DomainResult<Uploaded> {
    let before = match objects.head(bucket, key.as_str()).await {
        Ok(e) => Some(e),
        Err(DomainError::NotFound(_)) => None,
        Err(e) => return Err(e),
    };
    let changed = match (expected, &before) {
        (Expected::Absent, Some(now)) => Some(format!(
            "an object of {} bytes was put there since it was asked",
            now.size
        )),
        (Expected::Object(seen), Some(now)) => seen.changed(now),
        _ => None,
    };
    if let Some(why) = changed {
        return Err(DomainError::Conflict(format!(
            "nothing was written: s3://{bucket}/{key}: {why}; look at it, and upload again"
        )));
    }
    // The write itself holds to what was read here (S3's conditional write), so an object
    // put there between this read and the write is not replaced either.
    let condition = match (expected, &before) {
        (Expected::Any, _) => WriteCondition::Any,
        (_, None) => WriteCondition::New,
        (_, Some(now)) => now
            .etag
            .clone()
            .map_or(WriteCondition::Any, WriteCondition::Replacing),
    };
    let entry = objects
        .put_if(
            bucket,
            key,
            body,
            content_type,
            &BTreeMap::new(),
            &condition,
        )
        .await?;
    let audited = audit(
        content,
        NewAuditEntry {
            actor: actor.clone(),
            action: AuditAction::ObjectUpload,
            target_kind: AUDIT_KIND,
            target_id: target_id(bucket, key.as_str()),
            reason: Some(reason.clone()),
            before: before.as_ref().map(snapshot),
            after: Some(snapshot(&entry)),
        },
        &format!("{key} was uploaded"),
    )
    .await?;
    Ok(Uploaded {
        entry,
        replaced: before.is_some(),
        audited,
    })
}

/// Deletes `keys` (as listed; they need not parse as `ObjectKey`) and records each deleted one.
pub async fn delete(
    objects: &dyn ObjectStore,
    content: Option<&dyn ContentStore>,
    bucket: &BucketName,
    keys: &[String],
    seen: &BTreeMap<String, Seen>,
    actor: &Actor,
    reason: &Reason,
) -> DomainResult<Deleted> {
    // What each object was, for the audit row. A key that is not there is not deleted: S3
    // answers a delete of a missing key as done, and it was said "deleted" and audited (a key
    // mistyped, or one already gone).
    //
    // The delete itself names the ETag read here, so an object replaced between this read and
    // the delete is kept too (S3's conditional delete).
    let mut before = BTreeMap::new();
    let mut result = Deleted::default();
    let mut present = Vec::new();
    for key in keys {
        match objects.head(bucket, key).await {
            Ok(e) => match seen.get(key).and_then(|s| s.changed(&e)) {
                Some(why) => result.changed.push((key.clone(), why)),
                None => {
                    before.insert(key.clone(), snapshot(&e));
                    present.push(DeleteTarget::unchanged(key, e.etag));
                }
            },
            // Shown, and gone since: someone else did what was asked.
            Err(DomainError::NotFound(_)) if seen.contains_key(key) => {
                result.gone_since.push(key.clone());
            }
            Err(DomainError::NotFound(_)) => {
                result.failed.push((key.clone(), "not found".to_string()));
            }
            Err(e) => return Err(e),
        }
    }
    let outcomes = if present.is_empty() {
        Vec::new()
    } else {
        objects.delete_many(bucket, &present).await?
    };
    for o in outcomes {
        match o.error {
            None => result.deleted.push(o.key),
            // Read just before, and deleted by someone else by the time of the delete: what
            // was asked is done, said apart (`objects rm` failed on it).
            Some(NotDeleted::Gone) => result.gone_since.push(o.key),
            Some(NotDeleted::Changed) => result
                .changed
                .push((o.key, NotDeleted::Changed.to_string())),
            Some(e) => result.failed.push((o.key, e.to_string())),
        }
    }
    // Every deleted key is recorded, each on its own: a row that cannot be written is said
    // with its key, and the rows after it are still tried (the first failure ended the
    // command, the keys it had deleted said nowhere on standard output).
    let mut audited = content.is_some();
    for key in &result.deleted {
        let row = NewAuditEntry {
            actor: actor.clone(),
            action: AuditAction::ObjectDelete,
            target_kind: AUDIT_KIND,
            target_id: target_id(bucket, key),
            reason: Some(reason.clone()),
            before: before.get(key).cloned(),
            after: None,
        };
        match audit(content, row, &format!("{key} was deleted")).await {
            Ok(written) => audited &= written,
            Err(e) => {
                audited = false;
                result.unaudited.push((key.clone(), e.chain()));
            }
        }
    }
    result.audited = audited;
    Ok(result)
}

/// A presigned GET for `key`; handing out a link is recorded like a write, since it opens a
/// private object to whoever holds it.
pub async fn share(
    objects: &dyn ObjectStore,
    content: Option<&dyn ContentStore>,
    bucket: &BucketName,
    key: &str,
    expires_in: Duration,
    actor: &Actor,
) -> DomainResult<PresignedRequest> {
    // S3 signs a link to anything: a key that is not there is said so, not handed out and
    // audited as a link (the sandbox refused it; S3 did not).
    let linked = objects.head(bucket, key).await?;
    let request = objects.presign_get(bucket, key, expires_in).await?;
    audit(
        content,
        NewAuditEntry {
            actor: actor.clone(),
            action: AuditAction::ObjectPresignGet,
            target_kind: AUDIT_KIND,
            target_id: target_id(bucket, key),
            reason: None,
            // The object the link opens, as the other object rows keep it (size, ETag).
            before: Some(snapshot(&linked)),
            after: Some(
                serde_json::json!({ "expiresAt": request.expires_at.to_rfc3339() }).to_string(),
            ),
        },
        "the link was made",
    )
    .await?;
    Ok(request)
}

/// The widths that have thumbnails in `bucket` (the folders under `thumbs/`), smallest first.
pub async fn thumbnail_widths(
    objects: &dyn ObjectStore,
    bucket: &BucketName,
) -> DomainResult<Vec<u32>> {
    let page = objects
        .list(
            bucket,
            THUMBNAILS_PREFIX,
            Some('/'),
            PageRequest::first(100),
        )
        .await?;
    let mut widths: Vec<u32> = page
        .items
        .iter()
        .filter_map(|e| match e {
            ListingEntry::Prefix(p) => p
                .strip_prefix(THUMBNAILS_PREFIX)?
                .strip_suffix('/')?
                .parse()
                .ok(),
            ListingEntry::Object(_) => None,
        })
        .collect();
    widths.sort_unstable();
    Ok(widths)
}

/// The thumbnail of `key` to preview at about `want` pixels wide: the smallest at least that
/// wide, else the widest there is. `None` when `key` has none (or is a thumbnail itself).
pub async fn find_thumbnail(
    objects: &dyn ObjectStore,
    bucket: &BucketName,
    key: &str,
    want: u32,
) -> DomainResult<Option<(u32, ObjectEntry)>> {
    if key.starts_with(THUMBNAILS_PREFIX) {
        return Ok(None);
    }
    let Ok(original) = ObjectKey::parse(key) else {
        return Ok(None);
    };
    let widths = thumbnail_widths(objects, bucket).await?;
    let mut order: Vec<u32> = widths.iter().copied().filter(|w| *w >= want).collect();
    order.extend(widths.iter().rev().copied().filter(|w| *w < want));
    for width in order {
        match objects
            .head(bucket, original.thumbnail(width).as_str())
            .await
        {
            Ok(entry) => return Ok(Some((width, entry))),
            Err(DomainError::NotFound(_)) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

#[cfg(test)]
#[cfg(feature = "sandbox")]
mod tests {
    use super::*;
    use crate::model::AuditFilter;
    use crate::sandbox::Sandbox;

    fn actor() -> Actor {
        Actor::parse("sandbox:tester").unwrap()
    }

    fn reason() -> Reason {
        Reason::parse("support request").unwrap()
    }

    #[tokio::test]
    async fn upload_and_delete_each_leave_an_audit_row() {
        let dir = tempfile::tempdir().unwrap();
        let sb = Sandbox::open(dir.path()).await.unwrap();
        let bucket = Sandbox::bucket();
        let key = ObjectKey::parse("docs/readme.txt").unwrap();
        let up = upload(
            &sb.objects,
            Some(&sb.content),
            &bucket,
            &key,
            b"hello".to_vec(),
            "text/plain",
            &Expected::Absent,
            &actor(),
            &reason(),
        )
        .await
        .unwrap();
        assert!(up.audited && !up.replaced);
        assert_eq!(up.entry.size, 5);
        let gone = delete(
            &sb.objects,
            Some(&sb.content),
            &bucket,
            &["docs/readme.txt".to_string()],
            &BTreeMap::new(),
            &actor(),
            &reason(),
        )
        .await
        .unwrap();
        assert_eq!(gone.deleted, ["docs/readme.txt"]);
        assert!(gone.audited);
        let rows = sb
            .content
            .list_audit(
                &AuditFilter {
                    target_kind: Some(AUDIT_KIND),
                    ..AuditFilter::default()
                },
                PageRequest::first(10),
            )
            .await
            .unwrap()
            .items;
        let actions: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(actions, ["object.delete", "object.upload"]);
        assert_eq!(rows[0].target_id, "sandbox-media/docs/readme.txt");
        assert!(rows[0].before.as_deref().unwrap().contains("\"size\":5"));
        assert_eq!(rows[1].reason.as_deref(), Some("support request"));
    }

    /// A delete whose first audit row cannot be written still records the rest, and says
    /// which key went unrecorded (the first failure ended it, the deleted keys said nowhere).
    #[tokio::test]
    async fn a_failed_audit_row_is_said_by_its_key_and_the_rest_are_written() {
        use crate::adapters::faulty::{FaultyContentStore, database_unavailable};
        use std::sync::atomic::{AtomicUsize, Ordering};
        let dir = tempfile::tempdir().unwrap();
        let sb = Sandbox::open(dir.path()).await.unwrap();
        let bucket = Sandbox::bucket();
        for name in ["a.txt", "b.txt"] {
            sb.objects
                .put(
                    &bucket,
                    &ObjectKey::parse(name).unwrap(),
                    b"x".to_vec(),
                    "text/plain",
                    &BTreeMap::new(),
                )
                .await
                .unwrap();
        }
        let calls = std::sync::Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        let content = FaultyContentStore::new(
            std::sync::Arc::new(sb.content.clone()),
            std::sync::Arc::new(move |call| {
                (call == "record_audit" && counted.fetch_add(1, Ordering::SeqCst) == 0)
                    .then(|| database_unavailable("record_audit"))
            }),
        );
        let gone = delete(
            &sb.objects,
            Some(&content),
            &bucket,
            &["a.txt".to_string(), "b.txt".to_string()],
            &BTreeMap::new(),
            &actor(),
            &reason(),
        )
        .await
        .unwrap();
        assert_eq!(gone.deleted, ["a.txt", "b.txt"]);
        assert!(!gone.audited);
        assert_eq!(gone.unaudited.len(), 1);
        assert_eq!(gone.unaudited[0].0, "a.txt");
        assert!(
            gone.unaudited[0].1.contains("a.txt was deleted"),
            "{:?}",
            gone.unaudited
        );
        let rows = sb
            .content
            .list_audit(&AuditFilter::default(), PageRequest::first(10))
            .await
            .unwrap()
            .items;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].target_id, "sandbox-media/b.txt");
    }

    /// A delete or an upload acts on the object its question showed: one put there since
    /// (another upload of the key, while the dialog waited) is refused, not deleted or
    /// overwritten, and what is still as shown goes ahead.
    #[tokio::test]
    async fn an_object_replaced_since_the_question_is_not_deleted_or_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let sb = Sandbox::open(dir.path()).await.unwrap();
        let bucket = Sandbox::bucket();
        let put = |name: &'static str, body: &'static [u8]| {
            let sb = &sb;
            let bucket = &bucket;
            async move {
                sb.objects
                    .put(
                        bucket,
                        &ObjectKey::parse(name).unwrap(),
                        body.to_vec(),
                        "text/plain",
                        &BTreeMap::new(),
                    )
                    .await
                    .unwrap()
            }
        };
        let shown_a = put("a.txt", b"as shown").await;
        let shown_b = put("b.txt", b"same").await;
        let seen: BTreeMap<String, Seen> = [
            ("a.txt".to_string(), Seen::of(&shown_a)),
            ("b.txt".to_string(), Seen::of(&shown_b)),
        ]
        .into();
        // Someone else uploads a.txt again while the dialog waits.
        put("a.txt", b"someone else's newer upload").await;
        let gone = delete(
            &sb.objects,
            Some(&sb.content),
            &bucket,
            &["a.txt".to_string(), "b.txt".to_string()],
            &seen,
            &actor(),
            &reason(),
        )
        .await
        .unwrap();
        assert_eq!(gone.deleted, ["b.txt"]);
        assert!(gone.failed.is_empty(), "{:?}", gone.failed);
        assert_eq!(
            gone.changed,
            [(
                "a.txt".to_string(),
                "changed since it was shown (8 bytes then, 27 now)".to_string()
            )]
        );
        assert_eq!(sb.objects.head(&bucket, "a.txt").await.unwrap().size, 27);
        // Shown, then deleted by someone else: what was asked is done, and said apart.
        let shown_d = put("d.txt", b"d").await;
        sb.objects.delete(&bucket, "d.txt").await.unwrap();
        let gone = delete(
            &sb.objects,
            Some(&sb.content),
            &bucket,
            &["d.txt".to_string()],
            &[("d.txt".to_string(), Seen::of(&shown_d))].into(),
            &actor(),
            &reason(),
        )
        .await
        .unwrap();
        assert_eq!(gone.gone_since, ["d.txt"]);
        assert!(gone.failed.is_empty() && gone.deleted.is_empty());
        assert!(gone.changed.is_empty());
        // An upload asked as new does not replace one put there since.
        let key = ObjectKey::parse("c.txt").unwrap();
        put("c.txt", b"theirs").await;
        let refused = upload(
            &sb.objects,
            Some(&sb.content),
            &bucket,
            &key,
            b"mine".to_vec(),
            "text/plain",
            &Expected::Absent,
            &actor(),
            &reason(),
        )
        .await
        .unwrap_err();
        assert!(matches!(refused, DomainError::Conflict(_)), "{refused:?}");
        assert!(
            refused.to_string().contains("nothing was written"),
            "{refused}"
        );
        let kept = sb.objects.get(&bucket, "c.txt", None).await.unwrap();
        assert_eq!(kept.bytes, b"theirs");
        // Asked as a replacement of what is there, it goes ahead.
        let theirs = sb.objects.head(&bucket, "c.txt").await.unwrap();
        let up = upload(
            &sb.objects,
            Some(&sb.content),
            &bucket,
            &key,
            b"mine".to_vec(),
            "text/plain",
            &Expected::Object(Seen::of(&theirs)),
            &actor(),
            &reason(),
        )
        .await
        .unwrap();
        assert!(up.replaced);
    }

    #[tokio::test]
    async fn without_a_database_the_write_happens_and_says_it_was_not_audited() {
        let dir = tempfile::tempdir().unwrap();
        let sb = Sandbox::open(dir.path()).await.unwrap();
        let key = ObjectKey::parse("a.txt").unwrap();
        let up = upload(
            &sb.objects,
            None,
            &Sandbox::bucket(),
            &key,
            b"x".to_vec(),
            "text/plain",
            &Expected::Absent,
            &actor(),
            &reason(),
        )
        .await
        .unwrap();
        assert!(!up.audited);
    }

    #[tokio::test]
    async fn the_thumbnail_nearest_above_the_wanted_width_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let sb = Sandbox::open(dir.path()).await.unwrap();
        let bucket = Sandbox::bucket();
        let none = BTreeMap::new();
        for k in [
            "posts/u/1.png",
            "thumbs/128/posts/u/1.png",
            "thumbs/512/posts/u/1.png",
            "thumbs/1024/other.png",
        ] {
            sb.objects
                .put(
                    &bucket,
                    &ObjectKey::parse(k).unwrap(),
                    vec![1],
                    "image/png",
                    &none,
                )
                .await
                .unwrap();
        }
        let found = find_thumbnail(&sb.objects, &bucket, "posts/u/1.png", 300)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.0, 512);
        assert_eq!(found.1.key, "thumbs/512/posts/u/1.png");
        let small = find_thumbnail(&sb.objects, &bucket, "posts/u/1.png", 2000)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(small.0, 512, "the widest there is for this key");
        assert!(
            find_thumbnail(&sb.objects, &bucket, "thumbs/128/posts/u/1.png", 100)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            find_thumbnail(&sb.objects, &bucket, "posts/u/none.png", 100)
                .await
                .unwrap()
                .is_none()
        );
    }
}
