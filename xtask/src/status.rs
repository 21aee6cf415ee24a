//! `cargo xtask status [--check]`: prints, per translated language and per
//! chapter, the messages translated, fuzzy and untranslated, then what is
//! left to do (each with its file and line), from
//! `booktools::i18n::status`.
//!
//! It only reports, exiting 0, unless `--check` is given: then it exits 1
//! when a language is incomplete.

use anyhow::{bail, Context, Result};
use booktools::i18n::status::{book_status, render};
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
    let status = book_status(root)?;
    print!("{}", render(root, &status));
    if check && !status.is_complete() {
        bail!("the translations are incomplete (see above)");
    }
    Ok(())
}
