//! Compiling a block's program with rustc, the way skeptic's `compile_test`
//! does (`--crate-type=bin`, metadata only), for tests that need rustc's
//! messages: why a block fails, or that a broken block does fail.

use super::DoctestBlock;
use crate::process::{self, Finished};
use anyhow::{Context, Result};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The longest one check of a block may take.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(120);

impl DoctestBlock {
    /// The edition its listing declares; `None` for code written in the
    /// chapter.
    pub fn edition(&self) -> Option<&str> {
        self.listing_file().map(|file| file.edition.as_str())
    }
}

/// Checks `block`'s program with rustc (`$RUSTC`, else `rustc`, as skeptic
/// picks it), writing into `scratch`. rustc runs in `toolchain_dir`, so the
/// toolchain pinned there (`rust-toolchain.toml`) is the one used.
pub fn check_program(
    block: &DoctestBlock,
    scratch: &Path,
    toolchain_dir: &Path,
) -> Result<Finished> {
    std::fs::create_dir_all(scratch).with_context(|| format!("creating {}", scratch.display()))?;
    let source = scratch.join(format!("{}.rs", block.file_stem));
    std::fs::write(&source, block.program())
        .with_context(|| format!("writing {}", source.display()))?;
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let mut command = Command::new(rustc);
    command
        .current_dir(toolchain_dir)
        .arg(&source)
        .arg("--crate-type=bin")
        .arg("--emit=metadata")
        .arg("--color=never")
        .arg("-o")
        .arg(scratch.join(format!("{}.rmeta", block.file_stem)));
    if let Some(edition) = block.edition() {
        command.arg(format!("--edition={edition}"));
    }
    process::run(command, CHECK_TIMEOUT)
        .with_context(|| format!("checking the program of {}", block.location))
}
