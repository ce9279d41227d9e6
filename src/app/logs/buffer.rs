//! The Logs pane's ring buffer: compact lines, read once on arrival, oldest dropped past a cap.
//!
//! Each line is classified when it is appended (level, kind, request id, REPORT figures) and
//! stored as a 40-byte record plus its text in a shared block of the segment it belongs to, so a
//! million lines cost their text and little more. Lines are numbered by an ever-growing
//! sequence number; a view holds sequence numbers, never references, so eviction cannot leave
//! it dangling. Nothing here draws or does I/O.

use super::timeline::{Histogram, Timeline};
use backoffice_domain::model::LogEvent;
use backoffice_domain::services::log_analysis::{self, Kind, Level};
use std::collections::{HashMap, VecDeque};

/// How far back a line without a request id looks for its request's id: an open line's
/// detail asks on every frame, so the walk stays short (a request's START is seldom more than
/// a few thousand lines above its panic).
pub const REQUEST_LOOKBACK: usize = 20_000;

pub use super::request_key::RequestKey;

/// Most lines one segment holds; small buffers use smaller segments so eviction stays close to
/// the cap.
const MAX_SEGMENT_LINES: usize = 4096;
const MIN_SEGMENT_LINES: usize = 64;

/// What a line is, as the pane shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Start,
    End,
    Report,
    Platform,
    Application,
    /// The service sent only a sample of the matching events from here on.
    Sampled,
    /// Events may be missing here.
    Gap,
    /// The tail regained its connection.
    Reconnected,
    /// A group's lines end here: it was deleted while tailed.
    Gone,
    /// A note from the console itself (a query stopped at the cap, and such).
    Note,
}

impl LineKind {
    pub fn is_marker(self) -> bool {
        matches!(
            self,
            LineKind::Sampled
                | LineKind::Gap
                | LineKind::Reconnected
                | LineKind::Gone
                | LineKind::Note
        )
    }
}

/// One stored line's record; its text lives in the segment's block.
#[derive(Debug, Clone, Copy)]
struct Meta {
    ts_ms: i64,
    start: u32,
    len: u32,
    req: RequestKey,
    stream: u32,
    group: u16,
    level: Level,
    kind: LineKind,
}

#[derive(Debug, Default)]
struct Segment {
    text: String,
    meta: Vec<Meta>,
}

/// An invocation read from a REPORT line.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub seq: u64,
    pub ts_ms: i64,
    pub req: RequestKey,
    pub group: u16,
    pub duration_ms: f64,
    pub billed_ms: u64,
    pub memory_mb: u32,
    pub max_memory_used_mb: u32,
    pub init_ms: Option<f64>,
    /// Timed out or failed, as the report says.
    pub failed: bool,
}

/// A line with level Error or above.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorLine {
    pub seq: u64,
    pub ts_ms: i64,
    pub req: RequestKey,
}

/// One line, borrowed from the buffer.
#[derive(Debug, Clone, Copy)]
pub struct LineRef<'a> {
    pub seq: u64,
    pub ts_ms: i64,
    pub text: &'a str,
    pub level: Level,
    pub kind: LineKind,
    pub req: RequestKey,
    pub group: &'a str,
    pub stream: &'a str,
}

/// Per-bucket figures for the sparkline strip, oldest bucket first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Strip {
    pub from_ms: i64,
    pub to_ms: i64,
    pub invocations: Vec<u64>,
    pub errors: Vec<u64>,
    pub p50_ms: Vec<u64>,
    pub p95_ms: Vec<u64>,
    pub cold_starts: Vec<u64>,
}

/// The capped ring of lines.
#[derive(Debug)]
pub struct LogBuffer {
    cap: usize,
    segment_lines: usize,
    segments: VecDeque<Segment>,
    /// Lines already dropped from the front segment.
    head_skip: usize,
    first_seq: u64,
    len: usize,
    groups: Vec<String>,
    group_index: HashMap<String, u16>,
    streams: Vec<Box<str>>,
    stream_index: HashMap<Box<str>, u32>,
    reports: VecDeque<Report>,
    /// The marker lines held (the console's notes, gaps), by number: counts leave them out.
    markers: VecDeque<u64>,
    errors: VecDeque<ErrorLine>,
    /// The reports' and errors' running figures, kept as lines come and go.
    timeline: Timeline,
    durations: Histogram,
    cold_starts: usize,
    /// The invocations an error line, a panic, a timeout or a failed report marks as failed,
    /// each once, with how many of the kept lines mark it.
    failed: HashMap<RequestKey, u32>,
    /// The request each stream of each group is running (from its START to its REPORT):
    /// Lambda runs one request at a time per stream, so a line without an id (a panic, a
    /// print) is that one's. Keyed by group too: two functions' streams share names
    /// (`2026/11/25/[$LATEST]abc`), and a line of one is never the other's.
    running: HashMap<(u16, u32), RequestKey>,
    /// Changes whenever lines are added or dropped, for caches.
    generation: u64,
}

/// The text a buffer keeps of an event's message: the line break that ends nearly every Lambda
/// line ends the record, not its text (kept, it would show as `⏎` on every line and save as a
/// blank line after each). Lines from elsewhere are compared with a buffer's in this form.
pub fn stored_text(message: &str) -> &str {
    message
        .strip_suffix('\n')
        .map_or(message, |t| t.strip_suffix('\r').unwrap_or(t))
}

impl LogBuffer {
    pub fn new(cap: usize) -> Self {
        let cap = cap.max(1);
        Self {
            cap,
            segment_lines: (cap / 8).clamp(MIN_SEGMENT_LINES, MAX_SEGMENT_LINES),
            segments: VecDeque::new(),
            head_skip: 0,
            first_seq: 0,
            len: 0,
            groups: Vec::new(),
            group_index: HashMap::new(),
            streams: Vec::new(),
            stream_index: HashMap::new(),
            reports: VecDeque::new(),
            markers: VecDeque::new(),
            errors: VecDeque::new(),
            timeline: Timeline::default(),
            durations: Histogram::default(),
            cold_starts: 0,
            failed: HashMap::new(),
            running: HashMap::new(),
            generation: 0,
        }
    }

    pub fn cap(&self) -> usize {
        self.cap
    }

    /// Changes the cap; an emptied buffer also resizes its segments.
    pub fn set_cap(&mut self, cap: usize) {
        if self.len == 0 {
            let next = self.end_seq();
            let generation = self.generation + 1;
            *self = Self::new(cap);
            self.first_seq = next;
            self.generation = generation;
        } else {
            self.cap = cap.max(1);
            self.evict();
        }
    }

    /// Empties the buffer; sequence numbers keep growing so old views find nothing.
    pub fn clear(&mut self) {
        let next = self.end_seq();
        let generation = self.generation + 1;
        *self = Self::new(self.cap);
        self.first_seq = next;
        self.generation = generation;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The oldest kept line's number.
    pub fn first_seq(&self) -> u64 {
        self.first_seq
    }

    /// One past the newest line's number.
    pub fn end_seq(&self) -> u64 {
        self.first_seq + self.len as u64
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The groups seen, in the order they first appeared.
    pub fn groups(&self) -> &[String] {
        &self.groups
    }

    pub fn reports(&self) -> &VecDeque<Report> {
        &self.reports
    }

    pub fn errors(&self) -> &VecDeque<ErrorLine> {
        &self.errors
    }

    /// The durations of every invocation in the buffer.
    pub fn durations(&self) -> &Histogram {
        &self.durations
    }

    pub fn cold_starts(&self) -> usize {
        self.cold_starts
    }

    /// Failed invocations, counted once each by request id: any of their lines is an error, a
    /// panic, a traceback, an uncaught exception or a timeout, or their report says so.
    pub fn failed(&self) -> usize {
        self.failed.len()
    }

    /// Whether any kept line marks request `req` as failed.
    pub fn is_failed(&self, req: RequestKey) -> bool {
        self.failed.contains_key(&req)
    }

    pub fn group_name(&self, index: u16) -> &str {
        self.groups.get(index as usize).map_or("", String::as_str)
    }

    /// Reads and appends an event; returns its number.
    pub fn push_event(&mut self, event: &LogEvent) -> u64 {
        let info = log_analysis::classify(&event.message);
        let kind = match info.kind {
            Kind::Start => LineKind::Start,
            Kind::End => LineKind::End,
            Kind::Report => LineKind::Report,
            Kind::Platform => LineKind::Platform,
            Kind::Application => LineKind::Application,
        };
        let group = self.intern_group(&event.group);
        let stream = self.intern_stream(&event.stream);
        let req = match info.request_id.as_deref() {
            Some(id) => RequestKey::of(id),
            None => self
                .running
                .get(&(group, stream))
                .copied()
                .unwrap_or(RequestKey::NONE),
        };
        match kind {
            LineKind::Start if req.is_some() => {
                self.running.insert((group, stream), req);
            }
            LineKind::Report => {
                self.running.remove(&(group, stream));
            }
            _ => {}
        }
        let ts_ms = event.timestamp.timestamp_millis();
        let text = stored_text(&event.message);
        let seq = self.append(
            text,
            Meta {
                ts_ms,
                start: 0,
                len: 0,
                req,
                stream,
                group,
                level: info.level,
                kind,
            },
        );
        if let Some(r) = info.report {
            let failed = r.status.as_deref().is_some_and(|s| s != "success");
            self.timeline
                .add_invocation(ts_ms, r.duration_ms, r.init_ms.is_some());
            self.durations.add(r.duration_ms);
            self.cold_starts += usize::from(r.init_ms.is_some());
            self.reports.push_back(Report {
                seq,
                ts_ms,
                req,
                group,
                duration_ms: r.duration_ms,
                billed_ms: r.billed_ms,
                memory_mb: r.memory_mb,
                max_memory_used_mb: r.max_memory_used_mb,
                init_ms: r.init_ms,
                failed,
            });
        }
        if info.level >= Level::Error && info.level != Level::Unknown {
            self.timeline.add_error(ts_ms);
            self.errors.push_back(ErrorLine { seq, ts_ms, req });
            if req.is_some() {
                *self.failed.entry(req).or_insert(0) += 1;
            }
        }
        self.evict();
        seq
    }

    /// Appends a marker line (sampled, gap, reconnected, a note).
    pub fn push_marker(&mut self, kind: LineKind, ts_ms: i64, text: &str) -> u64 {
        let seq = self.append(
            text,
            Meta {
                ts_ms,
                start: 0,
                len: 0,
                req: RequestKey::NONE,
                stream: u32::MAX,
                group: u16::MAX,
                level: Level::Info,
                kind,
            },
        );
        self.markers.push_back(seq);
        self.evict();
        seq
    }

    /// The log lines held, the console's marker lines left out (a live tail's title counted
    /// its `live from here` note, and a save of the same lines said one fewer).
    pub fn log_lines(&self) -> usize {
        self.len - self.markers.len()
    }

    /// Stores `text` with `meta` (whose `start` and `len` are filled in here).
    fn append(&mut self, text: &str, mut meta: Meta) -> u64 {
        let full = self
            .segments
            .back()
            .is_none_or(|s| s.meta.len() >= self.segment_lines);
        if full {
            if let Some(last) = self.segments.back_mut() {
                // A sealed segment never grows again: give back what the doubling reserved.
                last.text.shrink_to_fit();
                last.meta.shrink_to_fit();
            }
            self.segments.push_back(Segment {
                text: String::new(),
                meta: Vec::with_capacity(self.segment_lines),
            });
        }
        let segment = self
            .segments
            .back_mut()
            .unwrap_or_else(|| unreachable!("a segment was pushed above when none had room"));
        // Offsets are u32, so a segment's text stays under 4 GiB (4,096 CloudWatch events of
        // at most 256 KB fit); whatever would go past that is cut.
        let text = cut(text, (u32::MAX as usize).saturating_sub(segment.text.len()));
        meta.start = segment.text.len() as u32;
        meta.len = text.len() as u32;
        segment.text.push_str(text);
        segment.meta.push(meta);
        let seq = self.first_seq + self.len as u64;
        self.len += 1;
        self.generation += 1;
        seq
    }

    fn evict(&mut self) {
        while self.len > self.cap {
            self.head_skip += 1;
            self.first_seq += 1;
            self.len -= 1;
            let front_done = self
                .segments
                .front()
                .is_some_and(|s| self.head_skip >= s.meta.len());
            if front_done {
                self.segments.pop_front();
                self.head_skip = 0;
            }
        }
        while self.markers.front().is_some_and(|m| *m < self.first_seq) {
            self.markers.pop_front();
        }
        while let Some(r) = self.reports.front().filter(|r| r.seq < self.first_seq) {
            let cold = r.init_ms.is_some();
            self.timeline
                .remove_invocation(r.ts_ms, r.duration_ms, cold);
            self.durations.remove(r.duration_ms);
            self.cold_starts -= usize::from(cold);
            self.reports.pop_front();
        }
        while let Some(e) = self.errors.front().filter(|e| e.seq < self.first_seq) {
            self.timeline.remove_error(e.ts_ms);
            if let Some(n) = self.failed.get_mut(&e.req) {
                *n -= 1;
                if *n == 0 {
                    self.failed.remove(&e.req);
                }
            }
            self.errors.pop_front();
        }
    }

    fn intern_group(&mut self, name: &str) -> u16 {
        if let Some(i) = self.group_index.get(name) {
            return *i;
        }
        // A tail follows at most ten groups; past 65,534 the last slot is shared.
        let i = self.groups.len().min(u16::MAX as usize - 1) as u16;
        if (i as usize) == self.groups.len() {
            self.groups.push(name.to_string());
            self.group_index.insert(name.to_string(), i);
        }
        i
    }

    fn intern_stream(&mut self, name: &str) -> u32 {
        if let Some(i) = self.stream_index.get(name) {
            return *i;
        }
        let i = self.streams.len() as u32;
        self.streams.push(name.into());
        self.stream_index.insert(name.into(), i);
        i
    }

    /// The line numbered `seq`, if it is still kept.
    pub fn get(&self, seq: u64) -> Option<LineRef<'_>> {
        if seq < self.first_seq || seq >= self.end_seq() {
            return None;
        }
        let index = (seq - self.first_seq) as usize + self.head_skip;
        let segment = self.segments.get(index / self.segment_lines)?;
        let meta = segment.meta.get(index % self.segment_lines)?;
        let start = meta.start as usize;
        let text = segment.text.get(start..start + meta.len as usize)?;
        Some(LineRef {
            seq,
            ts_ms: meta.ts_ms,
            text,
            level: meta.level,
            kind: meta.kind,
            req: meta.req,
            group: self.group_name(meta.group),
            stream: self.streams.get(meta.stream as usize).map_or("", |s| s),
        })
    }

    /// Lines from `from` (inclusive) to the end, oldest first.
    pub fn iter_from(&self, from: u64) -> impl Iterator<Item = LineRef<'_>> + '_ {
        (from.max(self.first_seq)..self.end_seq()).filter_map(move |s| self.get(s))
    }

    /// The numbers of the lines from `from` on that `matches` accepts.
    pub fn find_from(&self, from: u64, mut matches: impl FnMut(&str) -> bool) -> Vec<u64> {
        self.iter_from(from)
            .filter(|l| !l.kind.is_marker() && matches(l.text))
            .map(|l| l.seq)
            .collect()
    }

    /// The numbers of the lines from `from` on that contain `needle`; with `ignore_case`,
    /// `needle` must be lower case and ASCII letters of the lines are compared lowered. Each
    /// segment's block is searched in one pass (lowered once, when case is ignored); a match
    /// that runs from one line into the next does not count, and the search goes on from the
    /// next line's start.
    pub fn find_text(&self, from: u64, needle: &str, ignore_case: bool) -> Vec<u64> {
        let mut out = Vec::new();
        if needle.is_empty() {
            return out;
        }
        let from = from.max(self.first_seq);
        let mut lowered = String::new();
        for (si, segment) in self.segments.iter().enumerate() {
            // The number of the segment's first record (dropped ones included).
            let base = (self.first_seq + (si * self.segment_lines) as u64)
                .saturating_sub(self.head_skip as u64);
            let skip = if si == 0 { self.head_skip } else { 0 };
            let k0 = (from.saturating_sub(base) as usize).max(skip);
            let Some(first) = segment.meta.get(k0) else {
                continue;
            };
            let offset = first.start as usize;
            let block = segment.text.get(offset..).unwrap_or("");
            let text = if ignore_case {
                lowered.clear();
                lowered.push_str(block);
                lowered.make_ascii_lowercase();
                lowered.as_str()
            } else {
                block
            };
            let mut k = k0;
            let mut at = 0usize;
            while let Some(i) = text.get(at..).and_then(|t| t.find(needle)) {
                let pos = offset + at + i;
                while segment
                    .meta
                    .get(k)
                    .is_some_and(|m| (m.start + m.len) as usize <= pos)
                {
                    k += 1;
                }
                let Some(m) = segment.meta.get(k) else {
                    break;
                };
                let end = (m.start + m.len) as usize;
                if pos + needle.len() <= end && !m.kind.is_marker() {
                    out.push(base + k as u64);
                }
                // One match a line is enough; a match across lines restarts at the next line.
                at = end - offset;
                k += 1;
            }
        }
        out
    }

    /// The request id of `l`: its own (`true`), else, for a line that carries none (a panic,
    /// a print), that of the request its stream was running (`false`), read from the nearest
    /// line before it of the same request, at most [`REQUEST_LOOKBACK`] lines back.
    pub fn request_id_of(&self, l: &LineRef<'_>) -> Option<(String, bool)> {
        if let Some(id) = log_analysis::classify(l.text).request_id {
            return Some((id, true));
        }
        if !l.req.is_some() {
            return None;
        }
        (self.first_seq..l.seq)
            .rev()
            .take(REQUEST_LOOKBACK)
            .filter_map(|s| self.get(s))
            .filter(|o| o.req == l.req)
            .find_map(|o| log_analysis::classify(o.text).request_id)
            .map(|id| (id, false))
    }

    /// The numbers of the lines of one request.
    pub fn lines_of(&self, req: RequestKey) -> Vec<u64> {
        if !req.is_some() {
            return Vec::new();
        }
        self.iter_from(self.first_seq)
            .filter(|l| l.req == req)
            .map(|l| l.seq)
            .collect()
    }

    /// Figures per time bucket over the span the buffer covers, for the sparkline strip; read
    /// from the running timeline, so it costs the same however many lines are kept.
    pub fn strip(&self, buckets: usize) -> Strip {
        let Some((from_ms, to_ms)) = self.timeline.span() else {
            return Strip::default();
        };
        let cells = self.timeline.buckets(buckets);
        let percentile = |p: f64| -> Vec<u64> {
            cells
                .iter()
                .map(|c| c.durations.percentile(p).map_or(0, |v| v.ceil() as u64))
                .collect()
        };
        Strip {
            from_ms,
            to_ms,
            invocations: cells.iter().map(|c| u64::from(c.invocations)).collect(),
            errors: cells.iter().map(|c| u64::from(c.errors)).collect(),
            p50_ms: percentile(50.0),
            p95_ms: percentile(95.0),
            cold_starts: cells.iter().map(|c| u64::from(c.cold_starts)).collect(),
        }
    }
}

/// `text` cut to at most `max` bytes on a character boundary.
fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use proptest::prelude::*;

    const ID: &str = "8f5b3c1e-6a2d-4a8e-9c3b-1d2e3f4a5b6c";

    /// Counts leave the console's marker lines out, also once they are pushed out.
    #[test]
    fn marker_lines_are_not_counted_as_log_lines() {
        let mut b = LogBuffer::new(3);
        b.push_marker(LineKind::Note, 0, "live from here");
        b.push_event(&event(1, "INFO one"));
        b.push_event(&event(2, "INFO two"));
        assert_eq!((b.len(), b.log_lines()), (3, 2));
        b.push_event(&event(3, "INFO three"));
        assert_eq!((b.len(), b.log_lines()), (3, 3), "the note pushed out");
    }

    #[test]
    fn failed_invocations_are_counted_once_by_request_whatever_says_so() {
        let ids = [
            "11111111-6a2d-4a8e-9c3b-1d2e3f4a5b6c",
            "22222222-6a2d-4a8e-9c3b-1d2e3f4a5b6c",
            "33333333-6a2d-4a8e-9c3b-1d2e3f4a5b6c",
            "44444444-6a2d-4a8e-9c3b-1d2e3f4a5b6c",
        ];
        let mut b = LogBuffer::new(1_000);
        let report = |id: &str, status: &str| {
            format!(
                r#"{{"time":"2026-11-25T10:00:00.000Z","type":"platform.report","record":{{"requestId":"{id}","status":"{status}","metrics":{{"durationMs":12.0,"billedDurationMs":13,"memorySizeMB":128,"maxMemoryUsedMB":60}}}}}}"#
            )
        };
        // 1: an ERROR line and a failed report: one failed invocation, two error lines.
        b.push_event(&event(
            0,
            &format!("START RequestId: {} Version: $LATEST", ids[0]),
        ));
        b.push_event(&event(
            1,
            &format!(
                r#"{{"level":"ERROR","requestId":"{}","message":"db down"}}"#,
                ids[0]
            ),
        ));
        b.push_event(&event(2, &report(ids[0], "error")));
        // 2: a Rust panic, which carries no request id: the stream's running request failed.
        b.push_event(&event(
            3,
            &format!("START RequestId: {} Version: $LATEST", ids[1]),
        ));
        b.push_event(&event(4, "thread 'main' panicked at src/bin/api.rs:42:9:"));
        b.push_event(&event(5, "called `Option::unwrap()` on a `None` value"));
        b.push_event(&event(6, &format!("END RequestId: {}", ids[1])));
        b.push_event(&event(7, &report(ids[1], "error")));
        // 3: a clean invocation.
        b.push_event(&event(
            8,
            &format!("START RequestId: {} Version: $LATEST", ids[2]),
        ));
        b.push_event(&event(9, &report(ids[2], "success")));
        // 4: a Python traceback.
        b.push_event(&event(
            10,
            &format!("START RequestId: {} Version: $LATEST", ids[3]),
        ));
        b.push_event(&event(11, "Traceback (most recent call last):"));
        b.push_event(&event(12, &report(ids[3], "success")));
        assert_eq!(b.failed(), 3, "1, 2 and 4");
        assert!(!b.is_failed(RequestKey::of(ids[2])));
        assert!(b.is_failed(RequestKey::of(ids[1])));
        // The panic line belongs to its request, for the request view.
        let panic = b.get(b.first_seq() + 4).unwrap();
        assert_eq!(panic.req, RequestKey::of(ids[1]));
        assert_eq!(panic.level, Level::Error);
        assert_eq!(
            b.errors().len(),
            5,
            "every error line, failed reports included"
        );

        // Another function's stream of the same name is not running that request: its line
        // without an id belongs to no request and fails none.
        b.push_event(&event(
            13,
            &format!("START RequestId: {} Version: $LATEST", ids[2]),
        ));
        let mut other = event(14, "thumbnail done");
        other.group = "/aws/lambda/thumbnails".into();
        let seq = b.push_event(&other);
        assert_eq!(b.get(seq).unwrap().req, RequestKey::NONE);
    }

    fn event(i: i64, message: &str) -> LogEvent {
        LogEvent {
            group: "/aws/lambda/api".into(),
            stream: "2026/11/25/[$LATEST]abc".into(),
            timestamp: Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap()
                + chrono::Duration::seconds(i),
            ingested_at: None,
            message: message.into(),
            event_id: i.to_string(),
        }
    }

    #[test]
    fn lines_are_kept_in_order_with_what_was_read_from_them() {
        let mut b = LogBuffer::new(1000);
        b.push_event(&event(
            0,
            &format!("START RequestId: {ID} Version: $LATEST"),
        ));
        b.push_event(&event(
            1,
            &format!(r#"{{"level":"ERROR","requestId":"{ID}","message":"boom"}}"#),
        ));
        b.push_event(&event(2, &format!("REPORT RequestId: {ID}\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tInit Duration: 200.00 ms")));
        assert_eq!(b.len(), 3);
        let l = b.get(1).unwrap();
        assert_eq!((l.level, l.kind), (Level::Error, LineKind::Application));
        assert_eq!(l.req, RequestKey::of(ID));
        assert_eq!(l.group, "/aws/lambda/api");
        assert_eq!(b.reports().len(), 1);
        assert_eq!(b.reports()[0].init_ms, Some(200.0));
        assert_eq!(b.errors().len(), 1);
        assert_eq!(b.lines_of(RequestKey::of(ID)), vec![0, 1, 2]);
    }

    /// The line break that ends a Lambda line is not part of its text (one, with its `\r`);
    /// breaks inside a line, and a second one at its end, are.
    #[test]
    fn the_line_break_ending_a_line_is_not_kept() {
        let mut b = LogBuffer::new(10);
        for (i, m) in [
            "START RequestId: x\n",
            "crlf\r\n",
            "two\nlines\n",
            "blank after\n\n",
            "none",
        ]
        .into_iter()
        .enumerate()
        {
            b.push_event(&event(i as i64, m));
        }
        let texts: Vec<&str> = b.iter_from(0).map(|l| l.text).collect();
        assert_eq!(
            texts,
            [
                "START RequestId: x",
                "crlf",
                "two\nlines",
                "blank after\n",
                "none"
            ]
        );
    }

    #[test]
    fn the_oldest_lines_go_once_the_cap_is_reached() {
        let mut b = LogBuffer::new(1000);
        for i in 0..5000 {
            b.push_event(&event(i, &format!("line {i}")));
        }
        assert_eq!(b.len(), 1000);
        assert_eq!(b.first_seq(), 4000);
        assert_eq!(b.get(3999).map(|l| l.text), None);
        assert_eq!(b.get(4000).unwrap().text, "line 4000");
        assert_eq!(b.get(4999).unwrap().text, "line 4999");
        // Whole segments are released, not only skipped.
        assert!(b.segments.len() <= 1000 / b.segment_lines + 2);
    }

    #[test]
    fn reports_and_errors_leave_with_their_lines() {
        let mut b = LogBuffer::new(1000);
        b.push_event(&event(0, "ERROR first"));
        for i in 1..=1000 {
            b.push_event(&event(i, "INFO fine"));
        }
        assert!(b.errors().is_empty());
    }

    #[test]
    fn clearing_keeps_numbering_going() {
        let mut b = LogBuffer::new(1000);
        b.push_event(&event(0, "a"));
        b.clear();
        assert!(b.get(0).is_none());
        assert_eq!(b.push_event(&event(1, "b")), 1);
    }

    #[test]
    fn request_keys_read_uuids_exactly_and_hash_the_rest() {
        assert_eq!(RequestKey::of(ID), RequestKey::of(&ID.to_uppercase()));
        assert_ne!(RequestKey::of(ID), RequestKey::of("8f5b3c1e-6a2d"));
        assert!(RequestKey::of("").is_some());
    }

    #[test]
    fn the_strip_counts_invocations_errors_and_cold_starts_per_bucket() {
        let mut b = LogBuffer::new(1000);
        let report = |d: f64, cold: bool| {
            let mut r = format!(
                "REPORT RequestId: {ID}\tDuration: {d:.2} ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB"
            );
            if cold {
                r.push_str("\tInit Duration: 100.00 ms");
            }
            r
        };
        b.push_event(&event(0, &report(10.0, true)));
        b.push_event(&event(1, &report(30.0, false)));
        b.push_event(&event(99, "ERROR late"));
        b.push_event(&event(100, &report(90.0, false)));
        let s = b.strip(2);
        assert_eq!(s.invocations, vec![2, 1]);
        assert_eq!(s.cold_starts, vec![1, 0]);
        assert_eq!(s.errors, vec![0, 1]);
        // Within a histogram bin (2.5%) of 10, 30 and 90 ms.
        assert!(
            (10..=11).contains(&s.p50_ms[0]) && (89..=93).contains(&s.p50_ms[1]),
            "{s:?}"
        );
        assert!(
            (30..=31).contains(&s.p95_ms[0]) && (89..=93).contains(&s.p95_ms[1]),
            "{s:?}"
        );
        assert_eq!((b.cold_starts(), b.durations().total()), (1, 3));
    }

    proptest! {
        #[test]
        fn any_text_is_stored_and_read_back(lines in proptest::collection::vec(any::<String>(), 1..50)) {
            let mut b = LogBuffer::new(1000);
            for (i, l) in lines.iter().enumerate() {
                b.push_event(&event(i as i64, l));
            }
            for (i, l) in lines.iter().enumerate() {
                prop_assert_eq!(b.get(i as u64).unwrap().text, l.as_str());
            }
        }
    }
}
