//! Running figures of the buffer's invocations, kept up to date line by line so that the
//! sparkline strip and the invocation summary cost the same with a hundred lines or a million.
//!
//! Durations go into a log-scale histogram (bins 2.5% apart, so a percentile read from it is
//! within 2.5% of the exact one). Time is cut into cells of a power-of-two width; when the
//! span needs more than [`MAX_CELLS`] cells, neighbouring cells merge and the width doubles.
//! Evicted lines are taken out of their cell; empty cells at the front are dropped.

use std::collections::VecDeque;

/// The smallest duration told apart, in milliseconds.
const MIN_MS: f64 = 0.1;
/// Each bin is this much wider than the one before.
const RATIO: f64 = 1.025;
/// From 0.1 ms to beyond Lambda's 15 minutes.
pub const BINS: usize = 660;
/// Most time cells kept; the strip is rarely wider.
pub const MAX_CELLS: usize = 256;
/// The first cell width, in milliseconds.
const FIRST_WIDTH_MS: i64 = 64;

fn bin(ms: f64) -> usize {
    // Not-a-number counts as the smallest.
    if ms.is_nan() || ms <= MIN_MS {
        return 0;
    }
    let i = 1 + ((ms / MIN_MS).ln() / RATIO.ln()) as usize;
    i.min(BINS - 1)
}

/// The middle of bin `i`, in milliseconds.
fn bin_value(i: usize) -> f64 {
    if i == 0 {
        return MIN_MS;
    }
    MIN_MS * RATIO.powf(i as f64 - 0.5)
}

/// Counts of durations by bin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Histogram {
    bins: Vec<u32>,
    total: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Self {
            bins: vec![0; BINS],
            total: 0,
        }
    }
}

impl Histogram {
    pub fn add(&mut self, ms: f64) {
        self.bins[bin(ms)] += 1;
        self.total += 1;
    }

    pub fn remove(&mut self, ms: f64) {
        let b = &mut self.bins[bin(ms)];
        if *b > 0 {
            *b -= 1;
            self.total -= 1;
        }
    }

    fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.bins.iter_mut().zip(&other.bins) {
            *a += b;
        }
        self.total += other.total;
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    /// Percentile (0–100) by nearest rank, within one bin; `None` when empty.
    pub fn percentile(&self, p: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let rank = ((p.clamp(0.0, 100.0) / 100.0) * self.total as f64)
            .ceil()
            .max(1.0) as u64;
        let mut seen = 0u64;
        for (i, n) in self.bins.iter().enumerate() {
            seen += u64::from(*n);
            if seen >= rank {
                return Some(bin_value(i));
            }
        }
        None
    }
}

/// What one time cell holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cell {
    pub invocations: u32,
    pub errors: u32,
    pub cold_starts: u32,
    pub durations: Histogram,
}

impl Cell {
    fn is_empty(&self) -> bool {
        self.invocations == 0 && self.errors == 0
    }

    fn merge(&mut self, other: &Cell) {
        self.invocations += other.invocations;
        self.errors += other.errors;
        self.cold_starts += other.cold_starts;
        self.durations.merge(&other.durations);
    }
}

/// Invocations and errors by time cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    width_ms: i64,
    /// The key (start / width) of the first cell.
    base: i64,
    cells: VecDeque<Cell>,
}

impl Default for Timeline {
    fn default() -> Self {
        Self {
            width_ms: FIRST_WIDTH_MS,
            base: 0,
            cells: VecDeque::new(),
        }
    }
}

impl Timeline {
    pub fn width_ms(&self) -> i64 {
        self.width_ms
    }

    /// The start of the first cell and the end of the last, in milliseconds.
    pub fn span(&self) -> Option<(i64, i64)> {
        if self.cells.is_empty() {
            return None;
        }
        let start = self.base.saturating_mul(self.width_ms);
        Some((
            start,
            start.saturating_add((self.cells.len() as i64).saturating_mul(self.width_ms)),
        ))
    }

    pub fn cells(&self) -> &VecDeque<Cell> {
        &self.cells
    }

    fn coarsen(&mut self) {
        let old = std::mem::take(&mut self.cells);
        let new_base = self.base.div_euclid(2);
        for (i, cell) in old.into_iter().enumerate() {
            let key = (self.base + i as i64).div_euclid(2);
            let at = (key - new_base) as usize;
            if at == self.cells.len() {
                self.cells.push_back(cell);
            } else if let Some(c) = self.cells.get_mut(at) {
                c.merge(&cell);
            }
        }
        self.base = new_base;
        self.width_ms = self.width_ms.saturating_mul(2);
    }

    /// The cell for `ts_ms`, created (and the width grown) as needed.
    fn cell_for(&mut self, ts_ms: i64) -> &mut Cell {
        if self.cells.is_empty() {
            self.base = ts_ms.div_euclid(self.width_ms);
            self.cells.push_back(Cell::default());
        }
        loop {
            let key = ts_ms.div_euclid(self.width_ms);
            // Older than the first cell (out of order, or after eviction): it counts there.
            let offset = (key - self.base).max(0);
            if offset < MAX_CELLS as i64 {
                while self.cells.len() as i64 <= offset {
                    self.cells.push_back(Cell::default());
                }
                return &mut self.cells[offset as usize];
            }
            // Drop empty cells at the front before widening.
            if self.cells.front().is_some_and(Cell::is_empty) && self.cells.len() > 1 {
                self.cells.pop_front();
                self.base += 1;
                continue;
            }
            self.coarsen();
        }
    }

    /// The cell `ts_ms` was counted in, if the timeline still has it.
    fn existing(&mut self, ts_ms: i64) -> Option<&mut Cell> {
        let key = ts_ms.div_euclid(self.width_ms);
        let offset = (key - self.base).max(0) as usize;
        let last = self.cells.len().checked_sub(1)?;
        self.cells.get_mut(offset.min(last))
    }

    fn trim(&mut self) {
        while self.cells.front().is_some_and(Cell::is_empty) {
            self.cells.pop_front();
            self.base += 1;
        }
    }

    pub fn add_invocation(&mut self, ts_ms: i64, duration_ms: f64, cold: bool) {
        let c = self.cell_for(ts_ms);
        c.invocations += 1;
        c.cold_starts += u32::from(cold);
        c.durations.add(duration_ms);
    }

    pub fn remove_invocation(&mut self, ts_ms: i64, duration_ms: f64, cold: bool) {
        if let Some(c) = self.existing(ts_ms) {
            c.invocations = c.invocations.saturating_sub(1);
            c.cold_starts = c.cold_starts.saturating_sub(u32::from(cold));
            c.durations.remove(duration_ms);
        }
        self.trim();
    }

    pub fn add_error(&mut self, ts_ms: i64) {
        self.cell_for(ts_ms).errors += 1;
    }

    pub fn remove_error(&mut self, ts_ms: i64) {
        if let Some(c) = self.existing(ts_ms) {
            c.errors = c.errors.saturating_sub(1);
        }
        self.trim();
    }

    /// The cells folded into at most `buckets` buckets, oldest first.
    pub fn buckets(&self, buckets: usize) -> Vec<Cell> {
        let n = self.cells.len();
        let buckets = buckets.max(1).min(n);
        let mut out = vec![Cell::default(); buckets];
        for (i, cell) in self.cells.iter().enumerate() {
            out[i * buckets / n].merge(cell);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn percentiles_are_within_a_bin_of_the_exact_ones() {
        let mut h = Histogram::default();
        let values: Vec<f64> = (1..=1000).map(|i| f64::from(i) * 1.7).collect();
        for v in &values {
            h.add(*v);
        }
        for p in [50.0, 95.0, 99.0, 100.0] {
            let mut exact = values.clone();
            let exact =
                backoffice_domain::services::log_analysis::percentile(&mut exact, p).unwrap();
            let read = h.percentile(p).unwrap();
            assert!(
                (read - exact).abs() / exact < 0.025,
                "p{p}: {read} vs {exact}"
            );
        }
        for v in &values {
            h.remove(*v);
        }
        assert_eq!(h.percentile(50.0), None);
    }

    #[test]
    fn a_long_span_widens_the_cells_and_keeps_every_count() {
        let mut t = Timeline::default();
        for s in 0..10_000 {
            t.add_invocation(s * 1_000, 10.0, s % 100 == 0);
        }
        assert!(t.cells().len() <= MAX_CELLS);
        let total: u32 = t.cells().iter().map(|c| c.invocations).sum();
        assert_eq!(total, 10_000);
        let cold: u32 = t.buckets(50).iter().map(|c| c.cold_starts).sum();
        assert_eq!(cold, 100);
        assert!(t.width_ms() * MAX_CELLS as i64 >= 10_000_000);
    }

    #[test]
    fn evicted_lines_leave_their_cells_and_empty_cells_go() {
        let mut t = Timeline::default();
        for s in 0..100 {
            t.add_invocation(s * 1_000, 10.0, false);
            t.add_error(s * 1_000);
        }
        for s in 0..60 {
            t.remove_invocation(s * 1_000, 10.0, false);
            t.remove_error(s * 1_000);
        }
        let total: u32 = t.cells().iter().map(|c| c.invocations).sum();
        assert_eq!(total, 40);
        let (start, _) = t.span().unwrap();
        assert!(start > 50_000, "{start}");
    }

    proptest! {
        #[test]
        fn any_order_of_times_keeps_the_counts(times in proptest::collection::vec(-10_000_000_000i64..10_000_000_000, 1..200)) {
            let mut t = Timeline::default();
            for ts in &times {
                t.add_invocation(*ts, 5.0, false);
            }
            let total: u32 = t.cells().iter().map(|c| c.invocations).sum();
            prop_assert_eq!(total as usize, times.len());
            prop_assert!(t.cells().len() <= MAX_CELLS);
            for ts in &times {
                t.remove_invocation(*ts, 5.0, false);
            }
            let total: u32 = t.cells().iter().map(|c| c.invocations).sum();
            prop_assert_eq!(total, 0);
        }
    }
}
