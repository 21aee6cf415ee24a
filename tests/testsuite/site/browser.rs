//! A reader in a real browser: headless Chromium reads the site built
//! in-process (every language, as `cargo xtask build` lays it out) and
//! served by our static server on an ephemeral port of 127.0.0.1.
//!
//! The reader opens the chapter in the book's language and sees the
//! listings' code, then, for every other language of `book.toml`, follows
//! the language switch to the same chapter, sees that language's prose, code
//! (the thread pool type named by its glossary) and translated chrome
//! (`theme/chrome/<language>.json`), searches what `reader.toml` gives for
//! it (each query must find its page and section, a nonsense query shows
//! the translated "no results", a followed result highlights the inflected
//! and accented forms it matched), checks that the browser's search
//! analysis gives the tokens the index was built with (every word of the
//! book, and `analysis-words.toml`), opens an unknown address under that
//! language (its own 404 page) and switches back. Screenshots go to
//! `target/tmp/browser/`.
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

/// The browser test (ignored without a browser, saying so once).
pub fn trials() -> Vec<Trial> {
    vec![trial_needing(
        module_path!(),
        "a_reader_switches_language_searches_and_switches_back",
        &[&CHROMIUM],
        |paths| a_reader_switches_language_searches_and_switches_back(&paths[0]),
    )]
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

fn a_reader_switches_language_searches_and_switches_back(chromium: &Path) -> Result<()> {
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
    let (source, others): (Vec<&Page>, Vec<&Page>) = pages
        .iter()
        .partition(|page| page.language == layout.source_language);
    let source = source[0];

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
    let tab = browser.new_tab()?;
    tab.set_default_timeout(WAIT);

    goto(&tab, &server.url(&source.chapter_path))?;
    check_chapter(&tab, source, &pages)?;
    screenshot(&tab, source, "chapter")?;
    search(&tab, &server, source, &words.words)?;
    for page in others {
        ensure!(
            page.title != source.title,
            "the chapter title `{}` is not translated into `{}`",
            source.title,
            page.language
        );
        switch_language(&tab, &server, page)?;
        check_chapter(&tab, page, &pages)?;
        screenshot(&tab, page, "chapter")?;
        search(&tab, &server, page, &words.words)?;
        check_not_found_page(
            &tab,
            &server,
            &site.plan.language_site_url(&page.language),
            page,
        )?;
        goto(&tab, &server.url(&page.chapter_path))?;
        switch_language(&tab, &server, source)?;
        check_chapter(&tab, source, &pages)?;
    }
    read_without_javascript(&browser, &server, &pages)
}

/// Each language's chapter in a tab with JavaScript disabled: its title,
/// menu title and search placeholder are already in its language.
fn read_without_javascript(browser: &Browser, server: &StaticServer, pages: &[Page]) -> Result<()> {
    let tab = browser.new_tab()?;
    tab.set_default_timeout(WAIT);
    tab.call_method(Emulation::SetScriptExecutionDisabled { value: true })?;
    for page in pages {
        goto(&tab, &server.url(&page.chapter_path))?;
        let (title, menu_title, placeholder, switch): (String, String, String, bool) = js(
            &tab,
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
    }
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

fn goto(tab: &Tab, url: &str) -> Result<()> {
    tab.navigate_to(url)?
        .wait_until_navigated()
        .with_context(|| format!("loading {url}"))?;
    Ok(())
}

fn screenshot(tab: &Tab, page: &Page, what: &str) -> Result<()> {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("browser")
        .join(format!("{}-{what}.png", page.language));
    std::fs::create_dir_all(path.parent().expect("a folder"))?;
    let png = tab.capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)?;
    std::fs::write(&path, png).with_context(|| format!("writing {}", path.display()))
}

/// The value of a JavaScript expression (through JSON).
fn js<T: serde::de::DeserializeOwned>(tab: &Tab, expression: &str) -> Result<T> {
    let value = tab
        .evaluate(&format!("JSON.stringify({expression})"), false)?
        .value;
    let json = value
        .as_ref()
        .and_then(Value::as_str)
        .with_context(|| format!("`{expression}` has no value"))?;
    serde_json::from_str(json).with_context(|| format!("`{expression}` gave {json}"))
}

/// Clicks the element `selector` as the page's own scripts see a click (a
/// DOM `click()`: the CDP mouse path of the browser client costs about half
/// a second per click for the same handlers).
fn click(tab: &Tab, selector: &str) -> Result<()> {
    let clicked: bool = js(
        tab,
        &format!("(e => e ? (e.click(), true) : false)(document.querySelector('{selector}'))"),
    )?;
    ensure!(clicked, "no `{selector}` to click");
    Ok(())
}

/// Polls `found` until it gives a value, at most [`WAIT`]; errors (a page
/// being replaced) count as not yet.
fn wait_for<T>(what: &str, mut found: impl FnMut() -> Result<Option<T>>) -> Result<T> {
    headless_chrome::util::Wait::with_timeout(WAIT)
        .until(|| found().ok().flatten())
        .map_err(|_| anyhow::anyhow!("no {what} after {WAIT:?}"))
}

/// Waits until the element `selector` is displayed.
fn wait_visible(tab: &Tab, selector: &str) -> Result<()> {
    let script = format!("document.querySelector('{selector}')?.checkVisibility() ?? false");
    wait_for(&format!("visible `{selector}`"), || {
        Ok(js::<bool>(tab, &script)?.then_some(()))
    })
}

/// Checks the chapter page of `page.language` (language switch in place):
/// its language, title, visible code, and chrome.
fn check_chapter(tab: &Tab, page: &Page, pages: &[Page]) -> Result<()> {
    wait_visible(tab, "#language-switch-toggle")?;
    let (language, title, placeholder, toc_title): (String, String, String, String) = js(
        tab,
        "[document.documentElement.lang, document.querySelector('main h1').innerText,
          document.getElementById('mdbook-searchbar').placeholder,
          document.getElementById('mdbook-sidebar-toggle').title]",
    )?;
    ensure!(
        language == page.language,
        "the page says <html lang={language}>, expected `{}`",
        page.language
    );
    ensure!(
        title == page.title,
        "the chapter title reads `{title}`, expected `{}`",
        page.title
    );
    wait_visible(tab, "main pre > code")?;
    // `innerText` is what the reader sees: hidden lines are left out.
    let blocks: Vec<String> = js(
        tab,
        "Array.from(document.querySelectorAll('main pre > code')).map(c => c.innerText)",
    )?;
    let definition = format!("impl Drop for {} {{", page.pool);
    ensure!(
        blocks.iter().any(|block| block.contains(&definition)),
        "no visible `{definition}` in the `{}` chapter's {} code blocks",
        page.language,
        blocks.len()
    );
    for foreign in pages.iter().filter(|other| other.pool != page.pool) {
        if let Some(block) = blocks.iter().find(|block| block.contains(&foreign.pool)) {
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
        ("searchPlaceholder", &placeholder),
        ("toggleTableOfContents", &toc_title),
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
/// translated title, and still shows and hides them.
fn check_hidden_lines_button(tab: &Tab, titles: &Value) -> Result<()> {
    const BUTTON: &str = "document.querySelector('pre > .buttons > button:not([class])')";
    let title = |english: &str| titles[english].as_str().context(english.to_string());
    for (english, hidden_after) in [("Show hidden lines", false), ("Hide lines", true)] {
        let wanted = title(english)?;
        let state = format!("[{BUTTON}.title, {BUTTON}.closest('pre').querySelector('code').classList.contains('hide-boring')]");
        let (shown, hidden): (String, bool) = wait_for(&format!("the title `{wanted}`"), || {
            let (shown, hidden): (String, bool) = js(tab, &state)?;
            Ok((shown == wanted).then_some((shown, hidden)))
        })?;
        ensure!(
            hidden != hidden_after,
            "the button `{shown}` on a block with hidden={hidden}"
        );
        js::<bool>(tab, &format!("({BUTTON}.click(), true)"))?;
        let now_hidden = wait_for("the hidden lines to toggle", || {
            let (_, hidden): (String, bool) = js(tab, &state)?;
            Ok((hidden == hidden_after).then_some(hidden))
        })?;
        ensure!(now_hidden == hidden_after);
    }
    Ok(())
}

/// Opens the language switch, checks that it is accessible and leads to the
/// same chapter in `target.language`, follows it and waits for that page.
fn switch_language(tab: &Tab, server: &StaticServer, target: &Page) -> Result<()> {
    wait_visible(tab, "#language-switch-toggle")?;
    // WCAG 2.5.3: the accessible name holds the visible text (`FR`).
    let (label, text): (String, String) = js(
        tab,
        "(t => [t.getAttribute('aria-label'), t.innerText.trim()])\
         (document.getElementById('language-switch-toggle'))",
    )?;
    ensure!(
        !text.is_empty() && label.starts_with(&text),
        "the language switch shows `{text}` but is named `{label}`"
    );
    click(tab, "#language-switch-toggle")?;
    let link = format!("#language-switch-{}", target.language);
    wait_visible(tab, &link)?;
    screenshot(tab, target, "language-menu")?;
    // WCAG 2.5.8: every target of the switch is at least 24 by 24 pixels.
    let small: Vec<String> = js(
        tab,
        "Array.from(document.querySelectorAll('#language-switch-toggle, .language-switch-list a'))\
         .filter(e => { const r = e.getBoundingClientRect(); return r.width < 24 || r.height < 24; })\
         .map(e => e.id + ' ' + e.getBoundingClientRect().width + 'x' + e.getBoundingClientRect().height)",
    )?;
    ensure!(
        small.is_empty(),
        "targets of the language switch under 24px: {small:?}"
    );
    let href: String = js(tab, &format!("document.querySelector('{link}').href"))?;
    let wanted = server.url(&target.chapter_path);
    ensure!(
        href == wanted,
        "the language switch leads to {href}, not to the same chapter at {wanted}"
    );
    click(tab, &link)?;
    wait_for(&format!("page {wanted}"), || {
        Ok((js::<String>(tab, "location.href")? == wanted).then_some(()))
    })
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
    click(tab, "#mdbook-search-toggle")?;
    wait_visible(tab, "#mdbook-searchbar")?;
    let first = &page
        .searches
        .search
        .first()
        .context("no search in reader.toml")?
        .query;
    js::<bool>(
        tab,
        "(document.getElementById('mdbook-searchbar').focus(), true)",
    )?;
    // The query arrives as typed text (one input event, as an input method
    // gives it), then a key release runs mdBook's search, which listens to
    // `keyup`; typing key by key costs 0.3 s a letter.
    tab.send_character(first)?.press_key("End")?;
    wait_for(&format!("search results for `{first}`"), || {
        let header: String = js(
            tab,
            "document.getElementById('mdbook-searchresults-header').innerText",
        )?;
        Ok(header.contains(first.as_str()).then_some(()))
    })?;
    screenshot(tab, page, "search")?;
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
    let script = format!(
        "(async (queries) => {{
            const bar = document.getElementById('mdbook-searchbar');
            const shown = [];
            for (const query of queries) {{
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
            return JSON.stringify(shown);
        }})({})",
        serde_json::to_string(&queries)?
    );
    let value = tab.evaluate(&script, true)?.value;
    let json = value
        .as_ref()
        .and_then(Value::as_str)
        .context("no search results")?;
    let shown: Vec<Shown> = serde_json::from_str(json)?;
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
        let wanted = &query.marks;
        wait_for(&format!("the highlighted {wanted:?} at {link}"), || {
            let marked: Vec<String> = js(
                tab,
                "Array.from(document.querySelectorAll('#mdbook-content mark')).map(m => m.textContent)",
            )?;
            Ok(wanted
                .iter()
                .all(|word| marked.contains(word))
                .then_some(()))
        })?;
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
    wait_visible(tab, "#language-switch-toggle")?;
    let (language, display, heading): (String, String, String) = js(
        tab,
        "[document.documentElement.lang,
          getComputedStyle(document.getElementById('mdbook-menu-bar')).display,
          document.querySelector('main h1').innerText]",
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
