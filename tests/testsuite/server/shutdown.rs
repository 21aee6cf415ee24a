//! Real server processes on 127.0.0.1, per language:
//!
//! - `server::graceful_shutdown::<language>`: the shutdown listing (the
//!   `[transcript]` listing) gets `GET /sleep`, `GET /`, then a third
//!   request once both were handed to workers; both answers are complete,
//!   the third gets none, the server exits by itself with status 0 and its
//!   output tells the shutdown in an order the code allows;
//! - `server::final_code_serves_concurrently::<language>` (and
//!   `pool_crate_serves`, the `rayon` server): `GET /` is answered while
//!   `GET /sleep` is in flight; the server serves forever by design, so
//!   the test kills it;
//! - `server::transcript::claims`: the `[transcript]` claims quote the
//!   English text word for word and each states something;
//! - `server::transcript::<language>`: the committed transcript is a
//!   `cargo run` of the listing's package, its server lines obey every
//!   rule of a live run and it is the narrated run;
//! - `server::bad_input::<language>`: the errors listing of ch20-04 gets
//!   an empty request, garbage bytes and a request line without a path
//!   (each answered with the bad-request status line), a client that connects
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
use anyhow::{bail, ensure, Result};
use booktools::languages::{BookLayout, Language};
use booktools::server::http_client::{self, Ending, Received};
use booktools::server::shutdown_run::{self, start_and_get, Outcome, Pacing, EXIT_MARGIN};
use booktools::server::source::{GoingFurther, Holds, ServerSource};
use booktools::server::transcript::{self, TranscriptSpec};
use std::time::{Duration, Instant};

pub fn graceful_shutdown(layout: &BookLayout, language: &Language, trial: &str) -> Result<()> {
    let listing = TranscriptSpec::load(layout)?.listing(language)?;
    let holds = Some(Holds::Server { shuts_down: true });
    let Some(server) = Server::built(layout, &listing, holds)? else {
        return Ok(());
    };
    run_story(layout, &server, trial, &listing.id(), Pacing::BackToBack)
}

/// One [`shutdown_run`] of `server` paced as `pacing` says; fails naming
/// `what` with every problem.
fn run_story(
    layout: &BookLayout,
    server: &Server,
    trial: &str,
    what: &str,
    pacing: Pacing,
) -> Result<()> {
    let source = &server.source;
    with_own_address(trial, &layout.root, source.address, || {
        let run = shutdown_run::run(source, server.command(), STARTUP, pacing, |_| true)?;
        let Outcome::Finished(run) = run else {
            bail!("the run was abandoned although every run is kept");
        };
        let problems = run.problems(source)?;
        ensure!(problems.is_empty(), "{what}:\n- {}", problems.join("\n- "));
        Ok(())
    })
}

/// The listing `name`'s server (built as [`Server::built`] says) answers
/// `GET /` while `GET /sleep` is in flight, both with the hello page, and
/// keeps serving until it is killed.
pub fn serves_concurrently(
    layout: &BookLayout,
    language: &Language,
    trial: &str,
    name: &str,
    holds: Option<Holds>,
) -> Result<()> {
    let Some(built) = Server::built(layout, &listing(language, name)?, holds)? else {
        return Ok(());
    };
    let source = &built.source;
    let address = source.address;
    with_own_address(trial, &layout.root, address, || {
        let (mut server, mut slow, slow_sent_at) =
            shutdown_run::start_and_get(built.command(), address, "/sleep", STARTUP)?;
        let mut fast = http_client::send_get(address, "/")?;
        // Bounded by the pause: a server handling one request at a time
        // would answer only after the slow request.
        let fast_answer = http_client::read_until_closed(&mut fast, slow_sent_at + source.pause)?;
        let slow_in_flight = !http_client::has_answered(&slow)?;
        let slow_deadline = slow_sent_at + source.pause + EXIT_MARGIN;
        let slow_answer = http_client::read_until_closed(&mut slow, slow_deadline)?;

        let page = source.hello_page()?;
        let mut problems = http_client::ok_response_problems("GET /", &fast_answer, &page);
        problems.extend(http_client::ok_response_problems(
            "GET /sleep",
            &slow_answer,
            &page,
        ));
        if !slow_in_flight {
            problems.push(
                "GET / was answered only once GET /sleep had its answer: \
                 the pool did not serve them concurrently"
                    .to_string(),
            );
        }
        // No shutdown path, by design: after both answers it must still be
        // serving, and the only way to stop it is to kill it.
        if let Err(error) = server.ensure_running() {
            problems.push(format!("{error:#}"));
        }
        server.kill();
        super::verdict(&source.listing.id(), &problems, &server)
    })
}

pub fn claims_quote_the_text(layout: &BookLayout) -> Result<()> {
    let problems = TranscriptSpec::load(layout)?.problems(layout)?;
    ensure!(problems.is_empty(), "{}", problems.join("\n"));
    Ok(())
}

pub fn committed_transcript(layout: &BookLayout, language: &Language, _: &str) -> Result<()> {
    let spec = TranscriptSpec::load(layout)?;
    let source = ServerSource::load(&layout.root, &spec.listing(language)?)?;
    let problems = transcript::committed_problems(&spec, &source);
    if !problems.is_empty() {
        let command = transcript::REGENERATE_COMMAND;
        bail!("{}\n(regenerate with `{command}`)", problems.join("\n"));
    }
    Ok(())
}

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
