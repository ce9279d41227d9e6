//! Search in the Logs pane's buffer: which lines hold the text, kept up to date as lines come
//! and go, and where in a line the matches are, for highlighting.

use super::buffer::LogBuffer;

/// A search in the buffer: the lines that contain the text.
#[derive(Debug, Clone)]
pub struct Search {
    pub text: String,
    /// Lower-case text searches without regard to (ASCII) case.
    pub ignore_case: bool,
    pub matches: Vec<u64>,
    /// The text as compared: lower-cased when case is ignored.
    needle: String,
    scanned_to: u64,
}

impl Search {
    pub(super) fn new(text: String) -> Self {
        let ignore_case = !text.chars().any(char::is_uppercase);
        Self {
            needle: if ignore_case {
                text.to_ascii_lowercase()
            } else {
                text.clone()
            },
            ignore_case,
            text,
            matches: Vec::new(),
            scanned_to: 0,
        }
    }

    /// Byte ranges of the matches in `line`.
    pub fn ranges(&self, line: &str) -> Vec<(usize, usize)> {
        find_all(line, &self.text, self.ignore_case)
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
        let found = buffer.find_text(from, &self.needle, self.ignore_case);
        self.matches.extend(found);
        self.scanned_to = buffer.end_seq();
    }
}

/// Byte ranges of the non-overlapping occurrences of `needle` in `hay`. Ignoring case lowers
/// ASCII letters only, which keeps every byte where it was, so the ranges hold for `hay`.
pub(super) fn find_all(hay: &str, needle: &str, ignore_case: bool) -> Vec<(usize, usize)> {
    if needle.is_empty() {
        return Vec::new();
    }
    if ignore_case {
        let hay = hay.to_ascii_lowercase();
        let needle = needle.to_ascii_lowercase();
        hay.match_indices(needle.as_str())
            .map(|(i, m)| (i, i + m.len()))
            .collect()
    } else {
        hay.match_indices(needle)
            .map(|(i, m)| (i, i + m.len()))
            .collect()
    }
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
        /// A line is a match exactly when it has something to highlight, across segments and
        /// after the oldest lines are dropped.
        #[test]
        fn matching_lines_and_highlights_agree(
            lines in proptest::collection::vec("[a-cA-C ]{0,12}", 1..300),
            needle in "[a-cA-C]{1,3}",
            split in 0usize..300,
        ) {
            let mut buffer = LogBuffer::new(100);
            let mut search = Search::new(needle);
            for (i, l) in lines.iter().enumerate() {
                buffer.push_event(&backoffice_domain::model::LogEvent {
                    group: "/aws/lambda/api".into(),
                    stream: "s".into(),
                    timestamp: chrono::DateTime::from_timestamp_millis(i as i64).unwrap(),
                    ingested_at: None,
                    message: l.clone(),
                    event_id: i.to_string(),
                });
                // Catch up part-way too, as batches arrive.
                if i == split {
                    search.catch_up(&buffer);
                }
            }
            search.catch_up(&buffer);
            proptest::prop_assert!(search.matches.windows(2).all(|w| w[0] < w[1]));
            proptest::prop_assert!(search.matches.iter().all(|m| *m >= buffer.first_seq()));
            for (i, l) in lines.iter().enumerate().skip(buffer.first_seq() as usize) {
                proptest::prop_assert_eq!(
                    search.matches.contains(&(i as u64)),
                    !search.ranges(l).is_empty(),
                    "line {:?}", l
                );
            }
        }

        #[test]
        fn search_never_panics(hay in "\\PC{0,40}", needle in "\\PC{0,6}") {
            for r in find_all(&hay, &needle, true) {
                proptest::prop_assert!(hay.is_char_boundary(r.0) && hay.is_char_boundary(r.1));
            }
        }
    }
}
