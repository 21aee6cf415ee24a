//! `cargo xtask outputs [--no-cache]`: rewrites the `output.txt` of every
//! listing of every language from the current toolchain, in parallel, and
//! prints what changed (see `booktools::listings::outputs`).
//!
//! `--no-cache` compiles every listing even when the cache holds its output.

use anyhow::{bail, Result};
use booktools::languages::BookLayout;
use booktools::listings::compile::CompileSettings;
use booktools::listings::outputs::{self, OutputChange};
use booktools::server::transcript;
use std::path::Path;

/// Runs the command.
pub fn run(root: &Path, no_cache: bool) -> Result<()> {
    let mut settings = CompileSettings::for_book(root);
    if no_cache {
        settings.cache = None;
    }
    let layout = BookLayout::load(root)?;
    let jobs = booktools::listings::default_jobs();
    println!("regenerating every output.txt, {jobs} listing(s) at a time");
    let regeneration = outputs::regenerate(&layout, &settings, jobs);
    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    for (listing, change) in &regeneration.changes {
        let path = listing.output_path();
        let relative = path.strip_prefix(root).unwrap_or(&path).display();
        match change {
            OutputChange::Created => {
                created += 1;
                println!("created {relative}");
            }
            OutputChange::Updated(diff) => {
                updated += 1;
                println!("updated {relative} (- old, + new):\n{diff}");
            }
            OutputChange::Unchanged => unchanged += 1,
        }
    }
    println!("{created} created, {updated} updated, {unchanged} unchanged");
    // The console transcripts come from real server runs (booktools::server::transcript).
    let remake = settings.cache.is_none();
    let mut problems = regeneration.problems.clone();
    problems.extend(transcript::update_all(&layout, remake, |line| {
        println!("{line}")
    })?);
    if !problems.is_empty() {
        bail!(
            "some outputs could not be made:\n- {}",
            problems.join("\n- ")
        );
    }
    Ok(())
}
