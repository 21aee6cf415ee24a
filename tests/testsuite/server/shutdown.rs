//! Real server processes on 127.0.0.1, one test per language of
//! `book.toml` `[preprocessor.listings.trees]` (a new language is new
//! tests, no change here):
//!
//! - `graceful_shutdown::<language>`: Listing 20-25 built with cargo and
//!   started from its crate folder gets `GET /sleep`, `GET /`, then a third
//!   request once both were handed to workers; both answers are complete,
//!   the third gets none, the server exits by itself with status 0 and its
//!   output tells the shutdown in an order the code allows
//!   ([`booktools::server::shutdown_run`]);
//! - `final_code_serves_concurrently::<language>`: the final code answers
//!   `GET /` while `GET /sleep` is still in flight. It has no shutdown path
//!   (it serves forever by design), so the test kills it.
//!
//! The servers all listen on the address the book hard-codes: a
//! [`PortLock`] serializes them (also with other processes), and a server
//! left over from elsewhere on that address fails the test clearly. Every
//! child is killed by a guard, even when a test panics; each test checks
//! the address is free again at its end.

use anyhow::{bail, Context, Result};
use booktools::languages::{BookLayout, Language};
use booktools::listings::{self, Listing};
use booktools::server::http_client::{self, Ending, Response};
use booktools::server::listing_binary;
use booktools::server::port::{PortLock, DEFAULT_LOCK_WAIT};
use booktools::server::process::ServerProcess;
use booktools::server::shutdown_run::{self, Outcome, EXIT_MARGIN};
use booktools::server::source::{ServerSetup, ServerSource};
use libtest_mimic::{Failed, Trial};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The listing that shuts down after two requests.
const SHUTDOWN_LISTING: &str = "listing-20-25";

/// The chapter's final code, which serves forever.
const FINAL_CODE: &str = "no-listing-08-final-code";

/// The folder under `target/` for the binaries these tests build.
const TARGET_PURPOSE: &str = "server-tests";

/// The longest wait for a started binary to accept its first connection.
const STARTUP: Duration = Duration::from_secs(30);

/// The longest wait for the address to be free after a run.
const RELEASE: Duration = Duration::from_secs(10);

/// One graceful-shutdown run and one final-code run per language.
pub fn trials(root: &Path) -> Vec<Trial> {
    let layout = match BookLayout::load(root) {
        Ok(layout) => Arc::new(layout),
        Err(error) => {
            let message = format!("{error:#}");
            return vec![Trial::test("book_layout", move || Err(message.into()))];
        }
    };
    let mut trials = Vec::new();
    for language in &layout.languages {
        let (root, shutdown_language) = (layout.root.clone(), language.clone());
        trials.push(Trial::test(
            format!("graceful_shutdown::{}", language.code),
            move || graceful_shutdown(&root, &shutdown_language).map_err(failed),
        ));
        let (root, final_language) = (layout.root.clone(), language.clone());
        trials.push(Trial::test(
            format!("final_code_serves_concurrently::{}", language.code),
            move || final_code_serves_concurrently(&root, &final_language).map_err(failed),
        ));
    }
    trials
}

fn failed(error: anyhow::Error) -> Failed {
    format!("{error:#}").into()
}

/// The listing `name` of `language`, built; returns it and its binary.
fn built_listing(root: &Path, language: &Language, name: &str) -> Result<(Listing, PathBuf)> {
    let listing = listings::discover(language)?
        .into_iter()
        .find(|listing| listing.name == name)
        .with_context(|| {
            format!(
                "language `{}` has no listing `{name}` in {}",
                language.code,
                language.tree.display()
            )
        })?;
    let target_dir = listing_binary::target_dir(root, TARGET_PURPOSE, &listing);
    let binary = listing_binary::build(&listing, &target_dir)?;
    Ok((listing, binary))
}

fn graceful_shutdown(root: &Path, language: &Language) -> Result<()> {
    let (listing, binary) = built_listing(root, language, SHUTDOWN_LISTING)?;
    let source = ServerSource::read(&listing.dir)?;
    let hello_page = source.setup.hello_page()?;
    let lock = PortLock::acquire(root, source.setup.socket_address()?, DEFAULT_LOCK_WAIT)?;

    let command = listing_binary::server_command(&listing, &binary);
    let outcome = shutdown_run::run(&source, command, STARTUP, |_| true)?;
    lock.wait_until_free(Instant::now() + RELEASE)?;
    let Outcome::Finished(run) = outcome else {
        bail!("the run was abandoned although every run is kept");
    };
    let problems = run.problems(&source, &hello_page);
    if !problems.is_empty() {
        bail!(
            "{} ({}):\n- {}",
            listing.id(),
            listing.dir.display(),
            problems.join("\n- ")
        );
    }
    Ok(())
}

fn final_code_serves_concurrently(root: &Path, language: &Language) -> Result<()> {
    let (listing, binary) = built_listing(root, language, FINAL_CODE)?;
    let setup = ServerSetup::read(&listing.dir)?;
    let hello_page = setup.hello_page()?;
    let address = setup.socket_address()?;
    let pause = setup.slow_request_pause;
    let lock = PortLock::acquire(root, address, DEFAULT_LOCK_WAIT)?;

    let mut server = ServerProcess::start(listing_binary::server_command(&listing, &binary))?;
    let mut slow =
        http_client::send_get_when_listening(address, "/sleep", Instant::now() + STARTUP, || {
            server.ensure_running()
        })?;
    let slow_sent_at = Instant::now();
    let mut fast = http_client::send_get(address, "/")?;
    // Bounded by the pause: a server handling one request at a time would
    // answer only after the slow request.
    let fast_answer = http_client::read_until_closed(&mut fast, slow_sent_at + pause)?;
    let slow_still_in_flight = !http_client::has_answered(&slow)?;
    let slow_answer =
        http_client::read_until_closed(&mut slow, slow_sent_at + pause + EXIT_MARGIN)?;

    let mut problems = Vec::new();
    for (name, answer) in [("GET /", &fast_answer), ("GET /sleep", &slow_answer)] {
        if answer.ending != Ending::Closed {
            problems.push(format!("{name}: ended with {:?}", answer.ending));
        }
        match Response::parse(&answer.bytes) {
            Ok(response) => problems.extend(
                response
                    .problems_as_ok_with(&hello_page)
                    .into_iter()
                    .map(|problem| format!("{name}: {problem}")),
            ),
            Err(error) => problems.push(format!("{name}: {error:#}")),
        }
    }
    if !slow_still_in_flight {
        problems.push(
            "GET / was answered only once GET /sleep had its answer: the pool did not serve them concurrently"
                .to_string(),
        );
    }
    // The final code has no shutdown path, by design: after both answers
    // it must still be serving, and the only way to stop it is to kill it.
    if let Err(error) = server.ensure_running() {
        problems.push(format!("{error:#}"));
    }
    server.kill();
    lock.wait_until_free(Instant::now() + RELEASE)?;
    if !problems.is_empty() {
        bail!(
            "{} ({}):\n- {}\n{}",
            listing.id(),
            listing.dir.display(),
            problems.join("\n- "),
            server.report()
        );
    }
    Ok(())
}
