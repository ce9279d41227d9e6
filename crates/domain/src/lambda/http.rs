//! API Gateway (REST v1, HTTP API v2) and Function URL events into Router requests.

use crate::api::{AuthorizerClaims, InvocationId};
use axum::Router;
use axum::http::Uri;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};

/// Prepares a request `lambda_http` built from an event: the authorizer's claims and the
/// invocation id go into extensions the Router reads, and the path loses the stage prefix.
pub fn adapt(mut req: Request) -> Request {
    let claims = req
        .extensions_mut()
        .get_mut::<RequestContext>()
        .and_then(take_authorizer_claims);
    if let Some(claims) = claims {
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
/// `authorizer.jwt.claims` (all values strings), moved out of the typed context (nothing else
/// reads them there) without a detour through JSON or a copy.
fn take_authorizer_claims(context: &mut RequestContext) -> Option<serde_json::Value> {
    match context {
        RequestContext::ApiGatewayV1(ctx) => ctx
            .authorizer
            .fields
            .remove("claims")
            .filter(|claims| claims.is_object()),
        RequestContext::ApiGatewayV2(ctx) => {
            let jwt = ctx.authorizer.as_mut()?.jwt.as_mut()?;
            Some(serde_json::Value::Object(
                std::mem::take(&mut jwt.claims)
                    .into_iter()
                    .map(|(k, v)| (k, serde_json::Value::String(v)))
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
