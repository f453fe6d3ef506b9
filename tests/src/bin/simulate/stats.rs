//! Figures the simulator reports: latency percentiles, error counts, and the
//! summary (printed for people, and as JSON for scripts/bench).

use serde::Serialize;
use std::collections::BTreeMap;

/// Latencies in milliseconds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Latency {
    pub n: usize,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

impl Latency {
    pub fn of(mut ms: Vec<f64>) -> Latency {
        if ms.is_empty() {
            return Latency::default();
        }
        ms.sort_by(|a, b| a.total_cmp(b));
        let at = |q: f64| ms[(((ms.len() as f64) * q).ceil() as usize).clamp(1, ms.len()) - 1];
        Latency { n: ms.len(), p50: at(0.50), p95: at(0.95), p99: at(0.99), max: ms[ms.len() - 1] }
    }

    pub fn line(&self) -> String {
        if self.n == 0 {
            return "—".into();
        }
        format!("p50 {:.2}  p95 {:.2}  p99 {:.2}  max {:.2} ms  (n={})", self.p50, self.p95, self.p99, self.max, self.n)
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub phase: String,
    pub ballots_attempted: u64,
    pub ballots_acked: u64,
    /// Acknowledged ballots ÷ seconds from the first ballot sent to the last ack.
    pub ballots_per_sec: f64,
    pub vote_seconds: f64,
    pub ack_ms: Latency,
    pub ack_to_viewer_ms: Latency,
    pub viewers: usize,
    /// Time from the organiser's phase command to each idle phone seeing the new phase.
    pub phase_broadcast_ms: Latency,
    /// The same, for each phase change on its own (the close, publishing).
    pub phase_broadcast_by_phase: BTreeMap<String, Latency>,
    pub idle_phones: usize,
    pub errors: BTreeMap<String, u64>,
    /// Paper ballots keyed at the counting desk, and of them void.
    pub paper_ballots: usize,
    pub paper_void: usize,
    /// Residents registered at the door before the vote, and how long it took.
    pub registered: usize,
    pub register_seconds: f64,
    /// The hub's own counters (from /healthz) over the vote, if it has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hub_commits: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hub_batch_avg: Option<f64>,
    /// From the organiser's close command to its acknowledgement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_ms: Option<f64>,
}

impl Summary {
    pub fn print(&self) {
        println!("\n模拟结束 / simulation finished — phase {}", self.phase);
        println!(
            "  ballots acknowledged     {} of {} in {:.2} s = {:.0} ballots/s",
            self.ballots_acked, self.ballots_attempted, self.vote_seconds, self.ballots_per_sec
        );
        if self.registered > 0 {
            println!(
                "  door register            {} registered in {:.1} s = {:.0} a second",
                self.registered,
                self.register_seconds,
                self.registered as f64 / self.register_seconds.max(1e-9)
            );
        }
        if let (Some(c), Some(b)) = (self.hub_commits, self.hub_batch_avg) {
            println!("  hub commits              {c} (average batch {b:.1} commands)");
        }
        println!("  ack latency              {}", self.ack_ms.line());
        if let Some(ms) = self.close_ms {
            println!("  close (count) acked in   {ms:.1} ms");
        }
        if self.viewers > 0 {
            println!("  ack → viewer ({} viewers) {}", self.viewers, self.ack_to_viewer_ms.line());
        }
        if self.idle_phones > 0 {
            println!("  phase → {} phones      {}", self.idle_phones, self.phase_broadcast_ms.line());
            for (phase, l) in &self.phase_broadcast_by_phase {
                println!("    {phase:<22} {}", l.line());
            }
        }
        if self.errors.is_empty() {
            println!("  errors                   none");
        } else {
            let list: Vec<String> = self.errors.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            println!("  errors                   {}", list.join(", "));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let l = Latency::of((1..=100).map(f64::from).collect());
        assert_eq!((l.p50, l.p95, l.p99, l.max), (50.0, 95.0, 99.0, 100.0));
        let one = Latency::of(vec![7.0]);
        assert_eq!((one.p50, one.p99), (7.0, 7.0));
        assert_eq!(Latency::of(vec![]).n, 0);
    }
}
