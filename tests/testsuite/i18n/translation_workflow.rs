//! The translator's workflow on copies of the book: an English change,
//! `cargo xtask po` (`update_catalogs`), then `check_translations`, which
//! fails naming the message, its catalog line and its chapter until the
//! translation is done. On the unchanged book, the merge is a no-op.

use super::reword;
use anyhow::{Context, Result};
use booktools::i18n::po::{extract_pot, PotUpdate};
use booktools::i18n::po_update::{update_catalogs, CatalogChange, CatalogUpdate, PoUpdate};
use booktools::i18n::translation::{check_translations, read_po, translations, PoEntry};
use graceful_shutdown_book::book_fixture::{fails_before, repository_root, TempBook};
use std::path::Path;

/// The catalog updates, failing when the book has no translated language
/// (every assertion on them would then hold vacuously).
fn catalog_updates(update: &PoUpdate) -> &[CatalogUpdate] {
    assert!(
        !update.catalogs.is_empty(),
        "book.toml lists no translated language"
    );
    &update.catalogs
}

/// `cargo xtask po` changed no file: the template and every catalog are
/// what it would write.
fn assert_all_unchanged(update: &PoUpdate) {
    let template = &update.template;
    let unchanged = matches!(template, PotUpdate::Unchanged(_));
    assert!(
        unchanged,
        "{template:?}: stale, the English sources changed: run `cargo xtask po`"
    );
    for catalog in catalog_updates(update) {
        let (file, line) = (catalog.catalog.display(), catalog.first_difference);
        assert_eq!(
            catalog.change,
            CatalogChange::Unchanged,
            "{file}:{line:?}: not what `cargo xtask po` writes ({:?})",
            catalog.summary
        );
    }
}

/// The live entry of `msgid` in the catalog at `path`.
fn entry(path: &Path, msgid: &str) -> Result<PoEntry> {
    read_po(path)?
        .live_entries()
        .find(|entry| entry.msgid == msgid)
        .cloned()
        .with_context(|| format!("{} has no entry {msgid:?}", path.display()))
}

/// Every string of a PO file on one line, as `msgcat --no-wrap` writes it:
/// another tool's wrapping of the same content.
fn unwrapped(po: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in po.lines() {
        let continues = line.starts_with('"')
            && out
                .last()
                .is_some_and(|previous| previous.ends_with('"') && !previous.starts_with('#'));
        match (continues, out.last_mut()) {
            (true, Some(previous)) => {
                previous.pop();
                previous.push_str(&line[1..]);
            }
            _ => out.push(line.to_string()),
        }
    }
    out.join("\n") + "\n"
}

/// `git` in `dir`, bounded, failing with its output.
fn git(dir: &Path, args: &[&str]) -> Result<()> {
    let mut command = std::process::Command::new("git");
    command
        .current_dir(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args(args);
    let run = booktools::process::run(command, std::time::Duration::from_secs(30))?;
    anyhow::ensure!(run.status.success(), "git {args:?}: {}", run.output);
    Ok(())
}

/// On the unchanged book, the merge writes the committed files byte for
/// byte; a catalog another gettext tool wrapped passes the checks and is
/// left as it is.
fn merging_the_template_into_the_unchanged_book_changes_nothing() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    let update = update_catalogs(book.root())?;
    assert_all_unchanged(&update);
    let mut files = vec![booktools::languages::BookLayout::load(book.root())?.pot_file()];
    for catalog in catalog_updates(&update) {
        assert_eq!(
            catalog.summary.kept,
            read_po(&catalog.catalog)?.entries.len()
        );
        files.push(catalog.catalog.clone());
    }
    // Byte for byte the committed files, template included.
    for file in files {
        let committed = repository_root().join(file.strip_prefix(book.root())?);
        let same = std::fs::read(&file)? == std::fs::read(&committed)?;
        assert!(same, "{} changed", committed.display());
    }
    let mut rewrapped = Vec::new();
    for catalog in catalog_updates(&update) {
        let text = std::fs::read_to_string(&catalog.catalog)?;
        let unwrapped = unwrapped(&text);
        assert_ne!(unwrapped, text, "the catalog has wrapped strings");
        std::fs::write(&catalog.catalog, &unwrapped)?;
        rewrapped.push((&catalog.catalog, unwrapped));
    }
    check_translations(book.root()).context("rewrapped catalogs pass the checks")?;
    assert_all_unchanged(&update_catalogs(book.root())?);
    for (catalog, text) in rewrapped {
        assert_eq!(std::fs::read_to_string(catalog)?, text);
    }
    Ok(())
}

/// The translator's workflow on a copy of the book in a temporary git
/// repository: one English paragraph edited and a new one put before it.
/// `cargo xtask po` carries the edited one's translation over, fuzzy, with
/// the old English, and adds the new one untranslated; the checks fail
/// naming both, the status and the summary since the base count them; once
/// both are translated and reviewed, the checks pass and `po` changes
/// nothing.
fn an_english_change_fails_the_checks_until_its_translation_is_updated() -> Result<()> {
    use booktools::i18n::changes::{changes_since, render_markdown};
    use booktools::i18n::status::{book_status, render};
    let book = TempBook::copy_of_repository()?;
    if let Err(error) = check_translations(book.root()) {
        let real_tests = "the i18n::translation tests";
        if fails_before(&[format!("{error:#}")], real_tests) {
            return Ok(());
        }
    }
    git(book.root(), &["init", "--quiet"])?;
    git(book.root(), &["add", "."])?;
    git(book.root(), &["commit", "--quiet", "-m", "base"])?;
    let unchanged = changes_since(book.root(), "HEAD")?;
    assert!(unchanged
        .iter()
        .all(|c| c.added + c.edited + c.translated + c.removed == 0));

    let paragraph = "A paragraph the translators have not seen yet.";
    let (chapter, old_msgid, line) = reword(&book, &format!("{paragraph}\n\nAs a result, "))?;
    let new_msgid = format!("As a result, {old_msgid}");
    let update = update_catalogs(book.root())?;
    assert!(matches!(update.template, PotUpdate::Written(_)));
    for catalog in catalog_updates(&update) {
        assert_eq!(catalog.change, CatalogChange::Updated);
        let summary = &catalog.summary;
        assert_eq!(summary.fuzzy, std::slice::from_ref(&new_msgid));
        assert_eq!(summary.added, [paragraph]);
        assert_eq!(summary.dropped, std::slice::from_ref(&old_msgid));

        // The translation is carried over, fuzzy, with the old English.
        let fuzzy = entry(&catalog.catalog, &new_msgid)?;
        assert!(fuzzy.is_fuzzy() && fuzzy.is_translated(), "{fuzzy:?}");
        assert_eq!(fuzzy.references, [format!("{chapter}:{}", line + 2)]);
        let previous = &fuzzy.comments;
        assert!(previous[0].starts_with("#| msgid "), "{previous:?}");
        assert!(previous.concat().contains(&old_msgid[..20]), "{previous:?}");
    }

    // The test suite's checks now fail, naming the catalog line, the
    // message and its chapter.
    let error = format!("{:#}", check_translations(book.root()).unwrap_err());
    for catalog in catalog_updates(&update) {
        let fuzzy = entry(&catalog.catalog, &new_msgid)?;
        let flags_line = fuzzy.flags_line.context("a `#, fuzzy` line")?;
        let expected = format!("{}:{flags_line}: fuzzy entry", catalog.catalog.display());
        assert!(error.contains(&expected), "{expected} not in:\n{error}");
        assert!(error.contains(&new_msgid[..40]), "{error}");
        assert!(
            error.contains(&format!("{chapter}:{}", line + 2)),
            "{error}"
        );
        let added = entry(&catalog.catalog, paragraph)?;
        let expected = format!(
            "{}:{}: untranslated entry {paragraph:?} (empty msgstr) (English source: {chapter}:{line})",
            catalog.catalog.display(),
            added.msgstr_line
        );
        assert!(error.contains(&expected), "{expected} not in:\n{error}");
    }
    assert_eq!(
        error.matches(": fuzzy entry").count(),
        update.catalogs.len(),
        "{error}"
    );

    // The status counts them, under their chapter.
    let status = book_status(book.root())?;
    let table = render(book.root(), &status);
    for language in &status.languages {
        let total = language.total();
        assert_eq!((total.fuzzy, total.untranslated), (1, 1), "{table}");
        let row = (language.chapters.iter())
            .find(|c| c.chapter == chapter)
            .context("the edited chapter")?;
        assert_eq!((row.fuzzy, row.untranslated), (1, 1), "{table}");
    }
    assert!(table.contains(": fuzzy entry \"As a result, "), "{table}");
    // And the summary since the base: one added, one edited, one removed.
    let changes = changes_since(book.root(), "HEAD")?;
    for c in &changes {
        let counts = (c.added, c.edited, c.translated, c.removed);
        assert_eq!(counts, (1, 1, 0, 1), "{c:?}");
    }
    let markdown = render_markdown(book.root(), &status, Some(("HEAD", &changes)));
    for change in &changes {
        let row = format!("| `{}` | 1 | 1 | 0 | 1 |", change.language);
        assert!(markdown.contains(&row), "{row} not in:\n{markdown}");
    }
    assert!(markdown.contains("**incomplete**"), "{markdown}");
    let error = changes_since(book.root(), "no-such-rev").unwrap_err();
    assert!(format!("{error:#}").contains("no-such-rev"), "{error:#}");

    // The translator translates the new paragraph, updates the edited one
    // and clears its flag: the checks pass, and `cargo xtask po` then
    // leaves the catalog as it is.
    for catalog in catalog_updates(&update) {
        let fuzzy = entry(&catalog.catalog, &new_msgid)?;
        let text = std::fs::read_to_string(&catalog.catalog)?;
        let comments = fuzzy.line - 1..fuzzy.msgid_line - 1;
        let flag = |line: &str| line.starts_with("#|") || line == "#, fuzzy";
        let reviewed: Vec<&str> = (text.split('\n').enumerate())
            .filter(|(index, line)| !(comments.contains(index) && flag(line)))
            .map(|(_, line)| line)
            .collect();
        let untranslated = format!("msgid {paragraph:?}\nmsgstr \"\"");
        let translated = format!("msgid {paragraph:?}\nmsgstr \"Un paragraphe nouveau.\"");
        let reviewed = reviewed.join("\n").replacen(&untranslated, &translated, 1);
        std::fs::write(&catalog.catalog, reviewed)?;
    }
    check_translations(book.root()).context("after the review")?;
    assert_all_unchanged(&update_catalogs(book.root())?);
    Ok(())
}

fn a_language_without_a_catalog_gets_one_translating_nothing() -> Result<()> {
    // Adding a language: a listing tree and one line in book.toml; the
    // catalog is written by `cargo xtask po`.
    let book = TempBook::copy_of_repository()?;
    let layout = booktools::languages::BookLayout::load(book.root())?;
    let source = layout
        .language(&layout.source_language)
        .context("the source language's tree")?;
    let tree = format!("{}-xx", source.tree_setting);
    graceful_shutdown_book::book_fixture::copy_tree(&source.tree, &book.root().join(&tree))?;
    let trees = "[preprocessor.listings.trees]\n";
    book.replace_once("book.toml", trees, &format!("{trees}xx = \"{tree}\"\n"))?;

    let update = update_catalogs(book.root())?;
    let created = update
        .catalogs
        .iter()
        .find(|c| c.language == "xx")
        .context("a catalog for the new language")?;
    assert_eq!(created.change, CatalogChange::Created);
    let po = read_po(&created.catalog)?;
    assert_eq!(po.header_field("Language"), Some("xx"));
    let template = extract_pot(book.root())?;
    assert_eq!(po.live_entries().count(), template.count());
    assert!(po.live_entries().all(|e| !e.is_translated()));
    assert_all_unchanged(&update_catalogs(book.root())?);
    let error = format!("{:#}", check_translations(book.root()).unwrap_err());
    assert!(
        error.contains(&format!("{}:", created.catalog.display())),
        "{error}"
    );
    Ok(())
}

fn the_french_guide_for_translators_follows_french_typography() -> Result<()> {
    // TRANSLATING.md is written in French (after an English summary in a
    // block quote): its prose goes through the typography check of the
    // catalogs, one message per line, so a problem names the guide's line.
    let guide = std::fs::read_to_string(repository_root().join("TRANSLATING.md"))?;
    // A tiny book translated to French: its empty catalog gets the lines.
    let book = TempBook::tiny(&[("en", "listings-sources"), ("fr", "listings")], "")?;
    let translations = translations(book.root())?;
    let [french] = &translations[..] else {
        anyhow::bail!("one translation expected: {translations:?}");
    };
    let mut po = std::fs::read_to_string(&french.catalog)?;
    let mut in_fence = false;
    let mut checked = 0;
    for (index, line) in guide.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence || line.starts_with('>') || line.trim().is_empty() {
            continue;
        }
        let escaped = line.replace('\\', "\\\\").replace('"', "\\\"");
        po.push_str(&format!(
            "\n#: TRANSLATING.md:{}\nmsgid \"line {}\"\nmsgstr \"{escaped}\"\n",
            index + 1,
            index + 1
        ));
        checked += 1;
    }
    assert!(checked > 100, "only {checked} lines of French prose");
    std::fs::write(&french.catalog, po)?;
    let po = read_po(&french.catalog)?;
    let problems = booktools::i18n::translation::check_typography(&po, &french.language);
    let list: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    assert!(problems.is_empty(), "{}", list.join("\n"));
    Ok(())
}

fn the_status_names_missing_and_out_of_step_listings() -> Result<()> {
    use booktools::i18n::status::{book_status, render};
    let book = TempBook::copy_of_repository()?;
    let before = book_status(book.root())?;
    let incomplete = [render(book.root(), &before)];
    let real_tests =
        "i18n::translated_code::the_real_book_passes_every_check and i18n::translation";
    if fails_before(
        &incomplete[..usize::from(!before.is_complete())],
        real_tests,
    ) {
        return Ok(());
    }
    let layout = booktools::languages::BookLayout::load(book.root())?;

    // In every translated tree: one listing removed, one struct renamed.
    let mut expected = Vec::new();
    for language in layout.translated() {
        let listings = booktools::listings::discover(language)?;
        let (first, last) = (&listings[0], &listings[listings.len() - 1]);
        std::fs::remove_dir_all(&last.dir)?;
        let lib = first.dir.join("src/lib.rs");
        let text = std::fs::read_to_string(&lib)?;
        let line = text.lines().position(|l| l.starts_with("pub struct "));
        let line = line.context("a struct")? + 1;
        std::fs::write(&lib, text.replacen("pub struct ", "pub struct Renamed", 1))?;
        let shown = |path: &Path| {
            Ok::<_, anyhow::Error>(path.strip_prefix(book.root())?.display().to_string())
        };
        let code = &language.code;
        let renamed = format!("{}:{line}: [{code}] listing structure", shown(&lib)?);
        expected.push((code.clone(), renamed, shown(&last.dir)?));
    }
    assert!(!expected.is_empty(), "no translated language");

    let status = book_status(book.root())?;
    assert!(!status.is_complete());
    let table = render(book.root(), &status);
    for (language, renamed, removed) in &expected {
        let language = status
            .languages
            .iter()
            .find(|l| &l.code.language == language)
            .context("the language's status")?;
        assert_eq!(
            language.code.listings_translated,
            language.code.listings_total - 1
        );
        assert_eq!(language.code.listings_out_of_step, 1, "{table}");
        assert!(table.contains(renamed), "{renamed} not in:\n{table}");
        assert!(table.contains(removed), "{removed} not in:\n{table}");
    }
    assert!(table.contains("INCOMPLETE"), "{table}");
    Ok(())
}

crate::trials!(
    merging_the_template_into_the_unchanged_book_changes_nothing,
    an_english_change_fails_the_checks_until_its_translation_is_updated,
    a_language_without_a_catalog_gets_one_translating_nothing,
    the_french_guide_for_translators_follows_french_typography,
    the_status_names_missing_and_out_of_step_listings
);
