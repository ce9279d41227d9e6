//! Times as the API writes them, quickly.

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::{Serialize, Serializer};

/// Serializes a UTC time exactly as chrono does (RFC 3339 with `Z`, the fraction only as long
/// as it needs to be: none, milliseconds, microseconds or nanoseconds), writing the cases the
/// database stores (whole seconds and milliseconds of years 0 to 9999) digit by digit instead of
/// through the formatting machinery: a page of the API carries two times a post, and chrono's
/// general path was a quarter of the page's encoding. Anything else goes to chrono.
pub fn serialize_utc<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    let mut buf = [0u8; 24];
    match fast_text(t, &mut buf) {
        Some(text) => s.serialize_str(text),
        None => t.serialize(s),
    }
}

/// `t` as a JSON string, the same bytes as [`serialize_utc`] through serde_json: for writers that
/// build their JSON by hand.
pub fn write_utc_json(t: &DateTime<Utc>, out: &mut Vec<u8>) {
    let mut buf = [0u8; 24];
    match fast_text(t, &mut buf) {
        // The fast text is digits and punctuation: nothing to escape.
        Some(text) => {
            out.push(b'"');
            out.extend_from_slice(text.as_bytes());
            out.push(b'"');
        }
        // Writing into a Vec cannot fail, and a DateTime always serializes.
        None => {
            let _ = serde_json::to_writer(&mut *out, t);
        }
    }
}

/// The text of the times the database stores (whole seconds and milliseconds of years 0 to
/// 9999), written into `buf` digit by digit; `None` for any other time.
fn fast_text<'b>(t: &DateTime<Utc>, buf: &'b mut [u8; 24]) -> Option<&'b str> {
    // The UTC fields straight from the naive value: `DateTime`'s own accessors add the (zero)
    // offset again for every field.
    let n = t.naive_utc();
    let nanos = n.nanosecond();
    let year = n.year();
    if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 || !nanos.is_multiple_of(1_000_000) {
        return None;
    }
    *buf = *b"0000-00-00T00:00:00.000Z";
    let mut put = |at: usize, width: usize, mut v: u32| {
        for i in (at..at + width).rev() {
            buf[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    // Checked above: 0 ≤ year ≤ 9999.
    put(0, 4, year.unsigned_abs());
    put(5, 2, n.month());
    put(8, 2, n.day());
    put(11, 2, n.hour());
    put(14, 2, n.minute());
    put(17, 2, n.second());
    let len = if nanos == 0 {
        buf[19] = b'Z';
        20
    } else {
        put(20, 3, nanos / 1_000_000);
        24
    };
    std::str::from_utf8(&buf[..len]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    #[derive(Serialize)]
    struct Fast(#[serde(serialize_with = "serialize_utc")] DateTime<Utc>);

    /// The serializer's text and chrono's; the hand writer's text is checked to be the first.
    fn both(t: DateTime<Utc>) -> (String, String) {
        let fast = serde_json::to_string(&Fast(t)).unwrap();
        let mut written = Vec::new();
        write_utc_json(&t, &mut written);
        assert_eq!(String::from_utf8(written).unwrap(), fast);
        (fast, serde_json::to_string(&t).unwrap())
    }

    proptest! {
        /// Whatever the time, the text is chrono's, byte for byte.
        #[test]
        fn every_time_is_written_as_chrono_writes_it(
            secs in -62_167_219_200i64..253_402_300_800i64 + 86_400 * 365,
            sub in prop_oneof![Just(0u32), 0u32..1000, 0u32..1_000_000_000],
            millis in any::<bool>(),
        ) {
            let nanos = if millis { (sub % 1000) * 1_000_000 } else { sub };
            let t = Utc.timestamp_opt(secs, nanos).unwrap();
            let (fast, chrono) = both(t);
            prop_assert_eq!(fast, chrono);
        }
    }

    #[test]
    fn the_cases_the_database_stores_and_the_edges() {
        for (secs, nanos) in [
            (0, 0),
            (1_767_225_600, 5_000_000),
            (1_767_225_600, 120_000_000),
            (253_402_300_799, 999_000_000),
            (-62_167_219_200, 0),
            (1_767_225_600, 1_500),
        ] {
            let (fast, chrono) = both(Utc.timestamp_opt(secs, nanos).unwrap());
            assert_eq!(fast, chrono);
        }
        assert_eq!(
            both(Utc.timestamp_opt(1_767_225_600, 5_000_000).unwrap()).0,
            "\"2026-01-01T00:00:00.005Z\""
        );
    }
}
