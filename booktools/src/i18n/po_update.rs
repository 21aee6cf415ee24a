//! `cargo xtask po`: regenerates the template from the English sources and
//! merges it into the catalog of every translated language.
//!
//! The languages are those of `[preprocessor.listings.trees]` in
//! `book.toml` other than the book's own (see
//! [`crate::i18n::translation::translations`]); a language without a catalog
//! gets a new one, translating nothing. The merge is [`crate::i18n::po_merge`];
//! a catalog is rewritten only when its content changes (its wrapping
//! aside), so running the command on an up-to-date tree touches no file,
//! whatever gettext tool last wrote it.

use crate::i18n::po::{write_pot, PotUpdate};
use crate::i18n::po_merge::{merge_catalog, new_catalog, MergeSummary};
use crate::i18n::translation::{parse_po, read_po, translations, Translation};
use crate::languages::POT_FILE_NAME;
use anyhow::{anyhow, Context, Result};
use polib::catalog::Catalog;
use std::path::{Path, PathBuf};

/// What happened to one catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogChange {
    /// The language had no catalog: one was written.
    Created,
    /// The catalog was rewritten.
    Updated,
    /// The merge gave the text already in the file.
    Unchanged,
}

/// The merge of the template into the catalog of one language.
#[derive(Debug, Clone)]
pub struct CatalogUpdate {
    /// Language code.
    pub language: String,
    /// The catalog file.
    pub catalog: PathBuf,
    /// What happened to the file.
    pub change: CatalogChange,
    /// What happened to its messages.
    pub summary: MergeSummary,
    /// The first line of the old catalog whose content the merge changed.
    pub first_difference: Option<usize>,
}

/// Everything `cargo xtask po` did.
#[derive(Debug, Clone)]
pub struct PoUpdate {
    /// The template.
    pub template: PotUpdate,
    /// One entry per translated language, sorted by language code.
    pub catalogs: Vec<CatalogUpdate>,
}

/// Regenerates `po/messages.pot` from the English sources of the book at
/// `root`, then merges it into every catalog.
pub fn update_catalogs(root: &Path) -> Result<PoUpdate> {
    let template_update = write_pot(root)?;
    // The template as written: its creation date only changes with its
    // messages, so the catalogs' `POT-Creation-Date` does too.
    let path = crate::languages::BookLayout::load(root)?.pot_file();
    let template =
        polib::po_file::parse(&path).map_err(|error| anyhow!("{}: {error}", path.display()))?;
    let catalogs = translations(root)?
        .iter()
        .map(|translation| update_catalog(&template, translation))
        .collect::<Result<_>>()?;
    Ok(PoUpdate {
        template: template_update,
        catalogs,
    })
}

/// Merges `template` into the catalog of `translation`, or creates it.
fn update_catalog(template: &Catalog, translation: &Translation) -> Result<CatalogUpdate> {
    let path = &translation.catalog;
    let (merged, change, first_difference) = if path.exists() {
        let old = read_po(path)?;
        let old_text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let merged = merge_catalog(template, &old, &old_text)
            .with_context(|| format!("merging {POT_FILE_NAME} into {}", path.display()))?;
        // Compared by content, not bytes: a catalog wrapped by Poedit,
        // msgcat or msgmerge is left as its translator's tool wrote it.
        let difference = old.content_difference(&parse_po(path, merged.text.as_bytes())?);
        let change = match difference {
            Some(_) => CatalogChange::Updated,
            None => CatalogChange::Unchanged,
        };
        (merged, change, difference)
    } else {
        let merged = new_catalog(template, &translation.language)?;
        (merged, CatalogChange::Created, None)
    };
    if change != CatalogChange::Unchanged {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        std::fs::write(path, &merged.text)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(CatalogUpdate {
        language: translation.language.clone(),
        catalog: path.clone(),
        change,
        summary: merged.summary,
        first_difference,
    })
}
