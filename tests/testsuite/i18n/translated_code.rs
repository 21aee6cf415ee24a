//! The translated editions agree with their code: every translated listing
//! is its English twin with the glossary's names (tokens, files, anchors,
//! package), every code name of the prose of every language is one its
//! listings declare (and no English name shows in a translation), and no
//! paragraph of a translated chapter is left in English. The real book
//! passes; temporary copies broken on purpose fail, naming the file, the
//! line and what is wrong.

use anyhow::{ensure, Context, Result};
use booktools::i18n::translated_code::{
    check_code_names, check_structure, check_translated_code, check_untranslated_prose,
    translated_languages, Check, Glossary, Location, Problem,
};
use booktools::i18n::translation::read_po;
use booktools::languages::BookLayout;
use graceful_shutdown_book::book_fixture::{line_of, repository_root, TempBook};
use std::path::{Path, PathBuf};

/// The final code of the chapter, in the listing tree of each language.
const FINAL_LIBRARY: &str = "ch20-web-server/no-listing-08-final-code/src/lib.rs";

/// Fails with the problems, one per line.
fn assert_no_problems(what: &str, problems: &[Problem]) {
    let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(problems.is_empty(), "{what}:\n{}", list.join("\n"));
}

/// The translated languages of a book; a book with none would make every
/// check pass without checking anything.
fn translated(root: &Path) -> Result<Vec<String>> {
    let layout = BookLayout::load(root)?;
    let codes: Vec<String> = translated_languages(&layout)
        .into_iter()
        .map(|language| language.code.clone())
        .collect();
    ensure!(!codes.is_empty(), "book.toml lists no translated language");
    Ok(codes)
}

/// The listing tree of `language`, relative to the book root.
fn tree(root: &Path, language: &str) -> Result<String> {
    let layout = BookLayout::load(root)?;
    Ok(layout
        .language(language)
        .context("a language of book.toml")?
        .tree_setting
        .clone())
}

/// The source language of the book and its listing tree.
fn source_tree(root: &Path) -> Result<String> {
    let layout = BookLayout::load(root)?;
    tree(root, &layout.source_language)
}

/// The translated name of `english` for `language`.
fn name(root: &Path, language: &str, english: &str) -> Result<String> {
    let layout = BookLayout::load(root)?;
    let glossary = Glossary::load(&layout, language)?;
    ensure!(glossary.has(english), "the glossary has no `{english}`");
    Ok(glossary.translate(english).to_string())
}

/// The problems that are at `file` (absolute) and mention `needle`.
fn problems_at<'a>(problems: &'a [Problem], file: &Path, needle: &str) -> Vec<&'a Problem> {
    problems
        .iter()
        .filter(|p| p.location.file == file && p.message.contains(needle))
        .collect()
}

fn listed(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

fn the_real_book_passes_every_check() -> Result<()> {
    let root = repository_root();
    translated(&root)?;
    assert_no_problems(
        "consistency of the translations with their code",
        &check_translated_code(&root)?,
    );
    Ok(())
}

fn a_renamed_identifier_in_a_translated_listing_names_file_line_and_tokens() -> Result<()> {
    let real = repository_root();
    for language in translated(&real)? {
        let book = TempBook::copy_of(&real)?;
        let root = book.root();
        let workers = name(root, &language, "workers")?;
        let sender = name(root, &language, "sender")?;
        let pool = name(root, &language, "ThreadPool")?;
        let relative = format!("{}/{FINAL_LIBRARY}", tree(root, &language)?);
        let english_relative = format!("{}/{FINAL_LIBRARY}", source_tree(root)?);
        // `ThreadPool { workers, sender }`: the one line building the pool.
        let built = format!("{pool} {{ {workers}, {sender} }}");
        let line = line_of(&book.read(&relative)?, &built).context("the pool is built")?;
        let english_line = line_of(
            &book.read(&english_relative)?,
            "ThreadPool { workers, sender }",
        )
        .context("the English pool is built")?;
        book.replace_once(
            &relative,
            &built,
            &format!("{pool} {{ travailleurs, {sender} }}"),
        )?;

        let problems = check_structure(root)?;
        assert_eq!(problems.len(), 1, "{}", listed(&problems));
        let problem = &problems[0];
        assert_eq!(problem.check, Check::Structure);
        assert_eq!(problem.language, language);
        assert_eq!(problem.location, Location::at(root.join(&relative), line));
        assert_eq!(
            problem.english,
            Some(Location::at(root.join(&english_relative), english_line))
        );
        let shown = problem.to_string();
        for part in [
            format!("{relative}:{line}"),
            format!("{english_relative}:{english_line}"),
            "`travailleurs`".to_string(),
            format!("`{workers}`"),
            "`workers`".to_string(),
        ] {
            assert!(shown.contains(&part), "{part} missing from: {shown}");
        }
    }
    Ok(())
}

fn a_missing_translated_listing_is_named() -> Result<()> {
    let real = repository_root();
    for language in translated(&real)? {
        let book = TempBook::copy_of(&real)?;
        let root = book.root();
        let listing = root
            .join(tree(root, &language)?)
            .join("ch20-web-server/listing-20-23");
        std::fs::remove_dir_all(&listing)
            .with_context(|| format!("removing {}", listing.display()))?;
        let problems = check_structure(root)?;
        assert_eq!(problems.len(), 1, "{}", listed(&problems));
        assert_eq!(problems[0].location, Location::file(&listing));
        let shown = problems[0].to_string();
        assert!(
            shown.contains(&listing.display().to_string()) && shown.contains("is missing"),
            "{shown}"
        );
        // All the checks together: the chapter can no longer be rendered
        // (its include finds no file), which does not hide the listing.
        let all = check_translated_code(root)?;
        assert_eq!(all.len(), 2, "{}", listed(&all));
        assert_eq!(all[0], problems[0]);
        assert!(all[1].message.contains("listing-20-23"), "{}", all[1]);
    }
    Ok(())
}

fn an_extra_or_incomplete_translated_listing_is_named() -> Result<()> {
    let real = repository_root();
    for language in translated(&real)? {
        let book = TempBook::copy_of(&real)?;
        let root = book.root();
        let chapter = root.join(tree(root, &language)?).join("ch20-web-server");
        let extra = chapter.join("listing-20-99");
        copy_folder(&chapter.join("listing-20-22"), &extra)?;
        let output = chapter.join("listing-20-24/output.txt");
        std::fs::remove_file(&output)?;
        let problems = check_structure(root)?;
        assert_eq!(problems.len(), 2, "{}", listed(&problems));
        assert_eq!(
            problems_at(&problems, &extra, "without an English twin").len(),
            1
        );
        assert_eq!(
            problems_at(&problems, &output, "the English listing has this file").len(),
            1,
            "{}",
            listed(&problems)
        );
    }
    Ok(())
}

fn a_moved_anchor_and_a_wrong_package_name_are_named() -> Result<()> {
    let real = repository_root();
    for language in translated(&real)? {
        let book = TempBook::copy_of(&real)?;
        let root = book.root();
        let listing = format!("{}/ch20-web-server/listing-20-22", tree(root, &language)?);
        let library = format!("{listing}/src/lib.rs");
        let anchor_line = line_of(&book.read(&library)?, "// ANCHOR: here").context("anchor")?;
        book.replace_once(&library, "// ANCHOR: here\n", "\n// ANCHOR: here\n")?;
        let package = name(root, &language, "hello")?;
        book.replace_once(
            &format!("{listing}/Cargo.toml"),
            &format!("name = \"{package}\""),
            "name = \"hello\"",
        )?;
        let problems = check_structure(root)?;
        let anchors = problems_at(
            &problems,
            &root.join(&library),
            "anchor line `// ANCHOR: here`",
        );
        assert_eq!(anchors.len(), 1, "{}", listed(&problems));
        assert_eq!(anchors[0].location.line, Some(anchor_line + 1));
        let manifest = root.join(format!("{listing}/Cargo.toml"));
        let packages = problems_at(&problems, &manifest, &format!("expected `{package}`"));
        assert_eq!(packages.len(), 1, "{}", listed(&problems));
        assert!(packages[0].location.line.is_some());
    }
    Ok(())
}

fn an_english_name_in_a_translated_code_span_names_the_po_line() -> Result<()> {
    let real = repository_root();
    for language in translated(&real)? {
        let book = TempBook::copy_of(&real)?;
        let root = book.root();
        let pool = name(root, &language, "ThreadPool")?;
        let catalog = booktools::book::po_file(root, &language)?;
        let relative = catalog
            .strip_prefix(root)?
            .to_str()
            .context("UTF-8 path")?
            .to_string();
        // The msgstr of the first idea of the list, which names the pool.
        let po = read_po(&catalog)?;
        let entry = po
            .live_entries()
            .find(|e| {
                e.msgid
                    .starts_with("Add more documentation to `ThreadPool`")
            })
            .context("the entry of the first idea")?;
        let translated_span = format!("`{pool}`");
        let offset = entry.msgstr[0]
            .find(&translated_span)
            .context("the translation names the pool")?;
        let line = entry.msgstr_line_at(offset);
        let old = entry.msgstr[0].clone();
        book.replace_once(
            &relative,
            &old,
            &old.replacen(&translated_span, "`ThreadPool`", 1),
        )?;

        let problems = check_code_names(root)?;
        assert_eq!(problems.len(), 1, "{}", listed(&problems));
        let problem = &problems[0];
        assert_eq!(problem.check, Check::CodeNames);
        assert_eq!(problem.location, Location::at(&catalog, line));
        let english = problem.english.as_ref().context("the English source")?;
        assert!(english
            .file
            .ends_with("src/ch20-03-graceful-shutdown-and-cleanup.md"));
        let shown = problem.to_string();
        assert!(shown.contains("English name `ThreadPool`"), "{shown}");
        assert!(shown.contains(&format!("`{pool}`")), "{shown}");
    }
    Ok(())
}

fn an_undeclared_code_name_in_the_english_chapter_names_its_line() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    let root = book.root();
    let chapter = "src/ch20-03-graceful-shutdown-and-cleanup.md";
    let text = book.read(chapter)?;
    let line = line_of(&text, "`Worker::new`; we need to wrap").context("the span")?;
    book.replace_once(
        chapter,
        "`Worker::new`; we need to wrap",
        "`Worker::create`; we need to wrap",
    )?;
    // The catalog no longer has the changed message, so the translated
    // chapters show it in English (and report its English names): only
    // the problems of the English chapter are this test's.
    let source = BookLayout::load(root)?.source_language;
    let problems: Vec<Problem> = check_code_names(root)?
        .into_iter()
        .filter(|p| p.language == source)
        .collect();
    assert_eq!(problems.len(), 1, "{}", listed(&problems));
    assert_eq!(problems[0].location, Location::at(root.join(chapter), line));
    assert!(
        problems[0]
            .message
            .contains("declare no `create` in `Worker`"),
        "{}",
        problems[0]
    );
    Ok(())
}

fn an_untranslated_paragraph_is_named_with_its_po_line() -> Result<()> {
    let real = repository_root();
    for language in translated(&real)? {
        let book = TempBook::copy_of(&real)?;
        let root = book.root();
        let catalog = booktools::book::po_file(root, &language)?;
        let relative = catalog
            .strip_prefix(root)?
            .to_str()
            .context("UTF-8")?
            .to_string();
        let msgid = "Here is the error we get when we compile this code:";
        let po = read_po(&catalog)?;
        let entry = po
            .live_entries()
            .find(|e| e.msgid == msgid)
            .context("the entry")?;
        let line = entry.msgstr_line;
        let chapter = root.join("src/ch20-03-graceful-shutdown-and-cleanup.md");
        let english_line = line_of(&std::fs::read_to_string(&chapter)?, msgid).context("msgid")?;
        book.replace_once(
            &relative,
            &format!("msgstr \"{}\"", entry.msgstr[0]),
            &format!("msgstr \"{msgid}\""),
        )?;

        let problems = check_untranslated_prose(root)?;
        assert_eq!(problems.len(), 1, "{}", listed(&problems));
        let problem = &problems[0];
        assert_eq!(problem.check, Check::UntranslatedProse);
        assert_eq!(problem.location, Location::at(&catalog, line));
        assert_eq!(problem.english, Some(Location::at(&chapter, english_line)));
        assert!(problem.to_string().contains(msgid), "{problem}");
    }
    Ok(())
}

fn copy_folder(from: &Path, to: &Path) -> Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry?;
        let target: PathBuf = to.join(entry.path().strip_prefix(from)?);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

crate::trials!(
    the_real_book_passes_every_check,
    a_renamed_identifier_in_a_translated_listing_names_file_line_and_tokens,
    a_missing_translated_listing_is_named,
    an_extra_or_incomplete_translated_listing_is_named,
    a_moved_anchor_and_a_wrong_package_name_are_named,
    an_english_name_in_a_translated_code_span_names_the_po_line,
    an_undeclared_code_name_in_the_english_chapter_names_its_line,
    an_untranslated_paragraph_is_named_with_its_po_line
);
