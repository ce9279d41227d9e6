//! Domain types: newtypes that can only hold valid values, and the entities the ports move.
//! Nothing here knows about terminals, SQL drivers or AWS SDKs.

mod audit;
mod directory;
mod entities;
mod ids;
mod insights;
mod logs;
mod object_key;
mod objects;
mod page;
mod text;
pub mod time;

pub use audit::*;
pub use directory::*;
pub use entities::*;
pub use ids::*;
pub use insights::*;
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
/// joiner, the byte-order mark, the line and paragraph separators, the Mongolian and Khmer
/// invisibles, interlinear annotation marks, deprecated format characters, shorthand and
/// musical format controls, Egyptian hieroglyph format controls, and the fillers that draw as
/// blank (Hangul fillers, the blank Braille pattern). Variation selectors and tag characters
/// are judged where they stand: see [`has_invisible_format`].
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
    )
}

/// A character that starts or continues an emoji sequence: the pictographic blocks and the
/// emoji among the older symbol blocks (not the letterlike and CJK blocks beside them).
fn is_emoji(c: char) -> bool {
    matches!(
        c,
        '\u{00A9}'
            | '\u{00AE}'
            | '\u{203C}'
            | '\u{2049}'
            | '\u{2122}'
            | '\u{2139}'
            | '\u{2194}'..='\u{21AA}'
            | '\u{231A}'..='\u{23FF}'
            | '\u{24C2}'
            | '\u{25AA}'..='\u{27BF}'
            | '\u{2934}'
            | '\u{2935}'
            | '\u{2B05}'..='\u{2B55}'
            | '\u{3030}'
            | '\u{303D}'
            | '\u{3297}'
            | '\u{3299}'
            | '\u{1F000}'..='\u{1FAFF}'
    )
}

/// A CJK ideograph, which variation selectors may refine (ideographic variation sequences).
fn is_ideograph(c: char) -> bool {
    matches!(
        c,
        '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{20000}'..='\u{3FFFF}'
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

/// For each character of a name, whether it may stay; and whether anything in it shows.
/// Emoji machinery is kept where an emoji needs it: the zero-width joiner between two emoji
/// (👩‍💻), emoji variation selectors after an emoji and in a keycap (1️⃣), the keycap mark
/// after a digit, and a subdivision flag's tags (🏴 then 1 to 6 tag letters or digits and one
/// cancel tag). The joiner and non-joiner are also kept between two letters of a script that
/// spells with them, and variation selectors after a CJK ideograph. Anywhere else each is
/// refused: `ad\u{200D}min` would read as `admin`.
fn name_mask(s: &str) -> (Vec<bool>, bool) {
    let chars: Vec<char> = s.chars().collect();
    let at = |i: usize| chars.get(i).copied();
    let mut keep = Vec::with_capacity(chars.len());
    let mut shows = false;
    // Tags seen since the flag that opened them; `None` outside a flag.
    let mut tags: Option<usize> = None;
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(at);
        let next = at(i + 1);
        let keycap_digit = |p: Option<char>| p.is_some_and(|p| matches!(p, '0'..='9' | '#' | '*'));
        let ok = match c {
            '\u{200D}' => {
                (prev.is_some_and(|p| is_emoji(p) || p == '\u{FE0F}') && next.is_some_and(is_emoji))
                    || (prev.is_some_and(joins_in_script) && next.is_some_and(joins_in_script))
            }
            '\u{200C}' => prev.is_some_and(joins_in_script) && next.is_some_and(joins_in_script),
            '\u{FE0F}' => {
                prev.is_some_and(is_emoji) || (keycap_digit(prev) && next == Some('\u{20E3}'))
            }
            '\u{FE0E}' => prev.is_some_and(is_emoji),
            '\u{FE00}'..='\u{FE0D}' | '\u{E0100}'..='\u{E01EF}' => prev.is_some_and(is_ideograph),
            '\u{20E3}' => {
                keycap_digit(prev)
                    || (prev == Some('\u{FE0F}') && keycap_digit(i.checked_sub(2).and_then(at)))
            }
            '\u{E0030}'..='\u{E0039}' | '\u{E0061}'..='\u{E007A}' => match (tags, prev) {
                (None, Some('\u{1F3F4}')) => {
                    tags = Some(1);
                    true
                }
                (Some(n), _) if n < 6 => {
                    tags = Some(n + 1);
                    true
                }
                _ => false,
            },
            '\u{E007F}' => tags.take().is_some(),
            c if ('\u{E0000}'..='\u{E0FFF}').contains(&c) => false,
            c => {
                tags = None;
                if is_invisible_format(c) {
                    false
                } else {
                    shows |= !c.is_whitespace() && !('\u{0300}'..='\u{036F}').contains(&c);
                    true
                }
            }
        };
        keep.push(ok);
    }
    (keep, shows)
}

/// Whether a name holds an invisible, blank or direction-changing character where it has no
/// place, or shows nothing at all (see [`name_mask`]).
pub(crate) fn has_invisible_format(s: &str) -> bool {
    let (keep, shows) = name_mask(s);
    !shows || keep.contains(&false)
}

/// A name with exactly the characters [`has_invisible_format`] refuses taken out (control
/// characters too), for names that come from elsewhere.
pub(crate) fn without_invisible_format(s: &str) -> String {
    let cleaned: String = s.chars().filter(|c| !c.is_control()).collect();
    let (keep, _) = name_mask(&cleaned);
    cleaned
        .chars()
        .zip(keep)
        .filter_map(|(c, k)| k.then_some(c))
        .collect()
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
