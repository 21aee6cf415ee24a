//! The one model of `book.toml`: the languages of the book, the listing
//! tree of each, the gettext folder, the build folder and the site URL.
//! Every reader of the configuration goes through [`BookLayout`], which
//! reads `book.toml` with mdBook's own parser and the trees with the
//! `listings` preprocessor's own reader, so they cannot disagree.
//!
//! `[preprocessor.listings.trees]` maps a language code to the folder of its
//! listing crates (`en = "listings-sources"`, `fr = "listings"`). Adding a
//! language is one line there: nothing in this crate names a language.

use anyhow::{bail, Context, Result};
use mdbook_driver::config::Config;
use mdbook_listings::trees::{book_language, ListingTrees};
use std::path::{Path, PathBuf};

/// The book configuration file, relative to the book root.
pub const BOOK_TOML: &str = "book.toml";

/// The gettext template, in the catalog folder.
pub const POT_FILE_NAME: &str = "messages.pot";

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

/// What the tools need from `book.toml`.
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
    /// The gettext catalogs (`preprocessor.gettext.po-dir`, default `po`),
    /// absolute.
    pub po_dir: PathBuf,
    /// Where `mdbook build` writes (`build.build-dir`), absolute.
    pub build_dir: PathBuf,
    /// The theme additions folder (`output.html.theme`, default `theme`),
    /// absolute.
    pub theme_dir: PathBuf,
    /// `output.html.site-url` (default `/`).
    pub site_url: String,
}

impl BookLayout {
    /// Reads `<root>/book.toml` (without `MDBOOK_*` environment overrides:
    /// the layout does not change with the language a shell happens to set).
    pub fn load(root: &Path) -> Result<Self> {
        let path = root.join(BOOK_TOML);
        if !path.is_file() {
            bail!("no book at {}: {BOOK_TOML} is missing", root.display());
        }
        let config =
            Config::from_disk(&path).with_context(|| format!("reading {}", path.display()))?;
        Self::from_config(root, &path, &config)
    }

    fn from_config(root: &Path, path: &Path, config: &Config) -> Result<Self> {
        let root = std::path::absolute(root)
            .with_context(|| format!("cannot make {} absolute", root.display()))?;
        let source_language = book_language(config).to_string();
        let trees = ListingTrees::from_config(config)
            .with_context(|| format!("reading the languages of {}", path.display()))?;
        let languages: Vec<Language> = trees
            .languages()
            .map(|code| {
                let folder = trees.folder(code).expect("a language of the trees");
                Language {
                    code: code.to_string(),
                    tree_setting: folder.to_string_lossy().into_owned(),
                    tree: root.join(folder),
                }
            })
            .collect();
        if languages.is_empty() {
            bail!(
                "{}: `[preprocessor.listings.trees]` is empty",
                path.display()
            );
        }
        if !languages.iter().any(|l| l.code == source_language) {
            bail!(
                "{}: `[preprocessor.listings.trees]` has no tree for the book's language `{source_language}`",
                path.display()
            );
        }
        let po_dir: Option<String> = config
            .get("preprocessor.gettext.po-dir")
            .with_context(|| format!("{}: preprocessor.gettext.po-dir", path.display()))?;
        let html = config.html_config();
        Ok(Self {
            src: root.join(&config.book.src),
            po_dir: root.join(po_dir.as_deref().unwrap_or("po")),
            build_dir: root.join(&config.build.build_dir),
            theme_dir: root.join(
                html.as_ref()
                    .and_then(|html| html.theme.clone())
                    .unwrap_or_else(|| PathBuf::from("theme")),
            ),
            site_url: html
                .and_then(|html| html.site_url)
                .unwrap_or_else(|| "/".to_string()),
            root,
            source_language,
            languages,
        })
    }

    /// The language with this code.
    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|language| language.code == code)
    }

    /// The languages other than the source language, sorted by code.
    pub fn translated(&self) -> impl Iterator<Item = &Language> {
        self.languages
            .iter()
            .filter(|language| language.code != self.source_language)
    }

    /// The gettext catalog of `language`: `<po-dir>/<language>.po`.
    pub fn po_file(&self, language: &str) -> PathBuf {
        self.po_dir.join(format!("{language}.po"))
    }

    /// The gettext template: `<po-dir>/messages.pot`.
    pub fn pot_file(&self) -> PathBuf {
        self.po_dir.join(POT_FILE_NAME)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<BookLayout> {
        let config: Config = text.parse()?;
        BookLayout::from_config(Path::new("/book"), Path::new("/book/book.toml"), &config)
    }

    #[test]
    fn reads_trees_source_language_and_folders() {
        let layout = parse(
            r#"
[book]
language = "en"
src = "text"
[preprocessor.gettext]
po-dir = "catalogs"
[preprocessor.listings.trees]
fr = "listings"
en = "listings-sources"
"#,
        )
        .unwrap();
        let codes: Vec<_> = layout.languages.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes, ["en", "fr"]);
        assert_eq!(
            layout.language("fr").unwrap().tree,
            Path::new("/book/listings")
        );
        assert_eq!(layout.src, Path::new("/book/text"));
        assert_eq!(layout.source_language, "en");
        assert_eq!(layout.po_file("fr"), Path::new("/book/catalogs/fr.po"));
        assert_eq!(layout.pot_file(), Path::new("/book/catalogs/messages.pot"));
        assert_eq!(layout.build_dir, Path::new("/book/book"));
        let translated: Vec<_> = layout.translated().map(|l| l.code.as_str()).collect();
        assert_eq!(translated, ["fr"]);
    }

    #[test]
    fn a_missing_tree_table_names_the_file() {
        let error = format!("{:#}", parse("[book]\n").unwrap_err());
        assert!(error.contains("/book/book.toml"), "{error}");
        assert!(error.contains("preprocessor.listings.trees"), "{error}");
    }
}
