//! `cargo xtask bench server [--runs <n>]`: what the graceful shutdown
//! costs, and what the server tests cost.
//!
//! - per language, `--runs` real runs (default 3) of the shutdown listing
//!   (the `[transcript]` listing of `listing-expectations.toml`) through the
//!   three requests of the server trials (`tests/testsuite/server/`): the
//!   time from the last response to the process exit (the shutdown itself:
//!   terminate messages, joins, exit), and how long `GET /` took while
//!   `GET /sleep` was in flight;
//! - the wall time of `cargo test --test testsuite -- server::` (built
//!   first, untimed).
//!
//! Timing lives here only; the tests never assert a duration.

use super::{libtest_time, report, timed, Row};
use anyhow::{bail, ensure, Context, Result};
use booktools::languages::BookLayout;
use booktools::listings::compile;
use booktools::process;
use booktools::server::listing_binary;
use booktools::server::port::{PortLock, DEFAULT_LOCK_WAIT};
use booktools::server::shutdown_run::{self, Outcome, Pacing};
use booktools::server::source::ServerSource;
use booktools::server::transcript::TranscriptSpec;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The longest wait for the suite (it builds and runs real servers).
const SUITE_TIMEOUT: Duration = Duration::from_secs(900);

pub fn run(root: &Path, runs: usize) -> Result<()> {
    let layout = BookLayout::load(root)?;
    let spec = TranscriptSpec::load(&layout)?;
    let mut rows = Vec::new();

    for language in &layout.languages {
        let listing = spec.listing(language)?;
        let source = ServerSource::load(root, &listing)?;
        let target_dir = listing_binary::target_dir(root, listing_binary::SERVERS, &listing);
        let binary = listing_binary::build(&listing, &target_dir)?;
        let lock = PortLock::acquire(root, source.address, DEFAULT_LOCK_WAIT)?;
        let (mut shutdowns, mut fast_answers) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            let command = listing_binary::server_command(&listing, &binary);
            let outcome = shutdown_run::run(
                &source,
                command,
                Duration::from_secs(30),
                Pacing::BackToBack,
                |_| true,
            )?;
            lock.wait_until_free(Instant::now() + Duration::from_secs(10))?;
            let Outcome::Finished(run) = outcome else {
                bail!("{}: a kept run was abandoned", listing.id());
            };
            let problems = run.problems(&source)?;
            ensure!(
                problems.is_empty(),
                "{}: a run went wrong:\n- {}",
                listing.id(),
                problems.join("\n- ")
            );
            shutdowns.push(
                run.exited_at
                    .saturating_duration_since(run.last_response_at()),
            );
            let fast = run.fast.as_ref().context("a run with GET /")?;
            fast_answers.push(fast.at.saturating_duration_since(run.slow_sent_at));
        }
        drop(lock);
        let id = listing.id();
        let shutdown = format!("{id}: last response -> process exit");
        rows.push(Row::first_cold(shutdown, shutdowns));
        let fast = format!("{id}: GET / answered, GET /sleep in flight");
        rows.push(Row::first_cold(fast, fast_answers));
    }

    let mut build = test_command(root);
    build.arg("--no-run");
    if !process::run(build, SUITE_TIMEOUT)?.status.success() {
        bail!("`cargo test --test testsuite --no-run` failed");
    }
    let mut suite = test_command(root);
    suite.args(["--", "server::"]);
    let (wall, suite) = timed(|| process::run(suite, SUITE_TIMEOUT))?;
    if !suite.status.success() {
        bail!(
            "`cargo test --test testsuite -- server::` failed:\n{}",
            suite.output
        );
    }
    // libtest's own figure: the tests alone, without cargo's start-up,
    // build scripts and waits for the build lock.
    let tests_alone = libtest_time(&suite.output);
    let suite =
        format!("cargo test --test testsuite -- server:: (built; tests alone {tests_alone})");
    rows.push(Row::once(suite, wall));
    report(&rows);
    println!("(cold = first run; each instant is seen by a blocked client thread: ~0.1 ms)");
    Ok(())
}

/// `cargo test --test testsuite -- server::` at the book root, quiet, with the
/// environment a parent cargo leaves scrubbed.
fn test_command(root: &Path) -> Command {
    let mut cargo = Command::new("cargo");
    cargo
        .args(["test", "--test", "testsuite"])
        .current_dir(root);
    compile::scrub_environment(&mut cargo);
    cargo
}
