//! `cargo xtask bench search`: what searching in each language's analysis
//! (`booktools::site::search`) costs, against mdBook's English-only index.
//!
//! On a temporary copy of the book, the site is built twice: as it is, and
//! without `theme/search/` (every language keeps the index mdBook wrote).
//! For each language it reports the size of `searchindex.js` in both, and
//! the time to first results in headless Chromium: from the click on the
//! search button (which loads the index) to the results of a query shown,
//! measured in the page (`performance.now()`), on a fresh tab each run; the
//! first run of each site is cold (nothing cached), the others warm (the
//! server answers `no-cache`, so the browser revalidates the index).
//!
//! Chromium is the file `CHROMIUM` names, as for the browser tests, else the
//! one `headless_chrome` finds (`CHROME`, or `chromium` in `PATH`).

use super::{report, Row};
use anyhow::{bail, Context, Result};
use booktools::site::static_server::{Mount, StaticServer};
use booktools::site::{self, search, SitePlan};
use headless_chrome::{Browser, LaunchOptions};
use std::path::Path;
use std::time::Duration;

/// Runs of the time to first results, per language and site.
const RUNS: usize = 5;

/// The longest wait for a page or for results.
const WAIT: Duration = Duration::from_secs(30);

/// Runs `bench search`.
pub fn run(root: &Path) -> Result<()> {
    let scratch = tempfile::Builder::new().prefix("bench-search-").tempdir()?;
    let book = scratch.path().join("book");
    booktools::book::copy_book_to(root, &book)?;
    let plan = SitePlan::load(&book, None)?;
    let analysed = scratch.path().join("analysed");
    site::build_site_in_process(&book, &plan, &analysed)?;
    let theme = booktools::languages::BookLayout::load(&book)?.theme_dir;
    std::fs::remove_dir_all(theme.join(search::ANALYSIS_DIR))?;
    let mdbook = scratch.path().join("mdbook");
    site::build_site_in_process(&book, &plan, &mdbook)?;

    let browser = Browser::new(
        LaunchOptions::default_builder()
            .path(std::env::var_os("CHROMIUM").map(std::path::PathBuf::from))
            .headless(true)
            .sandbox(false)
            .idle_browser_timeout(Duration::from_secs(120))
            .build()
            .map_err(|error| anyhow::anyhow!("Chromium launch options: {error}"))?,
    )
    .context("starting Chromium (set CHROMIUM to its path)")?;
    let mut rows = Vec::new();
    println!("\n  search index (searchindex.js)     mdBook's        rebuilt");
    for language in &plan.languages {
        let size = |site_dir: &Path| -> Result<u64> {
            let dir = plan.language_dir(site_dir, language);
            Ok(std::fs::metadata(search::index_file(&dir)?)?.len())
        };
        println!(
            "  {language:<32} {:>8} bytes {:>8} bytes",
            size(&mdbook)?,
            size(&analysed)?
        );
        for (name, site_dir) in [("mdBook's index", &mdbook), ("analysed index", &analysed)] {
            let runs = first_results(&browser, &plan, site_dir, language)?;
            rows.push(Row::first_cold(
                format!("`{language}` time to first results, {name}"),
                runs,
            ));
        }
    }
    report(&rows);
    Ok(())
}

/// [`RUNS`] times to first results on `language`'s front page of the site
/// in `site_dir`, each on a fresh tab.
fn first_results(
    browser: &Browser,
    plan: &SitePlan,
    site_dir: &Path,
    language: &str,
) -> Result<Vec<Duration>> {
    let mounts = (plan.languages.iter())
        .map(|code| {
            Mount::new(
                &plan.language_site_url(code),
                plan.language_dir(site_dir, code),
            )
        })
        .collect();
    let server = StaticServer::start("127.0.0.1:0".parse()?, mounts, false)?;
    let url = server.url(&plan.language_site_url(language));
    let mut runs = Vec::new();
    for _ in 0..RUNS {
        let tab = browser.new_tab()?;
        tab.set_default_timeout(WAIT);
        tab.navigate_to(&url)?.wait_until_navigated()?;
        // A word of every language's pages: the last word of the heading.
        let script = format!(
            "(async () => {{
                const word = document.querySelector('main h1').textContent.trim().split(/\\s+/).pop();
                const bar = document.getElementById('mdbook-searchbar');
                const header = document.getElementById('mdbook-searchresults-header');
                const started = performance.now();
                document.getElementById('mdbook-search-toggle').click();
                bar.value = word;
                while (header.textContent === '') {{
                    if (performance.now() - started > {}) {{
                        return -1;
                    }}
                    bar.dispatchEvent(new KeyboardEvent('keyup', {{ bubbles: true }}));
                    await new Promise((resolve) => requestAnimationFrame(resolve));
                }}
                return performance.now() - started;
            }})()",
            WAIT.as_millis()
        );
        let value = tab.evaluate(&script, true)?.value;
        let millis = value.as_ref().and_then(|v| v.as_f64()).unwrap_or(-1.0);
        if millis < 0.0 {
            bail!("no search results on {url} within {WAIT:?}");
        }
        runs.push(Duration::from_secs_f64(millis / 1000.0));
        tab.close(false)?;
    }
    Ok(runs)
}
