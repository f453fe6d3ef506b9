//! The hash chain's arithmetic (see docs/verification.md): how an entry's
//! hash, a ballot's receipt and the rules' fingerprint are derived.
//! Pure functions, so the hub, `hub verify` and tests agree by construction.

use sha2::{Digest, Sha256};
use yuanzhuo_protocol::Definition;

/// The `prev` of the first entry: 64 zeros.
pub const GENESIS_PREV: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// hash = hex(SHA-256(prev_hex_ascii ‖ body_utf8)), lower-case.
pub fn chain_hash(prev_hex: &str, body: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev_hex.as_bytes());
    h.update(body.as_bytes());
    hex::encode(h.finalize())
}

/// Crockford base32 alphabet: no I, L, O or U, so a code read aloud is not misheard.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A ballot receipt: the first 40 bits of its entry's hash as 8 Crockford
/// base32 characters, "XXXX-XXXX". Short enough to read aloud, and anyone
/// holding the exported log can find their ballot by it.
pub fn receipt_from_hash(hash_hex: &str) -> String {
    let bytes = hex::decode(&hash_hex[..10.min(hash_hex.len())]).unwrap_or_default();
    let mut v: u64 = 0;
    for b in bytes.iter().take(5) {
        v = (v << 8) | *b as u64;
    }
    let mut out = String::with_capacity(9);
    for i in 0..8 {
        if i == 4 {
            out.push('-');
        }
        let shift = 35 - 5 * i;
        out.push(CROCKFORD[((v >> shift) & 31) as usize] as char);
    }
    out
}

/// Short fingerprint of the locked rules and proposals: the first 32 bits of
/// SHA-256 over the definition's JSON, as "XXXX-XXXX" upper-case hex. Any
/// change to rules, budget or a proposal's cost changes it.
pub fn fingerprint(def: &Definition) -> String {
    let json = serde_json::to_string(def).expect("definition serialises");
    let digest = hex::encode_upper(Sha256::digest(json.as_bytes()));
    format!("{}-{}", &digest[0..4], &digest[4..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vector() {
        // sha256("0"*64 + "{}")
        let h = chain_hash(GENESIS_PREV, "{}");
        assert_eq!(h.len(), 64);
        assert_eq!(h, chain_hash(GENESIS_PREV, "{}"));
        assert_ne!(h, chain_hash(GENESIS_PREV, "{ }"));
    }

    #[test]
    fn receipt_shape() {
        let r = receipt_from_hash("ffffffffff00");
        assert_eq!(r, "ZZZZ-ZZZZ");
        let r = receipt_from_hash("0000000000ff");
        assert_eq!(r, "0000-0000");
        let r = receipt_from_hash("0842108421");
        assert_eq!(r, "1111-1111");
    }
}
