//! The hub's secret key (kept in the database, `meta`), and the two things
//! it does:
//!
//! - **Tags.** Every log position the hub tells a client (`seq`, `log_head`)
//!   carries `log_tag` = HMAC-SHA256 over them. A client sends its last one
//!   back in `hello` (`seen`); a tag the hub cannot have issued is ignored,
//!   so no client can stop the meeting by claiming a position it never saw.
//! - **Seals.** While `tally = "hidden_until_close"` keeps the count from
//!   everyone, the bodies of the entries written during the vote go to
//!   witnesses sealed (ChaCha20-Poly1305, the nonce from the entry's hash):
//!   a witness holds them, cannot read them, and `hub restore` opens them
//!   with the key of the folder they came from.
//!
//! The key never leaves the data folder (not in exports, not in witness copies).

use anyhow::{bail, Result};
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use yuanzhuo_protocol::Seen;

type HmacSha256 = Hmac<Sha256>;

/// Bytes of a tag (128 bits), sent as hex.
const TAG_BYTES: usize = 16;

#[derive(Clone)]
pub struct Keys {
    tag: [u8; 32],
    seal: [u8; 32],
}

fn derive(master: &[u8], label: &str) -> [u8; 32] {
    let mut m = <HmacSha256 as Mac>::new_from_slice(master).expect("HMAC takes any key length");
    m.update(label.as_bytes());
    m.finalize().into_bytes().into()
}

impl Keys {
    /// The keys of a folder: its master key, and the tag epoch (raised when
    /// an organiser accepts a known loss, so that positions shown before it
    /// no longer count as evidence; seals are unaffected).
    pub fn from_master(master: &[u8], epoch: u64) -> Keys {
        Keys { tag: derive(master, &format!("yuanzhuo log tag/1/{epoch}")), seal: derive(master, "yuanzhuo seal/1") }
    }

    fn mac(&self, seq: u64, head: &str) -> HmacSha256 {
        let mut m = <HmacSha256 as Mac>::new_from_slice(&self.tag).expect("HMAC takes any key length");
        m.update(format!("{seq}:{head}").as_bytes());
        m
    }

    /// The tag of a log position.
    pub fn tag(&self, seq: u64, head: &str) -> String {
        hex::encode(&self.mac(seq, head).finalize().into_bytes()[..TAG_BYTES])
    }

    /// Did this hub (this folder's key) issue the tag of `seen`? Constant time.
    pub fn issued(&self, seen: &Seen) -> bool {
        match hex::decode(&seen.tag) {
            Ok(t) if t.len() == TAG_BYTES => self.mac(seen.seq, &seen.head).verify_truncated_left(&t).is_ok(),
            _ => false,
        }
    }

    fn cipher(&self) -> ChaCha20Poly1305 {
        ChaCha20Poly1305::new(Key::from_slice(&self.seal))
    }

    /// Seal an entry's body: base64 of the ciphertext; the nonce is the first
    /// 12 bytes of the entry's hash, which also authenticates as associated data.
    pub fn seal(&self, hash: &str, body: &str) -> String {
        let nonce = nonce_of(hash);
        let sealed = self
            .cipher()
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: body.as_bytes(), aad: hash.as_bytes() })
            .expect("ChaCha20-Poly1305 seals any message this size");
        base64::engine::general_purpose::STANDARD.encode(sealed)
    }

    /// Open a sealed body; fails if this is not the key that sealed it.
    pub fn open(&self, hash: &str, sealed: &str) -> Result<String> {
        let bytes = base64::engine::general_purpose::STANDARD.decode(sealed)?;
        let nonce = nonce_of(hash);
        match self.cipher().decrypt(Nonce::from_slice(&nonce), Payload { msg: &bytes, aad: hash.as_bytes() }) {
            Ok(plain) => Ok(String::from_utf8(plain)?),
            Err(_) => bail!("cannot be opened with this data folder's key"),
        }
    }
}

fn nonce_of(hash: &str) -> [u8; 12] {
    let mut n = [0u8; 12];
    let bytes = hex::decode(hash.get(..24).unwrap_or("")).unwrap_or_default();
    n[..bytes.len().min(12)].copy_from_slice(&bytes[..bytes.len().min(12)]);
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_prove_the_hub_said_it() {
        let k = Keys::from_master(&[7u8; 32], 0);
        let head = "ab".repeat(32);
        let seen = Seen { seq: 12, head: head.clone(), tag: k.tag(12, &head) };
        assert!(k.issued(&seen));
        assert!(!k.issued(&Seen { seq: 13, ..seen.clone() }), "another position");
        assert!(!Keys::from_master(&[8u8; 32], 0).issued(&seen), "another folder's key");
        assert!(!Keys::from_master(&[7u8; 32], 1).issued(&seen), "a loss accepted since");
        assert!(!k.issued(&Seen { tag: "00".repeat(16), ..seen.clone() }));
        assert!(!k.issued(&Seen { tag: "zz".into(), ..seen }));
    }

    #[test]
    fn seals_open_only_with_the_key_that_sealed_them() {
        let k = Keys::from_master(&[7u8; 32], 0);
        let hash = "cd".repeat(32);
        let body = r#"{"seq":5,"event":{"type":"ballot_cast","choices":["P01"]}}"#;
        let sealed = k.seal(&hash, body);
        assert!(!sealed.contains("P01"));
        assert_eq!(k.open(&hash, &sealed).unwrap(), body);
        assert!(Keys::from_master(&[8u8; 32], 0).open(&hash, &sealed).is_err());
        assert_eq!(
            Keys::from_master(&[7u8; 32], 3).open(&hash, &sealed).unwrap(),
            body,
            "the epoch leaves seals alone"
        );
        assert!(k.open(&"ce".repeat(32), &sealed).is_err(), "bound to its entry");
    }
}
