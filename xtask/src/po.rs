//! `cargo xtask po`: regenerates `po/messages.pot` from the English sources
//! and merges it into the catalog of every translated language (see
//! `booktools::i18n::po_update`): kept translations stay, edited messages become
//! fuzzy with their previous English, new ones are added untranslated,
//! removed ones are dropped.

use anyhow::{bail, Context, Result};
use booktools::i18n::po::PotUpdate;
use booktools::i18n::po_update::{update_catalogs, CatalogChange};
use std::path::Path;

/// At most this many characters of a msgid per printed line.
const EXCERPT: usize = 70;

/// Runs the command on the book of this repository.
pub fn run(args: &[String]) -> Result<()> {
    if let Some(extra) = args.first() {
        bail!("`cargo xtask po` takes no argument, got `{extra}`");
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("xtask/ has no parent folder")?;
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
                println!("  {label:5} {}", excerpt(msgid));
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

/// The start of a msgid on one line, quoted.
fn excerpt(msgid: &str) -> String {
    let flat = msgid.replace('\n', " ");
    let mut chars = flat.chars();
    let short: String = chars.by_ref().take(EXCERPT).collect();
    if chars.next().is_some() {
        format!("{short:?}…")
    } else {
        format!("{short:?}")
    }
}
