//! A reader in a real browser: headless Chromium reads the site built
//! in-process (every language, as `cargo xtask build` lays it out) and
//! served by our static server on an ephemeral port of 127.0.0.1.
//!
//! One reader per language of `book.toml`, each in its own tab of one
//! shared Chromium (they overlap; a second Chromium cost a CPU-second). The reader sees the chapter's prose, its code (the
//! thread pool named by the glossary, no other language's) and translated
//! chrome; searches what `reader.toml` gives (each query finds its section,
//! nonsense shows the translated "no results", a followed result highlights
//! what it matched), and checks that the browser's search analysis gives
//! the index's tokens (every word of the book, and `analysis-words.toml`);
//! follows the language switch to the same chapter in every other language;
//! opens its language's 404 page; and reads the chapter without JavaScript.
//! A failed step saves the page to `target/tmp/browser/failure.png`.
//!
//! Each DevTools call costs about 100 ms (the client's reader holds the
//! socket through reads of up to 100 ms), so each step is one [`script`].
//! `headless_chrome` needs no ChromeDriver of the browser's exact version
//! (unlike the WebDriver clients) and no async runtime; it kills Chromium
//! when the `Browser` drops, so the readers share it through an `Arc` the
//! last of them drops, also on a panic. Every wait is bounded by
//! [`WAIT`]. Without Chromium the test is ignored ([`super::tools`]).

use super::tools::{trial_needing, CHROMIUM};
use anyhow::{bail, ensure, Context, Result};
use booktools::languages::BookLayout;
use booktools::site::localize::Chrome;
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
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

/// The chapter the reader reads.
const CHAPTER_SOURCE: &str = "src/ch20-03-graceful-shutdown-and-cleanup.md";

/// The longest wait for anything: a page, an element, a search.
const WAIT: Duration = Duration::from_secs(20);

/// Chromium flags besides those of the launch options (headless, no
/// sandbox as the tests may run as root, no GPU, a fresh profile): no
/// network but 127.0.0.1, no first-run work, and no slowing down of the
/// reader whose tab is not in front (timers of background pages otherwise
/// run at most once a second).
const CHROMIUM_FLAGS: &[&str] = &[
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
];

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
    nonsense: String,
    search: Vec<Query>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Query {
    query: String,
    /// `page.html#id`, relative to the language.
    finds: String,
    why: String,
    /// Words highlighted once the reader follows that result.
    #[serde(default)]
    marks: Vec<String>,
}

/// One language as the reader must see it.
struct Page {
    language: String,
    /// `<site-url><language path>ch20-....html`.
    chapter_path: String,
    language_url: String,
    /// The chapter title as the pipeline produced it.
    title: String,
    /// The glossary's name of the thread pool type.
    pool: String,
    searches: ReaderSearches,
    /// `theme/chrome/<language>.json`, if the language has one.
    chrome: Option<Value>,
}

impl Page {
    fn of(
        site: &BuiltSite,
        reader: &mut BTreeMap<String, ReaderSearches>,
        language: &str,
    ) -> Result<Page> {
        let root = repository_root();
        let chapter = site.chapter(language, CHAPTER_SOURCE)?;
        let chrome = Chrome::load(&root, language)?.map(|chrome| chrome.strings().clone());
        let language_url = site.plan.language_site_url(language);
        Ok(Page {
            language: language.to_string(),
            chapter_path: format!("{language_url}{}", chapter.html_file().display()),
            language_url,
            title: chapter.name.clone(),
            pool: glossary_code_name(&root, language, "ThreadPool")?,
            searches: (reader.remove(language))
                .with_context(|| format!("no `[{language}]` in site/reader.toml"))?,
            chrome,
        })
    }

    fn chrome(&self, key: &str) -> Option<&str> {
        self.chrome.as_ref()?.get(key)?.as_str()
    }

    /// `shown` is this language's chrome string `key` (when it has one).
    fn shows(&self, key: &str, shown: &str) -> Result<()> {
        match self.chrome(key) {
            Some(wanted) if wanted != shown => {
                bail!(
                    "the `{}` page shows `{shown}`, not its {key} `{wanted}`",
                    self.language
                )
            }
            _ => Ok(()),
        }
    }
}

fn a_reader_searches_and_switches_language(chromium: &Path, language: &str) -> Result<()> {
    let mut reader: BTreeMap<String, ReaderSearches> =
        toml::from_str(include_str!("reader.toml")).context("site/reader.toml")?;
    #[derive(Deserialize)]
    struct AnalysisWords {
        words: Vec<String>,
    }
    let words: AnalysisWords =
        toml::from_str(include_str!("analysis-words.toml")).context("site/analysis-words.toml")?;
    let site = BuiltSite::of_repository()?;
    let pages = (site.plan.languages.iter())
        .map(|language| Page::of(site, &mut reader, language))
        .collect::<Result<Vec<_>>>()?;
    let source = &pages[0];
    let page = (pages.iter().find(|page| page.language == language)).context("its page")?;
    ensure!(
        page.language == source.language || page.title != source.title,
        "the chapter title `{}` is not translated into `{language}`",
        source.title
    );
    // Each language at its path, with its own 404 page, as `cargo xtask
    // serve` serves them.
    let mounts = (site.plan.languages.iter())
        .map(|code| Mount::new(&site.plan.language_site_url(code), site.language_dir(code)))
        .collect();
    let server = StaticServer::start("127.0.0.1:0".parse()?, mounts, false)?;
    let (_browser, tab) = shared_browser(chromium)?;
    tab.set_default_timeout(WAIT);
    if let Err(failure) = read(&tab, &server, page, &pages, &words.words) {
        let shot = screenshot(&tab).unwrap_or_else(|error| format!("no screenshot: {error:#}"));
        bail!("{failure:#}\n(the page as it was: {shot})");
    }
    Ok(())
}

/// The reader's walk from `page`'s chapter; the switch back is the walk of
/// the other language.
fn read(
    tab: &Tab,
    server: &StaticServer,
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
        if script::<String>(tab, "return location.origin + location.pathname")? != chapter {
            goto(tab, &chapter)?;
        }
        switch_language(tab, server, other)?;
        check_chapter(tab, other, pages)?;
    }
    check_not_found_page(tab, server, page)?;
    read_without_javascript(tab, server, page)
}

/// The chapter with JavaScript disabled: its title, menu title and search
/// placeholder are already in its language.
fn read_without_javascript(tab: &Tab, server: &StaticServer, page: &Page) -> Result<()> {
    tab.call_method(Emulation::SetScriptExecutionDisabled { value: true })?;
    goto(tab, &server.url(&page.chapter_path))?;
    let (title, menu_title, placeholder, switch): (String, String, String, bool) = script(
        tab,
        "return [document.title, document.querySelector('.menu-title').textContent.trim(),
                 document.getElementById('mdbook-searchbar').placeholder,
                 document.getElementById('language-switch-toggle') !== null];",
    )?;
    let (book_title, _) = book_metadata(&repository_root(), &page.language)?;
    ensure!(
        !switch
            && title.starts_with(&page.title)
            && title.ends_with(&book_title)
            && menu_title == book_title,
        "the `{}` page without JavaScript: language switch {switch} (scripts ran), title \
         `{title}`, menu bar `{menu_title}`, not the chapter's and the catalog's `{book_title}`",
        page.language
    );
    page.shows("searchPlaceholder", &placeholder)
}

/// The Chromium every reader shares, and a tab of it for this reader: the
/// one Chromium opens with for the reader that launches it (a new tab
/// costs half a second), a new one for the others. Chromium is killed
/// when the last reader drops the `Arc`.
fn shared_browser(chromium: &Path) -> Result<(Arc<Browser>, Arc<Tab>)> {
    static SHARED: Mutex<Weak<Browser>> = Mutex::new(Weak::new());
    let mut shared = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(browser) = shared.upgrade() {
        drop(shared);
        let tab = browser.new_tab()?;
        return Ok((browser, tab));
    }
    let browser = Arc::new(launch(chromium)?);
    *shared = Arc::downgrade(&browser);
    drop(shared);
    let tab = headless_chrome::util::Wait::new(WAIT, Duration::from_millis(10))
        .until(|| browser.get_tabs().lock().ok()?.first().cloned())
        .map_err(|_| anyhow::anyhow!("no first tab of Chromium after {WAIT:?}"))?;
    Ok((browser, tab))
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

/// Opens `url` and waits until it is [`loaded`]. Not the client's
/// `wait_until_navigated`: it waits for half a second of network quiet.
fn goto(tab: &Tab, url: &str) -> Result<()> {
    script::<bool>(tab, "return (window.bookTestLeaving = true);")?;
    tab.navigate_to(url)?;
    loaded(tab, url)
}

/// Waits for the `load` of the page replacing one marked with
/// `window.bookTestLeaving` (the mark goes with the old page). Polled from
/// here: the page is replaced meanwhile, and may run no script at all.
fn loaded(tab: &Tab, url: &str) -> Result<()> {
    let done = "return !window.bookTestLeaving && document.readyState === 'complete';";
    headless_chrome::util::Wait::new(WAIT, Duration::from_millis(10))
        .until(|| script::<bool>(tab, done).ok()?.then_some(()))
        .map_err(|_| anyhow::anyhow!("{url} not loaded after {WAIT:?}"))
}

/// Saves what `tab` shows as `target/tmp/browser/failure.png`: its path.
fn screenshot(tab: &Tab) -> Result<String> {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser/failure.png");
    std::fs::create_dir_all(path.parent().expect("a folder"))?;
    let png = tab.capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)?;
    std::fs::write(&path, png).with_context(|| format!("writing {}", path.display()))?;
    Ok(path.display().to_string())
}

/// Runs `body`, the statements of an async function, in the page and gives
/// what it returns (through JSON). The body may `await until(() =>
/// condition, 'what')`: the page looks every 10 ms, at most [`WAIT`],
/// without a DevTools call. `visible(selector)` tells if an element shows.
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
    let json = (value.as_ref().and_then(Value::as_str))
        .with_context(|| format!("no value from `{body}`"))?;
    match serde_json::from_str(json).with_context(|| format!("`{body}` gave {json}"))? {
        Outcome::Value(value) => Ok(value),
        Outcome::Error(error) => bail!("{error}"),
    }
}

/// The chapter page of `page.language` (language switch in place): its
/// language, title, visible code (`innerText`: hidden lines left out), the
/// hidden-lines button and chrome.
fn check_chapter(tab: &Tab, page: &Page, pages: &[Page]) -> Result<()> {
    let (language, title, placeholder, toc_title, blocks): (
        String,
        String,
        String,
        String,
        Vec<String>,
    ) = script(
        tab,
        "await until(() => visible('#language-switch-toggle') && visible('main pre > code'),
                     'language switch and code');
         return [document.documentElement.lang, document.querySelector('main h1').innerText,
                 document.getElementById('mdbook-searchbar').placeholder,
                 document.getElementById('mdbook-sidebar-toggle').title,
                 Array.from(document.querySelectorAll('main pre > code')).map(c => c.innerText)];",
    )?;
    ensure!(
        (language.as_str(), title.as_str()) == (page.language.as_str(), page.title.as_str()),
        "the page says lang={language} and `{title}`, expected `{}` and `{}`",
        page.language,
        page.title
    );
    let definition = format!("impl Drop for {} {{", page.pool);
    ensure!(
        blocks.iter().any(|block| block.contains(&definition)),
        "no visible `{definition}` in the `{language}` chapter's {} code blocks",
        blocks.len()
    );
    for foreign in pages.iter().filter(|other| other.pool != page.pool) {
        if let Some(block) = blocks.iter().find(|block| block.contains(&foreign.pool)) {
            bail!(
                "`{}` (the `{}` code) on the `{language}` page:\n{block}",
                foreign.pool,
                foreign.language
            );
        }
    }
    if let Some(titles) = page.chrome.as_ref().and_then(|chrome| chrome.get("titles")) {
        check_hidden_lines_button(tab, titles)?;
    }
    page.shows("searchPlaceholder", &placeholder)?;
    page.shows("toggleTableOfContents", &toc_title)
}

/// The button book.js adds to a block with hidden lines bears the
/// translated title and, clicked twice, shows then hides the lines again,
/// under the right title each time.
fn check_hidden_lines_button(tab: &Tab, titles: &Value) -> Result<()> {
    let toggles = json!([
        [titles["Show hidden lines"], false],
        [titles["Hide lines"], true]
    ]);
    ensure!(
        toggles[0][0].is_string() && toggles[1][0].is_string(),
        "no hidden-lines titles in {titles}"
    );
    let states: Vec<(String, bool)> = script(
        tab,
        &format!(
            "const button = document.querySelector('pre > .buttons > button:not([class])');
             const hidden = () => button.closest('pre').querySelector('code').classList.contains('hide-boring');
             const states = [];
             for (const [title, hiddenAfter] of {toggles}) {{
                 await until(() => button.title === title, `the title ${{title}}`);
                 states.push([button.title, hidden()]);
                 button.click();
                 await until(() => hidden() === hiddenAfter, 'the hidden lines to toggle');
             }}
             return states;"
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
    let link = format!("#language-switch-{}", target.language);
    let (label, text, small, href): (String, String, Vec<String>, String) = script(
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
             return [label, text, small, link.href];"
        ),
    )?;
    // WCAG 2.5.3: the accessible name holds the visible text (`FR`).
    ensure!(
        !text.is_empty() && label.starts_with(&text),
        "the language switch shows `{text}` but is named `{label}`"
    );
    // WCAG 2.5.8: every target of the switch is at least 24 by 24 pixels.
    ensure!(
        small.is_empty(),
        "targets of the language switch under 24px: {small:?}"
    );
    let wanted = server.url(&target.chapter_path);
    ensure!(
        href == wanted,
        "the language switch leads to {href}, not to the same chapter at {wanted}"
    );
    script::<bool>(
        tab,
        &format!(
            "window.bookTestLeaving = true; document.querySelector('{link}').click(); return true;"
        ),
    )?;
    loaded(tab, &wanted)?;
    let at: String = script(tab, "return location.href;")?;
    ensure!(
        at == wanted,
        "the language switch led to {at}, not {wanted}"
    );
    Ok(())
}

/// Searches what `reader.toml` gives for `page.language`: the first query
/// typed (it loads the index), the browser's analysis compared with the
/// index's, then every query in one script and the nonsense one; each must
/// find its page and section, the header in the page's chrome; then follows
/// the results with `marks` and checks the highlighted words.
fn search(tab: &Tab, server: &StaticServer, page: &Page, words: &[String]) -> Result<()> {
    let language = &page.language;
    let searches = &page.searches.search;
    let first = &searches.first().context("no search in reader.toml")?.query;
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
            json!(first)
        ),
    )?;
    if let Some(analysis) = &Analysis::load(&repository_root(), language)? {
        check_analysis(tab, language, analysis, words)?;
    }

    // Every query in one script: the search bar's value, then the key
    // release mdBook listens to; a zero-delay yield lets the page's
    // observers (header translation, highlight words) run before reading.
    let mut queries: Vec<&str> = searches.iter().map(|q| q.query.as_str()).collect();
    queries.push(&page.searches.nonsense);
    let shown: Vec<(String, Vec<String>, Option<String>)> = script(
        tab,
        &format!(
            "const bar = document.getElementById('mdbook-searchbar');
             const shown = [];
             for (const query of {}) {{
                 bar.value = query;
                 bar.dispatchEvent(new KeyboardEvent('keyup', {{ bubbles: true }}));
                 await new Promise((resolve) => setTimeout(resolve, 0));
                 shown.push([document.getElementById('mdbook-searchresults-header').innerText,
                             Array.from(document.querySelectorAll('#mdbook-searchresults a')).map((a) => a.href),
                             document.querySelector('#mdbook-searchresults .teaser')
                                 ?.getAttribute('aria-label') ?? null]);
             }}
             return shown;",
            json!(queries)
        ),
    )?;
    let mut follow = Vec::new();
    for (query, (header, links, teaser)) in searches.iter().zip(&shown) {
        let wanted = server.url(&format!("{}{}", page.language_url, query.finds));
        let Some(link) = links.iter().find(|link| same_section(link, &wanted)) else {
            bail!(
                "searching `{}` ({}) in the `{language}` book finds {links:?}, not {} ({header})",
                query.query,
                query.why,
                query.finds,
            );
        };
        ensure!(
            page.chrome.is_none() || !header.contains("search result"),
            "the `{language}` results header is left as mdBook wrote it: `{header}`"
        );
        if let Some(wanted) = page.chrome("searchResultTeaser") {
            ensure!(
                teaser.as_deref() == Some(wanted),
                "the `{language}` result teasers are named {teaser:?}, not `{wanted}`"
            );
        }
        if !query.marks.is_empty() {
            follow.push((query, link.clone()));
        }
    }
    let nonsense = &page.searches.nonsense;
    let none = match page
        .chrome
        .as_ref()
        .and_then(|c| c.pointer("/results/none"))
    {
        Some(text) => text
            .as_str()
            .context("results.none")?
            .replace("{term}", nonsense),
        None => format!("No search results for '{nonsense}'."),
    };
    let (header, links, _) = shown.last().context("the nonsense query")?;
    ensure!(
        *header == none && links.is_empty(),
        "the nonsense query `{nonsense}` in the `{language}` book shows `{header}` and {links:?}, not `{none}`"
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
                json!(query.marks)
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
    let fragment =
        |url: &url::Url| booktools::site::percent_decode(url.fragment().unwrap_or_default());
    link.path() == wanted.path() && fragment(&link) == fragment(&wanted)
}

/// The browser's analysis (the one the page's index registered) gives the
/// tokens of the index, built in Rust, for every field of every document:
/// each token is in the index for that document, and as many as the index
/// counted. And both sides give the same tokens for `words`.
fn check_analysis(tab: &Tab, language: &str, analysis: &Analysis, words: &[String]) -> Result<()> {
    let (installed, disagreements, browser): (String, Vec<String>, Vec<Vec<String>>) = script(
        tab,
        &format!(
            "const data = window.search.index;
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
             return [window.bookSearch.language, disagreements.slice(0, 20),
                     {}.map((word) => window.bookSearch.analyze(word))];",
            json!(words)
        ),
    )?;
    ensure!(
        installed == language,
        "the `{language}` page installed the `{installed}` analysis"
    );
    ensure!(
        disagreements.is_empty(),
        "the browser's `{language}` analysis disagrees with the index:\n{}",
        disagreements.join("\n")
    );
    let differing: Vec<String> = (words.iter().zip(&browser))
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
fn check_not_found_page(tab: &Tab, server: &StaticServer, page: &Page) -> Result<()> {
    let url = server.url(&format!("{}no-such-page/at-all.html", page.language_url));
    goto(tab, &url)?;
    let (language, display, heading): (String, String, String) = script(
        tab,
        "await until(() => visible('#language-switch-toggle'), 'language switch');
         return [document.documentElement.lang,
                 getComputedStyle(document.getElementById('mdbook-menu-bar')).display,
                 document.querySelector('main h1').innerText];",
    )?;
    ensure!(
        language == page.language && display == "flex",
        "the 404 page at {url} says lang={language}, its menu bar display {display} (unstyled?)"
    );
    page.shows("notFoundHeading", &heading)
}
