//! Answers at once while the database is down. Without it every API request waited out the
//! pool's acquire timeout (5 s) before its 503, so an outage held each Lambda instance for
//! seconds per request and clients for as long. After a call fails for want of the database
//! (the SQL store's `Unavailable`: no connection, a broken one, the pool timed out), calls fail
//! at once with the same error, and one call a second goes through to try it again; the first
//! answer (any answer but another `Unavailable`) closes the breaker.

use super::faulty::FaultyContentStore;
use crate::error::DomainError;
use crate::ports::ContentStore;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use std::time::Instant;

/// How often, while the database is down, one call goes through to try it again.
pub const TRY_EVERY: Duration = Duration::from_secs(1);

/// The breaker's state, shared by every call of one store.
pub struct Breaker {
    /// When it opened, as milliseconds after `base` plus one; 0: closed.
    opened: AtomicU64,
    /// When a call last went through while it was open (same scale). One a second goes
    /// through, whether or not the one before has ended: a try whose request was dropped
    /// never ends, and waiting for it kept the breaker open for good.
    tried: AtomicU64,
    base: Instant,
    every: Duration,
    /// What is behind it (`MySQL at db.internal:3306`), for its log lines.
    what: String,
    /// What time it is (the tests' own clock moves when they say).
    clock: fn() -> Instant,
}

impl Breaker {
    /// A closed breaker before `what` (`MySQL at db.internal:3306`), trying it again `every`
    /// while it is open.
    pub fn new(what: impl Into<String>, every: Duration) -> Arc<Self> {
        Self::with_clock(what.into(), every, Instant::now)
    }

    fn with_clock(what: String, every: Duration, clock: fn() -> Instant) -> Arc<Self> {
        Arc::new(Self {
            opened: AtomicU64::new(0),
            tried: AtomicU64::new(0),
            base: clock(),
            every,
            what,
            clock,
        })
    }

    fn now(&self) -> u64 {
        (self.clock)()
            .saturating_duration_since(self.base)
            .as_millis() as u64
            + 1
    }

    /// Whether it is open (the database was found down and has not answered since).
    pub fn is_open(&self) -> bool {
        self.opened.load(Ordering::Acquire) != 0
    }

    /// The error for a call that does not go through, or `None` for one that does.
    fn check(&self) -> Option<DomainError> {
        let opened = self.opened.load(Ordering::Acquire);
        if opened == 0 {
            return None;
        }
        let now = self.now();
        let tried = self.tried.load(Ordering::Acquire);
        if tried + self.every.as_millis() as u64 <= now
            && self
                .tried
                .compare_exchange(tried, now, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        {
            return None;
        }
        Some(DomainError::Unavailable {
            what: "the database".into(),
            source: Some(
                format!(
                    "down for {:.1} s; tried again every {} s",
                    (now - opened) as f64 / 1000.0,
                    self.every.as_secs_f64()
                )
                .into(),
            ),
        })
    }

    /// Hears how a call that went through ended.
    fn heard(&self, error: Option<&DomainError>) {
        if matches!(error, Some(DomainError::Unavailable { .. })) {
            let now = self.now();
            self.tried.store(now, Ordering::Release);
            if self
                .opened
                .compare_exchange(0, now, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                tracing::warn!(
                    database = %self.what,
                    error = %error.map(DomainError::chain).unwrap_or_default(),
                    "the database is down: requests are answered 503 at once, and one a \
                     second tries it again"
                );
            }
        } else if self.opened.load(Ordering::Acquire) != 0 {
            // Only while open: a store call that answers (nearly all of them) reads the state
            // and writes nothing shared.
            let opened = self.opened.swap(0, Ordering::AcqRel);
            if opened != 0 {
                tracing::info!(
                    database = %self.what,
                    down_for_ms = self.now().saturating_sub(opened),
                    "the database answers again"
                );
            }
        }
    }
}

/// `inner` behind `breaker`.
pub fn guarded(inner: Arc<dyn ContentStore>, breaker: Arc<Breaker>) -> FaultyContentStore {
    let checks = breaker.clone();
    FaultyContentStore::new(inner, Arc::new(move |_| checks.check()))
        .with_outcomes(Arc::new(move |_, error| breaker.heard(error)))
}

#[cfg(test)]
#[cfg(feature = "sqlite")]
mod tests {
    use super::*;
    use crate::adapters::faulty::database_unavailable;
    use crate::adapters::sql::SqlContentStore;
    use crate::model::{PageRequest, PostFilter};
    use std::sync::atomic::{AtomicBool, AtomicUsize};

    /// A store that is down while `down` holds, counting the calls that reach it.
    async fn flaky() -> (
        Arc<dyn ContentStore>,
        Arc<AtomicBool>,
        Arc<AtomicUsize>,
        tempfile::TempDir,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let inner = SqlContentStore::<sqlx::Sqlite>::open_sqlite(&dir.path().join("c.db"))
            .await
            .unwrap();
        let down = Arc::new(AtomicBool::new(false));
        let reached = Arc::new(AtomicUsize::new(0));
        let (d, r) = (down.clone(), reached.clone());
        let store = FaultyContentStore::new(
            Arc::new(inner),
            Arc::new(move |call| {
                r.fetch_add(1, Ordering::SeqCst);
                d.load(Ordering::SeqCst).then(|| database_unavailable(call))
            }),
        );
        (Arc::new(store), down, reached, dir)
    }

    /// The test's clock: the real one, moved on by [`advance`].
    static AHEAD_MS: AtomicU64 = AtomicU64::new(0);

    fn clock() -> Instant {
        Instant::now() + Duration::from_millis(AHEAD_MS.load(Ordering::SeqCst))
    }

    fn advance(by: Duration) {
        AHEAD_MS.fetch_add(by.as_millis() as u64, Ordering::SeqCst);
    }

    #[tokio::test]
    async fn while_the_database_is_down_calls_fail_at_once_and_one_a_second_tries_it() {
        let (inner, down, reached, _dir) = flaky().await;
        // A minute between tries by the real clock, so that only `advance` makes one due.
        let every = Duration::from_secs(60);
        let breaker = Breaker::with_clock("a test store".into(), every, clock);
        let store = guarded(inner, breaker.clone());
        let all = PostFilter::default();
        let list = || store.list_posts(&all, PageRequest::first(5));
        assert!(list().await.is_ok());
        assert!(!breaker.is_open());

        down.store(true, Ordering::SeqCst);
        assert!(list().await.unwrap_err().is_transient());
        assert!(breaker.is_open(), "the first failure opens it");
        let before = reached.load(Ordering::SeqCst);
        for _ in 0..20 {
            let e = list().await.unwrap_err();
            assert!(matches!(e, DomainError::Unavailable { .. }), "{e}");
            assert!(
                e.chain().contains("tried again every 60 s"),
                "{}",
                e.chain()
            );
        }
        assert_eq!(
            reached.load(Ordering::SeqCst),
            before,
            "none reached the database"
        );

        // A while on, one call tries it: still down, it stays open.
        advance(every);
        assert!(list().await.is_err());
        assert_eq!(reached.load(Ordering::SeqCst), before + 1);
        assert!(list().await.is_err());
        assert_eq!(reached.load(Ordering::SeqCst), before + 1, "one a while");

        // A try that never ends (its request dropped: nothing hears how it ended) does not
        // keep the next from coming.
        advance(every);
        assert!(breaker.check().is_none(), "a try goes through");
        assert!(breaker.check().is_some(), "one a while");
        // Back: the next try closes it, and every call goes through again.
        down.store(false, Ordering::SeqCst);
        advance(every);
        assert!(list().await.is_ok());
        assert!(!breaker.is_open());
        for _ in 0..3 {
            assert!(list().await.is_ok());
        }
        assert_eq!(reached.load(Ordering::SeqCst), before + 5);
    }

    /// Only the database's absence opens it: an answer that refuses (not found, a conflict)
    /// is an answer.
    #[tokio::test]
    async fn an_answer_that_refuses_leaves_it_closed() {
        let (inner, _down, _reached, _dir) = flaky().await;
        let breaker = Breaker::new("a test store", TRY_EVERY);
        let store = guarded(inner, breaker.clone());
        let e = store
            .get_post(crate::model::PostId::new(404).unwrap())
            .await
            .unwrap_err();
        assert!(matches!(e, DomainError::NotFound(_)), "{e}");
        assert!(!breaker.is_open());
    }
}
