//! The user directory's view of a person (Cognito's admin surface) and its search filter.

use super::{Email, GroupName, UserSub, Username};
use crate::error::Invalid;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A Cognito user status. Statuses this build does not know are kept as they came.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UserStatus {
    Unconfirmed,
    Confirmed,
    ForceChangePassword,
    ResetRequired,
    ExternalProvider,
    Archived,
    Compromised,
    Other(String),
}

impl UserStatus {
    pub fn parse(raw: &str) -> Self {
        match raw {
            "UNCONFIRMED" => Self::Unconfirmed,
            "CONFIRMED" => Self::Confirmed,
            "FORCE_CHANGE_PASSWORD" => Self::ForceChangePassword,
            "RESET_REQUIRED" => Self::ResetRequired,
            "EXTERNAL_PROVIDER" => Self::ExternalProvider,
            "ARCHIVED" => Self::Archived,
            "COMPROMISED" => Self::Compromised,
            other => Self::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Unconfirmed => "UNCONFIRMED",
            Self::Confirmed => "CONFIRMED",
            Self::ForceChangePassword => "FORCE_CHANGE_PASSWORD",
            Self::ResetRequired => "RESET_REQUIRED",
            Self::ExternalProvider => "EXTERNAL_PROVIDER",
            Self::Archived => "ARCHIVED",
            Self::Compromised => "COMPROMISED",
            Self::Other(s) => s,
        }
    }
}

impl fmt::Display for UserStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A user as the directory (Cognito) sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryUser {
    pub username: Username,
    /// The `sub` attribute, when present and well-formed.
    pub sub: Option<UserSub>,
    pub email: Option<String>,
    pub status: UserStatus,
    pub enabled: bool,
    /// Every attribute, by name, in the directory's order.
    pub attributes: Vec<(String, String)>,
    pub created_at: Option<DateTime<Utc>>,
    pub modified_at: Option<DateTime<Utc>>,
    /// MFA methods set up for the user (e.g. `SOFTWARE_TOKEN_MFA`).
    pub mfa: Vec<String>,
}

impl DirectoryUser {
    /// How the person is reached: their e-mail, else their phone number (a phone-only
    /// account), as the directory holds it; for confirmations to tell look-alike usernames
    /// apart.
    pub fn contact(&self) -> Option<String> {
        self.email
            .clone()
            .or_else(|| self.attribute("phone_number").map(str::to_string))
    }

    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A user to create (AdminCreateUser), for seeding and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDirectoryUser {
    pub username: Username,
    pub email: Option<Email>,
    pub attributes: Vec<(AttributeName, String)>,
    /// A temporary password; the user starts in FORCE_CHANGE_PASSWORD.
    pub temporary_password: Option<String>,
    /// Send the invitation message (the temporary password by e-mail); otherwise the user is
    /// created silently and support hands the password over.
    pub send_invitation: bool,
}

/// One entry of a user's sign-in history: Cognito's auth events, recorded where the pool's
/// threat protection (advanced security) is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthEvent {
    pub id: String,
    /// `SignIn`, `SignUp`, `ForgotPassword`, `PasswordChange`, `ResendCode`, …
    pub kind: String,
    pub at: Option<DateTime<Utc>>,
    /// `Pass`, `Fail` or `InProgress`.
    pub result: String,
    /// `Low`, `Medium` or `High`, when assessed.
    pub risk_level: Option<String>,
    /// `NoRisk`, `AccountTakeover` or `Block`.
    pub risk_decision: Option<String>,
    pub ip: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub device: Option<String>,
}

/// A group in the pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub name: GroupName,
    pub description: Option<String>,
    pub precedence: Option<i32>,
}

/// A user attribute name we may write: a standard one or `custom:…`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AttributeName(String);

impl AttributeName {
    /// The standard attributes (OpenID Connect's, as Cognito has them).
    pub const STANDARD: &'static [&'static str] = &[
        "address",
        "birthdate",
        "email",
        "email_verified",
        "family_name",
        "gender",
        "given_name",
        "locale",
        "middle_name",
        "name",
        "nickname",
        "phone_number",
        "phone_number_verified",
        "picture",
        "preferred_username",
        "profile",
        "updated_at",
        "website",
        "zoneinfo",
    ];

    pub fn parse(raw: impl AsRef<str>) -> Result<Self, Invalid> {
        let name = raw.as_ref();
        if Self::STANDARD.contains(&name) {
            return Ok(Self(name.to_string()));
        }
        if let Some(rest) = name.strip_prefix("custom:")
            && (1..=20).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Ok(Self(name.to_string()));
        }
        if name.is_empty() {
            return Err(Invalid::new(
                "attribute",
                "name the attribute: a standard one (tab completes it) or custom:name",
            ));
        }
        Err(Invalid::new(
            "attribute",
            format!("'{name}' is not a writable attribute (a standard one or custom:name)"),
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Cognito's most for an attribute's value, in characters.
    pub const MAX_VALUE_CHARS: usize = 2048;

    /// Checks a value for this attribute as Cognito will: a phone number in E.164 (`+`, then
    /// up to 15 digits), an e-mail address, `true` or `false` for the verified flags, a
    /// `YYYY-MM-DD` birth date, seconds since 1970 for `updated_at`; any value at most
    /// [`Self::MAX_VALUE_CHARS`] long. (moto takes any of them; a real pool refuses the call.)
    pub fn check_value(&self, value: &str) -> Result<(), Invalid> {
        let invalid = |m: String| Err(Invalid::new("value", m));
        let name = self.as_str();
        if value.chars().count() > Self::MAX_VALUE_CHARS {
            return invalid(format!(
                "{name} holds at most {} characters",
                Self::MAX_VALUE_CHARS
            ));
        }
        let digits_only = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        let problem = match name {
            "phone_number" => {
                let digits = value.strip_prefix('+').unwrap_or("");
                let ok = (2..=15).contains(&digits.len())
                    && digits_only(digits)
                    && !digits.starts_with('0');
                (!ok).then(|| format!(
                    "a phone number is + and its country code, then the number, digits only (+821012345678); not '{value}'"
                ))
            }
            "email" => Email::parse(value).err().map(|e| e.message),
            "email_verified" | "phone_number_verified" => (value != "true" && value != "false")
                .then(|| format!("{name} is true or false; not '{value}'")),
            "birthdate" => (value.len() != 10
                || chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_err())
            .then(|| format!("a birth date is YYYY-MM-DD (1990-04-01); not '{value}'")),
            "updated_at" => (!digits_only(value))
                .then(|| format!("updated_at is seconds since 1970 (1733356800); not '{value}'")),
            _ => None,
        };
        match problem {
            Some(m) => invalid(m),
            None => Ok(()),
        }
    }
}

impl TryFrom<String> for AttributeName {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Invalid> {
        Self::parse(value)
    }
}

impl From<AttributeName> for String {
    fn from(value: AttributeName) -> String {
        value.0
    }
}

/// The attributes Cognito's ListUsers filter accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FilterAttribute {
    Username,
    Email,
    PhoneNumber,
    Name,
    GivenName,
    FamilyName,
    PreferredUsername,
    /// `cognito:user_status`, e.g. CONFIRMED.
    UserStatus,
    /// `status`: Enabled or Disabled.
    Enabled,
    Sub,
}

impl FilterAttribute {
    pub const ALL: &'static [FilterAttribute] = &[
        Self::Username,
        Self::Email,
        Self::PhoneNumber,
        Self::Name,
        Self::GivenName,
        Self::FamilyName,
        Self::PreferredUsername,
        Self::UserStatus,
        Self::Enabled,
        Self::Sub,
    ];

    /// The name in Cognito's filter syntax.
    pub fn cognito_name(self) -> &'static str {
        match self {
            Self::Username => "username",
            Self::Email => "email",
            Self::PhoneNumber => "phone_number",
            Self::Name => "name",
            Self::GivenName => "given_name",
            Self::FamilyName => "family_name",
            Self::PreferredUsername => "preferred_username",
            Self::UserStatus => "cognito:user_status",
            Self::Enabled => "status",
            Self::Sub => "sub",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let wanted = raw.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|a| {
                a.cognito_name() == wanted || (wanted == "user_status" && *a == Self::UserStatus)
            })
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|a| a.cognito_name()).collect();
                Invalid::new(
                    "filter",
                    format!(
                        "cannot search by '{wanted}'; use one of: {}",
                        names.join(", ")
                    ),
                )
            })
    }
}

/// `=` (exact) or `^=` (starts with), the two comparisons Cognito offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FilterOp {
    Equals,
    StartsWith,
}

impl FilterOp {
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Equals => "=",
            Self::StartsWith => "^=",
        }
    }
}

/// One search condition on the directory, with Cognito's semantics.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UserFilter {
    pub attribute: FilterAttribute,
    pub op: FilterOp,
    pub value: String,
}

impl UserFilter {
    pub const MAX_VALUE_CHARS: usize = 256;

    pub fn new(
        attribute: FilterAttribute,
        op: FilterOp,
        value: impl Into<String>,
    ) -> Result<Self, Invalid> {
        let value = value.into();
        if value.chars().count() > Self::MAX_VALUE_CHARS {
            return Err(Invalid::new(
                "filter",
                "search text is too long (256 characters at most)",
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(Invalid::new(
                "filter",
                "search text must not contain control characters",
            ));
        }
        let value = Self::known_value(attribute, op, value)?;
        Ok(Self {
            attribute,
            op,
            value,
        })
    }

    /// The two attributes whose values are a fixed set, compared exactly by Cognito, take
    /// them in any case (`cognito:user_status = unconfirmed` found no one); and `status`,
    /// which is only `Enabled` or `Disabled`, refuses a sign-up state with the attribute that
    /// holds it (`status = UNCONFIRMED` found no one and said nothing).
    fn known_value(
        attribute: FilterAttribute,
        op: FilterOp,
        value: String,
    ) -> Result<String, Invalid> {
        const STATES: [&str; 7] = [
            "UNCONFIRMED",
            "CONFIRMED",
            "FORCE_CHANGE_PASSWORD",
            "RESET_REQUIRED",
            "EXTERNAL_PROVIDER",
            "ARCHIVED",
            "COMPROMISED",
        ];
        let upper = value.trim().to_ascii_uppercase();
        match attribute {
            FilterAttribute::UserStatus
                if op == FilterOp::Equals && STATES.contains(&upper.as_str()) =>
            {
                Ok(upper)
            }
            FilterAttribute::Enabled => {
                if let Some(known) = ["Enabled", "Disabled"]
                    .into_iter()
                    .find(|k| k.eq_ignore_ascii_case(value.trim()))
                {
                    return Ok(known.to_string());
                }
                if STATES.contains(&upper.as_str()) {
                    return Err(Invalid::new(
                        "filter",
                        format!(
                            "status is Enabled or Disabled; a sign-up's state is searched as cognito:user_status = {upper}"
                        ),
                    ));
                }
                if op == FilterOp::Equals {
                    return Err(Invalid::new(
                        "filter",
                        "status is Enabled or Disabled (cognito:user_status holds CONFIRMED, UNCONFIRMED …)",
                    ));
                }
                Ok(value)
            }
            _ => Ok(value),
        }
    }

    /// Reads `attribute = "value"` or `attribute ^= "value"` (quotes optional), as typed in a
    /// search box.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let input = input.trim();
        // The operator is the first `=` (with a `^` right before it for "starts with"); the
        // value after it may hold any characters, `=` and `^=` included.
        let Some((head, rest)) = input.split_once('=') else {
            return Err(Invalid::new(
                "filter",
                "write attribute = value or attribute ^= value",
            ));
        };
        let (attr, op) = match head.strip_suffix('^') {
            Some(a) => (a, FilterOp::StartsWith),
            None => (head, FilterOp::Equals),
        };
        let attribute = FilterAttribute::parse(attr)?;
        let rest = rest.trim();
        // Nothing after the operator: a filter half typed, which Cognito reads as matching
        // everyone (`email ^= ` listed the whole pool as if it were a search).
        if rest.is_empty() {
            return Err(Invalid::new(
                "filter",
                format!(
                    "write the value after {} (\"\" for an empty one)",
                    op.symbol()
                ),
            ));
        }
        // A value that opens a quote closes it (`name ^= "O'Br` searched for names starting
        // with the quote itself, and found none).
        let closed = rest.len() >= 2
            && rest.ends_with('"')
            && rest[..rest.len() - 1]
                .chars()
                .rev()
                .take_while(|c| *c == '\\')
                .count()
                % 2
                == 0;
        if rest.starts_with('"') && !closed {
            return Err(Invalid::new(
                "filter",
                "unclosed quote: end the value with \"",
            ));
        }
        let value = match rest.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            Some(inner) if rest.len() >= 2 => inner.replace("\\\"", "\"").replace("\\\\", "\\"),
            _ => rest.to_string(),
        };
        Self::new(attribute, op, value)
    }

    /// The filter in Cognito's syntax, the value quoted with `"` and `\` escaped so that no
    /// search text can end the string early or add a condition.
    pub fn to_cognito(&self) -> String {
        let mut escaped = String::with_capacity(self.value.len() + 2);
        for c in self.value.chars() {
            if c == '"' || c == '\\' {
                escaped.push('\\');
            }
            escaped.push(c);
        }
        format!(
            "{} {} \"{}\"",
            self.attribute.cognito_name(),
            self.op.symbol(),
            escaped
        )
    }

    /// Whether `candidate` satisfies the comparison (used by the sandbox directory).
    pub fn matches_value(&self, candidate: &str) -> bool {
        match self.op {
            FilterOp::Equals => candidate == self.value,
            FilterOp::StartsWith => candidate.starts_with(&self.value),
        }
    }
}

/// What the pool asks of a password (Cognito's `PasswordPolicy`), for refusing a weak one before
/// anyone confirms a write that Cognito would refuse. Cognito keeps the last word: this only
/// refuses what it surely would.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub min_length: usize,
    pub uppercase: bool,
    pub lowercase: bool,
    pub digit: bool,
    pub symbol: bool,
}

impl Default for PasswordPolicy {
    /// Cognito's default: 8 characters with an upper-case letter, a lower-case letter, a digit
    /// and a symbol.
    fn default() -> Self {
        Self {
            min_length: 8,
            uppercase: true,
            lowercase: true,
            digit: true,
            symbol: true,
        }
    }
}

impl PasswordPolicy {
    /// `Err` naming everything `password` lacks.
    pub fn check(&self, password: &str) -> Result<(), Invalid> {
        let mut lacks = Vec::new();
        let length = password.chars().count();
        if length < self.min_length {
            lacks.push(format!(
                "at least {} characters ({length} typed)",
                self.min_length
            ));
        }
        let wanted = [
            (
                self.uppercase,
                "an upper-case letter",
                char::is_uppercase as fn(char) -> bool,
            ),
            (self.lowercase, "a lower-case letter", char::is_lowercase),
            (self.digit, "a digit", |c: char| c.is_ascii_digit()),
            (self.symbol, "a symbol", |c: char| !c.is_alphanumeric()),
        ];
        for (asked, what, test) in wanted {
            if asked && !password.chars().any(test) {
                lacks.push(what.to_string());
            }
        }
        if lacks.is_empty() {
            return Ok(());
        }
        let said = match lacks.as_slice() {
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
            [] => unreachable!(),
        };
        Err(Invalid::new(
            "password",
            format!("the pool's policy needs {said}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Reads a Cognito filter string back the way Cognito's parser would: attribute, operator,
    /// then one quoted string with backslash escapes, and nothing after it.
    fn read_back(filter: &str) -> Option<(String, String, String)> {
        let (attr, rest) = filter.split_once(' ')?;
        let (op, rest) = rest.split_once(' ')?;
        let mut chars = rest.chars();
        if chars.next()? != '"' {
            return None;
        }
        let mut value = String::new();
        loop {
            match chars.next()? {
                '\\' => value.push(chars.next()?),
                '"' => break,
                c => value.push(c),
            }
        }
        if chars.next().is_some() {
            return None;
        }
        Some((attr.to_string(), op.to_string(), value))
    }

    #[test]
    fn quote_in_search_text_is_escaped() {
        let f = UserFilter::new(
            FilterAttribute::Email,
            FilterOp::Equals,
            "a\" or email ^= \"",
        )
        .unwrap();
        assert_eq!(f.to_cognito(), r#"email = "a\" or email ^= \"""#);
    }

    #[test]
    fn typed_filter_is_parsed() {
        let f = UserFilter::parse(r#"email ^= "ann@""#).unwrap();
        assert_eq!(f.attribute, FilterAttribute::Email);
        assert_eq!(f.op, FilterOp::StartsWith);
        assert_eq!(f.value, "ann@");
    }

    #[test]
    fn operator_characters_inside_the_value_are_kept() {
        let f = UserFilter::parse(r#"name = "a^=b""#).unwrap();
        assert_eq!((f.op, f.value.as_str()), (FilterOp::Equals, "a^=b"));
    }

    /// A filter with nothing after its operator (it listed everyone) is refused, saying so.
    #[test]
    fn a_filter_without_a_value_is_refused() {
        let err = UserFilter::parse("email ^= ").unwrap_err();
        assert!(err.to_string().contains("value after ^="), "{err}");
        assert!(
            UserFilter::parse(r#"email = """#).is_ok(),
            "an empty value, quoted"
        );
    }

    /// A quote opened and not closed is refused, saying so (the quote was searched for).
    #[test]
    fn an_unclosed_quote_is_refused() {
        for typed in [r#"name ^= "O'Br"#, r#"name = ""#, r#"name = "a\""#] {
            let err = UserFilter::parse(typed).unwrap_err();
            assert!(err.to_string().contains("unclosed quote"), "{typed}: {err}");
        }
        let f = UserFilter::parse(r#"name = "say \"hi\"""#).unwrap();
        assert_eq!(f.value, r#"say "hi""#);
        let f = UserFilter::parse(r#"name ^= "back\\""#).unwrap();
        assert_eq!(f.value, r"back\");
    }

    #[test]
    fn unknown_filter_attribute_lists_the_allowed_ones() {
        // `status` holds Enabled or Disabled, in any case typed; a sign-up state there is
        // refused with the attribute that holds it, which takes it in any case.
        let f = UserFilter::parse("status = disabled").unwrap();
        assert_eq!(
            (f.attribute, f.value.as_str()),
            (FilterAttribute::Enabled, "Disabled")
        );
        let err = UserFilter::parse("status = unconfirmed").unwrap_err();
        assert!(
            err.to_string()
                .contains("cognito:user_status = UNCONFIRMED"),
            "{err}"
        );
        assert!(UserFilter::parse("status = on").is_err());
        let f = UserFilter::parse("cognito:user_status = force_change_password").unwrap();
        assert_eq!(f.value, "FORCE_CHANGE_PASSWORD");
        let f = UserFilter::parse("user_status ^= unc").unwrap();
        assert_eq!(f.value, "unc");
        let err = UserFilter::parse("custom:team = x").unwrap_err();
        assert!(err.message.contains("email"), "{}", err.message);
    }

    #[test]
    fn unknown_status_is_kept() {
        assert_eq!(UserStatus::parse("SOMETHING_NEW").as_str(), "SOMETHING_NEW");
        assert_eq!(
            UserStatus::parse("EXTERNAL_PROVIDER"),
            UserStatus::ExternalProvider
        );
    }

    #[test]
    fn attribute_names_are_checked() {
        assert!(AttributeName::parse("email_verified").is_ok());
        assert!(AttributeName::parse("custom:team").is_ok());
        assert!(AttributeName::parse("sub").is_err());
    }

    /// Values are checked as Cognito checks them, so a bad one is refused with its shape
    /// before the call (moto would take it).
    #[test]
    fn attribute_values_are_checked_for_their_shape() {
        let check =
            |name: &str, value: &str| AttributeName::parse(name).unwrap().check_value(value);
        for good in ["+821012345678", "+15555550100", "+12"] {
            assert!(check("phone_number", good).is_ok(), "{good}");
        }
        for bad in [
            "821012345678",
            "+82 10 1234 5678",
            "+082101234",
            "+",
            "+1234567890123456",
            "010-1234-5678",
            "",
        ] {
            let e = check("phone_number", bad).unwrap_err();
            assert!(e.message.contains("+821012345678"), "{bad}: {}", e.message);
        }
        assert!(check("email", "ann@example.com").is_ok());
        assert!(check("email", "ann at example").is_err());
        assert!(check("email_verified", "true").is_ok());
        assert!(check("phone_number_verified", "yes").is_err());
        assert!(check("birthdate", "1990-04-01").is_ok());
        assert!(check("birthdate", "1990-4-1").is_err());
        assert!(check("birthdate", "1990-02-30").is_err());
        assert!(check("updated_at", "1733356800").is_ok());
        assert!(check("updated_at", "yesterday").is_err());
        // Free text: any value, up to Cognito's most.
        assert!(check("name", "Ann \"the mod\" Lee 🎉").is_ok());
        assert!(check("custom:team", &"x".repeat(2048)).is_ok());
        assert!(check("custom:team", &"x".repeat(2049)).is_err());
    }

    #[test]
    fn a_password_is_refused_naming_all_it_lacks() {
        let default = PasswordPolicy::default();
        assert!(default.check("Abcdefg1!").is_ok());
        // Any script's letters count, and any non-alphanumeric character is a symbol.
        assert!(default.check("Ünïcödé9 ").is_ok());
        let e = default.check("abc").unwrap_err();
        assert_eq!(e.field, "password");
        assert_eq!(
            e.message,
            "the pool's policy needs at least 8 characters (3 typed), an upper-case letter, a \
             digit and a symbol"
        );
        assert_eq!(
            default.check("abcdefgh1!").unwrap_err().message,
            "the pool's policy needs an upper-case letter"
        );
        let lax = PasswordPolicy {
            min_length: 6,
            uppercase: false,
            lowercase: false,
            digit: false,
            symbol: false,
        };
        assert!(lax.check("aaaaaa").is_ok());
        assert!(lax.check("aaaaa").is_err());
        // Counted in characters, not bytes.
        assert!(lax.check("가나다라마바").is_ok());
    }

    proptest! {
        #[test]
        fn search_text_never_breaks_or_widens_the_filter(value in "[\\PC\"\\\\]{0,40}", i in 0usize..10, starts in any::<bool>()) {
            let attribute = FilterAttribute::ALL[i];
            let op = if starts { FilterOp::StartsWith } else { FilterOp::Equals };
            let fixed = matches!(attribute, FilterAttribute::UserStatus | FilterAttribute::Enabled);
            // Only `status`, whose values are Enabled and Disabled, refuses text.
            let f = match UserFilter::new(attribute, op, value.clone()) {
                Ok(f) => f,
                Err(_) => {
                    prop_assert_eq!(attribute, FilterAttribute::Enabled);
                    return Ok(());
                }
            };
            // Free text is kept as typed; the fixed values differ from it in case alone.
            if fixed {
                prop_assert!(f.value.eq_ignore_ascii_case(value.trim()) || f.value == value);
            } else {
                prop_assert_eq!(&f.value, &value);
            }
            let (attr, sym, back) = read_back(&f.to_cognito()).expect("one quoted value, nothing after");
            prop_assert_eq!(attr, attribute.cognito_name());
            prop_assert_eq!(sym, op.symbol());
            prop_assert_eq!(back, f.value);
        }

        #[test]
        fn filter_parser_never_panics(s in any::<String>()) {
            let _ = UserFilter::parse(&s);
        }
    }
}
