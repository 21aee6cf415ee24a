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
//!   rule of a live run and it is the narrated run.

use super::{listing, with_own_address, Server, STARTUP};
use anyhow::{bail, ensure, Result};
use booktools::languages::{BookLayout, Language};
use booktools::server::http_client;
use booktools::server::shutdown_run::{self, Outcome, Pacing, EXIT_MARGIN};
use booktools::server::source::{Holds, ServerSource};
use booktools::server::transcript::{self, TranscriptSpec};

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
pub fn run_story(
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
