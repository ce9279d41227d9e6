use crate::error::DomainResult;
use crate::model::{
    FilterPattern, LogEvent, LogGroup, LogGroupName, LogStream, Page, PageRequest, TailRequest,
    TailStream, TimeWindow,
};
use async_trait::async_trait;

/// Read access to logs (CloudWatch Logs' surface that on-call uses).
#[async_trait]
pub trait LogSource: Send + Sync {
    async fn list_groups(&self, prefix: &str, page: PageRequest) -> DomainResult<Page<LogGroup>>;
    /// Streams of a group, most recent event first.
    async fn list_streams(
        &self,
        group: &LogGroupName,
        page: PageRequest,
    ) -> DomainResult<Page<LogStream>>;
    /// Events of a group in a window, oldest first, optionally filtered. A page may come back
    /// empty with a cursor when the scan stopped before finding a match, as CloudWatch does.
    async fn filter_events(
        &self,
        group: &LogGroupName,
        window: TimeWindow,
        pattern: Option<&FilterPattern>,
        page: PageRequest,
    ) -> DomainResult<Page<LogEvent>>;
    /// Events of one stream of a group in a window, oldest first, optionally filtered, paged
    /// as [`LogSource::filter_events`]: what one execution environment wrote (the request
    /// running when a line without an id, a panic, was written).
    async fn stream_events(
        &self,
        group: &LogGroupName,
        stream: &str,
        window: TimeWindow,
        pattern: Option<&FilterPattern>,
        page: PageRequest,
    ) -> DomainResult<Page<LogEvent>>;
    /// Follows new events across several groups, merged in time order, until dropped.
    async fn tail(&self, request: TailRequest) -> DomainResult<TailStream>;
}
