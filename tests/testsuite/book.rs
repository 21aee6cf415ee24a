//! The book, built in-process through the real mdBook pipeline (`book.toml`,
//! the real `gettext` and `listings` preprocessors, mdBook's `links` and
//! HTML renderer): every include resolves to real listing code, nothing is
//! left unexpanded, and a broken include or anchor fails the build with a
//! message naming the chapter file, the line, the directive and what is
//! missing. Bad input is only ever written to temporary copies.

use anyhow::Result;
use booktools::book::{
    build_html, chapters_before_links, html_code_blocks, preprocessed_chapters, RenderedChapter,
};
use graceful_shutdown_book::book_fixture::{
    contains_lines_in_order, glossary_code_name, line_of, repository_root, TempBook,
};
use graceful_shutdown_book::site_fixture::BuiltSite;
use mdbook_listings::directive::{find_directives, DirectiveKind};
use mdbook_listings::selection::{visible_lines, AnchorMode};
use std::path::Path;

/// The chapter of this book.
const CHAPTER: &str = "src/ch20-03-graceful-shutdown-and-cleanup.md";

fn chapter<'a>(chapters: &'a [RenderedChapter], source: &Path) -> &'a RenderedChapter {
    chapters
        .iter()
        .find(|chapter| chapter.source_path == source)
        .unwrap_or_else(|| panic!("the book has no chapter {}", source.display()))
}

/// Each language's book, built through the real pipeline (and its rendered
/// checks), includes the code of its own listing tree only: every include
/// as written before `links` expands it points into that tree, and the
/// lines it selects appear in the chapter the renderer receives, unhidden
/// and in order. The chapter page shows the thread pool under the
/// glossary's name of the language, and no other language's.
fn every_language_renders_its_own_listing_code() -> Result<()> {
    let root = repository_root();
    // The site every test of this binary reads: built once.
    let site = BuiltSite::of_repository()?;
    let layout = booktools::languages::BookLayout::load(&root)?;
    let pools: Vec<String> = (layout.languages.iter())
        .map(|language| glossary_code_name(&root, &language.code, "ThreadPool"))
        .collect::<Result<_>>()?;
    for (language, pool) in layout.languages.iter().zip(&pools) {
        let (code, tree) = (&language.code, &language.tree_setting);
        let after = &site.chapters[code];
        let mut includes = 0;
        for written in &chapters_before_links(&root, code)? {
            let rendered = chapter(after, &written.source_path);
            let chapter_dir = root.join(written.source_path.parent().unwrap_or(Path::new("")));
            for directive in find_directives(&written.content) {
                includes += 1;
                let include = directive.text(&written.content);
                let at = written.source_path.display();
                assert!(
                    directive.path.starts_with(&format!("../{tree}/")),
                    "the {code} chapter {at} includes {include} outside {tree}"
                );
                let file = chapter_dir.join(&directive.path);
                let text = std::fs::read_to_string(&file)
                    .unwrap_or_else(|error| panic!("{}: {error}", file.display()));
                let mode = match directive.kind {
                    DirectiveKind::RustdocInclude => AnchorMode::EverySection,
                    DirectiveKind::Include | DirectiveKind::Playground => AnchorMode::FirstSection,
                };
                let lines = visible_lines(&text, &directive.selection, mode)
                    .unwrap_or_else(|error| panic!("{include}: {error}"));
                assert!(
                    lines.iter().any(|line| !line.trim().is_empty()),
                    "{include} yields no code"
                );
                assert!(
                    contains_lines_in_order(&rendered.content, &lines),
                    "{at}: the rendered {code} chapter lacks the code of {include}"
                );
            }
        }
        assert!(includes > 0, "the {code} book includes no listing");
        let page = (site.language_dir(code)).join(chapter(after, Path::new(CHAPTER)).html_file());
        let blocks: Vec<String> = (html_code_blocks(&std::fs::read_to_string(page)?).into_iter())
            .map(|block| block.visible)
            .collect();
        let drop = format!("impl Drop for {pool} {{");
        assert!(
            blocks.iter().any(|block| block.contains(&drop)),
            "no visible `{drop}` in the {code} chapter page"
        );
        for other in pools.iter().filter(|other| *other != pool) {
            let foreign = blocks.iter().any(|block| block.contains(other.as_str()));
            assert!(!foreign, "`{other}` code on the {code} chapter page");
        }
    }
    Ok(())
}

fn deleted_anchor_fails_the_build_naming_chapter_line_directive_and_anchor() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    let listing = "listings-sources/ch20-web-server/listing-20-22/src/lib.rs";
    assert_eq!(book.delete_lines(listing, "// ANCHOR: here")?, 1);
    let directive =
        "{{#rustdoc_include ../listings-sources/ch20-web-server/listing-20-22/src/lib.rs:here}}";
    let line =
        line_of(&book.read(CHAPTER)?, directive).expect("the chapter includes listing 20-22");

    let error = build_html(book.root(), "en", &book.output_dir("en"), |_| {})
        .expect_err("a listing without its anchor must fail the build");
    let message = format!("{error:#}");
    let expected = format!("{CHAPTER}:{line}: {directive}: anchor `here` not found in {listing}");
    assert!(message.contains(&expected), "{message}");
    assert!(!book.output_dir("en").join("index.html").exists());
    Ok(())
}

fn mistyped_include_path_fails_the_build_naming_chapter_line_directive_and_path() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    let good = "../listings-sources/ch20-web-server/listing-20-24/src/lib.rs:here";
    let typo = "../listings-sources/ch20-web-server/listing-20-42/src/lib.rs:here";
    book.replace_once(CHAPTER, good, typo)?;
    let directive = format!("{{{{#rustdoc_include {typo}}}}}");
    let line = line_of(&book.read(CHAPTER)?, &directive).expect("the typo is in the chapter");

    let error = preprocessed_chapters(book.root(), "en")
        .expect_err("an include of a missing file must fail the pipeline");
    let message = format!("{error:#}");
    let missing = "listings-sources/ch20-web-server/listing-20-42/src/lib.rs";
    let expected = format!("{CHAPTER}:{line}: {directive}: file not found: {missing}");
    assert!(message.contains(&expected), "{message}");
    Ok(())
}

fn every_broken_include_of_the_book_is_reported_at_once() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    book.delete_lines(
        "listings-sources/ch20-web-server/listing-20-23/src/lib.rs",
        "// ANCHOR_END: here",
    )?;
    book.replace_once(
        CHAPTER,
        "no-listing-07-define-message-enum/src/lib.rs:here",
        "no-listing-07-define-message-enum/src/lib.rs:there",
    )?;
    let error = build_html(book.root(), "en", &book.output_dir("en"), |_| {})
        .expect_err("broken includes must fail the build");
    let message = format!("{error:#}");
    for expected in [
        "anchor `here` has no `ANCHOR_END: here` in \
         listings-sources/ch20-web-server/listing-20-23/src/lib.rs",
        "anchor `there` not found in \
         listings-sources/ch20-web-server/no-listing-07-define-message-enum/src/lib.rs",
    ] {
        assert!(message.contains(expected), "{message}");
    }
    Ok(())
}

fn translated_book_without_its_catalog_fails_instead_of_staying_english() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    let layout = booktools::languages::BookLayout::load(book.root())?;
    for language in layout.translated().map(|language| &language.code) {
        std::fs::remove_file(layout.po_file(language))?;
        let missing = format!("{language}.po is missing");
        let error =
            build_html(book.root(), language, &book.output_dir(language), |_| {}).unwrap_err();
        assert!(format!("{error:#}").contains(&missing), "{error:#}");
        let error = preprocessed_chapters(book.root(), language).unwrap_err();
        assert!(format!("{error:#}").contains(&missing), "{error:#}");
    }
    Ok(())
}

crate::trials!(
    every_language_renders_its_own_listing_code,
    deleted_anchor_fails_the_build_naming_chapter_line_directive_and_anchor,
    mistyped_include_path_fails_the_build_naming_chapter_line_directive_and_path,
    every_broken_include_of_the_book_is_reported_at_once,
    translated_book_without_its_catalog_fails_instead_of_staying_english,
);
