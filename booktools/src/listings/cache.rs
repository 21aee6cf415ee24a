//! The cache of normalized listing outputs, under `target/listing-cache/`.
//!
//! The key is a SHA-256 of everything the normalized output depends on: the
//! toolchain (`rustc -vV`), the cargo command, the normalization version and
//! every file of the crate (path and content) except `output.txt` and
//! `target/`. Equal key, equal output: a cached entry is reused as is, by any
//! listing with the same content.

use crate::listings::OUTPUT_FILE;
use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The cache folder, relative to the book root.
pub const CACHE_DIR: &str = "target/listing-cache";

/// A cached compilation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedOutput {
    /// Whether cargo exited successfully.
    pub succeeded: bool,
    /// The normalized output.
    pub output: String,
}

/// The key of a crate's output.
pub fn key(toolchain: &str, command: &str, normalization: u32, crate_dir: &Path) -> Result<String> {
    let mut hasher = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    field(toolchain.as_bytes());
    field(command.as_bytes());
    field(&normalization.to_le_bytes());
    for file in crate_files(crate_dir)? {
        let relative = file.strip_prefix(crate_dir).unwrap_or(&file);
        let content =
            std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
        field(relative.to_string_lossy().as_bytes());
        field(&content);
    }
    Ok(hex(&hasher.finalize()))
}

/// The files of a crate that its output depends on, sorted.
fn crate_files(crate_dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(crate_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| !(entry.depth() == 1 && entry.file_name() == "target"));
    for entry in walker {
        let entry = entry.with_context(|| format!("walking {}", crate_dir.display()))?;
        let is_transcript = entry.depth() == 1 && entry.file_name() == OUTPUT_FILE;
        if entry.file_type().is_file() && !is_transcript {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The cache folder.
#[derive(Debug, Clone)]
pub struct OutputCache {
    dir: PathBuf,
}

const SUCCEEDED: &str = "exit: success\n";
const FAILED: &str = "exit: failure\n";

impl OutputCache {
    /// A cache in `dir` (created on first store).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The cache of the book at `root`: `<root>/target/listing-cache`.
    pub fn of_book(root: &Path) -> Self {
        Self::new(root.join(CACHE_DIR))
    }

    /// Its folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn entry(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.txt"))
    }

    /// The entry for `key`, if any. An unreadable entry counts as absent.
    pub fn get(&self, key: &str) -> Option<CachedOutput> {
        let text = std::fs::read_to_string(self.entry(key)).ok()?;
        if let Some(output) = text.strip_prefix(SUCCEEDED) {
            Some(CachedOutput {
                succeeded: true,
                output: output.to_string(),
            })
        } else {
            text.strip_prefix(FAILED).map(|output| CachedOutput {
                succeeded: false,
                output: output.to_string(),
            })
        }
    }

    /// Stores an entry atomically (write to a unique file, then rename), so
    /// concurrent runs never read half an entry.
    pub fn put(&self, key: &str, cached: &CachedOutput) -> Result<()> {
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!("creating {}", self.dir.display()))?;
        let header = if cached.succeeded { SUCCEEDED } else { FAILED };
        let partial = self.dir.join(format!(
            "{key}.{}.{:?}.partial",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::write(&partial, format!("{header}{}", cached.output))
            .with_context(|| format!("writing {}", partial.display()))?;
        let entry = self.entry(key);
        if let Err(error) = std::fs::rename(&partial, &entry) {
            let _ = std::fs::remove_file(&partial);
            bail!("storing {}: {error}", entry.display());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ignores_output_and_target_but_not_sources() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(root.join("Cargo.toml"), "[package]\nname = \"a\"\n").unwrap();
        std::fs::write(root.join("src/lib.rs"), "pub fn f() {}\n").unwrap();
        let first = key("rustc 1", "cargo check", 1, root).unwrap();

        std::fs::write(root.join(OUTPUT_FILE), "$ cargo check\n").unwrap();
        std::fs::create_dir_all(root.join("target/debug")).unwrap();
        std::fs::write(root.join("target/debug/x"), "artifact").unwrap();
        assert_eq!(key("rustc 1", "cargo check", 1, root).unwrap(), first);

        assert_ne!(key("rustc 2", "cargo check", 1, root).unwrap(), first);
        assert_ne!(key("rustc 1", "cargo build", 1, root).unwrap(), first);
        assert_ne!(key("rustc 1", "cargo check", 2, root).unwrap(), first);
        std::fs::write(root.join("src/lib.rs"), "pub fn g() {}\n").unwrap();
        assert_ne!(key("rustc 1", "cargo check", 1, root).unwrap(), first);
    }

    #[test]
    fn stores_and_reads_back_both_outcomes() {
        let dir = tempfile::tempdir().unwrap();
        let cache = OutputCache::new(dir.path().join("cache"));
        assert_eq!(cache.get("k"), None);
        for succeeded in [true, false] {
            let cached = CachedOutput {
                succeeded,
                output: "    Checking a v0.1.0\n".to_string(),
            };
            cache.put("k", &cached).unwrap();
            assert_eq!(cache.get("k"), Some(cached));
        }
    }
}
