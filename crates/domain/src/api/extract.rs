//! What handlers take from a request: the caller, a JSON body, paging. Every failure becomes an
//! [`ApiError`] that names what was wrong.

use super::ApiState;
use super::error::ApiError;
use crate::auth::{AuthError, VerifiedClaims, claims_from_authorizer};
use crate::model::{Actor, Cursor, GroupName, PageRequest, UserSub};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, Uri, header};
use serde::de::DeserializeOwned;
use std::borrow::Cow;

/// Claims that API Gateway's authorizer verified, put on the request by the Lambda adapter
/// (never read from a header, so a client cannot forge it).
#[derive(Debug, Clone)]
pub struct AuthorizerClaims(pub serde_json::Value);

/// The invocation's id when running on Lambda (its `START`/`REPORT` lines carry the same).
#[derive(Debug, Clone)]
pub struct InvocationId(pub String);

/// The id every log line and error body of one request carries.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Where the caller's sub is left for the request's log line once it is verified.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallerSlot(pub std::sync::Arc<std::sync::OnceLock<UserSub>>);

/// Who is calling, verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub sub: UserSub,
    pub username: String,
    pub is_admin: bool,
}

impl Caller {
    /// The audit actor for a change the caller makes: their sub for their own content,
    /// `admin:<sub>` when moderating someone else's.
    pub fn actor(&self, as_admin: bool) -> Actor {
        let raw = if as_admin {
            format!("admin:{}", self.sub)
        } else {
            self.sub.to_string()
        };
        Actor::parse(raw).unwrap_or_else(|_| unreachable!("a sub is a short printable actor"))
    }

    pub fn owns(&self, author: &UserSub) -> bool {
        &self.sub == author
    }
}

impl From<VerifiedClaims> for Caller {
    fn from(claims: VerifiedClaims) -> Self {
        let is_admin = claims.in_group(GroupName::admins().as_str());
        Self {
            sub: claims.sub,
            username: claims.username,
            is_admin,
        }
    }
}

impl FromRequestParts<ApiState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, ApiError> {
        let auth = &state.auth;
        let claims = if let Some(AuthorizerClaims(claims)) = parts.extensions.get() {
            claims_from_authorizer(claims, auth.accepted, &auth.client_ids)
        } else {
            match (parts.headers.get(header::AUTHORIZATION), &auth.verifier) {
                (None, _) | (Some(_), None) => Err(AuthError::Missing),
                (Some(value), Some(verifier)) => match value.to_str() {
                    Ok(token) => verifier.verify(token, auth.accepted).await,
                    Err(_) => Err(AuthError::Malformed),
                },
            }
        };
        let caller = Caller::from(claims?);
        if let Some(slot) = parts.extensions.get::<CallerSlot>() {
            let _ = slot.0.set(caller.sub.clone());
        }
        // A valid token is not enough: a banned or disabled account keeps its tokens for up to
        // an hour, so its mark is asked on every request.
        if auth.blocks.is_blocked(&*state.content, &caller.sub).await? {
            return Err(ApiError::account_disabled());
        }
        if let Some(QueryProblem(problem)) = parts.extensions.get() {
            return Err(problem.clone());
        }
        Ok(caller)
    }
}

/// What is wrong with a request's query string ([`query_problem`]), said once its caller is
/// known.
#[derive(Debug, Clone)]
pub(crate) struct QueryProblem(pub ApiError);

/// A JSON body, deserialized with the failing field named. Bodies over the router's limit are
/// refused with 413 before they are parsed.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        sent_as_json(req.headers())?;
        let limit = req
            .extensions()
            .get::<BodyLimit>()
            .map_or(usize::MAX, |l| l.0);
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::too_large(limit)
            } else {
                ApiError::invalid("body", "could not be read")
            }
        })?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// A path parameter as text. Axum refuses one whose percent-encoding is not UTF-8 with a bare
/// `Bad Request`; this names the path, as every other refusal names its field.
pub struct PathText(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathText {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(text)| PathText(text))
            .map_err(|_| ApiError::invalid("path", "is not valid UTF-8 once percent-decoded"))
    }
}

/// Refuses a body whose `content-type` names anything but JSON (a body without one is read as
/// JSON).
pub(crate) fn sent_as_json(headers: &axum::http::HeaderMap) -> Result<(), ApiError> {
    let Some(content_type) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let is_json = content_type
        .to_str()
        .map(|v| {
            let essence = v.split(';').next().unwrap_or("").trim();
            essence.eq_ignore_ascii_case("application/json")
        })
        .unwrap_or(false);
    if is_json {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as application/json",
        ))
    }
}

/// The body limit in force, for the 413 message.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyLimit(pub usize);

/// Parses a JSON body, naming the field that is wrong or missing.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // Every body is an object: serde would also read an array as one, field by field in order
    // (`["a", "b"]` made a post), and name the handler's type when refusing a number.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        // Said apart: text that is not JSON at all, and JSON that is not an object.
        let is_json = serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok();
        return Err(ApiError::invalid(
            "body",
            if is_json {
                "a JSON object is required"
            } else {
                "is not JSON: send a JSON object"
            },
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = strip_position(&inner.to_string());
        // Broken JSON is the body's fault, wherever the parser stopped.
        let malformed = matches!(
            inner.classify(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof
        );
        let field = if malformed {
            "body".to_string()
        } else if let Some(unknown) = backticked(&message, "unknown field ") {
            // Named by itself: the path ends at the object that holds it.
            unknown
        } else if let Some(twice) = backticked(&message, "duplicate field ") {
            // A field and its other name sent together read "duplicate field", as if the
            // caller had sent one of them twice.
            // Its other name is said only for the field that has one.
            let message = if twice == "profileImage" {
                "given twice (as profileImage and profileImageKey, its other name): send it once"
            } else {
                "given twice: send it once"
            };
            return ApiError::invalid(twice, message);
        } else if path == "." || path.is_empty() {
            backticked(&message, "missing field ").unwrap_or_else(|| "body".to_string())
        } else {
            path
        };
        // Broken JSON says so first: `EOF while parsing an object` alone did not.
        let message = if malformed {
            format!("is not valid JSON: {message}")
        } else {
            message
        };
        ApiError::invalid(field, message)
    })?;
    de.end()
        .map_err(|_| ApiError::invalid("body", "has text after the JSON value"))?;
    Ok(value)
}

/// serde_json appends " at line L column C"; a client needs the field, not the column. The
/// Rust types serde names are said as JSON's (`expected u64` read as ours).
fn strip_position(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    let mut out = message.to_string();
    for (ours, json) in [
        ("expected u64", "expected a whole number, 0 or more"),
        ("expected u32", "expected a whole number, 0 or more"),
        ("expected u16", "expected a whole number, 0 or more"),
        ("expected u8", "expected a whole number, 0 or more"),
        ("expected usize", "expected a whole number, 0 or more"),
        ("expected i64", "expected a whole number"),
        ("expected i32", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected unit", "expected null"),
    ] {
        if let Some(at) = out.find(ours)
            && !out[at + ours.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
        {
            out.replace_range(at..at + ours.len(), json);
        }
    }
    if let Some(at) = out.find("expected struct ") {
        out.replace_range(at.., "expected a JSON object");
    }
    out
}

fn backticked(message: &str, after: &str) -> Option<String> {
    let rest = message.strip_prefix(after)?;
    let rest = rest.strip_prefix('`')?;
    let end = rest.find('`')?;
    Some(rest[..end].to_string())
}

/// `?limit=` (1 to 100) and `?cursor=`.
pub struct Paging(pub PageRequest);

/// The largest page a client may ask for.
pub const MAX_LIMIT: u32 = 100;
/// The page size when none is asked for.
pub const DEFAULT_LIMIT: u32 = 20;

impl<S: Send + Sync> FromRequestParts<S> for Paging {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let mut request = PageRequest::first(DEFAULT_LIMIT);
        for (name, value) in query_pairs(&parts.uri) {
            match &*name {
                "limit" => {
                    let limit: u32 = value
                        .parse()
                        .ok()
                        .filter(|l| (1..=MAX_LIMIT).contains(l))
                        .ok_or_else(|| {
                            ApiError::invalid(
                                "limit",
                                format!("must be a whole number from 1 to {MAX_LIMIT}"),
                            )
                        })?;
                    request.limit = Some(limit);
                }
                "cursor" if !value.is_empty() => {
                    request.cursor = Some(Cursor::from_client(value));
                }
                _ => {}
            }
        }
        Ok(Paging(request))
    }
}

/// The query string's pairs, percent-decoded.
pub(crate) fn query_pairs(uri: &Uri) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
    uri.query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
}

/// The query parameters the API reads.
pub(crate) const QUERY_PARAMETERS: [&str; 5] = ["reason", "author", "cursor", "limit", "unread"];

/// The query parameters each route reads, by method and route as the router names them;
/// `None` for a method and route it does not serve (the router answers those, 404 or 405).
pub(crate) fn parameters_of(method: &Method, route: &str) -> Option<&'static [&'static str]> {
    const PAGING: &[&str] = &["cursor", "limit"];
    // HEAD is answered by the GET route.
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    Some(match (method, route) {
        ("GET", "/posts") => &["author", "cursor", "limit"],
        ("GET", "/user/sync" | "/posts/{id}/comments") => PAGING,
        ("GET", "/notifications") => &["unread", "cursor", "limit"],
        ("DELETE", "/posts/{id}" | "/comments/{id}") => &["reason"],
        ("GET" | "PUT", "/profile")
        | ("POST", "/posts" | "/uploads" | "/notifications/read")
        | ("GET" | "PUT", "/posts/{id}")
        | ("POST", "/posts/{id}/comments")
        | ("POST", "/posts/{id}/reports" | "/comments/{id}/reports" | "/users/{sub}/reports")
        | ("GET", "/users/{sub}") => &[],
        _ => return None,
    })
}

/// What is wrong with the query string, as (field, message), where something is:
/// - a name or value that is not UTF-8 once percent-decoded (a Latin-1 client's `f%FCr`,
///   decoded lossily, wrote `f�r` into an audit row's reason);
/// - a `%` not followed by two hex digits (`%ZZ` was read as those three characters);
/// - a parameter the API reads given twice (one took the first, another the last);
/// - a name the route does not read (`?autor=ann` listed every post, not ann's, and
///   `?author=` on a thread's comments was ignored), with the nearest it does and the names it
///   reads (`reads`, from [`parameters_of`]; `None` leaves names unchecked). A name starting
///   with `_` is left alone: clients add one to get past a cache (`?_=1733471234`).
pub(crate) fn query_problem(uri: &Uri, reads: Option<(&str, &[&str])>) -> Option<(String, String)> {
    let strict = |raw: &str| {
        percent_encoding::percent_decode_str(&raw.replace('+', " "))
            .decode_utf8()
            .map(Cow::into_owned)
            .ok()
    };
    let field = |name: &str| {
        if QUERY_PARAMETERS.contains(&name) {
            name.to_string()
        } else {
            "query".to_string()
        }
    };
    let mut seen = Vec::new();
    for pair in uri.query()?.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (name, decoded) = match (strict(name), strict(value)) {
            (Some(name), Some(_)) => (name, true),
            (Some(name), None) => (name, false),
            (None, _) => {
                return Some((
                    "query".into(),
                    "is not valid UTF-8 once percent-decoded".into(),
                ));
            }
        };
        if !decoded {
            return Some((
                field(&name),
                "is not valid UTF-8 once percent-decoded".into(),
            ));
        }
        if bad_escape(pair) {
            return Some((
                field(&name),
                "holds a % not followed by two hex digits: write a % itself as %25".into(),
            ));
        }
        if name.starts_with('_') {
            continue;
        }
        if let Some((route, names)) = reads
            && !names.contains(&name.as_str())
        {
            let near = match synonym(&name, names) {
                Some(hint) => format!(" ({hint})"),
                None => crate::model::nearest(&name.to_lowercase(), names)
                    .map(|n| format!(" (did you mean {n}?)"))
                    .unwrap_or_default(),
            };
            // Paging is by cursor: a page number or an offset says so.
            let paging = if ["page", "offset"].contains(&name.to_lowercase().as_str())
                && names.contains(&"cursor")
            {
                "; pages are read by cursor: pass back the cursor of the page before"
            } else {
                ""
            };
            let read = if names.is_empty() {
                format!("{route} reads no query parameters")
            } else {
                format!("{route} reads {}", names.join(", "))
            };
            // Named with anything outside ASCII escaped (`auth\u{200b}or` read as `author`) and
            // cut to a sane length (a 60,000-character name came back whole).
            let mut shown: String = name.escape_default().collect();
            if shown.chars().count() > 64 {
                shown = shown.chars().take(60).chain("…".chars()).collect();
            }
            return Some((
                "query".into(),
                format!("unknown parameter \"{shown}\"{near}: {read}{paging}"),
            ));
        }
        if seen.contains(&name) {
            return Some((name, "is given twice: give it once".into()));
        }
        seen.push(name);
    }
    None
}

/// What another API's name for a parameter is here, where the route reads it (`pageSize` is
/// `limit`, `nextToken` is `cursor`, `authorSub` is `author`): names no spelling is near.
/// `read` says how `unread` reads (`read=false` is `unread=true`).
fn synonym(name: &str, names: &[&str]) -> Option<String> {
    const SYNONYMS: &[(&str, &str)] = &[
        ("authorsub", "author"),
        ("author_sub", "author"),
        ("authorid", "author"),
        ("author_id", "author"),
        ("userid", "author"),
        ("user_id", "author"),
        ("sub", "author"),
        ("pagesize", "limit"),
        ("page_size", "limit"),
        ("perpage", "limit"),
        ("per_page", "limit"),
        ("size", "limit"),
        ("count", "limit"),
        ("maxresults", "limit"),
        ("max_results", "limit"),
        ("nexttoken", "cursor"),
        ("next_token", "cursor"),
        ("pagetoken", "cursor"),
        ("page_token", "cursor"),
        ("continuation", "cursor"),
        ("after", "cursor"),
        ("next", "cursor"),
    ];
    let lower = name.to_lowercase();
    if lower == "read" && names.contains(&"unread") {
        return Some(
            "did you mean unread? unread=true lists the unread only; without it, every notification is listed"
                .into(),
        );
    }
    SYNONYMS
        .iter()
        .find(|(alias, target)| *alias == lower && names.contains(target))
        .map(|(_, target)| format!("this API calls it {target}"))
}

/// Whether `raw` holds a `%` that does not start an escape (two hex digits after it).
fn bad_escape(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        b == b'%'
            && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}

/// A name or value of the query string, decoded; borrowed when there is nothing to decode.
fn decode(raw: &str) -> Cow<'_, str> {
    if !raw.contains(['+', '%']) {
        return Cow::Borrowed(raw);
    }
    let spaced = raw.replace('+', " ");
    Cow::Owned(
        percent_encoding::percent_decode_str(&spaced)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

/// One query parameter, when present.
pub(crate) fn query_param(uri: &Uri, name: &str) -> Option<String> {
    query_pairs(uri)
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Body {
        display_name: String,
        bio: Option<String>,
    }

    #[test]
    fn a_missing_field_is_named() {
        let e = parse_json::<Body>(br#"{"bio": "x"}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("displayName"));
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
    }

    #[test]
    fn a_field_of_the_wrong_type_is_named_without_a_position() {
        let e = parse_json::<Body>(br#"{"displayName": 5}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("displayName"));
        assert!(!e.message.contains("line"), "{}", e.message);
    }

    /// An array or a bare value is not taken for an object, and the refusal names no type of
    /// ours (`["a", null]` made a post; `7` was refused as "expected struct NewPostBody").
    #[test]
    fn only_an_object_is_a_body() {
        for body in [
            &br#"["Kim", null]"#[..],
            b"[]",
            b"7",
            b"\"text\"",
            b"null",
            b" [ {} ]",
        ] {
            let e = parse_json::<Body>(body).unwrap_err();
            assert_eq!(
                (e.field.as_deref(), e.message.as_str()),
                (Some("body"), "a JSON object is required"),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        assert!(parse_json::<Body>(br#" {"displayName": "Kim"}"#).is_ok());
        // Text that is not JSON at all is said to be that, and so is JSON broken partway.
        let e = parse_json::<Body>(b"displayName=Kim").unwrap_err();
        assert_eq!(
            (e.field.as_deref(), e.message.as_str()),
            (Some("body"), "is not JSON: send a JSON object")
        );
        let e = parse_json::<Body>(br#"{"displayName": "Kim""#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("body"));
        assert!(
            e.message.starts_with("is not valid JSON: "),
            "{}",
            e.message
        );
    }

    /// Another API's name for a parameter is pointed to this one's, where the route reads it;
    /// `read=false` is told how `unread` reads (it was offered `unread` alone, the opposite).
    #[test]
    fn another_apis_name_for_a_parameter_is_pointed_to_this_ones() {
        let refused = |uri: &str, route: &str| {
            let uri: Uri = uri.parse().unwrap();
            let names = parameters_of(&Method::GET, route).unwrap();
            query_problem(&uri, Some((&format!("GET {route}"), names)))
                .map(|(_, message)| message)
                .unwrap_or_default()
        };
        for (uri, route, hint) in [
            ("/posts?authorSub=x", "/posts", "(this API calls it author)"),
            ("/posts?pageSize=5", "/posts", "(this API calls it limit)"),
            (
                "/posts?nextToken=abc",
                "/posts",
                "(this API calls it cursor)",
            ),
            ("/posts?PER_PAGE=5", "/posts", "(this API calls it limit)"),
            (
                "/notifications?read=false",
                "/notifications",
                "(did you mean unread? unread=true lists the unread only; without it, every notification is listed)",
            ),
            (
                "/notifications?autor=x",
                "/notifications",
                "GET /notifications reads unread, cursor, limit",
            ),
        ] {
            let message = refused(uri, route);
            assert!(message.contains(hint), "{uri}: {message}");
        }
        // Only to a name the route reads: a thread's comments have no author.
        let message = refused("/posts/1/comments?authorSub=x", "/posts/{id}/comments");
        assert!(!message.contains("calls it author"), "{message}");
        assert!(
            message.starts_with("unknown parameter \"authorSub\""),
            "{message}"
        );
    }

    /// A field sent under both its names is said as that, not as one sent twice.
    #[test]
    fn a_field_under_both_its_names_is_said_as_such() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Picture {
            #[serde(alias = "profileImageKey", rename = "profileImage")]
            image: String,
        }
        let e =
            parse_json::<Picture>(br#"{"profileImage": "a", "profileImageKey": "b"}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("profileImage"));
        assert!(
            e.message.contains("profileImageKey, its other name"),
            "{}",
            e.message
        );
        // A field with no other name sent twice is not told about one.
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        #[serde(rename_all = "camelCase")]
        struct Name {
            display_name: String,
        }
        let e = parse_json::<Name>(br#"{"displayName": "x", "displayName": "y"}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("displayName"));
        assert_eq!(e.message, "given twice: send it once");
    }

    /// A wrong value is said in JSON's words, never a Rust type's.
    #[test]
    fn a_wrong_value_names_no_rust_type() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Counts {
            n: u64,
            ids: Vec<i64>,
        }
        let e = parse_json::<Counts>(br#"{"n": -1, "ids": []}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("n"));
        assert!(
            e.message.contains("expected a whole number, 0 or more"),
            "{}",
            e.message
        );
        let e = parse_json::<Counts>(br#"{"n": 1, "ids": [1.5]}"#).unwrap_err();
        assert!(
            e.message.contains("expected a whole number"),
            "{}",
            e.message
        );
        assert!(!e.message.contains("i64"), "{}", e.message);
    }

    #[test]
    fn malformed_json_and_trailing_text_are_refused() {
        assert_eq!(
            parse_json::<Body>(b"{\"displayName\": ")
                .unwrap_err()
                .field
                .as_deref(),
            Some("body")
        );
        assert_eq!(
            parse_json::<Body>(br#"{"displayName": "a"} {}"#)
                .unwrap_err()
                .field
                .as_deref(),
            Some("body")
        );
        assert_eq!(
            parse_json::<Body>(b"  ").unwrap_err().field.as_deref(),
            Some("body")
        );
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_give_a_body_or_a_400(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            if let Err(e) = parse_json::<Body>(&bytes) {
                proptest::prop_assert_eq!(e.status, StatusCode::BAD_REQUEST);
                proptest::prop_assert!(e.field.is_some());
            }
        }
    }
}
