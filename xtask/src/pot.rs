//! `cargo xtask pot`: extracts the English prose of `src/` into
//! `po/messages.pot` (see `booktools::i18n::po`).

use anyhow::{bail, Context, Result};
use booktools::i18n::po::{write_pot, PotUpdate};
use std::path::Path;

/// Regenerates `po/messages.pot` from the English sources.
pub fn run(args: &[String]) -> Result<()> {
    if let Some(extra) = args.first() {
        bail!("`cargo xtask pot` takes no argument, got `{extra}`");
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("xtask/ has no parent folder")?;
    match write_pot(root)? {
        PotUpdate::Written(path) => println!("wrote {}", path.display()),
        PotUpdate::Unchanged(path) => println!("{} is up to date", path.display()),
    }
    Ok(())
}
