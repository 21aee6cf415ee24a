//! Checks of the gettext catalog `po/<language>.po` of every translated
//! language of `book.toml` (nothing here names a language), and of the
//! text files of the book. Each problem names its file and line.

mod anchors;
mod completeness;
mod mojibake;
pub(crate) mod po_file;
pub mod spelling;
mod twins;
mod typography;

pub use crate::{ensure_none, Problem};
pub use completeness::{check_completeness, excerpt};
pub use mojibake::files_under;
pub use po_file::{parse_po, read_po, PoEntry, PoFile};
pub use twins::check_identical_twins;
pub use typography::{rules_for, TypographyRules};

use crate::languages::BookLayout;
use anyhow::Result;
use std::path::{Path, PathBuf};

/// One translated language and its gettext catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translation {
    pub language: String,
    pub catalog: PathBuf,
}

/// Every translated language of the book at `root`: the listing-tree
/// languages of `book.toml` except the source language, sorted by code.
pub fn translations(root: &Path) -> Result<Vec<Translation>> {
    let layout = BookLayout::load(root)?;
    Ok(layout
        .translated()
        .map(|language| Translation {
            language: language.code.clone(),
            catalog: layout.po_file(&language.code),
        })
        .collect())
}

/// The catalogs and the languages agree: each translated language has its
/// catalog, and each `*.po` file of the catalog folder is the catalog of a
/// translated language (one without a listing tree would build a book whose
/// listings stay in the source language).
pub fn check_catalog_files(root: &Path) -> Result<Vec<Problem>> {
    let translations = translations(root)?;
    let mut problems: Vec<Problem> = (translations.iter())
        .filter(|translation| !translation.catalog.is_file())
        .map(|t| {
            let what = "has a listing tree in book.toml but no catalog";
            Problem::in_file(&t.catalog, format!("missing: `{}` {what}", t.language))
        })
        .collect();
    let po_dir = BookLayout::load(root)?.po_dir;
    if po_dir.is_dir() {
        for file in mojibake::files_under(std::slice::from_ref(&po_dir))? {
            let is_po = file.extension().is_some_and(|extension| extension == "po");
            if is_po && !translations.iter().any(|t| t.catalog == file) {
                let what = "a catalog for a language without a listing tree in \
                            `[preprocessor.listings.trees]` of book.toml";
                problems.push(Problem::in_file(file, what));
            }
        }
    }
    Ok(problems)
}

pub fn check_typography(translation: &Translation) -> Result<Vec<Problem>> {
    let Some(rules) = rules_for(&translation.language) else {
        return Ok(Vec::new());
    };
    let po = read_po(&translation.catalog)?;
    Ok(typography::check_po(&po, rules))
}

/// The folders whose text files must be clean UTF-8: the Markdown sources,
/// the catalog folder and every listing tree.
pub fn text_folders(root: &Path) -> Result<Vec<PathBuf>> {
    let layout = BookLayout::load(root)?;
    let mut folders = vec![layout.src.clone(), layout.po_dir.clone()];
    folders.extend(
        layout
            .languages
            .iter()
            .map(|language| language.tree.clone()),
    );
    Ok(folders)
}

pub fn check_mojibake(root: &Path) -> Result<Vec<Problem>> {
    mojibake::check_text_files(&text_folders(root)?)
}

pub fn check_anchors(root: &Path, translation: &Translation) -> Result<Vec<Problem>> {
    let po = read_po(&translation.catalog)?;
    if !po.live_entries().any(PoEntry::is_translated) {
        // Nothing to tie yet: a new language needs no glossary before it
        // translates its first message.
        return Ok(Vec::new());
    }
    let layout = BookLayout::load(root)?;
    let glossary = crate::i18n::glossary::Glossary::load(&layout, &translation.language)?;
    Ok(anchors::check_po(&po, &glossary))
}

/// Every check above; fails with the list of all problems.
pub fn check_translations(root: &Path) -> Result<()> {
    let mut problems = check_catalog_files(root)?;
    for translation in translations(root)? {
        if translation.catalog.is_file() {
            problems.extend(check_completeness(root, &translation)?);
            problems.extend(check_typography(&translation)?);
            problems.extend(check_anchors(root, &translation)?);
        }
    }
    problems.extend(check_mojibake(root)?);
    problems.extend(check_identical_twins(root)?);
    ensure_none("translation checks", &problems)
}

/// A problem at `line` of `po`, with the English source of its entry.
fn entry_problem(
    po: &PoFile,
    line: Option<usize>,
    source: Option<&str>,
    message: String,
) -> Problem {
    let message = match source {
        Some(source) => format!("{message} (English source: {source})"),
        None => message,
    };
    Problem {
        file: po.path.clone(),
        line,
        message,
    }
}
