//! Evaluating a planned [`Query`] over events: the fields of an event, values and their
//! comparisons, aggregates, CloudWatch's natural sort order.

use super::{Agg, AggKind, CmpOp, Expr, Pattern, Query, RowStep, SortKey};
use crate::model::{LogEvent, QueryStats, ResultField, ResultRow};
use crate::services::log_analysis::{self, classify};
use std::cell::OnceCell;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

/// Most fields discovered in one JSON message (CloudWatch discovers a bounded number too).
const MAX_DISCOVERED: usize = 200;
/// Values a percentile keeps exactly before it switches to the sketch.
const EXACT_PERCENTILE: usize = 10_000;

/// A field's or an expression's value.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Text(String),
    Num(f64),
    /// Epoch milliseconds, shown as CloudWatch shows `@timestamp`.
    Time(i64),
    Bool(bool),
}

/// Whether `s` is a number as written in a log (digits, sign, point, exponent), not `NaN` or
/// `inf`, which Rust's parser would also take.
fn numeric(s: &str) -> Option<f64> {
    let s = s.trim();
    let ok = !s.is_empty()
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'));
    if !ok {
        return None;
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// `2026-12-03 10:05:00.123`, as CloudWatch shows times in results.
pub(super) fn format_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S%.3f").to_string())
        .unwrap_or_default()
}

/// A number as a result shows it: whole numbers without a fraction, others to fifteen
/// significant digits with trailing zeros dropped, so the noise of binary fractions goes
/// (`avg` gave `104.35799999999999` for 104.358).
fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        return format!("{}", n as i64);
    }
    if !n.is_finite() || n.abs() >= 1e15 {
        return format!("{n}");
    }
    let digits = if n.abs() >= 1.0 {
        n.abs().log10().floor() as i32 + 1
    } else {
        0
    };
    let decimals = usize::try_from((15 - digits).clamp(0, 15)).unwrap_or(0);
    let text = format!("{n:.decimals$}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod number_tests {
    use super::format_number;

    #[test]
    fn numbers_show_without_binary_noise() {
        assert_eq!(format_number(104.35799999999999), "104.358");
        assert_eq!(format_number(97.76749999999998), "97.7675");
        assert_eq!(format_number(92.20333333333333), "92.2033333333333");
        assert_eq!(format_number(12.5), "12.5");
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(-0.25), "-0.25");
        assert_eq!(format_number(0.000_123_456), "0.000123456");
        assert_eq!(format_number(1e20), "100000000000000000000");
    }
}

impl Value {
    fn number(&self) -> Option<f64> {
        match self {
            Value::Num(n) => Some(*n),
            Value::Time(ms) => Some(*ms as f64),
            Value::Text(s) => numeric(s),
            Value::Bool(_) => None,
        }
    }

    pub(super) fn render(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Num(n) => format_number(*n),
            Value::Time(ms) => format_time(*ms),
            Value::Bool(b) => b.to_string(),
        }
    }

    fn truthy(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            Value::Num(n) => *n != 0.0,
            Value::Text(s) => !s.is_empty(),
            Value::Time(_) => true,
        }
    }
}

/// How two values compare in a filter; `None` when they cannot be compared.
fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    use Value::*;
    match (a, b) {
        (Bool(x), Bool(y)) => Some(x.cmp(y)),
        (Bool(x), Text(t)) => Some(x.to_string().as_str().cmp(t.as_str())),
        (Text(t), Bool(x)) => Some(t.as_str().cmp(x.to_string().as_str())),
        (Bool(_), _) | (_, Bool(_)) => None,
        (Time(x), Time(y)) => Some(x.cmp(y)),
        (Time(x), Text(t)) => match numeric(t) {
            Some(n) => (*x as f64).partial_cmp(&n),
            None => Some(format_time(*x).as_str().cmp(t.as_str())),
        },
        (Text(t), Time(x)) => compare(&Time(*x), &Text(t.clone())).map(Ordering::reverse),
        (Num(_), _) | (_, Num(_)) => a.number()?.partial_cmp(&b.number()?),
        (Text(x), Text(y)) => match (numeric(x), numeric(y)) {
            (Some(m), Some(n)) => m.partial_cmp(&n),
            _ => Some(x.cmp(y)),
        },
    }
}

/// CloudWatch's natural order for one value: text before numbers; text by chunks.
fn natural(a: &Value, b: &Value) -> Ordering {
    let a_num = a.number();
    let b_num = b.number();
    match (a, b) {
        (Value::Time(x), Value::Time(y)) => x.cmp(y),
        _ => match (a_num, b_num) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (None, None) => natural_text(&a.render(), &b.render()),
        },
    }
}

/// Runs of digits compare by length, then by value; everything else by code point.
fn natural_text(a: &str, b: &str) -> Ordering {
    let mut x = a.chars().peekable();
    let mut y = b.chars().peekable();
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let mut run_a = String::new();
                while let Some(c) = x.next_if(char::is_ascii_digit) {
                    run_a.push(c);
                }
                let mut run_b = String::new();
                while let Some(d) = y.next_if(char::is_ascii_digit) {
                    run_b.push(d);
                }
                let order = run_a.len().cmp(&run_b.len()).then(run_a.cmp(&run_b));
                if order != Ordering::Equal {
                    return order;
                }
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(&d);
                }
                x.next();
                y.next();
            }
        }
    }
}

/// Sort order of two optional values: missing ones last whichever the direction.
fn sort_order(a: Option<&Value>, b: Option<&Value>, desc: bool) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => {
            let o = natural(x, y);
            if desc { o.reverse() } else { o }
        }
    }
}

/// Where an expression finds its fields.
trait Fields {
    fn get(&self, name: &str) -> Option<Value>;
}

/// One event, its fields discovered when first asked for.
struct Record<'e> {
    event: &'e LogEvent,
    /// Names `fields` gave (`None`: the expression had no value).
    assigned: Vec<(String, Option<Value>)>,
    discovered: OnceCell<Vec<(String, Value)>>,
}

impl<'e> Record<'e> {
    fn new(event: &'e LogEvent) -> Self {
        Self {
            event,
            assigned: Vec::new(),
            discovered: OnceCell::new(),
        }
    }

    fn assign(&mut self, name: &str, value: Option<Value>) {
        if let Some(slot) = self.assigned.iter_mut().find(|(n, _)| n == name) {
            slot.1 = value;
        } else {
            self.assigned.push((name.to_string(), value));
        }
    }
}

fn system_field(event: &LogEvent, name: &str) -> Option<Option<Value>> {
    Some(match name {
        "@timestamp" => Some(Value::Time(event.timestamp.timestamp_millis())),
        "@message" => Some(Value::Text(event.message.clone())),
        "@logStream" => Some(Value::Text(event.stream.clone())),
        "@log" => Some(Value::Text(format!("sandbox:{}", event.group))),
        "@ptr" => Some(Value::Text(event.event_id.clone())),
        "@ingestionTime" => event.ingested_at.map(|t| Value::Time(t.timestamp_millis())),
        _ => return None,
    })
}

impl Fields for Record<'_> {
    fn get(&self, name: &str) -> Option<Value> {
        if let Some((_, v)) = self.assigned.iter().find(|(n, _)| n == name) {
            return v.clone();
        }
        if let Some(v) = system_field(self.event, name) {
            return v;
        }
        self.discovered
            .get_or_init(|| discover(&self.event.message))
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}

/// The fields CloudWatch discovers in a message: Lambda's on its START, END and REPORT lines,
/// and a JSON message's (nested ones joined with dots, in the order of their names).
fn discover(message: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let kind = [
        ("START RequestId: ", "START"),
        ("END RequestId: ", "END"),
        ("REPORT RequestId: ", "REPORT"),
    ]
    .into_iter()
    .find(|(prefix, _)| message.starts_with(prefix))
    .map(|(_, kind)| kind);
    if let Some(kind) = kind {
        let info = classify(message);
        out.push(("@type".to_string(), Value::Text(kind.to_string())));
        if let Some(id) = info.request_id {
            out.push(("@requestId".to_string(), Value::Text(id)));
        }
        if let Some(r) = info.report {
            out.push(("@duration".to_string(), Value::Num(r.duration_ms)));
            out.push((
                "@billedDuration".to_string(),
                Value::Num(r.billed_ms as f64),
            ));
            out.push((
                "@memorySize".to_string(),
                Value::Num(f64::from(r.memory_mb) * 1e6),
            ));
            out.push((
                "@maxMemoryUsed".to_string(),
                Value::Num(f64::from(r.max_memory_used_mb) * 1e6),
            ));
            if let Some(init) = r.init_ms {
                out.push(("@initDuration".to_string(), Value::Num(init)));
            }
        }
        return out;
    }
    let trimmed = message.trim();
    if trimmed.starts_with('{')
        && let Ok(json) = serde_json::from_str::<serde_json::Value>(trimmed)
    {
        flatten("", &json, &mut out);
    }
    out
}

fn flatten(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, Value)>) {
    use serde_json::Value as J;
    if out.len() >= MAX_DISCOVERED {
        return;
    }
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match value {
        J::Object(map) => {
            for (k, v) in map {
                flatten(&key(k), v, out);
            }
        }
        J::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&key(&i.to_string()), v, out);
            }
        }
        J::Null => {}
        J::String(s) if !prefix.is_empty() => {
            out.push((prefix.to_string(), Value::Text(s.clone())))
        }
        J::Number(n) if !prefix.is_empty() => {
            out.push((prefix.to_string(), Value::Text(n.to_string())))
        }
        J::Bool(b) if !prefix.is_empty() => {
            out.push((prefix.to_string(), Value::Text(b.to_string())))
        }
        _ => {}
    }
}

/// Every field of an event, as GetLogRecord gives them: the system fields, then those
/// discovered in the message.
pub fn record_fields(event: &LogEvent) -> Vec<ResultField> {
    let mut out = Vec::new();
    for name in [
        "@timestamp",
        "@message",
        "@ingestionTime",
        "@log",
        "@logStream",
    ] {
        if let Some(Some(v)) = system_field(event, name) {
            out.push(ResultField {
                field: name.to_string(),
                value: v.render(),
            });
        }
    }
    for (name, v) in discover(&event.message) {
        out.push(ResultField {
            field: name,
            value: v.render(),
        });
    }
    out
}

fn eval(expr: &Expr, ctx: &dyn Fields) -> Option<Value> {
    match expr {
        Expr::Field(name) => ctx.get(name),
        Expr::Str(s) => Some(Value::Text(s.clone())),
        Expr::Num(n) => Some(Value::Num(*n)),
        Expr::Arith(op, a, b) => {
            let x = eval(a, ctx)?.number()?;
            let y = eval(b, ctx)?.number()?;
            let r = match op {
                '+' => x + y,
                '-' => x - y,
                '*' => x * y,
                '/' if y != 0.0 => x / y,
                '%' if y != 0.0 => x % y,
                _ => return None,
            };
            r.is_finite().then_some(Value::Num(r))
        }
        Expr::Neg(a) => Some(Value::Num(-eval(a, ctx)?.number()?)),
        Expr::Coalesce(args) => args.iter().find_map(|a| eval(a, ctx)),
        Expr::Bin(period) => match ctx.get("@timestamp")? {
            Value::Time(ms) => Some(Value::Time(ms.div_euclid(*period) * period)),
            _ => None,
        },
        Expr::Not(_)
        | Expr::And(..)
        | Expr::Or(..)
        | Expr::Cmp(..)
        | Expr::Like { .. }
        | Expr::In { .. }
        | Expr::IsPresent(_) => truth(expr, ctx).map(Value::Bool),
    }
}

/// A condition's truth: `None` when unknown (a missing field), which a filter drops.
fn truth(expr: &Expr, ctx: &dyn Fields) -> Option<bool> {
    match expr {
        Expr::Not(a) => truth(a, ctx).map(|b| !b),
        Expr::And(a, b) => match (truth(a, ctx), truth(b, ctx)) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        Expr::Or(a, b) => match (truth(a, ctx), truth(b, ctx)) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
        Expr::Cmp(op, a, b) => {
            let order = compare(&eval(a, ctx)?, &eval(b, ctx)?)?;
            Some(match op {
                CmpOp::Eq => order == Ordering::Equal,
                CmpOp::Ne => order != Ordering::Equal,
                CmpOp::Lt => order == Ordering::Less,
                CmpOp::Gt => order == Ordering::Greater,
                CmpOp::Le => order != Ordering::Greater,
                CmpOp::Ge => order != Ordering::Less,
            })
        }
        Expr::Like {
            expr,
            pattern,
            negated,
        } => {
            let text = eval(expr, ctx)?.render();
            let found = match pattern {
                Pattern::Substring(s) => text.contains(s.as_str()),
                Pattern::Regex(r) => r.is_match(&text),
            };
            Some(found != *negated)
        }
        Expr::In {
            expr,
            list,
            negated,
        } => {
            let v = eval(expr, ctx)?;
            let found = list.iter().any(|item| {
                eval(item, ctx).is_some_and(|i| compare(&v, &i) == Some(Ordering::Equal))
            });
            Some(found != *negated)
        }
        Expr::IsPresent(name) => Some(ctx.get(name).is_some()),
        other => eval(other, ctx).map(|v| v.truthy()),
    }
}

/// A percentile's values: exact while few, then a sketch whose answers are within 1 %.
#[derive(Debug)]
enum Percentile {
    Exact(Vec<f64>),
    Sketch(Sketch),
}

/// A logarithmic sketch (DDSketch): each value counted in the bucket `ceil(log_γ |x|)`, so
/// any answer is within 1 % of a value that was added, in memory bounded by the values' range.
#[derive(Debug, Default)]
struct Sketch {
    positive: BTreeMap<i32, u64>,
    negative: BTreeMap<i32, u64>,
    zero: u64,
    count: u64,
}

const SKETCH_ACCURACY: f64 = 0.01;

fn gamma() -> f64 {
    (1.0 + SKETCH_ACCURACY) / (1.0 - SKETCH_ACCURACY)
}

impl Sketch {
    fn add(&mut self, x: f64) {
        self.count += 1;
        if x == 0.0 || !x.is_normal() {
            self.zero += 1;
            return;
        }
        let index = (x.abs().ln() / gamma().ln()).ceil() as i32;
        let side = if x > 0.0 {
            &mut self.positive
        } else {
            &mut self.negative
        };
        *side.entry(index).or_default() += 1;
    }

    fn value(index: i32) -> f64 {
        2.0 * gamma().powi(index) / (gamma() + 1.0)
    }

    /// The nearest-rank percentile `p` (0 to 100).
    fn percentile(&self, p: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        let rank = ((p / 100.0) * self.count as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (index, n) in self.negative.iter().rev() {
            seen += n;
            if seen >= rank {
                return Some(-Self::value(*index));
            }
        }
        seen += self.zero;
        if seen >= rank {
            return Some(0.0);
        }
        for (index, n) in &self.positive {
            seen += n;
            if seen >= rank {
                return Some(Self::value(*index));
            }
        }
        self.positive.keys().next_back().map(|i| Self::value(*i))
    }
}

impl Percentile {
    fn add(&mut self, x: f64) {
        match self {
            Percentile::Exact(values) if values.len() < EXACT_PERCENTILE => values.push(x),
            Percentile::Exact(values) => {
                let mut sketch = Sketch::default();
                for v in values.drain(..) {
                    sketch.add(v);
                }
                sketch.add(x);
                *self = Percentile::Sketch(sketch);
            }
            Percentile::Sketch(sketch) => sketch.add(x),
        }
    }

    fn get(&mut self, p: f64) -> Option<f64> {
        match self {
            Percentile::Exact(values) => log_analysis::percentile(values, p),
            Percentile::Sketch(sketch) => sketch.percentile(p),
        }
    }
}

/// One aggregate's running state.
#[derive(Debug)]
enum Acc {
    Count(u64),
    Sum(f64, u64),
    Avg(f64, u64),
    Min(Option<Value>),
    Max(Option<Value>),
    Pct(f64, Percentile),
}

impl Acc {
    fn new(kind: AggKind) -> Self {
        match kind {
            AggKind::Count => Acc::Count(0),
            AggKind::Sum => Acc::Sum(0.0, 0),
            AggKind::Avg => Acc::Avg(0.0, 0),
            AggKind::Min => Acc::Min(None),
            AggKind::Max => Acc::Max(None),
            AggKind::Pct(p) => Acc::Pct(p, Percentile::Exact(Vec::new())),
        }
    }

    fn add(&mut self, agg: &Agg, ctx: &dyn Fields) {
        let value = agg.arg.as_ref().map(|e| eval(e, ctx));
        if let Acc::Count(n) = self {
            // count(*) counts every event; count(f) those that have f.
            if !matches!(value, Some(None)) {
                *n += 1;
            }
            return;
        }
        let Some(Some(value)) = value else {
            return;
        };
        // min and max keep times as times.
        let extreme = match &value {
            Value::Time(_) => Some(value.clone()),
            v => v.number().map(Value::Num),
        };
        let Some(x) = value.number() else {
            return;
        };
        match self {
            Acc::Count(_) => {}
            Acc::Sum(sum, n) | Acc::Avg(sum, n) => {
                *sum += x;
                *n += 1;
            }
            Acc::Min(best) => {
                if best
                    .as_ref()
                    .is_none_or(|b| b.number().is_some_and(|b| x < b))
                {
                    *best = extreme;
                }
            }
            Acc::Max(best) => {
                if best
                    .as_ref()
                    .is_none_or(|b| b.number().is_some_and(|b| x > b))
                {
                    *best = extreme;
                }
            }
            Acc::Pct(_, values) => values.add(x),
        }
    }

    fn result(&mut self) -> Option<Value> {
        match self {
            Acc::Count(n) => Some(Value::Num(*n as f64)),
            Acc::Sum(sum, n) => (*n > 0).then_some(Value::Num(*sum)),
            Acc::Avg(sum, n) => (*n > 0).then(|| Value::Num(*sum / *n as f64)),
            Acc::Min(v) | Acc::Max(v) => v.clone(),
            Acc::Pct(p, values) => values.get(*p).map(Value::Num),
        }
    }
}

fn key_at(keys: &[Option<Value>], i: usize) -> Option<&Value> {
    keys.get(i).and_then(Option::as_ref)
}

/// A row kept by a plain query, with what it sorts by.
struct Candidate {
    keys: Vec<Option<Value>>,
    seq: u64,
    row: ResultRow,
}

/// A `stats` row being built.
struct Group {
    by: Vec<Option<Value>>,
    accs: Vec<Acc>,
}

/// A finished `stats` row, its columns by name.
struct Output(Vec<(String, Option<Value>)>);

impl Fields for Output {
    fn get(&self, name: &str) -> Option<Value> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.clone())
    }
}

impl Output {
    fn column(&self, i: usize) -> Option<&Value> {
        self.0.get(i).and_then(|(_, v)| v.as_ref())
    }

    fn into_row(self) -> ResultRow {
        self.0
            .into_iter()
            .filter_map(|(field, v)| {
                v.map(|v| ResultField {
                    field,
                    value: v.render(),
                })
            })
            .collect()
    }
}

pub(super) struct Evaluation {
    query: Query,
    sort: Vec<SortKey>,
    /// The columns of a plain query's rows.
    display: Vec<String>,
    stats: QueryStats,
    seq: u64,
    kept: Vec<Candidate>,
    groups: HashMap<Vec<Option<String>>, usize>,
    group_list: Vec<Group>,
}

impl Evaluation {
    pub(super) fn new(query: Query) -> Self {
        let sort = query.sort.clone().unwrap_or_else(|| {
            if query.stats.is_some() {
                Vec::new()
            } else {
                vec![SortKey {
                    expr: Expr::Field("@timestamp".into()),
                    desc: true,
                }]
            }
        });
        let display = if query.display.is_empty() {
            vec!["@timestamp".to_string(), "@message".to_string()]
        } else {
            query.display.clone()
        };
        Self {
            query,
            sort,
            display,
            stats: QueryStats::default(),
            seq: 0,
            kept: Vec::new(),
            groups: HashMap::new(),
            group_list: Vec::new(),
        }
    }

    pub(super) fn stats(&self) -> QueryStats {
        self.stats
    }

    /// Rows and groups held now (what bounds the memory).
    #[cfg(test)]
    pub(super) fn held(&self) -> usize {
        self.kept.len() + self.group_list.len()
    }

    pub(super) fn push(&mut self, event: &LogEvent) {
        self.stats.records_scanned += 1.0;
        self.stats.bytes_scanned += event.message.len() as f64;
        self.seq += 1;
        let mut record = Record::new(event);
        for step in &self.query.rows {
            match step {
                RowStep::Fields(projections) => {
                    for p in projections {
                        if matches!(&p.expr, Expr::Field(f) if *f == p.name) {
                            continue;
                        }
                        let v = eval(&p.expr, &record);
                        record.assign(&p.name, v);
                    }
                }
                RowStep::Filter(condition) => {
                    if truth(condition, &record) != Some(true) {
                        return;
                    }
                }
            }
        }
        self.stats.records_matched += 1.0;
        if let Some(stats) = &self.query.stats {
            let by: Vec<Option<Value>> = stats.by.iter().map(|p| eval(&p.expr, &record)).collect();
            let key: Vec<Option<String>> =
                by.iter().map(|v| v.as_ref().map(Value::render)).collect();
            let index = match self.groups.get(&key) {
                Some(i) => *i,
                None => {
                    self.group_list.push(Group {
                        by,
                        accs: stats.aggs.iter().map(|a| Acc::new(a.kind)).collect(),
                    });
                    let i = self.group_list.len() - 1;
                    self.groups.insert(key, i);
                    i
                }
            };
            if let Some(group) = self.group_list.get_mut(index) {
                for (acc, agg) in group.accs.iter_mut().zip(&stats.aggs) {
                    acc.add(agg, &record);
                }
            }
            return;
        }
        let keys = self.sort.iter().map(|k| eval(&k.expr, &record)).collect();
        let mut row: ResultRow = Vec::new();
        let names = &self.display;
        for name in names {
            if let Some(v) = record.get(name) {
                row.push(ResultField {
                    field: name.clone(),
                    value: v.render(),
                });
            }
        }
        if !names.iter().any(|n| n == "@ptr") {
            row.push(ResultField {
                field: "@ptr".into(),
                value: event.event_id.clone(),
            });
        }
        self.kept.push(Candidate {
            keys,
            seq: self.seq,
            row,
        });
        let limit = self.query.limit as usize;
        if self.kept.len() >= limit.saturating_mul(2).max(64) {
            self.trim(limit);
        }
    }

    fn order(sort: &[SortKey], a: &Candidate, b: &Candidate) -> Ordering {
        for (i, key) in sort.iter().enumerate() {
            let o = sort_order(key_at(&a.keys, i), key_at(&b.keys, i), key.desc);
            if o != Ordering::Equal {
                return o;
            }
        }
        // Equal keys: in the direction of the last key, by arrival.
        let o = a.seq.cmp(&b.seq);
        if sort.last().is_some_and(|k| k.desc) {
            o.reverse()
        } else {
            o
        }
    }

    fn trim(&mut self, limit: usize) {
        let sort = &self.sort;
        self.kept.sort_by(|a, b| Self::order(sort, a, b));
        self.kept.truncate(limit);
    }

    pub(super) fn finish(mut self) -> Vec<ResultRow> {
        let limit = self.query.limit as usize;
        let Some(stats) = &self.query.stats else {
            self.trim(limit);
            return self.kept.into_iter().map(|c| c.row).collect();
        };
        let mut rows: Vec<Output> = Vec::with_capacity(self.group_list.len());
        for mut group in std::mem::take(&mut self.group_list) {
            let mut columns: Vec<(String, Option<Value>)> = stats
                .by
                .iter()
                .zip(group.by.drain(..))
                .map(|(p, v)| (p.name.clone(), v))
                .collect();
            for (agg, acc) in stats.aggs.iter().zip(group.accs.iter_mut()) {
                columns.push((agg.name.clone(), acc.result()));
            }
            let row = Output(columns);
            if self
                .query
                .after_stats
                .iter()
                .all(|f| truth(f, &row) == Some(true))
            {
                rows.push(row);
            }
        }
        if self.sort.is_empty() {
            let n = stats.by.len();
            rows.sort_by(|a, b| {
                (0..n)
                    .map(|i| sort_order(a.column(i), b.column(i), false))
                    .find(|o| *o != Ordering::Equal)
                    .unwrap_or(Ordering::Equal)
            });
        } else {
            let mut keyed: Vec<(Vec<Option<Value>>, Output)> = rows
                .into_iter()
                .map(|r| (self.sort.iter().map(|k| eval(&k.expr, &r)).collect(), r))
                .collect();
            let sort = &self.sort;
            keyed.sort_by(|(a, _), (b, _)| {
                sort.iter()
                    .enumerate()
                    .map(|(i, k)| sort_order(key_at(a, i), key_at(b, i), k.desc))
                    .find(|o| *o != Ordering::Equal)
                    .unwrap_or(Ordering::Equal)
            });
            rows = keyed.into_iter().map(|(_, r)| r).collect();
        }
        rows.truncate(limit);
        rows.into_iter().map(Output::into_row).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_puts_text_before_numbers_and_digit_runs_by_length() {
        // CloudWatch's own example of an ascending sort.
        let written = [
            "!:",
            "#",
            "*%04",
            "0#",
            "5A",
            "111A",
            "2345_",
            "@",
            "@_",
            "A",
            "A9876fghj",
            "a12345hfh",
            "0",
            "01",
            "1",
            "2",
            "3",
        ];
        let mut shuffled: Vec<Value> = written
            .iter()
            .rev()
            .map(|s| Value::Text(s.to_string()))
            .collect();
        shuffled.sort_by(natural);
        let sorted: Vec<String> = shuffled.iter().map(Value::render).collect();
        // "01" and "1" are the same number; a stable sort keeps their reversed order.
        let mut expected: Vec<&str> = written.to_vec();
        expected.swap(13, 14);
        assert_eq!(sorted, expected);
    }

    #[test]
    fn numbers_are_numbers_only_as_written() {
        assert_eq!(numeric("12.5"), Some(12.5));
        assert_eq!(numeric("-1e3"), Some(-1000.0));
        for not_a_number in ["NaN", "inf", "infinity", "", "1-", "12ms", "0x10", "1e999"] {
            assert_eq!(numeric(not_a_number), None, "{not_a_number}");
        }
    }

    #[test]
    fn the_sketch_answers_within_one_percent_past_ten_thousand_values() {
        let mut p = Percentile::Exact(Vec::new());
        let values: Vec<f64> = (1..=50_000).map(|i| f64::from(i) / 10.0).collect();
        for v in &values {
            p.add(*v);
        }
        assert!(matches!(p, Percentile::Sketch(_)));
        for (q, exact) in [
            (50.0, 2_500.0),
            (95.0, 4_750.0),
            (99.0, 4_950.0),
            (100.0, 5_000.0),
        ] {
            let got = p.get(q).unwrap();
            assert!(
                (got - exact).abs() / exact <= 0.0101,
                "p{q}: {got} against {exact}"
            );
        }
        let mut mixed = Sketch::default();
        for v in [-5.0, -1.0, 0.0, 2.0, 8.0] {
            mixed.add(v);
        }
        let near = |a: f64, b: f64| (a - b).abs() <= b.abs() * 0.0101;
        assert!(near(mixed.percentile(0.0).unwrap(), -5.0));
        assert!(near(mixed.percentile(40.0).unwrap(), -1.0));
        assert_eq!(mixed.percentile(60.0), Some(0.0));
        assert!(near(mixed.percentile(100.0).unwrap(), 8.0));
    }
}
