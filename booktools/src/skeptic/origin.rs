//! Where a block is written in the book and which listing file it shows,
//! read from its include directive before mdBook's `links` expands it.

use super::fences::FencedBlock;
use crate::languages::BookLayout;
use crate::listings::package_name;
use anyhow::{bail, Context, Result};
use mdbook_listings::directive::find_directives;
use mdbook_listings::trees::{normalize, ListingTrees};
use std::fmt;
use std::path::{Path, PathBuf};

/// Where a block is written in the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The chapter's source file, relative to the book root (`src/ch.md`).
    pub chapter: PathBuf,
    /// The 1-based line of the block's opening fence.
    pub line: usize,
    /// `None` when `line` is a line of the source file; else the language
    /// whose translated Markdown `line` is counted in (the source file holds
    /// a different number of Rust blocks).
    pub translated: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.translated {
            None => write!(f, "{}:{}", self.chapter.display(), self.line),
            Some(language) => write!(
                f,
                "{} (`{language}` translated Markdown):{}",
                self.chapter.display(),
                self.line
            ),
        }
    }
}

/// How the file a block shows is compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// `src/lib.rs` or a module of the library: compiled as a library.
    Library,
    /// `src/main.rs`, `src/bin/*.rs`, `examples/*.rs`: a program that uses
    /// its crate's library.
    Binary,
}

impl FileRole {
    /// The role of a file, from its path inside its crate.
    pub fn of(file_in_crate: &Path) -> FileRole {
        if file_in_crate == Path::new("src/main.rs")
            || file_in_crate.starts_with("src/bin")
            || file_in_crate.starts_with("examples")
        {
            FileRole::Binary
        } else {
            FileRole::Library
        }
    }
}

/// The listing file a block shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingFile {
    /// The listing crate, absolute.
    pub crate_dir: PathBuf,
    /// The chapter folder of the listing (`ch20-web-server`).
    pub chapter_folder: String,
    /// The listing folder (`listing-20-22`).
    pub listing: String,
    /// The file inside the crate (`src/lib.rs`).
    pub file: PathBuf,
    /// `[package] name` of the crate (`hello`, `salutations`).
    pub package: String,
    /// `[package] edition` of the crate (`2015` when unset).
    pub edition: String,
    /// The directive as the chapter has it before `links`.
    pub directive: String,
    /// The package names of the same listing in the other languages' trees
    /// (`hello` for a `salutations` listing).
    pub other_packages: Vec<String>,
}

impl ListingFile {
    /// How the file is compiled.
    pub fn role(&self) -> FileRole {
        FileRole::of(&self.file)
    }
}

/// Where the code of a block comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Written in the chapter itself.
    Inline,
    /// Included from a listing crate of the page's language.
    Listing(ListingFile),
}

impl Origin {
    /// The listing folder name, unless the code is written in the chapter.
    pub fn listing_name(&self) -> Option<&str> {
        match self {
            Origin::Listing(file) => Some(&file.listing),
            Origin::Inline => None,
        }
    }
}

/// Reads where the block comes from in the chapter before `links`.
pub(super) fn origin_of(
    layout: &BookLayout,
    trees: &ListingTrees,
    language: &str,
    location: &Location,
    source: &FencedBlock,
) -> Result<Origin> {
    let directives = find_directives(&source.body);
    let directive = match directives.as_slice() {
        [] => return Ok(Origin::Inline),
        [only] if source.body.trim() == only.text(&source.body) => only,
        _ => bail!(
            "{location} (`{language}` book): a Rust block must hold either code or exactly one \
             include directive, and nothing else; found:\n{}",
            source.body
        ),
    };
    let text = directive.text(&source.body).to_string();
    let chapter_dir = location.chapter.parent().unwrap_or(Path::new(""));
    let written = Path::new(&directive.path);
    let in_root = if written.is_absolute() {
        match written.strip_prefix(&layout.root) {
            Ok(inside) => normalize(inside),
            Err(_) => written.to_path_buf(),
        }
    } else {
        normalize(&chapter_dir.join(written))
    };
    let tree_of_page = layout
        .language(language)
        .map(|tree| tree.tree_setting.as_str())
        .unwrap_or("?");
    let located = trees.locate(&in_root);
    let inside = match located {
        Some((tree_language, inside)) if tree_language == language => inside,
        Some((tree_language, _)) => bail!(
            "{location} (`{language}` book): {text} shows {}, a file of the `{tree_language}` \
             listing tree; a `{language}` page must show code of the `{language}` tree \
             `{tree_of_page}`",
            in_root.display()
        ),
        None => bail!(
            "{location} (`{language}` book): {text} shows {}, which is in no listing tree; a \
             `{language}` page must show code of the `{language}` tree `{tree_of_page}`",
            in_root.display()
        ),
    };
    let tree = layout.root.join(tree_of_page);
    let file = tree.join(inside);
    let (real_file, real_tree) = (canonical(&file)?, canonical(&tree)?);
    if !real_file.starts_with(&real_tree) {
        bail!(
            "{location} (`{language}` book): {text} shows {}, which is really {}, outside the \
             `{language}` listing tree `{tree_of_page}`",
            in_root.display(),
            real_file.display()
        );
    }
    let Some(crate_dir) = file
        .ancestors()
        .skip(1)
        .take_while(|dir| dir.starts_with(&tree) && *dir != tree)
        .find(|dir| dir.join("Cargo.toml").is_file())
    else {
        bail!(
            "{location} (`{language}` book): {text} shows {}, which is in no listing crate \
             (no Cargo.toml above it in the `{language}` tree)",
            in_root.display()
        );
    };
    let manifest = crate_dir.join("Cargo.toml");
    let package = package_name(&manifest)?;
    let crate_in_tree = crate_dir
        .strip_prefix(&tree)
        .expect("the crate folder is inside the tree");
    let mut other_packages = Vec::new();
    for other in layout.languages.iter().filter(|l| l.code != language) {
        let manifest = other.tree.join(crate_in_tree).join("Cargo.toml");
        if manifest.is_file() {
            let name = package_name(&manifest)?;
            if name != package && !other_packages.contains(&name) {
                other_packages.push(name);
            }
        }
    }
    Ok(Origin::Listing(ListingFile {
        chapter_folder: folder_name(crate_dir.parent().unwrap_or(crate_dir)),
        listing: folder_name(crate_dir),
        file: file
            .strip_prefix(crate_dir)
            .expect("the crate folder is an ancestor of the file")
            .to_path_buf(),
        package,
        edition: edition(&manifest)?,
        crate_dir: crate_dir.to_path_buf(),
        directive: text,
        other_packages,
    }))
}

fn canonical(path: &Path) -> Result<PathBuf> {
    path.canonicalize()
        .with_context(|| format!("resolving {}", path.display()))
}

fn folder_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `[package] edition` of a `Cargo.toml` (`2015` when unset, as Cargo reads it).
fn edition(manifest: &Path) -> Result<String> {
    let text = std::fs::read_to_string(manifest)
        .with_context(|| format!("reading {}", manifest.display()))?;
    let table: toml::Table =
        toml::from_str(&text).with_context(|| format!("parsing {}", manifest.display()))?;
    Ok(table
        .get("package")
        .and_then(|package| package.get("edition"))
        .and_then(toml::Value::as_str)
        .unwrap_or("2015")
        .to_string())
}
