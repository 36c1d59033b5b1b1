//! Trims a socket.io request to what the engine reads, each piece in an allocation of its own.
//!
//! hyper parses a request in place: its URI and header values are slices of the connection's read buffer
//! (8–16 KiB). socket.io keeps every socket's request parts for the socket's whole life, so a slice would pin
//! that buffer, which was more than half of an idle connection's memory. Of the headers, engine.io reads only
//! `Sec-WebSocket-Key` (to answer the upgrade) and `Content-Type` (of a polling POST), and the chat's handlers
//! read none: a browser's other headers (cookies, user agent, languages...) would stay with every connection
//! for nothing, so they are dropped.

use axum::extract::Request;
use axum::http::header::{CONTENT_TYPE, SEC_WEBSOCKET_KEY};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Uri};

/// The headers of a socket.io request that engine.io reads.
const READ_BY_ENGINE_IO: [HeaderName; 2] = [SEC_WEBSOCKET_KEY, CONTENT_TYPE];

/// socketioxide's default path, which this server keeps.
const SOCKET_IO_PATH: &str = "/socket.io/";

pub async fn own_socket_io_request(mut req: Request) -> Request {
    // The web client's files are served and forgotten: their requests keep everything.
    if !req.uri().path().starts_with(SOCKET_IO_PATH) {
        return req;
    }
    if let Ok(uri) = req.uri().to_string().parse::<Uri>() {
        *req.uri_mut() = uri;
    }
    let mut kept = HeaderMap::with_capacity(READ_BY_ENGINE_IO.len());
    for name in READ_BY_ENGINE_IO {
        if let Some(value) = req.headers().get(&name) {
            kept.insert(name, copied(value));
        }
    }
    *req.headers_mut() = kept;
    req
}

fn copied(value: &HeaderValue) -> HeaderValue {
    match HeaderValue::from_bytes(value.as_bytes()) {
        Ok(copy) => copy,
        // Unreachable for a value hyper parsed (both accept the same bytes); if it ever differs, keep the slice.
        Err(_) => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::{Body, Bytes};
    use axum::http::header::{COOKIE, USER_AGENT};

    fn inside(buffer: &Bytes, bytes: &[u8]) -> bool {
        buffer.as_ptr_range().contains(&bytes.as_ptr())
    }

    /// A request as hyper builds it: the URI and every header value a slice of one read buffer.
    fn parsed(buffer: &Bytes, path: std::ops::Range<usize>) -> Request {
        let piece = |from: usize, to: usize| {
            HeaderValue::from_maybe_shared(buffer.slice(from..to)).unwrap()
        };
        let mut req = Request::new(Body::empty());
        *req.uri_mut() = Uri::from_maybe_shared(buffer.slice(path)).unwrap();
        req.headers_mut().insert(SEC_WEBSOCKET_KEY, piece(38, 54));
        req.headers_mut().insert(CONTENT_TYPE, piece(55, 65));
        req.headers_mut().append(COOKIE, piece(66, 69));
        req.headers_mut().append(COOKIE, piece(70, 73));
        req.headers_mut().insert(USER_AGENT, piece(74, 76));
        req
    }

    const BUFFER: &[u8] =
        b"/socket.io/?EIO=4&transport=websocket|dGhlIHNhbXBsZQ==|text/plain|a=1|b=2|ua|/app.js";

    #[tokio::test]
    async fn a_socket_io_request_keeps_only_what_engine_io_reads_in_its_own_memory() {
        let buffer = Bytes::copy_from_slice(BUFFER);
        let req = parsed(&buffer, 0..37);
        assert!(inside(&buffer, req.headers()[SEC_WEBSOCKET_KEY].as_bytes()));

        let req = own_socket_io_request(req).await;

        assert_eq!(req.uri(), "/socket.io/?EIO=4&transport=websocket");
        assert!(!inside(&buffer, req.uri().path().as_bytes()));
        assert_eq!(req.headers()[SEC_WEBSOCKET_KEY], "dGhlIHNhbXBsZQ==");
        assert_eq!(req.headers()[CONTENT_TYPE], "text/plain");
        assert_eq!(req.headers().len(), 2, "{:?}", req.headers());
        for value in req.headers().values() {
            assert!(
                !inside(&buffer, value.as_bytes()),
                "{value:?} still points into the buffer"
            );
        }
    }

    #[tokio::test]
    async fn a_request_for_the_web_client_passes_untouched() {
        let buffer = Bytes::copy_from_slice(BUFFER);
        let req = own_socket_io_request(parsed(&buffer, 77..84)).await;

        assert_eq!(req.uri(), "/app.js");
        assert_eq!(req.headers().len(), 5);
        assert_eq!(req.headers()[USER_AGENT], "ua");
    }
}
