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
//!   margin.

use super::{listing, with_own_address, Server, STARTUP};
use anyhow::Result;
use booktools::languages::{BookLayout, Language};
use booktools::server::http_client::{self, Ending, Received};
use booktools::server::shutdown_run::{start_and_get, Pacing, EXIT_MARGIN};
use booktools::server::source::{GoingFurther, Holds};
use std::time::{Duration, Instant};

/// The longest the server may take to answer a bad request, or to close a
/// silent client once its read timeout passed (the listing's is 5 s).
const ANSWER: Duration = Duration::from_secs(15);

/// The going-further listing `name`, built as [`Server::built`] says.
fn built(layout: &BookLayout, language: &Language, name: &str) -> Result<Option<Server>> {
    Server::built(layout, &listing(language, name)?, Some(Holds::GoingFurther))
}

pub fn bad_input(layout: &BookLayout, language: &Language, trial: &str) -> Result<()> {
    let data = GoingFurther::load(&layout.root)?;
    let Some(built) = built(layout, language, &data.errors_listing)? else {
        return Ok(());
    };
    let source = &built.source;
    // A logged failure starts with the format string up to its first `{`.
    let format = data.connection_failed(&language.code)?;
    let failed = format.split('{').next().unwrap_or_default().to_string();
    let address = source.address;
    with_own_address(trial, &layout.root, address, || {
        let (mut server, mut first, _) = start_and_get(built.command(), address, "/", STARTUP)?;
        let page = source.hello_page()?;
        let answer =
            |stream: &mut _| http_client::read_until_closed(stream, Instant::now() + ANSWER);
        let mut problems =
            http_client::ok_response_problems("GET / first", &answer(&mut first)?, &page);

        // A client that will vanish while its slow request is served.
        let vanishing = http_client::send_get(address, "/sleep")?;
        let bad_requests: [(&str, &[u8]); 3] = [
            ("an empty request", b""),
            ("garbage bytes", b"\x16\x03\x01\x00\xff\xfe\x80garbage\r\n"),
            ("a request line without a path", b"GET HTTP/1.1\r\n"),
        ];
        for (what, bytes) in bad_requests {
            let received = answer(&mut http_client::send_raw(address, bytes, true)?)?;
            problems.extend(http_client::response_problems(
                what,
                &received,
                &data.bad_request,
                None,
            ));
        }
        http_client::reset(vanishing)?;
        let received: Received = answer(&mut http_client::send_raw(address, b"", false)?)?;
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
        let logged = |server: &booktools::process::Running| {
            server.output(1).matches(failed.as_str()).count()
        };
        let deadline = Instant::now() + source.pause + EXIT_MARGIN;
        while logged(&server) < 2 && Instant::now() < deadline {
            server.wait_for_exit(Instant::now() + Duration::from_millis(50))?;
        }
        let again = answer(&mut http_client::send_get(address, "/")?)?;
        problems.extend(http_client::ok_response_problems(
            "GET / after the bad input",
            &again,
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
        super::verdict(&source.listing.id(), &problems, &server)
    })
}

/// One run of the signals listing stopped with `signal` while `GET /sleep`
/// is in flight.
pub fn shutdown_on(
    layout: &BookLayout,
    language: &Language,
    trial: &str,
    signal: libc::c_int,
) -> Result<()> {
    let name = GoingFurther::load(&layout.root)?.signals_listing;
    let Some(mut server) = built(layout, language, &name)? else {
        return Ok(());
    };
    // One job (`GET /sleep`): the story of the shutdown with one connection.
    server.source.connections = 1;
    let what = format!("{} (signal {signal})", server.source.listing.id());
    super::shutdown::run_story(layout, &server, trial, &what, Pacing::Signal(signal))
}
