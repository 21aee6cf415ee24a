//! The book, built in-process through the real mdBook pipeline (`book.toml`,
//! the real `gettext` and `listings` preprocessors, mdBook's `links` and
//! HTML renderer): every include resolves to real listing code, nothing is
//! left unexpanded, and a broken include or anchor fails the build with a
//! message naming the chapter file, the line, the directive and what is
//! missing. Bad input is only ever written to temporary copies.

use anyhow::Result;
use booktools::book::{
    build_html, chapters_before_links, check_rendered, html_code_blocks, preprocessed_chapters,
    RenderedChapter,
};
use graceful_shutdown_book::book_fixture::{
    contains_lines_in_order, glossary_code_name, line_of, repository_root, TempBook,
};
use mdbook_listings::directive::{find_directives, DirectiveKind};
use mdbook_listings::selection::{visible_lines, AnchorMode};
use std::path::Path;

/// The chapter of this book.
const CHAPTER: &str = "src/ch20-03-graceful-shutdown-and-cleanup.md";

fn chapter<'a>(chapters: &'a [RenderedChapter], source: &str) -> &'a RenderedChapter {
    chapters
        .iter()
        .find(|chapter| chapter.source_path == Path::new(source))
        .unwrap_or_else(|| panic!("the book has no chapter {source}"))
}

/// The visible code blocks of the chapter's page in `language`, built
/// through the real pipeline, with no directive left unexpanded and no
/// empty block.
fn chapter_code(root: &Path, language: &str) -> Result<Vec<String>> {
    let out = tempfile::tempdir()?;
    let html_dir = out.path().join(language);
    let chapters = build_html(root, language, &html_dir, |_| {})?;
    let page = std::fs::read_to_string(html_dir.join(chapter(&chapters, CHAPTER).html_file()))?;
    assert!(!page.contains("{{#"), "unexpanded directive in the page");
    let code: Vec<String> = html_code_blocks(&page)
        .into_iter()
        .map(|b| b.visible)
        .collect();
    let empty = code.iter().any(|block| block.trim().is_empty());
    assert!(!empty, "empty code block in the {language} chapter page");
    Ok(code)
}

/// For every include of `language`'s chapters (as written before `links`
/// expands them), the lines it selects from its listing file appear in the
/// chapter the renderer receives, unhidden and in order.
fn assert_every_include_yields_its_code(root: &Path, language: &str) -> Result<usize> {
    let before = chapters_before_links(root, language)?;
    let after = preprocessed_chapters(root, language)?;
    let mut includes = 0;
    for written in &before {
        let rendered = chapter(&after, &written.source_path.to_string_lossy());
        let chapter_dir = root.join(written.source_path.parent().unwrap_or(Path::new("")));
        for directive in find_directives(&written.content) {
            includes += 1;
            let file = chapter_dir.join(&directive.path);
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|error| panic!("{}: {error}", file.display()));
            let mode = match directive.kind {
                DirectiveKind::RustdocInclude => AnchorMode::EverySection,
                DirectiveKind::Include | DirectiveKind::Playground => AnchorMode::FirstSection,
            };
            let lines = visible_lines(&text, &directive.selection, mode)
                .unwrap_or_else(|error| panic!("{}: {error}", directive.text(&written.content)));
            assert!(
                lines.iter().any(|line| !line.trim().is_empty()),
                "{} yields no code",
                directive.text(&written.content)
            );
            assert!(
                contains_lines_in_order(&rendered.content, &lines),
                "{}: the rendered chapter lacks the code of {}",
                written.source_path.display(),
                directive.text(&written.content)
            );
        }
    }
    check_rendered(&after)?;
    Ok(includes)
}

fn english_book_renders_through_the_real_pipeline_with_its_listing_code() -> Result<()> {
    let code = chapter_code(&repository_root(), "en")?;
    let found = code
        .iter()
        .any(|block| block.contains("impl Drop for ThreadPool {"));
    assert!(
        found,
        "no visible `impl Drop for ThreadPool` in the chapter page"
    );
    Ok(())
}

fn every_english_include_resolves_to_non_empty_listing_code() -> Result<()> {
    let includes = assert_every_include_yields_its_code(&repository_root(), "en")?;
    assert!(includes > 0, "the English book includes no listing");
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

/// Each translated book (the French one) includes and shows only the code
/// of its own listing tree, with the glossary's names.
fn french_book_renders_french_listing_code_only() -> Result<()> {
    let root = repository_root();
    let layout = booktools::languages::BookLayout::load(&root)?;
    for language in layout.translated() {
        let (code, tree) = (&language.code, &language.tree_setting);
        let before = chapters_before_links(&root, code)?;
        assert!(
            !find_directives(&chapter(&before, CHAPTER).content).is_empty(),
            "the {code} chapter includes no listing"
        );
        let mut directives = 0;
        for written in &before {
            for directive in find_directives(&written.content) {
                let include = directive.text(&written.content);
                let inside = directive.path.starts_with(&format!("../{tree}/"));
                assert!(
                    inside,
                    "the {code} chapter {} includes {include} outside {tree}",
                    written.source_path.display()
                );
                directives += 1;
            }
        }
        let includes = assert_every_include_yields_its_code(&root, code)?;
        assert_eq!(includes, directives);

        let blocks = chapter_code(&root, code)?;
        let pool = glossary_code_name(&root, code, "ThreadPool")?;
        let drop = format!("impl Drop for {pool} {{");
        assert!(
            blocks.iter().any(|b| b.contains(&drop)),
            "no `{drop}` in {code}"
        );
        let english = blocks.iter().any(|block| block.contains("ThreadPool"));
        assert!(!english, "English code (`ThreadPool`) on the {code} page");
    }
    Ok(())
}

crate::trials!(
    english_book_renders_through_the_real_pipeline_with_its_listing_code,
    every_english_include_resolves_to_non_empty_listing_code,
    deleted_anchor_fails_the_build_naming_chapter_line_directive_and_anchor,
    mistyped_include_path_fails_the_build_naming_chapter_line_directive_and_path,
    every_broken_include_of_the_book_is_reported_at_once,
    translated_book_without_its_catalog_fails_instead_of_staying_english,
    french_book_renders_french_listing_code_only
);
