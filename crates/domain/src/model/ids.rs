//! Identifiers: Cognito subs and usernames, group names, and the numeric row ids of the database.

use crate::error::Invalid;
use arrayvec::ArrayString;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A Cognito user's `sub`: a UUID, kept in lowercase, inline (a page of posts or a caller
/// allocates nothing for it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct UserSub(ArrayString<36>);

impl UserSub {
    pub fn parse(raw: impl AsRef<str>) -> Result<Self, Invalid> {
        let raw = raw.as_ref();
        // Every sub the database holds and every token carries is already a lowercase UUID.
        if is_lowercase_uuid(raw.as_bytes())
            && let Ok(text) = ArrayString::from(raw)
        {
            return Ok(Self(text));
        }
        let raw = raw.trim().as_bytes();
        let mut bytes = [0u8; 36];
        if raw.len() == bytes.len() {
            bytes.copy_from_slice(raw);
            bytes.make_ascii_lowercase();
            // A lowercase UUID is ASCII, so it is always text.
            if is_lowercase_uuid(&bytes)
                && let Ok(text) = ArrayString::from_byte_string(&bytes)
            {
                return Ok(Self(text));
            }
        }
        Err(Invalid::new(
            "sub",
            "must be a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e",
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UserSub {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Invalid> {
        Self::parse(value)
    }
}

impl std::str::FromStr for UserSub {
    type Err = Invalid;
    fn from_str(value: &str) -> Result<Self, Invalid> {
        Self::parse(value)
    }
}

impl Serialize for UserSub {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Whether `bytes` is a UUID in lowercase (`8-4-4-4-12` hex digits). Each group is checked
/// whole, with no exit inside it, so the compiler checks a group's bytes side by side: a page of
/// posts runs this for every row.
fn is_lowercase_uuid(bytes: &[u8]) -> bool {
    fn hex(group: &[u8]) -> bool {
        group.iter().fold(true, |ok, &b| {
            ok & ((b.wrapping_sub(b'0') < 10) | (b.wrapping_sub(b'a') < 6))
        })
    }
    let Ok(b) = <&[u8; 36]>::try_from(bytes) else {
        return false;
    };
    (b[8] == b'-')
        & (b[13] == b'-')
        & (b[18] == b'-')
        & (b[23] == b'-')
        & hex(&b[..8])
        & hex(&b[9..13])
        & hex(&b[14..18])
        & hex(&b[19..23])
        & hex(&b[24..])
}

impl From<UserSub> for String {
    fn from(value: UserSub) -> String {
        value.as_str().to_string()
    }
}

impl fmt::Display for UserSub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Declares a positive numeric row id with `parse` from text and serde as a number.
macro_rules! row_id {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "i64", into = "i64")]
        pub struct $name(i64);

        impl $name {
            pub fn new(value: i64) -> Result<Self, Invalid> {
                if value <= 0 {
                    return Err(Invalid::new($field, "must be a positive number"));
                }
                Ok(Self(value))
            }

            pub fn parse(raw: impl AsRef<str>) -> Result<Self, Invalid> {
                let raw = raw.as_ref().trim();
                if raw.is_empty() || raw.len() > 19 || !raw.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Invalid::new($field, "must be a positive number"));
                }
                let value: i64 = raw.parse().map_err(|_| Invalid::new($field, "is too large"))?;
                Self::new(value)
            }

            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl TryFrom<i64> for $name {
            type Error = Invalid;
            fn try_from(value: i64) -> Result<Self, Invalid> {
                Self::new(value)
            }
        }

        impl From<$name> for i64 {
            fn from(value: $name) -> i64 {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

row_id!(/// The id of a post.
    PostId, "postId");
row_id!(/// The id of a comment.
    CommentId, "commentId");
row_id!(/// The id of a report.
    ReportId, "reportId");
row_id!(/// The id of an audit log row.
    AuditId, "auditId");
row_id!(/// The id of a notification.
    NotificationId, "notificationId");

/// A Cognito username: 1 to 128 visible characters (for federated users, e.g. `google_1234`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    pub fn parse(raw: impl AsRef<str>) -> Result<Self, Invalid> {
        let value = raw.as_ref();
        Self::check(value)?;
        Ok(Self(value.to_string()))
    }

    /// What [`Username::parse`] asks of a typed name.
    fn check(value: &str) -> Result<(), Invalid> {
        let n = value.chars().count();
        if n == 0 || n > 128 {
            return Err(Invalid::new("username", "must be 1 to 128 characters"));
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Invalid::new(
                "username",
                "must not contain spaces or control characters",
            ));
        }
        // Cognito's own pattern leaves these out; refusing them here keeps a typed or pasted
        // name from hiding what it is.
        if value.chars().any(super::is_invisible_format) || value.contains(['\u{200C}', '\u{200D}'])
        {
            return Err(Invalid::new(
                "username",
                "must not contain invisible or direction-changing characters",
            ));
        }
        Ok(())
    }

    /// A username as the directory answered it. Cognito's pattern (`[\p{L}\p{M}\p{S}\p{N}\p{P}]+`)
    /// lets in letters and marks that draw as nothing (U+3164 HANGUL FILLER, U+2800 BRAILLE
    /// PATTERN BLANK, U+034F COMBINING GRAPHEME JOINER …), which [`Username::parse`] refuses from
    /// a keyboard; a user who signed up with one must still be listed, opened and acted on, so
    /// only an empty name is refused here. [`Username::is_plain`] says whether it is one `parse`
    /// would take, and the console shows any other with its hidden characters named.
    pub fn from_directory(raw: impl Into<String>) -> Result<Self, Invalid> {
        let value = raw.into();
        if value.is_empty() {
            return Err(Invalid::new("username", "is empty"));
        }
        Ok(Self(value))
    }

    /// Whether [`Username::parse`] takes this name: no space, control, invisible or
    /// direction-changing character, at most 128 characters.
    pub fn is_plain(&self) -> bool {
        Self::check(&self.0).is_ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Username {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Invalid> {
        Self::parse(value)
    }
}

impl From<Username> for String {
    fn from(value: Username) -> String {
        value.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A Cognito group name such as `admins`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct GroupName(String);

impl GroupName {
    /// The group whose members may moderate.
    pub const ADMINS: &'static str = "admins";

    pub fn parse(raw: impl AsRef<str>) -> Result<Self, Invalid> {
        let value = raw.as_ref();
        let n = value.chars().count();
        if n == 0 || n > 128 {
            return Err(Invalid::new("group", "must be 1 to 128 characters"));
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Invalid::new(
                "group",
                "must not contain spaces or control characters",
            ));
        }
        Ok(Self(value.to_string()))
    }

    pub fn admins() -> Self {
        Self(Self::ADMINS.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for GroupName {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Invalid> {
        Self::parse(value)
    }
}

impl From<GroupName> for String {
    fn from(value: GroupName) -> String {
        value.0
    }
}

impl fmt::Display for GroupName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sub_in_uppercase_is_kept_in_lowercase() {
        let sub = UserSub::parse("0F8FAD5B-D9CB-469F-A165-70867728950E").unwrap();
        assert_eq!(sub.as_str(), "0f8fad5b-d9cb-469f-a165-70867728950e");
    }

    proptest! {
        /// Taking a `String` (rows) and parsing text (requests) agree on every input: the same
        /// answer, the same lowercase value.
        #[test]
        fn a_sub_from_a_string_is_what_parsing_gives(
            raw in prop_oneof![
                "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
                " ?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-g]{12} ?",
                any::<String>(),
            ]
        ) {
            let parsed = UserSub::parse(&raw).map_err(|e| e.message);
            let taken = UserSub::try_from(raw).map_err(|e| e.message);
            prop_assert_eq!(taken, parsed);
        }
    }

    #[test]
    fn only_a_lowercase_uuid_is_kept_as_it_is() {
        let good = "0f8fad5b-d9cb-469f-a165-70867728950e";
        assert!(is_lowercase_uuid(good.as_bytes()));
        // Each byte just outside the ranges (`/` `:` before and after the digits, `` ` `` `g`
        // around a-f), an uppercase digit, a dash out of place, one byte short or over.
        for at in [0, 7, 9, 12, 14, 19, 24, 35] {
            for wrong in [b'/', b':', b'`', b'g', b'F', b'-', 0xff] {
                let mut bytes = good.as_bytes().to_vec();
                bytes[at] = wrong;
                assert!(!is_lowercase_uuid(&bytes), "{at}: {wrong}");
            }
        }
        for at in [8, 13, 18, 23] {
            let mut bytes = good.as_bytes().to_vec();
            bytes[at] = b'0';
            assert!(!is_lowercase_uuid(&bytes), "no dash at {at}");
        }
        assert!(!is_lowercase_uuid(&good.as_bytes()[..35]));
        assert!(!is_lowercase_uuid(format!("{good}0").as_bytes()));
    }

    #[test]
    fn sub_without_dashes_is_rejected() {
        assert!(UserSub::parse("0f8fad5bd9cb469fa16570867728950e").is_err());
    }

    #[test]
    fn post_id_zero_and_negative_are_rejected() {
        assert!(PostId::parse("0").is_err());
        assert!(PostId::new(-4).is_err());
        assert!(PostId::parse("-4").is_err());
    }

    #[test]
    fn post_id_beyond_i64_is_rejected_not_wrapped() {
        assert_eq!(
            PostId::parse("9999999999999999999").unwrap_err().message,
            "is too large"
        );
    }

    #[test]
    fn username_with_space_is_rejected() {
        assert!(Username::parse("ann smith").is_err());
        assert!(Username::parse("google_1234567").is_ok());
        for hostile in ["ann\u{202E}", "a\u{200B}nn", "\u{2066}ann", "ann\u{200D}x"] {
            let e = Username::parse(hostile).unwrap_err();
            assert!(e.message.contains("invisible"), "{hostile:?}");
        }
        assert!(Username::parse("김민지+test@example.com").is_ok());
    }

    #[test]
    fn the_directory_s_names_are_taken_as_they_are_and_told_apart() {
        // Cognito's pattern takes these (a letter, a symbol, a mark); a keyboard's parse does not.
        for hidden in ["admin\u{3164}", "\u{2800}", "ann\u{034F}", "x\u{115F}y"] {
            assert!(Username::parse(hidden).is_err(), "{hidden:?}");
            let name = Username::from_directory(hidden).unwrap();
            assert_eq!(name.as_str(), hidden);
            assert!(!name.is_plain(), "{hidden:?}");
        }
        let plain = Username::from_directory("김민지").unwrap();
        assert!(plain.is_plain());
        assert_eq!(plain, Username::parse("김민지").unwrap());
        assert_eq!(
            Username::from_directory("").unwrap_err().message,
            "is empty"
        );
    }

    proptest! {
        #[test]
        fn any_uuid_shaped_text_parses_as_a_sub(
            a in "[0-9a-fA-F]{8}", b in "[0-9a-fA-F]{4}", c in "[0-9a-fA-F]{4}",
            d in "[0-9a-fA-F]{4}", e in "[0-9a-fA-F]{12}"
        ) {
            let raw = format!("{a}-{b}-{c}-{d}-{e}");
            let sub = UserSub::parse(&raw).unwrap();
            prop_assert_eq!(sub.as_str(), raw.to_ascii_lowercase());
        }

        #[test]
        fn sub_parser_never_accepts_other_lengths(s in "[0-9a-f-]{0,35}|[0-9a-f-]{37,60}") {
            prop_assert!(UserSub::parse(&s).is_err());
        }

        #[test]
        fn positive_ids_round_trip_through_text(n in 1i64..i64::MAX) {
            prop_assert_eq!(PostId::parse(n.to_string()).unwrap().get(), n);
            prop_assert_eq!(CommentId::parse(n.to_string()).unwrap().get(), n);
        }

        #[test]
        fn id_parsers_never_panic(s in any::<String>()) {
            let _ = PostId::parse(&s);
            let _ = ReportId::parse(&s);
            let _ = Username::parse(&s);
            let _ = GroupName::parse(&s);
        }
    }
}
