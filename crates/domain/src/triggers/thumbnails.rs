//! The image trigger: for each image created under `posts/` or `profiles/`, thumbnails at
//! fixed widths under `thumbs/{width}/{key}`, recorded in the database. Images are decoded under
//! explicit limits, so a decompression bomb is refused before it is expanded; a redelivered
//! event finds its thumbnails recorded and does nothing.

use crate::error::{DomainError, DomainResult};
use crate::model::{BucketName, ObjectKey, Thumbnail, now_millis};
use crate::ports::{ContentStore, ObjectStore};
use image::{DynamicImage, ImageFormat, ImageReader};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Cursor;

/// What the trigger will decode and write.
#[derive(Debug, Clone)]
pub struct ThumbnailLimits {
    /// Thumbnail widths, narrowest first.
    pub widths: Vec<u32>,
    /// Larger source objects are refused without being read.
    pub max_source_bytes: u64,
    pub max_width: u32,
    pub max_height: u32,
    /// The most memory the decoder may allocate.
    pub max_alloc: u64,
    pub jpeg_quality: u8,
}

impl Default for ThumbnailLimits {
    fn default() -> Self {
        Self {
            widths: vec![128, 512],
            max_source_bytes: 20 * 1024 * 1024,
            max_width: 8192,
            max_height: 8192,
            max_alloc: 256 * 1024 * 1024,
            jpeg_quality: 80,
        }
    }
}

/// What happened to one record of the event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "outcome")]
pub enum RecordOutcome {
    Written {
        key: String,
        thumbnails: Vec<String>,
    },
    /// Thumbnails were already recorded (a redelivered event).
    AlreadyDone { key: String },
    /// Not an upload this trigger handles (another prefix, a deletion, a thumbnail).
    Ignored { key: String, why: String },
    /// The object cannot be thumbnailed, and never will be (too large, not an image, a bomb).
    Refused { key: String, why: String },
}

/// One S3 notification record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub event_name: String,
    pub bucket: String,
    pub key: String,
}

/// The records of an S3 event notification, with keys decoded (S3 sends them form-encoded).
pub fn uploads(event: &Value) -> DomainResult<Vec<Upload>> {
    let records = event
        .get("Records")
        .and_then(Value::as_array)
        .ok_or_else(|| DomainError::invalid("Records", "the event has no Records list"))?;
    records
        .iter()
        .map(|record| {
            let field = |path: &[&str]| {
                path.iter()
                    .try_fold(record, |v, p| v.get(p))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            let key = field(&["s3", "object", "key"])
                .ok_or_else(|| DomainError::invalid("s3.object.key", "is missing"))?;
            Ok(Upload {
                event_name: field(&["eventName"]).unwrap_or_default(),
                bucket: field(&["s3", "bucket", "name"])
                    .ok_or_else(|| DomainError::invalid("s3.bucket.name", "is missing"))?,
                key: decode_key(&key),
            })
        })
        .collect()
}

fn decode_key(raw: &str) -> String {
    let spaced = raw.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

/// Handles every record of an event. A record that fails for good is reported as `Refused`; a
/// transient failure (S3 or the database unavailable) is an error, so that Lambda retries.
pub async fn handle_event(
    event: &Value,
    objects: &dyn ObjectStore,
    content: &dyn ContentStore,
    limits: &ThumbnailLimits,
) -> DomainResult<Vec<RecordOutcome>> {
    let mut outcomes = Vec::new();
    for upload in uploads(event)? {
        let outcome = handle_upload(&upload, objects, content, limits).await?;
        match &outcome {
            RecordOutcome::Refused { key, why } => {
                tracing::warn!(key = %key, why = %why, "image refused");
            }
            other => tracing::info!(outcome = ?other, "record handled"),
        }
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

async fn handle_upload(
    upload: &Upload,
    objects: &dyn ObjectStore,
    content: &dyn ContentStore,
    limits: &ThumbnailLimits,
) -> DomainResult<RecordOutcome> {
    let key = upload.key.clone();
    let ignored = |why: &str| {
        Ok(RecordOutcome::Ignored {
            key: key.clone(),
            why: why.to_string(),
        })
    };
    let refused = |why: String| {
        Ok(RecordOutcome::Refused {
            key: key.clone(),
            why,
        })
    };
    if !upload.event_name.starts_with("ObjectCreated:") {
        return ignored("not an ObjectCreated event");
    }
    if !(key.starts_with("posts/") || key.starts_with("profiles/")) {
        return ignored("not under posts/ or profiles/");
    }
    let Ok(source) = ObjectKey::parse(&key) else {
        return refused("the key is not one the service writes".to_string());
    };
    let bucket = BucketName::parse(&upload.bucket)
        .map_err(|e| DomainError::invalid("s3.bucket.name", e.message))?;
    let recorded = content.thumbnails(&key).await?;
    if limits
        .widths
        .iter()
        .all(|w| recorded.iter().any(|t| t.width == *w))
    {
        return Ok(RecordOutcome::AlreadyDone { key });
    }
    let head = match objects.head(&bucket, &key).await {
        Ok(head) => head,
        // Deleted before the trigger ran: nothing to do.
        Err(DomainError::NotFound(_)) => return ignored("the object no longer exists"),
        Err(e) => return Err(e),
    };
    if head.size > limits.max_source_bytes {
        return refused(format!(
            "{} bytes is over the {}-byte limit",
            head.size, limits.max_source_bytes
        ));
    }
    let bytes = objects.get(&bucket, &key, None).await?.bytes;
    let decode_limits = limits.clone();
    let decoded = tokio::task::spawn_blocking(move || render(&bytes, &decode_limits))
        .await
        .map_err(|e| DomainError::unexpected("the thumbnail task failed", e))?;
    let rendered = match decoded {
        Ok(r) => r,
        Err(why) => return refused(why),
    };
    let mut thumbnails = Vec::new();
    for (width, image) in rendered {
        let thumb_key = source.thumbnail(width);
        objects
            .put(
                &bucket,
                &thumb_key,
                image.bytes.clone(),
                image.content_type,
                &BTreeMap::new(),
            )
            .await?;
        thumbnails.push(Thumbnail {
            source_key: key.clone(),
            width,
            height: image.height,
            key: thumb_key.as_str().to_string(),
            bytes: image.bytes.len() as u64,
            created_at: now_millis(),
        });
    }
    content.record_thumbnails(&thumbnails).await?;
    Ok(RecordOutcome::Written {
        key: key.clone(),
        thumbnails: thumbnails.into_iter().map(|t| t.key).collect(),
    })
}

/// One encoded thumbnail.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub height: u32,
    pub content_type: &'static str,
}

/// Decodes under the limits and renders every width. `Err` says why the image is refused.
pub fn render(bytes: &[u8], limits: &ThumbnailLimits) -> Result<Vec<(u32, Rendered)>, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot read the image: {e}"))?;
    let format = match reader.format() {
        Some(f @ (ImageFormat::Png | ImageFormat::Jpeg)) => f,
        Some(other) => return Err(format!("{other:?} images are not thumbnailed")),
        None => return Err("not a PNG or JPEG image".to_string()),
    };
    let mut decode_limits = image::Limits::default();
    decode_limits.max_image_width = Some(limits.max_width);
    decode_limits.max_image_height = Some(limits.max_height);
    decode_limits.max_alloc = Some(limits.max_alloc);
    reader.limits(decode_limits);
    let image = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(l) => format!("refused by the decoding limits: {l}"),
        other => format!("cannot decode the image: {other}"),
    })?;
    limits
        .widths
        .iter()
        .map(|&width| {
            Ok((
                width,
                encode(&fit(&image, width), format, limits.jpeg_quality)?,
            ))
        })
        .collect()
}

/// The image scaled to `width` (never up), its height bounded to twice the width.
fn fit(image: &DynamicImage, width: u32) -> DynamicImage {
    if image.width() <= width && image.height() <= width.saturating_mul(2) {
        return image.clone();
    }
    image.thumbnail(width, width.saturating_mul(2))
}

fn encode(image: &DynamicImage, format: ImageFormat, quality: u8) -> Result<Rendered, String> {
    let mut out = Vec::new();
    let content_type = match format {
        ImageFormat::Jpeg => {
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
            image
                .to_rgb8()
                .write_with_encoder(encoder)
                .map_err(|e| format!("cannot encode the thumbnail: {e}"))?;
            "image/jpeg"
        }
        _ => {
            image
                .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
                .map_err(|e| format!("cannot encode the thumbnail: {e}"))?;
            "image/png"
        }
    };
    Ok(Rendered {
        bytes: out,
        height: image.height(),
        content_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, Rgb, RgbImage};
    use serde_json::json;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(width, height, |x, y| Rgb([x as u8, y as u8, 7]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    /// A PNG whose header claims `width`×`height` over a tiny compressed body: what a
    /// decompression bomb looks like to a decoder before it expands.
    fn claimed_png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        // One row of zeros repeated compresses to almost nothing; the encoder streams it.
        let encoder = image::codecs::png::PngEncoder::new(&mut out);
        let row = vec![0u8; width as usize];
        let mut data = Vec::with_capacity(row.len() * height as usize);
        for _ in 0..height {
            data.extend_from_slice(&row);
        }
        encoder
            .write_image(&data, width, height, image::ExtendedColorType::L8)
            .unwrap();
        out
    }

    #[test]
    fn widths_are_rendered_without_upscaling_and_keep_the_aspect() {
        let rendered = render(&png(1000, 500), &ThumbnailLimits::default()).unwrap();
        let sizes: Vec<(u32, u32)> = rendered
            .iter()
            .map(|(w, r)| {
                let img = image::load_from_memory(&r.bytes).unwrap();
                assert_eq!(img.height(), r.height);
                (*w, img.width())
            })
            .collect();
        assert_eq!(sizes, [(128, 128), (512, 512)]);
        let small = render(&png(100, 40), &ThumbnailLimits::default()).unwrap();
        let img = image::load_from_memory(&small[1].1.bytes).unwrap();
        assert_eq!((img.width(), img.height()), (100, 40));
    }

    #[test]
    fn a_tall_strip_is_bounded_in_height() {
        let rendered = render(&png(4, 4000), &ThumbnailLimits::default()).unwrap();
        assert!(rendered.iter().all(|(w, r)| r.height <= w * 2));
    }

    #[test]
    fn an_image_over_the_dimension_limit_is_refused_before_decoding() {
        let limits = ThumbnailLimits {
            max_width: 2000,
            max_height: 2000,
            ..ThumbnailLimits::default()
        };
        let bomb = claimed_png(4000, 4000);
        assert!(bomb.len() < 100_000, "the bomb is small: {}", bomb.len());
        let why = render(&bomb, &limits).unwrap_err();
        assert!(why.contains("limits"), "{why}");
    }

    #[test]
    fn an_allocation_over_the_limit_is_refused() {
        let limits = ThumbnailLimits {
            max_alloc: 1024 * 1024,
            ..ThumbnailLimits::default()
        };
        let why = render(&claimed_png(2048, 2048), &limits).unwrap_err();
        assert!(why.contains("limits"), "{why}");
    }

    #[test]
    fn garbage_and_other_formats_are_refused_with_a_reason() {
        assert!(render(b"not an image at all", &ThumbnailLimits::default()).is_err());
        let mut gif = b"GIF89a".to_vec();
        gif.extend_from_slice(&[0; 20]);
        assert!(render(&gif, &ThumbnailLimits::default()).is_err());
    }

    #[test]
    fn event_keys_are_form_decoded() {
        let event = json!({"Records": [{"eventName": "ObjectCreated:Put",
            "s3": {"bucket": {"name": "media"}, "object": {"key": "posts/a/My+photo%C3%A9.jpg"}}}]});
        let got = uploads(&event).unwrap();
        assert_eq!(got[0].key, "posts/a/My photoé.jpg");
        assert_eq!(got[0].bucket, "media");
        assert!(uploads(&json!({"Records": [{"s3": {}}]})).is_err());
        assert!(uploads(&json!({})).is_err());
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_are_rendered_or_refused(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = render(&bytes, &ThumbnailLimits::default());
        }
    }
}
