//! The meeting and its record: the one task that owns the meeting's state
//! (`task`), the durable log and its replay (`store`, `replay`), the data
//! folder and its head record (`folder`, `head`), the hub's key (`keys`),
//! tokens (`tokens`), the raw log for witnesses (`follow`) and the public
//! board's thread (`board`).
//!
//! Imports point one way: nothing here uses `http`, `documents` or `tools`;
//! the broadcast frames come from `wire`.

pub mod board;
pub mod folder;
pub mod follow;
pub mod head;
pub mod keys;
pub mod replay;
pub mod store;
pub mod task;
pub mod tokens;

pub use task::{
    create, encode, issue_offline, Broadcast, Direct, Meeting, MeetingHandle, Outbox, Request, Subscription,
};
