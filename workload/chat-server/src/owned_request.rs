//! Copies a request's URI and header values out of the connection's read buffer.
//!
//! hyper parses a request in place: its URI and header values are slices of the connection's read buffer
//! (8–16 KiB). socket.io keeps every socket's request parts for the socket's whole life, so without this copy
//! each websocket pins that buffer, which was more than half of an idle connection's memory.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Uri};

pub async fn own_uri_and_headers(mut req: Request) -> Request {
    if let Ok(uri) = req.uri().to_string().parse::<Uri>() {
        *req.uri_mut() = uri;
    }
    let mut owned = HeaderMap::with_capacity(req.headers().len());
    // `iter` yields every value of a repeated header, each with its name.
    for (name, value) in req.headers() {
        owned.append(name.clone(), copied(value));
    }
    *req.headers_mut() = owned;
    req
}

fn copied(value: &HeaderValue) -> HeaderValue {
    match HeaderValue::from_bytes(value.as_bytes()) {
        Ok(mut copy) => {
            copy.set_sensitive(value.is_sensitive());
            copy
        }
        // Unreachable for a value hyper parsed (both accept the same bytes); if it ever differs, keep the slice.
        Err(_) => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::{Body, Bytes};
    use axum::http::header::{AUTHORIZATION, COOKIE, SEC_WEBSOCKET_KEY};

    fn inside(buffer: &Bytes, bytes: &[u8]) -> bool {
        buffer.as_ptr_range().contains(&bytes.as_ptr())
    }

    #[tokio::test]
    async fn uri_and_headers_no_longer_point_into_the_read_buffer() {
        // As hyper builds it: every piece a slice of one buffer.
        let buffer = Bytes::copy_from_slice(
            b"/socket.io/?EIO=4&transport=websocket|dGhlIHNhbXBsZQ==|a=1|b=2|secret",
        );
        let piece = |from: usize, to: usize| {
            HeaderValue::from_maybe_shared(buffer.slice(from..to)).unwrap()
        };
        let mut req = Request::new(Body::empty());
        *req.uri_mut() = Uri::from_maybe_shared(buffer.slice(0..37)).unwrap();
        req.headers_mut().insert(SEC_WEBSOCKET_KEY, piece(38, 54));
        req.headers_mut().append(COOKIE, piece(55, 58));
        req.headers_mut().append(COOKIE, piece(59, 62));
        let mut secret = piece(63, 69);
        secret.set_sensitive(true);
        req.headers_mut().insert(AUTHORIZATION, secret);
        assert!(inside(&buffer, req.headers()[SEC_WEBSOCKET_KEY].as_bytes()));

        let req = own_uri_and_headers(req).await;

        assert_eq!(req.uri(), "/socket.io/?EIO=4&transport=websocket");
        assert!(!inside(&buffer, req.uri().path().as_bytes()));
        assert_eq!(req.headers()[SEC_WEBSOCKET_KEY], "dGhlIHNhbXBsZQ==");
        let cookies: Vec<_> = req.headers().get_all(COOKIE).iter().collect();
        assert_eq!(cookies, ["a=1", "b=2"]);
        assert!(req.headers()[AUTHORIZATION].is_sensitive());
        assert_eq!(req.headers().len(), 4);
        for value in req.headers().values() {
            assert!(
                !inside(&buffer, value.as_bytes()),
                "{value:?} still points into the buffer"
            );
        }
    }
}
