//! Just enough HTTP/1.1 to talk to the book's web server on 127.0.0.1:
//! send `GET <path>`, read until the server closes, split the response.
//!
//! Every read has a deadline; nothing here waits without bound.

use anyhow::{bail, Context, Result};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// How long one connection attempt may take on the loopback interface.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// Pause between two connection attempts while a server starts.
const CONNECT_RETRY: Duration = Duration::from_millis(20);

/// The socket address of `address` (`127.0.0.1:7878`).
pub fn socket_address(address: &str) -> Result<SocketAddr> {
    address
        .to_socket_addrs()
        .with_context(|| format!("resolving {address}"))?
        .next()
        .with_context(|| format!("{address} resolves to nothing"))
}

/// The request line and headers of `GET <path>`.
pub fn get_request(path: &str, address: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {address}\r\n\r\n")
}

/// Connects to `address` and sends `GET <path>`.
pub fn send_get(address: SocketAddr, path: &str) -> Result<TcpStream> {
    let mut stream = TcpStream::connect_timeout(&address, CONNECT_TIMEOUT)
        .with_context(|| format!("connecting to {address} for GET {path}"))?;
    stream
        .write_all(get_request(path, &address.to_string()).as_bytes())
        .with_context(|| format!("sending GET {path} to {address}"))?;
    Ok(stream)
}

/// Sends `GET <path>` as soon as `address` accepts a connection, trying
/// until `deadline`; `still_starting` is asked between attempts and ends
/// the wait with its error (a server that exited will never accept).
pub fn send_get_when_listening(
    address: SocketAddr,
    path: &str,
    deadline: Instant,
    mut still_starting: impl FnMut() -> Result<()>,
) -> Result<TcpStream> {
    loop {
        match TcpStream::connect_timeout(&address, CONNECT_TIMEOUT) {
            Ok(mut stream) => {
                stream
                    .write_all(get_request(path, &address.to_string()).as_bytes())
                    .with_context(|| format!("sending GET {path} to {address}"))?;
                return Ok(stream);
            }
            Err(error) if error.kind() == ErrorKind::ConnectionRefused => {
                still_starting()?;
                if Instant::now() >= deadline {
                    bail!("{address} did not accept a connection in time: {error}");
                }
                std::thread::sleep(CONNECT_RETRY);
            }
            Err(error) => return Err(error).with_context(|| format!("connecting to {address}")),
        }
    }
}

/// How a connection ended, with every byte the server sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// The server closed the connection (end of file).
    Closed,
    /// The connection was reset.
    Reset,
    /// The deadline passed with the connection still open.
    TimedOut,
}

/// Everything received on a connection until it ended.
#[derive(Debug, Clone)]
pub struct Received {
    /// The bytes, in order.
    pub bytes: Vec<u8>,
    /// How it ended.
    pub ending: Ending,
    /// When it ended (or timed out).
    pub at: Instant,
}

/// Reads `stream` until the server closes it, resets it, or `deadline`.
pub fn read_until_closed(stream: &mut TcpStream, deadline: Instant) -> Result<Received> {
    let mut bytes = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(Received {
                bytes,
                ending: Ending::TimedOut,
                at: Instant::now(),
            });
        }
        stream
            .set_read_timeout(Some(left))
            .context("setting a read timeout")?;
        match stream.read(&mut chunk) {
            Ok(0) => {
                return Ok(Received {
                    bytes,
                    ending: Ending::Closed,
                    at: Instant::now(),
                })
            }
            Ok(read) => bytes.extend_from_slice(&chunk[..read]),
            Err(error)
                if matches!(
                    error.kind(),
                    ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted
                ) =>
            {
                return Ok(Received {
                    bytes,
                    ending: Ending::Reset,
                    at: Instant::now(),
                })
            }
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(error) => return Err(error).context("reading a response"),
        }
    }
}

/// Whether the server has sent anything (or closed) on `stream` yet,
/// without waiting.
pub fn has_answered(stream: &TcpStream) -> Result<bool> {
    stream
        .set_nonblocking(true)
        .context("switching a socket to non-blocking")?;
    let mut byte = [0; 1];
    let answered = match stream.peek(&mut byte) {
        Ok(_) => true,
        Err(error) if error.kind() == ErrorKind::WouldBlock => false,
        Err(_) => true,
    };
    stream
        .set_nonblocking(false)
        .context("switching a socket back to blocking")?;
    Ok(answered)
}

/// A parsed HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// `HTTP/1.1 200 OK`.
    pub status_line: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// Everything after the blank line.
    pub body: Vec<u8>,
}

impl Response {
    /// Splits a complete response; fails on anything that is not one.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let Some(head_end) = bytes.windows(4).position(|window| window == b"\r\n\r\n") else {
            bail!(
                "no end of headers in {} bytes: {:?}",
                bytes.len(),
                String::from_utf8_lossy(bytes)
            );
        };
        let head = std::str::from_utf8(&bytes[..head_end]).context("response head is not UTF-8")?;
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default().to_string();
        let mut headers = Vec::new();
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                bail!("malformed header line {line:?}");
            };
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
        Ok(Self {
            status_line,
            headers,
            body: bytes[head_end + 4..].to_vec(),
        })
    }

    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Problems that keep it from being a complete `200 OK` carrying
    /// exactly `expected_body` with the right `Content-Length`.
    pub fn problems_as_ok_with(&self, expected_body: &[u8]) -> Vec<String> {
        let mut problems = Vec::new();
        if self.status_line != "HTTP/1.1 200 OK" {
            problems.push(format!(
                "status line {:?}, expected \"HTTP/1.1 200 OK\"",
                self.status_line
            ));
        }
        match self.header("Content-Length").map(str::parse::<usize>) {
            Some(Ok(length)) if length == self.body.len() => {}
            Some(Ok(length)) => problems.push(format!(
                "Content-Length says {length} bytes, the body has {}",
                self.body.len()
            )),
            Some(Err(_)) | None => problems.push(format!(
                "no numeric Content-Length header in {:?}",
                self.headers
            )),
        }
        if self.body != expected_body {
            problems.push(format!(
                "the body ({} bytes) differs from the expected file ({} bytes): {:?}",
                self.body.len(),
                expected_body.len(),
                String::from_utf8_lossy(&self.body)
            ));
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn parses_and_checks_a_response() {
        let response =
            Response::parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello").unwrap();
        assert_eq!(response.header("content-length"), Some("5"));
        assert!(response.problems_as_ok_with(b"hello").is_empty());
        assert_eq!(response.problems_as_ok_with(b"hullo").len(), 1);
        let short = Response::parse(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhello").unwrap();
        assert_eq!(short.problems_as_ok_with(b"hello").len(), 1);
        assert!(Response::parse(b"HTTP/1.1 200 OK\r\n").is_err());
    }

    #[test]
    fn reads_until_the_peer_closes_and_times_out_otherwise() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut first, _) = listener.accept().unwrap();
            // Unread request bytes would turn the close into a reset.
            let mut request = [0; 1024];
            let _ = first.read(&mut request).unwrap();
            first.write_all(b"abc").unwrap();
            drop(first);
            let (second, _) = listener.accept().unwrap();
            std::thread::sleep(Duration::from_millis(600));
            drop(second);
        });
        let mut first = send_get(address, "/").unwrap();
        let received =
            read_until_closed(&mut first, Instant::now() + Duration::from_secs(10)).unwrap();
        assert_eq!(received.bytes, b"abc");
        assert_eq!(received.ending, Ending::Closed);

        let mut second = send_get(address, "/").unwrap();
        assert!(!has_answered(&second).unwrap());
        let received =
            read_until_closed(&mut second, Instant::now() + Duration::from_millis(100)).unwrap();
        assert_eq!(received.ending, Ending::TimedOut);
        server.join().unwrap();
    }
}
