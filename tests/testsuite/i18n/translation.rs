//! The checks of the catalogs and text files: the real book passes them,
//! and copies broken on purpose fail with the file and line.

use super::translated;
use anyhow::{Context, Result};
use booktools::i18n::po::extract_pot;
use booktools::i18n::translation::{
    check_anchors, check_completeness, check_mojibake, check_translations, check_typography,
    files_under, read_po, rules_for, text_folders, PoFile, Problem, Translation,
};
use graceful_shutdown_book::book_fixture::{fails_before, repository_root, TempBook};
use std::path::Path;

/// A check of one catalog: its problems, or the error of a malformed file.
type Check = fn(&Path, &Translation) -> Result<Vec<Problem>>;

/// Where a planted problem must be reported: its catalog line, and what
/// the report says.
type Planted = Option<(usize, Vec<String>)>;

/// The test of the real catalogs, named when the real book already fails.
pub(super) const MESSAGES_TEST: &str =
    "i18n::translation::the_real_book_passes_every_translation_check";

/// In a copy of the book, `plant` edits the lines of each translated
/// catalog (`None`: the language has no such rule); `check` must then
/// report one problem (or fail with one error) at that file and line,
/// saying each of its words.
fn assert_planted_problem_caught(
    check: Check,
    plant: impl Fn(&Translation, &PoFile, &mut Vec<String>) -> Result<Planted>,
) -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    let mut planted = 0;
    for translation in translated(book.root())? {
        let before = match check(book.root(), &translation) {
            Ok(problems) => problems.iter().map(ToString::to_string).collect(),
            Err(error) => vec![format!("{error:#}")],
        };
        if fails_before(&before, MESSAGES_TEST) {
            return Ok(());
        }
        let po = read_po(&translation.catalog)?;
        let text = std::fs::read_to_string(&translation.catalog)?;
        let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let Some((line, says)) = plant(&translation, &po, &mut lines)? else {
            continue;
        };
        planted += 1;
        std::fs::write(&translation.catalog, lines.join("\n"))?;
        let reports: Vec<String> = match check(book.root(), &translation) {
            Ok(problems) => problems.iter().map(ToString::to_string).collect(),
            Err(error) => vec![format!("{error:#}")],
        };
        let at = format!("{}:{line}: ", translation.catalog.display());
        let [report] = &reports[..] else {
            panic!("one report at {at} expected: {reports:#?}");
        };
        assert!(report.starts_with(&at), "{at} expected: {report}");
        for word in says {
            assert!(report.contains(&word), "{word:?} expected: {report}");
        }
    }
    anyhow::ensure!(planted > 0, "no catalog to plant the problem in");
    Ok(())
}

/// Completeness against the template extracted from the book at `root`.
fn completeness(root: &Path, translation: &Translation) -> Result<Vec<Problem>> {
    check_completeness(&extract_pot(root)?, translation)
}

/// The check of the strict reader (polib's cross-check included).
fn parse(_: &Path, translation: &Translation) -> Result<Vec<Problem>> {
    read_po(&translation.catalog).map(|_| Vec::new())
}

fn a_catalog_with_an_unterminated_string_fails_with_its_file_and_line() -> Result<()> {
    assert_planted_problem_caught(parse, |_, po, lines| {
        let entry = (po.live_entries())
            .find(|entry| entry.msgstr_segments.len() == 1 && entry.is_translated())
            .context("a one-line translation")?;
        lines[entry.msgstr_line - 1].pop();
        Ok(Some((entry.msgstr_line, vec!["double quotes".into()])))
    })
}

fn a_catalog_missing_a_blank_line_between_entries_fails_with_its_file_and_line() -> Result<()> {
    // polib would silently glue the two entries into one message.
    assert_planted_problem_caught(parse, |_, po, lines| {
        let second = po.live_entries().nth(1).context("two entries")?;
        assert_eq!(lines.remove(second.line - 2), "", "a blank line before it");
        Ok(Some((second.line - 1, vec!["blank line".into()])))
    })
}

/// The real book passes every translation check: its catalog files parse
/// (polib too) and translate today's sources, with the typography of their
/// language and the anchors of each English message; no text file holds
/// mojibake; identical listing files stay identical in every language.
fn the_real_book_passes_every_translation_check() -> Result<()> {
    let root = repository_root();
    translated(&root)?;
    for folder in &text_folders(&root)? {
        assert!(folder.is_dir(), "{} is not a folder", folder.display());
    }
    check_translations(&root)
}

fn a_fuzzy_entry_is_reported_with_its_line_and_chapter() -> Result<()> {
    assert_planted_problem_caught(completeness, |_, po, lines| {
        let entry = (po.live_entries())
            .find(|entry| entry.flags.is_empty() && entry.references.len() == 1)
            .context("an entry of one chapter, without flags")?;
        lines.insert(entry.msgid_line - 1, "#, fuzzy".into());
        let says = vec!["fuzzy entry".into(), entry.references[0].clone()];
        Ok(Some((entry.msgid_line, says)))
    })
}

fn an_untranslated_entry_is_reported_with_its_line_and_chapter() -> Result<()> {
    assert_planted_problem_caught(completeness, |_, po, lines| {
        let entry = (po.live_entries())
            .find(|entry| entry.msgstr_segments.len() == 1 && entry.references.len() == 1)
            .context("a one-line translation of one chapter")?;
        lines[entry.msgstr_line - 1] = "msgstr \"\"".into();
        let says = vec!["untranslated entry".into(), entry.references[0].clone()];
        Ok(Some((entry.msgstr_line, says)))
    })
}

fn an_obsolete_entry_is_reported_with_its_line() -> Result<()> {
    assert_planted_problem_caught(completeness, |_, _, lines| {
        lines.extend(["#~ msgid \"Old text\"", "#~ msgstr \"Vieux texte\"", ""].map(Into::into));
        Ok(Some((lines.len() - 2, vec!["obsolete `#~` entry".into()])))
    })
}

fn an_ordinary_space_before_a_colon_is_reported_with_the_po_line() -> Result<()> {
    let typography = |_: &Path, translation: &Translation| check_typography(translation);
    assert_planted_problem_caught(typography, |translation, _, lines| {
        let rules = rules_for(&translation.language);
        if !rules.is_some_and(|rules| rules.no_break_space_before.contains(':')) {
            return Ok(None);
        }
        let (index, line) = (lines.iter_mut().enumerate())
            .find(|(_, line)| line.starts_with("msgstr \"") && line.contains("\u{A0}:"))
            .context("a translation with a no-break space before `:`")?;
        *line = line.replacen("\u{A0}:", " :", 1);
        Ok(Some((
            index + 1,
            vec!["an ordinary space before `:`".into()],
        )))
    })
}

fn a_changed_english_paragraph_is_reported_as_missing_and_stale() -> Result<()> {
    // Checked against the sources as they are now, not the committed template.
    let book = TempBook::copy_of_repository()?;
    let (chapter, _, line) = super::reword(&book, "Newly ")?;
    for translation in translated(book.root())? {
        let problems = completeness(book.root(), &translation)?;
        let [missing, stale] = &problems[..] else {
            panic!("a missing and a stale entry expected: {problems:#?}");
        };
        assert_eq!(missing.file, translation.catalog);
        assert!(missing.message.starts_with("no entry for"), "{missing}");
        assert!(
            missing.message.contains(&format!("{chapter}:{line}")),
            "{missing}"
        );
        assert!(stale.message.starts_with("stale entry"), "{stale}");
    }
    Ok(())
}

/// Two translations that carry code swap places, as a slip of a merge
/// could do: both stay translated and not fuzzy, and the anchors check
/// names both PO lines.
fn two_swapped_translations_are_caught_naming_both_po_lines() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    for translation in translated(book.root())? {
        let po = read_po(&translation.catalog)?;
        let with_code: Vec<_> = (po.live_entries())
            .filter(|entry| entry.msgid.contains('`') && entry.is_translated())
            .take(2)
            .collect();
        let [first, second] = with_code[..] else {
            anyhow::bail!("two translated messages with code");
        };
        let msgstr = |entry: &booktools::i18n::translation::PoEntry| {
            let last = entry
                .msgstr_segments
                .last()
                .map_or(entry.msgstr_line, |s| s.0);
            (entry.msgstr_line - 1)..last
        };
        let (first, second) = (msgstr(first), msgstr(second));
        let text = std::fs::read_to_string(&translation.catalog)?;
        let lines: Vec<&str> = text.lines().collect();
        let mut swapped: Vec<&str> = lines[..first.start].to_vec();
        for range in [
            second.clone(),
            first.end..second.start,
            first.clone(),
            second.end..lines.len(),
        ] {
            swapped.extend(&lines[range]);
        }
        std::fs::write(&translation.catalog, swapped.join("\n") + "\n")?;

        let problems = check_anchors(book.root(), &translation)?;
        let lines: Vec<Option<usize>> = problems.iter().map(|p| p.line).collect();
        let moved = second.end - first.len();
        assert_eq!(
            lines,
            [Some(first.start + 1), Some(moved + 1)],
            "{problems:#?}"
        );
        let message = &problems[0].message;
        let another = message.contains("is it the translation of another message?");
        assert!(another && message.contains("missing"), "{message}");
    }
    Ok(())
}

/// Listings 20-24 and 20-25 share their `src/lib.rs` in English; a French
/// message changed in only one of them is named with both files.
fn a_translated_file_drifting_from_its_identical_twin_is_named() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
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
        let [problem] = &problems[..] else {
            panic!("one problem expected: {problems:#?}");
        };
        assert_eq!(
            (&problem.file, problem.line),
            (&book.root().join(&file), Some(line))
        );
        assert!(
            problem.message.contains("listing-20-24/src/lib.rs"),
            "{problem}"
        );
    }
    Ok(())
}

fn mojibake_is_reported_with_its_file_and_line() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    // The first file of each checked folder gets a line with `é` encoded
    // twice (UTF-8 read as Windows-1252), and a `Â` + no-break space line.
    let mut expected = Vec::new();
    for folder in text_folders(book.root())? {
        let files = files_under(std::slice::from_ref(&folder))?;
        let file = files.first().context("an empty text folder")?;
        let mut text = std::fs::read_to_string(file)?;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        let line = text.lines().count() + 1;
        text.push_str("Le r\u{C3}\u{A9}sum\u{C3}\u{A9}\nFichier \u{C2}\u{A0}: src/lib.rs\n");
        std::fs::write(file, text)?;
        let file = file.display();
        expected.push(format!("{file}:{line}: mojibake `Ã©`"));
        expected.push(format!("{file}:{}: mojibake `Â<U+00A0>`", line + 1));
    }
    let problems = check_mojibake(book.root())?;
    let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
    for wanted in &expected {
        let found = problems.iter().any(|p| p.starts_with(wanted));
        assert!(found, "{wanted} not in {problems:#?}");
    }
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
            let found = msgids.iter().find(|msgid| msgid.contains(line));
            assert!(found.is_none(), "{}: {line:?} in {found:?}", file.display());
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

    let error = format!("{:#}", extract_pot(book.root()).err().context("no error")?);
    assert!(error.contains(&format!("{chapter}:{line}")), "{error}");
    assert!(error.contains("directive"), "{error}");
    Ok(())
}

crate::trials!(
    the_real_book_passes_every_translation_check,
    a_translated_file_drifting_from_its_identical_twin_is_named,
    two_swapped_translations_are_caught_naming_both_po_lines,
    a_catalog_with_an_unterminated_string_fails_with_its_file_and_line,
    a_catalog_missing_a_blank_line_between_entries_fails_with_its_file_and_line,
    a_fuzzy_entry_is_reported_with_its_line_and_chapter,
    an_untranslated_entry_is_reported_with_its_line_and_chapter,
    an_obsolete_entry_is_reported_with_its_line,
    a_changed_english_paragraph_is_reported_as_missing_and_stale,
    an_ordinary_space_before_a_colon_is_reported_with_the_po_line,
    mojibake_is_reported_with_its_file_and_line,
    the_template_holds_prose_and_no_listing_code,
    a_directive_extracted_as_prose_is_an_error_naming_the_chapter
);
