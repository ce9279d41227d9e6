//! Free-text values with their limits: e-mail addresses, names, bodies and reasons.

use super::{has_forbidden_control, has_invisible_format, without_invisible_format};
use crate::error::Invalid;
use serde::{Deserialize, Serialize};

/// A count with its word: `1 item`, `3 items`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The word of `known` closest to `word`, where one is within a typo or two (edit distance
/// at most 2, or a quarter of its length): for "did you mean" suggestions.
pub fn nearest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut prev = row[0];
            row[0] = i + 1;
            for (j, cb) in b.iter().enumerate() {
                let here = row[j + 1];
                row[j + 1] = (prev + usize::from(ca != *cb))
                    .min(row[j] + 1)
                    .min(here + 1);
                prev = here;
            }
        }
        row[b.len()]
    }
    known
        .iter()
        .map(|k| (distance(word, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.chars().count() / 4))
        .min()
        .map(|(_, k)| k)
}

/// `text` in double quotes, the quotes and backslashes inside escaped, so that where it ends
/// is plain: `"O'Brien \"Bob\""` (read as `"O'Brien "Bob""`, two strings or one).
pub fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Declares a trimmed, length-limited text newtype with `parse`, `as_str` and serde support.
macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, field = $field:literal, min = $min:expr, max = $max:expr, newlines = $nl:expr, name = $is_name:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Smallest accepted length, in characters, after trimming.
            pub const MIN_CHARS: usize = $min;
            /// Largest accepted length, in characters, after trimming.
            pub const MAX_CHARS: usize = $max;

            pub fn parse(raw: impl AsRef<str>) -> Result<Self, Invalid> {
                let raw = raw.as_ref();
                // Refuse huge input before trimming or counting it character by character.
                if raw.len() > Self::MAX_CHARS * 4 + 1024 {
                    return Err(Invalid::new($field, format!("must be at most {} characters", Self::MAX_CHARS)));
                }
                let value = raw.trim();
                let chars = value.chars().count();
                if chars < Self::MIN_CHARS {
                    return Err(Invalid::new($field, if Self::MIN_CHARS == 1 {
                        "must not be empty".to_string()
                    } else {
                        format!("must be at least {} characters", Self::MIN_CHARS)
                    }));
                }
                if chars > Self::MAX_CHARS {
                    return Err(Invalid::new($field, format!("must be at most {} characters", Self::MAX_CHARS)));
                }
                if has_forbidden_control(value, $nl) {
                    return Err(Invalid::new($field, "must not contain control characters"));
                }
                if $is_name && has_invisible_format(value) {
                    return Err(Invalid::new(
                        $field,
                        "must not contain invisible or direction-changing characters",
                    ));
                }
                Ok(Self(value.to_string()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = Invalid;
            fn try_from(value: String) -> Result<Self, Invalid> {
                Self::parse(value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

bounded_text!(
    /// A public display name: 1 to 50 characters on one line.
    DisplayName, field = "displayName", min = 1, max = 50, newlines = false, name = true
);

impl DisplayName {
    /// A name from elsewhere (an identity provider's `name` claim) made acceptable: control,
    /// invisible and direction-changing characters dropped, then parsed; `None` when nothing
    /// acceptable is left.
    pub fn sanitized(raw: &str) -> Option<Self> {
        Self::parse(without_invisible_format(raw)).ok()
    }
}
bounded_text!(
    /// A profile biography: up to 500 characters, newlines allowed.
    Bio, field = "bio", min = 0, max = 500, newlines = true, name = false
);
bounded_text!(
    /// The text of a post: 1 to 5,000 characters.
    PostBody, field = "body", min = 1, max = 5_000, newlines = true, name = false
);
bounded_text!(
    /// The text of a comment: 1 to 2,000 characters.
    CommentBody, field = "body", min = 1, max = 2_000, newlines = true, name = false
);
bounded_text!(
    /// Why an operator or a user did something: 3 to 500 characters, kept in the audit log.
    Reason, field = "reason", min = 3, max = 500, newlines = true, name = false
);
bounded_text!(
    /// A reporter's optional note: up to 1,000 characters.
    ReportNote, field = "note", min = 0, max = 1_000, newlines = true, name = false
);

/// An e-mail address, checked for shape only (delivery is Cognito's business).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: impl AsRef<str>) -> Result<Self, Invalid> {
        let value = raw.as_ref().trim();
        let invalid = |m: &str| Invalid::new("email", m);
        if value.is_empty() {
            return Err(invalid("must not be empty"));
        }
        if value.len() > Self::MAX_LEN {
            return Err(invalid("must be at most 254 characters"));
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("must not contain spaces or control characters"));
        }
        let Some((local, domain)) = value.split_once('@') else {
            return Err(invalid("must contain an @"));
        };
        if local.is_empty() || local.len() > 64 {
            return Err(invalid("needs 1 to 64 characters before the @"));
        }
        if domain.contains('@') {
            return Err(invalid("must contain exactly one @"));
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2 || labels.iter().any(|l| l.is_empty() || l.len() > 63) {
            return Err(invalid("needs a domain such as example.com after the @"));
        }
        if labels.iter().any(|l| {
            l.starts_with('-')
                || l.ends_with('-')
                || l.chars().any(|c| !(c.is_alphanumeric() || c == '-'))
        }) {
            return Err(invalid("has a domain with characters a domain cannot have"));
        }
        Ok(Self(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Invalid> {
        Self::parse(value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> String {
        value.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn email_without_at_is_rejected() {
        assert_eq!(
            Email::parse("someone.example.com").unwrap_err().field,
            "email"
        );
    }

    #[test]
    fn email_with_two_ats_is_rejected() {
        assert!(Email::parse("a@b@example.com").is_err());
    }

    #[test]
    fn email_is_trimmed_and_kept_as_typed() {
        assert_eq!(
            Email::parse("  Ann@Example.com ").unwrap().as_str(),
            "Ann@Example.com"
        );
    }

    #[test]
    fn email_with_unicode_domain_is_accepted() {
        assert!(Email::parse("민수@예시.한국").is_ok());
    }

    #[test]
    fn post_body_of_ten_megabytes_is_refused_quickly() {
        let huge = "a".repeat(10 * 1024 * 1024);
        let err = PostBody::parse(&huge).unwrap_err();
        assert_eq!(err.field, "body");
        assert!(err.message.contains("5000"), "{}", err.message);
    }

    #[test]
    fn post_body_limit_counts_characters_not_bytes() {
        assert!(PostBody::parse("가".repeat(5_000)).is_ok());
        assert!(PostBody::parse("가".repeat(5_001)).is_err());
    }

    #[test]
    fn blank_post_body_is_rejected() {
        assert_eq!(
            PostBody::parse(" \n\t ").unwrap_err().message,
            "must not be empty"
        );
    }

    #[test]
    fn display_name_refuses_newlines() {
        assert!(DisplayName::parse("two\nlines").is_err());
        assert!(DisplayName::parse("two\rlines").is_err());
    }

    #[test]
    fn names_refuse_hidden_and_reversing_characters_and_bodies_keep_ordinary_text() {
        for hostile in [
            "admin\u{202E}nimda",
            "\u{2066}isolated\u{2069}",
            "zero\u{200B}width",
            "\u{200D}leading joiner",
            "bom\u{FEFF}",
            "mark\u{200F}",
            // A joiner between letters reads as nothing: this is "admin" to the eye.
            "ad\u{200D}min",
            "ad\u{200C}min",
            // Names that draw as blank.
            "\u{3164}",
            "\u{2800}\u{2800}",
            "\u{115F}\u{1160}",
            "\u{FFA0}",
            "a\u{034F}dmin",
            "e\u{FE0F}",
            "x\u{E0041}",
            // Joiners and selectors next to kana or circled letters, a selector after a plain
            // digit, hidden ASCII after a flag, and the invisibles the first list missed.
            "ア\u{200D}ド",
            "ⓐ\u{200D}ⓓ",
            "bob1\u{FE0F}",
            "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}\u{E0061}\u{E0064}",
            "\u{1F3F4}\u{E0061}\u{E0062}\u{E0063}\u{E0064}\u{E0065}\u{E0066}\u{E0067}\u{E007F}",
            "ad\u{206A}min",
            "a\u{180B}b",
            "a\u{17B4}b",
            "a\u{FFF9}b",
            "a\u{1D173}b",
        ] {
            let e = DisplayName::parse(hostile).unwrap_err();
            assert_eq!(e.field, "displayName");
            assert!(
                e.message.contains("invisible"),
                "{hostile:?}: {}",
                e.message
            );
        }
        // Joiners inside emoji sequences and scripts that need them stay.
        for fine in [
            "👩\u{200D}💻 Dev",
            "👋🏽 Sam",
            "می\u{200C}خواهم",
            "क्\u{200D}ष",
            "Ann O'Brien",
            "سارا",
            "김민지 🌸",
            "❤\u{FE0F} Lee",
            "1\u{FE0F}\u{20E3} Team",
            "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F} Ewan",
            "Zoë",
            "Zoe\u{0308}",
            "👨\u{200D}👩\u{200D}👧",
            "❤\u{FE0F}\u{200D}🔥",
            "🏳\u{FE0F}\u{200D}🌈",
            "🇰🇷 Min",
            "1\u{20E3}",
            "辻\u{E0100}",
            "สมชาย",
            "שרה",
        ] {
            assert!(DisplayName::parse(fine).is_ok(), "{fine:?}");
        }
        // Bodies are not names: ordinary text, the same characters included, is kept.
        assert!(PostBody::parse("quote: \u{202E}txet\u{202C} 👩\u{200D}💻").is_ok());
        assert_eq!(
            DisplayName::sanitized("\u{202E}Mallory\u{200B}\r")
                .unwrap()
                .as_str(),
            "Mallory"
        );
        assert_eq!(DisplayName::sanitized("\u{200B}\u{202E}"), None);
        // Cleaning keeps what the check keeps: emoji joiners and Persian non-joiners stay.
        assert_eq!(
            DisplayName::sanitized("👩\u{200D}💻 می\u{200C}خواهم\u{202E}")
                .unwrap()
                .as_str(),
            "👩\u{200D}💻 می\u{200C}خواهم"
        );
        assert_eq!(
            DisplayName::sanitized("ad\u{200D}min\u{3164}")
                .unwrap()
                .as_str(),
            "admin"
        );
    }

    #[test]
    fn reason_needs_three_characters() {
        assert!(Reason::parse("ok").is_err());
        assert!(Reason::parse("spam").is_ok());
    }

    #[test]
    fn bio_may_be_empty() {
        assert_eq!(Bio::parse("").unwrap().as_str(), "");
    }

    proptest! {
        #[test]
        fn accepted_post_bodies_are_trimmed_and_within_limits(s in "\\PC{0,60}") {
            if let Ok(body) = PostBody::parse(&s) {
                let n = body.as_str().chars().count();
                prop_assert!((1..=PostBody::MAX_CHARS).contains(&n));
                prop_assert_eq!(body.as_str(), s.trim());
            }
        }

        #[test]
        fn text_parsers_never_panic(s in any::<String>()) {
            let _ = PostBody::parse(&s);
            let _ = CommentBody::parse(&s);
            let _ = DisplayName::parse(&s);
            let _ = Reason::parse(&s);
            let _ = Email::parse(&s);
        }

        #[test]
        fn accepted_emails_have_one_at_and_no_whitespace(s in "[a-z.@ -]{0,30}") {
            if let Ok(email) = Email::parse(&s) {
                prop_assert_eq!(email.as_str().matches('@').count(), 1);
                prop_assert!(!email.as_str().contains(' '));
            }
        }

        #[test]
        fn display_names_round_trip_through_serde(s in "[\\p{L}\\p{N} ]{1,50}") {
            if let Ok(name) = DisplayName::parse(&s) {
                let json = serde_json::to_string(&name).unwrap();
                let back: DisplayName = serde_json::from_str(&json).unwrap();
                prop_assert_eq!(back, name);
            }
        }
    }
}
