//! The translated editions agree with their code (listing structure, code
//! names of the prose): the real book passes, and
//! copies broken on purpose fail naming the file, the line and what.

use anyhow::{Context, Result};
use booktools::i18n::glossary::Glossary;
use booktools::i18n::translated_code::{check_translated_code, LanguageReport};
use booktools::i18n::translation::read_po;
use booktools::languages::BookLayout;
use booktools::Problem;
use graceful_shutdown_book::book_fixture::{
    fails_before, glossary_code_name as name, line_of, repository_root, TempBook,
};
use std::path::{Path, PathBuf};

/// The chapter whose prose the tests break.
const CHAPTER: &str = "src/ch20-03-graceful-shutdown-and-cleanup.md";

fn translated(root: &Path) -> Result<Vec<String>> {
    Ok(super::translated(root)?
        .into_iter()
        .map(|t| t.language)
        .collect())
}

/// The report of `language`.
fn report(root: &Path, language: &str) -> Result<LanguageReport> {
    check_translated_code(root)?
        .into_iter()
        .find(|report| report.language == language)
        .context("the language's report")
}

/// The test of the real book, named when the real book already fails.
const REAL_TEST: &str = "i18n::translated_code::the_real_book_passes_every_check";

fn fails_before_in(root: &Path, language: &str) -> Result<bool> {
    let report = report(root, language)?;
    Ok(fails_before(
        &report.problems().collect::<Vec<_>>(),
        REAL_TEST,
    ))
}

/// Every problem is one of the expected (file, line, text it holds), and
/// every expected one is there once.
fn assert_problems(problems: &[Problem], expected: &[(PathBuf, Option<usize>, String)]) {
    let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let listed = listed.join("\n");
    assert_eq!(problems.len(), expected.len(), "{listed}");
    for (file, line, needle) in expected {
        let found = problems
            .iter()
            .filter(|p| p.file == *file && p.line == *line && p.message.contains(needle))
            .count();
        assert_eq!(
            found,
            1,
            "{}:{line:?}: {needle}\nin:\n{listed}",
            file.display()
        );
    }
}

fn the_real_book_passes_every_check() -> Result<()> {
    let root = repository_root();
    translated(&root)?;
    let problems: Vec<Problem> = check_translated_code(&root)?
        .iter()
        .flat_map(LanguageReport::problems)
        .cloned()
        .collect();
    booktools::ensure_none("consistency of the translations with their code", &problems)
}

fn broken_translated_listings_are_named_with_file_and_line() -> Result<()> {
    let real = repository_root();
    for language in translated(&real)? {
        let book = TempBook::copy_of(&real)?;
        let root = book.root();
        if fails_before_in(root, &language)? {
            return Ok(());
        }
        let layout = BookLayout::load(root)?;
        let tree = |code: &str| {
            layout
                .language(code)
                .context("a language")
                .map(|l| &l.tree_setting)
        };
        let chapter = format!("{}/ch20-web-server", tree(&language)?);
        let english_chapter = format!("{}/ch20-web-server", tree(&layout.source_language)?);
        let at = |relative: &str, line: Option<usize>, needle: String| {
            (root.join(format!("{chapter}/{relative}")), line, needle)
        };
        let mut expected = Vec::new();

        // A renamed field where the final code builds the pool.
        let library = "no-listing-08-final-code/src/lib.rs";
        let (workers, sender) = (
            name(root, &language, "workers")?,
            name(root, &language, "sender")?,
        );
        let pool = name(root, &language, "ThreadPool")?;
        let built = format!("{pool} {{ {workers}, {sender} }}");
        let line =
            line_of(&book.read(&format!("{chapter}/{library}"))?, &built).context("built")?;
        let english_library = root.join(format!("{english_chapter}/{library}"));
        let english_line = line_of(
            &std::fs::read_to_string(&english_library)?,
            "ThreadPool { workers, sender }",
        )
        .context("the English pool is built")?;
        let renamed = format!("{pool} {{ travailleurs, {sender} }}");
        book.replace_once(&format!("{chapter}/{library}"), &built, &renamed)?;
        expected.push(at(
            library,
            Some(line),
            format!(
                "[{language}] listing structure: identifier `travailleurs`, expected `{workers}` \
                 (the English has `workers`) (English: {}:{english_line})",
                english_library.display()
            ),
        ));

        // A missing listing, an extra one, a missing file.
        let folder = |relative: &str| root.join(format!("{chapter}/{relative}"));
        std::fs::remove_dir_all(folder("listing-20-23"))?;
        expected.push(at("listing-20-23", None, "is missing".into()));
        graceful_shutdown_book::book_fixture::copy_tree(
            &folder("listing-20-22"),
            &folder("listing-20-99"),
        )?;
        expected.push(at("listing-20-99", None, "without an English twin".into()));
        std::fs::remove_file(folder("listing-20-24/output.txt"))?;
        expected.push(at(
            "listing-20-24/output.txt",
            None,
            "the English listing has this file".into(),
        ));

        // Anchors moved one line down, and the English package name.
        let library = "listing-20-22/src/lib.rs";
        let text = book.read(&format!("{chapter}/{library}"))?;
        for anchor in ["// ANCHOR: here", "// ANCHOR_END: here"] {
            let line = line_of(&text, anchor).context("anchor")? + 1;
            expected.push(at(library, Some(line), format!("anchor line `{anchor}`")));
        }
        let replaced = format!("{chapter}/{library}");
        book.replace_once(&replaced, "// ANCHOR: here\n", "\n// ANCHOR: here\n")?;
        let package = name(root, &language, "hello")?;
        let manifest = format!("{chapter}/listing-20-22/Cargo.toml");
        let package_line = format!("name = \"{package}\"");
        let line = line_of(&book.read(&manifest)?, &package_line);
        book.replace_once(&manifest, &package_line, "name = \"hello\"")?;
        expected.push(at(
            "listing-20-22/Cargo.toml",
            line,
            format!("expected `{package}`"),
        ));

        let report = report(root, &language)?;
        assert_problems(&report.listings, &expected);
        assert_eq!(
            (report.listings_translated + 1, report.listings_out_of_step),
            (report.listings_total, 3)
        );
        // The prose is read from the catalog: the listings hide nothing.
        assert!(report.prose.is_empty(), "{:?}", report.prose);
    }
    Ok(())
}

/// An undeclared name in a chapter of the source language, and an English
/// name in a translation, are named at the chapter's line and at the PO
/// line.
fn code_names_of_the_prose_are_named_at_their_line() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    let root = book.root();
    let layout = BookLayout::load(root)?;
    let before = check_translated_code(root)?;
    if fails_before(
        &before
            .iter()
            .flat_map(LanguageReport::problems)
            .collect::<Vec<_>>(),
        REAL_TEST,
    ) {
        return Ok(());
    }
    let span = "`Worker::new`; we need to wrap";
    let chapter = root.join(CHAPTER);
    let line = line_of(&book.read(CHAPTER)?, span).context("the span")?;
    book.replace_once(CHAPTER, span, "`Worker::create`; we need to wrap")?;
    let undeclared = "declare no `create` in `Worker`".to_string();
    let mut expected = vec![(
        layout.source_language.clone(),
        (chapter.clone(), Some(line), undeclared),
    )];
    // The English name of the pool in the translation of the first idea.
    let idea = "Add more documentation to `ThreadPool`";
    let idea_line = line_of(&book.read(CHAPTER)?, idea).context("the idea")?;
    for language in translated(root)? {
        let pool = name(root, &language, "ThreadPool")?;
        let catalog = layout.po_file(&language);
        let po = read_po(&catalog)?;
        let entry = (po.live_entries())
            .find(|e| e.msgid.starts_with(idea))
            .context("the entry of the idea")?;
        let (old, translated_span) = (&entry.msgstr[0], format!("`{pool}`"));
        let offset = old.find(&translated_span).context("the pool")?;
        let relative = catalog.strip_prefix(root)?.to_str().context("UTF-8")?;
        let new = old.replacen(&translated_span, "`ThreadPool`", 1);
        book.replace_once(relative, old, &new)?;
        let message = format!(
            "[{language}] code names in the prose: English name `ThreadPool` in the code \
             span `ThreadPool`: the `{language}` name is `{pool}` (English: {}:{idea_line})",
            chapter.display()
        );
        let line = Some(entry.msgstr_line_at(offset));
        expected.push((language, (catalog.clone(), line, message)));
    }
    let reports = check_translated_code(root)?;
    for (language, expected) in expected {
        let report = (reports.iter().find(|report| report.language == language))
            .context("the language's report")?;
        assert_problems(&report.prose, &[expected]);
        assert!(report.listings.is_empty(), "{:?}", report.listings);
    }
    Ok(())
}

/// A glossary entry changed alone (the listings and catalogs still write
/// the old name) is named once, at its line, by the listing structure and
/// the catalog checks, instead of at every place that writes the old name.
fn a_changed_glossary_entry_is_named_once_at_its_line() -> Result<()> {
    let real = repository_root();
    for language in translated(&real)? {
        let book = TempBook::copy_of(&real)?;
        let root = book.root();
        let translation = booktools::i18n::translation::translations(root)?
            .into_iter()
            .find(|t| t.language == language)
            .context("the language's catalog")?;
        let template = booktools::i18n::po::extract_pot(root)?;
        let anchors = super::translation::check(root, &template, &translation)?;
        let messages_test = super::translation::MESSAGES_TEST;
        if fails_before_in(root, &language)? || fails_before(&anchors, messages_test) {
            return Ok(());
        }
        let worker = name(root, &language, "Worker")?;
        let glossary = Glossary::load(&BookLayout::load(root)?, &language)?;
        let file = glossary.file.clone().context("a glossary file")?;
        let line = glossary.line("Worker").context("the entry's line")?;
        let relative = file.strip_prefix(root)?.to_str().context("UTF-8")?;
        let old_line = book
            .read(relative)?
            .lines()
            .nth(line - 1)
            .context("line")?
            .to_string();
        book.replace_once(relative, &old_line, "Worker = \"Renamed\"")?;

        let listings = report(root, &language)?.listings;
        let catalog = super::translation::check(root, &template, &translation)?;
        for problems in [&catalog, &listings] {
            assert_eq!(problems.len(), 1, "{problems:#?}");
            assert_eq!((&problems[0].file, problems[0].line), (&file, Some(line)));
            let message = &problems[0].message;
            assert!(message.contains("Worker = \"Renamed\""), "{message}");
        }
        // The listings say what they write instead.
        assert!(listings[0].message.contains(&worker), "{}", listings[0]);
    }
    Ok(())
}

crate::trials!(
    the_real_book_passes_every_check,
    a_changed_glossary_entry_is_named_once_at_its_line,
    broken_translated_listings_are_named_with_file_and_line,
    code_names_of_the_prose_are_named_at_their_line
);
