//! The hub's clock as seen from here. The hub runs every timer; this client
//! only keeps the offset between the hub's clock and its own, so that
//! countdowns and turn lengths are the same on every screen in the hall.

/// Local time and the hub-minus-local offset, both in ms since the Unix epoch.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Clock {
    pub local_ms: u64,
    pub offset_ms: i64,
}

impl Clock {
    /// The hub's clock now (estimated).
    pub fn server_now(&self) -> u64 {
        (self.local_ms as i64 + self.offset_ms).max(0) as u64
    }

    /// A message stamped with the hub's clock has just arrived.
    pub fn observe(&mut self, server_now_ms: u64) {
        if server_now_ms > 0 {
            self.offset_ms = server_now_ms as i64 - self.local_ms as i64;
        }
    }
}

/// The per-turn timebox: green while within the agreed turn, amber near its
/// end, red once past it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timebox {
    Green,
    Amber,
    Red,
}

/// Amber for the last quarter of the turn, at most the last 15 s.
pub fn timebox(elapsed_ms: u64, turn_ms: u64) -> Timebox {
    let warn = (turn_ms / 4).min(15_000);
    if elapsed_ms > turn_ms {
        Timebox::Red
    } else if elapsed_ms + warn > turn_ms {
        Timebox::Amber
    } else {
        Timebox::Green
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_follows_the_hub() {
        let mut c = Clock { local_ms: 1_000, offset_ms: 0 };
        c.observe(5_000);
        assert_eq!(c.offset_ms, 4_000);
        c.local_ms = 2_000;
        assert_eq!(c.server_now(), 6_000);
        let mut behind = Clock { local_ms: 10_000, offset_ms: 0 };
        behind.observe(7_000);
        assert_eq!(behind.server_now(), 7_000);
    }

    #[test]
    fn a_minute_turn_goes_green_amber_red() {
        assert_eq!(timebox(0, 60_000), Timebox::Green);
        assert_eq!(timebox(44_000, 60_000), Timebox::Green);
        assert_eq!(timebox(46_000, 60_000), Timebox::Amber);
        assert_eq!(timebox(60_000, 60_000), Timebox::Amber);
        assert_eq!(timebox(60_001, 60_000), Timebox::Red);
        // Short turns warn for a quarter of their length.
        assert_eq!(timebox(20_000, 30_000), Timebox::Green);
        assert_eq!(timebox(23_000, 30_000), Timebox::Amber);
    }
}
