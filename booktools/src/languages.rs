//! The languages of the book and the listing tree of each, read from
//! `book.toml`.
//!
//! `[preprocessor.listings.trees]` maps a language code to the folder of its
//! listing crates (`en = "listings-sources"`, `fr = "listings"`). Adding a
//! language is one line there: nothing in this crate names a language.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The book configuration file, relative to the book root.
pub const BOOK_TOML: &str = "book.toml";

/// One language of the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    /// Language code, as in `book.toml` (`en`, `fr`).
    pub code: String,
    /// The listing tree folder as written in `book.toml` (`listings-sources`).
    pub tree_setting: String,
    /// Absolute path of the listing tree.
    pub tree: PathBuf,
}

/// What the listing tools need from `book.toml`.
#[derive(Debug, Clone)]
pub struct BookLayout {
    /// The book root (the folder of `book.toml`).
    pub root: PathBuf,
    /// The language the book is written in (`[book] language`): the language
    /// of `src/` and of the claims of `listing-expectations.toml`.
    pub source_language: String,
    /// The Markdown sources of the book (`[book] src`), absolute.
    pub src: PathBuf,
    /// Every language with a listing tree, sorted by code.
    pub languages: Vec<Language>,
}

impl BookLayout {
    /// Reads `<root>/book.toml`.
    pub fn load(root: &Path) -> Result<Self> {
        let path = root.join(BOOK_TOML);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        Self::parse(root, &path, &text)
    }

    fn parse(root: &Path, path: &Path, text: &str) -> Result<Self> {
        let config: toml::Table =
            toml::from_str(text).with_context(|| format!("parsing {}", path.display()))?;
        let book = config.get("book").and_then(toml::Value::as_table);
        let text_setting = |key: &str, default: &str| -> Result<String> {
            match book.and_then(|book| book.get(key)) {
                None => Ok(default.to_string()),
                Some(toml::Value::String(value)) => Ok(value.clone()),
                Some(other) => bail!(
                    "{}: `[book] {key}` must be a string, found {other}",
                    path.display()
                ),
            }
        };
        let source_language = text_setting("language", "en")?;
        let src = root.join(text_setting("src", "src")?);

        let Some(trees) = config
            .get("preprocessor")
            .and_then(|value| value.get("listings"))
            .and_then(|value| value.get("trees"))
        else {
            bail!(
                "{}: no `[preprocessor.listings.trees]` table (language = \"listing tree folder\")",
                path.display()
            );
        };
        let Some(trees) = trees.as_table() else {
            bail!(
                "{}: `[preprocessor.listings.trees]` must be a table",
                path.display()
            );
        };
        let mut languages = Vec::new();
        for (code, folder) in trees {
            let Some(folder) = folder.as_str() else {
                bail!(
                    "{}: `[preprocessor.listings.trees] {code}` must be a folder name (a string)",
                    path.display()
                );
            };
            languages.push(Language {
                code: code.clone(),
                tree_setting: folder.to_string(),
                tree: root.join(folder),
            });
        }
        if languages.is_empty() {
            bail!(
                "{}: `[preprocessor.listings.trees]` is empty",
                path.display()
            );
        }
        if !languages
            .iter()
            .any(|language| language.code == source_language)
        {
            bail!(
                "{}: `[preprocessor.listings.trees]` has no tree for the book's language `{source_language}`",
                path.display()
            );
        }
        languages.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(Self {
            root: root.to_path_buf(),
            source_language,
            src,
            languages,
        })
    }

    /// The language with this code.
    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|language| language.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_trees_source_language_and_src() {
        let text = r#"
[book]
language = "en"
src = "src"
[preprocessor.listings.trees]
fr = "listings"
en = "listings-sources"
"#;
        let layout =
            BookLayout::parse(Path::new("/book"), Path::new("/book/book.toml"), text).unwrap();
        let codes: Vec<_> = layout.languages.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes, ["en", "fr"]);
        assert_eq!(
            layout.language("fr").unwrap().tree,
            Path::new("/book/listings")
        );
        assert_eq!(layout.src, Path::new("/book/src"));
        assert_eq!(layout.source_language, "en");
    }

    #[test]
    fn a_missing_tree_table_names_the_file() {
        let error = BookLayout::parse(Path::new("/b"), Path::new("/b/book.toml"), "[book]\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("/b/book.toml"), "{error}");
        assert!(error.contains("[preprocessor.listings.trees]"), "{error}");
    }
}
