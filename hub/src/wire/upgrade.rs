//! The WebSocket handshake and the socket's send path, done here rather
//! than by axum's `ws` extractor so that the hub owns the configuration.
//!
//! Why: tungstenite keeps its output buffer at the size of the largest
//! frame it ever sent. A voter's welcome is ~18 KiB and the results ~15
//! KiB; on 5,000 phones that is ~90 MiB held for nothing. So the hub's
//! text messages do not go through it: each is one whole frame, built once
//! (shared by every connection for a broadcast) and written under
//! tungstenite by [`Inflating`] (deflate.rs, `Frames`) at the next flush.
//! Tungstenite still writes the control frames (pings, pongs, closes).
//!
//! Also here: permessage-deflate (deflate.rs), negotiated when the client
//! offers it (every browser does), so that a 170 KB welcome at 500
//! proposals crosses the venue Wi-Fi as ~13 KB.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::BytesMut;
use futures_util::stream::SplitSink;
use futures_util::SinkExt;
use hyper_util::rt::TokioIo;
use std::future::Future;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Bytes, Error, Message, Utf8Bytes};
use tokio_tungstenite::WebSocketStream;

use crate::said;
use crate::wire::deflate::{self, Frames, Inflating, Wire};
use yuanzhuo_protocol::words::console;

pub type Socket = WebSocketStream<Inflating<TokioIo<hyper::upgrade::Upgraded>>>;
pub type Sink = SplitSink<Socket, Message>;

/// Answer a WebSocket upgrade request: 101 and the socket handed to
/// `handler` in its own task (with whether permessage-deflate was
/// negotiated), or a plain refusal if the request is not a WebSocket
/// handshake.
pub fn accept<F, Fut>(mut req: Request, config: WebSocketConfig, handler: F) -> Response
where
    F: FnOnce(Socket, Out) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let key = match handshake_key(req.headers()) {
        Ok(k) => k,
        Err(why) => return (StatusCode::BAD_REQUEST, why).into_response(),
    };
    let offers: Vec<&str> =
        req.headers().get_all(header::SEC_WEBSOCKET_EXTENSIONS).iter().filter_map(|v| v.to_str().ok()).collect();
    let compress = deflate::accepts(&offers);
    // What an incoming message may inflate to, as tungstenite's own limit.
    let limit = config.max_message_size.unwrap_or(usize::MAX);
    let Some(on_upgrade) = req.extensions_mut().remove::<hyper::upgrade::OnUpgrade>() else {
        return (StatusCode::UPGRADE_REQUIRED, said(console::CANNOT_UPGRADE, &[])).into_response();
    };
    tokio::spawn(async move {
        match on_upgrade.await {
            Ok(upgraded) => {
                let io = Inflating::new(TokioIo::new(upgraded), compress, limit);
                let out = Out { compress, frames: io.frames() };
                let ws = WebSocketStream::from_raw_socket(io, Role::Server, Some(config)).await;
                handler(ws, out).await;
            }
            Err(e) => tracing::debug!("websocket upgrade failed: {e}"),
        }
    });
    let mut res = Response::new(Body::empty());
    *res.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let h = res.headers_mut();
    h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    h.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
    if let Ok(v) = HeaderValue::from_str(&derive_accept_key(key.as_bytes())) {
        h.insert(header::SEC_WEBSOCKET_ACCEPT, v);
    }
    if compress {
        h.insert(header::SEC_WEBSOCKET_EXTENSIONS, HeaderValue::from_static(deflate::RESPONSE));
    }
    res
}

/// The `Sec-WebSocket-Key` of a valid handshake (RFC 6455 §4.2.1).
fn handshake_key(h: &HeaderMap) -> Result<String, String> {
    let has_token = |name: header::HeaderName, token: &str| {
        h.get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    };
    if !has_token(header::CONNECTION, "upgrade") || !has_token(header::UPGRADE, "websocket") {
        return Err(said(console::ONLY_WEBSOCKET, &[]));
    }
    if h.get(header::SEC_WEBSOCKET_VERSION).and_then(|v| v.to_str().ok()) != Some("13") {
        return Err(said(console::WRONG_WEBSOCKET_VERSION, &[("version", &13)]));
    }
    h.get(header::SEC_WEBSOCKET_KEY)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .ok_or_else(|| said(console::MISSING_WEBSOCKET_KEY, &[]))
}

/// How the hub writes to one socket: whether permessage-deflate was
/// negotiated, and where its whole frames go (deflate.rs, [`Frames`]).
#[derive(Clone)]
pub struct Out {
    pub compress: bool,
    frames: Frames,
}

/// Send a text message for this connection alone: deflated if compression
/// was negotiated and it is worth it, as one frame.
pub async fn send_text(sink: &mut Sink, text: Utf8Bytes, out: &Out) -> Result<(), Error> {
    let bytes = if out.compress && text.len() >= deflate::MIN_BYTES {
        deflate::frame(&deflate::deflate(text.as_bytes(), false), true)
    } else {
        deflate::frame(text.as_bytes(), false)
    };
    send_frame(sink, bytes, out).await
}

/// Send a message shared by many connections: framed (and deflated, for
/// those that negotiated compression) once, the bytes shared by all.
pub async fn send_wire(sink: &mut Sink, wire: &Wire, out: &Out) -> Result<(), Error> {
    send_frame(sink, wire.frame(out.compress), out).await
}

/// Several messages shared by many connections, in one write: each framed
/// once, as [`send_wire`]; nothing to write is fine.
pub async fn send_wires(sink: &mut Sink, wires: &[std::sync::Arc<Wire>], out: &Out) -> Result<(), Error> {
    match wires {
        [] => Ok(()),
        [one] => send_wire(sink, one, out).await,
        many => {
            let frames: Vec<Bytes> = many.iter().map(|w| w.frame(out.compress)).collect();
            let mut all = BytesMut::with_capacity(frames.iter().map(Bytes::len).sum());
            for f in &frames {
                all.extend_from_slice(f);
            }
            send_frame(sink, all.freeze(), out).await
        }
    }
}

/// One whole frame, written at the socket's flush, after anything
/// tungstenite queued before it and before anything it queues after.
async fn send_frame(sink: &mut Sink, bytes: Bytes, out: &Out) -> Result<(), Error> {
    if !out.frames.put(bytes) {
        return Err(Error::AlreadyClosed);
    }
    sink.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handshake_needs_the_right_headers() {
        let mut h = HeaderMap::new();
        assert!(handshake_key(&h).is_err());
        h.insert(header::CONNECTION, HeaderValue::from_static("keep-alive, Upgrade"));
        h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        h.insert(header::SEC_WEBSOCKET_VERSION, HeaderValue::from_static("13"));
        assert!(handshake_key(&h).is_err(), "no key");
        h.insert(header::SEC_WEBSOCKET_KEY, HeaderValue::from_static("dGhlIHNhbXBsZSBub25jZQ=="));
        assert_eq!(handshake_key(&h).unwrap(), "dGhlIHNhbXBsZSBub25jZQ==");
        // RFC 6455's own example.
        assert_eq!(derive_accept_key(b"dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }
}
