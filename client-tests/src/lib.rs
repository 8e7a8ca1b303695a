//! A scripted HTTP/1.1 server on loopback that records every request, shared by the tests.
//!
//! The server is written on plain tokio sockets rather than an HTTP library so that it can
//! misbehave on purpose: stop in the middle of a body, reset the connection, or never answer.
//! It understands only what the generated client sends: a request line, headers, and a body
//! whose length is given by `Content-Length`.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use generated_client::{Client, ClientBuilder};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// The management key the helpers configure, so tests can look for it on the wire.
pub const KEY: &str = "test-management-key";

/// The client timeout the helpers configure: long enough never to fire by accident on a loaded
/// machine, short enough that a hung test still ends.
pub const GENEROUS_TIMEOUT: Duration = Duration::from_secs(5);

/// The largest request head the server accepts; the path tests send long targets, not huge ones.
const MAX_HEAD_BYTES: usize = 1024 * 1024;

/// One request as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method, as sent.
    pub method: String,
    /// The request target exactly as it appeared on the request line, escapes and all.
    pub target: String,
    /// Every header in the order received, names as sent (hyper sends them lowercase).
    pub headers: Vec<(String, String)>,
    /// The body: exactly `Content-Length` bytes, or none when that header is absent.
    pub body: Vec<u8>,
}

impl Request {
    /// The values of every header called `name`, compared without regard to case.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(candidate, _)| candidate.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// The value of the header called `name`, when it was sent exactly once.
    ///
    /// A repeated header yields `None` too, because a test asking for one value would
    /// otherwise pass while the client sent two contradicting ones.
    pub fn header(&self, name: &str) -> Option<&str> {
        match self.header_values(name).as_slice() {
            [value] => Some(value),
            _ => None,
        }
    }

    /// The target split on `/`, so `/a/b` gives `["", "a", "b"]`.
    pub fn segments(&self) -> Vec<&str> {
        self.target.split('/').collect()
    }
}

/// What the server does once it has read a request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Answers with a complete response; `Content-Length` is added from the body, except for
    /// statuses that must not carry one.
    Respond {
        /// The status code.
        status: u16,
        /// Extra headers, written in this order.
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// Writes these bytes as they are, then ends the connection as `end` says.
    Raw {
        /// Everything written, status line included.
        bytes: Vec<u8>,
        /// What happens to the connection afterwards.
        end: End,
    },
}

/// How a [`Reply::Raw`] leaves the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Shuts the connection down cleanly, so the client reads end of stream.
    Close,
    /// Aborts the connection with a TCP reset, as a crashing server or a middlebox would.
    Reset,
    /// Keeps the connection open and says nothing more until the server is dropped.
    Hang,
}

impl Reply {
    /// A response with no body and no extra headers.
    pub fn status(status: u16) -> Self {
        Self::Respond {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A response whose body has the given content type.
    pub fn body(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self::Respond {
            status,
            headers: vec![("Content-Type".to_owned(), content_type.to_owned())],
            body: body.into(),
        }
    }

    /// A response with a JSON body.
    pub fn json(status: u16, body: &str) -> Self {
        Self::body(status, "application/json", body)
    }

    /// Never answers: the request is read and recorded, then the connection stays silent.
    pub fn silence() -> Self {
        Self::Raw {
            bytes: Vec::new(),
            end: End::Hang,
        }
    }

    /// Adds a header to a [`Reply::Respond`]; other replies are returned unchanged.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let Self::Respond { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }
}

/// A running server; it stops, and drops every connection, when this value is dropped.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    task: JoinHandle<()>,
}

impl Server {
    /// Starts a server on an unused loopback port that gives `reply` to every request.
    pub async fn start(reply: Reply) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding a loopback port");
        let addr = listener.local_addr().expect("reading the bound address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&requests);

        let task = tokio::spawn(async move {
            // Connections live in the set so that aborting this task also ends silent ones.
            let mut connections = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                connections.spawn(serve(stream, reply.clone(), Arc::clone(&recorded)));
                while connections.try_join_next().is_some() {}
            }
        });

        Self {
            addr,
            requests,
            task,
        }
    }

    /// The URL to give the client, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every complete request received so far, oldest first.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("request log poisoned").clone()
    }

    /// The only request received; panics, naming how many arrived, when there was not exactly
    /// one.
    pub fn single_request(&self) -> Request {
        let requests = self.requests();
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request, got {requests:#?}"
        );
        requests.into_iter().next().expect("length checked above")
    }

    /// A builder aimed at this server, with [`KEY`] and [`GENEROUS_TIMEOUT`].
    pub fn builder(&self) -> ClientBuilder {
        Client::builder()
            .base_url(self.base_url())
            .management_key(KEY)
            .timeout(GENEROUS_TIMEOUT)
    }

    /// A client aimed at this server, configured as [`Server::builder`] says.
    pub fn client(&self) -> Client {
        self.builder().build().expect("building a loopback client")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Response head bytes announcing `length` body bytes, for replies that then send fewer.
pub fn head_announcing(status: u16, content_type: &str, length: usize) -> Vec<u8> {
    let head = format!("HTTP/1.1 {status} Scripted\r\nContent-Type: {content_type}\r\n");
    format!("{head}Content-Length: {length}\r\n\r\n").into_bytes()
}

/// Decodes `%XX` escapes once; a `%` not followed by two hex digits is kept as it is.
pub fn percent_decode_once(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escape = match bytes.get(index..index + 3) {
            Some([b'%', high, low]) => hex_value(*high).zip(hex_value(*low)),
            _ => None,
        };
        match escape.map(|(high, low)| high * 16 + low) {
            Some(byte) => {
                out.push(byte);
                index += 3;
            }
            None => {
                out.push(bytes[index]);
                index += 1;
            }
        }
    }
    out
}

/// Serves one connection: requests are answered in turn until the client closes it or a raw
/// reply ends it.
async fn serve(mut stream: TcpStream, reply: Reply, requests: Arc<Mutex<Vec<Request>>>) {
    let mut buffer = Vec::new();
    while let Some(request) = read_request(&mut stream, &mut buffer).await {
        let close = request
            .header_values("connection")
            .iter()
            .any(|value| value.eq_ignore_ascii_case("close"));
        requests.lock().expect("request log poisoned").push(request);

        match &reply {
            Reply::Respond {
                status,
                headers,
                body,
            } => {
                // The client may hang up before reading everything (for example after its
                // error body limit), so a failed write is expected, not a test failure.
                if stream
                    .write_all(&response_bytes(*status, headers, body))
                    .await
                    .is_err()
                    || close
                {
                    return;
                }
            }
            Reply::Raw { bytes, end } => {
                let _ = stream.write_all(bytes).await;
                let _ = stream.flush().await;
                match end {
                    End::Close => {
                        let _ = stream.shutdown().await;
                    }
                    // A zero linger makes the kernel send RST instead of FIN on drop.
                    End::Reset => {
                        let _ = stream.set_zero_linger();
                    }
                    End::Hang => std::future::pending::<()>().await,
                }
                return;
            }
        }
    }
}

/// Reads the next request from the connection; `None` at end of stream or on a malformed head.
///
/// `buffer` carries bytes read past one request into the next, for kept-alive connections.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Request> {
    let head_end = loop {
        if let Some(position) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break position;
        }
        if buffer.len() > MAX_HEAD_BYTES || !read_more(stream, buffer).await {
            return None;
        }
    };

    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.to_owned(), value.trim().to_owned()))
        .collect();

    let length = match headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
    {
        Some((_, value)) => value.parse::<usize>().ok()?,
        None => 0,
    };
    let body_start = head_end + 4;
    while buffer.len() < body_start + length {
        if !read_more(stream, buffer).await {
            return None;
        }
    }
    let body = buffer[body_start..body_start + length].to_vec();
    buffer.drain(..body_start + length);

    Some(Request {
        method,
        target,
        headers,
        body,
    })
}

/// Appends whatever the socket has next; `false` at end of stream or on an error.
async fn read_more(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> bool {
    let mut chunk = [0; 8192];
    match stream.read(&mut chunk).await {
        Ok(0) | Err(_) => false,
        Ok(read) => {
            buffer.extend_from_slice(&chunk[..read]);
            true
        }
    }
}

/// The bytes of a complete response.
fn response_bytes(status: u16, headers: &[(String, String)], body: &[u8]) -> Vec<u8> {
    // The reason phrase is informational only; clients must not depend on it.
    let mut out = format!("HTTP/1.1 {status} Scripted\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    // RFC 9110 forbids Content-Length on 1xx and 204 responses.
    if status >= 200 && status != 204 {
        out.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// The value of one hex digit; `from_str_radix` would also accept a sign, which an escape
/// must not have.
fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit)
        .to_digit(16)
        .and_then(|value| u8::try_from(value).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decode_once_decodes_one_level_only() {
        assert_eq!(percent_decode_once("a%2Fb%252F"), b"a/b%2F");
        assert_eq!(percent_decode_once("caf%C3%A9"), "café".as_bytes());
        assert_eq!(percent_decode_once("%"), b"%");
        assert_eq!(percent_decode_once("%zz%+1%4"), b"%zz%+1%4");
    }

    #[test]
    fn response_bytes_omit_length_for_no_content() {
        assert_eq!(
            response_bytes(204, &[], b""),
            b"HTTP/1.1 204 Scripted\r\n\r\n"
        );
        assert_eq!(
            response_bytes(200, &[("A".to_owned(), "b".to_owned())], b"hi"),
            b"HTTP/1.1 200 Scripted\r\nA: b\r\nContent-Length: 2\r\n\r\nhi"
        );
    }
}

/// The README, whose usage example runs as a doctest here so that it keeps compiling.
#[doc = include_str!("../../README.md")]
mod readme {}
