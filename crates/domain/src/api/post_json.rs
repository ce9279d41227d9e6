//! The answers the API serves most, posts and pages of posts, written straight into bytes.
//!
//! `GET /posts` is the request the apps make most, and serde's general machinery was a quarter
//! of its handler's work on loopback: every key escaped as if it could hold a quote, every
//! field of a flattened struct passed through a map, every `UserSub` cloned into a `String`.
//! Here the keys are literals, and only text that came from outside is escaped.
//!
//! The derived `Serialize` of [`PostView`] and [`PageView`] stays the definition of the shape
//! (`GET /user/sync` still embeds posts through it): a property test holds these bytes to
//! serde_json's, byte for byte, for any post.

use super::handlers::PostView;
use crate::model::Post;
use crate::model::time::write_utc_json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A JSON answer from bytes already written, with the header axum's `Json` sets.
pub(super) fn answer(status: StatusCode, body: Vec<u8>) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// Room for one post's JSON besides the texts of unknown length.
const POST_FIXED_BYTES: usize = 240;

impl PostView {
    pub(super) fn to_json(&self) -> Vec<u8> {
        let url = self.image_url.as_deref();
        let mut out = Vec::with_capacity(capacity(&self.post, url));
        write_post(&mut out, &self.post, url);
        out
    }
}

/// Room for one post's JSON: its fixed part and its texts.
fn capacity(post: &Post, image_url: Option<&str>) -> usize {
    POST_FIXED_BYTES
        + post.body.len()
        + post.image_key.as_ref().map_or(0, String::len)
        + image_url.map_or(0, str::len)
}

/// `{"items":[…],"cursor":…}`: a page of posts as `PageView<PostView>` is written, from the
/// posts where they lie (no view is built for each). `urls[i]` is `posts[i]`'s image URL;
/// `urls` is empty when no post has an image.
pub(super) fn posts_page(posts: &[Post], urls: &[Option<String>], cursor: Option<&str>) -> Vec<u8> {
    let url = |i: usize| urls.get(i).and_then(Option::as_deref);
    let capacity = 32
        + cursor.map_or(0, str::len)
        + posts
            .iter()
            .enumerate()
            .map(|(i, post)| capacity(post, url(i)))
            .sum::<usize>();
    let mut out = Vec::with_capacity(capacity);
    out.extend_from_slice(b"{\"items\":[");
    for (i, post) in posts.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_post(&mut out, post, url(i));
    }
    out.extend_from_slice(b"],\"cursor\":");
    optional_string(&mut out, cursor);
    out.push(b'}');
    out
}

/// `{"id":…,"authorSub":…,"body":…,"imageKey":…,"status":…,"createdAt":…,"updatedAt":…,
/// "imageUrl":…}`: `Post`'s fields in their order, then the URL, as the derive writes them.
fn write_post(out: &mut Vec<u8>, post: &Post, image_url: Option<&str>) {
    out.extend_from_slice(b"{\"id\":");
    out.extend_from_slice(itoa::Buffer::new().format(post.id.get()).as_bytes());
    out.extend_from_slice(b",\"authorSub\":");
    plain_string(out, post.author_sub.as_str());
    out.extend_from_slice(b",\"body\":");
    string(out, &post.body);
    out.extend_from_slice(b",\"imageKey\":");
    optional_string(out, post.image_key.as_deref());
    out.extend_from_slice(b",\"status\":");
    plain_string(out, post.status.as_str());
    out.extend_from_slice(b",\"createdAt\":");
    let created = out.len();
    write_utc_json(&post.created_at, out);
    let created = created..out.len();
    out.extend_from_slice(b",\"updatedAt\":");
    // A post never edited has one time twice: its text is copied, not written again.
    if post.updated_at == post.created_at {
        out.extend_from_within(created);
    } else {
        write_utc_json(&post.updated_at, out);
    }
    out.extend_from_slice(b",\"imageUrl\":");
    optional_string(out, image_url);
    out.push(b'}');
}

fn optional_string(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

/// Whether serde_json escapes this byte: control characters, the quote and the backslash.
/// Everything else, UTF-8 sequences included, is written as it is.
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Whether any byte needs escaping. Sixteen bytes at a time with no early exit inside a block,
/// which the compiler turns into vector compares (`any` alone is a byte at a time).
fn any_needs_escape(bytes: &[u8]) -> bool {
    let mut blocks = bytes.chunks_exact(16);
    for block in &mut blocks {
        if block
            .iter()
            .fold(false, |found, &b| found | needs_escape(b))
        {
            return true;
        }
    }
    blocks.remainder().iter().any(|&b| needs_escape(b))
}

/// A JSON string of text that has nothing to escape by construction: a `UserSub` is a
/// lowercase UUID, a status one of three words.
fn plain_string(out: &mut Vec<u8>, s: &str) {
    debug_assert!(!s.bytes().any(needs_escape), "{s:?} needs escaping");
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

/// A JSON string, escaped as serde_json escapes it (`\n`-style short forms where JSON has one,
/// `\u00XX` in lowercase hex for the other control characters).
pub(super) fn string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.push(b'"');
    // Most text has nothing to escape: one pass over it, then one copy.
    if !any_needs_escape(bytes) {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !needs_escape(b) {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::handlers::PageView;
    use crate::model::{ContentStatus, PostId, UserSub};
    use chrono::{DateTime, TimeZone, Utc};
    use proptest::prelude::*;

    /// A post written at `at`, and edited 1.5 s later when `edited`.
    fn post(
        id: i64,
        body: String,
        image_key: Option<String>,
        status: ContentStatus,
        at: DateTime<Utc>,
        edited: bool,
    ) -> Post {
        Post {
            id: PostId::new(id).unwrap(),
            author_sub: UserSub::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap(),
            body,
            image_key,
            status,
            created_at: at,
            updated_at: if edited {
                at + chrono::Duration::milliseconds(1500)
            } else {
                at
            },
        }
    }

    fn any_time() -> impl Strategy<Value = DateTime<Utc>> {
        (
            -62_167_219_200i64..253_402_300_800i64,
            prop_oneof![
                Just(0u32),
                (0u32..1000).prop_map(|m| m * 1_000_000),
                0u32..1_000_000_000
            ],
        )
            .prop_map(|(secs, nanos)| Utc.timestamp_opt(secs, nanos).unwrap())
    }

    fn any_status() -> impl Strategy<Value = ContentStatus> {
        prop_oneof![
            Just(ContentStatus::Visible),
            Just(ContentStatus::Hidden),
            Just(ContentStatus::Removed),
        ]
    }

    /// Any text, with control characters, quotes, backslashes, RTL and emoji more likely than
    /// chance would make them.
    fn any_text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[\\x00-\\x1f\"\\\\/a-z \u{202e}\u{05d0}\u{1f600}\u{7f}]{0,40}",
        ]
    }

    fn any_view() -> impl Strategy<Value = PostView> {
        (
            1i64..=i64::MAX,
            any_text(),
            proptest::option::of(any_text()),
            any_status(),
            any_time(),
            any::<bool>(),
            proptest::option::of(any_text()),
        )
            .prop_map(|(id, body, key, status, at, edited, url)| PostView {
                post: post(id, body, key, status, at, edited),
                image_url: url,
            })
    }

    proptest! {
        /// A post is written as the derived `Serialize` writes it, byte for byte.
        #[test]
        fn a_post_is_written_as_serde_writes_it(view in any_view()) {
            prop_assert_eq!(
                String::from_utf8(view.to_json()).unwrap(),
                serde_json::to_string(&view).unwrap()
            );
        }

        /// So is a page of them, with or without a cursor.
        #[test]
        fn a_page_is_written_as_serde_writes_it(
            items in proptest::collection::vec(any_view(), 0..5),
            cursor in proptest::option::of(any_text()),
            no_urls_when_none in any::<bool>(),
        ) {
            let posts: Vec<Post> = items.iter().map(|view| view.post.clone()).collect();
            let mut urls: Vec<Option<String>> = items.iter().map(|view| view.image_url.clone()).collect();
            // Without any image, the handler passes no URLs at all.
            if no_urls_when_none && urls.iter().all(Option::is_none) {
                urls.clear();
            }
            let written = posts_page(&posts, &urls, cursor.as_deref());
            let page = PageView { items, cursor };
            prop_assert_eq!(
                String::from_utf8(written).unwrap(),
                serde_json::to_string(&page).unwrap()
            );
        }

        /// Any string is escaped as serde_json escapes it.
        #[test]
        fn any_string_is_escaped_as_serde_json_escapes_it(s in any_text()) {
            let mut out = Vec::new();
            string(&mut out, &s);
            prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&s).unwrap());
        }
    }

    #[test]
    fn every_control_character_and_the_awkward_ones() {
        let s: String = (0u8..0x20)
            .map(char::from)
            .chain("\"\\/\u{7f}\u{202e}שלום 👍🏽".chars())
            .collect();
        let mut out = Vec::new();
        string(&mut out, &s);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string(&s).unwrap()
        );
        let view = PostView {
            post: post(
                7,
                "say \"hi\"\n".into(),
                None,
                ContentStatus::Visible,
                Utc.timestamp_opt(1_767_225_600, 5_000_000).unwrap(),
                true,
            ),
            image_url: None,
        };
        assert_eq!(
            String::from_utf8(view.to_json()).unwrap(),
            "{\"id\":7,\"authorSub\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\
             \"body\":\"say \\\"hi\\\"\\n\",\"imageKey\":null,\"status\":\"visible\",\
             \"createdAt\":\"2026-01-01T00:00:00.005Z\",\"updatedAt\":\"2026-01-01T00:00:01.505Z\",\
             \"imageUrl\":null}"
        );
    }
}
