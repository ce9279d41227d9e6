//! Whether a verified caller's account is blocked. A token stays valid for up to an hour after
//! Cognito disables the account or signs it out (global sign-out revokes refresh tokens, not the
//! id and access tokens already issued), so a ban and a disable also mark the account in the
//! database and the API asks that mark on every authenticated request.
//!
//! The answer is cached per execution environment for at most [`MAX_STALENESS`]: one indexed
//! primary-key read per caller every few seconds instead of one per request, and a ban takes
//! effect everywhere within that bound (a ban waits it out before its last sweep of the author's
//! content, so nothing posted in between stays up).

use crate::error::DomainResult;
use crate::model::UserSub;
use crate::ports::ContentStore;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The longest a cached answer is used. A ban relies on it: after this long every instance has
/// read the mark.
pub const MAX_STALENESS: Duration = Duration::from_secs(5);

/// More callers than this in one window: expired answers are dropped, and if none had expired,
/// all of them (the next request of each reads the database again).
const MAX_ENTRIES: usize = 10_000;

/// A short per-instance cache of block marks in front of [`ContentStore::is_blocked`].
#[derive(Debug)]
pub struct BlockCheck {
    ttl: Duration,
    entries: Mutex<HashMap<UserSub, (bool, Instant)>>,
}

impl Default for BlockCheck {
    fn default() -> Self {
        Self::new(MAX_STALENESS)
    }
}

impl BlockCheck {
    /// A cache whose answers live `ttl`, at most [`MAX_STALENESS`]; zero reads the database on
    /// every request.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl: ttl.min(MAX_STALENESS),
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Whether `sub` is blocked, from the cache when its answer is fresh. A database failure is
    /// the caller's error (the request fails; it is never let through unchecked).
    pub async fn is_blocked(
        &self,
        content: &dyn ContentStore,
        sub: &UserSub,
    ) -> DomainResult<bool> {
        // The answer is as old as the moment the read started.
        let asked = Instant::now();
        if let Some(blocked) = self.cached(sub, asked) {
            return Ok(blocked);
        }
        let blocked = content.is_blocked(sub).await?;
        self.remember(sub, blocked, asked);
        Ok(blocked)
    }

    fn cached(&self, sub: &UserSub, now: Instant) -> Option<bool> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(sub)
            .filter(|(_, at)| now.saturating_duration_since(*at) < self.ttl)
            .map(|(blocked, _)| *blocked)
    }

    fn remember(&self, sub: &UserSub, blocked: bool, at: Instant) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(sub) {
            let ttl = self.ttl;
            entries.retain(|_, (_, seen)| at.saturating_duration_since(*seen) < ttl);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(sub.clone(), (blocked, at));
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(n: usize) -> UserSub {
        UserSub::parse(format!("00000000-0000-4000-8000-{n:012}")).unwrap()
    }

    #[test]
    fn an_answer_is_used_for_the_ttl_and_no_longer() {
        let check = BlockCheck::new(Duration::from_secs(3));
        let t0 = Instant::now();
        check.remember(&sub(1), false, t0);
        assert_eq!(check.cached(&sub(1), t0), Some(false));
        assert_eq!(
            check.cached(&sub(1), t0 + Duration::from_millis(2_999)),
            Some(false)
        );
        assert_eq!(check.cached(&sub(1), t0 + Duration::from_secs(3)), None);
        assert_eq!(check.cached(&sub(2), t0), None);
    }

    #[test]
    fn the_ttl_never_exceeds_the_bound_a_ban_waits_for() {
        assert_eq!(
            BlockCheck::new(Duration::from_secs(3600)).ttl(),
            MAX_STALENESS
        );
        let none = BlockCheck::new(Duration::ZERO);
        none.remember(&sub(1), true, Instant::now());
        assert_eq!(none.cached(&sub(1), Instant::now()), None);
    }

    #[test]
    fn a_full_cache_drops_expired_answers_first_and_stays_bounded() {
        let check = BlockCheck::new(Duration::from_secs(5));
        let t0 = Instant::now();
        for n in 0..MAX_ENTRIES / 2 {
            check.remember(&sub(n), false, t0);
        }
        let t1 = t0 + Duration::from_secs(4);
        for n in MAX_ENTRIES / 2..MAX_ENTRIES {
            check.remember(&sub(n), false, t1);
        }
        assert_eq!(check.len(), MAX_ENTRIES);
        // At t0 + 6 s the first half has expired: it makes room, the second half stays.
        let t2 = t0 + Duration::from_secs(6);
        check.remember(&sub(MAX_ENTRIES), true, t2);
        assert_eq!(check.len(), MAX_ENTRIES / 2 + 1);
        assert_eq!(check.cached(&sub(MAX_ENTRIES - 1), t2), Some(false));
        assert_eq!(check.cached(&sub(MAX_ENTRIES), t2), Some(true));
        // Nothing expired and full again: cleared rather than grown.
        for n in 0..MAX_ENTRIES {
            check.remember(&sub(MAX_ENTRIES + 1 + n), false, t2);
        }
        assert!(check.len() <= MAX_ENTRIES, "{}", check.len());
    }
}
