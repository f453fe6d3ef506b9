//! The WebSocket handshake and the socket's send path, done here rather
//! than by axum's `ws` extractor so that the hub owns the configuration.
//!
//! Why: tungstenite keeps its output buffer at the size of the largest
//! message it ever sent. A voter's welcome is ~18 KiB and the results ~15
//! KiB; on 5,000 phones that is ~90 MiB held for nothing. So every text
//! message larger than [`FRAGMENT`] goes out as a fragmented message
//! (RFC 6455 §5.4: a text frame, continuation frames, the last one final),
//! and no buffer grows past one fragment.
//!
//! Also here: permessage-deflate (deflate.rs), negotiated when the client
//! offers it (every browser does), so that a 170 KB welcome at 500
//! proposals crosses the venue Wi-Fi as ~13 KB.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::stream::SplitSink;
use futures_util::SinkExt;
use hyper_util::rt::TokioIo;
use std::future::Future;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Bytes, Error, Message, Utf8Bytes};
use tokio_tungstenite::WebSocketStream;

use crate::deflate::{self, Inflating, Wire};

pub type Socket = WebSocketStream<Inflating<TokioIo<hyper::upgrade::Upgraded>>>;
pub type Sink = SplitSink<Socket, Message>;

/// Largest frame the hub writes; larger messages are fragmented.
pub const FRAGMENT: usize = 4 * 1024;

/// Answer a WebSocket upgrade request: 101 and the socket handed to
/// `handler` in its own task (with whether permessage-deflate was
/// negotiated), or a plain refusal if the request is not a WebSocket
/// handshake.
pub fn accept<F, Fut>(mut req: Request, config: WebSocketConfig, handler: F) -> Response
where
    F: FnOnce(Socket, bool) -> Fut + Send + 'static,
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
        return (StatusCode::UPGRADE_REQUIRED, "此连接不能升级为 WebSocket / this connection cannot be upgraded")
            .into_response();
    };
    tokio::spawn(async move {
        match on_upgrade.await {
            Ok(upgraded) => {
                let io = Inflating::new(TokioIo::new(upgraded), compress, limit);
                let ws = WebSocketStream::from_raw_socket(io, Role::Server, Some(config)).await;
                handler(ws, compress).await;
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
fn handshake_key(h: &HeaderMap) -> Result<String, &'static str> {
    let has_token = |name: header::HeaderName, token: &str| {
        h.get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    };
    if !has_token(header::CONNECTION, "upgrade") || !has_token(header::UPGRADE, "websocket") {
        return Err("这里只接受 WebSocket 连接 / only WebSocket connections are accepted here");
    }
    if h.get(header::SEC_WEBSOCKET_VERSION).and_then(|v| v.to_str().ok()) != Some("13") {
        return Err("WebSocket 版本须为 13 / WebSocket version must be 13");
    }
    h.get(header::SEC_WEBSOCKET_KEY)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .ok_or("缺少 Sec-WebSocket-Key / missing Sec-WebSocket-Key")
}

/// Send a text message for this connection alone: deflated if compression
/// was negotiated and it is worth it, fragmented if larger than [`FRAGMENT`].
pub async fn send_text(sink: &mut Sink, text: Utf8Bytes, compress: bool) -> Result<(), Error> {
    if compress && text.len() >= deflate::MIN_BYTES {
        return send_deflated(sink, deflate::deflate(text.as_bytes(), false)).await;
    }
    send_plain(sink, text).await
}

/// Send a message shared by many connections: deflated once for all that
/// negotiated compression (deflate.rs), as is for the others.
pub async fn send_wire(sink: &mut Sink, wire: &Wire, compress: bool) -> Result<(), Error> {
    if compress {
        if let Some(d) = wire.deflated() {
            return send_deflated(sink, d.clone()).await;
        }
    }
    send_plain(sink, wire.text.clone()).await
}

/// A compressed text message: RSV1 on its first frame, fragments of at
/// most [`FRAGMENT`] bytes.
async fn send_deflated(sink: &mut Sink, payload: Bytes) -> Result<(), Error> {
    let mut start = 0;
    loop {
        let end = (start + FRAGMENT).min(payload.len());
        let opcode = if start == 0 { OpCode::Data(Data::Text) } else { OpCode::Data(Data::Continue) };
        let mut frame = Frame::message(payload.slice(start..end), opcode, end == payload.len());
        frame.header_mut().rsv1 = start == 0;
        sink.feed(Message::Frame(frame)).await?;
        start = end;
        if start == payload.len() {
            break;
        }
    }
    sink.flush().await
}

/// Send a text message as is, fragmented if it is larger than [`FRAGMENT`]
/// (split at character boundaries, so every fragment is valid UTF-8 too).
async fn send_plain(sink: &mut Sink, text: Utf8Bytes) -> Result<(), Error> {
    if text.len() <= FRAGMENT {
        return sink.send(Message::Text(text)).await;
    }
    let s: &str = text.as_str();
    let bytes: &Bytes = text.as_ref();
    let mut start = 0;
    while start < s.len() {
        let mut end = (start + FRAGMENT).min(s.len());
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        let opcode = if start == 0 { OpCode::Data(Data::Text) } else { OpCode::Data(Data::Continue) };
        sink.feed(Message::Frame(Frame::message(bytes.slice(start..end), opcode, end == s.len()))).await?;
        start = end;
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
