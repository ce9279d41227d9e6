//! The one text input behind every prompt and dialog field (`:` commands, `/` filters, the
//! Logs and Storage prompts, dialog reasons, typed confirmations). Editing is
//! `ratatui-textarea`'s; this module only maps the keys people's hands expect onto it and says
//! what a key meant for the owner (edited, submitted, cancelled, or not an editing key).
//! It draws nothing: `ui::input` turns it into spans.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{CursorMove, TextArea};
use unicode_width::UnicodeWidthChar;

/// The longest text a field takes unless it says otherwise.
pub const DEFAULT_MAX_CHARS: usize = 1024;

/// What a key did to an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The text or the cursor changed (or an editing key had nothing to do).
    Edited,
    /// `enter` on a single line: the text is done.
    Submit,
    /// `esc`.
    Cancel,
    /// Not an editing key (`tab`, `↑`/`↓` on a single line, function keys): the owner decides.
    Ignored,
}

/// A text field: one line, or several (`multiline`).
#[derive(Debug, Clone)]
pub struct TextInput {
    /// Boxed: the editor's state is large, and inputs sit in enums of small states.
    area: Box<TextArea<'static>>,
    /// The first character drawn of the cursor's line, kept between frames.
    scroll: std::cell::Cell<usize>,
    multiline: bool,
    max_chars: usize,
    masked: bool,
    /// The text is offered, as a browser's address bar offers the address: the first
    /// character typed or pasted (or a backspace) replaces it whole; a cursor key keeps it to
    /// edit.
    offered: bool,
}

impl Default for TextInput {
    fn default() -> Self {
        Self::new("")
    }
}

impl PartialEq for TextInput {
    fn eq(&self, other: &Self) -> bool {
        self.area.lines() == other.area.lines()
            && self.area.cursor() == other.area.cursor()
            && self.multiline == other.multiline
            && self.masked == other.masked
    }
}

impl Eq for TextInput {}

impl TextInput {
    /// A single-line field holding `text`, the cursor at its end.
    pub fn new(text: &str) -> Self {
        let mut input = Self {
            area: Box::default(),
            scroll: std::cell::Cell::new(0),
            multiline: false,
            max_chars: DEFAULT_MAX_CHARS,
            masked: false,
            offered: false,
        };
        input.set_text(text);
        input
    }

    /// The same, its text offered: what is typed first replaces it (see the field `offered`).
    pub fn offered(mut self) -> Self {
        self.offered = !self.is_empty();
        self
    }

    /// Whether the text is still offered, to be replaced by what is typed.
    pub fn is_offered(&self) -> bool {
        self.offered
    }

    /// A field of several lines: `enter` starts a new line, `↑`/`↓` move between lines.
    pub fn multiline(text: &str) -> Self {
        let mut input = Self::new("");
        input.multiline = true;
        input.set_text(text);
        input
    }

    /// Caps the text at `max` characters; typing and pasting stop there.
    pub fn with_max_chars(mut self, max: usize) -> Self {
        self.max_chars = max;
        self
    }

    /// Shows `•` for every character (passwords).
    pub fn masked(mut self) -> Self {
        self.masked = true;
        self
    }

    pub fn is_masked(&self) -> bool {
        self.masked
    }

    pub fn is_multiline(&self) -> bool {
        self.multiline
    }

    /// The text, lines joined with `\n`.
    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    pub fn is_empty(&self) -> bool {
        self.area.lines().iter().all(String::is_empty)
    }

    /// Replaces the text; the cursor goes to its end.
    pub fn set_text(&mut self, text: &str) {
        self.offered = false;
        let text = self.clean(text);
        let lines: Vec<String> = if self.multiline {
            text.split('\n').map(str::to_string).collect()
        } else {
            vec![text]
        };
        *self.area = TextArea::new(lines);
        self.area.move_cursor(CursorMove::Bottom);
        self.area.move_cursor(CursorMove::End);
    }

    pub fn clear(&mut self) {
        self.set_text("");
    }

    /// Puts the cursor at the start of the first `needle` in the text; `false` when there is
    /// none (the cursor stays).
    pub fn jump_to(&mut self, needle: &str) -> bool {
        for (row, line) in self.area.lines().iter().enumerate() {
            if let Some(at) = line.find(needle) {
                let col = line[..at].chars().count();
                let (Ok(row), Ok(col)) = (u16::try_from(row), u16::try_from(col)) else {
                    return false;
                };
                self.area.move_cursor(CursorMove::Jump(row, col));
                return true;
            }
        }
        false
    }

    /// The cursor as (line, character) from the start.
    pub fn cursor(&self) -> (usize, usize) {
        let c = self.area.cursor();
        (c.0, c.1)
    }

    /// The lines as they are drawn (masked where the field is): a direction override or
    /// isolate typed or pasted shows as `�`, one for one, so it can be seen and deleted and
    /// never reorders the field on screen (the text keeps it, for the check that refuses it).
    pub fn display_lines(&self) -> Vec<String> {
        self.area
            .lines()
            .iter()
            .map(|l| {
                if self.masked {
                    "•".repeat(l.chars().count())
                } else {
                    l.chars()
                        .map(|c| {
                            if crate::text::is_hostile(c) {
                                '\u{fffd}'
                            } else {
                                c
                            }
                        })
                        .collect()
                }
            })
            .collect()
    }

    fn chars(&self) -> usize {
        let lines = self.area.lines();
        lines.iter().map(|l| l.chars().count()).sum::<usize>() + lines.len().saturating_sub(1)
    }

    /// Text as a field takes it: no control characters (a single line also turns line breaks
    /// and tabs into spaces), and no more than the field's room.
    fn clean(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut after_cr = false;
        for c in text.chars() {
            let was_cr = std::mem::replace(&mut after_cr, c == '\r');
            let c = match c {
                // `\r\n` is one line break.
                '\n' if was_cr => continue,
                '\r' | '\n' if self.multiline => '\n',
                '\r' | '\n' | '\t' => ' ',
                c if c.is_control() => continue,
                c => c,
            };
            out.push(c);
        }
        out
    }

    fn room(&self) -> usize {
        self.max_chars.saturating_sub(self.chars())
    }

    /// The most characters the field takes, when it holds that many (what is typed or pasted
    /// beyond is dropped, and the prompt says so).
    pub fn full_at(&self) -> Option<usize> {
        (self.room() == 0).then_some(self.max_chars)
    }

    /// Inserts pasted text at the cursor (bracketed paste), cleaned and cut to the room left.
    pub fn paste(&mut self, text: &str) {
        if std::mem::take(&mut self.offered) {
            self.clear();
        }
        let clean = self.clean(text);
        let fitting: String = clean.chars().take(self.room()).collect();
        if !fitting.is_empty() {
            self.area.insert_str(fitting);
        }
    }

    /// Applies one key.
    pub fn handle(&mut self, key: KeyEvent) -> Edit {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        // Keys the field passes on (to leave it, or to move between fields) keep the offer.
        let passed_on = matches!(
            key.code,
            KeyCode::Esc | KeyCode::Enter | KeyCode::Tab | KeyCode::BackTab
        ) || (!self.multiline && matches!(key.code, KeyCode::Up | KeyCode::Down));
        if self.offered && !passed_on {
            self.offered = false;
            match key.code {
                KeyCode::Char(c) if !ctrl && !alt && !c.is_control() => self.clear(),
                KeyCode::Backspace | KeyCode::Delete => {
                    self.clear();
                    return Edit::Edited;
                }
                _ => {}
            }
        }
        let (row, _) = self.cursor();
        let last_row = self.area.lines().len().saturating_sub(1);
        match key.code {
            KeyCode::Esc => return Edit::Cancel,
            KeyCode::Enter if self.multiline && !ctrl && !alt => {
                if self.room() > 0 {
                    self.area.insert_newline();
                }
            }
            KeyCode::Enter => return Edit::Submit,
            KeyCode::Char(c) if ctrl && !alt => match c {
                'a' => self.area.move_cursor(CursorMove::Head),
                'e' => self.area.move_cursor(CursorMove::End),
                'b' => self.area.move_cursor(CursorMove::Back),
                'f' => self.area.move_cursor(CursorMove::Forward),
                'u' => {
                    self.area.delete_line_by_head();
                }
                'k' => {
                    self.area.delete_line_by_end();
                }
                'w' => {
                    self.area.delete_word();
                }
                'h' => {
                    self.area.delete_char();
                }
                'd' => {
                    self.area.delete_next_char();
                }
                _ => return Edit::Ignored,
            },
            KeyCode::Char(c) if alt && !ctrl => match c {
                'b' => self.area.move_cursor(CursorMove::WordBack),
                'f' => self.area.move_cursor(CursorMove::WordForward),
                'd' => {
                    self.area.delete_next_word();
                }
                _ => return Edit::Ignored,
            },
            KeyCode::Char(c) if !ctrl && !alt => {
                if !c.is_control() && self.room() > 0 {
                    self.area.insert_char(c);
                }
            }
            KeyCode::Backspace if alt || ctrl => {
                self.area.delete_word();
            }
            KeyCode::Backspace => {
                self.area.delete_char();
            }
            KeyCode::Delete if alt || ctrl => {
                self.area.delete_next_word();
            }
            KeyCode::Delete => {
                self.area.delete_next_char();
            }
            KeyCode::Left if ctrl || alt => self.area.move_cursor(CursorMove::WordBack),
            KeyCode::Right if ctrl || alt => self.area.move_cursor(CursorMove::WordForward),
            KeyCode::Left => self.area.move_cursor(CursorMove::Back),
            KeyCode::Right => self.area.move_cursor(CursorMove::Forward),
            KeyCode::Home => self.area.move_cursor(CursorMove::Head),
            KeyCode::End => self.area.move_cursor(CursorMove::End),
            KeyCode::Up if self.multiline && row > 0 => self.area.move_cursor(CursorMove::Up),
            KeyCode::Down if self.multiline && row < last_row => {
                self.area.move_cursor(CursorMove::Down)
            }
            _ => return Edit::Ignored,
        }
        Edit::Edited
    }

    /// The part of line `row` that fits in `width` columns with the cursor in view: the text
    /// before the cursor and from it, both as drawn. Long lines scroll sideways so the
    /// cursor never leaves the field.
    ///
    /// The line's first shown character is remembered between frames and moves only when the
    /// cursor would leave the field (or the text shrinks so that more fits), so moving the
    /// cursor through a long line keeps the text around it in view, as a text field does.
    pub fn window(&self, row: usize, width: usize) -> (String, String) {
        let lines = self.display_lines();
        let line = lines.get(row).map(String::as_str).unwrap_or("");
        let (cursor_row, cursor_col) = self.cursor();
        let chars: Vec<char> = line.chars().collect();
        let on_cursor_row = row == cursor_row;
        let col = if on_cursor_row {
            cursor_col.min(chars.len())
        } else {
            0
        };
        let w = |c: &char| c.width().unwrap_or(0);
        // Room for the cursor mark itself.
        let room = width.saturating_sub(1).max(1);
        let span = |from: usize, to: usize| -> usize { chars[from..to].iter().map(w).sum() };
        // The first character that lets the line's end show, and the first that keeps the
        // cursor (and the character under it) in view.
        let mut end_start = chars.len();
        while end_start > 0 && span(end_start - 1, chars.len()) <= room {
            end_start -= 1;
        }
        let through = (col + 1).min(chars.len()).max(col);
        let mut cursor_start = 0;
        while cursor_start < col && span(cursor_start, through) > room {
            cursor_start += 1;
        }
        let start = if on_cursor_row {
            let kept = self.scroll.get();
            // Left of the field: scroll so the cursor is its first column; right of it: just
            // enough to bring it in; never further right than the end needs.
            let start = kept
                .min(col)
                .max(cursor_start)
                .min(end_start.max(cursor_start));
            self.scroll.set(start);
            start
        } else {
            0
        };
        let head: String = chars[start..col].iter().collect();
        let before = span(start, col);
        let mut used = before;
        let mut tail = String::new();
        for c in &chars[col..] {
            used += w(c);
            if used > room {
                break;
            }
            tail.push(*c);
        }
        (head, tail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn alt(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::ALT)
    }

    /// Offered text is replaced by what is typed or pasted first, emptied by a backspace, and
    /// kept to edit after a cursor key (a second search no longer runs on from the first).
    #[test]
    fn offered_text_is_replaced_by_typing_and_kept_by_a_cursor_key() {
        let mut t = TextInput::new("alice").offered();
        assert!(t.is_offered());
        assert_eq!(t.handle(key(KeyCode::Char('b'))), Edit::Edited);
        assert_eq!(t.text(), "b");
        assert!(!t.is_offered());
        t.handle(key(KeyCode::Char('o')));
        assert_eq!(t.text(), "bo", "only the first key replaces");

        let mut t = TextInput::new("alice").offered();
        t.paste("bob");
        assert_eq!(t.text(), "bob");

        let mut t = TextInput::new("alice").offered();
        assert_eq!(t.handle(key(KeyCode::Backspace)), Edit::Edited);
        assert_eq!(t.text(), "");

        let mut t = TextInput::new("alice").offered();
        t.handle(key(KeyCode::Left));
        t.handle(key(KeyCode::Char('x')));
        assert_eq!(t.text(), "alicxe", "a cursor key keeps the text to edit");

        let mut t = TextInput::new("alice").offered();
        assert_eq!(t.handle(key(KeyCode::Enter)), Edit::Submit);
        assert_eq!(t.text(), "alice", "enter runs it again as it is");
        assert!(!TextInput::new("").offered().is_offered());
    }

    fn typed(text: &str) -> TextInput {
        let mut input = TextInput::default();
        for c in text.chars() {
            input.handle(key(KeyCode::Char(c)));
        }
        input
    }

    #[test]
    fn typing_inserts_at_the_cursor_not_at_the_end() {
        let mut input = typed("helo");
        input.handle(key(KeyCode::Left));
        input.handle(key(KeyCode::Char('l')));
        assert_eq!(input.text(), "hello");
        assert_eq!(input.cursor(), (0, 4));
    }

    #[test]
    fn home_end_and_emacs_line_moves() {
        let mut input = typed("posts/a");
        input.handle(key(KeyCode::Home));
        input.handle(key(KeyCode::Char('x')));
        assert_eq!(input.text(), "xposts/a");
        input.handle(ctrl('e'));
        input.handle(key(KeyCode::Char('!')));
        assert_eq!(input.text(), "xposts/a!");
        input.handle(ctrl('a'));
        assert_eq!(input.cursor(), (0, 0));
        input.handle(key(KeyCode::End));
        assert_eq!(input.cursor(), (0, 9));
    }

    #[test]
    fn ctrl_u_clears_to_the_start_and_ctrl_k_to_the_end() {
        let mut input = typed("./photo.png");
        input.handle(key(KeyCode::Left));
        input.handle(key(KeyCode::Left));
        input.handle(key(KeyCode::Left));
        input.handle(ctrl('u'));
        assert_eq!(input.text(), "png");
        input.handle(key(KeyCode::Right));
        input.handle(ctrl('k'));
        assert_eq!(input.text(), "p");
    }

    #[test]
    fn a_prefilled_field_is_replaced_after_ctrl_u() {
        let mut input = TextInput::new("./report.csv");
        input.handle(ctrl('u'));
        for c in "/tmp/x".chars() {
            input.handle(key(KeyCode::Char(c)));
        }
        assert_eq!(input.text(), "/tmp/x");
    }

    #[test]
    fn words_are_deleted_and_crossed() {
        let mut input = typed("status:hidden author me");
        input.handle(ctrl('w'));
        assert_eq!(input.text(), "status:hidden author ");
        input.handle(alt(KeyCode::Backspace));
        assert_eq!(input.text(), "status:hidden ");
        input.handle(alt(KeyCode::Char('b')));
        let (_, at) = input.cursor();
        assert!(at < 14, "alt-b moved back a word: {at}");
        input.handle(KeyEvent::new(KeyCode::Left, KeyModifiers::CONTROL));
        input.handle(KeyEvent::new(KeyCode::Right, KeyModifiers::CONTROL));
        input.handle(alt(KeyCode::Char('f')));
        assert_eq!(input.text(), "status:hidden ");
    }

    #[test]
    fn delete_removes_the_character_under_the_cursor() {
        let mut input = typed("abc");
        input.handle(key(KeyCode::Home));
        input.handle(key(KeyCode::Delete));
        assert_eq!(input.text(), "bc");
        input.handle(key(KeyCode::Backspace));
        assert_eq!(input.text(), "bc", "backspace at the start does nothing");
    }

    #[test]
    fn enter_submits_esc_cancels_and_tab_is_left_to_the_owner() {
        let mut input = typed("x");
        assert_eq!(input.handle(key(KeyCode::Enter)), Edit::Submit);
        assert_eq!(input.handle(key(KeyCode::Esc)), Edit::Cancel);
        assert_eq!(input.handle(key(KeyCode::Tab)), Edit::Ignored);
        assert_eq!(input.handle(key(KeyCode::Up)), Edit::Ignored);
        assert_eq!(input.text(), "x");
    }

    #[test]
    fn a_paste_into_a_line_keeps_it_one_line_without_control_characters() {
        let mut input = typed("a");
        input.paste("b\r\nc\td\x1b[31me");
        assert_eq!(input.text(), "ab c d[31me");
        let mut many = TextInput::multiline("");
        many.paste("fields @message\r\n| limit 5");
        assert_eq!(many.text(), "fields @message\n| limit 5");
    }

    #[test]
    fn a_direction_override_is_drawn_as_a_replacement_character() {
        let mut input = typed("ab");
        input.paste("\u{202e}cd");
        assert_eq!(input.text(), "ab\u{202e}cd");
        assert_eq!(input.display_lines(), ["ab\u{fffd}cd"]);
    }

    #[test]
    fn the_field_stops_at_its_room() {
        let mut input = TextInput::new("").with_max_chars(3);
        input.paste("abcdef");
        input.handle(key(KeyCode::Char('z')));
        assert_eq!(input.text(), "abc");
        assert_eq!(input.full_at(), Some(3), "it says it is full");
        input.handle(key(KeyCode::Backspace));
        assert_eq!(input.full_at(), None);
    }

    #[test]
    fn a_multiline_field_takes_enter_and_moves_between_lines() {
        let mut input = TextInput::multiline("fields @message");
        assert_eq!(input.handle(key(KeyCode::Enter)), Edit::Edited);
        input.paste("| limit 5");
        assert_eq!(input.text(), "fields @message\n| limit 5");
        assert_eq!(input.handle(key(KeyCode::Up)), Edit::Edited);
        assert_eq!(input.cursor().0, 0);
        assert_eq!(
            input.handle(key(KeyCode::Up)),
            Edit::Ignored,
            "the first line's ↑ is the owner's (history)"
        );
    }

    #[test]
    fn masked_fields_draw_dots() {
        let mut input = TextInput::new("").masked();
        input.paste("Hunter2!");
        assert_eq!(input.display_lines(), vec!["••••••••".to_string()]);
        assert_eq!(input.text(), "Hunter2!");
    }

    #[test]
    fn moving_left_in_a_long_line_keeps_the_text_after_the_cursor_in_view() {
        let text: String = ('a'..='z').chain('A'..='X').collect(); // 50 characters
        let mut input = TextInput::new(&text);
        let (head, tail) = input.window(0, 10);
        assert!(head.ends_with('X') && tail.is_empty(), "{head}|{tail}");
        input.handle(key(KeyCode::Left));
        let (head, tail) = input.window(0, 10);
        assert_eq!(tail, "X", "the last character stays in view");
        assert!(head.ends_with('W'));
        for _ in 0..12 {
            input.handle(key(KeyCode::Left));
        }
        let (head, tail) = input.window(0, 10);
        assert!(
            head.is_empty(),
            "the cursor is the field's first column: {head}|{tail}"
        );
        assert_eq!(tail.chars().count(), 9);
        input.handle(key(KeyCode::Right));
        let (head, tail) = input.window(0, 10);
        assert_eq!(
            head.chars().count(),
            1,
            "the window stays put: {head}|{tail}"
        );
    }

    #[test]
    fn a_long_line_scrolls_so_the_cursor_stays_in_view() {
        let input = TextInput::new(&"x".repeat(50));
        let (head, tail) = input.window(0, 10);
        assert_eq!(head.chars().count(), 9);
        assert!(tail.is_empty());
        let mut input = TextInput::new("한국어 텍스트입니다");
        input.handle(key(KeyCode::Home));
        let (head, tail) = input.window(0, 8);
        assert!(head.is_empty());
        assert!(tail.starts_with("한국어"), "{tail}");
    }

    proptest! {
        #[test]
        fn no_key_sequence_panics_or_breaks_the_single_line(
            keys in proptest::collection::vec((0u8..40, any::<char>()), 0..60),
            width in 1usize..40,
        ) {
            let mut input = TextInput::new("seed text");
            for (k, c) in keys {
                let code = match k {
                    0 => KeyCode::Left, 1 => KeyCode::Right, 2 => KeyCode::Home,
                    3 => KeyCode::End, 4 => KeyCode::Backspace, 5 => KeyCode::Delete,
                    6 => KeyCode::Enter, 7 => KeyCode::Up, 8 => KeyCode::Down,
                    _ => KeyCode::Char(c),
                };
                let mods = match k % 3 { 0 => KeyModifiers::NONE, 1 => KeyModifiers::CONTROL, _ => KeyModifiers::ALT };
                input.handle(KeyEvent::new(code, mods));
                if k == 9 { input.paste(&c.to_string().repeat(3)); }
                let _ = input.window(0, width);
            }
            prop_assert!(!input.text().contains('\n'));
            prop_assert!(!input.text().chars().any(char::is_control));
        }
    }
}
