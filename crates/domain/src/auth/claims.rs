//! The caller's identity as both the verifier and the authorizer path produce it, read from a
//! claims object in one place so the two paths cannot drift apart.

use super::AuthError;
use crate::model::UserSub;
use serde_json::{Map, Value};
use std::fmt;

/// Cognito's `token_use` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenUse {
    Id,
    Access,
}

impl TokenUse {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::Access => "access",
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        match raw {
            "id" => Some(Self::Id),
            "access" => Some(Self::Access),
            _ => None,
        }
    }
}

/// Which tokens a route takes: the seed's Flutter app sends access tokens, its web app id tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExpectedUse {
    Id,
    Access,
    Either,
}

impl ExpectedUse {
    pub fn accepts(self, token_use: TokenUse) -> bool {
        match self {
            Self::Either => true,
            Self::Id => token_use == TokenUse::Id,
            Self::Access => token_use == TokenUse::Access,
        }
    }
}

impl fmt::Display for ExpectedUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Id => "an id token",
            Self::Access => "an access token",
            Self::Either => "an id or access token",
        })
    }
}

/// Who the caller is, once their token has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedClaims {
    pub sub: UserSub,
    pub username: String,
    /// `cognito:groups`, empty when the user is in none.
    pub groups: Vec<String>,
    pub token_use: TokenUse,
    /// Only id tokens carry it.
    pub email: Option<String>,
}

impl VerifiedClaims {
    pub fn in_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
    }
}

/// The identity in a claims object, with the app client it was issued to (`aud` of an id token,
/// `client_id` of an access token) for the caller to check.
pub(super) fn read_claims(
    claims: &Map<String, Value>,
    expected: ExpectedUse,
) -> Result<(VerifiedClaims, Option<String>), AuthError> {
    let token_use = text(claims, "token_use")
        .and_then(TokenUse::parse)
        .ok_or(AuthError::WrongTokenUse(expected))?;
    if !expected.accepts(token_use) {
        return Err(AuthError::WrongTokenUse(expected));
    }
    let sub = text(claims, "sub")
        .and_then(|s| UserSub::parse(s).ok())
        .ok_or(AuthError::Malformed)?;
    let (username_claim, client_claim) = match token_use {
        TokenUse::Id => ("cognito:username", "aud"),
        TokenUse::Access => ("username", "client_id"),
    };
    let username = text(claims, username_claim)
        .filter(|u| !u.is_empty())
        .ok_or(AuthError::Malformed)?
        .to_owned();
    let client_id = match claims.get(client_claim) {
        // RFC 7519 allows `aud` as a list; Cognito sends one string.
        Some(Value::Array(items)) if items.len() == 1 => items[0].as_str().map(str::to_owned),
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    let verified = VerifiedClaims {
        sub,
        username,
        groups: groups(claims.get("cognito:groups")),
        token_use,
        email: text(claims, "email").map(str::to_owned),
    };
    Ok((verified, client_id))
}

fn text<'a>(claims: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    claims.get(key).and_then(Value::as_str)
}

/// `cognito:groups` in every form it arrives in: a JSON list in a JWT, `"[admins editors]"`
/// from an HTTP API (v2) authorizer, `"admins,editors"` from a REST (v1) authorizer. Cognito
/// group names cannot contain whitespace; a name containing a comma would be split, which only
/// the string forms can cause and which API Gateway's own encoding makes ambiguous anyway.
fn groups(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(s)) => {
            let inner = s.trim();
            let inner = inner
                .strip_prefix('[')
                .and_then(|rest| rest.strip_suffix(']'))
                .unwrap_or(inner);
            inner
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|g| !g.is_empty())
                .map(str::to_owned)
                .collect()
        }
        _ => Vec::new(),
    }
}
