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
mod going_further;
mod pool_crate;
mod shutdown;

use crate::Outcome;
use anyhow::{bail, Result};
use booktools::languages::{BookLayout, Language};
use booktools::listings::Listing;
use booktools::process;
use booktools::server::listing_binary;
use booktools::server::listing_binary::{find as listing, BUILD_TIMEOUT};
use booktools::server::port::{self, PortLock, DEFAULT_LOCK_WAIT};
use booktools::server::source::ServerSource;
use libtest_mimic::Trial;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A listing's server: its binary, built under `target/servers/`, and its
/// `[server]` data.
pub struct Server {
    pub listing: Listing,
    pub binary: PathBuf,
    pub source: ServerSource,
}

impl Server {
    /// Builds `listing`'s binary under `target/servers/`.
    pub fn build(layout: &BookLayout, listing: &Listing, source: ServerSource) -> Result<Server> {
        let target_dir = listing_binary::target_dir(&layout.root, listing_binary::SERVERS, listing);
        let binary = listing_binary::build(listing, &target_dir)?;
        let listing = listing.clone();
        Ok(Server {
            listing,
            binary,
            source,
        })
    }

    /// The command that starts it, in its crate folder.
    pub fn command(&self) -> Command {
        listing_binary::server_command(&self.listing, &self.binary)
    }
}

type LanguageTest = fn(&BookLayout, &Language, &str) -> Result<()>;

const PER_LANGUAGE: [(&str, LanguageTest); 12] = [
    ("graceful_shutdown", shutdown::graceful_shutdown),
    (
        "final_code_serves_concurrently",
        shutdown::final_code_serves_concurrently,
    ),
    ("messages", shutdown::messages_are_in_the_source),
    ("final_code_pool", final_code_pool::pool_drains_and_joins),
    ("transcript", shutdown::committed_transcript),
    ("bad_input", going_further::bad_input),
    ("signal_shutdown", going_further::signal_shutdown),
    ("sigterm_shutdown", going_further::sigterm_shutdown),
    (
        "going_further_messages",
        going_further::messages_are_in_the_source,
    ),
    ("pool_crate_serves", pool_crate::pool_crate_serves),
    ("pool_robustness", pool_crate::pool_robustness),
    ("pool_benchmark", pool_crate::pool_benchmark),
];

pub fn trials(root: &Path) -> Vec<Trial> {
    let layout = match BookLayout::load(root) {
        Ok(layout) => Arc::new(layout),
        Err(error) => {
            let message = format!("{error:#}");
            return vec![Trial::test("server::book_layout", move || {
                Err(message.into())
            })];
        }
    };
    let shared = Arc::clone(&layout);
    let mut trials = vec![Trial::test("server::transcript::claims", move || {
        shutdown::claims_quote_the_text(&shared).into_result()
    })];
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
