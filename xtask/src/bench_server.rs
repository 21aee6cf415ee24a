//! `cargo xtask bench server [--runs <n>]`: what the graceful shutdown
//! costs, and what the server tests cost.
//!
//! - per language, `--runs` real runs (default 3) of the shutdown listing
//!   (the `[transcript]` listing of `listing-expectations.toml`) through the
//!   three requests of `tests/server.rs`: the time from the last response
//!   to the process exit (the shutdown itself: terminate messages, joins,
//!   exit), and how long `GET /` took while `GET /sleep` was in flight;
//! - the wall time of `cargo test --test testsuite -- server::` (built first, untimed).
//!
//! Timing lives here only; the tests never assert a duration.

use anyhow::{bail, Context, Result};
use booktools::languages::BookLayout;
use booktools::listings::compile;
use booktools::process;
use booktools::server::listing_binary;
use booktools::server::port::{PortLock, DEFAULT_LOCK_WAIT};
use booktools::server::shutdown_run::{self, Outcome, Pacing};
use booktools::server::source::ServerSource;
use booktools::server::transcript::TranscriptSpec;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The longest wait for the suite (it builds and runs real servers).
const SUITE_TIMEOUT: Duration = Duration::from_secs(900);

/// Runs the benchmark.
pub fn run(args: &[String]) -> Result<()> {
    let runs = match args {
        [] => 3,
        [flag, n] if flag == "--runs" => n
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .with_context(|| format!("--runs needs a positive number, got `{n}`"))?,
        _ => bail!("usage: cargo xtask bench server [--runs <n>]"),
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("xtask/ has no parent folder")?;
    let layout = BookLayout::load(root)?;
    let spec = TranscriptSpec::load(&layout)?;

    for language in &layout.languages {
        let listing = spec.listing(language)?;
        let source = ServerSource::load(root, &listing)?;
        let target_dir = listing_binary::target_dir(root, "server-bench", &listing);
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
            if !problems.is_empty() {
                bail!(
                    "{}: a run went wrong:\n- {}",
                    listing.id(),
                    problems.join("\n- ")
                );
            }
            shutdowns.push(
                run.exited_at
                    .saturating_duration_since(run.last_response_at()),
            );
            fast_answers.push(run.fast.at.saturating_duration_since(run.slow_sent_at));
        }
        drop(lock);
        println!("{} ({runs} run(s)):", listing.id());
        println!(
            "  last response -> process exit: {} (each instant is seen by a blocked \
             thread of the client: resolution ~0.1 ms)",
            spread(&mut shutdowns)
        );
        println!(
            "  GET / answered, GET /sleep in flight: {}",
            spread(&mut fast_answers)
        );
    }

    let mut build = test_command(root);
    build.arg("--no-run");
    let status = build.status().context("building the server tests")?;
    if !status.success() {
        bail!("`cargo test --test server --no-run` failed");
    }
    let started = Instant::now();
    let mut suite = test_command(root);
    suite.args(["--", "server::"]);
    // Its own process group: a timeout kills the test binary and its
    // servers with cargo.
    suite.process_group(0).stdout(Stdio::piped());
    let mut child = suite
        .spawn()
        .context("starting `cargo test --test testsuite -- server::`")?;
    let mut stdout = child.stdout.take().context("no stdout pipe")?;
    let output = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > SUITE_TIMEOUT {
            process::kill_group(&mut child);
            bail!(
                "`cargo test --test testsuite -- server::` ran over {}s",
                SUITE_TIMEOUT.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let wall = started.elapsed();
    let output = output.join().unwrap_or_default();
    if !status.success() {
        bail!("`cargo test --test testsuite -- server::` failed:\n{output}");
    }
    // libtest's own figure: the tests alone, without cargo's start-up,
    // build scripts and waits for the build lock.
    let tests_alone = output
        .lines()
        .filter_map(|line| line.split("finished in ").nth(1))
        .next_back()
        .unwrap_or("?")
        .to_string();
    println!(
        "cargo test --test server (already built): {:.2}s wall, tests alone {tests_alone}",
        wall.as_secs_f64()
    );
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

/// `min / median / max` of `durations`, in milliseconds.
fn spread(durations: &mut [Duration]) -> String {
    durations.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "min {:.2} ms, median {:.2} ms, max {:.2} ms",
        ms(durations[0]),
        ms(durations[durations.len() / 2]),
        ms(durations[durations.len() - 1])
    )
}
