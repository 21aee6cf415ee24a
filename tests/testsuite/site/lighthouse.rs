//! Lighthouse's audits of each language's chapter page, against a page of
//! a plain mdBook: the site fails no accessibility, best-practices or SEO
//! audit that mdBook's own page does not already fail (its sidebar toggle's
//! ARIA, its unload listener), and scores 100 in SEO in every language.
//!
//! The site is built as it is published, with a full site URL (the
//! server's), since search engines and Lighthouse want absolute `hreflang`
//! links. Performance is left out: it measures time, which tests never
//! assert. Lighthouse and Chromium are optional programs
//! ([`super::tools`]): without them the trial is ignored, under `CI=true`
//! it fails.

use super::tools::{trial_needing, CHROMIUM, LIGHTHOUSE};
use anyhow::{ensure, Context, Result};
use booktools::site::static_server::{Mount, StaticServer};
use booktools::site::{build_site_in_process, SitePlan};
use graceful_shutdown_book::book_fixture::repository_root;
use libtest_mimic::Trial;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const CHAPTER: &str = "ch20-03-graceful-shutdown-and-cleanup.html";

const CATEGORIES: &str = "accessibility,best-practices,seo";

/// The longest a Lighthouse run may take.
const TIMEOUT: Duration = Duration::from_secs(180);

pub fn trials() -> Vec<Trial> {
    vec![trial_needing(
        module_path!(),
        "every_language_fails_no_audit_a_plain_mdbook_passes_and_scores_100_in_seo",
        &[&LIGHTHOUSE, &CHROMIUM],
        |paths| audit(&paths[0], &paths[1]),
    )]
}

/// Runs Lighthouse on `url` with `chromium`, its report written to `json`:
/// the audits the page fails (id and title), and its SEO score (0 to 1).
fn lighthouse(
    lighthouse: &Path,
    chromium: &Path,
    url: &str,
    json: &Path,
) -> Result<(BTreeSet<(String, String)>, f64)> {
    let mut command = Command::new(lighthouse);
    command
        .arg(url)
        .arg(format!("--only-categories={CATEGORIES}"))
        .args(["--output=json", "--quiet"])
        .arg(format!("--output-path={}", json.display()))
        .arg("--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage")
        .env("CHROME_PATH", chromium);
    let finished = booktools::process::run(command, TIMEOUT)?;
    ensure!(
        finished.status.success(),
        "Lighthouse failed on {url}:\n{}",
        finished.output
    );
    let report: Value = serde_json::from_str(&std::fs::read_to_string(json)?)
        .with_context(|| format!("reading {}", json.display()))?;
    let failed = (report["audits"].as_object())
        .context("no audits in the report")?
        .values()
        .filter(|audit| {
            let mode = audit["scoreDisplayMode"].as_str().unwrap_or_default();
            ["binary", "numeric", "metricSavings"].contains(&mode)
                && audit["score"].as_f64().is_some_and(|score| score < 1.0)
        })
        .map(|audit| ["id", "title"].map(|key| audit[key].as_str().unwrap_or_default().to_string()))
        .map(|[id, title]| (id, title))
        .collect();
    let seo = report["categories"]["seo"]["score"].as_f64();
    Ok((failed, seo.context("no SEO score in the report")?))
}

fn audit(lighthouse_path: &Path, chromium: &Path) -> Result<()> {
    let root = repository_root();
    let server = StaticServer::start("127.0.0.1:0".parse()?, Vec::new(), false)?;
    let plan = SitePlan::load(&root, Some(&server.url("/")))?;
    let work = tempfile::tempdir()?;
    let site = work.path().join("site");
    build_site_in_process(&root, &plan, &site)?;
    // A plain mdBook: a title, a language, one chapter, mdBook's own theme.
    let plain = work.path().join("plain");
    std::fs::create_dir_all(plain.join("src"))?;
    for (file, text) in [
        (
            "book.toml",
            "[book]\ntitle = \"A plain book\"\nlanguage = \"en\"\n",
        ),
        (
            "src/SUMMARY.md",
            "# Summary\n\n- [Chapter 1](chapter_1.md)\n",
        ),
        ("src/chapter_1.md", "# Chapter 1\n\nSome text.\n"),
    ] {
        std::fs::write(plain.join(file), text)?;
    }
    mdbook_driver::MDBook::load(&plain)?.build()?;
    server.set_mounts(vec![
        Mount::new("/", &site),
        Mount::new("/plain-mdbook/", plain.join("book")),
    ]);
    let mut pages: Vec<(String, String)> = (plan.languages.iter())
        .map(|code| {
            (
                code.clone(),
                server.url(&format!("/{}{CHAPTER}", plan.url_path(code))),
            )
        })
        .collect();
    pages.push((
        "plain mdBook".into(),
        server.url("/plain-mdbook/chapter_1.html"),
    ));
    let mut reports = std::thread::scope(|scope| {
        let runs: Vec<_> = (pages.iter().enumerate())
            .map(|(index, (what, url))| {
                let json: PathBuf = work.path().join(format!("report-{index}.json"));
                let run = scope.spawn(move || lighthouse(lighthouse_path, chromium, url, &json));
                (what.clone(), run)
            })
            .collect();
        (runs.into_iter())
            .map(|(what, run)| (what, run.join().expect("a Lighthouse run panicked")))
            .collect::<Vec<_>>()
    });
    let (plain_failed, _) = reports.pop().context("the plain page's report")?.1?;
    for (language, report) in reports {
        let (failed, seo) = report?;
        let beyond: Vec<_> = failed.difference(&plain_failed).collect();
        ensure!(
            beyond.is_empty(),
            "the `{language}` chapter fails audits a plain mdBook page passes: {beyond:?}"
        );
        ensure!(
            seo == 1.0,
            "the `{language}` chapter scores {} in SEO, failing {failed:?}",
            seo * 100.0
        );
    }
    Ok(())
}
