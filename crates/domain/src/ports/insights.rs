use crate::error::DomainResult;
use crate::model::{
    Alarm, InsightsQuery, MetricSeries, MetricsRequest, QueryDefinition, QueryId, QueryResults,
    ResultField,
};
use async_trait::async_trait;

/// Logs Insights: queries CloudWatch runs server-side over many groups and long windows, and
/// the account's saved queries.
#[async_trait]
pub trait LogInsights: Send + Sync {
    /// Starts a query; a syntax error is an `Invalid` naming where it is.
    async fn start_query(&self, query: &InsightsQuery) -> DomainResult<QueryId>;
    /// Status, progress and the rows so far.
    async fn query_results(&self, id: &QueryId) -> DomainResult<QueryResults>;
    /// Cancels a running query (a finished one is left as it is).
    async fn stop_query(&self, id: &QueryId) -> DomainResult<()>;
    /// The whole record behind a result row's `@ptr`.
    async fn log_record(&self, pointer: &str) -> DomainResult<Vec<ResultField>>;
    /// The account's saved queries (query definitions), by name.
    async fn list_definitions(&self) -> DomainResult<Vec<QueryDefinition>>;
    /// Saves a definition (a new one without an id, or over the one with its id); its id.
    async fn put_definition(&self, definition: &QueryDefinition) -> DomainResult<String>;
    async fn delete_definition(&self, id: &str) -> DomainResult<()>;
}

/// CloudWatch Metrics and alarms for the service's Lambda functions.
#[async_trait]
pub trait Metrics: Send + Sync {
    /// Every [`crate::model::FunctionMetric`] of every function in one request.
    async fn function_metrics(&self, request: &MetricsRequest) -> DomainResult<Vec<MetricSeries>>;
    /// The account's alarms (CloudWatch's own order; [`crate::model::sort_alarms`] ranks them).
    async fn alarms(&self) -> DomainResult<Vec<Alarm>>;
    /// One alarm's metric over a window, for the chart around its state change.
    async fn alarm_metric(
        &self,
        alarm: &Alarm,
        window: crate::model::TimeWindow,
    ) -> DomainResult<Vec<(chrono::DateTime<chrono::Utc>, f64)>>;
}
