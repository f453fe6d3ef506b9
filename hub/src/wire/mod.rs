//! Bytes on the socket: the WebSocket handshake and send path (`upgrade`)
//! and permessage-deflate with frames built once for every connection
//! (`deflate`). Imports nothing else of the hub's.

pub mod deflate;
pub mod upgrade;
