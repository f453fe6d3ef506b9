//! The WebSocket handshake and the socket's send path, done here rather
//! than by axum's `ws` extractor so that the hub owns the configuration.
//!
//! Why: tungstenite keeps its output buffer at the size of the largest
//! message it ever sent. A voter's welcome is ~18 KiB and the results ~15
//! KiB; on 5,000 phones that is ~90 MiB held for nothing. So every text
//! message larger than [`FRAGMENT`] goes out as a fragmented message
//! (RFC 6455 §5.4: a text frame, continuation frames, the last one final),
//! and no buffer grows past one fragment.

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

pub type Socket = WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>;
pub type Sink = SplitSink<Socket, Message>;

/// Largest frame the hub writes; larger messages are fragmented.
pub const FRAGMENT: usize = 4 * 1024;

/// Answer a WebSocket upgrade request: 101 and the socket handed to
/// `handler` in its own task, or a plain refusal if the request is not a
/// WebSocket handshake.
pub fn accept<F, Fut>(mut req: Request, config: WebSocketConfig, handler: F) -> Response
where
    F: FnOnce(Socket) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let key = match handshake_key(req.headers()) {
        Ok(k) => k,
        Err(why) => return (StatusCode::BAD_REQUEST, why).into_response(),
    };
    let Some(on_upgrade) = req.extensions_mut().remove::<hyper::upgrade::OnUpgrade>() else {
        return (StatusCode::UPGRADE_REQUIRED, "此连接不能升级为 WebSocket / this connection cannot be upgraded")
            .into_response();
    };
    tokio::spawn(async move {
        match on_upgrade.await {
            Ok(upgraded) => {
                let ws = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config)).await;
                handler(ws).await;
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

/// Send a text message, fragmented if it is larger than [`FRAGMENT`]
/// (split at character boundaries, so every fragment is valid UTF-8 too).
pub async fn send_text(sink: &mut Sink, text: Utf8Bytes) -> Result<(), Error> {
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
