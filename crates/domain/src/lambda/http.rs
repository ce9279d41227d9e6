//! API Gateway (REST v1, HTTP API v2) and Function URL events into Router requests.

use crate::api::{AuthorizerClaims, InvocationId};
use axum::Router;
use axum::http::Uri;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};

/// Prepares a request `lambda_http` built from an event: the authorizer's claims and the
/// invocation id go into extensions the Router reads, and the path loses the stage prefix.
pub fn adapt(mut req: Request) -> Request {
    if let Some(claims) = req.request_context_ref().and_then(authorizer_claims) {
        req.extensions_mut().insert(AuthorizerClaims(claims));
    }
    if let Some(id) = req.lambda_context_ref().map(|c| c.request_id.clone()) {
        req.extensions_mut().insert(InvocationId(id));
    }
    let raw = req.raw_http_path().to_string();
    if !raw.is_empty() && raw != req.uri().path() {
        let path_and_query = match req.uri().query() {
            Some(q) => format!("{raw}?{q}"),
            None => raw,
        };
        if let Ok(uri) = path_and_query.parse::<Uri>() {
            *req.uri_mut() = uri;
        }
    }
    req
}

/// The claims object of the authorizer: REST v1 `authorizer.claims`, HTTP API v2
/// `authorizer.jwt.claims` (all values strings), read from the typed context without a detour
/// through JSON.
fn authorizer_claims(context: &RequestContext) -> Option<serde_json::Value> {
    match context {
        RequestContext::ApiGatewayV1(ctx) => ctx
            .authorizer
            .fields
            .get("claims")
            .filter(|claims| claims.is_object())
            .cloned(),
        RequestContext::ApiGatewayV2(ctx) => {
            let jwt = ctx.authorizer.as_ref()?.jwt.as_ref()?;
            Some(serde_json::Value::Object(
                jwt.claims
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                    .collect(),
            ))
        }
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// Serves the Router on Lambda until the runtime stops the process.
pub async fn serve(router: Router) -> Result<(), lambda_http::Error> {
    let service = tower::ServiceBuilder::new()
        .map_request(adapt)
        .service(router);
    lambda_http::run(service).await
}
