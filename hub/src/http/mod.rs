//! The hub on the venue's network: the listener and its routes (`server`),
//! the door that holds it open (`door`), one WebSocket connection
//! (`connection`), who is connected (`presence`), the pages (`web`,
//! `staff`, `desk`), the organiser's endpoints (`admin`), the public board
//! (`board`) and the published notice (`notice`). Everything above the
//! meeting task; nothing below imports it.

pub mod admin;
pub mod board;
pub mod connection;
pub mod desk;
pub mod door;
pub mod notice;
pub mod presence;
pub mod server;
pub mod staff;
pub mod web;
