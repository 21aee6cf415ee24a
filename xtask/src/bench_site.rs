//! `cargo xtask bench site`: how long building the site and rebuilding it
//! after an edit take, with the installed `mdbook` as `cargo xtask build`
//! and `cargo xtask serve` run it.
//!
//! Everything runs on a temporary copy of the book (the real tree is never
//! edited), its `cargo run` preprocessors pointed at this repository's:
//! - `build`, cold: every language, with a fresh target folder for the
//!   preprocessor's `cargo run` (a fresh clone with the tools installed);
//! - `build`, warm: the same again;
//! - a po edit under the serve watcher: the serve session starts, one
//!   French message is edited, and the time until the watcher has seen it
//!   and the rebuilt pages are in place is measured, for the first edit
//!   (cold) and a second one (warm);
//! - for comparison, the in-process build the tests use.
//!
//! Timings are printed, never asserted.

use crate::mdbook_cli::MdbookCli;
use crate::serve::{Session, POLL};
use crate::tools;
use anyhow::{bail, Context, Result};
use booktools::site::{self, SitePlan};
use std::path::Path;
use std::time::{Duration, Instant};

/// What an edit inserts at the start of a translated message.
const EDIT_MARK: &str = "⁂";

/// The longest wait for the watcher to notice an edit.
const DETECTION_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs `bench site`.
pub fn run(args: &[String]) -> Result<()> {
    if !args.is_empty() {
        bail!("usage: cargo xtask bench site");
    }
    let root = crate::paths::book_root()?;
    let tools = tools::ensure_installed(&root)?;
    let scratch = tempfile::Builder::new()
        .prefix("bench-site-")
        .tempdir()
        .context("creating a temporary folder")?;
    let book = scratch.path().join("book");
    booktools::book::copy_book_to(&root, &book)?;
    let plan = SitePlan::load(&book, None)?;
    let translated = plan
        .languages
        .iter()
        .find(|language| **language != plan.source_language)
        .context("book.toml has a single language: nothing to edit a catalog of")?
        .clone();
    point_cargo_preprocessors_at(&root, &book)?;
    let fresh_target = scratch.path().join("target");
    let cold_builder =
        MdbookCli::new(tools.clone()).with_env("CARGO_TARGET_DIR", &fresh_target.to_string_lossy());
    let builder = MdbookCli::new(tools);
    let languages = plan.languages.join(" + ");
    let site_dir = scratch.path().join("site");

    println!(
        "Building {languages} on a copy of the book in {}",
        book.display()
    );
    let mut rows = Vec::new();
    let (cold, ()) = timed(|| build_site(&book, &plan, &site_dir, &cold_builder))?;
    rows.push((
        format!("build {languages}, cold (preprocessor compiled)"),
        cold,
    ));
    let (warm, ()) = timed(|| build_site(&book, &plan, &site_dir, &cold_builder))?;
    rows.push((format!("build {languages}, warm"), warm));
    let (check, links) = timed(|| site::links::check_site_links(&site_dir, &plan.site_url))?;
    rows.push((format!("link check of the site ({links} links)"), check));

    let (start, mut session) =
        timed(|| Session::start(&book, builder, &scratch.path().join("serve")))?;
    rows.push((
        format!("serve: start (prebuild the preprocessor in target/, build {languages})"),
        start,
    ));
    let catalog = book.join("po").join(format!("{translated}.po"));
    for (round, label) in ["cold", "warm"].iter().enumerate() {
        let (detected, rebuilt) = edit_and_rebuild(&mut session, &catalog, &translated, round)?;
        rows.push((
            format!("serve: `{translated}.po` edit seen by the watcher, {label}"),
            detected,
        ));
        rows.push((
            format!("serve: `{translated}` rebuilt and swapped in, {label}"),
            rebuilt,
        ));
        rows.push((
            format!("serve: `{translated}.po` edit to new pages, {label}"),
            detected + rebuilt,
        ));
    }

    let in_process_dir = scratch.path().join("in-process");
    let (in_process, _) = timed(|| site::build_site_in_process(&book, &plan, &in_process_dir))?;
    rows.push((format!("in-process build {languages} (tests)"), in_process));

    println!();
    let width = rows
        .iter()
        .map(|(label, _)| label.chars().count())
        .max()
        .unwrap_or(0);
    for (label, duration) in rows {
        println!("  {label:<width$}  {:>7.2}s", duration.as_secs_f64());
    }
    println!(
        "\n(watcher poll every {} ms; machine: {} cores)",
        POLL.as_millis(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    Ok(())
}

/// The copy has no preprocessor crates: its `cargo run --manifest-path
/// <relative>` commands are pointed at the crates of the real book.
fn point_cargo_preprocessors_at(root: &Path, copy: &Path) -> Result<()> {
    let book_toml = copy.join("book.toml");
    let mut text = std::fs::read_to_string(&book_toml)
        .with_context(|| format!("reading {}", book_toml.display()))?;
    for preprocessor in crate::prebuilt::cargo_preprocessors(copy)? {
        let relative = preprocessor.crate_dir.strip_prefix(copy).with_context(|| {
            format!(
                "the `{}` preprocessor is outside the book",
                preprocessor.name
            )
        })?;
        let manifest = format!("--manifest-path {}/Cargo.toml", relative.display());
        if !text.contains(&manifest) {
            bail!(
                "{}: no `{manifest}` to point at {}",
                book_toml.display(),
                root.display()
            );
        }
        text = text.replace(
            &manifest,
            &format!(
                "--manifest-path {}",
                root.join(relative).join("Cargo.toml").display()
            ),
        );
    }
    std::fs::write(&book_toml, text).with_context(|| format!("writing {}", book_toml.display()))
}

fn build_site(book: &Path, plan: &SitePlan, site_dir: &Path, builder: &MdbookCli) -> Result<()> {
    site::build_site(book, plan, site_dir, |language| builder.build(language))
}

fn timed<T>(work: impl FnOnce() -> Result<T>) -> Result<(Duration, T)> {
    let started = Instant::now();
    let value = work()?;
    Ok((started.elapsed(), value))
}

/// Edits one message of `catalog`, then polls as `serve` does until the
/// watcher reports it and rebuilds. Returns the time to detection and the
/// rebuild time; checks that the new pages show the edit.
fn edit_and_rebuild(
    session: &mut Session,
    catalog: &Path,
    language: &str,
    round: usize,
) -> Result<(Duration, Duration)> {
    let text = std::fs::read_to_string(catalog)
        .with_context(|| format!("reading {}", catalog.display()))?;
    let edited = mark_a_message(&text, round)
        .with_context(|| format!("{} has no translated message to edit", catalog.display()))?;
    std::fs::write(catalog, edited).with_context(|| format!("writing {}", catalog.display()))?;
    let edited_at = Instant::now();
    let changes = loop {
        if let Some(changes) = session.poll()? {
            break changes;
        }
        if edited_at.elapsed() > DETECTION_TIMEOUT {
            bail!(
                "the watcher did not see the edit of {} in {}s",
                catalog.display(),
                DETECTION_TIMEOUT.as_secs()
            );
        }
        std::thread::sleep(POLL);
    };
    let detected = edited_at.elapsed();
    if !changes.languages.iter().eq([language]) {
        bail!(
            "a `{language}` catalog edit rebuilds {:?}",
            changes.languages
        );
    }
    let rebuilding = Instant::now();
    let failed = session.rebuild(&changes);
    let rebuilt = rebuilding.elapsed();
    if !failed.is_empty() {
        bail!("the rebuild after the edit failed for {failed:?}");
    }
    let dir = session
        .built_dir(language)
        .context("no pages after the rebuild")?;
    let marks = count_in_html(dir, EDIT_MARK)?;
    if marks < round + 1 {
        bail!(
            "the rebuilt `{language}` pages show {marks} edit mark(s), expected {}",
            round + 1
        );
    }
    Ok((detected, rebuilt))
}

/// Puts [`EDIT_MARK`] at the start of the `round`-th translated message
/// (the header excluded).
fn mark_a_message(text: &str, round: usize) -> Option<String> {
    let mut offset = 0;
    let mut translated = 0;
    for (index, entry) in text.split("\n\n").enumerate() {
        let entry_start = offset;
        offset += entry.len() + 2;
        if index == 0 || entry.lines().all(|line| line.starts_with('#')) {
            continue; // the header, or comments only
        }
        // The first line of the translation: `msgstr "..."`, or the line
        // after a `msgstr ""` that continues on the next lines.
        let mut lines_offset = entry_start;
        let mut content = None;
        let mut after_empty_msgstr = false;
        for line in entry.split('\n') {
            if after_empty_msgstr {
                content = line.starts_with('"').then_some(lines_offset + 1);
                break;
            }
            if line == "msgstr \"\"" {
                after_empty_msgstr = true;
            } else if line.starts_with("msgstr \"") {
                content = Some(lines_offset + "msgstr \"".len());
                break;
            }
            lines_offset += line.len() + 1;
        }
        let Some(at) = content else { continue };
        if translated == round {
            let mut edited = text.to_string();
            edited.insert_str(at, &format!("{EDIT_MARK} "));
            return Some(edited);
        }
        translated += 1;
    }
    None
}

fn count_in_html(dir: &Path, needle: &str) -> Result<usize> {
    let mut count = 0;
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry?;
        if entry.path().extension().is_some_and(|e| e == "html")
            && entry.file_name() != "print.html"
        {
            count += std::fs::read_to_string(entry.path())?
                .matches(needle)
                .count();
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_translated_messages_in_turn_never_the_header() {
        let po = "msgid \"\"\nmsgstr \"\"\n\"Language: fr\\n\"\n\n\
                  #: a.md:1\nmsgid \"One\"\nmsgstr \"Un\"\n\n\
                  msgid \"Untranslated\"\nmsgstr \"\"\n\n\
                  msgid \"\"\n\"Two\"\nmsgstr \"\"\n\"Deux\"\n";
        let first = mark_a_message(po, 0).unwrap();
        assert!(first.contains("msgstr \"⁂ Un\""), "{first}");
        let second = mark_a_message(po, 1).unwrap();
        assert!(second.contains("msgstr \"\"\n\"⁂ Deux\""), "{second}");
        assert!(second.contains("\"Language: fr"), "{second}");
        assert_eq!(mark_a_message(po, 2), None);
    }
}
