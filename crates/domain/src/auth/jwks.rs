//! Fetching a user pool's JSON Web Key Set over HTTP(S), on the hyper + rustls (ring) stack the
//! AWS SDK already brings. It only fetches and parses; caching is the verifier's.

use super::{AuthError, Source};
use crate::error::{DomainError, DomainResult};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet};
use std::collections::HashMap;
use std::time::Duration;

/// A key set is a few kilobytes; anything much larger is not one.
const MAX_BODY_BYTES: usize = 256 * 1024;

pub(super) type Keys = HashMap<String, DecodingKey>;

pub(super) struct JwksFetcher {
    url: http::Uri,
    client: Client<HttpsConnector<HttpConnector>, Empty<Bytes>>,
    timeout: Duration,
}

impl JwksFetcher {
    /// `http://` is allowed for local emulators (moto) and tests; Cognito's URL is `https://`.
    pub(super) fn new(url: &str, timeout: Duration) -> DomainResult<Self> {
        let uri: http::Uri = url
            .parse()
            .map_err(|_| DomainError::invalid("jwks_url", "must be an http(s) URL"))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.host().is_none() {
            return Err(DomainError::invalid("jwks_url", "must be an http(s) URL"));
        }
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_native_roots()
            .map_err(|e| DomainError::unavailable("trusted root certificates", e))?
            .https_or_http()
            .enable_http1()
            .build();
        let client = Client::builder(TokioExecutor::new()).build(connector);
        Ok(Self {
            url: uri,
            client,
            timeout,
        })
    }

    pub(super) async fn fetch(&self) -> Result<Keys, AuthError> {
        tokio::time::timeout(self.timeout, self.fetch_inner())
            .await
            .map_err(|_| unavailable("timed out"))?
    }

    async fn fetch_inner(&self) -> Result<Keys, AuthError> {
        let request = http::Request::get(self.url.clone())
            .header(http::header::ACCEPT, "application/json")
            .body(Empty::<Bytes>::new())
            .map_err(|e| AuthError::Unavailable(e.into()))?;
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| AuthError::Unavailable(e.into()))?;
        if !response.status().is_success() {
            return Err(unavailable(format!("answered {}", response.status())));
        }
        let body = Limited::new(response.into_body(), MAX_BODY_BYTES)
            .collect()
            .await
            .map_err(AuthError::Unavailable)?
            .to_bytes();
        parse_keys(&body)
    }
}

/// The RSA keys of a key set by `kid`; keys of other types or without a `kid` are skipped.
pub(super) fn parse_keys(body: &[u8]) -> Result<Keys, AuthError> {
    let set: JwkSet = serde_json::from_slice(body).map_err(|e| AuthError::Unavailable(e.into()))?;
    Ok(set
        .keys
        .iter()
        .filter(|jwk| matches!(jwk.algorithm, AlgorithmParameters::RSA(_)))
        .filter_map(|jwk| {
            let kid = jwk.common.key_id.clone()?;
            let key = DecodingKey::from_jwk(jwk).ok()?;
            Some((kid, key))
        })
        .collect())
}

fn unavailable(message: impl Into<String>) -> AuthError {
    let source: Source = format!("JWKS endpoint {}", message.into()).into();
    AuthError::Unavailable(source)
}
