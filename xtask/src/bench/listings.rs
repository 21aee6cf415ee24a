//! `cargo xtask bench listings`: how long the listing verification takes.
//!
//! In one run, on every listing of every language:
//! - cold: the output cache and `target/listings` removed, then the whole
//!   verification (compile, compare with `output.txt`, check the
//!   expectations) on all cores, as `cargo test` does it;
//! - warm: the same again, nothing changed (every output from the cache);
//! - naive: one `cargo build` per listing, one after another, each in the
//!   listing folder with a fresh temporary target folder;
//!
//! then the ratios naive/cold and naive/warm.

use super::{report, timed, Row};
use anyhow::{Context, Result};
use booktools::languages::BookLayout;
use booktools::listings;
use booktools::listings::compile::CACHE_DIR;
use booktools::listings::compile::{self, CompileSettings};
use booktools::listings::verify::{self, ListingVerdict};
use booktools::process;
use std::path::Path;
use std::process::Command;

/// Runs `bench listings`.
pub fn run(root: &Path) -> Result<()> {
    let layout = BookLayout::load(root)?;
    let settings = CompileSettings::for_book(root);
    let jobs = booktools::listings::default_jobs();

    for dir in [root.join(CACHE_DIR), settings.target_root.clone()] {
        if dir.exists() {
            std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
        }
    }
    let verify = || anyhow::Ok(verify::verify_book(&layout, &settings, jobs));
    let (cold, verdicts) = timed(verify)?;
    report_verdicts("cold", &verdicts);
    let (warm, verdicts) = timed(verify)?;
    report_verdicts("warm", &verdicts);
    let compiled_warm = verdicts
        .iter()
        .filter(|v| matches!(&v.result, Ok(Some(c)) if !c.from_cache))
        .count();

    let mut all = Vec::new();
    for language in &layout.languages {
        all.extend(listings::discover(language).unwrap_or_default());
    }
    let (naive, ()) = timed(|| all.iter().try_for_each(|listing| naive_build(&listing.dir)))?;

    println!(
        "listings: {} ({} language(s)), {jobs} job(s); warm run compiled {compiled_warm}",
        all.len(),
        layout.languages.len()
    );
    let verification = "verification (cold: cache and target/listings removed)";
    let naive_label = "naive: `cargo build` one after another, fresh target dir each";
    report(&[
        Row::new(verification, vec![cold], vec![warm]),
        Row::once(naive_label, naive),
    ]);
    println!(
        "naive / cold: {:.1}x, naive / warm: {:.1}x",
        naive.as_secs_f64() / cold.as_secs_f64(),
        naive.as_secs_f64() / warm.as_secs_f64().max(1e-9)
    );
    Ok(())
}

/// One `cargo build` in `dir` with a fresh temporary target folder.
fn naive_build(dir: &Path) -> Result<()> {
    let target = tempfile::tempdir().context("creating a temporary target folder")?;
    let mut cargo = Command::new("cargo");
    cargo.arg("build").current_dir(dir);
    compile::scrub_environment(&mut cargo);
    cargo.env("CARGO_TARGET_DIR", target.path());
    // Failing listings fail here too: only the time matters.
    process::run(cargo, compile::DEFAULT_TIMEOUT)
        .with_context(|| format!("cargo build in {}", dir.display()))?;
    Ok(())
}

/// The failed verdicts of a run, one line each (as `cargo test` would fail).
fn report_verdicts(run: &str, verdicts: &[ListingVerdict]) {
    for verdict in verdicts {
        if let Err(error) = &verdict.result {
            let error = format!("{error:#}");
            let first_line = error.lines().next().unwrap_or("");
            println!("{run} run: {} failed: {first_line}", verdict.id);
        }
    }
}
