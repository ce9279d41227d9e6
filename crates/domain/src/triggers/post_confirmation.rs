//! Cognito's post-confirmation trigger: creates the users row from the event's attributes, or
//! refreshes it when it exists, and hands the event back unchanged, as Cognito requires.

use crate::error::{DomainError, DomainResult};
use crate::model::{DisplayName, Email, NewProfile, UserSub};
use crate::ports::ContentStore;
use serde_json::Value;

/// Handles one event; the answer is the event itself.
pub async fn handle(event: Value, content: &dyn ContentStore) -> DomainResult<Value> {
    let profile = profile_from_event(&event)?;
    let trigger = event
        .get("triggerSource")
        .and_then(Value::as_str)
        .unwrap_or("unknown");
    content.upsert_profile(&profile).await?;
    tracing::info!(sub = %profile.sub, trigger, "users row written");
    Ok(event)
}

/// The profile a post-confirmation event describes. Only `sub` is required; an e-mail or name
/// Cognito accepted but the schema does not is left out rather than failing the sign-up.
pub fn profile_from_event(event: &Value) -> DomainResult<NewProfile> {
    let attributes = event
        .get("request")
        .and_then(|r| r.get("userAttributes"))
        .and_then(Value::as_object)
        .ok_or_else(|| DomainError::invalid("request.userAttributes", "is missing"))?;
    let text = |name: &str| attributes.get(name).and_then(Value::as_str);
    let sub = text("sub")
        .ok_or_else(|| DomainError::invalid("userAttributes.sub", "is missing"))
        .and_then(|s| UserSub::parse(s).map_err(DomainError::from))?;
    let email = text("email").and_then(|e| Email::parse(e).ok());
    // Google and Apple sign-ups bring `name`; e-mail sign-ups may set `preferred_username`.
    let display_name = ["name", "preferred_username", "given_name"]
        .into_iter()
        .filter_map(text)
        .find_map(DisplayName::sanitized);
    Ok(NewProfile {
        sub,
        email,
        display_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn attributes_become_a_profile_and_odd_values_are_left_out() {
        let event = json!({"triggerSource": "PostConfirmation_ConfirmSignUp", "request": {"userAttributes": {
            "sub": "0f8fad5b-d9cb-469f-a165-70867728950e", "email": "not an email",
            "name": "", "preferred_username": "ada"
        }}, "response": {}});
        let p = profile_from_event(&event).unwrap();
        assert_eq!(p.sub.as_str(), "0f8fad5b-d9cb-469f-a165-70867728950e");
        assert_eq!(p.email, None);
        assert_eq!(p.display_name.as_ref().map(|n| n.as_str()), Some("ada"));
    }

    #[test]
    fn a_provider_name_that_would_read_backwards_is_neutralised() {
        let event = json!({"request": {"userAttributes": {
            "sub": "0f8fad5b-d9cb-469f-a165-70867728950e",
            "name": "\u{202E}nimdA\u{200B}"
        }}});
        let p = profile_from_event(&event).unwrap();
        assert_eq!(p.display_name.as_ref().map(|n| n.as_str()), Some("nimdA"));
    }

    #[test]
    fn an_event_without_a_sub_is_refused_by_name() {
        let e = profile_from_event(&json!({"request": {"userAttributes": {"email": "a@b.co"}}}))
            .unwrap_err();
        assert!(e.to_string().contains("userAttributes.sub"), "{e}");
        let e = profile_from_event(&json!({"request": {}})).unwrap_err();
        assert!(e.to_string().contains("userAttributes"), "{e}");
    }
}
