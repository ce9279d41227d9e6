//! Request ids as 16-byte keys, so every stored line can name its request without a string.

/// A request id in 16 bytes: a UUID's own bits, or a hash of any other id. Zero means none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct RequestKey(u64, u64);

impl RequestKey {
    pub const NONE: RequestKey = RequestKey(0, 0);

    pub fn of(id: &str) -> RequestKey {
        let mut hi = 0u64;
        let mut lo = 0u64;
        let mut digits = 0;
        let mut hex = true;
        for c in id.chars() {
            if c == '-' {
                continue;
            }
            match c.to_digit(16) {
                Some(d) if digits < 32 => {
                    hi = (hi << 4) | (lo >> 60);
                    lo = (lo << 4) | u64::from(d);
                    digits += 1;
                }
                _ => {
                    hex = false;
                    break;
                }
            }
        }
        let key = if hex && digits == 32 {
            RequestKey(hi, lo)
        } else {
            RequestKey(
                fnv(id, 0xcbf2_9ce4_8422_2325),
                fnv(id, 0x8422_2325_cbf2_9ce4),
            )
        };
        if key == RequestKey::NONE {
            RequestKey(0, 1)
        } else {
            key
        }
    }

    pub fn is_some(self) -> bool {
        self != RequestKey::NONE
    }
}

fn fnv(text: &str, seed: u64) -> u64 {
    text.bytes().fold(seed, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
