//! Small real images for the seed: PNG and JPEG files with a pattern per seed, so previews and
//! thumbnails have something true to decode.

use image::{ImageFormat, Rgb, RgbImage};
use std::io::Cursor;

/// Encodes a `width`×`height` picture whose colours and stripes depend on `seed`.
pub fn picture(seed: u64, width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let base = [
        (seed * 67 % 256) as u8,
        (seed * 131 % 256) as u8,
        (seed * 29 % 256) as u8,
    ];
    let stripe = 8 + (seed % 24) as u32;
    let img = RgbImage::from_fn(width, height, |x, y| {
        let t = ((x + y) / stripe).is_multiple_of(2);
        let gx = (x * 255 / width.max(1)) as u8;
        let gy = (y * 255 / height.max(1)) as u8;
        if t {
            Rgb([base[0] ^ gx, base[1], base[2] ^ gy])
        } else {
            Rgb([base[2], base[0] ^ gy, base[1] ^ gx])
        }
    });
    let mut out = Cursor::new(Vec::new());
    // Encoding an in-memory RGB image to PNG or JPEG only fails on I/O, and a Vec cannot fail.
    let _ = img.write_to(&mut out, format);
    out.into_inner()
}
