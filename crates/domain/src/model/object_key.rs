//! Keys we write to object storage, and bucket names. Keys we only list are shown as S3 gives
//! them (plain strings in `ObjectEntry`); keys we write must be safe on every backend.

use crate::error::Invalid;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An object key we are allowed to write: at most 1,024 bytes, not absolute, no `.` or `..`
/// segment, no empty segment in the middle, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ObjectKey(String);

impl ObjectKey {
    pub const MAX_BYTES: usize = 1024;

    pub fn parse(raw: impl AsRef<str>) -> Result<Self, Invalid> {
        let key = raw.as_ref();
        let invalid = |m: &str| Invalid::new("key", m);
        if key.is_empty() {
            return Err(invalid("must not be empty"));
        }
        if key.len() > Self::MAX_BYTES {
            return Err(invalid("must be at most 1024 bytes"));
        }
        if key.chars().any(char::is_control) {
            return Err(invalid("must not contain control characters"));
        }
        if key.starts_with('/') {
            return Err(invalid("must not start with /"));
        }
        // A backslash is a path separator on some systems; a key we write never needs one.
        if key.contains('\\') {
            return Err(invalid("must not contain a backslash"));
        }
        let segments: Vec<&str> = key.split('/').collect();
        let last = segments.len() - 1;
        for (i, segment) in segments.iter().enumerate() {
            match *segment {
                ".." => return Err(invalid("must not contain a .. segment")),
                "." => return Err(invalid("must not contain a . segment")),
                // A trailing slash marks a folder; an empty segment anywhere else is a typo.
                "" if i != last => return Err(invalid("must not contain an empty segment (//)")),
                _ => {}
            }
        }
        Ok(Self(key.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key of the thumbnail of this object at `width` pixels: `thumbs/{width}/{key}`.
    pub fn thumbnail(&self, width: u32) -> ObjectKey {
        ObjectKey(format!("thumbs/{width}/{}", self.0))
    }
}

impl TryFrom<String> for ObjectKey {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Invalid> {
        Self::parse(value)
    }
}

impl From<ObjectKey> for String {
    fn from(value: ObjectKey) -> String {
        value.0
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BucketName(String);

impl BucketName {
    pub fn parse(raw: impl AsRef<str>) -> Result<Self, Invalid> {
        let name = raw.as_ref();
        let invalid = |m: &str| Invalid::new("bucket", m);
        if !(3..=63).contains(&name.len()) {
            return Err(invalid("must be 3 to 63 characters"));
        }
        if !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        {
            return Err(invalid(
                "may hold only lowercase letters, digits, dots and hyphens",
            ));
        }
        let first = name.as_bytes()[0];
        let last = name.as_bytes()[name.len() - 1];
        if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
            return Err(invalid("must start and end with a letter or digit"));
        }
        if name.contains("..") {
            return Err(invalid("must not contain two dots in a row"));
        }
        Ok(Self(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for BucketName {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Invalid> {
        Self::parse(value)
    }
}

impl From<BucketName> for String {
    fn from(value: BucketName) -> String {
        value.0
    }
}

impl fmt::Display for BucketName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn key_with_dot_dot_segment_is_refused() {
        assert_eq!(
            ObjectKey::parse("posts/../etc/passwd").unwrap_err().message,
            "must not contain a .. segment"
        );
    }

    #[test]
    fn absolute_key_is_refused() {
        assert!(ObjectKey::parse("/etc/passwd").is_err());
    }

    #[test]
    fn key_with_newline_is_refused() {
        assert!(ObjectKey::parse("posts/a\nb.png").is_err());
    }

    #[test]
    fn key_with_backslash_is_refused() {
        assert!(ObjectKey::parse("posts\\..\\x").is_err());
    }

    #[test]
    fn dots_inside_names_are_fine() {
        assert!(ObjectKey::parse("posts/a..b/photo.v2.png").is_ok());
    }

    #[test]
    fn folder_marker_with_trailing_slash_is_allowed() {
        assert!(ObjectKey::parse("profiles/").is_ok());
        assert!(ObjectKey::parse("profiles//x").is_err());
    }

    #[test]
    fn thumbnail_key_follows_the_rule() {
        let key = ObjectKey::parse("posts/abc/1.png").unwrap();
        assert_eq!(key.thumbnail(128).as_str(), "thumbs/128/posts/abc/1.png");
    }

    #[test]
    fn bucket_names_follow_s3_rules() {
        assert!(BucketName::parse("media-bucket.prod").is_ok());
        assert!(BucketName::parse("Media").is_err());
        assert!(BucketName::parse("-media").is_err());
        assert!(BucketName::parse("ab").is_err());
    }

    proptest! {
        #[test]
        fn accepted_keys_never_escape_their_bucket(s in "[a-z./\\\\]{1,20}") {
            if let Ok(key) = ObjectKey::parse(&s) {
                prop_assert!(!key.as_str().starts_with('/'));
                prop_assert!(key.as_str().split('/').all(|seg| seg != ".." && seg != "."));
                prop_assert!(!key.as_str().contains('\\'));
            }
        }

        #[test]
        fn key_parser_never_panics(s in any::<String>()) {
            let _ = ObjectKey::parse(&s);
            let _ = BucketName::parse(&s);
        }

        #[test]
        fn plain_relative_keys_are_accepted(parts in proptest::collection::vec("[a-zA-Z0-9_-]{1,8}", 1..5)) {
            let key = parts.join("/");
            let parsed = ObjectKey::parse(&key).unwrap();
            prop_assert_eq!(parsed.as_str(), key.as_str());
        }
    }
}
