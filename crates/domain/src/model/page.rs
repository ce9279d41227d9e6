//! Paging: a page of items and an opaque cursor to the next one. A cursor carries the scope of
//! the query that made it, so a cursor handed to a different query is refused, not misread.

use crate::error::Invalid;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// One page of results and, when there may be more, the cursor that fetches the next page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
    /// Rows of this page that could not be read, each said as why (`posts row 12 holds an
    /// invalid value: …`): left out so that one row no release writes does not take every
    /// other row with it, and said so that no one takes the page for whole.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<String>,
}

impl<T> Page<T> {
    /// A page of `items`, whole.
    pub fn new(items: Vec<T>, next: Option<Cursor>) -> Self {
        Self {
            items,
            next,
            left_out: Vec::new(),
        }
    }

    pub fn empty() -> Self {
        Self::new(Vec::new(), None)
    }

    /// The page, refused when rows were left out of it: for what must have every row (an
    /// export, a ban's plan), where one left out would be missed without a word.
    pub fn whole(self) -> crate::DomainResult<Self> {
        match self.left_out.first() {
            None => Ok(self),
            Some(why) => Err(crate::DomainError::unexpected(
                format!(
                    "{} row(s) of the listing could not be read",
                    self.left_out.len()
                ),
                why.clone(),
            )),
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
            left_out: self.left_out,
        }
    }
}

/// Every item of a listing, following its cursors `page_size` items at a time. For listings
/// known to be small (one user's content); large ones are read a page at a time instead.
pub async fn all_pages<T, F, Fut>(page_size: u32, mut fetch: F) -> crate::DomainResult<Vec<T>>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = crate::DomainResult<Page<T>>>,
{
    let mut items = Vec::new();
    let mut page = PageRequest::first(page_size);
    loop {
        // Every item or none: what reads a whole listing acts on all of it (a ban's plan, an
        // erasure), and one left out would be missed without a word.
        let got = fetch(page).await?.whole()?;
        items.extend(got.items);
        match got.next {
            Some(cursor) => page = PageRequest::after(cursor, page_size),
            None => return Ok(items),
        }
    }
}

/// Where a page starts and how many items it may hold.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageRequest {
    pub cursor: Option<Cursor>,
    pub limit: Option<u32>,
}

impl PageRequest {
    pub fn first(limit: u32) -> Self {
        Self {
            cursor: None,
            limit: Some(limit),
        }
    }

    pub fn after(cursor: Cursor, limit: u32) -> Self {
        Self {
            cursor: Some(cursor),
            limit: Some(limit),
        }
    }

    /// The limit clamped to `1..=max`, or `default` when none was asked for.
    pub fn limit_or(&self, default: u32, max: u32) -> u32 {
        self.limit.unwrap_or(default).clamp(1, max)
    }
}

/// An opaque position in a listing. Callers pass it back unchanged; only the adapter that
/// made it reads it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cursor(String);

#[derive(Serialize, Deserialize)]
struct Envelope<T> {
    /// The query this cursor belongs to.
    s: String,
    /// The position inside that query.
    k: T,
}

impl Cursor {
    /// Longest cursor accepted from outside; real ones are far shorter.
    const MAX_LEN: usize = 4096;

    /// Wraps a position for the query named by `scope`.
    pub fn encode<T: Serialize>(scope: &str, position: &T) -> Cursor {
        let envelope = Envelope {
            s: scope.to_string(),
            k: position,
        };
        // Serializing plain data (strings, numbers, arrays) to JSON cannot fail.
        let json = serde_json::to_vec(&envelope).unwrap_or_default();
        Cursor(URL_SAFE_NO_PAD.encode(json))
    }

    /// Reads the position back, refusing a cursor made by another query or tampered with.
    pub fn decode<T: DeserializeOwned>(&self, scope: &str) -> Result<T, Invalid> {
        let bad = || {
            Invalid::new(
                "cursor",
                "is not a cursor of this listing; start from the first page",
            )
        };
        if self.0.len() > Self::MAX_LEN {
            return Err(bad());
        }
        let json = URL_SAFE_NO_PAD
            .decode(self.0.as_bytes())
            .map_err(|_| bad())?;
        let envelope: Envelope<T> = serde_json::from_slice(&json).map_err(|_| bad())?;
        if envelope.s != scope {
            return Err(bad());
        }
        Ok(envelope.k)
    }

    /// A cursor as received from a client (e.g. `?cursor=`).
    pub fn from_client(raw: impl Into<String>) -> Cursor {
        Cursor(raw.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A short stable fingerprint of a query's parameters, for cursor scopes: FNV-1a (64 bits:
/// stable across builds and platforms, unlike `DefaultHasher`) of their JSON, hashed as it is
/// written rather than written out first.
pub fn scope_of<T: Serialize>(name: &str, params: &T) -> String {
    struct Fnv(u64);
    impl std::io::Write for Fnv {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            for &byte in bytes {
                self.0 ^= u64::from(byte);
                self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
            }
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hash = Fnv(0xcbf2_9ce4_8422_2325);
    // Parameters that do not serialize hash what was written before the failure, as the
    // empty text did before: a scope, never a panic.
    let _ = serde_json::to_writer(&mut hash, params);
    let mut scope = String::with_capacity(name.len() + 17);
    scope.push_str(name);
    scope.push(':');
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for shift in (0..16).rev() {
        scope.push(char::from(HEX[((hash.0 >> (shift * 4)) & 0xf) as usize]));
    }
    scope
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cursor_from_another_query_is_refused() {
        let cursor = Cursor::encode("posts:a", &(5, "x"));
        let err = cursor.decode::<(i64, String)>("comments:b").unwrap_err();
        assert_eq!(err.field, "cursor");
    }

    #[test]
    fn garbage_cursor_is_refused() {
        assert!(
            Cursor::from_client("%%%not-base64")
                .decode::<i64>("x")
                .is_err()
        );
        assert!(Cursor::from_client("").decode::<i64>("x").is_err());
    }

    #[test]
    fn scopes_differ_when_parameters_differ() {
        assert_ne!(
            scope_of("posts", &("hidden",)),
            scope_of("posts", &("visible",))
        );
        assert_eq!(
            scope_of("posts", &("hidden",)),
            scope_of("posts", &("hidden",))
        );
    }

    /// A scope is FNV-1a of the parameters' JSON in 16 hex digits: cursors a client holds
    /// from an earlier release still decode.
    #[test]
    fn a_scope_is_the_fingerprint_of_the_parameters_json() {
        // FNV-1a 64 of `["hidden"]`, worked out apart from this code.
        assert_eq!(scope_of("posts", &("hidden",)), "posts:9727be5b51a3aec5");
    }

    #[test]
    fn limit_is_clamped() {
        assert_eq!(PageRequest::first(500).limit_or(20, 100), 100);
        assert_eq!(PageRequest::first(0).limit_or(20, 100), 1);
        assert_eq!(PageRequest::default().limit_or(20, 100), 20);
    }

    proptest! {
        #[test]
        fn cursors_round_trip(a in any::<i64>(), b in "\\PC{0,40}", scope in "[a-z:0-9]{1,20}") {
            let cursor = Cursor::encode(&scope, &(a, b.clone()));
            let back: (i64, String) = cursor.decode(&scope).unwrap();
            prop_assert_eq!(back, (a, b));
        }

        #[test]
        fn decoding_arbitrary_text_never_panics(s in any::<String>()) {
            let _ = Cursor::from_client(s).decode::<(i64, String)>("posts");
        }
    }
}
