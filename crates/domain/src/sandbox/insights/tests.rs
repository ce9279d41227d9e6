use super::*;
use crate::model::ResultField;
use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;

const R1: &str = "11111111-aaaa-4bbb-8ccc-000000000001";
const R2: &str = "11111111-aaaa-4bbb-8ccc-000000000002";
const R3: &str = "11111111-aaaa-4bbb-8ccc-000000000003";
const API: &str = "/aws/lambda/api";
const THUMBS: &str = "/aws/lambda/thumbs";

/// An event at `ms` after 2026-12-03 10:00 UTC; its pointer is `id`.
fn ev(id: u32, group: &str, stream: &str, ms: i64, message: &str) -> LogEvent {
    LogEvent {
        group: group.into(),
        stream: stream.into(),
        timestamp: Utc.with_ymd_and_hms(2026, 12, 3, 10, 0, 0).unwrap()
            + Duration::milliseconds(ms),
        ingested_at: None,
        message: message.into(),
        event_id: id.to_string(),
    }
}

fn events() -> Vec<LogEvent> {
    vec![
        ev(
            1,
            API,
            "s1",
            0,
            &format!("START RequestId: {R1} Version: $LATEST"),
        ),
        ev(
            2,
            API,
            "s1",
            10,
            &format!(
                r#"{{"level":"INFO","message":"request","requestId":"{R1}","route":"/posts","status":200,"latencyMs":12.5,"record":{{"widths":[128,512]}}}}"#
            ),
        ),
        ev(3, API, "s1", 20, &format!("END RequestId: {R1}")),
        ev(
            4,
            API,
            "s1",
            30,
            &format!(
                "REPORT RequestId: {R1}\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tInit Duration: 150.25 ms"
            ),
        ),
        ev(
            5,
            API,
            "s1",
            299_999,
            &format!(
                r#"{{"level":"ERROR","message":"db timed out","requestId":"{R2}","route":"/posts","status":500}}"#
            ),
        ),
        ev(
            6,
            API,
            "s1",
            300_000,
            &format!(
                "REPORT RequestId: {R2}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 90 MB"
            ),
        ),
        ev(
            7,
            THUMBS,
            "s1",
            360_000,
            &format!("2026-12-03T10:06:00.000Z {R3} Task timed out after 3.00 seconds"),
        ),
        ev(8, THUMBS, "s2", 420_000, "plain text line"),
    ]
}

fn rows(query: &str) -> Vec<Vec<(String, String)>> {
    run(query, &events())
        .unwrap_or_else(|e| panic!("{query}: {e}"))
        .into_iter()
        .map(|row| row.into_iter().map(|f| (f.field, f.value)).collect())
        .collect()
}

fn row(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The pointers of the rows, in order.
fn ptrs(query: &str) -> Vec<String> {
    rows(query)
        .into_iter()
        .map(|r| {
            r.into_iter()
                .find(|(k, _)| k == "@ptr")
                .map(|(_, v)| v)
                .unwrap_or_default()
        })
        .collect()
}

fn invalid(query: &str) -> String {
    match Query::compile(query) {
        Err(DomainError::Invalid(i)) => {
            assert_eq!(i.field, "query");
            i.message
        }
        other => panic!("{query}: {other:?}"),
    }
}

fn unsupported(query: &str) -> String {
    match Query::compile(query) {
        Err(DomainError::Unsupported(m)) => m,
        other => panic!("{query}: {other:?}"),
    }
}

#[test]
fn fields_rows_are_newest_first_with_their_pointer() {
    assert_eq!(
        rows(
            "fields @timestamp, @message, @logStream, @log | filter @message like \"RequestId\" | limit 2"
        ),
        vec![
            row(&[
                ("@timestamp", "2026-12-03 10:05:00.000"),
                (
                    "@message",
                    &format!(
                        "REPORT RequestId: {R2}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 90 MB"
                    )
                ),
                ("@logStream", "s1"),
                ("@log", "sandbox:/aws/lambda/api"),
                ("@ptr", "6"),
            ]),
            row(&[
                ("@timestamp", "2026-12-03 10:00:00.030"),
                (
                    "@message",
                    &format!(
                        "REPORT RequestId: {R1}\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tInit Duration: 150.25 ms"
                    )
                ),
                ("@logStream", "s1"),
                ("@log", "sandbox:/aws/lambda/api"),
                ("@ptr", "4"),
            ]),
        ]
    );
}

#[test]
fn without_fields_rows_carry_timestamp_and_message() {
    assert_eq!(
        rows("filter @logStream = \"s2\""),
        vec![row(&[
            ("@timestamp", "2026-12-03 10:07:00.000"),
            ("@message", "plain text line"),
            ("@ptr", "8"),
        ])]
    );
}

#[test]
fn a_row_holds_only_the_fields_its_event_has() {
    assert_eq!(
        rows(
            "fields level, @ptr | filter @logStream = \"s1\" and @log like \"api\" | sort @timestamp asc | limit 2"
        ),
        vec![
            row(&[("@ptr", "1")]),
            row(&[("level", "INFO"), ("@ptr", "2")])
        ]
    );
}

#[test]
fn filters_compare_strings_and_numbers() {
    assert_eq!(ptrs("filter status >= 500"), ["5"]);
    assert_eq!(ptrs("filter status > 200"), ["5"]);
    assert_eq!(ptrs("filter status <= 200"), ["2"]);
    assert_eq!(ptrs("filter status < 500"), ["2"]);
    assert_eq!(ptrs("filter status = 200"), ["2"]);
    assert_eq!(ptrs("filter status = \"500\""), ["5"]);
    assert_eq!(ptrs("filter status != 200"), ["5"]);
    assert_eq!(ptrs("filter level = \"ERROR\""), ["5"]);
    // A missing field is unknown: neither equal nor unequal, and `not` keeps it unknown.
    assert_eq!(ptrs("filter level != \"INFO\""), ["5"]);
    assert_eq!(ptrs("filter not (level = \"INFO\")"), ["5"]);
    // A number never equals text that is not a number.
    assert_eq!(ptrs("filter level = 1"), Vec::<String>::new());
    assert_eq!(ptrs("filter latencyMs * 2 > 20"), ["2"]);
    assert_eq!(ptrs("filter -latencyMs < -12"), ["2"]);
    assert_eq!(ptrs("filter @logStream = \"s2\""), ["8"]);
    assert_eq!(
        ptrs("filter @timestamp >= \"2026-12-03 10:05\""),
        ["8", "7", "6"]
    );
}

#[test]
fn filters_match_substrings_regexes_and_lists() {
    assert_eq!(ptrs("filter @message like /(?i)task timed OUT/"), ["7"]);
    assert_eq!(ptrs("filter @message =~ /^END /"), ["3"]);
    assert_eq!(ptrs("filter @message like /a\\/b|^plain/"), ["8"]);
    assert_eq!(ptrs("filter @message like 'timed out'"), ["7", "5"]);
    assert_eq!(
        ptrs("filter @message not like \"RequestId\""),
        ["8", "7", "5", "2"]
    );
    assert_eq!(ptrs("filter level in [\"ERROR\", \"WARN\"]"), ["5"]);
    assert_eq!(ptrs("filter level not in [\"ERROR\"]"), ["2"]);
    assert_eq!(ptrs("filter status in [500, 404]"), ["5"]);
}

#[test]
fn and_or_not_parentheses_and_ispresent() {
    assert_eq!(
        ptrs(
            "filter (level = \"ERROR\" or @message like /Task timed out/) and @log = \"sandbox:/aws/lambda/thumbs\""
        ),
        ["7"]
    );
    assert_eq!(
        ptrs("filter level = \"ERROR\" or @message like /Task timed out/"),
        ["7", "5"]
    );
    assert_eq!(ptrs("filter ispresent(@initDuration)"), ["4"]);
    assert_eq!(
        ptrs("filter not ispresent(@type) and not ispresent(level)"),
        ["8", "7"]
    );
    assert_eq!(ptrs("filter ispresent(`record.widths.1`)"), ["2"]);
}

#[test]
fn lambda_report_lines_give_their_figures() {
    assert_eq!(
        rows(
            "filter @type = \"REPORT\" | fields @requestId, @duration, @billedDuration, @memorySize, @maxMemoryUsed, @initDuration | sort @duration desc"
        ),
        vec![
            row(&[
                ("@requestId", R2),
                ("@duration", "3000"),
                ("@billedDuration", "3000"),
                ("@memorySize", "128000000"),
                ("@maxMemoryUsed", "90000000"),
                ("@ptr", "6"),
            ]),
            row(&[
                ("@requestId", R1),
                ("@duration", "12.5"),
                ("@billedDuration", "13"),
                ("@memorySize", "128000000"),
                ("@maxMemoryUsed", "70000000"),
                ("@initDuration", "150.25"),
                ("@ptr", "4"),
            ]),
        ]
    );
    assert_eq!(
        rows("fields @type, @requestId | filter ispresent(@type) | sort @timestamp asc | limit 3"),
        vec![
            row(&[("@type", "START"), ("@requestId", R1), ("@ptr", "1")]),
            row(&[("@type", "END"), ("@requestId", R1), ("@ptr", "3")]),
            row(&[("@type", "REPORT"), ("@requestId", R1), ("@ptr", "4")]),
        ]
    );
}

#[test]
fn json_fields_are_discovered_nested_ones_with_dots() {
    assert_eq!(
        rows(
            "fields level, route, status, `record.widths.0` as narrow | filter requestId = \"11111111-aaaa-4bbb-8ccc-000000000001\""
        ),
        vec![row(&[
            ("level", "INFO"),
            ("route", "/posts"),
            ("status", "200"),
            ("narrow", "128"),
            ("@ptr", "2"),
        ])]
    );
}

#[test]
fn fields_as_names_a_value_later_commands_use() {
    assert_eq!(
        rows("fields @duration / 1000 as seconds | filter seconds > 1 | fields seconds"),
        vec![row(&[("seconds", "3"), ("@ptr", "6")])]
    );
    assert_eq!(
        rows(
            "fields coalesce(message, @message) as what | filter @log like \"thumbs\" | sort @timestamp asc"
        ),
        vec![
            row(&[
                (
                    "what",
                    &format!("2026-12-03T10:06:00.000Z {R3} Task timed out after 3.00 seconds")
                ),
                ("@ptr", "7")
            ]),
            row(&[("what", "plain text line"), ("@ptr", "8")]),
        ]
    );
}

#[test]
fn comments_run_to_the_end_of_their_line() {
    assert_eq!(
        ptrs("# the errors\nfilter level = \"ERROR\" # only them\n| fields @ptr # and where"),
        ["5"]
    );
}

#[test]
fn stats_aggregate_per_group_named_as_written() {
    assert_eq!(
        rows(
            "stats count(*), count(status), sum(status), avg(status), min(status), max(status), pct(status, 50) by route"
        ),
        vec![
            row(&[
                ("route", "/posts"),
                ("count(*)", "2"),
                ("count(status)", "2"),
                ("sum(status)", "700"),
                ("avg(status)", "350"),
                ("min(status)", "200"),
                ("max(status)", "500"),
                ("pct(status, 50)", "200"),
            ]),
            // The events without a route: one group, its by-field absent.
            row(&[("count(*)", "6"), ("count(status)", "0")]),
        ]
    );
    assert_eq!(rows("stats count(*)"), vec![row(&[("count(*)", "8")])]);
    assert_eq!(rows("stats count()"), vec![row(&[("count()", "8")])]);
    assert_eq!(
        rows("stats count(*) as n, max(@timestamp) as last by @logStream"),
        vec![
            row(&[
                ("@logStream", "s1"),
                ("n", "7"),
                ("last", "2026-12-03 10:06:00.000")
            ]),
            row(&[
                ("@logStream", "s2"),
                ("n", "1"),
                ("last", "2026-12-03 10:07:00.000")
            ]),
        ]
    );
    assert_eq!(
        rows("filter level = \"nothing\" | stats count(*)"),
        Vec::<Vec<(String, String)>>::new()
    );
}

#[test]
fn stats_by_bin_name_the_column_as_written_and_show_it_as_a_time() {
    assert_eq!(
        rows(
            "filter @type = \"REPORT\" | stats count(*) as n, max(@duration) as worst, pct(@duration, 99) by @log, bin(5m)"
        ),
        vec![
            row(&[
                ("@log", "sandbox:/aws/lambda/api"),
                ("bin(5m)", "2026-12-03 10:00:00.000"),
                ("n", "1"),
                ("worst", "12.5"),
                ("pct(@duration, 99)", "12.5"),
            ]),
            row(&[
                ("@log", "sandbox:/aws/lambda/api"),
                ("bin(5m)", "2026-12-03 10:05:00.000"),
                ("n", "1"),
                ("worst", "3000"),
                ("pct(@duration, 99)", "3000"),
            ]),
        ]
    );
    assert_eq!(
        rows("stats count(*) as n by bin(1h)"),
        vec![row(&[("bin(1h)", "2026-12-03 10:00:00.000"), ("n", "8")])]
    );
    assert_eq!(
        rows("stats count(*) as n by bin(1d)"),
        vec![row(&[("bin(1d)", "2026-12-03 00:00:00.000"), ("n", "8")])]
    );
    assert_eq!(
        rows("stats count(*) as n by bin(90s) | sort n desc | limit 1"),
        vec![row(&[("bin(90s)", "2026-12-03 10:00:00.000"), ("n", "4")])]
    );
}

#[test]
fn filter_and_sort_after_stats_read_its_columns() {
    assert_eq!(
        rows("stats count(*) as n by @log | filter n > 2 | sort n desc"),
        vec![row(&[("@log", "sandbox:/aws/lambda/api"), ("n", "6")])]
    );
    assert_eq!(
        rows("stats count(*) as n by @log | sort n asc"),
        vec![
            row(&[("@log", "sandbox:/aws/lambda/thumbs"), ("n", "2")]),
            row(&[("@log", "sandbox:/aws/lambda/api"), ("n", "6")]),
        ]
    );
    // A sort before stats does not change what it counts.
    assert_eq!(
        rows("sort @timestamp desc | stats count(*) as n"),
        vec![row(&[("n", "8")])]
    );
}

#[test]
fn sort_puts_missing_values_last_and_limit_cuts() {
    assert_eq!(
        ptrs("sort status desc"),
        ["5", "2", "8", "7", "6", "4", "3", "1"]
    );
    assert_eq!(ptrs("sort status asc | limit 3"), ["2", "5", "1"]);
    assert_eq!(ptrs("sort status | limit 3"), ["2", "5", "1"]);
    assert_eq!(
        ptrs("sort @logStream desc, @timestamp asc | limit 2"),
        ["8", "1"]
    );
    assert_eq!(ptrs("limit 2"), ["8", "7"]);
    assert_eq!(ptrs("limit 5 | limit 1"), ["8"]);
    assert!(unsupported("limit 3 | sort @timestamp asc").contains("limit only at the end"));
}

#[test]
fn syntax_errors_name_the_line_the_column_and_what_was_expected() {
    assert_eq!(
        invalid("fields @message\n| filter level = "),
        "line 2, column 18: expected a field, a value or `(`, found the end of the query"
    );
    assert_eq!(
        invalid("fields @message | sortt x"),
        "line 1, column 19: expected a command (fields, filter, stats, sort, limit), found `sortt`"
    );
    assert_eq!(
        invalid("filter (a = 1"),
        "line 1, column 14: expected `)`, found the end of the query"
    );
    assert_eq!(
        invalid("filter @message like /abc"),
        "line 1, column 22: a /regular expression/ is not closed"
    );
    assert_eq!(
        invalid("filter @message like \"abc"),
        "line 1, column 22: a \"string\" is not closed"
    );
    assert_eq!(
        invalid("stats count(*) by"),
        "line 1, column 18: expected a field, a value or `(`, found the end of the query"
    );
    assert_eq!(
        invalid("fields a b"),
        "line 1, column 10: expected `|` or the end of the query, found `b`"
    );
    assert_eq!(
        invalid("fields a |"),
        "line 1, column 11: expected a command (fields, filter, stats, sort, limit), found the end of the query"
    );
    assert_eq!(
        invalid("  # only a comment\n"),
        "line 2, column 1: expected a command (fields, filter, stats, sort, limit), found the end of the query"
    );
    assert_eq!(
        invalid("filter x like 5"),
        "line 1, column 15: expected a \"string\" or a /regular expression/, found `5`"
    );
    assert_eq!(
        invalid("filter x not 5"),
        "line 1, column 14: expected `like` or `in` after `not`, found `5`"
    );
    assert!(
        invalid("filter @message like /(/")
            .starts_with("line 1, column 22: not a regular expression")
    );
    assert_eq!(
        invalid("filter count(*) > 1"),
        "line 1, column 8: `count()` is an aggregate function: use it in stats"
    );
    assert_eq!(
        invalid("limit 0"),
        "line 1, column 7: limit is a whole number from 1 to 10000"
    );
    assert_eq!(
        invalid("limit 10001"),
        "line 1, column 7: limit is a whole number from 1 to 10000"
    );
    assert_eq!(
        invalid("limit 2.5"),
        "line 1, column 7: limit is a whole number from 1 to 10000"
    );
    assert_eq!(
        invalid("stats pct(@duration, 101)"),
        "line 1, column 22: a percentile is from 0 to 100"
    );
    assert_eq!(
        invalid("stats count(*) by bin(0m)"),
        "line 1, column 23: a period is a whole number above 0"
    );
    assert_eq!(
        invalid("stats foo"),
        "line 1, column 7: expected an aggregate function (count, sum, avg, min, max, pct), found `foo`"
    );
    // Columns count characters, not bytes.
    assert_eq!(
        invalid("filter x = \"é\" y"),
        "line 1, column 16: expected `|` or the end of the query, found `y`"
    );
    assert!(invalid(&"(".repeat(200)).contains("expected a command"));
    assert!(invalid(&format!("filter {}", "(".repeat(200))).contains("nests too deeply"));
    assert!(invalid(&format!("filter {}x", "not ".repeat(200))).contains("nests too deeply"));
}

#[test]
fn what_the_sandbox_does_not_evaluate_is_refused_by_name() {
    assert_eq!(
        unsupported("fields @message | parse @message \"* *\" as a, b"),
        "the sandbox does not evaluate `parse`; it evaluates fields, filter, stats, sort, limit"
    );
    for command in ["display @message", "dedup @logStream", "unmask @message"] {
        let name = command.split(' ').next().unwrap();
        assert!(
            unsupported(command).contains(&format!("`{name}`")),
            "{command}"
        );
    }
    assert_eq!(
        unsupported("filter strlen(@message) > 5"),
        "the sandbox does not evaluate `strlen()`; it evaluates in expressions ispresent, \
         coalesce and bin; in stats count, sum, avg, min, max and pct"
    );
    assert!(unsupported("stats count_distinct(@requestId)").contains("`count_distinct()`"));
    assert!(unsupported("stats count(*) by bin(1w)").contains("`w`"));
    assert!(unsupported("stats sum(a) / count(*) as ratio").contains("arithmetic on aggregates"));
    assert!(unsupported("stats count(*) | stats count(*)").contains("one stats"));
    assert!(unsupported("stats count(*) as n | fields n").contains("fields only before stats"));
    assert!(unsupported("limit 5 | filter x = 1").contains("limit only at the end"));
    assert!(unsupported("sort a | sort b").contains("one sort"));
}

#[test]
fn every_field_of_a_record() {
    let events = events();
    let fields = |e: &LogEvent| -> Vec<(String, String)> {
        record_fields(e)
            .into_iter()
            .map(|ResultField { field, value }| (field, value))
            .collect()
    };
    assert_eq!(
        fields(&events[3]),
        row(&[
            ("@timestamp", "2026-12-03 10:00:00.030"),
            ("@message", &events[3].message),
            ("@log", "sandbox:/aws/lambda/api"),
            ("@logStream", "s1"),
            ("@type", "REPORT"),
            ("@requestId", R1),
            ("@duration", "12.5"),
            ("@billedDuration", "13"),
            ("@memorySize", "128000000"),
            ("@maxMemoryUsed", "70000000"),
            ("@initDuration", "150.25"),
        ])
    );
    let mut json = events[1].clone();
    json.ingested_at = Some(json.timestamp + Duration::milliseconds(40));
    assert_eq!(
        fields(&json),
        row(&[
            ("@timestamp", "2026-12-03 10:00:00.010"),
            ("@message", &json.message),
            ("@ingestionTime", "2026-12-03 10:00:00.050"),
            ("@log", "sandbox:/aws/lambda/api"),
            ("@logStream", "s1"),
            // The message's fields in the order they were logged.
            ("level", "INFO"),
            ("message", "request"),
            ("requestId", R1),
            ("route", "/posts"),
            ("status", "200"),
            ("latencyMs", "12.5"),
            ("record.widths.0", "128"),
            ("record.widths.1", "512"),
        ])
    );
}

#[test]
fn memory_is_bounded_by_the_limit_or_the_groups() {
    let mut plain = Query::compile("fields @message | limit 5")
        .unwrap()
        .evaluate();
    let mut stats = Query::compile("stats count(*) as n by @logStream")
        .unwrap()
        .evaluate();
    let mut most = (0, 0);
    for i in 0..50_000u32 {
        let e = ev(
            i,
            API,
            ["a", "b", "c"][(i % 3) as usize],
            i64::from(i),
            "line",
        );
        plain.push(&e);
        stats.push(&e);
        most = (most.0.max(plain.held()), most.1.max(stats.held()));
    }
    assert!(most.0 <= 64, "{most:?}");
    assert_eq!(most.1, 3);
    assert_eq!(plain.stats().records_scanned, 50_000.0);
    assert_eq!(plain.stats().bytes_scanned, 200_000.0);
    let newest: Vec<String> = plain
        .finish()
        .into_iter()
        .map(|r| r[1].value.clone())
        .collect();
    assert_eq!(newest, ["49999", "49998", "49997", "49996", "49995"]);
    assert_eq!(
        stats.finish()[0],
        vec![
            ResultField {
                field: "@logStream".into(),
                value: "a".into()
            },
            ResultField {
                field: "n".into(),
                value: "16667".into()
            },
        ]
    );
}

#[test]
fn matched_counts_events_past_the_filters() {
    let mut e = Query::compile("filter level = \"ERROR\" | stats count(*)")
        .unwrap()
        .evaluate();
    for event in &events() {
        e.push(event);
    }
    let s = e.stats();
    assert_eq!((s.records_scanned, s.records_matched), (8.0, 1.0));
    let bytes: usize = events().iter().map(|e| e.message.len()).sum();
    assert_eq!(s.bytes_scanned, bytes as f64);
}

fn token_soup() -> impl Strategy<Value = String> {
    let tokens = vec![
        "fields",
        "filter",
        "stats",
        "sort",
        "limit",
        "|",
        "(",
        ")",
        "[",
        "]",
        ",",
        "@message",
        "@timestamp",
        "@duration",
        "level",
        "status",
        "like",
        "not",
        "in",
        "and",
        "or",
        "as",
        "by",
        "asc",
        "desc",
        "=",
        "!=",
        "<",
        ">=",
        "=~",
        "+",
        "-",
        "*",
        "/",
        "%",
        "/a.*/",
        "\"x\"",
        "'y'",
        "5",
        "2.5",
        "1e3",
        "count(*)",
        "count(",
        "pct(@duration, 50)",
        "sum(status)",
        "bin(5m)",
        "bin(",
        "ispresent(level)",
        "coalesce(a, b)",
        "#c\n",
        "\n",
        "`f g`",
        "parse",
        "é",
        "\\",
    ];
    prop::collection::vec(prop::sample::select(tokens), 0..24).prop_map(|v| v.join(" "))
}

proptest! {
    #[test]
    fn any_text_compiles_or_is_refused_without_panicking(text in "\\PC{0,200}") {
        let _ = run(&text, &events());
    }

    #[test]
    fn any_token_soup_compiles_or_is_refused_without_panicking(text in token_soup()) {
        if let Err(e) = run(&text, &events()) {
            prop_assert!(matches!(e, DomainError::Invalid(_) | DomainError::Unsupported(_)), "{e:?}");
        }
    }
}
