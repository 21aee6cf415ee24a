//! Adding a language is data only. A temporary copy of the book gets a
//! third language, `eo`, from data alone — its listing tree, its catalog,
//! its line in `book.toml`, its glossary tables, its chrome, its search
//! analysis and its dictionary, all copied from French under the new code, with not one
//! line of code changed — and the pipeline handles it like the others: the
//! build, every check, `cargo xtask status`, the listings (their cached
//! outputs match: the crates are the French ones) and the site, whose
//! language switch lists it and whose search index is built with its
//! analysis.

use anyhow::{ensure, Context, Result};
use booktools::book::TempBook;
use booktools::i18n::translation::{self, spelling};
use booktools::i18n::{status, translated_code};
use booktools::languages::BookLayout;
use booktools::listings::compile::CompileSettings;
use booktools::listings::verify;
use booktools::site::{build_site_in_process, search, SitePlan};
use graceful_shutdown_book::book_fixture::{copy_tree, repository_root};
use std::fs;
use std::path::Path;

/// The language added, and the one whose data it copies.
const NEW: &str = "eo";

/// Adds [`NEW`] to the copy at `root`, as data copied from `model`, and
/// returns the folder of the dictionaries for the spelling check.
fn add_language(book: &TempBook, model: &str, dictionaries: &Path) -> Result<()> {
    let root = book.root();
    let layout = BookLayout::load(root)?;
    let tree = layout.language(model).context("the model language")?;
    let new_tree = format!("{}-{NEW}", tree.tree_setting);
    copy_tree(&tree.tree, &root.join(&new_tree))?;
    let trees = "[preprocessor.listings.trees]\n";
    book.replace_once(
        "book.toml",
        trees,
        &format!("{trees}{NEW} = \"{new_tree}\"\n"),
    )?;
    let catalog = book.read(&format!("po/{model}.po"))?;
    let language_line = format!("\"Language: {model}\\n\"");
    ensure!(
        catalog.contains(&language_line),
        "no {language_line} in the catalog"
    );
    let catalog = catalog.replace(&language_line, &format!("\"Language: {NEW}\\n\""));
    fs::write(layout.po_file(NEW), catalog)?;
    let glossary = book.read("glossary.toml")?;
    let start = glossary
        .find(&format!("\n[{model}]\n"))
        .context("the model's glossary tables")?;
    let model_tables = &glossary[start..];
    let new_tables = model_tables.replace(&format!("[{model}."), &format!("[{NEW}."));
    let new_tables = new_tables.replacen(&format!("[{model}]"), &format!("[{NEW}]"), 1);
    fs::write(
        root.join("glossary.toml"),
        format!("{glossary}\n{new_tables}"),
    )?;
    let chrome = layout.theme_dir.join("chrome");
    fs::copy(
        chrome.join(format!("{model}.json")),
        chrome.join(format!("{NEW}.json")),
    )?;
    let search = layout.theme_dir.join(search::ANALYSIS_DIR);
    fs::copy(
        search.join(format!("{model}.toml")),
        search.join(format!("{NEW}.toml")),
    )?;
    copy_tree(
        &repository_root().join(spelling::DICTIONARIES),
        dictionaries,
    )?;
    copy_tree(&dictionaries.join(model), &dictionaries.join(NEW))?;
    Ok(())
}

fn a_third_language_is_data_only() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    let root = book.root();
    let layout = BookLayout::load(root)?;
    let model = layout
        .translated()
        .next()
        .context("a translated language to copy")?
        .code
        .clone();
    let dictionaries = tempfile::tempdir()?;
    add_language(&book, &model, dictionaries.path())?;
    let layout = BookLayout::load(root)?;
    ensure!(layout.language(NEW).is_some(), "book.toml has no `{NEW}`");

    // Every check of the translations and of the translated code.
    translation::check_translations(root).context("the translation checks")?;
    let reports = translated_code::check_translated_code(root)?;
    let report = reports
        .iter()
        .find(|report| report.language == NEW)
        .context("a report of the new language")?;
    let problems: Vec<String> = report.problems().map(ToString::to_string).collect();
    ensure!(problems.is_empty(), "{}", problems.join("\n"));
    ensure!(report.listings_translated == report.listings_total && report.listings_total > 0);
    let misspelled = spelling::check_book(root, dictionaries.path())?;
    ensure!(misspelled.is_empty(), "{misspelled:?}");

    // `cargo xtask status`.
    let status = status::book_status(root)?;
    let new = status
        .languages
        .iter()
        .find(|language| language.code.language == NEW)
        .context("the new language in the status")?;
    ensure!(new.is_complete(), "{}", status::render(root, &status));

    // Its listings compile as the text says (through the real book's
    // output cache: the crates are the model's, file for file). Only the
    // new language's: the other trees are the listings trial's, and its
    // targets live in the copy, so that a cold cache never has two trials
    // compiling into one target folder.
    let settings = CompileSettings {
        target_root: root.join("target").join("listings"),
        ..CompileSettings::for_book(&repository_root())
    };
    let mut new_only = layout.clone();
    new_only.languages.retain(|language| language.code == NEW);
    for verdict in verify::verify_book(&new_only, &settings, 2) {
        verdict
            .result
            .with_context(|| format!("listing {}", verdict.id))?;
    }

    // The site: the new language at its own path, in its language, and in
    // the manifest the language switch of every page reads.
    let plan = SitePlan::load(root, None)?;
    let site = tempfile::tempdir()?;
    build_site_in_process(root, &plan, site.path())?;
    let dir = plan.language_dir(site.path(), NEW);
    let page = fs::read_to_string(dir.join("ch20-03-graceful-shutdown-and-cleanup.html"))?;
    ensure!(
        page.contains(&format!("<html lang=\"{NEW}\"")),
        "not an `{NEW}` page"
    );
    for language in &plan.languages {
        let manifest = fs::read_to_string(
            plan.language_dir(site.path(), language)
                .join("languages.js"),
        )?;
        ensure!(
            manifest.contains(&format!("\"{NEW}\"")),
            "the language switch of `{language}` does not list `{NEW}`: {manifest}"
        );
    }
    ensure!(!fs::read_to_string(dir.join("chrome.js"))?.contains("= null"));
    let index = fs::read_to_string(search::index_file(&dir)?)?;
    let label = search::Analysis::load(root, NEW)?
        .context("the new language's search analysis")?
        .pipeline_label();
    ensure!(
        index.contains(&format!("\"pipeline\":[\"{label}\"]")),
        "the `{NEW}` search index is not built with its analysis `{label}`"
    );
    Ok(())
}

crate::trials!(a_third_language_is_data_only);
