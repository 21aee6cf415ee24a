//! The bilingual static site: one mdBook build per language, the book's
//! own language (`book.language`) at the site root and every other language
//! of `[preprocessor.listings.trees]` under `<language>/`, plus the language
//! manifest (`languages.js`) that the language switch of
//! `theme/language-switch.js` reads.
//!
//! How one language is built is the caller's choice: `cargo xtask build` and
//! `cargo xtask serve` run the installed `mdbook build`, the tests build
//! in-process with [`crate::book::build_html`]. This module only knows the
//! layout, so the deployed site, the served site and the tested site share
//! it. Nothing here names a language.
//!
//! Search is per language for free: each language is its own mdBook build,
//! so each folder has the search index of its own pages, and a page loads
//! the index of its folder. mdBook 0.5 indexes every book with elasticlunr's
//! English pipeline (trimmer, English stop words, Porter stemmer), and the
//! browser runs the same pipeline on the query, so French words are found,
//! accents included (`tests/browser.rs` searches `opérateur` and
//! `extinction`). Two quirks remain, inherent to that pipeline: a leading or
//! trailing accented letter is trimmed like punctuation on both sides (`été`
//! is indexed and searched as `t`, which then matches by prefix), and an
//! elided article stays glued to its word (`l’opérateur` is one token; the
//! same section usually has the word alone too).

pub mod links;
pub mod static_server;

use crate::book::RenderedChapter;
use anyhow::{bail, Context, Result};
use mdbook_driver::config::Config;
use mdbook_listings::trees::{book_language, ListingTrees};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The manifest written at the root of every language: the site's languages
/// and where each one lives, relative to the site root.
pub const LANGUAGES_FILE: &str = "languages.js";

/// The site URL when `book.toml` sets no `output.html.site-url`.
pub const DEFAULT_SITE_URL: &str = "/";

/// The languages of the site and where each one is published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePlan {
    /// The language `src/` is written in, published at the site root.
    pub source_language: String,
    /// Every language, the source language first, then by code.
    pub languages: Vec<String>,
    /// The absolute URL path the site is served under, ending with `/`
    /// (`/`, or `/graceful-shutdown/` on a host serving it in a sub-path).
    pub site_url: String,
}

/// One language to build: what a builder gets from [`build_site`].
#[derive(Debug, Clone, Copy)]
pub struct LanguageBuild<'a> {
    /// The book root (the folder of `book.toml`).
    pub root: &'a Path,
    /// The language code (`book.language` of this build).
    pub language: &'a str,
    /// The output folder of this language (the renderer empties it).
    pub dest: &'a Path,
    /// The `output.html.site-url` of this language (`/fr/` for French on a
    /// site served at `/`): where its `404.html` resolves links from.
    pub site_url: &'a str,
}

impl SitePlan {
    /// Reads the languages and the site URL from `<root>/book.toml` (without
    /// `MDBOOK_*` environment overrides: the layout of the site does not
    /// change with the language a shell happens to set). `site_url`, when
    /// given, replaces `output.html.site-url`.
    pub fn load(root: &Path, site_url: Option<&str>) -> Result<SitePlan> {
        let book_toml = root.join("book.toml");
        let config = Config::from_disk(&book_toml)
            .with_context(|| format!("reading {}", book_toml.display()))?;
        let trees = ListingTrees::from_config(&config)
            .with_context(|| format!("reading the languages of {}", book_toml.display()))?;
        let configured_url = config
            .html_config()
            .and_then(|html| html.site_url)
            .unwrap_or_else(|| DEFAULT_SITE_URL.to_string());
        SitePlan::new(
            book_language(&config),
            trees.languages(),
            site_url.unwrap_or(&configured_url),
        )
        .with_context(|| format!("planning the site of {}", book_toml.display()))
    }

    /// A plan from its parts; `languages` must include `source_language`.
    pub fn new<'l>(
        source_language: &str,
        languages: impl IntoIterator<Item = &'l str>,
        site_url: &str,
    ) -> Result<SitePlan> {
        let mut others: Vec<String> = languages
            .into_iter()
            .filter(|code| *code != source_language)
            .map(str::to_string)
            .collect();
        others.sort();
        others.dedup();
        for code in &others {
            if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                bail!("`{code}` cannot be a language folder of the site (letters, digits and `-` only)");
            }
        }
        if !site_url.starts_with('/') {
            bail!("the site URL `{site_url}` must be an absolute path such as `/` or `/book/`");
        }
        let site_url = if site_url.ends_with('/') {
            site_url.to_string()
        } else {
            format!("{site_url}/")
        };
        let mut all = vec![source_language.to_string()];
        all.extend(others);
        Ok(SitePlan {
            source_language: source_language.to_string(),
            languages: all,
            site_url,
        })
    }

    /// Where `language` lives relative to the site root: `""` for the source
    /// language, `"fr/"` for French.
    pub fn url_path(&self, language: &str) -> String {
        if language == self.source_language {
            String::new()
        } else {
            format!("{language}/")
        }
    }

    /// The output folder of `language` inside the site folder `site_dir`.
    pub fn language_dir(&self, site_dir: &Path, language: &str) -> PathBuf {
        if language == self.source_language {
            site_dir.to_path_buf()
        } else {
            site_dir.join(language)
        }
    }

    /// The `output.html.site-url` of `language`.
    pub fn language_site_url(&self, language: &str) -> String {
        format!("{}{}", self.site_url, self.url_path(language))
    }

    /// The content of [`LANGUAGES_FILE`].
    pub fn manifest(&self) -> String {
        let entries: Vec<String> = self
            .languages
            .iter()
            .map(|code| {
                format!(
                    "{{\"code\":\"{code}\",\"path\":\"{}\"}}",
                    self.url_path(code)
                )
            })
            .collect();
        format!(
            "// Written by `booktools::site`: the languages of this site, read by the\n\
             // language switch (theme/language-switch.js). Paths are relative to the site root.\n\
             window.bookLanguages = {{\"source\":\"{}\",\"languages\":[{}]}};\n",
            self.source_language,
            entries.join(",")
        )
    }

    /// Writes [`LANGUAGES_FILE`] into the output folder of one language.
    pub fn write_manifest(&self, language_dir: &Path) -> Result<()> {
        let path = language_dir.join(LANGUAGES_FILE);
        std::fs::write(&path, self.manifest())
            .with_context(|| format!("writing {}", path.display()))
    }
}

/// Builds every language of `plan` into `site_dir` with `build_language`:
/// empties `site_dir`, builds the source language into it first (mdBook's
/// renderer empties its destination), then each other language into
/// `site_dir/<language>/`, and writes the manifest of each. Stops at the
/// first language that fails, naming it.
pub fn build_site(
    root: &Path,
    plan: &SitePlan,
    site_dir: &Path,
    mut build_language: impl FnMut(&LanguageBuild<'_>) -> Result<()>,
) -> Result<()> {
    if site_dir.exists() {
        remove_dir_content(site_dir)?;
    }
    std::fs::create_dir_all(site_dir)
        .with_context(|| format!("creating {}", site_dir.display()))?;
    for language in &plan.languages {
        let dest = plan.language_dir(site_dir, language);
        let site_url = plan.language_site_url(language);
        build_language(&LanguageBuild {
            root,
            language,
            dest: &dest,
            site_url: &site_url,
        })
        .with_context(|| format!("building the `{language}` book into {}", dest.display()))?;
        repair_not_found_anchors(&dest)?;
        plan.write_manifest(&dest)?;
        write_chrome(root, language, &dest)?;
    }
    Ok(())
}

/// Writes `chrome.js` into the output folder of `language`: its translation
/// of mdBook's chrome, `theme/chrome/<language>.json`, for
/// `theme/language-switch.js` (`null` without that file: mdBook's chrome).
pub fn write_chrome(root: &Path, language: &str, language_dir: &Path) -> Result<()> {
    let data = root.join("theme/chrome").join(format!("{language}.json"));
    let json = match std::fs::read_to_string(&data) {
        Ok(json) => json,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => "null".to_string(),
        Err(error) => return Err(error).with_context(|| format!("reading {}", data.display())),
    };
    let path = language_dir.join("chrome.js");
    std::fs::write(&path, format!("window.bookChrome = {};\n", json.trim()))
        .with_context(|| format!("writing {}", path.display()))
}

/// [`build_site`] in-process: each language through the book pipeline of
/// [`crate::book`] (the real gettext and listings preprocessors and mdBook's
/// HTML renderer), with its site URL, followed by the rendered checks of
/// [`crate::book::check_rendered`] and [`crate::book::check_rendered_html`].
/// Returns the chapters of each language as the renderer received them.
pub fn build_site_in_process(
    root: &Path,
    plan: &SitePlan,
    site_dir: &Path,
) -> Result<BTreeMap<String, Vec<RenderedChapter>>> {
    let mut chapters_by_language = BTreeMap::new();
    build_site(root, plan, site_dir, |build| {
        let mut configured = Ok(());
        let chapters =
            crate::book::build_html_with(build.root, build.language, build.dest, |config| {
                configured = config.set("output.html.site-url", build.site_url);
            })?;
        configured.context("setting output.html.site-url")?;
        crate::book::check_rendered(&chapters)?;
        // Only this language's pages: the others are built after it.
        crate::book::check_rendered_html(build.dest, &chapters)?;
        chapters_by_language.insert(build.language.to_string(), chapters);
        Ok(())
    })?;
    Ok(chapters_by_language)
}

/// The page mdBook writes for unknown addresses.
pub const NOT_FOUND_PAGE: &str = "404.html";

/// mdBook's `404.html` carries `<base href="<site-url>">` (it is served at
/// any address), so its heading's self-link `href="#document-not-found-404"`
/// leads to the front page instead: the fragment links of that page are
/// pointed at the page itself (`404.html#...`). Call it on every language
/// folder after its build ([`build_site`] does).
pub fn repair_not_found_anchors(language_dir: &Path) -> Result<()> {
    let page = language_dir.join(NOT_FOUND_PAGE);
    let Ok(text) = std::fs::read_to_string(&page) else {
        return Ok(());
    };
    let repaired = text.replace(" href=\"#", &format!(" href=\"{NOT_FOUND_PAGE}#"));
    if repaired != text {
        std::fs::write(&page, repaired).with_context(|| format!("writing {}", page.display()))?;
    }
    Ok(())
}

fn remove_dir_content(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.with_context(|| format!("removing {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_language_first_at_the_root_others_in_folders() {
        let plan = SitePlan::new("en", ["fr", "en", "de"], "/book").unwrap();
        assert_eq!(plan.languages, ["en", "de", "fr"]);
        assert_eq!(plan.site_url, "/book/");
        assert_eq!(plan.url_path("en"), "");
        assert_eq!(plan.url_path("fr"), "fr/");
        assert_eq!(plan.language_site_url("fr"), "/book/fr/");
        assert_eq!(plan.language_dir(Path::new("/s"), "en"), Path::new("/s"));
        assert_eq!(plan.language_dir(Path::new("/s"), "fr"), Path::new("/s/fr"));
    }

    #[test]
    fn manifest_lists_every_language_with_its_path() {
        let plan = SitePlan::new("en", ["en", "fr"], "/").unwrap();
        assert!(plan.manifest().contains(
            r#"window.bookLanguages = {"source":"en","languages":[{"code":"en","path":""},{"code":"fr","path":"fr/"}]};"#
        ));
    }

    #[test]
    fn rejects_a_relative_site_url_and_odd_language_codes() {
        assert!(SitePlan::new("en", ["en"], "book/").is_err());
        assert!(SitePlan::new("en", ["en", "../x"], "/").is_err());
    }

    #[test]
    fn reads_languages_and_site_url_from_book_toml() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(
            root.path().join("book.toml"),
            "[book]\nlanguage = \"en\"\n[preprocessor.listings.trees]\nfr = \"l\"\nen = \"s\"\n\
             [output.html]\nsite-url = \"/sub/\"\n",
        )
        .unwrap();
        let plan = SitePlan::load(root.path(), None).unwrap();
        assert_eq!(plan.languages, ["en", "fr"]);
        assert_eq!(plan.site_url, "/sub/");
        let plan = SitePlan::load(root.path(), Some("/other/")).unwrap();
        assert_eq!(plan.site_url, "/other/");
    }

    #[test]
    fn builds_source_language_first_then_the_others_and_writes_manifests() {
        let site = tempfile::tempdir().unwrap();
        std::fs::write(site.path().join("stale.html"), "old").unwrap();
        let plan = SitePlan::new("en", ["en", "fr"], "/").unwrap();
        let mut seen = Vec::new();
        build_site(Path::new("/book"), &plan, site.path(), |build| {
            std::fs::create_dir_all(build.dest)?;
            std::fs::write(build.dest.join("index.html"), build.language)?;
            seen.push((build.language.to_string(), build.site_url.to_string()));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            seen,
            [("en".into(), "/".into()), ("fr".into(), "/fr/".into())]
        );
        assert!(!site.path().join("stale.html").exists());
        assert!(site.path().join("fr/index.html").is_file());
        assert!(site.path().join(LANGUAGES_FILE).is_file());
        assert!(site.path().join("fr").join(LANGUAGES_FILE).is_file());
    }

    #[test]
    fn fragment_links_of_the_not_found_page_point_at_itself() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join(NOT_FOUND_PAGE);
        std::fs::write(
            &page,
            "<base href=\"/fr/\"><h1 id=\"x\"><a class=\"header\" href=\"#x\">T</a></h1>\
             <a href=\"index.html\">",
        )
        .unwrap();
        repair_not_found_anchors(dir.path()).unwrap();
        let text = std::fs::read_to_string(&page).unwrap();
        assert!(text.contains("href=\"404.html#x\""), "{text}");
        assert!(text.contains("href=\"index.html\""), "{text}");
    }
}
