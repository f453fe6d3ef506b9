//! table-client: the terminal for a table's chair, recorder and technical
//! adviser at a Yuanzhuo screening meeting.
//!
//! The shape (ratatui component style): [`app::App`] is plain data changed
//! only by [`app::App::update`], which turns events (keys, pastes, ticks,
//! link events) into effects; [`ui::draw`] is a pure function of the app;
//! the network (`yuanzhuo-client`'s link), the disk (`disk`) and the
//! terminal are touched only by the main loop in `main.rs`.

pub mod adviser;
pub mod app;
pub mod chair;
pub mod clock;
pub mod disk;
pub mod editor;
pub mod i18n;
pub mod notes;
pub mod outbox;
pub mod prompt;
pub mod text;
pub mod ui;
