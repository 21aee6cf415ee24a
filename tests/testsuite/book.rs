//! The book, built in-process through the real mdBook pipeline (`book.toml`,
//! the real `gettext` and `listings` preprocessors, mdBook's `links` and
//! HTML renderer): every include resolves to real listing code, nothing is
//! left unexpanded, and a broken include or anchor fails the build with a
//! message naming the chapter file, the line, the directive and what is
//! missing. Bad input is only ever written to temporary copies.

use anyhow::Result;
use booktools::book::{build_html, chapters_before_links, html_code_blocks, preprocessed_chapters};
use graceful_shutdown_book::book_fixture::{
    contains_lines_in_order, glossary_code_name, line_of, repository_root, TempBook,
};
use graceful_shutdown_book::site_fixture::BuiltSite;
use mdbook_listings::directive::{find_directives, DirectiveKind};
use mdbook_listings::selection::{visible_lines, AnchorMode};
use std::path::Path;

const CHAPTER: &str = "src/ch20-03-graceful-shutdown-and-cleanup.md";

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
        let mut includes = 0;
        for written in &chapters_before_links(&root, code)? {
            let rendered = site.chapter(code, &written.source_path)?;
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
        let page = (site.language_dir(code)).join(site.chapter(code, CHAPTER)?.html_file());
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

/// Broken includes of the real book, all reported by one build: a deleted
/// anchor, a mistyped path, an anchor without its end and a renamed one,
/// each named with chapter, line and directive (the first two checked to
/// the letter). The build writes no page.
fn broken_includes_fail_the_build_naming_chapter_line_directive_and_what_is_missing() -> Result<()>
{
    let book = TempBook::copy_of_repository()?;
    let tree = "listings-sources/ch20-web-server";
    let lib = |listing: &str| format!("{tree}/{listing}/src/lib.rs");
    assert_eq!(
        book.delete_lines(&lib("listing-20-22"), "// ANCHOR: here")?,
        1
    );
    book.delete_lines(&lib("listing-20-23"), "// ANCHOR_END: here")?;
    let enum_listing = lib("no-listing-07-define-message-enum");
    book.replace_once(
        CHAPTER,
        &format!("{enum_listing}:here"),
        &format!("{enum_listing}:there"),
    )?;
    let typo = format!("../{}:here", lib("listing-20-42"));
    book.replace_once(CHAPTER, &format!("../{}:here", lib("listing-20-24")), &typo)?;
    let chapter = book.read(CHAPTER)?;
    let at = |directive: String| {
        let line = line_of(&chapter, &directive).expect("the chapter has the directive");
        format!("{CHAPTER}:{line}: {directive}")
    };
    let anchor = format!("{{{{#rustdoc_include ../{}:here}}}}", lib("listing-20-22"));
    let expected = [
        format!(
            "{}: anchor `here` not found in {}",
            at(anchor),
            lib("listing-20-22")
        ),
        format!(
            "{}: file not found: {}",
            at(format!("{{{{#rustdoc_include {typo}}}}}")),
            lib("listing-20-42")
        ),
        format!(
            "anchor `here` has no `ANCHOR_END: here` in {}",
            lib("listing-20-23")
        ),
        format!("anchor `there` not found in {enum_listing}"),
    ];
    let error = build_html(book.root(), "en", &book.output_dir("en"), |_| {})
        .expect_err("broken includes must fail the build");
    let message = format!("{error:#}");
    for expected in &expected {
        assert!(message.contains(expected), "no {expected:?} in {message}");
    }
    assert!(!book.output_dir("en").join("index.html").exists());
    let error = preprocessed_chapters(book.root(), "en").expect_err("nor preprocess");
    assert!(format!("{error:#}").contains(&expected[1]), "{error:#}");
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
    broken_includes_fail_the_build_naming_chapter_line_directive_and_what_is_missing,
    translated_book_without_its_catalog_fails_instead_of_staying_english,
);
