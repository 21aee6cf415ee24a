//! Builds the server binary of a listing crate (`src/bin/main.rs`) the way
//! the listing checks compile them: `cargo build` in the crate folder, with
//! the scrubbed environment of [`crate::listings::compile`] and a target folder of its
//! own under the book's `target/`.

use crate::languages::Language;
use crate::listings::{self, compile, Listing};
use crate::process;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The name cargo gives the binary of `src/bin/main.rs`.
pub const BINARY_NAME: &str = "main";

/// The longest a build may take.
pub const BUILD_TIMEOUT: Duration = Duration::from_secs(300);

/// The purpose folder of every server binary build (the tests, the
/// transcripts, the benches): one build per listing, shared, since they all
/// run the same `cargo build` (cargo's lock orders concurrent builds).
pub const SERVERS: &str = "servers";

/// The listing `name` of `language`.
pub fn find(language: &Language, name: &str) -> Result<Listing> {
    let (code, tree) = (&language.code, language.tree.display());
    (listings::discover(language)?.into_iter())
        .find(|listing| listing.name == name)
        .with_context(|| format!("language `{code}` has no listing `{name}` in {tree}"))
}

/// `<root>/target/<purpose>/<language>/<chapter>/<listing>`.
pub fn target_dir(root: &Path, purpose: &str, listing: &Listing) -> PathBuf {
    root.join("target")
        .join(purpose)
        .join(&listing.language)
        .join(&listing.chapter)
        .join(&listing.name)
}

/// A `cargo <args>` command run in the listing's folder with a scrubbed
/// environment and `target_dir` as its target folder.
pub fn cargo_in(listing: &Listing, target_dir: &Path, args: &[&str]) -> Command {
    let mut cargo = Command::new("cargo");
    cargo.args(args).current_dir(&listing.dir);
    compile::scrub_environment(&mut cargo);
    cargo.env("CARGO_TARGET_DIR", target_dir);
    cargo
}

/// Builds the listing's binary into `target_dir`; returns its path.
pub fn build(listing: &Listing, target_dir: &Path) -> Result<PathBuf> {
    let args = ["build", "--color", "never", "--locked"];
    let dir = listing.dir.display();
    let finished = process::run(cargo_in(listing, target_dir, &args), BUILD_TIMEOUT)
        .with_context(|| format!("building {dir}"))?;
    let binary = target_dir.join("debug").join(BINARY_NAME);
    if !finished.status.success() || !binary.is_file() {
        bail!(
            "`cargo build` in {dir} made no {}:\n{}",
            binary.display(),
            finished.output
        );
    }
    Ok(binary)
}

/// The command that starts `binary` from the listing's folder (the server
/// reads `hello.html` relative to its working directory).
pub fn server_command(listing: &Listing, binary: &Path) -> Command {
    let mut command = Command::new(binary);
    command.current_dir(&listing.dir);
    command
}
