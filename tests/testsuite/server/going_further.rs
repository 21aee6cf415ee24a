//! The servers of "Going further" (ch20-04), real processes on 127.0.0.1,
//! per language, read with the `[going_further]` and `[server]` data:
//!
//! - `server::bad_input::<language>`: the errors listing gets an empty
//!   request, garbage bytes and a request line without a path (each
//!   answered with the bad-request status line), a client that connects
//!   and sends nothing (the read timeout closes it, unanswered, and the
//!   failure is logged), and a client that resets its connection while
//!   `GET /sleep` is being served (logged); it keeps serving `GET /`
//!   afterwards, never panics, and logs exactly those two failures;
//! - `server::signal_shutdown::<language>` and
//!   `server::sigterm_shutdown::<language>`: the signals listing gets
//!   `GET /sleep`, then SIGINT (or SIGTERM) once a worker got that job; it
//!   announces the shutdown, a connection made after that gets no answer,
//!   the slow response arrives in full, every worker terminates and is
//!   joined, and the process exits with status 0 within the pause and a
//!   margin;
//! - `server::going_further_messages::<language>`: the data is in both
//!   listings' code.

use super::{listing, with_own_address, STARTUP};
use anyhow::{bail, Result};
use booktools::languages::{BookLayout, Language};
use booktools::listings::Listing;
use booktools::process::{Running, TimedLine};
use booktools::server::going_further::GoingFurther;
use booktools::server::http_client::{self, Ending, Received};
use booktools::server::listing_binary;
use booktools::server::shutdown_run::EXIT_MARGIN;
use booktools::server::shutdown_story;
use booktools::server::source::{Kind, ServerSource};
use std::io::ErrorKind;
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The longest the server may take to answer a bad request, or to close a
/// silent client once its read timeout passed (the listing's is 5 s).
const ANSWER: Duration = Duration::from_secs(15);

/// The listing `name` built under `target/servers/`, its `[server]`
/// data and the `[going_further]` data, once the data matches its code.
fn built(
    layout: &BookLayout,
    language: &Language,
    name: impl Fn(&GoingFurther) -> &str,
) -> Result<(Listing, PathBuf, ServerSource, GoingFurther)> {
    let data = GoingFurther::load(&layout.root)?;
    let listing = listing(language, name(&data))?;
    let problems = data.source_problems(&listing)?;
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    let source = ServerSource::load(&layout.root, &listing)?;
    let target_dir = listing_binary::target_dir(&layout.root, listing_binary::SERVERS, &listing);
    let binary = listing_binary::build(&listing, &target_dir)?;
    Ok((listing, binary, source, data))
}

pub fn messages_are_in_the_source(layout: &BookLayout, language: &Language, _: &str) -> Result<()> {
    let data = GoingFurther::load(&layout.root)?;
    let mut problems = Vec::new();
    for name in [&data.errors_listing, &data.signals_listing] {
        problems.extend(data.source_problems(&listing(language, name)?)?);
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    Ok(())
}

/// Problems of `received` (the answer to `what`) unless it is a response
/// with `status` on a connection the server then closed.
fn status_problems(what: &str, received: &Received, status: &str) -> Vec<String> {
    let found = http_client::status_line(&received.bytes);
    let mut problems = Vec::new();
    if found.as_deref() != Some(status) {
        problems.push(format!(
            "{what}: expected the status line {status:?}, got {:?}",
            String::from_utf8_lossy(&received.bytes)
        ));
    }
    if received.ending != Ending::Closed {
        problems.push(format!(
            "{what}: the connection ended with {:?}, not closed after the response",
            received.ending
        ));
    }
    problems
}

pub fn bad_input(layout: &BookLayout, language: &Language, trial: &str) -> Result<()> {
    let (listing, binary, source, data) = built(layout, language, |d| &d.errors_listing)?;
    let failed = data.connection_failed_prefix(&language.code)?.to_string();
    let address = source.address;
    with_own_address(trial, &layout.root, address, || {
        let command = listing_binary::server_command(&listing, &binary);
        let mut server = Running::start(command, false)?;
        let page = source.hello_page()?;
        let get = |server: &mut Running| -> Result<Received> {
            let mut stream = http_client::send_get_when_listening(
                address,
                "/",
                Instant::now() + STARTUP,
                || server.ensure_running(),
            )?;
            http_client::read_until_closed(&mut stream, Instant::now() + ANSWER)
        };
        let mut problems =
            http_client::ok_response_problems("GET / first", &get(&mut server)?, &page);

        // A client that will vanish while its slow request is served.
        let vanishing = http_client::send_get(address, "/sleep")?;
        let bad_requests: [(&str, &[u8]); 3] = [
            ("an empty request", b""),
            ("garbage bytes", b"\x16\x03\x01\x00\xff\xfe\x80garbage\r\n"),
            ("a request line without a path", b"GET HTTP/1.1\r\n"),
        ];
        for (what, bytes) in bad_requests {
            let mut stream = http_client::send_raw(address, bytes, true)?;
            let received = http_client::read_until_closed(&mut stream, Instant::now() + ANSWER)?;
            problems.extend(status_problems(what, &received, &data.bad_request));
        }
        http_client::reset(vanishing)?;
        let mut silent = http_client::send_raw(address, b"", false)?;
        let received = http_client::read_until_closed(&mut silent, Instant::now() + ANSWER)?;
        if !received.bytes.is_empty() || received.ending == Ending::TimedOut {
            problems.push(format!(
                "a client that sends nothing: expected the server to close the connection \
                 unanswered after its read timeout, got {} byte(s) and {:?} after {}s",
                received.bytes.len(),
                received.ending,
                ANSWER.as_secs()
            ));
        }
        // Both failures are logged by now, or soon (the slow request's
        // pause is over once the silent client's timeout passed).
        let logged = |server: &Running| server.output(1).matches(failed.as_str()).count();
        let deadline = Instant::now() + source.pause + EXIT_MARGIN;
        while logged(&server) < 2 && Instant::now() < deadline {
            server.wait_for_exit(Instant::now() + Duration::from_millis(50))?;
        }
        problems.extend(http_client::ok_response_problems(
            "GET / after the bad input",
            &get(&mut server)?,
            &page,
        ));
        if let Err(error) = server.ensure_running() {
            problems.push(format!("{error:#}"));
        }
        if logged(&server) != 2 {
            problems.push(format!(
                "expected two logged failures (the silent client, the vanished one) \
                 starting with {failed:?}, found {}",
                logged(&server)
            ));
        }
        if server.output(1).contains("panicked") {
            problems.push("a thread of the server panicked".to_string());
        }
        server.kill();
        super::verdict(&listing.id(), &problems, &server)
    })
}

pub fn signal_shutdown(layout: &BookLayout, language: &Language, trial: &str) -> Result<()> {
    shutdown_on(layout, language, trial, libc::SIGINT)
}

pub fn sigterm_shutdown(layout: &BookLayout, language: &Language, trial: &str) -> Result<()> {
    shutdown_on(layout, language, trial, libc::SIGTERM)
}

/// One run of the signals listing stopped with `signal` while `GET /sleep`
/// is in flight.
fn shutdown_on(
    layout: &BookLayout,
    language: &Language,
    trial: &str,
    signal: libc::c_int,
) -> Result<()> {
    let (listing, binary, mut source, _) = built(layout, language, |d| &d.signals_listing)?;
    // One job (`GET /sleep`): the story of the shutdown with one connection.
    source.connections = 1;
    let address = source.address;
    with_own_address(trial, &layout.root, address, || {
        let (mut server, mut slow, slow_sent_at) =
            super::start_and_get(&listing, &binary, address, "/sleep")?;
        let deadline = slow_sent_at + source.pause + EXIT_MARGIN;
        let has = |kind| {
            let source = &source;
            move |lines: &[TimedLine]| {
                (lines.iter()).any(|line| source.event(&line.text).is_some_and(|e| e.kind == kind))
            }
        };
        server.wait_for_lines(deadline, "the job line of GET /sleep", has(Kind::Job))?;
        server.signal(signal);
        server.wait_for_lines(deadline, "the shutdown notice", has(Kind::ShuttingDown))?;
        let late = match TcpStream::connect_timeout(&address, Duration::from_secs(2)) {
            Ok(mut stream) => {
                let _ = std::io::Write::write_all(
                    &mut stream,
                    http_client::get_request("/", address).as_bytes(),
                );
                Some(http_client::read_until_closed(&mut stream, deadline)?)
            }
            Err(error) if error.kind() == ErrorKind::ConnectionRefused => None,
            Err(error) => return Err(error.into()),
        };
        let slow_answer = http_client::read_until_closed(&mut slow, deadline)?;
        let exit = server.wait_for_exit(deadline)?;

        let mut problems =
            http_client::ok_response_problems("GET /sleep", &slow_answer, &source.hello_page()?);
        if let Some(late) = late {
            if !late.bytes.is_empty() || late.ending == Ending::TimedOut {
                problems.push(format!(
                    "a connection made after the shutdown notice got {} byte(s) and ended \
                     with {:?}: it should be refused, reset or closed without a byte",
                    late.bytes.len(),
                    late.ending
                ));
            }
        }
        match exit {
            None => problems.push(format!(
                "the server did not exit within {}s of GET /sleep (pause + {}s)",
                (source.pause + EXIT_MARGIN).as_secs(),
                EXIT_MARGIN.as_secs()
            )),
            Some((status, _)) if status.code() != Some(0) => {
                problems.push(format!("the server exited with {status}, not 0"))
            }
            Some((_, exited_at)) if exited_at < slow_answer.at => {
                problems.push("the server exited before GET /sleep had its answer".to_string())
            }
            Some(_) => {}
        }
        let lines: Vec<String> = server.lines.iter().map(|l| l.text.clone()).collect();
        problems.extend(shutdown_story::story_problems(&lines, 1, &source));
        let what = format!("{} (signal {signal})", listing.id());
        super::verdict(&what, &problems, &server)
    })
}
