//! What a person may type as the hub's address: the WebSocket URL the hub
//! prints, the page address residents open, or a whole join link from a
//! card (which also carries the token).

use yuanzhuo_protocol::words::{verify, Words};

/// A hub to connect to: its WebSocket URL, its pages' base, and a token if
/// the address was a join link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubAddress {
    /// `ws://HOST:PORT/ws`
    pub ws_url: String,
    /// `http://HOST:PORT`
    pub http_base: String,
    pub token: Option<String>,
}

/// Accepts `ws://h:p/ws`, `ws://h:p`, `http://h:p`, `http://h:p/j/TOKEN`,
/// `http://h:p/PAGE#token=TOKEN`, or a bare `h:p` (port 8470 if none).
pub fn parse_hub(input: &str) -> Result<HubAddress, String> {
    let s = input.trim();
    if s.is_empty() {
        return Err(both(verify::HUB_ADDRESS_EMPTY, &[]));
    }
    let (scheme, rest) = match s.split_once("://") {
        Some((sc, rest)) => (sc.to_ascii_lowercase(), rest),
        None => ("ws".to_string(), s),
    };
    let secure = match scheme.as_str() {
        "ws" | "http" => false,
        "wss" | "https" => true,
        other => return Err(both(verify::UNSUPPORTED_ADDRESS_SCHEME, &[("scheme", other)])),
    };
    let (rest, fragment) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (rest, None),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if authority.is_empty() || authority.contains(char::is_whitespace) {
        return Err(both(verify::CANNOT_READ_ADDRESS, &[("address", s)]));
    }
    let authority =
        if authority.rsplit_once(':').is_some_and(|(_, p)| p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty())
            || authority.ends_with(']')
        {
            authority.to_string()
        } else {
            format!("{authority}:8470")
        };
    let token = fragment
        .and_then(|f| f.split('&').find_map(|kv| kv.strip_prefix("token=")))
        .or_else(|| path.strip_prefix("/j/"))
        .map(|t| t.trim_end_matches('/').to_string())
        .filter(|t| !t.is_empty());
    let (ws, http) = if secure { ("wss", "https") } else { ("ws", "http") };
    Ok(HubAddress { ws_url: format!("{ws}://{authority}/ws"), http_base: format!("{http}://{authority}"), token })
}

/// A refusal in both languages, "中文 / English" (said before the
/// interface language is known).
fn both(w: Words, values: &[(&str, &str)]) -> String {
    let (zh, en) = w.fill(values);
    format!("{zh} / {en}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_form_people_paste() {
        let a = parse_hub("ws://192.168.1.20:8470/ws").unwrap();
        assert_eq!(a.ws_url, "ws://192.168.1.20:8470/ws");
        assert_eq!(a.http_base, "http://192.168.1.20:8470");
        assert_eq!(a.token, None);
        assert_eq!(parse_hub("192.168.1.20").unwrap().ws_url, "ws://192.168.1.20:8470/ws");
        assert_eq!(parse_hub("http://127.0.0.1:9000").unwrap().ws_url, "ws://127.0.0.1:9000/ws");
        let j = parse_hub(" http://10.0.0.5:8470/j/K7M2Q9XP2HDRABCD ").unwrap();
        assert_eq!(j.token.as_deref(), Some("K7M2Q9XP2HDRABCD"));
        assert_eq!(j.ws_url, "ws://10.0.0.5:8470/ws");
        let f = parse_hub("http://10.0.0.5:8470/table#token=ABC").unwrap();
        assert_eq!(f.token.as_deref(), Some("ABC"));
        assert!(parse_hub("").is_err());
        assert!(parse_hub("ftp://x").is_err());
    }
}
