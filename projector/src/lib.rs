//! The terminal projector: the room's big screen for a Yuanzhuo meeting,
//! full-screen in a terminal. It follows the hub phase by phase (welcome,
//! discussion, pitches, voting, results) with the public view the
//! projector token (or the `public` token) gives.
//!
//! Layers, kept apart: [`model`] turns a snapshot into a scene (plain data);
//! [`draw`] turns a scene into cells (pure); [`app`] holds the state and
//! takes events; `main` does the IO (terminal, link, the join address).

pub mod app;
pub mod blocks;
pub mod digits;
pub mod draw;
pub mod info;
pub mod model;
pub mod qr;
pub mod text;

pub use text::Lang;
