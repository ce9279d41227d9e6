//! The sandbox's Logs Insights engine: the part of CloudWatch's query language it can honestly
//! evaluate over its own log store, evaluated event by event.
//!
//! **Commands**, separated by `|`, with `#` comments to the end of a line:
//! - `fields e [as name], …` (a field keeps its name; anything else is named as written).
//!   Several `fields` commands add up, as on CloudWatch; later commands may use their names.
//! - `filter e`: `=`, `!=`, `<`, `>`, `<=`, `>=` against strings and numbers, `like "substring"`,
//!   `like /regex/` and `=~ /regex/` (`(?i)` for any case), `not like`, `in [a, b]`, `and`,
//!   `or`, `not`, parentheses, `ispresent(f)`, `coalesce(a, b, …)`, `+ - * / %`.
//! - `stats agg [as name], … [by e [as name], …]` with `count(*)`, `count(f)`, `sum`, `avg`,
//!   `min`, `max`, `pct(f, n)`; `bin(5m)` (units s, m, h, d) groups by period. One `stats` per
//!   query; `filter`, `sort` and `limit` may follow it and read its columns.
//! - `sort e [asc|desc], …` (ascending unless `desc`) and `limit n` (1 to 10,000).
//!
//! **Fields** of an event, as CloudWatch discovers them for Lambda logs: `@timestamp` (shown as
//! `2026-12-03 10:05:00.123`, UTC), `@message`, `@logStream`, `@log` (CloudWatch gives
//! `account-id:group`; the sandbox has no account, so `sandbox:group`), `@ingestionTime`,
//! `@ptr` (the event's id in the sandbox's store); on Lambda's `START`, `END` and `REPORT` lines
//! `@type` and `@requestId`, and on `REPORT` lines `@duration`, `@billedDuration`,
//! `@initDuration` (milliseconds) and `@memorySize`, `@maxMemoryUsed` (bytes, as CloudWatch
//! gives them: Lambda's "128 MB" is 128000000); and the fields of a JSON message, nested ones
//! joined with dots (`record.metrics.durationMs`, `widths.0`).
//!
//! **Results** as CloudWatch gives them: without `stats`, each row is the `fields` named (only
//! those the event has; `@timestamp` and `@message` when no `fields` command names any) then
//! `@ptr`, newest first unless sorted, at most 10,000 rows; with `stats`, each row is the `by`
//! values then the aggregates in the query's order (a `bin()` column named as written, its
//! value shown like `@timestamp`), ordered by the `by` values unless sorted.
//!
//! **Semantics where CloudWatch leaves room**: a comparison with a missing field is unknown,
//! and a filter keeps an event only when its condition is true (so `not (f = 1)` also drops
//! events without `f`); a number literal compares numerically (a value that is not a number
//! never matches it), a string literal as text, two fields numerically when both are numbers;
//! sorting is CloudWatch's natural order (text before numbers, digit runs by length then value)
//! with missing values last; `pct` is exact (nearest rank) up to 10,000 values a group and then
//! within 1 % (a logarithmic sketch); `stats` over no events gives no rows.
//!
//! **Refused**: other commands (`parse`, `display`, `dedup`, `unmask` …) and functions are
//! `Unsupported`, naming what is not evaluated; a second `stats` or `sort`, `fields` after
//! `stats`, and anything but `sort` or `limit` after `limit` likewise. A syntax error is
//! `Invalid`, naming `line L, column C` and what was expected. No text makes it panic.
//!
//! **Memory**: events are pushed one by one. A plain query keeps at most twice its limit of
//! rows; `stats` keeps one accumulator per group.

mod eval;
mod parse;
#[cfg(test)]
mod tests;

pub use eval::record_fields;
pub use parse::line_column;

use crate::error::{DomainError, DomainResult};
use crate::model::{LogEvent, MAX_QUERY_ROWS, QueryStats, ResultRow};
use eval::Evaluation;

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

/// What `like` matches.
#[derive(Debug, Clone)]
enum Pattern {
    Substring(String),
    Regex(regex_lite::Regex),
}

#[derive(Debug, Clone)]
enum Expr {
    Field(String),
    Str(String),
    Num(f64),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    Like {
        expr: Box<Expr>,
        pattern: Pattern,
        negated: bool,
    },
    In {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    /// `+ - * / %`.
    Arith(char, Box<Expr>, Box<Expr>),
    Neg(Box<Expr>),
    IsPresent(String),
    Coalesce(Vec<Expr>),
    /// `bin(period)`: `@timestamp` rounded down to the period, in milliseconds.
    Bin(i64),
}

/// `expr as name`.
#[derive(Debug, Clone)]
struct Projection {
    name: String,
    expr: Expr,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum AggKind {
    Count,
    Sum,
    Avg,
    Min,
    Max,
    /// The percentile, 0 to 100.
    Pct(f64),
}

#[derive(Debug, Clone)]
struct Agg {
    name: String,
    kind: AggKind,
    /// `None` for `count(*)`.
    arg: Option<Expr>,
}

#[derive(Debug, Clone)]
struct Stats {
    aggs: Vec<Agg>,
    by: Vec<Projection>,
}

#[derive(Debug, Clone)]
struct SortKey {
    expr: Expr,
    desc: bool,
}

/// One command as read.
#[derive(Debug, Clone)]
enum Step {
    Fields(Vec<Projection>),
    Filter(Expr),
    Stats(Stats),
    Sort(Vec<SortKey>),
    Limit(u32),
}

/// What is done to each event before it is kept or aggregated.
#[derive(Debug, Clone)]
enum RowStep {
    Fields(Vec<Projection>),
    Filter(Expr),
}

/// A query read and planned, ready to evaluate.
#[derive(Debug, Clone)]
pub struct Query {
    rows: Vec<RowStep>,
    /// The names the `fields` commands give, in order, once each.
    display: Vec<String>,
    stats: Option<Stats>,
    /// Filters on the `stats` rows.
    after_stats: Vec<Expr>,
    sort: Option<Vec<SortKey>>,
    limit: u32,
}

fn refuse(what: &str) -> DomainError {
    DomainError::Unsupported(format!("the sandbox evaluates {what}"))
}

impl Query {
    /// Reads a query; a syntax error is `Invalid` naming its line and column, a command or
    /// function the sandbox does not evaluate is `Unsupported`.
    pub fn compile(text: &str) -> DomainResult<Query> {
        parse::parse(text)
    }

    /// Whether rows are aggregates (no `@ptr`).
    pub fn is_aggregate(&self) -> bool {
        self.stats.is_some()
    }

    fn plan(steps: Vec<Step>) -> DomainResult<Query> {
        let mut q = Query {
            rows: Vec::new(),
            display: Vec::new(),
            stats: None,
            after_stats: Vec::new(),
            sort: None,
            limit: MAX_QUERY_ROWS,
        };
        let mut limited = false;
        for step in steps {
            match step {
                Step::Fields(projections) => {
                    if limited {
                        return Err(refuse("limit only at the end of a query"));
                    }
                    if q.stats.is_some() {
                        return Err(refuse("fields only before stats"));
                    }
                    for p in &projections {
                        if !q.display.contains(&p.name) {
                            q.display.push(p.name.clone());
                        }
                    }
                    q.rows.push(RowStep::Fields(projections));
                }
                Step::Filter(expr) => {
                    if limited {
                        return Err(refuse("limit only at the end of a query"));
                    }
                    if q.stats.is_some() {
                        q.after_stats.push(expr);
                    } else {
                        q.rows.push(RowStep::Filter(expr));
                    }
                }
                Step::Stats(stats) => {
                    if q.stats.is_some() {
                        return Err(refuse("one stats command per query"));
                    }
                    if limited {
                        return Err(refuse("limit only at the end of a query"));
                    }
                    // The order of events does not change an aggregate.
                    q.sort = None;
                    q.stats = Some(stats);
                }
                Step::Sort(keys) => {
                    if limited {
                        return Err(refuse("limit only at the end of a query"));
                    }
                    if q.sort.is_some() {
                        return Err(refuse("one sort command per query"));
                    }
                    q.sort = Some(keys);
                }
                Step::Limit(n) => {
                    q.limit = q.limit.min(n);
                    limited = true;
                }
            }
        }
        Ok(q)
    }

    /// Starts an evaluation: push the window's events, then finish.
    pub fn evaluate(self) -> Evaluator {
        Evaluator {
            inner: Evaluation::new(self),
        }
    }
}

/// A query being evaluated, one event at a time.
pub struct Evaluator {
    inner: Evaluation,
}

impl Evaluator {
    /// Runs one event through the query.
    pub fn push(&mut self, event: &LogEvent) {
        self.inner.push(event);
    }

    /// Records scanned and matched, bytes scanned, so far.
    pub fn stats(&self) -> QueryStats {
        self.inner.stats()
    }

    #[cfg(test)]
    fn held(&self) -> usize {
        self.inner.held()
    }

    /// The rows, in the query's order.
    pub fn finish(self) -> Vec<ResultRow> {
        self.inner.finish()
    }
}

impl std::fmt::Debug for Evaluator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evaluator").finish_non_exhaustive()
    }
}

/// Evaluates `text` over `events` at once (tests, and callers with few events).
pub fn run<'a>(
    text: &str,
    events: impl IntoIterator<Item = &'a LogEvent>,
) -> DomainResult<Vec<ResultRow>> {
    let mut evaluator = Query::compile(text)?.evaluate();
    for event in events {
        evaluator.push(event);
    }
    Ok(evaluator.finish())
}
