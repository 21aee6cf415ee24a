//! One real run of a graceful-shutdown server: start it, make the requests
//! of the book, watch it shut down.
//!
//! 1. `GET /sleep` as soon as the server accepts connections (that first
//!    connection is the readiness probe: any other would count as one of
//!    the connections the server accepts);
//! 2. as [`Pacing`] says, `GET /` or a signal;
//! 3. a last `GET /` once the jobs were handed to workers and `main`
//!    announced the shutdown, so it reaches a server that stopped accepting.
//!
//! [`ShutdownRun::problems`] then lists everything that contradicts the
//! listing's behaviour. The caller brings the command (the built binary, or
//! `cargo run`) and the address to itself ([`crate::server::port`]).

use crate::process::{Running, TimedLine};
use crate::server::http_client::{self, Ending, Received};
use crate::server::shutdown_story;
use crate::server::source::{Kind, ServerSource};
use anyhow::{bail, Context, Result};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, ExitStatus};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the exit may take beyond the slow request's pause.
pub const EXIT_MARGIN: Duration = Duration::from_secs(4);

#[derive(Debug)]
pub struct ShutdownRun {
    /// The server's standard output, line by line.
    pub lines: Vec<String>,
    /// Its standard error (with `cargo run`, cargo's own lines).
    pub stderr: String,
    pub slow_sent_at: Instant,
    /// The answers to `GET /sleep` and to `GET /` (none when signalled),
    /// and to the last request (`None`: it was refused).
    pub slow: Received,
    pub fast: Option<Received>,
    pub late: Option<Received>,
    pub terminate_sent_seen_at: Option<Instant>,
    pub status: ExitStatus,
    /// The earlier of the exit seen by polling and of its standard output
    /// closing (which the kernel does at the exit).
    pub exited_at: Instant,
}

#[derive(Debug)]
pub enum Outcome {
    /// The server shut down by itself.
    Finished(Box<ShutdownRun>),
    /// `keep` gave up on the run (the server was killed): the standard
    /// output up to then.
    Abandoned(Vec<String>),
}

/// What follows `GET /sleep`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pacing {
    /// `GET /` right away: both connections wait in the listener's queue
    /// together, so `main` may hand both out and leave its loop before any
    /// worker has woken up.
    BackToBack,
    /// `GET /` like a reader with a browser or `curl`: once the server
    /// printed that a worker got the job of `GET /sleep` (bounded wait).
    LikeAReader,
    /// No `GET /`: this signal (`SIGINT`, `SIGTERM`), once a worker got the
    /// job of `GET /sleep` (the Ctrl-C server of "Going further").
    Signal(libc::c_int),
}

/// Starts `command` and sends `GET <path>` as soon as it listens on
/// `address`, within `startup`; also returns when the request was sent.
pub fn start_and_get(
    command: Command,
    address: SocketAddr,
    path: &str,
    startup: Duration,
) -> Result<(Running, TcpStream, Instant)> {
    let mut server = Running::start(command, false)?;
    let stream =
        http_client::send_get_when_listening(address, path, Instant::now() + startup, || {
            server.ensure_running()
        })
        .with_context(|| format!("waiting for the server\n{}", server.report()))?;
    Ok((server, stream, Instant::now()))
}

/// Runs `command` (which starts the server of `source`) through the
/// requests, paced as `pacing` says; `startup` bounds the wait for the
/// first connection (a `cargo run` compiles first). Once the jobs were
/// handed to workers and `main` announced the shutdown, `keep(lines)` (the
/// standard output so far) may abandon the run.
pub fn run(
    source: &ServerSource,
    command: Command,
    startup: Duration,
    pacing: Pacing,
    keep: impl Fn(&[String]) -> bool,
) -> Result<Outcome> {
    let address = source.address;
    let (mut server, slow, slow_sent_at) = start_and_get(command, address, "/sleep", startup)?;
    let deadline = slow_sent_at + source.pause + EXIT_MARGIN;
    // Each answer is read as it arrives, so its instant is exact; each
    // reader ends by `deadline`.
    let read_in_background = |stream: &TcpStream| -> Result<JoinHandle<Result<Received>>> {
        let mut reader = stream.try_clone().context("sharing a socket")?;
        Ok(std::thread::spawn(move || {
            http_client::read_until_closed(&mut reader, deadline)
        }))
    };
    let slow_answer = read_in_background(&slow)?;
    let count = |lines: &[TimedLine], kind| {
        let of_kind = |line: &&TimedLine| source.event(&line.text).is_some_and(|e| e.kind == kind);
        lines.iter().filter(of_kind).count()
    };
    if pacing != Pacing::BackToBack {
        server.wait_for_lines(deadline, "job line for GET /sleep", |lines| {
            count(lines, Kind::Job) >= 1
        })?;
    }
    let fast_answer = match pacing {
        Pacing::Signal(signal) => {
            server.signal(signal);
            None
        }
        _ => Some(read_in_background(&http_client::send_get(address, "/")?)?),
    };
    let jobs = source.connections;
    server.wait_for_lines(
        deadline,
        &format!("{jobs} job lines and the shutdown notice"),
        |lines| count(lines, Kind::Job) >= jobs && count(lines, Kind::ShuttingDown) >= 1,
    )?;
    let texts = |server: &Running| server.lines.iter().map(|l| l.text.clone()).collect();
    let lines_so_far: Vec<String> = texts(&server);
    if !keep(&lines_so_far) {
        return Ok(Outcome::Abandoned(lines_so_far));
    }

    let late = late_request(address, deadline)?;
    let answer = |reader: JoinHandle<_>| reader.join().expect("a reader panicked");
    let fast = fast_answer.map(answer).transpose()?;
    let slow = answer(slow_answer)?;
    let Some((status, exited_at)) = server.wait_for_exit(deadline)? else {
        bail!(
            "the server did not exit by itself within {}s of the slow request (pause + {}s)\n{}",
            (source.pause + EXIT_MARGIN).as_secs(),
            EXIT_MARGIN.as_secs(),
            server.report()
        );
    };
    let terminate_sent_seen_at = (server.lines.iter())
        .find(|line| (source.event(&line.text)).is_some_and(|e| e.kind == Kind::SendingTerminate))
        .map(|line| line.at);
    Ok(Outcome::Finished(Box::new(ShutdownRun {
        lines: texts(&server),
        stderr: server.output(1),
        slow_sent_at,
        slow,
        fast,
        late,
        terminate_sent_seen_at,
        status,
        exited_at: (server.stdout_closed_at()).map_or(exited_at, |at| at.min(exited_at)),
    })))
}

/// Sends the last request; `None` when the connection is refused.
fn late_request(address: SocketAddr, deadline: Instant) -> Result<Option<Received>> {
    let mut stream = match TcpStream::connect_timeout(&address, Duration::from_secs(2)) {
        Ok(stream) => stream,
        Err(error) if error.kind() == std::io::ErrorKind::ConnectionRefused => return Ok(None),
        Err(error) => return Err(error).context("connecting for the last request"),
    };
    // The server never reads it: a failed write is part of the answer.
    let request = http_client::get_request("/", address);
    let _ = std::io::Write::write_all(&mut stream, request.as_bytes());
    http_client::read_until_closed(&mut stream, deadline).map(Some)
}

impl ShutdownRun {
    /// When the last response was complete.
    pub fn last_response_at(&self) -> Instant {
        self.fast
            .as_ref()
            .map_or(self.slow.at, |fast| fast.at.max(self.slow.at))
    }

    /// Everything in this run that contradicts the listing.
    pub fn problems(&self, source: &ServerSource) -> Result<Vec<String>> {
        let page = source.hello_page()?;
        let mut problems = http_client::ok_response_problems("GET /sleep", &self.slow, &page);
        if let Some(fast) = &self.fast {
            problems.extend(http_client::ok_response_problems("GET /", fast, &page));
        }
        if (self.terminate_sent_seen_at).is_none_or(|at| at >= self.slow.at) {
            problems.push(
                "the shutdown did not begin while GET /sleep was in flight \
                 (no terminate-send line before its response)"
                    .to_string(),
            );
        }
        if let Some(late) = &self.late {
            if !late.bytes.is_empty() || late.ending == Ending::TimedOut {
                problems.push(format!(
                    "the last request, after the shutdown notice, got {} byte(s) and ended with \
                     {:?}: it should get no response (refused, reset, or closed without a byte)",
                    late.bytes.len(),
                    late.ending
                ));
            }
        }
        if !self.status.success() {
            problems.push(format!("the server exited with {}", self.status));
        }
        problems.extend(shutdown_story::story_problems(&self.lines, 1, source));
        if !problems.is_empty() {
            problems.push(format!(
                "--- stdout ---\n{}\n--- stderr ---\n{}",
                self.lines.join("\n"),
                self.stderr
            ));
        }
        Ok(problems)
    }
}
