//! Real server runs, the final code's pool, and the transcripts the book
//! shows: tests per language of `book.toml` `[preprocessor.listings.trees]`
//! (a new language is new tests, no change here).
//!
//! The servers all listen on the address the book hard-codes. Where the
//! machine allows network namespaces, each run is this test re-run by the
//! test binary in a namespace of its own ([`with_own_address`]), so the
//! runs overlap; elsewhere a [`PortLock`] serializes them (also with other
//! processes). Every child is killed by a guard, even when a test panics,
//! and each run checks the address is free again at its end.

mod final_code_pool;
mod pool_crate;
mod shutdown;

use crate::Outcome;
use anyhow::{bail, ensure, Context, Result};
use booktools::languages::{BookLayout, Language};
use booktools::listings::expectations::EXPECTATIONS_FILE as EXPECTATIONS;
use booktools::listings::Listing;
use booktools::process;
use booktools::server::listing_binary::{self, find as listing, BUILD_TIMEOUT};
use booktools::server::port::{self, PortLock, DEFAULT_LOCK_WAIT};
use booktools::server::source::{GoingFurther, Holds, ServerSource};
use booktools::server::transcript::TranscriptSpec;
use libtest_mimic::Trial;
use mdbook_listings::directive::line_of_offset;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The chapter's final code, which serves forever.
pub const FINAL_CODE: &str = "no-listing-08-final-code";

/// A listing's server: its `[server]` data and its binary, built under
/// `target/servers/`.
pub struct Server {
    pub source: ServerSource,
    pub binary: PathBuf,
}

impl Server {
    /// `listing`'s server, once its code holds the data as `holds` says
    /// ([`data_held`]), built. A build failure fails the run: not every
    /// listing's own test links a binary (the rayon server's runs `cargo
    /// check`).
    pub fn built(
        layout: &BookLayout,
        listing: &Listing,
        holds: Option<Holds>,
    ) -> Result<Option<Server>> {
        let Some(source) = data_held(layout, listing, holds)? else {
            return Ok(None);
        };
        let target_dir = listing_binary::target_dir(&layout.root, listing_binary::SERVERS, listing);
        let binary = listing_binary::build(listing, &target_dir)?;
        Ok(Some(Server { source, binary }))
    }

    /// The command that starts it, in its crate folder.
    pub fn command(&self) -> Command {
        listing_binary::server_command(&self.source.listing, &self.binary)
    }
}

/// `listing`'s data, once its code holds it as `holds` says (`None`:
/// nothing to hold). When not, `server::messages::<language>` reports why:
/// the run says so and stops (`None`) rather than fail beside it for the
/// same cause.
pub fn data_held(
    layout: &BookLayout,
    listing: &Listing,
    holds: Option<Holds>,
) -> Result<Option<ServerSource>> {
    let source = ServerSource::load(&layout.root, listing)?;
    let problems = holds.map_or(Ok(Vec::new()), |holds| source.source_problems(holds))?;
    if let Some(problem) = problems.first() {
        let (first, language) = (
            problem.lines().next().unwrap_or_default(),
            &listing.language,
        );
        println!("precondition: the real book already has problems ({first}), see server::messages::{language}");
        return Ok(None);
    }
    Ok(Some(source))
}

/// `server::messages::<language>`: each server listing's code holds the
/// data its runs are read with, word for word.
fn messages_are_in_the_source(layout: &BookLayout, language: &Language, _: &str) -> Result<()> {
    let going_further = GoingFurther::load(&layout.root)?;
    let mut problems = Vec::new();
    for (name, holds) in [
        (
            &TranscriptSpec::load(layout)?.listing,
            Holds::Server { shuts_down: true },
        ),
        (&FINAL_CODE.to_string(), Holds::Server { shuts_down: false }),
        (&going_further.errors_listing, Holds::GoingFurther),
        (&going_further.signals_listing, Holds::GoingFurther),
    ] {
        let source = ServerSource::load(&layout.root, &listing(language, name)?)?;
        problems.extend(source.source_problems(holds)?);
    }
    ensure!(problems.is_empty(), "{}", problems.join("\n"));
    Ok(())
}

/// In a copy of the book, the source language's `connection_failed` and
/// the `bad_request` of `[going_further]` no longer match the code: the
/// messages check names each listing file and each data line.
fn going_further_data_missing_from_the_code_is_named_at_its_line() -> Result<()> {
    let book = booktools::book::TempBook::copy_of_repository()?;
    let layout = BookLayout::load(book.root())?;
    let data = book.read(EXPECTATIONS)?;
    let table = format!("[going_further.messages.{}]", layout.source_language);
    let after_table = data.find(&table).context("the source language's table")?;
    let mut planted = Vec::new();
    let mut edited = data.clone();
    for (key, from) in [("connection_failed", after_table), ("bad_request", 0)] {
        let at = from + data[from..].find(&format!("{key} = \"")).context(key)?;
        let value = at + key.len() + 4;
        edited.replace_range(value..value, "X");
        planted.push(format!("{EXPECTATIONS}:{}", line_of_offset(&data, at)));
    }
    book.write(EXPECTATIONS, &edited)?;
    let source = layout.language(&layout.source_language).context("a tree")?;
    let problems = format!(
        "{:#}",
        messages_are_in_the_source(&layout, source, "").unwrap_err()
    );
    let going_further = GoingFurther::load(book.root())?;
    for listing in [
        &going_further.errors_listing,
        &going_further.signals_listing,
    ] {
        let file = format!("{listing}/src/bin/main.rs");
        ensure!(problems.contains(&file), "no {file} in:\n{problems}");
    }
    for line in planted {
        ensure!(problems.contains(&line), "no {line} in:\n{problems}");
    }
    Ok(())
}

type LanguageTest = fn(&BookLayout, &Language, &str) -> Result<()>;

const PER_LANGUAGE: [(&str, LanguageTest); 11] = [
    ("graceful_shutdown", shutdown::graceful_shutdown),
    (
        "final_code_serves_concurrently",
        |layout, language, trial| {
            let holds = Some(Holds::Server { shuts_down: false });
            shutdown::serves_concurrently(layout, language, trial, FINAL_CODE, holds)
        },
    ),
    ("messages", messages_are_in_the_source),
    ("final_code_pool", final_code_pool::pool_drains_and_joins),
    ("transcript", shutdown::committed_transcript),
    ("bad_input", shutdown::bad_input),
    ("signal_shutdown", |layout, language, trial| {
        shutdown::shutdown_on(layout, language, trial, libc::SIGINT)
    }),
    ("sigterm_shutdown", |layout, language, trial| {
        shutdown::shutdown_on(layout, language, trial, libc::SIGTERM)
    }),
    ("pool_crate_serves", |layout, language, trial| {
        let name = pool_crate::POOL_CRATE;
        shutdown::serves_concurrently(layout, language, trial, name, None)
    }),
    ("pool_robustness", pool_crate::pool_robustness),
    ("pool_benchmark", pool_crate::pool_benchmark),
];

pub fn trials(root: &Path) -> Vec<Trial> {
    // The guard of `main.rs` loaded it already: no test runs otherwise.
    let layout = Arc::new(BookLayout::load(root).expect("the guard loaded book.toml"));
    let shared = Arc::clone(&layout);
    let mut trials = vec![
        Trial::test("server::transcript::claims", move || {
            shutdown::claims_quote_the_text(&shared).into_result()
        }),
        crate::trial(
            module_path!(),
            "going_further_data_missing_from_the_code_is_named_at_its_line",
            going_further_data_missing_from_the_code_is_named_at_its_line,
        ),
    ];
    for language in &layout.languages {
        for (test, run) in PER_LANGUAGE {
            let name = format!("server::{test}::{}", language.code);
            let (layout, language) = (Arc::clone(&layout), language.clone());
            trials.push(Trial::test(name.clone(), move || {
                run(&layout, &language, &name).into_result()
            }));
        }
    }
    trials
}

/// The longest wait for a started binary to accept its first connection.
const STARTUP: Duration = Duration::from_secs(30);

/// The verdict of a server run: an error naming `what` (the listing), each
/// problem found, and what the server printed; `Ok` without problems.
fn verdict(what: &str, problems: &[String], server: &process::Running) -> Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    bail!("{what}:\n- {}\n{}", problems.join("\n- "), server.report())
}

/// Runs `run` (the body of trial `trial`) with `address` to itself: in a
/// network namespace of its own, where the machine allows one (the trial
/// re-run by this test binary under `unshare`, its output shown if it
/// fails), else holding the [`PortLock`]. Either way the address must be
/// free again once `run` returned.
fn with_own_address(
    trial: &str,
    root: &Path,
    address: SocketAddr,
    run: impl FnOnce() -> Result<()>,
) -> Result<()> {
    let lock = if port::inside_own_network() {
        port::bring_loopback_up()?;
        None
    } else if port::own_networks_work() {
        let mut helper = Command::new(std::env::current_exe()?);
        helper.args(["--exact", trial, "--test-threads", "1"]);
        let done = process::run(
            port::in_own_network(&helper),
            BUILD_TIMEOUT + Duration::from_secs(60),
        )?;
        if done.status.success() && done.output.contains(" 1 passed;") {
            return Ok(());
        }
        bail!("in a network namespace of its own:\n{}", done.output);
    } else {
        Some(PortLock::acquire(root, address, DEFAULT_LOCK_WAIT)?)
    };
    let result = run();
    port::wait_until_free(address, Instant::now() + Duration::from_secs(10))?;
    drop(lock);
    result
}
