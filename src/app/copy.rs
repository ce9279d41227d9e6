//! `y` and `Y`: the selected row's id, and its page in the AWS console, onto the clipboard
//! (OSC 52). Each pane names what is selected ([`super::Pane::selected_id`],
//! [`super::Pane::console_target`]); the links are built here, for the session's region.

use chrono::{DateTime, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What the selected row is, for the AWS console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsoleTarget {
    /// A user of the environment's pool.
    User { username: String },
    /// An object of a bucket.
    Object { bucket: String, key: String },
    /// A log group (its streams).
    LogGroup { group: String },
    /// A log stream, opened at an event's time.
    LogStream {
        group: String,
        stream: String,
        at: DateTime<Utc>,
    },
    /// A Lambda function (its monitoring tab).
    Function { name: String },
    /// A CloudWatch alarm.
    Alarm { name: String },
}

/// Query values: everything but unreserved characters escaped.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn enc(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// The CloudWatch console's fragment encoding: percent-encoded, then `%` written `$25`.
fn cloudwatch_fragment(text: &str) -> String {
    enc(text).replace('%', "$25")
}

/// The target's page in the AWS console of `region`; `None` for a user when the environment
/// names no pool.
pub fn console_url(
    target: &ConsoleTarget,
    region: &str,
    user_pool: Option<&str>,
) -> Option<String> {
    let base = format!("https://{region}.console.aws.amazon.com");
    let r = enc(region);
    Some(match target {
        ConsoleTarget::User { username } => format!(
            "{base}/cognito/v2/idp/user-pools/{}/user-management/users/details/{}?region={r}",
            enc(user_pool?),
            enc(username)
        ),
        ConsoleTarget::Object { bucket, key } => format!(
            "{base}/s3/object/{}?region={r}&bucketType=general&prefix={}",
            enc(bucket),
            enc(key)
        ),
        // The query inside the fragment has its `?` and `=` written `$3F` and `$3D`.
        ConsoleTarget::LogGroup { group } => format!(
            "{base}/cloudwatch/home?region={r}#logsV2:log-groups/log-group/{}",
            cloudwatch_fragment(group)
        ),
        ConsoleTarget::LogStream { group, stream, at } => format!(
            "{base}/cloudwatch/home?region={r}#logsV2:log-groups/log-group/{}/log-events/{}$3Fstart$3D{}",
            cloudwatch_fragment(group),
            cloudwatch_fragment(stream),
            at.timestamp_millis()
        ),
        ConsoleTarget::Function { name } => format!(
            "{base}/lambda/home?region={r}#/functions/{}?tab=monitoring",
            enc(name)
        ),
        ConsoleTarget::Alarm { name } => format!(
            "{base}/cloudwatch/home?region={r}#alarmsV2:alarm/{}",
            enc(name)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_escape_what_the_names_hold() {
        let at = DateTime::from_timestamp_millis(1_764_756_000_123).unwrap();
        assert_eq!(
            console_url(
                &ConsoleTarget::LogStream {
                    group: "/aws/lambda/api".into(),
                    stream: "2026/12/03/[$LATEST]abc".into(),
                    at
                },
                "eu-west-1",
                None
            )
            .unwrap(),
            "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252Fapi/log-events/2026$252F12$252F03$252F$255B$2524LATEST$255Dabc$3Fstart$3D1764756000123"
        );
        assert_eq!(
            console_url(
                &ConsoleTarget::LogGroup {
                    group: "/aws/lambda/api-staging".into(),
                },
                "eu-west-1",
                None
            )
            .unwrap(),
            "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252Fapi-staging"
        );
        assert_eq!(
            console_url(
                &ConsoleTarget::Object {
                    bucket: "media".into(),
                    key: "posts/a b/ü&x.jpg".into()
                },
                "us-east-1",
                None
            )
            .unwrap(),
            "https://us-east-1.console.aws.amazon.com/s3/object/media?region=us-east-1&bucketType=general&prefix=posts%2Fa%20b%2F%C3%BC%26x.jpg"
        );
        let user = ConsoleTarget::User {
            username: "o'brien".into(),
        };
        assert_eq!(
            console_url(&user, "us-east-1", None),
            None,
            "no pool, no link"
        );
        assert_eq!(
            console_url(&user, "us-east-1", Some("us-east-1_Ab12")).unwrap(),
            "https://us-east-1.console.aws.amazon.com/cognito/v2/idp/user-pools/us-east-1_Ab12/user-management/users/details/o%27brien?region=us-east-1"
        );
        assert!(
            console_url(
                &ConsoleTarget::Alarm {
                    name: "api errors ⚠".into()
                },
                "us-east-1",
                None
            )
            .unwrap()
            .ends_with("#alarmsV2:alarm/api%20errors%20%E2%9A%A0")
        );
    }
}
