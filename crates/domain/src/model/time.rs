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
    match fast_bytes(t, &mut buf).and_then(|b| std::str::from_utf8(b).ok()) {
        Some(text) => s.serialize_str(text),
        None => t.serialize(s),
    }
}

/// `t` as a JSON string, the same bytes as [`serialize_utc`] through serde_json: for writers that
/// build their JSON by hand.
pub fn write_utc_json(t: &DateTime<Utc>, out: &mut Vec<u8>) {
    let mut buf = [0u8; 24];
    match fast_bytes(t, &mut buf) {
        // Digits and punctuation: nothing to escape.
        Some(text) => {
            out.push(b'"');
            out.extend_from_slice(text);
            out.push(b'"');
        }
        // Writing into a Vec cannot fail, and a DateTime always serializes.
        None => {
            let _ = serde_json::to_writer(&mut *out, t);
        }
    }
}

/// `00` to `99`, two bytes each.
const TWO_DIGITS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// The text of the times the database stores (whole seconds and milliseconds of years 0 to
/// 9999), written into `buf` two digits at a time; `None` for any other time. ASCII only.
fn fast_bytes<'b>(t: &DateTime<Utc>, buf: &'b mut [u8; 24]) -> Option<&'b [u8]> {
    // The UTC fields straight from the naive value: `DateTime`'s own accessors add the (zero)
    // offset again for every field.
    let n = t.naive_utc();
    let nanos = n.nanosecond();
    let year = n.year();
    if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 || !nanos.is_multiple_of(1_000_000) {
        return None;
    }
    *buf = *b"0000-00-00T00:00:00.000Z";
    // Checked above: a whole number of milliseconds below a second.
    let millis = nanos / 1_000_000;
    buf[20] = b'0' + (millis / 100) as u8;
    // Each value is below 100 where it is called.
    let mut put = |at: usize, v: u32| {
        let i = (v as usize % 100) * 2;
        buf[at..at + 2].copy_from_slice(&TWO_DIGITS[i..i + 2]);
    };
    // Checked above: 0 ≤ year ≤ 9999.
    let year = year.unsigned_abs();
    put(0, year / 100);
    put(2, year % 100);
    put(5, n.month());
    put(8, n.day());
    put(11, n.hour());
    put(14, n.minute());
    // A leap second is stored as second 59 with a fraction past one second, refused above.
    put(17, n.second());
    let len = if nanos == 0 {
        buf[19] = b'Z';
        20
    } else {
        put(21, millis % 100);
        24
    };
    Some(&buf[..len])
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
