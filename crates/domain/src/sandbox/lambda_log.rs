//! The lines Lambda itself writes around an invocation, in its text format, shared by the
//! seeder and the traffic simulator so that both look like the real thing to the Logs pane, and
//! by the contract tests that arrange invocations in the sandbox's log store.

use chrono::{DateTime, Utc};

pub fn start_line(request_id: &str) -> String {
    format!("START RequestId: {request_id} Version: $LATEST")
}

pub fn end_line(request_id: &str) -> String {
    format!("END RequestId: {request_id}")
}

/// The REPORT line; `init_ms` only on an execution environment's first invocation.
pub fn report_line(
    request_id: &str,
    duration_ms: f64,
    memory_mb: u32,
    used_mb: u32,
    init_ms: Option<f64>,
) -> String {
    let billed = duration_ms.ceil().max(1.0) as u64;
    let mut line = format!(
        "REPORT RequestId: {request_id}\tDuration: {duration_ms:.2} ms\tBilled Duration: {billed} ms\tMemory Size: {memory_mb} MB\tMax Memory Used: {used_mb} MB"
    );
    if let Some(init) = init_ms {
        line.push_str(&format!("\tInit Duration: {init:.2} ms"));
    }
    line
}

/// An execution environment's log stream name, as Lambda names them.
pub fn stream_name(started: DateTime<Utc>, id: u128) -> String {
    format!("{}/[$LATEST]{id:032x}", started.format("%Y/%m/%d"))
}
