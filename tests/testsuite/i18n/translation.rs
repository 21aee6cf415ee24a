//! The checks of the catalogs and text files: the real book passes them,
//! and copies broken on purpose fail with the file and line.

use super::translated;
use anyhow::{Context, Result};
use booktools::i18n::po::extract_pot;
use booktools::i18n::translation::{
    check_catalog, check_mojibake, check_translations, files_under, read_po, rules_for,
    text_folders, PoEntry, PoFile, Problem, Translation,
};
use graceful_shutdown_book::book_fixture::{fails_before, repository_root, TempBook};
use polib::catalog::Catalog;
use std::path::Path;

/// The test of the real catalogs, named when the real book already fails.
pub(super) const MESSAGES_TEST: &str =
    "i18n::translation::the_real_book_passes_every_translation_check";

/// The checks of one catalog as `check_translations` runs them.
/// The catalog checks of `translation`, against `template` (extracted
/// once per book: only catalogs change between two calls).
pub(super) fn check(
    root: &Path,
    template: &Catalog,
    translation: &Translation,
) -> Result<Vec<Problem>> {
    let po = read_po(&translation.catalog)?;
    check_catalog(root, template, &translation.language, &po)
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

/// Problems planted in the lines of a catalog: each catalog line where one
/// must be reported and what the report says (none: the language has no
/// such rule).
type Plant = fn(&Translation, &PoFile, &mut Vec<String>) -> Result<Vec<(usize, Vec<String>)>>;

const PLANTS: &[(&str, Plant)] = &[
    ("a fuzzy entry", |_, po, lines| {
        let entry = (po.live_entries())
            .find(|entry| entry.flags.is_empty() && entry.references.len() == 1)
            .context("an entry of one chapter, without flags")?;
        lines.insert(entry.msgid_line - 1, "#, fuzzy".into());
        let says = vec!["fuzzy entry".into(), entry.references[0].clone()];
        Ok(vec![(entry.msgid_line, says)])
    }),
    ("an untranslated entry", |_, po, lines| {
        let entry = (po.live_entries())
            .find(|entry| entry.msgstr_segments.len() == 1 && entry.references.len() == 1)
            .context("a one-line translation of one chapter")?;
        lines[entry.msgstr_line - 1] = "msgstr \"\"".into();
        let says = vec!["untranslated entry".into(), entry.references[0].clone()];
        Ok(vec![(entry.msgstr_line, says)])
    }),
    ("an obsolete entry", |_, _, lines| {
        lines.extend(["#~ msgid \"Old text\"", "#~ msgstr \"Vieux texte\"", ""].map(Into::into));
        Ok(vec![(lines.len() - 2, vec!["obsolete `#~` entry".into()])])
    }),
    (
        "an ordinary space before a colon",
        |translation, _, lines| {
            let rules = rules_for(&translation.language);
            if !rules.is_some_and(|rules| rules.no_break_space_before.contains(':')) {
                return Ok(Vec::new());
            }
            let (index, line) = (lines.iter_mut().enumerate())
                .find(|(_, line)| line.starts_with("msgstr \"") && line.contains("\u{A0}:"))
                .context("a translation with a no-break space before `:`")?;
            *line = line.replacen("\u{A0}:", " :", 1);
            let says = vec!["an ordinary space before `:`".into()];
            Ok(vec![(index + 1, says)])
        },
    ),
    (
        "translations left as English prose, their own and another's",
        |_, po, lines| {
            // Words only: English punctuation would break the typography too,
            // and code or numbers the anchors.
            let plain = |c: char| c.is_ascii_alphanumeric() || c == ' ' || c == ',';
            let entries: Vec<_> = (po.live_entries())
                .filter(|entry| entry.msgstr_segments.len() == 1 && entry.references.len() == 1)
                .filter(|entry| entry.msgid.chars().all(plain) && entry.msgid.contains(' '))
                .take(3)
                .collect();
            let [own, pasted, other] = entries[..] else {
                anyhow::bail!("three one-line translations of plain English messages");
            };
            lines[own.msgstr_line - 1] = format!("msgstr \"{}\"", own.msgid);
            lines[pasted.msgstr_line - 1] = format!("msgstr \"{}\"", other.msgid);
            let says = |entry: &PoEntry| {
                let says = ["paragraph identical to the English", &entry.references[0]];
                (entry.msgstr_line, says.map(str::to_string).to_vec())
            };
            Ok(vec![says(own), says(pasted)])
        },
    ),
    // As a slip of a merge could do: both stay translated and not fuzzy.
    ("two translations carrying code swapped", |_, po, lines| {
        let with_code: Vec<_> = (po.live_entries())
            .filter(|entry| entry.msgid.contains('`') && entry.is_translated())
            .take(2)
            .collect();
        let [first, second] = with_code[..] else {
            anyhow::bail!("two translated messages with code");
        };
        // The indexes of the msgstr lines of an entry.
        let msgstr = |entry: &PoEntry| {
            let last = entry.msgstr_segments.last();
            (entry.msgstr_line - 1)..last.map_or(entry.msgstr_line, |s| s.0)
        };
        let (first, second) = (msgstr(first), msgstr(second));
        let first_lines = lines[first.clone()].to_vec();
        let second_lines: Vec<String> = lines.splice(second.clone(), first_lines).collect();
        lines.splice(first.clone(), second_lines);
        let another = || vec!["is it the translation of another message?".to_string()];
        let moved = second.end - first.len();
        let mut says = another();
        says.push("missing".into());
        Ok(vec![(first.start + 1, says), (moved + 1, another())])
    }),
];

/// In a copy of the book, each plant in turn edits each translated
/// catalog; the catalog checks must then report its problems, at that file
/// and line, saying each of their words.
fn planted_catalog_problems_are_reported_with_their_po_line() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    let root = book.root();
    let mut planted = 0;
    let template = extract_pot(root)?;
    for translation in translated(root)? {
        if fails_before(&check(root, &template, &translation)?, MESSAGES_TEST) {
            return Ok(());
        }
        let po = read_po(&translation.catalog)?;
        let text = std::fs::read_to_string(&translation.catalog)?;
        for (what, plant) in PLANTS {
            let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
            let expected = plant(&translation, &po, &mut lines).context(*what)?;
            planted += usize::from(!expected.is_empty());
            std::fs::write(&translation.catalog, lines.join("\n"))?;
            let reports = check(root, &template, &translation)?;
            let reports: Vec<String> = reports.iter().map(ToString::to_string).collect();
            assert_eq!(reports.len(), expected.len(), "{what}: {reports:#?}");
            for (report, (line, says)) in reports.iter().zip(expected) {
                let at = format!("{}:{line}: ", translation.catalog.display());
                assert!(report.starts_with(&at), "{what}: {at} expected: {report}");
                for word in says {
                    assert!(
                        report.contains(&word),
                        "{what}: {word:?} expected: {report}"
                    );
                }
            }
        }
        std::fs::write(&translation.catalog, &text)?;
    }
    anyhow::ensure!(planted > 0, "no catalog to plant the problems in");
    Ok(())
}

fn a_changed_english_paragraph_is_reported_as_missing_and_stale() -> Result<()> {
    // Checked against the sources as they are now, not the committed template.
    let book = TempBook::copy_of_repository()?;
    let (chapter, _, line) = super::reword(&book, "Newly ")?;
    let template = extract_pot(book.root())?;
    for translation in translated(book.root())? {
        let problems = check(book.root(), &template, &translation)?;
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
    planted_catalog_problems_are_reported_with_their_po_line,
    a_changed_english_paragraph_is_reported_as_missing_and_stale,
    mojibake_is_reported_with_its_file_and_line,
    the_template_holds_prose_and_no_listing_code,
    a_directive_extracted_as_prose_is_an_error_naming_the_chapter
);
