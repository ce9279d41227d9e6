//! Which request a line without a request id belongs to (a Rust panic, a print): the one its
//! stream, one execution environment that runs one request at a time, had started last
//! before it, read back from the stream itself, newest stretch first.

use crate::error::DomainResult;
use crate::model::{LogEvent, LogGroupName, PageRequest, TimeWindow};
use crate::ports::LogSource;
use crate::services::log_analysis::{Kind, classify};
use chrono::{DateTime, Duration, Utc};

/// How far back each read reaches, in seconds, newest stretch first: most requests started
/// seconds before; Lambda runs one for at most 15 minutes.
const REACH: [i64; 3] = [10, 60, 15 * 60];
/// Events asked for per page.
const PAGE: u32 = 1_000;
/// Most events read in all: a stream this busy is said to be, rather than read for minutes.
const MOST_READ: usize = 50_000;

/// What a stream says about the request running when it wrote a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Running {
    /// The request had started (at `started`) and not ended when the line was written.
    Request { id: String, started: DateTime<Utc> },
    /// The last request before the line had ended before it: the line came from the
    /// runtime's start or between requests.
    Between { last: String },
    /// No request started in the reach before the line.
    Nothing,
    /// The stream wrote more lines before it than are read back.
    TooBusy,
}

/// The request stream `stream` of `group` was running at `at`.
pub async fn running_at(
    logs: &dyn LogSource,
    group: &LogGroupName,
    stream: &str,
    at: DateTime<Utc>,
) -> DomainResult<Running> {
    // The line's own millisecond is read too: a START written in it came first.
    let end = at + Duration::milliseconds(1);
    let mut read = 0usize;
    let mut newer = end;
    // The requests that ended in the stretches read already (newer than the one being read):
    // a request started in an older stretch and ended in a newer one had ended before the
    // line.
    let mut ended: std::collections::HashSet<String> = std::collections::HashSet::new();
    for seconds in REACH {
        let start = at - Duration::seconds(seconds);
        let Ok(window) = TimeWindow::new(start, newer) else {
            continue;
        };
        let mut events: Vec<LogEvent> = Vec::new();
        let mut page = PageRequest::first(PAGE);
        loop {
            let got = logs
                .stream_events(group, stream, window, None, page)
                .await?;
            read += got.items.len();
            events.extend(got.items);
            match got.next {
                Some(cursor) if read < MOST_READ => page = PageRequest::after(cursor, PAGE),
                Some(_) => return Ok(Running::TooBusy),
                None => break,
            }
        }
        match last_start(&events) {
            Some(Running::Request { id, .. }) if ended.contains(&id) => {
                return Ok(Running::Between { last: id });
            }
            Some(found) => return Ok(found),
            None => {}
        }
        ended.extend(events.iter().filter_map(|e| {
            let info = classify(&e.message);
            matches!(info.kind, Kind::End | Kind::Report)
                .then_some(info.request_id)
                .flatten()
        }));
        newer = start;
    }
    Ok(Running::Nothing)
}

/// The last request started among `events` (in time order), and whether it ended among them.
fn last_start(events: &[LogEvent]) -> Option<Running> {
    let mut found: Option<(String, DateTime<Utc>, bool)> = None;
    for e in events {
        let info = classify(&e.message);
        match (info.kind, info.request_id) {
            (Kind::Start, Some(id)) => found = Some((id, e.timestamp, false)),
            (Kind::End | Kind::Report, Some(id)) => {
                if let Some((started, _, ended)) = &mut found
                    && *started == id
                {
                    *ended = true;
                }
            }
            _ => {}
        }
    }
    found.map(|(id, started, ended)| {
        if ended {
            Running::Between { last: id }
        } else {
            Running::Request { id, started }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(ms: i64, message: &str) -> LogEvent {
        LogEvent {
            group: "/aws/lambda/api".into(),
            stream: "s".into(),
            timestamp: DateTime::from_timestamp_millis(ms).unwrap(),
            ingested_at: None,
            message: message.into(),
            event_id: ms.to_string(),
        }
    }

    const A: &str = "8f5e2a1c-0d7b-4c1e-9a3f-111111111111";
    const B: &str = "8f5e2a1c-0d7b-4c1e-9a3f-222222222222";

    #[test]
    fn the_last_start_not_ended_is_the_running_request() {
        let events = [
            event(1, &format!("START RequestId: {A} Version: $LATEST")),
            event(2, &format!("END RequestId: {A}")),
            event(3, &format!("REPORT RequestId: {A}\tDuration: 1.00 ms")),
            event(4, &format!("START RequestId: {B} Version: $LATEST")),
            event(5, "{\"level\":\"INFO\",\"message\":\"no id here\"}"),
        ];
        assert_eq!(
            last_start(&events),
            Some(Running::Request {
                id: B.into(),
                started: DateTime::from_timestamp_millis(4).unwrap(),
            })
        );
    }

    #[test]
    fn a_line_after_the_last_request_ended_is_between_requests() {
        let events = [
            event(1, &format!("START RequestId: {A} Version: $LATEST")),
            event(2, &format!("END RequestId: {A}")),
        ];
        assert_eq!(
            last_start(&events),
            Some(Running::Between { last: A.into() })
        );
        // The JSON log format's platform lines count as well.
        let json = [
            event(
                1,
                &format!(
                    "{{\"time\":\"2026-12-05T10:00:00Z\",\"type\":\"platform.start\",\"record\":{{\"requestId\":\"{B}\",\"version\":\"$LATEST\"}}}}"
                ),
            ),
            event(2, "thread 'main' panicked at src/main.rs:4:5"),
        ];
        assert!(
            matches!(last_start(&json), Some(Running::Request { id, .. }) if id == B),
            "{:?}",
            last_start(&json)
        );
        assert_eq!(last_start(&json[1..]), None);
    }
}
