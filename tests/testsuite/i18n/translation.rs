//! The translations: every catalog parses, translates every message of the
//! English sources as they are now, follows the typography of its
//! language, and no text file of the book holds mojibake. The checks loop
//! over the translated languages of `book.toml`; the bad-input tests break
//! a temporary copy of the book and expect the file and line in the error.

use anyhow::{Context, Result};
use booktools::i18n::po::extract_pot;
use booktools::i18n::translation::{
    check_anchors, check_catalog_files, check_completeness, check_mojibake, check_typography,
    files_under, read_po, rules_for, text_folders, translations, Problem, Translation,
};
use graceful_shutdown_book::book_fixture::{fails_before, line_of, repository_root, TempBook};
use std::path::Path;

/// The translated languages of a book; a book with none would make every
/// check here pass without checking anything.
fn translated(root: &Path) -> Result<Vec<Translation>> {
    let found = translations(root)?;
    anyhow::ensure!(!found.is_empty(), "book.toml lists no translated language");
    Ok(found)
}

/// Fails with the problems, one per line.
fn assert_no_problems(what: &str, problems: &[Problem]) {
    let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(problems.is_empty(), "{what}:\n{}", list.join("\n"));
}

/// The path of `absolute` inside the temporary book, for `TempBook` edits.
fn relative<'a>(book: &TempBook, absolute: &'a Path) -> &'a str {
    absolute
        .strip_prefix(book.root())
        .expect("a file of the copy")
        .to_str()
        .expect("a UTF-8 path")
}

/// The test of the real catalogs' messages, which bad-input tests name
/// when the real book already fails it.
const MESSAGES_TEST: &str =
    "i18n::translation::the_real_catalogs_pass_every_check_of_their_messages";

/// The translation in the copy that matches `translation` of the real book.
fn in_copy(book: &TempBook, translation: &Translation) -> Result<Translation> {
    translations(book.root())?
        .into_iter()
        .find(|t| t.language == translation.language)
        .context("the copy has the same languages")
}

fn every_catalog_parses_with_polib() -> Result<()> {
    let root = repository_root();
    assert_no_problems("catalog files", &check_catalog_files(&root)?);
    for translation in translated(&root)? {
        let po = read_po(&translation.catalog)?;
        assert!(
            po.live_entries().count() > 0,
            "{} has no entry",
            translation.catalog.display()
        );
        assert_eq!(
            po.header_field("Language"),
            Some(translation.language.as_str())
        );
    }
    Ok(())
}

fn a_catalog_with_an_unterminated_string_fails_with_its_file_and_line() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    for translation in translated(&repository_root())? {
        let translation = in_copy(&book, &translation)?;
        let po = read_po(&translation.catalog)?;
        let entry = po
            .live_entries()
            .find(|entry| entry.msgstr_segments.len() == 1 && entry.is_translated())
            .context("a one-line translation")?;
        let text = book.read(relative(&book, &translation.catalog))?;
        let line = text
            .lines()
            .nth(entry.msgstr_line - 1)
            .expect("the msgstr line");
        let broken = line.strip_suffix('"').expect("a closed string");
        book.replace_once(relative(&book, &translation.catalog), line, broken)?;

        let error = read_po(&translation.catalog).unwrap_err().to_string();
        let expected = format!("{}:{}: ", translation.catalog.display(), entry.msgstr_line);
        assert!(error.starts_with(&expected), "{error}");
    }
    Ok(())
}

fn a_catalog_missing_a_blank_line_between_entries_fails_with_its_file_and_line() -> Result<()> {
    // polib would silently glue the two entries into one message.
    let book = TempBook::copy_of_repository()?;
    for translation in translated(&repository_root())? {
        let translation = in_copy(&book, &translation)?;
        let po = read_po(&translation.catalog)?;
        let second = po.live_entries().nth(1).context("two entries")?;
        let text = book.read(relative(&book, &translation.catalog))?;
        let mut lines: Vec<&str> = text.split('\n').collect();
        assert_eq!(lines[second.line - 2], "", "a blank line before the entry");
        lines.remove(second.line - 2);
        std::fs::write(&translation.catalog, lines.join("\n"))?;

        let error = read_po(&translation.catalog).unwrap_err().to_string();
        let expected = format!("{}:{}: ", translation.catalog.display(), second.line - 1);
        assert!(error.starts_with(&expected), "{error}");
        assert!(error.contains("blank line"), "{error}");
    }
    Ok(())
}

/// Each catalog of the real book passes the checks of its messages: every
/// message of the English sources translated (not fuzzy, not obsolete), the
/// typography of its language, and the anchors of each English message
/// carried over.
fn the_real_catalogs_pass_every_check_of_their_messages() -> Result<()> {
    let root = repository_root();
    for translation in translated(&root)? {
        for (check, problems) in [
            ("completeness", check_completeness(&root, &translation)?),
            ("typography", check_typography(&translation)?),
            ("anchors", check_anchors(&root, &translation)?),
        ] {
            let what = format!("{check} of {}", translation.catalog.display());
            assert_no_problems(&what, &problems);
        }
    }
    Ok(())
}

fn a_fuzzy_entry_is_reported_with_its_line_and_chapter() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    for translation in translated(&repository_root())? {
        let translation = in_copy(&book, &translation)?;
        if fails_before(
            &check_completeness(book.root(), &translation)?,
            MESSAGES_TEST,
        ) {
            return Ok(());
        }
        let po = read_po(&translation.catalog)?;
        let entry = po
            .live_entries()
            .find(|entry| entry.flags.is_empty() && entry.references.len() == 1)
            .context("an entry of one chapter, without flags")?;
        let reference = entry.references[0].clone();
        let text = book.read(relative(&book, &translation.catalog))?;
        let mut lines: Vec<&str> = text.split('\n').collect();
        lines.insert(entry.msgid_line - 1, "#, fuzzy");
        std::fs::write(&translation.catalog, lines.join("\n"))?;

        let problems = check_completeness(book.root(), &translation)?;
        assert_eq!(problems.len(), 1, "{problems:#?}");
        let report = problems[0].to_string();
        let expected = format!(
            "{}:{}: fuzzy",
            translation.catalog.display(),
            entry.msgid_line
        );
        assert!(report.starts_with(&expected), "{report}");
        assert!(report.contains(&reference), "{report}");
    }
    Ok(())
}

fn an_untranslated_entry_is_reported_with_its_line_and_chapter() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    for translation in translated(&repository_root())? {
        let translation = in_copy(&book, &translation)?;
        if fails_before(
            &check_completeness(book.root(), &translation)?,
            MESSAGES_TEST,
        ) {
            return Ok(());
        }
        let po = read_po(&translation.catalog)?;
        let entry = po
            .live_entries()
            .find(|entry| entry.msgstr_segments.len() == 1 && entry.references.len() == 1)
            .context("a one-line translation of one chapter")?;
        let reference = entry.references[0].clone();
        let text = book.read(relative(&book, &translation.catalog))?;
        let line = text
            .lines()
            .nth(entry.msgstr_line - 1)
            .expect("the msgstr line");
        book.replace_once(relative(&book, &translation.catalog), line, "msgstr \"\"")?;

        let problems = check_completeness(book.root(), &translation)?;
        assert_eq!(problems.len(), 1, "{problems:#?}");
        let report = problems[0].to_string();
        let expected = format!(
            "{}:{}: untranslated",
            translation.catalog.display(),
            entry.msgstr_line
        );
        assert!(report.starts_with(&expected), "{report}");
        assert!(report.contains(&reference), "{report}");
    }
    Ok(())
}

fn an_obsolete_entry_is_reported_with_its_line() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    for translation in translated(&repository_root())? {
        let translation = in_copy(&book, &translation)?;
        if fails_before(
            &check_completeness(book.root(), &translation)?,
            MESSAGES_TEST,
        ) {
            return Ok(());
        }
        let mut text = book.read(relative(&book, &translation.catalog))?;
        let line = text.lines().count() + 2;
        text.push_str("\n#~ msgid \"Old text\"\n#~ msgstr \"Vieux texte\"\n");
        std::fs::write(&translation.catalog, text)?;

        let problems = check_completeness(book.root(), &translation)?;
        assert_eq!(problems.len(), 1, "{problems:#?}");
        let report = problems[0].to_string();
        let expected = format!("{}:{line}: obsolete", translation.catalog.display());
        assert!(report.starts_with(&expected), "{report}");
    }
    Ok(())
}

fn a_changed_english_paragraph_is_reported_as_missing_and_stale() -> Result<()> {
    // Completeness is checked against the sources as they are now, not
    // against the committed template.
    let book = TempBook::copy_of_repository()?;
    for translation in translations(book.root())? {
        if fails_before(
            &check_completeness(book.root(), &translation)?,
            MESSAGES_TEST,
        ) {
            return Ok(());
        }
    }
    let template = extract_pot(book.root())?;
    // A message of one chapter whose first 25 characters are plain words,
    // written the same in the Markdown source.
    let plain = |msgid: &str| {
        msgid.chars().count() > 25
            && msgid
                .chars()
                .take(25)
                .all(|c| c.is_ascii_alphanumeric() || c == ' ')
    };
    let message = template
        .messages()
        .filter(|m| !m.source().contains("SUMMARY.md") && !m.source().contains(' '))
        .find(|m| plain(m.msgid()))
        .context("a plain message of one chapter")?;
    let (chapter, _) = message.source().rsplit_once(':').context("file:line")?;
    let chapter_text = book.read(chapter)?;
    let first_words: String = message.msgid().chars().take(25).collect();
    let line = line_of(&chapter_text, &first_words).context("the paragraph in the chapter")?;
    book.replace_once(chapter, &first_words, &format!("Newly {first_words}"))?;

    for translation in translated(&repository_root())? {
        let translation = in_copy(&book, &translation)?;
        let problems: Vec<String> = check_completeness(book.root(), &translation)?
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(problems.len(), 2, "{problems:#?}");
        let missing = format!("{}: no entry for", translation.catalog.display());
        assert!(problems[0].starts_with(&missing), "{}", problems[0]);
        assert!(
            problems[0].contains(&format!("{chapter}:{line}")),
            "{}",
            problems[0]
        );
        assert!(problems[1].contains(": stale entry"), "{}", problems[1]);
    }
    Ok(())
}

fn an_ordinary_space_before_a_colon_is_reported_with_the_po_line() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    let with_rules: Vec<Translation> = translated(&repository_root())?
        .into_iter()
        .filter(|t| rules_for(&t.language).is_some_and(|r| r.no_break_space_before.contains(':')))
        .collect();
    assert!(
        !with_rules.is_empty(),
        "no language asks for a space before `:`"
    );
    for translation in with_rules {
        let translation = in_copy(&book, &translation)?;
        if fails_before(&check_typography(&translation)?, MESSAGES_TEST) {
            return Ok(());
        }
        let catalog = relative(&book, &translation.catalog).to_string();
        let text = book.read(&catalog)?;
        let (line_number, line) = text
            .lines()
            .enumerate()
            .find(|(_, line)| line.starts_with("msgstr \"") && line.contains("\u{A0}:"))
            .context("a translation with a no-break space before `:`")?;
        book.replace_once(&catalog, line, &line.replacen("\u{A0}:", " :", 1))?;

        let problems = check_typography(&translation)?;
        assert_eq!(problems.len(), 1, "{problems:#?}");
        let report = problems[0].to_string();
        let expected = format!(
            "{}:{}: an ordinary space before `:`",
            translation.catalog.display(),
            line_number + 1
        );
        assert!(report.starts_with(&expected), "{report}");
    }
    Ok(())
}

/// Two translations that carry code swap places, as a slip of a merge
/// could do: both stay translated and not fuzzy, and the anchors check
/// names both PO lines.
fn two_swapped_translations_are_caught_naming_both_po_lines() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    for translation in translated(&repository_root())? {
        let translation = in_copy(&book, &translation)?;
        if fails_before(&check_anchors(book.root(), &translation)?, MESSAGES_TEST) {
            return Ok(());
        }
        let catalog = relative(&book, &translation.catalog).to_string();
        let po = read_po(&translation.catalog)?;
        let with_code: Vec<_> = po
            .live_entries()
            .filter(|entry| entry.msgid.contains('`') && entry.is_translated())
            .take(2)
            .collect();
        anyhow::ensure!(with_code.len() == 2, "two translated messages with code");
        let text = book.read(&catalog)?;
        let lines: Vec<&str> = text.lines().collect();
        let range = |entry: &booktools::i18n::translation::PoEntry| {
            let last = entry
                .msgstr_segments
                .last()
                .map_or(entry.msgstr_line, |s| s.0);
            (entry.msgstr_line - 1)..last
        };
        let (first, second) = (range(with_code[0]), range(with_code[1]));
        let mut swapped: Vec<&str> = lines[..first.start].to_vec();
        swapped.extend(&lines[second.clone()]);
        swapped.extend(&lines[first.end..second.start]);
        swapped.extend(&lines[first.clone()]);
        swapped.extend(&lines[second.end..]);
        std::fs::write(&translation.catalog, swapped.join("\n") + "\n")?;

        let problems = check_anchors(book.root(), &translation)?;
        let lines: Vec<Option<usize>> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines.len(), 2, "{problems:#?}");
        assert_eq!(lines[0], Some(first.start + 1), "{problems:#?}");
        assert!(
            problems[0]
                .message
                .contains("is it the translation of another message?")
                && problems[0].message.contains("missing"),
            "{}",
            problems[0]
        );
    }
    Ok(())
}

fn identical_listing_files_are_identical_in_every_language() -> Result<()> {
    let problems = booktools::i18n::translation::check_identical_twins(&repository_root())?;
    assert_no_problems("identical twins", &problems);
    Ok(())
}

/// Listings 20-24 and 20-25 share their `src/lib.rs` in English; a French
/// message changed in only one of them is named with both files.
fn a_translated_file_drifting_from_its_identical_twin_is_named() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    let twins = booktools::i18n::translation::check_identical_twins(book.root())?;
    let real_test = "i18n::translation::identical_listing_files_are_identical_in_every_language";
    if fails_before(&twins, real_test) {
        return Ok(());
    }
    let layout = booktools::languages::BookLayout::load(book.root())?;
    for language in layout.translated() {
        let tree = &language.tree_setting;
        let file = format!("{tree}/ch20-web-server/listing-20-25/src/lib.rs");
        let text = book.read(&file)?;
        let (line, literal) = text
            .lines()
            .enumerate()
            .find_map(|(n, line)| line.contains("println!(\"").then_some((n + 1, line)))
            .context("a println! in listing 20-25")?;
        book.replace_once(
            &file,
            literal,
            &literal.replacen("println!(\"", "println!(\"~", 1),
        )?;
        let problems = booktools::i18n::translation::check_identical_twins(book.root())?;
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_eq!(problems[0].file, book.root().join(&file));
        assert_eq!(problems[0].line, Some(line));
        assert!(
            problems[0].message.contains("listing-20-24/src/lib.rs"),
            "{}",
            problems[0]
        );
    }
    Ok(())
}

fn no_text_file_holds_mojibake() -> Result<()> {
    let root = repository_root();
    let folders = text_folders(&root)?;
    for folder in &folders {
        assert!(folder.is_dir(), "{} is not a folder", folder.display());
    }
    assert_no_problems("mojibake", &check_mojibake(&root)?);
    Ok(())
}

fn mojibake_is_reported_with_its_file_and_line() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    if fails_before(
        &check_mojibake(book.root())?,
        "i18n::translation::no_text_file_holds_mojibake",
    ) {
        return Ok(());
    }
    // The first file of each checked folder gets a line with `é` encoded
    // twice (UTF-8 read as Windows-1252), and a `Â` + no-break space line.
    let mut expected = Vec::new();
    for folder in text_folders(book.root())? {
        let files = files_under(std::slice::from_ref(&folder))?;
        let file = files
            .first()
            .with_context(|| format!("no file in {}", folder.display()))?;
        let mut text = std::fs::read_to_string(file)?;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        let line = text.lines().count() + 1;
        text.push_str("Le r\u{C3}\u{A9}sum\u{C3}\u{A9}\nFichier \u{C2}\u{A0}: src/lib.rs\n");
        std::fs::write(file, text)?;
        expected.push(format!("{}:{line}: mojibake `Ã©`", file.display()));
        expected.push(format!(
            "{}:{}: mojibake `Â<U+00A0>`",
            file.display(),
            line + 1
        ));
    }
    let problems: Vec<String> = check_mojibake(book.root())?
        .iter()
        .map(ToString::to_string)
        .collect();
    for wanted in &expected {
        assert!(
            problems.iter().any(|p| p.starts_with(wanted)),
            "{wanted} not in {problems:#?}"
        );
    }
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
    Ok(())
}

fn the_template_holds_prose_and_no_listing_code() -> Result<()> {
    let root = repository_root();
    let template = extract_pot(&root)?;
    let msgids: Vec<&str> = template.messages().map(|m| m.msgid()).collect();
    assert!(msgids.len() > 10, "{} messages only", msgids.len());
    let layout = booktools::languages::BookLayout::load(&root)?;
    let trees: Vec<_> = layout.languages.iter().map(|l| l.tree.clone()).collect();
    let mut code_lines = 0;
    for file in files_under(&trees)? {
        if !file.extension().is_some_and(|e| e == "rs" || e == "txt") {
            continue;
        }
        let text = std::fs::read_to_string(&file)?;
        for line in text.lines().map(str::trim).filter(|line| line.len() >= 12) {
            code_lines += 1;
            if let Some(msgid) = msgids.iter().find(|msgid| msgid.contains(line)) {
                panic!(
                    "{} line {line:?} is in the template: {msgid:?}",
                    file.display()
                );
            }
        }
    }
    assert!(code_lines > 100, "only {code_lines} listing lines compared");
    Ok(())
}

fn a_directive_extracted_as_prose_is_an_error_naming_the_chapter() -> Result<()> {
    // A code block without a language that holds `//` is prose to
    // mdbook-xgettext: the include line would become a message.
    let book = TempBook::copy_of_repository()?;
    let template = extract_pot(book.root())?;
    let chapter = template
        .messages()
        .flat_map(|m| m.source().split_whitespace())
        .map(|source| source.rsplit_once(':').map_or(source, |(file, _)| file))
        .find(|file| !file.ends_with("SUMMARY.md"))
        .context("a chapter")?
        .to_string();
    let mut text = book.read(&chapter)?;
    let line = text.lines().count() + 2;
    text.push_str("\n```\n// a comment\n{{#include ../listings-sources/missing.rs}}\n```\n");
    std::fs::write(book.root().join(&chapter), text)?;

    let error = match extract_pot(book.root()) {
        Ok(_) => panic!("the include line was extracted without error"),
        Err(error) => format!("{error:#}"),
    };
    assert!(error.contains(&format!("{chapter}:{line}")), "{error}");
    assert!(error.contains("directive"), "{error}");
    Ok(())
}

crate::trials!(
    the_real_catalogs_pass_every_check_of_their_messages,
    identical_listing_files_are_identical_in_every_language,
    a_translated_file_drifting_from_its_identical_twin_is_named,
    two_swapped_translations_are_caught_naming_both_po_lines,
    every_catalog_parses_with_polib,
    a_catalog_with_an_unterminated_string_fails_with_its_file_and_line,
    a_catalog_missing_a_blank_line_between_entries_fails_with_its_file_and_line,
    a_fuzzy_entry_is_reported_with_its_line_and_chapter,
    an_untranslated_entry_is_reported_with_its_line_and_chapter,
    an_obsolete_entry_is_reported_with_its_line,
    a_changed_english_paragraph_is_reported_as_missing_and_stale,
    an_ordinary_space_before_a_colon_is_reported_with_the_po_line,
    no_text_file_holds_mojibake,
    mojibake_is_reported_with_its_file_and_line,
    the_template_holds_prose_and_no_listing_code,
    a_directive_extracted_as_prose_is_an_error_naming_the_chapter
);
