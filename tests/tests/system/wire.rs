//! What crosses the venue Wi-Fi: permessage-deflate negotiated like a
//! browser does it, measured in bytes on the wire, both ways; and the page
//! assets gzipped, cached and validated.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use yuanzhuo_tests::*;

/// A WebSocket client written from RFC 6455 and 7692, counting bytes.
struct Raw {
    sock: TcpStream,
    buf: Vec<u8>,
    /// Bytes of frames read so far (headers included).
    wire_bytes: usize,
    deflate: bool,
}

struct Msg {
    text: String,
    compressed: bool,
    /// Bytes on the wire, headers included.
    wire: usize,
}

impl Raw {
    async fn open(port: u16, offer: Option<&str>) -> Raw {
        let mut sock = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let ext = offer.map(|o| format!("Sec-WebSocket-Extensions: {o}\r\n")).unwrap_or_default();
        let req = format!(
            "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{ext}\r\n"
        );
        sock.write_all(req.as_bytes()).await.unwrap();
        let mut buf = vec![];
        let end = loop {
            let mut chunk = [0u8; 4096];
            let n = tokio::time::timeout(Duration::from_secs(10), sock.read(&mut chunk)).await.unwrap().unwrap();
            assert!(n > 0, "closed during the handshake");
            buf.extend_from_slice(&chunk[..n]);
            if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break p + 4;
            }
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
        assert!(head.starts_with("http/1.1 101"), "{head}");
        let deflate = head.contains("sec-websocket-extensions: permessage-deflate");
        if deflate {
            assert!(
                head.contains("server_no_context_takeover") && head.contains("client_no_context_takeover"),
                "{head}"
            );
        }
        Raw { sock, buf: buf[end..].to_vec(), wire_bytes: 0, deflate }
    }

    /// Send a text message, deflated if negotiated and `compress`.
    async fn send(&mut self, text: &str, compress: bool) {
        let (payload, rsv1) = if compress && self.deflate {
            let mut z = Compress::new(Compression::default(), false);
            let mut out = Vec::with_capacity(text.len() + 64);
            z.compress_vec(text.as_bytes(), &mut out, FlushCompress::Sync).unwrap();
            out.truncate(out.len() - 4);
            (out, 0x40)
        } else {
            (text.as_bytes().to_vec(), 0)
        };
        let mask = [7u8, 1, 8, 2];
        let mut f = vec![0x80 | rsv1 | 0x1];
        if payload.len() < 126 {
            f.push(0x80 | payload.len() as u8);
        } else {
            f.push(0x80 | 126);
            f.extend_from_slice(&(payload.len() as u16).to_be_bytes());
        }
        f.extend_from_slice(&mask);
        f.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.sock.write_all(&f).await.unwrap();
    }

    async fn need(&mut self, n: usize) {
        while self.buf.len() < n {
            let mut chunk = [0u8; 4096];
            let got = tokio::time::timeout(Duration::from_secs(10), self.sock.read(&mut chunk)).await.unwrap().unwrap();
            assert!(got > 0, "closed by the hub");
            self.buf.extend_from_slice(&chunk[..got]);
        }
    }

    /// The next whole text message (control frames skipped).
    async fn recv(&mut self) -> Msg {
        let mut payload = vec![];
        let mut compressed = None;
        let mut wire = 0;
        loop {
            self.need(2).await;
            let (b0, b1) = (self.buf[0], self.buf[1]);
            assert_eq!(b1 & 0x80, 0, "the hub does not mask");
            let (len, at) = match b1 & 0x7f {
                126 => {
                    self.need(4).await;
                    (u16::from_be_bytes([self.buf[2], self.buf[3]]) as usize, 4)
                }
                127 => {
                    self.need(10).await;
                    (u64::from_be_bytes(self.buf[2..10].try_into().unwrap()) as usize, 10)
                }
                n => (n as usize, 2),
            };
            self.need(at + len).await;
            let frame: Vec<u8> = self.buf.drain(..at + len).collect();
            self.wire_bytes += frame.len();
            let opcode = b0 & 0x0f;
            if opcode & 0x8 != 0 {
                continue;
            }
            wire += frame.len();
            if compressed.is_none() {
                compressed = Some(b0 & 0x40 != 0);
            } else {
                assert_eq!(b0 & 0x40, 0, "RSV1 only on the first frame");
            }
            payload.extend_from_slice(&frame[at..]);
            if b0 & 0x80 != 0 {
                break;
            }
        }
        let compressed = compressed.unwrap_or(false);
        if compressed {
            assert!(self.deflate, "compressed without negotiation");
            payload.extend_from_slice(&[0, 0, 0xff, 0xff]);
            let mut z = Decompress::new(false);
            let mut out = Vec::with_capacity(payload.len() * 20);
            z.decompress_vec(&payload, &mut out, FlushDecompress::Sync).unwrap();
            payload = out;
        }
        Msg { text: String::from_utf8(payload).unwrap(), compressed, wire }
    }

    async fn recv_json(&mut self) -> (Value, Msg) {
        let m = self.recv().await;
        (serde_json::from_str(&m.text).unwrap(), m)
    }
}

/// A hub with two voter cards: its folder, the tokens sheet, the hub, and
/// the first voter's `hello`.
fn voter_hub() -> (tempfile::TempDir, Value, Hub, String) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let sheet = tokens(&data, 2).unwrap();
    let hub = Hub::start(&data, &[]).unwrap();
    let hello = json!({"type": "hello", "token": &voter_tokens(&sheet)[0]}).to_string();
    (dir, sheet, hub, hello)
}

/// A connection that offers no compression, said `hello`: it and its welcome.
async fn plain_welcome(port: u16, hello: &str) -> (Raw, Value, Msg) {
    let mut raw = Raw::open(port, None).await;
    raw.send(hello, false).await;
    let (welcome, m) = raw.recv_json().await;
    (raw, welcome, m)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browsers_offer_gets_compression_and_the_welcome_shrinks_on_the_wire() {
    let (_dir, sheet, hub, hello) = voter_hub();

    // A client that offers nothing: plain frames.
    let (mut plain, w_plain, m_plain) = plain_welcome(hub.port, &hello).await;
    assert!(!plain.deflate);
    assert_eq!(w_plain["type"], "welcome");
    assert!(!m_plain.compressed);

    // What Chromium offers: negotiated; the hello itself goes compressed.
    let mut zipped = Raw::open(hub.port, Some("permessage-deflate; client_max_window_bits")).await;
    assert!(zipped.deflate);
    zipped.send(&hello, true).await;
    let (w_zipped, m_zipped) = zipped.recv_json().await;
    assert_eq!(w_zipped["type"], "welcome");
    assert!(m_zipped.compressed);
    assert_eq!(w_zipped["snapshot"]["proposals"], w_plain["snapshot"]["proposals"], "the same welcome");
    assert!(
        m_zipped.wire * 2 < m_plain.wire,
        "the welcome on the wire: {} bytes compressed, {} plain",
        m_zipped.wire,
        m_plain.wire
    );
    eprintln!("voter welcome at 60 proposals: {} bytes plain, {} bytes deflated", m_plain.wire, m_zipped.wire);

    // A compressed command is read and answered; a short answer goes plain.
    let org = token(&sheet, &["organiser"]);
    let mut o = Raw::open(hub.port, Some("permessage-deflate")).await;
    o.send(&json!({"type": "hello", "token": org}).to_string(), true).await;
    assert_eq!(o.recv_json().await.0["type"], "welcome");
    for (i, c) in [cmd::open(), cmd::advance("discussion")].into_iter().enumerate() {
        let id = format!("z{i}");
        o.send(&json!({"type": "command", "id": id, "command": c}).to_string(), true).await;
        loop {
            let (v, m) = o.recv_json().await;
            if v["id"] == id.as_str() {
                assert_eq!(v["type"], "ack", "{v}");
                assert!(!m.compressed || m.text.len() >= 512, "small messages go as they are");
                break;
            }
        }
    }
    // Broadcasts reach both kinds of connection: the phase change, in whatever form each asked for.
    for c in [&mut plain, &mut zipped] {
        loop {
            let (v, _) = c.recv_json().await;
            if v["type"] == "update" && v["phase"] == "discussion" {
                break;
            }
        }
    }
}

/// The hub's own clients (table-client, projector, simulate) offer
/// compression as a browser does and read the hub's compressed messages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hubs_own_clients_read_compressed_messages() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::{protocol::WebSocketConfig, Message};
    let (_dir, _sheet, hub, hello) = voter_hub();
    let (_raw, plain, _) = plain_welcome(hub.port, &hello).await;

    let url = format!("ws://127.0.0.1:{}/ws", hub.port);
    let (mut ws, answer) =
        yuanzhuo_client::deflate::connect(&url, WebSocketConfig::default(), true, None).await.unwrap();
    assert!(answer.headers().get("sec-websocket-extensions").is_some());
    assert!(ws.get_ref().compressed(), "the hub agreed to compress");
    ws.send(Message::text(hello)).await.unwrap();
    let welcome = tokio::time::timeout(Duration::from_secs(20), ws.next()).await.unwrap().unwrap().unwrap();
    let welcome: Value = serde_json::from_str(welcome.to_text().unwrap()).unwrap();
    assert_eq!(welcome["type"], "welcome");
    assert_eq!(welcome["snapshot"]["proposals"], plain["snapshot"]["proposals"], "the same welcome, inflated");
    assert!(serde_json::to_string(&welcome).unwrap().len() >= 512, "long enough to have come compressed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_assets_are_gzipped_cached_and_validated() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    tokens(&data, 0).unwrap();
    let hub = Hub::start(&data, &[]).unwrap();
    // A page names its assets by content, so they can be cached for long.
    let page = http::get(hub.port, "/vote", &[]).await.unwrap();
    assert_eq!(page.status, 200);
    let html = page.text();
    let at = html.find("/assets/yz.js?v=").expect("the page names yz.js by its hash");
    let src: String = html[at..].chars().take_while(|c| *c != '"').collect();
    let plain = http::get(hub.port, &src, &[]).await.unwrap();
    assert_eq!(plain.status, 200);
    assert!(plain.header("cache-control").unwrap().contains("immutable"), "{:?}", plain.headers);
    let etag = plain.header("etag").expect("an ETag").to_string();
    let gz = http::get(hub.port, &src, &[("Accept-Encoding", "gzip, deflate")]).await.unwrap();
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert!(gz.header("vary").is_some_and(|v| v.to_lowercase().contains("accept-encoding")));
    assert!(gz.body.len() * 2 < plain.body.len(), "{} gzipped vs {}", gz.body.len(), plain.body.len());
    let mut unzipped = vec![];
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz.body[..]), &mut unzipped).unwrap();
    assert_eq!(unzipped, plain.body);
    let again = http::get(hub.port, &src, &[("If-None-Match", &etag)]).await.unwrap();
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    // The favicon is there (every page asks for it).
    let icon = http::get(hub.port, "/favicon.ico", &[]).await.unwrap();
    assert_eq!(icon.status, 200);
    assert!(!icon.body.is_empty());
}
