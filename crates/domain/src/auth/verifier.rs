//! Verifying Cognito JWTs in the Lambda: RS256 only, against the user pool's JWKS (fetched once,
//! cached, refetched when a token names an unknown key, at most once per refresh interval so
//! forged key ids cannot hammer the endpoint), then issuer, expiry, token use and app client.

use super::AuthError;
use super::claims::{ExpectedUse, VerifiedClaims, read_claims};
use super::jwks::{JwksFetcher, Keys};
use crate::error::DomainResult;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde_json::{Map, Value};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// What a token must match. Build with [`JwtSettings::cognito`]; override the JWKS URL for an
/// emulator (moto serves it at `{endpoint}/{pool}/.well-known/jwks.json` while its tokens'
/// `iss` stays the AWS URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwtSettings {
    /// Compared exactly with `iss`.
    pub issuer: String,
    pub jwks_url: String,
    /// The app clients whose tokens are accepted (`aud` of id tokens, `client_id` of access
    /// tokens).
    pub client_ids: Vec<String>,
    /// Clock skew tolerated on `exp`.
    pub leeway: Duration,
    /// The least time between two fetches of the key set once keys are cached, whether the
    /// last fetch worked or failed: forged key ids cannot make the function hammer the
    /// endpoint, even while it is failing.
    pub refresh_interval: Duration,
    /// With no keys cached (a cold start whose first fetch failed), the next fetch may come
    /// this soon, so a network blip does not refuse everyone for a whole interval.
    pub retry_after_failure: Duration,
    pub fetch_timeout: Duration,
}

impl JwtSettings {
    /// A Cognito user pool's issuer, with its JWKS URL at the default `{issuer}/.well-known/jwks.json`.
    pub fn cognito(region: &str, user_pool_id: &str, client_ids: Vec<String>) -> Self {
        let issuer = format!("https://cognito-idp.{region}.amazonaws.com/{user_pool_id}");
        Self {
            jwks_url: format!("{issuer}/.well-known/jwks.json"),
            issuer,
            client_ids,
            leeway: Duration::from_secs(5),
            refresh_interval: Duration::from_secs(60),
            retry_after_failure: Duration::from_secs(5),
            fetch_timeout: Duration::from_secs(5),
        }
    }

    pub fn with_jwks_url(mut self, jwks_url: impl Into<String>) -> Self {
        self.jwks_url = jwks_url.into();
        self
    }
}

#[derive(Clone, Copy)]
struct FetchAttempt {
    at: Instant,
    succeeded: bool,
    /// The first load, when nothing was cached: a refresh may follow it at once.
    initial: bool,
}

/// Verifies tokens for one user pool. Build once per Lambda instance and share it: the key set
/// is cached inside.
pub struct JwtVerifier {
    client_ids: Vec<String>,
    refresh_interval: Duration,
    retry_after_failure: Duration,
    validation: Validation,
    fetcher: JwksFetcher,
    keys: RwLock<Arc<Keys>>,
    /// Held while fetching, so concurrent requests with an unknown key wait for one fetch.
    last_fetch: tokio::sync::Mutex<Option<FetchAttempt>>,
}

impl std::fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtVerifier")
            .field("issuer", &self.validation.iss)
            .field("client_ids", &self.client_ids)
            .finish_non_exhaustive()
    }
}

impl JwtVerifier {
    /// Does not touch the network; the keys are fetched with the first token.
    pub fn new(settings: JwtSettings) -> DomainResult<Self> {
        let fetcher = JwksFetcher::new(&settings.jwks_url, settings.fetch_timeout)?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = settings.leeway.as_secs();
        // Cognito sets no `nbf`; a token that does is held to it.
        validation.validate_nbf = true;
        validation.set_issuer(&[&settings.issuer]);
        validation.set_required_spec_claims(&["exp", "iss"]);
        // Access tokens carry no `aud`; the app client is checked after decoding, per token use.
        validation.validate_aud = false;
        Ok(Self {
            client_ids: settings.client_ids,
            refresh_interval: settings.refresh_interval,
            retry_after_failure: settings.retry_after_failure,
            validation,
            fetcher,
            keys: RwLock::new(Arc::new(Keys::new())),
            last_fetch: tokio::sync::Mutex::new(None),
        })
    }

    /// Verifies a token as sent in the `Authorization` header, with or without `Bearer `.
    pub async fn verify(
        &self,
        authorization: &str,
        expected: ExpectedUse,
    ) -> Result<VerifiedClaims, AuthError> {
        let token = strip_bearer(authorization)?;
        let kid = rs256_key_id(token)?;
        let keys = self.keys_with(&kid).await?;
        let key = keys.get(&kid).ok_or(AuthError::UnknownKey)?;
        let data = jsonwebtoken::decode::<Map<String, Value>>(token, key, &self.validation)
            .map_err(|e| from_jwt_error(e.kind()))?;
        let (claims, client_id) = read_claims(&data.claims, expected)?;
        match client_id {
            Some(id) if self.client_ids.contains(&id) => Ok(claims),
            _ => Err(AuthError::WrongAudience),
        }
    }

    fn cached(&self) -> Arc<Keys> {
        // A poisoned lock only means a writer panicked between two whole-Arc swaps.
        self.keys.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    async fn keys_with(&self, kid: &str) -> Result<Arc<Keys>, AuthError> {
        let keys = self.cached();
        if keys.contains_key(kid) {
            return Ok(keys);
        }
        let mut last = self.last_fetch.lock().await;
        // Another request may have fetched while this one waited for the lock.
        let keys = self.cached();
        if keys.contains_key(kid) {
            return Ok(keys);
        }
        if let Some(attempt) = *last {
            // The first load may be followed at once (the key set had just been read for this
            // very token); with no keys at all after a failure, a retry comes soon; otherwise,
            // failed or not, once per interval.
            let wait = if keys.is_empty() && !attempt.succeeded {
                self.retry_after_failure.min(self.refresh_interval)
            } else if attempt.initial && attempt.succeeded {
                Duration::ZERO
            } else {
                self.refresh_interval
            };
            if attempt.at.elapsed() < wait {
                return Err(if keys.is_empty() {
                    AuthError::Unavailable(
                        "the last fetch of the key set failed moments ago".into(),
                    )
                } else {
                    AuthError::UnknownKey
                });
            }
        }
        let fetched = self.fetcher.fetch().await;
        *last = Some(FetchAttempt {
            at: Instant::now(),
            succeeded: fetched.is_ok(),
            initial: keys.is_empty(),
        });
        let keys = Arc::new(fetched?);
        *self.keys.write().unwrap_or_else(|e| e.into_inner()) = keys.clone();
        if keys.contains_key(kid) {
            Ok(keys)
        } else {
            Err(AuthError::UnknownKey)
        }
    }
}

fn strip_bearer(authorization: &str) -> Result<&str, AuthError> {
    let value = authorization.trim();
    let token = match (value.get(..6), value.get(6..)) {
        (Some(word), Some(rest))
            if word.eq_ignore_ascii_case("bearer")
                && rest.chars().next().is_none_or(char::is_whitespace) =>
        {
            rest.trim_start()
        }
        _ => value,
    };
    if token.is_empty() {
        Err(AuthError::Missing)
    } else {
        Ok(token)
    }
}

/// The `kid` of a token whose header names RS256; any other algorithm (`none`, HS256 with the
/// public key as secret, ...) is refused before a key is looked up.
fn rs256_key_id(token: &str) -> Result<String, AuthError> {
    let mut parts = token.split('.');
    let (Some(header), Some(_), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(AuthError::Malformed);
    };
    let header = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| AuthError::Malformed)?;
    let header: Map<String, Value> =
        serde_json::from_slice(&header).map_err(|_| AuthError::Malformed)?;
    if header.get("alg").and_then(Value::as_str) != Some("RS256") {
        return Err(AuthError::BadSignature);
    }
    header
        .get("kid")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or(AuthError::UnknownKey)
}

fn from_jwt_error(kind: &ErrorKind) -> AuthError {
    match kind {
        ErrorKind::InvalidSignature
        | ErrorKind::InvalidAlgorithm
        | ErrorKind::MissingAlgorithm
        | ErrorKind::InvalidAlgorithmName
        | ErrorKind::UnsupportedAlgorithm => AuthError::BadSignature,
        ErrorKind::ExpiredSignature => AuthError::Expired,
        ErrorKind::ImmatureSignature => AuthError::NotYetValid,
        ErrorKind::InvalidIssuer => AuthError::WrongIssuer,
        ErrorKind::MissingRequiredClaim(claim) if claim == "iss" => AuthError::WrongIssuer,
        ErrorKind::InvalidAudience => AuthError::WrongAudience,
        _ => AuthError::Malformed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::jwk::{Jwk, JwkSet};
    use jsonwebtoken::{EncodingKey, Header};
    use proptest::prelude::*;
    use serde_json::json;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    // Test-only keys generated with openssl for these tests; they protect nothing.
    const SIGNING_KEY: &[u8] = include_bytes!("../../tests/fixtures/auth/signing-key.pem");
    const SIGNING_PUBLIC_KEY: &[u8] =
        include_bytes!("../../tests/fixtures/auth/signing-key.pub.pem");
    const OTHER_KEY: &[u8] = include_bytes!("../../tests/fixtures/auth/other-key.pem");
    const KID: &str = "test-key-1";
    const POOL: &str = "us-east-1_TestPool";
    const CLIENT: &str = "app-client-id";
    const SUB: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";

    fn issuer() -> String {
        format!("https://cognito-idp.us-east-1.amazonaws.com/{POOL}")
    }

    fn jwk(pem: &[u8], kid: &str) -> Jwk {
        let key = EncodingKey::from_rsa_pem(pem).unwrap();
        let mut jwk = Jwk::from_encoding_key(&key, Algorithm::RS256).unwrap();
        jwk.common.key_id = Some(kid.to_owned());
        jwk
    }

    fn jwks(keys: Vec<Jwk>) -> String {
        serde_json::to_string(&JwkSet { keys }).unwrap()
    }

    /// A loopback HTTP/1.1 server answering every request with the current key set, counting them.
    struct JwksServer {
        url: String,
        hits: Arc<AtomicUsize>,
        body: Arc<std::sync::Mutex<String>>,
    }

    async fn serve(body: String) -> JwksServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/{POOL}/.well-known/jwks.json",
            listener.local_addr().unwrap()
        );
        let hits = Arc::new(AtomicUsize::new(0));
        let body = Arc::new(std::sync::Mutex::new(body));
        let (server_hits, server_body) = (hits.clone(), body.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let (hits, body) = (server_hits.clone(), server_body.clone());
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    hits.fetch_add(1, Ordering::SeqCst);
                    let body = body.lock().unwrap().clone();
                    let response = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(response.as_bytes()).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        JwksServer { url, hits, body }
    }

    fn verifier(url: &str) -> JwtVerifier {
        let settings =
            JwtSettings::cognito("us-east-1", POOL, vec![CLIENT.to_owned()]).with_jwks_url(url);
        JwtVerifier::new(settings).unwrap()
    }

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    fn id_claims() -> Value {
        json!({"sub": SUB, "aud": CLIENT, "iss": issuer(), "token_use": "id",
            "cognito:username": "ada", "email": "ada@example.com",
            "cognito:groups": ["admins", "editors"], "iat": now(), "exp": now() + 3600})
    }

    fn access_claims() -> Value {
        json!({"sub": SUB, "client_id": CLIENT, "iss": issuer(), "token_use": "access",
            "username": "ada", "scope": "aws.cognito.signin.user.admin",
            "iat": now(), "exp": now() + 3600})
    }

    fn sign_with(pem: &[u8], kid: &str, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(kid.to_owned());
        jsonwebtoken::encode(&header, claims, &EncodingKey::from_rsa_pem(pem).unwrap()).unwrap()
    }

    fn sign(claims: &Value) -> String {
        sign_with(SIGNING_KEY, KID, claims)
    }

    fn b64(value: &Value) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
    }

    async fn setup() -> (JwksServer, JwtVerifier) {
        let server = serve(jwks(vec![jwk(SIGNING_KEY, KID)])).await;
        let verifier = verifier(&server.url);
        (server, verifier)
    }

    #[tokio::test]
    async fn a_valid_id_token_yields_the_callers_identity() {
        let (_server, verifier) = setup().await;
        let claims = verifier
            .verify(&sign(&id_claims()), ExpectedUse::Id)
            .await
            .unwrap();
        assert_eq!(claims.sub.as_str(), SUB);
        assert_eq!(claims.username, "ada");
        assert_eq!(claims.groups, ["admins", "editors"]);
        assert_eq!(claims.token_use, super::super::TokenUse::Id);
        assert_eq!(claims.email.as_deref(), Some("ada@example.com"));
    }

    #[tokio::test]
    async fn a_valid_access_token_passes_with_or_without_bearer_and_keys_are_fetched_once() {
        let (server, verifier) = setup().await;
        let token = sign(&access_claims());
        let claims = verifier.verify(&token, ExpectedUse::Access).await.unwrap();
        assert_eq!(claims.username, "ada");
        assert!(claims.groups.is_empty());
        assert_eq!(claims.email, None);
        let bearer = format!("Bearer {token}");
        verifier.verify(&bearer, ExpectedUse::Either).await.unwrap();
        assert_eq!(server.hits.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn an_unsigned_alg_none_token_is_refused() {
        let (server, verifier) = setup().await;
        let token = format!(
            "{}.{}.",
            b64(&json!({"alg": "none", "typ": "JWT", "kid": KID})),
            b64(&id_claims())
        );
        let err = verifier.verify(&token, ExpectedUse::Id).await.unwrap_err();
        assert!(matches!(err, AuthError::BadSignature), "{err:?}");
        assert_eq!(
            server.hits.load(Ordering::SeqCst),
            0,
            "refused before any key lookup"
        );
    }

    #[tokio::test]
    async fn an_hs256_token_keyed_with_the_public_key_is_refused() {
        let (server, verifier) = setup().await;
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(KID.to_owned());
        let token = jsonwebtoken::encode(
            &header,
            &id_claims(),
            &EncodingKey::from_secret(SIGNING_PUBLIC_KEY),
        )
        .unwrap();
        let err = verifier.verify(&token, ExpectedUse::Id).await.unwrap_err();
        assert!(matches!(err, AuthError::BadSignature), "{err:?}");
        assert_eq!(
            server.hits.load(Ordering::SeqCst),
            0,
            "refused before any key lookup"
        );
    }

    #[tokio::test]
    async fn expiry_has_five_seconds_of_leeway_and_no_more() {
        let (_server, verifier) = setup().await;
        let expiring = |ago: i64| {
            let mut claims = id_claims();
            claims["exp"] = json!(now() - ago);
            sign(&claims)
        };
        // Expired 2 s ago: within the leeway a clock skew needs.
        verifier
            .verify(&expiring(2), ExpectedUse::Id)
            .await
            .unwrap();
        // Expired 8 s ago: past it.
        let err = verifier
            .verify(&expiring(8), ExpectedUse::Id)
            .await
            .unwrap_err();
        assert!(matches!(err, AuthError::Expired), "{err:?}");
    }

    /// A token whose `nbf` is ahead is refused until then, with the same leeway as `exp`.
    #[tokio::test]
    async fn a_token_not_valid_yet_is_refused() {
        let (_server, verifier) = setup().await;
        let starting = |ahead: i64| {
            let mut claims = id_claims();
            claims["nbf"] = json!(now() + ahead);
            sign(&claims)
        };
        let err = verifier
            .verify(&starting(3600), ExpectedUse::Id)
            .await
            .unwrap_err();
        assert!(matches!(err, AuthError::NotYetValid), "{err:?}");
        verifier
            .verify(&starting(2), ExpectedUse::Id)
            .await
            .unwrap();
        verifier
            .verify(&starting(-60), ExpectedUse::Id)
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_token_signed_by_another_key_under_the_same_kid_is_refused() {
        let (_server, verifier) = setup().await;
        let token = sign_with(OTHER_KEY, KID, &id_claims());
        let err = verifier.verify(&token, ExpectedUse::Id).await.unwrap_err();
        assert!(matches!(err, AuthError::BadSignature), "{err:?}");
    }

    #[tokio::test]
    async fn an_unknown_kid_triggers_exactly_one_refetch_per_interval() {
        let (server, verifier) = setup().await;
        verifier
            .verify(&sign(&id_claims()), ExpectedUse::Id)
            .await
            .unwrap();
        assert_eq!(server.hits.load(Ordering::SeqCst), 1);
        for kid in ["forged-1", "forged-2", "forged-3"] {
            let token = sign_with(OTHER_KEY, kid, &id_claims());
            let err = verifier.verify(&token, ExpectedUse::Id).await.unwrap_err();
            assert!(matches!(err, AuthError::UnknownKey), "{err:?}");
        }
        assert_eq!(server.hits.load(Ordering::SeqCst), 2);
    }

    /// A failing endpoint does not shorten the interval: forged key ids during an outage cause
    /// no more fetches than they would otherwise.
    #[tokio::test]
    async fn after_a_failed_refetch_unknown_kids_still_wait_the_interval() {
        let server = serve(jwks(vec![jwk(SIGNING_KEY, KID)])).await;
        let mut settings = JwtSettings::cognito("us-east-1", POOL, vec![CLIENT.to_owned()])
            .with_jwks_url(&server.url);
        settings.retry_after_failure = Duration::from_millis(1);
        let verifier = JwtVerifier::new(settings).unwrap();
        verifier
            .verify(&sign(&id_claims()), ExpectedUse::Id)
            .await
            .unwrap();
        // The endpoint breaks; the first unknown kid may refetch (right after the first load).
        *server.body.lock().unwrap() = "not a key set".into();
        let forged = |kid: &str| sign_with(OTHER_KEY, kid, &id_claims());
        assert!(
            verifier
                .verify(&forged("forged-1"), ExpectedUse::Id)
                .await
                .is_err()
        );
        assert_eq!(server.hits.load(Ordering::SeqCst), 2);
        tokio::time::sleep(Duration::from_millis(20)).await;
        for kid in ["forged-2", "forged-3", "forged-4"] {
            let err = verifier
                .verify(&forged(kid), ExpectedUse::Id)
                .await
                .unwrap_err();
            assert!(matches!(err, AuthError::UnknownKey), "{err:?}");
        }
        assert_eq!(
            server.hits.load(Ordering::SeqCst),
            2,
            "no fetch during the interval"
        );
        // The cached keys still verify real tokens meanwhile.
        verifier
            .verify(&sign(&id_claims()), ExpectedUse::Id)
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_rotated_key_is_picked_up_by_the_refetch() {
        let server = serve(jwks(vec![jwk(SIGNING_KEY, KID)])).await;
        let mut settings = JwtSettings::cognito("us-east-1", POOL, vec![CLIENT.to_owned()])
            .with_jwks_url(&server.url);
        settings.refresh_interval = Duration::ZERO;
        let verifier = JwtVerifier::new(settings).unwrap();
        verifier
            .verify(&sign(&id_claims()), ExpectedUse::Id)
            .await
            .unwrap();
        *server.body.lock().unwrap() = jwks(vec![jwk(SIGNING_KEY, KID), jwk(OTHER_KEY, "key-2")]);
        verifier
            .verify(
                &sign_with(OTHER_KEY, "key-2", &id_claims()),
                ExpectedUse::Id,
            )
            .await
            .unwrap();
        assert_eq!(server.hits.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn claim_checks_refuse_with_the_matching_error() {
        let (_server, verifier) = setup().await;
        let with = |base: Value, key: &str, value: Value| {
            let mut claims = base;
            claims[key] = value;
            sign(&claims)
        };
        let cases = [
            (
                with(id_claims(), "exp", json!(now() - 120)),
                ExpectedUse::Id,
                "expired",
            ),
            (
                with(
                    id_claims(),
                    "iss",
                    json!("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other"),
                ),
                ExpectedUse::Id,
                "issuer",
            ),
            (
                with(id_claims(), "aud", json!("other-client")),
                ExpectedUse::Id,
                "audience",
            ),
            (
                with(access_claims(), "client_id", json!("other-client")),
                ExpectedUse::Access,
                "audience",
            ),
            (sign(&access_claims()), ExpectedUse::Id, "token use"),
            (sign(&id_claims()), ExpectedUse::Access, "token use"),
        ];
        for (token, expected, what) in cases {
            let err = verifier.verify(&token, expected).await.unwrap_err();
            let right = match what {
                "expired" => matches!(err, AuthError::Expired),
                "issuer" => matches!(err, AuthError::WrongIssuer),
                "audience" => matches!(err, AuthError::WrongAudience),
                _ => matches!(err, AuthError::WrongTokenUse(_)),
            };
            assert!(right, "{what}: {err:?}");
            assert!(!err.to_string().contains(&token[..20]));
        }
    }

    #[tokio::test]
    async fn empty_and_garbage_tokens_are_missing_or_malformed() {
        let (server, verifier) = setup().await;
        for empty in ["", "  ", "Bearer ", "bearer   "] {
            let err = verifier
                .verify(empty, ExpectedUse::Either)
                .await
                .unwrap_err();
            assert!(matches!(err, AuthError::Missing), "{empty:?}: {err:?}");
        }
        for garbage in ["abc", "a.b.c", "a.b.c.d", "é.é.é", "Bearer x.y"] {
            let err = verifier
                .verify(garbage, ExpectedUse::Either)
                .await
                .unwrap_err();
            assert!(matches!(err, AuthError::Malformed), "{garbage:?}: {err:?}");
        }
        assert_eq!(server.hits.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn an_unreachable_jwks_endpoint_is_unavailable_not_unauthorized() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
        drop(listener);
        let err = verifier(&url)
            .verify(&sign(&id_claims()), ExpectedUse::Id)
            .await
            .unwrap_err();
        assert!(err.is_transient(), "{err:?}");
    }

    proptest! {
        #[test]
        fn arbitrary_tokens_never_panic(
            token in prop_oneof![
                ".*",
                "[A-Za-z0-9_-]{0,60}\\.[A-Za-z0-9_-]{0,60}\\.[A-Za-z0-9_-]{0,60}",
                "eyJhbGciOiJSUzI1NiJ9\\.[A-Za-z0-9_-]{0,60}\\.[A-Za-z0-9_-]{0,60}",
            ]
        ) {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                let verifier = verifier("http://127.0.0.1:9/jwks.json");
                let _ = verifier.verify(&token, ExpectedUse::Either).await;
            });
        }
    }
}
