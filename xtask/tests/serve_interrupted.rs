//! `cargo xtask serve` as a reader runs it: a real process serving on
//! 127.0.0.1, stopped with Ctrl-C (SIGINT to its process group, as the
//! terminal sends it). It exits, nothing keeps listening on its port, and
//! it leaves no process behind.

use booktools::process::Running;
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn ctrl_c_stops_serve_and_frees_its_port() {
    // A free port, released for the server to take.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let work = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .args(["serve", "--port", &port.to_string()])
        .env("CARGO_TARGET_DIR", work.path());
    let mut serve = Running::start(command, false).unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    serve
        .wait_for_lines(deadline, "the serving notice", |lines| {
            lines.iter().any(|line| line.text.contains("Ctrl-C stops"))
        })
        .unwrap();
    assert!(TcpStream::connect(("127.0.0.1", port)).is_ok());

    serve.interrupt();
    let exited = serve
        .wait_for_exit(Instant::now() + Duration::from_secs(10))
        .unwrap();
    assert!(exited.is_some(), "serve still runs 10 s after Ctrl-C");
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "something still listens on {port}"
    );
    assert!(
        !serve.group_alive(),
        "a process of serve's group outlived it"
    );
}
