//! A log store in SQLite shaped like CloudWatch Logs: groups, streams and events, filtered with
//! CloudWatch's plain-term pattern semantics, and tailed by polling new rows in insertion order.

use crate::adapters::sql::map_sqlx;
use crate::error::{DomainError, DomainResult};
use crate::model::{
    Cursor, FilterPattern, LogEvent, LogGroup, LogGroupName, LogStream, Page, PageRequest,
    TailItem, TailRequest, TailStream, TimeWindow, scope_of,
};
use crate::ports::LogSource;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use sqlx::{AssertSqlSafe, SqlitePool};
use std::time::Duration;

/// How often a tail looks for new rows.
const TAIL_POLL: Duration = Duration::from_millis(500);
/// Most events one tail batch carries.
const TAIL_BATCH: i64 = 1000;
/// Default and largest page of events (CloudWatch: 10,000).
const DEFAULT_EVENTS: u32 = 500;
const MAX_EVENTS: u32 = 10_000;
/// Rows a filtered page scans before it returns (possibly empty) with a cursor.
const SCAN_BUDGET: usize = 20_000;
const SCAN_BATCH: i64 = 2_000;
/// Events one batch of [`SandboxLogStore::window_batches`] carries.
pub const WINDOW_BATCH: i64 = 2_000;

#[derive(Debug, Clone)]
pub struct SandboxLogStore {
    pool: SqlitePool,
}

crate::adapters::sql::from_row! {
struct EventRow {
    id: i64,
    group_name: String,
    stream_name: String,
    ts: i64,
    ingested_at: i64,
    message: String,
}
}

impl EventRow {
    fn into_event(self) -> LogEvent {
        LogEvent {
            group: self.group_name,
            stream: self.stream_name,
            timestamp: DateTime::from_timestamp_millis(self.ts).unwrap_or_default(),
            ingested_at: DateTime::from_timestamp_millis(self.ingested_at),
            message: self.message,
            event_id: self.id.to_string(),
        }
    }
}

fn plain_only(pattern: Option<&FilterPattern>) -> DomainResult<()> {
    if pattern.is_some_and(|p| p.terms().is_none()) {
        return Err(DomainError::Unsupported(
            "the sandbox understands plain filter patterns only: terms, \"phrases\", -term and ?term".to_string(),
        ));
    }
    Ok(())
}

impl SandboxLogStore {
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }

    /// Creates a group; creating an existing one is fine.
    pub async fn create_group(&self, group: &LogGroupName) -> DomainResult<()> {
        sqlx::query("INSERT OR IGNORE INTO log_groups (name, created_at) VALUES (?, ?)")
            .bind(group.as_str())
            .bind(Utc::now().timestamp_millis())
            .execute(&self.pool)
            .await
            .map_err(|e| map_sqlx("log groups", e))?;
        Ok(())
    }

    /// Appends events to a stream (created if missing), as PutLogEvents would.
    pub async fn append(
        &self,
        group: &LogGroupName,
        stream: &str,
        events: &[(DateTime<Utc>, String)],
    ) -> DomainResult<()> {
        if stream.is_empty()
            || stream.len() > 512
            || stream.contains(':')
            || stream.chars().any(char::is_control)
        {
            return Err(DomainError::invalid(
                "stream",
                "must be 1 to 512 characters without ':'",
            ));
        }
        if events.is_empty() {
            return Ok(());
        }
        self.create_group(group).await?;
        let first = events
            .iter()
            .map(|(t, _)| t.timestamp_millis())
            .min()
            .unwrap_or_default();
        let last = events
            .iter()
            .map(|(t, _)| t.timestamp_millis())
            .max()
            .unwrap_or_default();
        let now = Utc::now().timestamp_millis();
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|e| map_sqlx("log events", e))?;
        sqlx::query(
            "INSERT INTO log_streams (group_name, name, first_event_at, last_event_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT(group_name, name) DO UPDATE SET \
             first_event_at = MIN(COALESCE(first_event_at, excluded.first_event_at), excluded.first_event_at), \
             last_event_at = MAX(COALESCE(last_event_at, excluded.last_event_at), excluded.last_event_at)",
        )
        .bind(group.as_str())
        .bind(stream)
        .bind(first)
        .bind(last)
        .execute(&mut *tx)
        .await
        .map_err(|e| map_sqlx("log streams", e))?;
        for chunk in events.chunks(500) {
            let mut sql = String::from(
                "INSERT INTO log_events (group_name, stream_name, ts, ingested_at, message) VALUES ",
            );
            sql.push_str(&vec!["(?, ?, ?, ?, ?)"; chunk.len()].join(", "));
            // Not kept prepared: each batch length is a text of its own, and the seed's
            // 500-row statements held megabytes per connection for the connection's life.
            let mut q = sqlx::query(AssertSqlSafe(sql)).persistent(false);
            for (ts, message) in chunk {
                q = q
                    .bind(group.as_str())
                    .bind(stream)
                    .bind(ts.timestamp_millis())
                    .bind(now)
                    .bind(message.clone());
            }
            q.execute(&mut *tx)
                .await
                .map_err(|e| map_sqlx("log events", e))?;
        }
        tx.commit().await.map_err(|e| map_sqlx("log events", e))
    }

    /// The events of `groups` in `window`, a batch at a time (at most [`WINDOW_BATCH`]): each
    /// group oldest first, one group after another. The Insights engine reads whole windows
    /// this way without holding them.
    pub fn window_batches(
        &self,
        groups: Vec<LogGroupName>,
        window: TimeWindow,
    ) -> BoxStream<'static, DomainResult<Vec<LogEvent>>> {
        struct Scan {
            pool: SqlitePool,
            groups: Vec<LogGroupName>,
            window: TimeWindow,
            group: usize,
            after: Option<(i64, i64)>,
            failed: bool,
        }
        let scan = Scan {
            pool: self.pool.clone(),
            groups,
            window,
            group: 0,
            after: None,
            failed: false,
        };
        Box::pin(futures::stream::unfold(scan, |mut scan| async move {
            if scan.failed {
                return None;
            }
            loop {
                let group = scan.groups.get(scan.group)?;
                let (after_ts, after_id) = scan
                    .after
                    .unwrap_or((scan.window.start.timestamp_millis(), 0));
                let rows = sqlx::query_as::<_, EventRow>(
                    "SELECT id, group_name, stream_name, ts, ingested_at, message FROM log_events \
                     WHERE group_name = ? AND (ts > ? OR (ts = ? AND id > ?)) AND ts < ? ORDER BY ts, id LIMIT ?",
                )
                .bind(group.as_str())
                .bind(after_ts)
                .bind(after_ts)
                .bind(after_id)
                .bind(scan.window.end.timestamp_millis())
                .bind(WINDOW_BATCH)
                .fetch_all(&scan.pool)
                .await;
                let rows = match rows {
                    Ok(rows) => rows,
                    Err(e) => {
                        scan.failed = true;
                        return Some((Err(map_sqlx("log events", e)), scan));
                    }
                };
                if (rows.len() as i64) < WINDOW_BATCH {
                    scan.group += 1;
                    scan.after = None;
                } else {
                    scan.after = rows.last().map(|r| (r.ts, r.id));
                }
                if !rows.is_empty() {
                    let events = rows.into_iter().map(EventRow::into_event).collect();
                    return Some((Ok(events), scan));
                }
            }
        }))
    }

    /// One event by its id in the store (its `event_id`, the Insights `@ptr`).
    pub async fn event_by_id(&self, id: i64) -> DomainResult<Option<LogEvent>> {
        let row = sqlx::query_as::<_, EventRow>(
            "SELECT id, group_name, stream_name, ts, ingested_at, message FROM log_events WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| map_sqlx("log events", e))?;
        Ok(row.map(EventRow::into_event))
    }

    pub(crate) async fn require_group(&self, group: &LogGroupName) -> DomainResult<()> {
        let found: Option<String> =
            sqlx::query_scalar("SELECT name FROM log_groups WHERE name = ?")
                .bind(group.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| map_sqlx("log groups", e))?;
        found
            .map(|_| ())
            .ok_or_else(|| DomainError::not_found(format!("log group {group}")))
    }

    async fn newest_id(&self, groups: &[LogGroupName], since: DateTime<Utc>) -> DomainResult<i64> {
        // The tail starts just before the first event at or after `since`.
        let placeholders = vec!["?"; groups.len()].join(", ");
        let sql = format!(
            "SELECT COALESCE(MIN(id), (SELECT COALESCE(MAX(id), 0) + 1 FROM log_events)) - 1 FROM log_events WHERE ts >= ? AND group_name IN ({placeholders})"
        );
        let mut q = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql)).bind(since.timestamp_millis());
        for g in groups {
            q = q.bind(g.as_str().to_string());
        }
        q.fetch_one(&self.pool)
            .await
            .map_err(|e| map_sqlx("log events", e))
    }
}

async fn poll_once(
    pool: &SqlitePool,
    groups: &[LogGroupName],
    after_id: i64,
) -> DomainResult<Vec<EventRow>> {
    let placeholders = vec!["?"; groups.len()].join(", ");
    let sql = format!(
        "SELECT id, group_name, stream_name, ts, ingested_at, message FROM log_events \
         WHERE id > ? AND group_name IN ({placeholders}) ORDER BY id LIMIT ?"
    );
    let mut q = sqlx::query_as::<_, EventRow>(AssertSqlSafe(sql)).bind(after_id);
    for g in groups {
        q = q.bind(g.as_str().to_string());
    }
    q.bind(TAIL_BATCH)
        .fetch_all(pool)
        .await
        .map_err(|e| map_sqlx("log events", e))
}

#[async_trait]
impl LogSource for SandboxLogStore {
    async fn list_groups(&self, prefix: &str, page: PageRequest) -> DomainResult<Page<LogGroup>> {
        let limit = page.limit_or(50, 50);
        let scope = scope_of("log-groups", &prefix);
        let after: Option<String> = page.cursor.as_ref().map(|c| c.decode(&scope)).transpose()?;
        let mut rows: Vec<(String, i64, Option<i32>)> = sqlx::query_as(
            "SELECT name, created_at, retention_days FROM log_groups \
             WHERE substr(name, 1, length(?)) = ? AND name > ? ORDER BY name LIMIT ?",
        )
        .bind(prefix)
        .bind(prefix)
        .bind(after.unwrap_or_default())
        .bind(i64::from(limit) + 1)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| map_sqlx("log groups", e))?;
        let next = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(|r| Cursor::encode(&scope, &r.0))
        } else {
            None
        };
        let items = rows
            .into_iter()
            .map(|(name, created, retention_days)| LogGroup {
                name,
                created_at: DateTime::from_timestamp_millis(created),
                stored_bytes: None,
                retention_days,
            })
            .collect();
        Ok(Page::new(items, next))
    }

    async fn list_streams(
        &self,
        group: &LogGroupName,
        page: PageRequest,
    ) -> DomainResult<Page<LogStream>> {
        self.require_group(group).await?;
        let limit = page.limit_or(50, 50);
        let scope = scope_of("log-streams", group);
        let after: Option<(i64, String)> =
            page.cursor.as_ref().map(|c| c.decode(&scope)).transpose()?;
        let mut sql = String::from(
            "SELECT name, first_event_at, COALESCE(last_event_at, 0) FROM log_streams WHERE group_name = ?",
        );
        if after.is_some() {
            sql.push_str(" AND (COALESCE(last_event_at, 0) < ? OR (COALESCE(last_event_at, 0) = ? AND name > ?))");
        }
        sql.push_str(" ORDER BY COALESCE(last_event_at, 0) DESC, name ASC LIMIT ?");
        let mut q = sqlx::query_as::<_, (String, Option<i64>, i64)>(AssertSqlSafe(sql))
            .bind(group.as_str().to_string());
        if let Some((last, name)) = after {
            q = q.bind(last).bind(last).bind(name);
        }
        let mut rows = q
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| map_sqlx("log streams", e))?;
        let next = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last()
                .map(|r| Cursor::encode(&scope, &(r.2, r.0.clone())))
        } else {
            None
        };
        let items = rows
            .into_iter()
            .map(|(name, first, last)| LogStream {
                name,
                first_event_at: first.and_then(DateTime::from_timestamp_millis),
                last_event_at: (last > 0)
                    .then(|| DateTime::from_timestamp_millis(last))
                    .flatten(),
            })
            .collect();
        Ok(Page::new(items, next))
    }

    async fn filter_events(
        &self,
        group: &LogGroupName,
        window: TimeWindow,
        pattern: Option<&FilterPattern>,
        page: PageRequest,
    ) -> DomainResult<Page<LogEvent>> {
        self.filter(group, None, window, pattern, page).await
    }

    async fn stream_events(
        &self,
        group: &LogGroupName,
        stream: &str,
        window: TimeWindow,
        pattern: Option<&FilterPattern>,
        page: PageRequest,
    ) -> DomainResult<Page<LogEvent>> {
        self.filter(group, Some(stream), window, pattern, page)
            .await
    }

    async fn tail(&self, request: TailRequest) -> DomainResult<TailStream> {
        plain_only(request.pattern.as_ref())?;
        for group in &request.groups {
            self.require_group(group).await?;
        }
        let start_id = self.newest_id(&request.groups, request.since).await?;
        let pool = self.pool.clone();
        let state = (pool, request, start_id);
        let stream = futures::stream::unfold(state, |(pool, request, mut last_id)| async move {
            loop {
                match poll_once(&pool, &request.groups, last_id).await {
                    Err(e) => {
                        tokio::time::sleep(TAIL_POLL).await;
                        return Some((Err(e), (pool, request, last_id)));
                    }
                    Ok(rows) => {
                        let full = rows.len() as i64 == TAIL_BATCH;
                        if let Some(last) = rows.last() {
                            last_id = last.id;
                        }
                        let mut events: Vec<LogEvent> = rows
                            .into_iter()
                            .filter(|r| r.ts >= request.since.timestamp_millis())
                            .filter(|r| {
                                request
                                    .pattern
                                    .as_ref()
                                    .is_none_or(|p| p.matches(&r.message) == Some(true))
                            })
                            .map(EventRow::into_event)
                            .collect();
                        events.sort_by_key(|e| e.timestamp);
                        if !events.is_empty() {
                            return Some((Ok(TailItem::Events(events)), (pool, request, last_id)));
                        }
                        if !full {
                            tokio::time::sleep(TAIL_POLL).await;
                        }
                    }
                }
            }
        });
        Ok(Box::pin(stream))
    }
}

impl SandboxLogStore {
    /// Events of the group (or of one stream of it) in a window, as `FilterLogEvents` pages
    /// them.
    async fn filter(
        &self,
        group: &LogGroupName,
        stream: Option<&str>,
        window: TimeWindow,
        pattern: Option<&FilterPattern>,
        page: PageRequest,
    ) -> DomainResult<Page<LogEvent>> {
        plain_only(pattern)?;
        self.require_group(group).await?;
        let limit = page.limit_or(DEFAULT_EVENTS, MAX_EVENTS) as usize;
        let scope = scope_of(
            "log-events",
            &(group, stream, window, pattern.map(FilterPattern::as_str)),
        );
        let (mut after_ts, mut after_id): (i64, i64) = page
            .cursor
            .as_ref()
            .map(|c| c.decode(&scope))
            .transpose()?
            .unwrap_or((window.start.timestamp_millis(), 0));
        let end = window.end.timestamp_millis();
        let mut items = Vec::new();
        let mut scanned = 0usize;
        loop {
            let rows = sqlx::query_as::<_, EventRow>(
                "SELECT id, group_name, stream_name, ts, ingested_at, message FROM log_events \
                 WHERE group_name = ? AND (? IS NULL OR stream_name = ?) \
                 AND (ts > ? OR (ts = ? AND id > ?)) AND ts < ? ORDER BY ts, id LIMIT ?",
            )
            .bind(group.as_str())
            .bind(stream)
            .bind(stream)
            .bind(after_ts)
            .bind(after_ts)
            .bind(after_id)
            .bind(end)
            .bind(SCAN_BATCH)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| map_sqlx("log events", e))?;
            let exhausted = (rows.len() as i64) < SCAN_BATCH;
            for row in rows {
                scanned += 1;
                after_ts = row.ts;
                after_id = row.id;
                if pattern.is_none_or(|p| p.matches(&row.message) == Some(true)) {
                    items.push(row.into_event());
                    if items.len() == limit {
                        return Ok(Page::new(
                            items,
                            Some(Cursor::encode(&scope, &(after_ts, after_id))),
                        ));
                    }
                }
            }
            if exhausted {
                return Ok(Page::new(items, None));
            }
            if scanned >= SCAN_BUDGET {
                return Ok(Page::new(
                    items,
                    Some(Cursor::encode(&scope, &(after_ts, after_id))),
                ));
            }
        }
    }
}
