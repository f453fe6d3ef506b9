//! Where residents join: the hub's `GET /api/info` (its `base_url`, the LAN
//! address the hub printed), asked with a tiny HTTP/1.1 request over a
//! plain TCP stream. The projector falls back to the `--hub` address when
//! the hub cannot answer yet, and asks again after the next connect.

use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Largest answer read: the info document is a few hundred bytes.
const MAX_RESPONSE: usize = 64 * 1024;

/// Ask the hub at `http_base` (`http://HOST:PORT`) for its join address.
pub async fn fetch_join_url(http_base: &str, limit: Duration) -> Result<String, String> {
    let authority = http_base
        .strip_prefix("http://")
        .ok_or_else(|| crate::text::both(yuanzhuo_protocol::words::ui::ONLY_HTTP, &[("url", http_base)]))?
        .trim_end_matches('/');
    let exchange = async {
        let mut stream = TcpStream::connect(authority).await.map_err(|e| e.to_string())?;
        let request = format!(
            "GET /api/info HTTP/1.1\r\nHost: {authority}\r\nAccept: application/json\r\nUser-Agent: yuanzhuo-projector\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.map_err(|e| e.to_string())?;
        let mut body = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let n = stream.read(&mut chunk).await.map_err(|e| e.to_string())?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
            if body.len() > MAX_RESPONSE {
                return Err("answer too large".to_string());
            }
        }
        Ok::<Vec<u8>, String>(body)
    };
    let bytes = tokio::time::timeout(limit, exchange).await.map_err(|_| "timed out".to_string())??;
    parse_response(&bytes)
}

/// The `base_url` from a raw HTTP response to `/api/info`.
pub fn parse_response(raw: &[u8]) -> Result<String, String> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or("no end of headers")?;
    let head = std::str::from_utf8(&raw[..split]).map_err(|_| "headers are not text")?;
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap_or("");
    if status.split_whitespace().nth(1) != Some("200") {
        return Err(format!("hub answered {status:?}"));
    }
    let chunked = lines.any(|l| {
        l.split_once(':').is_some_and(|(k, v)| {
            k.trim().eq_ignore_ascii_case("transfer-encoding") && v.to_ascii_lowercase().contains("chunked")
        })
    });
    let body = &raw[split + 4..];
    let body = if chunked { dechunk(body)? } else { body.to_vec() };
    let v: serde_json::Value = serde_json::from_slice(&body).map_err(|e| format!("not JSON: {e}"))?;
    match v.get("base_url").and_then(|b| b.as_str()) {
        Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
            Ok(url.trim_end_matches('/').to_string())
        }
        _ => Err("no base_url in the answer".into()),
    }
}

fn dechunk(mut b: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let eol = b.windows(2).position(|w| w == b"\r\n").ok_or("bad chunk")?;
        let size_text = std::str::from_utf8(&b[..eol]).map_err(|_| "bad chunk size")?;
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| "bad chunk size")?;
        b = &b[eol + 2..];
        if size == 0 {
            return Ok(out);
        }
        if b.len() < size {
            return Err("short chunk".into());
        }
        out.extend_from_slice(&b[..size]);
        b = b.get(size + 2..).unwrap_or(&[]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_and_chunked_answers() {
        let plain = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 44\r\n\r\n{\"base_url\":\"http://192.168.1.20:8470\",\"x\":1}";
        assert_eq!(parse_response(plain).unwrap(), "http://192.168.1.20:8470");
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"base_url\":\"htt\r\n14\r\np://10.0.0.5:8470/\"}\r\n0\r\n\r\n";
        assert_eq!(parse_response(chunked).unwrap(), "http://10.0.0.5:8470");
        assert!(parse_response(b"HTTP/1.1 404 Not Found\r\n\r\n").is_err());
        assert!(parse_response(b"HTTP/1.1 200 OK\r\n\r\n{\"base_url\":5}").is_err());
        assert!(parse_response(b"garbage").is_err());
    }
}
