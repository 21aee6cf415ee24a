//! `cargo xtask bench suite`: the whole `cargo test`, warm (nothing
//! changed, everything built), and from a one-word edit of a translation to
//! green (what a translator waits for: the rebuild it causes, then every
//! test). The edit is a real change of text, undone afterwards.

use super::{report, timed, Row};
use anyhow::{bail, Context, Result};
use booktools::languages::BookLayout;
use booktools::listings::compile;
use booktools::process;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The longest one `cargo test` may take.
const TIMEOUT: Duration = Duration::from_secs(3600);

/// A word of a translation and another that keeps every check green.
const EDITS: &[(&str, &str)] = &[("Commençons", "Démarrons"), ("Démarrons", "Commençons")];

fn cargo_test(root: &Path) -> Result<Duration> {
    let mut cargo = Command::new("cargo");
    cargo.arg("test").current_dir(root);
    compile::scrub_environment(&mut cargo);
    let (time, run) = timed(|| process::run(cargo, TIMEOUT))?;
    if !run.status.success() {
        bail!("`cargo test` failed:\n{}", run.output);
    }
    Ok(time)
}

/// Runs `bench suite`.
pub fn run(root: &Path, runs: usize) -> Result<()> {
    cargo_test(root).context("a first `cargo test`, to build everything")?;
    let warm = (0..runs).map(|_| cargo_test(root)).collect::<Result<_>>()?;
    let layout = BookLayout::load(root)?;
    let catalog = layout
        .translated()
        .map(|language| layout.po_file(&language.code))
        .next()
        .context("a translated language")?;
    let original = std::fs::read_to_string(&catalog)?;
    let (from, to) = EDITS
        .iter()
        .find(|(from, _)| {
            original.contains(&format!("msgstr \"{from}"))
                || original.contains(&format!("\"{from} "))
        })
        .context("a word of EDITS in the catalog")?;
    let mut edit_to_green = Vec::new();
    for run in 0..runs {
        let (a, b) = if run % 2 == 0 { (from, to) } else { (to, from) };
        let text = std::fs::read_to_string(&catalog)?;
        std::fs::write(&catalog, text.replacen(a, b, 1))?;
        let result = cargo_test(root);
        if result.is_err() || run + 1 == runs {
            std::fs::write(&catalog, &original)?;
        }
        edit_to_green.push(result?);
    }
    std::fs::write(&catalog, &original)?;
    report(&[
        Row::new("cargo test, nothing changed", Vec::new(), warm),
        Row::new(
            format!(
                "cargo test after `{from}` -> `{to}` in {}",
                catalog.display()
            ),
            edit_to_green,
            Vec::new(),
        ),
    ]);
    Ok(())
}
