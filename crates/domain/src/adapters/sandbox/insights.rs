//! [`LogInsights`] on the sandbox: queries evaluated by the sandbox's own engine
//! ([`crate::sandbox::insights`]) over its log store, and saved queries in its database.
//!
//! As on CloudWatch, `start_query` reads the query at once (a syntax error is refused there,
//! as StartQuery refuses it) and the evaluation runs on its own task: `query_results` answers
//! `Running` with what was scanned and matched so far, then `Complete` with the rows, `Failed`
//! when the store failed, or `Cancelled` after `stop_query`. At most [`MAX_RUNNING`] queries run
//! at once (CloudWatch's default quota of concurrent queries); the last [`MAX_KEPT`] queries are
//! kept to be read, older finished ones are forgotten (`NotFound`, as CloudWatch forgets them).
//! A row's `@ptr` is the event's id in the store, which `log_record` reads back.
//!
//! Query definitions are rows of `query_definitions`, ids UUIDs like CloudWatch's; saving with
//! an id replaces that definition (an id that is not there is `NotFound`, as on CloudWatch).

use super::{SandboxLogStore, random_uuid};
use crate::adapters::sql::map_sqlx;
use crate::error::{DomainError, DomainResult};
use crate::model::{
    InsightsQuery, LogGroupName, MAX_QUERY_GROUPS, MAX_QUERY_LEN, QueryDefinition, QueryId,
    QueryResults, QueryStats, QueryStatus, ResultField,
};
use crate::ports::LogInsights;
use crate::sandbox::insights::{Query, record_fields};
use async_trait::async_trait;
use chrono::Utc;
use futures::StreamExt;
use sqlx::SqlitePool;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use tokio::task::AbortHandle;

/// Queries that may run at once (CloudWatch's default quota).
pub const MAX_RUNNING: usize = 30;
/// Queries kept to be read, finished or not.
pub const MAX_KEPT: usize = 100;
/// Longest definition name CloudWatch takes.
const MAX_NAME: usize = 255;

struct Slot {
    results: QueryResults,
    abort: Option<AbortHandle>,
}

#[derive(Default)]
struct Registry {
    slots: HashMap<String, Slot>,
    /// Ids oldest first.
    order: VecDeque<String>,
}

impl Registry {
    fn running(&self) -> usize {
        self.slots
            .values()
            .filter(|s| !s.results.status.is_final())
            .count()
    }

    /// Forgets the oldest finished queries beyond [`MAX_KEPT`].
    fn forget_old(&mut self) {
        while self.slots.len() > MAX_KEPT {
            let Some(position) = self.order.iter().position(|id| {
                self.slots
                    .get(id)
                    .is_none_or(|s| s.results.status.is_final())
            }) else {
                return;
            };
            if let Some(id) = self.order.remove(position) {
                self.slots.remove(&id);
            }
        }
    }

    /// Changes a running query; a query stopped or forgotten meanwhile is left alone.
    fn update(&mut self, id: &str, change: impl FnOnce(&mut QueryResults)) {
        if let Some(slot) = self.slots.get_mut(id)
            && !slot.results.status.is_final()
        {
            change(&mut slot.results);
        }
    }
}

/// Logs Insights on the sandbox.
#[derive(Clone)]
pub struct SandboxInsights {
    pool: SqlitePool,
    logs: SandboxLogStore,
    registry: Arc<Mutex<Registry>>,
}

impl std::fmt::Debug for SandboxInsights {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxInsights").finish_non_exhaustive()
    }
}

fn poisoned() -> DomainError {
    DomainError::bug("the sandbox's query registry was poisoned by a panic")
}

crate::adapters::sql::from_row! {
struct DefinitionRow {
    id: String,
    name: String,
    query: String,
    log_groups: String,
}
}

impl SandboxInsights {
    /// Insights over `logs`, definitions in the sandbox database `pool`.
    pub fn new(pool: SqlitePool, logs: SandboxLogStore) -> Self {
        Self {
            pool,
            logs,
            registry: Arc::default(),
        }
    }

    fn registry(&self) -> DomainResult<std::sync::MutexGuard<'_, Registry>> {
        self.registry.lock().map_err(|_| poisoned())
    }
}

/// Runs a query to its end, publishing progress after each batch.
async fn evaluate(
    logs: SandboxLogStore,
    registry: Arc<Mutex<Registry>>,
    id: String,
    query: Query,
    request: InsightsQuery,
) {
    let mut evaluator = query.evaluate();
    let mut batches = logs.window_batches(request.groups, request.window);
    while let Some(batch) = batches.next().await {
        match batch {
            Ok(events) => {
                for event in &events {
                    evaluator.push(event);
                }
                let stats = evaluator.stats();
                if let Ok(mut r) = registry.lock() {
                    r.update(&id, |q| q.stats = stats);
                }
                tokio::task::yield_now().await;
            }
            Err(e) => {
                tracing::warn!(query = %id, error = %e.chain(), "a sandbox Insights query failed");
                if let Ok(mut r) = registry.lock() {
                    r.update(&id, |q| q.status = QueryStatus::Failed);
                }
                return;
            }
        }
    }
    let stats = evaluator.stats();
    let rows = evaluator.finish();
    if let Ok(mut r) = registry.lock() {
        r.update(&id, |q| {
            q.status = QueryStatus::Complete;
            q.stats = stats;
            q.rows = rows;
        });
    }
}

fn check_definition(d: &QueryDefinition) -> DomainResult<()> {
    let name = d.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            "name",
            format!("must be 1 to {MAX_NAME} characters without control characters"),
        ));
    }
    if d.text.trim().is_empty() || d.text.chars().count() > MAX_QUERY_LEN {
        return Err(DomainError::invalid(
            "query",
            format!("must be 1 to {MAX_QUERY_LEN} characters"),
        ));
    }
    if d.groups.len() > MAX_QUERY_GROUPS {
        return Err(DomainError::invalid(
            "groups",
            format!("at most {MAX_QUERY_GROUPS}"),
        ));
    }
    Ok(())
}

#[async_trait]
impl LogInsights for SandboxInsights {
    async fn start_query(&self, query: &InsightsQuery) -> DomainResult<QueryId> {
        let compiled = Query::compile(&query.text)?;
        for group in &query.groups {
            self.logs.require_group(group).await?;
        }
        let id = random_uuid(&mut rand::rng());
        let mut registry = self.registry()?;
        if registry.running() >= MAX_RUNNING {
            return Err(DomainError::Throttled(format!(
                "the sandbox's Logs Insights: {MAX_RUNNING} queries are running, the most at once"
            )));
        }
        let task = tokio::spawn(evaluate(
            self.logs.clone(),
            self.registry.clone(),
            id.clone(),
            compiled,
            query.clone(),
        ));
        registry.slots.insert(
            id.clone(),
            Slot {
                results: QueryResults {
                    status: QueryStatus::Running,
                    stats: QueryStats::default(),
                    rows: Vec::new(),
                },
                abort: Some(task.abort_handle()),
            },
        );
        registry.order.push_back(id.clone());
        registry.forget_old();
        Ok(QueryId(id))
    }

    async fn query_results(&self, id: &QueryId) -> DomainResult<QueryResults> {
        self.registry()?
            .slots
            .get(&id.0)
            .map(|s| s.results.clone())
            .ok_or_else(|| DomainError::not_found(format!("query {id}")))
    }

    async fn stop_query(&self, id: &QueryId) -> DomainResult<()> {
        let mut registry = self.registry()?;
        let slot = registry
            .slots
            .get_mut(&id.0)
            .ok_or_else(|| DomainError::not_found(format!("query {id}")))?;
        if !slot.results.status.is_final() {
            slot.results.status = QueryStatus::Cancelled;
            slot.results.rows.clear();
            if let Some(task) = slot.abort.take() {
                task.abort();
            }
        }
        Ok(())
    }

    async fn log_record(&self, pointer: &str) -> DomainResult<Vec<ResultField>> {
        let id: i64 = pointer
            .parse()
            .map_err(|_| DomainError::invalid("pointer", "not a sandbox record pointer"))?;
        let event = self
            .logs
            .event_by_id(id)
            .await?
            .ok_or_else(|| DomainError::not_found(format!("log record {pointer}")))?;
        Ok(record_fields(&event))
    }

    async fn list_definitions(&self) -> DomainResult<Vec<QueryDefinition>> {
        let rows: Vec<DefinitionRow> = sqlx::query_as(
            "SELECT id, name, query, log_groups FROM query_definitions ORDER BY name, id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| map_sqlx("query definitions", e))?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let names: Vec<String> = serde_json::from_str(&r.log_groups).unwrap_or_default();
                QueryDefinition {
                    id: Some(r.id),
                    name: r.name,
                    text: r.query,
                    groups: names
                        .iter()
                        .filter_map(|g| LogGroupName::parse(g).ok())
                        .collect(),
                    builtin: false,
                }
            })
            .collect())
    }

    async fn put_definition(&self, definition: &QueryDefinition) -> DomainResult<String> {
        check_definition(definition)?;
        let groups: Vec<&str> = definition.groups.iter().map(LogGroupName::as_str).collect();
        let groups = serde_json::to_string(&groups)
            .map_err(|e| DomainError::unexpected("the definition's groups", e))?;
        let now = Utc::now().timestamp_millis();
        let name = definition.name.trim();
        match &definition.id {
            Some(id) => {
                let done = sqlx::query(
                    "UPDATE query_definitions SET name = ?, query = ?, log_groups = ?, modified_at = ? WHERE id = ?",
                )
                .bind(name)
                .bind(&definition.text)
                .bind(&groups)
                .bind(now)
                .bind(id)
                .execute(&self.pool)
                .await
                .map_err(|e| map_sqlx("query definitions", e))?;
                if done.rows_affected() == 0 {
                    return Err(DomainError::not_found(format!("query definition {id}")));
                }
                Ok(id.clone())
            }
            None => {
                let id = random_uuid(&mut rand::rng());
                sqlx::query(
                    "INSERT INTO query_definitions (id, name, query, log_groups, modified_at) VALUES (?, ?, ?, ?, ?)",
                )
                .bind(&id)
                .bind(name)
                .bind(&definition.text)
                .bind(&groups)
                .bind(now)
                .execute(&self.pool)
                .await
                .map_err(|e| map_sqlx("query definitions", e))?;
                Ok(id)
            }
        }
    }

    async fn delete_definition(&self, id: &str) -> DomainResult<()> {
        let done = sqlx::query("DELETE FROM query_definitions WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(|e| map_sqlx("query definitions", e))?;
        if done.rows_affected() == 0 {
            return Err(DomainError::not_found(format!("query definition {id}")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TimeWindow;
    use chrono::Duration;

    async fn insights() -> (SandboxInsights, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let pool = super::super::open_sandbox_db(&dir.path().join("sandbox.db"))
            .await
            .unwrap();
        let logs = SandboxLogStore::new(pool.clone());
        logs.create_group(&LogGroupName::parse("/aws/lambda/api").unwrap())
            .await
            .unwrap();
        (SandboxInsights::new(pool, logs), dir)
    }

    fn query() -> InsightsQuery {
        InsightsQuery::new(
            vec![LogGroupName::parse("/aws/lambda/api").unwrap()],
            TimeWindow::last(Duration::hours(1)),
            "fields @message",
        )
        .unwrap()
    }

    fn slot(status: QueryStatus) -> Slot {
        Slot {
            results: QueryResults {
                status,
                stats: QueryStats::default(),
                rows: Vec::new(),
            },
            abort: None,
        }
    }

    #[tokio::test]
    async fn at_most_thirty_queries_run_at_once() {
        let (insights, _dir) = insights().await;
        {
            let mut r = insights.registry.lock().unwrap();
            for i in 0..MAX_RUNNING {
                r.slots.insert(format!("q{i}"), slot(QueryStatus::Running));
                r.order.push_back(format!("q{i}"));
            }
        }
        let e = insights.start_query(&query()).await.unwrap_err();
        assert!(
            matches!(&e, DomainError::Throttled(m) if m.contains("30 queries are running")),
            "{e:?}"
        );
        insights.stop_query(&QueryId("q0".into())).await.unwrap();
        assert!(insights.start_query(&query()).await.is_ok());
    }

    #[tokio::test]
    async fn the_oldest_finished_queries_are_forgotten_past_a_hundred() {
        let (insights, _dir) = insights().await;
        {
            let mut r = insights.registry.lock().unwrap();
            r.slots.insert("running".into(), slot(QueryStatus::Running));
            r.order.push_back("running".into());
            for i in 0..MAX_KEPT - 1 {
                r.slots.insert(format!("q{i}"), slot(QueryStatus::Complete));
                r.order.push_back(format!("q{i}"));
            }
        }
        let id = insights.start_query(&query()).await.unwrap();
        let known = |q: &str| insights.registry.lock().unwrap().slots.contains_key(q);
        assert!(known("running"), "a running query is never forgotten");
        assert!(!known("q0"));
        assert!(known("q1") && known(&id.0));
        assert_eq!(insights.registry.lock().unwrap().slots.len(), MAX_KEPT);
        let e = insights
            .query_results(&QueryId("q0".into()))
            .await
            .unwrap_err();
        assert!(matches!(e, DomainError::NotFound(m) if m == "query q0"));
    }

    #[tokio::test]
    async fn a_definition_is_checked_before_it_is_saved() {
        let (insights, _dir) = insights().await;
        let d = |name: &str, text: &str| QueryDefinition {
            id: None,
            name: name.into(),
            text: text.into(),
            groups: Vec::new(),
            builtin: false,
        };
        for (bad, field) in [
            (d(" ", "fields @message"), "name"),
            (d(&"n".repeat(256), "fields @message"), "name"),
            (d("a\u{7}b", "fields @message"), "name"),
            (d("ok", "  "), "query"),
            (d("ok", &"x".repeat(MAX_QUERY_LEN + 1)), "query"),
        ] {
            let e = insights.put_definition(&bad).await.unwrap_err();
            assert!(
                matches!(&e, DomainError::Invalid(i) if i.field == field),
                "{e:?}"
            );
        }
        let id = insights
            .put_definition(&d("  trimmed ", "fields @message"))
            .await
            .unwrap();
        let all = insights.list_definitions().await.unwrap();
        assert_eq!(all[0].name, "trimmed");
        assert_eq!(all[0].id.as_deref(), Some(id.as_str()));
    }
}
