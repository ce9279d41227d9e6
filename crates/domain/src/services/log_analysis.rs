//! Reading Lambda log lines: the level of a line, the request it belongs to, and the
//! invocation figures of a `REPORT` line, in both of Lambda's log formats.
//!
//! Text format (the default): `START RequestId: … Version: $LATEST`, `END RequestId: …`,
//! `REPORT RequestId: …\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\t
//! Max Memory Used: 70 MB\tInit Duration: 150.00 ms`, application lines as written (Node's
//! runtime prefixes `timestamp\trequestId\tLEVEL\t`, Python's `[LEVEL]\ttimestamp\trequestId\t`).
//!
//! JSON format (`LoggingConfig.LogFormat = JSON`): platform events such as
//! `{"time":…,"type":"platform.report","record":{"requestId":…,"metrics":{"durationMs":…,
//! "billedDurationMs":…,"memorySizeMB":…,"maxMemoryUsedMB":…,"initDurationMs":…}}}` and
//! application lines with `level` and `requestId` fields.
//!
//! Nothing here panics on any input: a line that is not understood is `Level::Unknown` with no
//! request id and no report.

use serde_json::Value;

/// A log line's severity, as far as it can be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
    Unknown,
}

impl Level {
    fn parse(word: &str) -> Option<Level> {
        Some(match word.to_ascii_uppercase().as_str() {
            "TRACE" => Level::Trace,
            "DEBUG" => Level::Debug,
            "INFO" => Level::Info,
            "WARN" | "WARNING" => Level::Warn,
            "ERROR" => Level::Error,
            "FATAL" | "CRITICAL" => Level::Fatal,
            _ => return None,
        })
    }
}

/// The figures of one invocation, from its REPORT line.
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    pub request_id: String,
    pub duration_ms: f64,
    pub billed_ms: u64,
    pub memory_mb: u32,
    pub max_memory_used_mb: u32,
    /// Present on a cold start.
    pub init_ms: Option<f64>,
    /// The JSON format's `status` (`success`, `error`, `timeout`); text reports say
    /// `Status: timeout` only when the invocation timed out.
    pub status: Option<String>,
}

impl Invocation {
    pub fn is_cold_start(&self) -> bool {
        self.init_ms.is_some()
    }
}

/// What a line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Start,
    End,
    Report,
    /// The runtime's own lines (`platform.*` other than start, runtimeDone and report).
    Platform,
    Application,
}

/// One line, read.
#[derive(Debug, Clone, PartialEq)]
pub struct LineInfo {
    pub kind: Kind,
    pub level: Level,
    pub request_id: Option<String>,
    pub report: Option<Invocation>,
}

/// Reads one log line.
pub fn classify(line: &str) -> LineInfo {
    let trimmed = line.trim_end_matches(['\n', '\r']);
    if trimmed.starts_with('{')
        && let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(trimmed)
    {
        return classify_json(&Value::Object(obj));
    }
    classify_text(trimmed)
}

fn text_request_id(rest: &str) -> Option<String> {
    let id: String = rest
        .split_whitespace()
        .next()?
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    looks_like_request_id(&id).then_some(id)
}

fn looks_like_request_id(id: &str) -> bool {
    (8..=64).contains(&id.len())
        && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        && id.chars().any(|c| c == '-')
}

fn classify_text(line: &str) -> LineInfo {
    if let Some(rest) = line.strip_prefix("START RequestId: ") {
        return LineInfo {
            kind: Kind::Start,
            level: Level::Info,
            request_id: text_request_id(rest),
            report: None,
        };
    }
    if let Some(rest) = line.strip_prefix("END RequestId: ") {
        return LineInfo {
            kind: Kind::End,
            level: Level::Info,
            request_id: text_request_id(rest),
            report: None,
        };
    }
    if let Some(rest) = line.strip_prefix("REPORT RequestId: ") {
        let report = parse_text_report(rest);
        // Any status but success (`timeout`, `error`) is a failed invocation.
        let failed = report
            .as_ref()
            .and_then(|r| r.status.as_deref())
            .is_some_and(|s| s != "success");
        return LineInfo {
            kind: Kind::Report,
            level: if failed { Level::Error } else { Level::Info },
            request_id: text_request_id(rest),
            report,
        };
    }
    // Node: `2026-11-25T10:00:00.000Z\t<request id>\tERROR\tmessage`
    // Python: `[ERROR]\t2026-11-25T10:00:00.000Z\t<request id>\tmessage`
    let fields: Vec<&str> = line.splitn(4, '\t').collect();
    if fields.len() >= 3 {
        if let Some(level) = fields[0]
            .strip_prefix('[')
            .and_then(|f| f.strip_suffix(']'))
            .and_then(Level::parse)
        {
            return LineInfo {
                kind: Kind::Application,
                level,
                request_id: looks_like_request_id(fields[2]).then(|| fields[2].to_string()),
                report: None,
            };
        }
        if looks_like_request_id(fields[1])
            && let Some(level) = Level::parse(fields[2])
        {
            return LineInfo {
                kind: Kind::Application,
                level,
                request_id: Some(fields[1].to_string()),
                report: None,
            };
        }
        // `<id>\tERROR\tmessage` (a logger that leaves out the time), `<time>\t<id>\tERROR\t…`
        // with an id that is not a UUID: `\tERROR\t` lines, as the built-in Insights queries
        // count them (the two disagreed on such lines). The level word is in capitals, as
        // loggers write it; the field before it is the request id where it reads as one.
        let level_at = |i: usize| {
            fields
                .get(i)
                .filter(|f| f.chars().all(|c| c.is_ascii_uppercase()))
                .and_then(|f| Level::parse(f))
        };
        if let Some((at, level)) = [1, 2]
            .into_iter()
            .filter(|&i| i + 1 < fields.len())
            .find_map(|i| level_at(i).map(|l| (i, l)))
        {
            let id = fields[at - 1];
            return LineInfo {
                kind: Kind::Application,
                level,
                request_id: looks_like_request_id(id).then(|| id.to_string()),
                report: None,
            };
        }
    }
    // How runtimes report a failed invocation in plain text: the runtime's own lines, a Rust
    // panic, a Python traceback, Node's uncaught exceptions.
    // `RequestId: <id> Error: Runtime exited with error: exit status 101` then
    // `Runtime.ExitError`; `<time> <id> Task timed out after 3.00 seconds`.
    if let Some(rest) = line.strip_prefix("RequestId: ") {
        return LineInfo {
            kind: Kind::Platform,
            level: if line.contains("Error") {
                Level::Error
            } else {
                Level::Info
            },
            request_id: text_request_id(rest),
            report: None,
        };
    }
    if is_failure_text(line) {
        let request_id = line.split_whitespace().take(3).find_map(text_request_id);
        return LineInfo {
            kind: Kind::Application,
            level: Level::Error,
            request_id,
            report: None,
        };
    }
    // `[ERROR] <request id> message`, `ERROR: message`, `WARN message`.
    let mut words = line.split_whitespace();
    let first = words.next().unwrap_or("");
    let bare = first.trim_start_matches('[').trim_end_matches([']', ':']);
    let level = Level::parse(bare).unwrap_or(Level::Unknown);
    let request_id = if level != Level::Unknown {
        words.next().and_then(text_request_id)
    } else {
        None
    };
    LineInfo {
        kind: Kind::Application,
        level,
        request_id,
        report: None,
    }
}

/// Whether a plain line says its invocation failed though it carries no level word: a Rust
/// panic (`thread 'main' panicked at src/main.rs:1:1:`), a Python traceback, an uncaught Node
/// exception or rejection, a timeout, the runtime exiting.
fn is_failure_text(line: &str) -> bool {
    let panic = line.starts_with("thread '") && line.contains("' panicked at ");
    panic
        || line.starts_with("Traceback (most recent call last)")
        || line.contains("Uncaught Exception")
        || line.contains("Unhandled Promise Rejection")
        || line.contains("Task timed out after")
        || line.starts_with("Runtime.ExitError")
        || line.starts_with("Runtime.Unknown")
}

/// Reads `<id>\tDuration: … ms\tBilled Duration: … ms\t…` (tabs or runs of spaces).
fn parse_text_report(rest: &str) -> Option<Invocation> {
    let request_id = text_request_id(rest)?;
    let mut duration = None;
    let mut billed = None;
    let mut memory = None;
    let mut used = None;
    let mut init = None;
    let mut status = None;
    for part in rest.split('\t').flat_map(|p| p.split("  ")) {
        let Some((key, value)) = part.split_once(':') else {
            continue;
        };
        let number = value.split_whitespace().next().unwrap_or("");
        match key.trim() {
            "Duration" => duration = number.parse::<f64>().ok().filter(|v| v.is_finite()),
            "Billed Duration" => billed = number.parse::<u64>().ok(),
            "Memory Size" => memory = number.parse::<u32>().ok(),
            "Max Memory Used" => used = number.parse::<u32>().ok(),
            "Init Duration" => init = number.parse::<f64>().ok().filter(|v| v.is_finite()),
            "Status" => status = Some(value.trim().to_string()),
            _ => {}
        }
    }
    Some(Invocation {
        request_id,
        duration_ms: duration?,
        billed_ms: billed?,
        memory_mb: memory?,
        max_memory_used_mb: used?,
        init_ms: init,
        status,
    })
}

fn str_field<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|k| v.get(*k).and_then(Value::as_str))
}

fn number(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64).filter(|n| n.is_finite())
}

fn classify_json(v: &Value) -> LineInfo {
    let kind_text = str_field(v, &["type"]);
    let record = v.get("record").unwrap_or(&Value::Null);
    let platform_id = str_field(record, &["requestId"]).map(str::to_string);
    match kind_text {
        Some("platform.start") => {
            return LineInfo {
                kind: Kind::Start,
                level: Level::Info,
                request_id: platform_id,
                report: None,
            };
        }
        Some("platform.runtimeDone") => {
            let failed = str_field(record, &["status"]).is_some_and(|s| s != "success");
            return LineInfo {
                kind: Kind::End,
                level: if failed { Level::Error } else { Level::Info },
                request_id: platform_id,
                report: None,
            };
        }
        Some("platform.report") => {
            let metrics = record.get("metrics").unwrap_or(&Value::Null);
            let status = str_field(record, &["status"]).map(str::to_string);
            let report = platform_id.clone().and_then(|request_id| {
                Some(Invocation {
                    request_id,
                    duration_ms: number(metrics, "durationMs")?,
                    billed_ms: number(metrics, "billedDurationMs")?.max(0.0) as u64,
                    memory_mb: number(metrics, "memorySizeMB")?.max(0.0) as u32,
                    max_memory_used_mb: number(metrics, "maxMemoryUsedMB")?.max(0.0) as u32,
                    init_ms: number(metrics, "initDurationMs"),
                    status: status.clone(),
                })
            });
            let failed = status.as_deref().is_some_and(|s| s != "success");
            return LineInfo {
                kind: Kind::Report,
                level: if failed { Level::Error } else { Level::Info },
                request_id: platform_id,
                report,
            };
        }
        Some(t) if t.starts_with("platform.") => {
            return LineInfo {
                kind: Kind::Platform,
                level: Level::Info,
                request_id: platform_id,
                report: None,
            };
        }
        _ => {}
    }
    let level = str_field(v, &["level", "severity", "levelname"])
        .and_then(Level::parse)
        .unwrap_or(Level::Unknown);
    let request_id = str_field(
        v,
        &["requestId", "request_id", "awsRequestId", "AWSRequestId"],
    )
    .map(str::to_string);
    LineInfo {
        kind: Kind::Application,
        level,
        request_id,
        report: None,
    }
}

/// Percentile (0–100) of `values` by nearest rank; `None` when empty.
pub fn percentile(values: &mut [f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let rank = ((p.clamp(0.0, 100.0) / 100.0) * values.len() as f64).ceil() as usize;
    Some(values[rank.saturating_sub(1).min(values.len() - 1)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_runtime_s_way_of_failing_reads_as_an_error() {
        let id = "8a0e7c3e-1d5f-4f0a-9a55-6d3f2b1c0e9a";
        for line in [
            "thread 'main' panicked at src/bin/api.rs:42:9:",
            "thread 'tokio-runtime-worker' panicked at crates/domain/src/api/handlers.rs:10:5:",
            "Traceback (most recent call last):",
            "2026-11-25T10:00:00.000Z\tundefined\tERROR\tUncaught Exception \t{\"errorType\":\"TypeError\"}",
            "2026-11-25T10:00:00.000Z\tundefined\tERROR\tUnhandled Promise Rejection \t{}",
            "Runtime.ExitError",
        ] {
            assert_eq!(classify(line).level, Level::Error, "{line}");
        }
        let timeout = classify(&format!(
            "2026-11-25T10:00:03.012Z {id} Task timed out after 3.00 seconds"
        ));
        assert_eq!(timeout.level, Level::Error);
        assert_eq!(timeout.request_id.as_deref(), Some(id));
        let exit = classify(&format!(
            "RequestId: {id} Error: Runtime exited with error: exit status 101"
        ));
        assert_eq!(
            (exit.level, exit.request_id.as_deref()),
            (Level::Error, Some(id))
        );
        assert_eq!(
            classify("panicked is just a word here").level,
            Level::Unknown
        );
    }

    const ID: &str = "8f5b3c1e-6a2d-4a8e-9c3b-1d2e3f4a5b6c";

    #[test]
    fn text_report_with_a_cold_start() {
        let line = format!(
            "REPORT RequestId: {ID}\tDuration: 102.25 ms\tBilled Duration: 103 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tInit Duration: 151.72 ms\t"
        );
        let info = classify(&line);
        assert_eq!(info.kind, Kind::Report);
        assert_eq!(info.request_id.as_deref(), Some(ID));
        let r = info.report.unwrap();
        assert_eq!(r.duration_ms, 102.25);
        assert_eq!(r.billed_ms, 103);
        assert_eq!(r.memory_mb, 128);
        assert_eq!(r.max_memory_used_mb, 70);
        assert_eq!(r.init_ms, Some(151.72));
        assert!(r.is_cold_start());
    }

    #[test]
    fn text_report_warm_and_timed_out() {
        let warm = classify(&format!(
            "REPORT RequestId: {ID}  Duration: 3.01 ms  Billed Duration: 4 ms  Memory Size: 512 MB  Max Memory Used: 88 MB"
        ));
        let r = warm.report.unwrap();
        assert_eq!((r.duration_ms, r.billed_ms, r.init_ms), (3.01, 4, None));
        let timeout = classify(&format!(
            "REPORT RequestId: {ID}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 90 MB\tStatus: timeout"
        ));
        assert_eq!(timeout.level, Level::Error);
        assert_eq!(timeout.report.unwrap().status.as_deref(), Some("timeout"));
        let error = classify(&format!(
            "REPORT RequestId: {ID}\tDuration: 3.00 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 90 MB\tStatus: error\tError Type: Runtime.ExitError"
        ));
        assert_eq!(error.level, Level::Error);
    }

    #[test]
    fn json_platform_report() {
        let line = format!(
            r#"{{"time":"2026-11-25T10:00:00.000Z","type":"platform.report","record":{{"requestId":"{ID}","metrics":{{"durationMs":12.5,"billedDurationMs":13,"memorySizeMB":256,"maxMemoryUsedMB":81,"initDurationMs":201.3}},"status":"success"}}}}"#
        );
        let info = classify(&line);
        assert_eq!(info.kind, Kind::Report);
        let r = info.report.unwrap();
        assert_eq!(r.request_id, ID);
        assert_eq!(
            (
                r.duration_ms,
                r.billed_ms,
                r.memory_mb,
                r.max_memory_used_mb
            ),
            (12.5, 13, 256, 81)
        );
        assert_eq!(r.init_ms, Some(201.3));
        assert_eq!(r.status.as_deref(), Some("success"));
        let failed = classify(&line.replace("\"success\"", "\"error\""));
        assert_eq!(failed.level, Level::Error);
    }

    #[test]
    fn start_end_and_application_lines() {
        let start = classify(&format!("START RequestId: {ID} Version: $LATEST"));
        assert_eq!(
            (start.kind, start.request_id.as_deref()),
            (Kind::Start, Some(ID))
        );
        let end = classify(&format!("END RequestId: {ID}"));
        assert_eq!((end.kind, end.request_id.as_deref()), (Kind::End, Some(ID)));
        let node = classify(&format!("2026-11-25T10:00:00.000Z\t{ID}\tERROR\tboom"));
        assert_eq!(
            (node.level, node.request_id.as_deref()),
            (Level::Error, Some(ID))
        );
        let python = classify(&format!("[WARNING]\t2026-11-25T10:00:00.000Z\t{ID}\tslow"));
        assert_eq!(
            (python.level, python.request_id.as_deref()),
            (Level::Warn, Some(ID))
        );
        // Without the time, as some loggers write it.
        let untimed = classify(&format!("{ID}\tERROR\tsomething failed #2792"));
        assert_eq!(untimed.level, Level::Error);
        assert_eq!(untimed.request_id.as_deref(), Some(ID));
        let named = classify("req-7-000000002792\tERROR\tsomething failed");
        assert_eq!((named.level, named.request_id), (Level::Error, None));
        let timed = classify("2026-12-06T12:09:35.110Z\treq-q1\tERROR\tnode style");
        assert_eq!((timed.level, timed.request_id), (Level::Error, None));
        let bracket = classify(&format!("[ERROR] {ID} image refused"));
        assert_eq!(
            (bracket.level, bracket.request_id.as_deref()),
            (Level::Error, Some(ID))
        );
        let json = classify(&format!(
            r#"{{"level":"WARN","message":"x","requestId":"{ID}"}}"#
        ));
        assert_eq!(
            (json.level, json.request_id.as_deref()),
            (Level::Warn, Some(ID))
        );
        let plain = classify("just some words");
        assert_eq!((plain.level, plain.request_id), (Level::Unknown, None));
        assert_eq!(
            classify("Task timed out after 3.00 seconds").level,
            Level::Error
        );
    }

    #[test]
    fn a_report_missing_a_figure_is_not_a_report() {
        let info = classify(&format!("REPORT RequestId: {ID}\tDuration: 1.0 ms"));
        assert_eq!(info.kind, Kind::Report);
        assert!(info.report.is_none());
        let json =
            classify(r#"{"type":"platform.report","record":{"metrics":{"durationMs":"x"}}}"#);
        assert!(json.report.is_none());
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let mut v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&mut v, 50.0), Some(50.0));
        assert_eq!(percentile(&mut v, 95.0), Some(95.0));
        assert_eq!(percentile(&mut v, 100.0), Some(100.0));
        assert_eq!(percentile(&mut [], 50.0), None);
    }

    proptest! {
        #[test]
        fn any_line_is_read_without_panicking(line in "\\PC{0,200}") {
            let _ = classify(&line);
            let _ = classify(&format!("REPORT RequestId: {line}"));
            let _ = classify(&format!("{{\"type\":\"platform.report\",\"record\":{line}}}"));
        }

        #[test]
        fn written_reports_read_back(
            duration in 0.0f64..900_000.0,
            billed in 0u64..900_000,
            memory in 128u32..10_240,
            used in 1u32..10_240,
            init in proptest::option::of(0.0f64..10_000.0),
        ) {
            let mut line = format!(
                "REPORT RequestId: {ID}\tDuration: {duration:.2} ms\tBilled Duration: {billed} ms\tMemory Size: {memory} MB\tMax Memory Used: {used} MB"
            );
            if let Some(i) = init {
                line.push_str(&format!("\tInit Duration: {i:.2} ms"));
            }
            let r = classify(&line).report.unwrap();
            prop_assert!((r.duration_ms - duration).abs() < 0.006);
            prop_assert_eq!((r.billed_ms, r.memory_mb, r.max_memory_used_mb), (billed, memory, used));
            prop_assert_eq!(r.init_ms.is_some(), init.is_some());
        }
    }
}
