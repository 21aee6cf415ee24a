//! Just enough HTTP/1.1 to talk to the book's web server on 127.0.0.1:
//! send `GET <path>`, read until the server closes, check the response.
//! Hand-written because the tests must tell a closed connection from a
//! reset and from a timeout, which an HTTP client crate hides. Every
//! read has a deadline.

use anyhow::{Context, Result};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

pub fn get_request(path: &str, address: SocketAddr) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {address}\r\n\r\n")
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
        match send_get(address, path) {
            Err(error) if refused(&error) => {
                still_starting()?;
                if Instant::now() >= deadline {
                    return Err(error.context(format!("{address} did not accept in time")));
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            sent => return sent,
        }
    }
}

/// Whether `error` is a refused connection (nothing listens).
fn refused(error: &anyhow::Error) -> bool {
    (error.downcast_ref::<std::io::Error>())
        .is_some_and(|e| e.kind() == ErrorKind::ConnectionRefused)
}

/// Connects to a listening `address` and sends `GET <path>`.
pub fn send_get(address: SocketAddr, path: &str) -> Result<TcpStream> {
    send_raw(address, get_request(path, address).as_bytes(), false)
}

/// `GET path` asking the server to close the connection after its answer,
/// read until it does (at most until `deadline`), as lossy UTF-8.
pub fn get_and_close(address: SocketAddr, path: &str, deadline: Instant) -> Result<String> {
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    let answer = read_until_closed(&mut send_raw(address, request.as_bytes(), false)?, deadline)?;
    Ok(String::from_utf8_lossy(&answer.bytes).into_owned())
}

/// Connects to a listening `address`, sends `bytes` as they are (nothing
/// when empty) and, if `then_close_writing`, shuts down the writing half,
/// as a client that has nothing more to say.
pub fn send_raw(address: SocketAddr, bytes: &[u8], then_close_writing: bool) -> Result<TcpStream> {
    let mut stream = TcpStream::connect_timeout(&address, CONNECT_TIMEOUT)
        .with_context(|| format!("connecting to {address}"))?;
    stream
        .write_all(bytes)
        .with_context(|| format!("sending {:?} to {address}", String::from_utf8_lossy(bytes)))?;
    if then_close_writing {
        stream
            .shutdown(std::net::Shutdown::Write)
            .context("closing the writing half of a connection")?;
    }
    Ok(stream)
}

/// Closes `stream` with a reset (`SO_LINGER` of zero), as a client that
/// vanishes does: the server's next read or write on it fails.
pub fn reset(stream: TcpStream) -> Result<()> {
    (socket2::SockRef::from(&stream))
        .set_linger(Some(Duration::ZERO))
        .context("setting SO_LINGER")
}

/// How a connection ended: closed by the server (end of file), reset, or
/// still open at the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Closed,
    Reset,
    TimedOut,
}

/// Everything received on a connection until it ended, and when it did.
#[derive(Debug, Clone)]
pub struct Received {
    pub bytes: Vec<u8>,
    pub ending: Ending,
    pub at: Instant,
}

/// Reads `stream` until the server closes it, resets it, or `deadline`.
pub fn read_until_closed(stream: &mut TcpStream, deadline: Instant) -> Result<Received> {
    let mut bytes = Vec::new();
    let mut chunk = [0; 4096];
    let ending = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break Ending::TimedOut;
        }
        stream
            .set_read_timeout(Some(left))
            .context("setting a read timeout")?;
        match stream.read(&mut chunk) {
            Ok(0) => break Ending::Closed,
            Ok(read) => bytes.extend_from_slice(&chunk[..read]),
            Err(error) => match error.kind() {
                ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => break Ending::Reset,
                ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted => {}
                _ => return Err(error).context("reading a response"),
            },
        }
    };
    Ok(Received {
        bytes,
        ending,
        at: Instant::now(),
    })
}

/// Whether the server has sent anything (or closed) on `stream` yet,
/// without waiting.
pub fn has_answered(stream: &TcpStream) -> Result<bool> {
    stream
        .set_nonblocking(true)
        .context("switching a socket to non-blocking")?;
    let answered = !matches!(stream.peek(&mut [0]), Err(e) if e.kind() == ErrorKind::WouldBlock);
    stream
        .set_nonblocking(false)
        .context("switching a socket back to blocking")?;
    Ok(answered)
}

/// The [`response_problems`] of a `200 OK` carrying `body`.
pub fn ok_response_problems(name: &str, received: &Received, body: &[u8]) -> Vec<String> {
    response_problems(name, received, "HTTP/1.1 200 OK", Some(body))
}

/// Problems that keep `received` (the answer to `name`) from being a
/// response with `status`, on a connection the server then closed, and
/// when `body` is given, carrying exactly it with the right `Content-Length`.
pub fn response_problems(
    name: &str,
    received: &Received,
    status: &str,
    body: Option<&[u8]>,
) -> Vec<String> {
    let mut problems = Vec::new();
    if received.ending != Ending::Closed {
        problems.push(format!(
            "the connection ended with {:?} instead of being closed after the response",
            received.ending
        ));
    }
    let bytes = &received.bytes;
    let head_end = bytes.windows(4).position(|window| window == b"\r\n\r\n");
    let head = String::from_utf8_lossy(&bytes[..head_end.unwrap_or(bytes.len())]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    if head_end.is_none() || status_line != status {
        problems.push(format!(
            "expected a response with the status line {status:?}, got {:?}",
            String::from_utf8_lossy(bytes)
        ));
    }
    if let (Some(head_end), Some(body)) = (head_end, body) {
        let received_body = &bytes[head_end + 4..];
        let length = lines
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.trim().eq_ignore_ascii_case("Content-Length"))
            .and_then(|(_, value)| value.trim().parse::<usize>().ok());
        if length != Some(received_body.len()) {
            problems.push(format!(
                "Content-Length {length:?} for a body of {} bytes",
                received_body.len()
            ));
        }
        if received_body != body {
            problems.push(format!(
                "the body ({} bytes) differs from the expected file ({} bytes): {:?}",
                received_body.len(),
                body.len(),
                String::from_utf8_lossy(received_body)
            ));
        }
    }
    problems
        .into_iter()
        .map(|p| format!("{name}: {p}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn checks_a_response() {
        let received = |bytes: &[u8], ending| Received {
            bytes: bytes.to_vec(),
            ending,
            at: Instant::now(),
        };
        let ok = received(
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
            Ending::Closed,
        );
        assert_eq!(
            ok_response_problems("g", &ok, b"hello"),
            Vec::<String>::new()
        );
        assert_eq!(ok_response_problems("g", &ok, b"hullo").len(), 1);
        let short = received(
            b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhello",
            Ending::Reset,
        );
        assert_eq!(ok_response_problems("g", &short, b"hello").len(), 2);
        let head = received(b"HTTP/1.1 200 OK\r\n", Ending::Closed);
        assert_eq!(ok_response_problems("g", &head, b"hello").len(), 1);
        let bad = received(b"HTTP/1.1 400 BAD\r\n\r\n", Ending::Closed);
        assert!(response_problems("g", &bad, "HTTP/1.1 400 BAD", None).is_empty());
        assert_eq!(
            response_problems("g", &bad, "HTTP/1.1 200 OK", None).len(),
            1
        );
    }

    #[test]
    fn tells_a_close_from_a_reset_and_a_timeout() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        // The third connection stays open until the client has timed out.
        let (timed_out, wait_for_client) = std::sync::mpsc::channel::<()>();
        let server = std::thread::spawn(move || {
            let (mut first, _) = listener.accept().unwrap();
            // Unread request bytes would turn the close into a reset.
            let _ = first.read(&mut [0; 1024]).unwrap();
            first.write_all(b"abc").unwrap();
            drop(first);
            // Closing with the request unread resets the connection.
            let (second, _) = listener.accept().unwrap();
            std::thread::sleep(Duration::from_millis(100));
            drop(second);
            let (third, _) = listener.accept().unwrap();
            let _ = wait_for_client.recv_timeout(Duration::from_secs(10));
            drop(third);
        });
        let soon = || Instant::now() + Duration::from_secs(10);
        let received = read_until_closed(&mut send_get(address, "/").unwrap(), soon()).unwrap();
        assert_eq!(
            (received.bytes.as_slice(), received.ending),
            (&b"abc"[..], Ending::Closed)
        );
        let received = read_until_closed(&mut send_get(address, "/").unwrap(), soon()).unwrap();
        assert_eq!(received.ending, Ending::Reset);

        let mut third = send_get(address, "/").unwrap();
        assert!(!has_answered(&third).unwrap());
        let soon = Instant::now() + Duration::from_millis(100);
        assert_eq!(
            read_until_closed(&mut third, soon).unwrap().ending,
            Ending::TimedOut
        );
        timed_out.send(()).unwrap();
        server.join().unwrap();
    }
}
