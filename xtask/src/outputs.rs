//! `cargo xtask outputs [--no-cache]`: rewrites the `output.txt` of every
//! listing of every language from the current toolchain, in parallel, and
//! prints what changed.
//!
//! A listing keeps the command its `output.txt` records (`$ cargo check` or
//! `$ cargo build`); a new one gets `$ cargo check`. `--no-cache` compiles
//! every listing even when the cache holds its output.

use anyhow::{bail, Context, Result};
use booktools::compile::{self, CargoCommand, CompileSettings};
use booktools::languages::BookLayout;
use booktools::line_diff;
use booktools::listings::{self, Listing};
use booktools::parallel;
use std::path::Path;

/// Runs the command.
pub fn run(args: &[String]) -> Result<()> {
    let root = &book_root()?;
    let mut settings = CompileSettings::for_book(root);
    for arg in args {
        match arg.as_str() {
            "--no-cache" => settings.cache = None,
            other => bail!("outputs: unknown argument `{other}` (accepted: --no-cache)"),
        }
    }
    let layout = BookLayout::load(root)?;
    let mut problems = Vec::new();
    let mut work: Vec<(Listing, CargoCommand)> = Vec::new();
    for language in &layout.languages {
        match listings::discover(language) {
            Ok(found) => {
                for listing in found {
                    match compile::recorded_command(&listing) {
                        Ok(command) => {
                            work.push((listing, command.unwrap_or(CargoCommand::DEFAULT)))
                        }
                        Err(error) => problems.push(format!("{error:#}")),
                    }
                }
            }
            Err(error) => problems.push(format!("{error:#}")),
        }
    }

    let jobs = parallel::default_jobs();
    println!("compiling {} listing(s), {jobs} at a time", work.len());
    let results = compile::compile_all(&work, &settings, jobs);
    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    for ((listing, _), result) in work.iter().zip(results) {
        let compilation = match result {
            Ok(compilation) => compilation,
            Err(error) => {
                problems.push(format!("{}: {error:#}", listing.id()));
                continue;
            }
        };
        let path = listing.output_path();
        let new = compilation.transcript();
        let relative = path.strip_prefix(root).unwrap_or(&path).display();
        match std::fs::read_to_string(&path) {
            Ok(old) if old == new => unchanged += 1,
            Ok(old) => {
                std::fs::write(&path, &new)?;
                updated += 1;
                println!("updated {relative}:\n{}", line_diff::diff(&old, &new));
            }
            Err(_) => {
                std::fs::write(&path, &new)?;
                created += 1;
                println!("created {relative}");
            }
        }
    }
    println!("{created} created, {updated} updated, {unchanged} unchanged");
    if !problems.is_empty() {
        bail!(
            "some outputs could not be made:\n- {}",
            problems.join("\n- ")
        );
    }
    Ok(())
}

/// The book root: the parent of `xtask/`.
fn book_root() -> Result<std::path::PathBuf> {
    Ok(Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("xtask/ has no parent folder")?
        .to_path_buf())
}
