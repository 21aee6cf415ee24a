//! Compiles a listing crate the way its `output.txt` says (`$ cargo check`
//! or `$ cargo build`) and returns the normalized transcript, from the cache
//! when nothing it depends on changed.
//!
//! The child cargo runs in the crate folder with a scrubbed environment (no
//! `CARGO_*` but `CARGO_HOME`, no `RUSTFLAGS`, `RUSTC`, wrappers or make
//! job servers), no colour, no progress bar, and its own target folder
//! `<root>/target/listings/<language>/<chapter>/<listing>`, emptied before
//! each real compilation so cargo always prints its `Checking`/`Compiling`
//! line. The toolchain is the one `rust-toolchain.toml` pins.

use crate::listings::cache::{self, CachedOutput, OutputCache};
use crate::listings::normalize::{self, MachinePaths, NORMALIZATION_VERSION};
use crate::listings::parallel;
use crate::listings::Listing;
use crate::process;
use anyhow::{bail, Context, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

/// The cargo command of a transcript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CargoCommand {
    /// `$ cargo check`: the default for a new listing.
    Check,
    /// `$ cargo build`.
    Build,
}

impl CargoCommand {
    /// The command of a listing that has no `output.txt` yet.
    pub const DEFAULT: Self = Self::Check;

    /// The cargo subcommand.
    pub fn subcommand(self) -> &'static str {
        match self {
            Self::Check => "check",
            Self::Build => "build",
        }
    }

    /// The first line of `output.txt`: `$ cargo check`.
    pub fn transcript_line(self) -> String {
        format!("$ cargo {}", self.subcommand())
    }

    /// Parses the first line of an `output.txt`.
    pub fn from_transcript_line(line: &str) -> Option<Self> {
        [Self::Check, Self::Build]
            .into_iter()
            .find(|command| command.transcript_line() == line.trim_end())
    }
}

/// The command recorded in a listing's `output.txt`; `None` when the file
/// does not exist. An unknown first line is an error naming the file.
pub fn recorded_command(listing: &Listing) -> Result<Option<CargoCommand>> {
    let path = listing.output_path();
    if !path.exists() {
        return Ok(None);
    }
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let first_line = text.lines().next().unwrap_or("");
    match CargoCommand::from_transcript_line(first_line) {
        Some(command) => Ok(Some(command)),
        None => bail!(
            "{}:1: the first line must be `$ cargo check` or `$ cargo build`, found `{first_line}`",
            path.display()
        ),
    }
}

/// Where and how listings are compiled.
#[derive(Debug, Clone)]
pub struct CompileSettings {
    /// Parent of the per-listing target folders.
    pub target_root: PathBuf,
    /// The output cache; `None` compiles every time.
    pub cache: Option<OutputCache>,
    /// Longest wait for one cargo run, which is killed past it.
    pub timeout: Duration,
}

/// The default bound on one cargo run.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

impl CompileSettings {
    /// The settings of the book at `root`: targets under
    /// `<root>/target/listings`, cache under `<root>/target/listing-cache`.
    pub fn for_book(root: &Path) -> Self {
        Self {
            target_root: root.join("target").join("listings"),
            cache: Some(OutputCache::of_book(root)),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The target folder of a listing.
    pub fn target_dir(&self, listing: &Listing) -> PathBuf {
        self.target_root
            .join(&listing.language)
            .join(&listing.chapter)
            .join(&listing.name)
    }
}

/// The result of compiling a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compilation {
    /// The command that was run.
    pub command: CargoCommand,
    /// Whether cargo succeeded.
    pub succeeded: bool,
    /// What cargo printed, normalized.
    pub output: String,
    /// Whether it came from the cache (no cargo was run).
    pub from_cache: bool,
}

impl Compilation {
    /// The full `output.txt` content: the command line, then the output.
    pub fn transcript(&self) -> String {
        format!("{}\n{}", self.command.transcript_line(), self.output)
    }
}

/// Compiles `listing` with `command`, or reads the result from the cache.
pub fn compile(
    listing: &Listing,
    command: CargoCommand,
    settings: &CompileSettings,
) -> Result<Compilation> {
    let toolchain = toolchain_description(toolchain_probe_dir(&listing.dir), settings.timeout)?;
    let command_line = command.transcript_line();
    let key = cache::key(
        &toolchain,
        &command_line,
        NORMALIZATION_VERSION,
        &listing.dir,
    )?;
    if let Some(cached) = settings.cache.as_ref().and_then(|cache| cache.get(&key)) {
        return Ok(Compilation {
            command,
            succeeded: cached.succeeded,
            output: cached.output,
            from_cache: true,
        });
    }

    let target_dir = settings.target_dir(listing);
    if target_dir.exists() {
        std::fs::remove_dir_all(&target_dir)
            .with_context(|| format!("emptying {}", target_dir.display()))?;
    }
    let mut cargo = Command::new("cargo");
    cargo
        .args([command.subcommand(), "--color", "never", "--locked"])
        .current_dir(&listing.dir);
    scrub_environment(&mut cargo);
    cargo.env("CARGO_TARGET_DIR", &target_dir);
    let finished = process::run(cargo, settings.timeout)
        .with_context(|| format!("compiling {}", listing.dir.display()))?;
    let output = normalize::normalize(
        &finished.output,
        &MachinePaths {
            crate_dir: listing.dir.clone(),
            target_dir,
            package: listing.package.clone(),
        },
    );
    let succeeded = finished.status.success();
    if let Some(cache) = &settings.cache {
        cache.put(
            &key,
            &CachedOutput {
                succeeded,
                output: output.clone(),
            },
        )?;
    }
    Ok(Compilation {
        command,
        succeeded,
        output,
        from_cache: false,
    })
}

/// Compiles every `(listing, command)` on `jobs` threads; results in order.
pub fn compile_all(
    work: &[(Listing, CargoCommand)],
    settings: &CompileSettings,
    jobs: usize,
) -> Vec<Result<Compilation>> {
    parallel::map(work, jobs, |(listing, command)| {
        compile(listing, *command, settings)
    })
}

/// Variables removed from the child cargo's environment besides every
/// `CARGO_*` (but `CARGO_HOME`) and `__CARGO_*`.
const SCRUBBED_VARIABLES: [&str; 6] = [
    "RUSTFLAGS",
    "RUSTDOCFLAGS",
    "RUSTC",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "MAKEFLAGS",
];

/// Leaves the child only what makes a transcript reproducible: removes the
/// variables a parent cargo (or the user) sets that change how cargo builds
/// or prints, then turns colour and the progress bar off.
pub fn scrub_environment(command: &mut Command) {
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(is_scrubbed) {
            command.env_remove(name);
        }
    }
    command
        .env("CARGO_TERM_COLOR", "never")
        .env("CARGO_TERM_PROGRESS_WHEN", "never");
}

/// Whether an inherited variable is removed from the child's environment.
pub fn is_scrubbed(name: &str) -> bool {
    (name.starts_with("CARGO_") && name != "CARGO_HOME")
        || name.starts_with("__CARGO_")
        || SCRUBBED_VARIABLES.contains(&name)
}

/// The folder whose toolchain (`rust-toolchain.toml` above it) compiles the
/// crate: its listing tree, shared by all its listings.
fn toolchain_probe_dir(crate_dir: &Path) -> &Path {
    crate_dir
        .parent()
        .and_then(Path::parent)
        .unwrap_or(crate_dir)
}

/// `rustc -vV` as seen from `dir`, once per folder and process.
pub fn toolchain_description(dir: &Path, timeout: Duration) -> Result<String> {
    static SEEN: Mutex<Option<HashMap<PathBuf, String>>> = Mutex::new(None);
    if let Some(known) = SEEN
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_with(HashMap::new)
        .get(dir)
    {
        return Ok(known.clone());
    }
    let mut rustc = Command::new("rustc");
    rustc.arg("-vV").current_dir(dir);
    scrub_environment(&mut rustc);
    let finished = process::run(rustc, timeout)
        .with_context(|| format!("asking the toolchain of {} for its version", dir.display()))?;
    if !finished.status.success() {
        bail!(
            "`rustc -vV` in {} failed:\n{}",
            dir.display(),
            finished.output
        );
    }
    SEEN.lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_with(HashMap::new)
        .insert(dir.to_path_buf(), finished.output.clone());
    Ok(finished.output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcript_lines_round_trip() {
        for command in [CargoCommand::Check, CargoCommand::Build] {
            assert_eq!(
                CargoCommand::from_transcript_line(&command.transcript_line()),
                Some(command)
            );
        }
        assert_eq!(CargoCommand::from_transcript_line("$ cargo run"), None);
        assert_eq!(CargoCommand::DEFAULT.transcript_line(), "$ cargo check");
    }

    #[test]
    fn scrubbing_removes_build_settings_and_keeps_cargo_home() {
        for name in [
            "CARGO_BUILD_JOBS",
            "CARGO_TARGET_DIR",
            "CARGO_MAKEFLAGS",
            "CARGO_ENCODED_RUSTFLAGS",
            "__CARGO_FIX_PLZ",
            "RUSTFLAGS",
            "RUSTDOCFLAGS",
            "RUSTC",
            "RUSTC_WRAPPER",
            "RUSTC_WORKSPACE_WRAPPER",
            "MAKEFLAGS",
        ] {
            assert!(is_scrubbed(name), "{name}");
        }
        for name in ["CARGO_HOME", "PATH", "RUSTUP_TOOLCHAIN", "HOME"] {
            assert!(!is_scrubbed(name), "{name}");
        }
    }
}
