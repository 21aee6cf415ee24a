//! `cargo xtask po`: regenerates the template and merges it into the
//! catalog of every translated language (a new language gets a new one).
//! A catalog is rewritten only when its content changes, wrapping aside, so
//! an up-to-date tree is left as its translators' gettext tools wrote it.

use crate::i18n::po::{write_pot, PotUpdate};
use crate::i18n::po_merge::{merge_catalog, new_catalog, MergeSummary};
use crate::i18n::translation::{parse_po, read_po, translations, Translation};
use crate::languages::POT_FILE_NAME;
use anyhow::{anyhow, Context, Result};
use polib::catalog::Catalog;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogChange {
    Created,
    Updated,
    Unchanged,
}

#[derive(Debug, Clone)]
pub struct CatalogUpdate {
    pub language: String,
    pub catalog: PathBuf,
    pub change: CatalogChange,
    pub summary: MergeSummary,
    /// The first line of the old catalog whose content the merge changed.
    pub first_difference: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct PoUpdate {
    pub template: PotUpdate,
    /// One per translated language, sorted by language code.
    pub catalogs: Vec<CatalogUpdate>,
}

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

fn update_catalog(template: &Catalog, translation: &Translation) -> Result<CatalogUpdate> {
    let path = &translation.catalog;
    let (merged, change, first_difference) = if path.exists() {
        let old = read_po(path)?;
        let merged = merge_catalog(template, &old)
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
