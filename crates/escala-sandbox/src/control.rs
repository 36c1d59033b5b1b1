//! The emulator's control API over plain HTTP/1.1 on loopback. A few lines of std networking keep
//! this crate free of an HTTP client for two calls.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use crate::error::SandboxError;

/// True when the emulator answers at `endpoint` (`http://127.0.0.1:PORT`). Its dashboard page
/// answers in milliseconds; `data.json` would serialise every resource it holds (seconds, and
/// growing with each stack).
pub fn is_up(endpoint: &str) -> bool {
    request(endpoint, "GET", "/moto-api/", "").is_ok()
}

/// POSTs `body` to a control path such as `/moto-api/reset`; returns the response body.
pub fn post(endpoint: &str, path: &str, body: &str) -> Result<String, SandboxError> {
    request(endpoint, "POST", path, body).map_err(|reason| control(endpoint, path, reason))
}

/// GETs a control path such as `/moto-api/escala/balancers`; returns the response body.
pub fn get(endpoint: &str, path: &str) -> Result<String, SandboxError> {
    request(endpoint, "GET", path, "").map_err(|reason| control(endpoint, path, reason))
}

fn control(endpoint: &str, path: &str, reason: String) -> SandboxError {
    SandboxError::Control {
        endpoint: endpoint.into(),
        path: path.into(),
        reason,
    }
}

fn request(endpoint: &str, method: &str, path: &str, body: &str) -> Result<String, String> {
    let host = endpoint
        .strip_prefix("http://")
        .ok_or("only http:// endpoints are supported")?
        .trim_end_matches('/');
    let addr = host
        .to_socket_addrs()
        .map_err(|e| e.to_string())?
        .next()
        .ok_or("no address")?;
    let mut stream =
        TcpStream::connect_timeout(&addr, Duration::from_secs(2)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .map_err(|e| e.to_string())?;
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .map_err(|e| e.to_string())?;
    let status = response.split_whitespace().nth(1).unwrap_or("");
    if !status.starts_with('2') {
        return Err(format!("HTTP {status}"));
    }
    Ok(response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default())
}
