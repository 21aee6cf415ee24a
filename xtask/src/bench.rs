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

use anyhow::{bail, Context, Result};
use booktools::languages::BookLayout;
use booktools::listings;
use booktools::listings::compile::{self, CompileSettings, CACHE_DIR};
use booktools::listings::verify::{self, ListingVerdict};
use booktools::process;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs `bench <what>`.
pub fn run(args: &[String]) -> Result<()> {
    let root = &book_root()?;
    match args.first().map(String::as_str) {
        Some("listings") if args.len() == 1 => bench_listings(root),
        _ => bail!("usage: cargo xtask bench listings"),
    }
}

fn bench_listings(root: &Path) -> Result<()> {
    let layout = BookLayout::load(root)?;
    let settings = CompileSettings::for_book(root);
    let jobs = listings::default_jobs();

    for dir in [root.join(CACHE_DIR), settings.target_root.clone()] {
        if dir.exists() {
            std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
        }
    }
    let (cold, verdicts) = timed(|| verify::verify_book(&layout, &settings, jobs));
    report_verdicts("cold", &verdicts);
    let (warm, verdicts) = timed(|| verify::verify_book(&layout, &settings, jobs));
    report_verdicts("warm", &verdicts);
    let compiled_warm = verdicts
        .iter()
        .filter(|v| matches!(&v.result, Ok(Some(c)) if !c.from_cache))
        .count();

    let mut all = Vec::new();
    for language in &layout.languages {
        all.extend(listings::discover(language).unwrap_or_default());
    }
    let naive_start = Instant::now();
    for listing in &all {
        naive_build(&listing.dir)?;
    }
    let naive = naive_start.elapsed();

    println!(
        "listings: {} ({} language(s)), {jobs} job(s)",
        all.len(),
        layout.languages.len()
    );
    println!(
        "cold  (cache and target/listings removed): {}",
        seconds(cold)
    );
    println!(
        "warm  (second run, nothing changed):       {} ({compiled_warm} listing(s) compiled)",
        seconds(warm)
    );
    println!(
        "naive (`cargo build` one after another, fresh target dir each): {}",
        seconds(naive)
    );
    println!("naive / cold: {:.1}x", ratio(naive, cold));
    println!("naive / warm: {:.1}x", ratio(naive, warm));
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

fn report_verdicts(run: &str, verdicts: &[ListingVerdict]) {
    let failed: Vec<&ListingVerdict> = verdicts.iter().filter(|v| v.result.is_err()).collect();
    if !failed.is_empty() {
        println!(
            "{run} run: {} of {} verdict(s) failed (as `cargo test` would report):",
            failed.len(),
            verdicts.len()
        );
        for verdict in failed {
            if let Err(error) = &verdict.result {
                let first_line = format!("{error:#}");
                println!(
                    "  {}: {}",
                    verdict.id,
                    first_line.lines().next().unwrap_or("")
                );
            }
        }
    }
}

fn timed<T>(work: impl FnOnce() -> T) -> (Duration, T) {
    let start = Instant::now();
    let result = work();
    (start.elapsed(), result)
}

fn seconds(duration: Duration) -> String {
    format!("{:.2}s", duration.as_secs_f64())
}

fn ratio(slow: Duration, fast: Duration) -> f64 {
    slow.as_secs_f64() / fast.as_secs_f64().max(1e-9)
}

/// The book root: the parent of `xtask/`.
fn book_root() -> Result<std::path::PathBuf> {
    Ok(Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("xtask/ has no parent folder")?
        .to_path_buf())
}
