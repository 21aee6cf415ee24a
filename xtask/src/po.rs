//! The translators' commands.
//!
//! - `cargo xtask pot`: extracts the English prose of `src/` into
//!   `po/messages.pot` (see `booktools::i18n::po`).
//! - `cargo xtask po`: regenerates `po/messages.pot` and merges it into the
//!   catalog of every translated language (see `booktools::i18n::po_update`):
//!   kept translations stay, edited messages become fuzzy with their
//!   previous English, new ones are added untranslated, removed ones are
//!   dropped.
//! - `cargo xtask status [--check]`: per translated language and chapter, the
//!   messages translated, fuzzy and untranslated, then what is left to do
//!   (each with its file and line), from `booktools::i18n::status`. It only
//!   reports, unless `--check` is given: then it fails when a language is
//!   incomplete.

use anyhow::{bail, Result};
use booktools::i18n::changes::{changes_since, render_markdown};
use booktools::i18n::po::{write_pot, PotUpdate};
use booktools::i18n::po_update::{update_catalogs, CatalogChange};
use booktools::i18n::status::{book_status, render};
use std::path::Path;

/// `cargo xtask pot`.
pub fn pot(root: &Path) -> Result<()> {
    match write_pot(root)? {
        PotUpdate::Written(path) => println!("wrote {}", path.display()),
        PotUpdate::Unchanged(path) => println!("{} is up to date", path.display()),
    }
    Ok(())
}

/// `cargo xtask status [--check] [--since <rev>] [--markdown]`.
pub fn status(root: &Path, check: bool, since: Option<&str>, markdown: bool) -> Result<()> {
    let status = book_status(root)?;
    let changes = match since {
        Some(revision) => Some((revision, changes_since(root, revision)?)),
        None => None,
    };
    if markdown {
        let since = changes.as_ref().map(|(rev, all)| (*rev, all.as_slice()));
        print!("{}", render_markdown(root, &status, since));
    } else {
        print!("{}", render(root, &status));
        for change in changes.iter().flat_map(|(_, all)| all) {
            println!(
                "{} since {}: {} added, {} edited (now fuzzy), {} translated, {} removed",
                change.language,
                since.unwrap_or_default(),
                change.added,
                change.edited,
                change.translated,
                change.removed
            );
        }
    }
    if check && !status.is_complete() {
        bail!("the translations are incomplete (see above)");
    }
    Ok(())
}

/// `cargo xtask po`.
pub fn po(root: &Path) -> Result<()> {
    let update = update_catalogs(root)?;
    let shown = |path: &Path| {
        path.strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    match &update.template {
        PotUpdate::Written(path) => println!("{}: written", shown(path)),
        PotUpdate::Unchanged(path) => println!("{}: up to date", shown(path)),
    }
    let mut to_translate = 0;
    for catalog in &update.catalogs {
        let summary = &catalog.summary;
        let change = match catalog.change {
            CatalogChange::Created => "created",
            CatalogChange::Updated => "updated",
            CatalogChange::Unchanged => "up to date",
        };
        println!(
            "{} ({}): {change}; {} kept, {} now fuzzy, {} new, {} dropped",
            shown(&catalog.catalog),
            catalog.language,
            summary.kept,
            summary.fuzzy.len(),
            summary.added.len(),
            summary.dropped.len()
        );
        for (label, msgids) in [("fuzzy", &summary.fuzzy), ("new", &summary.added)] {
            for msgid in msgids {
                println!(
                    "  {label:5} {}",
                    booktools::i18n::translation::excerpt(msgid)
                );
            }
        }
        to_translate += summary.fuzzy.len() + summary.added.len();
    }
    if to_translate > 0 {
        println!(
            "\n{to_translate} message(s) to translate: see TRANSLATING.md, then `cargo xtask status`."
        );
    }
    Ok(())
}
