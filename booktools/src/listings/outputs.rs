//! Rewrites the `output.txt` of every listing of every language from the
//! current toolchain (the work of `cargo xtask outputs`).
//!
//! A listing keeps the command its `output.txt` records (`$ cargo check`,
//! `$ cargo test --doc`, ...); a new one gets `$ cargo check`.

use crate::languages::BookLayout;
use crate::listings::compile::{self, CargoCommand, CompileSettings};
use crate::listings::{self, line_diff, Listing};
use anyhow::Context;

/// What happened to one `output.txt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputChange {
    /// It did not exist.
    Created,
    /// It changed; the line diff (`-` old, `+` new).
    Updated(String),
    /// It was already right.
    Unchanged,
}

/// The outcome of a regeneration.
#[derive(Debug, Default)]
pub struct Regeneration {
    /// Each listing handled and what happened to its `output.txt`.
    pub changes: Vec<(Listing, OutputChange)>,
    /// What could not be done (a missing tree, an unreadable first line, a
    /// cargo run that timed out), each naming the path.
    pub problems: Vec<String>,
}

/// Regenerates every `output.txt` of every language of `layout`, compiling
/// `jobs` listings at a time.
pub fn regenerate(layout: &BookLayout, settings: &CompileSettings, jobs: usize) -> Regeneration {
    let mut regeneration = Regeneration::default();
    let mut work = Vec::new();
    let mut old_texts = Vec::new();
    for language in &layout.languages {
        let found =
            listings::discover(language).map_err(|e| regeneration.problems.push(format!("{e:#}")));
        for listing in found.unwrap_or_default() {
            match compile::recorded(&listing) {
                Ok(recorded) => {
                    let (command, old) = recorded.unzip();
                    work.push((
                        listing,
                        command.unwrap_or_else(CargoCommand::default_command),
                    ));
                    old_texts.push(old);
                }
                Err(error) => regeneration.problems.push(format!("{error:#}")),
            }
        }
    }
    let results = listings::parallel_map(&work, jobs, |(listing, command)| {
        compile::compile(listing, command, settings)
    });
    for (((listing, _), old), result) in work.into_iter().zip(old_texts).zip(results) {
        let written = result.and_then(|compilation| {
            let (path, new) = (listing.output_path(), compilation.transcript());
            let change = match old {
                Some(old) if old == new => return Ok(OutputChange::Unchanged),
                Some(old) => OutputChange::Updated(line_diff(&old, &new)),
                None => OutputChange::Created,
            };
            std::fs::write(&path, &new).with_context(|| format!("writing {}", path.display()))?;
            Ok(change)
        });
        match written {
            Ok(change) => regeneration.changes.push((listing, change)),
            Err(error) => regeneration
                .problems
                .push(format!("{}: {error:#}", listing.id())),
        }
    }
    regeneration
}
