//! How values read on a terminal: sizes, counts, and untrusted text made safe to print. Shared by
//! the console's drawing and the scriptable commands' text output, so neither lets a log line
//! or a display name move the cursor, change colours or rewrite the screen.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

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

pub use backoffice_domain::model::{nearest, plural};

/// Whether `c` changes how text is laid out or read rather than showing a glyph: control
/// characters (escape sequences start with one), bidirectional overrides and isolates, which
/// can make a name read backwards, and the line and paragraph separators.
pub fn is_hostile(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// Why `text`, typed for a value others will read, is refused: it holds a character that
/// drives a terminal or reorders what follows it (named, as `U+202E`); `None` when it holds
/// none. Names in other scripts, emoji and their joiners pass.
pub fn hostile_in(text: &str) -> Option<String> {
    text.chars().find(|c| is_hostile(*c)).map(|c| {
        format!(
            "holds U+{:04X}, which would change how it reads on screen; leave it out",
            c as u32
        )
    })
}

/// What a C0 control shows as: its control picture (`␛` for the escape that starts a colour
/// sequence, so `␛[31m` reads as what it is).
fn picture(c: char) -> char {
    match c {
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        _ => '\u{fffd}',
    }
}

/// Text for a file a terminal may show (`cat` of an export): what would drive the terminal is
/// made inert and everything else kept as it is. Control characters other than tab, line
/// break and carriage return become their pictures (`␛[31m`), C1 controls and direction
/// overrides, isolates and line separators are named (`<U+202E>`). Emoji, joiners and
/// letters of every script stay untouched: the file is data.
pub fn inert(text: &str) -> String {
    neutralised(
        text,
        &['\t', '\n', '\r'],
        |c| picture(c).to_string(),
        is_hostile,
    )
}

/// Text for a terminal's standard output or error, as the command line prints it: lines and
/// tabs kept, every other character that would drive the terminal or reorder what follows
/// named as the listings name it (`<U+001B>[31m`), a form the commands take back. A name from
/// outside in an error (`user ␛]0;pwned␇ not found`) set the terminal's title.
pub fn plain(text: &str) -> String {
    neutralised(text, &['\t', '\n'], named_control, is_hostile)
}

/// An error for standard error: as [`plain`], and every character that draws as nothing is
/// named too. An error names what it refused or did not find, and `user ann<U+3164> not
/// found` read as `user ann not found` while `ann` was there.
pub fn error_text(text: &str) -> String {
    // A tab in an error is in a name or a key it quotes (`delete flag/a<U+0009>b.txt`).
    neutralised(text, &['\n'], named_control, |c| {
        is_hostile(c) || backoffice_domain::model::is_invisible_format(c)
    })
}

fn named_control(c: char) -> String {
    format!("<U+{:04X}>", c as u32)
}

/// `text` with every character `name` picks made inert, but those `keep` names: a C0 control
/// as `control` writes it, the others named (`<U+202E>`).
fn neutralised(
    text: &str,
    keep: &[char],
    control: impl Fn(char) -> String,
    name: impl Fn(char) -> bool,
) -> String {
    if !text.chars().any(|c| name(c) && !keep.contains(&c)) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if keep.contains(&c) => out.push(c),
            '\u{0}'..='\u{1f}' | '\u{7f}' => out.push_str(&control(c)),
            c if name(c) => out.push_str(&format!("<U+{:04X}>", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// `value` as one JSON line that drives no terminal: serde_json escapes C0 controls but writes
/// C1 controls, direction overrides and isolates, and line separators as they are, so `cat`
/// of an export or `--json` on a terminal obeyed them. They can only stand inside strings,
/// where `\uXXXX` is the same text to any JSON reader.
pub fn json_line(value: &serde_json::Value) -> String {
    let text = value.to_string();
    if !text.chars().any(is_hostile) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_hostile(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `c` only modifies how the emoji before it looks: variation selectors and skin
/// tones. Terminals and ratatui disagree on the width such a pair takes.
fn is_emoji_modifier(c: char) -> bool {
    matches!(c, '\u{FE0E}' | '\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}')
}

/// Whether `c` is drawn as an emoji (the pictographic blocks).
fn is_pictograph(c: char) -> bool {
    matches!(c, '\u{2600}'..='\u{27BF}' | '\u{1F000}'..='\u{1FAFF}')
}

/// Untrusted text made safe to print: a line break becomes `break_line`, a tab `tab`, a
/// carriage return `cr`, other control characters their control pictures (`␛`), bidi
/// overrides named (`<U+202E>`), the Hangul fillers (blank, and of another width on the terminal than in
/// ratatui) named as `<U+3164>`.
///
/// Emoji sequences are shown as their emoji side by side, without the joiner: ratatui counts
/// `👩‍💻` (woman, zero-width joiner, laptop) as one glyph two columns wide while terminals
/// advance two or four, and the columns of difference push the rest of the line out of place
/// (the cells past the text keep whatever was drawn there before); `👩💻` is four columns
/// everywhere. Variation selectors and skin tones go for the same reason.
/// A joiner before an emoji goes as well: terminals draw that emoji inside the column of whatever
/// precedes it (a space, a letter). A joiner between letters (Arabic, Indic scripts) stays.
pub fn clean(text: &str, break_line: &str, tab: &str, cr: &str) -> String {
    clean_as(text, break_line, tab, cr, true)
}

/// One line of untrusted text for the command line's text output, as [`one_line`] makes it
/// but with no zero-width non-joiner put between a Lam and an Alef: that is for the console's
/// columns, and on standard output it changed the name (`grep 'الأحمد'` found nothing).
pub fn one_line_as_written(text: &str) -> String {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return text.to_string();
    }
    clean_as(text, " ", " ", " ", false)
}

fn clean_as(text: &str, break_line: &str, tab: &str, cr: &str, part_lam_alef: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut last_was_pictograph = false;
    let mut last: Option<char> = None;
    // Whether a Lam was the last letter (marks between it and an Alef do not count).
    let mut after_lam = false;
    while let Some(c) = chars.next() {
        // Lam then Alef (`لا`, `لأ`): `unicode-width` counts the pair one column, as a
        // ligature, while terminals and ratatui's buffer draw two, so a row measured short
        // lost its last letter at the edge (`مريم الأحم`). A zero-width non-joiner between
        // them makes the two counts agree.
        if part_lam_alef && after_lam && is_alef(c) {
            out.push('\u{200C}');
        }
        if is_lam(c) {
            after_lam = true;
        } else if !is_mark(c) {
            after_lam = false;
        }
        match c {
            '\n' => out.push_str(break_line),
            '\t' => out.push_str(tab),
            // The carriage return of a line break (`\r\n`) goes as `cr`; one alone, which a
            // terminal would use to write over the start of the line, shows as `␍`.
            '\r' if chars.peek() == Some(&'\n') => out.push_str(cr),
            '\r' => out.push('\u{240D}'),
            // A flag (two regional indicators) as its letters: terminals draw the pair one or
            // two glyphs wide, and a wrong guess left a stray `🇷` on the screen.
            '\u{1F1E6}'..='\u{1F1FF}' => {
                let letter = |c: char| char::from(b'A' + (c as u32 - 0x1F1E6) as u8);
                match chars.peek().copied() {
                    Some(n @ '\u{1F1E6}'..='\u{1F1FF}') => {
                        chars.next();
                        out.push('[');
                        out.push(letter(c));
                        out.push(letter(n));
                        out.push(']');
                    }
                    _ => out.push(letter(c)),
                }
            }
            // A control character as its picture (`␛`); a direction override, an isolate, a
            // separator or a C1 control named (`<U+202E>`), so `invoice<U+202E>gnp.exe` reads as
            // the trick it is, not as a garbled name.
            c if is_hostile(c) && (c < ' ' || c == '\u{7f}') => out.push(picture(c)),
            c if is_hostile(c) => out.push_str(&format!("<U+{:04X}>", c as u32)),
            c if is_emoji_modifier(c) => continue,
            // Blanks that terminals draw one or two columns wide and ratatui counts as none: the
            // rest of the row (its border too) would land out of place. Named, as in ids.
            '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' => {
                out.push_str(&format!("<U+{:04X}>", c as u32));
            }
            // Characters that draw nothing and join nothing (a zero-width space, a word joiner,
            // a byte-order mark): `admin\u{200B}` and a post split by them to slip past a word
            // filter would look like the plain text. Named. The joiners that shape scripts
            // (U+200C, U+200D) and the direction marks of right-to-left text stay.
            '\u{200B}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{180E}' => {
                out.push_str(&format!("<U+{:04X}>", c as u32));
            }
            // A joiner inside an emoji sequence goes, and the emoji it joined are drawn apart:
            // terminals disagree on a sequence's width (one emoji, or each of them), and
            // ratatui counts neither. A joiner before an emoji that follows a space or a
            // letter goes too: terminals draw that emoji inside the column of what precedes it.
            // A joiner keeps its place only between two letters of a script that joins
            // (Arabic, Persian, the Indic scripts); anywhere else (after the last letter of a
            // name, beside a space) a terminal may draw the next cell into it: named.
            '\u{200C}' | '\u{200D}'
                if !(last_was_pictograph
                    || chars.peek().is_some_and(|n| is_pictograph(*n))
                    || (last.is_some_and(joins) && chars.peek().is_some_and(|n| joins(*n)))) =>
            {
                out.push_str(&format!("<U+{:04X}>", c as u32));
            }
            // The joiner goes and the emoji it joined stay, each drawn on its own: a family
            // reads as its people, a rainbow flag as a flag and a rainbow (the first emoji
            // alone read as a man, a white flag).
            '\u{200D}'
                if last_was_pictograph || chars.peek().is_some_and(|n| is_pictograph(*n)) =>
            {
                continue;
            }
            c => out.push(c),
        }
        last_was_pictograph = is_pictograph(c);
        last = Some(c);
    }
    out
}

/// Whether `c` is a letter or mark of a script a zero-width joiner or non-joiner shapes: any
/// alphabetic character or combining mark outside ASCII.
/// The letters of the Lam joining group.
fn is_lam(c: char) -> bool {
    matches!(c, '\u{0644}' | '\u{06B5}'..='\u{06B8}' | '\u{08A6}')
}

/// The letters of the Alef joining group.
fn is_alef(c: char) -> bool {
    matches!(
        c,
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0627}' | '\u{0671}'..='\u{0673}' | '\u{0675}'
    )
}

fn joins(c: char) -> bool {
    !c.is_ascii() && (c.is_alphabetic() || is_mark(c))
}

/// The combining marks of the scripts that join (Arabic harakat, Indic vowel signs and
/// viramas), which `char::is_alphabetic` does not count.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{064B}'..='\u{065F}' | '\u{0900}'..='\u{0DFF}')
}

/// One line of untrusted text, safe to print: line breaks and tabs become spaces, other
/// control characters their control pictures (`␛`), bidi overrides named (`<U+202E>`), emoji
/// sequences their emoji side by side.
/// A log line's text on one row: tabs as two spaces, line breaks as `⏎` (the Logs pane and an
/// Insights cell show a multi-line message alike), the rest as [`clean`] makes it.
pub fn log_text(text: &str) -> String {
    clean(text, "⏎", "  ", "")
}

pub fn one_line(text: &str) -> String {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return text.to_string();
    }
    clean(text, " ", " ", " ")
}

/// A name shown so it cannot pass for another: one line as [`one_line`] makes it, with every
/// character a typed username may not hold (a space, a control character, an invisible or
/// direction-changing one: U+3164 HANGUL FILLER, U+2800 BRAILLE PATTERN BLANK, U+200F …) named
/// as `<U+3164>`. Cognito takes some of those, and `admin` followed by a Hangul filler would
/// otherwise look like `admin`. Emoji variation selectors and skin tones are named too: the
/// console draws an emoji without them, and `ann❤` and `ann❤<U+FE0F>` are two users. In a name
/// that mixes Latin letters with Cyrillic or Greek ones, those are named too (`<U+0430>dmin`,
/// which read as `admin`). A name without any of these reads as [`one_line`] shows it.
pub fn identifier(text: &str) -> String {
    named(text, false)
}

/// Why `name` may not be a new account's username, where it may not: a name the console would
/// show marked (`<U+0430>nn`, a Cyrillic letter among Latin ones; an invisible character) reads
/// as another person's, and support makes plain names only.
///
/// A name wholly in letters that pass for Latin ones is refused too, with the name it reads
/// as: `орѕ` (Cyrillic) reads `ops`, fullwidth `ａｎｎ` reads `ann`, `ﬁle` reads `file`, and an
/// accent written as a second character (`n` + U+0301) reads as the one-character `ń`. Each is
/// another account than the name it passes for, and looks the same in every list.
pub fn new_name_problem(name: &str) -> Option<String> {
    let shown = identifier(name);
    if shown != name {
        return Some(format!(
            "reads {shown} on screen, passing for another name: a new account's name is plain \
             (one script, nothing invisible)"
        ));
    }
    use unicode_normalization::UnicodeNormalization as _;
    if !unicode_normalization::is_nfc(name) {
        let nfc: String = name.nfc().collect();
        return Some(format!(
            "is written with characters Unicode writes another way (an accent as a character \
             of its own, a Kelvin sign for K): write {nfc}"
        ));
    }
    let composed: String = name.nfkc().collect();
    if composed != name {
        return Some(format!(
            "reads as {composed} on screen, written with other characters (fullwidth letters, \
             a ligature): a new account's name is written as it reads"
        ));
    }
    let latin = plain_latin(name);
    (latin != name && latin.is_ascii()).then(|| {
        format!(
            "reads as {latin} on screen, written in other letters: a new account's name is \
             written in the letters it reads as, or in ones that read as no Latin name"
        )
    })
}

/// A duration as written (`30m`, `24h`, `7d`) in words, to the largest whole unit: `30
/// minutes`, `24 hours` read `1 day`, `7 days` (`--min-age 30m` read `0 h`).
pub fn duration_words(age: chrono::Duration) -> String {
    let minutes = age.num_minutes();
    if minutes % (24 * 60) == 0 && minutes > 0 {
        plural((minutes / (24 * 60)) as usize, "day")
    } else if minutes % 60 == 0 && minutes > 0 {
        plural((minutes / 60) as usize, "hour")
    } else {
        plural(minutes.max(0) as usize, "minute")
    }
}

/// The line under a read that left out log groups named in the settings that are not there:
/// `⚠ not read: /aws/lambda/apii does not exist (mistyped in the settings, or deleted)`.
pub fn groups_not_read(groups: &[impl AsRef<str>]) -> String {
    let names: Vec<String> = groups.iter().map(|g| one_line(g.as_ref())).collect();
    format!(
        "⚠ not read: {} {} (mistyped in the settings, or deleted)",
        names.join(", "),
        if names.len() == 1 {
            "does not exist"
        } else {
            "do not exist"
        }
    )
}

/// A sentence naming things (`user аnn`, a failure's "what"), each word shown as
/// [`identifier`] shows a name: a look-alike name in an error read as the name it passes for
/// (`user аnn not found` of a Cyrillic `а`). Words are told apart by spaces, so a word in one
/// script beside a word in another is not a mix (`user иван` stays as it is).
pub fn named_words(text: &str) -> String {
    text.split(' ')
        .map(identifier)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A display name with the letters that pass for Latin ones named, in each word that mixes
/// scripts (`<U+0410>nn Lee`, which read as `Ann Lee`); everything else as it is, emoji
/// joiners included (a name is free text, shown as lists show text).
pub fn look_alikes_named(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            if mixes_scripts(word) {
                word.chars()
                    .map(|c| {
                        if is_look_alike_script(c) {
                            named_control(c)
                        } else {
                            c.to_string()
                        }
                    })
                    .collect()
            } else {
                word.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// An object key or path shown so that what it holds can be told apart: as [`identifier`]
/// shows a name, but a plain space stays a space (`My photo.jpg`); a tab, a line break or an
/// invisible character is named (`a<U+0009>b`, which `one_line` drew as `a b`).
pub fn key(text: &str) -> String {
    named(text, true)
}

/// A letter of a script whose letters pass for Latin ones (Cyrillic `а`, Greek `ο`).
fn is_look_alike_script(c: char) -> bool {
    c.is_alphabetic() && matches!(c, '\u{0370}'..='\u{03FF}' | '\u{0400}'..='\u{052F}')
}

/// `text` with each letter that passes for a Latin one put as that one (`сор` reads `cop`,
/// `ｍｏｔｏ` reads `moto`): what a look-alike name was meant to read as, to offer the name it is near,
/// and to tell a name that passes for a Latin one. Unicode's confusables (UTS #39 skeletons)
/// decide, letter by letter; Latin letters, and letters that read as no Latin one, stay.
pub fn plain_latin(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    text.chars()
        .map(|c| {
            if c.is_ascii() {
                return c.to_string();
            }
            // Compatibility forms first (fullwidth `ｍ` is `m`; its skeleton would be `rn`).
            let compatible: String = std::iter::once(c).nfkc().collect();
            if compatible.is_ascii() {
                return compatible;
            }
            let skeleton: String = unicode_security::skeleton(&compatible).collect();
            if skeleton.chars().all(|k| k.is_ascii_alphanumeric()) && !skeleton.is_empty() {
                skeleton
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Whether `text` mixes Latin letters with Cyrillic or Greek ones: `аdmin` with a Cyrillic
/// `а` read as `admin` everywhere it was shown. A name wholly in one script is not mixed.
fn mixes_scripts(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_alphabetic()) && text.chars().any(is_look_alike_script)
}

fn named(text: &str, space_is_plain: bool) -> String {
    use std::fmt::Write as _;
    // A space at either end of a key cannot be seen: `end ` beside `end`.
    let edge_space = space_is_plain && (text.starts_with(' ') || text.ends_with(' '));
    // In a name that mixes scripts, the letters that pass for Latin are named
    // (`<U+0430>dmin`); `иван` stays as it is.
    let mixed = mixes_scripts(text);
    let hidden = |c: char| {
        (mixed && is_look_alike_script(c))
            || (c.is_whitespace() && !(space_is_plain && c == ' '))
            || c.is_control()
            || is_hostile(c)
            || is_emoji_modifier(c)
            || backoffice_domain::model::is_invisible_format(c)
            || matches!(c, '\u{200C}' | '\u{200D}')
            // A flag's regional indicators: shown as letters elsewhere (`[KR]`), which a key or
            // name could also hold literally, and the two listed alike.
            || matches!(c, '\u{1F1E6}'..='\u{1F1FF}')
    };
    // A name that itself holds text such as `<U+3164>` has that `<` named too, so the way
    // back reads it as typed and not as the hidden letter.
    let named_here = |at: usize| named_char(&text[at..]).is_some();
    if !edge_space
        && !text.chars().any(hidden)
        && !text.match_indices("<U+").any(|(at, _)| named_here(at))
    {
        return one_line(text);
    }
    let (lead, trail) = (
        text.len() - text.trim_start_matches(' ').len(),
        text.len() - text.trim_end_matches(' ').len(),
    );
    let at_edge = |at: usize| space_is_plain && (at < lead || at >= text.len() - trail);
    let mut named = String::with_capacity(text.len() + 16);
    for (at, c) in text.char_indices() {
        if hidden(c) || (c == ' ' && at_edge(at)) || (c == '<' && named_here(at)) {
            let _ = write!(named, "<U+{:04X}>", u32::from(c));
        } else {
            named.push(c);
        }
    }
    one_line(&named)
}

/// The character `text` starts by naming as `<U+XXXX>` (four to six hex digits), with the
/// length of that name.
fn named_char(text: &str) -> Option<(char, usize)> {
    let after = text.strip_prefix("<U+")?;
    let end = after.find('>')?;
    let hex = &after[..end];
    if !(4..=6).contains(&hex.len()) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
    Some((c, 3 + end + 1))
}

/// The name [`identifier`] showed as `admin<U+3164>`, with each `<U+XXXX>` turned back into
/// its character; `None` when the text names no character that way (it is then taken as
/// typed). The way back for a name copied from a listing into a command.
pub fn from_identifier(shown: &str) -> Option<String> {
    let mut out = String::with_capacity(shown.len());
    let mut rest = shown;
    let mut named = false;
    while let Some(at) = rest.find("<U+") {
        out.push_str(&rest[..at]);
        match named_char(&rest[at..]) {
            Some((c, len)) => {
                out.push(c);
                named = true;
                rest = &rest[at + len..];
            }
            None => {
                out.push_str("<U+");
                rest = &rest[at + 3..];
            }
        }
    }
    out.push_str(rest);
    named.then_some(out)
}

/// Untrusted text of several lines, safe to print: lines kept, tabs as four spaces, `\r`
/// dropped, other control characters as their pictures, bidi overrides named, emoji as in
/// [`one_line`].
pub fn printable(text: &str) -> String {
    clean(text, "\n", "    ", "")
}

/// The first line of a text that holds something (blank lines before it skipped: a post that
/// starts with a line break would otherwise show nothing), and whether a later line does.
pub fn lead_line(text: &str) -> (&str, bool) {
    let mut lines = text.lines().skip_while(|l| l.trim().is_empty());
    let first = lines.next().unwrap_or_default();
    (first, lines.any(|l| !l.trim().is_empty()))
}

/// The first line of a text (see [`lead_line`]), with ` …` after it when more lines follow: a
/// table cell shows one line, and a body whose first line fits would otherwise look whole.
pub fn first_line(text: &str) -> String {
    match lead_line(text) {
        (first, true) => format!("{first} …"),
        (first, false) => first.to_string(),
    }
}

/// A time window in few columns, for a narrow title: `12-06 01:00..02:00 UTC` within a day,
/// `12-05 23:00..12-06 01:00 UTC` across days.
pub fn short_window(w: &backoffice_domain::model::TimeWindow) -> String {
    use chrono::Datelike;
    // Without its year only where the range fields read it back to the same year (the latest
    // such date not past tomorrow): a window of last December read as this one's.
    let now = chrono::Utc::now();
    let this_year = w
        .start
        .with_year(now.year())
        .is_some_and(|t| t <= now + chrono::Duration::days(1));
    let read_as = if this_year {
        now.year()
    } else {
        now.year() - 1
    };
    let start = if w.start.year() == read_as {
        w.start.format("%m-%d %H:%M")
    } else {
        w.start.format("%Y-%m-%d %H:%M")
    };
    let end = if w.start.date_naive() == w.end.date_naive() {
        w.end.format("%H:%M")
    } else if w.start.year() == read_as && w.end.year() == w.start.year() {
        w.end.format("%m-%d %H:%M")
    } else {
        w.end.format("%Y-%m-%d %H:%M")
    };
    format!("{start}..{end} UTC")
}

/// The first `max` columns of one line of text, with `…` when it was cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let (line, more) = lead_line(text);
    let line = one_line(line);
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

/// `text` in at most `width` columns; when cut, its start and its end with `…` between, for
/// an id or a name too long for its place: long names and keys often differ only at their end.
pub fn middle(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    if width < 3 {
        return text.chars().take(width).collect();
    }
    // Cut in its middle already (a sub the audit log shortened, in a column narrower still):
    // cut again at the same place, so one `…` stands for all that is left out (it read
    // `40d97c…-…2c4083fcb`).
    if let Some((left, right)) = text.split_once('…')
        && !right.contains('…')
    {
        let room = width - 1;
        let (lw, rw) = (left.width(), right.width());
        let tail_room = ((room / 2).max(room.saturating_sub(lw))).min(rw);
        let head_room = room - tail_room;
        let mut out = take_width(left.chars(), head_room);
        out.push('…');
        let tail: String = take_width(right.chars().rev(), tail_room)
            .chars()
            .rev()
            .collect();
        out.push_str(&tail);
        return out;
    }
    // A name any of whose named characters (`<U+200B>`) would fall in the cut is cut with
    // `<…>`: with `…` alone, `zw<U+200B>join` read `zw…join`, a plain name shortened, and a
    // name with two look-alike letters read like one with the first alone.
    let named = |t: &str| {
        t.match_indices("<U+")
            .filter(|(at, _)| named_char(&t[*at..]).is_some())
            .count()
    };
    let holds = named(text);
    if holds > 0 && width >= 5 && named(&middle_plain(text, width)) < holds {
        return middle_plain(text, width - 2).replacen('…', "<…>", 1);
    }
    middle_plain(text, width)
}

/// [`middle`] with no regard to what the cut leaves out.
fn middle_plain(text: &str, width: usize) -> String {
    let tail_room = (width - 1) / 2;
    let head_room = width - 1 - tail_room;
    let mut head = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > head_room {
            break;
        }
        used += w;
        head.push(c);
    }
    let mut tail: Vec<char> = Vec::new();
    let mut used = 0;
    for c in text.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > tail_room {
            break;
        }
        used += w;
        tail.push(c);
    }
    let mut tail: String = tail.into_iter().rev().collect();
    // A named character (`<U+3164>`) is kept whole or left out, never cut: cut, the rest of
    // it read like another name's (`admin<U…U+3164>` above `admin<U+3164>`).
    if let Some(open) = head.rfind('<')
        && head[open + 1..]
            .chars()
            .all(|c| c == 'U' || c == '+' || c.is_ascii_hexdigit())
    {
        head.truncate(open);
    }
    if let Some(close) = tail.find('>')
        && !tail[..close].contains('<')
        && tail[..close]
            .chars()
            .all(|c| c == 'U' || c == '+' || c.is_ascii_hexdigit())
    {
        tail.drain(..=close);
    }
    head.push('…');
    head.push_str(&tail);
    head
}

/// A sentence in at most `width` columns: its first words and its last, with ` … ` between,
/// so what failed and what to do (said last) both show and no word is cut; a sentence whose
/// words are too long for that is cut as [`middle`] cuts.
pub fn middle_words(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let words: Vec<&str> = text.split(' ').collect();
    // The head gets about three fifths: the subject of a message is at its start.
    let room = width.saturating_sub(3);
    let head_room = room * 3 / 5;
    let (mut head, mut used) = (0, 0);
    while head < words.len() {
        let w = words[head].width() + usize::from(head > 0);
        if used + w > head_room {
            break;
        }
        used += w;
        head += 1;
    }
    let (mut tail, mut tail_used) = (words.len(), 0);
    while tail > head {
        let w = words[tail - 1].width() + usize::from(tail < words.len());
        if used + tail_used + w > room {
            break;
        }
        tail_used += w;
        tail -= 1;
    }
    // What the tail left over goes to the head.
    while head < tail {
        let w = words[head].width() + 1;
        if used + tail_used + w > room {
            break;
        }
        used += w;
        head += 1;
    }
    if head == 0 || tail == words.len() {
        return middle(text, width);
    }
    format!("{} … {}", words[..head].join(" "), words[tail..].join(" "))
}

/// The first characters of `chars` that fit in `room` columns.
fn take_width(chars: impl Iterator<Item = char>, room: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in chars {
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    /// A new account's name that reads as a Latin one in other letters is refused with the
    /// name it reads as; names in other scripts that read as no Latin name, and accented
    /// Latin names written as one character each, are made.
    #[test]
    fn a_new_name_passing_for_a_latin_one_is_refused() {
        let refused = |name: &str| super::new_name_problem(name).unwrap_or_default();
        assert!(refused("орѕ").starts_with("reads as ops on screen, written in other letters"));
        assert!(refused("сор").starts_with("reads as cop on screen"));
        assert!(
            refused("ｍｏｔｏ")
                .starts_with("reads as moto on screen, written with other characters")
        );
        assert!(refused("ﬁle").starts_with("reads as file on screen"));
        assert!(
            refused("an\u{0301}")
                .starts_with("is written with characters Unicode writes another way")
        );
        assert!(refused("\u{430}dmin").starts_with("reads <U+0430>dmin on screen"));
        for made in [
            "ann",
            "José",
            "иван",
            "мама",
            "Νίκος",
            "ΑΒΓ",
            "محمد",
            "דנה",
            "ann_lee-2",
        ] {
            assert_eq!(super::new_name_problem(made), None, "{made}");
        }
        assert_eq!(super::plain_latin("mото"), "moтo");
        assert_eq!(super::plain_latin("ｍｏｔｏ"), "moto");
    }

    #[test]
    fn a_json_line_escapes_what_would_reorder_or_drive_the_terminal() {
        let value =
            serde_json::json!({"reason": "عربي \u{202e} evil", "c1": "\u{85}", "ok": "안녕 👍"});
        let line = json_line(&value);
        assert!(!line.chars().any(is_hostile), "{line}");
        assert!(
            line.contains("\\u202e") && line.contains("\\u0085"),
            "{line}"
        );
        let back: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(back, value, "the same data to a JSON reader");
    }

    #[test]
    fn plain_names_what_would_drive_the_terminal_and_keeps_lines() {
        assert_eq!(plain("ann\tok\nnext"), "ann\tok\nnext");
        assert_eq!(
            plain("user \u{1b}]0;pwned\u{7} not found"),
            "user <U+001B>]0;pwned<U+0007> not found"
        );
        assert_eq!(plain("a\u{202e}b\rc"), "a<U+202E>b<U+000D>c");
        assert_eq!(plain("서울 👍 مريم"), "서울 👍 مريم");
    }

    /// A named character is never cut in two: `admin<U+003C>U+3164>` (a name holding the text
    /// `<U+3164>`) cut to `admin<U…U+3164>` read like the name `admin<U+3164>` beside it.
    #[test]
    fn middle_keeps_a_named_character_whole_or_leaves_it_out() {
        let shown = identifier("admin<U+3164>xyz");
        for width in 8..shown.chars().count() {
            let cut = middle(&shown, width);
            let (head, tail) = cut
                .split_once("<…>")
                .or_else(|| cut.split_once('…'))
                .unwrap();
            for part in [head, tail] {
                let opens = part.matches('<').count();
                let closes = part.matches('>').count();
                assert_eq!(opens, closes, "{width}: {cut}");
            }
        }
        // Every named character left out: the cut says so (`zw…join` read as a plain name
        // shortened).
        assert_eq!(middle("ab<U+3164>cdefghij", 9), "ab<…>hij");
        assert_eq!(middle("zw<U+200B>join", 7), "zw<…>in");
        // One of two left out: said as well (it read like the name with the first alone).
        let two = format!("<U+0430>{}<U+0430>{}", "x".repeat(40), "y".repeat(40));
        let cut = middle(&two, 40);
        assert!(cut.starts_with("<U+0430>") && cut.contains("<…>"), "{cut}");
        // None left out: the plain cut.
        let kept = middle("admin<U+3164>-and-a-much-longer-tail", 30);
        assert!(
            kept.starts_with("admin<U+3164>") && kept.contains('…') && !kept.contains("<…>"),
            "{kept}"
        );
        assert_eq!(middle("admin<U+3164>-and-more", 17), "admin<…>nd-more");
    }

    /// A status-bar error keeps its first words and its last, each whole.
    #[test]
    fn middle_words_keeps_the_first_and_last_words_whole() {
        let said = "listing objects: forbidden: s3:ListBucket on media-bucket: AccessDenied";
        assert_eq!(middle_words(said, 200), said);
        let cut = middle_words(said, 50);
        assert_eq!(cut, "listing objects: forbidden: … AccessDenied");
        let cut = middle_words(said, 60);
        assert_eq!(
            cut,
            "listing objects: forbidden: … on media-bucket: AccessDenied"
        );
        // A word longer than the room: cut as `middle` cuts.
        let id = "a".repeat(80);
        assert_eq!(middle_words(&id, 20), middle(&id, 20));
        for width in 0..said.len() {
            assert!(middle_words(said, width).width() <= width.max(1), "{width}");
        }
    }

    /// Lam then Alef is measured as terminals and ratatui's buffer draw it, two columns: a
    /// name fitted to its measured width keeps its last letter.
    #[test]
    fn lam_alef_is_measured_as_it_is_drawn() {
        use ratatui::buffer::Buffer;
        use ratatui::layout::Rect;
        for name in ["مريم الأحمد", "لا", "لَا بأس"] {
            let shown = one_line(name);
            let width = u16::try_from(shown.width()).unwrap();
            assert_eq!(
                usize::from(width),
                name.chars().filter(|c| !is_mark(*c)).count(),
                "{name}"
            );
            let mut buffer = Buffer::empty(Rect::new(0, 0, width, 1));
            buffer.set_stringn(
                0,
                0,
                &shown,
                usize::from(width),
                ratatui::style::Style::default(),
            );
            let last = name.chars().last().unwrap().to_string();
            assert!(
                buffer[(width - 1, 0)].symbol().starts_with(&last),
                "{name}: {:?}",
                buffer
            );
        }
        assert_eq!(one_line("مريم"), "مريم", "no Lam-Alef: as it was");
    }
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_name_with_characters_that_draw_as_nothing_shows_them_named() {
        assert_eq!(identifier("admin\u{3164}"), "admin<U+3164>");
        // A Cyrillic `а` among Latin letters is named; a name wholly in one script is not.
        assert_eq!(identifier("\u{430}dmin"), "<U+0430>dmin");
        assert_eq!(identifier("adm\u{456}n"), "adm<U+0456>n");
        assert_eq!(identifier("иван"), "иван");
        assert_eq!(identifier("Σοφία"), "Σοφία");
        // A display name: look-alike letters named word by word, an emoji's joiner kept.
        assert_eq!(look_alikes_named("\u{410}nn Lee"), "<U+0410>nn Lee");
        assert_eq!(look_alikes_named("Иван Petrov"), "Иван Petrov");
        assert_eq!(look_alikes_named("👩\u{200d}💻 Dev"), "👩\u{200d}💻 Dev");
        // In an error's sentence, each word is a name of its own.
        assert_eq!(named_words("user \u{430}nn"), "user <U+0430>nn");
        assert_eq!(named_words("user иван"), "user иван");
        assert_eq!(named_words("user ann\u{3164}"), "user ann<U+3164>");
        assert_eq!(key("p\u{430}y/a.jpg"), "p<U+0430>y/a.jpg");
        assert_eq!(
            from_identifier("<U+0430>dmin").as_deref(),
            Some("\u{430}dmin")
        );
        assert_eq!(identifier("\u{2800}"), "<U+2800>");
        assert_eq!(identifier("a\u{200F}b\u{202E}c"), "a<U+200F>b<U+202E>c");
        assert_eq!(identifier("ann\u{1b}[31m"), "ann<U+001B>[31m");
        // A name holding such a name as text has its `<` named, so it reads back as itself.
        assert_eq!(identifier("admin<U+3164>"), "admin<U+003C>U+3164>");
        assert_eq!(
            from_identifier("admin<U+003C>U+3164>").as_deref(),
            Some("admin<U+3164>")
        );
        assert_eq!(identifier("a<U+zz>"), "a<U+zz>");
        // A name a keyboard could type reads as it is.
        assert_eq!(
            identifier("김민지+test@example.com"),
            "김민지+test@example.com"
        );
        assert_eq!(identifier("google_1234"), "google_1234");
        assert_eq!(identifier("مريم"), "مريم");
        // Two users the console would otherwise draw alike.
        assert_eq!(identifier("ann❤"), "ann❤");
        assert_eq!(identifier("ann❤\u{FE0F}"), "ann❤<U+FE0F>");
        assert_eq!(identifier("👍🏽"), "👍<U+1F3FD>");
    }

    #[test]
    fn a_shown_name_turns_back_into_the_name() {
        assert_eq!(
            from_identifier("admin<U+3164>").as_deref(),
            Some("admin\u{3164}")
        );
        assert_eq!(from_identifier("<U+2800>").as_deref(), Some("\u{2800}"));
        assert_eq!(
            from_identifier("a<U+200F>b<U+1F600>").as_deref(),
            Some("a\u{200F}b😀")
        );
        // Nothing named: taken as typed.
        assert_eq!(from_identifier("admin"), None);
        assert_eq!(from_identifier("a<U+zz>b<U+12"), None);
        assert_eq!(from_identifier("<U+D800>"), None, "no surrogate");
    }

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(3 * 1024 * 1024), "3.0 MiB");
        assert_eq!(human_size(u64::MAX), "16384.0 PiB");
    }

    /// A key holding a flag and one holding the letters `[KR]` are told apart, and the flag's
    /// form is taken back (both listed as `flag/[KR].txt`, and the flag's could not be fetched).
    #[test]
    fn a_flag_in_a_key_is_named_and_taken_back() {
        let flag = "flag/\u{1F1F0}\u{1F1F7}.txt";
        let shown = key(flag);
        assert_eq!(shown, "flag/<U+1F1F0><U+1F1F7>.txt");
        assert_ne!(shown, key("flag/[KR].txt"));
        assert_eq!(from_identifier(&shown).as_deref(), Some(flag));
    }

    #[test]
    fn an_error_names_what_draws_as_nothing() {
        assert_eq!(
            error_text("user ann\u{3164} not found"),
            "user ann<U+3164> not found"
        );
        assert_eq!(
            error_text("user a\u{200B}b\u{FFA0} not found\nhint"),
            "user a<U+200B>b<U+FFA0> not found\nhint"
        );
        assert_eq!(error_text("x\u{1b}[31m"), "x<U+001B>[31m");
        assert_eq!(error_text("사용자 없음 ann"), "사용자 없음 ann");
    }

    #[test]
    fn a_hangul_filler_in_free_text_is_named() {
        // `adminㅤ` as a display name: tmux drew the filler two columns wide where ratatui
        // counted none, and the row's right border moved out of its column.
        assert_eq!(one_line("admin\u{3164}"), "admin<U+3164>");
        assert_eq!(
            one_line("\u{115F}\u{1160}x\u{FFA0}"),
            "<U+115F><U+1160>x<U+FFA0>"
        );
        for c in ['\u{115F}', '\u{1160}', '\u{3164}', '\u{FFA0}'] {
            assert!(!one_line(&format!("a{c}b")).contains(c), "{c:?}");
        }
        // Joiners and marks of right-to-left text take no column anywhere: they stay.
        assert_eq!(one_line("מ\u{200F}ש"), "מ\u{200F}ש");
        assert_eq!(one_line("ک\u{200C}ه"), "ک\u{200C}ه");
        assert_eq!(one_line("क्\u{200D}ष"), "क्\u{200D}ष");
        // A joiner with no letter to join on one side is named (at a name's end it drew the
        // next cell into it).
        assert_eq!(one_line("admin\u{200D}"), "admin<U+200D>");
        assert_eq!(one_line("ad\u{200C}min"), "ad<U+200C>min");
    }

    /// A flag shows as its letters; a lone carriage return as `␍`, one before a line break
    /// as the break's.
    #[test]
    fn flags_and_carriage_returns_are_shown_so_terminals_agree() {
        assert_eq!(one_line("🇰🇷 Seoul 🇫"), "[KR] Seoul F");
        assert_eq!(printable("cr\rreturn\r\nnext"), "cr␍return\nnext");
        assert_eq!(one_line("a\r\nb"), "a  b");
    }

    /// A key keeps its spaces and names what one_line would blur (a tab read as a space).
    #[test]
    fn a_key_names_tabs_and_keeps_spaces() {
        assert_eq!(key("My photo.jpg"), "My photo.jpg");
        assert_eq!(key("a\tb\u{200B}.txt"), "a<U+0009>b<U+200B>.txt");
        assert_eq!(from_identifier(&key("a\tb")).as_deref(), Some("a\tb"));
        // A space at either end is named; one inside stays.
        assert_eq!(key("end "), "end<U+0020>");
        assert_eq!(key(" a b"), "<U+0020>a b");
        assert_eq!(key("   "), "<U+0020><U+0020><U+0020>");
    }

    /// A zero-width space or word joiner in a display name or a post is named: `admin` and
    /// `admin` + U+200B read alike, and `f\u{200B}ree money` slips past a word filter.
    #[test]
    fn characters_that_draw_nothing_are_named() {
        assert_eq!(one_line("admin\u{200B}"), "admin<U+200B>");
        assert_eq!(
            printable("f\u{2060}ree\u{FEFF} money"),
            "f<U+2060>ree<U+FEFF> money"
        );
    }

    #[test]
    fn escape_sequences_and_bidi_overrides_never_reach_the_terminal() {
        let hostile = "ok\x1b[2J\x1b]52;c;aGk=\x07 \u{202E}gnp.exe\u{2066}x";
        let safe = one_line(hostile);
        assert!(!safe.chars().any(is_hostile), "{safe:?}");
        assert!(safe.starts_with("ok\u{241b}[2J"), "{safe:?}");
        assert!(safe.ends_with(" <U+202E>gnp.exe<U+2066>x"), "{safe:?}");
        assert_eq!(printable("a\tb\r\nc"), "a    b\nc");
    }

    #[test]
    fn a_first_line_says_when_more_lines_follow() {
        assert_eq!(first_line("one line"), "one line");
        assert_eq!(first_line("ends with a break\n"), "ends with a break");
        assert_eq!(first_line("multi\nline"), "multi …");
        assert_eq!(first_line("crlf\r\nsecond"), "crlf …");
        assert_eq!(first_line("\nafter an empty line"), "after an empty line");
        assert_eq!(first_line("\n  \r\nlead\n\n"), "lead");
        assert_eq!(first_line("lead\n\nlater"), "lead …");
        assert_eq!(first_line(""), "");
        assert_eq!(excerpt("\n\nSpam Bot", 40), "Spam Bot");
    }

    #[test]
    fn excerpts_cut_on_columns_and_say_so() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("first line\nsecond", 40), "first line…");
        let cut = excerpt("사진 잘 찍으셨네요 정말로", 8);
        assert!(cut.width() <= 8, "{cut}");
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn emoji_sequences_print_as_their_emoji_apart_and_letters_keep_their_joiners() {
        // The disagreement is real: ratatui's count is not the terminal's four columns.
        assert_ne!("👩\u{200d}💻".width(), 4);
        assert_eq!(one_line("👩\u{200d}💻 Dana"), "👩💻 Dana");
        assert_eq!(one_line("👨\u{200d}👩\u{200d}👧 family"), "👨👩👧 family");
        // Each is counted as the terminal draws it alone: two columns.
        assert_eq!(one_line("👨\u{200d}👩\u{200d}👧").width(), 6);
        assert_eq!(one_line("🏳\u{fe0f}\u{200d}🌈"), "🏳🌈");
        assert_eq!(one_line("❤\u{fe0f} 👍🏽"), "❤ 👍");
        // A joiner between letters shapes them; it stays.
        assert_eq!(one_line("क्\u{200d}ष"), "क्\u{200d}ष");
        // One at a line's end joins nothing: named.
        assert_eq!(printable("a\u{200d}\n👩\u{200d}💻"), "a<U+200D>\n👩💻");
        // A joiner before an emoji, after a space or a letter: tmux draws the emoji inside the
        // space's column, two columns short of ratatui's count, so the joiner goes.
        assert_eq!(one_line("Party \u{200d}👩\u{200d}💻"), "Party 👩💻");
        assert_eq!(one_line("a\u{200d}👩"), "a👩");
    }

    proptest! {
        /// Whatever a directory holds, its name as shown carries nothing a typed username may
        /// not: every hidden character is named.
        /// What a listing shows, a command takes back as the same name.
        #[test]
        fn a_shown_name_round_trips(name in "[a-z<>+U0-9]{0,6}(\u{3164}|\u{2800}|\u{200F}|\u{34F}| |\t|❤\u{FE0F}|<U\\+[0-9A-Fa-f]{4,6}>)[a-z0-9]{0,6}") {
            let shown = identifier(&name);
            let back = from_identifier(&shown).unwrap_or(shown);
            prop_assert_eq!(back, name);
        }

        /// A key as `objects ls` prints it, escapes, tabs, line breaks, direction overrides
        /// and edge spaces named, is taken back by `objects get` and `rm` as the same key.
        #[test]
        fn a_shown_key_round_trips(key in "( |[a-z/<>+U0-9 ]{0,8})(\u{1b}\\[2J|\t|\n|\u{202E}|\u{200B}|<U\\+[0-9A-Fa-f]{4,6}>)[a-z0-9/. ]{0,8}") {
            let shown = super::key(&key);
            prop_assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
            let back = from_identifier(&shown).unwrap_or(shown);
            prop_assert_eq!(back, key);
        }

        #[test]
        fn a_shown_name_hides_nothing(name in "\\PC{0,8}(\u{3164}|\u{2800}|\u{200F}|\u{34F}| |\t)?\\PC{0,8}") {
            let shown = identifier(&name);
            prop_assert!(
                !shown.chars().any(|c| c.is_whitespace()
                    || c.is_control()
                    || backoffice_domain::model::is_invisible_format(c)),
                "{shown:?}"
            );
        }

        /// What is printed takes the same columns whether counted as ratatui counts (by
        /// grapheme) or as a terminal does (character by character), for text made of the
        /// characters that make them disagree.
        #[test]
        fn safe_text_has_one_width_for_ratatui_and_the_terminal(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "👩", "💻", "\u{200d}", "\u{fe0f}", "\u{fe0e}", "🏽", "❤", "☕", "a", "é",
                    "e\u{301}", "한", "م", " ", "\u{1b}[31m", "\u{202e}", "🇰", "🇷",
                ]),
                0..24,
            )
        ) {
            let text: String = parts.concat();
            for shown in [one_line(&text), printable(&text)] {
                let by_char: usize = shown
                    .chars()
                    .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
                    .sum();
                prop_assert_eq!(shown.width(), by_char, "{:?} → {:?}", text, shown);
            }
        }

        #[test]
        fn safe_text_holds_no_hostile_character(s in any::<String>()) {
            prop_assert!(!one_line(&s).chars().any(is_hostile));
            prop_assert!(!printable(&s).chars().any(|c| c != '\n' && is_hostile(c)));
            prop_assert!(excerpt(&s, 12).width() <= 12);
        }
    }
}
