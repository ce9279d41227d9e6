//! Claims that API Gateway's Cognito or JWT authorizer already verified, as they arrive in the
//! event: REST API (v1) `requestContext.authorizer.claims`, HTTP API (v2)
//! `requestContext.authorizer.jwt.claims`, all values strings. Signature, issuer and expiry were
//! checked by API Gateway; this checks token use and app client, and reads the identity.

use super::AuthError;
use super::claims::{ExpectedUse, VerifiedClaims, read_claims};
use serde_json::Value;

/// The authorizer's claims object in an API Gateway event (v2 first, then v1).
pub fn authorizer_claims(event: &Value) -> Option<&Value> {
    let authorizer = event.get("requestContext")?.get("authorizer")?;
    authorizer
        .get("jwt")
        .and_then(|jwt| jwt.get("claims"))
        .or_else(|| authorizer.get("claims"))
        .filter(|claims| claims.is_object())
}

/// The caller's identity from authorizer claims; `client_ids` are the app clients the service
/// accepts (`APP_CLIENT_IDS`), since a REST authorizer does not check them.
pub fn claims_from_authorizer(
    claims: &Value,
    expected: ExpectedUse,
    client_ids: &[String],
) -> Result<VerifiedClaims, AuthError> {
    let map = claims.as_object().ok_or(AuthError::Missing)?;
    let (verified, client_id) = read_claims(map, expected)?;
    match client_id {
        Some(id) if client_ids.contains(&id) => Ok(verified),
        _ => Err(AuthError::WrongAudience),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    const SUB: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";

    fn clients() -> Vec<String> {
        vec!["app-client".to_owned()]
    }

    #[test]
    fn http_api_v2_groups_in_brackets_are_split_on_spaces() {
        let event = json!({"requestContext": {"authorizer": {"jwt": {"claims": {
            "sub": SUB, "token_use": "access", "client_id": "app-client",
            "username": "ada", "cognito:groups": "[admins editors]"
        }, "scopes": null}}}});
        let claims = authorizer_claims(&event).expect("v2 claims");
        let verified = claims_from_authorizer(claims, ExpectedUse::Access, &clients()).unwrap();
        assert_eq!(verified.groups, ["admins", "editors"]);
        assert_eq!(verified.username, "ada");
        assert_eq!(verified.sub.as_str(), SUB);
    }

    #[test]
    fn rest_api_v1_claims_are_read_with_comma_separated_groups() {
        let event = json!({"requestContext": {"authorizer": {"claims": {
            "sub": SUB, "token_use": "id", "aud": "app-client", "cognito:username": "ada",
            "email": "ada@example.com", "cognito:groups": "admins,editors", "exp": "1700000000"
        }}}});
        let claims = authorizer_claims(&event).expect("v1 claims");
        let verified = claims_from_authorizer(claims, ExpectedUse::Either, &clients()).unwrap();
        assert_eq!(verified.groups, ["admins", "editors"]);
        assert_eq!(verified.email.as_deref(), Some("ada@example.com"));
    }

    #[test]
    fn a_single_group_and_no_groups_are_both_understood() {
        let base = json!({"sub": SUB, "token_use": "access", "client_id": "app-client",
            "username": "ada"});
        let verified = claims_from_authorizer(&base, ExpectedUse::Access, &clients()).unwrap();
        assert!(verified.groups.is_empty());
        let mut one = base.clone();
        one["cognito:groups"] = json!("[admins]");
        let verified = claims_from_authorizer(&one, ExpectedUse::Access, &clients()).unwrap();
        assert_eq!(verified.groups, ["admins"]);
    }

    #[test]
    fn an_unknown_app_client_or_token_use_is_refused() {
        let claims = json!({"sub": SUB, "token_use": "access", "client_id": "other",
            "username": "ada"});
        assert!(matches!(
            claims_from_authorizer(&claims, ExpectedUse::Access, &clients()),
            Err(AuthError::WrongAudience)
        ));
        assert!(matches!(
            claims_from_authorizer(&claims, ExpectedUse::Id, &clients()),
            Err(AuthError::WrongTokenUse(ExpectedUse::Id))
        ));
        assert!(authorizer_claims(&json!({"requestContext": {}})).is_none());
    }

    proptest! {
        #[test]
        fn arbitrary_claim_strings_never_panic(
            sub in ".*", groups in ".*", token_use in "(id|access|.*)", username in ".*",
            client in "(app-client|.*)",
        ) {
            let claims = json!({"sub": sub, "token_use": token_use, "client_id": client,
                "aud": client, "username": username, "cognito:username": username,
                "cognito:groups": groups});
            if let Ok(verified) = claims_from_authorizer(&claims, ExpectedUse::Either, &clients()) {
                prop_assert!(verified.groups.iter().all(|g| !g.is_empty()));
            }
        }
    }
}
