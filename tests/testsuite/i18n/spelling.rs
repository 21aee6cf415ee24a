//! Spelling: the prose of every language passes its Hunspell dictionary
//! (`dictionaries/<lang>/`), and a misspelling put into a temporary copy is
//! caught in every language with its file, its line and the right word
//! among the suggestions.

use anyhow::{Context, Result};
use booktools::i18n::translation::read_po;
use booktools::i18n::translation::spelling::{
    check_book, dictionary, prose_words, Dictionary, DICTIONARIES,
};
use booktools::languages::BookLayout;
use graceful_shutdown_book::book_fixture::{fails_before, line_of, repository_root, TempBook};
use std::path::Path;

fn the_book_is_spelled_right_in_every_language() -> Result<()> {
    let root = repository_root();
    booktools::ensure_none("spelling", &check_book(&root, &root.join(DICTIONARIES))?)
}

/// A long known word of the prose swapped into a word the dictionary does
/// not know (`shutting` -> `shtuting`), on a line found once in the file:
/// the line as written, the word, the misspelling.
struct Typo {
    line: String,
    word: String,
    misspelled: String,
}

/// The first word of `words` (line, word) that makes a usable [`Typo`].
fn typo_in<'a>(
    file_text: &str,
    words: impl IntoIterator<Item = (usize, &'a str)>,
    dictionary: &Dictionary,
) -> Option<Typo> {
    words.into_iter().find_map(|(line, word)| {
        let line = file_text.lines().nth(line - 1)?;
        if word.len() < 8 || !word.chars().all(|c| c.is_ascii_lowercase()) {
            return None;
        }
        let mut letters: Vec<char> = word.chars().collect();
        letters.swap(2, 3);
        let misspelled: String = letters.into_iter().collect();
        let usable = dictionary.check(word) && !dictionary.check(&misspelled);
        let unique = file_text.matches(line).count() == 1 && line.matches(word).count() == 1;
        (usable && unique).then(|| Typo {
            line: line.to_string(),
            word: word.to_string(),
            misspelled,
        })
    })
}

/// Puts `typo` into `file` of the copy, checks the copy, and expects one
/// problem, at the typo's line, naming it and suggesting the word.
fn assert_caught(book: &TempBook, file: &Path, typo: &Typo) -> Result<()> {
    let before = check_book(book.root(), &repository_root().join(DICTIONARIES))?;
    let real_test = "i18n::spelling::the_book_is_spelled_right_in_every_language";
    if fails_before(&before, real_test) {
        return Ok(());
    }
    let relative = file.strip_prefix(book.root())?.to_str().context("UTF-8")?;
    let broken = typo.line.replacen(&typo.word, &typo.misspelled, 1);
    book.replace_once(relative, &typo.line, &broken)?;
    let line = line_of(&book.read(relative)?, &broken).context("the broken line")?;
    let problems = check_book(book.root(), &repository_root().join(DICTIONARIES))?;
    let [problem] = &problems[..] else {
        panic!("one problem expected: {problems:#?}");
    };
    assert_eq!((problem.file.as_path(), problem.line), (file, Some(line)));
    let message = &problem.message;
    let misspelled = format!("`{}`", typo.misspelled);
    assert!(
        message.contains(&misspelled) && message.contains(&typo.word),
        "{message}"
    );
    Ok(())
}

fn a_misspelling_in_the_sources_is_caught_with_its_line_and_a_suggestion() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    let layout = BookLayout::load(book.root())?;
    let english = dictionary(
        &repository_root().join(DICTIONARIES),
        &layout.source_language,
    )?;
    let sources = booktools::i18n::translation::files_under(std::slice::from_ref(&layout.src))?;
    for chapter in sources
        .iter()
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
    {
        let text = std::fs::read_to_string(chapter)?;
        let words = prose_words(&text).into_iter();
        let lines = words.map(|(at, word)| (1 + text[..at].matches('\n').count(), word));
        if let Some(typo) = typo_in(&text, lines, &english) {
            return assert_caught(&book, chapter, &typo);
        }
    }
    anyhow::bail!("no long word to misspell in {}", layout.src.display())
}

fn a_misspelling_in_each_translation_is_caught_with_its_po_line_and_a_suggestion() -> Result<()> {
    for translation in super::translated(&repository_root())? {
        let book = TempBook::copy_of_repository()?;
        let catalog = BookLayout::load(book.root())?.po_file(&translation.language);
        let dictionary = dictionary(&repository_root().join(DICTIONARIES), &translation.language)?;
        let text = std::fs::read_to_string(&catalog)?;
        let po = read_po(&catalog)?;
        let typo = po
            .live_entries()
            .filter(|entry| entry.is_translated())
            .find_map(|entry| {
                let words = prose_words(&entry.msgstr[0]).into_iter();
                let lines = words.map(|(at, word)| (entry.msgstr_line_at(at), word));
                typo_in(&text, lines, &dictionary)
            })
            .with_context(|| format!("no long word to misspell in {}", catalog.display()))?;
        assert_caught(&book, &catalog, &typo)?;
    }
    Ok(())
}

crate::trials!(
    the_book_is_spelled_right_in_every_language,
    a_misspelling_in_the_sources_is_caught_with_its_line_and_a_suggestion,
    a_misspelling_in_each_translation_is_caught_with_its_po_line_and_a_suggestion,
);
