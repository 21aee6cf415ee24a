//! The gettext template `po/messages.pot`, extracted in-process with the
//! real `mdbook-xgettext` code. The `gettext` preprocessor runs before
//! `listings`, so the template is extracted from the book as loaded, before
//! any preprocessor: prose only, a listing is still a directive line.
//! `write_pot` leaves the file untouched when only `POT-Creation-Date`
//! would change, so regenerating it produces no diff. The book's title and
//! description (shown on every page, left out by `mdbook-xgettext`) are two
//! more messages, so a translator finds everything in one file.

use crate::i18n::translation::PoFile;
use crate::languages::BookLayout;
use anyhow::{anyhow, bail, Context, Result};
use mdbook_driver::config::Config;
use mdbook_driver::MDBook;
use mdbook_i18n_helpers::xgettext::create_catalogs;
use mdbook_renderer::RenderContext;
use polib::catalog::Catalog;
use polib::message::Message;
use std::path::{Path, PathBuf};

/// Every translatable message of the English book at `root`.
pub fn extract_pot(root: &Path) -> Result<Catalog> {
    let book =
        MDBook::load(root).with_context(|| format!("loading the book at {}", root.display()))?;
    // The book as loaded, before any preprocessor: what `gettext` sees.
    let context = RenderContext::new(
        book.root.clone(),
        book.book.clone(),
        book.config.clone(),
        BookLayout::load(root)?.po_dir,
    );
    let mut catalogs = create_catalogs(&context, std::fs::read_to_string)
        .context("extracting the messages of the English sources")?;
    if catalogs.len() != 1 {
        bail!(
            "expected a single template, got {} (is `output.xgettext.depth` set?)",
            catalogs.len()
        );
    }
    let (_, mut catalog) = catalogs
        .drain()
        .next()
        .ok_or_else(|| anyhow!("no template extracted"))?;
    // The translator must never see, nor be able to change, which file a
    // listing comes from.
    if let Some(message) = catalog.messages().find(|m| m.msgid().contains("{{#")) {
        let source = message.source().replace('\n', " ");
        bail!(
            "{source}: an mdBook directive was extracted as prose: {:?}",
            message.msgid()
        );
    }
    let book_toml = std::fs::read_to_string(root.join("book.toml")).unwrap_or_default();
    let settings = &book.config.book;
    for (key, text) in [
        ("title", &settings.title),
        ("description", &settings.description),
    ] {
        let Some(text) = text else { continue };
        let prefix = format!("{key} =");
        let line = (book_toml.lines())
            .position(|line| line.trim_start().starts_with(&prefix))
            .map_or(1, |index| index + 1);
        let message = Message::build_singular()
            .with_source(format!("book.toml:{line}"))
            .with_msgid(text.clone())
            .done();
        catalog.append_or_update(message);
    }
    Ok(catalog)
}

/// Sets the book's title and description in `config` to their
/// translations in `catalog`; an untranslated or fuzzy one stays English,
/// as gettext leaves prose (the completeness check reports it).
pub fn translated_metadata(config: &mut Config, catalog: &PoFile) {
    let translation = |english: &str| {
        catalog
            .live_entries()
            .find(|entry| entry.msgid == english && entry.is_translated() && !entry.is_fuzzy())
            .map(|entry| entry.msgstr.concat())
    };
    let book = &mut config.book;
    for text in [&mut book.title, &mut book.description] {
        if let Some(translated) = text.as_deref().and_then(translation) {
            *text = Some(translated);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PotUpdate {
    Written(PathBuf),
    Unchanged(PathBuf),
}

pub fn write_pot(root: &Path) -> Result<PotUpdate> {
    let fresh = render_pot(&extract_pot(root)?)?;
    let layout = BookLayout::load(root)?;
    let path = layout.pot_file();
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    if without_creation_date(&old) == without_creation_date(&fresh) {
        return Ok(PotUpdate::Unchanged(path));
    }
    let dir = &layout.po_dir;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(&path, fresh).with_context(|| format!("writing {}", path.display()))?;
    Ok(PotUpdate::Written(path))
}

/// The catalog as polib's writer (`mdbook-xgettext`'s) writes it; it
/// writes to a path only.
pub(crate) fn render_pot(catalog: &Catalog) -> Result<String> {
    let scratch = tempfile::Builder::new().suffix(".pot").tempfile()?;
    let path = scratch.path();
    polib::po_file::write(catalog, path).with_context(|| format!("writing {}", path.display()))?;
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn without_creation_date(text: &str) -> String {
    text.lines()
        .filter(|line| !line.starts_with("\"POT-Creation-Date: "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_is_a_message_of_the_template_with_its_book_toml_line() {
        let book = crate::book::TempBook::tiny(&[("en", "s"), ("fr", "l")], "# C\n").unwrap();
        let catalog = extract_pot(book.root()).unwrap();
        let title = catalog.messages().find(|m| m.msgid() == "Tiny").unwrap();
        assert_eq!(title.source(), "book.toml:2");
    }
}
