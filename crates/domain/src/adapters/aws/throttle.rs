//! Throttling as the wire shows it. The SDK's retry policy absorbs throttling quietly: a call
//! that was throttled twice and then succeeded looks, to its caller, like a slow call. An
//! operator should know why the console is slow, so every response of every client made from
//! one [`AwsContext`](super::AwsContext) passes through a metered HTTP connector that counts the
//! throttling answers (`ThrottlingException`, `TooManyRequestsException`, S3's `SlowDown`, any
//! 429) in a [`ThrottleMeter`]. The code comes from the `x-amzn-ErrorType` header when there is
//! one, else from the error body (XML `<Code>`, JSON `__type`), which the connector reads when it
//! is small and hands on unchanged; successful answers are never read. The console's status bar reads the meter; nothing else changes:
//! the retries, their backoff and the errors callers see stay the SDK's.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::{
    RuntimeComponents, RuntimeComponentsBuilder,
};
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use aws_smithy_types::config_bag::ConfigBag;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How many recent throttles the meter remembers for its window counts.
const REMEMBERED: usize = 256;

/// Throttling answers seen by one AWS session, shared by all its clients. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct ThrottleMeter(Arc<Mutex<MeterState>>);

#[derive(Debug, Default)]
struct MeterState {
    total: u64,
    recent: VecDeque<(Instant, &'static str, String)>,
}

/// What the meter saw within a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleReport {
    /// Throttling answers within the window.
    pub recent: usize,
    /// Throttling answers since the session began.
    pub total: u64,
    /// The service and operation of the latest one ("Cognito ListUsers").
    pub latest: String,
    /// How long ago the latest one came.
    pub ago: Duration,
}

impl ThrottleMeter {
    /// Counts one throttling answer of `service`'s `operation`.
    pub fn record(&self, service: &'static str, operation: &str) {
        let mut state = self.0.lock().unwrap_or_else(|p| p.into_inner());
        state.total += 1;
        if state.recent.len() == REMEMBERED {
            state.recent.pop_front();
        }
        state
            .recent
            .push_back((Instant::now(), service, operation.to_string()));
    }

    /// Every throttling answer since the session began.
    pub fn total(&self) -> u64 {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).total
    }

    /// What came within the last `window`; `None` when nothing did.
    pub fn report(&self, window: Duration) -> Option<ThrottleReport> {
        let state = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let (at, service, operation) = state.recent.back()?;
        let ago = now.saturating_duration_since(*at);
        if ago > window {
            return None;
        }
        let recent = state
            .recent
            .iter()
            .filter(|(t, _, _)| now.saturating_duration_since(*t) <= window)
            .count();
        Some(ThrottleReport {
            recent,
            total: state.total,
            latest: if operation.is_empty() {
                service.to_string()
            } else {
                format!("{service} {operation}")
            },
            ago,
        })
    }
}

/// Error codes that mean "slow down" (the same list the error mapping uses).
fn throttling_code(code: &str) -> bool {
    super::THROTTLING.contains(&code)
}

/// The error code an `x-amzn-ErrorType` header names (`ThrottlingException:http://…` or
/// `aws.foo#TooManyRequestsException`).
fn header_code(error_type: &str) -> &str {
    let code = error_type.split(':').next().unwrap_or("");
    code.rsplit('#').next().unwrap_or(code).trim()
}

/// The error code an error body names: a JSON body's `__type` or `code` (JSON protocols), or
/// an XML body's `<Code>` (S3, STS).
fn body_code(body: &[u8]) -> Option<String> {
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_slice(body) {
        let raw = ["__type", "code", "Code"]
            .iter()
            .find_map(|k| map.get(*k).and_then(|v| v.as_str()))?;
        return Some(header_code(raw).to_string());
    }
    let text = std::str::from_utf8(body).ok()?;
    let start = text.find("<Code>")? + "<Code>".len();
    let end = start + text[start..].find("</Code>")?;
    Some(text[start..end].trim().to_string())
}

/// Whether an answer is a throttling answer: a 429, or an error whose code (from the
/// `x-amzn-ErrorType` header, else from the body) is a throttling code.
pub(crate) fn is_throttling(status: u16, error_type: Option<&str>, body: Option<&[u8]>) -> bool {
    if status == 429 {
        return true;
    }
    if status < 400 {
        return false;
    }
    if let Some(error_type) = error_type {
        return throttling_code(header_code(error_type));
    }
    body.and_then(body_code)
        .is_some_and(|code| throttling_code(&code))
}

/// Error bodies larger than this are not read for their code (AWS's are a few hundred bytes).
const ERROR_BODY_LIMIT: u64 = 64 * 1024;

/// The service and operation of a request, from its `X-Amz-Target` header (the JSON
/// protocols: Cognito, CloudWatch Logs), else from its shape: a form body is STS (the query
/// protocol), a request with `x-amz-content-sha256` is S3 (its SigV4 variant), anything else
/// (the credential providers' own calls) is "AWS".
pub(crate) fn request_name(request: &HttpRequest) -> (&'static str, String) {
    if let Some(target) = request.headers().get("x-amz-target") {
        let (prefix, operation) = target.split_once('.').unwrap_or((target, ""));
        let service = if prefix.starts_with("AWSCognitoIdentityProvider") {
            "Cognito"
        } else if prefix.starts_with("Logs_") {
            "CloudWatch Logs"
        } else {
            "AWS"
        };
        return (service, operation.to_string());
    }
    let form = request
        .headers()
        .get("content-type")
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    if form {
        ("STS", String::new())
    } else if request.headers().get("x-amz-content-sha256").is_some() {
        ("S3", request.method().to_string())
    } else {
        ("AWS", request.method().to_string())
    }
}

/// The scheme, host and port of a request's URI: what a failure to connect names.
fn endpoint_of(uri: &str) -> String {
    let host_start = uri.find("://").map_or(0, |i| i + 3);
    let end = uri[host_start..]
        .find(['/', '?'])
        .map_or(uri.len(), |i| host_start + i);
    uri[..end].to_string()
}

/// A connection that could not be made or timed out, saying where it went: "STS is
/// unavailable: … Connection refused" did not say which `endpoint_url` to check. Its kind stays
/// what it was, so the retry policy treats it as before.
#[derive(Debug)]
struct CannotReach {
    endpoint: String,
    source: BoxError,
}

impl std::fmt::Display for CannotReach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot reach {}", self.endpoint)
    }
}

impl std::error::Error for CannotReach {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.source.as_ref())
    }
}

fn naming(error: ConnectorError, endpoint: String) -> ConnectorError {
    let (io, timeout) = (error.is_io(), error.is_timeout());
    if !io && !timeout {
        return error;
    }
    let connection = error.connection_metadata().cloned();
    let reach = Box::new(CannotReach {
        endpoint,
        source: error.into_source(),
    });
    let named = if io {
        ConnectorError::io(reach)
    } else {
        ConnectorError::timeout(reach)
    };
    match connection {
        Some(c) => named.with_connection(c),
        None => named,
    }
}

/// An HTTP client whose connectors count throttling answers in a meter.
#[derive(Debug)]
pub(crate) struct MeteredClient {
    inner: SharedHttpClient,
    meter: ThrottleMeter,
}

impl MeteredClient {
    pub(crate) fn new(inner: SharedHttpClient, meter: ThrottleMeter) -> Self {
        Self { inner, meter }
    }
}

impl HttpClient for MeteredClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(MeteredConnector {
            inner: self.inner.http_connector(settings, components),
            meter: self.meter.clone(),
        })
    }

    fn validate_base_client_config(
        &self,
        runtime_components: &RuntimeComponentsBuilder,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.inner
            .validate_base_client_config(runtime_components, cfg)
    }

    fn validate_final_config(
        &self,
        runtime_components: &RuntimeComponents,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.inner.validate_final_config(runtime_components, cfg)
    }

    fn connector_metadata(
        &self,
    ) -> Option<aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata> {
        self.inner.connector_metadata()
    }
}

#[derive(Debug)]
struct MeteredConnector {
    inner: SharedHttpConnector,
    meter: ThrottleMeter,
}

impl HttpConnector for MeteredConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let (service, operation) = request_name(&request);
        let endpoint = endpoint_of(request.uri());
        let answer = self.inner.call(request);
        let meter = self.meter.clone();
        HttpConnectorFuture::new(async move {
            let mut response = answer.await.map_err(|e| naming(e, endpoint))?;
            let status = response.status().as_u16();
            let error_type = response
                .headers()
                .get("x-amzn-errortype")
                .map(str::to_string);
            let small = response
                .body()
                .content_length()
                .is_some_and(|n| n <= ERROR_BODY_LIMIT);
            // An error answer without the header (XML from S3 and STS, or a JSON body alone)
            // is read for its code and handed on unchanged.
            let body = if status >= 400 && status != 429 && error_type.is_none() && small {
                let bytes = ByteStream::new(response.take_body())
                    .collect()
                    .await
                    .map(|b| b.into_bytes())
                    .map_err(|e| ConnectorError::io(e.into()))?;
                *response.body_mut() = SdkBody::from(bytes.clone());
                Some(bytes)
            } else {
                None
            };
            if is_throttling(status, error_type.as_deref(), body.as_deref()) {
                meter.record(service, &operation);
            }
            Ok(response)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A failed connection names where it went, keeps its kind (the retry policy reads it)
    /// and its cause.
    #[test]
    fn a_failed_connection_names_its_endpoint() {
        assert_eq!(
            endpoint_of("http://127.0.0.1:5999/?Action=GetCallerIdentity"),
            "http://127.0.0.1:5999"
        );
        assert_eq!(
            endpoint_of("https://cognito-idp.eu-west-1.amazonaws.com/"),
            "https://cognito-idp.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            endpoint_of("https://s3.amazonaws.com"),
            "https://s3.amazonaws.com"
        );
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        let named = naming(
            ConnectorError::io(Box::new(refused)),
            "http://127.0.0.1:5999".into(),
        );
        assert!(named.is_io());
        let cause = std::error::Error::source(&named).unwrap();
        assert_eq!(cause.to_string(), "cannot reach http://127.0.0.1:5999");
        assert!(cause.source().unwrap().to_string().contains("refused"));
        let slow = naming(
            ConnectorError::timeout("took too long".into()),
            "https://x".into(),
        );
        assert!(slow.is_timeout());
        let user = naming(
            ConnectorError::user("bad request".into()),
            "https://x".into(),
        );
        assert!(user.is_user());
        assert_eq!(
            std::error::Error::source(&user).unwrap().to_string(),
            "bad request"
        );
    }

    #[test]
    fn throttling_answers_are_recognised_by_header_or_body() {
        assert!(is_throttling(400, Some("ThrottlingException"), None));
        assert!(is_throttling(
            400,
            Some("TooManyRequestsException:http://internal.amazon.com/coral/"),
            None
        ));
        assert!(is_throttling(
            400,
            Some("com.amazonaws.logs#ThrottlingException"),
            None
        ));
        assert!(is_throttling(429, None, None));
        let slow_down =
            b"<?xml version=\"1.0\"?><Error><Code>SlowDown</Code><Message>Reduce</Message></Error>";
        assert!(is_throttling(503, None, Some(slow_down)), "S3's SlowDown");
        let sts = b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code></Error></ErrorResponse>";
        assert!(is_throttling(400, None, Some(sts)), "STS (query protocol)");
        let json = br#"{"__type":"com.amazonaws.cognito#TooManyRequestsException","message":"x"}"#;
        assert!(
            is_throttling(400, None, Some(json)),
            "a JSON body without the header"
        );
        assert!(!is_throttling(
            503,
            None,
            Some(b"<Error><Code>ServiceUnavailable</Code></Error>")
        ));
        assert!(!is_throttling(503, None, None), "a 503 that names nothing");
        assert!(!is_throttling(400, Some("InvalidParameterException"), None));
        assert!(!is_throttling(
            400,
            None,
            Some(br#"{"__type":"ValidationException"}"#)
        ));
        assert!(
            !is_throttling(200, None, Some(slow_down)),
            "a success is never one"
        );
        assert!(!is_throttling(404, Some("ResourceNotFoundException"), None));
        assert!(!is_throttling(400, None, Some(b"not a body we know")));
    }

    #[test]
    fn requests_are_named_by_target_or_shape() {
        let named = |headers: &[(&'static str, &'static str)], method: &str| {
            let mut r = HttpRequest::empty();
            r.set_method(method).unwrap();
            for (k, v) in headers {
                r.headers_mut().insert(*k, *v);
            }
            request_name(&r)
        };
        assert_eq!(
            named(
                &[(
                    "x-amz-target",
                    "AWSCognitoIdentityProviderService.ListUsers"
                )],
                "POST"
            ),
            ("Cognito", "ListUsers".to_string())
        );
        assert_eq!(
            named(&[("x-amz-target", "Logs_20140328.FilterLogEvents")], "POST"),
            ("CloudWatch Logs", "FilterLogEvents".to_string())
        );
        assert_eq!(
            named(
                &[("content-type", "application/x-www-form-urlencoded")],
                "POST"
            ),
            ("STS", String::new())
        );
        assert_eq!(
            named(&[("x-amz-content-sha256", "UNSIGNED-PAYLOAD")], "GET"),
            ("S3", "GET".to_string())
        );
        assert_eq!(named(&[], "PUT"), ("AWS", "PUT".to_string()), "IMDS, SSO");
    }

    #[test]
    fn the_meter_reports_a_window_and_keeps_the_total() {
        let meter = ThrottleMeter::default();
        assert_eq!(meter.report(Duration::from_secs(10)), None);
        meter.record("Cognito", "ListUsers");
        meter.record("S3", "GET");
        let report = meter.report(Duration::from_secs(10)).unwrap();
        assert_eq!(report.recent, 2);
        assert_eq!(report.total, 2);
        assert_eq!(report.latest, "S3 GET");
        assert!(report.ago < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(meter.report(Duration::from_millis(10)), None, "all older");
        for _ in 0..(REMEMBERED + 10) {
            meter.record("STS", "");
        }
        assert_eq!(meter.total(), (REMEMBERED + 12) as u64);
        let report = meter.report(Duration::from_secs(10)).unwrap();
        assert_eq!(report.recent, REMEMBERED, "the memory is bounded");
        assert_eq!(report.latest, "STS");
    }
}
