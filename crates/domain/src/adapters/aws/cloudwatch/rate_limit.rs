//! A rate limiter that spaces calls evenly, shared by everything that calls one quota-bound API.
//! It only decides when a call may start; it knows nothing of what the call does.

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Lets at most `per_second` calls start in any one second by giving each caller the next free
/// slot, `1 / per_second` after the previous one. There is no burst: CloudWatch's quotas are
/// per account and region, and other tools of the same account spend them too.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    interval: Duration,
    /// When the next call may start; `None` before the first call.
    next_slot: Mutex<Option<Instant>>,
}

impl RateLimiter {
    pub(crate) fn per_second(calls: NonZeroU32) -> Self {
        Self {
            interval: Duration::from_secs(1) / calls.get(),
            next_slot: Mutex::new(None),
        }
    }

    /// Waits for this caller's slot. The slot is taken when this is called, so callers are
    /// served in the order they asked; a caller that gives up leaves its slot unused.
    pub(crate) async fn acquire(&self) {
        let slot = {
            // The lock guards two instants and is never held across an await; a poisoned lock
            // still holds a valid instant.
            let mut next = self
                .next_slot
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let now = Instant::now();
            let slot = next.map_or(now, |n| n.max(now));
            *next = Some(slot + self.interval);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }

    pub(crate) fn interval(&self) -> Duration {
        self.interval
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn limiter(per_second: u32) -> RateLimiter {
        RateLimiter::per_second(NonZeroU32::new(per_second).unwrap())
    }

    #[tokio::test(start_paused = true)]
    async fn calls_are_spaced_by_the_quota() {
        let limiter = limiter(5);
        let start = Instant::now();
        let mut starts = Vec::new();
        for _ in 0..6 {
            limiter.acquire().await;
            starts.push(start.elapsed());
        }
        let expected: Vec<Duration> = (0..6).map(|i| Duration::from_millis(200 * i)).collect();
        assert_eq!(starts, expected);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_budget() {
        let limiter = Arc::new(limiter(5));
        let start = Instant::now();
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let limiter = limiter.clone();
                tokio::spawn(async move {
                    limiter.acquire().await;
                    start.elapsed()
                })
            })
            .collect();
        let mut starts = Vec::new();
        for task in tasks {
            starts.push(task.await.unwrap());
        }
        starts.sort();
        for pair in starts.windows(2) {
            assert!(
                pair[1] - pair[0] >= Duration::from_millis(200),
                "{starts:?}"
            );
        }
        // Ten calls at five a second take (10 - 1) * 200 ms.
        assert_eq!(starts.last().copied(), Some(Duration::from_millis(1800)));
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_limiter_does_not_bank_calls() {
        let limiter = limiter(5);
        limiter.acquire().await;
        tokio::time::sleep(Duration::from_secs(10)).await;
        let start = Instant::now();
        limiter.acquire().await;
        limiter.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_millis(200));
    }
}
