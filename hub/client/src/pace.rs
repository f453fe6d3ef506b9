//! Keeping a client under the hub's rate limit (docs/protocol.md, "Rate"):
//! a token bucket a little smaller and slower than the hub's own, so that
//! frames bunched up on the way still arrive within it. A client that sends
//! through a `Pace` is never answered `rate_limited`, however much it has to
//! send at once (a 30-table meeting's organiser, an outbox after an outage).

use std::time::{Duration, Instant};
use yuanzhuo_protocol::{RATE_BURST, RATE_PER_SEC};

/// Frames at once: two thirds of the hub's burst.
pub const BURST: f64 = RATE_BURST as f64 * 2.0 / 3.0;
/// Frames a second: 80 % of the hub's rate.
pub const PER_SEC: f64 = RATE_PER_SEC as f64 * 0.8;

#[derive(Debug, Clone)]
pub struct Pace {
    tokens: f64,
    at: Instant,
}

impl Pace {
    /// A fresh connection: the hub's bucket is full, so is ours.
    pub fn new(now: Instant) -> Pace {
        Pace { tokens: BURST, at: now }
    }

    /// Book the next frame: how long to wait before sending it (zero: now).
    /// Frames booked one after another get slots one after another.
    pub fn book(&mut self, now: Instant) -> Duration {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * PER_SEC).min(BURST);
        self.at = now;
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-self.tokens / PER_SEC)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_sustained_rate() {
        let t0 = Instant::now();
        let mut p = Pace::new(t0);
        let waits: Vec<Duration> = (0..60).map(|_| p.book(t0)).collect();
        assert!(waits[..20].iter().all(|w| w.is_zero()));
        assert!(!waits[20].is_zero());
        // Booked all at once, the 60th goes 40 slots after the burst: 40 / 12 s.
        assert!((waits[59].as_secs_f64() - 40.0 / PER_SEC).abs() < 1e-6, "{:?}", waits[59]);
        // Never faster than the hub allows: n frames never need more than BURST + rate × time.
        for (i, w) in waits.iter().enumerate() {
            assert!((i + 1) as f64 <= RATE_BURST as f64 + w.as_secs_f64() * RATE_PER_SEC as f64);
        }
    }

    #[test]
    fn a_quiet_client_gets_its_burst_back() {
        let t0 = Instant::now();
        let mut p = Pace::new(t0);
        for _ in 0..20 {
            p.book(t0);
        }
        assert!(!p.book(t0).is_zero());
        let later = t0 + Duration::from_secs(5);
        assert!((0..19).all(|_| p.book(later).is_zero()));
    }
}
