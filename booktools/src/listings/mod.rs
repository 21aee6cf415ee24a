//! The listing crates of a language: every `<tree>/<chapter>/<listing>/Cargo.toml`,
//! compiled ([`compile`]), checked against what the book says ([`verify`],
//! [`expectations`]) and recorded ([`outputs`]).

pub mod compile;
pub mod expectations;
pub mod normalize;
pub mod outputs;
pub mod verify;

use crate::languages::Language;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The compiler transcript of a listing, relative to its crate.
pub const OUTPUT_FILE: &str = "output.txt";

/// One listing crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// Language code of the tree it belongs to.
    pub language: String,
    /// The chapter folder (`ch20-web-server`).
    pub chapter: String,
    /// The listing folder (`listing-20-22`), the same in every language.
    pub name: String,
    /// Absolute path of the crate.
    pub dir: PathBuf,
    /// `[package] name` of its `Cargo.toml`.
    pub package: String,
}

impl Listing {
    /// `<language>/<chapter>/<listing>`: unique across the book.
    pub fn id(&self) -> String {
        format!("{}/{}/{}", self.language, self.chapter, self.name)
    }

    /// Path of its `output.txt`.
    pub fn output_path(&self) -> PathBuf {
        self.dir.join(OUTPUT_FILE)
    }
}

/// The listing crates of `language`, sorted by chapter then listing.
/// A missing tree is an error naming its path.
pub fn discover(language: &Language) -> Result<Vec<Listing>> {
    let tree = &language.tree;
    if !tree.is_dir() {
        bail!(
            "the listing tree of language `{}` is missing: {} (set in book.toml `[preprocessor.listings.trees]`)",
            language.code,
            tree.display()
        );
    }
    let mut listings = Vec::new();
    let crates = walkdir::WalkDir::new(tree)
        .min_depth(2)
        .max_depth(2)
        .sort_by_file_name();
    for entry in crates {
        let dir = entry.with_context(|| format!("listing {}", tree.display()))?;
        let manifest = dir.path().join("Cargo.toml");
        if dir.file_type().is_dir() && manifest.is_file() {
            listings.push(Listing {
                language: language.code.clone(),
                chapter: file_name(dir.path().parent().unwrap_or(tree)),
                name: file_name(dir.path()),
                package: package_name(&manifest)?,
                dir: dir.into_path(),
            });
        }
    }
    Ok(listings)
}

/// The last component of `path` (`listing-20-22`).
pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into()
}

/// `[package] <key>` of a `Cargo.toml`, if set.
pub fn package_field(manifest: &Path, key: &str) -> Result<Option<String>> {
    let text = std::fs::read_to_string(manifest)
        .with_context(|| format!("reading {}", manifest.display()))?;
    let table: toml::Table =
        toml::from_str(&text).with_context(|| format!("parsing {}", manifest.display()))?;
    Ok(table
        .get("package")
        .and_then(|package| package.get(key))
        .and_then(toml::Value::as_str)
        .map(str::to_string))
}

/// `[package] name` of a `Cargo.toml`.
pub fn package_name(manifest: &Path) -> Result<String> {
    package_field(manifest, "name")?
        .with_context(|| format!("{}: no `[package] name`", manifest.display()))
}

/// The differences between `old` and `new` as a unified diff (`-` old,
/// `+` new, two lines of context); empty when equal.
pub fn line_diff(old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .to_string()
}

/// The number of threads to use: the machine's available parallelism.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// `items.iter().map(work)` on `jobs` threads, results in input order.
pub fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    jobs: usize,
    work: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    use rayon::prelude::*;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build();
    pool.expect("starting the listing threads")
        .install(|| items.par_iter().map(work).collect())
}
