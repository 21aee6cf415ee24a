//! `cargo xtask bench site`: how long building the site and rebuilding it
//! after an edit take, in-process as `cargo xtask build` and `cargo xtask
//! serve` do it.
//!
//! Everything runs on a temporary copy of the book (the real tree is never
//! edited):
//! - every language built in-process, cold (the first build of this
//!   process) and warm (the same again), and the link check of the result;
//! - under `serve` (its session, on a free port): the start (every language
//!   built), then a po edit of a translated language: the time from saving
//!   the catalog to the rebuilt pages served, for a first (cold) edit and
//!   two more (warm).

use super::{report, timed, Row};
use crate::serve::Session;
use anyhow::{bail, Context, Result};
use booktools::site::{self, SitePlan};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What an edit inserts at the start of a translated message.
pub const EDIT_MARK: &str = "⁂";

/// The longest wait for a rebuild after an edit.
const REBUILD_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs `bench site`.
pub fn run(root: &Path) -> Result<()> {
    let scratch = tempfile::Builder::new().prefix("bench-site-").tempdir()?;
    let book = scratch.path().join("book");
    booktools::book::copy_book_to(root, &book)?;
    let plan = SitePlan::load(&book, None)?;
    let languages = plan.languages.join(" + ");
    let site_dir = scratch.path().join("site");
    println!(
        "Building {languages} on a copy of the book in {}",
        book.display()
    );
    let build = || site::build_site_in_process(&book, &plan, &site_dir);
    let (cold, _) = timed(build)?;
    let (warm, _) = timed(build)?;
    let (check, links) = timed(|| site::links::check_site_links(&site_dir, &plan.site_url))?;

    let address = "127.0.0.1:0".parse()?;
    let serve_dir = scratch.path().join("serve");
    let (start, mut session) = timed(|| Session::start(&book, address, &serve_dir))?;
    let translated = (plan.languages.iter())
        .find(|language| **language != plan.source_language)
        .context("book.toml has a single language: no catalog to edit")?;
    let catalog = booktools::languages::BookLayout::load(&book)?.po_file(translated);
    let mut edits = Vec::new();
    for round in 0..3 {
        edits.push(edit_and_rebuild(&mut session, &catalog, translated, round)?);
    }
    let edit = format!("serve: `{translated}.po` saved -> `{translated}` pages rebuilt");
    report(&[
        Row::new(
            format!("in-process build, {languages}"),
            vec![cold],
            vec![warm],
        ),
        Row::once(format!("link check ({links} links)"), check),
        Row::once(format!("serve: start (build {languages})"), start),
        Row::first_cold(edit, edits),
    ]);
    Ok(())
}

/// Edits one message of `catalog` and waits for `session` to rebuild;
/// returns the time from the save to the rebuilt pages, checked to show
/// the edit.
fn edit_and_rebuild(
    session: &mut Session,
    catalog: &Path,
    language: &str,
    round: usize,
) -> Result<Duration> {
    let text = std::fs::read_to_string(catalog)
        .with_context(|| format!("reading {}", catalog.display()))?;
    let edited = mark_a_message(&text, round)
        .with_context(|| format!("{} has no translated message to edit", catalog.display()))?;
    std::fs::write(catalog, edited).with_context(|| format!("writing {}", catalog.display()))?;
    let saved = Instant::now();
    let changes = loop {
        let changes = session.next_change(Duration::from_secs(1))?;
        if !changes.files.is_empty() {
            break changes;
        }
        if saved.elapsed() > REBUILD_TIMEOUT {
            bail!(
                "no rebuild within {}s of the edit",
                REBUILD_TIMEOUT.as_secs()
            );
        }
    };
    let rebuilt = saved.elapsed();
    if !changes.languages.iter().eq([language]) {
        bail!(
            "a `{language}` catalog edit rebuilt {:?}",
            changes.languages
        );
    }
    let dir = session.built_dir(language).context("the rebuild failed")?;
    let marks: usize = marked_pages(dir)?.iter().map(|(_, count)| count).sum();
    if marks < round + 1 {
        bail!(
            "the rebuilt `{language}` pages show {marks} edit mark(s), expected {}",
            round + 1
        );
    }
    Ok(rebuilt)
}

/// Puts [`EDIT_MARK`] at the start of the `round`-th one-line translation
/// (`msgstr "..."`; the header's `msgstr ""` is not one).
pub fn mark_a_message(text: &str, round: usize) -> Option<String> {
    let start = "\nmsgstr \"";
    let at = (text.match_indices(start))
        .map(|(at, _)| at + start.len())
        .filter(|at| !text[*at..].starts_with('"'))
        .nth(round)?;
    Some(format!("{}{EDIT_MARK} {}", &text[..at], &text[at..]))
}

/// The pages under `dir` (relative, `print.html` left out) showing
/// [`EDIT_MARK`], with how many times.
pub fn marked_pages(dir: &Path) -> Result<Vec<(PathBuf, usize)>> {
    let mut pages = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "html") && entry.file_name() != "print.html" {
            let count = std::fs::read_to_string(path)?.matches(EDIT_MARK).count();
            if count > 0 {
                pages.push((path.strip_prefix(dir)?.to_path_buf(), count));
            }
        }
    }
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_one_line_translations_in_turn_never_the_header() {
        let po = "msgid \"\"\nmsgstr \"\"\n\"Language: fr\\n\"\n\n\
                  msgid \"One\"\nmsgstr \"Un\"\n\n\
                  msgid \"Untranslated\"\nmsgstr \"\"\n\n\
                  msgid \"Two\"\nmsgstr \"Deux\"\n";
        let first = mark_a_message(po, 0).unwrap();
        assert!(first.contains("msgstr \"⁂ Un\""), "{first}");
        let second = mark_a_message(po, 1).unwrap();
        assert!(second.contains("msgstr \"⁂ Deux\""), "{second}");
        assert_eq!(mark_a_message(po, 2), None);
    }
}
