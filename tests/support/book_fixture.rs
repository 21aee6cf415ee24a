//! Small text helpers for asserting on build errors. Temporary books come
//! from `booktools::book::TempBook` (re-exported here).

use anyhow::{bail, Context, Result};
use std::path::Path;

pub use booktools::book::{repository_root, TempBook};

/// The 1-based line of the first occurrence of `needle` in `text`.
pub fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.find(needle)
        .map(|offset| text[..offset].matches('\n').count() + 1)
}

/// Whether every line of `expected` appears in `text`, in order, each as a
/// whole line (other lines may come in between).
pub fn contains_lines_in_order(text: &str, expected: &[&str]) -> bool {
    let mut lines = text.lines();
    expected
        .iter()
        .all(|wanted| lines.any(|line| line == *wanted))
}

/// The precondition of a bad-input test: the unmodified copy of the book
/// passes the check the test breaks. When it does not, the real book
/// already has these problems, which `real_test` reports: the bad-input
/// test says so and stops (true) rather than fail beside it for the same
/// cause.
pub fn fails_before<P: std::fmt::Display>(problems: &[P], real_test: &str) -> bool {
    if let Some(first) = problems.first() {
        println!("precondition: the real book already has problems ({first}), see {real_test}");
    }
    !problems.is_empty()
}

/// The name of the English code name `english` in the code of `language`,
/// from the book's glossary (`ThreadPool` -> `GroupeTaches` in French).
pub fn glossary_code_name(root: &Path, language: &str, english: &str) -> Result<String> {
    let layout = booktools::languages::BookLayout::load(root)?;
    let glossary = booktools::i18n::glossary::Glossary::load(&layout, language)?;
    if language != layout.source_language && !glossary.has(english) {
        bail!("the `{language}` glossary has no name for `{english}`");
    }
    Ok(glossary.translate(english).to_string())
}

/// The book's title and description in `language`, read as a translator
/// writes them: `book.toml` for the source language, else the msgstrs of
/// `po/<language>.po` whose msgids are those `book.toml` values. Fails when
/// one is missing, untranslated or fuzzy.
pub fn book_metadata(root: &Path, language: &str) -> Result<(String, String)> {
    let layout = booktools::languages::BookLayout::load(root)?;
    let config: toml::Table = std::fs::read_to_string(root.join("book.toml"))?.parse()?;
    let book = config.get("book").and_then(toml::Value::as_table);
    let setting = |key: &str| {
        book.and_then(|book| book.get(key)?.as_str())
            .map(str::to_string)
            .with_context(|| format!("book.toml has no `book.{key}`"))
    };
    let (title, description) = (setting("title")?, setting("description")?);
    if language == layout.source_language {
        return Ok((title, description));
    }
    let catalog = booktools::i18n::translation::read_po(&layout.po_file(language))?;
    let translate = |msgid: &str| {
        catalog
            .live_entries()
            .find(|entry| entry.msgid == msgid && entry.is_translated() && !entry.is_fuzzy())
            .map(|entry| entry.msgstr.concat())
            .with_context(|| format!("{}: no translation of {msgid:?}", catalog.path.display()))
    };
    Ok((translate(&title)?, translate(&description)?))
}

/// Copies every file under `from` to `to`, `target/` folders aside.
pub fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    for file in booktools::i18n::translation::files_under(&[from.to_path_buf()])? {
        let target = to.join(file.strip_prefix(from)?);
        std::fs::create_dir_all(target.parent().context("a folder")?)?;
        std::fs::copy(&file, target)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_in_order() {
        let text = "a\n# hidden\nb\nc\n";
        assert!(contains_lines_in_order(text, &["a", "c"]));
        assert!(!contains_lines_in_order(text, &["c", "a"]));
        assert!(!contains_lines_in_order(text, &["hidden"]));
        assert_eq!(line_of(text, "b"), Some(3));
    }
}
