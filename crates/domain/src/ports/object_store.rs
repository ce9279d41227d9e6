use crate::error::DomainResult;
use crate::model::{
    BucketInfo, BucketName, BucketVersioning, ByteRange, DeleteOutcome, DeleteTarget, ListingEntry,
    ObjectBytes, ObjectEntry, ObjectKey, ObjectVersion, Page, PageRequest, PresignedRequest,
    WriteCondition,
};
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::time::Duration;

/// Object storage (S3's surface that the console and the Lambda handlers use).
#[async_trait]
pub trait ObjectStore: Send + Sync {
    async fn list_buckets(&self) -> DomainResult<Vec<BucketInfo>>;
    /// One page of keys under `prefix` in key order; with a delimiter, deeper keys are folded
    /// into common prefixes ("folders").
    async fn list(
        &self,
        bucket: &BucketName,
        prefix: &str,
        delimiter: Option<char>,
        page: PageRequest,
    ) -> DomainResult<Page<ListingEntry>>;
    async fn head(&self, bucket: &BucketName, key: &str) -> DomainResult<ObjectEntry>;
    /// Reads the whole object, or only `range` of it (previews read no more than they show).
    async fn get(
        &self,
        bucket: &BucketName,
        key: &str,
        range: Option<ByteRange>,
    ) -> DomainResult<ObjectBytes>;
    async fn put(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        body: Vec<u8>,
        content_type: &str,
        metadata: &BTreeMap<String, String>,
    ) -> DomainResult<ObjectEntry> {
        self.put_if(
            bucket,
            key,
            body,
            content_type,
            metadata,
            &WriteCondition::Any,
        )
        .await
    }
    /// A put that happens only while `condition` holds, checked in the write itself: one that
    /// does not is refused as [`DomainError::Conflict`](crate::DomainError), saying what was
    /// found, and writes nothing.
    async fn put_if(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        body: Vec<u8>,
        content_type: &str,
        metadata: &BTreeMap<String, String>,
        condition: &WriteCondition,
    ) -> DomainResult<ObjectEntry>;
    async fn delete(&self, bucket: &BucketName, key: &str) -> DomainResult<()>;
    /// Deletes any number of keys (S3 takes up to 1,000 a call, so its adapter sends them in
    /// batches); each key reports its own outcome, in the order asked. A target naming an
    /// ETag is deleted only while its object has it: one replaced since answers
    /// [`NotDeleted::Changed`](crate::model::NotDeleted), one deleted since
    /// [`NotDeleted::Gone`](crate::model::NotDeleted).
    async fn delete_many(
        &self,
        bucket: &BucketName,
        targets: &[DeleteTarget],
    ) -> DomainResult<Vec<DeleteOutcome>>;
    async fn copy(
        &self,
        bucket: &BucketName,
        from: &str,
        to: &ObjectKey,
    ) -> DomainResult<ObjectEntry>;
    async fn presign_get(
        &self,
        bucket: &BucketName,
        key: &str,
        expires_in: Duration,
    ) -> DomainResult<PresignedRequest>;
    /// A PUT whose content type and exact length are part of the signature.
    async fn presign_put(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        content_type: &str,
        content_length: u64,
        expires_in: Duration,
    ) -> DomainResult<PresignedRequest>;
    async fn list_versions(
        &self,
        bucket: &BucketName,
        prefix: &str,
        page: PageRequest,
    ) -> DomainResult<Page<ObjectVersion>>;
    /// Whether the bucket keeps versions, so a delete can say what it leaves.
    async fn versioning(&self, bucket: &BucketName) -> DomainResult<BucketVersioning>;
}
