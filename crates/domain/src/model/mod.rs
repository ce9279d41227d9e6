//! Domain types: newtypes that can only hold valid values, and the entities the ports move.
//! Nothing here knows about terminals, SQL drivers or AWS SDKs.

mod audit;
mod directory;
mod entities;
mod ids;
mod logs;
mod object_key;
mod objects;
mod page;
mod text;

pub use audit::*;
pub use directory::*;
pub use entities::*;
pub use ids::*;
pub use logs::*;
pub use object_key::*;
pub use objects::*;
pub use page::*;
pub use text::*;

use chrono::{DateTime, SubsecRound, Utc};

/// The current time at the millisecond precision every store keeps (MySQL `DATETIME(3)`).
pub fn now_millis() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

/// Characters that change how text reads without showing a glyph: bidirectional marks,
/// embeddings, overrides and isolates (they make a name read backwards or hide what follows),
/// zero-width spaces, joiners and invisible operators, the soft hyphen, the combining grapheme
/// joiner, the byte-order mark, the line and paragraph separators, and the fillers that draw
/// as blank (Hangul fillers, the blank Braille pattern).
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
    )
}

/// A character that starts or continues an emoji sequence (pictographs, dingbats, and the
/// skin tones that follow them).
fn is_emoji(c: char) -> bool {
    matches!(
        c,
        '\u{00A9}' | '\u{00AE}' | '\u{203C}'..='\u{3299}' | '\u{1F000}'..='\u{1FAFF}'
    )
}

/// A letter of a script whose spelling needs the zero-width joiner or non-joiner (Arabic and
/// Persian, the Indic scripts, Sinhala).
fn joins_in_script(c: char) -> bool {
    matches!(
        c,
        '\u{0600}'..='\u{06FF}'
            | '\u{0750}'..='\u{077F}'
            | '\u{0900}'..='\u{0DFF}'
            | '\u{FB50}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFC}'
    )
}

/// Whether a name holds an invisible, blank or direction-changing character, or shows nothing
/// at all. Emoji machinery is kept where an emoji needs it: the zero-width joiner between two
/// emoji (👩‍💻), variation selectors after an emoji or a keycap digit, tag characters after
/// the black flag (subdivision flags). The joiner and non-joiner are also kept between two
/// letters of a script that spells with them. Anywhere else each is refused: `ad\u{200D}min`
/// would read as `admin`.
pub(crate) fn has_invisible_format(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let at = |i: usize| chars.get(i).copied();
    let mut in_flag_tags = false;
    let mut shows = false;
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(at);
        let next = at(i + 1);
        let allowed = match c {
            '\u{200D}' => {
                prev.is_some_and(|p| is_emoji(p) || matches!(p, '\u{FE0F}'))
                    && next.is_some_and(is_emoji)
                    || prev.is_some_and(joins_in_script) && next.is_some_and(joins_in_script)
            }
            '\u{200C}' => prev.is_some_and(joins_in_script) && next.is_some_and(joins_in_script),
            '\u{FE00}'..='\u{FE0F}' => {
                prev.is_some_and(|p| is_emoji(p) || matches!(p, '0'..='9' | '#' | '*'))
            }
            '\u{20E3}' => prev == Some('\u{FE0F}'),
            '\u{E0020}'..='\u{E007F}' => {
                in_flag_tags = in_flag_tags || prev == Some('\u{1F3F4}');
                in_flag_tags
            }
            c => {
                in_flag_tags = false;
                if is_invisible_format(c) || ('\u{E0000}'..='\u{E0FFF}').contains(&c) {
                    false
                } else {
                    shows |= !c.is_whitespace() && !('\u{0300}'..='\u{036F}').contains(&c);
                    true
                }
            }
        };
        if !allowed {
            return true;
        }
    }
    !shows
}

/// Rejects control characters other than newline and tab; shared by every free-text parser.
pub(crate) fn has_forbidden_control(s: &str, allow_newlines: bool) -> bool {
    s.chars().any(|c| {
        if allow_newlines && (c == '\n' || c == '\t' || c == '\r') {
            return false;
        }
        c.is_control()
    })
}
