//! [`LogInsights`] on CloudWatch Logs: StartQuery, GetQueryResults, StopQuery, GetLogRecord and
//! the query definitions, through the session's shared client (its retries absorb throttling
//! first; a throttle that outlasts them is `Throttled`, as for every adapter).
//!
//! What CloudWatch answers is mapped, not reinterpreted: a MalformedQueryException's
//! `queryCompileError.location` (a character offset into the query) becomes an `Invalid` naming
//! `line L, column C`; a LimitExceededException (too many queries running in the account) is
//! `Throttled`, saying so; GetQueryResults' status and statistics map one to one; a
//! GetLogRecord map comes back `@timestamp`, `@message` first, then by name.

use super::{AwsContext, Call, sdk_error};
use crate::error::{DomainError, DomainResult};
use crate::model::{
    InsightsQuery, LogGroupName, QueryDefinition, QueryId, QueryResults, QueryStats, QueryStatus,
    ResultField, ResultRow,
};
use crate::ports::LogInsights;
use async_trait::async_trait;
use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::operation::start_query::StartQueryError;
use aws_sdk_cloudwatchlogs::types::{self as sdk, QueryCompileError};
use std::collections::HashMap;

const SERVICE: &str = "CloudWatch Logs";
/// DescribeQueryDefinitions' largest page.
const DEFINITIONS_PAGE: i32 = 1_000;
/// Pages read before the listing is taken as looping (a million definitions).
const MAX_DEFINITION_PAGES: usize = 1_000;

/// CloudWatch Logs Insights behind the [`LogInsights`] port.
#[derive(Debug, Clone)]
pub struct CloudWatchInsights {
    client: Client,
}

impl CloudWatchInsights {
    /// Insights on the session's shared configuration.
    pub fn new(ctx: &AwsContext) -> Self {
        Self::from_client(Client::new(ctx.sdk_config()))
    }

    /// Insights on a client the caller built from the same context.
    pub fn from_client(client: Client) -> Self {
        Self { client }
    }
}

/// Line and column (1-based) of the character at `offset` (0-based, in characters) of `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut line = 1;
    let mut column = 1;
    for c in text.chars().take(offset) {
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    (line, column)
}

/// A query CloudWatch could not read: where, and why.
fn malformed(text: &str, error: Option<&QueryCompileError>, message: Option<&str>) -> DomainError {
    let why = error
        .and_then(QueryCompileError::message)
        .or(message)
        .unwrap_or("CloudWatch could not read the query");
    let at = error
        .and_then(QueryCompileError::location)
        .and_then(|l| l.start_char_offset())
        .and_then(|o| usize::try_from(o).ok());
    match at {
        Some(offset) => {
            let (line, column) = line_column(text, offset);
            DomainError::invalid("query", format!("line {line}, column {column}: {why}"))
        }
        None => DomainError::invalid("query", why.to_string()),
    }
}

fn status(s: Option<&sdk::QueryStatus>) -> QueryStatus {
    match s {
        Some(sdk::QueryStatus::Scheduled) => QueryStatus::Scheduled,
        Some(sdk::QueryStatus::Running) => QueryStatus::Running,
        Some(sdk::QueryStatus::Complete) => QueryStatus::Complete,
        Some(sdk::QueryStatus::Failed) => QueryStatus::Failed,
        Some(sdk::QueryStatus::Cancelled) => QueryStatus::Cancelled,
        Some(sdk::QueryStatus::Timeout) => QueryStatus::Timeout,
        _ => QueryStatus::Unknown,
    }
}

fn stats(s: Option<&sdk::QueryStatistics>) -> QueryStats {
    s.map(|s| QueryStats {
        records_matched: s.records_matched(),
        records_scanned: s.records_scanned(),
        bytes_scanned: s.bytes_scanned(),
    })
    .unwrap_or_default()
}

fn row(fields: &[sdk::ResultField]) -> ResultRow {
    fields
        .iter()
        .filter_map(|f| {
            Some(ResultField {
                field: f.field()?.to_string(),
                value: f.value().unwrap_or_default().to_string(),
            })
        })
        .collect()
}

/// A log record's fields: `@timestamp` and `@message` first, the rest by name.
fn record(map: &HashMap<String, String>) -> Vec<ResultField> {
    let rank = |k: &str| match k {
        "@timestamp" => 0,
        "@message" => 1,
        _ => 2,
    };
    let mut fields: Vec<ResultField> = map
        .iter()
        .map(|(k, v)| ResultField {
            field: k.clone(),
            value: v.clone(),
        })
        .collect();
    fields.sort_by(|a, b| {
        rank(&a.field)
            .cmp(&rank(&b.field))
            .then_with(|| a.field.cmp(&b.field))
    });
    fields
}

fn definition(d: &sdk::QueryDefinition) -> Option<QueryDefinition> {
    Some(QueryDefinition {
        id: Some(d.query_definition_id()?.to_string()),
        name: d.name().unwrap_or_default().to_string(),
        text: d.query_string().unwrap_or_default().to_string(),
        groups: d
            .log_group_names()
            .iter()
            .filter_map(|g| LogGroupName::parse(g).ok())
            .collect(),
        builtin: false,
    })
}

fn groups_subject(groups: &[LogGroupName]) -> String {
    let names: Vec<&str> = groups.iter().map(LogGroupName::as_str).collect();
    format!("log group {}", names.join(", "))
}

#[async_trait]
impl LogInsights for CloudWatchInsights {
    async fn start_query(&self, query: &InsightsQuery) -> DomainResult<QueryId> {
        let groups: Vec<String> = query
            .groups
            .iter()
            .map(|g| g.as_str().to_string())
            .collect();
        let sent = self
            .client
            .start_query()
            .set_log_group_names(Some(groups))
            // StartQuery takes epoch seconds.
            .start_time(query.window.start.timestamp())
            .end_time(query.window.end.timestamp())
            .query_string(&query.text)
            .send()
            .await;
        let out = match sent {
            Ok(out) => out,
            Err(e) => {
                match e.as_service_error() {
                    Some(StartQueryError::MalformedQueryException(m)) => {
                        return Err(malformed(&query.text, m.query_compile_error(), m.message()));
                    }
                    Some(StartQueryError::LimitExceededException(m)) => {
                        return Err(DomainError::Throttled(format!(
                            "CloudWatch Logs Insights: too many queries are running in this \
                             account and region ({}); wait for one to finish",
                            m.message()
                                .unwrap_or("the concurrent query quota is reached")
                        )));
                    }
                    _ => {}
                }
                return Err(sdk_error(
                    e,
                    Call::new(SERVICE, "logs:StartQuery", groups_subject(&query.groups))
                        .field("query"),
                ));
            }
        };
        out.query_id()
            .map(|id| QueryId(id.to_string()))
            .ok_or_else(|| DomainError::bug("StartQuery answered without a query id"))
    }

    async fn query_results(&self, id: &QueryId) -> DomainResult<QueryResults> {
        let out = self
            .client
            .get_query_results()
            .query_id(&id.0)
            .send()
            .await
            .map_err(|e| {
                sdk_error(
                    e,
                    Call::new(SERVICE, "logs:GetQueryResults", format!("query {id}")),
                )
            })?;
        Ok(QueryResults {
            status: status(out.status()),
            stats: stats(out.statistics()),
            rows: out.results().iter().map(|r| row(r)).collect(),
        })
    }

    async fn stop_query(&self, id: &QueryId) -> DomainResult<()> {
        // `success` is false for a query that had already finished: left as it is.
        self.client
            .stop_query()
            .query_id(&id.0)
            .send()
            .await
            .map_err(|e| {
                sdk_error(
                    e,
                    Call::new(SERVICE, "logs:StopQuery", format!("query {id}")),
                )
            })?;
        Ok(())
    }

    async fn log_record(&self, pointer: &str) -> DomainResult<Vec<ResultField>> {
        let out = self
            .client
            .get_log_record()
            .log_record_pointer(pointer)
            .send()
            .await
            .map_err(|e| {
                sdk_error(
                    e,
                    Call::new(
                        SERVICE,
                        "logs:GetLogRecord",
                        format!("log record {pointer}"),
                    )
                    .field("pointer"),
                )
            })?;
        Ok(out.log_record().map(record).unwrap_or_default())
    }

    async fn list_definitions(&self) -> DomainResult<Vec<QueryDefinition>> {
        let mut all = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_DEFINITION_PAGES {
            let out = self
                .client
                .describe_query_definitions()
                .max_results(DEFINITIONS_PAGE)
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(|e| {
                    sdk_error(
                        e,
                        Call::new(
                            SERVICE,
                            "logs:DescribeQueryDefinitions",
                            "query definitions",
                        ),
                    )
                })?;
            all.extend(out.query_definitions().iter().filter_map(definition));
            match out.next_token() {
                Some(next) if !next.is_empty() && token.as_deref() != Some(next) => {
                    token = Some(next.to_string());
                }
                _ => {
                    all.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
                    return Ok(all);
                }
            }
        }
        Err(DomainError::bug(
            "DescribeQueryDefinitions kept answering with more pages",
        ))
    }

    async fn put_definition(&self, d: &QueryDefinition) -> DomainResult<String> {
        let groups: Vec<String> = d.groups.iter().map(|g| g.as_str().to_string()).collect();
        let subject = match &d.id {
            Some(id) => format!("query definition {id}"),
            None => format!("query definition {}", d.name),
        };
        let out = self
            .client
            .put_query_definition()
            .name(&d.name)
            .query_string(&d.text)
            .set_query_definition_id(d.id.clone())
            .set_log_group_names((!groups.is_empty()).then_some(groups))
            .send()
            .await
            .map_err(|e| {
                sdk_error(
                    e,
                    Call::new(SERVICE, "logs:PutQueryDefinition", subject).field("definition"),
                )
            })?;
        out.query_definition_id()
            .map(str::to_string)
            .ok_or_else(|| DomainError::bug("PutQueryDefinition answered without an id"))
    }

    async fn delete_definition(&self, id: &str) -> DomainResult<()> {
        let out = self
            .client
            .delete_query_definition()
            .query_definition_id(id)
            .send()
            .await
            .map_err(|e| {
                sdk_error(
                    e,
                    Call::new(
                        SERVICE,
                        "logs:DeleteQueryDefinition",
                        format!("query definition {id}"),
                    ),
                )
            })?;
        if out.success() {
            Ok(())
        } else {
            Err(DomainError::not_found(format!("query definition {id}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudwatchlogs::types::QueryCompileErrorLocation;

    #[test]
    fn a_compile_error_names_the_line_and_column_of_its_character() {
        let text = "fields @message\n| filtr x\n| limit 5";
        let error = |offset: i32| {
            QueryCompileError::builder()
                .location(
                    QueryCompileErrorLocation::builder()
                        .start_char_offset(offset)
                        .end_char_offset(offset + 5)
                        .build(),
                )
                .message("unexpected symbol")
                .build()
        };
        let message = |e: DomainError| match e {
            DomainError::Invalid(i) if i.field == "query" => i.message,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            message(malformed(text, Some(&error(18)), None)),
            "line 2, column 3: unexpected symbol"
        );
        assert_eq!(
            message(malformed(text, Some(&error(0)), None)),
            "line 1, column 1: unexpected symbol"
        );
        // Offsets count characters, not bytes.
        assert_eq!(
            message(malformed("filter x = \"é\" y", Some(&error(15)), None)),
            "line 1, column 16: unexpected symbol"
        );
        let plain = QueryCompileError::builder().message("bad").build();
        assert_eq!(message(malformed(text, Some(&plain), None)), "bad");
        assert_eq!(message(malformed(text, None, Some("outer"))), "outer");
        assert_eq!(
            message(malformed(text, Some(&error(-1)), None)),
            "unexpected symbol"
        );
    }

    #[test]
    fn statuses_map_one_to_one() {
        for (sdk, ours) in [
            (sdk::QueryStatus::Scheduled, QueryStatus::Scheduled),
            (sdk::QueryStatus::Running, QueryStatus::Running),
            (sdk::QueryStatus::Complete, QueryStatus::Complete),
            (sdk::QueryStatus::Failed, QueryStatus::Failed),
            (sdk::QueryStatus::Cancelled, QueryStatus::Cancelled),
            (sdk::QueryStatus::Timeout, QueryStatus::Timeout),
            (sdk::QueryStatus::UnknownValue, QueryStatus::Unknown),
            (sdk::QueryStatus::from("Paused"), QueryStatus::Unknown),
        ] {
            assert_eq!(status(Some(&sdk)), ours);
        }
        assert_eq!(status(None), QueryStatus::Unknown);
    }

    #[test]
    fn a_record_starts_with_timestamp_and_message() {
        let map: HashMap<String, String> = [
            ("level", "ERROR"),
            ("@message", "m"),
            ("@logStream", "s"),
            ("@timestamp", "t"),
            ("@log", "123:g"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let names: Vec<String> = record(&map).into_iter().map(|f| f.field).collect();
        assert_eq!(
            names,
            ["@timestamp", "@message", "@log", "@logStream", "level"]
        );
    }
}
