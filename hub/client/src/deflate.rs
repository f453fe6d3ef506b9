//! WebSocket compression on the client side: permessage-deflate (RFC 7692),
//! which tungstenite 0.30 lacks. A browser offers it on every connection;
//! with this, the hub's own clients (table-client, projector, simulate) do
//! too: at 500 proposals a welcome is ~166 KB plain and ~16 KB deflated,
//! which matters on a venue's Wi-Fi.
//!
//! What it owns:
//! - [`connect`]: opens the TCP connection, offers compression in the
//!   handshake and puts [`Inflating`] under tungstenite.
//! - [`Inflating`]: reads the hub's handshake answer as it passes; if the
//!   hub agreed, it turns each compressed message from the hub into an
//!   ordinary frame before tungstenite sees it (tungstenite would fail the
//!   connection on RSV1). If the hub did not agree, bytes pass untouched.
//!
//! The client sends its own messages uncompressed (they are small), which
//! the extension allows. The offer asks for no context takeover either way,
//! as the hub answers (hub/src/wire/deflate.rs): each message is inflated on
//! its own, and nothing is kept between messages.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::error::UrlError;
use tokio_tungstenite::tungstenite::handshake::client::Response;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Error as WsError;
use tokio_tungstenite::WebSocketStream;
use yuanzhuo_deflate::{inflate, Header, Refusal, Sender, Take};

/// What the client offers in `Sec-WebSocket-Extensions`.
pub const OFFER: &str = "permessage-deflate; client_no_context_takeover; server_no_context_takeover";

/// The longest handshake answer read (the hub's is a few hundred bytes).
const HANDSHAKE_LIMIT: usize = 16 * 1024;

/// A WebSocket to the hub, compressed if the hub agreed.
pub type Socket = WebSocketStream<Inflating<TcpStream>>;

/// For a client that stands for many devices at once (the simulator's
/// phones): a compressed message is inflated only as far as its first
/// `bytes`, and dropped unread unless `keep` says it matters to the client.
/// A real device inflates everything on its own processor; one process
/// standing for thousands of them would otherwise spend its one core
/// inflating what none of them reads.
#[derive(Clone, Copy, Debug)]
pub struct Glance {
    pub bytes: usize,
    pub keep: fn(&[u8]) -> bool,
}

/// Connect to `url` (`ws://host:port/path`), offering compression.
/// `nodelay`: no Nagle delay (a command must leave at once).
pub async fn connect(
    url: &str,
    config: WebSocketConfig,
    nodelay: bool,
    glance: Option<Glance>,
) -> Result<(Socket, Response), WsError> {
    let mut request = url.into_client_request()?;
    if request.uri().scheme_str() != Some("ws") {
        return Err(WsError::Url(UrlError::UnsupportedUrlScheme));
    }
    let host = request.uri().host().ok_or(WsError::Url(UrlError::NoHostName))?;
    let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
    let port = request.uri().port_u16().unwrap_or(80);
    request.headers_mut().insert("Sec-WebSocket-Extensions", HeaderValue::from_static(OFFER));
    let tcp = TcpStream::connect((host.as_str(), port)).await.map_err(WsError::Io)?;
    tcp.set_nodelay(nodelay).map_err(WsError::Io)?;
    let limit = config.max_message_size.unwrap_or(64 << 20);
    let stream = Inflating::new(tcp, limit, glance);
    tokio_tungstenite::client_async_with_config(request, stream, Some(config)).await
}

enum Mode {
    /// The handshake answer so far (a copy: the bytes pass on as they come).
    Handshake(Vec<u8>),
    /// The hub did not agree: every byte passes untouched.
    Plain,
    /// The hub agreed: compressed messages are inflated.
    Deflate,
}

/// The socket under tungstenite (see the module comment). Writes pass
/// through untouched.
pub struct Inflating<S> {
    inner: S,
    mode: Mode,
    limit: usize,
    glance: Option<Glance>,
    /// Bytes read from the socket, not yet a whole frame.
    raw: Vec<u8>,
    /// Bytes ready for tungstenite, from `at` on.
    out: Vec<u8>,
    at: usize,
    /// The compressed message being collected: its opcode and payload so far.
    message: Option<(u8, Vec<u8>)>,
}

impl<S> Inflating<S> {
    pub fn new(inner: S, limit: usize, glance: Option<Glance>) -> Inflating<S> {
        Inflating {
            inner,
            mode: Mode::Handshake(Vec::new()),
            limit,
            glance,
            raw: Vec::new(),
            out: Vec::new(),
            at: 0,
            message: None,
        }
    }

    /// Whether the hub agreed to compress (known once its answer is read).
    pub fn compressed(&self) -> bool {
        matches!(self.mode, Mode::Deflate)
    }

    /// Take in bytes just read from the socket.
    fn take_in(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        if let Mode::Handshake(head) = &mut self.mode {
            let before = head.len();
            head.extend_from_slice(bytes);
            let Some(end) = find(head, b"\r\n\r\n") else {
                if head.len() > HANDSHAKE_LIMIT {
                    return Err(bad("handshake answer too long"));
                }
                self.out.extend_from_slice(bytes);
                return Ok(());
            };
            let end = end + 4;
            let agreed = agreed(&head[..end]);
            self.out.extend_from_slice(&bytes[..end - before]);
            bytes = &bytes[end - before..];
            self.mode = if agreed { Mode::Deflate } else { Mode::Plain };
        }
        match self.mode {
            Mode::Plain => self.out.extend_from_slice(bytes),
            Mode::Deflate => {
                self.raw.extend_from_slice(bytes);
                self.frames()?;
            }
            Mode::Handshake(_) => unreachable!("left above"),
        }
        Ok(())
    }

    /// Turn every whole frame in `raw` into output.
    fn frames(&mut self) -> io::Result<()> {
        let mut from = 0;
        while let Some(h) = Header::parse(&self.raw[from..], Sender::Server).map_err(refused)? {
            if h.payload > self.limit as u64 {
                return Err(bad("frame too large"));
            }
            let total = h.len + h.payload as usize;
            if self.raw.len() - from < total {
                break;
            }
            let frame = &self.raw[from..from + total];
            from += total;
            let control = h.opcode & 0x8 != 0;
            if !control && h.opcode != 0 && self.message.is_some() {
                return Err(bad("a new message before the compressed one ended"));
            }
            let compressed = h.rsv1 || (!control && h.opcode == 0 && self.message.is_some());
            if !compressed {
                self.out.extend_from_slice(frame);
                continue;
            }
            if control || (h.rsv1 && (h.opcode == 0 || self.message.is_some())) {
                return Err(bad("RSV1 out of place"));
            }
            let (opcode, collected) = self.message.get_or_insert_with(|| (h.opcode, Vec::new()));
            if collected.len() + frame.len() - h.len > self.limit {
                return Err(bad("compressed message too large"));
            }
            collected.extend_from_slice(&frame[h.len..]);
            if h.fin {
                let opcode = *opcode;
                let data = self.message.take().map(|(_, d)| d).unwrap_or_default();
                if let Some(g) = self.glance {
                    if !(g.keep)(&inflate(&data, g.bytes, Take::Head).map_err(refused)?) {
                        continue;
                    }
                }
                let plain = inflate(&data, self.limit, Take::Whole).map_err(refused)?;
                let (header, n) = Header::write(opcode, plain.len(), Sender::Server);
                self.out.extend_from_slice(&header[..n]);
                self.out.extend_from_slice(&plain);
            }
        }
        self.raw.drain(..from);
        if self.raw.is_empty() {
            // Hold no memory while idle (thousands of simulated phones).
            self.raw = Vec::new();
        }
        Ok(())
    }
}

/// Does the handshake answer `head` agree to permessage-deflate?
fn agreed(head: &[u8]) -> bool {
    String::from_utf8_lossy(head).split("\r\n").any(|line| {
        line.split_once(':').is_some_and(|(name, value)| {
            name.trim().eq_ignore_ascii_case("sec-websocket-extensions")
                && value.split(',').any(|ext| {
                    ext.split(';').next().is_some_and(|n| n.trim().eq_ignore_ascii_case("permessage-deflate"))
                })
        })
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn bad(why: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why)
}

fn refused(r: Refusal) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, r)
}

impl<S: AsyncRead + Unpin> AsyncRead for Inflating<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        loop {
            if this.at < this.out.len() {
                let n = (this.out.len() - this.at).min(buf.remaining());
                buf.put_slice(&this.out[this.at..this.at + n]);
                this.at += n;
                if this.at == this.out.len() {
                    this.at = 0;
                    this.out = Vec::new();
                }
                return Poll::Ready(Ok(()));
            }
            if matches!(this.mode, Mode::Plain) {
                return Pin::new(&mut this.inner).poll_read(cx, buf);
            }
            let mut chunk = [0u8; 8192];
            let mut rb = ReadBuf::new(&mut chunk);
            ready!(Pin::new(&mut this.inner).poll_read(cx, &mut rb))?;
            if rb.filled().is_empty() {
                // End of stream: whatever is half-read is lost with it.
                return Poll::Ready(Ok(()));
            }
            this.take_in(rb.filled())?;
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Inflating<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Compress, Compression, FlushCompress};
    use tokio::io::AsyncReadExt;

    const AGREED: &[u8] = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
        Sec-WebSocket-Accept: x\r\nsec-websocket-extensions: permessage-deflate; server_no_context_takeover; \
        client_no_context_takeover\r\n\r\n";
    const REFUSED: &[u8] = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n";

    /// `text` as the hub deflates it: raw deflate, sync flush, tail removed.
    fn deflate(text: &[u8]) -> Vec<u8> {
        let mut z = Compress::new(Compression::new(6), false);
        let mut out = Vec::with_capacity(text.len() + 64);
        z.compress_vec(text, &mut out, FlushCompress::Sync).unwrap();
        assert!(out.ends_with(&[0, 0, 0xff, 0xff]));
        out.truncate(out.len() - 4);
        out
    }

    fn frame(first: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![first];
        let (header, n) = Header::write(0, payload.len(), Sender::Server);
        out.extend_from_slice(&header[1..n]);
        out.extend_from_slice(payload);
        out
    }

    /// A whole, uncompressed text frame from the hub.
    fn plain_frame(text: &[u8]) -> Vec<u8> {
        let (header, n) = Header::write(1, text.len(), Sender::Server);
        [&header[..n], text].concat()
    }

    /// What tungstenite would read, given these bytes from the socket, which
    /// arrive at most `piece` bytes at a time; and whether compression is on.
    fn read_through(bytes: &[u8], piece: usize, glance: Option<Glance>) -> io::Result<(Vec<u8>, bool)> {
        let bytes = bytes.to_vec();
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async move {
            let (client, mut server) = tokio::io::duplex(piece);
            let feed = tokio::spawn(async move {
                use tokio::io::AsyncWriteExt;
                server.write_all(&bytes).await.unwrap();
            });
            let mut inflating = Inflating::new(client, 1 << 20, glance);
            let mut got = vec![];
            inflating.read_to_end(&mut got).await?;
            feed.await.unwrap();
            Ok((got, inflating.compressed()))
        })
    }

    fn text(n: usize) -> Vec<u8> {
        let rows: Vec<String> = (0..n).map(|i| format!(r#"{{"id":"P{i:03}","title":"楼道声控灯改造"}}"#)).collect();
        format!(r#"{{"type":"update","seq":7,"results":[{}]}}"#, rows.join(",")).into_bytes()
    }

    #[test]
    fn the_handshake_answer_says_whether_the_hub_agreed() {
        assert!(agreed(AGREED));
        assert!(agreed(b"HTTP/1.1 101 x\r\nSec-WebSocket-Extensions: x-other, permessage-deflate\r\n\r\n"));
        assert!(!agreed(REFUSED));
        assert!(!agreed(b"HTTP/1.1 101 x\r\nSec-WebSocket-Extensions: permessage-deflatex\r\n\r\n"));
        assert!(!agreed(b"HTTP/1.1 101 x\r\nX-Note: permessage-deflate\r\n\r\n"));
    }

    #[test]
    fn compressed_messages_reach_tungstenite_as_plain_frames() {
        let big = text(300);
        let ping = frame(0x89, b"hi");
        let small = frame(0x81, br#"{"type":"update","phase":"counted"}"#);
        let deflated = deflate(&big);
        // One compressed message whole, then the same in three fragments with
        // a ping between them.
        let whole = frame(0xC1, &deflated);
        let (a, rest) = deflated.split_at(deflated.len() / 3);
        let (b, c) = rest.split_at(rest.len() / 2);
        let mut fragments = frame(0x41, a);
        fragments.extend(frame(0x00, b));
        fragments.extend(ping.clone());
        fragments.extend(frame(0x80, c));
        let wire: Vec<u8> = [AGREED, &small, &whole, &fragments, &ping].concat();
        let plain = plain_frame(&big);
        let want: Vec<u8> = [AGREED, &small, &plain, &ping, &plain, &ping].concat();
        for piece in [1, 7, 100, 4096, 1 << 20] {
            let (got, on) = read_through(&wire, piece, None).unwrap();
            assert!(on, "piece {piece}");
            assert!(got == want, "piece {piece}: {} bytes, want {}", got.len(), want.len());
        }
        assert!(deflated.len() * 5 < big.len(), "{} → {}", big.len(), deflated.len());
    }

    #[test]
    fn a_hub_that_did_not_agree_is_read_untouched() {
        let wire: Vec<u8> = [REFUSED, &frame(0x81, b"{}"), &frame(0x81, &text(50))].concat();
        for piece in [1, 9, 1 << 20] {
            let (got, on) = read_through(&wire, piece, None).unwrap();
            assert!(!on);
            assert_eq!(got, wire);
        }
    }

    #[test]
    fn a_glance_drops_unread_what_the_client_does_not_keep() {
        fn keep(head: &[u8]) -> bool {
            head.windows(8).any(|w| w == br#""phase":"#)
        }
        let glance = Glance { bytes: 64, keep };
        let results = text(300);
        let mut phase = br#"{"type":"update","phase":"published","#.to_vec();
        phase.extend_from_slice(&results[16..]);
        let wire: Vec<u8> = [AGREED, &frame(0xC1, &deflate(&results)), &frame(0xC1, &deflate(&phase))].concat();
        let (got, _) = read_through(&wire, 4096, Some(glance)).unwrap();
        let want = [AGREED, &plain_frame(&phase)].concat();
        assert!(got == want, "only the message naming a phase is kept, whole");
        assert_eq!(inflate(&deflate(&results), 64, Take::Head).unwrap(), results[..64].to_vec());
    }

    #[test]
    fn what_breaks_the_protocol_is_an_error_not_a_guess() {
        let masked = [AGREED, &[0x81, 0x82, 1, 2, 3, 4, b'a', b'b'][..]].concat();
        let rsv1_ping = [AGREED, &frame(0xC9, b"x")].concat();
        let interrupted = [AGREED, &frame(0x41, &deflate(b"abc")), &frame(0x81, b"x")].concat();
        let garbage = [AGREED, &frame(0xC1, &[0xff; 40])].concat();
        for wire in [masked, rsv1_ping, interrupted, garbage] {
            let e = read_through(&wire, 4096, None).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidData, "{e}");
        }
        let bomb = [AGREED, &frame(0xC1, &deflate(&vec![b'a'; 2 << 20]))].concat();
        assert!(read_through(&bomb, 1 << 16, None).is_err(), "inflating past the limit is refused");
    }
}
