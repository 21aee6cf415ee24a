//! Where things are: the book root (the workspace root, parent of `xtask/`)
//! and the Cargo target folder.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The book root: the folder of `book.toml` and of the workspace manifest.
pub fn book_root() -> Result<PathBuf> {
    Ok(Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("xtask/ has no parent folder")?
        .to_path_buf())
}

/// The target folder: `CARGO_TARGET_DIR` when set, else `<root>/target`.
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}
