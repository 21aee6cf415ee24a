//! The bilingual static site: one mdBook build per language, the book's
//! own language (`book.language`) at the site root and every other language
//! of `[preprocessor.listings.trees]` under `<language>/`, plus the language
//! manifest (`languages.js`) that the language switch of
//! `theme/language-switch.js` reads.
//!
//! Every language is built in-process ([`build_language`]), by the tests,
//! `cargo xtask build` and `cargo xtask serve` alike, so the deployed site,
//! the served site ([`static_server`]) and the tested site are one build.
//! Nothing here names a language.
//!
//! Search is per language: each language is its own mdBook build, so each
//! folder has the search index of its own pages, and [`search`] rebuilds
//! that index with the language's analysis (accents, elisions, stemmer and
//! stop words of `theme/search/<language>.toml`), which the browser runs
//! on the typed query too.

pub mod links;
pub mod localize;
pub mod search;
pub mod static_server;

use crate::book::RenderedChapter;
use crate::languages::BookLayout;
use anyhow::{bail, Context, Result};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    /// `https://example.org` when the site URL is given as a full URL
    /// (`https://example.org/book/`), else empty: the `hreflang` links of
    /// the pages must be full URLs for search engines.
    pub origin: String,
}

impl SitePlan {
    /// Reads the languages and the site URL from `<root>/book.toml` (without
    /// `MDBOOK_*` environment overrides: the layout of the site does not
    /// change with the language a shell happens to set). `site_url`, when
    /// given, replaces `output.html.site-url`.
    pub fn load(root: &Path, site_url: Option<&str>) -> Result<SitePlan> {
        let layout = BookLayout::load(root)?;
        SitePlan::new(
            &layout.source_language,
            layout
                .languages
                .iter()
                .map(|language| language.code.as_str()),
            site_url.unwrap_or(&layout.site_url),
        )
        .with_context(|| format!("planning the site of {}", root.display()))
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
        let (origin, site_url) = match url::Url::parse(site_url) {
            Ok(url) if url.has_host() => {
                (url.origin().ascii_serialization(), url.path().to_string())
            }
            _ => (String::new(), site_url.to_string()),
        };
        if !site_url.starts_with('/') {
            bail!(
                "the site URL `{site_url}` must be an absolute path such as `/` or `/book/`, \
                 or a full URL such as `https://example.org/book/`"
            );
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
            origin,
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

    pub fn language_site_url(&self, language: &str) -> String {
        format!("{}{}", self.site_url, self.url_path(language))
    }
}

/// Builds every language of `plan` into `site_dir` in-process
/// ([`build_language`]): the source language into `site_dir` first (mdBook's
/// renderer empties its destination), then each other language into
/// `site_dir/<language>/`. Stops at the first language that fails, naming
/// it. Returns the chapters of each language as the renderer received them.
pub fn build_site_in_process(
    root: &Path,
    plan: &SitePlan,
    site_dir: &Path,
) -> Result<BTreeMap<String, Vec<RenderedChapter>>> {
    std::fs::create_dir_all(site_dir)
        .with_context(|| format!("creating {}", site_dir.display()))?;
    let mut chapters_by_language = BTreeMap::new();
    for language in &plan.languages {
        let dest = plan.language_dir(site_dir, language);
        let chapters = build_language(root, plan, language, &dest, false)
            .with_context(|| format!("building the `{language}` book into {}", dest.display()))?;
        chapters_by_language.insert(language.clone(), chapters);
    }
    Ok(chapters_by_language)
}

/// Builds one language of the site into `dest` through the book pipeline of
/// [`crate::book`] (the real gettext and listings preprocessors and mdBook's
/// HTML renderer, with the rendered check) with its site URL, then writes
/// what the site adds: the search index in the language's analysis
/// ([`search`]), the language's chrome in every page ([`localize`]), the
/// language manifest and `chrome.js`. With `live_reload`, the pages listen
/// on [`static_server::LIVE_RELOAD_ENDPOINT`].
pub fn build_language(
    root: &Path,
    plan: &SitePlan,
    language: &str,
    dest: &Path,
    live_reload: bool,
) -> Result<Vec<RenderedChapter>> {
    let mut chrome = localize::Chrome::load(root, language)?;
    let analysis = search::Analysis::load(root, language)?;
    let mut configured = Ok(());
    let mut title = None;
    let chapters = crate::book::build_html(root, language, dest, |config| {
        title = config.book.title.clone();
        let mut settings = vec![("output.html.site-url", plan.language_site_url(language))];
        if live_reload {
            let endpoint = static_server::LIVE_RELOAD_ENDPOINT;
            settings.push(("output.html.live-reload-endpoint", endpoint.to_string()));
        }
        configured = settings
            .into_iter()
            .try_for_each(|(key, value)| config.set(key, value).map(|_| ()));
    })?;
    configured.context("configuring the site build")?;
    if let Some(chrome) = &mut chrome {
        chrome.book_title = title.unwrap_or_default();
    }
    if let Some(analysis) = &analysis {
        search::rebuild_index(dest, &BookLayout::load(root)?.theme_dir, analysis)?;
    }
    localize::localize(dest, plan, chrome.as_ref())?;
    // For `theme/language-switch.js`: the site's languages and where each
    // one lives relative to the site root, and this language's chrome
    // (`null`: mdBook's).
    let languages = plan.languages.iter();
    let languages: Vec<_> =
        (languages.map(|code| json!({"code": code, "path": plan.url_path(code)}))).collect();
    let manifest = json!({"source": plan.source_language, "languages": languages});
    let chrome = chrome.as_ref().map_or("null", |chrome| chrome.json.trim());
    for (file, global, value) in [
        ("languages.js", "bookLanguages", manifest.to_string()),
        ("chrome.js", "bookChrome", chrome.to_string()),
    ] {
        let path = dest.join(file);
        std::fs::write(&path, format!("window.{global} = {value};\n"))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(chapters)
}

/// Decodes the `%XX` escapes of a URL; `None` when the result is not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(text).decode_utf8();
    decoded.ok().map(|text| text.into_owned())
}

/// The page mdBook writes for unknown addresses.
pub const NOT_FOUND_PAGE: &str = "404.html";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_language_at_the_root_others_in_folders_odd_input_refused() {
        let plan = SitePlan::new("en", ["fr", "en", "de"], "/book").unwrap();
        assert_eq!(plan.languages, ["en", "de", "fr"]);
        assert_eq!(plan.site_url, "/book/");
        assert_eq!(plan.url_path("en"), "");
        assert_eq!(plan.url_path("fr"), "fr/");
        assert_eq!(plan.language_site_url("fr"), "/book/fr/");
        assert_eq!(plan.language_dir(Path::new("/s"), "en"), Path::new("/s"));
        assert_eq!(plan.language_dir(Path::new("/s"), "fr"), Path::new("/s/fr"));
        assert!(SitePlan::new("en", ["en"], "book/").is_err());
        let plan = SitePlan::new("en", ["en"], "https://example.org/book").unwrap();
        assert_eq!(
            (plan.origin.as_str(), plan.site_url.as_str()),
            ("https://example.org", "/book/")
        );
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
}
