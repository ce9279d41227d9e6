//! The AWS adapters: Cognito, S3 and CloudWatch Logs through the official aws-sdk-rust crates.
//!
//! One [`AwsContext`] is built per session from the standard credential chain (environment,
//! shared profiles, SSO, assume-role, container and instance metadata), with the profile, region
//! and endpoint the environment names. Every client made from it shares its HTTP connection
//! pool, its standard retry policy and its timeouts, so throttling is absorbed by the SDK's
//! retries first and reaches a caller as [`DomainError::Throttled`] only once they are spent.

#[cfg(feature = "admin")]
pub mod cloudwatch;
#[cfg(feature = "admin")]
pub mod cognito;
#[cfg(feature = "admin")]
pub mod insights;
#[cfg(feature = "admin")]
pub(crate) mod live_tail;
#[cfg(feature = "admin")]
pub mod metrics;
pub mod s3;
pub mod throttle;

#[cfg(feature = "admin")]
pub use cloudwatch::{CloudWatchLogSource, TailMode};
#[cfg(feature = "admin")]
pub use cognito::CognitoUserDirectory;
#[cfg(feature = "admin")]
pub use insights::CloudWatchInsights;
#[cfg(feature = "admin")]
pub use live_tail::start as start_live_tail;
#[cfg(feature = "admin")]
pub use metrics::CloudWatchMetrics;
pub use s3::S3ObjectStore;
pub use throttle::{ThrottleMeter, ThrottleReport};

use crate::error::{DomainError, DomainResult};
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::result::SdkError;
#[cfg(feature = "admin")]
use std::sync::Arc;
use std::time::Duration;
#[cfg(feature = "admin")]
use tokio::sync::OnceCell;

/// How to reach AWS, as an environment of the config file describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsSettings {
    /// A named profile of the shared config files; `None` follows `AWS_PROFILE` or the default.
    pub profile: Option<String>,
    /// The region; `None` follows `AWS_REGION` or the profile.
    pub region: Option<String>,
    /// Another endpoint for every service (LocalStack, moto); `None` talks to AWS.
    pub endpoint_url: Option<String>,
    pub connect_timeout: Duration,
    /// Bound on one call including its retries.
    pub operation_timeout: Duration,
    /// Attempts per call, the first included.
    pub max_attempts: u32,
}

impl Default for AwsSettings {
    fn default() -> Self {
        Self {
            profile: None,
            region: None,
            endpoint_url: None,
            connect_timeout: Duration::from_secs(3),
            operation_timeout: Duration::from_secs(30),
            max_attempts: 5,
        }
    }
}

/// The resolved AWS configuration of a session, cheap to clone.
#[derive(Clone, Debug)]
pub struct AwsContext {
    config: SdkConfig,
    endpoint_url: Option<String>,
    #[cfg(feature = "admin")]
    identity: Arc<OnceCell<String>>,
    throttles: ThrottleMeter,
}

impl AwsContext {
    /// Resolves credentials, region and endpoint. Credentials are only fetched when the first
    /// call is signed, so this does not touch the network.
    pub async fn load(settings: &AwsSettings) -> DomainResult<Self> {
        let http_client = aws_smithy_http_client::Builder::new()
            .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
                aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
            ))
            .build_https();
        let throttles = ThrottleMeter::default();
        let http_client = aws_smithy_runtime_api::client::http::SharedHttpClient::new(
            throttle::MeteredClient::new(http_client, throttles.clone()),
        );
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(http_client)
            // Standard, not adaptive: adaptive mode rates the client by its recent traffic, and
            // an operator's console sends little, so one throttle made it wait 18 s before the
            // next attempt (measured through tests/contract/throttling.rs's proxy). Standard
            // waits a random share of 1 s, 2 s, 4 s ... (at most 20 s) between attempts.
            .retry_config(RetryConfig::standard().with_max_attempts(settings.max_attempts.max(1)))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(settings.connect_timeout)
                    .operation_timeout(settings.operation_timeout)
                    .build(),
            );
        if let Some(profile) = &settings.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(region) = &settings.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(endpoint) = &settings.endpoint_url {
            loader = loader.endpoint_url(endpoint);
        }
        let config = loader.load().await;
        if config.region().is_none() {
            return Err(DomainError::invalid(
                "region",
                "no AWS region: name one in the environment's config, or set AWS_REGION",
            ));
        }
        Ok(Self {
            config,
            endpoint_url: settings.endpoint_url.clone(),
            #[cfg(feature = "admin")]
            identity: Arc::new(OnceCell::new()),
            throttles,
        })
    }

    pub fn sdk_config(&self) -> &SdkConfig {
        &self.config
    }

    pub fn region(&self) -> &str {
        self.config.region().map(|r| r.as_ref()).unwrap_or("")
    }

    /// The throttling answers every client of this session has met (and the SDK retried).
    pub fn throttles(&self) -> &ThrottleMeter {
        &self.throttles
    }

    /// The custom endpoint, when the session talks to an emulator instead of AWS.
    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }

    /// The caller's ARN from STS `GetCallerIdentity`, asked once per session and kept: the
    /// operator identity that audit rows record.
    #[cfg(feature = "admin")]
    pub async fn caller_identity(&self) -> DomainResult<String> {
        self.identity
            .get_or_try_init(|| async {
                let sts = aws_sdk_sts::Client::new(&self.config);
                let out = sts.get_caller_identity().send().await.map_err(|e| {
                    sdk_error(e, Call::new("STS", "sts:GetCallerIdentity", "caller"))
                })?;
                out.arn
                    .ok_or_else(|| DomainError::bug("GetCallerIdentity answered without an ARN"))
            })
            .await
            .cloned()
    }
}

/// What a failed call was, for the error a caller sees.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub service: &'static str,
    /// The IAM action, named in Forbidden errors so the operator knows what to ask for.
    pub action: &'static str,
    /// What a NotFound refers to ("user alice", "s3://bucket/key").
    pub subject: String,
    /// The field an Invalid error names.
    pub field: &'static str,
}

impl Call {
    pub fn new(service: &'static str, action: &'static str, subject: impl Into<String>) -> Self {
        Self {
            service,
            action,
            subject: subject.into(),
            field: "request",
        }
    }

    pub fn field(mut self, field: &'static str) -> Self {
        self.field = field;
        self
    }
}

pub(crate) const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "BandwidthLimitExceeded",
];

const FORBIDDEN: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "NotAuthorizedException",
    "UnauthorizedOperation",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "ExpiredTokenException",
    "AllAccessDisabled",
];

const NOT_FOUND: &[&str] = &[
    "UserNotFoundException",
    "ResourceNotFoundException",
    "NoSuchKey",
    "NoSuchBucket",
    "NoSuchVersion",
    "NotFound",
    "NoSuchUpload",
];

const CONFLICT: &[&str] = &[
    "UsernameExistsException",
    "AliasExistsException",
    "GroupExistsException",
    "ResourceAlreadyExistsException",
    "BucketAlreadyOwnedByYou",
    "BucketAlreadyExists",
    "OperationAbortedException",
];

const INVALID: &[&str] = &[
    "InvalidParameterException",
    "InvalidParameter",
    "InvalidParameterValue",
    "InvalidParameterCombinationException",
    "ValidationException",
    "InvalidPasswordException",
    "InvalidArgument",
    "InvalidRange",
    "InvalidBucketName",
    "KeyTooLongError",
    "MalformedQueryException",
    "InvalidSequenceTokenException",
    "DataAlreadyAcceptedException",
    "CodeMismatchException",
];

/// Translates an SDK failure into the port's error. Throttling codes only arrive here after
/// the retry policy gave up, so they mean "spent", not "try once more".
pub(crate) fn sdk_error<E, R>(err: SdkError<E, R>, call: Call) -> DomainError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    if let Some(missing) = credentials_failure(&err) {
        return DomainError::Forbidden(format!(
            "{}: no AWS credentials could be loaded ({missing}); set AWS_PROFILE (or the \
             environment's `profile` in config.toml), sign in with `aws sso login`, or export \
             AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then start again",
            call.action
        ));
    }
    let code = err.code().map(str::to_owned);
    let message = err
        .message()
        .map(str::to_owned)
        .unwrap_or_else(|| code.clone().unwrap_or_else(|| "no message".into()));
    match &err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => {
            return DomainError::unavailable(call.service, describe(err));
        }
        SdkError::ConstructionFailure(_) => {
            return DomainError::unexpected(
                format!("{} request could not be built", call.action),
                describe(err),
            );
        }
        _ => {}
    }
    let Some(code) = code else {
        // An answer the SDK could not read (an HTML page from a proxy, or a call the endpoint
        // does not implement): its HTTP status says which.
        let status = err
            .raw_response()
            .and_then(|r| {
                (r as &dyn std::any::Any)
                    .downcast_ref::<aws_smithy_runtime_api::client::orchestrator::HttpResponse>()
            })
            .map(|r| format!(" (HTTP {})", r.status().as_u16()))
            .unwrap_or_default();
        return DomainError::unexpected(
            format!("{} failed without an error code{status}", call.action),
            describe(err),
        );
    };
    let code = code.as_str();
    if THROTTLING.contains(&code) {
        DomainError::Throttled(format!("{} ({})", call.service, call.action))
    } else if FORBIDDEN.contains(&code) {
        DomainError::Forbidden(format!("{}: {message}", call.action))
    } else if NOT_FOUND.contains(&code) {
        DomainError::NotFound(call.subject)
    } else if CONFLICT.contains(&code) {
        DomainError::Conflict(format!("{}: {message}", call.subject))
    } else if INVALID.contains(&code) {
        DomainError::invalid(call.field, message)
    } else if code.starts_with("InternalError")
        || code == "ServiceUnavailable"
        || code == "ServiceUnavailableException"
        || code == "InternalErrorException"
        || code == "InternalFailure"
    {
        DomainError::unavailable(call.service, describe(err))
    } else {
        DomainError::unexpected(
            format!("{} failed with {code}: {message}", call.action),
            describe(err),
        )
    }
}

/// Why the credential chain gave nothing, where that is why the call failed: no provider had
/// credentials, or the one configured could not load them (an expired SSO session, a profile
/// that is not there). Said as it is, not as the service being unavailable (the call never
/// left the machine, and `ctrl-r` cannot mend it).
fn credentials_failure<E, R>(err: &SdkError<E, R>) -> Option<String>
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    use aws_credential_types::provider::error::CredentialsError;
    if !matches!(
        err,
        SdkError::DispatchFailure(_) | SdkError::ConstructionFailure(_)
    ) {
        return None;
    }
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        if let Some(failure) = inner.downcast_ref::<CredentialsError>() {
            return match failure {
                CredentialsError::CredentialsNotLoaded(_)
                | CredentialsError::InvalidConfiguration(_)
                | CredentialsError::ProviderError(_) => {
                    let mut said = failure.to_string();
                    let mut cause = std::error::Error::source(failure);
                    while let Some(c) = cause {
                        said.push_str(": ");
                        said.push_str(&c.to_string());
                        cause = c.source();
                    }
                    Some(said)
                }
                // A provider that timed out may answer next time: an outage, as before.
                _ => None,
            };
        }
        source = inner.source();
    }
    None
}

/// The SDK error with its whole chain flattened (SdkError's Display alone says little).
fn describe<E, R>(err: SdkError<E, R>) -> Box<dyn std::error::Error + Send + Sync>
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let mut text = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    use aws_sdk_s3::operation::head_object::HeadObjectError;
    use aws_smithy_runtime_api::http::{Response, StatusCode};
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    fn failure(code: &str, status: u16) -> SdkError<HeadObjectError, Response> {
        let meta = ErrorMetadata::builder()
            .code(code)
            .message(format!("message of {code}"))
            .build();
        SdkError::service_error(
            HeadObjectError::generic(meta),
            Response::new(StatusCode::try_from(status).unwrap(), SdkBody::empty()),
        )
    }

    fn call() -> Call {
        Call::new("S3", "s3:GetObject", "s3://b/k").field("key")
    }

    #[test]
    fn service_codes_map_to_the_port_errors() {
        assert!(
            matches!(sdk_error(failure("SlowDown", 503), call()), DomainError::Throttled(m) if m.contains("S3"))
        );
        assert!(matches!(
            sdk_error(failure("TooManyRequestsException", 400), call()),
            DomainError::Throttled(_)
        ));
        assert!(matches!(
            sdk_error(failure("AccessDenied", 403), call()),
            DomainError::Forbidden(m) if m.starts_with("s3:GetObject")
        ));
        assert!(matches!(
            sdk_error(failure("NotAuthorizedException", 400), call()),
            DomainError::Forbidden(_)
        ));
        assert!(matches!(
            sdk_error(failure("NoSuchKey", 404), call()),
            DomainError::NotFound(m) if m == "s3://b/k"
        ));
        assert!(matches!(
            sdk_error(failure("InvalidParameterException", 400), call()),
            DomainError::Invalid(i) if i.field == "key" && i.message == "message of InvalidParameterException"
        ));
        assert!(matches!(
            sdk_error(failure("UsernameExistsException", 400), call()),
            DomainError::Conflict(_)
        ));
        assert!(matches!(
            sdk_error(failure("InternalError", 500), call()),
            DomainError::Unavailable { .. }
        ));
        let other = sdk_error(failure("SomethingNew", 400), call());
        assert!(
            matches!(other, DomainError::Unexpected { ref message, .. } if message.contains("SomethingNew"))
        );
    }

    /// An answer without an error code (a proxy's HTML page, a call the endpoint does not
    /// implement) says its HTTP status, which is what tells those apart.
    #[test]
    fn an_answer_without_a_code_names_its_http_status() {
        let err = SdkError::service_error(
            HeadObjectError::generic(ErrorMetadata::builder().build()),
            Response::new(StatusCode::try_from(501).unwrap(), SdkBody::empty()),
        );
        let DomainError::Unexpected { message, .. } = sdk_error(err, call()) else {
            panic!("unexpected");
        };
        assert_eq!(
            message,
            "s3:GetObject failed without an error code (HTTP 501)"
        );
    }

    /// No credentials anywhere in the chain is said as such, with what to do: it read "S3 is
    /// unavailable" and offered `ctrl-r`, which cannot mend it.
    #[tokio::test]
    async fn missing_credentials_are_said_as_such_not_as_an_outage() {
        use aws_credential_types::provider::error::CredentialsError;
        use aws_credential_types::provider::{ProvideCredentials, future};
        #[derive(Debug)]
        struct NoCredentials;
        impl ProvideCredentials for NoCredentials {
            fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
            where
                Self: 'a,
            {
                future::ProvideCredentials::ready(Err(CredentialsError::not_loaded(
                    "no providers in chain provided credentials",
                )))
            }
        }
        // A HEAD to a port nothing answers on, with these credentials.
        async fn head_with(
            credentials: impl ProvideCredentials + 'static,
        ) -> SdkError<HeadObjectError, Response> {
            let config = aws_sdk_s3::Config::builder()
                .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
                .region(aws_sdk_s3::config::Region::new("us-east-1"))
                .endpoint_url("http://127.0.0.1:9")
                .credentials_provider(credentials)
                .build();
            aws_sdk_s3::Client::from_conf(config)
                .head_object()
                .bucket("b")
                .key("k")
                .send()
                .await
                .unwrap_err()
        }
        let DomainError::Forbidden(said) = sdk_error(head_with(NoCredentials).await, call()) else {
            panic!("not said as missing credentials");
        };
        assert!(
            said.starts_with("s3:GetObject: no AWS credentials could be loaded")
                && said.contains("no providers in chain provided credentials")
                && said.contains("AWS_PROFILE"),
            "{said}"
        );
        // An endpoint that does not answer is still an outage.
        let err = head_with(aws_sdk_s3::config::Credentials::for_tests()).await;
        assert!(matches!(
            sdk_error(err, call()),
            DomainError::Unavailable { .. }
        ));
    }

    /// docs/aws.md names every IAM action an adapter calls, so its policies are complete.
    #[test]
    fn docs_list_every_iam_action_the_adapters_call() {
        fn sources(dir: &std::path::Path, out: &mut String) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push_str(&std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut code = String::new();
        sources(&root.join("src/adapters/aws"), &mut code);
        let doc = std::fs::read_to_string(root.join("../../docs/aws.md")).unwrap();
        let mut actions = std::collections::BTreeSet::new();
        for prefix in [
            "\"cognito-idp:",
            "\"s3:",
            "\"logs:",
            "\"sts:",
            "\"cloudwatch:",
        ] {
            for (i, _) in code.match_indices(prefix) {
                let rest = &code[i + 1..];
                let end = rest.find('"').unwrap();
                let candidate = &rest[..end];
                // An IAM action is `service:Action`; skip `s3://…` and other text.
                let name = candidate.split_once(':').map(|(_, n)| n).unwrap_or("");
                if name.starts_with(|c: char| c.is_ascii_uppercase())
                    && name.chars().all(|c| c.is_ascii_alphanumeric())
                {
                    actions.insert(candidate.to_string());
                }
            }
        }
        assert!(
            actions.len() > 20,
            "the scan found the adapters' actions: {actions:?}"
        );
        let missing: Vec<_> = actions
            .iter()
            .filter(|a| !doc.contains(a.as_str()))
            .collect();
        assert!(missing.is_empty(), "docs/aws.md does not name {missing:?}");
    }

    /// The read-only and full policies of docs/aws.md, together, grant exactly what the
    /// adapters call for the console: no action missing, none extra; and the read-only policy
    /// grants nothing that changes anything.
    #[test]
    fn the_documented_policies_grant_exactly_the_actions_the_console_calls() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let doc = std::fs::read_to_string(root.join("../../docs/aws.md")).unwrap();
        let policy = |heading: &str| -> std::collections::BTreeSet<String> {
            let section = &doc[doc.find(heading).unwrap()..];
            let start = section.find("```json").unwrap() + "```json".len();
            let end = start + section[start..].find("```").unwrap();
            let json: serde_json::Value = serde_json::from_str(&section[start..end])
                .unwrap_or_else(|e| panic!("{heading}: the policy is not JSON: {e}"));
            let mut actions = std::collections::BTreeSet::new();
            for statement in json["Statement"].as_array().unwrap() {
                assert_eq!(statement["Effect"], "Allow", "{statement}");
                match &statement["Action"] {
                    serde_json::Value::String(a) => {
                        actions.insert(a.clone());
                    }
                    serde_json::Value::Array(list) => {
                        actions.extend(list.iter().map(|a| a.as_str().unwrap().to_string()));
                    }
                    other => panic!("{heading}: an Action that is no action: {other}"),
                }
                assert!(
                    !statement["Action"].to_string().contains('*'),
                    "{heading}: a wildcard action: {statement}"
                );
            }
            actions
        };
        let read_only = policy("### Read-only operator");
        let full = policy("### Full operator");

        let mut code = String::new();
        for file in [
            "cognito.rs",
            "s3.rs",
            "cloudwatch.rs",
            "live_tail.rs",
            "metrics.rs",
            "insights.rs",
        ] {
            code.push_str(
                &std::fs::read_to_string(root.join("src/adapters/aws").join(file)).unwrap(),
            );
        }
        for entry in std::fs::read_dir(root.join("src/adapters/aws/cloudwatch")).unwrap() {
            code.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
        }
        let mut called = std::collections::BTreeSet::new();
        for prefix in ["\"cognito-idp:", "\"s3:", "\"logs:", "\"cloudwatch:"] {
            for (i, _) in code.match_indices(prefix) {
                let rest = &code[i + 1..];
                let candidate = &rest[..rest.find('"').unwrap()];
                let name = candidate.split_once(':').map(|(_, n)| n).unwrap_or("");
                if name.starts_with(|c: char| c.is_ascii_uppercase())
                    && name.chars().all(|c| c.is_ascii_alphanumeric())
                {
                    called.insert(candidate.to_string());
                }
            }
        }
        // What the log and metrics adapters offer the test suites and benchmarks to fill moto
        // with; the console never calls it, and the page says so.
        for filler in [
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "cloudwatch:PutMetricData",
            "cloudwatch:PutMetricAlarm",
            "cloudwatch:SetAlarmState",
        ] {
            assert!(
                called.remove(filler),
                "{filler} is no longer in the adapter"
            );
            assert!(doc.contains(filler), "the page no longer explains {filler}");
        }
        let granted: std::collections::BTreeSet<String> = read_only.union(&full).cloned().collect();
        let missing: Vec<_> = called.difference(&granted).collect();
        let extra: Vec<_> = granted.difference(&called).collect();
        assert!(missing.is_empty(), "the policies miss {missing:?}");
        assert!(
            extra.is_empty(),
            "the policies grant {extra:?}, which no adapter calls"
        );
        let changes: Vec<_> = read_only
            .iter()
            .filter(|a| {
                let verb = a.split_once(':').map(|(_, v)| v).unwrap_or("");
                ![
                    "List",
                    "Get",
                    "Describe",
                    "Filter",
                    "StartLiveTail",
                    // An Insights query reads; stopping it ends the operator's own scan.
                    "StartQuery",
                    "StopQuery",
                    "AdminGet",
                    "AdminList",
                ]
                .iter()
                .any(|read| verb.starts_with(read))
            })
            .collect();
        assert!(
            changes.is_empty(),
            "the read-only policy grants changes: {changes:?}"
        );
    }

    #[tokio::test]
    async fn explicit_region_and_endpoint_are_kept() {
        let ctx = AwsContext::load(&AwsSettings {
            region: Some("eu-west-2".into()),
            endpoint_url: Some("http://127.0.0.1:9".into()),
            ..AwsSettings::default()
        })
        .await
        .unwrap();
        assert_eq!(ctx.region(), "eu-west-2");
        assert_eq!(ctx.endpoint_url(), Some("http://127.0.0.1:9"));
    }
}
