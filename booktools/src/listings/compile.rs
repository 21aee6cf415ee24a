//! Compiles a listing crate the way its `output.txt` says (`$ cargo check`,
//! `$ cargo build`, or a `cargo test` / `cargo run` that also runs its tests
//! or a program) and returns the normalized transcript, from the cache when
//! nothing it depends on changed.
//!
//! The child cargo runs in the crate folder with a scrubbed environment (no
//! `CARGO_*` but `CARGO_HOME`, no `RUSTFLAGS`, `RUSTC`, wrappers or make
//! job servers), no colour, no progress bar, and its own target folder
//! `<root>/target/listings/<language>/<chapter>/<listing>`, emptied before
//! each real compilation so cargo always prints its `Checking`/`Compiling`
//! line. The toolchain is the one `rust-toolchain.toml` pins.
//!
//! The cache (`target/listing-cache/<key>.txt`) is keyed by a SHA-256 of
//! everything the normalized output depends on: the toolchain (`rustc -vV`),
//! the cargo command, the normalization version and every file of the crate
//! (path and content) except `output.txt` and `target/`. Equal key, equal
//! output: an entry is reused as is, by any listing with the same content.

use crate::listings::normalize::{self, MachinePaths, NORMALIZATION_VERSION};
use crate::listings::{Listing, OUTPUT_FILE};
use crate::process;
use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

/// The cache folder, relative to the book root.
pub const CACHE_DIR: &str = "target/listing-cache";

/// What the cache key leaves out of a crate: its transcript and build products.
const NOT_HASHED: [&str; 2] = [OUTPUT_FILE, "target"];

/// The default bound on one cargo run.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// The cargo subcommands a transcript may record: what the book shows the
/// reader typing. `check` and `build` compile; `test` also runs the
/// listing's tests (unit, integration and doc tests); `run` also runs one of
/// its programs, whose output must then be the same on every run.
pub const SUBCOMMANDS: [&str; 4] = ["check", "build", "test", "run"];

/// The cargo command of a transcript: `cargo check`, or a command with
/// arguments such as `cargo test --doc` or `cargo run --example primes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CargoCommand {
    /// The subcommand, one of [`SUBCOMMANDS`], then its arguments.
    words: Vec<String>,
}

impl CargoCommand {
    /// `cargo check`, the command of a listing that has no `output.txt` yet.
    pub fn default_command() -> Self {
        Self::parse("$ cargo check").expect("a valid command")
    }

    /// The command of a transcript line (`$ cargo test --doc`); `None`
    /// unless it is `$ cargo` and one of [`SUBCOMMANDS`].
    pub fn parse(line: &str) -> Option<Self> {
        let mut words = line.split_whitespace();
        if (words.next(), words.next()) != (Some("$"), Some("cargo")) {
            return None;
        }
        let words: Vec<String> = words.map(str::to_string).collect();
        SUBCOMMANDS
            .contains(&words.first()?.as_str())
            .then_some(Self { words })
    }

    /// The command as the reader types it (`cargo test --doc`).
    pub fn command_line(&self) -> String {
        format!("cargo {}", self.words.join(" "))
    }

    /// The first line of `output.txt`: `$ cargo check`.
    pub fn transcript_line(&self) -> String {
        format!("$ {}", self.command_line())
    }
}

/// A listing's `output.txt` and the command it records; `None` when the
/// file does not exist. An unknown first line is an error naming the file.
pub fn recorded(listing: &Listing) -> Result<Option<(CargoCommand, String)>> {
    let path = listing.output_path();
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    let first_line = text.lines().next().unwrap_or("");
    match CargoCommand::parse(first_line) {
        Some(command) => Ok(Some((command, text))),
        None => bail!(
            "{}:1: the first line must be `$ cargo <command>` with one of the commands {SUBCOMMANDS:?} \
             (and its arguments), found `{first_line}`",
            path.display()
        ),
    }
}

/// Where and how listings are compiled.
#[derive(Debug, Clone)]
pub struct CompileSettings {
    /// Parent of the per-listing target folders.
    pub target_root: PathBuf,
    /// The output cache folder; `None` compiles every time.
    pub cache: Option<PathBuf>,
    /// Longest wait for one cargo run, which is killed past it.
    pub timeout: Duration,
}

impl CompileSettings {
    /// The settings of the book at `root`: targets under
    /// `<root>/target/listings`, cache in `<root>/`[`CACHE_DIR`].
    pub fn for_book(root: &Path) -> Self {
        Self {
            target_root: root.join("target").join("listings"),
            cache: Some(root.join(CACHE_DIR)),
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// The result of compiling a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compilation {
    pub command: CargoCommand,
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

const SUCCEEDED: &str = "exit: success\n";
const FAILED: &str = "exit: failure\n";

/// Compiles `listing` with `command`, or reads the result from the cache.
pub fn compile(
    listing: &Listing,
    command: &CargoCommand,
    settings: &CompileSettings,
) -> Result<Compilation> {
    // The listing tree (above the chapter folder) pins the toolchain.
    let tree = listing.dir.ancestors().nth(2).unwrap_or(&listing.dir);
    let toolchain = toolchain_description(tree, settings.timeout)?;
    let key = cache_key(&toolchain, &command.transcript_line(), &listing.dir)?;
    let entry = settings
        .cache
        .as_ref()
        .map(|dir| dir.join(format!("{key}.txt")));
    let cached = entry.as_ref().and_then(|entry| {
        let text = std::fs::read_to_string(entry).ok()?;
        let ok = text.strip_prefix(SUCCEEDED).map(|output| (true, output));
        ok.or_else(|| text.strip_prefix(FAILED).map(|output| (false, output)))
            .map(|(succeeded, output)| (succeeded, output.to_string()))
    });
    if let Some((succeeded, output)) = cached {
        return Ok(Compilation {
            command: command.clone(),
            succeeded,
            output,
            from_cache: true,
        });
    }

    let target_dir = settings
        .target_root
        .join(&listing.language)
        .join(&listing.chapter)
        .join(&listing.name);
    if target_dir.exists() {
        std::fs::remove_dir_all(&target_dir)
            .with_context(|| format!("emptying {}", target_dir.display()))?;
    }
    let mut cargo = Command::new("cargo");
    // The options that keep a transcript reproducible (no colour, the
    // committed `Cargo.lock`) go between the subcommand and its arguments.
    let (subcommand, arguments) = command.words.split_first().expect("a subcommand");
    cargo.arg(subcommand).args(["--color", "never", "--locked"]);
    cargo.args(arguments).current_dir(&listing.dir);
    scrub_environment(&mut cargo);
    cargo.env("CARGO_TARGET_DIR", &target_dir);
    let finished = process::run(cargo, settings.timeout)
        .with_context(|| format!("compiling {}", listing.dir.display()))?;
    let paths = MachinePaths {
        crate_dir: listing.dir.clone(),
        target_dir,
        package: listing.package.clone(),
    };
    let output = normalize::normalize(&finished.output, &paths);
    let succeeded = finished.status.success();
    if let (Some(entry), Some(dir)) = (&entry, &settings.cache) {
        // Written whole then renamed: concurrent runs never read half an entry.
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let mut partial = tempfile::NamedTempFile::new_in(dir)?;
        let header = if succeeded { SUCCEEDED } else { FAILED };
        partial.write_all(format!("{header}{output}").as_bytes())?;
        partial
            .persist(entry)
            .with_context(|| format!("storing {}", entry.display()))?;
    }
    Ok(Compilation {
        command: command.clone(),
        succeeded,
        output,
        from_cache: false,
    })
}

/// A SHA-256 of `fields`, each length-prefixed (hexadecimal).
pub fn fields_hash(fields: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for bytes in fields {
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    format!("{:x}", hasher.finalize())
}

/// The cache key of the crate in `dir`: the toolchain, the command, the
/// normalization and every file but `output.txt` and `target/`.
fn cache_key(toolchain: &str, command_line: &str, dir: &Path) -> Result<String> {
    let version = NORMALIZATION_VERSION.to_le_bytes();
    let fields = [toolchain.as_bytes(), command_line.as_bytes(), &version];
    files_hash(&fields, dir, &NOT_HASHED)
}

/// [`fields_hash`] of `fields`, then of every file under `dir` (relative
/// path and content, in name order) but the entries of `dir` named in
/// `skipped`.
pub fn files_hash(fields: &[&[u8]], dir: &Path, skipped: &[&str]) -> Result<String> {
    let mut all: Vec<Vec<u8>> = fields.iter().map(|bytes| bytes.to_vec()).collect();
    let files = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            !(e.depth() == 1 && skipped.contains(&&*e.file_name().to_string_lossy()))
        });
    for entry in files {
        let entry = entry.with_context(|| format!("walking {}", dir.display()))?;
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(dir)?;
            all.push(relative.to_string_lossy().as_bytes().to_vec());
            all.push(
                std::fs::read(entry.path())
                    .with_context(|| format!("reading {}", entry.path().display()))?,
            );
        }
    }
    let all: Vec<&[u8]> = all.iter().map(Vec::as_slice).collect();
    Ok(fields_hash(&all))
}

/// Leaves the child only what makes a transcript reproducible: removes the
/// variables a parent cargo (or the user) sets that change how cargo builds
/// or prints (every `CARGO_*` but `CARGO_HOME`, `__CARGO_*`, rustc flags,
/// wrappers and make job servers), then turns colour and the progress bar off.
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

fn is_scrubbed(name: &str) -> bool {
    const SCRUBBED: [&str; 6] = [
        "RUSTFLAGS",
        "RUSTDOCFLAGS",
        "RUSTC",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "MAKEFLAGS",
    ];
    (name.starts_with("CARGO_") && name != "CARGO_HOME")
        || name.starts_with("__CARGO_")
        || SCRUBBED.contains(&name)
}

/// `rustc -vV` as seen from `dir`, once per folder and process.
fn toolchain_description(dir: &Path, timeout: Duration) -> Result<String> {
    static SEEN: Mutex<BTreeMap<PathBuf, String>> = Mutex::new(BTreeMap::new());
    if let Some(known) = SEEN.lock().unwrap_or_else(|e| e.into_inner()).get(dir) {
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
        .insert(dir.to_path_buf(), finished.output.clone());
    Ok(finished.output)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Another toolchain or command is another key (the tiny cache trial
    /// proves the files' part: `output.txt` and `target/` left out).
    #[test]
    fn the_cache_key_holds_the_toolchain_and_the_command() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("lib.rs"), "pub fn f() {}\n").unwrap();
        let key = |toolchain, command| cache_key(toolchain, command, dir.path()).unwrap();
        let first = key("rustc 1.90.0", "$ cargo run");
        assert_eq!(key("rustc 1.90.0", "$ cargo run"), first);
        assert_ne!(key("rustc 1.91.0", "$ cargo run"), first);
        assert_ne!(key("rustc 1.90.0", "$ cargo check"), first);
    }

    #[test]
    fn scrubbing_removes_build_settings_and_keeps_cargo_home() {
        let scrubbed = [
            "CARGO_BUILD_JOBS",
            "CARGO_TARGET_DIR",
            "CARGO_ENCODED_RUSTFLAGS",
        ];
        for name in
            scrubbed
                .iter()
                .chain(&["__CARGO_FIX_PLZ", "RUSTFLAGS", "RUSTC_WRAPPER", "MAKEFLAGS"])
        {
            assert!(is_scrubbed(name), "{name}");
        }
        for name in ["CARGO_HOME", "PATH", "RUSTUP_TOOLCHAIN", "HOME"] {
            assert!(!is_scrubbed(name), "{name}");
        }
    }
}
