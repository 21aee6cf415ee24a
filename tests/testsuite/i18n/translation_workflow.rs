//! The translator's workflow, end to end, on temporary copies of the book:
//! a change to the English text, then `cargo xtask po` (the same merge,
//! `booktools::i18n::po_update::update_catalogs`), then the translation checks of
//! the test suite (`booktools::i18n::translation::check_translations`), which must
//! fail naming the message, its catalog line and its chapter until the
//! translation is done. And on the unchanged book, the merge is a no-op.

use anyhow::{Context, Result};
use booktools::i18n::po::{extract_pot, PotUpdate};
use booktools::i18n::po_update::{update_catalogs, CatalogChange, CatalogUpdate, PoUpdate};
use booktools::i18n::translation::{check_translations, read_po, translations, PoEntry};
use graceful_shutdown_book::book_fixture::{fails_before, line_of, repository_root, TempBook};
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

/// The live entry of `msgid` in the catalog at `path`.
fn entry(path: &Path, msgid: &str) -> Result<PoEntry> {
    read_po(path)?
        .live_entries()
        .find(|entry| entry.msgid == msgid)
        .cloned()
        .with_context(|| format!("{} has no entry {msgid:?}", path.display()))
}

/// A long paragraph of a chapter (not of `SUMMARY.md`) that appears once
/// in the template and starts with text found once in its chapter: its
/// file, its msgid and that starting text.
fn long_paragraph(book: &TempBook) -> Result<(String, String, String)> {
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
        if book.read(chapter)?.matches(&first_words).count() == 1 {
            return Ok((chapter.to_string(), msgid.to_string(), first_words));
        }
    }
    anyhow::bail!("no long one-chapter paragraph")
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

fn a_catalog_wrapped_by_another_gettext_tool_passes_and_is_left_as_it_is() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    if clean_before(&book)? {
        return Ok(());
    }
    for translation in translations(book.root())? {
        let text = std::fs::read_to_string(&translation.catalog)?;
        let rewrapped = unwrapped(&text);
        assert_ne!(rewrapped, text, "the catalog has wrapped strings");
        std::fs::write(&translation.catalog, &rewrapped)?;
        check_translations(book.root()).context("a rewrapped catalog passes the checks")?;
        let update = update_catalogs(book.root())?;
        assert!(update
            .catalogs
            .iter()
            .all(|c| c.change == CatalogChange::Unchanged));
        assert_eq!(std::fs::read_to_string(&translation.catalog)?, rewrapped);
    }
    Ok(())
}

/// The precondition of the tests that break a copy: the unmodified copy
/// passes the translation checks and the template is current. True (after
/// saying so) when it does not: the tests of the real book report it.
fn clean_before(book: &TempBook) -> Result<bool> {
    let mut problems: Vec<String> = check_translations(book.root())
        .err()
        .map(|error| format!("{error:#}"))
        .into_iter()
        .collect();
    if !matches!(
        booktools::i18n::po::write_pot(book.root())?,
        PotUpdate::Unchanged(_)
    ) {
        problems.push("the template is stale".to_string());
    }
    let real_tests = "the i18n::translation tests and \
                      i18n::translation_workflow::merging_the_template_into_the_unchanged_book_changes_nothing";
    Ok(fails_before(&problems, real_tests))
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

/// The summary of a pull request: in a temporary git repository, one
/// English paragraph edited (its translation now fuzzy), one new paragraph
/// (untranslated) and one paragraph dropped, against the committed base.
fn the_changes_since_a_revision_count_added_edited_translated_and_removed() -> Result<()> {
    use booktools::i18n::changes::{changes_since, render_markdown};
    let book = TempBook::copy_of_repository()?;
    if clean_before(&book)? {
        return Ok(());
    }
    git(book.root(), &["init", "--quiet"])?;
    git(book.root(), &["add", "."])?;
    git(book.root(), &["commit", "--quiet", "-m", "base"])?;
    let unchanged = changes_since(book.root(), "HEAD")?;
    assert!(unchanged
        .iter()
        .all(|c| c.added + c.edited + c.translated + c.removed == 0));

    let (chapter, _, first_words) = long_paragraph(&book)?;
    let text = book.read(&chapter)?;
    let edited = format!("As a result, {first_words}");
    let added = "A paragraph the translators have not seen yet.\n\n";
    book.replace_once(&chapter, &first_words, &format!("{added}{edited}"))?;
    let summary = "src/SUMMARY.md";
    let _ = text;
    update_catalogs(book.root())?;
    let changes = changes_since(book.root(), "HEAD")?;
    for change in &changes {
        assert_eq!(
            (
                change.added,
                change.edited,
                change.translated,
                change.removed
            ),
            (1, 1, 0, 1),
            "{change:?}"
        );
    }
    let status = booktools::i18n::status::book_status(book.root())?;
    let markdown = render_markdown(book.root(), &status, Some(("HEAD", &changes)));
    for change in &changes {
        let row = format!("| `{}` | 1 | 1 | 0 | 1 |", change.language);
        assert!(markdown.contains(&row), "{row} not in:\n{markdown}");
    }
    assert!(markdown.contains("**incomplete**"), "{markdown}");
    assert!(book.read(summary).is_ok());
    let error = changes_since(book.root(), "no-such-revision").unwrap_err();
    assert!(
        format!("{error:#}").contains("no-such-revision"),
        "{error:#}"
    );
    Ok(())
}

/// The committed template and catalogs are what `cargo xtask po` writes.
fn merging_the_template_into_the_unchanged_book_changes_nothing() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    let update = update_catalogs(book.root())?;
    assert!(
        matches!(update.template, PotUpdate::Unchanged(_)),
        "po/{}: stale, the English sources changed: run `cargo xtask po`",
        booktools::languages::POT_FILE_NAME
    );
    for catalog in catalog_updates(&update) {
        assert_eq!(
            catalog.change,
            CatalogChange::Unchanged,
            "{}:{}: differs from what `cargo xtask po` writes ({:?}): run `cargo xtask po`",
            catalog.catalog.display(),
            catalog.first_difference.unwrap_or(0),
            catalog.summary
        );
        assert_eq!(
            catalog.summary.kept,
            read_po(&catalog.catalog)?.entries.len()
        );
    }
    // Byte for byte the committed files, template included.
    for translation in translations(&repository_root())? {
        let relative = translation.catalog.strip_prefix(repository_root())?;
        assert_eq!(
            std::fs::read(&translation.catalog)?,
            std::fs::read(book.root().join(relative))?,
            "{}",
            relative.display()
        );
    }
    let pot = "po/messages.pot";
    assert_eq!(
        std::fs::read(repository_root().join(pot))?,
        std::fs::read(book.root().join(pot))?
    );
    // And twice is once.
    let again = update_catalogs(book.root())?;
    assert!(again
        .catalogs
        .iter()
        .all(|c| c.change == CatalogChange::Unchanged));
    Ok(())
}

fn an_edited_english_paragraph_fails_the_checks_until_its_translation_is_updated() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    if clean_before(&book)? {
        return Ok(());
    }
    let (chapter, old_msgid, first_words) = long_paragraph(&book)?;
    // Reword the start of the paragraph, as an author would.
    let chapter_text = book.read(&chapter)?;
    let line = line_of(&chapter_text, &first_words).context("the paragraph in the chapter")?;
    book.replace_once(
        &chapter,
        &first_words,
        &format!("As a result, {first_words}"),
    )?;
    let new_msgid = format!("As a result, {old_msgid}");

    let update = update_catalogs(book.root())?;
    assert!(matches!(update.template, PotUpdate::Written(_)));
    for catalog in catalog_updates(&update) {
        assert_eq!(catalog.change, CatalogChange::Updated);
        assert_eq!(catalog.summary.fuzzy, std::slice::from_ref(&new_msgid));
        assert_eq!(catalog.summary.dropped, std::slice::from_ref(&old_msgid));
        assert!(catalog.summary.added.is_empty(), "{:?}", catalog.summary);

        // The translation is carried over, fuzzy, with the old English.
        let fuzzy = entry(&catalog.catalog, &new_msgid)?;
        assert!(fuzzy.is_fuzzy() && fuzzy.is_translated(), "{fuzzy:?}");
        assert_eq!(fuzzy.references, [format!("{chapter}:{line}")]);
        let text = std::fs::read_to_string(&catalog.catalog)?;
        let previous: Vec<&str> = text
            .lines()
            .skip(fuzzy.line - 1)
            .take(fuzzy.msgid_line - fuzzy.line)
            .filter(|l| l.starts_with("#|"))
            .collect();
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
        assert!(error.contains(&format!("{chapter}:{line}")), "{error}");
    }
    assert_eq!(
        error.matches(": fuzzy entry").count(),
        update.catalogs.len(),
        "{error}"
    );

    // The translator updates the translation and clears the flag: the
    // checks pass, and `cargo xtask po` then leaves the catalog as it is.
    for catalog in catalog_updates(&update) {
        let fuzzy = entry(&catalog.catalog, &new_msgid)?;
        let text = std::fs::read_to_string(&catalog.catalog)?;
        let reviewed: Vec<&str> = text
            .split('\n')
            .enumerate()
            .filter(|(index, line)| {
                let in_comments = (fuzzy.line - 1..fuzzy.msgid_line - 1).contains(index);
                !(in_comments && (line.starts_with("#|") || *line == "#, fuzzy"))
            })
            .map(|(_, line)| line)
            .collect();
        std::fs::write(&catalog.catalog, reviewed.join("\n"))?;
    }
    check_translations(book.root()).context("after the review")?;
    let again = update_catalogs(book.root())?;
    assert!(matches!(again.template, PotUpdate::Unchanged(_)));
    for catalog in &again.catalogs {
        assert_eq!(catalog.change, CatalogChange::Unchanged, "{catalog:?}");
    }
    Ok(())
}

fn a_new_english_paragraph_fails_the_checks_as_untranslated_with_its_chapter() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    if clean_before(&book)? {
        return Ok(());
    }
    let (chapter, _, _) = long_paragraph(&book)?;
    let mut text = book.read(&chapter)?;
    let paragraph = "Zebras never appear in this chapter before this sentence.";
    text.push_str(&format!("\n{paragraph}\n"));
    let line = text.lines().count();
    std::fs::write(book.root().join(&chapter), text)?;

    let update = update_catalogs(book.root())?;
    for catalog in catalog_updates(&update) {
        assert_eq!(catalog.summary.added, [paragraph]);
        assert!(catalog.summary.fuzzy.is_empty(), "{:?}", catalog.summary);
        assert!(catalog.summary.dropped.is_empty(), "{:?}", catalog.summary);
    }
    let error = format!("{:#}", check_translations(book.root()).unwrap_err());
    for catalog in catalog_updates(&update) {
        let added = entry(&catalog.catalog, paragraph)?;
        assert!(!added.is_translated());
        let expected = format!(
            "{}:{}: untranslated entry {paragraph:?}",
            catalog.catalog.display(),
            added.msgstr_line
        );
        assert!(error.contains(&expected), "{expected} not in:\n{error}");
        assert!(error.contains(&format!("{chapter}:{line}")), "{error}");
    }
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
    copy_dir(&source.tree, &book.root().join(&tree))?;
    let config = book.read("book.toml")?;
    let trees_table = "[preprocessor.listings.trees]\n";
    book.replace_once(
        "book.toml",
        trees_table,
        &format!("{trees_table}xx = \"{tree}\"\n"),
    )?;
    assert!(config.contains(trees_table));

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
    let error = format!("{:#}", check_translations(book.root()).unwrap_err());
    assert!(
        error.contains(&format!("{}:", created.catalog.display())),
        "{error}"
    );
    Ok(())
}

/// Copies a folder recursively, without `target/` build products.
fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&entry.path(), &dest)?;
            }
        } else {
            std::fs::copy(entry.path(), &dest)?;
        }
    }
    Ok(())
}

fn the_french_guide_for_translators_follows_french_typography() -> Result<()> {
    // TRANSLATING.md is written in French (after an English summary in a
    // block quote): its prose goes through the typography check of the
    // catalogs, one message per line, so a problem names the guide's line.
    let guide = std::fs::read_to_string(repository_root().join("TRANSLATING.md"))?;
    let mut po = String::from(
        "msgid \"\"\nmsgstr \"\"\n\"Project-Id-Version: guide\\n\"\n\"POT-Creation-Date: \\n\"\n\
         \"PO-Revision-Date: \\n\"\n\"Language-Team: \\n\"\n\"MIME-Version: 1.0\\n\"\n\
         \"Content-Type: text/plain; charset=UTF-8\\n\"\n\"Content-Transfer-Encoding: 8bit\\n\"\n\
         \"Language: fr\\n\"\n\"Plural-Forms: nplurals=2; plural=(n > 1);\\n\"\n",
    );
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
    let dir = tempfile::tempdir()?;
    let catalog = dir.path().join("guide.po");
    std::fs::write(&catalog, po)?;
    let problems = booktools::i18n::translation::check_typography(
        &booktools::i18n::translation::Translation {
            language: "fr".to_string(),
            catalog,
        },
    )?;
    let list: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    assert!(problems.is_empty(), "{}", list.join("\n"));
    Ok(())
}

fn the_status_counts_fuzzy_messages_and_names_missing_and_out_of_step_listings() -> Result<()> {
    use booktools::i18n::status::{book_status, render};
    let book = TempBook::copy_of_repository()?;
    let incomplete = match book_status(book.root())?.is_complete() {
        true => vec![],
        false => vec!["the status is INCOMPLETE"],
    };
    let real_tests =
        "i18n::translated_code::the_real_book_passes_every_check and the i18n::translation tests";
    if fails_before(&incomplete, real_tests) {
        return Ok(());
    }
    let (chapter, _, first_words) = long_paragraph(&book)?;
    book.replace_once(
        &chapter,
        &first_words,
        &format!("As a result, {first_words}"),
    )?;
    update_catalogs(book.root())?;
    let layout = booktools::languages::BookLayout::load(book.root())?;

    // In every translated tree: one listing removed, one struct renamed.
    let mut expected = Vec::new();
    for translation in translations(book.root())? {
        let tree = &layout
            .language(&translation.language)
            .context("a listing tree")?
            .tree;
        let listings =
            booktools::listings::discover(layout.language(&translation.language).unwrap())?;
        let (first, last) = (&listings[0], &listings[listings.len() - 1]);
        std::fs::remove_dir_all(&last.dir)?;
        let lib = first.dir.join("src/lib.rs");
        let text = std::fs::read_to_string(&lib)?;
        let line = text
            .lines()
            .position(|l| l.starts_with("pub struct "))
            .context("a struct")?;
        let renamed = text.replacen("pub struct ", "pub struct Renamed", 1);
        std::fs::write(&lib, renamed)?;
        let shown = |path: &Path| {
            path.strip_prefix(book.root())
                .unwrap()
                .display()
                .to_string()
        };
        expected.push((
            translation.language.clone(),
            format!(
                "{}:{}: [{}] listing structure",
                shown(&lib),
                line + 1,
                translation.language
            ),
            shown(&last.dir),
        ));
        assert!(tree.is_dir());
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
        let total = language.total();
        assert_eq!((total.fuzzy, total.untranslated), (1, 0), "{table}");
        let row = language
            .chapters
            .iter()
            .find(|c| c.chapter == chapter)
            .context("the edited chapter")?;
        assert_eq!(row.fuzzy, 1, "{table}");
        assert_eq!(
            language.code.listings_translated,
            language.code.listings_total - 1
        );
        assert_eq!(language.code.listings_out_of_step, 1, "{table}");
        assert!(table.contains(renamed), "{renamed} not in:\n{table}");
        assert!(table.contains(removed), "{removed} not in:\n{table}");
        assert!(table.contains(": fuzzy entry \"As a result, "), "{table}");
    }
    assert!(table.contains("INCOMPLETE"), "{table}");
    Ok(())
}

crate::trials!(
    the_changes_since_a_revision_count_added_edited_translated_and_removed,
    a_catalog_wrapped_by_another_gettext_tool_passes_and_is_left_as_it_is,
    merging_the_template_into_the_unchanged_book_changes_nothing,
    an_edited_english_paragraph_fails_the_checks_until_its_translation_is_updated,
    a_new_english_paragraph_fails_the_checks_as_untranslated_with_its_chapter,
    a_language_without_a_catalog_gets_one_translating_nothing,
    the_french_guide_for_translators_follows_french_typography,
    the_status_counts_fuzzy_messages_and_names_missing_and_out_of_step_listings
);
