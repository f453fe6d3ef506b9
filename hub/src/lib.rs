//! The Yuanzhuo hub: a venue server for a participatory-budgeting screening
//! meeting. See docs/architecture.md for the map and its invariants.

pub mod admin;
pub mod board;
pub mod connection;
pub mod definition;
pub mod deflate;
pub mod desk;
pub mod door;
pub mod export;
pub mod folder;
pub mod follow;
pub mod head;
pub mod keys;
pub mod meeting;
pub mod presence;
pub mod publish;
pub mod replay;
pub mod restore;
pub mod server;
pub mod staff;
pub mod store;
pub mod tokens;
pub mod upgrade;
pub mod web;
pub mod witness;

/// Wall-clock milliseconds since the Unix epoch: the only clock the hub reads.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}
