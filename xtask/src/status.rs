//! `cargo xtask status [--check]`: prints, per translated language and per
//! chapter, the messages translated, fuzzy and untranslated, then what is
//! left to do (each with its file and line), from
//! `booktools::translation_status`.
//!
//! It only reports, exiting 0, unless `--check` is given: then it exits 1
//! when a language is incomplete.

use anyhow::{bail, Context, Result};
use booktools::translation_status::{book_status, render};
use std::path::Path;

/// Runs the command on the book of this repository.
pub fn run(args: &[String]) -> Result<()> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        [other, ..] => bail!("usage: cargo xtask status [--check], got `{other}`"),
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("xtask/ has no parent folder")?;
    let statuses = book_status(root)?;
    print!("{}", render(root, &statuses));
    let incomplete: Vec<&str> = statuses
        .iter()
        .filter(|status| !status.is_complete())
        .map(|status| status.language.as_str())
        .collect();
    if check && !incomplete.is_empty() {
        bail!("incomplete translation(s): {}", incomplete.join(", "));
    }
    Ok(())
}
