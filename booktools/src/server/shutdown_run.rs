//! One real run of a graceful-shutdown server (Listing 20-25): start it,
//! make the three requests of the book, watch it shut down by itself.
//!
//! 1. `GET /sleep` as soon as the server accepts connections (that first
//!    connection is the readiness probe: any other would count as one of
//!    the connections the server accepts);
//! 2. `GET /`: right after ([`Pacing::BackToBack`]), or once the server
//!    printed that a worker got the first job ([`Pacing::LikeAReader`]);
//! 3. a third `GET /` once both requests were handed to workers and `main`
//!    announced the shutdown, so it reaches a server that stopped accepting.
//!
//! [`ShutdownRun::problems`] then lists everything that contradicts the
//! listing's behaviour. The caller brings the command (the built binary, or
//! `cargo run`), holding the [`crate::server::port::PortLock`].

use crate::server::http_client::{self, Ending, Received, Response};
use crate::server::process::{ServerProcess, TimedLine};
use crate::server::shutdown_story;
use crate::server::source::{Event, ServerSource};
use anyhow::{bail, Context, Result};
use std::net::TcpStream;
use std::process::{Command, ExitStatus};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What the exit may take beyond the slow request's pause.
pub const EXIT_MARGIN: Duration = Duration::from_secs(4);

/// What happened to the request sent after the server stopped accepting.
#[derive(Debug, Clone)]
pub enum LateRequest {
    /// The connection was refused.
    Refused,
    /// The connection was made; this is what came back on it.
    Connected(Received),
}

/// A finished run.
#[derive(Debug)]
pub struct ShutdownRun {
    /// The server's standard output, line by line.
    pub lines: Vec<String>,
    /// Its standard error (with `cargo run`, cargo's own lines).
    pub stderr: String,
    /// When `GET /sleep` was sent.
    pub slow_sent_at: Instant,
    /// The answer to `GET /sleep`.
    pub slow: Received,
    /// The answer to `GET /`.
    pub fast: Received,
    /// The third request.
    pub late: LateRequest,
    /// When the terminate-send line was read, if it was.
    pub terminate_sent_seen_at: Option<Instant>,
    /// How the process exited.
    pub status: ExitStatus,
    /// When its exit was seen.
    pub exited_at: Instant,
    /// When its standard output closed: the exit, as the kernel closes the
    /// pipe (more precise than [`Self::exited_at`], which is polled).
    pub output_closed_at: Option<Instant>,
}

/// How a run ended.
#[derive(Debug)]
pub enum Outcome {
    /// The server shut down by itself.
    Finished(Box<ShutdownRun>),
    /// The caller gave up on the run once both jobs were handed to
    /// workers and `main` announced the shutdown (the server was killed).
    Abandoned {
        /// The standard output up to then.
        lines: Vec<String>,
    },
}

/// When the second request (`GET /`) is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pacing {
    /// Right after `GET /sleep`: both connections wait in the listener's
    /// queue together, so `main` may hand both out and leave its loop
    /// before any worker has woken up.
    BackToBack,
    /// Like a reader with a browser or `curl`: once the server printed that
    /// a worker got the job of `GET /sleep` (bounded wait).
    LikeAReader,
}

/// Runs `command` (which starts the server of `source`) through the three
/// requests, the second one sent right after the first
/// ([`Pacing::BackToBack`]); see [`run_paced`].
pub fn run(
    source: &ServerSource,
    command: Command,
    startup: Duration,
    keep: impl Fn(&[String]) -> bool,
) -> Result<Outcome> {
    run_paced(source, command, startup, Pacing::BackToBack, keep)
}

/// Runs `command` (which starts the server of `source`) through the three
/// requests, the second one sent as `pacing` says; `startup` bounds the
/// wait for the first connection (a `cargo run` compiles first).
/// `keep(lines)` may end the run early, once both jobs were handed to
/// workers and `main` announced the shutdown (`lines`: the standard output
/// so far): the server is then killed and the run reported as abandoned.
pub fn run_paced(
    source: &ServerSource,
    command: Command,
    startup: Duration,
    pacing: Pacing,
    keep: impl Fn(&[String]) -> bool,
) -> Result<Outcome> {
    let address = source.setup.socket_address()?;
    let pause = source.setup.slow_request_pause;
    let mut server = ServerProcess::start(command)?;

    let startup_deadline = Instant::now() + startup;
    let slow = http_client::send_get_when_listening(address, "/sleep", startup_deadline, || {
        server.ensure_running()
    })
    .with_context(|| format!("waiting for the server\n{}", server.report()))?;
    let slow_sent_at = Instant::now();
    let deadline = slow_sent_at + pause + EXIT_MARGIN;
    // Each answer is read as it arrives, so its instant is exact.
    let slow_answer = read_in_background(&slow, deadline)?;
    let job_count = |lines: &[TimedLine]| {
        lines
            .iter()
            .filter(|line| matches!(source.event(&line.text), Some(Event::Job { .. })))
            .count()
    };
    if pacing == Pacing::LikeAReader {
        server.wait_for_lines(deadline, "job line for GET /sleep", |lines| {
            job_count(lines) >= 1
        })?;
    }
    let fast = http_client::send_get(address, "/")?;
    let fast_answer = read_in_background(&fast, deadline)?;

    let jobs = source.connection_limit;
    let handed_over = |lines: &[TimedLine]| {
        job_count(lines) >= jobs
            && lines
                .iter()
                .any(|line| source.event(&line.text) == Some(Event::ShuttingDown))
    };
    server.wait_for_lines(
        deadline,
        &format!("{jobs} job lines and the shutdown notice"),
        handed_over,
    )?;
    let lines_so_far = texts(server.lines());
    if !keep(&lines_so_far) {
        server.kill();
        drop((slow, fast));
        return Ok(Outcome::Abandoned {
            lines: lines_so_far,
        });
    }

    let late = late_request(address, deadline)?;
    let reader_deadline = deadline + Duration::from_secs(1);
    let fast_response = fast_answer.wait(reader_deadline)?;
    let slow_response = slow_answer.wait(reader_deadline)?;
    drop((slow, fast));

    let Some((status, exited_at)) = server.wait_for_exit(deadline)? else {
        bail!(
            "the server did not exit by itself within {}s of the slow request (pause {}s + {}s)\n{}",
            (pause + EXIT_MARGIN).as_secs(),
            pause.as_secs(),
            EXIT_MARGIN.as_secs(),
            server.report()
        );
    };
    let terminate_sent_seen_at = server
        .lines()
        .iter()
        .find(|line| source.event(&line.text) == Some(Event::SendingTerminate))
        .map(|line| line.at);
    Ok(Outcome::Finished(Box::new(ShutdownRun {
        lines: texts(server.lines()),
        stderr: server.stderr(),
        slow_sent_at,
        slow: slow_response,
        fast: fast_response,
        late,
        terminate_sent_seen_at,
        status,
        exited_at,
        output_closed_at: server.stdout_closed_at(),
    })))
}

/// The text of each line.
fn texts(lines: &[TimedLine]) -> Vec<String> {
    lines.iter().map(|line| line.text.clone()).collect()
}

/// An answer being read on its own thread.
struct PendingAnswer(mpsc::Receiver<Result<Received>>);

impl PendingAnswer {
    /// The answer, once its reader is done (bounded by `deadline`).
    fn wait(self, deadline: Instant) -> Result<Received> {
        self.0
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .context("the reader of a response did not finish")?
    }
}

/// Reads `stream` until the server closes it, on another thread.
fn read_in_background(stream: &TcpStream, deadline: Instant) -> Result<PendingAnswer> {
    let mut reader = stream.try_clone().context("sharing a socket")?;
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(http_client::read_until_closed(&mut reader, deadline));
    });
    Ok(PendingAnswer(receiver))
}

/// Sends the third request; a refused connection is an answer too.
fn late_request(address: std::net::SocketAddr, deadline: Instant) -> Result<LateRequest> {
    let mut stream = match TcpStream::connect_timeout(&address, Duration::from_secs(2)) {
        Ok(stream) => stream,
        Err(error) if error.kind() == std::io::ErrorKind::ConnectionRefused => {
            return Ok(LateRequest::Refused)
        }
        Err(error) => return Err(error).context("connecting for the third request"),
    };
    // The server never reads it: a failed write is part of the answer.
    let _ = std::io::Write::write_all(
        &mut stream,
        http_client::get_request("/", &address.to_string()).as_bytes(),
    );
    Ok(LateRequest::Connected(http_client::read_until_closed(
        &mut stream,
        deadline,
    )?))
}

impl ShutdownRun {
    /// When the last response was complete.
    pub fn last_response_at(&self) -> Instant {
        self.slow.at.max(self.fast.at)
    }

    /// The best estimate of the exit instant.
    pub fn exit_at(&self) -> Instant {
        self.output_closed_at
            .map_or(self.exited_at, |closed| closed.min(self.exited_at))
    }

    /// Everything in this run that contradicts the listing, given the page
    /// it serves (`hello.html`).
    pub fn problems(&self, source: &ServerSource, hello_page: &[u8]) -> Vec<String> {
        let mut problems = Vec::new();
        for (name, received) in [("GET /sleep", &self.slow), ("GET /", &self.fast)] {
            if received.ending != Ending::Closed {
                problems.push(format!(
                    "{name}: the connection ended with {:?} instead of being closed after the response",
                    received.ending
                ));
            }
            match Response::parse(&received.bytes) {
                Ok(response) => problems.extend(
                    response
                        .problems_as_ok_with(hello_page)
                        .into_iter()
                        .map(|problem| format!("{name}: {problem}")),
                ),
                Err(error) => problems.push(format!("{name}: no complete response: {error:#}")),
            }
        }
        match self.terminate_sent_seen_at {
            Some(at) if at < self.slow.at => {}
            _ => problems.push(
                "the shutdown did not begin while GET /sleep was in flight \
                 (no terminate-send line before its response)"
                    .to_string(),
            ),
        }
        if let LateRequest::Connected(received) = &self.late {
            if !received.bytes.is_empty() || received.ending == Ending::TimedOut {
                problems.push(format!(
                    "the third request got {} byte(s) and ended with {:?}: it should get no response \
                     (refused, reset, or closed without a byte)",
                    received.bytes.len(),
                    received.ending
                ));
            }
        }
        if !self.status.success() {
            problems.push(format!("the server exited with {}", self.status));
        }
        problems.extend(shutdown_story::story_problems(&self.lines, source));
        if !problems.is_empty() {
            problems.push(format!(
                "--- stdout ---\n{}\n--- stderr ---\n{}",
                self.lines.join("\n"),
                self.stderr
            ));
        }
        problems
    }
}
