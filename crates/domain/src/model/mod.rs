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
/// zero-width spaces, joiners and invisible operators, the soft hyphen, the byte-order mark,
/// and the line and paragraph separators.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Whether a name holds an invisible or direction-changing character. The zero-width joiner
/// and non-joiner are kept where they join two visible characters (emoji sequences such as
/// 👩‍💻, and Persian and Indic scripts need them), refused anywhere else.
pub(crate) fn has_invisible_format(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let visible =
        |c: Option<&char>| c.is_some_and(|c| !c.is_whitespace() && !is_invisible_format(*c));
    chars.iter().enumerate().any(|(i, &c)| {
        if matches!(c, '\u{200C}' | '\u{200D}') {
            !(i > 0 && visible(chars.get(i - 1)) && visible(chars.get(i + 1)))
        } else {
            is_invisible_format(c)
        }
    })
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
