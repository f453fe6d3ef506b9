//! What both ends of a Yuanzhuo WebSocket share of permessage-deflate
//! (RFC 7692), which tungstenite 0.30 lacks: reading and writing a frame's
//! header, and inflating one compressed message within a limit. The hub
//! (`hub/src/wire/deflate.rs`) reads its clients' frames with these; the
//! shared client (`hub/client/src/deflate.rs`) reads the hub's. What differs
//! between the two ends (who masks, what a refusal closes the connection
//! with, the handshake) stays with each.
//!
//! Invariants, stated as absences: nothing here keeps state between
//! messages (both ends agree on no context takeover), does IO, or inflates
//! past the limit it is given.

use flate2::{Decompress, FlushDecompress, Status};

/// Whose frames are read: a client masks every frame it sends, a server
/// never does (RFC 6455 §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    Client,
    Server,
}

/// Why a frame or message is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Over the limit the reader was given (the hub closes with 1009).
    TooLarge(&'static str),
    /// Not what the protocol allows, or not deflate data.
    Broken(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::TooLarge(why) => f.write_str(why),
            Refusal::Broken(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for Refusal {}

fn broken(why: &str) -> Refusal {
    Refusal::Broken(why.to_string())
}

/// A frame's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub fin: bool,
    pub rsv1: bool,
    pub opcode: u8,
    /// The masking key (a client's frames only).
    pub mask: Option<[u8; 4]>,
    /// Header length in bytes, the masking key included.
    pub len: usize,
    /// Payload length in bytes.
    pub payload: u64,
}

impl Header {
    /// The header at the start of `b`, if it is all there, of a frame `from`
    /// sent: masked from a client, unmasked from a server, or refused.
    pub fn parse(b: &[u8], from: Sender) -> Result<Option<Header>, Refusal> {
        if b.len() < 2 {
            return Ok(None);
        }
        let masked = b[1] & 0x80 != 0;
        match (from, masked) {
            (Sender::Client, false) => return Err(broken("unmasked frame from a client")),
            (Sender::Server, true) => return Err(broken("masked frame from the server")),
            _ => {}
        }
        let (payload, at) = match b[1] & 0x7f {
            126 if b.len() >= 4 => (u16::from_be_bytes([b[2], b[3]]) as u64, 4),
            127 if b.len() >= 10 => (u64::from_be_bytes([b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9]]), 10),
            126 | 127 => return Ok(None),
            n => (n as u64, 2),
        };
        let len = if masked { at + 4 } else { at };
        if b.len() < len {
            return Ok(None);
        }
        Ok(Some(Header {
            fin: b[0] & 0x80 != 0,
            rsv1: b[0] & 0x40 != 0,
            opcode: b[0] & 0x0f,
            mask: masked.then(|| [b[at], b[at + 1], b[at + 2], b[at + 3]]),
            len,
            payload,
        }))
    }

    /// The header of a final, uncompressed frame of `len` bytes, as `from`
    /// would send it: a client's masked with a zero key (so the payload that
    /// follows is as is), a server's unmasked. Returns the bytes and how many
    /// of them are the header.
    pub fn write(opcode: u8, len: usize, from: Sender) -> ([u8; 14], usize) {
        let mask = if from == Sender::Client { 0x80 } else { 0 };
        let mut out = [0u8; 14];
        out[0] = 0x80 | opcode;
        let mut n = if len < 126 {
            out[1] = mask | len as u8;
            2
        } else if len <= u16::MAX as usize {
            out[1] = mask | 126;
            out[2..4].copy_from_slice(&(len as u16).to_be_bytes());
            4
        } else {
            out[1] = mask | 127;
            out[2..10].copy_from_slice(&(len as u64).to_be_bytes());
            10
        };
        if from == Sender::Client {
            n += 4; // a zero key: already zeros
        }
        (out, n)
    }
}

/// How much of a message to inflate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    /// All of it, refused if it grows past the limit.
    Whole,
    /// Only its first `limit` bytes (a glance at its head).
    Head,
}

/// Inflate one permessage-deflate message (raw deflate, its empty-block
/// tail removed by the sender), at most `limit` bytes of it.
pub fn inflate(data: &[u8], limit: usize, take: Take) -> Result<Vec<u8>, Refusal> {
    let whole = take == Take::Whole;
    let mut z = Decompress::new(false);
    let mut out = Vec::with_capacity(if whole { (data.len() * 4).min(limit + 1) } else { limit });
    let tail = [0u8, 0, 0xff, 0xff];
    for chunk in [data, &tail[..]] {
        let mut input = chunk;
        while !input.is_empty() {
            if out.len() > limit && whole {
                return Err(Refusal::TooLarge("inflated message too large"));
            }
            if !whole && (out.len() >= limit || out.capacity() == out.len()) {
                return Ok(out);
            }
            if out.capacity() == out.len() {
                out.reserve(out.capacity().max(1024));
            }
            let (before_in, before_out) = (z.total_in(), z.total_out());
            let status =
                z.decompress_vec(input, &mut out, FlushDecompress::Sync).map_err(|e| Refusal::Broken(e.to_string()))?;
            input = &input[(z.total_in() - before_in) as usize..];
            if status == Status::StreamEnd {
                break;
            }
            if z.total_in() == before_in && z.total_out() == before_out && out.len() < out.capacity() {
                return Err(broken("the compressed data goes nowhere"));
            }
        }
    }
    if whole && out.len() > limit {
        return Err(Refusal::TooLarge("inflated message too large"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Compress, Compression, FlushCompress};

    fn deflate(text: &[u8]) -> Vec<u8> {
        let mut z = Compress::new(Compression::new(6), false);
        let mut out = Vec::with_capacity(text.len() + 64);
        z.compress_vec(text, &mut out, FlushCompress::Sync).unwrap();
        out.truncate(out.len() - 4);
        out
    }

    fn text() -> Vec<u8> {
        (0..400).map(|i| format!(r#"{{"id":"P{i:03}","title":"楼道声控灯改造"}},"#)).collect::<String>().into_bytes()
    }

    #[test]
    fn a_message_inflates_whole_or_as_far_as_its_head() {
        let t = text();
        let d = deflate(&t);
        assert_eq!(inflate(&d, 1 << 20, Take::Whole).unwrap(), t);
        assert_eq!(inflate(&d, 100, Take::Head).unwrap(), t[..100].to_vec());
        assert_eq!(inflate(&d, t.len(), Take::Whole).unwrap(), t, "exactly the limit is taken");
    }

    #[test]
    fn a_bomb_stops_at_the_limit_and_garbage_is_refused() {
        let d = deflate(&vec![b'x'; 1 << 20]);
        assert!(d.len() < 4096);
        assert_eq!(inflate(&d, 1000, Take::Whole), Err(Refusal::TooLarge("inflated message too large")));
        assert_eq!(inflate(&d, 1000, Take::Head).unwrap().len(), 1000);
        assert!(matches!(inflate(b"\xff\xfe garbage", 1000, Take::Whole), Err(Refusal::Broken(_))));
    }

    #[test]
    fn headers_are_read_back_as_written_and_masking_is_checked() {
        for len in [0, 125, 126, 65535, 65536] {
            for from in [Sender::Client, Sender::Server] {
                let (h, n) = Header::write(1, len, from);
                let got = Header::parse(&h[..n], from).unwrap().expect("whole");
                assert_eq!((got.fin, got.rsv1, got.opcode, got.len, got.payload), (true, false, 1, n, len as u64));
                assert_eq!(got.mask, (from == Sender::Client).then_some([0; 4]));
                assert_eq!(Header::parse(&h[..n - 1], from).unwrap(), None, "not all there yet");
                let other = if from == Sender::Client { Sender::Server } else { Sender::Client };
                assert!(matches!(Header::parse(&h[..n], other), Err(Refusal::Broken(_))));
            }
        }
        let (h, n) = Header::write(9, 3, Sender::Client);
        assert_eq!(&h[..n], &[0x89, 0x83, 0, 0, 0, 0]);
    }
}
