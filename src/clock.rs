//! The service's notion of "now". Edit windows, suspensions and scheduled closes all read
//! this clock, so tests move time forward instead of sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use time::{Duration, OffsetDateTime};
use uuid::{ContextV7, Timestamp, Uuid};

#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Added to the system time; only tests change it.
    offset_ms: Arc<AtomicI64>,
    /// Keeps ids made within one millisecond in order.
    ids: Arc<Mutex<ContextV7>>,
}

impl Clock {
    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// A UUIDv7 of this clock's now. Comment ids come from here, so "ordered by id" and
    /// "ordered by creation time" stay the same thing even when a test moves the clock, and
    /// time bounds can be turned into id bounds (the retention purge, the backtest).
    pub fn new_id(&self) -> Uuid {
        let now = self.now();
        let secs = u64::try_from(now.unix_timestamp()).unwrap_or(0);
        let context = self.ids.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Uuid::new_v7(Timestamp::from_unix(&*context, secs, now.nanosecond()))
    }

    /// Moves this clock (and every clone of it) forward.
    pub fn advance(&self, by: std::time::Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_clock_and_stay_ordered_within_a_millisecond() {
        let clock = Clock::default();
        let ids: Vec<Uuid> = (0..1000).map(|_| clock.new_id()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids out of order");
        clock.advance(std::time::Duration::from_secs(86_400));
        let later = clock.new_id();
        let (secs, _) = later.get_timestamp().expect("v7").to_unix();
        let expected = u64::try_from(clock.now().unix_timestamp()).expect("after 1970");
        assert!(secs.abs_diff(expected) <= 1, "{secs} vs {expected}");
    }
}
