//! The listing crates of a language: every `<tree>/<chapter>/<listing>/Cargo.toml`.

pub mod cache;
pub mod compile;
pub mod diagnostics;
pub mod expectations;
pub mod line_diff;
pub mod normalize;
pub mod outputs;
pub mod parallel;
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
///
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
    for chapter in sorted_subfolders(tree)? {
        for crate_dir in sorted_subfolders(&chapter)? {
            let manifest = crate_dir.join("Cargo.toml");
            if manifest.is_file() {
                listings.push(Listing {
                    language: language.code.clone(),
                    chapter: folder_name(&chapter)?,
                    name: folder_name(&crate_dir)?,
                    package: package_name(&manifest)?,
                    dir: crate_dir,
                });
            }
        }
    }
    Ok(listings)
}

/// `[package] name` of a `Cargo.toml`.
pub fn package_name(manifest: &Path) -> Result<String> {
    let text = std::fs::read_to_string(manifest)
        .with_context(|| format!("reading {}", manifest.display()))?;
    let table: toml::Table =
        toml::from_str(&text).with_context(|| format!("parsing {}", manifest.display()))?;
    match table
        .get("package")
        .and_then(|package| package.get("name"))
        .and_then(toml::Value::as_str)
    {
        Some(name) => Ok(name.to_string()),
        None => bail!("{}: no `[package] name`", manifest.display()),
    }
}

fn sorted_subfolders(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        if entry.file_type()?.is_dir() {
            folders.push(entry.path());
        }
    }
    folders.sort();
    Ok(folders)
}

fn folder_name(path: &Path) -> Result<String> {
    match path.file_name().and_then(|name| name.to_str()) {
        Some(name) => Ok(name.to_string()),
        None => bail!("{}: folder name is not UTF-8", path.display()),
    }
}
