//! A reader in a real browser: headless Chromium reads the site built
//! in-process (every language, as `cargo xtask build` lays it out) and
//! served by our static server on an ephemeral port of 127.0.0.1.
//!
//! One reader per language of `book.toml`, each in a Chromium of its own
//! (the two overlap). The reader opens the chapter in that language and
//! sees its prose, its code (the thread pool type named by its glossary,
//! no other language's) and its translated chrome
//! (`theme/chrome/<language>.json`); searches what `reader.toml` gives for
//! it (each query must find its page and section, a nonsense query shows
//! the translated "no results", a followed result highlights the inflected
//! and accented forms it matched) and checks that the browser's search
//! analysis gives the tokens the index was built with (every word of the
//! book, and `analysis-words.toml`); follows the language switch to the
//! same chapter in every other language (the way back is the other
//! reader's walk); opens an unknown address under its language (its own
//! 404 page); and reads the chapter without JavaScript. When a step fails,
//! the page as it was is saved to `target/tmp/browser/failure.png`.
//!
//! Each DevTools call of the client costs about 100 ms (see [`script`]),
//! so each step is one script run in the page.
//!
//! Chromium is driven by `headless_chrome`, over the DevTools protocol:
//! unlike the WebDriver clients (`fantoccini`, `thirtyfour`), it needs no
//! ChromeDriver of the browser's exact version, and it is synchronous, so
//! the test needs no async runtime. It starts Chromium with a fresh profile
//! folder and kills it when the `Browser` is dropped, so also when the test
//! panics; every wait below is bounded by [`WAIT`].
//!
//! Without Chromium ([`super::tools::CHROMIUM`]) the test is ignored, saying why and
//! how to install it; under `CI=true` a missing browser fails it.

use super::tools::{trial_needing, CHROMIUM};
use anyhow::{bail, ensure, Context, Result};
use booktools::languages::BookLayout;
use booktools::site::search::Analysis;
use booktools::site::static_server::{Mount, StaticServer};
use graceful_shutdown_book::book_fixture::{book_metadata, glossary_code_name, repository_root};
use graceful_shutdown_book::site_fixture::BuiltSite;
use headless_chrome::protocol::cdp::Emulation;
use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::{Browser, LaunchOptions, Tab};
use libtest_mimic::Trial;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

/// The chapter the reader reads.
const CHAPTER_SOURCE: &str = "src/ch20-03-graceful-shutdown-and-cleanup.md";

/// The longest wait for anything: a page, an element, a search.
const WAIT: Duration = Duration::from_secs(20);

/// How often a wait looks again: a look is one DevTools round trip of a
/// millisecond or two (the client's default is 100 ms).
const POLL: Duration = Duration::from_millis(10);

/// Chromium flags besides `--headless`, `--no-sandbox` (the tests may run
/// as root), `--disable-gpu` and the fresh `--user-data-dir` the launch
/// options add: no network but 127.0.0.1, no first-run work.
const CHROMIUM_FLAGS: &[&str] = &[
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
];

/// The browser test, one trial per language of `book.toml`, each with a
/// Chromium of its own so that they overlap (ignored without a browser,
/// saying so).
pub fn trials() -> Vec<Trial> {
    let layout = match BookLayout::load(&repository_root()) {
        Ok(layout) => layout,
        Err(error) => {
            let error = format!("{error:#}");
            return vec![Trial::test("site::browser", move || Err(error.into()))];
        }
    };
    (layout.languages.iter())
        .map(|language| {
            let code = language.code.clone();
            trial_needing(
                module_path!(),
                &format!("a_reader_searches_and_switches_language::{code}"),
                &[&CHROMIUM],
                move |paths| a_reader_searches_and_switches_language(&paths[0], &code),
            )
        })
        .collect()
}

/// What the reader types in one language (`reader.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReaderSearches {
    /// A query that finds nothing.
    nonsense: String,
    search: Vec<Query>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Query {
    query: String,
    /// The page and section (`page.html#id`, relative to the language).
    finds: String,
    why: String,
    /// Words the page must highlight once the reader follows that result.
    #[serde(default)]
    marks: Vec<String>,
}

/// What one query showed: the results header, the result links (absolute
/// URLs) and the accessible name of the first teaser.
#[derive(Debug, Deserialize)]
struct Shown {
    query: String,
    header: String,
    links: Vec<String>,
    teaser: Option<String>,
}

/// One language as the reader must see it.
struct Page {
    language: String,
    /// `<site-url><language path>ch20-....html`.
    chapter_path: String,
    /// `<site-url><language path>`.
    language_url: String,
    /// The chapter title as the pipeline produced it for this language.
    title: String,
    /// The code name of the thread pool type in this language.
    pool: String,
    /// What the reader searches for (`reader.toml`).
    searches: ReaderSearches,
    /// The language's search analysis, if it has one.
    analysis: Option<Analysis>,
    /// The translation of mdBook's chrome (`theme/chrome/<language>.json`),
    /// if the language has one.
    chrome: Option<Value>,
}

impl Page {
    fn of(
        site: &BuiltSite,
        root: &Path,
        reader: &mut BTreeMap<String, ReaderSearches>,
        language: &str,
    ) -> Result<Page> {
        let chapter = site.chapter(language, CHAPTER_SOURCE)?;
        let searches = reader
            .remove(language)
            .with_context(|| format!("no `[{language}]` in site/reader.toml"))?;
        let chrome_file = root.join("theme/chrome").join(format!("{language}.json"));
        let chrome = match std::fs::read_to_string(&chrome_file) {
            Ok(text) => Some(
                serde_json::from_str(&text)
                    .with_context(|| format!("parsing {}", chrome_file.display()))?,
            ),
            Err(_) => None,
        };
        Ok(Page {
            language: language.to_string(),
            language_url: site.plan.language_site_url(language),
            chapter_path: format!(
                "{}{}{}",
                site.plan.site_url,
                site.plan.url_path(language),
                chapter.html_file().display()
            ),
            title: chapter.name.clone(),
            pool: glossary_code_name(root, language, "ThreadPool")?,
            searches,
            analysis: Analysis::load(root, language)?,
            chrome,
        })
    }

    /// A string of this language's chrome data.
    fn chrome(&self, key: &str) -> Option<&str> {
        self.chrome.as_ref()?.get(key)?.as_str()
    }
}

fn a_reader_searches_and_switches_language(chromium: &Path, language: &str) -> Result<()> {
    let root = repository_root();
    let layout = BookLayout::load(&root)?;
    let mut reader: BTreeMap<String, ReaderSearches> =
        toml::from_str(include_str!("reader.toml")).context("site/reader.toml")?;
    let words: AnalysisWords =
        toml::from_str(include_str!("analysis-words.toml")).context("site/analysis-words.toml")?;
    let site = BuiltSite::of_repository()?;
    let pages = layout
        .languages
        .iter()
        .map(|language| Page::of(site, &root, &mut reader, &language.code))
        .collect::<Result<Vec<_>>>()?;
    let source = (pages.iter())
        .find(|page| page.language == layout.source_language)
        .context("a page in the source language")?;
    let page = (pages.iter())
        .find(|page| page.language == language)
        .context("a page in the language")?;
    ensure!(
        page.language == source.language || page.title != source.title,
        "the chapter title `{}` is not translated into `{language}`",
        source.title
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
    let browser = launch(chromium)?;
    // The tab Chromium opens with (a new one costs half a second).
    let tab = wait_for("Chromium's first tab", || {
        let tabs = browser
            .get_tabs()
            .lock()
            .map_err(|_| anyhow::anyhow!("tabs"))?;
        Ok(tabs.first().cloned())
    })?;
    tab.set_default_timeout(WAIT);
    let read = read(&tab, &server, site, page, &pages, &words.words);
    // What the reader saw when something failed, for the one who reads
    // the failure.
    if let Err(failure) = read {
        let shot = screenshot(&tab).unwrap_or_else(|error| format!("no screenshot: {error:#}"));
        bail!("{failure:#}\n(the page as it was: {shot})");
    }
    Ok(())
}

/// The reader's walk through the site from `page`'s chapter: its code and
/// chrome, its search (`words`: `analysis-words.toml`), the switch to each
/// other language, its 404 page, and the chapter without JavaScript. The
/// switch back is the walk of the other language.
fn read(
    tab: &Tab,
    server: &StaticServer,
    site: &BuiltSite,
    page: &Page,
    pages: &[Page],
    words: &[String],
) -> Result<()> {
    let chapter = server.url(&page.chapter_path);
    goto(tab, &chapter)?;
    check_chapter(tab, page, pages)?;
    search(tab, server, page, words)?;
    for other in pages.iter().filter(|other| other.language != page.language) {
        // The switch leads from any address of the chapter (a followed
        // search result is one) to the same chapter.
        let at: String = js(tab, "location.origin + location.pathname")?;
        if at != chapter {
            goto(tab, &chapter)?;
        }
        switch_language(tab, server, other)?;
        check_chapter(tab, other, pages)?;
    }
    check_not_found_page(
        tab,
        server,
        &site.plan.language_site_url(&page.language),
        page,
    )?;
    read_without_javascript(tab, server, page)
}

/// The chapter with JavaScript disabled: its title, menu title and search
/// placeholder are already in its language.
fn read_without_javascript(tab: &Tab, server: &StaticServer, page: &Page) -> Result<()> {
    tab.call_method(Emulation::SetScriptExecutionDisabled { value: true })?;
    goto(tab, &server.url(&page.chapter_path))?;
    let (title, menu_title, placeholder, switch): (String, String, String, bool) = js(
        tab,
        "[document.title, document.querySelector('.menu-title').textContent.trim(),
          document.getElementById('mdbook-searchbar').placeholder,
          document.getElementById('language-switch-toggle') !== null]",
    )?;
    let at = format!("the `{}` page without JavaScript", page.language);
    ensure!(!switch, "{at} has the language switch: scripts ran");
    ensure!(title.starts_with(&page.title), "{at} is titled `{title}`");
    if let Some(translated) = page.chrome("searchPlaceholder") {
        ensure!(
            placeholder == translated,
            "{at} shows `{placeholder}`, not its searchPlaceholder `{translated}`"
        );
    }
    let (book_title, _) = book_metadata(&repository_root(), &page.language)?;
    ensure!(
        menu_title == book_title && title.ends_with(&book_title),
        "{at} is titled `{title}`, its menu bar `{menu_title}`, not its catalog's `{book_title}`"
    );
    Ok(())
}

fn launch(chromium: &Path) -> Result<Browser> {
    let options = LaunchOptions::default_builder()
        .path(Some(chromium.to_path_buf()))
        .headless(true)
        .sandbox(false)
        .enable_gpu(false)
        .disable_default_args(true)
        .args(CHROMIUM_FLAGS.iter().map(OsStr::new).collect())
        .window_size(Some((1280, 1000)))
        .idle_browser_timeout(Duration::from_secs(120))
        .build()
        .map_err(|error| anyhow::anyhow!("Chromium launch options: {error}"))?;
    Browser::new(options).with_context(|| format!("starting {}", chromium.display()))
}

/// Opens `url` and waits until it is loaded ([`loaded`]). Not the
/// client's `wait_until_navigated`: it waits for Chromium's
/// `networkAlmostIdle`, half a second of quiet after every page.
fn goto(tab: &Tab, url: &str) -> Result<()> {
    js::<bool>(tab, "(window.bookTestLeaving = true)")?;
    tab.navigate_to(url)?;
    loaded(tab, url)
}

/// Waits for the `load` of the page replacing one marked with
/// `window.bookTestLeaving`: the mark goes with the old page. Looked at
/// from here, not by the page ([`script`]): the page is replaced meanwhile,
/// and may run no script at all.
fn loaded(tab: &Tab, url: &str) -> Result<()> {
    wait_for(&format!("{url} loaded"), || {
        let script = "!window.bookTestLeaving && document.readyState === 'complete'";
        Ok(js::<bool>(tab, script)?.then_some(()))
    })
}

/// Saves what `tab` shows as `target/tmp/browser/failure.png`: its path.
fn screenshot(tab: &Tab) -> Result<String> {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser/failure.png");
    std::fs::create_dir_all(path.parent().expect("a folder"))?;
    let png = tab.capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)?;
    std::fs::write(&path, png).with_context(|| format!("writing {}", path.display()))?;
    Ok(path.display().to_string())
}

/// The value of a JavaScript expression (through JSON).
fn js<T: DeserializeOwned>(tab: &Tab, expression: &str) -> Result<T> {
    let value = tab
        .evaluate(&format!("JSON.stringify({expression})"), false)?
        .value;
    let json = value
        .as_ref()
        .and_then(Value::as_str)
        .with_context(|| format!("`{expression}` has no value"))?;
    serde_json::from_str(json).with_context(|| format!("`{expression}` gave {json}"))
}

/// Runs `body`, the statements of an async JavaScript function, in the
/// page and gives what it returns (through JSON). The body may
/// `await until(() => condition, 'what')`: the page looks at the condition
/// every 10 ms, at most [`WAIT`], and the wait costs no DevTools call.
/// Each call costs the client about 100 ms (its reader holds the socket
/// through reads of up to 100 ms), so every step of the reader is one
/// script: a click, what it waits for and what it reads.
fn script<T: DeserializeOwned>(tab: &Tab, body: &str) -> Result<T> {
    let wait = WAIT.as_millis();
    let script = format!(
        "(async () => {{
            const until = async (condition, what) => {{
                const end = Date.now() + {wait};
                for (;;) {{
                    const value = condition();
                    if (value) return value;
                    if (Date.now() > end) throw new Error(`no ${{what}} after {wait} ms`);
                    await new Promise((resolve) => setTimeout(resolve, 10));
                }}
            }};
            const visible = (selector) => document.querySelector(selector)?.checkVisibility();
            try {{
                return JSON.stringify({{ value: await (async () => {{ {body} }})() }});
            }} catch (error) {{
                return JSON.stringify({{ error: error.message }});
            }}
        }})()"
    );
    #[derive(Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Outcome<T> {
        Value(T),
        Error(String),
    }
    let value = tab.evaluate(&script, true)?.value;
    let json = value
        .as_ref()
        .and_then(Value::as_str)
        .with_context(|| format!("no value from `{body}`"))?;
    match serde_json::from_str(json).with_context(|| format!("`{body}` gave {json}"))? {
        Outcome::Value(value) => Ok(value),
        Outcome::Error(error) => bail!("{error}"),
    }
}

/// Polls `found` until it gives a value, at most [`WAIT`]; errors (a page
/// being replaced) count as not yet.
fn wait_for<T>(what: &str, mut found: impl FnMut() -> Result<Option<T>>) -> Result<T> {
    headless_chrome::util::Wait::new(WAIT, POLL)
        .until(|| found().ok().flatten())
        .map_err(|_| anyhow::anyhow!("no {what} after {WAIT:?}"))
}

/// Checks the chapter page of `page.language` (language switch in place):
/// its language, title, visible code, and chrome.
fn check_chapter(tab: &Tab, page: &Page, pages: &[Page]) -> Result<()> {
    #[derive(Deserialize)]
    struct Chapter {
        language: String,
        title: String,
        placeholder: String,
        toc_title: String,
        /// `innerText`, what the reader sees: hidden lines are left out.
        blocks: Vec<String>,
    }
    let shown: Chapter = script(
        tab,
        "await until(() => visible('#language-switch-toggle') && visible('main pre > code'),
                     'language switch and code');
         return {
             language: document.documentElement.lang,
             title: document.querySelector('main h1').innerText,
             placeholder: document.getElementById('mdbook-searchbar').placeholder,
             toc_title: document.getElementById('mdbook-sidebar-toggle').title,
             blocks: Array.from(document.querySelectorAll('main pre > code')).map(c => c.innerText),
         };",
    )?;
    ensure!(
        shown.language == page.language,
        "the page says <html lang={}>, expected `{}`",
        shown.language,
        page.language
    );
    ensure!(
        shown.title == page.title,
        "the chapter title reads `{}`, expected `{}`",
        shown.title,
        page.title
    );
    let definition = format!("impl Drop for {} {{", page.pool);
    ensure!(
        shown.blocks.iter().any(|block| block.contains(&definition)),
        "no visible `{definition}` in the `{}` chapter's {} code blocks",
        page.language,
        shown.blocks.len()
    );
    for foreign in pages.iter().filter(|other| other.pool != page.pool) {
        if let Some(block) = shown
            .blocks
            .iter()
            .find(|block| block.contains(&foreign.pool))
        {
            bail!(
                "`{}` (the `{}` code) on the `{}` page:\n{block}",
                foreign.pool,
                foreign.language,
                page.language
            );
        }
    }
    if let Some(titles) = page.chrome.as_ref().and_then(|chrome| chrome.get("titles")) {
        check_hidden_lines_button(tab, titles)?;
    }
    for (key, shown) in [
        ("searchPlaceholder", &shown.placeholder),
        ("toggleTableOfContents", &shown.toc_title),
    ] {
        if let Some(translated) = page.chrome(key) {
            ensure!(
                shown == translated,
                "the `{}` page shows `{shown}`, not its {key} `{translated}`",
                page.language
            );
        }
    }
    Ok(())
}

/// The button book.js adds to a block with hidden lines bears the
/// translated title, and still shows and hides them: clicked twice, the
/// block's lines are shown, then hidden again, under the right title each
/// time.
fn check_hidden_lines_button(tab: &Tab, titles: &Value) -> Result<()> {
    let title = |english: &str| titles[english].as_str().context(english.to_string());
    let wanted = [title("Show hidden lines")?, title("Hide lines")?];
    let states: Vec<(String, bool)> = script(
        tab,
        &format!(
            "const button = document.querySelector('pre > .buttons > button:not([class])');
             const hidden = () => button.closest('pre').querySelector('code').classList.contains('hide-boring');
             const states = [];
             for (const [title, hiddenAfter] of [[{}, false], [{}, true]]) {{
                 await until(() => button.title === title, `the title ${{title}}`);
                 states.push([button.title, hidden()]);
                 button.click();
                 await until(() => hidden() === hiddenAfter, 'the hidden lines to toggle');
             }}
             return states;",
            serde_json::to_string(wanted[0])?,
            serde_json::to_string(wanted[1])?
        ),
    )?;
    for ((shown, hidden), hidden_before) in states.iter().zip([true, false]) {
        ensure!(
            *hidden == hidden_before,
            "the button `{shown}` on a block with hidden={hidden}"
        );
    }
    Ok(())
}

/// Opens the language switch, checks that it is accessible and leads to the
/// same chapter in `target.language`, follows it and waits for that page.
fn switch_language(tab: &Tab, server: &StaticServer, target: &Page) -> Result<()> {
    #[derive(Deserialize)]
    struct Switch {
        label: String,
        text: String,
        small: Vec<String>,
        href: String,
    }
    let link = format!("#language-switch-{}", target.language);
    let switch: Switch = script(
        tab,
        &format!(
            "const toggle = await until(() => visible('#language-switch-toggle')
                                             && document.getElementById('language-switch-toggle'),
                                       'language switch');
             const [label, text] = [toggle.getAttribute('aria-label'), toggle.innerText.trim()];
             toggle.click();
             const link = await until(() => visible('{link}') && document.querySelector('{link}'), '{link}');
             const small = Array.from(document.querySelectorAll('#language-switch-toggle, .language-switch-list a'))
                 .map(e => [e.id, e.getBoundingClientRect()])
                 .filter(([, r]) => r.width < 24 || r.height < 24)
                 .map(([id, r]) => `${{id}} ${{r.width}}x${{r.height}}`);
             return {{ label, text, small, href: link.href }};"
        ),
    )?;
    // WCAG 2.5.3: the accessible name holds the visible text (`FR`).
    ensure!(
        !switch.text.is_empty() && switch.label.starts_with(&switch.text),
        "the language switch shows `{}` but is named `{}`",
        switch.text,
        switch.label
    );
    // WCAG 2.5.8: every target of the switch is at least 24 by 24 pixels.
    ensure!(
        switch.small.is_empty(),
        "targets of the language switch under 24px: {:?}",
        switch.small
    );
    let wanted = server.url(&target.chapter_path);
    ensure!(
        switch.href == wanted,
        "the language switch leads to {}, not to the same chapter at {wanted}",
        switch.href
    );
    js::<bool>(
        tab,
        &format!("(window.bookTestLeaving = true, document.querySelector('{link}').click(), true)"),
    )?;
    loaded(tab, &wanted)?;
    let at: String = js(tab, "location.href")?;
    ensure!(
        at == wanted,
        "the language switch led to {at}, not {wanted}"
    );
    Ok(())
}

/// `analysis-words.toml`.
#[derive(Deserialize)]
struct AnalysisWords {
    words: Vec<String>,
}

/// Searches what `reader.toml` gives for `page.language`: the first query
/// typed (it loads the index), the browser's analysis compared with the
/// index's, then every query in one script and the nonsense one; each must
/// find its page and section, the header in the page's chrome; then follows
/// a result with `marks` and checks the highlighted words.
fn search(tab: &Tab, server: &StaticServer, page: &Page, words: &[String]) -> Result<()> {
    let language = &page.language;
    let first = &page
        .searches
        .search
        .first()
        .context("no search in reader.toml")?
        .query;
    script::<bool>(
        tab,
        "document.getElementById('mdbook-search-toggle').click();
         await until(() => visible('#mdbook-searchbar'), 'search bar');
         document.getElementById('mdbook-searchbar').focus();
         return true;",
    )?;
    // The query arrives as typed text (one input event, as an input method
    // gives it), then a key release runs mdBook's search, which listens to
    // `keyup`; typing key by key costs 0.3 s a letter.
    tab.send_character(first)?.press_key("End")?;
    script::<bool>(
        tab,
        &format!(
            "const first = {};
             return await until(() => document.getElementById('mdbook-searchresults-header')
                                          .innerText.includes(first),
                                `search results for ${{first}}`);",
            serde_json::to_string(first)?
        ),
    )?;
    if let Some(analysis) = &page.analysis {
        check_analysis(tab, language, analysis, words)?;
    }

    // Every query in one script: the search bar's value, then the key
    // release mdBook listens to; a zero-delay yield lets the page's
    // observers (header translation, highlight words) run before reading.
    let mut queries: Vec<&str> = page
        .searches
        .search
        .iter()
        .map(|q| q.query.as_str())
        .collect();
    queries.push(&page.searches.nonsense);
    let shown: Vec<Shown> = script(
        tab,
        &format!(
            "const bar = document.getElementById('mdbook-searchbar');
             const shown = [];
             for (const query of {}) {{
                 bar.value = query;
                 bar.dispatchEvent(new KeyboardEvent('keyup', {{ bubbles: true }}));
                 await new Promise((resolve) => setTimeout(resolve, 0));
                 shown.push({{
                     query,
                     header: document.getElementById('mdbook-searchresults-header').innerText,
                     links: Array.from(document.querySelectorAll('#mdbook-searchresults a'))
                         .map((a) => a.href),
                     teaser: document.querySelector('#mdbook-searchresults .teaser')
                         ?.getAttribute('aria-label') ?? null,
                 }});
             }}
             return shown;",
            serde_json::to_string(&queries)?
        ),
    )?;
    let mut follow = Vec::new();
    for (query, shown) in page.searches.search.iter().zip(&shown) {
        ensure!(shown.query == query.query);
        let wanted = server.url(&format!("{}{}", page.language_url, query.finds));
        let found = shown.links.iter().find(|link| same_section(link, &wanted));
        let Some(link) = found else {
            bail!(
                "searching `{}` ({}) in the `{language}` book finds {:?}, not {} ({})",
                query.query,
                query.why,
                shown.links,
                query.finds,
                shown.header
            );
        };
        if page.chrome.is_some() {
            ensure!(
                !shown.header.contains("search result"),
                "the `{language}` results header is left as mdBook wrote it: `{}`",
                shown.header
            );
        }
        if let Some(wanted) = page.chrome("searchResultTeaser") {
            ensure!(
                shown.teaser.as_deref() == Some(wanted),
                "the `{language}` result teasers are named {:?}, not `{wanted}`",
                shown.teaser
            );
        }
        if !query.marks.is_empty() {
            follow.push((query, link.clone()));
        }
    }
    let nonsense = shown.last().context("the nonsense query")?;
    let none = match page
        .chrome
        .as_ref()
        .and_then(|c| c.pointer("/results/none"))
    {
        Some(text) => text
            .as_str()
            .context("results.none")?
            .replace("{term}", &nonsense.query),
        None => format!("No search results for '{}'.", nonsense.query),
    };
    ensure!(
        nonsense.header == none && nonsense.links.is_empty(),
        "the nonsense query `{}` in the `{language}` book shows `{}` and {:?}, not `{none}`",
        nonsense.query,
        nonsense.header,
        nonsense.links
    );
    for (query, link) in follow {
        goto(tab, &link)?;
        script::<bool>(
            tab,
            &format!(
                "const wanted = {};
                 const marked = () => Array.from(document.querySelectorAll('#mdbook-content mark'))
                                           .map(m => m.textContent);
                 return await until(() => wanted.every(word => marked().includes(word)),
                                    `the highlighted ${{wanted}} at {link}`);",
                serde_json::to_string(&query.marks)?
            ),
        )?;
    }
    Ok(())
}

/// `link` leads to `wanted` (`page.html#section`), the section compared
/// percent-decoded and the query (`?highlight=`) left out.
fn same_section(link: &str, wanted: &str) -> bool {
    let (Ok(link), Ok(wanted)) = (url::Url::parse(link), url::Url::parse(wanted)) else {
        return false;
    };
    let fragment = |url: &url::Url| {
        booktools::site::percent_decode(url.fragment().unwrap_or_default()).unwrap_or_default()
    };
    link.path() == wanted.path() && fragment(&link) == fragment(&wanted)
}

/// The browser's analysis (the one the index loaded by the page registered)
/// gives the tokens of the index, built in Rust, for every field of every
/// document: each token is in the index for that document, and as many as
/// the index counted. And both sides give the same tokens for `words`.
fn check_analysis(tab: &Tab, language: &str, analysis: &Analysis, words: &[String]) -> Result<()> {
    let script = format!(
        "(() => {{
            const data = window.search.index;
            const index = elasticlunr.Index.load(data);
            const disagreements = [];
            for (const [ref, doc] of Object.entries(data.documentStore.docs)) {{
                for (const field of index.getFields()) {{
                    const tokens = index.pipeline.run(elasticlunr.tokenizer(doc[field]));
                    const counted = data.documentStore.docInfo[ref][field];
                    if (tokens.length !== counted) {{
                        disagreements.push(`document ${{ref}}, ${{field}}: ${{tokens.length}} tokens, the index counted ${{counted}}`);
                    }}
                    for (const token of tokens) {{
                        if (!(ref in index.index[field].getDocs(token))) {{
                            disagreements.push(`document ${{ref}}, ${{field}}: '${{token}}' is not in the index`);
                        }}
                    }}
                }}
            }}
            return {{
                language: window.bookSearch.language,
                disagreements: disagreements.slice(0, 20),
                words: {}.map((word) => window.bookSearch.analyze(word)),
            }};
        }})()",
        serde_json::to_string(words)?
    );
    #[derive(Deserialize)]
    struct Analysed {
        language: String,
        disagreements: Vec<String>,
        words: Vec<Vec<String>>,
    }
    let analysed: Analysed = js(tab, &script)?;
    ensure!(
        analysed.language == language,
        "the `{language}` page installed the `{}` analysis",
        analysed.language
    );
    ensure!(
        analysed.disagreements.is_empty(),
        "the browser's `{language}` analysis disagrees with the index:\n{}",
        analysed.disagreements.join("\n")
    );
    let differing: Vec<String> = words
        .iter()
        .zip(&analysed.words)
        .filter(|(word, browser)| analysis.analyze(word) != **browser)
        .map(|(word, browser)| {
            format!(
                "`{word}`: Rust {:?}, browser {browser:?}",
                analysis.analyze(word)
            )
        })
        .collect();
    ensure!(
        differing.is_empty(),
        "the `{language}` analysis differs between Rust and the browser:\n{}",
        differing.join("\n")
    );
    Ok(())
}

/// An unknown address under a language's path: that language's 404 page,
/// styled (its `<base href>` finds the style sheets), its heading from the
/// language's chrome, with the language switch.
fn check_not_found_page(
    tab: &Tab,
    server: &StaticServer,
    language_url: &str,
    page: &Page,
) -> Result<()> {
    goto(
        tab,
        &server.url(&format!("{language_url}no-such-page/at-all.html")),
    )?;
    let (language, display, heading): (String, String, String) = script(
        tab,
        "await until(() => visible('#language-switch-toggle'), 'language switch');
         return [document.documentElement.lang,
                 getComputedStyle(document.getElementById('mdbook-menu-bar')).display,
                 document.querySelector('main h1').innerText];",
    )?;
    ensure!(
        language == page.language,
        "the 404 page under {language_url} says lang={language}"
    );
    ensure!(
        display == "flex",
        "the 404 page under {language_url} is unstyled (menu bar display {display})"
    );
    if let Some(translated) = page.chrome("notFoundHeading") {
        ensure!(
            heading == translated,
            "the `{}` 404 page reads `{heading}`, not `{translated}`",
            page.language
        );
    }
    Ok(())
}
