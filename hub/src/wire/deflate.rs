//! WebSocket compression: permessage-deflate (RFC 7692), negotiated in the
//! hand-made handshake (upgrade.rs), because tungstenite 0.30 has none.
//!
//! The hub answers an offer with `server_no_context_takeover;
//! client_no_context_takeover`: every message is compressed on its own, in
//! both directions. That costs a little ratio and buys two things that
//! matter with 5,000 phones:
//! - **No state per connection.** Nothing is kept between messages: a
//!   compressor lives for one message (one per thread, reset), an inflater
//!   for one incoming message.
//! - **A broadcast is compressed once.** Without context takeover the same
//!   text compresses to the same bytes on every connection, so an update
//!   going to every phone is deflated once ([`Wire`]) and the bytes shared.
//!
//! Incoming compressed frames (RSV1 set) would make tungstenite fail the
//! connection, so [`Inflating`] sits under it: it reads the client's frames,
//! inflates compressed messages and hands tungstenite ordinary ones (masked
//! with a zero key); everything else passes through unchanged.

use bytes::{Buf, BufMut, Bytes, BytesMut};
use flate2::{Compress, Compression, FlushCompress};
use std::cell::RefCell;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{ready, Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_tungstenite::tungstenite::Utf8Bytes;
use yuanzhuo_deflate::{Header, Refusal, Sender, Take};

/// What the hub answers in `Sec-WebSocket-Extensions` when it accepts.
pub const RESPONSE: &str = "permessage-deflate; server_no_context_takeover; client_no_context_takeover";
/// Smaller messages go uncompressed (an ack, a timer tick): not worth it.
pub const MIN_BYTES: usize = 512;
/// Level for what is compressed once and sent to many (broadcasts).
const LEVEL_SHARED: u32 = 6;
/// Level for what is compressed per connection (welcomes, snapshots, acks):
/// nearly as small, twice as fast.
const LEVEL_DIRECT: u32 = 3;

/// Does the client's `Sec-WebSocket-Extensions` offer permessage-deflate in
/// a form the hub accepts? (Any offer with only known parameters and the
/// server's full 15-bit window; the first such offer wins.)
pub fn accepts(offers: &[&str]) -> bool {
    offers.iter().flat_map(|v| v.split(',')).any(|offer| {
        let mut parts = offer.split(';').map(str::trim);
        if !parts.next().is_some_and(|name| name.eq_ignore_ascii_case("permessage-deflate")) {
            return false;
        }
        let mut seen = vec![];
        for p in parts {
            let (name, value) = match p.split_once('=') {
                Some((n, v)) => (n.trim(), Some(v.trim().trim_matches('"'))),
                None => (p, None),
            };
            let name = name.to_ascii_lowercase();
            if seen.contains(&name) {
                return false;
            }
            let ok = match (name.as_str(), value) {
                ("server_no_context_takeover" | "client_no_context_takeover", None) => true,
                ("client_max_window_bits", None) => true,
                ("client_max_window_bits", Some(v)) => v.parse::<u8>().is_ok_and(|b| (8..=15).contains(&b)),
                // The hub compresses once for every connection, with a 15-bit window.
                ("server_max_window_bits", Some(v)) => v.parse::<u8>() == Ok(15),
                _ => false,
            };
            if !ok {
                return false;
            }
            seen.push(name);
        }
        true
    })
}

thread_local! {
    static COMPRESS: RefCell<[Option<Compress>; 2]> = const { RefCell::new([None, None]) };
}

/// `text` deflated as one permessage-deflate message (raw deflate, sync
/// flush, the final `00 00 ff ff` removed), with no context kept.
pub fn deflate(text: &[u8], shared: bool) -> Bytes {
    let (slot, level) = if shared { (0, LEVEL_SHARED) } else { (1, LEVEL_DIRECT) };
    COMPRESS.with(|c| {
        let mut c = c.borrow_mut();
        let z = c[slot].get_or_insert_with(|| Compress::new(Compression::new(level), false));
        z.reset();
        let mut out = Vec::with_capacity(text.len() / 4 + 64);
        let mut input = text;
        loop {
            let before = z.total_in();
            if out.capacity() - out.len() < 64 {
                out.reserve(out.capacity().max(1024));
            }
            // Cannot fail on a fresh stream with room to write.
            let _ = z.compress_vec(input, &mut out, FlushCompress::Sync);
            input = &input[(z.total_in() - before) as usize..];
            if input.is_empty() && out.len() < out.capacity() {
                break;
            }
        }
        if out.ends_with(&[0, 0, 0xff, 0xff]) {
            out.truncate(out.len() - 4);
        }
        Bytes::from(out)
    })
}

/// Inflate one client message, refusing to grow past `limit` (too large:
/// the connection gets close 1009).
fn inflate(data: &[u8], limit: usize) -> io::Result<Vec<u8>> {
    yuanzhuo_deflate::inflate(data, limit, Take::Whole).map_err(refused)
}

/// A message for many connections: its text, and its deflated form made
/// the first time a connection that negotiated compression needs it.
#[derive(Debug)]
pub struct Wire {
    pub text: Utf8Bytes,
    deflated: OnceLock<Option<Bytes>>,
    /// The whole frame as it goes on the wire, built once for every
    /// connection: plain, and deflated (if worth it).
    frames: [OnceLock<Bytes>; 2],
}

impl Wire {
    pub fn new(text: Utf8Bytes) -> Wire {
        Wire { text, deflated: OnceLock::new(), frames: [OnceLock::new(), OnceLock::new()] }
    }

    /// The message as one whole frame, for a connection that compresses or not.
    pub fn frame(&self, compress: bool) -> Bytes {
        match self.deflated().filter(|_| compress) {
            Some(d) => self.frames[1].get_or_init(|| frame(d, true)).clone(),
            None => self.frames[0].get_or_init(|| frame(self.text.as_bytes(), false)).clone(),
        }
    }

    /// The deflated payload, if the message is worth compressing.
    pub fn deflated(&self) -> Option<&Bytes> {
        self.deflated
            .get_or_init(|| (self.text.len() >= MIN_BYTES).then(|| deflate(self.text.as_bytes(), true)))
            .as_ref()
    }
}

/// A text message as one whole server frame (FIN, unmasked; RSV1 when
/// `deflated`), ready to be written as is.
pub fn frame(payload: &[u8], deflated: bool) -> Bytes {
    let mut out = BytesMut::with_capacity(payload.len() + 10);
    out.put_u8(if deflated { 0xC1 } else { 0x81 });
    match payload.len() {
        n if n < 126 => out.put_u8(n as u8),
        n if n <= u16::MAX as usize => {
            out.put_u8(126);
            out.put_u16(n as u16);
        }
        n => {
            out.put_u8(127);
            out.put_u64(n as u64);
        }
    }
    out.put_slice(payload);
    out.freeze()
}

/// Whole frames the hub writes itself, beside tungstenite: the writer puts
/// one message here and flushes the socket; the bytes go out at that flush
/// (or before anything tungstenite writes after them), straight from the
/// message's own buffer, shared by every connection that gets it.
///
/// Why: tungstenite copies each frame into an output buffer that keeps the
/// size of the largest frame it ever held (a welcome, on every idle phone),
/// and writes a fragmented message a frame at a time. Here a broadcast costs
/// each connection one write of shared bytes and nothing held afterwards.
#[derive(Clone, Default)]
pub struct Frames(Arc<Mutex<Pending>>);

#[derive(Default)]
struct Pending {
    bytes: Bytes,
    at: usize,
}

impl Frames {
    /// Queue one message's bytes for the next flush; false if the last one
    /// never left (the connection closed under it).
    pub fn put(&self, bytes: Bytes) -> bool {
        let mut p = self.0.lock().expect("frames");
        if p.at < p.bytes.len() {
            return false;
        }
        *p = Pending { bytes, at: 0 };
        true
    }

    fn poll_write_to<S: AsyncWrite + Unpin>(&self, inner: &mut S, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut p = self.0.lock().expect("frames");
        while p.at < p.bytes.len() {
            let at = p.at;
            let n = ready!(Pin::new(&mut *inner).poll_write(cx, &p.bytes[at..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            p.at += n;
        }
        if !p.bytes.is_empty() {
            *p = Pending::default();
        }
        Poll::Ready(Ok(()))
    }
}

/// The socket under tungstenite. Read side, when compression was
/// negotiated: client frames pass through, except compressed messages,
/// which are collected, inflated (at most `limit` bytes, compressed or
/// not) and handed on as one ordinary frame. Write side: the hub's own
/// [`Frames`] first, then what tungstenite writes (pings, pongs, closes).
pub struct Inflating<S> {
    inner: S,
    frames: Frames,
    on: bool,
    limit: usize,
    /// Bytes read from the socket, not yet a whole frame.
    raw: BytesMut,
    /// Frames ready for tungstenite.
    out: BytesMut,
    /// The compressed message being collected: its opcode and payload so far.
    message: Option<(u8, Vec<u8>)>,
    /// Tungstenite's last write went out only in part: its next write
    /// carries the rest, and the hub's frames wait until it is whole (never
    /// inside one of its frames).
    mid: bool,
}

impl<S> Inflating<S> {
    pub fn new(inner: S, on: bool, limit: usize) -> Inflating<S> {
        Inflating {
            inner,
            frames: Frames::default(),
            on,
            limit,
            raw: BytesMut::new(),
            out: BytesMut::new(),
            message: None,
            mid: false,
        }
    }

    /// Where the hub puts its own whole frames for this socket.
    pub fn frames(&self) -> Frames {
        self.frames.clone()
    }

    /// The socket itself, to read away what a closed connection still sends.
    pub fn inner_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Turn every whole frame in `raw` into output.
    fn process(&mut self) -> io::Result<()> {
        while let Some(h) = Header::parse(&self.raw, Sender::Client).map_err(refused)? {
            if h.payload > self.limit as u64 {
                return Err(too_large("frame too large"));
            }
            let total = h.len + h.payload as usize;
            if self.raw.len() < total {
                self.raw.reserve(total - self.raw.len());
                return Ok(());
            }
            let frame = self.raw.split_to(total);
            let control = h.opcode & 0x8 != 0;
            if !control && h.opcode != 0 && self.message.is_some() {
                return Err(bad("a new message before the compressed one ended"));
            }
            let compressed = h.rsv1 || (!control && h.opcode == 0 && self.message.is_some());
            if !compressed {
                if h.rsv1 {
                    return Err(bad("RSV1 on a frame that cannot be compressed"));
                }
                self.out.extend_from_slice(&frame);
                continue;
            }
            if control || (h.rsv1 && (h.opcode == 0 || self.message.is_some())) {
                return Err(bad("RSV1 out of place"));
            }
            let mask = h.mask.expect("a client's frame is masked (Header::parse)");
            let mut payload = frame[h.len..].to_vec();
            for (i, b) in payload.iter_mut().enumerate() {
                *b ^= mask[i % 4];
            }
            let (opcode, collected) = self.message.get_or_insert_with(|| (h.opcode, Vec::new()));
            if collected.len() + payload.len() > self.limit {
                return Err(too_large("compressed message too large"));
            }
            collected.extend_from_slice(&payload);
            if h.fin {
                let opcode = *opcode;
                let data = self.message.take().map(|(_, d)| d).unwrap_or_default();
                let plain = inflate(&data, self.limit)?;
                // To tungstenite, as a client's frame (masked with a zero key).
                let (header, n) = Header::write(opcode, plain.len(), Sender::Client);
                self.out.extend_from_slice(&header[..n]);
                self.out.extend_from_slice(&plain);
            }
        }
        Ok(())
    }
}

fn bad(why: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why)
}

/// A frame or message over the limit: the connection gets close 1009.
#[derive(Debug)]
struct TooLarge(&'static str);

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for TooLarge {}

fn too_large(why: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, TooLarge(why))
}

fn refused(r: Refusal) -> io::Error {
    match r {
        Refusal::TooLarge(why) => too_large(why),
        Refusal::Broken(why) => io::Error::new(io::ErrorKind::InvalidData, why),
    }
}

/// Whether a read failed because a frame or message was over the limit.
pub fn is_too_large(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|e| e.is::<TooLarge>())
}

impl<S: AsyncRead + Unpin> AsyncRead for Inflating<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if !this.on {
            return Pin::new(&mut this.inner).poll_read(cx, buf);
        }
        loop {
            if !this.out.is_empty() {
                let n = this.out.len().min(buf.remaining());
                buf.put_slice(&this.out[..n]);
                this.out.advance(n);
                if this.out.is_empty() {
                    this.out = BytesMut::new();
                }
                return Poll::Ready(Ok(()));
            }
            let mut chunk = [0u8; 2048];
            let mut rb = ReadBuf::new(&mut chunk);
            ready!(Pin::new(&mut this.inner).poll_read(cx, &mut rb))?;
            if rb.filled().is_empty() {
                // End of stream: whatever is half-read is lost with it.
                return Poll::Ready(Ok(()));
            }
            this.raw.extend_from_slice(rb.filled());
            this.process()?;
            if this.raw.is_empty() {
                // Hold no memory while idle.
                this.raw = BytesMut::new();
            }
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Inflating<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if !this.mid {
            ready!(this.frames.poll_write_to(&mut this.inner, cx))?;
        }
        let n = ready!(Pin::new(&mut this.inner).poll_write(cx, buf))?;
        this.mid = n < buf.len();
        Poll::Ready(Ok(n))
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if !this.mid {
            ready!(this.frames.poll_write_to(&mut this.inner, cx))?;
        }
        let n = ready!(Pin::new(&mut this.inner).poll_write_vectored(cx, bufs))?;
        this.mid = n < bufs.iter().map(|b| b.len()).sum::<usize>();
        Poll::Ready(Ok(n))
    }
    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        // Tungstenite flushes only once its own bytes are all written.
        if !this.mid {
            ready!(this.frames.poll_write_to(&mut this.inner, cx))?;
        }
        Pin::new(&mut this.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        ready!(this.frames.poll_write_to(&mut this.inner, cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[test]
    fn offers_are_read_like_browsers_send_them() {
        assert!(accepts(&["permessage-deflate; client_max_window_bits"]));
        assert!(accepts(&["permessage-deflate"]));
        assert!(accepts(&["x-webkit-deflate-frame, permessage-deflate; server_no_context_takeover"]));
        assert!(accepts(&["permessage-deflate; server_max_window_bits=10", "permessage-deflate"]));
        assert!(!accepts(&["permessage-deflate; server_max_window_bits=10"]));
        assert!(!accepts(&["permessage-deflate; something_else"]));
        assert!(!accepts(&["permessage-deflate; client_max_window_bits=16"]));
        assert!(!accepts(&["permessage-deflate; server_no_context_takeover; server_no_context_takeover"]));
        assert!(!accepts(&[]));
    }

    #[test]
    fn what_is_deflated_inflates_back_and_is_smaller() {
        let text = r#"{"type":"welcome","snapshot":{"proposals":["#.to_string()
            + &(1..500)
                .map(|i| format!(r#"{{"id":"P{i:03}","title":"楼道声控灯改造"}}"#))
                .collect::<Vec<_>>()
                .join(",")
            + "]}}";
        for shared in [true, false] {
            let d = deflate(text.as_bytes(), shared);
            assert!(d.len() * 5 < text.len(), "{} → {}", text.len(), d.len());
            assert!(!d.ends_with(&[0, 0, 0xff, 0xff]));
            assert_eq!(inflate(&d, 1 << 20).unwrap(), text.as_bytes());
            // The same bytes every time: no context kept between messages.
            assert_eq!(deflate(text.as_bytes(), shared), d);
        }
        let bomb = inflate(&deflate(text.as_bytes(), true), 1000).unwrap_err();
        assert!(is_too_large(&bomb), "a bomb stops at the limit, as too large: {bomb}");
        assert!(inflate(b"\xff\xfe garbage", 1000).is_err());
    }

    #[test]
    fn a_broadcast_is_deflated_once_and_only_if_worth_it() {
        let w = Wire::new(Utf8Bytes::from("x".repeat(4000)));
        let a = w.deflated().unwrap().clone();
        assert!(std::ptr::eq(w.deflated().unwrap().as_ptr(), a.as_ptr()));
        assert!(Wire::new(Utf8Bytes::from("small")).deflated().is_none());
    }

    fn client_frame(fin: bool, rsv1: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
        let mask = [0x12, 0x34, 0x56, 0x78];
        let mut f = vec![(if fin { 0x80 } else { 0 }) | (if rsv1 { 0x40 } else { 0 }) | opcode];
        if payload.len() < 126 {
            f.push(0x80 | payload.len() as u8);
        } else {
            f.push(0x80 | 126);
            f.extend_from_slice(&(payload.len() as u16).to_be_bytes());
        }
        f.extend_from_slice(&mask);
        f.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        f
    }

    async fn through(input: Vec<u8>, limit: usize) -> io::Result<Vec<u8>> {
        let (mut a, b) = tokio::io::duplex(1 << 16);
        let mut r = Inflating::new(b, true, limit);
        // Byte by byte: frames split anywhere must come out whole.
        tokio::spawn(async move {
            for byte in input {
                let _ = a.write_all(&[byte]).await;
            }
        });
        let mut out = vec![];
        r.read_to_end(&mut out).await?;
        Ok(out)
    }

    #[tokio::test]
    async fn compressed_client_messages_are_handed_on_inflated() {
        let text = r#"{"type":"command","id":"c1","command":{"kind":"add_note","text":"老人上下楼需要扶手老人上下楼需要扶手"}}"#;
        let d = deflate(text.as_bytes(), false);
        let (one, two) = d.split_at(d.len() / 2);
        let mut input = client_frame(true, false, 0x1, b"plain");
        input.extend(client_frame(false, true, 0x1, one));
        input.extend(client_frame(true, false, 0x9, b"ping")); // a ping between fragments
        input.extend(client_frame(true, false, 0x0, two));
        let out = through(input.clone(), 1 << 16).await.unwrap();
        // plain frame as sent; the ping as sent; then the message, whole, uncompressed.
        let plain = client_frame(true, false, 0x1, b"plain");
        let ping = client_frame(true, false, 0x9, b"ping");
        assert_eq!(&out[..plain.len()], &plain[..]);
        assert_eq!(&out[plain.len()..plain.len() + ping.len()], &ping[..]);
        let rest = &out[plain.len() + ping.len()..];
        assert_eq!(rest[0], 0x81, "final text frame, no RSV1");
        assert_eq!(rest[1] & 0x80, 0x80, "masked (zero key)");
        assert_eq!(&rest[rest.len() - text.len()..], text.as_bytes());
        // Too much after inflating: the connection fails.
        assert!(through(input, 40).await.is_err());
        // Unmasked client frames are refused.
        assert!(through(vec![0x81, 0x01, b'x'], 1024).await.is_err());
    }

    #[tokio::test]
    async fn the_hubs_own_frames_go_out_whole_and_in_order() {
        use futures_util::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::protocol::Role;
        use tokio_tungstenite::tungstenite::Message;
        use tokio_tungstenite::WebSocketStream;
        let (a, b) = tokio::io::duplex(1024);
        let io = Inflating::new(a, false, 1 << 20);
        let frames = io.frames();
        let server = WebSocketStream::from_raw_socket(io, Role::Server, None).await;
        let mut client = WebSocketStream::from_raw_socket(b, Role::Client, None).await;
        let (mut sink, _stream) = server.split();
        // Larger than the pipe: written over several turns, one frame.
        let big = Wire::new(Utf8Bytes::from("大".repeat(20_000)));
        let sending = async {
            assert!(frames.put(big.frame(false)));
            sink.flush().await.unwrap();
            sink.send(Message::Ping(Bytes::from_static(b"p"))).await.unwrap();
            assert!(frames.put(frame(b"small", false)));
            sink.flush().await.unwrap();
        };
        let reading = async {
            let mut got = vec![];
            while got.len() < 3 {
                got.push(client.next().await.unwrap().unwrap());
            }
            got
        };
        let ((), got) = tokio::join!(sending, reading);
        assert_eq!(got[0], Message::Text(big.text.clone()));
        assert_eq!(got[1], Message::Ping(Bytes::from_static(b"p")));
        assert_eq!(got[2], Message::Text(Utf8Bytes::from("small")));
        // The frame is built once and shared.
        assert_eq!(big.frame(false).as_ptr(), big.frame(false).as_ptr());
    }

    /// A socket that takes at most `step` bytes per write.
    struct Trickle {
        got: Vec<u8>,
        step: usize,
    }

    impl AsyncWrite for Trickle {
        fn poll_write(mut self: Pin<&mut Self>, _: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
            let n = buf.len().min(self.step);
            self.got.extend_from_slice(&buf[..n]);
            Poll::Ready(Ok(n))
        }
        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    #[tokio::test]
    async fn a_hub_frame_never_lands_inside_one_of_tungstenites() {
        use tokio::io::AsyncWriteExt;
        let mut io = Inflating::new(Trickle { got: vec![], step: 3 }, false, 1024);
        let frames = io.frames();
        // Tungstenite's pong (6 bytes) goes out in part…
        let pong = [0x8A, 0x04, b'p', b'o', b'n', b'g'];
        let n = io.write(&pong).await.unwrap();
        assert_eq!(n, 3);
        // …the hub queues a message meanwhile…
        let hub = frame(b"hi", false);
        assert!(frames.put(hub.clone()));
        // …and tungstenite writes the rest of its frame before the hub's goes.
        io.write_all(&pong[n..]).await.unwrap();
        io.flush().await.unwrap();
        let mut want = pong.to_vec();
        want.extend_from_slice(&hub);
        assert_eq!(io.inner.got, want);
    }
}
