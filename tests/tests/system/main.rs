//! Whole-system tests: real hub processes on 127.0.0.1, real sockets, real
//! SQLite files in temporary folders. One test binary for all of them.

mod admin;
mod board_poll;
mod common;
mod crash;
mod deltas;
mod desk;
mod door;
mod durability;
mod electorate;
mod exports;
mod hub;
mod link;
mod prescreening;
mod printing;
mod projector;
mod protocol;
mod simulate;
mod table_client;
mod verify_count;
mod wire;
