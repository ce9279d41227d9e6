//! How values read on a terminal: sizes, counts, and untrusted text made safe to print. Shared by
//! the console's drawing and the scriptable commands' text output, so neither lets a log line
//! or a display name move the cursor, change colours or rewrite the screen.

use unicode_width::UnicodeWidthStr;

/// Sizes as people read them: `512 B`, `14.2 KiB`, `3.0 MiB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// `1 item`, `3 items`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Whether `c` changes how text is laid out or read rather than showing a glyph: control
/// characters (escape sequences start with one), bidirectional overrides and isolates, which
/// can make a name read backwards, and the line and paragraph separators.
pub fn is_hostile(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// One line of untrusted text, safe to print: line breaks and tabs become spaces, other
/// control characters and bidi overrides become `�`.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if is_hostile(c) => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// Untrusted text of several lines, safe to print: lines kept, tabs as four spaces, `\r`
/// dropped, other control characters and bidi overrides as `�`.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push_str("    "),
            '\r' => {}
            c if is_hostile(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The first `max` columns of one line of text, with `…` when it was cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let line = one_line(text.lines().next().unwrap_or_default());
    let more = text.lines().nth(1).is_some();
    if line.width() <= max && !more {
        return line;
    }
    let mut out = String::new();
    let mut used = 0;
    for c in line.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(3 * 1024 * 1024), "3.0 MiB");
        assert_eq!(human_size(u64::MAX), "16384.0 PiB");
    }

    #[test]
    fn escape_sequences_and_bidi_overrides_never_reach_the_terminal() {
        let hostile = "ok\x1b[2J\x1b]52;c;aGk=\x07 \u{202E}gnp.exe\u{2066}x";
        let safe = one_line(hostile);
        assert!(!safe.chars().any(is_hostile), "{safe:?}");
        assert!(safe.starts_with("ok\u{fffd}[2J"));
        assert_eq!(printable("a\tb\r\nc"), "a    b\nc");
    }

    #[test]
    fn excerpts_cut_on_columns_and_say_so() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("first line\nsecond", 40), "first line…");
        let cut = excerpt("사진 잘 찍으셨네요 정말로", 8);
        assert!(cut.width() <= 8, "{cut}");
        assert!(cut.ends_with('…'));
    }

    proptest! {
        #[test]
        fn safe_text_holds_no_hostile_character(s in any::<String>()) {
            prop_assert!(!one_line(&s).chars().any(is_hostile));
            prop_assert!(!printable(&s).chars().any(|c| c != '\n' && is_hostile(c)));
            prop_assert!(excerpt(&s, 12).width() <= 12);
        }
    }
}
