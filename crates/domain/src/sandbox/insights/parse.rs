//! The query text read into a [`Query`]: a hand-written scanner and recursive-descent parser
//! over the part of the Logs Insights language the sandbox evaluates. Every syntax error names
//! its `line L, column C` (1-based, columns in characters) and what was expected there; a
//! command or function the sandbox does not evaluate is refused as `Unsupported`, by name.

use super::{Agg, AggKind, CmpOp, Expr, Pattern, Projection, Query, SortKey, Stats, Step};
use crate::error::{DomainError, DomainResult};
use crate::model::MAX_QUERY_ROWS;

/// What the sandbox evaluates, for the `Unsupported` messages.
const COMMANDS: &str = "fields, filter, stats, sort, limit";
const FUNCTIONS: &str = "in expressions ispresent, coalesce and bin; in stats count, sum, avg, \
                         min, max and pct";
/// Commands of the real language the sandbox does not evaluate.
const OTHER_COMMANDS: &[&str] = &[
    "display",
    "parse",
    "dedup",
    "unmask",
    "unnest",
    "lookup",
    "diff",
    "pattern",
    "anomaly",
    "filterIndex",
    "source",
    "SOURCE",
];
/// Aggregate functions of the real language; only some are evaluated (in stats).
const AGGREGATES: &[&str] = &[
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "pct",
    "count_distinct",
    "stddev",
    "earliest",
    "latest",
    "sortsFirst",
    "sortsLast",
];
/// An expression deeper than this (parentheses, `not`, unary minus, and chains of `and`, `or`
/// and arithmetic, which nest to the left) is refused, so no text can exhaust the stack when
/// it is read, evaluated or dropped.
const MAX_DEPTH: usize = 100;
/// Bounds on a compiled `/regex/`.
const REGEX_SIZE_LIMIT: usize = 1 << 20;
const REGEX_NEST_LIMIT: u32 = 50;

/// Reads a whole query.
pub(super) fn parse(text: &str) -> DomainResult<Query> {
    let mut p = Parser {
        src: text,
        pos: 0,
        depth: 0,
    };
    let mut steps = Vec::new();
    loop {
        steps.push(p.command()?);
        p.skip_trivia();
        match p.peek() {
            None => break,
            Some('|') => p.pos += 1,
            Some(_) => return Err(p.expected("`|` or the end of the query")),
        }
    }
    Query::plan(steps)
}

struct Parser<'a> {
    src: &'a str,
    /// Byte offset of the next character.
    pos: usize,
    depth: usize,
}

/// Line and column (1-based, columns in characters) of byte offset `pos` of `text`.
pub fn line_column(text: &str, pos: usize) -> (usize, usize) {
    let mut line = 1;
    let mut column = 1;
    for (i, c) in text.char_indices() {
        if i >= pos {
            break;
        }
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    (line, column)
}

fn unsupported_command(name: &str) -> DomainError {
    DomainError::Unsupported(format!(
        "the sandbox does not evaluate `{name}`; it evaluates {COMMANDS}"
    ))
}

fn unsupported_function(name: &str) -> DomainError {
    DomainError::Unsupported(format!(
        "the sandbox does not evaluate `{name}()`; it evaluates {FUNCTIONS}"
    ))
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Skips blanks and `#` comments (to the end of their line).
    fn skip_trivia(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.bump();
            } else if c == '#' {
                while let Some(c) = self.bump() {
                    if c == '\n' {
                        break;
                    }
                }
            } else {
                break;
            }
        }
    }

    fn error_at(&self, pos: usize, message: impl std::fmt::Display) -> DomainError {
        let (line, column) = line_column(self.src, pos);
        DomainError::invalid("query", format!("line {line}, column {column}: {message}"))
    }

    /// What stands at the current position, for "found …".
    fn found(&self) -> String {
        let rest = self.rest();
        let Some(first) = rest.chars().next() else {
            return "the end of the query".to_string();
        };
        let word: String = if is_word_start(first) || first.is_ascii_digit() {
            rest.chars().take_while(|c| is_word(*c)).take(40).collect()
        } else {
            first.to_string()
        };
        format!("`{word}`")
    }

    fn expected(&self, what: &str) -> DomainError {
        self.error_at(self.pos, format!("expected {what}, found {}", self.found()))
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_trivia();
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> DomainResult<()> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.expected(&format!("`{c}`")))
        }
    }

    /// The next word (letters, digits, `_`, `@`, `.`), without consuming it.
    fn peek_word(&mut self) -> Option<&'a str> {
        self.skip_trivia();
        let rest = self.rest();
        let first = rest.chars().next()?;
        if !is_word_start(first) {
            return None;
        }
        let end = rest
            .char_indices()
            .find(|(_, c)| !is_word(*c))
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        Some(&rest[..end])
    }

    fn word(&mut self) -> Option<&'a str> {
        let w = self.peek_word()?;
        self.pos += w.len();
        Some(w)
    }

    /// Consumes `keyword` (any case) when it is the next word.
    fn keyword(&mut self, keyword: &str) -> bool {
        match self.peek_word() {
            Some(w) if w.eq_ignore_ascii_case(keyword) => {
                self.pos += w.len();
                true
            }
            _ => false,
        }
    }

    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> DomainResult<T>) -> DomainResult<T> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error_at(self.pos, "the query nests too deeply"));
        }
        self.depth += 1;
        let out = f(self);
        self.depth -= 1;
        out
    }

    // ---- commands ----

    fn command(&mut self) -> DomainResult<Step> {
        self.skip_trivia();
        let at = self.pos;
        let Some(name) = self.word() else {
            return Err(self.expected(&format!("a command ({COMMANDS})")));
        };
        match name {
            "fields" => Ok(Step::Fields(self.projections()?)),
            "filter" => Ok(Step::Filter(self.expr()?)),
            "stats" => Ok(Step::Stats(self.stats()?)),
            "sort" => Ok(Step::Sort(self.sort_keys()?)),
            "limit" => Ok(Step::Limit(self.limit()?)),
            other if OTHER_COMMANDS.contains(&other) => Err(unsupported_command(other)),
            _ => {
                self.pos = at;
                Err(self.expected(&format!("a command ({COMMANDS})")))
            }
        }
    }

    fn projections(&mut self) -> DomainResult<Vec<Projection>> {
        let mut out = Vec::new();
        loop {
            out.push(self.projection()?);
            if !self.eat(',') {
                return Ok(out);
            }
        }
    }

    /// `expr [as name]`; without a name, a field keeps its own and anything else is named as
    /// written.
    fn projection(&mut self) -> DomainResult<Projection> {
        self.skip_trivia();
        let start = self.pos;
        let expr = self.expr()?;
        let written = self.src[start..self.pos].trim().to_string();
        let name = if self.keyword("as") {
            self.field_name()?
        } else if let Expr::Field(name) = &expr {
            name.clone()
        } else {
            written
        };
        Ok(Projection { name, expr })
    }

    fn stats(&mut self) -> DomainResult<Stats> {
        let mut aggs = Vec::new();
        loop {
            aggs.push(self.aggregate()?);
            self.skip_trivia();
            if matches!(self.peek(), Some('+' | '-' | '*' | '/' | '%' | '^')) {
                return Err(DomainError::Unsupported(
                    "the sandbox does not evaluate arithmetic on aggregates in stats".into(),
                ));
            }
            if !self.eat(',') {
                break;
            }
        }
        let mut by = Vec::new();
        if self.keyword("by") {
            loop {
                by.push(self.projection()?);
                if !self.eat(',') {
                    break;
                }
            }
        }
        Ok(Stats { aggs, by })
    }

    fn aggregate(&mut self) -> DomainResult<Agg> {
        self.skip_trivia();
        let start = self.pos;
        let Some(name) = self.word() else {
            return Err(self.expected("an aggregate function (count, sum, avg, min, max, pct)"));
        };
        self.skip_trivia();
        if self.peek() != Some('(') {
            self.pos = start;
            return Err(self.expected("an aggregate function (count, sum, avg, min, max, pct)"));
        }
        let kind = match name {
            "count" => AggKind::Count,
            "sum" => AggKind::Sum,
            "avg" => AggKind::Avg,
            "min" => AggKind::Min,
            "max" => AggKind::Max,
            "pct" => AggKind::Pct(0.0),
            other => return Err(unsupported_function(other)),
        };
        self.expect('(')?;
        let mut arg = None;
        let kind = match kind {
            AggKind::Count => {
                if !self.eat('*') {
                    self.skip_trivia();
                    if self.peek() != Some(')') {
                        arg = Some(self.expr()?);
                    }
                }
                AggKind::Count
            }
            AggKind::Pct(_) => {
                arg = Some(self.expr()?);
                self.expect(',')?;
                self.skip_trivia();
                let at = self.pos;
                let p = self
                    .number()
                    .ok_or_else(|| self.expected("a percentile from 0 to 100"))?;
                if !(0.0..=100.0).contains(&p) {
                    return Err(self.error_at(at, "a percentile is from 0 to 100"));
                }
                AggKind::Pct(p)
            }
            kind => {
                arg = Some(self.expr()?);
                kind
            }
        };
        self.expect(')')?;
        let written = self.src[start..self.pos].to_string();
        let name = if self.keyword("as") {
            self.field_name()?
        } else {
            written
        };
        Ok(Agg { name, kind, arg })
    }

    fn sort_keys(&mut self) -> DomainResult<Vec<SortKey>> {
        let mut keys = Vec::new();
        loop {
            let expr = self.expr()?;
            let desc = if self.keyword("desc") {
                true
            } else {
                self.keyword("asc");
                false
            };
            keys.push(SortKey { expr, desc });
            if !self.eat(',') {
                return Ok(keys);
            }
        }
    }

    fn limit(&mut self) -> DomainResult<u32> {
        self.skip_trivia();
        let at = self.pos;
        let n = self
            .number()
            .ok_or_else(|| self.expected("the number of rows"))?;
        if n.fract() != 0.0 || n < 1.0 || n > f64::from(MAX_QUERY_ROWS) {
            return Err(self.error_at(
                at,
                format!("limit is a whole number from 1 to {MAX_QUERY_ROWS}"),
            ));
        }
        Ok(n as u32)
    }

    /// A field name: a word or a `backquoted name`.
    fn field_name(&mut self) -> DomainResult<String> {
        self.skip_trivia();
        if self.peek() == Some('`') {
            return self.backquoted();
        }
        match self.peek_word() {
            Some(w) if !is_reserved(w) => {
                self.pos += w.len();
                Ok(w.to_string())
            }
            _ => Err(self.expected("a field name")),
        }
    }

    fn backquoted(&mut self) -> DomainResult<String> {
        let at = self.pos;
        self.bump();
        let mut name = String::new();
        loop {
            match self.bump() {
                Some('`') => break,
                Some(c) => name.push(c),
                None => return Err(self.error_at(at, "a `backquoted` field name is not closed")),
            }
        }
        if name.is_empty() {
            return Err(self.error_at(at, "a field name is empty"));
        }
        Ok(name)
    }

    // ---- expressions ----

    /// One more level for a chain's next operand; the caller puts `depth` back after.
    fn deeper(&mut self) -> DomainResult<()> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error_at(self.pos, "the query nests too deeply"));
        }
        self.depth += 1;
        Ok(())
    }

    fn expr(&mut self) -> DomainResult<Expr> {
        let base = self.depth;
        let mut left = self.and_expr()?;
        while self.keyword("or") {
            self.deeper()?;
            let right = self.and_expr()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        self.depth = base;
        Ok(left)
    }

    fn and_expr(&mut self) -> DomainResult<Expr> {
        let base = self.depth;
        let mut left = self.not_expr()?;
        while self.keyword("and") {
            self.deeper()?;
            let right = self.not_expr()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        self.depth = base;
        Ok(left)
    }

    fn not_expr(&mut self) -> DomainResult<Expr> {
        if self.keyword("not") {
            return self.nested(|p| Ok(Expr::Not(Box::new(p.not_expr()?))));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> DomainResult<Expr> {
        let left = self.additive()?;
        self.skip_trivia();
        let rest = self.rest();
        let op = if rest.starts_with("!=") {
            Some((CmpOp::Ne, 2))
        } else if rest.starts_with("<=") {
            Some((CmpOp::Le, 2))
        } else if rest.starts_with(">=") {
            Some((CmpOp::Ge, 2))
        } else if rest.starts_with("=~") {
            self.pos += 2;
            let pattern = self.regex_literal()?;
            return Ok(Expr::Like {
                expr: Box::new(left),
                pattern,
                negated: false,
            });
        } else if rest.starts_with('=') {
            Some((CmpOp::Eq, 1))
        } else if rest.starts_with('<') {
            Some((CmpOp::Lt, 1))
        } else if rest.starts_with('>') {
            Some((CmpOp::Gt, 1))
        } else {
            None
        };
        if let Some((op, len)) = op {
            self.pos += len;
            let right = self.additive()?;
            return Ok(Expr::Cmp(op, Box::new(left), Box::new(right)));
        }
        let negated = self.keyword("not");
        if self.keyword("like") {
            let pattern = self.pattern()?;
            return Ok(Expr::Like {
                expr: Box::new(left),
                pattern,
                negated,
            });
        }
        if self.keyword("in") {
            self.expect('[')?;
            let mut list = Vec::new();
            if !self.eat(']') {
                loop {
                    list.push(self.additive()?);
                    if self.eat(']') {
                        break;
                    }
                    self.expect(',')?;
                }
            }
            return Ok(Expr::In {
                expr: Box::new(left),
                list,
                negated,
            });
        }
        if negated {
            self.skip_trivia();
            return Err(self.expected("`like` or `in` after `not`"));
        }
        Ok(left)
    }

    /// After `like`: a "substring" or a /regex/.
    fn pattern(&mut self) -> DomainResult<Pattern> {
        self.skip_trivia();
        match self.peek() {
            Some('"' | '\'') => Ok(Pattern::Substring(self.string_literal()?)),
            Some('/') => self.regex_literal(),
            _ => Err(self.expected("a \"string\" or a /regular expression/")),
        }
    }

    fn regex_literal(&mut self) -> DomainResult<Pattern> {
        self.skip_trivia();
        let at = self.pos;
        if self.peek() != Some('/') {
            return Err(self.expected("a /regular expression/"));
        }
        self.bump();
        let mut source = String::new();
        loop {
            match self.bump() {
                Some('/') => break,
                Some('\\') => match self.bump() {
                    Some('/') => source.push('/'),
                    Some(c) => {
                        source.push('\\');
                        source.push(c);
                    }
                    None => break,
                },
                Some(c) => source.push(c),
                None => {
                    return Err(self.error_at(at, "a /regular expression/ is not closed"));
                }
            }
        }
        regex_lite::RegexBuilder::new(&source)
            .size_limit(REGEX_SIZE_LIMIT)
            .nest_limit(REGEX_NEST_LIMIT)
            .build()
            .map(Pattern::Regex)
            .map_err(|e| {
                self.error_at(
                    at,
                    format!("not a regular expression the sandbox reads: {e}"),
                )
            })
    }

    fn string_literal(&mut self) -> DomainResult<String> {
        let at = self.pos;
        let Some(quote) = self.bump() else {
            return Err(self.expected("a \"string\""));
        };
        let mut out = String::new();
        loop {
            match self.bump() {
                Some(c) if c == quote => return Ok(out),
                Some('\\') => match self.bump() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some(c @ ('"' | '\'' | '\\')) => out.push(c),
                    Some(c) => {
                        out.push('\\');
                        out.push(c);
                    }
                    None => break,
                },
                Some(c) => out.push(c),
                None => break,
            }
        }
        Err(self.error_at(at, "a \"string\" is not closed"))
    }

    fn additive(&mut self) -> DomainResult<Expr> {
        let base = self.depth;
        let mut left = self.multiplicative()?;
        loop {
            self.skip_trivia();
            let op = match self.peek() {
                Some('+') => '+',
                Some('-') => '-',
                _ => {
                    self.depth = base;
                    return Ok(left);
                }
            };
            self.bump();
            self.deeper()?;
            let right = self.multiplicative()?;
            left = Expr::Arith(op, Box::new(left), Box::new(right));
        }
    }

    fn multiplicative(&mut self) -> DomainResult<Expr> {
        let base = self.depth;
        let mut left = self.unary()?;
        loop {
            self.skip_trivia();
            let op = match self.peek() {
                Some('*') => '*',
                Some('/') => '/',
                Some('%') => '%',
                _ => {
                    self.depth = base;
                    return Ok(left);
                }
            };
            self.bump();
            self.deeper()?;
            let right = self.unary()?;
            left = Expr::Arith(op, Box::new(left), Box::new(right));
        }
    }

    fn unary(&mut self) -> DomainResult<Expr> {
        self.skip_trivia();
        if self.peek() == Some('-') {
            self.bump();
            return self.nested(|p| Ok(Expr::Neg(Box::new(p.unary()?))));
        }
        self.primary()
    }

    fn primary(&mut self) -> DomainResult<Expr> {
        self.skip_trivia();
        match self.peek() {
            Some('(') => {
                self.bump();
                let inner = self.nested(|p| p.expr())?;
                self.expect(')')?;
                Ok(inner)
            }
            Some('"' | '\'') => Ok(Expr::Str(self.string_literal()?)),
            Some('`') => Ok(Expr::Field(self.backquoted()?)),
            Some(c) if c.is_ascii_digit() => match self.number() {
                Some(n) => Ok(Expr::Num(n)),
                None => Err(self.expected("a number")),
            },
            Some(c) if is_word_start(c) => {
                let start = self.pos;
                let Some(word) = self.peek_word() else {
                    return Err(self.expected("a field, a value or `(`"));
                };
                if is_reserved(word) {
                    return Err(self.expected("a field, a value or `(`"));
                }
                self.pos += word.len();
                let after = self.pos;
                self.skip_trivia();
                if self.peek() == Some('(') {
                    return self.call(word, start);
                }
                self.pos = after;
                Ok(Expr::Field(word.to_string()))
            }
            _ => Err(self.expected("a field, a value or `(`")),
        }
    }

    fn call(&mut self, name: &str, start: usize) -> DomainResult<Expr> {
        match name {
            "ispresent" => {
                self.expect('(')?;
                let field = self.field_name()?;
                self.expect(')')?;
                Ok(Expr::IsPresent(field))
            }
            "coalesce" => {
                self.expect('(')?;
                // Each argument counts as a level: `coalesce(coalesce(…` must meet the
                // depth limit like parentheses do.
                let mut args = vec![self.nested(Self::expr)?];
                while self.eat(',') {
                    args.push(self.nested(Self::expr)?);
                }
                self.expect(')')?;
                Ok(Expr::Coalesce(args))
            }
            "bin" => {
                self.expect('(')?;
                let period = self.period()?;
                self.expect(')')?;
                Ok(Expr::Bin(period))
            }
            aggregate if AGGREGATES.contains(&aggregate) => Err(self.error_at(
                start,
                format!("`{aggregate}()` is an aggregate function: use it in stats"),
            )),
            other => Err(unsupported_function(other)),
        }
    }

    /// `bin`'s period: a whole number and a unit (s, m, h, d), in milliseconds.
    fn period(&mut self) -> DomainResult<i64> {
        self.skip_trivia();
        let at = self.pos;
        let digits: String = self
            .rest()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if digits.is_empty() {
            return Err(self.expected("a period such as 5m (s, m, h or d)"));
        }
        self.pos += digits.len();
        let unit: String = self
            .rest()
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect();
        self.pos += unit.len();
        let unit_ms: i64 = match unit.as_str() {
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            "" => return Err(self.expected("a unit (s, m, h or d)")),
            other => {
                return Err(DomainError::Unsupported(format!(
                    "the sandbox's bin() takes periods in s, m, h and d, not `{other}`"
                )));
            }
        };
        let n: i64 = digits
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| self.error_at(at, "a period is a whole number above 0"))?;
        n.checked_mul(unit_ms)
            .filter(|ms| *ms <= 366 * 86_400_000)
            .ok_or_else(|| self.error_at(at, "a period is at most 366 days"))
    }

    /// A number literal: digits, an optional fraction and exponent.
    fn number(&mut self) -> Option<f64> {
        self.skip_trivia();
        let rest = self.rest();
        let bytes = rest.as_bytes();
        let mut end = 0;
        let digits = |end: &mut usize| {
            let from = *end;
            while bytes.get(*end).is_some_and(u8::is_ascii_digit) {
                *end += 1;
            }
            *end > from
        };
        if !digits(&mut end) {
            return None;
        }
        if bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
            end += 1;
            digits(&mut end);
        }
        if matches!(bytes.get(end), Some(b'e' | b'E')) {
            let mut e = end + 1;
            if matches!(bytes.get(e), Some(b'+' | b'-')) {
                e += 1;
            }
            if digits(&mut e) {
                end = e;
            }
        }
        // A number runs into no letters: `5m` is not a number.
        if rest[end..].chars().next().is_some_and(is_word) {
            return None;
        }
        let n: f64 = rest[..end].parse().ok().filter(|n: &f64| n.is_finite())?;
        self.pos += end;
        Some(n)
    }
}

fn is_word_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == '@'
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '@' || c == '.'
}

/// Words that are the language's own in an expression, never field names.
fn is_reserved(word: &str) -> bool {
    ["and", "or", "not", "like", "in", "as", "by", "asc", "desc"]
        .iter()
        .any(|k| word.eq_ignore_ascii_case(k))
}
