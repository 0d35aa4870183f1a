//! Just enough HTTP/1.1 for the devnet's own checks — a relayer's `/health`, and a few anvil
//! JSON-RPC calls (`evm_setIntervalMining`, `eth_getCode`, `eth_blockNumber`) — over a blocking
//! `TcpStream`, so the crate needs no async runtime and no HTTP stack. Clients that do real
//! work (the CLI's bridge commands, the tests) use alloy and subxt.

use std::{
    io::{Read, Write},
    net::{SocketAddr, TcpStream, ToSocketAddrs},
    time::Duration,
};

use serde_json::{Value, json};

use crate::error::{DevnetError, Result};

const TIMEOUT: Duration = Duration::from_secs(10);

/// A response: status code and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// The body, decoded from chunked transfer encoding if needed.
    pub body: String,
}

/// `GET path` on `addr`.
pub fn get(addr: SocketAddr, path: &str) -> std::io::Result<Response> {
    request(addr, &format!("GET {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n"))
}

/// Calls JSON-RPC `method` on the HTTP endpoint `url` (`http://host:port[/path]`) and returns
/// its `result`.
pub fn json_rpc(url: &str, method: &str, params: Value) -> Result<Value> {
    let fail = |reason: String| DevnetError::Rpc {
        url: url.to_owned(),
        method: method.to_owned(),
        reason,
    };
    let rest = url.strip_prefix("http://").ok_or_else(|| fail("not an http:// URL".into()))?;
    let (hostport, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, "/"),
    };
    let addr = hostport
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| fail(format!("cannot resolve {hostport}")))?;
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: {hostport}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let response = request(addr, &head).map_err(|e| fail(e.to_string()))?;
    if response.status != 200 {
        return Err(fail(format!("HTTP {}: {}", response.status, response.body)));
    }
    let mut reply: Value =
        serde_json::from_str(&response.body).map_err(|e| fail(format!("bad JSON: {e}")))?;
    if let Some(err) = reply.get("error") {
        return Err(fail(err.to_string()));
    }
    Ok(reply.get_mut("result").map(Value::take).unwrap_or(Value::Null))
}

fn request(addr: SocketAddr, raw: &str) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    stream.write_all(raw.as_bytes())?;
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes)?;
    parse(&String::from_utf8_lossy(&bytes))
}

fn parse(text: &str) -> std::io::Result<Response> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let (head, body) = text.split_once("\r\n\r\n").ok_or_else(|| bad("no end of headers"))?;
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status line"))?;
    let chunked = lines.any(|l| {
        l.split_once(':').is_some_and(|(k, v)| {
            k.trim().eq_ignore_ascii_case("transfer-encoding")
                && v.trim().eq_ignore_ascii_case("chunked")
        })
    });
    let body = if chunked {
        dechunk(body).ok_or_else(|| bad("bad chunked body"))?
    } else {
        body.to_owned()
    };
    Ok(Response { status, body })
}

fn dechunk(mut rest: &str) -> Option<String> {
    let mut out = String::new();
    loop {
        let (size, after) = rest.split_once("\r\n")?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        if size == 0 {
            return Some(out);
        }
        out.push_str(after.get(..size)?);
        rest = after.get(size..)?.strip_prefix("\r\n")?;
    }
}

/// A hex quantity (`"0x1a"`) as a number.
pub fn quantity(v: &Value) -> Option<u64> {
    u64::from_str_radix(v.as_str()?.strip_prefix("0x")?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_and_chunked_responses() {
        let plain = parse("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok").unwrap();
        assert_eq!(plain, Response { status: 200, body: "ok".into() });
        let chunked = parse(
            "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n5\r\npedia\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(chunked, Response { status: 503, body: "wikipedia".into() });
        assert!(parse("garbage").is_err());
    }

    #[test]
    fn reads_quantities() {
        assert_eq!(quantity(&json!("0x1a")), Some(26));
        assert_eq!(quantity(&json!("26")), None);
    }

    #[test]
    fn json_rpc_against_a_closed_port_says_where() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let url = format!("http://127.0.0.1:{port}");
        let err = json_rpc(&url, "eth_blockNumber", json!([])).unwrap_err().to_string();
        assert!(err.contains("eth_blockNumber") && err.contains(&url), "{err}");
    }
}
