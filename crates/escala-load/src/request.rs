//! One GET over a pooled keep-alive connection, and what came of it.

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use hyper::header::USER_AGENT;
use hyper::{Request, Uri};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::stats::{Failure, Outcome};

/// Bodies are compared by their first line, cut to this many characters.
const MAX_LINE_CHARS: usize = 80;
/// A character is at most 4 bytes of UTF-8.
const MAX_LINE_BYTES: usize = MAX_LINE_CHARS * 4;

pub(crate) type HttpClient = Client<HttpConnector, Empty<Bytes>>;

/// HTTP/1.1 with keep-alive: after warming up, requests reuse connections instead of paying a TCP
/// handshake each, as a browser behind a load balancer would.
pub(crate) fn client(concurrency_limit: usize) -> HttpClient {
    let mut connector = HttpConnector::new();
    // Small requests and answers: Nagle's algorithm would add delays that aren't the target's.
    connector.set_nodelay(true);
    Client::builder(TokioExecutor::new())
        // As many idle connections as requests can be in flight, so a steady load opens none.
        .pool_max_idle_per_host(concurrency_limit)
        .build(connector)
}

pub(crate) async fn exchange(client: &HttpClient, url: &Uri) -> Outcome {
    let request = Request::get(url.clone())
        .header(
            USER_AGENT,
            concat!("escala-load/", env!("CARGO_PKG_VERSION")),
        )
        .body(Empty::new())
        .expect("a GET of a checked URL is a valid request");
    let response = match client.request(request).await {
        Ok(response) => response,
        Err(e) if e.is_connect() => return Outcome::Failed(Failure::Connect),
        Err(_) => return Outcome::Failed(Failure::Other),
    };
    let status = response.status();
    match read_first_line(response.into_body()).await {
        Ok(first_line) => Outcome::Answered { status, first_line },
        Err(_) => Outcome::Failed(Failure::Other),
    }
}

/// Reads the whole body, so the answer's latency includes it and the connection is free for the
/// next request, but keeps only the start of its first line.
async fn read_first_line(mut body: Incoming) -> Result<String, hyper::Error> {
    let mut head = Vec::new();
    let mut line_done = false;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame?.into_data() else {
            continue;
        };
        if !line_done {
            let newline = data.iter().position(|&b| b == b'\n');
            let take = newline
                .unwrap_or(data.len())
                .min(MAX_LINE_BYTES - head.len());
            head.extend_from_slice(&data[..take]);
            line_done = newline.is_some() || head.len() == MAX_LINE_BYTES;
        }
    }
    Ok(first_line(&head))
}

/// The text of a line's bytes: invalid UTF-8 replaced, surrounding blanks (and a CR) dropped, cut
/// to [`MAX_LINE_CHARS`].
fn first_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .trim()
        .chars()
        .take(MAX_LINE_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_lines_are_trimmed_and_cut_by_characters_not_bytes() {
        assert_eq!(first_line(b"i-0abc\r"), "i-0abc");
        assert_eq!(first_line(b""), "");
        let long = "é".repeat(100);
        assert_eq!(first_line(long.as_bytes()), "é".repeat(80));
        // MAX_LINE_BYTES holds at least 80 characters, so a character it cuts in two is past the
        // cut; invalid UTF-8 from the server shows as replacement characters.
        assert_eq!(first_line(&[b'a', 0xC3]), "a\u{FFFD}");
    }
}
