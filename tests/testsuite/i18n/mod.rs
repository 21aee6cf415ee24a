//! The translations: catalogs, translated code, and the translator's workflow.

mod spelling;
mod translated_code;
mod translation;
mod translation_workflow;

use anyhow::{Context, Result};
use booktools::i18n::po::extract_pot;
use booktools::i18n::translation::{translations, Translation};
use graceful_shutdown_book::book_fixture::{line_of, TempBook};

/// The translated languages of a book; a book with none would make every
/// check pass without checking anything.
fn translated(root: &std::path::Path) -> Result<Vec<Translation>> {
    let found = translations(root)?;
    anyhow::ensure!(!found.is_empty(), "book.toml lists no translated language");
    Ok(found)
}

/// Puts `prefix` before a long paragraph of one chapter (not `SUMMARY.md`)
/// whose start is found once there, as an author rewording it would: its
/// chapter, its old msgid and its line before the edit.
fn reword(book: &TempBook, prefix: &str) -> Result<(String, String, usize)> {
    let template = extract_pot(book.root())?;
    for message in template.messages() {
        let source = message.source();
        let msgid = message.msgid();
        if source.contains([' ', '\n'])
            || source.contains("SUMMARY.md")
            || msgid.split_whitespace().count() <= 30
        {
            continue;
        }
        let (chapter, _) = source.rsplit_once(':').context("file:line")?;
        let first_words: String = msgid.chars().take(30).collect();
        let text = book.read(chapter)?;
        if text.matches(&first_words).count() == 1 {
            let line = line_of(&text, &first_words).context("the paragraph")?;
            book.replace_once(chapter, &first_words, &format!("{prefix}{first_words}"))?;
            return Ok((chapter.to_string(), msgid.to_string(), line));
        }
    }
    anyhow::bail!("no long one-chapter paragraph")
}

pub fn trials() -> Vec<libtest_mimic::Trial> {
    let mut trials = translation::trials();
    trials.extend(spelling::trials());
    trials.extend(translated_code::trials());
    trials.extend(translation_workflow::trials());
    trials
}
