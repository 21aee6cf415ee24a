use hello::ThreadPool;
use std::{
    error::Error,
    fs,
    io::{self, prelude::*, BufReader},
    net::{TcpListener, TcpStream},
    thread,
    time::Duration,
};

// ANCHOR: main
/// How long a client may take to send its request line.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// The longest request line the server reads.
const MAX_REQUEST_LINE: u64 = 8 * 1024;

fn main() -> Result<(), Box<dyn Error>> {
    let listener = TcpListener::bind("127.0.0.1:7878")?;
    let pool = ThreadPool::build(4)?;

    for stream in listener.incoming() {
        let stream = match stream {
            Ok(stream) => stream,
            Err(error) => {
                eprintln!("Connection failed: {error}");
                continue;
            }
        };

        pool.execute(|| {
            if let Err(error) = handle_connection(stream) {
                eprintln!("Connection failed: {error}");
            }
        });
    }

    Ok(())
}
// ANCHOR_END: main

// ANCHOR: handle
fn handle_connection(mut stream: TcpStream) -> io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;

    let mut request_line = Vec::new();
    BufReader::new(&stream)
        .take(MAX_REQUEST_LINE)
        .read_until(b'\n', &mut request_line)?;

    let (status_line, filename) = match requested_path(&request_line) {
        Some("/") => ("HTTP/1.1 200 OK", "hello.html"),
        Some("/sleep") => {
            thread::sleep(Duration::from_secs(5));
            ("HTTP/1.1 200 OK", "hello.html")
        }
        Some(_) => ("HTTP/1.1 404 NOT FOUND", "404.html"),
        None => ("HTTP/1.1 400 BAD REQUEST", "400.html"),
    };

    let contents = fs::read_to_string(filename)?;

    let response = format!(
        "{status_line}\r\nContent-Length: {}\r\n\r\n{contents}",
        contents.len()
    );

    stream.write_all(response.as_bytes())?;
    stream.flush()
}

/// The path of a request line such as `GET /sleep HTTP/1.1`, or `None` if
/// the line is not a well-formed `GET` request.
fn requested_path(request_line: &[u8]) -> Option<&str> {
    let line = std::str::from_utf8(request_line).ok()?;
    let line = line.strip_suffix("\r\n")?;

    match line.split(' ').collect::<Vec<_>>()[..] {
        ["GET", path, "HTTP/1.1"] if path.starts_with('/') => Some(path),
        _ => None,
    }
}
// ANCHOR_END: handle
