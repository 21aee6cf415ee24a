//! `cargo xtask bench <what>`: timings, printed and never asserted. Every
//! figure is one [`Row`]: its cold runs (first run, caches removed) and its
//! warm runs (again, nothing changed), printed in one format by [`report`].

use anyhow::Result;
use clap::Subcommand;
use std::num::NonZeroUsize;
use std::path::Path;
use std::time::{Duration, Instant};

mod listings;
mod pools;
mod search;
mod server;
pub mod site;
mod skeptic;
mod suite;

/// What to time.
#[derive(Subcommand)]
pub enum What {
    /// The listing verification: cold, warm, and naive `cargo build`s.
    Listings,
    /// The graceful shutdown (last response -> exit) and the server tests.
    Server {
        /// Runs of the shutdown listing per language.
        #[arg(long, default_value = "3")]
        runs: NonZeroUsize,
    },
    /// What the skeptic tests of the book's Rust blocks add to `cargo test`.
    Skeptic {
        /// Runs of each `cargo test`.
        #[arg(long, default_value = "3")]
        runs: NonZeroUsize,
    },
    /// Each language's search index, mdBook's and rebuilt in the
    /// language's analysis: its size and the time to first results in
    /// headless Chromium.
    Search,
    /// The load benchmark of "Going further": our pool's server against
    /// the crate-based one (and every server of `[pool_bench]`), recorded
    /// in each listing tree.
    Pools,
    /// The in-process site build (cold, warm) and a po edit under `serve`.
    Site,
    /// The whole `cargo test`: warm, and from a one-word translation edit
    /// to green.
    Suite {
        /// Runs of each.
        #[arg(long, default_value = "3")]
        runs: NonZeroUsize,
    },
}

/// Runs `bench <what>`.
pub fn run(root: &Path, what: What) -> Result<()> {
    match what {
        What::Listings => listings::run(root),
        What::Server { runs } => server::run(root, runs.get()),
        What::Skeptic { runs } => skeptic::run(root, runs.get()),
        What::Search => search::run(root),
        What::Pools => pools::run(root),
        What::Site => site::run(root),
        What::Suite { runs } => suite::run(root, runs.get()),
    }
}

/// How long `work` took, and what it returned.
pub fn timed<T>(work: impl FnOnce() -> Result<T>) -> Result<(Duration, T)> {
    let started = Instant::now();
    let value = work()?;
    Ok((started.elapsed(), value))
}

/// The `finished in 3.01s` of libtest's summaries (joined with ` + `).
pub fn libtest_time(output: &str) -> String {
    let times: Vec<&str> = (output.lines())
        .filter_map(|line| line.split("finished in ").nth(1))
        .map(str::trim)
        .collect();
    times.join(" + ")
}

/// One measured thing: its cold and warm runs (either may be empty).
pub struct Row {
    pub label: String,
    pub cold: Vec<Duration>,
    pub warm: Vec<Duration>,
}

impl Row {
    pub fn new(label: impl Into<String>, cold: Vec<Duration>, warm: Vec<Duration>) -> Row {
        Row {
            label: label.into(),
            cold,
            warm,
        }
    }

    /// A single (cold) run.
    pub fn once(label: impl Into<String>, run: Duration) -> Row {
        Row::new(label, vec![run], Vec::new())
    }

    /// The first of `runs` cold, the others warm.
    pub fn first_cold(label: impl Into<String>, mut runs: Vec<Duration>) -> Row {
        let warm = runs.split_off(1.min(runs.len()));
        Row::new(label, runs, warm)
    }
}

/// Prints `rows` as a table: label, cold, warm; several runs show as
/// `median (min–max, n runs)`.
pub fn report(rows: &[Row]) {
    let width = rows.iter().map(|row| row.label.chars().count()).max();
    let width = width.unwrap_or(0);
    println!("\n  {:<width$}  {:>26}  {:>26}", "", "cold", "warm");
    for row in rows {
        println!(
            "  {:<width$}  {:>26}  {:>26}",
            row.label,
            spread(&row.cold),
            spread(&row.warm)
        );
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("\n(machine: {cores} cores)");
}

fn spread(runs: &[Duration]) -> String {
    let mut sorted = runs.to_vec();
    sorted.sort();
    match sorted.as_slice() {
        [] => "-".to_string(),
        [one] => show(*one),
        [first, .., last] => format!(
            "{} ({}–{}, {} runs)",
            show(sorted[sorted.len() / 2]),
            show(*first),
            show(*last),
            sorted.len()
        ),
    }
}

/// Seconds, or milliseconds under a second.
fn show(duration: Duration) -> String {
    match duration.as_secs_f64() {
        s if s >= 1.0 => format!("{s:.2}s"),
        s => format!("{:.2}ms", s * 1000.0),
    }
}
