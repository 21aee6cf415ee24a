//! The crate-based server of "Going further" (`rayon`'s `ThreadPool`) and
//! the load benchmark that compares it with ours, per language:
//!
//! - `server::pool_robustness::<language>`: the listing's own tests of both
//!   pools (`tests/robustness.rs`) all pass under `cargo test`; in the
//!   source language each is named in the chapter, so every claim of the
//!   comparison has its test;
//! - `server::pool_benchmark::<language>`: the recorded benchmark has the
//!   structure of the `[pool_bench]` data and the fingerprint of the
//!   current servers, benchmark and figures (so it came from `cargo xtask
//!   bench pools`: a figure changed by hand is shown to be caught); another
//!   language's file holds the source language's figures in its words. No
//!   figure is asserted.

use super::listing;
use anyhow::{bail, ensure, Context, Result};
use booktools::languages::{BookLayout, Language};
use booktools::listings::compile::{self, CargoCommand, CompileSettings};
use booktools::server::pool_bench::PoolBench;

pub const POOL_CRATE: &str = "no-listing-09-pool-crate";

/// Its tests of both pools, in the crate, and the command that runs them.
const ROBUSTNESS_TESTS: &str = "tests/robustness.rs";
const ROBUSTNESS_COMMAND: &str = "$ cargo test --test robustness";

/// The chapter that compares the pools (source language).
const CHAPTER: &str = "ch20-04-01-pool-crate.md";

pub fn pool_robustness(layout: &BookLayout, language: &Language, _: &str) -> Result<()> {
    let listing = listing(language, POOL_CRATE)?;
    let path = listing.dir.join(ROBUSTNESS_TESTS);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let tests: Vec<&str> = (text.split("#[test]").skip(1))
        .filter_map(|after| after.trim_start().strip_prefix("fn ")?.split('(').next())
        .collect();
    ensure!(!tests.is_empty(), "{}: no #[test] function", path.display());
    if language.code == layout.source_language {
        let chapter = layout.src.join(CHAPTER);
        let prose = std::fs::read_to_string(&chapter)
            .with_context(|| format!("reading {}", chapter.display()))?;
        let unnamed: Vec<&&str> = (tests.iter())
            .filter(|name| !prose.contains(&format!("`{name}`")))
            .collect();
        ensure!(
            unnamed.is_empty(),
            "{} never names the test(s) {unnamed:?} of {}: each test backs a claim of the text",
            chapter.display(),
            path.display()
        );
    }
    // Through the listings' compile cache, like the `cargo test` outputs of
    // the other listings: a warm run reruns nothing while the crate is
    // unchanged. Its own target folders, never those of the listing checks.
    let command = CargoCommand::parse(ROBUSTNESS_COMMAND).context("a cargo command")?;
    let settings = CompileSettings {
        target_root: layout.root.join("target").join("pool-robustness"),
        ..CompileSettings::for_book(&layout.root)
    };
    let run = compile::compile(&listing, &command, &settings)?;
    let passed = format!("test result: ok. {} passed", tests.len());
    if !run.succeeded || !run.output.contains(&passed) {
        bail!(
            "`{ROBUSTNESS_COMMAND}` in {} did not pass all {} tests:\n{}",
            listing.dir.display(),
            tests.len(),
            run.output
        );
    }
    Ok(())
}

pub fn pool_benchmark(layout: &BookLayout, language: &Language, _: &str) -> Result<()> {
    let bench = PoolBench::load(&layout.root)?;
    let path = bench.record_path(language);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let recorded = bench.parse(layout, &language.code, &path, &text)?;
    ensure!(
        recorded.cores > 0,
        "{}: a machine of 0 cores",
        path.display()
    );

    // A hand edit of one figure is caught (the file is otherwise valid).
    let first_row = text.lines().nth(4).context("a first row")?;
    // Its last cell (failed requests) gets another last digit.
    let (kept, last) = first_row.split_at(first_row.len() - 1);
    let edited_row = format!("{kept}{}", if last == "1" { "2" } else { "1" });
    let edited = text.replacen(first_row, &edited_row, 1);
    let error = bench
        .parse(layout, &language.code, &path, &edited)
        .err()
        .context("a figure edited by hand went unnoticed")?;
    ensure!(
        format!("{error:#}").contains("fingerprint"),
        "a hand edit was refused for another reason: {error:#}"
    );

    if language.code != layout.source_language {
        let source = layout
            .language(&layout.source_language)
            .context("the source language")?;
        let source_path = bench.record_path(source);
        let source_text = std::fs::read_to_string(&source_path)
            .with_context(|| format!("reading {}", source_path.display()))?;
        let figures = bench.parse(layout, &source.code, &source_path, &source_text)?;
        let rendered = bench.render(layout, &language.code, &figures)?;
        ensure!(
            rendered == text,
            "{} does not hold the figures of {}, rendered in `{}`; remake both with \
             `cargo xtask bench pools`:\n{}",
            path.display(),
            source_path.display(),
            language.code,
            booktools::listings::line_diff(&text, &rendered)
        );
    }
    Ok(())
}
