// ANCHOR: here
use rayon::ThreadPoolBuilder;
// ANCHOR_END: here
use std::{
    fs,
    io::prelude::*,
    net::{TcpListener, TcpStream},
    thread,
    time::Duration,
};

fn main() {
    let listener = TcpListener::bind("127.0.0.1:7878").unwrap();
    // ANCHOR: here
    let pool = ThreadPoolBuilder::new()
        .num_threads(4)
        .panic_handler(|_| eprintln!("A job panicked; its thread serves on."))
        .build()
        .unwrap();

    for stream in listener.incoming() {
        let stream = stream.unwrap();

        pool.spawn(|| {
            handle_connection(stream);
        });
    }
    // ANCHOR_END: here
}

fn handle_connection(mut stream: TcpStream) {
    let mut buffer = [0; 1024];
    stream.read(&mut buffer).unwrap();

    let get = b"GET / HTTP/1.1\r\n";
    let sleep = b"GET /sleep HTTP/1.1\r\n";

    let (status_line, filename) = if buffer.starts_with(get) {
        ("HTTP/1.1 200 OK", "hello.html")
    } else if buffer.starts_with(sleep) {
        thread::sleep(Duration::from_secs(5));
        ("HTTP/1.1 200 OK", "hello.html")
    } else {
        ("HTTP/1.1 404 NOT FOUND", "404.html")
    };

    let contents = fs::read_to_string(filename).unwrap();

    let response = format!(
        "{status_line}\r\nContent-Length: {}\r\n\r\n{contents}",
        contents.len()
    );

    stream.write_all(response.as_bytes()).unwrap();
    stream.flush().unwrap();
}
