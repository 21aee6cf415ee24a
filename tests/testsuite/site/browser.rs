//! A reader in a real browser: headless Chromium, driven through
//! ChromeDriver, reads the site built in-process (every language, as
//! `cargo xtask build` lays it out) and served by our static server on an
//! ephemeral port of 127.0.0.1.
//!
//! It opens the English chapter and sees the listings' code, follows the
//! language switch of the menu bar to the same chapter in French, sees the
//! French prose and the French code, searches the French book, then
//! switches back; on the way, it opens an unknown French address. Screenshots
//! of both chapters, of the open language menu and of French search results
//! go to `target/tmp/browser/`.
//!
//! Chromium and ChromeDriver come from Debian (`apt-get install -y chromium
//! chromium-driver`); without them this test fails, saying so.

use super::webdriver::Browser;
use anyhow::{bail, ensure, Context, Result};
use booktools::site::static_server::{Mount, StaticServer};
use graceful_shutdown_book::book_fixture::{glossary_code_name, repository_root};
use graceful_shutdown_book::site_fixture::BuiltSite;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The chapter the reader reads.
const CHAPTER_SOURCE: &str = "src/ch20-03-graceful-shutdown-and-cleanup.md";

/// The longest wait for anything on a page.
const WAIT: Duration = Duration::from_secs(15);

/// The language of mdBook's own chrome (button titles, search messages):
/// every other language must have it translated.
const MDBOOK_CHROME_LANGUAGE: &str = "en";

/// What the reader searches for, per language, and must find the chapter.
const SEARCHES: &[(&str, &[&str])] =
    &[("en", &["terminate"]), ("fr", &["opérateur", "extinction"])];

/// What a page of one language must show.
struct Expected {
    language: String,
    /// `<site-url><language path>ch20-....html`.
    chapter_path: String,
    /// The chapter title as the pipeline produced it for this language.
    title: String,
    /// The code name of the thread pool type in this language.
    pool: String,
    /// The code name of the thread pool type in the other language.
    foreign_pool: String,
}

fn screenshot_path(language: &str, what: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("browser")
        .join(format!("{language}-{what}.png"))
}

/// mdBook's heading of its default 404 page, in English.
const MDBOOK_NOT_FOUND_HEADING: &str = "Document not found (404)";

/// An unknown address under a language's path: that language's 404 page,
/// styled (its `<base href>` finds the style sheets), its chrome and text
/// translated, with the language switch.
fn check_not_found_page(
    browser: &Browser,
    server: &StaticServer,
    language_url: &str,
    expected: &Expected,
) -> Result<()> {
    browser.goto(&server.url(&format!("{language_url}no-such-page/at-all.html")))?;
    browser.wait_for_visible("#language-switch-toggle", WAIT)?;
    let facts = browser.execute(
        "return [document.documentElement.lang,
                 getComputedStyle(document.getElementById('mdbook-menu-bar')).display,
                 document.querySelector('main h1').innerText];",
        vec![],
    )?;
    ensure!(
        facts[0] == expected.language.as_str(),
        "the 404 page under {language_url} says lang={}",
        facts[0]
    );
    ensure!(
        facts[1] == "flex",
        "the 404 page under {language_url} is unstyled (menu bar display {})",
        facts[1]
    );
    if expected.language != MDBOOK_CHROME_LANGUAGE {
        ensure!(
            facts[2] != MDBOOK_NOT_FOUND_HEADING,
            "the `{}` 404 page reads `{MDBOOK_NOT_FOUND_HEADING}`",
            expected.language
        );
    }
    Ok(())
}

fn a_reader_switches_language_searches_and_switches_back() -> Result<()> {
    let root = repository_root();
    let site = BuiltSite::of_repository()?;
    let source = site.plan.source_language.clone();
    let translation = site
        .plan
        .languages
        .iter()
        .find(|language| **language != source)
        .context("book.toml has a single language")?
        .clone();
    let english_pool = "ThreadPool".to_string();
    let french_pool = glossary_code_name(&root, "fr", &english_pool)?;
    let expected = |language: &str, pool: &str, foreign_pool: &str| -> Result<Expected> {
        let chapter = site.chapter(language, CHAPTER_SOURCE)?;
        Ok(Expected {
            language: language.to_string(),
            chapter_path: format!(
                "{}{}{}",
                site.plan.site_url,
                site.plan.url_path(language),
                chapter.html_file().display()
            ),
            title: chapter.name.clone(),
            pool: pool.to_string(),
            foreign_pool: foreign_pool.to_string(),
        })
    };
    let english = expected(&source, &english_pool, &french_pool)?;
    let french = expected(&translation, &french_pool, &english_pool)?;
    ensure!(
        english.title != french.title,
        "the chapter title `{}` is not translated",
        english.title
    );

    // Each language at its path, with its own 404 page, as `cargo xtask
    // serve` serves them.
    let mounts = site
        .plan
        .languages
        .iter()
        .map(|language| {
            Mount::new(
                &site.plan.language_site_url(language),
                site.language_dir(language),
            )
        })
        .collect();
    let server = StaticServer::start("127.0.0.1:0".parse()?, mounts, false)?;
    let browser = Browser::start()?;

    browser.goto(&server.url(&english.chapter_path))?;
    let english_chrome = check_chapter(&browser, &english)?;
    browser.screenshot(&screenshot_path(&english.language, "chapter"))?;
    search(&browser, &english)?;

    switch_language(&browser, &server, &french)?;
    let french_chrome = check_chapter(&browser, &french)?;
    ensure!(
        french_chrome.search_placeholder != english_chrome.search_placeholder,
        "the French search placeholder is still `{}`",
        english_chrome.search_placeholder
    );
    ensure!(
        french_chrome.toc_toggle_title != english_chrome.toc_toggle_title,
        "the French table of contents button is still titled `{}`",
        english_chrome.toc_toggle_title
    );
    browser.screenshot(&screenshot_path(&french.language, "chapter"))?;
    search(&browser, &french)?;
    browser.screenshot(&screenshot_path(&french.language, "search"))?;
    check_not_found_page(
        &browser,
        &server,
        &site.plan.language_site_url(&french.language),
        &french,
    )?;
    browser.goto(&server.url(&french.chapter_path))?;

    switch_language(&browser, &server, &english)?;
    check_chapter(&browser, &english)?;
    browser.quit()
}

/// Chrome strings read from a page, to compare across languages.
struct Chrome {
    search_placeholder: String,
    toc_toggle_title: String,
}

/// Waits for the chapter page of `expected.language` (language switch in
/// place) and checks its language, title and visible code.
fn check_chapter(browser: &Browser, expected: &Expected) -> Result<Chrome> {
    browser.wait_for_visible("#language-switch-toggle", WAIT)?;
    let language = browser.execute("return document.documentElement.lang;", vec![])?;
    ensure!(
        language == expected.language.as_str(),
        "the page says <html lang={language}>, expected `{}`",
        expected.language
    );
    let title = browser.find("main h1")?.context("no <h1> in the chapter")?;
    ensure!(
        browser.text(&title)? == expected.title,
        "the chapter title reads `{}`, expected `{}`",
        browser.text(&title)?,
        expected.title
    );
    let first_listing = browser
        .find("main pre > code")?
        .context("no code block in the chapter")?;
    ensure!(
        browser.is_displayed(&first_listing)?,
        "the first listing is not displayed"
    );
    // `innerText` is what the reader sees: hidden lines are left out.
    let blocks = browser.execute(
        "return Array.from(document.querySelectorAll('main pre > code')).map(c => c.innerText);",
        vec![],
    )?;
    let blocks: Vec<String> = blocks
        .as_array()
        .context("code blocks")?
        .iter()
        .map(|block| block.as_str().unwrap_or_default().to_string())
        .collect();
    let definition = format!("impl Drop for {} {{", expected.pool);
    ensure!(
        blocks.iter().any(|block| block.contains(&definition)),
        "no visible `{definition}` in the {} chapter's {} code blocks",
        expected.language,
        blocks.len()
    );
    if let Some(block) = blocks
        .iter()
        .find(|block| block.contains(&expected.foreign_pool))
    {
        bail!(
            "`{}` (the other language's code) on the `{}` page:\n{block}",
            expected.foreign_pool,
            expected.language
        );
    }
    let placeholder = browser
        .find("#mdbook-searchbar")?
        .context("no search bar")?;
    let toc_toggle = browser
        .find("#mdbook-sidebar-toggle")?
        .context("no table of contents button")?;
    Ok(Chrome {
        search_placeholder: browser
            .attribute(&placeholder, "placeholder")?
            .unwrap_or_default(),
        toc_toggle_title: browser.attribute(&toc_toggle, "title")?.unwrap_or_default(),
    })
}

/// Opens the language switch, checks that it leads to the same chapter in
/// `target.language`, follows it and waits for that page.
fn switch_language(browser: &Browser, server: &StaticServer, target: &Expected) -> Result<()> {
    let toggle = browser.wait_for_visible("#language-switch-toggle", WAIT)?;
    browser.click(&toggle)?;
    let link = browser.wait_for_visible(&format!("#language-switch-{}", target.language), WAIT)?;
    browser.screenshot(&screenshot_path(&target.language, "language-menu"))?;
    let href = browser.attribute(&link, "href")?.unwrap_or_default();
    let wanted = server.url(&target.chapter_path);
    ensure!(
        href == wanted,
        "the language switch leads to {href}, not to the same chapter at {wanted}"
    );
    browser.click(&link)?;
    browser.wait_for(&format!("the page {wanted}"), WAIT, |browser| {
        Ok((browser.current_url()? == wanted).then_some(()))
    })
}

/// Searches each word of `SEARCHES` for the page's language and checks
/// that the results lead to the chapter, in this language.
fn search(browser: &Browser, expected: &Expected) -> Result<()> {
    let words = SEARCHES
        .iter()
        .find(|(language, _)| *language == expected.language)
        .map(|(_, words)| *words)
        .with_context(|| format!("no search words for `{}`", expected.language))?;
    let toggle = browser
        .find("#mdbook-search-toggle")?
        .context("no search button")?;
    browser.click(&toggle)?;
    let bar = browser.wait_for_visible("#mdbook-searchbar", WAIT)?;
    let mut previous_header = String::new();
    for word in words {
        browser.execute(
            "const bar = document.getElementById('mdbook-searchbar'); bar.value = '';",
            vec![],
        )?;
        browser.type_text(&bar, word)?;
        // The header names the word once this search ran (and, on a
        // translated page, was translated: the observer runs before any
        // later script).
        let (header, results) =
            browser.wait_for(&format!("search results for `{word}`"), WAIT, |browser| {
                let found = browser.execute(
                    "return [document.getElementById('mdbook-searchresults-header').innerText,\
                     Array.from(document.querySelectorAll('#mdbook-searchresults a'))\
                     .map(a => new URL(a.href).pathname)];",
                    vec![],
                )?;
                let header = found[0].as_str().unwrap_or_default().to_string();
                let links: Vec<String> = found[1]
                    .as_array()
                    .map(|links| {
                        links
                            .iter()
                            .filter_map(|link| link.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                let ran = header.contains(word) && header != previous_header;
                Ok(ran.then_some((header, links)))
            })?;
        ensure!(
            results.contains(&expected.chapter_path),
            "searching `{word}` in the `{}` book finds {results:?}, not {} ({header})",
            expected.language,
            expected.chapter_path
        );
        if expected.language != MDBOOK_CHROME_LANGUAGE {
            ensure!(
                !header.contains("search result"),
                "the results header is left in English: `{header}`"
            );
        }
        previous_header = header;
    }
    Ok(())
}

crate::trials!(a_reader_switches_language_searches_and_switches_back);
