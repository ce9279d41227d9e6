//! The Storage pane's work against the object store: listings a page at a time, HEAD and
//! versions, previews that read only what they show and decode under explicit limits, links,
//! downloads in ranged chunks with progress, and the audited writes.

use super::Backends;
use crate::app::storage::{
    LIST_PAGE, ObjectDetail, Preview, StorageCommand, StorageEvent, TEXT_PREVIEW_BYTES, Uses,
    Versions, base_name, local_name,
};
use crate::app::{AppEvent, Context, Failure, RequestId};
use crate::ops::content_type_of;
use crate::text::human_size;
use backoffice_domain::DomainError;
use backoffice_domain::model::{BucketName, ByteRange, PageRequest};
use backoffice_domain::services::storage as service;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;

/// Bytes per ranged GET of a download; progress is reported after each.
pub const DOWNLOAD_CHUNK: u64 = 4 * 1024 * 1024;
/// An image larger than this is not fetched for a preview (its thumbnail still is).
pub const MAX_PREVIEW_IMAGE_BYTES: u64 = 20 * 1024 * 1024;
/// Decoding refuses images wider or taller than this…
pub const MAX_DECODE_SIDE: u32 = 8192;
/// …and any decode that would allocate more than this.
pub const MAX_DECODE_ALLOC: u64 = 128 * 1024 * 1024;
/// A decoded preview is fitted inside this many pixels a side before it reaches the screen.
pub const PREVIEW_SIDE: u32 = 480;
/// The thumbnail width a preview asks for (the nearest at least as wide is used).
pub const THUMBNAIL_WANTED: u32 = 256;
/// Versions listed in an object's detail.
const VERSIONS_SHOWN: u32 = 100;

pub(super) async fn run(
    command: StorageCommand,
    b: &Backends,
    context: &Context,
    events: &mpsc::Sender<AppEvent>,
) -> AppEvent {
    let event = match command {
        StorageCommand::ListBuckets { request } => StorageEvent::BucketsListed {
            request,
            result: async { b.objects()?.list_buckets().await }
                .await
                .map_err(Failure::from),
        },
        StorageCommand::List {
            request,
            bucket,
            prefix,
            cursor,
        } => StorageEvent::Listed {
            request,
            result: async {
                let page = PageRequest {
                    cursor,
                    limit: Some(LIST_PAGE),
                };
                b.objects()?.list(&bucket, &prefix, Some('/'), page).await
            }
            .await
            .map_err(Failure::from),
        },
        StorageCommand::Inspect {
            request,
            bucket,
            key,
        } => StorageEvent::Inspected {
            request,
            result: inspect(b, &bucket, &key).await.map_err(Failure::from),
        },
        StorageCommand::Preview {
            request,
            bucket,
            key,
        } => StorageEvent::Previewed {
            request,
            result: preview(b, &bucket, &key).await.map_err(Failure::from),
        },
        StorageCommand::Versioning {
            request,
            bucket,
            keys,
        } => {
            let versioning = async { b.objects()?.versioning(&bucket).await };
            // What points at them, read beside: a failure leaves it unsaid, not the dialog.
            let referenced = async {
                match b.content.as_deref() {
                    Some(content) => content.referenced_keys(&keys).await.ok().map(|found| {
                        keys.iter()
                            .filter(|k| found.contains(*k))
                            .cloned()
                            .collect()
                    }),
                    None => None,
                }
            };
            let (result, referenced) = futures::join!(versioning, referenced);
            StorageEvent::VersioningRead {
                request,
                result: result.map_err(Failure::from),
                referenced,
            }
        }
        StorageCommand::Share {
            request,
            bucket,
            key,
            expires_in,
        } => StorageEvent::Shared {
            request,
            result: crate::ops::share(b, context, &bucket, &key, expires_in).await,
        },
        StorageCommand::Download {
            request,
            bucket,
            key,
            path,
        } => StorageEvent::Downloaded {
            request,
            result: download(b, request, &bucket, &key, &path, events)
                .await
                .map_err(Failure::from),
        },
    };
    AppEvent::Storage(event)
}

async fn inspect(
    b: &Backends,
    bucket: &BucketName,
    key: &str,
) -> Result<ObjectDetail, DomainError> {
    let store = b.objects()?;
    let entry = store.head(bucket, key).await?;
    // Versions are extra: a store that keeps none, or a role that may not list them, still
    // leaves the rest of the detail.
    let versions = match store
        .list_versions(bucket, key, PageRequest::first(VERSIONS_SHOWN))
        .await
    {
        Ok(page) => Versions::Listed(page.items.into_iter().filter(|v| v.key == key).collect()),
        Err(DomainError::Unsupported(why)) => Versions::Unavailable(why),
        Err(e) => Versions::Unavailable(e.to_string()),
    };
    // What points at it, for the delete dialog: a failure leaves it unsaid, not the detail.
    let uses = match b.content.as_deref() {
        None => Uses::default(),
        Some(content) => {
            let keys = [key.to_string()];
            let (referenced, thumbnails) =
                futures::join!(content.referenced_keys(&keys), content.thumbnails(key));
            Uses {
                referenced: referenced.ok().map(|r| r.contains(key)),
                thumbnails: thumbnails
                    .map(|t| t.into_iter().map(|t| t.key).collect())
                    .unwrap_or_default(),
            }
        }
    };
    Ok(ObjectDetail {
        entry,
        versions,
        uses,
    })
}

pub(super) async fn preview(
    b: &Backends,
    bucket: &BucketName,
    key: &str,
) -> Result<Preview, DomainError> {
    let store = b.objects()?;
    let head = store.head(bucket, key).await?;
    if head.size == 0 {
        return Ok(Preview::Nothing("empty object".into()));
    }
    let content_type = content_type_of(key, head.content_type.as_deref());
    if content_type.starts_with("image/") {
        // A thumbnail is smaller to fetch and to decode; a missing one is no failure.
        if let Ok(Some((width, thumb))) =
            service::find_thumbnail(store, bucket, key, THUMBNAIL_WANTED).await
            && thumb.size > 0
            && thumb.size <= MAX_PREVIEW_IMAGE_BYTES
        {
            let bytes = store.get(bucket, &thumb.key, None).await?.bytes;
            return decode_in_background(bytes, format!("thumbnail {width} px")).await;
        }
        if head.size > MAX_PREVIEW_IMAGE_BYTES {
            return Ok(Preview::Nothing(format!(
                "{content_type}, {}: larger than the {} a preview fetches, and no thumbnail",
                human_size(head.size),
                human_size(MAX_PREVIEW_IMAGE_BYTES)
            )));
        }
        let bytes = store.get(bucket, key, None).await?.bytes;
        return decode_in_background(bytes, "original".into()).await;
    }
    let shown = TEXT_PREVIEW_BYTES.min(head.size);
    let got = store
        .get(bucket, key, Some(ByteRange::first(shown)))
        .await?;
    Ok(text_preview(&got.bytes, head.size, key, &content_type))
}

async fn decode_in_background(bytes: Vec<u8>, source: String) -> Result<Preview, DomainError> {
    tokio::task::spawn_blocking(move || decode_image(&bytes, source))
        .await
        .map_err(|e| DomainError::unexpected("decoding the preview", e))
}

/// Decodes an image under explicit limits and fits it for the screen.
/// What a preview says of an image whose data does not decode.
const DAMAGED: &str = "the image is damaged or cut short: it could not be decoded";

pub fn decode_image(bytes: &[u8], source: String) -> Preview {
    let reader = match image::ImageReader::new(std::io::Cursor::new(bytes)).with_guessed_format() {
        Ok(r) => r,
        Err(e) => return Preview::Nothing(format!("the image could not be read: {e}")),
    };
    if reader.format().is_none() {
        // Said of the bytes: a `.jpg` labelled image/jpeg whose bytes were damaged read as
        // a format this console does not decode.
        return Preview::Nothing(
            "the bytes are not a PNG or JPEG image (another format, or damaged)".into(),
        );
    }
    let mut reader = reader;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_DECODE_SIDE);
    limits.max_image_height = Some(MAX_DECODE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    match reader.decode() {
        Ok(image) => {
            let (width, height) = (image.width(), image.height());
            let image = if width > PREVIEW_SIDE || height > PREVIEW_SIDE {
                image.thumbnail(PREVIEW_SIDE, PREVIEW_SIDE)
            } else {
                image
            };
            Preview::Image {
                image: Arc::new(image),
                source,
                width,
                height,
            }
        }
        Err(image::ImageError::Limits(_)) => Preview::Nothing(format!(
            "too large to decode here (over {MAX_DECODE_SIDE} px a side or {} of memory)",
            human_size(MAX_DECODE_ALLOC)
        )),
        Err(image::ImageError::Unsupported(e)) => {
            Preview::Nothing(format!("not decoded here: {e} (PNG and JPEG are)"))
        }
        // The decoder's own words name its internals (`ChunkType { type: 0000 … }`): the
        // screen says what it means, the log keeps them.
        Err(e @ image::ImageError::Decoding(_)) => {
            tracing::debug!(error = %e, "image preview not decoded");
            Preview::Nothing(DAMAGED.into())
        }
        Err(image::ImageError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            Preview::Nothing(DAMAGED.into())
        }
        Err(e) => Preview::Nothing(format!("the image could not be decoded: {e}")),
    }
}

/// The first bytes as text (JSON pretty-printed when all of it was read), or why not.
pub fn text_preview(bytes: &[u8], total: u64, key: &str, content_type: &str) -> Preview {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        // Cut inside a character at the end of the range: keep what is whole.
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return Preview::Nothing(format!("binary data ({content_type})")),
    };
    if text.contains('\0') {
        return Preview::Nothing(format!("binary data ({content_type})"));
    }
    let shown = bytes.len() as u64;
    let looks_json = content_type.contains("json") || key.to_ascii_lowercase().ends_with(".json");
    if looks_json
        && shown == total
        && let Ok(value) = serde_json::from_str::<serde_json::Value>(text)
        && let Ok(pretty) = serde_json::to_string_pretty(&value)
    {
        return Preview::Text {
            text: printable(&pretty),
            json: true,
            shown,
            total,
        };
    }
    Preview::Text {
        text: printable(text),
        json: false,
        shown,
        total,
    }
}

use crate::text::printable;

/// `path`, or the object's name inside it when `path` is a folder (with `_` for what would
/// drive a terminal, as the prompt offers it).
async fn target_path(path: &Path, key: &str) -> PathBuf {
    match tokio::fs::metadata(path).await {
        Ok(m) if m.is_dir() => path.join(local_name(base_name(key))),
        _ => path.to_path_buf(),
    }
}

async fn download(
    b: &Backends,
    request: RequestId,
    bucket: &BucketName,
    key: &str,
    path: &Path,
    events: &mpsc::Sender<AppEvent>,
) -> Result<PathBuf, DomainError> {
    let store = b.objects()?;
    let total = store.head(bucket, key).await?.size;
    let path = target_path(path, key).await;
    // What the operator can mend (a folder that does not exist, a permission) is said so;
    // anything else names the file and keeps the error.
    let local = |e: std::io::Error, p: &Path| match e.kind() {
        // Named by the file asked for, not its `.part` (the same folder).
        std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => {
            DomainError::invalid("path", crate::paths::write_problem(&e, &path))
        }
        _ => DomainError::unavailable(format!("{}", p.display()), e),
    };
    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Err(DomainError::Conflict(format!(
            "{} exists; choose another path",
            path.display()
        )));
    }
    let mut part = path.clone().into_os_string();
    part.push(".part");
    let part = PathBuf::from(part);
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&part)
        .await
        .map_err(|e| local(e, &part))?;
    let copied = async {
        let mut done = 0u64;
        while done < total {
            let end = (done + DOWNLOAD_CHUNK).min(total);
            let chunk = store
                .get(bucket, key, Some(ByteRange { start: done, end }))
                .await?;
            if chunk.bytes.is_empty() {
                return Err(DomainError::bug(format!(
                    "storage returned no bytes at offset {done} of {total}"
                )));
            }
            file.write_all(&chunk.bytes)
                .await
                .map_err(|e| local(e, &part))?;
            done += chunk.bytes.len() as u64;
            // The loop may have ended; the download still finishes.
            let _ = events
                .send(AppEvent::Storage(StorageEvent::Progress {
                    request,
                    done,
                    total,
                }))
                .await;
        }
        file.flush().await.map_err(|e| local(e, &part))?;
        file.sync_all().await.map_err(|e| local(e, &part))?;
        Ok(())
    }
    .await;
    if let Err(e) = copied {
        let _ = tokio::fs::remove_file(&part).await;
        return Err(e);
    }
    tokio::fs::rename(&part, &path)
        .await
        .map_err(|e| local(e, &path))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Saved into a folder, an object is named as the prompt offers it: an escape or a
    /// direction override in its key becomes `_`, so the name on disk cannot drive a terminal
    /// or read backwards.
    #[tokio::test]
    async fn a_download_into_a_folder_names_the_file_safely() {
        let dir = tempfile::tempdir().unwrap();
        let named = target_path(dir.path(), "avatars/\u{202e}gpj.exe").await;
        assert_eq!(named, dir.path().join("_gpj.exe"));
        let named = target_path(dir.path(), "a/\u{1b}[31mred.txt").await;
        assert_eq!(named, dir.path().join("_[31mred.txt"));
        let file = dir.path().join("chosen.bin");
        assert_eq!(target_path(&file, "a/\u{1b}x").await, file);
    }

    #[test]
    fn whole_json_is_pretty_printed_and_a_cut_one_is_shown_as_text() {
        let json = br#"{"a":1,"b":[true,null]}"#;
        match text_preview(json, json.len() as u64, "x.json", "application/json") {
            Preview::Text { text, json, .. } => {
                assert!(json);
                assert!(text.contains("\n  \"a\": 1"), "{text}");
            }
            other => panic!("{other:?}"),
        }
        match text_preview(&json[..10], 5000, "x.json", "application/json") {
            Preview::Text {
                json, shown, total, ..
            } => {
                assert!(!json);
                assert_eq!((shown, total), (10, 5000));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_character_cut_by_the_range_is_dropped_and_binary_is_refused() {
        let text = "안녕하세요".as_bytes();
        match text_preview(&text[..4], 15, "k.txt", "text/plain") {
            Preview::Text { text, .. } => assert_eq!(text, "안"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            text_preview(
                &[0x89, b'P', 0xff, 0x00],
                4,
                "k.bin",
                "application/octet-stream"
            ),
            Preview::Nothing(_)
        ));
    }

    #[test]
    fn escape_sequences_in_text_are_never_drawn() {
        match text_preview(b"a\x1b[2Jb\tc", 7, "k.txt", "text/plain") {
            Preview::Text { text, .. } => {
                assert!(!text.contains('\x1b'));
                assert_eq!(text, "a\u{241b}[2Jb    c");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_image_over_the_limits_is_refused_without_decoding_it() {
        // A PNG header that claims 100,000 × 100,000 pixels.
        let mut png = Vec::new();
        image::DynamicImage::new_rgb8(1, 1)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        png[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        // The IHDR chunk's CRC covers its type and data (bytes 12..29), stored at 29..33.
        let crc = png[12..29].iter().fold(!0u32, |mut c, b| {
            c ^= u32::from(*b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    (c >> 1) ^ 0xEDB8_8320
                } else {
                    c >> 1
                };
            }
            c
        });
        png[29..33].copy_from_slice(&(!crc).to_be_bytes());
        match decode_image(&png, "original".into()) {
            Preview::Nothing(why) => assert!(why.contains("too large"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    /// A PNG cut short says so in words, not in the decoder's internals.
    #[test]
    fn a_damaged_image_says_so_plainly() {
        let mut png = Vec::new();
        image::DynamicImage::new_rgb8(64, 64)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let mut damaged = png.clone();
        // Past the signature and the header: the chunks after it read as garbage.
        for b in &mut damaged[33..60] {
            *b = 0;
        }
        let mut short = png.clone();
        short.truncate(png.len() / 2);
        for bytes in [damaged, short] {
            match decode_image(&bytes, "original".into()) {
                Preview::Nothing(why) => {
                    assert_eq!(why, DAMAGED)
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn a_large_image_is_fitted_for_the_screen_and_keeps_its_size() {
        let mut png = Vec::new();
        image::DynamicImage::new_rgb8(1600, 900)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        match decode_image(&png, "original".into()) {
            Preview::Image {
                image,
                width,
                height,
                ..
            } => {
                assert_eq!((width, height), (1600, 900));
                assert!(image.width() <= PREVIEW_SIDE && image.height() <= PREVIEW_SIDE);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn types_come_from_storage_or_the_extension() {
        assert_eq!(content_type_of("a/b.JPG", None), "image/jpeg");
        assert_eq!(content_type_of("a/b", Some("text/csv")), "text/csv");
        assert_eq!(
            content_type_of("a/b.png", Some("application/octet-stream")),
            "image/png"
        );
        assert_eq!(content_type_of("a/b", None), "application/octet-stream");
        assert_eq!(
            content_type_of("a/b.jpeg", Some("binary/octet-stream")),
            "image/jpeg"
        );
    }
}
