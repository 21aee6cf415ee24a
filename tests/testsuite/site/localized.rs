//! Every page of every language reads in that language without JavaScript:
//! the built HTML itself carries its `<html lang>`, its title, menu title and
//! description from the language's catalog, mdBook's button titles and
//! labels, search placeholder, keyboard help and 404 text from
//! `theme/chrome/<language>.json`, none of them left as the source language
//! has them, and links every translation of the page (`hreflang`).

use anyhow::{ensure, Context, Result};
use booktools::book::html::{html_pages, ParsedPage};
use booktools::site::localize::Chrome;
use graceful_shutdown_book::book_fixture::{book_metadata, repository_root};
use graceful_shutdown_book::site_fixture::BuiltSite;
use serde::Deserialize;
use std::collections::BTreeSet;

/// One string every page shows from `theme/chrome/<language>.json`
/// (`chrome-shown.toml`, a table apart from the rewriting's own).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Shown {
    selector: String,
    /// Space-separated; the text when empty.
    attributes: String,
    key: String,
}

fn every_page_of_every_language_is_in_its_language_without_javascript() -> Result<()> {
    #[derive(Deserialize)]
    struct Table {
        shows: Vec<Shown>,
    }
    let chrome_shown = toml::from_str::<Table>(include_str!("chrome-shown.toml"))
        .context("site/chrome-shown.toml")?
        .shows;
    let root = repository_root();
    let site = BuiltSite::of_repository()?;
    let plan = &site.plan;
    let source_dir = site.language_dir(&plan.source_language);
    for language in &plan.languages {
        let dir = site.language_dir(language);
        let chrome = Chrome::load(&root, language)?.map(|chrome| chrome.strings().clone());
        ensure!(
            chrome.is_some() || language == &plan.source_language,
            "`{language}` has no theme/chrome/{language}.json"
        );
        let (book_title, book_description) = book_metadata(&root, language)?;
        let mut pages = 0;
        for (path, html) in html_pages(&dir)? {
            let url_path = path.to_string_lossy().replace('\\', "/");
            if plan
                .languages
                .iter()
                .any(|code| url_path.starts_with(&format!("{code}/")))
            {
                continue;
            }
            let page = ParsedPage::parse(&html);
            let at = format!("{language}: {url_path}");
            ensure!(
                page.values("html", Some("lang"))? == [language.as_str()],
                "{at}: <html lang>"
            );
            let alternates: BTreeSet<(String, String)> = page
                .values("link[rel=alternate][hreflang]", Some("hreflang"))?
                .into_iter()
                .zip(page.values("link[rel=alternate][hreflang]", Some("href"))?)
                .collect();
            let wanted: BTreeSet<(String, String)> = plan
                .languages
                .iter()
                .map(|code| (code.clone(), code))
                .chain([("x-default".to_string(), &plan.source_language)])
                .map(|(hreflang, code)| {
                    let href = format!("{}{}{url_path}", plan.site_url, plan.url_path(code));
                    (hreflang, href)
                })
                .collect();
            ensure!(
                alternates == wanted,
                "{at}: hreflang links {alternates:?}, not {wanted:?}"
            );
            // Pages with mdBook's menu bar (`toc.html`, the sidebar of pages
            // read without JavaScript, is a frame of links only).
            if page.values(".menu-title", None)?.is_empty() {
                continue;
            }
            pages += 1;
            let title = page.values("title", None)?;
            let description = page.values("meta[name=description]", Some("content"))?;
            let menu_title = page.values(".menu-title", None)?;
            ensure!(
                title.len() == 1 && title[0].ends_with(&book_title),
                "{at}: title {title:?}, not ending with {book_title:?}"
            );
            ensure!(
                description == [book_description.as_str()],
                "{at}: description {description:?}, not {book_description:?}"
            );
            ensure!(
                menu_title == [book_title.as_str()],
                "{at}: menu title {menu_title:?}"
            );
            let source_html = std::fs::read_to_string(source_dir.join(&path))?;
            let source = ParsedPage::parse(&source_html);
            if language != &plan.source_language {
                ensure!(
                    source.values(".menu-title", None)? != menu_title
                        && source.values("meta[name=description]", Some("content"))? != description,
                    "{at}: the book title or description left as in the source language"
                );
            }
            let Some(chrome) = &chrome else { continue };
            let string = |key: &str| chrome[key].as_str().with_context(|| format!("no `{key}`"));
            for Shown {
                selector: css,
                attributes,
                key,
            } in &chrome_shown
            {
                let (css, key) = (css.as_str(), key.as_str());
                let attributes: Vec<Option<&str>> = match attributes.as_str() {
                    "" => vec![None],
                    some => some.split_whitespace().map(Some).collect(),
                };
                for attribute in attributes {
                    let shown = page.values(css, attribute)?;
                    let english = source.values(css, attribute)?;
                    ensure!(
                        shown.len() == english.len(),
                        "{at}: `{css}` {shown:?} vs {english:?}"
                    );
                    for (shown, english) in shown.iter().zip(&english) {
                        ensure!(
                            shown == string(key)?,
                            "{at}: `{css}` shows `{shown}`, not {key}"
                        );
                        ensure!(shown != english, "{at}: `{css}` left as `{english}`");
                    }
                }
            }
            for (what, attribute) in [
                ("#mdbook-theme-list button", None),
                ("#mdbook-help-popup p", None),
                ("title", None),
                ("[title]", Some("title")),
                ("[aria-label]", Some("aria-label")),
            ] {
                let translations: BTreeSet<String> = chrome["themeNames"]
                    .as_object()
                    .into_iter()
                    .flat_map(|names| names.values())
                    .filter_map(|name| name.as_str().map(str::to_string))
                    .collect();
                let english: BTreeSet<String> =
                    source.values(what, attribute)?.into_iter().collect();
                let left: Vec<String> = page
                    .values(what, attribute)?
                    .into_iter()
                    .filter(|value| english.contains(value) && !translations.contains(value))
                    .collect();
                ensure!(
                    left.is_empty(),
                    "{at}: `{what}` left as in the source language: {left:?}"
                );
            }
            if url_path == booktools::site::NOT_FOUND_PAGE {
                for (css, key) in [("main h1", "notFoundHeading"), ("main p", "notFoundText")] {
                    ensure!(
                        page.values(css, None)? == [string(key)?],
                        "{at}: `{css}`, not {key}"
                    );
                }
                ensure!(
                    title[0].starts_with(string("pageNotFound")?),
                    "{at}: {}",
                    title[0]
                );
            }
        }
        ensure!(pages >= 4, "{language}: only {pages} pages with a menu bar");
    }
    Ok(())
}

crate::trials!(every_page_of_every_language_is_in_its_language_without_javascript);
