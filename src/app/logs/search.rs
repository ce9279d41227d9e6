//! Search in the Logs pane's buffer: which lines hold the text, kept up to date as lines come
//! and go, and where in a line the matches are, for highlighting.

use super::buffer::LogBuffer;

/// A search in the buffer: the lines that contain the text.
#[derive(Debug, Clone)]
pub struct Search {
    pub text: String,
    /// Lower-case text searches without regard to case.
    pub ignore_case: bool,
    pub matches: Vec<u64>,
    scanned_to: u64,
}

impl Search {
    pub(super) fn new(text: String) -> Self {
        Self {
            ignore_case: !text.chars().any(char::is_uppercase),
            text,
            matches: Vec::new(),
            scanned_to: 0,
        }
    }

    /// Byte ranges of the matches in `line`.
    pub fn ranges(&self, line: &str) -> Vec<(usize, usize)> {
        find_all(line, &self.text, self.ignore_case)
    }

    fn matches_line(&self, line: &str) -> bool {
        find(line, &self.text, self.ignore_case, 0).is_some()
    }

    /// Starts over on an emptied buffer.
    pub(super) fn restart(&mut self) {
        self.matches.clear();
        self.scanned_to = 0;
    }

    /// Takes evicted lines out of the matches and scans the lines that arrived since.
    pub(super) fn catch_up(&mut self, buffer: &LogBuffer) {
        let first = buffer.first_seq();
        let keep = self.matches.partition_point(|s| *s < first);
        self.matches.drain(..keep);
        let from = self.scanned_to.max(first);
        let found = buffer.find_from(from, |t| self.matches_line(t));
        self.matches.extend(found);
        self.scanned_to = buffer.end_seq();
    }
}

pub(super) fn find(hay: &str, needle: &str, ignore_case: bool, from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    if !ignore_case {
        return hay[from..].find(needle).map(|i| i + from);
    }
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    (from..=h.len().checked_sub(n.len())?).find(|&i| {
        hay.is_char_boundary(i)
            && h[i..i + n.len()].eq_ignore_ascii_case(n)
            && hay.is_char_boundary(i + n.len())
    })
}

pub(super) fn find_all(hay: &str, needle: &str, ignore_case: bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = find(hay, needle, ignore_case, from) {
        out.push((i, i + needle.len()));
        from = i + needle.len().max(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_ignores_case_only_for_lower_case_text() {
        assert_eq!(find_all("Timeout and TIMEOUT", "timeout", true).len(), 2);
        assert_eq!(
            find_all("Timeout and TIMEOUT", "TIMEOUT", false),
            vec![(12, 19)]
        );
        assert_eq!(find_all("서울 timeout", "timeout", true), vec![(7, 14)]);
    }

    proptest::proptest! {
        #[test]
        fn search_never_panics(hay in "\\PC{0,40}", needle in "\\PC{0,6}") {
            for r in find_all(&hay, &needle, true) {
                proptest::prop_assert!(hay.is_char_boundary(r.0) && hay.is_char_boundary(r.1));
            }
        }
    }
}
