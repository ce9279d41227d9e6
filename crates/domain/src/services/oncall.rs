//! The on-call queries shipped with the console: Logs Insights query definitions for the
//! questions an incident starts with. Each is written in CloudWatch's query language using the
//! fields Insights discovers in Lambda logs (`@type`, `@duration`, `@initDuration`,
//! `@requestId`, `@log`) and the API's JSON lines (`level`, `message`).

use crate::model::QueryDefinition;

/// Stands for the request id in the one-request query; the console asks for it.
pub const REQUEST_ID_PLACEHOLDER: &str = "REQUEST_ID";

/// Lines that mark a failed invocation: an ERROR or FATAL line of the API, or Lambda's own
/// timeout and runtime-error lines.
const FAILED: &str = "level = \"ERROR\" or level = \"FATAL\" or @message like \"Task timed out\" or @message like \"Runtime.ExitError\"";

/// The failed invocations by function and 5-minute bin.
pub fn failed_invocations() -> String {
    format!("filter {FAILED}\n| stats count(*) as failures by @log, bin(5m)")
}

/// The failed invocations of one function's group, newest first, for the Metrics pane's jump.
pub fn failed_invocations_of(function: &str) -> String {
    let _ = function;
    // The group is picked by the query's groups; the text is the same for every function.
    format!(
        "fields @timestamp, @requestId, @message\n| filter {FAILED}\n| sort @timestamp desc\n| limit 200"
    )
}

/// Every line of one request, oldest first.
pub fn errors_of_request(request_id: &str) -> String {
    let escaped = request_id.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        "fields @timestamp, @log, @message\n| filter @requestId = \"{escaped}\" or requestId = \"{escaped}\"\n| sort @timestamp asc\n| limit 1000"
    )
}

/// The built-in queries, in the order the Saved view lists them.
pub fn builtin_queries() -> Vec<QueryDefinition> {
    let q = |name: &str, text: String| QueryDefinition {
        id: None,
        name: name.to_string(),
        text,
        groups: Vec::new(),
        builtin: true,
    };
    vec![
        q("failed invocations by function", failed_invocations()),
        q(
            "duration p50/p95/p99 by function, 5 minutes",
            "filter @type = \"REPORT\"\n| stats pct(@duration, 50) as p50, pct(@duration, 95) as p95, pct(@duration, 99) as p99 by @log, bin(5m)".to_string(),
        ),
        q(
            "cold starts and their init duration",
            "filter @type = \"REPORT\" and @initDuration > 0\n| stats count(*) as cold_starts, avg(@initDuration) as avg_init_ms, max(@initDuration) as max_init_ms by @log".to_string(),
        ),
        q(
            "the slowest requests",
            "filter @type = \"REPORT\"\n| fields @timestamp, @log, @requestId, @duration, @maxMemoryUsed\n| sort @duration desc\n| limit 50".to_string(),
        ),
        q(
            "the errors of one request id",
            errors_of_request(REQUEST_ID_PLACEHOLDER),
        ),
        q(
            "the most frequent error messages",
            "filter level = \"ERROR\" or level = \"FATAL\"\n| stats count(*) as times by message\n| sort times desc\n| limit 20".to_string(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_id_is_quoted_safely() {
        let q = errors_of_request("a\"b\\c");
        assert!(q.contains("@requestId = \"a\\\"b\\\\c\""), "{q}");
    }

    #[test]
    fn every_builtin_has_a_name_and_the_one_request_query_its_placeholder() {
        let all = builtin_queries();
        assert_eq!(all.len(), 6);
        assert!(
            all.iter()
                .all(|d| d.builtin && d.id.is_none() && !d.name.is_empty())
        );
        assert!(all[4].text.contains(REQUEST_ID_PLACEHOLDER));
    }
}
